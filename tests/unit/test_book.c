/*
 * test_book - the booker books each order once, against snelstart-sim:
 * ledger first, SnelStart asked after an uncertain failure, BOE-0021 counted
 * as booked, one relatie per new customer, dead letters that say why and
 * leave no relatie behind, relatie updates retried and noted, the
 * markering as the profile asks, an OSS order and credit notes as
 * snelstart-sim validates them
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sqlite3.h>

#include "creditnota.h"
#include "fixture.h"
#include "xalloc.h"

/* drop_table - make booker.db unreadable mid-way: a second connection drops
 * a table under the ledger's open connection */
static void
drop_table(fixture_t *f, const char *table)
{
    char    path[PATH_MAX + 32], sql[128];
    sqlite3 *db;

    snprintf(path, sizeof path, "%s/booker.db", f->sim.dir);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    snprintf(sql, sizeof sql, "DROP TABLE %s", table);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

/* an_unreadable_ledger_is_later_never_a_second_post - a booked order whose
 * ledger entry cannot be read is not posted again: it waits, and says that
 * the read failed (before, the failed read counted as "not in the ledger"
 * and only the write of "posting" that followed stopped it) */
static void
an_unreadable_ledger_is_later_never_a_second_post(void **state)
{
    fixture_t *f = fixture_start(NULL, NULL);
    match_t *m = fixture_is_new("email:jan@devries.nl");
    book_outcome_t out;

    book_order(f->admin, f->ledger, fixture_order(f, 0), m, &out);
    assert_int_equal(out.result, BOOK_BOOKED);
    drop_table(f, "ledger");
    book_order(f->admin, f->ledger, fixture_order(f, 0), m, &out);
    assert_int_equal(out.result, BOOK_LATER);
    assert_string_equal(out.stage, "booking");
    /* held because the read failed, not because a later write happened to */
    assert_non_null(strstr(out.reason, "booker.db: cannot read: no such table: ledger"));
    assert_int_equal(fixture_count(f, "/_sim/verkoopboekingen", "\"factuurnummer\":\"10423\""), 1);
    match_destroy(&m);
    fixture_stop(&f);
}

/* an_unreadable_relatie_list_is_later_never_a_second_relatie - when the
 * relaties koppel created cannot be read, no new relatie is posted */
static void
an_unreadable_relatie_list_is_later_never_a_second_relatie(void **state)
{
    fixture_t *f = fixture_start(NULL, NULL);
    match_t *m = fixture_is_new("email:jan@devries.nl");
    book_outcome_t out;

    book_order(f->admin, f->ledger, fixture_order(f, 0), m, &out);
    assert_int_equal(out.result, BOOK_BOOKED);
    drop_table(f, "relaties_created");
    book_order(f->admin, f->ledger, fixture_order(f, 1), m, &out);
    assert_int_equal(out.result, BOOK_LATER);
    assert_string_equal(out.stage, "relatie");
    assert_non_null(strstr(out.reason, "booker.db: cannot read: no such table: relaties_created"));
    assert_int_equal(fixture_count(f, "/_sim/relaties", "jan@devries.nl"), 1);
    match_destroy(&m);
    fixture_stop(&f);
}

static void
a_new_customer_gets_one_relatie_and_the_order_one_booking(void **state)
{
    fixture_t *f = fixture_start(NULL, NULL);
    match_t *m = fixture_is_new("email:jan@devries.nl");
    book_outcome_t out;

    book_order(f->admin, f->ledger, fixture_order(f, 0), m, &out);
    assert_int_equal(out.result, BOOK_BOOKED);
    assert_true(out.relatie_created);
    assert_string_equal(out.factuurnummer, "10423");
    assert_true(out.relatiecode > 0);
    /* the same order again: reported, not posted */
    book_order(f->admin, f->ledger, fixture_order(f, 0), m, &out);
    assert_int_equal(out.result, BOOK_BOOKED);
    assert_false(out.relatie_created);
    assert_int_equal(fixture_count(f, "/_sim/verkoopboekingen", "\"factuurnummer\":\"10423\""), 1);
    assert_int_equal(fixture_count(f, "/_sim/relaties", "jan@devries.nl"), 1);
    match_destroy(&m);
    fixture_stop(&f);
}

static void
two_orders_of_one_new_customer_make_one_relatie(void **state)
{
    fixture_t *f = fixture_start(NULL, NULL);
    match_t *m = fixture_is_new("email:kari.nordmann@example.no");
    book_outcome_t a, b;

    book_order(f->admin, f->ledger, fixture_order(f, 2), m, &a);
    fixture_order(f, 2)->number = 10432;            /* a second order, same customer */
    book_order(f->admin, f->ledger, fixture_order(f, 2), m, &b);
    fixture_order(f, 2)->number = 10431;
    assert_int_equal(a.result, BOOK_BOOKED);
    assert_int_equal(b.result, BOOK_BOOKED);
    assert_int_equal(a.relatiecode, b.relatiecode);
    assert_int_equal(fixture_count(f, "/_sim/relaties", "kari.nordmann@example.no"), 1);
    assert_int_equal(fixture_count(f, "/_sim/verkoopboekingen", "\"factuurnummer\""), 2);
    match_destroy(&m);
    fixture_stop(&f);
}

static void
a_lost_answer_is_checked_with_snelstart_and_not_posted_twice(void **state)
{
    fixture_t *f = fixture_start("--drop-after-store-rate", "1");
    match_t *m = fixture_is_new("email:inkoop@brouwerij-hoppe.be");
    book_outcome_t out;

    /* every POST is stored and its answer lost: koppel finds both the
     * relatie and the booking in SnelStart, and posts neither again */
    book_order(f->admin, f->ledger, fixture_order(f, 1), m, &out);
    assert_int_equal(out.result, BOOK_BOOKED);
    assert_true(out.relatie_created);
    book_order(f->admin, f->ledger, fixture_order(f, 1), m, &out);
    assert_int_equal(out.result, BOOK_BOOKED);
    assert_int_equal(fixture_count(f, "/_sim/relaties", "inkoop@brouwerij-hoppe.be"), 1);
    assert_int_equal(fixture_count(f, "/_sim/verkoopboekingen", "\"factuurnummer\":\"10425\""), 1);
    match_destroy(&m);
    fixture_stop(&f);
}

static void
a_posting_left_by_a_crash_is_found_in_snelstart(void **state)
{
    fixture_t *f = fixture_start(NULL, NULL);
    match_t *m = fixture_is_new("email:jan@devries.nl");
    book_outcome_t out;
    char    err[256], path[PATH_MAX + 32];

    book_order(f->admin, f->ledger, fixture_order(f, 0), m, &out);
    assert_int_equal(out.result, BOOK_BOOKED);
    /* the booker died after posting, before it wrote "booked" */
    assert_true(ledger_set(f->ledger, f->p->name, 10423, "posting", "10423", "", "", 0, "",
                           err, sizeof err));
    book_order(f->admin, f->ledger, fixture_order(f, 0), m, &out);
    assert_int_equal(out.result, BOOK_BOOKED);
    assert_int_equal(fixture_count(f, "/_sim/verkoopboekingen", "\"factuurnummer\":\"10423\""), 1);
    /* and a ledger that was lost altogether: SnelStart's BOE-0021 says it is booked */
    ledger_close(&f->ledger);
    snprintf(path, sizeof path, "%s/booker2.db", f->sim.dir);
    assert_non_null(f->ledger = ledger_open(path, err, sizeof err));
    book_order(f->admin, f->ledger, fixture_order(f, 0), m, &out);
    assert_int_equal(out.result, BOOK_BOOKED);
    assert_int_equal(fixture_count(f, "/_sim/verkoopboekingen", "\"factuurnummer\":\"10423\""), 1);
    match_destroy(&m);
    fixture_stop(&f);
}

static void
a_recognition_error_is_a_dead_letter_with_its_reason(void **state)
{
    fixture_t *f = fixture_start(NULL, NULL);
    match_t *m = match_new();
    book_outcome_t out;

    match_set(m, MATCH_ERROR, 0, "", "email", "email", "",
              "2 relaties share e-mail jan@devries.nl: 1001, 1002");
    book_order(f->admin, f->ledger, fixture_order(f, 0), m, &out);
    assert_int_equal(out.result, BOOK_DEAD);
    assert_string_equal(out.stage, "match");
    assert_string_equal(out.reason, "2 relaties share e-mail jan@devries.nl: 1001, 1002");
    assert_int_equal(fixture_count(f, "/_sim/verkoopboekingen", "factuurnummer"), 0);
    match_destroy(&m);
    fixture_stop(&f);
}

static void
an_unmapped_grootboek_is_a_dead_letter_naming_the_setting(void **state)
{
    fixture_t *f = fixture_start(NULL, NULL);
    match_t *m = fixture_is_new("email:kari.nordmann@example.no");
    book_outcome_t out;

    f->p->grootboek[KIND_OMZET][REGION_NON_EU][BTW_GEEN] = 0;
    book_order(f->admin, f->ledger, fixture_order(f, 2), m, &out);
    assert_int_equal(out.result, BOOK_DEAD);
    assert_string_equal(out.stage, "booking");
    assert_non_null(strstr(out.reason, "profiles.voorbeeld.grootboeken.omzet.buiten_eu.geen"));
    match_destroy(&m);
    fixture_stop(&f);
}

static match_t *existing(fixture_t *f, const char *naam, const char *straat, int32_t *code);
static int puts_made(fixture_t *f);

/* a_refused_order_creates_no_relatie - the checks come before the relatie:
 * four refused orders of new customers leave no relatie behind (they left
 * three before) and change no existing one */
static void
a_refused_order_creates_no_relatie(void **state)
{
    fixture_t *f = fixture_start(NULL, NULL);
    match_t *no = fixture_is_new("email:kari.nordmann@example.no");
    match_t *be = fixture_is_new("email:inkoop@brouwerij-hoppe.be");
    match_t *nl = fixture_is_new("email:jan@devries.nl");
    int32_t code;
    match_t *old;
    book_outcome_t out;
    size_t  nlines, ncharges;

    /* an unmapped grootboek, a VAT number that cannot exist, a foreign rate
     * SnelStart does not invoice, no lines at all */
    f->p->grootboek[KIND_OMZET][REGION_NON_EU][BTW_GEEN] = 0;
    book_order(f->admin, f->ledger, fixture_order(f, 2), no, &out);
    assert_int_equal(out.result, BOOK_DEAD);
    order_set(&fixture_order(f, 1)->vat_number, "BE0123.456.789");
    book_order(f->admin, f->ledger, fixture_order(f, 1), be, &out);
    assert_int_equal(out.result, BOOK_DEAD);
    assert_non_null(strstr(out.reason, "btw verlegd"));
    order_set(&fixture_order(f, 1)->vat_number, "");
    fixture_order(f, 1)->lines[0].vat_rate_e2 = 600;
    book_order(f->admin, f->ledger, fixture_order(f, 1), be, &out);
    assert_int_equal(out.result, BOOK_DEAD);
    nlines = fixture_order(f, 0)->nlines;      /* hidden, not freed: restored for the fixture */
    ncharges = fixture_order(f, 0)->ncharges;
    fixture_order(f, 0)->nlines = 0;
    fixture_order(f, 0)->ncharges = 0;
    book_order(f->admin, f->ledger, fixture_order(f, 0), nl, &out);
    assert_int_equal(out.result, BOOK_DEAD);
    assert_int_equal(fixture_count(f, "/_sim/relaties", "kari.nordmann@example.no"), 0);
    assert_int_equal(fixture_count(f, "/_sim/relaties", "inkoop@brouwerij-hoppe.be"), 0);
    assert_int_equal(fixture_count(f, "/_sim/relaties", "jan@devries.nl"), 0);
    /* nor is an existing relatie brought up to date for a refused order */
    old = existing(f, "Bakkerij De Vries", "Oude Gracht 9", &code);
    f->p->processing = PROCESSING_TOEVOEGEN_EN_BIJWERKEN;
    book_order(f->admin, f->ledger, fixture_order(f, 0), old, &out);
    assert_int_equal(out.result, BOOK_DEAD);
    assert_false(out.relatie_updated);
    assert_int_equal(puts_made(f), 0);
    match_destroy(&no);
    match_destroy(&be);
    match_destroy(&nl);
    match_destroy(&old);
    fixture_order(f, 0)->nlines = nlines;
    fixture_order(f, 0)->ncharges = ncharges;
    fixture_stop(&f);
}

static void
handmatig_books_unknown_customers_on_the_default_klantcode(void **state)
{
    fixture_t *f = fixture_start(NULL, NULL);
    match_t *m = fixture_is_new("email:jan@devries.nl");
    book_outcome_t out;

    f->p->processing = PROCESSING_HANDMATIG;
    f->p->default_klantcode = 4242;
    book_order(f->admin, f->ledger, fixture_order(f, 0), m, &out);
    assert_int_equal(out.result, BOOK_DEAD);
    assert_non_null(strstr(out.reason, "standaard klantcode 4242"));
    assert_non_null(strstr(out.reason, "bestaat niet in SnelStart"));
    assert_int_equal(fixture_count(f, "/_sim/relaties", "jan@devries.nl"), 0);
    match_destroy(&m);
    fixture_stop(&f);
}

static void
wrong_keys_stop_the_profile_without_a_dead_letter(void **state)
{
    fixture_t *f = fixture_start(NULL, NULL);
    match_t *m = fixture_is_new("email:jan@devries.nl");
    book_outcome_t out;

    administration_destroy(&f->admin);
    fixture_replace(&f->p->client_key, "wrong");
    f->admin = administration_new(f->p);
    book_order(f->admin, f->ledger, fixture_order(f, 0), m, &out);
    assert_int_equal(out.result, BOOK_LATER);
    assert_true(out.stop_profile);
    assert_null(strstr(out.reason, "wrong"));
    match_destroy(&m);
    fixture_stop(&f);
}

static void
the_configured_grootboeken_are_checked_against_snelstart(void **state)
{
    fixture_t *f = fixture_start(NULL, NULL);
    char    err[1024];

    assert_true(administration_check(f->admin, err, sizeof err));
    f->p->grootboek[KIND_VERZENDKOSTEN][REGION_EU][BTW_LAAG] = 9999;
    assert_false(administration_check(f->admin, err, sizeof err));
    assert_non_null(strstr(err, "9999"));
    assert_non_null(strstr(err, "verzendkosten"));
    f->p->grootboek[KIND_VERZENDKOSTEN][REGION_EU][BTW_LAAG] = 1300;    /* a balance account */
    assert_false(administration_check(f->admin, err, sizeof err));
    assert_non_null(strstr(err, "1300"));
    fixture_stop(&f);
}

static void
a_check_the_limits_hold_back_says_when_to_try_again_and_is_no_verdict(void **state)
{
    fixture_t *f = fixture_start(NULL, NULL);
    char    err[1024];
    ss_error_t wait;

    snelstart_set_limits(f->admin->api, 2, 100, 1);     /* the check needs five calls */
    assert_false(administration_check_or_wait(f->admin, err, sizeof err, &wait));
    assert_true(wait.not_before_ms > 0);
    assert_true(*wait.wait_reason != '\0');
    assert_null(f->admin->grootboeken);                 /* nothing half read is kept */
    snelstart_set_limits(f->admin->api, 0, 0, 1);
    assert_true(administration_check_or_wait(f->admin, err, sizeof err, &wait));
    assert_int_equal(wait.not_before_ms, 0);
    fixture_stop(&f);
}

/* existing - an "existing customer" decision for a relatie created in the sim */
static match_t *
existing(fixture_t *f, const char *naam, const char *straat, int32_t *code)
{
    snelstart_t *api = snelstart_new(f->p->api_url, f->p->auth_url, "ck", "sk", false);
    json_t *body = json_pack("{s:[s], s:s, s:s, s:{s:s, s:s, s:s}}", "relatiesoort", "Klant",
                             "naam", naam, "email", "jan@devries.nl", "vestigingsAdres",
                             "straat", straat, "postcode", "3511 AB", "plaats", "Utrecht");
    json_t *made = NULL;
    ss_error_t e;
    match_t *m = match_new();

    assert_int_equal(snelstart_post(api, "/relaties", body, &made, &e), SS_OK);
    *code = (int32_t) json_integer_value(json_object_get(made, "relatiecode"));
    match_set(m, MATCH_EXISTING, *code, json_string_value(json_object_get(made, "id")),
              "email", "email", "", "found by e-mail");
    json_decref(body);
    json_decref(made);
    snelstart_destroy(&api);
    return m;
}

/* puts_made - PUT requests the simulator answered 200 */
static int
puts_made(fixture_t *f)
{
    char   *body, *p;
    int     n = 0;

    assert_int_equal(sim_proc_get(&f->sim, "/_sim/stats", &body), 200);
    if ((p = strstr(body, "\"PUT /v2/relaties/")) != NULL && (p = strstr(p, "\"200\":")))
        n = atoi(p + 6);
    free(body);
    return n;
}

static void
toevoegen_en_bijwerken_updates_what_differs_and_nothing_else(void **state)
{
    fixture_t *f = fixture_start(NULL, NULL);
    int32_t code;
    match_t *m = existing(f, "Bakkerij De Vries", "Oude Gracht 9", &code);
    book_outcome_t out;

    f->p->processing = PROCESSING_TOEVOEGEN_EN_BIJWERKEN;
    book_order(f->admin, f->ledger, fixture_order(f, 0), m, &out);
    assert_int_equal(out.result, BOOK_BOOKED);
    assert_true(out.relatie_updated);
    assert_int_equal(out.relatiecode, code);
    /* the order's street, in the vestigings- and the correspondentieadres */
    assert_int_equal(fixture_count(f, "/_sim/relaties", "Dorpsstraat 1A"), 2);
    assert_int_equal(fixture_count(f, "/_sim/relaties", "Oude Gracht"), 0);
    assert_int_equal(fixture_count(f, "/_sim/relaties", "\"Bakkerij De Vries\""), 1);  /* name kept */
    assert_int_equal(puts_made(f), 1);
    /* a second order with the same data changes nothing */
    fixture_order(f, 0)->number = 10424;
    book_order(f->admin, f->ledger, fixture_order(f, 0), m, &out);
    fixture_order(f, 0)->number = 10423;
    assert_int_equal(out.result, BOOK_BOOKED);
    assert_false(out.relatie_updated);
    assert_int_equal(puts_made(f), 1);
    match_destroy(&m);
    fixture_stop(&f);
}

/* wait_until_ms - let an epoch time in ms pass (0: none given) */
static void
wait_until_ms(int64_t at_ms)
{
    struct timespec now;

    for (;;) {
        clock_gettime(CLOCK_REALTIME, &now);
        if ((int64_t) now.tv_sec * 1000 + now.tv_nsec / 1000000 >= at_ms)
            return;
        usleep(10000);
    }
}

/* an_update_that_meets_a_429_is_tried_again_with_the_order - SnelStart's
 * rate limit on the PUT: the order waits (later, nothing booked), the
 * failure is noted for the information log, and when the order comes back
 * the relatie is updated and the order booked */
static void
an_update_that_meets_a_429_is_tried_again_with_the_order(void **state)
{
    fixture_t *f = fixture_start("--rate-limit-puts", "1");
    int32_t code;
    match_t *m = existing(f, "Bakkerij De Vries", "Oude Gracht 9", &code);
    book_outcome_t out;

    f->p->processing = PROCESSING_TOEVOEGEN_EN_BIJWERKEN;
    book_order(f->admin, f->ledger, fixture_order(f, 0), m, &out);
    assert_int_equal(out.result, BOOK_LATER);
    assert_string_equal(out.stage, "relatie");
    assert_false(out.relatie_updated);
    assert_non_null(strstr(out.relatie_not_updated, "nog niet bijgewerkt met order 10423: "
                           "de limiet van SnelStart"));
    assert_int_equal(fixture_count(f, "/_sim/verkoopboekingen", "\"factuurnummer\":\"10423\""), 0);
    /* the booker's loop parks the profile until SnelStart's Retry-After has
     * passed; this test has no loop, so it waits that long itself */
    wait_until_ms(out.not_before_ms);
    book_order(f->admin, f->ledger, fixture_order(f, 0), m, &out);
    assert_int_equal(out.result, BOOK_BOOKED);
    assert_true(out.relatie_updated);
    assert_string_equal(out.relatie_not_updated, "");
    assert_int_equal(puts_made(f), 1);
    assert_int_equal(fixture_count(f, "/_sim/relaties", "Dorpsstraat 1A"), 2);
    assert_int_equal(fixture_count(f, "/_sim/verkoopboekingen", "\"factuurnummer\":\"10423\""), 1);
    match_destroy(&m);
    fixture_stop(&f);
}

/* a_refused_update_is_noted_and_the_order_booked - SnelStart refuses the
 * PUT: the order is booked on the relatie as it is, and the refusal is
 * what the information log shows */
static void
a_refused_update_is_noted_and_the_order_booked(void **state)
{
    fixture_t *f = fixture_start(NULL, NULL);
    int32_t code;
    match_t *m = existing(f, "Bakkerij De Vries", "Oude Gracht 9", &code);
    book_outcome_t out;

    f->p->processing = PROCESSING_TOEVOEGEN_EN_BIJWERKEN;
    /* a relatie id SnelStart does not know: the GET is refused */
    match_set(m, MATCH_EXISTING, code, "6b8f1f4c-2c1e-4a55-9d0e-000000000000", "email", "email",
              "", "found by e-mail");
    book_order(f->admin, f->ledger, fixture_order(f, 0), m, &out);
    assert_int_equal(out.result, BOOK_DEAD);    /* the booking's klant does not exist */
    assert_false(out.relatie_updated);
    assert_non_null(strstr(out.relatie_not_updated, "niet bijgewerkt met order 10423: "));
    match_destroy(&m);
    fixture_stop(&f);
}

/* markering_of - the markering SnelStart stored on the booking with this
 * factuurnummer: 1 true, 0 false, -1 absent or no such booking */
static int
markering_of(fixture_t *f, const char *factuurnummer)
{
    char   *body;
    json_t *list, *b;
    size_t  i;
    int     r = -1;

    assert_int_equal(sim_proc_get(&f->sim, "/_sim/verkoopboekingen", &body), 200);
    assert_non_null(list = json_loads(body, 0, NULL));
    json_array_foreach(list, i, b)
        if (strcmp(json_string_value(json_object_get(b, "factuurnummer")) ?: "", factuurnummer) == 0
            && json_is_boolean(json_object_get(b, "markering")))
            r = json_is_true(json_object_get(b, "markering"));
    json_decref(list);
    free(body);
    return r;
}

/* markering_reaches_snelstart_only_when_the_profile_asks - "Markeer als
 * ongelezen" (manual 2.4): the booking SnelStart stores is marked when the
 * profile says so, and only then */
static void
markering_reaches_snelstart_only_when_the_profile_asks(void **state)
{
    fixture_t *f = fixture_start(NULL, NULL);
    match_t *m = fixture_is_new("email:jan@devries.nl");
    book_outcome_t out;

    f->p->markeer_als_ongelezen = false;
    book_order(f->admin, f->ledger, fixture_order(f, 0), m, &out);
    assert_int_equal(out.result, BOOK_BOOKED);
    f->p->markeer_als_ongelezen = true;
    fixture_order(f, 0)->number = 10424;
    book_order(f->admin, f->ledger, fixture_order(f, 0), m, &out);
    fixture_order(f, 0)->number = 10423;
    assert_int_equal(out.result, BOOK_BOOKED);
    assert_int_equal(markering_of(f, "10423"), 0);
    assert_int_equal(markering_of(f, "10424"), 1);
    match_destroy(&m);
    fixture_stop(&f);
}

/* read_order - the order of a feed document in tests/fixtures/feed */
static order_page_t *
read_order(const char *name)
{
    char    path[PATH_MAX + 64], err[512], *doc = xmalloc(65536);
    size_t  len;
    FILE   *fp;
    order_page_t *page;

    snprintf(path, sizeof path, "%s/tests/fixtures/feed/%s", sim_proc_root(), name);
    assert_non_null(fp = fopen(path, "r"));
    len = fread(doc, 1, 65535, fp);
    fclose(fp);
    page = gcfeed_parse(doc, len, path, err, sizeof err);
    free(doc);
    if (page == NULL)
        fail_msg("%s", err);
    return page;
}

/* an_oss_order_is_booked_as_snelstart_checks_it - a DE consumer at 19 % and
 * 7 % with SnelStart invoicing foreign VAT: booked on the OSS grootboeken
 * with the VAT on companyInfo's buitenlandse-btw grootboek, no Dutch btw
 * line, every body valid for snelstart-sim; without the setting the same
 * order is a dead letter that names it */
static void
an_oss_order_is_booked_as_snelstart_checks_it(void **state)
{
    fixture_t *f = fixture_start("--factureer-buitenlands-btw", NULL);
    order_page_t *page = read_order("order-10450-oss-de.xml");
    order_t *o = page->items[0].order;
    match_t *m = fixture_is_new("email:lena.schmidt@example.de");
    book_outcome_t out;

    order_set(&o->profile, f->p->name);
    book_order(f->admin, f->ledger, o, m, &out);
    if (out.result != BOOK_BOOKED)
        fail_msg("%s", out.reason);
    assert_int_equal(fixture_count(f, "/_sim/verkoopboekingen", "\"omschrijving\":\"Btw DE 19%\""), 1);
    assert_int_equal(fixture_count(f, "/_sim/verkoopboekingen", "6b0e0000-0000-4000-8000-000000008610"), 2);
    assert_int_equal(fixture_count(f, "/_sim/verkoopboekingen", "6b0e0000-0000-4000-8000-000000001620"), 2);
    assert_int_equal(fixture_count(f, "/_sim/verkoopboekingen", "\"btw\":[]"), 1);
    match_destroy(&m);
    order_page_destroy(&page);
    fixture_stop(&f);

    f = fixture_start(NULL, NULL);
    page = read_order("order-10450-oss-de.xml");
    m = fixture_is_new("email:lena.schmidt@example.de");
    order_set(&page->items[0].order->profile, f->p->name);
    book_order(f->admin, f->ledger, page->items[0].order, m, &out);
    assert_int_equal(out.result, BOOK_DEAD);
    assert_non_null(strstr(out.reason, "zet \"Buitenlandse btw factureren\" aan"));
    assert_int_equal(fixture_count(f, "/_sim/relaties", "lena.schmidt@example.de"), 0);
    match_destroy(&m);
    order_page_destroy(&page);
    fixture_stop(&f);
}

/* a_credit_note_is_accepted_once_by_snelstart - the credit note of 10423
 * (full, and a partial one) posted to snelstart-sim: valid, balanced,
 * booked under its own factuurnummer, and a second post of the same is
 * SnelStart's BOE-0021 */
static void
a_credit_note_is_accepted_once_by_snelstart(void **state)
{
    static const creditnota_line_t towel[] = { { 1, 10000 } };
    fixture_t *f = fixture_start(NULL, NULL);
    match_t *m = fixture_is_new("email:jan@devries.nl");
    book_outcome_t out;
    creditnota_refund_t refunds[] = { { .seq = 1, .full = true },
                                      { .seq = 2, .lines = towel, .nlines = 1, .shipping = true } };
    boeking_ctx_t ctx;
    ss_error_t e;
    char    err[1024];

    book_order(f->admin, f->ledger, fixture_order(f, 0), m, &out);
    assert_int_equal(out.result, BOOK_BOOKED);
    ctx = (boeking_ctx_t) { .grootboeken = f->admin->grootboeken,
                            .btwtarieven = f->admin->btwtarieven,
                            .companyinfo = f->admin->companyinfo, .vatrates = f->admin->vatrates };
    for (size_t i = 0; i < 2; i++) {
        json_t *body = creditnota_build(fixture_order(f, 0), &refunds[i], f->p, NULL, &ctx, err,
                                        sizeof err), *stored = NULL;
        char   *path = xasprintf("/relaties?$filter=Relatiecode%%20eq%%20%d", out.relatiecode);
        json_t *rel = NULL;

        if (body == NULL)
            fail_msg("%s", err);
        assert_int_equal(snelstart_get(f->admin->api, path, &rel, &e), SS_OK);
        json_object_set_new(body, "klant", json_pack("{s:O}", "id",
                            json_object_get(json_array_get(rel, 0), "id")));
        assert_int_equal(snelstart_post(f->admin->api, "/verkoopboekingen", body, &stored, &e),
                         SS_OK);
        json_decref(stored);
        stored = NULL;
        assert_int_equal(snelstart_post(f->admin->api, "/verkoopboekingen", body, &stored, &e),
                         SS_REJECTED);
        assert_string_equal(e.code, "BOE-0021");
        json_decref(stored);
        json_decref(rel);
        json_decref(body);
        free(path);
    }
    assert_int_equal(fixture_count(f, "/_sim/verkoopboekingen", "\"factuurnummer\":\"10423-C1\""), 1);
    assert_int_equal(fixture_count(f, "/_sim/verkoopboekingen", "\"factuurnummer\":\"10423-C2\""), 1);
    assert_int_equal(fixture_count(f, "/_sim/verkoopboekingen", "\"factuurbedrag\":-22.04"), 1);
    assert_int_equal(fixture_count(f, "/_sim/verkoopboekingen", "\"factuurbedrag\":-15.9"), 1);
    match_destroy(&m);
    fixture_stop(&f);
}


/* credit_of - the credit note seq of an example order, booked as original */
static order_t *
credit_of(fixture_t *f, int i, int seq, const char *original)
{
    order_t *c = order_dup(fixture_order(f, i));

    c->credit.seq = seq;
    c->credit.full = seq == 1;
    if (seq > 1) {                  /* the tea towel and the shipping */
        order_refund_line_t *l = order_add_refund_line(c);

        l->line = 1;
        l->quantity_e4 = 10000;
        c->credit.shipping = true;
    }
    order_set(&c->credit.original, original);
    return c;
}

/* a_credit_note_is_booked_once_on_the_relatie_of_its_order - through
 * book_order, with its own ledger entry; also when every answer is lost */
static void
a_credit_note_is_booked_once_on_the_relatie_of_its_order(void **state)
{
    for (int lost = 0; lost < 2; lost++) {
        fixture_t *f = lost ? fixture_start("--drop-after-store-rate", "1") : fixture_start(NULL, NULL);
        match_t *m = fixture_is_new("email:jan@devries.nl");
        order_t *full = credit_of(f, 0, 1, "10423"), *part = credit_of(f, 0, 2, "10423");
        book_outcome_t out, credit;

        book_order(f->admin, f->ledger, fixture_order(f, 0), m, &out);
        assert_int_equal(out.result, BOOK_BOOKED);
        for (int again = 0; again < 2; again++) {
            book_order(f->admin, f->ledger, full, m, &credit);
            assert_int_equal(credit.result, BOOK_BOOKED);
            assert_string_equal(credit.factuurnummer, "10423-C1");
            book_order(f->admin, f->ledger, part, m, &credit);
            assert_int_equal(credit.result, BOOK_BOOKED);
            assert_string_equal(credit.factuurnummer, "10423-C2");
        }
        assert_int_equal(credit.relatiecode, out.relatiecode);
        assert_false(credit.relatie_created);
        assert_int_equal(fixture_count(f, "/_sim/verkoopboekingen", "\"factuurnummer\":\"10423-C1\""), 1);
        assert_int_equal(fixture_count(f, "/_sim/verkoopboekingen", "\"factuurnummer\":\"10423-C2\""), 1);
        assert_int_equal(fixture_count(f, "/_sim/verkoopboekingen", "\"factuurbedrag\":-22.04"), 1);
        assert_int_equal(fixture_count(f, "/_sim/verkoopboekingen", "\"factuurbedrag\":-15.9"), 1);
        assert_int_equal(fixture_count(f, "/_sim/relaties", "jan@devries.nl"), 1);
        order_destroy(&full);
        order_destroy(&part);
        match_destroy(&m);
        fixture_stop(&f);
    }
}

/* a_credit_note_of_an_order_snelstart_lacks_is_a_dead_letter - it says to
 * book the order first */
static void
a_credit_note_of_an_order_snelstart_lacks_is_a_dead_letter(void **state)
{
    fixture_t *f = fixture_start(NULL, NULL);
    match_t *m = fixture_is_new("email:inkoop@brouwerij-hoppe.be");
    order_t *c = credit_of(f, 1, 1, "10425");
    book_outcome_t out;

    book_order(f->admin, f->ledger, c, m, &out);
    assert_int_equal(out.result, BOOK_DEAD);
    assert_string_equal(out.reason, "creditnota 10425-C1 is niet geboekt: factuur 10425 van "
                        "order 10425, waar hij bij hoort, staat niet in SnelStart (de order is "
                        "daar nooit geboekt, of de boeking is verwijderd). Boek eerst order "
                        "10425 (koppelctl dlq replay voorbeeld:10425) en speel daarna de "
                        "creditnota opnieuw af (koppelctl dlq replay voorbeeld:10425-C1), of "
                        "verwijder hem met koppelctl dlq drop als er niets te crediteren is");
    assert_int_equal(fixture_count(f, "/_sim/verkoopboekingen", "\"factuurnummer\""), 0);
    assert_int_equal(fixture_count(f, "/_sim/relaties", "brouwerij-hoppe"), 0);
    order_destroy(&c);
    match_destroy(&m);
    fixture_stop(&f);
}

static void
alleen_toevoegen_never_changes_an_existing_relatie(void **state)
{
    fixture_t *f = fixture_start(NULL, NULL);
    int32_t code;
    match_t *m = existing(f, "Bakkerij De Vries", "Oude Gracht 9", &code);
    book_outcome_t out;

    book_order(f->admin, f->ledger, fixture_order(f, 0), m, &out);
    assert_int_equal(out.result, BOOK_BOOKED);
    assert_false(out.relatie_updated);
    assert_int_equal(fixture_count(f, "/_sim/relaties", "Oude Gracht 9"), 1);
    assert_int_equal(puts_made(f), 0);
    match_destroy(&m);
    fixture_stop(&f);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_new_customer_gets_one_relatie_and_the_order_one_booking),
        cmocka_unit_test(an_unreadable_ledger_is_later_never_a_second_post),
        cmocka_unit_test(an_unreadable_relatie_list_is_later_never_a_second_relatie),
        cmocka_unit_test(two_orders_of_one_new_customer_make_one_relatie),
        cmocka_unit_test(a_lost_answer_is_checked_with_snelstart_and_not_posted_twice),
        cmocka_unit_test(a_posting_left_by_a_crash_is_found_in_snelstart),
        cmocka_unit_test(a_recognition_error_is_a_dead_letter_with_its_reason),
        cmocka_unit_test(an_unmapped_grootboek_is_a_dead_letter_naming_the_setting),
        cmocka_unit_test(handmatig_books_unknown_customers_on_the_default_klantcode),
        cmocka_unit_test(wrong_keys_stop_the_profile_without_a_dead_letter),
        cmocka_unit_test(the_configured_grootboeken_are_checked_against_snelstart),
        cmocka_unit_test(a_check_the_limits_hold_back_says_when_to_try_again_and_is_no_verdict),
        cmocka_unit_test(toevoegen_en_bijwerken_updates_what_differs_and_nothing_else),
        cmocka_unit_test(alleen_toevoegen_never_changes_an_existing_relatie),
        cmocka_unit_test(a_refused_order_creates_no_relatie),
        cmocka_unit_test(markering_reaches_snelstart_only_when_the_profile_asks),
        cmocka_unit_test(an_oss_order_is_booked_as_snelstart_checks_it),
        cmocka_unit_test(a_credit_note_is_accepted_once_by_snelstart),
        cmocka_unit_test(a_credit_note_is_booked_once_on_the_relatie_of_its_order),
        cmocka_unit_test(a_credit_note_of_an_order_snelstart_lacks_is_a_dead_letter),
        cmocka_unit_test(an_update_that_meets_a_429_is_tried_again_with_the_order),
        cmocka_unit_test(a_refused_update_is_noted_and_the_order_booked),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
