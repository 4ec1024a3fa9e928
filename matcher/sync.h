/*
 * NAME
 *   sync - keep a profile's customer index in step with SnelStart
 *
 * DESCRIPTION
 *   The first time a profile's index is needed it is filled with every
 *   relatie, read in pages of 500 ($top/$skip). After that only what
 *   changed is read (ModifiedOn gt the newest change seen), at most once
 *   per index_refresh seconds, so that the index costs few API calls.
 */
#ifndef KOPPEL_MATCHER_SYNC_H
#define KOPPEL_MATCHER_SYNC_H

#include <stdbool.h>
#include <time.h>

#include "config.h"
#include "relatie_index.h"
#include "snelstart.h"

typedef struct {
    const profile_t *p;
    snelstart_t *api;
    relatie_index_t *index;
    bool     filled;            /* the full read was done */
    time_t   synced_at;
    time_t   used_at;           /* last order recognised with it */
    long     relaties_read;
} sync_t;

sync_t *sync_new(const profile_t *p);
void sync_destroy(sync_t **self_p);

/* sync_fresh - fill or refresh the index when due; false with err when SnelStart
 * could not be read (the index is then as it was) */
bool sync_fresh(sync_t *self, time_t now, char *err, size_t errlen);

#endif
