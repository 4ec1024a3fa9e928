/*
 * NAME
 *   wsim_store - the WooCommerce simulator's orders, kept in SQLite
 *
 * DESCRIPTION
 *   See wsim_store.h. A table orders(id, status, modified, json) and one
 *   of the refunds made through the simulator, refunds(order_id, id, json); every
 *   call holds the store's lock for its whole statement. With an observer
 *   a put first reads the order's previous JSON, so that the observer (the
 *   webhook deliveries) can tell a created order from an updated one.
 *
 * DIAGNOSTICS
 *   Errors name the file or the order id and SQLite's message.
 */
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sqlite3.h>

#include "xalloc.h"
#include "wsim_store.h"

struct wsim_store {
    sqlite3 *db;
    pthread_mutex_t lock;
    wsim_store_change_fn observer;   /* set before serving starts */
    void   *observer_arg;
};

/* wsim_store_new - open (create) the store */
wsim_store_t *
wsim_store_new(const char *path, char *err, size_t errlen)
{
    wsim_store_t *self = xcalloc(1, sizeof *self);
    char   *msg = NULL;

    if (sqlite3_open(path ? path : ":memory:", &self->db) != SQLITE_OK) {
        snprintf(err, errlen, "cannot open %s: %s", path ? path : "memory",
                 sqlite3_errmsg(self->db));
        sqlite3_close(self->db);
        free(self);
        return NULL;
    }
    if (sqlite3_exec(self->db, "PRAGMA journal_mode=WAL;"
                     "CREATE TABLE IF NOT EXISTS orders (id INTEGER PRIMARY KEY,"
                     " status TEXT NOT NULL, modified TEXT NOT NULL, json TEXT NOT NULL);"
                     "CREATE TABLE IF NOT EXISTS refunds (order_id INTEGER NOT NULL,"
                     " id INTEGER NOT NULL, json TEXT NOT NULL, PRIMARY KEY (order_id, id));",
                     NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(err, errlen, "cannot create the orders table in %s: %s",
                 path ? path : "memory", msg ? msg : "?");
        sqlite3_free(msg);
        sqlite3_close(self->db);
        free(self);
        return NULL;
    }
    pthread_mutex_init(&self->lock, NULL);
    return self;
}

/* wsim_store_destroy - close the store */
void
wsim_store_destroy(wsim_store_t **self_p)
{
    wsim_store_t *self = *self_p;

    if (self == NULL)
        return;
    sqlite3_close(self->db);
    pthread_mutex_destroy(&self->lock);
    free(self);
    *self_p = NULL;
}

/* wsim_store_observe - the one observer of puts */
void
wsim_store_observe(wsim_store_t *self, wsim_store_change_fn fn, void *arg)
{
    pthread_mutex_lock(&self->lock);
    self->observer = fn;
    self->observer_arg = arg;
    pthread_mutex_unlock(&self->lock);
}

/* json_locked - the stored JSON of an order (new memory), NULL when absent; the
 * caller holds the lock */
static char *
json_locked(wsim_store_t *self, int64_t id)
{
    sqlite3_stmt *st = NULL;
    char   *s = NULL;

    if (sqlite3_prepare_v2(self->db, "SELECT json FROM orders WHERE id = ?", -1, &st,
                           NULL) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, id);
        if (sqlite3_step(st) == SQLITE_ROW)
            s = xstrdup((const char *) sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    return s;
}

/* put_one - store one order object */
static int
put_one(wsim_store_t *self, json_t *o, char *err, size_t errlen)
{
    json_t *id = json_object_get(o, "id");
    const char *status = json_string_value(json_object_get(o, "status"));
    const char *modified = json_string_value(json_object_get(o, "date_modified_gmt"));
    char   *text, *old = NULL;
    sqlite3_stmt *st = NULL;
    wsim_store_change_fn observer;
    void   *observer_arg;
    int     rc;

    if (!json_is_integer(id) || json_integer_value(id) <= 0 || status == NULL
        || modified == NULL) {
        snprintf(err, errlen, "an order needs an integer id, a status and a "
                 "date_modified_gmt");
        return -1;
    }
    text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    pthread_mutex_lock(&self->lock);
    observer = self->observer;
    observer_arg = self->observer_arg;
    if (observer)
        old = json_locked(self, json_integer_value(id));
    rc = sqlite3_prepare_v2(self->db, "INSERT OR REPLACE INTO orders (id, status, modified, json)"
                            " VALUES (?, ?, ?, ?)", -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, json_integer_value(id));
        sqlite3_bind_text(st, 2, status, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 3, modified, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 4, text, -1, SQLITE_TRANSIENT);
        rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
    }
    if (rc != SQLITE_OK)
        snprintf(err, errlen, "cannot store order %lld: %s",
                 (long long) json_integer_value(id), sqlite3_errmsg(self->db));
    sqlite3_finalize(st);
    pthread_mutex_unlock(&self->lock);
    if (rc == SQLITE_OK && observer)
        observer(json_integer_value(id), old, text, observer_arg);
    free(old);
    free(text);
    return rc == SQLITE_OK ? 0 : -1;
}

/* wsim_store_put_json - add or replace orders from JSON text; how many, -1 */
int
wsim_store_put_json(wsim_store_t *self, const char *json, char *err, size_t errlen)
{
    json_error_t jerr;
    json_t *doc = json_loads(json, JSON_REJECT_DUPLICATES, &jerr), *o;
    size_t  i;
    int     n = 0;

    if (doc == NULL) {
        snprintf(err, errlen, "not JSON: %s (line %d)", jerr.text, jerr.line);
        return -1;
    }
    if (json_is_object(doc)) {
        n = put_one(self, doc, err, errlen) == 0 ? 1 : -1;
    } else if (json_is_array(doc)) {
        json_array_foreach(doc, i, o) {
            if (put_one(self, o, err, errlen) < 0) {
                n = -1;
                break;
            }
            n++;
        }
    } else {
        snprintf(err, errlen, "expected an order object or an array of them");
        n = -1;
    }
    json_decref(doc);
    return n;
}

/* wsim_store_begin - start a transaction */
int
wsim_store_begin(wsim_store_t *self)
{
    return sqlite3_exec(self->db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

/* wsim_store_commit - end a transaction */
int
wsim_store_commit(wsim_store_t *self)
{
    return sqlite3_exec(self->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

/* wsim_store_list - one page of matching orders */
int
wsim_store_list(wsim_store_t *self, const char *statuses, const char *modified_after,
                bool ascending, long offset, long limit, wsim_store_page_fn fn,
                void *arg, long *total)
{
    char   *where, *sql, *count_sql;
    sqlite3_stmt *st = NULL;
    int     n = 0, rc;
    bool    any = statuses == NULL || *statuses == 0 || strcmp(statuses, "any") == 0;

    /* status list is bound as one text: ',processing,completed,' LIKE '%,status,%' */
    where = xasprintf("WHERE (%s) AND (?2 IS NULL OR modified > ?2)",
                      any ? "1" : "instr(',' || ?1 || ',', ',' || status || ',') > 0");
    sql = xasprintf("SELECT id, json FROM orders %s ORDER BY id %s LIMIT ?3 OFFSET ?4",
                    where, ascending ? "ASC" : "DESC");
    count_sql = xasprintf("SELECT count(*) FROM orders %s", where);
    pthread_mutex_lock(&self->lock);
    *total = 0;
    rc = sqlite3_prepare_v2(self->db, count_sql, -1, &st, NULL);
    if (rc == SQLITE_OK) {
        if (!any)
            sqlite3_bind_text(st, 1, statuses, -1, SQLITE_TRANSIENT);
        if (modified_after)
            sqlite3_bind_text(st, 2, modified_after, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(st) == SQLITE_ROW)
            *total = (long) sqlite3_column_int64(st, 0);
        else
            rc = SQLITE_ERROR;
    }
    sqlite3_finalize(st);
    st = NULL;
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(self->db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK) {
        if (!any)
            sqlite3_bind_text(st, 1, statuses, -1, SQLITE_TRANSIENT);
        if (modified_after)
            sqlite3_bind_text(st, 2, modified_after, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 3, limit);
        sqlite3_bind_int64(st, 4, offset);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            fn(sqlite3_column_int64(st, 0), (const char *) sqlite3_column_text(st, 1), arg);
            n++;
        }
        rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
    }
    sqlite3_finalize(st);
    pthread_mutex_unlock(&self->lock);
    free(where);
    free(sql);
    free(count_sql);
    return rc == SQLITE_OK ? n : -1;
}

/* wsim_store_get - one order in new memory */
char *
wsim_store_get(wsim_store_t *self, int64_t id)
{
    char   *s;

    pthread_mutex_lock(&self->lock);
    s = json_locked(self, id);
    pthread_mutex_unlock(&self->lock);
    return s;
}

/* wsim_store_put_refund - keep a refund with its order */
int
wsim_store_put_refund(wsim_store_t *self, int64_t order_id, int64_t refund_id,
                      const char *json)
{
    sqlite3_stmt *st = NULL;
    int     rc = -1;

    pthread_mutex_lock(&self->lock);
    if (sqlite3_prepare_v2(self->db, "INSERT OR REPLACE INTO refunds (order_id, id, json)"
                           " VALUES (?, ?, ?)", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, order_id);
        sqlite3_bind_int64(st, 2, refund_id);
        sqlite3_bind_text(st, 3, json, -1, SQLITE_STATIC);
        rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
    }
    sqlite3_finalize(st);
    pthread_mutex_unlock(&self->lock);
    return rc;
}

/* wsim_store_refund - one kept refund */
char *
wsim_store_refund(wsim_store_t *self, int64_t order_id, int64_t refund_id)
{
    sqlite3_stmt *st = NULL;
    char   *s = NULL;

    pthread_mutex_lock(&self->lock);
    if (sqlite3_prepare_v2(self->db, "SELECT json FROM refunds WHERE order_id = ? AND id = ?",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, order_id);
        sqlite3_bind_int64(st, 2, refund_id);
        if (sqlite3_step(st) == SQLITE_ROW)
            s = xstrdup((const char *) sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    pthread_mutex_unlock(&self->lock);
    return s;
}

/* wsim_store_count - how many orders */
int64_t
wsim_store_count(wsim_store_t *self)
{
    sqlite3_stmt *st = NULL;
    int64_t n = 0;

    pthread_mutex_lock(&self->lock);
    if (sqlite3_prepare_v2(self->db, "SELECT count(*) FROM orders", -1, &st, NULL) == SQLITE_OK
        && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    pthread_mutex_unlock(&self->lock);
    return n;
}

/* wsim_store_max_id - the highest order id */
int64_t
wsim_store_max_id(wsim_store_t *self)
{
    sqlite3_stmt *st = NULL;
    int64_t n = 0;

    pthread_mutex_lock(&self->lock);
    if (sqlite3_prepare_v2(self->db, "SELECT coalesce(max(id), 0) FROM orders", -1, &st,
                           NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    pthread_mutex_unlock(&self->lock);
    return n;
}

/* wsim_store_load_dir - every *.json file of dir */
long
wsim_store_load_dir(wsim_store_t *self, const char *dir, char *err, size_t errlen)
{
    DIR    *d = opendir(dir);
    struct dirent *e;
    long    total = 0;
    char    msg[512];

    if (d == NULL) {
        snprintf(err, errlen, "cannot open orders directory %s", dir);
        return -1;
    }
    wsim_store_begin(self);
    while ((e = readdir(d)) != NULL) {
        size_t  n = strlen(e->d_name);
        char   *path, *text;
        FILE   *fp;
        long    len;
        int     k;

        if (n < 6 || strcmp(e->d_name + n - 5, ".json") != 0)
            continue;
        path = xasprintf("%s/%s", dir, e->d_name);
        if ((fp = fopen(path, "rb")) == NULL || fseek(fp, 0, SEEK_END) != 0
            || (len = ftell(fp)) < 0) {
            snprintf(err, errlen, "cannot read %s", path);
            if (fp)
                fclose(fp);
            free(path);
            closedir(d);
            return -1;
        }
        rewind(fp);
        text = xmalloc((size_t) len + 1);
        text[fread(text, 1, (size_t) len, fp)] = 0;
        fclose(fp);
        k = wsim_store_put_json(self, text, msg, sizeof msg);
        free(text);
        if (k < 0) {
            snprintf(err, errlen, "%s: %s", path, msg);
            free(path);
            closedir(d);
            return -1;
        }
        total += k;
        free(path);
    }
    closedir(d);
    if (wsim_store_commit(self) < 0) {
        snprintf(err, errlen, "cannot commit the orders of %s", dir);
        return -1;
    }
    return total;
}
