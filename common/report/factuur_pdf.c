/*
 * NAME
 *   factuur_pdf - an order's invoice as a PDF document
 *
 * DESCRIPTION
 *   See factuur_pdf.h. libharu reports errors through a handler; the
 *   handler only records the first one, and every drawing call after it
 *   is harmless, so the document is checked once, when it is saved.
 *
 * DIAGNOSTICS
 *   NULL with err when libharu fails (out of memory, a bad value).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <hpdf.h>

#include "factuur_pdf.h"
#include "money.h"
#include "xalloc.h"

#define PAGE_W   595.0f          /* A4 in points */
#define PAGE_H   842.0f
#define MARGIN   50.0f
#define LINE     14.0f
#define BOTTOM   90.0f

typedef struct {
    HPDF_Doc  pdf;
    HPDF_Page page;
    HPDF_Font regular, bold;
    float     y;
    HPDF_STATUS error;           /* the first libharu error, 0 when none */
    HPDF_STATUS detail;
} doc_t;

/* on_error - libharu's error handler: keep the first error */
static void
on_error(HPDF_STATUS error, HPDF_STATUS detail, void *data)
{
    doc_t  *d = data;

    if (d->error == 0) {
        d->error = error;
        d->detail = detail;
    }
}

/* cp1252 - a UTF-8 text in WinAnsi (CP1252), '?' for what it lacks (new memory) */
static char *
cp1252(const char *s)
{
    static const struct { uint32_t cp; unsigned char c; } high[] = {
        { 0x20AC, 0x80 }, { 0x201A, 0x82 }, { 0x0192, 0x83 }, { 0x201E, 0x84 },
        { 0x2026, 0x85 }, { 0x2020, 0x86 }, { 0x2021, 0x87 }, { 0x02C6, 0x88 },
        { 0x2030, 0x89 }, { 0x0160, 0x8A }, { 0x2039, 0x8B }, { 0x0152, 0x8C },
        { 0x017D, 0x8E }, { 0x2018, 0x91 }, { 0x2019, 0x92 }, { 0x201C, 0x93 },
        { 0x201D, 0x94 }, { 0x2022, 0x95 }, { 0x2013, 0x96 }, { 0x2014, 0x97 },
        { 0x02DC, 0x98 }, { 0x2122, 0x99 }, { 0x0161, 0x9A }, { 0x203A, 0x9B },
        { 0x0153, 0x9C }, { 0x017E, 0x9E }, { 0x0178, 0x9F },
    };
    const unsigned char *p = (const unsigned char *) s;
    char   *out = xmalloc(strlen(s) + 1), *o = out;

    while (*p) {
        uint32_t cp;
        int     n, i;
        size_t  k;

        if (*p < 0x80) {
            *o++ = (char) *p++;
            continue;
        }
        n = (*p & 0xE0) == 0xC0 ? 1 : (*p & 0xF0) == 0xE0 ? 2 : (*p & 0xF8) == 0xF0 ? 3 : -1;
        if (n < 0) {
            *o++ = '?';
            p++;
            continue;
        }
        cp = *p & (0x3F >> n);
        for (i = 1; i <= n && (p[i] & 0xC0) == 0x80; i++)
            cp = cp << 6 | (p[i] & 0x3F);
        p += i;
        if (i <= n) {
            *o++ = '?';
            continue;
        }
        if (cp >= 0xA0 && cp <= 0xFF) {
            *o++ = (char) cp;
            continue;
        }
        for (k = 0; k < sizeof high / sizeof high[0] && high[k].cp != cp; k++)
            ;
        *o++ = k < sizeof high / sizeof high[0] ? (char) high[k].c : '?';
    }
    *o = 0;
    return out;
}

/* amount - cents as the invoice writes them: "-1.234,56" */
static const char *
amount(int64_t cents, char *buf, size_t len)
{
    return money_format_cents_nl(cents, buf, len);
}

/* decimal - a fixed-point number shortest, with a decimal comma: 1,5 */
static const char *
decimal(int64_t value, int decimals, char *buf, size_t len)
{
    char   *c;

    money_format_fixed(value, decimals, buf, len);
    if ((c = strchr(buf, '.')) != NULL)
        *c = ',';
    return buf;
}

/* new_page - start a page */
static void
new_page(doc_t *d)
{
    d->page = HPDF_AddPage(d->pdf);
    HPDF_Page_SetSize(d->page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
    d->y = PAGE_H - MARGIN;
}

/* text - one UTF-8 text at x on the current line; right-aligned at x when right */
static void
text(doc_t *d, HPDF_Font font, float size, float x, bool right, const char *utf8)
{
    char   *t = cp1252(utf8);

    HPDF_Page_BeginText(d->page);
    HPDF_Page_SetFontAndSize(d->page, font, size);
    if (right)
        x -= HPDF_Page_TextWidth(d->page, t);
    HPDF_Page_TextOut(d->page, x, d->y, t);
    HPDF_Page_EndText(d->page);
    free(t);
}

/* next_line - down one line, to a new page when this one is full */
static void
next_line(doc_t *d, float lines)
{
    d->y -= LINE * lines;
    if (d->y < BOTTOM)
        new_page(d);
}

/* lines_of - each line of a text with "\n" between lines */
static void
lines_of(doc_t *d, float x, const char *s)
{
    char   *copy = xstrdup(s), *save = NULL, *l;

    for (l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        text(d, d->regular, 10, x, false, l);
        next_line(d, 1);
    }
    free(copy);
}

/* row - a table row: description, quantity, unit price, rate, amount */
static void
row(doc_t *d, HPDF_Font font, const char *desc, const char *qty, const char *price,
    const char *rate, const char *total)
{
    char    cut[256];

    snprintf(cut, sizeof cut, "%.45s", desc);   /* clear of the quantity column */
    text(d, font, 10, MARGIN, false, cut);
    text(d, font, 10, 300, true, qty);
    text(d, font, 10, 370, true, price);
    text(d, font, 10, 430, true, rate);
    text(d, font, 10, PAGE_W - MARGIN, true, total);
    next_line(d, 1);
}

/* seller - the profile's name, address, VAT and KvK number */
static void
seller(doc_t *d, const profile_t *p)
{
    char    buf[256];

    text(d, d->bold, 16, MARGIN, false, p->shop_naam);
    next_line(d, 1.5f);
    lines_of(d, MARGIN, p->shop_adres);
    snprintf(buf, sizeof buf, "Btw-nummer: %s", p->shop_btw_nummer);
    text(d, d->regular, 10, MARGIN, false, buf);
    next_line(d, 1);
    if (*p->shop_kvk_nummer) {
        snprintf(buf, sizeof buf, "KvK-nummer: %s", p->shop_kvk_nummer);
        text(d, d->regular, 10, MARGIN, false, buf);
        next_line(d, 1);
    }
}

/* customer - the billing address and the customer's VAT number */
static void
customer(doc_t *d, const order_t *o)
{
    const order_address_t *b = &o->billing;
    char    buf[512];

    if (*b->company) {
        text(d, d->regular, 10, MARGIN, false, b->company);
        next_line(d, 1);
    }
    snprintf(buf, sizeof buf, "%s %s", b->first_name, b->last_name);
    if (strcmp(buf, " ") != 0) {
        text(d, d->regular, 10, MARGIN, false, buf);
        next_line(d, 1);
    }
    snprintf(buf, sizeof buf, "%s %s%s", b->street, b->house_number, b->house_number_addition);
    text(d, d->regular, 10, MARGIN, false, buf);
    next_line(d, 1);
    snprintf(buf, sizeof buf, "%s  %s  %s", b->postcode, b->city, b->country);
    text(d, d->regular, 10, MARGIN, false, buf);
    next_line(d, 1);
    if (*o->vat_number) {
        snprintf(buf, sizeof buf, "Btw-nummer klant: %s", o->vat_number);
        text(d, d->regular, 10, MARGIN, false, buf);
        next_line(d, 1);
    }
}

/* items - every line and charge as the order states it */
static void
items(doc_t *d, const order_t *o)
{
    char    q[32], pr[32], r[32], t[32], rate[40];
    size_t  i;

    row(d, d->bold, "Omschrijving", "Aantal", "Prijs", "Btw",
        o->prices_include_vat ? "Bedrag incl. btw" : "Bedrag excl. btw");
    for (i = 0; i < o->nlines; i++) {
        const order_line_t *l = &o->lines[i];

        snprintf(rate, sizeof rate, "%s%%", decimal(l->vat_rate_e2, 2, r, sizeof r));
        row(d, d->regular, *l->description ? l->description : l->sku,
            decimal(l->quantity_e4, 4, q, sizeof q),
            amount(money_muldiv_round(l->unit_price_e4, 1, 100), pr, sizeof pr), rate,
            amount(l->total_cents, t, sizeof t));
    }
    for (i = 0; i < o->ncharges; i++) {
        const order_charge_t *c = &o->charges[i];

        snprintf(rate, sizeof rate, "%s%%", decimal(c->vat_rate_e2, 2, r, sizeof r));
        row(d, d->regular, *c->description ? c->description
            : order_charge_kind_name(c->kind), "", "", rate,
            amount(c->amount_cents, t, sizeof t));
    }
}

/* totals - VAT per rate, then excl., VAT and incl. */
static void
totals(doc_t *d, const order_t *o)
{
    char    label[96], r[32], b[32], v[32];
    size_t  i;

    next_line(d, 1);
    for (i = 0; i < o->nvats; i++) {
        snprintf(label, sizeof label, "Btw %s%% over %s", decimal(o->vats[i].rate_e2, 2, r,
                 sizeof r), amount(o->vats[i].base_cents, b, sizeof b));
        text(d, d->regular, 10, 330, false, label);
        text(d, d->regular, 10, PAGE_W - MARGIN, true,
             amount(o->vats[i].amount_cents, v, sizeof v));
        next_line(d, 1);
    }
    next_line(d, 0.5f);
    snprintf(label, sizeof label, "Totaal excl. btw (%s)", o->currency);
    text(d, d->regular, 10, 330, false, label);
    text(d, d->regular, 10, PAGE_W - MARGIN, true, amount(o->total_excl_cents, v, sizeof v));
    next_line(d, 1);
    text(d, d->regular, 10, 330, false, "Btw");
    text(d, d->regular, 10, PAGE_W - MARGIN, true, amount(o->total_vat_cents, v, sizeof v));
    next_line(d, 1);
    snprintf(label, sizeof label, "Totaal incl. btw (%s)", o->currency);
    text(d, d->bold, 11, 330, false, label);
    text(d, d->bold, 11, PAGE_W - MARGIN, true, amount(o->total_incl_cents, v, sizeof v));
    next_line(d, 1);
}

/* factuur_pdf_render - the invoice of one order as PDF bytes */
unsigned char *
factuur_pdf_render(const order_t *o, const profile_t *p, const char *factuurnummer,
                   const char *factuurdatum, size_t *len, char *err, size_t errlen)
{
    doc_t   d = { 0 };
    char    buf[256];
    unsigned char *out = NULL;
    HPDF_UINT32 size;
    HPDF_STATUS rs;

    if ((d.pdf = HPDF_New(on_error, &d)) == NULL) {
        snprintf(err, errlen, "order %" PRId64 ": de factuur-PDF kan niet gemaakt worden "
                 "(libharu: geen geheugen meer)", o->number);
        return NULL;
    }
    HPDF_SetCompressionMode(d.pdf, HPDF_COMP_ALL);
    d.regular = HPDF_GetFont(d.pdf, "Helvetica", "WinAnsiEncoding");
    d.bold = HPDF_GetFont(d.pdf, "Helvetica-Bold", "WinAnsiEncoding");
    snprintf(buf, sizeof buf, "Factuur %s", factuurnummer);
    HPDF_SetInfoAttr(d.pdf, HPDF_INFO_TITLE, buf);
    HPDF_SetInfoAttr(d.pdf, HPDF_INFO_CREATOR, "koppel");
    new_page(&d);

    seller(&d, p);
    next_line(&d, 1.5f);
    text(&d, d.bold, 14, MARGIN, false, "Factuur");
    next_line(&d, 1.5f);
    snprintf(buf, sizeof buf, "Factuurnummer: %s", factuurnummer);
    text(&d, d.regular, 10, MARGIN, false, buf);
    next_line(&d, 1);
    snprintf(buf, sizeof buf, "Factuurdatum: %s", factuurdatum);
    text(&d, d.regular, 10, MARGIN, false, buf);
    next_line(&d, 1);
    snprintf(buf, sizeof buf, "Ordernummer: %" PRId64 "%s%s", o->number,
             *o->payment_method ? ", betaald met " : "", o->payment_method);
    text(&d, d.regular, 10, MARGIN, false, buf);
    next_line(&d, 2);
    customer(&d, o);
    next_line(&d, 1.5f);
    items(&d, o);
    totals(&d, o);

    if (d.error == 0 && HPDF_SaveToStream(d.pdf) == HPDF_OK && d.error == 0) {
        size = HPDF_GetStreamSize(d.pdf);
        out = xmalloc(size ? size : 1);
        rs = HPDF_ReadFromStream(d.pdf, out, &size);
        if (rs != HPDF_OK && rs != HPDF_STREAM_EOF) {
            free(out);
            out = NULL;
        } else
            *len = size;
    }
    if (out == NULL)
        snprintf(err, errlen, "order %" PRId64 ": de factuur-PDF kan niet gemaakt worden "
                 "(libharu-fout 0x%04X, detail %u)", o->number, (unsigned) d.error,
                 (unsigned) d.detail);
    HPDF_Free(d.pdf);
    return out;
}
