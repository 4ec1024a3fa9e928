/*
 * NAME
 *   koppel-peer - a hostile or broken peer of koppel's daemons, for the tests
 *
 * SYNOPSIS
 *   koppel-peer garbage ENDPOINT COUNT BYTES
 *   koppel-peer request ENDPOINT BYTES
 *   koppel-peer partial HOST PORT SECONDS
 *   koppel-peer big-matched ENDPOINT PROFILE COUNT
 *   koppel-peer outcome ENDPOINT PROFILE NUMBER RESULT [TOKEN]
 *   koppel-peer matched ENDPOINT PROFILE NUMBER [TOKEN SIGNATURE]
 *
 * DESCRIPTION
 *   Used by tests/e2e/harden.sh; never installed. Every command connects
 *   as a plain client (no CURVE), as a local user who is not koppel would.
 *   PUSH sockets wait up to $PEER_LINGER ms (30000) to deliver at exit.
 *
 *   garbage      PUSH COUNT frames of BYTES bytes that are no msgpack
 *   request      REQ one frame of BYTES garbage bytes; prints the reply's
 *                text and how many milliseconds it took; exit 1 without
 *                a reply within 2 s
 *   partial      a raw TCP connection that sends half a ZMTP greeting and
 *                then nothing for SECONDS
 *   big-matched  PUSH COUNT matched messages of an order with as many
 *                lines as LIMIT_ORDER_ELEMENTS allows and as large as
 *                LIMIT_MESSAGE_BYTES allows
 *   outcome      PUSH one outcome message (a forged "booked", say)
 *   matched      PUSH one matched message for an order of 12.10 euro
 *
 * DIAGNOSTICS
 *   Exit 0 when everything was sent (and answered), 1 otherwise, 2 on
 *   wrong usage.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <czmq.h>

#include "match.h"
#include "msg.h"
#include "order.h"
#include "size_limits.h"
#include "xalloc.h"

/* pusher - a PUSH socket connected to endpoint that delivers before it closes */
static zsock_t *
pusher(const char *endpoint)
{
    zsock_t *s = zsock_new(ZMQ_PUSH);

    zsock_set_linger(s, getenv("PEER_LINGER") ? atoi(getenv("PEER_LINGER")) : 30000);
    zsock_set_sndhwm(s, 1000000);
    if (zsock_connect(s, "%s", endpoint) < 0) {
        fprintf(stderr, "koppel-peer: cannot connect to %s\n", endpoint);
        exit(1);
    }
    return s;
}

/* send_msg - encode and send one message (blocking) */
static void
send_msg(zsock_t *s, const msg_t *m)
{
    size_t  len;
    void   *buf = msg_encode(m, &len);

    if (zmq_send(zsock_resolve(s), buf, len, 0) < 0) {
        fprintf(stderr, "koppel-peer: send: %s\n", zmq_strerror(zmq_errno()));
        exit(1);
    }
    free(buf);
}

/* small_order - an order of 12.10 euro with one line */
static order_t *
small_order(const char *profile, int64_t number)
{
    order_t *o = order_new();
    order_line_t *l;
    order_vat_t *v;

    order_set(&o->profile, profile);
    order_set(&o->source, "globecharge");
    o->number = number;
    o->status = ORDER_PAID;
    order_set(&o->date, "2026-11-02T14:31:07+01:00");
    o->date_epoch = 1793626267;
    memcpy(o->currency, "EUR", 4);
    o->prices_include_vat = true;
    order_set(&o->email, "vervalst@example.nl");
    order_set(&o->billing.last_name, "Vervalst");
    order_set(&o->billing.country, "NL");
    l = order_add_line(o);
    order_set(&l->sku, "A");
    order_set(&l->description, "Iets");
    l->quantity_e4 = 10000;
    l->unit_price_e4 = 121000;
    l->vat_rate_e2 = 2100;
    l->total_cents = 1210;
    v = order_add_vat(o);
    v->rate_e2 = 2100;
    v->base_cents = 1000;
    v->amount_cents = 210;
    o->total_excl_cents = 1000;
    o->total_vat_cents = 210;
    o->total_incl_cents = 1210;
    return o;
}

/* matched_msg - a matched message: a new relatie for the order */
static msg_t *
matched_msg(const char *profile, order_t *o)
{
    msg_t  *m = msg_new(MSG_MATCHED);

    msg_set(&m->profile, profile);
    m->attempt = 1;
    m->order = o;
    m->match = match_new();
    match_set(m->match, MATCH_NEW, 0, "", "email", "", "", "no relatie has this e-mail");
    return m;
}

/* cmd_garbage - PUSH frames that are no msgpack */
static int
cmd_garbage(const char *endpoint, long count, long bytes)
{
    zsock_t *s = pusher(endpoint);
    char   *buf = xmalloc((size_t) bytes);
    long    i;

    memset(buf, 0xc1, (size_t) bytes);      /* 0xc1: never used in msgpack */
    for (i = 0; i < count; i++)
        if (zmq_send(zsock_resolve(s), buf, (size_t) bytes, 0) < 0)
            return 1;
    free(buf);
    zsock_destroy(&s);
    return 0;
}

/* cmd_request - one garbage request; print the reply and its delay */
static int
cmd_request(const char *endpoint, long bytes)
{
    zsock_t *s = zsock_new(ZMQ_REQ);
    char   *buf = xmalloc((size_t) bytes), err[256];
    zpoller_t *p;
    struct timespec t0, t1;
    int     rc = 1;

    memset(buf, 0xc1, (size_t) bytes);
    zsock_set_linger(s, 0);
    if (zsock_connect(s, "%s", endpoint) < 0)
        return 1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    zmq_send(zsock_resolve(s), buf, (size_t) bytes, 0);
    p = zpoller_new(s, NULL);
    if (zpoller_wait(p, 2000) == s) {
        zmq_msg_t f;
        msg_t  *m;

        zmq_msg_init(&f);
        if (zmq_msg_recv(&f, zsock_resolve(s), 0) >= 0) {
            clock_gettime(CLOCK_MONOTONIC, &t1);
            m = msg_decode(zmq_msg_data(&f), zmq_msg_size(&f), err, sizeof err);
            printf("%s\n%ld\n", m ? m->text : err, (long) ((t1.tv_sec - t0.tv_sec) * 1000
                                                         + (t1.tv_nsec - t0.tv_nsec) / 1000000));
            msg_destroy(&m);
            rc = 0;
        }
        zmq_msg_close(&f);
    }
    zpoller_destroy(&p);
    zsock_destroy(&s);
    free(buf);
    return rc;
}

/* cmd_partial - half a ZMTP greeting on a raw connection, then silence */
static int
cmd_partial(const char *host, int port, int seconds)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t) port) };
    static const unsigned char half[] = { 0xff, 0, 0, 0, 0, 0, 0, 0, 1 };  /* 9 of 64 */
    int     fd = socket(AF_INET, SOCK_STREAM, 0);

    inet_pton(AF_INET, host, &a.sin_addr);
    if (fd < 0 || connect(fd, (struct sockaddr *) &a, sizeof a) != 0)
        return 1;
    if (write(fd, half, sizeof half) != (ssize_t) sizeof half)
        return 1;
    sleep((unsigned) seconds);      /* a test client: the daemons never sleep */
    close(fd);
    return 0;
}

/* cmd_big_matched - matched messages as large as an order can be */
static int
cmd_big_matched(const char *endpoint, const char *profile, long count)
{
    zsock_t *s = pusher(endpoint);
    order_t *o = small_order(profile, 900000);
    size_t  len = 0, desc;
    msg_t  *m;
    void   *buf;
    long    i;
    char   *text;

    /* lines up to LIMIT_ORDER_ELEMENTS, each description as long as the
     * message allows: the largest order koppel's codec accepts */
    desc = (LIMIT_MESSAGE_BYTES - 4096) / (LIMIT_ORDER_ELEMENTS - 2) - 64;
    text = xmalloc(desc + 1);
    memset(text, 'x', desc);
    text[desc] = 0;
    while (o->nlines < LIMIT_ORDER_ELEMENTS - 2) {
        order_line_t *l = order_add_line(o);

        order_set(&l->sku, "B");
        order_set(&l->description, text);
        l->quantity_e4 = 10000;
        l->vat_rate_e2 = 2100;
    }
    m = matched_msg(profile, o);
    buf = msg_encode(m, &len);
    if (len > LIMIT_MESSAGE_BYTES) {
        fprintf(stderr, "koppel-peer: %zu bytes: over LIMIT_MESSAGE_BYTES\n", len);
        return 1;
    }
    for (i = 0; i < count; i++)
        if (zmq_send(zsock_resolve(s), buf, len, 0) < 0)
            return 1;
    printf("%ld messages of %zu bytes\n", count, len);
    free(buf);
    free(text);
    msg_destroy(&m);
    zsock_destroy(&s);
    return 0;
}

/* cmd_outcome - one outcome message, with the token given */
static int
cmd_outcome(const char *endpoint, const char *profile, int64_t number, const char *result,
            const char *token)
{
    zsock_t *s = pusher(endpoint);
    msg_t  *m = msg_new(MSG_OUTCOME);

    msg_set(&m->profile, profile);
    m->number = number;
    msg_set(&m->result, result);
    msg_set(&m->stage, "booking");
    msg_set(&m->reason, "booked as verkoopboeking (forged)");
    msg_set(&m->factuurnummer, "");
    if (token)
        msg_set(&m->token, token);
    send_msg(s, m);
    msg_destroy(&m);
    zsock_destroy(&s);
    return 0;
}

/* cmd_matched - one matched message for an order of 12.10 euro */
static int
cmd_matched(const char *endpoint, const char *profile, int64_t number, const char *token,
            const char *sig)
{
    zsock_t *s = pusher(endpoint);
    msg_t  *m = matched_msg(profile, small_order(profile, number));

    if (token)
        msg_set(&m->token, token);
    if (sig)
        msg_set(&m->sig, sig);
    send_msg(s, m);
    msg_destroy(&m);
    zsock_destroy(&s);
    return 0;
}

int
main(int argc, char **argv)
{
    int     rc = 2;

    if (argc == 5 && strcmp(argv[1], "garbage") == 0)
        rc = cmd_garbage(argv[2], atol(argv[3]), atol(argv[4]));
    else if (argc == 4 && strcmp(argv[1], "request") == 0)
        rc = cmd_request(argv[2], atol(argv[3]));
    else if (argc == 5 && strcmp(argv[1], "partial") == 0)
        rc = cmd_partial(argv[2], atoi(argv[3]), atoi(argv[4]));
    else if (argc == 5 && strcmp(argv[1], "big-matched") == 0)
        rc = cmd_big_matched(argv[2], argv[3], atol(argv[4]));
    else if ((argc == 6 || argc == 7) && strcmp(argv[1], "outcome") == 0)
        rc = cmd_outcome(argv[2], argv[3], atoll(argv[4]), argv[5], argc == 7 ? argv[6] : NULL);
    else if ((argc == 5 || argc == 7) && strcmp(argv[1], "matched") == 0)
        rc = cmd_matched(argv[2], argv[3], atoll(argv[4]), argc == 7 ? argv[5] : NULL,
                         argc == 7 ? argv[6] : NULL);
    else
        fprintf(stderr, "usage: see tests/peer/main.c\n");
    zsys_shutdown();
    return rc;
}
