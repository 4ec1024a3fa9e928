/*
 * NAME
 *   test_sync - the matcher's customer index kept in step with snelstart-sim
 *
 * DESCRIPTION
 *   Each test starts build/bin/snelstart-sim (tests/support/sim_proc) with
 *   the five relaties of tests/fixtures/snelstart-relaties.json (four
 *   klanten, one leverancier), points
 *   the example configuration's first profile at it and drives
 *   matcher/sync.c: the first fill reads every relatie, a later refresh
 *   reads only those changed since the newest ModifiedOn seen, and a
 *   SnelStart that cannot be read leaves the index as it was.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <czmq.h>
#include <jansson.h>

#include "config.h"
#include "relatie_body.h"
#include "relatie_index.h"
#include "sim_proc.h"
#include "snelstart.h"
#include "sync.h"
#include "xalloc.h"

#define FIXTURE_RELATIES 5     /* read from SnelStart */
#define FIXTURE_KLANTEN  4     /* in the index: the leverancier is not a customer */

typedef struct {
    sim_proc_t sim;
    cfg_t  *cfg;
    profile_t *p;
    sync_t *sync;
} fixture_t;

/* replace - swap a profile string for a copy */
static void
replace(char **field, const char *value)
{
    free(*field);
    *field = xstrdup(value);
}

/* start_slow - the simulator (answering each API request after slow_ms
 * when not 0), a profile of type api pointing at it, a sync */
static fixture_t *
start_slow(int slow_ms)
{
    fixture_t *f = xcalloc(1, sizeof *f);
    char    err[1024], path[PATH_MAX + 64], gb[PATH_MAX + 64], ms[16];

    snprintf(ms, sizeof ms, "%d", slow_ms);
    snprintf(path, sizeof path, "%s/tests/fixtures/snelstart-relaties.json", sim_proc_root());
    snprintf(gb, sizeof gb, "%s/tests/fixtures/snelstart-grootboeken.json", sim_proc_root());
    if (!sim_proc_start(&f->sim, "snelstart-sim", "/_sim/stats", "--db", "@DIR@/ss.db",
                        "--relaties", path, "--grootboeken", gb,
                        "--client-key", "ck", "--subscription-key", "sk",
                        "--timeout-rate", slow_ms ? "1" : "0", "--timeout-ms", ms, NULL))
        fail_msg("snelstart-sim does not start (log in %s)", f->sim.dir);
    snprintf(path, sizeof path, "%s/config/koppel.cfg.example", sim_proc_root());
    if ((f->cfg = cfg_load(path, err, sizeof err)) == NULL)
        fail_msg("%s", err);
    f->p = &f->cfg->profiles[0];
    replace(&f->p->admin_type, "api");
    snprintf(path, sizeof path, "%s/v2", f->sim.url);
    replace(&f->p->api_url, path);
    snprintf(path, sizeof path, "%s/b2b/token", f->sim.url);
    replace(&f->p->auth_url, path);
    replace(&f->p->client_key, "ck");
    replace(&f->p->subscription_key, "sk");
    f->p->index_refresh_s = 60;
    f->p->timeout_s = 5;
    f->sync = sync_new(f->p);
    return f;
}

/* start - the same, answering at once */
static fixture_t *
start(void)
{
    return start_slow(0);
}

/* slice - sync_step until the slice's request has its answer: while it is
 * on its way (on the sync's thread) sync_step answers SYNC_MORE at once */
static sync_state_t
slice(fixture_t *f, time_t now, char *err, size_t errlen)
{
    sync_state_t st;

    while ((st = sync_step(f->sync, now, err, errlen)) == SYNC_MORE && f->sync->read)
        zclock_sleep(2);
    return st;
}

/* stop - sync, configuration and simulator away */
static void
stop(fixture_t **fp)
{
    fixture_t *f = *fp;

    sync_destroy(&f->sync);
    cfg_destroy(&f->cfg);
    sim_proc_cleanup(&f->sim);
    free(f);
    *fp = NULL;
}

/* client - a SnelStart client of the simulator, to change relaties behind the sync */
static snelstart_t *
client(const fixture_t *f)
{
    return snelstart_new(f->p->api_url, f->p->auth_url, "ck", "sk", true);
}

/* by_email - how many relaties of the index carry this e-mail */
static size_t
by_email(const sync_t *s, const char *email)
{
    uint32_t refs[4];
    char    key[256];

    relatie_norm_email(email, key, sizeof key);
    return relatie_index_find(s->index, RELATIE_KEY_EMAIL, key, refs, 4);
}

/* the_first_fill_reads_every_relatie */
static void
the_first_fill_reads_every_relatie(void **state)
{
    fixture_t *f = start();
    char    err[1024] = "";

    assert_false(f->sync->filled);
    if (!sync_fresh(f->sync, 1000, err, sizeof err))
        fail_msg("%s", err);
    assert_true(f->sync->filled);
    assert_int_equal(relatie_index_count(f->sync->index), FIXTURE_KLANTEN);
    assert_int_equal(f->sync->relaties_read, FIXTURE_RELATIES);
    assert_int_equal(by_email(f->sync, "info@jansen.nl"), 1);
    assert_int_equal(by_email(f->sync, "inkoop@noord.nl"), 0);
    assert_string_not_equal(relatie_index_latest_modified(f->sync->index), "");
    /* within index_refresh nothing is read again */
    assert_true(sync_fresh(f->sync, 1000 + 59, err, sizeof err));
    assert_int_equal(f->sync->relaties_read, FIXTURE_RELATIES);
    stop(&f);
}

/* the_first_fill_is_one_request_a_slice - the landen, then a page at a time */
static void
the_first_fill_is_one_request_a_slice(void **state)
{
    fixture_t *f = start();
    char    err[1024] = "";

    assert_false(sync_ready(f->sync, 1000));
    assert_int_equal(slice(f, 1000, err, sizeof err), SYNC_MORE);             /* landen */
    assert_false(f->sync->filled);
    assert_int_equal(f->sync->relaties_read, 0);
    assert_int_equal(slice(f, 1000, err, sizeof err), SYNC_READY);            /* one page */
    assert_true(f->sync->filled);
    assert_true(sync_ready(f->sync, 1000));
    assert_int_equal(f->sync->relaties_read, FIXTURE_RELATIES);
    assert_false(sync_ready(f->sync, 1000 + 60));                              /* refresh due */
    stop(&f);
}

/* a_fill_held_back_by_the_limit_says_when_to_go_on - no sleep, a moment */
static void
a_fill_held_back_by_the_limit_says_when_to_go_on(void **state)
{
    fixture_t *f = start();
    char    err[1024] = "";
    struct timespec t;
    int64_t now_ms;

    snelstart_set_limits(f->sync->api, 1, 100, 1);
    assert_int_equal(slice(f, 1000, err, sizeof err), SYNC_MORE);             /* landen */
    assert_int_equal(slice(f, 1000, err, sizeof err), SYNC_FAILED);
    clock_gettime(CLOCK_REALTIME, &t);
    now_ms = (int64_t) t.tv_sec * 1000 + t.tv_nsec / 1000000;
    assert_true(f->sync->not_before_ms > now_ms + 50000);  /* the minute window */
    assert_non_null(strstr(err, "1 per minuut bereikt"));
    assert_false(f->sync->filled);
    assert_int_equal(f->sync->relaties_read, 0);
    stop(&f);
}

/* a_slice_does_not_wait_for_a_slow_snelstart - the request goes on a
 * thread; the slices after it only look whether its answer is there */
static void
a_slice_does_not_wait_for_a_slow_snelstart(void **state)
{
    fixture_t *f = start_slow(3000);
    char    err[1024] = "";

    snelstart_set_timeout(f->sync->api, 30000);

    assert_int_equal(sync_step(f->sync, 1000, err, sizeof err), SYNC_MORE);
    assert_non_null(f->sync->read);                 /* the landen, on their way */
    assert_true(f->sync->next_slice_ms > 0);        /* a look again, no wait */
    assert_int_equal(sync_step(f->sync, 1000, err, sizeof err), SYNC_MORE);
    assert_non_null(f->sync->read);                 /* still: the answer takes 3 s */
    assert_false(f->sync->have_landen);
    assert_int_equal(slice(f, 1000, err, sizeof err), SYNC_MORE);             /* landen */
    assert_true(f->sync->have_landen);
    if (slice(f, 1000, err, sizeof err) != SYNC_READY)                        /* one page */
        fail_msg("%s", err);
    assert_true(f->sync->filled);
    assert_int_equal(f->sync->relaties_read, FIXTURE_RELATIES);
    stop(&f);
}

/* a_refresh_reads_only_what_changed_since_the_newest_modifiedon */
static void
a_refresh_reads_only_what_changed_since_the_newest_modifiedon(void **state)
{
    fixture_t *f = start();
    char    err[1024] = "", path[128];
    snelstart_t *ss = client(f);
    json_t *found = NULL, *rel, *out = NULL;
    ss_error_t e;

    if (!sync_fresh(f->sync, 1000, err, sizeof err))
        fail_msg("%s", err);
    /* one relatie changes its e-mail, one is new */
    assert_int_equal(snelstart_get(ss, "/relaties?$filter=Relatiecode%20eq%202", &found, &e),
                     SS_OK);
    assert_non_null(json_array_get(found, 0));
    snprintf(path, sizeof path, "/relaties/%s",
             json_string_value(json_object_get(json_array_get(found, 0), "id")));
    rel = relatie_writable(json_array_get(found, 0));     /* as the PUT takes it */
    json_decref(found);
    json_object_set_new(rel, "email", json_string("nieuw@devries.nl"));
    assert_int_equal(snelstart_put(ss, path, rel, &out, &e), SS_OK);
    json_decref(out);
    json_decref(rel);
    rel = json_pack("{s:[s],s:s,s:s}", "relatiesoort", "Klant", "naam", "Pietersen Webshop",
                    "email", "piet@pietersen.nl");
    assert_int_equal(snelstart_post(ss, "/relaties", rel, &out, &e), SS_OK);
    json_decref(out);
    json_decref(rel);

    if (!sync_fresh(f->sync, 1000 + 60, err, sizeof err))
        fail_msg("%s", err);
    /* two read (the changed and the new one), not all seven */
    assert_int_equal(f->sync->relaties_read, FIXTURE_RELATIES + 2);
    assert_int_equal(relatie_index_count(f->sync->index), FIXTURE_KLANTEN + 1);
    assert_int_equal(by_email(f->sync, "piet@pietersen.nl"), 1);
    assert_int_equal(by_email(f->sync, "nieuw@devries.nl"), 1);
    assert_int_equal(by_email(f->sync, "boekhouding@devries.nl"), 0);
    snelstart_destroy(&ss);
    stop(&f);
}

/* a_snelstart_that_cannot_be_read_keeps_the_old_index */
static void
a_snelstart_that_cannot_be_read_keeps_the_old_index(void **state)
{
    fixture_t *f = start();
    char    err[1024] = "";
    relatie_index_t *before;

    if (!sync_fresh(f->sync, 1000, err, sizeof err))
        fail_msg("%s", err);
    before = f->sync->index;
    sim_proc_stop(&f->sim);
    assert_false(sync_fresh(f->sync, 1000 + 60, err, sizeof err));
    assert_non_null(strstr(err, "reading relaties from SnelStart"));
    assert_ptr_equal(f->sync->index, before);
    assert_true(f->sync->filled);
    assert_int_equal(relatie_index_count(f->sync->index), FIXTURE_KLANTEN);
    assert_int_equal(by_email(f->sync, "info@jansen.nl"), 1);
    /* not marked as synced: the next call tries again */
    assert_int_equal(f->sync->synced_at, 1000);
    stop(&f);
}

/* a_first_fill_that_fails_leaves_the_index_unfilled */
static void
a_first_fill_that_fails_leaves_the_index_unfilled(void **state)
{
    fixture_t *f = start();
    char    err[1024] = "";

    sim_proc_stop(&f->sim);
    assert_false(sync_fresh(f->sync, 1000, err, sizeof err));
    assert_non_null(strstr(err, "SnelStart"));
    assert_false(f->sync->filled);
    assert_int_equal(relatie_index_count(f->sync->index), 0);
    stop(&f);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_first_fill_reads_every_relatie),
        cmocka_unit_test(the_first_fill_is_one_request_a_slice),
        cmocka_unit_test(a_fill_held_back_by_the_limit_says_when_to_go_on),
        cmocka_unit_test(a_slice_does_not_wait_for_a_slow_snelstart),
        cmocka_unit_test(a_refresh_reads_only_what_changed_since_the_newest_modifiedon),
        cmocka_unit_test(a_snelstart_that_cannot_be_read_keeps_the_old_index),
        cmocka_unit_test(a_first_fill_that_fails_leaves_the_index_unfilled),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
