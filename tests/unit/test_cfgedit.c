/*
 * NAME
 *   test_cfgedit - koppel-web's in-place editor of koppel.cfg
 *
 * DESCRIPTION
 *   A value is replaced where it stands and every comment stays; a missing
 *   setting is added to its group (on one line or on its own line), with
 *   the groups on the way; a setting is removed with its line; a profile is
 *   added to and removed from the list; strings are quoted for libconfig.
 *   Every edited text is read back with libconfig.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <libconfig.h>

#include "cfgedit.h"

static const char text[] =
    "# koppel.cfg - top comment\n"
    "koppel = {\n"
    "    state_dir = \"/var/lib/koppel\";   # where state lives\n"
    "};\n"
    "profiles = (\n"
    "    {\n"
    "        name = \"winkel\";\n"
    "        shop = {\n"
    "            url = \"https://a.example\"; # the shop\n"
    "            from_order = 10423;\n"
    "        };\n"
    "        grootboeken = {\n"
    "            omzet = {\n"
    "                nl = { hoog = 8000; laag = 8010; };\n"
    "            };\n"
    "        };\n"
    "    }\n"
    ");\n";

/* parses - whether libconfig reads a text */
static bool
parses(const char *t)
{
    config_t c;
    bool    ok;

    config_init(&c);
    ok = config_read_string(&c, t) == CONFIG_TRUE;
    config_destroy(&c);
    return ok;
}

/* lookup_int - a number setting of a text */
static int
lookup_int(const char *t, const char *path)
{
    config_t c;
    int     v = -1;

    config_init(&c);
    if (config_read_string(&c, t) == CONFIG_TRUE)
        config_lookup_int(&c, path, &v);
    config_destroy(&c);
    return v;
}

static void
a_value_is_replaced_in_place_and_comments_stay(void **state)
{
    cfgedit_t *e = cfgedit_new(text);
    char    err[256];

    assert_true(cfgedit_set(e, "profiles.0.shop.url", "\"https://b.example\"", err, sizeof err));
    assert_non_null(strstr(cfgedit_text(e), "url = \"https://b.example\"; # the shop\n"));
    assert_non_null(strstr(cfgedit_text(e), "# koppel.cfg - top comment"));
    assert_non_null(strstr(cfgedit_text(e), "# where state lives"));
    assert_true(cfgedit_set(e, "profiles.0.grootboeken.omzet.nl.laag", "8020", err, sizeof err));
    assert_non_null(strstr(cfgedit_text(e), "nl = { hoog = 8000; laag = 8020; };"));
    assert_int_equal(lookup_int(cfgedit_text(e), "profiles.[0].grootboeken.omzet.nl.laag"), 8020);
    cfgedit_destroy(&e);
}

static void
a_missing_setting_is_added_to_its_group(void **state)
{
    cfgedit_t *e = cfgedit_new(text);
    char    err[256];

    /* into a group on one line */
    assert_true(cfgedit_set(e, "profiles.0.grootboeken.omzet.nl.geen", "8030", err, sizeof err));
    assert_non_null(strstr(cfgedit_text(e), "nl = { hoog = 8000; laag = 8010; geen = 8030; };"));
    /* with the groups on the way, on a line of its own */
    assert_true(cfgedit_set(e, "profiles.0.grootboeken.verzendkosten.eu.hoog", "8310", err,
                            sizeof err));
    assert_non_null(strstr(cfgedit_text(e),
                           "            verzendkosten = { eu = { hoog = 8310; }; };\n        };"));
    assert_true(parses(cfgedit_text(e)));
    assert_int_equal(lookup_int(cfgedit_text(e),
                                "profiles.[0].grootboeken.verzendkosten.eu.hoog"), 8310);
    assert_int_equal(lookup_int(cfgedit_text(e), "profiles.[0].grootboeken.omzet.nl.geen"), 8030);
    /* a path through a value that is not a group is refused */
    assert_false(cfgedit_set(e, "profiles.0.name.x", "1", err, sizeof err));
    assert_false(cfgedit_set(e, "profiles.3.name", "\"x\"", err, sizeof err));
    cfgedit_destroy(&e);
}

static void
a_removed_setting_takes_its_line_along(void **state)
{
    cfgedit_t *e = cfgedit_new(text);
    char    err[256], *v;

    assert_true(cfgedit_remove(e, "profiles.0.shop.from_order", err, sizeof err));
    assert_null(strstr(cfgedit_text(e), "from_order"));
    assert_non_null(strstr(cfgedit_text(e), "# the shop\n        };"));
    assert_true(cfgedit_remove(e, "profiles.0.grootboeken.omzet.nl.hoog", err, sizeof err));
    assert_non_null(strstr(cfgedit_text(e), "nl = { laag = 8010; };"));
    assert_true(cfgedit_remove(e, "profiles.0.not_there", err, sizeof err));
    assert_true(parses(cfgedit_text(e)));
    v = cfgedit_get(e, "profiles.0.shop.url");
    assert_string_equal(v, "\"https://a.example\"");
    free(v);
    assert_null(cfgedit_get(e, "profiles.0.shop.from_order"));
    cfgedit_destroy(&e);
}

static void
a_profile_is_added_to_and_removed_from_the_list(void **state)
{
    cfgedit_t *e = cfgedit_new(text);
    char    err[256], *v;

    assert_true(cfgedit_append(e, "profiles", "{ name = \"tweede\"; }", err, sizeof err));
    assert_true(parses(cfgedit_text(e)));
    v = cfgedit_get(e, "profiles.1.name");
    assert_string_equal(v, "\"tweede\"");
    free(v);
    assert_true(cfgedit_remove_element(e, "profiles", 0, err, sizeof err));
    assert_true(parses(cfgedit_text(e)));
    v = cfgedit_get(e, "profiles.0.name");
    assert_string_equal(v, "\"tweede\"");
    free(v);
    assert_null(cfgedit_get(e, "profiles.1.name"));
    assert_true(cfgedit_remove_element(e, "profiles", 0, err, sizeof err));
    assert_true(parses(cfgedit_text(e)));
    assert_false(cfgedit_remove_element(e, "profiles", 0, err, sizeof err));
    assert_false(cfgedit_append(e, "koppel", "1", err, sizeof err));
    cfgedit_destroy(&e);
}

static void
a_string_is_quoted_for_libconfig(void **state)
{
    char   *s = cfgedit_string("Bakkerij \"De Vries\" \\ 10\n");
    char   *t = NULL;
    config_t c;
    const char *back;

    assert_string_equal(s, "\"Bakkerij \\\"De Vries\\\" \\\\ 10\\x0a\"");
    assert_int_not_equal(asprintf(&t, "x = %s;", s), -1);
    config_init(&c);
    assert_int_equal(config_read_string(&c, t), CONFIG_TRUE);
    assert_int_equal(config_lookup_string(&c, "x", &back), CONFIG_TRUE);
    assert_string_equal(back, "Bakkerij \"De Vries\" \\ 10\n");
    config_destroy(&c);
    free(t);
    free(s);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_value_is_replaced_in_place_and_comments_stay),
        cmocka_unit_test(a_missing_setting_is_added_to_its_group),
        cmocka_unit_test(a_removed_setting_takes_its_line_along),
        cmocka_unit_test(a_profile_is_added_to_and_removed_from_the_list),
        cmocka_unit_test(a_string_is_quoted_for_libconfig),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
