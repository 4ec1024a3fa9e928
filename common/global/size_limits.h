/*
 * NAME
 *   size_limits - the largest document, answer, message and field koppel accepts
 *
 * DESCRIPTION
 *   The one place of every size limit on input from a peer. Anything larger
 *   is refused with a message naming the limit, never truncated or guessed.
 *
 *   LIMIT_DOCUMENT_BYTES    a shop document: a Globecharge feed, a page of
 *                           WooCommerce orders (a 50 MB raw order fits)
 *   LIMIT_ANSWER_BYTES      an HTTP answer from a shop: one document
 *   LIMIT_MESSAGE_BYTES     a ZeroMQ message between the daemons (an order
 *                           with LIMIT_ORDER_ELEMENTS lines fits)
 *   LIMIT_MESSAGE_STRING_BYTES  one string inside a message (a control
 *                           reply's JSON can be long)
 *   LIMIT_FIELD_BYTES       one text field of an order, wherever it is read
 *                           (shop documents, the order codec, match replies)
 *   LIMIT_ORDER_ELEMENTS    lines, charges, VAT figures or fields of an order
 *   LIMIT_SNELSTART_DOCUMENT_BYTES  a document koppel attaches in SnelStart
 *                           (the invoice PDF): SnelStart takes at most 10 MB
 */
#ifndef KOPPEL_SIZE_LIMITS_H
#define KOPPEL_SIZE_LIMITS_H

#define LIMIT_DOCUMENT_BYTES        (64 * 1024 * 1024)
#define LIMIT_ANSWER_BYTES          LIMIT_DOCUMENT_BYTES
#define LIMIT_MESSAGE_BYTES         (16 * 1024 * 1024)
#define LIMIT_MESSAGE_STRING_BYTES  (1024 * 1024)
#define LIMIT_FIELD_BYTES           65536
#define LIMIT_ORDER_ELEMENTS        10000
#define LIMIT_SNELSTART_DOCUMENT_BYTES (10 * 1024 * 1024)

#endif
