/*
 * NAME
 *   admin_fill - read an administration's relaties on a thread of its own
 *
 * DESCRIPTION
 *   See admin_fill.h. The thread and the loop share the queue under one
 *   mutex; the thread waits on a condition while the queue is full, and
 *   the loop signals it when it took rows or when the fill is stopped.
 *   The loop does not wait for the thread: a take finds rows or not. A
 *   full read goes into an index of the thread's own, with no queue.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "admin_fill.h"
#include "log.h"
#include "xalloc.h"

struct admin_fill {
    const profile_t *p;
    admin_reader_t *admin;
    char    *since;
    relatie_index_t *build;   /* a full read: the thread fills it, the loop waits */
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t room;      /* the queue has room, or the fill stops */
    relatie_rec_t queue[ADMIN_FILL_QUEUE];
    size_t   head, count;
    atomic_bool stop;         /* the loop wants no more rows */
    bool     done;            /* the read is over: n, latest and err are set */
    long     n;
    char     latest[40];
    char     err[1024];
};

/* the string members of a relatie_rec_t, copied with each row */
static const size_t strings[] = {
    offsetof(relatie_rec_t, id), offsetof(relatie_rec_t, naam),
    offsetof(relatie_rec_t, email), offsetof(relatie_rec_t, factuur_email),
    offsetof(relatie_rec_t, factuur_cc), offsetof(relatie_rec_t, offerte_email),
    offsetof(relatie_rec_t, offerte_cc), offsetof(relatie_rec_t, bevestiging_email),
    offsetof(relatie_rec_t, bevestiging_cc), offsetof(relatie_rec_t, aanmaning_email),
    offsetof(relatie_rec_t, aanmaning_cc), offsetof(relatie_rec_t, postcode),
    offsetof(relatie_rec_t, country_iso), offsetof(relatie_rec_t, btw_nummer),
    offsetof(relatie_rec_t, kvk_nummer),
};
#define NSTRINGS (sizeof strings / sizeof strings[0])

/* member - string member i of a row */
static const char **
member(relatie_rec_t *rec, size_t i)
{
    return (const char **) ((char *) rec + strings[i]);
}

/* rec_copy - a row that outlives the reader's callback */
static void
rec_copy(relatie_rec_t *to, const relatie_rec_t *from)
{
    size_t  i;

    *to = *from;
    for (i = 0; i < NSTRINGS; i++)
        if (*member(to, i))
            *member(to, i) = xstrdup(*member(to, i));
}

/* rec_free - the strings of a copied row */
static void
rec_free(relatie_rec_t *rec)
{
    size_t  i;

    for (i = 0; i < NSTRINGS; i++)
        free((char *) *member(rec, i));
}

/* queue_row - the reader's callback, on the thread: wait for room, copy */
static void
queue_row(void *arg, const relatie_rec_t *rec)
{
    admin_fill_t *self = arg;

    if (self->build) {
        if (!atomic_load(&self->stop))
            relatie_index_upsert(self->build, rec);
        return;
    }
    pthread_mutex_lock(&self->lock);
    while (self->count == ADMIN_FILL_QUEUE && !self->stop)
        pthread_cond_wait(&self->room, &self->lock);
    if (!self->stop) {
        rec_copy(&self->queue[(self->head + self->count) % ADMIN_FILL_QUEUE], rec);
        self->count++;
    }
    pthread_mutex_unlock(&self->lock);
}

/* fill_thread - connect when needed and read every row */
static void *
fill_thread(void *arg)
{
    admin_fill_t *self = arg;
    char    err[1024] = "", latest[40];
    long    n = -1;

    snprintf(latest, sizeof latest, "%s", self->latest);
    if (self->admin == NULL)
        self->admin = admin_reader_open(self->p, err, sizeof err);
    if (self->admin)
        n = admin_reader_relaties(self->admin, queue_row, self, self->since, latest,
                                  sizeof latest, err, sizeof err);
    pthread_mutex_lock(&self->lock);
    self->n = n;
    snprintf(self->latest, sizeof self->latest, "%s", latest);
    snprintf(self->err, sizeof self->err, "%s", err);
    self->done = true;
    pthread_mutex_unlock(&self->lock);
    return NULL;
}

/* admin_fill_start - read the relaties on a thread */
admin_fill_t *
admin_fill_start(const profile_t *p, admin_reader_t *admin, const char *since,
                 const char *latest, relatie_index_t *build)
{
    admin_fill_t *self = xcalloc(1, sizeof *self);

    self->p = p;
    self->build = build;
    self->admin = admin;
    self->since = since && *since ? xstrdup(since) : NULL;
    snprintf(self->latest, sizeof self->latest, "%s", latest ? latest : "");
    pthread_mutex_init(&self->lock, NULL);
    pthread_cond_init(&self->room, NULL);
    if (pthread_create(&self->thread, NULL, fill_thread, self) != 0)
        log_fatal("profile %s: cannot start a thread to read the relaties", p->name);
    return self;
}

/* admin_fill_take - up to max rows to fn, on the caller's thread */
admin_fill_state_t
admin_fill_take(admin_fill_t *self, size_t max, relatie_rec_fn fn, void *arg)
{
    relatie_rec_t rec;
    size_t  taken = 0;
    bool    done;

    for (;;) {
        pthread_mutex_lock(&self->lock);
        done = self->done;
        if (self->count == 0 || taken == max) {
            pthread_cond_signal(&self->room);
            pthread_mutex_unlock(&self->lock);
            break;
        }
        rec = self->queue[self->head];
        self->head = (self->head + 1) % ADMIN_FILL_QUEUE;
        self->count--;
        pthread_mutex_unlock(&self->lock);
        fn(arg, &rec);
        rec_free(&rec);
        taken++;
    }
    if (taken > 0)
        return ADMIN_FILL_ROWS;
    if (!done)
        return ADMIN_FILL_WAIT;
    return self->n < 0 ? ADMIN_FILL_FAILED : ADMIN_FILL_DONE;
}

/* join - stop the thread and wait for it; free what it left in the queue */
static void
join(admin_fill_t *self)
{
    pthread_mutex_lock(&self->lock);
    self->stop = true;
    pthread_cond_signal(&self->room);
    pthread_mutex_unlock(&self->lock);
    pthread_join(self->thread, NULL);
    for (; self->count > 0; self->count--, self->head = (self->head + 1) % ADMIN_FILL_QUEUE)
        rec_free(&self->queue[self->head]);
    pthread_cond_destroy(&self->room);
    pthread_mutex_destroy(&self->lock);
}

/* admin_fill_end - the result of a fill that is over */
long
admin_fill_end(admin_fill_t **self_p, admin_reader_t **admin, char *latest, size_t latestlen,
               char *err, size_t errlen)
{
    admin_fill_t *self = *self_p;
    long    n;

    join(self);
    n = self->n;
    if (n < 0) {
        snprintf(err, errlen, "%s", self->err);
        admin_reader_close(&self->admin);
    } else
        snprintf(latest, latestlen, "%s", self->latest);
    *admin = self->admin;
    free(self->since);
    free(self);
    *self_p = NULL;
    return n;
}

/* admin_fill_destroy - stop a fill and free it */
void
admin_fill_destroy(admin_fill_t **self_p)
{
    admin_fill_t *self = *self_p;

    if (self == NULL)
        return;
    join(self);
    admin_reader_close(&self->admin);
    free(self->since);
    free(self);
    *self_p = NULL;
}

/* discard_thread - free an index nobody holds any more */
static void *
discard_thread(void *arg)
{
    relatie_index_t *index = arg;

    relatie_index_destroy(&index);
    return NULL;
}

/* admin_fill_discard - free an index on a thread of its own */
void
admin_fill_discard(relatie_index_t **index_p)
{
    pthread_t t;
    pthread_attr_t attr;

    if (*index_p == NULL)
        return;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&t, &attr, discard_thread, *index_p) != 0)
        relatie_index_destroy(index_p);   /* no thread: on the loop, as before */
    pthread_attr_destroy(&attr);
    *index_p = NULL;
}
