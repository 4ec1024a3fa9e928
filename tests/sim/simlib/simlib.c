/*
 * NAME
 *   simlib - what the HTTP simulators share
 *
 * DESCRIPTION
 *   See simlib.h.
 */
#include <stdio.h>
#include <string.h>

#include "simlib.h"

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
