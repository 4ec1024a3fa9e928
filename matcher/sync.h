/*
 * NAME
 *   sync - keep a profile's customer index in step with SnelStart
 *
 * DESCRIPTION
 *   The first time a profile's index is needed it is filled with every
 *   relatie, read in pages of 500 ($top/$skip), each request on a thread
 *   (api_read.h) so that a slow SnelStart never holds the matcher's loop. After that only what
 *   changed is read (ModifiedOn gt the newest change seen), at most once
 *   per index_refresh seconds, so that the index costs few API calls.
 *
 *   A profile of administration type sql, lokaal or mdb reads its relaties
 *   from the administration itself (admin_reader.h): all of them at first
 *   and again every index_refresh seconds; on SQL with the schema map's
 *   relatie_modified only those changed since the newest change seen.
 *   A full re-read builds a new index and swaps it in, so that relaties
 *   deleted in SnelStart disappear. The administration is read on a thread
 *   (admin_fill.h) and its rows are put in the index in slices, so that a
 *   network SQL server's connect and query, and 100,000 rows, never hold
 *   the matcher's loop.
 */
#ifndef KOPPEL_MATCHER_SYNC_H
#define KOPPEL_MATCHER_SYNC_H

#include <stdbool.h>
#include <time.h>

#include "config.h"
#include "admin_fill.h"
#include "api_read.h"
#include "admin_reader.h"
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
    admin_reader_t *admin;      /* sql, lokaal, mdb: connected lazily */
    admin_fill_t *fill;         /* its read in progress, on a thread */
    relatie_index_t *fill_into; /* where that read's rows go: index, or a new one */
    char     latest[40];        /* newest relatie_modified seen */
    bool     have_landen;       /* read with the first fill */
    bool     passing;           /* a fill or refresh is in progress */
    char    *pass_filter;       /* its filter (ModifiedOn gt ...), NULL: all */
    int      pass_skip;         /* relaties it read so far */
    int64_t  not_before_ms;     /* after SYNC_FAILED for SnelStart's limit: when
                                   to try again (epoch ms), else 0 */
    int64_t  next_slice_ms;     /* after SYNC_MORE: when the next slice is worth
                                   making (epoch ms; the thread has no rows yet), else 0 */
    bool     auth_refused;      /* SnelStart refused the keys at the last read */
    api_read_t *read;           /* api: the request of the slice on its way, on a thread */
} sync_t;

typedef enum { SYNC_READY = 0, SYNC_MORE, SYNC_FAILED } sync_state_t;

sync_t *sync_new(const profile_t *p);
void sync_destroy(sync_t **self_p);

/* sync_ready - whether the index is filled and not due for a refresh */
bool sync_ready(const sync_t *self, time_t now);

/* sync_step - one slice of filling or refreshing the index when due: one
 * request to SnelStart started on a thread, or a look whether its answer
 * is there and, when it is, that answer put in the index (an sql, lokaal
 * or mdb administration: a look at its fill thread, and up to 2,000 of the
 * changed rows it read). It never waits for SnelStart. SYNC_READY: the index may be used;
 * SYNC_MORE: call again, at next_slice_ms when that is set;
 * SYNC_FAILED: err says why (the index is as it was, with what the pass
 * read so far; not_before_ms when SnelStart's limit holds it back) */
sync_state_t sync_step(sync_t *self, time_t now, char *err, size_t errlen);

/* sync_fresh - fill or refresh the index when due, every slice in one call;
 * false with err when SnelStart could not be read (the index is then as it was) */
bool sync_fresh(sync_t *self, time_t now, char *err, size_t errlen);

#endif
