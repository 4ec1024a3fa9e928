/*
 * NAME
 *   explain - the matcher's explain mode: one order's decision as JSON
 *
 * DESCRIPTION
 *   explain_json() recognises one order against an index and returns
 *   match_to_json() of the decision:
 *   {"decision":…, "relatiecode": N|null, "method":…, "step":…, "reason":…}
 */
#ifndef KOPPEL_EXPLAIN_H
#define KOPPEL_EXPLAIN_H

#include "config.h"
#include "order.h"
#include "relatie_index.h"

/* explain_json - the decision for o as a JSON string; free() it */
char *explain_json(const relatie_index_t *index, const order_t *o,
                   recognition_t method);

#endif
