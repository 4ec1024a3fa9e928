/*
 * test_control - the control socket: a command answered later while the
 * socket answers other requests, and a peer that is no REQ socket
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <czmq.h>

#include "control.h"
#include "log.h"
#include "msg.h"
#include "net.h"

typedef struct {
    control_t *control;
    control_later_t *later;
} slow_t;

/* slow_cmd - a command that answers later */
static void
slow_cmd(void *arg, const msg_t *req, msg_t *reply)
{
    slow_t *s = arg;

    msg_set(&reply->text, "never sent");
    s->later = control_later(s->control);
}

/* ask - send a request with cmd from sock */
static void
ask(zsock_t *sock, const char *cmd)
{
    msg_t  *m = msg_new(MSG_REQUEST);

    msg_set(&m->cmd, cmd);
    assert_true(net_send(sock, m));
    msg_destroy(&m);
}

/* answer_of - the reply on sock within a second, or NULL */
static msg_t *
answer_of(zsock_t *sock)
{
    zpoller_t *p = zpoller_new(sock, NULL);
    msg_t  *m = zpoller_wait(p, 1000) == sock ? net_recv(sock, "test") : NULL;

    zpoller_destroy(&p);
    return m;
}

/* handle - answer the one request waiting on the control socket */
static void
handle(control_t *control)
{
    zpoller_t *p = zpoller_new(control_sock(control), NULL);

    assert_ptr_equal(zpoller_wait(p, 1000), control_sock(control));
    zpoller_destroy(&p);
    control_handle(control);
}

static void
a_command_answered_later_lets_status_through_and_reaches_its_asker(void **state)
{
    slow_t  s = { control_new("inproc://test-control-later", "test", "1"), NULL };
    zsock_t *a = zsock_new_req("inproc://test-control-later");
    zsock_t *b = zsock_new_req("inproc://test-control-later");
    msg_t  *reply;

    control_on(s.control, "slow", slow_cmd, &s);
    ask(a, "slow");
    handle(s.control);
    assert_non_null(s.later);
    ask(b, "status");                   /* answered while "slow" is not */
    handle(s.control);
    reply = answer_of(b);
    assert_non_null(reply);
    assert_true(reply->ok);
    msg_destroy(&reply);
    assert_null(answer_of(a));

    reply = msg_new(MSG_REPLY);
    reply->ok = true;
    msg_set(&reply->text, "done later");
    control_answer(s.control, &s.later, reply);
    msg_destroy(&reply);
    assert_null(s.later);
    reply = answer_of(a);
    assert_non_null(reply);
    assert_string_equal(reply->text, "done later");
    msg_destroy(&reply);
    zsock_destroy(&a);
    zsock_destroy(&b);
    control_destroy(&s.control);
}

static void
a_peer_that_is_no_req_socket_is_dropped_and_the_next_request_answered(void **state)
{
    control_t *control = control_new("inproc://test-control-dealer", "test", "1");
    zsock_t *dealer = zsock_new_dealer("inproc://test-control-dealer");
    zsock_t *req = zsock_new_req("inproc://test-control-dealer");
    msg_t  *reply;

    zstr_send(dealer, "no delimiter");
    handle(control);                    /* dropped with a warning */
    ask(req, "status");
    handle(control);
    reply = answer_of(req);
    assert_non_null(reply);
    assert_true(reply->ok);
    msg_destroy(&reply);
    zsock_destroy(&dealer);
    zsock_destroy(&req);
    control_destroy(&control);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_command_answered_later_lets_status_through_and_reaches_its_asker),
        cmocka_unit_test(a_peer_that_is_no_req_socket_is_dropped_and_the_next_request_answered),
    };

    log_init("test_control", LOG_LEVEL_ERROR);
    zsys_init();
    zsys_set_logstream(NULL);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
