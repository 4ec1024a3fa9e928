/*
 * NAME
 *   test_snelstart_sim - snelstart-sim refuses what SnelStart's OpenAPI file refuses
 *
 * DESCRIPTION
 *   Drives the simulator's request handler (ssim_handle) directly, with the
 *   spec file of tests/sim/snelstart, and checks that each kind of invalid
 *   body the spec forbids is answered 400 with SnelStart's error array
 *   naming the property, counted in /_sim/stats; that a valid body, a date
 *   with a UTC offset among them, is accepted; and that the loader resolves
 *   $ref, allOf and nullable and refuses a schema it could not check.
 *   Run from the repository root (as make does).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>

#include "../sim/snelstart/ssim_api.h"
#include "../sim/snelstart/ssim_models.h"
#include "../sim/snelstart/ssim_spec.h"
#include "../sim/snelstart/ssim_store.h"

#define SPEC       "tests/sim/snelstart/snelstart-b2b-api-v2.yaml"
#define KLANT_ID   "6b8f1f4c-2c1e-4a55-9d0e-0123456789ab"
#define GROOTBOEK  "6b0e0000-0000-4000-8000-000000008000"      /* 8000, fixture */

typedef struct {
    char    dir[64];
    ssim_spec_t *spec;
    ssim_store_t *store;
    ssim_t *sim;
    char    auth[160];
} fixture_t;

/* call - one request; its status, and its body parsed into *out when out */
static int
call(fixture_t *f, const char *method, const char *url, const char *body, json_t **out)
{
    ssim_request_t req = { .method = method, .url = url, .query = json_object(),
                           .authorization = f->auth, .subscription_key = "sk",
                           .body = body, .body_len = body ? strlen(body) : 0 };
    ssim_response_t resp;
    int     status;

    ssim_handle(f->sim, &req, &resp);
    json_decref(req.query);
    status = resp.status;
    if (out != NULL)
        assert_non_null(*out = json_loads(resp.body, 0, NULL));
    free(resp.body);
    return status;
}

/* setup - a store with one relatie and the fixture's grootboeken, a token */
static int
setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    ssim_options_t opts = { .client_key = "ck", .subscription_key = "sk", .token_ttl_s = 3600,
                            .rate_per_minute = 500, .rate_per_hour = 5000, .time_scale = 1,
                            .no_rate_limit = true, .seed = 1 };
    json_t *relaties = json_pack("[{s:s,s:s,s:[s]}]", "id", KLANT_ID, "naam", "De Vries",
                                 "relatiesoort", "Klant");
    json_t *gb = json_load_file("tests/fixtures/grootboeken.json", 0, NULL);
    json_t *landen = ssim_landen_default(), *tok;
    char    err[1024], path[128];

    snprintf(f->dir, sizeof f->dir, "/tmp/test_snelstart_sim.XXXXXX");
    if (gb == NULL || mkdtemp(f->dir) == NULL) {
        fprintf(stderr, "no scratch directory or no tests/fixtures/grootboeken.json "
                "(run from the repository root)\n");
        return -1;
    }
    snprintf(path, sizeof path, "%s/ss.db", f->dir);
    if ((f->spec = ssim_spec_load(SPEC, err, sizeof err)) == NULL
        || (f->store = ssim_store_open(path, err, sizeof err)) == NULL
        || !ssim_seed(f->store, relaties, gb, landen, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    json_decref(relaties);
    json_decref(gb);
    json_decref(landen);
    opts.spec = f->spec;
    f->sim = ssim_new(f->store, &opts);
    assert_int_equal(call(f, "POST", "/b2b/token", "grant_type=clientkey&clientkey=ck", &tok),
                     200);
    snprintf(f->auth, sizeof f->auth, "Bearer %s",
             json_string_value(json_object_get(tok, "access_token")));
    json_decref(tok);
    *state = f;
    return 0;
}

/* teardown - free everything, remove the scratch directory */
static int
teardown(void **state)
{
    fixture_t *f = *state;
    char    path[128];

    ssim_destroy(&f->sim);
    ssim_store_close(&f->store);
    ssim_spec_destroy(&f->spec);
    snprintf(path, sizeof path, "%s/ss.db", f->dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/ss.db-wal", f->dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/ss.db-shm", f->dir);
    unlink(path);
    rmdir(f->dir);
    free(f);
    return 0;
}

/* boeking - a valid verkoopboeking of 121.00 with one change: key (a path
 * like "klant.id" or "boekingsregels.0.btwSoort") set to the JSON text value,
 * or left out when value is NULL */
static char *
boeking(const char *key, const char *value)
{
    json_t *b = json_pack("{s:s,s:s,s:{s:s},s:i,s:i,s:[{s:{s:s},s:i,s:s}],s:[{s:s,s:i}]}",
                          "factuurnummer", "WS10423", "factuurdatum", "2026-11-02T00:00:00",
                          "klant", "id", KLANT_ID, "betalingstermijn", 14, "factuurbedrag", 121,
                          "boekingsregels", "grootboek", "id", GROOTBOEK, "bedrag", 100,
                          "btwSoort", "Hoog", "btw", "btwSoort", "VerkopenHoog", "btwBedrag", 21);
    char   *text;

    if (key != NULL) {
        json_t *at = b;
        char    path[64], *dot, *k = path;

        snprintf(path, sizeof path, "%s", key);
        while ((dot = strchr(k, '.')) != NULL) {    /* "klant.id", "boekingsregels.0.btwSoort" */
            *dot = 0;
            at = json_is_array(at) ? json_array_get(at, (size_t) atoi(k)) : json_object_get(at, k);
            k = dot + 1;
        }
        if (value == NULL)
            json_object_del(at, k);
        else
            json_object_set_new(at, k, json_loads(value, JSON_DECODE_ANY, NULL));
    }
    text = json_dumps(b, JSON_COMPACT);
    json_decref(b);
    return text;
}

/* refused - POST/PUT body to url is answered 400 with code on property first */
static void
refused(fixture_t *f, const char *method, const char *url, const char *body, const char *code,
        const char *property)
{
    json_t *errors, *e;
    int     status = call(f, method, url, body, &errors);

    if (status != 400)
        fail_msg("%s %s %s: answered %d, not 400", method, url, body, status);
    e = json_array_get(errors, 0);
    if (strcmp(json_string_value(json_object_get(e, "errorCode")), code) != 0
        || strcmp(json_string_value(json_object_get(e, "propertyName")) ?: "-", property) != 0)
        fail_msg("%s %s: expected %s on %s, got %s", method, url, code, property,
                 json_dumps(errors, JSON_COMPACT));
    if (strcmp(property, "-") != 0)
        assert_non_null(strstr(json_string_value(json_object_get(e, "message")), property));
    json_decref(errors);
}

/* invalid_count - /_sim/stats "invalid" */
static long long
invalid_count(fixture_t *f)
{
    json_t *stats;
    long long n;

    assert_int_equal(call(f, "GET", "/_sim/stats", NULL, &stats), 200);
    n = json_integer_value(json_object_get(stats, "invalid"));
    json_decref(stats);
    return n;
}

static void
a_valid_boeking_with_an_offset_date_is_booked(void **state)
{
    fixture_t *f = *state;
    char   *body = boeking("factuurdatum", "\"2026-11-02T14:31:07+01:00\"");
    json_t *out;

    assert_int_equal(call(f, "POST", "/v2/verkoopboekingen", body, &out), 201);
    assert_string_equal(json_string_value(json_object_get(out, "factuurdatum")),
                        "2026-11-02T14:31:07+01:00");
    json_decref(out);
    free(body);
    body = boeking("factuurnummer", "\"WS10424\"");
    assert_int_equal(call(f, "POST", "/v2/verkoopboekingen", body, NULL), 201);
    free(body);
    assert_int_equal(invalid_count(f), 0);
}

static void
markering_as_text_is_refused(void **state)
{
    fixture_t *f = *state;
    char   *body = boeking("markering", "\"ja\"");

    refused(f, "POST", "/v2/verkoopboekingen", body, "GEN-0001", "markering");
    free(body);
    assert_int_equal(ssim_store_count(f->store, SSIM_BOEKINGEN), 0);
    assert_int_equal(invalid_count(f), 1);
}

static void
a_klant_id_that_is_no_uuid_is_refused(void **state)
{
    fixture_t *f = *state;
    char   *body = boeking("klant.id", "\"1001\"");

    refused(f, "POST", "/v2/verkoopboekingen", body, "GEN-0004", "klant.id");
    free(body);
}

static void
each_kind_of_invalid_boeking_is_refused(void **state)
{
    fixture_t *f = *state;
    static const struct {
        const char *key, *value, *code, *property;
    } cases[] = {
        { "boekingsregels.0.btwSoort", "\"Hoogg\"", "GEN-0003", "boekingsregels[0].btwSoort" },
        { "factuurnummer", "\"WS123456789012345678901234\"", "GEN-0005", "factuurnummer" },
        { "factuurnummer", NULL, "GEN-0002", "factuurnummer" },
        { "betalingstermijn", "1000", "GEN-0009", "betalingstermijn" },
        { "betalingstermijn", "14.5", "GEN-0001", "betalingstermijn" },
        { "factuurdatum", "\"02-11-2026\"", "GEN-0004", "factuurdatum" },
        { "factuurdatum", "\"2026-11-02T14:31:07+1\"", "GEN-0004", "factuurdatum" },
        { "klant.uri", "\"/relaties/" KLANT_ID "\"", "GEN-0007", "klant.uri" },
        { "fax", "\"030 1234567\"", "GEN-0006", "fax" },
        { "boekingsregels", "{}", "GEN-0001", "boekingsregels" },
        { "omschrijving", "null", "GEN-0008", "omschrijving" },
    };
    size_t  i;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char   *body = boeking(cases[i].key, cases[i].value);

        refused(f, "POST", "/v2/verkoopboekingen", body, cases[i].code, cases[i].property);
        free(body);
    }
    assert_int_equal(invalid_count(f), (long long) i);
    /* a refusal of SnelStart's own rules is no invalid request */
    {
        char   *body = boeking("factuurbedrag", "120");
        json_t *errors;

        assert_int_equal(call(f, "POST", "/v2/verkoopboekingen", body, &errors), 400);
        assert_string_equal(json_string_value(json_object_get(json_array_get(errors, 0),
                                                              "errorCode")), "BOE-0039");
        json_decref(errors);
        free(body);
        assert_int_equal(invalid_count(f), (long long) i);
    }
}

static void
each_kind_of_invalid_relatie_is_refused(void **state)
{
    fixture_t *f = *state;
    static const struct {
        const char *body, *code, *property;
    } cases[] = {
        { "{\"naam\":\"Jan\",\"relatiesoort\":[\"Klant\"],\"krediettermijn\":\"14\"}",
          "GEN-0001", "krediettermijn" },
        { "{\"naam\":\"Jan\",\"relatiesoort\":[\"Klant\"],\"vestigingsAdres\":\"Laan 1\"}",
          "GEN-0001", "vestigingsAdres" },
        { "{\"naam\":\"Jan\",\"relatiesoort\":[\"Klant\"],\"fax\":\"030 1234567\"}",
          "GEN-0006", "fax" },
        { "{\"naam\":\"Jan\",\"relatiesoort\":[\"Klant\"],\"telefoon\":null}",
          "GEN-0008", "telefoon" },
        { "{\"naam\":\"Jan\",\"relatiesoort\":[\"Klant\"],\"aanmaningsoort\":\"Geen\"}",
          "GEN-0003", "aanmaningsoort" },
        { "{\"naam\":\"Jan\",\"relatiesoort\":[\"Klant\"],\"verkoopBoekingenUri\":\"/x\"}",
          "GEN-0007", "verkoopBoekingenUri" },
        { "{\"naam\":\"Jan\",\"relatiesoort\":[\"Klant\"],\"vestigingsAdres\":"
          "{\"land\":{\"id\":\"NL\"}}}", "GEN-0004", "vestigingsAdres.land.id" },
        { "{\"naam\":\"Jan\",\"relatiesoort\":[\"Klant\"],\"kvkNummer\":\"1234567890123\"}",
          "GEN-0005", "kvkNummer" },
        { "{\"naam\":\"" "\xf0\x9f\x8d\x9e\xf0\x9f\x8d\x9e\xf0\x9f\x8d\x9e\xf0\x9f\x8d\x9e"
          "\xf0\x9f\x8d\x9e\xf0\x9f\x8d\x9e\xf0\x9f\x8d\x9e\xf0\x9f\x8d\x9e\xf0\x9f\x8d\x9e"
          "\xf0\x9f\x8d\x9e\xf0\x9f\x8d\x9e\xf0\x9f\x8d\x9e\xf0\x9f\x8d\x9e\xf0\x9f\x8d\x9e"
          "\xf0\x9f\x8d\x9e\xf0\x9f\x8d\x9e\xf0\x9f\x8d\x9e\xf0\x9f\x8d\x9e\xf0\x9f\x8d\x9e"
          "\xf0\x9f\x8d\x9e\xf0\x9f\x8d\x9e\xf0\x9f\x8d\x9e\xf0\x9f\x8d\x9e\xf0\x9f\x8d\x9e"
          "\xf0\x9f\x8d\x9e\xf0\x9f\x8d\x9e\",\"relatiesoort\":[\"Klant\"]}",
          "GEN-0005", "naam" },     /* 26 characters, 52 UTF-16 units */
    };
    char    url[80];
    size_t  i;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
        refused(f, "POST", "/v2/relaties", cases[i].body, cases[i].code, cases[i].property);
    snprintf(url, sizeof url, "/v2/relaties/%s", KLANT_ID);
    refused(f, "PUT", url, cases[0].body, "GEN-0001", "krediettermijn");
    assert_int_equal(ssim_store_count(f->store, SSIM_RELATIES), 1);
    assert_int_equal(invalid_count(f), (long long) i + 1);
    refused(f, "POST", "/v2/relaties", "{\"naam\":", "GEN-0001", "-");
    assert_int_equal(invalid_count(f), (long long) i + 2);
    assert_int_equal(call(f, "POST", "/v2/relaties", "{\"naam\":\"Jan\",\"relatiesoort\":"
                          "[\"Klant\"],\"krediettermijn\":14,\"aanmaningsoort\":\"Consument\"}",
                          NULL), 201);
    assert_int_equal(invalid_count(f), (long long) i + 2);
}

static void
stats_name_the_last_invalid_requests(void **state)
{
    fixture_t *f = *state;
    char   *body = boeking("markering", "\"ja\"");
    json_t *stats, *last;

    refused(f, "POST", "/v2/verkoopboekingen", body, "GEN-0001", "markering");
    free(body);
    assert_int_equal(call(f, "GET", "/_sim/stats", NULL, &stats), 200);
    last = json_array_get(json_object_get(stats, "invalid_requests"), 0);
    assert_string_equal(json_string_value(json_object_get(last, "url")), "/v2/verkoopboekingen");
    assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(last,
                        "errors"), 0), "propertyName")), "markering");
    json_decref(stats);
}

static void
the_subscription_key_may_be_a_query_parameter(void **state)
{
    fixture_t *f = *state;
    ssim_request_t req = { .method = "GET", .url = "/v2/landen", .query = json_object(),
                           .authorization = f->auth };
    ssim_response_t resp;

    ssim_handle(f->sim, &req, &resp);
    assert_int_equal(resp.status, 401);
    free(resp.body);
    json_object_set_new(req.query, "subscription-key", json_string("sk"));
    ssim_handle(f->sim, &req, &resp);
    assert_int_equal(resp.status, 200);
    free(resp.body);
    json_decref(req.query);
}

/* spec_text - load a small spec from text; NULL with err */
static ssim_spec_t *
spec_text(const char *yaml, char *err, size_t errlen)
{
    char    path[] = "/tmp/test_snelstart_sim.XXXXXX.yaml";
    int     fd = mkstemps(path, 5);
    ssim_spec_t *spec;

    assert_true(fd >= 0);
    assert_int_equal(write(fd, yaml, strlen(yaml)), (ssize_t) strlen(yaml));
    close(fd);
    spec = ssim_spec_load(path, err, errlen);
    unlink(path);
    return spec;
}

#define MINI_SPEC(extra) \
    "openapi: 3.0.1\n" \
    "paths:\n" \
    "  /dingen:\n" \
    "    post:\n" \
    "      requestBody:\n" \
    "        content:\n" \
    "          application/json:\n" \
    "            schema:\n" \
    "              $ref: '#/components/schemas/Ding'\n" \
    "components:\n" \
    "  schemas:\n" \
    "    Basis:\n" \
    "      type: object\n" \
    "      required: [naam]\n" \
    "      properties:\n" \
    "        naam: { type: string, maxLength: 5 }\n" \
    "    Ding:\n" \
    "      allOf:\n" \
    "        - $ref: '#/components/schemas/Basis'\n" \
    "        - type: object\n" \
    "          properties:\n" \
    "            notitie: { type: string, nullable: true }\n" \
    "            soort:\n" \
    "              nullable: true\n" \
    "              allOf:\n" \
    "                - $ref: '#/components/schemas/Soort'\n" \
    "    Soort: { type: string, enum: [A, B] }\n" extra

/* mini_check - the first error code of a body against the small spec, "" if valid */
static void
mini_check(const ssim_spec_t *spec, const char *body, const char *want)
{
    json_t *v = json_loads(body, 0, NULL), *errors = json_array();
    const char *got;

    assert_non_null(v);
    ssim_spec_check(spec, ssim_spec_request(spec, "POST", "/dingen"), v, errors);
    got = json_string_value(json_object_get(json_array_get(errors, 0), "errorCode"));
    if (strcmp(got ? got : "", want) != 0)
        fail_msg("%s: expected %s, got %s", body, *want ? want : "valid",
                 json_dumps(errors, JSON_COMPACT));
    json_decref(v);
    json_decref(errors);
}

static void
ref_allof_and_nullable_are_resolved(void **state)
{
    char    err[512];
    ssim_spec_t *spec = spec_text(MINI_SPEC(""), err, sizeof err);

    if (spec == NULL)
        fail_msg("%s", err);
    mini_check(spec, "{\"naam\":\"kort\",\"notitie\":null,\"soort\":\"A\"}", "");
    mini_check(spec, "{\"naam\":\"kort\",\"soort\":null}", "");
    mini_check(spec, "{\"naam\":\"te lang\"}", "GEN-0005");
    mini_check(spec, "{\"notitie\":\"x\"}", "GEN-0002");
    mini_check(spec, "{\"naam\":\"kort\",\"soort\":\"C\"}", "GEN-0003");
    mini_check(spec, "{\"naam\":\"kort\",\"kleur\":\"rood\"}", "GEN-0006");
    mini_check(spec, "{\"naam\":null}", "GEN-0008");
    ssim_spec_destroy(&spec);
    assert_null(spec);
}

static void
a_schema_the_validator_cannot_check_is_refused_at_start(void **state)
{
    char    err[512];

    assert_null(spec_text(MINI_SPEC("    Ander: { oneOf: [ { type: string } ] }\n"), err,
                          sizeof err));
    assert_non_null(strstr(err, "components/schemas/Ander: the keyword oneOf is not checked"));
    assert_null(spec_text(MINI_SPEC("    Ander: { $ref: '#/components/schemas/Weg' }\n"), err,
                          sizeof err));
    assert_non_null(strstr(err, "components/schemas/Ander/$ref: does not point"));
    assert_null(spec_text(MINI_SPEC("    Ander: { type: string, format: iban }\n"), err,
                          sizeof err));
    assert_non_null(strstr(err, "format iban is not checked"));
    assert_null(spec_text("openapi: 3.0.1\npaths: [\n", err, sizeof err));
    assert_non_null(strstr(err, "line"));
}

/* company_info_and_vatrates_are_served_as_the_spec_has_them - the
 * CompanyInfoModel (checked against the spec's schema of the PUT) with
 * factureerBuitenlandsBtw as the option says, and the VatRatesModel list */
static void
company_info_and_vatrates_are_served_as_the_spec_has_them(void **state)
{
    fixture_t *f = *state;
    json_t *ci, *vr, *errors = json_array(), *de = NULL, *c;
    size_t  i;

    assert_int_equal(call(f, "GET", "/v2/companyInfo", NULL, &ci), 200);
    assert_non_null(ssim_spec_request(f->spec, "PUT", "/companyInfo"));
    ssim_spec_check(f->spec, ssim_spec_request(f->spec, "PUT", "/companyInfo"), ci, errors);
    if (json_array_size(errors) > 0)
        fail_msg("%s", json_dumps(errors, JSON_COMPACT));
    assert_true(json_is_false(json_object_get(ci, "factureerBuitenlandsBtw")));
    /* the buitenlandse-btw grootboek of the fixture: 1620 */
    assert_string_equal(json_string_value(json_object_get(json_object_get(ci,
                        "buitenlandseBtwGrootboek"), "id")), "6b0e0000-0000-4000-8000-000000001620");
    json_decref(ci);

    assert_int_equal(call(f, "GET", "/v2/vatrates", NULL, &vr), 200);
    assert_int_equal(json_array_size(vr), 27);
    json_array_foreach(vr, i, c)
        if (strcmp(json_string_value(json_object_get(c, "countryCode")), "DEU") == 0)
            de = c;
    assert_non_null(de);
    c = json_array_get(json_object_get(de, "vatRates"), 0);
    assert_string_equal(json_string_value(json_object_get(c, "rateCode")), "DE-S");
    assert_true(json_number_value(json_object_get(c, "rate")) == 19.0);
    assert_string_equal(json_string_value(json_object_get(c, "validFrom")), "2007-01-01T00:00:00");
    json_decref(vr);
    json_decref(errors);

    /* with --factureer-buitenlands-btw */
    ssim_destroy(&f->sim);
    f->sim = ssim_new(f->store, &(ssim_options_t) { .spec = f->spec, .client_key = "ck",
                      .subscription_key = "sk", .token_ttl_s = 3600, .time_scale = 1,
                      .no_rate_limit = true, .seed = 1, .factureer_buitenlands_btw = true });
    {
        json_t *tok;

        assert_int_equal(call(f, "POST", "/b2b/token", "grant_type=clientkey&clientkey=ck", &tok),
                         200);
        snprintf(f->auth, sizeof f->auth, "Bearer %s",
                 json_string_value(json_object_get(tok, "access_token")));
        json_decref(tok);
    }
    assert_int_equal(call(f, "GET", "/v2/companyInfo", NULL, &ci), 200);
    assert_true(json_is_true(json_object_get(ci, "factureerBuitenlandsBtw")));
    json_decref(ci);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(a_valid_boeking_with_an_offset_date_is_booked, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(markering_as_text_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(a_klant_id_that_is_no_uuid_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(each_kind_of_invalid_boeking_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(each_kind_of_invalid_relatie_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(stats_name_the_last_invalid_requests, setup, teardown),
        cmocka_unit_test_setup_teardown(the_subscription_key_may_be_a_query_parameter, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(company_info_and_vatrates_are_served_as_the_spec_has_them,
                                        setup, teardown),
        cmocka_unit_test(ref_allof_and_nullable_are_resolved),
        cmocka_unit_test(a_schema_the_validator_cannot_check_is_refused_at_start),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
