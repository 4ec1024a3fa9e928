/*
 * NAME
 *   tds_session - one client connection of tds-sim
 *
 * DESCRIPTION
 *   Speaks SQL Server's wire protocol (MS-TDS, TDS 7.2 to 7.4) to one
 *   client: PRELOGIN (encryption not supported), LOGIN7 with SQL
 *   authentication, then SQL batches run against SQLite, answered with
 *   COLMETADATA, ROW or NBCROW and DONE tokens, or ERROR tokens with SQL
 *   Server's message numbers (208 invalid object, 207 invalid column, 229
 *   permission denied, 102 syntax, 4060 unknown database, 18456 login
 *   failed, 18452 integrated login). ATTENTION is answered with DONE
 *   (attention acknowledged).
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
} tds_sim_conf_t;

/* tds_session_run - serve one connected socket until it closes; closes fd */
void tds_session_run(int fd, const tds_sim_conf_t *conf);

#endif
