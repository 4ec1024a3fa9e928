/*
 * NAME
 *   test_wcorder - unit tests of the WooCommerce order parser
 *
 * DESCRIPTION
 *   Reads the reference's example order (order 727, copied verbatim into
 *   tests/sim/woocommerce/examples/order-727.json) and a Dutch order with
 *   two VAT rates, a coupon, a fee, shipping, a refund and VAT-number meta
 *   (order-1001.json), checks every mapped field, and has the booker build
 *   a verkoopboeking from the result. Faulty orders are made by editing an
 *   example with jansson.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <jansson.h>

#include "boeking.h"
#include "config.h"
#include "size_limits.h"
#include "wcorder.h"
#include "../sim/woocommerce/wsim_gen.h"
#include "xalloc.h"

#define EXAMPLES "tests/sim/woocommerce/examples/"

/* slurp - a whole file in new memory, NUL-terminated */
static char *
slurp(const char *path, size_t *len)
{
    FILE   *fp = fopen(path, "rb");
    char   *buf;
    long    n;

    assert_non_null(fp);
    assert_int_equal(fseek(fp, 0, SEEK_END), 0);
    n = ftell(fp);
    assert_true(n >= 0);
    rewind(fp);
    buf = xmalloc((size_t) n + 1);
    assert_int_equal(fread(buf, 1, (size_t) n, fp), (size_t) n);
    buf[n] = '\0';
    fclose(fp);
    if (len != NULL)
        *len = (size_t) n;
    return buf;
}

/* parse_text - parse a document that must be readable */
static order_page_t *
parse_text(const char *text)
{
    char    err[512];
    order_page_t *page = wcorder_parse_page(text, strlen(text), "test", err, sizeof err);

    if (page == NULL)
        fail_msg("document refused: %s", err);
    return page;
}

/* parse_example - the one order of an example file, which must be valid */
static order_t *
parse_example(const char *name, order_page_t **page_p)
{
    char    path[256];
    char   *text;

    snprintf(path, sizeof path, EXAMPLES "%s", name);
    text = slurp(path, NULL);
    *page_p = parse_text(text);
    free(text);
    assert_int_equal((*page_p)->nitems, 1);
    if ((*page_p)->items[0].order == NULL)
        fail_msg("%s refused: %s", name, (*page_p)->items[0].error);
    return (*page_p)->items[0].order;
}

/* edited - an example with one change made by fn, parsed; its one item */
static order_page_t *
edited(const char *name, void (*fn)(json_t *order))
{
    char    path[256];
    json_error_t jerr;
    json_t *doc;
    char   *text;
    order_page_t *page;

    snprintf(path, sizeof path, EXAMPLES "%s", name);
    doc = json_load_file(path, 0, &jerr);
    assert_non_null(doc);
    fn(doc);
    text = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    page = parse_text(text);
    free(text);
    assert_int_equal(page->nitems, 1);
    return page;
}

/* field - the value of an order field, or NULL */
static const char *
field(const order_t *o, const char *name)
{
    for (size_t i = 0; i < o->nfields; i++)
        if (strcmp(o->fields[i].name, name) == 0)
            return o->fields[i].value;
    return NULL;
}

/* vat_at - the VAT entry at a rate, or NULL */
static const order_vat_t *
vat_at(const order_t *o, int32_t rate)
{
    for (size_t i = 0; i < o->nvats; i++)
        if (o->vats[i].rate_e2 == rate)
            return &o->vats[i];
    return NULL;
}

static void
reference_order_727_maps_every_field(void **state)
{
    order_page_t *page;
    order_t *o = parse_example("order-727.json", &page);

    (void) state;
    assert_string_equal(o->source, "woocommerce");
    assert_int_equal(o->number, 727);
    assert_int_equal(o->status, ORDER_PAID);        /* processing, date_paid set */
    assert_string_equal(o->date, "2017-03-22T19:28:02+00:00");
    assert_int_equal(o->date_epoch, 1490210882);
    assert_string_equal(o->modified, "2017-03-22T19:28:08Z");
    assert_string_equal(o->currency, "USD");
    assert_int_equal(o->eur_per_unit_e6, 0);
    assert_false(o->prices_include_vat);
    assert_string_equal(o->payment_method, "Direct Bank Transfer");
    assert_string_equal(o->payment_status, "paid");
    assert_string_equal(o->email, "john.doe@example.com");
    assert_string_equal(o->phone, "(555) 555-5555");
    assert_string_equal(o->billing.first_name, "John");
    assert_string_equal(o->billing.last_name, "Doe");
    assert_string_equal(o->billing.street, "969 Market");   /* no number after a street */
    assert_string_equal(o->billing.house_number, "");
    assert_string_equal(o->billing.city, "San Francisco");
    assert_string_equal(o->billing.region, "CA");
    assert_string_equal(o->billing.postcode, "94103");
    assert_string_equal(o->billing.country, "US");
    assert_false(o->has_delivery);                   /* shipping equals billing */
    assert_null(field(o, "order_number"));          /* number equals id */
    assert_string_equal(field(o, "download_permissions_granted"), "yes");

    assert_int_equal(o->nlines, 2);
    assert_string_equal(o->lines[0].description, "Woo Single #1");
    assert_int_equal(o->lines[0].quantity_e4, 20000);
    assert_int_equal(o->lines[0].unit_price_e4, 30000);
    assert_int_equal(o->lines[0].total_cents, 600);
    assert_int_equal(o->lines[0].vat_rate_e2, 750);  /* derived: no rate_percent */
    assert_string_equal(o->lines[1].description,
                        "Ship Your Idea \xe2\x80\x93 Color: Black, Size: M Test");
    assert_string_equal(o->lines[1].sku, "Bar3");
    assert_int_equal(o->lines[1].total_cents, 1200);
    assert_int_equal(o->ncharges, 1);
    assert_int_equal(o->charges[0].kind, CHARGE_SHIPPING);
    assert_string_equal(o->charges[0].description, "Flat Rate");
    assert_int_equal(o->charges[0].amount_cents, 1000);
    assert_int_equal(o->charges[0].vat_rate_e2, 0);  /* no taxes on shipping */

    assert_int_equal(o->nvats, 2);
    assert_int_equal(vat_at(o, 750)->base_cents, 1800);
    assert_int_equal(vat_at(o, 750)->amount_cents, 135);
    assert_int_equal(vat_at(o, 0)->base_cents, 1000);
    assert_int_equal(vat_at(o, 0)->amount_cents, 0);
    assert_int_equal(o->total_incl_cents, 2935);
    assert_int_equal(o->total_vat_cents, 135);
    assert_int_equal(o->total_excl_cents, 2800);
    assert_int_equal(page->from, 727);
    assert_int_equal(page->highest, 727);
    assert_int_equal(page->next, 728);
    order_page_destroy(&page);
    assert_null(page);
}

/* capture_start, capture_end - the log lines (stderr) written in between */
static int saved_stderr = -1;
static FILE *capture_fp;

static void
capture_start(void)
{
    capture_fp = tmpfile();
    assert_non_null(capture_fp);
    saved_stderr = dup(STDERR_FILENO);
    assert_true(dup2(fileno(capture_fp), STDERR_FILENO) >= 0);
}

static char *
capture_end(void)
{
    char   *text;
    long    n;

    assert_true(dup2(saved_stderr, STDERR_FILENO) >= 0);
    close(saved_stderr);
    n = ftell(capture_fp);
    text = xcalloc(1, (size_t) n + 1);
    rewind(capture_fp);
    assert_int_equal(fread(text, 1, (size_t) n, capture_fp), (size_t) n);
    fclose(capture_fp);
    return text;
}

static void
dutch_order_with_two_rates_coupon_fee_and_shipping_maps_every_field(void **state)
{
    order_page_t *page;
    order_t *o;
    char   *log;

    (void) state;
    capture_start();
    o = parse_example("order-1001.json", &page);
    log = capture_end();

    assert_int_equal(o->number, 1001);
    assert_string_equal(field(o, "order_number"), "2026-1001");
    assert_int_equal(o->status, ORDER_PAID);
    assert_string_equal(o->currency, "EUR");
    assert_int_equal(o->eur_per_unit_e6, 1000000);
    assert_false(o->prices_include_vat);            /* WooCommerce totals are excl. tax */
    assert_string_equal(o->payment_method, "iDEAL");
    assert_string_equal(o->payment_reference, "tr_WDqYK6vllg");
    assert_string_equal(o->email, "anna@korenbloem.example");
    assert_string_equal(o->vat_number, "NL 8525.32.611.B01");
    assert_string_equal(o->coc_number, "30123456");
    assert_string_equal(field(o, "klantcode"), "K-1042");
    assert_null(field(o, "mollie_payment_details"));  /* objects are left out */

    assert_string_equal(o->billing.company, "Bakkerij de Korenbloem");
    assert_string_equal(o->billing.street, "Dorpsstraat");
    assert_string_equal(o->billing.house_number, "12");
    assert_string_equal(o->billing.house_number_addition, "A");
    assert_string_equal(o->billing.postcode, "3981 AB");
    assert_string_equal(o->billing.country, "NL");    /* upper-cased */
    assert_true(o->has_delivery);
    assert_string_equal(o->delivery.street, "Markt");
    assert_string_equal(o->delivery.house_number, "3");
    assert_string_equal(o->delivery.house_number_addition, "2e verdieping");
    assert_string_equal(o->delivery.city, "Utrecht");

    /* lines at their subtotal, before the coupon */
    assert_int_equal(o->nlines, 2);
    assert_string_equal(o->lines[0].description, "Theedoek \xe2\x80\x93 linnen");
    assert_int_equal(o->lines[0].total_cents, 1479);
    assert_int_equal(o->lines[0].unit_price_e4, 73950);
    assert_int_equal(o->lines[0].vat_rate_e2, 2100);
    assert_int_equal(o->lines[1].total_cents, 596);
    assert_int_equal(o->lines[1].vat_rate_e2, 900);

    /* shipping, fee, then the coupon split over both rates */
    assert_int_equal(o->ncharges, 4);
    assert_int_equal(o->charges[0].kind, CHARGE_SHIPPING);
    assert_int_equal(o->charges[0].amount_cents, 574);
    assert_int_equal(o->charges[0].vat_rate_e2, 2100);
    assert_int_equal(o->charges[1].kind, CHARGE_PAYMENT);
    assert_string_equal(o->charges[1].description, "Betaalkosten iDEAL");
    assert_int_equal(o->charges[1].amount_cents, 24);
    assert_int_equal(o->charges[1].vat_rate_e2, 2100);
    assert_int_equal(o->charges[2].kind, CHARGE_DISCOUNT);
    assert_string_equal(o->charges[2].description, "Coupon welkom");
    assert_int_equal(o->charges[2].vat_rate_e2, 2100);
    assert_int_equal(o->charges[2].amount_cents, -148);
    assert_int_equal(o->charges[3].kind, CHARGE_DISCOUNT);
    assert_int_equal(o->charges[3].vat_rate_e2, 900);
    assert_int_equal(o->charges[3].amount_cents, -60);

    assert_int_equal(o->nvats, 2);
    assert_int_equal(vat_at(o, 2100)->base_cents, 1331 + 574 + 24);
    assert_int_equal(vat_at(o, 2100)->amount_cents, 285 + 121);
    assert_int_equal(vat_at(o, 900)->base_cents, 536);
    assert_int_equal(vat_at(o, 900)->amount_cents, 48);
    assert_int_equal(o->total_incl_cents, 2919);
    assert_int_equal(o->total_vat_cents, 454);
    assert_int_equal(o->total_excl_cents, 2465);

    /* the refund is kept by its id; its lines are read by the source (wcrefund) */
    assert_string_equal(field(o, "refund 1010"), "-10.83");
    free(log);
    order_page_destroy(&page);
}

static void
parsed_orders_balance_in_a_verkoopboeking(void **state)
{
    static const char *names[] = { "order-1001.json" };
    profile_t p;
    char    err[512];

    (void) state;
    memset(&p, 0, sizeof p);
    p.name = "woo";
    p.factuurnummer_prefix = "WC";
    p.betalingstermijn = 14;
    p.grootboek[KIND_OMZET][REGION_NL][BTW_HOOG] = 8000;
    p.grootboek[KIND_OMZET][REGION_NL][BTW_LAAG] = 8010;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        order_page_t *page;
        order_t *o;
        json_t *body;
        char   *text;

        capture_start();
        o = parse_example(names[i], &page);
        free(capture_end());
        body = boeking_build(o, &p, NULL, NULL, err, sizeof err);
        if (body == NULL)
            fail_msg("%s: %s", names[i], err);
        text = boeking_dumps(body);
        assert_non_null(strstr(text, "\"factuurbedrag\":29.19,"));
        assert_non_null(strstr(text, "\"btwBedrag\":4.06"));
        assert_non_null(strstr(text, "\"btwBedrag\":0.48"));
        free(text);
        json_decref(body);
        order_page_destroy(&page);
    }
}

/* book_generated - parse one generated order and book it offline */
static int
book_generated(int64_t id, const char *json, void *arg)
{
    profile_t *p = arg;
    char    err[512];
    order_page_t *page = wcorder_parse_page(json, strlen(json), "generated", err, sizeof err);
    order_t *o;
    json_t *body;

    if (page == NULL)
        fail_msg("order %lld: %s", (long long) id, err);
    o = page->items[0].order;
    if (o == NULL)
        fail_msg("%s", page->items[0].error);
    if (o->status == ORDER_PAID || o->status == ORDER_OPEN) {
        if ((body = boeking_build(o, p, NULL, NULL, err, sizeof err)) == NULL)
            fail_msg("%s", err);
        json_decref(body);
        p->betalingstermijn++;          /* counts the booked orders */
    }
    order_page_destroy(&page);
    return 0;
}

static void
every_generated_simulator_order_parses_and_balances(void **state)
{
    profile_t p;
    wsim_gen_t *gen = wsim_gen_new(42, 5001, 300);

    (void) state;
    memset(&p, 0, sizeof p);
    p.name = "woo";
    p.factuurnummer_prefix = "WC";
    for (int r = 0; r < REGION_N; r++)
        for (int b = 0; b < BTW_NSOORTEN; b++)
            p.grootboek[KIND_OMZET][r][b] = 8000 + r * 10 + b;
    capture_start();
    assert_int_equal(wsim_gen_run(gen, book_generated, &p), 300);
    free(capture_end());
    assert_true(p.betalingstermijn > 150);
    assert_true(p.betalingstermijn <= 999);
    wsim_gen_destroy(&gen);
}

static void
statuses_map_to_bookable_or_not(void **state)
{
    (void) state;
    assert_int_equal(wcorder_status("processing", true, "ideal"), ORDER_PAID);
    assert_int_equal(wcorder_status("completed", true, "bacs"), ORDER_PAID);
    assert_int_equal(wcorder_status("completed", false, "bacs"), ORDER_OPEN);
    assert_int_equal(wcorder_status("processing", true, "cod"), ORDER_OPEN);
    assert_int_equal(wcorder_status("pending", false, "bacs"), ORDER_INCOMPLETE);
    assert_int_equal(wcorder_status("on-hold", false, "bacs"), ORDER_INCOMPLETE);
    assert_int_equal(wcorder_status("failed", false, "ideal"), ORDER_INCOMPLETE);
    assert_int_equal(wcorder_status("checkout-draft", false, ""), ORDER_INCOMPLETE);
    assert_int_equal(wcorder_status("cancelled", false, ""), ORDER_CANCELLED);
    assert_int_equal(wcorder_status("refunded", true, ""), ORDER_CANCELLED);
    assert_int_equal(wcorder_status("shipped", true, ""), -1);
}

static void
bad_amount(json_t *o)
{
    json_object_set_new(json_array_get(json_object_get(o, "line_items"), 1), "total",
                        json_string("12,00"));
}

static void
bad_amount_names_order_and_field(void **state)
{
    order_page_t *page = edited("order-727.json", bad_amount);

    (void) state;
    assert_null(page->items[0].order);
    assert_int_equal(page->items[0].number, 727);
    assert_non_null(strstr(page->items[0].error, "order 727: line_items[1].total: geen bedrag"));
    order_page_destroy(&page);
}

static void
unknown_rate(json_t *o)
{
    json_t *t = json_array_get(json_object_get(json_array_get(json_object_get(o, "line_items"), 0),
                                               "taxes"), 0);
    json_object_set_new(t, "id", json_integer(99));
}

static void
tax_rate_missing_from_tax_lines_is_refused(void **state)
{
    order_page_t *page = edited("order-727.json", unknown_rate);

    (void) state;
    assert_null(page->items[0].order);
    assert_string_equal(page->items[0].error, "order 727: line_items[0].taxes[0].id: btw-tarief "
                                              "99 staat niet in de tax_lines van de order; "
                                              "corrigeer de order in de shop en klik Opnieuw");
    order_page_destroy(&page);
}

static void
wrong_total_tax(json_t *o)
{
    json_object_set_new(o, "total_tax", json_string("1.36"));
}

static void
total_tax_must_be_the_sum_of_tax_lines(void **state)
{
    order_page_t *page = edited("order-727.json", wrong_total_tax);

    (void) state;
    assert_null(page->items[0].order);
    assert_string_equal(page->items[0].error, "order 727: total_tax: 1,36 is niet de som van de "
                                              "tax_lines (1,35); corrigeer de order in de shop "
                                              "en klik Opnieuw");
    order_page_destroy(&page);
}

static void
total_off_by_a_cent(json_t *o)
{
    json_object_set_new(o, "total", json_string("29.36"));
}

static void
total_off_by_much(json_t *o)
{
    json_object_set_new(o, "total", json_string("30.35"));
}

static void
rounding_difference_of_a_cent_goes_into_a_base_and_more_is_refused(void **state)
{
    order_page_t *page = edited("order-727.json", total_off_by_a_cent);
    order_t *o = page->items[0].order;

    (void) state;
    assert_non_null(o);
    assert_int_equal(o->total_excl_cents, 2801);
    assert_int_equal(vat_at(o, 750)->base_cents, 1801);  /* the rate with most items */
    order_page_destroy(&page);

    page = edited("order-727.json", total_off_by_much);
    assert_null(page->items[0].order);
    assert_non_null(strstr(page->items[0].error, "order 727: total: 30,35 min total_tax 1,35"));
    order_page_destroy(&page);
}

static void
compound(json_t *o)
{
    json_object_set_new(json_array_get(json_object_get(o, "tax_lines"), 0), "compound",
                        json_true());
}

static void
compound_tax_is_refused(void **state)
{
    order_page_t *page = edited("order-727.json", compound);

    (void) state;
    assert_null(page->items[0].order);
    assert_non_null(strstr(page->items[0].error, "tax_lines[0]: een samengesteld btw-tarief"));
    order_page_destroy(&page);
}

static void
on_hold(json_t *o)
{
    json_object_set_new(o, "status", json_string("on-hold"));
    json_object_set_new(o, "date_paid", json_null());
    json_object_set_new(o, "date_paid_gmt", json_null());
}

static void
on_hold_order_is_incomplete(void **state)
{
    order_page_t *page = edited("order-727.json", on_hold);

    (void) state;
    assert_non_null(page->items[0].order);
    assert_int_equal(page->items[0].order->status, ORDER_INCOMPLETE);
    assert_string_equal(page->items[0].order->payment_status, "not paid");
    order_page_destroy(&page);
}

static void
one_bad_order_leaves_the_others_alone(void **state)
{
    char   *one = slurp(EXAMPLES "order-727.json", NULL);
    char   *text = xasprintf("[%s, {\"id\": \"x\"}, %s]", one, one);
    order_page_t *page;

    (void) state;
    page = parse_text(text);
    assert_int_equal(page->nitems, 3);
    assert_non_null(page->items[0].order);
    assert_null(page->items[1].order);
    assert_int_equal(page->items[1].number, -1);
    assert_string_equal(page->items[1].error, "order op plaats 2: id: geen id (\"x\"); corrigeer "
                                              "de order in de shop");
    assert_non_null(page->items[2].order);
    assert_int_equal(page->count, 3);
    free(text);
    free(one);
    order_page_destroy(&page);
}

static void
empty_array_is_an_empty_page(void **state)
{
    order_page_t *page = parse_text("[]");

    (void) state;
    assert_int_equal(page->nitems, 0);
    assert_int_equal(page->count, 0);
    assert_int_equal(page->next, 0);
    order_page_destroy(&page);
}

static void
unreadable_documents_name_the_source(void **state)
{
    char    err[256];

    (void) state;
    assert_null(wcorder_parse_page("<html>", 6, "orders?page=2", err, sizeof err));
    assert_non_null(strstr(err, "orders?page=2: geen JSON"));
    assert_null(wcorder_parse_page("\"x\"", 3, "orders", err, sizeof err));
    assert_non_null(strstr(err, "verwacht een lijst van orders"));
    assert_null(wcorder_parse_page("{\"code\":\"woocommerce_rest_cannot_view\",\"message\":"
                                   "\"Sorry\",\"data\":{\"status\":401}}", 79, "orders",
                                   err, sizeof err));
    assert_non_null(strstr(err, "woocommerce_rest_cannot_view"));
}

/* poisoned_documents_name_the_field - each JSON no strict parser reads, at
 * the start of order 727 as woocommerce-sim --poison serves it: refused with
 * the field named, so that the dead letter can say where */
static void
poisoned_documents_name_the_field(void **state)
{
    static const struct {
        const char *key, *value, *says;
    } poisons[] = {
        { "customer_note", "\"a\\u0000b\"", "NUL-teken" },
        { "customer_id", "123456789012345678901234567890", "getal dat te groot is" },
        { "cart_tax", "1e400", "getal dat te groot is" },
        { "status", "\"processing\"", "staat twee keer" },
    };
    char   *order = slurp(EXAMPLES "order-727.json", NULL);
    char   *brace = strchr(order, '{');
    char    err[512], want[128];
    char   *doc, *deep;
    size_t  i;

    (void) state;
    assert_non_null(brace);
    for (i = 0; i < sizeof poisons / sizeof *poisons; i++) {
        doc = xasprintf("{\"%s\": %s, %s", poisons[i].key, poisons[i].value, brace + 1);
        assert_null(wcorder_parse_page(doc, strlen(doc), "orders/727", err, sizeof err));
        snprintf(want, sizeof want, "het veld \"%s\"", poisons[i].key);
        if (strstr(err, want) == NULL || strstr(err, poisons[i].says) == NULL)
            fail_msg("poison %s: %s", poisons[i].key, err);
        free(doc);
    }
    deep = xmalloc(10001);
    memset(deep, '[', 5000);
    memset(deep + 5000, ']', 5000);
    deep[10000] = 0;
    doc = xasprintf("{\"meta_data\": %s, %s", deep, brace + 1);
    assert_null(wcorder_parse_page(doc, strlen(doc), "orders/727", err, sizeof err));
    if (strstr(err, "het veld \"meta_data\"") == NULL || strstr(err, "dieper genest") == NULL)
        fail_msg("deep nesting: %s", err);
    free(doc);
    free(deep);
    free(order);
}

/* too_many_values_are_refused_before_parsing - "[1,1,...]" past
 * LIMIT_DOCUMENT_NODES is refused before jansson builds it (15 million
 * values took the fetcher to 618 MB); commas inside strings do not count */
static void
too_many_values_are_refused_before_parsing(void **state)
{
    size_t  n = LIMIT_DOCUMENT_NODES + 10, i;
    char   *doc = xmalloc(2 * n + 2);
    char    err[512];
    order_page_t *page;

    (void) state;
    doc[0] = '[';
    for (i = 0; i < n; i++) {
        doc[1 + 2 * i] = '1';
        doc[2 + 2 * i] = ',';
    }
    doc[2 * n] = ']';
    doc[2 * n + 1] = 0;
    assert_null(wcorder_parse_page(doc, strlen(doc), "orders", err, sizeof err));
    if (strstr(err, "meer dan") == NULL || strstr(err, "JSON-waarden") == NULL)
        fail_msg("%s", err);
    /* the same commas inside one string are one value: parsed, not refused */
    doc[0] = '"';
    doc[2 * n] = '"';
    page = wcorder_parse_page(doc, strlen(doc), "orders", err, sizeof err);
    assert_null(page);
    assert_non_null(strstr(err, "verwacht een lijst van orders"));
    free(doc);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reference_order_727_maps_every_field),
        cmocka_unit_test(dutch_order_with_two_rates_coupon_fee_and_shipping_maps_every_field),
        cmocka_unit_test(parsed_orders_balance_in_a_verkoopboeking),
        cmocka_unit_test(every_generated_simulator_order_parses_and_balances),
        cmocka_unit_test(statuses_map_to_bookable_or_not),
        cmocka_unit_test(bad_amount_names_order_and_field),
        cmocka_unit_test(tax_rate_missing_from_tax_lines_is_refused),
        cmocka_unit_test(total_tax_must_be_the_sum_of_tax_lines),
        cmocka_unit_test(rounding_difference_of_a_cent_goes_into_a_base_and_more_is_refused),
        cmocka_unit_test(compound_tax_is_refused),
        cmocka_unit_test(on_hold_order_is_incomplete),
        cmocka_unit_test(one_bad_order_leaves_the_others_alone),
        cmocka_unit_test(empty_array_is_an_empty_page),
        cmocka_unit_test(unreadable_documents_name_the_source),
        cmocka_unit_test(poisoned_documents_name_the_field),
        cmocka_unit_test(too_many_values_are_refused_before_parsing),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
