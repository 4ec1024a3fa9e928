/*
 * NAME
 *   webhook_check - whether a WooCommerce shop delivers to koppel, and
 *                   registering koppel's webhooks there
 *
 * DESCRIPTION
 *   See webhook_check.h. Both the check and the registration read the
 *   shop's list first; the registration acts on the verdict of each topic
 *   and says what it did.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "webhook_check.h"

const char *const webhook_topics[WEBHOOK_NTOPICS] = { "order.created", "order.updated" };

/* where WooCommerce's own screens are, for a shop owner who does it by hand */
#define WC_WEBHOOK_SCREEN "WooCommerce > Instellingen > Geavanceerd > Webhooks"

/* webhook_wanted - a shop.webhook block */
bool
webhook_wanted(const profile_t *p)
{
    return p->webhook_path != NULL && p->webhook_path[0] != 0;
}

/* webhook_client - the shop's client, quick to give up as the other checks */
wc_client_t *
webhook_client(const profile_t *p)
{
    wc_client_t *c = wc_client_new(p->shop_url, p->shop_username, p->shop_password,
                                   p->shop_tls_verify);

    wc_client_set_retry(c, 1, 1000, 15000);
    return c;
}

/* webhook_verdict - one topic */
hook_verdict_t
webhook_verdict(const profile_t *p, const wc_webhook_t *list, size_t n, const char *topic,
                char *text, size_t len)
{
    long    k = wc_webhook_pick(list, n, topic, p->webhook_url);
    const wc_webhook_t *w = k >= 0 ? &list[k] : NULL;

    if (w == NULL) {
        snprintf(text, len, "%s: geen webhook; registreer hem met \"koppelctl webhooks %s "
                 "--register\" of in %s (Delivery URL %s)", topic, p->name, WC_WEBHOOK_SCREEN,
                 p->webhook_url);
        return HOOK_MISSING;
    }
    if (strcmp(w->delivery_url, p->webhook_url) != 0) {
        snprintf(text, len, "%s: webhook %lld levert af aan %s, niet aan %s; zet de Delivery "
                 "URL goed in %s of registreer met \"koppelctl webhooks %s --register\"", topic,
                 (long long) w->id, w->delivery_url, p->webhook_url, WC_WEBHOOK_SCREEN, p->name);
        return HOOK_WRONG_URL;
    }
    if (strcmp(w->status, "disabled") == 0) {
        snprintf(text, len, "%s: WooCommerce heeft de webhook uitgeschakeld na mislukte "
                 "afleveringen; controleer dat koppel bereikbaar is op %s en zet webhook %lld "
                 "weer aan met \"koppelctl webhooks %s --register\" (wat intussen niet is "
                 "afgeleverd, haalt de geplande run op)", topic, p->webhook_url,
                 (long long) w->id, p->name);
        return HOOK_DISABLED;
    }
    if (strcmp(w->status, "active") != 0) {
        snprintf(text, len, "%s: webhook %lld staat op \"%s\": WooCommerce levert niets af; "
                 "zet de status op Actief met \"koppelctl webhooks %s --register\" of in %s",
                 topic, (long long) w->id, strcmp(w->status, "paused") == 0 ? "gepauzeerd"
                 : w->status, p->name, WC_WEBHOOK_SCREEN);
        return HOOK_INACTIVE;
    }
    snprintf(text, len, "%s: actief, levert af aan %s (webhook %lld)", topic, p->webhook_url,
             (long long) w->id);
    return HOOK_OK;
}

/* no_url - the text for a profile whose webhook url is not set; false */
static bool
no_url(const profile_t *p, char *text, size_t len)
{
    snprintf(text, len, "profiles.%s.shop.webhook.url ontbreekt in koppel.cfg: zet daar de "
             "delivery URL waarop WooCommerce koppel bereikt (bv. https://koppel.voorbeeld.nl"
             "%s); zonder kan koppel de webhooks niet controleren of registreren", p->name,
             p->webhook_path);
    return false;
}

/* read_list - the shop's webhooks; false with text saying why not */
static bool
read_list(wc_client_t *c, wc_webhook_t **list, size_t *n, char *text, size_t len)
{
    char    err[1024];
    wc_result_t r = wc_webhooks_list(c, list, n, err, sizeof err);

    if (r == WC_OK)
        return true;
    snprintf(text, len, "de webhooks van de shop zijn niet te lezen: %s", err);
    return false;
}

/* verdicts - every topic's verdict, joined by "; "; true when all are right */
static bool
verdicts(const profile_t *p, const wc_webhook_t *list, size_t n, char *text, size_t len)
{
    char    line[1400];
    size_t  used = 0;
    bool    ok = true;
    int     t;

    text[0] = 0;
    for (t = 0; t < WEBHOOK_NTOPICS; t++) {
        if (webhook_verdict(p, list, n, webhook_topics[t], line, sizeof line) != HOOK_OK)
            ok = false;
        if (used < len)
            used += (size_t) snprintf(text + used, len - used, "%s%s", t ? "; " : "", line);
    }
    return ok;
}

/* webhook_check - the check "webhooks" */
bool
webhook_check(const profile_t *p, json_t *out)
{
    wc_client_t *c;
    wc_webhook_t *list = NULL;
    size_t  n = 0;
    char    text[4096];
    bool    ok;

    if (p->webhook_url[0] == 0) {
        ok = no_url(p, text, sizeof text);
    } else {
        c = webhook_client(p);
        ok = read_list(c, &list, &n, text, sizeof text)
            && verdicts(p, list, n, text, sizeof text);
        wc_client_destroy(&c);
        free(list);
    }
    json_array_append_new(out, json_pack("{s:s, s:b, s:s}", "check", "webhooks", "ok", ok,
                                         "text", text));
    return ok;
}

/* write_refused - the text of a write the shop refused: what the key lacks
 * and what the owner may do instead */
static void
write_refused(const profile_t *p, const char *topic, const char *err, char *text, size_t len)
{
    char    name[96];

    wc_webhook_name(topic, name, sizeof name);
    snprintf(text, len, "%s: de shop weigert te registreren (%s); registreren vraagt een REST "
             "API-sleutel met Read/Write-rechten (WooCommerce > Instellingen > Geavanceerd > "
             "REST API), of maak de webhook zelf in %s: Naam \"%s\", Status Actief, Onderwerp "
             "%s (%s), Delivery URL %s, Geheim: webhook.secret van het profiel, API-versie WP "
             "REST API Integration v3", topic, err, WC_WEBHOOK_SCREEN, name,
             strcmp(topic, "order.created") == 0 ? "Bestelling aangemaakt" : "Bestelling bijgewerkt",
             topic, p->webhook_url);
}

/* register_topic - make one topic's verdict right; its {topic, ok, text} */
static json_t *
register_topic(const profile_t *p, wc_client_t *c, const wc_webhook_t *list, size_t n,
               const char *topic)
{
    long    k = wc_webhook_pick(list, n, topic, p->webhook_url);
    char    text[2048], err[1024], name[96];
    hook_verdict_t v = webhook_verdict(p, list, n, topic, text, sizeof text);
    wc_webhook_t w;
    wc_result_t r;
    bool    create;

    wc_webhook_name(topic, name, sizeof name);
    if (v == HOOK_OK) {
        snprintf(text, sizeof text, "%s: al actief, levert af aan %s (webhook %lld)", topic,
                 p->webhook_url, (long long) list[k].id);
        return json_pack("{s:s, s:b, s:s}", "topic", topic, "ok", 1, "text", text);
    }
    /* someone else's webhook of the topic keeps its URL: koppel adds its own */
    create = v == HOOK_MISSING || (v == HOOK_WRONG_URL && strcmp(list[k].name, name) != 0);
    r = create ? wc_webhooks_create(c, name, topic, p->webhook_url, p->webhook_secret, &w, err,
                                    sizeof err)
        : wc_webhooks_activate(c, list[k].id, p->webhook_url, p->webhook_secret, &w, err,
                               sizeof err);
    if (r == WC_AUTH)
        write_refused(p, topic, err, text, sizeof text);
    else if (r != WC_OK)
        snprintf(text, sizeof text, "%s: registreren is mislukt: %s", topic, err);
    else if (strcmp(w.status, "active") != 0)
        snprintf(text, sizeof text, "%s: webhook %lld is %s, maar staat op \"%s\"", topic,
                 (long long) w.id, create ? "aangemaakt" : "bijgewerkt", w.status);
    else
        snprintf(text, sizeof text, "%s: %s, levert af aan %s (webhook %lld)", topic,
                 create ? "geregistreerd" : v == HOOK_WRONG_URL ? "URL bijgewerkt en actief"
                 : "weer actief gezet", p->webhook_url, (long long) w.id);
    return json_pack("{s:s, s:b, s:s}", "topic", topic, "ok",
                     r == WC_OK && strcmp(w.status, "active") == 0, "text", text);
}

/* webhook_register - register or switch on koppel's webhooks */
bool
webhook_register(const profile_t *p, json_t *out)
{
    wc_client_t *c;
    wc_webhook_t *list = NULL;
    size_t  n = 0;
    char    text[2048];
    bool    ok = true;
    int     t;

    if (p->webhook_url[0] == 0) {
        no_url(p, text, sizeof text);
        json_array_append_new(out, json_pack("{s:s, s:b, s:s}", "topic", "", "ok", 0,
                                             "text", text));
        return false;
    }
    c = webhook_client(p);
    if (!read_list(c, &list, &n, text, sizeof text)) {
        json_array_append_new(out, json_pack("{s:s, s:b, s:s}", "topic", "", "ok", 0,
                                             "text", text));
        ok = false;
    } else {
        for (t = 0; t < WEBHOOK_NTOPICS; t++) {
            json_t *line = register_topic(p, c, list, n, webhook_topics[t]);

            ok = json_is_true(json_object_get(line, "ok")) && ok;
            json_array_append_new(out, line);
        }
    }
    wc_client_destroy(&c);
    free(list);
    return ok;
}
