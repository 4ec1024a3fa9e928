/*
 * NAME
 *   test_date - the strict ISO 8601 checks of common/util/date.c
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "date.h"

/* february_has_29_days_in_leap_years_only */
static void
february_has_29_days_in_leap_years_only(void **state)
{
    assert_int_equal(date_days_in_month(2024, 2), 29);
    assert_int_equal(date_days_in_month(2000, 2), 29);
    assert_int_equal(date_days_in_month(1900, 2), 28);
    assert_int_equal(date_days_in_month(2025, 2), 28);
    assert_int_equal(date_days_in_month(2025, 4), 30);
    assert_int_equal(date_days_in_month(2025, 13), 0);
}

/* utc_time_is_read_and_nothing_else */
static void
utc_time_is_read_and_nothing_else(void **state)
{
    time_t  t;

    assert_true(date_parse_utc("2017-03-22T19:28:02", &t));
    assert_int_equal(t, 1490210882);
    assert_true(date_parse_utc("2024-02-29T00:00:00", &t));
    assert_false(date_parse_utc("2025-02-29T00:00:00", &t));
    assert_false(date_parse_utc("2017-03-22T19:28:02Z", &t));
    assert_false(date_parse_utc("2017-03-22 19:28:02", &t));
    assert_false(date_parse_utc("2017-03-22T24:00:00", &t));
    assert_false(date_parse_utc("1969-12-31T23:59:59", &t));
    assert_false(date_parse_utc("2017-3-22T19:28:02", &t));
    assert_false(date_parse_utc("2017-03-22", &t));
    assert_false(date_parse_utc("", &t));
    assert_false(date_parse_utc(NULL, &t));
}

/* zoned_time_gives_instant_and_offset */
static void
zoned_time_gives_instant_and_offset(void **state)
{
    time_t  t;
    int     off;

    assert_true(date_parse_zoned("2017-03-22T19:28:02Z", &t, &off));
    assert_int_equal(t, 1490210882);
    assert_int_equal(off, 0);
    assert_true(date_parse_zoned("2017-03-22T20:28:02.125+01:00", &t, &off));
    assert_int_equal(t, 1490210882);
    assert_int_equal(off, 3600);
    assert_true(date_parse_zoned("2017-03-22T17:58:02-01:30", &t, &off));
    assert_int_equal(t, 1490210882);
    assert_int_equal(off, -5400);
    assert_false(date_parse_zoned("2017-03-22T19:28:02", &t, &off));
    assert_false(date_parse_zoned("2017-03-22T19:28:02.Z", &t, &off));
    assert_false(date_parse_zoned("2017-03-22T19:28:02+1:00", &t, &off));
    assert_false(date_parse_zoned("2017-03-22T19:28:02Z ", &t, &off));
    assert_false(date_parse_zoned("2017-04-31T19:28:02Z", &t, &off));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(february_has_29_days_in_leap_years_only),
        cmocka_unit_test(utc_time_is_read_and_nothing_else),
        cmocka_unit_test(zoned_time_gives_instant_and_offset),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
