/*
 * NAME
 *   sim_server - the Globecharge simulator's HTTP side
 *
 * DESCRIPTION
 *   libmicrohttpd with its own polling thread and one thread per
 *   connection, so a slow answer (--slow-ms) delays only its own client.
 *   Each request is handled once its body is complete: faults first (drop,
 *   429 every Nth, 503 every Nth, random 500/502), then the session check,
 *   then the endpoint. The fault counters and the random stream are taken
 *   under one lock, so a seed gives the same faults for the same sequence
 *   of requests. An orders.cgi answer may then be spoilt on purpose
 *   (--truncate-every, --garbage-every, --wrong-encoding-every).
 *
 * DIAGNOSTICS
 *   Bad requests are answered per the contract and counted in /_sim/stats;
 *   nothing is logged per request.
 */
#include <netdb.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <microhttpd.h>

#include "log.h"
#include "xalloc.h"
#include "sim_feed.h"
#include "sim_server.h"
#include "../simlib/simlib.h"

#define MAX_SESSIONS 256
#define MAX_BODY (128 * 1024 * 1024)   /* room for a 100 MB raw order */

typedef struct {
    char    token[33];
    double  last_used;           /* monotonic seconds */
} sim_session_t;

struct sim_server {
    struct MHD_Daemon *mhd;
    sim_store_t *store;
    sim_server_opts_t opts;
    pthread_mutex_t lock;        /* everything below */
    uint64_t rng;
    long    requests;            /* faultable requests seen */
    long    authenticated;       /* requests with a valid session */
    long    pages;               /* orders.cgi answers built */
    sim_session_t sessions[MAX_SESSIONS];
    simlib_stats_t stats;       /* answers per endpoint and status */
};

typedef struct {
    char   *body;
    size_t  len;
    bool    too_big;
    struct MHD_PostProcessor *pp;
    char   *username;
    char   *password;
} sim_request_t;

typedef struct {
    char   *buf;
    size_t  len, cap;
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

/* sbuf_addf - append formatted text */
static void __attribute__((format(printf, 2, 3)))
sbuf_addf(sbuf_t *b, const char *fmt, ...)
{
    va_list ap;
    char   *s;
    int     n;

    va_start(ap, fmt);
    n = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (n < 0)
        log_fatal("out of memory formatting an answer");
    sbuf_add(b, s, (size_t) n);
    free(s);
}

/* monotonic - seconds on the monotonic clock */
static double
monotonic(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* count - record one answer in the statistics */
static void
count(sim_server_t *self, const char *endpoint, const char *status)
{
    pthread_mutex_lock(&self->lock);
    simlib_count(&self->stats, endpoint, status);
    pthread_mutex_unlock(&self->lock);
}

/* answer - queue a response with a body (taken over) and count it */
static enum MHD_Result
answer(sim_server_t *self, struct MHD_Connection *conn, const char *endpoint,
       unsigned status, char *body, size_t len, const char *ctype)
{
    struct MHD_Response *resp;
    enum MHD_Result ret;
    char    st[12];

    resp = MHD_create_response_from_buffer(len, body ? body : (void *) "",
                                           body ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
    if (ctype)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
    if (status == 429 || status == 503) {
        snprintf(st, sizeof st, "%ld", self->opts.retry_after);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, st);
    }
    ret = MHD_queue_response(conn, status, resp);
    MHD_destroy_response(resp);
    snprintf(st, sizeof st, "%u", status);
    count(self, endpoint, st);
    return ret;
}

/* answer_xml - a UTF-8 XML document (taken over), re-encoded if asked */
static enum MHD_Result
answer_xml(sim_server_t *self, struct MHD_Connection *conn, const char *endpoint,
           unsigned status, char *doc, size_t len)
{
    if (self->opts.encoding) {
        size_t  n;
        char   *enc = sim_feed_encode(doc, len, self->opts.encoding, &n);

        if (enc == NULL) {
            log_warning("cannot encode an answer of %s as %s; sending 500",
                        endpoint, self->opts.encoding);
            free(doc);
            return answer(self, conn, endpoint, 500, NULL, 0, NULL);
        }
        free(doc);
        return answer(self, conn, endpoint, status, enc, n,
                      strcmp(self->opts.encoding, "ISO-8859-1") == 0
                      ? "application/xml; charset=ISO-8859-1" : "application/xml");
    }
    return answer(self, conn, endpoint, status, doc, len, "application/xml; charset=UTF-8");
}

/* answer_error - <error code="...">text</error> with an HTTP status */
static enum MHD_Result
answer_error(sim_server_t *self, struct MHD_Connection *conn, const char *endpoint,
             unsigned status, const char *code, const char *text)
{
    sbuf_t  b = { 0 };

    sbuf_addf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
              "<error xmlns=\"" GCSIM_NS "\" code=\"%s\">%s</error>\n", code, text);
    return answer_xml(self, conn, endpoint, status, b.buf, b.len);
}

/* ends_with - whether the path ends with the segment */
static bool
ends_with(const char *url, const char *tail)
{
    size_t  u = strlen(url), t = strlen(tail);

    return u >= t && strcmp(url + u - t, tail) == 0;
}

/* parse_int - a strict decimal integer in [lo, hi]; false otherwise */
static bool
parse_int(const char *s, long long lo, long long hi, long long *out)
{
    char   *end;
    long long v;

    if (s == NULL || *s == 0 || *s == ' ' || *s == '+')
        return false;
    v = strtoll(s, &end, 10);
    if (*end || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

/* new_session - create a session; its token into tok */
static void
new_session(sim_server_t *self, char tok[33])
{
    unsigned char raw[16];
    size_t  i, slot = 0;
    double  now = monotonic(), oldest = now + 1;

    if (getrandom(raw, sizeof raw, 0) != (ssize_t) sizeof raw)
        for (i = 0; i < sizeof raw; i++)
            raw[i] = (unsigned char) (simlib_rng_unit(&self->rng) * 256);
    for (i = 0; i < 16; i++)
        snprintf(tok + 2 * i, 3, "%02x", raw[i]);
    for (i = 0; i < MAX_SESSIONS; i++) {
        if (self->sessions[i].token[0] == 0) {
            slot = i;
            break;
        }
        if (self->sessions[i].last_used < oldest) {
            oldest = self->sessions[i].last_used;
            slot = i;
        }
    }
    memcpy(self->sessions[slot].token, tok, 33);
    self->sessions[slot].last_used = now;
}

/* check_session - NULL when the request's session is valid, else why not */
static const char *
check_session(sim_server_t *self, struct MHD_Connection *conn)
{
    const char *tok = MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, "GCSESSION");
    const char *why = NULL;
    double  now = monotonic();
    size_t  i;

    if (tok == NULL)
        return "no session: log in at login.cgi first";
    pthread_mutex_lock(&self->lock);
    for (i = 0; i < MAX_SESSIONS; i++)
        if (self->sessions[i].token[0] && strcmp(self->sessions[i].token, tok) == 0)
            break;
    if (i == MAX_SESSIONS) {
        why = "the session is unknown or has expired; log in again";
    } else if (now - self->sessions[i].last_used > (double) self->opts.session_ttl) {
        why = "the session has expired after a period without requests; log in again";
        self->sessions[i].token[0] = 0;
    } else {
        self->authenticated++;
        if (self->opts.expire_session_every > 0
            && self->authenticated % self->opts.expire_session_every == 0) {
            why = "the session has expired; log in again";
            self->sessions[i].token[0] = 0;
        } else {
            self->sessions[i].last_used = now;
        }
    }
    pthread_mutex_unlock(&self->lock);
    return why;
}

/* login_field - collect username and password from the form */
static enum MHD_Result
login_field(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
            const char *content_type, const char *encoding, const char *data,
            uint64_t off, size_t size)
{
    sim_request_t *req = cls;
    char  **field = strcmp(key, "username") == 0 ? &req->username
        : strcmp(key, "password") == 0 ? &req->password : NULL;
    size_t  old;

    if (field == NULL)
        return MHD_YES;
    old = *field ? strlen(*field) : 0;
    if (old + size > 4096)
        return MHD_NO;
    *field = xrealloc(*field, old + size + 1);
    memcpy(*field + old, data, size);
    (*field)[old + size] = 0;
    return MHD_YES;
}

/* handle_login - POST login.cgi */
static enum MHD_Result
handle_login(sim_server_t *self, struct MHD_Connection *conn, sim_request_t *req)
{
    char    tok[33], cookie[96], stamp[32];
    time_t  exp = time(NULL) + self->opts.session_ttl;
    struct tm tm;
    sbuf_t  b = { 0 };
    struct MHD_Response *resp;
    enum MHD_Result ret;
    size_t  len;
    char   *doc;

    if (self->opts.refuse_login != NULL)
        return answer(self, conn, "login", 401,
                      memcpy(xmalloc(self->opts.refuse_login_len + 1), self->opts.refuse_login,
                             self->opts.refuse_login_len),
                      self->opts.refuse_login_len, "application/xml");
    if (req->username == NULL || req->password == NULL)
        return answer_error(self, conn, "login", 400, "bad-request",
                            "login.cgi needs the form fields username and password");
    if (strcmp(req->username, self->opts.user) != 0
        || strcmp(req->password, self->opts.password) != 0)
        return answer_error(self, conn, "login", 401, "auth",
                            "wrong username or password");
    pthread_mutex_lock(&self->lock);
    new_session(self, tok);
    pthread_mutex_unlock(&self->lock);
    gmtime_r(&exp, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    sbuf_addf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
              "<session xmlns=\"" GCSIM_NS "\" expires=\"%s\"/>\n", stamp);
    doc = b.buf;
    len = b.len;
    if (self->opts.encoding) {
        char   *enc = sim_feed_encode(b.buf, b.len, self->opts.encoding, &len);

        if (enc) {
            free(b.buf);
            doc = enc;
        }
    }
    resp = MHD_create_response_from_buffer(len, doc, MHD_RESPMEM_MUST_FREE);
    snprintf(cookie, sizeof cookie, "GCSESSION=%s; Path=/; HttpOnly", tok);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE, cookie);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, self->opts.encoding
                            ? "application/xml; charset=ISO-8859-1"
                            : "application/xml; charset=UTF-8");
    ret = MHD_queue_response(conn, 200, resp);
    MHD_destroy_response(resp);
    count(self, "login", "200");
    return ret;
}

/* page_add - append one order to a page; a raw one as it is */
static void
page_add(int64_t number, const char *xml, size_t len, bool raw, void *arg)
{
    sbuf_t *b = arg;
    size_t  skip;

    if (raw) {
        sbuf_add(b, xml, len);
        sbuf_add(b, "\n", 1);
        return;
    }
    sim_feed_strip_ns(xml, &skip);
    if (skip) {
        sbuf_add(b, "<order", 6);
        sbuf_add(b, xml + 6 + skip, len - 6 - skip);
    } else {
        sbuf_add(b, xml, len);
    }
    sbuf_add(b, "\n", 1);
}

/* relabel - replace the encoding of the XML declaration (taken over) */
static char *
relabel(char *doc, size_t *len, const char *from, const char *to)
{
    char   *at = strstr(doc, from);
    sbuf_t  b = { 0 };

    if (at == NULL || at - doc > 100)
        return doc;
    sbuf_add(&b, doc, (size_t) (at - doc));
    sbuf_add(&b, to, strlen(to));
    sbuf_add(&b, at + strlen(from), *len - (size_t) (at - doc) - strlen(from));
    free(doc);
    *len = b.len;
    return b.buf;
}

/* spoil_page - answer a page, or break it when a fault flag says so */
static enum MHD_Result
spoil_page(sim_server_t *self, struct MHD_Connection *conn, char *doc, size_t len)
{
    long    n;
    size_t  i;
    char   *enc;

    pthread_mutex_lock(&self->lock);
    n = ++self->pages;
    pthread_mutex_unlock(&self->lock);
    if (self->opts.truncate_every > 0 && n % self->opts.truncate_every == 0) {
        count(self, "orders", "truncated");
        return answer(self, conn, "orders", 200, doc, len / 2, "application/xml; charset=UTF-8");
    }
    if (self->opts.garbage_every > 0 && n % self->opts.garbage_every == 0) {
        free(doc);
        len = 4096;
        doc = xmalloc(len);
        pthread_mutex_lock(&self->lock);
        for (i = 0; i < len; i++)
            doc[i] = (char) (simlib_rng_unit(&self->rng) * 256);
        pthread_mutex_unlock(&self->lock);
        doc[0] = '\x89';                /* never '<' */
        count(self, "orders", "garbage");
        return answer(self, conn, "orders", 200, doc, len, "application/xml; charset=UTF-8");
    }
    if (self->opts.wrong_encoding_every > 0 && n % self->opts.wrong_encoding_every == 0) {
        count(self, "orders", "mislabelled");
        if ((n / self->opts.wrong_encoding_every) % 2) {
            doc = relabel(doc, &len, "encoding=\"UTF-8\"", "encoding=\"ISO-8859-1\"");
            return answer(self, conn, "orders", 200, doc, len,
                          "application/xml; charset=ISO-8859-1");
        }
        if ((enc = sim_feed_encode(doc, len, "ISO-8859-1", &len)) != NULL) {
            free(doc);
            doc = relabel(enc, &len, "encoding=\"ISO-8859-1\"", "encoding=\"UTF-8\"");
            return answer(self, conn, "orders", 200, doc, len, "application/xml; charset=UTF-8");
        }
        free(doc);
        return answer(self, conn, "orders", 500, NULL, 0, NULL);
    }
    return answer_xml(self, conn, "orders", 200, doc, len);
}

/* handle_orders - GET orders.cgi?from=N&max=M */
static enum MHD_Result
handle_orders(sim_server_t *self, struct MHD_Connection *conn)
{
    const char *from_s = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "from");
    const char *max_s = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "max");
    long long from, max = 50;
    sbuf_t  page = { 0 }, doc = { 0 };
    int64_t last = 0, highest;
    int     n;

    if (!parse_int(from_s, 0, INT64_MAX, &from))
        return answer_error(self, conn, "orders", 400, "bad-request",
                            "orders.cgi needs from=N with N a non-negative integer");
    if (max_s && !parse_int(max_s, 1, 100, &max))
        return answer_error(self, conn, "orders", 400, "bad-request",
                            "max must be an integer from 1 to 100");
    sbuf_add(&page, "", 0);
    n = sim_store_page(self->store, from, (int) max, page_add, &page, &last);
    if (n < 0) {
        free(page.buf);
        return answer(self, conn, "orders", 500, NULL, 0, NULL);
    }
    highest = sim_store_highest(self->store);
    sbuf_addf(&doc, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
              "<orders xmlns=\"" GCSIM_NS "\" from=\"%lld\" count=\"%d\" next=\"%lld\""
              " highest=\"%lld\">\n", from, n, n ? (long long) last + 1 : from,
              (long long) highest);
    sbuf_add(&doc, page.buf, page.len);
    sbuf_add(&doc, "</orders>\n", 10);
    free(page.buf);
    return spoil_page(self, conn, doc.buf, doc.len);
}

/* handle_order - GET order.cgi?number=N */
static enum MHD_Result
handle_order(sim_server_t *self, struct MHD_Connection *conn)
{
    const char *num_s = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "number");
    long long number;
    char   *xml;
    sbuf_t  doc = { 0 };
    bool    raw;

    if (!parse_int(num_s, 1, INT64_MAX, &number))
        return answer_error(self, conn, "order", 400, "bad-request",
                            "order.cgi needs number=N with N a positive integer");
    if ((xml = sim_store_get(self->store, number, &raw)) == NULL)
        return answer_error(self, conn, "order", 404, "not-found", "no such order");
    if (raw)
        return answer(self, conn, "order", 200, xml, strlen(xml), "application/xml");
    sbuf_addf(&doc, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n%s\n", xml);
    free(xml);
    return answer_xml(self, conn, "order", 200, doc.buf, doc.len);
}

struct put_ctx {
    sim_server_t *self;
    char    err[256];
};

/* put_one - store one order sent to /_sim/orders */
static int
put_one(int64_t number, const char *status, const char *xml, void *arg)
{
    struct put_ctx *ctx = arg;

    return sim_store_put(ctx->self->store, number, status, xml, ctx->err, sizeof ctx->err);
}

/* put_raw - PUT /_sim/orders?raw=1&number=N&status=S: store the body as it is */
static enum MHD_Result
put_raw(sim_server_t *self, struct MHD_Connection *conn, sim_request_t *req)
{
    const char *num_s = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "number");
    const char *status = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "status");
    long long number;
    char    err[512];
    char   *msg;

    if (!parse_int(num_s, 1, INT64_MAX, &number) || status == NULL || *status == 0) {
        msg = xstrdup("raw=1 needs number=N and status=S\n");
        return answer(self, conn, "sim_orders", 400, msg, strlen(msg), "text/plain");
    }
    if (req->body == NULL || req->len == 0 || strlen(req->body) != req->len) {
        msg = xstrdup("a raw order needs a body without NUL bytes\n");
        return answer(self, conn, "sim_orders", 400, msg, strlen(msg), "text/plain");
    }
    if (sim_store_put_raw(self->store, number, status, req->body, true, err, sizeof err) < 0) {
        msg = xasprintf("%s\n", err);
        return answer(self, conn, "sim_orders", 500, msg, strlen(msg), "text/plain");
    }
    msg = xstrdup("{\"stored\": 1}\n");
    return answer(self, conn, "sim_orders", 200, msg, strlen(msg), "application/json");
}

/* handle_sim_orders - PUT /_sim/orders: add or replace orders */
static enum MHD_Result
handle_sim_orders(sim_server_t *self, struct MHD_Connection *conn, sim_request_t *req)
{
    struct put_ctx ctx = { self, "" };
    char    err[512];
    int     n;

    if (req->too_big)
        return answer(self, conn, "sim_orders", 413, xstrdup("body too large\n"), 15, "text/plain");
    if (MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "raw"))
        return put_raw(self, conn, req);
    n = sim_feed_parse(req->body ? req->body : "", req->len, "PUT /_sim/orders",
                       put_one, &ctx, err, sizeof err);
    if (n <= 0) {
        char   *msg = xasprintf("%s\n", n < 0 ? err : "no order with a readable number and status");

        return answer(self, conn, "sim_orders", 400, msg, strlen(msg), "text/plain");
    }
    {
        char   *msg = xasprintf("{\"stored\": %d}\n", n);

        return answer(self, conn, "sim_orders", 200, msg, strlen(msg), "application/json");
    }
}

/* handle_sim_stats - GET /_sim/stats */
static enum MHD_Result
handle_sim_stats(sim_server_t *self, struct MHD_Connection *conn)
{
    json_t *root = json_object(), *reqs;
    char   *text;

    pthread_mutex_lock(&self->lock);
    reqs = simlib_stats_json(&self->stats);
    json_object_set_new(root, "total", json_integer(self->stats.total));
    json_object_set_new(root, "orders", json_integer(sim_store_count(self->store)));
    pthread_mutex_unlock(&self->lock);
    json_object_set_new(root, "requests", reqs);
    text = json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS);
    json_decref(root);
    return answer(self, conn, "sim_stats", 200, text, strlen(text), "application/json");
}

/* request_done - free a request's state */
static void
request_done(void *cls, struct MHD_Connection *conn, void **con_cls,
             enum MHD_RequestTerminationCode toe)
{
    sim_request_t *req = *con_cls;

    if (req == NULL)
        return;
    if (req->pp)
        MHD_destroy_post_processor(req->pp);
    free(req->body);
    free(req->username);
    free(req->password);
    free(req);
    *con_cls = NULL;
}

/* handle - libmicrohttpd's access handler */
static enum MHD_Result
handle(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
       const char *version, const char *upload_data, size_t *upload_data_size,
       void **con_cls)
{
    sim_server_t *self = cls;
    sim_request_t *req = *con_cls;
    const char *endpoint;
    const char *why;
    bool    drop, fail, fail502;
    long    n;

    if (req == NULL) {
        req = xcalloc(1, sizeof *req);
        *con_cls = req;
        if (strcmp(method, "POST") == 0 && ends_with(url, "/login.cgi"))
            req->pp = MHD_create_post_processor(conn, 4096, login_field, req);
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (req->pp) {
            if (MHD_post_process(req->pp, upload_data, *upload_data_size) != MHD_YES)
                req->too_big = true;
        } else if (req->len + *upload_data_size > MAX_BODY) {
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

    /* test control: no faults, no session */
    if (ends_with(url, "/_sim/orders")) {
        if (strcmp(method, "PUT") && strcmp(method, "POST"))
            return answer(self, conn, "sim_orders", 405, NULL, 0, NULL);
        return handle_sim_orders(self, conn, req);
    }
    if (ends_with(url, "/_sim/stats"))
        return handle_sim_stats(self, conn);

    endpoint = ends_with(url, "/login.cgi") ? "login" : ends_with(url, "/orders.cgi")
        ? "orders" : ends_with(url, "/order.cgi") ? "order" : "other";

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
        return answer_error(self, conn, endpoint, 429, "rate-limit",
                            "too many requests; retry after the time in Retry-After");
    if (self->opts.maintenance_every > 0 && n % self->opts.maintenance_every == 0)
        return answer_error(self, conn, endpoint, 503, "maintenance",
                            "down for maintenance; retry after the time in Retry-After");
    if (fail)
        return answer(self, conn, endpoint, fail502 ? 502 : 500, NULL, 0, NULL);

    if (strcmp(endpoint, "login") == 0) {
        if (strcmp(method, "POST") != 0)
            return answer_error(self, conn, endpoint, 405, "bad-request", "login.cgi takes POST");
        if (req->too_big)
            return answer_error(self, conn, endpoint, 400, "bad-request", "form too large");
        if (req->pp == NULL)
            return answer_error(self, conn, endpoint, 400, "bad-request",
                                "login.cgi needs an application/x-www-form-urlencoded form");
        return handle_login(self, conn, req);
    }
    if (strcmp(endpoint, "other") == 0)
        return answer_error(self, conn, endpoint, 404, "not-found", "no such page");
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        return answer_error(self, conn, endpoint, 405, "bad-request", "only GET is served here");
    if ((why = check_session(self, conn)) != NULL)
        return answer_error(self, conn, endpoint, 401, "session-expired", why);
    if (strcmp(endpoint, "orders") == 0)
        return handle_orders(self, conn);
    return handle_order(self, conn);
}

/* mhd_log - libmicrohttpd's messages (e.g. each dropped connection) at debug level */
static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
    char    line[512];
    size_t  n;

    vsnprintf(line, sizeof line, fmt, ap);
    n = strlen(line);
    while (n > 0 && line[n - 1] == '\n')
        line[--n] = 0;
    log_debug("libmicrohttpd: %s", line);
}

/* sim_server_new - listen and serve */
sim_server_t *
sim_server_new(const char *host, int port, sim_store_t *store,
               const sim_server_opts_t *opts, char *err, size_t errlen)
{
    sim_server_t *self;
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
    self->store = store;
    self->opts = *opts;
    if (self->opts.session_ttl <= 0)
        self->opts.session_ttl = 1800;
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

/* sim_server_destroy - stop serving */
void
sim_server_destroy(sim_server_t **self_p)
{
    sim_server_t *self = *self_p;

    if (self == NULL)
        return;
    MHD_stop_daemon(self->mhd);
    pthread_mutex_destroy(&self->lock);
    free(self);
    *self_p = NULL;
}
