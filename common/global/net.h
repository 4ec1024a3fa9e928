/*
 * NAME
 *   net - ZeroMQ sockets between koppel's daemons
 *
 * DESCRIPTION
 *   Every socket gets an explicit high-water mark, linger, send timeout,
 *   reconnect interval and (on tcp) heartbeats, in one place. Sends never
 *   block: a full queue is reported and the sender keeps the message for
 *   its own resend. Receives decode strictly; a bad frame is logged as a
 *   warning naming the socket and dropped.
 *   ipc endpoints are created with mode 0660 in the state directory.
 */
#ifndef KOPPEL_NET_H
#define KOPPEL_NET_H

#include <stdbool.h>
#include <czmq.h>

#include "msg.h"

/* net_socket - a configured socket of a ZeroMQ type, bound (bind) or connected */
zsock_t *net_socket(int type, const char *endpoint, bool bind, const char *what);

/* net_router - a bound ROUTER (ROUTER_MANDATORY, ROUTER_HANDOVER): each peer
 * is addressed by its name */
zsock_t *net_router(const char *endpoint, const char *what);

/* net_dealer - a DEALER connected to a ROUTER, known there as name (its
 * routing id); it sends nothing while not connected (ZMQ_IMMEDIATE) */
zsock_t *net_dealer(const char *endpoint, const char *name, const char *what);

/* net_send - encode and send without blocking; false when it was not queued */
bool net_send(zsock_t *sock, const msg_t *m);

/* net_send_to - net_send on a ROUTER to the peer named to: NET_SENT,
 * NET_FULL (its queue is full) or NET_GONE (no peer of that name is
 * connected) */
typedef enum { NET_SENT, NET_FULL, NET_GONE } net_sent_t;
net_sent_t net_send_to(zsock_t *sock, const char *to, const msg_t *m);

/* net_recv - receive and decode one frame; NULL (logged) when it is bad */
msg_t *net_recv(zsock_t *sock, const char *what);

/* net_recv_sized - net_recv, adding the bytes received to *bytes (for a
 * batch bounded by LIMIT_BATCH_BYTES) */
msg_t *net_recv_sized(zsock_t *sock, const char *what, size_t *bytes);

/* net_recv_from - net_recv on a ROUTER: the sending peer's name into from
 * (a NUL-terminated string of less than fromlen bytes); a message of a
 * peer without such a name is dropped with a warning */
msg_t *net_recv_from(zsock_t *sock, const char *what, char *from, size_t fromlen);

/* net_request - one request/reply round trip on a new REQ socket; NULL on
 * timeout (err says so) */
msg_t *net_request(const char *endpoint, const msg_t *req, int timeout_ms,
                   char *err, size_t errlen);

#endif
