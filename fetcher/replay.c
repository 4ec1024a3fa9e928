/*
 * NAME
 *   replay - dead letters read from the shop again, on the reader thread
 *
 * DESCRIPTION
 *   See replay.h. A request is a list of jobs, one per order; the requests
 *   take turns (a zlistx rotated per job) and one job at a time is with
 *   the reader. A job that waits for its retry is on a timer, and joins
 *   its request's list again when the timer fires.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <czmq.h>

#include "import.h"
#include "log.h"
#include "replay.h"
#include "source.h"
#include "xalloc.h"

typedef struct request request_t;

typedef struct {
    replay_t *replay;
    request_t *req;
    char     id[300];
    char     profile[256];
    int64_t  number;
    int32_t  credit;          /* its credit note's sequence, 0 for the order */
    source_t *source;         /* while it is read: its profile's source */
    const cfg_t *cfg;         /* the configuration the source was made for */
    order_page_t *page;       /* what the reader read */
    src_result_t read;
    char     err[1024];
    int      attempt;
    unsigned jitter;
    int      timer;           /* its retry, or -1 */
} job_t;

struct request {
    replay_t *replay;
    control_later_t *later;   /* NULL once answered */
    json_t  *results;
    size_t   ok, failed, left;
    zlistx_t *jobs;           /* to be read, in order */
    int      deadline;        /* the timer that answers what is read by then */
};

struct replay {
    daemon_loop_t *loop;
    control_t *control;
    reader_t *reader;
    const cfg_t *cfg;
    store_t *store;
    infolog_t *infolog;
    replay_replayed_fn *replayed;
    void    *arg;
    source_t **sources;       /* per profile of cfg, made when first needed */
    size_t   nsources;
    zlistx_t *requests;       /* in turn */
    zlistx_t *sleeping;       /* jobs waiting for their retry */
    job_t   *reading;         /* the job with the reader */
    bool     reading_retired; /* its source is no profile's any more */
    cfg_t   *held;            /* the configuration it keeps until it returns */
};

static void pump(replay_t *self);

/* answer - reply what the request read so far */
static void
answer(replay_t *self, request_t *req)
{
    msg_t  *reply;
    char   *text;

    if (req->later == NULL)
        return;
    reply = msg_new(MSG_REPLY);
    reply->ok = req->failed == 0;
    text = req->left == 0
        ? xasprintf("%zu opnieuw aangeboden, %zu niet", req->ok, req->failed)
        : xasprintf("%zu opnieuw aangeboden, %zu niet, %zu worden nog uit de shop gelezen "
                    "(koppelctl dlq list laat zien hoe ze aflopen)", req->ok, req->failed,
                    req->left);
    msg_set(&reply->text, text);
    free(text);
    control_reply_json(reply, json_incref(req->results));
    control_answer(self->control, &req->later, reply);
    msg_destroy(&reply);
}

/* on_deadline - the client waits no longer: answer what is read by now */
static void
on_deadline(daemon_loop_t *loop, void *arg)
{
    request_t *req = arg;

    req->deadline = -1;
    answer(req->replay, req);
}

/* request_end - the last order of a request is read */
static void
request_end(replay_t *self, request_t *req)
{
    void   *handle = zlistx_find(self->requests, req);

    if (req->deadline >= 0)
        daemon_loop_cancel(self->loop, req->deadline);
    answer(self, req);
    if (handle)
        zlistx_delete(self->requests, handle);
    zlistx_destroy(&req->jobs);
    json_decref(req->results);
    free(req);
}

/* finish - one order read, or given up: into the answer and the logs */
static void
finish(replay_t *self, job_t *job, bool ok, const char *err)
{
    request_t *req = job->req;

    if (ok) {
        req->ok++;
        json_array_append_new(req->results, json_pack("{s:s,s:b}", "id", job->id,
                                                      "replayed", 1));
        log_info("profile %s: %s replayed from the dead-letter queue", job->profile, job->id);
        if (job->credit > 0)
            infolog_add(self->infolog, job->profile, INFOLOG_EXTENDED, INFOLOG_REPLAYED,
                        job->number, "Creditnota %d van order %lld opnieuw aangeboden om te "
                        "boeken", job->credit, (long long) job->number);
        else
            infolog_add(self->infolog, job->profile, INFOLOG_EXTENDED, INFOLOG_REPLAYED,
                        job->number, "Order %lld opnieuw gelezen uit de shop en aangeboden "
                        "om te boeken", (long long) job->number);
        self->replayed(self->arg);
    } else {
        req->failed++;
        json_array_append_new(req->results, json_pack("{s:s,s:b,s:s}", "id", job->id,
                                                      "replayed", 0, "error", err));
        log_warning("profile %s: order %lld not replayed: %s", job->profile,
                    (long long) job->number, err);
        infolog_add(self->infolog, job->profile, INFOLOG_SHORT, INFOLOG_ERROR, job->number,
                    "Order %lld niet opnieuw aangeboden: %s", (long long) job->number, err);
    }
    order_page_destroy(&job->page);
    free(job);
    if (--req->left == 0)
        request_end(self, req);
}

/* status_nl - an order's state in the shop as a bookkeeper says it */
static const char *
status_nl(order_status_t st)
{
    switch (st) {
    case ORDER_CANCELLED:
        return "geannuleerd";
    case ORDER_INCOMPLETE:
        return "nog niet afgerond";
    case ORDER_PAID:
    case ORDER_OPEN:
        break;
    }
    return order_status_name(st);
}

/* put_back - what the reader read: the order back in pending, or why not */
static void
put_back(replay_t *self, job_t *job)
{
    order_page_t *page = job->page;
    char    err[1024];
    bool    ok = false;

    *err = 0;
    if (job->read == SRC_NOT_FOUND)
        snprintf(err, sizeof err, "order %lld staat niet (meer) in de shop; laat hem vallen "
                 "als hij niet geboekt hoeft te worden", (long long) job->number);
    else if (job->read != SRC_OK)
        snprintf(err, sizeof err, "%s", job->err);
    else if (page->nitems != 1)
        snprintf(err, sizeof err, "order %lld: de shop stuurde %zu orders in plaats van een; "
                 "probeer het later opnieuw", (long long) job->number, page->nitems);
    else if (page->items[0].order == NULL)
        snprintf(err, sizeof err, "%s", page->items[0].error);
    else if (page->items[0].order->status != ORDER_PAID
             && page->items[0].order->status != ORDER_OPEN)
        snprintf(err, sizeof err, "order %lld is in de shop %s, niet betaald of open; laat "
                 "hem vallen als hij niet geboekt hoeft te worden", (long long) job->number,
                 status_nl(page->items[0].order->status));
    else if (store_begin(self->store, err, sizeof err)) {
        order_set(&page->items[0].order->profile, job->profile);
        store_replace_pending(self->store, page->items[0].order);
        ok = store_commit(self->store, err, sizeof err);
    }
    finish(self, job, ok, err);
}

/* read_job - on the reader thread: read the order from the shop */
static void
read_job(void *arg)
{
    job_t  *job = arg;

    order_page_destroy(&job->page);
    *job->err = 0;
    job->read = source_one(job->source, job->number, &job->page, job->err, sizeof job->err);
}

/* wake - a job's retry is due: it joins its request's list again */
static void
wake(daemon_loop_t *loop, void *arg)
{
    job_t  *job = arg;
    replay_t *self = job->replay;

    job->timer = -1;
    zlistx_delete(self->sleeping, zlistx_find(self->sleeping, job));
    zlistx_add_start(job->req->jobs, job);
    pump(self);
}

/* job_read - back on the loop: try again later, or put it back */
static void
job_read(void *arg)
{
    job_t  *job = arg;
    replay_t *self = job->replay;
    long    wait = job->read == SRC_TRANSIENT && ++job->attempt < IMPORT_ATTEMPTS
                   ? import_backoff_ms(job->attempt, source_retry_after_ms(job->source),
                                       &job->jitter) : -1;

    self->reading = NULL;
    if (self->reading_retired) {
        source_destroy(&job->source);
        cfg_destroy(&self->held);
        self->reading_retired = false;
    }
    job->source = NULL;
    job->cfg = NULL;
    if (wait >= 0 && wait <= IMPORT_RETRY_AFTER_MAX_MS) {
        log_warning("profile %s: replay of order %lld: %s; trying again in %ld ms",
                    job->profile, (long long) job->number, job->err, wait);
        zlistx_add_end(self->sleeping, job);
        job->timer = daemon_loop_once(self->loop, (size_t) wait, "dlq replay retry", wake, job);
    } else
        put_back(self, job);
    pump(self);
}

/* source_of - the shop of profile i, one try per call: retries are timers */
static source_t *
source_of(replay_t *self, int i)
{
    if (self->sources[i] == NULL)
        self->sources[i] = import_source_new(&self->cfg->profiles[i]);
    return self->sources[i];
}

/* next_job - the next order to read, of the next request in turn */
static job_t *
next_job(replay_t *self)
{
    request_t *req;
    job_t  *job;

    for (req = zlistx_first(self->requests); req; req = zlistx_next(self->requests))
        if ((job = zlistx_detach(req->jobs, NULL)) != NULL) {
            zlistx_move_end(self->requests, zlistx_cursor(self->requests));
            return job;
        }
    return NULL;
}

/* pump - hand the reader the next order when it has none */
static void
pump(replay_t *self)
{
    job_t  *job;
    int     i;

    while (!reader_job_busy(self->reader) && (job = next_job(self)) != NULL) {
        if ((i = cfg_profile_index(self->cfg, job->profile)) < 0) {
            char    err[512];

            snprintf(err, sizeof err, "profiel %s staat niet in de instellingen", job->profile);
            finish(self, job, false, err);
            continue;
        }
        if (job->credit > 0) {          /* its refund is the shop's, already read */
            char    err[512] = "";

            finish(self, job, store_replay_credit(self->store, job->profile, job->number,
                                                  job->credit, err, sizeof err), err);
            continue;
        }
        job->source = source_of(self, i);
        job->cfg = self->cfg;
        self->reading = job;
        reader_run(self->reader, read_job, job_read, job);
    }
}

/* job_new - a job for one dead letter of a request */
static job_t *
job_new(replay_t *self, request_t *req, const json_t *order)
{
    job_t  *job = xcalloc(1, sizeof *job);

    job->replay = self;
    job->req = req;
    snprintf(job->id, sizeof job->id, "%s", json_string_value(json_object_get(order, "id")));
    snprintf(job->profile, sizeof job->profile, "%s",
             json_string_value(json_object_get(order, "profile")));
    job->number = json_integer_value(json_object_get(order, "number"));
    job->credit = (int32_t) json_integer_value(json_object_get(order, "credit"));
    job->jitter = (unsigned) job->number ^ (unsigned) (uintptr_t) job;
    job->timer = -1;
    return job;
}

/* replay_ask - read the dead letters again, answer later */
void
replay_ask(replay_t *self, control_later_t *later, const json_t *orders)
{
    request_t *req = xcalloc(1, sizeof *req);
    size_t  i;

    req->replay = self;
    req->later = later;
    req->results = json_array();
    req->jobs = zlistx_new();
    req->left = json_array_size(orders);
    req->deadline = -1;
    if (req->left == 0) {
        request_end(self, req);
        return;
    }
    for (i = 0; i < req->left; i++)
        zlistx_add_end(req->jobs, job_new(self, req, json_array_get(orders, i)));
    req->deadline = daemon_loop_once(self->loop, CONTROL_REPLAY_ANSWER_MS, "dlq replay answer",
                                     on_deadline, req);
    zlistx_add_end(self->requests, req);
    pump(self);
}

/* replay_new - replays through reader, answered on control */
replay_t *
replay_new(daemon_loop_t *loop, control_t *control, reader_t *reader, const cfg_t *cfg,
           store_t *store, infolog_t *infolog, replay_replayed_fn *replayed, void *arg)
{
    replay_t *self = xcalloc(1, sizeof *self);

    self->loop = loop;
    self->control = control;
    self->reader = reader;
    self->store = store;
    self->infolog = infolog;
    self->replayed = replayed;
    self->arg = arg;
    self->requests = zlistx_new();
    self->sleeping = zlistx_new();
    replay_set_cfg(self, cfg);
    return self;
}

/* free_jobs - free the jobs of a list */
static void
free_jobs(zlistx_t *jobs)
{
    job_t  *job;

    while ((job = zlistx_detach(jobs, NULL)) != NULL) {
        order_page_destroy(&job->page);
        free(job);
    }
}

/* replay_destroy - drop what is not read yet; a request still waiting is
 * told so */
void
replay_destroy(replay_t **self_p)
{
    replay_t *self = *self_p;
    request_t *req;
    size_t  i;

    if (self == NULL)
        return;
    if (self->reading) {                /* the thread has ended: it never comes back */
        order_page_destroy(&self->reading->page);
        free(self->reading);
    }
    free_jobs(self->sleeping);
    zlistx_destroy(&self->sleeping);
    while ((req = zlistx_detach(self->requests, NULL)) != NULL) {
        msg_t  *reply = msg_new(MSG_REPLY);

        msg_set(&reply->text, "koppel-fetcher stopte voordat elke order uit de shop gelezen "
                "was: bied ze opnieuw aan (koppelctl dlq replay)");
        control_answer(self->control, &req->later, reply);
        msg_destroy(&reply);
        free_jobs(req->jobs);
        zlistx_destroy(&req->jobs);
        json_decref(req->results);
        free(req);
    }
    zlistx_destroy(&self->requests);
    for (i = 0; i < self->nsources; i++)
        source_destroy(&self->sources[i]);
    free(self->sources);
    cfg_destroy(&self->held);
    free(self);
    *self_p = NULL;
}

/* replay_set_cfg - the sources are made again for the new profiles when
 * needed; the one being read is freed when its order returns */
void
replay_set_cfg(replay_t *self, const cfg_t *cfg)
{
    size_t  i;

    for (i = 0; i < self->nsources; i++)
        if (self->reading && self->reading->source == self->sources[i])
            self->reading_retired = true;
        else
            source_destroy(&self->sources[i]);
    free(self->sources);
    self->cfg = cfg;
    self->nsources = cfg->nprofiles;
    self->sources = xcalloc(cfg->nprofiles + 1, sizeof *self->sources);
}

/* replay_retire_cfg - free an earlier configuration, unless the order being
 * read holds a source of it */
void
replay_retire_cfg(replay_t *self, cfg_t **cfg_p)
{
    if (*cfg_p && self->reading && self->reading->cfg == *cfg_p && self->held == NULL) {
        self->held = *cfg_p;
        *cfg_p = NULL;
    } else
        cfg_destroy(cfg_p);
}
