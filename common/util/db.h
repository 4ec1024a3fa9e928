/*
 * NAME
 *   db - SQLite state files of the daemons
 *
 * DESCRIPTION
 *   Each daemon owns one SQLite file in the state directory. db_open
 *   opens it in WAL mode with synchronous=FULL, so that a committed
 *   transaction survives SIGKILL and power loss: nothing is acknowledged
 *   before its commit returned. A busy timeout lets koppelctl read while
 *   the daemon writes. A state file is created 0600 whatever the umask;
 *   one that others may read loses those bits when it is opened.
 */
#ifndef KOPPEL_DB_H
#define KOPPEL_DB_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sqlite3.h>

/* db_make_private - create path with mode (0600, 0660) whatever the umask,
 * or take the bits for others away from an existing file; false with err */
bool db_make_private(const char *path, mode_t mode, char *err, size_t errlen);

/* db_open - open (create: 0600) a state file and apply its schema; NULL with err */
sqlite3 *db_open(const char *path, const char *schema, char *err, size_t errlen);

/* db_close - close and null the caller's pointer */
void db_close(sqlite3 **db_p);

/* db_exec - run SQL without results; false with err */
bool db_exec(sqlite3 *db, const char *sql, char *err, size_t errlen);

/* db_prepare - a prepared statement; panics on SQL that does not compile
 * (koppel's own SQL is an invariant, not input) */
sqlite3_stmt *db_prepare(sqlite3 *db, const char *sql);

/* db_query - prepare a read (or a small write) on a state file; NULL with err
 * when it does not compile against the file as it is now (a table dropped
 * or damaged under the open connection): that is a broken file, not a
 * broken program, so the caller reports it and tries later */
sqlite3_stmt *db_query(sqlite3 *db, const char *sql, char *err, size_t errlen);

/* db_begin, db_commit, db_rollback - transactions; false with err on failure */
bool db_begin(sqlite3 *db, char *err, size_t errlen);
bool db_commit(sqlite3 *db, char *err, size_t errlen);
void db_rollback(sqlite3 *db);

/* db_found_t - the answer of a read: a row, no row, or the read failed.
 * An error is never an absence: a caller that gets DB_ERROR tries later. */
typedef enum { DB_ERROR = -1, DB_ABSENT = 0, DB_FOUND = 1 } db_found_t;

/* db_step_row - step a query once: DB_FOUND on a row, DB_ABSENT when there
 * is none, DB_ERROR with err (file and SQLite's words) when the step failed */
db_found_t db_step_row(sqlite3 *db, sqlite3_stmt *st, char *err, size_t errlen);

/* db_text - column text, "" for NULL */
const char *db_text(sqlite3_stmt *st, int col);

/* db_now - the current time in seconds since the epoch */
int64_t db_now(void);

#endif
