/*
 * test_config - koppel.cfg is read and checked; errors name file, line and setting
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"

/* write_cfg - a temporary configuration file with the given text */
static char *
write_cfg(const char *text)
{
    static char path[64];
    int     fd;
    FILE   *fp;

    snprintf(path, sizeof path, "/tmp/koppel-test-cfg-XXXXXX");
    fd = mkstemp(path);
    assert_true(fd >= 0);
    fp = fdopen(fd, "w");
    fputs(text, fp);
    fclose(fp);
    return path;
}

static void
example_config_loads_with_every_kind_mapped(void **state)
{
    char    err[1024] = "";
    cfg_t  *cfg = cfg_load("config/koppel.cfg.example", err, sizeof err);
    const profile_t *p;

    if (cfg == NULL)
        fail_msg("%s", err);
    assert_int_equal(cfg->nprofiles, 1);
    p = cfg_profile(cfg, "voorbeeld");
    assert_non_null(p);
    assert_int_equal(p->grootboek[KIND_OMZET][REGION_NL][BTW_HOOG], 8000);
    assert_int_equal(p->grootboek[KIND_KORTING][REGION_NON_EU][BTW_GEEN], 8540);
    assert_int_equal(p->recognition, RECOGNITION_EMAIL);
    assert_int_equal(p->import_interval_s, 900);
    assert_int_equal(p->rate_per_minute, 500);
    assert_false(p->enabled);           /* installed as koppel.cfg: off until filled in */
    assert_string_equal(cfg->ep_jobs, "ipc:///var/lib/koppel/jobs.sock");
    cfg_destroy(&cfg);
    assert_null(cfg);
}

static void
defaults_fill_what_a_minimal_profile_leaves_out(void **state)
{
    char    err[1024] = "";
    char   *path = write_cfg("koppel = { state_dir = \"/tmp/k\"; };\n"
                             "profiles = ( { name = \"a\"; } );\n");
    cfg_t  *cfg = cfg_load(path, err, sizeof err);
    char   *ep;

    unlink(path);
    if (cfg == NULL)
        fail_msg("%s", err);
    assert_string_equal(cfg->profiles[0].api_url, "https://b2bapi.snelstart.nl/v2");
    assert_int_equal(cfg->profiles[0].page_size, 50);
    assert_int_equal(cfg->matcher_heartbeat_ms, 3000);
    assert_int_equal(cfg->profiles[0].import_interval_s, 0);
    assert_true(cfg->profiles[0].shop_tls_verify);
    assert_true(cfg->profiles[0].enabled);  /* a profile without the setting runs */
    ep = cfg_matcher_control(cfg, "2");
    assert_string_equal(ep, "ipc:///tmp/k/matcher-2.ctl");
    free(ep);
    cfg_destroy(&cfg);
}

/* oss_grootboeken_are_read_by_country_and_rate - grootboeken.oss.CC_RATE */
static void
oss_grootboeken_are_read_by_country_and_rate(void **state)
{
    static const struct {
        const char *oss, *err;
    } bad[] = {
        { "NL_21 = 8000;", "NL_21: NL is geen andere EU-lidstaat" },
        { "NO_25 = 8000;", "NO_25: NO is geen andere EU-lidstaat" },
        { "BE21 = 8000;", "BE21: moet LAND_TARIEF zijn, bijvoorbeeld BE_21 of FR_5_5" },
        { "BE_21_ = 8000;", "BE_21_: moet LAND_TARIEF zijn" },
        { "BE_101 = 8000;", "BE_101: moet LAND_TARIEF zijn" },
        { "FR_5_5 = 8000; FR_5_50 = 8001;", "FR_5_50: hetzelfde land en tarief" },
    };
    char    err[1024] = "", text[512];
    char   *path = write_cfg("profiles = ( { name = \"a\"; grootboeken = { oss = {\n"
                             "  BE_21 = 8600; FR_5_5 = 8621; IE_13_5 = 8630; }; }; } );\n");
    cfg_t  *cfg = cfg_load(path, err, sizeof err);

    unlink(path);
    if (cfg == NULL)
        fail_msg("%s", err);
    assert_int_equal(cfg->profiles[0].noss, 3);
    assert_string_equal(cfg->profiles[0].oss[1].country, "FR");
    assert_int_equal(cfg->profiles[0].oss[1].rate_e2, 550);
    assert_int_equal(cfg->profiles[0].oss[1].nummer, 8621);
    assert_int_equal(cfg->profiles[0].oss[2].rate_e2, 1350);
    cfg_destroy(&cfg);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(text, sizeof text, "profiles = ( { name = \"a\"; grootboeken = { oss = { %s }; "
                 "}; } );\n", bad[i].oss);
        path = write_cfg(text);
        cfg = cfg_load(path, err, sizeof err);
        unlink(path);
        assert_null(cfg);
        if (strstr(err, bad[i].err) == NULL)
            fail_msg("%s: \"%s\" lacks \"%s\"", bad[i].oss, err, bad[i].err);
        assert_non_null(strstr(err, "profiles.a.grootboeken.oss"));
    }
}

static void
a_wrong_value_is_reported_with_line_and_setting(void **state)
{
    char    err[1024] = "";
    char   *path = write_cfg("profiles = (\n  { name = \"a\";\n    shop = { page_size = 500; };\n  }\n);\n");
    cfg_t  *cfg = cfg_load(path, err, sizeof err);

    unlink(path);
    assert_null(cfg);
    assert_non_null(strstr(err, ":3: profiles.a.shop: page_size: moet een getal van 1 tot en met "
                                "100 zijn"));
}

/* overflowed - the error for a numeric setting written as text */
static char *
overflowed(const char *setting)
{
    static char err[1024];
    char    text[512];
    char   *path;
    cfg_t  *cfg;

    snprintf(text, sizeof text, "profiles = (\n  { name = \"a\";\n    shop = { %s; };\n  }\n);\n",
             setting);
    path = write_cfg(text);
    err[0] = 0;
    cfg = cfg_load(path, err, sizeof err);
    unlink(path);
    assert_null(cfg);
    return err;
}

/* a_matcher_heartbeat_too_short_is_refused - shorter than 200 ms, a busy
 * matcher would be taken for gone */
static void
a_matcher_heartbeat_too_short_is_refused(void **state)
{
    char    err[1024] = "";
    char   *path = write_cfg("koppel = {\n  matcher_heartbeat_ms = 100;\n};\n");
    cfg_t  *cfg = cfg_load(path, err, sizeof err);

    unlink(path);
    assert_null(cfg);
    assert_non_null(strstr(err, ":2: koppel: matcher_heartbeat_ms: moet een getal van 200 tot en "
                                "met 60000 zijn"));
}

static void
an_out_of_range_number_is_reported_as_written(void **state)
{
    /* libconfig reads 4294967297 (no L) as 1, which is in range */
    assert_non_null(strstr(overflowed("page_size = 4294967297"),
                           ":3: profiles.a.shop: page_size: moet een getal van 1 tot en met 100 "
                           "zijn (niet 4294967297)"));
    assert_non_null(strstr(overflowed("page_size = 99999999999999999999"),
                           "page_size: moet een getal van 1 tot en met 100 zijn (niet "
                           "99999999999999999999)"));
    assert_non_null(strstr(overflowed("page_size = 3000000000"),
                           "page_size: moet een getal van 1 tot en met 100 zijn (niet "
                           "3000000000)"));
    assert_non_null(strstr(overflowed("page_size = -5"), "page_size: moet een getal van 1 tot en "
                                                         "met 100 zijn (niet -5)"));
}

static void
an_unknown_setting_is_refused(void **state)
{
    char    err[1024] = "";
    char   *path = write_cfg("profiles = ( { name = \"a\"; shop = { pasword = \"x\"; }; } );\n");
    cfg_t  *cfg = cfg_load(path, err, sizeof err);

    unlink(path);
    assert_null(cfg);
    assert_non_null(strstr(err, "profiles.a.shop: pasword: onbekende instelling"));
}

static void
an_unknown_recognition_method_is_refused(void **state)
{
    char    err[1024] = "";
    char   *path = write_cfg("profiles = ( { name = \"a\"; customers = { recognition = \"naam\"; }; } );\n");
    cfg_t  *cfg = cfg_load(path, err, sizeof err);

    unlink(path);
    assert_null(cfg);
    assert_non_null(strstr(err, "recognition: \"naam\" is geen herkenningsmethode"));
}

/* refused - a configuration text is refused with a message holding want */
static void
refused(const char *text, const char *want)
{
    char    err[1024] = "";
    char   *path = write_cfg(text);
    cfg_t  *cfg = cfg_load(path, err, sizeof err);

    unlink(path);
    if (cfg != NULL)
        fail_msg("accepted: %s", text);
    if (strstr(err, want) == NULL)
        fail_msg("\"%s\" is not in: %s", want, err);
}

/* payment_and_invoice_settings_are_read_and_checked - the example's
 * providers and seller; what is missing or not an amount is named */
static void
payment_and_invoice_settings_are_read_and_checked(void **state)
{
    char    err[1024] = "";
    cfg_t  *cfg = cfg_load("config/koppel.cfg.example", err, sizeof err);
    const profile_t *p;

    if (cfg == NULL)
        fail_msg("%s", err);
    p = cfg_profile(cfg, "voorbeeld");
    assert_false(p->betalingen_boeken);
    assert_false(p->factuur_pdf);
    assert_int_equal(p->betalingen_dagboek, 90);
    assert_int_equal(p->psp[PSP_PAYPAL].fee_fixed_cents, 35);
    assert_int_equal(p->psp[PSP_PAYPAL].fee_percent_e4, 34900);
    assert_int_equal(p->psp[PSP_MOLLIE].nmethods, 3);
    assert_string_equal(p->psp[PSP_MOLLIE].methods[1], "Bancontact");
    assert_string_equal(p->psp[PSP_STRIPE].fee_field, "stripe_fee");
    assert_int_equal(p->psp[PSP_STRIPE].tussenrekening, 1130);
    assert_string_equal(p->shop_adres, "Dorpsstraat 1\n1234 AB Ergens");
    cfg_destroy(&cfg);
    refused("profiles = ( { name = \"a\"; betalingen = { boeken = true; }; } );\n",
            "dagboek: het nummer van een memoriaaldagboek is verplicht");
    refused("profiles = ( { name = \"a\"; betalingen = { mollie = { tussenrekening = 1; "
            "kosten_grootboek = 2; }; }; } );\n", "methoden: verplicht");
    refused("profiles = ( { name = \"a\"; betalingen = { paypal = { methoden = [\"PayPal\"]; "
            "kosten_grootboek = 2; }; }; } );\n", "tussenrekening: het grootboekrekeningnummer "
                                                  "van de tussenrekening");
    refused("profiles = ( { name = \"a\"; betalingen = { paypal = { methoden = [\"PayPal\"]; "
            "tussenrekening = 1; kosten_grootboek = 2; kosten_procent = \"3,49\"; }; }; } );\n",
            "kosten_procent: moet een percentage tussen dubbele aanhalingstekens zijn");
    refused("profiles = ( { name = \"a\"; betalingen = { paypal = { methoden = [\"PayPal\"]; "
            "tussenrekening = 1; kosten_grootboek = 2; kosten_procent = \"101\"; }; }; } );\n",
            "kosten_procent: hoogstens 100");
    refused("profiles = ( { name = \"a\"; betalingen = { adyen = { }; }; } );\n",
            "adyen: onbekende instelling");
    refused("profiles = ( { name = \"a\"; factuur = { pdf_bijvoegen = true; naam = \"X\"; }; } );\n",
            "naam, adres en btw_nummer: verplicht");
}

static void
handmatig_needs_a_default_klantcode(void **state)
{
    char    err[1024] = "";
    char   *path = write_cfg("profiles = ( { name = \"a\"; customers = { processing = \"handmatig\"; }; } );\n");
    cfg_t  *cfg = cfg_load(path, err, sizeof err);

    unlink(path);
    assert_null(cfg);
    assert_non_null(strstr(err, "default_klantcode: verplicht als processing \"handmatig\" is"));
}

static void
two_profiles_with_one_name_are_refused(void **state)
{
    char    err[1024] = "";
    char   *path = write_cfg("profiles = ( { name = \"a\"; }, { name = \"a\"; } );\n");
    cfg_t  *cfg = cfg_load(path, err, sizeof err);

    unlink(path);
    assert_null(cfg);
    assert_non_null(strstr(err, "komt twee keer voor"));
}

static void
a_missing_file_is_named(void **state)
{
    char    err[1024] = "";

    assert_null(cfg_load("/nonexistent/koppel.cfg", err, sizeof err));
    assert_non_null(strstr(err, "/nonexistent/koppel.cfg: kan niet gelezen worden"));
}

static void
interval_words_are_the_planning_choices(void **state)
{
    assert_int_equal(config_interval_parse("off"), 0);
    assert_int_equal(config_interval_parse("5m"), 300);
    assert_int_equal(config_interval_parse("24h"), 86400);
    assert_int_equal(config_interval_parse("7m"), -1);
    assert_string_equal(config_interval_name(3600), "1h");
    assert_null(config_interval_name(42));
}

/* load_error - the error of loading a configuration text ("" when it loads) */
static void
load_error(const char *text, char *err, size_t errlen)
{
    char   *path = write_cfg(text);
    cfg_t  *cfg;

    *err = 0;
    cfg = cfg_load(path, err, errlen);
    unlink(path);
    cfg_destroy(&cfg);
}

static void
administration_defaults_are_api_beheerder_and_the_schema_map(void **state)
{
    char    err[1024] = "";
    char   *path = write_cfg("profiles = ( { name = \"a\"; } );\n");
    cfg_t  *cfg = cfg_load(path, err, sizeof err);
    const profile_t *p;

    unlink(path);
    if (cfg == NULL)
        fail_msg("%s", err);
    p = &cfg->profiles[0];
    assert_string_equal(p->admin_type, "api");
    assert_string_equal(p->ss_user, "Beheerder");
    assert_string_equal(p->ss_password, "");
    assert_string_equal(p->sql_user, "");
    assert_string_equal(p->schema[SCHEMA_RELATIES], "tblRelatie");
    assert_string_equal(p->schema[SCHEMA_LANDEN], "tblLand");
    assert_string_equal(p->schema[SCHEMA_RELATIE_KLANT], "fldRelatieSoort");
    assert_string_equal(p->schema[SCHEMA_RELATIE_MODIFIED], "");
    assert_string_equal(p->schema[SCHEMA_RELATIE_EMAIL], schema_default(SCHEMA_RELATIE_EMAIL));
    assert_string_equal(p->schema[SCHEMA_GROOTBOEK_SOORT], "fldGrootboekFunctieID");
    assert_string_equal(p->schema[SCHEMA_GROOTBOEKFUNCTIES], "tblGrootboekFunctie");
    assert_string_equal(schema_key_name(SCHEMA_RELATIE_FACTUUR_EMAIL), "relatie_factuur_email");
    cfg_destroy(&cfg);
}

static void
an_sql_profile_reads_server_database_login_and_schema_overrides(void **state)
{
    char    err[1024] = "";
    char   *path = write_cfg("profiles = ( { name = \"a\"; snelstart = { type = \"sql\"; "
        "sql_server = \"db01:1433\"; database = \"Administratie 2024\"; sql_user = \"S-Connect\"; "
        "sql_password = \"x\"; user = \"Jan\"; schema = { relaties = \"dbo.Klanten\"; "
        "relatie_kvk = \"\"; }; }; } );\n");
    cfg_t  *cfg = cfg_load(path, err, sizeof err);
    const profile_t *p;

    unlink(path);
    if (cfg == NULL)
        fail_msg("%s", err);
    p = &cfg->profiles[0];
    assert_string_equal(p->admin_type, "sql");
    assert_string_equal(p->sql_server, "db01:1433");
    assert_string_equal(p->database, "Administratie 2024");
    assert_string_equal(p->sql_user, "S-Connect");
    assert_string_equal(p->ss_user, "Jan");
    assert_string_equal(p->schema[SCHEMA_RELATIES], "dbo.Klanten");
    assert_string_equal(p->schema[SCHEMA_RELATIE_KVK], "");
    assert_string_equal(p->schema[SCHEMA_RELATIE_NAAM], "fldNaam");
    cfg_destroy(&cfg);
}

static void
a_join_table_without_its_columns_or_bad_klant_bits_is_refused(void **state)
{
    char    err[1024];

    load_error("profiles = ( { name = \"a\"; snelstart = { type = \"sql\"; sql_server = \"h\"; "
               "database = \"X\"; schema = { land_code = \"\"; }; }; } );\n", err, sizeof err);
    assert_non_null(strstr(err, "land_code: moet een kolom van tabel tblLand noemen"));
    load_error("profiles = ( { name = \"a\"; snelstart = { type = \"sql\"; sql_server = \"h\"; "
               "database = \"X\"; schema = { relatie_klant_bits = \"klant\"; }; }; } );\n",
               err, sizeof err);
    assert_non_null(strstr(err, "relatie_klant_bits: \"klant\" is geen geheel getal"));
}

static void
an_sql_profile_without_server_or_database_is_refused(void **state)
{
    char    err[1024];

    load_error("profiles = ( { name = \"a\"; snelstart = { type = \"sql\"; database = \"X\"; }; } );\n",
               err, sizeof err);
    assert_non_null(strstr(err, "profiles.a.snelstart: sql_server: verplicht bij type \"sql\""));
    load_error("profiles = ( { name = \"a\"; snelstart = { type = \"sql\"; sql_server = \"h\"; }; } );\n",
               err, sizeof err);
    assert_non_null(strstr(err, "database: verplicht bij type \"sql\""));
}

static void
mdb_and_lokaal_profiles_need_folder_and_administration(void **state)
{
    char    err[1024];
    char   *path = write_cfg("profiles = ( { name = \"a\"; snelstart = { type = \"lokaal\"; "
                             "folder = \"/srv/snelstart\"; administration = \"Winkel\"; }; },"
                             "{ name = \"b\"; snelstart = { type = \"mdb\"; folder = \"/srv/mdb/\"; "
                             "administration = \"Winkel\"; }; } );\n");
    cfg_t  *cfg = cfg_load(path, err, sizeof err);
    char   *mdb;

    unlink(path);
    if (cfg == NULL)
        fail_msg("%s", err);
    assert_string_equal(cfg->profiles[0].database, "Winkel");
    assert_string_equal(cfg->profiles[0].sql_server, "localhost:1433");
    mdb = profile_mdb_path(&cfg->profiles[1]);
    assert_string_equal(mdb, "/srv/mdb/Winkel.mdb");
    free(mdb);
    cfg_destroy(&cfg);
    load_error("profiles = ( { name = \"a\"; snelstart = { type = \"mdb\"; administration = \"W\"; }; } );\n",
               err, sizeof err);
    assert_non_null(strstr(err, "folder: verplicht bij type \"mdb\""));
    load_error("profiles = ( { name = \"a\"; snelstart = { type = \"lokaal\"; folder = \"/x\"; }; } );\n",
               err, sizeof err);
    assert_non_null(strstr(err, "administration: verplicht bij type \"lokaal\""));
}

static void
an_unknown_administration_type_or_schema_key_is_refused(void **state)
{
    char    err[1024];

    load_error("profiles = ( { name = \"a\"; snelstart = { type = \"odbc\"; }; } );\n",
               err, sizeof err);
    assert_non_null(strstr(err, "\"odbc\" is geen administratietype dat koppel kent "
                            "(api, sql, lokaal, mdb)"));
    load_error("profiles = ( { name = \"a\"; snelstart = { schema = { relatie_mail = \"E\"; }; }; } );\n",
               err, sizeof err);
    assert_non_null(strstr(err, "profiles.a.snelstart.schema: relatie_mail: onbekende instelling"));
    load_error("profiles = ( { name = \"a\"; snelstart = { schema = { relatie_id = \"\"; }; }; } );\n",
               err, sizeof err);
    assert_non_null(strstr(err, "relatie_id: moet een kolom"));
}

static void
a_woocommerce_profile_keeps_its_api_key(void **state)
{
    char    err[1024] = "";
    char   *path = write_cfg("profiles = (\n"
                             "  { name = \"sf\"; shop = { username = \"u\"; password = \"p\"; }; },\n"
                             "  { name = \"woo\"; shop = { type = \"woocommerce\";\n"
                             "      url = \"https://shop.example.nl\"; consumer_key = \"ck_1\";\n"
                             "      consumer_secret = \"cs_2\"; page_size = 100; }; }\n"
                             ");\n");
    cfg_t  *cfg = cfg_load(path, err, sizeof err);
    const profile_t *p;

    unlink(path);
    if (cfg == NULL)
        fail_msg("%s", err);
    assert_int_equal(cfg->nprofiles, 2);
    assert_string_equal(cfg_profile(cfg, "sf")->shop_type, "globecharge");
    p = cfg_profile(cfg, "woo");
    assert_string_equal(p->shop_type, "woocommerce");
    assert_string_equal(p->shop_url, "https://shop.example.nl");
    assert_string_equal(p->shop_username, "ck_1");
    assert_string_equal(p->shop_password, "cs_2");
    assert_int_equal(p->page_size, 100);
    cfg_destroy(&cfg);
}

/* plain_http_urls_need_insecure_http_in_words - an http:// shop, API or
 * token URL is a configuration error unless its group says insecure_http */
static void
plain_http_urls_need_insecure_http_in_words(void **state)
{
    char    err[1024];

    (void) state;
    load_error("profiles = ( { name = \"a\"; shop = { url = \"http://shop.example\"; "
               "username = \"u\"; password = \"p\"; }; } );\n", err, sizeof err);
    assert_non_null(strstr(err, "profiles.a.shop: url \"http://shop.example\": gewoon http "
                                "verstuurt"));
    assert_non_null(strstr(err, "insecure_http = true"));
    load_error("profiles = ( { name = \"a\"; shop = { url = \"http://shop.example\"; "
               "username = \"u\"; password = \"p\"; insecure_http = true; }; } );\n", err,
               sizeof err);
    assert_string_equal(err, "");
    load_error("profiles = ( { name = \"a\"; snelstart = { api_url = \"http://api/v2\"; "
               "}; } );\n", err, sizeof err);
    assert_non_null(strstr(err, "api_url \"http://api/v2\": gewoon http verstuurt"));
    load_error("profiles = ( { name = \"a\"; snelstart = { auth_url = \"http://a/token\"; "
               "}; } );\n", err, sizeof err);
    assert_non_null(strstr(err, "auth_url \"http://a/token\": gewoon http verstuurt"));
    load_error("profiles = ( { name = \"a\"; snelstart = { api_url = \"http://api/v2\"; "
               "auth_url = \"http://a/token\"; insecure_http = true; }; } );\n", err,
               sizeof err);
    assert_string_equal(err, "");
    load_error("profiles = ( { name = \"a\"; shop = { url = \"ftp://shop\"; }; } );\n", err,
               sizeof err);
    assert_non_null(strstr(err, "moet beginnen met https://"));
}

/* sql_encryption_defaults_to_require_with_the_certificate_checked */
static void
sql_encryption_defaults_to_require_with_the_certificate_checked(void **state)
{
    char    err[1024];
    char   *path = write_cfg("profiles = ( { name = \"a\"; snelstart = { type = \"sql\"; "
                             "sql_server = \"db:1433\"; database = \"Adm\"; }; } );\n");
    cfg_t  *cfg = cfg_load(path, err, sizeof err);

    (void) state;
    unlink(path);
    if (cfg == NULL)
        fail_msg("%s", err);
    assert_string_equal(cfg->profiles[0].sql_encryption, "require");
    assert_true(cfg->profiles[0].sql_tls_verify);
    assert_string_equal(cfg->profiles[0].sql_ca_file, "");
    cfg_destroy(&cfg);
    load_error("profiles = ( { name = \"a\"; snelstart = { type = \"sql\"; sql_server = "
               "\"db\"; database = \"Adm\"; sql_encryption = \"maybe\"; }; } );\n", err,
               sizeof err);
    assert_non_null(strstr(err, "sql_encryption: \"maybe\" is niet \"require\""));
    load_error("profiles = ( { name = \"a\"; snelstart = { type = \"sql\"; sql_server = "
               "\"db\"; database = \"Adm\"; sql_encryption = \"off\"; sql_tls_verify = false; "
               "sql_ca_file = \"/etc/ca.pem\"; }; } );\n", err, sizeof err);
    assert_string_equal(err, "");
}

/* credentials_in_a_url_are_refused_and_never_repeated - user:password@ in
 * a URL is refused, and the message does not hold them */
static void
credentials_in_a_url_are_refused_and_never_repeated(void **state)
{
    char    err[1024];

    (void) state;
    load_error("profiles = ( { name = \"a\"; shop = { url = "
               "\"https://winkelier:Geheim99@shop.example/webshop\"; }; } );\n", err, sizeof err);
    assert_non_null(strstr(err, "gebruikersnaam of wachtwoord in de URL"));
    assert_non_null(strstr(err, "shop.example/webshop"));
    assert_null(strstr(err, "Geheim99"));
    assert_null(strstr(err, "winkelier"));
    load_error("profiles = ( { name = \"a\"; snelstart = { api_url = "
               "\"https://key:S3cr3t@api.example/v2\"; }; } );\n", err, sizeof err);
    assert_non_null(strstr(err, "api_url"));
    assert_null(strstr(err, "S3cr3t"));
    /* an '@' in the path is no credential */
    load_error("profiles = ( { name = \"a\"; shop = { url = "
               "\"https://shop.example/@winkel\"; }; } );\n", err, sizeof err);
    assert_string_equal(err, "");
}

static void
a_woocommerce_profile_without_key_or_with_a_password_is_refused(void **state)
{
    char    err[1024] = "";
    char   *path = write_cfg("profiles = ( { name = \"woo\"; shop = { type = \"woocommerce\";\n"
                             "  url = \"https://shop.example.nl\"; consumer_key = \"ck_1\"; }; } );\n");

    assert_null(cfg_load(path, err, sizeof err));
    unlink(path);
    assert_non_null(strstr(err, "profiles.woo.shop: een WooCommerce-webwinkel heeft consumer_key "
                                "en consumer_secret"));
    path = write_cfg("profiles = ( { name = \"woo\"; shop = { type = \"woocommerce\";\n"
                     "  url = \"https://s\"; password = \"x\"; }; } );\n");
    assert_null(cfg_load(path, err, sizeof err));
    unlink(path);
    assert_non_null(strstr(err, "gebruikt consumer_key en consumer_secret"));
    assert_null(strstr(err, "\"x\""));
    path = write_cfg("profiles = ( { name = \"m\"; shop = { type = \"magento\"; }; } );\n");
    assert_null(cfg_load(path, err, sizeof err));
    unlink(path);
    assert_non_null(strstr(err, "\"magento\" is geen webwinkeltype dat koppel kent (globecharge, "
                               "woocommerce)"));
}

/* rewrite - replace a file's text and give it another modification time, as
 * an editor saving it a second later would */
static void
rewrite(const char *path, const char *text)
{
    FILE   *fp = fopen(path, "w");
    struct timespec later[2];

    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
    clock_gettime(CLOCK_REALTIME, &later[0]);
    later[0].tv_sec += 2;
    later[1] = later[0];
    assert_int_equal(utimensat(AT_FDCWD, path, later, 0), 0);
}

#define TWO_PROFILES(pw_a, pw_b) \
    "profiles = ( { name = \"a\"; shop = { url = \"https://a\"; username = \"u\";" \
    " password = \"" pw_a "\"; }; },\n" \
    "             { name = \"b\"; shop = { url = \"https://b\"; username = \"u\";" \
    " password = \"" pw_b "\"; }; } );\n"

/* two_loads - the configuration text a and text b, each loaded */
static void
two_loads(const char *a, const char *b, cfg_t **ca, cfg_t **cb)
{
    char    err[1024] = "";
    char   *path = write_cfg(a);

    if ((*ca = cfg_load(path, err, sizeof err)) == NULL)
        fail_msg("%s", err);
    rewrite(path, b);
    if ((*cb = cfg_load(path, err, sizeof err)) == NULL)
        fail_msg("%s", err);
    unlink(path);
}

static void
an_unchanged_file_changes_no_connection(void **state)
{
    cfg_t  *a, *b;

    two_loads(TWO_PROFILES("oud", "oud"), TWO_PROFILES("oud", "oud"), &a, &b);
    assert_true(cfg_connection_same(&a->profiles[0], &b->profiles[0]));
    assert_true(cfg_connection_same(&a->profiles[1], &b->profiles[1]));
    assert_true(cfg_endpoints_same(a, b));
    cfg_destroy(&a);
    cfg_destroy(&b);
}

static void
a_changed_password_changes_its_profile_only(void **state)
{
    cfg_t  *a, *b;

    two_loads(TWO_PROFILES("oud", "oud"), TWO_PROFILES("nieuw", "oud"), &a, &b);
    assert_false(cfg_connection_same(&a->profiles[0], &b->profiles[0]));
    assert_true(cfg_connection_same(&a->profiles[1], &b->profiles[1]));
    cfg_destroy(&a);
    cfg_destroy(&b);
}

static void
one_edit_fixing_two_profiles_changes_both(void **state)
{
    cfg_t  *a, *b;

    two_loads(TWO_PROFILES("fout", "fout"), TWO_PROFILES("goed", "goed"), &a, &b);
    assert_false(cfg_connection_same(&a->profiles[0], &b->profiles[0]));
    assert_false(cfg_connection_same(&a->profiles[1], &b->profiles[1]));
    cfg_destroy(&a);
    cfg_destroy(&b);
}

static void
an_administration_read_the_same_way_is_the_same(void **state)
{
    cfg_t  *a, *b;

    two_loads(TWO_PROFILES("oud", "oud"), TWO_PROFILES("nieuw", "oud"), &a, &b);
    /* another shop password: the same administration */
    assert_true(cfg_administration_same(&a->profiles[0], &b->profiles[0]));
    b->profiles[1].index_refresh_s++;
    assert_false(cfg_administration_same(&a->profiles[1], &b->profiles[1]));
    b->profiles[1].index_refresh_s--;
    free(b->profiles[1].schema[SCHEMA_RELATIE_EMAIL]);
    b->profiles[1].schema[SCHEMA_RELATIE_EMAIL] = strdup("fldMail");
    assert_false(cfg_administration_same(&a->profiles[1], &b->profiles[1]));
    cfg_destroy(&a);
    cfg_destroy(&b);
}

static void
a_written_file_is_seen_as_changed(void **state)
{
    char    err[1024] = "";
    char   *path = write_cfg(TWO_PROFILES("fout", "fout"));
    cfg_t  *cfg = cfg_load(path, err, sizeof err);
    struct timespec later[2] = { { 0, UTIME_OMIT }, { time(NULL) + 10, 0 } };

    if (cfg == NULL)
        fail_msg("%s", err);
    assert_false(cfg_file_changed(cfg));
    assert_int_equal(utimensat(AT_FDCWD, path, later, 0), 0);
    assert_true(cfg_file_changed(cfg));
    unlink(path);
    cfg_destroy(&cfg);
}

/* a WooCommerce profile with a webhook, the receiver given as koppel_text */
#define WOO_HOOK(koppel_text, hook_text) \
    "koppel = { " koppel_text " };\n" \
    "profiles = ( { name = \"woo\"; shop = { type = \"woocommerce\";\n" \
    "  url = \"https://shop.example.nl\"; consumer_key = \"ck_1\"; consumer_secret = \"cs_1\";\n" \
    "  webhook = { " hook_text " }; }; } );\n"

/* load_err - cfg_load of text must fail; the message is left in err */
static void
load_err(const char *text, char *err, size_t len)
{
    char   *path = write_cfg(text);
    cfg_t  *cfg = cfg_load(path, err, len);

    unlink(path);
    assert_null(cfg);
}

static void
webhooks_are_read_with_their_defaults(void **state)
{
    char    err[1024] = "";
    char   *path = write_cfg(WOO_HOOK("webhooks = { };",
                                      "path = \"/webhook/woo\"; secret = \"geheim\";"));
    cfg_t  *cfg = cfg_load(path, err, sizeof err), *none;

    unlink(path);
    if (cfg == NULL)
        fail_msg("%s", err);
    assert_true(cfg->webhooks.enabled);
    assert_string_equal(cfg->webhooks.listen, "127.0.0.1:8188");
    assert_string_equal(cfg->webhooks.tls_certificate, "");
    assert_int_equal(cfg->webhooks.max_body_bytes, 1048576);
    assert_string_equal(cfg->profiles[0].webhook_path, "/webhook/woo");
    assert_string_equal(cfg->profiles[0].webhook_secret, "geheim");
    assert_ptr_equal(cfg_webhook_profile(cfg, "/webhook/woo"), &cfg->profiles[0]);
    assert_null(cfg_webhook_profile(cfg, "/webhook/other"));
    cfg_keep_secrets(cfg, DAEMON_BOOKER);
    assert_string_equal(cfg->profiles[0].webhook_secret, "");
    path = write_cfg("profiles = ( { name = \"a\"; } );\n");
    none = cfg_load(path, err, sizeof err);
    unlink(path);
    assert_non_null(none);
    assert_false(none->webhooks.enabled);
    assert_string_equal(none->profiles[0].webhook_path, "");
    assert_null(cfg_webhook_profile(none, ""));
    cfg_destroy(&cfg);
    cfg_destroy(&none);
}

static void
a_public_listen_address_needs_tls(void **state)
{
    static const struct { const char *koppel, *err; } bad[] = {
        { "webhooks = { listen = \"0.0.0.0:8188\"; };",
          "koppel.webhooks: listen: \"0.0.0.0:8188\" is geen loopback-adres: dat vraagt TLS" },
        { "webhooks = { listen = \"[::]:8188\"; };", "is geen loopback-adres" },
        { "webhooks = { listen = \"8188\"; };", "koppel.webhooks: listen: \"8188\" is geen "
          "ADRES:POORT" },
        { "webhooks = { listen = \"127.0.0.1:99999\"; };", "is geen ADRES:POORT" },
        { "webhooks = { listen = \"shop.example.nl:443\"; };", "is geen ADRES:POORT" },
        { "webhooks = { listen = \"0.0.0.0:8188\"; tls_certificate = \"/etc/c.pem\"; };",
          "koppel.webhooks: tls_key: verplicht samen met tls_certificate" },
        { "webhooks = { max_body_bytes = 10; };", "max_body_bytes: moet een getal van 1024 tot "
                                                  "en met 67108864 zijn" },
        { "webhooks = { port = 1; };", "koppel.webhooks: port: onbekende instelling" },
    };
    char    err[1024], text[1024];
    char   *path;
    cfg_t  *cfg;

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(text, sizeof text, WOO_HOOK("%s", "path = \"/w\"; secret = \"s\";"),
                 bad[i].koppel);
        load_err(text, err, sizeof err);
        if (strstr(err, bad[i].err) == NULL)
            fail_msg("%s: \"%s\" lacks \"%s\"", bad[i].koppel, err, bad[i].err);
    }
    path = write_cfg(WOO_HOOK("webhooks = { listen = \"[::]:8443\"; tls_certificate = "
                              "\"/etc/koppel/c.pem\"; tls_key = \"/etc/koppel/k.pem\"; };",
                              "path = \"/w\"; secret = \"s\";"));
    cfg = cfg_load(path, err, sizeof err);
    unlink(path);
    if (cfg == NULL)
        fail_msg("%s", err);
    assert_string_equal(cfg->webhooks.tls_key, "/etc/koppel/k.pem");
    cfg_destroy(&cfg);
}

static void
a_webhook_needs_its_path_secret_receiver_and_a_woocommerce_shop(void **state)
{
    static const struct { const char *koppel, *hook, *err; } bad[] = {
        { "webhooks = { };", "secret = \"s\";",
          "profiles.woo.shop.webhook: path: verplicht" },
        { "webhooks = { };", "path = \"/w h\"; secret = \"s\";", "path: geen spaties" },
        { "webhooks = { };", "path = \"/w\";", "profiles.woo.shop.webhook: secret: verplicht" },
        { "", "path = \"/w\"; secret = \"s\";",
          "profiles.woo.shop.webhook: path: er is geen ontvanger" },
        { "webhooks = { };", "path = \"/w\"; secret = \"s\"; url = \"ftp://x\";",
          "url \"ftp://x\": moet beginnen met https://" },
        { "webhooks = { };", "path = \"/w\"; secret = \"s\"; topic = \"x\";",
          "topic: onbekende instelling" },
    };
    char    err[1024], text[1024];

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(text, sizeof text, WOO_HOOK("%s", "%s"), bad[i].koppel, bad[i].hook);
        load_err(text, err, sizeof err);
        if (strstr(err, bad[i].err) == NULL)
            fail_msg("%s: \"%s\" lacks \"%s\"", bad[i].hook, err, bad[i].err);
        assert_null(strstr(err, "\"s\""));      /* the secret is never repeated */
    }
    load_err("koppel = { webhooks = { }; };\n"
             "profiles = ( { name = \"gc\"; shop = { webhook = { path = \"/w\"; secret = \"s\"; "
             "}; }; } );\n", err, sizeof err);
    assert_non_null(strstr(err, "profiles.gc.shop: webhook: alleen een webwinkel van type "
                            "\"woocommerce\""));
}

static void
two_profiles_cannot_share_a_webhook_path(void **state)
{
    char    err[1024];

    load_err("koppel = { webhooks = { }; };\n"
             "profiles = (\n"
             " { name = \"een\"; shop = { type = \"woocommerce\"; url = \"https://a.nl\";\n"
             "   consumer_key = \"k\"; consumer_secret = \"s\";\n"
             "   webhook = { path = \"/w\"; secret = \"s1\"; }; }; },\n"
             " { name = \"twee\"; shop = { type = \"woocommerce\"; url = \"https://b.nl\";\n"
             "   consumer_key = \"k\"; consumer_secret = \"s\";\n"
             "   webhook = { path = \"/w\"; secret = \"s2\"; }; }; } );\n", err, sizeof err);
    if (strstr(err, "profiles.twee.shop.webhook: path: \"/w\" is al van profiel een") == NULL)
        fail_msg("%s", err);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(example_config_loads_with_every_kind_mapped),
        cmocka_unit_test(defaults_fill_what_a_minimal_profile_leaves_out),
        cmocka_unit_test(a_wrong_value_is_reported_with_line_and_setting),
        cmocka_unit_test(oss_grootboeken_are_read_by_country_and_rate),
        cmocka_unit_test(a_matcher_heartbeat_too_short_is_refused),
        cmocka_unit_test(an_out_of_range_number_is_reported_as_written),
        cmocka_unit_test(an_unknown_setting_is_refused),
        cmocka_unit_test(an_unknown_recognition_method_is_refused),
        cmocka_unit_test(handmatig_needs_a_default_klantcode),
        cmocka_unit_test(payment_and_invoice_settings_are_read_and_checked),
        cmocka_unit_test(two_profiles_with_one_name_are_refused),
        cmocka_unit_test(a_missing_file_is_named),
        cmocka_unit_test(interval_words_are_the_planning_choices),
        cmocka_unit_test(administration_defaults_are_api_beheerder_and_the_schema_map),
        cmocka_unit_test(an_sql_profile_reads_server_database_login_and_schema_overrides),
        cmocka_unit_test(an_sql_profile_without_server_or_database_is_refused),
        cmocka_unit_test(a_join_table_without_its_columns_or_bad_klant_bits_is_refused),
        cmocka_unit_test(mdb_and_lokaal_profiles_need_folder_and_administration),
        cmocka_unit_test(an_unknown_administration_type_or_schema_key_is_refused),
        cmocka_unit_test(a_woocommerce_profile_keeps_its_api_key),
        cmocka_unit_test(a_woocommerce_profile_without_key_or_with_a_password_is_refused),
        cmocka_unit_test(plain_http_urls_need_insecure_http_in_words),
        cmocka_unit_test(credentials_in_a_url_are_refused_and_never_repeated),
        cmocka_unit_test(sql_encryption_defaults_to_require_with_the_certificate_checked),
        cmocka_unit_test(an_unchanged_file_changes_no_connection),
        cmocka_unit_test(a_changed_password_changes_its_profile_only),
        cmocka_unit_test(one_edit_fixing_two_profiles_changes_both),
        cmocka_unit_test(an_administration_read_the_same_way_is_the_same),
        cmocka_unit_test(a_written_file_is_seen_as_changed),
        cmocka_unit_test(webhooks_are_read_with_their_defaults),
        cmocka_unit_test(a_public_listen_address_needs_tls),
        cmocka_unit_test(a_webhook_needs_its_path_secret_receiver_and_a_woocommerce_shop),
        cmocka_unit_test(two_profiles_cannot_share_a_webhook_path),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
