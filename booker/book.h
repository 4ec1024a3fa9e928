/*
 * NAME
 *   book - book one recognised order into SnelStart
 *
 * DESCRIPTION
 *   book_order() takes an order with the matcher's decision and returns
 *   its outcome: booked, dead (with stage and a reason in a bookkeeper's
 *   words) or later (nothing was decided; the fetcher sends the order
 *   again). The steps, each guarded by the ledger (ledger.h):
 *     1. booked before? report it again, post nothing
 *     2. the verkoopboeking body (boeking.h) on a klant still unknown: an
 *        order that will be refused is refused before any relatie is
 *        created or changed
 *     3. the customer: existing relatie (toevoegen-en-bijwerken: brought up
 *        to date; SnelStart's rate limit makes the order "later", so the
 *        update is tried again when it comes back), a relatie koppel
 *        created for the same customer key, the profile's default
 *        klantcode (handmatig), or a new relatie (POST /v2/relaties); then
 *        the body gets its klant
 *     4. "posting" in the ledger, then POST /v2/verkoopboekingen
 *     5. after an uncertain failure, or a "posting" left by a crash: ask
 *        SnelStart (GET /v2/verkoopfacturen on the factuurnummer) before
 *        posting again; BOE-0021 means it is booked already
 *   A credit note (order.h, credit) goes the same way with a ledger entry
 *   of its own, keyed by its factuurnummer ("10431-C1", table followups):
 *   booked before? report it; "posting" left open? ask SnelStart; then the
 *   relatie the order was booked on (the ledger's, else that of the order's
 *   verkoopfactuur in SnelStart: none there is dead, saying to book the
 *   order first) and the credit verkoopboeking of creditnota.h.
 *   No step waits: when the administration's rate limit is reached, or
 *   SnelStart asked to wait (429, Retry-After), the order is "later" with
 *   not_before_ms, and the booker parks the profile on a timer until then.
 *   A POST refused unstored (429) leaves the ledger at "unposted", not
 *   "posting", when no earlier attempt was uncertain: the next attempt
 *   posts without a lookup, as for a new order.
 *   The functions block only for the HTTP calls they make: the booker runs
 *   them on a worker thread, never on its loop.
 */
#ifndef KOPPEL_BOOKER_BOOK_H
#define KOPPEL_BOOKER_BOOK_H

#include <stdbool.h>
#include <jansson.h>

#include "config.h"
#include "ledger.h"
#include "match.h"
#include "order.h"
#include "administration.h"
#include "snelstart.h"

typedef enum { BOOK_BOOKED = 0, BOOK_DEAD, BOOK_LATER } book_result_t;

typedef struct {
    book_result_t result;
    char    stage[16];            /* "match", "relatie", "booking" */
    char    reason[1024];
    char    factuurnummer[64];
    char    boeking_id[64];
    int32_t relatiecode;
    bool    relatie_created;
    bool    relatie_updated;      /* toevoegen-en-bijwerken changed it */
    char    relatie_not_updated[512]; /* why toevoegen-en-bijwerken could not, or "" */
    char    followup_refused[1024];   /* booked, but the PDF or the payment was not
                                         done and why (followup.h), or "" */
    bool    stop_profile;         /* SnelStart refused koppel's keys */
    int64_t not_before_ms;        /* later: not before this (epoch ms), because of
                                     SnelStart's limit or Retry-After; else 0 */
    char    wait_reason[64];      /* with not_before_ms: "5.000 per uur bereikt" */
} book_outcome_t;

/* book_order - book one order; see above */
void book_order(administration_t *admin, ledger_t *ledger, const order_t *o, const match_t *m,
                book_outcome_t *out);

/* the same in two steps, for a batch of orders of one profile */
typedef struct {
    const order_t *o;
    const match_t *m;
    book_outcome_t out;
    char    klant[64];
    char   *text;                 /* the body to post; NULL when out is final */
    bool    posted;
    bool    was_posting;          /* the ledger said "posting" before this attempt */
    bool    unstored;             /* SnelStart refused the POST unstored (429, or
                                     the limiter did not send it) */
} book_job_t;

/* book_prepare - steps 1-3: a final outcome, or job->text to post */
void book_prepare(administration_t *admin, ledger_t *ledger, book_job_t *job);

/* book_post - steps 4-5 for every prepared job, with one ledger transaction
 * before the posts and one after. Only as many are posted as the
 * administration's rate limits allow now; the others, and what SnelStart's
 * limits hold back, are later with not_before_ms. Nothing here waits. */
void book_post(administration_t *admin, ledger_t *ledger, book_job_t *jobs, size_t n);

/* book_job_clear - free what a job holds */
void book_job_clear(book_job_t *job);

#endif
