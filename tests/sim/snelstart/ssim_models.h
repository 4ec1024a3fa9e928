/*
 * NAME
 *   ssim_models - SnelStart models as the simulator stores and checks them
 *
 * DESCRIPTION
 *   Templates of RelatieModel, GrootboekModel, LandModel and
 *   VerkoopfactuurModel (every property, with its default), used to
 *   normalise what a client or a seed file sends and to check $filter
 *   property paths. Validation returns SnelStart's error array.
 *
 *   These are SnelStart's business rules, checked after a request body has
 *   passed the OpenAPI file's schema (ssim_spec: types, lengths, enums,
 *   formats, ranges are its rules, not repeated here) and on seed files.
 *   Error codes (BOE-0021 and BOE-0039 are SnelStart's own; the others are
 *   the simulator's choice, in the same style):
 *     GEN-0001  body is not JSON (ssim_api)
 *     REL-0001  naam is required
 *     REL-0003  relatiecode already used by another relatie
 *     REL-0004  relatiesoort missing or not Klant/Leverancier
 *     REL-0006  land.id of an adres is not a known land
 *     REL-0007  relatiecode not a positive integer
 *     BOE-0001  factuurnummer is required (and not empty)
 *     BOE-0003  klant.id missing or not an existing relatie
 *     BOE-0004  boekingsregels missing or empty
 *     BOE-0005  grootboek.id missing or not an existing grootboek
 *     BOE-0006  grootboek is nonactief
 *     BOE-0009  a btw regel without btwSoort
 *     BOE-0010  an amount that is not a number with at most two decimals
 *     BOE-0011  factuurdatum is not a date
 *     BOE-0021  factuurnummer already booked
 *     BOE-0039  boekingsregels plus btw do not add up to factuurbedrag
 */
#ifndef SSIM_MODELS_H
#define SSIM_MODELS_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "ssim_store.h"

/* ssim_template - the template object of a collection (borrowed) */
const json_t *ssim_template(ssim_coll_t c);
/* ssim_normalise - a new object holding every template property */
json_t *ssim_normalise(ssim_coll_t c, const json_t *in);
/* ssim_error_add - append {errorCode, message, propertyName} to errors */
void ssim_error_add(json_t *errors, const char *code, const char *prop,
                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* ssim_validate_relatie - check a normalised relatie; errors appended */
void ssim_validate_relatie(ssim_store_t *store, const json_t *rel,
                           const char *own_id, json_t *errors);
/* ssim_validate_boeking - check a verkoopboeking; build its stored form */
json_t *ssim_validate_boeking(ssim_store_t *store, const json_t *in, json_t *errors,
                              int64_t *total_cents);
/* ssim_cents - a JSON amount as exact cents; false if not one */
bool ssim_cents(const json_t *v, int64_t *cents);
/* ssim_amount - cents as a JSON number */
json_t *ssim_amount(int64_t cents);
/* ssim_now - the current time as SnelStart writes it */
void ssim_now(char *buf, size_t len);
/* ssim_uuid - a new random version-4 uuid */
void ssim_uuid(char *buf, size_t len);
/* ssim_validate_memoriaal - check a memoriaalboeking: datum, a memoriaal
 * dagboek, known active grootboeken, cent amounts, verkoopboeking regels on
 * known verkoopboekingen for at most their openstaandSaldo, and balance
 * (debet - credit of the memoriaal regels = the sum of the verkoopboeking
 * regels, which credit debiteuren); build its stored form. paid collects,
 * per verkoopboeking id, the amount the regels settle (a JSON integer of
 * cents). */
json_t *ssim_validate_memoriaal(ssim_store_t *store, const json_t *in, json_t *errors,
                                json_t *paid);

/* ssim_dagboeken_default - Kas 10, Bank 20, Verkoop 70, Memoriaal 90 */
json_t *ssim_dagboeken_default(void);

/* ssim_landen_default - the built-in list of landen */
json_t *ssim_landen_default(void);

#endif
