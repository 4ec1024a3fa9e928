/*
 * NAME
 *   wsim_refunds - the WooCommerce simulator's order refunds
 *
 * DESCRIPTION
 *   GET /wp-json/wc/v3/orders/ID/refunds answers an order's refunds as
 *   WooCommerce does (docs/contracts/woocommerce-refunds.md), newest first:
 *   those made through wsim_refunds_add() with their lines, and for each
 *   other entry of the order's refunds[] (the examples', the generator's)
 *   a refund of an amount only, without lines, as WooCommerce keeps a
 *   refund typed in as a sum.
 *
 *   wsim_refunds_add() is POST /_sim/orders/ID/refunds with a body
 *     {"line_items": [{"id": LINE_ITEM_ID, "quantity": 1}], "shipping": true,
 *      "reason": "Retour", "date_modified_gmt": "2027-01-05T10:00:00"}
 *   (all optional): the refund's lines get their share of each line's
 *   total and total_tax by quantity, the shipping its whole total, as
 *   negative amounts with meta _refunded_item_id; the order's refunds[]
 *   gains {id, reason, total} and its date_modified(_gmt) moves to the
 *   date given (else now), so that polling and webhooks see it.
 */
#ifndef WSIM_REFUNDS_H
#define WSIM_REFUNDS_H

#include <stddef.h>
#include <stdint.h>

#include "wsim_store.h"

/* wsim_refunds_served - the JSON array of order id's refunds (new memory);
 * NULL when there is no such order */
char *wsim_refunds_served(wsim_store_t *store, int64_t id);

/* wsim_refunds_add - refund part of order id as body says; the new
 * refund's id, or -1 with err */
int64_t wsim_refunds_add(wsim_store_t *store, int64_t id, const char *body, char *err,
                         size_t errlen);

#endif
