/*
 * NAME
 *   administration - a profile's SnelStart administration through the API
 *
 * DESCRIPTION
 *   See administration.h. The matchers read relaties from the same
 *   administration's budget, so the client made here keeps 2 % of each
 *   limit (at least one call) free for them, and spreads its calls over
 *   the minute, at most a thirtieth of it at once.
 */
#include <stdio.h>
#include <string.h>

#include "administration.h"
#include "betaling.h"
#include "boeking.h"
#include "log.h"
#include "shared_list.h"
#include "xalloc.h"

#define PAGE 500                /* SnelStart's $top limit */
#define SPREAD_PARTS 30         /* calls spread in bursts of a thirtieth of the minute */

/* administration_new - a profile's administration */
administration_t *
administration_new(const profile_t *p)
{
    administration_t *self = xcalloc(1, sizeof *self);
    /* leave the matchers 2 % of the budget, so that SnelStart does not have
     * to answer 429 when a matcher syncs while the booker is at the limit */
    int     per_minute = p->rate_per_minute - (p->rate_per_minute + 49) / 50;

    self->p = p;
    self->api = snelstart_new(p->api_url, p->auth_url, p->client_key, p->subscription_key,
                              p->api_tls_verify);
    snelstart_set_limits(self->api, per_minute,
                         p->rate_per_hour - (p->rate_per_hour + 49) / 50, p->max_concurrent);
    /* a long run of bookings goes out a few at a time over the minute, not
     * in one burst that fills the window and then waits for it: the
     * orders a profile has on its way then suffice to keep its window in
     * use (docs/performance.md, rate_limit_utilisation_50_profiles) */
    if (per_minute / SPREAD_PARTS >= 2)
        snelstart_set_burst(self->api, per_minute / SPREAD_PARTS);
    snelstart_set_limit_names(self->api, p->rate_per_minute, p->rate_per_hour);
    snelstart_set_time_scale(self->api, p->time_scale > 0 ? p->time_scale : 1);
    snelstart_set_timeout(self->api, (long) p->timeout_s * 1000);
    return self;
}

void
administration_destroy(administration_t **self_p)
{
    administration_t *self;

    if (self_p == NULL || *self_p == NULL)
        return;
    self = *self_p;
    snelstart_destroy(&self->api);
    json_decref(self->grootboeken);
    json_decref(self->btwtarieven);
    json_decref(self->landen);
    json_decref(self->companyinfo);
    json_decref(self->vatrates);
    json_decref(self->dagboeken);
    free(self);
    *self_p = NULL;
}

/* get_all - GET a list resource, all pages */
static ss_result_t
get_all(administration_t *a, const char *resource, json_t **out, ss_error_t *e)
{
    json_t *all = json_array(), *page = NULL;
    ss_result_t r;
    int     skip = 0;

    for (;;) {
        char    top[16], sk[16];
        char   *path;

        snprintf(top, sizeof top, "%d", PAGE);
        snprintf(sk, sizeof sk, "%d", skip);
        path = snelstart_query(resource, "$top", top, "$skip", sk, NULL);
        r = snelstart_get(a->api, path, &page, e);
        free(path);
        if (r != SS_OK) {
            json_decref(all);
            return r;
        }
        if (!json_is_array(page)) {     /* not paged: the whole list */
            json_decref(all);
            *out = page;
            return SS_OK;
        }
        json_array_extend(all, page);
        skip += (int) json_array_size(page);
        if (json_array_size(page) < PAGE)
            break;
        json_decref(page);
        page = NULL;
    }
    json_decref(page);
    *out = all;
    return SS_OK;
}

/* administration_load - read the reference data when due */
ss_result_t
administration_load(administration_t *a, bool force, const char **what, ss_error_t *e)
{
    ss_result_t r;
    json_t *gb = NULL, *bt = NULL, *ld = NULL, *ci = NULL, *vr = NULL, *db = NULL;
    char    err[1024];

    if (!force && a->grootboeken && a->loaded_at
        && time(NULL) - a->loaded_at < ADMINISTRATION_RELOAD_S)
        return SS_OK;
    if ((r = get_all(a, "/grootboeken", &gb, e)) != SS_OK) {
        *what = "grootboekrekeningen lezen";
        return r;
    }
    if ((r = snelstart_get(a->api, "/btwtarieven", &bt, e)) != SS_OK
        || (r = snelstart_get(a->api, "/landen", &ld, e)) != SS_OK) {
        json_decref(gb);
        json_decref(bt);
        *what = "btw-tarieven en landen lezen";
        return r;
    }
    if ((r = snelstart_get(a->api, "/companyInfo", &ci, e)) != SS_OK
        || (r = get_all(a, "/vatrates", &vr, e)) != SS_OK) {
        json_decref(gb);
        json_decref(bt);
        json_decref(ld);
        json_decref(ci);
        *what = "de Bedrijfsgegevens (companyInfo) en de EU-btw-tarieven (vatrates) lezen";
        return r;
    }
    if (a->p->betalingen_boeken && (r = snelstart_get(a->api, "/dagboeken", &db, e)) != SS_OK) {
        json_decref(gb);
        json_decref(bt);
        json_decref(ld);
        json_decref(ci);
        json_decref(vr);
        *what = "dagboeken lezen";
        return r;
    }
    if (!betaling_check(a->p, gb, db, err, sizeof err))
        log_warning("profile %s: %s; betaalde orders worden geboekt, hun betalingen niet",
                    a->p->name, err);
    if (!boeking_check_grootboeken(a->p, gb, err, sizeof err))
        log_warning("profile %s: %s; orders die deze rekening nodig hebben komen bij Niet "
                    "geboekt", a->p->name, err);
    json_decref(a->grootboeken);
    json_decref(a->btwtarieven);
    json_decref(a->landen);
    a->grootboeken = gb;
    a->btwtarieven = shared_list(bt);
    a->landen = shared_list(ld);
    json_decref(a->companyinfo);
    json_decref(a->vatrates);
    a->companyinfo = ci;
    a->vatrates = shared_list(vr);
    json_decref(a->dagboeken);
    a->dagboeken = db;
    a->loaded_at = time(NULL);
    return SS_OK;
}

/* administration_check - read now and check the profile's grootboeken */
bool
administration_check(administration_t *a, char *err, size_t errlen)
{
    return administration_check_or_wait(a, err, errlen, NULL);
}

/* administration_check_or_wait - the same; a read the limits hold back is
 * no verdict when the caller asks for the wait */
bool
administration_check_or_wait(administration_t *a, char *err, size_t errlen, ss_error_t *wait)
{
    ss_error_t e;
    ss_result_t r;
    const char *what;

    if (wait)
        memset(wait, 0, sizeof *wait);
    if ((r = administration_load(a, true, &what, &e)) != SS_OK) {
        snprintf(err, errlen, "%s: %s", what, e.message);
        if (wait && e.not_before_ms > 0
            && (r == SS_LIMITED || (r == SS_RETRY && e.http_status == 429)))
            *wait = e;
        return false;
    }
    return boeking_check_grootboeken(a->p, a->grootboeken, err, errlen)
        && betaling_check(a->p, a->grootboeken, a->dagboeken, err, errlen);
}
