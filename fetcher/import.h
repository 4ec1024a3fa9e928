/*
 * NAME
 *   import - one "Importeren financieel" run of a profile
 *
 * DESCRIPTION
 *   Reads the profile's shop a page at a time through its source
 *   (source.h), which knows how the platform pages (by order number with a
 *   late window, or by modification time), and stores what it reads (see
 *   store.h) in one transaction with the position the page moves the
 *   cursor to. Orders already stored are left alone.
 *   import_step() does one page, so that the fetcher keeps answering its
 *   sockets between pages.
 */
#ifndef KOPPEL_FETCHER_IMPORT_H
#define KOPPEL_FETCHER_IMPORT_H

#include <stdint.h>

#include "config.h"
#include "infolog.h"
#include "source.h"
#include "store.h"

typedef struct import import_t;

typedef enum { IMPORT_MORE = 0, IMPORT_DONE, IMPORT_FAILED } import_state_t;

/* import_new - a run of a profile for a job; what it finds that is not booked
 * (unreadable and cancelled orders) goes to the information log too */
import_t *import_new(const profile_t *p, source_t *source, store_t *store,
                     infolog_t *infolog, int64_t job_id);
void import_destroy(import_t **self_p);

/* import_step - read and store one page */
import_state_t import_step(import_t *self);

int64_t import_job_id(const import_t *self);
const profile_t *import_profile(const import_t *self);
/* import_activity - "Bezig: profiel X, order N" */
const char *import_activity(const import_t *self);
/* import_summary - what the run did, in plain words */
const char *import_summary(const import_t *self);
/* import_auth_failed - the shop refused the credentials */
bool import_auth_failed(const import_t *self);

/* fetch_one - read one order again (replay) and put it back in pending.
 * false with err when it cannot be read or is not bookable. */
bool fetch_one(const profile_t *p, source_t *source, store_t *store, int64_t number,
               char *err, size_t errlen);

#endif
