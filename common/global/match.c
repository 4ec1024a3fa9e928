/*
 * NAME
 *   match - the matcher's decision about an order's customer
 *
 * DESCRIPTION
 *   Construction, the msgpack codec and the explain-mode JSON of match_t
 *   (see match.h). On the wire a decision is one msgpack map with exactly
 *   the keys "decision" (string: existing, new, error), "relatiecode"
 *   (integer), "relatie_id", "method", "step", "reason" and "key"
 *   (strings).
 *
 * DIAGNOSTICS
 *   match_unpack() rejects a missing, duplicate or unknown key, a value of
 *   the wrong type, a string over 64 KiB (a relatie_id over 36 bytes) and
 *   an unknown decision; the message names the key.
 *   Out of memory is fatal (xalloc).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "match.h"
#include "size_limits.h"
#include "xalloc.h"


static const char *decision_names[] = { "existing", "new", "error" };

/* match_new - an empty decision ("new", every string "") */
match_t *
match_new(void)
{
    match_t *self = xcalloc(1, sizeof *self);

    self->decision = MATCH_NEW;
    self->method = xstrdup("");
    self->step = xstrdup("");
    self->reason = xstrdup("");
    self->key = xstrdup("");
    return self;
}

/* match_destroy - free and null the caller's pointer */
void
match_destroy(match_t **self_p)
{
    match_t *self;

    if (self_p == NULL || *self_p == NULL)
        return;
    self = *self_p;
    free(self->method);
    free(self->step);
    free(self->reason);
    free(self->key);
    free(self);
    *self_p = NULL;
}

/* replace - swap an owned string for a copy of value (NULL is "") */
static void
replace(char **field, const char *value)
{
    char   *copy = xstrdup(value ? value : "");

    free(*field);
    *field = copy;
}

/* match_set - fill a decision; strings are copied */
void
match_set(match_t *self, match_decision_t decision, int32_t relatiecode,
          const char *relatie_id, const char *method, const char *step,
          const char *key, const char *reason_fmt, ...)
{
    va_list ap;
    char   *reason;

    self->decision = decision;
    self->relatiecode = relatiecode;
    snprintf(self->relatie_id, sizeof self->relatie_id, "%s",
             relatie_id ? relatie_id : "");
    replace(&self->method, method);
    replace(&self->step, step);
    replace(&self->key, key);
    va_start(ap, reason_fmt);
    if (vasprintf(&reason, reason_fmt, ap) < 0)
        reason = NULL;
    va_end(ap);
    replace(&self->reason, reason ? reason : "(reason could not be formatted)");
    free(reason);
}

/* match_decision_name - "existing", "new", "error" */
const char *
match_decision_name(match_decision_t decision)
{
    if ((unsigned) decision < sizeof decision_names / sizeof decision_names[0])
        return decision_names[decision];
    return "unknown";
}

/* pack_str - write one string key and string value */
static void
pack_str(msgpack_packer *pk, const char *key, const char *value)
{
    size_t  n = strlen(value);

    msgpack_pack_str(pk, strlen(key));
    msgpack_pack_str_body(pk, key, strlen(key));
    msgpack_pack_str(pk, n);
    msgpack_pack_str_body(pk, value, n);
}

/* match_pack - write the decision as one msgpack map */
void
match_pack(const match_t *self, msgpack_packer *pk)
{
    msgpack_pack_map(pk, 7);
    pack_str(pk, "decision", match_decision_name(self->decision));
    msgpack_pack_str(pk, 11);
    msgpack_pack_str_body(pk, "relatiecode", 11);
    msgpack_pack_int32(pk, self->relatiecode);
    pack_str(pk, "relatie_id", self->relatie_id);
    pack_str(pk, "method", self->method);
    pack_str(pk, "step", self->step);
    pack_str(pk, "reason", self->reason);
    pack_str(pk, "key", self->key);
}

/* the keys of the map, in one table; bit i of "seen" is keys[i] */
enum { K_DECISION = 0, K_RELATIECODE, K_RELATIE_ID, K_METHOD, K_STEP,
       K_REASON, K_KEY, K_N };
static const char *keys[K_N] = { "decision", "relatiecode", "relatie_id",
                                 "method", "step", "reason", "key" };

/* unpack_string - copy a msgpack string of at most max bytes; false + err */
static bool
unpack_string(const msgpack_object *v, const char *key, size_t max,
              char **out, char *err, size_t errlen)
{
    if (v->type != MSGPACK_OBJECT_STR) {
        snprintf(err, errlen, "match: key \"%s\" is not a string", key);
        return false;
    }
    if (v->via.str.size > max) {
        snprintf(err, errlen, "match: key \"%s\" is %u bytes long, more than %zu",
                 key, v->via.str.size, max);
        return false;
    }
    if (memchr(v->via.str.ptr, '\0', v->via.str.size) != NULL) {
        snprintf(err, errlen, "match: key \"%s\" holds a NUL byte", key);
        return false;
    }
    *out = xstrndup(v->via.str.ptr, v->via.str.size);
    return true;
}

/* match_unpack - read a decision from a msgpack map; strict, NULL + err */
match_t *
match_unpack(const msgpack_object *obj, char *err, size_t errlen)
{
    match_t *self;
    unsigned seen = 0;
    uint32_t i;
    int     k;
    char   *s;

    if (obj == NULL || obj->type != MSGPACK_OBJECT_MAP) {
        snprintf(err, errlen, "match: not a msgpack map");
        return NULL;
    }
    self = match_new();
    for (i = 0; i < obj->via.map.size; i++) {
        const msgpack_object *ko = &obj->via.map.ptr[i].key;
        const msgpack_object *v = &obj->via.map.ptr[i].val;

        if (ko->type != MSGPACK_OBJECT_STR) {
            snprintf(err, errlen, "match: a key is not a string");
            goto fail;
        }
        for (k = 0; k < K_N; k++)
            if (strlen(keys[k]) == ko->via.str.size
                && memcmp(keys[k], ko->via.str.ptr, ko->via.str.size) == 0)
                break;
        if (k == K_N) {
            snprintf(err, errlen, "match: unknown key \"%.*s\"",
                     (int) (ko->via.str.size > 64 ? 64 : ko->via.str.size),
                     ko->via.str.ptr);
            goto fail;
        }
        if (seen & (1u << k)) {
            snprintf(err, errlen, "match: key \"%s\" occurs twice", keys[k]);
            goto fail;
        }
        seen |= 1u << k;
        switch (k) {
        case K_DECISION:
            if (!unpack_string(v, keys[k], 16, &s, err, errlen))
                goto fail;
            if (strcmp(s, "existing") == 0)
                self->decision = MATCH_EXISTING;
            else if (strcmp(s, "new") == 0)
                self->decision = MATCH_NEW;
            else if (strcmp(s, "error") == 0)
                self->decision = MATCH_ERROR;
            else {
                snprintf(err, errlen, "match: key \"decision\" is \"%s\", "
                         "not existing, new or error", s);
                free(s);
                goto fail;
            }
            free(s);
            break;
        case K_RELATIECODE:
            if (v->type == MSGPACK_OBJECT_POSITIVE_INTEGER
                && v->via.u64 <= INT32_MAX)
                self->relatiecode = (int32_t) v->via.u64;
            else if (v->type == MSGPACK_OBJECT_NEGATIVE_INTEGER
                     && v->via.i64 >= INT32_MIN)
                self->relatiecode = (int32_t) v->via.i64;
            else {
                snprintf(err, errlen, "match: key \"relatiecode\" is not a "
                         "32-bit integer");
                goto fail;
            }
            break;
        case K_RELATIE_ID:
            if (!unpack_string(v, keys[k], sizeof self->relatie_id - 1, &s,
                               err, errlen))
                goto fail;
            memcpy(self->relatie_id, s, strlen(s) + 1);
            free(s);
            break;
        default:
            if (!unpack_string(v, keys[k], LIMIT_FIELD_BYTES, &s, err, errlen))
                goto fail;
            if (k == K_METHOD) {
                free(self->method);
                self->method = s;
            } else if (k == K_STEP) {
                free(self->step);
                self->step = s;
            } else if (k == K_REASON) {
                free(self->reason);
                self->reason = s;
            } else {
                free(self->key);
                self->key = s;
            }
            break;
        }
    }
    for (k = 0; k < K_N; k++)
        if (!(seen & (1u << k))) {
            snprintf(err, errlen, "match: key \"%s\" is missing", keys[k]);
            goto fail;
        }
    return self;

fail:
    match_destroy(&self);
    return NULL;
}

/* jstr - a JSON string, or a placeholder when value is not valid UTF-8 */
static json_t *
jstr(const char *value)
{
    json_t *j = json_string(value);

    return j ? j : json_string("(not valid UTF-8)");
}

/* match_to_json - the explain-mode object, as a new string */
char *
match_to_json(const match_t *self)
{
    json_t *o = json_object();
    char   *text;
    char   *copy;

    if (o == NULL)
        return xstrdup("{}");
    json_object_set_new(o, "decision",
                        json_string(match_decision_name(self->decision)));
    json_object_set_new(o, "relatiecode", self->decision == MATCH_EXISTING
                        ? json_integer(self->relatiecode) : json_null());
    json_object_set_new(o, "method", jstr(self->method));
    json_object_set_new(o, "step", jstr(self->step));
    json_object_set_new(o, "reason", jstr(self->reason));
    text = json_dumps(o, JSON_PRESERVE_ORDER | JSON_COMPACT);
    json_decref(o);
    if (text == NULL)       /* invalid UTF-8 in a string */
        return xstrdup("{\"decision\":\"error\",\"relatiecode\":null,"
                       "\"method\":\"\",\"step\":\"\","
                       "\"reason\":\"decision holds invalid UTF-8\"}");
    copy = xstrdup(text);   /* the caller frees with free() */
    free(text);
    return copy;
}
