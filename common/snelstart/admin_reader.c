/*
 * NAME
 *   admin_reader - read relaties and grootboeken from a SnelStart
 *                  administration of type sql, lokaal or mdb
 *
 * DESCRIPTION
 *   See admin_reader.h. The columns are read in the order of the lists
 *   below, so that row values are found by key. A value counts as true
 *   when it is 1, -1, true, yes, j or ja (any case); with
 *   relatie_klant_bits relatie_klant is a number instead, a klant when it
 *   has one of the bits.
 *
 *   A join of the schema map (relatie_land into landen, grootboek_soort
 *   into grootboekfuncties) is read as a second, small table first: its
 *   id and value columns become a sorted lookup, and each row's id is
 *   replaced by the value it points to (an id not in the table gives no
 *   value). Both readers (SQL and MDB) thus need no JOIN of their own.
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

/* the columns read of a relatie and of a grootboek, in this order */
static const schema_key_t rel_keys[] = {
    SCHEMA_RELATIE_ID, SCHEMA_RELATIE_CODE, SCHEMA_RELATIE_NAAM, SCHEMA_RELATIE_EMAIL,
    SCHEMA_RELATIE_FACTUUR_EMAIL, SCHEMA_RELATIE_FACTUUR_CC_EMAIL, SCHEMA_RELATIE_POSTCODE,
    SCHEMA_RELATIE_LAND, SCHEMA_RELATIE_BTW, SCHEMA_RELATIE_KVK, SCHEMA_RELATIE_NONACTIEF,
    SCHEMA_RELATIE_KLANT, SCHEMA_RELATIE_MODIFIED,
};
static const schema_key_t gb_keys[] = {
    SCHEMA_GROOTBOEK_ID, SCHEMA_GROOTBOEK_NUMMER, SCHEMA_GROOTBOEK_OMSCHRIJVING,
    SCHEMA_GROOTBOEK_NONACTIEF, SCHEMA_GROOTBOEK_SOORT,
};
#define NREL (sizeof rel_keys / sizeof rel_keys[0])
#define NGB  (sizeof gb_keys / sizeof gb_keys[0])

/* at - the value of key in a row read with keys */
static const char *
at(char **v, const schema_key_t *keys, size_t n, schema_key_t key)
{
    size_t  i;

    for (i = 0; i < n; i++)
        if (keys[i] == key)
            return v[i];
    return NULL;
}
#define REL(v, key) at((v), rel_keys, NREL, (key))
#define GB(v, key)  at((v), gb_keys, NGB, (key))

/* a join: the table, its id and value columns, the column pointing in */
typedef struct {
    schema_key_t table, id, value, ref;
} join_t;

static const join_t land_join = { SCHEMA_LANDEN, SCHEMA_LAND_ID, SCHEMA_LAND_CODE,
                                  SCHEMA_RELATIE_LAND };
static const join_t soort_join = { SCHEMA_GROOTBOEKFUNCTIES, SCHEMA_GROOTBOEKFUNCTIE_ID,
                                   SCHEMA_GROOTBOEKFUNCTIE_SOORT, SCHEMA_GROOTBOEK_SOORT };

/* a join's table as read: id and value pairs sorted by id */
typedef struct {
    char  **ids, **values;
    size_t  n;
} lookup_t;

/* tls_of - the profile's SQL encryption settings */
static admin_sql_tls_t
tls_of(const profile_t *p)
{
    admin_sql_tls_t t = { ADMIN_SQL_REQUIRE, p->sql_tls_verify, p->sql_ca_file };
    int     e = p->sql_encryption ? admin_sql_encryption(p->sql_encryption) : -1;

    if (e >= 0)                 /* cfg_load admits no other word */
        t.encryption = (admin_sql_encryption_t) e;
    return t;
}

/* admin_reader_open - connect to or open the administration */
admin_reader_t *
admin_reader_open(const profile_t *p, char *err, size_t errlen)
{
    admin_reader_t *self = xcalloc(1, sizeof *self);
    admin_sql_tls_t tls = tls_of(p);

    self->p = p;
    if (strcmp(p->admin_type, "sql") == 0 || strcmp(p->admin_type, "lokaal") == 0)
        self->sql = admin_sql_open(p->sql_server, p->database, p->sql_user, p->sql_password,
                                   &tls, err, errlen);
    else if (strcmp(p->admin_type, "mdb") == 0) {
        char   *path = profile_mdb_path(p);

        self->mdb = admin_mdb_open(path, err, errlen);
        free(path);
    } else
        snprintf(err, errlen, "profiel %s: een administratie van het type \"%s\" leest "
                 "koppel via de API, niet rechtstreeks", p->name, p->admin_type);
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

/* columns - the mapped names of keys */
static void
columns(const profile_t *p, const schema_key_t *keys, size_t n, const char **cols)
{
    size_t  i;

    for (i = 0; i < n; i++)
        cols[i] = p->schema[keys[i]];
}

/* join_used - whether the profile maps the join (its table and the column
 * pointing in are both set) */
static bool
join_used(const profile_t *p, const join_t *j)
{
    return *p->schema[j->table] && *p->schema[j->ref];
}

/* take_pair - one row of a join's table */
static bool
take_pair(void *arg, char **v)
{
    lookup_t *l = arg;

    if (v[0] == NULL)
        return true;
    l->ids = xrealloc(l->ids, (l->n + 1) * sizeof *l->ids);
    l->values = xrealloc(l->values, (l->n + 1) * sizeof *l->values);
    l->ids[l->n] = xstrdup(v[0]);
    l->values[l->n] = v[1] ? xstrdup(v[1]) : NULL;
    l->n++;
    return true;
}

/* lookup_free - release a lookup */
static void
lookup_free(lookup_t *l)
{
    size_t  i;

    for (i = 0; i < l->n; i++) {
        free(l->ids[i]);
        free(l->values[i]);
    }
    free(l->ids);
    free(l->values);
    memset(l, 0, sizeof *l);
}

/* lookup_read - a join's table into l, sorted by id (insertion sort: the
 * tables are small, countries and grootboekfuncties); max_rows 0 = all */
static bool
lookup_read(admin_reader_t *self, const join_t *j, long max_rows, lookup_t *l, char *err,
            size_t errlen)
{
    const char *cols[2] = { self->p->schema[j->id], self->p->schema[j->value] };
    admin_select_t q = { self->p->schema[j->table], cols, 2, NULL, NULL, max_rows };
    size_t  i, k;

    memset(l, 0, sizeof *l);
    if (!select_rows(self, &q, take_pair, l, err, errlen)) {
        lookup_free(l);
        return false;
    }
    for (i = 1; i < l->n; i++)
        for (k = i; k > 0 && strcmp(l->ids[k - 1], l->ids[k]) > 0; k--) {
            char   *t = l->ids[k];

            l->ids[k] = l->ids[k - 1], l->ids[k - 1] = t;
            t = l->values[k];
            l->values[k] = l->values[k - 1], l->values[k - 1] = t;
        }
    return true;
}

/* lookup_find - the value of an id; NULL when it is not in the table */
static const char *
lookup_find(const lookup_t *l, const char *id)
{
    size_t  lo = 0, hi = l->n;

    while (id && lo < hi) {
        size_t  mid = (lo + hi) / 2;
        int     c = strcmp(l->ids[mid], id);

        if (c == 0)
            return l->values[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
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
    const lookup_t *landen;     /* NULL: relatie_land is the ISO code */
} rel_ctx_t;

/* is_klant - whether the relatie is a klant by the profile's map */
static bool
is_klant(const profile_t *p, const char *v)
{
    const char *bits = p->schema[SCHEMA_RELATIE_KLANT_BITS];
    char   *end;
    long    n;

    if (*p->schema[SCHEMA_RELATIE_KLANT] == 0)
        return true;
    if (*bits == 0)
        return truthy(v);
    if (v == NULL)
        return false;
    n = strtol(v, &end, 10);
    return end != v && (n & strtol(bits, NULL, 10)) != 0;
}

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
    if (c->landen)
        land = lookup_find(c->landen, land);
    rec.id = REL(v, SCHEMA_RELATIE_ID);
    rec.relatiecode = whole_number(REL(v, SCHEMA_RELATIE_CODE));
    rec.naam = REL(v, SCHEMA_RELATIE_NAAM);
    rec.email = REL(v, SCHEMA_RELATIE_EMAIL);
    rec.factuur_email = REL(v, SCHEMA_RELATIE_FACTUUR_EMAIL);
    rec.factuur_cc = REL(v, SCHEMA_RELATIE_FACTUUR_CC_EMAIL);
    rec.postcode = REL(v, SCHEMA_RELATIE_POSTCODE);
    rec.country_iso = land && strlen(land) == 2 ? land : "";
    rec.btw_nummer = REL(v, SCHEMA_RELATIE_BTW);
    rec.kvk_nummer = REL(v, SCHEMA_RELATIE_KVK);
    rec.active = !truthy(REL(v, SCHEMA_RELATIE_NONACTIEF))
        && is_klant(c->p, REL(v, SCHEMA_RELATIE_KLANT));
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
    lookup_t landen = { 0 };
    rel_ctx_t c = { self->p, fn, arg, latest, latestlen, 0, NULL };
    admin_select_t q = { self->p->schema[SCHEMA_RELATIES], cols, NREL, NULL, NULL, 0 };
    bool    ok;

    columns(self->p, rel_keys, NREL, cols);
    if (since && *since && admin_reader_incremental(self)) {
        q.since_col = self->p->schema[SCHEMA_RELATIE_MODIFIED];
        q.since = since;
    }
    if (join_used(self->p, &land_join)) {
        if (!lookup_read(self, &land_join, 0, &landen, err, errlen))
            return -1;
        c.landen = &landen;
    }
    ok = select_rows(self, &q, on_relatie, &c, err, errlen);
    lookup_free(&landen);
    return ok ? c.rows : -1;
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
    const join_t *joins[] = { &land_join, &soort_join };
    long    n = 0;
    size_t  i;

    columns(self->p, rel_keys, NREL, rc);
    columns(self->p, gb_keys, NGB, gc);
    if (!select_rows(self, &rq, count_row, &n, err, errlen)
        || !select_rows(self, &gq, count_row, &n, err, errlen))
        return false;
    for (i = 0; i < sizeof joins / sizeof joins[0]; i++) {
        lookup_t l;

        if (!join_used(self->p, joins[i]))
            continue;
        if (!lookup_read(self, joins[i], 1, &l, err, errlen))
            return false;
        lookup_free(&l);
    }
    return true;
}

/* admin_list - databases on the server, or MDB files in the folder */
json_t *
admin_list(const profile_t *p, char *err, size_t errlen)
{
    admin_sql_tls_t tls = tls_of(p);

    if (strcmp(p->admin_type, "sql") == 0 || strcmp(p->admin_type, "lokaal") == 0)
        return admin_sql_databases(p->sql_server, p->sql_user, p->sql_password, &tls, err,
                                   errlen);
    if (strcmp(p->admin_type, "mdb") == 0)
        return admin_mdb_list(p->folder, err, errlen);
    snprintf(err, errlen, "profiel %s: type \"api\" heeft een administratie, gekozen met de "
             "koppelingssleutel (client key)", p->name);
    return NULL;
}
