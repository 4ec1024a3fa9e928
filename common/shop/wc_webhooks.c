/*
 * NAME
 *   wc_webhooks - the webhooks a WooCommerce shop has registered
 *
 * DESCRIPTION
 *   See wc_webhooks.h. The list is read page by page up to the
 *   X-WP-TotalPages header (WooCommerce lists 10 a page unless asked);
 *   the bodies of POST and PUT are built with jansson, so a secret or URL
 *   with quotes is sent as it is.
 *
 * DIAGNOSTICS
 *   A listing that is not WooCommerce's names the entry and the field; no
 *   message holds a secret (the shop's answers never carry one).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "shop_http.h"
#include "wc_webhooks.h"
#include "xalloc.h"

#define PER_PAGE 100

/* copy_string - a string member of o into buf; false when absent, not a
 * string, or longer than buf */
static bool
copy_string(const json_t *o, const char *name, char *buf, size_t len)
{
    const char *v = json_string_value(json_object_get(o, name));

    if (v == NULL || strlen(v) >= len)
        return false;
    memcpy(buf, v, strlen(v) + 1);
    return true;
}

/* webhook_of - one listed webhook; NULL when it has all it needs, else the
 * field that is missing or wrong */
static const char *
webhook_of(const json_t *o, wc_webhook_t *w)
{
    json_t *id = json_object_get(o, "id");

    memset(w, 0, sizeof *w);
    if (!json_is_integer(id) || json_integer_value(id) <= 0)
        return "id";
    w->id = json_integer_value(id);
    if (!copy_string(o, "status", w->status, sizeof w->status))
        return "status";
    if (!copy_string(o, "topic", w->topic, sizeof w->topic))
        return "topic";
    if (!copy_string(o, "delivery_url", w->delivery_url, sizeof w->delivery_url))
        return "delivery_url";
    /* a webhook without a name is WooCommerce's to allow */
    copy_string(o, "name", w->name, sizeof w->name);
    return NULL;
}

/* wc_webhooks_parse - one page of the list */
int
wc_webhooks_parse(const char *body, size_t len, wc_webhook_t **list, size_t *n,
                  char *err, size_t errlen)
{
    json_error_t jerr;
    json_t *doc = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr), *o;
    const char *bad;
    size_t  i;

    if (!json_is_array(doc)) {
        snprintf(err, errlen, "de lijst van webhooks is %s%s%s; " SHOP_ASK_OWNER,
                 doc ? "JSON dat geen lijst is" : "geen JSON (\"", doc ? "" : jerr.text,
                 doc ? "" : "\")");
        json_decref(doc);
        return -1;
    }
    *list = xrealloc(*list, (*n + json_array_size(doc) + 1) * sizeof **list);
    json_array_foreach(doc, i, o) {
        if ((bad = webhook_of(o, &(*list)[*n])) != NULL) {
            snprintf(err, errlen, "webhook %zu van de lijst heeft geen geldig \"%s\"; "
                     SHOP_ASK_OWNER, i + 1, bad);
            json_decref(doc);
            return -1;
        }
        (*n)++;
    }
    json_decref(doc);
    return 0;
}

/* wc_webhooks_list - every page */
wc_result_t
wc_webhooks_list(wc_client_t *c, wc_webhook_t **list, size_t *n, char *err, size_t errlen)
{
    long    pages = 1, page;
    char    path[64], *body;
    size_t  len, before;
    wc_result_t r = WC_OK;

    *list = NULL;
    *n = 0;
    for (page = 1; page <= pages && r == WC_OK; page++) {
        before = *n;
        snprintf(path, sizeof path, "/webhooks?per_page=%d&page=%ld", PER_PAGE, page);
        r = wc_client_call(c, "GET", path, NULL, false, "webhook", &body, &len, &pages, err,
                           errlen);
        if (r == WC_OK && wc_webhooks_parse(body, len, list, n, err, errlen) < 0)
            r = WC_PROTOCOL;
        free(body);
        if (r == WC_OK && *n - before < PER_PAGE)
            break;              /* a short page is the last, whatever X-WP-TotalPages says */
    }
    if (r != WC_OK) {
        free(*list);
        *list = NULL;
        *n = 0;
    }
    return r;
}

/* send_one - POST or PUT req (taken over) to path; the answer into *out */
static wc_result_t
send_one(wc_client_t *c, const char *method, const char *path, json_t *req, wc_webhook_t *out,
         char *err, size_t errlen)
{
    char   *text = json_dumps(req, JSON_COMPACT), *body = NULL;
    size_t  len = 0;
    json_t *doc;
    const char *bad;
    wc_result_t r;

    json_decref(req);
    r = wc_client_call(c, method, path, text, true, "webhook", &body, &len, NULL, err, errlen);
    /* the body held the secret: wipe it before it is freed */
    explicit_bzero(text, strlen(text));
    free(text);
    if (r != WC_OK)
        return r;
    doc = json_loadb(body, len, 0, NULL);
    free(body);
    if ((bad = doc ? webhook_of(doc, out) : "id") != NULL) {
        snprintf(err, errlen, "WooCommerce antwoordde op %s /webhooks met een webhook zonder "
                 "geldig \"%s\"; " SHOP_ASK_OWNER, method, bad);
        r = WC_PROTOCOL;
    }
    json_decref(doc);
    return r;
}

/* wc_webhooks_create - POST /webhooks */
wc_result_t
wc_webhooks_create(wc_client_t *c, const char *name, const char *topic,
                   const char *delivery_url, const char *secret, wc_webhook_t *out,
                   char *err, size_t errlen)
{
    return send_one(c, "POST", "/webhooks",
                    json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", name, "topic", topic,
                              "delivery_url", delivery_url, "secret", secret,
                              "status", "active"), out, err, errlen);
}

/* wc_webhooks_activate - PUT /webhooks/ID */
wc_result_t
wc_webhooks_activate(wc_client_t *c, int64_t id, const char *delivery_url, const char *secret,
                     wc_webhook_t *out, char *err, size_t errlen)
{
    char    path[48];

    snprintf(path, sizeof path, "/webhooks/%lld", (long long) id);
    return send_one(c, "PUT", path,
                    json_pack("{s:s, s:s, s:s}", "delivery_url", delivery_url,
                              "secret", secret, "status", "active"), out, err, errlen);
}

/* wc_webhook_name - "koppel TOPIC" */
void
wc_webhook_name(const char *topic, char *buf, size_t len)
{
    snprintf(buf, len, "koppel %s", topic);
}

/* wc_webhook_pick - koppel's webhook of a topic */
long
wc_webhook_pick(const wc_webhook_t *list, size_t n, const char *topic, const char *delivery_url)
{
    long    to_url = -1, named = -1, any = -1;
    char    name[96];
    size_t  i;

    wc_webhook_name(topic, name, sizeof name);
    for (i = 0; i < n; i++) {
        if (strcmp(list[i].topic, topic) != 0)
            continue;
        if (strcmp(list[i].delivery_url, delivery_url) == 0
            && (to_url < 0 || (strcmp(list[to_url].status, "active") != 0
                               && strcmp(list[i].status, "active") == 0)))
            to_url = (long) i;
        if (named < 0 && strcmp(list[i].name, name) == 0)
            named = (long) i;
        if (any < 0)
            any = (long) i;
    }
    return to_url >= 0 ? to_url : named >= 0 ? named : any;
}
