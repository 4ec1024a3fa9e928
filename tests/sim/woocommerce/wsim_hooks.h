/*
 * NAME
 *   wsim_hooks - the WooCommerce simulator's registered webhooks
 *
 * DESCRIPTION
 *   The webhooks of /wp-json/wc/v3/webhooks, in memory (a restart of the
 *   simulator forgets them): id, name, status (active, paused, disabled),
 *   topic (resource.event), delivery URL, secret and the count of
 *   consecutive failed deliveries. They are created and changed with the
 *   REST API's JSON, and listed as WooCommerce lists them: every field but
 *   the secret. As WooCommerce does, a webhook whose deliveries failed
 *   max_failures times in a row is set to "disabled"; a delivery that
 *   succeeds sets the count back to 0, and so does setting the webhook
 *   active again. Safe to use from several threads (one lock).
 */
#ifndef WCSIM_HOOKS_H
#define WCSIM_HOOKS_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

typedef struct wsim_hooks wsim_hooks_t;

/* wsim_hook_t - a copy of one webhook, for a delivery */
typedef struct {
    int64_t id;
    char    status[16];
    char    topic[64];
    char    delivery_url[1024];
    char    secret[256];
} wsim_hook_t;

/* wsim_hooks_error_t - a refused request, as WooCommerce's JSON error */
typedef struct {
    unsigned status;
    const char *code;
    const char *message;
} wsim_hooks_error_t;

/* wsim_hooks_new - no webhooks; disabled after max_failures failures in a row */
wsim_hooks_t *wsim_hooks_new(int max_failures);

/* wsim_hooks_destroy - free them and null the caller's pointer */
void wsim_hooks_destroy(wsim_hooks_t **self_p);

/* wsim_hooks_create - POST /webhooks: a new webhook from {name, topic,
 * delivery_url, secret, status}; its JSON as listed, or NULL with e */
json_t *wsim_hooks_create(wsim_hooks_t *self, const json_t *req, wsim_hooks_error_t *e);

/* wsim_hooks_update - PUT /webhooks/ID: change the fields req has; its
 * JSON as listed, or NULL with e (404 when there is no such webhook) */
json_t *wsim_hooks_update(wsim_hooks_t *self, int64_t id, const json_t *req,
                          wsim_hooks_error_t *e);

/* wsim_hooks_get - GET /webhooks/ID; NULL with e when there is none */
json_t *wsim_hooks_get(wsim_hooks_t *self, int64_t id, wsim_hooks_error_t *e);

/* wsim_hooks_list - GET /webhooks: every webhook in id order */
json_t *wsim_hooks_list(wsim_hooks_t *self);

/* wsim_hooks_active - copies of the active webhooks of a topic, at most max;
 * how many */
int wsim_hooks_active(wsim_hooks_t *self, const char *topic, wsim_hook_t *out, int max);

/* wsim_hooks_lookup - a copy of one webhook; false when there is none */
bool wsim_hooks_lookup(wsim_hooks_t *self, int64_t id, wsim_hook_t *out);

/* wsim_hooks_outcome - a delivery of webhook id succeeded or failed; true
 * when this failure disabled it */
bool wsim_hooks_outcome(wsim_hooks_t *self, int64_t id, bool ok);

#endif
