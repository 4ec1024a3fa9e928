/*
 * NAME
 *   rendezvous - which matcher serves a profile
 *
 * DESCRIPTION
 *   Rendezvous (highest random weight) hashing: every pair of a matcher's
 *   name and a profile's name has a weight, and the profile is served by
 *   the live matcher of the highest weight. A matcher that joins takes
 *   over only the profiles it now weighs most for, and one that leaves
 *   gives up only its own, each to the next in weight; no other profile
 *   moves. The fetcher and the matchers compute the same answer from the
 *   same list of names (the assign message), so no table is sent.
 */
#ifndef KOPPEL_RENDEZVOUS_H
#define KOPPEL_RENDEZVOUS_H

#include <stddef.h>
#include <stdint.h>

/* rendezvous_weight - the weight of a matcher for a profile */
uint64_t rendezvous_weight(const char *matcher, const char *profile);

/* rendezvous_owner - the index in names[0..n) of the matcher serving
 * profile; -1 when n is 0 */
int rendezvous_owner(const char *profile, char *const *names, size_t n);

#endif
