/*
 * NAME
 *   infolog - the information log: what koppel did, per profile
 *
 * DESCRIPTION
 *   The information log (manual 3.3, "Informatie") holds what koppel did
 *   for a bookkeeper: orders booked, relaties created or updated, orders
 *   that went to the dead-letter queue, imports that failed. Those rows
 *   are the short view; the extended view ("Uitgebreide informatie")
 *   adds details such as an import's start and end.
 *
 *   The log is one SQLite file, infolog.db, in the state directory, in
 *   WAL mode so that several daemons write it and koppelctl reads it at
 *   the same time. Rows older than four weeks are purged: the daemons
 *   call infolog_tick() in their loops, which purges at most once an
 *   hour. koppelctl log shows it, exports it (infolog_export.h) to .csv
 *   or .xlsx for a helpdesk and clears it.
 *
 *   A row never holds a secret: callers write order numbers, relatie
 *   codes and plain reasons, never passwords, keys or tokens. Control
 *   characters in the text are turned into spaces.
 *
 * DIAGNOSTICS
 *   infolog_add() never fails its caller: a row that cannot be written
 *   is reported as a warning in the daemon's log. The other functions
 *   return false (or NULL) with a message naming the file.
 */
#ifndef KOPPEL_INFOLOG_H
#define KOPPEL_INFOLOG_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#define INFOLOG_FILE       "infolog.db"
#define INFOLOG_KEEP_DAYS  28           /* "na vier weken" */

typedef struct infolog infolog_t;

typedef enum {
    INFOLOG_SHORT = 0,      /* shown by default: booked, relaties, errors */
    INFOLOG_EXTENDED        /* details: shown with --extended */
} infolog_level_t;

/* kinds of rows; free text is allowed, these are the ones koppel writes */
#define INFOLOG_BOOKED          "booked"            /* order booked (short) */
#define INFOLOG_DEAD            "dead"              /* order to the dead-letter queue (short) */
#define INFOLOG_RELATIE_CREATED "relatie-created"   /* short */
#define INFOLOG_RELATIE_UPDATED "relatie-updated"   /* short */
#define INFOLOG_RELATIE_NOT_UPDATED "relatie-not-updated" /* short: toevoegen-en-bijwerken failed */
#define INFOLOG_IMPORT_STARTED  "import-started"    /* extended */
#define INFOLOG_IMPORT_DONE     "import-done"       /* extended */
#define INFOLOG_IMPORT_FAILED   "import-failed"     /* short */
#define INFOLOG_REPLAYED        "replayed"          /* extended */
#define INFOLOG_REFUND          "refund"            /* a refund of a stored order (short) */
#define INFOLOG_ERROR           "error"             /* short */

/* what a query or an export selects */
typedef struct {
    const char *profile;    /* NULL: every profile */
    bool    extended;       /* include the extended rows */
    int     limit;          /* the newest N rows; 0: all */
} infolog_filter_t;

/* infolog_open - open (create) STATE_DIR/infolog.db for writing; NULL with err */
infolog_t *infolog_open(const char *state_dir, char *err, size_t errlen);

/* infolog_open_path - open a file path; create it only when create is true
 * (koppelctl does not create it, so that the file stays the daemons') */
infolog_t *infolog_open_path(const char *path, bool create, char *err, size_t errlen);

/* infolog_close - close and null the caller's pointer */
void infolog_close(infolog_t **self_p);

/* infolog_add - write one row; order is the order number or 0; text is a
 * printf format. self may be NULL (then nothing is written). */
void infolog_add(infolog_t *self, const char *profile, infolog_level_t level,
                 const char *kind, int64_t order, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* infolog_query - the rows, oldest first, as a JSON array of objects
 * {id, at, profile, level ("short"|"extended"), kind, order, text};
 * NULL with err */
json_t *infolog_query(infolog_t *self, const infolog_filter_t *filter,
                      char *err, size_t errlen);

/* infolog_clear - remove every row (of one profile when profile is not
 * NULL); the number removed, -1 with err */
int64_t infolog_clear(infolog_t *self, const char *profile, char *err, size_t errlen);

/* infolog_purge - remove rows written before now - days; the number removed,
 * -1 with err */
int64_t infolog_purge(infolog_t *self, int days, int64_t now, char *err, size_t errlen);

/* infolog_tick - purge rows older than INFOLOG_KEEP_DAYS, at most once an hour */
void infolog_tick(infolog_t *self);

/* infolog_time - an epoch time as local "YYYY-MM-DD HH:MM:SS" into buf */
const char *infolog_time(int64_t at, char *buf, size_t len);

#endif
