/*
 * NAME
 *   wsim_deliver - the WooCommerce simulator's webhook deliveries
 *
 * DESCRIPTION
 *   See wsim_deliver.h. Each thread has a queue of its own and one libcurl
 *   handle; an order goes to thread id % workers. Everything a fault needs
 *   is decided when a change is queued, under the one lock that also
 *   guards the counters and the log, so that a seed gives the same faults
 *   for the same sequence of changes. The secret and delivery URL are
 *   looked up when the delivery is sent: a webhook disabled or paused
 *   meanwhile gets nothing (logged "skipped"), as WooCommerce checks the
 *   status before it delivers.
 *
 * DIAGNOSTICS
 *   A webhook disabled after failed deliveries is logged once, as a
 *   warning; each delivery is in the report (wsim_deliver_report).
 */
#include <ctype.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "base64.h"
#include "log.h"
#include "xalloc.h"
#include "wsim_deliver.h"
#include "../simlib/simlib.h"

#define USER_AGENT "WooCommerce/8.9.1 Hookshot (WordPress/6.5.3)"
#define MAX_HOOKS 64            /* webhooks of one topic delivered to */

typedef struct job {
    struct job *next;
    bool    ping;
    int64_t webhook_id, order_id, delivery_id;
    char    topic[64];
    char   *body;
    const char *fault;           /* "duplicate", "out-of-order", or NULL */
    bool    bad_signature;
} job_t;

typedef struct {
    int64_t delivery_id, webhook_id, order_id;
    char    topic[64];
    char    modified[32];        /* the body's date_modified_gmt */
    const char *result;          /* delivered, failed, dropped, skipped */
    const char *fault;
    bool    ping, bad_signature;
    long    http_status;         /* 0: no answer */
    int64_t sent_at_us;          /* wall clock, when the request started */
    long    duration_ms;
    char    error[160];          /* libcurl's, for a delivery without answer */
} entry_t;

typedef struct {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    job_t  *head, *tail;
    wsim_deliver_t *owner;
} worker_t;

struct wsim_deliver {
    wsim_hooks_t *hooks;
    wsim_deliver_opts_t opts;
    char   *source;              /* X-WC-Webhook-Source */
    worker_t *workers;
    atomic_bool stopping;
    pthread_mutex_t lock;        /* everything below */
    uint64_t rng;
    wsim_deliver_faults_t faults;
    int64_t next_delivery_id;
    entry_t *log;
    size_t  nlog, caplog;
    long    queued, sent, delivered, failed, dropped, skipped, pings, disabled;
    long    duplicated, reordered, badly_signed;
};

/* now_us - the wall clock in microseconds */
static int64_t
now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* wsim_deliver_signature - base64 of the HMAC-SHA256 */
char *
wsim_deliver_signature(const char *body, size_t len, const char *secret)
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int maclen = 0;

    HMAC(EVP_sha256(), secret, (int) strlen(secret), (const unsigned char *) body, len, mac,
         &maclen);
    return base64_encode(mac, maclen);
}

/* log_add - append an entry; the caller holds the lock */
static void
log_add(wsim_deliver_t *self, const entry_t *e)
{
    if (self->nlog == self->caplog) {
        self->caplog = self->caplog ? self->caplog * 2 : 256;
        self->log = xrealloc(self->log, self->caplog * sizeof *self->log);
    }
    self->log[self->nlog++] = *e;
}

/* entry_of - a log entry for a job */
static entry_t
entry_of(const job_t *j)
{
    entry_t e;
    json_t *o = j->ping ? NULL : json_loads(j->body, 0, NULL);
    const char *m = json_string_value(json_object_get(o, "date_modified_gmt"));

    memset(&e, 0, sizeof e);
    e.delivery_id = j->delivery_id;
    e.webhook_id = j->webhook_id;
    e.order_id = j->order_id;
    snprintf(e.topic, sizeof e.topic, "%s", j->topic);
    snprintf(e.modified, sizeof e.modified, "%s", m ? m : "");
    e.fault = j->fault;
    e.ping = j->ping;
    e.bad_signature = j->bad_signature;
    json_decref(o);
    return e;
}

/* job_free - free a job */
static void
job_free(job_t *j)
{
    free(j->body);
    free(j);
}

/* enqueue - hand a job to its thread */
static void
enqueue(wsim_deliver_t *self, job_t *j)
{
    int64_t key = j->ping ? j->webhook_id : j->order_id;
    worker_t *w = &self->workers[key % self->opts.workers];

    pthread_mutex_lock(&self->lock);
    self->queued++;
    pthread_mutex_unlock(&self->lock);
    pthread_mutex_lock(&w->lock);
    if (w->tail)
        w->tail->next = j;
    else
        w->head = j;
    w->tail = j;
    pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->lock);
}

/* discard_body - libcurl write callback: the receiver's answer is not read */
static size_t
discard_body(char *data, size_t size, size_t nmemb, void *arg)
{
    (void) data;
    (void) arg;
    return size * nmemb;
}

/* headers_of - the request headers of a delivery (a ping has none of WooCommerce's) */
static struct curl_slist *
headers_of(const wsim_deliver_t *self, const job_t *j, const wsim_hook_t *h)
{
    struct curl_slist *hd = NULL;
    const char *dot = strchr(j->topic, '.');
    char    line[1400], *sig;

    if (j->ping)
        return curl_slist_append(hd, "Content-Type: application/x-www-form-urlencoded");
    sig = j->bad_signature ? wsim_deliver_signature(j->body, strlen(j->body), "not-the-secret")
        : wsim_deliver_signature(j->body, strlen(j->body), h->secret);
    hd = curl_slist_append(hd, "Content-Type: application/json");
    snprintf(line, sizeof line, "X-WC-Webhook-Source: %s", self->source);
    hd = curl_slist_append(hd, line);
    snprintf(line, sizeof line, "X-WC-Webhook-Topic: %s", j->topic);
    hd = curl_slist_append(hd, line);
    snprintf(line, sizeof line, "X-WC-Webhook-Resource: %.*s", (int) (dot - j->topic), j->topic);
    hd = curl_slist_append(hd, line);
    snprintf(line, sizeof line, "X-WC-Webhook-Event: %s", dot + 1);
    hd = curl_slist_append(hd, line);
    snprintf(line, sizeof line, "X-WC-Webhook-Signature: %s", sig);
    hd = curl_slist_append(hd, line);
    snprintf(line, sizeof line, "X-WC-Webhook-ID: %lld", (long long) h->id);
    hd = curl_slist_append(hd, line);
    snprintf(line, sizeof line, "X-WC-Webhook-Delivery-ID: %lld", (long long) j->delivery_id);
    hd = curl_slist_append(hd, line);
    free(sig);
    /* libcurl would send "Expect: 100-continue" for a large body; WordPress does not */
    return curl_slist_append(hd, "Expect:");
}

/* send_job - POST one delivery and log what came of it */
static void
send_job(wsim_deliver_t *self, CURL *curl, job_t *j)
{
    entry_t e = entry_of(j);
    struct curl_slist *hd;
    wsim_hook_t h;
    char    cerr[CURL_ERROR_SIZE] = "";
    CURLcode rc;
    bool    ok, disabled = false;

    if (!wsim_hooks_lookup(self->hooks, j->webhook_id, &h)
        || strcmp(h.status, "active") != 0) {
        e.result = "skipped";
        e.sent_at_us = now_us();
        goto done;
    }
    hd = headers_of(self, j, &h);
    curl_easy_setopt(curl, CURLOPT_URL, h.delivery_url);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hd);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, j->body);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long) strlen(j->body));
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, cerr);
    e.sent_at_us = now_us();
    rc = curl_easy_perform(curl);
    e.duration_ms = (long) ((now_us() - e.sent_at_us) / 1000);
    curl_slist_free_all(hd);
    if (rc == CURLE_OK)
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &e.http_status);
    else
        snprintf(e.error, sizeof e.error, "%s", cerr[0] ? cerr : curl_easy_strerror(rc));
    ok = rc == CURLE_OK && e.http_status / 100 == 2;
    e.result = ok ? "delivered" : "failed";
    if (!j->ping)
        disabled = wsim_hooks_outcome(self->hooks, j->webhook_id, ok);
    if (disabled)
        log_warning("webhook %lld (%s) disabled after failed deliveries, the last: %s",
                    (long long) j->webhook_id, j->topic,
                    e.error[0] ? e.error : "a status that is not 2xx");

done:
    pthread_mutex_lock(&self->lock);
    self->queued--;
    if (j->ping) {
        self->pings++;
    } else if (strcmp(e.result, "skipped") == 0) {
        self->skipped++;
    } else {
        self->sent++;
        if (strcmp(e.result, "delivered") == 0)
            self->delivered++;
        else
            self->failed++;
    }
    self->disabled += disabled;
    log_add(self, &e);
    pthread_mutex_unlock(&self->lock);
}

/* worker_main - send the jobs of one queue until stopped */
static void *
worker_main(void *arg)
{
    worker_t *w = arg;
    wsim_deliver_t *self = w->owner;
    CURL   *curl = curl_easy_init();
    job_t  *j;

    curl_easy_setopt(curl, CURLOPT_HTTP_VERSION, (long) CURL_HTTP_VERSION_1_0);
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, USER_AGENT);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, self->opts.timeout_ms);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard_body);
    if (self->opts.cafile)
        curl_easy_setopt(curl, CURLOPT_CAINFO, self->opts.cafile);
    for (;;) {
        pthread_mutex_lock(&w->lock);
        while (w->head == NULL && !self->stopping)
            pthread_cond_wait(&w->wake, &w->lock);
        if (self->stopping) {
            pthread_mutex_unlock(&w->lock);
            break;
        }
        j = w->head;
        if ((w->head = j->next) == NULL)
            w->tail = NULL;
        pthread_mutex_unlock(&w->lock);
        send_job(self, curl, j);
        job_free(j);
    }
    curl_easy_cleanup(curl);
    return NULL;
}

/* wsim_deliver_new - start the threads */
wsim_deliver_t *
wsim_deliver_new(wsim_hooks_t *hooks, const wsim_deliver_opts_t *opts)
{
    wsim_deliver_t *self = xcalloc(1, sizeof *self);
    int     i;

    self->hooks = hooks;
    self->opts = *opts;
    self->faults = opts->faults;
    self->rng = opts->seed ^ 0x77EB400CULL;
    self->next_delivery_id = 1;
    self->source = xasprintf("%s/", opts->site_url);
    pthread_mutex_init(&self->lock, NULL);
    self->workers = xcalloc((size_t) opts->workers, sizeof *self->workers);
    for (i = 0; i < opts->workers; i++) {
        worker_t *w = &self->workers[i];

        w->owner = self;
        pthread_mutex_init(&w->lock, NULL);
        pthread_cond_init(&w->wake, NULL);
        if (pthread_create(&w->thread, NULL, worker_main, w) != 0)
            log_fatal("cannot start webhook delivery thread %d", i);
    }
    return self;
}

/* wsim_deliver_destroy - stop the threads */
void
wsim_deliver_destroy(wsim_deliver_t **self_p)
{
    wsim_deliver_t *self = *self_p;
    int     i;

    if (self == NULL)
        return;
    self->stopping = true;
    for (i = 0; i < self->opts.workers; i++) {
        pthread_mutex_lock(&self->workers[i].lock);
        pthread_cond_signal(&self->workers[i].wake);
        pthread_mutex_unlock(&self->workers[i].lock);
    }
    for (i = 0; i < self->opts.workers; i++) {
        worker_t *w = &self->workers[i];

        pthread_join(w->thread, NULL);
        while (w->head) {
            job_t  *next = w->head->next;

            job_free(w->head);
            w->head = next;
        }
        pthread_mutex_destroy(&w->lock);
        pthread_cond_destroy(&w->wake);
    }
    pthread_mutex_destroy(&self->lock);
    free(self->workers);
    free(self->source);
    free(self->log);
    free(self);
    *self_p = NULL;
}

/* lower_escapes - \uXXXX escapes with lower-case hex, as PHP writes them
 * (jansson writes upper case) */
static void
lower_escapes(char *text)
{
    char   *p;
    int     i;

    for (p = text; *p; p++) {
        if (*p != '\\')
            continue;
        if (p[1] == 'u')
            for (i = 2; i < 6 && p[i]; i++)
                p[i] = (char) tolower((unsigned char) p[i]);
        if (p[1])
            p++;                /* the escaped character is no escape itself */
    }
}

/* wp_json - an order's JSON as wp_json_encode() writes it */
static char *
wp_json(const char *json)
{
    json_t *o = json_loads(json, 0, NULL);
    char   *text;

    if (o == NULL)
        return xstrdup(json);
    text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ESCAPE_SLASH
                      | JSON_ENSURE_ASCII);
    json_decref(o);
    lower_escapes(text);
    return text;
}

/* new_job - a delivery of body (taken over) to one webhook; the caller
 * holds the lock (the delivery id) */
static job_t *
new_job(wsim_deliver_t *self, const wsim_hook_t *h, int64_t order_id, char *body)
{
    job_t  *j = xcalloc(1, sizeof *j);

    j->webhook_id = h->id;
    j->order_id = order_id;
    j->delivery_id = self->next_delivery_id++;
    snprintf(j->topic, sizeof j->topic, "%s", h->topic);
    j->body = body;
    j->bad_signature = simlib_rng_unit(&self->rng) < self->faults.bad_signature_rate;
    self->badly_signed += j->bad_signature;
    return j;
}

/* copy_job - the same delivery again, as the duplicate fault sends it */
static job_t *
copy_job(const job_t *j, const char *fault)
{
    job_t  *c = xmalloc(sizeof *c);

    *c = *j;
    c->next = NULL;
    c->body = xstrdup(j->body);
    c->fault = fault;
    return c;
}

/* plan - the jobs of one change to one webhook into jobs[] (at most 3);
 * how many. A lost delivery is logged as dropped and gets no job. The
 * caller holds the lock. */
static int
plan(wsim_deliver_t *self, const wsim_hook_t *h, int64_t id, const char *old,
     const char *json, job_t *jobs[3])
{
    job_t  *j = new_job(self, h, id, wp_json(json));
    int     n = 0;

    if (self->faults.lose > 0) {
        entry_t e = entry_of(j);

        self->faults.lose--;
        self->dropped++;
        e.result = "dropped";
        e.fault = "lost";
        e.sent_at_us = now_us();
        log_add(self, &e);
        job_free(j);
        return 0;
    }
    jobs[n++] = j;
    if (simlib_rng_unit(&self->rng) < self->faults.duplicate_rate) {
        jobs[n++] = copy_job(j, "duplicate");
        self->duplicated++;
    }
    if (old && simlib_rng_unit(&self->rng) < self->faults.out_of_order_rate) {
        jobs[n] = new_job(self, h, id, wp_json(old));
        jobs[n++]->fault = "out-of-order";
        self->reordered++;
    }
    return n;
}

/* wsim_deliver_change - queue the deliveries of one change */
void
wsim_deliver_change(int64_t id, const char *old, const char *json, void *arg)
{
    wsim_deliver_t *self = arg;
    wsim_hook_t *hooks = xcalloc(MAX_HOOKS, sizeof *hooks);
    job_t  *jobs[MAX_HOOKS * 3];
    int     nhooks, n = 0, i;

    nhooks = wsim_hooks_active(self->hooks, old ? "order.updated" : "order.created", hooks,
                               MAX_HOOKS);
    pthread_mutex_lock(&self->lock);
    for (i = 0; i < nhooks; i++)
        n += plan(self, &hooks[i], id, old, json, jobs + n);
    pthread_mutex_unlock(&self->lock);
    for (i = 0; i < n; i++)
        enqueue(self, jobs[i]);
    free(hooks);
}

/* wsim_deliver_ping - queue a new webhook's ping */
void
wsim_deliver_ping(wsim_deliver_t *self, int64_t webhook_id)
{
    job_t  *j = xcalloc(1, sizeof *j);

    j->ping = true;
    j->webhook_id = webhook_id;
    j->body = xasprintf("webhook_id=%lld", (long long) webhook_id);
    pthread_mutex_lock(&self->lock);
    j->delivery_id = self->next_delivery_id++;
    pthread_mutex_unlock(&self->lock);
    enqueue(self, j);
}

/* rate_of - a member of req in [0, 1] into *out; false when it is there
 * but no such number */
static bool
rate_of(const json_t *req, const char *name, double *out)
{
    json_t *v = json_object_get(req, name);

    if (v == NULL)
        return true;
    if (!json_is_number(v) || json_number_value(v) < 0 || json_number_value(v) > 1)
        return false;
    *out = json_number_value(v);
    return true;
}

/* wsim_deliver_set_faults - change the faults */
int
wsim_deliver_set_faults(wsim_deliver_t *self, const json_t *req, char *err, size_t errlen)
{
    wsim_deliver_faults_t f;
    json_t *lose = json_object_get(req, "lose");

    pthread_mutex_lock(&self->lock);
    f = self->faults;
    pthread_mutex_unlock(&self->lock);
    if (!json_is_object(req)) {
        snprintf(err, errlen, "expected a JSON object of faults");
        return -1;
    }
    if (!rate_of(req, "duplicate_rate", &f.duplicate_rate)
        || !rate_of(req, "out_of_order_rate", &f.out_of_order_rate)
        || !rate_of(req, "bad_signature_rate", &f.bad_signature_rate)) {
        snprintf(err, errlen, "a rate is a number from 0 to 1");
        return -1;
    }
    if (lose && (!json_is_integer(lose) || json_integer_value(lose) < 0)) {
        snprintf(err, errlen, "lose is a count of deliveries, 0 or more");
        return -1;
    }
    if (lose)
        f.lose = (long) json_integer_value(lose);
    pthread_mutex_lock(&self->lock);
    self->faults = f;
    pthread_mutex_unlock(&self->lock);
    return 0;
}

/* entry_json - one delivery of the report */
static json_t *
entry_json(const entry_t *e)
{
    time_t  s = (time_t) (e->sent_at_us / 1000000);
    struct tm tm;
    char    at[40], stamp[48];
    json_t *o;

    gmtime_r(&s, &tm);
    strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(stamp, sizeof stamp, "%s.%03dZ", at, (int) (e->sent_at_us / 1000 % 1000));
    o = json_pack("{s:I, s:I, s:s, s:b, s:s, s:I, s:I, s:s, s:i, s:i}",
                  "delivery_id", (json_int_t) e->delivery_id,
                  "webhook_id", (json_int_t) e->webhook_id,
                  "topic", e->ping ? "ping" : e->topic, "ping", e->ping, "result", e->result,
                  "sent_at_ms", (json_int_t) (e->sent_at_us / 1000),
                  "order_id", (json_int_t) e->order_id, "sent_at", stamp,
                  "http_status", (int) e->http_status, "duration_ms", (int) e->duration_ms);
    json_object_set_new(o, "date_modified_gmt", json_string(e->modified));
    json_object_set_new(o, "fault", e->bad_signature ? json_string("bad-signature")
                        : e->fault ? json_string(e->fault) : json_null());
    if (e->error[0])
        json_object_set_new(o, "error", json_string(e->error));
    return o;
}

/* faults_json - faults as set_faults takes them */
static json_t *
faults_json(const wsim_deliver_faults_t *f)
{
    return json_pack("{s:f, s:f, s:f, s:i}", "duplicate_rate", f->duplicate_rate,
                     "out_of_order_rate", f->out_of_order_rate,
                     "bad_signature_rate", f->bad_signature_rate, "lose", (int) f->lose);
}

/* wsim_deliver_faults_json - the faults now */
json_t *
wsim_deliver_faults_json(wsim_deliver_t *self)
{
    json_t *o;

    pthread_mutex_lock(&self->lock);
    o = faults_json(&self->faults);
    pthread_mutex_unlock(&self->lock);
    return o;
}

/* wsim_deliver_report - counts, faults, deliveries */
json_t *
wsim_deliver_report(wsim_deliver_t *self)
{
    json_t *root, *list = json_array();
    size_t  i;

    pthread_mutex_lock(&self->lock);
    root = json_pack("{s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i}",
                     "queued", (int) self->queued, "sent", (int) self->sent,
                     "delivered", (int) self->delivered, "failed", (int) self->failed,
                     "dropped", (int) self->dropped, "skipped", (int) self->skipped,
                     "pings", (int) self->pings, "disabled", (int) self->disabled,
                     "duplicated", (int) self->duplicated, "out_of_order", (int) self->reordered,
                     "bad_signature", (int) self->badly_signed);
    json_object_set_new(root, "faults", faults_json(&self->faults));
    for (i = 0; i < self->nlog; i++)
        json_array_append_new(list, entry_json(&self->log[i]));
    pthread_mutex_unlock(&self->lock);
    json_object_set_new(root, "deliveries", list);
    return root;
}
