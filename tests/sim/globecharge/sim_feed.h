/*
 * NAME
 *   sim_feed - Globecharge feed documents: reading orders, writing answers
 *
 * DESCRIPTION
 *   Reads feed documents (an <orders> list or one <order>) into the text of
 *   each order element, keeping the order as it was written: only its
 *   number and status must be readable, so deliberately wrong orders (an
 *   amount "12,50", a missing <total>) reach the client unchanged. Each
 *   order's text is a standalone element declaring the feed namespace.
 *   Also re-encodes a UTF-8 answer as ISO-8859-1.
 */
#ifndef GCSIM_FEED_H
#define GCSIM_FEED_H

#include <stddef.h>
#include <stdint.h>

#include "sim_store.h"

#define GCSIM_NS "urn:globecharge:orders:1"

/* sim_feed_order_fn - one order read from a document; nonzero stops */
typedef int (*sim_feed_order_fn)(int64_t number, const char *status,
                                 const char *xml, void *arg);

/* sim_feed_parse - call fn for each order of a document held in memory.
 * name says where it came from (for messages). Orders without a readable
 * number or status are skipped with a warning. Returns the number of
 * orders passed to fn, -1 with err filled when the document is not XML or
 * holds no <orders> or <order> root. */
int sim_feed_parse(const char *buf, size_t len, const char *name,
                   sim_feed_order_fn fn, void *arg, char *err, size_t errlen);

/* sim_feed_load_dir - store the orders of every *.xml file in dir; the
 * number of orders stored, -1 with err filled on failure */
long sim_feed_load_dir(const char *dir, sim_store_t *store,
                       char *err, size_t errlen);

/* sim_feed_strip_ns - the order text without its own namespace declaration,
 * for embedding in an <orders> list that declares it; points into xml */
const char *sim_feed_strip_ns(const char *xml, size_t *skip);

/* sim_feed_encode - re-encode a UTF-8 document in the named encoding with
 * a matching XML declaration; new memory (free()), NULL on failure */
char *sim_feed_encode(const char *doc, size_t len, const char *encoding,
                      size_t *outlen);

#endif
