/*
 * NAME
 *   hooksig - the signature of a WooCommerce webhook delivery
 *
 * DESCRIPTION
 *   WooCommerce signs each delivery with the webhook's secret: header
 *   X-WC-Webhook-Signature is the base64 of the HMAC-SHA256 of the raw
 *   body under the secret as typed (WC_Webhook::generate_signature). The
 *   receiver checks it before it reads a byte of the body as an order.
 *   The comparison takes the same time wherever the first wrong byte is,
 *   so that a sender learns nothing from how quickly it is refused.
 */
#ifndef KOPPEL_FETCHER_HOOKSIG_H
#define KOPPEL_FETCHER_HOOKSIG_H

#include <stdbool.h>
#include <stddef.h>

/* hooksig_ok - whether signature (the header's text, NULL when absent) is
 * the signature of body under secret */
bool hooksig_ok(const char *secret, const void *body, size_t len, const char *signature);

/* hooksig_make - the signature of body under secret, as WooCommerce sends
 * it (new memory): what a test or simulator puts in the header */
char *hooksig_make(const char *secret, const void *body, size_t len);

#endif
