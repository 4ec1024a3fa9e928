/*
 * NAME
 *   log - diagnostics of koppel's programs
 *
 * DESCRIPTION
 *   See log.h. Each line: "2026-11-27T19:42:23Z koppel-fetcher[123]:
 *   warning: text". Lines are written with one write(2) so that lines of
 *   several processes sharing a file do not interleave.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static char log_progname[64] = "koppel";
static log_level_t log_min = LOG_LEVEL_INFO;

/* log_init - set the program name and the lowest level written */
void
log_init(const char *progname, log_level_t level)
{
    const char *slash = strrchr(progname, '/');

    snprintf(log_progname, sizeof log_progname, "%s", slash ? slash + 1 : progname);
    log_min = level;
}

/* log_level_parse - level by name, -1 when unknown */
int
log_level_parse(const char *name)
{
    static const char *names[] = { "debug", "info", "warning", "error" };
    int     i;

    for (i = 0; i < 4; i++)
        if (strcmp(name, names[i]) == 0)
            return i;
    return -1;
}

/* log_show - a value fit to quote in a message */
const char *
log_show(const char *s, char *buf, size_t len)
{
    size_t  i, n = 0;

    for (i = 0; s[i] != '\0' && n + 4 < len; i++) {
        unsigned char c = (unsigned char) s[i];

        if (i >= LOG_SHOW_MAX && (c & 0xC0) != 0x80) {
            memcpy(buf + n, "...", 3);
            n += 3;
            break;
        }
        buf[n++] = (c < 0x20 || c == 0x7f || c == '"') ? '?' : (char) c;
    }
    buf[n] = '\0';
    return buf;
}

/* log_write - format and write one line */
static void
log_write(const char *severity, const char *fmt, va_list ap)
{
    char    line[4096];
    char    stamp[32];
    time_t  now = time(NULL);
    struct tm tm;
    int     n;
    ssize_t w;

    gmtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    n = snprintf(line, sizeof line, "%s %s[%d]: %s: ", stamp, log_progname,
                 (int) getpid(), severity);
    if (n < 0 || (size_t) n >= sizeof line)
        n = 0;
    n += vsnprintf(line + n, sizeof line - n, fmt, ap);
    if ((size_t) n >= sizeof line - 1)
        n = sizeof line - 2;
    line[n++] = '\n';
    w = write(STDERR_FILENO, line, n);
    (void) w;
}

#define LOG_FN(name, level, word) \
void name(const char *fmt, ...) \
{ \
    va_list ap; \
    if (level < log_min) \
        return; \
    va_start(ap, fmt); \
    log_write(word, fmt, ap); \
    va_end(ap); \
}

LOG_FN(log_debug, LOG_LEVEL_DEBUG, "debug")
LOG_FN(log_info, LOG_LEVEL_INFO, "info")
LOG_FN(log_warning, LOG_LEVEL_WARNING, "warning")
LOG_FN(log_error, LOG_LEVEL_ERROR, "error")

#define MAX_PEER_KINDS 32

static int peer_interval = LOG_PEER_INTERVAL_S;
static struct {
    char    peer[64];
    time_t  last;               /* CLOCK_MONOTONIC seconds of the last line */
    unsigned long suppressed;   /* left out since */
} peers[MAX_PEER_KINDS];
static size_t npeers;

/* log_set_peer_interval - the interval of log_peer_warning (tests) */
void
log_set_peer_interval(int seconds)
{
    peer_interval = seconds;
}

/* log_peer_warning - a rate-limited warning about what a peer sent */
void
log_peer_warning(const char *peer, const char *fmt, ...)
{
    struct timespec ts;
    char    text[3072];
    va_list ap;
    size_t  i;

    if (LOG_LEVEL_WARNING < log_min)
        return;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    for (i = 0; i < npeers; i++)
        if (strcmp(peers[i].peer, peer) == 0)
            break;
    if (i == npeers && npeers < MAX_PEER_KINDS) {
        snprintf(peers[npeers].peer, sizeof peers[npeers].peer, "%s", peer);
        peers[npeers].last = ts.tv_sec - peer_interval - 1;
        npeers++;
    }
    if (i == MAX_PEER_KINDS)
        i = MAX_PEER_KINDS - 1;         /* more kinds than koppel has: share the last */
    if (peer_interval > 0 && ts.tv_sec - peers[i].last < peer_interval) {
        peers[i].suppressed++;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (peers[i].suppressed > 0)
        log_warning("%s (and %lu more from the %s in the last %d s, not logged)", text,
                    peers[i].suppressed, peer, peer_interval);
    else
        log_warning("%s", text);
    peers[i].last = ts.tv_sec;
    peers[i].suppressed = 0;
}

/* log_fatal - a broken environment: report and exit 1 */
void
log_fatal(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_write("fatal", fmt, ap);
    va_end(ap);
    exit(1);
}

/* log_panic - a broken invariant of the program's own: report and abort */
void
log_panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_write("panic", fmt, ap);
    va_end(ap);
    abort();
}
