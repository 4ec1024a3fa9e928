/*
 * NAME
 *   sim_gen - random but realistic Dutch webshop orders for the simulator
 *
 * DESCRIPTION
 *   Deterministic by seed: the same seed, count and first number give the
 *   same orders and customers. Orders have 1-5 lines at 21, 9 or 0 %,
 *   sometimes shipping and payment charges and a discount; customers come
 *   from a pool (about three orders each), mostly Dutch consumers and
 *   businesses, some in Belgium and Germany, a few in Norway, the United
 *   States and Great Britain. The stated VAT and totals follow
 *   sim_gen_figures exactly.
 */
#ifndef GCSIM_GEN_H
#define GCSIM_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sim_gen sim_gen_t;

typedef struct {
    int32_t rate_e2;      /* 21 % is 2100 */
    int64_t base_cents;   /* excluding VAT */
    int64_t vat_cents;
} sim_gen_vat_t;

/* sim_gen_order_fn - one generated order; nonzero stops */
typedef int (*sim_gen_order_fn)(int64_t number, const char *status,
                                const char *xml, void *arg);

/* sim_gen_round - a / b rounded half away from zero (b > 0) */
int64_t sim_gen_round(int64_t a, int64_t b);

/* sim_gen_figures - the stated VAT per rate and the totals of an order
 * whose line totals and charges (cents, at rates_e2) are amounts. With
 * prices including VAT per rate G: vat = round(G*r/(100+r)), base = G-vat;
 * excluding VAT: vat = round(N*r/100), base = N. vats gets one entry per
 * rate in ascending order of rate; returns how many (at most max). */
size_t sim_gen_figures(const int32_t *rates_e2, const int64_t *amounts, size_t n,
                       bool prices_include_vat, sim_gen_vat_t *vats, size_t max,
                       int64_t *total_excl, int64_t *total_vat,
                       int64_t *total_incl);

/* sim_gen_new - a generator for count orders numbered from first_number */
sim_gen_t *sim_gen_new(uint64_t seed, int64_t first_number, long count);

/* sim_gen_destroy - free the generator and null the caller's pointer */
void sim_gen_destroy(sim_gen_t **self_p);

/* sim_gen_run - generate every order, passing each to fn; the number of
 * orders generated, or -1 when fn stopped it */
long sim_gen_run(sim_gen_t *self, sim_gen_order_fn fn, void *arg);

/* sim_gen_export_relaties - after sim_gen_run: write fraction (0..1) of the
 * customers that ordered as a JSON array of SnelStart RelatieModel objects
 * to path; -1 with err filled on failure, else how many were written */
long sim_gen_export_relaties(sim_gen_t *self, const char *path, double fraction,
                             char *err, size_t errlen);

/* sim_gen_land_id - SnelStart land id for an ISO country code (37 bytes) */
void sim_gen_land_id(const char *iso, char out[37]);

#endif
