/*
 * NAME
 *   wsim_server - the WooCommerce simulator's HTTP side
 *
 * DESCRIPTION
 *   Serves GET /wp-json/wc/v3/orders (status, modified_after, orderby=id,
 *   order, per_page, page, _fields; X-WP-Total and X-WP-TotalPages) and GET
 *   /wp-json/wc/v3/orders/ID from a wsim_store, and the webhooks of
 *   wsim_hooks on GET and POST /wp-json/wc/v3/webhooks and GET and PUT
 *   /wp-json/wc/v3/webhooks/ID, behind HTTP Basic with the consumer key and
 *   secret (a key with read permission only may not POST or PUT), with
 *   injected faults and test-control endpoints: PUT /_sim/orders (add or
 *   replace orders as JSON), POST /_sim/generate (place orders at a rate,
 *   wsim_live), GET /_sim/webhook-deliveries (what was delivered when),
 *   PUT /_sim/webhook-faults (the delivery faults) and GET /_sim/stats
 *   (answers per endpoint and status, as JSON).
 *
 *   Poisons make one order's JSON unreadable as served, in the list and
 *   on its own, the ways a real shop's JSON can be (a \u0000, an integer
 *   no int64 holds, 1e400, a duplicate key, nesting deeper than any parser
 *   goes), so that a client's order-by-order fallback can be tested; the
 *   list with _fields=id still answers the id alone, as WordPress does.
 */
#ifndef WCSIM_SERVER_H
#define WCSIM_SERVER_H

#include <stdbool.h>
#include <stdint.h>

#include "wsim_deliver.h"
#include "wsim_hooks.h"
#include "wsim_live.h"
#include "wsim_store.h"

typedef struct wsim_server wsim_server_t;

/* poisons: what --poison ID:KIND puts into one order's JSON as served */
typedef enum {
    WSIM_POISON_NUL,             /* "customer_note": "a\u0000b" */
    WSIM_POISON_BIGINT,          /* "customer_id": 30 digits */
    WSIM_POISON_HUGE_REAL,       /* "cart_tax": 1e400 */
    WSIM_POISON_DUPLICATE_KEY,   /* a second "status" */
    WSIM_POISON_DEEP,            /* "meta_data": 5,000 nested arrays */
    WSIM_POISON_HUGE,            /* "customer_note" of 70 MB: over the 64 MB answer limit */
    WSIM_POISON_WIDE,            /* "meta_data": [1,1,...] of 15 million values (30 MB) */
    WSIM_POISON_KINDS
} wsim_poison_kind_t;

#define WSIM_MAX_POISONS 32

typedef struct {
    int64_t id;
    wsim_poison_kind_t kind;
} wsim_poison_t;

/* wsim_poison_parse - "ID:KIND" (KIND nul, bigint, huge-real,
 * duplicate-key, deep, huge, wide); false when it is not one */
bool wsim_poison_parse(const char *s, wsim_poison_t *out);

typedef struct {
    const char *key;             /* consumer key */
    const char *secret;          /* consumer secret */
    uint64_t seed;               /* drives the random faults */
    double  fail_5xx_rate;       /* 0..1: 500/502 */
    long    rate_limit_every;    /* every Nth request 429 */
    long    retry_after;         /* seconds in Retry-After */
    long    slow_ms;             /* delay before each answer */
    double  drop_rate;           /* 0..1: close without answering */
    wsim_poison_t poisons[WSIM_MAX_POISONS];  /* orders served unreadable */
    int     npoisons;
    bool    read_only;           /* the key has Read permission, not Read/Write */
} wsim_server_opts_t;

/* wsim_shop_t - what the server serves, each made and freed by the caller */
typedef struct {
    wsim_store_t *store;
    wsim_hooks_t *hooks;
    wsim_deliver_t *deliver;     /* pings new webhooks */
    wsim_live_t *live;
} wsim_shop_t;

/* wsim_server_new - listen on host:port and serve; NULL with err on failure */
wsim_server_t *wsim_server_new(const char *host, int port, const wsim_shop_t *shop,
                               const wsim_server_opts_t *opts, char *err, size_t errlen);

/* wsim_server_destroy - stop serving and null the caller's pointer */
void wsim_server_destroy(wsim_server_t **self_p);

#endif
