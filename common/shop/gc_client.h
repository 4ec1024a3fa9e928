/*
 * NAME
 *   gc_client - HTTP client of the Globecharge order feed
 *
 * DESCRIPTION
 *   Speaks the feed contract (globecharge-feed.md): logs in lazily with the
 *   shop owner's username and password, keeps the GCSESSION cookie, logs in
 *   again once when a request answers 401 session-expired, and retries
 *   429, 503, other 5xx and network errors with exponential backoff and
 *   jitter, honouring Retry-After, up to a number of attempts per call.
 *   Bodies are returned raw (the XML as sent, in its declared encoding);
 *   parsing them is another module's job.
 *
 *   No message written by this module holds the password.
 */
#ifndef KOPPEL_GC_CLIENT_H
#define KOPPEL_GC_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct gc_client gc_client_t;

typedef enum {
    GC_OK = 0,
    GC_AUTH,        /* wrong username or password: stop the profile */
    GC_NOT_FOUND,   /* order.cgi 404 */
    GC_TRANSIENT,   /* 5xx, 429, 503, network: retries exhausted, try later */
    GC_PROTOCOL,    /* 400 or an answer that is not what the contract says */
    GC_TOO_LARGE    /* the answer is larger than LIMIT_ANSWER_BYTES: ask for less */
} gc_result_t;

/* gc_client_new - a client for the feed at base_url (no trailing slash
 * needed), e.g. "https://www.globecharge.com/webshop" */
gc_client_t *gc_client_new(const char *base_url, const char *username,
                           const char *password, bool tls_verify);

/* gc_client_destroy - free the client (wiping the password) and null the
 * caller's pointer */
void gc_client_destroy(gc_client_t **self_p);

/* retries within one call: attempts (default 5), backoff cap in ms (default 30000),
   timeout per request in ms (default 30000) */
void gc_client_set_retry(gc_client_t *self, int attempts, long max_backoff_ms, long timeout_ms);
/* gc_client_retry_after_ms - after a call gave up as transient: what the shop's
 * Retry-After asked to wait, in ms (0: it asked nothing) */
long gc_client_retry_after_ms(const gc_client_t *self);

/* gc_client_login - log in now (other calls log in when needed) */
gc_result_t gc_client_login(gc_client_t *self, char *err, size_t errlen);

/* orders.cgi: body is the raw XML document (malloc'd, NUL-terminated) */
gc_result_t gc_client_orders(gc_client_t *self, int64_t from, int max,
                             char **body, size_t *len, char *err, size_t errlen);

/* order.cgi: one order of any status; GC_NOT_FOUND when it does not exist */
gc_result_t gc_client_order(gc_client_t *self, int64_t number,
                            char **body, size_t *len, char *err, size_t errlen);

/* gc_result_name - "ok", "auth", "not-found", "transient", "protocol", "too-large" */
const char *gc_result_name(gc_result_t r);

/* gc_client_requests - the number of HTTP requests made */
long gc_client_requests(const gc_client_t *self);

#endif
