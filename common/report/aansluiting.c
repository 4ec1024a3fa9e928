/*
 * NAME
 *   aansluiting - the reconciliation of a shop's orders with SnelStart's
 *   verkoopfacturen over a period
 *
 * DESCRIPTION
 *   See aansluiting.h. The verkoopfacturen are indexed by factuurnummer (a
 *   jansson object as the hash), so a year of orders is compared in one
 *   pass over each list.
 *
 * DIAGNOSTICS
 *   Only the .xlsx export can fail; it names the file.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <xlsxwriter.h>

#include "aansluiting.h"
#include "money.h"
#include "xalloc.h"

#define NONE INT64_MIN

struct aansluiting {
    char    profile[128], van[11], tot[11];
    aansluiting_row_t *rows;
    size_t  nrows, cap;
    size_t  norders, nfacturen;
    int64_t shop_total, snelstart_total;
};

/* add - one difference */
static aansluiting_row_t *
add(aansluiting_t *a, const char *soort, int64_t order, const char *factuurnummer,
    int64_t shop, int64_t snelstart)
{
    aansluiting_row_t *r;

    if (a->nrows == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 32;
        a->rows = xrealloc(a->rows, a->cap * sizeof *a->rows);
    }
    r = &a->rows[a->nrows++];
    memset(r, 0, sizeof *r);
    r->soort = soort;
    r->order = order;
    snprintf(r->factuurnummer, sizeof r->factuurnummer, "%s", factuurnummer ? factuurnummer : "");
    r->shop_cents = shop;
    r->snelstart_cents = snelstart;
    return r;
}

/* credit_base - for a credit note "X-C12" the length of X, else 0 */
static size_t
credit_base(const char *nr)
{
    const char *c = strstr(nr, "-C"), *p;

    while (c && strstr(c + 1, "-C"))
        c = strstr(c + 1, "-C");
    if (c == NULL || c == nr || c[2] == 0)
        return 0;
    for (p = c + 2; *p; p++)
        if (*p < '0' || *p > '9')
            return 0;
    return (size_t) (c - nr);
}

/* dead_of - the open dead letter of an order, or NULL */
static const aansluiting_dead_t *
dead_of(const aansluiting_dead_t *dead, size_t ndead, int64_t number)
{
    for (size_t i = 0; i < ndead; i++)
        if (dead[i].number == number)
            return &dead[i];
    return NULL;
}

/* row_cmp - rows by order number (0 last), then kind */
static int
row_cmp(const void *x, const void *y)
{
    const aansluiting_row_t *a = x, *b = y;
    int64_t oa = a->order ? a->order : INT64_MAX, ob = b->order ? b->order : INT64_MAX;

    if (oa != ob)
        return oa < ob ? -1 : 1;
    if (strcmp(a->factuurnummer, b->factuurnummer) != 0)
        return strcmp(a->factuurnummer, b->factuurnummer);
    return strcmp(a->soort, b->soort);
}

/* check_order - one order against its verkoopfacturen and credit notes */
static void
check_order(aansluiting_t *a, const aansluiting_order_t *o, const json_t *booked,
            const json_t *credited, const aansluiting_factuur_t *facturen,
            const aansluiting_dead_t *dead, size_t ndead)
{
    const json_t *hits = json_object_get(booked, o->factuurnummer);
    size_t  n = json_array_size(hits);
    const aansluiting_dead_t *d = dead_of(dead, ndead, o->number);
    const aansluiting_factuur_t *f = n ? &facturen[json_integer_value(json_array_get(hits, 0))]
        : NULL;
    char    b1[40], b2[40];
    aansluiting_row_t *r;

    if (!o->readable) {
        r = add(a, "onleesbaar", o->number, NULL, NONE, NONE);
        snprintf(r->toelichting, sizeof r->toelichting, "de shop gaf een order die koppel niet "
                 "kan lezen: %s", o->error);
        return;
    }
    if (o->status == ORDER_INCOMPLETE || o->status == ORDER_CANCELLED) {
        const json_t *credit = json_object_get(credited, o->factuurnummer);

        if (n > 0 && credit == NULL) {
            r = add(a, "niet te boeken", o->number, o->factuurnummer, o->total_cents,
                    f->bedrag_cents);
            snprintf(r->toelichting, sizeof r->toelichting, "de order is %s maar staat als "
                     "verkoopfactuur in SnelStart, zonder creditnota",
                     order_status_name(o->status));
        } else if (n > 0 && json_integer_value(credit) != -f->bedrag_cents) {
            r = add(a, "creditnota", o->number, o->factuurnummer, o->total_cents,
                    f->bedrag_cents);
            snprintf(r->toelichting, sizeof r->toelichting, "de order is %s, maar de "
                     "creditnota's (samen %s) heffen verkoopfactuur %s (%s) niet op",
                     order_status_name(o->status),
                     money_format_cents_nl(json_integer_value(credit), b1, sizeof b1),
                     o->factuurnummer, money_format_cents_nl(f->bedrag_cents, b2, sizeof b2));
        }
        return;
    }
    a->shop_total += o->total_cents;
    if (n == 0) {
        r = add(a, d ? "dode letter" : "ontbreekt", o->number, o->factuurnummer,
                o->total_cents, NONE);
        if (d)
            snprintf(r->toelichting, sizeof r->toelichting, "niet geboekt, de order staat in "
                     "de dode-letterwachtrij: %s", d->reason);
        else
            snprintf(r->toelichting, sizeof r->toelichting, "geen verkoopfactuur %s in "
                     "SnelStart", o->factuurnummer);
        return;
    }
    if (d) {
        r = add(a, "dode letter", o->number, o->factuurnummer, o->total_cents,
                f->bedrag_cents);
        snprintf(r->toelichting, sizeof r->toelichting, "geboekt, maar de dode letter staat "
                 "nog open (koppelctl dlq drop %s:%" PRId64 "): %s", a->profile, o->number,
                 d->reason);
    }
    if (n > 1) {
        r = add(a, "dubbel", o->number, o->factuurnummer, o->total_cents, f->bedrag_cents);
        snprintf(r->toelichting, sizeof r->toelichting, "%zu verkoopfacturen %s in SnelStart",
                 n, o->factuurnummer);
    }
    if (f->bedrag_cents != o->total_cents) {
        r = add(a, "bedrag anders", o->number, o->factuurnummer, o->total_cents,
                f->bedrag_cents);
        snprintf(r->toelichting, sizeof r->toelichting, "factuurbedrag %s, de order %s",
                 money_format_cents_nl(f->bedrag_cents, b1, sizeof b1),
                 money_format_cents_nl(o->total_cents, b2, sizeof b2));
    }
    if (f->btw_cents >= 0 && llabs(f->btw_cents - o->vat_cents) > o->vat_tolerance) {
        r = add(a, "btw anders", o->number, o->factuurnummer, o->vat_cents, f->btw_cents);
        snprintf(r->toelichting, sizeof r->toelichting, "btw in SnelStart %s, op de order %s",
                 money_format_cents_nl(f->btw_cents, b1, sizeof b1),
                 money_format_cents_nl(o->vat_cents, b2, sizeof b2));
    }
}

/* aansluiting_new - compare the period */
aansluiting_t *
aansluiting_new(const char *profile, const char *van, const char *tot,
                const aansluiting_order_t *orders, size_t norders,
                const aansluiting_factuur_t *facturen, size_t nfacturen,
                const aansluiting_dead_t *dead, size_t ndead)
{
    aansluiting_t *a = xcalloc(1, sizeof *a);
    json_t *booked = json_object(), *credited = json_object(), *known = json_object();
    aansluiting_row_t *r;
    size_t  i, base;
    char    nr[64];

    snprintf(a->profile, sizeof a->profile, "%s", profile);
    snprintf(a->van, sizeof a->van, "%s", van);
    snprintf(a->tot, sizeof a->tot, "%s", tot);
    a->norders = norders;
    a->nfacturen = nfacturen;
    for (i = 0; i < nfacturen; i++) {
        const char *fnr = facturen[i].factuurnummer;
        json_t *list;

        a->snelstart_total += facturen[i].bedrag_cents;
        if ((base = credit_base(fnr)) > 0) {
            snprintf(nr, sizeof nr, "%.*s", (int) base, fnr);   /* the sum of its credit notes */
            json_object_set_new(credited, nr, json_integer(facturen[i].bedrag_cents
                                + json_integer_value(json_object_get(credited, nr))));
            continue;
        }
        if ((list = json_object_get(booked, fnr)) == NULL)
            json_object_set_new(booked, fnr, list = json_array());
        json_array_append_new(list, json_integer((json_int_t) i));
    }
    for (i = 0; i < norders; i++) {
        if (orders[i].readable)
            json_object_set_new(known, orders[i].factuurnummer, json_true());
        check_order(a, &orders[i], booked, credited, facturen, dead, ndead);
    }
    for (i = 0; i < nfacturen; i++) {
        const aansluiting_factuur_t *f = &facturen[i];

        if ((base = credit_base(f->factuurnummer)) > 0) {
            snprintf(nr, sizeof nr, "%.*s", (int) base, f->factuurnummer);
            if (json_object_get(known, nr) == NULL) {
                r = add(a, "creditnota", 0, f->factuurnummer, NONE, f->bedrag_cents);
                snprintf(r->toelichting, sizeof r->toelichting, "creditnota van %s, maar die "
                         "order is geen order van de periode", nr);
            } else if (f->bedrag_cents >= 0) {
                r = add(a, "creditnota", 0, f->factuurnummer, NONE, f->bedrag_cents);
                snprintf(r->toelichting, sizeof r->toelichting, "creditnota van %s met een "
                         "bedrag dat niet negatief is", nr);
            }
        } else if (json_object_get(known, f->factuurnummer) == NULL) {
            r = add(a, "zonder order", 0, f->factuurnummer, NONE, f->bedrag_cents);
            snprintf(r->toelichting, sizeof r->toelichting, "verkoopfactuur van %s zonder "
                     "order in de shop in deze periode", f->datum);
        }
    }
    json_decref(booked);
    json_decref(credited);
    json_decref(known);
    if (a->nrows > 1)
        qsort(a->rows, a->nrows, sizeof *a->rows, row_cmp);
    return a;
}

/* aansluiting_destroy - free and null the caller's pointer */
void
aansluiting_destroy(aansluiting_t **self_p)
{
    if (self_p == NULL || *self_p == NULL)
        return;
    free((*self_p)->rows);
    free(*self_p);
    *self_p = NULL;
}

/* aansluiting_rows - the differences */
const aansluiting_row_t *
aansluiting_rows(const aansluiting_t *self, size_t *n)
{
    *n = self->nrows;
    return self->rows;
}

/* cell - an amount, or "-" for none */
static const char *
cell(int64_t cents, char *buf, size_t len)
{
    if (cents == NONE) {
        snprintf(buf, len, "-");
        return buf;
    }
    return money_format_cents_nl(cents, buf, len);
}

/* aansluiting_print - the readable table */
void
aansluiting_print(const aansluiting_t *self, FILE *fp)
{
    char    b1[40], b2[40], ord[24];
    size_t  i;

    fprintf(fp, "Aansluiting profiel %s, %s t/m %s\n", self->profile, self->van, self->tot);
    fprintf(fp, "Shop: %zu orders, te boeken %s. SnelStart: %zu verkoopfacturen, totaal %s.\n\n",
            self->norders, money_format_cents_nl(self->shop_total, b1, sizeof b1),
            self->nfacturen, money_format_cents_nl(self->snelstart_total, b2, sizeof b2));
    if (self->nrows == 0) {
        fprintf(fp, "Geen verschillen: elke order is een keer geboekt met hetzelfde bedrag, "
                "de periode sluit aan.\n");
        return;
    }
    fprintf(fp, "%-15s %-10s %-16s %12s %12s  %s\n", "Soort", "Order", "Factuurnummer", "Shop",
            "SnelStart", "Toelichting");
    for (i = 0; i < self->nrows; i++) {
        const aansluiting_row_t *r = &self->rows[i];

        if (r->order)
            snprintf(ord, sizeof ord, "%" PRId64, r->order);
        else
            snprintf(ord, sizeof ord, "-");
        fprintf(fp, "%-15s %-10s %-16s %12s %12s  %s\n", r->soort, ord,
                *r->factuurnummer ? r->factuurnummer : "-",
                cell(r->shop_cents, b1, sizeof b1), cell(r->snelstart_cents, b2, sizeof b2),
                r->toelichting);
    }
    fprintf(fp, "\n%zu verschil%s.\n", self->nrows, self->nrows == 1 ? "" : "len");
}

/* aansluiting_export_xlsx - one sheet */
bool
aansluiting_export_xlsx(const aansluiting_t *self, const char *path, char *err, size_t errlen)
{
    static const char *const columns[] = { "Soort", "Order", "Factuurnummer", "Shop",
        "SnelStart", "Toelichting" };
    lxw_workbook *wb;
    lxw_worksheet *ws;
    lxw_format *bold, *euro;
    lxw_error rc;
    char    title[256];
    size_t  i, c;

    if ((wb = workbook_new(path)) == NULL) {
        snprintf(err, errlen, "%s: cannot create the workbook", path);
        return false;
    }
    ws = workbook_add_worksheet(wb, "Aansluiting");
    bold = workbook_add_format(wb);
    format_set_bold(bold);
    euro = workbook_add_format(wb);
    format_set_num_format(euro, "#,##0.00");
    snprintf(title, sizeof title, "Aansluiting profiel %s, %s t/m %s", self->profile,
             self->van, self->tot);
    worksheet_write_string(ws, 0, 0, title, bold);
    worksheet_write_string(ws, 1, 0, "Orders in de shop", NULL);
    worksheet_write_number(ws, 1, 1, (double) self->norders, NULL);
    worksheet_write_string(ws, 1, 2, "te boeken", NULL);
    worksheet_write_number(ws, 1, 3, (double) self->shop_total / 100.0, euro);
    worksheet_write_string(ws, 2, 0, "Verkoopfacturen", NULL);
    worksheet_write_number(ws, 2, 1, (double) self->nfacturen, NULL);
    worksheet_write_string(ws, 2, 2, "totaal", NULL);
    worksheet_write_number(ws, 2, 4, (double) self->snelstart_total / 100.0, euro);
    for (c = 0; c < sizeof columns / sizeof columns[0]; c++)
        worksheet_write_string(ws, 4, (lxw_col_t) c, columns[c], bold);
    for (i = 0; i < self->nrows; i++) {
        const aansluiting_row_t *r = &self->rows[i];
        lxw_row_t row = (lxw_row_t) (5 + i);

        worksheet_write_string(ws, row, 0, r->soort, NULL);
        if (r->order)
            worksheet_write_number(ws, row, 1, (double) r->order, NULL);
        worksheet_write_string(ws, row, 2, r->factuurnummer, NULL);
        if (r->shop_cents != NONE)
            worksheet_write_number(ws, row, 3, (double) r->shop_cents / 100.0, euro);
        if (r->snelstart_cents != NONE)
            worksheet_write_number(ws, row, 4, (double) r->snelstart_cents / 100.0, euro);
        worksheet_write_string(ws, row, 5, r->toelichting, NULL);
    }
    if (self->nrows == 0)
        worksheet_write_string(ws, 5, 0, "Geen verschillen: de periode sluit aan.", NULL);
    worksheet_set_column(ws, 0, 0, 16, NULL);
    worksheet_set_column(ws, 2, 2, 16, NULL);
    worksheet_set_column(ws, 3, 4, 12, NULL);
    worksheet_set_column(ws, 5, 5, 80, NULL);
    if ((rc = workbook_close(wb)) != LXW_NO_ERROR) {
        snprintf(err, errlen, "%s: cannot write the workbook: %s", path, lxw_strerror(rc));
        return false;
    }
    return true;
}
