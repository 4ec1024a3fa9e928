/*
 * NAME
 *   admin_mdb - read a SnelStart MDB administration with libmdb
 *
 * DESCRIPTION
 *   See admin_mdb.h.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <mdbtools.h>

#include "admin_mdb.h"
#include "xalloc.h"

struct admin_mdb {
    MdbHandle *mdb;
    char   *path;
};

/* admin_mdb_open - open the file read-only and read its catalog */
admin_mdb_t *
admin_mdb_open(const char *path, char *err, size_t errlen)
{
    admin_mdb_t *self;
    MdbHandle *mdb;

    if (access(path, R_OK) != 0) {
        snprintf(err, errlen, "MDB-bestand %s is niet te lezen (\"%s\"); controleer de map "
                 "met administraties en de administratie bij Instellingen > Koppeling "
                 "SnelStart (koppelctl admins toont ze)", path, strerror(errno));
        return NULL;
    }
    if ((mdb = mdb_open(path, MDB_NOFLAGS)) == NULL) {
        snprintf(err, errlen, "MDB-bestand %s is geen Microsoft Access-database die koppel kan "
                 "openen; controleer de administratie bij Instellingen > Koppeling SnelStart",
                 path);
        return NULL;
    }
    if (mdb_read_catalog(mdb, MDB_TABLE) == NULL) {
        snprintf(err, errlen, "MDB-bestand %s: de lijst van tabellen is niet te lezen; "
                 "controleer het bestand in SnelStart", path);
        mdb_close(mdb);
        return NULL;
    }
    mdb_set_date_fmt(mdb, "%Y-%m-%dT%H:%M:%S");
    self = xcalloc(1, sizeof *self);
    self->mdb = mdb;
    self->path = xstrdup(path);
    return self;
}

/* admin_mdb_close - close the file and free */
void
admin_mdb_close(admin_mdb_t **self_p)
{
    if (self_p == NULL || *self_p == NULL)
        return;
    mdb_close((*self_p)->mdb);
    free((*self_p)->path);
    free(*self_p);
    *self_p = NULL;
}

/* find_table - the table of that name in any case; NULL when absent */
static MdbTableDef *
find_table(admin_mdb_t *self, const char *name)
{
    unsigned i;

    for (i = 0; i < self->mdb->num_catalog; i++) {
        MdbCatalogEntry *e = g_ptr_array_index(self->mdb->catalog, i);

        if (e->object_type == MDB_TABLE && strcasecmp(e->object_name, name) == 0)
            return mdb_read_table(e);
    }
    return NULL;
}

/* admin_mdb_select - read the mapped columns of a table */
bool
admin_mdb_select(admin_mdb_t *self, const admin_select_t *q, admin_row_fn fn, void *arg,
                 char *err, size_t errlen)
{
    MdbTableDef *t = find_table(self, q->table);
    char  **bound, **values;
    int    *lens;
    size_t  i;
    unsigned c;
    long    rows = 0;
    bool    ok = true;

    if (t == NULL) {
        snprintf(err, errlen, "MDB-bestand %s: tabel %s bestaat niet; noem de tabel in "
                 "snelstart.schema van het profiel", self->path, q->table);
        return false;
    }
    if (mdb_read_columns(t) == NULL) {
        snprintf(err, errlen, "MDB-bestand %s: de kolommen van tabel %s zijn niet te lezen; "
                 "controleer het bestand in SnelStart", self->path, q->table);
        mdb_free_tabledef(t);
        return false;
    }
    bound = xcalloc(q->ncols + 1, sizeof *bound);
    values = xcalloc(q->ncols + 1, sizeof *values);
    lens = xcalloc(q->ncols + 1, sizeof *lens);
    for (i = 0; i < q->ncols && ok; i++) {
        if (*q->cols[i] == 0)
            continue;
        for (c = 0; c < t->num_cols; c++) {
            MdbColumn *col = g_ptr_array_index(t->columns, c);

            if (strcasecmp(col->name, q->cols[i]) == 0)
                break;
        }
        if (c == t->num_cols) {
            snprintf(err, errlen, "MDB-bestand %s: tabel %s heeft geen kolom %s; noem de kolom "
                     "in snelstart.schema van het profiel of zet hem op \"\"", self->path,
                     q->table, q->cols[i]);
            ok = false;
            break;
        }
        bound[i] = xcalloc(1, MDB_BIND_SIZE + 1);
        if (mdb_bind_column(t, (int) c + 1, bound[i], &lens[i]) < 0) {
            snprintf(err, errlen, "MDB-bestand %s: kolom %s van tabel %s is niet te lezen; "
                     "controleer het bestand in SnelStart", self->path, q->cols[i], q->table);
            ok = false;
        }
    }
    if (ok && mdb_rewind_table(t) < 0) {
        snprintf(err, errlen, "MDB-bestand %s: tabel %s is niet te lezen; controleer het "
                 "bestand in SnelStart", self->path, q->table);
        ok = false;
    }
    while (ok && (q->max_rows <= 0 || rows < q->max_rows) && mdb_fetch_row(t)) {
        for (i = 0; i < q->ncols; i++) {
            values[i] = NULL;
            if (bound[i] && lens[i] > 0) {
                bound[i][lens[i] < MDB_BIND_SIZE ? lens[i] : MDB_BIND_SIZE] = 0;
                values[i] = bound[i];
            }
        }
        rows++;
        if (!fn(arg, values))
            break;
    }
    for (i = 0; i < q->ncols; i++)
        free(bound[i]);
    free(bound);
    free(values);
    free(lens);
    mdb_free_tabledef(t);
    return ok;
}

/* by_name - qsort order of strings */
static int
by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

/* admin_mdb_list - the *.mdb files of a folder, without extension */
json_t *
admin_mdb_list(const char *folder, char *err, size_t errlen)
{
    DIR    *d = opendir(folder);
    struct dirent *e;
    char  **names = NULL;
    size_t  n = 0, cap = 0, i;
    json_t *list;

    if (d == NULL) {
        snprintf(err, errlen, "map %s is niet te lezen (\"%s\"); controleer de map met "
                 "administraties bij Instellingen > Koppeling SnelStart", folder,
                 strerror(errno));
        return NULL;
    }
    while ((e = readdir(d)) != NULL) {
        size_t  len = strlen(e->d_name);

        if (len > 4 && strcasecmp(e->d_name + len - 4, ".mdb") == 0) {
            if (n == cap)
                names = xrealloc(names, (cap = cap * 2 + 8) * sizeof *names);
            names[n++] = xstrndup(e->d_name, len - 4);
        }
    }
    closedir(d);
    qsort(names, n, sizeof *names, by_name);
    list = json_array();
    for (i = 0; i < n; i++) {
        json_array_append_new(list, json_string(names[i]));
        free(names[i]);
    }
    free(names);
    return list;
}
