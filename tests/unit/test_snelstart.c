/*
 * NAME
 *   test_snelstart - koppel's SnelStart client against snelstart-sim
 *
 * DESCRIPTION
 *   Each test starts build/bin/snelstart-sim (or $SNELSTART_SIM) on
 *   127.0.0.1 port 0 with a fresh database in a temporary directory and
 *   the fixtures tests/fixtures/snelstart-*.json, and talks to it through
 *   common/snelstart.c. The simulator's port is read from its first line
 *   of output.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "relatie_body.h"
#include "size_limits.h"
#include "snelstart.h"
#include "xalloc.h"

#define CLIENT_KEY "test-client-key-123"
#define SUB_KEY    "test-subscription-key-456"
#define GB_OMZET   "8f1e2a10-0000-4000-8000-000000008000"
#define GB_OUD     "8f1e2a10-0000-4000-8000-000000008999"

typedef struct {
    pid_t   pid;
    int     port;
    char    dir[PATH_MAX];
    char    db[PATH_MAX + 16];
    char    api[64];
    char    auth[64];
    char    base[64];
} sim_t;

static char root[PATH_MAX];
static pid_t running[4];            /* simulators to stop if a test fails */

/* find_root - the source tree: three levels above this program */
static void
find_root(void)
{
    char    exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);

    if (n <= 0) {
        snprintf(root, sizeof root, ".");
        return;
    }
    exe[n] = 0;
    snprintf(root, sizeof root, "%s", dirname(dirname(dirname(exe))));
}

/* sim_start - start the simulator with extra flags (NULL-terminated) */
static void
sim_start(sim_t *sim, ...)
{
    char   *argv[64], sim_bin[PATH_MAX + 32], rel[PATH_MAX + 64], gb[PATH_MAX + 64];
    char    spec[PATH_MAX + 64];
    char    line[256];
    const char *env = getenv("SNELSTART_SIM");
    const char *a;
    int     fds[2], argc = 0;
    FILE   *fp;
    va_list ap;

    if (sim->dir[0] == 0) {
        snprintf(sim->dir, sizeof sim->dir, "/tmp/test_snelstart.XXXXXX");
        assert_non_null(mkdtemp(sim->dir));
        snprintf(sim->db, sizeof sim->db, "%s/sim.db", sim->dir);
    }
    if (env)
        snprintf(sim_bin, sizeof sim_bin, "%s", env);
    else {
        char    exe[PATH_MAX];
        ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);

        assert_true(n > 0);
        exe[n] = 0;
        snprintf(sim_bin, sizeof sim_bin, "%s/bin/snelstart-sim", dirname(dirname(exe)));
    }
    snprintf(rel, sizeof rel, "%s/tests/fixtures/snelstart-relaties.json", root);
    snprintf(gb, sizeof gb, "%s/tests/fixtures/snelstart-grootboeken.json", root);
    snprintf(spec, sizeof spec, "%s/tests/sim/snelstart/snelstart-b2b-api-v2.yaml", root);
    argv[argc++] = sim_bin;
    argv[argc++] = "--listen";
    argv[argc++] = "127.0.0.1:0";
    argv[argc++] = "--db";
    argv[argc++] = sim->db;
    argv[argc++] = "--relaties";
    argv[argc++] = rel;
    argv[argc++] = "--grootboeken";
    argv[argc++] = gb;
    argv[argc++] = "--spec";
    argv[argc++] = spec;
    argv[argc++] = "--client-key";
    argv[argc++] = CLIENT_KEY;
    argv[argc++] = "--subscription-key";
    argv[argc++] = SUB_KEY;
    va_start(ap, sim);
    while ((a = va_arg(ap, const char *)) != NULL && argc < 62)
        argv[argc++] = (char *) a;
    va_end(ap);
    argv[argc] = NULL;
    assert_int_equal(pipe(fds), 0);
    sim->pid = fork();
    assert_true(sim->pid >= 0);
    if (sim->pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        execv(sim_bin, argv);
        fprintf(stderr, "exec %s: %s\n", sim_bin, strerror(errno));
        _exit(127);
    }
    close(fds[1]);
    for (argc = 0; argc < 4; argc++)
        if (running[argc] == 0) {
            running[argc] = sim->pid;
            break;
        }
    fp = fdopen(fds[0], "r");
    assert_non_null(fp);
    if (fgets(line, sizeof line, fp) == NULL)
        fail_msg("snelstart-sim did not start (%s)", sim_bin);
    fclose(fp);
    assert_int_equal(sscanf(strrchr(line, ':') + 1, "%d", &sim->port), 1);
    snprintf(sim->base, sizeof sim->base, "http://127.0.0.1:%d", sim->port);
    snprintf(sim->api, sizeof sim->api, "http://127.0.0.1:%d/v2", sim->port);
    snprintf(sim->auth, sizeof sim->auth, "http://127.0.0.1:%d/b2b/token", sim->port);
}

/* sim_stop - stop the simulator (the database stays) */
static void
sim_stop(sim_t *sim)
{
    int     status;

    int     i;

    if (sim->pid > 0) {
        kill(sim->pid, SIGTERM);
        waitpid(sim->pid, &status, 0);
        for (i = 0; i < 4; i++)
            if (running[i] == sim->pid)
                running[i] = 0;
        sim->pid = 0;
    }
}

/* stop_leftovers - teardown: stop simulators a failed test left running */
static int
stop_leftovers(void **state)
{
    int     i, status;

    for (i = 0; i < 4; i++)
        if (running[i] > 0) {
            kill(running[i], SIGTERM);
            waitpid(running[i], &status, 0);
            running[i] = 0;
        }
    return 0;
}

/* sim_cleanup - stop and remove the temporary directory */
static void
sim_cleanup(sim_t *sim)
{
    char    path[PATH_MAX + 32];

    sim_stop(sim);
    snprintf(path, sizeof path, "%s/sim.db", sim->dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/sim.db-wal", sim->dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/sim.db-shm", sim->dir);
    unlink(path);
    rmdir(sim->dir);
}

/* collect - curl write callback into a malloc'd string */
static size_t
collect(char *p, size_t s, size_t n, void *ud)
{
    char  **buf = ud;
    size_t  old = *buf ? strlen(*buf) : 0;

    *buf = xrealloc(*buf, old + s * n + 1);
    memcpy(*buf + old, p, s * n);
    (*buf)[old + s * n] = 0;
    return s * n;
}

/* raw_get - GET a simulator URL with optional headers; returns status */
static long
raw_get(const sim_t *sim, const char *path, const char *h1, const char *h2, json_t **out)
{
    CURL   *c = curl_easy_init();
    struct curl_slist *hdr = NULL;
    char    url[512];
    char   *buf = NULL;
    long    status = 0;

    snprintf(url, sizeof url, "%s%s", sim->base, path);
    if (h1)
        hdr = curl_slist_append(hdr, h1);
    if (h2)
        hdr = curl_slist_append(hdr, h2);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &buf);
    assert_int_equal(curl_easy_perform(c), CURLE_OK);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (out)
        *out = buf ? json_loads(buf, JSON_DECODE_ANY, NULL) : NULL;
    free(buf);
    curl_slist_free_all(hdr);
    curl_easy_cleanup(c);
    return status;
}

/* sim_json - GET /_sim/what as JSON */
static json_t *
sim_json(const sim_t *sim, const char *what)
{
    char    path[64];
    json_t *j = NULL;

    snprintf(path, sizeof path, "/_sim/%s", what);
    assert_int_equal(raw_get(sim, path, NULL, NULL, &j), 200);
    assert_non_null(j);
    return j;
}

/* stat_count - /_sim/stats count of route and status */
static long
stat_count(const sim_t *sim, const char *route, const char *status)
{
    json_t *s = sim_json(sim, "stats");
    long    n = (long) json_integer_value(json_object_get(
        json_object_get(json_object_get(s, "requests"), route), status));

    json_decref(s);
    return n;
}

/* client - a client of the simulator with generous limits */
static snelstart_t *
client(const sim_t *sim)
{
    snelstart_t *ss = snelstart_new(sim->api, sim->auth, CLIENT_KEY, SUB_KEY, true);

    assert_non_null(ss);
    snelstart_set_limits(ss, 100000, 1000000, 1);
    snelstart_set_timeout(ss, 5000);
    return ss;
}

/* find_relaties - GET /relaties with a filter; returns the array */
static json_t *
find_relaties(snelstart_t *ss, const char *filter)
{
    char   *path = snelstart_query("/relaties", "$filter", filter, NULL);
    json_t *out = NULL;
    ss_error_t err;

    if (snelstart_get(ss, path, &out, &err) != SS_OK)
        fail_msg("GET %s: %s", path, err.message);
    free(path);
    assert_true(json_is_array(out));
    return out;
}

/* first_klant_id - the id of relatie 1 */
static char *
first_klant_id(snelstart_t *ss)
{
    json_t *r = find_relaties(ss, "Relatiecode eq 1");
    char   *id;

    assert_int_equal(json_array_size(r), 1);
    id = xstrdup(json_string_value(json_object_get(json_array_get(r, 0), "id")));
    json_decref(r);
    return id;
}

/* booking - a verkoopboeking of net + btw cents, factuurbedrag total */
static json_t *
booking(const char *klant, const char *nr, int64_t net, int64_t btw, int64_t total)
{
    return json_pack("{s:s,s:{s:s},s:s,s:f,s:i,s:[{s:s,s:{s:s},s:f,s:s}],"
                     "s:[{s:s,s:f}]}",
                     "factuurnummer", nr, "klant", "id", klant,
                     "factuurdatum", "2026-11-01T00:00:00",
                     "factuurbedrag", (double) total / 100.0, "betalingstermijn", 14,
                     "boekingsregels", "omschrijving", "Bestelling", "grootboek", "id", GB_OMZET,
                     "bedrag", (double) net / 100.0, "btwSoort", "Hoog",
                     "btw", "btwSoort", "VerkopenHoog", "btwBedrag", (double) btw / 100.0);
}

/* booked_count - how many stored bookings have factuurnummer nr */
static int
booked_count(const sim_t *sim, const char *nr)
{
    json_t *all = sim_json(sim, "verkoopboekingen"), *b;
    size_t  i;
    int     n = 0;

    json_array_foreach(all, i, b)
        if (strcmp(json_string_value(json_object_get(b, "factuurnummer")), nr) == 0)
            n++;
    json_decref(all);
    return n;
}

/* now_ms - the wall clock in epoch ms, as not_before_ms */
static int64_t
now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_REALTIME, &t);
    return (int64_t) t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* now_s - monotonic seconds */
static double
now_s(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double) t.tv_sec + (double) t.tv_nsec / 1e9;
}

/* ------------------------------------------------------------------ */

/* requests_need_bearer_token_and_subscription_key - 401 otherwise */
static void
requests_need_bearer_token_and_subscription_key(void **state)
{
    sim_t   sim = { 0 };
    json_t *j = NULL;

    sim_start(&sim, NULL);
    assert_int_equal(raw_get(&sim, "/v2/relaties", NULL, NULL, &j), 401);
    assert_non_null(strstr(json_string_value(json_object_get(j, "message")), "subscription key"));
    json_decref(j);
    assert_int_equal(raw_get(&sim, "/v2/relaties", "Ocp-Apim-Subscription-Key: " SUB_KEY,
                             NULL, NULL), 401);
    assert_int_equal(raw_get(&sim, "/v2/relaties", "Ocp-Apim-Subscription-Key: " SUB_KEY,
                             "Authorization: Bearer made-up", NULL), 401);
    sim_cleanup(&sim);
}

/* client_sends_token_and_key - a GET succeeds after one token call */
static void
client_sends_token_and_key(void **state)
{
    sim_t   sim = { 0 };
    snelstart_t *ss;
    json_t *out = NULL;
    ss_error_t err;

    sim_start(&sim, NULL);
    ss = client(&sim);
    assert_int_equal(snelstart_get(ss, "/grootboeken", &out, &err), SS_OK);
    assert_int_equal(json_array_size(out), 5);
    json_decref(out);
    assert_int_equal(snelstart_get(ss, "/btwtarieven", &out, &err), SS_OK);
    assert_true(json_array_size(out) >= 3);
    json_decref(out);
    assert_int_equal(snelstart_calls(ss), 3);           /* one token, two GETs */
    assert_int_equal(stat_count(&sim, "POST /b2b/token", "200"), 1);
    snelstart_destroy(&ss);
    assert_null(ss);
    sim_cleanup(&sim);
}

/* wrong_keys_are_auth_and_never_in_message - SS_AUTH, key not echoed */
static void
wrong_keys_are_auth_and_never_in_message(void **state)
{
    sim_t   sim = { 0 };
    snelstart_t *ss;
    json_t *out = NULL;
    ss_error_t err;

    sim_start(&sim, NULL);
    ss = snelstart_new(sim.api, sim.auth, "wrong-client-key-789", SUB_KEY, true);
    assert_int_equal(snelstart_get(ss, "/relaties", &out, &err), SS_AUTH);
    assert_null(out);
    assert_int_equal(err.http_status, 400);
    assert_null(strstr(err.message, "wrong-client-key-789"));
    assert_non_null(strstr(err.message, "client key"));
    snelstart_destroy(&ss);

    ss = snelstart_new(sim.api, sim.auth, CLIENT_KEY, "wrong-subscription-000", true);
    assert_int_equal(snelstart_get(ss, "/relaties", &out, &err), SS_AUTH);
    assert_int_equal(err.http_status, 401);
    assert_null(strstr(err.message, "wrong-subscription-000"));
    assert_null(strstr(err.message, CLIENT_KEY));
    assert_int_equal(snelstart_calls(ss), 2);           /* no second token for a key error */
    snelstart_destroy(&ss);
    sim_cleanup(&sim);
}

/* posted_relatie_is_found_by_filter - POST then GET by email */
static void
posted_relatie_is_found_by_filter(void **state)
{
    sim_t   sim = { 0 };
    snelstart_t *ss;
    json_t *rel, *out = NULL, *found;
    ss_error_t err;

    sim_start(&sim, NULL);
    ss = client(&sim);
    rel = json_pack("{s:[s],s:s,s:s,s:{s:s,s:s,s:{s:s}}}", "relatiesoort", "Klant",
                    "naam", "Pietersen Webshop", "email", "piet@pietersen.nl",
                    "vestigingsAdres", "postcode", "9999 ZZ", "plaats", "Assen",
                    "land", "id", "00000000-0000-4000-8000-000000004e4c");
    assert_int_equal(snelstart_post(ss, "/relaties", rel, &out, &err), SS_OK);
    assert_int_equal(err.http_status, 201);
    assert_int_equal(json_integer_value(json_object_get(out, "relatiecode")), 11);
    found = find_relaties(ss, "Email eq 'piet@pietersen.nl'");
    assert_int_equal(json_array_size(found), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(found, 0), "id")),
                        json_string_value(json_object_get(out, "id")));
    json_decref(found);
    found = find_relaties(ss, "VestigingsAdres/Postcode eq '9999 ZZ' and Naam eq 'Pietersen Webshop'");
    assert_int_equal(json_array_size(found), 1);
    json_decref(found);
    found = find_relaties(ss, "(Relatiecode eq 1 or Relatiecode eq 2) and Nonactief eq false");
    assert_int_equal(json_array_size(found), 2);
    json_decref(found);
    json_decref(out);

    /* a second relatie with the same code is refused */
    json_object_set_new(rel, "relatiecode", json_integer(11));
    assert_int_equal(snelstart_post(ss, "/relaties", rel, &out, &err), SS_REJECTED);
    assert_string_equal(err.code, "REL-0003");
    json_decref(rel);
    snelstart_destroy(&ss);
    sim_cleanup(&sim);
}

/* invalid_relatie_is_rejected - naam at most 50 and kvkNummer at most 12 (the
 * spec's maxLength), naam required (SnelStart's rule) */
static void
invalid_relatie_is_rejected(void **state)
{
    sim_t   sim = { 0 };
    snelstart_t *ss;
    json_t *rel, *out = NULL;
    ss_error_t err;

    sim_start(&sim, NULL);
    ss = client(&sim);
    rel = json_pack("{s:[s],s:s}", "relatiesoort", "Klant", "naam",
                    "Een naam die veel te lang is voor SnelStart want meer dan vijftig");
    assert_int_equal(snelstart_post(ss, "/relaties", rel, &out, &err), SS_REJECTED);
    assert_int_equal(err.http_status, 400);
    assert_string_equal(err.code, "GEN-0005");
    assert_non_null(strstr(err.message, "naam"));
    json_decref(rel);
    rel = json_pack("{s:[s],s:s}", "relatiesoort", "Klant", "kvkNummer", "1234567890123");
    assert_int_equal(snelstart_post(ss, "/relaties", rel, &out, &err), SS_REJECTED);
    assert_string_equal(err.code, "GEN-0005");
    assert_non_null(strstr(err.message, "kvkNummer"));
    json_decref(rel);
    rel = json_pack("{s:[s],s:s}", "relatiesoort", "Klant", "kvkNummer", "123456789012");
    assert_int_equal(snelstart_post(ss, "/relaties", rel, &out, &err), SS_REJECTED);
    assert_string_equal(err.code, "REL-0001");
    json_decref(rel);
    snelstart_destroy(&ss);
    sim_cleanup(&sim);
}

/* paging_with_top_and_skip_visits_each_relatie_once - stable order */
static void
paging_with_top_and_skip_visits_each_relatie_once(void **state)
{
    sim_t   sim = { 0 };
    snelstart_t *ss;
    json_t *page = NULL, *all = NULL, *r;
    ss_error_t err;
    char    top[8], skip[16], *path;
    int     s, n = 0, prev = 0;
    size_t  i;

    sim_start(&sim, NULL);
    ss = client(&sim);
    assert_int_equal(snelstart_get(ss, "/relaties", &all, &err), SS_OK);
    assert_int_equal(json_array_size(all), 5);
    for (s = 0;; s += 2) {
        snprintf(top, sizeof top, "2");
        snprintf(skip, sizeof skip, "%d", s);
        path = snelstart_query("/relaties", "$top", top, "$skip", skip, NULL);
        assert_int_equal(snelstart_get(ss, path, &page, &err), SS_OK);
        free(path);
        if (json_array_size(page) == 0) {
            json_decref(page);
            break;
        }
        assert_true(json_array_size(page) <= 2);
        json_array_foreach(page, i, r) {
            int     code = (int) json_integer_value(json_object_get(r, "relatiecode"));

            assert_true(code > prev);
            prev = code;
            assert_string_equal(json_string_value(json_object_get(r, "id")),
                                json_string_value(json_object_get(json_array_get(all, (size_t) n), "id")));
            n++;
        }
        json_decref(page);
    }
    assert_int_equal(n, 5);
    json_decref(all);
    assert_int_equal(snelstart_get(ss, "/relaties?$top=501", &page, &err), SS_REJECTED);
    snelstart_destroy(&ss);
    sim_cleanup(&sim);
}

/* modifiedon_filter_finds_only_changed_relaties - ModifiedOn gt datetime */
static void
modifiedon_filter_finds_only_changed_relaties(void **state)
{
    sim_t   sim = { 0 };
    snelstart_t *ss;
    json_t *rel, *out = NULL, *found;
    ss_error_t err;
    char    path[128];

    sim_start(&sim, NULL);
    ss = client(&sim);
    found = find_relaties(ss, "ModifiedOn gt datetime'2021-01-01T00:00:00'");
    assert_int_equal(json_array_size(found), 2);        /* Abc Handel, Klant 100% */
    json_decref(found);
    found = find_relaties(ss, "ModifiedOn gt datetime'2025-01-01T00:00:00'");
    assert_int_equal(json_array_size(found), 0);
    json_decref(found);

    /* a PUT changes modifiedOn (the relatie as read is not a write model) */
    found = find_relaties(ss, "Relatiecode eq 2");
    rel = relatie_writable(json_array_get(found, 0));
    snprintf(path, sizeof path, "/relaties/%s",
             json_string_value(json_object_get(json_array_get(found, 0), "id")));
    json_decref(found);
    json_object_set_new(rel, "telefoon", json_string("010-1234567"));
    if (snelstart_put(ss, path, rel, &out, &err) != SS_OK)
        fail_msg("PUT %s: %s %s", path, err.code, err.message);
    json_decref(out);
    json_decref(rel);
    found = find_relaties(ss, "ModifiedOn gt datetime'2025-01-01T00:00:00'");
    assert_int_equal(json_array_size(found), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(found, 0), "telefoon")),
                        "010-1234567");
    json_decref(found);
    assert_int_equal(snelstart_get(ss, "/relaties/00000000-1111-4000-8000-000000000000",
                                   &out, &err), SS_NOT_FOUND);
    snelstart_destroy(&ss);
    sim_cleanup(&sim);
}

/* bookings_are_checked_like_snelstart - balance, duplicates, grootboek */
static void
bookings_are_checked_like_snelstart(void **state)
{
    sim_t   sim = { 0 };
    snelstart_t *ss;
    json_t *b, *out = NULL, *facturen = NULL;
    ss_error_t err;
    char   *klant, *lit, *filter, *path;

    sim_start(&sim, NULL);
    ss = client(&sim);
    klant = first_klant_id(ss);

    b = booking(klant, "WEB-2026-0001", 1234, 259, 1493);
    assert_int_equal(snelstart_post(ss, "/verkoopboekingen", b, &out, &err), SS_OK);
    assert_int_equal(err.http_status, 201);
    assert_non_null(json_string_value(json_object_get(out, "id")));
    json_decref(out);
    assert_int_equal(booked_count(&sim, "WEB-2026-0001"), 1);

    /* the same factuurnummer again */
    assert_int_equal(snelstart_post(ss, "/verkoopboekingen", b, &out, &err), SS_REJECTED);
    assert_string_equal(err.code, "BOE-0021");
    assert_int_equal(err.http_status, 400);
    assert_null(out);
    json_decref(b);
    assert_int_equal(booked_count(&sim, "WEB-2026-0001"), 1);

    /* one cent off */
    b = booking(klant, "WEB-2026-0002", 1234, 259, 1494);
    assert_int_equal(snelstart_post(ss, "/verkoopboekingen", b, &out, &err), SS_REJECTED);
    assert_string_equal(err.code, "BOE-0039");
    json_decref(b);
    assert_int_equal(booked_count(&sim, "WEB-2026-0002"), 0);

    /* amounts that are inexact in binary still balance: 0.1 + 0.2 = 0.3 */
    b = booking(klant, "WEB-2026-0003", 10, 20, 30);
    assert_int_equal(snelstart_post(ss, "/verkoopboekingen", b, &out, &err), SS_OK);
    json_decref(out);
    json_decref(b);

    /* a nonactief grootboek */
    b = booking(klant, "WEB-2026-0004", 100, 21, 121);
    json_object_set_new(json_object_get(json_array_get(json_object_get(b, "boekingsregels"), 0),
                                        "grootboek"), "id", json_string(GB_OUD));
    assert_int_equal(snelstart_post(ss, "/verkoopboekingen", b, &out, &err), SS_REJECTED);
    assert_string_equal(err.code, "BOE-0006");
    json_decref(b);

    /* an unknown klant */
    b = booking("00000000-1111-4000-8000-000000000000", "WEB-2026-0005", 100, 21, 121);
    assert_int_equal(snelstart_post(ss, "/verkoopboekingen", b, &out, &err), SS_REJECTED);
    assert_string_equal(err.code, "BOE-0003");
    json_decref(b);

    /* the verkoopfactuur of the first booking */
    lit = snelstart_odata_string("WEB-2026-0001");
    filter = xasprintf("Factuurnummer eq %s", lit);
    path = snelstart_query("/verkoopfacturen", "$filter", filter, NULL);
    assert_int_equal(snelstart_get(ss, path, &facturen, &err), SS_OK);
    assert_int_equal(json_array_size(facturen), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(facturen, 0),
                                                          "factuurnummer")), "WEB-2026-0001");
    assert_true(json_number_value(json_object_get(json_array_get(facturen, 0),
                                                  "factuurBedrag")) == 14.93);
    json_decref(facturen);
    free(lit);
    free(filter);
    free(path);
    assert_int_equal(stat_count(&sim, "POST /v2/verkoopboekingen", "201"), 2);
    assert_int_equal(stat_count(&sim, "POST /v2/verkoopboekingen", "400"), 4);
    free(klant);
    snelstart_destroy(&ss);
    sim_cleanup(&sim);
}

/* dropped_answer_after_store_is_uncertain - stored, yet no answer */
static void
dropped_answer_after_store_is_uncertain(void **state)
{
    sim_t   sim = { 0 };
    snelstart_t *ss;
    json_t *b, *out = NULL;
    ss_error_t err;
    char   *klant;

    sim_start(&sim, "--drop-after-store-rate", "1", NULL);
    ss = client(&sim);
    klant = first_klant_id(ss);
    b = booking(klant, "DROP-1", 1000, 210, 1210);
    assert_int_equal(snelstart_post(ss, "/verkoopboekingen", b, &out, &err), SS_UNCERTAIN);
    assert_int_equal(err.http_status, 0);
    assert_null(out);
    assert_int_equal(booked_count(&sim, "DROP-1"), 1);
    /* a GET on the same client still works: the connection is re-made */
    out = find_relaties(ss, "Relatiecode eq 1");
    json_decref(out);
    json_decref(b);
    free(klant);
    snelstart_destroy(&ss);
    sim_cleanup(&sim);
}

/* server_errors_are_retry_on_get_uncertain_on_post - 5xx mapping */
static void
server_errors_are_retry_on_get_uncertain_on_post(void **state)
{
    sim_t   sim = { 0 };
    snelstart_t *ss;
    json_t *b, *out = NULL;
    ss_error_t err;

    sim_start(&sim, "--fail-5xx-rate", "1", NULL);
    ss = client(&sim);
    assert_int_equal(snelstart_get(ss, "/relaties", &out, &err), SS_RETRY);
    assert_int_equal(err.http_status, 500);
    b = booking("00000000-1111-4000-8000-000000000000", "X-1", 100, 21, 121);
    assert_int_equal(snelstart_post(ss, "/verkoopboekingen", b, &out, &err), SS_UNCERTAIN);
    assert_int_equal(err.http_status, 500);
    json_decref(b);
    snelstart_destroy(&ss);
    sim_cleanup(&sim);
}

/* slow_answer_to_post_is_uncertain - client timeout while the sim stores */
static void
slow_answer_to_post_is_uncertain(void **state)
{
    sim_t   sim = { 0 };
    snelstart_t *ss, *setup;
    json_t *b, *out = NULL;
    ss_error_t err;
    char   *klant;

    sim_start(&sim, "--timeout-rate", "1", "--timeout-ms", "800", NULL);
    setup = client(&sim);
    klant = first_klant_id(setup);                      /* slow, but answered */
    snelstart_destroy(&setup);
    ss = client(&sim);
    snelstart_set_timeout(ss, 300);
    b = booking(klant, "SLOW-1", 1000, 210, 1210);
    assert_int_equal(snelstart_post(ss, "/verkoopboekingen", b, &out, &err), SS_UNCERTAIN);
    assert_int_equal(err.http_status, 0);
    assert_int_equal(booked_count(&sim, "SLOW-1"), 1);
    assert_int_equal(snelstart_get(ss, "/landen", &out, &err), SS_RETRY);
    json_decref(b);
    free(klant);
    snelstart_destroy(&ss);
    sim_cleanup(&sim);
}

/* connection_refused_is_retry - nothing listening */
static void
connection_refused_is_retry(void **state)
{
    sim_t   sim = { 0 };
    snelstart_t *ss;
    json_t *out = NULL;
    ss_error_t err;

    sim_start(&sim, NULL);
    sim_stop(&sim);
    ss = client(&sim);
    assert_int_equal(snelstart_get(ss, "/relaties", &out, &err), SS_RETRY);
    assert_int_equal(err.http_status, 0);
    snelstart_destroy(&ss);
    sim_cleanup(&sim);
}

/* huge_server - a child on a loopback port that answers one request 200
 * with a JSON array far longer than LIMIT_API_ANSWER_BYTES; its pid */
static pid_t
huge_server(int *port)
{
    struct sockaddr_in a = { .sin_family = AF_INET };
    socklen_t alen = sizeof a;
    int     s = socket(AF_INET, SOCK_STREAM, 0), c;
    pid_t   pid;

    assert_true(s >= 0);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(s, (struct sockaddr *) &a, sizeof a), 0);
    assert_int_equal(listen(s, 4), 0);
    assert_int_equal(getsockname(s, (struct sockaddr *) &a, &alen), 0);
    *port = ntohs(a.sin_port);
    if ((pid = fork()) == 0) {
        static char chunk[65536];
        static const char head[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            "Connection: close\r\n\r\n[";
        char    req[4096];
        long    sent;

        memset(chunk, ' ', sizeof chunk);
        signal(SIGPIPE, SIG_IGN);
        if ((c = accept(s, NULL, NULL)) < 0)
            _exit(1);
        if (read(c, req, sizeof req) <= 0 || write(c, head, sizeof head - 1) < 0)
            _exit(1);
        for (sent = 0; sent < (long) LIMIT_API_ANSWER_BYTES * 2; sent += (long) sizeof chunk)
            if (write(c, chunk, sizeof chunk) < 0)
                _exit(0);               /* the client hung up: as it should */
        _exit(2);
    }
    close(s);
    return pid;
}

/* an_oversized_answer_is_refused_at_the_limit - SnelStart's answers are
 * capped (a GET past LIMIT_API_ANSWER_BYTES is SS_RETRY with the limit
 * named), not collected without end */
static void
an_oversized_answer_is_refused_at_the_limit(void **state)
{
    sim_t   sim = { 0 };
    snelstart_t *ss;
    json_t *out = NULL;
    ss_error_t err;
    char    api[64];
    int     port, status;
    pid_t   pid;

    sim_start(&sim, NULL);
    pid = huge_server(&port);
    snprintf(api, sizeof api, "http://127.0.0.1:%d/v2", port);
    ss = snelstart_new(api, sim.auth, CLIENT_KEY, SUB_KEY, true);
    snelstart_set_timeout(ss, 20000);
    assert_int_equal(snelstart_get(ss, "/relaties", &out, &err), SS_RETRY);
    assert_null(out);
    if (strstr(err.message, "groter dan de 32 MB") == NULL)
        fail_msg("the message does not name the limit: %s", err.message);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    snelstart_destroy(&ss);
    sim_stop(&sim);
    sim_cleanup(&sim);
}

/* expired_tokens_are_refreshed_transparently - 401 then a new token */
static void
expired_tokens_are_refreshed_transparently(void **state)
{
    sim_t   sim = { 0 };
    snelstart_t *ss;
    json_t *out = NULL;
    ss_error_t err;
    int     i;

    sim_start(&sim, "--expire-tokens-every", "4", NULL);
    ss = client(&sim);
    for (i = 0; i < 12; i++) {
        assert_int_equal(snelstart_get(ss, "/landen", &out, &err), SS_OK);
        assert_true(json_array_size(out) > 27);
        json_decref(out);
    }
    assert_true(stat_count(&sim, "GET /v2/landen", "401") >= 3);
    assert_true(stat_count(&sim, "POST /b2b/token", "200") >= 4);
    snelstart_destroy(&ss);
    sim_cleanup(&sim);

    /* a short-lived token is renewed before it expires: no 401 at all */
    memset(&sim, 0, sizeof sim);
    sim_start(&sim, "--token-ttl", "1", NULL);
    ss = client(&sim);
    assert_int_equal(snelstart_get(ss, "/landen", &out, &err), SS_OK);
    json_decref(out);
    usleep(1100 * 1000);
    assert_int_equal(snelstart_get(ss, "/landen", &out, &err), SS_OK);
    json_decref(out);
    assert_int_equal(stat_count(&sim, "GET /v2/landen", "401"), 0);
    assert_int_equal(stat_count(&sim, "POST /b2b/token", "200"), 2);
    snelstart_destroy(&ss);
    sim_cleanup(&sim);
}

/* sim_answers_429_above_its_limit - the client limiter set too high */
static void
sim_answers_429_above_its_limit(void **state)
{
    sim_t   sim = { 0 };
    snelstart_t *ss;
    json_t *out = NULL;
    ss_error_t err;
    int     i;

    sim_start(&sim, "--rate-per-minute", "5", NULL);
    ss = client(&sim);
    for (i = 0; i < 5; i++) {
        assert_int_equal(snelstart_get(ss, "/landen", &out, &err), SS_OK);
        json_decref(out);
    }
    assert_int_equal(snelstart_get(ss, "/landen", &out, &err), SS_RETRY);
    assert_int_equal(err.http_status, 429);
    assert_true(err.retry_after_s >= 1 && err.retry_after_s <= 60);
    assert_true(err.not_before_ms >= now_ms() + 500);
    assert_string_equal(err.wait_reason, "SnelStart vroeg om te wachten (Retry-After)");
    /* within the Retry-After nothing is sent: limited at once, not slept */
    assert_int_equal(snelstart_get(ss, "/landen", &out, &err), SS_LIMITED);
    assert_string_equal(err.wait_reason, "SnelStart vroeg om te wachten (Retry-After)");
    assert_int_equal(snelstart_budget(ss, 10), 0);
    assert_true(snelstart_ready_at(ss, NULL, 0) >= now_ms() + 500);
    assert_int_equal(stat_count(&sim, "GET /v2/landen", "429"), 1);
    assert_int_equal(stat_count(&sim, "GET /v2/landen", "200"), 5);
    snelstart_destroy(&ss);
    sim_cleanup(&sim);
}

/* client_limiter_keeps_under_the_sim_limit - a full window is SS_LIMITED at
 * once, with the moment of the next call; waiting for it never meets a 429 */
static void
client_limiter_keeps_under_the_sim_limit(void **state)
{
    sim_t   sim = { 0 };
    snelstart_t *ss;
    json_t *out = NULL;
    ss_error_t err;
    double  t0;
    int     ok = 0, limited = 0;
    char    why[64];

    /* windows of one second (minute) and one minute (hour) */
    sim_start(&sim, "--rate-per-minute", "5", "--rate-per-hour", "100", "--time-scale", "60",
              NULL);
    ss = client(&sim);
    snelstart_set_limits(ss, 5, 100, 1);
    snelstart_set_time_scale(ss, 60);
    assert_int_equal(snelstart_budget(ss, 64), 5);
    t0 = now_s();
    while (ok < 12) {
        ss_result_t r;

        r = snelstart_get(ss, "/btwtarieven", &out, &err);
        if (r == SS_LIMITED) {
            limited++;
            assert_string_equal(err.wait_reason, "5 per minuut bereikt");
            /* no sleep in the client: the moment it names is still ahead */
            assert_true(err.not_before_ms > now_ms());
            assert_true(err.not_before_ms <= now_ms() + 1100);
            assert_int_equal(snelstart_budget(ss, 64), 0);
            assert_true(snelstart_ready_at(ss, why, sizeof why) > now_ms());
            assert_string_equal(why, "5 per minuut bereikt");
            while (now_ms() < err.not_before_ms)         /* the caller's timer */
                usleep(1000);
            continue;
        }
        if (r != SS_OK)
            fail_msg("call %d: %s: %s", ok, ss_result_name(r), err.message);
        json_decref(out);
        ok++;
    }
    assert_true(limited >= 2);
    assert_true(now_s() - t0 >= 2.0);                   /* 12 calls at 5 per second */
    assert_int_equal(stat_count(&sim, "GET /v2/btwtarieven", "429"), 0);
    assert_int_equal(stat_count(&sim, "GET /v2/btwtarieven", "200"), 12);
    snelstart_destroy(&ss);
    sim_cleanup(&sim);
}

/* a_call_counts_at_its_answer - a slow answer moves the window on: the next
 * call waits a window from the answer, not from the sending, since SnelStart
 * counted the call somewhere in between */
static void
a_call_counts_at_its_answer(void **state)
{
    sim_t   sim = { 0 };
    snelstart_t *ss;
    json_t *out = NULL;
    ss_error_t err;
    int64_t answered;
    char    why[64];

    /* a window of one second, every answer 400 ms late */
    sim_start(&sim, "--rate-per-minute", "1", "--time-scale", "60", "--timeout-rate", "1",
              "--timeout-ms", "400", NULL);
    ss = client(&sim);
    snelstart_set_limits(ss, 1, 100, 1);
    snelstart_set_time_scale(ss, 60);
    assert_int_equal(snelstart_get(ss, "/btwtarieven", &out, &err), SS_OK);
    answered = now_ms();
    json_decref(out);
    /* counted when it was sent, it would be free 600 ms from now */
    assert_true(snelstart_ready_at(ss, why, sizeof why) >= answered + 1000);
    assert_string_equal(why, "1 per minuut bereikt");
    snelstart_destroy(&ss);
    sim_cleanup(&sim);
}

/* spread_calls_go_a_few_at_a_time - a client that spreads its calls posts
 * at most its burst at once, though the minute allows more, and then waits
 * until half of the burst is back at the minute's pace (here 30 a minute:
 * two calls in about four seconds), saying why; a single call (a lookup or
 * a follow-up of a booking) is counted in the bucket but not held back */
static void
spread_calls_go_a_few_at_a_time(void **state)
{
    sim_t   sim = { 0 };
    snelstart_t *ss;
    json_t *out = NULL, *outs[1] = { NULL };
    ss_error_t err, errs[1];
    ss_result_t results[1];
    const char *texts[1] = { "{}" };
    int64_t sent;
    int     i;
    char    why[64];

    sim_start(&sim, "--no-rate-limit", NULL);
    ss = client(&sim);
    snelstart_set_limits(ss, 30, 1000, 1);
    snelstart_set_burst(ss, 4);
    assert_int_equal(snelstart_budget(ss, 64), 4);
    for (i = 0; i < 4; i++) {
        assert_int_equal(snelstart_get(ss, "/btwtarieven", &out, &err), SS_OK);
        json_decref(out);
    }
    sent = now_ms();
    assert_int_equal(snelstart_budget(ss, 64), 0);
    assert_true(snelstart_ready_at(ss, why, sizeof why) > sent + 2000);
    assert_string_equal(why, "30 per minuut, verdeeld over de minuut");
    assert_int_equal(snelstart_get(ss, "/btwtarieven", &out, &err), SS_OK);
    json_decref(out);
    snelstart_post_many(ss, "/verkoopboekingen", texts, 1, outs, errs, results);
    assert_int_equal(results[0], SS_LIMITED);
    assert_string_equal(errs[0].wait_reason, "30 per minuut, verdeeld over de minuut");
    /* no sleep: the moment is ahead, near three calls at 30 a minute */
    assert_true(errs[0].not_before_ms > sent + 2000);
    assert_true(errs[0].not_before_ms <= now_ms() + 6200);
    assert_int_equal(stat_count(&sim, "GET /v2/btwtarieven", "200"), 5);
    /* snelstart_set_limits turns it off: the minute's budget is left */
    snelstart_set_limits(ss, 30, 1000, 1);
    assert_int_equal(snelstart_budget(ss, 64), 30);
    snelstart_destroy(&ss);
    sim_cleanup(&sim);
}

/* hour_limit_is_named_in_dutch - the hour window full: "5.000 per uur"-style */
static void
hour_limit_is_named_in_dutch(void **state)
{
    sim_t   sim = { 0 };
    snelstart_t *ss;
    json_t *out = NULL;
    ss_error_t err;
    int     i;

    sim_start(&sim, "--no-rate-limit", NULL);
    ss = client(&sim);
    snelstart_set_limits(ss, 2000, 1500, 1);
    snelstart_set_time_scale(ss, 360);       /* an hour of ten seconds */
    for (i = 0; i < 1500; i++) {
        assert_int_equal(snelstart_get(ss, "/btwtarieven", &out, &err), SS_OK);
        json_decref(out);
    }
    assert_int_equal(snelstart_get(ss, "/landen", &out, &err), SS_LIMITED);
    assert_string_equal(err.wait_reason, "1.500 per uur bereikt");
    assert_non_null(strstr(err.message, "1.500 per uur bereikt"));
    snelstart_destroy(&ss);
    sim_cleanup(&sim);
}

/* odata_literals_are_escaped_and_not_patterns - quotes, % and _ */
static void
odata_literals_are_escaped_and_not_patterns(void **state)
{
    sim_t   sim = { 0 };
    snelstart_t *ss;
    json_t *rel, *out = NULL, *found;
    ss_error_t err;
    char   *lit, *filter, *q;

    lit = snelstart_odata_string("o'brien@x.nl");
    assert_string_equal(lit, "'o''brien@x.nl'");
    q = snelstart_query("/relaties", "$filter", "Email eq 'a b'&x", "$top", "10", NULL);
    assert_string_equal(q, "/relaties?$filter=Email%20eq%20%27a%20b%27%26x&$top=10");
    free(q);

    sim_start(&sim, NULL);
    ss = client(&sim);
    rel = json_pack("{s:[s],s:s,s:s}", "relatiesoort", "Klant", "naam", "O'Brien",
                    "email", "o'brien@x.nl");
    assert_int_equal(snelstart_post(ss, "/relaties", rel, &out, &err), SS_OK);
    json_decref(out);
    json_decref(rel);
    filter = xasprintf("Email eq %s", lit);
    found = find_relaties(ss, filter);
    assert_int_equal(json_array_size(found), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(found, 0), "naam")),
                        "O'Brien");
    json_decref(found);
    free(filter);
    free(lit);

    found = find_relaties(ss, "Email eq '%'");
    assert_int_equal(json_array_size(found), 0);
    json_decref(found);
    found = find_relaties(ss, "Email eq 'a_c@x.nl'");        /* a1c@x.nl exists */
    assert_int_equal(json_array_size(found), 0);
    json_decref(found);
    found = find_relaties(ss, "Naam eq 'Klant 100% Tevreden'");
    assert_int_equal(json_array_size(found), 1);
    json_decref(found);

    /* syntax the simulator does not know is a definite rejection */
    q = snelstart_query("/relaties", "$filter", "substringof('x', Naam)", NULL);
    assert_int_equal(snelstart_get(ss, q, &out, &err), SS_REJECTED);
    assert_int_equal(err.http_status, 400);
    assert_string_equal(err.code, "ODATA-0001");
    free(q);
    q = snelstart_query("/relaties", "$filter", "Naam eq 'x' and (", NULL);
    assert_int_equal(snelstart_get(ss, q, &out, &err), SS_REJECTED);
    free(q);
    snelstart_destroy(&ss);
    sim_cleanup(&sim);
}

/* state_survives_a_restart - the database keeps bookings and relaties */
static void
state_survives_a_restart(void **state)
{
    sim_t   sim = { 0 };
    snelstart_t *ss;
    json_t *b, *out = NULL, *all;
    ss_error_t err;
    char   *klant;

    sim_start(&sim, NULL);
    ss = client(&sim);
    klant = first_klant_id(ss);
    b = booking(klant, "KEEP-1", 500, 105, 605);
    assert_int_equal(snelstart_post(ss, "/verkoopboekingen", b, &out, &err), SS_OK);
    json_decref(out);
    snelstart_destroy(&ss);
    sim_stop(&sim);

    sim_start(&sim, NULL);
    ss = client(&sim);
    assert_int_equal(booked_count(&sim, "KEEP-1"), 1);
    assert_int_equal(snelstart_post(ss, "/verkoopboekingen", b, &out, &err), SS_REJECTED);
    assert_string_equal(err.code, "BOE-0021");
    all = sim_json(&sim, "relaties");
    assert_int_equal(json_array_size(all), 5);
    json_decref(all);
    json_decref(b);
    free(klant);
    snelstart_destroy(&ss);
    sim_cleanup(&sim);
}

/* bookings_in_a_row_succeed - 300 POSTs on one connection all succeed; the
 * round trip is printed (make bench measures speed; no test fails on it) */
static void
bookings_in_a_row_succeed(void **state)
{
    sim_t   sim = { 0 };
    snelstart_t *ss;
    json_t *b, *out = NULL;
    ss_error_t err;
    char   *klant, nr[32];
    double  t0, per;
    int     i, n = 300;

    sim_start(&sim, "--no-rate-limit", NULL);
    ss = client(&sim);
    klant = first_klant_id(ss);
    t0 = now_s();
    for (i = 0; i < n; i++) {
        snprintf(nr, sizeof nr, "FAST-%05d", i);
        b = booking(klant, nr, 1000 + i, 210, 1210 + i);
        assert_int_equal(snelstart_post(ss, "/verkoopboekingen", b, &out, &err), SS_OK);
        json_decref(out);
        json_decref(b);
    }
    per = (now_s() - t0) / n * 1000.0;
    print_message("booking POST round trip: %.3f ms\n", per);
    free(klant);
    snelstart_destroy(&ss);
    sim_cleanup(&sim);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(requests_need_bearer_token_and_subscription_key, stop_leftovers),
        cmocka_unit_test_teardown(client_sends_token_and_key, stop_leftovers),
        cmocka_unit_test_teardown(wrong_keys_are_auth_and_never_in_message, stop_leftovers),
        cmocka_unit_test_teardown(posted_relatie_is_found_by_filter, stop_leftovers),
        cmocka_unit_test_teardown(invalid_relatie_is_rejected, stop_leftovers),
        cmocka_unit_test_teardown(paging_with_top_and_skip_visits_each_relatie_once, stop_leftovers),
        cmocka_unit_test_teardown(modifiedon_filter_finds_only_changed_relaties, stop_leftovers),
        cmocka_unit_test_teardown(bookings_are_checked_like_snelstart, stop_leftovers),
        cmocka_unit_test_teardown(dropped_answer_after_store_is_uncertain, stop_leftovers),
        cmocka_unit_test_teardown(server_errors_are_retry_on_get_uncertain_on_post, stop_leftovers),
        cmocka_unit_test_teardown(slow_answer_to_post_is_uncertain, stop_leftovers),
        cmocka_unit_test_teardown(connection_refused_is_retry, stop_leftovers),
        cmocka_unit_test_teardown(an_oversized_answer_is_refused_at_the_limit, stop_leftovers),
        cmocka_unit_test_teardown(expired_tokens_are_refreshed_transparently, stop_leftovers),
        cmocka_unit_test_teardown(sim_answers_429_above_its_limit, stop_leftovers),
        cmocka_unit_test_teardown(client_limiter_keeps_under_the_sim_limit, stop_leftovers),
        cmocka_unit_test_teardown(a_call_counts_at_its_answer, stop_leftovers),
        cmocka_unit_test_teardown(spread_calls_go_a_few_at_a_time, stop_leftovers),
        cmocka_unit_test_teardown(hour_limit_is_named_in_dutch, stop_leftovers),
        cmocka_unit_test_teardown(odata_literals_are_escaped_and_not_patterns, stop_leftovers),
        cmocka_unit_test_teardown(state_survives_a_restart, stop_leftovers),
        cmocka_unit_test_teardown(bookings_in_a_row_succeed, stop_leftovers),
    };

    signal(SIGPIPE, SIG_IGN);
    find_root();
    curl_global_init(CURL_GLOBAL_DEFAULT);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
