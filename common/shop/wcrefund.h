/*
 * NAME
 *   wcrefund - read WooCommerce's refunds of an order as credit notes
 *
 * DESCRIPTION
 *   The refunds[] of a WooCommerce order carry an id, a reason and a
 *   total, not what was refunded; GET /wp-json/wc/v3/orders/ID/refunds
 *   answers them with their lines (docs/contracts/woocommerce-refunds.md).
 *   wcrefund_parse() reads that answer into one order_refund_t per refund
 *   (order_page.h): its name "refund ID", and what a partial credit note
 *   of the order credits: each refunded line_items entry mapped to the
 *   order's line by its meta _refunded_item_id (the line item id,
 *   order_line_t.shop_id) with its quantity, and the shipping when the
 *   shipping was refunded.
 *
 *   A refund koppel cannot book honestly gets an error in Dutch instead,
 *   which the fetcher makes the credit note's dead letter: an amount
 *   without lines (it cannot be split by VAT rate), a line with an amount
 *   but no quantity, part of the shipping, refunded fees, a line the order
 *   does not have, or any refund of an order with a coupon (which share
 *   of the discount it returns is not said).
 *
 * DIAGNOSTICS
 *   An answer that is not a JSON array of refunds with ids returns false
 *   with err naming "orders/ID/refunds" and what is wrong.
 */
#ifndef KOPPEL_WCREFUND_H
#define KOPPEL_WCREFUND_H

#include <stdbool.h>
#include <stddef.h>

#include "order.h"
#include "order_page.h"

/* wcrefund_parse - the refunds in body (the answer for order o) into
 * *refunds (malloc'd, *n of them); false with err when it cannot be read */
bool wcrefund_parse(const char *body, size_t len, const order_t *o, order_refund_t **refunds,
                    size_t *n, char *err, size_t errlen);

#endif
