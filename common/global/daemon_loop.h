/*
 * NAME
 *   daemon_loop - the one event loop of every koppel daemon
 *
 * DESCRIPTION
 *   A daemon is a single thread with one loop (CZMQ's zloop). The loop
 *   answers the daemon's control socket, calls a handler when one of the
 *   daemon's sockets (or a socket monitor) has a message or a file
 *   descriptor is ready, and runs timers: periodic ones (a tick every
 *   second) and one-shot ones (the next page of an import, a wait for a
 *   rate limit or a backoff). A wait is a timer, never a sleep, so the
 *   control socket and the watchdog are answered while work waits its turn.
 *
 *   Built in: the watchdog ping to systemd every 5 seconds
 *   (daemon_watchdog()), the hourly purge of the information log when one
 *   is given (infolog_tick()), daemon_ready() when the loop starts,
 *   daemon_stopping() when it ends, and the end on SIGTERM or SIGINT.
 *
 *   Every handler run is timed: the longest is loop_max_block_ms in the
 *   daemon's status (control_loop_block()).
 *
 *   Every timer and descriptor handler fired is written to the log at
 *   level debug, by the name it was registered with (a message received
 *   is written by net_recv()).
 */
#ifndef KOPPEL_DAEMON_LOOP_H
#define KOPPEL_DAEMON_LOOP_H

#include <stdbool.h>
#include <czmq.h>

#include "control.h"
#include "infolog.h"

typedef struct daemon_loop daemon_loop_t;

/* a handler of a reader, a file descriptor or a timer */
typedef void (daemon_loop_fn)(daemon_loop_t *loop, void *arg);

/* daemon_loop_new - a loop answering control (not owned); infolog may be NULL */
daemon_loop_t *daemon_loop_new(control_t *control, infolog_t *infolog);

/* daemon_loop_destroy - end every reader and timer, null the caller's pointer */
void daemon_loop_destroy(daemon_loop_t **self_p);

/* daemon_loop_reader - call fn when sock (a zsock_t or zactor_t) can be read */
void daemon_loop_reader(daemon_loop_t *self, void *sock, const char *name,
                        daemon_loop_fn *fn, void *arg);

/* daemon_loop_fd - call fn when fd is ready for events (ZMQ_POLLIN, ZMQ_POLLOUT) */
void daemon_loop_fd(daemon_loop_t *self, int fd, short events, const char *name,
                    daemon_loop_fn *fn, void *arg);

/* daemon_loop_fd_end - stop watching fd */
void daemon_loop_fd_end(daemon_loop_t *self, int fd);

/* daemon_loop_every - call fn every ms milliseconds; returns the timer's id */
int daemon_loop_every(daemon_loop_t *self, size_t ms, const char *name,
                      daemon_loop_fn *fn, void *arg);

/* daemon_loop_once - call fn once, after ms milliseconds (0: at the next turn
 * of the loop, after what is waiting on the sockets); returns the timer's id */
int daemon_loop_once(daemon_loop_t *self, size_t ms, const char *name,
                     daemon_loop_fn *fn, void *arg);

/* daemon_loop_cancel - end a timer before it fires (again); an id of a
 * one-shot timer that fired already is ignored */
void daemon_loop_cancel(daemon_loop_t *self, int timer_id);

/* daemon_loop_run - tell systemd "ready" with status, run until SIGTERM,
 * SIGINT or daemon_loop_stop(), then tell systemd "stopping" */
void daemon_loop_run(daemon_loop_t *self, const char *status);

/* daemon_loop_stop - end daemon_loop_run() after the current handler */
void daemon_loop_stop(daemon_loop_t *self);

#endif
