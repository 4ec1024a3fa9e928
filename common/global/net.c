/*
 * NAME
 *   net - ZeroMQ sockets between koppel's daemons
 *
 * DESCRIPTION
 *   See net.h. Socket options, for every socket:
 *     SNDHWM         10000 messages of the daemon's own: a burst of orders fits
 *     RCVHWM         LIMIT_PEER_QUEUE_MESSAGES (4) per connected peer: what a
 *                    peer sends waits in its own queue, at most 4 messages of
 *                    LIMIT_MESSAGE_BYTES, not 10000 (which let one peer take
 *                    the booker to 2.3 GB)
 *     RCVBUF         1 MiB of kernel buffer per tcp connection
 *     LINGER         0 on request sockets, 2000 ms otherwise: a stopping daemon
 *                    gets its last outcomes out, but never hangs
 *     SNDTIMEO       0: sends never block (the caller resends later)
 *     RECONNECT_IVL  100 ms, backing off to 5 s
 *     HEARTBEAT      1 s interval, 5 s timeout (tcp peers that vanish are noticed)
 *     HANDSHAKE_IVL  5 s: a connection that stops half-way through its greeting
 *                    is closed (libzmq serves the others meanwhile)
 *     MAXMSGSIZE     16 MiB: a peer cannot make the receiver allocate more
 *   and netsec's: peer credentials on ipc, CURVE on tcp (netsec.h).
 *
 * DIAGNOSTICS
 *   A socket that cannot be bound or connected is fatal: the environment is
 *   wrong (endpoint in use, directory missing). A message that cannot be
 *   decoded is a warning, at most one per socket per 10 s with a count of
 *   those left out (log_peer_warning).
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"
#include "net.h"
#include "netsec.h"
#include "size_limits.h"
#include "xalloc.h"

#define HWM 10000

#define OR_EMPTY(s) ((s) ? (s) : "")

/* describe - a message's type and what it is about, for the debug log: the
 * profile, order or job and command, never a field that could hold a secret */
static const char *
describe(const msg_t *m, char *buf, size_t len)
{
    const char *type = msg_type_name(m->type);

    switch (m->type) {
    case MSG_JOB:
        snprintf(buf, len, "%s %lld: profile %s, %s", type, (long long) m->job_id,
                 OR_EMPTY(m->profile), OR_EMPTY(m->reason));
        break;
    case MSG_JOB_DONE:
        snprintf(buf, len, "%s %lld: profile %s, %s", type, (long long) m->job_id,
                 OR_EMPTY(m->profile), m->ok ? "ok" : "failed");
        break;
    case MSG_ORDER:
    case MSG_MATCHED:
        snprintf(buf, len, "%s: profile %s, order %lld, attempt %lld", type,
                 OR_EMPTY(m->profile), m->order ? (long long) m->order->number : 0LL,
                 (long long) m->attempt);
        break;
    case MSG_OUTCOME:
        snprintf(buf, len, "%s: profile %s, order %lld, %s", type,
                 OR_EMPTY(m->profile), (long long) m->number, OR_EMPTY(m->result));
        break;
    case MSG_REQUEST:
        snprintf(buf, len, "%s: %s", type, OR_EMPTY(m->cmd));
        break;
    case MSG_REPLY:
        snprintf(buf, len, "%s: %s", type, m->ok ? "ok" : "not ok");
        break;
    default:
        snprintf(buf, len, "%s", type);
        break;
    }
    return buf;
}

/* configured - a new socket of a type with every option of the list above */
static zsock_t *
configured(int type, const char *endpoint, bool bind, const char *what)
{
    zsock_t *sock = zsock_new(type);

    if (sock == NULL)
        log_fatal("%s: cannot create a ZeroMQ socket", what);
    zsock_set_sndhwm(sock, HWM);
    zsock_set_rcvhwm(sock, LIMIT_PEER_QUEUE_MESSAGES);
    zsock_set_rcvbuf(sock, 1024 * 1024);
    zsock_set_linger(sock, type == ZMQ_REQ ? 0 : 2000);
    zsock_set_sndtimeo(sock, 0);
    zsock_set_reconnect_ivl(sock, 100);
    zsock_set_reconnect_ivl_max(sock, 5000);
    zsock_set_heartbeat_ivl(sock, 1000);
    zsock_set_heartbeat_timeout(sock, 5000);
    zsock_set_handshake_ivl(sock, 5000);
    zsock_set_maxmsgsize(sock, LIMIT_MESSAGE_BYTES);
    netsec_apply(sock, endpoint, bind);
    return sock;
}

/* attach - bind or connect a configured socket; fatal when it cannot */
static zsock_t *
attach(zsock_t *sock, const char *endpoint, bool bind, const char *what)
{
    if (bind) {
        if (zsock_bind(sock, "%s", endpoint) < 0) {
            int     e = zmq_errno();

            zsock_destroy(&sock);       /* nothing left behind for a sanitizer run */
            log_fatal("%s: cannot bind %s: %s", what, endpoint, zmq_strerror(e));
        }
        if (strncmp(endpoint, "ipc://", 6) == 0 && chmod(endpoint + 6, 0660) != 0)
            log_warning("%s: cannot set mode 0660 on %s", what, endpoint + 6);
    } else if (zsock_connect(sock, "%s", endpoint) < 0) {
        int     e = zmq_errno();

        zsock_destroy(&sock);
        log_fatal("%s: cannot connect to %s: %s", what, endpoint, zmq_strerror(e));
    }
    return sock;
}

/* net_socket - a configured socket, bound or connected */
zsock_t *
net_socket(int type, const char *endpoint, bool bind, const char *what)
{
    return attach(configured(type, endpoint, bind, what), endpoint, bind, what);
}

/* net_router - a bound ROUTER: a send to a peer that is not connected fails
 * (EHOSTUNREACH) instead of vanishing, and a peer that comes back under its
 * name takes its connection over from the one that died */
zsock_t *
net_router(const char *endpoint, const char *what)
{
    zsock_t *sock = configured(ZMQ_ROUTER, endpoint, true, what);

    zsock_set_router_mandatory(sock, 1);
    zsock_set_router_handover(sock, 1);
    return attach(sock, endpoint, true, what);
}

/* net_dealer - a connected DEALER known to its ROUTER as name; it queues
 * nothing while not connected, so no stale heartbeats pile up */
zsock_t *
net_dealer(const char *endpoint, const char *name, const char *what)
{
    zsock_t *sock = configured(ZMQ_DEALER, endpoint, false, what);

    zsock_set_identity(sock, name);
    zsock_set_immediate(sock, 1);
    return attach(sock, endpoint, false, what);
}

/* send_frames - encode and send without blocking, after a routing frame
 * when to is not NULL; zmq_send's result */
static int
send_frames(zsock_t *sock, const char *to, const msg_t *m)
{
    size_t  len;
    void   *buf = msg_encode(m, &len);
    void   *s = zsock_resolve(sock);
    int     rc = 0;
    char    what[256];

    if (to)
        rc = zmq_send(s, to, strlen(to), ZMQ_DONTWAIT | ZMQ_SNDMORE);
    if (rc >= 0)
        rc = zmq_send(s, buf, len, ZMQ_DONTWAIT);
    free(buf);
    if (rc >= 0)
        log_debug("sent %s%s%s", describe(m, what, sizeof what), to ? " to " : "",
                  to ? to : "");
    else
        log_debug("not sent (%s): %s", zmq_strerror(zmq_errno()),
                  describe(m, what, sizeof what));
    return rc;
}

/* net_send - encode and send without blocking */
bool
net_send(zsock_t *sock, const msg_t *m)
{
    return send_frames(sock, NULL, m) >= 0;
}

/* net_send_to - net_send on a ROUTER, to the peer named to */
net_sent_t
net_send_to(zsock_t *sock, const char *to, const msg_t *m)
{
    if (send_frames(sock, to, m) >= 0)
        return NET_SENT;
    return zmq_errno() == EHOSTUNREACH ? NET_GONE : NET_FULL;
}

/* net_recv - receive and decode one frame */
msg_t *
net_recv(zsock_t *sock, const char *what)
{
    return net_recv_sized(sock, what, NULL);
}

/* net_recv_sized - net_recv, adding the frames' bytes to *bytes */
msg_t *
net_recv_sized(zsock_t *sock, const char *what, size_t *bytes)
{
    zmq_msg_t frame;
    msg_t  *m;
    char    err[512];
    int     more;

    zmq_msg_init(&frame);
    if (zmq_msg_recv(&frame, zsock_resolve(sock), ZMQ_DONTWAIT) < 0) {
        zmq_msg_close(&frame);
        return NULL;
    }
    more = zmq_msg_more(&frame);
    if (bytes)
        *bytes += zmq_msg_size(&frame);
    m = msg_decode(zmq_msg_data(&frame), zmq_msg_size(&frame), err, sizeof err);
    zmq_msg_close(&frame);
    while (more) {                  /* koppel sends one frame; drain the rest */
        zmq_msg_init(&frame);
        if (zmq_msg_recv(&frame, zsock_resolve(sock), ZMQ_DONTWAIT) < 0)
            more = 0;
        else
            more = zmq_msg_more(&frame);
        zmq_msg_close(&frame);
        if (m != NULL) {
            snprintf(err, sizeof err, "a message must be one frame");
            msg_destroy(&m);
        }
    }
    if (m == NULL)
        log_peer_warning(what, "%s: dropped a bad message: %s", what, err);
    else
        log_debug("%s: received %s", what, describe(m, err, sizeof err));
    return m;
}

/* net_recv_from - on a ROUTER: the peer's name into from, then net_recv */
msg_t *
net_recv_from(zsock_t *sock, const char *what, char *from, size_t fromlen)
{
    zmq_msg_t frame;
    size_t  n;
    bool    named;
    msg_t  *m;

    zmq_msg_init(&frame);
    if (zmq_msg_recv(&frame, zsock_resolve(sock), ZMQ_DONTWAIT) < 0) {
        zmq_msg_close(&frame);
        return NULL;
    }
    n = zmq_msg_size(&frame);
    named = n > 0 && n < fromlen && memchr(zmq_msg_data(&frame), 0, n) == NULL;
    if (named) {
        memcpy(from, zmq_msg_data(&frame), n);
        from[n] = '\0';
    }
    zmq_msg_close(&frame);
    m = net_recv(sock, what);
    if (m != NULL && !named) {      /* a peer without a name cannot be answered */
        log_peer_warning(what, "%s: dropped a %s message of a peer without a name (or "
                         "one over %zu bytes)", what, msg_type_name(m->type), fromlen - 1);
        msg_destroy(&m);
    }
    return m;
}

/* net_request - one request/reply round trip */
msg_t *
net_request(const char *endpoint, const msg_t *req, int timeout_ms, char *err, size_t errlen)
{
    zsock_t *sock = zsock_new(ZMQ_REQ);
    zpoller_t *poller;
    msg_t  *reply = NULL;
    size_t  len;
    void   *buf;

    if (sock == NULL) {
        snprintf(err, errlen, "cannot create a socket");
        return NULL;
    }
    zsock_set_linger(sock, 0);
    zsock_set_sndtimeo(sock, timeout_ms);
    netsec_apply(sock, endpoint, false);
    if (zsock_connect(sock, "%s", endpoint) < 0) {
        snprintf(err, errlen, "cannot connect to %s", endpoint);
        zsock_destroy(&sock);
        return NULL;
    }
    buf = msg_encode(req, &len);
    if (zmq_send(zsock_resolve(sock), buf, len, 0) < 0) {
        free(buf);
        snprintf(err, errlen, "no answer from %s", endpoint);
        zsock_destroy(&sock);
        return NULL;
    }
    free(buf);
    poller = zpoller_new(sock, NULL);
    if (zpoller_wait(poller, timeout_ms) == sock) {
        zmq_msg_t frame;

        zmq_msg_init(&frame);
        if (zmq_msg_recv(&frame, zsock_resolve(sock), 0) >= 0)
            reply = msg_decode(zmq_msg_data(&frame), zmq_msg_size(&frame), err, errlen);
        zmq_msg_close(&frame);
        if (reply != NULL && reply->type != MSG_REPLY) {
            snprintf(err, errlen, "%s answered with a %s message", endpoint,
                     msg_type_name(reply->type));
            msg_destroy(&reply);
        }
    } else
        snprintf(err, errlen, "no answer from %s within %d ms", endpoint, timeout_ms);
    zpoller_destroy(&poller);
    zsock_destroy(&sock);
    return reply;
}
