/*
 * NAME
 *   admin_mdb - read a SnelStart MDB administration (SnelStart 11 and
 *               older: Microsoft Access files) with libmdb
 *
 * DESCRIPTION
 *   Opens the .mdb file read-only and reads tables by name with mdbtools'
 *   libmdb; text arrives as UTF-8, dates as YYYY-MM-DDTHH:MM:SS. Names of
 *   tables and columns are matched without regard to case.
 *
 * DIAGNOSTICS
 *   Messages name the file, the table or the column.
 */
#ifndef KOPPEL_ADMIN_MDB_H
#define KOPPEL_ADMIN_MDB_H

#include "admin_reader.h"

typedef struct admin_mdb admin_mdb_t;

/* admin_mdb_open - open an MDB file; NULL with err */
admin_mdb_t *admin_mdb_open(const char *path, char *err, size_t errlen);
void admin_mdb_close(admin_mdb_t **self_p);

/* admin_mdb_select - read the columns of a table, fn per row (since_col is
 * not supported: a read is always whole); false with err */
bool admin_mdb_select(admin_mdb_t *self, const admin_select_t *q, admin_row_fn fn,
                      void *arg, char *err, size_t errlen);

/* admin_mdb_list - the administrations (*.mdb files, without extension) in
 * a folder, sorted; NULL with err */
json_t *admin_mdb_list(const char *folder, char *err, size_t errlen);

#endif
