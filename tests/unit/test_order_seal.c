/*
 * test_order_seal - the fetcher's seal on an order survives the matcher and
 * breaks on any change; outcomes carry the booker's seal; the key file is
 * private and shared by the daemons of one state directory
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "msg.h"
#include "order_seal.h"
#include "xalloc.h"

static char dir[64], dir2[64];

static int
setup(void **state)
{
    snprintf(dir, sizeof dir, "/tmp/koppel-test-seal-XXXXXX");
    snprintf(dir2, sizeof dir2, "/tmp/koppel-test-seal-XXXXXX");
    return mkdtemp(dir) && mkdtemp(dir2) ? 0 : -1;
}

static int
teardown(void **state)
{
    char   *cmd = xasprintf("rm -rf %s %s", dir, dir2);
    int     rc = system(cmd);

    free(cmd);
    return rc;
}

/* an_order - a sealed order message as the fetcher sends it */
static msg_t *
an_order(const order_seal_t *seal)
{
    msg_t  *m = msg_new(MSG_ORDER);
    order_line_t *l;
    char    token[ORDER_SEAL_TOKEN_LEN + 1];

    m->order = order_new();
    order_set(&m->order->profile, "winkel");
    order_set(&m->order->email, "jan@example.nl");
    m->order->number = 10423;
    m->order->total_incl_cents = 1210;
    l = order_add_line(m->order);
    order_set(&l->description, "Iets");
    l->total_cents = 1210;
    msg_set(&m->profile, "winkel");
    m->attempt = 2;
    order_seal_token(token);
    msg_set(&m->token, token);
    order_seal_sign(seal, m);
    return m;
}

/* through_the_matcher - decode, recognise, send on as matched, decode */
static msg_t *
through_the_matcher(const msg_t *sent)
{
    char    err[256];
    size_t  len;
    void   *buf = msg_encode(sent, &len);
    msg_t  *m = msg_decode(buf, len, err, sizeof err);

    free(buf);
    assert_non_null(m);
    m->type = MSG_MATCHED;
    m->match = match_new();
    match_set(m->match, MATCH_NEW, 0, "", "email", "", "", "new");
    buf = msg_encode(m, &len);
    msg_destroy(&m);
    m = msg_decode(buf, len, err, sizeof err);
    free(buf);
    assert_non_null(m);
    return m;
}

static void
a_sealed_order_verifies_after_the_matcher_and_not_after_any_change(void **state)
{
    char    err[256];
    order_seal_t *seal = order_seal_open(dir, err, sizeof err), *other;
    msg_t  *sent, *m;
    char    token[ORDER_SEAL_TOKEN_LEN + 1];

    assert_non_null(seal);
    sent = an_order(seal);
    assert_int_equal(strlen(sent->token), ORDER_SEAL_TOKEN_LEN);
    m = through_the_matcher(sent);
    assert_true(order_seal_verify(seal, m));

    m->order->total_incl_cents = 121000;            /* the amount changed */
    assert_false(order_seal_verify(seal, m));
    m->order->total_incl_cents = 1210;
    m->order->number = 10424;                       /* another order */
    assert_false(order_seal_verify(seal, m));
    m->order->number = 10423;
    m->attempt = 3;                                 /* another attempt */
    assert_false(order_seal_verify(seal, m));
    m->attempt = 2;
    order_seal_token(token);                        /* another token */
    msg_set(&m->token, token);
    assert_false(order_seal_verify(seal, m));
    msg_destroy(&m);

    m = through_the_matcher(sent);
    msg_set(&m->sig, "");                           /* no seal */
    assert_false(order_seal_verify(seal, m));
    msg_destroy(&m);

    other = order_seal_open(dir2, err, sizeof err); /* another installation's key */
    m = through_the_matcher(sent);
    assert_false(order_seal_verify(other, m));
    msg_destroy(&m);
    msg_destroy(&sent);
    order_seal_destroy(&other);
    order_seal_destroy(&seal);
}

static void
an_outcome_carries_the_bookers_seal(void **state)
{
    char    err[256];
    order_seal_t *seal = order_seal_open(dir, err, sizeof err);
    msg_t  *m = msg_new(MSG_OUTCOME);
    char    token[ORDER_SEAL_TOKEN_LEN + 1];

    msg_set(&m->profile, "winkel");
    m->number = 10423;
    order_seal_token(token);
    msg_set(&m->token, token);
    msg_set(&m->result, "dead");
    msg_set(&m->stage, "booking");
    msg_set(&m->reason, "grootboek not set");
    order_seal_sign(seal, m);
    assert_true(order_seal_verify(seal, m));
    msg_set(&m->result, "booked");
    assert_false(order_seal_verify(seal, m));
    msg_destroy(&m);
    order_seal_destroy(&seal);
}

static void
the_key_file_is_private_and_shared_by_one_state_directory(void **state)
{
    char    err[256], *path = xasprintf("%s/%s", dir, ORDER_SEAL_FILE);
    order_seal_t *a = order_seal_open(dir, err, sizeof err), *b;
    struct stat st;
    msg_t  *m;
    FILE   *fp;

    assert_non_null(a);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(st.st_size, 32);
    b = order_seal_open(dir, err, sizeof err);      /* the booker, after the fetcher */
    m = an_order(a);
    assert_true(order_seal_verify(b, m));
    msg_destroy(&m);
    order_seal_destroy(&a);
    order_seal_destroy(&b);
    assert_non_null(fp = fopen(path, "w"));         /* damaged: refused, not guessed */
    fputs("kort", fp);
    fclose(fp);
    assert_null(order_seal_open(dir, err, sizeof err));
    assert_non_null(strstr(err, "not a seal key"));
    free(path);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(a_sealed_order_verifies_after_the_matcher_and_not_after_any_change, setup, teardown),
        cmocka_unit_test_setup_teardown(an_outcome_carries_the_bookers_seal, setup, teardown),
        cmocka_unit_test_setup_teardown(the_key_file_is_private_and_shared_by_one_state_directory, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
