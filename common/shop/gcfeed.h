/*
 * NAME
 *   gcfeed - parse Globecharge order feed documents
 *
 * DESCRIPTION
 *   Reads the XML that Globecharge's orders.cgi (an <orders> page) and
 *   order.cgi (a single <order>) answer, in the namespace
 *   urn:globecharge:orders:1 and encoded in UTF-8 or ISO-8859-1, into
 *   normalised orders (order.h) with every string in UTF-8. The contract is
 *   /work/shared/reference/globecharge-feed.md.
 *
 *   Every field rule of the contract is checked. A problem with one order
 *   makes that one item invalid (order NULL, error set) and leaves the others
 *   alone; only a document that cannot be read at all returns NULL.
 *
 *   Safety: no network access, no DTD loading, a document type declaration
 *   (and so any entity declaration) is refused, elements nest at most
 *   GCFEED_MAX_DEPTH deep, a document holds at most LIMIT_DOCUMENT_NODES
 *   elements and attributes and is at most LIMIT_DOCUMENT_BYTES long.
 *
 * DIAGNOSTICS
 *   Error texts name the order number (when known), the element and the
 *   attribute, and say what is wrong in words a bookkeeper can act on.
 */
#ifndef KOPPEL_GCFEED_H
#define KOPPEL_GCFEED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "order_page.h"
#include "size_limits.h"

#define GCFEED_NAMESPACE  "urn:globecharge:orders:1"
#define GCFEED_MAX_DEPTH  64

/* gcfeed_parse - parse an <orders> document or a single <order> document.
 * A document that cannot be parsed at all (not XML, wrong root, wrong
 * namespace, bad <orders> attributes) gives NULL with err naming what is
 * wrong and the line; source_name (e.g. "orders.cgi?from=10423") starts
 * that message. Per-order problems give an item with error set. */
order_page_t *gcfeed_parse(const char *body, size_t len, const char *source_name,
                           char *err, size_t errlen);

/* gcfeed_error - the code attribute and text of an <error> answer (a 401
 * or 503 body), read with the same guard as an order document and only
 * when at most LIMIT_ERROR_ANSWER_BYTES long; false (code and text "")
 * when the answer is not such a document */
bool gcfeed_error(const char *body, size_t len, char *code, size_t codelen, char *text,
                  size_t textlen);

#endif
