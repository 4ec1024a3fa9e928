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

/* simlib_vat_nl - a Dutch VAT number that passes the 11-test */
void
simlib_vat_nl(uint64_t r, int suffix, char *buf, size_t len)
{
    uint64_t head = r % 1000000000 / 10;
    int     sum, d;

    for (;;) {                          /* a head whose 11-test remainder is a digit */
        uint64_t v = head;

        sum = 0;
        for (int w = 2; w <= 9; w++, v /= 10)
            sum += (int) (v % 10) * w;
        if ((d = sum % 11) != 10)
            break;
        head = (head + 1) % 100000000;
    }
    snprintf(buf, len, "NL%08llu%dB%02d", (unsigned long long) head, d,
             suffix < 1 ? 1 : suffix > 99 ? 99 : suffix);
}

/* simlib_vat_be - a Belgian VAT number with its mod 97 check */
void
simlib_vat_be(uint64_t r, int dotted, char *buf, size_t len)
{
    char    d[16];
    uint64_t head = r % 10000000;

    snprintf(d, sizeof d, "0%07llu%02d", (unsigned long long) head, (int) (97 - head % 97));
    if (dotted)
        snprintf(buf, len, "BE%.4s.%.3s.%.3s", d, d + 4, d + 7);
    else
        snprintf(buf, len, "BE%s", d);
}

/* simlib_vat_de - a German VAT number with its MOD 11,10 check digit */
void
simlib_vat_de(uint64_t r, int prefix, char *buf, size_t len)
{
    char    d[16];
    int     p = 10;

    snprintf(d, sizeof d, "%08llu", (unsigned long long) (10000000 + r % 1000000000 / 10 % 90000000));
    for (int i = 0; i < 8; i++) {
        int     s = (d[i] - '0' + p) % 10;

        p = (2 * (s == 0 ? 10 : s)) % 11;
    }
    snprintf(buf, len, "%s%s%d", prefix ? "DE" : "", d, (11 - p) % 10);
}
