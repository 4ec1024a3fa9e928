/*
 * NAME
 *   webhook - the fetcher's receiver of webhook deliveries (see webhook.h)
 *
 * DESCRIPTION
 *   libmicrohttpd in its "external" mode with epoll (MHD_USE_EPOLL, no
 *   thread): the loop watches MHD's epoll descriptor and calls MHD_run()
 *   when it is ready, and again when MHD_get_timeout() says (a client
 *   that stays silent is closed after REQUEST_TIMEOUT_S). Request
 *   handlers therefore run on the loop thread, between the other handlers.
 *   The body is gathered whole (at most max_body_bytes) before anything
 *   is decided from it: its signature covers every byte.
 *
 *   TLS is libmicrohttpd's own (GnuTLS), as in koppel-web: the PEM texts
 *   are read at each bind and kept while the listener runs; a reload that
 *   finds other texts in the files (a certificate renewed in place) binds
 *   anew.
 *
 * DIAGNOSTICS
 *   A refused signature and a body that is not an order are logged with
 *   log_peer_warning (one line per LOG_PEER_INTERVAL_S, "webhook"), never
 *   with the secret or the body.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <microhttpd.h>

#include "hookorder.h"
#include "hooksig.h"
#include "hookstore.h"
#include "listen.h"
#include "log.h"
#include "textfile.h"
#include "webhook.h"
#include "xalloc.h"

#define REQUEST_TIMEOUT_S 30        /* a client silent this long is closed */
#define CONNECTIONS_MAX   64        /* WooCommerce delivers one at a time per webhook */
#define TIMER_MAX_MS      1000      /* MHD_run at least this often while it has clients */
#define DELIVERY_ID_MAX   128       /* a longer delivery id is not remembered */
#define PURGE_MS          (3600 * 1000)

/* a running libmicrohttpd daemon and the settings it was bound with */
typedef struct {
    struct MHD_Daemon *mhd;
    int     fd;                     /* its epoll descriptor */
    char   *cert, *key;             /* PEM texts, while it runs */
    char   *listen, *tls_certificate, *tls_key; /* what it was bound with */
} listener_t;

struct webhook {
    daemon_loop_t *loop;
    const cfg_t *cfg;               /* paths, secrets, body limit */
    store_t *store;
    infolog_t *infolog;
    webhook_stored_fn *stored;
    void   *arg;
    listener_t l;                   /* mhd NULL: not listening */
    int     timer;                  /* the next MHD_run for timeouts, -1: none */
    int     purge_timer;
    bool    ready;                  /* the tables are there: deliveries can be stored */
    json_t *stats;                  /* per profile name: what came since the start */
};

/* one request's upload */
typedef struct {
    char   *path;
    char   *body;
    size_t  len, cap;
    bool    too_large;
} upload_t;

static void run(webhook_t *self);

/* count - add one to a profile's counter; a received delivery sets "last" */
static void
count(webhook_t *self, const char *profile, const char *counter)
{
    json_t *p = json_object_get(self->stats, profile);
    char    now[32];
    time_t  t = time(NULL);
    struct tm tm;

    if (p == NULL) {
        p = json_pack("{s:i, s:i, s:i}", "received", 0, "refused", 0, "ignored", 0);
        json_object_set_new(self->stats, profile, p);
    }
    json_object_set_new(p, counter, json_integer(json_integer_value(json_object_get(p, counter))
                                                 + 1));
    if (strcmp(counter, "received") == 0) {
        gmtime_r(&t, &tm);
        strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
        json_object_set_new(p, "last", json_string(now));
    }
}

/* header - a request header's value, NULL when absent */
static const char *
header(struct MHD_Connection *c, const char *name)
{
    return MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
}

/* respond - queue a short plain-text answer */
static enum MHD_Result
respond(struct MHD_Connection *c, unsigned status, const char *text)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(strlen(text), (void *) text,
                                                             MHD_RESPMEM_PERSISTENT);
    enum MHD_Result rc;

    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
    rc = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return rc;
}

/* is_ping - WooCommerce's first delivery to a new webhook: "webhook_id=N",
 * form-encoded, unsigned, no order topic */
static bool
is_ping(const upload_t *up, const char *topic)
{
    static const char prefix[] = "webhook_id=";
    size_t  n = sizeof prefix - 1, i;

    if ((topic && strncmp(topic, "order.", 6) == 0) || up->len <= n
        || memcmp(up->body, prefix, n) != 0)
        return false;
    for (i = n; i < up->len; i++)
        if (up->body[i] < '0' || up->body[i] > '9')
            return false;
    return true;
}

/* take - store the order of a signed delivery: the status to answer */
static unsigned
take(webhook_t *self, const profile_t *p, struct MHD_Connection *c, const upload_t *up)
{
    const char *id = header(c, "X-WC-Webhook-Delivery-ID");
    char    why[1024];
    int64_t number;

    if (id == NULL || strlen(id) > DELIVERY_ID_MAX)
        id = "";
    switch (hookorder_take(p, self->store, self->infolog, id, up->body, up->len, &number,
                           why, sizeof why)) {
    case HOOKORDER_TAKEN:
        log_debug("profile %s: order %lld delivered by webhook", p->name, (long long) number);
        if (getenv("KOPPEL_TEST_WEBHOOK_EXIT_AFTER_COMMIT"))
            _exit(137);                 /* e2e: killed between storing and answering */
        self->stored(self->arg);
        return MHD_HTTP_OK;
    case HOOKORDER_REPEAT:
        log_debug("profile %s: order %lld: webhook delivery %s taken before", p->name,
                  (long long) number, id);
        count(self, p->name, "ignored");
        return MHD_HTTP_OK;
    case HOOKORDER_OVERTAKEN:
        log_debug("profile %s: order %lld: webhook delivery of an older state ignored",
                  p->name, (long long) number);
        count(self, p->name, "ignored");
        return MHD_HTTP_OK;
    case HOOKORDER_BAD:
        log_peer_warning("webhook", "webhook: profile %s: a signed delivery that is not an "
                         "order was refused: %s", p->name, why);
        return MHD_HTTP_BAD_REQUEST;
    case HOOKORDER_FAILED:
        break;
    }
    log_error("profile %s: webhook delivery of order %lld not stored (WooCommerce sends it "
              "again): %s", p->name, (long long) number, why);
    return MHD_HTTP_INTERNAL_SERVER_ERROR;
}

/* finish - the whole request is in: what to answer */
static unsigned
finish(webhook_t *self, struct MHD_Connection *c, const upload_t *up)
{
    const profile_t *p = cfg_webhook_profile(self->cfg, up->path);
    const char *topic = header(c, "X-WC-Webhook-Topic");

    if (up->too_large)
        return MHD_HTTP_CONTENT_TOO_LARGE;
    if (p == NULL)                      /* its profile was removed by a reload */
        return MHD_HTTP_NOT_FOUND;
    if (is_ping(up, topic))
        return MHD_HTTP_OK;
    if (!hooksig_ok(p->webhook_secret, up->body, up->len,
                    header(c, "X-WC-Webhook-Signature"))) {
        count(self, p->name, "refused");
        log_peer_warning("webhook", "webhook: profile %s: refused a delivery whose signature "
                         "is not made with the webhook's secret (check shop.webhook.secret "
                         "against the webhook in WooCommerce)", p->name);
        return MHD_HTTP_UNAUTHORIZED;
    }
    count(self, p->name, "received");
    if (topic == NULL || (strcmp(topic, "order.created") != 0
                          && strcmp(topic, "order.updated") != 0)) {
        count(self, p->name, "ignored");  /* e.g. order.deleted: not booked, not refused */
        return MHD_HTTP_OK;
    }
    return take(self, p, c, up);
}

/* begin - a request's first call: refuse what needs no body to refuse */
static enum MHD_Result
begin(webhook_t *self, struct MHD_Connection *c, const char *url, const char *method,
      void **con_cls)
{
    const char *length = header(c, MHD_HTTP_HEADER_CONTENT_LENGTH);
    upload_t *up;

    if (cfg_webhook_profile(self->cfg, url) == NULL)
        return respond(c, MHD_HTTP_NOT_FOUND, "no webhook at this path\n");
    if (strcmp(method, MHD_HTTP_METHOD_POST) != 0)
        return respond(c, MHD_HTTP_METHOD_NOT_ALLOWED, "POST only\n");
    if (length && strtoull(length, NULL, 10)
                  > (unsigned long long) self->cfg->webhooks.max_body_bytes)
        return respond(c, MHD_HTTP_CONTENT_TOO_LARGE, "body too large\n");
    up = xcalloc(1, sizeof *up);
    up->path = xstrdup(url);
    up->body = xstrdup("");             /* an empty body is text too */
    up->cap = 1;
    *con_cls = up;
    return MHD_YES;
}

/* gather - add a piece of the body, or note that it is too large */
static void
gather(webhook_t *self, upload_t *up, const char *data, size_t n)
{
    if (up->too_large || up->len + n > (size_t) self->cfg->webhooks.max_body_bytes) {
        up->too_large = true;
        return;
    }
    if (up->len + n + 1 > up->cap) {
        up->cap = (up->len + n + 1) * 2;
        up->body = xrealloc(up->body, up->cap);
    }
    memcpy(up->body + up->len, data, n);
    up->len += n;
    up->body[up->len] = 0;
}

/* answer - libmicrohttpd's request callback */
static enum MHD_Result
answer(void *cls, struct MHD_Connection *c, const char *url, const char *method,
       const char *version, const char *data, size_t *size, void **con_cls)
{
    webhook_t *self = cls;
    upload_t *up = *con_cls;
    unsigned status;

    if (up == NULL)
        return begin(self, c, url, method, con_cls);
    if (*size) {
        gather(self, up, data, *size);
        *size = 0;
        return MHD_YES;
    }
    status = finish(self, c, up);
    return respond(c, status, status == MHD_HTTP_OK ? "ok\n"
                   : status == MHD_HTTP_UNAUTHORIZED ? "signature refused\n"
                   : status == MHD_HTTP_CONTENT_TOO_LARGE ? "body too large\n"
                   : status == MHD_HTTP_NOT_FOUND ? "no webhook at this path\n"
                   : status == MHD_HTTP_BAD_REQUEST ? "not an order\n"
                   : "not stored, send it again\n");
}

/* completed - a request is done: free its upload */
static void
completed(void *cls, struct MHD_Connection *c, void **con_cls,
          enum MHD_RequestTerminationCode code)
{
    upload_t *up = *con_cls;

    if (up == NULL)
        return;
    free(up->path);
    free(up->body);
    free(up);
    *con_cls = NULL;
}

/* mhd_log - libmicrohttpd's own errors (a failed TLS handshake, a bind) */
static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
    char    text[512];

    vsnprintf(text, sizeof text, fmt, ap);
    text[strcspn(text, "\n")] = 0;
    log_peer_warning("webhook listener", "webhook listener: %s", text);
}

/* on_timer, on_ready - libmicrohttpd has work: a timeout, or a descriptor */
static void
on_timer(daemon_loop_t *loop, void *arg)
{
    webhook_t *self = arg;

    self->timer = -1;
    run(self);
}

static void
on_ready(daemon_loop_t *loop, void *arg)
{
    run(arg);
}

/* run - let libmicrohttpd do what it can without waiting, then set the
 * timer for what it has to do later (0 ms: at once, it has more ready) */
static void
run(webhook_t *self)
{
    MHD_UNSIGNED_LONG_LONG ms;

    if (self->l.mhd == NULL)
        return;
    MHD_run(self->l.mhd);
    if (self->timer >= 0)
        daemon_loop_cancel(self->loop, self->timer);
    self->timer = -1;
    if (MHD_get_timeout(self->l.mhd, &ms) == MHD_YES)
        self->timer = daemon_loop_once(self->loop, ms < TIMER_MAX_MS ? (size_t) ms
                                       : TIMER_MAX_MS, "webhook timeouts", on_timer, self);
}

/* pem - read a PEM file named by a setting; NULL (logged) when it cannot be */
static char *
pem(const char *setting, const char *path)
{
    char   *text = textfile_read(path, TEXTFILE_PEM_MAX);

    if (text == NULL)
        log_error("koppel.webhooks.%s: cannot read %s (a PEM file the fetcher's user may "
                  "read)", setting, path);
    return text;
}

/* listener_stop - stop a listener and free what it holds */
static void
listener_stop(webhook_t *self, listener_t *l)
{
    if (l->mhd) {
        daemon_loop_fd_end(self->loop, l->fd);
        MHD_stop_daemon(l->mhd);
    }
    if (l->key)
        explicit_bzero(l->key, strlen(l->key));
    free(l->key);
    free(l->cert);
    free(l->listen);
    free(l->tls_certificate);
    free(l->tls_key);
    memset(l, 0, sizeof *l);
}

/* listener_start - bind as w says into l; false (logged) when it cannot */
static bool
listener_start(webhook_t *self, const webhooks_t *w, listener_t *l)
{
    struct sockaddr_storage sa;
    bool    loopback, tls = *w->tls_certificate != 0;
    struct MHD_OptionItem opts[3] = { { MHD_OPTION_END, 0, NULL } };

    memset(l, 0, sizeof *l);
    if (!listen_parse(w->listen, &sa, &loopback))
        return false;                   /* cfg_load admits none such */
    if (tls) {
        if ((l->cert = pem("tls_certificate", w->tls_certificate)) == NULL
            || (l->key = pem("tls_key", w->tls_key)) == NULL) {
            listener_stop(self, l);
            return false;
        }
        opts[0] = (struct MHD_OptionItem) { MHD_OPTION_HTTPS_MEM_CERT, 0, l->cert };
        opts[1] = (struct MHD_OptionItem) { MHD_OPTION_HTTPS_MEM_KEY, 0, l->key };
        opts[2] = (struct MHD_OptionItem) { MHD_OPTION_END, 0, NULL };
    }
    l->mhd = MHD_start_daemon(MHD_USE_EPOLL | MHD_USE_ERROR_LOG | (tls ? MHD_USE_TLS : 0),
                              0, NULL, NULL, answer, self,
                              MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
                              MHD_OPTION_SOCK_ADDR, (struct sockaddr *) &sa,
                              MHD_OPTION_NOTIFY_COMPLETED, completed, self,
                              MHD_OPTION_CONNECTION_TIMEOUT, (unsigned) REQUEST_TIMEOUT_S,
                              MHD_OPTION_CONNECTION_LIMIT, (unsigned) CONNECTIONS_MAX,
                              MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
    if (l->mhd == NULL) {
        log_error("koppel.webhooks: cannot listen on %s%s (in use, or no permission)",
                  w->listen, tls ? " with TLS (is the key the certificate's?)" : "");
        listener_stop(self, l);
        return false;
    }
    l->fd = MHD_get_daemon_info(l->mhd, MHD_DAEMON_INFO_EPOLL_FD)->epoll_fd;
    l->listen = xstrdup(w->listen);
    l->tls_certificate = xstrdup(w->tls_certificate);
    l->tls_key = xstrdup(w->tls_key);
    daemon_loop_fd(self->loop, l->fd, ZMQ_POLLIN, "webhook listener", on_ready, self);
    log_info("receiving webhooks on %s://%s/", tls ? "https" : "http", w->listen);
    return true;
}

/* same_file - whether a PEM file still holds the text read at the bind */
static bool
same_file(const char *path, const char *text)
{
    char   *now = textfile_read(path, TEXTFILE_PEM_MAX);
    bool    same = now && strcmp(now, text) == 0;

    if (now)
        explicit_bzero(now, strlen(now));
    free(now);
    return same;
}

/* bound_as - whether the listener runs as w says (off counts as "not
 * running"): the address, the TLS files' names and what they hold, so that
 * a certificate renewed in place is taken at a reload */
static bool
bound_as(const listener_t *l, const webhooks_t *w)
{
    if (l->mhd == NULL || !w->enabled)
        return l->mhd == NULL && !w->enabled;
    if (strcmp(l->listen, w->listen) != 0 || strcmp(l->tls_certificate, w->tls_certificate) != 0
        || strcmp(l->tls_key, w->tls_key) != 0)
        return false;
    return *w->tls_certificate == 0
           || (same_file(w->tls_certificate, l->cert) && same_file(w->tls_key, l->key));
}

/* purge - forget the delivery ids of long ago */
static void
purge(daemon_loop_t *loop, void *arg)
{
    webhook_t *self = arg;

    hookstore_purge(self->store, db_now() - HOOKSTORE_KEEP_S);
}

webhook_t *
webhook_new(daemon_loop_t *loop, const cfg_t *cfg, store_t *store, infolog_t *infolog,
            webhook_stored_fn *stored, void *arg)
{
    webhook_t *self = xcalloc(1, sizeof *self);
    char    err[512];

    self->loop = loop;
    self->cfg = cfg;
    self->store = store;
    self->infolog = infolog;
    self->stored = stored;
    self->arg = arg;
    self->timer = -1;
    self->stats = json_object();
    if (!hookstore_init(store, err, sizeof err))
        log_error("webhooks: %s: deliveries are not received", err);
    else {
        self->ready = true;
        self->purge_timer = daemon_loop_every(loop, PURGE_MS, "webhook purge", purge, self);
        if (cfg->webhooks.enabled)
            listener_start(self, &cfg->webhooks, &self->l);
    }
    return self;
}

/* rebind_in_place - new TLS files on the same address: the port is needed
 * again, so the listener stops first; when the new files do not serve, it
 * starts again as it was */
static void
rebind_in_place(webhook_t *self, const webhooks_t *w)
{
    webhooks_t was = { .enabled = true, .listen = xstrdup(self->l.listen),
                       .tls_certificate = xstrdup(self->l.tls_certificate),
                       .tls_key = xstrdup(self->l.tls_key) };

    listener_stop(self, &self->l);
    if (!listener_start(self, w, &self->l)) {
        log_error("koppel.webhooks: the new TLS settings cannot be used; listening as before");
        listener_start(self, &was, &self->l);
    }
    free(was.listen);
    free(was.tls_certificate);
    free(was.tls_key);
}

void
webhook_set_cfg(webhook_t *self, const cfg_t *fresh)
{
    const webhooks_t *w = &fresh->webhooks;
    listener_t old = self->l;

    self->cfg = fresh;
    if (!self->ready || bound_as(&self->l, w))
        return;                         /* no store for it, or nothing to bind anew */
    if (!w->enabled) {
        listener_stop(self, &self->l);
        log_info("koppel.webhooks removed: no webhooks are received");
    } else if (old.mhd && strcmp(old.listen, w->listen) == 0)
        rebind_in_place(self, w);
    else if (listener_start(self, w, &self->l))
        listener_stop(self, &old);      /* the new address serves: leave the old one */
    else {
        self->l = old;
        log_error("koppel.webhooks: cannot listen as the new settings say; %s", old.mhd
                  ? "the listener in force stays" : "no webhooks are received until a reload");
    }
}

void
webhook_status(const webhook_t *self, json_t *profiles)
{
    const char *name;
    json_t *v;

    json_object_foreach(self->stats, name, v) {
        json_t *p = json_object_get(profiles, name);

        if (p)
            json_object_set(p, "webhooks", v);
    }
}

void
webhook_destroy(webhook_t **self_p)
{
    webhook_t *self;

    if (self_p == NULL || *self_p == NULL)
        return;
    self = *self_p;
    if (self->timer >= 0)
        daemon_loop_cancel(self->loop, self->timer);
    if (self->ready)
        daemon_loop_cancel(self->loop, self->purge_timer);
    listener_stop(self, &self->l);
    json_decref(self->stats);
    free(self);
    *self_p = NULL;
}
