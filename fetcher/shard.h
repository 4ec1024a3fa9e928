/*
 * NAME
 *   shard - the live matchers and which of them serves each profile
 *
 * DESCRIPTION
 *   The fetcher's orders socket is a ROUTER; each matcher connects with its
 *   name and sends `ready` at start and every quarter of
 *   koppel.matcher_heartbeat_ms. A matcher is live from its first ready
 *   until it has been silent for the heartbeat interval, or until a send
 *   to it finds it gone. Each profile is served by one live matcher, by
 *   rendezvous hashing over their names (rendezvous.h): a join or a leave
 *   moves only the profiles it must. Every change of the live set is
 *   remembered until shard_take_change(), so that the fetcher can tell the
 *   matchers (shard_broadcast) and send the orders on their way again.
 *   At most SHARD_MAX matchers are live (the assign message's limit); a
 *   further one is refused with a warning.
 */
#ifndef KOPPEL_FETCHER_SHARD_H
#define KOPPEL_FETCHER_SHARD_H

#include <stdbool.h>
#include <stdint.h>
#include <czmq.h>
#include <jansson.h>

#include "config.h"

#define SHARD_MAX 64
#define SHARD_NAME_MAX 64       /* bytes of a matcher's name, with the NUL */

typedef struct shard shard_t;

shard_t *shard_new(void);
void shard_destroy(shard_t **self_p);

/* shard_seen - a ready of matcher name at now_ms: true when it is live
 * (false: SHARD_MAX are live already, logged) */
bool shard_seen(shard_t *self, const char *name, int64_t now_ms);

/* shard_forget - matcher name is gone (logged when it was live) */
void shard_forget(shard_t *self, const char *name, const char *why);

/* shard_expire - forget every matcher silent for timeout_ms or longer */
void shard_expire(shard_t *self, int64_t now_ms, int timeout_ms);

/* shard_settled - whether the live set has been non-empty for wait_ms: a
 * fetcher (re)started, or without matchers, waits that long after the first
 * ready, so that the matchers running already have all said ready before a
 * profile is given to the first of them (and moved at once) */
bool shard_settled(const shard_t *self, int64_t now_ms, int wait_ms);

/* shard_owner - the name of the live matcher serving profile; NULL when
 * none is live */
const char *shard_owner(const shard_t *self, const char *profile);

/* shard_take_change - whether the live set changed since the last call */
bool shard_take_change(shard_t *self);

/* shard_broadcast - send every live matcher the assign message with the
 * live set; one found gone is forgotten (a change) */
void shard_broadcast(shard_t *self, zsock_t *orders);

/* shard_status - per live matcher its profiles of cfg (a count) and the ms
 * since its last ready: { "NAME": { "profiles": N, "seen_ms_ago": MS } } */
json_t *shard_status(const shard_t *self, const cfg_t *cfg, int64_t now_ms);

#endif
