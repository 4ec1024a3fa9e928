/*
 * NAME
 *   reader - the fetcher's thread that reads shops, off its loop
 *
 * DESCRIPTION
 *   See reader.h. A CZMQ actor: "READ" + the import's pointer to the
 *   thread, "DONE" + the pointer back over the actor's pipe, which the
 *   loop watches.
 */
#include <string.h>
#include <czmq.h>

#include "log.h"
#include "reader.h"
#include "xalloc.h"

struct reader {
    zactor_t *actor;
    bool    busy;
    reader_done_fn *done;
    void   *arg;
};

/* reader_actor - the thread: read what comes, until $TERM */
static void
reader_actor(zsock_t *pipe, void *arg)
{
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
        if (strcmp(cmd, "READ") != 0 || p == NULL)
            log_panic("shop reader: unexpected command %s", cmd);
        free(cmd);
        import_fetch(p);
        if (zsock_send(pipe, "sp", "DONE", p) != 0)
            break;
    }
}

/* on_read - the thread read a page (loop thread) */
static void
on_read(daemon_loop_t *loop, void *arg)
{
    reader_t *self = arg;
    char   *cmd = NULL;
    void   *p = NULL;

    if (zsock_recv(self->actor, "sp", &cmd, &p) != 0 || cmd == NULL)
        return;
    if (strcmp(cmd, "DONE") != 0 || p == NULL)
        log_panic("shop reader: unexpected answer %s", cmd);
    free(cmd);
    self->busy = false;
    self->done(self->arg, p);
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
    if (self->busy)
        log_panic("shop reader: a page asked for while one is being read");
    self->busy = true;
    if (zsock_send(self->actor, "sp", "READ", imp) != 0)
        log_panic("shop reader: cannot hand it a page");
}

/* reader_busy - a page is being read */
bool
reader_busy(const reader_t *self)
{
    return self->busy;
}
