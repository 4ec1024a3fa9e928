/*
 * NAME
 *   test_vatnumber - which VAT numbers can be a customer's in its country
 *
 * DESCRIPTION
 *   One row per case: a number as typed, the billing country, the verdict.
 *   The valid numbers are the published examples of each country's rule
 *   (and agree with python-stdnum's stdnum.eu.vat); each invalid one is a
 *   valid one with a digit changed, a wrong length or a wrong prefix.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "vatnumber.h"

typedef struct {
    const char *typed;
    const char *country;
    vatnumber_result_t want;
} vat_case_t;

static const vat_case_t cases[] = {
    /* the examples of the feed contract */
    { "BE0123.456.749", "BE", VATNUMBER_VALID },
    { "NL001234560B01", "NL", VATNUMBER_VALID },
    { "BE0123.456.789", "BE", VATNUMBER_BAD_CHECK },
    { "NL001234567B01", "NL", VATNUMBER_BAD_CHECK },
    /* NL: mod 97 (since 2020) and the 11-test (before) */
    { "NL123456789B13", "NL", VATNUMBER_VALID },        /* mod 97 only */
    { "NL004495445B01", "NL", VATNUMBER_VALID },        /* 11-test */
    { "NL 0044.95.445.B01", "NL", VATNUMBER_VALID },
    { "NL004495445B00", "NL", VATNUMBER_BAD_FORM },
    { "NL004495445X01", "NL", VATNUMBER_BAD_FORM },
    { "NL004495446B01", "NL", VATNUMBER_BAD_CHECK },
    /* BE */
    { "0123456749", "BE", VATNUMBER_VALID },            /* prefix added */
    { "BE0403170701", "BE", VATNUMBER_VALID },
    { "BE2123456749", "BE", VATNUMBER_BAD_FORM },
    { "BE012345674", "BE", VATNUMBER_BAD_FORM },
    /* DE: ISO 7064 MOD 11,10 */
    { "DE136695976", "DE", VATNUMBER_VALID },
    { "DE136695978", "DE", VATNUMBER_BAD_CHECK },
    { "DE13669597", "DE", VATNUMBER_BAD_FORM },
    /* FR: key mod 97 over the SIREN */
    { "FR40303265045", "FR", VATNUMBER_VALID },
    { "FR 23 334 175 221", "FR", VATNUMBER_VALID },
    { "FR41303265045", "FR", VATNUMBER_BAD_CHECK },
    { "FRK7399859412", "FR", VATNUMBER_VALID },         /* letter key: form */
    /* AT */
    { "ATU13585627", "AT", VATNUMBER_VALID },
    { "ATU13585626", "AT", VATNUMBER_BAD_CHECK },
    { "AT13585627", "AT", VATNUMBER_BAD_FORM },
    /* ES: company, DNI, NIE, other entity */
    { "ESA13585625", "ES", VATNUMBER_VALID },
    { "ESB58378431", "ES", VATNUMBER_VALID },
    { "ES54362315K", "ES", VATNUMBER_VALID },
    { "ESX2482300W", "ES", VATNUMBER_VALID },
    { "ES54362315Z", "ES", VATNUMBER_BAD_CHECK },
    { "ESB58378432", "ES", VATNUMBER_BAD_CHECK },
    /* IT: Luhn and office code */
    { "IT00743110157", "IT", VATNUMBER_VALID },
    { "IT00743110158", "IT", VATNUMBER_BAD_CHECK },
    { "IT00743112007", "IT", VATNUMBER_BAD_FORM },
    /* PL, DK, FI, LU, PT, SE, IE */
    { "PL8567346215", "PL", VATNUMBER_VALID },
    { "PL8567346216", "PL", VATNUMBER_BAD_CHECK },
    { "DK13585628", "DK", VATNUMBER_VALID },
    { "DK13585627", "DK", VATNUMBER_BAD_CHECK },
    { "FI20774740", "FI", VATNUMBER_VALID },
    { "FI20774741", "FI", VATNUMBER_BAD_CHECK },
    { "LU15027442", "LU", VATNUMBER_VALID },
    { "LU15027443", "LU", VATNUMBER_BAD_CHECK },
    { "PT501964843", "PT", VATNUMBER_VALID },
    { "PT501964842", "PT", VATNUMBER_BAD_CHECK },
    { "SE123456789701", "SE", VATNUMBER_VALID },
    { "SE123456789801", "SE", VATNUMBER_BAD_CHECK },
    { "SE123456789700", "SE", VATNUMBER_BAD_FORM },
    { "IE6433435F", "IE", VATNUMBER_VALID },
    { "IE6433435OA", "IE", VATNUMBER_VALID },
    { "IE8D79739I", "IE", VATNUMBER_VALID },            /* old form */
    { "IE6433435E", "IE", VATNUMBER_BAD_CHECK },
    /* the other member states */
    { "EL094259216", "GR", VATNUMBER_VALID },
    { "EL094259217", "GR", VATNUMBER_BAD_CHECK },
    { "GR094259216", "GR", VATNUMBER_OTHER_COUNTRY },   /* Greece writes EL */
    { "HU12892312", "HU", VATNUMBER_VALID },
    { "HU12892313", "HU", VATNUMBER_BAD_CHECK },
    { "SI50223054", "SI", VATNUMBER_VALID },
    { "SI50223055", "SI", VATNUMBER_BAD_CHECK },
    { "SK2022749619", "SK", VATNUMBER_VALID },
    { "SK2022749618", "SK", VATNUMBER_BAD_CHECK },
    { "HR33392005961", "HR", VATNUMBER_VALID },
    { "HR33392005962", "HR", VATNUMBER_BAD_CHECK },
    { "EE100931558", "EE", VATNUMBER_VALID },
    { "EE100931559", "EE", VATNUMBER_BAD_CHECK },
    { "MT11679112", "MT", VATNUMBER_VALID },
    { "MT11679113", "MT", VATNUMBER_BAD_CHECK },
    { "CY10259033P", "CY", VATNUMBER_VALID },
    { "CY10259033Q", "CY", VATNUMBER_BAD_CHECK },
    { "RO18547290", "RO", VATNUMBER_VALID },
    { "RO18547291", "RO", VATNUMBER_BAD_CHECK },
    { "LT119511515", "LT", VATNUMBER_VALID },
    { "LT100001919017", "LT", VATNUMBER_VALID },
    { "LT119511516", "LT", VATNUMBER_BAD_CHECK },
    { "BG175074752", "BG", VATNUMBER_VALID },
    { "BG175074753", "BG", VATNUMBER_BAD_CHECK },
    { "CZ25123891", "CZ", VATNUMBER_VALID },
    { "CZ2512389", "CZ", VATNUMBER_BAD_FORM },
    { "LV40003521600", "LV", VATNUMBER_VALID },
    /* the country: prefix and billing country must agree */
    { "DE136695976", "NL", VATNUMBER_OTHER_COUNTRY },
    { "BE0123456749", "FR", VATNUMBER_OTHER_COUNTRY },
    { "NO123456789MVA", "NO", VATNUMBER_NO_RULE },
    { "GB123456789", "GB", VATNUMBER_NO_RULE },
    { "", "BE", VATNUMBER_NONE },
    { " . - ", "DE", VATNUMBER_NONE },
};

/* every_row_gets_its_verdict - the table */
static void
every_row_gets_its_verdict(void **state)
{
    char    why[256], normal[VATNUMBER_MAX];

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        vatnumber_result_t r = vatnumber_check(cases[i].typed, cases[i].country, normal, why,
                                               sizeof why);

        if (r != cases[i].want)
            fail_msg("%s in %s: %d, want %d (%s)", cases[i].typed, cases[i].country, r,
                     cases[i].want, why);
        if (r == VATNUMBER_VALID)
            assert_string_equal(why, "");
        else
            assert_true(strlen(why) > 10);
    }
}

/* at_least_six_countries_have_valid_and_invalid_rows - what the table covers */
static void
at_least_six_countries_have_valid_and_invalid_rows(void **state)
{
    int     both = 0;

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bool    seen = false, valid = false, invalid = false;

        for (size_t j = 0; j < i; j++)
            seen = seen || strcmp(cases[j].country, cases[i].country) == 0;
        if (seen)
            continue;
        for (size_t j = i; j < sizeof cases / sizeof cases[0]; j++)
            if (strcmp(cases[j].country, cases[i].country) == 0) {
                valid = valid || cases[j].want == VATNUMBER_VALID;
                invalid = invalid || cases[j].want == VATNUMBER_BAD_CHECK;
            }
        both += valid && invalid;
    }
    assert_true(both >= 20);
}

/* the_reason_names_number_and_country - what the bookkeeper reads */
static void
the_reason_names_number_and_country(void **state)
{
    char    why[256], normal[VATNUMBER_MAX];

    assert_int_equal(vatnumber_check("be 0123.456.789", "BE", normal, why, sizeof why),
                     VATNUMBER_BAD_CHECK);
    assert_string_equal(normal, "BE0123456789");
    assert_string_equal(why, "btw-nummer BE0123456789 kan niet bestaan: de controlecijfers "
                        "kloppen niet voor een btw-nummer uit België (een tikfout?)");
    assert_int_equal(vatnumber_check("DE136695976", "AT", normal, why, sizeof why),
                     VATNUMBER_OTHER_COUNTRY);
    assert_string_equal(why, "btw-nummer DE136695976 begint niet met AT, het voorvoegsel van "
                        "het land van het factuuradres, Oostenrijk (AT)");
}

/* normalise_adds_the_prefix_and_drops_separators - as SnelStart stores it */
static void
normalise_adds_the_prefix_and_drops_separators(void **state)
{
    char    buf[VATNUMBER_MAX];

    assert_true(vatnumber_normalise("0123.456.749", "BE", buf));
    assert_string_equal(buf, "BE0123456749");
    assert_true(vatnumber_normalise("094259216", "GR", buf));
    assert_string_equal(buf, "EL094259216");
    assert_true(vatnumber_normalise("nl 001234560 b01", "DE", buf));
    assert_string_equal(buf, "NL001234560B01");
    assert_false(vatnumber_normalise("1234567890123456789012345678901234", "NL", buf));
    assert_string_equal(buf, "");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_row_gets_its_verdict),
        cmocka_unit_test(at_least_six_countries_have_valid_and_invalid_rows),
        cmocka_unit_test(the_reason_names_number_and_country),
        cmocka_unit_test(normalise_adds_the_prefix_and_drops_separators),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
