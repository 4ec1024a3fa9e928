/*
 * NAME
 *   wsim_gen - random but realistic WooCommerce orders for the simulator
 *
 * DESCRIPTION
 *   Deterministic by seed: the same seed, count and first id give the same
 *   orders and customers. A Dutch shop with prices incl. VAT: 1-4 lines at
 *   21, 9 or 0 %, flat-rate shipping, sometimes an iDEAL fee and a 10 %
 *   coupon, sometimes a refund; customers from a pool (about three orders
 *   each), mostly Dutch consumers and businesses, some Belgian and German
 *   businesses with a VAT number (zero-rated, as an EU VAT-number plugin
 *   does). Taxes per line are rounded per line; tax_lines, total_tax and
 *   total are their exact sums, as WooCommerce states them.
 */
#ifndef WCSIM_GEN_H
#define WCSIM_GEN_H

#include <stdint.h>

#include <jansson.h>

typedef struct wsim_gen wsim_gen_t;

/* wsim_gen_order_fn - one generated order as JSON text; nonzero stops */
typedef int (*wsim_gen_order_fn)(int64_t id, const char *json, void *arg);

/* wsim_money - cents as WooCommerce writes an amount ("-12.00"), a new JSON string */
json_t *wsim_money(int64_t cents);

/* wsim_gen_new - a generator for count orders with ids from first_id */
wsim_gen_t *wsim_gen_new(uint64_t seed, int64_t first_id, long count);

/* wsim_gen_destroy - free the generator and null the caller's pointer */
void wsim_gen_destroy(wsim_gen_t **self_p);

/* wsim_gen_run - generate every order, passing each to fn; how many, or -1
 * when fn stopped it */
long wsim_gen_run(wsim_gen_t *self, wsim_gen_order_fn fn, void *arg);

/* wsim_gen_export_relaties - after wsim_gen_run: write fraction (0..1) of
 * the customers that ordered as a JSON array of SnelStart RelatieModel
 * objects (land ids as globecharge-sim's sim_gen_land_id) to path; -1
 * with err filled on failure, else how many were written */
long wsim_gen_export_relaties(wsim_gen_t *self, const char *path, double fraction,
                              char *err, size_t errlen);

#endif
