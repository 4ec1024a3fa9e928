/*
 * NAME
 *   ledger - the booker's record of what it booked and created
 *
 * DESCRIPTION
 *   booker.db holds one row per order the booker worked on:
 *     posting  the verkoopboeking was (perhaps) sent; whether SnelStart
 *              stored it is not known: ask SnelStart before posting again
 *     unposted SnelStart refused the post before storing it (429), with no
 *              uncertain attempt before: post again, no lookup needed
 *     booked   SnelStart stored it (its id is kept)
 *     dead     SnelStart refused it, or it cannot be built
 *   and the relaties koppel created, by customer key, so that two orders
 *   of one new customer produce one relatie (read your own writes), and
 *   the steps after a booking (followup.h), by key "FACTUURNUMMER/STEP"
 *   ("10423/betaling"), in the same three states with the id SnelStart
 *   gave.
 *   Every change is committed before the booker acts on it.
 */
#ifndef KOPPEL_BOOKER_LEDGER_H
#define KOPPEL_BOOKER_LEDGER_H

#include <stdbool.h>
#include <stdint.h>

#include "db.h"

typedef struct ledger ledger_t;

typedef struct {
    char    state[16];          /* "", "posting", "unposted", "booked", "dead" */
    char    factuurnummer[64];
    char    boeking_id[64];
    char    relatie_id[64];
    int32_t relatiecode;
} ledger_entry_t;

ledger_t *ledger_open(const char *path, char *err, size_t errlen);
void ledger_close(ledger_t **self_p);

/* ledger_get - the entry of an order: DB_FOUND, DB_ABSENT (e all empty), or
 * DB_ERROR with err when booker.db could not be read (never "none") */
db_found_t ledger_get(ledger_t *self, const char *profile, int64_t number, ledger_entry_t *e,
                      char *err, size_t errlen);

/* ledger_set - write an order's state durably; false with err */
bool ledger_set(ledger_t *self, const char *profile, int64_t number, const char *state,
                const char *factuurnummer, const char *boeking_id, const char *relatie_id,
                int32_t relatiecode, const char *reason, char *err, size_t errlen);

/* ledger_begin, ledger_commit, ledger_rollback - one transaction around
 * several writes (a batch); false with err */
bool ledger_begin(ledger_t *self, char *err, size_t errlen);
bool ledger_commit(ledger_t *self, char *err, size_t errlen);
void ledger_rollback(ledger_t *self);

/* ledger_relatie - a relatie koppel created for a customer key: DB_FOUND,
 * DB_ABSENT, or DB_ERROR with err when booker.db could not be read.
 * creating (with DB_ABSENT): a POST for it was sent but not confirmed (look in
 * SnelStart first) */
db_found_t ledger_relatie(ledger_t *self, const char *profile, const char *key, char *id,
                          size_t idlen, int32_t *relatiecode, bool *creating,
                          char *err, size_t errlen);

/* ledger_creating_relatie - note durably that a relatie for a key is being created */
bool ledger_creating_relatie(ledger_t *self, const char *profile, const char *key,
                             char *err, size_t errlen);

/* ledger_add_relatie - remember a created relatie durably */
bool ledger_add_relatie(ledger_t *self, const char *profile, const char *key, const char *id,
                        int32_t relatiecode, char *err, size_t errlen);

/* ledger_followup_get - a step after a booking: DB_FOUND with state
 * ("posting", "booked", "dead") and id, DB_ABSENT (state ""), or DB_ERROR
 * with err when booker.db could not be read (never "none") */
db_found_t ledger_followup_get(ledger_t *self, const char *profile, const char *key,
                               char *state, size_t statelen, char *id, size_t idlen,
                               char *err, size_t errlen);

/* ledger_followup_set - write a step's state durably; false with err */
bool ledger_followup_set(ledger_t *self, const char *profile, const char *key,
                         const char *state, const char *id, const char *reason,
                         char *err, size_t errlen);

/* ledger_count - entries in a state (for status); -1 when booker.db could
 * not be read (logged as a warning) */
int64_t ledger_count(ledger_t *self, const char *state);

#endif
