/*
 * NAME
 *   sim_server - the Globecharge simulator's HTTP side
 *
 * DESCRIPTION
 *   Serves login.cgi, orders.cgi and order.cgi as the feed contract says,
 *   from a sim_store, with sessions, injected faults and two test-control
 *   endpoints: PUT /_sim/orders (add or replace orders; with
 *   ?raw=1&number=N&status=S the body is stored as it is and served
 *   verbatim, so broken documents can be served) and GET /_sim/stats
 *   (requests per endpoint and status, as JSON). Paths are matched by their
 *   last segment, so any base path (e.g. /webshop) works.
 */
#ifndef GCSIM_SERVER_H
#define GCSIM_SERVER_H

#include <stdint.h>

#include "sim_store.h"

typedef struct sim_server sim_server_t;

typedef struct {
    const char *user;
    const char *password;
    uint64_t seed;               /* drives the random faults */
    long    session_ttl;         /* seconds without requests; 1800 */
    double  fail_5xx_rate;       /* 0..1: 500/502 without body */
    long    rate_limit_every;    /* every Nth request 429 */
    long    maintenance_every;   /* every Nth request 503 */
    long    retry_after;         /* seconds in Retry-After */
    long    slow_ms;             /* delay before each answer */
    double  drop_rate;           /* 0..1: close without answering */
    long    expire_session_every;/* every Nth authenticated request 401 */
    const char *encoding;        /* NULL (UTF-8) or "ISO-8859-1" */
    long    truncate_every;      /* every Nth orders.cgi answer cut in the middle */
    long    garbage_every;       /* every Nth orders.cgi answer non-XML bytes */
    long    wrong_encoding_every;/* every Nth orders.cgi answer mislabelled:
                                    ISO-8859-1 declared on UTF-8 bytes, or the
                                    reverse, in turn */
    char   *refuse_login;        /* NULL, or the body of a 401 to every login */
    size_t  refuse_login_len;
} sim_server_opts_t;

/* sim_server_new - listen on host:port and serve; NULL with err on failure */
sim_server_t *sim_server_new(const char *host, int port, sim_store_t *store,
                             const sim_server_opts_t *opts, char *err, size_t errlen);

/* sim_server_destroy - stop serving and null the caller's pointer */
void sim_server_destroy(sim_server_t **self_p);

#endif
