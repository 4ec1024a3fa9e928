/*
 * NAME
 *   plan - the planning of each profile's tasks (manual 2.6)
 *
 * DESCRIPTION
 *   See plan.h. At start and at each reload every configured profile gets
 *   its task "importeren-financieel" with the interval from the
 *   configuration. The file's interval is noted with the task
 *   (file_interval_s): a task already planned keeps what koppelctl plan
 *   set for it while the file's value stays the same, and takes the file's
 *   when it changed. Tasks of profiles no longer configured are removed.
 */
#include <string.h>

#include "db.h"
#include "log.h"
#include "plan.h"
#include "xalloc.h"

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS tasks (profile TEXT NOT NULL, task TEXT NOT NULL,"
    " interval_s INTEGER NOT NULL, next_run INTEGER NOT NULL,"
    " last_run INTEGER NOT NULL DEFAULT 0, last_ok INTEGER, last_result TEXT NOT NULL DEFAULT '',"
    " running_job INTEGER NOT NULL DEFAULT 0, running_since INTEGER NOT NULL DEFAULT 0,"
    " file_interval_s INTEGER, PRIMARY KEY (profile, task));"
    "CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);";

struct plan {
    sqlite3 *db;
};

/* run - execute a prepared statement, log failure, finalize */
static bool
run(plan_t *self, sqlite3_stmt *st)
{
    int     rc = sqlite3_step(st);

    sqlite3_finalize(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        log_error("scheduler.db: %s", sqlite3_errmsg(self->db));
        return false;
    }
    return true;
}

/* add_file_column - scheduler.db of an earlier version: note the file's
 * interval per task (NULL until the configuration is next read) */
static bool
add_file_column(sqlite3 *db, char *err, size_t errlen)
{
    sqlite3_stmt *st;

    if (sqlite3_prepare_v2(db, "SELECT file_interval_s FROM tasks LIMIT 0", -1, &st, NULL)
        == SQLITE_OK) {
        sqlite3_finalize(st);
        return true;
    }
    return db_exec(db, "ALTER TABLE tasks ADD COLUMN file_interval_s INTEGER", err, errlen);
}

/* plan_configure - bring the tasks in line with the configuration */
bool
plan_configure(plan_t *self, const cfg_t *cfg, int64_t now, char *err, size_t errlen)
{
    sqlite3 *db = self->db;
    sqlite3_stmt *st;
    size_t  i;
    bool    ok = true;

    if (!db_exec(db, "CREATE TEMP TABLE IF NOT EXISTS configured (profile TEXT PRIMARY KEY);"
                     "CREATE TEMP TABLE IF NOT EXISTS disabled (profile TEXT PRIMARY KEY);"
                     "DELETE FROM configured; DELETE FROM disabled", err, errlen))
        return false;
    for (i = 0; i < cfg->nprofiles && ok; i++) {
        const profile_t *p = &cfg->profiles[i];

        st = db_prepare(db, "INSERT OR IGNORE INTO tasks (profile, task, interval_s, next_run,"
                            " file_interval_s) VALUES (?1, ?2, ?3, ?4, ?3)");
        sqlite3_bind_text(st, 1, p->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, TASK_IMPORT, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 3, p->import_interval_s);
        sqlite3_bind_int64(st, 4, now);
        ok = run(self, st);
        /* the file's value changed since it was last read: it wins over an
         * earlier koppelctl plan; switched on, the task runs at once */
        st = db_prepare(db, "UPDATE tasks SET next_run = CASE WHEN ?3 = 0 THEN next_run"
                            " WHEN interval_s = 0 THEN ?4 ELSE MIN(next_run, ?4 + ?3) END,"
                            " interval_s = ?3, file_interval_s = ?3"
                            " WHERE profile = ?1 AND task = ?2 AND file_interval_s IS NOT NULL"
                            " AND file_interval_s != ?3");
        sqlite3_bind_text(st, 1, p->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, TASK_IMPORT, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 3, p->import_interval_s);
        sqlite3_bind_int64(st, 4, now);
        ok = ok && run(self, st);
        if (ok && sqlite3_changes(db) > 0)
            log_info("profile %s: %s planned as in the configuration: %s", p->name, TASK_IMPORT,
                     config_interval_name(p->import_interval_s));
        st = db_prepare(db, "UPDATE tasks SET file_interval_s = ?3 WHERE profile = ?1"
                            " AND task = ?2 AND file_interval_s IS NULL");
        sqlite3_bind_text(st, 1, p->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, TASK_IMPORT, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 3, p->import_interval_s);
        ok = ok && run(self, st);
        st = db_prepare(db, "INSERT OR IGNORE INTO configured VALUES (?)");
        sqlite3_bind_text(st, 1, p->name, -1, SQLITE_STATIC);
        ok = ok && run(self, st);
        if (ok && !p->enabled) {        /* switched off in the file: never planned */
            st = db_prepare(db, "INSERT OR IGNORE INTO disabled VALUES (?)");
            sqlite3_bind_text(st, 1, p->name, -1, SQLITE_STATIC);
            ok = run(self, st);
        }
    }
    if (!ok) {
        snprintf(err, errlen, "scheduler.db: %s", sqlite3_errmsg(db));
        return false;
    }
    return db_exec(db, "DELETE FROM tasks WHERE profile NOT IN (SELECT profile FROM configured)",
                   err, errlen);
}

/* plan_open - open scheduler.db and bring it in line with the configuration */
plan_t *
plan_open(const char *path, const cfg_t *cfg, int64_t now, char *err, size_t errlen)
{
    plan_t *self;
    sqlite3 *db = db_open(path, schema, err, errlen);

    if (db == NULL)
        return NULL;
    self = xcalloc(1, sizeof *self);
    self->db = db;
    /* a job that ran when the scheduler stopped has no fetcher to report it now */
    plan_forget_running(self);
    if (!add_file_column(db, err, errlen) || !plan_configure(self, cfg, now, err, errlen)) {
        plan_close(&self);
        return NULL;
    }
    return self;
}

void
plan_close(plan_t **self_p)
{
    if (self_p && *self_p) {
        db_close(&(*self_p)->db);
        free(*self_p);
        *self_p = NULL;
    }
}

/* plan_next_run - the catch-up rule */
int64_t
plan_next_run(int64_t next, int interval_s, int64_t now)
{
    if (interval_s <= 0)
        return next;
    while (next <= now)
        next += interval_s;
    return next;
}

/* plan_due - the first task due that does not run */
db_found_t
plan_due(plan_t *self, int64_t now, char *profile, size_t plen, char *task, size_t tlen,
         char *err, size_t errlen)
{
    sqlite3_stmt *st = db_query(self->db,
        "SELECT profile, task FROM tasks WHERE interval_s > 0 AND next_run <= ?"
        " AND running_job = 0 AND profile NOT IN (SELECT profile FROM disabled)"
        " ORDER BY next_run LIMIT 1", err, errlen);
    db_found_t due;

    if (st == NULL)
        return DB_ERROR;
    sqlite3_bind_int64(st, 1, now);
    if ((due = db_step_row(self->db, st, err, errlen)) == DB_FOUND) {
        snprintf(profile, plen, "%s", db_text(st, 0));
        snprintf(task, tlen, "%s", db_text(st, 1));
    }
    sqlite3_finalize(st);
    return due;
}

/* plan_advance - move a task's next run by the catch-up rule */
bool
plan_advance(plan_t *self, const char *profile, const char *task, int64_t now)
{
    char    err[512];
    sqlite3_stmt *st = db_query(self->db,
        "SELECT interval_s, next_run FROM tasks WHERE profile = ? AND task = ?",
        err, sizeof err);
    int64_t next = 0;
    int     interval = 0;
    db_found_t found = DB_ERROR;

    if (st != NULL) {
        sqlite3_bind_text(st, 1, profile, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, task, -1, SQLITE_STATIC);
        if ((found = db_step_row(self->db, st, err, sizeof err)) == DB_FOUND) {
            interval = sqlite3_column_int(st, 0);
            next = sqlite3_column_int64(st, 1);
        }
        sqlite3_finalize(st);
    }
    if (found != DB_FOUND) {    /* a next run made up from nothing would be wrong */
        if (found == DB_ABSENT)
            snprintf(err, sizeof err, "profiel %s heeft geen taak %s", profile, task);
        log_error("scheduler.db: cannot move the next run of %s %s: %s", profile, task, err);
        return false;
    }
    st = db_prepare(self->db, "UPDATE tasks SET next_run = ? WHERE profile = ? AND task = ?");
    sqlite3_bind_int64(st, 1, plan_next_run(next, interval, now));
    sqlite3_bind_text(st, 2, profile, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, task, -1, SQLITE_STATIC);
    return run(self, st);
}

/* plan_running - the job running for a task */
db_found_t
plan_running(plan_t *self, const char *profile, const char *task, int64_t *job,
             char *err, size_t errlen)
{
    sqlite3_stmt *st = db_query(self->db,
        "SELECT running_job FROM tasks WHERE profile = ? AND task = ?", err, errlen);
    db_found_t found;

    if (st == NULL)
        return DB_ERROR;
    sqlite3_bind_text(st, 1, profile, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, task, -1, SQLITE_STATIC);
    if ((found = db_step_row(self->db, st, err, errlen)) == DB_FOUND)
        *job = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return found;
}

/* plan_started - a job for a task was sent */
void
plan_started(plan_t *self, const char *profile, const char *task, int64_t job_id, int64_t now)
{
    sqlite3_stmt *st = db_prepare(self->db,
        "UPDATE tasks SET running_job = ?, running_since = ?, last_run = ?"
        " WHERE profile = ? AND task = ?");

    sqlite3_bind_int64(st, 1, job_id);
    sqlite3_bind_int64(st, 2, now);
    sqlite3_bind_int64(st, 3, now);
    sqlite3_bind_text(st, 4, profile, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, task, -1, SQLITE_STATIC);
    run(self, st);
}

/* plan_finished - a job ended */
void
plan_finished(plan_t *self, const char *profile, const char *task, int64_t job_id, bool ok,
              const char *text, int64_t now)
{
    sqlite3_stmt *st = db_prepare(self->db,
        "UPDATE tasks SET running_job = 0, running_since = 0, last_ok = ?, last_result = ?"
        " WHERE profile = ? AND task = ? AND running_job = ?");

    (void) now;
    sqlite3_bind_int(st, 1, ok);
    sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, profile, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, task, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, job_id);
    run(self, st);
}

/* plan_forget_running - no job runs any more */
void
plan_forget_running(plan_t *self)
{
    run(self, db_prepare(self->db, "UPDATE tasks SET running_job = 0, running_since = 0"));
}

/* plan_expire - forget jobs that run too long */
void
plan_expire(plan_t *self, int64_t now, int64_t max_s)
{
    sqlite3_stmt *st = db_prepare(self->db,
        "UPDATE tasks SET running_job = 0, running_since = 0, last_ok = 0,"
        " last_result = 'no answer from the fetcher; the run is considered ended'"
        " WHERE running_job <> 0 AND running_since < ?");

    sqlite3_bind_int64(st, 1, now - max_s);
    run(self, st);
}

/* plan_set - change interval and/or next run */
bool
plan_set(plan_t *self, const char *profile, const char *task, int interval_s, int64_t next,
         char *err, size_t errlen)
{
    sqlite3_stmt *st = db_prepare(self->db,
        "UPDATE tasks SET interval_s = CASE WHEN ?1 >= 0 THEN ?1 ELSE interval_s END,"
        " next_run = CASE WHEN ?2 > 0 THEN ?2 ELSE next_run END WHERE profile = ?3 AND task = ?4");

    sqlite3_bind_int(st, 1, interval_s);
    sqlite3_bind_int64(st, 2, next);
    sqlite3_bind_text(st, 3, profile, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, task, -1, SQLITE_STATIC);
    if (!run(self, st)) {
        snprintf(err, errlen, "scheduler.db: %s", sqlite3_errmsg(self->db));
        return false;
    }
    if (sqlite3_changes(self->db) != 1) {
        snprintf(err, errlen, "profiel %s heeft geen taak %s", profile, task);
        return false;
    }
    return true;
}

/* plan_list - every task as a JSON array */
json_t *
plan_list(plan_t *self)
{
    sqlite3_stmt *st = db_prepare(self->db,
        "SELECT profile, task, interval_s, next_run, last_run, last_ok, last_result, running_job,"
        " profile NOT IN (SELECT profile FROM disabled) FROM tasks ORDER BY profile, task");
    json_t *list = json_array();

    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *iv = config_interval_name(sqlite3_column_int(st, 2));
        json_t *t = json_pack("{s:s, s:s, s:i, s:I, s:I, s:s, s:b, s:b}",
            "profile", db_text(st, 0), "task", db_text(st, 1),
            "interval_s", sqlite3_column_int(st, 2),
            "next_run", (json_int_t) sqlite3_column_int64(st, 3),
            "last_run", (json_int_t) sqlite3_column_int64(st, 4),
            "last_result", db_text(st, 6), "running", sqlite3_column_int64(st, 7) != 0,
            "enabled", sqlite3_column_int(st, 8) != 0);

        json_object_set_new(t, "interval", iv ? json_string(iv) : json_null());
        json_object_set_new(t, "last_ok", sqlite3_column_type(st, 5) == SQLITE_NULL
                            ? json_null() : json_boolean(sqlite3_column_int(st, 5)));
        json_array_append_new(list, t);
    }
    sqlite3_finalize(st);
    return list;
}

/* plan_enabled - false when the profile has enabled = false in the configuration */
bool
plan_enabled(plan_t *self, const char *profile)
{
    sqlite3_stmt *st = db_prepare(self->db, "SELECT 1 FROM disabled WHERE profile = ?");
    bool    enabled;

    sqlite3_bind_text(st, 1, profile, -1, SQLITE_STATIC);
    enabled = sqlite3_step(st) != SQLITE_ROW;
    sqlite3_finalize(st);
    return enabled;
}

/* plan_new_job_id - a job id never used before, kept across restarts */
int64_t
plan_new_job_id(plan_t *self)
{
    sqlite3_stmt *st = db_prepare(self->db,
        "INSERT INTO counters VALUES ('job', 1) ON CONFLICT (name) DO UPDATE SET"
        " value = value + 1 RETURNING value");
    int64_t id = 0;

    if (sqlite3_step(st) == SQLITE_ROW)
        id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (id == 0)
        log_fatal("scheduler.db: cannot count jobs: %s", sqlite3_errmsg(self->db));
    return id;
}
