/*
 * NAME
 *   boeking - the SnelStart verkoopboeking of a webshop order
 *
 * DESCRIPTION
 *   Turns an order_t into the VerkoopBoekingModel body koppel posts to
 *   /verkoopboekingen: one boekingsregel per kind of revenue and VAT rate on
 *   the grootboek the profile maps it to, one btw line per btw-soort, and
 *   the invoice total. The order's stated VAT per rate and its total incl.
 *   VAT are reproduced to the cent; docs/financial.md explains the mapping,
 *   the rounding and the currency conversion.
 */
#ifndef KOPPEL_BOEKING_H
#define KOPPEL_BOEKING_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "config.h"
#include "order.h"
#include "vatnumber.h"

/* What koppel knows from SnelStart; NULL means offline (preview): then a
   grootboek is written as {"nummer": N} instead of {"id": "…"}. */
typedef struct boeking_ctx {
    const json_t *grootboeken;   /* array of GrootboekModel, or NULL */
    const json_t *btwtarieven;   /* array of BtwTariefModel, or NULL (then 21/9/0) */
    const json_t *companyinfo;   /* CompanyInfoModel, or NULL: offline, then an EU
                                    consumer's order is OSS when it carries a rate
                                    that is not Dutch */
    const json_t *vatrates;      /* array of VatRatesModel (GET /vatrates), or NULL:
                                    a foreign rate is not checked */
    /* the hook for a registry lookup (VIES) of a VAT number that passed
       vatnumber_check(), before 0 % is booked as btw verlegd; NULL: none */
    vatnumber_verify_fn vat_verify;
    void   *vat_verify_arg;
} boeking_ctx_t;

/* boeking_build - the VerkoopBoekingModel for an order booked on relatie
 * klant_id (uuid; NULL in preview -> "klant": {"id": null}). NULL with err
 * in plain words when the order cannot be booked. */
json_t *boeking_build(const order_t *o, const profile_t *p, const char *klant_id,
                      const boeking_ctx_t *ctx, char *err, size_t errlen);

/* boeking_factuurnummer - the profile's prefix + the order number, through
 * factuurnummer_format (false when SnelStart would refuse it as too long) */
bool boeking_factuurnummer(const order_t *o, const profile_t *p, char *buf, size_t len);

/* boeking_check_grootboeken - every configured grootboek exists in
 * grootboeken, is active and is a winst-en-verlies account; false with err
 * naming the setting and the number */
bool boeking_check_grootboeken(const profile_t *p, const json_t *grootboeken,
                               char *err, size_t errlen);

/* boeking_dumps - the JSON text of a body as koppel posts it: compact, and
 * every real (all of them are amounts in euro) with exactly two decimals.
 * Caller frees. */
char *boeking_dumps(const json_t *body);

/* boeking_cut_text - cut a UTF-8 string in place to at most max_units
 * UTF-16 code units (how SnelStart counts maxLength), on a character
 * boundary; false (string untouched) when it is not valid UTF-8 */
bool boeking_cut_text(char *s, size_t max_units);

/* boeking_local_date - the Europe/Amsterdam calendar date of an instant as
 * "YYYY-MM-DD" (EU summer time rule, in force since 1996) */
void boeking_local_date(time_t when, char buf[11]);

#endif
