/*
 * NAME
 *   tds_session - one client connection of tds-sim
 *
 * DESCRIPTION
 *   Speaks SQL Server's wire protocol (MS-TDS, TDS 7.2 to 7.4) to one
 *   client: PRELOGIN with encryption negotiated (tds_tls.h: with a
 *   certificate, TLS for the login alone when the client offers it, for
 *   the whole connection when it asks; without one, not supported),
 *   LOGIN7 with SQL authentication, then SQL batches and RPC requests
 *   run against SQLite. An RPC request may call sp_executesql (by name or
 *   ProcID 10) with a statement, its @params declaration and typed values
 *   (tds_rpc.h), which are bound to the SQLite statement as parameters,
 *   never pasted into its text; its results end in DONEINPROC, then
 *   RETURNSTATUS and DONEPROC. Results are COLMETADATA, ROW or NBCROW and
 *   DONE tokens, or ERROR tokens with SQL Server's message numbers (208
 *   invalid object, 207 invalid column, 229 permission denied, 102
 *   syntax, 137 undeclared variable, 214/8144/8145/8178 bad sp_executesql
 *   arguments, 2812 unknown procedure, 4060 unknown database, 18456 login
 *   failed, 18452 integrated login); the connection stays usable after
 *   an error. ATTENTION is answered with DONE (attention acknowledged).
 *
 *   Each database is one SQLite file; its name is the file's name without
 *   directory and extension. sys.databases and INFORMATION_SCHEMA.TABLES
 *   and .COLUMNS are served from attached in-memory copies, dbo.X is the
 *   database's own table X. A few T-SQL forms are rewritten for SQLite:
 *   N'...' literals, SELECT TOP n, @@VERSION, @@SPID, @@SERVERNAME; USE
 *   switches the database; SET statements are accepted and ignored.
 */
#ifndef KOPPEL_TDS_SESSION_H
#define KOPPEL_TDS_SESSION_H

#include <stddef.h>

typedef struct {
    char   *name;       /* database name */
    char   *path;       /* SQLite file */
} tds_db_t;

typedef struct {
    const char *user;
    const char *password;
    const tds_db_t *dbs;        /* the first is the login's default */
    size_t  ndbs;
    char  **deny;               /* tables whose SELECT permission is denied */
    size_t  ndeny;
    struct tds_tls *tls;        /* certificate and key; NULL: no encryption */
    int     slow_ms;            /* a pause after every 1,000 rows sent, 0: none */
} tds_sim_conf_t;

/* tds_session_run - serve one connected socket until it closes; closes fd */
void tds_session_run(int fd, const tds_sim_conf_t *conf);

#endif
