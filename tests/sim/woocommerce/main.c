/*
 * NAME
 *   woocommerce-sim - a WooCommerce REST API v3 (orders) for tests
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
 *   restart. Runs until SIGINT or SIGTERM. See --help for every flag.
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

#include "log.h"
#include "../simlib/simlib.h"
#include "xalloc.h"
#include "wsim_gen.h"
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
"endpoint and status.\n";

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
           O_POISON, O_LOGLEVEL, O_HELP, O_VERSION };
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
        { "help", no_argument, NULL, O_HELP },
        { "version", no_argument, NULL, O_VERSION },
        { NULL, 0, NULL, 0 },
    };
    wsim_server_opts_t opts = { .retry_after = 1 };
    const char *listen = NULL, *orders = NULL, *db = NULL, *export = NULL;
    long long generate = -1, first = 5001;
    bool    seeded = false, known_given = false;
    double  known = 0.5;
    int     level = LOG_LEVEL_INFO;
    char    host[256], err[512];
    long long port;
    wsim_store_t *store;
    wsim_server_t *server;
    sigset_t set;
    int     c, sig;

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
    if ((server = wsim_server_new(host, (int) port, store, &opts, err, sizeof err)) == NULL) {
        log_error("%s", err);
        wsim_store_destroy(&store);
        return 1;
    }
    log_info("serving %lld orders on %s:%lld", (long long) wsim_store_count(store), host, port);
    sig = simlib_wait(&set);
    log_info("stopping on signal %d", sig);
    wsim_server_destroy(&server);
    wsim_store_destroy(&store);
    return 0;
}
