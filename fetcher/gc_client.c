/*
 * NAME
 *   gc_client - HTTP client of the Globecharge order feed
 *
 * DESCRIPTION
 *   One libcurl easy handle per client, so the connection and the cookie
 *   engine (which keeps GCSESSION) are reused across calls. Each call makes
 *   at most `attempts` tries; between tries it sleeps an exponential
 *   backoff (250 ms doubling, with jitter, capped) or the Retry-After the
 *   server asked for. A 401 session-expired costs no try: the client logs
 *   in again and repeats the request once. A 200 answer must be XML whose
 *   root element is the one the contract names, in the feed's namespace.
 *
 * DIAGNOSTICS
 *   Each failure writes one sentence to err naming the URL (never the
 *   password) and what went wrong, with the text of the server's <error>
 *   element when it sent one.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <libxml/parser.h>
#include <libxml/xmlreader.h>
#include <libxml/tree.h>

#include "xalloc.h"
#include "gc_client.h"

#define GC_NS "urn:globecharge:orders:1"
#define GC_MAX_BODY (64L * 1024 * 1024)
#define GC_FIRST_BACKOFF_MS 250

struct gc_client {
    CURL   *curl;
    char   *base;               /* without trailing slash */
    char   *username;
    char   *password;
    bool    logged_in;
    int     attempts;
    long    max_backoff_ms;
    long    timeout_ms;
    long    requests;
    unsigned jitter;            /* rand_r state */
    char   *buf;                /* the current answer */
    size_t  len, cap;
    bool    too_big;
    char    curl_err[CURL_ERROR_SIZE];
};

/* what one HTTP exchange gave */
typedef struct {
    CURLcode rc;
    long    status;
    long    retry_after_s;      /* 0 when absent */
} gc_http_t;

static pthread_once_t gc_curl_once = PTHREAD_ONCE_INIT;

/* gc_curl_init - initialise libcurl once per process */
static void
gc_curl_init(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* gc_result_name - the word for a result */
const char *
gc_result_name(gc_result_t r)
{
    switch (r) {
    case GC_OK: return "ok";
    case GC_AUTH: return "auth";
    case GC_NOT_FOUND: return "not-found";
    case GC_TRANSIENT: return "transient";
    case GC_PROTOCOL: return "protocol";
    }
    return "unknown";
}

/* gc_write - libcurl write callback: collect the answer up to the cap */
static size_t
gc_write(char *data, size_t size, size_t nmemb, void *arg)
{
    gc_client_t *self = arg;
    size_t  n = size * nmemb;

    if (self->len + n > (size_t) GC_MAX_BODY) {
        self->too_big = true;
        return 0;
    }
    if (self->len + n + 1 > self->cap) {
        self->cap = (self->len + n + 1) * 2;
        if (self->cap > (size_t) GC_MAX_BODY + 1)
            self->cap = (size_t) GC_MAX_BODY + 1;
        self->buf = xrealloc(self->buf, self->cap);
    }
    memcpy(self->buf + self->len, data, n);
    self->len += n;
    self->buf[self->len] = 0;
    return n;
}

/* gc_client_new - a client for the feed at base_url */
gc_client_t *
gc_client_new(const char *base_url, const char *username, const char *password,
              bool tls_verify)
{
    gc_client_t *self = xcalloc(1, sizeof *self);
    size_t  n;

    pthread_once(&gc_curl_once, gc_curl_init);
    self->base = xstrdup(base_url);
    n = strlen(self->base);
    while (n > 0 && self->base[n - 1] == '/')
        self->base[--n] = 0;
    self->username = xstrdup(username);
    self->password = xstrdup(password);
    self->attempts = 5;
    self->max_backoff_ms = 30000;
    self->timeout_ms = 30000;
    self->jitter = (unsigned) time(NULL) ^ (unsigned) getpid() ^ (unsigned) (uintptr_t) self;
    self->curl = curl_easy_init();
    if (self->curl == NULL) {
        /* libcurl only fails here when out of memory */
        fprintf(stderr, "koppel: cannot create a libcurl handle (out of memory)\n");
        exit(70);
    }
    curl_easy_setopt(self->curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(self->curl, CURLOPT_COOKIEFILE, "");
    curl_easy_setopt(self->curl, CURLOPT_WRITEFUNCTION, gc_write);
    curl_easy_setopt(self->curl, CURLOPT_WRITEDATA, self);
    curl_easy_setopt(self->curl, CURLOPT_ERRORBUFFER, self->curl_err);
    curl_easy_setopt(self->curl, CURLOPT_USERAGENT, "koppel-fetcher/1");
    curl_easy_setopt(self->curl, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(self->curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(self->curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(self->curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t) GC_MAX_BODY);
    curl_easy_setopt(self->curl, CURLOPT_SSL_VERIFYPEER, tls_verify ? 1L : 0L);
    curl_easy_setopt(self->curl, CURLOPT_SSL_VERIFYHOST, tls_verify ? 2L : 0L);
    return self;
}

/* gc_client_destroy - free the client, wiping the password */
void
gc_client_destroy(gc_client_t **self_p)
{
    gc_client_t *self = *self_p;

    if (self == NULL)
        return;
    curl_easy_cleanup(self->curl);
    explicit_bzero(self->password, strlen(self->password));
    free(self->password);
    free(self->username);
    free(self->base);
    free(self->buf);
    free(self);
    *self_p = NULL;
}

/* gc_client_set_retry - attempts per call, backoff cap, timeout per request */
void
gc_client_set_retry(gc_client_t *self, int attempts, long max_backoff_ms, long timeout_ms)
{
    self->attempts = attempts > 0 ? attempts : 1;
    self->max_backoff_ms = max_backoff_ms >= 0 ? max_backoff_ms : 0;
    self->timeout_ms = timeout_ms > 0 ? timeout_ms : 30000;
}

/* gc_client_requests - the number of HTTP requests made */
long
gc_client_requests(const gc_client_t *self)
{
    return self->requests;
}

/* gc_http - one request; form NULL means GET. The answer is in self->buf */
static gc_http_t
gc_http(gc_client_t *self, const char *url, const char *form, size_t formlen)
{
    gc_http_t h = { CURLE_OK, 0, 0 };
    curl_off_t ra = 0;

    self->len = 0;
    self->too_big = false;
    if (self->buf)
        self->buf[0] = 0;
    self->curl_err[0] = 0;
    curl_easy_setopt(self->curl, CURLOPT_URL, url);
    curl_easy_setopt(self->curl, CURLOPT_TIMEOUT_MS, self->timeout_ms);
    curl_easy_setopt(self->curl, CURLOPT_CONNECTTIMEOUT_MS,
                     self->timeout_ms < 10000 ? self->timeout_ms : 10000L);
    if (form) {
        curl_easy_setopt(self->curl, CURLOPT_POSTFIELDS, form);
        curl_easy_setopt(self->curl, CURLOPT_POSTFIELDSIZE, (long) formlen);
    } else {
        curl_easy_setopt(self->curl, CURLOPT_HTTPGET, 1L);
    }
    self->requests++;
    h.rc = curl_easy_perform(self->curl);
    if (form) {
        /* forget the form, which holds the password */
        curl_easy_setopt(self->curl, CURLOPT_POSTFIELDS, NULL);
        curl_easy_setopt(self->curl, CURLOPT_HTTPGET, 1L);
    }
    if (h.rc == CURLE_OK) {
        curl_easy_getinfo(self->curl, CURLINFO_RESPONSE_CODE, &h.status);
        if (curl_easy_getinfo(self->curl, CURLINFO_RETRY_AFTER, &ra) == CURLE_OK && ra > 0)
            h.retry_after_s = (long) ra;
    }
    return h;
}

/* gc_error_body - the code and text of an <error> answer, "" when none */
static void
gc_error_body(const gc_client_t *self, char *code, size_t codelen, char *text, size_t textlen)
{
    xmlDocPtr doc;
    xmlNodePtr root;
    xmlChar *c, *t;

    code[0] = text[0] = 0;
    if (self->len == 0)
        return;
    doc = xmlReadMemory(self->buf, (int) self->len, NULL, NULL,
                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (doc == NULL)
        return;
    root = xmlDocGetRootElement(doc);
    if (root && xmlStrEqual(root->name, BAD_CAST "error")) {
        c = xmlGetProp(root, BAD_CAST "code");
        t = xmlNodeGetContent(root);
        snprintf(code, codelen, "%s", c ? (const char *) c : "");
        snprintf(text, textlen, "%s", t ? (const char *) t : "");
        xmlFree(c);
        xmlFree(t);
    }
    xmlFreeDoc(doc);
}

/* gc_check_root - whether the answer is XML with the named root element in
 * the feed's namespace; fills err when not. Only the start of the document
 * is read (an answer may be 64 MB; the feed parser reads it whole). With
 * lenient, an answer whose start is not well-formed passes: the feed parser
 * then says what is wrong with it, and the import reads its orders one by
 * one. */
static bool
gc_check_root(const gc_client_t *self, const char *url, const char *root_name,
              bool lenient, char *err, size_t errlen)
{
    xmlTextReaderPtr rd = xmlReaderForMemory(self->buf ? self->buf : "", (int) self->len,
                                             NULL, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR
                                             | XML_PARSE_NOWARNING);
    const xmlChar *name = NULL, *ns = NULL;
    int     rc = -1;
    bool    ok;

    while (rd && (rc = xmlTextReaderRead(rd)) == 1)
        if (xmlTextReaderNodeType(rd) == XML_READER_TYPE_ELEMENT) {
            name = xmlTextReaderConstLocalName(rd);
            ns = xmlTextReaderConstNamespaceUri(rd);
            break;
        }
    if (name == NULL && lenient) {
        xmlFreeTextReader(rd);
        return true;
    }
    if (name == NULL) {
        snprintf(err, errlen, "Globecharge answered %s with something that is not"
                 " well-formed XML (%zu bytes)", url, self->len);
        xmlFreeTextReader(rd);
        return false;
    }
    ok = xmlStrEqual(name, BAD_CAST root_name) && ns && xmlStrEqual(ns, BAD_CAST GC_NS);
    if (!ok)
        snprintf(err, errlen, "Globecharge answered %s with a <%s> document where the"
                 " contract says <%s xmlns=\"%s\">", url, (const char *) name, root_name,
                 GC_NS);
    (void) rc;
    xmlFreeTextReader(rd);
    return ok;
}

/* gc_sleep_ms - sleep, restarting after signals */
static void
gc_sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

    while (nanosleep(&ts, &ts) != 0)
        ;
}

/* gc_backoff - how long to wait before try `attempt`+1; -1 when the server
 * asks to wait longer than the cap */
static long
gc_backoff(gc_client_t *self, int attempt, long retry_after_s)
{
    long    d = GC_FIRST_BACKOFF_MS;
    int     i;

    if (retry_after_s > 0)
        return retry_after_s * 1000 > self->max_backoff_ms ? -1 : retry_after_s * 1000;
    for (i = 1; i < attempt && d < self->max_backoff_ms; i++)
        d *= 2;
    if (d > self->max_backoff_ms)
        d = self->max_backoff_ms;
    /* jitter: somewhere in the upper half, so clients spread out */
    return d / 2 + (d > 1 ? (long) (rand_r(&self->jitter) % (unsigned) (d / 2 + 1)) : 0);
}

/* gc_transport_error - describe a failed exchange; true when worth a retry */
static bool
gc_transport_error(const gc_client_t *self, const char *url, CURLcode rc,
                   char *err, size_t errlen)
{
    if (self->too_big || rc == CURLE_FILESIZE_EXCEEDED) {
        snprintf(err, errlen, "Globecharge's answer to %s is larger than the %ld MB"
                 " this client accepts", url, GC_MAX_BODY / (1024 * 1024));
        return false;
    }
    snprintf(err, errlen, "cannot read %s: %s", url,
             self->curl_err[0] ? self->curl_err : curl_easy_strerror(rc));
    switch (rc) {
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
        return false;
    default:
        return true;
    }
}

/* gc_status_error - describe an HTTP status that is retried */
static void
gc_status_error(const gc_client_t *self, const char *url, long status,
                char *err, size_t errlen)
{
    char    code[64], text[256];

    gc_error_body(self, code, sizeof code, text, sizeof text);
    if (code[0])
        snprintf(err, errlen, "Globecharge answered %s with HTTP %ld %s: %s", url,
                 status, code, text);
    else
        snprintf(err, errlen, "Globecharge answered %s with HTTP %ld", url, status);
}

/* gc_retryable - whether an HTTP status is retried */
static bool
gc_retryable(long status)
{
    return status == 429 || status == 503 || (status >= 500 && status <= 599);
}

/* gc_give_up - the message after the last try or a too long Retry-After */
static gc_result_t
gc_give_up(gc_client_t *self, int attempt, long wait, long retry_after_s,
           char *err, size_t errlen)
{
    size_t  n = strlen(err);

    if (wait < 0)
        snprintf(err + n, errlen - n, "; it asks to retry after %ld s, longer than the"
                 " %ld ms this call waits: try later", retry_after_s, self->max_backoff_ms);
    else
        snprintf(err + n, errlen - n, " (gave up after %d attempt%s: try later)",
                 attempt, attempt == 1 ? "" : "s");
    return GC_TRANSIENT;
}

/* gc_client_login - log in and keep the session cookie */
gc_result_t
gc_client_login(gc_client_t *self, char *err, size_t errlen)
{
    char   *url = xasprintf("%s/login.cgi", self->base);
    char   *user = curl_easy_escape(self->curl, self->username, 0);
    char   *pass = curl_easy_escape(self->curl, self->password, 0);
    char   *form;
    size_t  formlen;
    gc_result_t r = GC_TRANSIENT;
    int     attempt;

    self->logged_in = false;
    if (user == NULL || pass == NULL) {
        fprintf(stderr, "koppel: out of memory encoding the login form\n");
        exit(70);
    }
    form = xasprintf("username=%s&password=%s", user, pass);
    formlen = strlen(form);
    explicit_bzero(pass, strlen(pass));
    curl_free(pass);
    curl_free(user);
    for (attempt = 1; attempt <= self->attempts; attempt++) {
        gc_http_t h = gc_http(self, url, form, formlen);
        char    code[64], text[256];
        long    wait;

        if (h.rc != CURLE_OK) {
            if (!gc_transport_error(self, url, h.rc, err, errlen)) {
                r = self->too_big ? GC_PROTOCOL : GC_TRANSIENT;
                goto done;
            }
        } else if (h.status == 200) {
            struct curl_slist *cookies = NULL, *c;
            bool    have = false;

            if (!gc_check_root(self, url, "session", false, err, errlen)) {
                r = GC_PROTOCOL;
                goto done;
            }
            curl_easy_getinfo(self->curl, CURLINFO_COOKIELIST, &cookies);
            for (c = cookies; c; c = c->next) {
                /* Netscape format: the name is the sixth tab-separated field */
                const char *p = c->data;
                int     tabs = 0;

                while (*p && tabs < 5)
                    if (*p++ == '\t')
                        tabs++;
                if (strncmp(p, "GCSESSION\t", 10) == 0)
                    have = true;
            }
            curl_slist_free_all(cookies);
            if (!have) {
                snprintf(err, errlen, "Globecharge accepted the login at %s but set no"
                         " GCSESSION cookie", url);
                r = GC_PROTOCOL;
                goto done;
            }
            self->logged_in = true;
            r = GC_OK;
            goto done;
        } else if (h.status == 401) {
            gc_error_body(self, code, sizeof code, text, sizeof text);
            if (strcmp(code, "auth") == 0) {
                snprintf(err, errlen, "Globecharge refused username %s: wrong username or"
                         " password; the profile stops until its settings change (%s)",
                         self->username, url);
                r = GC_AUTH;
            } else {
                snprintf(err, errlen, "Globecharge answered the login at %s with HTTP 401"
                         " %s: %s", url, code[0] ? code : "(no error code)", text);
                r = GC_PROTOCOL;
            }
            goto done;
        } else if (gc_retryable(h.status)) {
            gc_status_error(self, url, h.status, err, errlen);
        } else {
            gc_error_body(self, code, sizeof code, text, sizeof text);
            snprintf(err, errlen, "Globecharge answered the login at %s with HTTP %ld%s%s%s%s",
                     url, h.status, code[0] ? " " : "", code, text[0] ? ": " : "", text);
            r = GC_PROTOCOL;
            goto done;
        }
        wait = gc_backoff(self, attempt, h.retry_after_s);
        if (attempt == self->attempts || wait < 0) {
            r = gc_give_up(self, attempt, wait, h.retry_after_s, err, errlen);
            goto done;
        }
        gc_sleep_ms(wait);
    }

done:
    explicit_bzero(form, formlen);
    free(form);
    free(url);
    return r;
}

/* gc_get - GET one page of the feed with session handling and retries */
static gc_result_t
gc_get(gc_client_t *self, const char *path, const char *root_name, bool is_order,
       char **body, size_t *len, char *err, size_t errlen)
{
    char   *url = xasprintf("%s/%s", self->base, path);
    bool    relogged = false;
    gc_result_t r = GC_TRANSIENT;
    int     attempt = 0;

    *body = NULL;
    if (len)
        *len = 0;
    err[0] = 0;
    while (attempt < self->attempts) {
        gc_http_t h;
        char    code[64], text[256];
        long    wait;

        if (!self->logged_in && (r = gc_client_login(self, err, errlen)) != GC_OK)
            goto done;
        attempt++;
        h = gc_http(self, url, NULL, 0);
        if (h.rc != CURLE_OK) {
            if (!gc_transport_error(self, url, h.rc, err, errlen)) {
                r = self->too_big || h.rc == CURLE_FILESIZE_EXCEEDED ? GC_PROTOCOL : GC_TRANSIENT;
                goto done;
            }
        } else if (h.status == 200) {
            if (!gc_check_root(self, url, root_name, true, err, errlen)) {
                r = GC_PROTOCOL;
                goto done;
            }
            /* handed over, not copied: an answer may be 64 MB */
            *body = self->buf ? self->buf : xstrdup("");
            self->buf = NULL;
            self->cap = 0;
            if (len)
                *len = self->len;
            r = GC_OK;
            goto done;
        } else if (h.status == 401) {
            gc_error_body(self, code, sizeof code, text, sizeof text);
            if (strcmp(code, "session-expired") == 0 && !relogged) {
                /* log in again and repeat once; this costs no attempt */
                relogged = true;
                self->logged_in = false;
                attempt--;
                continue;
            }
            if (strcmp(code, "auth") == 0) {
                snprintf(err, errlen, "Globecharge refused username %s: wrong username or"
                         " password; the profile stops until its settings change (%s)",
                         self->username, url);
                r = GC_AUTH;
            } else if (strcmp(code, "session-expired") == 0) {
                snprintf(err, errlen, "Globecharge answered %s with session-expired again"
                         " right after a new login: %s", url, text);
                r = GC_TRANSIENT;
                self->logged_in = false;
            } else {
                snprintf(err, errlen, "Globecharge answered %s with HTTP 401 %s: %s", url,
                         code[0] ? code : "(no error code)", text);
                r = GC_PROTOCOL;
            }
            goto done;
        } else if (h.status == 404 && is_order) {
            snprintf(err, errlen, "Globecharge has no order at %s", url);
            r = GC_NOT_FOUND;
            goto done;
        } else if (gc_retryable(h.status)) {
            gc_status_error(self, url, h.status, err, errlen);
        } else {
            gc_error_body(self, code, sizeof code, text, sizeof text);
            snprintf(err, errlen, "Globecharge answered %s with HTTP %ld%s%s%s%s", url,
                     h.status, code[0] ? " " : "", code, text[0] ? ": " : "", text);
            r = GC_PROTOCOL;
            goto done;
        }
        wait = gc_backoff(self, attempt, h.retry_after_s);
        if (attempt == self->attempts || wait < 0) {
            r = gc_give_up(self, attempt, wait, h.retry_after_s, err, errlen);
            goto done;
        }
        gc_sleep_ms(wait);
    }

done:
    free(url);
    return r;
}

/* gc_client_orders - one page of orders.cgi */
gc_result_t
gc_client_orders(gc_client_t *self, int64_t from, int max,
                 char **body, size_t *len, char *err, size_t errlen)
{
    char    path[96];

    snprintf(path, sizeof path, "orders.cgi?from=%lld&max=%d", (long long) from, max);
    return gc_get(self, path, "orders", false, body, len, err, errlen);
}

/* gc_client_order - one order of order.cgi */
gc_result_t
gc_client_order(gc_client_t *self, int64_t number,
                char **body, size_t *len, char *err, size_t errlen)
{
    char    path[64];

    snprintf(path, sizeof path, "order.cgi?number=%lld", (long long) number);
    return gc_get(self, path, "order", true, body, len, err, errlen);
}
