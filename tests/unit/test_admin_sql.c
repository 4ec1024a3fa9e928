/*
 * NAME
 *   test_admin_sql - the SQL reader with the schema map's defaults against
 *   SnelStart's desktop tables served by tds-sim
 *
 * DESCRIPTION
 *   tds-sim (started from this build's bin/, on a free loopback port)
 *   serves tblRelatie, tblLand, tblGrootboek and tblGrootboekFunctie as
 *   the defaults name them. The relaties arrive with their country read
 *   through tblLand, their cc invoice address, and as klant only when
 *   fldRelatieSoort has the klant bit; the grootboeken with their kind
 *   read through tblGrootboekFunctie. A column the administration lacks
 *   is named in the error, and so is a missing join table. tds-sim runs
 *   with a certificate and koppel, by default, requires encryption and
 *   checks the certificate (here against the certificate itself), so all
 *   of it goes over TLS; a second tds-sim without a certificate is
 *   refused with a message saying so, and a certificate that does not
 *   verify is refused unless sql_tls_verify = false.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "admin_reader.h"
#include "config.h"
#include "sim_proc.h"
#include "xalloc.h"

static const char desktop_sql[] =
    "CREATE TABLE tblLand(fldLandID INT, fldCode NVARCHAR(2), fldNaam NVARCHAR(50));"
    "INSERT INTO tblLand VALUES (1, 'NL', 'Nederland'), (2, 'MX', 'Mexico');"
    "CREATE TABLE tblRelatie(fldRelatieID INT, fldRelatieSoort INT, fldRelatiecode INT,"
    " fldNaam NVARCHAR(50), fldEmail NVARCHAR(100), fldFactuurEmailAdres NVARCHAR(100),"
    " fldFactuurCcEmailAdres NVARCHAR(100), fldPostcode NVARCHAR(25), fldLandID INT,"
    " fldBtwNummer NVARCHAR(50), fldKvkNummer NVARCHAR(20), fldNonactief BIT);"
    "INSERT INTO tblRelatie VALUES"
    " (1, 1, 1001, 'Bakkerij De Vries B.V.', 'jan@devries.nl', 'factuur@devries.nl', NULL,"
    "  '3511 AB', 1, 'NL001234560B01', '12345678', 0),"
    " (2, 3, 1002, 'Taquería México', NULL, NULL, 'boekhouding@taqueria.mx', NULL, 2,"
    "  NULL, NULL, 0),"
    " (3, 1, 1003, 'O''Brien Ltd', NULL, NULL, NULL, NULL, NULL, NULL, NULL, 1),"
    " (4, 2, 1004, 'Leverancier B.V.', 'inkoop@leverancier.nl', NULL, NULL, NULL, 99,"
    "  NULL, NULL, 0);"
    "CREATE TABLE tblGrootboekFunctie(fldGrootboekFunctieID INT, fldOmschrijving NVARCHAR(50),"
    " fldRekeningCode NVARCHAR(20));"
    "INSERT INTO tblGrootboekFunctie VALUES (1, 'Omzet', 'WinstEnVerlies'), (2, 'Debiteuren', 'Balans');"
    "CREATE TABLE tblGrootboek(fldGrootboekID INT, fldNummer INT, fldOmschrijving NVARCHAR(50),"
    " fldGrootboekFunctieID INT, fldNonactief BIT);"
    "INSERT INTO tblGrootboek VALUES (1, 8000, 'Omzet hoog', 1, 0), (2, 1300, 'Debiteuren', 2, 0),"
    " (3, 8100, 'Omzet oud', 7, 1);";

typedef struct {
    sim_proc_t sim;
    profile_t p;
    char    server[64];
    char    ca_file[PATH_MAX + 16];
} fixture_t;

static int
setup(void **state)
{
    fixture_t *f = xcalloc(1, sizeof *f);
    char    path[PATH_MAX + 32], cmd[3 * PATH_MAX];
    sqlite3 *db = NULL;
    int     i;

    snprintf(f->sim.dir, sizeof f->sim.dir, "/tmp/koppel-test-tds-sim.XXXXXX");
    if (mkdtemp(f->sim.dir) == NULL)
        return -1;
    snprintf(path, sizeof path, "%s/Administratie.sqlite", f->sim.dir);
    if (sqlite3_open(path, &db) != SQLITE_OK
        || sqlite3_exec(db, desktop_sql, NULL, NULL, NULL) != SQLITE_OK) {
        fprintf(stderr, "seeding %s: %s\n", path, sqlite3_errmsg(db));
        sqlite3_close(db);
        return -1;
    }
    sqlite3_close(db);
    snprintf(cmd, sizeof cmd, "openssl req -x509 -newkey rsa:2048 -nodes -days 2 "
             "-subj /CN=localhost -addext subjectAltName=IP:127.0.0.1,DNS:localhost "
             "-keyout '%s/key.pem' -out '%s/cert.pem' >/dev/null 2>&1",
             f->sim.dir, f->sim.dir);
    if (system(cmd) != 0) {
        fprintf(stderr, "openssl cannot make a certificate\n");
        return -1;
    }
    snprintf(f->ca_file, sizeof f->ca_file, "%s/cert.pem", f->sim.dir);
    if (!sim_proc_start(&f->sim, "tds-sim", NULL, "--db", "@DIR@/Administratie.sqlite",
                        "--user", "koppel", "--password", "geheim",
                        "--tls-cert", "@DIR@/cert.pem", "--tls-key", "@DIR@/key.pem", NULL)) {
        fprintf(stderr, "tds-sim does not start (log in %s)\n", f->sim.dir);
        return -1;
    }
    snprintf(f->server, sizeof f->server, "127.0.0.1:%d", f->sim.port);
    f->p.name = "desktop";
    f->p.admin_type = "sql";
    f->p.sql_server = f->server;
    f->p.database = "Administratie";
    f->p.sql_user = "koppel";
    f->p.sql_password = "geheim";
    /* koppel's defaults: encryption required, the certificate checked
     * (against this test's own CA: the certificate itself) */
    f->p.sql_encryption = "require";
    f->p.sql_tls_verify = true;
    f->p.sql_ca_file = f->ca_file;
    for (i = 0; i < SCHEMA_N; i++)
        f->p.schema[i] = (char *) schema_default((schema_key_t) i);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    fixture_t *f = *state;

    sim_proc_cleanup(&f->sim);
    free(f);
    return 0;
}

/* the relaties read, as one line each */
typedef struct {
    char    lines[8][200];
    int     n;
} seen_t;

/* take - a relatie as "code country factuur cc active" */
static void
take(void *arg, const relatie_rec_t *r)
{
    seen_t *s = arg;

    if (s->n < 8)
        snprintf(s->lines[s->n++], sizeof s->lines[0], "%d %s %s %s %s", (int) r->relatiecode,
                 *r->country_iso ? r->country_iso : "-", r->factuur_email ? r->factuur_email : "-",
                 r->factuur_cc ? r->factuur_cc : "-", r->active ? "klant" : "niet");
}

static void
the_defaults_read_tblRelatie_with_country_cc_and_klant_soort(void **state)
{
    fixture_t *f = *state;
    admin_reader_t *r;
    seen_t  seen = { 0 };
    char    err[1024], latest[40] = "";

    if ((r = admin_reader_open(&f->p, err, sizeof err)) == NULL)
        fail_msg("%s", err);
    assert_false(admin_reader_incremental(r));      /* no change column by default */
    if (admin_reader_relaties(r, take, &seen, NULL, latest, sizeof latest, err, sizeof err) != 4)
        fail_msg("%s", err);
    assert_int_equal(seen.n, 4);
    assert_string_equal(seen.lines[0], "1001 NL factuur@devries.nl - klant");
    assert_string_equal(seen.lines[1], "1002 MX - boekhouding@taqueria.mx klant");
    assert_string_equal(seen.lines[2], "1003 - - - niet");       /* fldNonactief */
    assert_string_equal(seen.lines[3], "1004 - - - niet");       /* leverancier; land 99 */
    assert_true(admin_reader_check(r, err, sizeof err));
    admin_reader_close(&r);
}

static void
a_missing_column_or_join_table_is_named(void **state)
{
    fixture_t *f = *state;
    admin_reader_t *r;
    char    err[1024];

    f->p.schema[SCHEMA_RELATIE_FACTUUR_CC_EMAIL] = "fldCcAdres";
    r = admin_reader_open(&f->p, err, sizeof err);
    assert_non_null(r);
    assert_false(admin_reader_check(r, err, sizeof err));
    if (strstr(err, "tabel tblRelatie heeft geen kolom fldCcAdres; noem de kolom") == NULL)
        fail_msg("%s", err);
    f->p.schema[SCHEMA_RELATIE_FACTUUR_CC_EMAIL] =
        (char *) schema_default(SCHEMA_RELATIE_FACTUUR_CC_EMAIL);
    f->p.schema[SCHEMA_GROOTBOEKFUNCTIE_SOORT] = "fldSoort";
    assert_false(admin_reader_check(r, err, sizeof err));
    if (strstr(err, "tabel tblGrootboekFunctie heeft geen kolom fldSoort") == NULL)
        fail_msg("%s", err);
    f->p.schema[SCHEMA_GROOTBOEKFUNCTIE_SOORT] = (char *) schema_default(SCHEMA_GROOTBOEKFUNCTIE_SOORT);
    f->p.schema[SCHEMA_LANDEN] = "tblLanden";
    assert_false(admin_reader_check(r, err, sizeof err));
    if (strstr(err, "tabel tblLanden bestaat niet; controleer de administratie") == NULL)
        fail_msg("%s", err);
    f->p.schema[SCHEMA_LANDEN] = (char *) schema_default(SCHEMA_LANDEN);
    admin_reader_close(&r);
}

static void
without_the_join_table_the_column_is_the_value(void **state)
{
    fixture_t *f = *state;
    admin_reader_t *r;
    seen_t  seen = { 0 };
    char    err[1024], latest[40] = "";

    /* an older map: the land column holds the code itself (here the id),
       relatie_klant is true/false (soort 1 counts, 3 does not) */
    f->p.schema[SCHEMA_LANDEN] = "";
    f->p.schema[SCHEMA_RELATIE_KLANT_BITS] = "";
    r = admin_reader_open(&f->p, err, sizeof err);
    assert_non_null(r);
    if (admin_reader_relaties(r, take, &seen, NULL, latest, sizeof latest, err, sizeof err) != 4)
        fail_msg("%s", err);
    assert_string_equal(seen.lines[0], "1001 - factuur@devries.nl - klant");  /* "1" is no ISO code */
    assert_string_equal(seen.lines[1], "1002 - - boekhouding@taqueria.mx niet");
    admin_reader_close(&r);
    f->p.schema[SCHEMA_LANDEN] = (char *) schema_default(SCHEMA_LANDEN);
    f->p.schema[SCHEMA_RELATIE_KLANT_BITS] = (char *) schema_default(SCHEMA_RELATIE_KLANT_BITS);
}

/* plain_logins - start tds-sim without a certificate in plain (its own
 * directory, the fixture's database), run fn against it, stop it, and
 * count the logins its log shows */
static int
plain_logins(fixture_t *f, void (*fn)(fixture_t *, const char *server))
{
    sim_proc_t plain = { 0 };
    char    server[64], db[PATH_MAX + 32], path[PATH_MAX + 32], line[256];
    int     logins = 0;
    FILE   *fp;

    snprintf(plain.dir, sizeof plain.dir, "/tmp/koppel-test-tds-plain.XXXXXX");
    assert_non_null(mkdtemp(plain.dir));
    snprintf(db, sizeof db, "%s/Administratie.sqlite", f->sim.dir);
    assert_true(sim_proc_start(&plain, "tds-sim", NULL, "--db", db,
                               "--user", "koppel", "--password", "geheim", NULL));
    snprintf(server, sizeof server, "127.0.0.1:%d", plain.port);
    fn(f, server);
    sim_proc_stop(&plain);              /* its log is complete once it exited */
    snprintf(path, sizeof path, "%s/tds-sim.log", plain.dir);
    assert_non_null(fp = fopen(path, "r"));
    while (fgets(line, sizeof line, fp))
        logins += strstr(line, "logged in") != NULL;
    fclose(fp);
    sim_proc_cleanup(&plain);
    return logins;
}

/* refused_by_default - the default (require) refuses a server without TLS */
static void
refused_by_default(fixture_t *f, const char *server)
{
    char    err[1024];

    f->p.sql_server = (char *) server;
    assert_null(admin_reader_open(&f->p, err, sizeof err));
    f->p.sql_server = f->server;
    if (strstr(err, "biedt geen versleuteling") == NULL || strstr(err, server) == NULL
        || strstr(err, "sql_encryption = \"off\"") == NULL)
        fail_msg("%s", err);
    assert_null(strstr(err, "geheim"));
}

/* read_when_relaxed - request and off connect to a server without TLS */
static void
read_when_relaxed(fixture_t *f, const char *server)
{
    static const char *relaxed[] = { "request", "off" };
    admin_reader_t *r;
    char    err[1024];
    size_t  i;

    f->p.sql_server = (char *) server;
    for (i = 0; i < 2; i++) {
        f->p.sql_encryption = (char *) relaxed[i];
        if ((r = admin_reader_open(&f->p, err, sizeof err)) == NULL)
            fail_msg("sql_encryption = \"%s\": %s", relaxed[i], err);
        admin_reader_close(&r);
    }
    f->p.sql_encryption = "require";
    f->p.sql_server = f->server;
}

/* a_server_without_encryption_is_refused_and_never_gets_the_password -
 * tds-sim without a certificate: koppel's default refuses it with a
 * message saying so, and no login reached the server; "request" and
 * "off", named as such, do connect */
static void
a_server_without_encryption_is_refused_and_never_gets_the_password(void **state)
{
    fixture_t *f = *state;

    assert_int_equal(plain_logins(f, refused_by_default), 0);
    /* (tds-sim may log the last login after the client has gone, so only
     * that one was read is certain: read_when_relaxed asserts it) */
    assert_true(plain_logins(f, read_when_relaxed) >= 1);
}

/* a_certificate_that_does_not_verify_is_refused - tds-sim's self-signed
 * certificate against the system's CAs; sql_tls_verify = false accepts it */
static void
a_certificate_that_does_not_verify_is_refused(void **state)
{
    fixture_t *f = *state;
    admin_reader_t *r;
    char    err[1024];

    f->p.sql_ca_file = "";
    r = admin_reader_open(&f->p, err, sizeof err);
    assert_null(r);
    if (strstr(err, "het TLS-certificaat klopt niet") == NULL
        || strstr(err, "sql_tls_verify = false") == NULL)
        fail_msg("%s", err);
    f->p.sql_tls_verify = false;
    assert_non_null(r = admin_reader_open(&f->p, err, sizeof err));
    admin_reader_close(&r);
    f->p.sql_tls_verify = true;
    f->p.sql_ca_file = f->ca_file;
}

static void
every_login_was_encrypted_throughout(void **state)
{
    fixture_t *f = *state;
    char    path[PATH_MAX + 32], line[256];
    int     tls = 0, other = 0;
    FILE   *fp;

    snprintf(path, sizeof path, "%s/tds-sim.log", f->sim.dir);
    assert_non_null(fp = fopen(path, "r"));
    while (fgets(line, sizeof line, fp))
        if (strstr(line, "logged in, TLS for the whole connection"))
            tls++;
        else if (strstr(line, "logged in"))
            other++;
    fclose(fp);
    assert_true(tls >= 3);        /* one per test above */
    assert_int_equal(other, 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_defaults_read_tblRelatie_with_country_cc_and_klant_soort),
        cmocka_unit_test(a_missing_column_or_join_table_is_named),
        cmocka_unit_test(without_the_join_table_the_column_is_the_value),
        cmocka_unit_test(a_server_without_encryption_is_refused_and_never_gets_the_password),
        cmocka_unit_test(a_certificate_that_does_not_verify_is_refused),
        cmocka_unit_test(every_login_was_encrypted_throughout),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
