/*
 * NAME
 *   config - read and check koppel.cfg
 *
 * DESCRIPTION
 *   Reads the libconfig file described in config/koppel.cfg.example into a
 *   cfg_t. Defaults live in this file only. Every value is checked; the
 *   first wrong one is reported with the file, the line where libconfig
 *   has it, and the full setting path, e.g.
 *     koppel.cfg:41: profiles.winkel.shop.page_size: must be 1..100
 *
 * DIAGNOSTICS
 *   cfg_load() returns NULL and fills err; it never exits.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <libconfig.h>

#include "config.h"
#include "eu.h"
#include "factuurnummer.h"
#include "listen.h"
#include "money.h"
#include "xalloc.h"

#define DEFAULT_STATE_DIR   "/var/lib/koppel"
#define DEFAULT_SHOP_URL    "https://www.globecharge.com/webshop"
#define DEFAULT_API_URL     "https://b2bapi.snelstart.nl/v2"
#define DEFAULT_AUTH_URL    "https://auth.snelstart.nl/b2b/token"

static const char *btw_names[] = { "hoog", "laag", "geen", "overig" };
static const char *region_names[] = { "nl", "eu", "buiten_eu" };
static const char *kind_names[] = { "omzet", "verzendkosten", "betalingskosten", "korting" };
static const char *recognition_names[] = { "klantcode", "email", "klantcode-of-email",
    "email-postcode", "klantcode-of-email-postcode", "slim" };
static const char *processing_names[] = { "alleen-toevoegen", "toevoegen-en-bijwerken",
    "handmatig" };
static const char *daemon_names[] = { "scheduler", "fetcher", "matcher", "booker" };
static const char *admin_types[] = { "api", "sql", "lokaal", "mdb" };

/* the schema map's keys and defaults, in one place: SnelStart's desktop
 * tables (docs/administrations.md says which names are seen in public
 * queries against real administrations and which are assumed) */
static const struct { const char *key, *dflt; bool required; } schema_defaults[SCHEMA_N] = {
    [SCHEMA_RELATIES] = { "relaties", "tblRelatie", true },
    [SCHEMA_RELATIE_ID] = { "relatie_id", "fldRelatieID", true },
    [SCHEMA_RELATIE_CODE] = { "relatie_code", "fldRelatiecode", false },
    [SCHEMA_RELATIE_NAAM] = { "relatie_naam", "fldNaam", true },
    [SCHEMA_RELATIE_EMAIL] = { "relatie_email", "fldEmail", false },
    [SCHEMA_RELATIE_FACTUUR_EMAIL] = { "relatie_factuur_email", "fldFactuurEmailAdres", false },
    [SCHEMA_RELATIE_FACTUUR_CC_EMAIL] = { "relatie_factuur_cc_email", "fldFactuurCcEmailAdres",
                                          false },
    [SCHEMA_RELATIE_POSTCODE] = { "relatie_postcode", "fldPostcode", false },
    [SCHEMA_RELATIE_LAND] = { "relatie_land", "fldLandID", false },
    [SCHEMA_RELATIE_BTW] = { "relatie_btw", "fldBtwNummer", false },
    [SCHEMA_RELATIE_KVK] = { "relatie_kvk", "fldKvkNummer", false },
    [SCHEMA_RELATIE_NONACTIEF] = { "relatie_nonactief", "fldNonactief", false },
    [SCHEMA_RELATIE_KLANT] = { "relatie_klant", "fldRelatieSoort", false },
    [SCHEMA_RELATIE_KLANT_BITS] = { "relatie_klant_bits", "1", false },
    [SCHEMA_RELATIE_MODIFIED] = { "relatie_modified", "", false },
    [SCHEMA_LANDEN] = { "landen", "tblLand", false },
    [SCHEMA_LAND_ID] = { "land_id", "fldLandID", false },
    [SCHEMA_LAND_CODE] = { "land_code", "fldCode", false },
    [SCHEMA_GROOTBOEKEN] = { "grootboeken", "tblGrootboek", true },
    [SCHEMA_GROOTBOEK_ID] = { "grootboek_id", "fldGrootboekID", true },
    [SCHEMA_GROOTBOEK_NUMMER] = { "grootboek_nummer", "fldNummer", true },
    [SCHEMA_GROOTBOEK_OMSCHRIJVING] = { "grootboek_omschrijving", "fldOmschrijving", false },
    [SCHEMA_GROOTBOEK_NONACTIEF] = { "grootboek_nonactief", "fldNonactief", false },
    [SCHEMA_GROOTBOEK_SOORT] = { "grootboek_soort", "fldGrootboekFunctieID", true },
    [SCHEMA_GROOTBOEKFUNCTIES] = { "grootboekfuncties", "tblGrootboekFunctie", false },
    [SCHEMA_GROOTBOEKFUNCTIE_ID] = { "grootboekfunctie_id", "fldGrootboekFunctieID", false },
    [SCHEMA_GROOTBOEKFUNCTIE_SOORT] = { "grootboekfunctie_soort", "fldRekeningCode", false },
};

/* the joins of the schema map: a table, and the two columns it needs */
static const schema_key_t schema_joins[][3] = {
    { SCHEMA_LANDEN, SCHEMA_LAND_ID, SCHEMA_LAND_CODE },
    { SCHEMA_GROOTBOEKFUNCTIES, SCHEMA_GROOTBOEKFUNCTIE_ID, SCHEMA_GROOTBOEKFUNCTIE_SOORT },
};

/* schema_key_name - the setting name of a schema map entry */
const char *
schema_key_name(schema_key_t key)
{
    return (unsigned) key < SCHEMA_N ? schema_defaults[key].key : "?";
}

/* schema_default - the default table or column of a schema map entry */
const char *
schema_default(schema_key_t key)
{
    return (unsigned) key < SCHEMA_N ? schema_defaults[key].dflt : "";
}

/* profile_mdb_path - the MDB file of an mdb profile */
char *
profile_mdb_path(const profile_t *p)
{
    size_t  n = strlen(p->administration);
    bool    ext = n > 4 && strcasecmp(p->administration + n - 4, ".mdb") == 0;

    return xasprintf("%s%s%s%s", p->folder, *p->folder && p->folder[strlen(p->folder) - 1] != '/'
                     ? "/" : "", p->administration, ext ? "" : ".mdb");
}

/* interval words of the planning (manual 2.6) */
static const struct { const char *word; int seconds; } intervals[] = {
    { "off", 0 }, { "5m", 300 }, { "10m", 600 }, { "15m", 900 }, { "30m", 1800 },
    { "1h", 3600 }, { "2h", 7200 }, { "4h", 14400 }, { "8h", 28800 },
    { "12h", 43200 }, { "24h", 86400 },
};

#define NAME_FN(fn, type, table) \
const char *fn(type v) \
{ \
    if ((unsigned) v >= sizeof table / sizeof *table) \
        return "unknown"; \
    return table[v]; \
}
NAME_FN(recognition_name, recognition_t, recognition_names)
NAME_FN(daemon_name, daemon_t, daemon_names)

/* name_index - position of word in a table of names, -1 when absent */
static int
name_index(const char *word, const char **table, size_t n)
{
    size_t  i;

    for (i = 0; i < n; i++)
        if (strcmp(word, table[i]) == 0)
            return (int) i;
    return -1;
}

/* recognition_parse - the method of that name (exact, lower case) */
bool
recognition_parse(const char *name, recognition_t *out)
{
    int     v = name ? name_index(name, recognition_names,
                                  sizeof recognition_names / sizeof *recognition_names) : -1;

    if (v < 0)
        return false;
    *out = (recognition_t) v;
    return true;
}

/* config_interval_parse - "15m" -> 900; -1 when not one of the planning's intervals */
int
config_interval_parse(const char *word)
{
    size_t  i;

    for (i = 0; i < sizeof intervals / sizeof *intervals; i++)
        if (strcmp(word, intervals[i].word) == 0)
            return intervals[i].seconds;
    return -1;
}

/* config_interval_name - 900 -> "15m"; NULL when not a planning interval */
const char *
config_interval_name(int seconds)
{
    size_t  i;

    for (i = 0; i < sizeof intervals / sizeof *intervals; i++)
        if (intervals[i].seconds == seconds)
            return intervals[i].word;
    return NULL;
}

/* reader state: the file, the error buffer and whether one was written */
typedef struct {
    const char *file;
    char   *err;
    size_t  errlen;
    bool    failed;
    char  **lines;          /* the file's lines, read once when a number is checked */
    size_t  nlines;
} reader_t;

/* fail - record the first error, with line number of the setting */
static void __attribute__((format(printf, 4, 5)))
fail(reader_t *r, const config_setting_t *s, const char *path, const char *fmt, ...)
{
    va_list ap;
    int     n;

    if (r->failed)
        return;
    r->failed = true;
    n = snprintf(r->err, r->errlen, "%s:%d: %s: ", r->file,
                 s ? config_setting_source_line(s) : 0, path);
    if (n < 0 || (size_t) n >= r->errlen)
        return;
    va_start(ap, fmt);
    vsnprintf(r->err + n, r->errlen - n, fmt, ap);
    va_end(ap);
}

/* get_string - an optional string member; dflt when absent */
static char *
get_string(reader_t *r, const config_setting_t *grp, const char *prefix,
           const char *name, const char *dflt)
{
    config_setting_t *s = grp ? config_setting_get_member(grp, name) : NULL;
    const char *v;

    if (s == NULL)
        return xstrdup(dflt);
    v = config_setting_get_string(s);
    if (v == NULL) {
        fail(r, s, prefix, "%s: moet tekst tussen dubbele aanhalingstekens zijn", name);
        return xstrdup(dflt);
    }
    return xstrdup(v);
}

/* line_of - line number line (from 1) of the file, or NULL: the file is read
 * once, so that checking every number of a file of 1,000 profiles is not
 * quadratic in its length */
static const char *
line_of(reader_t *r, int line)
{
    FILE   *fp;
    char   *text = NULL;
    size_t  cap = 0;

    if (r->lines == NULL && (fp = fopen(r->file, "r")) != NULL) {
        r->lines = xcalloc(1, sizeof *r->lines);
        while (getline(&text, &cap, fp) >= 0) {
            r->lines = xrealloc(r->lines, (r->nlines + 2) * sizeof *r->lines);
            r->lines[r->nlines++] = xstrdup(text);
        }
        free(text);
        fclose(fp);
    }
    return line > 0 && (size_t) line <= r->nlines ? r->lines[line - 1] : NULL;
}

/* reader_free - the lines line_of read */
static void
reader_free(reader_t *r)
{
    size_t  i;

    for (i = 0; i < r->nlines; i++)
        free(r->lines[i]);
    free(r->lines);
}

/* written_number - the number as written after "name =" on line of the file,
 * so that a value libconfig wrapped to 32 bits (4294967297 reads as 1) is
 * reported as the bookkeeper wrote it; false when it cannot be found */
static bool
written_number(reader_t *r, int line, const char *name, char *buf, size_t len)
{
    const char *text = line_of(r, line);
    const char *at = NULL;
    size_t  n = 0, nl = strlen(name);

    if (text == NULL)
        return false;
    for (at = strstr(text, name); at; at = strstr(at + 1, name))
        if ((at == text || !(isalnum((unsigned char) at[-1]) || at[-1] == '_'))
            && strspn(at + nl, " \t") + at + nl == strpbrk(at + nl, "=:"))
            break;
    if (at == NULL)
        return false;
    at = strpbrk(at + nl, "=:") + 1;
    at += strspn(at, " \t");
    while (n + 1 < len && (isalnum((unsigned char) at[n]) || at[n] == '-' || at[n] == '+'))
        n++;
    memcpy(buf, at, n);
    buf[n] = 0;
    return n > 0;
}

/* get_int - an optional integer member in [lo, hi]; dflt when absent */
static long long
get_int(reader_t *r, const config_setting_t *grp, const char *prefix,
        const char *name, long long dflt, long long lo, long long hi)
{
    config_setting_t *s = grp ? config_setting_get_member(grp, name) : NULL;
    long long v;
    int     type;
    char    raw[64];

    if (s == NULL)
        return dflt;
    type = config_setting_type(s);
    if (type != CONFIG_TYPE_INT && type != CONFIG_TYPE_INT64) {
        fail(r, s, prefix, "%s: moet een geheel getal zijn", name);
        return dflt;
    }
    v = config_setting_get_int64(s);
    if (written_number(r, config_setting_source_line(s), name, raw, sizeof raw)) {
        char   *end;
        long long w;

        errno = 0;
        w = strtoll(raw, &end, strncasecmp(raw + (*raw == '-'), "0x", 2) == 0 ? 16 : 10);
        if (errno == ERANGE || (*end != 0 && strspn(end, "Ll") != strlen(end)) || w != v) {
            fail(r, s, prefix, "%s: moet een getal van %lld tot en met %lld zijn (niet %s)",
                 name, lo, hi, raw);
            return dflt;
        }
    }
    if (v < lo || v > hi) {
        fail(r, s, prefix, "%s: moet een getal van %lld tot en met %lld zijn (niet %lld)",
             name, lo, hi, v);
        return dflt;
    }
    return v;
}

/* get_bool - an optional boolean member; dflt when absent */
static bool
get_bool(reader_t *r, const config_setting_t *grp, const char *prefix,
         const char *name, bool dflt)
{
    config_setting_t *s = grp ? config_setting_get_member(grp, name) : NULL;

    if (s == NULL)
        return dflt;
    if (config_setting_type(s) != CONFIG_TYPE_BOOL) {
        fail(r, s, prefix, "%s: moet true of false zijn", name);
        return dflt;
    }
    return config_setting_get_bool(s);
}

/* get_group - an optional group member; NULL when absent */
static config_setting_t *
get_group(reader_t *r, const config_setting_t *grp, const char *prefix, const char *name)
{
    config_setting_t *s = grp ? config_setting_get_member(grp, name) : NULL;

    if (s != NULL && config_setting_type(s) != CONFIG_TYPE_GROUP) {
        fail(r, s, prefix, "%s: moet een groep { ... } zijn", name);
        return NULL;
    }
    return s;
}

/* check_members - every member of a group must be one of the known names */
static void
check_members(reader_t *r, const config_setting_t *grp, const char *prefix,
              const char **known)
{
    int     i, n;
    const char **k;

    if (grp == NULL)
        return;
    n = config_setting_length(grp);
    for (i = 0; i < n; i++) {
        config_setting_t *m = config_setting_get_elem(grp, i);
        const char *name = config_setting_name(m);

        for (k = known; *k; k++)
            if (strcmp(*k, name) == 0)
                break;
        if (*k == NULL)
            fail(r, m, prefix, "%s: onbekende instelling (zie config/koppel.cfg.example)", name);
    }
}

/* oss_key - "BE_21" or "FR_5_5": country and rate in 1/100 %; false when
 * the name is not of that form */
static bool
oss_key(const char *name, char country[3], int32_t *rate_e2)
{
    const char *p = name + 3;
    int32_t whole = 0, frac = 0;
    int     nd = 0, nf = 0;

    if (strlen(name) < 4 || !isupper((unsigned char) name[0]) || !isupper((unsigned char) name[1])
        || name[2] != '_')
        return false;
    for (; isdigit((unsigned char) *p) && nd < 3; p++, nd++)
        whole = whole * 10 + (*p - '0');
    if (*p == '_')
        for (p++; isdigit((unsigned char) *p) && nf < 2; p++, nf++)
            frac = frac * 10 + (*p - '0');
    if (nd == 0 || *p != '\0' || (p[-1] == '_') || whole > 100)
        return false;
    if (nf == 1)
        frac *= 10;
    country[0] = name[0];
    country[1] = name[1];
    country[2] = '\0';
    *rate_e2 = whole * 100 + frac;
    return *rate_e2 > 0 && *rate_e2 <= 10000;
}

/* read_oss - profiles.NAME.grootboeken.oss.CC_RATE = number */
static void
read_oss(reader_t *r, const config_setting_t *grp, const char *prefix, profile_t *p)
{
    int     n = grp ? config_setting_length(grp) : 0;

    p->noss = 0;
    for (int i = 0; i < n; i++) {
        config_setting_t *m = config_setting_get_elem(grp, i);
        const char *name = config_setting_name(m);
        oss_grootboek_t *g = &p->oss[p->noss];

        if (p->noss == OSS_MAX) {
            fail(r, m, prefix, "%s: meer dan %d OSS-grootboekrekeningen", name, OSS_MAX);
            return;
        }
        if (!oss_key(name, g->country, &g->rate_e2)) {
            fail(r, m, prefix, "%s: moet LAND_TARIEF zijn, bijvoorbeeld BE_21 of FR_5_5 "
                 "(5,5 %%)", name);
            continue;
        }
        if (!eu_member(g->country) || strcmp(g->country, "NL") == 0
            || strcmp(g->country, "EL") == 0) {
            fail(r, m, prefix, "%s: %s is geen andere EU-lidstaat (Griekenland is GR)", name,
                 g->country);
            continue;
        }
        for (size_t j = 0; j < p->noss; j++)
            if (strcmp(p->oss[j].country, g->country) == 0 && p->oss[j].rate_e2 == g->rate_e2)
                fail(r, m, prefix, "%s: hetzelfde land en tarief als een eerdere regel", name);
        g->nummer = (int32_t) get_int(r, grp, prefix, name, 0, 1, 99999999);
        p->noss++;
    }
}

/* read_grootboeken - profiles.NAME.grootboeken.KIND.REGION.BTW = number */
static void
read_grootboeken(reader_t *r, const config_setting_t *grp, const char *prefix, profile_t *p)
{
    static const char *kinds[] = { "omzet", "verzendkosten", "betalingskosten", "korting", "oss",
                                   NULL };
    static const char *regions[] = { "nl", "eu", "buiten_eu", NULL };
    static const char *btws[] = { "hoog", "laag", "geen", "overig", NULL };
    int     k, g, b;

    check_members(r, grp, prefix, kinds);
    for (k = 0; k < KIND_N; k++) {
        char    kp[256];
        config_setting_t *kg;

        snprintf(kp, sizeof kp, "%s.%s", prefix, kind_names[k]);
        kg = get_group(r, grp, prefix, kind_names[k]);
        check_members(r, kg, kp, regions);
        for (g = 0; g < REGION_N; g++) {
            char    rp[300];
            config_setting_t *rg = get_group(r, kg, kp, region_names[g]);

            snprintf(rp, sizeof rp, "%s.%s", kp, region_names[g]);
            check_members(r, rg, rp, btws);
            for (b = 0; b < BTW_NSOORTEN; b++)
                p->grootboek[k][g][b] = (int32_t) get_int(r, rg, rp, btw_names[b], 0, 0, 99999999);
        }
    }
    {
        char    op[256];

        snprintf(op, sizeof op, "%s.oss", prefix);
        read_oss(r, get_group(r, grp, prefix, "oss"), op, p);
    }
}

/* read_administration - the sql, lokaal and mdb settings and the schema map */
static void
read_administration(reader_t *r, const config_setting_t *g, const char *sub, profile_t *p)
{
    const char *keys[SCHEMA_N + 1];
    char    sp[256];
    config_setting_t *sg;
    int     i;

    p->sql_server = get_string(r, g, sub, "sql_server", "");
    p->database = get_string(r, g, sub, "database", "");
    p->sql_user = get_string(r, g, sub, "sql_user", "");
    p->sql_password = get_string(r, g, sub, "sql_password", "");
    p->sql_encryption = get_string(r, g, sub, "sql_encryption", "require");
    p->sql_tls_verify = get_bool(r, g, sub, "sql_tls_verify", true);
    p->sql_ca_file = get_string(r, g, sub, "sql_ca_file", "");
    if (strcmp(p->sql_encryption, "require") != 0 && strcmp(p->sql_encryption, "request") != 0
        && strcmp(p->sql_encryption, "off") != 0)
        fail(r, g, sub, "sql_encryption: \"%s\" is niet \"require\" (de standaard: TLS of "
             "geen verbinding), \"request\" (TLS als de server het aanbiedt) of "
             "\"off\" (alleen een testserver: het wachtwoord kan onversleuteld gaan)",
             p->sql_encryption);
    p->folder = get_string(r, g, sub, "folder", "");
    p->administration = get_string(r, g, sub, "administration", "");
    p->ss_user = get_string(r, g, sub, "user", "Beheerder");
    p->ss_password = get_string(r, g, sub, "password", "");
    if (strcmp(p->admin_type, "sql") == 0) {
        if (*p->sql_server == 0)
            fail(r, g, sub, "sql_server: verplicht bij type \"sql\" (de SQL Server, "
                 "bijvoorbeeld \"server01\\\\SNELSTART\" of \"server01:1433\")");
        else if (*p->database == 0)
            fail(r, g, sub, "database: verplicht bij type \"sql\" (de databasenaam van de "
                 "administratie; koppelctl admins toont ze)");
    } else if (strcmp(p->admin_type, "lokaal") == 0 || strcmp(p->admin_type, "mdb") == 0) {
        if (*p->folder == 0)
            fail(r, g, sub, "folder: verplicht bij type \"%s\" (de map van de "
                 "administraties)", p->admin_type);
        else if (*p->administration == 0)
            fail(r, g, sub, "administration: verplicht bij type \"%s\" (koppelctl "
                 "admins toont ze)", p->admin_type);
        if (strcmp(p->admin_type, "lokaal") == 0) {
            /* a LocalDB administration is served by a SQL Server instance
               (docs/administrations.md): database defaults to its name */
            if (*p->sql_server == 0) {
                free(p->sql_server);
                p->sql_server = xstrdup("localhost:1433");
            }
            if (*p->database == 0) {
                free(p->database);
                p->database = xstrdup(p->administration);
            }
        }
    }
    snprintf(sp, sizeof sp, "%s.schema", sub);
    sg = get_group(r, g, sub, "schema");
    for (i = 0; i < SCHEMA_N; i++)
        keys[i] = schema_defaults[i].key;
    keys[SCHEMA_N] = NULL;
    check_members(r, sg, sp, keys);
    for (i = 0; i < SCHEMA_N; i++) {
        p->schema[i] = get_string(r, sg, sp, schema_defaults[i].key, schema_defaults[i].dflt);
        if (schema_defaults[i].required && *p->schema[i] == 0)
            fail(r, sg, sp, "%s: moet een %s noemen", schema_defaults[i].key,
                 i == SCHEMA_RELATIES || i == SCHEMA_GROOTBOEKEN ? "tabel" : "kolom");
        else if (strpbrk(p->schema[i], "\n\r") != NULL)
            fail(r, sg, sp, "%s: een naam kan geen regelovergang bevatten", schema_defaults[i].key);
    }
    for (i = 0; i < (int) (sizeof schema_joins / sizeof schema_joins[0]); i++) {
        int     k;

        for (k = 1; k < 3 && *p->schema[schema_joins[i][0]]; k++)
            if (*p->schema[schema_joins[i][k]] == 0)
                fail(r, sg, sp, "%s: moet een kolom van tabel %s noemen (of zet %s = \"\")",
                     schema_defaults[schema_joins[i][k]].key, p->schema[schema_joins[i][0]],
                     schema_defaults[schema_joins[i][0]].key);
    }
    if (*p->schema[SCHEMA_RELATIE_KLANT_BITS]) {
        const char *b = p->schema[SCHEMA_RELATIE_KLANT_BITS];
        char   *end;
        long    v = strtol(b, &end, 10);

        if (end == b || *end || v < 1 || v > INT32_MAX)
            fail(r, sg, sp, "relatie_klant_bits: \"%s\" is geen geheel getal vanaf 1 "
                 "(\"\" leest relatie_klant als true of false)", b);
    }
}

/* check_url - a URL setting is https:// (http:// only with insecure_http)
 * and holds no user name or password. The message shows the URL without
 * what stands before an '@', so that a password written into it is never
 * repeated in an error, a log or a status. */
static void
check_url(reader_t *r, const config_setting_t *g, const char *path, const char *key,
          const char *url, bool insecure_http)
{
    const char *rest, *end, *at;
    char    shown[256];

    if (*url == 0)
        return;                         /* "required" is said elsewhere */
    if (strncasecmp(url, "https://", 8) == 0)
        rest = url + 8;
    else if (strncasecmp(url, "http://", 7) == 0)
        rest = url + 7;
    else
        rest = NULL;
    end = rest ? rest + strcspn(rest, "/?#") : url;
    at = rest ? memchr(rest, '@', (size_t) (end - rest)) : NULL;
    if (at != NULL) {
        snprintf(shown, sizeof shown, "%.*s***@%.*s", (int) (rest - url), url,
                 (int) (strlen(at + 1) < 160 ? strlen(at + 1) : 160), at + 1);
        fail(r, g, path, "%s \"%s\": een gebruikersnaam of wachtwoord in de URL wordt niet "
             "geaccepteerd (het zou met elk verzoek meegaan en in logboeken staan); zet het "
             "in de eigen instellingen van het profiel", key, shown);
        return;
    }
    snprintf(shown, sizeof shown, "%.160s", url);
    if (rest == NULL)
        fail(r, g, path, "%s \"%s\": moet beginnen met https://", key, shown);
    else if (rest == url + 7 && !insecure_http)
        fail(r, g, path, "%s \"%s\": gewoon http verstuurt wachtwoorden en orders "
             "onversleuteld; gebruik https://, of zet insecure_http = true in deze groep voor "
             "een testserver op een eigen netwerk", key, shown);
}

/* psp_name - the provider's name as a setting */
const char *
psp_name(psp_t psp)
{
    static const char *names[PSP_N] = { "mollie", "paypal", "stripe" };

    return psp < PSP_N ? names[psp] : "?";
}

/* get_fixed - an optional non-negative decimal in a string ("0.29", "1.8") as a
 * fixed-point number with that many decimals; 0 when absent */
static int64_t
get_fixed(reader_t *r, const config_setting_t *grp, const char *prefix, const char *name,
          int decimals, const char *what)
{
    config_setting_t *s = grp ? config_setting_get_member(grp, name) : NULL;
    const char *v;
    int64_t out;

    if (s == NULL)
        return 0;
    v = config_setting_get_string(s);
    if (v == NULL || !money_parse_fixed(v, decimals, &out) || out < 0) {
        fail(r, s, prefix, "%s: moet %s tussen dubbele aanhalingstekens zijn, bijvoorbeeld "
                           "\"%s\"", name, what,
             decimals == 2 ? "0.29" : "1.8");
        return 0;
    }
    return out;
}

/* read_betalingen - profiles.NAME.betalingen: whether and how payments are booked */
static void
read_betalingen(reader_t *r, const config_setting_t *grp, const char *prefix, profile_t *p)
{
    static const char *keys[] = { "boeken", "dagboek", "mollie", "paypal", "stripe", NULL };
    static const char *psp_keys[] = { "methoden", "tussenrekening", "kosten_grootboek",
        "kosten_vast", "kosten_procent", "kosten_veld", NULL };
    char    pp[256];
    int     i, j, n;

    check_members(r, grp, prefix, keys);
    p->betalingen_boeken = get_bool(r, grp, prefix, "boeken", false);
    p->betalingen_dagboek = (int32_t) get_int(r, grp, prefix, "dagboek", 0, 0, 99999999);
    if (p->betalingen_boeken && p->betalingen_dagboek == 0)
        fail(r, grp, prefix, "dagboek: het nummer van een memoriaaldagboek is verplicht als "
             "boeken true is");
    for (i = 0; i < PSP_N; i++) {
        psp_setting_t *s = &p->psp[i];
        config_setting_t *g, *m;

        snprintf(pp, sizeof pp, "%s.%s", prefix, psp_name((psp_t) i));
        g = get_group(r, grp, prefix, psp_name((psp_t) i));
        s->fee_field = get_string(r, g, pp, "kosten_veld", "");
        if (g == NULL)
            continue;
        check_members(r, g, pp, psp_keys);
        s->tussenrekening = (int32_t) get_int(r, g, pp, "tussenrekening", 0, 0, 99999999);
        s->kosten_grootboek = (int32_t) get_int(r, g, pp, "kosten_grootboek", 0, 0, 99999999);
        s->fee_fixed_cents = get_fixed(r, g, pp, "kosten_vast", 2, "een bedrag in euro");
        s->fee_percent_e4 = get_fixed(r, g, pp, "kosten_procent", 4, "een percentage");
        if (s->fee_percent_e4 > 1000000)
            fail(r, g, pp, "kosten_procent: hoogstens 100");
        m = config_setting_get_member(g, "methoden");
        if (m == NULL || config_setting_type(m) != CONFIG_TYPE_ARRAY
            || (n = config_setting_length(m)) == 0) {
            fail(r, m ? m : g, pp, "methoden: verplicht, een lijst van de betaalmethoden van de "
                 "webwinkel tussen dubbele aanhalingstekens, bijvoorbeeld [\"iDEAL\", "
                 "\"Bancontact\"]");
            continue;
        }
        s->methods = xcalloc((size_t) n, sizeof *s->methods);
        for (j = 0; j < n; j++) {
            const char *v = config_setting_get_string_elem(m, j);

            if (v == NULL || *v == 0) {
                fail(r, m, pp, "methoden: element %d moet een betaalmethode tussen "
                     "dubbele aanhalingstekens zijn", j + 1);
                break;
            }
            s->methods[s->nmethods++] = xstrdup(v);
        }
        if (s->tussenrekening == 0)
            fail(r, g, pp, "tussenrekening: het grootboekrekeningnummer van de tussenrekening "
                 "van %s is verplicht", psp_name((psp_t) i));
        if (s->kosten_grootboek == 0)
            fail(r, g, pp, "kosten_grootboek: het grootboekrekeningnummer voor de kosten van %s "
             "is verplicht",
                 psp_name((psp_t) i));
    }
}

/* read_webhook - profiles.NAME.shop.webhook: the path and secret of the
 * profile's deliveries (a WooCommerce shop only: Globecharge has none) */
static void
read_webhook(reader_t *r, const config_setting_t *shop, const char *prefix, profile_t *p)
{
    static const char *keys[] = { "path", "secret", "url", NULL };
    config_setting_t *g = get_group(r, shop, prefix, "webhook");
    char    sub[256];
    const char *c;

    snprintf(sub, sizeof sub, "%s.webhook", prefix);
    check_members(r, g, sub, keys);
    p->webhook_path = get_string(r, g, sub, "path", "");
    p->webhook_secret = get_string(r, g, sub, "secret", "");
    p->webhook_url = get_string(r, g, sub, "url", "");
    if (g == NULL)
        return;
    if (strcmp(p->shop_type, "woocommerce") != 0) {
        fail(r, g, prefix, "webhook: alleen een webwinkel van type \"woocommerce\" levert "
                           "webhooks");
        return;
    }
    if (p->webhook_path[0] != '/')
        fail(r, g, sub, "path: verplicht, het pad waar de leveringen binnenkomen, "
             "beginnend met /, bijvoorbeeld \"/webhook/%s\"", p->name);
    for (c = p->webhook_path; *c; c++)
        if (*c <= ' ' || *c == '?' || *c == '#' || *c == '%' || *c == 127)
            fail(r, g, sub, "path: geen spaties, stuurtekens, ?, # of %% in een pad");
    if (*p->webhook_secret == 0)
        fail(r, g, sub, "secret: verplicht, het geheim waarmee de webhook in WooCommerce is "
             "geregistreerd (het ondertekent elke levering)");
    check_url(r, g, sub, "url", p->webhook_url, p->shop_insecure_http);
}

/* read_webhooks - koppel.webhooks: where the fetcher receives deliveries */
static void
read_webhooks(reader_t *r, const config_setting_t *top, webhooks_t *w)
{
    static const char *keys[] = { "listen", "tls_certificate", "tls_key", "max_body_bytes",
        NULL };
    static const char *prefix = "koppel.webhooks";
    config_setting_t *g = get_group(r, top, "koppel", "webhooks");
    struct sockaddr_storage sa;
    bool    loopback = false;

    check_members(r, g, prefix, keys);
    w->enabled = g != NULL;
    w->listen = get_string(r, g, prefix, "listen", "127.0.0.1:8188");
    w->tls_certificate = get_string(r, g, prefix, "tls_certificate", "");
    w->tls_key = get_string(r, g, prefix, "tls_key", "");
    w->max_body_bytes = get_int(r, g, prefix, "max_body_bytes", 1048576, 1024, 67108864);
    if (!w->enabled)
        return;
    if (!listen_parse(w->listen, &sa, &loopback))
        fail(r, g, prefix, "listen: \"%.64s\" is geen ADRES:POORT, bijvoorbeeld "
             "\"127.0.0.1:8188\" of \"[::1]:8188\"", w->listen);
    else if (!(*w->tls_certificate && *w->tls_key) && (*w->tls_certificate || *w->tls_key))
        fail(r, g, prefix, "%s: verplicht samen met %s (beide PEM-bestanden, of geen van beide)",
             *w->tls_key ? "tls_certificate" : "tls_key",
             *w->tls_key ? "tls_key" : "tls_certificate");
    else if (!loopback && *w->tls_certificate == 0)
        fail(r, g, prefix, "listen: \"%s\" is geen loopback-adres: dat vraagt TLS "
             "(tls_certificate en tls_key), of luister op 127.0.0.1 achter nginx of Caddy "
             "(docs/woocommerce.md); anders gaan orders onversleuteld over het netwerk", w->listen);
}

/* check_webhook - profile i's webhook path is its own, and there is a
 * receiver to take its deliveries */
static void
check_webhook(reader_t *r, const config_setting_t *ps, const cfg_t *self, size_t i)
{
    const profile_t *p = &self->profiles[i];
    char    prefix[160];

    if (*p->webhook_path == 0)
        return;
    snprintf(prefix, sizeof prefix, "profiles.%s.shop.webhook", p->name);
    if (!self->webhooks.enabled)
        fail(r, ps, prefix, "path: er is geen ontvanger: voeg koppel.webhooks { listen = ...; } "
             "toe (zie config/koppel.cfg.example)");
    for (size_t j = 0; j < i; j++)
        if (strcmp(self->profiles[j].webhook_path, p->webhook_path) == 0)
            fail(r, ps, prefix, "path: \"%s\" is al van profiel %s; elk profiel heeft "
                 "een eigen pad nodig", p->webhook_path, self->profiles[j].name);
}

/* read_profile - one element of the profiles list */
static void
read_profile(reader_t *r, const config_setting_t *ps, profile_t *p, size_t index)
{
    static const char *profile_keys[] = { "name", "description", "enabled", "shop", "snelstart",
        "booking", "grootboeken", "customers", "planning", "betalingen", "factuur", NULL };
    static const char *shop_keys[] = { "type", "url", "username", "password",
        "consumer_key", "consumer_secret", "from_order", "page_size", "late_window",
        "tls_verify", "insecure_http", "webhook", NULL };
    static const char *ss_keys[] = { "type", "api_url", "auth_url", "client_key",
        "subscription_key", "tls_verify", "insecure_http", "rate_per_minute", "rate_per_hour",
        "max_concurrent", "timeout", "index_refresh", "time_scale", "sql_server", "database",
        "sql_user", "sql_password", "sql_encryption", "sql_tls_verify", "sql_ca_file",
        "folder", "administration", "user", "password", "schema", NULL };
    static const char *booking_keys[] = { "markeer_als_ongelezen", "factuurnummer_prefix",
        "betalingstermijn", NULL };
    static const char *customer_keys[] = { "recognition", "processing", "default_klantcode",
        "payment_term", NULL };
    static const char *planning_keys[] = { "importeren_financieel", NULL };
    static const char *factuur_keys[] = { "pdf_bijvoegen", "naam", "adres", "btw_nummer",
        "kvk_nummer", NULL };
    char    prefix[128], sub[192];
    config_setting_t *g;
    char   *word;
    int     v;
    const char *c;

    if (config_setting_type(ps) != CONFIG_TYPE_GROUP) {
        fail(r, ps, "profiles", "element %zu: moet een groep { name = ...; } zijn", index + 1);
        return;
    }
    p->name = get_string(r, ps, "profiles", "name", "");
    if (*p->name == 0) {
        fail(r, ps, "profiles", "element %zu: name is verplicht", index + 1);
        return;
    }
    for (c = p->name; *c; c++)
        if (!(*c == '-' || *c == '_' || (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z')
              || (*c >= '0' && *c <= '9'))) {
            fail(r, ps, "profiles", "name \"%s\": gebruik alleen letters, cijfers, '-' en "
                                    "'_'", p->name);
            return;
        }
    snprintf(prefix, sizeof prefix, "profiles.%s", p->name);
    check_members(r, ps, prefix, profile_keys);
    p->description = get_string(r, ps, prefix, "description", "");
    p->enabled = get_bool(r, ps, prefix, "enabled", true);

    snprintf(sub, sizeof sub, "%s.shop", prefix);
    g = get_group(r, ps, prefix, "shop");
    check_members(r, g, sub, shop_keys);
    p->shop_type = get_string(r, g, sub, "type", "globecharge");
    if (strcmp(p->shop_type, "globecharge") == 0) {
        if (g && (config_setting_get_member(g, "consumer_key")
                  || config_setting_get_member(g, "consumer_secret")))
            fail(r, g, sub, "consumer_key en consumer_secret horen bij type \"woocommerce\"; "
                 "een Globecharge-webwinkel gebruikt username en password");
        p->shop_url = get_string(r, g, sub, "url", DEFAULT_SHOP_URL);
        p->shop_username = get_string(r, g, sub, "username", "");
        p->shop_password = get_string(r, g, sub, "password", "");
    } else if (strcmp(p->shop_type, "woocommerce") == 0) {
        /* the REST API key: consumer key and secret, kept in the username
         * and password fields of the profile (HTTP Basic, docs/woocommerce.md) */
        if (g && (config_setting_get_member(g, "username")
                  || config_setting_get_member(g, "password")))
            fail(r, g, sub, "een WooCommerce-webwinkel gebruikt consumer_key en consumer_secret "
                 "(WooCommerce > Instellingen > Geavanceerd > REST API), niet username en "
                 "password");
        p->shop_url = get_string(r, g, sub, "url", "");
        p->shop_username = get_string(r, g, sub, "consumer_key", "");
        p->shop_password = get_string(r, g, sub, "consumer_secret", "");
        if (*p->shop_url == 0)
            fail(r, g, sub, "url: een WooCommerce-webwinkel heeft het adres van zijn "
                 "WordPress-site nodig, bijvoorbeeld \"https://shop.example.nl\"");
        else if (*p->shop_username == 0 || *p->shop_password == 0)
            fail(r, g, sub, "een WooCommerce-webwinkel heeft consumer_key en consumer_secret "
                            "nodig");
    } else {
        fail(r, g, sub, "type: \"%s\" is geen webwinkeltype dat koppel kent (globecharge, "
             "woocommerce)", p->shop_type);
        p->shop_url = xstrdup("");
        p->shop_username = xstrdup("");
        p->shop_password = xstrdup("");
    }
    p->from_order = get_int(r, g, sub, "from_order", 1, 0, INT64_MAX);
    p->page_size = (int) get_int(r, g, sub, "page_size", 50, 1, 100);
    p->late_window = (int) get_int(r, g, sub, "late_window", 200, 0, 100000);
    p->shop_tls_verify = get_bool(r, g, sub, "tls_verify", true);
    p->shop_insecure_http = get_bool(r, g, sub, "insecure_http", false);
    check_url(r, g, sub, "url", p->shop_url, p->shop_insecure_http);
    read_webhook(r, g, sub, p);

    snprintf(sub, sizeof sub, "%s.snelstart", prefix);
    g = get_group(r, ps, prefix, "snelstart");
    check_members(r, g, sub, ss_keys);
    p->admin_type = get_string(r, g, sub, "type", "api");
    if (name_index(p->admin_type, admin_types, sizeof admin_types / sizeof *admin_types) < 0)
        fail(r, g, sub, "type: \"%s\" is geen administratietype dat koppel kent "
             "(api, sql, lokaal, mdb)", p->admin_type);
    read_administration(r, g, sub, p);
    p->api_url = get_string(r, g, sub, "api_url", DEFAULT_API_URL);
    p->auth_url = get_string(r, g, sub, "auth_url", DEFAULT_AUTH_URL);
    p->client_key = get_string(r, g, sub, "client_key", "");
    p->subscription_key = get_string(r, g, sub, "subscription_key", "");
    p->api_tls_verify = get_bool(r, g, sub, "tls_verify", true);
    p->api_insecure_http = get_bool(r, g, sub, "insecure_http", false);
    check_url(r, g, sub, "api_url", p->api_url, p->api_insecure_http);
    check_url(r, g, sub, "auth_url", p->auth_url, p->api_insecure_http);
    p->rate_per_minute = (int) get_int(r, g, sub, "rate_per_minute", 500, 1, 1000000);
    p->rate_per_hour = (int) get_int(r, g, sub, "rate_per_hour", 5000, 1, 100000000);
    p->max_concurrent = (int) get_int(r, g, sub, "max_concurrent", 50, 1, 1000);
    p->timeout_s = (int) get_int(r, g, sub, "timeout", 30, 1, 3600);
    p->index_refresh_s = (int) get_int(r, g, sub, "index_refresh", 60, 1, 86400);
    p->time_scale = (int) get_int(r, g, sub, "time_scale", 1, 1, 3600);

    snprintf(sub, sizeof sub, "%s.booking", prefix);
    g = get_group(r, ps, prefix, "booking");
    check_members(r, g, sub, booking_keys);
    p->markeer_als_ongelezen = get_bool(r, g, sub, "markeer_als_ongelezen", false);
    p->factuurnummer_prefix = get_string(r, g, sub, "factuurnummer_prefix", "");
    if (strlen(p->factuurnummer_prefix) > FACTUURNUMMER_PREFIX_MAX)
        fail(r, g, sub, "factuurnummer_prefix: hoogstens %d tekens, zodat het "
             "factuurnummer binnen de %d van SnelStart blijft", FACTUURNUMMER_PREFIX_MAX,
             FACTUURNUMMER_MAX);
    p->betalingstermijn = (int) get_int(r, g, sub, "betalingstermijn", 14, 0, 999);

    snprintf(sub, sizeof sub, "%s.grootboeken", prefix);
    read_grootboeken(r, get_group(r, ps, prefix, "grootboeken"), sub, p);

    snprintf(sub, sizeof sub, "%s.betalingen", prefix);
    read_betalingen(r, get_group(r, ps, prefix, "betalingen"), sub, p);

    snprintf(sub, sizeof sub, "%s.factuur", prefix);
    g = get_group(r, ps, prefix, "factuur");
    check_members(r, g, sub, factuur_keys);
    p->factuur_pdf = get_bool(r, g, sub, "pdf_bijvoegen", false);
    p->shop_naam = get_string(r, g, sub, "naam", "");
    p->shop_adres = get_string(r, g, sub, "adres", "");
    p->shop_btw_nummer = get_string(r, g, sub, "btw_nummer", "");
    p->shop_kvk_nummer = get_string(r, g, sub, "kvk_nummer", "");
    if (p->factuur_pdf && (*p->shop_naam == 0 || *p->shop_adres == 0
                           || *p->shop_btw_nummer == 0))
        fail(r, g, sub, "naam, adres en btw_nummer: verplicht op een factuur als "
             "pdf_bijvoegen true is");

    snprintf(sub, sizeof sub, "%s.customers", prefix);
    g = get_group(r, ps, prefix, "customers");
    check_members(r, g, sub, customer_keys);
    word = get_string(r, g, sub, "recognition", "email");
    if (!recognition_parse(word, &p->recognition))
        fail(r, g, sub, "recognition: \"%s\" is geen herkenningsmethode (klantcode, email, "
             "klantcode-of-email, email-postcode, klantcode-of-email-postcode, slim)", word);
    free(word);
    word = get_string(r, g, sub, "processing", "alleen-toevoegen");
    v = name_index(word, processing_names, sizeof processing_names / sizeof *processing_names);
    if (v < 0)
        fail(r, g, sub, "processing: \"%s\" is geen verwerking (alleen-toevoegen, "
             "toevoegen-en-bijwerken, handmatig)", word);
    p->processing = v < 0 ? PROCESSING_ALLEEN_TOEVOEGEN : (processing_t) v;
    free(word);
    p->default_klantcode = (int32_t) get_int(r, g, sub, "default_klantcode", 0, 0, INT32_MAX);
    if (p->processing == PROCESSING_HANDMATIG && p->default_klantcode == 0)
        fail(r, g, sub, "default_klantcode: verplicht als processing \"handmatig\" is");
    p->default_betalingstermijn = (int) get_int(r, g, sub, "payment_term", 14, 0, 999);

    snprintf(sub, sizeof sub, "%s.planning", prefix);
    g = get_group(r, ps, prefix, "planning");
    check_members(r, g, sub, planning_keys);
    word = get_string(r, g, sub, "importeren_financieel", "off");
    p->import_interval_s = config_interval_parse(word);
    if (p->import_interval_s < 0) {
        fail(r, g, sub, "importeren_financieel: \"%s\" is geen interval (off, 5m, 10m, "
             "15m, 30m, 1h, 2h, 4h, 8h, 12h, 24h)", word);
        p->import_interval_s = 0;
    }
    free(word);
}

/* endpoint - a configured endpoint, or ipc://STATE/NAME */
static char *
endpoint(reader_t *r, const config_setting_t *eps, const char *state_dir, const char *name,
         const char *file)
{
    char   *dflt = xasprintf("ipc://%s/%s", state_dir, file);
    char   *v = get_string(r, eps, "koppel.endpoints", name, dflt);

    free(dflt);
    if (strncmp(v, "ipc://", 6) != 0 && strncmp(v, "tcp://", 6) != 0)
        fail(r, config_setting_get_member(eps, name), "koppel.endpoints", "%s: \"%s\" moet "
             "beginnen met ipc:// of tcp://", name, v);
    return v;
}

/* secret_free - wipe a secret's bytes, then free it */
static void
secret_free(char *s)
{
    if (s != NULL)
        explicit_bzero(s, strlen(s));
    free(s);
}

/* secret_wipe - zero a secret in place: the field reads "" from then on */
static void
secret_wipe(char *s)
{
    if (s != NULL)
        explicit_bzero(s, strlen(s));
}

/*
 * Which daemon uses which secret, the one place it is written down: each
 * daemon wipes the others right after reading the file (cfg_keep_secrets),
 * so that its memory (a core file, a debugger) holds no secret it does not
 * need. koppelctl (DAEMON_N) keeps them all: test-connection uses each.
 *   fetcher    the shop's password or WooCommerce consumer secret, and the
 *              webhook's secret (it checks the deliveries' signatures)
 *   matcher    SnelStart's client and subscription key (API reads), the SQL
 *              password and the SnelStart user's password (sql, lokaal, mdb)
 *   booker     SnelStart's client and subscription key (it posts)
 *   scheduler  none
 * The CURVE secret key is netsec's, kept by every daemon: each has sockets.
 */
enum { SECRET_SHOP = 1, SECRET_SQL = 2, SECRET_SS_USER = 4, SECRET_API = 8 };
static const unsigned secrets_used[DAEMON_N] = {
    [DAEMON_SCHEDULER] = 0,
    [DAEMON_FETCHER] = SECRET_SHOP,
    [DAEMON_MATCHER] = SECRET_SQL | SECRET_SS_USER | SECRET_API,
    [DAEMON_BOOKER] = SECRET_API,
};

/* cfg_keep_secrets - wipe every secret the daemon does not use */
void
cfg_keep_secrets(cfg_t *self, daemon_t which)
{
    unsigned used = which < DAEMON_N ? secrets_used[which] : ~0u;
    size_t  i;

    self->secrets_of = which;
    for (i = 0; i < self->nprofiles; i++) {
        profile_t *p = &self->profiles[i];

        if (!(used & SECRET_SHOP)) {
            secret_wipe(p->shop_password);
            secret_wipe(p->webhook_secret);
        }
        if (!(used & SECRET_SQL))
            secret_wipe(p->sql_password);
        if (!(used & SECRET_SS_USER))
            secret_wipe(p->ss_password);
        if (!(used & SECRET_API)) {
            secret_wipe(p->client_key);
            secret_wipe(p->subscription_key);
        }
    }
}

/* profile_free - free the strings of one profile, wiping the secrets */
static void
profile_free(profile_t *p)
{
    free(p->name);
    free(p->description);
    free(p->shop_type);
    free(p->shop_url);
    free(p->shop_username);
    secret_free(p->shop_password);
    free(p->webhook_path);
    secret_free(p->webhook_secret);
    free(p->webhook_url);
    free(p->admin_type);
    free(p->sql_server);
    free(p->database);
    free(p->sql_user);
    secret_free(p->sql_password);
    free(p->sql_encryption);
    free(p->sql_ca_file);
    free(p->folder);
    free(p->administration);
    free(p->ss_user);
    secret_free(p->ss_password);
    for (int i = 0; i < SCHEMA_N; i++)
        free(p->schema[i]);
    free(p->api_url);
    free(p->auth_url);
    secret_free(p->client_key);
    secret_free(p->subscription_key);
    free(p->factuurnummer_prefix);
    free(p->shop_naam);
    free(p->shop_adres);
    free(p->shop_btw_nummer);
    free(p->shop_kvk_nummer);
    for (int i = 0; i < PSP_N; i++) {
        for (size_t j = 0; j < p->psp[i].nmethods; j++)
            free(p->psp[i].methods[j]);
        free(p->psp[i].methods);
        free(p->psp[i].fee_field);
    }
}

/* file_mtime_ns - a file's modification time, 0 when it cannot be read */
static long long
file_mtime_ns(const char *path)
{
    struct stat st;

    if (stat(path, &st) != 0)
        return 0;
    return (long long) st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
}

/* same - two strings are equal */
static bool
same(const char *a, const char *b)
{
    return strcmp(a, b) == 0;
}

/* cfg_connection_same - profiles a and b reach the same shop and SnelStart
 * with the same credentials */
bool
cfg_connection_same(const profile_t *a, const profile_t *b)
{
    return same(a->shop_url, b->shop_url) && same(a->shop_username, b->shop_username)
           && same(a->shop_password, b->shop_password) && same(a->api_url, b->api_url)
           && same(a->auth_url, b->auth_url) && same(a->client_key, b->client_key)
           && same(a->subscription_key, b->subscription_key)
           && a->shop_tls_verify == b->shop_tls_verify
           && a->api_tls_verify == b->api_tls_verify
           && a->shop_insecure_http == b->shop_insecure_http
           && a->api_insecure_http == b->api_insecure_http;
}

/* cfg_administration_same - profiles a and b read the same administration
 * the same way: its type and connection, the schema map, the API, its
 * limits and the index refresh */
bool
cfg_administration_same(const profile_t *a, const profile_t *b)
{
    int     i;

    if (!same(a->admin_type, b->admin_type) || !same(a->sql_server, b->sql_server)
        || !same(a->database, b->database) || !same(a->sql_user, b->sql_user)
        || !same(a->sql_password, b->sql_password) || !same(a->folder, b->folder)
        || !same(a->administration, b->administration) || !same(a->ss_user, b->ss_user)
        || !same(a->ss_password, b->ss_password) || !same(a->api_url, b->api_url)
        || !same(a->auth_url, b->auth_url) || !same(a->client_key, b->client_key)
        || !same(a->subscription_key, b->subscription_key)
        || a->api_tls_verify != b->api_tls_verify || a->api_insecure_http != b->api_insecure_http
        || !same(a->sql_encryption, b->sql_encryption) || a->sql_tls_verify != b->sql_tls_verify
        || !same(a->sql_ca_file, b->sql_ca_file) || a->rate_per_minute != b->rate_per_minute
        || a->rate_per_hour != b->rate_per_hour || a->max_concurrent != b->max_concurrent
        || a->timeout_s != b->timeout_s || a->index_refresh_s != b->index_refresh_s
        || a->time_scale != b->time_scale)
        return false;
    for (i = 0; i < SCHEMA_N; i++)
        if (!same(a->schema[i], b->schema[i]))
            return false;
    return true;
}

/* cfg_endpoints_same - the state directory and every endpoint are the same */
bool
cfg_endpoints_same(const cfg_t *a, const cfg_t *b)
{
    int     i;

    if (!same(a->state_dir, b->state_dir) || !same(a->ep_jobs, b->ep_jobs)
        || !same(a->ep_events, b->ep_events) || !same(a->ep_orders, b->ep_orders)
        || !same(a->ep_matched, b->ep_matched) || !same(a->ep_outcomes, b->ep_outcomes))
        return false;
    for (i = 0; i < DAEMON_N; i++)
        if (!same(a->ep_control[i], b->ep_control[i]))
            return false;
    return true;
}

/* cfg_webhook_profile - the profile whose webhook path is path */
const profile_t *
cfg_webhook_profile(const cfg_t *self, const char *path)
{
    size_t  i;

    for (i = 0; i < self->nprofiles; i++)
        if (*self->profiles[i].webhook_path && same(self->profiles[i].webhook_path, path))
            return &self->profiles[i];
    return NULL;
}

/* cfg_file_changed - the file's modification time differs from when it was read */
bool
cfg_file_changed(const cfg_t *self)
{
    return file_mtime_ns(self->path) != self->mtime_ns;
}

/* cfg_load - read and check a configuration file */
cfg_t *
cfg_load(const char *path, char *err, size_t errlen)
{
    static const char *top_keys[] = { "state_dir", "log_level", "resend_after", "max_in_flight",
        "matcher_heartbeat_ms", "endpoints", "control_group", "curve", "insecure_tcp_loopback",
        "webhooks", NULL };
        /* the last three: netsec.c */
    static const char *ep_keys[] = { "jobs", "events", "orders", "matched", "outcomes",
        "scheduler_control", "fetcher_control", "matcher_control", "booker_control", NULL };
    config_t lc;
    cfg_t *self;
    reader_t r = { path, err, errlen, false, NULL, 0 };
    config_setting_t *top, *eps, *profiles;
    int     i, n;
    size_t  j;

    config_init(&lc);
    if (config_read_file(&lc, path) != CONFIG_TRUE) {
        if (config_error_type(&lc) == CONFIG_ERR_FILE_IO)
            snprintf(err, errlen, "%s: kan niet gelezen worden: %s", path,
                     strerror(errno ? errno : ENOENT));
        else
            snprintf(err, errlen, "%s:%d: %s", path, config_error_line(&lc), config_error_text(&lc));
        config_destroy(&lc);
        return NULL;
    }
    self = xcalloc(1, sizeof *self);
    self->secrets_of = DAEMON_N;
    self->path = xstrdup(path);
    self->mtime_ns = file_mtime_ns(path);
    top = config_lookup(&lc, "koppel");
    if (top != NULL && config_setting_type(top) != CONFIG_TYPE_GROUP)
        fail(&r, top, "koppel", "moet een groep { ... } zijn");
    check_members(&r, top, "koppel", top_keys);
    self->state_dir = get_string(&r, top, "koppel", "state_dir", DEFAULT_STATE_DIR);
    self->log_level = get_string(&r, top, "koppel", "log_level", "info");
    if (strcmp(self->log_level, "debug") && strcmp(self->log_level, "info")
        && strcmp(self->log_level, "warning") && strcmp(self->log_level, "error"))
        fail(&r, top, "koppel", "log_level: \"%s\" moet debug, info, warning of error zijn",
             self->log_level);
    self->resend_after_s = (int) get_int(&r, top, "koppel", "resend_after", 60, 1, 86400);
    self->max_in_flight = (int) get_int(&r, top, "koppel", "max_in_flight", 1000, 1, 1000000);
    self->matcher_heartbeat_ms = (int) get_int(&r, top, "koppel", "matcher_heartbeat_ms", 3000,
                                               200, 60000);
    read_webhooks(&r, top, &self->webhooks);
    eps = get_group(&r, top, "koppel", "endpoints");
    check_members(&r, eps, "koppel.endpoints", ep_keys);
    self->ep_jobs = endpoint(&r, eps, self->state_dir, "jobs", "jobs.sock");
    self->ep_events = endpoint(&r, eps, self->state_dir, "events", "events.sock");
    self->ep_orders = endpoint(&r, eps, self->state_dir, "orders", "orders.sock");
    self->ep_matched = endpoint(&r, eps, self->state_dir, "matched", "matched.sock");
    self->ep_outcomes = endpoint(&r, eps, self->state_dir, "outcomes", "outcomes.sock");
    self->ep_control[DAEMON_SCHEDULER] = endpoint(&r, eps, self->state_dir,
                                                  "scheduler_control", "scheduler.ctl");
    self->ep_control[DAEMON_FETCHER] = endpoint(&r, eps, self->state_dir,
                                                "fetcher_control", "fetcher.ctl");
    /* one control socket per matcher instance: %s is the instance name */
    self->ep_control[DAEMON_MATCHER] = endpoint(&r, eps, self->state_dir,
                                                "matcher_control", "matcher-%s.ctl");
    self->ep_control[DAEMON_BOOKER] = endpoint(&r, eps, self->state_dir,
                                               "booker_control", "booker.ctl");
    if (strstr(self->ep_control[DAEMON_MATCHER], "%s") == NULL
        || strchr(strstr(self->ep_control[DAEMON_MATCHER], "%s") + 2, '%') != NULL)
        fail(&r, eps, "koppel.endpoints", "matcher_control: moet %%s precies één keer bevatten, "
             "voor de instantienaam van de matcher");

    profiles = config_lookup(&lc, "profiles");
    if (profiles == NULL)
        fail(&r, NULL, "profiles", "geen profielen: voeg er minstens één toe (zie "
                                   "config/koppel.cfg.example)");
    else if (config_setting_type(profiles) != CONFIG_TYPE_LIST)
        fail(&r, profiles, "profiles", "moet een lijst ( { ... }, { ... } ) zijn");
    else {
        n = config_setting_length(profiles);
        if (n == 0)
            fail(&r, profiles, "profiles", "de lijst is leeg: voeg minstens één profiel toe");
        self->profiles = xcalloc(n + 1, sizeof *self->profiles);
        for (i = 0; i < n && !r.failed; i++) {
            read_profile(&r, config_setting_get_elem(profiles, i), &self->profiles[i], i);
            self->nprofiles++;
            if (!r.failed)
                check_webhook(&r, config_setting_get_elem(profiles, i), self, (size_t) i);
            for (j = 0; j + 1 < self->nprofiles && !r.failed; j++)
                if (strcmp(self->profiles[j].name, self->profiles[i].name) == 0)
                    fail(&r, config_setting_get_elem(profiles, i), "profiles",
                         "name \"%s\" komt twee keer voor", self->profiles[i].name);
        }
    }
    config_destroy(&lc);
    reader_free(&r);
    if (r.failed) {
        cfg_destroy(&self);
        return NULL;
    }
    return self;
}

/* cfg_destroy - free and null the caller's pointer */
void
cfg_destroy(cfg_t **self_p)
{
    cfg_t *self;
    size_t  i;

    if (self_p == NULL || *self_p == NULL)
        return;
    self = *self_p;
    for (i = 0; i < self->nprofiles; i++)
        profile_free(&self->profiles[i]);
    free(self->profiles);
    free(self->path);
    free(self->state_dir);
    free(self->log_level);
    free(self->webhooks.listen);
    free(self->webhooks.tls_certificate);
    free(self->webhooks.tls_key);
    free(self->ep_jobs);
    free(self->ep_events);
    free(self->ep_orders);
    free(self->ep_matched);
    free(self->ep_outcomes);
    for (i = 0; i < DAEMON_N; i++)
        free(self->ep_control[i]);
    free(self);
    *self_p = NULL;
}

/* cfg_profile_index - the position of the profile of that name, -1 if none */
int
cfg_profile_index(const cfg_t *self, const char *name)
{
    size_t  i;

    for (i = 0; i < self->nprofiles; i++)
        if (strcmp(self->profiles[i].name, name) == 0)
            return (int) i;
    return -1;
}

/* cfg_profile - the profile of that name, or NULL */
const profile_t *
cfg_profile(const cfg_t *self, const char *name)
{
    int     i = cfg_profile_index(self, name);

    return i < 0 ? NULL : &self->profiles[i];
}

/* cfg_matcher_control - the control endpoint of a matcher instance: the
 * configured pattern with its one %s replaced by the instance name */
char *
cfg_matcher_control(const cfg_t *self, const char *instance)
{
    const char *pattern = self->ep_control[DAEMON_MATCHER];
    const char *at = strstr(pattern, "%s");

    if (at == NULL)
        return xstrdup(pattern);
    return xasprintf("%.*s%s%s", (int) (at - pattern), pattern, instance, at + 2);
}

/* config_secrets_private - false when the file is readable by others */
bool
config_secrets_private(const char *path)
{
    struct stat st;

    if (stat(path, &st) != 0)
        return true;
    return (st.st_mode & S_IROTH) == 0;
}
