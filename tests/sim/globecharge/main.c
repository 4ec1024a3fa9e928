/*
 * NAME
 *   globecharge-sim - a Globecharge order feed for tests
 *
 * SYNOPSIS
 *   globecharge-sim --listen HOST:PORT --user U --password P
 *       [--orders DIR] [--generate N --seed S [--first-number N]]
 *       [--db FILE] [fault options] [--export-relaties FILE --known-fraction F]
 *
 * DESCRIPTION
 *   Serves the orders of the feed documents in DIR, or N generated orders,
 *   through login.cgi, orders.cgi and order.cgi as the project's contract
 *   (globecharge-feed.md) says, with optional injected faults. Orders live
 *   in SQLite; with --db FILE they survive a restart. Runs until SIGINT or
 *   SIGTERM. See --help for every flag.
 *
 * DIAGNOSTICS
 *   Exit 2 on a bad flag, 1 when the orders cannot be loaded or the address
 *   cannot be bound, 0 after a signal.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "../simlib/simlib.h"
#include "xalloc.h"
#include "sim_feed.h"
#include "sim_gen.h"
#include "sim_server.h"
#include "sim_store.h"

static const char usage_text[] =
"usage: globecharge-sim --listen HOST:PORT --user U --password P [options]\n"
"\n"
"Orders (at least one of --orders, --generate, --db):\n"
"  --orders DIR           serve every <order> of the *.xml feed documents in DIR\n"
"  --generate N           generate N random valid orders (needs --seed)\n"
"  --seed S               seed of the generator and of the random faults (0)\n"
"  --first-number N       number of the first generated order (10001)\n"
"  --db FILE              keep the orders in this SQLite file (default: memory)\n"
"  --export-relaties FILE with --generate: write SnelStart relaties (JSON) for\n"
"                         a fraction of the generated customers\n"
"  --known-fraction F     that fraction, 0..1 (0.5)\n"
"\n"
"Sessions:\n"
"  --user U, --password P the login that login.cgi accepts\n"
"  --session-ttl S        seconds without requests before a session expires (1800)\n"
"\n"
"Faults (deterministic for a --seed and a sequence of requests):\n"
"  --fail-5xx-rate P      answer 500 or 502 without body with probability P\n"
"  --rate-limit-every N   answer every Nth request 429 rate-limit\n"
"  --maintenance-every N  answer every Nth request 503 maintenance\n"
"  --retry-after S        seconds in Retry-After of 429 and 503 (1)\n"
"  --slow-ms MS           wait MS milliseconds before each answer\n"
"  --drop-rate P          close the connection without answering, probability P\n"
"  --expire-session-every N  answer every Nth request with a session\n"
"                         401 session-expired (and end that session)\n"
"  --encoding ENC         UTF-8 (default) or ISO-8859-1 for every document\n"
"  --truncate-every N     cut every Nth orders.cgi answer in the middle\n"
"                         (status 200, a Content-Length of the half)\n"
"  --garbage-every N      answer every Nth orders.cgi request with 4096 bytes\n"
"                         that are not XML\n"
"  --refuse-login-with FILE  answer every login with HTTP 401 and FILE as the\n"
"                         body (a hostile error answer, such as one with entities)\n"
"  --wrong-encoding-every N  mislabel every Nth orders.cgi answer: in turn\n"
"                         ISO-8859-1 declared on UTF-8 bytes, and UTF-8\n"
"                         declared on ISO-8859-1 bytes\n"
"\n"
"  --log-level L          debug, info, warning or error (info)\n"
"  --help                 this text\n"
"  --version              koppel's version\n"
"\n"
"Test control (no session needed): PUT /_sim/orders with <order> or <orders>\n"
"adds or replaces orders; PUT /_sim/orders?raw=1&number=N&status=S stores\n"
"the body as it is (up to 64 MB) and serves it verbatim in orders.cgi and\n"
"order.cgi (for malformed, huge or deeply nested orders); GET /_sim/stats\n"
"answers JSON counts per endpoint and status.\n";

struct gen_ctx {
    sim_store_t *store;
    char    err[512];
};

/* store_generated - put one generated order into the store */
static int
store_generated(int64_t number, const char *status, const char *xml, void *arg)
{
    struct gen_ctx *ctx = arg;

    return sim_store_put(ctx->store, number, status, xml, ctx->err, sizeof ctx->err);
}

int
main(int argc, char **argv)
{
    enum { O_LISTEN = 256, O_ORDERS, O_USER, O_PASSWORD, O_DB, O_GENERATE, O_SEED,
           O_FIRST, O_EXPORT, O_KNOWN, O_TTL, O_FAIL, O_RATE, O_MAINT, O_RETRY,
           O_SLOW, O_DROP, O_EXPIRE, O_ENCODING, O_LOGLEVEL, O_HELP, O_VERSION, O_TRUNCATE,
           O_GARBAGE, O_WRONGENC, O_REFUSE };
    static const struct option longopts[] = {
        { "listen", required_argument, NULL, O_LISTEN },
        { "orders", required_argument, NULL, O_ORDERS },
        { "user", required_argument, NULL, O_USER },
        { "password", required_argument, NULL, O_PASSWORD },
        { "db", required_argument, NULL, O_DB },
        { "generate", required_argument, NULL, O_GENERATE },
        { "seed", required_argument, NULL, O_SEED },
        { "first-number", required_argument, NULL, O_FIRST },
        { "export-relaties", required_argument, NULL, O_EXPORT },
        { "known-fraction", required_argument, NULL, O_KNOWN },
        { "session-ttl", required_argument, NULL, O_TTL },
        { "fail-5xx-rate", required_argument, NULL, O_FAIL },
        { "rate-limit-every", required_argument, NULL, O_RATE },
        { "maintenance-every", required_argument, NULL, O_MAINT },
        { "retry-after", required_argument, NULL, O_RETRY },
        { "slow-ms", required_argument, NULL, O_SLOW },
        { "drop-rate", required_argument, NULL, O_DROP },
        { "expire-session-every", required_argument, NULL, O_EXPIRE },
        { "encoding", required_argument, NULL, O_ENCODING },
        { "truncate-every", required_argument, NULL, O_TRUNCATE },
        { "garbage-every", required_argument, NULL, O_GARBAGE },
        { "wrong-encoding-every", required_argument, NULL, O_WRONGENC },
        { "refuse-login-with", required_argument, NULL, O_REFUSE },
        { "log-level", required_argument, NULL, O_LOGLEVEL },
        { "help", no_argument, NULL, O_HELP },
        { "version", no_argument, NULL, O_VERSION },
        { NULL, 0, NULL, 0 },
    };
    sim_server_opts_t opts = { .session_ttl = 1800, .retry_after = 1 };
    const char *listen = NULL, *orders = NULL, *db = NULL, *export = NULL;
    long long generate = -1, first = 10001;
    bool    seeded = false, known_given = false;
    double  known = 0.5;
    int     level = LOG_LEVEL_INFO;
    char    host[256], err[512];
    long long port;
    sim_store_t *store;
    sim_server_t *server;
    sigset_t set;
    int     c, sig;

    log_init("globecharge-sim", LOG_LEVEL_INFO);
    simlib_init("globecharge-sim");
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case O_LISTEN: listen = optarg; break;
        case O_ORDERS: orders = optarg; break;
        case O_USER: opts.user = optarg; break;
        case O_PASSWORD: opts.password = optarg; break;
        case O_DB: db = optarg; break;
        case O_GENERATE: generate = simlib_flag_long("generate", optarg, 0, 10000000); break;
        case O_SEED:
            opts.seed = (uint64_t) simlib_flag_long("seed", optarg, 0, INT64_MAX);
            seeded = true;
            break;
        case O_FIRST: first = simlib_flag_long("first-number", optarg, 1, INT64_MAX / 2); break;
        case O_EXPORT: export = optarg; break;
        case O_KNOWN:
            known = simlib_flag_unit("known-fraction", optarg);
            known_given = true;
            break;
        case O_TTL:
            opts.session_ttl = (long) simlib_flag_long("session-ttl", optarg, 1, 86400 * 365);
            break;
        case O_FAIL: opts.fail_5xx_rate = simlib_flag_unit("fail-5xx-rate", optarg); break;
        case O_RATE:
            opts.rate_limit_every = (long) simlib_flag_long("rate-limit-every", optarg, 1,
                                                         1000000000);
            break;
        case O_MAINT:
            opts.maintenance_every = (long) simlib_flag_long("maintenance-every", optarg, 1,
                                                         1000000000);
            break;
        case O_RETRY:
            opts.retry_after = (long) simlib_flag_long("retry-after", optarg, 0, 86400);
            break;
        case O_SLOW: opts.slow_ms = (long) simlib_flag_long("slow-ms", optarg, 0, 600000); break;
        case O_DROP: opts.drop_rate = simlib_flag_unit("drop-rate", optarg); break;
        case O_EXPIRE:
            opts.expire_session_every = (long) simlib_flag_long("expire-session-every", optarg, 1,
                                                         1000000000);
            break;
        case O_TRUNCATE:
            opts.truncate_every = (long) simlib_flag_long("truncate-every", optarg, 1, 1000000000);
            break;
        case O_GARBAGE:
            opts.garbage_every = (long) simlib_flag_long("garbage-every", optarg, 1, 1000000000);
            break;
        case O_REFUSE: {
            FILE   *fp = fopen(optarg, "rb");
            long    n;

            if (fp == NULL || fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0)
                simlib_bad_flag("--refuse-login-with: cannot read %s", optarg);
            rewind(fp);
            opts.refuse_login = xmalloc((size_t) n + 1);
            opts.refuse_login_len = fread(opts.refuse_login, 1, (size_t) n, fp);
            fclose(fp);
            break;
        }
        case O_WRONGENC:
            opts.wrong_encoding_every = (long) simlib_flag_long("wrong-encoding-every", optarg, 1,
                                                         1000000000);
            break;
        case O_ENCODING:
            if (strcasecmp(optarg, "iso-8859-1") == 0 || strcasecmp(optarg, "latin1") == 0)
                opts.encoding = "ISO-8859-1";
            else if (strcasecmp(optarg, "utf-8") == 0 || strcasecmp(optarg, "utf8") == 0)
                opts.encoding = NULL;
            else
                simlib_bad_flag("--encoding wants UTF-8 or ISO-8859-1, not \"%s\"", optarg);
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
            printf("globecharge-sim (koppel) %s\n", KOPPEL_VERSION);
            return 0;
        default:
            simlib_bad_flag("unknown or incomplete flag");
        }
    }
    if (optind < argc)
        simlib_bad_flag("unexpected argument \"%s\"", argv[optind]);
    if (listen == NULL)
        simlib_bad_flag("--listen HOST:PORT is required");
    if (opts.user == NULL || opts.password == NULL)
        simlib_bad_flag("--user and --password are required");
    if (orders == NULL && generate < 0 && db == NULL)
        simlib_bad_flag("give --orders DIR, --generate N or --db FILE");
    if (generate >= 0 && !seeded)
        simlib_bad_flag("--generate needs --seed S");
    if (export && generate < 0)
        simlib_bad_flag("--export-relaties needs --generate");
    if (known_given && export == NULL)
        simlib_bad_flag("--known-fraction needs --export-relaties");
    simlib_listen(listen, host, sizeof host, &port);
    log_init("globecharge-sim", (log_level_t) level);

    if ((store = sim_store_new(db, err, sizeof err)) == NULL)
        log_fatal("%s", err);
    if (orders) {
        long    n = sim_feed_load_dir(orders, store, err, sizeof err);

        if (n < 0)
            log_fatal("%s", err);
        log_info("loaded %ld orders from %s", n, orders);
    }
    if (generate >= 0) {
        sim_gen_t *gen = sim_gen_new(opts.seed, first, (long) generate);
        struct gen_ctx ctx = { store, "" };
        long    n;

        sim_store_begin(store);
        n = sim_gen_run(gen, store_generated, &ctx);
        if (sim_store_commit(store) < 0 || n < 0)
            log_fatal("cannot store generated orders: %s", ctx.err[0] ? ctx.err : "commit failed");
        log_info("generated %ld orders from number %lld with seed %llu", n, first,
                 (unsigned long long) opts.seed);
        if (export) {
            long    k = sim_gen_export_relaties(gen, export, known, err, sizeof err);

            if (k < 0)
                log_fatal("%s", err);
            log_info("wrote %ld relaties to %s", k, export);
        }
        sim_gen_destroy(&gen);
    }

    simlib_block_signals(&set);
    if ((server = sim_server_new(host, (int) port, store, &opts, err, sizeof err)) == NULL) {
        log_error("%s", err);
        sim_store_destroy(&store);
        return 1;
    }
    log_info("serving %lld orders on %s:%lld", (long long) sim_store_count(store), host, port);
    sig = simlib_wait(&set);
    log_info("stopping on signal %d", sig);
    sim_server_destroy(&server);
    sim_store_destroy(&store);
    return 0;
}
