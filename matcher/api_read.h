/*
 * NAME
 *   api_read - one SnelStart GET on a thread of its own
 *
 * DESCRIPTION
 *   A matcher fills a profile's index through the API one request at a
 *   time (sync.h: the landen, then pages of 500 relaties). Each request
 *   may take up to the profile's timeout_s when SnelStart is slow or away,
 *   so the matcher does not make it on its loop: api_read_start() makes it
 *   on a thread, the loop looks whether it is done (api_read_done(), which
 *   never waits) and takes the answer with api_read_end(). The client is
 *   the caller's, but the thread's to use until the read ends; a read the
 *   caller no longer wants (a reload, an index dropped, the matcher
 *   stopping) is given up with api_read_abandon(), which takes the client
 *   along: the thread frees both when its request is over, so that the
 *   loop never waits for it.
 */
#ifndef KOPPEL_MATCHER_API_READ_H
#define KOPPEL_MATCHER_API_READ_H

#include <stdbool.h>
#include <jansson.h>

#include "snelstart.h"

typedef struct api_read api_read_t;

/* api_read_start - GET path (relative to the API's url) with api on a thread */
api_read_t *api_read_start(snelstart_t *api, const char *path);

/* api_read_done - whether the answer is there */
bool api_read_done(api_read_t *self);

/* api_read_end - after api_read_done(): the result, the answer in *out and
 * the error in *e as snelstart_get() gives them; frees and nulls *self_p */
ss_result_t api_read_end(api_read_t **self_p, json_t **out, ss_error_t *e);

/* api_read_abandon - the answer is not wanted: the read's thread frees it
 * and the client *api_p (taken, nulled) when its request is over; nulls
 * *self_p. Nothing when *self_p is NULL (then *api_p stays the caller's) */
void api_read_abandon(api_read_t **self_p, snelstart_t **api_p);

#endif
