/*
 * NAME
 *   msg - the messages koppel's daemons exchange
 *
 * DESCRIPTION
 *   Every message is one ZeroMQ frame holding one msgpack map with a
 *   version "v" and a "type". The types, their senders and fields:
 *
 *   job        scheduler -> fetcher   job_id profile task reason
 *   job_done   fetcher -> scheduler   job_id profile task ok text
 *   order      fetcher -> matcher     profile attempt order [token sig]
 *   matched    matcher -> booker      profile attempt order match [token sig]
 *   outcome    booker -> fetcher      profile number result stage reason
 *                                     [factuurnummer relatiecode credit token sig]
 *
 *   token and sig tie a message to the attempt the fetcher stored (see
 *   order_seal.h): the matcher copies them from order to matched, the
 *   booker the token from matched to outcome, with a seal of its own.
 *   hello      fetcher -> scheduler   text (the daemon's name): it (re)started, so
 *                                     no job of its earlier life runs any more
 *   ready      matcher -> fetcher     text (the matcher's name): it is alive; sent at
 *                                     start and every quarter heartbeat interval
 *   assign     fetcher -> matcher     matchers (the names of the live matchers): each
 *                                     profile is served by one of them (rendezvous.h)
 *   request    koppelctl -> daemon    cmd [args]
 *   reply      daemon -> koppelctl    ok text [json]
 *
 *   A field in [brackets] may be left out; every other one is required. *
 *   Decoding is strict: the whole frame must be one map, every field the
 *   type requires must be present with its type, strings and arrays have
 *   length limits. Unknown keys are ignored so that a newer peer can add
 *   fields. A message that fails is reported with what is wrong and
 *   dropped by the receiver; the sender's resend keeps nothing lost.
 */
#ifndef KOPPEL_MSG_H
#define KOPPEL_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "match.h"
#include "order.h"

#define MSG_VERSION 1

typedef enum {
    MSG_JOB = 0,
    MSG_JOB_DONE,
    MSG_ORDER,
    MSG_MATCHED,
    MSG_OUTCOME,
    MSG_REQUEST,
    MSG_REPLY,
    MSG_HELLO,
    MSG_READY,
    MSG_ASSIGN,
    MSG_NTYPES
} msg_type_t;

typedef struct {
    msg_type_t type;
    int64_t  job_id;        /* job, job_done */
    char    *profile;       /* job, job_done, order, matched, outcome */
    char    *task;          /* job, job_done: "importeren-financieel" */
    char    *reason;        /* job: "schedule" or "manual";
                               outcome: plain words for the bookkeeper */
    int64_t  number;        /* outcome: the order */
    int64_t  credit;        /* outcome: the credit note's seq (order.h), 0: the order */
    bool     ok;            /* job_done, reply */
    char    *text;          /* job_done: summary; reply: human text; hello: daemon;
                               ready: the matcher's name */
    int64_t  attempt;       /* order, matched: 1 on first sending */
    order_t *order;         /* order, matched */
    match_t *match;         /* matched */
    char    *result;        /* outcome: "booked" or "dead" */
    char    *stage;         /* outcome: "fetch", "match", "relatie", "booking" */
    char    *factuurnummer; /* outcome */
    int64_t  relatiecode;   /* outcome */
    char    *cmd;           /* request */
    char   **args;          /* request; assign: the live matchers */
    size_t   nargs;
    char    *json;          /* reply: JSON text for machines */
    char    *token;         /* order, matched, outcome: the attempt's token */
    char    *sig;           /* order, matched: the fetcher's seal; outcome: the
                               booker's (order_seal.h) */
} msg_t;

/* msg_new - an empty message of a type; strings "" */
msg_t *msg_new(msg_type_t type);

/* msg_destroy - free (with its order and match) and null the pointer */
void msg_destroy(msg_t **self_p);

/* msg_set - replace one string field (e.g. &m->profile) with a copy */
void msg_set(char **field, const char *value);

/* msg_add_arg - append one request argument */
void msg_add_arg(msg_t *self, const char *arg);

/* msg_type_name - "job", "order", ... */
const char *msg_type_name(msg_type_t type);

/* msg_encode - the msgpack bytes of a message; caller frees */
void *msg_encode(const msg_t *self, size_t *len);

/* msg_decode - strict decoding of one frame; NULL with err */
msg_t *msg_decode(const void *data, size_t len, char *err, size_t errlen);

#endif
