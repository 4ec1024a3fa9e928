/*
 * NAME
 *   wc_client - HTTP client of the WooCommerce REST API v3 (orders)
 *
 * DESCRIPTION
 *   One libcurl easy handle per client, so the connection is reused across
 *   calls. Credentials go to libcurl as CURLOPT_USERNAME/PASSWORD with
 *   HTTP Basic, never into a URL. Each call makes at most `attempts`
 *   tries; between tries it sleeps an exponential backoff (250 ms
 *   doubling, with jitter, capped) or the Retry-After the server asked
 *   for. A 200 answer must start as JSON: an array for the list, an
 *   object for one order; whether the rest can be read is the order
 *   parser's to say (wcorder), so that an unreadable order is set aside
 *   on its own instead of failing its page with a message about the URL.
 *
 * DIAGNOSTICS
 *   Each failure writes one Dutch sentence to err naming the URL (which
 *   holds no secret), what went wrong and what to do next, with
 *   WooCommerce's error code and its message in quotes when it sent its
 *   JSON error body.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "wc_client.h"
#include "shop_http.h"
#include "size_limits.h"
#include "xalloc.h"

#define WC_API "/wp-json/wc/v3"

struct wc_client {
    CURL   *curl;
    char   *base;               /* without trailing slash */
    char   *key;
    char   *secret;
    shop_retry_t retry;
    long    requests;
    shop_body_t body;           /* the current answer */
    long    total_pages, total; /* headers of the current answer; -1 absent */
    char    curl_err[CURL_ERROR_SIZE];
};

/* what one HTTP exchange gave */
typedef struct {
    CURLcode rc;
    long    status;
    long    retry_after_s;      /* 0 when absent */
} wc_http_t;

/* wc_result_name - the word for a result */
const char *
wc_result_name(wc_result_t r)
{
    switch (r) {
    case WC_OK: return "ok";
    case WC_AUTH: return "auth";
    case WC_NOT_FOUND: return "not-found";
    case WC_TRANSIENT: return "transient";
    case WC_PROTOCOL: return "protocol";
    case WC_TOO_LARGE: return "too-large";
    }
    return "unknown";
}

/* wc_header - libcurl header callback: X-WP-Total and X-WP-TotalPages */
static size_t
wc_header(char *data, size_t size, size_t nmemb, void *arg)
{
    wc_client_t *self = arg;
    size_t  n = size * nmemb;
    char    line[128];
    long   *dst = NULL;
    const char *v;
    char   *end;
    long    val;

    if (n >= sizeof line)
        return n;
    memcpy(line, data, n);
    line[n] = 0;
    if (strncasecmp(line, "X-WP-TotalPages:", 16) == 0) {
        dst = &self->total_pages;
        v = line + 16;
    } else if (strncasecmp(line, "X-WP-Total:", 11) == 0) {
        dst = &self->total;
        v = line + 11;
    } else {
        return n;
    }
    while (*v == ' ' || *v == '\t')
        v++;
    val = strtol(v, &end, 10);
    while (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n')
        end++;
    if (end != v && *end == 0 && val >= 0)
        *dst = val;
    return n;
}

/* wc_client_new - a client for the shop at shop_url */
wc_client_t *
wc_client_new(const char *shop_url, const char *consumer_key, const char *consumer_secret,
              bool tls_verify)
{
    wc_client_t *self = xcalloc(1, sizeof *self);

    self->base = shop_base_url(shop_url);
    self->key = xstrdup(consumer_key);
    self->secret = xstrdup(consumer_secret);
    shop_retry_init(&self->retry, self);
    self->curl = shop_curl_new(&self->body, self->curl_err, tls_verify);
    curl_easy_setopt(self->curl, CURLOPT_HEADERFUNCTION, wc_header);
    curl_easy_setopt(self->curl, CURLOPT_HEADERDATA, self);
    curl_easy_setopt(self->curl, CURLOPT_HTTPAUTH, (long) CURLAUTH_BASIC);
    curl_easy_setopt(self->curl, CURLOPT_USERNAME, self->key);
    curl_easy_setopt(self->curl, CURLOPT_PASSWORD, self->secret);
    return self;
}

/* wc_client_destroy - free the client, wiping key and secret */
void
wc_client_destroy(wc_client_t **self_p)
{
    wc_client_t *self = *self_p;

    if (self == NULL)
        return;
    curl_easy_cleanup(self->curl);
    explicit_bzero(self->secret, strlen(self->secret));
    explicit_bzero(self->key, strlen(self->key));
    free(self->secret);
    free(self->key);
    free(self->base);
    shop_body_free(&self->body);
    free(self);
    *self_p = NULL;
}

/* wc_client_retry_after_ms - what the shop's Retry-After asked, after a give-up */
long
wc_client_retry_after_ms(const wc_client_t *self)
{
    return self->retry.retry_after_ms;
}

/* wc_client_set_retry - attempts per call, backoff cap, timeout per request */
void
wc_client_set_retry(wc_client_t *self, int attempts, long max_backoff_ms, long timeout_ms)
{
    shop_retry_set(&self->retry, attempts, max_backoff_ms, timeout_ms);
}

/* wc_client_requests - the number of HTTP requests made */
long
wc_client_requests(const wc_client_t *self)
{
    return self->requests;
}

/* wc_http - one exchange: a GET, or method with a JSON body. The answer
 * is in self->body.buf */
static wc_http_t
wc_http(wc_client_t *self, const char *url, const char *method, const char *json)
{
    wc_http_t h = { CURLE_OK, 0, 0 };
    curl_off_t ra = 0;
    struct curl_slist *hd = NULL;

    shop_body_reset(&self->body);
    self->total_pages = self->total = -1;
    self->curl_err[0] = 0;
    curl_easy_setopt(self->curl, CURLOPT_URL, url);
    curl_easy_setopt(self->curl, CURLOPT_TIMEOUT_MS, self->retry.timeout_ms);
    curl_easy_setopt(self->curl, CURLOPT_CONNECTTIMEOUT_MS,
                     self->retry.timeout_ms < 10000 ? self->retry.timeout_ms : 10000L);
    if (json) {
        hd = curl_slist_append(hd, "Content-Type: application/json");
        curl_easy_setopt(self->curl, CURLOPT_HTTPHEADER, hd);
        curl_easy_setopt(self->curl, CURLOPT_POSTFIELDS, json);
        curl_easy_setopt(self->curl, CURLOPT_CUSTOMREQUEST, method);
    } else {
        curl_easy_setopt(self->curl, CURLOPT_HTTPGET, 1L);
        curl_easy_setopt(self->curl, CURLOPT_CUSTOMREQUEST, NULL);
    }
    self->requests++;
    h.rc = curl_easy_perform(self->curl);
    if (hd) {
        curl_easy_setopt(self->curl, CURLOPT_HTTPHEADER, NULL);
        curl_slist_free_all(hd);
    }
    if (h.rc == CURLE_OK) {
        curl_easy_getinfo(self->curl, CURLINFO_RESPONSE_CODE, &h.status);
        if (curl_easy_getinfo(self->curl, CURLINFO_RETRY_AFTER, &ra) == CURLE_OK && ra > 0)
            h.retry_after_s = (long) ra;
    }
    return h;
}

/* wc_error_body - code and message of WooCommerce's JSON error, "" when none */
static void
wc_error_body(const wc_client_t *self, char *code, size_t codelen, char *text, size_t textlen)
{
    json_t *doc;
    json_t *c, *m;

    code[0] = text[0] = 0;
    if (self->body.len == 0 || self->body.len > LIMIT_ERROR_ANSWER_BYTES)
        return;                         /* no error text is that long: not read */
    doc = json_loadb(self->body.buf, self->body.len, 0, NULL);
    if (doc == NULL)
        return;
    c = json_object_get(doc, "code");
    m = json_object_get(doc, "message");
    if (json_is_string(c))
        snprintf(code, codelen, "%s", json_string_value(c));
    if (json_is_string(m))
        snprintf(text, textlen, "%s", json_string_value(m));
    json_decref(doc);
}

/* wc_status_text - "WooCommerce antwoordde op URL met HTTP 503 code:
 * \"message\"" of the current answer */
static void
wc_status_text(const wc_client_t *self, const char *url, long status, char *err, size_t errlen)
{
    char    code[128], text[256];

    wc_error_body(self, code, sizeof code, text, sizeof text);
    snprintf(err, errlen, "WooCommerce antwoordde op %s met HTTP %ld%s%s%s%s%s", url, status,
             code[0] ? " " : "", code, text[0] ? ": \"" : "", text, text[0] ? "\"" : "");
}

/* wc_check_json - whether the answer starts as a JSON array (or object).
 * Only its first character is looked at: an HTML page (a wrong shop URL,
 * permalinks off) is refused here, while a JSON answer that a strict
 * parser cannot read is the order parser's to judge, order by order,
 * rather than a fault of the URL. */
static bool
wc_check_json(const wc_client_t *self, const char *url, bool want_array, const char *noun,
              char *err, size_t errlen)
{
    const char *p = self->body.buf ? self->body.buf : "";
    const char *end = p + self->body.len;

    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    if (p < end && *p == (want_array ? '[' : '{'))
        return true;
    if (p < end && (*p == '[' || *p == '{'))
        snprintf(err, errlen, "WooCommerce antwoordde op %s met JSON dat geen %s is (koppel "
                 "vroeg om %s %s); " SHOP_FIX_URL, url, want_array ? "lijst" : "object",
                 want_array ? "een lijst van het soort" : "een", noun);
    else
        snprintf(err, errlen, "WooCommerce antwoordde op %s met iets dat geen JSON is (%zu "
                 "bytes); " SHOP_FIX_URL " en of de permalinks van WordPress aan staan "
                 "(WordPress > Instellingen > Permalinks)", url, self->body.len);
    return false;
}

/* wc_request - one call: a GET with retries, or a POST or PUT of json
 * tried once (a repeat could create a second resource). single: one
 * resource is asked for (an object answers, 404 is WC_NOT_FOUND), else a
 * list (an array); noun names it in messages. */
static wc_result_t
wc_request(wc_client_t *self, const char *method, const char *path, const char *json,
           bool single, const char *noun, char **body, size_t *len, char *err, size_t errlen)
{
    char   *url = xasprintf("%s%s%s", self->base, WC_API, path);
    wc_result_t r = WC_TRANSIENT;
    int     attempt, attempts = json ? 1 : self->retry.attempts;

    *body = NULL;
    if (len)
        *len = 0;
    err[0] = 0;
    for (attempt = 1; attempt <= attempts; attempt++) {
        wc_http_t h = wc_http(self, url, method, json);
        long    wait;

        if (h.rc != CURLE_OK) {
            if (!shop_transport_error(&self->body, "WooCommerce", url, h.rc, self->curl_err, err, errlen)) {
                r = self->body.too_big || h.rc == CURLE_FILESIZE_EXCEEDED ? WC_TOO_LARGE : WC_TRANSIENT;
                goto done;
            }
        } else if (h.status == 200 || (json && h.status == 201)) {
            if (!wc_check_json(self, url, !single, noun, err, errlen)) {
                r = WC_PROTOCOL;
                goto done;
            }
            /* handed over, not copied: an answer may be 64 MB */
            *body = self->body.buf ? self->body.buf : xstrdup("");
            self->body.buf = NULL;
            self->body.cap = 0;
            if (len)
                *len = self->body.len;
            r = WC_OK;
            goto done;
        } else if (h.status == 401 || h.status == 403) {
            wc_status_text(self, url, h.status, err, errlen);
            if (json == NULL)
                snprintf(err + strlen(err), errlen - strlen(err), "; WooCommerce weigert de "
                         "REST API-sleutel (verkeerde consumer key of consumer secret, of een "
                         "sleutel zonder leesrecht): controleer de consumer key en het consumer "
                         "secret bij Instellingen > Koppeling shop");
            r = WC_AUTH;
            goto done;
        } else if (h.status == 404 && single) {
            snprintf(err, errlen, "WooCommerce heeft geen %s op %s", noun, url);
            r = WC_NOT_FOUND;
            goto done;
        } else if (shop_retryable(h.status)) {
            wc_status_text(self, url, h.status, err, errlen);
        } else {
            wc_status_text(self, url, h.status, err, errlen);
            snprintf(err + strlen(err), errlen - strlen(err), "; " SHOP_FIX_URL);
            r = WC_PROTOCOL;
            goto done;
        }
        wait = shop_backoff(&self->retry, attempt, h.retry_after_s);
        if (attempt == attempts || wait < 0) {
            shop_give_up(&self->retry, attempt, wait, h.retry_after_s, err, errlen);
            r = WC_TRANSIENT;
            goto done;
        }
        shop_sleep_ms(wait);
    }

done:
    free(url);
    return r;
}

/* wc_get - GET the list of orders (an array) or one order */
static wc_result_t
wc_get(wc_client_t *self, const char *path, bool is_order, char **body, size_t *len,
       char *err, size_t errlen)
{
    return wc_request(self, "GET", path, NULL, is_order, "order", body, len, err, errlen);
}

/* wc_client_call - another resource of the API */
wc_result_t
wc_client_call(wc_client_t *self, const char *method, const char *path, const char *json,
               bool single, const char *noun, char **body, size_t *len, long *total_pages,
               char *err, size_t errlen)
{
    wc_result_t r = wc_request(self, method, path, json, single, noun, body, len, err, errlen);

    if (total_pages)
        *total_pages = r == WC_OK ? self->total_pages : -1;
    return r;
}

/* list_path - the path of one page of the list, with _fields when fields */
static char *
list_path(wc_client_t *self, const char *modified_after, int per_page, int page,
          const char *fields)
{
    char   *path, *after = NULL;

    if (per_page < 1)
        per_page = 1;
    if (per_page > 100)
        per_page = 100;             /* WooCommerce's maximum */
    if (page < 1)
        page = 1;
    if (modified_after && *modified_after) {
        after = curl_easy_escape(self->curl, modified_after, 0);
        if (after == NULL) {
            fprintf(stderr, "koppel: out of memory encoding a URL\n");
            exit(70);
        }
    }
    path = xasprintf("/orders?status=processing,completed,cancelled,refunded&orderby=id&order=asc"
                     "&per_page=%d&page=%d%s%s%s%s", per_page, page,
                     after ? "&dates_are_gmt=true&modified_after=" : "", after ? after : "",
                     fields ? "&_fields=" : "", fields ? fields : "");
    curl_free(after);
    return path;
}

/* wc_client_orders - one page of processing and completed orders */
wc_result_t
wc_client_orders(wc_client_t *self, const char *modified_after, int per_page, int page,
                 char **body, size_t *len, long *total_pages, long *total,
                 char *err, size_t errlen)
{
    char   *path = list_path(self, modified_after, per_page, page, NULL);
    wc_result_t r;

    r = wc_get(self, path, false, body, len, err, errlen);
    if (total_pages)
        *total_pages = r == WC_OK ? self->total_pages : -1;
    if (total)
        *total = r == WC_OK ? self->total : -1;
    free(path);
    return r;
}

/* wc_client_order_ids - the ids of one page of the list (_fields=id) */
wc_result_t
wc_client_order_ids(wc_client_t *self, const char *modified_after, int per_page, int page,
                    int64_t **ids, size_t *nids, long *total_pages, long *total,
                    char *err, size_t errlen)
{
    char   *path = list_path(self, modified_after, per_page, page, "id");
    char   *url = xasprintf("%s%s%s", self->base, WC_API, path);
    char   *body = NULL;
    size_t  len = 0, i;
    json_error_t jerr;
    json_t *doc, *id;
    wc_result_t r;

    *ids = NULL;
    *nids = 0;
    r = wc_get(self, path, false, &body, &len, err, errlen);
    free(path);
    *total_pages = r == WC_OK ? self->total_pages : -1;
    *total = r == WC_OK ? self->total : -1;
    if (r != WC_OK) {
        free(url);
        free(body);
        return r;
    }
    doc = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    free(body);
    if (!json_is_array(doc)) {
        snprintf(err, errlen, "WooCommerce antwoordde op %s (de ordernummers van een pagina) "
                 "met %s%s%s; " SHOP_ASK_OWNER, url, doc ? "JSON dat geen lijst is"
                 : "JSON dat niet te lezen is (\"", doc ? "" : jerr.text, doc ? "" : "\")");
        json_decref(doc);
        free(url);
        return WC_PROTOCOL;
    }
    *ids = xcalloc(json_array_size(doc) + 1, sizeof **ids);
    for (i = 0; i < json_array_size(doc); i++) {
        id = json_object_get(json_array_get(doc, i), "id");
        if (!json_is_integer(id) || json_integer_value(id) <= 0) {
            snprintf(err, errlen, "WooCommerce antwoordde op %s met een regel %zu zonder "
                     "ordernummer; " SHOP_ASK_OWNER, url, i + 1);
            json_decref(doc);
            free(*ids);
            *ids = NULL;
            free(url);
            return WC_PROTOCOL;
        }
        (*ids)[(*nids)++] = json_integer_value(id);
    }
    json_decref(doc);
    free(url);
    return WC_OK;
}

/* wc_client_order - one order */
wc_result_t
wc_client_order(wc_client_t *self, int64_t id, char **body, size_t *len,
                char *err, size_t errlen)
{
    char    path[64];

    snprintf(path, sizeof path, "/orders/%lld", (long long) id);
    return wc_get(self, path, true, body, len, err, errlen);
}
