/*
 * NAME
 *   control - the control and status socket every daemon answers
 *
 * DESCRIPTION
 *   Each daemon binds one REP socket (koppel.endpoints.*_control). The
 *   command "status" is built in and answers, as JSON: name, instance,
 *   pid, version, uptime_s, activity ("Gereed" when idle, else what the
 *   daemon does, "Bezig: profiel winkel, order 10423"), counters, and
 *   loop_max_block_ms with loop_max_block_in: the longest time one handler
 *   of the daemon's loop ran, and which. Daemons add their own commands
 *   with control_on().
 *   Replies carry a line for people (text) and JSON for machines.
 *   A command whose answer takes a while (it waits for a thread of the
 *   daemon) calls control_later() in its handler and control_answer()
 *   when it has the answer; meanwhile the socket answers other requests.
 */
#ifndef KOPPEL_CONTROL_H
#define KOPPEL_CONTROL_H

#include <stdbool.h>
#include <stdint.h>
#include <czmq.h>
#include <jansson.h>

#include "msg.h"

#ifndef KOPPEL_VERSION
#define KOPPEL_VERSION "unknown"  /* the Makefile sets it from git describe or VERSION */
#endif

typedef struct control control_t;
typedef struct control_later control_later_t;

/* a command handler: fill reply (ok, text, json) from the request */
typedef void (control_fn)(void *arg, const msg_t *req, msg_t *reply);

/* control_new - bind the control socket of a daemon */
control_t *control_new(const char *endpoint, const char *name, const char *instance);

/* control_destroy - close and null the caller's pointer */
void control_destroy(control_t **self_p);

/* control_sock - the socket, for the daemon's event loop (daemon_loop.h) */
zsock_t *control_sock(control_t *self);

/* control_on - add a command */
void control_on(control_t *self, const char *cmd, control_fn *fn, void *arg);

/* control_status_extra - a callback adding daemon-specific members to status */
void control_status_extra(control_t *self, void (*fn)(void *arg, json_t *status), void *arg);

/* control_activity - set the current activity; NULL or "" means "Gereed" */
void control_activity(control_t *self, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* control_loop_block - the longest run of one handler of the daemon's loop
 * (daemon_loop sets it): status shows loop_max_block_ms and, by the name it
 * was registered with, loop_max_block_in */
void control_loop_block(control_t *self, int64_t ms, const char *handler);

/* control_count - add to a named counter */
void control_count(control_t *self, const char *counter, int64_t delta);

/* control_handle - answer one waiting request */
void control_handle(control_t *self);

/* control_later - inside a command handler: the reply is not sent when the
 * handler returns but with control_answer(); what the handler put in its
 * reply is dropped */
control_later_t *control_later(control_t *self);

/* control_answer - send the reply of a request answered later; frees and
 * nulls *later_p (a peer that stopped waiting misses it, nothing else) */
void control_answer(control_t *self, control_later_t **later_p, const msg_t *reply);

/* control_reply_json - set a reply's json from a jansson value (stolen) */
void control_reply_json(msg_t *reply, json_t *value);

/* control_request_timeout_ms - how long a client waits for the answer to cmd:
 * normal_ms, but "dlq-replay" is answered when the fetcher read the orders
 * from the shop, which may take as long as the shop does (the fetcher
 * answers within CONTROL_REPLAY_ANSWER_MS, saying what is still being read) */
#define CONTROL_REPLAY_TIMEOUT_MS 60000
#define CONTROL_REPLAY_ANSWER_MS  50000
int control_request_timeout_ms(const char *cmd, int normal_ms);

#endif
