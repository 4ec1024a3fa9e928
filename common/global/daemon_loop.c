/*
 * NAME
 *   daemon_loop - the one event loop of every koppel daemon
 *
 * DESCRIPTION
 *   See daemon_loop.h. A thin layer over zloop: each reader, descriptor
 *   and timer is a handler record (function, argument, name) on a list
 *   the loop owns, so that a daemon registers plain functions and the loop
 *   frees what it made. A one-shot timer's record is freed when it fires,
 *   a cancelled one at once.
 *
 *   Every handler's run is timed; the longest is the daemon's
 *   loop_max_block_ms in status (control_loop_block()), the figure that
 *   says how long the control socket and the watchdog may have waited.
 *
 * DIAGNOSTICS
 *   A handler that held the loop for more than a second is a warning,
 *   naming it. zloop refusing a reader or a timer is a broken invariant of the
 *   daemon's own wiring (panic).
 */
#include <string.h>
#include <time.h>

#include "daemon.h"
#include "daemon_loop.h"
#include "log.h"
#include "xalloc.h"

typedef enum { H_READER, H_FD, H_TIMER } handler_kind_t;

typedef struct handler {
    struct handler *next;
    daemon_loop_t *loop;
    handler_kind_t kind;
    daemon_loop_fn *fn;
    void   *arg;
    char   *name;
    int     timer_id;         /* H_TIMER */
    bool    once;             /* H_TIMER: fires once */
    int     fd;               /* H_FD */
    void   *sock;             /* H_READER */
} handler_t;

struct daemon_loop {
    zloop_t *zloop;
    control_t *control;
    infolog_t *infolog;
    handler_t *handlers;
    bool     stop;
    int64_t  max_block_ms;        /* the longest run of one handler */
};

/* handler_free - free one record */
static void
handler_free(handler_t *h)
{
    free(h->name);
    free(h);
}

/* handler_add - a new record on the loop's list */
static handler_t *
handler_add(daemon_loop_t *self, handler_kind_t kind, const char *name, daemon_loop_fn *fn,
            void *arg)
{
    handler_t *h = xcalloc(1, sizeof *h);

    h->loop = self;
    h->kind = kind;
    h->fn = fn;
    h->arg = arg;
    h->name = xstrdup(name);
    h->fd = -1;
    h->next = self->handlers;
    self->handlers = h;
    return h;
}

/* handler_unlink - take a record off the list; false when it is not on it */
static bool
handler_unlink(daemon_loop_t *self, handler_t *h)
{
    handler_t **pp;

    for (pp = &self->handlers; *pp; pp = &(*pp)->next)
        if (*pp == h) {
            *pp = h->next;
            return true;
        }
    return false;
}

/* mono_ms - monotonic milliseconds */
static int64_t
mono_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t) t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* run - call a handler and measure how long it held the loop: the longest
 * run goes to status (loop_max_block_ms) and, above a second, to the log */
static void
run(daemon_loop_t *self, handler_t *h)
{
    char    name[64];
    int64_t t0 = mono_ms(), dt;

    snprintf(name, sizeof name, "%s", h->name);     /* fn may free h */
    h->fn(self, h->arg);
    dt = mono_ms() - t0;
    if (dt > 1000)
        log_warning("event loop: %s held the loop for %lld ms", name, (long long) dt);
    if (dt > self->max_block_ms) {
        self->max_block_ms = dt;
        control_loop_block(self->control, dt, name);
    }
}

/* on_reader - zloop reader callback */
static int
on_reader(zloop_t *zloop, zsock_t *sock, void *arg)
{
    handler_t *h = arg;
    daemon_loop_t *self = h->loop;

    run(self, h);
    return self->stop ? -1 : 0;
}

/* on_fd - zloop poller callback */
static int
on_fd(zloop_t *zloop, zmq_pollitem_t *item, void *arg)
{
    handler_t *h = arg;
    daemon_loop_t *self = h->loop;    /* fn may end the descriptor: h is then gone */

    log_debug("%s: descriptor %d is ready", h->name, h->fd);
    run(self, h);
    return self->stop ? -1 : 0;
}

/* on_timer - zloop timer callback. The record is found by the timer's id, not
 * passed as zloop's argument: zloop may still fire a timer cancelled earlier in
 * the same turn, and then finds nothing. A one-shot record is freed after it ran. */
static int
on_timer(zloop_t *zloop, int timer_id, void *arg)
{
    daemon_loop_t *self = arg;
    handler_t *h;

    for (h = self->handlers; h; h = h->next)
        if (h->kind == H_TIMER && h->timer_id == timer_id)
            break;
    if (h == NULL)
        return self->stop ? -1 : 0;
    log_debug("timer %s", h->name);
    if (h->once)
        handler_unlink(self, h);        /* a cancel from inside fn finds nothing */
    run(self, h);
    if (h->once)
        handler_free(h);
    return self->stop ? -1 : 0;
}

/* on_control - answer one request on the control socket */
static void
on_control(daemon_loop_t *self, void *arg)
{
    control_handle(self->control);
}

/* on_watchdog - tell systemd the daemon is alive; purge the information log */
static void
on_watchdog(daemon_loop_t *self, void *arg)
{
    daemon_watchdog();
    infolog_tick(self->infolog);
}

/* daemon_loop_new - a loop answering the control socket */
daemon_loop_t *
daemon_loop_new(control_t *control, infolog_t *infolog)
{
    daemon_loop_t *self = xcalloc(1, sizeof *self);

    if ((self->zloop = zloop_new()) == NULL)
        log_fatal("cannot create the event loop: %s", zmq_strerror(zmq_errno()));
    self->control = control;
    self->infolog = infolog;
    daemon_loop_reader(self, control_sock(control), "control socket", on_control, NULL);
    /* as often as systemd's WatchdogSec asks (at most every 5 s) */
    daemon_loop_every(self, 1000 * daemon_watchdog_interval(), "watchdog", on_watchdog, NULL);
    return self;
}

/* daemon_loop_destroy - end every reader and timer, null the caller's pointer */
void
daemon_loop_destroy(daemon_loop_t **self_p)
{
    daemon_loop_t *self;
    handler_t *h, *next;

    if (self_p == NULL || *self_p == NULL)
        return;
    self = *self_p;
    zloop_destroy(&self->zloop);
    for (h = self->handlers; h; h = next) {
        next = h->next;
        handler_free(h);
    }
    free(self);
    *self_p = NULL;
}

/* daemon_loop_reader - call fn when sock can be read */
void
daemon_loop_reader(daemon_loop_t *self, void *sock, const char *name, daemon_loop_fn *fn,
                   void *arg)
{
    handler_t *h = handler_add(self, H_READER, name, fn, arg);

    h->sock = sock;
    if (zloop_reader(self->zloop, (zsock_t *) sock, on_reader, h) != 0)
        log_panic("event loop: cannot watch the %s", name);
    zloop_reader_set_tolerant(self->zloop, (zsock_t *) sock);
}

/* daemon_loop_fd - call fn when fd is ready */
void
daemon_loop_fd(daemon_loop_t *self, int fd, short events, const char *name,
               daemon_loop_fn *fn, void *arg)
{
    handler_t *h = handler_add(self, H_FD, name, fn, arg);
    zmq_pollitem_t item = { NULL, fd, events, 0 };

    h->fd = fd;
    if (zloop_poller(self->zloop, &item, on_fd, h) != 0)
        log_panic("event loop: cannot watch descriptor %d (%s)", fd, name);
    zloop_poller_set_tolerant(self->zloop, &item);
}

/* daemon_loop_fd_end - stop watching fd */
void
daemon_loop_fd_end(daemon_loop_t *self, int fd)
{
    zmq_pollitem_t item = { NULL, fd, 0, 0 };
    handler_t *h;

    zloop_poller_end(self->zloop, &item);
    for (h = self->handlers; h; h = h->next)
        if (h->kind == H_FD && h->fd == fd) {
            handler_unlink(self, h);
            handler_free(h);
            return;
        }
}

/* add_timer - a timer firing times times (0: for ever) */
static int
add_timer(daemon_loop_t *self, size_t ms, size_t times, const char *name, daemon_loop_fn *fn,
          void *arg)
{
    handler_t *h = handler_add(self, H_TIMER, name, fn, arg);

    h->once = times == 1;
    if ((h->timer_id = zloop_timer(self->zloop, ms, times, on_timer, self)) < 0)
        log_panic("event loop: cannot add timer %s", name);
    return h->timer_id;
}

/* daemon_loop_every - a periodic timer */
int
daemon_loop_every(daemon_loop_t *self, size_t ms, const char *name, daemon_loop_fn *fn,
                  void *arg)
{
    return add_timer(self, ms, 0, name, fn, arg);
}

/* daemon_loop_once - a one-shot timer */
int
daemon_loop_once(daemon_loop_t *self, size_t ms, const char *name, daemon_loop_fn *fn,
                 void *arg)
{
    return add_timer(self, ms, 1, name, fn, arg);
}

/* daemon_loop_cancel - end a timer before it fires (again) */
void
daemon_loop_cancel(daemon_loop_t *self, int timer_id)
{
    handler_t *h;

    for (h = self->handlers; h; h = h->next)
        if (h->kind == H_TIMER && h->timer_id == timer_id) {
            zloop_timer_end(self->zloop, timer_id);
            handler_unlink(self, h);
            handler_free(h);
            return;
        }
}

/* daemon_loop_run - run until a signal or daemon_loop_stop() */
void
daemon_loop_run(daemon_loop_t *self, const char *status)
{
    daemon_ready(status);
    self->stop = false;
    zloop_start(self->zloop);
    daemon_stopping();
}

/* daemon_loop_stop - end the run after the current handler */
void
daemon_loop_stop(daemon_loop_t *self)
{
    self->stop = true;
}
