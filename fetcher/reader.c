/*
 * NAME
 *   reader - the fetcher's thread that reads shops, off its loop
 *
 * DESCRIPTION
 *   See reader.h. A CZMQ actor: "PAGE" + the import's pointer, or "JOB" +
 *   the work function and the job, to the thread; "DONE" back over the
 *   actor's pipe, which the loop watches. The loop keeps what waits (a page,
 *   a job) and hands the thread the next one in turn.
 */
#include <string.h>
#include <czmq.h>

#include "log.h"
#include "reader.h"
#include "xalloc.h"

typedef enum { IDLE = 0, PAGE, JOB } doing_t;

struct reader {
    zactor_t *actor;
    doing_t  doing;           /* what the thread does now */
    doing_t  last;            /* what it did last, for the turns */
    import_t *page;           /* a page waiting or being read */
    void    *job;             /* a job waiting or being run */
    reader_work_fn *work;
    reader_job_done_fn *job_done;
    reader_done_fn *done;
    void   *arg;
};

/* reader_actor - the thread: read what comes, until $TERM */
static void
reader_actor(zsock_t *pipe, void *arg)
{
    char   *cmd;
    void   *fn, *p;

    zsock_signal(pipe, 0);
    for (;;) {
        cmd = NULL;
        fn = p = NULL;
        if (zsock_recv(pipe, "spp", &cmd, &fn, &p) != 0 || cmd == NULL)
            break;                        /* interrupted: the daemon ends */
        if (strcmp(cmd, "$TERM") == 0) {
            free(cmd);
            break;
        }
        if (strcmp(cmd, "PAGE") == 0 && p != NULL)
            import_fetch(p);
        else if (strcmp(cmd, "JOB") == 0 && fn != NULL)
            ((reader_work_fn *) fn)(p);
        else
            log_panic("shop reader: unexpected command %s", cmd);
        free(cmd);
        if (zsock_send(pipe, "s", "DONE") != 0)
            break;
    }
}

/* next - give the thread what waits, a page and a job in turn */
static void
next(reader_t *self)
{
    bool    job = self->job && (self->page == NULL || self->last == PAGE);

    if (self->doing != IDLE || (self->page == NULL && self->job == NULL))
        return;
    self->doing = self->last = job ? JOB : PAGE;
    if (job ? zsock_send(self->actor, "spp", "JOB", self->work, self->job)
            : zsock_send(self->actor, "spp", "PAGE", NULL, self->page))
        log_panic("shop reader: cannot hand it work");
}

/* on_read - the thread is done (loop thread) */
static void
on_read(daemon_loop_t *loop, void *arg)
{
    reader_t *self = arg;
    char   *cmd = NULL;
    doing_t was = self->doing;
    import_t *page = self->page;
    void   *job = self->job;

    if (zsock_recv(self->actor, "s", &cmd) != 0 || cmd == NULL)
        return;
    if (strcmp(cmd, "DONE") != 0 || was == IDLE)
        log_panic("shop reader: unexpected answer %s", cmd);
    free(cmd);
    self->doing = IDLE;
    if (was == PAGE)
        self->page = NULL;
    else
        self->job = NULL;
    next(self);                         /* the other one, while the loop goes on */
    if (was == PAGE)
        self->done(self->arg, page);
    else
        self->job_done(job);
}

/* reader_new - start the thread */
reader_t *
reader_new(daemon_loop_t *loop, reader_done_fn *done, void *arg)
{
    reader_t *self = xcalloc(1, sizeof *self);

    self->done = done;
    self->arg = arg;
    if ((self->actor = zactor_new(reader_actor, NULL)) == NULL)
        log_fatal("cannot start the shop reader thread");
    daemon_loop_reader(loop, self->actor, "shop reader", on_read, self);
    return self;
}

/* reader_destroy - end the thread */
void
reader_destroy(reader_t **self_p)
{
    reader_t *self = *self_p;

    if (self == NULL)
        return;
    zactor_destroy(&self->actor);
    free(self);
    *self_p = NULL;
}

/* reader_fetch - read a page on the thread */
void
reader_fetch(reader_t *self, import_t *imp)
{
    if (self->page)
        log_panic("shop reader: a page asked for while one waits");
    self->page = imp;
    next(self);
}

/* reader_busy - a page waits or is being read */
bool
reader_busy(const reader_t *self)
{
    return self->page != NULL;
}

/* reader_run - run a job on the thread */
void
reader_run(reader_t *self, reader_work_fn *work, reader_job_done_fn *job_done, void *job)
{
    if (self->job)
        log_panic("shop reader: a job handed to it while one waits");
    self->work = work;
    self->job_done = job_done;
    self->job = job;
    next(self);
}

/* reader_job_busy - a job waits or is being run */
bool
reader_job_busy(const reader_t *self)
{
    return self->job != NULL;
}
