/*
 * NAME
 *   wsim_server - the WooCommerce simulator's HTTP side
 *
 * DESCRIPTION
 *   libmicrohttpd with its own polling thread and one thread per
 *   connection, so a slow answer (--slow-ms) delays only its own client.
 *   Each request is handled once its body is complete: faults first (drop,
 *   429 every Nth, random 500/502), then HTTP Basic, then the endpoint.
 *   Errors are WooCommerce's JSON error bodies: {"code", "message",
 *   "data": {"status"}}. The webhooks resource answers as WooCommerce's
 *   (201 with the new webhook, per_page 10 unless asked, paged like the
 *   orders); a webhook created active is pinged. The fault counters and the random stream are
 *   taken under one lock, so a seed gives the same faults for the same
 *   sequence of requests.
 *
 * DIAGNOSTICS
 *   Nothing is logged per request; /_sim/stats counts every answer.
 */
#include <netdb.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <microhttpd.h>

#include "log.h"
#include "xalloc.h"
#include "wsim_refunds.h"
#include "wsim_server.h"
#include "../simlib/simlib.h"

#define MAX_BODY (8 * 1024 * 1024)
#define API "/wp-json/wc/v3/orders"
#define HOOKS_API "/wp-json/wc/v3/webhooks"

struct wsim_server {
    struct MHD_Daemon *mhd;
    wsim_shop_t shop;
    wsim_server_opts_t opts;
    pthread_mutex_t lock;        /* everything below */
    uint64_t rng;
    long    requests;            /* faultable requests seen */
    simlib_stats_t stats;       /* answers per endpoint and status */
};

typedef struct {
    char   *body;
    size_t  len;
    bool    too_big;
} wsim_request_t;

typedef struct {
    char   *buf;
    size_t  len, cap;
    size_t  n;
} sbuf_t;

/* sbuf_add - append n bytes */
static void
sbuf_add(sbuf_t *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->buf = xrealloc(b->buf, b->cap);
    }
    memcpy(b->buf + b->len, s, n);
    b->len += n;
    b->buf[b->len] = 0;
}

/* count - record one answer in the statistics */
static void
count(wsim_server_t *self, const char *endpoint, const char *status)
{
    pthread_mutex_lock(&self->lock);
    simlib_count(&self->stats, endpoint, status);
    pthread_mutex_unlock(&self->lock);
}

/* answer - queue a JSON response (body taken over), with paging headers
 * when total >= 0, and count it */
static enum MHD_Result
answer(wsim_server_t *self, struct MHD_Connection *conn, const char *endpoint,
       unsigned status, char *body, long total, long pages)
{
    struct MHD_Response *resp;
    enum MHD_Result ret;
    char    st[24];
    size_t  len = body ? strlen(body) : 0;

    resp = MHD_create_response_from_buffer(len, body ? body : (void *) "",
                                           body ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
    if (body)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                                "application/json; charset=UTF-8");
    if (status == 429 || status == 503) {
        snprintf(st, sizeof st, "%ld", self->opts.retry_after);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, st);
    }
    if (total >= 0) {
        snprintf(st, sizeof st, "%ld", total);
        MHD_add_response_header(resp, "X-WP-Total", st);
        snprintf(st, sizeof st, "%ld", pages);
        MHD_add_response_header(resp, "X-WP-TotalPages", st);
    }
    ret = MHD_queue_response(conn, status, resp);
    MHD_destroy_response(resp);
    snprintf(st, sizeof st, "%u", status);
    count(self, endpoint, st);
    return ret;
}

/* answer_error - WooCommerce's JSON error body with an HTTP status */
static enum MHD_Result
answer_error(wsim_server_t *self, struct MHD_Connection *conn, const char *endpoint,
             unsigned status, const char *code, const char *message)
{
    json_t *j = json_pack("{s:s, s:s, s:{s:i}}", "code", code, "message", message,
                          "data", "status", (int) status);
    char   *text = json_dumps(j, JSON_COMPACT);

    json_decref(j);
    return answer(self, conn, endpoint, status, text, -1, 0);
}

/* parse_long - a strict decimal integer in [lo, hi]; false otherwise */
static bool
parse_long(const char *s, long lo, long hi, long *out)
{
    char   *end;
    long    v;

    if (s == NULL || *s == 0 || *s == ' ' || *s == '+')
        return false;
    v = strtol(s, &end, 10);
    if (*end || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

/* check_auth - whether the request carries the consumer key and secret */
static bool
check_auth(wsim_server_t *self, struct MHD_Connection *conn, const char **code,
           const char **message)
{
    char   *pass = NULL;
    char   *user = MHD_basic_auth_get_username_password(conn, &pass);
    bool    ok = false;

    if (user == NULL) {
        *code = "woocommerce_rest_cannot_view";
        *message = "Sorry, you cannot list resources.";
    } else if (strcmp(user, self->opts.key) != 0) {
        *code = "woocommerce_rest_authentication_error";
        *message = "Consumer key is invalid.";
    } else if (pass == NULL || strcmp(pass, self->opts.secret) != 0) {
        *code = "woocommerce_rest_authentication_error";
        *message = "Invalid signature - provided signature does not match.";
    } else {
        ok = true;
    }
    if (user)
        MHD_free(user);
    if (pass)
        MHD_free(pass);
    return ok;
}

static const char *poison_names[WSIM_POISON_KINDS] = {
    [WSIM_POISON_NUL] = "nul",
    [WSIM_POISON_BIGINT] = "bigint",
    [WSIM_POISON_HUGE_REAL] = "huge-real",
    [WSIM_POISON_DUPLICATE_KEY] = "duplicate-key",
    [WSIM_POISON_DEEP] = "deep",
    [WSIM_POISON_HUGE] = "huge",
    [WSIM_POISON_WIDE] = "wide",
};

/* wsim_poison_parse - "ID:KIND" into a poison */
bool
wsim_poison_parse(const char *s, wsim_poison_t *out)
{
    const char *colon = strchr(s, ':');
    char    num[24];
    long    id;
    int     k;

    if (colon == NULL || colon == s || (size_t) (colon - s) >= sizeof num)
        return false;
    memcpy(num, s, (size_t) (colon - s));
    num[colon - s] = 0;
    if (!parse_long(num, 1, 2147483647L, &id))
        return false;
    for (k = 0; k < WSIM_POISON_KINDS; k++)
        if (strcmp(colon + 1, poison_names[k]) == 0) {
            out->id = id;
            out->kind = (wsim_poison_kind_t) k;
            return true;
        }
    return false;
}

/* poisoned - the order's JSON with its poison spliced in (new memory) */
static char *
poisoned(const char *json, wsim_poison_kind_t kind)
{
    static const char *keys[WSIM_POISON_KINDS] = {
        [WSIM_POISON_NUL] = "customer_note",
        [WSIM_POISON_BIGINT] = "customer_id",
        [WSIM_POISON_HUGE_REAL] = "cart_tax",
        [WSIM_POISON_DUPLICATE_KEY] = "status",
        [WSIM_POISON_DEEP] = "meta_data",
        [WSIM_POISON_HUGE] = "customer_note",
        [WSIM_POISON_WIDE] = "meta_data",
    };
    json_t *o = json_loads(json, 0, NULL);
    sbuf_t  b = { 0 };
    char   *text;
    int     i;

    if (o == NULL)
        return xstrdup(json);
    if (kind != WSIM_POISON_DUPLICATE_KEY)
        json_object_del(o, keys[kind]);
    text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    sbuf_add(&b, "{\"", 2);
    sbuf_add(&b, keys[kind], strlen(keys[kind]));
    sbuf_add(&b, "\": ", 3);
    switch (kind) {
    case WSIM_POISON_NUL: sbuf_add(&b, "\"a\\u0000b\"", 10); break;
    case WSIM_POISON_BIGINT: sbuf_add(&b, "123456789012345678901234567890", 30); break;
    case WSIM_POISON_HUGE_REAL: sbuf_add(&b, "1e400", 5); break;
    case WSIM_POISON_DUPLICATE_KEY: sbuf_add(&b, "\"processing\"", 12); break;
    case WSIM_POISON_DEEP:
        for (i = 0; i < 5000; i++)
            sbuf_add(&b, "[", 1);
        for (i = 0; i < 5000; i++)
            sbuf_add(&b, "]", 1);
        break;
    case WSIM_POISON_WIDE: {
        size_t  n = 15000000;
        char   *x = xmalloc(2 * n + 1);

        for (i = 0; i < (int) n; i++) {
            x[2 * i] = '1';
            x[2 * i + 1] = ',';
        }
        x[2 * n - 1] = 0;
        sbuf_add(&b, "[", 1);
        sbuf_add(&b, x, 2 * n - 1);
        sbuf_add(&b, "]", 1);
        free(x);
        break;
    }
    case WSIM_POISON_HUGE: {
        char   *x = xmalloc(70 * 1024 * 1024);

        memset(x, 'x', 70 * 1024 * 1024);
        sbuf_add(&b, "\"", 1);
        sbuf_add(&b, x, 70 * 1024 * 1024);
        sbuf_add(&b, "\"", 1);
        free(x);
        break;
    }
    default: break;
    }
    sbuf_add(&b, ", ", 2);
    sbuf_add(&b, text + 1, strlen(text + 1));
    free(text);
    return b.buf;
}

/* served - an order's JSON as served: poisoned when --poison names it */
static char *
served(const wsim_server_t *self, int64_t id, const char *json)
{
    int     i;

    for (i = 0; i < self->opts.npoisons; i++)
        if (self->opts.poisons[i].id == id)
            return poisoned(json, self->opts.poisons[i].kind);
    return xstrdup(json);
}

/* only_fields - the order's members named in fields (a comma list) */
static char *
only_fields(const char *json, const char *fields)
{
    json_t *o = json_loads(json, 0, NULL), *out = json_object();
    char   *list = xstrdup(fields), *save = NULL, *f, *text;

    for (f = strtok_r(list, ",", &save); f; f = strtok_r(NULL, ",", &save))
        if (o && json_object_get(o, f))
            json_object_set(out, f, json_object_get(o, f));
    text = json_dumps(out, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(out);
    json_decref(o);
    free(list);
    return text;
}

/* page_ctx_t - the page being built and how its orders are served */
typedef struct {
    const wsim_server_t *server;
    const char *fields;          /* _fields, or NULL */
    sbuf_t  b;
} page_ctx_t;

/* page_add - append one order to the JSON array being built */
static void
page_add(int64_t id, const char *json, void *arg)
{
    page_ctx_t *p = arg;
    char   *text = p->fields ? only_fields(json, p->fields) : served(p->server, id, json);

    if (p->b.n++ > 0)
        sbuf_add(&p->b, ",\n", 2);
    sbuf_add(&p->b, text, strlen(text));
    free(text);
}

/* handle_orders - GET /wp-json/wc/v3/orders */
static enum MHD_Result
handle_orders(wsim_server_t *self, struct MHD_Connection *conn)
{
    const char *status = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "status");
    const char *after = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "modified_after");
    const char *gmt = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "dates_are_gmt");
    const char *orderby = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "orderby");
    const char *order = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "order");
    const char *pp = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "per_page");
    const char *pg = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "page");
    const char *fields = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "_fields");
    long    per_page = 10, page = 1, total = 0, pages;
    char    after_buf[32];
    page_ctx_t ctx = { .server = self, .fields = fields && *fields ? fields : NULL };
    sbuf_t *bp = &ctx.b;

    if (pp && !parse_long(pp, 1, 100, &per_page))
        return answer_error(self, conn, "orders", 400, "rest_invalid_param",
                            "Invalid parameter(s): per_page");
    if (pg && !parse_long(pg, 1, 1000000000, &page))
        return answer_error(self, conn, "orders", 400, "rest_invalid_param",
                            "Invalid parameter(s): page");
    if (orderby && strcmp(orderby, "id") != 0 && strcmp(orderby, "date") != 0)
        return answer_error(self, conn, "orders", 400, "rest_invalid_param",
                            "Invalid parameter(s): orderby");
    if (order && strcmp(order, "asc") != 0 && strcmp(order, "desc") != 0)
        return answer_error(self, conn, "orders", 400, "rest_invalid_param",
                            "Invalid parameter(s): order");
    if (after) {
        /* the simulator keeps GMT only; an ISO 8601 date, cut to seconds */
        if (strlen(after) < 19 || after[4] != '-' || after[10] != 'T')
            return answer_error(self, conn, "orders", 400, "rest_invalid_param",
                                "Invalid parameter(s): modified_after");
        if (gmt == NULL || strcmp(gmt, "true") != 0)
            log_debug("modified_after without dates_are_gmt=true: taken as GMT anyway");
        snprintf(after_buf, sizeof after_buf, "%.19s", after);
        after = after_buf;
    }
    sbuf_add(bp, "[", 1);
    if (wsim_store_list(self->shop.store, status, after, order != NULL && strcmp(order, "asc") == 0, (page - 1) * per_page, per_page,
                        page_add, &ctx, &total) < 0) {
        free(bp->buf);
        return answer_error(self, conn, "orders", 500, "internal_error", "database error");
    }
    sbuf_add(bp, "]", 1);
    pages = (total + per_page - 1) / per_page;
    if (page > pages && total > 0) {
        free(bp->buf);
        return answer_error(self, conn, "orders", 400, "woocommerce_rest_invalid_page_number",
                            "The page number requested is larger than the number of pages "
                            "available.");
    }
    return answer(self, conn, "orders", 200, bp->buf, total, pages);
}

/* handle_order - GET /wp-json/wc/v3/orders/ID */
static enum MHD_Result
handle_order(wsim_server_t *self, struct MHD_Connection *conn, const char *idtext)
{
    long    id;
    char   *json;

    char   *text;

    if (!parse_long(idtext, 1, 2147483647L, &id) || (json = wsim_store_get(self->shop.store, id)) == NULL)
        return answer_error(self, conn, "order", 404, "woocommerce_rest_shop_order_invalid_id",
                            "Invalid ID.");
    text = served(self, id, json);
    free(json);
    return answer(self, conn, "order", 200, text, -1, 0);
}

/* refunds_of - the order id of ".../ID/refunds", or -1 */
static long
refunds_of(const char *idtext)
{
    const char *slash = strchr(idtext, '/');
    char    buf[24];
    long    id;

    if (slash == NULL || strcmp(slash, "/refunds") != 0 || (size_t) (slash - idtext) >= sizeof buf)
        return -1;
    snprintf(buf, sizeof buf, "%.*s", (int) (slash - idtext), idtext);
    return parse_long(buf, 1, 2147483647L, &id) ? id : -1;
}

/* handle_refunds - GET /wp-json/wc/v3/orders/ID/refunds */
static enum MHD_Result
handle_refunds(wsim_server_t *self, struct MHD_Connection *conn, const char *idtext)
{
    long    id = refunds_of(idtext);
    char   *text = id > 0 ? wsim_refunds_served(self->shop.store, id) : NULL;

    if (text == NULL)
        return answer_error(self, conn, "refunds", 404, "woocommerce_rest_shop_order_invalid_id",
                            "Invalid ID.");
    return answer(self, conn, "refunds", 200, text, -1, 0);
}

/* handle_sim_refund - POST /_sim/orders/ID/refunds: refund part of an order */
static enum MHD_Result
handle_sim_refund(wsim_server_t *self, struct MHD_Connection *conn, const char *idtext,
                  wsim_request_t *req)
{
    long    id = refunds_of(idtext);
    char    err[512];
    int64_t rid;

    if (id < 0)
        return answer_error(self, conn, "sim_refund", 404, "no_route", "/_sim/orders/ID/refunds");
    if ((rid = wsim_refunds_add(self->shop.store, id, req->body, err, sizeof err)) < 0)
        return answer_error(self, conn, "sim_refund", 400, "bad_refund", err);
    return answer(self, conn, "sim_refund", 200, xasprintf("{\"id\": %lld}", (long long) rid),
                  -1, 0);
}

/* handle_sim_orders - PUT /_sim/orders: add or replace orders */
static enum MHD_Result
handle_sim_orders(wsim_server_t *self, struct MHD_Connection *conn, wsim_request_t *req)
{
    char    err[512];
    int     n;

    if (req->too_big)
        return answer_error(self, conn, "sim_orders", 413, "too_big", "body too large");
    n = wsim_store_put_json(self->shop.store, req->body ? req->body : "", err, sizeof err);
    if (n < 0)
        return answer_error(self, conn, "sim_orders", 400, "bad_order", err);
    return answer(self, conn, "sim_orders", 200, xasprintf("{\"stored\": %d}", n), -1, 0);
}

/* handle_sim_stats - GET /_sim/stats */
static enum MHD_Result
handle_sim_stats(wsim_server_t *self, struct MHD_Connection *conn)
{
    json_t *root = json_object(), *per;
    char   *text;

    pthread_mutex_lock(&self->lock);
    per = simlib_stats_json(&self->stats);
    json_object_set_new(root, "total", json_integer(self->stats.total));
    json_object_set_new(root, "requests", json_integer(self->requests));
    pthread_mutex_unlock(&self->lock);
    json_object_set_new(root, "endpoints", per);
    json_object_set_new(root, "orders", json_integer(wsim_store_count(self->shop.store)));
    text = json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS);
    json_decref(root);
    return answer(self, conn, "sim_stats", 200, text, -1, 0);
}

/* json_body - the request's body as JSON; NULL when there is none or it is not JSON */
static json_t *
json_body(const wsim_request_t *req)
{
    return req->body && !req->too_big ? json_loads(req->body, 0, NULL) : NULL;
}

/* answer_json - a JSON value (taken over) as the answer */
static enum MHD_Result
answer_json(wsim_server_t *self, struct MHD_Connection *conn, const char *endpoint,
            unsigned status, json_t *j, long total, long pages)
{
    char   *text = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

    json_decref(j);
    return answer(self, conn, endpoint, status, text, total, pages);
}

/* handle_webhooks - GET (paged) and POST /wp-json/wc/v3/webhooks */
static enum MHD_Result
handle_webhooks(wsim_server_t *self, struct MHD_Connection *conn, const char *method,
                const wsim_request_t *req)
{
    const char *pp = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "per_page");
    const char *pg = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "page");
    long    per_page = 10, page = 1, total, i;
    wsim_hooks_error_t e;
    json_t *all, *out, *body;

    if (strcmp(method, "POST") == 0) {
        body = json_body(req);
        out = wsim_hooks_create(self->shop.hooks, body, &e);
        json_decref(body);
        if (out == NULL)
            return answer_error(self, conn, "webhooks", e.status, e.code, e.message);
        if (strcmp(json_string_value(json_object_get(out, "status")), "active") == 0)
            wsim_deliver_ping(self->shop.deliver, json_integer_value(json_object_get(out, "id")));
        return answer_json(self, conn, "webhooks", 201, out, -1, 0);
    }
    if (pp && !parse_long(pp, 1, 100, &per_page))
        return answer_error(self, conn, "webhooks", 400, "rest_invalid_param",
                            "Invalid parameter(s): per_page");
    if (pg && !parse_long(pg, 1, 1000000, &page))
        return answer_error(self, conn, "webhooks", 400, "rest_invalid_param",
                            "Invalid parameter(s): page");
    all = wsim_hooks_list(self->shop.hooks);
    total = (long) json_array_size(all);
    out = json_array();
    for (i = (page - 1) * per_page; i < total && i < page * per_page; i++)
        json_array_append(out, json_array_get(all, (size_t) i));
    json_decref(all);
    return answer_json(self, conn, "webhooks", 200, out, total, (total + per_page - 1) / per_page);
}

/* handle_webhook - GET, PUT (POST, PATCH) /wp-json/wc/v3/webhooks/ID */
static enum MHD_Result
handle_webhook(wsim_server_t *self, struct MHD_Connection *conn, const char *method,
               const char *idtext, const wsim_request_t *req)
{
    wsim_hooks_error_t e = { 404, "woocommerce_rest_shop_webhook_invalid_id", "Invalid ID." };
    json_t *out = NULL, *body;
    long    id;

    if (!parse_long(idtext, 1, 2147483647L, &id))
        return answer_error(self, conn, "webhook", e.status, e.code, e.message);
    if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0) {
        out = wsim_hooks_get(self->shop.hooks, id, &e);
    } else {
        body = json_body(req);
        out = wsim_hooks_update(self->shop.hooks, id, body, &e);
        json_decref(body);
    }
    if (out == NULL)
        return answer_error(self, conn, "webhook", e.status, e.code, e.message);
    return answer_json(self, conn, "webhook", 200, out, -1, 0);
}

/* handle_sim_generate - POST /_sim/generate places orders; GET says how far */
static enum MHD_Result
handle_sim_generate(wsim_server_t *self, struct MHD_Connection *conn, const char *method,
                    const wsim_request_t *req)
{
    json_t *body;
    int64_t first = 0;
    char    err[512];
    int     rc;

    if (strcmp(method, "GET") == 0)
        return answer_json(self, conn, "sim_generate", 200, wsim_live_report(self->shop.live),
                           -1, 0);
    body = json_body(req);
    rc = wsim_live_start(self->shop.live, body, &first, err, sizeof err);
    json_decref(body);
    if (rc != 0)
        return answer_error(self, conn, "sim_generate", rc > 0 ? 409 : 400,
                            rc > 0 ? "busy" : "bad_request", err);
    return answer_json(self, conn, "sim_generate", 200,
                       json_pack("{s:I}", "first_id", (json_int_t) first), -1, 0);
}

/* handle_sim_faults - PUT /_sim/webhook-faults */
static enum MHD_Result
handle_sim_faults(wsim_server_t *self, struct MHD_Connection *conn, const wsim_request_t *req)
{
    json_t *body = json_body(req);
    char    err[256];
    int     rc = wsim_deliver_set_faults(self->shop.deliver, body, err, sizeof err);

    json_decref(body);
    if (rc < 0)
        return answer_error(self, conn, "sim_webhook_faults", 400, "bad_request", err);
    return answer_json(self, conn, "sim_webhook_faults", 200,
                       wsim_deliver_faults_json(self->shop.deliver), -1, 0);
}

/* routed - whether the API has a route for a write method on an endpoint,
 * as WordPress registers them: POST on the webhooks, PUT, POST and PATCH on
 * one webhook; the orders are read only here */
static bool
routed(const char *endpoint, const char *method)
{
    if (strcmp(endpoint, "webhooks") == 0)
        return strcmp(method, "POST") == 0;
    if (strcmp(endpoint, "webhook") == 0)
        return strcmp(method, "PUT") == 0 || strcmp(method, "POST") == 0
            || strcmp(method, "PATCH") == 0;
    return false;
}

/* handle_sim - the test-control endpoints /_sim/... */
static enum MHD_Result
handle_sim(wsim_server_t *self, struct MHD_Connection *conn, const char *url,
           const char *method, wsim_request_t *req)
{
    bool    get = strcmp(method, "GET") == 0, put = strcmp(method, "PUT") == 0
        || strcmp(method, "POST") == 0;

    if (strcmp(url, "/_sim/orders") == 0 && put)
        return handle_sim_orders(self, conn, req);
    if (strncmp(url, "/_sim/orders/", 13) == 0 && strcmp(method, "POST") == 0)
        return handle_sim_refund(self, conn, url + 13, req);
    if (strcmp(url, "/_sim/stats") == 0 && get)
        return handle_sim_stats(self, conn);
    if (strcmp(url, "/_sim/generate") == 0 && (get || put))
        return handle_sim_generate(self, conn, method, req);
    if (strcmp(url, "/_sim/webhook-deliveries") == 0 && get)
        return answer_json(self, conn, "sim_webhook_deliveries", 200,
                           wsim_deliver_report(self->shop.deliver), -1, 0);
    if (strcmp(url, "/_sim/webhook-faults") == 0 && (get || put))
        return get ? answer_json(self, conn, "sim_webhook_faults", 200,
                                 wsim_deliver_faults_json(self->shop.deliver), -1, 0)
            : handle_sim_faults(self, conn, req);
    return answer(self, conn, "sim_other", 404, NULL, -1, 0);
}

/* request_done - free a request's state */
static void
request_done(void *cls, struct MHD_Connection *conn, void **con_cls,
             enum MHD_RequestTerminationCode toe)
{
    wsim_request_t *req = *con_cls;

    (void) cls;
    (void) conn;
    (void) toe;
    if (req == NULL)
        return;
    free(req->body);
    free(req);
    *con_cls = NULL;
}

/* handle - libmicrohttpd's access handler */
static enum MHD_Result
handle(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
       const char *version, const char *upload_data, size_t *upload_data_size,
       void **con_cls)
{
    wsim_server_t *self = cls;
    wsim_request_t *req = *con_cls;
    const char *endpoint, *code, *message;
    bool    drop, fail, fail502, reading;
    long    n;

    (void) version;
    if (req == NULL) {
        req = xcalloc(1, sizeof *req);
        *con_cls = req;
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (req->len + *upload_data_size > MAX_BODY) {
            req->too_big = true;
        } else {
            req->body = xrealloc(req->body, req->len + *upload_data_size + 1);
            memcpy(req->body + req->len, upload_data, *upload_data_size);
            req->len += *upload_data_size;
            req->body[req->len] = 0;
        }
        *upload_data_size = 0;
        return MHD_YES;
    }

    /* test control: no faults, no credentials */
    if (strncmp(url, "/_sim/", 6) == 0)
        return handle_sim(self, conn, url, method, req);

    endpoint = strcmp(url, API) == 0 || strcmp(url, API "/") == 0 ? "orders"
        : strncmp(url, API "/", strlen(API) + 1) == 0
          ? (strchr(url + strlen(API) + 1, '/') ? "refunds" : "order")
        : strcmp(url, HOOKS_API) == 0 || strcmp(url, HOOKS_API "/") == 0 ? "webhooks"
        : strncmp(url, HOOKS_API "/", strlen(HOOKS_API) + 1) == 0 ? "webhook" : "other";
    reading = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;

    pthread_mutex_lock(&self->lock);
    n = ++self->requests;
    drop = simlib_rng_unit(&self->rng) < self->opts.drop_rate;
    fail = simlib_rng_unit(&self->rng) < self->opts.fail_5xx_rate;
    fail502 = simlib_rng_unit(&self->rng) < 0.5;
    pthread_mutex_unlock(&self->lock);

    if (self->opts.slow_ms > 0)
        usleep((useconds_t) self->opts.slow_ms * 1000);
    if (drop) {
        count(self, endpoint, "dropped");
        return MHD_NO;
    }
    if (self->opts.rate_limit_every > 0 && n % self->opts.rate_limit_every == 0)
        return answer_error(self, conn, endpoint, 429, "too_many_requests",
                            "Too many requests; retry after the time in Retry-After.");
    if (fail)
        return answer(self, conn, endpoint, fail502 ? 502 : 500, NULL, -1, 0);
    if (strcmp(endpoint, "other") == 0 || (!reading && !routed(endpoint, method)))
        return answer_error(self, conn, endpoint, 404, "rest_no_route",
                            "No route was found matching the URL and request method.");
    if (!check_auth(self, conn, &code, &message))
        return answer_error(self, conn, endpoint, 401, code, message);
    if (!reading && self->opts.read_only)
        return answer_error(self, conn, endpoint, 401, "woocommerce_rest_authentication_error",
                            "The API key provided does not have write permissions.");
    if (strcmp(endpoint, "orders") == 0)
        return handle_orders(self, conn);
    if (strcmp(endpoint, "order") == 0)
        return handle_order(self, conn, url + strlen(API) + 1);
    if (strcmp(endpoint, "refunds") == 0)
        return handle_refunds(self, conn, url + strlen(API) + 1);
    if (strcmp(endpoint, "webhooks") == 0)
        return handle_webhooks(self, conn, method, req);
    return handle_webhook(self, conn, method, url + strlen(HOOKS_API) + 1, req);
}

/* mhd_log - libmicrohttpd's messages at debug level */
static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
    char    line[512];
    size_t  n;

    (void) cls;
    vsnprintf(line, sizeof line, fmt, ap);
    n = strlen(line);
    while (n > 0 && line[n - 1] == '\n')
        line[--n] = 0;
    log_debug("libmicrohttpd: %s", line);
}

/* wsim_server_new - listen and serve */
wsim_server_t *
wsim_server_new(const char *host, int port, const wsim_shop_t *shop,
                const wsim_server_opts_t *opts, char *err, size_t errlen)
{
    wsim_server_t *self;
    struct addrinfo hints, *ai = NULL;
    char    portstr[16];
    int     rc;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION
        | MHD_USE_ERROR_LOG;

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    snprintf(portstr, sizeof portstr, "%d", port);
    if ((rc = getaddrinfo(host, portstr, &hints, &ai)) != 0) {
        snprintf(err, errlen, "cannot resolve listen address %s: %s", host, gai_strerror(rc));
        return NULL;
    }
    self = xcalloc(1, sizeof *self);
    self->shop = *shop;
    self->opts = *opts;
    self->rng = opts->seed;
    pthread_mutex_init(&self->lock, NULL);
    if (ai->ai_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    self->mhd = MHD_start_daemon(flags, (uint16_t) port, NULL, NULL, handle, self,
                                 MHD_OPTION_SOCK_ADDR, ai->ai_addr,
                                 MHD_OPTION_NOTIFY_COMPLETED, request_done, self,
                                 MHD_OPTION_CONNECTION_TIMEOUT, (unsigned) 60,
                                 MHD_OPTION_EXTERNAL_LOGGER, mhd_log, self,
                                 MHD_OPTION_END);
    freeaddrinfo(ai);
    if (self->mhd == NULL) {
        snprintf(err, errlen, "cannot listen on %s:%d (address in use or not local?)",
                 host, port);
        pthread_mutex_destroy(&self->lock);
        free(self);
        return NULL;
    }
    return self;
}

/* wsim_server_destroy - stop serving */
void
wsim_server_destroy(wsim_server_t **self_p)
{
    wsim_server_t *self = *self_p;

    if (self == NULL)
        return;
    MHD_stop_daemon(self->mhd);
    pthread_mutex_destroy(&self->lock);
    free(self);
    *self_p = NULL;
}
