/*
 * NAME
 *   simlib - what the HTTP simulators share
 *
 * DESCRIPTION
 *   The answer statistics that GET /_sim/stats reports (answers per
 *   endpoint and status) and the deterministic random numbers that drive
 *   fault injection, for globecharge-sim and woocommerce-sim. The caller
 *   holds its own lock around both.
 */
#ifndef KOPPEL_SIMLIB_H
#define KOPPEL_SIMLIB_H

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

/* simlib_count - count one answer of an endpoint with a status */
void simlib_count(simlib_stats_t *s, const char *endpoint, const char *status);

/* simlib_stats_json - {endpoint: {status: count}} */
json_t *simlib_stats_json(const simlib_stats_t *s);

/* simlib_rng_unit - the next number in [0, 1) of a splitmix64 state */
double simlib_rng_unit(uint64_t *state);

#endif
