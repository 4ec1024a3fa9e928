/*
 * NAME
 *   snelstart - client of SnelStart's B2B API v2
 *
 * DESCRIPTION
 *   One snelstart_t talks to one administration: it fetches a bearer
 *   token from auth_url with the client key (form grant_type=clientkey),
 *   keeps it until shortly before it expires, sends the subscription key
 *   in Ocp-Apim-Subscription-Key on every API call, and reuses one
 *   keep-alive connection. A client-side limiter keeps to the calls per
 *   minute and per hour (sliding windows) so that SnelStart never has to
 *   answer 429 in normal operation. It never sleeps: a call that the
 *   windows do not allow now, or that falls in a Retry-After SnelStart
 *   gave, is not made and returns SS_LIMITED at once with the moment it
 *   may be made (ss_error_t.not_before_ms) and why (wait_reason); the
 *   caller sets a timer. snelstart_ready_at() and snelstart_budget() tell
 *   the same before a call. Calls on one snelstart_t are serialised (a mutex), so
 *   max_concurrent is at most 1 per object; use one object per thread
 *   only with limits divided between them.
 *
 *   What a result means for the caller:
 *     SS_OK         done; *out holds the answer's JSON (may be NULL)
 *     SS_REJECTED   4xx with SnelStart errors: definite, nothing stored
 *     SS_NOT_FOUND  404
 *     SS_RETRY      429, 5xx on GET, connection refused: nothing stored;
 *                   try later (after a 429: not before not_before_ms)
 *     SS_LIMITED    no call made: the minute or hour window is full, or
 *                   SnelStart's Retry-After has not passed; nothing stored;
 *                   try again at not_before_ms
 *     SS_UNCERTAIN  POST/PUT whose answer was lost (timeout, dropped
 *                   connection, 5xx): it may or may not have been stored;
 *                   look it up (e.g. verkoopfacturen by factuurnummer)
 *     SS_AUTH       wrong client key or subscription key: stop
 *
 * DIAGNOSTICS
 *   ss_error_t.message says what failed in plain Dutch, then the technical
 *   detail in parentheses: HTTP status, method and path, and SnelStart's
 *   own message or curl's words in quotes. It never holds the client key,
 *   the subscription key or a token.
 */
#ifndef KOPPEL_SNELSTART_H
#define KOPPEL_SNELSTART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

typedef struct snelstart snelstart_t;

typedef enum {
    SS_OK = 0,
    SS_REJECTED,
    SS_NOT_FOUND,
    SS_RETRY,
    SS_UNCERTAIN,
    SS_AUTH,
    SS_LIMITED
} ss_result_t;

typedef struct {
    int     http_status;        /* 0 when no answer */
    char    code[32];           /* first errorCode, e.g. "BOE-0021", or "" */
    char    message[1024];      /* plain words; never a key or token */
    long    retry_after_s;      /* from Retry-After, else 0 */
    int64_t not_before_ms;      /* SS_LIMITED, and SS_RETRY after a 429: epoch ms
                                   before which no call is made; else 0 */
    char    wait_reason[64];    /* with not_before_ms, in Dutch: "5.000 per uur
                                   bereikt", "SnelStart vroeg om te wachten
                                   (Retry-After)" */
} ss_error_t;

/* snelstart_new - a client; the URLs without trailing slash. Out of memory
 * (libcurl cannot be set up): exit 70, as xalloc does */
snelstart_t *snelstart_new(const char *api_url, const char *auth_url,
                           const char *client_key, const char *subscription_key,
                           bool tls_verify);
void snelstart_destroy(snelstart_t **self_p);
/* snelstart_set_limits - calls per minute and hour (0: no limit) */
void snelstart_set_limits(snelstart_t *self, int per_minute, int per_hour,
                          int max_concurrent);
/* snelstart_set_limit_names - the administration's limits as wait_reason
 * names them, for a client that keeps to a share of them (the booker leaves
 * the matchers 2 %); snelstart_set_limits() resets them to its own */
void snelstart_set_limit_names(snelstart_t *self, int per_minute, int per_hour);
/* snelstart_set_burst - spread the calls over the minute: at most calls at
 * once, then at the minute limit's pace (a bucket of calls that fills at
 * per_minute a minute; once empty, the next call waits until half of it
 * is back), so that a long run of calls does not fill the minute window in a
 * burst and then wait for it to open; the limits still hold as they are.
 * Only snelstart_post_many() waits for it (and snelstart_ready_at() and
 * snelstart_budget() tell it); a single call is counted but not held back.
 * Set after snelstart_set_limits(), which turns it off; 0: not spread */
void snelstart_set_burst(snelstart_t *self, int calls);
/* snelstart_set_time_scale - windows f times shorter (benchmarks against
   snelstart-sim --time-scale f); default 1 */
void snelstart_set_time_scale(snelstart_t *self, double f);
/* snelstart_set_timeout - whole-request timeout (default 30000 ms) */
void snelstart_set_timeout(snelstart_t *self, long timeout_ms);

/* path relative to api_url, e.g. "/relaties?$top=500&$skip=0" */
ss_result_t snelstart_get(snelstart_t *self, const char *path, json_t **out,
                          ss_error_t *err);
ss_result_t snelstart_post(snelstart_t *self, const char *path, const json_t *body,
                           json_t **out, ss_error_t *err);
/* snelstart_post_many - POST n bodies (JSON text) to one path, up to
 * max_concurrent at a time; per body its answer, error and result as
 * snelstart_post gives them (SS_LIMITED for each body the limits did not
 * allow: it was not sent) */
void snelstart_post_many(snelstart_t *self, const char *path, const char *const *texts,
                         size_t n, json_t **outs, ss_error_t *errs, ss_result_t *results);
ss_result_t snelstart_put(snelstart_t *self, const char *path, const json_t *body,
                          json_t **out, ss_error_t *err);

/* snelstart_amount_cents - an amount in SnelStart's answer (a JSON number
 * in euro, e.g. openstaandSaldo) as cents, rounded to the nearest cent;
 * false when it is no number or too large */
bool    snelstart_amount_cents(const json_t *v, int64_t *cents);
/* snelstart_odata_string - an OData string literal: 'o''brien' (new memory) */
char   *snelstart_odata_string(const char *s);
/* snelstart_query - path + url-encoded query from key, value pairs ending
   in NULL: snelstart_query("/relaties", "$filter", "Email eq 'a b'", NULL) */
char   *snelstart_query(const char *path, ...) __attribute__((sentinel));
/* snelstart_ready_at - epoch ms from which the limits allow the next call
 * (at most now when they allow it now); with why (may be NULL) filled as
 * ss_error_t.wait_reason when that is later than now */
int64_t snelstart_ready_at(snelstart_t *self, char *why, size_t whylen);
/* snelstart_budget - how many calls the limits allow now, at most max */
size_t  snelstart_budget(snelstart_t *self, size_t max);
/* snelstart_calls - API calls made, token calls included */
long    snelstart_calls(const snelstart_t *self);
/* snelstart_parse_errors - an error answer's body (an array of
   {errorCode, message, propertyName} or one object) as the first errorCode
   ("" if none) and the messages in plain words ("" if none) */
void    snelstart_parse_errors(const char *body, char *code, size_t codelen,
                               char *msg, size_t msglen);
/* ss_result_name - the result as a word for logs */
const char *ss_result_name(ss_result_t r);

#endif
