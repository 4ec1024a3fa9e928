/*
 * NAME
 *   wsim_refunds - the WooCommerce simulator's order refunds
 *
 * DESCRIPTION
 *   See wsim_refunds.h. A refund made here is kept whole in the store's
 *   refunds table; the order keeps the short form WooCommerce puts in
 *   refunds[] ({id, reason, total}, total negative).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "money.h"
#include "wsim_gen.h"
#include "wsim_refunds.h"

/* cents - a member amount; absent or unreadable is 0 */
static int64_t
cents(const json_t *obj, const char *key)
{
    int64_t c = 0;

    if (!json_is_string(json_object_get(obj, key))
        || !money_parse_cents(json_string_value(json_object_get(obj, key)), &c))
        return 0;
    return c;
}

/* amount_only - a refund of an amount without lines, from the order's refunds[] */
static json_t *
amount_only(const json_t *entry, const json_t *order)
{
    const char *reason = json_string_value(json_object_get(entry, "reason"));

    return json_pack("{s:O, s:O, s:O, s:o, s:s, s:i, s:b, s:[], s:[], s:[], s:[], s:[]}",
                     "id", json_object_get(entry, "id"),
                     "date_created", json_object_get(order, "date_modified"),
                     "date_created_gmt", json_object_get(order, "date_modified_gmt"),
                     "amount", wsim_money(-cents(entry, "total")),
                     "reason", reason ? reason : "", "refunded_by", 1, "refunded_payment", 0,
                     "meta_data", "line_items", "tax_lines", "shipping_lines", "fee_lines");
}

/* wsim_refunds_served - the refunds of an order as GET .../refunds answers */
char *
wsim_refunds_served(wsim_store_t *store, int64_t id)
{
    char   *text = wsim_store_get(store, id), *kept;
    json_t *order = text ? json_loads(text, 0, NULL) : NULL, *out, *entry, *r;
    size_t  i;

    free(text);
    if (order == NULL)
        return NULL;
    out = json_array();
    json_array_foreach(json_object_get(order, "refunds"), i, entry) {
        kept = wsim_store_refund(store, id, json_integer_value(json_object_get(entry, "id")));
        r = kept ? json_loads(kept, 0, NULL) : NULL;
        free(kept);
        json_array_append_new(out, r ? r : amount_only(entry, order));
    }
    text = json_dumps(out, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(out);
    json_decref(order);
    return text;
}

/* refunded_meta - the meta that names the order's line a refund line returns */
static json_t *
refunded_meta(int64_t meta_id, const json_t *line)
{
    char    buf[32];

    snprintf(buf, sizeof buf, "%" PRId64, (int64_t) json_integer_value(json_object_get(line, "id")));
    return json_pack("[{s:I, s:s, s:s}]", "id", (json_int_t) meta_id, "key",
                     "_refunded_item_id", "value", buf);
}

/* line_of - the order's line item with the id, or NULL */
static json_t *
line_of(const json_t *order, json_int_t lid)
{
    json_t *l;
    size_t  i;

    json_array_foreach(json_object_get(order, "line_items"), i, l)
        if (json_integer_value(json_object_get(l, "id")) == lid)
            return l;
    return NULL;
}

/* refund_lines - the asked lines' share by quantity into out; false with err */
static bool
refund_lines(const json_t *order, const json_t *asked, int64_t rid, json_t *out,
             int64_t *amount, char *err, size_t errlen)
{
    json_t *a, *l;
    size_t  i;

    json_array_foreach(asked, i, a) {
        json_int_t lid = json_integer_value(json_object_get(a, "id"));
        json_int_t q = json_integer_value(json_object_get(a, "quantity"));
        json_int_t oq;
        int64_t t, tax;

        if ((l = line_of(order, lid)) == NULL) {
            snprintf(err, errlen, "line_items[%zu]: the order has no line item %lld", i,
                     (long long) lid);
            return false;
        }
        oq = json_integer_value(json_object_get(l, "quantity"));
        if (q < 1 || q > oq) {
            snprintf(err, errlen, "line_items[%zu]: quantity 1..%lld", i, (long long) oq);
            return false;
        }
        t = -money_muldiv_round(cents(l, "total"), q, oq);
        tax = -money_muldiv_round(cents(l, "total_tax"), q, oq);
        json_array_append_new(out, json_pack(
            "{s:I, s:O, s:O, s:O, s:I, s:O, s:o, s:o, s:o, s:o, s:[], s:o, s:O}",
            "id", (json_int_t) (rid * 10 + (int64_t) i), "name", json_object_get(l, "name"),
            "product_id", json_object_get(l, "product_id"), "variation_id",
            json_object_get(l, "variation_id"), "quantity", -q, "tax_class",
            json_object_get(l, "tax_class"), "subtotal", wsim_money(t), "subtotal_tax", wsim_money(tax),
            "total", wsim_money(t), "total_tax", wsim_money(tax), "taxes", "meta_data",
            refunded_meta(rid * 100 + (int64_t) i, l), "sku", json_object_get(l, "sku")));
        *amount -= t + tax;
    }
    return true;
}

/* refund_shipping - every shipping line of the order in full into out */
static void
refund_shipping(const json_t *order, int64_t rid, json_t *out, int64_t *amount)
{
    json_t *l;
    size_t  i;

    json_array_foreach(json_object_get(order, "shipping_lines"), i, l) {
        json_array_append_new(out, json_pack(
            "{s:I, s:O, s:O, s:o, s:o, s:[], s:o}", "id", (json_int_t) (rid * 10 + 9 - (int64_t) i),
            "method_title", json_object_get(l, "method_title"), "method_id",
            json_object_get(l, "method_id"), "total", wsim_money(-cents(l, "total")), "total_tax",
            wsim_money(-cents(l, "total_tax")), "taxes", "meta_data",
            refunded_meta(rid * 100 + 90 + (int64_t) i, l)));
        *amount += cents(l, "total") + cents(l, "total_tax");
    }
}

/* modified_now - the order's date_modified(_gmt): the one asked, else now */
static void
modified_now(json_t *order, const json_t *req)
{
    const char *asked = json_string_value(json_object_get(req, "date_modified_gmt"));
    char    buf[32];
    time_t  now = time(NULL);
    struct tm tm;

    if (asked == NULL) {
        strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", gmtime_r(&now, &tm));
        asked = buf;
    }
    json_object_set_new(order, "date_modified_gmt", json_string(asked));
    json_object_set_new(order, "date_modified", json_string(asked));
}

/* wsim_refunds_add - a refund of part of an order */
int64_t
wsim_refunds_add(wsim_store_t *store, int64_t id, const char *body, char *err, size_t errlen)
{
    char   *text = wsim_store_get(store, id);
    json_t *order = text ? json_loads(text, 0, NULL) : NULL;
    json_t *req = json_loads(body && *body ? body : "{}", 0, NULL);
    json_t *lines = json_array(), *shipping = json_array(), *refund = NULL;
    int64_t rid = -1, amount = 0;
    const char *reason;

    free(text);
    if (order == NULL || !json_is_object(req)) {
        snprintf(err, errlen, order ? "the body is not a JSON object" : "no order %" PRId64, id);
        goto out;
    }
    rid = id * 100 + 51 + (int64_t) json_array_size(json_object_get(order, "refunds"));
    if (!refund_lines(order, json_object_get(req, "line_items"), rid, lines, &amount, err,
                      errlen)) {
        rid = -1;
        goto out;
    }
    if (json_is_true(json_object_get(req, "shipping")))
        refund_shipping(order, rid, shipping, &amount);
    if (amount == 0) {
        snprintf(err, errlen, "nothing refunded: name line_items or shipping");
        rid = -1;
        goto out;
    }
    reason = json_string_value(json_object_get(req, "reason"));
    modified_now(order, req);
    refund = json_pack("{s:I, s:O, s:O, s:o, s:s, s:i, s:b, s:[], s:O, s:[], s:O, s:[]}",
                       "id", (json_int_t) rid, "date_created", json_object_get(order,
                       "date_modified"), "date_created_gmt", json_object_get(order,
                       "date_modified_gmt"), "amount", wsim_money(amount), "reason",
                       reason ? reason : "", "refunded_by", 1, "refunded_payment", 0,
                       "meta_data", "line_items", lines, "tax_lines", "shipping_lines",
                       shipping, "fee_lines");
    text = json_dumps(refund, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (wsim_store_put_refund(store, id, rid, text) != 0) {
        snprintf(err, errlen, "cannot keep the refund");
        rid = -1;
    }
    free(text);
    if (rid < 0)
        goto out;
    if (!json_is_array(json_object_get(order, "refunds")))
        json_object_set_new(order, "refunds", json_array());
    json_array_insert_new(json_object_get(order, "refunds"), 0, json_pack(
        "{s:I, s:s, s:o}", "id", (json_int_t) rid, "reason", reason ? reason : "",
        "total", wsim_money(-amount)));
    text = json_dumps(order, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (wsim_store_put_json(store, text, err, errlen) < 0)
        rid = -1;
    free(text);
out:
    json_decref(refund);
    json_decref(lines);
    json_decref(shipping);
    json_decref(req);
    json_decref(order);
    return rid;
}
