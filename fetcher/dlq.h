/*
 * NAME
 *   dlq - the fetcher's dead-letter commands: dlq-list, dlq-replay, dlq-drop
 *
 * DESCRIPTION
 *   The dead-letter queue is the set of dead orders in fetcher.db (store.h).
 *   dlq_new() adds to the fetcher's control socket:
 *     dlq-list [PROFILE]                the dead letters, as JSON
 *     dlq-replay PROFILE:NUMBER | --all [PROFILE]
 *                                       read each again from the shop and
 *                                       put it back in pending
 *     dlq-drop PROFILE:NUMBER           remove one for good (never booked)
 *   The fetcher gives the shop of a profile (source_of) and is told when
 *   a replay put an order back (replayed), to send it on at once.
 */
#ifndef KOPPEL_FETCHER_DLQ_H
#define KOPPEL_FETCHER_DLQ_H

#include "config.h"
#include "control.h"
#include "infolog.h"
#include "source.h"
#include "store.h"

typedef struct dlq dlq_t;

/* the shop of profile i */
typedef source_t *(dlq_source_fn)(void *arg, int i);
/* an order is back in pending */
typedef void (dlq_replayed_fn)(void *arg);

/* dlq_new - answer the dead-letter commands on control */
dlq_t *dlq_new(control_t *control, const cfg_t *cfg, store_t *store, infolog_t *infolog,
               dlq_source_fn *source_of, dlq_replayed_fn *replayed, void *arg);

/* dlq_set_cfg - the configuration in force after a reload (reload.h) */
void dlq_set_cfg(dlq_t *self, const cfg_t *cfg);

/* dlq_destroy - free and null the caller's pointer */
void dlq_destroy(dlq_t **self_p);

#endif
