/*
 * NAME
 *   fixture - the booker's tests' setup: snelstart-sim, the example
 *   configuration and orders, a ledger
 *
 * DESCRIPTION
 *   test_book, test_betaling and test_factuur_pdf book the example orders
 *   (tests/fixtures/feed/orders-10423-10431.xml) with the first profile of
 *   config/koppel.cfg.example against snelstart-sim. fixture_start() gives
 *   that: the simulator with the example grootboeken and no relaties, the
 *   profile pointing at it, a fresh booker.db and an administration.
 *   fixture_load() is the configuration and the orders alone, for tests
 *   that need no simulator. fixture_stop() checks that snelstart-sim found
 *   every request body valid against SnelStart's OpenAPI file.
 */
#ifndef KOPPEL_TESTS_FIXTURE_H
#define KOPPEL_TESTS_FIXTURE_H

#include "book.h"
#include "config.h"
#include "gcfeed.h"
#include "ledger.h"
#include "sim_proc.h"

typedef struct {
    sim_proc_t sim;            /* url "" without a simulator */
    cfg_t  *cfg;
    profile_t *p;              /* the example's first profile */
    ledger_t *ledger;
    administration_t *admin;
    order_page_t *orders;      /* 10423 (NL, iDEAL, paid), 10425 (BE business, open),
                                  10431 (NO, paid) */
} fixture_t;

/* fixture_load - the example configuration and orders, no simulator */
fixture_t *fixture_load(void);

/* fixture_start - fixture_load and snelstart-sim with one extra flag and its
 * value (flag NULL: none; value NULL: a flag without a value) */
fixture_t *fixture_start(const char *flag, const char *value);

/* fixture_snelstart - start snelstart-sim with the example grootboeken and no
 * relaties, and one extra flag as fixture_start takes it */
void fixture_snelstart(sim_proc_t *sim, const char *flag, const char *value);

/* fixture_use_snelstart - point profile p at the simulator (API, token, keys) */
void fixture_use_snelstart(profile_t *p, const sim_proc_t *sim);

/* fixture_stop - with a simulator, fail unless every body koppel sent was
 * valid; free everything and null the caller's pointer */
void fixture_stop(fixture_t **fp);

/* fixture_order - example order i, with the profile set */
order_t *fixture_order(fixture_t *f, int i);

/* fixture_is_new - a "new customer" decision with a key (the caller destroys it) */
match_t *fixture_is_new(const char *key);

/* fixture_count - occurrences of needle in the simulator's answer to GET path */
int fixture_count(fixture_t *f, const char *path, const char *needle);

/* fixture_replace - swap a profile string for a copy of value */
void fixture_replace(char **field, const char *value);

#endif
