/*
 * NAME
 *   admins - koppelctl admins PROFILE: the administrations to choose from
 *
 * DESCRIPTION
 *   See admin_cmds.h.
 */
#include <jansson.h>
#include <stdlib.h>

#include "admin_cmds.h"
#include "admin_reader.h"

/* ctl_admins - list the administrations to choose from */
int
ctl_admins(const profile_t *p, bool as_json, FILE *out)
{
    char    err[1024];
    json_t *list = admin_list(p, err, sizeof err);
    size_t  i;

    if (list == NULL) {
        fprintf(stderr, "koppelctl: admins %s: %s\n", p->name, err);
        return 1;
    }
    if (as_json) {
        char   *text = json_dumps(list, JSON_INDENT(2));

        fprintf(out, "%s\n", text);
        free(text);
    } else if (json_array_size(list) == 0)
        fprintf(out, "no administrations found\n");
    else
        for (i = 0; i < json_array_size(list); i++)
            fprintf(out, "%s\n", json_string_value(json_array_get(list, i)));
    json_decref(list);
    return 0;
}
