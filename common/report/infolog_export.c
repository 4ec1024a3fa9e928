/*
 * NAME
 *   infolog_export - the information log as a .csv or .xlsx file
 *
 * DESCRIPTION
 *   See infolog_export.h. Only the programs that export (koppelctl) link
 *   this file, and with it libxlsxwriter; the daemons write the log but
 *   never export it. An export is written to a new file beside the target
 *   (mkstemp: O_EXCL, so never through a link someone placed), made 0640,
 *   and renamed onto the target: a symlink at the target is replaced, the
 *   file it pointed to is not touched.
 *
 * DIAGNOSTICS
 *   Errors name the file and carry the system's or libxlsxwriter's message.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "infolog_export.h"
#include "xalloc.h"

typedef enum { EXPORT_CSV, EXPORT_XLSX } export_kind_t;

static bool export_to(infolog_t *self, const infolog_filter_t *filter, const char *path,
                      export_kind_t kind, char *err, size_t errlen);

static const char *const columns[] = { "time", "profile", "view", "kind", "order", "text" };

/* csv_field - one field, quoted when it holds a comma, quote or line end */
static void
csv_field(FILE *fp, const char *s, bool last)
{
    if (strpbrk(s, ",\"\r\n") != NULL) {
        fputc('"', fp);
        for (; *s; s++) {
            if (*s == '"')
                fputc('"', fp);
            fputc(*s, fp);
        }
        fputc('"', fp);
    } else
        fputs(s, fp);
    fputs(last ? "\r\n" : ",", fp);
}

/* write_csv - the selected rows as CSV into fp, which it closes */
static bool
write_csv(infolog_t *self, const infolog_filter_t *filter, FILE *fp, const char *path,
          char *err, size_t errlen)
{
    json_t *rows = infolog_query(self, filter, err, errlen);
    size_t  i, c;
    bool    ok;

    if (rows == NULL) {
        fclose(fp);
        return false;
    }
    for (c = 0; c < 6; c++)
        csv_field(fp, columns[c], c == 5);
    for (i = 0; i < json_array_size(rows); i++) {
        json_t *r = json_array_get(rows, i);
        char    when[32], num[32];
        json_int_t order = json_integer_value(json_object_get(r, "order"));

        snprintf(num, sizeof num, "%lld", (long long) order);
        csv_field(fp, infolog_time(json_integer_value(json_object_get(r, "at")), when,
                                   sizeof when), false);
        csv_field(fp, json_string_value(json_object_get(r, "profile")), false);
        csv_field(fp, json_string_value(json_object_get(r, "level")), false);
        csv_field(fp, json_string_value(json_object_get(r, "kind")), false);
        csv_field(fp, order ? num : "", false);
        csv_field(fp, json_string_value(json_object_get(r, "text")), true);
    }
    ok = !ferror(fp);
    if (fclose(fp) != 0)
        ok = false;
    if (!ok)
        snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
    json_decref(rows);
    return ok;
}

/* infolog_export_csv - the selected rows as CSV */
bool
infolog_export_csv(infolog_t *self, const infolog_filter_t *filter, const char *path,
                   char *err, size_t errlen)
{
    return export_to(self, filter, path, EXPORT_CSV, err, errlen);
}

/* write_xlsx - the selected rows as an Excel workbook at path */
static bool
write_xlsx(infolog_t *self, const infolog_filter_t *filter, const char *path,
           char *err, size_t errlen)
{
    json_t *rows = infolog_query(self, filter, err, errlen);
    lxw_workbook *wb;
    lxw_worksheet *ws;
    lxw_format *bold, *datetime;
    lxw_error rc;
    size_t  i, c;

    if (rows == NULL)
        return false;
    if ((wb = workbook_new(path)) == NULL) {
        snprintf(err, errlen, "%s: cannot create the workbook", path);
        json_decref(rows);
        return false;
    }
    ws = workbook_add_worksheet(wb, "Informatie");
    bold = workbook_add_format(wb);
    format_set_bold(bold);
    datetime = workbook_add_format(wb);
    format_set_num_format(datetime, "dd-mm-yyyy hh:mm:ss");
    for (c = 0; c < 6; c++)
        worksheet_write_string(ws, 0, (lxw_col_t) c, columns[c], bold);
    worksheet_set_column(ws, 0, 0, 20, NULL);
    worksheet_set_column(ws, 1, 4, 14, NULL);
    worksheet_set_column(ws, 5, 5, 80, NULL);
    worksheet_freeze_panes(ws, 1, 0);
    for (i = 0; i < json_array_size(rows); i++) {
        json_t *r = json_array_get(rows, i);
        lxw_row_t row = (lxw_row_t) (i + 1);
        time_t  at = (time_t) json_integer_value(json_object_get(r, "at"));
        json_int_t order = json_integer_value(json_object_get(r, "order"));
        struct tm tm;
        lxw_datetime dt;

        /* a real date cell, in local time as the log shows it */
        localtime_r(&at, &tm);
        dt.year = tm.tm_year + 1900;
        dt.month = tm.tm_mon + 1;
        dt.day = tm.tm_mday;
        dt.hour = tm.tm_hour;
        dt.min = tm.tm_min;
        dt.sec = tm.tm_sec;
        worksheet_write_datetime(ws, row, 0, &dt, datetime);
        worksheet_write_string(ws, row, 1, json_string_value(json_object_get(r, "profile")), NULL);
        worksheet_write_string(ws, row, 2, json_string_value(json_object_get(r, "level")), NULL);
        worksheet_write_string(ws, row, 3, json_string_value(json_object_get(r, "kind")), NULL);
        if (order)
            worksheet_write_number(ws, row, 4, (double) order, NULL);
        worksheet_write_string(ws, row, 5, json_string_value(json_object_get(r, "text")), NULL);
    }
    json_decref(rows);
    if ((rc = workbook_close(wb)) != LXW_NO_ERROR) {
        snprintf(err, errlen, "%s: cannot write the workbook: %s", path, lxw_strerror(rc));
        return false;
    }
    return true;
}

/* infolog_export_xlsx - the selected rows as an Excel workbook */
bool
infolog_export_xlsx(infolog_t *self, const infolog_filter_t *filter, const char *path,
                    char *err, size_t errlen)
{
    return export_to(self, filter, path, EXPORT_XLSX, err, errlen);
}

/* export_to - write a new 0640 file beside path and rename it onto path */
static bool
export_to(infolog_t *self, const infolog_filter_t *filter, const char *path,
          export_kind_t kind, char *err, size_t errlen)
{
    char   *tmp = xasprintf("%s.XXXXXX", path);
    int     fd = mkstemp(tmp);
    FILE   *fp;
    bool    ok = false;

    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot create a file in its folder: %s", path,
                 strerror(errno));
        free(tmp);
        return false;
    }
    if (fchmod(fd, 0640) != 0) {
        snprintf(err, errlen, "%s: cannot set mode 0640: %s", tmp, strerror(errno));
        close(fd);
    } else if (kind == EXPORT_CSV) {
        if ((fp = fdopen(fd, "w")) == NULL) {
            snprintf(err, errlen, "%s: cannot write: %s", tmp, strerror(errno));
            close(fd);
        } else
            ok = write_csv(self, filter, fp, path, err, errlen);
    } else {
        close(fd);                  /* libxlsxwriter writes the file by its name */
        ok = write_xlsx(self, filter, tmp, err, errlen);
    }
    if (ok && rename(tmp, path) != 0) {
        snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
        ok = false;
    }
    if (!ok)
        unlink(tmp);
    free(tmp);
    return ok;
}

/* infolog_export - by extension */
bool
infolog_export(infolog_t *self, const infolog_filter_t *filter, const char *path,
               char *err, size_t errlen)
{
    const char *dot = strrchr(path, '.');

    if (dot && strcasecmp(dot, ".csv") == 0)
        return export_to(self, filter, path, EXPORT_CSV, err, errlen);
    if (dot && strcasecmp(dot, ".xlsx") == 0)
        return export_to(self, filter, path, EXPORT_XLSX, err, errlen);
    snprintf(err, errlen, "%s: the file name must end in .csv or .xlsx", path);
    return false;
}
