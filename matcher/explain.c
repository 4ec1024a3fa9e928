/*
 * NAME
 *   explain - the matcher's explain mode: one order's decision as JSON
 *
 * DESCRIPTION
 *   See explain.h. The command line that reads the order and the index is
 *   the matcher daemon's (main.c).
 */
#include "explain.h"
#include "match.h"
#include "recognise.h"

/* explain_json - the decision for o as a JSON string; free() it */
char *
explain_json(const relatie_index_t *index, const order_t *o,
             recognition_t method)
{
    match_t *m = match_new();
    char   *json;

    recognise(index, o, method, m);
    json = match_to_json(m);
    match_destroy(&m);
    return json;
}
