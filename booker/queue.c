/*
 * NAME
 *   queue - the booker's waiting orders, one queue per profile, taken in turn
 *
 * DESCRIPTION
 *   See queue.h. Each profile has a zlistx of messages and a hash of the
 *   order numbers it knows; the turn is a cursor over the profiles, moved
 *   past the profile that was given a batch.
 */
#include <stdio.h>
#include <czmq.h>

#include "queue.h"
#include "xalloc.h"

typedef struct {
    zlistx_t *waiting;            /* msg_t *, oldest first */
    zhashx_t *known;              /* order number -> attempt_t: waiting or being booked */
    bool    busy;
    int64_t parked_until;         /* epoch ms, 0: not parked */
    char    reason[64];
} pq_t;

struct queue {
    pq_t   *p;
    size_t  n;
    size_t  turn;                 /* the profile whose turn is next */
};

typedef struct {                  /* the latest sending of a known order */
    int64_t attempt;
    char    token[64];            /* the fetcher's token of that attempt ("" none) */
} attempt_t;

/* destroy_attempt - zhashx destructor of an attempt_t */
static void
destroy_attempt(void **item)
{
    free(*item);
    *item = NULL;
}

/* destroy_msg - zlistx destructor of a message */
static void
destroy_msg(void **item)
{
    msg_destroy((msg_t **) item);
}

/* queue_new - empty queues */
queue_t *
queue_new(size_t nprofiles)
{
    queue_t *self = xcalloc(1, sizeof *self);
    size_t  i;

    self->n = nprofiles;
    self->p = xcalloc(nprofiles + 1, sizeof *self->p);
    for (i = 0; i < nprofiles; i++) {
        self->p[i].waiting = zlistx_new();      /* CZMQ aborts when out of memory */
        self->p[i].known = zhashx_new();
        zhashx_set_destructor(self->p[i].known, destroy_attempt);
        zlistx_set_destructor(self->p[i].waiting, destroy_msg);
    }
    return self;
}

/* queue_destroy - free everything */
void
queue_destroy(queue_t **self_p)
{
    queue_t *self = *self_p;
    size_t  i;

    if (self == NULL)
        return;
    for (i = 0; i < self->n; i++) {
        zlistx_destroy(&self->p[i].waiting);
        zhashx_destroy(&self->p[i].known);
    }
    free(self->p);
    free(self);
    *self_p = NULL;
}

/* key - an order number as a hash key; a credit note's "10431-C1" */
static void
key(char *buf, size_t len, const order_t *o)
{
    if (order_is_credit(o))
        snprintf(buf, len, "%lld-C%d", (long long) o->number, (int) o->credit.seq);
    else
        snprintf(buf, len, "%lld", (long long) o->number);
}

/* queue_add - append a message unless its order is known */
bool
queue_add(queue_t *self, int i, msg_t *m)
{
    char    k[32];
    attempt_t *a;

    key(k, sizeof k, m->order);
    if ((a = zhashx_lookup(self->p[i].known, k)) != NULL) {
        if (m->attempt > a->attempt) {  /* the fetcher waits for this attempt's outcome */
            a->attempt = m->attempt;
            snprintf(a->token, sizeof a->token, "%s", m->token ? m->token : "");
        }
        return false;
    }
    a = xcalloc(1, sizeof *a);
    a->attempt = m->attempt;
    snprintf(a->token, sizeof a->token, "%s", m->token ? m->token : "");
    zhashx_insert(self->p[i].known, k, a);
    zlistx_add_end(self->p[i].waiting, m);
    return true;
}

/* queue_put_back - back at the front, in order */
void
queue_put_back(queue_t *self, int i, msg_t **msgs, size_t n)
{
    while (n > 0)
        zlistx_add_start(self->p[i].waiting, msgs[--n]);
}

/* queue_token - the token of the latest sending of a known order */
const char *
queue_token(const queue_t *self, int i, const order_t *o)
{
    char    k[32];
    const attempt_t *a;

    key(k, sizeof k, o);
    a = zhashx_lookup(self->p[i].known, k);
    return a ? a->token : "";
}

/* queue_done - forget an order number */
void
queue_done(queue_t *self, int i, const order_t *o)
{
    char    k[32];

    key(k, sizeof k, o);
    zhashx_delete(self->p[i].known, k);
}

/* eligible - whether profile i may be given a batch now */
static bool
eligible(const pq_t *q, int64_t now_ms)
{
    return !q->busy && zlistx_size(q->waiting) > 0 && q->parked_until <= now_ms;
}

/* queue_take - the next batch in turn */
size_t
queue_take(queue_t *self, int64_t now_ms, int *i, msg_t **msgs, size_t max)
{
    size_t  k, j = 0, n = 0;
    pq_t   *q;

    for (k = 0; k < self->n; k++) {
        j = (self->turn + k) % self->n;
        if (eligible(&self->p[j], now_ms))
            break;
    }
    if (k == self->n)
        return 0;
    q = &self->p[j];
    if (q->parked_until) {
        q->parked_until = 0;
        *q->reason = 0;
    }
    while (n < max && zlistx_size(q->waiting) > 0)
        msgs[n++] = zlistx_detach(q->waiting, NULL);    /* the first, not destroyed */
    q->busy = true;
    self->turn = (j + 1) % self->n;
    *i = (int) j;
    return n;
}

/* queue_hold - busy without orders taken */
bool
queue_hold(queue_t *self, int i, int64_t now_ms)
{
    pq_t   *q = &self->p[i];

    if (q->busy || q->parked_until > now_ms)
        return false;
    q->parked_until = 0;
    *q->reason = 0;
    q->busy = true;
    return true;
}

/* queue_idle - a batch came back */
void
queue_idle(queue_t *self, int i)
{
    self->p[i].busy = false;
}

/* queue_park - wait until until_ms */
void
queue_park(queue_t *self, int i, int64_t until_ms, const char *reason)
{
    self->p[i].parked_until = until_ms;
    snprintf(self->p[i].reason, sizeof self->p[i].reason, "%s", until_ms ? reason : "");
}

/* queue_drop - destroy what waits for a profile */
void
queue_drop(queue_t *self, int i)
{
    msg_t  *m;

    while ((m = zlistx_detach(self->p[i].waiting, NULL)) != NULL) {
        queue_done(self, i, m->order);
        msg_destroy(&m);
    }
}

/* queue_length - how many wait */
size_t
queue_length(const queue_t *self, int i)
{
    return zlistx_size(self->p[i].waiting);
}

/* queue_busy - being booked */
bool
queue_busy(const queue_t *self, int i)
{
    return self->p[i].busy;
}

/* queue_parked - until when, and why */
int64_t
queue_parked(const queue_t *self, int i, const char **reason)
{
    if (reason)
        *reason = self->p[i].reason;
    return self->p[i].parked_until;
}
