/*
 * NAME
 *   ledger - the booker's record of what it booked and created
 *
 * DESCRIPTION
 *   See ledger.h. Each write is its own transaction (WAL, synchronous=FULL
 *   through db_open), so it is on disk before the booker posts or reports.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "ledger.h"
#include "log.h"
#include "xalloc.h"

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS ledger (profile TEXT NOT NULL, number INTEGER NOT NULL,"
    " state TEXT NOT NULL, factuurnummer TEXT NOT NULL, boeking_id TEXT NOT NULL DEFAULT '',"
    " relatie_id TEXT NOT NULL DEFAULT '', relatiecode INTEGER NOT NULL DEFAULT 0,"
    " reason TEXT NOT NULL DEFAULT '', updated_at INTEGER NOT NULL,"
    " PRIMARY KEY (profile, number));"
    "CREATE TABLE IF NOT EXISTS relaties_created (profile TEXT NOT NULL, key TEXT NOT NULL,"
    " relatie_id TEXT NOT NULL, relatiecode INTEGER NOT NULL, created_at INTEGER NOT NULL,"
    " PRIMARY KEY (profile, key));"
    "CREATE TABLE IF NOT EXISTS followups (profile TEXT NOT NULL, key TEXT NOT NULL,"
    " state TEXT NOT NULL, id TEXT NOT NULL DEFAULT '', reason TEXT NOT NULL DEFAULT '',"
    " updated_at INTEGER NOT NULL, PRIMARY KEY (profile, key));";

struct ledger {
    sqlite3 *db;
    sqlite3_stmt *get, *set, *rel_get, *rel_add, *fu_get, *fu_set;
};

ledger_t *
ledger_open(const char *path, char *err, size_t errlen)
{
    sqlite3 *db = db_open(path, schema, err, errlen);
    ledger_t *self;

    if (db == NULL)
        return NULL;
    self = xcalloc(1, sizeof *self);
    self->db = db;
    self->get = db_prepare(db, "SELECT state, factuurnummer, boeking_id, relatie_id,"
                           " relatiecode FROM ledger WHERE profile = ? AND number = ?");
    self->set = db_prepare(db, "INSERT INTO ledger (profile, number, state, factuurnummer,"
        " boeking_id, relatie_id, relatiecode, reason, updated_at)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (profile, number) DO UPDATE"
        " SET state = ?3, factuurnummer = ?4, boeking_id = ?5, relatie_id = ?6,"
        " relatiecode = ?7, reason = ?8, updated_at = ?9");
    self->rel_get = db_prepare(db, "SELECT relatie_id, relatiecode FROM relaties_created"
                               " WHERE profile = ? AND key = ?");
    self->rel_add = db_prepare(db, "INSERT OR REPLACE INTO relaties_created (profile, key,"
                               " relatie_id, relatiecode, created_at) VALUES (?, ?, ?, ?, ?)");
    self->fu_get = db_prepare(db, "SELECT state, id FROM followups WHERE profile = ? AND key = ?");
    self->fu_set = db_prepare(db, "INSERT OR REPLACE INTO followups (profile, key, state, id,"
                              " reason, updated_at) VALUES (?, ?, ?, ?, ?, ?)");
    return self;
}

void
ledger_close(ledger_t **self_p)
{
    ledger_t *self;

    if (self_p == NULL || *self_p == NULL)
        return;
    self = *self_p;
    sqlite3_finalize(self->get);
    sqlite3_finalize(self->set);
    sqlite3_finalize(self->rel_get);
    sqlite3_finalize(self->rel_add);
    sqlite3_finalize(self->fu_get);
    sqlite3_finalize(self->fu_set);
    db_close(&self->db);
    free(self);
    *self_p = NULL;
}

/* ledger_get - the entry of an order: found, none, or the read failed */
db_found_t
ledger_get(ledger_t *self, const char *profile, int64_t number, ledger_entry_t *e,
           char *err, size_t errlen)
{
    db_found_t found;

    memset(e, 0, sizeof *e);
    sqlite3_bind_text(self->get, 1, profile, -1, SQLITE_STATIC);
    sqlite3_bind_int64(self->get, 2, number);
    if ((found = db_step_row(self->db, self->get, err, errlen)) == DB_FOUND) {
        snprintf(e->state, sizeof e->state, "%s", db_text(self->get, 0));
        snprintf(e->factuurnummer, sizeof e->factuurnummer, "%s", db_text(self->get, 1));
        snprintf(e->boeking_id, sizeof e->boeking_id, "%s", db_text(self->get, 2));
        snprintf(e->relatie_id, sizeof e->relatie_id, "%s", db_text(self->get, 3));
        e->relatiecode = sqlite3_column_int(self->get, 4);
    }
    sqlite3_reset(self->get);
    return found;
}

/* ledger_set - write an order's state durably */
bool
ledger_set(ledger_t *self, const char *profile, int64_t number, const char *state,
           const char *factuurnummer, const char *boeking_id, const char *relatie_id,
           int32_t relatiecode, const char *reason, char *err, size_t errlen)
{
    int     rc;

    sqlite3_bind_text(self->set, 1, profile, -1, SQLITE_STATIC);
    sqlite3_bind_int64(self->set, 2, number);
    sqlite3_bind_text(self->set, 3, state, -1, SQLITE_STATIC);
    sqlite3_bind_text(self->set, 4, factuurnummer, -1, SQLITE_STATIC);
    sqlite3_bind_text(self->set, 5, boeking_id ? boeking_id : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(self->set, 6, relatie_id ? relatie_id : "", -1, SQLITE_STATIC);
    sqlite3_bind_int(self->set, 7, relatiecode);
    sqlite3_bind_text(self->set, 8, reason ? reason : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(self->set, 9, db_now());
    rc = sqlite3_step(self->set);
    sqlite3_reset(self->set);
    if (rc != SQLITE_DONE) {
        snprintf(err, errlen, "booker.db: %s", sqlite3_errmsg(self->db));
        return false;
    }
    return true;
}

bool
ledger_begin(ledger_t *self, char *err, size_t errlen)
{
    return db_begin(self->db, err, errlen);
}

bool
ledger_commit(ledger_t *self, char *err, size_t errlen)
{
    return db_commit(self->db, err, errlen);
}

void
ledger_rollback(ledger_t *self)
{
    db_rollback(self->db);
}

/* ledger_relatie - a relatie koppel created for a customer key */
db_found_t
ledger_relatie(ledger_t *self, const char *profile, const char *key, char *id, size_t idlen,
               int32_t *relatiecode, bool *creating, char *err, size_t errlen)
{
    db_found_t found;

    *creating = false;
    sqlite3_bind_text(self->rel_get, 1, profile, -1, SQLITE_STATIC);
    sqlite3_bind_text(self->rel_get, 2, key, -1, SQLITE_STATIC);
    if ((found = db_step_row(self->db, self->rel_get, err, errlen)) == DB_FOUND) {
        snprintf(id, idlen, "%s", db_text(self->rel_get, 0));
        *relatiecode = sqlite3_column_int(self->rel_get, 1);
        if (*id == 0) {
            found = DB_ABSENT;
            *creating = true;
        }
    }
    sqlite3_reset(self->rel_get);
    return found;
}

/* ledger_creating_relatie - a relatie for a key is being created (id "") */
bool
ledger_creating_relatie(ledger_t *self, const char *profile, const char *key, char *err,
                        size_t errlen)
{
    return ledger_add_relatie(self, profile, key, "", 0, err, errlen);
}

/* ledger_add_relatie - remember a created relatie */
bool
ledger_add_relatie(ledger_t *self, const char *profile, const char *key, const char *id,
                   int32_t relatiecode, char *err, size_t errlen)
{
    int     rc;

    sqlite3_bind_text(self->rel_add, 1, profile, -1, SQLITE_STATIC);
    sqlite3_bind_text(self->rel_add, 2, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(self->rel_add, 3, id, -1, SQLITE_STATIC);
    sqlite3_bind_int(self->rel_add, 4, relatiecode);
    sqlite3_bind_int64(self->rel_add, 5, db_now());
    rc = sqlite3_step(self->rel_add);
    sqlite3_reset(self->rel_add);
    if (rc != SQLITE_DONE) {
        snprintf(err, errlen, "booker.db: %s", sqlite3_errmsg(self->db));
        return false;
    }
    return true;
}

/* ledger_followup_get - the state of a step after a booking */
db_found_t
ledger_followup_get(ledger_t *self, const char *profile, const char *key, char *state,
                    size_t statelen, char *id, size_t idlen, char *err, size_t errlen)
{
    db_found_t found;

    *state = *id = 0;
    sqlite3_bind_text(self->fu_get, 1, profile, -1, SQLITE_STATIC);
    sqlite3_bind_text(self->fu_get, 2, key, -1, SQLITE_STATIC);
    if ((found = db_step_row(self->db, self->fu_get, err, errlen)) == DB_FOUND) {
        snprintf(state, statelen, "%s", db_text(self->fu_get, 0));
        snprintf(id, idlen, "%s", db_text(self->fu_get, 1));
    }
    sqlite3_reset(self->fu_get);
    return found;
}

/* ledger_followup_set - write a step's state durably */
bool
ledger_followup_set(ledger_t *self, const char *profile, const char *key, const char *state,
                    const char *id, const char *reason, char *err, size_t errlen)
{
    int     rc;

    sqlite3_bind_text(self->fu_set, 1, profile, -1, SQLITE_STATIC);
    sqlite3_bind_text(self->fu_set, 2, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(self->fu_set, 3, state, -1, SQLITE_STATIC);
    sqlite3_bind_text(self->fu_set, 4, id ? id : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(self->fu_set, 5, reason ? reason : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(self->fu_set, 6, db_now());
    rc = sqlite3_step(self->fu_set);
    sqlite3_reset(self->fu_set);
    if (rc != SQLITE_DONE) {
        snprintf(err, errlen, "booker.db: %s", sqlite3_errmsg(self->db));
        return false;
    }
    return true;
}

/* ledger_count - entries in a state */
int64_t
ledger_count(ledger_t *self, const char *state)
{
    sqlite3_stmt *st = db_prepare(self->db, "SELECT COUNT(*) FROM ledger WHERE state = ?");
    int64_t n = -1;
    char    err[512];

    sqlite3_bind_text(st, 1, state, -1, SQLITE_STATIC);
    if (db_step_row(self->db, st, err, sizeof err) == DB_FOUND)
        n = sqlite3_column_int64(st, 0);
    else
        log_warning("%s", err);
    sqlite3_finalize(st);
    return n;
}
