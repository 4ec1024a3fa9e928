/*
 * NAME
 *   log_cmd - koppelctl log: show, export and clear the information log
 *
 * SYNOPSIS
 *   koppelctl log [--profile P] [--extended] [--limit N] [--json]
 *   koppelctl log [--profile P] [--extended] --export FILE.csv|FILE.xlsx
 *   koppelctl log [--profile P] --clear
 *
 * DESCRIPTION
 *   koppelctl reads STATE_DIR/infolog.db itself, not through a daemon:
 *   the log is there to explain what happened also while, or because, a
 *   daemon is down. It never creates the file. Reading needs access to
 *   the state directory: run koppelctl as root, as the koppel user or as
 *   a member of the koppel group (the units make state files 0660).
 *   The short view (default) shows what the manual's "Informatie" shows:
 *   orders booked, relaties created or updated, orders set aside, errors.
 *   --extended adds the details. Without --limit the newest 100 rows are
 *   shown; --limit 0 shows all. An export holds every selected row.
 *
 * DIAGNOSTICS
 *   Exit 1 when the log cannot be read or written, 2 on a usage error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "infolog.h"
#include "infolog_export.h"
#include "log_cmd.h"
#include "xalloc.h"

#define DEFAULT_LIMIT 100

static const char log_usage[] =
    "usage: koppelctl log [--profile P] [--extended] [--limit N] [--json]\n"
    "       koppelctl log [--profile P] [--extended] --export FILE.csv|FILE.xlsx\n"
    "       koppelctl log [--profile P] --clear\n";

/* show - print rows for people or as JSON */
static void
show(json_t *rows, bool extended, bool as_json)
{
    size_t  i;
    char    when[32], *text;

    if (as_json) {
        text = json_dumps(rows, JSON_INDENT(2));
        printf("%s\n", text);
        free(text);
        return;
    }
    if (json_array_size(rows) == 0) {
        printf("the information log is empty\n");
        return;
    }
    for (i = 0; i < json_array_size(rows); i++) {
        json_t *r = json_array_get(rows, i);

        infolog_time(json_integer_value(json_object_get(r, "at")), when, sizeof when);
        if (extended)
            printf("%s  %-12s %-16s %s\n", when,
                   json_string_value(json_object_get(r, "profile")),
                   json_string_value(json_object_get(r, "kind")),
                   json_string_value(json_object_get(r, "text")));
        else
            printf("%s  %-12s %s\n", when, json_string_value(json_object_get(r, "profile")),
                   json_string_value(json_object_get(r, "text")));
    }
}

/* folder_exists - the folder a file is to be written in exists; false with
 * one plain sentence (libxlsxwriter would print its own lines too) */
static bool
folder_exists(const char *file, char *err, size_t errlen)
{
    char   *dir = xstrdup(file), *slash = strrchr(dir, '/');
    struct stat st;
    bool    ok = true;

    if (slash == dir)
        slash[1] = 0;
    else if (slash)
        *slash = 0;
    else
        snprintf(dir, strlen(dir) + 1, ".");
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "the folder %s does not exist: export to a folder that does",
                 dir);
        ok = false;
    }
    free(dir);
    return ok;
}

/* log_cmd - koppelctl log */
int
log_cmd(const cfg_t *cfg, int argc, char **argv, bool as_json)
{
    infolog_filter_t f = { NULL, false, DEFAULT_LIMIT };
    const char *export = NULL;
    bool    clear = false;
    char    err[1024], *path, *end;
    infolog_t *log;
    json_t *rows;
    int     i, rc = 0;
    int64_t n;

    for (i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--profile") == 0 && i + 1 < argc)
            f.profile = argv[++i];
        else if (strcmp(argv[i], "--extended") == 0)
            f.extended = true;
        else if (strcmp(argv[i], "--export") == 0 && i + 1 < argc)
            export = argv[++i];
        else if (strcmp(argv[i], "--clear") == 0)
            clear = true;
        else if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc) {
            f.limit = (int) strtol(argv[++i], &end, 10);
            if (*end || f.limit < 0) {
                fprintf(stderr, "koppelctl: --limit %s: expected a number, 0 for all\n", argv[i]);
                return 2;
            }
        } else {
            fprintf(stderr, "koppelctl: log: unexpected \"%s\"\n%s", argv[i], log_usage);
            return 2;
        }
    }
    if (clear && export) {
        fprintf(stderr, "koppelctl: log: --clear and --export do not go together\n%s", log_usage);
        return 2;
    }
    if (f.profile && cfg_profile(cfg, f.profile) == NULL)
        fprintf(stderr, "koppelctl: note: profile %s is not in %s\n", f.profile, cfg->path);
    path = xasprintf("%s/%s", cfg->state_dir, INFOLOG_FILE);
    log = infolog_open_path(path, false, err, sizeof err);
    free(path);
    if (log == NULL) {
        fprintf(stderr, "koppelctl: %s\n", err);
        return 1;
    }
    if (clear) {
        if ((n = infolog_clear(log, f.profile, err, sizeof err)) < 0) {
            fprintf(stderr, "koppelctl: %s\n", err);
            rc = 1;
        } else
            printf("information log cleared: %lld rows removed\n", (long long) n);
    } else if (export && !folder_exists(export, err, sizeof err)) {
        fprintf(stderr, "koppelctl: %s\n", err);
        rc = 1;
    } else if (export) {
        if (f.limit == DEFAULT_LIMIT)
            f.limit = 0;
        if (!infolog_export(log, &f, export, err, sizeof err)) {
            fprintf(stderr, "koppelctl: %s\n", err);
            rc = 1;
        } else
            printf("information log written to %s\n", export);
    } else if ((rows = infolog_query(log, &f, err, sizeof err)) == NULL) {
        fprintf(stderr, "koppelctl: %s\n", err);
        rc = 1;
    } else {
        show(rows, f.extended, as_json);
        json_decref(rows);
    }
    infolog_close(&log);
    return rc;
}
