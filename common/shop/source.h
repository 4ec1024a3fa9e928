/*
 * NAME
 *   source - a profile's shop, whatever its platform
 *
 * DESCRIPTION
 *   The fetcher reads shops through this module: a ShopFactory shop via
 *   Globecharge (gc_client, gcfeed) or a WooCommerce shop via its REST API
 *   (wc_client, wcorder). Both give pages of normalised orders
 *   (order_page_t). How a run pages through the shop differs and lives in
 *   import.c; what is the same (one order by number, the result codes) is
 *   here.
 */
#ifndef KOPPEL_FETCHER_SOURCE_H
#define KOPPEL_FETCHER_SOURCE_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "gc_client.h"
#include "gcfeed.h"
#include "wc_client.h"

typedef enum {
    SRC_OK = 0,
    SRC_AUTH,          /* the shop refused the credentials: stop the profile */
    SRC_NOT_FOUND,     /* no such order */
    SRC_TRANSIENT,     /* try again later */
    SRC_PROTOCOL       /* the shop answered what its contract does not allow */
} src_result_t;

typedef enum { SOURCE_GLOBECHARGE = 0, SOURCE_WOOCOMMERCE } source_kind_t;

typedef struct {
    const profile_t *p;
    source_kind_t kind;
    gc_client_t *gc;
    wc_client_t *wc;
} source_t;

/* source_kind_of - the platform of a shop type name; false when unknown */
bool source_kind_of(const char *shop_type, source_kind_t *kind);

/* source_new - the client of a profile's shop */
source_t *source_new(const profile_t *p);
void source_destroy(source_t **self_p);

/* source_one - one order by its number, of any status */
src_result_t source_one(source_t *self, int64_t number, order_page_t **page,
                        char *err, size_t errlen);

/* source_result_gc, source_result_wc - a client's result as a source result */
src_result_t source_result_gc(gc_result_t r);
src_result_t source_result_wc(wc_result_t r);

#endif
