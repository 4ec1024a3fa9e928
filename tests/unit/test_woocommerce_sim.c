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
 *   counted afresh when it is set active again. Then deliveries from
 *   build/bin/woocommerce-sim to a receiver in this test (libmicrohttpd):
 *   the ping, WooCommerce's headers, a signature checked here with OpenSSL
 *   on the raw body, wp_json_encode's "\/"; the faults duplicate (same
 *   delivery id), lost and bad signature; a receiver answering 500 five
 *   times gets its webhook disabled and nothing more.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <microhttpd.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <pthread.h>
#include <unistd.h>

#include "../sim/woocommerce/wsim_deliver.h"
#include "../sim/woocommerce/wsim_hooks.h"
#include "sim_proc.h"
#include "wc_webhooks.h"

#define KEY "ck_koppel"
#define SECRET "cs_geheim"
#define HOOK_SECRET "whsec-test"

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

/* a delivery as the receiver got it */
typedef struct {
    char    topic[64], resource[32], event[32], signature[128], delivery_id[32], hook_id[16];
    char    source[128], content_type[64];
    char   *body;
} got_t;

/* receiver_t - a webhook receiver answering every request with status */
typedef struct {
    struct MHD_Daemon *mhd;
    int     port;
    unsigned status;
    pthread_mutex_t lock;
    got_t   got[64];
    int     n;
} receiver_t;

typedef struct {
    char   *body;
    size_t  len;
} upload_t;

/* header - one request header into buf ("" when absent) */
static void
header(struct MHD_Connection *conn, const char *name, char *buf, size_t len)
{
    const char *v = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, name);

    snprintf(buf, len, "%s", v ? v : "");
}

/* receive - libmicrohttpd's handler: keep the request, answer rx->status */
static enum MHD_Result
receive(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
        const char *version, const char *data, size_t *size, void **con_cls)
{
    receiver_t *rx = cls;
    upload_t *u = *con_cls;
    struct MHD_Response *resp;
    enum MHD_Result ret;
    got_t  *g;

    (void) url;
    (void) method;
    (void) version;
    if (u == NULL) {
        *con_cls = calloc(1, sizeof *u);
        return MHD_YES;
    }
    if (*size) {
        u->body = realloc(u->body, u->len + *size + 1);
        memcpy(u->body + u->len, data, *size);
        u->len += *size;
        u->body[u->len] = 0;
        *size = 0;
        return MHD_YES;
    }
    pthread_mutex_lock(&rx->lock);
    if (rx->n < 64) {
        g = &rx->got[rx->n++];
        header(conn, "X-WC-Webhook-Topic", g->topic, sizeof g->topic);
        header(conn, "X-WC-Webhook-Resource", g->resource, sizeof g->resource);
        header(conn, "X-WC-Webhook-Event", g->event, sizeof g->event);
        header(conn, "X-WC-Webhook-Signature", g->signature, sizeof g->signature);
        header(conn, "X-WC-Webhook-Delivery-ID", g->delivery_id, sizeof g->delivery_id);
        header(conn, "X-WC-Webhook-ID", g->hook_id, sizeof g->hook_id);
        header(conn, "X-WC-Webhook-Source", g->source, sizeof g->source);
        header(conn, "Content-Type", g->content_type, sizeof g->content_type);
        g->body = u->body ? u->body : strdup("");
        u->body = NULL;
    }
    pthread_mutex_unlock(&rx->lock);
    free(u->body);
    free(u);
    *con_cls = NULL;
    resp = MHD_create_response_from_buffer(0, (void *) "", MHD_RESPMEM_PERSISTENT);
    ret = MHD_queue_response(conn, rx->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

/* receiver_start - listen on a free loopback port */
static void
receiver_start(receiver_t *rx, unsigned status)
{
    memset(rx, 0, sizeof *rx);
    rx->status = status;
    pthread_mutex_init(&rx->lock, NULL);
    rx->mhd = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, receive, rx,
                               MHD_OPTION_END);
    assert_non_null(rx->mhd);
    rx->port = MHD_get_daemon_info(rx->mhd, MHD_DAEMON_INFO_BIND_PORT)->port;
}

/* receiver_stop - stop and free what it got */
static void
receiver_stop(receiver_t *rx)
{
    int     i;

    MHD_stop_daemon(rx->mhd);
    for (i = 0; i < rx->n; i++)
        free(rx->got[i].body);
    pthread_mutex_destroy(&rx->lock);
}

/* receiver_wait - wait (5 s at most) until n requests came; how many did */
static int
receiver_wait(receiver_t *rx, int n)
{
    int     i, got = 0;

    for (i = 0; i < 500; i++) {
        pthread_mutex_lock(&rx->lock);
        got = rx->n;
        pthread_mutex_unlock(&rx->lock);
        if (got >= n)
            break;
        usleep(10000);
    }
    return got;
}

/* hmac_base64 - base64(HMAC-SHA256(body, key)), done here with OpenSSL alone */
static void
hmac_base64(const char *body, const char *key, char out[128])
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;

    HMAC(EVP_sha256(), key, (int) strlen(key), (const unsigned char *) body, strlen(body), mac,
         &len);
    EVP_EncodeBlock((unsigned char *) out, mac, (int) len);
}

/* shop_start - the simulator with a webhook of topic to the receiver */
static void
shop_start(sim_proc_t *s, const receiver_t *rx, const char *topic)
{
    char    url[96], err[512];
    wc_client_t *c;
    wc_webhook_t w;

    memset(s, 0, sizeof *s);
    if (!sim_proc_start(s, "woocommerce-sim", "/_sim/stats", "--key", KEY, "--secret", SECRET,
                        "--generate", "1", "--seed", "3", "--first-id", "100",
                        "--log-level", "error", NULL))
        fail_msg("cannot start woocommerce-sim (log in %s)", s->dir);
    c = wc_client_new(s->url, KEY, SECRET, false);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/hook", rx->port);
    assert_int_equal(wc_webhooks_create(c, "koppel", topic, url, HOOK_SECRET, &w, err,
                                        sizeof err), WC_OK);
    wc_client_destroy(&c);
}

/* put_order - PUT /_sim/orders: order id with a status and modification time */
static void
put_order(const sim_proc_t *s, int id, const char *status, const char *modified)
{
    char    json[256];

    snprintf(json, sizeof json, "{\"id\": %d, \"status\": \"%s\", \"date_modified_gmt\": "
             "\"%s\", \"customer_note\": \"a/b\", \"billing\": {\"city\": \"M\u00fcnster\"}}",
             id, status, modified);
    assert_int_equal(sim_proc_post(s, "/_sim/orders", json, NULL), 200);
}

/* ping_then_a_signed_delivery_with_woocommerce_headers */
static void
ping_then_a_signed_delivery_with_woocommerce_headers(void **state)
{
    receiver_t rx;
    sim_proc_t s;
    char    want[128];
    got_t  *g;

    (void) state;
    receiver_start(&rx, 200);
    shop_start(&s, &rx, "order.created");
    assert_int_equal(receiver_wait(&rx, 1), 1);
    assert_string_equal(rx.got[0].body, "webhook_id=1");
    assert_string_equal(rx.got[0].topic, "");
    put_order(&s, 200, "processing", "2026-12-01T10:00:00");
    put_order(&s, 200, "completed", "2026-12-01T11:00:00");   /* an update: not this topic */
    assert_int_equal(receiver_wait(&rx, 2), 2);
    usleep(200000);
    assert_int_equal(rx.n, 2);
    g = &rx.got[1];
    assert_string_equal(g->topic, "order.created");
    assert_string_equal(g->resource, "order");
    assert_string_equal(g->event, "created");
    assert_string_equal(g->hook_id, "1");
    assert_string_equal(g->content_type, "application/json");
    assert_non_null(strstr(g->source, "http://127.0.0.1:"));
    assert_int_equal(g->source[strlen(g->source) - 1], '/');
    assert_true(g->delivery_id[0] != 0);
    hmac_base64(g->body, HOOK_SECRET, want);
    assert_string_equal(g->signature, want);
    assert_non_null(strstr(g->body, "\"a\\/b\""));        /* wp_json_encode's slashes */
    assert_non_null(strstr(g->body, "M\\u00fcnster"));    /* and PHP's lower-case \\u */
    sim_proc_cleanup(&s);
    receiver_stop(&rx);
}

/* faults_duplicate_lost_and_bad_signature */
static void
faults_duplicate_lost_and_bad_signature(void **state)
{
    receiver_t rx;
    sim_proc_t s;
    char   *report = NULL, want[128];
    json_t *doc;

    (void) state;
    receiver_start(&rx, 200);
    shop_start(&s, &rx, "order.updated");
    receiver_wait(&rx, 1);
    assert_int_equal(sim_proc_post(&s, "/_sim/webhook-faults",
                                   "{\"lose\": 1, \"duplicate_rate\": 1}", NULL), 200);
    put_order(&s, 100, "completed", "2026-12-01T10:00:00");     /* lost */
    put_order(&s, 100, "refunded", "2026-12-01T11:00:00");      /* sent twice */
    assert_int_equal(receiver_wait(&rx, 3), 3);
    assert_string_equal(rx.got[1].delivery_id, rx.got[2].delivery_id);
    assert_non_null(strstr(rx.got[1].body, "refunded"));
    assert_int_equal(sim_proc_post(&s, "/_sim/webhook-faults",
                                   "{\"duplicate_rate\": 0, \"bad_signature_rate\": 1}", NULL),
                     200);
    put_order(&s, 100, "completed", "2026-12-01T12:00:00");
    assert_int_equal(receiver_wait(&rx, 4), 4);
    hmac_base64(rx.got[3].body, HOOK_SECRET, want);
    assert_string_not_equal(rx.got[3].signature, want);
    assert_int_equal(sim_proc_get(&s, "/_sim/webhook-deliveries", &report), 200);
    doc = json_loads(report, 0, NULL);
    assert_int_equal(json_integer_value(json_object_get(doc, "dropped")), 1);
    assert_int_equal(json_integer_value(json_object_get(doc, "duplicated")), 1);
    assert_int_equal(json_integer_value(json_object_get(doc, "bad_signature")), 1);
    json_decref(doc);
    free(report);
    sim_proc_cleanup(&s);
    receiver_stop(&rx);
}

/* five_failures_disable_the_webhook_and_nothing_more_is_sent */
static void
five_failures_disable_the_webhook_and_nothing_more_is_sent(void **state)
{
    receiver_t rx;
    sim_proc_t s;
    char    modified[32], *body = NULL;
    int     i;

    (void) state;
    receiver_start(&rx, 500);
    shop_start(&s, &rx, "order.updated");
    receiver_wait(&rx, 1);                      /* the ping's 500 counts for nothing */
    for (i = 0; i < 5; i++) {
        snprintf(modified, sizeof modified, "2026-12-01T1%d:00:00", i);
        put_order(&s, 100, "completed", modified);
        assert_int_equal(receiver_wait(&rx, 2 + i), 2 + i);
    }
    usleep(100000);
    put_order(&s, 100, "refunded", "2026-12-01T18:00:00");
    usleep(300000);
    assert_int_equal(rx.n, 6);
    assert_int_equal(sim_proc_get(&s, "/_sim/webhook-deliveries", &body), 200);
    assert_non_null(strstr(body, "\"disabled\": 1"));
    free(body);
    sim_proc_cleanup(&s);
    receiver_stop(&rx);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(signature_is_base64_of_hmac_sha256),
        cmocka_unit_test(created_webhook_is_listed_without_its_secret),
        cmocka_unit_test(bad_topic_and_url_are_refused_as_woocommerce_does),
        cmocka_unit_test(fifth_failure_in_a_row_disables_and_reactivation_counts_afresh),
        cmocka_unit_test(ping_then_a_signed_delivery_with_woocommerce_headers),
        cmocka_unit_test(faults_duplicate_lost_and_bad_signature),
        cmocka_unit_test(five_failures_disable_the_webhook_and_nothing_more_is_sent),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
