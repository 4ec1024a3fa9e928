/*
 * NAME
 *   test_escaping - customer data cannot change an OData filter, and no
 *   value reaches the text of an SQL query
 *
 * DESCRIPTION
 *   koppel looks relaties up in SnelStart with $filter texts built from
 *   customer data (e-mail addresses, postcodes, numbers) quoted by
 *   snelstart_odata_string. Quotes and wildcards in that data (o'brien@,
 *   100%, a_b, '; DROP TABLE ...) must stay one literal: the simulator's
 *   OData parser reads one comparison whose value is the data, and a
 *   search against snelstart-sim (started from this build's bin/, on a
 *   free loopback port) finds exactly the relatie with that e-mail.
 *
 *   The SQL reader of an administration (common/snelstart/admin_sql.c)
 *   quotes table and column names as identifiers and sends its one value,
 *   the modified date of an incremental read, as a parameter of
 *   sp_executesql: against tds-sim (which binds RPC parameters to SQLite)
 *   a value with quotes and SQL in it selects by comparison only, and
 *   changes nothing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <sqlite3.h>

#include "admin_sql.h"
#include "snelstart.h"
#include "sim_proc.h"
#include "xalloc.h"
#include "../sim/snelstart/ssim_odata.h"

static const char *const hostile[] = {
    "o'brien@x.nl",
    "100%",
    "a_b",
    "'; DROP TABLE relaties; --",
    "' or Email ne '",
    "x') or (Email eq 'y",
    "''",
    "",
};
#define NHOSTILE (sizeof hostile / sizeof hostile[0])

static void
quoted_customer_data_is_one_literal_with_quotes_doubled(void **state)
{
    char   *lit = snelstart_odata_string("o'brien@x.nl");

    assert_string_equal(lit, "'o''brien@x.nl'");
    free(lit);
    lit = snelstart_odata_string("'; DROP TABLE relaties; --");
    assert_string_equal(lit, "'''; DROP TABLE relaties; --'");
    free(lit);
    lit = snelstart_odata_string("100%");
    assert_string_equal(lit, "'100%'");         /* no wildcards in OData eq */
    free(lit);
    lit = snelstart_odata_string("a_b");
    assert_string_equal(lit, "'a_b'");
    free(lit);
}

static void
the_odata_parser_reads_one_comparison_equal_to_the_data(void **state)
{
    json_t *tmpl = json_pack("{s:s}", "Email", "");
    size_t  i;

    for (i = 0; i < NHOSTILE; i++) {
        char   *lit = snelstart_odata_string(hostile[i]);
        char   *filter = xasprintf("Email eq %s", lit);
        char    err[256] = "";
        const char *path, *value;
        ssim_filter_t *f = ssim_odata_parse(filter, tmpl, err, sizeof err);
        json_t *same = json_pack("{s:s}", "Email", hostile[i]);
        json_t *other = json_pack("{s:s}", "Email", "jan@devries.nl");

        if (f == NULL)
            fail_msg("%s: %s", filter, err);
        if (!ssim_odata_string_cmp(f, &path, &value))
            fail_msg("%s is not one eq comparison", filter);
        assert_string_equal(path, "Email");
        assert_string_equal(value, hostile[i]);
        assert_true(ssim_odata_match(f, same));
        assert_false(ssim_odata_match(f, other));
        json_decref(same);
        json_decref(other);
        ssim_odata_destroy(&f);
        free(filter);
        free(lit);
    }
    json_decref(tmpl);
}

/* relaties - written to the simulator's scratch directory */
static const char relaties_json[] =
    "[{\"relatiesoort\":[\"Klant\"],\"relatiecode\":1,\"naam\":\"O'Brien\",\"email\":\"o'brien@x.nl\"},"
    " {\"relatiesoort\":[\"Klant\"],\"relatiecode\":2,\"naam\":\"OBrien\",\"email\":\"obrien@x.nl\"},"
    " {\"relatiesoort\":[\"Klant\"],\"relatiecode\":3,\"naam\":\"A_B\",\"email\":\"a_b@x.nl\"},"
    " {\"relatiesoort\":[\"Klant\"],\"relatiecode\":4,\"naam\":\"AXB\",\"email\":\"axb@x.nl\"},"
    " {\"relatiesoort\":[\"Klant\"],\"relatiecode\":5,\"naam\":\"Honderd\",\"email\":\"100%@x.nl\"},"
    " {\"relatiesoort\":[\"Klant\"],\"relatiecode\":6,\"naam\":\"Duizend\",\"email\":\"1000@x.nl\"}]";

typedef struct {
    sim_proc_t sim;
    snelstart_t *ss;
} fixture_t;

static int
setup(void **state)
{
    fixture_t *f = xcalloc(1, sizeof *f);
    char    gb[PATH_MAX + 64], rel[PATH_MAX + 32], api[96], auth[96], spec[PATH_MAX + 64];
    FILE   *fp;
    char    tmpl[] = "/tmp/test_escaping.XXXXXX";

    if (mkdtemp(tmpl) == NULL)
        return -1;
    snprintf(rel, sizeof rel, "%s/relaties.json", tmpl);
    if ((fp = fopen(rel, "w")) == NULL)
        return -1;
    fputs(relaties_json, fp);
    fclose(fp);
    snprintf(gb, sizeof gb, "%s/tests/fixtures/grootboeken.json", sim_proc_root());
    snprintf(spec, sizeof spec, "%s/tests/sim/snelstart/snelstart-b2b-api-v2.yaml",
             sim_proc_root());
    if (!sim_proc_start(&f->sim, "snelstart-sim", "/_sim/stats", "--db", "@DIR@/ss.db",
                        "--grootboeken", gb, "--relaties", rel, "--spec", spec,
                        "--client-key", "ck", "--subscription-key", "sk", NULL)) {
        fprintf(stderr, "snelstart-sim does not start (log in %s)\n", f->sim.dir);
        return -1;
    }
    remove(rel);
    rmdir(tmpl);
    snprintf(api, sizeof api, "%s/v2", f->sim.url);
    snprintf(auth, sizeof auth, "%s/b2b/token", f->sim.url);
    f->ss = snelstart_new(api, auth, "ck", "sk", false);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    fixture_t *f = *state;

    snelstart_destroy(&f->ss);
    sim_proc_cleanup(&f->sim);
    free(f);
    return 0;
}

/* search - relaties whose e-mail equals value, as the matcher asks */
static json_t *
search(fixture_t *f, const char *value)
{
    char   *lit = snelstart_odata_string(value);
    char   *filter = xasprintf("Email eq %s", lit);
    char   *path = snelstart_query("/relaties", "$filter", filter, NULL);
    json_t *out = NULL;
    ss_error_t err;

    if (snelstart_get(f->ss, path, &out, &err) != SS_OK)
        fail_msg("GET %s: %s", path, err.message);
    assert_true(json_is_array(out));
    free(path);
    free(filter);
    free(lit);
    return out;
}

/* only_code - the one relatie found has this relatiecode */
static void
assert_only(json_t *found, int code)
{
    assert_int_equal(json_array_size(found), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(found, 0),
                                                        "relatiecode")), code);
    json_decref(found);
}

static void
a_relatie_with_a_quote_in_its_email_is_found_exactly(void **state)
{
    fixture_t *f = *state;

    assert_only(search(f, "o'brien@x.nl"), 1);
    assert_only(search(f, "obrien@x.nl"), 2);
}

static void
percent_and_underscore_are_not_wildcards(void **state)
{
    fixture_t *f = *state;
    json_t *found;

    found = search(f, "%");
    assert_int_equal(json_array_size(found), 0);
    json_decref(found);
    found = search(f, "_");
    assert_int_equal(json_array_size(found), 0);
    json_decref(found);
    found = search(f, "%@x.nl");
    assert_int_equal(json_array_size(found), 0);
    json_decref(found);
    assert_only(search(f, "a_b@x.nl"), 3);
    assert_only(search(f, "100%@x.nl"), 5);
}

static void
injected_filter_text_finds_nothing_and_changes_nothing(void **state)
{
    fixture_t *f = *state;
    json_t *found, *all = NULL;
    ss_error_t err;
    size_t  i;

    for (i = 1; i < NHOSTILE; i++) {          /* [0] is a relatie's e-mail */
        found = search(f, hostile[i]);
        if (json_array_size(found) != 0)
            fail_msg("a search for \"%s\" found %zu relaties", hostile[i],
                     json_array_size(found));
        json_decref(found);
    }
    assert_int_equal(snelstart_get(f->ss, "/relaties", &all, &err), SS_OK);
    assert_int_equal(json_array_size(all), 6);
    json_decref(all);
}

/* ---- the SQL reader against tds-sim ---- */

typedef struct {
    sim_proc_t sim;
    admin_sql_t *sql;
    char    server[64];
} sql_fixture_t;

/* tds-sim here has no certificate: what these tests check is the text of
 * the queries, so the connection is the kind a test server gets */
static const admin_sql_tls_t plain_test_server = { ADMIN_SQL_OFF, false, NULL };

static int
sql_setup(void **state)
{
    sql_fixture_t *f = xcalloc(1, sizeof *f);
    char    path[PATH_MAX + 32], err[512];
    sqlite3 *db = NULL;

    snprintf(f->sim.dir, sizeof f->sim.dir, "/tmp/koppel-test-tds-sim.XXXXXX");
    if (mkdtemp(f->sim.dir) == NULL)
        return -1;
    snprintf(path, sizeof path, "%s/Adm.sqlite", f->sim.dir);
    if (sqlite3_open(path, &db) != SQLITE_OK
        || sqlite3_exec(db, "CREATE TABLE tblRelatie(fldRelatieID INT, fldNaam NVARCHAR(50), "
                        "fldGewijzigd DATETIME);"
                        "INSERT INTO tblRelatie VALUES (1, 'Oud', '2026-01-01T00:00:00.000'),"
                        " (2, 'O''Brien', '2026-06-01T00:00:00.000'),"
                        " (3, 'Nieuw', '2026-12-01T00:00:00.000');", NULL, NULL, NULL)
           != SQLITE_OK) {
        sqlite3_close(db);
        return -1;
    }
    sqlite3_close(db);
    if (!sim_proc_start(&f->sim, "tds-sim", NULL, "--db", "@DIR@/Adm.sqlite", "--user", "u",
                        "--password", "p", NULL)) {
        fprintf(stderr, "tds-sim does not start (log in %s)\n", f->sim.dir);
        return -1;
    }
    snprintf(f->server, sizeof f->server, "127.0.0.1:%d", f->sim.port);
    if ((f->sql = admin_sql_open(f->server, "Adm", "u", "p", &plain_test_server, err,
                                 sizeof err)) == NULL) {
        fprintf(stderr, "admin_sql_open: %s\n", err);
        return -1;
    }
    *state = f;
    return 0;
}

static int
sql_teardown(void **state)
{
    sql_fixture_t *f = *state;

    admin_sql_close(&f->sql);
    sim_proc_cleanup(&f->sim);
    free(f);
    return 0;
}

/* collect_ids - the ids read, as "1,2," */
static bool
collect_ids(void *arg, char **values)
{
    char   *ids = arg;

    strncat(ids, values[0] ? values[0] : "NULL", 63 - strlen(ids));
    strncat(ids, ",", 63 - strlen(ids));
    return true;
}

/* changed_since - the ids of the rows changed after since ("" = all) */
static void
changed_since(sql_fixture_t *f, const char *since, char *ids)
{
    static const char *cols[] = { "fldRelatieID", "fldNaam" };
    admin_select_t q = { "dbo.tblRelatie", cols, 2, "fldGewijzigd", since, 0 };
    char    err[512];

    *ids = 0;
    if (!admin_sql_select(f->sql, &q, collect_ids, ids, err, sizeof err))
        fail_msg("since \"%s\": %s", since, err);
}

static void
the_query_text_names_the_parameter_not_the_value(void **state)
{
    static const char *cols[] = { "fldRelatieID", "fld]Naam" };
    admin_select_t q = { "dbo.tblRelatie", cols, 2, "fldGewijzigd", "2026' OR '1'='1", 5 };
    char   *sql = admin_sql_query(&q);

    assert_string_equal(sql, "SELECT TOP 5 [fldRelatieID], [fld]]Naam] FROM [dbo].[tblRelatie] "
                        "WHERE [fldGewijzigd] > @since");
    free(sql);
}

static void
a_modified_date_selects_the_rows_changed_after_it(void **state)
{
    char    ids[64];

    changed_since(*state, "2026-05-01T00:00:00.000", ids);
    assert_string_equal(ids, "2,3,");
    changed_since(*state, "2026-12-01T00:00:00.000", ids);
    assert_string_equal(ids, "");
}

static void
quotes_and_sql_in_the_value_are_compared_not_run(void **state)
{
    static const char *const values[] = {
        "9999' OR '1'='1",
        "9999'; DELETE FROM tblRelatie; --",
        "9999') OR (1=1",
        "9999\\'; DROP TABLE tblRelatie; --",
    };
    char    ids[64];
    size_t  i;

    for (i = 0; i < sizeof values / sizeof values[0]; i++) {
        changed_since(*state, values[i], ids);
        if (*ids)
            fail_msg("since \"%s\" selected rows %s", values[i], ids);
    }
    changed_since(*state, "2026-05-01' OR '1'='1", ids);    /* a text compare: 2 and 3 */
    assert_string_equal(ids, "2,3,");
    changed_since(*state, "0", ids);                        /* nothing was deleted */
    assert_string_equal(ids, "1,2,3,");
}

int
main(void)
{
    const struct CMUnitTest parse[] = {
        cmocka_unit_test(quoted_customer_data_is_one_literal_with_quotes_doubled),
        cmocka_unit_test(the_odata_parser_reads_one_comparison_equal_to_the_data),
    };
    const struct CMUnitTest sim[] = {
        cmocka_unit_test(a_relatie_with_a_quote_in_its_email_is_found_exactly),
        cmocka_unit_test(percent_and_underscore_are_not_wildcards),
        cmocka_unit_test(injected_filter_text_finds_nothing_and_changes_nothing),
    };
    const struct CMUnitTest sql[] = {
        cmocka_unit_test(the_query_text_names_the_parameter_not_the_value),
        cmocka_unit_test(a_modified_date_selects_the_rows_changed_after_it),
        cmocka_unit_test(quotes_and_sql_in_the_value_are_compared_not_run),
    };
    int     failed = cmocka_run_group_tests(parse, NULL, NULL);

    failed += cmocka_run_group_tests(sim, setup, teardown);
    return failed + cmocka_run_group_tests(sql, sql_setup, sql_teardown);
}
