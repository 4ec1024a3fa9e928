/*
 * NAME
 *   admin_reader - read relaties and grootboeken from a SnelStart
 *                  administration of type sql, lokaal or mdb
 *
 * DESCRIPTION
 *   One small interface over two readers: admin_sql (FreeTDS db-lib, for
 *   sql and lokaal) and admin_mdb (libmdb from mdbtools, for mdb). Table
 *   and column names come from the profile's schema map (config.h); every
 *   row is turned into a relatie_rec_t for the matcher's customer index,
 *   or a GrootboekModel-shaped JSON object for boeking_check_grootboeken.
 *   koppel only reads here; bookings are written through the API.
 *
 *   No value from an order reaches these queries: they select whole
 *   tables; the one value (the modified-date of an incremental read)
 *   comes from the administration itself and is sent as a parameter of
 *   sp_executesql (admin_sql.h).
 *
 * DIAGNOSTICS
 *   Every failing call fills err with what failed in plain words: the
 *   server, database, file, table or column, and the reason. Passwords
 *   never appear in a message.
 */
#ifndef KOPPEL_ADMIN_READER_H
#define KOPPEL_ADMIN_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "config.h"
#include "relatie_rec.h"

typedef struct admin_reader admin_reader_t;

/* admin_reader_open - connect to or open the profile's administration
 * (type sql, lokaal or mdb); NULL with err */
admin_reader_t *admin_reader_open(const profile_t *p, char *err, size_t errlen);

/* admin_reader_close - disconnect, free and null the caller's pointer */
void admin_reader_close(admin_reader_t **self_p);

/* admin_reader_relaties - hand each relatie to fn: all of them when
 * since is NULL or "", else only those changed after since (needs the
 * schema map's relatie_modified and an SQL administration). latest (at
 * least 40 bytes) receives the newest change seen, kept when none is.
 * The number of rows read, or -1 with err. */
long admin_reader_relaties(admin_reader_t *self, relatie_rec_fn fn, void *arg,
                           const char *since, char *latest, size_t latestlen,
                           char *err, size_t errlen);

/* admin_reader_incremental - whether changed relaties can be read alone */
bool admin_reader_incremental(const admin_reader_t *self);

/* admin_reader_check - both mapped tables can be read (one row each is
 * enough); false with err naming the table and why */
bool admin_reader_check(admin_reader_t *self, char *err, size_t errlen);

/* admin_list - the administrations to choose from (manual 2.2): the
 * databases on the profile's SQL server (sql, lokaal: the instance's user
 * databases) or the MDB files in its folder (mdb); JSON array of strings,
 * NULL with err */
json_t *admin_list(const profile_t *p, char *err, size_t errlen);

/* ---- for the readers ---- */

/* one SELECT: cols[i] "" means the column is not mapped (value NULL) */
typedef struct {
    const char *table;
    const char *const *cols;
    size_t  ncols;
    const char *since_col;      /* NULL: no filter */
    const char *since;          /* only rows with since_col > since */
    long    max_rows;           /* 0: all */
} admin_select_t;

/* called once per row; values[i] NULL for SQL NULL or an unmapped column;
 * false stops the read */
typedef bool (*admin_row_fn)(void *arg, char **values);

#endif
