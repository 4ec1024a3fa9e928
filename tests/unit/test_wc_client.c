/*
 * NAME
 *   test_wc_client - the fetcher's WooCommerce client against the simulator
 *
 * DESCRIPTION
 *   Each test starts build/bin/woocommerce-sim (run from the repository
 *   root) on a free loopback port with the example orders (727, 1001) and
 *   generated ones, and the faults it needs, and drives wc_client against
 *   it; pages are parsed with wcorder to check what the client returns.
 */
#include <setjmp.h>
#include <signal.h>
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

#include "sim_proc.h"
#include "wc_client.h"
#include "wcorder.h"
#include "xalloc.h"

#define EXAMPLES "tests/sim/woocommerce/examples"
#define KEY "ck_4f2a9c0d1e"
#define SECRET "cs_geheim&=%+sleutel"

typedef sim_proc_t sim_t;

/* sim_start - start the simulator with extra flags (NULL-terminated) */
static void
sim_start(sim_t *s, ...)
{
    const char *argv[48] = { "--key", KEY, "--secret", SECRET, "--orders", NULL,
                             "--log-level", "error" };
    char    examples[PATH_MAX];
    int     argc = 8;
    va_list ap;

    snprintf(examples, sizeof examples, "%s/%s", sim_proc_root(), EXAMPLES);
    argv[5] = examples;
    va_start(ap, s);
    while (argc < 47 && (argv[argc] = va_arg(ap, const char *)) != NULL)
        argc++;
    va_end(ap);
    argv[argc] = NULL;
    memset(s, 0, sizeof *s);
    if (!sim_proc_startv(s, "woocommerce-sim", "/_sim/stats", argv))
        fail_msg("cannot start woocommerce-sim (log in %s)", s->dir);
}

/* sim_stop - stop the simulator and remove its scratch directory */
static void
sim_stop(sim_t *s)
{
    sim_proc_cleanup(s);
}

/* new_client - a client with quick retries for tests */
static wc_client_t *
new_client(const sim_t *s, const char *secret)
{
    wc_client_t *c = wc_client_new(s->url, KEY, secret, false);

    wc_client_set_retry(c, 5, 50, 5000);
    return c;
}

/* put_order - PUT /_sim/orders with a JSON text */
static void
put_order(const sim_t *s, const char *json)
{
    CURL   *curl = curl_easy_init();
    char    url[96];
    long    status = 0;
    FILE   *null = fopen("/dev/null", "w");

    snprintf(url, sizeof url, "http://127.0.0.1:%d/_sim/orders", s->port);
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, "PUT");
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, json);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, null);
    assert_int_equal(curl_easy_perform(curl), CURLE_OK);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    assert_int_equal(status, 200);
    curl_easy_cleanup(curl);
    fclose(null);
}

/* read_all - every page of a listing; the ids in order into ids, how many */
static size_t
read_all(wc_client_t *c, const char *modified_after, int per_page, int64_t *ids, size_t max,
         long *pages_seen)
{
    size_t  n = 0;
    long    pages = 1;
    int     page;
    char    err[1024];

    for (page = 1; page <= pages; page++) {
        char   *body;
        size_t  len;
        long    total;
        order_page_t *p;
        wc_result_t r = wc_client_orders(c, modified_after, per_page, page, &body, &len,
                                         &pages, &total, err, sizeof err);

        if (r != WC_OK)
            fail_msg("page %d: %s: %s", page, wc_result_name(r), err);
        assert_true(pages >= 0 && total >= 0);
        p = wcorder_parse_page(body, len, "orders", err, sizeof err);
        if (p == NULL)
            fail_msg("page %d: %s", page, err);
        for (size_t i = 0; i < p->nitems; i++) {
            if (p->items[i].order == NULL)
                fail_msg("page %d: %s", page, p->items[i].error);
            /* bookable, or cancelled or refunded (credited when booked before) */
            assert_true(p->items[i].order->status == ORDER_PAID
                        || p->items[i].order->status == ORDER_OPEN
                        || p->items[i].order->status == ORDER_CANCELLED);
            if (n < max)
                ids[n] = p->items[i].number;
            n++;
        }
        order_page_destroy(&p);
        free(body);
    }
    if (pages_seen)
        *pages_seen = pages;
    return n;
}

static void
pages_follow_total_pages_in_ascending_id_order(void **state)
{
    sim_t   s;
    wc_client_t *c;
    int64_t ids[200];
    long    pages;
    size_t  n;

    (void) state;
    sim_start(&s, "--generate", "40", "--seed", "11", NULL);
    c = new_client(&s, SECRET);
    n = read_all(c, NULL, 7, ids, 200, &pages);
    assert_true(n > 20);    /* generated processing/completed/cancelled/refunded + 727 + 1001 */
    assert_int_equal(pages, (long) ((n + 6) / 7));
    for (size_t i = 1; i < n; i++)
        assert_true(ids[i] > ids[i - 1]);
    assert_int_equal(ids[0], 727);
    assert_int_equal(wc_client_requests(c), pages);
    wc_client_destroy(&c);
    assert_null(c);
    sim_stop(&s);
}

static void
wrong_secret_is_an_auth_failure_without_the_secret_in_the_message(void **state)
{
    sim_t   s;
    wc_client_t *c;
    char   *body = NULL, err[1024];
    size_t  len;
    long    pages, total;

    (void) state;
    sim_start(&s, NULL);
    c = new_client(&s, "cs_wrong_secret");
    assert_int_equal(wc_client_orders(c, NULL, 10, 1, &body, &len, &pages, &total, err,
                                      sizeof err), WC_AUTH);
    assert_null(body);
    assert_non_null(strstr(err, "HTTP 401 woocommerce_rest_authentication_error"));
    assert_non_null(strstr(err, "WooCommerce weigert de REST API-sleutel"));
    assert_non_null(strstr(err, "controleer de consumer key en het consumer secret bij "
                           "Instellingen > Koppeling shop"));
    assert_null(strstr(err, "cs_wrong_secret"));
    assert_int_equal(wc_client_requests(c), 1);   /* not retried */
    wc_client_destroy(&c);
    sim_stop(&s);
}

static void
one_order_and_a_missing_one(void **state)
{
    sim_t   s;
    wc_client_t *c;
    char   *body = NULL, err[1024];
    size_t  len;
    order_page_t *p;

    (void) state;
    sim_start(&s, NULL);
    c = new_client(&s, SECRET);
    assert_int_equal(wc_client_order(c, 1001, &body, &len, err, sizeof err), WC_OK);
    p = wcorder_parse_page(body, len, "orders/1001", err, sizeof err);
    assert_non_null(p);
    assert_int_equal(p->nitems, 1);
    assert_int_equal(p->items[0].number, 1001);
    order_page_destroy(&p);
    free(body);
    assert_int_equal(wc_client_order(c, 4242, &body, &len, err, sizeof err), WC_NOT_FOUND);
    assert_null(body);
    assert_non_null(strstr(err, "WooCommerce heeft geen order op "));
    assert_non_null(strstr(err, "/wp-json/wc/v3/orders/4242"));
    wc_client_destroy(&c);
    sim_stop(&s);
}

static void
rate_limits_and_server_errors_are_retried(void **state)
{
    sim_t   s;
    wc_client_t *c;
    int64_t ids[200];
    size_t  n;

    (void) state;
    sim_start(&s, "--generate", "30", "--seed", "5", "--rate-limit-every", "3",
              "--retry-after", "0", "--fail-5xx-rate", "0.2", "--drop-rate", "0.05", NULL);
    c = new_client(&s, SECRET);
    n = read_all(c, NULL, 4, ids, 200, NULL);
    assert_true(n > 15);
    assert_true(wc_client_requests(c) > (long) ((n + 3) / 4));   /* some were retried */
    wc_client_destroy(&c);
    sim_stop(&s);
}

static void
exhausted_retries_are_transient(void **state)
{
    sim_t   s;
    wc_client_t *c;
    char   *body = NULL, err[1024];
    size_t  len;
    long    pages, total;

    (void) state;
    sim_start(&s, "--fail-5xx-rate", "1", NULL);
    c = new_client(&s, SECRET);
    wc_client_set_retry(c, 3, 20, 2000);
    assert_int_equal(wc_client_orders(c, NULL, 10, 1, &body, &len, &pages, &total, err,
                                      sizeof err), WC_TRANSIENT);
    assert_non_null(strstr(err, "(3 pogingen); probeer het later opnieuw"));
    assert_int_equal(wc_client_requests(c), 3);
    assert_int_equal(pages, -1);
    wc_client_destroy(&c);
    sim_stop(&s);
}

static void
long_retry_after_is_not_waited_for(void **state)
{
    sim_t   s;
    wc_client_t *c;
    char   *body = NULL, err[1024];
    size_t  len;

    (void) state;
    sim_start(&s, "--rate-limit-every", "1", "--retry-after", "120", NULL);
    c = new_client(&s, SECRET);
    assert_int_equal(wc_client_order(c, 727, &body, &len, err, sizeof err), WC_TRANSIENT);
    assert_non_null(strstr(err, "de shop vraagt 120 s te wachten"));
    assert_int_equal(wc_client_requests(c), 1);
    wc_client_destroy(&c);
    sim_stop(&s);
}

static void
late_status_change_is_picked_up_with_modified_after(void **state)
{
    sim_t   s;
    wc_client_t *c;
    int64_t ids[200];
    size_t  n, i;
    json_t *o;
    char   *text;
    json_error_t jerr;

    (void) state;
    sim_start(&s, NULL);
    c = new_client(&s, SECRET);
    /* order 900 waits on-hold for a bank transfer: not listed */
    o = json_load_file(EXAMPLES "/order-727.json", 0, &jerr);
    assert_non_null(o);
    json_object_set_new(o, "id", json_integer(900));
    json_object_set_new(o, "number", json_string("900"));
    json_object_set_new(o, "status", json_string("on-hold"));
    json_object_set_new(o, "date_modified_gmt", json_string("2026-11-02T10:00:00"));
    text = json_dumps(o, 0);
    put_order(&s, text);
    free(text);
    n = read_all(c, NULL, 10, ids, 200, NULL);
    for (i = 0; i < n; i++)
        assert_true(ids[i] != 900);
    /* a run after 2026-11-02T14:00 (order 1001 was modified at 13:32) sees nothing new */
    assert_int_equal(read_all(c, "2026-11-02T14:00:00", 10, ids, 200, NULL), 0);
    /* the transfer arrives at 15:05: processing, modified then */
    json_object_set_new(o, "status", json_string("processing"));
    json_object_set_new(o, "date_modified_gmt", json_string("2026-11-02T15:05:00"));
    text = json_dumps(o, 0);
    put_order(&s, text);
    free(text);
    json_decref(o);
    n = read_all(c, "2026-11-02T14:00:00", 10, ids, 200, NULL);
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], 900);          /* below 1001, which koppel already passed */
    wc_client_destroy(&c);
    sim_stop(&s);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pages_follow_total_pages_in_ascending_id_order),
        cmocka_unit_test(wrong_secret_is_an_auth_failure_without_the_secret_in_the_message),
        cmocka_unit_test(one_order_and_a_missing_one),
        cmocka_unit_test(rate_limits_and_server_errors_are_retried),
        cmocka_unit_test(exhausted_retries_are_transient),
        cmocka_unit_test(long_retry_after_is_not_waited_for),
        cmocka_unit_test(late_status_change_is_picked_up_with_modified_after),
    };

    signal(SIGPIPE, SIG_IGN);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
