/*
 * NAME
 *   test_order_codec - unit tests of order_pack / order_unpack
 *
 * DESCRIPTION
 *   Orders read from the contract's examples (via gcfeed) and built by hand
 *   travel through msgpack and must come back field for field. Strictness
 *   is tested by editing the unpacked msgpack object tree of a valid order;
 *   robustness by truncated, mutated and random bytes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "gcfeed.h"
#include "order.h"
#include "xalloc.h"

#define EXAMPLES "../shared/reference/globecharge-examples/"

/*
 * msgpack_unpack_next allocates what a container header declares before it
 * sees the elements: 5 garbage bytes can ask for 64 GB. Without a sanitizer
 * that malloc fails and msgpack answers MSGPACK_UNPACK_NOMEM_ERROR; let
 * AddressSanitizer return NULL the same way instead of aborting.
 */
const char *__asan_default_options(void);

const char *
__asan_default_options(void)
{
    return "allocator_may_return_null=1";
}
#define FIXTURES "tests/fixtures/feed/"

/* slurp - a whole file in new memory; NULL when absent */
static char *
slurp(const char *path, size_t *len)
{
    FILE   *fp = fopen(path, "rb");
    char   *buf;
    long    n;

    if (fp == NULL)
        return NULL;
    assert_int_equal(fseek(fp, 0, SEEK_END), 0);
    n = ftell(fp);
    rewind(fp);
    buf = xmalloc((size_t) n + 1);
    assert_int_equal(fread(buf, 1, (size_t) n, fp), (size_t) n);
    buf[n] = '\0';
    fclose(fp);
    *len = (size_t) n;
    return buf;
}

/* feed_page - parse an example (reference, else fixture copy) */
static order_page_t *
feed_page(const char *name)
{
    char    path[256];
    char    err[256] = "";
    size_t  len = 0;
    char   *doc;
    order_page_t *page;

    snprintf(path, sizeof path, EXAMPLES "%s", name);
    if ((doc = slurp(path, &len)) == NULL) {
        snprintf(path, sizeof path, FIXTURES "%s", name);
        doc = slurp(path, &len);
    }
    assert_non_null(doc);
    page = gcfeed_parse(doc, len, name, err, sizeof err);
    free(doc);
    if (page == NULL)
        fail_msg("%s", err);
    return page;
}

/* assert_address_equal - every address field */
static void
assert_address_equal(const order_address_t *a, const order_address_t *b)
{
    assert_string_equal(a->company, b->company);
    assert_string_equal(a->first_name, b->first_name);
    assert_string_equal(a->last_name, b->last_name);
    assert_string_equal(a->street, b->street);
    assert_string_equal(a->house_number, b->house_number);
    assert_string_equal(a->house_number_addition, b->house_number_addition);
    assert_string_equal(a->postcode, b->postcode);
    assert_string_equal(a->city, b->city);
    assert_string_equal(a->region, b->region);
    assert_string_equal(a->country, b->country);
}

/* assert_order_equal - every field of two orders */
static void
assert_order_equal(const order_t *a, const order_t *b)
{
    size_t  i;

    assert_string_equal(a->profile, b->profile);
    assert_string_equal(a->source, b->source);
    assert_true(a->number == b->number);
    assert_int_equal(a->status, b->status);
    assert_string_equal(a->modified, b->modified);
    assert_string_equal(a->date, b->date);
    assert_true(a->date_epoch == b->date_epoch);
    assert_string_equal(a->currency, b->currency);
    assert_true(a->eur_per_unit_e6 == b->eur_per_unit_e6);
    assert_int_equal(a->prices_include_vat, b->prices_include_vat);
    assert_string_equal(a->payment_method, b->payment_method);
    assert_string_equal(a->payment_status, b->payment_status);
    assert_string_equal(a->payment_reference, b->payment_reference);
    assert_string_equal(a->email, b->email);
    assert_string_equal(a->phone, b->phone);
    assert_string_equal(a->vat_number, b->vat_number);
    assert_string_equal(a->coc_number, b->coc_number);
    assert_int_equal(a->nfields, b->nfields);
    for (i = 0; i < a->nfields; i++) {
        assert_string_equal(a->fields[i].name, b->fields[i].name);
        assert_string_equal(a->fields[i].value, b->fields[i].value);
    }
    assert_address_equal(&a->billing, &b->billing);
    assert_int_equal(a->has_delivery, b->has_delivery);
    assert_address_equal(&a->delivery, &b->delivery);
    assert_int_equal(a->nlines, b->nlines);
    for (i = 0; i < a->nlines; i++) {
        assert_string_equal(a->lines[i].sku, b->lines[i].sku);
        assert_string_equal(a->lines[i].description, b->lines[i].description);
        assert_true(a->lines[i].quantity_e4 == b->lines[i].quantity_e4);
        assert_true(a->lines[i].unit_price_e4 == b->lines[i].unit_price_e4);
        assert_int_equal(a->lines[i].vat_rate_e2, b->lines[i].vat_rate_e2);
        assert_true(a->lines[i].total_cents == b->lines[i].total_cents);
    }
    assert_int_equal(a->ncharges, b->ncharges);
    for (i = 0; i < a->ncharges; i++) {
        assert_int_equal(a->charges[i].kind, b->charges[i].kind);
        assert_string_equal(a->charges[i].description, b->charges[i].description);
        assert_int_equal(a->charges[i].vat_rate_e2, b->charges[i].vat_rate_e2);
        assert_true(a->charges[i].amount_cents == b->charges[i].amount_cents);
    }
    assert_int_equal(a->nvats, b->nvats);
    for (i = 0; i < a->nvats; i++) {
        assert_int_equal(a->vats[i].rate_e2, b->vats[i].rate_e2);
        assert_true(a->vats[i].base_cents == b->vats[i].base_cents);
        assert_true(a->vats[i].amount_cents == b->vats[i].amount_cents);
    }
    assert_true(a->total_excl_cents == b->total_excl_cents);
    assert_true(a->total_vat_cents == b->total_vat_cents);
    assert_true(a->total_incl_cents == b->total_incl_cents);
}

/* pack - an order into a new sbuffer */
static msgpack_sbuffer *
pack(const order_t *o)
{
    msgpack_sbuffer *sb = msgpack_sbuffer_new();
    msgpack_packer pk;

    msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
    order_pack(o, &pk);
    return sb;
}

/* round_trip - pack, unpack the bytes, order_unpack; the copy */
static order_t *
round_trip(const order_t *o)
{
    msgpack_sbuffer *sb = pack(o);
    msgpack_unpacked up;
    size_t  off = 0;
    char    err[256] = "";
    order_t *copy;

    msgpack_unpacked_init(&up);
    assert_int_equal(msgpack_unpack_next(&up, sb->data, sb->size, &off),
                     MSGPACK_UNPACK_SUCCESS);
    assert_int_equal(off, sb->size);            /* one object, nothing left over */
    copy = order_unpack(&up.data, err, sizeof err);
    if (copy == NULL)
        fail_msg("order_unpack: %s", err);
    assert_string_equal(err, "");
    msgpack_unpacked_destroy(&up);
    msgpack_sbuffer_free(sb);
    return copy;
}

/* hand_order - an order using every field, with extreme values */
static order_t *
hand_order(void)
{
    order_t *o = order_new();
    order_line_t *l;
    order_charge_t *c;
    order_vat_t *v;
    order_field_t *f;
    int     i;

    order_set(&o->profile, "winkel-1");
    order_set(&o->source, "woocommerce");
    o->number = INT64_MAX;
    o->status = ORDER_CANCELLED;
    order_set(&o->modified, "2026-11-02T13:35:00Z");
    order_set(&o->date, "2026-11-02T14:31:07+01:00");
    o->date_epoch = -1;
    memcpy(o->currency, "USD", 4);
    o->eur_per_unit_e6 = 921300;
    o->prices_include_vat = false;
    order_set(&o->payment_method, "PayPal");
    order_set(&o->payment_status, "open");
    order_set(&o->payment_reference, "PP-\xe2\x82\xac-1");
    order_set(&o->email, "a@b.example");
    order_set(&o->phone, "+1 555");
    order_set(&o->vat_number, "NL 0012.34567.B01");
    order_set(&o->coc_number, "1234");
    f = order_add_field(o);
    order_set(&f->name, " klantNummer ");
    order_set(&f->value, "K-9");
    f = order_add_field(o);
    order_set(&f->name, "Opmerking");
    order_set(&o->billing.company, "Taquer\xc3\xad" "a M\xc3\xbcller");
    order_set(&o->billing.country, "DE");
    order_set(&o->billing.region, "BW");
    o->has_delivery = true;
    order_set(&o->delivery.street, "Havenlaan");
    order_set(&o->delivery.house_number_addition, "bis");
    order_set(&o->delivery.country, "BE");
    for (i = 0; i < 3; i++) {
        l = order_add_line(o);
        order_set(&l->sku, i == 0 ? "" : "SKU");
        order_set(&l->description, "x");
        l->quantity_e4 = i == 0 ? -15000 : 15000;
        l->unit_price_e4 = INT64_MIN;
        l->vat_rate_e2 = i == 2 ? INT32_MAX : 550;
        l->total_cents = i == 1 ? INT64_MAX : -1;
    }
    c = order_add_charge(o);
    c->kind = CHARGE_DISCOUNT;
    c->amount_cents = -65;
    c->vat_rate_e2 = 900;
    c = order_add_charge(o);
    c->kind = CHARGE_PAYMENT;
    order_set(&c->description, "kosten");
    c = order_add_charge(o);
    c->kind = CHARGE_SHIPPING;
    v = order_add_vat(o);
    v->rate_e2 = 2100;
    v->base_cents = -1338;
    v->amount_cents = INT64_MIN;
    o->total_excl_cents = 1;
    o->total_vat_cents = 0;
    o->total_incl_cents = -1;
    return o;
}

/* example_orders_round_trip_field_for_field - both example documents */
static void
example_orders_round_trip_field_for_field(void **state)
{
    static const char *docs[] = { "order-10423.xml", "orders-10423-10431.xml",
                                  "order-10440-latin1.xml" };
    size_t  d, i, n = 0;

    for (d = 0; d < sizeof docs / sizeof *docs; d++) {
        order_page_t *page = feed_page(docs[d]);

        for (i = 0; i < page->nitems; i++) {
            order_t *o = page->items[i].order;
            order_t *copy;

            assert_non_null(o);
            order_set(&o->profile, "webshop");
            copy = round_trip(o);
            assert_order_equal(o, copy);
            assert_int_equal(copy->number, page->items[i].number);
            order_destroy(&copy);
            n++;
        }
        order_page_destroy(&page);
    }
    assert_int_equal(n, 5);
}

/* every_field_and_extreme_value_round_trips - built by hand */
static void
every_field_and_extreme_value_round_trips(void **state)
{
    order_t *o = hand_order();
    order_t *copy = round_trip(o);

    assert_order_equal(o, copy);
    assert_string_equal(copy->delivery.house_number_addition, "bis");
    assert_true(copy->lines[0].unit_price_e4 == INT64_MIN);
    order_destroy(&copy);
    order_destroy(&o);
    o = order_new();                    /* an empty order too */
    copy = round_trip(o);
    assert_order_equal(o, copy);
    assert_string_equal(copy->currency, "");
    order_destroy(&copy);
    order_destroy(&o);
}


/* a_credit_note_round_trips_with_what_it_refunds - and an order carries
 * no credit key at all */
static void
a_credit_note_round_trips_with_what_it_refunds(void **state)
{
    order_t *o = hand_order(), *copy;
    order_refund_line_t *l;
    msgpack_sbuffer *sb;
    msgpack_unpacked up;
    size_t  off = 0;
    char    err[256];

    copy = round_trip(o);
    assert_false(order_is_credit(copy));
    assert_string_equal(copy->credit.original, "");
    order_destroy(&copy);
    o->credit.seq = 2;
    order_set(&o->credit.original, "W10431");
    o->credit.shipping = true;
    l = order_add_refund_line(o);
    l->line = o->nlines - 1;
    l->quantity_e4 = 15000;
    copy = round_trip(o);
    assert_order_equal(o, copy);
    assert_int_equal(copy->credit.seq, 2);
    assert_string_equal(copy->credit.original, "W10431");
    assert_false(copy->credit.full);
    assert_true(copy->credit.shipping);
    assert_int_equal(copy->credit.nlines, 1);
    assert_int_equal(copy->credit.lines[0].line, o->nlines - 1);
    assert_int_equal(copy->credit.lines[0].quantity_e4, 15000);
    order_destroy(&copy);
    /* a refunded line the order does not have is refused, naming it */
    o->credit.lines[0].line = o->nlines;
    sb = pack(o);
    msgpack_unpacked_init(&up);
    assert_int_equal(msgpack_unpack_next(&up, sb->data, sb->size, &off), MSGPACK_UNPACK_SUCCESS);
    assert_null(order_unpack(&up.data, err, sizeof err));
    assert_non_null(strstr(err, "order.credit.lines[0].line: integer"));
    msgpack_unpacked_destroy(&up);
    msgpack_sbuffer_free(sb);
    order_destroy(&o);
}

/*
 * Strictness: edit the object tree of a valid order.
 */

typedef struct {
    msgpack_sbuffer *sb;
    msgpack_unpacked up;
} packed_t;

/* packed_new - the hand order packed and unpacked into an object tree */
static packed_t *
packed_new(void)
{
    packed_t *p = xcalloc(1, sizeof *p);
    order_t *o = hand_order();
    size_t  off = 0;

    p->sb = pack(o);
    order_destroy(&o);
    msgpack_unpacked_init(&p->up);
    assert_int_equal(msgpack_unpack_next(&p->up, p->sb->data, p->sb->size, &off),
                     MSGPACK_UNPACK_SUCCESS);
    return p;
}

/* packed_destroy - free a packed_t */
static void
packed_destroy(packed_t **p)
{
    msgpack_unpacked_destroy(&(*p)->up);
    msgpack_sbuffer_free((*p)->sb);
    free(*p);
    *p = NULL;
}

/* pair - the key/value pair of key in a map object */
static msgpack_object_kv *
pair(msgpack_object *map, const char *key)
{
    uint32_t i;

    assert_int_equal(map->type, MSGPACK_OBJECT_MAP);
    for (i = 0; i < map->via.map.size; i++) {
        msgpack_object *k = &map->via.map.ptr[i].key;

        if (k->via.str.size == strlen(key) && memcmp(k->via.str.ptr, key, k->via.str.size) == 0)
            return &map->via.map.ptr[i];
    }
    fail_msg("no key %s", key);
    return NULL;
}

/* value - the value of key in a map object */
static msgpack_object *
value(msgpack_object *map, const char *key)
{
    return &pair(map, key)->val;
}

/* expect_error - order_unpack of the edited tree fails with exactly msg */
static void
expect_error(packed_t *p, const char *msg)
{
    char    err[256] = "";
    order_t *o = order_unpack(&p->up.data, err, sizeof err);

    assert_null(o);
    assert_string_equal(err, msg);
}

/* wrong_type_names_the_key_path - order.lines[2].total */
static void
wrong_type_names_the_key_path(void **state)
{
    packed_t *p = packed_new();
    msgpack_object *line2 = &value(&p->up.data, "ln")->via.array.ptr[2];
    msgpack_object *t = value(line2, "t");

    t->type = MSGPACK_OBJECT_STR;
    t->via.str.ptr = "6.50";
    t->via.str.size = 4;
    expect_error(p, "order.lines[2].total: expected an integer");
    packed_destroy(&p);

    p = packed_new();
    value(&p->up.data, "piv")->type = MSGPACK_OBJECT_POSITIVE_INTEGER;
    expect_error(p, "order.prices_include_vat: expected true or false");
    packed_destroy(&p);

    p = packed_new();
    value(&p->up.data, "bil")->type = MSGPACK_OBJECT_NIL;
    expect_error(p, "order.billing: expected a map");
    packed_destroy(&p);

    p = packed_new();
    value(&p->up.data, "vat")->type = MSGPACK_OBJECT_MAP;
    value(&p->up.data, "vat")->via.map.size = 0;
    expect_error(p, "order.vats: expected an array");
    packed_destroy(&p);

    p = packed_new();
    value(&p->up.data, "ch")->via.array.ptr[1].type = MSGPACK_OBJECT_NIL;
    expect_error(p, "order.charges[1]: expected a map");
    packed_destroy(&p);

    p = packed_new();
    value(value(&p->up.data, "del"), "cc")->type = MSGPACK_OBJECT_BIN;
    expect_error(p, "order.delivery.country: expected a string");
    packed_destroy(&p);
}

/* missing_key_names_the_key_path - a renamed key is a missing one */
static void
missing_key_names_the_key_path(void **state)
{
    static const struct {
        const char *outer;      /* NULL: the order map itself */
        int     index;          /* array element, or -1 */
        const char *key;
        const char *msg;
    } cases[] = {
        { NULL, -1, "no", "order.number: missing" },
        { NULL, -1, "em", "order.email: missing" },
        { NULL, -1, "ti", "order.total_incl: missing" },
        { NULL, -1, "hd", "order.has_delivery: missing" },
        { "bil", -1, "cc", "order.billing.country: missing" },
        { "ln", 1, "vr", "order.lines[1].vat_rate: missing" },
        { "ch", 0, "k", "order.charges[0].kind: missing" },
        { "vat", 0, "b", "order.vats[0].base: missing" },
        { "fld", 1, "v", "order.fields[1].value: missing" },
    };
    size_t  i;

    for (i = 0; i < sizeof cases / sizeof *cases; i++) {
        packed_t *p = packed_new();
        msgpack_object *map = &p->up.data;
        msgpack_object_kv *kv;

        if (cases[i].outer != NULL) {
            map = value(map, cases[i].outer);
            if (cases[i].index >= 0)
                map = &map->via.array.ptr[cases[i].index];
        }
        kv = pair(map, cases[i].key);
        kv->key.via.str.ptr = "zz";
        kv->key.via.str.size = 2;
        expect_error(p, cases[i].msg);
        packed_destroy(&p);
    }
}

/* bad_values_are_refused - enums, currency, ranges, UTF-8, NUL */
static void
bad_values_are_refused(void **state)
{
    packed_t *p = packed_new();
    msgpack_object *o;

    o = value(&p->up.data, "st");
    o->via.str.ptr = "shipped";
    o->via.str.size = 7;
    expect_error(p, "order.status: unknown value \"shipped\"");
    packed_destroy(&p);

    p = packed_new();
    o = value(&value(&p->up.data, "ch")->via.array.ptr[2], "k");
    o->via.str.ptr = "tip";
    o->via.str.size = 3;
    expect_error(p, "order.charges[2].kind: unknown value \"tip\"");
    packed_destroy(&p);

    p = packed_new();
    o = value(&p->up.data, "cur");
    o->via.str.ptr = "usd";
    expect_error(p, "order.currency: expected \"\" or three capital letters");
    o->via.str.ptr = "EURO";
    o->via.str.size = 4;
    expect_error(p, "order.currency: expected \"\" or three capital letters");
    packed_destroy(&p);

    p = packed_new();
    o = value(&value(&p->up.data, "ln")->via.array.ptr[0], "vr");
    o->type = MSGPACK_OBJECT_POSITIVE_INTEGER;
    o->via.u64 = (uint64_t) INT32_MAX + 1;
    expect_error(p, "order.lines[0].vat_rate: integer 2147483648 out of range");
    packed_destroy(&p);

    p = packed_new();
    o = value(&p->up.data, "no");
    o->type = MSGPACK_OBJECT_POSITIVE_INTEGER;
    o->via.u64 = (uint64_t) INT64_MAX + 1;
    expect_error(p, "order.number: integer out of range");
    packed_destroy(&p);

    p = packed_new();
    o = value(value(&p->up.data, "bil"), "co");
    o->via.str.ptr = "M\xfcller";
    o->via.str.size = 6;
    expect_error(p, "order.billing.company: string is not valid UTF-8");
    o->via.str.ptr = "a\0b";
    o->via.str.size = 3;
    expect_error(p, "order.billing.company: string holds a NUL byte");
    packed_destroy(&p);

    p = packed_new();
    p->up.data.type = MSGPACK_OBJECT_ARRAY;
    p->up.data.via.array.size = 0;
    expect_error(p, "order: expected a map");
    packed_destroy(&p);
    assert_null(order_unpack(NULL, NULL, 0));
}

/* limits_are_enforced - 64 KiB strings, 10,000 elements */
static void
limits_are_enforced(void **state)
{
    packed_t *p = packed_new();
    char   *big = xmalloc(65537);
    msgpack_object *arr = xcalloc(10001, sizeof *arr);
    msgpack_object *o;
    char    err[256];
    order_t *ord;
    size_t  i;

    memset(big, 'a', 65537);
    o = value(&p->up.data, "em");
    o->via.str.ptr = big;
    o->via.str.size = 65536;
    ord = order_unpack(&p->up.data, err, sizeof err);
    assert_non_null(ord);                       /* exactly 64 KiB is fine */
    assert_int_equal(strlen(ord->email), 65536);
    order_destroy(&ord);
    o->via.str.size = 65537;
    expect_error(p, "order.email: string of 65537 bytes is longer than 65536");
    packed_destroy(&p);

    p = packed_new();
    for (i = 0; i < 10001; i++)
        arr[i] = value(&p->up.data, "vat")->via.array.ptr[0];
    o = value(&p->up.data, "vat");
    o->via.array.ptr = arr;
    o->via.array.size = 10000;
    ord = order_unpack(&p->up.data, err, sizeof err);
    assert_non_null(ord);
    assert_int_equal(ord->nvats, 10000);
    order_destroy(&ord);
    o->via.array.size = 10001;
    expect_error(p, "order.vats: array of 10001 elements is longer than 10000");
    packed_destroy(&p);
    free(arr);
    free(big);
}

/* unknown_keys_are_ignored - a newer writer's extra keys */
static void
unknown_keys_are_ignored(void **state)
{
    packed_t *p = packed_new();
    msgpack_object *m = &p->up.data;
    uint32_t n = m->via.map.size;
    msgpack_object_kv *kv = xcalloc(n + 2, sizeof *kv);
    msgpack_object_kv *old = m->via.map.ptr;
    order_t *ord, *want = hand_order();
    char    err[256] = "";

    memcpy(kv + 1, old, n * sizeof *kv);
    kv[0].key.type = MSGPACK_OBJECT_STR;            /* a new key, before the others */
    kv[0].key.via.str.ptr = "future";
    kv[0].key.via.str.size = 6;
    kv[0].val.type = MSGPACK_OBJECT_NIL;
    kv[n + 1].key.type = MSGPACK_OBJECT_POSITIVE_INTEGER;   /* a non-string key */
    kv[n + 1].key.via.u64 = 7;
    kv[n + 1].val.type = MSGPACK_OBJECT_BOOLEAN;
    m->via.map.ptr = kv;
    m->via.map.size = n + 2;
    ord = order_unpack(m, err, sizeof err);
    assert_non_null(ord);
    assert_order_equal(ord, want);
    order_destroy(&ord);
    order_destroy(&want);
    m->via.map.ptr = old;
    m->via.map.size = n;
    free(kv);
    packed_destroy(&p);
}

/* feed_bytes - unpack every object in bytes and order_unpack it */
static size_t
feed_bytes(const char *data, size_t len)
{
    msgpack_unpacked up;
    size_t  off = 0, orders = 0;
    char    err[256];

    msgpack_unpacked_init(&up);
    while (msgpack_unpack_next(&up, data, len, &off) == MSGPACK_UNPACK_SUCCESS) {
        order_t *o;

        err[0] = '\0';
        o = order_unpack(&up.data, err, sizeof err);
        if (o != NULL)
            orders++;
        else
            assert_true(strncmp(err, "order", 5) == 0);
        order_destroy(&o);
    }
    msgpack_unpacked_destroy(&up);
    return orders;
}

/* truncated_bytes_never_give_an_order - every prefix */
static void
truncated_bytes_never_give_an_order(void **state)
{
    order_t *o = hand_order();
    msgpack_sbuffer *sb = pack(o);
    size_t  cut;

    for (cut = 0; cut < sb->size; cut++)
        assert_int_equal(feed_bytes(sb->data, cut), 0);
    assert_int_equal(feed_bytes(sb->data, sb->size), 1);
    msgpack_sbuffer_free(sb);
    order_destroy(&o);
}

/* garbage_bytes_never_crash - mutated packed orders and random bytes */
static void
garbage_bytes_never_crash(void **state)
{
    order_t *o = hand_order();
    msgpack_sbuffer *sb = pack(o);
    char   *buf = xmalloc(sb->size);
    unsigned seed = 4711;
    int     round, k;

    for (round = 0; round < 20000; round++) {
        memcpy(buf, sb->data, sb->size);
        for (k = 0; k < 1 + round % 5; k++) {
            seed = seed * 1103515245u + 12345u;
            buf[(seed >> 8) % sb->size] = (char) (seed >> 16);
        }
        feed_bytes(buf, sb->size);
    }
    for (round = 0; round < 2000; round++) {
        size_t  i, len = (size_t) (round % 200) + 1;

        for (i = 0; i < len; i++) {
            seed = seed * 1103515245u + 12345u;
            buf[i] = (char) (seed >> 16);
        }
        feed_bytes(buf, len);
    }
    free(buf);
    msgpack_sbuffer_free(sb);
    order_destroy(&o);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(example_orders_round_trip_field_for_field),
        cmocka_unit_test(every_field_and_extreme_value_round_trips),
        cmocka_unit_test(a_credit_note_round_trips_with_what_it_refunds),
        cmocka_unit_test(wrong_type_names_the_key_path),
        cmocka_unit_test(missing_key_names_the_key_path),
        cmocka_unit_test(bad_values_are_refused),
        cmocka_unit_test(limits_are_enforced),
        cmocka_unit_test(unknown_keys_are_ignored),
        cmocka_unit_test(truncated_bytes_never_give_an_order),
        cmocka_unit_test(garbage_bytes_never_crash),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
