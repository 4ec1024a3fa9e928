/*
 * NAME
 *   ssim_api - the SnelStart B2B API v2 as the simulator answers it
 *
 * DESCRIPTION
 *   ssim_handle turns one HTTP request into one answer: token endpoint,
 *   subscription-key and bearer checks, per-administration rate limits
 *   (sliding minute and hour windows), deterministic fault injection, the
 *   /v2 resources (every POST and PUT body checked against SnelStart's
 *   OpenAPI file first, see ssim_spec.h) and the /_sim test endpoints.
 *   GET /v2/companyInfo answers the CompanyInfoModel with
 *   factureerBuitenlandsBtw as the option says and buitenlandseBtwGrootboek
 *   the first grootboek of function BtwAfTeDragenOverig; GET /v2/vatrates
 *   the VatRatesModel of every EU member (alpha-3 countryCode, rateCode
 *   CC-S, CC-R1, ..., rate, validFrom, with the recent changes).
 *   /_sim/stats answers {"requests": {route: {status: count}}, "total",
 *   "invalid" (bodies refused by that check), "invalid_requests" (the last
 *   20: method, url, errors)}. It is independent of the
 *   HTTP server; main.c feeds it. Thread-safe (one mutex).
 */
#ifndef SSIM_API_H
#define SSIM_API_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "ssim_spec.h"
#include "ssim_store.h"

typedef struct {
    const ssim_spec_t *spec;        /* request bodies are checked against it */
    const char *client_key;
    const char *subscription_key;
    long    token_ttl_s;
    int     rate_per_minute;
    int     rate_per_hour;
    double  time_scale;
    bool    no_rate_limit;
    double  fail_5xx_rate;
    double  timeout_rate;
    long    timeout_ms;
    double  drop_after_store_rate;
    long    expire_tokens_every;
    unsigned long long seed;
    bool    factureer_buitenlands_btw;  /* companyInfo: the administration invoices
                                           foreign VAT (OSS) */
    long    rate_limit_puts;            /* answer the first N PUTs 429 (Retry-After 1) */
} ssim_options_t;

typedef struct {
    const char *method;
    const char *url;                /* path without query */
    json_t *query;                  /* decoded query arguments, key -> text */
    const char *authorization;      /* header or NULL */
    const char *subscription_key;   /* header or NULL */
    const char *body;
    size_t  body_len;
} ssim_request_t;

typedef struct {
    int     status;
    char   *body;                   /* JSON text, malloc'd */
    long    retry_after_s;          /* > 0: send Retry-After */
    long    sleep_ms;               /* > 0: wait this long before answering */
    bool    drop;                   /* close the connection without an answer */
} ssim_response_t;

typedef struct ssim ssim_t;

ssim_t *ssim_new(ssim_store_t *store, const ssim_options_t *opts);
void ssim_destroy(ssim_t **sim_p);
/* ssim_handle - answer one request; resp->body must be freed by the caller */
void ssim_handle(ssim_t *sim, const ssim_request_t *req, ssim_response_t *resp);
/* ssim_seed - fill empty collections from seed arrays; false with a message */
bool ssim_seed(ssim_store_t *store, json_t *relaties, json_t *grootboeken, json_t *landen,
               char *err, size_t errlen);

#endif
