/*
 * NAME
 *   wc_client - HTTP client of the WooCommerce REST API v3 (orders)
 *
 * DESCRIPTION
 *   Reads orders from a WooCommerce shop: GET /wp-json/wc/v3/orders with
 *   status=processing,completed,cancelled,refunded&orderby=id&order=asc
 *   (cancelled and refunded: one refunded after it was booked is credited,
 *   fetcher/store.h), paged by per_page and
 *   page, and GET /wp-json/wc/v3/orders/ID. Authenticates with the REST
 *   API key's consumer key and secret as HTTP Basic credentials, which
 *   WooCommerce accepts over HTTPS only (over plain HTTP it wants OAuth
 *   1.0a signatures, which koppel does not do).
 *
 *   Late status changes: a list call may pass modified_after (UTC,
 *   "YYYY-MM-DDTHH:MM:SS", sent with dates_are_gmt=true), so that a run
 *   asks for every processing, completed, cancelled or refunded order modified since the last
 *   run, whatever its id: an order that became processing after koppel
 *   passed its id is then still found. The caller skips the ids it already
 *   stored (docs/woocommerce.md).
 *
 *   Retries 429, 5xx and network errors with exponential backoff and
 *   jitter, honouring Retry-After, like gc_client. Bodies are returned
 *   raw (JSON as sent); parsing them is wcorder's job.
 *
 *   No message written by this module holds the consumer key or secret.
 */
#ifndef KOPPEL_WC_CLIENT_H
#define KOPPEL_WC_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct wc_client wc_client_t;

typedef enum {
    WC_OK = 0,
    WC_AUTH,        /* 401 or 403: wrong key or secret, or a key without read access */
    WC_NOT_FOUND,   /* the single order does not exist (404) */
    WC_TRANSIENT,   /* 5xx, 429, network: retries exhausted, try later */
    WC_PROTOCOL,    /* 400, 404 on the list, or an answer that is not the API's JSON */
    WC_TOO_LARGE    /* the answer is larger than LIMIT_ANSWER_BYTES: ask for less */
} wc_result_t;

/* wc_client_new - a client for the shop at shop_url (the WordPress site,
 * e.g. "https://shop.example.nl"; a trailing slash is fine) */
wc_client_t *wc_client_new(const char *shop_url, const char *consumer_key,
                           const char *consumer_secret, bool tls_verify);

/* wc_client_destroy - free the client (wiping key and secret) and null the
 * caller's pointer */
void wc_client_destroy(wc_client_t **self_p);

/* retries within one call: attempts (default 5), backoff cap in ms (default
 * 30000), timeout per request in ms (default 30000) */
void wc_client_set_retry(wc_client_t *self, int attempts, long max_backoff_ms, long timeout_ms);
/* wc_client_retry_after_ms - after a call gave up as transient: what the shop's
 * Retry-After asked to wait, in ms (0: it asked nothing) */
long wc_client_retry_after_ms(const wc_client_t *self);

/* wc_client_orders - one page (1-based) of processing and completed orders
 * in ascending id order, per_page 1..100; modified_after NULL or "" for all.
 * body is the raw JSON array (malloc'd, NUL-terminated); total_pages and
 * total are the X-WP-TotalPages and X-WP-Total headers (-1 when absent). */
wc_result_t wc_client_orders(wc_client_t *self, const char *modified_after, int per_page,
                             int page, char **body, size_t *len, long *total_pages,
                             long *total, char *err, size_t errlen);

/* wc_client_order_ids - the ids of the same page of the list as
 * wc_client_orders gives (the list with _fields=id), so that a page whose
 * JSON cannot be read, or that is too large, can be read order by order;
 * *ids is malloc'd; total_pages and total as for wc_client_orders */
wc_result_t wc_client_order_ids(wc_client_t *self, const char *modified_after, int per_page,
                                int page, int64_t **ids, size_t *nids, long *total_pages,
                                long *total, char *err, size_t errlen);

/* wc_client_order - one order of any status; WC_NOT_FOUND when there is none */
wc_result_t wc_client_order(wc_client_t *self, int64_t id, char **body, size_t *len,
                            char *err, size_t errlen);

/* wc_client_call - one call to another resource below /wp-json/wc/v3 (path
 * such as "/webhooks?per_page=100&page=1"): a GET (json NULL), retried as
 * the order calls are, or method ("POST", "PUT") with the JSON body json,
 * tried once, as a repeat could create a second resource. single: one
 * resource is asked for (the answer an object, 404 WC_NOT_FOUND), else a
 * list (an array); noun names the resource in messages ("webhook"). On WC_OK body is the raw answer (malloc'd) and total_pages
 * the X-WP-TotalPages header (-1 when absent); a refused write is WC_AUTH
 * with WooCommerce's own message. */
wc_result_t wc_client_call(wc_client_t *self, const char *method, const char *path,
                           const char *json, bool single, const char *noun, char **body,
                           size_t *len, long *total_pages, char *err, size_t errlen);

/* wc_result_name - "ok", "auth", "not-found", "transient", "protocol", "too-large" */
const char *wc_result_name(wc_result_t r);

/* wc_client_requests - the number of HTTP requests made */
long wc_client_requests(const wc_client_t *self);

#endif
