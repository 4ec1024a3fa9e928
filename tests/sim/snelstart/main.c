/*
 * NAME
 *   snelstart-sim - a stand-in for SnelStart's B2B API v2, for tests
 *
 * SYNOPSIS
 *   snelstart-sim --listen HOST:PORT --db FILE --relaties FILE.json
 *                 --grootboeken FILE.json [--landen FILE.json] [--spec FILE]
 *                 [options]
 *
 * DESCRIPTION
 *   Serves POST /b2b/token, the /v2 resources koppel uses (relaties,
 *   grootboeken, btwtarieven, landen, companyInfo, vatrates,
 *   verkoopboekingen, verkoopfacturen, dagboeken, memoriaalboekingen,
 *   documenten) and the test endpoints /_sim/verkoopboekingen,
 *   /_sim/verkoopfacturen, /_sim/relaties, /_sim/memoriaalboekingen,
 *   /_sim/documenten (with their content) and /_sim/stats; POST
 *   /_sim/verkoopboekingen plants a verkoopboeking and its verkoopfactuur as
 *   given, unchecked (a test's double or wrong amount).
 *   One administration per process; the
 *   seed files fill an empty database, which keeps its state across
 *   restarts. PORT 0 picks a free port. Once listening, the program writes
 *   "listening on http://HOST:PORT" on standard output.
 *
 *   Every POST and PUT body is checked against SnelStart's OpenAPI file
 *   (--spec, read at start-up; by default the copy of the published file
 *   in tests/sim/snelstart/, relative to the repository root); a body that
 *   fails is answered 400 and counted in /_sim/stats "invalid". After that
 *   check come the business rules usage() lists.
 *   See usage() for the options.
 *
 * DIAGNOSTICS
 *   Exit 2 on a bad command line, 1 when the database, a seed file or the
 *   OpenAPI file cannot be read (or holds a schema the validator cannot
 *   check) or the port cannot be bound; 0 after SIGINT/SIGTERM.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <microhttpd.h>

#include "log.h"
#include "xalloc.h"
#include "ssim_api.h"
#include "ssim_models.h"
#include "ssim_spec.h"
#include "ssim_store.h"

#define MAX_BODY (4 * 1024 * 1024)
#define DEFAULT_SPEC "tests/sim/snelstart/snelstart-b2b-api-v2.yaml"

typedef struct {
    char   *buf;
    size_t  len, cap;
    bool    too_big;
} upload_t;

/* usage - print the options and exit with status */
static void
usage(FILE *fp, int status)
{
    fprintf(fp,
        "usage: snelstart-sim --listen HOST:PORT --db FILE --relaties FILE.json\n"
        "                     --grootboeken FILE.json [options]\n"
        "  --landen FILE.json          LandModel array (default: built-in list)\n"
        "  --spec FILE                 SnelStart's OpenAPI file to check request bodies\n"
        "                              against (" DEFAULT_SPEC ")\n"
        "  --client-key K              accepted client key (demo-client-key)\n"
        "  --subscription-key S        accepted subscription key (demo-subscription-key)\n"
        "  --token-ttl S               token lifetime in seconds (3600)\n"
        "  --rate-per-minute N         requests per sliding minute (500)\n"
        "  --rate-per-hour N           requests per sliding hour (5000)\n"
        "  --time-scale F              windows F times shorter (1)\n"
        "  --no-rate-limit             never answer 429\n"
        "  --fail-5xx-rate P           answer 500 without doing anything\n"
        "  --timeout-rate P            wait --timeout-ms before answering\n"
        "  --timeout-ms MS             (30000)\n"
        "  --drop-after-store-rate P   store a POST/PUT, then close without answer\n"
        "  --expire-tokens-every N     invalidate every token each N /v2 requests\n"
        "  --seed N                    fault injection seed (1)\n"
        "  --factureer-buitenlands-btw /v2/companyInfo says the administration invoices\n"
        "                              foreign VAT (OSS); off by default\n"
        "  --rate-limit-puts N         answer the first N PUTs 429 (Retry-After 1)\n"
        "  --help\n"
        "  --version                   koppel's version\n"
        "\n"
        "Every POST/PUT body is checked against the request schema of --spec first\n"
        "(types, required, enum, formats uuid and date-time with or without offset,\n"
        "maxLength in UTF-16 units, no unknown or read-only properties, null only\n"
        "where nullable): 400 GEN-0001..GEN-0009, counted in /_sim/stats \"invalid\".\n"
        "Then the business rules:\n"
        "  relatie: naam required; relatiesoort Klant and/or Leverancier; relatiecode\n"
        "    unique; land.id an existing land\n"
        "  verkoopboeking: klant and grootboeken exist, grootboek active; amounts in\n"
        "    whole cents; boekingsregels plus btw equal factuurbedrag (BOE-0039);\n"
        "    factuurnummer not booked before (BOE-0021)\n"
        "  memoriaalboeking: a Memoriaal dagboek (Kas 10, Bank 20, Verkoop 70,\n"
        "    Memoriaal 90 are built in); grootboeken exist and are active; each\n"
        "    verkoopboeking regel on a known verkoopboeking, at most its factuur's\n"
        "    openstaandSaldo (MEM-0008), which it lowers; debet - credit equals\n"
        "    the verkoopboeking regels (MEM-0011)\n"
        "  document (POST /documenten/{documenttype}): Verkoopboekingen,\n"
        "    Inkoopboekingen or Relaties; parentIdentifier an existing verkoopboeking\n"
        "    or relatie (404); fileName required; content base64 of 1 byte to 10 MB\n"
        "  gateway: Ocp-Apim-Subscription-Key header or subscription-key query\n"
        "    parameter (401), bearer token (401), rate limits (429 with Retry-After)\n"
        "  queries: $filter (OData subset), $skip, $top from 1 to 500\n");
    exit(status);
}

/* read_json_file - a JSON file's value, or exit 1 */
static json_t *
read_json_file(const char *path)
{
    json_error_t jerr;
    json_t *v;

    if (path == NULL)
        return NULL;
    if ((v = json_load_file(path, 0, &jerr)) == NULL)
        log_fatal("read %s: line %d: %s", path, jerr.line, jerr.text);
    return v;
}

/* number_arg - a numeric option, or exit 2 */
static double
number_arg(const char *name, const char *s, double min, double max)
{
    char   *end;
    double  v;

    errno = 0;
    v = strtod(s, &end);
    if (*s == 0 || *end != 0 || errno || v < min || v > max) {
        fprintf(stderr, "snelstart-sim: --%s: '%s' is not a number from %g to %g\n",
                name, s, min, max);
        exit(2);
    }
    return v;
}

/* collect_arg - MHD iterator: query arguments into a JSON object */
static enum MHD_Result
collect_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    json_object_set_new((json_t *) cls, key, json_string(value ? value : ""));
    return MHD_YES;
}

/* on_request - MHD access handler: gather the body, then answer */
static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
           const char *version, const char *upload_data, size_t *upload_size,
           void **con_cls)
{
    ssim_t *sim = cls;
    upload_t *up = *con_cls;
    ssim_request_t req;
    ssim_response_t resp;
    struct MHD_Response *r;
    enum MHD_Result ret;
    char    num[32];

    if (up == NULL) {
        *con_cls = xcalloc(1, sizeof *up);
        return MHD_YES;
    }
    if (*upload_size > 0) {
        if (up->len + *upload_size > MAX_BODY) {
            up->too_big = true;
        } else {
            if (up->len + *upload_size + 1 > up->cap) {
                up->cap = (up->len + *upload_size + 1) * 2;
                up->buf = xrealloc(up->buf, up->cap);
            }
            memcpy(up->buf + up->len, upload_data, *upload_size);
            up->len += *upload_size;
        }
        *upload_size = 0;
        return MHD_YES;
    }
    memset(&req, 0, sizeof req);
    req.method = method;
    req.url = url;
    req.query = json_object();
    MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, collect_arg, req.query);
    req.authorization = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization");
    req.subscription_key = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                       "Ocp-Apim-Subscription-Key");
    req.body = up->buf;
    req.body_len = up->len;
    if (up->too_big) {
        memset(&resp, 0, sizeof resp);
        resp.status = 413;
        resp.body = xstrdup("{\"statusCode\":413,\"message\":\"Request body too large\"}");
    } else {
        ssim_handle(sim, &req, &resp);
    }
    json_decref(req.query);
    if (resp.sleep_ms > 0)
        usleep((useconds_t) resp.sleep_ms * 1000);
    if (resp.drop) {
        free(resp.body);
        return MHD_NO;
    }
    r = MHD_create_response_from_buffer(strlen(resp.body), resp.body, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(r, "Content-Type", "application/json; charset=utf-8");
    if (resp.retry_after_s > 0) {
        snprintf(num, sizeof num, "%ld", resp.retry_after_s);
        MHD_add_response_header(r, "Retry-After", num);
    }
    ret = MHD_queue_response(conn, (unsigned) resp.status, r);
    MHD_destroy_response(r);
    return ret;
}

/* on_completed - free the upload buffer of a finished request */
static void
on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
             enum MHD_RequestTerminationCode toe)
{
    upload_t *up = *con_cls;

    if (up != NULL) {
        free(up->buf);
        free(up);
        *con_cls = NULL;
    }
}

/* main - parse flags, open the store, serve until a signal */
int
main(int argc, char **argv)
{
    enum { O_LISTEN = 256, O_DB, O_REL, O_GB, O_LAND, O_CK, O_SK, O_TTL, O_RPM, O_RPH,
           O_SCALE, O_NORATE, O_F5, O_TO, O_TOMS, O_DROP, O_EXP, O_SEED, O_SPEC, O_HELP,
           O_VERSION, O_FBB, O_PUT429 };
    static const struct option longopts[] = {
        { "listen", required_argument, NULL, O_LISTEN },
        { "db", required_argument, NULL, O_DB },
        { "relaties", required_argument, NULL, O_REL },
        { "grootboeken", required_argument, NULL, O_GB },
        { "landen", required_argument, NULL, O_LAND },
        { "client-key", required_argument, NULL, O_CK },
        { "subscription-key", required_argument, NULL, O_SK },
        { "token-ttl", required_argument, NULL, O_TTL },
        { "rate-per-minute", required_argument, NULL, O_RPM },
        { "rate-per-hour", required_argument, NULL, O_RPH },
        { "time-scale", required_argument, NULL, O_SCALE },
        { "no-rate-limit", no_argument, NULL, O_NORATE },
        { "fail-5xx-rate", required_argument, NULL, O_F5 },
        { "timeout-rate", required_argument, NULL, O_TO },
        { "timeout-ms", required_argument, NULL, O_TOMS },
        { "drop-after-store-rate", required_argument, NULL, O_DROP },
        { "expire-tokens-every", required_argument, NULL, O_EXP },
        { "seed", required_argument, NULL, O_SEED },
        { "spec", required_argument, NULL, O_SPEC },
        { "factureer-buitenlands-btw", no_argument, NULL, O_FBB },
        { "rate-limit-puts", required_argument, NULL, O_PUT429 },
        { "help", no_argument, NULL, O_HELP },
        { "version", no_argument, NULL, O_VERSION },
        { NULL, 0, NULL, 0 }
    };
    ssim_options_t opts = {
        .client_key = "demo-client-key", .subscription_key = "demo-subscription-key",
        .token_ttl_s = 3600, .rate_per_minute = 500, .rate_per_hour = 5000,
        .time_scale = 1, .timeout_ms = 30000, .seed = 1,
    };
    static const char *const served[][2] = { { "POST", "/relaties" },
        { "PUT", "/relaties/{id}" }, { "POST", "/verkoopboekingen" } };
    const char *listen = NULL, *db = NULL, *frel = NULL, *fgb = NULL, *fland = NULL;
    const char *fspec = DEFAULT_SPEC;
    ssim_spec_t *spec;
    size_t  i;
    json_t *relaties, *grootboeken, *landen;
    struct sockaddr_in sa;
    struct MHD_Daemon *d;
    const union MHD_DaemonInfo *info;
    ssim_store_t *store;
    ssim_t *sim;
    char    err[512], host[64];
    const char *colon;
    sigset_t sigs;
    int     c, sig;

    log_init("snelstart-sim", LOG_LEVEL_INFO);
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case O_LISTEN: listen = optarg; break;
        case O_DB: db = optarg; break;
        case O_REL: frel = optarg; break;
        case O_GB: fgb = optarg; break;
        case O_LAND: fland = optarg; break;
        case O_CK: opts.client_key = optarg; break;
        case O_SK: opts.subscription_key = optarg; break;
        case O_TTL: opts.token_ttl_s = (long) number_arg("token-ttl", optarg, 1, 1e7); break;
        case O_RPM: opts.rate_per_minute = (int) number_arg("rate-per-minute", optarg, 1, 1e6); break;
        case O_RPH: opts.rate_per_hour = (int) number_arg("rate-per-hour", optarg, 1, 1e7); break;
        case O_SCALE: opts.time_scale = number_arg("time-scale", optarg, 1e-3, 1e6); break;
        case O_NORATE: opts.no_rate_limit = true; break;
        case O_F5: opts.fail_5xx_rate = number_arg("fail-5xx-rate", optarg, 0, 1); break;
        case O_TO: opts.timeout_rate = number_arg("timeout-rate", optarg, 0, 1); break;
        case O_TOMS: opts.timeout_ms = (long) number_arg("timeout-ms", optarg, 0, 600000); break;
        case O_DROP: opts.drop_after_store_rate = number_arg("drop-after-store-rate", optarg, 0, 1); break;
        case O_EXP: opts.expire_tokens_every = (long) number_arg("expire-tokens-every", optarg, 0, 1e12); break;
        case O_SEED: opts.seed = (unsigned long long) number_arg("seed", optarg, 0, 1e18); break;
        case O_SPEC: fspec = optarg; break;
        case O_FBB: opts.factureer_buitenlands_btw = true; break;
        case O_PUT429: opts.rate_limit_puts = (long) number_arg("rate-limit-puts", optarg, 0, 1e9); break;
        case O_HELP: case 'h': usage(stdout, 0); break;
        case O_VERSION: printf("snelstart-sim (koppel) %s\n", KOPPEL_VERSION); return 0;
        default: usage(stderr, 2);
        }
    }
    if (optind < argc || listen == NULL || db == NULL || frel == NULL || fgb == NULL) {
        fprintf(stderr, "snelstart-sim: --listen, --db, --relaties and --grootboeken are required\n");
        usage(stderr, 2);
    }
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    colon = strrchr(listen, ':');
    if (colon == NULL || (size_t) (colon - listen) >= sizeof host) {
        fprintf(stderr, "snelstart-sim: --listen: expected HOST:PORT, got '%s'\n", listen);
        exit(2);
    }
    snprintf(host, sizeof host, "%.*s", (int) (colon - listen), listen);
    if (inet_pton(AF_INET, strcmp(host, "localhost") == 0 ? "127.0.0.1" : host,
                  &sa.sin_addr) != 1) {
        fprintf(stderr, "snelstart-sim: --listen: '%s' is not an IPv4 address\n", host);
        exit(2);
    }
    sa.sin_port = htons((uint16_t) number_arg("listen", colon + 1, 0, 65535));

    if ((spec = ssim_spec_load(fspec, err, sizeof err)) == NULL)
        log_fatal("--spec: %s", err);
    for (i = 0; i < sizeof served / sizeof served[0]; i++)
        if (ssim_spec_request(spec, served[i][0], served[i][1]) == NULL)
            log_fatal("--spec %s: no JSON request body for %s %s", fspec, served[i][0],
                      served[i][1]);
    opts.spec = spec;
    relaties = read_json_file(frel);
    grootboeken = read_json_file(fgb);
    landen = fland ? read_json_file(fland) : ssim_landen_default();
    if ((store = ssim_store_open(db, err, sizeof err)) == NULL)
        log_fatal("%s", err);
    if (!ssim_seed(store, relaties, grootboeken, landen, err, sizeof err))
        log_fatal("seed %s: %s", db, err);
    json_decref(relaties);
    json_decref(grootboeken);
    json_decref(landen);
    sim = ssim_new(store, &opts);

    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);
    d = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD
                         | MHD_USE_POLL, 0, NULL, NULL, on_request, sim,
                         MHD_OPTION_SOCK_ADDR, (struct sockaddr *) &sa,
                         MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
                         MHD_OPTION_CONNECTION_TIMEOUT, (unsigned) 120,
                         MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned) 1,
                         MHD_OPTION_END);
    if (d == NULL)
        log_fatal("cannot listen on %s", listen);
    info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    printf("listening on http://%s:%u\n", host, info ? (unsigned) info->port : 0u);
    fflush(stdout);
    while (sigwait(&sigs, &sig) == 0 && sig != SIGINT && sig != SIGTERM)
        ;
    MHD_stop_daemon(d);
    ssim_destroy(&sim);
    ssim_store_close(&store);
    ssim_spec_destroy(&spec);
    return 0;
}
