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
 *   Encryption: by default the connection is TLS from the start
 *   (FreeTDS "encryption = require") with the certificate and host name
 *   checked, so that the password never travels in clear text; a server
 *   that offers no encryption is refused with a message saying so. A
 *   profile may relax this for a test server (admin_sql_tls_t). db-lib
 *   takes these settings only from a freetds.conf: admin_sql writes one
 *   of its own, in memory (memfd, named by FREETDSCONF), with one
 *   section per server and settings, and connects to that section.
 *
 * DIAGNOSTICS
 *   Messages name the server, the database or the table and give SQL
 *   Server's own error number: 18456 wrong login, 4060 unknown database,
 *   208 unknown table, 207 unknown column, 229 no read permission. A
 *   server without encryption: "SQL Server X biedt geen versleuteling
 *   (it offers no encryption) ...".
 */
#ifndef KOPPEL_ADMIN_SQL_H
#define KOPPEL_ADMIN_SQL_H

#include "admin_reader.h"

typedef struct admin_sql admin_sql_t;

/* how the connection is encrypted (FreeTDS's encryption setting) */
typedef enum {
    ADMIN_SQL_REQUIRE = 0,      /* TLS for the whole connection, or no connection */
    ADMIN_SQL_REQUEST,          /* TLS when the server offers it */
    ADMIN_SQL_OFF               /* no TLS asked for: a test server only */
} admin_sql_encryption_t;

typedef struct {
    admin_sql_encryption_t encryption;
    bool    verify;             /* check the certificate and the host name */
    const char *ca_file;        /* PEM of the CAs to trust; NULL or "" the system's */
} admin_sql_tls_t;

/* admin_sql_encryption - the setting's word ("require", "request", "off")
 * as a value; -1 for another word */
int admin_sql_encryption(const char *word);

/* admin_sql_open - log in to server (host, host:port or host\instance) and
 * open database ("" = the login's default), encrypted as tls says (NULL:
 * require, verified against the system's CAs); NULL with err */
admin_sql_t *admin_sql_open(const char *server, const char *database, const char *user,
                            const char *password, const admin_sql_tls_t *tls,
                            char *err, size_t errlen);
void admin_sql_close(admin_sql_t **self_p);

/* admin_sql_select - run one SELECT, fn per row; false with err */
bool admin_sql_select(admin_sql_t *self, const admin_select_t *q, admin_row_fn fn,
                      void *arg, char *err, size_t errlen);

/* admin_sql_databases - the user databases of the server (not master,
 * tempdb, model, msdb); JSON array of strings, NULL with err */
json_t *admin_sql_databases(const char *server, const char *user, const char *password,
                            const admin_sql_tls_t *tls, char *err, size_t errlen);

/* admin_sql_ident - a table or column name as a quoted T-SQL identifier:
 * each dot-separated part in [ ], a ] doubled ("dbo.Rel]x" -> [dbo].[Rel]]x]) */
char *admin_sql_ident(const char *name);

/* admin_sql_query - the SELECT text of q (new memory); with since_col and
 * since it ends in "WHERE [col] > @since" */
char *admin_sql_query(const admin_select_t *q);

#endif
