/*
 * NAME
 *   bench-status - time each daemon's answer to "status"
 *
 * SYNOPSIS
 *   bench-status CONFIG NAME
 *
 * DESCRIPTION
 *   Asks every daemon of the configuration (each running matcher instance
 *   too, as koppelctl status does) for its status, five times, and prints
 *   the slowest answer of each as "NAME_DAEMON: MS" (the matchers numbered
 *   in the order of their endpoints: NAME_matcher_1) and of them all as
 *   "NAME_max: MS". A daemon that does not answer within 5 s is reported
 *   on standard error once and left out.
 *
 * DIAGNOSTICS
 *   Exit 1 when the configuration cannot be read.
 */
#include <stdio.h>
#include <czmq.h>

#include "config.h"
#include "log.h"
#include "msg.h"
#include "net.h"
#include "status_text.h"

#define TIMEOUT_MS 5000
#define ROUNDS     5

/* ask_ms - the time one status answer took; -1 when none came */
static double
ask_ms(const char *endpoint)
{
    msg_t  *req = msg_new(MSG_REQUEST), *reply;
    char    err[512];
    double  t0 = zclock_usecs() / 1e3, ms;

    msg_set(&req->cmd, "status");
    reply = net_request(endpoint, req, TIMEOUT_MS, err, sizeof err);
    ms = zclock_usecs() / 1e3 - t0;
    msg_destroy(&req);
    if (reply == NULL || !reply->ok) {
        fprintf(stderr, "bench-status: %s: %s\n", endpoint, reply ? "refused" : err);
        ms = -1;
    }
    msg_destroy(&reply);
    return ms;
}

int
main(int argc, char **argv)
{
    char    err[2048];
    cfg_t  *cfg;
    status_endpoint_t *eps;
    size_t  i, n;
    double  max = 0;
    int     r, matchers = 0;

    if (argc != 3) {
        fprintf(stderr, "usage: bench-status CONFIG NAME\n");
        return 2;
    }
    log_init("bench-status", LOG_LEVEL_WARNING);
    if ((cfg = cfg_load(argv[1], err, sizeof err)) == NULL) {
        fprintf(stderr, "bench-status: %s\n", err);
        return 1;
    }
    eps = status_endpoints(cfg, &n);
    for (i = 0; i < n; i++) {
        double  worst = -1;

        for (r = 0; r < ROUNDS; r++) {
            double  ms = ask_ms(eps[i].endpoint);

            if (ms < 0) {
                worst = -1;             /* not running: not asked again */
                break;
            }
            if (ms > worst)
                worst = ms;
        }
        if (worst < 0)
            continue;
        if (eps[i].daemon == DAEMON_MATCHER)
            printf("%s_matcher_%d: %.0f\n", argv[2], ++matchers, worst);
        else
            printf("%s_%s: %.0f\n", argv[2], daemon_name(eps[i].daemon), worst);
        if (worst > max)
            max = worst;
    }
    printf("%s_max: %.0f\n", argv[2], max);
    status_endpoints_free(eps, n);
    cfg_destroy(&cfg);
    return 0;
}
