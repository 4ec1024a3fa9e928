/*
 * NAME
 *   test_tds_rpc - tds-sim decodes RPC requests as real clients send them
 *
 * DESCRIPTION
 *   Hand-built RPC messages (MS-TDS 2.2.6.6) in the shapes tedious and
 *   FreeTDS send for sp_executesql: ProcID or name, typed parameters
 *   (NVARCHAR, NVARCHAR(MAX) in PLP chunks, INT, BIT, FLOAT, DECIMAL,
 *   DATETIME, NULLs) decode to the values SQLite binds; every truncation
 *   of a message is refused without reading past its end, and so is a
 *   type tds-sim does not know. The @params declaration yields its names.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "../sim/tds/tds_rpc.h"
#include "../sim/tds/tds_wire.h"

static const uint8_t collation[5] = { 0x09, 0x04, 0xD0, 0x00, 0x34 };

/* all_headers - the ALL_HEADERS a TDS 7.2+ client sends (transaction
 * descriptor) */
static void
all_headers(tds_buf_t *b)
{
    tds_buf_u32(b, 22);
    tds_buf_u32(b, 18);
    tds_buf_u16(b, 2);
    tds_buf_u64(b, 0);
    tds_buf_u32(b, 1);
}

/* name - a parameter's B_VARCHAR name and status */
static void
name(tds_buf_t *b, const char *n)
{
    tds_buf_bvarchar(b, n);
    tds_buf_u8(b, 0);
}

/* nvarchar_null - an NVARCHAR(4000) parameter whose value is NULL */
static void
nvarchar_null(tds_buf_t *b, const char *n)
{
    name(b, n);
    tds_buf_u8(b, 0xE7);
    tds_buf_u16(b, 8000);
    tds_buf_bytes(b, collation, 5);
    tds_buf_u16(b, 0xFFFF);
}

/* nvarchar_bytes - an NVARCHAR(4000) parameter with ASCII text (its
 * length counts bytes, not units) */
static void
nvarchar_bytes(tds_buf_t *b, const char *n, const char *ascii)
{
    size_t  i, len = strlen(ascii);

    name(b, n);
    tds_buf_u8(b, 0xE7);
    tds_buf_u16(b, 8000);
    tds_buf_bytes(b, collation, 5);
    tds_buf_u16(b, (uint16_t) (len * 2));
    for (i = 0; i < len; i++)
        tds_buf_u16(b, (uint8_t) ascii[i]);
}

/* sample - sp_executesql (ProcID 10) with one parameter of each kind */
static void
sample(tds_buf_t *b)
{
    static const char *plp_a = "O'Bri", *plp_b = "en";
    size_t  i;

    all_headers(b);
    tds_buf_u16(b, 0xFFFF);
    tds_buf_u16(b, TDS_PROC_EXECUTESQL);
    tds_buf_u16(b, 0);
    nvarchar_bytes(b, "", "SELECT @i, @n");
    nvarchar_bytes(b, "", "@i int, @d decimal(10,2), @n nvarchar(10), @x nvarchar(max)");
    name(b, "@i");                          /* INTN(4) -7 */
    tds_buf_u8(b, 0x26);
    tds_buf_u8(b, 4);
    tds_buf_u8(b, 4);
    tds_buf_u32(b, (uint32_t) -7);
    name(b, "@d");                          /* DECIMALN(10,2) -1234.56 */
    tds_buf_u8(b, 0x6A);
    tds_buf_u8(b, 17);
    tds_buf_u8(b, 10);
    tds_buf_u8(b, 2);
    tds_buf_u8(b, 5);
    tds_buf_u8(b, 0);
    tds_buf_u32(b, 123456);
    nvarchar_null(b, "@n");
    name(b, "@x");                          /* NVARCHAR(MAX), two PLP chunks */
    tds_buf_u8(b, 0xE7);
    tds_buf_u16(b, 0xFFFF);
    tds_buf_bytes(b, collation, 5);
    tds_buf_u64(b, 14);
    tds_buf_u32(b, 10);
    for (i = 0; i < 5; i++)
        tds_buf_u16(b, (uint8_t) plp_a[i]);
    tds_buf_u32(b, 4);
    for (i = 0; i < 2; i++)
        tds_buf_u16(b, (uint8_t) plp_b[i]);
    tds_buf_u32(b, 0);
    tds_buf_u8(b, 0x80);                    /* a second call, by name */
    tds_buf_usvarchar(b, "sp_other");
    tds_buf_u16(b, 0);
    name(b, "@b");                          /* BITN 1 */
    tds_buf_u8(b, 0x68);
    tds_buf_u8(b, 1);
    tds_buf_u8(b, 1);
    tds_buf_u8(b, 1);
    name(b, "@f");                          /* FLTN(8) -0.5 */
    tds_buf_u8(b, 0x6D);
    tds_buf_u8(b, 8);
    tds_buf_u8(b, 8);
    tds_buf_u64(b, 0xBFE0000000000000ull);
    name(b, "@t");                          /* DATETIMN 2026-10-01 10:00 */
    tds_buf_u8(b, 0x6F);
    tds_buf_u8(b, 8);
    tds_buf_u8(b, 8);
    tds_buf_u32(b, 46294);
    tds_buf_u32(b, 10 * 3600 * 300);
}

/* sp_executesql_parameters_decode_to_bindable_values - each kind */
static void
sp_executesql_parameters_decode_to_bindable_values(void **state)
{
    tds_buf_t b = { 0 };
    tds_call_t *calls = NULL;
    size_t  n = 0;
    char    err[256];

    sample(&b);
    assert_true(tds_rpc_parse(b.data, b.len, &calls, &n, err, sizeof err));
    assert_int_equal(n, 2);
    assert_string_equal(calls[0].proc, "sp_executesql");
    assert_int_equal(calls[0].nparams, 6);
    assert_string_equal(calls[0].params[0].bytes, "SELECT @i, @n");
    assert_true(calls[0].params[0].unicode);
    assert_string_equal(calls[0].params[2].name, "@i");
    assert_int_equal(calls[0].params[2].kind, TDS_V_INT);
    assert_int_equal(calls[0].params[2].i, -7);
    assert_int_equal(calls[0].params[3].kind, TDS_V_TEXT);
    assert_string_equal(calls[0].params[3].bytes, "-1234.56");
    assert_int_equal(calls[0].params[4].kind, TDS_V_NULL);
    assert_string_equal(calls[0].params[5].bytes, "O'Brien");
    assert_string_equal(calls[1].proc, "sp_other");
    assert_int_equal(calls[1].params[0].i, 1);
    assert_int_equal(calls[1].params[1].kind, TDS_V_REAL);
    assert_true(calls[1].params[1].r == -0.5);
    assert_string_equal(calls[1].params[2].bytes, "2026-10-01T10:00:00.000");
    tds_rpc_free(calls, n);
    tds_buf_free(&b);
}

/* every_truncation_is_refused - a message cut anywhere decodes to an
 * error, or (cut between two parameters or calls) to fewer of them;
 * never is a byte past the end read (the copy is exactly as long: ASan
 * and valgrind runs check that) */
static void
every_truncation_is_refused(void **state)
{
    tds_buf_t b = { 0 };
    tds_call_t *calls = NULL;
    size_t  n = 0, len;
    char    err[256];

    sample(&b);
    for (len = 0; len < b.len; len++) {
        uint8_t *copy = malloc(len ? len : 1);

        memcpy(copy, b.data, len);
        if (tds_rpc_parse(copy, len, &calls, &n, err, sizeof err)) {
            assert_true(n == 1 || n == 2);
            assert_true(calls[0].nparams <= 6);
            assert_true(n == 1 || calls[1].nparams < 3);
            tds_rpc_free(calls, n);
        } else
            assert_true(*err != 0);
        free(copy);
    }
    tds_buf_free(&b);
}

/* an_unknown_type_is_named - XML (0xF1) is not decoded */
static void
an_unknown_type_is_named(void **state)
{
    tds_buf_t b = { 0 };
    tds_call_t *calls = NULL;
    size_t  n = 0;
    char    err[256];

    all_headers(&b);
    tds_buf_u16(&b, 0xFFFF);
    tds_buf_u16(&b, TDS_PROC_EXECUTESQL);
    tds_buf_u16(&b, 0);
    name(&b, "@x");
    tds_buf_u8(&b, 0xF1);
    tds_buf_u8(&b, 0);
    assert_false(tds_rpc_parse(b.data, b.len, &calls, &n, err, sizeof err));
    assert_non_null(strstr(err, "0xF1"));
    assert_non_null(strstr(err, "@x"));
    tds_buf_free(&b);
}

/* declared_names_skip_types_and_commas_in_parentheses */
static void
declared_names_skip_types_and_commas_in_parentheses(void **state)
{
    size_t  n = 0, i;
    char  **names = tds_rpc_declared("@a nvarchar(10), @b decimal(10,2) OUTPUT,@c int", &n);

    assert_int_equal(n, 3);
    assert_string_equal(names[0], "@a");
    assert_string_equal(names[1], "@b");
    assert_string_equal(names[2], "@c");
    for (i = 0; i < n; i++)
        free(names[i]);
    free(names);
    names = tds_rpc_declared("", &n);
    assert_int_equal(n, 0);
    free(names);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sp_executesql_parameters_decode_to_bindable_values),
        cmocka_unit_test(every_truncation_is_refused),
        cmocka_unit_test(an_unknown_type_is_named),
        cmocka_unit_test(declared_names_skip_types_and_commas_in_parentheses),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
