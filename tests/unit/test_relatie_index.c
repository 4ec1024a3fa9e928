/*
 * NAME
 *   test_relatie_index - normalisation, upsert, removal, landen and the
 *   multi-address fields of the matcher's relatie index
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

#include <jansson.h>

#include "relatie_index.h"

/* load - parse JSON text, failing the test when it does not parse */
static json_t *
load(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);

    if (j == NULL)
        fail_msg("test JSON: %s", e.text);
    return j;
}

/* upsert_text - upsert one RelatieModel given as JSON text */
static bool
upsert_text(relatie_index_t *ix, const char *text, char *err, size_t errlen)
{
    json_t *j = load(text);
    bool    ok = relatie_index_upsert_json(ix, j, err, errlen);

    json_decref(j);
    return ok;
}

/* code_of - the relatiecode of the only relatie under a key, or -1 */
static int32_t
code_of(const relatie_index_t *ix, relatie_key_t kind, const char *key)
{
    uint32_t refs[8];
    relatie_view_t v;

    if (relatie_index_find(ix, kind, key, refs, 8) != 1)
        return -1;
    relatie_index_get(ix, refs[0], &v);
    return v.relatiecode;
}

static void
test_norm_email_ignores_case_and_whitespace(void **state)
{
    char    out[64];

    (void) state;
    relatie_norm_email("  Jan.De Vries@DeVries.NL \t", out, sizeof out);
    assert_string_equal(out, "jan.devries@devries.nl");
    relatie_norm_email("a\xc2\xa0" "b@x.nl", out, sizeof out);
    assert_string_equal(out, "ab@x.nl");
}

static void
test_norm_postcode_btw_kvk(void **state)
{
    char    out[64], cc[3];

    (void) state;
    relatie_norm_postcode(" 3511 ab", out, sizeof out);
    assert_string_equal(out, "3511AB");
    relatie_norm_btw("BE0123.456.749", out, sizeof out, cc);
    assert_string_equal(out, "0123456749");
    assert_string_equal(cc, "BE");
    relatie_norm_btw("0123 456 749", out, sizeof out, cc);
    assert_string_equal(out, "0123456749");
    assert_string_equal(cc, "");
    relatie_norm_btw("nl 0012.34560.B01", out, sizeof out, cc);
    assert_string_equal(out, "001234560B01");
    assert_string_equal(cc, "NL");
    relatie_norm_btw("EL123456789", out, sizeof out, cc);
    assert_string_equal(cc, "GR");
    relatie_norm_kvk("KvK 12.34.56-78", out, sizeof out);
    assert_string_equal(out, "12345678");
}

static void
test_norm_naam_drops_accents_punctuation_and_legal_forms(void **state)
{
    char    a[128], b[128];

    (void) state;
    relatie_norm_naam("Bakkerij De Vries B.V.", a, sizeof a);
    relatie_norm_naam("Bakkerij de Vries", b, sizeof b);
    assert_string_equal(a, "bakkerijdevries");
    assert_string_equal(a, b);
    relatie_norm_naam("Café Müller GmbH", a, sizeof a);
    relatie_norm_naam("Cafe Muller", b, sizeof b);
    assert_string_equal(a, "cafemuller");
    assert_string_equal(a, b);
    relatie_norm_naam("N.V. Nederlandsche Spoorwegen", a, sizeof a);
    assert_string_equal(a, "nederlandschespoorwegen");
    relatie_norm_naam("Jansen & Zn. V.O.F.", a, sizeof a);
    assert_string_equal(a, "jansenzn");
    relatie_norm_naam("De Bever B. V.", a, sizeof a);
    assert_string_equal(a, "debever");
    /* a legal form inside a word stays */
    relatie_norm_naam("Agave Bvtech", a, sizeof a);
    assert_string_equal(a, "agavebvtech");
}

static const char *relatie_1001 =
    "{\"id\":\"11111111-0000-0000-0000-000000000001\",\"relatiecode\":1001,"
    "\"relatiesoort\":[\"Klant\"],\"modifiedOn\":\"2026-10-01T10:00:00\","
    "\"naam\":\"Bakkerij de Vries\",\"email\":\"Jan@DeVries.nl; info@devries.nl\","
    "\"btwNummer\":\"NL001234560B01\",\"kvkNummer\":\"12345678\","
    "\"nonactief\":false,"
    "\"vestigingsAdres\":{\"postcode\":\"3511 ab\",\"land\":{\"id\":\"land-nl\"}},"
    "\"factuurEmailVersturen\":{\"shouldSend\":true,\"email\":\"facturen@devries.nl\","
    "\"ccEmail\":\"boekhouder@kantoor.nl, admin@devries.nl\"},"
    "\"offerteEmailVersturen\":null,"
    "\"aanmaningEmailVersturen\":{\"email\":\"aanmaning@devries.nl\",\"ccEmail\":null}}";

static void
test_upsert_json_indexes_every_key(void **state)
{
    relatie_index_t *ix = relatie_index_new();
    json_t *landen = load("[{\"id\":\"land-nl\",\"landcodeISO\":\"NL\",\"naam\":\"Nederland\"},"
                          "{\"id\":\"land-be\",\"landcodeISO\":\"be\"}]");
    char    err[256] = "";
    uint32_t ref;
    relatie_view_t v;

    (void) state;
    relatie_index_set_landen(ix, landen);
    json_decref(landen);
    assert_true(upsert_text(ix, relatie_1001, err, sizeof err));
    assert_int_equal(relatie_index_count(ix), 1);
    assert_int_equal(code_of(ix, RELATIE_KEY_EMAIL, "jan@devries.nl"), 1001);
    assert_int_equal(code_of(ix, RELATIE_KEY_EMAIL, "info@devries.nl"), 1001);
    assert_int_equal(code_of(ix, RELATIE_KEY_FACTUUR_EMAIL, "facturen@devries.nl"), 1001);
    assert_int_equal(code_of(ix, RELATIE_KEY_FACTUUR_EMAIL, "boekhouder@kantoor.nl"), 1001);
    assert_int_equal(code_of(ix, RELATIE_KEY_FACTUUR_EMAIL, "admin@devries.nl"), 1001);
    assert_int_equal(code_of(ix, RELATIE_KEY_OVERIG_EMAIL, "aanmaning@devries.nl"), 1001);
    assert_int_equal(code_of(ix, RELATIE_KEY_EMAIL, "facturen@devries.nl"), -1);
    assert_int_equal(code_of(ix, RELATIE_KEY_BTW, "001234560B01"), 1001);
    assert_int_equal(code_of(ix, RELATIE_KEY_KVK, "12345678"), 1001);
    assert_int_equal(code_of(ix, RELATIE_KEY_NAAM, "bakkerijdevries"), 1001);
    assert_true(relatie_index_by_code(ix, 1001, &ref));
    relatie_index_get(ix, ref, &v);
    assert_string_equal(v.id, "11111111-0000-0000-0000-000000000001");
    assert_string_equal(v.postcode, "3511AB");
    assert_string_equal(v.country, "NL");
    assert_string_equal(v.btw_country, "NL");
    assert_string_equal(v.naam, "Bakkerij de Vries");
    assert_string_equal(relatie_index_latest_modified(ix), "2026-10-01T10:00:00");
    assert_true(relatie_index_bytes(ix) > 0);
    relatie_index_destroy(&ix);
    assert_null(ix);
}

static void
test_upsert_replaces_and_old_keys_disappear(void **state)
{
    relatie_index_t *ix = relatie_index_new();
    char    err[256] = "";

    (void) state;
    assert_true(upsert_text(ix, relatie_1001, err, sizeof err));
    assert_true(upsert_text(ix,
        "{\"id\":\"11111111-0000-0000-0000-000000000001\",\"relatiecode\":1001,"
        "\"relatiesoort\":[\"Klant\"],\"modifiedOn\":\"2026-10-02T09:00:00\","
        "\"naam\":\"Bakkerij de Vries\",\"email\":\"nieuw@devries.nl\"}",
        err, sizeof err));
    assert_int_equal(relatie_index_count(ix), 1);
    assert_int_equal(code_of(ix, RELATIE_KEY_EMAIL, "jan@devries.nl"), -1);
    assert_int_equal(code_of(ix, RELATIE_KEY_FACTUUR_EMAIL, "facturen@devries.nl"), -1);
    assert_int_equal(code_of(ix, RELATIE_KEY_BTW, "001234567B01"), -1);
    assert_int_equal(code_of(ix, RELATIE_KEY_EMAIL, "nieuw@devries.nl"), 1001);
    assert_string_equal(relatie_index_latest_modified(ix), "2026-10-02T09:00:00");
    relatie_index_destroy(&ix);
}

static void
test_nonactief_or_leverancier_is_removed(void **state)
{
    relatie_index_t *ix = relatie_index_new();
    char    err[256] = "";
    uint32_t ref;

    (void) state;
    assert_true(upsert_text(ix, relatie_1001, err, sizeof err));
    assert_true(upsert_text(ix,
        "{\"id\":\"11111111-0000-0000-0000-000000000001\",\"relatiecode\":1001,"
        "\"relatiesoort\":[\"Klant\"],\"nonactief\":true,"
        "\"email\":\"jan@devries.nl\"}", err, sizeof err));
    assert_int_equal(relatie_index_count(ix), 0);
    assert_false(relatie_index_by_code(ix, 1001, &ref));
    assert_int_equal(code_of(ix, RELATIE_KEY_EMAIL, "jan@devries.nl"), -1);

    assert_true(upsert_text(ix, relatie_1001, err, sizeof err));
    assert_true(upsert_text(ix,
        "{\"id\":\"11111111-0000-0000-0000-000000000001\",\"relatiecode\":1001,"
        "\"relatiesoort\":[\"Leverancier\"],\"email\":\"jan@devries.nl\"}",
        err, sizeof err));
    assert_int_equal(relatie_index_count(ix), 0);
    /* a relatie both klant and leverancier stays */
    assert_true(upsert_text(ix,
        "{\"id\":\"22222222-0000-0000-0000-000000000002\",\"relatiecode\":1002,"
        "\"relatiesoort\":[\"Leverancier\",\"Klant\"],\"email\":\"x@y.nl\"}",
        err, sizeof err));
    assert_int_equal(relatie_index_count(ix), 1);
    relatie_index_destroy(&ix);
}

static void
test_malformed_relatie_is_rejected_naming_the_key(void **state)
{
    relatie_index_t *ix = relatie_index_new();
    char    err[256] = "";

    (void) state;
    assert_false(upsert_text(ix, "{\"relatiecode\":1}", err, sizeof err));
    assert_non_null(strstr(err, "\"id\""));
    assert_false(upsert_text(ix, "{\"id\":\"a\",\"relatiecode\":\"1\"}", err, sizeof err));
    assert_non_null(strstr(err, "relatiecode"));
    assert_false(upsert_text(ix, "{\"id\":\"a\",\"relatiecode\":1,\"email\":5}",
                             err, sizeof err));
    assert_non_null(strstr(err, "\"email\""));
    assert_false(upsert_text(ix, "{\"id\":\"a\",\"relatiecode\":1,"
                             "\"factuurEmailVersturen\":{\"ccEmail\":[]}}",
                             err, sizeof err));
    assert_non_null(strstr(err, "factuurEmailVersturen.ccEmail"));
    assert_false(upsert_text(ix, "{\"id\":\"a\",\"relatiecode\":1,"
                             "\"vestigingsAdres\":\"Utrecht\"}", err, sizeof err));
    assert_non_null(strstr(err, "vestigingsAdres"));
    assert_false(upsert_text(ix, "[]", err, sizeof err));
    assert_int_equal(relatie_index_count(ix), 0);
    relatie_index_destroy(&ix);
}

static void
test_landen_resolve_country_and_unknown_land_is_empty(void **state)
{
    relatie_index_t *ix = relatie_index_new();
    json_t *landen = load("[{\"id\":\"land-be\",\"landcodeISO\":\"BE\"}]");
    char    err[256] = "";
    uint32_t ref;
    relatie_view_t v;

    (void) state;
    relatie_index_set_landen(ix, landen);
    json_decref(landen);
    assert_true(upsert_text(ix,
        "{\"id\":\"b1\",\"relatiecode\":2001,\"btwNummer\":\"0123456789\","
        "\"vestigingsAdres\":{\"postcode\":\"2000\",\"land\":{\"id\":\"land-be\"}}}",
        err, sizeof err));
    assert_true(upsert_text(ix,
        "{\"id\":\"x1\",\"relatiecode\":2002,"
        "\"vestigingsAdres\":{\"postcode\":\"1\",\"land\":{\"id\":\"land-zz\"}}}",
        err, sizeof err));
    assert_true(relatie_index_by_code(ix, 2001, &ref));
    relatie_index_get(ix, ref, &v);
    assert_string_equal(v.country, "BE");
    assert_string_equal(v.btw_country, "BE");   /* no prefix: the land */
    assert_true(relatie_index_by_code(ix, 2002, &ref));
    relatie_index_get(ix, ref, &v);
    assert_string_equal(v.country, "");
    relatie_index_destroy(&ix);
}

static void
test_shared_email_finds_every_relatie_once(void **state)
{
    relatie_index_t *ix = relatie_index_new();
    relatie_rec_t r;
    uint32_t refs[8];

    (void) state;
    memset(&r, 0, sizeof r);
    r.active = true;
    r.id = "a"; r.relatiecode = 1; r.email = "X@Y.nl;x@y.nl";
    r.factuur_email = "x@y.nl"; r.factuur_cc = "x@y.nl";
    relatie_index_upsert(ix, &r);
    r.id = "b"; r.relatiecode = 2; r.email = "x@y.nl";
    relatie_index_upsert(ix, &r);
    r.id = "c"; r.relatiecode = 3; r.email = "x@y.nl"; r.active = false;
    relatie_index_upsert(ix, &r);
    assert_int_equal(relatie_index_count(ix), 2);
    assert_int_equal(relatie_index_find(ix, RELATIE_KEY_EMAIL, "x@y.nl", refs, 8), 2);
    assert_int_equal(relatie_index_find(ix, RELATIE_KEY_FACTUUR_EMAIL, "x@y.nl",
                                        refs, 8), 2);
    assert_int_equal(relatie_index_find(ix, RELATIE_KEY_EMAIL, "x@y.nl", refs, 1), 2);
    assert_true(relatie_index_remove(ix, "a"));
    assert_false(relatie_index_remove(ix, "a"));
    assert_int_equal(relatie_index_find(ix, RELATIE_KEY_EMAIL, "x@y.nl", refs, 8), 1);
    relatie_index_destroy(&ix);
}

static void
test_many_relaties_survive_growth_and_removal(void **state)
{
    relatie_index_t *ix = relatie_index_new();
    relatie_rec_t r;
    char    id[32], email[64], code_s[16];
    uint32_t ref;
    int     i;
    clock_t t0;

    (void) state;
    memset(&r, 0, sizeof r);
    r.active = true;
    t0 = clock();
    for (i = 1; i <= 50000; i++) {
        snprintf(id, sizeof id, "id-%d", i);
        snprintf(email, sizeof email, "klant%d@example.nl", i);
        snprintf(code_s, sizeof code_s, "%d", i);
        r.id = id; r.relatiecode = i; r.email = email; r.naam = code_s;
        r.postcode = "1234 AB";
        relatie_index_upsert(ix, &r);
    }
    for (i = 1; i <= 50000; i += 2) {
        snprintf(id, sizeof id, "id-%d", i);
        assert_true(relatie_index_remove(ix, id));
    }
    assert_int_equal(relatie_index_count(ix), 25000);
    for (i = 1; i <= 50000; i++) {
        snprintf(email, sizeof email, "klant%d@example.nl", i);
        assert_int_equal(code_of(ix, RELATIE_KEY_EMAIL, email), i % 2 ? -1 : i);
        assert_int_equal(relatie_index_by_code(ix, i, &ref), i % 2 == 0);
    }
    print_message("50000 upserts, 25000 removals, 100000 lookups: %.0f ms, "
                  "%zu bytes held\n", (double) (clock() - t0) * 1000 / CLOCKS_PER_SEC,
                  relatie_index_bytes(ix));
    relatie_index_destroy(&ix);
}

static void
test_churn_keeps_memory_bounded_and_ids_exact(void **state)
{
    relatie_index_t *ix = relatie_index_new();
    relatie_rec_t r;
    relatie_view_t v;
    char    id[64], email[64];
    uint32_t ref;
    size_t  after_fill = 0;
    int     i, round;

    (void) state;
    memset(&r, 0, sizeof r);
    r.active = true;
    r.naam = "Bakkerij de Vries B.V.";
    for (round = 0; round < 40; round++) {
        for (i = 0; i < 2000; i++) {
            /* lower-case UUIDs, an upper-case one and plain text */
            if (i % 3 == 0)
                snprintf(id, sizeof id, "00000000-0000-4000-8000-%012d", i);
            else if (i % 3 == 1)
                snprintf(id, sizeof id, "0000000A-0000-4000-8000-%012d", i);
            else
                snprintf(id, sizeof id, "relatie-%d", i);
            snprintf(email, sizeof email, "r%d.%d@example.nl", i, round);
            r.id = id; r.relatiecode = i + 1; r.email = email;
            relatie_index_upsert(ix, &r);
        }
        if (round == 0)
            after_fill = relatie_index_bytes(ix);
    }
    assert_int_equal(relatie_index_count(ix), 2000);
    /* replaced relaties' strings are reclaimed, not piled up */
    assert_true(relatie_index_bytes(ix) < 3 * after_fill);
    assert_int_equal(code_of(ix, RELATIE_KEY_EMAIL, "r7.0@example.nl"), -1);
    assert_int_equal(code_of(ix, RELATIE_KEY_EMAIL, "r7.39@example.nl"), 8);
    assert_int_equal(relatie_index_find(ix, RELATIE_KEY_NAAM, "bakkerijdevries",
                                        &ref, 1), 2000);
    assert_true(relatie_index_by_code(ix, 1, &ref));
    relatie_index_get(ix, ref, &v);
    assert_string_equal(v.id, "00000000-0000-4000-8000-000000000000");
    assert_string_equal(v.naam, "Bakkerij de Vries B.V.");
    assert_true(relatie_index_by_code(ix, 2, &ref));
    relatie_index_get(ix, ref, &v);
    assert_string_equal(v.id, "0000000A-0000-4000-8000-000000000001");
    assert_true(relatie_index_by_code(ix, 3, &ref));
    relatie_index_get(ix, ref, &v);
    assert_string_equal(v.id, "relatie-2");
    /* an id differing only in case is another relatie */
    assert_false(relatie_index_remove(ix, "0000000a-0000-4000-8000-000000000001"));
    assert_true(relatie_index_remove(ix, "0000000A-0000-4000-8000-000000000001"));
    assert_true(relatie_index_remove(ix, "00000000-0000-4000-8000-000000000000"));
    assert_false(relatie_index_by_code(ix, 1, &ref));
    assert_int_equal(relatie_index_count(ix), 1998);
    relatie_index_destroy(&ix);
}

static void
test_relatie_with_many_addresses_is_found_once_by_each(void **state)
{
    relatie_index_t *ix = relatie_index_new();
    relatie_rec_t r;
    char    id[32], emails[1024], key[64];
    uint32_t refs[4];
    size_t  n;
    int     i, a;

    (void) state;
    memset(&r, 0, sizeof r);
    r.active = true;
    /* 15 addresses a relatie, 300 relaties: their 8-bit tags meet in runs */
    for (i = 0; i < 300; i++) {
        n = 0;
        for (a = 0; a < 15; a++)
            n += (size_t) snprintf(emails + n, sizeof emails - n, "%sa%d.%d@x.nl",
                                   a ? ";" : "", a, i);
        snprintf(id, sizeof id, "rel-%d", i);
        r.id = id; r.relatiecode = i + 1; r.factuur_email = emails;
        relatie_index_upsert(ix, &r);
    }
    for (i = 0; i < 300; i++)
        for (a = 0; a < 15; a++) {
            snprintf(key, sizeof key, "a%d.%d@x.nl", a, i);
            assert_int_equal(relatie_index_find(ix, RELATIE_KEY_FACTUUR_EMAIL,
                                                key, refs, 4), 1);
        }
    relatie_index_destroy(&ix);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_norm_email_ignores_case_and_whitespace),
        cmocka_unit_test(test_norm_postcode_btw_kvk),
        cmocka_unit_test(test_norm_naam_drops_accents_punctuation_and_legal_forms),
        cmocka_unit_test(test_upsert_json_indexes_every_key),
        cmocka_unit_test(test_upsert_replaces_and_old_keys_disappear),
        cmocka_unit_test(test_nonactief_or_leverancier_is_removed),
        cmocka_unit_test(test_malformed_relatie_is_rejected_naming_the_key),
        cmocka_unit_test(test_landen_resolve_country_and_unknown_land_is_empty),
        cmocka_unit_test(test_shared_email_finds_every_relatie_once),
        cmocka_unit_test(test_many_relaties_survive_growth_and_removal),
        cmocka_unit_test(test_churn_keeps_memory_bounded_and_ids_exact),
        cmocka_unit_test(test_relatie_with_many_addresses_is_found_once_by_each),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
