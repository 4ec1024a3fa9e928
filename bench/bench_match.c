/*
 * NAME
 *   bench-match - recognition speed against a large customer index
 *
 * SYNOPSIS
 *   bench-match [RELATIES [LOOKUPS]]
 *
 * DESCRIPTION
 *   Fills a relatie_index with RELATIES (default 1,000,000) generated
 *   relaties (e-mail, name, postcode, VAT and KvK number each), then
 *   recognises LOOKUPS (default 300,000) generated orders with method
 *   slim: 80 % of a known customer by e-mail, 10 % known only by company
 *   name and postcode, 10 % unknown. Prints, as "name: value" lines:
 *     index_build_s_1m, index_bytes_per_relatie, match_per_s_1m,
 *     match_p99_us_1m, match_decisions_ok
 *   (the _1m names are kept whatever RELATIES is, so that run.sh can ask
 *   for a smaller index on a small machine). index_bytes_per_relatie is
 *   relatie_index_bytes() over RELATIES: every byte the index allocated
 *   (arena, records, hash tables, landen), capacity and not use.
 *
 * DIAGNOSTICS
 *   Exit 1 when a known customer is not recognised as existing: a fast
 *   wrong answer is no benchmark.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "match.h"
#include "order.h"
#include "recognise.h"
#include "relatie_index.h"

/* now_s - monotonic seconds */
static double
now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + ts.tv_nsec / 1e9;
}

/* cmp_double - qsort order */
static int
cmp_double(const void *a, const void *b)
{
    double  x = *(const double *) a, y = *(const double *) b;

    return x < y ? -1 : x > y;
}

/* fill - n generated relaties into the index */
static void
fill(relatie_index_t *ix, long n)
{
    char    id[64], naam[64], email[80], pc[32], btw[40], kvk[32];
    long    i;

    for (i = 0; i < n; i++) {
        relatie_rec_t r = { 0 };

        snprintf(id, sizeof id, "00000000-0000-4000-8000-%012ld", i);
        snprintf(naam, sizeof naam, "Handelsonderneming %ld B.V.", i);
        snprintf(email, sizeof email, "inkoop%ld@klant%ld.example.nl", i, i % 9973);
        snprintf(pc, sizeof pc, "%04ld %c%c", 1000 + i % 9000, 'A' + (int) (i % 26),
                 'A' + (int) (i / 26 % 26));
        snprintf(btw, sizeof btw, "NL%09ldB01", i);
        snprintf(kvk, sizeof kvk, "%08ld", 10000000 + i);
        r.id = id;
        r.relatiecode = (int32_t) (i + 1);
        r.naam = naam;
        r.email = email;
        r.postcode = pc;
        r.country_iso = "NL";
        r.btw_nummer = btw;
        r.kvk_nummer = kvk;
        r.active = true;
        relatie_index_upsert(ix, &r);
    }
}

/* make_order - the k-th order: known by e-mail, by name and postcode, or new */
static order_t *
make_order(long k, long n)
{
    order_t *o = order_new();
    long    i = (k * 7919) % n;
    char    buf[64];

    o->number = k + 1;
    order_set(&o->billing.country, "NL");
    order_set(&o->billing.first_name, "Jan");
    order_set(&o->billing.last_name, "Jansen");
    switch (k % 10) {
    case 8:                     /* known by company name and postcode only */
        snprintf(buf, sizeof buf, "Handelsonderneming %ld BV", i);
        order_set(&o->billing.company, buf);
        snprintf(buf, sizeof buf, "%04ld%c%c", 1000 + i % 9000, 'a' + (int) (i % 26),
                 'a' + (int) (i / 26 % 26));
        order_set(&o->billing.postcode, buf);
        snprintf(buf, sizeof buf, "andere%ld@elders.example.com", k);
        order_set(&o->email, buf);
        break;
    case 9:                     /* unknown */
        snprintf(buf, sizeof buf, "nieuw%ld@nieuw.example.com", k);
        order_set(&o->email, buf);
        order_set(&o->billing.postcode, "9999 ZZ");
        break;
    default:                    /* known by e-mail */
        snprintf(buf, sizeof buf, " Inkoop%ld@Klant%ld.example.NL", i, i % 9973);
        order_set(&o->email, buf);
        snprintf(buf, sizeof buf, "%04ld %c%c", 1000 + i % 9000, 'A' + (int) (i % 26),
                 'A' + (int) (i / 26 % 26));
        order_set(&o->billing.postcode, buf);
    }
    return o;
}

int
main(int argc, char **argv)
{
    long    n = argc > 1 ? atol(argv[1]) : 1000000;
    long    lookups = argc > 2 ? atol(argv[2]) : 300000;
    relatie_index_t *ix;
    order_t **orders;
    double *lat, t0, t1, total = 0;
    long    k, wrong = 0;
    match_t *m = match_new();

    if (n < 10 || lookups < 10) {
        fprintf(stderr, "usage: bench-match [RELATIES >= 10 [LOOKUPS >= 10]]\n");
        return 2;
    }
    ix = relatie_index_new();
    t0 = now_s();
    fill(ix, n);
    t1 = now_s();
    printf("index_build_s_1m: %.2f\n", t1 - t0);
    printf("index_bytes_per_relatie: %.0f\n", (double) relatie_index_bytes(ix) / n);

    orders = malloc(sizeof *orders * (size_t) lookups);
    lat = malloc(sizeof *lat * (size_t) lookups);
    if (orders == NULL || lat == NULL) {
        fprintf(stderr, "bench-match: out of memory for %ld orders\n", lookups);
        return 1;
    }
    for (k = 0; k < lookups; k++)
        orders[k] = make_order(k, n);
    for (k = 0; k < lookups; k++) {
        t0 = now_s();
        recognise(ix, orders[k], RECOGNITION_SLIM, m);
        t1 = now_s();
        lat[k] = t1 - t0;
        total += lat[k];
        if (k % 10 < 9 && m->decision != MATCH_EXISTING)
            wrong++;
    }
    qsort(lat, (size_t) lookups, sizeof *lat, cmp_double);
    printf("match_per_s_1m: %.0f\n", lookups / total);
    printf("match_p99_us_1m: %.1f\n", lat[lookups * 99 / 100] * 1e6);
    printf("match_decisions_ok: %s\n", wrong == 0 ? "yes" : "no");
    if (wrong)
        fprintf(stderr, "bench-match: %ld known customers not recognised\n", wrong);
    for (k = 0; k < lookups; k++)
        order_destroy(&orders[k]);
    free(orders);
    free(lat);
    match_destroy(&m);
    relatie_index_destroy(&ix);
    return wrong ? 1 : 0;
}
