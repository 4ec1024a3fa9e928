/*
 * NAME
 *   ssim_store - the SnelStart simulator's administration, kept in SQLite
 *
 * DESCRIPTION
 *   See ssim_store.h. Table objects(coll, id, ord, body): body is the
 *   model's JSON text. Memory is the read path; SQLite is written through
 *   so that the administration survives a restart.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "log.h"
#include "xalloc.h"
#include "ssim_store.h"

typedef struct {
    json_t *list;               /* array in ord order */
    long long *ords;            /* parallel to list */
    size_t  cap;
    json_t *by_id;              /* id -> object */
    json_t *by_key;             /* relatiecode or factuurnummer -> object */
    long long seq;              /* highest ord seen */
} coll_t;

struct ssim_store {
    sqlite3 *db;
    sqlite3_stmt *put;
    sqlite3_stmt *begin, *commit;
    coll_t  coll[SSIM_NCOLL];
};

/* coll_key - the secondary key of obj in collection c, or "" */
static void
coll_key(ssim_coll_t c, const json_t *obj, char *buf, size_t len)
{
    const json_t *v;

    buf[0] = 0;
    if (c == SSIM_RELATIES && json_is_integer(v = json_object_get(obj, "relatiecode")))
        snprintf(buf, len, "%lld", (long long) json_integer_value(v));
    else if ((c == SSIM_BOEKINGEN || c == SSIM_FACTUREN)
             && json_is_string(v = json_object_get(obj, "factuurnummer")))
        snprintf(buf, len, "%s", json_string_value(v));
}

/* coll_index_of - position of the object with id, or -1 */
static long
coll_index_of(coll_t *cl, const json_t *obj)
{
    size_t  i;

    for (i = 0; i < json_array_size(cl->list); i++)
        if (json_array_get(cl->list, i) == obj)
            return (long) i;
    return -1;
}

/* coll_insert - place obj in memory at its ord; takes a reference */
static void
coll_insert(ssim_coll_t c, coll_t *cl, json_t *obj, long long ord)
{
    const char *id = json_string_value(json_object_get(obj, "id"));
    json_t *old = json_object_get(cl->by_id, id);
    size_t  n, lo, hi;
    char    key[128];

    if (old != NULL) {
        long    i = coll_index_of(cl, old);

        coll_key(c, old, key, sizeof key);
        if (key[0] && json_object_get(cl->by_key, key) == old)
            json_object_del(cl->by_key, key);
        if (i >= 0) {
            json_array_remove(cl->list, (size_t) i);
            memmove(cl->ords + i, cl->ords + i + 1,
                    (json_array_size(cl->list) - (size_t) i) * sizeof *cl->ords);
        }
    }
    n = json_array_size(cl->list);
    if (n + 1 > cl->cap) {
        cl->cap = cl->cap ? cl->cap * 2 : 256;
        cl->ords = xrealloc(cl->ords, cl->cap * sizeof *cl->ords);
    }
    lo = 0;
    hi = n;
    while (lo < hi) {
        size_t  mid = (lo + hi) / 2;

        if (cl->ords[mid] <= ord)
            lo = mid + 1;
        else
            hi = mid;
    }
    memmove(cl->ords + lo + 1, cl->ords + lo, (n - lo) * sizeof *cl->ords);
    cl->ords[lo] = ord;
    json_array_insert(cl->list, lo, obj);
    json_object_set(cl->by_id, id, obj);
    coll_key(c, obj, key, sizeof key);
    if (key[0])
        json_object_set(cl->by_key, key, obj);
    if (ord > cl->seq)
        cl->seq = ord;
    json_decref(obj);
}

/* ssim_store_open - open or create the database and load it */
ssim_store_t *
ssim_store_open(const char *path, char *err, size_t errlen)
{
    ssim_store_t *store = xcalloc(1, sizeof *store);
    sqlite3_stmt *sel = NULL;
    char   *msg = NULL;
    int     i, rc;

    for (i = 0; i < SSIM_NCOLL; i++) {
        store->coll[i].list = json_array();
        store->coll[i].by_id = json_object();
        store->coll[i].by_key = json_object();
    }
    if (sqlite3_open(path, &store->db) != SQLITE_OK) {
        snprintf(err, errlen, "open database %s: %s", path, sqlite3_errmsg(store->db));
        goto fail;
    }
    sqlite3_busy_timeout(store->db, 5000);
    if (sqlite3_exec(store->db,
                     "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                     "CREATE TABLE IF NOT EXISTS objects (coll INTEGER NOT NULL,"
                     " id TEXT NOT NULL, ord INTEGER NOT NULL, body TEXT NOT NULL,"
                     " PRIMARY KEY (coll, id));", NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(err, errlen, "initialise database %s: %s", path, msg ? msg : "?");
        sqlite3_free(msg);
        goto fail;
    }
    if (sqlite3_prepare_v2(store->db, "INSERT OR REPLACE INTO objects (coll, id, ord, body)"
                           " VALUES (?, ?, ?, ?)", -1, &store->put, NULL) != SQLITE_OK
        || sqlite3_prepare_v2(store->db, "BEGIN", -1, &store->begin, NULL) != SQLITE_OK
        || sqlite3_prepare_v2(store->db, "COMMIT", -1, &store->commit, NULL) != SQLITE_OK
        || sqlite3_prepare_v2(store->db, "SELECT coll, ord, body FROM objects"
                              " ORDER BY coll, ord, rowid", -1, &sel, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "prepare statements on %s: %s", path, sqlite3_errmsg(store->db));
        goto fail;
    }
    while ((rc = sqlite3_step(sel)) == SQLITE_ROW) {
        int     c = sqlite3_column_int(sel, 0);
        json_error_t jerr;
        json_t *obj = json_loads((const char *) sqlite3_column_text(sel, 2), 0, &jerr);

        if (c < 0 || c >= SSIM_NCOLL || !json_is_object(obj)
            || !json_is_string(json_object_get(obj, "id"))) {
            snprintf(err, errlen, "database %s holds a damaged object", path);
            json_decref(obj);
            goto fail;
        }
        coll_insert((ssim_coll_t) c, &store->coll[c], obj, sqlite3_column_int64(sel, 1));
    }
    if (rc != SQLITE_DONE) {
        snprintf(err, errlen, "read database %s: %s", path, sqlite3_errmsg(store->db));
        goto fail;
    }
    sqlite3_finalize(sel);
    return store;

fail:
    sqlite3_finalize(sel);
    ssim_store_close(&store);
    return NULL;
}

/* ssim_store_close - close the database and free memory */
void
ssim_store_close(ssim_store_t **store_p)
{
    ssim_store_t *store = *store_p;
    int     i;

    if (store == NULL)
        return;
    sqlite3_finalize(store->put);
    sqlite3_finalize(store->begin);
    sqlite3_finalize(store->commit);
    sqlite3_close(store->db);
    for (i = 0; i < SSIM_NCOLL; i++) {
        json_decref(store->coll[i].list);
        json_decref(store->coll[i].by_id);
        json_decref(store->coll[i].by_key);
        free(store->coll[i].ords);
    }
    free(store);
    *store_p = NULL;
}

/* ssim_store_count - number of objects in a collection */
size_t
ssim_store_count(ssim_store_t *store, ssim_coll_t c)
{
    return json_array_size(store->coll[c].list);
}

/* ssim_store_list - the objects of a collection in order */
const json_t *
ssim_store_list(ssim_store_t *store, ssim_coll_t c)
{
    return store->coll[c].list;
}

/* ssim_store_get - object by id */
const json_t *
ssim_store_get(ssim_store_t *store, ssim_coll_t c, const char *id)
{
    return id ? json_object_get(store->coll[c].by_id, id) : NULL;
}

/* ssim_store_by_factuurnummer - booking or factuur with that number */
const json_t *
ssim_store_by_factuurnummer(ssim_store_t *store, ssim_coll_t c, const char *nr)
{
    return json_object_get(store->coll[c].by_key, nr);
}

/* ssim_store_by_relatiecode - relatie with that code */
const json_t *
ssim_store_by_relatiecode(ssim_store_t *store, long long code)
{
    char    key[32];

    snprintf(key, sizeof key, "%lld", code);
    return json_object_get(store->coll[SSIM_RELATIES].by_key, key);
}

/* ssim_store_next_seq - the next insertion order number */
long long
ssim_store_next_seq(ssim_store_t *store, ssim_coll_t c)
{
    return store->coll[c].seq + 1;
}

/* step_once - run a prepared statement without rows */
static bool
step_once(ssim_store_t *store, sqlite3_stmt *st, const char *what)
{
    int     rc = sqlite3_step(st);

    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        log_error("database %s failed: %s", what, sqlite3_errmsg(store->db));
        return false;
    }
    return true;
}

/* ssim_store_begin - start a transaction */
bool
ssim_store_begin(ssim_store_t *store)
{
    return step_once(store, store->begin, "BEGIN");
}

/* ssim_store_commit - commit a transaction */
bool
ssim_store_commit(ssim_store_t *store)
{
    return step_once(store, store->commit, "COMMIT");
}

/* ssim_store_put - write obj through to SQLite, then to memory */
bool
ssim_store_put(ssim_store_t *store, ssim_coll_t c, json_t *obj, long long ord)
{
    const char *id = json_string_value(json_object_get(obj, "id"));
    char   *body;

    if (id == NULL) {
        json_decref(obj);
        log_error("store object without id");
        return false;
    }
    body = json_dumps(obj, JSON_COMPACT);
    sqlite3_bind_int(store->put, 1, (int) c);
    sqlite3_bind_text(store->put, 2, id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(store->put, 3, ord);
    sqlite3_bind_text(store->put, 4, body, -1, free);
    if (!step_once(store, store->put, "INSERT")) {
        sqlite3_clear_bindings(store->put);
        json_decref(obj);
        return false;
    }
    sqlite3_clear_bindings(store->put);
    coll_insert(c, &store->coll[c], obj, ord);
    return true;
}
