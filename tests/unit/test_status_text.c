/*
 * NAME
 *   test_status_text - the status line's Dutch words
 *
 * DESCRIPTION
 *   "Gereed" when every daemon answers idle; "Bezig: profiel X, order N"
 *   for one at work; "Gestopt: ..." with the reason when a profile stopped
 *   (before any work); "niet bereikbaar: NAME" first of all.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "status_text.h"

/* line - the status line of a JSON array of status objects */
static const char *
line(const char *json, char *buf, size_t len)
{
    json_t *d = json_loads(json, 0, NULL);

    assert_non_null(d);
    status_text_line(d, buf, len);
    json_decref(d);
    return buf;
}

static void
idle_daemons_are_gereed(void **state)
{
    char    b[256];

    assert_string_equal(line("[{\"name\":\"fetcher\",\"answering\":true,\"activity\":\"Gereed\"},"
                             "{\"name\":\"booker\",\"answering\":true,\"activity\":\"Gereed\"}]",
                             b, sizeof b), "Gereed");
}

static void
a_daemon_at_work_is_bezig_in_dutch(void **state)
{
    char    b[256];

    assert_string_equal(line("[{\"name\":\"fetcher\",\"answering\":true,\"activity\":\"Gereed\"},"
                             "{\"name\":\"booker\",\"answering\":true,\"activity\":"
                             "\"booking profile winkel, order 10431\"}]", b, sizeof b),
                        "Bezig: profiel winkel, order 10431");
}

static void
a_stopped_profile_says_why(void **state)
{
    char    b[256];

    line("[{\"name\":\"fetcher\",\"answering\":true,\"activity\":\"importing profile w, x\","
         "\"profiles\":{\"w\":{\"cursor\":5,\"stopped\":\"Gestopt: Globecharge weigert de "
         "inloggegevens - pas ze aan in koppel.cfg\"}}}]", b, sizeof b);
    assert_string_equal(b, "Gestopt: Globecharge weigert de inloggegevens - pas ze aan in "
                           "koppel.cfg");
    line("[{\"name\":\"booker\",\"answering\":true,\"activity\":\"Gereed\","
         "\"stopped\":{\"w\":\"Gestopt: SnelStart weigert de sleutels - pas ze aan in "
         "koppel.cfg\"}}]", b, sizeof b);
    assert_string_equal(b, "Gestopt: SnelStart weigert de sleutels - pas ze aan in koppel.cfg");
    line("[{\"name\":\"booker\",\"answering\":true,\"activity\":\"Gereed\","
         "\"stopped\":{\"w\":\"de administratie is weg\"}}]", b, sizeof b);
    assert_string_equal(b, "Gestopt: profiel w: de administratie is weg");
}

static void
a_daemon_that_does_not_answer_comes_first(void **state)
{
    char    b[256];

    assert_string_equal(line("[{\"name\":\"scheduler\",\"answering\":false},"
                             "{\"name\":\"booker\",\"answering\":true,\"activity\":"
                             "\"booking profile w, order 1\"},"
                             "{\"name\":\"matcher\",\"answering\":false}]", b, sizeof b),
                        "niet bereikbaar: scheduler, matcher");
}

static void
an_import_summary_is_said_in_dutch(void **state)
{
    char    b[256];

    assert_string_equal(status_text_summary("22 new orders, 1 cancelled, 0 unreadable; read up "
                                            "to order 5100", b, sizeof b),
                        "22 nieuwe orders, 1 geannuleerd, 0 onleesbaar; gelezen tot en met "
                        "order 5100");
    assert_string_equal(status_text_summary("2 new orders, 0 cancelled, 0 unreadable; 5 orders "
                                            "changed since 2026-11-02T13:35:00", b, sizeof b),
                        "2 nieuwe orders, 0 geannuleerd, 0 onleesbaar; 5 orders gewijzigd sinds "
                        "2026-11-02T13:35:00");
    assert_string_equal(status_text_summary("3 new orders, 0 cancelled, 0 unreadable; 3 orders "
                                            "changed since the start", b, sizeof b),
                        "3 nieuwe orders, 0 geannuleerd, 0 onleesbaar; 3 orders gewijzigd sinds "
                        "het begin");
    assert_string_equal(status_text_summary("merged with a queued run", b, sizeof b),
                        "samengevoegd met een run die al wachtte");
    /* a failed run's summary is the fetcher's Dutch, shown as it is */
    assert_string_equal(status_text_summary("de shop gaf geen bruikbaar antwoord (3 pogingen); "
                                            "de volgende run probeert het opnieuw (\"x\")", b,
                                            sizeof b),
                        "de shop gaf geen bruikbaar antwoord (3 pogingen); de volgende run "
                        "probeert het opnieuw (\"x\")");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(idle_daemons_are_gereed),
        cmocka_unit_test(a_daemon_at_work_is_bezig_in_dutch),
        cmocka_unit_test(a_stopped_profile_says_why),
        cmocka_unit_test(a_daemon_that_does_not_answer_comes_first),
        cmocka_unit_test(an_import_summary_is_said_in_dutch),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
