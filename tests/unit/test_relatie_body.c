/*
 * NAME
 *   test_relatie_body - the SnelStart relatie of a new customer
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "relatie_body.h"
#include "order.h"

static profile_t profile = { .name = "test", .default_betalingstermijn = 30 };

static order_t *
customer_10423(void)
{
    order_t *o = order_new();

    o->number = 10423;
    order_set(&o->email, "jan@devries.nl");
    order_set(&o->phone, "+31 30 123 4567");
    order_set(&o->vat_number, "NL001234560B01");
    order_set(&o->coc_number, "12345678");
    order_set(&o->billing.company, "Bakkerij De Vries B.V.");
    order_set(&o->billing.first_name, "Jan");
    order_set(&o->billing.last_name, "de Vries");
    order_set(&o->billing.street, "Dorpsstraat");
    order_set(&o->billing.house_number, "1");
    order_set(&o->billing.house_number_addition, "A");
    order_set(&o->billing.postcode, "3511 AB");
    order_set(&o->billing.city, "Utrecht");
    order_set(&o->billing.country, "NL");
    return o;
}

static json_t *
landen(void)
{
    return json_pack("[{s:s,s:s},{s:s,s:s}]",
                     "landcodeISO", "NL", "id", "11111111-0000-0000-0000-000000000528",
                     "landcodeISO", "BE", "id", "11111111-0000-0000-0000-000000000056");
}

static void
test_10423_relatie_has_every_field(void **state)
{
    char     err[256];
    order_t *o = customer_10423();
    json_t  *l = landen();
    json_t  *body = relatie_build(o, &profile, l, err, sizeof(err));
    char    *text;

    assert_non_null(body);
    text = json_dumps(body, JSON_COMPACT);
    assert_string_equal(text,
        "{\"relatiesoort\":[\"Klant\"],\"naam\":\"Bakkerij De Vries B.V.\","
        "\"vestigingsAdres\":{\"contactpersoon\":\"Jan de Vries\",\"straat\":\"Dorpsstraat 1A\","
        "\"postcode\":\"3511 AB\",\"plaats\":\"Utrecht\",\"land\":{\"id\":\"11111111-0000-0000-0000-000000000528\"}},"
        "\"correspondentieAdres\":{\"contactpersoon\":\"Jan de Vries\",\"straat\":\"Dorpsstraat 1A\","
        "\"postcode\":\"3511 AB\",\"plaats\":\"Utrecht\",\"land\":{\"id\":\"11111111-0000-0000-0000-000000000528\"}},"
        "\"email\":\"jan@devries.nl\",\"telefoon\":\"+31 30 123 4567\",\"btwNummer\":\"NL001234560B01\","
        "\"kvkNummer\":\"12345678\",\"krediettermijn\":30}");
    free(text);
    json_decref(body);
    json_decref(l);
    order_destroy(&o);
}

static void
test_consumer_is_named_first_last(void **state)
{
    char     err[256];
    order_t *o = customer_10423();
    json_t  *body;

    order_set(&o->billing.company, "  ");
    body = relatie_build(o, &profile, NULL, err, sizeof(err));
    assert_non_null(body);
    assert_string_equal(json_string_value(json_object_get(body, "naam")), "Jan de Vries");
    json_decref(body);
    order_destroy(&o);
}

static void
test_long_name_is_cut_to_50_characters_on_a_boundary(void **state)
{
    char     err[256];
    order_t *o = customer_10423();
    json_t  *body;
    /* 49 x 'a' then 'é' (2 bytes) then more: 50 characters kept */
    char     name[128];

    memset(name, 'a', 49);
    strcpy(name + 49, "\xc3\xa9\xc3\xa9xyz");
    order_set(&o->billing.company, name);
    body = relatie_build(o, &profile, NULL, err, sizeof(err));
    assert_non_null(body);
    name[51] = '\0';
    assert_string_equal(json_string_value(json_object_get(body, "naam")), name);
    json_decref(body);
    order_destroy(&o);
}

static void
test_offline_land_is_written_by_iso_code(void **state)
{
    char     err[256];
    order_t *o = customer_10423();
    json_t  *body;

    order_set(&o->billing.country, "BE");
    body = relatie_build(o, &profile, NULL, err, sizeof(err));
    assert_non_null(body);
    assert_string_equal(json_string_value(json_object_get(json_object_get(json_object_get(body,
                        "vestigingsAdres"), "land"), "landcodeISO")), "BE");
    json_decref(body);
    order_destroy(&o);
}

static void
test_unknown_country_is_refused(void **state)
{
    char     err[256];
    order_t *o = customer_10423();
    json_t  *l = landen();

    order_set(&o->billing.country, "NO");
    assert_null(relatie_build(o, &profile, l, err, sizeof(err)));
    assert_string_equal(err, "order 10423: land NO van het factuuradres staat niet in de "
                        "landen van SnelStart; corrigeer het land in de shop en klik Opnieuw");
    json_decref(l);
    order_destroy(&o);
}

static void
test_vat_number_is_cleaned_and_prefixed(void **state)
{
    char buf[64];

    relatie_vat_number("BE0123.456.749", "BE", buf, sizeof(buf));
    assert_string_equal(buf, "BE0123456749");
    relatie_vat_number(" 0012 34560b01 ", "nl", buf, sizeof(buf));
    assert_string_equal(buf, "NL001234560B01");
    relatie_vat_number("123456789", "GR", buf, sizeof(buf));
    assert_string_equal(buf, "EL123456789");
    relatie_vat_number("", "NL", buf, sizeof(buf));
    assert_string_equal(buf, "");
}

static void
test_empty_fields_are_left_out(void **state)
{
    char     err[256];
    order_t *o = customer_10423();
    json_t  *body;

    order_set(&o->phone, "");
    order_set(&o->vat_number, "");
    order_set(&o->coc_number, "1234567890123");     /* 13: too long for SnelStart */
    body = relatie_build(o, &profile, NULL, err, sizeof(err));
    assert_non_null(body);
    assert_null(json_object_get(body, "telefoon"));
    assert_null(json_object_get(body, "btwNummer"));
    assert_null(json_object_get(body, "kvkNummer"));
    json_decref(body);
    order_destroy(&o);
}

static void
test_house_number_additions(void **state)
{
    char        err[256];
    const char *cases[][3] = { { "12", "bis", "Kerkstraat 12 bis" }, { "12", "-2", "Kerkstraat 12-2" },
                               { "12", "", "Kerkstraat 12" }, { "", "", "Kerkstraat" } };

    for (size_t i = 0; i < 4; i++) {
        order_t *o = customer_10423();
        json_t  *body;
        order_set(&o->billing.street, "Kerkstraat");
        order_set(&o->billing.house_number, cases[i][0]);
        order_set(&o->billing.house_number_addition, cases[i][1]);
        body = relatie_build(o, &profile, NULL, err, sizeof(err));
        assert_non_null(body);
        assert_string_equal(json_string_value(json_object_get(json_object_get(body,
                            "correspondentieAdres"), "straat")), cases[i][2]);
        json_decref(body);
        order_destroy(&o);
    }
}

static void
test_customer_without_name_or_email_is_refused(void **state)
{
    char     err[256];
    order_t *o = order_new();

    o->number = 7;
    assert_null(relatie_build(o, &profile, NULL, err, sizeof(err)));
    assert_non_null(strstr(err, "order 7: de klant heeft geen bedrijfsnaam, naam of e-mailadres"));
    order_destroy(&o);
}

static void
test_invalid_utf8_is_refused_naming_the_field(void **state)
{
    char     err[256];
    order_t *o = customer_10423();

    order_set(&o->billing.city, "Li\xe8ge");       /* ISO-8859-1 left unconverted */
    assert_null(relatie_build(o, &profile, NULL, err, sizeof(err)));
    assert_string_equal(err, "order 10423: klantveld plaats is geen geldige tekst (UTF-8); "
                        "corrigeer het in de shop en klik Opnieuw");
    order_destroy(&o);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_10423_relatie_has_every_field),
        cmocka_unit_test(test_consumer_is_named_first_last),
        cmocka_unit_test(test_long_name_is_cut_to_50_characters_on_a_boundary),
        cmocka_unit_test(test_offline_land_is_written_by_iso_code),
        cmocka_unit_test(test_unknown_country_is_refused),
        cmocka_unit_test(test_vat_number_is_cleaned_and_prefixed),
        cmocka_unit_test(test_empty_fields_are_left_out),
        cmocka_unit_test(test_house_number_additions),
        cmocka_unit_test(test_customer_without_name_or_email_is_refused),
        cmocka_unit_test(test_invalid_utf8_is_refused_naming_the_field),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
