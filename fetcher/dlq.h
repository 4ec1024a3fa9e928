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
 *                                       put it back in pending (replay.h:
 *                                       on the reader thread, answered
 *                                       when they are read)
 *     dlq-drop PROFILE:NUMBER           remove one for good (never booked)
 *   The fetcher is told when a replay put an order back (replayed), to
 *   send it on at once.
 */
#ifndef KOPPEL_FETCHER_DLQ_H
#define KOPPEL_FETCHER_DLQ_H

#include "config.h"
#include "control.h"
#include "daemon_loop.h"
#include "infolog.h"
#include "reader.h"
#include "store.h"

typedef struct dlq dlq_t;

/* an order is back in pending */
typedef void (dlq_replayed_fn)(void *arg);

/* dlq_new - answer the dead-letter commands on control; replays read
 * the shops with reader */
dlq_t *dlq_new(control_t *control, daemon_loop_t *loop, reader_t *reader, const cfg_t *cfg,
               store_t *store, infolog_t *infolog, dlq_replayed_fn *replayed, void *arg);

/* dlq_set_cfg - the configuration in force after a reload (reload.h) */
void dlq_set_cfg(dlq_t *self, const cfg_t *cfg);

/* dlq_retire_cfg - free an earlier configuration, or keep it until the
 * replay that reads with it returns (replay.h); nulls *cfg_p */
void dlq_retire_cfg(dlq_t *self, cfg_t **cfg_p);

/* dlq_destroy - free and null the caller's pointer */
void dlq_destroy(dlq_t **self_p);

#endif
