/*
 * test_betaling - a paid order is settled once with a memoriaalboeking that
 * balances to the cent: the provider's fee (fixed, percentage or stated by
 * the order) on its own grootboek, the rest on the tussenrekening, the
 * invoice closed; valid against snelstart-sim's copy of the OpenAPI spec
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sqlite3.h>

#include "betaling.h"
#include "boeking.h"
#include "fixture.h"
#include "money.h"
#include "xalloc.h"

/* with_payments - the fixture with payments booked */
static fixture_t *
with_payments(fixture_t *f)
{
    f->p->betalingen_boeken = true;
    return f;
}

/* cents - an amount of a body in cents */
static int64_t
cents(const json_t *v)
{
    char    buf[32];
    int64_t c;

    snprintf(buf, sizeof buf, "%.2f", json_number_value(v));
    assert_true(money_parse_cents(buf, &c));
    return c;
}

/* regel_of - the memoriaal regel on grootboek nummer N (offline body), or NULL */
static const json_t *
regel_of(const json_t *mb, int nummer)
{
    size_t  i;
    const json_t *r;

    json_array_foreach(json_object_get(mb, "memoriaalBoekingsRegels"), i, r)
        if (json_integer_value(json_object_get(json_object_get(r, "grootboek"), "nummer"))
            == nummer)
            return r;
    return NULL;
}

/* balance - debet - credit of the memoriaal regels minus the verkoop regels */
static int64_t
balance(const json_t *mb)
{
    size_t  i;
    const json_t *r;
    int64_t sum = 0;

    json_array_foreach(json_object_get(mb, "memoriaalBoekingsRegels"), i, r)
        sum += cents(json_object_get(r, "debet")) - cents(json_object_get(r, "credit"));
    json_array_foreach(json_object_get(mb, "verkoopboekingBoekingsRegels"), i, r)
        sum -= cents(json_object_get(r, "bedrag"));
    return sum;
}

/* fees_balance_to_the_cent - per provider and case: the fee on the cost
 * grootboek, the rest on the tussenrekening, the invoice total settled */
static void
fees_balance_to_the_cent(void **state)
{
    static const struct {
        const char *what;
        const char *method;
        const char *currency;
        int64_t eur_e6;
        const char *stated;      /* the order's stripe_fee field, or NULL */
        int64_t total;           /* euro cents settled */
        int64_t fee;
        int     tussen;
    } cases[] = {
        { "Mollie, fixed 0.29", "iDEAL", "EUR", 0, NULL, 2204, 29, 1110 },
        { "Mollie, any case of the method", "ideal", "EUR", 0, NULL, 2204, 29, 1110 },
        { "PayPal 3.49 % + 0.35: 76.92 cents round to 77", "PayPal", "EUR", 0, NULL,
          2204, 112, 1120 },
        { "Stripe 1.5 % + 0.25: 33.06 cents round to 33", "Stripe", "EUR", 0, NULL,
          2204, 58, 1130 },
        { "Stripe, the fee the order states", "Creditcard", "EUR", 0, "0.61", 2204, 61, 1130 },
        { "GBP 22.04 at 1.1713 is 25.82 euro; PayPal 0.90 + 0.35", "PayPal", "GBP", 1171300,
          NULL, 2582, 125, 1120 },
    };
    fixture_t *f = with_payments(fixture_load());
    char    err[1024];
    size_t  i;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        order_t *o = order_dup(fixture_order(f, 0));
        json_t *mb;
        int     psp;

        order_set(&o->payment_method, cases[i].method);
        snprintf(o->currency, sizeof o->currency, "%s", cases[i].currency);
        o->eur_per_unit_e6 = cases[i].eur_e6;
        if (cases[i].stated) {
            order_field_t *fld = order_add_field(o);

            order_set(&fld->name, "stripe_fee");
            order_set(&fld->value, cases[i].stated);
        }
        psp = betaling_provider(o, f->p);
        assert_true(psp >= 0);
        mb = betaling_build(o, f->p, (psp_t) psp, "10423", NULL,
                            &(betaling_ctx_t) { NULL, NULL }, err, sizeof err);
        if (mb == NULL)
            fail_msg("%s: %s", cases[i].what, err);
        assert_int_equal(balance(mb), 0);
        assert_int_equal(cents(json_object_get(json_array_get(json_object_get(mb,
                         "verkoopboekingBoekingsRegels"), 0), "bedrag")), cases[i].total);
        assert_non_null(regel_of(mb, 4610));
        assert_int_equal(cents(json_object_get(regel_of(mb, 4610), "debet")), cases[i].fee);
        assert_int_equal(cents(json_object_get(regel_of(mb, cases[i].tussen), "debet")),
                         cases[i].total - cases[i].fee);
        assert_int_equal(json_integer_value(json_object_get(json_object_get(mb, "dagboek"),
                                                            "nummer")), 90);
        json_decref(mb);
        order_destroy(&o);
    }
    fixture_stop(&f);
}

/* what_is_not_settled - payments off, an open order, a method no provider
 * lists: no memoriaalboeking; a stated fee that is no amount, or larger than
 * the payment, is refused naming the field or the setting */
static void
what_is_not_settled(void **state)
{
    fixture_t *f = with_payments(fixture_load());
    order_t *o;
    char    err[1024];
    order_field_t *fld;

    assert_int_equal(betaling_provider(fixture_order(f, 1), f->p), -1);    /* open: Bankoverschrijving */
    o = order_dup(fixture_order(f, 0));
    order_set(&o->payment_method, "Klarna");
    assert_int_equal(betaling_provider(o, f->p), -1);
    order_set(&o->payment_method, "Stripe");
    assert_int_equal(betaling_provider(o, f->p), PSP_STRIPE);
    fld = order_add_field(o);
    order_set(&fld->name, "stripe_fee");
    order_set(&fld->value, "0,61");
    assert_null(betaling_build(o, f->p, PSP_STRIPE, "10423", NULL,
                               &(betaling_ctx_t) { NULL, NULL }, err, sizeof err));
    assert_non_null(strstr(err, "veld \"stripe_fee\" noemt zijn geen bedrag (\"0,61\")"));
    order_set(&fld->value, "30.00");
    assert_null(betaling_build(o, f->p, PSP_STRIPE, "10423", NULL,
                               &(betaling_ctx_t) { NULL, NULL }, err, sizeof err));
    assert_non_null(strstr(err, "de kosten van Stripe, 30,00, liggen niet tussen 0 en het "
                            "betaalde bedrag, 22,04: controleer instelling "
                            "profiles.voorbeeld.betalingen.stripe"));
    f->p->betalingen_boeken = false;
    assert_int_equal(betaling_provider(fixture_order(f, 0), f->p), -1);
    order_destroy(&o);
    fixture_stop(&f);
}

/* a_paid_order_is_settled_once_and_its_invoice_closed - booked, then the
 * memoriaalboeking: valid for the spec, openstaandSaldo 0; the order again
 * posts nothing */
static void
a_paid_order_is_settled_once_and_its_invoice_closed(void **state)
{
    fixture_t *f = with_payments(fixture_start(NULL, NULL));
    match_t *m = fixture_is_new("email:jan@devries.nl");
    book_outcome_t out;

    book_order(f->admin, f->ledger, fixture_order(f, 0), m, &out);
    assert_int_equal(out.result, BOOK_BOOKED);
    assert_non_null(strstr(out.reason, "betaling geboekt als memoriaalboeking via mollie, kosten 0,29"));
    assert_int_equal(fixture_count(f, "/_sim/memoriaalboekingen", "\"bedrag\":22.04"), 1);
    assert_int_equal(fixture_count(f, "/_sim/memoriaalboekingen", "\"debet\":21.75"), 1);
    assert_int_equal(fixture_count(f, "/_sim/verkoopfacturen", "\"openstaandSaldo\":0"), 1);
    book_order(f->admin, f->ledger, fixture_order(f, 0), m, &out);
    assert_int_equal(out.result, BOOK_BOOKED);
    assert_int_equal(fixture_count(f, "/_sim/memoriaalboekingen", "\"bedrag\":22.04"), 1);
    /* an order that is not paid is booked, not settled */
    book_order(f->admin, f->ledger, fixture_order(f, 1), m, &out);
    assert_int_equal(out.result, BOOK_BOOKED);
    assert_int_equal(fixture_count(f, "/_sim/memoriaalboekingen", "\"omschrijving\":\"Betaling order"), 1);
    match_destroy(&m);
    fixture_stop(&f);
}

/* a_lost_answer_is_looked_up_not_posted_twice - every answer to a write is
 * lost: the verkoopboeking and the memoriaalboeking are each found in
 * SnelStart (the invoice is paid), and neither is posted twice */
static void
a_lost_answer_is_looked_up_not_posted_twice(void **state)
{
    fixture_t *f = with_payments(fixture_start("--drop-after-store-rate", "1"));
    match_t *m = fixture_is_new("email:jan@devries.nl");
    book_outcome_t out;
    int     i;

    for (i = 0; i < 4 && (i == 0 || out.result != BOOK_BOOKED); i++)
        book_order(f->admin, f->ledger, fixture_order(f, 0), m, &out);
    assert_int_equal(out.result, BOOK_BOOKED);
    assert_non_null(strstr(out.reason, "betaling geboekt als memoriaalboeking"));
    assert_int_equal(fixture_count(f, "/_sim/verkoopboekingen", "\"factuurnummer\":\"10423\""), 1);
    assert_int_equal(fixture_count(f, "/_sim/memoriaalboekingen", "\"bedrag\":22.04"), 1);
    assert_int_equal(fixture_count(f, "/_sim/verkoopfacturen", "\"openstaandSaldo\":0"), 1);
    match_destroy(&m);
    fixture_stop(&f);
}

/* a_crash_after_the_post_is_found_in_snelstart - "posting" left in the
 * ledger after the memoriaalboeking was stored: the invoice is paid, so it
 * counts as booked and is not posted again */
static void
a_crash_after_the_post_is_found_in_snelstart(void **state)
{
    fixture_t *f = with_payments(fixture_start(NULL, NULL));
    match_t *m = fixture_is_new("email:jan@devries.nl");
    book_outcome_t out;
    char    err[256];

    book_order(f->admin, f->ledger, fixture_order(f, 0), m, &out);
    assert_int_equal(out.result, BOOK_BOOKED);
    assert_true(ledger_followup_set(f->ledger, f->p->name, "10423/betaling", "posting", "", "",
                                    err, sizeof err));
    book_order(f->admin, f->ledger, fixture_order(f, 0), m, &out);
    assert_int_equal(out.result, BOOK_BOOKED);
    assert_non_null(strstr(out.reason, "gevonden in SnelStart: de factuur is betaald"));
    assert_int_equal(fixture_count(f, "/_sim/memoriaalboekingen", "\"bedrag\":22.04"), 1);
    match_destroy(&m);
    fixture_stop(&f);
}

/* a_refused_payment_leaves_the_order_booked_and_says_why - a dagboek that is
 * no memoriaal dagboek: the order is booked, the reason names the setting,
 * and nothing is posted to /memoriaalboekingen */
static void
a_refused_payment_leaves_the_order_booked_and_says_why(void **state)
{
    fixture_t *f = with_payments(fixture_start(NULL, NULL));
    match_t *m = fixture_is_new("email:jan@devries.nl");
    book_outcome_t out;

    f->p->betalingen_dagboek = 20;          /* the Bank dagboek */
    book_order(f->admin, f->ledger, fixture_order(f, 0), m, &out);
    assert_int_equal(out.result, BOOK_BOOKED);
    assert_non_null(strstr(out.followup_refused, "de betaling is niet geboekt, boek hem met de "
                           "hand in SnelStart: instelling profiles.voorbeeld.betalingen.dagboek: "
                           "dagboek 20 heeft soort Bank, niet Memoriaal"));
    assert_int_equal(fixture_count(f, "/_sim/memoriaalboekingen", "\"omschrijving\":\"Betaling order"), 0);
    /* reported once: the order again is booked before, the payment not tried */
    book_order(f->admin, f->ledger, fixture_order(f, 0), m, &out);
    assert_int_equal(out.result, BOOK_BOOKED);
    assert_null(strstr(out.reason, "betaling"));
    assert_string_equal(out.followup_refused, "");
    match_destroy(&m);
    fixture_stop(&f);
}

/* the_simulator_refuses_an_unbalanced_or_excessive_settlement - snelstart-sim
 * holds koppel to SnelStart's rules: debet must equal what is settled, and
 * no more than the invoice's openstaandSaldo can be settled */
static void
the_simulator_refuses_an_unbalanced_or_excessive_settlement(void **state)
{
    fixture_t *f = with_payments(fixture_start(NULL, NULL));
    match_t *m = fixture_is_new("email:jan@devries.nl");
    book_outcome_t out;
    char    err[1024];
    json_t *mb, *regels, *stored = NULL;
    ss_error_t e;
    const char *what;

    f->p->betalingen_boeken = false;        /* booked, not settled */
    book_order(f->admin, f->ledger, fixture_order(f, 0), m, &out);
    assert_int_equal(out.result, BOOK_BOOKED);
    f->p->betalingen_boeken = true;
    assert_int_equal(administration_load(f->admin, true, &what, &e), SS_OK);
    mb = betaling_build(fixture_order(f, 0), f->p, PSP_MOLLIE, "10423", out.boeking_id,
                        &(betaling_ctx_t) { f->admin->grootboeken, f->admin->dagboeken },
                        err, sizeof err);
    assert_non_null(mb);
    regels = json_object_get(mb, "memoriaalBoekingsRegels");
    json_object_set_new(json_array_get(regels, 1), "debet", json_real(0.30));
    assert_int_equal(snelstart_post(f->admin->api, "/memoriaalboekingen", mb, &stored, &e),
                     SS_REJECTED);
    assert_string_equal(e.code, "MEM-0011");
    json_object_set_new(json_array_get(regels, 1), "debet", json_real(0.29));
    json_object_set_new(json_array_get(regels, 0), "debet", json_real(22.75));
    json_object_set_new(json_array_get(json_object_get(mb, "verkoopboekingBoekingsRegels"), 0),
                        "bedrag", json_real(23.04));
    assert_int_equal(snelstart_post(f->admin->api, "/memoriaalboekingen", mb, &stored, &e),
                     SS_REJECTED);
    assert_string_equal(e.code, "MEM-0008");
    assert_int_equal(fixture_count(f, "/_sim/verkoopfacturen", "\"openstaandSaldo\":22.04"), 1);
    json_decref(mb);
    match_destroy(&m);
    fixture_stop(&f);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fees_balance_to_the_cent),
        cmocka_unit_test(what_is_not_settled),
        cmocka_unit_test(a_paid_order_is_settled_once_and_its_invoice_closed),
        cmocka_unit_test(a_lost_answer_is_looked_up_not_posted_twice),
        cmocka_unit_test(a_crash_after_the_post_is_found_in_snelstart),
        cmocka_unit_test(a_refused_payment_leaves_the_order_booked_and_says_why),
        cmocka_unit_test(the_simulator_refuses_an_unbalanced_or_excessive_settlement),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
