/*
 * NAME
 *   test_woocommerce_sim - the simulator's webhook signature and registry
 *
 * DESCRIPTION
 *   The signature of a delivery against a known HMAC-SHA256 vector (RFC
 *   4231, test case 2) in base64, as WooCommerce's X-WC-Webhook-Signature;
 *   the registry of webhooks as WooCommerce's REST API keeps it: the
 *   secret never listed, bad topics and URLs refused with WooCommerce's
 *   codes, a webhook disabled after its fifth failed delivery in a row and
 *   counted afresh when it is set active again.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "../sim/woocommerce/wsim_deliver.h"
#include "../sim/woocommerce/wsim_hooks.h"

/* signature_is_base64_of_hmac_sha256 - RFC 4231 test case 2 */
static void
signature_is_base64_of_hmac_sha256(void **state)
{
    const char *body = "what do ya want for nothing?";
    char   *sig = wsim_deliver_signature(body, strlen(body), "Jefe");

    (void) state;
    /* hex 5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843 */
    assert_string_equal(sig, "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=");
    free(sig);
}

/* create - a webhook from a JSON text; its listed JSON */
static json_t *
create(wsim_hooks_t *h, const char *text, wsim_hooks_error_t *e)
{
    json_t *req = json_loads(text, 0, NULL), *out;

    assert_non_null(req);
    out = wsim_hooks_create(h, req, e);
    json_decref(req);
    return out;
}

/* created_webhook_is_listed_without_its_secret */
static void
created_webhook_is_listed_without_its_secret(void **state)
{
    wsim_hooks_t *h = wsim_hooks_new(5);
    wsim_hooks_error_t e;
    json_t *w = create(h, "{\"name\": \"koppel order.created\", \"topic\": \"order.created\","
                       " \"delivery_url\": \"https://koppel.example/webhook/woo\","
                       " \"secret\": \"geheim\"}", &e), *list;
    wsim_hook_t copy;
    char   *text;

    (void) state;
    assert_non_null(w);
    assert_int_equal(json_integer_value(json_object_get(w, "id")), 1);
    assert_string_equal(json_string_value(json_object_get(w, "status")), "active");
    assert_string_equal(json_string_value(json_object_get(w, "resource")), "order");
    assert_string_equal(json_string_value(json_object_get(w, "event")), "created");
    list = wsim_hooks_list(h);
    text = json_dumps(list, 0);
    assert_null(strstr(text, "geheim"));
    assert_int_equal(json_array_size(list), 1);
    assert_true(wsim_hooks_lookup(h, 1, &copy));
    assert_string_equal(copy.secret, "geheim");
    free(text);
    json_decref(list);
    json_decref(w);
    wsim_hooks_destroy(&h);
    assert_null(h);
}

/* bad_topic_and_url_are_refused_as_woocommerce_does */
static void
bad_topic_and_url_are_refused_as_woocommerce_does(void **state)
{
    wsim_hooks_t *h = wsim_hooks_new(5);
    wsim_hooks_error_t e;

    (void) state;
    assert_null(create(h, "{\"topic\": \"order.paid\", \"delivery_url\": \"http://x/\"}", &e));
    assert_int_equal(e.status, 400);
    assert_string_equal(e.code, "woocommerce_rest_shop_webhook_invalid_topic");
    assert_null(create(h, "{\"topic\": \"order.updated\", \"delivery_url\": \"ftp://x/\"}", &e));
    assert_string_equal(e.code, "woocommerce_rest_shop_webhook_invalid_delivery_url");
    assert_null(create(h, "{\"topic\": \"order.updated\", \"delivery_url\": \"http://x/\","
                       " \"status\": \"on\"}", &e));
    assert_string_equal(e.code, "rest_invalid_param");
    assert_null(wsim_hooks_get(h, 1, &e));
    assert_int_equal(e.status, 404);
    wsim_hooks_destroy(&h);
}

/* fifth_failure_in_a_row_disables_and_reactivation_counts_afresh */
static void
fifth_failure_in_a_row_disables_and_reactivation_counts_afresh(void **state)
{
    wsim_hooks_t *h = wsim_hooks_new(5);
    wsim_hooks_error_t e;
    json_t *w = create(h, "{\"topic\": \"order.updated\", \"delivery_url\": \"http://x/\"}", &e);
    json_t *on = json_pack("{s:s}", "status", "active");
    wsim_hook_t out[4];
    int     i;

    (void) state;
    json_decref(w);
    for (i = 0; i < 4; i++)
        assert_false(wsim_hooks_outcome(h, 1, false));
    assert_false(wsim_hooks_outcome(h, 1, true));        /* a success breaks the row */
    for (i = 0; i < 4; i++)
        assert_false(wsim_hooks_outcome(h, 1, false));
    assert_true(wsim_hooks_outcome(h, 1, false));
    assert_int_equal(wsim_hooks_active(h, "order.updated", out, 4), 0);
    json_decref(wsim_hooks_update(h, 1, on, &e));
    assert_int_equal(wsim_hooks_active(h, "order.updated", out, 4), 1);
    assert_false(wsim_hooks_outcome(h, 1, false));
    json_decref(on);
    wsim_hooks_destroy(&h);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(signature_is_base64_of_hmac_sha256),
        cmocka_unit_test(created_webhook_is_listed_without_its_secret),
        cmocka_unit_test(bad_topic_and_url_are_refused_as_woocommerce_does),
        cmocka_unit_test(fifth_failure_in_a_row_disables_and_reactivation_counts_afresh),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
