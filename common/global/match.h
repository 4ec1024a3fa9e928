/*
 * NAME
 *   match - the matcher's decision about an order's customer
 *
 * DESCRIPTION
 *   The matcher recognises the customer of an order among the relaties of
 *   the profile's SnelStart administration and passes its decision, with
 *   the order, to the booker. A decision is "existing" (book on that
 *   relatie), "new" (the booker creates a relatie) or "error" (the order
 *   goes to the dead-letter queue with reason in a bookkeeper's words).
 */
#ifndef KOPPEL_MATCH_H
#define KOPPEL_MATCH_H

#include <stdint.h>
#include <msgpack.h>

typedef enum {
    MATCH_EXISTING = 0,
    MATCH_NEW,
    MATCH_ERROR
} match_decision_t;

typedef struct {
    match_decision_t decision;
    int32_t relatiecode;      /* existing: its code; else 0 */
    char    relatie_id[37];   /* existing: SnelStart's uuid; else "" */
    char   *method;           /* recognition method, e.g. "email" */
    char   *step;             /* which step decided, e.g. "factuur-email" */
    char   *reason;           /* plain words, for the log and dead letters */
    char   *key;              /* new: the customer key, e.g. "email:jan@devries.nl",
                                 so that the booker creates one relatie per key */
} match_t;

/* match_new - an empty decision ("new", every string "") */
match_t *match_new(void);

/* match_destroy - free and null the caller's pointer */
void match_destroy(match_t **self_p);

/* match_set - fill a decision; strings are copied */
void match_set(match_t *self, match_decision_t decision, int32_t relatiecode,
               const char *relatie_id, const char *method, const char *step,
               const char *key, const char *reason_fmt, ...)
               __attribute__((format(printf, 8, 9)));

/* match_decision_name - "existing", "new", "error" */
const char *match_decision_name(match_decision_t decision);

/* match_pack, match_unpack - msgpack map; unpack is strict, NULL + err */
void match_pack(const match_t *self, msgpack_packer *pk);
match_t *match_unpack(const msgpack_object *obj, char *err, size_t errlen);

/* match_to_json - the explain-mode object:
 * {"decision":…, "relatiecode": N|null, "method":…, "step":…, "reason":…} */
char *match_to_json(const match_t *self);

#endif
