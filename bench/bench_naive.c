/*
 * NAME
 *   bench-naive - the API calls of a naive connector, for comparison
 *
 * SYNOPSIS
 *   bench-naive CONFIG PROFILE FETCHER_DB MAX NAME
 *
 * DESCRIPTION
 *   Books at most MAX of the orders stored in a fetcher.db (the orders
 *   koppel booked in an earlier run) the way typical connectors do: per
 *   order search the relatie by e-mail (GET /relaties?$filter=Email eq),
 *   create it when it is not there (POST /relaties), then POST the
 *   verkoopboeking. Grootboeken, btw-tarieven and landen are read once.
 *   Run it against a fresh snelstart-sim holding the same relaties.
 *   Prints "NAME: CALLS_PER_ORDER" (token and set-up calls included).
 *
 * DIAGNOSTICS
 *   Exit 1 with the reason when the configuration, the database or a call
 *   to SnelStart fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "boeking.h"
#include "config.h"
#include "log.h"
#include "order.h"
#include "relatie_body.h"
#include "snelstart.h"
#include "xalloc.h"

/* get_or_die - one GET, or exit 1 */
static json_t *
get_or_die(snelstart_t *api, const char *path)
{
    json_t *out = NULL;
    ss_error_t e;

    if (snelstart_get(api, path, &out, &e) != SS_OK) {
        fprintf(stderr, "bench-naive: GET %s: %s\n", path, e.message);
        exit(1);
    }
    return out;
}

/* book_naive - search, maybe create, post; false on a failed call */
static bool
book_naive(snelstart_t *api, const profile_t *p, const order_t *o, const json_t *landen,
           const boeking_ctx_t *ctx)
{
    char   *lit = snelstart_odata_string(o->email);
    char   *filter = xasprintf("Email eq %s", lit);
    char   *path = snelstart_query("/relaties", "$filter", filter, NULL);
    json_t *list = get_or_die(api, path), *body, *created = NULL, *stored = NULL;
    char    id[64], err[1024];
    ss_error_t e;
    bool    ok = true;

    free(lit);
    free(filter);
    free(path);
    if (json_array_size(list) > 0)
        snprintf(id, sizeof id, "%s",
                 json_string_value(json_object_get(json_array_get(list, 0), "id")) ?: "");
    else {
        if ((body = relatie_build(o, p, landen, err, sizeof err)) == NULL) {
            fprintf(stderr, "bench-naive: order %lld: %s\n", (long long) o->number, err);
            json_decref(list);
            return false;
        }
        if (snelstart_post(api, "/relaties", body, &created, &e) != SS_OK) {
            fprintf(stderr, "bench-naive: order %lld: POST /relaties: %s\n",
                    (long long) o->number, e.message);
            ok = false;
        }
        snprintf(id, sizeof id, "%s", json_string_value(json_object_get(created, "id")) ?: "");
        json_decref(body);
        json_decref(created);
    }
    json_decref(list);
    if (!ok)
        return false;
    if ((body = boeking_build(o, p, id, ctx, err, sizeof err)) == NULL) {
        fprintf(stderr, "bench-naive: order %lld: %s\n", (long long) o->number, err);
        return false;
    }
    if (snelstart_post(api, "/verkoopboekingen", body, &stored, &e) != SS_OK) {
        fprintf(stderr, "bench-naive: order %lld: POST /verkoopboekingen: %s\n",
                (long long) o->number, e.message);
        ok = false;
    }
    json_decref(body);
    json_decref(stored);
    return ok;
}

int
main(int argc, char **argv)
{
    char    err[2048];
    cfg_t  *cfg;
    const profile_t *p;
    snelstart_t *api;
    sqlite3 *db;
    sqlite3_stmt *st;
    json_t *gb, *bt, *landen;
    long    max, n = 0;

    if (argc != 6 || (max = atol(argv[4])) < 1) {
        fprintf(stderr, "usage: bench-naive CONFIG PROFILE FETCHER_DB MAX NAME\n");
        return 2;
    }
    log_init("bench-naive", LOG_LEVEL_WARNING);
    if ((cfg = cfg_load(argv[1], err, sizeof err)) == NULL) {
        fprintf(stderr, "bench-naive: %s\n", err);
        return 1;
    }
    if ((p = cfg_profile(cfg, argv[2])) == NULL) {
        fprintf(stderr, "bench-naive: %s: no profile %s\n", argv[1], argv[2]);
        return 1;
    }
    if (sqlite3_open_v2(argv[3], &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK
        || sqlite3_prepare_v2(db, "SELECT payload FROM orders WHERE profile = ?1 AND "
                              "state = 'booked' ORDER BY number LIMIT ?2", -1, &st,
                              NULL) != SQLITE_OK) {
        fprintf(stderr, "bench-naive: %s: %s\n", argv[3], sqlite3_errmsg(db));
        return 1;
    }
    sqlite3_bind_text(st, 1, p->name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, max);
    api = snelstart_new(p->api_url, p->auth_url, p->client_key, p->subscription_key,
                        p->api_tls_verify);
    snelstart_set_limits(api, 0, 0, 1);
    gb = get_or_die(api, "/grootboeken");
    bt = get_or_die(api, "/btwtarieven");
    landen = get_or_die(api, "/landen");
    while (sqlite3_step(st) == SQLITE_ROW) {
        msgpack_unpacked up;
        size_t  off = 0;
        order_t *o;

        msgpack_unpacked_init(&up);
        if (msgpack_unpack_next(&up, sqlite3_column_blob(st, 0),
                                (size_t) sqlite3_column_bytes(st, 0), &off)
            != MSGPACK_UNPACK_SUCCESS || (o = order_unpack(&up.data, err, sizeof err)) == NULL) {
            fprintf(stderr, "bench-naive: %s: a stored order cannot be read\n", argv[3]);
            return 1;
        }
        msgpack_unpacked_destroy(&up);
        if (!book_naive(api, p, o, landen, &(boeking_ctx_t) { .grootboeken = gb, .btwtarieven = bt }))
            return 1;
        order_destroy(&o);
        n++;
    }
    if (n == 0) {
        fprintf(stderr, "bench-naive: %s: no booked orders of profile %s\n", argv[3], p->name);
        return 1;
    }
    printf("%s: %.3f\n", argv[5], (double) snelstart_calls(api) / n);
    sqlite3_finalize(st);
    sqlite3_close(db);
    json_decref(gb);
    json_decref(bt);
    json_decref(landen);
    snelstart_destroy(&api);
    cfg_destroy(&cfg);
    return 0;
}
