/*
 * NAME
 *   test_boeking - the verkoopboeking of an order, figure by figure
 *
 * DESCRIPTION
 *   Table-driven: each case builds an order by hand, books it offline
 *   (grootboeken as {"nummer": N}) and compares the boekingsregels and btw
 *   lines with the exact JSON text expected, then checks that every amount
 *   in the text has two decimals and that regels + btw = factuurbedrag.
 *   Further tests cover refusals, grootboek resolution and the date.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "boeking.h"
#include "order.h"

/* ---------- building orders and profiles ---------- */

static time_t
epoch_of(const char *utc)
{
    struct tm tm = { 0 };

    assert_non_null(strptime(utc, "%Y-%m-%dT%H:%M:%S", &tm));
    return timegm(&tm);
}

static order_t *
order_base(int64_t number, const char *utc, bool incl, const char *country)
{
    order_t *o = order_new();

    o->number = number;
    o->date_epoch = epoch_of(utc);
    o->prices_include_vat = incl;
    strcpy(o->currency, "EUR");
    o->eur_per_unit_e6 = 1000000;
    order_set(&o->source, "globecharge");
    order_set(&o->payment_method, "iDEAL");
    order_set(&o->billing.country, country);
    return o;
}

static void
line(order_t *o, int32_t rate, int64_t cents)
{
    order_line_t *l = order_add_line(o);

    l->vat_rate_e2 = rate;
    l->total_cents = cents;
    l->quantity_e4 = 10000;
    l->unit_price_e4 = cents * 100;
}

static void
charge(order_t *o, order_charge_kind_t kind, int32_t rate, int64_t cents)
{
    order_charge_t *c = order_add_charge(o);

    c->kind = kind;
    c->vat_rate_e2 = rate;
    c->amount_cents = cents;
}

static void
vat(order_t *o, int32_t rate, int64_t base, int64_t amount)
{
    order_vat_t *v = order_add_vat(o);

    v->rate_e2 = rate;
    v->base_cents = base;
    v->amount_cents = amount;
}

static void
totals(order_t *o, int64_t excl, int64_t v, int64_t incl)
{
    o->total_excl_cents = excl;
    o->total_vat_cents = v;
    o->total_incl_cents = incl;
}

static profile_t profile;

static void
profile_init(void)
{
    memset(&profile, 0, sizeof(profile));
    profile.name = "test";
    profile.factuurnummer_prefix = "WS";
    profile.betalingstermijn = 14;
    profile.markeer_als_ongelezen = true;
    profile.grootboek[KIND_OMZET][REGION_NL][BTW_HOOG] = 8000;
    profile.grootboek[KIND_OMZET][REGION_NL][BTW_LAAG] = 8010;
    profile.grootboek[KIND_OMZET][REGION_NL][BTW_GEEN] = 8020;
    profile.grootboek[KIND_OMZET][REGION_EU][BTW_GEEN] = 8100;
    profile.grootboek[KIND_OMZET][REGION_EU][BTW_OVERIG] = 8300;
    profile.grootboek[KIND_OMZET][REGION_NON_EU][BTW_GEEN] = 8200;
    profile.grootboek[KIND_VERZENDKOSTEN][REGION_NL][BTW_HOOG] = 8400;
    profile.grootboek[KIND_KORTING][REGION_NL][BTW_LAAG] = 8420;
    /* betalingskosten and verzendkosten elsewhere: fall back to omzet */
    /* OSS: DE and FR configured, BE found by its vat rate code */
    profile.noss = 0;
    profile.oss[profile.noss++] = (oss_grootboek_t) { "DE", 1900, 8600 };
    profile.oss[profile.noss++] = (oss_grootboek_t) { "DE", 700, 8601 };
    profile.oss[profile.noss++] = (oss_grootboek_t) { "FR", 2000, 8620 };
    profile.oss[profile.noss++] = (oss_grootboek_t) { "FR", 550, 8621 };
}

/* ---------- the example orders and our own ---------- */

static order_t *
make_10423(void)
{
    order_t *o = order_base(10423, "2026-11-02T13:31:07", true, "NL");

    line(o, 900, 650);
    line(o, 2100, 895);
    charge(o, CHARGE_SHIPPING, 2100, 695);
    charge(o, CHARGE_PAYMENT, 2100, 29);
    charge(o, CHARGE_DISCOUNT, 900, -65);
    vat(o, 900, 537, 48);
    vat(o, 2100, 1338, 281);
    totals(o, 1875, 329, 2204);
    return o;
}

static order_t *
make_10425(void)
{
    order_t *o = order_base(10425, "2026-11-03T08:12:44", false, "BE");

    order_set(&o->payment_method, "Bankoverschrijving");
    order_set(&o->vat_number, "BE0123.456.749");
    o->has_delivery = true;
    order_set(&o->delivery.country, "BE");
    line(o, 0, 41500);
    charge(o, CHARGE_SHIPPING, 0, 4500);
    vat(o, 0, 46000, 0);
    totals(o, 46000, 0, 46000);
    return o;
}

static order_t *
make_10431(void)
{
    order_t *o = order_base(10431, "2026-11-04T19:01:00", true, "NO");

    line(o, 0, 2685);
    charge(o, CHARGE_SHIPPING, 0, 2450);
    vat(o, 0, 5135, 0);
    totals(o, 5135, 0, 5135);
    return o;
}

/* three items of 0.10 at 21 %: nets 0.08 each, base 0.25: the one cent
 * goes to the first (equal remainders) */
static order_t *
make_tie(void)
{
    order_t *o = order_base(20001, "2026-11-05T10:00:00", true, "NL");

    line(o, 2100, 10);
    charge(o, CHARGE_SHIPPING, 2100, 10);
    charge(o, CHARGE_PAYMENT, 2100, 10);
    vat(o, 2100, 25, 5);
    totals(o, 25, 5, 30);
    return o;
}

/* 0.15 / 0.16 / 0.17 / 0.18 at 21 %: nets 12+13+14+15 = 54, base 55: the
 * cent goes to 0.15 (exact net 12.397, the largest remainder) */
static order_t *
make_largest(void)
{
    order_t *o = order_base(20002, "2026-11-05T10:00:00", true, "NL");

    line(o, 2100, 15);
    charge(o, CHARGE_SHIPPING, 2100, 16);
    charge(o, CHARGE_PAYMENT, 2100, 17);
    line(o, 2100, 18);
    vat(o, 2100, 55, 11);
    totals(o, 55, 11, 66);
    return o;
}

/* ten lines of 0.15 and shipping 0.16 at 21 %: nets 10 x 12 + 13 = 133,
 * stated base 1.37: four cents, to the four first lines (remainder .397
 * beats shipping's .223) */
static order_t *
make_several(void)
{
    order_t *o = order_base(20003, "2026-11-05T10:00:00", true, "NL");

    for (int i = 0; i < 10; i++)
        line(o, 2100, 15);
    charge(o, CHARGE_SHIPPING, 2100, 16);
    vat(o, 2100, 137, 29);
    totals(o, 137, 29, 166);
    return o;
}

/* business customer in NL, prices excl. VAT */
static order_t *
make_b2b(void)
{
    order_t *o = order_base(20004, "2026-11-05T10:00:00", false, "NL");

    line(o, 2100, 1999);
    line(o, 2100, 3998);
    charge(o, CHARGE_SHIPPING, 2100, 500);
    vat(o, 2100, 6497, 1364);
    totals(o, 6497, 1364, 7861);
    return o;
}

/* German consumer under OSS at 19 % */
static order_t *
make_oss(void)
{
    order_t *o = order_base(20005, "2026-11-05T10:00:00", true, "DE");

    line(o, 1900, 1190);
    charge(o, CHARGE_SHIPPING, 1900, 595);
    vat(o, 1900, 1500, 285);
    totals(o, 1500, 285, 1785);
    return o;
}

/* GBP at 1.1713: nets 8.27 + 2.75 (after the base's cent), VAT 2.31,
 * total 13.33 GBP; in euro 15.61 total, 2.71 VAT, regels 9.69 + 3.22 =
 * 12.91 one cent over 12.90: the cent comes off omzet (remainder -.3349) */
static order_t *
make_gbp(void)
{
    order_t *o = order_base(20006, "2026-11-05T10:00:00", true, "NL");

    strcpy(o->currency, "GBP");
    o->eur_per_unit_e6 = 1171300;
    line(o, 2100, 1000);
    charge(o, CHARGE_SHIPPING, 2100, 333);
    vat(o, 2100, 1102, 231);
    totals(o, 1102, 231, 1333);
    return o;
}

/* a free sample: everything zero */
static order_t *
make_zero(void)
{
    order_t *o = order_base(20007, "2026-11-05T10:00:00", true, "NL");

    line(o, 2100, 0);
    charge(o, CHARGE_SHIPPING, 2100, 0);
    totals(o, 0, 0, 0);
    return o;
}

/* a product paid entirely by a discount */
static order_t *
make_zero_discounted(void)
{
    order_t *o = order_base(20008, "2026-11-05T10:00:00", true, "NL");

    line(o, 2100, 1000);
    charge(o, CHARGE_DISCOUNT, 2100, -1000);
    vat(o, 2100, 0, 0);
    totals(o, 0, 0, 0);
    return o;
}

/* 10423 as a credit: every figure negative */
static order_t *
make_credit(void)
{
    order_t *o = order_base(20009, "2026-11-02T13:31:07", true, "NL");

    line(o, 900, -650);
    line(o, 2100, -895);
    charge(o, CHARGE_SHIPPING, 2100, -695);
    charge(o, CHARGE_PAYMENT, 2100, -29);
    charge(o, CHARGE_DISCOUNT, 900, 65);
    vat(o, 900, -537, -48);
    vat(o, 2100, -1338, -281);
    totals(o, -1875, -329, -2204);
    return o;
}

/* free shipping at 0.00 is left out of the booking */
static order_t *
make_free_shipping(void)
{
    order_t *o = order_base(20010, "2026-11-05T10:00:00", true, "NL");

    line(o, 2100, 1210);
    charge(o, CHARGE_SHIPPING, 2100, 0);
    vat(o, 2100, 1000, 210);
    totals(o, 1000, 210, 1210);
    return o;
}

typedef struct {
    const char *name;
    order_t  *(*make)(void);
    const char *factuurdatum;
    const char *factuurbedrag;
    const char *regels;         /* the exact "boekingsregels" array text */
    const char *btw;            /* the exact "btw" array text */
} case_t;

#define R(label, nr, bedrag, soort) \
    "{\"omschrijving\":\"" label "\",\"grootboek\":{\"nummer\":" #nr "},\"bedrag\":" bedrag \
    ",\"btwSoort\":\"" soort "\"}"
#define B(soort, bedrag) "{\"btwSoort\":\"" soort "\",\"btwBedrag\":" bedrag "}"
/* an OSS VAT regel offline: SnelStart's buitenlandse-btw grootboek is not known */
#define V(label, bedrag) \
    "{\"omschrijving\":\"" label "\",\"grootboek\":{\"id\":null},\"bedrag\":" bedrag \
    ",\"btwSoort\":\"Geen\"}"

static const case_t cases[] = {
    { "10423 mixed 9/21 % incl. VAT with discount, shipping, payment costs",
      make_10423, "2026-11-02T00:00:00", "22.04",
      "[" R("Omzet 9%", 8010, "5.96", "Laag") "," R("Omzet 21%", 8000, "7.40", "Hoog") ","
          R("Verzendkosten 21%", 8400, "5.74", "Hoog") ","
          R("Betalingskosten 21%", 8000, "0.24", "Hoog") ","
          R("Korting 9%", 8420, "-0.59", "Laag") "]",
      "[" B("VerkopenHoog", "2.81") "," B("VerkopenLaag", "0.48") "]" },
    { "10425 BE business excl. VAT at 0 %: intra-community on eu.geen",
      make_10425, "2026-11-03T00:00:00", "460.00",
      "[" R("Omzet 0%", 8100, "415.00", "Geen") "," R("Verzendkosten 0%", 8100, "45.00", "Geen") "]",
      "[]" },
    { "10431 export to NO at 0 % on buiten_eu.geen",
      make_10431, "2026-11-04T00:00:00", "51.35",
      "[" R("Omzet 0%", 8200, "26.85", "Geen") "," R("Verzendkosten 0%", 8200, "24.50", "Geen") "]",
      "[]" },
    { "rounding tie goes to the first line", make_tie, "2026-11-05T00:00:00", "0.30",
      "[" R("Omzet 21%", 8000, "0.09", "Hoog") "," R("Verzendkosten 21%", 8400, "0.08", "Hoog") ","
          R("Betalingskosten 21%", 8000, "0.08", "Hoog") "]",
      "[" B("VerkopenHoog", "0.05") "]" },
    { "rounding cent goes to the largest remainder", make_largest, "2026-11-05T00:00:00", "0.66",
      "[" R("Omzet 21%", 8000, "0.28", "Hoog") "," R("Verzendkosten 21%", 8400, "0.13", "Hoog") ","
          R("Betalingskosten 21%", 8000, "0.14", "Hoog") "]",
      "[" B("VerkopenHoog", "0.11") "]" },
    { "many lines missing the base by four cents", make_several, "2026-11-05T00:00:00", "1.66",
      "[" R("Omzet 21%", 8000, "1.24", "Hoog") "," R("Verzendkosten 21%", 8400, "0.13", "Hoog") "]",
      "[" B("VerkopenHoog", "0.29") "]" },
    { "B2B excl. VAT", make_b2b, "2026-11-05T00:00:00", "78.61",
      "[" R("Omzet 21%", 8000, "59.97", "Hoog") "," R("Verzendkosten 21%", 8400, "5.00", "Hoog") "]",
      "[" B("VerkopenHoog", "13.64") "]" },
    { "OSS 19 % DE consumer on grootboeken.oss.DE_19, VAT on a regel", make_oss,
      "2026-11-05T00:00:00", "17.85",
      "[" R("Omzet DE 19%", 8600, "10.00", "Geen") "," R("Verzendkosten DE 19%", 8600, "5.00", "Geen")
          "," V("Btw DE 19%", "2.85") "]",
      "[]" },
    { "GBP converted and re-balanced", make_gbp, "2026-11-05T00:00:00", "15.61",
      "[" R("Omzet 21%", 8000, "9.68", "Hoog") "," R("Verzendkosten 21%", 8400, "3.22", "Hoog") "]",
      "[" B("VerkopenHoog", "2.71") "]" },
    { "zero-value order keeps one zero regel", make_zero, "2026-11-05T00:00:00", "0.00",
      "[" R("Omzet 21%", 8000, "0.00", "Hoog") "]", "[]" },
    { "order paid entirely by discount books both", make_zero_discounted, "2026-11-05T00:00:00", "0.00",
      "[" R("Omzet 21%", 8000, "8.26", "Hoog") "," R("Korting 21%", 8000, "-8.26", "Hoog") "]", "[]" },
    { "credit (negative total) mirrors 10423", make_credit, "2026-11-02T00:00:00", "-22.04",
      "[" R("Omzet 9%", 8010, "-5.96", "Laag") "," R("Omzet 21%", 8000, "-7.40", "Hoog") ","
          R("Verzendkosten 21%", 8400, "-5.74", "Hoog") ","
          R("Betalingskosten 21%", 8000, "-0.24", "Hoog") ","
          R("Korting 9%", 8420, "0.59", "Laag") "]",
      "[" B("VerkopenHoog", "-2.81") "," B("VerkopenLaag", "-0.48") "]" },
    { "free shipping at 0.00 is left out", make_free_shipping, "2026-11-05T00:00:00", "12.10",
      "[" R("Omzet 21%", 8000, "10.00", "Hoog") "]", "[" B("VerkopenHoog", "2.10") "]" },
};

/* ---------- checks on the dumped text ---------- */

/* amount_at - parse the two-decimal amount after key at p; fail the test
 * when it is not of the form -?D+.DD */
static int64_t
amount_at(const char *p)
{
    int64_t sign = 1, whole = 0;
    int     digits = 0;

    if (*p == '-') {
        sign = -1;
        p++;
    }
    while (*p >= '0' && *p <= '9') {
        whole = whole * 10 + (*p++ - '0');
        digits++;
    }
    assert_true(digits > 0);
    assert_int_equal(*p, '.');
    assert_true(p[1] >= '0' && p[1] <= '9' && p[2] >= '0' && p[2] <= '9');
    assert_false(p[3] >= '0' && p[3] <= '9');
    return sign * (whole * 100 + (p[1] - '0') * 10 + (p[2] - '0'));
}

/* sum_key - the sum of the amounts after every occurrence of "key": */
static int64_t
sum_key(const char *text, const char *key, int *count)
{
    char        pat[64];
    int64_t     sum = 0;
    const char *p = text;

    snprintf(pat, sizeof(pat), "\"%s\":", key);
    *count = 0;
    while ((p = strstr(p, pat)) != NULL) {
        p += strlen(pat);
        sum += amount_at(p);
        (*count)++;
    }
    return sum;
}

static void
assert_balanced_text(const char *text)
{
    int     nf, nr, nb;
    int64_t f = sum_key(text, "factuurbedrag", &nf);
    int64_t r = sum_key(text, "bedrag", &nr);
    int64_t b = sum_key(text, "btwBedrag", &nb);

    assert_int_equal(nf, 1);
    assert_true(nr >= 1);
    assert_int_equal(r + b, f);
}

static void
test_cases_book_every_figure(void **state)
{
    char err[512];

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const case_t *c = &cases[i];
        order_t      *o = c->make();
        json_t       *body;
        char         *text, want[2048];

        print_message("case: %s\n", c->name);
        profile_init();
        body = boeking_build(o, &profile, NULL, NULL, err, sizeof(err));
        if (body == NULL)
            fail_msg("%s: %s", c->name, err);
        text = boeking_dumps(body);
        assert_non_null(text);
        snprintf(want, sizeof(want), "\"boekingsregels\":%s", c->regels);
        if (strstr(text, want) == NULL)
            fail_msg("%s:\n got  %s\n want %s", c->name, text, want);
        snprintf(want, sizeof(want), "\"btw\":%s", c->btw);
        if (strstr(text, want) == NULL)
            fail_msg("%s:\n got  %s\n want %s", c->name, text, want);
        snprintf(want, sizeof(want), "\"factuurbedrag\":%s,", c->factuurbedrag);
        assert_non_null(strstr(text, want));
        snprintf(want, sizeof(want), "\"factuurdatum\":\"%s\"", c->factuurdatum);
        assert_non_null(strstr(text, want));
        assert_balanced_text(text);
        free(text);
        json_decref(body);
        order_destroy(&o);
    }
}

static void
test_10423_header_fields(void **state)
{
    char     err[256];
    order_t *o = make_10423();
    json_t  *body;
    char    *text;

    profile_init();
    body = boeking_build(o, &profile, "6b8f1f4c-2c1e-4a55-9d0e-0123456789ab", NULL, err, sizeof(err));
    assert_non_null(body);
    text = boeking_dumps(body);
    assert_string_equal(text,
        "{\"factuurnummer\":\"WS10423\",\"factuurdatum\":\"2026-11-02T00:00:00\","
        "\"klant\":{\"id\":\"6b8f1f4c-2c1e-4a55-9d0e-0123456789ab\"},"
        "\"omschrijving\":\"ShopFactory order 10423, iDEAL\",\"betalingstermijn\":14,"
        "\"markering\":true,\"factuurbedrag\":22.04,\"boekingsregels\":" "["
        R("Omzet 9%", 8010, "5.96", "Laag") "," R("Omzet 21%", 8000, "7.40", "Hoog") ","
        R("Verzendkosten 21%", 8400, "5.74", "Hoog") ","
        R("Betalingskosten 21%", 8000, "0.24", "Hoog") ","
        R("Korting 9%", 8420, "-0.59", "Laag") "],\"btw\":["
        B("VerkopenHoog", "2.81") "," B("VerkopenLaag", "0.48") "]}");
    free(text);
    json_decref(body);
    order_destroy(&o);
}

static void
test_preview_writes_null_klant(void **state)
{
    char     err[256];
    order_t *o = make_10423();
    json_t  *body;

    profile_init();
    body = boeking_build(o, &profile, NULL, NULL, err, sizeof(err));
    assert_non_null(body);
    assert_true(json_is_null(json_object_get(json_object_get(body, "klant"), "id")));
    json_decref(body);
    order_destroy(&o);
}

static void
test_plain_jansson_dump_keeps_amounts_exact(void **state)
{
    char     err[256];
    order_t *o = make_10423();
    json_t  *body;
    char    *text;

    profile_init();
    body = boeking_build(o, &profile, NULL, NULL, err, sizeof(err));
    text = json_dumps(body, JSON_COMPACT | JSON_REAL_PRECISION(15));
    assert_non_null(strstr(text, "\"bedrag\":5.96,"));
    assert_non_null(strstr(text, "\"bedrag\":7.4,"));   /* 7.40: jansson drops the 0 */
    assert_non_null(strstr(text, "\"bedrag\":-0.59,"));
    assert_non_null(strstr(text, "\"factuurbedrag\":22.04,"));
    assert_null(strstr(text, "000000"));
    free(text);
    json_decref(body);
    order_destroy(&o);
}

/* ---------- refusals ---------- */

static void
expect_error(order_t *o, const char *part)
{
    char    err[512] = "";
    json_t *body = boeking_build(o, &profile, NULL, NULL, err, sizeof(err));

    assert_null(body);
    if (strstr(err, part) == NULL)
        fail_msg("error \"%s\" lacks \"%s\"", err, part);
}

static void
test_missing_eur_per_unit_is_refused(void **state)
{
    order_t *o = make_gbp();

    profile_init();
    o->eur_per_unit_e6 = 0;
    expect_error(o, "order 20006 is in GBP zonder wisselkoers naar euro (eurPerUnit)");
    order_destroy(&o);
}

static void
test_unmapped_combination_names_the_setting(void **state)
{
    order_t *o = order_base(30001, "2026-11-05T10:00:00", true, "BE");

    profile_init();
    profile.grootboek[KIND_OMZET][REGION_EU][BTW_LAAG] = 8110;
    line(o, 900, 1090);
    charge(o, CHARGE_SHIPPING, 2100, 121);
    vat(o, 900, 1000, 90);
    vat(o, 2100, 100, 21);
    totals(o, 1100, 111, 1211);
    expect_error(o, "order 30001: geen grootboekrekening voor verzendkosten, btw hoog, binnen de "
                 "EU: vul instelling profiles.test.grootboeken.verzendkosten.eu.hoog in (of "
                 "omzet.eu.hoog)");
    order_destroy(&o);
}

static void
test_unmapped_omzet_names_its_setting(void **state)
{
    order_t *o = make_10423();

    profile_init();
    profile.grootboek[KIND_OMZET][REGION_NL][BTW_LAAG] = 0;
    expect_error(o, "vul instelling profiles.test.grootboeken.omzet.nl.laag in");
    order_destroy(&o);
}

static void
test_own_verzendkosten_grootboek_beats_fallback(void **state)
{
    char     err[256];
    order_t *o = make_10431();
    json_t  *body;
    char    *text;

    profile_init();
    profile.grootboek[KIND_VERZENDKOSTEN][REGION_NON_EU][BTW_GEEN] = 8210;
    body = boeking_build(o, &profile, NULL, NULL, err, sizeof(err));
    assert_non_null(body);
    text = boeking_dumps(body);
    assert_non_null(strstr(text, R("Verzendkosten 0%", 8210, "24.50", "Geen")));
    free(text);
    json_decref(body);
    order_destroy(&o);
}

static void
test_base_off_by_more_than_a_cent_per_line_is_refused(void **state)
{
    order_t *o = order_base(30002, "2026-11-05T10:00:00", false, "NL");

    profile_init();
    line(o, 2100, 1000);
    line(o, 2100, 1000);
    vat(o, 2100, 2003, 421);
    totals(o, 2003, 421, 2424);
    expect_error(o, "order 30002, btw 21%");
    order_destroy(&o);
}

static void
test_vat_amount_off_is_refused(void **state)
{
    order_t *o = order_base(30003, "2026-11-05T10:00:00", true, "NL");

    profile_init();
    line(o, 2100, 1210);
    vat(o, 2100, 1000, 250);
    totals(o, 1000, 250, 1250);
    expect_error(o, "order 30003, btw 21%: de genoemde grondslag 10,00 en btw 2,50 passen niet");
    order_destroy(&o);
}

static void
test_totals_not_matching_vat_are_refused(void **state)
{
    order_t *o = make_10423();

    profile_init();
    o->total_incl_cents = 2205;
    expect_error(o, "order 10423: de genoemde totalen");
    order_destroy(&o);
}

static void
test_rate_without_stated_vat_is_refused(void **state)
{
    order_t *o = make_10423();

    profile_init();
    o->nvats = 1;               /* drop the 21 % entry */
    expect_error(o, "order 10423 heeft regels of kosten tegen 21% btw maar noemt voor dat "
                 "tarief geen btw");
    order_destroy(&o);
}

static void
test_too_long_factuurnummer_is_refused(void **state)
{
    order_t *o = make_10423();
    char     buf[64];

    profile_init();
    profile.factuurnummer_prefix = "WEBSHOP-BAKKERIJ-2026-";   /* 22 + 5 digits */
    assert_false(boeking_factuurnummer(o, &profile, buf, sizeof(buf)));
    expect_error(o, "maak instelling profiles.test.booking.factuurnummer_prefix korter");
    profile.factuurnummer_prefix = "WEBSHOP-BAKKERIJ-2026";    /* 21 + 5 = 26 */
    assert_false(boeking_factuurnummer(o, &profile, buf, sizeof(buf)));
    profile.factuurnummer_prefix = "WEBSHOP-BAKKERIJ-202";     /* 20 + 5 = 25 */
    assert_true(boeking_factuurnummer(o, &profile, buf, sizeof(buf)));
    assert_string_equal(buf, "WEBSHOP-BAKKERIJ-20210423");
    order_destroy(&o);
}

/* ---------- grootboeken and btw-tarieven from SnelStart ---------- */

static json_t *
grootboeken_json(void)
{
    return json_pack("[{s:i,s:s,s:s,s:b},{s:i,s:s,s:s,s:b},{s:i,s:s,s:s,s:b},"
                     "{s:i,s:s,s:s,s:b},{s:i,s:s,s:s,s:b},{s:i,s:s,s:s,s:b}]",
        "nummer", 8000, "id", "00000000-0000-0000-0000-000000008000", "rekeningCode", "WinstEnVerlies", "nonactief", 0,
        "nummer", 8010, "id", "00000000-0000-0000-0000-000000008010", "rekeningCode", "WinstEnVerlies", "nonactief", 0,
        "nummer", 8400, "id", "00000000-0000-0000-0000-000000008400", "rekeningCode", "WinstEnVerlies", "nonactief", 0,
        "nummer", 8420, "id", "00000000-0000-0000-0000-000000008420", "rekeningCode", "WinstEnVerlies", "nonactief", 0,
        "nummer", 8020, "id", "00000000-0000-0000-0000-000000008020", "rekeningCode", "WinstEnVerlies", "nonactief", 1,
        "nummer", 8100, "id", "00000000-0000-0000-0000-000000008100", "rekeningCode", "Balans", "nonactief", 0);
}

static void
test_grootboek_resolved_to_id(void **state)
{
    char          err[256];
    order_t      *o = make_10423();
    json_t       *gb = grootboeken_json(), *body, *regel;
    boeking_ctx_t ctx = { .grootboeken = gb };

    profile_init();
    body = boeking_build(o, &profile, "x", &ctx, err, sizeof(err));
    assert_non_null(body);
    regel = json_array_get(json_object_get(body, "boekingsregels"), 0);
    assert_string_equal(json_string_value(json_object_get(json_object_get(regel, "grootboek"), "id")),
                        "00000000-0000-0000-0000-000000008010");
    assert_null(json_object_get(json_object_get(regel, "grootboek"), "nummer"));
    json_decref(body);
    json_decref(gb);
    order_destroy(&o);
}

static void
test_grootboek_unknown_to_snelstart_is_refused(void **state)
{
    char          err[256];
    order_t      *o = make_10431();
    json_t       *gb = grootboeken_json();
    boeking_ctx_t ctx = { .grootboeken = gb };

    profile_init();
    assert_null(boeking_build(o, &profile, "x", &ctx, err, sizeof(err)));
    assert_string_equal(err, "order 10431: instelling profiles.test.grootboeken.omzet.buiten_eu."
                        "geen: grootboekrekening 8200 bestaat niet in de administratie in "
                        "SnelStart; kies in Instellingen een grootboekrekening die bestaat");
    json_decref(gb);
    order_destroy(&o);
}

static void
test_check_grootboeken_names_setting_and_number(void **state)
{
    char    err[256];
    json_t *gb = grootboeken_json();

    profile_init();
    memset(profile.grootboek, 0, sizeof(profile.grootboek));
    profile.grootboek[KIND_OMZET][REGION_NL][BTW_HOOG] = 8000;
    profile.grootboek[KIND_KORTING][REGION_NL][BTW_LAAG] = 8420;
    /* the OSS grootboeken are checked too */
    assert_false(boeking_check_grootboeken(&profile, gb, err, sizeof(err)));
    assert_string_equal(err, "instelling profiles.test.grootboeken.oss.DE_19: grootboekrekening "
                        "8600 bestaat niet in de administratie in SnelStart; kies in "
                        "Instellingen een grootboekrekening die bestaat");
    profile.oss[3].rate_e2 = 550;
    profile.oss[0] = profile.oss[3];
    profile.oss[0].nummer = 8020;
    profile.noss = 1;
    assert_false(boeking_check_grootboeken(&profile, gb, err, sizeof(err)));
    assert_string_equal(err, "instelling profiles.test.grootboeken.oss.FR_5_5: grootboekrekening "
                        "8020 staat in SnelStart op non-actief; zet hem daar op actief of kies "
                        "in Instellingen een andere");
    profile.noss = 0;
    assert_true(boeking_check_grootboeken(&profile, gb, err, sizeof(err)));

    profile.grootboek[KIND_OMZET][REGION_NL][BTW_GEEN] = 8020;
    assert_false(boeking_check_grootboeken(&profile, gb, err, sizeof(err)));
    assert_string_equal(err, "instelling profiles.test.grootboeken.omzet.nl.geen: grootboekrekening "
                        "8020 staat in SnelStart op non-actief; zet hem daar op actief of kies "
                        "in Instellingen een andere");

    profile.grootboek[KIND_OMZET][REGION_NL][BTW_GEEN] = 0;
    profile.grootboek[KIND_VERZENDKOSTEN][REGION_EU][BTW_GEEN] = 8100;
    assert_false(boeking_check_grootboeken(&profile, gb, err, sizeof(err)));
    assert_non_null(strstr(err, "verzendkosten.eu.geen: grootboekrekening 8100 is een Balans-rekening"));

    profile.grootboek[KIND_VERZENDKOSTEN][REGION_EU][BTW_GEEN] = 9999;
    assert_false(boeking_check_grootboeken(&profile, gb, err, sizeof(err)));
    assert_non_null(strstr(err, "grootboekrekening 9999 bestaat niet"));
    json_decref(gb);
}

static void
test_btwtarieven_decide_soort_per_date(void **state)
{
    char          err[256];
    json_t       *tarieven = json_pack("[{s:s,s:f,s:s,s:s},{s:s,s:f,s:s,s:n},{s:s,s:f,s:s,s:n}]",
        "btwSoort", "Hoog", "btwPercentage", 19.0, "datumVanaf", "2001-01-01T00:00:00",
        "datumTotEnMet", "2012-09-30T00:00:00",
        "btwSoort", "Hoog", "btwPercentage", 21.0, "datumVanaf", "2012-10-01T00:00:00", "datumTotEnMet",
        "btwSoort", "Laag", "btwPercentage", 9.0, "datumVanaf", "2019-01-01T00:00:00", "datumTotEnMet");
    boeking_ctx_t ctx = { .btwtarieven = tarieven };
    order_t      *o = order_base(30004, "2012-09-30T12:00:00", true, "NL");
    json_t       *body;
    char         *text;

    profile_init();
    line(o, 1900, 1190);
    vat(o, 1900, 1000, 190);
    totals(o, 1000, 190, 1190);
    body = boeking_build(o, &profile, NULL, &ctx, err, sizeof(err));
    assert_non_null(body);
    text = boeking_dumps(body);
    assert_non_null(strstr(text, R("Omzet 19%", 8000, "10.00", "Hoog")));
    assert_non_null(strstr(text, B("VerkopenHoog", "1.90")));
    free(text);
    json_decref(body);

    /* a day later 19 % is no Dutch rate any more: another country's */
    o->date_epoch = epoch_of("2012-10-01T12:00:00");
    profile.grootboek[KIND_OMZET][REGION_NL][BTW_OVERIG] = 8030;
    body = boeking_build(o, &profile, NULL, &ctx, err, sizeof(err));
    assert_non_null(body);
    text = boeking_dumps(body);
    assert_non_null(strstr(text, R("Omzet 19%", 8030, "10.00", "Overig")));
    assert_non_null(strstr(text, B("VerkopenOverig", "1.90")));
    free(text);
    json_decref(body);
    json_decref(tarieven);
    order_destroy(&o);
}

/* ---------- date and text ---------- */

static void
test_factuurdatum_is_amsterdam_date(void **state)
{
    char d[11];

    boeking_local_date(epoch_of("2026-11-02T23:30:00"), d);    /* 00:30 CET */
    assert_string_equal(d, "2026-11-03");
    boeking_local_date(epoch_of("2026-07-01T21:59:59"), d);    /* 23:59 CEST */
    assert_string_equal(d, "2026-07-01");
    boeking_local_date(epoch_of("2026-07-01T22:00:00"), d);    /* 00:00 CEST */
    assert_string_equal(d, "2026-07-02");
    boeking_local_date(epoch_of("2026-12-31T23:00:00"), d);    /* new year CET */
    assert_string_equal(d, "2027-01-01");
}

static void
test_factuurdatum_agrees_with_tzdata(void **state)
{
    char      mine[11], theirs[11];
    struct tm tm;
    time_t    t;
    int       checked = 0;

    setenv("TZ", "Europe/Amsterdam", 1);
    tzset();
    localtime_r(&(time_t){ 0 }, &tm);
    if (tm.tm_gmtoff != 3600)
        skip();                 /* no tzdata on this machine */
    /* every 50 minutes from 1997 to 2037 (all transitions, all midnights) */
    for (t = epoch_of("1997-01-01T00:00:00"); t < epoch_of("2037-12-31T00:00:00"); t += 3000) {
        localtime_r(&t, &tm);
        strftime(theirs, sizeof(theirs), "%Y-%m-%d", &tm);
        boeking_local_date(t, mine);
        if (strcmp(mine, theirs) != 0)
            fail_msg("at %lld: %s, tzdata %s", (long long)t, mine, theirs);
        checked++;
    }
    assert_true(checked > 400000);
}

static void
test_cut_text_counts_characters_not_bytes(void **state)
{
    char s[64];

    strcpy(s, "Caf\xc3\xa9 M\xc3\xbcller");        /* 11 characters, 13 bytes */
    assert_true(boeking_cut_text(s, 11));
    assert_string_equal(s, "Caf\xc3\xa9 M\xc3\xbcller");
    assert_true(boeking_cut_text(s, 4));
    assert_string_equal(s, "Caf\xc3\xa9");
    strcpy(s, "ab\xf0\x9f\x8d\x9e");               /* bread emoji: 2 UTF-16 units */
    assert_true(boeking_cut_text(s, 3));
    assert_string_equal(s, "ab");
    strcpy(s, "ab\xc3");
    assert_false(boeking_cut_text(s, 10));
}

/* ---------- OSS and reverse charge, with SnelStart's settings ---------- */

#define GB(nr, code) "{\"nummer\":" #nr ",\"id\":\"00000000-0000-0000-0000-00000000" #nr "\"," \
    "\"rekeningCode\":\"WinstEnVerlies\",\"nonactief\":false" code "}"
#define RI(label, nr, bedrag) \
    "{\"omschrijving\":\"" label "\",\"grootboek\":{\"id\":\"00000000-0000-0000-0000-00000000" \
    #nr "\"},\"bedrag\":" bedrag ",\"btwSoort\":\"Geen\"}"
#define VI(label, bedrag) \
    "{\"omschrijving\":\"" label "\",\"grootboek\":{\"id\":\"00000000-0000-0000-0000-000000001650\"}," \
    "\"bedrag\":" bedrag ",\"btwSoort\":\"Geen\"}"

/* the grootboeken of an administration that invoices foreign VAT: DE 19 %
 * and FR in the profile, BE only by vat rate code */
static const char oss_grootboeken[] = "[" GB(8000, "") "," GB(8100, "") ","
    GB(8600, ",\"vatRateCode\":\"DE-S\"") "," GB(8601, "") "," GB(8620, "") "," GB(8621, "") ","
    GB(8610, ",\"vatRateCode\":\"BE-S\"") "," GB(8611, ",\"vatRateCode\":\"BE-R2\"") "]";

/* GET /vatrates as the spec has it: alpha-3 country, rateCode, rate, validFrom */
static const char oss_vatrates[] = "["
    "{\"countryCode\":\"BEL\",\"vatRates\":[{\"rateCode\":\"BE-S\",\"rate\":21,\"validFrom\":\"1996-01-01T00:00:00\"},"
    "{\"rateCode\":\"BE-R1\",\"rate\":12,\"validFrom\":\"1992-04-01T00:00:00\"},"
    "{\"rateCode\":\"BE-R2\",\"rate\":6,\"validFrom\":\"1971-01-01T00:00:00\"}]},"
    "{\"countryCode\":\"DEU\",\"vatRates\":[{\"rateCode\":\"DE-S\",\"rate\":19,\"validFrom\":\"2007-01-01T00:00:00\"},"
    "{\"rateCode\":\"DE-S\",\"rate\":16,\"validFrom\":\"2020-07-01T00:00:00\"},"
    "{\"rateCode\":\"DE-S\",\"rate\":19,\"validFrom\":\"2021-01-01T00:00:00\"},"
    "{\"rateCode\":\"DE-R\",\"rate\":7,\"validFrom\":\"1983-07-01T00:00:00\"}]},"
    "{\"countryCode\":\"FRA\",\"vatRates\":[{\"rateCode\":\"FR-S\",\"rate\":20,\"validFrom\":\"2014-01-01T00:00:00\"},"
    "{\"rateCode\":\"FR-R\",\"rate\":5.5,\"validFrom\":\"2012-01-01T00:00:00\"}]}]";

/* a BE consumer at 21 %, prices incl. VAT */
static order_t *
make_oss_be(void)
{
    order_t *o = order_base(40001, "2026-11-05T10:00:00", true, "BE");

    line(o, 2100, 2420);
    charge(o, CHARGE_SHIPPING, 2100, 605);
    vat(o, 2100, 2500, 525);
    totals(o, 2500, 525, 3025);
    return o;
}

/* a DE consumer, two rates in one order: 19 % and 7 % */
static order_t *
make_oss_de(void)
{
    order_t *o = order_base(40002, "2026-11-05T10:00:00", true, "DE");

    line(o, 1900, 1190);
    line(o, 700, 1070);
    charge(o, CHARGE_SHIPPING, 1900, 595);
    vat(o, 1900, 1500, 285);
    vat(o, 700, 1000, 70);
    totals(o, 2500, 355, 2855);
    return o;
}

/* a FR consumer at 20 % and 5.5 %, prices excl. VAT */
static order_t *
make_oss_fr(void)
{
    order_t *o = order_base(40003, "2026-11-05T10:00:00", false, "FR");

    line(o, 2000, 1000);
    line(o, 550, 2000);
    vat(o, 2000, 1000, 200);
    vat(o, 550, 2000, 110);
    totals(o, 3000, 310, 3310);
    return o;
}

/* a DE consumer in July 2020 at the temporary 16 % */
static order_t *
make_oss_de16(void)
{
    order_t *o = order_base(40004, "2020-08-01T10:00:00", true, "DE");

    line(o, 1600, 1160);
    vat(o, 1600, 1000, 160);
    totals(o, 1000, 160, 1160);
    return o;
}

/* a DE consumer charged the Dutch 9 % */
static order_t *
make_oss_de9(void)
{
    order_t *o = order_base(40005, "2026-11-05T10:00:00", true, "DE");

    line(o, 900, 1090);
    vat(o, 900, 1000, 90);
    totals(o, 1000, 90, 1090);
    return o;
}

/* a BE consumer at 21 % with a gift voucher at 0 %: the voucher is outside
 * VAT, not btw verlegd, and needs no VAT number */
static order_t *
make_oss_be_voucher(void)
{
    order_t *o = order_base(40006, "2026-11-05T10:00:00", true, "BE");

    line(o, 2100, 2420);
    line(o, 0, 2500);
    vat(o, 2100, 2000, 420);
    vat(o, 0, 2500, 0);
    totals(o, 4500, 420, 4920);
    return o;
}

/* the DE consumer of 16 % in 2026, when 16 % is no German rate any more */
static order_t *
make_oss_de16_late(void)
{
    order_t *o = make_oss_de16();

    o->date_epoch = epoch_of("2026-11-05T10:00:00");
    return o;
}

typedef struct {
    const char *name;
    order_t  *(*make)(void);
    bool    invoices_foreign_vat;       /* companyInfo.factureerBuitenlandsBtw */
    bool    has_vat_grootboek;          /* companyInfo.buitenlandseBtwGrootboek */
    const char *regels;                 /* the exact boekingsregels, or NULL */
    const char *error;                  /* a part of the refusal, or NULL */
} oss_case_t;

static const oss_case_t oss_cases[] = {
    { "BE consumer 21 %: the grootboek with BE's vat rate code, VAT on SnelStart's grootboek",
      make_oss_be, true, true,
      "[" RI("Omzet BE 21%", 8610, "20.00") "," RI("Verzendkosten BE 21%", 8610, "5.00") ","
          VI("Btw BE 21%", "5.25") "]", NULL },
    { "DE consumer 19 % and 7 % in one order: the profile's grootboeken.oss",
      make_oss_de, true, true,
      "[" RI("Omzet DE 19%", 8600, "10.00") "," RI("Omzet DE 7%", 8601, "10.00") ","
          RI("Verzendkosten DE 19%", 8600, "5.00") "," VI("Btw DE 19%", "2.85") ","
          VI("Btw DE 7%", "0.70") "]", NULL },
    { "FR consumer 20 % and 5.5 %, prices excl. VAT",
      make_oss_fr, true, true,
      "[" RI("Omzet FR 20%", 8620, "10.00") "," RI("Omzet FR 5,5%", 8621, "20.00") ","
          VI("Btw FR 20%", "2.00") "," VI("Btw FR 5,5%", "1.10") "]", NULL },
    { "DE 16 % in August 2020: the rate in force then, by vat rate code DE-S",
      make_oss_de16, true, true,
      "[" RI("Omzet DE 16%", 8600, "10.00") "," VI("Btw DE 16%", "1.60") "]", NULL },
    { "BE consumer with a 0 % gift voucher: the voucher on eu.geen, no VAT number needed",
      make_oss_be_voucher, true, true,
      "[" RI("Omzet BE 21%", 8610, "20.00") "," RI("Omzet 0%", 8100, "25.00") ","
          VI("Btw BE 21%", "4.20") "]", NULL },
    { "DE 16 % in 2026 is no German rate", make_oss_de16_late, true, true, NULL,
      "order 40004 rekent een consument in DE 16% btw, maar dat is geen btw-tarief van DE op "
      "2026-11-05 (de tarieven in SnelStart daar: 19%, 7%)" },
    { "DE consumer at the Dutch 9 %", make_oss_de9, true, true, NULL,
      "maar dat is geen btw-tarief van DE op 2026-11-05" },
    { "foreign VAT while SnelStart does not invoice it", make_oss_de, false, true, NULL,
      "order 40002 rekent een consument in DE 19% btw, geen Nederlands tarief (OSS: de btw van "
      "het land van de klant), maar de administratie in SnelStart factureert geen buitenlandse "
      "btw: zet \"Buitenlandse btw factureren\" aan in de Bedrijfsgegevens in SnelStart" },
    { "no buitenlandse-btw grootboek in SnelStart", make_oss_be, true, false, NULL,
      "noemen geen grootboekrekening voor buitenlandse btw: vul die in SnelStart in" },
    { "BE consumer at 21 % while SnelStart does not invoice foreign VAT: Dutch VAT on eu.hoog",
      make_oss_be, false, true,
      "[{\"omschrijving\":\"Omzet 21%\",\"grootboek\":{\"id\":\"00000000-0000-0000-0000-000000008100\"},"
      "\"bedrag\":20.00,\"btwSoort\":\"Hoog\"},{\"omschrijving\":\"Verzendkosten 21%\",\"grootboek\":"
      "{\"id\":\"00000000-0000-0000-0000-000000008100\"},\"bedrag\":5.00,\"btwSoort\":\"Hoog\"}]", NULL },
};

/* test_oss_books_each_country_and_rate_on_its_grootboek - the OSS table */
static void
test_oss_books_each_country_and_rate_on_its_grootboek(void **state)
{
    json_t *gb = json_loads(oss_grootboeken, 0, NULL), *vr = json_loads(oss_vatrates, 0, NULL);
    char    err[1024], want[4096];

    assert_non_null(gb);
    assert_non_null(vr);
    for (size_t i = 0; i < sizeof oss_cases / sizeof oss_cases[0]; i++) {
        const oss_case_t *c = &oss_cases[i];
        order_t *o = c->make();
        json_t *ci = json_pack("{s:b}", "factureerBuitenlandsBtw", c->invoices_foreign_vat);
        boeking_ctx_t ctx = { .grootboeken = gb, .companyinfo = ci, .vatrates = vr };
        json_t *body;
        char   *text;

        print_message("case: %s\n", c->name);
        if (c->has_vat_grootboek)
            json_object_set_new(ci, "buitenlandseBtwGrootboek",
                                json_pack("{s:s}", "id", "00000000-0000-0000-0000-000000001650"));
        profile_init();
        profile.grootboek[KIND_OMZET][REGION_EU][BTW_HOOG] = 8100;
        body = boeking_build(o, &profile, "k", &ctx, err, sizeof err);
        if (c->error != NULL) {
            if (body != NULL || strstr(err, c->error) == NULL)
                fail_msg("%s: error \"%s\" lacks \"%s\"", c->name, err, c->error);
        } else {
            if (body == NULL)
                fail_msg("%s: %s", c->name, err);
            text = boeking_dumps(body);
            snprintf(want, sizeof want, "\"boekingsregels\":%s", c->regels);
            if (strstr(text, want) == NULL)
                fail_msg("%s:\n got  %s\n want %s", c->name, text, want);
            if (c->invoices_foreign_vat)    /* no Dutch btw lines */
                assert_non_null(strstr(text, "\"btw\":[]"));
            assert_balanced_text(text);
            free(text);
        }
        json_decref(body);
        json_decref(ci);
        order_destroy(&o);
    }
    json_decref(gb);
    json_decref(vr);
}

/* test_oss_in_another_currency_keeps_the_vat - the VAT regels are the euro
 * VAT of the invoice; the conversion cent goes to the revenue regels */
static void
test_oss_in_another_currency_keeps_the_vat(void **state)
{
    json_t *gb = json_loads(oss_grootboeken, 0, NULL), *vr = json_loads(oss_vatrates, 0, NULL);
    json_t *ci = json_pack("{s:b,s:{s:s}}", "factureerBuitenlandsBtw", 1, "buitenlandseBtwGrootboek",
                           "id", "00000000-0000-0000-0000-000000001650");
    boeking_ctx_t ctx = { .grootboeken = gb, .companyinfo = ci, .vatrates = vr };
    order_t *o = make_oss_de();
    char    err[512], *text;
    json_t *body;

    strcpy(o->currency, "GBP");
    o->eur_per_unit_e6 = 1171300;
    profile_init();
    body = boeking_build(o, &profile, "k", &ctx, err, sizeof err);
    if (body == NULL)
        fail_msg("%s", err);
    text = boeking_dumps(body);
    /* 28.55 GBP = 33.44 EUR; VAT 2.85 -> 3.34 and 0.70 -> 0.82 */
    assert_non_null(strstr(text, "\"factuurbedrag\":33.44"));
    assert_non_null(strstr(text, VI("Btw DE 19%", "3.34")));
    assert_non_null(strstr(text, VI("Btw DE 7%", "0.82")));
    assert_balanced_text(text);
    free(text);
    json_decref(body);
    json_decref(ci);
    json_decref(gb);
    json_decref(vr);
    order_destroy(&o);
}

typedef struct {
    const char *country;
    const char *vat_number;
    const char *error;          /* NULL: booked as btw verlegd on eu.geen */
} rc_case_t;

static const rc_case_t rc_cases[] = {
    { "BE", "BE0123.456.749", NULL },
    { "DE", "DE136695976", NULL },
    { "DE", "136695976", NULL },                /* without prefix */
    { "FR", "FR40303265045", NULL },
    { "IT", "IT00743110157", NULL },
    { "ES", "ESA13585625", NULL },
    { "AT", "ATU13585627", NULL },
    { "PL", "PL8567346215", NULL },
    { "SE", "SE123456789701", NULL },
    { "BE", "BE0123.456.789", "btw-nummer BE0123456789 kan niet bestaan: de controlecijfers "
      "kloppen niet voor een btw-nummer uit België" },
    { "DE", "DE136695978", "controlecijfers kloppen niet voor een btw-nummer uit Duitsland" },
    { "FR", "FR41303265045", "controlecijfers kloppen niet voor een btw-nummer uit Frankrijk" },
    { "IT", "IT00743110158", "controlecijfers kloppen niet voor een btw-nummer uit Italië" },
    { "ES", "ESB58378432", "controlecijfers kloppen niet voor een btw-nummer uit Spanje" },
    { "AT", "ATU1358562", "heeft niet de vorm van een btw-nummer uit Oostenrijk" },
    { "PL", "PL8567346216", "controlecijfers kloppen niet voor een btw-nummer uit Polen" },
    { "BE", "", "de klant gaf geen btw-nummer op" },
    { "BE", "DE136695976", "begint niet met BE, het voorvoegsel van het land van het "
      "factuuradres, België" },
};

/* test_reverse_charge_needs_a_vat_number_that_can_be_the_customers - 0 %
 * to a business elsewhere in the EU, per country, valid and not */
static void
test_reverse_charge_needs_a_vat_number_that_can_be_the_customers(void **state)
{
    char    err[1024];

    for (size_t i = 0; i < sizeof rc_cases / sizeof rc_cases[0]; i++) {
        const rc_case_t *c = &rc_cases[i];
        order_t *o = order_base(40100 + (int64_t) i, "2026-11-05T10:00:00", false, c->country);
        json_t *body;

        order_set(&o->vat_number, c->vat_number);
        line(o, 0, 10000);
        vat(o, 0, 10000, 0);
        totals(o, 10000, 0, 10000);
        profile_init();
        body = boeking_build(o, &profile, NULL, NULL, err, sizeof err);
        if (c->error == NULL) {
            char *text;

            if (body == NULL)
                fail_msg("%s %s: %s", c->country, c->vat_number, err);
            text = boeking_dumps(body);
            assert_non_null(strstr(text, R("Omzet 0%", 8100, "100.00", "Geen")));
            assert_balanced_text(text);
            free(text);
        } else {
            if (body != NULL || strstr(err, c->error) == NULL
                || strstr(err, "btw verlegd") == NULL)
                fail_msg("%s %s: error \"%s\" lacks \"%s\"", c->country, c->vat_number, err,
                         c->error);
        }
        json_decref(body);
        order_destroy(&o);
    }
}

/* registry_says_no - a VIES hook that refuses every number */
static bool
registry_says_no(void *arg, const char *normal, char *why, size_t whylen)
{
    (*(int *) arg)++;
    snprintf(why, whylen, "VIES kent %s niet", normal);
    return false;
}

/* test_the_vies_hook_is_asked_after_the_format_check - a registry lookup
 * can refuse a well-formed number; a malformed one never reaches it */
static void
test_the_vies_hook_is_asked_after_the_format_check(void **state)
{
    int     asked = 0;
    boeking_ctx_t ctx = { .vat_verify = registry_says_no, .vat_verify_arg = &asked };
    order_t *o = order_base(40200, "2026-11-05T10:00:00", false, "BE");
    char    err[1024];

    order_set(&o->vat_number, "BE0123.456.749");
    line(o, 0, 10000);
    vat(o, 0, 10000, 0);
    totals(o, 10000, 0, 10000);
    profile_init();
    assert_null(boeking_build(o, &profile, NULL, &ctx, err, sizeof err));
    assert_non_null(strstr(err, "VIES kent BE0123456749 niet"));
    assert_int_equal(asked, 1);
    order_set(&o->vat_number, "BE0123.456.789");
    assert_null(boeking_build(o, &profile, NULL, &ctx, err, sizeof err));
    assert_int_equal(asked, 1);
    order_destroy(&o);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases_book_every_figure),
        cmocka_unit_test(test_10423_header_fields),
        cmocka_unit_test(test_preview_writes_null_klant),
        cmocka_unit_test(test_plain_jansson_dump_keeps_amounts_exact),
        cmocka_unit_test(test_missing_eur_per_unit_is_refused),
        cmocka_unit_test(test_unmapped_combination_names_the_setting),
        cmocka_unit_test(test_unmapped_omzet_names_its_setting),
        cmocka_unit_test(test_own_verzendkosten_grootboek_beats_fallback),
        cmocka_unit_test(test_base_off_by_more_than_a_cent_per_line_is_refused),
        cmocka_unit_test(test_vat_amount_off_is_refused),
        cmocka_unit_test(test_totals_not_matching_vat_are_refused),
        cmocka_unit_test(test_rate_without_stated_vat_is_refused),
        cmocka_unit_test(test_too_long_factuurnummer_is_refused),
        cmocka_unit_test(test_grootboek_resolved_to_id),
        cmocka_unit_test(test_grootboek_unknown_to_snelstart_is_refused),
        cmocka_unit_test(test_check_grootboeken_names_setting_and_number),
        cmocka_unit_test(test_btwtarieven_decide_soort_per_date),
        cmocka_unit_test(test_factuurdatum_is_amsterdam_date),
        cmocka_unit_test(test_factuurdatum_agrees_with_tzdata),
        cmocka_unit_test(test_cut_text_counts_characters_not_bytes),
        cmocka_unit_test(test_oss_books_each_country_and_rate_on_its_grootboek),
        cmocka_unit_test(test_oss_in_another_currency_keeps_the_vat),
        cmocka_unit_test(test_reverse_charge_needs_a_vat_number_that_can_be_the_customers),
        cmocka_unit_test(test_the_vies_hook_is_asked_after_the_format_check),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
