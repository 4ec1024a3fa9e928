/*
 * NAME
 *   shop_http - what the shop clients share: the answer buffer, retries
 *
 * DESCRIPTION
 *   The Globecharge and WooCommerce clients read with libcurl the same
 *   way: an answer collected up to a cap, retried with exponential backoff
 *   (with jitter) that honours Retry-After up to a cap, and the same
 *   judgement of which failures are worth another try. This module is that
 *   common part; each client keeps what its platform says and means.
 */
#ifndef KOPPEL_FETCHER_SHOP_HTTP_H
#define KOPPEL_FETCHER_SHOP_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <curl/curl.h>

#include "size_limits.h"

/* what the bookkeeper does next, in the words of koppel-web's Instellingen
 * page (the manual's tab), for a shop whose answer is not what its
 * platform sends */
#define SHOP_FIX_URL "controleer het adres van de shop bij Instellingen > Koppeling shop"
#define SHOP_ASK_OWNER "laat de beheerder van de shop dit nakijken"

/* the answer of the current exchange */
typedef struct {
    char   *buf;                /* NUL-terminated */
    size_t  len, cap;
    bool    too_big;            /* it did not fit under LIMIT_ANSWER_BYTES */
} shop_body_t;

/* how a call retries */
typedef struct {
    int     attempts;           /* tries per call */
    long    max_backoff_ms;     /* longest wait between tries */
    long    timeout_ms;         /* one exchange */
    unsigned jitter;            /* rand_r state */
    long    retry_after_ms;     /* the last call that gave up: what the shop's
                                   Retry-After asked (0: it asked nothing) */
} shop_retry_t;

/* shop_base_url - a copy of a shop's URL without trailing slashes */
char *shop_base_url(const char *url);

/* shop_curl_new - a libcurl handle set up as every shop client reads: the
 * answer into body, curl's words on a failure into errbuf, no redirects,
 * http(s) only, the answer capped, TLS verified unless tls_verify is false */
CURL *shop_curl_new(shop_body_t *body, char *errbuf, bool tls_verify);

/* shop_retry_init - 5 attempts, 30 s backoff cap and timeout, a jitter seed */
void shop_retry_init(shop_retry_t *r, const void *owner);

/* shop_retry_set - attempts per call, backoff cap, timeout per request */
void shop_retry_set(shop_retry_t *r, int attempts, long max_backoff_ms, long timeout_ms);

/* shop_body_reset, shop_body_free - empty the buffer; free it */
void shop_body_reset(shop_body_t *b);
void shop_body_free(shop_body_t *b);

/* shop_body_write - libcurl write callback; userdata is a shop_body_t */
size_t shop_body_write(char *data, size_t size, size_t nmemb, void *arg);

/* shop_retryable - whether an HTTP status is worth another try */
bool shop_retryable(long status);

/* shop_backoff - ms to wait before try attempt+1; -1 when the server asks
 * (Retry-After) to wait longer than the cap */
long shop_backoff(shop_retry_t *r, int attempt, long retry_after_s);

/* shop_sleep_ms - sleep, restarting after signals */
void shop_sleep_ms(long ms);

/* shop_transport_error - describe a failed exchange with platform who
 * ("Globecharge"), in Dutch with curl's words quoted; true when it is worth
 * a retry */
bool shop_transport_error(const shop_body_t *b, const char *who, const char *url,
                          CURLcode rc, const char *curl_err, char *err, size_t errlen);

/* shop_give_up - end err with why the call stops retrying, and "probeer
 * het later opnieuw"; keep what the shop's Retry-After asked in
 * r->retry_after_ms */
void shop_give_up(shop_retry_t *r, int attempt, long wait, long retry_after_s,
                  char *err, size_t errlen);

#endif
