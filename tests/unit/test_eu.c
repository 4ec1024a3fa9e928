/*
 * NAME
 *   test_eu - EU membership and the VAT region of a country
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "eu.h"

static void
test_all_27_member_states_are_members(void **state)
{
    const char *members[] = { "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI",
                              "FR", "GR", "HR", "HU", "IE", "IT", "LT", "LU", "LV", "MT",
                              "NL", "PL", "PT", "RO", "SE", "SI", "SK" };

    assert_int_equal(sizeof(members) / sizeof(members[0]), 27);
    for (size_t i = 0; i < 27; i++)
        assert_true(eu_member(members[i]));
}

static void
test_greece_is_member_as_gr_and_el(void **state)
{
    assert_true(eu_member("GR"));
    assert_true(eu_member("EL"));
    assert_int_equal(region_of_country("EL"), REGION_EU);
}

static void
test_non_members_are_not(void **state)
{
    const char *others[] = { "GB", "NO", "CH", "US", "IS", "LI", "TR", "UA", "XI", "MC", "" };

    for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
        assert_false(eu_member(others[i]));
    assert_false(eu_member(NULL));
    assert_false(eu_member("NLD"));
}

static void
test_lower_case_codes_are_accepted(void **state)
{
    assert_true(eu_member("de"));
    assert_int_equal(region_of_country("nl"), REGION_NL);
}

static void
test_region_of_country(void **state)
{
    assert_int_equal(region_of_country("NL"), REGION_NL);
    assert_int_equal(region_of_country("BE"), REGION_EU);
    assert_int_equal(region_of_country("DE"), REGION_EU);
    assert_int_equal(region_of_country("NO"), REGION_NON_EU);
    assert_int_equal(region_of_country("GB"), REGION_NON_EU);
    assert_int_equal(region_of_country(""), REGION_NON_EU);
}

/* test_vat_prefixes_name_members_and_neighbours - EL is Greece, GB a
 * neighbour (not a member), US no VAT prefix */
static void
test_vat_prefixes_name_members_and_neighbours(void **state)
{
    char    c[3];

    assert_true(eu_vat_prefix_country("EL123456789", c));
    assert_string_equal(c, "GR");
    assert_true(eu_vat_prefix_country("de123", c));
    assert_string_equal(c, "DE");
    assert_true(eu_vat_prefix_country("XI123", c));
    assert_string_equal(c, "XI");
    assert_true(eu_vat_prefix_country("GB123", c));
    assert_string_equal(c, "GB");
    assert_false(eu_member("GB"));
    assert_false(eu_vat_prefix_country("US123", c));
    assert_string_equal(c, "");
    assert_false(eu_vat_prefix_country("1234", c));
    assert_false(eu_vat_prefix_country(NULL, c));
    assert_string_equal(eu_vat_prefix("GR"), "EL");
    assert_string_equal(eu_vat_prefix("gr"), "EL");
    assert_string_equal(eu_vat_prefix("BE"), "BE");
}

/* test_iso3_names_members_as_vatrates_does - "BEL" for BE, GRC for both Greek codes */
static void
test_iso3_names_members_as_vatrates_does(void **state)
{
    assert_string_equal(eu_iso3("BE"), "BEL");
    assert_string_equal(eu_iso3("de"), "DEU");
    assert_string_equal(eu_iso3("GR"), "GRC");
    assert_string_equal(eu_iso3("EL"), "GRC");
    assert_string_equal(eu_iso3("NL"), "NLD");
    assert_null(eu_iso3("NO"));
    assert_null(eu_iso3(""));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_27_member_states_are_members),
        cmocka_unit_test(test_greece_is_member_as_gr_and_el),
        cmocka_unit_test(test_non_members_are_not),
        cmocka_unit_test(test_lower_case_codes_are_accepted),
        cmocka_unit_test(test_region_of_country),
        cmocka_unit_test(test_vat_prefixes_name_members_and_neighbours),
        cmocka_unit_test(test_iso3_names_members_as_vatrates_does),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
