/*
 * NAME
 *   hookorder - store the order a webhook delivered
 *
 * DESCRIPTION
 *   A delivery whose signature passed (hooksig.h) is the order as GET
 *   /orders/ID answers it. It is parsed by the parser the runs use
 *   (wcorder.h) and stored by their path (import_store_item), in one
 *   transaction with what hookstore.h remembers of it, so that an order
 *   that comes by webhook and by a run is stored, and booked, once:
 *     a delivery id taken before        nothing is done (a repeat)
 *     an older state than one seen      nothing is done (overtaken)
 *     an order below from_order         nothing is done, as a run does
 *     otherwise                         as a run stores what it reads:
 *                                       new paid or open orders pending,
 *                                       cancelled skipped, unreadable dead,
 *                                       incomplete or stored ones left alone
 *   Only after the commit may the receiver answer 200: WooCommerce sends
 *   nothing again once it has its 2xx.
 */
#ifndef KOPPEL_FETCHER_HOOKORDER_H
#define KOPPEL_FETCHER_HOOKORDER_H

#include <stddef.h>

#include "config.h"
#include "infolog.h"
#include "store.h"

typedef enum {
    HOOKORDER_TAKEN = 0,   /* stored (or left alone as a run would): 200 */
    HOOKORDER_REPEAT,      /* the delivery id was taken before: 200 */
    HOOKORDER_OVERTAKEN,   /* an older state than one taken: 200 */
    HOOKORDER_BAD,         /* not one WooCommerce order: 400 */
    HOOKORDER_FAILED       /* fetcher.db could not be written: 500, sent again */
} hookorder_t;

/* hookorder_take - store what a signed delivery of profile p brought;
 * delivery_id is "" when the shop sent none. *number is the order's (-1
 * when it has none); why says what was wrong with a BAD or FAILED one. */
hookorder_t hookorder_take(const profile_t *p, store_t *store, infolog_t *infolog,
                           const char *delivery_id, const char *body, size_t len,
                           int64_t *number, char *why, size_t whylen);

#endif
