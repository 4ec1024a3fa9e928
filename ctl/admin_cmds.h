/*
 * NAME
 *   admin_cmds - koppelctl commands for the SnelStart administration:
 *                admins, test-connection, sql-servers
 *
 * DESCRIPTION
 *   admins PROFILE [--json]     the databases on the profile's SQL server,
 *                               or the administrations (MDB files) in its
 *                               folder (manual 2.2, the administration list)
 *   test-connection PROFILE     the manual's "Verbinding testen": the shop
 *                               login, its webhooks (a WooCommerce profile
 *                               with shop.webhook), the administration
 *                               (opens, tables readable) and the API
 *                               connection (token, GET /grootboeken), each
 *                               on its own line with OK or the reason; 0
 *                               only when all pass
 *   sql-servers [ADDRESS] [--port N] [--timeout MS] [--json]
 *                               SQL Server instances that answer the SQL
 *                               Server Browser protocol (MC-SQLR, UDP 1434)
 *                               at ADDRESS: a host or a broadcast address
 *                               (default 255.255.255.255)
 *
 * DIAGNOSTICS
 *   Each returns koppelctl's exit code: 0 success, 1 failure, 2 usage.
 *   No password or key is ever printed.
 */
#ifndef KOPPEL_ADMIN_CMDS_H
#define KOPPEL_ADMIN_CMDS_H

#include <stdbool.h>
#include <stdio.h>

#include "config.h"

/* ctl_admins - list the administrations to choose from */
int ctl_admins(const profile_t *p, bool as_json, FILE *out);

/* ctl_test_connection - check shop, administration and API; one line each */
int ctl_test_connection(const profile_t *p, FILE *out);

/* ctl_sql_servers - argv after "sql-servers" */
int ctl_sql_servers(int argc, char **argv, bool as_json, FILE *out);


#endif
