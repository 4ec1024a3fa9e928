/*
 * NAME
 *   woocommerce-sim - a WooCommerce REST API v3 (orders, webhooks) for tests
 *
 * SYNOPSIS
 *   woocommerce-sim --listen HOST:PORT --key K --secret S
 *       [--orders DIR] [--generate N --seed S [--first-id N]]
 *       [--db FILE] [fault options] [--export-relaties FILE --known-fraction F]
 *
 * DESCRIPTION
 *   Serves the order JSON files of DIR, or N generated orders, on
 *   /wp-json/wc/v3/orders and /wp-json/wc/v3/orders/ID as WooCommerce does
 *   (paging with X-WP-Total and X-WP-TotalPages, HTTP Basic with the
 *   consumer key and secret, WooCommerce's JSON errors), with optional
 *   injected faults. Orders live in SQLite; with --db FILE they survive a
 *   restart. Webhooks registered on /wp-json/wc/v3/webhooks (in memory)
 *   get a delivery of each order created or changed while it runs, signed
 *   as WooCommerce signs them, with injected delivery faults. Runs until
 *   SIGINT or SIGTERM. See --help for every flag.
 *
 * DIAGNOSTICS
 *   Exit 2 on a bad flag, 1 when the orders cannot be loaded or the address
 *   cannot be bound, 0 after a signal.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "log.h"
#include "../simlib/simlib.h"
#include "xalloc.h"
#include "wsim_deliver.h"
#include "wsim_gen.h"
#include "wsim_hooks.h"
#include "wsim_live.h"
#include "wsim_server.h"
#include "wsim_store.h"

static const char usage_text[] =
"usage: woocommerce-sim --listen HOST:PORT --key K --secret S [options]\n"
"\n"
"Orders (at least one of --orders, --generate, --db):\n"
"  --orders DIR           serve the orders of the *.json files in DIR (each an\n"
"                         order object or an array of them, as the API answers)\n"
"  --generate N           generate N random valid orders (needs --seed)\n"
"  --seed S               seed of the generator and of the random faults (0)\n"
"  --first-id N           id of the first generated order (5001)\n"
"  --db FILE              keep the orders in this SQLite file (default: memory)\n"
"  --export-relaties FILE with --generate: write SnelStart relaties (JSON) for\n"
"                         a fraction of the generated customers\n"
"  --known-fraction F     that fraction, 0..1 (0.5)\n"
"\n"
"Credentials:\n"
"  --key K, --secret S    the REST API consumer key and secret (HTTP Basic)\n"
"  --read-only            the key has Read permission only: POST and PUT (the\n"
"                         webhooks) answer 401, as WooCommerce does\n"
"\n"
"Webhooks (GET, POST /wp-json/wc/v3/webhooks; GET, PUT .../webhooks/ID; kept\n"
"in memory). Each order created (order.created) or changed (order.updated)\n"
"while the simulator runs, by PUT /_sim/orders or POST /_sim/generate, is\n"
"POSTed to every active webhook of the topic as WooCommerce does: its JSON as\n"
"wp_json_encode writes it, HTTP/1.0, no redirects, X-WC-Webhook-Source, -Topic,\n"
"-Resource, -Event, -ID, -Delivery-ID and -Signature (base64 HMAC-SHA256 of\n"
"the body under the webhook's secret). A new active webhook is pinged first\n"
"(body webhook_id=N). 2xx is success; a failure is never sent again, and\n"
"--webhook-max-failures failures in a row set the webhook \"disabled\".\n"
"A receiver that is down needs no flag: each refused or timed-out delivery\n"
"is a failure.\n"
"  --site-url URL         the shop's site in X-WC-Webhook-Source (http://LISTEN)\n"
"  --webhook-workers N    delivery threads; one order's deliveries keep their\n"
"                         order (4)\n"
"  --webhook-timeout-ms MS  per delivery (60000, as WooCommerce)\n"
"  --webhook-max-failures N  failures in a row that disable a webhook (5;\n"
"                         WooCommerce's failed_delivery() disables at the 7th\n"
"                         in a row: 7 plays that exactly)\n"
"  --webhook-cafile FILE  CA certificates for https delivery URLs\n"
"  --webhook-duplicate-rate P     send a delivery twice, same delivery id\n"
"  --webhook-out-of-order-rate P  after an update, deliver the order's older\n"
"                                 state as another update\n"
"  --webhook-bad-signature-rate P sign a delivery with a wrong secret\n"
"  --webhook-lose N       do not send the next N deliveries at all (lost: only\n"
"                         polling finds those orders)\n"
"\n"
"Faults (deterministic for a --seed and a sequence of requests):\n"
"  --fail-5xx-rate P      answer 500 or 502 without body with probability P\n"
"  --rate-limit-every N   answer every Nth request 429 too_many_requests\n"
"  --retry-after S        seconds in Retry-After of 429 (1)\n"
"  --slow-ms MS           wait MS milliseconds before each answer\n"
"  --drop-rate P          close the connection without answering, probability P\n"
"  --poison ID:KIND       serve order ID as JSON no strict parser reads, in the\n"
"                         list and alone (the list with _fields=id still gives\n"
"                         its id); KIND: nul (\"customer_note\": \"a\\u0000b\"),\n"
"                         bigint (\"customer_id\" of 30 digits), huge-real\n"
"                         (\"cart_tax\": 1e400), duplicate-key (a second\n"
"                         \"status\"), deep (\"meta_data\" nested 5,000 deep),\n"
"                         huge (\"customer_note\" of 70 MB), wide (\"meta_data\"\n"
"                         of 15 million values); repeatable\n"
"\n"
"  --log-level L          debug, info, warning or error (info)\n"
"  --help                 this text\n"
"  --version              koppel's version\n"
"\n"
"Test control (no credentials): PUT /_sim/orders with an order object or an\n"
"array adds or replaces orders (a late status change: the same id with a new\n"
"status and date_modified_gmt); GET /_sim/stats answers JSON counts per\n"
"endpoint and status.\n"
"POST /_sim/orders/ID/refunds {\"line_items\": [{\"id\": LINE_ITEM_ID, \"quantity\": Q}],\n"
"\"shipping\": true, \"reason\", \"date_modified_gmt\"} (each optional) refunds part of\n"
"order ID as WooCommerce does (the lines' share by quantity, the shipping in\n"
"full; date_modified_gmt moves to the one given, else now); answers {\"id\"}.\n"
"GET /wp-json/wc/v3/orders/ID/refunds serves those with their lines, and\n"
"every other refunds[] entry of the order as an amount without lines.\n"
"POST /_sim/generate {\"count\": N, \"rate\": R, \"status\": S} places N generated\n"
"orders dated now, R a second (0 or absent: at once), each with status S\n"
"(absent: random), ids after the highest; answers {\"first_id\"}; GET says how\n"
"far the run is ({\"running\", \"placed\", \"count\", \"first_id\"}).\n"
"GET /_sim/webhook-deliveries: counts (queued, sent, delivered, failed,\n"
"dropped, skipped, pings, disabled, duplicated, out_of_order, bad_signature),\n"
"the faults, and each delivery: delivery_id, webhook_id, topic, order_id,\n"
"date_modified_gmt, result (delivered, failed, dropped, skipped), fault,\n"
"http_status, sent_at (UTC, ms) and sent_at_ms (Unix ms), duration_ms.\n"
"PUT /_sim/webhook-faults {\"duplicate_rate\", \"out_of_order_rate\",\n"
"\"bad_signature_rate\", \"lose\"} (any of them) changes the delivery faults.\n";

struct gen_ctx {
    wsim_store_t *store;
    char    err[512];
};

/* store_generated - put one generated order into the store */
static int
store_generated(int64_t id, const char *json, void *arg)
{
    struct gen_ctx *ctx = arg;

    (void) id;
    return wsim_store_put_json(ctx->store, json, ctx->err, sizeof ctx->err) < 0 ? -1 : 0;
}

int
main(int argc, char **argv)
{
    enum { O_LISTEN = 256, O_ORDERS, O_KEY, O_SECRET, O_DB, O_GENERATE, O_SEED,
           O_FIRST, O_EXPORT, O_KNOWN, O_FAIL, O_RATE, O_RETRY, O_SLOW, O_DROP,
           O_POISON, O_LOGLEVEL, O_HELP, O_VERSION, O_READONLY, O_SITE, O_WORKERS,
           O_HTIMEOUT, O_MAXFAIL, O_CAFILE, O_HDUP, O_HORDER, O_HBADSIG, O_HLOSE };
    static const struct option longopts[] = {
        { "listen", required_argument, NULL, O_LISTEN },
        { "orders", required_argument, NULL, O_ORDERS },
        { "key", required_argument, NULL, O_KEY },
        { "secret", required_argument, NULL, O_SECRET },
        { "db", required_argument, NULL, O_DB },
        { "generate", required_argument, NULL, O_GENERATE },
        { "seed", required_argument, NULL, O_SEED },
        { "first-id", required_argument, NULL, O_FIRST },
        { "export-relaties", required_argument, NULL, O_EXPORT },
        { "known-fraction", required_argument, NULL, O_KNOWN },
        { "fail-5xx-rate", required_argument, NULL, O_FAIL },
        { "rate-limit-every", required_argument, NULL, O_RATE },
        { "retry-after", required_argument, NULL, O_RETRY },
        { "slow-ms", required_argument, NULL, O_SLOW },
        { "drop-rate", required_argument, NULL, O_DROP },
        { "poison", required_argument, NULL, O_POISON },
        { "log-level", required_argument, NULL, O_LOGLEVEL },
        { "read-only", no_argument, NULL, O_READONLY },
        { "site-url", required_argument, NULL, O_SITE },
        { "webhook-workers", required_argument, NULL, O_WORKERS },
        { "webhook-timeout-ms", required_argument, NULL, O_HTIMEOUT },
        { "webhook-max-failures", required_argument, NULL, O_MAXFAIL },
        { "webhook-cafile", required_argument, NULL, O_CAFILE },
        { "webhook-duplicate-rate", required_argument, NULL, O_HDUP },
        { "webhook-out-of-order-rate", required_argument, NULL, O_HORDER },
        { "webhook-bad-signature-rate", required_argument, NULL, O_HBADSIG },
        { "webhook-lose", required_argument, NULL, O_HLOSE },
        { "help", no_argument, NULL, O_HELP },
        { "version", no_argument, NULL, O_VERSION },
        { NULL, 0, NULL, 0 },
    };
    wsim_server_opts_t opts = { .retry_after = 1 };
    wsim_deliver_opts_t dopts = { .workers = 4, .timeout_ms = 60000 };
    wsim_shop_t shop;
    const char *listen = NULL, *orders = NULL, *db = NULL, *export = NULL;
    char   *site = NULL;
    int     max_failures = 5;
    long long generate = -1, first = 5001;
    bool    seeded = false, known_given = false;
    double  known = 0.5;
    int     level = LOG_LEVEL_INFO;
    char    host[256], err[512];
    long long port;
    wsim_store_t *store;
    wsim_server_t *server;
    sigset_t set;
    int     c, sig = 0;

    log_init("woocommerce-sim", LOG_LEVEL_INFO);
    simlib_init("woocommerce-sim");
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case O_LISTEN: listen = optarg; break;
        case O_ORDERS: orders = optarg; break;
        case O_KEY: opts.key = optarg; break;
        case O_SECRET: opts.secret = optarg; break;
        case O_DB: db = optarg; break;
        case O_GENERATE: generate = simlib_flag_long("generate", optarg, 0, 10000000); break;
        case O_SEED:
            opts.seed = (uint64_t) simlib_flag_long("seed", optarg, 0, INT64_MAX);
            seeded = true;
            break;
        case O_FIRST: first = simlib_flag_long("first-id", optarg, 1, 2000000000); break;
        case O_EXPORT: export = optarg; break;
        case O_KNOWN:
            known = simlib_flag_unit("known-fraction", optarg);
            known_given = true;
            break;
        case O_FAIL: opts.fail_5xx_rate = simlib_flag_unit("fail-5xx-rate", optarg); break;
        case O_RATE:
            opts.rate_limit_every = (long) simlib_flag_long("rate-limit-every", optarg, 1,
                                                         1000000000);
            break;
        case O_RETRY:
            opts.retry_after = (long) simlib_flag_long("retry-after", optarg, 0, 86400);
            break;
        case O_SLOW: opts.slow_ms = (long) simlib_flag_long("slow-ms", optarg, 0, 600000); break;
        case O_DROP: opts.drop_rate = simlib_flag_unit("drop-rate", optarg); break;
        case O_POISON:
            if (opts.npoisons == WSIM_MAX_POISONS)
                simlib_bad_flag("at most %d --poison flags", WSIM_MAX_POISONS);
            if (!wsim_poison_parse(optarg, &opts.poisons[opts.npoisons++]))
                simlib_bad_flag("--poison wants ID:KIND, KIND one of nul, bigint, "
                                "huge-real, duplicate-key, deep, huge, wide; not \"%s\"", optarg);
            break;
        case O_READONLY: opts.read_only = true; break;
        case O_SITE: free(site); site = xstrdup(optarg); break;
        case O_WORKERS: dopts.workers = (int) simlib_flag_long("webhook-workers", optarg, 1, 64); break;
        case O_HTIMEOUT:
            dopts.timeout_ms = (long) simlib_flag_long("webhook-timeout-ms", optarg, 1, 600000);
            break;
        case O_MAXFAIL:
            max_failures = (int) simlib_flag_long("webhook-max-failures", optarg, 1, 1000);
            break;
        case O_CAFILE: dopts.cafile = optarg; break;
        case O_HDUP:
            dopts.faults.duplicate_rate = simlib_flag_unit("webhook-duplicate-rate", optarg);
            break;
        case O_HORDER:
            dopts.faults.out_of_order_rate = simlib_flag_unit("webhook-out-of-order-rate",
                                                              optarg);
            break;
        case O_HBADSIG:
            dopts.faults.bad_signature_rate = simlib_flag_unit("webhook-bad-signature-rate",
                                                               optarg);
            break;
        case O_HLOSE:
            dopts.faults.lose = (long) simlib_flag_long("webhook-lose", optarg, 0, 100000000);
            break;
        case O_LOGLEVEL:
            if ((level = log_level_parse(optarg)) < 0)
                simlib_bad_flag("--log-level wants debug, info, warning or error, "
                                "not \"%s\"", optarg);
            break;
        case O_HELP:
            fputs(usage_text, stdout);
            return 0;
        case O_VERSION:
            printf("woocommerce-sim (koppel) %s\n", KOPPEL_VERSION);
            return 0;
        default:
            simlib_bad_flag("unknown or incomplete flag");
        }
    }
    if (optind < argc)
        simlib_bad_flag("unexpected argument \"%s\"", argv[optind]);
    if (listen == NULL)
        simlib_bad_flag("--listen HOST:PORT is required");
    if (opts.key == NULL || opts.secret == NULL)
        simlib_bad_flag("--key and --secret are required");
    if (orders == NULL && generate < 0 && db == NULL)
        simlib_bad_flag("give --orders DIR, --generate N or --db FILE");
    if (generate >= 0 && !seeded)
        simlib_bad_flag("--generate needs --seed S");
    if (export && generate < 0)
        simlib_bad_flag("--export-relaties needs --generate");
    if (known_given && export == NULL)
        simlib_bad_flag("--known-fraction needs --export-relaties");
    simlib_listen(listen, host, sizeof host, &port);
    log_init("woocommerce-sim", (log_level_t) level);

    if ((store = wsim_store_new(db, err, sizeof err)) == NULL)
        log_fatal("%s", err);
    if (orders) {
        long    n = wsim_store_load_dir(store, orders, err, sizeof err);

        if (n < 0)
            log_fatal("%s", err);
        log_info("loaded %ld orders from %s", n, orders);
    }
    if (generate >= 0) {
        wsim_gen_t *gen = wsim_gen_new(opts.seed, first, (long) generate);
        struct gen_ctx ctx = { store, "" };
        long    n;

        wsim_store_begin(store);
        n = wsim_gen_run(gen, store_generated, &ctx);
        if (wsim_store_commit(store) < 0 || n < 0)
            log_fatal("cannot store generated orders: %s", ctx.err[0] ? ctx.err : "commit failed");
        log_info("generated %ld orders from id %lld with seed %llu", n, first,
                 (unsigned long long) opts.seed);
        if (export) {
            long    k = wsim_gen_export_relaties(gen, export, known, err, sizeof err);

            if (k < 0)
                log_fatal("%s", err);
            log_info("wrote %ld relaties to %s", k, export);
        }
        wsim_gen_destroy(&gen);
    }

    simlib_block_signals(&set);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (site == NULL)
        site = xasprintf(strchr(host, ':') ? "http://[%s]:%lld" : "http://%s:%lld", host, port);
    dopts.site_url = site;
    dopts.seed = opts.seed;
    shop.store = store;
    shop.hooks = wsim_hooks_new(max_failures);
    shop.deliver = wsim_deliver_new(shop.hooks, &dopts);
    shop.live = wsim_live_new(store, opts.seed);
    /* orders loaded or generated before this point are older than any webhook */
    wsim_store_observe(store, wsim_deliver_change, shop.deliver);
    server = wsim_server_new(host, (int) port, &shop, &opts, err, sizeof err);
    if (server == NULL) {
        log_error("%s", err);
    } else {
        log_info("serving %lld orders on %s:%lld", (long long) wsim_store_count(store), host,
                 port);
        sig = simlib_wait(&set);
        log_info("stopping on signal %d", sig);
        wsim_server_destroy(&server);
    }
    wsim_live_destroy(&shop.live);
    wsim_store_observe(store, NULL, NULL);
    wsim_deliver_destroy(&shop.deliver);
    wsim_hooks_destroy(&shop.hooks);
    wsim_store_destroy(&store);
    free(site);
    curl_global_cleanup();
    return server == NULL && sig == 0 ? 1 : 0;
}
