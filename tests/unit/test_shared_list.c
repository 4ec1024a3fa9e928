/*
 * NAME
 *   test_shared_list - unit tests of the lists held once for all administrations
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "shared_list.h"

/* landen - a list as SnelStart's /landen gives it */
static json_t *
landen(const char *code)
{
    return json_pack("[{s:s, s:s}]", "id", "00000000-0000-4000-8000-000000004e4c",
                     "landcodeISO", code);
}

/* equal_lists_are_held_once - two administrations' equal lists are one */
static void
equal_lists_are_held_once(void **state)
{
    json_t *a, *b, *c;

    (void) state;
    a = shared_list(landen("NL"));
    b = shared_list(landen("NL"));
    c = shared_list(landen("BE"));
    assert_ptr_equal(a, b);
    assert_ptr_not_equal(a, c);
    assert_string_equal(json_string_value(json_object_get(json_array_get(c, 0),
                                                          "landcodeISO")), "BE");
    json_decref(a);
    json_decref(b);
    json_decref(c);
    assert_null(shared_list(NULL));
}

/* a_list_nobody_holds_is_forgotten - once every holder let go, an equal
 * list read later is that new one, not the old copy */
static void
a_list_nobody_holds_is_forgotten(void **state)
{
    json_t *fresh, *got;

    (void) state;
    json_decref(shared_list(landen("DE")));
    fresh = landen("DE");
    json_incref(fresh);                     /* to compare after the call */
    got = shared_list(fresh);
    assert_ptr_equal(got, fresh);
    json_decref(got);
    json_decref(fresh);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(equal_lists_are_held_once),
        cmocka_unit_test(a_list_nobody_holds_is_forgotten),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
