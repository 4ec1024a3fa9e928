/*
 * NAME
 *   wcrefund - read WooCommerce's refunds of an order as credit notes
 *
 * DESCRIPTION
 *   See wcrefund.h. Amounts in the answer are negative strings ("-12.00"),
 *   quantities negative integers; the line a refund line returns is named
 *   by its meta_data entry _refunded_item_id (a string or a number).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "money.h"
#include "wcrefund.h"
#include "xalloc.h"

/* refunded_item - the line item id a refund line's meta names, 0 if none */
static int64_t
refunded_item(const json_t *line)
{
    json_t *m, *v;
    size_t  i;
    int64_t id = 0;

    json_array_foreach(json_object_get(line, "meta_data"), i, m) {
        if (!json_is_string(json_object_get(m, "key"))
            || strcmp(json_string_value(json_object_get(m, "key")), "_refunded_item_id") != 0)
            continue;
        v = json_object_get(m, "value");
        if (json_is_integer(v))
            id = json_integer_value(v);
        else if (!json_is_string(v) || !money_parse_fixed(json_string_value(v), 0, &id))
            id = 0;
    }
    return id > 0 ? id : 0;
}

/* cents_of - a member amount in cents; absent or unreadable is 0 */
static int64_t
cents_of(const json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    int64_t c = 0;

    if (!json_is_string(v) || !money_parse_cents(json_string_value(v), &c))
        return 0;
    return c;
}

/* line_of - the index of the order's line with the shop's id, or -1 */
static long
line_of(const order_t *o, int64_t id)
{
    for (size_t k = 0; k < o->nlines; k++)
        if (id > 0 && o->lines[k].shop_id == id)
            return (long) k;
    return -1;
}

/* shipping_of - the order's shipping, excl. VAT as WooCommerce states it */
static int64_t
shipping_of(const order_t *o)
{
    int64_t sum = 0;

    for (size_t k = 0; k < o->ncharges; k++)
        if (o->charges[k].kind == CHARGE_SHIPPING)
            sum += o->charges[k].amount_cents;
    return sum;
}

/* has_discount - whether the order has a coupon's discount */
static bool
has_discount(const order_t *o)
{
    for (size_t k = 0; k < o->ncharges; k++)
        if (o->charges[k].kind == CHARGE_DISCOUNT)
            return true;
    return false;
}

/* add_line - a refunded quantity of line k; lines of the same k add up */
static void
add_line(order_credit_t *c, size_t k, int64_t quantity_e4)
{
    for (size_t i = 0; i < c->nlines; i++)
        if (c->lines[i].line == k) {
            c->lines[i].quantity_e4 += quantity_e4;
            return;
        }
    c->lines = xrealloc(c->lines, (c->nlines + 1) * sizeof *c->lines);
    c->lines[c->nlines].line = k;
    c->lines[c->nlines++].quantity_e4 = quantity_e4;
}

/* read_lines - a refund's line_items into c; false with why */
static bool
read_lines(const json_t *refund, const order_t *o, order_credit_t *c, char *why, size_t len)
{
    json_t *it;
    size_t  i;

    json_array_foreach(json_object_get(refund, "line_items"), i, it) {
        json_t *q = json_object_get(it, "quantity");
        int64_t qty = json_is_integer(q) ? json_integer_value(q) : 0;
        int64_t item = refunded_item(it);
        long    k = line_of(o, item);

        if (qty < 0)
            qty = -qty;
        if (qty == 0 && cents_of(it, "total") == 0)
            continue;                   /* listed, nothing returned */
        if (qty == 0 || qty > INT64_C(100000000)) {
            snprintf(why, len, "regel %zu is terugbetaald met een bedrag maar zonder aantal",
                     i + 1);
            return false;
        }
        if (k < 0) {
            snprintf(why, len, "regel %zu wijst naar orderregel %" PRId64 ", die de order "
                     "niet heeft", i + 1, item);
            return false;
        }
        add_line(c, (size_t) k, qty * 10000);
    }
    return true;
}

/* read_costs - a refund's shipping_lines and fee_lines into c; false with why */
static bool
read_costs(const json_t *refund, const order_t *o, order_credit_t *c, char *why, size_t len)
{
    json_t *it;
    size_t  i;
    int64_t shipping = 0;

    json_array_foreach(json_object_get(refund, "fee_lines"), i, it)
        if (cents_of(it, "total") != 0) {
            snprintf(why, len, "er zijn kosten (fee_lines) terugbetaald");
            return false;
        }
    json_array_foreach(json_object_get(refund, "shipping_lines"), i, it)
        shipping -= cents_of(it, "total");
    if (shipping == 0)
        return true;
    if (shipping != shipping_of(o)) {
        snprintf(why, len, "een deel van de verzendkosten is terugbetaald");
        return false;
    }
    c->shipping = true;
    return true;
}

/* read_refund - one refund into r: what it credits, or its error */
static void
read_refund(const json_t *refund, const order_t *o, int64_t id, order_refund_t *r)
{
    char    why[256], amount[32];

    snprintf(r->refund, sizeof r->refund, "refund %" PRId64, id);
    *why = 0;
    if (has_discount(o))
        snprintf(why, sizeof why, "de order heeft een kortingsbon, en de shop zegt niet welk "
                 "deel van de korting de terugbetaling terugneemt");
    else if (read_lines(refund, o, &r->what, why, sizeof why)
             && read_costs(refund, o, &r->what, why, sizeof why)
             && r->what.nlines == 0 && !r->what.shipping)
        snprintf(why, sizeof why, "alleen een bedrag, zonder regels: koppel kan het niet "
                 "eerlijk over de btw-tarieven verdelen");
    if (*why == 0)
        return;
    snprintf(amount, sizeof amount, "%s", json_is_string(json_object_get(refund, "amount"))
             ? json_string_value(json_object_get(refund, "amount")) : "?");
    r->error = xasprintf("Terugbetaling %" PRId64 " van order %" PRId64 " (%s %s) is niet als "
                         "creditnota geboekt: %s. Boek de creditnota met de hand in SnelStart "
                         "en verwijder daarna deze melding met koppelctl dlq drop", id,
                         o->number, o->currency, amount, why);
    free(r->what.lines);
    memset(&r->what, 0, sizeof r->what);
}

/* wcrefund_parse - the refunds of order o in body */
bool
wcrefund_parse(const char *body, size_t len, const order_t *o, order_refund_t **refunds,
               size_t *n, char *err, size_t errlen)
{
    json_error_t jerr;
    json_t *doc = json_loadb(body, len, 0, &jerr), *it, *id;
    size_t  i;

    *refunds = NULL;
    *n = 0;
    if (!json_is_array(doc)) {
        snprintf(err, errlen, "orders/%" PRId64 "/refunds: %s", o->number,
                 doc ? "geen lijst van terugbetalingen" : jerr.text);
        json_decref(doc);
        return false;
    }
    *refunds = xcalloc(json_array_size(doc) + 1, sizeof **refunds);
    json_array_foreach(doc, i, it) {
        id = json_object_get(it, "id");
        if (!json_is_integer(id) || json_integer_value(id) <= 0) {
            snprintf(err, errlen, "orders/%" PRId64 "/refunds[%zu].id: geen id", o->number, i);
            order_item_t read = { .refunds = *refunds, .nrefunds = *n };

            order_item_refunds_clear(&read);
            *refunds = NULL;
            *n = 0;
            json_decref(doc);
            return false;
        }
        read_refund(it, o, json_integer_value(id), &(*refunds)[(*n)++]);
    }
    json_decref(doc);
    return true;
}
