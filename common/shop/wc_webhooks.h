/*
 * NAME
 *   wc_webhooks - the webhooks a WooCommerce shop has registered
 *
 * DESCRIPTION
 *   WooCommerce's REST resource /wp-json/wc/v3/webhooks through wc_client:
 *   the list (every page, 100 a page), a new webhook (POST) and a change
 *   of one (PUT /webhooks/ID). WooCommerce never lists a webhook's
 *   secret; koppel sends it only when it registers or switches one on.
 *   Creating and changing need a REST API key with Read/Write permission;
 *   with a Read key the shop answers 401 (WC_AUTH).
 *
 *   wc_webhook_pick says which registered webhook is koppel's for a topic
 *   and delivery URL, the one rule that both the check (test-connection)
 *   and the registration follow.
 */
#ifndef KOPPEL_WC_WEBHOOKS_H
#define KOPPEL_WC_WEBHOOKS_H

#include <stddef.h>
#include <stdint.h>

#include "wc_client.h"

/* wc_webhook_t - one registered webhook as WooCommerce lists it */
typedef struct {
    int64_t id;
    char    name[256];
    char    status[16];          /* active, paused or disabled */
    char    topic[64];           /* e.g. order.created */
    char    delivery_url[1024];
} wc_webhook_t;

/* wc_webhooks_parse - one page of GET /webhooks (a JSON array), appended to
 * *list (realloc'd, *n counts); -1 with err naming the entry and field */
int wc_webhooks_parse(const char *body, size_t len, wc_webhook_t **list, size_t *n,
                      char *err, size_t errlen);

/* wc_webhooks_list - every registered webhook into *list (malloc'd, *n) */
wc_result_t wc_webhooks_list(wc_client_t *c, wc_webhook_t **list, size_t *n, char *err,
                             size_t errlen);

/* wc_webhooks_create - POST /webhooks: name, topic, delivery URL, secret,
 * status active; the new webhook into *out */
wc_result_t wc_webhooks_create(wc_client_t *c, const char *name, const char *topic,
                               const char *delivery_url, const char *secret,
                               wc_webhook_t *out, char *err, size_t errlen);

/* wc_webhooks_activate - PUT /webhooks/ID: status active, with this
 * delivery URL and secret; the webhook as changed into *out */
wc_result_t wc_webhooks_activate(wc_client_t *c, int64_t id, const char *delivery_url,
                                 const char *secret, wc_webhook_t *out, char *err,
                                 size_t errlen);

/* wc_webhook_name - koppel's name for its webhook of a topic: "koppel TOPIC" */
void wc_webhook_name(const char *topic, char *buf, size_t len);

/* wc_webhook_pick - koppel's webhook of a topic among list: one that
 * delivers to delivery_url (an active one first), else one named
 * "koppel TOPIC", else any of the topic; -1 when the topic has none */
long wc_webhook_pick(const wc_webhook_t *list, size_t n, const char *topic,
                     const char *delivery_url);

#endif
