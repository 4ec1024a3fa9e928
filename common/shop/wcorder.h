/*
 * NAME
 *   wcorder - parse WooCommerce REST API v3 orders
 *
 * DESCRIPTION
 *   Reads the JSON that WooCommerce answers on /wp-json/wc/v3/orders (an
 *   array of orders) or /wp-json/wc/v3/orders/ID (one order object) into
 *   normalised orders (order.h), in the same page and item types as the
 *   Globecharge parser (order_page.h), so that the fetcher treats both alike.
 *   The contract is /work/shared/reference/woocommerce-rest-v3-orders.md;
 *   docs/woocommerce.md says how each field is mapped.
 *
 *   In short: number is the order id; processing and completed are
 *   bookable (paid when date_paid is set and the method is not cash on
 *   delivery, else open); cancelled, refunded and trash are cancelled;
 *   pending, on-hold, failed and drafts are incomplete. Lines are the
 *   line_items at their subtotal (before coupons), excl. tax; coupons
 *   become one discount charge per VAT rate (subtotal minus total of the
 *   lines at that rate); shipping_lines shipping charges; fee_lines payment
 *   charges (a negative fee a discount). The VAT per rate comes from
 *   tax_lines (rate_percent, tax_total + shipping_tax_total); its base is
 *   the sum of what is taxed at that rate. prices_include_vat is always
 *   false: WooCommerce states every line total excl. tax.
 *
 *   Refunds (refunds[]) are kept as fields "refund ID". An order refunded
 *   or cancelled as a whole after koppel read it is credited in full by
 *   the fetcher (a credit note, fetcher/store.h); the lines of a partial
 *   refund are not in the order: the source reads them from the order's
 *   refunds (wcrefund.h).
 *
 *   A problem with one order makes that one item invalid (order NULL,
 *   error set) and leaves the others alone; only a document that is not
 *   JSON, or neither an array nor an object, returns NULL.
 *
 * DIAGNOSTICS
 *   Order errors: "order 727: line_items[1].total: not an amount
 *   (\"12,00\")"; "order at position 3: ..." when the id itself cannot
 *   be read.
 */
#ifndef KOPPEL_WCORDER_H
#define KOPPEL_WCORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "order.h"
#include "order_page.h"

/* wcorder_parse_page - parse a JSON array of orders or a single order
 * object. Page: from = the lowest id, highest = the highest id, next =
 * highest + 1, count = the number of orders (all 0 for an empty array).
 * A document that cannot be read gives NULL with err starting with
 * source_name (e.g. "orders?page=2"). Per-order problems give an item
 * with error set. */
order_page_t *wcorder_parse_page(const char *body, size_t len, const char *source_name,
                                 char *err, size_t errlen);

/* wcorder_status - the order status of a WooCommerce status word and
 * date_paid/payment method; -1 for a status WooCommerce does not define */
int wcorder_status(const char *status, bool date_paid, const char *payment_method);

#endif
