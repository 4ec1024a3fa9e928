/*
 * NAME
 *   aansluiting_cmd - koppelctl aansluiting: does SnelStart hold the shop's
 *   period, each order once with the same figures?
 *
 * DESCRIPTION
 *   See aansluiting_cmd.h. The reading is here; the comparison and the
 *   table are common/report/aansluiting.c.
 *
 * DIAGNOSTICS
 *   Every failed read names what was read and why it failed, on stderr.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sqlite3.h>

#include "aansluiting.h"
#include "aansluiting_cmd.h"
#include "betaling.h"
#include "boeking.h"
#include "date.h"
#include "money.h"
#include "snelstart.h"
#include "source.h"
#include "xalloc.h"

#define PAGE 500                /* SnelStart's $top limit */

static const char aansluiting_usage[] =
    "usage: koppelctl aansluiting PROFILE --van YYYY-MM-DD --tot YYYY-MM-DD\n"
    "                             [--export FILE.xlsx] [--zonder-btw]\n";

/* day_start - the UTC instant at which an Amsterdam calendar date begins;
 * false when date is no date */
static bool
day_start(const char *date, time_t *when)
{
    char    text[32], back[11];
    time_t  midnight_utc;
    int     h;

    if (strlen(date) != 10)
        return false;
    snprintf(text, sizeof text, "%sT00:00:00", date);
    if (!date_parse_utc(text, &midnight_utc))
        return false;
    boeking_local_date(midnight_utc, back);
    if (strcmp(back, date) != 0)         /* no such day (2026-02-30) */
        return false;
    for (h = 2; h >= 1; h--) {           /* CEST starts 2 h, CET 1 h before UTC midnight */
        char    at[11], before[11];

        boeking_local_date(midnight_utc - h * 3600, at);
        boeking_local_date(midnight_utc - h * 3600 - 1, before);
        if (strcmp(at, date) == 0 && strcmp(before, date) != 0) {
            *when = midnight_utc - h * 3600;
            return true;
        }
    }
    return false;
}

/* next_day - the date after date (a valid YYYY-MM-DD) */
static void
next_day(const char *date, char out[11])
{
    char    text[32];
    time_t  t;
    struct tm tm;

    snprintf(text, sizeof text, "%sT12:00:00", date);
    date_parse_utc(text, &t);
    t += 86400;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

/* read_shop - the shop's orders of the period; false with a message printed */
static bool
read_shop(const profile_t *p, time_t from, time_t until, aansluiting_order_t **out, size_t *n)
{
    source_t *src = source_new(p);
    order_page_t *page = NULL;
    char    err[1024];
    size_t  i;
    src_result_t r;

    if (src == NULL) {
        fprintf(stderr, "koppelctl: profile %s: no shop platform for type %s\n", p->name,
                p->shop_type);
        return false;
    }
    r = source_period(src, from, until, &page, err, sizeof err);
    source_destroy(&src);
    if (r != SRC_OK) {
        fprintf(stderr, "koppelctl: reading the orders of shop %s: %s\n", p->shop_url, err);
        return false;
    }
    *n = page->nitems;
    *out = xcalloc(page->nitems + 1, sizeof **out);
    for (i = 0; i < page->nitems; i++) {
        const order_item_t *it = &page->items[i];
        aansluiting_order_t *a = &(*out)[i];

        a->number = it->number;
        if (it->order == NULL) {
            snprintf(a->error, sizeof a->error, "%s", it->error ? it->error : "?");
            continue;
        }
        a->status = it->order->status;
        if (!boeking_factuurnummer(it->order, p, a->factuurnummer, sizeof a->factuurnummer)) {
            snprintf(a->error, sizeof a->error, "its factuurnummer is longer than SnelStart "
                     "takes");
            continue;
        }
        if (!betaling_total_eur(it->order, &a->total_cents)) {
            snprintf(a->error, sizeof a->error, "order in %s without an exchange rate",
                     it->order->currency);
            continue;
        }
        a->readable = true;
        if (strcmp(it->order->currency, "EUR") == 0)
            a->vat_cents = it->order->total_vat_cents;
        else {
            a->vat_cents = money_muldiv_round(it->order->total_vat_cents,
                                              it->order->eur_per_unit_e6, 1000000);
            a->vat_tolerance = (int) it->order->nvats;   /* rounded per btw-soort */
        }
    }
    order_page_destroy(&page);
    return true;
}

/* booking_vat - the VAT of a verkoopboeking (sum of its btw lines); false
 * with e when it cannot be read */
static bool
booking_vat(snelstart_t *api, const char *id, int64_t *vat, ss_error_t *e)
{
    char   *path = xasprintf("/verkoopboekingen/%s", id);
    json_t *b = NULL, *line;
    size_t  i;
    int64_t c;
    ss_result_t r = snelstart_get(api, path, &b, e);

    free(path);
    if (r != SS_OK)
        return false;
    *vat = 0;
    json_array_foreach(json_object_get(b, "btw"), i, line)
        if (snelstart_amount_cents(json_object_get(line, "btwBedrag"), &c))
            *vat += c;
    json_decref(b);
    return true;
}

/* read_snelstart - the verkoopfacturen of the period; false with a message printed */
static bool
read_snelstart(const profile_t *p, const char *van, const char *tot, bool with_vat,
               aansluiting_factuur_t **out, size_t *n, long *calls)
{
    snelstart_t *api = snelstart_new(p->api_url, p->auth_url, p->client_key,
                                     p->subscription_key, p->api_tls_verify);
    char   *filter = xasprintf("FactuurDatum ge datetime'%sT00:00:00' and FactuurDatum le "
                               "datetime'%sT00:00:00'", van, tot);
    char    top[16], skip[24];
    size_t  cap = 0, i;
    int64_t s = 0;
    bool    ok = true;
    json_t *page = NULL, *f;
    ss_error_t e;

    snelstart_set_limits(api, p->rate_per_minute / 4 > 0 ? p->rate_per_minute / 4 : 1,
                         p->rate_per_hour / 4 > 0 ? p->rate_per_hour / 4 : 1, 1);
    snelstart_set_time_scale(api, p->time_scale > 0 ? p->time_scale : 1);
    snelstart_set_timeout(api, (long) p->timeout_s * 1000);
    *out = NULL;
    *n = 0;
    snprintf(top, sizeof top, "%d", PAGE);
    for (;;) {
        char   *path;

        snprintf(skip, sizeof skip, "%" PRId64, s);
        path = snelstart_query("/verkoopfacturen", "$filter", filter, "$top", top, "$skip",
                               skip, NULL);
        ok = snelstart_get(api, path, &page, &e) == SS_OK && json_is_array(page);
        free(path);
        if (!ok) {
            fprintf(stderr, "koppelctl: reading SnelStart's verkoopfacturen: %s\n",
                    json_is_array(page) || page == NULL ? e.message : "not a list");
            break;
        }
        json_array_foreach(page, i, f) {
            aansluiting_factuur_t *a;
            const char *nr = json_string_value(json_object_get(f, "factuurnummer"));
            const char *d = json_string_value(json_object_get(f, "factuurDatum"));
            const char *bid = json_string_value(json_object_get(json_object_get(f,
                                                "verkoopBoeking"), "id"));

            if (*n == cap) {
                cap = cap ? cap * 2 : 256;
                *out = xrealloc(*out, cap * sizeof **out);
            }
            a = &(*out)[(*n)++];
            memset(a, 0, sizeof *a);
            snprintf(a->factuurnummer, sizeof a->factuurnummer, "%s", nr ? nr : "");
            snprintf(a->datum, sizeof a->datum, "%.10s", d ? d : "");
            a->btw_cents = -1;
            if (!snelstart_amount_cents(json_object_get(f, "factuurBedrag"), &a->bedrag_cents)) {
                fprintf(stderr, "koppelctl: verkoopfactuur %s: SnelStart's answer has no "
                        "factuurBedrag\n", a->factuurnummer);
                ok = false;
            } else if (with_vat && bid && !booking_vat(api, bid, &a->btw_cents, &e)) {
                fprintf(stderr, "koppelctl: reading verkoopboeking %s: %s\n",
                        a->factuurnummer, e.message);
                ok = false;
            }
            if (!ok)
                break;
        }
        s += (int64_t) json_array_size(page);
        if (!ok || json_array_size(page) < PAGE)
            break;
        json_decref(page);
        page = NULL;
    }
    json_decref(page);
    free(filter);
    *calls = snelstart_calls(api);
    snelstart_destroy(&api);
    return ok;
}

/* read_dead - the profile's open dead letters from fetcher.db, read-only;
 * false with a message printed. No fetcher.db: none (said on stderr). */
static bool
read_dead(const cfg_t *cfg, const profile_t *p, aansluiting_dead_t **out, size_t *n)
{
    char   *path = xasprintf("%s/fetcher.db", cfg->state_dir);
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    size_t  cap = 0;
    int     rc;
    bool    ok = false;

    *out = NULL;
    *n = 0;
    if (access(path, F_OK) != 0) {
        fprintf(stderr, "koppelctl: %s does not exist: no dead letters (has the fetcher "
                "run?)\n", path);
        free(path);
        return true;
    }
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK
        || sqlite3_busy_timeout(db, 5000) != SQLITE_OK
        || sqlite3_prepare_v2(db, "SELECT number, stage, reason FROM orders WHERE profile = ?"
                              " AND state = 'dead' ORDER BY number", -1, &st, NULL)
        != SQLITE_OK) {
        fprintf(stderr, "koppelctl: %s: cannot read: %s\n", path, sqlite3_errmsg(db));
        goto done;
    }
    sqlite3_bind_text(st, 1, p->name, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        aansluiting_dead_t *d;

        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            *out = xrealloc(*out, cap * sizeof **out);
        }
        d = &(*out)[(*n)++];
        d->number = sqlite3_column_int64(st, 0);
        snprintf(d->reason, sizeof d->reason, "%s: %s", (const char *) sqlite3_column_text(st, 1),
                 (const char *) sqlite3_column_text(st, 2));
    }
    if (rc != SQLITE_DONE)
        fprintf(stderr, "koppelctl: %s: cannot read: %s\n", path, sqlite3_errmsg(db));
    else
        ok = true;
done:
    sqlite3_finalize(st);
    sqlite3_close(db);
    free(path);
    return ok;
}

/* take_option - "--name VALUE" from the arguments; removes both */
static const char *
take_option(int *argc, char **argv, const char *name)
{
    for (int i = 0; i + 1 < *argc; i++)
        if (strcmp(argv[i], name) == 0) {
            const char *v = argv[i + 1];

            memmove(argv + i, argv + i + 2, (size_t) (*argc - i - 2) * sizeof *argv);
            *argc -= 2;
            return v;
        }
    return NULL;
}

/* aansluiting_cmd - koppelctl aansluiting */
int
aansluiting_cmd(const cfg_t *cfg, int argc, char **argv, FILE *out)
{
    const char *van = take_option(&argc, argv, "--van");
    const char *tot = take_option(&argc, argv, "--tot");
    const char *export = take_option(&argc, argv, "--export");
    bool    with_vat = true;
    const profile_t *p;
    aansluiting_order_t *orders = NULL;
    aansluiting_factuur_t *facturen = NULL;
    aansluiting_dead_t *dead = NULL;
    size_t  norders = 0, nfacturen = 0, ndead = 0, nrows;
    aansluiting_t *a;
    time_t  from, until;
    char    after[11], err[1024];
    long    calls = 0;
    int     rc;

    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], "--zonder-btw") == 0) {
            memmove(argv + i, argv + i + 1, (size_t) (argc - i - 1) * sizeof *argv);
            argc--;
            with_vat = false;
            break;
        }
    if (argc != 1 || van == NULL || tot == NULL) {
        fprintf(stderr, "%s", aansluiting_usage);
        return 2;
    }
    if ((p = cfg_profile(cfg, argv[0])) == NULL) {
        fprintf(stderr, "koppelctl: %s: no such profile\n", argv[0]);
        return 2;
    }
    if (!day_start(van, &from) || !day_start(tot, &until) || strcmp(van, tot) > 0) {
        fprintf(stderr, "koppelctl: --van %s --tot %s: two dates YYYY-MM-DD, van not after "
                "tot\n", van, tot);
        return 2;
    }
    if (export && (strlen(export) < 5 || strcmp(export + strlen(export) - 5, ".xlsx") != 0)) {
        fprintf(stderr, "koppelctl: --export %s: the file name must end in .xlsx\n", export);
        return 2;
    }
    next_day(tot, after);
    day_start(after, &until);
    if (!read_shop(p, from, until, &orders, &norders)
        || !read_snelstart(p, van, tot, with_vat, &facturen, &nfacturen, &calls)
        || !read_dead(cfg, p, &dead, &ndead)) {
        free(orders);
        free(facturen);
        free(dead);
        return 1;
    }
    a = aansluiting_new(p->name, van, tot, orders, norders, facturen, nfacturen, dead, ndead);
    aansluiting_print(a, out);
    fprintf(out, "(%ld aanroepen van SnelStart's API%s)\n", calls,
            with_vat ? "" : "; btw niet vergeleken: --zonder-btw");
    aansluiting_rows(a, &nrows);
    rc = nrows == 0 ? 0 : 3;
    if (export) {
        if (aansluiting_export_xlsx(a, export, err, sizeof err))
            fprintf(out, "Geschreven: %s\n", export);
        else {
            fprintf(stderr, "koppelctl: %s\n", err);
            rc = 1;
        }
    }
    aansluiting_destroy(&a);
    free(orders);
    free(facturen);
    free(dead);
    return rc;
}
