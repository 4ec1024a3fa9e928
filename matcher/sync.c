/*
 * NAME
 *   sync - keep a profile's customer index in step with SnelStart
 *
 * DESCRIPTION
 *   See sync.h. The landen are read once, with the first fill, to resolve
 *   a relatie's land.id to its ISO code. A fill or refresh through the
 *   API is a pass of slices, one request each (the landen, then a page of
 *   500 relaties), made on a thread (api_read.h): a slice starts the
 *   request, the next ones look whether its answer is there, every
 *   ADMIN_POLL_MS, and the one that finds it puts it in the index, so that
 *   a slow SnelStart never holds the matcher's loop; a slice that fails (SnelStart unreachable, or its rate
 *   limit: the client never waits, snelstart.h SS_LIMITED) leaves the pass
 *   where it is, and the next slice goes on from that page.
 *   An sql, lokaal or mdb administration is read on a thread
 *   (admin_fill.h): a full read into a new index, swapped in at the end;
 *   the changes since the last read are put in the index itself, up to
 *   ADMIN_SLICE rows per slice.
 */
#include <string.h>
#include <czmq.h>

#include "api_read.h"
#include "log.h"
#include "sync.h"
#include "xalloc.h"

#define PAGE 500
#define ADMIN_SLICE 2000      /* rows put in the index per slice */
#define ADMIN_POLL_MS 10      /* the next look while the thread has no rows yet */

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
    api_read_abandon(&(*self_p)->read, &(*self_p)->api);    /* its thread frees the client */
    snelstart_destroy(&(*self_p)->api);
    admin_fill_destroy(&(*self_p)->fill);
    if ((*self_p)->fill_into != (*self_p)->index)
        relatie_index_destroy(&(*self_p)->fill_into);
    admin_reader_close(&(*self_p)->admin);
    free((*self_p)->pass_filter);
    relatie_index_destroy(&(*self_p)->index);
    free(*self_p);
    *self_p = NULL;
}

/* api_get - GET path on the read's thread: false while its answer is not
 * there yet (the read started or still on its way; next_slice_ms says when
 * to look again), true with the answer as snelstart_get() gives it. The
 * path of a pass's slice stays the same until its answer is taken. */
static bool
api_get(sync_t *self, const char *path, json_t **out, ss_error_t *e, ss_result_t *r)
{
    if (self->read == NULL)
        self->read = api_read_start(self->api, path);
    if (!api_read_done(self->read)) {
        self->next_slice_ms = zclock_time() + ADMIN_POLL_MS;
        return false;
    }
    *r = api_read_end(&self->read, out, e);
    return true;
}

/* read_page - read the next page of relaties of the fill or refresh in
 * progress (self->pass_filter, self->pass_skip) into the index: SYNC_MORE
 * when there is another page or its answer is not there yet, SYNC_READY
 * after the last, SYNC_FAILED with err (SnelStart could not be read; the
 * pass goes on from this page next time) */
static sync_state_t
read_page(sync_t *self, char *err, size_t errlen)
{
    char    top[16], sk[16], why[512];
    char   *path;
    json_t *page = NULL;
    ss_error_t e;
    ss_result_t r;
    size_t  i, n;

    snprintf(top, sizeof top, "%d", PAGE);
    snprintf(sk, sizeof sk, "%d", self->pass_skip);
    path = self->pass_filter
        ? snelstart_query("/relaties", "$filter", self->pass_filter, "$top", top, "$skip", sk,
                          NULL)
        : snelstart_query("/relaties", "$top", top, "$skip", sk, NULL);
    if (!api_get(self, path, &page, &e, &r)) {
        free(path);
        return SYNC_MORE;
    }
    free(path);
    self->auth_refused = r == SS_AUTH;
    if (r != SS_OK || !json_is_array(page)) {
        snprintf(err, errlen, "profile %s: reading relaties from SnelStart: %s",
                 self->p->name, r != SS_OK ? e.message : "the answer is not a list");
        self->not_before_ms = r == SS_LIMITED || e.not_before_ms > 0 ? e.not_before_ms : 0;
        json_decref(page);
        return SYNC_FAILED;
    }
    n = json_array_size(page);
    for (i = 0; i < n; i++)
        if (!relatie_index_upsert_json(self->index, json_array_get(page, i), why, sizeof why))
            log_warning("profile %s: a relatie from SnelStart is skipped: %s",
                        self->p->name, why);
    self->relaties_read += (long) n;
    self->pass_skip += (int) n;
    json_decref(page);
    return n < PAGE ? SYNC_READY : SYNC_MORE;
}

/* admin_start - begin a read of an sql, lokaal or mdb administration on a
 * thread: the changes since the newest seen when it can, else all */
static void
admin_start(sync_t *self)
{
    bool    incremental = self->filled && self->admin && admin_reader_incremental(self->admin)
                          && *self->latest;

    self->fill_into = incremental ? self->index : relatie_index_new();
    self->fill = admin_fill_start(self->p, self->admin, incremental ? self->latest : NULL,
                                  self->latest, incremental ? NULL : self->fill_into);
    self->admin = NULL;                 /* the thread's until the read ends */
    self->passing = true;
}

/* admin_end - the read is over: the new index in place, or why not */
static sync_state_t
admin_end(sync_t *self, time_t now, char *err, size_t errlen)
{
    char    why[1024];
    long    n = admin_fill_end(&self->fill, &self->admin, self->latest, sizeof self->latest,
                               why, sizeof why);

    self->passing = false;
    if (n < 0) {
        if (self->fill_into != self->index)
            relatie_index_destroy(&self->fill_into);
        self->fill_into = NULL;
        snprintf(err, errlen, "profile %s: reading relaties: %s", self->p->name, why);
        return SYNC_FAILED;
    }
    if (self->fill_into != self->index) {
        admin_fill_discard(&self->index);
        self->index = self->fill_into;
    }
    self->fill_into = NULL;
    self->relaties_read += n;
    if (!self->filled)
        log_info("profile %s: customer index filled with %zu relaties from the %s "
                 "administration", self->p->name, relatie_index_count(self->index),
                 self->p->admin_type);
    self->filled = true;
    self->synced_at = now;
    return SYNC_READY;
}

/* admin_step - one slice of filling or refreshing the index from an sql,
 * lokaal or mdb administration: up to ADMIN_SLICE rows the thread read */
static sync_state_t
admin_step(sync_t *self, time_t now, char *err, size_t errlen)
{
    if (self->fill == NULL) {
        admin_start(self);
        return SYNC_MORE;
    }
    switch (admin_fill_take(self->fill, ADMIN_SLICE, relatie_index_take, self->fill_into)) {
    case ADMIN_FILL_ROWS:
        return SYNC_MORE;
    case ADMIN_FILL_WAIT:
        self->next_slice_ms = zclock_time() + ADMIN_POLL_MS;
        return SYNC_MORE;
    case ADMIN_FILL_DONE:
    case ADMIN_FILL_FAILED:
        break;
    }
    return admin_end(self, now, err, errlen);
}

/* end_pass - the fill or refresh in progress is over */
static void
end_pass(sync_t *self)
{
    free(self->pass_filter);
    self->pass_filter = NULL;
    self->pass_skip = 0;
    self->passing = false;
}

/* sync_ready - whether the index is there and need not be refreshed now */
bool
sync_ready(const sync_t *self, time_t now)
{
    return self->filled && !self->passing && now - self->synced_at < self->p->index_refresh_s;
}

/* sync_step - one slice of filling or refreshing the index */
sync_state_t
sync_step(sync_t *self, time_t now, char *err, size_t errlen)
{
    const char *latest;
    sync_state_t st;

    self->not_before_ms = 0;
    self->next_slice_ms = 0;
    if (sync_ready(self, now))
        return SYNC_READY;
    if (strcmp(self->p->admin_type, "api") != 0)
        return admin_step(self, now, err, errlen);
    if (!self->passing) {                       /* a new fill or refresh */
        self->passing = true;
        self->pass_skip = 0;
        if (self->filled && *(latest = relatie_index_latest_modified(self->index)))
            self->pass_filter = xasprintf("ModifiedOn gt datetime'%s'", latest);
    }
    if (!self->filled && !self->have_landen) {  /* the first slice of the first fill */
        json_t *landen = NULL;
        ss_error_t e;
        ss_result_t r;

        if (!api_get(self, "/landen", &landen, &e, &r))
            return SYNC_MORE;
        self->auth_refused = r == SS_AUTH;
        if (r != SS_OK) {
            snprintf(err, errlen, "profile %s: reading landen from SnelStart: %s",
                     self->p->name, e.message);
            self->not_before_ms = e.not_before_ms;
            json_decref(landen);
            return SYNC_FAILED;
        }
        relatie_index_set_landen(self->index, landen);
        json_decref(landen);
        self->have_landen = true;
        return SYNC_MORE;
    }
    if ((st = read_page(self, err, errlen)) != SYNC_READY)
        return st;
    end_pass(self);
    self->synced_at = now;
    if (!self->filled)
        log_info("profile %s: customer index filled with %zu relaties", self->p->name,
                 relatie_index_count(self->index));
    self->filled = true;
    return SYNC_READY;
}

/* sync_fresh - fill or refresh the index when due, all slices at once */
bool
sync_fresh(sync_t *self, time_t now, char *err, size_t errlen)
{
    sync_state_t st;

    while ((st = sync_step(self, now, err, errlen)) == SYNC_MORE)
        if (self->next_slice_ms > 0)      /* not on a loop: waiting is all there is to do */
            zclock_sleep(ADMIN_POLL_MS);
    return st == SYNC_READY;
}
