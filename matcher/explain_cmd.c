/*
 * NAME
 *   explain_cmd - koppel-matcher --explain: one order's decision, offline or live
 *
 * DESCRIPTION
 *   See explain_cmd.h. The order is the first of a shop document file
 *   (shopdoc.h); the relaties come from JSON files as SnelStart's API
 *   returns them, or from the profile's administration (sync.h).
 *
 * DIAGNOSTICS
 *   Every error goes to standard error with the file or option it is
 *   about; the exit status is then 1 (2 for a bad option).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <jansson.h>

#include "daemon.h"
#include "explain.h"
#include "explain_cmd.h"
#include "log.h"
#include "recognise.h"
#include "shopdoc.h"
#include "sync.h"

/* first_order - the first order of a shop document file; NULL with a message */
static order_t *
first_order(const char *file, const char *source)
{
    char    err[1024];
    order_page_t *page = shopdoc_read_file(source, file, err, sizeof err);
    order_t *o = NULL;

    if (page == NULL)
        fprintf(stderr, "koppel-matcher: %s\n", err);
    else if (page->nitems == 0 || page->items[0].order == NULL)
        fprintf(stderr, "koppel-matcher: %s: %s\n", file,
                page->nitems ? page->items[0].error : "the document holds no order");
    else
        o = order_dup(page->items[0].order);
    order_page_destroy(&page);
    return o;
}

/* load_json - a JSON array file */
static json_t *
load_json(const char *file, const char *what)
{
    json_error_t je;
    json_t *v = json_load_file(file, 0, &je);

    if (v == NULL)
        fprintf(stderr, "koppel-matcher: %s %s:%d: %s\n", what, file, je.line, je.text);
    else if (!json_is_array(v)) {
        fprintf(stderr, "koppel-matcher: %s %s: expected a JSON array\n", what, file);
        json_decref(v);
        v = NULL;
    }
    return v;
}

/* explain - the --explain mode */
static int
explain(const char *file, const char *source, const char *relaties, const char *landen,
        const char *method, const char *config, const char *profile)
{
    order_t *o = first_order(file, source);
    relatie_index_t *index = NULL;
    sync_t *sync = NULL;
    cfg_t  *cfg = NULL;
    recognition_t how = RECOGNITION_EMAIL;
    char    err[1024];
    char   *text;
    size_t  i;
    int     rc = 1;

    if (o == NULL)
        return 1;
    if (profile) {
        const profile_t *p;

        if ((cfg = cfg_load(daemon_config_path(config), err, sizeof err)) == NULL) {
            fprintf(stderr, "koppel-matcher: %s\n", err);
            goto done;
        }
        if ((p = cfg_profile(cfg, profile)) == NULL) {
            fprintf(stderr, "koppel-matcher: --profile %s: no such profile\n", profile);
            goto done;
        }
        how = p->recognition;
        sync = sync_new(p);
        if (!sync_fresh(sync, time(NULL), err, sizeof err)) {
            fprintf(stderr, "koppel-matcher: %s\n", err);
            goto done;
        }
        index = sync->index;
    } else {
        json_t *rel, *land;

        if (relaties == NULL || landen == NULL || method == NULL) {
            fprintf(stderr, "koppel-matcher: --explain needs --relaties, --landen and "
                    "--recognition, or --profile\n");
            goto done;
        }
        if (!recognition_parse(method, &how)) {
            fprintf(stderr, "koppel-matcher: --recognition %s: not a method (klantcode, email, "
                    "klantcode-of-email, email-postcode, klantcode-of-email-postcode, slim)\n",
                    method);
            goto done;
        }
        if ((rel = load_json(relaties, "--relaties")) == NULL)
            goto done;
        if ((land = load_json(landen, "--landen")) == NULL) {
            json_decref(rel);
            goto done;
        }
        index = relatie_index_new();
        relatie_index_set_landen(index, land);
        for (i = 0; i < json_array_size(rel); i++)
            if (!relatie_index_upsert_json(index, json_array_get(rel, i), err, sizeof err))
                fprintf(stderr, "koppel-matcher: --relaties %s: element %zu skipped: %s\n",
                        relaties, i, err);
        json_decref(rel);
        json_decref(land);
    }
    text = explain_json(index, o, how);
    printf("%s\n", text);
    free(text);
    rc = 0;
done:
    if (sync)
        sync_destroy(&sync);
    else
        relatie_index_destroy(&index);
    cfg_destroy(&cfg);
    order_destroy(&o);
    return rc;
}

/* explain_mode - handle --explain before the daemon starts; -1 when not asked */
int
explain_mode(int argc, char **argv, const char *usage)
{
    static const struct option opts[] = {
        { "explain", required_argument, NULL, 'e' },
        { "relaties", required_argument, NULL, 'r' },
        { "landen", required_argument, NULL, 'l' },
        { "recognition", required_argument, NULL, 'm' },
        { "config", required_argument, NULL, 'c' },
        { "profile", required_argument, NULL, 'p' },
        { "source", required_argument, NULL, 's' },
        { NULL, 0, NULL, 0 },
    };
    const char *file = NULL, *rel = NULL, *land = NULL, *method = NULL, *config = NULL,
               *profile = NULL, *source = "globecharge";
    int     i, c;

    for (i = 1; i < argc; i++)
        if (strcmp(argv[i], "--explain") == 0 || strncmp(argv[i], "--explain=", 10) == 0)
            break;
    if (i == argc)
        return -1;
    log_init(argv[0], LOG_LEVEL_WARNING);
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'e': file = optarg; break;
        case 'r': rel = optarg; break;
        case 'l': land = optarg; break;
        case 'm': method = optarg; break;
        case 'c': config = optarg; break;
        case 'p': profile = optarg; break;
        case 's': source = optarg; break;
        default:
            fprintf(stderr, "%s", usage);
            return 2;
        }
    }
    return explain(file, source, rel, land, method, config, profile);
}
