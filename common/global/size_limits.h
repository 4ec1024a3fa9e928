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
 *   LIMIT_DOCUMENT_NODES    elements and attributes of one shop XML
 *                           document, values of one shop JSON document:
 *                           bounds its tree (about 120 bytes an XML
 *                           node, with a text node beside each element) to
 *                           well under 300 MB with the document itself; a
 *                           page of 50 orders of 1,000 lines holds 350,000,
 *                           and a page over it is read order by order
 *   LIMIT_ERROR_ANSWER_BYTES  a shop's error answer (401, 503) that is read
 *                           for its code and text; a larger one is not read
 *   LIMIT_API_ANSWER_BYTES  an HTTP answer from SnelStart's API (a page of
 *                           500 relaties is under 1 MB)
 *   LIMIT_MESSAGE_BYTES     a ZeroMQ message between the daemons (an order
 *                           with LIMIT_ORDER_ELEMENTS lines fits)
 *   LIMIT_MESSAGE_STRING_BYTES  one string inside a message (a control
 *                           reply's JSON can be long)
 *   LIMIT_FIELD_BYTES       one text field of an order, wherever it is read
 *                           (shop documents, the order codec, match replies)
 *   LIMIT_ORDER_ELEMENTS    lines, charges, VAT figures or fields of an order
 *   LIMIT_SNELSTART_DOCUMENT_BYTES  a document koppel attaches in SnelStart
 *                           (the invoice PDF): SnelStart takes at most 10 MB
 *   LIMIT_PEER_QUEUE_MESSAGES  messages a receiving socket holds per connected
 *                           peer (its ZMQ_RCVHWM): with libzmq's one message
 *                           being read, a peer can make a daemon hold at most
 *                           (this + 1) * LIMIT_MESSAGE_BYTES = 80 MiB
 *   LIMIT_BATCH_BYTES       the messages a daemon takes from a socket into one
 *                           batch (the booker's), counted as received
 *   LIMIT_DAEMON_BYTES      the memory (VmHWM) its peers can push a daemon to,
 *                           one connected peer per socket; each further peer
 *                           connection adds at most 80 MiB (docs/reliability.md)
 */
#ifndef KOPPEL_SIZE_LIMITS_H
#define KOPPEL_SIZE_LIMITS_H

#define LIMIT_DOCUMENT_BYTES        (64 * 1024 * 1024)
#define LIMIT_ANSWER_BYTES          LIMIT_DOCUMENT_BYTES
#define LIMIT_DOCUMENT_NODES        400000
#define LIMIT_ERROR_ANSWER_BYTES    (1024 * 1024)
#define LIMIT_API_ANSWER_BYTES      (32 * 1024 * 1024)
#define LIMIT_MESSAGE_BYTES         (16 * 1024 * 1024)
#define LIMIT_MESSAGE_STRING_BYTES  (1024 * 1024)
#define LIMIT_FIELD_BYTES           65536
#define LIMIT_ORDER_ELEMENTS        10000
#define LIMIT_SNELSTART_DOCUMENT_BYTES (10 * 1024 * 1024)
#define LIMIT_PEER_QUEUE_MESSAGES   4
#define LIMIT_BATCH_BYTES           LIMIT_MESSAGE_BYTES
#define LIMIT_DAEMON_BYTES          (256 * 1024 * 1024)

#endif
