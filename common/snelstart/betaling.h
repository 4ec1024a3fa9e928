/*
 * NAME
 *   betaling - the memoriaalboeking that settles a paid order
 *
 * DESCRIPTION
 *   A paid order of a profile that books payments (profiles.NAME.betalingen)
 *   is settled with one MemoriaalboekingModel posted to /memoriaalboekingen
 *   in the profile's memoriaal dagboek, on the order's factuurdatum:
 *     - a verkoopboeking regel (verkoopboekingBoekingsRegels) on the order's
 *       verkoopboeking for the invoice total: it takes the amount off
 *       debiteuren and closes the invoice in SnelStart (afletteren);
 *     - debet the provider's tussenrekening: the total minus the fee;
 *     - debet the provider's cost grootboek: the fee (no VAT: a payment
 *       service is exempt).
 *   Debet equals the invoice total, so the boeking balances to the cent.
 *   The provider is the one whose setting "methoden" lists the order's
 *   payment method (any case). The fee is the one the order states in the
 *   field named by "kosten_veld" when it has it, else kosten_vast plus
 *   kosten_procent of the total, rounded by money_fee_cents().
 *   docs/financial.md, section 7, shows an example.
 *
 * DIAGNOSTICS
 *   betaling_build() refuses with a message that names the order and the
 *   setting or the figure that is wrong.
 */
#ifndef KOPPEL_BETALING_H
#define KOPPEL_BETALING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "config.h"
#include "order.h"

/* What is known from SnelStart; NULL members mean offline (preview): then a
 * grootboek is {"nummer": N} and the dagboek {"nummer": N}. */
typedef struct betaling_ctx {
    const json_t *grootboeken;   /* array of GrootboekModel, or NULL */
    const json_t *dagboeken;     /* array of DagboekModel, or NULL */
} betaling_ctx_t;

/* betaling_provider - the provider that settles this order: its psp_t, or
 * -1 when the order is not settled (the profile books no payments, the order
 * is not paid, its total is not positive, or no provider lists its payment
 * method) */
int betaling_provider(const order_t *o, const profile_t *p);

/* betaling_total_eur - the order's invoice total in euro cents, converted as
 * boeking.c converts it (half away from zero); false when the order is in
 * another currency without an exchange rate */
bool betaling_total_eur(const order_t *o, int64_t *cents);

/* betaling_fee - the provider's fee on a payment of total_cents: the amount
 * the order states in its kosten_veld field, else the profile's fixed and
 * percentage fee; false with err when the stated fee is not an amount or
 * lies outside 0..total */
bool betaling_fee(const order_t *o, const profile_t *p, psp_t psp, int64_t total_cents,
                  int64_t *fee_cents, char *err, size_t errlen);

/* betaling_build - the MemoriaalboekingModel settling order o, booked as
 * factuurnummer on verkoopboeking boeking_id (NULL in a preview) through
 * provider psp; NULL with err when it cannot be built */
json_t *betaling_build(const order_t *o, const profile_t *p, psp_t psp,
                       const char *factuurnummer, const char *boeking_id,
                       const betaling_ctx_t *ctx, char *err, size_t errlen);

/* betaling_check - the profile's payment settings against SnelStart: the
 * dagboek exists, is active and is a memoriaal dagboek; each tussenrekening
 * is an active balans account, each cost grootboek an active
 * winst-en-verlies account; false with err naming the setting */
bool betaling_check(const profile_t *p, const json_t *grootboeken, const json_t *dagboeken,
                    char *err, size_t errlen);

#endif
