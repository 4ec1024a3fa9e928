/*
 * test_wcrefund - WooCommerce's refunds of an order read as credit notes
 *
 * The answers have the shape of GET /wp-json/wc/v3/orders/ID/refunds in
 * WooCommerce's documentation (docs/contracts/woocommerce-refunds.md):
 * negative amounts and quantities, the returned line named by the meta
 * _refunded_item_id.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "order.h"
#include "wcrefund.h"

/* an_order - order 723: 2 x line item 311, 1 x line item 312, shipping 5.74 */
static order_t *
an_order(bool coupon)
{
    order_t *o = order_new();
    order_line_t *l;
    order_charge_t *c;

    o->number = 723;
    snprintf(o->currency, sizeof o->currency, "EUR");
    l = order_add_line(o);
    l->quantity_e4 = 20000;
    l->total_cents = 2000;
    l->shop_id = 311;
    l = order_add_line(o);
    l->quantity_e4 = 10000;
    l->total_cents = 454;
    l->shop_id = 312;
    c = order_add_charge(o);
    c->kind = CHARGE_SHIPPING;
    c->amount_cents = 574;
    if (coupon) {
        c = order_add_charge(o);
        c->kind = CHARGE_DISCOUNT;
        c->amount_cents = -100;
    }
    return o;
}

/* refund - one refund object as the API answers it */
#define REFUND(ID, AMOUNT, LINES, SHIPPING) \
    "{\"id\": " #ID ", \"date_created\": \"2017-03-21T17:07:11\", \"date_created_gmt\": " \
    "\"2017-03-21T20:07:11\", \"amount\": \"" AMOUNT "\", \"reason\": \"\", \"refunded_by\": 1," \
    " \"refunded_payment\": false, \"meta_data\": [], \"line_items\": [" LINES "]," \
    " \"tax_lines\": [], \"shipping_lines\": [" SHIPPING "], \"fee_lines\": []}"
#define LINE(ID, QTY, TOTAL, ITEM) \
    "{\"id\": " #ID ", \"name\": \"Woo Single #2\", \"product_id\": 99, \"variation_id\": 0," \
    " \"quantity\": " #QTY ", \"tax_class\": \"\", \"subtotal\": \"" TOTAL "\", \"subtotal_tax\":" \
    " \"0.00\", \"total\": \"" TOTAL "\", \"total_tax\": \"0.00\", \"taxes\": [], \"meta_data\":" \
    " [{\"id\": 1, \"key\": \"_refunded_item_id\", \"value\": \"" #ITEM "\"}], \"sku\": \"\"}"
#define SHIP(TOTAL) \
    "{\"id\": 320, \"method_title\": \"PostNL\", \"method_id\": \"flat_rate\", \"total\": \"" \
    TOTAL "\", \"total_tax\": \"0.00\", \"taxes\": [], \"meta_data\": [{\"id\": 2, \"key\":" \
    " \"_refunded_item_id\", \"value\": \"313\"}]}"

/* parse - wcrefund_parse of text for o, which must succeed */
static order_refund_t *
parse(const char *text, const order_t *o, size_t *n)
{
    order_refund_t *r;
    char    err[256];

    assert_true(wcrefund_parse(text, strlen(text), o, &r, n, err, sizeof err));
    return r;
}

/* done - free what parse gave */
static void
done(order_refund_t *r, size_t n, order_t *o)
{
    order_item_t it = { .refunds = r, .nrefunds = n };

    order_item_refunds_clear(&it);
    order_destroy(&o);
}

/* refunded lines and the shipping map to the order's lines by _refunded_item_id */
static void
refunded_lines_and_shipping_map_to_the_orders_lines(void **state)
{
    order_t *o = an_order(false);
    size_t  n;
    order_refund_t *r = parse("[" REFUND(726, "20.28", LINE(330, -1, "-10.00", 311) ","
                              LINE(331, -1, "-4.54", 312) "," LINE(332, -1, "-10.00", 311),
                              SHIP("-5.74")) ","
                              REFUND(725, "4.54", LINE(329, -1, "-4.54", 312), "") "]", o, &n);

    (void) state;
    assert_int_equal(n, 2);
    assert_string_equal(r[0].refund, "refund 726");
    assert_null(r[0].error);
    assert_false(r[0].what.full);
    assert_true(r[0].what.shipping);
    assert_int_equal(r[0].what.nlines, 2);
    assert_int_equal(r[0].what.lines[0].line, 0);           /* 311, twice: 2 */
    assert_int_equal(r[0].what.lines[0].quantity_e4, 20000);
    assert_int_equal(r[0].what.lines[1].line, 1);
    assert_int_equal(r[0].what.lines[1].quantity_e4, 10000);
    assert_string_equal(r[1].refund, "refund 725");
    assert_null(r[1].error);
    assert_false(r[1].what.shipping);
    assert_int_equal(r[1].what.nlines, 1);
    assert_int_equal(r[1].what.lines[0].line, 1);
    done(r, n, o);
}

/* assert_refused - the one refund of text is refused with why and what to do */
static void
assert_refused(const char *text, bool coupon, const char *why)
{
    order_t *o = an_order(coupon);
    size_t  n;
    order_refund_t *r = parse(text, o, &n);

    assert_int_equal(n, 1);
    assert_non_null(r[0].error);
    assert_non_null(strstr(r[0].error, why));
    assert_non_null(strstr(r[0].error, "Terugbetaling 726 van order 723"));
    assert_non_null(strstr(r[0].error, "Boek de creditnota met de hand in SnelStart"));
    assert_non_null(strstr(r[0].error, "koppelctl dlq drop"));
    assert_int_equal(r[0].what.nlines, 0);
    done(r, n, o);
}

/* what cannot be split by VAT rate honestly is refused, saying what to do */
static void
an_amount_without_lines_or_what_koppel_cannot_split_is_refused(void **state)
{
    (void) state;
    assert_refused("[" REFUND(726, "10.00", "", "") "]", false,
                   "(EUR 10.00) is niet als creditnota geboekt: alleen een bedrag, zonder regels");
    assert_refused("[" REFUND(726, "10.00", LINE(330, 0, "-10.00", 311), "") "]", false,
                   "met een bedrag maar zonder aantal");
    assert_refused("[" REFUND(726, "10.00", LINE(330, -1, "-10.00", 999), "") "]", false,
                   "orderregel 999, die de order niet heeft");
    assert_refused("[" REFUND(726, "2.00", "", SHIP("-2.00")) "]", false,
                   "een deel van de verzendkosten");
    assert_refused("[" REFUND(726, "10.00", LINE(330, -1, "-10.00", 311), "") "]", true,
                   "kortingsbon");
}

/* an answer that is not a list of refunds names where it came from */
static void
an_unreadable_answer_names_the_orders_refunds(void **state)
{
    order_t *o = an_order(false);
    order_refund_t *r;
    size_t  n;
    char    err[256];

    (void) state;
    assert_false(wcrefund_parse("{\"id\": 1}", 9, o, &r, &n, err, sizeof err));
    assert_string_equal(err, "orders/723/refunds: geen lijst van terugbetalingen");
    assert_false(wcrefund_parse("[{\"amount\": \"1.00\"}]", 20, o, &r, &n, err, sizeof err));
    assert_string_equal(err, "orders/723/refunds[0].id: geen id");
    assert_null(r);
    order_destroy(&o);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(refunded_lines_and_shipping_map_to_the_orders_lines),
        cmocka_unit_test(an_amount_without_lines_or_what_koppel_cannot_split_is_refused),
        cmocka_unit_test(an_unreadable_answer_names_the_orders_refunds),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
