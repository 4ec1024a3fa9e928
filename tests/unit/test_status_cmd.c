/*
 * NAME
 *   test_status_cmd - koppelctl status: a profile's line from the daemons'
 *   replies, and koppelctl plan's --next
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "plan_cmd.h"
#include "status_cmd.h"

/* line_of - the line of profile winkel for these replies (JSON texts, NULL: none) */
static char *
line_of(const char *scheduler, const char *fetcher, const char *booker, bool *stopped)
{
    json_t *st[3];
    const char *texts[3] = { scheduler, fetcher, booker };
    char   *line;
    int     i;

    for (i = 0; i < 3; i++)
        st[i] = texts[i] ? json_loads(texts[i], 0, NULL) : NULL;
    line = status_profile_line("winkel", st, 3, stopped);
    for (i = 0; i < 3; i++)
        json_decref(st[i]);
    return line;
}

static void
webhook_deliveries_are_counted_in_dutch(void **state)
{
    json_t *st[2] = { json_loads("{\"activity\":\"Gereed\"}", 0, NULL),
        json_loads("{\"profiles\":{\"winkel\":{\"webhooks\":{\"received\":12,"
                   "\"refused\":1,\"ignored\":2,\"last\":\"2026-12-01T13:03:07Z\"}}}}", 0, NULL) };
    char   *l = status_webhook_line("winkel", st, 2);

    assert_non_null(l);
    assert_non_null(strstr(l, "webhooks: 12 ontvangen, 1 geweigerd (handtekening), "
                           "2 genegeerd, laatste om "));
    free(l);
    assert_null(status_webhook_line("winkel2", st, 2));
    json_decref(st[0]);
    json_decref(st[1]);
}

static void
an_idle_profile_is_gereed(void **state)
{
    bool    stopped = true;
    char   *l = line_of("{\"activity\":\"Gereed\"}", "{\"activity\":\"Bezig: profiel winkel2, "
                        "order 5\",\"profiles\":{\"winkel\":{\"cursor\":5}}}", NULL, &stopped);

    assert_string_equal(l, "Gereed");     /* winkel2 is another profile */
    assert_false(stopped);
    free(l);
}

static void
a_busy_daemon_makes_its_profile_bezig(void **state)
{
    bool    stopped;
    char   *l = line_of(NULL, "{\"activity\":\"Bezig: profiel winkel, order 10423\"}", NULL,
                        &stopped);

    assert_string_equal(l, "Bezig: profiel winkel, order 10423");
    free(l);
}

static void
a_stopped_profile_says_why_and_counts_as_stopped(void **state)
{
    bool    stopped = false;
    char   *l = line_of(NULL, "{\"activity\":\"Bezig: profiel winkel, order 1\",\"profiles\":"
                        "{\"winkel\":{\"stopped\":\"Gestopt: Globecharge weigert de "
                        "inloggegevens - pas ze aan in koppel.cfg\"}}}", NULL, &stopped);

    assert_string_equal(l, "Gestopt: Globecharge weigert de inloggegevens - pas ze aan in "
                        "koppel.cfg");
    assert_true(stopped);
    free(l);
    l = line_of(NULL, NULL, "{\"stopped\":{\"winkel\":\"Gestopt: SnelStart weigert de sleutels "
                "- pas ze aan in koppel.cfg\"}}", &stopped);
    assert_string_equal(l, "Gestopt: SnelStart weigert de sleutels - pas ze aan in koppel.cfg");
    assert_true(stopped);
    free(l);
}

static void
a_wait_for_the_rate_limit_shows_until_when_and_why(void **state)
{
    time_t  until = time(NULL) + 3600;
    struct tm tm;
    char    booker[256], want[128], hhmm[8];
    bool    stopped;
    char   *l;

    localtime_r(&until, &tm);
    strftime(hhmm, sizeof hhmm, "%H:%M", &tm);
    snprintf(booker, sizeof booker, "{\"profiles\":{\"winkel\":{\"waiting_until\":%lld,"
             "\"waiting_reason\":\"5.000 per uur bereikt\"}}}", (long long) until);
    snprintf(want, sizeof want, "Wacht op SnelStart-limiet tot %s (5.000 per uur bereikt)", hhmm);
    l = line_of(NULL, NULL, booker, &stopped);
    assert_string_equal(l, want);
    assert_false(stopped);
    free(l);
    /* the time as ISO 8601 */
    strftime(hhmm, sizeof hhmm, "%H:%M", &tm);
    {
        char    iso[32];
        struct tm u;

        gmtime_r(&until, &u);
        strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &u);
        snprintf(booker, sizeof booker, "{\"profiles\":{\"winkel\":{\"waiting_until\":\"%s\","
                 "\"waiting_reason\":\"5.000 per uur bereikt\"}}}", iso);
        l = line_of(NULL, NULL, booker, &stopped);
        assert_string_equal(l, want);
        free(l);
    }
    /* a wait that is over is no wait */
    snprintf(booker, sizeof booker, "{\"profiles\":{\"winkel\":{\"waiting_until\":%lld}}}",
             (long long) time(NULL) - 10);
    l = line_of(NULL, NULL, booker, &stopped);
    assert_string_equal(l, "Gereed");
    free(l);
}

static void
next_on_a_day_that_does_not_exist_is_refused(void **state)
{
    assert_int_equal(plan_cmd_parse_time("2027-02-30 08:00"), -1);
    assert_int_equal(plan_cmd_parse_time("2027-04-31 08:00"), -1);
    assert_int_equal(plan_cmd_parse_time("2027-02-29 08:00"), -1);
    assert_true(plan_cmd_parse_time("2028-02-29 08:00") > 0);
    assert_true(plan_cmd_parse_time("2027-02-28 08:00") > 0);
    assert_int_equal(plan_cmd_parse_time("2027-02-28 24:00"), -1);
    assert_int_equal(plan_cmd_parse_time("2027-02-28 08:00 extra"), -1);
}

static void
a_task_is_named_as_the_manual_writes_it(void **state)
{
    char   *t = plan_cmd_task_name("Importeren financieel");

    assert_string_equal(t, "importeren-financieel");
    free(t);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(an_idle_profile_is_gereed),
        cmocka_unit_test(webhook_deliveries_are_counted_in_dutch),
        cmocka_unit_test(a_busy_daemon_makes_its_profile_bezig),
        cmocka_unit_test(a_stopped_profile_says_why_and_counts_as_stopped),
        cmocka_unit_test(a_wait_for_the_rate_limit_shows_until_when_and_why),
        cmocka_unit_test(next_on_a_day_that_does_not_exist_is_refused),
        cmocka_unit_test(a_task_is_named_as_the_manual_writes_it),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
