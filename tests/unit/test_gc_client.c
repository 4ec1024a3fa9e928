/*
 * NAME
 *   test_gc_client - the fetcher's Globecharge client against the simulator
 *
 * DESCRIPTION
 *   Each test starts bin/globecharge-sim of the build the test program
 *   belongs to (build/ or build-san/; run from the repository root) on a free loopback port with the contract's example orders and
 *   the faults it needs, and drives gc_client against it.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <libgen.h>
#include <limits.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "gc_client.h"

#define EXAMPLES "tests/sim/globecharge/examples"

typedef struct {
    pid_t   pid;
    int     port;
    char    base[64];
} sim_t;

/* free_port - a loopback port that was free a moment ago */
static int
free_port(void)
{
    struct sockaddr_in a;
    socklen_t alen = sizeof a;
    int     fd = socket(AF_INET, SOCK_STREAM, 0);
    int     port;

    assert_true(fd >= 0);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *) &a, sizeof a), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *) &a, &alen), 0);
    port = ntohs(a.sin_port);
    close(fd);
    return port;
}

/* answers - whether something accepts connections on the port */
static int
answers(int port)
{
    struct sockaddr_in a;
    int     fd = socket(AF_INET, SOCK_STREAM, 0);
    int     ok;

    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t) port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ok = connect(fd, (struct sockaddr *) &a, sizeof a) == 0;
    close(fd);
    return ok;
}

/* sim_bin - globecharge-sim next to this program: BUILD/tests/x -> BUILD/bin */
static const char *
sim_bin(void)
{
    static char bin[PATH_MAX + 32];
    char    exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);

    assert_true(n > 0);
    exe[n] = 0;
    snprintf(bin, sizeof bin, "%s/bin/globecharge-sim", dirname(dirname(exe)));
    return bin;
}

/* sim_start - start the simulator with extra flags (NULL-terminated) */
static void
sim_start(sim_t *s, ...)
{
    const char *argv[48];
    const char *bin = sim_bin();
    char    listen[32];
    int     try, argc, i, status;
    va_list ap;

    for (try = 0; try < 5; try++) {
        s->port = free_port();
        snprintf(listen, sizeof listen, "127.0.0.1:%d", s->port);
        argc = 0;
        argv[argc++] = bin;
        argv[argc++] = "--listen";
        argv[argc++] = listen;
        argv[argc++] = "--user";
        argv[argc++] = "shop@example.nl";
        argv[argc++] = "--password";
        argv[argc++] = "geheim&=%+wachtwoord";
        argv[argc++] = "--orders";
        argv[argc++] = EXAMPLES;
        argv[argc++] = "--log-level";
        argv[argc++] = "error";
        va_start(ap, s);
        while ((argv[argc] = va_arg(ap, const char *)) != NULL && argc < 46)
            argc++;
        va_end(ap);
        argv[argc] = NULL;
        s->pid = fork();
        assert_true(s->pid >= 0);
        if (s->pid == 0) {
            execv(bin, (char *const *) argv);
            _exit(127);
        }
        for (i = 0; i < 500; i++) {
            if (waitpid(s->pid, &status, WNOHANG) == s->pid)
                break;
            if (answers(s->port)) {
                snprintf(s->base, sizeof s->base, "http://127.0.0.1:%d/webshop", s->port);
                return;
            }
            usleep(10000);
        }
        if (i == 500) {
            kill(s->pid, SIGKILL);
            waitpid(s->pid, &status, 0);
        }
    }
    fail_msg("cannot start %s (built? run from the repository root)", bin);
}

/* sim_stop - stop the simulator */
static void
sim_stop(sim_t *s)
{
    int     status;

    kill(s->pid, SIGTERM);
    waitpid(s->pid, &status, 0);
}

/* new_client - a client with quick retries for tests */
static gc_client_t *
new_client(const sim_t *s, const char *password)
{
    gc_client_t *c = gc_client_new(s->base, "shop@example.nl", password, true);

    gc_client_set_retry(c, 8, 2000, 5000);
    return c;
}

#define PASSWORD "geheim&=%+wachtwoord"

static double
now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
test_login_and_paging_return_the_example_orders(void **state)
{
    sim_t   s;
    gc_client_t *c;
    char    err[512], *body;
    size_t  len;

    sim_start(&s, NULL);
    c = new_client(&s, PASSWORD);
    assert_int_equal(gc_client_orders(c, 1, 100, &body, &len, err, sizeof err), GC_OK);
    assert_int_equal(len, strlen(body));
    assert_non_null(strstr(body, "count=\"3\""));
    assert_non_null(strstr(body, "next=\"10432\""));
    assert_non_null(strstr(body, "highest=\"10431\""));
    assert_non_null(strstr(body, "number=\"10423\""));
    assert_non_null(strstr(body, "number=\"10425\""));
    assert_non_null(strstr(body, "number=\"10431\""));
    free(body);
    /* the next page from the middle: one order, next after it */
    assert_int_equal(gc_client_orders(c, 10424, 1, &body, &len, err, sizeof err), GC_OK);
    assert_non_null(strstr(body, "count=\"1\""));
    assert_non_null(strstr(body, "number=\"10425\""));
    assert_null(strstr(body, "number=\"10431\""));
    assert_non_null(strstr(body, "next=\"10426\""));
    free(body);
    /* past the end: empty page, next stays */
    assert_int_equal(gc_client_orders(c, 10432, 50, &body, &len, err, sizeof err), GC_OK);
    assert_non_null(strstr(body, "count=\"0\" next=\"10432\""));
    free(body);
    /* one login, three pages */
    assert_int_equal(gc_client_requests(c), 4);
    gc_client_destroy(&c);
    assert_null(c);
    sim_stop(&s);
}

static void
test_wrong_password_is_auth_without_retry_and_without_the_password(void **state)
{
    sim_t   s;
    gc_client_t *c;
    char    err[512], *body = (char *) 1;
    size_t  len;

    sim_start(&s, NULL);
    c = new_client(&s, "Fout-Wachtwoord-123");
    assert_int_equal(gc_client_orders(c, 1, 50, &body, &len, err, sizeof err), GC_AUTH);
    assert_null(body);
    assert_int_equal(gc_client_requests(c), 1);
    assert_non_null(strstr(err, "Globecharge weigert gebruikersnaam shop@example.nl"));
    assert_non_null(strstr(err, "verkeerde gebruikersnaam of wachtwoord; controleer de "
                           "gebruikersnaam en het wachtwoord bij Instellingen > Koppeling shop"));
    assert_null(strstr(err, "Fout-Wachtwoord-123"));
    assert_string_equal(gc_result_name(GC_AUTH), "auth");
    gc_client_destroy(&c);
    sim_stop(&s);
}

static void
test_expired_session_logs_in_again_transparently(void **state)
{
    sim_t   s;
    gc_client_t *c;
    char    err[512], *body;
    size_t  len;
    int     i;

    /* every second request with a session answers session-expired */
    sim_start(&s, "--expire-session-every", "2", NULL);
    c = new_client(&s, PASSWORD);
    for (i = 0; i < 4; i++) {
        assert_int_equal(gc_client_order(c, 10423, &body, &len, err, sizeof err), GC_OK);
        assert_non_null(strstr(body, "number=\"10423\""));
        free(body);
    }
    /* login, ok, (expired, login, ok) x3 */
    assert_int_equal(gc_client_requests(c), 1 + 1 + 3 * 3);
    gc_client_destroy(&c);
    sim_stop(&s);
}

static void
test_session_idle_past_ttl_logs_in_again(void **state)
{
    sim_t   s;
    gc_client_t *c;
    char    err[512], *body;
    size_t  len;

    sim_start(&s, "--session-ttl", "1", NULL);
    c = new_client(&s, PASSWORD);
    assert_int_equal(gc_client_order(c, 10425, &body, &len, err, sizeof err), GC_OK);
    free(body);
    usleep(2100000);
    assert_int_equal(gc_client_order(c, 10425, &body, &len, err, sizeof err), GC_OK);
    free(body);
    assert_int_equal(gc_client_requests(c), 5);
    gc_client_destroy(&c);
    sim_stop(&s);
}

static void
test_rate_limit_waits_retry_after_then_succeeds(void **state)
{
    sim_t   s;
    gc_client_t *c;
    char    err[512], *body;
    size_t  len;
    double  t0;

    sim_start(&s, "--rate-limit-every", "2", "--retry-after", "1", NULL);
    c = new_client(&s, PASSWORD);
    t0 = now_s();
    /* request 1 login, 2 orders -> 429, 3 orders -> 200 */
    assert_int_equal(gc_client_orders(c, 1, 50, &body, &len, err, sizeof err), GC_OK);
    assert_true(now_s() - t0 >= 0.95);
    assert_non_null(strstr(body, "count=\"3\""));
    free(body);
    assert_int_equal(gc_client_requests(c), 3);
    gc_client_destroy(&c);
    sim_stop(&s);
}

static void
test_retry_after_beyond_the_cap_gives_up_as_transient(void **state)
{
    sim_t   s;
    gc_client_t *c;
    char    err[512], *body;
    size_t  len;

    sim_start(&s, "--maintenance-every", "2", "--retry-after", "60", NULL);
    c = new_client(&s, PASSWORD);
    assert_int_equal(gc_client_orders(c, 1, 50, &body, &len, err, sizeof err), GC_TRANSIENT);
    assert_non_null(strstr(err, "maintenance"));
    assert_non_null(strstr(err, "de shop vraagt 60 s te wachten"));
    assert_non_null(strstr(err, "probeer het later opnieuw"));
    assert_int_equal(gc_client_requests(c), 2);
    gc_client_destroy(&c);
    sim_stop(&s);
}

static void
test_5xx_and_maintenance_are_retried_until_success(void **state)
{
    sim_t   s;
    gc_client_t *c;
    char    err[512], *body;
    size_t  len;
    int     i;

    sim_start(&s, "--fail-5xx-rate", "0.4", "--maintenance-every", "7",
              "--retry-after", "0", "--seed", "7", NULL);
    c = gc_client_new(s.base, "shop@example.nl", PASSWORD, true);
    gc_client_set_retry(c, 12, 20, 5000);
    for (i = 0; i < 10; i++) {
        assert_int_equal(gc_client_orders(c, 1, 50, &body, &len, err, sizeof err), GC_OK);
        assert_non_null(strstr(body, "count=\"3\""));
        free(body);
    }
    /* failures happened and were retried */
    assert_true(gc_client_requests(c) > 11);
    gc_client_destroy(&c);
    sim_stop(&s);
}

static void
test_dropped_connections_are_retried(void **state)
{
    sim_t   s;
    gc_client_t *c;
    char    err[512], *body;
    size_t  len;
    int     i;

    sim_start(&s, "--drop-rate", "0.3", "--seed", "3", NULL);
    c = gc_client_new(s.base, "shop@example.nl", PASSWORD, true);
    gc_client_set_retry(c, 12, 20, 5000);
    for (i = 0; i < 10; i++) {
        assert_int_equal(gc_client_order(c, 10431, &body, &len, err, sizeof err), GC_OK);
        free(body);
    }
    assert_true(gc_client_requests(c) > 11);
    gc_client_destroy(&c);
    sim_stop(&s);
}

static void
test_persistent_5xx_is_transient_after_the_attempt_limit(void **state)
{
    sim_t   s;
    gc_client_t *c;
    char    err[512], *body;
    size_t  len;

    sim_start(&s, "--fail-5xx-rate", "1", NULL);
    c = gc_client_new(s.base, "shop@example.nl", PASSWORD, true);
    gc_client_set_retry(c, 3, 20, 5000);
    assert_int_equal(gc_client_orders(c, 1, 50, &body, &len, err, sizeof err), GC_TRANSIENT);
    assert_int_equal(gc_client_requests(c), 3);
    assert_non_null(strstr(err, "Globecharge antwoordde op "));
    assert_non_null(strstr(err, " met HTTP 5"));
    assert_non_null(strstr(err, "(3 pogingen); probeer het later opnieuw"));
    assert_null(strstr(err, PASSWORD));
    gc_client_destroy(&c);
    sim_stop(&s);
}

static void
test_unreachable_server_is_transient(void **state)
{
    gc_client_t *c;
    char    err[512], *body, base[64];
    size_t  len;

    snprintf(base, sizeof base, "http://127.0.0.1:%d", free_port());
    c = gc_client_new(base, "shop@example.nl", PASSWORD, true);
    gc_client_set_retry(c, 2, 10, 2000);
    assert_int_equal(gc_client_orders(c, 1, 50, &body, &len, err, sizeof err), GC_TRANSIENT);
    assert_int_equal(gc_client_requests(c), 2);
    assert_non_null(strstr(err, base));
    assert_non_null(strstr(err, "Globecharge is niet te lezen op "));
    assert_non_null(strstr(err, "(2 pogingen); probeer het later opnieuw"));
    gc_client_destroy(&c);
}

static void
test_missing_order_is_not_found_and_bad_page_is_protocol(void **state)
{
    sim_t   s;
    gc_client_t *c;
    char    err[512], *body;
    size_t  len;

    sim_start(&s, NULL);
    c = new_client(&s, PASSWORD);
    assert_int_equal(gc_client_order(c, 10424, &body, &len, err, sizeof err), GC_NOT_FOUND);
    assert_null(body);
    assert_int_equal(gc_client_order(c, 10425, &body, &len, err, sizeof err), GC_OK);
    assert_non_null(strstr(body, "<order xmlns=\"urn:globecharge:orders:1\" number=\"10425\""));
    free(body);
    assert_int_equal(gc_client_orders(c, 1, 101, &body, &len, err, sizeof err), GC_PROTOCOL);
    assert_non_null(strstr(err, "bad-request"));
    assert_non_null(strstr(err, "controleer het adres van de shop bij Instellingen > Koppeling "
                           "shop"));
    assert_int_equal(gc_client_requests(c), 4);
    gc_client_destroy(&c);
    sim_stop(&s);
}

/* put_order - PUT an order to the simulator's test-control endpoint */
static long
put_order(const sim_t *s, const char *xml)
{
    CURL   *curl = curl_easy_init();
    char    url[96];
    long    status = 0;
    FILE   *devnull = fopen("/dev/null", "w");

    snprintf(url, sizeof url, "http://127.0.0.1:%d/_sim/orders", s->port);
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, "PUT");
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, xml);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, devnull);
    assert_int_equal(curl_easy_perform(curl), CURLE_OK);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(curl);
    fclose(devnull);
    return status;
}

static void
test_iso_8859_1_mode_returns_a_latin1_document(void **state)
{
    sim_t   s;
    gc_client_t *c;
    char    err[512], *body;
    size_t  len;

    sim_start(&s, "--encoding", "iso-8859-1", NULL);
    assert_int_equal(put_order(&s,
        "<order number=\"10440\" status=\"paid\" modified=\"2026-11-05T10:00:00Z\">"
        "<billing><lastName>M\xc3\xbcller</lastName><country>DE</country></billing>"
        "<total excl=\"12,50\" vat=\"0.00\" incl=\"12.50\"/></order>"), 200);
    c = new_client(&s, PASSWORD);
    assert_int_equal(gc_client_order(c, 10440, &body, &len, err, sizeof err), GC_OK);
    assert_true(strncmp(body, "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>", 43) == 0);
    assert_non_null(strstr(body, "M\xfcller"));       /* one byte: Latin-1 */
    assert_non_null(strstr(body, "excl=\"12,50\""));  /* passed through as sent */
    free(body);
    assert_int_equal(gc_client_orders(c, 10440, 10, &body, &len, err, sizeof err), GC_OK);
    assert_true(strncmp(body, "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>", 43) == 0);
    assert_non_null(strstr(body, "count=\"1\""));
    free(body);
    gc_client_destroy(&c);
    sim_stop(&s);
}

static void
test_incomplete_order_completed_later_appears_in_the_page(void **state)
{
    sim_t   s;
    gc_client_t *c;
    char    err[512], *body;
    size_t  len;

    sim_start(&s, NULL);
    c = new_client(&s, PASSWORD);
    assert_int_equal(put_order(&s, "<order xmlns=\"urn:globecharge:orders:1\" number=\"10424\""
                               " status=\"incomplete\"><date>x</date></order>"), 200);
    assert_int_equal(gc_client_orders(c, 10424, 1, &body, &len, err, sizeof err), GC_OK);
    assert_non_null(strstr(body, "number=\"10425\""));
    free(body);
    assert_int_equal(gc_client_order(c, 10424, &body, &len, err, sizeof err), GC_OK);
    assert_non_null(strstr(body, "status=\"incomplete\""));
    free(body);
    assert_int_equal(put_order(&s, "<order xmlns=\"urn:globecharge:orders:1\" number=\"10424\""
                               " status=\"paid\"><date>x</date></order>"), 200);
    assert_int_equal(gc_client_orders(c, 10424, 1, &body, &len, err, sizeof err), GC_OK);
    assert_non_null(strstr(body, "number=\"10424\" status=\"paid\""));
    free(body);
    gc_client_destroy(&c);
    sim_stop(&s);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_login_and_paging_return_the_example_orders),
        cmocka_unit_test(test_wrong_password_is_auth_without_retry_and_without_the_password),
        cmocka_unit_test(test_expired_session_logs_in_again_transparently),
        cmocka_unit_test(test_session_idle_past_ttl_logs_in_again),
        cmocka_unit_test(test_rate_limit_waits_retry_after_then_succeeds),
        cmocka_unit_test(test_retry_after_beyond_the_cap_gives_up_as_transient),
        cmocka_unit_test(test_5xx_and_maintenance_are_retried_until_success),
        cmocka_unit_test(test_dropped_connections_are_retried),
        cmocka_unit_test(test_persistent_5xx_is_transient_after_the_attempt_limit),
        cmocka_unit_test(test_unreachable_server_is_transient),
        cmocka_unit_test(test_missing_order_is_not_found_and_bad_page_is_protocol),
        cmocka_unit_test(test_iso_8859_1_mode_returns_a_latin1_document),
        cmocka_unit_test(test_incomplete_order_completed_later_appears_in_the_page),
    };

    signal(SIGPIPE, SIG_IGN);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
