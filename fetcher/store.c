/*
 * NAME
 *   store - the fetcher's durable order store
 *
 * DESCRIPTION
 *   See store.h. Orders are kept as the msgpack map of order_pack, so that
 *   a resend needs no new read from the shop. A stored copy that cannot be
 *   read back (damaged on disk) is set aside as a dead letter, stage
 *   "store", and the fetcher goes on: damaged data is no reason to panic.
 *
 * DIAGNOSTICS
 *   A failing statement inside a transaction is logged as an error and
 *   makes store_commit() fail: nothing of that transaction is kept, and
 *   the caller acknowledges nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"
#include "order_seal.h"
#include "store.h"
#include "xalloc.h"

/* an order is (profile, number, credit 0); its credit notes are (profile,
 * number, 1..), each made for one refund the shop reported (refund) */
#define ORDERS_TABLE \
    "CREATE TABLE IF NOT EXISTS orders (" \
    " profile TEXT NOT NULL, number INTEGER NOT NULL, state TEXT NOT NULL," \
    " payload BLOB, attempts INTEGER NOT NULL DEFAULT 0," \
    " next_send INTEGER NOT NULL DEFAULT 0, stage TEXT NOT NULL DEFAULT ''," \
    " reason TEXT NOT NULL DEFAULT '', factuurnummer TEXT NOT NULL DEFAULT ''," \
    " relatiecode INTEGER NOT NULL DEFAULT 0, fetched_at INTEGER NOT NULL," \
    " updated_at INTEGER NOT NULL, token TEXT NOT NULL DEFAULT ''," \
    " credit INTEGER NOT NULL DEFAULT 0, refund TEXT NOT NULL DEFAULT ''," \
    " PRIMARY KEY (profile, number, credit));" \
    "CREATE INDEX IF NOT EXISTS orders_due ON orders (state, next_send);"

/* the due orders of each profile in their order, for store_send_due's turns;
 * made once the orders table has its credit column */
#define TURNS_INDEX "CREATE INDEX IF NOT EXISTS orders_turns ON orders" \
    " (state, profile, next_send, number, credit);"

/* the columns of a fetcher.db from before credit notes */
#define ORDERS_COLUMNS_1 "profile, number, state, payload, attempts, next_send, stage," \
    " reason, factuurnummer, relatiecode, fetched_at, updated_at, token"

static const char schema[] =
    ORDERS_TABLE
    "CREATE TABLE IF NOT EXISTS cursors (profile TEXT PRIMARY KEY,"
    " next_number INTEGER NOT NULL, highest INTEGER NOT NULL DEFAULT 0,"
    " updated_at INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS watermarks (profile TEXT PRIMARY KEY,"
    " modified_after TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS rejected_documents (id INTEGER PRIMARY KEY,"
    " profile TEXT NOT NULL, received_at INTEGER NOT NULL, reason TEXT NOT NULL,"
    " document BLOB);";

struct store {
    sqlite3 *db;
    bool     failed;          /* a statement failed in this transaction */
};

/*
 * The state changes of a stored order: the one place they are written down.
 * Every function that changes a state asks change_allowed() first; any other
 * change is refused and logged, so that a late, repeated or forged outcome
 * cannot hide a dead letter or undo a booking.
 *
 *   (new)   -> pending, dead, skipped   the import stores what it read
 *   pending -> booked                   the booker's outcome
 *   pending -> dead                     the booker's outcome; a damaged stored copy
 *   pending -> pending                  a replay fetches it again (new contents)
 *   dead    -> pending                  koppelctl dlq replay
 *   skipped -> pending                  a replay of a skipped order
 *   dropped -> pending                  a replay of a dropped dead letter
 *   dead    -> dropped                  koppelctl dlq drop
 *
 * booked is final: the booker's ledger has it, nothing may send it again.
 * A "booked" for a dead order is refused too: the bookkeeper sees the dead
 * letter, and its replay is answered "booked" by the booker's ledger.
 */
static const struct {
    const char *from, *to;
} transitions[] = {
    { "pending", "booked" },
    { "pending", "dead" },
    { "pending", "pending" },
    { "dead", "pending" },
    { "skipped", "pending" },
    { "dropped", "pending" },
    { "dead", "dropped" },
};

/* store_transition_allowed - whether the table above allows from -> to */
bool
store_transition_allowed(const char *from, const char *to)
{
    size_t  i;

    for (i = 0; i < sizeof transitions / sizeof transitions[0]; i++)
        if (strcmp(transitions[i].from, from) == 0 && strcmp(transitions[i].to, to) == 0)
            return true;
    return false;
}

/* change_allowed - store_transition_allowed, with a warning naming what was
 * refused; an outcome's is rate-limited (log_peer_warning): a peer sent it */
static bool
change_allowed(const char *from, const char *to, const char *profile, int64_t number,
               const char *what)
{
    if (store_transition_allowed(from, to))
        return true;
    if (strcmp(what, "an outcome") == 0)
        log_peer_warning("outcomes socket", "profile %s: order %lld is %s: refused an "
                         "outcome that would make it %s", profile, (long long) number, from, to);
    else
        log_warning("profile %s: order %lld is %s: refused %s that would make it %s",
                    profile, (long long) number, from, what, to);
    return false;
}

/* tokens_equal - two tokens of the same length, compared in constant time */
static bool
tokens_equal(const char *a, const char *b)
{
    unsigned char diff = 0;
    size_t  i;

    for (i = 0; a[i] && b[i]; i++)
        diff |= (unsigned char) (a[i] ^ b[i]);
    return diff == 0 && a[i] == b[i];
}

/* current_state - the state of an order (credit 0) or of its credit note
 * into buf (and its last attempt's token into token, when not NULL); a
 * failed read is logged and fails the transaction */
static db_found_t
current_state(store_t *self, const char *profile, int64_t number, int32_t credit, char *buf,
              size_t len, char *token, size_t tokenlen)
{
    char    err[512];
    sqlite3_stmt *st = db_query(self->db, "SELECT state, token FROM orders WHERE profile = ?1"
                                " AND number = ?2 AND credit = ?3", err, sizeof err);
    db_found_t found;

    if (st == NULL) {
        log_error("%s", err);
        self->failed = true;
        return DB_ERROR;
    }
    sqlite3_bind_text(st, 1, profile, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, number);
    sqlite3_bind_int(st, 3, credit);
    if ((found = db_step_row(self->db, st, err, sizeof err)) == DB_FOUND) {
        snprintf(buf, len, "%s", db_text(st, 0));
        if (token)
            snprintf(token, tokenlen, "%s", db_text(st, 1));
    } else if (found == DB_ERROR) {
        log_error("%s", err);
        self->failed = true;
    }
    sqlite3_finalize(st);
    return found;
}

/* add_credit_key - a fetcher.db from before credit notes: the orders table
 * again with credit in its key (SQLite cannot change a key in place), in
 * one transaction */
static bool
add_credit_key(sqlite3 *db, char *err, size_t errlen)
{
    if (!db_begin(db, err, errlen))
        return false;
    if (db_exec(db, "DROP INDEX IF EXISTS orders_due;"
                " ALTER TABLE orders RENAME TO orders_1;", err, errlen)
        && db_exec(db, ORDERS_TABLE, err, errlen)
        && db_exec(db, "INSERT INTO orders (" ORDERS_COLUMNS_1 ") SELECT " ORDERS_COLUMNS_1
                   " FROM orders_1; DROP TABLE orders_1;", err, errlen)
        && db_commit(db, err, errlen))
        return true;
    db_rollback(db);
    return false;
}

/* the orders per profile and state, kept by triggers in every write's
 * transaction: a status of a thousand profiles reads these few rows, not
 * every order ever fetched */
#define COUNTS \
    "CREATE TABLE order_counts (profile TEXT NOT NULL, state TEXT NOT NULL," \
    " n INTEGER NOT NULL, PRIMARY KEY (profile, state)) WITHOUT ROWID;" \
    "CREATE TRIGGER orders_counted AFTER INSERT ON orders BEGIN" \
    " INSERT INTO order_counts VALUES (new.profile, new.state, 1)" \
    " ON CONFLICT (profile, state) DO UPDATE SET n = n + 1; END;" \
    "CREATE TRIGGER orders_uncounted AFTER DELETE ON orders BEGIN" \
    " UPDATE order_counts SET n = n - 1 WHERE profile = old.profile AND state = old.state;" \
    " END;" \
    "CREATE TRIGGER orders_recounted AFTER UPDATE OF profile, state ON orders" \
    " WHEN old.profile IS NOT new.profile OR old.state IS NOT new.state BEGIN" \
    " UPDATE order_counts SET n = n - 1 WHERE profile = old.profile AND state = old.state;" \
    " INSERT INTO order_counts VALUES (new.profile, new.state, 1)" \
    " ON CONFLICT (profile, state) DO UPDATE SET n = n + 1; END;" \
    "INSERT INTO order_counts SELECT profile, state, COUNT(*) FROM orders" \
    " GROUP BY profile, state;"

/* add_counts - the counts and their triggers, filled from the orders, for a
 * fetcher.db without them (from before them, or made again by add_credit_key,
 * which drops the old table's triggers with it), in one transaction; made
 * anew from the top, in case another process did the same meanwhile */
static bool
add_counts(sqlite3 *db, char *err, size_t errlen)
{
    sqlite3_stmt *st = NULL;
    bool    present;

    if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'trigger'"
                           " AND name = 'orders_recounted'", -1, &st, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "fetcher.db: %s", sqlite3_errmsg(db));
        return false;
    }
    present = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    if (present)
        return true;
    if (!db_begin(db, err, errlen))
        return false;
    if (db_exec(db, "DROP TABLE IF EXISTS order_counts;"
                " DROP TRIGGER IF EXISTS orders_counted;"
                " DROP TRIGGER IF EXISTS orders_uncounted;"
                " DROP TRIGGER IF EXISTS orders_recounted;" COUNTS, err, errlen)
        && db_commit(db, err, errlen))
        return true;
    db_rollback(db);
    return false;
}

/* store_open - open or create fetcher.db */
store_t *
store_open(const char *path, char *err, size_t errlen)
{
    sqlite3 *db = db_open(path, schema, err, errlen);
    store_t *self;

    sqlite3_stmt *st = NULL;

    if (db == NULL)
        return NULL;
    /* a fetcher.db of a version before tokens: add the column */
    if (sqlite3_prepare_v2(db, "SELECT token FROM orders LIMIT 0", -1, &st, NULL) != SQLITE_OK
        && !db_exec(db, "ALTER TABLE orders ADD COLUMN token TEXT NOT NULL DEFAULT ''",
                    err, errlen)) {
        db_close(&db);
        return NULL;
    }
    sqlite3_finalize(st);
    st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT credit FROM orders LIMIT 0", -1, &st, NULL) != SQLITE_OK
        && !add_credit_key(db, err, errlen)) {
        db_close(&db);
        return NULL;
    }
    sqlite3_finalize(st);
    if (!db_exec(db, TURNS_INDEX, err, errlen) || !add_counts(db, err, errlen)) {
        db_close(&db);
        return NULL;
    }
    self = xcalloc(1, sizeof *self);
    self->db = db;
    return self;
}

void
store_close(store_t **self_p)
{
    if (self_p == NULL || *self_p == NULL)
        return;
    db_close(&(*self_p)->db);
    free(*self_p);
    *self_p = NULL;
}

sqlite3 *
store_sqlite(store_t *self)
{
    return self->db;
}

/* step - run a statement to completion, note a failure, finalize */
static void
step(store_t *self, sqlite3_stmt *st)
{
    int     rc = sqlite3_step(st);

    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        log_error("fetcher.db: %s", sqlite3_errmsg(self->db));
        self->failed = true;
    }
    sqlite3_finalize(st);
}

bool
store_begin(store_t *self, char *err, size_t errlen)
{
    self->failed = false;
    return db_begin(self->db, err, errlen);
}

bool
store_commit(store_t *self, char *err, size_t errlen)
{
    if (self->failed) {
        db_rollback(self->db);
        snprintf(err, errlen, "fetcher.db: a write failed; nothing of it was kept");
        return false;
    }
    return db_commit(self->db, err, errlen);
}

void
store_rollback(store_t *self)
{
    db_rollback(self->db);
}

/* store_cursor - the profile's next order number to read */
db_found_t
store_cursor(store_t *self, const char *profile, int64_t *next, char *err, size_t errlen)
{
    sqlite3_stmt *st = db_query(self->db, "SELECT next_number FROM cursors WHERE profile = ?",
                                err, errlen);
    db_found_t found;

    if (st == NULL)
        return DB_ERROR;
    sqlite3_bind_text(st, 1, profile, -1, SQLITE_STATIC);
    if ((found = db_step_row(self->db, st, err, errlen)) == DB_FOUND)
        *next = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return found;
}

/* store_set_cursor - move the cursor forward, never back */
void
store_set_cursor(store_t *self, const char *profile, int64_t next, int64_t highest)
{
    sqlite3_stmt *st = db_prepare(self->db,
        "INSERT INTO cursors (profile, next_number, highest, updated_at) VALUES (?1, ?2, ?3, ?4)"
        " ON CONFLICT (profile) DO UPDATE SET next_number = MAX(next_number, ?2),"
        " highest = ?3, updated_at = ?4");

    sqlite3_bind_text(st, 1, profile, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, next);
    sqlite3_bind_int64(st, 3, highest);
    sqlite3_bind_int64(st, 4, db_now());
    step(self, st);
}

/* store_rewind_cursor - move the cursor back to next (from_order lowered in
 * the configuration); orders already stored are left alone when read again */
bool
store_rewind_cursor(store_t *self, const char *profile, int64_t next, char *err, size_t errlen)
{
    sqlite3_stmt *st = db_query(self->db,
        "UPDATE cursors SET next_number = ?2, updated_at = ?3"
        " WHERE profile = ?1 AND next_number > ?2", err, errlen);
    int     rc;

    if (st == NULL)
        return false;
    sqlite3_bind_text(st, 1, profile, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, next);
    sqlite3_bind_int64(st, 3, db_now());
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        snprintf(err, errlen, "fetcher.db: cannot move the cursor of profile %s back: %s",
                 profile, sqlite3_errmsg(self->db));
        return false;
    }
    return true;
}

/* store_watermark - the profile's "modified after" of the next run, "" if none */
db_found_t
store_watermark(store_t *self, const char *profile, char *buf, size_t len, char *err,
                size_t errlen)
{
    sqlite3_stmt *st = db_query(self->db,
                                "SELECT modified_after FROM watermarks WHERE profile = ?",
                                err, errlen);
    db_found_t found;

    *buf = 0;
    if (st == NULL)
        return DB_ERROR;
    sqlite3_bind_text(st, 1, profile, -1, SQLITE_STATIC);
    if ((found = db_step_row(self->db, st, err, errlen)) == DB_FOUND)
        snprintf(buf, len, "%s", db_text(st, 0));
    sqlite3_finalize(st);
    return found;
}

/* store_set_watermark - set it (inside the transaction of the page that passed it) */
void
store_set_watermark(store_t *self, const char *profile, const char *modified_after)
{
    sqlite3_stmt *st = db_prepare(self->db,
        "INSERT INTO watermarks VALUES (?1, ?2) ON CONFLICT (profile) DO UPDATE"
        " SET modified_after = MAX(modified_after, ?2)");

    sqlite3_bind_text(st, 1, profile, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, modified_after, -1, SQLITE_STATIC);
    step(self, st);
}

/* store_known - whether an order is stored; a failed read fails the transaction */
db_found_t
store_known(store_t *self, const char *profile, int64_t number)
{
    char    err[512];
    sqlite3_stmt *st = db_query(self->db,
                                "SELECT 1 FROM orders WHERE profile = ? AND number = ?"
                                " AND credit = 0",
                                err, sizeof err);
    db_found_t known = DB_ERROR;

    if (st != NULL) {
        sqlite3_bind_text(st, 1, profile, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, number);
        known = db_step_row(self->db, st, err, sizeof err);
    }
    if (known == DB_ERROR) {
        log_error("%s", err);
        self->failed = true;
    }
    sqlite3_finalize(st);
    return known;
}

/* bind_payload - bind an order's msgpack bytes */
static void
bind_payload(sqlite3_stmt *st, int col, const order_t *o)
{
    msgpack_sbuffer sb;
    msgpack_packer pk;

    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    order_pack(o, &pk);
    sqlite3_bind_blob(st, col, sb.data, (int) sb.size, SQLITE_TRANSIENT);
    msgpack_sbuffer_destroy(&sb);
}

/* store_add_pending - a new order, to be sent */
void
store_add_pending(store_t *self, const order_t *o)
{
    sqlite3_stmt *st = db_prepare(self->db,
        "INSERT OR IGNORE INTO orders (profile, number, state, payload, fetched_at, updated_at)"
        " VALUES (?1, ?2, 'pending', ?3, ?4, ?4)");

    sqlite3_bind_text(st, 1, o->profile, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, o->number);
    bind_payload(st, 3, o);
    sqlite3_bind_int64(st, 4, db_now());
    step(self, st);
}

/* store_add_state - a new order that is not sent */
void
store_add_state(store_t *self, const char *profile, int64_t number, const char *state,
                const char *stage, const char *reason)
{
    sqlite3_stmt *st = db_prepare(self->db,
        "INSERT OR IGNORE INTO orders (profile, number, state, stage, reason, fetched_at,"
        " updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)");

    sqlite3_bind_text(st, 1, profile, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, number);
    sqlite3_bind_text(st, 3, state, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, stage, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, reason, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, db_now());
    step(self, st);
}

/* store_replace_pending - put an order in pending again with new contents */
void
store_replace_pending(store_t *self, const order_t *o)
{
    sqlite3_stmt *st;
    char    now[16];

    switch (current_state(self, o->profile, o->number, 0, now, sizeof now, NULL, 0)) {
    case DB_ERROR:
        return;
    case DB_FOUND:
        if (!change_allowed(now, "pending", o->profile, o->number, "a replay"))
            return;
        /* fall through */
    case DB_ABSENT:
        break;
    }
    st = db_prepare(self->db,
        "INSERT INTO orders (profile, number, state, payload, fetched_at, updated_at)"
        " VALUES (?1, ?2, 'pending', ?3, ?4, ?4) ON CONFLICT (profile, number, credit) DO UPDATE SET"
        " state = 'pending', payload = ?3, attempts = 0, next_send = 0, stage = '',"
        " reason = '', updated_at = ?4, token = ''");   /* no outcome before it is sent */
    sqlite3_bind_text(st, 1, o->profile, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, o->number);
    bind_payload(st, 3, o);
    sqlite3_bind_int64(st, 4, db_now());
    step(self, st);
}

static order_t *load_payload(const void *payload, size_t len, char *err, size_t errlen);

/* credit_known - whether the refund has its credit note (or its "not
 * booked") already, and the next sequence number of the order's credit
 * notes into *seq; a failed read fails the transaction */
static db_found_t
credit_known(store_t *self, const char *profile, int64_t number, const char *refund,
             int32_t *seq)
{
    char    err[512];
    sqlite3_stmt *st = db_query(self->db, "SELECT MAX(refund = ?3), COALESCE(MAX(credit), 0)"
                                " FROM orders WHERE profile = ?1 AND number = ?2 AND credit > 0",
                                err, sizeof err);
    db_found_t found = DB_ERROR;

    if (st != NULL) {
        sqlite3_bind_text(st, 1, profile, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, number);
        sqlite3_bind_text(st, 3, refund, -1, SQLITE_STATIC);
        if ((found = db_step_row(self->db, st, err, sizeof err)) == DB_FOUND) {
            found = sqlite3_column_int(st, 0) == 1 ? DB_FOUND : DB_ABSENT;
            *seq = sqlite3_column_int(st, 1) + 1;
        }
        sqlite3_finalize(st);
    }
    if (found == DB_ERROR) {
        log_error("%s", err);
        self->failed = true;
    }
    return found;
}

/* original_of - the stored order (credit 0): its state into buf and its
 * contents, NULL when they cannot be read (why in err) */
static db_found_t
original_of(store_t *self, const char *profile, int64_t number, char *state, size_t len,
            order_t **o, char *err, size_t errlen)
{
    sqlite3_stmt *st = db_query(self->db, "SELECT state, payload FROM orders WHERE"
                                " profile = ?1 AND number = ?2 AND credit = 0", err, errlen);
    db_found_t found = DB_ERROR;

    *o = NULL;
    if (st != NULL) {
        sqlite3_bind_text(st, 1, profile, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, number);
        if ((found = db_step_row(self->db, st, err, errlen)) == DB_FOUND) {
            snprintf(state, len, "%s", db_text(st, 0));
            *o = load_payload(sqlite3_column_blob(st, 1), (size_t) sqlite3_column_bytes(st, 1),
                              err, errlen);
        }
        sqlite3_finalize(st);
    }
    if (found == DB_ERROR) {
        log_error("%s", err);
        self->failed = true;
    }
    return found;
}

/* add_credit_row - a credit note's row: pending with its payload, or not
 * sent (state, stage fetch and reason) */
static void
add_credit_row(store_t *self, const char *profile, int64_t number, int32_t seq,
               const char *refund, const char *state, const order_t *payload,
               const char *reason)
{
    sqlite3_stmt *st = db_prepare(self->db,
        "INSERT INTO orders (profile, number, credit, refund, state, payload, stage, reason,"
        " fetched_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'fetch', ?7, ?8, ?8)");

    sqlite3_bind_text(st, 1, profile, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, number);
    sqlite3_bind_int(st, 3, seq);
    sqlite3_bind_text(st, 4, refund, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, state, -1, SQLITE_STATIC);
    if (payload)
        bind_payload(st, 6, payload);
    sqlite3_bind_text(st, 7, reason, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 8, db_now());
    step(self, st);
}

/* store_add_credit - a refund of a stored order, once */
store_credit_t
store_add_credit(store_t *self, const char *profile, int64_t number, const char *refund,
                 const order_credit_t *what, const char *refused, char *why, size_t whylen)
{
    char    state[16], err[512];
    order_t *o = NULL;
    int32_t seq = 0;
    store_credit_t r;
    bool    partial = strncmp(refund, "refund ", 7) == 0;    /* a shop's refund id */

    *why = 0;
    if (credit_known(self, profile, number, refund, &seq) != DB_ABSENT)
        return STORE_CREDIT_KNOWN;
    switch (original_of(self, profile, number, state, sizeof state, &o, err, sizeof err)) {
    case DB_ERROR:
    case DB_ABSENT:                     /* a new order: the import stores it as it is */
        return STORE_CREDIT_KNOWN;
    case DB_FOUND:
        break;
    }
    if (strcmp(state, "skipped") == 0) {     /* cancelled before it was booked, and logged */
        r = STORE_CREDIT_KNOWN;
    } else if (strcmp(state, "booked") != 0 && strcmp(state, "pending") != 0) {
        snprintf(why, whylen, "Order %lld is %s%s%s in de shop, maar de order zelf is nooit "
                 "geboekt (%s): er is niets te crediteren en er wordt geen creditnota geboekt",
                 (long long) number, partial ? "deels terugbetaald (" : "", refund,
                 partial ? ")" : "", strcmp(state, "dead") == 0
                 ? "hij staat in de dode-letterwachtrij; verwijder die met koppelctl dlq drop"
                 : "de dode letter is verwijderd");
        add_credit_row(self, profile, number, seq, refund, "skipped", NULL, why);
        r = STORE_CREDIT_NOT_BOOKED;
    } else if (o == NULL) {
        snprintf(why, whylen, "De opgeslagen order %lld is beschadigd (%s): boek de "
                 "creditnota (%s) met de hand", (long long) number, err, refund);
        add_credit_row(self, profile, number, seq, refund, "dead", NULL, why);
        r = STORE_CREDIT_NOT_BOOKED;
    } else if (refused) {
        snprintf(why, whylen, "%s", refused);
        add_credit_row(self, profile, number, seq, refund, "dead", NULL, why);
        r = STORE_CREDIT_REFUSED;
    } else {
        free(o->credit.original);
        free(o->credit.lines);
        o->credit = *what;
        o->credit.seq = seq;
        o->credit.original = xstrdup("");     /* the fetcher fills it in when it sends */
        o->credit.lines = xcalloc(what->nlines + 1, sizeof *what->lines);
        if (what->nlines > 0)               /* a full credit has no lines (NULL) */
            memcpy(o->credit.lines, what->lines, what->nlines * sizeof *what->lines);
        add_credit_row(self, profile, number, seq, refund, "pending", o, "");
        r = STORE_CREDIT_NEW;
    }
    order_destroy(&o);
    return r;
}

/* add_credited - what one stored credit note credits, into the sums */
static void
add_credited(const order_t *c, store_credited_t *sofar)
{
    if (c->credit.full) {
        sofar->unsure = true;           /* a full one: nothing is left */
        return;
    }
    for (size_t i = 0; i < c->credit.nlines; i++)
        if (c->credit.lines[i].line < sofar->nlines)
            sofar->quantity_e4[c->credit.lines[i].line] += c->credit.lines[i].quantity_e4;
    sofar->shipping |= c->credit.shipping;
}

/* store_credited - what the order's credit notes credit so far */
bool
store_credited(store_t *self, const char *profile, int64_t number, store_credited_t *sofar)
{
    char    err[512];
    sqlite3_stmt *st = db_query(self->db, "SELECT state, payload FROM orders WHERE"
                                " profile = ?1 AND number = ?2 AND credit > 0"
                                " AND state <> 'skipped'", err, sizeof err);
    order_t *c;
    int     rc;

    if (st == NULL)
        goto fail;
    sqlite3_bind_text(st, 1, profile, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, number);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        sofar->count++;
        c = strcmp(db_text(st, 0), "dead") == 0 ? NULL
            : load_payload(sqlite3_column_blob(st, 1), (size_t) sqlite3_column_bytes(st, 1),
                           err, sizeof err);
        if (c == NULL)
            sofar->unsure = true;       /* booked by hand, if at all: unknown */
        else
            add_credited(c, sofar);
        order_destroy(&c);
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE)
        return true;
    snprintf(err, sizeof err, "fetcher.db: %s", sqlite3_errmsg(self->db));
fail:
    log_error("%s", err);
    self->failed = true;
    return false;
}

/* store_replay_credit - a dead credit note back to pending, as it was stored */
bool
store_replay_credit(store_t *self, const char *profile, int64_t number, int32_t credit,
                    char *err, size_t errlen)
{
    char    now[16];
    sqlite3_stmt *st;

    self->failed = false;
    switch (current_state(self, profile, number, credit, now, sizeof now, NULL, 0)) {
    case DB_ERROR:
        snprintf(err, errlen, "fetcher.db could not be read");
        return false;
    case DB_ABSENT:
        snprintf(err, errlen, "order %lld has no credit note %d", (long long) number, credit);
        return false;
    case DB_FOUND:
        break;
    }
    if (!change_allowed(now, "pending", profile, number, "a replay")) {
        snprintf(err, errlen, "credit note %d of order %lld is %s, not a dead letter",
                 credit, (long long) number, now);
        return false;
    }
    st = db_prepare(self->db, "UPDATE orders SET state = 'pending', attempts = 0, next_send = 0,"
                    " stage = '', reason = '', token = '', updated_at = ?4"
                    " WHERE profile = ?1 AND number = ?2 AND credit = ?3");
    sqlite3_bind_text(st, 1, profile, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, number);
    sqlite3_bind_int(st, 3, credit);
    sqlite3_bind_int64(st, 4, db_now());
    step(self, st);
    if (self->failed)
        snprintf(err, errlen, "fetcher.db: the credit note could not be stored again");
    return !self->failed;
}

/* store_reject_document - keep a document that names no readable order */
void
store_reject_document(store_t *self, const char *profile, const char *reason,
                      const char *doc, size_t len)
{
    sqlite3_stmt *st = db_prepare(self->db,
        "INSERT INTO rejected_documents (profile, received_at, reason, document)"
        " VALUES (?, ?, ?, ?)");

    sqlite3_bind_text(st, 1, profile, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, db_now());
    sqlite3_bind_text(st, 3, reason, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 4, doc, (int) len, SQLITE_STATIC);
    step(self, st);
}

/* store_outcome - record the booker's outcome, if the table allows it */
bool
store_outcome(store_t *self, const char *profile, int64_t number, int64_t credit,
              const char *token, const char *result, const char *stage, const char *reason,
              const char *factuurnummer, int64_t relatiecode)
{
    const char *to = strcmp(result, "booked") == 0 ? "booked" : "dead";
    sqlite3_stmt *st;
    char    now[16], sent[64], shown[LOG_SHOW_MAX * 2 + 8], shown2[LOG_SHOW_MAX * 2 + 8];

    if (credit < 0 || credit > INT32_MAX) {
        log_peer_warning("outcomes socket", "profile %s: order %lld: refused an outcome for "
                         "credit note %lld, which cannot exist", log_show(profile, shown,
                         sizeof shown), (long long) number, (long long) credit);
        return false;
    }
    switch (current_state(self, profile, number, (int32_t) credit, now, sizeof now, sent,
                          sizeof sent)) {
    case DB_ERROR:
        return false;
    case DB_ABSENT:
        log_peer_warning("outcomes socket", "profile %s: refused an outcome \"%s\" for "
                         "order %lld: the fetcher never stored that order",
                         log_show(profile, shown, sizeof shown),
                         log_show(result, shown2, sizeof shown2), (long long) number);
        return false;
    case DB_FOUND:
        break;
    }
    if (!change_allowed(now, to, profile, number, "an outcome"))
        return false;
    /* the token of the attempt sent last (order_seal.h): an outcome without
     * it was not reported about what the fetcher sent */
    if (*sent == 0 || token == NULL || strlen(token) != strlen(sent)
        || !tokens_equal(sent, token)) {
        log_peer_warning("outcomes socket", "profile %s: order %lld: refused an outcome "
                         "\"%s\" that does not belong to the attempt sent last (forged, or "
                         "about an earlier attempt); the order stays %s", profile,
                         (long long) number, to, now);
        return false;
    }
    st = db_prepare(self->db,
        "UPDATE orders SET state = ?8, stage = ?3, reason = ?4, factuurnummer = ?5,"
        " relatiecode = ?6, updated_at = ?7 WHERE profile = ?1 AND number = ?2"
        " AND credit = ?9");
    sqlite3_bind_int(st, 9, (int) credit);
    sqlite3_bind_text(st, 1, profile, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, number);
    sqlite3_bind_text(st, 3, stage, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, reason, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, factuurnummer, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, relatiecode);
    sqlite3_bind_int64(st, 7, db_now());
    sqlite3_bind_text(st, 8, to, -1, SQLITE_STATIC);
    step(self, st);
    return !self->failed;
}

/* load_payload - the order stored as payload; NULL with err when the stored
 * copy cannot be read (not msgpack, trailing bytes, not an order) */
static order_t *
load_payload(const void *payload, size_t len, char *err, size_t errlen)
{
    msgpack_unpacked up;
    size_t  off = 0;
    order_t *o = NULL;

    if (payload == NULL || len == 0) {
        snprintf(err, errlen, "it is empty");
        return NULL;
    }
    msgpack_unpacked_init(&up);
    if (msgpack_unpack_next(&up, payload, len, &off) != MSGPACK_UNPACK_SUCCESS)
        snprintf(err, errlen, "its %zu bytes are not a msgpack value", len);
    else if (off != len)
        snprintf(err, errlen, "%zu bytes follow the order", len - off);
    else
        o = order_unpack(&up.data, err, errlen);
    msgpack_unpacked_destroy(&up);
    return o;
}

/* set_aside - a pending order that cannot go on goes to the dead-letter
 * queue with its stage and reason (Postfix's corrupt queue), the others go on */
static void
set_aside(store_t *self, const char *profile, int64_t number, int32_t credit,
          const char *stage, const char *reason)
{
    sqlite3_stmt *st = db_prepare(self->db,
        "UPDATE orders SET state = 'dead', stage = ?5, reason = ?3, updated_at = ?4"
        " WHERE profile = ?1 AND number = ?2 AND credit = ?6");

    sqlite3_bind_int(st, 6, credit);
    sqlite3_bind_text(st, 1, profile, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, number);
    sqlite3_bind_text(st, 3, reason, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, db_now());
    sqlite3_bind_text(st, 5, stage, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        log_error("fetcher.db: order %s:%lld: %s", profile, (long long) number,
                  sqlite3_errmsg(self->db));
    else
        log_warning("profile %s: order %lld into the dead-letter queue (%s): %s", profile,
                    (long long) number, stage, reason);
    sqlite3_finalize(st);
}

/* a profile's next due orders after a key (next_send, number, credit), in
 * their order (orders_turns): a credit note only once its order is booked,
 * with the factuurnummer it was booked as */
#define DUE_OF_PROFILE \
    "SELECT c.rowid, c.next_send, c.number, c.credit, b.factuurnummer" \
    " FROM orders c LEFT JOIN orders b ON c.credit > 0 AND b.profile = c.profile" \
    "  AND b.number = c.number AND b.credit = 0" \
    " WHERE c.state = 'pending' AND c.profile = ?1 AND c.next_send <= ?2" \
    " AND (c.next_send, c.number, c.credit) > (?3, ?4, ?5)" \
    " AND (c.credit = 0 OR b.state = 'booked')" \
    " ORDER BY c.next_send, c.number, c.credit LIMIT ?6"

typedef struct {                  /* a profile in the turns */
    char   *name;
    int64_t away;                 /* its orders on their way */
    int64_t taken;                /* its due orders read so far */
    int64_t key[3];               /* the last one's next_send, number, credit */
    bool    done;                 /* all its due orders read */
} turns_t;

typedef struct {                  /* an order given a place */
    int64_t rowid;
    int64_t turn, key[3];         /* its turn: its place + its profile's away */
    char   *factuurnummer;        /* a credit note's booked order's, else NULL */
} pick_t;

/* pick_order - qsort order of picks: the lower turn, then the older key */
static int
pick_order(const void *a, const void *b)
{
    const pick_t *x = a, *y = b;
    int     k;

    if (x->turn != y->turn)
        return x->turn < y->turn ? -1 : 1;
    for (k = 0; k < 3; k++)
        if (x->key[k] != y->key[k])
            return x->key[k] < y->key[k] ? -1 : 1;
    return 0;
}

/* read_turns - the profiles with pending orders, each with its orders away */
static turns_t *
read_turns(store_t *self, int64_t now, size_t *n)
{
    sqlite3_stmt *names = db_prepare(self->db,
        "WITH RECURSIVE p(name) AS (SELECT MIN(profile) FROM orders WHERE state = 'pending'"
        " UNION ALL SELECT (SELECT MIN(profile) FROM orders WHERE state = 'pending'"
        " AND profile > p.name) FROM p WHERE p.name IS NOT NULL)"
        " SELECT name FROM p WHERE name IS NOT NULL");
    sqlite3_stmt *away = db_prepare(self->db,
        "SELECT COUNT(*) FROM orders WHERE state = 'pending' AND profile = ?1"
        " AND next_send > ?2 AND attempts > 0");
    turns_t *t = NULL;
    size_t  cap = 0;

    *n = 0;
    while (sqlite3_step(names) == SQLITE_ROW) {
        if (*n == cap)
            t = xrealloc(t, (cap = cap ? cap * 2 : 64) * sizeof *t);
        memset(&t[*n], 0, sizeof t[*n]);
        t[*n].name = xstrdup(db_text(names, 0));
        t[*n].key[0] = t[*n].key[1] = t[*n].key[2] = INT64_MIN;
        sqlite3_bind_text(away, 1, t[*n].name, -1, SQLITE_STATIC);
        sqlite3_bind_int64(away, 2, now);
        if (sqlite3_step(away) == SQLITE_ROW)
            t[*n].away = sqlite3_column_int64(away, 0);
        sqlite3_reset(away);
        (*n)++;
    }
    sqlite3_finalize(names);
    sqlite3_finalize(away);
    return t;
}

/* read_due - up to want more due orders of profile t into picks, each with
 * its turn; fewer: it has no more */
static size_t
read_due(sqlite3_stmt *due, int64_t now, turns_t *t, int64_t want, pick_t *picks)
{
    size_t  n = 0;
    int     rc, k;

    sqlite3_reset(due);
    sqlite3_bind_text(due, 1, t->name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(due, 2, now);
    for (k = 0; k < 3; k++)
        sqlite3_bind_int64(due, 3 + k, t->key[k]);
    sqlite3_bind_int64(due, 6, want);
    while ((rc = sqlite3_step(due)) == SQLITE_ROW) {
        pick_t *p = &picks[n++];

        p->rowid = sqlite3_column_int64(due, 0);
        for (k = 0; k < 3; k++)
            t->key[k] = p->key[k] = sqlite3_column_int64(due, 1 + k);
        p->turn = t->away + ++t->taken;
        p->factuurnummer = sqlite3_column_type(due, 4) == SQLITE_NULL
            ? NULL : xstrdup(db_text(due, 4));
    }
    if (rc != SQLITE_DONE)                /* its orders wait for the next call */
        log_error("fetcher.db: %s", sqlite3_errmsg(sqlite3_db_handle(due)));
    if ((int64_t) n < want || rc != SQLITE_DONE)
        t->done = true;
    return n;
}

/* pick_due - the at most limit due orders to send, in turn, into picks. The
 * turns are read a band at a time: each profile's due orders whose turns
 * fall in the band, after the last one read, so that the cost is that of
 * the orders picked and the profiles, not of the backlog */
static size_t
pick_due(store_t *self, int64_t now, size_t limit, pick_t *picks)
{
    sqlite3_stmt *due = db_prepare(self->db, DUE_OF_PROFILE);
    size_t  n, k, active, npicks = 0, band_n, cap = 0;
    turns_t *t = read_turns(self, now, &n);
    pick_t *band = NULL;
    int64_t lo, width, next;

    while (npicks < limit) {
        for (lo = INT64_MAX, active = 0, k = 0; k < n; k++)
            if (!t[k].done) {
                active++;
                if (t[k].away + t[k].taken + 1 < lo)
                    lo = t[k].away + t[k].taken + 1;
            }
        if (active == 0)
            break;
        width = (int64_t) ((limit - npicks + active - 1) / active);
        if (cap < (size_t) width * active) {
            cap = (size_t) width * active;
            band = xrealloc(band, cap * sizeof *band);
        }
        for (band_n = 0, k = 0; k < n; k++) {
            next = t[k].away + t[k].taken + 1;
            if (!t[k].done && next < lo + width)
                band_n += read_due(due, now, &t[k], lo + width - next, band + band_n);
        }
        qsort(band, band_n, sizeof *band, pick_order);
        for (k = 0; k < band_n; k++)
            if (npicks < limit)
                picks[npicks++] = band[k];
            else
                free(band[k].factuurnummer);
    }
    for (k = 0; k < n; k++)
        free(t[k].name);
    free(t);
    free(band);
    sqlite3_finalize(due);
    return npicks;
}

/* store_send_due - send pending orders whose time has come; a credit note
 * only once its order is booked, with the factuurnummer it was booked as.
 * The places go to the profiles in turn: an order's turn is its place
 * among its profile's due orders plus the orders of its profile already on
 * their way, so a profile with a large backlog, or one waiting for its
 * administration's rate limit, never holds the places of the others */
size_t
store_send_due(store_t *self, int64_t now, int resend_after_s, size_t limit,
               store_send_fn *fn, void *arg)
{
    sqlite3_stmt *sel = db_prepare(self->db,
        "SELECT profile, number, payload, attempts, credit FROM orders WHERE rowid = ?1");
    sqlite3_stmt *upd = db_prepare(self->db,
        "UPDATE orders SET attempts = ?3, next_send = ?4, token = ?5"
        " WHERE profile = ?1 AND number = ?2 AND credit = ?6");
    pick_t *picks = NULL;
    size_t  sent = 0, npicks = 0, p;
    char    err[512];

    if (!db_begin(self->db, err, sizeof err)) {
        log_error("%s", err);
        goto done;
    }
    picks = xcalloc(limit + 1, sizeof *picks);
    npicks = pick_due(self, now, limit, picks);
    for (p = 0; p < npicks; p++) {
        sqlite3_reset(sel);
        sqlite3_bind_int64(sel, 1, picks[p].rowid);
        if (sqlite3_step(sel) != SQLITE_ROW)
            continue;
        const char *profile = db_text(sel, 0);
        int64_t number = sqlite3_column_int64(sel, 1);
        int64_t attempts = sqlite3_column_int64(sel, 3) + 1;
        int32_t credit = sqlite3_column_int(sel, 4);
        int64_t backoff = (int64_t) resend_after_s << (attempts > 5 ? 4 : attempts - 1);
        order_t *o = load_payload(sqlite3_column_blob(sel, 2),
                                  (size_t) sqlite3_column_bytes(sel, 2), err, sizeof err);
        char    token[ORDER_SEAL_TOKEN_LEN + 1], *reason;
        store_sent_t answer;

        if (o == NULL) {
            char key[24] = "";

            if (credit > 0)
                snprintf(key, sizeof key, "-C%d", credit);
            reason = xasprintf("de opgeslagen kopie van %s %lld%s is beschadigd; klik "
                               "Opnieuw (koppelctl dlq replay %s:%lld%s) om hem opnieuw uit de "
                               "shop te lezen (\"%s\")", credit > 0 ? "creditnota" : "order",
                               (long long) number, key, profile, (long long) number, key, err);
            set_aside(self, profile, number, credit, "store", reason);
            free(reason);
            continue;
        }
        if (credit > 0)
            order_set(&o->credit.original, picks[p].factuurnummer ? picks[p].factuurnummer : "");
        order_seal_token(token);
        *err = 0;
        answer = fn(arg, profile, o, attempts, token, err, sizeof err);
        order_destroy(&o);
        if (answer == STORE_UNSENDABLE) {
            set_aside(self, profile, number, credit, "send", err);
            continue;
        }
        if (answer == STORE_QUEUE_FULL)
            break;                      /* try again at the next tick */
        if (backoff > 3600)
            backoff = 3600;
        sqlite3_bind_text(upd, 1, profile, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(upd, 2, number);
        sqlite3_bind_int64(upd, 3, attempts);
        sqlite3_bind_int64(upd, 4, now + backoff);
        sqlite3_bind_text(upd, 5, token, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(upd, 6, credit);
        if (sqlite3_step(upd) != SQLITE_DONE)
            log_error("fetcher.db: %s", sqlite3_errmsg(self->db));
        sqlite3_reset(upd);
        sent++;
    }
    if (!db_commit(self->db, err, sizeof err))
        log_error("%s", err);
done:
    for (p = 0; p < npicks; p++)
        free(picks[p].factuurnummer);
    free(picks);
    sqlite3_finalize(sel);
    sqlite3_finalize(upd);
    return sent;
}

/* store_resend_now - every order on its way is due now */
int64_t
store_resend_now(store_t *self, int64_t now)
{
    sqlite3_stmt *st = db_prepare(self->db, "UPDATE orders SET next_send = ? WHERE"
                                  " state = 'pending' AND next_send > ? AND attempts > 0");
    int64_t n = 0;

    sqlite3_bind_int64(st, 1, now);
    sqlite3_bind_int64(st, 2, now);
    if (sqlite3_step(st) == SQLITE_DONE)
        n = sqlite3_changes(self->db);
    else
        log_error("fetcher.db: %s", sqlite3_errmsg(self->db));
    sqlite3_finalize(st);
    return n;
}

/* store_in_flight - orders sent and waiting for their outcome; -1 on a failed read */
int64_t
store_in_flight(store_t *self, int64_t now)
{
    char    err[512];
    sqlite3_stmt *st = db_query(self->db, "SELECT COUNT(*) FROM orders WHERE"
                                " state = 'pending' AND next_send > ? AND attempts > 0",
                                err, sizeof err);
    int64_t n = -1;

    if (st == NULL) {
        log_error("%s", err);
        return -1;
    }
    sqlite3_bind_int64(st, 1, now);
    if (db_step_row(self->db, st, err, sizeof err) == DB_FOUND)
        n = sqlite3_column_int64(st, 0);
    else
        log_error("%s", err);
    sqlite3_finalize(st);
    return n;
}

/* store_dead_list - the dead-letter queue as a JSON array; NULL with err */
json_t *
store_dead_list(store_t *self, const char *profile, char *err, size_t errlen)
{
    sqlite3_stmt *st = db_query(self->db,
        "SELECT profile, number, stage, reason, updated_at, credit FROM orders"
        " WHERE state = 'dead' AND (?1 IS NULL OR profile = ?1) ORDER BY profile, number, credit",
        err, errlen);
    json_t *list = json_array();
    db_found_t row = DB_ERROR;

    if (st == NULL)
        goto fail;
    if (profile)
        sqlite3_bind_text(st, 1, profile, -1, SQLITE_STATIC);
    while ((row = db_step_row(self->db, st, err, errlen)) == DB_FOUND) {
        int     credit = sqlite3_column_int(st, 5);
        char   *id = credit ? xasprintf("%s:%lld-C%d", db_text(st, 0),
                                        (long long) sqlite3_column_int64(st, 1), credit)
                            : xasprintf("%s:%lld", db_text(st, 0),
                                        (long long) sqlite3_column_int64(st, 1));

        json_array_append_new(list, json_pack("{s:s, s:s, s:I, s:i, s:s, s:s, s:I}",
            "id", id, "profile", db_text(st, 0), "number",
            (json_int_t) sqlite3_column_int64(st, 1), "credit", credit, "stage", db_text(st, 2),
            "reason", db_text(st, 3), "updated_at", (json_int_t) sqlite3_column_int64(st, 4)));
        free(id);
    }
    sqlite3_finalize(st);
    if (row == DB_ERROR)
        goto fail;
    st = db_query(self->db,
        "SELECT id, profile, reason, received_at FROM rejected_documents"
        " WHERE (?1 IS NULL OR profile = ?1) ORDER BY id", err, errlen);
    if (st == NULL)
        goto fail;
    if (profile)
        sqlite3_bind_text(st, 1, profile, -1, SQLITE_STATIC);
    while ((row = db_step_row(self->db, st, err, errlen)) == DB_FOUND) {
        char   *id = xasprintf("%s:document-%lld", db_text(st, 1),
                               (long long) sqlite3_column_int64(st, 0));

        json_array_append_new(list, json_pack("{s:s, s:s, s:n, s:s, s:s, s:I}",
            "id", id, "profile", db_text(st, 1), "number", "stage", "fetch",
            "reason", db_text(st, 2), "updated_at", (json_int_t) sqlite3_column_int64(st, 3)));
        free(id);
    }
    sqlite3_finalize(st);
    if (row == DB_ERROR)
        goto fail;
    return list;

fail:
    json_decref(list);
    return NULL;
}

/* store_drop - remove one dead letter for good; the credit notes of a
 * dropped order that wait for its booking will not be sent */
db_found_t
store_drop(store_t *self, const char *profile, int64_t number, int32_t credit, char *err,
           size_t errlen)
{
    sqlite3_stmt *st = db_query(self->db,
        "UPDATE orders SET state = 'dropped', updated_at = ?3"
        " WHERE profile = ?1 AND number = ?2 AND credit = ?4 AND state = 'dead'", err, errlen);
    db_found_t found;

    if (st == NULL)
        return DB_ERROR;
    sqlite3_bind_text(st, 1, profile, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, number);
    sqlite3_bind_int64(st, 3, db_now());
    sqlite3_bind_int(st, 4, credit);
    if ((found = db_step_row(self->db, st, err, errlen)) == DB_ABSENT)
        found = sqlite3_changes(self->db) == 1 ? DB_FOUND : DB_ABSENT;
    sqlite3_finalize(st);
    if (found == DB_FOUND && credit == 0
        && (st = db_query(self->db, "UPDATE orders SET state = 'skipped', stage = 'fetch',"
                          " reason = 'de order is niet geboekt (dode letter verwijderd)',"
                          " updated_at = ?3 WHERE profile = ?1 AND number = ?2 AND credit > 0"
                          " AND state = 'pending'", err, errlen)) != NULL) {
        sqlite3_bind_text(st, 1, profile, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, number);
        sqlite3_bind_int64(st, 3, db_now());
        found = db_step_row(self->db, st, err, errlen) == DB_ERROR ? DB_ERROR : DB_FOUND;
        sqlite3_finalize(st);
    }
    return found;
}

/* store_figures - per profile its orders per state and its cursor: the
 * counts the triggers keep and the cursors, in one read */
json_t *
store_figures(store_t *self, char *err, size_t errlen)
{
    sqlite3_stmt *st = db_query(self->db,
        "SELECT profile, state, n FROM order_counts WHERE n > 0"
        " UNION ALL SELECT profile, 'cursor', next_number FROM cursors", err, errlen);
    json_t *all = json_object(), *p;
    db_found_t row = DB_ERROR;

    if (st == NULL) {
        json_decref(all);
        return NULL;
    }
    while ((row = db_step_row(self->db, st, err, errlen)) == DB_FOUND) {
        if ((p = json_object_get(all, db_text(st, 0))) == NULL)
            json_object_set_new(all, db_text(st, 0), p = json_object());
        json_object_set_new(p, db_text(st, 1), json_integer(sqlite3_column_int64(st, 2)));
    }
    sqlite3_finalize(st);
    if (row == DB_ERROR) {
        json_decref(all);
        return NULL;
    }
    return all;
}
