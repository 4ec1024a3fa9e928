/*
 * NAME
 *   test_money - unit tests of the fixed-point money module
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "money.h"

/* parse_cents_reads_plain_amounts - the notations the feed uses */
static void
parse_cents_reads_plain_amounts(void **state)
{
    int64_t v = 0;

    assert_true(money_parse_cents("12.34", &v));
    assert_int_equal(v, 1234);
    assert_true(money_parse_cents("-0.65", &v));
    assert_int_equal(v, -65);
    assert_true(money_parse_cents("6.5", &v));
    assert_int_equal(v, 650);
    assert_true(money_parse_cents("460", &v));
    assert_int_equal(v, 46000);
    assert_true(money_parse_cents("0.00", &v));
    assert_int_equal(v, 0);
    assert_true(money_parse_cents("-0", &v));
    assert_int_equal(v, 0);
    assert_true(money_parse_cents("007.10", &v));
    assert_int_equal(v, 710);
}

/* parse_rejects_other_notations - comma, spaces, sign, exponent, empties */
static void
parse_rejects_other_notations(void **state)
{
    static const char *bad[] = {
        "", "-", ".", "12,50", " 12.50", "12.50 ", "+1", "1e3", "1.", ".5",
        "-.5", "12.345", "1.2.3", "--1", "0x10", "12 50", "1,000.00", "NaN",
        "inf", "\xc2\xa0" "1", "12.3a",
    };
    int64_t v = 4242;
    size_t  i;

    for (i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_false(money_parse_cents(bad[i], &v));
        assert_int_equal(v, 4242);
    }
    assert_false(money_parse_cents(NULL, &v));
}

/* parse_fixed_honours_decimals - up to `decimals` digits after the point */
static void
parse_fixed_honours_decimals(void **state)
{
    int64_t v = 0;

    assert_true(money_parse_fixed("41.5000", 4, &v));
    assert_int_equal(v, 415000);
    assert_true(money_parse_fixed("1.5", 4, &v));
    assert_int_equal(v, 15000);
    assert_false(money_parse_fixed("1.00001", 4, &v));
    assert_true(money_parse_fixed("5.5", 2, &v));
    assert_int_equal(v, 550);
    assert_true(money_parse_fixed("0.9213", 6, &v));
    assert_int_equal(v, 921300);
    assert_true(money_parse_fixed("17", 0, &v));
    assert_int_equal(v, 17);
    assert_false(money_parse_fixed("1.7", 0, &v));
    assert_false(money_parse_fixed("1", -1, &v));
    assert_false(money_parse_fixed("1", 19, &v));
}

/* parse_rejects_overflow - values beyond int64 are invalid, the limits are not */
static void
parse_rejects_overflow(void **state)
{
    int64_t v = 0;

    assert_true(money_parse_fixed("9223372036854775807", 0, &v));
    assert_true(v == INT64_MAX);
    assert_true(money_parse_fixed("-9223372036854775808", 0, &v));
    assert_true(v == INT64_MIN);
    assert_false(money_parse_fixed("9223372036854775808", 0, &v));
    assert_false(money_parse_fixed("-9223372036854775809", 0, &v));
    assert_true(money_parse_cents("92233720368547758.07", &v));
    assert_true(v == INT64_MAX);
    assert_false(money_parse_cents("92233720368547758.08", &v));
    assert_false(money_parse_cents("92233720368547758", &v) && v < 0);
    assert_false(money_parse_cents("99999999999999999999999999", &v));
}

/* format_cents_always_writes_two_decimals - including negatives below one */
static void
format_cents_always_writes_two_decimals(void **state)
{
    char    buf[32];

    money_format_cents(-65, buf, sizeof buf);
    assert_string_equal(buf, "-0.65");
    money_format_cents(46000, buf, sizeof buf);
    assert_string_equal(buf, "460.00");
    money_format_cents(0, buf, sizeof buf);
    assert_string_equal(buf, "0.00");
    money_format_cents(5, buf, sizeof buf);
    assert_string_equal(buf, "0.05");
    money_format_cents(-100005, buf, sizeof buf);
    assert_string_equal(buf, "-1000.05");
    money_format_cents(INT64_MIN, buf, sizeof buf);
    assert_string_equal(buf, "-92233720368547758.08");
    money_format_cents(1234, buf, 4);
    assert_string_equal(buf, "12.");
}

/* format_fixed_writes_shortest_form - trailing zeros and point dropped */
static void
format_fixed_writes_shortest_form(void **state)
{
    char    buf[32];

    money_format_fixed(15000, 4, buf, sizeof buf);
    assert_string_equal(buf, "1.5");
    money_format_fixed(2100, 2, buf, sizeof buf);
    assert_string_equal(buf, "21");
    money_format_fixed(550, 2, buf, sizeof buf);
    assert_string_equal(buf, "5.5");
    money_format_fixed(-50, 2, buf, sizeof buf);
    assert_string_equal(buf, "-0.5");
    money_format_fixed(0, 4, buf, sizeof buf);
    assert_string_equal(buf, "0");
    money_format_fixed(921300, 6, buf, sizeof buf);
    assert_string_equal(buf, "0.9213");
    money_format_fixed(17, 0, buf, sizeof buf);
    assert_string_equal(buf, "17");
}

/* format_then_parse_round_trips - every formatted value parses back */
static void
format_then_parse_round_trips(void **state)
{
    static const int64_t values[] = { 0, 1, -1, 99, -99, 100, 12345678, -650,
                                      INT64_MAX, INT64_MIN };
    char    buf[40];
    int64_t v;
    size_t  i;

    for (i = 0; i < sizeof values / sizeof *values; i++) {
        money_format_cents(values[i], buf, sizeof buf);
        assert_true(money_parse_cents(buf, &v));
        assert_true(v == values[i]);
        money_format_fixed(values[i], 4, buf, sizeof buf);
        assert_true(money_parse_fixed(buf, 4, &v));
        assert_true(v == values[i]);
    }
}

/* muldiv_rounds_half_away_from_zero - both signs, exact halves */
static void
muldiv_rounds_half_away_from_zero(void **state)
{
    assert_int_equal(money_muldiv_round(5, 1, 2), 3);      /* 2.5 -> 3 */
    assert_int_equal(money_muldiv_round(-5, 1, 2), -3);    /* -2.5 -> -3 */
    assert_int_equal(money_muldiv_round(5, 1, -2), -3);
    assert_int_equal(money_muldiv_round(-5, -1, 2), 3);
    assert_int_equal(money_muldiv_round(7, 1, 3), 2);      /* 2.33 -> 2 */
    assert_int_equal(money_muldiv_round(8, 1, 3), 3);      /* 2.67 -> 3 */
    assert_int_equal(money_muldiv_round(-8, 1, 3), -3);
    assert_int_equal(money_muldiv_round(0, 5, 7), 0);
    /* 6.95 incl. 21 % VAT: excl = 695 * 100 / 121 = 574.38 -> 574 */
    assert_int_equal(money_muldiv_round(695, 10000, 12100), 574);
    /* VAT on 5.37 at 9 %: 48.33 -> 48 */
    assert_int_equal(money_muldiv_round(537, 900, 10000), 48);
}

/* muldiv_is_exact_beyond_64_bits - the product does not overflow */
static void
muldiv_is_exact_beyond_64_bits(void **state)
{
    assert_true(money_muldiv_round(INT64_MAX, INT64_MAX, INT64_MAX) == INT64_MAX);
    assert_true(money_muldiv_round(INT64_MAX, 1000000, 1000000) == INT64_MAX);
    assert_true(money_muldiv_round(INT64_MIN, 3, 3) == INT64_MIN);
    assert_true(money_muldiv_round(4000000000000000000LL, 4, 8) == 2000000000000000000LL);
    /* saturates instead of wrapping */
    assert_true(money_muldiv_round(INT64_MAX, 2, 1) == INT64_MAX);
    assert_true(money_muldiv_round(INT64_MIN, 2, 1) == INT64_MIN);
}

/* fee_is_fixed_plus_rounded_percentage - PayPal's 3.49 % + 0.35, Mollie's 0.29 */
static void
fee_is_fixed_plus_rounded_percentage(void **state)
{
    (void) state;
    assert_int_equal(money_fee_cents(2204, 35, 34900), 35 + 77);   /* 76.9196 -> 77 */
    assert_int_equal(money_fee_cents(2204, 29, 0), 29);
    assert_int_equal(money_fee_cents(1000, 0, 15000), 15);          /* 1.5 % of 10.00 */
    assert_int_equal(money_fee_cents(100, 0, 5000), 1);             /* 0.5 cent -> 1 */
    assert_int_equal(money_fee_cents(99, 0, 5000), 0);              /* 0.495 -> 0 */
    assert_int_equal(money_fee_cents(0, 25, 18000), 25);
}

/* dutch_format_has_a_comma_and_thousand_points */
static void
dutch_format_has_a_comma_and_thousand_points(void **state)
{
    char    b[40];

    assert_string_equal(money_format_cents_nl(0, b, sizeof b), "0,00");
    assert_string_equal(money_format_cents_nl(29, b, sizeof b), "0,29");
    assert_string_equal(money_format_cents_nl(-65, b, sizeof b), "-0,65");
    assert_string_equal(money_format_cents_nl(123456, b, sizeof b), "1.234,56");
    assert_string_equal(money_format_cents_nl(-123456789, b, sizeof b), "-1.234.567,89");
    assert_string_equal(money_format_cents_nl(100000, b, sizeof b), "1.000,00");
    assert_string_equal(money_format_cents_nl(INT64_MIN, b, sizeof b),
                        "-92.233.720.368.547.758,08");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parse_cents_reads_plain_amounts),
        cmocka_unit_test(parse_rejects_other_notations),
        cmocka_unit_test(parse_fixed_honours_decimals),
        cmocka_unit_test(parse_rejects_overflow),
        cmocka_unit_test(format_cents_always_writes_two_decimals),
        cmocka_unit_test(format_fixed_writes_shortest_form),
        cmocka_unit_test(format_then_parse_round_trips),
        cmocka_unit_test(muldiv_rounds_half_away_from_zero),
        cmocka_unit_test(muldiv_is_exact_beyond_64_bits),
        cmocka_unit_test(fee_is_fixed_plus_rounded_percentage),
        cmocka_unit_test(dutch_format_has_a_comma_and_thousand_points),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
