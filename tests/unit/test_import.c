/*
 * NAME
 *   test_import - an import run against the shop simulators and a real store
 *
 * DESCRIPTION
 *   Each test starts build/bin/globecharge-sim or build/bin/woocommerce-sim
 *   (tests/support/sim_proc) with the contract's example orders, opens a
 *   fetcher.db and an infolog.db in a scratch directory and drives
 *   fetcher/import.c through its source (source.h) as the fetcher does:
 *   import_step until the run is done or failed. The tests assert what is
 *   stored (orders and their state, the cursor or watermark), what the run
 *   says, and what the shop saw. The source tests at the end are what
 *   "koppelctl test-connection" relies on.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <jansson.h>
#include <msgpack.h>
#include <sqlite3.h>

#include "import.h"
#include "infolog.h"
#include "sim_proc.h"
#include "source.h"
#include "store.h"

#define GC_USER     "shop@example.nl"
#define GC_PASSWORD "geheim&=%+wachtwoord"
#define WC_KEY      "ck_4f2a9c0d1e"
#define WC_SECRET   "cs_geheim&=%+sleutel"
#define MAX_STEPS   50

typedef struct {
    sim_proc_t sim;
    profile_t  p;
    char       dir[64];          /* the state directory: fetcher.db, infolog.db */
    store_t   *store;
    infolog_t *infolog;
    source_t  *source;
} fixture_t;

/* cursor_of - the stored cursor, or dflt when none is stored; a read error fails the test */
static int64_t
cursor_of(store_t *store, const char *profile, int64_t dflt)
{
    char    err[512];
    int64_t next = dflt;

    if (store_cursor(store, profile, &next, err, sizeof err) == DB_ERROR)
        fail_msg("%s", err);
    return next;
}

/* watermark_of - the stored watermark ("" when none); a read error fails the test */
static void
watermark_of(store_t *store, const char *profile, char *buf, size_t len)
{
    char    err[512];

    if (store_watermark(store, profile, buf, len, err, sizeof err) == DB_ERROR)
        fail_msg("%s", err);
}

/* start_sim - a simulator with the example orders and extra flags (NULL-terminated) */
static void
start_sim(fixture_t *f, const char *shop_type, ...)
{
    const char *argv[32];
    char    examples[PATH_MAX];
    int     argc = 0;
    bool    gc = strcmp(shop_type, "globecharge") == 0;
    va_list ap;

    snprintf(examples, sizeof examples, "%s/tests/sim/%s/examples", sim_proc_root(), shop_type);
    argv[argc++] = gc ? "--user" : "--key";
    argv[argc++] = gc ? GC_USER : WC_KEY;
    argv[argc++] = gc ? "--password" : "--secret";
    argv[argc++] = gc ? GC_PASSWORD : WC_SECRET;
    argv[argc++] = "--orders";
    argv[argc++] = examples;
    argv[argc++] = "--log-level";
    argv[argc++] = "error";
    va_start(ap, shop_type);
    while (argc < 31 && (argv[argc] = va_arg(ap, const char *)) != NULL)
        argc++;
    va_end(ap);
    argv[argc] = NULL;
    memset(&f->sim, 0, sizeof f->sim);
    if (!sim_proc_startv(&f->sim, gc ? "globecharge-sim" : "woocommerce-sim", "/_sim/stats",
                         argv))
        fail_msg("cannot start the %s simulator (log in %s)", shop_type, f->sim.dir);
}

/* setup - a profile of shop_type against the running simulator, a store and a source */
static void
open_run(fixture_t *f, const char *shop_type, const char *password, int64_t from_order)
{
    char    err[1024], path[128];
    bool    gc = strcmp(shop_type, "globecharge") == 0;

    f->p.name = (char *) "winkel";
    f->p.shop_type = (char *) shop_type;
    f->p.shop_url = f->sim.url;
    f->p.shop_username = (char *) (gc ? GC_USER : WC_KEY);
    f->p.shop_password = (char *) password;
    f->p.from_order = from_order;
    f->p.page_size = 2;
    f->p.late_window = 0;
    f->p.shop_tls_verify = false;
    snprintf(f->dir, sizeof f->dir, "/tmp/koppel-test-import-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(path, sizeof path, "%s/fetcher.db", f->dir);
    if ((f->store = store_open(path, err, sizeof err)) == NULL)
        fail_msg("%s", err);
    if ((f->infolog = infolog_open(f->dir, err, sizeof err)) == NULL)
        fail_msg("%s", err);
    assert_non_null(f->source = source_new(&f->p));
    source_set_retry(f->source, 3, 50, 5000);
}

/* teardown - close everything, stop the simulator, remove the scratch files */
static void
close_run(fixture_t *f)
{
    char    cmd[128];

    source_destroy(&f->source);
    assert_null(f->source);
    store_close(&f->store);
    infolog_close(&f->infolog);
    sim_proc_cleanup(&f->sim);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    assert_int_equal(system(cmd), 0);
}

/* run - import_step until the run ends or max steps; the last state */
static import_state_t
run(fixture_t *f, int max, char *summary, size_t len, bool *auth_failed)
{
    import_t *imp = import_new(&f->p, f->source, f->store, f->infolog, 7);
    import_state_t st = IMPORT_MORE;
    int     i;

    for (i = 0; i < max && st == IMPORT_MORE; i++)
        st = import_step(imp);
    snprintf(summary, len, "%s", import_summary(imp));
    *auth_failed = import_auth_failed(imp);
    import_destroy(&imp);
    assert_null(imp);
    return st;
}

/* fetcher_db - a second connection to the fixture's fetcher.db, for looking */
static sqlite3 *
fetcher_db(fixture_t *f)
{
    char    path[128];
    sqlite3 *db;

    snprintf(path, sizeof path, "%s/fetcher.db", f->dir);
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    return db;
}

/* state_of - an order's state and reason in fetcher.db; "" when not stored */
static const char *
state_of(fixture_t *f, int64_t number, char *reason, size_t len)
{
    static char state[32];
    sqlite3 *db = fetcher_db(f);
    sqlite3_stmt *st;

    assert_int_equal(sqlite3_prepare_v2(db, "SELECT state, reason FROM orders"
                                        " WHERE profile = 'winkel' AND number = ?", -1, &st,
                                        NULL), SQLITE_OK);
    sqlite3_bind_int64(st, 1, number);
    *state = 0;
    if (reason)
        *reason = 0;
    if (sqlite3_step(st) == SQLITE_ROW) {
        snprintf(state, sizeof state, "%s", (const char *) sqlite3_column_text(st, 0));
        if (reason)
            snprintf(reason, len, "%s", (const char *) sqlite3_column_text(st, 1));
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return state;
}

/* orders_stored - how many orders of the profile fetcher.db holds */
static int
orders_stored(fixture_t *f)
{
    sqlite3 *db = fetcher_db(f);
    sqlite3_stmt *st;
    int     n;

    assert_int_equal(sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM orders",
                                        -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

/* shop_requests - what the simulator counted for an endpoint ("orders", "order") and status */
static long
shop_requests(fixture_t *f, const char *endpoint, const char *status)
{
    char   *body = NULL;
    json_t *doc, *v;
    long    n;

    assert_int_equal(sim_proc_get(&f->sim, "/_sim/stats", &body), 200);
    assert_non_null(doc = json_loads(body, 0, NULL));
    /* globecharge-sim counts under "requests", woocommerce-sim under "endpoints" */
    if (!json_is_object(v = json_object_get(doc, "requests")))
        v = json_object_get(doc, "endpoints");
    v = json_object_get(json_object_get(v, endpoint), status);
    n = json_is_integer(v) ? (long) json_integer_value(v) : 0;
    json_decref(doc);
    free(body);
    return n;
}

/* sim_send - method to the simulator's path with body, answered 200 */
static void
sim_send(fixture_t *f, const char *method, const char *path, const char *body)
{
    CURL   *curl = curl_easy_init();
    char    url[256];
    long    code = 0;
    FILE   *null = fopen("/dev/null", "w");

    snprintf(url, sizeof url, "%s%s", f->sim.url, path);
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, null);
    assert_int_equal(curl_easy_perform(curl), CURLE_OK);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
    assert_int_equal(code, 200);
    curl_easy_cleanup(curl);
    fclose(null);
}

/* put_raw - PUT /_sim/orders?raw=1: an order document the shop serves as it is */
static void
put_raw(fixture_t *f, int64_t number, const char *status, const char *doc)
{
    char    path[128];

    snprintf(path, sizeof path, "/_sim/orders?raw=1&number=%lld&status=%s",
             (long long) number, status);
    sim_send(f, "PUT", path, doc);
}

/* refunded_whole - the shop refunds order number as a whole: status
 * refunded, modified at date */
static void
refunded_whole(fixture_t *f, int64_t number, const char *date)
{
    CURL   *curl = curl_easy_init();
    char    url[256], *doc = NULL, *text;
    size_t  len = 0;
    FILE   *mem = open_memstream(&doc, &len);
    json_t *o;

    snprintf(url, sizeof url, "%s/wp-json/wc/v3/orders/%lld", f->sim.url, (long long) number);
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_USERNAME, WC_KEY);
    curl_easy_setopt(curl, CURLOPT_PASSWORD, WC_SECRET);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, mem);
    assert_int_equal(curl_easy_perform(curl), CURLE_OK);
    curl_easy_cleanup(curl);
    fclose(mem);
    assert_non_null(o = json_loads(doc, 0, NULL));
    json_object_set_new(o, "status", json_string("refunded"));
    json_object_set_new(o, "date_modified_gmt", json_string(date));
    text = json_dumps(o, 0);
    sim_send(f, "PUT", "/_sim/orders", text);
    free(text);
    json_decref(o);
    free(doc);
}

/* assert_credits_one - credit note seq of order number, as fetcher.db holds
 * it, credits one of the order's first line, and the shipping or not */
static void
assert_credits_one(fixture_t *f, int64_t number, int seq, bool shipping)
{
    char    path[128], err[256];
    sqlite3 *db;
    sqlite3_stmt *st;
    msgpack_unpacked up;
    order_t *o;

    snprintf(path, sizeof path, "%s/fetcher.db", f->dir);
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT payload FROM orders WHERE number = ?"
                                        " AND credit = ?", -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_int64(st, 1, number);
    sqlite3_bind_int(st, 2, seq);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    msgpack_unpacked_init(&up);
    assert_int_equal(msgpack_unpack_next(&up, sqlite3_column_blob(st, 0),
                                         (size_t) sqlite3_column_bytes(st, 0), NULL),
                     MSGPACK_UNPACK_SUCCESS);
    o = order_unpack(&up.data, err, sizeof err);
    assert_non_null(o);
    msgpack_unpacked_destroy(&up);
    sqlite3_finalize(st);
    sqlite3_close(db);
    assert_false(o->credit.full);
    assert_int_equal(o->credit.shipping, shipping);
    assert_int_equal(o->credit.nlines, 1);
    assert_int_equal(o->credit.lines[0].line, 0);
    assert_int_equal(o->credit.lines[0].quantity_e4, 10000);
    order_destroy(&o);
}

/* example_with - the example order 10423 renumbered, with one text replaced */
static char *
example_with(int64_t number, const char *from, const char *to)
{
    char    path[PATH_MAX], num[32], *doc, *out, *at;
    FILE   *fp;
    long    len;

    snprintf(path, sizeof path, "%s/tests/sim/globecharge/examples/order-10423.xml",
             sim_proc_root());
    assert_non_null(fp = fopen(path, "rb"));
    fseek(fp, 0, SEEK_END);
    len = ftell(fp);
    rewind(fp);
    doc = calloc(1, (size_t) len + 1);
    assert_int_equal(fread(doc, 1, (size_t) len, fp), (size_t) len);
    fclose(fp);
    out = calloc(1, (size_t) len + strlen(to) + 64);
    snprintf(num, sizeof num, "number=\"%lld\"", (long long) number);
    assert_non_null(at = strstr(doc, "number=\"10423\""));
    memcpy(out, doc, (size_t) (at - doc));
    strcat(out, num);
    strcat(out, at + strlen("number=\"10423\""));
    free(doc);
    doc = out;
    out = calloc(1, strlen(doc) + strlen(to) + 1);
    assert_non_null(at = strstr(doc, from));
    memcpy(out, doc, (size_t) (at - doc));
    strcat(out, to);
    strcat(out, at + strlen(from));
    free(doc);
    return out;
}

/* a Globecharge run stores every order of the feed and moves the cursor past them */
static void
globecharge_run_stores_the_orders_and_moves_the_cursor(void **state)
{
    fixture_t f = { 0 };
    char    summary[1200];
    bool    auth;

    (void) state;
    start_sim(&f, "globecharge", NULL);
    open_run(&f, "globecharge", GC_PASSWORD, 10423);
    assert_int_equal(cursor_of(f.store, "winkel", 10423), 10423);
    assert_int_equal(run(&f, MAX_STEPS, summary, sizeof summary, &auth), IMPORT_DONE);
    assert_false(auth);
    assert_string_equal(state_of(&f, 10423, NULL, 0), "pending");
    assert_string_equal(state_of(&f, 10425, NULL, 0), "pending");
    assert_string_equal(state_of(&f, 10431, NULL, 0), "pending");
    assert_int_equal(orders_stored(&f), 3);
    assert_int_equal(cursor_of(f.store, "winkel", 10423), 10432);
    assert_non_null(strstr(summary, "3 new orders"));
    assert_non_null(strstr(summary, "read up to order 10431"));
    /* a second run starts from the cursor and finds nothing new */
    assert_int_equal(run(&f, MAX_STEPS, summary, sizeof summary, &auth), IMPORT_DONE);
    assert_non_null(strstr(summary, "0 new orders"));
    assert_int_equal(orders_stored(&f), 3);
    close_run(&f);
}

/* mono_s - monotonic seconds */
static double
mono_s(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double) t.tv_sec + (double) t.tv_nsec / 1e9;
}

/* a shop that answers 429 with Retry-After: the page fails at once (one try per
 * call, nothing slept) and the import says to try again after Retry-After */
static void
a_transient_failure_is_a_retry_after_the_shops_wait_not_a_sleep(void **state)
{
    fixture_t f = { 0 };
    import_t *imp;
    import_state_t st = IMPORT_MORE;
    double  t0;
    int     i, retries = 0;

    (void) state;
    start_sim(&f, "globecharge", "--rate-limit-every", "2", "--retry-after", "3", NULL);
    open_run(&f, "globecharge", GC_PASSWORD, 10423);
    source_set_retry(f.source, 1, 50, 5000);
    imp = import_new(&f.p, f.source, f.store, f.infolog, 7);
    for (i = 0; i < MAX_STEPS && (st == IMPORT_MORE || st == IMPORT_RETRY); i++) {
        assert_true(import_ready(imp));
        t0 = mono_s();
        import_fetch(imp);
        assert_true(mono_s() - t0 < 1.0);
        if ((st = import_store(imp)) == IMPORT_RETRY) {
            retries++;
            assert_true(import_retry_ms(imp) >= 3000);    /* the shop's Retry-After */
        }
    }
    assert_int_equal(st, IMPORT_DONE);
    assert_true(retries > 0);
    assert_int_equal(orders_stored(&f), 3);
    import_destroy(&imp);
    close_run(&f);
}

/* a page that keeps failing ends the run after IMPORT_ATTEMPTS tries */
static void
a_page_that_keeps_failing_ends_the_run_after_its_tries(void **state)
{
    fixture_t f = { 0 };
    import_t *imp;
    import_state_t st;
    int     tries = 1;

    (void) state;
    start_sim(&f, "globecharge", "--maintenance-every", "1", "--retry-after", "0", NULL);
    open_run(&f, "globecharge", GC_PASSWORD, 10423);
    source_set_retry(f.source, 1, 50, 5000);
    imp = import_new(&f.p, f.source, f.store, f.infolog, 7);
    while ((st = import_step(imp)) == IMPORT_RETRY) {
        assert_true(import_retry_ms(imp) > 0 && import_retry_ms(imp) <= IMPORT_BACKOFF_MS);
        tries++;
    }
    assert_int_equal(st, IMPORT_FAILED);
    assert_int_equal(tries, IMPORT_ATTEMPTS);
    assert_non_null(strstr(import_summary(imp), "de shop gaf geen bruikbaar antwoord (3 "
                           "pogingen); de volgende run probeert het opnieuw (\"Globecharge "
                           "antwoordde op "));
    assert_int_equal(orders_stored(&f), 0);
    import_destroy(&imp);
    close_run(&f);
}

/* a run starts late_window numbers below the cursor: an order that completed
 * after later ones were read is still found, and the cursor does not move back */
static void
a_late_order_below_the_cursor_is_found_in_the_late_window(void **state)
{
    fixture_t f = { 0 };
    char    summary[1200];
    char   *late = example_with(10428, "<currency>EUR</currency>", "<currency>EUR</currency>");
    bool    auth;

    (void) state;
    start_sim(&f, "globecharge", NULL);
    open_run(&f, "globecharge", GC_PASSWORD, 10423);
    assert_int_equal(run(&f, MAX_STEPS, summary, sizeof summary, &auth), IMPORT_DONE);
    assert_int_equal(cursor_of(f.store, "winkel", 0), 10432);
    put_raw(&f, 10428, "paid", late);
    free(late);
    /* without a window the next run starts at the cursor and misses it */
    assert_int_equal(run(&f, MAX_STEPS, summary, sizeof summary, &auth), IMPORT_DONE);
    assert_string_equal(state_of(&f, 10428, NULL, 0), "");
    f.p.late_window = 5;
    assert_int_equal(run(&f, MAX_STEPS, summary, sizeof summary, &auth), IMPORT_DONE);
    assert_string_equal(state_of(&f, 10428, NULL, 0), "pending");
    assert_non_null(strstr(summary, "1 new orders"));
    assert_int_equal(cursor_of(f.store, "winkel", 0), 10432);
    close_run(&f);
}


/* exec_sql - a statement on the fixture's fetcher.db (the booker's outcome, say) */
static void
exec_sql(fixture_t *f, const char *sql)
{
    char    path[128];
    sqlite3 *db;

    snprintf(path, sizeof path, "%s/fetcher.db", f->dir);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

/* count_of - one number a query on fetcher.db or infolog.db (file) gives */
static int
count_of(fixture_t *f, const char *file, const char *sql)
{
    char    path[128];
    sqlite3 *db;
    sqlite3_stmt *st;
    int     n;

    snprintf(path, sizeof path, "%s/%s", f->dir, file);
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

/* a stored order the shop cancels later is credited once when it was
 * booked; one never booked (a dead letter) is only said, once */
static void
an_order_cancelled_after_it_was_read_gets_one_credit_note(void **state)
{
    fixture_t f = { 0 };
    char    summary[1200];
    char   *booked = example_with(10423, "status=\"paid\" modified=\"2026-11-02T13:35:00Z\"",
                                  "status=\"cancelled\" modified=\"2026-11-20T09:00:00Z\"");
    char   *dead = example_with(10425, "status=\"paid\" modified=\"2026-11-02T13:35:00Z\"",
                                "status=\"cancelled\" modified=\"2026-11-20T09:00:00Z\"");
    bool    auth;

    (void) state;
    start_sim(&f, "globecharge", NULL);
    open_run(&f, "globecharge", GC_PASSWORD, 10423);
    f.p.late_window = 20;
    assert_int_equal(run(&f, MAX_STEPS, summary, sizeof summary, &auth), IMPORT_DONE);
    exec_sql(&f, "UPDATE orders SET state = 'booked', factuurnummer = '10423' WHERE number = 10423;"
             "UPDATE orders SET state = 'dead', stage = 'booking' WHERE number = 10425");
    put_raw(&f, 10423, "cancelled", booked);
    put_raw(&f, 10425, "cancelled", dead);
    free(booked);
    free(dead);
    for (int again = 0; again < 2; again++) {
        assert_int_equal(run(&f, MAX_STEPS, summary, sizeof summary, &auth), IMPORT_DONE);
        assert_int_equal(count_of(&f, "fetcher.db", "SELECT COUNT(*) FROM orders WHERE"
                                  " number = 10423 AND credit = 1 AND state = 'pending'"
                                  " AND refund = 'geannuleerd'"), 1);
        assert_int_equal(count_of(&f, "fetcher.db", "SELECT COUNT(*) FROM orders WHERE"
                                  " number = 10425 AND credit = 1 AND state = 'skipped'"), 1);
        assert_int_equal(count_of(&f, "fetcher.db", "SELECT COUNT(*) FROM orders"
                                  " WHERE credit > 1"), 0);
        assert_int_equal(count_of(&f, "infolog.db", "SELECT COUNT(*) FROM rows WHERE"
                                  " kind = 'refund' AND order_number = 10423 AND text LIKE"
                                  " '%creditnota voor het hele bedrag%'"), 1);
        assert_int_equal(count_of(&f, "infolog.db", "SELECT COUNT(*) FROM rows WHERE"
                                  " kind = 'refund' AND order_number = 10425 AND text LIKE"
                                  " '%nooit geboekt%'"), 1);
    }
    close_run(&f);
}

/* a WooCommerce run pages through the changed orders and stores the watermark */
static void
woocommerce_run_stores_the_orders_and_moves_the_watermark(void **state)
{
    fixture_t f = { 0 };
    char    summary[1200], mark[32];
    bool    auth;

    (void) state;
    start_sim(&f, "woocommerce", NULL);
    open_run(&f, "woocommerce", WC_SECRET, 1);
    watermark_of(f.store, "winkel", mark, sizeof mark);
    assert_string_equal(mark, "");
    assert_int_equal(run(&f, MAX_STEPS, summary, sizeof summary, &auth), IMPORT_DONE);
    assert_false(auth);
    assert_string_equal(state_of(&f, 1001, NULL, 0), "pending");
    assert_string_not_equal(state_of(&f, 727, NULL, 0), "");
    /* the newest date_modified_gmt of the examples less five minutes */
    watermark_of(f.store, "winkel", mark, sizeof mark);
    assert_true(strcmp(mark, "2026-11-02T13:27:10") >= 0);
    assert_non_null(strstr(summary, "orders changed since the start"));
    /* the cursor by number is Globecharge's: a WooCommerce run leaves it alone */
    assert_int_equal(cursor_of(f.store, "winkel", -1), -1);
    /* orders below from_order are not imported */
    close_run(&f);
    start_sim(&f, "woocommerce", NULL);
    open_run(&f, "woocommerce", WC_SECRET, 1000);
    assert_int_equal(run(&f, MAX_STEPS, summary, sizeof summary, &auth), IMPORT_DONE);
    assert_string_equal(state_of(&f, 727, NULL, 0), "");
    assert_string_equal(state_of(&f, 1001, NULL, 0), "pending");
    close_run(&f);
}

/* a booked WooCommerce order refunded in part gets one credit note per
 * refund, of the refunded lines and shipping, however often it is read;
 * refunded in full at last, one of what is left; a refund koppel cannot
 * split honestly is a dead letter saying so */
static void
each_partial_refund_of_a_booked_order_is_one_credit_note(void **state)
{
    fixture_t f = { 0 };
    char    summary[1200];
    bool    auth;

    (void) state;
    start_sim(&f, "woocommerce", NULL);
    open_run(&f, "woocommerce", WC_SECRET, 1);
    assert_int_equal(run(&f, MAX_STEPS, summary, sizeof summary, &auth), IMPORT_DONE);
    /* 1001's refund is an amount only, of an order with a coupon */
    assert_int_equal(count_of(&f, "fetcher.db", "SELECT COUNT(*) FROM orders WHERE"
                              " number = 1001 AND credit = 1 AND state = 'dead' AND refund ="
                              " 'refund 1010' AND reason LIKE '%kortingsbon%dlq drop'"), 1);
    exec_sql(&f, "UPDATE orders SET state = 'booked', factuurnummer = '727' WHERE number = 727");
    sim_send(&f, "POST", "/_sim/orders/727/refunds", "{\"line_items\": [{\"id\": 315,"
             " \"quantity\": 1}], \"shipping\": true, \"date_modified_gmt\": "
             "\"2026-11-20T09:00:00\"}");
    for (int again = 0; again < 2; again++) {
        assert_int_equal(run(&f, MAX_STEPS, summary, sizeof summary, &auth), IMPORT_DONE);
        assert_int_equal(count_of(&f, "fetcher.db", "SELECT COUNT(*) FROM orders WHERE"
                                  " number = 727 AND credit > 0"), 1);
    }
    sim_send(&f, "POST", "/_sim/orders/727/refunds", "{\"line_items\": [{\"id\": 316,"
             " \"quantity\": 1}], \"date_modified_gmt\": \"2026-11-21T09:00:00\"}");
    assert_int_equal(run(&f, MAX_STEPS, summary, sizeof summary, &auth), IMPORT_DONE);
    assert_int_equal(count_of(&f, "fetcher.db", "SELECT COUNT(*) FROM orders WHERE"
                              " number = 727 AND credit = 1 AND refund = 'refund 72751'"
                              " AND state = 'pending'"), 1);
    assert_int_equal(count_of(&f, "fetcher.db", "SELECT COUNT(*) FROM orders WHERE"
                              " number = 727 AND credit = 2 AND refund = 'refund 72752'"
                              " AND state = 'pending'"), 1);
    assert_int_equal(count_of(&f, "infolog.db", "SELECT COUNT(*) FROM rows WHERE"
                              " kind = 'refund' AND order_number = 727 AND text LIKE"
                              " '%deels terugbetaald%'"), 2);
    assert_credits_one(&f, 727, 1, true);
    /* refunded in full at last: only what the two left, the other 315 */
    refunded_whole(&f, 727, "2026-11-22T09:00:00");
    for (int again = 0; again < 2; again++)
        assert_int_equal(run(&f, MAX_STEPS, summary, sizeof summary, &auth), IMPORT_DONE);
    assert_int_equal(count_of(&f, "fetcher.db", "SELECT COUNT(*) FROM orders WHERE"
                              " number = 727 AND credit > 0"), 3);
    assert_credits_one(&f, 727, 3, false);
    close_run(&f);
}

/* refused credentials end the run at once as an auth failure; nothing moves */
static void
a_refused_login_stops_the_run_with_the_auth_result(void **state)
{
    fixture_t f = { 0 };
    char    summary[1200], mark[32];
    bool    auth;

    (void) state;
    start_sim(&f, "globecharge", NULL);
    open_run(&f, "globecharge", "Wachtwoord-Fout-77", 10423);
    assert_int_equal(run(&f, MAX_STEPS, summary, sizeof summary, &auth), IMPORT_FAILED);
    assert_true(auth);
    assert_null(strstr(summary, "Wachtwoord-Fout-77"));
    /* in Dutch: whose login, where to correct it, that the profile waits */
    assert_non_null(strstr(summary, "Globecharge weigert gebruikersnaam " GC_USER ": verkeerde "
                           "gebruikersnaam of wachtwoord; controleer de gebruikersnaam en het "
                           "wachtwoord bij Instellingen > Koppeling shop"));
    assert_non_null(strstr(summary, "; het profiel staat stil tot de instellingen veranderen"));
    assert_int_equal(orders_stored(&f), 0);
    assert_int_equal(cursor_of(f.store, "winkel", -1), -1);
    close_run(&f);

    start_sim(&f, "woocommerce", NULL);
    open_run(&f, "woocommerce", "cs_verkeerd", 1);
    assert_int_equal(run(&f, MAX_STEPS, summary, sizeof summary, &auth), IMPORT_FAILED);
    assert_true(auth);
    assert_null(strstr(summary, "cs_verkeerd"));
    assert_non_null(strstr(summary, "WooCommerce weigert de REST API-sleutel"));
    assert_non_null(strstr(summary, "; het profiel staat stil tot de instellingen veranderen"));
    assert_int_equal(orders_stored(&f), 0);
    watermark_of(f.store, "winkel", mark, sizeof mark);
    assert_string_equal(mark, "");
    close_run(&f);
}

/* orders.cgi unreadable as a whole: the run reads order by order, stores the
 * good ones and makes the bad one dead with the field that is wrong */
static void
an_unreadable_page_is_read_order_by_order(void **state)
{
    fixture_t f = { 0 };
    char    summary[1200], reason[1200];
    char   *bad = example_with(10424, "<currency>EUR</currency>", "<currency>EURO</currency>");
    bool    auth;
    json_t *rows;
    infolog_filter_t filter = { "winkel", false, 0 };
    char    err[1024];
    size_t  i;
    bool    in_log = false;

    (void) state;
    /* every orders.cgi answer is 4096 bytes that are not XML */
    start_sim(&f, "globecharge", "--garbage-every", "1", NULL);
    put_raw(&f, 10424, "paid", bad);
    free(bad);
    open_run(&f, "globecharge", GC_PASSWORD, 10423);
    /* 10423, 10424, 10425 and 10431 (stepping over 10426..10430) one by one */
    assert_int_equal(run(&f, 4, summary, sizeof summary, &auth), IMPORT_MORE);
    assert_false(auth);
    assert_string_equal(state_of(&f, 10423, NULL, 0), "pending");
    assert_string_equal(state_of(&f, 10424, reason, sizeof reason), "dead");
    assert_non_null(strstr(reason, "10424"));
    assert_non_null(strstr(reason, "currency"));
    assert_string_equal(state_of(&f, 10425, NULL, 0), "pending");
    assert_string_equal(state_of(&f, 10431, NULL, 0), "pending");
    assert_int_equal(orders_stored(&f), 4);
    assert_int_equal(cursor_of(f.store, "winkel", 10423), 10432);
    assert_true(shop_requests(&f, "orders", "garbage") >= 4);
    assert_true(shop_requests(&f, "order", "200") >= 4);
    /* the bookkeeper sees the same reason in the information log */
    assert_non_null(rows = infolog_query(f.infolog, &filter, err, sizeof err));
    for (i = 0; i < json_array_size(rows); i++)
        if (json_integer_value(json_object_get(json_array_get(rows, i), "order")) == 10424
            && strstr(json_string_value(json_object_get(json_array_get(rows, i), "text")),
                      "currency"))
            in_log = true;
    json_decref(rows);
    assert_true(in_log);
    close_run(&f);
}

/* the connection check logs in on the profile's own platform (it used to try
 * a Globecharge login on every shop, and a WooCommerce shop answered 404) */
static void
the_connection_check_speaks_the_profiles_platform(void **state)
{
    fixture_t f = { 0 };
    char    msg[1024];

    (void) state;
    start_sim(&f, "woocommerce", NULL);
    open_run(&f, "woocommerce", WC_SECRET, 1);
    assert_int_equal(source_check(f.source, msg, sizeof msg), SRC_OK);
    assert_non_null(strstr(msg, f.sim.url));
    assert_null(strstr(msg, WC_SECRET));
    assert_null(strstr(msg, WC_KEY));
    assert_true(shop_requests(&f, "orders", "200") >= 1);
    source_destroy(&f.source);
    f.p.shop_password = (char *) "cs_verkeerd";
    assert_non_null(f.source = source_new(&f.p));
    source_set_retry(f.source, 1, 50, 5000);
    assert_int_equal(source_check(f.source, msg, sizeof msg), SRC_AUTH);
    assert_null(strstr(msg, "cs_verkeerd"));
    close_run(&f);

    start_sim(&f, "globecharge", NULL);
    open_run(&f, "globecharge", GC_PASSWORD, 1);
    assert_int_equal(source_check(f.source, msg, sizeof msg), SRC_OK);
    assert_non_null(strstr(msg, "ingelogd op"));
    assert_null(strstr(msg, GC_PASSWORD));
    close_run(&f);
}

/* a type without a platform has no source */
static void
an_unknown_shop_type_has_no_source(void **state)
{
    profile_t p = { 0 };
    char    err[256];

    (void) state;
    p.shop_type = (char *) "magento";
    assert_false(source_known("magento"));
    assert_true(source_known("globecharge"));
    assert_true(source_known("woocommerce"));
    assert_null(source_new(&p));
    assert_null(source_parse("magento", "{}", 2, "orders", err, sizeof err));
    assert_string_equal(err, "\"magento\" is geen soort shop die koppel kent "
                        "(globecharge, woocommerce)");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(globecharge_run_stores_the_orders_and_moves_the_cursor),
        cmocka_unit_test(a_transient_failure_is_a_retry_after_the_shops_wait_not_a_sleep),
        cmocka_unit_test(a_page_that_keeps_failing_ends_the_run_after_its_tries),
        cmocka_unit_test(a_late_order_below_the_cursor_is_found_in_the_late_window),
        cmocka_unit_test(an_order_cancelled_after_it_was_read_gets_one_credit_note),
        cmocka_unit_test(woocommerce_run_stores_the_orders_and_moves_the_watermark),
        cmocka_unit_test(each_partial_refund_of_a_booked_order_is_one_credit_note),
        cmocka_unit_test(a_refused_login_stops_the_run_with_the_auth_result),
        cmocka_unit_test(an_unreadable_page_is_read_order_by_order),
        cmocka_unit_test(the_connection_check_speaks_the_profiles_platform),
        cmocka_unit_test(an_unknown_shop_type_has_no_source),
    };

    curl_global_init(CURL_GLOBAL_DEFAULT);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
