/*
 * NAME
 *   worker - booking threads: the booker's SnelStart calls, off its loop
 *
 * DESCRIPTION
 *   See worker.h. A batch travels as a pointer over the actor's pipe:
 *   "BOOK" + pointer to the worker, "DONE" + pointer back. The batch
 *   belongs to the worker from the one until the other; the loop thread
 *   does not touch it, nor the profile's administration, in between.
 */
#include <string.h>
#include <czmq.h>

#include "ledger.h"
#include "log.h"
#include "worker.h"
#include "xalloc.h"

typedef struct {
    struct workers *pool;
    zactor_t *actor;
    ledger_t *ledger;             /* this thread's connection */
    bool    busy;
} worker_t;

struct workers {
    worker_t *w;
    size_t  n;
    workers_done_fn *done;
    void   *arg;
};

/* book_batch - check the administration when asked, then book every order
 * of a batch, on the worker's thread */
static void
book_batch(ledger_t *ledger, batch_t *b)
{
    size_t  k;

    if (b->check)
        b->check_ok = administration_check_or_wait(b->admin, b->check_err,
                                                   sizeof b->check_err, &b->check_wait);
    if (b->n == 0)
        return;
    for (k = 0; k < b->n; k++) {
        memset(&b->jobs[k], 0, sizeof b->jobs[k]);
        b->jobs[k].o = b->msgs[k]->order;
        b->jobs[k].m = b->msgs[k]->match;
        book_prepare(b->admin, ledger, &b->jobs[k]);
    }
    book_post(b->admin, ledger, b->jobs, b->n);
    for (k = 0; k < b->n; k++)
        book_job_clear(&b->jobs[k]);
}

/* worker_actor - a worker's thread: book what comes, until $TERM */
static void
worker_actor(zsock_t *pipe, void *arg)
{
    worker_t *w = arg;
    char   *cmd;
    void   *p;

    zsock_signal(pipe, 0);
    for (;;) {
        cmd = NULL;
        p = NULL;
        if (zsock_recv(pipe, "sp", &cmd, &p) != 0 || cmd == NULL)
            break;                        /* interrupted: the daemon ends */
        if (strcmp(cmd, "$TERM") == 0) {
            free(cmd);
            break;
        }
        if (strcmp(cmd, "BOOK") != 0 || p == NULL)
            log_panic("booking worker: unexpected command %s", cmd);
        free(cmd);
        book_batch(w->ledger, p);
        if (zsock_send(pipe, "sp", "DONE", p) != 0)
            break;
    }
}

/* on_done - a worker handed a batch back (loop thread) */
static void
on_done(daemon_loop_t *loop, void *arg)
{
    worker_t *w = arg;
    char   *cmd = NULL;
    void   *p = NULL;

    if (zsock_recv(w->actor, "sp", &cmd, &p) != 0 || cmd == NULL)
        return;
    if (strcmp(cmd, "DONE") != 0 || p == NULL)
        log_panic("booking worker: unexpected answer %s", cmd);
    free(cmd);
    w->busy = false;
    w->pool->done(w->pool->arg, p);
}

/* workers_new - start the pool */
workers_t *
workers_new(size_t n, const char *ledger_path, daemon_loop_t *loop, workers_done_fn *done,
            void *arg)
{
    workers_t *self = xcalloc(1, sizeof *self);
    char    err[1024];
    size_t  i;

    self->n = n > 0 ? n : 1;
    self->w = xcalloc(self->n, sizeof *self->w);
    self->done = done;
    self->arg = arg;
    for (i = 0; i < self->n; i++) {
        worker_t *w = &self->w[i];

        w->pool = self;
        if ((w->ledger = ledger_open(ledger_path, err, sizeof err)) == NULL)
            log_fatal("booking worker: %s", err);
        if ((w->actor = zactor_new(worker_actor, w)) == NULL)
            log_fatal("cannot start a booking worker thread");
        daemon_loop_reader(loop, w->actor, "booking worker", on_done, w);
    }
    return self;
}

/* workers_destroy - end the pool */
void
workers_destroy(workers_t **self_p)
{
    workers_t *self = *self_p;
    size_t  i;

    if (self == NULL)
        return;
    for (i = 0; i < self->n; i++) {
        zactor_destroy(&self->w[i].actor);     /* waits for the current batch */
        ledger_close(&self->w[i].ledger);
    }
    free(self->w);
    free(self);
    *self_p = NULL;
}

/* workers_idle - free workers */
size_t
workers_idle(const workers_t *self)
{
    size_t  i, n = 0;

    for (i = 0; i < self->n; i++)
        if (!self->w[i].busy)
            n++;
    return n;
}

/* workers_submit - give a batch to a free worker */
void
workers_submit(workers_t *self, batch_t *batch)
{
    size_t  i;

    for (i = 0; i < self->n && self->w[i].busy; i++)
        ;
    if (i == self->n)
        log_panic("booking workers: a batch submitted while all %zu are busy", self->n);
    self->w[i].busy = true;
    if (zsock_send(self->w[i].actor, "sp", "BOOK", batch) != 0)
        log_panic("booking workers: cannot hand a batch to worker %zu", i);
}
