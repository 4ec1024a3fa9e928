/*
 * test_plan - the scheduler's planning: the catch-up rule, one run at a time
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "config.h"
#include "plan.h"

static cfg_t *
config_with_interval(int interval_s)
{
    static profile_t p;
    static cfg_t cfg;

    memset(&p, 0, sizeof p);
    memset(&cfg, 0, sizeof cfg);
    p.name = "winkel";
    p.import_interval_s = interval_s;
    p.enabled = true;
    cfg.profiles = &p;
    cfg.nprofiles = 1;
    return &cfg;
}

static plan_t *
open_plan(char *path, size_t len, cfg_t *cfg, int64_t now)
{
    char    err[512];
    plan_t *plan;
    int     fd;

    snprintf(path, len, "/tmp/koppel-test-plan-XXXXXX");
    fd = mkstemp(path);
    close(fd);
    plan = plan_open(path, cfg, now, err, sizeof err);
    if (plan == NULL)
        fail_msg("%s", err);
    return plan;
}

/* due - plan_due with 64-byte buffers */
static db_found_t
due(plan_t *plan, int64_t now, char *profile, char *task)
{
    char    err[512];

    return plan_due(plan, now, profile, 64, task, 64, err, sizeof err);
}

/* running - the job running for winkel's import; fails the test when there is no answer */
static int64_t
running(plan_t *plan)
{
    char    err[512];
    int64_t job = -1;

    if (plan_running(plan, "winkel", TASK_IMPORT, &job, err, sizeof err) != DB_FOUND)
        fail_msg("plan_running: no answer: %s", err);
    return job;
}

static void
catch_up_adds_the_interval_until_the_next_run_is_in_the_future(void **state)
{
    /* next run 10:00, interval 15 min, scheduler back at 11:07 -> 11:15 */
    assert_int_equal(plan_next_run(36000, 900, 36000 + 67 * 60), 36000 + 75 * 60);
    /* exactly on time: the next one is one interval later */
    assert_int_equal(plan_next_run(36000, 900, 36000), 36900);
    /* off: nothing moves */
    assert_int_equal(plan_next_run(36000, 0, 99999), 36000);
}

static void
a_task_due_after_downtime_runs_once(void **state)
{
    char    path[64], profile[64], task[64];
    plan_t *plan = open_plan(path, sizeof path, config_with_interval(900), 1000);
    int64_t now = 1000 + 10 * 900 + 5;     /* ten intervals later */

    assert_int_equal(due(plan, now, profile, task), DB_FOUND);
    assert_string_equal(profile, "winkel");
    assert_string_equal(task, TASK_IMPORT);
    assert_true(plan_advance(plan, profile, task, now));
    plan_started(plan, profile, task, 1, now);
    plan_finished(plan, profile, task, 1, true, "ok", now);
    /* not due again before the next interval */
    assert_int_equal(due(plan, now, profile, task), DB_ABSENT);
    assert_int_equal(due(plan, 1000 + 11 * 900, profile, task), DB_FOUND);
    plan_close(&plan);
    unlink(path);
}

static void
a_switched_off_profile_is_never_due_and_listed_as_off(void **state)
{
    char    path[64], profile[64], task[64], err[512];
    cfg_t  *cfg = config_with_interval(900);
    plan_t *plan;
    json_t *list;

    cfg->profiles[0].enabled = false;
    plan = open_plan(path, sizeof path, cfg, 1000);
    assert_false(plan_enabled(plan, "winkel"));
    assert_int_equal(due(plan, 1000 + 10 * 900, profile, task), DB_ABSENT);
    list = plan_list(plan);
    assert_int_equal(json_array_size(list), 1);
    assert_true(json_is_false(json_object_get(json_array_get(list, 0), "enabled")));
    json_decref(list);
    plan_close(&plan);
    /* switched on again: the task kept in scheduler.db is due at once */
    cfg->profiles[0].enabled = true;
    plan = plan_open(path, cfg, 1000, err, sizeof err);
    assert_non_null(plan);
    assert_true(plan_enabled(plan, "winkel"));
    assert_int_equal(due(plan, 1000 + 10 * 900, profile, task), DB_FOUND);
    plan_close(&plan);
    unlink(path);
}

static void
a_running_task_is_not_started_again(void **state)
{
    char    path[64], profile[64], task[64];
    plan_t *plan = open_plan(path, sizeof path, config_with_interval(300), 1000);

    plan_started(plan, "winkel", TASK_IMPORT, 7, 1000);
    assert_int_equal(running(plan), 7);
    assert_int_equal(due(plan, 5000, profile, task), DB_ABSENT);
    /* an answer for another job does not end this one */
    plan_finished(plan, "winkel", TASK_IMPORT, 6, true, "old", 1001);
    assert_int_equal(running(plan), 7);
    plan_finished(plan, "winkel", TASK_IMPORT, 7, true, "done", 1002);
    assert_int_equal(running(plan), 0);
    plan_close(&plan);
    unlink(path);
}

static void
the_planning_survives_a_restart_and_plan_set_changes_it(void **state)
{
    char    path[64], err[256];
    cfg_t  *cfg = config_with_interval(900);
    plan_t *plan = open_plan(path, sizeof path, cfg, 1000);
    json_t *list, *t;

    assert_true(plan_set(plan, "winkel", TASK_IMPORT, 3600, 50000, err, sizeof err));
    assert_false(plan_set(plan, "winkel", "exporteren", 3600, 0, err, sizeof err));
    assert_non_null(strstr(err, "heeft geen taak exporteren"));
    plan_close(&plan);
    plan = plan_open(path, cfg, 2000, err, sizeof err);
    list = plan_list(plan);
    assert_int_equal(json_array_size(list), 1);
    t = json_array_get(list, 0);
    assert_int_equal(json_integer_value(json_object_get(t, "interval_s")), 3600);
    assert_int_equal(json_integer_value(json_object_get(t, "next_run")), 50000);
    assert_string_equal(json_string_value(json_object_get(t, "interval")), "1h");
    json_decref(list);
    plan_close(&plan);
    unlink(path);
}

/* interval_of - the planned interval of a profile's import, -1 when it has none */
static int
interval_of(plan_t *plan, const char *profile)
{
    json_t *list = plan_list(plan);
    int     iv = -1;
    size_t  i;

    for (i = 0; i < json_array_size(list); i++)
        if (strcmp(json_string_value(json_object_get(json_array_get(list, i), "profile")),
                   profile) == 0)
            iv = (int) json_integer_value(json_object_get(json_array_get(list, i), "interval_s"));
    json_decref(list);
    return iv;
}

static void
a_changed_file_value_wins_over_koppelctl_plan_an_unchanged_one_does_not(void **state)
{
    char    path[64], err[256], profile[64], task[64];
    cfg_t  *cfg = config_with_interval(900);
    plan_t *plan = open_plan(path, sizeof path, cfg, 1000);
    profile_t two[2];
    cfg_t   both;

    assert_true(plan_set(plan, "winkel", TASK_IMPORT, 3600, 0, err, sizeof err));
    assert_true(plan_configure(plan, cfg, 1100, err, sizeof err));      /* file still 15m */
    assert_int_equal(interval_of(plan, "winkel"), 3600);
    cfg->profiles[0].import_interval_s = 300;                            /* file now 5m */
    assert_true(plan_configure(plan, cfg, 1200, err, sizeof err));
    assert_int_equal(interval_of(plan, "winkel"), 300);
    plan_close(&plan);                                                   /* and after a restart */
    assert_non_null(plan = plan_open(path, cfg, 1300, err, sizeof err));
    assert_int_equal(interval_of(plan, "winkel"), 300);

    /* a new profile is planned, one that is gone is not */
    memset(two, 0, sizeof two);
    memset(&both, 0, sizeof both);
    two[0].name = "nieuw";
    two[0].import_interval_s = 600;
    two[0].enabled = true;
    both.profiles = two;
    both.nprofiles = 1;
    assert_true(plan_configure(plan, &both, 1400, err, sizeof err));
    assert_int_equal(interval_of(plan, "nieuw"), 600);
    assert_int_equal(interval_of(plan, "winkel"), -1);
    assert_int_equal(due(plan, 1400, profile, task), DB_FOUND);
    assert_string_equal(profile, "nieuw");
    plan_close(&plan);
    unlink(path);
}

static void
switched_on_in_the_file_a_task_runs_at_once(void **state)
{
    char    path[64], err[256], profile[64], task[64];
    cfg_t  *cfg = config_with_interval(0);
    plan_t *plan = open_plan(path, sizeof path, cfg, 1000);

    assert_int_equal(due(plan, 5000, profile, task), DB_ABSENT);
    cfg->profiles[0].import_interval_s = 86400;
    assert_true(plan_configure(plan, cfg, 5000, err, sizeof err));
    assert_int_equal(due(plan, 5000, profile, task), DB_FOUND);
    plan_close(&plan);
    unlink(path);
}

static void
job_ids_are_never_reused(void **state)
{
    char    path[64];
    plan_t *plan = open_plan(path, sizeof path, config_with_interval(0), 1000);
    int64_t a = plan_new_job_id(plan), b = plan_new_job_id(plan);

    assert_true(b > a);
    plan_close(&plan);
    unlink(path);
}

/* an_unreadable_planning_is_an_error_not_nothing_due - a second connection
 * drops the tasks under the open planning: "due?", "running?" and the
 * advance of a due task say that they failed; none answers "no" */
static void
an_unreadable_planning_is_an_error_not_nothing_due(void **state)
{
    char    path[64], profile[64], task[64], err[512];
    plan_t *plan = open_plan(path, sizeof path, config_with_interval(900), 1000);
    int64_t job = 99;
    sqlite3 *db;

    assert_int_equal(due(plan, 5000, profile, task), DB_FOUND);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "DROP TABLE tasks", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(plan_due(plan, 5000, profile, sizeof profile, task, sizeof task,
                              err, sizeof err), DB_ERROR);
    assert_non_null(strstr(err, "cannot read: no such table: tasks"));
    assert_int_equal(plan_running(plan, "winkel", TASK_IMPORT, &job, err, sizeof err), DB_ERROR);
    assert_int_equal(job, 99);
    assert_false(plan_advance(plan, "winkel", TASK_IMPORT, 5000));
    plan_close(&plan);
    unlink(path);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(catch_up_adds_the_interval_until_the_next_run_is_in_the_future),
        cmocka_unit_test(a_task_due_after_downtime_runs_once),
        cmocka_unit_test(a_running_task_is_not_started_again),
        cmocka_unit_test(a_switched_off_profile_is_never_due_and_listed_as_off),
        cmocka_unit_test(the_planning_survives_a_restart_and_plan_set_changes_it),
        cmocka_unit_test(a_changed_file_value_wins_over_koppelctl_plan_an_unchanged_one_does_not),
        cmocka_unit_test(switched_on_in_the_file_a_task_runs_at_once),
        cmocka_unit_test(job_ids_are_never_reused),
        cmocka_unit_test(an_unreadable_planning_is_an_error_not_nothing_due),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
