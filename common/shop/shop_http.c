/*
 * NAME
 *   shop_http - what the shop clients share: the answer buffer, retries
 *
 * DESCRIPTION
 *   See shop_http.h. The first wait is 250 ms, doubling per try up to
 *   max_backoff_ms, somewhere in the upper half of that (jitter), so that
 *   many clients do not come back at the same moment.
 */
#include <stdint.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http_init.h"
#include "shop_http.h"
#include "size_limits.h"
#include "xalloc.h"

#define FIRST_BACKOFF_MS 250

/* shop_base_url - a copy of a shop's URL without trailing slashes */
char *
shop_base_url(const char *url)
{
    char   *base = xstrdup(url);
    size_t  n = strlen(base);

    while (n > 0 && base[n - 1] == '/')
        base[--n] = 0;
    return base;
}

/* shop_curl_new - a libcurl handle set up as every shop client reads */
CURL *
shop_curl_new(shop_body_t *body, char *errbuf, bool tls_verify)
{
    CURL   *c;

    if (!http_init() || (c = curl_easy_init()) == NULL) {
        /* libcurl only fails here when out of memory */
        fprintf(stderr, "koppel: cannot initialise libcurl or create a handle (out of memory)\n");
        exit(70);
    }
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, shop_body_write);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, body);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "koppel-fetcher/1");
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t) LIMIT_ANSWER_BYTES);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, tls_verify ? 1L : 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, tls_verify ? 2L : 0L);
    return c;
}

/* shop_retry_init - the defaults and a jitter seed of the owner's own */
void
shop_retry_init(shop_retry_t *r, const void *owner)
{
    r->attempts = 5;
    r->max_backoff_ms = 30000;
    r->timeout_ms = 30000;
    r->jitter = (unsigned) time(NULL) ^ (unsigned) getpid() ^ (unsigned) (uintptr_t) owner;
}

/* shop_retry_set - attempts per call, backoff cap, timeout per request */
void
shop_retry_set(shop_retry_t *r, int attempts, long max_backoff_ms, long timeout_ms)
{
    r->attempts = attempts > 0 ? attempts : 1;
    r->max_backoff_ms = max_backoff_ms >= 0 ? max_backoff_ms : 0;
    r->timeout_ms = timeout_ms > 0 ? timeout_ms : 30000;
}

void
shop_body_reset(shop_body_t *b)
{
    b->len = 0;
    b->too_big = false;
    if (b->buf)
        b->buf[0] = 0;
}

void
shop_body_free(shop_body_t *b)
{
    free(b->buf);
    memset(b, 0, sizeof *b);
}

/* shop_body_write - collect the answer up to the cap */
size_t
shop_body_write(char *data, size_t size, size_t nmemb, void *arg)
{
    shop_body_t *b = arg;
    size_t  n = size * nmemb;

    if (b->len + n > (size_t) LIMIT_ANSWER_BYTES) {
        b->too_big = true;
        return 0;
    }
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        if (b->cap > (size_t) LIMIT_ANSWER_BYTES + 1)
            b->cap = (size_t) LIMIT_ANSWER_BYTES + 1;
        b->buf = xrealloc(b->buf, b->cap);
    }
    memcpy(b->buf + b->len, data, n);
    b->len += n;
    b->buf[b->len] = 0;
    return n;
}

/* shop_retryable - whether an HTTP status is worth another try */
bool
shop_retryable(long status)
{
    return status == 408 || status == 429 || (status >= 500 && status <= 599);
}

/* shop_backoff - how long to wait before the next try */
long
shop_backoff(shop_retry_t *r, int attempt, long retry_after_s)
{
    long    d = FIRST_BACKOFF_MS;
    int     i;

    if (retry_after_s > 0)
        return retry_after_s * 1000 > r->max_backoff_ms ? -1 : retry_after_s * 1000;
    for (i = 1; i < attempt && d < r->max_backoff_ms; i++)
        d *= 2;
    if (d > r->max_backoff_ms)
        d = r->max_backoff_ms;
    return d / 2 + (d > 1 ? (long) (rand_r(&r->jitter) % (unsigned) (d / 2 + 1)) : 0);
}

/* shop_sleep_ms - sleep, restarting after signals */
void
shop_sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

    while (nanosleep(&ts, &ts) != 0)
        ;
}

/* shop_transport_error - describe a failed exchange; true when worth a retry */
bool
shop_transport_error(const shop_body_t *b, const char *who, const char *url, CURLcode rc,
                     const char *curl_err, char *err, size_t errlen)
{
    bool    retry;

    if (b->too_big || rc == CURLE_FILESIZE_EXCEEDED) {
        snprintf(err, errlen, "%s antwoordde op %s met meer dan de %ld MB die koppel leest; "
                 SHOP_ASK_OWNER, who, url, (long) LIMIT_ANSWER_BYTES / (1024 * 1024));
        return false;
    }
    switch (rc) {
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
        retry = false;
        break;
    default:
        retry = true;
    }
    snprintf(err, errlen, "%s is niet te lezen op %s (\"%s\")%s", who, url,
             curl_err[0] ? curl_err : curl_easy_strerror(rc), retry ? "" : "; " SHOP_FIX_URL);
    return retry;
}

/* shop_give_up - end err with why the call stops retrying */
void
shop_give_up(shop_retry_t *r, int attempt, long wait, long retry_after_s, char *err,
             size_t errlen)
{
    size_t  n = strlen(err);

    r->retry_after_ms = retry_after_s > 0 ? retry_after_s * 1000 : 0;

    if (n >= errlen)
        return;
    if (wait < 0)
        snprintf(err + n, errlen - n, "; de shop vraagt %ld s te wachten, langer dan de %ld ms "
                 "die koppel hier wacht: probeer het later opnieuw", retry_after_s,
                 r->max_backoff_ms);
    else if (attempt > 1)
        snprintf(err + n, errlen - n, " (%d pogingen); probeer het later opnieuw", attempt);
    else
        snprintf(err + n, errlen - n, "; probeer het later opnieuw");
}
