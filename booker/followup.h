/*
 * NAME
 *   followup - what the booker does after an order is booked
 *
 * DESCRIPTION
 *   followup_run() takes a booked order and does, each exactly once, the
 *   steps its profile asks for after the verkoopboeking:
 *     factuur   the invoice PDF (factuur_pdf.h) attached to the
 *               verkoopboeking (POST /documenten/Verkoopboekingen)
 *     betaling  a paid order through a configured payment provider is
 *               settled with a memoriaalboeking (betaling.h) that closes
 *               the invoice, the provider's fee on its own grootboek
 *   Each step has its own ledger entry, "FACTUURNUMMER/STEP": "posting"
 *   before the POST, "booked" or "dead" after. After an uncertain failure
 *   or a "posting" left by a crash SnelStart is asked first: the payment is
 *   in SnelStart when the verkoopfactuur's openstaandSaldo is 0, the PDF
 *   when the verkoopboeking's documents list its file name.
 *
 *   A step SnelStart refuses is "dead": the order stays booked and its
 *   followup_refused says what was not done and why, for the information
 *   log. A
 *   step that may work later (rate limit, 5xx, network, booker.db) is tried
 *   again at once, three times in all; then the outcome is "later": the
 *   fetcher sends the order again, the booking is found booked before, and
 *   the step is tried again.
 */
#ifndef KOPPEL_BOOKER_FOLLOWUP_H
#define KOPPEL_BOOKER_FOLLOWUP_H

#include "administration.h"
#include "book.h"
#include "ledger.h"
#include "order.h"

/* followup_run - the steps after booking order o (out is BOOK_BOOKED with
 * factuurnummer and, when known, boeking_id); see above */
void followup_run(administration_t *admin, ledger_t *ledger, const order_t *o,
                  book_outcome_t *out);

#endif
