/*
 * NAME
 *   store - the fetcher's durable order store
 *
 * DESCRIPTION
 *   fetcher.db in the state directory holds every order the fetcher has
 *   read, with its state, and each profile's cursor ("vanaf ordernummer"
 *   as koppel moved it forward):
 *     pending  stored, sent (again) until the booker reports an outcome
 *     booked   the booker booked it
 *     dead     in the dead-letter queue, with stage and reason
 *     skipped  cancelled in the shop; never booked
 *   A refund the shop reports for a stored order (cancelled after it was
 *   read, refunded in full or in part) is a credit note: an item of its
 *   own, (profile, number, credit 1..), stored once per refund, with the
 *   order as stored and what is refunded (order.h, credit), in the same
 *   states. It is sent only once its order is booked, with the
 *   factuurnummer the order was booked as.
 *   An order and the cursor that passes it are written in one
 *   transaction, so the cursor never moves past an order that is not
 *   stored (invariant 1).
 */
#ifndef KOPPEL_FETCHER_STORE_H
#define KOPPEL_FETCHER_STORE_H

#include <stdbool.h>
#include <stdint.h>
#include <sqlite3.h>
#include <jansson.h>

#include "db.h"
#include "order.h"

typedef struct store store_t;

store_t *store_open(const char *path, char *err, size_t errlen);
void store_close(store_t **self_p);

/* store_sqlite - fetcher.db itself, for the tables another module of the
 * fetcher keeps beside the orders in the same transactions (hookstore.h) */
sqlite3 *store_sqlite(store_t *self);

/* store_cursor - the profile's next order number to read into *next:
 * DB_FOUND, DB_ABSENT (*next untouched: none stored yet), or DB_ERROR with err
 * when fetcher.db could not be read */
db_found_t store_cursor(store_t *self, const char *profile, int64_t *next, char *err,
                        size_t errlen);

/* store_rewind_cursor - move the profile's cursor back to next, when it is
 * further (from_order lowered by a reload); false with err */
bool store_rewind_cursor(store_t *self, const char *profile, int64_t next, char *err,
                         size_t errlen);

/* the following run inside store_begin/store_commit */
bool store_begin(store_t *self, char *err, size_t errlen);
bool store_commit(store_t *self, char *err, size_t errlen);
void store_rollback(store_t *self);

/* store_set_cursor - move the cursor forward (never back) */
void store_set_cursor(store_t *self, const char *profile, int64_t next, int64_t highest);

/* store_watermark, store_set_watermark - for shops read by modification time
 * (WooCommerce): the "modified after" of the next run ("" before the first);
 * it only moves forward */
db_found_t store_watermark(store_t *self, const char *profile, char *buf, size_t len,
                           char *err, size_t errlen);
void store_set_watermark(store_t *self, const char *profile, const char *modified_after);

/* store_known - whether an order is stored at all: DB_FOUND, DB_ABSENT, or
 * DB_ERROR (logged), which also fails the transaction at store_commit */
db_found_t store_known(store_t *self, const char *profile, int64_t number);

/* store_transition_allowed - whether an order may go from state from to
 * state to (the table in store.c) */
bool store_transition_allowed(const char *from, const char *to);

/* store_add_pending - a new order, to be sent */
void store_add_pending(store_t *self, const order_t *o);

/* store_add_state - a new order that is not sent: "skipped" or "dead" with stage and reason */
void store_add_state(store_t *self, const char *profile, int64_t number, const char *state,
                     const char *stage, const char *reason);

/* store_add_credit - a refund the shop reports for a stored order (refund:
 * what the shop says, "geannuleerd", "refund 731"), once per refund; refused
 * NULL, or why it cannot be credited (Dutch, with what to do):
 *   STORE_CREDIT_NEW         a credit note stored pending (sent when the order
 *                            is booked)
 *   STORE_CREDIT_KNOWN       nothing to do: stored before, the order not stored
 *                            (a new order) or skipped (cancelled before it
 *                            was booked), or fetcher.db could not be read
 *                            (the transaction then fails)
 *   STORE_CREDIT_NOT_BOOKED  the order was never booked (a dead letter, or one
 *                            dropped): nothing to credit, why says so in Dutch;
 *                            noted so that it is said once
 *   STORE_CREDIT_REFUSED     refused: a dead letter of the credit note, with
 *                            refused as its reason (also in why) */
typedef enum {
    STORE_CREDIT_NEW, STORE_CREDIT_KNOWN, STORE_CREDIT_NOT_BOOKED, STORE_CREDIT_REFUSED
} store_credit_t;
store_credit_t store_add_credit(store_t *self, const char *profile, int64_t number,
                                const char *refund, const order_credit_t *what,
                                const char *refused, char *why, size_t whylen);

/* what an order's credit notes credit so far (store_credited) */
typedef struct {
    int64_t *quantity_e4;    /* per line of the order, the caller's nlines zeros */
    size_t   nlines;
    bool     shipping;       /* the shipping credited */
    bool     unsure;         /* one is a dead letter (booked by hand, if at all),
                                unreadable, or in full: what is left is not known */
    size_t   count;          /* credit notes (not those of a never booked order) */
} store_credited_t;

/* store_credited - add up what the credit notes of order number credit, so
 * that a later refund in full credits only what is left; false when
 * fetcher.db cannot be read (the transaction then fails) */
bool store_credited(store_t *self, const char *profile, int64_t number,
                    store_credited_t *sofar);

/* store_replay_credit - put a dead credit note back in pending, with the
 * order as it was stored (dlq replay); false with err */
bool store_replay_credit(store_t *self, const char *profile, int64_t number, int32_t credit,
                         char *err, size_t errlen);

/* store_replace_pending - put an order (again) in pending with new contents (replay) */
void store_replace_pending(store_t *self, const order_t *o);

/* store_reject_document - keep a document that names no readable order number */
void store_reject_document(store_t *self, const char *profile, const char *reason,
                           const char *doc, size_t len);

/* store_outcome - record the booker's outcome for an order (credit 0) or
 * its credit note credit: false (and a warning) when
 * the order is unknown, when the change is not in store.c's table of
 * allowed state changes (an outcome changes only a pending order), or when
 * token is not the token of the attempt sent last (order_seal.h) */
bool store_outcome(store_t *self, const char *profile, int64_t number, int64_t credit,
                   const char *token, const char *result, const char *stage,
                   const char *reason, const char *factuurnummer, int64_t relatiecode);

/* store_send_due - call fn for pending orders due for (re)sending, at most
 * limit. An order whose stored copy cannot be read is not given to fn but
 * set aside: dead, stage "store", with a reason that says to replay it.
 * token is the new attempt's token (order_seal.h): it is stored with the
 * attempt, and only an outcome that carries it is recorded. fn answers
 * STORE_SENT, STORE_QUEUE_FULL (stop; the order stays due) or
 * STORE_UNSENDABLE with the reason in why (the order can never be sent, e.g.
 * its message is larger than LIMIT_MESSAGE_BYTES: it becomes a dead letter
 * with stage "send", and the others go on). */
typedef enum { STORE_SENT, STORE_QUEUE_FULL, STORE_UNSENDABLE } store_sent_t;
typedef store_sent_t (store_send_fn)(void *arg, const char *profile, const order_t *o,
                                     int64_t attempt, const char *token, char *why,
                                     size_t whylen);
size_t store_send_due(store_t *self, int64_t now, int resend_after_s, size_t limit,
                      store_send_fn *fn, void *arg);

/* store_resend_now - every order on its way is due now (a peer went away with
 * the ones it held); returns how many */
int64_t store_resend_now(store_t *self, int64_t now);

/* store_in_flight - orders sent and waiting for their outcome (not yet due
 * again); -1 (logged) when fetcher.db could not be read */
int64_t store_in_flight(store_t *self, int64_t now);

/* store_dead_list - the dead-letter queue as a JSON array (a credit note's
 * id "PROFILE:NUMBER-C1", with its credit) (profile filter may
 * be NULL); NULL with err when fetcher.db could not be read (never "empty") */
json_t *store_dead_list(store_t *self, const char *profile, char *err, size_t errlen);

/* store_drop - remove one dead letter (an order, credit 0, or its credit note)
 * for good: DB_FOUND (dropped), DB_ABSENT (no such dead letter), or DB_ERROR
 * with err. An order's credit notes waiting for its booking are not sent. */
db_found_t store_drop(store_t *self, const char *profile, int64_t number, int32_t credit,
                      char *err, size_t errlen);

/* store_figures - per profile that has orders or a cursor, its orders per
 * state and its next order number to read, as a JSON object ({"winkel":
 * {"booked": 12, "dead": 1, "cursor": 10432}}), read from counts the writes
 * keep (a few rows a profile, however many orders); NULL with err when
 * fetcher.db could not be read */
json_t *store_figures(store_t *self, char *err, size_t errlen);

#endif
