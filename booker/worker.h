/*
 * NAME
 *   worker - booking threads: the booker's SnelStart calls, off its loop
 *
 * DESCRIPTION
 *   A small pool of threads (CZMQ actors), each with a ledger connection
 *   of its own. The loop hands a free worker a batch of one profile's
 *   orders (workers_submit()); the worker runs book_prepare() for each and
 *   book_post() for the batch, exactly as the booker did on its loop
 *   before, and hands the batch back through its actor pipe, which the
 *   loop reads: done() runs on the loop thread, where the outcomes are
 *   reported. The loop gives a profile to one worker at a time (queue.h),
 *   so an administration, its snelstart_t and its ledger rows have one
 *   writer, and what the workers write to booker.db never overlaps.
 *
 *   A worker never waits for a rate limit: book.c answers "later, not
 *   before T" and the loop parks the profile (see booker/main.c).
 *
 *   The start-up check of a profile's administration (administration_
 *   check_or_wait(): its reference data read, the configured grootboeken
 *   and betaling settings checked) is a worker's job too, so that the
 *   booker's loop answers from its first second however many profiles
 *   there are and however slow SnelStart is. A batch with check set runs
 *   it before its orders: the loop sets it on the profile's first batch
 *   when orders come before the check was made, and otherwise sends a
 *   batch of no orders (n = 0) for it when a worker is free, keeping one
 *   worker for bookings. The loop logs the outcome; a check the limits
 *   held back (check_wait) parks the profile and is made again after the
 *   wait, as a booking is.
 *
 * DIAGNOSTICS
 *   A ledger that cannot be opened for a worker is fatal at start.
 */
#ifndef KOPPEL_BOOKER_WORKER_H
#define KOPPEL_BOOKER_WORKER_H

#include <stddef.h>

#include "administration.h"
#include "book.h"
#include "daemon_loop.h"
#include "msg.h"

#define WORKER_BATCH 64           /* orders booked with one pair of ledger syncs */

typedef struct {
    int     profile;              /* index in the configuration */
    administration_t *admin;      /* the profile's; used by this batch's worker only */
    bool    check;                /* check the administration first (see above) */
    bool    check_ok;             /* its outcome: every setting right */
    char    check_err[1024];      /* else why, as administration_check() says it */
    ss_error_t check_wait;        /* not_before_ms > 0: the limits held it back */
    size_t  n;                    /* 0: a check on its own */
    msg_t  *msgs[WORKER_BATCH];   /* matched orders; jobs[k] books msgs[k] */
    book_job_t jobs[WORKER_BATCH];
} batch_t;

typedef struct workers workers_t;

/* called on the loop thread with a batch whose jobs hold their outcomes */
typedef void (workers_done_fn)(void *arg, batch_t *batch);

/* workers_new - n workers, each on its own connection to the ledger at
 * ledger_path; done is called from loop */
workers_t *workers_new(size_t n, const char *ledger_path, daemon_loop_t *loop,
                       workers_done_fn *done, void *arg);

/* workers_destroy - end every worker after its current batch, null the pointer */
void workers_destroy(workers_t **self_p);

/* workers_idle - how many workers are free */
size_t workers_idle(const workers_t *self);

/* workers_submit - give batch to a free worker (there must be one) */
void workers_submit(workers_t *self, batch_t *batch);

#endif
