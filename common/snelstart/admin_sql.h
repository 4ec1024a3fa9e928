/*
 * NAME
 *   admin_sql - read a SnelStart SQL (or Lokaal) administration with
 *               FreeTDS db-lib
 *
 * DESCRIPTION
 *   Logs in to a SQL Server (TDS 7.4, UTF-8) with a SQL login, or with
 *   integrated security when the user is empty (Kerberos ticket, or NTLM
 *   when the user is written DOMAIN\user), opens one database and runs
 *   SELECTs built from the schema map. Identifiers are quoted with
 *   admin_sql_ident(); the one value, the modified date of an incremental
 *   read, is passed as a parameter of sp_executesql (@since), never put
 *   into the text.
 *
 * DIAGNOSTICS
 *   Messages name the server, the database or the table and give SQL
 *   Server's own error number: 18456 wrong login, 4060 unknown database,
 *   208 unknown table, 207 unknown column, 229 no read permission.
 */
#ifndef KOPPEL_ADMIN_SQL_H
#define KOPPEL_ADMIN_SQL_H

#include "admin_reader.h"

typedef struct admin_sql admin_sql_t;

/* admin_sql_open - log in to server (host, host:port or host\instance) and
 * open database ("" = the login's default); NULL with err */
admin_sql_t *admin_sql_open(const char *server, const char *database, const char *user,
                            const char *password, char *err, size_t errlen);
void admin_sql_close(admin_sql_t **self_p);

/* admin_sql_select - run one SELECT, fn per row; false with err */
bool admin_sql_select(admin_sql_t *self, const admin_select_t *q, admin_row_fn fn,
                      void *arg, char *err, size_t errlen);

/* admin_sql_databases - the user databases of the server (not master,
 * tempdb, model, msdb); JSON array of strings, NULL with err */
json_t *admin_sql_databases(const char *server, const char *user, const char *password,
                            char *err, size_t errlen);

/* admin_sql_ident - a table or column name as a quoted T-SQL identifier:
 * each dot-separated part in [ ], a ] doubled ("dbo.Rel]x" -> [dbo].[Rel]]x]) */
char *admin_sql_ident(const char *name);

/* admin_sql_query - the SELECT text of q (new memory); with since_col and
 * since it ends in "WHERE [col] > @since" */
char *admin_sql_query(const admin_select_t *q);

#endif
