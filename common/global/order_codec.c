/*
 * NAME
 *   order_codec - the normalised order as one msgpack map
 *
 * DESCRIPTION
 *   order_pack writes, and order_unpack reads, an order_t (order.h) as one
 *   msgpack map with short, stable keys. A key's meaning never changes;
 *   a new field gets a new key, and order_unpack ignores keys it does not
 *   know, so an older daemon reads a newer daemon's orders.
 *
 *   Order map (every key is written, and required on reading):
 *     key   field                 type
 *     pf    profile               str
 *     src   source                str
 *     no    number                int
 *     st    status                str: paid | open | incomplete | cancelled
 *     mod   modified              str
 *     dt    date                  str
 *     dte   date_epoch            int (seconds since 1970, UTC)
 *     cur   currency              str: "" or three capital letters
 *     eur   eur_per_unit_e6       int
 *     piv   prices_include_vat    bool
 *     pm    payment_method        str
 *     pst   payment_status        str
 *     pr    payment_reference     str
 *     em    email                 str
 *     ph    phone                 str
 *     vn    vat_number            str
 *     coc   coc_number            str
 *     fld   fields                array of { n: name str, v: value str }
 *     bil   billing               address map
 *     hd    has_delivery          bool
 *     del   delivery              address map
 *     ln    lines                 array of { sku: str, ds: description str,
 *                                  q: quantity_e4 int, up: unit_price_e4 int,
 *                                  vr: vat_rate_e2 int32, t: total_cents int }
 *     ch    charges               array of { k: kind str (shipping | payment |
 *                                  discount), ds: description str,
 *                                  vr: vat_rate_e2 int32, a: amount_cents int }
 *     vat   vats                  array of { r: rate_e2 int32, b: base_cents int,
 *                                  a: amount_cents int }
 *     tx    total_excl_cents      int
 *     tv    total_vat_cents       int
 *     ti    total_incl_cents      int
 *   and, only for a credit note (credit.seq > 0), optional on reading:
 *     cr    credit                { s: seq int (1..), of: original str,
 *                                  f: full bool, sh: shipping bool,
 *                                  ln: array of { l: line int (index into
 *                                  lines), q: quantity_e4 int } }
 *   Address map: co company, fn first_name, ln last_name, st street,
 *     hn house_number, hna house_number_addition, pc postcode, ci city,
 *     rg region, cc country (all str).
 *
 *   Limits on reading: a string is at most LIMIT_FIELD_BYTES bytes of
 *   valid UTF-8 without NUL bytes; an array holds at most
 *   LIMIT_ORDER_ELEMENTS elements. gcfeed.c refuses the same limits.
 *
 * DIAGNOSTICS
 *   order_unpack names the field by its path in order_t words, with
 *   0-based array indexes: "order.lines[2].total: expected an integer",
 *   "order.billing.country: missing".
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "order.h"
#include "size_limits.h"
#include "xalloc.h"


/* address_keys - the address map: key, path name, field offset */
static const struct {
    const char *key;
    const char *name;
    size_t  offset;
} address_keys[] = {
    { "co", "company", offsetof(order_address_t, company) },
    { "fn", "first_name", offsetof(order_address_t, first_name) },
    { "ln", "last_name", offsetof(order_address_t, last_name) },
    { "st", "street", offsetof(order_address_t, street) },
    { "hn", "house_number", offsetof(order_address_t, house_number) },
    { "hna", "house_number_addition", offsetof(order_address_t, house_number_addition) },
    { "pc", "postcode", offsetof(order_address_t, postcode) },
    { "ci", "city", offsetof(order_address_t, city) },
    { "rg", "region", offsetof(order_address_t, region) },
    { "cc", "country", offsetof(order_address_t, country) },
};

/* string_keys - the order's top-level strings: key, path name, field offset */
static const struct {
    const char *key;
    const char *name;
    size_t  offset;
} string_keys[] = {
    { "pf", "profile", offsetof(order_t, profile) },
    { "src", "source", offsetof(order_t, source) },
    { "mod", "modified", offsetof(order_t, modified) },
    { "dt", "date", offsetof(order_t, date) },
    { "pm", "payment_method", offsetof(order_t, payment_method) },
    { "pst", "payment_status", offsetof(order_t, payment_status) },
    { "pr", "payment_reference", offsetof(order_t, payment_reference) },
    { "em", "email", offsetof(order_t, email) },
    { "ph", "phone", offsetof(order_t, phone) },
    { "vn", "vat_number", offsetof(order_t, vat_number) },
    { "coc", "coc_number", offsetof(order_t, coc_number) },
};

#define NELEM(a) (sizeof (a) / sizeof *(a))

/*
 * Packing.
 */

/* pack_key - a map key */
static void
pack_key(msgpack_packer *pk, const char *key)
{
    msgpack_pack_str_with_body(pk, key, strlen(key));
}

/* pack_str - key and string value */
static void
pack_str(msgpack_packer *pk, const char *key, const char *value)
{
    pack_key(pk, key);
    msgpack_pack_str_with_body(pk, value, strlen(value));
}

/* pack_int - key and integer value */
static void
pack_int(msgpack_packer *pk, const char *key, int64_t value)
{
    pack_key(pk, key);
    msgpack_pack_int64(pk, value);
}

/* pack_bool - key and boolean value */
static void
pack_bool(msgpack_packer *pk, const char *key, bool value)
{
    pack_key(pk, key);
    if (value)
        msgpack_pack_true(pk);
    else
        msgpack_pack_false(pk);
}

/* pack_address - key and address map */
static void
pack_address(msgpack_packer *pk, const char *key, const order_address_t *a)
{
    size_t  i;

    pack_key(pk, key);
    msgpack_pack_map(pk, NELEM(address_keys));
    for (i = 0; i < NELEM(address_keys); i++)
        pack_str(pk, address_keys[i].key,
                 *(char *const *) ((const char *) a + address_keys[i].offset));
}

/* pack_credit - what a credit note refunds */
static void
pack_credit(msgpack_packer *pk, const order_credit_t *c)
{
    size_t  i;

    pack_key(pk, "cr");
    msgpack_pack_map(pk, 5);
    pack_int(pk, "s", c->seq);
    pack_str(pk, "of", c->original);
    pack_bool(pk, "f", c->full);
    pack_bool(pk, "sh", c->shipping);
    pack_key(pk, "ln");
    msgpack_pack_array(pk, c->nlines);
    for (i = 0; i < c->nlines; i++) {
        msgpack_pack_map(pk, 2);
        pack_int(pk, "l", (int64_t) c->lines[i].line);
        pack_int(pk, "q", c->lines[i].quantity_e4);
    }
}

/* order_pack - write the order as one msgpack map */
void
order_pack(const order_t *self, msgpack_packer *pk)
{
    size_t  i;

    /* + the keys below, and cr for a credit note */
    msgpack_pack_map(pk, NELEM(string_keys) + 16 + (order_is_credit(self) ? 1 : 0));
    for (i = 0; i < NELEM(string_keys); i++)
        pack_str(pk, string_keys[i].key,
                 *(char *const *) ((const char *) self + string_keys[i].offset));
    pack_int(pk, "no", self->number);
    pack_str(pk, "st", order_status_name(self->status));
    pack_int(pk, "dte", (int64_t) self->date_epoch);
    pack_key(pk, "cur");
    msgpack_pack_str_with_body(pk, self->currency, strnlen(self->currency, 3));
    pack_int(pk, "eur", self->eur_per_unit_e6);
    pack_bool(pk, "piv", self->prices_include_vat);

    pack_key(pk, "fld");
    msgpack_pack_array(pk, self->nfields);
    for (i = 0; i < self->nfields; i++) {
        msgpack_pack_map(pk, 2);
        pack_str(pk, "n", self->fields[i].name);
        pack_str(pk, "v", self->fields[i].value);
    }
    pack_address(pk, "bil", &self->billing);
    pack_bool(pk, "hd", self->has_delivery);
    pack_address(pk, "del", &self->delivery);

    pack_key(pk, "ln");
    msgpack_pack_array(pk, self->nlines);
    for (i = 0; i < self->nlines; i++) {
        const order_line_t *l = &self->lines[i];

        msgpack_pack_map(pk, 6);
        pack_str(pk, "sku", l->sku);
        pack_str(pk, "ds", l->description);
        pack_int(pk, "q", l->quantity_e4);
        pack_int(pk, "up", l->unit_price_e4);
        pack_int(pk, "vr", l->vat_rate_e2);
        pack_int(pk, "t", l->total_cents);
    }
    pack_key(pk, "ch");
    msgpack_pack_array(pk, self->ncharges);
    for (i = 0; i < self->ncharges; i++) {
        const order_charge_t *c = &self->charges[i];

        msgpack_pack_map(pk, 4);
        pack_str(pk, "k", order_charge_kind_name(c->kind));
        pack_str(pk, "ds", c->description);
        pack_int(pk, "vr", c->vat_rate_e2);
        pack_int(pk, "a", c->amount_cents);
    }
    pack_key(pk, "vat");
    msgpack_pack_array(pk, self->nvats);
    for (i = 0; i < self->nvats; i++) {
        msgpack_pack_map(pk, 3);
        pack_int(pk, "r", self->vats[i].rate_e2);
        pack_int(pk, "b", self->vats[i].base_cents);
        pack_int(pk, "a", self->vats[i].amount_cents);
    }
    pack_int(pk, "tx", self->total_excl_cents);
    pack_int(pk, "tv", self->total_vat_cents);
    pack_int(pk, "ti", self->total_incl_cents);
    if (order_is_credit(self))
        pack_credit(pk, &self->credit);
}

/*
 * Unpacking.
 */

/* unpacker_t - where order_unpack writes its error */
typedef struct {
    char   *err;
    size_t  errlen;
} unpacker_t;

/* fail - write "path.name: message"; always false */
static bool __attribute__((format(printf, 4, 5)))
fail(unpacker_t *u, const char *path, const char *name, const char *fmt, ...)
{
    char    msg[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (name != NULL)
        snprintf(u->err, u->errlen, "%s.%s: %s", path, name, msg);
    else
        snprintf(u->err, u->errlen, "%s: %s", path, msg);
    return false;
}

/* find - the value of key in a map, or NULL; non-string keys are skipped */
static const msgpack_object *
find(const msgpack_object *map, const char *key)
{
    size_t  klen = strlen(key);
    uint32_t i;

    for (i = 0; i < map->via.map.size; i++) {
        const msgpack_object *k = &map->via.map.ptr[i].key;

        if (k->type == MSGPACK_OBJECT_STR && k->via.str.size == klen
            && memcmp(k->via.str.ptr, key, klen) == 0)
            return &map->via.map.ptr[i].val;
    }
    return NULL;
}

/* need - the value of a required key */
static const msgpack_object *
need(unpacker_t *u, const msgpack_object *map, const char *key, const char *path,
     const char *name)
{
    const msgpack_object *v = find(map, key);

    if (v == NULL)
        fail(u, path, name, "missing");
    return v;
}

/* get_str - a required string, replacing *field */
static bool
get_str(unpacker_t *u, const msgpack_object *map, const char *key, const char *path,
        const char *name, char **field)
{
    const msgpack_object *v = need(u, map, key, path, name);
    const utf8proc_uint8_t *p;
    utf8proc_ssize_t left, n;
    utf8proc_int32_t cp;

    if (v == NULL)
        return false;
    if (v->type != MSGPACK_OBJECT_STR)
        return fail(u, path, name, "expected a string");
    if (v->via.str.size > LIMIT_FIELD_BYTES)
        return fail(u, path, name, "string of %u bytes is longer than %d",
                    (unsigned) v->via.str.size, LIMIT_FIELD_BYTES);
    if (memchr(v->via.str.ptr, '\0', v->via.str.size) != NULL)
        return fail(u, path, name, "string holds a NUL byte");
    p = (const utf8proc_uint8_t *) v->via.str.ptr;
    for (left = (utf8proc_ssize_t) v->via.str.size; left > 0; left -= n, p += n)
        if ((n = utf8proc_iterate(p, left, &cp)) <= 0)
            return fail(u, path, name, "string is not valid UTF-8");
    free(*field);
    *field = xstrndup(v->via.str.ptr, v->via.str.size);
    return true;
}

/* get_int - a required integer within min..max */
static bool
get_int(unpacker_t *u, const msgpack_object *map, const char *key, const char *path,
        const char *name, int64_t min, int64_t max, int64_t *out)
{
    const msgpack_object *v = need(u, map, key, path, name);
    int64_t n;

    if (v == NULL)
        return false;
    if (v->type == MSGPACK_OBJECT_POSITIVE_INTEGER) {
        if (v->via.u64 > (uint64_t) INT64_MAX)
            return fail(u, path, name, "integer out of range");
        n = (int64_t) v->via.u64;
    } else if (v->type == MSGPACK_OBJECT_NEGATIVE_INTEGER) {
        n = v->via.i64;
    } else {
        return fail(u, path, name, "expected an integer");
    }
    if (n < min || n > max)
        return fail(u, path, name, "integer %lld out of range", (long long) n);
    *out = n;
    return true;
}

/* get_int32 - a required integer that fits int32_t */
static bool
get_int32(unpacker_t *u, const msgpack_object *map, const char *key, const char *path,
          const char *name, int32_t *out)
{
    int64_t v;

    if (!get_int(u, map, key, path, name, INT32_MIN, INT32_MAX, &v))
        return false;
    *out = (int32_t) v;
    return true;
}

/* get_bool - a required boolean */
static bool
get_bool(unpacker_t *u, const msgpack_object *map, const char *key, const char *path,
         const char *name, bool *out)
{
    const msgpack_object *v = need(u, map, key, path, name);

    if (v == NULL)
        return false;
    if (v->type != MSGPACK_OBJECT_BOOLEAN)
        return fail(u, path, name, "expected true or false");
    *out = v->via.boolean;
    return true;
}

/* get_typed - a required value of one container type */
static const msgpack_object *
get_typed(unpacker_t *u, const msgpack_object *map, const char *key, const char *path,
          const char *name, msgpack_object_type type)
{
    const msgpack_object *v = need(u, map, key, path, name);

    if (v == NULL)
        return NULL;
    if (type == MSGPACK_OBJECT_MAP && v->type != MSGPACK_OBJECT_MAP) {
        fail(u, path, name, "expected a map");
        return NULL;
    }
    if (type == MSGPACK_OBJECT_ARRAY) {
        if (v->type != MSGPACK_OBJECT_ARRAY) {
            fail(u, path, name, "expected an array");
            return NULL;
        }
        if (v->via.array.size > LIMIT_ORDER_ELEMENTS) {
            fail(u, path, name, "array of %u elements is longer than %d",
                 (unsigned) v->via.array.size, LIMIT_ORDER_ELEMENTS);
            return NULL;
        }
    }
    return v;
}

/* get_name - a required string that must be one of names; its index */
static bool
get_name(unpacker_t *u, const msgpack_object *map, const char *key, const char *path,
         const char *name, const char *(*name_of)(int), int count, int *out)
{
    char   *s = xstrdup("");
    int     i;

    if (!get_str(u, map, key, path, name, &s)) {
        free(s);
        return false;
    }
    for (i = 0; i < count; i++)
        if (strcmp(s, name_of(i)) == 0)
            break;
    if (i == count) {
        fail(u, path, name, "unknown value \"%.40s\"", s);
        free(s);
        return false;
    }
    free(s);
    *out = i;
    return true;
}

/* status_name, kind_name - adapters for get_name */
static const char *
status_name(int i)
{
    return order_status_name((order_status_t) i);
}

static const char *
kind_name(int i)
{
    return order_charge_kind_name((order_charge_kind_t) i);
}

/* element - array element i, which must be a map; its path in buf */
static const msgpack_object *
element(unpacker_t *u, const msgpack_object *array, uint32_t i, const char *name,
        char *buf, size_t len)
{
    const msgpack_object *e = &array->via.array.ptr[i];

    snprintf(buf, len, "order.%s[%u]", name, (unsigned) i);
    if (e->type != MSGPACK_OBJECT_MAP) {
        fail(u, buf, NULL, "expected a map");
        return NULL;
    }
    return e;
}

/* unpack_address - an address map */
static bool
unpack_address(unpacker_t *u, const msgpack_object *map, const char *key,
               const char *name, order_address_t *a)
{
    const msgpack_object *m = get_typed(u, map, key, "order", name, MSGPACK_OBJECT_MAP);
    char    path[64];
    size_t  i;

    if (m == NULL)
        return false;
    snprintf(path, sizeof path, "order.%s", name);
    for (i = 0; i < NELEM(address_keys); i++)
        if (!get_str(u, m, address_keys[i].key, path, address_keys[i].name,
                     (char **) ((char *) a + address_keys[i].offset)))
            return false;
    return true;
}

/* unpack_lists - fields, lines, charges and VAT figures */
static bool
unpack_lists(unpacker_t *u, const msgpack_object *map, order_t *o)
{
    const msgpack_object *arr, *e;
    char    path[64];
    int     kind;
    uint32_t i;

    if ((arr = get_typed(u, map, "fld", "order", "fields", MSGPACK_OBJECT_ARRAY)) == NULL)
        return false;
    for (i = 0; i < arr->via.array.size; i++) {
        order_field_t *f;

        if ((e = element(u, arr, i, "fields", path, sizeof path)) == NULL)
            return false;
        f = order_add_field(o);
        if (!get_str(u, e, "n", path, "name", &f->name)
            || !get_str(u, e, "v", path, "value", &f->value))
            return false;
    }
    if ((arr = get_typed(u, map, "ln", "order", "lines", MSGPACK_OBJECT_ARRAY)) == NULL)
        return false;
    for (i = 0; i < arr->via.array.size; i++) {
        order_line_t *l;

        if ((e = element(u, arr, i, "lines", path, sizeof path)) == NULL)
            return false;
        l = order_add_line(o);
        if (!get_str(u, e, "sku", path, "sku", &l->sku)
            || !get_str(u, e, "ds", path, "description", &l->description)
            || !get_int(u, e, "q", path, "quantity", INT64_MIN, INT64_MAX, &l->quantity_e4)
            || !get_int(u, e, "up", path, "unit_price", INT64_MIN, INT64_MAX,
                        &l->unit_price_e4)
            || !get_int32(u, e, "vr", path, "vat_rate", &l->vat_rate_e2)
            || !get_int(u, e, "t", path, "total", INT64_MIN, INT64_MAX, &l->total_cents))
            return false;
    }
    if ((arr = get_typed(u, map, "ch", "order", "charges", MSGPACK_OBJECT_ARRAY)) == NULL)
        return false;
    for (i = 0; i < arr->via.array.size; i++) {
        order_charge_t *c;

        if ((e = element(u, arr, i, "charges", path, sizeof path)) == NULL)
            return false;
        c = order_add_charge(o);
        if (!get_name(u, e, "k", path, "kind", kind_name, 3, &kind)
            || !get_str(u, e, "ds", path, "description", &c->description)
            || !get_int32(u, e, "vr", path, "vat_rate", &c->vat_rate_e2)
            || !get_int(u, e, "a", path, "amount", INT64_MIN, INT64_MAX, &c->amount_cents))
            return false;
        c->kind = (order_charge_kind_t) kind;
    }
    if ((arr = get_typed(u, map, "vat", "order", "vats", MSGPACK_OBJECT_ARRAY)) == NULL)
        return false;
    for (i = 0; i < arr->via.array.size; i++) {
        order_vat_t *vat;

        if ((e = element(u, arr, i, "vats", path, sizeof path)) == NULL)
            return false;
        vat = order_add_vat(o);
        if (!get_int32(u, e, "r", path, "rate", &vat->rate_e2)
            || !get_int(u, e, "b", path, "base", INT64_MIN, INT64_MAX, &vat->base_cents)
            || !get_int(u, e, "a", path, "amount", INT64_MIN, INT64_MAX,
                        &vat->amount_cents))
            return false;
    }
    return true;
}

/* unpack_credit - the credit note's map, when there is one: its refunded
 * lines must be lines of the order */
static bool
unpack_credit(unpacker_t *u, const msgpack_object *map, order_t *o)
{
    const msgpack_object *m, *arr, *e;
    order_credit_t *c = &o->credit;
    char    path[64];
    int64_t v;
    uint32_t i;

    if (find(map, "cr") == NULL)
        return true;
    if ((m = get_typed(u, map, "cr", "order", "credit", MSGPACK_OBJECT_MAP)) == NULL
        || !get_int(u, m, "s", "order.credit", "seq", 1, INT32_MAX, &v)
        || !get_str(u, m, "of", "order.credit", "original", &c->original)
        || !get_bool(u, m, "f", "order.credit", "full", &c->full)
        || !get_bool(u, m, "sh", "order.credit", "shipping", &c->shipping)
        || (arr = get_typed(u, m, "ln", "order.credit", "lines", MSGPACK_OBJECT_ARRAY)) == NULL)
        return false;
    c->seq = (int32_t) v;
    for (i = 0; i < arr->via.array.size; i++) {
        order_refund_line_t *l;
        int64_t line;

        if ((e = element(u, arr, i, "credit.lines", path, sizeof path)) == NULL)
            return false;
        l = order_add_refund_line(o);
        if (!get_int(u, e, "l", path, "line", 0, (int64_t) o->nlines - 1, &line)
            || !get_int(u, e, "q", path, "quantity", 1, INT64_MAX, &l->quantity_e4))
            return false;
        l->line = (size_t) line;
    }
    return true;
}

/* unpack_order - every key of the order map into o */
static bool
unpack_order(unpacker_t *u, const msgpack_object *map, order_t *o)
{
    char   *cur;
    int64_t v;
    int     status;
    size_t  i, n;

    if (map == NULL || map->type != MSGPACK_OBJECT_MAP)
        return fail(u, "order", NULL, "expected a map");
    for (i = 0; i < NELEM(string_keys); i++)
        if (!get_str(u, map, string_keys[i].key, "order", string_keys[i].name,
                     (char **) ((char *) o + string_keys[i].offset)))
            return false;
    if (!get_int(u, map, "no", "order", "number", INT64_MIN, INT64_MAX, &o->number)
        || !get_name(u, map, "st", "order", "status", status_name, 4, &status)
        || !get_int(u, map, "dte", "order", "date_epoch", INT64_MIN, INT64_MAX, &v))
        return false;
    o->status = (order_status_t) status;
    o->date_epoch = (time_t) v;

    cur = xstrdup("");
    if (!get_str(u, map, "cur", "order", "currency", &cur)) {
        free(cur);
        return false;
    }
    n = strlen(cur);
    if (n != 0 && (n != 3 || strspn(cur, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 3)) {
        fail(u, "order", "currency", "expected \"\" or three capital letters");
        free(cur);
        return false;
    }
    memcpy(o->currency, cur, n + 1);
    free(cur);

    return get_int(u, map, "eur", "order", "eur_per_unit", INT64_MIN, INT64_MAX,
                   &o->eur_per_unit_e6)
        && get_bool(u, map, "piv", "order", "prices_include_vat", &o->prices_include_vat)
        && unpack_address(u, map, "bil", "billing", &o->billing)
        && get_bool(u, map, "hd", "order", "has_delivery", &o->has_delivery)
        && unpack_address(u, map, "del", "delivery", &o->delivery)
        && unpack_lists(u, map, o)
        && get_int(u, map, "tx", "order", "total_excl", INT64_MIN, INT64_MAX,
                   &o->total_excl_cents)
        && get_int(u, map, "tv", "order", "total_vat", INT64_MIN, INT64_MAX,
                   &o->total_vat_cents)
        && get_int(u, map, "ti", "order", "total_incl", INT64_MIN, INT64_MAX,
                   &o->total_incl_cents)
        && unpack_credit(u, map, o);
}

/* order_unpack - read an order from a msgpack map, strictly */
order_t *
order_unpack(const msgpack_object *obj, char *err, size_t errlen)
{
    char    dummy[1];
    unpacker_t u = { err, errlen };
    order_t *o;

    if (err == NULL || errlen == 0) {
        u.err = dummy;
        u.errlen = sizeof dummy;
    }
    u.err[0] = '\0';
    o = order_new();
    if (!unpack_order(&u, obj, o))
        order_destroy(&o);
    return o;
}
