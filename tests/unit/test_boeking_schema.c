/*
 * NAME
 *   test_boeking_schema - the bodies koppel posts satisfy SnelStart's schema
 *
 * DESCRIPTION
 *   Validates the verkoopboeking POST, the relatie POST and the relatie PUT
 *   koppel sends against the request schemas of SnelStart's own OpenAPI
 *   file (tests/sim/snelstart/snelstart-b2b-api-v2.yaml), through the
 *   validator snelstart-sim uses (tests/sim/snelstart/ssim_spec): required
 *   fields, types, enums, maxLength (in UTF-16 units), minimum/maximum,
 *   uuid and date-time formats, no nulls, no readOnly and no unknown fields.
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

#include "boeking.h"
#include "relatie_body.h"
#include "order.h"
#include "../sim/snelstart/ssim_spec.h"

#define SPEC "tests/sim/snelstart/snelstart-b2b-api-v2.yaml"

static ssim_spec_t *spec;

/* load_spec - read the OpenAPI file once for the group */
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

/* free_spec - the group's teardown */
static int
free_spec(void **state)
{
    ssim_spec_destroy(&spec);
    return 0;
}

/* check - validate body against the request schema of METHOD PATH; false
 * with err "propertyName: message" of the first error */
static bool
check(const char *method, const char *path, const json_t *body, char *err, size_t len)
{
    const json_t *schema = ssim_spec_request(spec, method, path);
    json_t *errors = json_array();
    bool    ok;

    if (schema == NULL)
        fail_msg("%s has no request schema for %s %s", SPEC, method, path);
    ok = ssim_spec_check(spec, schema, body, errors);
    assert_int_equal(ok, json_array_size(errors) == 0);
    if (!ok)
        snprintf(err, len, "%s %s", json_string_value(json_object_get(json_array_get(errors, 0),
                                                                      "errorCode")),
                 json_string_value(json_object_get(json_array_get(errors, 0), "message")));
    json_decref(errors);
    return ok;
}

static profile_t profile;

static order_t *
make_order(int64_t number, const char *country, int32_t rate, bool incl)
{
    order_t        *o = order_new();
    order_line_t   *l = order_add_line(o);
    order_charge_t *c = order_add_charge(o);
    order_vat_t    *v = order_add_vat(o);

    o->number = number;
    o->date_epoch = 1793626267;        /* 2026-11-02T13:31:07Z */
    strcpy(o->currency, "EUR");
    o->prices_include_vat = incl;
    order_set(&o->source, "globecharge");
    order_set(&o->payment_method, "iDEAL");
    order_set(&o->email, "jan@devries.nl");
    order_set(&o->billing.company, "Bakkerij De Vries B.V.");
    order_set(&o->billing.street, "Dorpsstraat");
    order_set(&o->billing.house_number, "1");
    order_set(&o->billing.country, country);
    if (strcmp(country, "BE") == 0)     /* btw verlegd: a business with a VAT number */
        order_set(&o->vat_number, "BE0123.456.749");
    l->vat_rate_e2 = rate;
    l->total_cents = 1000;
    c->kind = CHARGE_SHIPPING;
    c->vat_rate_e2 = rate;
    c->amount_cents = 500;
    v->rate_e2 = rate;
    v->base_cents = 1500;
    v->amount_cents = 1500 * rate / 10000;
    o->total_excl_cents = 1500;
    o->total_vat_cents = v->amount_cents;
    o->total_incl_cents = 1500 + v->amount_cents;
    return o;
}

static json_t *
grootboeken(void)
{
    json_t *a = json_array();
    char    id[64];

    for (int n = 8000; n <= 8400; n += 100) {
        snprintf(id, sizeof(id), "00000000-0000-0000-0000-%012d", n);
        json_array_append_new(a, json_pack("{s:i,s:s,s:s,s:b}", "nummer", n, "id", id,
                                           "rekeningCode", "WinstEnVerlies", "nonactief", 0));
    }
    return a;
}

static void
setup_profile(void)
{
    memset(&profile, 0, sizeof(profile));
    profile.name = "test";
    profile.factuurnummer_prefix = "WS";
    profile.betalingstermijn = 14;
    profile.default_betalingstermijn = 30;
    profile.grootboek[KIND_OMZET][REGION_NL][BTW_HOOG] = 8000;
    profile.grootboek[KIND_OMZET][REGION_EU][BTW_GEEN] = 8100;
    profile.grootboek[KIND_OMZET][REGION_NON_EU][BTW_GEEN] = 8200;
    profile.grootboek[KIND_OMZET][REGION_EU][BTW_OVERIG] = 8300;
    profile.grootboek[KIND_VERZENDKOSTEN][REGION_NL][BTW_HOOG] = 8400;
    profile.oss[0] = (oss_grootboek_t) { "DE", 1900, 8300 };
    profile.noss = 1;
}

static void
test_verkoopboekingen_satisfy_the_schema(void **state)
{
    json_t       *gb = grootboeken();
    /* the DE consumer at 19 % is an OSS sale: VAT on the buitenlandse-btw grootboek */
    json_t       *ci = json_pack("{s:b,s:{s:s}}", "factureerBuitenlandsBtw", 1,
                                 "buitenlandseBtwGrootboek", "id",
                                 "00000000-0000-0000-0000-000000008200");
    boeking_ctx_t ctx = { .grootboeken = gb, .companyinfo = ci };
    struct { const char *country; int32_t rate; bool incl; } cases[] = {
        { "NL", 2100, true }, { "NL", 2100, false }, { "BE", 0, false }, { "NO", 0, true },
        { "DE", 1900, true },
    };
    char          err[512];

    setup_profile();
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        order_t *o = make_order(10423 + (int64_t)i, cases[i].country, cases[i].rate, cases[i].incl);
        json_t  *body;
        if (cases[i].incl) {    /* 10.00 and 5.00 incl.: state what they hold */
            o->vats[0].base_cents = 1500 * 10000 / (10000 + cases[i].rate);
            o->vats[0].amount_cents = 1500 - o->vats[0].base_cents;
            o->total_excl_cents = o->vats[0].base_cents;
            o->total_vat_cents = o->vats[0].amount_cents;
            o->total_incl_cents = 1500;
        }
        body = boeking_build(o, &profile, "6b8f1f4c-2c1e-4a55-9d0e-0123456789ab", &ctx, err, sizeof(err));
        if (body == NULL)
            fail_msg("%s %d: %s", cases[i].country, cases[i].rate, err);
        if (!check("POST", "/verkoopboekingen", body, err, sizeof(err)))
            fail_msg("%s %d: %s", cases[i].country, cases[i].rate, err);
        json_decref(body);
        order_destroy(&o);
    }
    json_decref(gb);
    json_decref(ci);
}

static void
test_preview_body_is_not_postable(void **state)
{
    order_t *o = make_order(10423, "NL", 2100, false);
    char     err[512];
    json_t  *body;

    setup_profile();
    body = boeking_build(o, &profile, NULL, NULL, err, sizeof(err));
    assert_non_null(body);
    assert_false(check("POST", "/verkoopboekingen", body, err, sizeof(err)));
    assert_string_equal(err, "GEN-0008 klant.id: mag niet null zijn: laat de eigenschap weg of "
                        "geef een waarde.");
    json_object_set_new(json_object_get(body, "klant"), "id",
                        json_string("6b8f1f4c-2c1e-4a55-9d0e-0123456789ab"));
    assert_false(check("POST", "/verkoopboekingen", body, err, sizeof(err)));
    assert_string_equal(err, "GEN-0006 boekingsregels[0].grootboek.nummer: is geen eigenschap "
                        "van GrootboekIdentifierModel.");
    json_decref(body);
    order_destroy(&o);
}

static void
test_checker_catches_a_wrong_enum_and_length(void **state)
{
    json_t *body = json_pack("{s:s,s:{s:s},s:[{s:{s:s},s:s}]}",
                             "factuurnummer", "WS10423", "klant", "id",
                             "6b8f1f4c-2c1e-4a55-9d0e-0123456789ab", "boekingsregels",
                             "grootboek", "id", "6b8f1f4c-2c1e-4a55-9d0e-0123456789ab",
                             "btwSoort", "Hoogg");
    char    err[512];

    assert_false(check("POST", "/verkoopboekingen", body, err, sizeof(err)));
    assert_string_equal(err, "GEN-0003 boekingsregels[0].btwSoort: de tekst \"Hoogg\" is geen "
                        "toegestane waarde; toegestaan: Geen, Laag, Hoog, Overig.");
    json_object_set_new(json_array_get(json_object_get(body, "boekingsregels"), 0), "btwSoort",
                        json_string("Hoog"));
    assert_true(check("POST", "/verkoopboekingen", body, err, sizeof(err)));
    json_object_set_new(body, "factuurnummer", json_string("12345678901234567890123456"));
    assert_false(check("POST", "/verkoopboekingen", body, err, sizeof(err)));
    assert_string_equal(err, "GEN-0005 factuurnummer: mag maximaal 25 tekens bevatten, het zijn "
                        "er 26.");
    json_object_del(body, "factuurnummer");
    assert_false(check("POST", "/verkoopboekingen", body, err, sizeof(err)));
    assert_string_equal(err, "GEN-0002 factuurnummer: is verplicht.");
    json_decref(body);
}

static void
test_relatie_satisfies_the_schema(void **state)
{
    json_t  *landen = json_pack("[{s:s,s:s}]", "landcodeISO", "NL",
                                "id", "11111111-0000-0000-0000-000000000528");
    order_t *o = make_order(10423, "NL", 2100, true);
    char     err[512], name[200];
    json_t  *body;

    setup_profile();
    order_set(&o->phone, "+31 30 123 4567");
    order_set(&o->vat_number, "NL001234560B01");
    order_set(&o->coc_number, "12345678");
    memset(name, 'x', 120);
    strcpy(name + 120, "\xf0\x9f\x8d\x9e");     /* far over 50, ends in a 4-byte char */
    order_set(&o->billing.company, name);
    body = relatie_build(o, &profile, landen, err, sizeof(err));
    assert_non_null(body);
    if (!check("POST", "/relaties", body, err, sizeof(err)))
        fail_msg("%s", err);
    json_decref(body);
    json_decref(landen);
    order_destroy(&o);
}

/* read_relatie - a relatie as GET /relaties/{id} answers it: every property,
 * nulls for what is empty, fax, uri and read-only fields */
static json_t *
read_relatie(void)
{
    json_error_t je;
    json_t *r = json_loads(
        "{\"relatiesoort\":[\"Klant\"],\"modifiedOn\":\"2026-11-02T13:31:07.120\","
        "\"relatiecode\":1001,\"naam\":\"Bakkerij De Vries B.V.\","
        "\"vestigingsAdres\":{\"contactpersoon\":null,\"straat\":\"Oude weg 3\","
        "\"postcode\":\"1234 AB\",\"plaats\":\"Utrecht\",\"land\":{\"id\":"
        "\"11111111-0000-0000-0000-000000000528\",\"uri\":\"/landen/11111111-0000-0000-0000-000000000528\"}},"
        "\"correspondentieAdres\":{\"contactpersoon\":null,\"straat\":null,\"postcode\":null,"
        "\"plaats\":null,\"land\":{\"id\":null,\"uri\":null}},"
        "\"telefoon\":null,\"mobieleTelefoon\":null,\"fax\":\"030 1234567\",\"email\":\"oud@devries.nl\","
        "\"btwNummer\":null,\"factuurkorting\":0,\"krediettermijn\":30,\"bankieren\":false,"
        "\"nonactief\":false,\"kredietLimiet\":0,\"memo\":\"vaste klant\",\"kvkNummer\":null,"
        "\"oin\":null,\"websiteUrl\":null,\"aanmaningsoort\":null,"
        "\"offerteEmailVersturen\":{\"shouldSend\":false,\"email\":null,\"ccEmail\":null},"
        "\"bevestigingsEmailVersturen\":{\"shouldSend\":false,\"email\":null,\"ccEmail\":null},"
        "\"factuurEmailVersturen\":{\"shouldSend\":true,\"email\":\"factuur@devries.nl\",\"ccEmail\":null},"
        "\"aanmaningEmailVersturen\":{\"shouldSend\":false,\"email\":null,\"ccEmail\":null},"
        "\"offerteAanvraagEmailVersturen\":{\"shouldSend\":false,\"email\":null,\"ccEmail\":null},"
        "\"bestellingEmailVersturen\":{\"shouldSend\":false,\"email\":null,\"ccEmail\":null},"
        "\"ublBestandAlsBijlage\":false,\"iban\":null,\"bic\":null,\"incassoSoort\":null,"
        "\"factuurRelatie\":null,\"inkoopBoekingenUri\":\"/relaties/x/inkoopboekingen\","
        "\"verkoopBoekingenUri\":\"/relaties/x/verkoopboekingen\",\"extraVeldenKlant\":[],"
        "\"id\":\"6b8f1f4c-2c1e-4a55-9d0e-0123456789ab\","
        "\"uri\":\"/relaties/6b8f1f4c-2c1e-4a55-9d0e-0123456789ab\"}", 0, &je);

    if (r == NULL)
        fail_msg("read_relatie: %s", je.text);
    return r;
}

static void
test_relatie_put_satisfies_the_write_schema(void **state)
{
    json_t  *landen = json_pack("[{s:s,s:s}]", "landcodeISO", "NL",
                                "id", "11111111-0000-0000-0000-000000000528");
    json_t  *current = read_relatie(), *put;
    order_t *o = make_order(10423, "NL", 2100, true);
    char     err[512], what[256];

    setup_profile();
    /* what SnelStart answered is not what it takes back */
    assert_false(check("PUT", "/relaties/{id}", current, err, sizeof(err)));
    order_set(&o->billing.postcode, "3511 AA");
    order_set(&o->billing.city, "Utrecht");
    put = relatie_changes(current, o, &profile, landen, what, sizeof what, err, sizeof err);
    assert_non_null(put);
    if (!check("PUT", "/relaties/{id}", put, err, sizeof(err)))
        fail_msg("%s", err);
    /* kept: what koppel does not change; gone: fax, nulls, read-only and ids */
    assert_string_equal(json_string_value(json_object_get(put, "memo")), "vaste klant");
    assert_int_equal(json_integer_value(json_object_get(put, "relatiecode")), 1001);
    assert_true(json_is_true(json_object_get(json_object_get(put, "factuurEmailVersturen"),
                                             "shouldSend")));
    assert_null(json_object_get(put, "fax"));
    assert_null(json_object_get(put, "telefoon"));
    assert_null(json_object_get(put, "aanmaningsoort"));
    assert_null(json_object_get(put, "verkoopBoekingenUri"));
    assert_null(json_object_get(put, "uri"));
    assert_string_equal(json_string_value(json_object_get(json_object_get(put,
                        "vestigingsAdres"), "postcode")), "3511 AA");
    json_decref(put);
    json_decref(current);
    json_decref(landen);
    order_destroy(&o);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verkoopboekingen_satisfy_the_schema),
        cmocka_unit_test(test_preview_body_is_not_postable),
        cmocka_unit_test(test_checker_catches_a_wrong_enum_and_length),
        cmocka_unit_test(test_relatie_satisfies_the_schema),
        cmocka_unit_test(test_relatie_put_satisfies_the_write_schema),
    };

    return cmocka_run_group_tests(tests, load_spec, free_spec);
}
