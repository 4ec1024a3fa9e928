/*
 * NAME
 *   infolog - the information log: what koppel did, per profile
 *
 * DESCRIPTION
 *   See infolog.h. Schema: one table, rows(id, at, profile, level, kind,
 *   order_number, text), indexed by time. Times are seconds since the
 *   epoch and shown in local time.
 *
 * DIAGNOSTICS
 *   Errors name the file and carry SQLite's message.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <strings.h>
#include <time.h>

#include "db.h"
#include "infolog.h"
#include "log.h"
#include "xalloc.h"

#define PURGE_EVERY_S 3600

struct infolog {
    sqlite3 *db;
    char    *path;
    int64_t  last_purge;
};

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS rows ("
    "  id INTEGER PRIMARY KEY,"
    "  at INTEGER NOT NULL,"
    "  profile TEXT NOT NULL,"
    "  level INTEGER NOT NULL,"
    "  kind TEXT NOT NULL,"
    "  order_number INTEGER NOT NULL DEFAULT 0,"
    "  text TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS rows_at ON rows(at);";

/* infolog_open - open STATE_DIR/infolog.db for writing */
infolog_t *
infolog_open(const char *state_dir, char *err, size_t errlen)
{
    char   *path = xasprintf("%s/%s", state_dir, INFOLOG_FILE);
    infolog_t *self = infolog_open_path(path, true, err, errlen);

    free(path);
    return self;
}

/* infolog_open_path - open a file path, creating it when asked */
infolog_t *
infolog_open_path(const char *path, bool create, char *err, size_t errlen)
{
    infolog_t *self;
    sqlite3 *db = NULL;
    char   *msg = NULL;
    int     flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX;
    int     rc = SQLITE_OK, tries;

    /* 0660: koppelctl reads and clears it as a member of the daemons' group */
    if (create && !db_make_private(path, 0660, err, errlen))
        return NULL;
    if (create)
        flags |= SQLITE_OPEN_CREATE;
    if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s: cannot open the information log: %s%s", path,
                 db ? sqlite3_errmsg(db) : "out of memory",
                 create ? "" : " (has a daemon run yet? koppelctl needs read and write "
                 "access: run it as root or as a member of the daemons' group)");
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, 5000);
    /* synchronous=NORMAL: the log is information, not state; a row lost at
     * power loss costs nothing, and WAL keeps the file consistent. Several
     * daemons create the file at once when they start: switching to WAL can
     * then answer "locked" without waiting, so that is tried again. */
    for (tries = 0; tries < 50; tries++) {
        rc = sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                          NULL, NULL, &msg);
        if (rc == SQLITE_OK)
            rc = sqlite3_exec(db, schema, NULL, NULL, &msg);
        if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
            break;
        sqlite3_free(msg);
        msg = NULL;
        usleep(100000);
    }
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", path, msg ? msg : sqlite3_errmsg(db));
        sqlite3_free(msg);
        sqlite3_close(db);
        return NULL;
    }
    self = xcalloc(1, sizeof *self);
    self->db = db;
    self->path = xstrdup(path);
    return self;
}

/* infolog_close - close and null the caller's pointer */
void
infolog_close(infolog_t **self_p)
{
    if (self_p == NULL || *self_p == NULL)
        return;
    db_close(&(*self_p)->db);
    free((*self_p)->path);
    free(*self_p);
    *self_p = NULL;
}

/* plain - control characters to spaces, so that a row is one line */
static void
plain(char *s)
{
    for (; *s; s++)
        if ((unsigned char) *s < 0x20 || *s == 0x7f)
            *s = ' ';
}

/* infolog_add - write one row */
void
infolog_add(infolog_t *self, const char *profile, infolog_level_t level,
            const char *kind, int64_t order, const char *fmt, ...)
{
    sqlite3_stmt *st;
    va_list ap;
    char   *text;

    if (self == NULL)
        return;
    va_start(ap, fmt);
    if (vasprintf(&text, fmt, ap) < 0)
        log_fatal("out of memory");
    va_end(ap);
    plain(text);
    st = db_prepare(self->db, "INSERT INTO rows(at, profile, level, kind, order_number, text)"
                    " VALUES (?, ?, ?, ?, ?, ?)");
    sqlite3_bind_int64(st, 1, db_now());
    sqlite3_bind_text(st, 2, profile ? profile : "", -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, level == INFOLOG_EXTENDED ? 1 : 0);
    sqlite3_bind_text(st, 4, kind, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, order);
    sqlite3_bind_text(st, 6, text, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        log_warning("%s: information log row not written (%s): %s", self->path,
                    sqlite3_errmsg(self->db), text);
    sqlite3_finalize(st);
    free(text);
}

/* select_rows - a statement over the selected rows, oldest first */
static sqlite3_stmt *
select_rows(infolog_t *self, const infolog_filter_t *f)
{
    sqlite3_stmt *st;

    /* the newest N, shown oldest first */
    st = db_prepare(self->db,
                    "SELECT id, at, profile, level, kind, order_number, text FROM ("
                    " SELECT * FROM rows WHERE (?1 IS NULL OR profile = ?1)"
                    " AND (?2 OR level = 0) ORDER BY id DESC LIMIT ?3"
                    ") ORDER BY id");
    if (f && f->profile)
        sqlite3_bind_text(st, 1, f->profile, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 1);
    sqlite3_bind_int(st, 2, f && f->extended);
    sqlite3_bind_int(st, 3, f && f->limit > 0 ? f->limit : -1);
    return st;
}

/* level_name - the view a row belongs to */
static const char *
level_name(int level)
{
    return level ? "extended" : "short";
}

/* infolog_query - the selected rows as JSON */
json_t *
infolog_query(infolog_t *self, const infolog_filter_t *filter, char *err, size_t errlen)
{
    sqlite3_stmt *st = select_rows(self, filter);
    json_t *list = json_array();
    int     rc;

    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(list, json_pack("{s:I, s:I, s:s, s:s, s:s, s:I, s:s}",
            "id", (json_int_t) sqlite3_column_int64(st, 0),
            "at", (json_int_t) sqlite3_column_int64(st, 1),
            "profile", db_text(st, 2), "level", level_name(sqlite3_column_int(st, 3)),
            "kind", db_text(st, 4), "order", (json_int_t) sqlite3_column_int64(st, 5),
            "text", db_text(st, 6)));
    if (rc != SQLITE_DONE) {
        snprintf(err, errlen, "%s: cannot read the information log: %s", self->path,
                 sqlite3_errmsg(self->db));
        json_decref(list);
        list = NULL;
    }
    sqlite3_finalize(st);
    return list;
}

/* delete_where - run a DELETE with one optional binding; rows removed or -1 */
static int64_t
delete_rows(infolog_t *self, const char *sql, const char *text, int64_t number,
            char *err, size_t errlen)
{
    sqlite3_stmt *st = db_prepare(self->db, sql);
    int64_t n = -1;

    if (text)
        sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
    else
        sqlite3_bind_int64(st, 1, number);
    if (sqlite3_step(st) == SQLITE_DONE)
        n = sqlite3_changes(self->db);
    else
        snprintf(err, errlen, "%s: cannot remove rows from the information log: %s",
                 self->path, sqlite3_errmsg(self->db));
    sqlite3_finalize(st);
    return n;
}

/* infolog_clear - remove every row, or a profile's */
int64_t
infolog_clear(infolog_t *self, const char *profile, char *err, size_t errlen)
{
    if (profile)
        return delete_rows(self, "DELETE FROM rows WHERE profile = ?", profile, 0, err, errlen);
    return delete_rows(self, "DELETE FROM rows WHERE id >= ?", NULL, 0, err, errlen);
}

/* infolog_purge - remove rows older than days */
int64_t
infolog_purge(infolog_t *self, int days, int64_t now, char *err, size_t errlen)
{
    return delete_rows(self, "DELETE FROM rows WHERE at < ?", NULL,
                       now - (int64_t) days * 86400, err, errlen);
}

/* infolog_tick - purge at most once an hour */
void
infolog_tick(infolog_t *self)
{
    int64_t now = db_now(), n;
    char    err[512];

    if (self == NULL || now - self->last_purge < PURGE_EVERY_S)
        return;
    self->last_purge = now;
    if ((n = infolog_purge(self, INFOLOG_KEEP_DAYS, now, err, sizeof err)) < 0)
        log_warning("%s", err);
    else if (n > 0)
        log_info("information log: %lld rows older than %d days removed", (long long) n,
                 INFOLOG_KEEP_DAYS);
}

/* infolog_time - local "YYYY-MM-DD HH:MM:SS" */
const char *
infolog_time(int64_t at, char *buf, size_t len)
{
    time_t  t = (time_t) at;
    struct tm tm;

    localtime_r(&t, &tm);
    strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
    return buf;
}
