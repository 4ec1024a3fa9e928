/*
 * NAME
 *   wsim_deliver - the WooCommerce simulator's webhook deliveries
 *
 * DESCRIPTION
 *   When an order is created or changed in the store, each active webhook
 *   of the topic (order.created for a new id, order.updated for a known
 *   one) gets a delivery as WooCommerce sends it: POST to its delivery URL
 *   of the order's JSON as wp_json_encode() writes it (compact, "\/" for
 *   "/", non-ASCII as \uxxxx in lower case), over HTTP/1.0 without
 *   redirects, with the headers X-WC-Webhook-Source, -Topic, -Resource,
 *   -Event, -Signature
 *   (base64 of the HMAC-SHA256 of the body under the webhook's secret),
 *   -ID and -Delivery-ID. A new active webhook is first pinged: the body
 *   webhook_id=N, form-encoded, no webhook headers; a ping's failure counts
 *   for nothing. A delivery answered 2xx succeeded; anything else (another
 *   status, a refused connection, a timeout) failed, and max_failures
 *   failures in a row disable the webhook (wsim_hooks). WooCommerce never
 *   sends again what failed, and neither does the simulator.
 *
 *   Deliveries go out from a few threads of their own, so that the REST
 *   API is served meanwhile; the deliveries of one order keep their order
 *   (one order's go through one thread), those of different orders run
 *   side by side. Each delivery is logged with its send time, for a bench
 *   that measures from the delivery to the booking.
 *
 *   Faults, drawn from the seed at the moment a change is queued:
 *   duplicate (the same delivery, same delivery id, sent twice),
 *   out-of-order (after an update's delivery, the order's previous state
 *   as another update), bad signature (signed with a wrong secret), and
 *   lost (the next N deliveries are not sent at all; only polling finds
 *   those orders).
 */
#ifndef WCSIM_DELIVER_H
#define WCSIM_DELIVER_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "wsim_hooks.h"

typedef struct wsim_deliver wsim_deliver_t;

typedef struct {
    double  duplicate_rate;      /* 0..1: the delivery is sent twice */
    double  out_of_order_rate;   /* 0..1: an update is followed by the older state */
    double  bad_signature_rate;  /* 0..1: signed with a wrong secret */
    long    lose;                /* the next N deliveries are dropped */
} wsim_deliver_faults_t;

typedef struct {
    const char *site_url;        /* the shop's site, for X-WC-Webhook-Source */
    int     workers;             /* delivery threads, >= 1 */
    long    timeout_ms;          /* per delivery */
    const char *cafile;          /* CA bundle for https delivery URLs, or NULL */
    uint64_t seed;               /* drives the faults */
    wsim_deliver_faults_t faults;
} wsim_deliver_opts_t;

/* wsim_deliver_new - start the delivery threads for the webhooks of hooks */
wsim_deliver_t *wsim_deliver_new(wsim_hooks_t *hooks, const wsim_deliver_opts_t *opts);

/* wsim_deliver_destroy - stop the threads (queued deliveries are not sent)
 * and null the caller's pointer */
void wsim_deliver_destroy(wsim_deliver_t **self_p);

/* wsim_deliver_change - a wsim_store_change_fn (arg: the wsim_deliver_t):
 * queue the deliveries of one created (old NULL) or updated order */
void wsim_deliver_change(int64_t id, const char *old, const char *json, void *arg);

/* wsim_deliver_ping - queue the ping of a webhook just created */
void wsim_deliver_ping(wsim_deliver_t *self, int64_t webhook_id);

/* wsim_deliver_set_faults - change the faults from a JSON object with any of
 * duplicate_rate, out_of_order_rate, bad_signature_rate, lose; -1 with err */
int wsim_deliver_set_faults(wsim_deliver_t *self, const json_t *req, char *err, size_t errlen);

/* wsim_deliver_faults_json - the faults now, as set_faults takes them */
json_t *wsim_deliver_faults_json(wsim_deliver_t *self);

/* wsim_deliver_report - counts, faults and every delivery so far (JSON) */
json_t *wsim_deliver_report(wsim_deliver_t *self);

/* wsim_deliver_signature - base64(HMAC-SHA256(body, secret)), new memory */
char *wsim_deliver_signature(const char *body, size_t len, const char *secret);

#endif
