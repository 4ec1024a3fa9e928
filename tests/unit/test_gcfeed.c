/*
 * NAME
 *   test_gcfeed - unit tests of the Globecharge feed parser
 *
 * DESCRIPTION
 *   The contract's example documents are read from
 *   ../shared/reference/globecharge-examples/ (relative to the repository
 *   root, where the tests run) or, when that is absent, from the copies in
 *   tests/fixtures/feed/. Faulty documents are made by editing an example.
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
#include "xalloc.h"

#define EXAMPLES "../shared/reference/globecharge-examples/"
#define FIXTURES "tests/fixtures/feed/"

/* slurp - a whole file in new memory, NUL-terminated; NULL when absent */
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

/* example - an example document from the reference, else its fixture copy */
static char *
example(const char *name)
{
    char    path[256];
    char   *s;

    snprintf(path, sizeof path, EXAMPLES "%s", name);
    if ((s = slurp(path, NULL)) != NULL)
        return s;
    snprintf(path, sizeof path, FIXTURES "%s", name);
    s = slurp(path, NULL);
    assert_non_null(s);
    return s;
}

/* edit - a copy of s with the first `from` replaced by `to` (which must occur) */
static char *
edit(char *s, const char *from, const char *to)
{
    char   *at = strstr(s, from);
    char   *out;

    assert_non_null(at);
    out = xasprintf("%.*s%s%s", (int) (at - s), s, to, at + strlen(from));
    free(s);
    return out;
}

/* parse - gcfeed_parse of a string */
static order_page_t *
parse(const char *doc, char *err, size_t errlen)
{
    return gcfeed_parse(doc, strlen(doc), "test", err, errlen);
}

/* parse_one_error - parse a single-order document that must fail; its error */
static char *
parse_one_error(const char *doc)
{
    char    err[512] = "";
    order_page_t *page = parse(doc, err, sizeof err);
    char   *e;

    assert_non_null(page);
    assert_int_equal(page->nitems, 1);
    assert_null(page->items[0].order);
    assert_non_null(page->items[0].error);
    e = xstrdup(page->items[0].error);
    order_page_destroy(&page);
    assert_null(page);
    return e;
}

/* check_order_10423 - every field of the contract's example order */
static void
check_order_10423(const order_t *o)
{
    assert_string_equal(o->source, "globecharge");
    assert_string_equal(o->profile, "");
    assert_int_equal(o->number, 10423);
    assert_int_equal(o->status, ORDER_PAID);
    assert_string_equal(o->modified, "2026-11-02T13:35:00Z");
    assert_string_equal(o->date, "2026-11-02T14:31:07+01:00");
    assert_int_equal(o->date_epoch, 1793626267);    /* 2026-11-02T13:31:07Z */
    assert_string_equal(o->currency, "EUR");
    assert_int_equal(o->eur_per_unit_e6, 1000000);
    assert_true(o->prices_include_vat);
    assert_string_equal(o->payment_method, "iDEAL");
    assert_string_equal(o->payment_status, "paid");
    assert_string_equal(o->payment_reference, "0050000000000001");
    assert_string_equal(o->email, "jan@devries.nl");
    assert_string_equal(o->phone, "+31 30 123 4567");
    assert_string_equal(o->vat_number, "NL001234560B01");
    assert_string_equal(o->coc_number, "12345678");
    assert_int_equal(o->nfields, 1);
    assert_string_equal(o->fields[0].name, "Klantnummer");
    assert_string_equal(o->fields[0].value, "1001");

    assert_string_equal(o->billing.company, "Bakkerij De Vries B.V.");
    assert_string_equal(o->billing.first_name, "Jan");
    assert_string_equal(o->billing.last_name, "de Vries");
    assert_string_equal(o->billing.street, "Dorpsstraat");
    assert_string_equal(o->billing.house_number, "1");
    assert_string_equal(o->billing.house_number_addition, "A");
    assert_string_equal(o->billing.postcode, "3511 AB");
    assert_string_equal(o->billing.city, "Utrecht");
    assert_string_equal(o->billing.region, "");
    assert_string_equal(o->billing.country, "NL");
    assert_false(o->has_delivery);
    assert_string_equal(o->delivery.country, "");
    assert_ptr_equal(order_delivery_address(o), &o->billing);

    assert_int_equal(o->nlines, 2);
    assert_string_equal(o->lines[0].sku, "BR-001");
    assert_string_equal(o->lines[0].description, "Volkorenbrood");
    assert_int_equal(o->lines[0].quantity_e4, 20000);
    assert_int_equal(o->lines[0].unit_price_e4, 32500);
    assert_int_equal(o->lines[0].vat_rate_e2, 900);
    assert_int_equal(o->lines[0].total_cents, 650);
    assert_string_equal(o->lines[1].sku, "TD-014");
    assert_string_equal(o->lines[1].description, "Theedoek linnen");
    assert_int_equal(o->lines[1].quantity_e4, 10000);
    assert_int_equal(o->lines[1].unit_price_e4, 89500);
    assert_int_equal(o->lines[1].vat_rate_e2, 2100);
    assert_int_equal(o->lines[1].total_cents, 895);

    assert_int_equal(o->ncharges, 3);
    assert_int_equal(o->charges[0].kind, CHARGE_SHIPPING);
    assert_string_equal(o->charges[0].description, "PostNL pakket");
    assert_int_equal(o->charges[0].vat_rate_e2, 2100);
    assert_int_equal(o->charges[0].amount_cents, 695);
    assert_int_equal(o->charges[1].kind, CHARGE_PAYMENT);
    assert_string_equal(o->charges[1].description, "iDEAL transactiekosten");
    assert_int_equal(o->charges[1].vat_rate_e2, 2100);
    assert_int_equal(o->charges[1].amount_cents, 29);
    assert_int_equal(o->charges[2].kind, CHARGE_DISCOUNT);
    assert_string_equal(o->charges[2].description, "Kortingscode WELKOM");
    assert_int_equal(o->charges[2].vat_rate_e2, 900);
    assert_int_equal(o->charges[2].amount_cents, -65);

    assert_int_equal(o->nvats, 2);
    assert_int_equal(o->vats[0].rate_e2, 900);
    assert_int_equal(o->vats[0].base_cents, 537);
    assert_int_equal(o->vats[0].amount_cents, 48);
    assert_int_equal(o->vats[1].rate_e2, 2100);
    assert_int_equal(o->vats[1].base_cents, 1338);
    assert_int_equal(o->vats[1].amount_cents, 281);

    assert_int_equal(o->total_excl_cents, 1875);
    assert_int_equal(o->total_vat_cents, 329);
    assert_int_equal(o->total_incl_cents, 2204);
}

/* single_order_example_gives_every_field - order-10423.xml */
static void
single_order_example_gives_every_field(void **state)
{
    char   *doc = example("order-10423.xml");
    char    err[256] = "";
    order_page_t *page = parse(doc, err, sizeof err);

    assert_non_null(page);
    assert_string_equal(err, "");
    assert_int_equal(page->nitems, 1);
    assert_int_equal(page->count, 1);
    assert_int_equal(page->from, 10423);
    assert_int_equal(page->next, 10423);
    assert_int_equal(page->highest, 10423);
    assert_int_equal(page->items[0].number, 10423);
    assert_null(page->items[0].error);
    assert_non_null(page->items[0].order);
    check_order_10423(page->items[0].order);
    order_page_destroy(&page);
    assert_null(page);
    free(doc);
}

/* orders_page_example_gives_all_three_orders - orders-10423-10431.xml */
static void
orders_page_example_gives_all_three_orders(void **state)
{
    char   *doc = example("orders-10423-10431.xml");
    char    err[256] = "";
    order_page_t *page = parse(doc, err, sizeof err);
    const order_t *o;

    assert_non_null(page);
    assert_int_equal(page->from, 10423);
    assert_int_equal(page->count, 3);
    assert_int_equal(page->next, 10432);
    assert_int_equal(page->highest, 10431);
    assert_int_equal(page->nitems, 3);
    check_order_10423(page->items[0].order);

    assert_int_equal(page->items[1].number, 10425);
    assert_null(page->items[1].error);
    o = page->items[1].order;
    assert_non_null(o);
    assert_int_equal(o->status, ORDER_OPEN);
    assert_string_equal(o->date, "2026-11-03T09:12:44+01:00");
    assert_false(o->prices_include_vat);
    assert_string_equal(o->payment_method, "Bankoverschrijving");
    assert_string_equal(o->payment_status, "open");
    assert_string_equal(o->email, "inkoop@brouwerij-hoppe.be");
    assert_string_equal(o->phone, "");
    assert_string_equal(o->vat_number, "BE0123.456.749");
    assert_int_equal(o->nfields, 0);
    assert_string_equal(o->billing.company, "Brouwerij Hoppe BV");
    assert_string_equal(o->billing.street, "Kerkstraat");
    assert_string_equal(o->billing.house_number, "12");
    assert_string_equal(o->billing.house_number_addition, "");
    assert_string_equal(o->billing.postcode, "2000");
    assert_string_equal(o->billing.country, "BE");
    assert_true(o->has_delivery);
    assert_string_equal(o->delivery.company, "Brouwerij Hoppe BV - magazijn");
    assert_string_equal(o->delivery.first_name, "Els");
    assert_string_equal(o->delivery.last_name, "Peeters");
    assert_string_equal(o->delivery.street, "Havenlaan");
    assert_string_equal(o->delivery.house_number, "88");
    assert_string_equal(o->delivery.postcode, "2030");
    assert_string_equal(o->delivery.city, "Antwerpen");
    assert_string_equal(o->delivery.country, "BE");
    assert_ptr_equal(order_delivery_address(o), &o->delivery);
    assert_int_equal(o->nlines, 1);
    assert_string_equal(o->lines[0].sku, "GL-300");
    assert_string_equal(o->lines[0].description, "Bierglas 30 cl (doos 24)");
    assert_int_equal(o->lines[0].quantity_e4, 100000);
    assert_int_equal(o->lines[0].unit_price_e4, 415000);
    assert_int_equal(o->lines[0].vat_rate_e2, 0);
    assert_int_equal(o->lines[0].total_cents, 41500);
    assert_int_equal(o->ncharges, 1);
    assert_int_equal(o->charges[0].kind, CHARGE_SHIPPING);
    assert_string_equal(o->charges[0].description, "Pallet Benelux");
    assert_int_equal(o->charges[0].amount_cents, 4500);
    assert_int_equal(o->nvats, 1);
    assert_int_equal(o->vats[0].rate_e2, 0);
    assert_int_equal(o->vats[0].base_cents, 46000);
    assert_int_equal(o->vats[0].amount_cents, 0);
    assert_int_equal(o->total_excl_cents, 46000);
    assert_int_equal(o->total_vat_cents, 0);
    assert_int_equal(o->total_incl_cents, 46000);

    o = page->items[2].order;
    assert_non_null(o);
    assert_int_equal(o->number, 10431);
    assert_string_equal(o->billing.company, "");
    assert_string_equal(o->billing.first_name, "Kari");
    assert_string_equal(o->billing.postcode, "0155");
    assert_string_equal(o->billing.country, "NO");
    assert_int_equal(o->lines[0].quantity_e4, 30000);
    assert_int_equal(o->lines[0].total_cents, 2685);
    assert_int_equal(o->charges[0].amount_cents, 2450);
    assert_int_equal(o->vats[0].base_cents, 5135);
    assert_int_equal(o->total_incl_cents, 5135);
    order_page_destroy(&page);
    free(doc);
}

/* latin1_document_decodes_to_utf8 - ISO-8859-1 bytes become UTF-8 strings */
static void
latin1_document_decodes_to_utf8(void **state)
{
    size_t  len = 0;
    char   *doc = slurp(FIXTURES "order-10440-latin1.xml", &len);
    char    err[256] = "";
    order_page_t *page;
    const order_t *o;

    assert_non_null(doc);
    assert_non_null(strstr(doc, "M\xfcller"));      /* the fixture really is Latin-1 */
    page = gcfeed_parse(doc, len, "latin1", err, sizeof err);
    assert_non_null(page);
    o = page->items[0].order;
    assert_non_null(o);
    assert_string_equal(o->billing.company, "Taquer\xc3\xad" "a M\xc3\xbcller");
    assert_string_equal(o->billing.last_name, "M\xc3\xbcller");
    assert_string_equal(o->billing.first_name, "J\xc3\xbcrgen");
    assert_string_equal(o->billing.street, "K\xc3\xb6nigstra\xc3\x9f" "e");
    assert_string_equal(o->billing.country, "DE");        /* upper-cased */
    assert_string_equal(o->lines[0].description, "Caf\xc3\xa9 cr\xc3\xa8me \xc3\xa0 la fran\xc3\xa7" "aise");
    assert_string_equal(o->fields[0].name, " Stra\xc3\x9f" "e ");   /* as typed */
    assert_string_equal(o->fields[0].value, "Gr\xc3\xb6\xc3\x9f" "e L");
    assert_int_equal(o->ncharges, 0);
    order_page_destroy(&page);
    free(doc);
}

/* invalid_amount_names_order_element_and_attribute - "12,50" */
static void
invalid_amount_names_order_element_and_attribute(void **state)
{
    char   *doc = edit(example("order-10423.xml"), "incl=\"22.04\"", "incl=\"12,50\"");
    char   *e = parse_one_error(doc);

    assert_string_equal(e, "order 10423: <total incl=\"12,50\">: geen bedrag (cijfers en een "
                           "'.'); corrigeer de order in de shop en klik Opnieuw");
    free(e);
    free(doc);
}

/* too_many_decimals_is_reported_as_such - unitPrice 4, total 2 */
static void
too_many_decimals_is_reported_as_such(void **state)
{
    char   *doc = edit(example("order-10423.xml"), "<unitPrice>8.95</unitPrice>",
                       "<unitPrice>8.95001</unitPrice>");
    char   *e = parse_one_error(doc);

    assert_string_equal(e, "order 10423: regel 2: <unitPrice>8.95001</unitPrice>: heeft meer dan "
                           "4 decimalen; corrigeer de order in de shop en klik Opnieuw");
    free(e);
    free(doc);
    doc = edit(example("order-10423.xml"), "<unitPrice>8.95</unitPrice>",
               "<unitPrice>8.9500</unitPrice>");
    {
        order_page_t *page = parse(doc, NULL, 0);

        assert_non_null(page->items[0].order);
        assert_int_equal(page->items[0].order->lines[1].unit_price_e4, 89500);
        order_page_destroy(&page);
    }
    free(doc);
}

/* invalid_date_names_the_date_element - no offset, wrong form, impossible day */
static void
invalid_date_names_the_date_element(void **state)
{
    static const char *bad[] = { "2026-11-02T14:31:07", "02-11-2026 14:31",
                                 "2026-02-30T10:00:00+01:00", "2026-11-02 14:31:07+01:00",
                                 "" };
    size_t  i;

    for (i = 0; i < sizeof bad / sizeof *bad; i++) {
        char    to[128];
        char   *doc, *e;

        snprintf(to, sizeof to, "<date>%s</date>", bad[i]);
        doc = edit(example("order-10423.xml"), "<date>2026-11-02T14:31:07+01:00</date>", to);
        e = parse_one_error(doc);
        assert_non_null(strstr(e, "order 10423: <date>"));
        assert_non_null(strstr(e, "geen datum en tijd met tijdzone"));
        free(e);
        free(doc);
    }
}

/* date_with_z_or_negative_offset_gives_the_instant */
static void
date_with_z_or_negative_offset_gives_the_instant(void **state)
{
    char   *doc = edit(example("order-10423.xml"), "2026-11-02T14:31:07+01:00",
                       "2026-11-02T08:31:07.250-05:00");
    order_page_t *page = parse(doc, NULL, 0);

    assert_non_null(page->items[0].order);
    assert_int_equal(page->items[0].order->date_epoch, 1793626267);
    assert_string_equal(page->items[0].order->date, "2026-11-02T08:31:07.250-05:00");
    order_page_destroy(&page);
    free(doc);
}

/* missing_total_is_named - <total> absent */
static void
missing_total_is_named(void **state)
{
    char   *doc = edit(example("order-10423.xml"),
                       "<total excl=\"18.75\" vat=\"3.29\" incl=\"22.04\"/>", "");
    char   *e = parse_one_error(doc);

    assert_string_equal(e, "order 10423: <total> ontbreekt; corrigeer de order in de shop en "
                           "klik Opnieuw");
    free(e);
    free(doc);
    doc = edit(example("order-10423.xml"), " vat=\"3.29\" incl", " incl");
    e = parse_one_error(doc);
    assert_string_equal(e, "order 10423: <total> heeft geen attribuut vat; corrigeer de order in "
                           "de shop en klik Opnieuw");
    free(e);
    free(doc);
}

/* missing_billing_country_is_named - and a bad one */
static void
missing_billing_country_is_named(void **state)
{
    char   *doc = edit(example("order-10423.xml"), "<country>NL</country>", "");
    char   *e = parse_one_error(doc);

    assert_string_equal(e, "order 10423: <billing> heeft geen <country>; corrigeer de order in "
                           "de shop en klik Opnieuw");
    free(e);
    free(doc);
    doc = edit(example("order-10423.xml"), "<country>NL</country>",
               "<country>Nederland</country>");
    e = parse_one_error(doc);
    assert_string_equal(e, "order 10423: <billing>: <country>Nederland</country>: geen landcode "
                           "(twee letters, zoals NL); corrigeer de order in de shop en klik "
                           "Opnieuw");
    free(e);
    free(doc);
    doc = edit(example("order-10423.xml"), "<billing>", "<billingX>");
    doc = edit(doc, "</billing>", "</billingX>");
    e = parse_one_error(doc);
    assert_string_equal(e, "order 10423: <billing> ontbreekt; corrigeer de order in de shop en "
                           "klik Opnieuw");
    free(e);
    free(doc);
}

/* unknown_status_is_rejected - status="shipped" */
static void
unknown_status_is_rejected(void **state)
{
    char   *doc = edit(example("order-10423.xml"), "status=\"paid\" modified",
                       "status=\"shipped\" modified");
    char   *e = parse_one_error(doc);

    assert_string_equal(e, "order 10423: <order status=\"shipped\">: onbekende status (verwacht "
                           "paid, open, incomplete of cancelled); corrigeer de order in de shop "
                           "en klik Opnieuw");
    free(e);
    free(doc);
}

/* other_statuses_are_read - incomplete, cancelled */
static void
other_statuses_are_read(void **state)
{
    char   *doc = edit(example("order-10423.xml"), "status=\"paid\" modified",
                       "status=\"incomplete\" modified");
    order_page_t *page = parse(doc, NULL, 0);

    assert_int_equal(page->items[0].order->status, ORDER_INCOMPLETE);
    order_page_destroy(&page);
    free(doc);
    doc = edit(example("order-10423.xml"), "status=\"paid\" modified",
               "status=\"cancelled\" modified");
    page = parse(doc, NULL, 0);
    assert_int_equal(page->items[0].order->status, ORDER_CANCELLED);
    order_page_destroy(&page);
    free(doc);
}

/* field_rules_are_checked - one edit per rule, each with its message */
static void
field_rules_are_checked(void **state)
{
    static const struct {
        const char *from, *to, *error;
    } cases[] = {
        { "modified=\"2026-11-02T13:35:00Z\"", "modified=\"2026-11-02T14:35:00+01:00\"",
          "order 10423: <order modified=\"2026-11-02T14:35:00+01:00\">: geen UTC-datum en "
          "-tijd (zoals 2026-11-02T13:35:00Z)" },
        { "<currency>EUR</currency>", "<currency>eur</currency>",
          "order 10423: <currency>eur</currency>: geen valutacode (drie hoofdletters, "
          "zoals EUR)" },
        { "<currency>EUR</currency>", "<currency eurPerUnit=\"0,92\">USD</currency>",
          "order 10423: <currency eurPerUnit=\"0,92\">: geen wisselkoers (zoals 0.9213)" },
        { "<pricesIncludeVat>true</pricesIncludeVat>", "<pricesIncludeVat>yes</pricesIncludeVat>",
          "order 10423: <pricesIncludeVat>yes</pricesIncludeVat>: verwacht true of false" },
        { "<pricesIncludeVat>true</pricesIncludeVat>", "",
          "order 10423: <pricesIncludeVat> ontbreekt" },
        { "<email>jan@devries.nl</email>", "",
          "order 10423: <customer> heeft geen <email>" },
        { "<field name=\"Klantnummer\">", "<field>",
          "order 10423: <customer>: een <field> (regel 12) heeft geen attribuut name" },
        { "<quantity>2</quantity>", "<quantity>two</quantity>",
          "order 10423: regel 1: <quantity>two</quantity>: geen aantal (cijfers en een '.')" },
        { "<quantity>2</quantity>", "",
          "order 10423: regel 1 heeft geen <quantity>" },
        { "<vatRate>21</vatRate>", "<vatRate>21%</vatRate>",
          "order 10423: regel 2: <vatRate>21%</vatRate>: geen btw-percentage (zoals 21, 9 "
          "of 5.5)" },
        { "<vatRate>21</vatRate>", "<vatRate>121</vatRate>",
          "order 10423: regel 2: <vatRate>121</vatRate>: geen btw-percentage (zoals 21, 9 "
          "of 5.5)" },
        { "<total>6.50</total>", "<total>6.505</total>",
          "order 10423: regel 1: <total>6.505</total>: heeft meer dan 2 decimalen" },
        { "vatRate=\"9\">-0.65", "vatRate=\"9\">0.65",
          "order 10423: kosten 3: <discount>0.65</discount>: een korting moet negatief zijn "
          "(zoals -0.65)" },
        { "<shipping description=\"PostNL pakket\" vatRate=\"21\">",
          "<shipping description=\"PostNL pakket\">",
          "order 10423: kosten 1: <shipping> heeft geen attribuut vatRate" },
        { ">0.29</payment>", ">EUR 0.29</payment>",
          "order 10423: kosten 2: <payment>EUR 0.29</payment>: geen bedrag (cijfers "
          "en een '.')" },
        { "<vat rate=\"9\" base=\"5.37\"", "<vat rate=\"9\" base=\"5.37.1\"",
          "order 10423: <vat base=\"5.37.1\">: geen bedrag (cijfers en een '.')" },
        { "<vat rate=\"21\" ", "<vat ",
          "order 10423: <vat> heeft geen attribuut rate" },
        { "number=\"10423\"", "number=\"10423a\"",
          "order op regel 2: <order number=\"10423a\">: geen ordernummer (alleen cijfers)" },
        { "number=\"10423\"", "",
          "order op regel 2: <order> heeft geen attribuut number" },
        { "<lines>", "<regels>",
          "order 10423: <lines> ontbreekt" },
    };
    size_t  i;

    for (i = 0; i < sizeof cases / sizeof *cases; i++) {
        char   *doc = edit(example("order-10423.xml"), cases[i].from, cases[i].to);
        char   *e;

        if (strcmp(cases[i].from, "<lines>") == 0)
            doc = edit(doc, "</lines>", "</regels>");
        e = parse_one_error(doc);
        /* then what to do: "; corrigeer de order in de shop ..." */
        if (strncmp(e, cases[i].error, strlen(cases[i].error)) != 0
            || strncmp(e + strlen(cases[i].error), "; corrigeer de order", 20) != 0)
            fail_msg("case %zu: got \"%s\", expected \"%s\"", i, e, cases[i].error);
        free(e);
        free(doc);
    }
}

/* unreadable_number_gives_minus_one - the item still says where it is */
static void
unreadable_number_gives_minus_one(void **state)
{
    char   *doc = edit(example("order-10423.xml"), "number=\"10423\"", "number=\"-5\"");
    order_page_t *page = parse(doc, NULL, 0);

    assert_int_equal(page->items[0].number, -1);
    assert_int_equal(page->from, -1);
    assert_null(page->items[0].order);
    assert_non_null(strstr(page->items[0].error, "order op regel 2"));
    order_page_destroy(&page);
    free(doc);
}

/* foreign_currency_takes_eur_per_unit - and is 0 without it */
static void
foreign_currency_takes_eur_per_unit(void **state)
{
    char   *doc = edit(example("order-10423.xml"), "<currency>EUR</currency>",
                       "<currency eurPerUnit=\"0.9213\">USD</currency>");
    order_page_t *page = parse(doc, NULL, 0);

    assert_string_equal(page->items[0].order->currency, "USD");
    assert_int_equal(page->items[0].order->eur_per_unit_e6, 921300);
    order_page_destroy(&page);
    free(doc);
    doc = edit(example("order-10423.xml"), "<currency>EUR</currency>",
               "<currency>NOK</currency>");
    page = parse(doc, NULL, 0);
    assert_non_null(page->items[0].order);
    assert_string_equal(page->items[0].order->currency, "NOK");
    assert_int_equal(page->items[0].order->eur_per_unit_e6, 0);
    order_page_destroy(&page);
    free(doc);
}

/* fractional_quantity_and_rate_are_exact - 1.5 and 5.5 % */
static void
fractional_quantity_and_rate_are_exact(void **state)
{
    char   *doc = edit(example("order-10423.xml"), "<quantity>1</quantity>",
                       "<quantity>\n        1.5\n      </quantity>");
    order_page_t *page;

    doc = edit(doc, "<vatRate>21</vatRate>", "<vatRate>5.5</vatRate>");
    page = parse(doc, NULL, 0);
    assert_non_null(page->items[0].order);
    assert_int_equal(page->items[0].order->lines[1].quantity_e4, 15000);
    assert_int_equal(page->items[0].order->lines[1].vat_rate_e2, 550);
    order_page_destroy(&page);
    free(doc);
}

/* empty_email_and_missing_optionals_are_accepted */
static void
empty_email_and_missing_optionals_are_accepted(void **state)
{
    char   *doc = edit(example("order-10423.xml"), "<email>jan@devries.nl</email>",
                       "<email/>");
    order_page_t *page;

    doc = edit(doc, "<payment method=\"iDEAL\" status=\"paid\" reference=\"0050000000000001\"/>", "");
    doc = edit(doc, "<houseNumber>1</houseNumber>", "<houseNumber/>");
    doc = edit(doc, "<company>Bakkerij De Vries B.V.</company>", "<company></company>");
    page = parse(doc, NULL, 0);
    assert_non_null(page->items[0].order);
    assert_string_equal(page->items[0].order->email, "");
    assert_string_equal(page->items[0].order->payment_method, "");
    assert_string_equal(page->items[0].order->billing.house_number, "");
    assert_string_equal(page->items[0].order->billing.company, "");
    order_page_destroy(&page);
    free(doc);
}

/* unknown_elements_and_attributes_are_ignored - later versions may add them */
static void
unknown_elements_and_attributes_are_ignored(void **state)
{
    char   *doc = edit(example("order-10423.xml"), "<currency>",
                       "<loyalty points=\"5\"><tier><name>goud</name></tier></loyalty>\n"
                       "  <x:total xmlns:x=\"urn:example:other\" incl=\"1,00\"/>\n"
                       "  <currency rounding=\"bankers\">");
    char    err[256] = "";
    order_page_t *page;

    doc = edit(doc, "<line>", "<line id=\"7\"><ean>8712345678906</ean>");
    doc = edit(doc, "status=\"paid\"", "status=\"paid\" channel=\"app\"");
    doc = edit(doc, "<charges>", "<charges><giftWrap vatRate=\"x\">abc</giftWrap>");
    page = parse(doc, err, sizeof err);
    assert_non_null(page);
    assert_null(page->items[0].error);
    check_order_10423(page->items[0].order);
    order_page_destroy(&page);
    free(doc);
}

/* one_bad_order_leaves_the_others_valid - in an <orders> page */
static void
one_bad_order_leaves_the_others_valid(void **state)
{
    char   *doc = edit(example("orders-10423-10431.xml"), "incl=\"460.00\"",
                       "incl=\"12,50\"");
    char    err[256] = "";
    order_page_t *page = parse(doc, err, sizeof err);

    assert_non_null(page);
    assert_int_equal(page->nitems, 3);
    check_order_10423(page->items[0].order);
    assert_null(page->items[0].error);
    assert_int_equal(page->items[1].number, 10425);
    assert_null(page->items[1].order);
    assert_string_equal(page->items[1].error, "order 10425: <total incl=\"12,50\">: geen bedrag "
                                              "(cijfers en een '.'); corrigeer de order in de "
                                              "shop en klik Opnieuw");
    assert_non_null(page->items[2].order);
    assert_int_equal(page->items[2].order->number, 10431);
    assert_null(page->items[2].error);
    order_page_destroy(&page);
    free(doc);
}

/* expect_doc_error - the document fails as a whole, with an error holding needle */
static void
expect_doc_error(const char *doc, size_t len, const char *needle)
{
    char    err[512] = "";
    order_page_t *page = gcfeed_parse(doc, len, "orders.cgi", err, sizeof err);

    assert_null(page);
    if (strstr(err, needle) == NULL || strncmp(err, "orders.cgi: ", 12) != 0)
        fail_msg("error \"%s\" does not hold \"%s\"", err, needle);
}

/* wrong_namespace_rejects_the_document */
static void
wrong_namespace_rejects_the_document(void **state)
{
    char   *doc = edit(example("orders-10423-10431.xml"), "urn:globecharge:orders:1",
                       "urn:globecharge:orders:2");

    expect_doc_error(doc, strlen(doc), "regel 2: <orders> staat niet in de namespace "
                     "urn:globecharge:orders:1 (maar in urn:globecharge:orders:2)");
    free(doc);
    doc = edit(example("order-10423.xml"), " xmlns=\"urn:globecharge:orders:1\"", "");
    expect_doc_error(doc, strlen(doc), "(maar in geen)");
    free(doc);
}

/* not_xml_rejects_the_document - JSON, HTML, empty */
static void
not_xml_rejects_the_document(void **state)
{
    const char *json = "{\"orders\": []}";
    const char *html = "<html><body><p>Onderhoud<br></body></html>";

    expect_doc_error(json, strlen(json), "regel 1: geen geldige XML: ");
    expect_doc_error(html, strlen(html), "geen geldige XML");
    expect_doc_error("", 0, "het document is leeg");
    expect_doc_error(NULL, 0, "het document is leeg");
    expect_doc_error("<orders xmlns=\"urn:globecharge:orders:1\"", 40, "geen geldige XML");
}

/* wrong_root_and_server_error_are_named */
static void
wrong_root_and_server_error_are_named(void **state)
{
    const char *other = "<invoice xmlns=\"urn:globecharge:orders:1\"/>";
    const char *error = "<error xmlns=\"urn:globecharge:orders:1\" code=\"auth\">wrong "
                        "password</error>";

    expect_doc_error(other, strlen(other), "regel 1: het document is een <invoice>, verwacht "
                     "<orders> of <order>");
    expect_doc_error(error, strlen(error), "Globecharge antwoordde met een fout (auth): "
                     "\"wrong password\"");
}

/* truncated_document_is_rejected_with_its_line - every cut of the page */
static void
truncated_document_is_rejected_with_its_line(void **state)
{
    char   *doc = example("orders-10423-10431.xml");
    size_t  len = strlen(doc);
    size_t  cut;

    expect_doc_error(doc, len / 2, "geen geldige XML");
    expect_doc_error(doc, len / 2, "line ");
    for (cut = 1; cut < len - 2; cut += 7)
        expect_doc_error(doc, cut, "");
    free(doc);
}

/* bad_orders_attributes_reject_the_document - next, count */
static void
bad_orders_attributes_reject_the_document(void **state)
{
    char   *doc = edit(example("orders-10423-10431.xml"), "next=\"10432\"", "next=\"x\"");

    expect_doc_error(doc, strlen(doc), "regel 2: <orders next=\"x\">: geen getal");
    free(doc);
    doc = edit(example("orders-10423-10431.xml"), " highest=\"10431\"", "");
    expect_doc_error(doc, strlen(doc), "<orders> heeft geen attribuut highest");
    free(doc);
    doc = edit(example("orders-10423-10431.xml"), "count=\"3\"", "count=\"4\"");
    expect_doc_error(doc, strlen(doc), "<orders count=\"4\"> maar het document bevat 3 "
                     "<order>-elementen");
    free(doc);
}

/* empty_page_is_valid - count 0, next = from */
static void
empty_page_is_valid(void **state)
{
    const char *doc = "<?xml version=\"1.0\"?><orders xmlns=\"urn:globecharge:orders:1\" "
                      "from=\"10432\" count=\"0\" next=\"10432\" highest=\"10431\"/>";
    order_page_t *page = parse(doc, NULL, 0);

    assert_non_null(page);
    assert_int_equal(page->nitems, 0);
    assert_int_equal(page->next, 10432);
    assert_int_equal(page->highest, 10431);
    order_page_destroy(&page);
}

/* deeply_nested_document_is_rejected - without exhausting the stack */
static void
deeply_nested_document_is_rejected(void **state)
{
    size_t  depth = 100000;
    size_t  len = 0;
    char   *doc = xmalloc(depth * 7 + 200);
    size_t  i;

    len += (size_t) sprintf(doc, "<orders xmlns=\"urn:globecharge:orders:1\" from=\"1\" "
                            "count=\"0\" next=\"1\" highest=\"1\">");
    for (i = 0; i < depth; i++) {
        memcpy(doc + len, "<a>", 3);
        len += 3;
    }
    expect_doc_error(doc, len, "elementen zijn meer dan 64 diep genest");
    free(doc);
}

/* moderate_nesting_in_unknown_elements_is_fine - 40 levels of unknown elements */
static void
moderate_nesting_in_unknown_elements_is_fine(void **state)
{
    char   *nest = xstrdup("");
    char   *doc;
    order_page_t *page;
    int     i;

    for (i = 0; i < 40; i++) {
        char   *n = xasprintf("<x>%s</x>", nest);

        free(nest);
        nest = n;
    }
    doc = xasprintf("%s<currency>", nest);
    free(nest);
    nest = doc;
    doc = edit(example("order-10423.xml"), "<currency>", nest);
    page = parse(doc, NULL, 0);
    assert_non_null(page);
    check_order_10423(page->items[0].order);
    free(nest);
    free(doc);
    order_page_destroy(&page);
}

/* doctype_and_entities_are_refused - billion laughs, external entities */
static void
doctype_and_entities_are_refused(void **state)
{
    const char *laughs =
        "<?xml version=\"1.0\"?>\n"
        "<!DOCTYPE orders [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">"
        "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]>\n"
        "<orders xmlns=\"urn:globecharge:orders:1\" from=\"&c;\" count=\"0\" next=\"1\" "
        "highest=\"1\"/>";
    const char *external =
        "<?xml version=\"1.0\"?>\n"
        "<!DOCTYPE order SYSTEM \"http://127.0.0.1:1/evil.dtd\">\n"
        "<order xmlns=\"urn:globecharge:orders:1\" number=\"1\"/>";

    expect_doc_error(laughs, strlen(laughs), "regel 2: een documenttypedeclaratie");
    expect_doc_error(external, strlen(external), "een documenttypedeclaratie");
}

/* other_encodings_are_refused - windows-1252 declared, UTF-16 */
static void
other_encodings_are_refused(void **state)
{
    char   *doc = edit(example("order-10423.xml"), "encoding=\"UTF-8\"",
                       "encoding=\"windows-1252\"");
    const char utf16[] = "\xff\xfe<\0o\0";

    expect_doc_error(doc, strlen(doc), "gecodeerd in windows-1252; alleen UTF-8 en "
                     "ISO-8859-1 worden gelezen");
    free(doc);
    expect_doc_error(utf16, sizeof utf16 - 1, "UTF-16");
}

/* undeclared_latin1_bytes_are_not_utf8 - reported, not guessed */
static void
undeclared_latin1_bytes_are_not_utf8(void **state)
{
    char   *doc = edit(example("order-10423.xml"), "de Vries</lastName>",
                       "M\xfcller</lastName>");

    expect_doc_error(doc, strlen(doc), "geen geldige XML");
    free(doc);
}

/* latin1_declared_on_utf8_bytes_is_refused - "é" would silently become "Ã©" */
static void
latin1_declared_on_utf8_bytes_is_refused(void **state)
{
    char   *doc = edit(example("order-10423.xml"), "encoding=\"UTF-8\"",
                       "encoding=\"ISO-8859-1\"");
    char   *utf8 = edit(doc, "de Vries</lastName>", "M\xc3\xbcller</lastName>");
    char   *plain = edit(example("order-10423.xml"), "encoding=\"UTF-8\"",
                         "encoding=\"ISO-8859-1\"");
    char    err[512] = "";
    order_page_t *page;

    expect_doc_error(utf8, strlen(utf8), "noemt de codering ISO-8859-1 maar de bytes zijn UTF-8");
    /* plain ASCII reads the same either way and is accepted */
    page = gcfeed_parse(plain, strlen(plain), "orders.cgi", err, sizeof err);
    assert_non_null(page);
    order_page_destroy(&page);
    free(utf8);
    free(plain);
}

/* oversized_document_is_refused_before_parsing */
static void
oversized_document_is_refused_before_parsing(void **state)
{
    size_t  len = (size_t) LIMIT_DOCUMENT_BYTES + 1;
    char   *doc = xcalloc(1, len);

    memset(doc, ' ', len);
    expect_doc_error(doc, len, "meer dan de grens");
    free(doc);
}

/* too_many_elements_are_refused_while_parsing - <x/> past LIMIT_DOCUMENT_NODES
 * stops the parser (62 MB of them took 2 GB as a tree) */
static void
too_many_elements_are_refused_while_parsing(void **state)
{
    const char *head = "<order xmlns=\"urn:globecharge:orders:1\" number=\"5\">";
    size_t  n = LIMIT_DOCUMENT_NODES + 10, hl = strlen(head), i;
    char   *doc = xmalloc(hl + n * 4 + 16);
    char   *p = doc;

    (void) state;
    memcpy(p, head, hl);
    p += hl;
    for (i = 0; i < n; i++, p += 4)
        memcpy(p, "<x/>", 4);
    strcpy(p, "</order>");
    expect_doc_error(doc, strlen(doc), "elementen en attributen");
    free(doc);
}

/* error_answer_entities_are_never_expanded - an <error> answer with a
 * DOCTYPE (a 118 KB 401 whose entity expands to 450 MB) is not read */
static void
error_answer_entities_are_never_expanded(void **state)
{
    char   *big = xmalloc(18000 + 25000 * 4 + 256);
    char    code[64], text[256];
    char   *p = big;
    size_t  i;

    (void) state;
    p = stpcpy(p, "<?xml version=\"1.0\"?>\n<!DOCTYPE error [<!ENTITY e0 \"");
    for (i = 0; i < 6000; i++)
        p = stpcpy(p, "lol");
    p = stpcpy(p, "\">]>\n<error code=\"auth\">");
    for (i = 0; i < 25000; i++)
        p = stpcpy(p, "&e0;");
    strcpy(p, "</error>");
    assert_false(gcfeed_error(big, strlen(big), code, sizeof code, text, sizeof text));
    assert_string_equal(code, "");
    assert_true(gcfeed_error("<error code=\"auth\">wrong password</error>", 41, code,
                             sizeof code, text, sizeof text));
    assert_string_equal(code, "auth");
    assert_string_equal(text, "wrong password");
    free(big);
}

/* mutated_documents_never_crash - random byte edits of the example page */
static void
mutated_documents_never_crash(void **state)
{
    char   *orig = example("orders-10423-10431.xml");
    size_t  len = strlen(orig);
    char   *doc = xmalloc(len + 1);
    char    err[512];
    unsigned seed = 12345;
    int     round, k;
    size_t  valid = 0;

    for (round = 0; round < 3000; round++) {
        order_page_t *page;

        memcpy(doc, orig, len + 1);
        for (k = 0; k < 1 + round % 4; k++) {
            seed = seed * 1103515245u + 12345u;
            doc[(seed >> 8) % len] = (char) (" <>\"=/.-,0a\xc3\xff&;"[(seed >> 20) % 16]);
        }
        page = gcfeed_parse(doc, len, "fuzz", err, sizeof err);
        if (page != NULL) {
            size_t  i;

            for (i = 0; i < page->nitems; i++)
                assert_true((page->items[i].order == NULL) != (page->items[i].error == NULL));
            valid++;
        } else {
            assert_true(err[0] != '\0');
        }
        order_page_destroy(&page);
    }
    assert_true(valid > 0);
    free(doc);
    free(orig);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(single_order_example_gives_every_field),
        cmocka_unit_test(orders_page_example_gives_all_three_orders),
        cmocka_unit_test(latin1_document_decodes_to_utf8),
        cmocka_unit_test(invalid_amount_names_order_element_and_attribute),
        cmocka_unit_test(too_many_decimals_is_reported_as_such),
        cmocka_unit_test(invalid_date_names_the_date_element),
        cmocka_unit_test(date_with_z_or_negative_offset_gives_the_instant),
        cmocka_unit_test(missing_total_is_named),
        cmocka_unit_test(missing_billing_country_is_named),
        cmocka_unit_test(unknown_status_is_rejected),
        cmocka_unit_test(other_statuses_are_read),
        cmocka_unit_test(field_rules_are_checked),
        cmocka_unit_test(unreadable_number_gives_minus_one),
        cmocka_unit_test(foreign_currency_takes_eur_per_unit),
        cmocka_unit_test(fractional_quantity_and_rate_are_exact),
        cmocka_unit_test(empty_email_and_missing_optionals_are_accepted),
        cmocka_unit_test(unknown_elements_and_attributes_are_ignored),
        cmocka_unit_test(one_bad_order_leaves_the_others_valid),
        cmocka_unit_test(wrong_namespace_rejects_the_document),
        cmocka_unit_test(not_xml_rejects_the_document),
        cmocka_unit_test(wrong_root_and_server_error_are_named),
        cmocka_unit_test(truncated_document_is_rejected_with_its_line),
        cmocka_unit_test(bad_orders_attributes_reject_the_document),
        cmocka_unit_test(empty_page_is_valid),
        cmocka_unit_test(deeply_nested_document_is_rejected),
        cmocka_unit_test(moderate_nesting_in_unknown_elements_is_fine),
        cmocka_unit_test(doctype_and_entities_are_refused),
        cmocka_unit_test(other_encodings_are_refused),
        cmocka_unit_test(undeclared_latin1_bytes_are_not_utf8),
        cmocka_unit_test(latin1_declared_on_utf8_bytes_is_refused),
        cmocka_unit_test(oversized_document_is_refused_before_parsing),
        cmocka_unit_test(too_many_elements_are_refused_while_parsing),
        cmocka_unit_test(error_answer_entities_are_never_expanded),
        cmocka_unit_test(mutated_documents_never_crash),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
