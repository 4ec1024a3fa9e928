/*
 * NAME
 *   recognise - decide the SnelStart relatie of an order's customer
 *
 * DESCRIPTION
 *   Implements the recognition methods of the manual (2.5, "Herkenning"):
 *   klantcode, email, klantcode-of-email, email-postcode,
 *   klantcode-of-email-postcode and slim, against a relatie_index.
 *   The decision is one of: existing (with relatiecode and id), new (with
 *   the key the booker creates one relatie for), or error (with a reason a
 *   bookkeeper understands, naming the relatiecodes involved).
 */
#ifndef KOPPEL_RECOGNISE_H
#define KOPPEL_RECOGNISE_H

#include <stdbool.h>

#include "config.h"
#include "match.h"
#include "order.h"
#include "relatie_index.h"

/* recognise - decide the customer of one order; fills m (match_set).
 * Never fails: problems are MATCH_ERROR with a reason. */
void recognise(const relatie_index_t *index, const order_t *o,
               recognition_t method, match_t *m);

/* the names of the methods: recognition_name() and recognition_parse() in config.h */

#endif
