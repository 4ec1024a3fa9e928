/*
 * NAME
 *   settings - Instellingen and Profielen: koppel.cfg as a form, per profile
 *
 * DESCRIPTION
 *   The manual's Instellingen tab (2.1-2.7) for one profile: Omschrijving,
 *   Koppeling SnelStart, Koppeling shop, Financieel (with the grootboek
 *   table as drop-downs of the administration's own grootboeken, read with
 *   GET /grootboeken), Klanten and Planning. Each field is a setting of
 *   koppel.cfg; the page shows the value the daemons use (with defaults).
 *   Password and key fields are only written: they show "ingesteld" or
 *   "niet ingesteld", never the secret, and an empty field keeps it.
 *
 *   Saving: the changed fields are written into the file's text with
 *   cfgedit (comments and layout stay), the new text is checked with
 *   cfg_load(); when it is refused, each changed field is checked on its
 *   own, so that every wrong field gets its message beside it. An accepted
 *   text is written atomically: a temporary file in the same folder with
 *   the file's owner and mode, fsync, the old file kept as koppel.cfg.bak,
 *   rename, fsync of the folder. Then every daemon is asked to reload.
 *   The form carries the file's modification time: a file changed by
 *   someone else in the meantime is not overwritten.
 *
 *   Every change of the file (Opslaan, a profile added or removed) runs
 *   under web_cfg_lock with the file read again once it has the lock, so
 *   that of two saves at once neither is lost: the second sees the first's
 *   file (and, with the version of before, is told it changed).
 *
 *   Platform (shop.type) is a field too: the other platform's fields are on
 *   the page, hidden until it is chosen. A change is allowed while the
 *   fetcher read nothing for the profile, and removes the old platform's
 *   settings (platform.h says why and what).
 *
 *   Profielen lists the profiles with their descriptions, adds one (its
 *   SnelStart connection and grootboeken copied from the first profile)
 *   and removes one after a confirmation.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "administration.h"
#include "admin_reader.h"
#include "cfgedit.h"
#include "connection_check.h"
#include "sqlbrowser.h"
#include "log.h"
#include "platform.h"
#include "web.h"
#include "xalloc.h"

#define MAX_CHANGES 128

/* how a field is stored in profile_t and shown */
typedef enum {
    T_STR, T_SECRET, T_INT, T_I64, T_I32, T_BOOL, T_RECOGNITION, T_PROCESSING, T_INTERVAL,
    T_SELECT
} ftype_t;

typedef struct {
    const char *section;    /* the manual's heading */
    const char *path;       /* setting path inside the profile */
    const char *label;      /* the manual's word */
    ftype_t type;
    size_t  offset;         /* in profile_t */
    const char *options;    /* T_SELECT: "value|Label|value|Label" */
    const char *only;       /* shown for "shop:globecharge", "admin:sql,lokaal", ... */
    const char *help;
} field_t;

#define OFF(m) offsetof(profile_t, m)

static const field_t fields[] = {
    { "Algemeen", "description", "Omschrijving", T_STR, OFF(description), NULL, NULL,
      "Uw eigen omschrijving van dit profiel, bijvoorbeeld het adres van de winkel." },

    { "Koppeling SnelStart", "snelstart.type", "Type administratie", T_SELECT, OFF(admin_type),
      "api|SnelStart Web (API)|sql|SnelStart SQL (Netwerk)|lokaal|SnelStart 12 Lokaal|"
      "mdb|SnelStart 11 of ouder (.mdb)", NULL, NULL },
    { "Koppeling SnelStart", "snelstart.sql_server", "SQL-server", T_STR, OFF(sql_server), NULL,
      "admin:sql,lokaal", "server, server:poort of server\\INSTANTIE" },
    { "Koppeling SnelStart", "snelstart.database", "Administratie (database)", T_STR,
      OFF(database), NULL, "admin:sql,lokaal", NULL },
    { "Koppeling SnelStart", "snelstart.sql_user", "SQL-gebruiker", T_STR, OFF(sql_user), NULL,
      "admin:sql,lokaal", "leeg: aanmelden met het Kerberos-ticket van koppel" },
    { "Koppeling SnelStart", "snelstart.sql_password", "SQL-wachtwoord", T_SECRET,
      OFF(sql_password), NULL, "admin:sql,lokaal", NULL },
    { "Koppeling SnelStart", "snelstart.folder", "Map met administraties", T_STR, OFF(folder),
      NULL, "admin:mdb,lokaal", NULL },
    { "Koppeling SnelStart", "snelstart.administration", "Administratie", T_STR,
      OFF(administration), NULL, "admin:mdb,lokaal", NULL },
    { "Koppeling SnelStart", "snelstart.user", "SnelStart-gebruiker", T_STR, OFF(ss_user), NULL,
      "admin:sql,lokaal,mdb", "standaard Beheerder" },
    { "Koppeling SnelStart", "snelstart.password", "Wachtwoord SnelStart-gebruiker", T_SECRET,
      OFF(ss_password), NULL, "admin:sql,lokaal,mdb", NULL },
    { "Koppeling SnelStart", "snelstart.client_key", "Koppelingssleutel (client key)", T_SECRET,
      OFF(client_key), NULL, NULL, "uit SnelStart Web: Maatwerk, Koppelingssleutel" },
    { "Koppeling SnelStart", "snelstart.subscription_key", "Abonnementssleutel "
      "(subscription key)", T_SECRET, OFF(subscription_key), NULL, NULL, NULL },
    { "Koppeling SnelStart", "snelstart.api_url", "Adres van de API", T_STR, OFF(api_url), NULL,
      NULL, NULL },
    { "Koppeling SnelStart", "snelstart.auth_url", "Adres voor de aanmelding", T_STR,
      OFF(auth_url), NULL, NULL, NULL },

    { "Koppeling shop", "shop.type", "Platform", T_SELECT, OFF(shop_type),
      "globecharge|ShopFactory (Globecharge)|woocommerce|WooCommerce", NULL,
      "een ander platform kan zolang koppel nog geen orders van dit profiel gelezen heeft" },
    { "Koppeling shop", "shop.url", "Adres van de shop", T_STR, OFF(shop_url), NULL, NULL, NULL },
    { "Koppeling shop", "shop.username", "Gebruikersnaam Globecharge", T_STR, OFF(shop_username),
      NULL, "shop:globecharge", NULL },
    { "Koppeling shop", "shop.password", "Wachtwoord Globecharge", T_SECRET, OFF(shop_password),
      NULL, "shop:globecharge", NULL },
    { "Koppeling shop", "shop.consumer_key", "Consumer key (REST API)", T_SECRET,
      OFF(shop_username), NULL, "shop:woocommerce", NULL },
    { "Koppeling shop", "shop.consumer_secret", "Consumer secret (REST API)", T_SECRET,
      OFF(shop_password), NULL, "shop:woocommerce", NULL },
    { "Koppeling shop", "shop.from_order", "Vanaf ordernummer", T_I64, OFF(from_order), NULL,
      NULL, "koppel leest orders vanaf dit nummer en schuift het zelf op" },

    { "Financieel", "booking.markeer_als_ongelezen", "Markeer als ongelezen", T_BOOL,
      OFF(markeer_als_ongelezen), NULL, NULL, "nieuwe boekingen vet in SnelStart" },
    { "Financieel", "booking.factuurnummer_prefix", "Voorvoegsel factuurnummer", T_STR,
      OFF(factuurnummer_prefix), NULL, NULL, "bijvoorbeeld WS: factuurnummer WS10431" },
    { "Financieel", "booking.betalingstermijn", "Betalingstermijn boeking (dagen)", T_INT,
      OFF(betalingstermijn), NULL, NULL, NULL },

    { "Klanten", "customers.recognition", "Herkenning", T_RECOGNITION, OFF(recognition),
      "klantcode|Op klantcode|email|Op e-mailadres|klantcode-of-email|Op klantcode, anders "
      "e-mailadres|email-postcode|Op e-mailadres en postcode|klantcode-of-email-postcode|Op "
      "klantcode, anders e-mailadres en postcode|slim|Slim", NULL, NULL },
    { "Klanten", "customers.processing", "Verwerking", T_PROCESSING, OFF(processing),
      "alleen-toevoegen|Alleen toevoegen|toevoegen-en-bijwerken|Toevoegen en bijwerken|"
      "handmatig|Handmatig", NULL, NULL },
    { "Klanten", "customers.default_klantcode", "Standaard klantcode", T_I32,
      OFF(default_klantcode), NULL, NULL, "bij Handmatig: onbekende klanten op deze relatie" },
    { "Klanten", "customers.payment_term", "Standaard betalingstermijn (dagen)", T_INT,
      OFF(default_betalingstermijn), NULL, NULL, "krediettermijn van nieuwe klanten" },

    { "Planning", "planning.importeren_financieel", "Interval importeren financieel",
      T_INTERVAL, OFF(import_interval_s),
      "off|Uit|5m|Elke 5 minuten|10m|Elke 10 minuten|15m|Elk kwartier|30m|Elk half uur|"
      "1h|Elk uur|2h|Elke 2 uur|4h|Elke 4 uur|8h|Elke 8 uur|12h|Elke 12 uur|24h|Elke dag",
      NULL, NULL },
};
#define NFIELDS (sizeof fields / sizeof *fields)

static const char *const kinds[KIND_N] = { "omzet", "verzendkosten", "betalingskosten",
                                           "korting" };
static const char *const kinds_nl[KIND_N] = { "Omzet", "Verzendkosten", "Betalingskosten",
                                              "Korting" };
static const char *const regions[REGION_N] = { "nl", "eu", "buiten_eu" };
static const char *const regions_nl[REGION_N] = { "Nederland", "Binnen de EU", "Buiten de EU" };
static const char *const btws[BTW_NSOORTEN] = { "hoog", "laag", "geen", "overig" };
static const char *const btws_nl[BTW_NSOORTEN] = { "hoog", "laag", "geen", "overig (OSS)" };

/* web_setting_label - a setting's name in the manual's words */
const char *
web_setting_label(const char *path, char *buf, size_t len)
{
    size_t  i;
    int     k, reg, btw;

    for (i = 0; i < NFIELDS; i++)
        if (strcmp(fields[i].path, path) == 0) {
            snprintf(buf, len, "%s", fields[i].label);
            return buf;
        }
    for (k = 0; k < KIND_N; k++)
        for (reg = 0; reg < REGION_N; reg++)
            for (btw = 0; btw < BTW_NSOORTEN; btw++) {
                char    p[128];

                snprintf(p, sizeof p, "grootboeken.%s.%s.%s", kinds[k], regions[reg], btws[btw]);
                if (strcmp(p, path) == 0) {
                    snprintf(buf, len, "grootboekrekening %s, %s, btw %s", kinds_nl[k],
                             regions_nl[reg], btws_nl[btw]);
                    return buf;
                }
            }
    snprintf(buf, len, "%s", path);
    return buf;
}

/* a field's error after a refused save */
typedef struct {
    char    name[128];      /* the form field's name: the setting path */
    char   *text;
} ferr_t;

typedef struct {
    ferr_t  errs[MAX_CHANGES];
    size_t  n;
    char   *general;        /* an error of the whole text */
    char   *notice;         /* saved: what the reload said */
    json_t *checks;         /* Verbinding testen: connection_check's lines */
    json_t *servers;        /* SQL-servers zoeken: "host\\INSTANCE" names */
} outcome_t;

/* outcome_free - free the messages */
static void
outcome_free(outcome_t *o)
{
    size_t  i;

    for (i = 0; i < o->n; i++)
        free(o->errs[i].text);
    free(o->general);
    free(o->notice);
    json_decref(o->checks);
    json_decref(o->servers);
}

/* error_of - the message of a field, or NULL */
static const char *
error_of(const outcome_t *o, const char *name)
{
    size_t  i;

    for (i = 0; o && i < o->n; i++)
        if (strcmp(o->errs[i].name, name) == 0)
            return o->errs[i].text;
    return NULL;
}

/* add_error - a message beside a field */
static void
add_error(outcome_t *o, const char *name, const char *text)
{
    if (o->n == MAX_CHANGES || error_of(o, name))
        return;
    snprintf(o->errs[o->n].name, sizeof o->errs[o->n].name, "%s", name);
    o->errs[o->n++].text = xstrdup(text);
}

/* current - a field's value as the daemons use it, as text (new memory) */
static char *
current(const profile_t *p, const field_t *f)
{
    const char *base = (const char *) p;

    switch (f->type) {
    case T_STR:
    case T_SELECT:
    case T_SECRET: {
        const char *s = *(char *const *) (base + f->offset);

        return xstrdup(s ? s : "");
    }
    case T_INT:
        return xasprintf("%d", *(const int *) (base + f->offset));
    case T_I64:
        return xasprintf("%lld", (long long) *(const int64_t *) (base + f->offset));
    case T_I32:
        return xasprintf("%d", (int) *(const int32_t *) (base + f->offset));
    case T_BOOL:
        return xstrdup(*(const bool *) (base + f->offset) ? "1" : "");
    case T_RECOGNITION:
        return xstrdup(recognition_name(p->recognition));
    case T_PROCESSING:
        return xstrdup(p->processing == PROCESSING_ALLEEN_TOEVOEGEN ? "alleen-toevoegen"
                       : p->processing == PROCESSING_TOEVOEGEN_EN_BIJWERKEN
                       ? "toevoegen-en-bijwerken" : "handmatig");
    case T_INTERVAL: {
        const char *n = config_interval_name(p->import_interval_s);

        return xstrdup(p->import_interval_s == 0 ? "off" : n ? n : "");
    }
    }
    return xstrdup("");
}

/* platform_of - the shop platform a field belongs to ("shop:TYPE"), or NULL
 * for a field of every platform */
static const char *
platform_of(const field_t *f)
{
    return f->only && strncmp(f->only, "shop:", 5) == 0 ? f->only + 5 : NULL;
}

/* value_of - current(), but empty for a field of another shop platform than
 * the profile's: its offset holds the profile's own platform's setting */
static char *
value_of(const profile_t *p, const field_t *f)
{
    const char *platform = platform_of(f);

    if (platform && strcmp(platform, p->shop_type) != 0)
        return xstrdup("");
    return current(p, f);
}

/* option_ok - whether a value is one of a select's options */
static bool
option_ok(const char *options, const char *value)
{
    char   *list = xstrdup(options), *tok, *save = NULL;
    bool    ok = false;
    int     i = 0;

    for (tok = strtok_r(list, "|", &save); tok; tok = strtok_r(NULL, "|", &save), i++)
        if (i % 2 == 0 && strcmp(tok, value) == 0)
            ok = true;
    free(list);
    return ok;
}

/* whole_number - whether text is a whole number within [min, max] */
static bool
whole_number(const char *text, long long min, long long max)
{
    char   *end;
    long long v;

    if (*text == 0)
        return false;
    errno = 0;
    v = strtoll(text, &end, 10);
    return *end == 0 && errno == 0 && v >= min && v <= max;
}

/* literal - a field's form value as a libconfig literal; NULL with a message */
static char *
literal(const field_t *f, const char *value, const char **why)
{
    switch (f->type) {
    case T_STR:
    case T_SECRET:
        if (strlen(value) > 1000) {
            *why = "Dit is te lang (ten hoogste 1000 tekens).";
            return NULL;
        }
        return cfgedit_string(value);
    case T_SELECT:
    case T_RECOGNITION:
    case T_PROCESSING:
    case T_INTERVAL:
        if (!option_ok(f->options, value)) {
            *why = "Kies een van de mogelijkheden uit de lijst.";
            return NULL;
        }
        return cfgedit_string(value);
    case T_INT:
    case T_I32:
        if (!whole_number(value, -2147483647LL, 2147483647LL)) {
            *why = "Vul een geheel getal in, zonder punt of komma.";
            return NULL;
        }
        return xstrdup(value);
    case T_I64:
        if (!whole_number(value, 0, 999999999999LL)) {
            *why = "Vul een ordernummer in: een geheel getal, zonder punt of komma.";
            return NULL;
        }
        return xasprintf("%sL", value);
    case T_BOOL:
        return xstrdup(*value ? "true" : "false");
    }
    return NULL;
}

/* shown - whether a field belongs to a shop platform and this profile's
 * administration */
static bool
shown(const profile_t *p, const char *shop_type, const field_t *f)
{
    const char *list, *platform = platform_of(f);
    char    want[64];

    if (f->only == NULL)
        return true;
    if (platform)
        return strcmp(platform, shop_type) == 0;
    list = f->only + 6;
    snprintf(want, sizeof want, ",%s,", p->admin_type);
    {
        char    l[64];

        snprintf(l, sizeof l, ",%s,", list);
        return strstr(l, want) != NULL;
    }
}

/* setting_message - the readable part of a cfg_load error: what follows
 * "file:line: path: " (the text is Dutch at its source, config.c) */
static const char *
setting_message(const char *err)
{
    const char *p = strstr(err, ": ");

    if (p && (p = strstr(p + 2, ": ")) != NULL && p - err < 400)
        err = p + 2;
    return err;
}

/* what to do next when the configuration's folder refuses a file */
#define RIGHTS  " (controleer of koppel-web in de map van koppel.cfg mag schrijven)"

/* write_atomic - a file's new content: temp file, fsync, .bak, rename */
static bool
write_atomic(const char *path, const char *text, char *err, size_t errlen)
{
    char   *dirc = xstrdup(path), *dir = dirname(dirc);
    char   *tmp = xasprintf("%s/.koppel-web.XXXXXX", dir);
    char   *bak = xasprintf("%s.bak", path), *baktmp = xasprintf("%s.bak.XXXXXX", path);
    struct stat st;
    int     fd = -1, bfd = -1, dfd;
    size_t  len = strlen(text);
    FILE   *old = NULL;
    char    chunk[8192];
    size_t  n;
    bool    ok = false;

    if (stat(path, &st) != 0) {
        snprintf(err, errlen, "%s: kan niet gelezen worden: %s", path, strerror(errno));
        goto done;
    }
    /* the previous version first, as koppel.cfg.bak (also atomically) */
    if ((old = fopen(path, "r")) == NULL || (bfd = mkstemp(baktmp)) < 0) {
        snprintf(err, errlen, "%s: kan de vorige versie niet bewaren: %s" RIGHTS, bak,
                 strerror(errno));
        goto done;
    }
    while ((n = fread(chunk, 1, sizeof chunk, old)) > 0)
        if (write(bfd, chunk, n) != (ssize_t) n) {
            snprintf(err, errlen, "%s: kan de vorige versie niet bewaren: %s" RIGHTS, baktmp,
                     strerror(errno));
            goto done;
        }
    if (fchmod(bfd, st.st_mode & 07777) != 0 || (fchown(bfd, st.st_uid, st.st_gid) != 0 && getuid() == 0)
        || fsync(bfd) != 0 || close(bfd) != 0) {
        bfd = -1;
        snprintf(err, errlen, "%s: kan de vorige versie niet bewaren: %s" RIGHTS, baktmp,
                 strerror(errno));
        goto done;
    }
    bfd = -1;
    if (rename(baktmp, bak) != 0) {
        snprintf(err, errlen, "%s: kan de vorige versie niet bewaren: %s" RIGHTS, bak,
                 strerror(errno));
        goto done;
    }
    /* the new version */
    if ((fd = mkstemp(tmp)) < 0) {
        snprintf(err, errlen, "%s: kan geen tijdelijk bestand maken: %s" RIGHTS, dir,
                 strerror(errno));
        goto done;
    }
    if (write(fd, text, len) != (ssize_t) len || fchmod(fd, st.st_mode & 07777) != 0
        || (fchown(fd, st.st_uid, st.st_gid) != 0 && getuid() == 0) || fsync(fd) != 0) {
        snprintf(err, errlen, "%s: kan de nieuwe versie niet schrijven: %s" RIGHTS, tmp,
                 strerror(errno));
        goto done;
    }
    close(fd);
    fd = -1;
    if (rename(tmp, path) != 0) {
        snprintf(err, errlen, "%s: kan de nieuwe versie niet opslaan: %s" RIGHTS, path,
                 strerror(errno));
        goto done;
    }
    if ((dfd = open(dir, O_RDONLY | O_DIRECTORY)) >= 0) {
        fsync(dfd);
        close(dfd);
    }
    ok = true;
done:
    if (fd >= 0) {
        close(fd);
        unlink(tmp);
    }
    if (bfd >= 0) {
        close(bfd);
        unlink(baktmp);
    }
    if (old)
        fclose(old);
    if (!ok)
        unlink(baktmp);
    free(dirc);
    free(tmp);
    free(bak);
    free(baktmp);
    return ok;
}

/* check_text - cfg_load of a configuration's text, through a temporary file
 * in the same folder (a relative path in it means the same); true when
 * accepted, else err */
static bool
check_text(const char *path, const char *text, char *err, size_t errlen)
{
    char   *dirc = xstrdup(path), *tmp = xasprintf("%s/.koppel-web-check.XXXXXX", dirname(dirc));
    size_t  len = strlen(text);
    cfg_t  *cfg;
    int     fd;

    free(dirc);
    if ((fd = mkstemp(tmp)) < 0) {
        snprintf(err, errlen, "kan niet controleren: geen tijdelijk bestand naast %s: %s" RIGHTS,
                 path, strerror(errno));
        free(tmp);
        return false;
    }
    if (write(fd, text, len) != (ssize_t) len) {
        snprintf(err, errlen, "kan niet controleren: %s" RIGHTS, strerror(errno));
        close(fd);
        unlink(tmp);
        free(tmp);
        return false;
    }
    close(fd);
    cfg = cfg_load(tmp, err, errlen);
    unlink(tmp);
    free(tmp);
    if (cfg == NULL)
        return false;
    cfg_destroy(&cfg);
    return true;
}

/* read_text - the configuration file's text (new memory) */
static char *
read_text(const char *path, char *err, size_t errlen)
{
    FILE   *f = fopen(path, "r");
    buf_t  *b;
    char    chunk[8192];
    size_t  n;

    if (f == NULL) {
        snprintf(err, errlen, "%s: kan niet gelezen worden: %s", path, strerror(errno));
        return NULL;
    }
    b = buf_new();
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_bytes(b, chunk, n);
    fclose(f);
    return buf_take(&b);
}

/* save_text - check, write and reload; false with err */
static bool
save_text(req_t *r, const char *text, char **notice, char *err, size_t errlen)
{
    if (!check_text(r->cfg->path, text, err, errlen))
        return false;
    if (!write_atomic(r->cfg->path, text, err, errlen))
        return false;
    *notice = web_reload(r->cfg);
    return true;
}

/* grootboek_options - the administration's grootboeken (GET /grootboeken) as
 * a sorted copy, NULL with err */
static json_t *
grootboek_options(const profile_t *p, char *err, size_t errlen)
{
    administration_t *a = administration_new(p);
    const char *what = NULL;
    ss_error_t e;
    json_t *list = NULL;

    memset(&e, 0, sizeof e);
    snelstart_set_timeout(a->api, 10000);
    if (administration_load(a, true, &what, &e) == SS_OK)
        list = json_incref(a->grootboeken);
    else
        snprintf(err, errlen, "%s: %.900s", what ? what : "SnelStart", e.message);
    administration_destroy(&a);
    return list;
}

/* field_id - the HTML id of a setting's field */
static void
field_id(buf_t *b, const char *path)
{
    buf_add(b, "f-");
    buf_esc(b, path);
}

/* show_error - a message beside a field */
static void
show_error(buf_t *b, const outcome_t *o, const char *name)
{
    const char *e = error_of(o, name);

    if (e) {
        buf_add(b, "<span class=\"field-error\" id=\"err-");
        buf_esc(b, name);
        buf_add(b, "\">");
        buf_esc(b, e);
        buf_add(b, "</span>");
    }
}

/* show_field - one setting as a form row; a field of another shop platform
 * than the profile's is empty (its value would be the other platform's
 * setting), and hidden unless that platform is the one shown */
static void
show_field(buf_t *b, const profile_t *p, const char *shop_type, const field_t *f,
           const form_t *posted, const outcome_t *o, const json_t *datalist)
{
    const char *platform = platform_of(f);
    char   *cur = value_of(p, f);
    const char *val = posted && f->type != T_SECRET && form_get(posted, f->path)
                      ? form_get(posted, f->path) : cur;
    size_t  i;

    buf_addf(b, "<div class=\"row%s\"", error_of(o, f->path) ? " bad" : "");
    if (platform)
        buf_addf(b, " data-shop=\"%s\"%s", platform,
                 shown(p, shop_type, f) ? "" : " hidden");
    buf_add(b, "><label for=\"");
    field_id(b, f->path);
    buf_add(b, "\">");
    buf_esc(b, f->label);
    buf_add(b, "</label><div class=\"value\">");
    if (f->options) {
        char   *list = xstrdup(f->options), *tok, *save = NULL, *value = NULL;
        int     k = 0;

        buf_add(b, "<select name=\"");
        buf_esc(b, f->path);
        buf_add(b, "\" id=\"");
        field_id(b, f->path);
        buf_add(b, "\">");
        for (tok = strtok_r(list, "|", &save); tok; tok = strtok_r(NULL, "|", &save), k++) {
            if (k % 2 == 0) {
                value = tok;
                continue;
            }
            buf_add(b, "<option value=\"");
            buf_esc(b, value);
            buf_addf(b, "\"%s>", strcmp(value, val) == 0 ? " selected" : "");
            buf_esc(b, tok);
            buf_add(b, "</option>");
        }
        free(list);
        buf_add(b, "</select>");
    } else if (f->type == T_BOOL) {
        buf_add(b, "<input type=\"checkbox\" value=\"1\" name=\"");
        buf_esc(b, f->path);
        buf_add(b, "\" id=\"");
        field_id(b, f->path);
        buf_addf(b, "\"%s><input type=\"hidden\" name=\"has.", *val ? " checked" : "");
        buf_esc(b, f->path);
        buf_add(b, "\" value=\"1\">");
    } else if (f->type == T_SECRET) {
        buf_add(b, "<input type=\"password\" autocomplete=\"new-password\" name=\"");
        buf_esc(b, f->path);
        buf_add(b, "\" id=\"");
        field_id(b, f->path);
        buf_addf(b, "\" placeholder=\"%s\">", *cur ? "ingesteld" : "niet ingesteld");
        buf_addf(b, "<small class=\"secret\">%s</small>", *cur
                 ? "ingesteld; leeg laten om het te houden" : "niet ingesteld");
    } else {
        buf_addf(b, "<input type=\"%s\" name=\"", f->type == T_STR ? "text" : "text\" "
                 "inputmode=\"numeric");
        buf_esc(b, f->path);
        buf_add(b, "\" id=\"");
        field_id(b, f->path);
        buf_add(b, "\" value=\"");
        buf_esc(b, val);
        buf_add(b, "\"");
        if (datalist) {
            buf_add(b, " list=\"dl-");
            buf_esc(b, f->path);
            buf_add(b, "\"");
        }
        buf_add(b, ">");
        if (datalist) {
            buf_add(b, "<datalist id=\"dl-");
            buf_esc(b, f->path);
            buf_add(b, "\">");
            for (i = 0; i < json_array_size(datalist); i++) {
                buf_add(b, "<option value=\"");
                buf_esc(b, json_string_value(json_array_get(datalist, i)));
                buf_add(b, "\">");
            }
            buf_add(b, "</datalist>");
        }
    }
    if (f->help) {
        buf_add(b, "<small>");
        buf_esc(b, f->help);
        buf_add(b, "</small>");
    }
    show_error(b, o, f->path);
    buf_add(b, "</div></div>\n");
    free(cur);
}

/* show_grootboeken - the grootboek table, each cell a drop-down */
static void
show_grootboeken(buf_t *b, const profile_t *p, const form_t *posted, const outcome_t *o)
{
    char    err[1024], path[128], num[32];
    json_t *list = grootboek_options(p, err, sizeof err), *g;
    int     k, reg, btw;
    size_t  i;

    buf_add(b, "<h3>Grootboekrekeningen</h3>");
    if (list == NULL) {
        buf_add(b, "<p class=\"error\">De grootboeken van de administratie zijn niet te lezen ("
                   "vul een nummer in, of pas eerst Koppeling SnelStart aan): ");
        buf_esc(b, err);
        buf_add(b, "</p>");
    } else
        buf_add(b, "<p class=\"hint\">Per soort omzet, btw-soort en land van aflevering de "
                   "grootboekrekening uit uw administratie. Niet ingesteld: dezelfde rekening "
                   "als Omzet.</p>");
    buf_add(b, "<div class=\"regions\">");
    for (reg = 0; reg < REGION_N; reg++) {
        buf_addf(b, "<table class=\"grootboeken\"><thead><tr><th>%s</th>", regions_nl[reg]);
        for (btw = 0; btw < (reg == REGION_EU ? BTW_NSOORTEN : BTW_OVERIG); btw++)
            buf_addf(b, "<th>btw %s</th>", btws_nl[btw]);
        buf_add(b, "</tr></thead><tbody>");
        for (k = 0; k < KIND_N; k++) {
            buf_addf(b, "<tr><th>%s</th>", kinds_nl[k]);
            for (btw = 0; btw < (reg == REGION_EU ? BTW_NSOORTEN : BTW_OVERIG); btw++) {
                const char *val;
                bool    found = false;

                snprintf(path, sizeof path, "grootboeken.%s.%s.%s", kinds[k], regions[reg],
                         btws[btw]);
                snprintf(num, sizeof num, "%d", (int) p->grootboek[k][reg][btw]);
                if (p->grootboek[k][reg][btw] == 0)
                    num[0] = 0;
                val = posted && form_get(posted, path) ? form_get(posted, path) : num;
                buf_addf(b, "<td%s>", error_of(o, path) ? " class=\"bad\"" : "");
                if (list) {
                    buf_add(b, "<select name=\"");
                    buf_esc(b, path);
                    buf_add(b, "\" id=\"");
                    field_id(b, path);
                    buf_addf(b, "\" title=\"%s, %s, btw %s\"><option value=\"\">(niet "
                             "ingesteld)</option>", kinds_nl[k], regions_nl[reg], btws_nl[btw]);
                    json_array_foreach(list, i, g) {
                        char    n[32];
                        const char *soort = json_string_value(json_object_get(g, "rekeningCode"));

                        /* revenue goes on active winst-en-verlies accounts only */
                        if (json_is_true(json_object_get(g, "nonactief"))
                            || (soort && strcmp(soort, "WinstEnVerlies") != 0))
                            continue;
                        snprintf(n, sizeof n, "%lld",
                                 (long long) json_integer_value(json_object_get(g, "nummer")));
                        if (strcmp(n, val) == 0)
                            found = true;
                        buf_addf(b, "<option value=\"%s\"%s>%s ", n,
                                 strcmp(n, val) == 0 ? " selected" : "", n);
                        buf_esc(b, json_string_value(json_object_get(g, "omschrijving")));
                        buf_add(b, "</option>");
                    }
                    if (*val && !found) {
                        buf_add(b, "<option selected value=\"");
                        buf_esc(b, val);
                        buf_add(b, "\">");
                        buf_esc(b, val);
                        buf_add(b, " (niet in de administratie)</option>");
                    }
                    buf_add(b, "</select>");
                } else {
                    buf_add(b, "<input inputmode=\"numeric\" size=\"6\" name=\"");
                    buf_esc(b, path);
                    buf_add(b, "\" id=\"");
                    field_id(b, path);
                    buf_add(b, "\" value=\"");
                    buf_esc(b, val);
                    buf_add(b, "\">");
                }
                show_error(b, o, path);
                buf_add(b, "</td>");
            }
            buf_add(b, "</tr>");
        }
        buf_add(b, "</tbody></table>");
    }
    buf_add(b, "</div>");
    json_decref(list);
}

/* show_settings - the whole form of one profile */
static void
show_settings(req_t *r, resp_t *out, const profile_t *p, const form_t *posted,
              const outcome_t *o)
{
    buf_t  *b = out->body;
    const char *section = NULL;
    json_t *admins = NULL;
    char    err[1024], title[300];
    size_t  i;
    msg_t  *m;
    const char *shop = posted && platform_known(form_get(posted, "shop.type"))
                       ? form_get(posted, "shop.type") : p->shop_type;

    snprintf(title, sizeof title, "Instellingen: %s", p->name);
    page_start(r, out, title, "instellingen");
    buf_add(b, "<form class=\"pick\" method=\"get\" action=\"/instellingen\"><label>Profiel "
               "<select name=\"profiel\" class=\"autosubmit\">");
    for (i = 0; i < r->cfg->nprofiles; i++) {
        buf_addf(b, "<option%s value=\"", strcmp(r->cfg->profiles[i].name, p->name) == 0
                 ? " selected" : "");
        buf_esc(b, r->cfg->profiles[i].name);
        buf_add(b, "\">");
        buf_esc(b, r->cfg->profiles[i].name);
        if (*r->cfg->profiles[i].description) {
            buf_add(b, " - ");
            buf_esc(b, r->cfg->profiles[i].description);
        }
        buf_add(b, "</option>");
    }
    buf_add(b, "</select></label> <noscript><button>Tonen</button></noscript></form>");
    if (o && o->notice) {
        buf_add(b, "<p class=\"notice\" id=\"notice\">");
        buf_esc(b, o->notice);
        buf_add(b, "</p>");
    }
    if (o && (o->general || o->n)) {
        buf_add(b, "<p class=\"error\" id=\"save-error\">Niet opgeslagen: ");
        buf_esc(b, o->general ? o->general : "pas de velden met een melding aan.");
        buf_add(b, "</p>");
    }
    if (o && o->checks) {
        static const char *const names[][2] = { { "shop", "Shop" },
            { "webhooks", "Webhooks" }, { "administration", "Administratie" },
            { "api", "SnelStart API" }, { "grootboeken", "Grootboeken" } };
        json_t *c;
        size_t  k;

        buf_add(b, "<section id=\"checks\"><h2>Verbinding testen</h2><ul class=\"checks\">");
        json_array_foreach(o->checks, i, c) {
            const char *name = json_string_value(json_object_get(c, "check"));
            bool    good = json_is_true(json_object_get(c, "ok"));

            for (k = 0; k < sizeof names / sizeof *names; k++)
                if (strcmp(names[k][0], name) == 0)
                    name = names[k][1];
            buf_addf(b, "<li class=\"%s\"><b>", good ? "ok" : "fail");
            buf_esc(b, name);
            buf_addf(b, ": %s</b> ", good ? "in orde" : "NIET IN ORDE");
            buf_esc(b, json_string_value(json_object_get(c, "text")));
            buf_add(b, "</li>");
        }
        buf_add(b, "</ul></section>");
    }
    buf_add(b, "<form class=\"test\" method=\"post\" action=\"/instellingen/verbinding-testen\">");
    page_csrf(r, b);
    buf_add(b, "<input type=\"hidden\" name=\"profiel\" value=\"");
    buf_esc(b, p->name);
    buf_add(b, "\"><button type=\"submit\" id=\"test\">Verbinding testen</button> <small>test "
               "de opgeslagen instellingen: shop, administratie, SnelStart API en de "
               "grootboeken</small></form>");
    if (strcmp(p->admin_type, "api") != 0)
        admins = admin_list(p, err, sizeof err);
    buf_add(b, "<form class=\"settings\" method=\"post\" action=\"/instellingen\">");
    page_csrf(r, b);
    buf_add(b, "<input type=\"hidden\" name=\"profiel\" value=\"");
    buf_esc(b, p->name);
    buf_addf(b, "\"><input type=\"hidden\" name=\"versie\" value=\"%lld\">",
             posted && form_get(posted, "versie") ? atoll(form_get(posted, "versie"))
                                                  : r->cfg->mtime_ns);
    for (i = 0; i < NFIELDS; i++) {
        const field_t *f = &fields[i];

        if (!shown(p, shop, f) && !platform_of(f))
            continue;
        if (section == NULL || strcmp(section, f->section) != 0) {
            if (section && strcmp(section, "Financieel") == 0)
                show_grootboeken(b, p, posted, o);
            buf_addf(b, "%s<fieldset><legend>%s</legend>", section ? "</fieldset>" : "",
                     f->section);
            section = f->section;
        }
        show_field(b, p, shop, f, posted, o,
                   (strcmp(f->path, "snelstart.database") == 0
                    || strcmp(f->path, "snelstart.administration") == 0) ? admins
                   : strcmp(f->path, "snelstart.sql_server") == 0 && o ? o->servers : NULL);
        if (strcmp(f->path, "snelstart.sql_server") == 0) {
            buf_add(b, "<div class=\"row\"><label></label><div class=\"value\"><button "
                       "type=\"submit\" name=\"zoeken\" value=\"1\" formaction=\""
                       "/instellingen/sql-servers\" id=\"find-servers\">SQL-servers zoeken"
                       "</button>");
            if (o && o->servers)
                buf_addf(b, "<small>%zu gevonden: kies er een in het veld hierboven, of typ "
                         "zelf een naam</small>", json_array_size(o->servers));
            buf_add(b, "</div></div>");
        }
    }
    buf_add(b, "</fieldset><p class=\"actions\"><button type=\"submit\" id=\"save\">Opslaan"
               "</button> <a href=\"/instellingen?profiel=");
    buf_esc(b, p->name);
    buf_add(b, "\">Wijzigingen vergeten</a></p></form>");
    json_decref(admins);

    /* Volgende keer uitvoeren: the scheduler's planning (state, not configuration) */
    buf_add(b, "<fieldset><legend>Volgende keer uitvoeren</legend><form method=\"post\" "
               "action=\"/instellingen\">");
    page_csrf(r, b);
    buf_add(b, "<input type=\"hidden\" name=\"profiel\" value=\"");
    buf_esc(b, p->name);
    buf_add(b, "\"><input type=\"hidden\" name=\"planning\" value=\"1\">");
    {
        const char *args[0];

        m = web_ask(r->cfg->ep_control[DAEMON_SCHEDULER], "tasks", args, 0, err, sizeof err);
    }
    if (m && m->ok) {
        json_t *ts = json_loads(m->json, 0, NULL), *t;

        json_array_foreach(ts, i, t)
            if (strcmp(json_string_value(json_object_get(t, "profile")), p->name) == 0) {
                time_t  nx = (time_t) json_integer_value(json_object_get(t, "next_run"));
                struct tm tm;
                char    d[32];

                localtime_r(&nx, &tm);
                strftime(d, sizeof d, "%d-%m-%Y %H:%M", &tm);
                buf_addf(b, "<div class=\"row\"><label for=\"f-next\">Volgende keer "
                         "uitvoeren</label><div class=\"value\"><input name=\"volgende\" "
                         "id=\"f-next\" placeholder=\"dd-mm-jjjj uu:mm\" value=\"%s\">"
                         "<small>dag-maand-jaar en tijd, bijvoorbeeld 02-12-2026 08:00</small>",
                         nx > 0 ? d : "");
                show_error(b, o, "volgende");
                buf_add(b, "</div></div>");
            }
        json_decref(ts);
    } else
        buf_add(b, "<p class=\"error\">De planner (koppel-scheduler) antwoordt niet.</p>");
    msg_destroy(&m);
    buf_add(b, "<p class=\"actions\"><button type=\"submit\" id=\"plan\">Planning opslaan"
               "</button></p></form></fieldset>");
    page_end(out);
}

/* profile_of - the profile a request names, or the first */
static const profile_t *
profile_of(const req_t *r)
{
    const char *name = req_arg(r, "profiel");

    if (r->cfg == NULL || r->cfg->nprofiles == 0)
        return NULL;
    if (name == NULL)
        return &r->cfg->profiles[0];
    return cfg_profile(r->cfg, name);
}

void
page_settings(req_t *r, resp_t *out)
{
    const profile_t *p = profile_of(r);

    if (p == NULL) {
        page_error(r, out, 404, r->cfg ? "Dit profiel bestaat niet (meer)."
                                       : "De instellingen zijn niet te lezen.");
        return;
    }
    show_settings(r, out, p, NULL, NULL);
}

/* page_connection_test - "Verbinding testen" of the saved settings */
void
page_connection_test(req_t *r, resp_t *out)
{
    const profile_t *p = profile_of(r);
    outcome_t o = { 0 };
    bool    ok;

    if (p == NULL) {
        page_error(r, out, 404, "Dit profiel bestaat niet (meer).");
        return;
    }
    o.checks = connection_check(p, &ok);
    log_info("user %s from %s: test-connection %s: %s", r->session->user, r->addr, p->name,
             ok ? "ok" : "failed");
    show_settings(r, out, p, NULL, &o);
    outcome_free(&o);
}

/* page_sql_servers - "SQL-servers zoeken": the Browser protocol on the network;
 * the form's values stay as typed, nothing is saved */
void
page_sql_servers(req_t *r, resp_t *out)
{
    const profile_t *p = profile_of(r);
    outcome_t o = { 0 };
    json_t *found, *s;
    char    err[512], name[300];
    size_t  i;

    if (p == NULL) {
        page_error(r, out, 404, "Dit profiel bestaat niet (meer).");
        return;
    }
    o.servers = json_array();
    if ((found = sqlbrowser_find("255.255.255.255", "1434", 1000, err, sizeof err)) == NULL)
        add_error(&o, "snelstart.sql_server", err);
    json_array_foreach(found, i, s)
        json_array_append_new(o.servers, json_string(sqlbrowser_name(s, name, sizeof name)));
    json_decref(found);
    show_settings(r, out, p, &r->form, &o);
    outcome_free(&o);
}

/* save_planning - "Volgende keer uitvoeren" through the scheduler's plan */
static void
save_planning(req_t *r, resp_t *out, const profile_t *p)
{
    const char *v = req_arg(r, "volgende");
    outcome_t o = { 0 };
    struct tm tm;
    char    epoch[32], err[1024], *end;
    const char *args[4];
    msg_t  *m;

    memset(&tm, 0, sizeof tm);
    tm.tm_isdst = -1;
    if (v == NULL || (end = strptime(v, "%d-%m-%Y %H:%M", &tm)) == NULL || *end) {
        add_error(&o, "volgende", "Vul een datum en tijd in als dd-mm-jjjj uu:mm, "
                  "bijvoorbeeld 02-12-2026 08:00.");
        show_settings(r, out, p, &r->form, &o);
        outcome_free(&o);
        return;
    }
    snprintf(epoch, sizeof epoch, "%lld", (long long) mktime(&tm));
    args[0] = p->name;
    args[1] = "importeren-financieel";
    args[2] = "-";
    args[3] = epoch;
    m = web_ask(r->cfg->ep_control[DAEMON_SCHEDULER], "plan", args, 4, err, sizeof err);
    if (m == NULL || !m->ok)
        add_error(&o, "volgende", m ? m->text : "De planner antwoordt niet.");
    else {
        o.notice = xasprintf("Volgende keer uitvoeren: %s.", v);
        web_audit(r, p->name, "volgende keer uitvoeren gezet op %s", v);
    }
    msg_destroy(&m);
    show_settings(r, out, p, NULL, &o);
    outcome_free(&o);
}

/* one change of a save */
typedef struct {
    char    path[160];      /* inside the profile */
    char   *literal;        /* NULL: remove the setting */
} change_t;

/* apply - changes onto a text (new memory); NULL with err */
static char *
apply(const char *text, int index, const change_t *ch, size_t n, char *err, size_t errlen)
{
    cfgedit_t *e = cfgedit_new(text);
    char    full[256];
    size_t  i;
    char   *out;

    for (i = 0; i < n; i++) {
        snprintf(full, sizeof full, "profiles.%d.%s", index, ch[i].path);
        if (!(ch[i].literal ? cfgedit_set(e, full, ch[i].literal, err, errlen)
                            : cfgedit_remove(e, full, err, errlen))) {
            cfgedit_destroy(&e);
            return NULL;
        }
    }
    out = xstrdup(cfgedit_text(e));
    cfgedit_destroy(&e);
    return out;
}

/* platform_change - the changes of a new shop platform: the old platform's
 * settings removed (platform.h); false with a message beside the field
 * when it cannot change now */
static bool
platform_change(req_t *r, const profile_t *p, const char *to, change_t *ch, size_t *n,
                outcome_t *o)
{
    static const struct {
        const char *type, *path, *text;
    } needed[] = {
        { "globecharge", "shop.username", "Vul de gebruikersnaam van Globecharge in." },
        { "globecharge", "shop.password", "Vul het wachtwoord van Globecharge in." },
        { "woocommerce", "shop.consumer_key", "Vul de consumer key in (WooCommerce > "
          "Instellingen > Geavanceerd > REST API)." },
        { "woocommerce", "shop.consumer_secret", "Vul het consumer secret in (WooCommerce > "
          "Instellingen > Geavanceerd > REST API)." },
    };
    const char *const *old;
    const char *v;
    char    err[512], why[1024];
    json_t *st;
    msg_t  *m;
    bool    ok = true;
    size_t  i;

    for (i = 0; i < sizeof needed / sizeof *needed; i++)
        if (strcmp(needed[i].type, to) == 0
            && ((v = form_get(&r->form, needed[i].path)) == NULL || *v == 0)) {
            add_error(o, needed[i].path, needed[i].text);
            ok = false;
        }
    if (strcmp(to, "woocommerce") == 0 && ((v = form_get(&r->form, "shop.url")) == NULL
                                           || *v == 0)) {
        add_error(o, "shop.url", "Vul het adres van de WordPress-site in, bijvoorbeeld "
                  "https://shop.example.nl.");
        ok = false;
    }
    m = web_ask(r->cfg->ep_control[DAEMON_FETCHER], "status", NULL, 0, err, sizeof err);
    st = m && m->ok ? json_loads(m->json, 0, NULL) : NULL;
    if (st == NULL) {
        snprintf(why, sizeof why, "koppel-fetcher antwoordt niet (%.500s): koppel kan niet nagaan "
                 "of er al orders van dit profiel gelezen zijn. Probeer het opnieuw als "
                 "koppel-fetcher draait.", m ? m->text : err);
        add_error(o, "shop.type", why);
        ok = false;
    } else if (!platform_untouched(json_object_get(st, "profiles"), p->name, p->from_order,
                                   why, sizeof why)) {
        add_error(o, "shop.type", why);
        ok = false;
    }
    json_decref(st);
    msg_destroy(&m);
    for (old = platform_leftovers(p->shop_type); ok && *old && *n < MAX_CHANGES; old++) {
        snprintf(ch[*n].path, sizeof ch[*n].path, "%s", *old);
        ch[(*n)++].literal = NULL;
    }
    return ok;
}

/* settings_save - Opslaan, under web_cfg_lock */
static void
settings_save(req_t *r, resp_t *out)
{
    const profile_t *p = profile_of(r);
    change_t ch[MAX_CHANGES];
    outcome_t o = { 0 };
    size_t  n = 0, i;
    int     index, k, reg, btw;
    char    err[1024], *text = NULL, *next = NULL, path[128], num[32];
    const char *why = NULL, *v, *versie = req_arg(r, "versie"), *shop;

    if (p == NULL) {
        page_error(r, out, 404, "Dit profiel bestaat niet (meer).");
        return;
    }
    if (req_arg(r, "planning")) {
        save_planning(r, out, p);
        return;
    }
    index = cfg_profile_index(r->cfg, p->name);
    if (versie == NULL || atoll(versie) != r->cfg->mtime_ns) {
        o.general = xstrdup("koppel.cfg is intussen door iemand anders gewijzigd. Open "
                            "Instellingen opnieuw en breng uw wijziging nog eens aan.");
        show_settings(r, out, p, NULL, &o);
        outcome_free(&o);
        return;
    }
    /* the platform the form is for: the other one's fields do not count */
    shop = platform_known(form_get(&r->form, "shop.type")) ? form_get(&r->form, "shop.type")
                                                           : p->shop_type;
    if (strcmp(shop, p->shop_type) != 0 && !platform_change(r, p, shop, ch, &n, &o))
        shop = NULL;        /* refused: its message stands beside Platform alone */
    /* what changed, each value checked on its own first */
    for (i = 0; i < NFIELDS; i++) {
        const field_t *f = &fields[i];
        char   *cur, *lit;

        if (shop == NULL && platform_of(f))
            continue;
        if (shop == NULL && strcmp(f->path, "shop.type") == 0)
            continue;
        if (!shown(p, shop ? shop : p->shop_type, f) || n == MAX_CHANGES)
            continue;
        v = form_get(&r->form, f->path);
        if (f->type == T_BOOL) {   /* an unticked box is not sent: its marker is */
            char    has[200];

            snprintf(has, sizeof has, "has.%s", f->path);
            if (v == NULL && form_get(&r->form, has))
                v = "";
        }
        if (v == NULL || (f->type == T_SECRET && *v == 0))
            continue;
        cur = value_of(p, f);
        if (strcmp(cur, v) == 0 && f->type != T_SECRET) {
            free(cur);
            continue;
        }
        free(cur);
        if ((lit = literal(f, v, &why)) == NULL) {
            add_error(&o, f->path, why);
            continue;
        }
        snprintf(ch[n].path, sizeof ch[n].path, "%s", f->path);
        ch[n++].literal = lit;
    }
    for (k = 0; k < KIND_N; k++)
        for (reg = 0; reg < REGION_N; reg++)
            for (btw = 0; btw < (reg == REGION_EU ? BTW_NSOORTEN : BTW_OVERIG); btw++) {
                snprintf(path, sizeof path, "grootboeken.%s.%s.%s", kinds[k], regions[reg],
                         btws[btw]);
                if ((v = form_get(&r->form, path)) == NULL || n == MAX_CHANGES)
                    continue;
                snprintf(num, sizeof num, "%d", (int) p->grootboek[k][reg][btw]);
                if (strcmp(v, p->grootboek[k][reg][btw] ? num : "") == 0)
                    continue;
                if (*v && !whole_number(v, 1, 99999999)) {
                    add_error(&o, path, "Kies een grootboekrekening uit de lijst.");
                    continue;
                }
                snprintf(ch[n].path, sizeof ch[n].path, "%s", path);
                ch[n++].literal = *v ? xstrdup(v) : NULL;
            }
    if (o.n == 0 && n == 0) {
        o.notice = xstrdup("Er was niets gewijzigd.");
        show_settings(r, out, p, NULL, &o);
        goto done;
    }
    if ((text = read_text(r->cfg->path, err, sizeof err)) == NULL) {
        o.general = xstrdup(err);
        goto refused;
    }
    if (o.n == 0) {
        if ((next = apply(text, index, ch, n, err, sizeof err)) == NULL) {
            o.general = xstrdup(err);
            goto refused;
        }
        if (save_text(r, next, &o.notice, err, sizeof err)) {
            for (i = 0; i < n; i++) {
                char    label[200];
                bool    secret = strstr(ch[i].path, "password") || strstr(ch[i].path, "key")
                                 || strstr(ch[i].path, "secret");

                web_setting_label(ch[i].path, label, sizeof label);
                if (ch[i].literal == NULL)
                    web_audit(r, p->name, "Instelling %s leeggemaakt", label);
                else if (secret)
                    web_audit(r, p->name, "Instelling %s gewijzigd (geheim, niet getoond)", label);
                else
                    web_audit(r, p->name, "Instelling %s gewijzigd in %s", label, ch[i].literal);
            }
            {
                cfg_t  *fresh = cfg_load(r->cfg->path, err, sizeof err);
                char   *note = xasprintf("Opgeslagen. %s", o.notice);

                free(o.notice);
                o.notice = note;
                if (fresh && cfg_profile(fresh, p->name)) {
                    p = cfg_profile(fresh, p->name);
                    cfg_destroy(&r->cfg);
                    r->cfg = fresh;
                } else
                    cfg_destroy(&fresh);
            }
            show_settings(r, out, p, NULL, &o);
            goto done;
        }
    }
    /* refused: which fields? each change alone against the file, so that
     * every wrong field gets its own message */
    {
        char    all_err[1024];
        size_t  before = o.n;

        snprintf(all_err, sizeof all_err, "%s", err);
        for (i = 0; i < n; i++) {
            char   *one = apply(text, index, &ch[i], 1, err, sizeof err);

            if (one == NULL || !check_text(r->cfg->path, one, err, sizeof err))
                add_error(&o, ch[i].path, setting_message(err));
            free(one);
        }
        if (o.n == 0 && before == 0) {
            /* only together refused: beside the field the message names */
            for (i = 0; i < n; i++)
                if (strstr(all_err, strrchr(ch[i].path, '.') ? strrchr(ch[i].path, '.') + 1
                                                             : ch[i].path))
                    add_error(&o, ch[i].path, setting_message(all_err));
            o.general = xstrdup(setting_message(all_err));
        }
    }
refused:
    log_info("user %s from %s: settings of profile %s refused", r->session->user, r->addr,
             p->name);
    show_settings(r, out, p, &r->form, &o);
    out->status = 422;
done:
    for (i = 0; i < n; i++)
        free(ch[i].literal);
    free(text);
    free(next);
    outcome_free(&o);
}

static pthread_mutex_t cfg_lock = PTHREAD_MUTEX_INITIALIZER;

void
web_cfg_lock(void)
{
    pthread_mutex_lock(&cfg_lock);
}

void
web_cfg_unlock(void)
{
    pthread_mutex_unlock(&cfg_lock);
}

/* locked - a change of koppel.cfg under web_cfg_lock, with the file as it is
 * now: a save that waited for another sees that one's file (its version
 * check then says the file changed), a profile's index is the one of now */
static void
locked(req_t *r, resp_t *out, void (*change)(req_t *, resp_t *))
{
    web_cfg_lock();
    if (r->cfg) {
        char   *path = xstrdup(r->cfg->path);

        cfg_destroy(&r->cfg);
        r->cfg = cfg_load(path, r->cfg_err, sizeof r->cfg_err);
        free(path);
    }
    change(r, out);
    web_cfg_unlock();
}

void
page_settings_save(req_t *r, resp_t *out)
{
    locked(r, out, settings_save);
}

/* page_profiles - the profiles, a new one, removing one */
void
page_profiles(req_t *r, resp_t *out)
{
    buf_t  *b = out->body;
    const char *msg = req_arg(r, "bericht");
    size_t  i;

    page_start(r, out, "Profielen", "profielen");
    if (r->cfg == NULL) {
        page_end(out);
        return;
    }
    if (msg) {
        buf_add(b, "<p class=\"notice\" id=\"notice\">");
        buf_esc(b, msg);
        buf_add(b, "</p>");
    }
    buf_add(b, "<p>Een profiel koppelt één shop aan één SnelStart-administratie.</p>"
               "<table class=\"profiles\" id=\"profiles\"><thead><tr><th>Profiel</th>"
               "<th>Omschrijving</th><th>Shop</th><th>Administratie</th><th></th></tr></thead>"
               "<tbody>");
    for (i = 0; i < r->cfg->nprofiles; i++) {
        const profile_t *p = &r->cfg->profiles[i];

        buf_add(b, "<tr><td><a href=\"/instellingen?profiel=");
        buf_esc(b, p->name);
        buf_add(b, "\">");
        buf_esc(b, p->name);
        buf_add(b, "</a></td><td>");
        buf_esc(b, p->description);
        buf_add(b, "</td><td>");
        buf_esc(b, p->shop_url);
        buf_add(b, "</td><td>");
        buf_esc(b, p->admin_type);
        buf_add(b, "</td><td><a class=\"button danger\" href=\"/profielen/verwijderen?profiel=");
        buf_esc(b, p->name);
        buf_add(b, "\">Verwijderen</a></td></tr>\n");
    }
    buf_add(b, "</tbody></table><h2>Nieuw profiel</h2><form method=\"post\" "
               "action=\"/profielen/nieuw\" class=\"settings\">");
    page_csrf(r, b);
    buf_add(b, "<div class=\"row\"><label for=\"f-new-name\">Naam</label><div class=\"value\">"
               "<input name=\"naam\" id=\"f-new-name\" required pattern=\"[A-Za-z0-9_-]+\">"
               "<small>letters, cijfers, - en _</small></div></div>"
               "<div class=\"row\"><label for=\"f-new-description\">Omschrijving</label>"
               "<div class=\"value\"><input name=\"omschrijving\" id=\"f-new-description\">"
               "</div></div>"
               "<div class=\"row\"><label for=\"f-new-shop\">Platform</label><div class=\"value\">"
               "<select name=\"platform\" id=\"f-new-shop\"><option value=\"globecharge\">"
               "ShopFactory (Globecharge)</option><option value=\"woocommerce\">WooCommerce"
               "</option></select></div></div>"
               "<div class=\"row\"><label for=\"f-new-url\">Adres van de shop</label>"
               "<div class=\"value\"><input name=\"url\" id=\"f-new-url\" required></div></div>"
               "<p class=\"hint\">De koppeling met SnelStart en de grootboekrekeningen worden "
               "overgenomen van het eerste profiel; pas ze daarna aan in Instellingen. Het "
               "nieuwe profiel wordt niet gepland tot u een interval kiest.</p>"
               "<p class=\"actions\"><button type=\"submit\" id=\"add\">Toevoegen</button></p>"
               "</form>");
    page_end(out);
}

/* redirect_profiles - back to Profielen with a message */
static void
redirect_profiles(resp_t *out, const char *msg)
{
    char   *enc = web_urlencode(msg);

    page_redirect(out, "/profielen?bericht=%s", enc);
    free(enc);
}

/* profile_add - Toevoegen, under web_cfg_lock */
static void
profile_add(req_t *r, resp_t *out)
{
    const char *name = req_arg(r, "naam"), *desc = req_arg(r, "omschrijving");
    const char *platform = req_arg(r, "platform"), *url = req_arg(r, "url");
    char    err[1024], *text, *lit, *qn, *qd, *qu, *ss = NULL, *gb = NULL, *notice = NULL, *msg;
    cfgedit_t *e;
    const char *c;

    if (r->cfg == NULL || name == NULL || desc == NULL || platform == NULL || url == NULL) {
        page_error(r, out, 400, "Vul naam, omschrijving, platform en adres in.");
        return;
    }
    for (c = name; *c; c++)
        if (!(isalnum((unsigned char) *c) || *c == '-' || *c == '_'))
            break;
    if (*name == 0 || *c || strlen(name) > 64) {
        redirect_profiles(out, "Niet toegevoegd: een naam bestaat uit letters, cijfers, - en _.");
        return;
    }
    if (cfg_profile(r->cfg, name)) {
        redirect_profiles(out, "Niet toegevoegd: er is al een profiel met die naam.");
        return;
    }
    if (strcmp(platform, "globecharge") != 0 && strcmp(platform, "woocommerce") != 0) {
        redirect_profiles(out, "Niet toegevoegd: kies een platform uit de lijst.");
        return;
    }
    if ((text = read_text(r->cfg->path, err, sizeof err)) == NULL) {
        page_error(r, out, 500, err);
        return;
    }
    e = cfgedit_new(text);
    if (r->cfg->nprofiles > 0) {
        ss = cfgedit_get(e, "profiles.0.snelstart");
        gb = cfgedit_get(e, "profiles.0.grootboeken");
    }
    qn = cfgedit_string(name);
    qd = cfgedit_string(desc);
    qu = cfgedit_string(url);
    lit = xasprintf("{\n        name = %s;\n        description = %s;\n"
                    "        shop = { type = \"%s\"; url = %s; %s from_order = 1L; };\n"
                    "        snelstart = %s;\n%s%s%s"
                    "        planning = { importeren_financieel = \"off\"; };\n    }",
                    qn, qd, platform, qu, strcmp(platform, "woocommerce") == 0
                    ? "consumer_key = \"\"; consumer_secret = \"\";"
                    : "username = \"\"; password = \"\";",
                    ss ? ss : "{ type = \"api\"; }", gb ? "        grootboeken = " : "",
                    gb ? gb : "", gb ? ";\n" : "");
    if (!cfgedit_append(e, "profiles", lit, err, sizeof err)
        || !save_text(r, cfgedit_text(e), &notice, err, sizeof err)) {
        msg = xasprintf("Niet toegevoegd: %s", setting_message(err));
        redirect_profiles(out, msg);
        free(msg);
    } else {
        web_audit(r, name, "profiel %s toegevoegd", name);
        msg = xasprintf("Profiel %s toegevoegd. %s", name, notice);
        redirect_profiles(out, msg);
        free(msg);
    }
    cfgedit_destroy(&e);
    free(notice);
    free(lit);
    free(qn);
    free(qd);
    free(qu);
    free(ss);
    free(gb);
    free(text);
}

/* profile_remove - Verwijderen, under web_cfg_lock */
static void
profile_remove(req_t *r, resp_t *out)
{
    const char *name = req_arg(r, "profiel");
    char    err[1024], *text, *notice = NULL, *msg;
    buf_t  *b = out->body;
    cfgedit_t *e;
    int     index;

    if (r->cfg == NULL || name == NULL || (index = cfg_profile_index(r->cfg, name)) < 0) {
        page_error(r, out, 404, "Dit profiel bestaat niet (meer).");
        return;
    }
    if (strcmp(r->method, "GET") == 0) {
        page_start(r, out, "Profiel verwijderen", "profielen");
        buf_add(b, "<p>Weet u zeker dat u profiel <b>");
        buf_esc(b, name);
        buf_add(b, "</b> wilt verwijderen? koppel importeert en boekt dan niets meer voor deze "
                   "shop. Wat al geboekt is blijft in SnelStart; de vorige instellingen blijven "
                   "bewaard in koppel.cfg.bak.</p><form method=\"post\" "
                   "action=\"/profielen/verwijderen\">");
        page_csrf(r, b);
        buf_add(b, "<input type=\"hidden\" name=\"profiel\" value=\"");
        buf_esc(b, name);
        buf_add(b, "\"><button type=\"submit\" class=\"danger\" id=\"confirm\">Ja, verwijderen"
                   "</button> <a href=\"/profielen\">Nee, terug</a></form>");
        page_end(out);
        return;
    }
    if ((text = read_text(r->cfg->path, err, sizeof err)) == NULL) {
        page_error(r, out, 500, err);
        return;
    }
    e = cfgedit_new(text);
    if (!cfgedit_remove_element(e, "profiles", index, err, sizeof err)
        || !save_text(r, cfgedit_text(e), &notice, err, sizeof err)) {
        msg = xasprintf("Niet verwijderd: %s", setting_message(err));
        redirect_profiles(out, msg);
    } else {
        web_audit(r, name, "profiel %s verwijderd", name);
        msg = xasprintf("Profiel %s verwijderd. %s", name, notice);
        redirect_profiles(out, msg);
    }
    free(msg);
    free(notice);
    cfgedit_destroy(&e);
    free(text);
}

void
page_profile_add(req_t *r, resp_t *out)
{
    locked(r, out, profile_add);
}

void
page_profile_remove(req_t *r, resp_t *out)
{
    locked(r, out, profile_remove);
}
