/*
 * NAME
 *   test_connection - koppelctl test-connection PROFILE ("Verbinding testen")
 *
 * DESCRIPTION
 *   Prints each check of connection_check.h on its own line, as
 *   "NAME: OK (text)" or "NAME: FAILED: text".
 */
#include <stdio.h>

#include "admin_cmds.h"
#include "connection_check.h"

/* ctl_test_connection - check shop, administration, API and grootboeken */
int
ctl_test_connection(const profile_t *p, FILE *out)
{
    bool    ok;
    json_t *checks = connection_check(p, &ok), *c;
    size_t  i;

    json_array_foreach(checks, i, c) {
        if (json_is_true(json_object_get(c, "ok")))
            fprintf(out, "%s: OK (%s)\n", json_string_value(json_object_get(c, "check")),
                    json_string_value(json_object_get(c, "text")));
        else
            fprintf(out, "%s: FAILED: %s\n", json_string_value(json_object_get(c, "check")),
                    json_string_value(json_object_get(c, "text")));
    }
    json_decref(checks);
    return ok ? 0 : 1;
}
