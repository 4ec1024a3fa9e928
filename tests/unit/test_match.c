/*
 * NAME
 *   test_match - the matcher decision: msgpack round trip, strict unpack,
 *   explain JSON
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>
#include <msgpack.h>

#include "match.h"

/* unpack_buf - unpack a buffer as a match; NULL + err */
static match_t *
unpack_buf(const msgpack_sbuffer *sb, char *err, size_t errlen)
{
    msgpack_unpacked u;
    size_t  off = 0;
    match_t *m = NULL;

    msgpack_unpacked_init(&u);
    if (msgpack_unpack_next(&u, sb->data, sb->size, &off)
        == MSGPACK_UNPACK_SUCCESS)
        m = match_unpack(&u.data, err, errlen);
    else
        snprintf(err, errlen, "not msgpack");
    msgpack_unpacked_destroy(&u);
    return m;
}

/* a map of the given keys; value kinds per key chosen by "bad" */
static void
pack_map(msgpack_sbuffer *sb, const char *omit, const char *bad_key,
         const char *extra_key, size_t long_reason)
{
    static const char *keys[] = { "decision", "relatiecode", "relatie_id",
                                  "method", "step", "reason", "key" };
    msgpack_packer pk;
    size_t  i, n = 0;

    msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
    for (i = 0; i < 7; i++)
        if (!omit || strcmp(omit, keys[i]) != 0)
            n++;
    msgpack_pack_map(&pk, n + (extra_key ? 1 : 0));
    for (i = 0; i < 7; i++) {
        const char *k = keys[i];

        if (omit && strcmp(omit, k) == 0)
            continue;
        msgpack_pack_str(&pk, strlen(k));
        msgpack_pack_str_body(&pk, k, strlen(k));
        if (bad_key && strcmp(bad_key, k) == 0) {
            msgpack_pack_true(&pk);
        } else if (strcmp(k, "relatiecode") == 0) {
            msgpack_pack_int(&pk, 1001);
        } else if (strcmp(k, "decision") == 0) {
            msgpack_pack_str(&pk, 8);
            msgpack_pack_str_body(&pk, "existing", 8);
        } else if (strcmp(k, "reason") == 0 && long_reason) {
            char   *s = malloc(long_reason);

            memset(s, 'x', long_reason);
            msgpack_pack_str(&pk, long_reason);
            msgpack_pack_str_body(&pk, s, long_reason);
            free(s);
        } else {
            msgpack_pack_str(&pk, 1);
            msgpack_pack_str_body(&pk, "a", 1);
        }
    }
    if (extra_key) {
        msgpack_pack_str(&pk, strlen(extra_key));
        msgpack_pack_str_body(&pk, extra_key, strlen(extra_key));
        msgpack_pack_nil(&pk);
    }
}

static void
test_pack_unpack_round_trip_keeps_every_field(void **state)
{
    match_t *m = match_new(), *back;
    msgpack_sbuffer sb;
    msgpack_packer pk;
    char    err[256] = "";

    (void) state;
    match_set(m, MATCH_EXISTING, 1001, "0f5a3c1e-2b7d-4e8f-9a0b-1c2d3e4f5a6b",
              "email", "factuur-email", "", "found by %s", "jan@devries.nl");
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    match_pack(m, &pk);
    back = unpack_buf(&sb, err, sizeof err);
    assert_non_null(back);
    assert_int_equal(back->decision, MATCH_EXISTING);
    assert_int_equal(back->relatiecode, 1001);
    assert_string_equal(back->relatie_id, "0f5a3c1e-2b7d-4e8f-9a0b-1c2d3e4f5a6b");
    assert_string_equal(back->method, "email");
    assert_string_equal(back->step, "factuur-email");
    assert_string_equal(back->reason, "found by jan@devries.nl");
    assert_string_equal(back->key, "");
    match_destroy(&back);
    assert_null(back);

    msgpack_sbuffer_clear(&sb);
    match_set(m, MATCH_NEW, 0, NULL, "email", "new", "email:jan@x.nl", "new");
    match_pack(m, &pk);
    back = unpack_buf(&sb, err, sizeof err);
    assert_non_null(back);
    assert_int_equal(back->decision, MATCH_NEW);
    assert_string_equal(back->key, "email:jan@x.nl");
    match_destroy(&back);
    msgpack_sbuffer_destroy(&sb);
    match_destroy(&m);
    assert_null(m);
}

static void
test_unpack_rejects_missing_key_naming_it(void **state)
{
    msgpack_sbuffer sb;
    char    err[256] = "";

    (void) state;
    msgpack_sbuffer_init(&sb);
    pack_map(&sb, "step", NULL, NULL, 0);
    assert_null(unpack_buf(&sb, err, sizeof err));
    assert_non_null(strstr(err, "\"step\""));
    assert_non_null(strstr(err, "missing"));
    msgpack_sbuffer_destroy(&sb);
}

static void
test_unpack_rejects_wrong_type_naming_key(void **state)
{
    msgpack_sbuffer sb;
    char    err[256] = "";

    (void) state;
    msgpack_sbuffer_init(&sb);
    pack_map(&sb, NULL, "relatiecode", NULL, 0);
    assert_null(unpack_buf(&sb, err, sizeof err));
    assert_non_null(strstr(err, "relatiecode"));
    msgpack_sbuffer_clear(&sb);
    pack_map(&sb, NULL, "reason", NULL, 0);
    assert_null(unpack_buf(&sb, err, sizeof err));
    assert_non_null(strstr(err, "\"reason\" is not a string"));
    msgpack_sbuffer_destroy(&sb);
}

static void
test_unpack_rejects_unknown_key_and_overlong_string(void **state)
{
    msgpack_sbuffer sb;
    char    err[256] = "";
    match_t *m;

    (void) state;
    msgpack_sbuffer_init(&sb);
    pack_map(&sb, NULL, NULL, "colour", 0);
    assert_null(unpack_buf(&sb, err, sizeof err));
    assert_non_null(strstr(err, "colour"));
    msgpack_sbuffer_clear(&sb);
    pack_map(&sb, NULL, NULL, NULL, 64 * 1024 + 1);
    assert_null(unpack_buf(&sb, err, sizeof err));
    assert_non_null(strstr(err, "\"reason\""));
    msgpack_sbuffer_clear(&sb);
    pack_map(&sb, NULL, NULL, NULL, 64 * 1024);     /* exactly the limit */
    m = unpack_buf(&sb, err, sizeof err);
    assert_non_null(m);
    assert_int_equal(strlen(m->reason), 64 * 1024);
    match_destroy(&m);
    msgpack_sbuffer_destroy(&sb);
}

static void
test_unpack_rejects_garbage(void **state)
{
    msgpack_object o;
    char    err[256] = "";
    match_t *m;
    msgpack_sbuffer sb;
    msgpack_packer pk;

    (void) state;
    memset(&o, 0, sizeof o);
    o.type = MSGPACK_OBJECT_POSITIVE_INTEGER;
    assert_null(match_unpack(&o, err, sizeof err));
    assert_non_null(strstr(err, "not a msgpack map"));
    assert_null(match_unpack(NULL, err, sizeof err));

    /* an unknown decision word */
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    m = match_new();
    match_pack(m, &pk);
    match_destroy(&m);
    {
        char   *p = memmem(sb.data, sb.size, "new", 3);

        assert_non_null(p);
        memcpy(p, "old", 3);
    }
    assert_null(unpack_buf(&sb, err, sizeof err));
    assert_non_null(strstr(err, "decision"));
    msgpack_sbuffer_destroy(&sb);
}

static void
test_to_json_prints_null_relatiecode_unless_existing(void **state)
{
    match_t *m = match_new();
    char   *s;
    json_t *j;

    (void) state;
    match_set(m, MATCH_ERROR, 0, "", "email", "email", "",
              "3 relaties share e-mail x: 1001, 1002, 1005");
    s = match_to_json(m);
    j = json_loads(s, 0, NULL);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "decision")), "error");
    assert_true(json_is_null(json_object_get(j, "relatiecode")));
    assert_string_equal(json_string_value(json_object_get(j, "method")), "email");
    assert_string_equal(json_string_value(json_object_get(j, "step")), "email");
    assert_non_null(strstr(json_string_value(json_object_get(j, "reason")), "1005"));
    assert_int_equal(json_object_size(j), 5);
    json_decref(j);
    free(s);

    match_set(m, MATCH_EXISTING, 1002, "id", "slim", "btw", "", "ok");
    s = match_to_json(m);
    j = json_loads(s, 0, NULL);
    assert_int_equal(json_integer_value(json_object_get(j, "relatiecode")), 1002);
    assert_string_equal(json_string_value(json_object_get(j, "decision")), "existing");
    json_decref(j);
    free(s);
    match_destroy(&m);
}

static void
test_decision_names(void **state)
{
    (void) state;
    assert_string_equal(match_decision_name(MATCH_EXISTING), "existing");
    assert_string_equal(match_decision_name(MATCH_NEW), "new");
    assert_string_equal(match_decision_name(MATCH_ERROR), "error");
    assert_string_equal(match_decision_name((match_decision_t) 9), "unknown");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pack_unpack_round_trip_keeps_every_field),
        cmocka_unit_test(test_unpack_rejects_missing_key_naming_it),
        cmocka_unit_test(test_unpack_rejects_wrong_type_naming_key),
        cmocka_unit_test(test_unpack_rejects_unknown_key_and_overlong_string),
        cmocka_unit_test(test_unpack_rejects_garbage),
        cmocka_unit_test(test_to_json_prints_null_relatiecode_unless_existing),
        cmocka_unit_test(test_decision_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
