/*
 * NAME
 *   test_creditnota - the credit verkoopboeking of a refund, figure by figure
 *
 * DESCRIPTION
 *   Table-driven: an order (10423 of the feed contract, a BE business, a
 *   DE consumer under OSS), a refund (full, or lines by quantity with or
 *   without the shipping), and the exact boekingsregels and btw lines of
 *   the credit note. Every body balances to the cent, carries the credit
 *   note's factuurnummer and names the original, and satisfies SnelStart's
 *   request schema for POST /verkoopboekingen (snelstart-sim's validator).
 *   Run from the repository root (as make does).
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

#include "creditnota.h"
#include "order.h"
#include "../sim/snelstart/ssim_spec.h"

#define SPEC "tests/sim/snelstart/snelstart-b2b-api-v2.yaml"
#define KLANT "6b8f1f4c-2c1e-4a55-9d0e-0123456789ab"

static profile_t profile;
static ssim_spec_t *spec;

static int
load_spec(void **state)
{
    char    err[1024];

    if ((spec = ssim_spec_load(SPEC, err, sizeof err)) == NULL) {
        fprintf(stderr, "%s (run the test from the repository root)\n", err);
        return -1;
    }
    return 0;
}

static int
free_spec(void **state)
{
    ssim_spec_destroy(&spec);
    return 0;
}

static void
profile_init(void)
{
    memset(&profile, 0, sizeof profile);
    profile.name = "test";
    profile.factuurnummer_prefix = "WS";
    profile.betalingstermijn = 14;
    profile.grootboek[KIND_OMZET][REGION_NL][BTW_HOOG] = 8000;
    profile.grootboek[KIND_OMZET][REGION_NL][BTW_LAAG] = 8010;
    profile.grootboek[KIND_OMZET][REGION_EU][BTW_GEEN] = 8100;
    profile.grootboek[KIND_VERZENDKOSTEN][REGION_NL][BTW_HOOG] = 8400;
    profile.grootboek[KIND_KORTING][REGION_NL][BTW_LAAG] = 8420;
    profile.oss[0] = (oss_grootboek_t) { "DE", 1900, 8600 };
    profile.oss[1] = (oss_grootboek_t) { "DE", 700, 8601 };
    profile.noss = 2;
}

static order_line_t *
line(order_t *o, const char *what, int32_t rate, int64_t qty, int64_t cents)
{
    order_line_t *l = order_add_line(o);

    order_set(&l->description, what);
    l->vat_rate_e2 = rate;
    l->quantity_e4 = qty * 10000;
    l->unit_price_e4 = cents * 100 / qty;
    l->total_cents = cents;
    return l;
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

static order_t *
base(int64_t number, bool incl, const char *country)
{
    order_t *o = order_new();

    o->number = number;
    o->date_epoch = 1793626267;         /* 2026-11-02T13:31:07Z */
    o->prices_include_vat = incl;
    strcpy(o->currency, "EUR");
    o->eur_per_unit_e6 = 1000000;
    order_set(&o->source, "globecharge");
    order_set(&o->payment_method, "iDEAL");
    order_set(&o->billing.country, country);
    return o;
}

/* 10423 of the feed contract: 9 % and 21 %, shipping, payment, discount */
static order_t *
make_10423(void)
{
    order_t *o = base(10423, true, "NL");

    line(o, "Volkorenbrood", 900, 2, 650);
    line(o, "Theedoek linnen", 2100, 1, 895);
    charge(o, CHARGE_SHIPPING, 2100, 695);
    charge(o, CHARGE_PAYMENT, 2100, 29);
    charge(o, CHARGE_DISCOUNT, 900, -65);
    vat(o, 900, 537, 48);
    vat(o, 2100, 1338, 281);
    o->total_excl_cents = 1875;
    o->total_vat_cents = 329;
    o->total_incl_cents = 2204;
    return o;
}

/* a BE business at 0 %, prices excl. VAT: three lines and shipping */
static order_t *
make_be(void)
{
    order_t *o = base(10425, false, "BE");

    order_set(&o->vat_number, "BE0123.456.749");
    line(o, "Mout", 0, 10, 41500);
    line(o, "Hop", 0, 3, 1200);
    charge(o, CHARGE_SHIPPING, 0, 4500);
    vat(o, 0, 47200, 0);
    o->total_excl_cents = o->total_incl_cents = 47200;
    return o;
}

/* a DE consumer under OSS: 19 % and 7 % */
static order_t *
make_de(void)
{
    order_t *o = base(10450, true, "DE");

    line(o, "Theedoek linnen", 1900, 1, 1190);
    line(o, "Kookboek", 700, 2, 2140);
    charge(o, CHARGE_SHIPPING, 1900, 595);
    vat(o, 1900, 1500, 285);
    vat(o, 700, 2000, 140);
    o->total_excl_cents = 3500;
    o->total_vat_cents = 425;
    o->total_incl_cents = 3925;
    return o;
}

#define R(label, nr, bedrag, soort) \
    "{\"omschrijving\":\"" label "\",\"grootboek\":{\"nummer\":" #nr "},\"bedrag\":" bedrag \
    ",\"btwSoort\":\"" soort "\"}"
#define B(soort, bedrag) "{\"btwSoort\":\"" soort "\",\"btwBedrag\":" bedrag "}"
#define V(label, bedrag) \
    "{\"omschrijving\":\"" label "\",\"grootboek\":{\"id\":null},\"bedrag\":" bedrag \
    ",\"btwSoort\":\"Geen\"}"

static const creditnota_line_t bread_one[] = { { 0, 10000 } };     /* 1 of 2 loaves */
static const creditnota_line_t towel[] = { { 1, 10000 } };
static const creditnota_line_t malt_four[] = { { 0, 40000 } };     /* 4 of 10 */
static const creditnota_line_t book_one[] = { { 1, 10000 } };      /* 1 of 2 books */

typedef struct {
    const char *name;
    order_t  *(*make)(void);
    creditnota_refund_t refund;
    const char *factuurnummer;
    const char *factuurbedrag;
    const char *regels;
    const char *btw;
} cn_case_t;

static const cn_case_t cases[] = {
    { "10423 refunded in full mirrors its booking", make_10423, { .seq = 1, .full = true },
      "WS10423-C1", "-22.04",
      "[" R("Omzet 9%", 8010, "-5.96", "Laag") "," R("Omzet 21%", 8000, "-7.40", "Hoog") ","
          R("Verzendkosten 21%", 8400, "-5.74", "Hoog") ","
          R("Betalingskosten 21%", 8000, "-0.24", "Hoog") ","
          R("Korting 9%", 8420, "0.59", "Laag") "]",
      "[" B("VerkopenHoog", "-2.81") "," B("VerkopenLaag", "-0.48") "]" },
    { "10423: one loaf of two back, no shipping", make_10423,
      { .seq = 1, .lines = bread_one, .nlines = 1 },
      "WS10423-C1", "-3.25",
      "[" R("Omzet 9%", 8010, "-2.98", "Laag") "]", "[" B("VerkopenLaag", "-0.27") "]" },
    { "10423: the tea towel and the shipping back, a second credit note", make_10423,
      { .seq = 2, .lines = towel, .nlines = 1, .shipping = true },
      "WS10423-C2", "-15.90",
      "[" R("Omzet 21%", 8000, "-7.40", "Hoog") "," R("Verzendkosten 21%", 8400, "-5.74", "Hoog")
          "]", "[" B("VerkopenHoog", "-2.76") "]" },
    { "BE business: four of ten bags of malt back, btw verlegd", make_be,
      { .seq = 1, .lines = malt_four, .nlines = 1 },
      "WS10425-C1", "-166.00", "[" R("Omzet 0%", 8100, "-166.00", "Geen") "]", "[]" },
    { "BE business refunded in full with shipping", make_be, { .seq = 1, .full = true },
      "WS10425-C1", "-472.00",
      "[" R("Omzet 0%", 8100, "-427.00", "Geen") "," R("Verzendkosten 0%", 8100, "-45.00", "Geen")
          "]", "[]" },
    { "DE consumer under OSS: one book of two back", make_de,
      { .seq = 1, .lines = book_one, .nlines = 1 },
      "WS10450-C1", "-10.70",
      "[" R("Omzet DE 7%", 8601, "-10.00", "Geen") "," V("Btw DE 7%", "-0.70") "]", "[]" },
    { "DE consumer under OSS refunded in full", make_de, { .seq = 1, .full = true },
      "WS10450-C1", "-39.25",
      "[" R("Omzet DE 19%", 8600, "-10.00", "Geen") "," R("Omzet DE 7%", 8601, "-20.00", "Geen")
          "," R("Verzendkosten DE 19%", 8600, "-5.00", "Geen") "," V("Btw DE 19%", "-2.85") ","
          V("Btw DE 7%", "-1.40") "]", "[]" },
};

/* amount_sum - the sum of the two-decimal amounts after each "key": */
static int64_t
amount_sum(const char *text, const char *key)
{
    char    pat[64];
    int64_t sum = 0;

    snprintf(pat, sizeof pat, "\"%s\":", key);
    for (const char *p = text; (p = strstr(p, pat)) != NULL;) {
        double  v;

        p += strlen(pat);
        assert_int_equal(sscanf(p, "%lf", &v), 1);
        sum += (int64_t) (v * 100 + (v < 0 ? -0.5 : 0.5));
    }
    return sum;
}

/* schema_ok - the body against SnelStart's request schema */
static void
schema_ok(json_t *body, const char *name)
{
    json_t *errors = json_array(), *r;
    size_t  i;

    /* as posted: the relatie's id, and every grootboek an id (offline they
     * are {"nummer": N} and {"id": null}) */
    json_object_set_new(body, "klant", json_pack("{s:s}", "id", KLANT));
    json_array_foreach(json_object_get(body, "boekingsregels"), i, r)
        json_object_set_new(r, "grootboek", json_pack("{s:s}", "id",
                            "6b0e0000-0000-4000-8000-000000008000"));
    if (!ssim_spec_check(spec, ssim_spec_request(spec, "POST", "/verkoopboekingen"), body, errors))
        fail_msg("%s: %s", name, json_dumps(errors, JSON_COMPACT));
    json_decref(errors);
}

/* every_refund_books_its_figures - the table */
static void
every_refund_books_its_figures(void **state)
{
    char    err[1024], want[4096];

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const cn_case_t *c = &cases[i];
        order_t *o = c->make();
        json_t *body;
        char   *text;

        print_message("case: %s\n", c->name);
        profile_init();
        body = creditnota_build(o, &c->refund, &profile, NULL, NULL, err, sizeof err);
        if (body == NULL)
            fail_msg("%s: %s", c->name, err);
        text = boeking_dumps(body);
        snprintf(want, sizeof want, "\"factuurnummer\":\"%s\"", c->factuurnummer);
        if (strstr(text, want) == NULL)
            fail_msg("%s:\n got  %s\n want %s", c->name, text, want);
        snprintf(want, sizeof want, "\"factuurbedrag\":%s,", c->factuurbedrag);
        if (strstr(text, want) == NULL)
            fail_msg("%s:\n got  %s\n want %s", c->name, text, want);
        snprintf(want, sizeof want, "\"boekingsregels\":%s", c->regels);
        if (strstr(text, want) == NULL)
            fail_msg("%s:\n got  %s\n want %s", c->name, text, want);
        snprintf(want, sizeof want, "\"btw\":%s", c->btw);
        if (strstr(text, want) == NULL)
            fail_msg("%s:\n got  %s\n want %s", c->name, text, want);
        snprintf(want, sizeof want, "bij factuur WS%lld", (long long) o->number);
        assert_non_null(strstr(text, want));
        /* regels + btw = factuurbedrag, to the cent */
        assert_int_equal(amount_sum(text, "bedrag") + amount_sum(text, "btwBedrag"),
                         amount_sum(text, "factuurbedrag"));
        schema_ok(body, c->name);
        free(text);
        json_decref(body);
        order_destroy(&o);
    }
}

/* a_refund_that_cannot_be_is_refused - naming the line and the order */
static void
a_refund_that_cannot_be_is_refused(void **state)
{
    static const creditnota_line_t too_many[] = { { 0, 30000 } };
    static const creditnota_line_t no_line[] = { { 7, 10000 } };
    order_t *o = make_10423();
    char    err[512];

    profile_init();
    assert_null(creditnota_build(o, &(creditnota_refund_t) { .seq = 1, .lines = too_many,
                                 .nlines = 1 }, &profile, NULL, NULL, err, sizeof err));
    assert_string_equal(err, "order 10423: the refund returns more of line 1 (Volkorenbrood) "
                        "than was sold");
    assert_null(creditnota_build(o, &(creditnota_refund_t) { .seq = 1, .lines = no_line,
                                 .nlines = 1 }, &profile, NULL, NULL, err, sizeof err));
    assert_string_equal(err, "order 10423: the refund names line 8, which the order does not have");
    assert_null(creditnota_build(o, &(creditnota_refund_t) { .seq = 1 }, &profile, NULL, NULL,
                                 err, sizeof err));
    assert_string_equal(err, "order 10423: the refund returns nothing to credit");
    /* 12 characters of prefix and a 12-digit order number leave no room for -C1 */
    profile.factuurnummer_prefix = "WEBWINKEL-NL";
    o->number = 123456789012;
    assert_null(creditnota_build(o, &(creditnota_refund_t) { .seq = 1, .full = true }, &profile,
                                 NULL, NULL, err, sizeof err));
    assert_non_null(strstr(err, "the factuurnummer of credit note 1 would be longer than "
                           "SnelStart's 25 characters"));
    order_destroy(&o);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_refund_books_its_figures),
        cmocka_unit_test(a_refund_that_cannot_be_is_refused),
    };

    return cmocka_run_group_tests(tests, load_spec, free_spec);
}
