/*
 * NAME
 *   simlib - what the HTTP simulators share
 *
 * DESCRIPTION
 *   See simlib.h.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simlib.h"

static const char *simlib_prog = "sim";

/* simlib_init - the program's name, for messages about its flags */
void
simlib_init(const char *progname)
{
    simlib_prog = progname;
}

/* simlib_bad_flag - complain about a flag and exit 2 */
void
simlib_bad_flag(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "%s: ", simlib_prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n(see %s --help)\n", simlib_prog);
    exit(2);
}

/* simlib_flag_long - a strict integer flag value in [lo, hi] */
long long
simlib_flag_long(const char *name, const char *s, long long lo, long long hi)
{
    char   *end;
    long long v;

    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno || *s == 0 || *end || v < lo || v > hi)
        simlib_bad_flag("--%s wants an integer from %lld to %lld, not \"%s\"", name, lo, hi, s);
    return v;
}

/* simlib_flag_unit - a probability flag value in [0, 1] */
double
simlib_flag_unit(const char *name, const char *s)
{
    char   *end;
    double  v;

    errno = 0;
    v = strtod(s, &end);
    if (errno || *s == 0 || *end || !(v >= 0.0 && v <= 1.0))
        simlib_bad_flag("--%s wants a number from 0 to 1, not \"%s\"", name, s);
    return v;
}

/* simlib_listen - split --listen HOST:PORT */
void
simlib_listen(const char *listen, char *host, size_t hostlen, long long *port)
{
    const char *colon = strrchr(listen, ':');

    if (colon == NULL || colon == listen || (size_t) (colon - listen) >= hostlen)
        simlib_bad_flag("--listen wants HOST:PORT, not \"%s\"", listen);
    *port = simlib_flag_long("listen port", colon + 1, 0, 65535);
    snprintf(host, hostlen, "%.*s", (int) (colon - listen), listen);
    if (host[0] == '[' && host[strlen(host) - 1] == ']') {
        memmove(host, host + 1, strlen(host));
        host[strlen(host) - 1] = 0;
    }
}

/* simlib_block_signals - SIGINT and SIGTERM waited for, SIGPIPE ignored */
void
simlib_block_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, set, NULL);
    signal(SIGPIPE, SIG_IGN);
}

/* simlib_wait - wait for SIGINT or SIGTERM */
int
simlib_wait(const sigset_t *set)
{
    int     sig;

    if (sigwait(set, &sig) != 0)
        sig = 0;
    return sig;
}

/* simlib_count - count one answer */
void
simlib_count(simlib_stats_t *s, const char *endpoint, const char *status)
{
    size_t  i;

    s->total++;
    for (i = 0; i < s->n; i++)
        if (s->stats[i].endpoint == endpoint && strcmp(s->stats[i].status, status) == 0)
            break;
    if (i == s->n && s->n < SIMLIB_MAX_STATS) {
        s->stats[i].endpoint = endpoint;
        snprintf(s->stats[i].status, sizeof s->stats[i].status, "%s", status);
        s->n++;
    }
    if (i < s->n)
        s->stats[i].count++;
}

/* simlib_stats_json - {endpoint: {status: count}} */
json_t *
simlib_stats_json(const simlib_stats_t *s)
{
    json_t *per = json_object();
    size_t  i;

    for (i = 0; i < s->n; i++) {
        json_t *e = json_object_get(per, s->stats[i].endpoint);

        if (e == NULL) {
            e = json_object();
            json_object_set_new(per, s->stats[i].endpoint, e);
        }
        json_object_set_new(e, s->stats[i].status, json_integer(s->stats[i].count));
    }
    return per;
}

/* simlib_rng_unit - the next number in [0, 1) (splitmix64) */
double
simlib_rng_unit(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);

    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return (z >> 11) * (1.0 / 9007199254740992.0);
}
