/*
 * NAME
 *   api_read - one SnelStart GET on a thread of its own
 *
 * DESCRIPTION
 *   See api_read.h. The thread is detached: nobody joins it. It and the
 *   loop share done and abandoned under one mutex; whichever of the two
 *   comes second (the thread finishing, the loop giving the read up)
 *   frees the read, so neither waits for the other.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "api_read.h"
#include "log.h"
#include "xalloc.h"

struct api_read {
    pthread_mutex_t lock;
    snelstart_t *api;
    char    *path;
    bool     done;            /* the answer is in r, out and e */
    bool     abandoned;       /* the loop gave it up: the thread frees it and api */
    ss_result_t r;
    json_t  *out;
    ss_error_t e;
};

/* destroy - free a read that nobody uses any more, with its client when owned */
static void
destroy(api_read_t *self, bool with_api)
{
    if (with_api)
        snelstart_destroy(&self->api);
    json_decref(self->out);
    free(self->path);
    pthread_mutex_destroy(&self->lock);
    free(self);
}

/* reader - the thread: the request, then the answer handed over */
static void *
reader(void *arg)
{
    api_read_t *self = arg;
    json_t *out = NULL;
    ss_error_t e;
    ss_result_t r = snelstart_get(self->api, self->path, &out, &e);
    bool    abandoned;

    pthread_mutex_lock(&self->lock);
    self->r = r;
    self->out = out;
    self->e = e;
    self->done = true;
    abandoned = self->abandoned;
    pthread_mutex_unlock(&self->lock);
    if (abandoned)
        destroy(self, true);
    return NULL;
}

/* api_read_start - the request on a thread */
api_read_t *
api_read_start(snelstart_t *api, const char *path)
{
    api_read_t *self = xcalloc(1, sizeof *self);
    pthread_attr_t attr;
    pthread_t t;

    pthread_mutex_init(&self->lock, NULL);
    self->api = api;
    self->path = xstrdup(path);
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&t, &attr, reader, self) != 0)
        log_fatal("cannot start a thread to read SnelStart (out of resources)");
    pthread_attr_destroy(&attr);
    return self;
}

/* api_read_done - whether the thread is done */
bool
api_read_done(api_read_t *self)
{
    bool    done;

    pthread_mutex_lock(&self->lock);
    done = self->done;
    pthread_mutex_unlock(&self->lock);
    return done;
}

/* api_read_end - the answer */
ss_result_t
api_read_end(api_read_t **self_p, json_t **out, ss_error_t *e)
{
    api_read_t *self = *self_p;
    ss_result_t r;

    if (!api_read_done(self))
        log_panic("api_read_end before the read is done");
    r = self->r;
    *out = self->out;
    self->out = NULL;
    *e = self->e;
    destroy(self, false);
    *self_p = NULL;
    return r;
}

/* api_read_abandon - give the read up, and the client with it */
void
api_read_abandon(api_read_t **self_p, snelstart_t **api_p)
{
    api_read_t *self = *self_p;
    bool    done;

    if (self == NULL)
        return;
    pthread_mutex_lock(&self->lock);
    done = self->done;
    self->abandoned = true;
    pthread_mutex_unlock(&self->lock);
    if (done)                         /* the thread no longer touches it */
        destroy(self, true);
    *api_p = NULL;
    *self_p = NULL;
}
