/*
 * NAME
 *   simlib - what the HTTP simulators share
 *
 * DESCRIPTION
 *   The answer statistics that GET /_sim/stats reports (answers per
 *   endpoint and status) and the deterministic random numbers that drive
 *   fault injection, for globecharge-sim and woocommerce-sim. The caller
 *   holds its own lock around both. And the VAT numbers of generated
 *   business customers: made from a random number, with the check digits
 *   their country's rule asks (koppel refuses btw verlegd without them).
 */
#ifndef KOPPEL_SIMLIB_H
#define KOPPEL_SIMLIB_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#define SIMLIB_MAX_STATS 64

typedef struct {
    struct {
        const char *endpoint;   /* a string constant of the server's */
        char    status[12];
        long    count;
    } stats[SIMLIB_MAX_STATS];
    size_t  n;
    long    total;              /* every answer */
} simlib_stats_t;

/* simlib_init - the program's name, for messages about its flags */
void simlib_init(const char *progname);

/* simlib_bad_flag - complain about a flag and exit 2 */
void simlib_bad_flag(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* simlib_flag_long - a strict integer flag value in [lo, hi], else exit 2 */
long long simlib_flag_long(const char *name, const char *s, long long lo, long long hi);

/* simlib_flag_unit - a probability flag value in [0, 1], else exit 2 */
double simlib_flag_unit(const char *name, const char *s);

/* simlib_listen - split --listen HOST:PORT ([v6] allowed), else exit 2 */
void simlib_listen(const char *listen, char *host, size_t hostlen, long long *port);

/* simlib_block_signals - before any thread: SIGINT and SIGTERM are waited
 * for (simlib_wait), SIGPIPE is ignored */
void simlib_block_signals(sigset_t *set);

/* simlib_wait - wait for SIGINT or SIGTERM; its number */
int simlib_wait(const sigset_t *set);

/* simlib_count - count one answer of an endpoint with a status */
void simlib_count(simlib_stats_t *s, const char *endpoint, const char *status);

/* simlib_stats_json - {endpoint: {status: count}} */
json_t *simlib_stats_json(const simlib_stats_t *s);

/* simlib_rng_unit - the next number in [0, 1) of a splitmix64 state */
double simlib_rng_unit(uint64_t *state);

/* simlib_vat_nl - "NL" + 9 digits + "B" + 2 digits from a random number below
 * 10^9 and a suffix 1..99, with the 11-test check digit */
void simlib_vat_nl(uint64_t r, int suffix, char *buf, size_t len);

/* simlib_vat_be - "BE0123.456.749" (dotted) or "BE0123456749" from a random
 * number below 10^7, with the mod 97 check digits */
void simlib_vat_be(uint64_t r, int dotted, char *buf, size_t len);

/* simlib_vat_de - 9 digits with the ISO 7064 MOD 11,10 check digit from a
 * random number below 10^9, "DE" in front when prefix */
void simlib_vat_de(uint64_t r, int prefix, char *buf, size_t len);

#endif
