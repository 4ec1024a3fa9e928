/*
 * test_infolog - the information log: short and extended view, purge after
 * four weeks, clear, CSV quoting, the .xlsx export holding the rows
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db.h"
#include "infolog.h"
#include "infolog_export.h"
#include "xalloc.h"

static char dir[64];

/* setup - a fresh state directory with an information log */
static int
setup(void **state)
{
    char    err[512];
    infolog_t *log;

    snprintf(dir, sizeof dir, "/tmp/koppel-test-infolog-XXXXXX");
    if (mkdtemp(dir) == NULL)
        return -1;
    if ((log = infolog_open(dir, err, sizeof err)) == NULL) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    *state = log;
    return 0;
}

static int
teardown(void **state)
{
    infolog_t *log = *state;
    char   *cmd = xasprintf("rm -rf %s", dir);

    infolog_close(&log);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    return 0;
}

/* some_rows - a booking, an import detail and an error for two profiles */
static void
some_rows(infolog_t *log)
{
    infolog_add(log, "winkel", INFOLOG_EXTENDED, INFOLOG_IMPORT_STARTED, 0, "import started");
    infolog_add(log, "winkel", INFOLOG_SHORT, INFOLOG_BOOKED, 10423,
                "order %d booked on relatie %d", 10423, 501);
    infolog_add(log, "tweede", INFOLOG_SHORT, INFOLOG_DEAD, 77, "grootboek omzet.nl.hoog not set");
}

static json_t *
query(infolog_t *log, const char *profile, bool extended, int limit)
{
    infolog_filter_t f = { profile, extended, limit };
    char    err[512];
    json_t *rows = infolog_query(log, &f, err, sizeof err);

    if (rows == NULL)
        fail_msg("%s", err);
    return rows;
}

static const char *
field(json_t *rows, size_t i, const char *name)
{
    return json_string_value(json_object_get(json_array_get(rows, i), name));
}

static void
the_short_view_leaves_out_details_and_the_extended_view_has_them(void **state)
{
    infolog_t *log = *state;
    json_t *rows;

    some_rows(log);
    rows = query(log, NULL, false, 0);
    assert_int_equal(json_array_size(rows), 2);
    assert_string_equal(field(rows, 0, "kind"), "booked");
    assert_string_equal(field(rows, 0, "text"), "order 10423 booked on relatie 501");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 0), "order")), 10423);
    assert_string_equal(field(rows, 1, "kind"), "dead");
    json_decref(rows);

    rows = query(log, NULL, true, 0);
    assert_int_equal(json_array_size(rows), 3);
    assert_string_equal(field(rows, 0, "kind"), "import-started");
    assert_string_equal(field(rows, 0, "level"), "extended");
    json_decref(rows);
}

static void
a_profile_filter_and_a_limit_select_the_newest_rows_of_that_profile(void **state)
{
    infolog_t *log = *state;
    json_t *rows;

    some_rows(log);
    some_rows(log);
    rows = query(log, "winkel", true, 0);
    assert_int_equal(json_array_size(rows), 4);
    json_decref(rows);
    rows = query(log, NULL, true, 2);     /* newest two, oldest first */
    assert_int_equal(json_array_size(rows), 2);
    assert_string_equal(field(rows, 0, "kind"), "booked");
    assert_string_equal(field(rows, 1, "profile"), "tweede");
    json_decref(rows);
}

static void
rows_older_than_four_weeks_are_purged_and_younger_ones_kept(void **state)
{
    infolog_t *log = *state;
    int64_t now = db_now();
    char    err[512];
    json_t *rows;

    some_rows(log);
    /* 27 days later nothing is old enough */
    assert_int_equal(infolog_purge(log, INFOLOG_KEEP_DAYS, now + 27 * 86400, err, sizeof err), 0);
    rows = query(log, NULL, true, 0);
    assert_int_equal(json_array_size(rows), 3);
    json_decref(rows);
    /* 29 days later every row is */
    assert_int_equal(infolog_purge(log, INFOLOG_KEEP_DAYS, now + 29 * 86400, err, sizeof err), 3);
    rows = query(log, NULL, true, 0);
    assert_int_equal(json_array_size(rows), 0);
    json_decref(rows);
}

static void
clear_empties_the_log_or_one_profile(void **state)
{
    infolog_t *log = *state;
    char    err[512];
    json_t *rows;

    some_rows(log);
    assert_int_equal(infolog_clear(log, "tweede", err, sizeof err), 1);
    rows = query(log, NULL, true, 0);
    assert_int_equal(json_array_size(rows), 2);
    json_decref(rows);
    assert_int_equal(infolog_clear(log, NULL, err, sizeof err), 2);
    rows = query(log, NULL, true, 0);
    assert_int_equal(json_array_size(rows), 0);
    json_decref(rows);
}

static void
control_characters_in_a_text_become_spaces(void **state)
{
    infolog_t *log = *state;
    json_t *rows;

    infolog_add(log, "winkel", INFOLOG_SHORT, INFOLOG_ERROR, 0, "line one\nline\ttwo");
    rows = query(log, NULL, false, 0);
    assert_string_equal(field(rows, 0, "text"), "line one line two");
    json_decref(rows);
}

/* slurp - a file's contents (new memory) */
static char *
slurp(const char *cmd_or_path, bool command)
{
    FILE   *fp = command ? popen(cmd_or_path, "r") : fopen(cmd_or_path, "r");
    char   *buf = xcalloc(1, 1 << 20);
    size_t  n;

    if (fp == NULL)
        fail_msg("cannot read %s", cmd_or_path);
    n = fread(buf, 1, (1 << 20) - 1, fp);
    buf[n] = 0;
    if (command)
        pclose(fp);
    else
        fclose(fp);
    return buf;
}

static void
the_csv_export_quotes_commas_and_quotes_and_keeps_utf8(void **state)
{
    infolog_t *log = *state;
    infolog_filter_t f = { NULL, true, 0 };
    char    err[512], *path = xasprintf("%s/log.csv", dir), *csv;

    infolog_add(log, "winkel", INFOLOG_SHORT, INFOLOG_RELATIE_CREATED, 12,
                "relatie \"Jansen, B.V.\" created (Café Zoë)");
    assert_true(infolog_export(log, &f, path, err, sizeof err));
    csv = slurp(path, false);
    assert_non_null(strstr(csv, "time,profile,view,kind,order,text\r\n"));
    assert_non_null(strstr(csv, ",winkel,short,relatie-created,12,"
                            "\"relatie \"\"Jansen, B.V.\"\" created (Café Zoë)\"\r\n"));
    free(csv);
    free(path);
}

static void
the_xlsx_export_is_a_workbook_holding_every_row(void **state)
{
    infolog_t *log = *state;
    infolog_filter_t f = { NULL, true, 0 };
    char    err[512], *path = xasprintf("%s/log.xlsx", dir), *cmd, *xml;

    some_rows(log);
    assert_true(infolog_export(log, &f, path, err, sizeof err));
    cmd = xasprintf("unzip -p %s xl/sharedStrings.xml", path);
    xml = slurp(cmd, true);
    assert_non_null(strstr(xml, "order 10423 booked on relatie 501"));
    assert_non_null(strstr(xml, "grootboek omzet.nl.hoog not set"));
    assert_non_null(strstr(xml, "import started"));
    free(xml);
    free(cmd);
    cmd = xasprintf("unzip -p %s xl/worksheets/sheet1.xml", path);
    xml = slurp(cmd, true);
    assert_non_null(strstr(xml, "<row r=\"4\""));     /* header + 3 rows */
    assert_null(strstr(xml, "<row r=\"5\""));
    assert_non_null(strstr(xml, "<v>10423</v>"));
    /* the time is a date cell (a number with a date format), not text */
    assert_non_null(strstr(xml, "<c r=\"A2\" s=\""));
    assert_null(strstr(xml, "<c r=\"A2\" t=\"s\""));
    free(xml);
    free(cmd);
    free(path);
}

/* an_export_does_not_follow_a_symlink_and_is_0640 - another user placed a
 * symlink where the export goes: the file it points to stays as it was, the
 * export is a file of its own, readable by the owner and group only */
static void
an_export_does_not_follow_a_symlink_and_is_0640(void **state)
{
    infolog_t *log = *state;
    infolog_filter_t f = { NULL, true, 0 };
    const char *ext[] = { "csv", "xlsx" };
    char    err[512], *victim = xasprintf("%s/victim", dir), *path, *was;
    mode_t  old = umask(0);
    struct stat st;
    FILE   *fp;
    int     i;

    some_rows(log);
    for (i = 0; i < 2; i++) {
        path = xasprintf("%s/log.%s", dir, ext[i]);
        assert_non_null(fp = fopen(victim, "w"));
        fputs("keep me", fp);
        fclose(fp);
        assert_int_equal(symlink(victim, path), 0);
        assert_true(infolog_export(log, &f, path, err, sizeof err));
        was = slurp(victim, false);
        assert_string_equal(was, "keep me");
        free(was);
        assert_int_equal(lstat(path, &st), 0);
        assert_true(S_ISREG(st.st_mode));
        assert_int_equal(st.st_mode & 0777, 0640);
        free(path);
    }
    umask(old);
    free(victim);
}

static void
an_export_to_another_extension_is_refused(void **state)
{
    infolog_t *log = *state;
    char    err[512];

    assert_false(infolog_export(log, NULL, "/tmp/log.txt", err, sizeof err));
    assert_non_null(strstr(err, ".csv or .xlsx"));
}

static void
koppelctl_does_not_create_a_missing_log(void **state)
{
    char    err[512], *path = xasprintf("%s/none.db", dir);

    assert_null(infolog_open_path(path, false, err, sizeof err));
    assert_int_not_equal(access(path, F_OK), 0);
    free(path);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(the_short_view_leaves_out_details_and_the_extended_view_has_them, setup, teardown),
        cmocka_unit_test_setup_teardown(a_profile_filter_and_a_limit_select_the_newest_rows_of_that_profile, setup, teardown),
        cmocka_unit_test_setup_teardown(rows_older_than_four_weeks_are_purged_and_younger_ones_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(clear_empties_the_log_or_one_profile, setup, teardown),
        cmocka_unit_test_setup_teardown(control_characters_in_a_text_become_spaces, setup, teardown),
        cmocka_unit_test_setup_teardown(the_csv_export_quotes_commas_and_quotes_and_keeps_utf8, setup, teardown),
        cmocka_unit_test_setup_teardown(the_xlsx_export_is_a_workbook_holding_every_row, setup, teardown),
        cmocka_unit_test_setup_teardown(an_export_does_not_follow_a_symlink_and_is_0640, setup, teardown),
        cmocka_unit_test_setup_teardown(an_export_to_another_extension_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(koppelctl_does_not_create_a_missing_log, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
