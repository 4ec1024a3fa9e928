/*
 * test_admin_mdb - the MDB reader against a copy of a real Access database
 * (Northwind, ../shared/testdata/nwind.mdb) with its Customers table mapped
 * as relaties: UTF-8 names, NULLs, the customer index, and clear errors for
 * a missing file, table or column; the matcher's fill thread (admin_fill)
 * over the same file.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <czmq.h>

#include "admin_fill.h"
#include "admin_mdb.h"
#include "admin_reader.h"
#include "config.h"
#include "relatie_index.h"
#include "xalloc.h"

static char dir[64];
static char source[512];

/* find_nwind - the shared test database beside the repository, "" if absent */
static void
find_nwind(void)
{
    static const char *tries[] = { "../shared/testdata/nwind.mdb",
        "../../shared/testdata/nwind.mdb", "/work/shared/testdata/nwind.mdb", NULL };
    const char *env = getenv("KOPPEL_TESTDATA");
    int     i;

    *source = 0;
    if (env) {
        snprintf(source, sizeof source, "%s/nwind.mdb", env);
        if (access(source, R_OK) == 0)
            return;
    }
    for (i = 0; tries[i]; i++)
        if (access(tries[i], R_OK) == 0) {
            snprintf(source, sizeof source, "%s", tries[i]);
            return;
        }
    *source = 0;
}

/* setup - copy nwind.mdb into a scratch folder (the reader never writes,
 * but a test must not be able to change the shared file) */
static int
setup(void **state)
{
    char    cmd[1200];

    find_nwind();
    if (*source == 0)
        return 0;
    snprintf(dir, sizeof dir, "/tmp/koppel-mdb-XXXXXX");
    if (mkdtemp(dir) == NULL)
        return -1;
    snprintf(cmd, sizeof cmd, "cp '%s' '%s/nwind.mdb' && touch '%s/notes.txt'", source, dir, dir);
    return system(cmd) == 0 ? 0 : -1;
}

static int
teardown(void **state)
{
    char    cmd[200];

    if (*dir) {
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0)
            return -1;
    }
    return 0;
}

/* nwind_profile - an mdb profile mapping Customers as relaties and
 * Products as grootboeken */
static void
nwind_profile(profile_t *p)
{
    int     i;

    memset(p, 0, sizeof *p);
    p->name = "nwind";
    p->admin_type = "mdb";
    p->folder = dir;
    p->administration = "nwind";
    for (i = 0; i < SCHEMA_N; i++)
        p->schema[i] = "";
    p->schema[SCHEMA_RELATIES] = "Customers";
    p->schema[SCHEMA_RELATIE_ID] = "CustomerID";
    p->schema[SCHEMA_RELATIE_NAAM] = "CompanyName";
    p->schema[SCHEMA_RELATIE_POSTCODE] = "PostalCode";
    p->schema[SCHEMA_RELATIE_EMAIL] = "Region";     /* mostly NULL */
    p->schema[SCHEMA_GROOTBOEKEN] = "Products";
    p->schema[SCHEMA_GROOTBOEK_ID] = "ProductID";
    p->schema[SCHEMA_GROOTBOEK_NUMMER] = "ProductID";
    p->schema[SCHEMA_GROOTBOEK_OMSCHRIJVING] = "ProductName";
    p->schema[SCHEMA_GROOTBOEK_NONACTIEF] = "Discontinued";
    p->schema[SCHEMA_GROOTBOEK_SOORT] = "QuantityPerUnit";
}

#define NEED_NWIND() do { if (*source == 0) { \
    print_message("SKIP: nwind.mdb not found beside the repository (../shared/testdata) " \
                  "or in $KOPPEL_TESTDATA\n"); skip(); } } while (0)

typedef struct {
    int     rows, nulls;
    bool    mexico, taqueria;
} seen_t;

/* on_row - what the rows of Customers hold */
static bool
on_row(void *arg, char **v)
{
    seen_t *s = arg;

    s->rows++;
    if (v[1] == NULL)
        s->nulls++;
    if (v[0] && strcmp(v[0], "México D.F.") == 0)
        s->mexico = true;
    if (v[2] && strcmp(v[2], "Antonio Moreno Taquería") == 0)
        s->taqueria = true;
    return true;
}

static void
text_arrives_as_utf8_and_nulls_as_null(void **state)
{
    char    path[128], err[512];
    admin_mdb_t *m;
    static const char *cols[] = { "City", "region", "CompanyName" };
    admin_select_t q = { "customers", cols, 3, NULL, NULL, 0 };
    seen_t  s = { 0 };

    NEED_NWIND();
    snprintf(path, sizeof path, "%s/nwind.mdb", dir);
    m = admin_mdb_open(path, err, sizeof err);
    if (m == NULL)
        fail_msg("%s", err);
    assert_true(admin_mdb_select(m, &q, on_row, &s, err, sizeof err));
    assert_int_equal(s.rows, 91);
    assert_true(s.mexico);
    assert_true(s.taqueria);
    assert_true(s.nulls > 30 && s.nulls < s.rows);
    admin_mdb_close(&m);
    assert_null(m);
}

static void
customers_fill_the_index_and_are_found_by_name(void **state)
{
    profile_t p;
    char    err[512], latest[40] = "", key[256];
    admin_reader_t *r;
    relatie_index_t *idx = relatie_index_new();
    uint32_t refs[4];
    relatie_view_t view;

    NEED_NWIND();
    nwind_profile(&p);
    r = admin_reader_open(&p, err, sizeof err);
    if (r == NULL)
        fail_msg("%s", err);
    assert_false(admin_reader_incremental(r));
    assert_int_equal(admin_reader_relaties(r, relatie_index_take, idx, NULL, latest, sizeof latest, err, sizeof err), 91);
    assert_int_equal(relatie_index_count(idx), 91);
    relatie_norm_naam("Antonio Moreno Taquería", key, sizeof key);
    assert_int_equal(relatie_index_find(idx, RELATIE_KEY_NAAM, key, refs, 4), 1);
    relatie_index_get(idx, refs[0], &view);
    assert_string_equal(view.id, "ANTON");
    assert_string_equal(view.naam, "Antonio Moreno Taquería");
    assert_string_equal(view.postcode, "05023");
    assert_true(admin_reader_check(r, err, sizeof err));
    relatie_index_destroy(&idx);
    admin_reader_close(&r);
}

static void
a_missing_file_table_or_column_is_named(void **state)
{
    profile_t p;
    char    err[512];
    admin_reader_t *r;
    relatie_index_t *idx = relatie_index_new();
    char    latest[40] = "";

    NEED_NWIND();
    nwind_profile(&p);
    p.administration = "Bestaat niet";
    assert_null(admin_reader_open(&p, err, sizeof err));
    assert_non_null(strstr(err, "/Bestaat niet.mdb is niet te lezen (\"No such file"));
    nwind_profile(&p);
    p.schema[SCHEMA_RELATIES] = "Klanten";
    r = admin_reader_open(&p, err, sizeof err);
    assert_non_null(r);
    assert_false(admin_reader_check(r, err, sizeof err));
    assert_non_null(strstr(err, "tabel Klanten bestaat niet; noem de tabel in snelstart.schema"));
    admin_reader_close(&r);
    nwind_profile(&p);
    p.schema[SCHEMA_RELATIE_EMAIL] = "Email";
    r = admin_reader_open(&p, err, sizeof err);
    assert_int_equal(admin_reader_relaties(r, relatie_index_take, idx, NULL, latest, sizeof latest, err, sizeof err), -1);
    assert_non_null(strstr(err, "tabel Customers heeft geen kolom Email; noem de kolom in "
                               "snelstart.schema"));
    admin_reader_close(&r);
    relatie_index_destroy(&idx);
}

static void
admins_lists_the_mdb_files_of_the_folder(void **state)
{
    profile_t p;
    char    err[512];
    json_t *list;

    NEED_NWIND();
    nwind_profile(&p);
    list = admin_list(&p, err, sizeof err);
    if (list == NULL)
        fail_msg("%s", err);
    assert_int_equal(json_array_size(list), 1);
    assert_string_equal(json_string_value(json_array_get(list, 0)), "nwind");
    json_decref(list);
    p.folder = "/nonexistent-koppel";
    assert_null(admin_list(&p, err, sizeof err));
    assert_non_null(strstr(err, "map /nonexistent-koppel is niet te lezen (\"No such file"));
}

/* count_rec - count the rows a fill hands out */
static void
count_rec(void *arg, const relatie_rec_t *rec)
{
    assert_non_null(rec->id);
    (*(int *) arg)++;
}

/* fill_state - the state of a fill once it is not WAIT any more (5 s at most) */
static admin_fill_state_t
fill_state(admin_fill_t *fill, size_t max, relatie_rec_fn fn, void *arg)
{
    admin_fill_state_t st;
    int     i;

    for (i = 0; (st = admin_fill_take(fill, max, fn, arg)) == ADMIN_FILL_WAIT && i < 500; i++)
        zclock_sleep(10);
    return st;
}

/* fill_end - admin_fill_end, the connection closed unless r is given */
static long
fill_end(admin_fill_t **fill, admin_reader_t **r, char *err, size_t errlen)
{
    admin_reader_t *mine = NULL;
    char    latest[40] = "";
    long    n = admin_fill_end(fill, r ? r : &mine, latest, sizeof latest, err, errlen);

    assert_null(*fill);
    admin_reader_close(&mine);
    return n;
}

static void
a_fill_hands_out_its_rows_a_slice_at_a_time_and_its_connection_back(void **state)
{
    profile_t p;
    char    err[512] = "";
    admin_reader_t *r = NULL;
    admin_fill_t *fill;
    admin_fill_state_t st;
    int     rows = 0, before, slices = 0;

    NEED_NWIND();
    nwind_profile(&p);
    fill = admin_fill_start(&p, NULL, NULL, "", NULL);
    do {
        before = rows;
        st = fill_state(fill, 10, count_rec, &rows);
        if (st == ADMIN_FILL_ROWS) {
            assert_in_range(rows - before, 1, 10);
            slices++;
        }
    } while (st == ADMIN_FILL_ROWS);
    assert_int_equal(st, ADMIN_FILL_DONE);
    assert_int_equal(rows, 91);
    assert_true(slices >= 10);
    assert_int_equal(fill_end(&fill, &r, err, sizeof err), 91);
    assert_non_null(r);                 /* for the next read */
    admin_reader_close(&r);
}

static void
a_full_read_fills_the_index_on_the_thread(void **state)
{
    profile_t p;
    char    err[512] = "";
    relatie_index_t *idx = relatie_index_new();
    admin_fill_t *fill;
    int     rows = 0;

    NEED_NWIND();
    nwind_profile(&p);
    fill = admin_fill_start(&p, NULL, NULL, "", idx);
    assert_int_equal(fill_state(fill, 10, count_rec, &rows), ADMIN_FILL_DONE);
    assert_int_equal(rows, 0);          /* none through the loop */
    assert_int_equal(fill_end(&fill, NULL, err, sizeof err), 91);
    assert_int_equal(relatie_index_count(idx), 91);
    admin_fill_discard(&idx);
    assert_null(idx);
}

static void
a_fill_of_a_missing_file_fails_naming_it(void **state)
{
    profile_t p;
    char    err[512] = "";
    admin_reader_t *r = NULL;
    admin_fill_t *fill;
    int     rows = 0;

    NEED_NWIND();
    nwind_profile(&p);
    p.administration = "bestaat-niet";
    fill = admin_fill_start(&p, NULL, NULL, "", NULL);
    assert_int_equal(fill_state(fill, 10, count_rec, &rows), ADMIN_FILL_FAILED);
    assert_int_equal(fill_end(&fill, &r, err, sizeof err), -1);
    assert_null(r);
    assert_non_null(strstr(err, "bestaat-niet"));
}

static void
a_fill_stopped_half_way_ends_its_thread(void **state)
{
    profile_t p;
    admin_fill_t *fill;
    int     rows = 0;

    NEED_NWIND();
    nwind_profile(&p);
    fill = admin_fill_start(&p, NULL, NULL, "", NULL);
    fill_state(fill, 5, count_rec, &rows);
    admin_fill_destroy(&fill);          /* the thread ends, the rows left are freed */
    assert_null(fill);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(text_arrives_as_utf8_and_nulls_as_null),
        cmocka_unit_test(customers_fill_the_index_and_are_found_by_name),
        cmocka_unit_test(a_missing_file_table_or_column_is_named),
        cmocka_unit_test(admins_lists_the_mdb_files_of_the_folder),
        cmocka_unit_test(a_fill_hands_out_its_rows_a_slice_at_a_time_and_its_connection_back),
        cmocka_unit_test(a_full_read_fills_the_index_on_the_thread),
        cmocka_unit_test(a_fill_of_a_missing_file_fails_naming_it),
        cmocka_unit_test(a_fill_stopped_half_way_ends_its_thread),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
