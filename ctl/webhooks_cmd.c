/*
 * NAME
 *   webhooks_cmd - koppelctl webhooks PROFILE [--register] [--json]
 *
 * DESCRIPTION
 *   See webhooks_cmd.h. The list and the verdicts come from wc_webhooks
 *   and webhook_check, the same as test-connection's check "webhooks".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "webhook_check.h"
#include "webhooks_cmd.h"

/* list_json - the webhooks as JSON (no secret: the shop lists none) */
static json_t *
list_json(const wc_webhook_t *list, size_t n)
{
    json_t *arr = json_array();
    size_t  i;

    for (i = 0; i < n; i++)
        json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:s, s:s}",
                                             "id", (json_int_t) list[i].id,
                                             "name", list[i].name, "status", list[i].status,
                                             "topic", list[i].topic,
                                             "delivery_url", list[i].delivery_url));
    return arr;
}

/* print_lines - each {text} of arr on a line of its own */
static void
print_lines(const json_t *arr, FILE *out)
{
    size_t  i;
    json_t *v;

    json_array_foreach(arr, i, v)
        fprintf(out, "%s\n", json_string_value(json_object_get(v, "text")));
}

/* list_cmd - the shop's webhooks and koppel's verdicts */
static int
list_cmd(const profile_t *p, bool as_json, FILE *out)
{
    wc_client_t *c = webhook_client(p);
    wc_webhook_t *list = NULL;
    size_t  n = 0, i;
    char    err[1024], text[1400];
    json_t *verdicts = json_array();
    bool    ok = true;
    int     t;
    wc_result_t r = wc_webhooks_list(c, &list, &n, err, sizeof err);

    wc_client_destroy(&c);
    if (r != WC_OK) {
        fprintf(stderr, "koppelctl: de webhooks van de shop zijn niet te lezen: %s\n", err);
        json_decref(verdicts);
        return 1;
    }
    for (t = 0; t < WEBHOOK_NTOPICS; t++) {
        bool    right = p->webhook_url[0]
            && webhook_verdict(p, list, n, webhook_topics[t], text, sizeof text) == HOOK_OK;

        if (p->webhook_url[0] == 0)
            snprintf(text, sizeof text, "%s: niet te controleren: profiles.%s.shop.webhook.url "
                     "ontbreekt in koppel.cfg", webhook_topics[t], p->name);
        ok = ok && right;
        json_array_append_new(verdicts, json_pack("{s:s, s:b, s:s}", "topic", webhook_topics[t],
                                                  "ok", right, "text", text));
    }
    if (as_json) {
        json_t *doc = json_pack("{s:o, s:o}", "webhooks", list_json(list, n),
                                "verdicts", verdicts);

        json_dumpf(doc, out, JSON_INDENT(2));
        fputc('\n', out);
        json_decref(doc);
    } else {
        for (i = 0; i < n; i++)
            fprintf(out, "%lld\t%s\t%s\t%s\t%s\n", (long long) list[i].id, list[i].status,
                    list[i].topic, list[i].delivery_url, list[i].name);
        if (n == 0)
            fprintf(out, "(de shop heeft geen webhooks)\n");
        print_lines(verdicts, out);
        json_decref(verdicts);
    }
    free(list);
    return ok ? 0 : 3;
}

/* webhooks_cmd - list or register */
int
webhooks_cmd(const profile_t *p, bool do_register, bool as_json, FILE *out)
{
    json_t *lines;
    bool    ok;
    int     rc;

    if (!webhook_wanted(p)) {
        fprintf(stderr, "koppelctl: profiel %s heeft geen shop.webhook (path, secret, url): "
                "zonder krijgt koppel geen webhooks (docs/woocommerce.md)\n", p->name);
        return 2;
    }
    if (!do_register)
        return list_cmd(p, as_json, out);
    lines = json_array();
    ok = webhook_register(p, lines);
    /* the shop not asked at all (no topic) is 1, a topic not right 3 */
    rc = ok ? 0 : json_string_length(json_object_get(json_array_get(lines, 0), "topic")) == 0
        ? 1 : 3;
    if (as_json) {
        json_dumpf(lines, out, JSON_INDENT(2));
        fputc('\n', out);
    } else {
        print_lines(lines, out);
    }
    json_decref(lines);
    return rc;
}
