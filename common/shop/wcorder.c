/*
 * NAME
 *   wcorder - parse WooCommerce REST API v3 orders
 *
 * DESCRIPTION
 *   See wcorder.h. The document is parsed with jansson (JSON_REJECT_DUPLICATES,
 *   amounts as the strings WooCommerce sends them); each order is read in
 *   four passes: the tax_lines (rate id -> rate), the items (line_items,
 *   shipping_lines, fee_lines, each at the rate of the tax ids in its
 *   taxes[]), the rates a shop did not send a rate_percent for (derived
 *   from tax and base), and the VAT per rate with the totals.
 *
 *   Rate of an item: the tax ids in its taxes[] whose total or subtotal is
 *   not zero; none is 0 %, one is that rate, more than one (stacked or
 *   compound taxes, as in US sales tax) is refused.
 *
 *   Totals: incl. is the order's total, VAT its total_tax (which must be the
 *   sum of the tax_lines), excl. the difference. The bases per rate are the
 *   sums of the rounded item totals; WooCommerce rounds each item, so they
 *   may miss total - total_tax by a cent per item: that difference is put on
 *   the rates with the most items, a cent per item at most. A larger one is
 *   an error.
 *
 *   Strings longer than LIMIT_FIELD_BYTES bytes and more than
 *   LIMIT_ORDER_ELEMENTS lines, charges or fields make the order invalid,
 *   the limits order_unpack (order_codec.c) refuses. A document of more
 *   than LIMIT_DOCUMENT_NODES values is refused before jansson builds it,
 *   so that its tree stays within a bound of its own (as gcfeed's).
 *
 * DIAGNOSTICS
 *   "SOURCE: not JSON: text (line N)", "order ID: path: what is wrong". A
 *   document no strict parser reads names the field nearest before the
 *   fault: "SOURCE: the field \"cart_tax\" holds a number too large to read
 *   (such as 1e400) (line 1, column 18)".
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "date.h"
#include "log.h"
#include "money.h"
#include "size_limits.h"
#include "wcorder.h"
#include "xalloc.h"

#define MAX_RATE_E2          10000

/* rate_t - one tax_lines entry */
typedef struct {
    char   *id;            /* rate_id as text */
    int32_t rate_e2;       /* -1 until known */
    int64_t tax;           /* tax_total + shipping_tax_total */
    int64_t base;          /* what is taxed at this id */
    size_t  nitems;
    size_t  index;         /* in tax_lines */
} rate_t;

/* reader_t - the order being read and its first error */
typedef struct {
    order_t *order;
    int64_t  number;       /* -1 until read */
    size_t   position;
    char    *error;
    rate_t  *rates;
    size_t   nrates;
} reader_t;

/* VAT-number and KvK-number keys of common WooCommerce plugins */
static const char *vat_keys[] = {
    "_billing_vat_number", "billing_vat_number", "_vat_number", "vat_number",
    "_billing_eu_vat_number", "_billing_vat", "billing_vat", "_billing_btw_nummer", NULL
};
static const char *coc_keys[] = {
    "_billing_coc_number", "billing_coc_number", "_billing_kvk_nummer", "billing_kvk_nummer",
    "_billing_kvk", "kvk_nummer", "_kvk_nummer", "coc_number", NULL
};

/* fail - record the order's first error; always false */
static bool __attribute__((format(printf, 2, 3)))
fail(reader_t *r, const char *fmt, ...)
{
    char    msg[1024];
    va_list ap;

    if (r->error != NULL)
        return false;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (r->number >= 0)
        r->error = xasprintf("order %" PRId64 ": %s; corrigeer de order in de shop en klik "
                             "Opnieuw", r->number, msg);
    else
        r->error = xasprintf("order op plaats %zu: %s; corrigeer de order in de shop",
                             r->position, msg);
    return false;
}

/* kind_of - a JSON type in words */
static const char *
kind_of(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "een object";
    case JSON_ARRAY: return "een lijst";
    case JSON_STRING: return "een tekst";
    case JSON_INTEGER: return "een geheel getal";
    case JSON_REAL: return "een getal";
    case JSON_TRUE:
    case JSON_FALSE: return "true of false";
    case JSON_NULL: return "null";
    }
    return "iets anders";
}

/* get_string - a string member; absent or null is "" unless required */
static bool
get_string(reader_t *r, const json_t *obj, const char *path, const char *key,
           bool required, const char **out)
{
    json_t *v = json_object_get(obj, key);

    *out = "";
    if (v == NULL || json_is_null(v)) {
        if (required)
            return fail(r, "%s%s%s: ontbreekt", path, *path ? "." : "", key);
        return true;
    }
    if (!json_is_string(v))
        return fail(r, "%s%s%s: verwacht een tekst, gevonden %s", path, *path ? "." : "", key,
                    kind_of(v));
    if (json_string_length(v) > LIMIT_FIELD_BYTES)
        return fail(r, "%s%s%s: langer dan %d bytes", path, *path ? "." : "", key,
                    LIMIT_FIELD_BYTES);
    if (strlen(json_string_value(v)) != json_string_length(v))
        return fail(r, "%s%s%s: bevat een NUL-teken", path, *path ? "." : "", key);
    *out = json_string_value(v);
    return true;
}

/* set_string - copy a string member into an owned order field */
static bool
set_string(reader_t *r, const json_t *obj, const char *path, const char *key,
           bool required, char **field)
{
    const char *s;

    if (!get_string(r, obj, path, key, required, &s))
        return false;
    order_set(field, s);
    return true;
}

/* get_amount - a money string member ("12.34") in cents */
static bool
get_amount(reader_t *r, const json_t *obj, const char *path, const char *key, int64_t *out)
{
    const char *s;
    char    buf[LOG_SHOW_MAX * 2 + 8];

    if (!get_string(r, obj, path, key, true, &s))
        return false;
    if (!money_parse_cents(s, out))
        return fail(r, "%s%s%s: geen bedrag (\"%s\"; verwacht cijfers met hooguit 2 "
                    "decimalen na een '.')", path, *path ? "." : "", key,
                    log_show(s, buf, sizeof buf));
    return true;
}

/* get_id - an integer member, or a string of digits (rate_id is either) */
static bool
get_id(reader_t *r, const json_t *obj, const char *path, const char *key, int64_t *out)
{
    json_t *v = json_object_get(obj, key);
    char    buf[LOG_SHOW_MAX * 2 + 8];

    if (v == NULL || json_is_null(v))
        return fail(r, "%s%s%s: ontbreekt", path, *path ? "." : "", key);
    if (json_is_integer(v) && json_integer_value(v) >= 0) {
        *out = json_integer_value(v);
        return true;
    }
    if (json_is_string(v) && money_parse_fixed(json_string_value(v), 0, out) && *out >= 0)
        return true;
    return fail(r, "%s%s%s: geen id (%s%s%s)", path, *path ? "." : "", key,
                json_is_string(v) ? "\"" : "", json_is_string(v)
                ? log_show(json_string_value(v), buf, sizeof buf) : kind_of(v),
                json_is_string(v) ? "\"" : "");
}

/* get_array - an array member; absent or null is an empty array */
static bool
get_array(reader_t *r, const json_t *obj, const char *key, json_t **out)
{
    json_t *v = json_object_get(obj, key);

    *out = NULL;
    if (v == NULL || json_is_null(v))
        return true;
    if (!json_is_array(v))
        return fail(r, "%s: verwacht een lijst, gevonden %s", key, kind_of(v));
    if (json_array_size(v) > LIMIT_ORDER_ELEMENTS)
        return fail(r, "%s: meer dan %d onderdelen", key, LIMIT_ORDER_ELEMENTS);
    *out = v;
    return true;
}

/* put_utf8 - append code point cp as UTF-8 */
static size_t
put_utf8(char *out, unsigned long cp)
{
    if (cp < 0x80) {
        out[0] = (char) cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char) (0xC0 | (cp >> 6));
        out[1] = (char) (0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char) (0xE0 | (cp >> 12));
        out[1] = (char) (0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char) (0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char) (0xF0 | (cp >> 18));
    out[1] = (char) (0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char) (0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char) (0x80 | (cp & 0x3F));
    return 4;
}

/* unescape_html - decode the HTML entities WordPress puts in product names
 * ("Ship Your Idea &ndash; Color" -> "Ship Your Idea – Color") */
static char *
unescape_html(const char *s)
{
    static const struct { const char *name; unsigned long cp; } named[] = {
        { "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' }, { "apos", '\'' },
        { "nbsp", 0xA0 }, { "ndash", 0x2013 }, { "mdash", 0x2014 }, { "euro", 0x20AC },
        { "hellip", 0x2026 }, { "lsquo", 0x2018 }, { "rsquo", 0x2019 },
        { "ldquo", 0x201C }, { "rdquo", 0x201D }, { "times", 0xD7 }, { "reg", 0xAE },
        { "trade", 0x2122 }, { "copy", 0xA9 },
    };
    char   *out = xmalloc(strlen(s) + 1), *o = out;

    while (*s) {
        const char *semi;
        unsigned long cp = 0;
        bool    ok = false;

        if (*s != '&' || (semi = strchr(s, ';')) == NULL || semi - s > 10) {
            *o++ = *s++;
            continue;
        }
        if (s[1] == '#') {
            char   *end;
            bool    hex = s[2] == 'x' || s[2] == 'X';

            cp = strtoul(s + (hex ? 3 : 2), &end, hex ? 16 : 10);
            ok = end == semi && end > s + (hex ? 3 : 2) && cp > 0 && cp < 0x110000
                && (cp < 0xD800 || cp > 0xDFFF);
        } else {
            for (size_t i = 0; i < sizeof named / sizeof *named; i++)
                if ((size_t) (semi - s - 1) == strlen(named[i].name)
                    && strncmp(s + 1, named[i].name, strlen(named[i].name)) == 0) {
                    cp = named[i].cp;
                    ok = true;
                }
        }
        /* an entity is never shorter than its UTF-8 (&#1; is 4 bytes) */
        if (ok && put_utf8((char[4]){ 0 }, cp) <= (size_t) (semi - s + 1)) {
            o += put_utf8(o, cp);
            s = semi + 1;
        } else {
            *o++ = *s++;
        }
    }
    *o = '\0';
    return out;
}

/* split_street - "Dorpsstraat 12A" -> street "Dorpsstraat", number "12",
 * addition "A"; the last word after the first that starts with a digit is
 * the house number. false when there is none (kept whole as the street). */
static bool
split_street(const char *line, char **street, char **number, char **addition)
{
    const char *last = NULL, *p;
    size_t  n;

    for (p = line; *p; p++)
        if (p > line && p[-1] == ' ' && isdigit((unsigned char) *p))
            last = p;
    if (last == NULL)
        return false;
    for (p = line; *p == ' '; p++)
        ;
    if (p == last)
        return false;
    n = (size_t) (last - line);
    while (n > 0 && line[n - 1] == ' ')
        n--;
    *street = xstrndup(line, n);
    for (p = last; isdigit((unsigned char) *p); p++)
        ;
    *number = xstrndup(last, (size_t) (p - last));
    while (*p == ' ')
        p++;
    *addition = xstrdup(p);
    n = strlen(*addition);
    while (n > 0 && (*addition)[n - 1] == ' ')
        (*addition)[--n] = '\0';
    return true;
}

/* meta_value - the string (or integer) value of an order meta_data key, or NULL */
static const char *
meta_value(const json_t *meta, const char *key, char *buf, size_t len)
{
    size_t  i;
    json_t *m;

    json_array_foreach(meta, i, m) {
        json_t *k = json_object_get(m, "key"), *v = json_object_get(m, "value");

        if (!json_is_string(k) || strcmp(json_string_value(k), key) != 0)
            continue;
        if (json_is_string(v) && strlen(json_string_value(v)) == json_string_length(v))
            return json_string_value(v);
        if (json_is_integer(v)) {
            snprintf(buf, len, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
            return buf;
        }
    }
    return NULL;
}

/* read_address - billing or shipping into a, with house number meta of
 * Dutch address plugins (_billing_street_name, _billing_house_number,
 * _billing_house_number_suffix) when present */
static bool
read_address(reader_t *r, const json_t *obj, const char *name, const json_t *meta,
             order_address_t *a)
{
    const char *line1, *line2, *cc, *v;
    char    key[64], nbuf[32];
    char   *street = NULL, *number = NULL, *addition = NULL;

    if (!json_is_object(obj))
        return fail(r, "%s: verwacht een object, gevonden %s", name, kind_of(obj));
    if (!set_string(r, obj, name, "company", false, &a->company)
        || !set_string(r, obj, name, "first_name", false, &a->first_name)
        || !set_string(r, obj, name, "last_name", false, &a->last_name)
        || !set_string(r, obj, name, "postcode", false, &a->postcode)
        || !set_string(r, obj, name, "city", false, &a->city)
        || !set_string(r, obj, name, "state", false, &a->region)
        || !get_string(r, obj, name, "address_1", false, &line1)
        || !get_string(r, obj, name, "address_2", false, &line2)
        || !get_string(r, obj, name, "country", false, &cc))
        return false;
    if (*cc != '\0') {
        if (strlen(cc) != 2 || !isalpha((unsigned char) cc[0]) || !isalpha((unsigned char) cc[1]))
            return fail(r, "%s.country: geen landcode (\"%s\"; verwacht twee letters, "
                        "zoals NL)", name, log_show(cc, key, sizeof key));
        char    up[3] = { (char) toupper((unsigned char) cc[0]),
                          (char) toupper((unsigned char) cc[1]), '\0' };

        order_set(&a->country, up);
    }
    snprintf(key, sizeof key, "_%s_house_number", name);
    if (meta != NULL && (v = meta_value(meta, key, nbuf, sizeof nbuf)) != NULL && *v) {
        number = xstrdup(v);
        snprintf(key, sizeof key, "_%s_street_name", name);
        v = meta_value(meta, key, nbuf, sizeof nbuf);
        street = xstrdup(v && *v ? v : line1);
        snprintf(key, sizeof key, "_%s_house_number_suffix", name);
        v = meta_value(meta, key, nbuf, sizeof nbuf);
        addition = xstrdup(v ? v : "");
    } else if (!split_street(line1, &street, &number, &addition)) {
        street = xstrdup(line1);
        number = xstrdup("");
        addition = xstrdup("");
    }
    if (*line2) {
        char *joined = xasprintf("%s%s%s", addition, *addition ? " " : "", line2);
        free(addition);
        addition = joined;
    }
    order_set(&a->street, street);
    order_set(&a->house_number, number);
    order_set(&a->house_number_addition, addition);
    free(street);
    free(number);
    free(addition);
    return true;
}

/* same_address - whether two addresses name the same place and person */
static bool
same_address(const order_address_t *a, const order_address_t *b)
{
    return strcmp(a->company, b->company) == 0 && strcmp(a->first_name, b->first_name) == 0
        && strcmp(a->last_name, b->last_name) == 0 && strcmp(a->street, b->street) == 0
        && strcmp(a->house_number, b->house_number) == 0
        && strcmp(a->house_number_addition, b->house_number_addition) == 0
        && strcmp(a->postcode, b->postcode) == 0 && strcmp(a->city, b->city) == 0
        && strcmp(a->country, b->country) == 0;
}

/* read_meta - customer codes, VAT and KvK numbers from the order's meta_data */
static bool
read_meta(reader_t *r, const json_t *meta)
{
    order_t *o = r->order;
    size_t  i;
    json_t *m;
    char    buf[32];
    const char *v;

    for (i = 0; vat_keys[i] && o->vat_number[0] == '\0'; i++)
        if ((v = meta_value(meta, vat_keys[i], buf, sizeof buf)) != NULL)
            order_set(&o->vat_number, v);
    for (i = 0; coc_keys[i] && o->coc_number[0] == '\0'; i++)
        if ((v = meta_value(meta, coc_keys[i], buf, sizeof buf)) != NULL)
            order_set(&o->coc_number, v);
    /* every scalar meta value becomes a field, named by its key without
     * leading underscores, so that "klantcode" or "_klantcode" is found */
    json_array_foreach(meta, i, m) {
        json_t *k = json_object_get(m, "key"), *val = json_object_get(m, "value");
        const char *name;
        order_field_t *f;

        if (!json_is_object(m))
            return fail(r, "meta_data[%zu]: verwacht een object, gevonden %s", i, kind_of(m));
        if (!json_is_string(k))
            return fail(r, "meta_data[%zu].key: verwacht een tekst", i);
        if (json_is_string(val))
            v = json_string_value(val);
        else if (json_is_integer(val)) {
            snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, json_integer_value(val));
            v = buf;
        } else
            continue;                   /* arrays and objects of plugins */
        if (json_string_length(k) > LIMIT_FIELD_BYTES || strlen(v) > LIMIT_FIELD_BYTES
            || (json_is_string(val) && strlen(v) != json_string_length(val)))
            continue;
        if (o->nfields >= LIMIT_ORDER_ELEMENTS - 100)
            return fail(r, "meta_data: meer dan %d onderdelen", LIMIT_ORDER_ELEMENTS - 100);
        for (name = json_string_value(k); *name == '_'; name++)
            ;
        f = order_add_field(o);
        order_set(&f->name, name);
        order_set(&f->value, v);
    }
    return true;
}

/* rate_of_id - the tax_lines entry of a rate id, or NULL */
static rate_t *
rate_of_id(reader_t *r, const char *id)
{
    for (size_t i = 0; i < r->nrates; i++)
        if (strcmp(r->rates[i].id, id) == 0)
            return &r->rates[i];
    return NULL;
}

/* read_tax_lines - the rates of the order */
static bool
read_tax_lines(reader_t *r, const json_t *order)
{
    json_t *tl, *t;
    size_t  i;
    char    path[64];

    if (!get_array(r, order, "tax_lines", &tl))
        return false;
    r->rates = xcalloc(json_array_size(tl) + 1, sizeof *r->rates);
    json_array_foreach(tl, i, t) {
        rate_t *rt = &r->rates[r->nrates];
        json_t *pct;
        int64_t id, tax, ship;
        char    idtxt[32];

        snprintf(path, sizeof path, "tax_lines[%zu]", i);
        if (!json_is_object(t))
            return fail(r, "%s: verwacht een object, gevonden %s", path, kind_of(t));
        if (!get_id(r, t, path, "rate_id", &id)
            || !get_amount(r, t, path, "tax_total", &tax)
            || !get_amount(r, t, path, "shipping_tax_total", &ship))
            return false;
        if (json_is_true(json_object_get(t, "compound")))
            return fail(r, "%s: een samengesteld btw-tarief kan koppel niet boeken (een "
                        "btw-tarief per regel)", path);
        snprintf(idtxt, sizeof idtxt, "%" PRId64, id);
        if (rate_of_id(r, idtxt) != NULL)
            return fail(r, "%s.rate_id: tarief %s staat er twee keer in", path, idtxt);
        rt->id = xstrdup(idtxt);
        rt->tax = tax + ship;
        rt->index = i;
        rt->rate_e2 = -1;
        r->nrates++;
        pct = json_object_get(t, "rate_percent");
        if (pct == NULL || json_is_null(pct))
            continue;
        if (json_is_integer(pct) && json_integer_value(pct) >= 0
            && json_integer_value(pct) <= 100) {
            rt->rate_e2 = (int32_t) (json_integer_value(pct) * 100);
        } else if (json_is_real(pct) && json_real_value(pct) >= 0 && json_real_value(pct) <= 100) {
            /* a percentage, not money: 5.5 -> 550, rounded to 1/100 % */
            rt->rate_e2 = (int32_t) (json_real_value(pct) * 100 + 0.5);
        } else {
            int64_t v;

            if (!json_is_string(pct) || !money_parse_fixed(json_string_value(pct), 2, &v)
                || v < 0 || v > MAX_RATE_E2)
                return fail(r, "%s.rate_percent: geen percentage tussen 0 en 100", path);
            rt->rate_e2 = (int32_t) v;
        }
    }
    return true;
}

/* nonzero_amount - whether a tax amount text ("0.4545", "", "0") is not zero */
static bool
nonzero_amount(const char *s)
{
    for (; *s; s++)
        if (*s >= '1' && *s <= '9')
            return true;
    return false;
}

/* item_rate - the tax_lines entry an item is taxed at (NULL: 0 %) */
static bool
item_rate(reader_t *r, const json_t *item, const char *path, rate_t **out)
{
    json_t *taxes = json_object_get(item, "taxes"), *t;
    size_t  i;
    char    idtxt[32], tpath[96];

    *out = NULL;
    if (taxes == NULL || json_is_null(taxes))
        return true;
    if (!json_is_array(taxes))
        return fail(r, "%s.taxes: verwacht een lijst, gevonden %s", path, kind_of(taxes));
    json_array_foreach(taxes, i, t) {
        const char *total, *subtotal;
        int64_t id;
        rate_t *rt;

        snprintf(tpath, sizeof tpath, "%s.taxes[%zu]", path, i);
        if (!json_is_object(t))
            return fail(r, "%s: verwacht een object, gevonden %s", tpath, kind_of(t));
        if (!get_id(r, t, tpath, "id", &id)
            || !get_string(r, t, tpath, "total", false, &total)
            || !get_string(r, t, tpath, "subtotal", false, &subtotal))
            return false;
        if (!nonzero_amount(total) && !nonzero_amount(subtotal))
            continue;
        snprintf(idtxt, sizeof idtxt, "%" PRId64, id);
        if ((rt = rate_of_id(r, idtxt)) == NULL)
            return fail(r, "%s.id: btw-tarief %s staat niet in de tax_lines van de order", tpath,
                        idtxt);
        if (*out != NULL && *out != rt)
            return fail(r, "%s.taxes: meer dan een btw-tarief op een regel (%s en %s) kan "
                        "koppel niet boeken (een btw-tarief per regel)", path, (*out)->id, idtxt);
        *out = rt;
    }
    return true;
}

/* pending_t - an item whose rate is resolved after all items are read */
typedef struct {
    bool    is_line;
    size_t  index;          /* in lines or charges */
    rate_t *rate;           /* NULL: 0 % */
    int64_t discount;       /* lines: total - subtotal (<= 0) */
} pending_t;

/* add_pending - remember an item's rate and count its base */
static void
add_pending(pending_t **p, size_t *n, bool is_line, size_t index, rate_t *rate,
            int64_t net, int64_t discount)
{
    *p = xrealloc(*p, (*n + 1) * sizeof **p);
    (*p)[*n] = (pending_t){ is_line, index, rate, discount };
    (*n)++;
    if (rate) {
        rate->base += net;
        rate->nitems++;
    }
}

/* read_items - line_items, shipping_lines and fee_lines */
static bool
read_items(reader_t *r, const json_t *order, pending_t **pend, size_t *npend)
{
    json_t *arr, *it;
    size_t  i;
    char    path[64];
    char   *desc;
    rate_t *rate;

    if (!get_array(r, order, "line_items", &arr))
        return false;
    if (arr == NULL || json_array_size(arr) == 0)
        return fail(r, "line_items: de order heeft geen regels");
    json_array_foreach(arr, i, it) {
        order_line_t *l;
        json_t *q;
        const char *name;
        int64_t subtotal, total;

        snprintf(path, sizeof path, "line_items[%zu]", i);
        if (!json_is_object(it))
            return fail(r, "%s: verwacht een object, gevonden %s", path, kind_of(it));
        q = json_object_get(it, "quantity");
        if (!json_is_integer(q) || json_integer_value(q) < 0
            || json_integer_value(q) > INT64_C(100000000))
            return fail(r, "%s.quantity: geen geheel aantal (gevonden %s)", path,
                        q ? kind_of(q) : "niets");
        if (!get_string(r, it, path, "name", false, &name)
            || !get_amount(r, it, path, "subtotal", &subtotal)
            || !get_amount(r, it, path, "total", &total)
            || !item_rate(r, it, path, &rate))
            return false;
        if (total > subtotal && subtotal >= 0)
            return fail(r, "%s: total %s is meer dan subtotal %s (een korting kan niets toevoegen)",
                        path, json_string_value(json_object_get(it, "total")),
                        json_string_value(json_object_get(it, "subtotal")));
        l = order_add_line(r->order);
        if (!set_string(r, it, path, "sku", false, &l->sku))
            return false;
        desc = unescape_html(name);
        order_set(&l->description, desc);
        free(desc);
        l->quantity_e4 = json_integer_value(q) * 10000;
        /* the unit price excl. tax before discounts: WooCommerce's "price"
         * is a JSON number, so it is derived from the subtotal instead */
        l->unit_price_e4 = json_integer_value(q) > 0
            ? money_muldiv_round(subtotal, 100, json_integer_value(q)) : 0;
        l->total_cents = subtotal;
        /* what a refund's _refunded_item_id points at (wcrefund.h) */
        if (json_is_integer(json_object_get(it, "id")))
            l->shop_id = json_integer_value(json_object_get(it, "id"));
        add_pending(pend, npend, true, r->order->nlines - 1, rate, total, total - subtotal);
    }

    if (!get_array(r, order, "shipping_lines", &arr))
        return false;
    json_array_foreach(arr, i, it) {
        order_charge_t *c;
        int64_t total;

        snprintf(path, sizeof path, "shipping_lines[%zu]", i);
        if (!json_is_object(it))
            return fail(r, "%s: verwacht een object, gevonden %s", path, kind_of(it));
        if (!get_amount(r, it, path, "total", &total) || !item_rate(r, it, path, &rate))
            return false;
        c = order_add_charge(r->order);
        c->kind = CHARGE_SHIPPING;
        if (!set_string(r, it, path, "method_title", false, &c->description))
            return false;
        c->amount_cents = total;
        add_pending(pend, npend, false, r->order->ncharges - 1, rate, total, 0);
    }

    if (!get_array(r, order, "fee_lines", &arr))
        return false;
    json_array_foreach(arr, i, it) {
        order_charge_t *c;
        const char *name;
        int64_t total;

        snprintf(path, sizeof path, "fee_lines[%zu]", i);
        if (!json_is_object(it))
            return fail(r, "%s: verwacht een object, gevonden %s", path, kind_of(it));
        if (!get_string(r, it, path, "name", false, &name)
            || !get_amount(r, it, path, "total", &total) || !item_rate(r, it, path, &rate))
            return false;
        c = order_add_charge(r->order);
        c->kind = total < 0 ? CHARGE_DISCOUNT : CHARGE_PAYMENT;
        desc = unescape_html(name);
        order_set(&c->description, desc);
        free(desc);
        c->amount_cents = total;
        add_pending(pend, npend, false, r->order->ncharges - 1, rate, total, 0);
    }
    if (r->order->nlines + r->order->ncharges > LIMIT_ORDER_ELEMENTS - 100)
        return fail(r, "meer dan %d regels en kosten", LIMIT_ORDER_ELEMENTS - 100);
    return true;
}

/* derive_rate - a rate for a tax_lines entry without rate_percent: the
 * roundest percentage (whole, half, tenth, hundredth) that gives its tax
 * from its base within a cent per item */
static bool
derive_rate(reader_t *r, rate_t *rt)
{
    static const int steps[] = { 100, 50, 10, 1 };
    int64_t tol = (int64_t) (rt->nitems ? rt->nitems : 1);

    if (rt->nitems == 0 && rt->tax == 0) {
        rt->rate_e2 = 0;            /* an unused rate: nothing to state */
        return true;
    }
    if (rt->base == 0)
        return fail(r, "tax_lines[%zu]: geen rate_percent, en er is niets belast tegen tarief %s "
                    "om het uit af te leiden", rt->index, rt->id);
    for (size_t s = 0; s < sizeof steps / sizeof *steps; s++) {
        int64_t best = -1, bestdiff = INT64_MAX;
        int64_t exact = money_muldiv_round(rt->tax, MAX_RATE_E2, rt->base);

        for (int64_t c = 0; c <= MAX_RATE_E2; c += steps[s]) {
            int64_t d = llabs(money_muldiv_round(rt->base, c, MAX_RATE_E2) - rt->tax);

            if (d <= tol && llabs(c - exact) < bestdiff) {
                best = c;
                bestdiff = llabs(c - exact);
            }
        }
        if (best >= 0) {
            rt->rate_e2 = (int32_t) best;
            return true;
        }
    }
    char    m1[32], m2[32];

    return fail(r, "tax_lines[%zu]: geen rate_percent, en btw %s over %s tegen tarief %s is "
                "geen percentage tussen 0 en 100", rt->index,
                money_format_cents_nl(rt->tax, m1, sizeof m1),
                money_format_cents_nl(rt->base, m2, sizeof m2), rt->id);
}

/* vat_of - the order's VAT entry at a rate, added when new */
static order_vat_t *
vat_of(order_t *o, int32_t rate, size_t **counts)
{
    for (size_t i = 0; i < o->nvats; i++)
        if (o->vats[i].rate_e2 == rate)
            return &o->vats[i];
    *counts = xrealloc(*counts, (o->nvats + 1) * sizeof **counts);
    (*counts)[o->nvats] = 0;
    order_add_vat(o)->rate_e2 = rate;
    return &o->vats[o->nvats - 1];
}

/* read_figures - items, rates, discounts, VAT per rate and totals */
static bool
read_figures(reader_t *r, const json_t *order)
{
    order_t *o = r->order;
    pending_t *pend = NULL;
    size_t  npend = 0, *counts = NULL, i, nitems;
    int64_t total, total_tax, sum_tax = 0, sum_base = 0, diff;
    json_t *coupons, *c;
    char   *codes = xstrdup("");
    char    m1[32], m2[32], m3[32], m4[32];
    bool    ok = false;

    if (!read_tax_lines(r, order) || !read_items(r, order, &pend, &npend))
        goto out;
    for (i = 0; i < r->nrates; i++)
        if (r->rates[i].rate_e2 < 0 && !derive_rate(r, &r->rates[i]))
            goto out;

    /* coupon codes, for the discount charges' description */
    if (!get_array(r, order, "coupon_lines", &coupons))
        goto out;
    json_array_foreach(coupons, i, c) {
        const char *code;
        char    path[64];
        char   *joined;

        snprintf(path, sizeof path, "coupon_lines[%zu]", i);
        if (!json_is_object(c)) {
            fail(r, "%s: verwacht een object, gevonden %s", path, kind_of(c));
            goto out;
        }
        if (!get_string(r, c, path, "code", false, &code))
            goto out;
        joined = xasprintf("%s%s%s", codes, *codes ? ", " : "", code);
        free(codes);
        codes = joined;
    }

    /* rates onto the items; the VAT entries in the order items name them */
    for (i = 0; i < npend; i++) {
        int32_t rate = pend[i].rate ? pend[i].rate->rate_e2 : 0;
        order_vat_t *v = vat_of(o, rate, &counts);
        int64_t net = pend[i].is_line ? o->lines[pend[i].index].total_cents + pend[i].discount
                                      : o->charges[pend[i].index].amount_cents;

        if (pend[i].is_line)
            o->lines[pend[i].index].vat_rate_e2 = rate;
        else
            o->charges[pend[i].index].vat_rate_e2 = rate;
        v->base_cents += net;
        counts[v - o->vats]++;
    }
    /* one discount charge per rate: subtotal minus total of its lines */
    for (size_t j = 0; j < o->nvats; j++) {
        int64_t disc = 0;

        for (i = 0; i < npend; i++)
            if (pend[i].is_line && o->lines[pend[i].index].vat_rate_e2 == o->vats[j].rate_e2)
                disc += pend[i].discount;
        if (disc != 0) {
            order_charge_t *ch = order_add_charge(o);
            char   *d = *codes ? xasprintf("Coupon %s", codes) : xstrdup("Discount");

            ch->kind = CHARGE_DISCOUNT;
            ch->vat_rate_e2 = o->vats[j].rate_e2;
            ch->amount_cents = disc;
            order_set(&ch->description, d);
            free(d);
        }
    }
    /* the VAT per rate from the tax_lines */
    for (i = 0; i < r->nrates; i++) {
        rate_t *rt = &r->rates[i];
        order_vat_t *v = NULL;

        for (size_t j = 0; j < o->nvats; j++)
            if (o->vats[j].rate_e2 == rt->rate_e2)
                v = &o->vats[j];
        if (v == NULL) {
            if (rt->tax != 0) {
                fail(r, "tax_lines[%zu]: btw %s tegen tarief %s, maar geen regel, verzending of "
                     "toeslag is tegen dat tarief belast", rt->index,
                     money_format_cents_nl(rt->tax, m1, sizeof m1),
                     rt->id);
                goto out;
            }
            continue;
        }
        v->amount_cents += rt->tax;
    }
    /* a rate with nothing taxed (zero items only) is left out */
    for (size_t j = 0; j < o->nvats;) {
        if (o->vats[j].base_cents == 0 && o->vats[j].amount_cents == 0) {
            memmove(&o->vats[j], &o->vats[j + 1], (o->nvats - j - 1) * sizeof *o->vats);
            memmove(&counts[j], &counts[j + 1], (o->nvats - j - 1) * sizeof *counts);
            o->nvats--;
        } else {
            j++;
        }
    }

    /* totals */
    if (!get_amount(r, order, "", "total", &total)
        || !get_amount(r, order, "", "total_tax", &total_tax))
        goto out;
    for (size_t j = 0; j < o->nvats; j++) {
        sum_tax += o->vats[j].amount_cents;
        sum_base += o->vats[j].base_cents;
    }
    if (sum_tax != total_tax) {
        fail(r, "total_tax: %s is niet de som van de tax_lines (%s)",
             money_format_cents_nl(total_tax, m1, sizeof m1),
             money_format_cents_nl(sum_tax, m2, sizeof m2));
        goto out;
    }
    diff = total - total_tax - sum_base;
    nitems = npend;
    if ((size_t) llabs(diff) > nitems) {
        fail(r, "total: %s min total_tax %s is %s, maar de regels, verzending en "
             "toeslagen tellen op tot %s excl. btw", money_format_cents_nl(total, m1, sizeof m1),
             money_format_cents_nl(total_tax, m2, sizeof m2),
             money_format_cents_nl(total - total_tax, m3, sizeof m3),
             money_format_cents_nl(sum_base, m4, sizeof m4));
        goto out;
    }
    /* WooCommerce's rounding per item: a cent at a time to the rates with
     * the most items, at most one per item */
    while (diff != 0) {
        size_t best = o->nvats;

        for (size_t j = 0; j < o->nvats; j++)
            if (counts[j] > 0 && (best == o->nvats || counts[j] > counts[best]))
                best = j;
        if (best == o->nvats) {
            fail(r, "total: een afrondingsverschil van %s is nergens te plaatsen",
                 money_format_cents_nl(diff, m1, sizeof m1));
            goto out;
        }
        o->vats[best].base_cents += diff > 0 ? 1 : -1;
        diff += diff > 0 ? -1 : 1;
        counts[best]--;
    }
    o->total_incl_cents = total;
    o->total_vat_cents = total_tax;
    o->total_excl_cents = total - total_tax;
    ok = true;

out:
    free(codes);
    free(counts);
    free(pend);
    return ok;
}

/* wcorder_status - the order status of a WooCommerce status */
int
wcorder_status(const char *status, bool date_paid, const char *payment_method)
{
    static const struct { const char *word; int status; } map[] = {
        { "processing", -2 }, { "completed", -2 },
        { "cancelled", ORDER_CANCELLED }, { "refunded", ORDER_CANCELLED },
        { "trash", ORDER_CANCELLED },
        { "pending", ORDER_INCOMPLETE }, { "on-hold", ORDER_INCOMPLETE },
        { "failed", ORDER_INCOMPLETE }, { "draft", ORDER_INCOMPLETE },
        { "checkout-draft", ORDER_INCOMPLETE },
    };

    for (size_t i = 0; i < sizeof map / sizeof *map; i++) {
        if (strcmp(status, map[i].word) != 0)
            continue;
        if (map[i].status != -2)
            return map[i].status;
        return date_paid && strcmp(payment_method, "cod") != 0 ? ORDER_PAID : ORDER_OPEN;
    }
    return -1;
}

/* read_refunds - keep each refund as a field "refund ID": the source reads
 * the lines of those not yet credited (wcrefund.h) */
static bool
read_refunds(reader_t *r, const json_t *order)
{
    json_t *arr, *it;
    size_t  i;
    char    path[64], name[64], shown[LOG_SHOW_MAX * 2 + 8];

    if (!get_array(r, order, "refunds", &arr))
        return false;
    json_array_foreach(arr, i, it) {
        const char *total;
        int64_t id, cents;
        order_field_t *f;

        snprintf(path, sizeof path, "refunds[%zu]", i);
        if (!json_is_object(it))
            return fail(r, "%s: verwacht een object, gevonden %s", path, kind_of(it));
        if (!get_id(r, it, path, "id", &id) || !get_string(r, it, path, "total", true, &total))
            return false;
        if (!money_parse_cents(total, &cents))
            return fail(r, "%s.total: geen bedrag (\"%s\")", path,
                        log_show(total, shown, sizeof shown));
        snprintf(name, sizeof name, "refund %" PRId64, id);
        f = order_add_field(r->order);
        order_set(&f->name, name);
        order_set(&f->value, total);
    }
    return true;
}

/* read_order - one order object into r->order */
static bool
read_order(reader_t *r, const json_t *obj)
{
    order_t *o = r->order;
    json_t *billing, *shipping, *meta, *pit, *paid;
    const char *status, *s, *method, *method_title, *created, *modified;
    char    buf[LOG_SHOW_MAX * 2 + 8];
    int     st;
    time_t  t;
    int64_t id;

    if (!json_is_object(obj))
        return fail(r, "verwacht een orderobject, gevonden %s", kind_of(obj));
    if (!get_id(r, obj, "", "id", &id))
        return false;
    if (id <= 0)
        return fail(r, "id: geen order-id (%" PRId64 ")", id);
    r->number = o->number = id;

    /* the shop's own order number, when a plugin makes it differ from the id */
    if (!get_string(r, obj, "", "number", false, &s))
        return false;
    snprintf(buf, sizeof buf, "%" PRId64, id);
    if (*s && strcmp(s, buf) != 0) {
        order_field_t *f = order_add_field(o);
        order_set(&f->name, "order_number");
        order_set(&f->value, s);
    }

    if (!get_string(r, obj, "", "currency", true, &s))
        return false;
    if (strlen(s) != 3 || !isupper((unsigned char) s[0]) || !isupper((unsigned char) s[1])
        || !isupper((unsigned char) s[2]))
        return fail(r, "currency: geen valutacode (\"%s\"; verwacht drie hoofdletters, "
                    "zoals EUR)", log_show(s, buf, sizeof buf));
    memcpy(o->currency, s, 4);
    o->eur_per_unit_e6 = strcmp(s, "EUR") == 0 ? 1000000 : 0;   /* the booker reports it */

    if (!get_string(r, obj, "", "date_created_gmt", true, &created))
        return false;
    if (!date_parse_utc(created, &t))
        return fail(r, "date_created_gmt: geen datum en tijd (\"%s\"; verwacht zoals "
                    "2017-03-22T19:28:02)", log_show(created, buf, sizeof buf));
    o->date_epoch = t;
    {
        char   *d = xasprintf("%s+00:00", created);
        order_set(&o->date, d);
        free(d);
    }
    if (!get_string(r, obj, "", "date_modified_gmt", true, &modified))
        return false;
    if (!date_parse_utc(modified, &t))
        return fail(r, "date_modified_gmt: geen datum en tijd (\"%s\"; verwacht zoals "
                    "2017-03-22T19:28:08)", log_show(modified, buf, sizeof buf));
    {
        char   *d = xasprintf("%sZ", modified);
        order_set(&o->modified, d);
        free(d);
    }

    pit = json_object_get(obj, "prices_include_tax");
    if (!json_is_boolean(pit))
        return fail(r, "prices_include_tax: verwacht true of false, gevonden %s",
                    pit ? kind_of(pit) : "niets");
    o->prices_include_vat = false;   /* line totals are always excl. tax */

    if (!get_string(r, obj, "", "payment_method", false, &method)
        || !get_string(r, obj, "", "payment_method_title", false, &method_title)
        || !set_string(r, obj, "", "transaction_id", false, &o->payment_reference))
        return false;
    order_set(&o->payment_method, *method_title ? method_title : method);
    paid = json_object_get(obj, "date_paid_gmt");
    if (paid == NULL || json_is_null(paid))
        paid = json_object_get(obj, "date_paid");
    if (paid != NULL && !json_is_null(paid)
        && (!json_is_string(paid) || !date_parse_utc(json_string_value(paid), &t)))
        return fail(r, "date_paid_gmt: geen datum en tijd");
    order_set(&o->payment_status, paid != NULL && !json_is_null(paid) ? "paid" : "not paid");

    if (!get_string(r, obj, "", "status", true, &status))
        return false;
    st = wcorder_status(status, paid != NULL && !json_is_null(paid), method);
    if (st < 0)
        return fail(r, "status: onbekende status \"%s\" (verwacht processing, completed, "
                    "pending, on-hold, cancelled, refunded, failed of trash)",
                    log_show(status, buf, sizeof buf));
    o->status = (order_status_t) st;

    meta = json_object_get(obj, "meta_data");
    if (meta != NULL && !json_is_null(meta) && !json_is_array(meta))
        return fail(r, "meta_data: verwacht een lijst, gevonden %s", kind_of(meta));
    if (meta != NULL && !json_is_array(meta))
        meta = NULL;
    if ((billing = json_object_get(obj, "billing")) == NULL)
        return fail(r, "billing: ontbreekt");
    if (!read_address(r, billing, "billing", meta, &o->billing)
        || !set_string(r, billing, "billing", "email", false, &o->email)
        || !set_string(r, billing, "billing", "phone", false, &o->phone))
        return false;
    shipping = json_object_get(obj, "shipping");
    if (shipping != NULL && !json_is_null(shipping)) {
        if (!read_address(r, shipping, "shipping", meta, &o->delivery))
            return false;
        o->has_delivery = (o->delivery.street[0] || o->delivery.country[0])
            && !same_address(&o->billing, &o->delivery);
        if (!o->has_delivery) {
            /* an unused delivery address reads as empty */
            order_address_t *d = &o->delivery;
            char  **f[] = { &d->company, &d->first_name, &d->last_name, &d->street,
                            &d->house_number, &d->house_number_addition, &d->postcode,
                            &d->city, &d->region, &d->country };

            for (size_t i = 0; i < sizeof f / sizeof *f; i++)
                order_set(f[i], "");
        }
    }
    if (meta != NULL && !read_meta(r, meta))
        return false;
    if (!read_figures(r, obj))
        return false;
    return read_refunds(r, obj);
}

/* parse_item - one order object into a page item */
static void
parse_item(const json_t *obj, size_t position, order_item_t *item)
{
    reader_t r = { .order = order_new(), .number = -1, .position = position };

    order_set(&r.order->source, "woocommerce");
    if (read_order(&r, obj)) {
        item->order = r.order;
    } else {
        order_destroy(&r.order);
        item->error = r.error;
    }
    item->number = r.number;
    for (size_t i = 0; i < r.nrates; i++)
        free(r.rates[i].id);
    free(r.rates);
}

/* key_before - the object key nearest before byte pos of a JSON text,
 * found by looking back for `"key":`; false when there is none. Used only
 * to name the field of a parse error: a string value holding `":` may
 * mislead it, which costs a less precise message, nothing else. */
static bool
key_before(const char *body, size_t len, size_t pos, char *key, size_t keylen)
{
    size_t  i = pos < len ? pos : len, end, start;

    /* an error at a key (a duplicate) stops right after it: take its ':' */
    for (end = i; end < len && (body[end] == ' ' || body[end] == '\t' || body[end] == '\n'
                                || body[end] == '\r'); end++)
        ;
    if (end < len && body[end] == ':')
        i = end + 1;
    while (i > 0) {
        i--;
        if (body[i] != ':')
            continue;
        end = i;
        while (end > 0 && (body[end - 1] == ' ' || body[end - 1] == '\t'
                           || body[end - 1] == '\n' || body[end - 1] == '\r'))
            end--;
        if (end < 2 || body[end - 1] != '"')
            continue;
        start = end - 1;
        while (start > 0 && !(body[start - 1] == '"' && (start < 2 || body[start - 2] != '\\')))
            start--;
        if (start == 0)
            return false;
        if (end - 1 - start >= keylen)
            continue;
        memcpy(key, body + start, end - 1 - start);
        key[end - 1 - start] = 0;
        return true;
    }
    return false;
}

/* in_words - what a jansson error text means, for a bookkeeper; NULL when
 * there are no better words than jansson's own */
static const char *
in_words(const char *jansson_text)
{
    static const struct {
        const char *says, *means;
    } words[] = {
        { "JSON_ALLOW_NUL", "bevat een NUL-teken (\\u0000), dat geen orderveld mag bevatten" },
        { "too big integer", "bevat een getal dat te groot is om te lezen (meer dan 19 cijfers)" },
        { "real number overflow", "bevat een getal dat te groot is om te lezen (zoals 1e400)" },
        { "duplicate object key", "staat twee keer in een object, dus de waarde is niet "
          "zeker" },
        { "maximum parsing depth", "is dieper genest dan koppel leest" },
    };
    size_t  i;

    for (i = 0; i < sizeof words / sizeof *words; i++)
        if (strstr(jansson_text, words[i].says) != NULL)
            return words[i].means;
    return NULL;
}

/* values_bound - at most how many JSON values the text holds: one more than
 * its ',', ':', '[' and '{' outside strings. jansson keeps each value as a
 * node of 30 to 60 bytes, so 64 MB of "[1,1,1,...]" would take a gigabyte;
 * this count, taken before parsing, refuses such a text. */
static size_t
values_bound(const char *body, size_t len)
{
    size_t  i, n = 1;
    bool    in_string = false;

    for (i = 0; i < len; i++) {
        char    ch = body[i];

        if (in_string) {
            if (ch == '\\')
                i++;
            else if (ch == '"')
                in_string = false;
        } else if (ch == '"')
            in_string = true;
        else if (ch == ',' || ch == ':' || ch == '[' || ch == '{')
            n++;
    }
    return n;
}

/* wcorder_parse_page - parse a JSON array of orders or one order */
order_page_t *
wcorder_parse_page(const char *body, size_t len, const char *source_name,
                   char *err, size_t errlen)
{
    json_error_t jerr;
    json_t *doc;
    order_page_t *page;
    size_t  n, i;

    if (len > LIMIT_DOCUMENT_BYTES) {
        snprintf(err, errlen, "%s: het document is groter dan %d MB", source_name,
                 LIMIT_DOCUMENT_BYTES / (1024 * 1024));
        return NULL;
    }
    if (values_bound(body, len) > (size_t) LIMIT_DOCUMENT_NODES) {
        snprintf(err, errlen, "%s: het document bevat meer dan %d JSON-waarden, meer dan "
                 "koppel in een antwoord leest", source_name, LIMIT_DOCUMENT_NODES);
        return NULL;
    }
    doc = json_loadb(body, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
    if (doc == NULL) {
        char    key[64], shown[LOG_SHOW_MAX * 2 + 8];

        const char *means = in_words(jerr.text);
        bool    has_key = key_before(body, len, (size_t) jerr.position, key, sizeof key);

        if (has_key && means != NULL)
            snprintf(err, errlen, "%s: het veld \"%s\" %s (regel %d, kolom %d)",
                     source_name, log_show(key, shown, sizeof shown), means, jerr.line,
                     jerr.column);
        else if (has_key)
            snprintf(err, errlen, "%s: geen JSON bij het veld \"%s\": \"%s\" (regel %d, kolom %d)",
                     source_name, log_show(key, shown, sizeof shown), jerr.text, jerr.line,
                     jerr.column);
        else
            snprintf(err, errlen, "%s: geen JSON: \"%s\" (regel %d)", source_name, jerr.text,
                     jerr.line);
        return NULL;
    }
    if (!json_is_array(doc) && !json_is_object(doc)) {
        snprintf(err, errlen, "%s: verwacht een lijst van orders of een orderobject, gevonden %s",
                 source_name, kind_of(doc));
        json_decref(doc);
        return NULL;
    }
    if (json_is_object(doc) && json_object_get(doc, "code") != NULL
        && json_object_get(doc, "id") == NULL) {
        json_t *msg = json_object_get(doc, "message");
        snprintf(err, errlen, "%s: WooCommerce stuurde een fout in plaats van orders: %s (\"%s\")",
                 source_name, json_string_value(json_object_get(doc, "code"))
                 ? json_string_value(json_object_get(doc, "code")) : "?",
                 json_is_string(msg) ? json_string_value(msg) : "");
        json_decref(doc);
        return NULL;
    }
    n = json_is_array(doc) ? json_array_size(doc) : 1;
    if (n > LIMIT_ORDER_ELEMENTS) {
        snprintf(err, errlen, "%s: meer dan %d orders in een document", source_name,
                 LIMIT_ORDER_ELEMENTS);
        json_decref(doc);
        return NULL;
    }
    page = order_page_new(n);
    page->nitems = n;
    page->count = n;
    for (i = 0; i < n; i++) {
        order_item_t *it = &page->items[i];

        parse_item(json_is_array(doc) ? json_array_get(doc, i) : doc, i + 1, it);
        if (it->number > 0) {
            if (page->from == 0 || it->number < page->from)
                page->from = it->number;
            if (it->number > page->highest)
                page->highest = it->number;
        }
    }
    page->next = page->highest ? page->highest + 1 : 0;
    json_decref(doc);
    return page;
}
