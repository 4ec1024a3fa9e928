/*
 * NAME
 *   wsim_live - orders placed while the simulator runs
 *
 * DESCRIPTION
 *   POST /_sim/generate places count new orders, one after the other at a
 *   rate per second (0: as fast as the store takes them), with ids after
 *   the highest one stored, made by wsim_gen and stamped with the time they
 *   are placed (date_created, date_modified and, when paid, date_paid), so
 *   that polling's modified_after finds them and the store's observer
 *   delivers them as order.created. With a status every order gets it (a
 *   processing or completed one paid now). One run at a time, in a thread
 *   of its own, so that the answer comes at once.
 */
#ifndef WCSIM_LIVE_H
#define WCSIM_LIVE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "wsim_store.h"

typedef struct wsim_live wsim_live_t;

/* wsim_live_new - placing orders into store, random by seed */
wsim_live_t *wsim_live_new(wsim_store_t *store, uint64_t seed);

/* wsim_live_destroy - stop a run, free, null the caller's pointer */
void wsim_live_destroy(wsim_live_t **self_p);

/* wsim_live_start - a run from {"count": N, "rate": R, "status": S} (rate
 * and status optional); 0 with the first id in *first, -1 with err when the
 * request is bad, 1 with err when a run is still going. */
int wsim_live_start(wsim_live_t *self, const json_t *req, int64_t *first, char *err,
                    size_t errlen);

/* wsim_live_report - {"running", "placed", "count", "first_id"} of the last run */
json_t *wsim_live_report(wsim_live_t *self);

#endif
