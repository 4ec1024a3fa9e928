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

/* relatie_writable - a relatie as GET /relaties/{id} answers it (RelatieModel),
 * as the PUT's RelatieWriteModel takes it: only the properties koppel may
 * write back (no fax, id, uri, modifiedOn, read-only or read-as-is lists),
 * no nulls, identifiers as {id} alone, enum values only when allowed. */
json_t *relatie_writable(const json_t *current);

/* relatie_changes - for "toevoegen-en-bijwerken": relatie_writable(current)
 * with the order's addresses, e-mail, phone, VAT and KvK number where they
 * differ; what lists the changed fields. NULL when nothing differs (err "")
 * or the order's data cannot be used (err set). */
json_t *relatie_changes(const json_t *current, const order_t *o, const profile_t *p,
                        const json_t *landen, char *what, size_t whatlen,
                        char *err, size_t errlen);

#endif
