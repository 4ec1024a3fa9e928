/*
 * NAME
 *   replay - dead letters read from the shop again, on the reader thread
 *
 * DESCRIPTION
 *   koppelctl dlq replay (dlq.h) asks for one dead letter or all of them;
 *   replay_ask() takes the list and the request's control_later. Each
 *   order is read from its profile's shop on the fetcher's reader thread
 *   (reader.h: source_one, the HTTP request and the parse), in turn with
 *   the import's pages, and put back in pending on the loop (Postfix's
 *   postsuper -r): it goes through the normal path, and replayed() says
 *   to send what is due. A read that fails for now is tried again after a
 *   backoff on a timer (import_backoff_ms, IMPORT_ATTEMPTS tries). The
 *   orders of several requests are read in turn, one of each, so that a
 *   replay of one order does not wait for a replay of them all.
 *
 *   The request is answered when its last order is read, or after
 *   CONTROL_REPLAY_ANSWER_MS with what was read by then and how many are
 *   still being read (control.h); those go on, and koppelctl dlq list and
 *   the information log show how they end.
 *
 *   A reload gives the new configuration (replay_set_cfg); the order
 *   being read keeps its source, and its configuration, until it returns
 *   (replay_retire_cfg).
 *
 * DIAGNOSTICS
 *   Per order: replayed, or why not (not in the shop, not paid or open,
 *   unreadable, the shop's error), in the answer, the log and the
 *   information log.
 */
#ifndef KOPPEL_FETCHER_REPLAY_H
#define KOPPEL_FETCHER_REPLAY_H

#include <jansson.h>

#include "config.h"
#include "control.h"
#include "daemon_loop.h"
#include "infolog.h"
#include "reader.h"
#include "store.h"

typedef struct replay replay_t;

/* an order is back in pending */
typedef void (replay_replayed_fn)(void *arg);

/* replay_new - replays through reader, answered on control */
replay_t *replay_new(daemon_loop_t *loop, control_t *control, reader_t *reader,
                     const cfg_t *cfg, store_t *store, infolog_t *infolog,
                     replay_replayed_fn *replayed, void *arg);

/* replay_destroy - drop what is not read yet (the reader thread must have
 * ended), null the caller's pointer */
void replay_destroy(replay_t **self_p);

/* replay_ask - read the dead letters of orders (an array of objects with
 * id, profile and number; borrowed) again and answer later: the reply's
 * json is an array of {id, replayed, [error]} */
void replay_ask(replay_t *self, control_later_t *later, const json_t *orders);

/* replay_set_cfg - the configuration in force after a reload */
void replay_set_cfg(replay_t *self, const cfg_t *cfg);

/* replay_retire_cfg - free an earlier configuration, or keep it until the
 * order being read with a source of it returns; nulls *cfg_p */
void replay_retire_cfg(replay_t *self, cfg_t **cfg_p);

#endif
