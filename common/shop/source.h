/*
 * NAME
 *   source - a profile's shop, whatever its platform
 *
 * DESCRIPTION
 *   The fetcher and koppelctl read shops only through this module: a
 *   source_t is opaque, made for a profile by source_new() and used with
 *   these operations:
 *     source_check   log in, for "koppelctl test-connection"
 *     source_login   log in now (other calls log in when they need to)
 *     source_page    read the next page of orders from a cursor
 *     source_one     read one order by its number, of any status
 *     source_period  read every order of a period (koppelctl aansluiting)
 *   How a run pages through the shop is the platform's, behind the cursor
 *   (source_cursor_t, also opaque): a ShopFactory shop via Globecharge is
 *   read by order number from the stored number less late_window, and a
 *   page that cannot be parsed is read again order by order; a WooCommerce
 *   shop is read by modification time, from a stored watermark. Either way
 *   the caller gets pages of normalised orders (order_page.h) and, with
 *   each page, the position to store in the same transaction as its orders
 *   (source_cursor_position), so that the stored position never passes an
 *   order that is not stored.
 *
 *   Platforms: source.c holds the table of platforms, keyed by the
 *   profile's shop type, and each platform is one file behind the
 *   operations table of source_impl.h (source_globecharge.c,
 *   source_woocommerce.c). Adding a third platform means one new file
 *   plus one entry in that table (and the type in cfg_load's list of
 *   shop types, config.c).
 *
 * DIAGNOSTICS
 *   Every operation that can fail returns a src_result_t and writes what
 *   failed into err, in words a bookkeeper can act on; no message holds a
 *   password, key or secret.
 */
#ifndef KOPPEL_SOURCE_H
#define KOPPEL_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "config.h"
#include "order_page.h"

typedef struct source source_t;
typedef struct source_cursor source_cursor_t;

typedef enum {
    SRC_OK = 0,
    SRC_AUTH,          /* the shop refused the credentials: stop the profile */
    SRC_NOT_FOUND,     /* no such order */
    SRC_TRANSIENT,     /* try again later */
    SRC_PROTOCOL       /* the shop answered what its contract does not allow */
} src_result_t;

/* source_position_t - what the caller stores of a cursor, in one
 * transaction with the orders of the page that moved it. A field the
 * platform does not use is 0 or "" and is not stored. */
typedef struct {
    int64_t number;             /* the next order number to read (0: none) */
    int64_t highest;            /* the highest number the shop reported */
    char    modified_after[32]; /* read orders modified after this ("": none) */
} source_position_t;

/* source_known - whether koppel has a platform for a shop type name */
bool source_known(const char *shop_type);

/* source_new - the source of a profile's shop; NULL when its shop type has
 * no platform (cfg_load admits none such) */
source_t *source_new(const profile_t *p);

/* source_destroy - free the source (wiping its credentials); null the pointer */
void source_destroy(source_t **self_p);

/* source_set_retry - attempts per call, backoff cap and timeout per request
 * in ms (source_new: 3, 5000, 30000) */
void source_set_retry(source_t *self, int attempts, long max_backoff_ms, long timeout_ms);

/* source_retry_after_ms - after a call answered SRC_TRANSIENT: how long the
 * shop asked to wait before the next try (its Retry-After), in ms; 0 when it
 * asked nothing. A caller that retries on a timer (the fetcher's import, with
 * source_set_retry(self, 1, ...)) waits at least this long. */
long source_retry_after_ms(const source_t *self);

/* source_login - log in now */
src_result_t source_login(source_t *self, char *err, size_t errlen);

/* source_check - log in and say so: on SRC_OK msg is e.g. "ingelogd op
 * URL als USER", else what failed */
src_result_t source_check(source_t *self, char *msg, size_t msglen);

/* source_one - one order by its number, of any status, as a page of one */
src_result_t source_one(source_t *self, int64_t number, order_page_t **page,
                        char *err, size_t errlen);

/* source_period - every order dated from `from` up to, not including,
 * `until` (UTC instants), of any status, by order number, each once (the
 * last read when the shop gave it twice); an order that cannot be read is
 * an item with its error. It reads the shop from the start (the profile's
 * from_order; for WooCommerce every modification) with a cursor of its own
 * and stores nothing. On failure *orders is NULL and err says why. */
src_result_t source_period(source_t *self, time_t from, time_t until, order_page_t **orders,
                           char *err, size_t errlen);

/* source_cursor_new - a run's cursor from the stored position (fields not
 * stored yet 0 or "": the run starts at the profile's from_order) */
source_cursor_t *source_cursor_new(source_t *self, const source_position_t *stored);

/* source_cursor_destroy - free a cursor; null the pointer */
void source_cursor_destroy(source_cursor_t **self_p);

/* source_page - read the next page from the cursor. On SRC_OK *page holds
 * the page (perhaps no items), with its raw document when there was one,
 * and the cursor has moved past it; the caller stores the page's orders
 * and, when source_cursor_position() says so, the position, in one
 * transaction. On failure *page is NULL, there is no position to store
 * (the next run starts from the stored one) and err says why. */
src_result_t source_page(source_t *self, source_cursor_t *cursor, order_page_t **page,
                         char *err, size_t errlen);

/* source_cursor_position - the position to store with the page just read;
 * false when that page moves nothing that must be stored */
bool source_cursor_position(const source_cursor_t *self, source_position_t *pos);

/* source_cursor_done - whether the run has read everything there is */
bool source_cursor_done(const source_cursor_t *self);

/* source_cursor_where - where the run is, e.g. "order 10423" or "page 2" */
const char *source_cursor_where(const source_cursor_t *self);

/* source_cursor_summary - how far a run got, e.g. "read up to order 10431" */
const char *source_cursor_summary(const source_cursor_t *self);

/* source_parse - a document of a shop type as a page of orders; NULL with
 * err (naming the type when koppel has no platform for it) */
order_page_t *source_parse(const char *shop_type, const char *body, size_t len,
                           const char *name, char *err, size_t errlen);

#endif
