/*
 * NAME
 *   sql_servers - koppelctl sql-servers: find SQL Server instances
 *
 * DESCRIPTION
 *   Asks an address (default the broadcast address) with the SQL Server
 *   Browser protocol (sqlbrowser.h) and prints every instance that
 *   answers within the timeout.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "admin_cmds.h"
#include "sqlbrowser.h"

/* ctl_sql_servers - ask, collect and print */
int
ctl_sql_servers(int argc, char **argv, bool as_json, FILE *out)
{
    const char *addr = "255.255.255.255", *port = "1434";
    long    timeout_ms = 1000;
    json_t *all;
    char    err[512], name[300];
    int     i;

    for (i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--port") == 0 && i + 1 < argc)
            port = argv[++i];
        else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc)
            timeout_ms = strtol(argv[++i], NULL, 10);
        else if (argv[i][0] != '-')
            addr = argv[i];
        else {
            fprintf(stderr, "usage: koppelctl sql-servers [ADDRESS] [--port N] [--timeout MS] "
                    "[--json]\n");
            return 2;
        }
    }
    if ((all = sqlbrowser_find(addr, port, timeout_ms, err, sizeof err)) == NULL) {
        fprintf(stderr, "koppelctl: sql-servers %s\n", err);
        return 1;
    }
    if (as_json) {
        char   *text = json_dumps(all, JSON_INDENT(2));

        fprintf(out, "%s\n", text);
        free(text);
    } else if (json_array_size(all) == 0)
        fprintf(out, "no SQL Server answered at %s (UDP %s)\n", addr, port);
    else
        for (i = 0; i < (int) json_array_size(all); i++) {
            json_t *s = json_array_get(all, (size_t) i);
            const char *tcp = json_string_value(json_object_get(s, "tcp"));
            const char *ver = json_string_value(json_object_get(s, "Version"));

            fprintf(out, "%s  tcp %s  version %s\n", sqlbrowser_name(s, name, sizeof name),
                    tcp ? tcp : "-", ver ? ver : "?");
        }
    json_decref(all);
    return 0;
}
