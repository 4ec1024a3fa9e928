/*
 * test_netsec - who may talk to koppel's sockets: a control request from
 * another local user is refused (peer credentials) and a member of the
 * control group is answered; over tcp with CURVE a client with an allowed
 * key talks and one without it does not
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "control.h"
#include "msg.h"
#include "net.h"
#include "netsec.h"
#include "xalloc.h"

#define ANSWERED     0
#define NOT_ANSWERED 3

/* verdict_fd - read end of the pipe on which the last child says its result:
 * not its exit status, which valgrind replaces when the forked copy of this
 * program exits holding the parent's (to the child, lost) memory */
static int verdict_fd = -1;

/* child_done - send the child's result to the parent and end the child */
static void __attribute__((noreturn))
child_done(int fd, char verdict)
{
    if (write(fd, &verdict, 1) != 1)
        _exit(1);
    _exit(0);
}

/* ask_as - in a child process running as uid/gid, send "status" to an ipc
 * endpoint with plain libzmq; its verdict says whether an answer came */
static pid_t
ask_as(const char *endpoint, uid_t uid, gid_t gid)
{
    int     fds[2];
    pid_t   pid;
    void   *ctx, *sock;
    msg_t  *req;
    size_t  len;
    void   *buf;
    char    reply[4096];
    int     timeout = 1500, linger = 0;

    assert_int_equal(pipe(fds), 0);
    pid = fork();
    if (pid != 0) {
        close(fds[1]);
        verdict_fd = fds[0];
        return pid;
    }
    close(fds[0]);
    if (setgroups(0, NULL) != 0 || setgid(gid) != 0 || setuid(uid) != 0)
        child_done(fds[1], 9);
    ctx = zmq_ctx_new();
    sock = zmq_socket(ctx, ZMQ_REQ);
    zmq_setsockopt(sock, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
    zmq_setsockopt(sock, ZMQ_LINGER, &linger, sizeof linger);
    if (zmq_connect(sock, endpoint) != 0)
        child_done(fds[1], 8);
    req = msg_new(MSG_REQUEST);
    msg_set(&req->cmd, "status");
    buf = msg_encode(req, &len);
    zmq_send(sock, buf, len, 0);
    child_done(fds[1], zmq_recv(sock, reply, sizeof reply, 0) > 0 ? ANSWERED : NOT_ANSWERED);
}

/* serve_until_exit - answer control requests until the child ends; its verdict */
static int
serve_until_exit(control_t *control, pid_t child)
{
    zpoller_t *poller = zpoller_new(control_sock(control), NULL);
    int     status = -1, i;
    char    verdict;
    bool    said;

    for (i = 0; i < 50; i++) {
        if (zpoller_wait(poller, 100) == control_sock(control))
            control_handle(control);
        if (waitpid(child, &status, WNOHANG) == child)
            break;
    }
    zpoller_destroy(&poller);
    if (i == 50) {
        kill(child, SIGKILL);
        waitpid(child, &status, 0);
    }
    said = i < 50 && read(verdict_fd, &verdict, 1) == 1;
    close(verdict_fd);
    verdict_fd = -1;
    return said ? verdict : -1;
}

/* other_user - an unprivileged user: nobody, or one made for the test */
static struct passwd *
other_user(void)
{
    struct passwd *pw = getpwnam("nobody");

    if (pw == NULL && system("useradd -r -M -s /usr/sbin/nologin koppeltest") == 0)
        pw = getpwnam("koppeltest");
    return pw;
}

/* open_control - a control socket in a fresh directory whose file is
 * world-writable, so that only the peer-credential check can refuse */
static control_t *
open_control(char *dir, size_t dlen, char **endpoint)
{
    control_t *control;

    snprintf(dir, dlen, "/tmp/koppel-test-netsec-XXXXXX");
    assert_non_null(mkdtemp(dir));
    assert_int_equal(chmod(dir, 0755), 0);
    *endpoint = xasprintf("ipc://%s/test.ctl", dir);
    control = control_new(*endpoint, "test", "1");
    assert_int_equal(chmod(*endpoint + 6, 0666), 0);
    return control;
}

static void
close_control(control_t **control, const char *dir, char *endpoint)
{
    char   *cmd = xasprintf("rm -rf %s", dir);

    control_destroy(control);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    free(endpoint);
}

static void
a_control_request_from_another_user_is_refused_even_on_a_world_writable_socket(void **state)
{
    struct passwd *pw;
    control_t *control;
    char    dir[64], *ep;
    gid_t   unrelated = 0;

    if (geteuid() != 0)
        skip();                 /* changing user needs root */
    assert_non_null(pw = other_user());
    netsec_reset();
    /* a control group that the other user is not in */
    if (pw->pw_gid == 0 || getgrnam("root") == NULL)
        skip();
    netsec_set_group(unrelated);
    control = open_control(dir, sizeof dir, &ep);
    assert_int_equal(serve_until_exit(control, ask_as(ep, pw->pw_uid, pw->pw_gid)),
                     NOT_ANSWERED);
    /* the daemon's own user (here root) is answered on the same socket */
    assert_int_equal(serve_until_exit(control, ask_as(ep, 0, 0)), ANSWERED);
    close_control(&control, dir, ep);
    netsec_reset();
}

static void
a_member_of_the_control_group_is_answered(void **state)
{
    struct passwd *pw;
    control_t *control;
    char    dir[64], *ep;

    if (geteuid() != 0)
        skip();
    assert_non_null(pw = other_user());
    netsec_reset();
    netsec_set_group(pw->pw_gid);
    control = open_control(dir, sizeof dir, &ep);
    assert_int_equal(serve_until_exit(control, ask_as(ep, pw->pw_uid, pw->pw_gid)), ANSWERED);
    close_control(&control, dir, ep);
    netsec_reset();
}

/* exchange - send one request on client; true when server got it and the
 * answer came back within a second each way */
static bool
exchange(zsock_t *server, zsock_t *client)
{
    zpoller_t *ps = zpoller_new(server, NULL), *pc = zpoller_new(client, NULL);
    msg_t  *req = msg_new(MSG_REQUEST), *got;
    bool    ok = false;
    size_t  len;
    void   *buf;

    msg_set(&req->cmd, "status");
    buf = msg_encode(req, &len);
    zmq_send(zsock_resolve(client), buf, len, 0);
    free(buf);
    if (zpoller_wait(ps, 1000) != server)
        goto done;
    if ((got = net_recv(server, "test server")) == NULL)
        goto done;
    msg_destroy(&got);
    got = msg_new(MSG_REPLY);
    got->ok = true;
    net_send(server, got);
    msg_destroy(&got);
    ok = zpoller_wait(pc, 1000) == client;
done:
    msg_destroy(&req);
    zpoller_destroy(&ps);
    zpoller_destroy(&pc);
    return ok;
}

static void
over_tcp_with_curve_an_allowed_key_talks_and_others_do_not(void **state)
{
    char    pub[41], sec[41], other_pub[41], other_sec[41], err[512];
    zsock_t *server, *client;
    const char *ep;

    netsec_reset();
    assert_true(netsec_keygen(pub, sec));
    assert_true(netsec_keygen(other_pub, other_sec));
    assert_true(netsec_set_curve(pub, sec, NULL, NULL, err, sizeof err));
    server = net_socket(ZMQ_REP, "tcp://127.0.0.1:*", true, "test server");
    ep = zsock_endpoint(server);
    assert_non_null(ep);

    /* same key pair (the configured one): talks */
    client = net_socket(ZMQ_REQ, ep, false, "test client");
    assert_true(exchange(server, client));
    zsock_destroy(&client);

    /* knows the server's key but has a key pair that is not allowed */
    client = zsock_new(ZMQ_REQ);
    zsock_set_linger(client, 0);
    zsock_set_curve_serverkey(client, pub);
    zsock_set_curve_publickey(client, other_pub);
    zsock_set_curve_secretkey(client, other_sec);
    assert_int_equal(zsock_connect(client, "%s", ep), 0);
    assert_false(exchange(server, client));
    zsock_destroy(&client);

    /* no CURVE at all */
    client = zsock_new(ZMQ_REQ);
    zsock_set_linger(client, 0);
    assert_int_equal(zsock_connect(client, "%s", ep), 0);
    assert_false(exchange(server, client));
    zsock_destroy(&client);
    zsock_destroy(&server);

    /* the other key pair listed in curve.clients: now it talks */
    assert_true(netsec_set_curve(pub, sec, (const char *[]) { other_pub, NULL }, NULL,
                                 err, sizeof err));
    server = net_socket(ZMQ_REP, "tcp://127.0.0.1:*", true, "test server");
    client = zsock_new(ZMQ_REQ);
    zsock_set_linger(client, 0);
    zsock_set_curve_serverkey(client, pub);
    zsock_set_curve_publickey(client, other_pub);
    zsock_set_curve_secretkey(client, other_sec);
    assert_int_equal(zsock_connect(client, "%s", zsock_endpoint(server)), 0);
    assert_true(exchange(server, client));
    zsock_destroy(&client);
    zsock_destroy(&server);
    netsec_reset();
}

static void
a_key_pair_that_does_not_belong_together_is_refused(void **state)
{
    char    pub[41], sec[41], other_pub[41], other_sec[41], err[512];

    assert_true(netsec_keygen(pub, sec));
    assert_true(netsec_keygen(other_pub, other_sec));
    assert_false(netsec_set_curve(other_pub, sec, NULL, NULL, err, sizeof err));
    assert_non_null(strstr(err, "public_key hoort niet bij secret_key"));
    assert_null(strstr(err, sec));          /* never a secret in a message */
    assert_false(netsec_set_curve("short", sec, NULL, NULL, err, sizeof err));
    netsec_reset();
}

static void
the_configuration_file_sets_group_and_keys(void **state)
{
    char    pub[41], sec[41], err[512], path[] = "/tmp/koppel-test-netsec-cfg-XXXXXX";
    int     fd = mkstemp(path);
    FILE   *fp = fdopen(fd, "w");

    assert_true(netsec_keygen(pub, sec));
    fprintf(fp, "koppel = { control_group = \"root\"; curve = { public_key = \"%s\";"
            " secret_key = \"%s\"; clients = [ \"%s\" ];"
            " servers = ( { endpoint = \"tcp://10.0.0.2:7001\"; public_key = \"%s\"; } ); }; };\n",
            pub, sec, pub, pub);
    fclose(fp);
    assert_true(netsec_load(path, err, sizeof err));
    fp = fopen(path, "w");
    fprintf(fp, "koppel = { control_group = \"no-such-group-here\"; };\n");
    fclose(fp);
    assert_false(netsec_load(path, err, sizeof err));
    assert_non_null(strstr(err, "control_group: groep \"no-such-group-here\" bestaat niet "
                                "op deze machine"));
    fp = fopen(path, "w");
    fprintf(fp, "koppel = { curve = { public_key = \"%s\"; }; };\n", pub);
    fclose(fp);
    assert_false(netsec_load(path, err, sizeof err));
    assert_non_null(strstr(err, "koppel.curve: public_key en secret_key zijn nodig"));
    unlink(path);
    netsec_reset();
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_control_request_from_another_user_is_refused_even_on_a_world_writable_socket),
        cmocka_unit_test(a_member_of_the_control_group_is_answered),
        cmocka_unit_test(over_tcp_with_curve_an_allowed_key_talks_and_others_do_not),
        cmocka_unit_test(a_key_pair_that_does_not_belong_together_is_refused),
        cmocka_unit_test(the_configuration_file_sets_group_and_keys),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
