/*
 * NAME
 *   webhook - the fetcher's receiver of WooCommerce webhook deliveries
 *
 * DESCRIPTION
 *   With koppel.webhooks in koppel.cfg the fetcher listens there for
 *   HTTP(S) POSTs of the shops' order.created and order.updated webhooks
 *   (docs/woocommerce.md). libmicrohttpd runs on the fetcher's own loop,
 *   without a thread of its own: its one epoll descriptor is watched by
 *   the loop, and a timer runs it again when it has timeouts to keep, so
 *   that a delivery is stored by the loop thread, the one writer of
 *   fetcher.db, and the loop never waits on a client. Per request:
 *     path         the profile whose shop.webhook.path it is, else 404
 *     method       POST, else 405
 *     body         at most max_body_bytes, else 413
 *     ping         "webhook_id=N" without an order topic: 200, ignored
 *     signature    X-WC-Webhook-Signature (hooksig.h) checked before the
 *                  body is read as an order: else 401, and a log line at
 *                  most every LOG_PEER_INTERVAL_S seconds
 *     topic        order.created, order.updated: stored (hookorder.h),
 *                  200 after the commit; another topic 200, ignored
 *   A stored order goes on to the matchers at once (the stored callback).
 *   No log line, status or answer holds the secret or the body.
 */
#ifndef KOPPEL_FETCHER_WEBHOOK_H
#define KOPPEL_FETCHER_WEBHOOK_H

#include <jansson.h>

#include "config.h"
#include "daemon_loop.h"
#include "infolog.h"
#include "store.h"

typedef struct webhook webhook_t;

/* called on the loop after a delivery stored an order */
typedef void (webhook_stored_fn)(void *arg);

/* webhook_new - listen as cfg says (not at all without koppel.webhooks);
 * a listener that cannot start is logged, and the fetcher goes on with its
 * runs. cfg must stay valid until the next webhook_set_cfg. */
webhook_t *webhook_new(daemon_loop_t *loop, const cfg_t *cfg, store_t *store,
                       infolog_t *infolog, webhook_stored_fn *stored, void *arg);

/* webhook_set_cfg - a reload: paths, secrets and the body limit count from
 * the next request; a changed address or TLS file binds anew (when that
 * fails, the listener in force stays, logged). Call it while the old cfg
 * is still valid. */
void webhook_set_cfg(webhook_t *self, const cfg_t *fresh);

/* webhook_status - add "webhooks" (received, refused, ignored, last) to
 * each profile object of profiles that had a delivery since the start */
void webhook_status(const webhook_t *self, json_t *profiles);

/* webhook_destroy - stop listening, null the caller's pointer */
void webhook_destroy(webhook_t **self_p);

#endif
