/*
 * NAME
 *   test_wc_webhooks - a WooCommerce shop's webhooks: the client calls, the
 *                      listing's parser, koppel's pick and verdicts
 *
 * DESCRIPTION
 *   The parser and the verdicts on hand-made lists; the calls against
 *   build/bin/woocommerce-sim (started on a free loopback port as
 *   test_wc_client does): every page of a long list, a webhook created and
 *   switched on again, a Read key refused without the secret in the
 *   message, and registering twice changing nothing.
 */
#include <setjmp.h>
#include <stdbool.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "sim_proc.h"
#include "wc_client.h"
#include "wc_webhooks.h"
#include "webhook_check.h"

#define KEY "ck_koppel"
#define SECRET "cs_geheim"
#define HOOK_SECRET "whsec-\"geheim\"-sleutel"
#define URL "https://koppel.voorbeeld.nl/webhook/woo"

/* sim_start - the simulator with two orders; its key Read only or Read/Write */
static void
sim_start(sim_proc_t *s, bool read_only)
{
    bool    ok;

    memset(s, 0, sizeof *s);
    ok = read_only
        ? sim_proc_start(s, "woocommerce-sim", "/_sim/stats", "--key", KEY, "--secret", SECRET,
                         "--generate", "2", "--seed", "7", "--log-level", "error",
                         "--read-only", NULL)
        : sim_proc_start(s, "woocommerce-sim", "/_sim/stats", "--key", KEY, "--secret", SECRET,
                         "--generate", "2", "--seed", "7", "--log-level", "error", NULL);
    if (!ok)
        fail_msg("cannot start woocommerce-sim (log in %s)", s->dir);
}

/* client - a client of the simulator */
static wc_client_t *
client(const sim_proc_t *s)
{
    wc_client_t *c = wc_client_new(s->url, KEY, SECRET, false);

    wc_client_set_retry(c, 2, 50, 5000);
    return c;
}

/* profile - a profile with a webhook to URL (the fields the verdicts read) */
static profile_t
profile(const sim_proc_t *s)
{
    profile_t p;

    memset(&p, 0, sizeof p);
    p.name = "woo";
    p.shop_url = s ? (char *) s->url : "http://127.0.0.1:1";
    p.shop_username = KEY;
    p.shop_password = SECRET;
    p.webhook_path = "/webhook/woo";
    p.webhook_secret = HOOK_SECRET;
    p.webhook_url = URL;
    return p;
}

/* hook - one listed webhook */
static wc_webhook_t
hook(int64_t id, const char *name, const char *status, const char *topic, const char *url)
{
    wc_webhook_t w;

    memset(&w, 0, sizeof w);
    w.id = id;
    snprintf(w.name, sizeof w.name, "%s", name);
    snprintf(w.status, sizeof w.status, "%s", status);
    snprintf(w.topic, sizeof w.topic, "%s", topic);
    snprintf(w.delivery_url, sizeof w.delivery_url, "%s", url);
    return w;
}

/* listing_is_parsed_and_a_bad_entry_named */
static void
listing_is_parsed_and_a_bad_entry_named(void **state)
{
    const char *page = "[{\"id\": 3, \"name\": \"koppel order.created\", \"status\": \"active\","
        " \"topic\": \"order.created\", \"resource\": \"order\", \"event\": \"created\","
        " \"delivery_url\": \"" URL "\"}, {\"id\": 4, \"status\": \"paused\","
        " \"topic\": \"order.updated\", \"delivery_url\": \"" URL "\"}]";
    const char *bad = "[{\"id\": 3, \"status\": \"active\", \"topic\": \"order.created\"}]";
    wc_webhook_t *list = NULL;
    size_t  n = 0;
    char    err[256];

    (void) state;
    assert_int_equal(wc_webhooks_parse(page, strlen(page), &list, &n, err, sizeof err), 0);
    assert_int_equal(n, 2);
    assert_int_equal(list[0].id, 3);
    assert_string_equal(list[0].name, "koppel order.created");
    assert_string_equal(list[1].status, "paused");
    assert_string_equal(list[1].name, "");
    assert_int_equal(wc_webhooks_parse(bad, strlen(bad), &list, &n, err, sizeof err), -1);
    assert_non_null(strstr(err, "webhook 1 van de lijst heeft geen geldig \"delivery_url\""));
    assert_int_equal(wc_webhooks_parse("{}", 2, &list, &n, err, sizeof err), -1);
    assert_non_null(strstr(err, "de lijst van webhooks is JSON dat geen lijst is"));
    free(list);
}

/* pick_prefers_the_url_then_the_name */
static void
pick_prefers_the_url_then_the_name(void **state)
{
    wc_webhook_t list[4] = {
        hook(1, "iets anders", "active", "order.created", "https://ander.example/"),
        hook(2, "koppel order.created", "active", "order.created", "https://oud.example/"),
        hook(3, "", "disabled", "order.created", URL),
        hook(4, "", "active", "order.created", URL),
    };

    (void) state;
    assert_int_equal(wc_webhook_pick(list, 4, "order.created", URL), 3);  /* the active one */
    assert_int_equal(wc_webhook_pick(list, 3, "order.created", URL), 2);
    assert_int_equal(wc_webhook_pick(list, 2, "order.created", URL), 1);  /* by name */
    assert_int_equal(wc_webhook_pick(list, 1, "order.created", URL), 0);
    assert_int_equal(wc_webhook_pick(list, 4, "order.updated", URL), -1);
}

/* verdicts_say_in_dutch_what_to_change */
static void
verdicts_say_in_dutch_what_to_change(void **state)
{
    profile_t p = profile(NULL);
    wc_webhook_t list[4] = {
        hook(1, "koppel order.created", "disabled", "order.created", URL),
        hook(2, "koppel order.updated", "paused", "order.updated", URL),
    };
    char    text[1400];

    (void) state;
    assert_int_equal(webhook_verdict(&p, list, 2, "order.created", text, sizeof text),
                     HOOK_DISABLED);
    assert_non_null(strstr(text, "WooCommerce heeft de webhook uitgeschakeld na mislukte "
                           "afleveringen"));
    assert_int_equal(webhook_verdict(&p, list, 2, "order.updated", text, sizeof text),
                     HOOK_INACTIVE);
    assert_non_null(strstr(text, "gepauzeerd"));
    assert_int_equal(webhook_verdict(&p, list, 0, "order.updated", text, sizeof text),
                     HOOK_MISSING);
    assert_non_null(strstr(text, "koppelctl webhooks woo --register"));
    list[0] = hook(1, "koppel order.created", "active", "order.created", "https://oud.example/");
    assert_int_equal(webhook_verdict(&p, list, 1, "order.created", text, sizeof text),
                     HOOK_WRONG_URL);
    assert_non_null(strstr(text, "levert af aan https://oud.example/, niet aan " URL));
    list[0] = hook(1, "koppel order.created", "active", "order.created", URL);
    assert_int_equal(webhook_verdict(&p, list, 1, "order.created", text, sizeof text), HOOK_OK);
}

/* every_page_of_a_long_list_is_read */
static void
every_page_of_a_long_list_is_read(void **state)
{
    sim_proc_t s;
    wc_client_t *c;
    wc_webhook_t w, *list = NULL;
    size_t  n = 0;
    char    err[1024];
    int     i;

    (void) state;
    sim_start(&s, false);
    c = client(&s);
    for (i = 0; i < 105; i++)
        assert_int_equal(wc_webhooks_create(c, "koppel order.updated", "order.updated",
                                            "http://127.0.0.1:1/none", HOOK_SECRET, &w, err,
                                            sizeof err), WC_OK);
    assert_int_equal(w.id, 105);
    assert_string_equal(w.status, "active");
    assert_int_equal(wc_webhooks_list(c, &list, &n, err, sizeof err), WC_OK);
    assert_int_equal(n, 105);
    assert_int_equal(list[104].id, 105);
    free(list);
    wc_client_destroy(&c);
    sim_proc_cleanup(&s);
}

/* read_key_is_refused_without_the_secret_in_the_message */
static void
read_key_is_refused_without_the_secret_in_the_message(void **state)
{
    sim_proc_t s;
    profile_t p;
    json_t *lines = json_array();
    char   *text;

    (void) state;
    sim_start(&s, true);
    p = profile(&s);
    assert_false(webhook_register(&p, lines));
    assert_int_equal(json_array_size(lines), 2);
    text = json_dumps(lines, 0);
    assert_non_null(strstr(text, "Read/Write"));
    assert_non_null(strstr(text, "does not have write permissions"));
    assert_null(strstr(text, "geheim"));
    free(text);
    json_decref(lines);
    sim_proc_cleanup(&s);
}

/* registering_twice_changes_nothing_and_switches_a_paused_one_on */
static void
registering_twice_changes_nothing_and_switches_a_paused_one_on(void **state)
{
    sim_proc_t s;
    profile_t p;
    json_t *lines = json_array(), *check = json_array();
    wc_client_t *c;
    wc_webhook_t *list = NULL, w;
    size_t  n = 0;
    char    err[1024], *body = NULL;

    (void) state;
    sim_start(&s, false);
    p = profile(&s);
    assert_true(webhook_register(&p, lines));
    assert_true(webhook_register(&p, lines));
    assert_non_null(strstr(json_string_value(json_object_get(json_array_get(lines, 2), "text")),
                           "al actief"));
    c = client(&s);
    assert_int_equal(wc_webhooks_list(c, &list, &n, err, sizeof err), WC_OK);
    assert_int_equal(n, 2);
    assert_string_equal(list[0].topic, "order.created");
    assert_string_equal(list[1].topic, "order.updated");
    free(list);
    /* paused by hand, then switched on again by PUT */
    assert_int_equal(wc_client_call(c, "PUT", "/webhooks/2", "{\"status\": \"paused\"}", true,
                                    "webhook", &body, NULL, NULL, err, sizeof err), WC_OK);
    free(body);
    assert_false(webhook_check(&p, check));
    assert_true(webhook_register(&p, lines));
    assert_true(webhook_check(&p, check));
    assert_int_equal(wc_webhooks_activate(c, 9, URL, HOOK_SECRET, &w, err, sizeof err),
                     WC_NOT_FOUND);
    wc_client_destroy(&c);
    json_decref(lines);
    json_decref(check);
    sim_proc_cleanup(&s);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(listing_is_parsed_and_a_bad_entry_named),
        cmocka_unit_test(pick_prefers_the_url_then_the_name),
        cmocka_unit_test(verdicts_say_in_dutch_what_to_change),
        cmocka_unit_test(every_page_of_a_long_list_is_read),
        cmocka_unit_test(read_key_is_refused_without_the_secret_in_the_message),
        cmocka_unit_test(registering_twice_changes_nothing_and_switches_a_paused_one_on),
    };

    signal(SIGPIPE, SIG_IGN);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
