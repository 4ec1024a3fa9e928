/*
 * NAME
 *   hookstore - the webhook tables of fetcher.db (see hookstore.h)
 *
 * DIAGNOSTICS
 *   A failed read or write is logged and returned: the caller rolls the
 *   delivery's transaction back and answers 500, so that WooCommerce
 *   sends it again.
 */
#include <stdio.h>

#include "hookstore.h"
#include "log.h"

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS webhook_deliveries (profile TEXT NOT NULL,"
    " delivery_id TEXT NOT NULL, received_at INTEGER NOT NULL,"
    " PRIMARY KEY (profile, delivery_id));"
    "CREATE INDEX IF NOT EXISTS webhook_deliveries_age ON webhook_deliveries (received_at);"
    "CREATE TABLE IF NOT EXISTS webhook_orders (profile TEXT NOT NULL,"
    " number INTEGER NOT NULL, modified INTEGER NOT NULL, PRIMARY KEY (profile, number));";

bool
hookstore_init(store_t *store, char *err, size_t errlen)
{
    return db_exec(store_sqlite(store), schema, err, errlen);
}

/* one_row - step a bound query once, then finalize it: DB_FOUND on a row */
static db_found_t
one_row(sqlite3 *db, sqlite3_stmt *st, int64_t *value)
{
    char    err[512];
    db_found_t found = db_step_row(db, st, err, sizeof err);

    if (found == DB_FOUND && value)
        *value = sqlite3_column_int64(st, 0);
    if (found == DB_ERROR)
        log_error("%s", err);
    sqlite3_finalize(st);
    return found;
}

db_found_t
hookstore_seen(store_t *store, const char *profile, const char *delivery_id)
{
    sqlite3 *db = store_sqlite(store);
    char    err[512];
    sqlite3_stmt *st = db_query(db, "SELECT 1 FROM webhook_deliveries WHERE profile = ?1"
                                " AND delivery_id = ?2", err, sizeof err);

    if (st == NULL) {
        log_error("%s", err);
        return DB_ERROR;
    }
    sqlite3_bind_text(st, 1, profile, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, delivery_id, -1, SQLITE_STATIC);
    return one_row(db, st, NULL);
}

db_found_t
hookstore_newest(store_t *store, const char *profile, int64_t number, time_t *modified)
{
    sqlite3 *db = store_sqlite(store);
    char    err[512];
    sqlite3_stmt *st = db_query(db, "SELECT modified FROM webhook_orders WHERE profile = ?1"
                                " AND number = ?2", err, sizeof err);
    int64_t v = 0;
    db_found_t found;

    if (st == NULL) {
        log_error("%s", err);
        return DB_ERROR;
    }
    sqlite3_bind_text(st, 1, profile, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, number);
    if ((found = one_row(db, st, &v)) == DB_FOUND)
        *modified = (time_t) v;
    return found;
}

bool
hookstore_is_older(time_t modified, time_t newest)
{
    return modified < newest;
}

/* run - one write; false (logged) when it failed */
static bool
run(sqlite3 *db, sqlite3_stmt *st)
{
    int     rc = sqlite3_step(st);

    sqlite3_finalize(st);
    if (rc == SQLITE_DONE)
        return true;
    log_error("fetcher.db: %s", sqlite3_errmsg(db));
    return false;
}

bool
hookstore_note(store_t *store, const char *profile, const char *delivery_id, int64_t number,
               time_t modified)
{
    sqlite3 *db = store_sqlite(store);
    sqlite3_stmt *st;

    if (*delivery_id) {
        st = db_prepare(db, "INSERT OR IGNORE INTO webhook_deliveries VALUES (?1, ?2, ?3)");
        sqlite3_bind_text(st, 1, profile, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, delivery_id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, db_now());
        if (!run(db, st))
            return false;
    }
    st = db_prepare(db, "INSERT INTO webhook_orders VALUES (?1, ?2, ?3)"
                    " ON CONFLICT (profile, number) DO UPDATE SET modified = MAX(modified, ?3)");
    sqlite3_bind_text(st, 1, profile, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, number);
    sqlite3_bind_int64(st, 3, (int64_t) modified);
    return run(db, st);
}

void
hookstore_purge(store_t *store, int64_t before)
{
    sqlite3 *db = store_sqlite(store);
    sqlite3_stmt *st = db_prepare(db, "DELETE FROM webhook_deliveries WHERE received_at < ?1");

    sqlite3_bind_int64(st, 1, before);
    run(db, st);
}
