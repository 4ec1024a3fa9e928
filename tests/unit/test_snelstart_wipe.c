/*
 * NAME
 *   test_snelstart_wipe - the SnelStart client wipes its keys before it frees them
 *
 * DESCRIPTION
 *   This program defines its own explicit_bzero(), which the static link
 *   puts in place of libc's for every call from the client: it records
 *   what it was asked to wipe, then wipes it. A client that wipes with
 *   memset (which the compiler may drop before free) records nothing and
 *   fails here. What the test shows: the client hands each key to
 *   explicit_bzero before freeing it; not what an optimiser does with
 *   other code.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <string.h>

#include "snelstart.h"

#define CLIENT_KEY "wipe-test-client-key"
#define SUB_KEY    "wipe-test-subscription-key"

static bool saw_client_key;
static bool saw_sub_key;

void explicit_bzero(void *s, size_t n);

/* explicit_bzero - record a wipe of either key, then wipe (libc declares the
 * buffer write-only; this one reads it first, on purpose) */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
void
explicit_bzero(void *s, size_t n)
{
    if (n == strlen(CLIENT_KEY) && memcmp(s, CLIENT_KEY, n) == 0)
        saw_client_key = true;
    if (n == strlen(SUB_KEY) && memcmp(s, SUB_KEY, n) == 0)
        saw_sub_key = true;
    memset(s, 0, n);
    __asm__ __volatile__("" : : "r"(s) : "memory");
}
#pragma GCC diagnostic pop

/* destroy_wipes_both_keys_with_explicit_bzero */
static void
destroy_wipes_both_keys_with_explicit_bzero(void **state)
{
    snelstart_t *ss = snelstart_new("http://127.0.0.1:1/v2", "http://127.0.0.1:1/token",
                                    CLIENT_KEY, SUB_KEY, true);

    assert_non_null(ss);
    saw_client_key = saw_sub_key = false;
    snelstart_destroy(&ss);
    assert_null(ss);
    assert_true(saw_client_key);
    assert_true(saw_sub_key);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(destroy_wipes_both_keys_with_explicit_bzero),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
