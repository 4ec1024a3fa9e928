/*
 * test_webhook - a webhook delivery's signature, and what a delivered order
 * does to the store: repeats and overtaken older states change nothing
 *
 * The signatures are known vectors: RFC 4231's test case 2, and the
 * reference's example order 727 under "wc-geheim" as openssl computes it
 * (openssl dgst -sha256 -hmac wc-geheim -binary order-727.json | base64).
 * Deliveries are order 727 edited with jansson (id, status, modification
 * time), stored into a fresh fetcher.db.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <sqlite3.h>

#include "hookorder.h"
#include "hooksig.h"
#include "hookstore.h"
#include "store.h"
#include "tmp_store.h"
#include "textfile.h"

#define ORDER_727 "tests/sim/woocommerce/examples/order-727.json"

static void
signatures_match_known_vectors(void **state)
{
    static const char rfc4231[] = "what do ya want for nothing?";
    static const char rfc4231_sig[] = "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=";
    static const char order_sig[] = "7bqsikjIOaPpp8s3zceLXtlgc75Y+DwzYcnENGYLzu0=";
    char   *body = textfile_read(ORDER_727, 1 << 20);
    char   *made;
    size_t  n;

    assert_non_null(body);
    n = strlen(body);
    assert_true(hooksig_ok("Jefe", rfc4231, strlen(rfc4231), rfc4231_sig));
    assert_true(hooksig_ok("wc-geheim", body, n, order_sig));
    made = hooksig_make("wc-geheim", body, n);
    assert_string_equal(made, order_sig);
    free(made);
    /* another secret, another body, a damaged or missing signature */
    assert_false(hooksig_ok("wc-geheim2", body, n, order_sig));
    assert_false(hooksig_ok("wc-geheim", body, n - 1, order_sig));
    assert_false(hooksig_ok("wc-geheim", body, n, "7bqsikjIOaPpp8s3zceLXtlgc75Y+DwzYcnENGYLzv0="));
    assert_false(hooksig_ok("wc-geheim", body, n, "7bqsikjIOaPpp8s3zceLXtlgc75Y+DwzYcnENGYL"));
    assert_false(hooksig_ok("wc-geheim", body, n, " 7bqsikjIOaPpp8s3zceLXtlgc75Y+DwzYcnENGYLzu0="));
    assert_false(hooksig_ok("wc-geheim", body, n, ""));
    assert_false(hooksig_ok("wc-geheim", body, n, NULL));
    assert_false(hooksig_ok("", body, n, order_sig));   /* no secret: nothing passes */
    free(body);
}

/* open_store - a store with the webhook tables */
static store_t *
open_store(void)
{
    store_t *s = tmp_store_open("webhook");
    char    err[512];

    if (!hookstore_init(s, err, sizeof err))
        fail_msg("%s", err);
    return s;
}

/* delivery - order 727 as order id with that status and date_modified_gmt */
static char *
delivery(int64_t id, const char *status, const char *modified)
{
    json_error_t e;
    json_t *o = json_load_file(ORDER_727, 0, &e);
    char   *text;

    assert_non_null(o);
    json_object_set_new(o, "id", json_integer(id));
    json_object_set_new(o, "status", json_string(status));
    json_object_set_new(o, "date_modified_gmt", json_string(modified));
    text = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    return text;
}

/* take - deliver one order state with a delivery id */
static hookorder_t
take(store_t *s, const profile_t *p, const char *id, int64_t number, const char *status,
     const char *modified)
{
    char   *body = delivery(number, status, modified), why[512];
    int64_t n;
    hookorder_t r = hookorder_take(p, s, NULL, id, body, strlen(body), &n, why, sizeof why);

    assert_int_equal(n, number);
    free(body);
    return r;
}

/* state_of - an order's state in the store, "" when it is not stored */
static const char *
state_of(store_t *s, int64_t number)
{
    static char buf[16];
    sqlite3_stmt *st;

    *buf = 0;
    assert_int_equal(sqlite3_prepare_v2(store_sqlite(s), "SELECT state FROM orders WHERE "
                                        "profile = 'woo' AND number = ?", -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_int64(st, 1, number);
    if (sqlite3_step(st) == SQLITE_ROW)
        snprintf(buf, sizeof buf, "%s", (const char *) sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return buf;
}

static void
a_repeated_delivery_is_taken_once(void **state)
{
    store_t *s = open_store();
    profile_t p = { .name = "woo", .from_order = 1 };

    assert_int_equal(take(s, &p, "d1", 727, "processing", "2026-12-01T10:00:00"),
                     HOOKORDER_TAKEN);
    assert_string_equal(state_of(s, 727), "pending");
    assert_int_equal(take(s, &p, "d1", 727, "processing", "2026-12-01T10:00:00"),
                     HOOKORDER_REPEAT);
    /* the same state under a new delivery id, or none: stored already */
    assert_int_equal(take(s, &p, "d2", 727, "completed", "2026-12-01T10:00:00"),
                     HOOKORDER_TAKEN);
    assert_int_equal(take(s, &p, "", 727, "processing", "2026-12-01T10:00:00"),
                     HOOKORDER_TAKEN);
    assert_string_equal(state_of(s, 727), "pending");
    assert_int_equal(hookstore_seen(s, "woo", "d1"), DB_FOUND);
    hookstore_purge(s, db_now() + 1);
    assert_int_equal(hookstore_seen(s, "woo", "d1"), DB_ABSENT);
    tmp_store_close(&s);
}

static void
an_older_state_never_overwrites_a_newer_one(void **state)
{
    store_t *s = open_store();
    profile_t p = { .name = "woo", .from_order = 1 };

    assert_true(hookstore_is_older(99, 100));
    assert_false(hookstore_is_older(100, 100));
    /* put on hold at 11:00; the "processing" of 10:00 arrives after it */
    assert_int_equal(take(s, &p, "a1", 801, "on-hold", "2026-12-01T11:00:00"),
                     HOOKORDER_TAKEN);
    assert_string_equal(state_of(s, 801), "");      /* incomplete: a run leaves it too */
    assert_int_equal(take(s, &p, "a2", 801, "processing", "2026-12-01T10:00:00"),
                     HOOKORDER_OVERTAKEN);
    assert_string_equal(state_of(s, 801), "");
    assert_int_equal(hookstore_seen(s, "woo", "a2"), DB_ABSENT);  /* nothing written */
    /* paid at 12:00: newer, stored */
    assert_int_equal(take(s, &p, "a3", 801, "processing", "2026-12-01T12:00:00"),
                     HOOKORDER_TAKEN);
    assert_string_equal(state_of(s, 801), "pending");
    /* cancelled, then a delayed earlier "processing": skipped stays */
    assert_int_equal(take(s, &p, "b1", 802, "cancelled", "2026-12-01T11:00:00"),
                     HOOKORDER_TAKEN);
    assert_string_equal(state_of(s, 802), "skipped");
    assert_int_equal(take(s, &p, "b2", 802, "processing", "2026-12-01T10:59:59"),
                     HOOKORDER_OVERTAKEN);
    assert_string_equal(state_of(s, 802), "skipped");
    tmp_store_close(&s);
}

static void
what_a_run_leaves_out_a_delivery_leaves_out(void **state)
{
    store_t *s = open_store();
    profile_t p = { .name = "woo", .from_order = 900 };
    char    why[512];
    int64_t n;
    const char *two = "[{\"id\": 1}, {\"id\": 2}]";

    assert_int_equal(take(s, &p, "c1", 899, "processing", "2026-12-01T10:00:00"),
                     HOOKORDER_TAKEN);
    assert_string_equal(state_of(s, 899), "");      /* below from_order */
    assert_int_equal(hookorder_take(&p, s, NULL, "c2", "webhook_id=1", 12, &n, why,
                                    sizeof why), HOOKORDER_BAD);
    assert_int_equal(hookorder_take(&p, s, NULL, "c3", two, strlen(two), &n, why, sizeof why),
                     HOOKORDER_BAD);
    assert_non_null(strstr(why, "not one order object"));
    tmp_store_close(&s);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(signatures_match_known_vectors),
        cmocka_unit_test(a_repeated_delivery_is_taken_once),
        cmocka_unit_test(an_older_state_never_overwrites_a_newer_one),
        cmocka_unit_test(what_a_run_leaves_out_a_delivery_leaves_out),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
