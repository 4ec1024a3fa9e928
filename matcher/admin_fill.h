/*
 * NAME
 *   admin_fill - read an administration's relaties on a thread of its own
 *
 * DESCRIPTION
 *   An sql, lokaal or mdb administration is read with one call
 *   (admin_reader_relaties): the connect, the query and every row. On a
 *   network SQL server each of those may take seconds, so the matcher does
 *   not make that call on its loop. admin_fill_start() makes it on a
 *   thread, which copies each row into a queue of at most
 *   ADMIN_FILL_QUEUE rows (and waits while it is full); the loop takes a
 *   bounded number of rows per turn with admin_fill_take() and puts them
 *   in the index in use. A full read is put in a new index by the thread
 *   itself (growing an index of 100,000 relaties rebuilds its tables,
 *   which takes a while too), and the loop only waits for it.
 */
#ifndef KOPPEL_MATCHER_ADMIN_FILL_H
#define KOPPEL_MATCHER_ADMIN_FILL_H

#include <stddef.h>

#include "admin_reader.h"
#include "config.h"
#include "relatie_index.h"
#include "relatie_rec.h"

#define ADMIN_FILL_QUEUE 4000      /* rows read ahead of the loop at most */

typedef struct admin_fill admin_fill_t;

typedef enum {
    ADMIN_FILL_ROWS = 0,          /* rows were taken, more may follow */
    ADMIN_FILL_WAIT,              /* none is there yet: ask again shortly */
    ADMIN_FILL_DONE,              /* every row is taken: admin_fill_end() */
    ADMIN_FILL_FAILED             /* the read failed: admin_fill_end() says why */
} admin_fill_state_t;

/* admin_fill_start - read profile p's relaties on a thread: all when since
 * is NULL or "", else those changed after since; admin (taken) is the
 * connection to use, NULL to make one; latest is the newest change seen so
 * far. With build, the thread puts the rows in that index itself (the
 * caller leaves it alone until admin_fill_end), else admin_fill_take()
 * hands them out. p must outlive the fill. */
admin_fill_t *admin_fill_start(const profile_t *p, admin_reader_t *admin, const char *since,
                               const char *latest, relatie_index_t *build);

/* admin_fill_take - hand up to max of the rows read so far to fn */
admin_fill_state_t admin_fill_take(admin_fill_t *self, size_t max, relatie_rec_fn fn,
                                   void *arg);

/* admin_fill_end - after DONE or FAILED: the rows read, or -1 with err; the
 * connection back in *admin (NULL after a failure: connect again), the
 * newest change seen in latest; frees and nulls *self_p */
long admin_fill_end(admin_fill_t **self_p, admin_reader_t **admin, char *latest,
                    size_t latestlen, char *err, size_t errlen);

/* admin_fill_destroy - stop a fill and wait for its thread: no row goes
 * anywhere any more, but the reader still takes the rest of the server's
 * answer, so a fill stopped half-way (a reload that changes the
 * administration, the matcher stopping) waits for that; null the pointer */
void admin_fill_destroy(admin_fill_t **self_p);

/* admin_fill_discard - free an index replaced by a full read on a thread
 * of its own: freeing 100,000 relaties takes a while; nulls *index_p */
void admin_fill_discard(relatie_index_t **index_p);

#endif
