/*
 * NAME
 *   fixture - the booker's tests' setup: snelstart-sim, the example
 *   configuration and orders, a ledger
 *
 * DESCRIPTION
 *   See fixture.h.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "xalloc.h"

/* fixture_replace - swap a profile string for a copy */
void
fixture_replace(char **field, const char *value)
{
    free(*field);
    *field = xstrdup(value);
}

/* fixture_load - the example configuration and orders */
fixture_t *
fixture_load(void)
{
    fixture_t *f = xcalloc(1, sizeof *f);
    char    err[1024], path[PATH_MAX + 64];
    char   *doc;
    size_t  len;
    FILE   *fp;

    snprintf(path, sizeof path, "%s/config/koppel.cfg.example", sim_proc_root());
    if ((f->cfg = cfg_load(path, err, sizeof err)) == NULL)
        fail_msg("%s", err);
    f->p = &f->cfg->profiles[0];
    snprintf(path, sizeof path, "%s/tests/fixtures/feed/orders-10423-10431.xml", sim_proc_root());
    fp = fopen(path, "r");
    assert_non_null(fp);
    doc = xmalloc(65536);
    len = fread(doc, 1, 65535, fp);
    fclose(fp);
    f->orders = gcfeed_parse(doc, len, path, err, sizeof err);
    free(doc);
    assert_non_null(f->orders);
    return f;
}

/* fixture_snelstart - snelstart-sim with the example grootboeken, no relaties */
void
fixture_snelstart(sim_proc_t *sim, const char *flag, const char *value)
{
    char    path[PATH_MAX + 32], empty[PATH_MAX + 32], spec[PATH_MAX + 64];

    snprintf(path, sizeof path, "%s/tests/fixtures/grootboeken.json", sim_proc_root());
    snprintf(empty, sizeof empty, "%s/tests/fixtures/relaties-empty.json", sim_proc_root());
    snprintf(spec, sizeof spec, "%s/tests/sim/snelstart/snelstart-b2b-api-v2.yaml",
             sim_proc_root());
    /* a flag without a value (value NULL) is followed by the default seed */
    if (!sim_proc_start(sim, "snelstart-sim", "/_sim/stats", "--db", "@DIR@/ss.db",
                        "--grootboeken", path, "--relaties", empty, "--spec", spec,
                        "--client-key", "ck", "--subscription-key", "sk",
                        flag ? flag : "--seed", flag && value == NULL ? "--seed" : value ? value : "1",
                        flag && value == NULL ? "1" : NULL, NULL))
        fail_msg("snelstart-sim does not start (log in %s)", sim->dir);
}

/* fixture_use_snelstart - the profile's API, token URL and keys: the simulator's */
void
fixture_use_snelstart(profile_t *p, const sim_proc_t *sim)
{
    char    path[PATH_MAX + 32];

    snprintf(path, sizeof path, "%s/v2", sim->url);
    fixture_replace(&p->api_url, path);
    snprintf(path, sizeof path, "%s/b2b/token", sim->url);
    fixture_replace(&p->auth_url, path);
    fixture_replace(&p->client_key, "ck");
    fixture_replace(&p->subscription_key, "sk");
}

/* fixture_start - the simulator, the profile pointing at it, a fresh ledger */
fixture_t *
fixture_start(const char *flag, const char *value)
{
    fixture_t *f = fixture_load();
    char    err[1024], path[PATH_MAX + 32];

    fixture_snelstart(&f->sim, flag, value);
    fixture_use_snelstart(f->p, &f->sim);
    snprintf(path, sizeof path, "%s/booker.db", f->sim.dir);
    if ((f->ledger = ledger_open(path, err, sizeof err)) == NULL)
        fail_msg("%s", err);
    f->admin = administration_new(f->p);
    return f;
}

/* invalid_requests - request bodies the simulator found invalid against the spec */
static long
invalid_requests(fixture_t *f)
{
    char   *body, *p;
    long    n = -1;

    assert_int_equal(sim_proc_get(&f->sim, "/_sim/stats", &body), 200);
    if ((p = strstr(body, "\"invalid\":")) != NULL)
        n = atol(p + 10);
    if (n != 0)
        fprintf(stderr, "snelstart-sim: %s\n", body);
    free(body);
    return n;
}

/* fixture_stop - every body koppel sent was valid; free the fixture */
void
fixture_stop(fixture_t **fp)
{
    fixture_t *f = *fp;

    if (f->sim.url[0]) {
        assert_int_equal(invalid_requests(f), 0);
        administration_destroy(&f->admin);
        ledger_close(&f->ledger);
        sim_proc_cleanup(&f->sim);
    }
    order_page_destroy(&f->orders);
    cfg_destroy(&f->cfg);
    free(f);
    *fp = NULL;
}

/* fixture_order - one of the example orders, with the profile set */
order_t *
fixture_order(fixture_t *f, int i)
{
    order_t *o = f->orders->items[i].order;

    order_set(&o->profile, f->p->name);
    return o;
}

/* fixture_is_new - a "new customer" decision with a key */
match_t *
fixture_is_new(const char *key)
{
    match_t *m = match_new();

    match_set(m, MATCH_NEW, 0, "", "email", "email", key, "no relatie with this e-mail");
    return m;
}

/* fixture_count - occurrences of a string in a simulator listing */
int
fixture_count(fixture_t *f, const char *path, const char *needle)
{
    char   *body, *p;
    int     n = 0;

    assert_int_equal(sim_proc_get(&f->sim, path, &body), 200);
    for (p = body; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    free(body);
    return n;
}
