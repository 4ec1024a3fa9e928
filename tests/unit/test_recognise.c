/*
 * NAME
 *   test_recognise - every recognition method of manual 2.5 against the
 *   manual's own situations, one table row per situation
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

#include "match.h"
#include "order.h"
#include "explain.h"
#include "recognise.h"
#include "relatie_index.h"

/* the administration every row is recognised against */
static const relatie_rec_t relaties[] = {
    { .id = "r1001", .relatiecode = 1001, .naam = "Bakkerij de Vries",
      .email = "jan@devries.nl", .postcode = "3511 AB", .country_iso = "NL",
      .btw_nummer = "NL001234560B01", .active = true },
    /* one service provider orders for three customers under his e-mail */
    { .id = "r2001", .relatiecode = 2001, .naam = "Kapsalon Noord",
      .email = "inkoop@dienstverlener.nl", .postcode = "1011 AA",
      .country_iso = "NL", .active = true },
    { .id = "r2002", .relatiecode = 2002, .naam = "Kapsalon Zuid",
      .email = "Inkoop@Dienstverlener.nl", .postcode = "2022BB",
      .country_iso = "NL", .active = true },
    { .id = "r2003", .relatiecode = 2003, .naam = "Kapsalon Oost",
      .email = "info@oost.nl;inkoop@dienstverlener.nl", .postcode = "3033 cc",
      .country_iso = "NL", .active = true },
    /* invoice CC and other e-mails */
    { .id = "r3001", .relatiecode = 3001, .naam = "Klant Drie",
      .email = "info@klant3.nl", .factuur_email = "facturen@klant3.nl",
      .factuur_cc = "boekhouding@klant3.nl", .postcode = "4000AA",
      .country_iso = "NL", .active = true },
    { .id = "r3002", .relatiecode = 3002, .naam = "Klant Vier",
      .bevestiging_email = "orders@klant4.nl", .postcode = "4000AB",
      .country_iso = "NL", .active = true },
    /* two relaties share an invoice e-mail */
    { .id = "r3003", .relatiecode = 3003, .naam = "Filiaal A",
      .factuur_email = "crediteuren@keten.nl", .active = true },
    { .id = "r3004", .relatiecode = 3004, .naam = "Filiaal B",
      .factuur_cc = "crediteuren@keten.nl", .active = true },
    /* VAT, KvK, names */
    { .id = "r4001", .relatiecode = 4001, .naam = "Brouwerij Het Anker",
      .btw_nummer = "BE0123456749", .postcode = "2800", .country_iso = "BE",
      .active = true },
    { .id = "r5001", .relatiecode = 5001, .naam = "Cafe Muller",
      .postcode = "10115", .country_iso = "DE", .active = true },
    { .id = "r5002", .relatiecode = 5002, .naam = "Bakkerij de Vries",
      .postcode = "9999 ZZ", .country_iso = "NL", .active = true },
    { .id = "r6001", .relatiecode = 6001, .naam = "Drukkerij Zes",
      .kvk_nummer = "87654321", .postcode = "6000AA", .country_iso = "NL",
      .active = true },
    { .id = "r7001", .relatiecode = 7001, .naam = "Piet Jansen",
      .postcode = "1111 AA", .country_iso = "NL", .active = true },
    /* an inactive relatie never matches */
    { .id = "r8001", .relatiecode = 8001, .naam = "Oud",
      .email = "oud@oud.nl", .active = false },
};

typedef struct {
    const char *name;
    recognition_t method;
    /* the order */
    const char *email;
    const char *field_name, *field_value;
    const char *company, *first, *last;
    const char *postcode, *country;     /* billing */
    const char *delivery_postcode;      /* NULL: no delivery address */
    const char *vat, *coc;
    /* expected */
    match_decision_t decision;
    int32_t code;
    const char *step;
    const char *reason_has;             /* NULL: not checked */
    const char *key;                    /* NULL: not checked */
} row_t;

#define E MATCH_EXISTING
#define N MATCH_NEW
#define X MATCH_ERROR

static const row_t rows[] = {
    /* email */
    { "email: main e-mail found without case and spaces", RECOGNITION_EMAIL,
      .email = " Jan@DeVries.NL", .postcode = "3511AB", .country = "NL",
      .decision = E, .code = 1001, .step = "email", .reason_has = "1001" },
    { "email: shared e-mail is an error naming the relatiecodes",
      RECOGNITION_EMAIL, .email = "inkoop@dienstverlener.nl",
      .decision = X, .step = "email",
      .reason_has = "3 relaties hebben e-mailadres inkoop@dienstverlener.nl: 2001, 2002, 2003; maak het "
                    "e-mailadres uniek" },
    { "email: of several order addresses the first counts", RECOGNITION_EMAIL,
      .email = "jan@devries.nl; inkoop@dienstverlener.nl",
      .decision = E, .code = 1001, .step = "email" },
    { "email: invoice CC matches", RECOGNITION_EMAIL,
      .email = "boekhouding@klant3.nl", .decision = E, .code = 3001,
      .step = "factuur-email" },
    { "email: main e-mail goes before invoice e-mail", RECOGNITION_EMAIL,
      .email = "info@klant3.nl", .decision = E, .code = 3001, .step = "email" },
    { "email: confirmation e-mail matches last", RECOGNITION_EMAIL,
      .email = "orders@klant4.nl", .decision = E, .code = 3002,
      .step = "overige-email" },
    { "email: shared invoice e-mail is an error", RECOGNITION_EMAIL,
      .email = "crediteuren@keten.nl", .decision = X, .step = "factuur-email",
      .reason_has = "3003, 3004" },
    { "email: unknown e-mail is a new relatie keyed by e-mail",
      RECOGNITION_EMAIL, .email = "Nieuw@Klant.nl", .decision = N,
      .step = "new", .key = "email:nieuw@klant.nl" },
    { "email: inactive relatie does not match", RECOGNITION_EMAIL,
      .email = "oud@oud.nl", .decision = N, .key = "email:oud@oud.nl" },
    { "email: no e-mail is new keyed by name, postcode, country",
      RECOGNITION_EMAIL, .company = "Nieuw B.V.", .postcode = "1234 ab",
      .country = "NL", .decision = N, .step = "new",
      .key = "naam:nieuw|1234AB|NL" },
    /* email-postcode: one person orders for several customers */
    { "email-postcode: delivery postcode picks among shared e-mail",
      RECOGNITION_EMAIL_POSTCODE, .email = "inkoop@dienstverlener.nl",
      .postcode = "1011AA", .country = "NL", .delivery_postcode = "2022 bb",
      .decision = E, .code = 2002, .step = "email", .reason_has = "2022BB" },
    { "email-postcode: billing postcode when no delivery address",
      RECOGNITION_EMAIL_POSTCODE, .email = "inkoop@dienstverlener.nl",
      .postcode = "3033CC", .country = "NL",
      .decision = E, .code = 2003, .step = "email" },
    { "email-postcode: no relatie at the postcode is new",
      RECOGNITION_EMAIL_POSTCODE, .email = "inkoop@dienstverlener.nl",
      .postcode = "9999XX", .country = "NL", .decision = N, .step = "new",
      .key = "email:inkoop@dienstverlener.nl|9999XX" },
    { "email-postcode: single relatie at other postcode is new",
      RECOGNITION_EMAIL_POSTCODE, .email = "jan@devries.nl",
      .postcode = "1000AA", .country = "NL", .decision = N },
    { "email-postcode: invoice e-mail with postcode", RECOGNITION_EMAIL_POSTCODE,
      .email = "facturen@klant3.nl", .postcode = "4000 AA", .country = "NL",
      .decision = E, .code = 3001, .step = "factuur-email" },
    /* klantcode */
    { "klantcode: field named \" KlantNummer \" is found",
      RECOGNITION_KLANTCODE, .field_name = " KlantNummer ",
      .field_value = " 1001 ", .email = "inkoop@dienstverlener.nl",
      .decision = E, .code = 1001, .step = "klantcode" },
    { "klantcode: debiteurnummer field is found", RECOGNITION_KLANTCODE,
      .field_name = "DEBITEURNUMMER", .field_value = "6001",
      .decision = E, .code = 6001, .step = "klantcode" },
    { "klantcode: no field is an error", RECOGNITION_KLANTCODE,
      .email = "jan@devries.nl", .field_name = "Opmerking",
      .field_value = "1001", .decision = X, .step = "klantcode",
      .reason_has = "heeft geen klantcodeveld" },
    { "klantcode: empty field is an error", RECOGNITION_KLANTCODE,
      .field_name = "debiteurnr", .field_value = "  ", .decision = X,
      .reason_has = "\"debiteurnr\" is leeg" },
    { "klantcode: code not in SnelStart is an error", RECOGNITION_KLANTCODE,
      .field_name = "klantcode", .field_value = "9999", .decision = X,
      .reason_has = "klantcode 9999" },
    { "klantcode: inactive relatie's code is an error", RECOGNITION_KLANTCODE,
      .field_name = "klantcode", .field_value = "8001", .decision = X },
    { "klantcode: a word is not a relatiecode", RECOGNITION_KLANTCODE,
      .field_name = "klantnr", .field_value = "ABC", .decision = X,
      .reason_has = "\"ABC\"" },
    /* klantcode-of-email */
    { "klantcode-of-email: klantcode goes before e-mail",
      RECOGNITION_KLANTCODE_OF_EMAIL, .field_name = "Klantnr",
      .field_value = "3001", .email = "jan@devries.nl",
      .decision = E, .code = 3001, .step = "klantcode" },
    { "klantcode-of-email: without klantcode the e-mail decides",
      RECOGNITION_KLANTCODE_OF_EMAIL, .email = "jan@devries.nl",
      .decision = E, .code = 1001, .step = "email" },
    { "klantcode-of-email: empty klantcode field falls back to e-mail",
      RECOGNITION_KLANTCODE_OF_EMAIL, .field_name = "klantcode",
      .field_value = "", .email = "nieuw@x.nl", .decision = N,
      .key = "email:nieuw@x.nl" },
    { "klantcode-of-email: unknown klantcode is an error",
      RECOGNITION_KLANTCODE_OF_EMAIL, .field_name = "klantcode",
      .field_value = "9999", .email = "jan@devries.nl", .decision = X,
      .step = "klantcode" },
    /* klantcode-of-email-postcode */
    { "klantcode-of-email-postcode: without code, e-mail and postcode",
      RECOGNITION_KLANTCODE_OF_EMAIL_POSTCODE,
      .email = "inkoop@dienstverlener.nl", .postcode = "1011 AA",
      .country = "NL", .decision = E, .code = 2001, .step = "email" },
    { "klantcode-of-email-postcode: code decides",
      RECOGNITION_KLANTCODE_OF_EMAIL_POSTCODE, .field_name = "klantnummer",
      .field_value = "2003", .email = "inkoop@dienstverlener.nl",
      .postcode = "1011 AA", .decision = E, .code = 2003, .step = "klantcode" },
    /* slim */
    { "slim: known klantcode decides", RECOGNITION_SLIM,
      .field_name = "klantcode", .field_value = "4001",
      .email = "jan@devries.nl", .decision = E, .code = 4001,
      .step = "klantcode" },
    { "slim: unknown klantcode goes on to e-mail", RECOGNITION_SLIM,
      .field_name = "klantcode", .field_value = "9999",
      .email = "jan@devries.nl", .decision = E, .code = 1001, .step = "email" },
    { "slim: shared e-mail narrowed by billing postcode", RECOGNITION_SLIM,
      .email = "inkoop@dienstverlener.nl", .postcode = "1011AA",
      .country = "NL", .decision = E, .code = 2001, .step = "email" },
    { "slim: shared e-mail narrowed by delivery postcode", RECOGNITION_SLIM,
      .email = "inkoop@dienstverlener.nl", .postcode = "5555AA",
      .country = "NL", .delivery_postcode = "3033CC",
      .decision = E, .code = 2003, .step = "email" },
    { "slim: shared e-mail at no postcode is new", RECOGNITION_SLIM,
      .email = "inkoop@dienstverlener.nl", .postcode = "5555AA",
      .country = "NL", .decision = N, .key = "email:inkoop@dienstverlener.nl" },
    { "email-postcode: every relatie sharing an e-mail is filtered",
      RECOGNITION_EMAIL_POSTCODE, .email = "gedeeld@x.nl",
      .postcode = "0099AA", .decision = E, .code = 199, .step = "email" },
    { "slim: shared e-mail narrowed beyond the first candidates",
      RECOGNITION_SLIM, .email = "gedeeld@x.nl", .postcode = "0098AA",
      .decision = E, .code = 198, .step = "email" },
    { "slim: VAT number with dots and prefix", RECOGNITION_SLIM,
      .email = "bier@anker.be", .vat = "BE0123.456.749", .country = "BE",
      .postcode = "2800", .decision = E, .code = 4001, .step = "btw" },
    { "slim: VAT number without prefix takes billing country",
      RECOGNITION_SLIM, .email = "bier@anker.be", .vat = "0123 456 749",
      .country = "BE", .decision = E, .code = 4001, .step = "btw" },
    { "slim: VAT number in another country does not match", RECOGNITION_SLIM,
      .email = "bier@anker.be", .vat = "0123456749", .country = "NL",
      .decision = N, .key = "email:bier@anker.be" },
    { "slim: KvK number with billing country", RECOGNITION_SLIM,
      .email = "x@zes.nl", .coc = "8765 4321", .country = "NL",
      .decision = E, .code = 6001, .step = "kvk" },
    { "slim: KvK number in another country does not match", RECOGNITION_SLIM,
      .email = "x@zes.nl", .coc = "87654321", .country = "DE",
      .decision = N },
    { "slim: name without legal form, same country and postcode",
      RECOGNITION_SLIM, .email = "bestel@devries-bakkerij.nl",
      .company = "Bakkerij De Vries B.V.", .postcode = "3511 ab",
      .country = "NL", .decision = E, .code = 1001, .step = "naam" },
    { "slim: same name at another postcode", RECOGNITION_SLIM,
      .email = "bestel@devries-bakkerij.nl",
      .company = "Bakkerij De Vries B.V.", .postcode = "9999ZZ",
      .country = "NL", .decision = E, .code = 5002, .step = "naam" },
    { "slim: same name at an unknown postcode is new", RECOGNITION_SLIM,
      .email = "bestel@devries-bakkerij.nl",
      .company = "Bakkerij De Vries B.V.", .postcode = "1000AA",
      .country = "NL", .decision = N },
    { "slim: accents and GmbH ignored", RECOGNITION_SLIM,
      .company = "Café Müller GmbH", .postcode = "10115", .country = "DE",
      .decision = E, .code = 5001, .step = "naam" },
    { "slim: accents ignored but country must agree", RECOGNITION_SLIM,
      .company = "Café Müller GmbH", .postcode = "10115", .country = "AT",
      .decision = N, .key = "naam:cafemuller|10115|AT" },
    { "slim: person name when there is no company", RECOGNITION_SLIM,
      .first = "Piet", .last = "Jansen", .postcode = "1111AA",
      .country = "NL", .decision = E, .code = 7001, .step = "naam" },
};

/* build_order - the order of a row */
static order_t *
build_order(const row_t *r)
{
    order_t *o = order_new();

    o->number = 10423;
    if (r->email)
        order_set(&o->email, r->email);
    if (r->field_name) {
        order_field_t *f = order_add_field(o);

        order_set(&f->name, r->field_name);
        order_set(&f->value, r->field_value);
    }
    if (r->company)
        order_set(&o->billing.company, r->company);
    if (r->first)
        order_set(&o->billing.first_name, r->first);
    if (r->last)
        order_set(&o->billing.last_name, r->last);
    if (r->postcode)
        order_set(&o->billing.postcode, r->postcode);
    if (r->country)
        order_set(&o->billing.country, r->country);
    if (r->delivery_postcode) {
        o->has_delivery = true;
        order_set(&o->delivery.postcode, r->delivery_postcode);
        order_set(&o->delivery.country, r->country ? r->country : "");
    }
    if (r->vat)
        order_set(&o->vat_number, r->vat);
    if (r->coc)
        order_set(&o->coc_number, r->coc);
    return o;
}

/* setup - the index of relaties[] */
static int
setup(void **state)
{
    relatie_index_t *ix = relatie_index_new();
    size_t  i;

    relatie_rec_t r;
    char    id[16], postcode[16];

    for (i = 0; i < sizeof relaties / sizeof relaties[0]; i++)
        relatie_index_upsert(ix, &relaties[i]);
    /* a hundred relaties share one e-mail, each at its own postcode */
    memset(&r, 0, sizeof r);
    r.active = true;
    r.email = "gedeeld@x.nl";
    for (i = 0; i < 100; i++) {
        snprintf(id, sizeof id, "g%zu", i);
        snprintf(postcode, sizeof postcode, "%04zu AA", i);
        r.id = id;
        r.postcode = postcode;
        r.relatiecode = 100 + (int32_t) i;
        relatie_index_upsert(ix, &r);
    }
    *state = ix;
    return 0;
}

static int
teardown(void **state)
{
    relatie_index_t *ix = *state;

    relatie_index_destroy(&ix);
    return 0;
}

static void
test_every_row_decides_as_the_manual_says(void **state)
{
    const relatie_index_t *ix = *state;
    size_t  i, failed = 0;

    for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const row_t *r = &rows[i];
        order_t *o = build_order(r);
        match_t *m = match_new();
        bool    ok;

        recognise(ix, o, r->method, m);
        ok = m->decision == r->decision
            && (r->decision != E || m->relatiecode == r->code)
            && (r->decision != E || strcmp(m->relatie_id, "") != 0)
            && (r->decision == E || m->relatiecode == 0)
            && strcmp(m->method, recognition_name(r->method)) == 0
            && (!r->step || strcmp(m->step, r->step) == 0)
            && (!r->reason_has || strstr(m->reason, r->reason_has))
            && (!r->key || strcmp(m->key, r->key) == 0)
            && (r->decision != N || m->key[0] != '\0');
        if (!ok) {
            print_error("row \"%s\": got %s %d step \"%s\" key \"%s\" reason "
                        "\"%s\"\n", r->name, match_decision_name(m->decision),
                        m->relatiecode, m->step, m->key, m->reason);
            failed++;
        }
        match_destroy(&m);
        order_destroy(&o);
    }
    assert_int_equal(failed, 0);
}

static void
test_existing_decision_carries_the_relatie_id(void **state)
{
    const relatie_index_t *ix = *state;
    order_t *o = order_new();
    match_t *m = match_new();

    order_set(&o->email, "jan@devries.nl");
    recognise(ix, o, RECOGNITION_EMAIL, m);
    assert_int_equal(m->decision, MATCH_EXISTING);
    assert_string_equal(m->relatie_id, "r1001");
    assert_string_equal(m->method, "email");
    match_destroy(&m);
    order_destroy(&o);
}

static void
test_unknown_method_is_an_error_not_a_crash(void **state)
{
    const relatie_index_t *ix = *state;
    order_t *o = order_new();
    match_t *m = match_new();

    recognise(ix, o, (recognition_t) 42, m);
    assert_int_equal(m->decision, MATCH_ERROR);
    assert_non_null(strstr(m->reason, "42"));
    match_destroy(&m);
    order_destroy(&o);
}

static void
test_method_names_parse_back(void **state)
{
    static const char *names[] = { "klantcode", "email", "klantcode-of-email",
                                   "email-postcode",
                                   "klantcode-of-email-postcode", "slim" };
    recognition_t r;
    size_t  i;

    (void) state;
    for (i = 0; i < 6; i++) {
        assert_true(recognition_parse(names[i], &r));
        assert_int_equal(r, (recognition_t) i);
        assert_string_equal(recognition_name(r), names[i]);
    }
    assert_false(recognition_parse("Email", &r));
    assert_false(recognition_parse("", &r));
    assert_false(recognition_parse(NULL, &r));
    assert_string_equal(recognition_name((recognition_t) 99), "unknown");
}

static void
test_explain_json_prints_the_decision(void **state)
{
    const relatie_index_t *ix = *state;
    order_t *o = order_new();
    char   *s;
    json_t *j;

    order_set(&o->email, "inkoop@dienstverlener.nl");
    s = explain_json(ix, o, RECOGNITION_EMAIL);
    j = json_loads(s, 0, NULL);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "decision")), "error");
    assert_true(json_is_null(json_object_get(j, "relatiecode")));
    assert_string_equal(json_string_value(json_object_get(j, "method")), "email");
    assert_non_null(strstr(json_string_value(json_object_get(j, "reason")),
                           "2001, 2002, 2003"));
    json_decref(j);
    free(s);
    order_set(&o->email, "jan@devries.nl");
    s = explain_json(ix, o, RECOGNITION_SLIM);
    j = json_loads(s, 0, NULL);
    assert_int_equal(json_integer_value(json_object_get(j, "relatiecode")), 1001);
    json_decref(j);
    free(s);
    order_destroy(&o);
}

static void
test_many_sharing_an_email_lists_ten_and_counts_the_rest(void **state)
{
    relatie_index_t *ix = relatie_index_new();
    relatie_rec_t r;
    order_t *o = order_new();
    match_t *m = match_new();
    char    id[16];
    int     i;

    (void) state;
    memset(&r, 0, sizeof r);
    r.active = true;
    r.email = "gedeeld@x.nl";
    for (i = 0; i < 100; i++) {
        snprintf(id, sizeof id, "id%d", i);
        r.id = id;
        r.relatiecode = 100 + i;
        relatie_index_upsert(ix, &r);
    }
    order_set(&o->email, "gedeeld@x.nl");
    recognise(ix, o, RECOGNITION_EMAIL, m);
    assert_int_equal(m->decision, MATCH_ERROR);
    assert_non_null(strstr(m->reason, "100 relaties hebben"));
    assert_non_null(strstr(m->reason, "en nog 90"));
    match_destroy(&m);
    order_destroy(&o);
    relatie_index_destroy(&ix);
}

/* dbl_cmp - order doubles */
static int
dbl_cmp(const void *a, const void *b)
{
    double  x = *(const double *) a, y = *(const double *) b;

    return (x > y) - (x < y);
}

/* timing figures only; never fails on speed */
static void
test_timing_is_printed(void **state)
{
    relatie_index_t *ix = relatie_index_new();
    relatie_rec_t r;
    order_t *o = order_new();
    match_t *m = match_new();
    char    id[32], email[64], naam[64];
    struct timespec t0, t1;
    int     i, n = 200000, found = 0;
    double *lat, total = 0;

    (void) state;
    memset(&r, 0, sizeof r);
    r.active = true;
    r.postcode = "1234AB";
    r.country_iso = "NL";
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (i = 0; i < n; i++) {
        snprintf(id, sizeof id, "id-%d", i);
        snprintf(email, sizeof email, "klant%d@example.nl", i);
        snprintf(naam, sizeof naam, "Klant %d B.V.", i);
        r.id = id; r.relatiecode = i + 1; r.email = email; r.naam = naam;
        relatie_index_upsert(ix, &r);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    print_message("index: %d relaties in %.0f ms, %.0f bytes per relatie\n", n,
                  (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6,
                  (double) relatie_index_bytes(ix) / n);
    lat = malloc((size_t) n * sizeof *lat);
    assert_non_null(lat);
    for (i = 0; i < n; i++) {
        snprintf(email, sizeof email, "Klant%d@Example.nl", (i * 7919) % n);
        order_set(&o->email, email);
        clock_gettime(CLOCK_MONOTONIC, &t0);
        recognise(ix, o, RECOGNITION_SLIM, m);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        lat[i] = (t1.tv_sec - t0.tv_sec) * 1e6 + (t1.tv_nsec - t0.tv_nsec) / 1e3;
        total += lat[i];
        found += m->decision == MATCH_EXISTING;
    }
    qsort(lat, (size_t) n, sizeof *lat, dbl_cmp);
    print_message("recognise (slim, e-mail hit): mean %.2f us, p99 %.2f us "
                  "per order\n", total / n, lat[n * 99 / 100]);
    /* misses: every slim phase runs, the name through utf8proc */
    order_set(&o->billing.company, "Café Onbekend B.V.");
    order_set(&o->billing.postcode, "1234 AB");
    total = 0;
    for (i = 0; i < n / 4; i++) {
        snprintf(email, sizeof email, "nieuw%d@Example.nl", i);
        order_set(&o->email, email);
        clock_gettime(CLOCK_MONOTONIC, &t0);
        recognise(ix, o, RECOGNITION_SLIM, m);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        lat[i] = (t1.tv_sec - t0.tv_sec) * 1e6 + (t1.tv_nsec - t0.tv_nsec) / 1e3;
        total += lat[i];
        assert_int_equal(m->decision, MATCH_NEW);
    }
    qsort(lat, (size_t) n / 4, sizeof *lat, dbl_cmp);
    print_message("recognise (slim, new customer): mean %.2f us, p99 %.2f us "
                  "per order\n", total / (n / 4), lat[n / 4 * 99 / 100]);
    free(lat);
    assert_int_equal(found, n);
    match_destroy(&m);
    order_destroy(&o);
    relatie_index_destroy(&ix);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_row_decides_as_the_manual_says),
        cmocka_unit_test(test_existing_decision_carries_the_relatie_id),
        cmocka_unit_test(test_unknown_method_is_an_error_not_a_crash),
        cmocka_unit_test(test_method_names_parse_back),
        cmocka_unit_test(test_explain_json_prints_the_decision),
        cmocka_unit_test(test_many_sharing_an_email_lists_ten_and_counts_the_rest),
        cmocka_unit_test(test_timing_is_printed),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
