/*
 * test_base64 - RFC 4648's test vectors both ways; a text that is not strict
 * base64 is refused, not guessed at
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"

/* rfc4648_vectors_round_trip - "", "f", "fo", ... "foobar" */
static void
rfc4648_vectors_round_trip(void **state)
{
    static const char *const plain[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
    static const char *const coded[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=",
        "Zm9vYmFy" };
    size_t  i, len;

    for (i = 0; i < 7; i++) {
        char   *t = base64_encode(plain[i], strlen(plain[i]));
        char   *d;

        assert_string_equal(t, coded[i]);
        d = base64_decode(t, &len);
        assert_non_null(d);
        assert_int_equal(len, strlen(plain[i]));
        assert_memory_equal(d, plain[i], len);
        free(t);
        free(d);
    }
}

/* binary_bytes_round_trip - every byte value */
static void
binary_bytes_round_trip(void **state)
{
    unsigned char bytes[256];
    size_t  i, len;
    char   *t;
    unsigned char *d;

    for (i = 0; i < 256; i++)
        bytes[i] = (unsigned char) i;
    t = base64_encode(bytes, sizeof bytes);
    d = base64_decode(t, &len);
    assert_int_equal(len, 256);
    assert_memory_equal(d, bytes, 256);
    free(t);
    free(d);
}

/* not_strict_base64_is_refused - length, alphabet, padding in the middle, spaces */
static void
not_strict_base64_is_refused(void **state)
{
    size_t  len;

    assert_null(base64_decode("Zm9", &len));
    assert_null(base64_decode("Zm9v!A==", &len));
    assert_null(base64_decode("Zg==Zm9v", &len));
    assert_null(base64_decode("Zm9v YmFy", &len));
    assert_null(base64_decode("Z===", &len));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rfc4648_vectors_round_trip),
        cmocka_unit_test(binary_bytes_round_trip),
        cmocka_unit_test(not_strict_base64_is_refused),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
