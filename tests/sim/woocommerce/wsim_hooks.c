/*
 * NAME
 *   wsim_hooks - the WooCommerce simulator's registered webhooks
 *
 * DESCRIPTION
 *   See wsim_hooks.h. A growing array under one lock; ids count from 1.
 *   Requests are checked as WooCommerce's REST controller checks them: a
 *   topic of a known resource and event, a delivery URL that starts with
 *   http:// or https://, a status of the three, strings where strings
 *   belong. A webhook created without a secret gets one, as WooCommerce
 *   makes one up; without a name it is named for its creation date.
 *
 * DIAGNOSTICS
 *   Refusals carry WooCommerce's error codes and messages.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xalloc.h"
#include "wsim_hooks.h"

typedef struct {
    wsim_hook_t h;
    char    name[256];
    char    created[32], modified[32];   /* UTC, as date_created_gmt */
    int     failures;                     /* consecutive failed deliveries */
} hook_t;

struct wsim_hooks {
    pthread_mutex_t lock;
    hook_t *hooks;
    int     n, cap;
    int     max_failures;
};

/* refuse - fill e; NULL for the caller to return */
static void *
refuse(wsim_hooks_error_t *e, unsigned status, const char *code, const char *message)
{
    e->status = status;
    e->code = code;
    e->message = message;
    return NULL;
}

/* now_gmt - the time as "YYYY-MM-DDTHH:MM:SS" */
static void
now_gmt(char buf[32])
{
    time_t  t = time(NULL);
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(buf, 32, "%Y-%m-%dT%H:%M:%S", &tm);
}

/* wsim_hooks_new - no webhooks */
wsim_hooks_t *
wsim_hooks_new(int max_failures)
{
    wsim_hooks_t *self = xcalloc(1, sizeof *self);

    pthread_mutex_init(&self->lock, NULL);
    self->max_failures = max_failures;
    return self;
}

/* wsim_hooks_destroy - free them */
void
wsim_hooks_destroy(wsim_hooks_t **self_p)
{
    wsim_hooks_t *self = *self_p;

    if (self == NULL)
        return;
    pthread_mutex_destroy(&self->lock);
    free(self->hooks);
    free(self);
    *self_p = NULL;
}

/* valid_topic - resource.event of a resource and event WooCommerce knows,
 * or action.woocommerce_* or action.wc_* (wc_is_webhook_valid_topic) */
static bool
valid_topic(const char *t)
{
    static const char *const resources[] = { "order", "product", "customer", "coupon" };
    static const char *const events[] = { "created", "updated", "deleted", "restored" };
    const char *dot = strchr(t, '.');
    size_t  i, j;

    /* custom topics: an action of WooCommerce's own */
    if (strncmp(t, "action.woocommerce_", 19) == 0 || strncmp(t, "action.wc_", 10) == 0)
        return true;
    if (dot == NULL)
        return false;
    for (i = 0; i < sizeof resources / sizeof *resources; i++)
        for (j = 0; j < sizeof events / sizeof *events; j++)
            if (strlen(resources[i]) == (size_t) (dot - t)
                && strncmp(t, resources[i], (size_t) (dot - t)) == 0
                && strcmp(dot + 1, events[j]) == 0)
                return true;
    return false;
}

/* valid_status - active, paused or disabled */
static bool
valid_status(const char *s)
{
    return strcmp(s, "active") == 0 || strcmp(s, "paused") == 0 || strcmp(s, "disabled") == 0;
}

/* field - a string member of req, NULL when absent; *bad when present but
 * not a string that fits in size bytes */
static const char *
field(const json_t *req, const char *name, size_t size, bool *bad)
{
    json_t *v = json_object_get(req, name);

    if (v == NULL)
        return NULL;
    if (!json_is_string(v) || strlen(json_string_value(v)) >= size) {
        *bad = true;
        return NULL;
    }
    return json_string_value(v);
}

/* apply - check req and copy its fields into h; NULL (with e) when refused,
 * else h. Creating, topic and delivery_url are required. */
static hook_t *
apply(hook_t *h, const json_t *req, bool creating, wsim_hooks_error_t *e)
{
    bool    bad_name = false, bad_topic = false, bad_url = false, bad_status = false,
            bad_secret = false;
    const char *name = field(req, "name", sizeof h->name, &bad_name);
    const char *topic = field(req, "topic", sizeof h->h.topic, &bad_topic);
    const char *url = field(req, "delivery_url", sizeof h->h.delivery_url, &bad_url);
    const char *status = field(req, "status", sizeof h->h.status, &bad_status);
    const char *secret = field(req, "secret", sizeof h->h.secret, &bad_secret);

    if (!json_is_object(req))
        return refuse(e, 400, "rest_invalid_json", "Invalid JSON body passed.");
    if (bad_name || bad_secret || bad_status || (status && !valid_status(status)))
        return refuse(e, 400, "rest_invalid_param", bad_name ? "Invalid parameter(s): name"
                      : bad_secret ? "Invalid parameter(s): secret"
                      : "Invalid parameter(s): status");
    if (bad_topic || (topic && !valid_topic(topic)) || (creating && topic == NULL))
        return refuse(e, 400, "woocommerce_rest_shop_webhook_invalid_topic",
                      "Webhook topic is required and must be valid.");
    if (bad_url || (creating && url == NULL)
        || (url && strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0))
        return refuse(e, 400, "woocommerce_rest_shop_webhook_invalid_delivery_url",
                      "Webhook delivery URL must be a valid URL starting with http:// or "
                      "https://.");
    if (name)
        snprintf(h->name, sizeof h->name, "%s", name);
    if (topic)
        snprintf(h->h.topic, sizeof h->h.topic, "%s", topic);
    if (url)
        snprintf(h->h.delivery_url, sizeof h->h.delivery_url, "%s", url);
    if (secret)
        snprintf(h->h.secret, sizeof h->h.secret, "%s", secret);
    if (status) {
        if (strcmp(status, "active") == 0)
            h->failures = 0;        /* switched on again: counted afresh */
        snprintf(h->h.status, sizeof h->h.status, "%s", status);
    }
    now_gmt(h->modified);
    return h;
}

/* hook_json - a webhook as the REST API lists it: no secret */
static json_t *
hook_json(const hook_t *h)
{
    const char *dot = strchr(h->h.topic, '.');
    json_t *hooks = json_array();

    if (strcmp(h->h.topic, "order.created") == 0)
        json_array_append_new(hooks, json_string("woocommerce_new_order"));
    else if (strcmp(h->h.topic, "order.updated") == 0)
        json_array_append_new(hooks, json_string("woocommerce_update_order"));
    return json_pack("{s:I, s:s, s:s, s:s, s:s#, s:s, s:o, s:s, s:s, s:s, s:s, s:s}",
                     "id", (json_int_t) h->h.id, "name", h->name, "status", h->h.status,
                     "topic", h->h.topic, "resource", h->h.topic, (int) (dot - h->h.topic),
                     "event", dot + 1, "hooks", hooks, "delivery_url", h->h.delivery_url,
                     "date_created", h->created, "date_created_gmt", h->created,
                     "date_modified", h->modified, "date_modified_gmt", h->modified);
}

/* find - the webhook of an id; the caller holds the lock */
static hook_t *
find(wsim_hooks_t *self, int64_t id)
{
    return id >= 1 && id <= self->n ? &self->hooks[id - 1] : NULL;
}

/* wsim_hooks_create - a new webhook */
json_t *
wsim_hooks_create(wsim_hooks_t *self, const json_t *req, wsim_hooks_error_t *e)
{
    hook_t  h;
    json_t *out;

    memset(&h, 0, sizeof h);
    snprintf(h.h.status, sizeof h.h.status, "active");
    now_gmt(h.created);
    if (apply(&h, req, true, e) == NULL)
        return NULL;
    if (h.name[0] == 0)
        snprintf(h.name, sizeof h.name, "Webhook created on %s", h.created);
    pthread_mutex_lock(&self->lock);
    h.h.id = self->n + 1;
    if (h.h.secret[0] == 0)
        snprintf(h.h.secret, sizeof h.h.secret, "wsim-generated-secret-%lld",
                 (long long) h.h.id);
    if (self->n == self->cap) {
        self->cap = self->cap ? self->cap * 2 : 8;
        self->hooks = xrealloc(self->hooks, (size_t) self->cap * sizeof *self->hooks);
    }
    self->hooks[self->n++] = h;
    out = hook_json(&h);
    pthread_mutex_unlock(&self->lock);
    return out;
}

/* wsim_hooks_update - change a webhook */
json_t *
wsim_hooks_update(wsim_hooks_t *self, int64_t id, const json_t *req, wsim_hooks_error_t *e)
{
    json_t *out = NULL;
    hook_t *h, copy;

    pthread_mutex_lock(&self->lock);
    if ((h = find(self, id)) == NULL) {
        refuse(e, 404, "woocommerce_rest_shop_webhook_invalid_id", "Invalid ID.");
    } else {
        copy = *h;              /* a refused change changes nothing */
        if (apply(&copy, req, false, e) != NULL) {
            *h = copy;
            out = hook_json(h);
        }
    }
    pthread_mutex_unlock(&self->lock);
    return out;
}

/* wsim_hooks_get - one webhook */
json_t *
wsim_hooks_get(wsim_hooks_t *self, int64_t id, wsim_hooks_error_t *e)
{
    json_t *out = NULL;
    hook_t *h;

    pthread_mutex_lock(&self->lock);
    if ((h = find(self, id)) == NULL)
        refuse(e, 404, "woocommerce_rest_shop_webhook_invalid_id", "Invalid ID.");
    else
        out = hook_json(h);
    pthread_mutex_unlock(&self->lock);
    return out;
}

/* wsim_hooks_list - every webhook */
json_t *
wsim_hooks_list(wsim_hooks_t *self)
{
    json_t *arr = json_array();
    int     i;

    pthread_mutex_lock(&self->lock);
    for (i = 0; i < self->n; i++)
        json_array_append_new(arr, hook_json(&self->hooks[i]));
    pthread_mutex_unlock(&self->lock);
    return arr;
}

/* wsim_hooks_active - the active webhooks of a topic */
int
wsim_hooks_active(wsim_hooks_t *self, const char *topic, wsim_hook_t *out, int max)
{
    int     i, k = 0;

    pthread_mutex_lock(&self->lock);
    for (i = 0; i < self->n && k < max; i++)
        if (strcmp(self->hooks[i].h.status, "active") == 0
            && strcmp(self->hooks[i].h.topic, topic) == 0)
            out[k++] = self->hooks[i].h;
    pthread_mutex_unlock(&self->lock);
    return k;
}

/* wsim_hooks_lookup - a copy of one webhook */
bool
wsim_hooks_lookup(wsim_hooks_t *self, int64_t id, wsim_hook_t *out)
{
    hook_t *h;

    pthread_mutex_lock(&self->lock);
    if ((h = find(self, id)) != NULL)
        *out = h->h;
    pthread_mutex_unlock(&self->lock);
    return h != NULL;
}

/* wsim_hooks_outcome - count a delivery's success or failure */
bool
wsim_hooks_outcome(wsim_hooks_t *self, int64_t id, bool ok)
{
    bool    disabled = false;
    hook_t *h;

    pthread_mutex_lock(&self->lock);
    if ((h = find(self, id)) != NULL) {
        if (ok) {
            h->failures = 0;
        } else if (++h->failures >= self->max_failures
                   && strcmp(h->h.status, "active") == 0) {
            snprintf(h->h.status, sizeof h->h.status, "disabled");
            now_gmt(h->modified);
            disabled = true;
        }
    }
    pthread_mutex_unlock(&self->lock);
    return disabled;
}
