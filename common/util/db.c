/*
 * NAME
 *   db - SQLite state files of the daemons
 *
 * DESCRIPTION
 *   See db.h.
 *
 * DIAGNOSTICS
 *   Errors carry SQLite's message and the file name. A statement of
 *   koppel's own that does not compile is a panic.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "db.h"
#include "log.h"

/* db_make_private - create the file with mode if it is missing, whatever
 * the umask, and take away what others may do with an existing one (an
 * earlier version made them 0644): SQLite gives its -wal and -shm files
 * the same mode. An existing file is never opened: closing a descriptor
 * of it would drop every POSIX lock this process holds on it, those of the
 * SQLite connections already open included (a booker's main connection
 * when a worker opens its own), and another process would then take the
 * WAL for unused, checkpoint it and delete it under the running daemon. */
bool
db_make_private(const char *path, mode_t mode, char *err, size_t errlen)
{
    struct stat st;
    int     fd;

    if (lstat(path, &st) == 0) {
        if (!S_ISREG(st.st_mode)) {
            snprintf(err, errlen, "%s: cannot open: not a regular file", path);
            return false;
        }
        if ((st.st_mode & 0007) != 0 && chmod(path, st.st_mode & 0770) != 0) {
            snprintf(err, errlen, "%s: cannot make it private (chmod o-rwx): %s", path,
                     strerror(errno));
            return false;
        }
        return true;
    }
    fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode & 0770);
    if (fd < 0 && errno != EEXIST) {    /* EEXIST: made meanwhile, by its own daemon */
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return false;
    }
    if (fd >= 0)
        close(fd);
    return true;
}

/* db_open - open a state file and apply its schema */
sqlite3 *
db_open(const char *path, const char *schema, char *err, size_t errlen)
{
    sqlite3 *db = NULL;
    char   *msg = NULL;

    if (!db_make_private(path, 0600, err, errlen))
        return NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
                        | SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s: cannot open: %s", path, db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, 5000);
    /* cache_size: 512 KiB of pages; the state files are written in
       appended batches and read by key, a larger cache buys little */
    if (sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                     "PRAGMA foreign_keys=ON; PRAGMA cache_size=-512;", NULL, NULL, &msg)
        != SQLITE_OK
        || (schema && sqlite3_exec(db, schema, NULL, NULL, &msg) != SQLITE_OK)) {
        snprintf(err, errlen, "%s: %s", path, msg ? msg : sqlite3_errmsg(db));
        sqlite3_free(msg);
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

/* db_close - close and null the caller's pointer */
void
db_close(sqlite3 **db_p)
{
    if (db_p && *db_p) {
        sqlite3_close_v2(*db_p);
        *db_p = NULL;
    }
}

/* db_exec - run SQL without results */
bool
db_exec(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
    char   *msg = NULL;

    if (sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK)
        return true;
    snprintf(err, errlen, "%s: %s", sqlite3_db_filename(db, "main"),
             msg ? msg : sqlite3_errmsg(db));
    sqlite3_free(msg);
    return false;
}

/* db_prepare - a prepared statement of koppel's own SQL */
sqlite3_stmt *
db_prepare(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;

    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        log_panic("SQL does not compile: %s: %s", sqlite3_errmsg(db), sql);
    return st;
}

/* db_query - a prepared statement, or NULL with err */
sqlite3_stmt *
db_query(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
    sqlite3_stmt *st = NULL;

    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s: cannot read: %s", sqlite3_db_filename(db, "main"),
                 sqlite3_errmsg(db));
        sqlite3_finalize(st);
        return NULL;
    }
    return st;
}

bool
db_begin(sqlite3 *db, char *err, size_t errlen)
{
    return db_exec(db, "BEGIN IMMEDIATE", err, errlen);
}

bool
db_commit(sqlite3 *db, char *err, size_t errlen)
{
    if (db_exec(db, "COMMIT", err, errlen))
        return true;
    db_rollback(db);
    return false;
}

void
db_rollback(sqlite3 *db)
{
    if (!sqlite3_get_autocommit(db))
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

/* db_step_row - one step of a query: a row, none, or an error */
db_found_t
db_step_row(sqlite3 *db, sqlite3_stmt *st, char *err, size_t errlen)
{
    int     rc = sqlite3_step(st);

    if (rc == SQLITE_ROW)
        return DB_FOUND;
    if (rc == SQLITE_DONE)
        return DB_ABSENT;
    snprintf(err, errlen, "%s: cannot read: %s", sqlite3_db_filename(db, "main"),
             sqlite3_errmsg(db));
    return DB_ERROR;
}

/* db_text - column text, "" for NULL */
const char *
db_text(sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);

    return t ? (const char *) t : "";
}

/* db_now - seconds since the epoch */
int64_t
db_now(void)
{
    return (int64_t) time(NULL);
}
