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
 *   Each failure writes one Dutch sentence to err naming the URL (never
 *   the password), what went wrong and what to do next, with the text of
 *   the server's <error> element in quotes when it sent one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>
#include <libxml/parser.h>
#include <libxml/xmlreader.h>

#include "gc_client.h"
#include "gcfeed.h"
#include "shop_http.h"
#include "xalloc.h"

#define GC_NS "urn:globecharge:orders:1"

struct gc_client {
    CURL   *curl;
    char   *base;               /* without trailing slash */
    char   *username;
    char   *password;
    bool    logged_in;
    shop_retry_t retry;
    long    requests;
    shop_body_t body;           /* the current answer */
    char    curl_err[CURL_ERROR_SIZE];
};

/* what one HTTP exchange gave */
typedef struct {
    CURLcode rc;
    long    status;
    long    retry_after_s;      /* 0 when absent */
} gc_http_t;

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
    case GC_TOO_LARGE: return "too-large";
    }
    return "unknown";
}

/* gc_client_new - a client for the feed at base_url */
gc_client_t *
gc_client_new(const char *base_url, const char *username, const char *password,
              bool tls_verify)
{
    gc_client_t *self = xcalloc(1, sizeof *self);

    self->base = shop_base_url(base_url);
    self->username = xstrdup(username);
    self->password = xstrdup(password);
    shop_retry_init(&self->retry, self);
    self->curl = shop_curl_new(&self->body, self->curl_err, tls_verify);
    curl_easy_setopt(self->curl, CURLOPT_COOKIEFILE, "");
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
    shop_body_free(&self->body);
    free(self);
    *self_p = NULL;
}

/* gc_client_retry_after_ms - what the shop's Retry-After asked, after a give-up */
long
gc_client_retry_after_ms(const gc_client_t *self)
{
    return self->retry.retry_after_ms;
}

/* gc_client_set_retry - attempts per call, backoff cap, timeout per request */
void
gc_client_set_retry(gc_client_t *self, int attempts, long max_backoff_ms, long timeout_ms)
{
    shop_retry_set(&self->retry, attempts, max_backoff_ms, timeout_ms);
}

/* gc_client_requests - the number of HTTP requests made */
long
gc_client_requests(const gc_client_t *self)
{
    return self->requests;
}

/* gc_http - one request; form NULL means GET. The answer is in self->body.buf */
static gc_http_t
gc_http(gc_client_t *self, const char *url, const char *form, size_t formlen)
{
    gc_http_t h = { CURLE_OK, 0, 0 };
    curl_off_t ra = 0;

    shop_body_reset(&self->body);
    self->curl_err[0] = 0;
    curl_easy_setopt(self->curl, CURLOPT_URL, url);
    curl_easy_setopt(self->curl, CURLOPT_TIMEOUT_MS, self->retry.timeout_ms);
    curl_easy_setopt(self->curl, CURLOPT_CONNECTTIMEOUT_MS,
                     self->retry.timeout_ms < 10000 ? self->retry.timeout_ms : 10000L);
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

/* gc_error_body - the code and text of an <error> answer, "" when none;
 * read with the feed parser's guard, so that no entity of a hostile error
 * answer is expanded */
static void
gc_error_body(const gc_client_t *self, char *code, size_t codelen, char *text, size_t textlen)
{
    gcfeed_error(self->body.buf, self->body.len, code, codelen, text, textlen);
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
    xmlTextReaderPtr rd = xmlReaderForMemory(self->body.buf ? self->body.buf : "", (int) self->body.len,
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
        snprintf(err, errlen, "Globecharge antwoordde op %s met iets dat geen geldige XML is"
                 " (%zu bytes); " SHOP_FIX_URL, url, self->body.len);
        xmlFreeTextReader(rd);
        return false;
    }
    ok = xmlStrEqual(name, BAD_CAST root_name) && ns && xmlStrEqual(ns, BAD_CAST GC_NS);
    if (!ok)
        snprintf(err, errlen, "Globecharge antwoordde op %s met een <%s>-document waar het"
                 " contract <%s xmlns=\"%s\"> zegt; " SHOP_FIX_URL, url, (const char *) name,
                 root_name, GC_NS);
    (void) rc;
    xmlFreeTextReader(rd);
    return ok;
}

/* gc_status_error - describe an HTTP status that is retried */
static void
gc_status_error(const gc_client_t *self, const char *url, long status,
                char *err, size_t errlen)
{
    char    code[64], text[256];

    gc_error_body(self, code, sizeof code, text, sizeof text);
    if (code[0])
        snprintf(err, errlen, "Globecharge antwoordde op %s met HTTP %ld %s: \"%s\"", url,
                 status, code, text);
    else
        snprintf(err, errlen, "Globecharge antwoordde op %s met HTTP %ld", url, status);
}

/* auth_refused - the text of a login the shop refused: whose, and where to
 * correct it */
static void
auth_refused(const gc_client_t *self, const char *url, char *err, size_t errlen)
{
    snprintf(err, errlen, "Globecharge weigert gebruikersnaam %s: verkeerde gebruikersnaam of"
             " wachtwoord; controleer de gebruikersnaam en het wachtwoord bij Instellingen >"
             " Koppeling shop (%s)", self->username, url);
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
    for (attempt = 1; attempt <= self->retry.attempts; attempt++) {
        gc_http_t h = gc_http(self, url, form, formlen);
        char    code[64], text[256];
        long    wait;

        if (h.rc != CURLE_OK) {
            if (!shop_transport_error(&self->body, "Globecharge", url, h.rc, self->curl_err, err, errlen)) {
                r = self->body.too_big ? GC_PROTOCOL : GC_TRANSIENT;
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
                snprintf(err, errlen, "Globecharge nam de inlog op %s aan maar gaf geen"
                         " GCSESSION-cookie; " SHOP_FIX_URL, url);
                r = GC_PROTOCOL;
                goto done;
            }
            self->logged_in = true;
            r = GC_OK;
            goto done;
        } else if (h.status == 401) {
            gc_error_body(self, code, sizeof code, text, sizeof text);
            if (strcmp(code, "auth") == 0) {
                auth_refused(self, url, err, errlen);
                r = GC_AUTH;
            } else {
                snprintf(err, errlen, "Globecharge antwoordde op de inlog op %s met HTTP 401"
                         " %s: \"%s\"; " SHOP_FIX_URL, url, code[0] ? code : "(zonder foutcode)",
                         text);
                r = GC_PROTOCOL;
            }
            goto done;
        } else if (shop_retryable(h.status)) {
            gc_status_error(self, url, h.status, err, errlen);
        } else {
            gc_error_body(self, code, sizeof code, text, sizeof text);
            snprintf(err, errlen, "Globecharge antwoordde op de inlog op %s met HTTP %ld%s%s"
                     "%s%s%s; " SHOP_FIX_URL, url, h.status, code[0] ? " " : "", code,
                     text[0] ? ": \"" : "", text, text[0] ? "\"" : "");
            r = GC_PROTOCOL;
            goto done;
        }
        wait = shop_backoff(&self->retry, attempt, h.retry_after_s);
        if (attempt == self->retry.attempts || wait < 0) {
            shop_give_up(&self->retry, attempt, wait, h.retry_after_s, err, errlen);
            r = GC_TRANSIENT;
            goto done;
        }
        shop_sleep_ms(wait);
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
    while (attempt < self->retry.attempts) {
        gc_http_t h;
        char    code[64], text[256];
        long    wait;

        if (!self->logged_in && (r = gc_client_login(self, err, errlen)) != GC_OK)
            goto done;
        attempt++;
        h = gc_http(self, url, NULL, 0);
        if (h.rc != CURLE_OK) {
            if (!shop_transport_error(&self->body, "Globecharge", url, h.rc, self->curl_err, err, errlen)) {
                r = self->body.too_big || h.rc == CURLE_FILESIZE_EXCEEDED ? GC_TOO_LARGE : GC_TRANSIENT;
                goto done;
            }
        } else if (h.status == 200) {
            if (!gc_check_root(self, url, root_name, true, err, errlen)) {
                r = GC_PROTOCOL;
                goto done;
            }
            /* handed over, not copied: an answer may be 64 MB */
            *body = self->body.buf ? self->body.buf : xstrdup("");
            self->body.buf = NULL;
            self->body.cap = 0;
            if (len)
                *len = self->body.len;
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
                auth_refused(self, url, err, errlen);
                r = GC_AUTH;
            } else if (strcmp(code, "session-expired") == 0) {
                snprintf(err, errlen, "Globecharge antwoordde op %s direct na een nieuwe inlog"
                         " weer met session-expired (\"%s\"); probeer het later opnieuw", url,
                         text);
                r = GC_TRANSIENT;
                self->logged_in = false;
            } else {
                snprintf(err, errlen, "Globecharge antwoordde op %s met HTTP 401 %s: \"%s\"; "
                         SHOP_FIX_URL, url, code[0] ? code : "(zonder foutcode)", text);
                r = GC_PROTOCOL;
            }
            goto done;
        } else if (h.status == 404 && is_order) {
            snprintf(err, errlen, "Globecharge heeft geen order op %s", url);
            r = GC_NOT_FOUND;
            goto done;
        } else if (shop_retryable(h.status)) {
            gc_status_error(self, url, h.status, err, errlen);
        } else {
            gc_error_body(self, code, sizeof code, text, sizeof text);
            snprintf(err, errlen, "Globecharge antwoordde op %s met HTTP %ld%s%s%s%s%s; "
                     SHOP_FIX_URL, url, h.status, code[0] ? " " : "", code,
                     text[0] ? ": \"" : "", text, text[0] ? "\"" : "");
            r = GC_PROTOCOL;
            goto done;
        }
        wait = shop_backoff(&self->retry, attempt, h.retry_after_s);
        if (attempt == self->retry.attempts || wait < 0) {
            shop_give_up(&self->retry, attempt, wait, h.retry_after_s, err, errlen);
            r = GC_TRANSIENT;
            goto done;
        }
        shop_sleep_ms(wait);
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
