/*
 * test_store - the fetcher's order store: durable orders, a cursor that only
 * moves forward, resends with backoff, outcomes, the dead-letter queue
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

#include <sqlite3.h>

#include "db.h"
#include "store.h"
#include "tmp_store.h"

static void
add_order_of(store_t *s, const char *profile, int64_t number)
{
    order_t *o = order_new();
    char    err[256];

    order_set(&o->profile, profile);
    o->number = number;
    assert_true(store_begin(s, err, sizeof err));
    store_add_pending(s, o);
    assert_true(store_commit(s, err, sizeof err));
    order_destroy(&o);
}

static void
add_order(store_t *s, int64_t number)
{
    add_order_of(s, "winkel", number);
}

/* count_sent - store_send_due callback counting what it is given */
static int sent_count;
static bool refuse_after;
static char tokens[16][64];         /* the token each order was sent with last, by number % 16 */
#define token_of(number) tokens[(number) % 16]
static store_sent_t
count_sent(void *arg, const char *profile, const order_t *o, int64_t attempt,
           const char *token, char *why, size_t whylen)
{
    int64_t *last_attempt = arg;

    if (refuse_after && sent_count >= 1)
        return STORE_QUEUE_FULL;
    if (o->number == 13) {                  /* too large to send, say */
        snprintf(why, whylen, "order 13 is too large to pass between koppel's daemons");
        return STORE_UNSENDABLE;
    }
    sent_count++;
    *last_attempt = attempt;
    assert_int_equal(strlen(token), 32);
    snprintf(token_of(o->number), sizeof tokens[0], "%s", token);
    assert_string_equal(profile, "winkel");
    assert_string_equal(o->profile, "winkel");
    return STORE_SENT;
}

/* cursor_of - the stored cursor, dflt when none is stored; fails the test on an error */
static int64_t
cursor_of(store_t *s, int64_t dflt)
{
    char    err[512];
    int64_t next = dflt;

    if (store_cursor(s, "winkel", &next, err, sizeof err) == DB_ERROR)
        fail_msg("%s", err);
    return next;
}

static void
the_cursor_never_moves_back(void **state)
{
    store_t *s = tmp_store_open("store");
    char    err[256];

    assert_int_equal(cursor_of(s, 10423), 10423);
    assert_true(store_begin(s, err, sizeof err));
    store_set_cursor(s, "winkel", 10500, 10499);
    store_set_cursor(s, "winkel", 10450, 10499);
    assert_true(store_commit(s, err, sizeof err));
    assert_int_equal(cursor_of(s, 10423), 10500);
    tmp_store_close(&s);
}

static void
a_lowered_from_order_moves_the_cursor_back_never_forward(void **state)
{
    store_t *s = tmp_store_open("store");
    char    err[256];

    assert_true(store_rewind_cursor(s, "winkel", 10000, err, sizeof err));
    assert_int_equal(cursor_of(s, 10423), 10423);        /* none stored: nothing to move */
    assert_true(store_begin(s, err, sizeof err));
    store_set_cursor(s, "winkel", 10500, 10499);
    assert_true(store_commit(s, err, sizeof err));
    assert_true(store_rewind_cursor(s, "winkel", 10100, err, sizeof err));
    assert_int_equal(cursor_of(s, 10423), 10100);
    assert_true(store_rewind_cursor(s, "winkel", 10200, err, sizeof err));
    assert_int_equal(cursor_of(s, 10423), 10100);        /* back only */
    tmp_store_close(&s);
}

static void
a_rolled_back_page_leaves_neither_orders_nor_cursor(void **state)
{
    store_t *s = tmp_store_open("store");
    char    err[256];
    order_t *o = order_new();

    order_set(&o->profile, "winkel");
    o->number = 7;
    assert_true(store_begin(s, err, sizeof err));
    store_add_pending(s, o);
    store_set_cursor(s, "winkel", 8, 8);
    store_rollback(s);
    assert_int_equal(store_known(s, "winkel", 7), DB_ABSENT);
    assert_int_equal(cursor_of(s, 1), 1);
    order_destroy(&o);
    tmp_store_close(&s);
}

static void
a_pending_order_is_sent_again_with_backoff_until_an_outcome(void **state)
{
    store_t *s = tmp_store_open("store");
    int64_t attempt = 0;
    char    err[256];

    add_order(s, 10423);
    sent_count = 0;
    refuse_after = false;
    assert_int_equal(store_send_due(s, 1000, 60, 100, count_sent, &attempt), 1);
    assert_int_equal(attempt, 1);
    /* not due again before resend_after */
    assert_int_equal(store_send_due(s, 1059, 60, 100, count_sent, &attempt), 0);
    assert_int_equal(store_send_due(s, 1060, 60, 100, count_sent, &attempt), 1);
    assert_int_equal(attempt, 2);
    /* the second wait is twice as long */
    assert_int_equal(store_send_due(s, 1060 + 119, 60, 100, count_sent, &attempt), 0);
    assert_int_equal(store_send_due(s, 1060 + 120, 60, 100, count_sent, &attempt), 1);
    assert_true(store_begin(s, err, sizeof err));
    store_outcome(s, "winkel", 10423, 0, token_of(10423), "booked", "booking", "ok", "10423", 1001);
    assert_true(store_commit(s, err, sizeof err));
    assert_int_equal(store_send_due(s, 99999, 60, 100, count_sent, &attempt), 0);
    tmp_store_close(&s);
}

static void
an_order_that_could_not_be_sent_stays_due(void **state)
{
    store_t *s = tmp_store_open("store");
    int64_t attempt = 0;

    add_order(s, 1);
    add_order(s, 2);
    sent_count = 0;
    refuse_after = true;
    assert_int_equal(store_send_due(s, 1000, 60, 100, count_sent, &attempt), 1);
    refuse_after = false;
    sent_count = 0;
    assert_int_equal(store_send_due(s, 1000, 60, 100, count_sent, &attempt), 1);
    assert_int_equal(attempt, 1);
    tmp_store_close(&s);
}

/* count_in - how many of the profile's orders are in a state */
static int64_t
count_in(store_t *s, const char *state)
{
    char    err[512];
    json_t *c = store_figures(s, err, sizeof err);
    int64_t n = json_integer_value(json_object_get(json_object_get(c, "winkel"), state));

    json_decref(c);
    return n;
}

/* only_allowed_state_changes_are_made - an outcome may not overwrite a dead
 * or skipped order (a forged or late "booked" would hide a dead letter), a
 * booked order never changes, and a refused change says so in the result */
static void
only_allowed_state_changes_are_made(void **state)
{
    store_t *s = tmp_store_open("store");
    char    err[256];
    int64_t attempt;

    add_order(s, 1);
    sent_count = 0;
    refuse_after = false;
    assert_int_equal(store_send_due(s, 1000, 60, 100, count_sent, &attempt), 1);
    assert_true(store_begin(s, err, sizeof err));
    store_add_state(s, "winkel", 2, "dead", "fetch", "order 2: <total>: missing");
    store_add_state(s, "winkel", 3, "skipped", "fetch", "order 3 is cancelled");
    assert_false(store_outcome(s, "winkel", 2, 0, token_of(2), "booked", "booking", "", "2", 0));
    assert_false(store_outcome(s, "winkel", 3, 0, token_of(3), "booked", "booking", "", "3", 0));
    assert_false(store_outcome(s, "winkel", 3, 0, token_of(3), "dead", "booking", "x", "3", 0));
    assert_false(store_outcome(s, "winkel", 4, 0, token_of(4), "booked", "booking", "", "4", 0));
    assert_true(store_outcome(s, "winkel", 1, 0, token_of(1), "booked", "booking", "", "1", 0));
    assert_false(store_outcome(s, "winkel", 1, 0, token_of(1), "booked", "booking", "", "1", 0));
    assert_true(store_commit(s, err, sizeof err));
    assert_int_equal(count_in(s, "dead"), 1);
    assert_int_equal(count_in(s, "skipped"), 1);
    assert_int_equal(count_in(s, "booked"), 1);
    assert_true(store_transition_allowed("pending", "booked"));
    assert_true(store_transition_allowed("dead", "pending"));
    assert_false(store_transition_allowed("dead", "booked"));
    assert_false(store_transition_allowed("skipped", "booked"));
    assert_false(store_transition_allowed("booked", "pending"));
    assert_false(store_transition_allowed("booked", "dead"));
    tmp_store_close(&s);
}

/* an_outcome_needs_the_token_of_the_attempt_sent_last - a forged outcome
 * (no token, a guessed one) or one about an earlier attempt is refused and
 * the order stays pending; the one of the last attempt is recorded */
static void
an_outcome_needs_the_token_of_the_attempt_sent_last(void **state)
{
    store_t *s = tmp_store_open("store");
    char    err[256], first[64];
    int64_t attempt;
    order_t *o;

    add_order(s, 7);
    sent_count = 0;
    refuse_after = false;
    assert_int_equal(store_send_due(s, 1000, 60, 100, count_sent, &attempt), 1);
    snprintf(first, sizeof first, "%s", token_of(7));
    assert_int_equal(store_send_due(s, 1060, 60, 100, count_sent, &attempt), 1);
    assert_string_not_equal(first, token_of(7));
    assert_true(store_begin(s, err, sizeof err));
    assert_false(store_outcome(s, "winkel", 7, 0, "", "booked", "booking", "", "7", 0));
    assert_false(store_outcome(s, "winkel", 7, 0, NULL, "booked", "booking", "", "7", 0));
    assert_false(store_outcome(s, "winkel", 7, 0, "00000000000000000000000000000000", "booked",
                               "booking", "", "7", 0));
    assert_false(store_outcome(s, "winkel", 7, 0, first, "booked", "booking", "", "7", 0));
    assert_true(store_commit(s, err, sizeof err));
    assert_int_equal(count_in(s, "pending"), 1);
    assert_true(store_begin(s, err, sizeof err));
    assert_true(store_outcome(s, "winkel", 7, 0, token_of(7), "booked", "booking", "", "7", 0));
    assert_true(store_commit(s, err, sizeof err));
    assert_int_equal(count_in(s, "booked"), 1);

    /* a replayed dead letter takes no outcome of its earlier life */
    add_order(s, 8);
    assert_int_equal(store_send_due(s, 2000, 60, 100, count_sent, &attempt), 1);
    o = order_new();
    order_set(&o->profile, "winkel");
    o->number = 8;
    assert_true(store_begin(s, err, sizeof err));
    assert_true(store_outcome(s, "winkel", 8, 0, token_of(8), "dead", "match", "x", "", 0));
    store_replace_pending(s, o);
    assert_false(store_outcome(s, "winkel", 8, 0, token_of(8), "dead", "match", "x", "", 0));
    assert_true(store_commit(s, err, sizeof err));
    assert_int_equal(count_in(s, "pending"), 1);
    order_destroy(&o);
    tmp_store_close(&s);
}

static void
booked_wins_over_dead_and_dead_letters_are_listed(void **state)
{
    store_t *s = tmp_store_open("store");
    int64_t attempt;
    char    err[256];
    json_t *dlq;

    add_order(s, 1);
    add_order(s, 2);
    sent_count = 0;
    refuse_after = false;
    assert_int_equal(store_send_due(s, 1000, 60, 100, count_sent, &attempt), 2);
    assert_true(store_begin(s, err, sizeof err));
    store_outcome(s, "winkel", 1, 0, token_of(1), "booked", "booking", "", "1", 0);
    store_outcome(s, "winkel", 1, 0, token_of(1), "dead", "booking", "late duplicate", "1", 0);
    store_outcome(s, "winkel", 2, 0, token_of(2), "dead", "match", "3 relaties share e-mail x", "", 0);
    store_add_state(s, "winkel", 3, "dead", "fetch", "order 3: <total>: missing");
    assert_true(store_commit(s, err, sizeof err));
    dlq = store_dead_list(s, NULL, err, sizeof err);
    assert_int_equal(json_array_size(dlq), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(dlq, 0), "id")),
                        "winkel:2");
    assert_string_equal(json_string_value(json_object_get(json_array_get(dlq, 1), "reason")),
                        "order 3: <total>: missing");
    json_decref(dlq);
    assert_int_equal(store_drop(s, "winkel", 2, 0, err, sizeof err), DB_FOUND);
    /* booked: not a dead letter */
    assert_int_equal(store_drop(s, "winkel", 1, 0, err, sizeof err), DB_ABSENT);
    dlq = store_dead_list(s, "winkel", err, sizeof err);
    assert_int_equal(json_array_size(dlq), 1);
    json_decref(dlq);
    tmp_store_close(&s);
}

/* per_profile - store_send_due callback: orders sent, by profile (a or b) */
static store_sent_t
per_profile(void *arg, const char *profile, const order_t *o, int64_t attempt,
            const char *token, char *why, size_t whylen)
{
    int    *sent = arg;

    sent[strcmp(profile, "a") == 0 ? 0 : 1]++;
    return STORE_SENT;
}

/* the_profiles_take_turns - a backlog of one profile, or its orders already
 * on their way, never hold the places of another profile's orders */
static void
the_profiles_take_turns(void **state)
{
    store_t *s = tmp_store_open("store");
    int     sent[2] = { 0, 0 };

    for (int64_t n = 1; n <= 10; n++)
        add_order_of(s, "a", n);
    for (int64_t n = 101; n <= 103; n++)
        add_order_of(s, "b", n);
    assert_int_equal(store_send_due(s, 1000, 60, 4, per_profile, sent), 4);
    assert_int_equal(sent[0], 2);               /* a, b, a, b */
    assert_int_equal(sent[1], 2);
    assert_int_equal(store_send_due(s, 1000, 60, 3, per_profile, sent), 3);
    assert_int_equal(sent[0], 4);               /* b's last, then a: 2 + 1 away each */
    assert_int_equal(sent[1], 3);
    memset(sent, 0, sizeof sent);
    for (int64_t n = 104; n <= 106; n++)
        add_order_of(s, "b", n);                /* a has 4 on their way, b 3 */
    assert_int_equal(store_send_due(s, 1000, 60, 1, per_profile, sent), 1);
    assert_int_equal(sent[0], 0);               /* b's turn 1 + 3 before a's 1 + 4 */
    assert_int_equal(sent[1], 1);
    tmp_store_close(&s);
}

/* an_unreadable_store_is_an_error_not_an_absence - a second connection drops
 * the tables under the open store: every read says it failed, none answers
 * "not there", and a page that asked whether an order is known is not kept */
static void
an_unreadable_store_is_an_error_not_an_absence(void **state)
{
    store_t *s = tmp_store_open("store");
    char    err[512], buf[32] = "x";
    int64_t next = 42;
    sqlite3 *db;

    add_order(s, 7);
    assert_true(store_begin(s, err, sizeof err));
    store_set_cursor(s, "winkel", 8, 8);
    store_set_watermark(s, "winkel", "2017-03-22T19:28:02");
    assert_true(store_commit(s, err, sizeof err));
    assert_int_equal(store_known(s, "winkel", 7), DB_FOUND);

    assert_int_equal(sqlite3_open(tmp_store_path(), &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "DROP TABLE orders; DROP TABLE cursors;"
                                  " DROP TABLE watermarks", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);

    assert_int_equal(store_cursor(s, "winkel", &next, err, sizeof err), DB_ERROR);
    assert_int_equal(next, 42);
    assert_non_null(strstr(err, "cannot read"));
    assert_int_equal(store_watermark(s, "winkel", buf, sizeof buf, err, sizeof err), DB_ERROR);
    assert_int_equal(store_in_flight(s, 0), -1);
    assert_int_equal(store_drop(s, "winkel", 7, 0, err, sizeof err), DB_ERROR);
    assert_null(store_dead_list(s, NULL, err, sizeof err));
    assert_true(store_begin(s, err, sizeof err));
    assert_int_equal(store_known(s, "winkel", 7), DB_ERROR);
    assert_false(store_commit(s, err, sizeof err));
    tmp_store_close(&s);
}

static void
a_replayed_order_is_pending_again_but_a_booked_one_is_not_touched(void **state)
{
    store_t *s = tmp_store_open("store");
    char    err[256];
    order_t *o = order_new();
    int64_t attempt;

    order_set(&o->profile, "winkel");
    o->number = 5;
    assert_true(store_begin(s, err, sizeof err));
    store_add_state(s, "winkel", 5, "dead", "fetch", "unreadable");
    store_replace_pending(s, o);
    assert_true(store_commit(s, err, sizeof err));
    sent_count = 0;
    refuse_after = false;
    assert_int_equal(store_send_due(s, 1, 60, 100, count_sent, &attempt), 1);
    assert_true(store_begin(s, err, sizeof err));
    store_outcome(s, "winkel", 5, 0, token_of(5), "booked", "booking", "", "5", 0);
    store_replace_pending(s, o);
    assert_true(store_commit(s, err, sizeof err));
    assert_int_equal(store_send_due(s, 99999, 60, 100, count_sent, &attempt), 0);
    order_destroy(&o);
    tmp_store_close(&s);
}

/* an_order_that_can_never_be_sent_is_a_dead_letter_and_the_others_go_on -
 * an order whose message is over the limit made the matcher drop the
 * connection on every attempt; it is set aside (stage send) instead */
static void
an_order_that_can_never_be_sent_is_a_dead_letter_and_the_others_go_on(void **state)
{
    store_t *s = tmp_store_open("store");
    int64_t attempt = 0;
    char    err[512];
    json_t *dlq;

    add_order(s, 12);
    add_order(s, 13);
    add_order(s, 14);
    sent_count = 0;
    refuse_after = false;
    assert_int_equal(store_send_due(s, 1000, 60, 100, count_sent, &attempt), 2);
    dlq = store_dead_list(s, "winkel", err, sizeof err);
    assert_int_equal(json_array_size(dlq), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(dlq, 0), "id")),
                        "winkel:13");
    assert_string_equal(json_string_value(json_object_get(json_array_get(dlq, 0), "stage")),
                        "send");
    assert_non_null(strstr(json_string_value(json_object_get(json_array_get(dlq, 0), "reason")),
                           "too large to pass between koppel's daemons"));
    json_decref(dlq);
    assert_int_equal(store_send_due(s, 99999, 60, 100, count_sent, &attempt), 2);
    tmp_store_close(&s);
}

static void
a_damaged_stored_order_is_set_aside_and_the_others_go_on(void **state)
{
    store_t *s = tmp_store_open("store");
    int64_t attempt = 0;
    json_t *dlq;
    const char *reason;
    char    err[512];
    sqlite3 *db;

    add_order(s, 1);
    add_order(s, 2);
    add_order(s, 3);
    /* the blob of order 2 is damaged on disk: not msgpack; 3: msgpack, not an order */
    assert_int_equal(sqlite3_open(tmp_store_path(), &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "UPDATE orders SET payload = x'c1c1c1'"
                                  " WHERE number = 2; UPDATE orders SET payload = x'2a'"
                                  " WHERE number = 3", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    sent_count = 0;
    refuse_after = false;
    assert_int_equal(store_send_due(s, 1000, 60, 100, count_sent, &attempt), 1);
    assert_int_equal(sent_count, 1);
    dlq = store_dead_list(s, "winkel", err, sizeof err);
    assert_non_null(dlq);
    assert_int_equal(json_array_size(dlq), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(dlq, 0), "id")),
                        "winkel:2");
    assert_string_equal(json_string_value(json_object_get(json_array_get(dlq, 0), "stage")),
                        "store");
    reason = json_string_value(json_object_get(json_array_get(dlq, 0), "reason"));
    assert_non_null(strstr(reason, "de opgeslagen kopie van order 2 is beschadigd; "));
    assert_non_null(strstr(reason, "klik Opnieuw (koppelctl dlq replay winkel:2)"));
    reason = json_string_value(json_object_get(json_array_get(dlq, 1), "reason"));
    assert_non_null(strstr(reason, "de opgeslagen kopie van order 3 is beschadigd; "));
    json_decref(dlq);
    /* set aside: not sent again */
    assert_int_equal(store_send_due(s, 99999, 60, 100, count_sent, &attempt), 1);
    assert_int_equal(sent_count, 2);
    tmp_store_close(&s);
}

/* sent_credit - store_send_due callback that keeps the credit note it is given */
static order_t *last_sent;
static store_sent_t
keep_sent(void *arg, const char *profile, const order_t *o, int64_t attempt, const char *token,
          char *why, size_t whylen)
{
    order_destroy(&last_sent);
    last_sent = order_dup(o);
    snprintf(token_of(o->number + o->credit.seq), sizeof tokens[0], "%s", token);
    return STORE_SENT;
}

/* add_refund - store_add_credit in a transaction of its own */
static store_credit_t
add_refund(store_t *s, int64_t number, const char *refund, char *why, size_t whylen)
{
    order_credit_t full = { .full = true };
    char    err[256];
    store_credit_t r;

    assert_true(store_begin(s, err, sizeof err));
    r = store_add_credit(s, "winkel", number, refund, &full, NULL, why, whylen);
    assert_true(store_commit(s, err, sizeof err));
    return r;
}

static void
a_refund_is_a_credit_note_sent_once_its_order_is_booked(void **state)
{
    store_t *s = tmp_store_open("store");
    char    err[256], why[512];

    add_order(s, 10431);
    assert_int_equal(add_refund(s, 10431, "geannuleerd", why, sizeof why), STORE_CREDIT_NEW);
    assert_int_equal(add_refund(s, 10431, "geannuleerd", why, sizeof why), STORE_CREDIT_KNOWN);
    /* the order goes first; its credit note waits for the booking */
    assert_int_equal(store_send_due(s, 1000, 60, 100, keep_sent, NULL), 1);
    assert_false(order_is_credit(last_sent));
    assert_int_equal(store_send_due(s, 1000, 60, 100, keep_sent, NULL), 0);
    assert_true(store_begin(s, err, sizeof err));
    assert_true(store_outcome(s, "winkel", 10431, 0, token_of(10431), "booked", "booking", "",
                              "W10431", 1001));
    assert_true(store_commit(s, err, sizeof err));
    assert_int_equal(store_send_due(s, 1000, 60, 100, keep_sent, NULL), 1);
    assert_int_equal(last_sent->number, 10431);
    assert_int_equal(last_sent->credit.seq, 1);
    assert_true(last_sent->credit.full);
    assert_string_equal(last_sent->credit.original, "W10431");
    /* its outcome is its own: the order's token does not fit it */
    assert_true(store_begin(s, err, sizeof err));
    assert_false(store_outcome(s, "winkel", 10431, 1, "00000000000000000000000000000000",
                               "booked", "booking", "", "W10431-C1", 1001));
    assert_true(store_outcome(s, "winkel", 10431, 1, token_of(10432), "booked", "booking", "",
                              "W10431-C1", 1001));
    assert_false(store_outcome(s, "winkel", 10431, 2, token_of(10432), "booked", "booking", "",
                               "W10431-C2", 1001));
    assert_true(store_commit(s, err, sizeof err));
    assert_int_equal(count_in(s, "booked"), 2);
    assert_int_equal(store_send_due(s, 99999, 60, 100, keep_sent, NULL), 0);
    /* another refund of the same order is credit note 2 */
    assert_int_equal(add_refund(s, 10431, "refund 726", why, sizeof why), STORE_CREDIT_NEW);
    assert_int_equal(store_send_due(s, 99999, 60, 100, keep_sent, NULL), 1);
    assert_int_equal(last_sent->credit.seq, 2);
    order_destroy(&last_sent);
    tmp_store_close(&s);
}

static void
a_refund_of_an_order_never_booked_is_said_once_and_not_credited(void **state)
{
    store_t *s = tmp_store_open("store");
    char    err[256], why[512];
    json_t *dlq;

    add_order(s, 8);
    assert_int_equal(store_send_due(s, 1000, 60, 100, keep_sent, NULL), 1);
    assert_true(store_begin(s, err, sizeof err));
    assert_true(store_outcome(s, "winkel", 8, 0, token_of(8), "dead", "match", "x", "", 0));
    store_add_state(s, "winkel", 9, "skipped", "fetch", "cancelled in the shop");
    assert_true(store_commit(s, err, sizeof err));
    assert_int_equal(add_refund(s, 8, "geannuleerd", why, sizeof why), STORE_CREDIT_NOT_BOOKED);
    assert_string_equal(why, "Order 8 is geannuleerd in de shop, maar de order zelf is nooit "
                        "geboekt (hij staat in de dode-letterwachtrij; verwijder die met "
                        "koppelctl dlq drop): er is niets te crediteren en er wordt geen "
                        "creditnota geboekt");
    assert_int_equal(add_refund(s, 8, "geannuleerd", why, sizeof why), STORE_CREDIT_KNOWN);
    /* cancelled before it was read: that was said when it was skipped */
    assert_int_equal(add_refund(s, 9, "geannuleerd", why, sizeof why), STORE_CREDIT_KNOWN);
    /* not stored at all: the import stores it as the new order it is */
    assert_int_equal(add_refund(s, 10, "geannuleerd", why, sizeof why), STORE_CREDIT_KNOWN);
    assert_int_equal(store_send_due(s, 99999, 60, 100, keep_sent, NULL), 0);
    dlq = store_dead_list(s, "winkel", err, sizeof err);
    assert_int_equal(json_array_size(dlq), 1);
    json_decref(dlq);
    order_destroy(&last_sent);
    tmp_store_close(&s);
}

static void
a_dead_credit_note_is_replayed_and_dropped_by_its_own_id(void **state)
{
    store_t *s = tmp_store_open("store");
    char    err[256], why[512];
    json_t *dlq;

    add_order(s, 5);
    assert_int_equal(add_refund(s, 5, "geannuleerd", why, sizeof why), STORE_CREDIT_NEW);
    assert_int_equal(store_send_due(s, 1000, 60, 100, keep_sent, NULL), 1);
    assert_true(store_begin(s, err, sizeof err));
    assert_true(store_outcome(s, "winkel", 5, 0, token_of(5), "booked", "booking", "", "5", 1));
    assert_true(store_commit(s, err, sizeof err));
    assert_int_equal(store_send_due(s, 1000, 60, 100, keep_sent, NULL), 1);
    assert_true(store_begin(s, err, sizeof err));
    assert_true(store_outcome(s, "winkel", 5, 1, token_of(6), "dead", "booking", "nee", "", 0));
    assert_true(store_commit(s, err, sizeof err));
    dlq = store_dead_list(s, "winkel", err, sizeof err);
    assert_int_equal(json_array_size(dlq), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(dlq, 0), "id")),
                        "winkel:5-C1");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(dlq, 0), "credit")), 1);
    json_decref(dlq);
    assert_false(store_replay_credit(s, "winkel", 5, 2, err, sizeof err));
    assert_string_equal(err, "order 5 has no credit note 2");
    assert_true(store_replay_credit(s, "winkel", 5, 1, err, sizeof err));
    assert_int_equal(store_send_due(s, 99999, 60, 100, keep_sent, NULL), 1);
    assert_int_equal(last_sent->credit.seq, 1);
    assert_true(store_begin(s, err, sizeof err));
    assert_true(store_outcome(s, "winkel", 5, 1, token_of(6), "dead", "booking", "nee", "", 0));
    assert_true(store_commit(s, err, sizeof err));
    assert_int_equal(store_drop(s, "winkel", 5, 0, err, sizeof err), DB_ABSENT);
    assert_int_equal(store_drop(s, "winkel", 5, 1, err, sizeof err), DB_FOUND);
    order_destroy(&last_sent);
    tmp_store_close(&s);
}

/* a fetcher.db from before the kept counts: they are made from its orders
 * on opening, and follow every change after */
static void
a_fetcher_db_from_before_counts_gets_them(void **state)
{
    char    err[512];
    store_t *s = tmp_store_open("store");
    json_t *figures;
    int64_t attempt;

    (void) state;
    add_order(s, 1);
    add_order(s, 2);
    assert_true(db_exec(store_sqlite(s), "DROP TRIGGER orders_recounted;"
                        " DROP TRIGGER orders_counted; DROP TRIGGER orders_uncounted;"
                        " DROP TABLE order_counts;", err, sizeof err));
    store_close(&s);
    if ((s = store_open(tmp_store_path(), err, sizeof err)) == NULL)
        fail_msg("%s", err);
    assert_int_equal(count_in(s, "pending"), 2);
    assert_int_equal(store_send_due(s, 1000, 60, 100, count_sent, &attempt), 2);
    assert_true(store_begin(s, err, sizeof err));
    assert_true(store_outcome(s, "winkel", 1, 0, token_of(1), "booked", "booking", "", "1",
                              1001));
    assert_true(store_commit(s, err, sizeof err));
    assert_int_equal(count_in(s, "pending"), 1);
    assert_int_equal(count_in(s, "booked"), 1);
    store_set_cursor(s, "winkel", 3, 2);
    figures = store_figures(s, err, sizeof err);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(figures, "winkel"),
                                                        "cursor")), 3);
    json_decref(figures);
    tmp_store_close(&s);
}

static void
a_fetcher_db_from_before_credit_notes_keeps_its_orders(void **state)
{
    char    err[512];
    sqlite3 *db;
    store_t *s;

    tmp_store_file("store");
    assert_int_equal(sqlite3_open(tmp_store_path(), &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "CREATE TABLE orders (profile TEXT NOT NULL, number"
        " INTEGER NOT NULL, state TEXT NOT NULL, payload BLOB, attempts INTEGER NOT NULL"
        " DEFAULT 0, next_send INTEGER NOT NULL DEFAULT 0, stage TEXT NOT NULL DEFAULT '',"
        " reason TEXT NOT NULL DEFAULT '', factuurnummer TEXT NOT NULL DEFAULT '',"
        " relatiecode INTEGER NOT NULL DEFAULT 0, fetched_at INTEGER NOT NULL,"
        " updated_at INTEGER NOT NULL, token TEXT NOT NULL DEFAULT '',"
        " PRIMARY KEY (profile, number));"
        "INSERT INTO orders (profile, number, state, factuurnummer, fetched_at, updated_at)"
        " VALUES ('winkel', 3, 'booked', '3', 1, 1), ('winkel', 4, 'dead', '', 1, 1)",
        NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    if ((s = store_open(tmp_store_path(), err, sizeof err)) == NULL)
        fail_msg("%s", err);
    assert_int_equal(count_in(s, "booked"), 1);
    assert_int_equal(count_in(s, "dead"), 1);
    assert_int_equal(store_known(s, "winkel", 3), DB_FOUND);
    tmp_store_close(&s);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_refund_is_a_credit_note_sent_once_its_order_is_booked),
        cmocka_unit_test(a_refund_of_an_order_never_booked_is_said_once_and_not_credited),
        cmocka_unit_test(a_dead_credit_note_is_replayed_and_dropped_by_its_own_id),
        cmocka_unit_test(a_fetcher_db_from_before_credit_notes_keeps_its_orders),
        cmocka_unit_test(a_fetcher_db_from_before_counts_gets_them),
        cmocka_unit_test(the_cursor_never_moves_back),
        cmocka_unit_test(a_lowered_from_order_moves_the_cursor_back_never_forward),
        cmocka_unit_test(a_rolled_back_page_leaves_neither_orders_nor_cursor),
        cmocka_unit_test(a_pending_order_is_sent_again_with_backoff_until_an_outcome),
        cmocka_unit_test(an_order_that_could_not_be_sent_stays_due),
        cmocka_unit_test(booked_wins_over_dead_and_dead_letters_are_listed),
        cmocka_unit_test(the_profiles_take_turns),
        cmocka_unit_test(only_allowed_state_changes_are_made),
        cmocka_unit_test(an_outcome_needs_the_token_of_the_attempt_sent_last),
        cmocka_unit_test(a_replayed_order_is_pending_again_but_a_booked_one_is_not_touched),
        cmocka_unit_test(an_unreadable_store_is_an_error_not_an_absence),
        cmocka_unit_test(a_damaged_stored_order_is_set_aside_and_the_others_go_on),
        cmocka_unit_test(an_order_that_can_never_be_sent_is_a_dead_letter_and_the_others_go_on),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
