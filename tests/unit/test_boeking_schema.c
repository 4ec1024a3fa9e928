/*
 * NAME
 *   test_boeking_schema - the bodies koppel posts satisfy SnelStart's schema
 *
 * DESCRIPTION
 *   Validates verkoopboeking and relatie bodies against JSON Schema
 *   extracts of the SnelStart B2B API v2 OpenAPI file
 *   (the *.json files under tests/fixtures/schema, made by extract.py there): required
 *   fields, types, enums, maxLength (in UTF-16 units), minimum/maximum,
 *   uuid and date-time formats, no readOnly and no unknown fields.
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

#define SCHEMA_DIR "tests/fixtures/schema/"

/* utf16_units - the length of a UTF-8 string as SnelStart counts it */
static size_t
utf16_units(const char *s)
{
    size_t n = 0;

    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p & 0xC0) == 0x80)
            continue;
        n += *p >= 0xF0 ? 2 : 1;
    }
    return n;
}

static bool
is_uuid(const char *s)
{
    if (strlen(s) != 36)
        return false;
    for (int i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : strchr("0123456789abcdefABCDEF", s[i]) == NULL || s[i] == '\0')
            return false;
    }
    return true;
}

static bool
is_datetime(const char *s)
{
    struct tm tm = { 0 };
    const char *end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);

    return end != NULL && (*end == '\0' || *end == 'Z' || *end == '+' || *end == '-' || *end == '.');
}

/* check - validate v against schema s; false with err naming the path */
static bool
check(const json_t *v, const json_t *s, const char *path, char *err, size_t len)
{
    const char *type = json_string_value(json_object_get(s, "type"));
    const char *format = json_string_value(json_object_get(s, "format"));
    json_t     *props = json_object_get(s, "properties"), *x, *e;
    const char *key;
    size_t      i;
    char        sub[256];

#define BAD(...) do { snprintf(err, len, __VA_ARGS__); return false; } while (0)
    if (type != NULL) {
        if (strcmp(type, "string") == 0 && !json_is_string(v))
            BAD("%s: not a string", path);
        if (strcmp(type, "number") == 0 && !json_is_number(v))
            BAD("%s: not a number", path);
        if (strcmp(type, "integer") == 0 && !json_is_integer(v))
            BAD("%s: not an integer", path);
        if (strcmp(type, "boolean") == 0 && !json_is_boolean(v))
            BAD("%s: not a boolean", path);
        if (strcmp(type, "array") == 0 && !json_is_array(v))
            BAD("%s: not an array", path);
        if (strcmp(type, "object") == 0 && !json_is_object(v))
            BAD("%s: not an object", path);
    }
    if (json_is_string(v)) {
        const char *str = json_string_value(v);
        json_t     *max = json_object_get(s, "maxLength");
        if (max != NULL && utf16_units(str) > (size_t)json_integer_value(max))
            BAD("%s: longer than %lld", path, (long long)json_integer_value(max));
        if (format != NULL && strcmp(format, "uuid") == 0 && !is_uuid(str))
            BAD("%s: not a uuid", path);
        if (format != NULL && strcmp(format, "date-time") == 0 && !is_datetime(str))
            BAD("%s: not a date-time", path);
        if ((e = json_object_get(s, "enum")) != NULL) {
            bool found = false;
            json_array_foreach(e, i, x)
                if (strcmp(json_string_value(x), str) == 0)
                    found = true;
            if (!found)
                BAD("%s: \"%s\" not in the enum", path, str);
        }
    }
    if (json_is_integer(v)) {
        json_t *min = json_object_get(s, "minimum"), *max = json_object_get(s, "maximum");
        if (min != NULL && json_integer_value(v) < json_integer_value(min))
            BAD("%s: below minimum", path);
        if (max != NULL && json_integer_value(v) > json_integer_value(max))
            BAD("%s: above maximum", path);
    }
    if (json_is_object(v) && props != NULL) {
        json_array_foreach(json_object_get(s, "required"), i, x)
            if (json_object_get(v, json_string_value(x)) == NULL)
                BAD("%s: required field %s missing", path, json_string_value(x));
        json_object_foreach((json_t *)v, key, x) {
            json_t *ps = json_object_get(props, key);
            snprintf(sub, sizeof(sub), "%s.%s", path, key);
            if (ps == NULL)
                BAD("%s: not a field of the model", sub);
            if (json_is_true(json_object_get(ps, "readOnly")))
                BAD("%s: read-only field sent", sub);
            if (!check(x, ps, sub, err, len))
                return false;
        }
    }
    if (json_is_array(v) && (e = json_object_get(s, "items")) != NULL) {
        json_array_foreach(v, i, x) {
            snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
            if (!check(x, e, sub, err, len))
                return false;
        }
    }
    return true;
#undef BAD
}

static json_t *
load_schema(const char *name)
{
    json_error_t je;
    json_t      *s = json_load_file(name, 0, &je);

    if (s == NULL)
        fail_msg("%s: %s (run the test from the repository root)", name, je.text);
    return s;
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
}

static void
test_verkoopboekingen_satisfy_the_schema(void **state)
{
    json_t       *schema = load_schema(SCHEMA_DIR "verkoopboeking.json");
    json_t       *gb = grootboeken();
    boeking_ctx_t ctx = { .grootboeken = gb };
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
        if (!check(body, schema, "verkoopboeking", err, sizeof(err)))
            fail_msg("%s %d: %s", cases[i].country, cases[i].rate, err);
        json_decref(body);
        order_destroy(&o);
    }
    json_decref(gb);
    json_decref(schema);
}

static void
test_preview_body_is_not_postable(void **state)
{
    json_t  *schema = load_schema(SCHEMA_DIR "verkoopboeking.json");
    order_t *o = make_order(10423, "NL", 2100, false);
    char     err[512];
    json_t  *body;

    setup_profile();
    body = boeking_build(o, &profile, NULL, NULL, err, sizeof(err));
    assert_non_null(body);
    assert_false(check(body, schema, "verkoopboeking", err, sizeof(err)));
    assert_string_equal(err, "verkoopboeking.klant.id: not a string");
    json_object_set_new(json_object_get(body, "klant"), "id",
                        json_string("6b8f1f4c-2c1e-4a55-9d0e-0123456789ab"));
    assert_false(check(body, schema, "verkoopboeking", err, sizeof(err)));
    assert_string_equal(err, "verkoopboeking.boekingsregels[0].grootboek.nummer: not a field of the model");
    json_decref(body);
    json_decref(schema);
    order_destroy(&o);
}

static void
test_checker_catches_a_wrong_enum_and_length(void **state)
{
    json_t *schema = load_schema(SCHEMA_DIR "verkoopboeking.json");
    json_t *body = json_pack("{s:s,s:{s:s},s:[{s:{s:s},s:s}]}",
                             "factuurnummer", "WS10423", "klant", "id",
                             "6b8f1f4c-2c1e-4a55-9d0e-0123456789ab", "boekingsregels",
                             "grootboek", "id", "6b8f1f4c-2c1e-4a55-9d0e-0123456789ab",
                             "btwSoort", "Hoogg");
    char    err[512];

    assert_false(check(body, schema, "v", err, sizeof(err)));
    assert_string_equal(err, "v.boekingsregels[0].btwSoort: \"Hoogg\" not in the enum");
    json_object_set_new(json_array_get(json_object_get(body, "boekingsregels"), 0), "btwSoort",
                        json_string("Hoog"));
    assert_true(check(body, schema, "v", err, sizeof(err)));
    json_object_set_new(body, "factuurnummer", json_string("12345678901234567890123456"));
    assert_false(check(body, schema, "v", err, sizeof(err)));
    json_object_del(body, "factuurnummer");
    assert_false(check(body, schema, "v", err, sizeof(err)));
    assert_string_equal(err, "v: required field factuurnummer missing");
    json_decref(body);
    json_decref(schema);
}

static void
test_relatie_satisfies_the_schema(void **state)
{
    json_t  *schema = load_schema(SCHEMA_DIR "relatie.json");
    json_t  *landen = json_pack("[{s:s,s:s}]", "landcodeISO", "NL",
                                "id", "11111111-0000-0000-0000-000000000528");
    order_t *o = make_order(10423, "NL", 2100, true);
    char     err[512], name[200];
    json_t  *body;

    setup_profile();
    order_set(&o->phone, "+31 30 123 4567");
    order_set(&o->vat_number, "NL001234567B01");
    order_set(&o->coc_number, "12345678");
    memset(name, 'x', 120);
    strcpy(name + 120, "\xf0\x9f\x8d\x9e");     /* far over 50, ends in a 4-byte char */
    order_set(&o->billing.company, name);
    body = relatie_build(o, &profile, landen, err, sizeof(err));
    assert_non_null(body);
    if (!check(body, schema, "relatie", err, sizeof(err)))
        fail_msg("%s", err);
    json_decref(body);
    json_decref(landen);
    json_decref(schema);
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
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
