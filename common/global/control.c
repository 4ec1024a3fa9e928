/*
 * NAME
 *   control - the control and status socket every daemon answers
 *
 * DESCRIPTION
 *   See control.h. Requests are msg_t of type request; the reply is always
 *   sent, also for an unknown command or a bad request, so that a REQ peer
 *   never hangs. The socket is a ROUTER, which REQ peers talk to as to a
 *   REP: each request comes as [peer][empty][request], and the reply goes
 *   back to that peer whenever it is ready, so a command may answer later
 *   (control_later) while the socket answers the next request, and the
 *   status, at once.
 */
#include <stdarg.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "control.h"
#include "log.h"
#include "net.h"
#include "xalloc.h"

#define MAX_COMMANDS 32

struct control_later {
    zframe_t *peer;             /* the routing id of the peer that asked */
};

struct control {
    zsock_t *sock;
    zframe_t *asking;           /* during a command: the peer it answers */
    char    *name;
    char    *instance;
    time_t   started;
    char     activity[512];
    json_t  *counters;
    struct { char *cmd; control_fn *fn; void *arg; } commands[MAX_COMMANDS];
    int      ncommands;
    void   (*extra)(void *, json_t *);
    void    *extra_arg;
    int64_t  loop_max_block_ms;   /* the longest handler run of the daemon's loop */
    char     loop_max_block_in[64];
};

/* control_new - bind the control socket */
control_t *
control_new(const char *endpoint, const char *name, const char *instance)
{
    control_t *self = xcalloc(1, sizeof *self);

    self->sock = net_socket(ZMQ_ROUTER, endpoint, true, "control socket");
    self->name = xstrdup(name);
    self->instance = xstrdup(instance ? instance : "");
    self->started = time(NULL);
    self->counters = json_object();
    snprintf(self->activity, sizeof self->activity, "Gereed");
    return self;
}

/* control_destroy - close and null the caller's pointer */
void
control_destroy(control_t **self_p)
{
    control_t *self;
    int     i;

    if (self_p == NULL || *self_p == NULL)
        return;
    self = *self_p;
    zsock_destroy(&self->sock);
    for (i = 0; i < self->ncommands; i++)
        free(self->commands[i].cmd);
    json_decref(self->counters);
    free(self->name);
    free(self->instance);
    free(self);
    *self_p = NULL;
}

zsock_t *
control_sock(control_t *self)
{
    return self->sock;
}

/* control_on - add a command */
void
control_on(control_t *self, const char *cmd, control_fn *fn, void *arg)
{
    if (self->ncommands == MAX_COMMANDS)
        log_panic("control: more than %d commands", MAX_COMMANDS);
    self->commands[self->ncommands].cmd = xstrdup(cmd);
    self->commands[self->ncommands].fn = fn;
    self->commands[self->ncommands].arg = arg;
    self->ncommands++;
}

void
control_status_extra(control_t *self, void (*fn)(void *, json_t *), void *arg)
{
    self->extra = fn;
    self->extra_arg = arg;
}

/* control_activity - set the current activity */
void
control_activity(control_t *self, const char *fmt, ...)
{
    va_list ap;

    if (fmt == NULL || *fmt == 0) {
        snprintf(self->activity, sizeof self->activity, "Gereed");
        return;
    }
    va_start(ap, fmt);
    vsnprintf(self->activity, sizeof self->activity, fmt, ap);
    va_end(ap);
}

/* control_loop_block - the longest run of one handler of the daemon's loop */
void
control_loop_block(control_t *self, int64_t ms, const char *handler)
{
    self->loop_max_block_ms = ms;
    snprintf(self->loop_max_block_in, sizeof self->loop_max_block_in, "%s", handler);
}

/* control_count - add to a named counter */
void
control_count(control_t *self, const char *counter, int64_t delta)
{
    json_t *v = json_object_get(self->counters, counter);

    json_object_set_new(self->counters, counter,
                        json_integer((v ? json_integer_value(v) : 0) + delta));
}

/* control_reply_json - set a reply's json from a jansson value */
void
control_reply_json(msg_t *reply, json_t *value)
{
    char   *text = json_dumps(value, JSON_COMPACT | JSON_ENSURE_ASCII);

    msg_set(&reply->json, text ? text : "null");
    free(text);
    json_decref(value);
}

/* status - the built-in status command */
static void
status(control_t *self, msg_t *reply)
{
    json_t *st = json_pack("{s:s, s:s, s:i, s:s, s:I, s:s, s:O}",
                           "name", self->name, "instance", self->instance,
                           "pid", (int) getpid(), "version", KOPPEL_VERSION,
                           "uptime_s", (json_int_t) (time(NULL) - self->started),
                           "activity", self->activity, "counters", self->counters);

    json_object_set_new(st, "loop_max_block_ms", json_integer(self->loop_max_block_ms));
    json_object_set_new(st, "loop_max_block_in", json_string(self->loop_max_block_in));
    if (self->extra)
        self->extra(self->extra_arg, st);
    reply->ok = true;
    msg_set(&reply->text, self->activity);
    control_reply_json(reply, st);
}

/* recv_peer - the routing envelope of a request: the peer's id and the
 * empty delimiter a REQ socket sends; NULL (the message drained) for a peer
 * that is no REQ socket */
static zframe_t *
recv_peer(control_t *self)
{
    zframe_t *peer = zframe_recv(self->sock), *frame = NULL;
    bool    more = peer && zframe_more(peer), ok;

    if (more && (frame = zframe_recv(self->sock)) != NULL)
        more = zframe_more(frame);
    ok = frame && zframe_size(frame) == 0 && more;
    zframe_destroy(&frame);
    if (ok)
        return peer;
    zframe_destroy(&peer);
    log_peer_warning("control socket", "control socket: dropped a message that is not a "
                     "request of a REQ socket");
    while (more && (frame = zframe_recv(self->sock)) != NULL) {
        more = zframe_more(frame);
        zframe_destroy(&frame);
    }
    return NULL;
}

/* send_reply - send reply to peer, without blocking (a peer gone is skipped) */
static void
send_reply(control_t *self, zframe_t *peer, const msg_t *reply)
{
    void   *sock = zsock_resolve(self->sock);

    if (zmq_send(sock, zframe_data(peer), zframe_size(peer), ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0
        || zmq_send(sock, "", 0, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0 || !net_send(self->sock, reply))
        log_warning("control socket: cannot send a reply: %s", zmq_strerror(zmq_errno()));
}

/* control_handle - answer one waiting request */
void
control_handle(control_t *self)
{
    msg_t  *req, *reply;
    int     i;

    if ((self->asking = recv_peer(self)) == NULL)
        return;
    req = net_recv(self->sock, "control socket");
    reply = msg_new(MSG_REPLY);
    if (req == NULL)
        msg_set(&reply->text, "bad request: see the daemon's log");
    else if (req->type != MSG_REQUEST)
        msg_set(&reply->text, "expected a request message");
    else if (strcmp(req->cmd, "status") == 0)
        status(self, reply);
    else {
        for (i = 0; i < self->ncommands; i++)
            if (strcmp(self->commands[i].cmd, req->cmd) == 0)
                break;
        if (i < self->ncommands)
            self->commands[i].fn(self->commands[i].arg, req, reply);
        else
            msg_set(&reply->text, "unknown command");
    }
    if (self->asking)                     /* not taken by control_later */
        send_reply(self, self->asking, reply);
    zframe_destroy(&self->asking);
    msg_destroy(&req);
    msg_destroy(&reply);
}

/* control_later - the command being handled answers later */
control_later_t *
control_later(control_t *self)
{
    control_later_t *later;

    if (self->asking == NULL)
        log_panic("control_later outside a command, or twice in one");
    later = xcalloc(1, sizeof *later);
    later->peer = self->asking;
    self->asking = NULL;
    return later;
}

/* control_answer - send the answer of a request answered later */
void
control_answer(control_t *self, control_later_t **later_p, const msg_t *reply)
{
    if (later_p == NULL || *later_p == NULL)
        return;
    send_reply(self, (*later_p)->peer, reply);
    zframe_destroy(&(*later_p)->peer);
    free(*later_p);
    *later_p = NULL;
}

/* control_request_timeout_ms - the wait for an answer to cmd */
int
control_request_timeout_ms(const char *cmd, int normal_ms)
{
    return strcmp(cmd, "dlq-replay") == 0 ? CONTROL_REPLAY_TIMEOUT_MS : normal_ms;
}
