/*
 * NAME
 *   test_shard - which matcher serves each profile: rendezvous hashing and
 *   the fetcher's table of live matchers
 *
 * DESCRIPTION
 *   Two matchers each get about half of 1,000 profiles; a matcher that
 *   joins takes only profiles that move to it, one that leaves gives up
 *   only its own; a matcher silent for the heartbeat interval is
 *   forgotten, a live one kept; every change is reported once; the first
 *   ready waits a moment for the other matchers; no live
 *   matcher means no owner; a matcher beyond SHARD_MAX is refused; the
 *   status counts each one's profiles; ready and assign round-trip.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "rendezvous.h"
#include "shard.h"
#include "xalloc.h"

#define NPROFILES 1000

/* profile - the name of test profile k */
static const char *
profile(int k)
{
    static char buf[32];

    snprintf(buf, sizeof buf, "winkel-%d", k);
    return buf;
}

/* owner_name - the name rendezvous gives profile k among names */
static const char *
owner_name(int k, char *const *names, size_t n)
{
    int     i = rendezvous_owner(profile(k), names, n);

    return i < 0 ? NULL : names[i];
}

/* two_matchers_each_serve_about_half - the spread over 1,000 profiles */
static void
two_matchers_each_serve_about_half(void **state)
{
    char   *names[] = { "1", "2" };
    int     first = 0, k;

    for (k = 0; k < NPROFILES; k++)
        first += rendezvous_owner(profile(k), names, 2) == 0;
    assert_in_range(first, 430, 570);
    assert_int_equal(rendezvous_owner("winkel", names, 0), -1);
}

/* a_join_moves_profiles_only_to_the_new_matcher - the others keep theirs */
static void
a_join_moves_profiles_only_to_the_new_matcher(void **state)
{
    char   *before[] = { "1", "2" }, *after[] = { "1", "2", "3" };
    int     moved = 0, k;

    for (k = 0; k < NPROFILES; k++) {
        const char *was = owner_name(k, before, 2), *is = owner_name(k, after, 3);

        if (strcmp(was, is) != 0) {
            assert_string_equal(is, "3");
            moved++;
        }
    }
    assert_in_range(moved, 250, 420);   /* about a third */
}

/* a_leave_moves_only_the_profiles_of_the_one_that_left */
static void
a_leave_moves_only_the_profiles_of_the_one_that_left(void **state)
{
    char   *before[] = { "a", "b", "c" }, *after[] = { "a", "c" };
    int     k;

    for (k = 0; k < NPROFILES; k++) {
        const char *was = owner_name(k, before, 3), *is = owner_name(k, after, 2);

        if (strcmp(was, "b") != 0)
            assert_string_equal(was, is);
    }
}

/* a_silent_matcher_is_forgotten_a_live_one_kept - the heartbeat interval */
static void
a_silent_matcher_is_forgotten_a_live_one_kept(void **state)
{
    shard_t *sh = shard_new();

    assert_null(shard_owner(sh, "winkel"));
    assert_true(shard_seen(sh, "1", 1000));
    assert_true(shard_seen(sh, "2", 1000));
    assert_true(shard_take_change(sh));
    assert_false(shard_take_change(sh));            /* reported once */
    assert_true(shard_seen(sh, "2", 2500));         /* a heartbeat: no change */
    assert_false(shard_take_change(sh));
    shard_expire(sh, 3000, 2000);                   /* 1 silent 2000 ms */
    assert_true(shard_take_change(sh));
    assert_string_equal(shard_owner(sh, "winkel"), "2");
    shard_forget(sh, "2", "disconnected");
    assert_true(shard_take_change(sh));
    assert_null(shard_owner(sh, "winkel"));
    shard_forget(sh, "2", "disconnected");          /* not live: no change */
    assert_false(shard_take_change(sh));
    shard_destroy(&sh);
    assert_null(sh);
}

/* the_first_ready_waits_for_the_others - no profile is given to the first
 * matcher before the others running had time to say ready */
static void
the_first_ready_waits_for_the_others(void **state)
{
    shard_t *sh = shard_new();

    assert_false(shard_settled(sh, 0, 1000));       /* none live */
    shard_seen(sh, "1", 5000);
    assert_false(shard_settled(sh, 5500, 1000));
    shard_seen(sh, "2", 5600);                      /* joining does not restart the wait */
    assert_true(shard_settled(sh, 6000, 1000));
    shard_forget(sh, "1", "disconnected");
    shard_forget(sh, "2", "disconnected");
    shard_seen(sh, "2", 9000);                      /* all were gone: wait again */
    assert_false(shard_settled(sh, 9500, 1000));
    shard_destroy(&sh);
}

/* the_owner_is_the_one_rendezvous_names - fetcher and matchers agree */
static void
the_owner_is_the_one_rendezvous_names(void **state)
{
    shard_t *sh = shard_new();
    char   *names[] = { "1", "2", "3" };
    int     k;

    shard_seen(sh, "3", 0);                 /* any order of joining */
    shard_seen(sh, "1", 0);
    shard_seen(sh, "2", 0);
    for (k = 0; k < 50; k++)
        assert_string_equal(shard_owner(sh, profile(k)), owner_name(k, names, 3));
    shard_destroy(&sh);
}

/* a_matcher_beyond_the_most_is_refused - the assign message's limit */
static void
a_matcher_beyond_the_most_is_refused(void **state)
{
    shard_t *sh = shard_new();
    char    name[16];
    int     i;

    for (i = 0; i < SHARD_MAX; i++) {
        snprintf(name, sizeof name, "m%d", i);
        assert_true(shard_seen(sh, name, 0));
    }
    assert_false(shard_seen(sh, "one-too-many", 0));
    assert_true(shard_seen(sh, "m0", 10));          /* a live one still beats */
    shard_destroy(&sh);
}

/* the_status_counts_each_matchers_profiles */
static void
the_status_counts_each_matchers_profiles(void **state)
{
    shard_t *sh = shard_new();
    profile_t *profiles = xcalloc(NPROFILES, sizeof *profiles);  /* too large for a stack */
    char    names[NPROFILES][32];
    cfg_t   cfg = { .profiles = profiles, .nprofiles = NPROFILES };
    json_t *st;
    json_int_t one, two;
    int     k;

    for (k = 0; k < NPROFILES; k++) {
        snprintf(names[k], sizeof names[k], "%s", profile(k));
        profiles[k].name = names[k];
    }
    shard_seen(sh, "1", 100);
    shard_seen(sh, "2", 400);
    st = shard_status(sh, &cfg, 500);
    one = json_integer_value(json_object_get(json_object_get(st, "1"), "profiles"));
    two = json_integer_value(json_object_get(json_object_get(st, "2"), "profiles"));
    assert_int_equal(one + two, NPROFILES);
    assert_in_range(one, 430, 570);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(st, "1"),
                                                        "seen_ms_ago")), 400);
    json_decref(st);
    free(profiles);
    shard_destroy(&sh);
}

/* ready_and_assign_round_trip - the heartbeat and the live set */
static void
ready_and_assign_round_trip(void **state)
{
    msg_t  *m = msg_new(MSG_ASSIGN), *back;
    size_t  len;
    void   *buf;
    char    err[512] = "";

    msg_add_arg(m, "1");
    msg_add_arg(m, "2");
    buf = msg_encode(m, &len);
    back = msg_decode(buf, len, err, sizeof err);
    free(buf);
    assert_non_null(back);
    assert_int_equal(back->type, MSG_ASSIGN);
    assert_int_equal(back->nargs, 2);
    assert_string_equal(back->args[1], "2");
    msg_destroy(&back);
    msg_destroy(&m);
    m = msg_new(MSG_READY);
    msg_set(&m->text, "matcher-1");
    buf = msg_encode(m, &len);
    back = msg_decode(buf, len, err, sizeof err);
    free(buf);
    assert_non_null(back);
    assert_int_equal(back->type, MSG_READY);
    assert_string_equal(back->text, "matcher-1");
    msg_destroy(&back);
    msg_destroy(&m);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(two_matchers_each_serve_about_half),
        cmocka_unit_test(a_join_moves_profiles_only_to_the_new_matcher),
        cmocka_unit_test(a_leave_moves_only_the_profiles_of_the_one_that_left),
        cmocka_unit_test(a_silent_matcher_is_forgotten_a_live_one_kept),
        cmocka_unit_test(the_first_ready_waits_for_the_others),
        cmocka_unit_test(the_owner_is_the_one_rendezvous_names),
        cmocka_unit_test(a_matcher_beyond_the_most_is_refused),
        cmocka_unit_test(the_status_counts_each_matchers_profiles),
        cmocka_unit_test(ready_and_assign_round_trip),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
