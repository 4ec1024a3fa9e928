/*
 * NAME
 *   sim_store - the Globecharge simulator's orders, kept in SQLite
 *
 * DESCRIPTION
 *   One row per order number: its status and its XML text as served. With
 *   a file name the orders survive a restart of the simulator; with NULL
 *   they live in memory. Safe to use from several threads (one lock).
 */
#ifndef GCSIM_STORE_H
#define GCSIM_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sim_store sim_store_t;

/* sim_store_page_fn - called once per order of a page, in order */
/* raw: the text is served verbatim (it may be no XML at all) */
typedef void (*sim_store_page_fn)(int64_t number, const char *xml, size_t len,
                                  bool raw, void *arg);

/* sim_store_new - open (create) the store; NULL with err filled on failure */
sim_store_t *sim_store_new(const char *path, char *err, size_t errlen);

/* sim_store_destroy - close the store and null the caller's pointer */
void sim_store_destroy(sim_store_t **self_p);

/* sim_store_put - add or replace one order; -1 with err on failure */
int sim_store_put(sim_store_t *self, int64_t number, const char *status,
                  const char *xml, char *err, size_t errlen);

/* sim_store_put_raw - the same; raw text is served verbatim, not as XML */
int sim_store_put_raw(sim_store_t *self, int64_t number, const char *status,
                      const char *xml, bool raw, char *err, size_t errlen);

/* sim_store_begin, sim_store_commit - group many puts in one transaction */
int sim_store_begin(sim_store_t *self);
int sim_store_commit(sim_store_t *self);

/* sim_store_page - the complete orders (paid, open, cancelled) numbered at
 * least from, at most max of them, ascending; returns how many were passed
 * to fn, -1 on a database error. *last gets the highest number passed. */
int sim_store_page(sim_store_t *self, int64_t from, int max,
                   sim_store_page_fn fn, void *arg, int64_t *last);

/* sim_store_get - one order of any status in new memory; NULL if absent;
 * *raw says whether it is served verbatim */
char *sim_store_get(sim_store_t *self, int64_t number, bool *raw);

/* sim_store_highest - the highest order number of any status; 0 if none */
int64_t sim_store_highest(sim_store_t *self);

/* sim_store_count - how many orders the store holds */
int64_t sim_store_count(sim_store_t *self);

#endif
