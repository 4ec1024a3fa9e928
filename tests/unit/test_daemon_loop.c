/*
 * test_daemon_loop - the daemons' one event loop: readers, descriptors,
 * periodic and one-shot timers, cancelling, stopping
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <czmq.h>

#include "control.h"
#include "daemon_loop.h"
#include "log.h"
#include "msg.h"
#include "net.h"

typedef struct {
    int     ticks;            /* the periodic timer */
    int     once;             /* the one-shot timer */
    int     cancelled;        /* a timer that must never fire */
    int     cancelled_id;
    int     read;             /* messages read by the reader */
    int     fd_ready;         /* the descriptor handler */
    int     pipe_r;
    zsock_t *pull;
} seen_t;

static char control_ep[64];

/* test_control - a control socket on an endpoint of its own per test (an
 * inproc endpoint stays taken while its closed socket lingers) */
static control_t *
test_control(void)
{
    static int n;

    snprintf(control_ep, sizeof control_ep, "inproc://test-daemon-loop-control-%d", ++n);
    return control_new(control_ep, "test", "1");
}

/* stop_after - a one-shot timer that ends the run */
static void
stop_after(daemon_loop_t *loop, void *arg)
{
    daemon_loop_stop(loop);
}

static void
count_tick(daemon_loop_t *loop, void *arg)
{
    ((seen_t *) arg)->ticks++;
}

static void
count_once(daemon_loop_t *loop, void *arg)
{
    ((seen_t *) arg)->once++;
}

static void
count_cancelled(daemon_loop_t *loop, void *arg)
{
    ((seen_t *) arg)->cancelled++;
}

/* cancel_other - a one-shot timer that cancels another due in the same turn */
static void
cancel_other(daemon_loop_t *loop, void *arg)
{
    seen_t *s = arg;

    daemon_loop_cancel(loop, s->cancelled_id);
}

static void
read_one(daemon_loop_t *loop, void *arg)
{
    seen_t *s = arg;
    msg_t  *m = net_recv(s->pull, "test socket");

    assert_non_null(m);
    assert_int_equal(m->type, MSG_HELLO);
    msg_destroy(&m);
    s->read++;
}

static void
read_pipe(daemon_loop_t *loop, void *arg)
{
    seen_t *s = arg;
    char    c;

    assert_int_equal(read(s->pipe_r, &c, 1), 1);
    s->fd_ready++;
    daemon_loop_fd_end(loop, s->pipe_r);
}

static void
a_one_shot_timer_fires_once_and_a_periodic_one_until_the_stop(void **state)
{
    control_t *control = test_control();
    daemon_loop_t *loop = daemon_loop_new(control, NULL);
    seen_t  s = { 0 };

    daemon_loop_every(loop, 10, "tick", count_tick, &s);
    daemon_loop_once(loop, 0, "once", count_once, &s);
    daemon_loop_once(loop, 200, "stop", stop_after, &s);
    daemon_loop_run(loop, "test");
    assert_int_equal(s.once, 1);
    assert_in_range(s.ticks, 5, 25);
    daemon_loop_destroy(&loop);
    assert_null(loop);
    control_destroy(&control);
}

static void
a_cancelled_timer_never_fires_even_when_due_in_the_same_turn(void **state)
{
    control_t *control = test_control();
    daemon_loop_t *loop = daemon_loop_new(control, NULL);
    seen_t  s = { 0 };
    int     id;

    id = daemon_loop_once(loop, 50, "cancelled at once", count_cancelled, &s);
    daemon_loop_cancel(loop, id);
    daemon_loop_cancel(loop, id);           /* twice: ignored */
    /* both due at 20 ms: the first cancels the second before zloop reaches it */
    daemon_loop_once(loop, 20, "canceller", cancel_other, &s);
    s.cancelled_id = daemon_loop_every(loop, 20, "cancelled by another", count_cancelled, &s);
    daemon_loop_once(loop, 150, "stop", stop_after, &s);
    daemon_loop_run(loop, "test");
    assert_int_equal(s.cancelled, 0);
    daemon_loop_destroy(&loop);
    control_destroy(&control);
}

static void
a_reader_and_a_descriptor_are_called_when_ready(void **state)
{
    control_t *control = test_control();
    daemon_loop_t *loop = daemon_loop_new(control, NULL);
    seen_t  s = { 0 };
    zsock_t *push;
    msg_t  *m = msg_new(MSG_HELLO);
    int     p[2];

    s.pull = net_socket(ZMQ_PULL, "inproc://test-daemon-loop-data", true, "test socket");
    push = net_socket(ZMQ_PUSH, "inproc://test-daemon-loop-data", false, "test socket");
    msg_set(&m->text, "test");
    assert_true(net_send(push, m));
    assert_true(net_send(push, m));
    msg_destroy(&m);
    assert_int_equal(pipe(p), 0);
    s.pipe_r = p[0];
    assert_int_equal(write(p[1], "x", 1), 1);
    daemon_loop_reader(loop, s.pull, "test socket", read_one, &s);
    daemon_loop_fd(loop, p[0], ZMQ_POLLIN, "test pipe", read_pipe, &s);
    daemon_loop_once(loop, 150, "stop", stop_after, &s);
    daemon_loop_run(loop, "test");
    assert_int_equal(s.read, 2);
    assert_int_equal(s.fd_ready, 1);            /* ended after the first */
    daemon_loop_destroy(&loop);
    close(p[0]);
    close(p[1]);
    zsock_destroy(&push);
    zsock_destroy(&s.pull);
    control_destroy(&control);
}

static void
the_control_socket_is_answered_while_the_loop_runs(void **state)
{
    control_t *control = test_control();
    daemon_loop_t *loop = daemon_loop_new(control, NULL);
    zsock_t *req = zsock_new_req(control_ep);
    msg_t  *m = msg_new(MSG_REQUEST), *reply;
    seen_t  s = { 0 };

    msg_set(&m->cmd, "status");
    assert_true(net_send(req, m));
    msg_destroy(&m);
    daemon_loop_once(loop, 100, "stop", stop_after, &s);
    daemon_loop_run(loop, "test");
    reply = net_recv(req, "test request");    /* answered during the run */
    assert_non_null(reply);
    assert_int_equal(reply->type, MSG_REPLY);
    assert_true(reply->ok);
    msg_destroy(&reply);
    zsock_destroy(&req);
    daemon_loop_destroy(&loop);
    control_destroy(&control);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_one_shot_timer_fires_once_and_a_periodic_one_until_the_stop),
        cmocka_unit_test(a_cancelled_timer_never_fires_even_when_due_in_the_same_turn),
        cmocka_unit_test(a_reader_and_a_descriptor_are_called_when_ready),
        cmocka_unit_test(the_control_socket_is_answered_while_the_loop_runs),
    };

    log_init("test_daemon_loop", LOG_LEVEL_WARNING);
    zsys_init();
    zsys_set_logstream(NULL);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
