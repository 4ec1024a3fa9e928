/*
 * NAME
 *   creditnota - the credit verkoopboeking of a refunded order
 *
 * DESCRIPTION
 *   See creditnota.h. creditnota_order() keeps of a copy of the original
 *   what was refunded and negates it; creditnota_build() books that with
 *   boeking_build() and gives the body the credit note's factuurnummer
 *   and an omschrijving that names the original.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "creditnota.h"
#include "factuurnummer.h"
#include "money.h"
#include "xalloc.h"

#define MAX_OMSCHRIJVING 250

/* creditnota_refund_of - the refund an order carries as a credit note */
creditnota_refund_t
creditnota_refund_of(const order_t *o)
{
    return (creditnota_refund_t) { .seq = o->credit.seq, .full = o->credit.full,
                                   .lines = o->credit.lines, .nlines = o->credit.nlines,
                                   .shipping = o->credit.shipping };
}

/* original_factuurnummer - the factuurnummer the order was booked as: the
 * one it carries, else the profile's for its number */
static bool
original_factuurnummer(const order_t *o, const profile_t *p, char *buf, size_t len)
{
    if (*o->credit.original == 0)
        return boeking_factuurnummer(o, p, buf, len);
    snprintf(buf, len, "%s", o->credit.original);
    return strlen(o->credit.original) < len;
}

/* creditnota_factuurnummer - the original's factuurnummer + "-C" + seq */
bool
creditnota_factuurnummer(const order_t *original, const profile_t *p, int seq, char *buf,
                         size_t len)
{
    char    nr[64];
    int     n;

    if (seq < 1 || !original_factuurnummer(original, p, nr, sizeof nr))
        return false;
    n = snprintf(buf, len, "%s-C%d", nr, seq);
    return n > 0 && (size_t) n < len && n <= FACTUURNUMMER_MAX;
}

/* refunded_quantity - the quantity of line i the refund returns (0: none) */
static int64_t
refunded_quantity(const order_t *o, const creditnota_refund_t *r, size_t i)
{
    int64_t q = 0;

    if (r->full)
        return o->lines[i].quantity_e4;
    for (size_t k = 0; k < r->nlines; k++)
        if (r->lines[k].line == i)
            q += r->lines[k].quantity_e4;
    return q;
}

/* restate_vat - the stated VAT per rate of what is left in o, computed from
 * its amounts as the shop would invoice them; and the totals */
static void
restate_vat(order_t *o)
{
    int32_t rates[64];
    size_t  nrates = 0;

    free(o->vats);
    o->vats = NULL;
    o->nvats = 0;
    for (size_t i = 0; i < o->nlines + o->ncharges; i++) {
        int32_t rate = i < o->nlines ? o->lines[i].vat_rate_e2
                                     : o->charges[i - o->nlines].vat_rate_e2;
        size_t  j;

        for (j = 0; j < nrates && rates[j] != rate; j++)
            ;
        if (j == nrates && nrates < sizeof rates / sizeof rates[0])
            rates[nrates++] = rate;
    }
    o->total_excl_cents = o->total_vat_cents = 0;
    for (size_t j = 0; j < nrates; j++) {
        int64_t gross = 0;
        order_vat_t *v;

        for (size_t i = 0; i < o->nlines; i++)
            if (o->lines[i].vat_rate_e2 == rates[j])
                gross += o->lines[i].total_cents;
        for (size_t i = 0; i < o->ncharges; i++)
            if (o->charges[i].vat_rate_e2 == rates[j])
                gross += o->charges[i].amount_cents;
        v = order_add_vat(o);
        v->rate_e2 = rates[j];
        if (o->prices_include_vat) {
            v->amount_cents = money_muldiv_round(gross, rates[j], 10000 + rates[j]);
            v->base_cents = gross - v->amount_cents;
        } else {
            v->base_cents = gross;
            v->amount_cents = money_muldiv_round(gross, rates[j], 10000);
        }
        o->total_excl_cents += v->base_cents;
        o->total_vat_cents += v->amount_cents;
    }
    o->total_incl_cents = o->total_excl_cents + o->total_vat_cents;
}

/* creditnota_order - what was refunded, negated */
order_t *
creditnota_order(const order_t *original, const creditnota_refund_t *r, char *err, size_t errlen)
{
    order_t *o;
    size_t  kept = 0;

    for (size_t k = 0; !r->full && k < r->nlines; k++)
        if (r->lines[k].line >= original->nlines || r->lines[k].quantity_e4 <= 0) {
            snprintf(err, errlen, "order %" PRId64 ": the refund names line %zu, which the "
                     "order does not have", original->number, r->lines[k].line + 1);
            return NULL;
        }
    for (size_t i = 0; i < original->nlines; i++)
        if (refunded_quantity(original, r, i) > original->lines[i].quantity_e4) {
            snprintf(err, errlen, "order %" PRId64 ": the refund returns more of line %zu (%s) "
                     "than was sold", original->number, i + 1, original->lines[i].description);
            return NULL;
        }
    o = order_dup(original);
    for (size_t i = 0; i < o->nlines; i++) {
        order_line_t *l = &o->lines[i];
        int64_t q = refunded_quantity(original, r, i);

        if (q == 0) {
            free(l->sku);
            free(l->description);
            continue;
        }
        if (q != l->quantity_e4)    /* a part of the line: its share of the total */
            l->total_cents = money_muldiv_round(l->total_cents, q, l->quantity_e4);
        l->quantity_e4 = q;
        l->total_cents = -l->total_cents;
        o->lines[kept++] = *l;
    }
    o->nlines = kept;
    kept = 0;
    for (size_t i = 0; i < o->ncharges; i++) {
        order_charge_t *c = &o->charges[i];

        if (!r->full && !(r->shipping && c->kind == CHARGE_SHIPPING)) {
            free(c->description);
            continue;
        }
        c->amount_cents = -c->amount_cents;
        o->charges[kept++] = *c;
    }
    o->ncharges = kept;
    if (r->full) {                  /* the VAT as invoiced, negated: a mirror */
        for (size_t i = 0; i < o->nvats; i++) {
            o->vats[i].base_cents = -o->vats[i].base_cents;
            o->vats[i].amount_cents = -o->vats[i].amount_cents;
        }
        o->total_excl_cents = -o->total_excl_cents;
        o->total_vat_cents = -o->total_vat_cents;
        o->total_incl_cents = -o->total_incl_cents;
    } else {
        restate_vat(o);
    }
    if (o->nlines + o->ncharges == 0) {
        snprintf(err, errlen, "order %" PRId64 ": the refund returns nothing to credit",
                 original->number);
        order_destroy(&o);
    }
    return o;
}

/* creditnota_build - the credit note's VerkoopBoekingModel */
json_t *
creditnota_build(const order_t *original, const creditnota_refund_t *refund, const profile_t *p,
                 const char *klant_id, const boeking_ctx_t *ctx, char *err, size_t errlen)
{
    char    nr[64], orig[64], omschrijving[512];
    order_t *o;
    json_t *body;

    if (!creditnota_factuurnummer(original, p, refund->seq, nr, sizeof nr)
        || !original_factuurnummer(original, p, orig, sizeof orig)) {
        snprintf(err, errlen, "order %" PRId64 ": the factuurnummer of credit note %d would be "
                 "longer than SnelStart's %d characters; shorten setting profiles.%s."
                 "factuurnummer_prefix", original->number, refund->seq, FACTUURNUMMER_MAX,
                 p->name ? p->name : "");
        return NULL;
    }
    if ((o = creditnota_order(original, refund, err, errlen)) == NULL)
        return NULL;
    body = boeking_build(o, p, klant_id, ctx, err, errlen);
    order_destroy(&o);
    if (body == NULL)
        return NULL;
    snprintf(omschrijving, sizeof omschrijving, "Creditnota %s bij factuur %s (%s)", nr, orig,
             json_string_value(json_object_get(body, "omschrijving")));
    if (!boeking_cut_text(omschrijving, MAX_OMSCHRIJVING)) {
        json_decref(body);
        snprintf(err, errlen, "order %" PRId64 ": the omschrijving is not valid UTF-8",
                 original->number);
        return NULL;
    }
    json_object_set_new(body, "factuurnummer", json_string(nr));
    json_object_set_new(body, "omschrijving", json_string(omschrijving));
    return body;
}
