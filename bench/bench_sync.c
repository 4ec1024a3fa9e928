/*
 * NAME
 *   bench-sync - time the first fill of a profile's customer index
 *
 * SYNOPSIS
 *   bench-sync CONFIG PROFILE NAME
 *
 * DESCRIPTION
 *   Does what the matcher does for the first order of a profile: one
 *   sync_fresh() on an empty index, from SnelStart's API (type api) or
 *   from the administration's database (sql, lokaal, mdb). Prints
 *   "NAME: SECONDS" and "NAME_relaties: COUNT".
 *
 * DIAGNOSTICS
 *   Exit 1 with the reason when the configuration cannot be read or the
 *   fill fails.
 */
#include <stdio.h>
#include <time.h>

#include "config.h"
#include "log.h"
#include "sync.h"

/* now_s - monotonic seconds */
static double
now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
    char    err[2048];
    cfg_t  *cfg;
    const profile_t *p;
    sync_t *s;
    double  t0, t1;

    if (argc != 4) {
        fprintf(stderr, "usage: bench-sync CONFIG PROFILE NAME\n");
        return 2;
    }
    log_init("bench-sync", LOG_LEVEL_WARNING);
    if ((cfg = cfg_load(argv[1], err, sizeof err)) == NULL) {
        fprintf(stderr, "bench-sync: %s\n", err);
        return 1;
    }
    if ((p = cfg_profile(cfg, argv[2])) == NULL) {
        fprintf(stderr, "bench-sync: %s: no profile %s\n", argv[1], argv[2]);
        return 1;
    }
    s = sync_new(p);
    t0 = now_s();
    if (!sync_fresh(s, time(NULL), err, sizeof err)) {
        fprintf(stderr, "bench-sync: %s\n", err);
        return 1;
    }
    t1 = now_s();
    printf("%s: %.2f\n", argv[3], t1 - t0);
    printf("%s_relaties: %zu\n", argv[3], relatie_index_count(s->index));
    sync_destroy(&s);
    cfg_destroy(&cfg);
    return 0;
}
