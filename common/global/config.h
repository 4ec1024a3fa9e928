/*
 * NAME
 *   config - koppel.cfg: global settings and profiles
 *
 * DESCRIPTION
 *   The configuration file is read with libconfig. It holds a "koppel"
 *   group (state directory, endpoints, logging) and a "profiles" list; each
 *   profile couples one shop to one SnelStart administration. Every setting
 *   is documented in config/koppel.cfg.example.
 *
 *   config_load() checks every value and reports the first wrong one with
 *   file, line and setting name; it never returns a half-read config.
 */
#ifndef KOPPEL_CONFIG_H
#define KOPPEL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* btw-soort of a revenue line: the Dutch rates plus the others */
typedef enum {
    BTW_HOOG = 0,   /* 21 % */
    BTW_LAAG,       /* 9 % */
    BTW_GEEN,       /* 0 % */
    BTW_OVERIG,     /* another country's rate (OSS) */
    BTW_NSOORTEN
} btw_soort_t;

/* region of the delivery address */
typedef enum {
    REGION_NL = 0,
    REGION_EU,       /* binnen de EU */
    REGION_NON_EU,   /* buiten de EU */
    REGION_N
} region_t;

/* kind of revenue */
typedef enum {
    KIND_OMZET = 0,        /* products */
    KIND_VERZENDKOSTEN,
    KIND_BETALINGSKOSTEN,
    KIND_KORTING,
    KIND_N
} revenue_kind_t;

/* recognition methods (manual 2.5, "Herkenning") */
typedef enum {
    RECOGNITION_KLANTCODE = 0,
    RECOGNITION_EMAIL,
    RECOGNITION_KLANTCODE_OF_EMAIL,
    RECOGNITION_EMAIL_POSTCODE,
    RECOGNITION_KLANTCODE_OF_EMAIL_POSTCODE,
    RECOGNITION_SLIM
} recognition_t;

/* processing modes (manual 2.5, "Verwerking") */
typedef enum {
    PROCESSING_ALLEEN_TOEVOEGEN = 0,
    PROCESSING_TOEVOEGEN_EN_BIJWERKEN,
    PROCESSING_HANDMATIG
} processing_t;

/* the schema map: where koppel finds relaties and grootboeken in an
   administration of type sql, lokaal or mdb (SnelStart does not publish its
   schema; the defaults are its desktop tables, tblRelatie, tblGrootboek,
   as public queries against real administrations name them). Each entry
   is a table or column name; "" for an optional column means the
   administration has none. Two columns may point into a second table
   (the join is read by admin_reader): relatie_land into landen,
   grootboek_soort into grootboekfuncties; with that table "" the column
   holds the value itself. Defaults: config.c, schema_defaults;
   docs/administrations.md says where each comes from. */
typedef enum {
    SCHEMA_RELATIES = 0,         /* table */
    SCHEMA_RELATIE_ID,           /* unique id (text or number) */
    SCHEMA_RELATIE_CODE,         /* relatiecode (whole number) */
    SCHEMA_RELATIE_NAAM,
    SCHEMA_RELATIE_EMAIL,
    SCHEMA_RELATIE_FACTUUR_EMAIL,
    SCHEMA_RELATIE_POSTCODE,
    SCHEMA_RELATIE_LAND,         /* ISO country code, or an id into landen */
    SCHEMA_RELATIE_BTW,
    SCHEMA_RELATIE_KVK,
    SCHEMA_RELATIE_NONACTIEF,    /* true/1: inactive */
    SCHEMA_RELATIE_KLANT,        /* a klant: true/1, or one of relatie_klant_bits
                                    ("" = every relatie is) */
    SCHEMA_RELATIE_MODIFIED,     /* last change (sql, lokaal: incremental reads) */
    SCHEMA_GROOTBOEKEN,          /* table */
    SCHEMA_GROOTBOEK_ID,
    SCHEMA_GROOTBOEK_NUMMER,
    SCHEMA_GROOTBOEK_OMSCHRIJVING,
    SCHEMA_GROOTBOEK_NONACTIEF,
    SCHEMA_GROOTBOEK_SOORT,      /* "Balans" or "WinstEnVerlies" (B/W), or an
                                    id into grootboekfuncties */
    SCHEMA_RELATIE_FACTUUR_CC_EMAIL, /* more invoice addresses */
    SCHEMA_RELATIE_KLANT_BITS,   /* relatie_klant as a number: a klant when it has
                                    one of these bits ("" = true/false) */
    SCHEMA_LANDEN,               /* table relatie_land points into ("" = none) */
    SCHEMA_LAND_ID,
    SCHEMA_LAND_CODE,            /* ISO country code */
    SCHEMA_GROOTBOEKFUNCTIES,    /* table grootboek_soort points into ("" = none) */
    SCHEMA_GROOTBOEKFUNCTIE_ID,
    SCHEMA_GROOTBOEKFUNCTIE_SOORT, /* "Balans" or "WinstEnVerlies" (B/W) */
    SCHEMA_N
} schema_key_t;

/* an OSS grootboek: revenue from consumers in another EU country at that
   country's rate (profiles.NAME.grootboeken.oss.CC_RATE, e.g. BE_21, FR_5_5) */
#define OSS_MAX 128
typedef struct {
    char    country[3];         /* ISO 3166-1 alpha-2, upper case, EU, not NL */
    int32_t rate_e2;            /* 21 % is 2100 */
    int32_t nummer;             /* the grootboek */
} oss_grootboek_t;
/* payment providers whose payments koppel can settle (docs/financial.md, 7) */
typedef enum {
    PSP_MOLLIE = 0,
    PSP_PAYPAL,
    PSP_STRIPE,
    PSP_N
} psp_t;

/* profiles.NAME.betalingen.PROVIDER: how a payment through it is booked */
typedef struct {
    char  **methods;            /* the order's payment methods it handles (any case) */
    size_t  nmethods;
    int32_t tussenrekening;     /* grootboek nummer the payment goes to (Balans) */
    int32_t kosten_grootboek;   /* grootboek nummer of its fee (WinstEnVerlies) */
    int64_t fee_fixed_cents;    /* fixed fee per payment */
    int64_t fee_percent_e4;     /* percentage fee x 10000: 1.8 % is 18000 */
    char   *fee_field;          /* order field stating the fee itself, "" = none */
} psp_setting_t;

typedef struct {
    char   *name;               /* identifier used on the command line */
    char   *description;        /* the profile's own description */
    bool    enabled;            /* false: never planned or run ("uitgeschakeld") */

    /* shop */
    char   *shop_type;          /* "globecharge" */
    char   *shop_url;           /* base URL */
    char   *shop_username;
    char   *shop_password;      /* secret */
    int64_t from_order;         /* "vanaf ordernummer" as configured */
    int     page_size;          /* orders per request, 1..100 */
    int     late_window;        /* order numbers re-read below the cursor */
    bool    shop_tls_verify;
    bool    shop_insecure_http;  /* shop.insecure_http: an http:// url is allowed */
    /* shop.webhook (woocommerce only): deliveries the fetcher's receiver
       takes for this profile; "" when the profile has none */
    char   *webhook_path;       /* the request path, e.g. "/webhook/woo", unique */
    char   *webhook_secret;     /* secret: the key of X-WC-Webhook-Signature */
    char   *webhook_url;        /* the delivery URL registered in the shop, "" = not said */

    /* SnelStart administration (manual 2.2) */
    char   *admin_type;         /* "api", "sql", "lokaal" or "mdb" */
    char   *sql_server;         /* sql, lokaal: host, host:port or host\instance */
    char   *database;           /* sql, lokaal: database name */
    char   *sql_user;           /* sql, lokaal: "" = integrated (Kerberos) login */
    char   *sql_password;       /* secret */
    char   *sql_encryption;     /* sql, lokaal: "require" (default), "request", "off" */
    bool    sql_tls_verify;     /* sql, lokaal: check the server's certificate (true) */
    char   *sql_ca_file;        /* sql, lokaal: PEM of the CAs to trust; "" the system's */
    char   *folder;             /* mdb, lokaal: folder of the administrations */
    char   *administration;     /* mdb, lokaal: administration name */
    char   *ss_user;            /* SnelStart user, default "Beheerder" */
    char   *ss_password;        /* secret, default "" */
    char   *schema[SCHEMA_N];   /* the schema map, never NULL */
    /* writing always goes through the API: */
    char   *api_url;            /* https://b2bapi.snelstart.nl/v2 */
    char   *auth_url;           /* https://auth.snelstart.nl/b2b/token */
    char   *client_key;         /* secret */
    char   *subscription_key;   /* secret */
    bool    api_tls_verify;
    bool    api_insecure_http;   /* snelstart.insecure_http: http:// urls allowed */
    int     rate_per_minute;    /* default 500 */
    int     rate_per_hour;      /* default 5000 */
    int     max_concurrent;     /* default 50 */
    int     timeout_s;          /* whole-request timeout, default 30 */
    int     index_refresh_s;    /* seconds between incremental relatie syncs */
    int     time_scale;         /* tests and benchmarks: limit windows this many times
                                   shorter (snelstart-sim --time-scale); default 1 */

    /* booking (manual 2.4) */
    bool    markeer_als_ongelezen;
    char   *factuurnummer_prefix;
    int     betalingstermijn;   /* days, on the verkoopboeking */
    /* grootboek numbers; 0 = not set. [kind][region][btw] */
    int32_t grootboek[KIND_N][REGION_N][BTW_NSOORTEN];
    oss_grootboek_t oss[OSS_MAX]; /* grootboeken.oss, in the file's order */
    size_t  noss;

    /* payments: a memoriaalboeking per paid order (off by default) */
    bool    betalingen_boeken;
    int32_t betalingen_dagboek; /* nummer of the memoriaal dagboek */
    psp_setting_t psp[PSP_N];

    /* the invoice PDF attached to each verkoopboeking (off by default) */
    bool    factuur_pdf;
    char   *shop_naam;          /* the seller on the invoice */
    char   *shop_adres;         /* its address; "\n" separates lines */
    char   *shop_btw_nummer;    /* its VAT number */
    char   *shop_kvk_nummer;    /* its KvK-nummer, "" = not shown */

    /* customers (manual 2.5) */
    recognition_t recognition;
    processing_t  processing;
    int32_t default_klantcode;  /* handmatig: book unknown customers here */
    int     default_betalingstermijn; /* krediettermijn of new relaties */

    /* planning (manual 2.6) */
    int     import_interval_s;  /* 0 = off */
} profile_t;

/* koppel.webhooks: the fetcher's HTTP receiver of shop webhooks; absent,
   no receiver (docs/woocommerce.md) */
typedef struct {
    bool    enabled;            /* the group is there: the fetcher listens */
    char   *listen;             /* ADDRESS:PORT (listen.h), default 127.0.0.1:8188 */
    char   *tls_certificate;    /* PEM file; "" = plain http, loopback only */
    char   *tls_key;            /* PEM file of its private key */
    long long max_body_bytes;   /* a larger request body gets 413 */
} webhooks_t;

typedef struct {
    char   *path;               /* the file read */
    long long mtime_ns;         /* its modification time when it was read */
    char   *state_dir;          /* databases and ipc sockets */
    char   *log_level;          /* "debug", "info", "warning" */
    /* endpoints: ipc:// under state_dir by default, tcp:// possible */
    char   *ep_jobs;            /* scheduler -> fetcher */
    char   *ep_events;          /* fetcher -> scheduler: job results */
    char   *ep_orders;          /* fetcher -> matchers */
    char   *ep_matched;         /* matchers -> booker */
    char   *ep_outcomes;        /* booker -> fetcher */
    char   *ep_control[5];      /* control + status per daemon, by daemon_t */
    int     resend_after_s;     /* resend an order without outcome after */
    int     max_in_flight;      /* orders sent and awaiting an outcome, at most */
    int     matcher_heartbeat_ms;   /* a matcher silent this long is gone; it says
                                       "ready" every quarter of it */
    webhooks_t webhooks;
    profile_t *profiles;
    size_t     nprofiles;
    int        secrets_of;      /* the daemon_t whose secrets it holds; DAEMON_N: all */
} cfg_t;

/* the daemons, in one place (OpenSMTPD's process table) */
typedef enum {
    DAEMON_SCHEDULER = 0,
    DAEMON_FETCHER,
    DAEMON_MATCHER,
    DAEMON_BOOKER,
    DAEMON_N
} daemon_t;

/* cfg_load - read and check a configuration file; NULL with err set */
cfg_t *cfg_load(const char *path, char *err, size_t errlen);

/* cfg_keep_secrets - wipe (zero in place: they read "") the secrets the
 * daemon does not use; the table is in config.c. DAEMON_N keeps all. */
void cfg_keep_secrets(cfg_t *self, daemon_t which);

/* cfg_destroy - free (secrets wiped first) and null the caller's pointer */
void cfg_destroy(cfg_t **self_p);

/* cfg_profile - the profile of that name, or NULL */
const profile_t *cfg_profile(const cfg_t *self, const char *name);

/* cfg_profile_index - its position in profiles[], -1 if there is none */
int cfg_profile_index(const cfg_t *self, const char *name);

/* cfg_connection_same - whether profiles a and b reach the same shop and
 * SnelStart with the same credentials (URLs, user names, passwords, keys,
 * TLS): a profile stopped on refused credentials resumes when a reload
 * (reload.h) brings other ones */
bool cfg_connection_same(const profile_t *a, const profile_t *b);

/* cfg_administration_same - whether profiles a and b read the same SnelStart
 * administration the same way (type, connection, schema map, API keys and
 * limits, index refresh): a matcher keeps its customer index over a reload */
bool cfg_administration_same(const profile_t *a, const profile_t *b);

/* cfg_endpoints_same - whether a and b have the same state directory and
 * endpoints: what a reload cannot change (the sockets are bound) */
bool cfg_endpoints_same(const cfg_t *a, const cfg_t *b);

/* cfg_webhook_profile - the profile whose shop.webhook.path is path, or NULL */
const profile_t *cfg_webhook_profile(const cfg_t *self, const char *path);

/* cfg_file_changed - whether the file was written since it was read */
bool cfg_file_changed(const cfg_t *self);

/* cfg_matcher_control - a matcher instance's control endpoint (new memory) */
char *cfg_matcher_control(const cfg_t *self, const char *instance);

/* names used in settings and messages */
const char *recognition_name(recognition_t method);   /* "email" */
bool recognition_parse(const char *name, recognition_t *out);
const char *daemon_name(daemon_t daemon);             /* "fetcher" */
const char *psp_name(psp_t psp);                      /* "mollie" */
const char *schema_key_name(schema_key_t key);        /* "relatie_email" */
const char *schema_default(schema_key_t key);         /* "Email" */
/* profile_mdb_path - folder/administration[.mdb] of an mdb profile (new memory) */
char *profile_mdb_path(const profile_t *p);

/* config_interval_parse - "15m" -> 900, "off" -> 0; -1 when not a planning interval */
int config_interval_parse(const char *word);
/* config_interval_name - 900 -> "15m"; NULL when not a planning interval */
const char *config_interval_name(int seconds);
/* config_secrets_private - false when the file is readable by other users */
bool config_secrets_private(const char *path);

#endif
