/*
 * test_log - a flood of bad input from a peer cannot flood the log: one
 * warning per peer kind per interval, the next one counting those left out
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

static char path[64];
static int saved;

/* capture - stderr into a new temporary file */
static void
capture(void)
{
    int     fd;

    snprintf(path, sizeof path, "/tmp/koppel-test-log-XXXXXX");
    assert_true((fd = mkstemp(path)) >= 0);
    fflush(stderr);
    saved = dup(STDERR_FILENO);
    dup2(fd, STDERR_FILENO);
    close(fd);
}

/* captured - stderr back; the lines written meanwhile (caller frees) */
static char *
captured(void)
{
    FILE   *fp;
    char   *text = calloc(1, 1 << 20);
    size_t  n;

    dup2(saved, STDERR_FILENO);
    close(saved);
    assert_non_null(fp = fopen(path, "r"));
    n = fread(text, 1, (1 << 20) - 1, fp);
    text[n] = 0;
    fclose(fp);
    unlink(path);
    return text;
}

static int
count(const char *text, const char *what)
{
    int     n = 0;

    for (; (text = strstr(text, what)) != NULL; text++)
        n++;
    return n;
}

/* a_flood_of_bad_messages_is_one_warning_per_peer_kind_then_a_count */
static void
a_flood_of_bad_messages_is_one_warning_per_peer_kind_then_a_count(void **state)
{
    char   *text;
    int     i;

    log_init("test_log", LOG_LEVEL_INFO);
    log_set_peer_interval(2);
    capture();
    for (i = 0; i < 1000; i++) {
        log_peer_warning("matched socket", "matched socket: dropped a bad message: %d", i);
        log_peer_warning("outcomes socket", "outcomes socket: dropped a bad message: %d", i);
    }
    text = captured();
    assert_int_equal(count(text, "matched socket: dropped a bad message"), 1);
    assert_int_equal(count(text, "outcomes socket: dropped a bad message"), 1);
    assert_non_null(strstr(text, "warning: matched socket: dropped a bad message: 0\n"));
    free(text);

    usleep(3100 * 1000);                 /* the interval is over */
    capture();
    log_peer_warning("matched socket", "matched socket: dropped a bad message: %d", 1000);
    text = captured();
    assert_non_null(strstr(text, "matched socket: dropped a bad message: 1000 (and 999 more "
                                 "from the matched socket in the last 2 s, not logged)"));
    free(text);
    log_set_peer_interval(LOG_PEER_INTERVAL_S);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_flood_of_bad_messages_is_one_warning_per_peer_kind_then_a_count),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
