/*
 * NAME
 *   test_connection - koppelctl test-connection PROFILE ("Verbinding testen")
 *
 * DESCRIPTION
 *   Three checks, each printed on its own line as "NAME: OK ..." or
 *   "NAME: FAILED: reason":
 *     shop            log in to the shop, whatever its platform (source.h)
 *     administration  sql, lokaal, mdb: open the administration and read a
 *                     row of the mapped relaties and grootboeken tables;
 *                     api: the API check below covers it
 *     api             SnelStart's API, which koppel writes through: a token
 *                     and GET /grootboeken
 *   Each check is bounded in time (one attempt, short timeouts).
 */
#include <stdlib.h>
#include <string.h>

#include "admin_cmds.h"
#include "administration.h"
#include "admin_reader.h"
#include "snelstart.h"
#include "source.h"

/* check_shop - the shop login */
static bool
check_shop(const profile_t *p, FILE *out)
{
    source_t *source = source_new(p);
    char    msg[1024];
    src_result_t r;

    if (source == NULL) {
        fprintf(out, "shop: FAILED: \"%s\" is not a shop type koppel knows\n", p->shop_type);
        return false;
    }
    source_set_retry(source, 1, 1000, 15000);
    r = source_check(source, msg, sizeof msg);
    source_destroy(&source);
    if (r == SRC_OK)
        fprintf(out, "shop: OK (%s)\n", msg);
    else
        fprintf(out, "shop: FAILED: %s\n", msg);
    return r == SRC_OK;
}

/* check_administration - open it and read both tables */
static bool
check_administration(const profile_t *p, FILE *out)
{
    char    err[1024];
    admin_reader_t *r;
    bool    ok;

    if (strcmp(p->admin_type, "api") == 0) {
        fprintf(out, "administration: OK (type api: read and written through the API)\n");
        return true;
    }
    if ((r = admin_reader_open(p, err, sizeof err)) == NULL) {
        fprintf(out, "administration: FAILED: %s\n", err);
        return false;
    }
    ok = admin_reader_check(r, err, sizeof err);
    admin_reader_close(&r);
    if (ok)
        fprintf(out, "administration: OK (type %s, tables %s and %s readable)\n",
                p->admin_type, p->schema[SCHEMA_RELATIES], p->schema[SCHEMA_GROOTBOEKEN]);
    else
        fprintf(out, "administration: FAILED: %s\n", err);
    return ok;
}

/* check_api - a token and one GET */
static bool
check_api(const profile_t *p, FILE *out)
{
    snelstart_t *api = snelstart_new(p->api_url, p->auth_url, p->client_key,
                                     p->subscription_key, p->api_tls_verify);
    json_t *body = NULL;
    ss_error_t e;
    ss_result_t r;

    memset(&e, 0, sizeof e);
    snelstart_set_timeout(api, 15000);
    r = snelstart_get(api, "/grootboeken?$top=1", &body, &e);
    json_decref(body);
    snelstart_destroy(&api);
    if (r == SS_OK)
        fprintf(out, "api: OK (%s answers GET /grootboeken)\n", p->api_url);
    else if (r == SS_AUTH)
        fprintf(out, "api: FAILED: wrong client key or subscription key: %s\n", e.message);
    else
        fprintf(out, "api: FAILED: %s\n", e.message);
    return r == SS_OK;
}

/* check_grootboeken - every configured grootboek exists in SnelStart, is
 * active and is a winst-en-verlies account (manual 2.4) */
static bool
check_grootboeken(const profile_t *p, FILE *out)
{
    administration_t *a = administration_new(p);
    char    err[1024];
    bool    ok = administration_check(a, err, sizeof err);

    administration_destroy(&a);
    if (ok)
        fprintf(out, "grootboeken: OK (every configured grootboek exists, is active and is "
                "a winst-en-verlies account%s)\n", p->betalingen_boeken ? "; the payments' "
                "memoriaal dagboek, tussenrekeningen and cost grootboeken fit" : "");
    else
        fprintf(out, "grootboeken: FAILED: %s\n", err);
    return ok;
}

/* ctl_test_connection - check shop, administration, API and grootboeken */
int
ctl_test_connection(const profile_t *p, FILE *out)
{
    bool    shop = check_shop(p, out);
    bool    admin = check_administration(p, out);
    bool    api = check_api(p, out);
    bool    gb = api && check_grootboeken(p, out);

    return shop && admin && api && gb ? 0 : 1;
}
