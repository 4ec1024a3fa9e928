/*
 * NAME
 *   msg - encoding and strict decoding of koppel's messages
 *
 * DESCRIPTION
 *   One table per message type lists its fields: key, kind, where it
 *   lives in msg_t, and whether the type requires it. Encoding writes the
 *   fields of the type; decoding checks each key against the type's table
 *   and then that every required field was seen. See msg.h for the types.
 *
 * DIAGNOSTICS
 *   msg_decode() names the field and what is wrong with it, e.g.
 *   "order: field \"attempt\": expected an integer".
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "size_limits.h"
#include "xalloc.h"

#define MAX_ARGS     64

static const char *type_names[MSG_NTYPES] = {
    "job", "job_done", "order", "matched", "outcome", "request", "reply", "hello",
    "ready", "assign"
};

typedef enum { F_STR, F_INT, F_BOOL, F_ORDER, F_MATCH, F_ARGS } field_kind_t;

/* one field of a message type: its key, its kind, where it lives in msg_t,
 * and whether the type requires it */
struct field {
    const char  *key;
    field_kind_t kind;
    size_t       offset;
    bool         required;
};

#define REQ(key, kind, member) { key, kind, offsetof(msg_t, member), true }
#define OPT(key, kind, member) { key, kind, offsetof(msg_t, member), false }

/* the message schema: the fields of each type, in the order they are sent */
static const struct field job_fields[] = {
    REQ("job_id", F_INT, job_id), REQ("profile", F_STR, profile),
    REQ("task", F_STR, task), REQ("reason", F_STR, reason),
};
static const struct field job_done_fields[] = {
    REQ("job_id", F_INT, job_id), REQ("profile", F_STR, profile),
    REQ("task", F_STR, task), REQ("ok", F_BOOL, ok), REQ("text", F_STR, text),
};
static const struct field order_fields[] = {
    REQ("profile", F_STR, profile), REQ("attempt", F_INT, attempt),
    REQ("order", F_ORDER, order), OPT("token", F_STR, token), OPT("sig", F_STR, sig),
};
static const struct field matched_fields[] = {
    REQ("profile", F_STR, profile), REQ("attempt", F_INT, attempt),
    REQ("order", F_ORDER, order), REQ("match", F_MATCH, match),
    OPT("token", F_STR, token), OPT("sig", F_STR, sig),
};
static const struct field outcome_fields[] = {
    REQ("profile", F_STR, profile), REQ("number", F_INT, number),
    REQ("result", F_STR, result), REQ("stage", F_STR, stage), REQ("reason", F_STR, reason),
    OPT("factuurnummer", F_STR, factuurnummer), OPT("relatiecode", F_INT, relatiecode),
    OPT("credit", F_INT, credit), OPT("token", F_STR, token), OPT("sig", F_STR, sig),
};
static const struct field request_fields[] = {
    REQ("cmd", F_STR, cmd), OPT("args", F_ARGS, args),
};
static const struct field reply_fields[] = {
    REQ("ok", F_BOOL, ok), REQ("text", F_STR, text), OPT("json", F_STR, json),
};
static const struct field hello_fields[] = {
    REQ("text", F_STR, text),
};
static const struct field ready_fields[] = {
    REQ("text", F_STR, text),
};
static const struct field assign_fields[] = {
    REQ("matchers", F_ARGS, args),
};

#define SCHEMA(list) { list, sizeof list / sizeof *list }
static const struct schema {
    const struct field *fields;
    size_t  n;
} schemas[MSG_NTYPES] = {
    [MSG_JOB] = SCHEMA(job_fields),
    [MSG_JOB_DONE] = SCHEMA(job_done_fields),
    [MSG_ORDER] = SCHEMA(order_fields),
    [MSG_MATCHED] = SCHEMA(matched_fields),
    [MSG_OUTCOME] = SCHEMA(outcome_fields),
    [MSG_REQUEST] = SCHEMA(request_fields),
    [MSG_REPLY] = SCHEMA(reply_fields),
    [MSG_HELLO] = SCHEMA(hello_fields),
    [MSG_READY] = SCHEMA(ready_fields),
    [MSG_ASSIGN] = SCHEMA(assign_fields),
};

/* the string members of msg_t, each "" in a new message */
static const size_t string_members[] = {
    offsetof(msg_t, profile), offsetof(msg_t, task), offsetof(msg_t, reason),
    offsetof(msg_t, text), offsetof(msg_t, result), offsetof(msg_t, stage),
    offsetof(msg_t, factuurnummer), offsetof(msg_t, cmd), offsetof(msg_t, json),
    offsetof(msg_t, token), offsetof(msg_t, sig),
};
#define NSTRINGS (sizeof string_members / sizeof *string_members)

#define MEMBER(self, off, type) ((type *) ((char *) (self) + (off)))
#define FIELD(self, f, type) MEMBER(self, (f)->offset, type)

/* msg_new - an empty message of a type */
msg_t *
msg_new(msg_type_t type)
{
    msg_t  *self = xcalloc(1, sizeof *self);
    size_t  i;

    self->type = type;
    for (i = 0; i < NSTRINGS; i++)
        *MEMBER(self, string_members[i], char *) = xstrdup("");
    return self;
}

/* msg_destroy - free and null the caller's pointer */
void
msg_destroy(msg_t **self_p)
{
    msg_t  *self;
    size_t  i;

    if (self_p == NULL || *self_p == NULL)
        return;
    self = *self_p;
    for (i = 0; i < NSTRINGS; i++)
        free(*MEMBER(self, string_members[i], char *));
    for (i = 0; i < self->nargs; i++)
        free(self->args[i]);
    free(self->args);
    order_destroy(&self->order);
    match_destroy(&self->match);
    free(self);
    *self_p = NULL;
}

/* msg_set - replace one string field with a copy */
void
msg_set(char **field, const char *value)
{
    char   *copy = xstrdup(value ? value : "");

    free(*field);
    *field = copy;
}

/* msg_add_arg - append one request argument */
void
msg_add_arg(msg_t *self, const char *arg)
{
    self->args = xrealloc(self->args, (self->nargs + 1) * sizeof *self->args);
    self->args[self->nargs++] = xstrdup(arg);
}

/* msg_type_name - the type's word */
const char *
msg_type_name(msg_type_t type)
{
    return (unsigned) type < MSG_NTYPES ? type_names[type] : "unknown";
}

/* pack_str - one msgpack string */
static void
pack_str(msgpack_packer *pk, const char *s)
{
    size_t  n = strlen(s);

    msgpack_pack_str(pk, n);
    msgpack_pack_str_body(pk, s, n);
}

/* msg_encode - the msgpack bytes of a message */
void *
msg_encode(const msg_t *self, size_t *len)
{
    const struct schema *sc = &schemas[self->type];
    msgpack_sbuffer sb;
    msgpack_packer pk;
    size_t  i, j;

    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 2 + sc->n);
    pack_str(&pk, "v");
    msgpack_pack_int64(&pk, MSG_VERSION);
    pack_str(&pk, "type");
    pack_str(&pk, type_names[self->type]);
    for (i = 0; i < sc->n; i++) {
        const struct field *f = &sc->fields[i];

        pack_str(&pk, f->key);
        switch (f->kind) {
        case F_STR:
            pack_str(&pk, *FIELD(self, f, char *));
            break;
        case F_INT:
            msgpack_pack_int64(&pk, *FIELD(self, f, int64_t));
            break;
        case F_BOOL:
            if (*FIELD(self, f, bool))
                msgpack_pack_true(&pk);
            else
                msgpack_pack_false(&pk);
            break;
        case F_ORDER:
            if (self->order == NULL)
                msgpack_pack_nil(&pk);
            else
                order_pack(self->order, &pk);
            break;
        case F_MATCH:
            if (self->match == NULL)
                msgpack_pack_nil(&pk);
            else
                match_pack(self->match, &pk);
            break;
        case F_ARGS:
            msgpack_pack_array(&pk, self->nargs);
            for (j = 0; j < self->nargs; j++)
                pack_str(&pk, self->args[j]);
            break;
        }
    }
    *len = sb.size;
    return sb.data;           /* malloc'd by the sbuffer; caller frees */
}

/* str_of - a msgpack string as a new C string; NULL when not a string or too long */
static char *
str_of(const msgpack_object *o)
{
    if (o->type != MSGPACK_OBJECT_STR || o->via.str.size > LIMIT_MESSAGE_STRING_BYTES)
        return NULL;
    if (memchr(o->via.str.ptr, 0, o->via.str.size) != NULL)
        return NULL;
    return xstrndup(o->via.str.ptr, o->via.str.size);
}

/* key_is - whether a msgpack key equals a C string */
static bool
key_is(const msgpack_object *k, const char *s)
{
    size_t  n = strlen(s);

    return k->type == MSGPACK_OBJECT_STR && k->via.str.size == n
        && memcmp(k->via.str.ptr, s, n) == 0;
}

/* decode_field - store one value into the message; false with err */
static bool
decode_field(msg_t *self, const struct field *f, const msgpack_object *v,
             char *err, size_t errlen)
{
    const char *tname = type_names[self->type];
    char    sub[512];
    char   *s;
    uint32_t i;

    switch (f->kind) {
    case F_STR:
        if ((s = str_of(v)) == NULL) {
            snprintf(err, errlen, "%s: field \"%s\": expected a string of at most %d bytes "
                     "without NUL", tname, f->key, LIMIT_MESSAGE_STRING_BYTES);
            return false;
        }
        free(*FIELD(self, f, char *));
        *FIELD(self, f, char *) = s;
        return true;
    case F_INT:
        if (v->type == MSGPACK_OBJECT_POSITIVE_INTEGER && v->via.u64 <= INT64_MAX)
            *FIELD(self, f, int64_t) = (int64_t) v->via.u64;
        else if (v->type == MSGPACK_OBJECT_NEGATIVE_INTEGER)
            *FIELD(self, f, int64_t) = v->via.i64;
        else {
            snprintf(err, errlen, "%s: field \"%s\": expected an integer", tname, f->key);
            return false;
        }
        return true;
    case F_BOOL:
        if (v->type != MSGPACK_OBJECT_BOOLEAN) {
            snprintf(err, errlen, "%s: field \"%s\": expected true or false", tname, f->key);
            return false;
        }
        *FIELD(self, f, bool) = v->via.boolean;
        return true;
    case F_ORDER:
        order_destroy(&self->order);
        if ((self->order = order_unpack(v, sub, sizeof sub)) == NULL) {
            snprintf(err, errlen, "%s: field \"order\": %s", tname, sub);
            return false;
        }
        return true;
    case F_MATCH:
        match_destroy(&self->match);
        if ((self->match = match_unpack(v, sub, sizeof sub)) == NULL) {
            snprintf(err, errlen, "%s: field \"match\": %s", tname, sub);
            return false;
        }
        return true;
    case F_ARGS:
        if (v->type != MSGPACK_OBJECT_ARRAY || v->via.array.size > MAX_ARGS
            || self->nargs > 0) {
            snprintf(err, errlen, "%s: field \"%s\": expected one array of at most %d "
                     "strings", tname, f->key, MAX_ARGS);
            return false;
        }
        for (i = 0; i < v->via.array.size; i++) {
            if ((s = str_of(&v->via.array.ptr[i])) == NULL) {
                snprintf(err, errlen, "%s: field \"%s[%u]\": expected a string", tname,
                         f->key, i);
                return false;
            }
            msg_add_arg(self, s);
            free(s);
        }
        return true;
    }
    return false;
}

/* msg_decode - strict decoding of one frame */
msg_t *
msg_decode(const void *data, size_t len, char *err, size_t errlen)
{
    msgpack_unpacked up;
    msgpack_unpack_return ret;
    size_t  off = 0, i;
    uint32_t k;
    const msgpack_object *map;
    msg_t  *self = NULL;
    int     type = -1;
    int64_t version = -1;
    unsigned seen = 0;            /* bit per field of the type's schema */
    const struct schema *sc;

    msgpack_unpacked_init(&up);
    ret = msgpack_unpack_next(&up, data, len, &off);
    if (ret != MSGPACK_UNPACK_SUCCESS) {
        snprintf(err, errlen, "not a msgpack message (%zu bytes, %s)", len,
                 ret == MSGPACK_UNPACK_CONTINUE ? "truncated" : "malformed");
        goto fail;
    }
    if (off != len) {
        snprintf(err, errlen, "%zu bytes after the message", len - off);
        goto fail;
    }
    map = &up.data;
    if (map->type != MSGPACK_OBJECT_MAP) {
        snprintf(err, errlen, "a message must be a map");
        goto fail;
    }
    for (k = 0; k < map->via.map.size; k++) {
        const msgpack_object_kv *kv = &map->via.map.ptr[k];

        if (key_is(&kv->key, "v")) {
            if (kv->val.type != MSGPACK_OBJECT_POSITIVE_INTEGER) {
                snprintf(err, errlen, "field \"v\": expected an integer version");
                goto fail;
            }
            version = (int64_t) kv->val.via.u64;
        } else if (key_is(&kv->key, "type")) {
            for (i = 0; i < MSG_NTYPES; i++)
                if (key_is(&kv->val, type_names[i]))
                    type = (int) i;
            if (type < 0) {
                snprintf(err, errlen, "field \"type\": not a message type koppel knows");
                goto fail;
            }
        }
    }
    if (version != MSG_VERSION) {
        snprintf(err, errlen, "field \"v\": version %lld, expected %d", (long long) version,
                 MSG_VERSION);
        goto fail;
    }
    if (type < 0) {
        snprintf(err, errlen, "field \"type\" is missing");
        goto fail;
    }
    self = msg_new((msg_type_t) type);
    sc = &schemas[type];
    for (k = 0; k < map->via.map.size; k++) {
        const msgpack_object_kv *kv = &map->via.map.ptr[k];

        for (i = 0; i < sc->n; i++)
            if (key_is(&kv->key, sc->fields[i].key))
                break;
        if (i == sc->n)
            continue;                       /* unknown key: a newer peer's */
        if (seen & (1u << i)) {
            snprintf(err, errlen, "%s: field \"%s\" appears twice", type_names[type],
                     sc->fields[i].key);
            goto fail;
        }
        seen |= 1u << i;
        if (!decode_field(self, &sc->fields[i], &kv->val, err, errlen))
            goto fail;
    }
    for (i = 0; i < sc->n; i++)
        if (sc->fields[i].required && !(seen & (1u << i))) {
            snprintf(err, errlen, "%s: field \"%s\" is missing", type_names[type],
                     sc->fields[i].key);
            goto fail;
        }
    msgpack_unpacked_destroy(&up);
    return self;

fail:
    msg_destroy(&self);
    msgpack_unpacked_destroy(&up);
    return NULL;
}
