/*
 * NAME
 *   wsim_store - the WooCommerce simulator's orders, kept in SQLite
 *
 * DESCRIPTION
 *   One row per order id: its status, its date_modified_gmt and its JSON
 *   text as served. With a file name the orders survive a restart of the
 *   simulator; with NULL they live in memory. Safe to use from several
 *   threads (one lock).
 */
#ifndef WCSIM_STORE_H
#define WCSIM_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct wsim_store wsim_store_t;

/* wsim_store_page_fn - called once per order of a page, in order */
typedef void (*wsim_store_page_fn)(int64_t id, const char *json, void *arg);

/* wsim_store_change_fn - called after each put, outside the store's lock:
 * old is the order's JSON before (NULL when the put created it), json after */
typedef void (*wsim_store_change_fn)(int64_t id, const char *old, const char *json, void *arg);

/* wsim_store_new - open (create) the store; NULL with err filled on failure */
wsim_store_t *wsim_store_new(const char *path, char *err, size_t errlen);

/* wsim_store_destroy - close the store and null the caller's pointer */
void wsim_store_destroy(wsim_store_t **self_p);

/* wsim_store_observe - call fn after every later put (one observer; NULL: none) */
void wsim_store_observe(wsim_store_t *self, wsim_store_change_fn fn, void *arg);

/* wsim_store_put_json - add or replace one order from its JSON text; the
 * id, status and date_modified_gmt are read from it. -1 with err. */
int wsim_store_put_json(wsim_store_t *self, const char *json, char *err, size_t errlen);

/* wsim_store_begin, wsim_store_commit - group many puts in one transaction */
int wsim_store_begin(wsim_store_t *self);
int wsim_store_commit(wsim_store_t *self);

/* wsim_store_list - the orders whose status is in statuses (a comma list;
 * NULL or "any" for all) and, when modified_after is not NULL, modified
 * strictly after it (UTC "YYYY-MM-DDTHH:MM:SS"), in ascending (or
 * descending) id order; offset and limit select one page. *total gets the
 * number of all matching orders. Returns how many were passed to fn, -1 on
 * a database error. */
int wsim_store_list(wsim_store_t *self, const char *statuses, const char *modified_after,
                    bool ascending, long offset, long limit, wsim_store_page_fn fn,
                    void *arg, long *total);

/* wsim_store_get - one order in new memory; NULL if absent */
char *wsim_store_get(wsim_store_t *self, int64_t id);

/* wsim_store_put_refund - keep a refund made through the simulator (its
 * JSON as served) with its order; -1 on a database error */
int wsim_store_put_refund(wsim_store_t *self, int64_t order_id, int64_t refund_id,
                          const char *json);

/* wsim_store_refund - the kept refund refund_id of order_id (new memory), NULL if none */
char *wsim_store_refund(wsim_store_t *self, int64_t order_id, int64_t refund_id);

/* wsim_store_count - how many orders the store holds */
int64_t wsim_store_count(wsim_store_t *self);

/* wsim_store_max_id - the highest order id held, 0 when none */
int64_t wsim_store_max_id(wsim_store_t *self);

/* wsim_store_load_dir - every *.json file of dir (one order object or an
 * array of them); the number of orders loaded, -1 with err */
long wsim_store_load_dir(wsim_store_t *self, const char *dir, char *err, size_t errlen);

#endif
