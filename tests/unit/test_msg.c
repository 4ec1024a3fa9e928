/*
 * test_msg - koppel's messages: one definition per type, strict decoding
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"

/* roundtrip - encode then decode */
static msg_t *
roundtrip(const msg_t *m)
{
    size_t  len;
    void   *buf = msg_encode(m, &len);
    char    err[512] = "";
    msg_t  *back = msg_decode(buf, len, err, sizeof err);

    free(buf);
    if (back == NULL)
        fail_msg("%s", err);
    return back;
}

static void
an_order_message_keeps_the_order_and_attempt(void **state)
{
    msg_t  *m = msg_new(MSG_ORDER), *back;
    order_line_t *l;

    msg_set(&m->profile, "winkel");
    m->attempt = 3;
    m->order = order_new();
    m->order->number = 10423;
    order_set(&m->order->email, "jan@devries.nl");
    l = order_add_line(m->order);
    l->total_cents = 650;
    back = roundtrip(m);
    assert_int_equal(back->type, MSG_ORDER);
    assert_string_equal(back->profile, "winkel");
    assert_int_equal(back->attempt, 3);
    assert_int_equal(back->order->number, 10423);
    assert_string_equal(back->order->email, "jan@devries.nl");
    assert_int_equal(back->order->lines[0].total_cents, 650);
    msg_destroy(&m);
    msg_destroy(&back);
    assert_null(back);
}

static void
a_matched_message_keeps_the_decision(void **state)
{
    msg_t  *m = msg_new(MSG_MATCHED), *back;

    msg_set(&m->profile, "winkel");
    m->attempt = 1;
    m->order = order_new();
    m->match = match_new();
    match_set(m->match, MATCH_EXISTING, 1001, "00000000-0000-4000-8000-000000000001", "email",
              "factuur-email", "", "found by invoice e-mail");
    back = roundtrip(m);
    assert_int_equal(back->match->decision, MATCH_EXISTING);
    assert_int_equal(back->match->relatiecode, 1001);
    assert_string_equal(back->match->step, "factuur-email");
    msg_destroy(&m);
    msg_destroy(&back);
}

static void
outcome_and_request_fields_round_trip(void **state)
{
    msg_t  *m = msg_new(MSG_OUTCOME), *back;

    msg_set(&m->profile, "winkel");
    m->number = 10425;
    msg_set(&m->result, "dead");
    msg_set(&m->stage, "booking");
    msg_set(&m->reason, "SnelStart refused it");
    m->relatiecode = 1002;
    m->credit = 2;
    back = roundtrip(m);
    assert_string_equal(back->result, "dead");
    assert_string_equal(back->reason, "SnelStart refused it");
    assert_int_equal(back->relatiecode, 1002);
    assert_int_equal(back->credit, 2);
    msg_destroy(&m);
    msg_destroy(&back);

    m = msg_new(MSG_REQUEST);
    msg_set(&m->cmd, "dlq-replay");
    msg_add_arg(m, "--all");
    msg_add_arg(m, "winkel");
    back = roundtrip(m);
    assert_int_equal(back->nargs, 2);
    assert_string_equal(back->args[1], "winkel");
    msg_destroy(&m);
    msg_destroy(&back);
}

/* keys_of - the keys of an encoded message, space-separated, in order */
static void
keys_of(const msg_t *m, char *out, size_t outlen)
{
    size_t  len, off = 0, n = 0;
    void   *buf = msg_encode(m, &len);
    msgpack_unpacked up;

    msgpack_unpacked_init(&up);
    assert_int_equal(msgpack_unpack_next(&up, buf, len, &off), MSGPACK_UNPACK_SUCCESS);
    assert_int_equal(up.data.type, MSGPACK_OBJECT_MAP);
    out[0] = '\0';
    for (uint32_t i = 0; i < up.data.via.map.size; i++) {
        const msgpack_object *k = &up.data.via.map.ptr[i].key;

        n += (size_t) snprintf(out + n, outlen - n, "%s%.*s", i ? " " : "",
                               (int) k->via.str.size, k->via.str.ptr);
    }
    msgpack_unpacked_destroy(&up);
    free(buf);
}

/* each_type_sends_exactly_the_fields_of_its_schema - no field nobody reads
 * (a job's order number, an outcome's boeking_id) travels */
static void
each_type_sends_exactly_the_fields_of_its_schema(void **state)
{
    static const struct {
        msg_type_t  type;
        const char *keys;
    } want[] = {
        { MSG_JOB, "v type job_id profile task reason" },
        { MSG_JOB_DONE, "v type job_id profile task ok text" },
        { MSG_ORDER, "v type profile attempt order token sig" },
        { MSG_MATCHED, "v type profile attempt order match token sig" },
        { MSG_OUTCOME, "v type profile number result stage reason factuurnummer relatiecode "
                       "credit token sig" },
        { MSG_REQUEST, "v type cmd args" },
        { MSG_REPLY, "v type ok text json" },
        { MSG_HELLO, "v type text" },
    };
    char    keys[512];

    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        msg_t  *m = msg_new(want[i].type);

        keys_of(m, keys, sizeof keys);
        assert_string_equal(keys, want[i].keys);
        msg_destroy(&m);
    }
}

/* an_outcome_without_its_optional_fields_is_read - factuurnummer and
 * relatiecode may be left out, and an old peer's extra boeking_id is ignored */
static void
an_outcome_without_its_optional_fields_is_read(void **state)
{
    msgpack_sbuffer sb;
    msgpack_packer pk;
    char    err[512] = "";
    msg_t  *m;
    static const char *const kv[][2] = {
        { "v", NULL }, { "type", "outcome" }, { "profile", "winkel" }, { "number", NULL },
        { "result", "dead" }, { "stage", "booking" }, { "reason", "refused" },
        { "boeking_id", "00000000-0000-4000-8000-0000000000aa" },
    };

    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, sizeof kv / sizeof *kv);
    for (size_t i = 0; i < sizeof kv / sizeof *kv; i++) {
        msgpack_pack_str_with_body(&pk, kv[i][0], strlen(kv[i][0]));
        if (kv[i][1] != NULL)
            msgpack_pack_str_with_body(&pk, kv[i][1], strlen(kv[i][1]));
        else
            msgpack_pack_int(&pk, i == 0 ? MSG_VERSION : 10425);
    }
    m = msg_decode(sb.data, sb.size, err, sizeof err);
    if (m == NULL)
        fail_msg("%s", err);
    assert_int_equal(m->number, 10425);
    assert_string_equal(m->factuurnummer, "");
    assert_int_equal(m->relatiecode, 0);
    msg_destroy(&m);
    msgpack_sbuffer_destroy(&sb);
}

/* encode_raw - a message map with v, type and one optional integer field */
static void *
encode_raw(size_t *len, int version, const char *type, const char *extra_key, int extra_int)
{
    msgpack_sbuffer sb;
    msgpack_packer pk;

    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, extra_key ? 3 : 2);
    msgpack_pack_str_with_body(&pk, "v", 1);
    msgpack_pack_int(&pk, version);
    msgpack_pack_str_with_body(&pk, "type", 4);
    msgpack_pack_str_with_body(&pk, type, strlen(type));
    if (extra_key) {
        msgpack_pack_str_with_body(&pk, extra_key, strlen(extra_key));
        msgpack_pack_int(&pk, extra_int);
    }
    *len = sb.size;
    return sb.data;
}

static void
a_missing_field_is_named(void **state)
{
    size_t  len;
    void   *buf = encode_raw(&len, MSG_VERSION, "job", "job_id", 5);
    char    err[512] = "";

    assert_null(msg_decode(buf, len, err, sizeof err));
    assert_string_equal(err, "job: field \"profile\" is missing");
    free(buf);
}

static void
a_wrong_type_or_version_is_refused(void **state)
{
    size_t  len;
    void   *buf;
    char    err[512] = "";

    buf = encode_raw(&len, 2, "job", NULL, 0);
    assert_null(msg_decode(buf, len, err, sizeof err));
    assert_string_equal(err, "field \"v\": version 2, expected 1");
    free(buf);
    buf = encode_raw(&len, MSG_VERSION, "jobb", NULL, 0);
    assert_null(msg_decode(buf, len, err, sizeof err));
    assert_string_equal(err, "field \"type\": not a message type koppel knows");
    free(buf);
}

static void
a_field_of_the_wrong_kind_is_refused(void **state)
{
    size_t  len;
    char   *buf, err[512] = "";

    buf = encode_raw(&len, MSG_VERSION, "job", "profile", 1);
    assert_null(msg_decode(buf, len, err, sizeof err));
    assert_non_null(strstr(err, "field \"profile\": expected a string"));
    free(buf);
}

static void
truncated_and_trailing_bytes_are_refused(void **state)
{
    msg_t  *m = msg_new(MSG_REPLY);
    size_t  len, i;
    char   *buf, *longer, err[512];

    msg_set(&m->text, "Gereed");
    buf = msg_encode(m, &len);
    for (i = 0; i < len; i++)
        assert_null(msg_decode(buf, i, err, sizeof err));
    longer = malloc(len + 1);
    memcpy(longer, buf, len);
    longer[len] = 0;
    assert_null(msg_decode(longer, len + 1, err, sizeof err));
    assert_string_equal(err, "1 bytes after the message");
    free(longer);
    free(buf);
    msg_destroy(&m);
}

static void
random_bytes_never_crash_the_decoder(void **state)
{
    unsigned char buf[256];
    char    err[512];
    int     i;
    size_t  j;
    msg_t  *m;

    srand(42);
    for (i = 0; i < 20000; i++) {
        size_t  n = (size_t) (rand() % (int) sizeof buf);

        for (j = 0; j < n; j++)
            buf[j] = (unsigned char) rand();
        if (n > 0)
            buf[0] = 0x80 | (buf[0] & 0x0f);      /* mostly a fixmap */
        m = msg_decode(buf, n, err, sizeof err);
        msg_destroy(&m);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(an_order_message_keeps_the_order_and_attempt),
        cmocka_unit_test(a_matched_message_keeps_the_decision),
        cmocka_unit_test(outcome_and_request_fields_round_trip),
        cmocka_unit_test(each_type_sends_exactly_the_fields_of_its_schema),
        cmocka_unit_test(an_outcome_without_its_optional_fields_is_read),
        cmocka_unit_test(a_missing_field_is_named),
        cmocka_unit_test(a_wrong_type_or_version_is_refused),
        cmocka_unit_test(a_field_of_the_wrong_kind_is_refused),
        cmocka_unit_test(truncated_and_trailing_bytes_are_refused),
        cmocka_unit_test(random_bytes_never_crash_the_decoder),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
