/*
 * NAME
 *   rendezvous - which matcher serves a profile
 *
 * DESCRIPTION
 *   See rendezvous.h. The weight is FNV-1a over the two names (with a NUL
 *   between them, so "ab"+"c" and "a"+"bc" differ) followed by the
 *   finaliser of splitmix64, which spreads FNV's close values over the
 *   whole range: with two matchers each gets about half of the profiles.
 *   Equal weights, which never happen in practice, go to the smaller name
 *   so that every process agrees.
 */
#include <string.h>

#include "rendezvous.h"

/* fnv - FNV-1a of a string and its NUL, continuing from h */
static uint64_t
fnv(uint64_t h, const char *s)
{
    do {
        h ^= (unsigned char) *s;
        h *= 0x100000001b3ULL;
    } while (*s++);
    return h;
}

/* rendezvous_weight - the weight of a matcher for a profile */
uint64_t
rendezvous_weight(const char *matcher, const char *profile)
{
    uint64_t h = fnv(fnv(0xcbf29ce484222325ULL, matcher), profile);

    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebULL;
    return h ^ (h >> 31);
}

/* rendezvous_owner - the live matcher of the highest weight for profile */
int
rendezvous_owner(const char *profile, char *const *names, size_t n)
{
    int     best = -1;
    uint64_t top = 0;
    size_t  i;

    for (i = 0; i < n; i++) {
        uint64_t w = rendezvous_weight(names[i], profile);

        if (best < 0 || w > top || (w == top && strcmp(names[i], names[best]) < 0)) {
            best = (int) i;
            top = w;
        }
    }
    return best;
}
