/*
 * NAME
 *   admin_reader - read relaties and grootboeken from a SnelStart
 *                  administration of type sql, lokaal or mdb
 *
 * DESCRIPTION
 *   See admin_reader.h. The columns are read in the order of the schema
 *   map's keys (config.h), so that row values are found by key. A value
 *   counts as true when it is 1, -1, true, yes, j or ja (any case).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "admin_mdb.h"
#include "admin_reader.h"
#include "admin_sql.h"
#include "xalloc.h"

struct admin_reader {
    const profile_t *p;
    admin_sql_t *sql;           /* sql, lokaal */
    admin_mdb_t *mdb;           /* mdb */
};

#define NREL (SCHEMA_RELATIE_MODIFIED - SCHEMA_RELATIE_ID + 1)
#define NGB  (SCHEMA_GROOTBOEK_SOORT - SCHEMA_GROOTBOEK_ID + 1)
#define REL(v, key) ((v)[(key) - SCHEMA_RELATIE_ID])

/* admin_reader_open - connect to or open the administration */
admin_reader_t *
admin_reader_open(const profile_t *p, char *err, size_t errlen)
{
    admin_reader_t *self = xcalloc(1, sizeof *self);

    self->p = p;
    if (strcmp(p->admin_type, "sql") == 0 || strcmp(p->admin_type, "lokaal") == 0)
        self->sql = admin_sql_open(p->sql_server, p->database, p->sql_user, p->sql_password,
                                   err, errlen);
    else if (strcmp(p->admin_type, "mdb") == 0) {
        char   *path = profile_mdb_path(p);

        self->mdb = admin_mdb_open(path, err, errlen);
        free(path);
    } else
        snprintf(err, errlen, "profile %s: administration type \"%s\" is read through the API, "
                 "not by admin_reader", p->name, p->admin_type);
    if (self->sql == NULL && self->mdb == NULL) {
        free(self);
        return NULL;
    }
    return self;
}

/* admin_reader_close - disconnect and free */
void
admin_reader_close(admin_reader_t **self_p)
{
    if (self_p == NULL || *self_p == NULL)
        return;
    admin_sql_close(&(*self_p)->sql);
    admin_mdb_close(&(*self_p)->mdb);
    free(*self_p);
    *self_p = NULL;
}

/* select - one SELECT on whichever reader is open */
static bool
select_rows(admin_reader_t *self, const admin_select_t *q, admin_row_fn fn, void *arg,
            char *err, size_t errlen)
{
    if (self->sql)
        return admin_sql_select(self->sql, q, fn, arg, err, errlen);
    return admin_mdb_select(self->mdb, q, fn, arg, err, errlen);
}

/* truthy - whether a column value means yes */
static bool
truthy(const char *v)
{
    if (v == NULL)
        return false;
    while (isspace((unsigned char) *v))
        v++;
    return strcmp(v, "1") == 0 || strcmp(v, "-1") == 0 || strcasecmp(v, "true") == 0
        || strcasecmp(v, "yes") == 0 || strcasecmp(v, "j") == 0 || strcasecmp(v, "ja") == 0;
}

/* whole_number - a value as int32; 0 when it is not a whole number */
static int32_t
whole_number(const char *v)
{
    char   *end;
    long    n;

    if (v == NULL)
        return 0;
    n = strtol(v, &end, 10);
    while (isspace((unsigned char) *end))
        end++;
    if (end == v || *end || n < 0 || n > INT32_MAX)
        return 0;
    return (int32_t) n;
}

typedef struct {
    const profile_t *p;
    relatie_rec_fn fn;
    void   *arg;
    char   *latest;
    size_t  latestlen;
    long    rows;
} rel_ctx_t;

/* on_relatie - one row of the relaties table to the caller */
static bool
on_relatie(void *arg, char **v)
{
    rel_ctx_t *c = arg;
    const char *land = REL(v, SCHEMA_RELATIE_LAND);
    const char *mod = REL(v, SCHEMA_RELATIE_MODIFIED);
    relatie_rec_t rec = { 0 };

    c->rows++;
    if (REL(v, SCHEMA_RELATIE_ID) == NULL || *REL(v, SCHEMA_RELATIE_ID) == 0)
        return true;
    rec.id = REL(v, SCHEMA_RELATIE_ID);
    rec.relatiecode = whole_number(REL(v, SCHEMA_RELATIE_CODE));
    rec.naam = REL(v, SCHEMA_RELATIE_NAAM);
    rec.email = REL(v, SCHEMA_RELATIE_EMAIL);
    rec.factuur_email = REL(v, SCHEMA_RELATIE_FACTUUR_EMAIL);
    rec.postcode = REL(v, SCHEMA_RELATIE_POSTCODE);
    rec.country_iso = land && strlen(land) == 2 ? land : "";
    rec.btw_nummer = REL(v, SCHEMA_RELATIE_BTW);
    rec.kvk_nummer = REL(v, SCHEMA_RELATIE_KVK);
    rec.active = !truthy(REL(v, SCHEMA_RELATIE_NONACTIEF))
        && (*c->p->schema[SCHEMA_RELATIE_KLANT] == 0 || truthy(REL(v, SCHEMA_RELATIE_KLANT)));
    c->fn(c->arg, &rec);
    if (mod && c->latest && strcmp(mod, c->latest) > 0 && strlen(mod) < c->latestlen)
        strcpy(c->latest, mod);
    return true;
}

/* admin_reader_incremental - a modified column and an SQL administration */
bool
admin_reader_incremental(const admin_reader_t *self)
{
    return self->sql != NULL && *self->p->schema[SCHEMA_RELATIE_MODIFIED] != 0;
}

/* admin_reader_relaties - hand the (changed) relaties to fn */
long
admin_reader_relaties(admin_reader_t *self, relatie_rec_fn fn, void *arg, const char *since,
                      char *latest, size_t latestlen, char *err, size_t errlen)
{
    const char *cols[NREL];
    rel_ctx_t c = { self->p, fn, arg, latest, latestlen, 0 };
    admin_select_t q = { self->p->schema[SCHEMA_RELATIES], cols, NREL, NULL, NULL, 0 };
    int     i;

    for (i = 0; i < NREL; i++)
        cols[i] = self->p->schema[SCHEMA_RELATIE_ID + i];
    if (since && *since && admin_reader_incremental(self)) {
        q.since_col = self->p->schema[SCHEMA_RELATIE_MODIFIED];
        q.since = since;
    }
    if (!select_rows(self, &q, on_relatie, &c, err, errlen))
        return -1;
    return c.rows;
}

/* count_row - stop after the first row */
static bool
count_row(void *arg, char **v)
{
    (void) v;
    (*(long *) arg)++;
    return false;
}

/* admin_reader_check - one row of each mapped table, every mapped column */
bool
admin_reader_check(admin_reader_t *self, char *err, size_t errlen)
{
    const char *rc[NREL], *gc[NGB];
    admin_select_t rq = { self->p->schema[SCHEMA_RELATIES], rc, NREL, NULL, NULL, 1 };
    admin_select_t gq = { self->p->schema[SCHEMA_GROOTBOEKEN], gc, NGB, NULL, NULL, 1 };
    long    n = 0;
    int     i;

    for (i = 0; i < NREL; i++)
        rc[i] = self->p->schema[SCHEMA_RELATIE_ID + i];
    for (i = 0; i < NGB; i++)
        gc[i] = self->p->schema[SCHEMA_GROOTBOEK_ID + i];
    return select_rows(self, &rq, count_row, &n, err, errlen)
        && select_rows(self, &gq, count_row, &n, err, errlen);
}

/* admin_list - databases on the server, or MDB files in the folder */
json_t *
admin_list(const profile_t *p, char *err, size_t errlen)
{
    if (strcmp(p->admin_type, "sql") == 0 || strcmp(p->admin_type, "lokaal") == 0)
        return admin_sql_databases(p->sql_server, p->sql_user, p->sql_password, err, errlen);
    if (strcmp(p->admin_type, "mdb") == 0)
        return admin_mdb_list(p->folder, err, errlen);
    snprintf(err, errlen, "profile %s: type \"api\" has one administration, chosen by its "
             "client key", p->name);
    return NULL;
}
