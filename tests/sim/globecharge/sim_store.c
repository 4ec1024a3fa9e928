/*
 * NAME
 *   sim_store - the Globecharge simulator's orders, kept in SQLite
 *
 * DESCRIPTION
 *   Table orders(number INTEGER PRIMARY KEY, status TEXT, xml TEXT). The
 *   statements are prepared once; a page is one query. A mutex serialises
 *   the statements, because the HTTP server answers on several threads.
 *
 * DIAGNOSTICS
 *   Functions return -1 or NULL and write SQLite's message, naming the
 *   file, to err where they take one.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "xalloc.h"
#include "sim_store.h"

struct sim_store {
    sqlite3 *db;
    char   *path;
    pthread_mutex_t lock;
    sqlite3_stmt *put;
    sqlite3_stmt *page;
    sqlite3_stmt *get;
    sqlite3_stmt *highest;
    sqlite3_stmt *count;
};

static const char schema[] =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=NORMAL;"
    "CREATE TABLE IF NOT EXISTS orders ("
    " number INTEGER PRIMARY KEY,"
    " status TEXT NOT NULL,"
    " xml TEXT NOT NULL,"
    " raw INTEGER NOT NULL DEFAULT 0);";

/* sim_store_new - open (create) the store */
sim_store_t *
sim_store_new(const char *path, char *err, size_t errlen)
{
    sim_store_t *self = xcalloc(1, sizeof *self);
    const char *name = path ? path : ":memory:";
    char   *msg = NULL;
    struct {
        sqlite3_stmt **stmt;
        const char *sql;
    } stmts[] = {
        { &self->put, "INSERT OR REPLACE INTO orders(number, status, xml, raw) VALUES (?, ?, ?, ?)" },
        { &self->page, "SELECT number, xml, raw FROM orders WHERE number >= ?"
          " AND status IN ('paid', 'open', 'cancelled') ORDER BY number LIMIT ?" },
        { &self->get, "SELECT xml, raw FROM orders WHERE number = ?" },
        { &self->highest, "SELECT COALESCE(MAX(number), 0) FROM orders" },
        { &self->count, "SELECT COUNT(*) FROM orders" },
    };
    size_t  i;

    self->path = xstrdup(name);
    pthread_mutex_init(&self->lock, NULL);
    if (sqlite3_open_v2(name, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
                        | SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "cannot open order database %s: %s", name,
                 self->db ? sqlite3_errmsg(self->db) : "out of memory");
        goto fail;
    }
    sqlite3_busy_timeout(self->db, 5000);
    if (sqlite3_exec(self->db, schema, NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(err, errlen, "cannot create the orders table in %s: %s", name,
                 msg ? msg : "unknown error");
        sqlite3_free(msg);
        goto fail;
    }
    for (i = 0; i < sizeof stmts / sizeof stmts[0]; i++) {
        if (sqlite3_prepare_v2(self->db, stmts[i].sql, -1, stmts[i].stmt, NULL)
            != SQLITE_OK) {
            snprintf(err, errlen, "cannot prepare a query on %s: %s", name,
                     sqlite3_errmsg(self->db));
            goto fail;
        }
    }
    return self;

fail:
    sim_store_destroy(&self);
    return NULL;
}

/* sim_store_destroy - close the store and null the caller's pointer */
void
sim_store_destroy(sim_store_t **self_p)
{
    sim_store_t *self = *self_p;

    if (self == NULL)
        return;
    sqlite3_finalize(self->put);
    sqlite3_finalize(self->page);
    sqlite3_finalize(self->get);
    sqlite3_finalize(self->highest);
    sqlite3_finalize(self->count);
    sqlite3_close(self->db);
    pthread_mutex_destroy(&self->lock);
    free(self->path);
    free(self);
    *self_p = NULL;
}

/* sim_store_put - add or replace one order */
int
sim_store_put(sim_store_t *self, int64_t number, const char *status,
              const char *xml, char *err, size_t errlen)
{
    return sim_store_put_raw(self, number, status, xml, false, err, errlen);
}

/* sim_store_put_raw - add or replace one order, raw: served verbatim */
int
sim_store_put_raw(sim_store_t *self, int64_t number, const char *status,
                  const char *xml, bool raw, char *err, size_t errlen)
{
    int     rc;

    pthread_mutex_lock(&self->lock);
    sqlite3_reset(self->put);
    sqlite3_bind_int64(self->put, 1, number);
    sqlite3_bind_text(self->put, 2, status, -1, SQLITE_STATIC);
    sqlite3_bind_text(self->put, 3, xml, -1, SQLITE_STATIC);
    sqlite3_bind_int(self->put, 4, raw);
    rc = sqlite3_step(self->put);
    if (rc != SQLITE_DONE)
        snprintf(err, errlen, "cannot store order %lld in %s: %s",
                 (long long) number, self->path, sqlite3_errmsg(self->db));
    sqlite3_reset(self->put);
    sqlite3_clear_bindings(self->put);
    pthread_mutex_unlock(&self->lock);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* sim_store_begin - start a transaction */
int
sim_store_begin(sim_store_t *self)
{
    return sqlite3_exec(self->db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

/* sim_store_commit - commit the transaction */
int
sim_store_commit(sim_store_t *self)
{
    return sqlite3_exec(self->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

/* sim_store_page - the complete orders from a number on */
int
sim_store_page(sim_store_t *self, int64_t from, int max,
               sim_store_page_fn fn, void *arg, int64_t *last)
{
    int     n = 0;
    int     rc;

    pthread_mutex_lock(&self->lock);
    sqlite3_reset(self->page);
    sqlite3_bind_int64(self->page, 1, from);
    sqlite3_bind_int(self->page, 2, max);
    while ((rc = sqlite3_step(self->page)) == SQLITE_ROW) {
        int64_t number = sqlite3_column_int64(self->page, 0);
        const char *xml = (const char *) sqlite3_column_text(self->page, 1);

        fn(number, xml ? xml : "", (size_t) sqlite3_column_bytes(self->page, 1),
           sqlite3_column_int(self->page, 2) != 0, arg);
        *last = number;
        n++;
    }
    sqlite3_reset(self->page);
    pthread_mutex_unlock(&self->lock);
    return rc == SQLITE_DONE ? n : -1;
}

/* sim_store_get - one order of any status */
char *
sim_store_get(sim_store_t *self, int64_t number, bool *raw)
{
    char   *xml = NULL;

    pthread_mutex_lock(&self->lock);
    sqlite3_reset(self->get);
    sqlite3_bind_int64(self->get, 1, number);
    *raw = false;
    if (sqlite3_step(self->get) == SQLITE_ROW) {
        xml = xstrdup((const char *) sqlite3_column_text(self->get, 0));
        *raw = sqlite3_column_int(self->get, 1) != 0;
    }
    sqlite3_reset(self->get);
    pthread_mutex_unlock(&self->lock);
    return xml;
}

/* sim_store_scalar - run a one-value query */
static int64_t
sim_store_scalar(sim_store_t *self, sqlite3_stmt *stmt)
{
    int64_t v = 0;

    pthread_mutex_lock(&self->lock);
    sqlite3_reset(stmt);
    if (sqlite3_step(stmt) == SQLITE_ROW)
        v = sqlite3_column_int64(stmt, 0);
    sqlite3_reset(stmt);
    pthread_mutex_unlock(&self->lock);
    return v;
}

/* sim_store_highest - the highest order number of any status */
int64_t
sim_store_highest(sim_store_t *self)
{
    return sim_store_scalar(self, self->highest);
}

/* sim_store_count - how many orders the store holds */
int64_t
sim_store_count(sim_store_t *self)
{
    return sim_store_scalar(self, self->count);
}
