/*
 * NAME
 *   snelstart - client of SnelStart's B2B API v2
 *
 * DESCRIPTION
 *   See snelstart.h. One CURL easy handle per client, so that the
 *   connection stays open between calls. POST and PUT open a fresh
 *   connection: on a reused one, libcurl would resend a request whose
 *   answer was lost, and SnelStart may have stored the first. A 401 on an
 *   API call is answered by fetching a new token and repeating the call,
 *   twice at most (a token may expire, or be revoked, between its issue
 *   and its use); a 401 that names the subscription key, or the third
 *   401, is SS_AUTH. In post_many a round that met a 401 drops the token,
 *   so that the next round fetches a new one instead of meeting 401 for
 *   each of its requests. An answer is collected up to
 *   LIMIT_API_ANSWER_BYTES; a longer one stops the transfer and fails the
 *   call with the limit named (SS_RETRY for a read, SS_UNCERTAIN for a
 *   write, which may have been stored).
 *
 * DIAGNOSTICS
 *   Secrets never reach ss_error_t.message: every message is scrubbed of
 *   the client key, the subscription key and the token before it is
 *   returned.
 */
#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "http_init.h"
#include "size_limits.h"
#include "money.h"
#include "snelstart.h"
#include "xalloc.h"

#define SS_DUMP_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(15))
#define TOKEN_TRIES 3             /* a call refused for its token: with new tokens */

struct snelstart {
    char   *api_url;
    char   *auth_url;
    char   *client_key;
    char   *subscription_key;
    bool    tls_verify;
    CURL   *curl;
    char    curl_err[CURL_ERROR_SIZE]; /* curl's own words on the last failure */
    pthread_mutex_t lock;       /* one call at a time */
    pthread_mutex_t rate_lock;  /* the limiter's figures, held only briefly */
    char   *token;
    double  token_renew_at;     /* monotonic seconds */
    int     per_minute, per_hour, max_concurrent;
    int     name_minute, name_hour; /* the limits as wait_reason names them */
    int     burst;              /* calls spread over the minute: a bucket of this
                                   many (0: not spread) */
    double  tokens, tokens_at;  /* the bucket's calls, and when they were counted */
    bool    dry;                /* emptied: the next call waits for half of it */
    double  time_scale;
    double *ts;                 /* ring of call times */
    size_t  ts_cap, ts_count, ts_head;
    double  blocked_until;      /* monotonic: SnelStart's Retry-After after a 429 */
    long    timeout_ms;
    long    calls;
};

typedef struct {
    char   *data;
    size_t  len, cap;
    bool    too_big;            /* the answer passed LIMIT_API_ANSWER_BYTES */
    long    retry_after_s;
} reply_t;

/* mono_now - monotonic seconds */
static double
mono_now(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double) t.tv_sec + (double) t.tv_nsec / 1e9;
}

/* epoch_ms_at - the wall clock in epoch ms at monotonic time t */
static int64_t
epoch_ms_at(double t)
{
    struct timespec r;

    clock_gettime(CLOCK_REALTIME, &r);
    return (int64_t) r.tv_sec * 1000 + r.tv_nsec / 1000000
        + (int64_t) ceil((t - mono_now()) * 1000.0);
}

/* strip_slash - a copy of url without trailing slashes */
static char *
strip_slash(const char *url)
{
    char   *s = xstrdup(url);
    size_t  n = strlen(s);

    while (n > 0 && s[n - 1] == '/')
        s[--n] = 0;
    return s;
}

/* snelstart_new - a client */
snelstart_t *
snelstart_new(const char *api_url, const char *auth_url, const char *client_key,
              const char *subscription_key, bool tls_verify)
{
    snelstart_t *self;

    self = xcalloc(1, sizeof *self);
    self->api_url = strip_slash(api_url);
    self->auth_url = xstrdup(auth_url);
    self->client_key = xstrdup(client_key);
    self->subscription_key = xstrdup(subscription_key);
    self->tls_verify = tls_verify;
    self->timeout_ms = 30000;
    self->time_scale = 1;
    pthread_mutex_init(&self->lock, NULL);
    pthread_mutex_init(&self->rate_lock, NULL);
    if (!http_init() || (self->curl = curl_easy_init()) == NULL) {
        /* libcurl only fails here when out of memory: as xalloc does */
        fprintf(stderr, "koppel: cannot initialise libcurl or create a handle (out of memory)\n");
        exit(70);
    }
    snelstart_set_limits(self, 500, 5000, 1);
    return self;
}

/* wipe_free - overwrite a secret, then free it */
static void
wipe_free(char *s)
{
    if (s != NULL) {
        explicit_bzero(s, strlen(s));
        free(s);
    }
}

/* snelstart_destroy - close the connection and free the client */
void
snelstart_destroy(snelstart_t **self_p)
{
    snelstart_t *self = *self_p;

    if (self == NULL)
        return;
    if (self->curl)
        curl_easy_cleanup(self->curl);
    free(self->api_url);
    free(self->auth_url);
    wipe_free(self->client_key);
    wipe_free(self->subscription_key);
    wipe_free(self->token);
    free(self->ts);
    pthread_mutex_destroy(&self->lock);
    pthread_mutex_destroy(&self->rate_lock);
    free(self);
    *self_p = NULL;
}

/* snelstart_set_limits - calls per minute and hour */
void
snelstart_set_limits(snelstart_t *self, int per_minute, int per_hour, int max_concurrent)
{
    size_t  cap = (size_t) (per_hour > per_minute ? per_hour : per_minute);

    pthread_mutex_lock(&self->rate_lock);
    self->per_minute = per_minute > 0 ? per_minute : 0;
    self->per_hour = per_hour > 0 ? per_hour : 0;
    self->max_concurrent = max_concurrent;
    self->name_minute = self->per_minute;
    self->name_hour = self->per_hour;
    self->burst = 0;
    free(self->ts);
    self->ts_cap = cap > 0 ? cap : 1;
    self->ts = xcalloc(self->ts_cap, sizeof *self->ts);
    self->ts_count = self->ts_head = 0;
    pthread_mutex_unlock(&self->rate_lock);
}

/* snelstart_set_limit_names - the limits as wait_reason names them */
void
snelstart_set_limit_names(snelstart_t *self, int per_minute, int per_hour)
{
    pthread_mutex_lock(&self->rate_lock);
    self->name_minute = per_minute;
    self->name_hour = per_hour;
    pthread_mutex_unlock(&self->rate_lock);
}

/* snelstart_set_burst - spread the calls over the minute: a bucket of calls */
void
snelstart_set_burst(snelstart_t *self, int calls)
{
    pthread_mutex_lock(&self->rate_lock);
    self->burst = calls > 0 && calls < self->per_minute ? calls : 0;
    self->tokens = self->burst;
    self->tokens_at = mono_now();
    self->dry = false;
    pthread_mutex_unlock(&self->rate_lock);
}

/* snelstart_set_time_scale - windows f times shorter */
void
snelstart_set_time_scale(snelstart_t *self, double f)
{
    self->time_scale = f > 0 ? f : 1;
}

/* snelstart_set_timeout - whole-request timeout */
void
snelstart_set_timeout(snelstart_t *self, long timeout_ms)
{
    self->timeout_ms = timeout_ms > 0 ? timeout_ms : 30000;
}

/* snelstart_calls - API calls made, token calls included */
long
snelstart_calls(const snelstart_t *self)
{
    return __atomic_load_n(&self->calls, __ATOMIC_RELAXED);
}

/* ss_result_name - the result as a word */
const char *
ss_result_name(ss_result_t r)
{
    switch (r) {
    case SS_OK: return "ok";
    case SS_REJECTED: return "rejected";
    case SS_NOT_FOUND: return "not found";
    case SS_RETRY: return "retry";
    case SS_UNCERTAIN: return "uncertain";
    case SS_AUTH: return "auth";
    case SS_LIMITED: return "limited";
    }
    return "unknown";
}

enum { LIMIT_MINUTE, LIMIT_HOUR, LIMIT_SPREAD, LIMIT_RETRY_AFTER };

/* window_end - seconds from a call's count until it leaves a window of s
 * seconds: with a margin, so that the server's clock, which sees each
 * call a little later, agrees */
static double
window_end(double s)
{
    return s * 1.01 + 0.010;
}

/* spread_fill - the bucket of a client that spreads its calls, filled for
 * the time since it was last counted: at the pace of the minute window,
 * margin included, so that the window itself is seldom what holds a call
 * back; rate_lock held. The seconds until it holds one call more than
 * now, or half of it once it ran dry (so that the calls go out a few at a
 * time, not one by one as each comes back). 0: not spread, or a call may
 * go now */
static double
spread_fill(snelstart_t *self, double now)
{
    double  pace, want;

    if (self->burst <= 0)
        return 0;
    pace = self->per_minute / window_end(60.0 / self->time_scale);
    self->tokens += (now - self->tokens_at) * pace;
    self->tokens_at = now;
    if (self->tokens > self->burst)
        self->tokens = self->burst;
    want = self->dry ? self->burst / 2.0 : 1;
    if (self->tokens >= want) {
        self->dry = false;
        return 0;
    }
    return (want - self->tokens) / pace;
}

/* rate_delay - seconds until the limits allow one more call (0: now), and
 * which limit holds it back; the spreading only for a call that is spread
 * (spread_fill fills the bucket either way); rate_lock held */
static double
rate_delay(snelstart_t *self, double now, bool spread, int *which)
{
    int     limits[2] = { self->per_minute, self->per_hour };
    double  windows[2] = { 60.0 / self->time_scale, 3600.0 / self->time_scale };
    double  wait = spread_fill(self, now), w, t;
    int     i;

    if (!spread)
        wait = 0;
    else if (wait > 0)
        *which = LIMIT_SPREAD;
    for (i = 0; i < 2; i++) {
        if (limits[i] <= 0 || self->ts_count < (size_t) limits[i])
            continue;
        t = self->ts[(self->ts_head + self->ts_cap - (size_t) limits[i]) % self->ts_cap];
        w = t + window_end(windows[i]) - now;
        if (w > wait) {
            wait = w;
            *which = i;
        }
    }
    if (self->blocked_until - now > wait) {
        wait = self->blocked_until - now;
        *which = LIMIT_RETRY_AFTER;
    }
    return wait;
}

/* thousands - n with a point between thousands, as Dutch writes it: 5.000 */
static void
thousands(char *buf, size_t len, int n)
{
    if (n >= 1000)
        snprintf(buf, len, "%d.%03d", n / 1000, n % 1000);
    else
        snprintf(buf, len, "%d", n);
}

/* wait_reason - why the limiter holds a call back, in a bookkeeper's words */
static void
wait_reason(const snelstart_t *self, int which, char *buf, size_t len)
{
    char    num[16];

    if (which == LIMIT_RETRY_AFTER) {
        snprintf(buf, len, "SnelStart vroeg om te wachten (Retry-After)");
        return;
    }
    thousands(num, sizeof num, which == LIMIT_HOUR ? self->name_hour : self->name_minute);
    if (which == LIMIT_SPREAD)
        snprintf(buf, len, "%s per minuut, verdeeld over de minuut", num);
    else
        snprintf(buf, len, "%s per %s bereikt", num, which == LIMIT_MINUTE ? "minuut" : "uur");
}

/* rate_count - count one call made now; rate_lock held */
static void
rate_count(snelstart_t *self, double now)
{
    if (self->burst > 0 && --self->tokens < 1)
        self->dry = true;
    self->ts[self->ts_head] = now;
    self->ts_head = (self->ts_head + 1) % self->ts_cap;
    if (self->ts_count < self->ts_cap)
        self->ts_count++;
}

/* cmp_double - qsort order of seconds */
static int
cmp_double(const void *a, const void *b)
{
    double  x = *(const double *) a, y = *(const double *) b;

    return (x > y) - (x < y);
}

/* rate_answered - the last n calls counted got their answers at these
 * moments: count them then. SnelStart counts a call when it arrives, which
 * is after it was counted here and before its answer; counted at its
 * answer, a call leaves this window after it left SnelStart's, however long
 * a busy server kept it waiting (a concurrent round's last request, above
 * all). Sorted, so that the times stay in order; self->lock held since the
 * calls were counted, so they are the last n */
static void
rate_answered(snelstart_t *self, double *at, size_t n)
{
    size_t  k;

    qsort(at, n, sizeof *at, cmp_double);
    pthread_mutex_lock(&self->rate_lock);
    for (k = 0; k < n && k < self->ts_count; k++)
        self->ts[(self->ts_head + self->ts_cap - n + k) % self->ts_cap] = at[k];
    pthread_mutex_unlock(&self->rate_lock);
}

/* rate_try - count one more call if the limits allow it now; if not, fill
 * err (when given) with the moment they do and why, and return false. Only
 * the calls of snelstart_post_many() (a batch of bookings) wait for the
 * spreading: a single call (a lookup, a document or a payment that follows
 * a booking) is counted in it but not held back by it */
static bool
rate_try(snelstart_t *self, ss_error_t *err, bool spread)
{
    double  now = mono_now(), wait;
    int     which = LIMIT_MINUTE;

    pthread_mutex_lock(&self->rate_lock);
    if ((wait = rate_delay(self, now, spread, &which)) <= 0)
        rate_count(self, now);
    else if (err) {
        err->not_before_ms = epoch_ms_at(now + wait);
        wait_reason(self, which, err->wait_reason, sizeof err->wait_reason);
    }
    pthread_mutex_unlock(&self->rate_lock);
    return wait <= 0;
}

/* limited - fill err for a call the limiter did not allow */
static void
limited(ss_error_t *err, const char *method, const char *path)
{
    time_t  t = (time_t) (err->not_before_ms / 1000);
    struct tm tm;
    char    hhmm[16];

    localtime_r(&t, &tm);
    strftime(hhmm, sizeof hhmm, "%H:%M:%S", &tm);
    snprintf(err->message, sizeof err->message, "nu niet naar SnelStart gestuurd: %s; SnelStart "
             "mag weer om %s (%s %s)", err->wait_reason, hhmm, method, path);
}

/* snelstart_ready_at - epoch ms from which the limits allow the next call */
int64_t
snelstart_ready_at(snelstart_t *self, char *why, size_t whylen)
{
    double  now = mono_now(), wait;
    int     which = LIMIT_MINUTE;

    pthread_mutex_lock(&self->rate_lock);
    wait = rate_delay(self, now, true, &which);
    if (wait > 0 && why)
        wait_reason(self, which, why, whylen);
    pthread_mutex_unlock(&self->rate_lock);
    if (wait <= 0 && why && whylen > 0)
        *why = 0;
    return epoch_ms_at(now + (wait > 0 ? wait : 0));
}

/* snelstart_budget - how many calls the limits allow now, at most max */
size_t
snelstart_budget(snelstart_t *self, size_t max)
{
    double  now = mono_now();
    double  windows[2] = { 60.0 / self->time_scale, 3600.0 / self->time_scale };
    size_t  n = max, used, k;
    int     limits[2], i;

    pthread_mutex_lock(&self->rate_lock);
    limits[0] = self->per_minute;
    limits[1] = self->per_hour;
    if (self->blocked_until > now || spread_fill(self, now) > 0)
        n = 0;
    else if (self->burst > 0 && (size_t) self->tokens < n)
        n = (size_t) self->tokens;
    for (i = 0; i < 2 && n > 0; i++) {
        if (limits[i] <= 0)
            continue;
        /* calls counted within the window, newest first, as rate_delay sees them */
        for (used = 0, k = 1; k <= self->ts_count && used < (size_t) limits[i]; k++, used++)
            if (self->ts[(self->ts_head + self->ts_cap - k) % self->ts_cap]
                + window_end(windows[i]) <= now)
                break;
        if ((size_t) limits[i] - used < n)
            n = (size_t) limits[i] - used;
    }
    pthread_mutex_unlock(&self->rate_lock);
    return n;
}

/* on_body - curl write callback: append to the reply */
static size_t
on_body(char *ptr, size_t size, size_t n, void *userdata)
{
    reply_t *r = userdata;
    size_t  len = size * n;

    if (r->len + len > (size_t) LIMIT_API_ANSWER_BYTES) {
        r->too_big = true;
        return 0;                       /* curl stops: CURLE_WRITE_ERROR */
    }
    if (r->len + len + 1 > r->cap) {
        r->cap = (r->len + len + 1) * 2;
        r->data = xrealloc(r->data, r->cap);
    }
    memcpy(r->data + r->len, ptr, len);
    r->len += len;
    r->data[r->len] = 0;
    return len;
}

/* on_header - curl header callback: pick up Retry-After */
static size_t
on_header(char *ptr, size_t size, size_t n, void *userdata)
{
    reply_t *r = userdata;
    size_t  len = size * n;

    if (len > 12 && strncasecmp(ptr, "Retry-After:", 12) == 0) {
        char    buf[32];
        size_t  k = len - 12 < sizeof buf - 1 ? len - 12 : sizeof buf - 1;

        memcpy(buf, ptr + 12, k);
        buf[k] = 0;
        r->retry_after_s = strtol(buf, NULL, 10);
        if (r->retry_after_s < 0)
            r->retry_after_s = 0;
    }
    return len;
}

/* scrub - replace every occurrence of secret in s by [hidden] */
static void
scrub(char *s, size_t size, const char *secret)
{
    char   *p;
    size_t  n;

    if (secret == NULL || (n = strlen(secret)) < 4)
        return;
    while ((p = strstr(s, secret)) != NULL) {
        char    rest[1024];

        snprintf(rest, sizeof rest, "%s", p + n);
        snprintf(p, size - (size_t) (p - s), "[hidden]%s", rest);
    }
}

/* err_set - fill err with status and a formatted message, scrubbed */
static void __attribute__((format(printf, 4, 5)))
err_set(snelstart_t *self, ss_error_t *err, int status, const char *fmt, ...)
{
    va_list ap;

    err->http_status = status;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    scrub(err->message, sizeof err->message, self->client_key);
    scrub(err->message, sizeof err->message, self->subscription_key);
    scrub(err->message, sizeof err->message, self->token);
}

/* snelstart_parse_errors - SnelStart's error body as code and plain words */
void
snelstart_parse_errors(const char *body, char *code, size_t codelen, char *msg, size_t msglen)
{
    json_error_t jerr;
    json_t *j = body ? json_loads(body, JSON_DECODE_ANY, &jerr) : NULL;
    json_t *e;
    size_t  i, used = 0;

    code[0] = 0;
    msg[0] = 0;
    if (json_is_array(j)) {
        json_array_foreach(j, i, e) {
            const char *c = json_string_value(json_object_get(e, "errorCode"));
            const char *m = json_string_value(json_object_get(e, "message"));
            const char *p = json_string_value(json_object_get(e, "propertyName"));
            int     w;

            if (i == 0 && c)
                snprintf(code, codelen, "%s", c);
            if (used >= msglen - 1)
                break;
            w = snprintf(msg + used, msglen - used, "%s%s%s%s%s%s", i ? "; " : "",
                         c ? c : "", c ? " " : "", p ? p : "", p ? ": " : "",
                         m ? m : "(geen melding)");
            used += w > 0 ? (size_t) w : 0;
        }
    } else if (json_is_object(j)) {
        const char *m = json_string_value(json_object_get(j, "message"));
        const char *er = json_string_value(json_object_get(j, "error"));
        const char *c = json_string_value(json_object_get(j, "errorCode"));

        if (c)
            snprintf(code, codelen, "%s", c);
        if (m)
            snprintf(msg, msglen, "%s", m);
        else if (er)
            snprintf(msg, msglen, "%s", er);
    }
    json_decref(j);
}

/* perform - one HTTP exchange on the shared handle */
static struct curl_slist *
setup(snelstart_t *self, CURL *c, char *errbuf, const char *method, const char *url,
      const char *body, bool form, bool api, reply_t *reply)
{
    struct curl_slist *hdr = NULL;
    char   *line;

    memset(reply, 0, sizeof *reply);
    errbuf[0] = 0;
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, self->timeout_ms);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, self->timeout_ms < 10000 ? self->timeout_ms : 10000L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, self->tls_verify ? 1L : 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, self->tls_verify ? 2L : 0L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, reply);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, reply);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "koppel");
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, NULL);
    /* libcurl silently sends a request again when a reused connection
       dies before any answer; for a POST the server may already have
       stored it. So writes go on a fresh connection, which curl does not
       retry; reads keep the kept-alive one. */
    curl_easy_setopt(c, CURLOPT_FRESH_CONNECT, strcmp(method, "GET") == 0 ? 0L : 1L);
    if (strcmp(method, "GET") == 0) {
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    } else {
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body ? body : "");
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long) (body ? strlen(body) : 0));
        if (strcmp(method, "POST") != 0)
            curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    }
    hdr = curl_slist_append(hdr, "Accept: application/json");
    hdr = curl_slist_append(hdr, "Expect:");
    hdr = curl_slist_append(hdr, form ? "Content-Type: application/x-www-form-urlencoded"
                            : "Content-Type: application/json; charset=utf-8");
    if (api) {
        line = xasprintf("Ocp-Apim-Subscription-Key: %s", self->subscription_key);
        hdr = curl_slist_append(hdr, line);
        wipe_free(line);
        line = xasprintf("Authorization: Bearer %s", self->token ? self->token : "");
        hdr = curl_slist_append(hdr, line);
        wipe_free(line);
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
    __atomic_add_fetch(&self->calls, 1, __ATOMIC_RELAXED);
    return hdr;
}

/* perform - one request on the client's own handle */
static CURLcode
perform(snelstart_t *self, const char *method, const char *url, const char *body,
        bool form, bool api, long *status, reply_t *reply)
{
    CURL   *c = self->curl;
    struct curl_slist *hdr = setup(self, c, self->curl_err, method, url, body, form, api,
                                   reply);
    CURLcode rc;

    *status = 0;
    rc = curl_easy_perform(c);
    if (rc == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, NULL);
    curl_slist_free_all(hdr);
    return rc;
}

/* nothing_sent - whether a curl failure means the request never left */
static bool
nothing_sent(CURLcode rc)
{
    return rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST
        || rc == CURLE_COULDNT_RESOLVE_PROXY || rc == CURLE_SSL_CONNECT_ERROR
        || rc == CURLE_URL_MALFORMAT || rc == CURLE_UNSUPPORTED_PROTOCOL;
}

/* fetch_token - a new bearer token from auth_url */
static ss_result_t
fetch_token(snelstart_t *self, ss_error_t *err)
{
    char   *key = curl_easy_escape(self->curl, self->client_key, 0);
    char   *form = xasprintf("grant_type=clientkey&clientkey=%s", key ? key : "");
    reply_t reply;
    long    status;
    CURLcode rc;
    json_t *j = NULL;
    const char *tok;
    json_int_t ttl;
    char    code[32], msg[512];
    ss_result_t res;

    if (key) {
        explicit_bzero(key, strlen(key));
        curl_free(key);
    }
    wipe_free(self->token);
    self->token = NULL;
    rc = perform(self, "POST", self->auth_url, form, true, false, &status, &reply);
    wipe_free(form);
    if (rc != CURLE_OK && reply.too_big) {
        err_set(self, err, 0, "aanmelden bij %s: het antwoord is groter dan de %d MB "
                "die koppel van SnelStart leest", self->auth_url,
                LIMIT_API_ANSWER_BYTES / (1024 * 1024));
        res = SS_RETRY;
    } else if (rc != CURLE_OK) {
        err_set(self, err, 0, "aanmelden bij %s mislukt: \"%s\"", self->auth_url,
                (self->curl_err[0] ? self->curl_err : curl_easy_strerror(rc)));
        res = SS_RETRY;
    } else if (status == 200 && (j = json_loads(reply.data ? reply.data : "", 0, NULL))
               && (tok = json_string_value(json_object_get(j, "access_token"))) != NULL) {
        ttl = json_integer_value(json_object_get(j, "expires_in"));
        if (ttl <= 0)
            ttl = 3600;
        self->token = xstrdup(tok);
        /* renew a minute early, or a tenth of the lifetime when short */
        self->token_renew_at = mono_now() + (double) ttl - (ttl > 600 ? 60.0 : (double) ttl / 10.0);
        res = SS_OK;
    } else if (status == 400 || status == 401 || status == 403) {
        snelstart_parse_errors(reply.data, code, sizeof code, msg, sizeof msg);
        err_set(self, err, (int) status, "aanmelden bij %s geweigerd: controleer de client key "
                "(HTTP %ld: \"%s\")", self->auth_url, status, msg[0] ? msg : "geen reden");
        res = SS_AUTH;
    } else {
        err_set(self, err, (int) status, "aanmelden bij %s gaf HTTP %ld zonder token; probeer het "
                "later opnieuw",
                self->auth_url, status);
        err->retry_after_s = reply.retry_after_s;
        res = SS_RETRY;
    }
    json_decref(j);
    free(reply.data);
    return res;
}

/* retry_after - a 429: no call before Retry-After seconds (1 when absent,
 * at most an hour) from now; err gets the moment and why */
static void
retry_after(snelstart_t *self, long secs, ss_error_t *err)
{
    double  until = mono_now() + (double) (secs > 0 ? (secs < 3600 ? secs : 3600) : 1);

    pthread_mutex_lock(&self->rate_lock);
    if (until > self->blocked_until)
        self->blocked_until = until;
    pthread_mutex_unlock(&self->rate_lock);
    err->not_before_ms = epoch_ms_at(until);
    wait_reason(self, LIMIT_RETRY_AFTER, err->wait_reason, sizeof err->wait_reason);
}

/* classify - the result of a performed request, in koppel's terms */
static ss_result_t
classify(snelstart_t *self, const char *method, const char *path, CURLcode rc, long status,
         const reply_t *reply, const char *errbuf, json_t **out, ss_error_t *err)
{
    bool    write = strcmp(method, "GET") != 0;
    ss_result_t res;

    err->http_status = (int) status;
    err->retry_after_s = reply->retry_after_s;
    if (rc != CURLE_OK && reply->too_big) {
        res = write ? SS_UNCERTAIN : SS_RETRY;
        err_set(self, err, (int) status, "het antwoord van SnelStart is groter dan de %d MB "
                "die koppel leest%s (%s %s)", LIMIT_API_ANSWER_BYTES / (1024 * 1024),
                res == SS_UNCERTAIN ? "; misschien is het wel opgeslagen" : "", method, path);
    } else if (rc != CURLE_OK) {
        res = nothing_sent(rc) || !write ? SS_RETRY : SS_UNCERTAIN;
        err_set(self, err, 0, "SnelStart is niet bereikbaar%s: \"%s\" (%s %s)",
                res == SS_UNCERTAIN ? "; misschien is het wel opgeslagen" : "",
                errbuf[0] ? errbuf : curl_easy_strerror(rc), method, path);
    } else if (status >= 200 && status < 300) {
        json_error_t jerr;

        res = SS_OK;
        if (out && reply->len > 0 && (*out = json_loadb(reply->data, reply->len,
                                                       JSON_DECODE_ANY, &jerr)) == NULL) {
            err_set(self, err, (int) status, "het antwoord van SnelStart is geen JSON: \"%s\" "
                    "(%s %s)", jerr.text, method, path);
            res = write ? SS_UNCERTAIN : SS_RETRY;
        }
    } else {
        char    msg[900];

        snelstart_parse_errors(reply->data, err->code, sizeof err->code, msg, sizeof msg);
        if (status == 401 || status == 403) {
            res = SS_AUTH;
            err_set(self, err, (int) status, "SnelStart geeft geen toegang: controleer de client "
                    "key en de subscription key (HTTP %ld: \"%s\", %s %s)", status, msg, method,
                    path);
        } else if (status == 404) {
            res = SS_NOT_FOUND;
            err_set(self, err, (int) status, "niet gevonden in SnelStart (HTTP 404, %s %s)", method,
                    path);
        } else if (status == 429) {
            res = SS_RETRY;
            err_set(self, err, (int) status, "te veel verzoeken aan SnelStart; opnieuw na %ld s "
                    "(HTTP 429, %s %s)", reply->retry_after_s, method, path);
            retry_after(self, reply->retry_after_s, err);
        } else if (status >= 500) {
            res = write ? SS_UNCERTAIN : SS_RETRY;
            err_set(self, err, (int) status, "storing bij SnelStart%s (HTTP %ld, %s %s)",
                    write ? "; misschien is het wel opgeslagen" : "", status, method, path);
        } else {
            res = SS_REJECTED;
            err_set(self, err, (int) status, "\"%s\" (HTTP %ld, %s %s)",
                    msg[0] ? msg : "geen reden gegeven", status, method, path);
        }
        err->retry_after_s = reply->retry_after_s;
    }
    return res;
}

/* call - an API call with token handling, limits and result mapping; text is
 * the body as it is sent (NULL for none) */
static ss_result_t
call(snelstart_t *self, const char *method, const char *path, const char *text,
     json_t **out, ss_error_t *err)
{
    ss_error_t scratch;
    char   *url;
    reply_t reply = { 0 };
    long    status = 0;
    CURLcode rc = CURLE_OK;
    ss_result_t res;
    int     attempt;
    double  answered;

    if (err == NULL)
        err = &scratch;
    memset(err, 0, sizeof *err);
    if (out)
        *out = NULL;
    url = xasprintf("%s%s%s", self->api_url, path[0] == '/' ? "" : "/", path);
    pthread_mutex_lock(&self->lock);
    for (attempt = 0; attempt < TOKEN_TRIES; attempt++) {
        if (!rate_try(self, err, false)) { /* no call now: the caller sets a timer */
            limited(err, method, path);
            res = SS_LIMITED;
            goto done;
        }
        if (self->token == NULL || mono_now() >= self->token_renew_at)
            if ((res = fetch_token(self, err)) != SS_OK)
                goto done;
        free(reply.data);
        rc = perform(self, method, url, text, false, true, &status, &reply);
        answered = mono_now();
        rate_answered(self, &answered, 1);
        if (rc != CURLE_OK || status != 401)
            break;
        if (reply.data && strcasestr(reply.data, "subscription key"))
            break;
        wipe_free(self->token);             /* expired or revoked: once more */
        self->token = NULL;
    }
    res = classify(self, method, path, rc, status, &reply, self->curl_err, out, err);

done:
    pthread_mutex_unlock(&self->lock);
    free(reply.data);
    free(url);
    return res;
}

/* call_json - an API call with a jansson body */
static ss_result_t
call_json(snelstart_t *self, const char *method, const char *path, const json_t *body,
          json_t **out, ss_error_t *err)
{
    ss_error_t scratch;
    char   *text;
    ss_result_t res;

    if (err == NULL)
        err = &scratch;
    if ((text = json_dumps(body, SS_DUMP_FLAGS)) == NULL) {
        memset(err, 0, sizeof *err);
        if (out)
            *out = NULL;
        err_set(self, err, 0, "de inhoud kan niet als JSON geschreven worden (%s %s)",
                method, path);
        return SS_REJECTED;
    }
    res = call(self, method, path, text, out, err);
    free(text);
    return res;
}

/* snelstart_get - GET path */
ss_result_t
snelstart_get(snelstart_t *self, const char *path, json_t **out, ss_error_t *err)
{
    return call(self, "GET", path, NULL, out, err);
}

/* snelstart_post - POST body to path */
ss_result_t
snelstart_post(snelstart_t *self, const char *path, const json_t *body, json_t **out,
               ss_error_t *err)
{
    return call_json(self, "POST", path, body, out, err);
}

/* snelstart_post_many - POST n bodies to one path, max_concurrent at a time.
 * Each request has a connection of its own that is never reused, so libcurl
 * never sends a body twice on its own (see setup). A request refused for an
 * expired token is sent again, alone, with a new one. */
void
snelstart_post_many(snelstart_t *self, const char *path, const char *const *texts, size_t n,
                    json_t **outs, ss_error_t *errs, ss_result_t *results)
{
    char   *url = xasprintf("%s%s%s", self->api_url, path[0] == '/' ? "" : "/", path);
    size_t  width = self->max_concurrent > 0 ? (size_t) self->max_concurrent : 1;
    size_t  first, i, k, m = 0;
    bool   *again = xcalloc(n + 1, sizeof *again);
    CURLM  *multi = curl_multi_init();

    pthread_mutex_lock(&self->lock);
    for (first = 0; first < n; first += m) {
        struct {
            CURL   *c;
            struct curl_slist *hdr;
            reply_t reply;
            char    errbuf[CURL_ERROR_SIZE];
        } *rq = xcalloc(width, sizeof *rq);
        double *at = xcalloc(width, sizeof *at);    /* when each was sent, then answered */
        int     running = 0;
        CURLMsg *msg;
        int     left;

        if (self->token == NULL || mono_now() >= self->token_renew_at)
            if ((results[first] = fetch_token(self, &errs[first])) != SS_OK) {
                for (i = first; i < n; i++) {
                    results[i] = results[first];
                    errs[i] = errs[first];
                    outs[i] = NULL;
                }
                free(rq);
                free(at);
                break;
            }
        /* a round: what the limits allow now, so that every call is counted
           when it really goes; what they do not allow is not sent */
        for (m = 0; m < width && first + m < n; m++) {
            memset(&errs[first + m], 0, sizeof errs[first + m]);
            if (!rate_try(self, &errs[first + m], true)) {
                if (m > 0)
                    break;
                for (i = first; i < n; i++) {
                    if (i > first) {
                        memset(&errs[i], 0, sizeof errs[i]);
                        errs[i].not_before_ms = errs[first].not_before_ms;
                        memcpy(errs[i].wait_reason, errs[first].wait_reason,
                               sizeof errs[i].wait_reason);
                    }
                    limited(&errs[i], "POST", path);
                    results[i] = SS_LIMITED;
                    outs[i] = NULL;
                }
                break;
            }
            at[m] = mono_now();
            rq[m].c = curl_easy_init();
            rq[m].hdr = setup(self, rq[m].c, rq[m].errbuf, "POST", url, texts[first + m], false,
                              true, &rq[m].reply);
            curl_easy_setopt(rq[m].c, CURLOPT_FORBID_REUSE, 1L);
            curl_multi_add_handle(multi, rq[m].c);
        }
        if (m == 0) {                       /* limited: the rest is not sent */
            free(rq);
            free(at);
            break;
        }
        do {
            if (curl_multi_perform(multi, &running) != CURLM_OK)
                break;
            if (running)
                curl_multi_poll(multi, NULL, 0, 100, NULL);
        } while (running);
        while ((msg = curl_multi_info_read(multi, &left)) != NULL) {
            long    status = 0;

            if (msg->msg != CURLMSG_DONE)
                continue;
            for (k = 0; k < m && rq[k].c != msg->easy_handle; k++)
                ;
            i = first + k;
            memset(&errs[i], 0, sizeof errs[i]);
            outs[i] = NULL;
            if (msg->data.result == CURLE_OK)
                curl_easy_getinfo(rq[k].c, CURLINFO_RESPONSE_CODE, &status);
            again[i] = msg->data.result == CURLE_OK && status == 401 && !(rq[k].reply.data
                       && strcasestr(rq[k].reply.data, "subscription key"));
            results[i] = classify(self, "POST", path, msg->data.result, status, &rq[k].reply,
                                  rq[k].errbuf, &outs[i], &errs[i]);
            if (again[i] && self->token) {      /* expired or revoked: a new one next */
                wipe_free(self->token);
                self->token = NULL;
            }
        }
        for (k = 0; k < m; k++) {
            curl_off_t us = 0;

            curl_easy_getinfo(rq[k].c, CURLINFO_TOTAL_TIME_T, &us);
            at[k] += (double) us / 1e6;
            curl_multi_remove_handle(multi, rq[k].c);
            curl_slist_free_all(rq[k].hdr);
            curl_easy_cleanup(rq[k].c);
            free(rq[k].reply.data);
        }
        rate_answered(self, at, m);
        free(rq);
        free(at);
    }
    pthread_mutex_unlock(&self->lock);
    curl_multi_cleanup(multi);
    for (i = 0; i < n; i++)
        if (again[i]) {
            /* the token the batch used was refused: call() fetches a new one
             * first, and still has its own second try after that */
            pthread_mutex_lock(&self->lock);
            wipe_free(self->token);
            self->token = NULL;
            pthread_mutex_unlock(&self->lock);
            break;
        }
    for (i = 0; i < n; i++)
        if (again[i]) {
            json_decref(outs[i]);
            results[i] = call(self, "POST", path, texts[i], &outs[i], &errs[i]);
        }
    free(again);
    free(url);
}

/* snelstart_put - PUT body to path */
ss_result_t
snelstart_put(snelstart_t *self, const char *path, const json_t *body, json_t **out,
              ss_error_t *err)
{
    return call_json(self, "PUT", path, body, out, err);
}

/* snelstart_amount_cents - an amount SnelStart answered, in cents */
bool
snelstart_amount_cents(const json_t *v, int64_t *cents)
{
    char    buf[64];
    double  d;

    if (json_is_integer(v)) {
        if (json_integer_value(v) > INT64_MAX / 100 || json_integer_value(v) < INT64_MIN / 100)
            return false;
        *cents = (int64_t) json_integer_value(v) * 100;
        return true;
    }
    if (!json_is_real(v))
        return false;
    d = json_real_value(v);
    if (!(fabs(d) < 1e13))              /* 2^53 cents, and NaN */
        return false;
    snprintf(buf, sizeof buf, "%.2f", d);
    return money_parse_cents(buf, cents);
}

/* snelstart_odata_string - 'text' with quotes doubled */
char *
snelstart_odata_string(const char *s)
{
    size_t  n = 0;
    const char *p;
    char   *out, *w;

    for (p = s; *p; p++)
        n += *p == '\'' ? 2 : 1;
    w = out = xmalloc(n + 3);
    *w++ = '\'';
    for (p = s; *p; p++) {
        *w++ = *p;
        if (*p == '\'')
            *w++ = '\'';
    }
    *w++ = '\'';
    *w = 0;
    return out;
}

/* append_encoded - percent-encode s onto buf; keep_dollar for keys */
static void
append_encoded(char **buf, size_t *len, const char *s, bool keep_dollar)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t  n = strlen(s);
    char   *w;

    *buf = xrealloc(*buf, *len + 3 * n + 1);
    w = *buf + *len;
    for (; *s; s++) {
        unsigned char ch = (unsigned char) *s;

        if (isalnum(ch) || ch == '-' || ch == '.' || ch == '_' || ch == '~'
            || (keep_dollar && ch == '$')) {
            *w++ = (char) ch;
        } else {
            *w++ = '%';
            *w++ = hex[ch >> 4];
            *w++ = hex[ch & 15];
        }
    }
    *w = 0;
    *len = (size_t) (w - *buf);
}

/* snelstart_query - path + url-encoded query */
char *
snelstart_query(const char *path, ...)
{
    va_list ap;
    const char *k, *v;
    size_t  len = strlen(path);
    char   *buf = xstrdup(path);
    bool    first = strchr(path, '?') == NULL;

    va_start(ap, path);
    while ((k = va_arg(ap, const char *)) != NULL) {
        v = va_arg(ap, const char *);
        buf = xrealloc(buf, len + 2);
        buf[len++] = first ? '?' : '&';
        buf[len] = 0;
        first = false;
        append_encoded(&buf, &len, k, true);
        buf = xrealloc(buf, len + 2);
        buf[len++] = '=';
        buf[len] = 0;
        append_encoded(&buf, &len, v ? v : "", false);
    }
    va_end(ap);
    return buf;
}
