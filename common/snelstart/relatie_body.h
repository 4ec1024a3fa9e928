/*
 * NAME
 *   relatie_body - the SnelStart relatie of a new webshop customer
 *
 * DESCRIPTION
 *   Turns an order's customer into the RelatieModel body koppel posts to
 *   /relaties when the customer is not yet known in the administration.
 */
#ifndef KOPPEL_RELATIE_BODY_H
#define KOPPEL_RELATIE_BODY_H

#include <stddef.h>
#include <jansson.h>

#include "config.h"
#include "order.h"

/* relatie_build - the RelatieModel koppel POSTs for a new customer:
 * relatiesoort ["Klant"], naam (company, else "First Last"; <= 50 chars, cut
 * on a UTF-8 boundary), vestigingsAdres and correspondentieAdres (billing;
 * contactpersoon, straat "Street 1A", postcode, plaats, land {id} from
 * landen by landcodeISO), email, telefoon, btwNummer, kvkNummer (<= 12),
 * krediettermijn from p->default_betalingstermijn. landen NULL (offline) ->
 * land {"landcodeISO": "NL"} with the billing country. NULL with err when
 * the customer cannot be created. */
json_t *relatie_build(const order_t *o, const profile_t *p, const json_t *landen,
                      char *err, size_t errlen);

/* relatie_vat_number - a VAT number as SnelStart stores it: spaces, dots and
 * dashes removed, upper case, the country prefix added when it is missing
 * (Greece: EL). Writes "" when vat is empty. */
void relatie_vat_number(const char *vat, const char *country, char *buf, size_t len);

/* relatie_changes - for "toevoegen-en-bijwerken": a copy of current (the
 * RelatieModel SnelStart holds) with the order's addresses, e-mail, phone, VAT
 * and KvK number where they differ; what lists the changed fields. NULL when
 * nothing differs (err "") or the order's data cannot be used (err set). */
json_t *relatie_changes(const json_t *current, const order_t *o, const profile_t *p,
                        const json_t *landen, char *what, size_t whatlen,
                        char *err, size_t errlen);

#endif
