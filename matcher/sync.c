/*
 * NAME
 *   sync - keep a profile's customer index in step with SnelStart
 *
 * DESCRIPTION
 *   See sync.h. The landen are read once, with the first fill, to resolve
 *   a relatie's land.id to its ISO code.
 */
#include <string.h>

#include "log.h"
#include "sync.h"
#include "xalloc.h"

#define PAGE 500

sync_t *
sync_new(const profile_t *p)
{
    sync_t *self = xcalloc(1, sizeof *self);

    self->p = p;
    self->api = snelstart_new(p->api_url, p->auth_url, p->client_key, p->subscription_key,
                              p->api_tls_verify);
    snelstart_set_limits(self->api, p->rate_per_minute, p->rate_per_hour, p->max_concurrent);
    snelstart_set_timeout(self->api, (long) p->timeout_s * 1000);
    snelstart_set_time_scale(self->api, p->time_scale > 0 ? p->time_scale : 1);
    self->index = relatie_index_new();
    return self;
}

void
sync_destroy(sync_t **self_p)
{
    if (self_p == NULL || *self_p == NULL)
        return;
    snelstart_destroy(&(*self_p)->api);
    admin_reader_close(&(*self_p)->admin);
    relatie_index_destroy(&(*self_p)->index);
    free(*self_p);
    *self_p = NULL;
}

/* read_pages - read relaties (with an optional filter) into the index */
static bool
read_pages(sync_t *self, const char *filter, char *err, size_t errlen)
{
    int     skip = 0;
    size_t  i;

    for (;;) {
        char    top[16], sk[16], why[512];
        char   *path;
        json_t *page = NULL;
        ss_error_t e;
        ss_result_t r;

        snprintf(top, sizeof top, "%d", PAGE);
        snprintf(sk, sizeof sk, "%d", skip);
        path = filter ? snelstart_query("/relaties", "$filter", filter, "$top", top,
                                        "$skip", sk, NULL)
                      : snelstart_query("/relaties", "$top", top, "$skip", sk, NULL);
        r = snelstart_get(self->api, path, &page, &e);
        free(path);
        self->auth_refused = r == SS_AUTH;
        if (r != SS_OK || !json_is_array(page)) {
            snprintf(err, errlen, "profile %s: reading relaties from SnelStart: %s",
                     self->p->name, r != SS_OK ? e.message : "the answer is not a list");
            json_decref(page);
            return false;
        }
        for (i = 0; i < json_array_size(page); i++)
            if (!relatie_index_upsert_json(self->index, json_array_get(page, i), why,
                                           sizeof why))
                log_warning("profile %s: a relatie from SnelStart is skipped: %s",
                            self->p->name, why);
        self->relaties_read += (long) json_array_size(page);
        skip += (int) json_array_size(page);
        i = json_array_size(page);
        json_decref(page);
        if (i < PAGE)
            return true;
    }
}

/* admin_fresh - fill or refresh the index from an sql, lokaal or mdb
 * administration */
static bool
admin_fresh(sync_t *self, time_t now, char *err, size_t errlen)
{
    char    why[1024];
    relatie_index_t *fresh;
    long    n;
    bool    incremental;

    if (self->admin == NULL
        && (self->admin = admin_reader_open(self->p, why, sizeof why)) == NULL) {
        snprintf(err, errlen, "profile %s: %s", self->p->name, why);
        return false;
    }
    incremental = self->filled && admin_reader_incremental(self->admin) && *self->latest;
    fresh = incremental ? self->index : relatie_index_new();
    n = admin_reader_relaties(self->admin, relatie_index_take, fresh,
                              incremental ? self->latest : NULL, self->latest,
                              sizeof self->latest, why, sizeof why);
    if (n < 0) {
        if (fresh != self->index)
            relatie_index_destroy(&fresh);
        /* the connection may be gone: connect again next time */
        admin_reader_close(&self->admin);
        snprintf(err, errlen, "profile %s: reading relaties: %s", self->p->name, why);
        return false;
    }
    if (fresh != self->index) {
        relatie_index_destroy(&self->index);
        self->index = fresh;
    }
    self->relaties_read += n;
    if (!self->filled)
        log_info("profile %s: customer index filled with %zu relaties from the %s "
                 "administration", self->p->name, relatie_index_count(self->index),
                 self->p->admin_type);
    self->filled = true;
    self->synced_at = now;
    return true;
}

/* sync_fresh - fill or refresh the index when due */
bool
sync_fresh(sync_t *self, time_t now, char *err, size_t errlen)
{
    char   *filter;
    bool    ok;
    const char *latest;

    if (self->filled && now - self->synced_at < self->p->index_refresh_s)
        return true;
    if (strcmp(self->p->admin_type, "api") != 0)
        return admin_fresh(self, now, err, errlen);
    if (!self->filled) {
        json_t *landen = NULL;
        ss_error_t e;

        ss_result_t r = snelstart_get(self->api, "/landen", &landen, &e);

        self->auth_refused = r == SS_AUTH;
        if (r != SS_OK) {
            snprintf(err, errlen, "profile %s: reading landen from SnelStart: %s",
                     self->p->name, e.message);
            return false;
        }
        relatie_index_set_landen(self->index, landen);
        json_decref(landen);
        if (!read_pages(self, NULL, err, errlen))
            return false;
        self->filled = true;
        self->synced_at = now;
        log_info("profile %s: customer index filled with %zu relaties", self->p->name,
                 relatie_index_count(self->index));
        return true;
    }
    latest = relatie_index_latest_modified(self->index);
    if (*latest == 0) {
        self->synced_at = now;
        return read_pages(self, NULL, err, errlen);
    }
    filter = xasprintf("ModifiedOn gt datetime'%s'", latest);
    ok = read_pages(self, filter, err, errlen);
    free(filter);
    if (ok)
        self->synced_at = now;
    return ok;
}
