/*
 * NAME
 *   wsim_live - orders placed while the simulator runs
 *
 * DESCRIPTION
 *   See wsim_live.h. A run is one thread over wsim_gen_run: each order is
 *   re-stamped, stored (which queues its deliveries) and then the thread
 *   waits until the next order is due at the rate, measured from the run's
 *   start so that slow stores do not slow the rate further. Each run has a
 *   seed of its own (the simulator's seed plus the run's number).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "xalloc.h"
#include "wsim_gen.h"
#include "wsim_live.h"

struct wsim_live {
    wsim_store_t *store;
    uint64_t seed;
    pthread_mutex_t lock;        /* the fields below */
    pthread_t thread;
    bool    joinable;            /* a run was started and not joined */
    atomic_bool running, stop;
    long    runs;
    /* the current (or last) run, written by its thread */
    int64_t first_id;
    long    count;
    atomic_long placed;
    double  rate;
    char    status[32];
    struct timespec start;
};

/* wsim_live_new - no run yet */
wsim_live_t *
wsim_live_new(wsim_store_t *store, uint64_t seed)
{
    wsim_live_t *self = xcalloc(1, sizeof *self);

    self->store = store;
    self->seed = seed;
    pthread_mutex_init(&self->lock, NULL);
    return self;
}

/* wsim_live_destroy - stop and free */
void
wsim_live_destroy(wsim_live_t **self_p)
{
    wsim_live_t *self = *self_p;

    if (self == NULL)
        return;
    self->stop = true;
    if (self->joinable)
        pthread_join(self->thread, NULL);
    pthread_mutex_destroy(&self->lock);
    free(self);
    *self_p = NULL;
}

/* stamp - date an order now, give it the run's status, paid now when the
 * status is one of a paid order */
static char *
stamp(const wsim_live_t *self, const char *json)
{
    json_t *o = json_loads(json, 0, NULL);
    time_t  t = time(NULL);
    struct tm tm;
    char    now[32], *text;
    const char *status;

    if (o == NULL)
        return xstrdup(json);
    gmtime_r(&t, &tm);
    strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%S", &tm);
    if (self->status[0])
        json_object_set_new(o, "status", json_string(self->status));
    status = json_string_value(json_object_get(o, "status"));
    json_object_set_new(o, "date_created", json_string(now));
    json_object_set_new(o, "date_created_gmt", json_string(now));
    json_object_set_new(o, "date_modified", json_string(now));
    json_object_set_new(o, "date_modified_gmt", json_string(now));
    if (status && (strcmp(status, "processing") == 0 || strcmp(status, "completed") == 0)) {
        json_object_set_new(o, "date_paid", json_string(now));
        json_object_set_new(o, "date_paid_gmt", json_string(now));
        json_object_set_new(o, "transaction_id", json_string("tr_sim"));
    }
    text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(o);
    return text;
}

/* wait_due - sleep until order n (0-based) of the run is due, in slices
 * of 100 ms so that a stop is seen */
static void
wait_due(const wsim_live_t *self, long n)
{
    double  at = (double) n / self->rate;
    int64_t due = (int64_t) self->start.tv_sec * 1000000000LL + self->start.tv_nsec
        + (int64_t) (at * 1e9), now;
    struct timespec ts, slice = { 0, 100000000L };

    for (;;) {
        clock_gettime(CLOCK_MONOTONIC, &ts);
        now = (int64_t) ts.tv_sec * 1000000000LL + ts.tv_nsec;
        if (now >= due || self->stop)
            return;
        if (due - now < slice.tv_nsec)
            slice.tv_nsec = (long) (due - now);
        nanosleep(&slice, NULL);
    }
}

/* place - wsim_gen_order_fn: store one order of the run when it is due */
static int
place(int64_t id, const char *json, void *arg)
{
    wsim_live_t *self = arg;
    char    err[512], *text;
    int     rc;

    (void) id;
    if (self->stop)
        return 1;
    if (self->rate > 0)
        wait_due(self, self->placed);
    text = stamp(self, json);
    rc = wsim_store_put_json(self->store, text, err, sizeof err);
    free(text);
    if (rc < 0) {
        log_error("cannot place a generated order: %s", err);
        return 1;
    }
    self->placed++;
    return 0;
}

/* run_main - one run */
static void *
run_main(void *arg)
{
    wsim_live_t *self = arg;
    wsim_gen_t *gen = wsim_gen_new(self->seed + (uint64_t) self->runs, self->first_id,
                                   self->count);

    clock_gettime(CLOCK_MONOTONIC, &self->start);
    if (wsim_gen_run(gen, place, self) < 0 && !self->stop)
        log_error("placing orders stopped after %ld of %ld", (long) self->placed, self->count);
    wsim_gen_destroy(&gen);
    self->running = false;
    return NULL;
}

/* wsim_live_start - start a run */
int
wsim_live_start(wsim_live_t *self, const json_t *req, int64_t *first, char *err,
                size_t errlen)
{
    json_t *count = json_object_get(req, "count"), *rate = json_object_get(req, "rate");
    json_t *status = json_object_get(req, "status");
    int     rc = -1;

    if (!json_is_integer(count) || json_integer_value(count) < 1
        || json_integer_value(count) > 1000000
        || (rate && (!json_is_number(rate) || json_number_value(rate) < 0))
        || (status && (!json_is_string(status) || json_string_length(status) == 0
                       || json_string_length(status) >= sizeof self->status))) {
        snprintf(err, errlen, "expected {\"count\": 1..1000000, \"rate\": orders per second "
                 "(0 or absent: at once), \"status\": an order status (absent: random)}");
        return -1;
    }
    pthread_mutex_lock(&self->lock);
    if (self->running) {
        snprintf(err, errlen, "a run is still placing orders (%ld of %ld)",
                 (long) self->placed, self->count);
        rc = 1;
        goto done;
    }
    if (self->joinable)
        pthread_join(self->thread, NULL);
    self->joinable = false;
    self->runs++;
    self->first_id = wsim_store_max_id(self->store) + 1;
    self->count = (long) json_integer_value(count);
    self->rate = rate ? json_number_value(rate) : 0;
    snprintf(self->status, sizeof self->status, "%s", status ? json_string_value(status) : "");
    self->placed = 0;
    self->running = true;
    if (pthread_create(&self->thread, NULL, run_main, self) != 0) {
        self->running = false;
        snprintf(err, errlen, "cannot start a thread to place orders");
        goto done;
    }
    self->joinable = true;
    *first = self->first_id;
    rc = 0;
done:
    pthread_mutex_unlock(&self->lock);
    return rc;
}

/* wsim_live_report - the last run */
json_t *
wsim_live_report(wsim_live_t *self)
{
    json_t *o;

    pthread_mutex_lock(&self->lock);
    o = json_pack("{s:b, s:i, s:i, s:I}", "running", (int) self->running,
                  "placed", (int) self->placed, "count", (int) self->count,
                  "first_id", (json_int_t) self->first_id);
    pthread_mutex_unlock(&self->lock);
    return o;
}
