/*
 * NAME
 *   queue - the booker's waiting orders, one queue per profile, taken in turn
 *
 * DESCRIPTION
 *   Recognised orders wait in their profile's queue until a booking worker
 *   (worker.h) is free. queue_take() gives the next batch of the next
 *   profile in round robin that has orders, is not being booked (one batch
 *   per profile at a time: its administration is a single writer) and is
 *   not parked; so a burst of one profile cannot starve the others, and a
 *   profile parked until its administration's rate limit or SnelStart's
 *   Retry-After allows (queue_park()) holds back none of them.
 *
 *   An order is known from queue_add() until queue_done() (a credit note
 *   apart from its order, by number and seq): a
 *   resend of an order that waits or is being booked is refused, so no
 *   order is booked by two workers at once; its attempt's token is kept
 *   (queue_token()), since the fetcher takes only the outcome of the
 *   attempt it sent last.
 *
 *   The queue holds what the fetcher sends again anyway: it is lost with
 *   the booker and refilled by the fetcher's resends.
 */
#ifndef KOPPEL_BOOKER_QUEUE_H
#define KOPPEL_BOOKER_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "msg.h"

typedef struct queue queue_t;

/* queue_new - empty queues for nprofiles profiles */
queue_t *queue_new(size_t nprofiles);

/* queue_destroy - destroy every waiting message, null the caller's pointer */
void queue_destroy(queue_t **self_p);

/* queue_add - append m (a matched order of profile i, taken over); false
 * when its order waits or is being booked already: m stays the caller's */
bool queue_add(queue_t *self, int i, msg_t *m);

/* queue_put_back - put n messages of profile i back at the front, in order
 * (they stay known: a batch that must wait) */
void queue_put_back(queue_t *self, int i, msg_t **msgs, size_t n);

/* queue_token - the token of the latest attempt of a known order ("" when
 * none, or the order is not known) */
const char *queue_token(const queue_t *self, int i, const order_t *o);

/* queue_done - forget order number of profile i: booked, dead or left to
 * the fetcher's resend */
void queue_done(queue_t *self, int i, const order_t *o);

/* queue_take - up to max messages of the next profile in turn that has
 * orders, is idle and is not parked at now_ms; the profile is busy until
 * queue_idle(). Returns how many (0: none may go now) and the profile in *i */
size_t queue_take(queue_t *self, int64_t now_ms, int *i, msg_t **msgs, size_t max);

/* queue_hold - make profile i busy without taking its orders (its
 * administration is checked, worker.h); false when it is busy already or
 * parked at now_ms. Busy until queue_idle() */
bool queue_hold(queue_t *self, int i, int64_t now_ms);

/* queue_idle - profile i's batch came back */
void queue_idle(queue_t *self, int i);

/* queue_park - profile i waits until until_ms for reason (0: it need not wait) */
void queue_park(queue_t *self, int i, int64_t until_ms, const char *reason);

/* queue_drop - destroy every message waiting for profile i (a stopped profile) */
void queue_drop(queue_t *self, int i);

/* queue_length - how many orders of profile i wait */
size_t queue_length(const queue_t *self, int i);

/* queue_busy - whether profile i is being booked */
bool queue_busy(const queue_t *self, int i);

/* queue_parked - until when profile i waits (epoch ms; 0 when it does not),
 * and why in *reason (may be NULL) */
int64_t queue_parked(const queue_t *self, int i, const char **reason);

#endif
