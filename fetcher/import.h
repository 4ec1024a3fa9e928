/*
 * NAME
 *   import - one "Importeren financieel" run of a profile
 *
 * DESCRIPTION
 *   Reads the profile's shop a page at a time through its source
 *   (source.h), which knows how the platform pages (by order number with a
 *   late window, or by modification time), and stores what it reads (see
 *   store.h) in one transaction with the position the page moves the
 *   cursor to. Orders already stored are left alone.
 *   import_step() does one page, so that the fetcher keeps answering its
 *   sockets between pages. The fetcher does a page in two halves:
 *   import_fetch() reads it from the shop (HTTP and parsing: it may take
 *   up to the request timeout, so the fetcher runs it on its reader
 *   thread, reader.h) and import_store() stores it (on the loop, the one
 *   writer of fetcher.db). A transient failure is not retried inside the
 *   shop client: import_store() answers IMPORT_RETRY and import_retry_ms()
 *   says when, and the fetcher sets a one-shot timer; after
 *   IMPORT_ATTEMPTS tries of one page the run fails (the next run starts
 *   from the stored position).
 */
#ifndef KOPPEL_FETCHER_IMPORT_H
#define KOPPEL_FETCHER_IMPORT_H

#include <stdint.h>

#include "config.h"
#include "infolog.h"
#include "source.h"
#include "store.h"

typedef struct import import_t;

typedef enum { IMPORT_MORE = 0, IMPORT_DONE, IMPORT_FAILED, IMPORT_RETRY } import_state_t;

#define IMPORT_ATTEMPTS   3       /* tries of one page before the run fails */
#define IMPORT_BACKOFF_MS 5000    /* longest wait between them, unless the shop asks */
#define IMPORT_RETRY_AFTER_MAX_MS 300000 /* a Retry-After longer than this fails the run */

/* import_new - a run of a profile for a job; what it finds that is not booked
 * (unreadable and cancelled orders) goes to the information log too */
import_t *import_new(const profile_t *p, source_t *source, store_t *store,
                     infolog_t *infolog, int64_t job_id);
void import_destroy(import_t **self_p);

/* import_step - read and store one page (import_ready, import_fetch,
 * import_store in one) */
import_state_t import_step(import_t *self);

/* import_ready - whether the run can read a page (false: it failed, see
 * import_summary); sets import_activity to the page about to be read */
bool import_ready(import_t *self);

/* import_fetch - read the next page from the shop: HTTP and parsing, and
 * nothing else (no state file, no log of koppel's own but the source's), so
 * that it may run on another thread while the loop goes on */
void import_fetch(import_t *self);

/* import_store - store what import_fetch read, with the cursor's position:
 * IMPORT_MORE, IMPORT_DONE, IMPORT_FAILED, or IMPORT_RETRY (a transient
 * failure: fetch the same page again after import_retry_ms()) */
import_state_t import_store(import_t *self);

/* import_retry_ms - after IMPORT_RETRY: the wait before the next try */
long import_retry_ms(const import_t *self);

int64_t import_job_id(const import_t *self);
const profile_t *import_profile(const import_t *self);
/* import_activity - "Bezig: profiel X, order N" */
const char *import_activity(const import_t *self);
/* import_summary - what the run did, in plain words */
const char *import_summary(const import_t *self);
/* import_auth_failed - the shop refused the credentials */
bool import_auth_failed(const import_t *self);

/* what storing read orders did */
typedef struct {
    size_t  added, skipped, dead;
} import_counts_t;

/* import_store_item - store one order as read from the shop, inside the
 * caller's transaction (store_begin): new paid and open orders as pending,
 * cancelled ones as skipped, unreadable ones as dead (stage "fetch"),
 * incomplete and already stored ones left alone. The one path by which the
 * runs and the webhooks (hookorder.h) store an order. doc is the document
 * it came in, kept when it names no readable order. */
void import_store_item(const profile_t *p, store_t *store, infolog_t *infolog,
                       order_item_t *it, const char *doc, size_t len,
                       import_counts_t *counts);

/* import_source_new - a profile's shop as the reader thread reads it: one
 * try per call, the caller tries again on a timer (import_backoff_ms) */
source_t *import_source_new(const profile_t *p);

/* import_backoff_ms - the wait before try attempt+1 of a read that failed
 * for now: doubling from 250 ms up to IMPORT_BACKOFF_MS with jitter (from
 * *jitter, a rand_r seed), or what the shop asked (asked ms) when longer */
long import_backoff_ms(int attempt, long asked, unsigned *jitter);

#endif
