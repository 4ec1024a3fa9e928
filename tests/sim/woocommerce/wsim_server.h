/*
 * NAME
 *   wsim_server - the WooCommerce simulator's HTTP side
 *
 * DESCRIPTION
 *   Serves GET /wp-json/wc/v3/orders (status, modified_after, orderby=id,
 *   order, per_page, page; X-WP-Total and X-WP-TotalPages) and GET
 *   /wp-json/wc/v3/orders/ID from a wsim_store, behind HTTP Basic with the
 *   consumer key and secret, with injected faults and two test-control
 *   endpoints: PUT /_sim/orders (add or replace orders as JSON) and GET
 *   /_sim/stats (answers per endpoint and status, as JSON).
 */
#ifndef WCSIM_SERVER_H
#define WCSIM_SERVER_H

#include <stdint.h>

#include "wsim_store.h"

typedef struct wsim_server wsim_server_t;

typedef struct {
    const char *key;             /* consumer key */
    const char *secret;          /* consumer secret */
    uint64_t seed;               /* drives the random faults */
    double  fail_5xx_rate;       /* 0..1: 500/502 */
    long    rate_limit_every;    /* every Nth request 429 */
    long    retry_after;         /* seconds in Retry-After */
    long    slow_ms;             /* delay before each answer */
    double  drop_rate;           /* 0..1: close without answering */
} wsim_server_opts_t;

/* wsim_server_new - listen on host:port and serve; NULL with err on failure */
wsim_server_t *wsim_server_new(const char *host, int port, wsim_store_t *store,
                               const wsim_server_opts_t *opts, char *err, size_t errlen);

/* wsim_server_destroy - stop serving and null the caller's pointer */
void wsim_server_destroy(wsim_server_t **self_p);

#endif
