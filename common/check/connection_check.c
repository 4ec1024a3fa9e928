/*
 * NAME
 *   connection_check - the manual's "Verbinding testen" for one profile
 *
 * DESCRIPTION
 *   See connection_check.h. Each check adds one object to the result.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "administration.h"
#include "admin_reader.h"
#include "connection_check.h"
#include "snelstart.h"
#include "source.h"
#include "webhook_check.h"

/* add - one check's result */
static bool
add(json_t *out, const char *check, bool ok, const char *text)
{
    json_array_append_new(out, json_pack("{s:s, s:b, s:s}", "check", check, "ok", ok,
                                         "text", text));
    return ok;
}

/* check_shop - the shop login */
static bool
check_shop(const profile_t *p, json_t *out)
{
    source_t *source = source_new(p);
    char    msg[1024], line[1100];
    src_result_t r;

    if (source == NULL) {
        snprintf(line, sizeof line, "\"%s\" is geen soort shop die koppel kent", p->shop_type);
        return add(out, "shop", false, line);
    }
    source_set_retry(source, 1, 1000, 15000);
    r = source_check(source, msg, sizeof msg);
    source_destroy(&source);
    return add(out, "shop", r == SRC_OK, msg);     /* Dutch, with what to do */
}

/* check_administration - open it and read both tables */
static bool
check_administration(const profile_t *p, json_t *out)
{
    char    err[1024], line[1200];
    admin_reader_t *r;
    bool    ok;

    if (strcmp(p->admin_type, "api") == 0)
        return add(out, "administration", true,
                   "type api: gelezen en geschreven via de API");
    if ((r = admin_reader_open(p, err, sizeof err)) == NULL)
        return add(out, "administration", false, err);
    ok = admin_reader_check(r, err, sizeof err);
    admin_reader_close(&r);
    if (!ok)
        return add(out, "administration", false, err);
    snprintf(line, sizeof line, "type %s, tabellen %s en %s zijn te lezen", p->admin_type,
             p->schema[SCHEMA_RELATIES], p->schema[SCHEMA_GROOTBOEKEN]);
    return add(out, "administration", true, line);
}

/* check_api - a token and one GET */
static bool
check_api(const profile_t *p, json_t *out)
{
    snelstart_t *api = snelstart_new(p->api_url, p->auth_url, p->client_key,
                                     p->subscription_key, p->api_tls_verify);
    json_t *body = NULL;
    ss_error_t e;
    ss_result_t r;
    char    line[1400];

    memset(&e, 0, sizeof e);
    snelstart_set_timeout(api, 15000);
    r = snelstart_get(api, "/grootboeken?$top=1", &body, &e);
    json_decref(body);
    snelstart_destroy(&api);
    if (r == SS_OK)
        snprintf(line, sizeof line, "%s antwoordt op GET /grootboeken", p->api_url);
    else if (r == SS_AUTH)
        snprintf(line, sizeof line, "verkeerde client key of subscription key: %s", e.message);
    else
        snprintf(line, sizeof line, "%s", e.message);
    return add(out, "api", r == SS_OK, line);
}

/* check_grootboeken - every configured grootboek exists in SnelStart, is
 * active and is a winst-en-verlies account (manual 2.4) */
static bool
check_grootboeken(const profile_t *p, json_t *out)
{
    administration_t *a = administration_new(p);
    char    err[1024];
    bool    ok = administration_check(a, err, sizeof err);

    administration_destroy(&a);
    return add(out, "grootboeken", ok, !ok ? err : p->betalingen_boeken
               ? "elke ingestelde grootboekrekening bestaat, is actief en is een "
                 "winst-en-verliesrekening; het memoriaaldagboek, de tussenrekeningen en de "
                 "kostenrekeningen van de betalingen passen"
               : "elke ingestelde grootboekrekening bestaat, is actief en is een "
                 "winst-en-verliesrekening");
}

/* connection_check - shop, its webhooks, administration, API and grootboeken */
json_t *
connection_check(const profile_t *p, bool *all_ok)
{
    json_t *out = json_array();
    bool    shop = check_shop(p, out);
    bool    hooks = !webhook_wanted(p) || !shop || webhook_check(p, out);
    bool    admin = check_administration(p, out);
    bool    api = check_api(p, out);
    bool    gb = api && check_grootboeken(p, out);

    *all_ok = shop && hooks && admin && api && gb;
    return out;
}
