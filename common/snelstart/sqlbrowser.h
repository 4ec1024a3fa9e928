/*
 * NAME
 *   sqlbrowser - find SQL Server instances: the SQL Server Browser protocol
 *
 * DESCRIPTION
 *   Where SnelStart SQL (Netwerk) administrations live (manual 2.2: the
 *   drop-down of SQL servers). sqlbrowser_find() sends one CLNT_BCAST_EX
 *   request (0x02, MC-SQLR 2.2.1) to UDP port 1434 of an address (a
 *   broadcast address reaches every server of the network) and collects
 *   every instance of every SVR_RESP answer (0x05, a 16-bit little-endian
 *   size, then "ServerName;S;InstanceName;I;IsClustered;No;Version;V;tcp;
 *   P;;") that arrives within the timeout. koppelctl sql-servers prints
 *   them; koppel-web offers them beside the SQL-server field.
 *
 * DIAGNOSTICS
 *   sqlbrowser_find() returns NULL with err when the request cannot be
 *   sent; no answer is an empty array.
 */
#ifndef KOPPEL_SQLBROWSER_H
#define KOPPEL_SQLBROWSER_H

#include <stddef.h>
#include <jansson.h>

/* sqlbrowser_parse - the instances of one SVR_RESP payload ("ServerName;A;
 * InstanceName;B;...;tcp;1433;;...") as a JSON array of objects with the
 * keys as sent; NULL when it is not one */
json_t *sqlbrowser_parse(const char *data, size_t len);

/* sqlbrowser_find - ask addr:port and collect the answers for timeout_ms */
json_t *sqlbrowser_find(const char *addr, const char *port, long timeout_ms, char *err,
                        size_t errlen);

/* sqlbrowser_name - how to write an instance in sql_server: "host" or
 * "host\INSTANCE" (MSSQLSERVER is the default instance); returns buf */
const char *sqlbrowser_name(const json_t *instance, char *buf, size_t len);

#endif
