/*
 * NAME
 *   sim_gen - random but realistic Dutch webshop orders for the simulator
 *
 * DESCRIPTION
 *   A splitmix64 stream seeded by the caller drives every choice, so a seed
 *   reproduces the same orders. Customers are drawn first (count/3 of
 *   them), then each order picks a customer, 1-5 products from a small
 *   catalogue, charges and a status, and states its VAT per rate and its
 *   totals with sim_gen_figures. Orders are written with libxml2's
 *   xmlTextWriter; relaties with jansson.
 *
 * DIAGNOSTICS
 *   sim_gen_export_relaties names the file it cannot write.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <libxml/xmlwriter.h>

#include "xalloc.h"
#include "sim_feed.h"
#include "sim_gen.h"
#include "../simlib/simlib.h"

typedef struct {
    char    company[80];
    char    first[40];
    char    last[40];
    char    street[60];
    char    number[12];
    char    addition[8];
    char    postcode[16];
    char    city[40];
    char    region[8];
    char    country[3];
} gen_addr_t;

typedef struct {
    int     code;             /* relatiecode, 1001 up */
    bool    klantnummer;      /* has the shop's Klantnummer field */
    const char *field_name;
    bool    business;
    bool    prices_excl;      /* the shop shows this business prices excl. VAT */
    bool    zero_rated;       /* intra-community supply or export */
    bool    has_delivery;
    bool    used;
    char    email[200];
    char    phone[32];
    char    vat_number[32];
    char    coc_number[16];
    char    uuid[37];
    gen_addr_t billing;
    gen_addr_t delivery;
} gen_customer_t;

struct sim_gen {
    uint64_t rng;
    uint64_t seed;
    int64_t first_number;
    long    count;
    gen_customer_t *customers;
    size_t  ncustomers;
};

typedef struct {
    const char *sku;
    const char *description;
    int64_t price_cents;      /* consumer price including VAT */
    int     rate;
    bool    per_meter;
} gen_product_t;

static const gen_product_t catalogue[] = {
    { "BR-001", "Volkorenbrood", 325, 9, false },
    { "BR-002", "Krentenbollen (6 stuks)", 299, 9, false },
    { "KF-010", "Koffiebonen 1 kg", 1895, 9, false },
    { "TH-003", "Thee Earl Grey 100 g", 495, 9, false },
    { "BK-101", "Kookboek \"Hollandse pot\"", 2495, 9, false },
    { "TD-014", "Theedoek linnen", 895, 21, false },
    { "MK-220", "Mok aardewerk & glazuur", 1250, 21, false },
    { "SN-330", "Snijplank eiken", 3995, 21, false },
    { "ST-050", "Stof linnen naturel (per meter)", 1495, 21, true },
    { "KA-070", "Kaars soja <geurloos>", 695, 21, false },
    { "GL-300", "Bierglas 30 cl (doos 24)", 5022, 21, false },
    { "CB-025", "Cadeaubon 25 euro", 2500, 0, false },
};
#define NPRODUCTS (sizeof catalogue / sizeof catalogue[0])

typedef struct {
    const char *iso;
    const char *tld;
    const char *const *first;
    const char *const *last;
    const char *const *streets;
    const char *const *cities;  /* "city|postcode prefix or full postcode" */
    int     pc_kind;            /* 0 NL 4 digits + 2 letters, 1 four digits, 2 five, 3 full */
} gen_country_t;

#define L(...) (const char *const[]) { __VA_ARGS__, NULL }
static const gen_country_t countries[] = {
    { "NL", "nl", L("Jan", "Anna", "Pieter", "Sanne", "Daan", "Emma", "Lucas", "Julia",
                    "Bram", "Fleur", "Sem", "Lotte", "Thijs", "Noor", "Ruben", "Iris", "Zoë"),
      L("de Vries", "Jansen", "van den Berg", "Bakker", "Visser", "Smit", "Meijer",
        "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Dijk",
        "Dekker", "van 't Hek"),
      L("Dorpsstraat", "Kerkstraat", "Hoofdstraat", "Molenweg", "Stationsplein",
        "Julianalaan", "Beatrixstraat", "Oudegracht", "Prinsengracht"),
      L("Utrecht|3511", "Amsterdam|1012", "Rotterdam|3011", "Den Haag|2511",
        "Eindhoven|5611", "Groningen|9711", "Zwolle|8011", "'s-Hertogenbosch|5211",
        "Leeuwarden|8911"), 0 },
    { "BE", "be", L("Els", "Jef", "Lies", "Wout", "Chloé", "Luc"),
      L("Peeters", "Janssens", "Maes", "Claes", "Dubois", "Lambert"),
      L("Kerkstraat", "Stationsstraat", "Grote Markt", "Rue de l'Église"),
      L("Antwerpen|2000", "Gent|9000", "Brussel|1000", "Leuven|3000", "Liège|4000"), 1 },
    { "DE", "de", L("Jürgen", "Sabine", "Klaus", "Anja", "Jörg"),
      L("Müller", "Schröder", "Weiß", "Becker", "Schäfer"),
      L("Hauptstraße", "Bahnhofstraße", "Gartenweg"),
      L("Köln|50667", "Düsseldorf|40213", "Münster|48143", "Aachen|52062"), 2 },
    { "NO", "no", L("Kari", "Bjørn", "Ingrid", "Ola"),
      L("Nordmann", "Søreide", "Haugen", "Østby"),
      L("Storgata", "Kirkeveien"),
      L("Oslo|0155", "Bergen|5003", "Tromsø|9008"), 1 },
    { "US", "com", L("John", "Emily", "Michael"),
      L("Smith", "Johnson", "Williams"),
      L("Main Street", "Oak Avenue"),
      L("Springfield|62701", "Portland|97201"), 2 },
    { "GB", "co.uk", L("Oliver", "Amelia", "Harry"),
      L("Brown", "Taylor", "Wilson"),
      L("High Street", "Church Lane"),
      L("London|SW1A 1AA", "Manchester|M1 1AE", "York|YO1 7HH"), 3 },
};
#undef L

static const char *const company_kinds[] = {
    "Bakkerij", "Bloemisterij", "Installatiebedrijf", "Kapsalon", "Café",
    "Drukkerij", "Brouwerij", "Lunchroom"
};
static const char *const company_forms[] = { "B.V.", "V.O.F.", "BV", "& Zn." };

/* rng_next - the next 64 random bits (splitmix64) */
static uint64_t
rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);

    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* rng_below - a number in [0, n) */
static uint64_t
rng_below(uint64_t *s, uint64_t n)
{
    return n ? rng_next(s) % n : 0;
}

/* pick - a random entry of a NULL-terminated list */
static const char *
pick(uint64_t *s, const char *const *list)
{
    size_t  n = 0;

    while (list[n])
        n++;
    return list[rng_below(s, n)];
}

/* sim_gen_round - a / b rounded half away from zero (b > 0) */
int64_t
sim_gen_round(int64_t a, int64_t b)
{
    if (a >= 0)
        return (2 * a + b) / (2 * b);
    return -((2 * -a + b) / (2 * b));
}

/* sim_gen_figures - stated VAT per rate and the totals */
size_t
sim_gen_figures(const int32_t *rates_e2, const int64_t *amounts, size_t n,
                bool prices_include_vat, sim_gen_vat_t *vats, size_t max,
                int64_t *total_excl, int64_t *total_vat, int64_t *total_incl)
{
    size_t  nv = 0, i, j;

    for (i = 0; i < n; i++) {
        for (j = 0; j < nv && vats[j].rate_e2 != rates_e2[i]; j++)
            ;
        if (j == nv) {
            if (nv == max)
                continue;
            /* keep ascending order of rate */
            for (j = nv; j > 0 && vats[j - 1].rate_e2 > rates_e2[i]; j--)
                vats[j] = vats[j - 1];
            vats[j].rate_e2 = rates_e2[i];
            vats[j].base_cents = 0;
            nv++;
        }
        vats[j].base_cents += amounts[i];   /* the gross sum G or N, for now */
    }
    *total_excl = *total_vat = 0;
    for (j = 0; j < nv; j++) {
        int64_t sum = vats[j].base_cents;
        int64_t r = vats[j].rate_e2;

        if (prices_include_vat) {
            vats[j].vat_cents = sim_gen_round(sum * r, 10000 + r);
            vats[j].base_cents = sum - vats[j].vat_cents;
        } else {
            vats[j].vat_cents = sim_gen_round(sum * r, 10000);
            vats[j].base_cents = sum;
        }
        *total_excl += vats[j].base_cents;
        *total_vat += vats[j].vat_cents;
    }
    *total_incl = *total_excl + *total_vat;
    return nv;
}

/* slug - lower-case ASCII letters of s, for e-mail addresses */
static void
slug(char *out, size_t outlen, const char *s)
{
    size_t  n = 0;

    for (; *s && n + 1 < outlen; s++) {
        if (*s >= 'A' && *s <= 'Z')
            out[n++] = *s - 'A' + 'a';
        else if (*s >= 'a' && *s <= 'z')
            out[n++] = *s;
    }
    out[n] = 0;
}

/* make_address - a random address in country c */
static void
make_address(uint64_t *s, const gen_country_t *c, gen_addr_t *a)
{
    const char *city = pick(s, c->cities);
    const char *bar = strchr(city, '|');
    static const char *const additions[] = { "A", "B", "bis", "2hg", "-3" };

    snprintf(a->first, sizeof a->first, "%s", pick(s, c->first));
    snprintf(a->last, sizeof a->last, "%s", pick(s, c->last));
    snprintf(a->street, sizeof a->street, "%s", pick(s, c->streets));
    snprintf(a->number, sizeof a->number, "%d", (int) (1 + rng_below(s, 180)));
    a->addition[0] = 0;
    if (rng_below(s, 100) < 15)
        snprintf(a->addition, sizeof a->addition, "%s", additions[rng_below(s, 5)]);
    snprintf(a->city, sizeof a->city, "%.*s", (int) (bar - city), city);
    switch (c->pc_kind) {
    case 0:
        snprintf(a->postcode, sizeof a->postcode, "%.4s %c%c", bar + 1,
                 (char) ('A' + rng_below(s, 26)), (char) ('A' + rng_below(s, 26)));
        break;
    default:
        snprintf(a->postcode, sizeof a->postcode, "%s", bar + 1);
        break;
    }
    a->region[0] = 0;
    if (strcmp(c->iso, "US") == 0)
        snprintf(a->region, sizeof a->region, "%s",
                 strcmp(a->city, "Portland") == 0 ? "OR" : "IL");
    snprintf(a->country, sizeof a->country, "%s", c->iso);
}

/* make_customer - customer number k of the pool */
static void
make_customer(sim_gen_t *self, size_t k, gen_customer_t *cu)
{
    uint64_t *s = &self->rng;
    uint64_t roll = rng_below(s, 1000);
    const gen_country_t *c;
    char    a[64], b[64];
    uint64_t u1, u2;

    c = roll < 800 ? &countries[0] : roll < 880 ? &countries[1]
        : roll < 950 ? &countries[2] : roll < 970 ? &countries[3]
        : roll < 985 ? &countries[4] : &countries[5];
    memset(cu, 0, sizeof *cu);
    cu->code = 1001 + (int) k;
    make_address(s, c, &cu->billing);
    cu->business = rng_below(s, 100) < (c == &countries[0] ? 35 : c < &countries[3] ? 50 : 10);
    if (cu->business) {
        snprintf(cu->billing.company, sizeof cu->billing.company, "%s %s %s",
                 company_kinds[rng_below(s, 8)], cu->billing.last,
                 company_forms[rng_below(s, 4)]);
        cu->prices_excl = rng_below(s, 100) < 50;
        if (strcmp(c->iso, "NL") == 0) {
            uint64_t r = rng_below(s, 1000000000);

            simlib_vat_nl(r, 1 + (int) rng_below(s, 3), cu->vat_number, sizeof cu->vat_number);
            snprintf(cu->coc_number, sizeof cu->coc_number, "%08llu",
                     (unsigned long long) (10000000 + rng_below(s, 89999999)));
        } else if (strcmp(c->iso, "BE") == 0) {
            uint64_t r = rng_below(s, 1000) * 10000 + rng_below(s, 1000) * 10;

            r += rng_below(s, 1000) / 100;
            simlib_vat_be(r, 1, cu->vat_number, sizeof cu->vat_number);
        } else if (strcmp(c->iso, "DE") == 0) {
            int     prefix = rng_below(s, 4) != 0;

            simlib_vat_de(rng_below(s, 1000000000), prefix, cu->vat_number, sizeof cu->vat_number);
        }
    }
    /* intra-community supply to a business with a VAT number, or export */
    cu->zero_rated = (cu->business && cu->vat_number[0] && strcmp(c->iso, "NL") != 0)
        || strcmp(c->iso, "NO") == 0 || strcmp(c->iso, "US") == 0 || strcmp(c->iso, "GB") == 0;
    if (cu->business) {
        slug(a, sizeof a, cu->billing.last);
        snprintf(cu->email, sizeof cu->email, "%s@%s-%d.%s",
                 rng_below(s, 2) ? "info" : "inkoop", a, cu->code, c->tld);
    } else {
        slug(a, sizeof a, cu->billing.first);
        slug(b, sizeof b, cu->billing.last);
        snprintf(cu->email, sizeof cu->email, "%s.%s%d@example.%s", a, b, cu->code, c->tld);
    }
    if (rng_below(s, 100) < 70)
        snprintf(cu->phone, sizeof cu->phone, "%s %d %07d",
                 strcmp(c->iso, "NL") == 0 ? "+31" : strcmp(c->iso, "BE") == 0 ? "+32"
                 : strcmp(c->iso, "DE") == 0 ? "+49" : strcmp(c->iso, "NO") == 0 ? "+47"
                 : strcmp(c->iso, "US") == 0 ? "+1" : "+44",
                 10 + (int) rng_below(s, 80), (int) rng_below(s, 10000000));
    cu->klantnummer = rng_below(s, 100) < 30;
    cu->field_name = rng_below(s, 5) ? "Klantnummer" : " klantNummer ";
    cu->has_delivery = rng_below(s, 100) < 15;
    if (cu->has_delivery) {
        make_address(s, c, &cu->delivery);
        if (cu->business)
            snprintf(cu->delivery.company, sizeof cu->delivery.company, "%.60s - magazijn",
                     cu->billing.company);
    }
    u1 = rng_next(s);
    u2 = rng_next(s);
    snprintf(cu->uuid, sizeof cu->uuid, "%08x-%04x-4%03x-%04x-%012llx",
             (unsigned) (u1 >> 32), (unsigned) ((u1 >> 16) & 0xffff),
             (unsigned) (u1 & 0xfff), (unsigned) (0x8000 | (u2 >> 48 & 0x3fff)),
             (unsigned long long) (u2 & 0xffffffffffffULL));
}

/* sim_gen_new - a generator for count orders */
sim_gen_t *
sim_gen_new(uint64_t seed, int64_t first_number, long count)
{
    sim_gen_t *self = xcalloc(1, sizeof *self);
    size_t  k;

    self->seed = seed;
    self->rng = seed;
    self->first_number = first_number;
    self->count = count;
    self->ncustomers = count / 3 > 0 ? (size_t) (count / 3) : 1;
    self->customers = xcalloc(self->ncustomers, sizeof *self->customers);
    for (k = 0; k < self->ncustomers; k++)
        make_customer(self, k, &self->customers[k]);
    return self;
}

/* sim_gen_destroy - free the generator */
void
sim_gen_destroy(sim_gen_t **self_p)
{
    if (*self_p == NULL)
        return;
    free((*self_p)->customers);
    free(*self_p);
    *self_p = NULL;
}

/* fmt_cents - cents as a decimal string with two decimals */
static void
fmt_cents(char *out, size_t outlen, int64_t cents)
{
    int64_t a = cents < 0 ? -cents : cents;

    snprintf(out, outlen, "%s%lld.%02lld", cents < 0 ? "-" : "",
             (long long) (a / 100), (long long) (a % 100));
}

/* fmt_e4 - a 1/10000 value with the given number of decimals (2 or 4), or
 * with trailing zeros removed when decimals is 0 */
static void
fmt_e4(char *out, size_t outlen, int64_t v, int decimals)
{
    char    frac[8];
    size_t  n;

    snprintf(frac, sizeof frac, "%04lld", (long long) (v % 10000));
    if (decimals == 2)
        frac[2] = 0;
    else if (decimals == 0) {
        for (n = 4; n > 0 && frac[n - 1] == '0'; n--)
            frac[n - 1] = 0;
    }
    snprintf(out, outlen, "%lld%s%s", (long long) (v / 10000), frac[0] ? "." : "", frac);
}

/* local_offset - the Dutch UTC offset in hours at an instant */
static int
local_offset(time_t t)
{
    struct tm tm, b;
    time_t  start, end;
    int     d;

    gmtime_r(&t, &tm);
    memset(&b, 0, sizeof b);
    b.tm_year = tm.tm_year;
    b.tm_hour = 1;
    for (d = 31; d > 24; d--) {          /* last Sunday of March */
        b.tm_mon = 2;
        b.tm_mday = d;
        start = timegm(&b);
        gmtime_r(&start, &b);
        if (b.tm_wday == 0)
            break;
    }
    memset(&b, 0, sizeof b);
    b.tm_year = tm.tm_year;
    b.tm_hour = 1;
    for (d = 31; d > 24; d--) {          /* last Sunday of October */
        b.tm_mon = 9;
        b.tm_mday = d;
        end = timegm(&b);
        gmtime_r(&end, &b);
        if (b.tm_wday == 0)
            break;
    }
    return t >= start && t < end ? 2 : 1;
}

/* write_address - one <billing> or <delivery> element */
static void
write_address(xmlTextWriterPtr w, const char *name, const gen_addr_t *a)
{
    xmlTextWriterStartElement(w, BAD_CAST name);
    if (a->company[0])
        xmlTextWriterWriteElement(w, BAD_CAST "company", BAD_CAST a->company);
    xmlTextWriterWriteElement(w, BAD_CAST "firstName", BAD_CAST a->first);
    xmlTextWriterWriteElement(w, BAD_CAST "lastName", BAD_CAST a->last);
    xmlTextWriterWriteElement(w, BAD_CAST "street", BAD_CAST a->street);
    xmlTextWriterWriteElement(w, BAD_CAST "houseNumber", BAD_CAST a->number);
    if (a->addition[0])
        xmlTextWriterWriteElement(w, BAD_CAST "houseNumberAddition", BAD_CAST a->addition);
    xmlTextWriterWriteElement(w, BAD_CAST "postcode", BAD_CAST a->postcode);
    xmlTextWriterWriteElement(w, BAD_CAST "city", BAD_CAST a->city);
    if (a->region[0])
        xmlTextWriterWriteElement(w, BAD_CAST "region", BAD_CAST a->region);
    xmlTextWriterWriteElement(w, BAD_CAST "country", BAD_CAST a->country);
    xmlTextWriterEndElement(w);
}

/* excl_of - an amount including 21 % (or rate) VAT without it */
static int64_t
excl_of(int64_t incl, int rate)
{
    return sim_gen_round(incl * 100, 100 + rate);
}

#define MAXITEMS 16

/* gen_order - generate one order as XML text; *status gets its status */
static char *
gen_order(sim_gen_t *self, int64_t number, time_t when, const char **status)
{
    uint64_t *s = &self->rng;
    gen_customer_t *cu = &self->customers[rng_below(s, self->ncustomers)];
    bool    incl = !cu->prices_excl;
    int32_t rates[MAXITEMS];
    int64_t amounts[MAXITEMS];
    size_t  n = 0, nlines, i, j, nv;
    size_t  chosen[5];
    int64_t goods[3] = { 0, 0, 0 };   /* per rate 0, 9, 21 */
    int     maxrate = 0;
    sim_gen_vat_t vats[4];
    int64_t texcl, tvat, tincl;
    const char *method, *pstatus;
    char    buf[64], ref[32];
    xmlBufferPtr xb = xmlBufferCreate();
    xmlTextWriterPtr w = xmlNewTextWriterMemory(xb, 0);
    char   *text;
    struct tm tm;
    time_t  local;
    int     off = local_offset(when);
    uint64_t roll;
    bool    eur = strcmp(cu->billing.country, "GB") != 0;

    cu->used = true;
    /* status and payment */
    roll = rng_below(s, 100);
    if (cu->business && rng_below(s, 2)) {
        method = "Op rekening";
        pstatus = "open";
    } else if (roll < 65) {
        method = strcmp(cu->billing.country, "BE") == 0 ? "Bancontact" : "iDEAL";
        if (!strcmp(cu->billing.country, "NO") || !strcmp(cu->billing.country, "US")
            || !strcmp(cu->billing.country, "GB") || !strcmp(cu->billing.country, "DE"))
            method = "Creditcard";
        pstatus = "paid";
    } else if (roll < 80) {
        method = "PayPal";
        pstatus = "paid";
    } else {
        method = "Bankoverschrijving";
        pstatus = "open";
    }
    roll = rng_below(s, 100);
    *status = pstatus;
    if (roll < 5 && strcmp(pstatus, "paid") == 0) {
        *status = "incomplete";
        pstatus = "pending";
    } else if (roll >= 97) {
        *status = "cancelled";
    }
    if (strcmp(method, "iDEAL") == 0)
        snprintf(ref, sizeof ref, "00500%011llu", (unsigned long long) rng_below(s, 100000000000ULL));
    else if (strcmp(method, "PayPal") == 0)
        snprintf(ref, sizeof ref, "%dPX%012llu", 1 + (int) rng_below(s, 9),
                 (unsigned long long) rng_below(s, 1000000000000ULL));
    else
        snprintf(ref, sizeof ref, "GC%lld", (long long) number);

    xmlTextWriterSetIndent(w, 1);
    xmlTextWriterSetIndentString(w, BAD_CAST "  ");
    xmlTextWriterStartElement(w, BAD_CAST "order");
    xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns", BAD_CAST GCSIM_NS);
    snprintf(buf, sizeof buf, "%lld", (long long) number);
    xmlTextWriterWriteAttribute(w, BAD_CAST "number", BAD_CAST buf);
    xmlTextWriterWriteAttribute(w, BAD_CAST "status", BAD_CAST *status);
    {
        time_t  mod = when + 60 * (2 + (time_t) rng_below(s, 30))
            + (strcmp(*status, "cancelled") == 0 ? 2 * 86400 : 0);

        gmtime_r(&mod, &tm);
        strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
        xmlTextWriterWriteAttribute(w, BAD_CAST "modified", BAD_CAST buf);
    }
    local = when + off * 3600;
    gmtime_r(&local, &tm);
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    xmlTextWriterWriteFormatElement(w, BAD_CAST "date", "%s+%02d:00", buf, off);
    xmlTextWriterStartElement(w, BAD_CAST "currency");
    if (!eur)
        xmlTextWriterWriteAttribute(w, BAD_CAST "eurPerUnit", BAD_CAST "1.1500");
    xmlTextWriterWriteString(w, BAD_CAST (eur ? "EUR" : "GBP"));
    xmlTextWriterEndElement(w);
    xmlTextWriterWriteElement(w, BAD_CAST "pricesIncludeVat", BAD_CAST (incl ? "true" : "false"));
    xmlTextWriterStartElement(w, BAD_CAST "payment");
    xmlTextWriterWriteAttribute(w, BAD_CAST "method", BAD_CAST method);
    xmlTextWriterWriteAttribute(w, BAD_CAST "status", BAD_CAST pstatus);
    xmlTextWriterWriteAttribute(w, BAD_CAST "reference", BAD_CAST ref);
    xmlTextWriterEndElement(w);

    xmlTextWriterStartElement(w, BAD_CAST "customer");
    xmlTextWriterWriteElement(w, BAD_CAST "email", BAD_CAST cu->email);
    if (cu->phone[0])
        xmlTextWriterWriteElement(w, BAD_CAST "phone", BAD_CAST cu->phone);
    if (cu->vat_number[0])
        xmlTextWriterWriteElement(w, BAD_CAST "vatNumber", BAD_CAST cu->vat_number);
    if (cu->coc_number[0])
        xmlTextWriterWriteElement(w, BAD_CAST "cocNumber", BAD_CAST cu->coc_number);
    if (cu->klantnummer) {
        xmlTextWriterStartElement(w, BAD_CAST "field");
        xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST cu->field_name);
        xmlTextWriterWriteFormatString(w, "%d", cu->code);
        xmlTextWriterEndElement(w);
    }
    xmlTextWriterEndElement(w);
    write_address(w, "billing", &cu->billing);
    if (cu->has_delivery)
        write_address(w, "delivery", &cu->delivery);

    /* lines */
    nlines = 1 + rng_below(s, 5);
    xmlTextWriterStartElement(w, BAD_CAST "lines");
    for (i = 0; i < nlines; i++) {
        const gen_product_t *p;
        int64_t qty, unit, total;
        int     rate;

        do {
            chosen[i] = rng_below(s, NPRODUCTS);
            for (j = 0; j < i && chosen[j] != chosen[i]; j++)
                ;
        } while (j < i);
        p = &catalogue[chosen[i]];
        if (p->per_meter)
            qty = 5000 * (1 + (int64_t) rng_below(s, 6));
        else
            qty = 10000 * (rng_below(s, 100) < 60 ? 1 : 2 + (int64_t) rng_below(s, cu->business ? 20 : 3));
        unit = incl ? p->price_cents * 100 : sim_gen_round(p->price_cents * 100 * 100, 100 + p->rate);
        total = sim_gen_round(qty * unit, 1000000);
        rate = cu->zero_rated ? 0 : p->rate;
        if (rate > maxrate)
            maxrate = rate;
        goods[rate == 0 ? 0 : rate == 9 ? 1 : 2] += total;
        rates[n] = rate * 100;
        amounts[n++] = total;
        xmlTextWriterStartElement(w, BAD_CAST "line");
        xmlTextWriterWriteElement(w, BAD_CAST "sku", BAD_CAST p->sku);
        xmlTextWriterWriteElement(w, BAD_CAST "description", BAD_CAST p->description);
        fmt_e4(buf, sizeof buf, qty, 0);
        xmlTextWriterWriteElement(w, BAD_CAST "quantity", BAD_CAST buf);
        fmt_e4(buf, sizeof buf, unit, incl ? 2 : 4);
        xmlTextWriterWriteElement(w, BAD_CAST "unitPrice", BAD_CAST buf);
        xmlTextWriterWriteFormatElement(w, BAD_CAST "vatRate", "%d", rate);
        fmt_cents(buf, sizeof buf, total);
        xmlTextWriterWriteElement(w, BAD_CAST "total", BAD_CAST buf);
        xmlTextWriterEndElement(w);
    }
    xmlTextWriterEndElement(w);

    /* charges: shipping and payment follow the highest rate of the goods; of
     * goods outside VAT only (gift vouchers) the Dutch standard rate, and a
     * consumer elsewhere in the EU always pays shipping then: an order at
     * 0 % only is btw verlegd, which needs a business with a VAT number */
    {
        int64_t sum = goods[0] + goods[1] + goods[2];
        bool    vouchers_only = maxrate == 0 && !cu->zero_rated;
        bool    ship = (!(strcmp(cu->billing.country, "NL") == 0 && sum >= 7500)
                        && rng_below(s, 100) < 85)
            || (vouchers_only && strcmp(cu->billing.country, "NL") != 0);
        bool    paycost = strcmp(method, "iDEAL") == 0 && rng_below(s, 100) < 25;
        bool    discount = rng_below(s, 100) < 12;
        static const int rate_of[3] = { 0, 9, 21 };

        if (vouchers_only)
            maxrate = 21;

        if (ship || paycost || discount) {
            xmlTextWriterStartElement(w, BAD_CAST "charges");
            if (ship) {
                const char *desc = "PostNL pakket";
                int64_t price = 695;

                if (strcmp(cu->billing.country, "BE") == 0 || strcmp(cu->billing.country, "DE") == 0) {
                    desc = "PostNL pakket EU";
                    price = 1295;
                } else if (strcmp(cu->billing.country, "NL") != 0) {
                    desc = "Internationaal pakket";
                    price = 2450;
                }
                if (!incl)
                    price = excl_of(price, 21);
                rates[n] = maxrate * 100;
                amounts[n++] = price;
                xmlTextWriterStartElement(w, BAD_CAST "shipping");
                xmlTextWriterWriteAttribute(w, BAD_CAST "description", BAD_CAST desc);
                xmlTextWriterWriteFormatAttribute(w, BAD_CAST "vatRate", "%d", maxrate);
                fmt_cents(buf, sizeof buf, price);
                xmlTextWriterWriteString(w, BAD_CAST buf);
                xmlTextWriterEndElement(w);
            }
            if (paycost) {
                int64_t price = incl ? 29 : excl_of(29, 21);

                rates[n] = maxrate * 100;
                amounts[n++] = price;
                xmlTextWriterStartElement(w, BAD_CAST "payment");
                xmlTextWriterWriteAttribute(w, BAD_CAST "description",
                                            BAD_CAST "iDEAL transactiekosten");
                xmlTextWriterWriteFormatAttribute(w, BAD_CAST "vatRate", "%d", maxrate);
                fmt_cents(buf, sizeof buf, price);
                xmlTextWriterWriteString(w, BAD_CAST buf);
                xmlTextWriterEndElement(w);
            }
            for (i = 0; discount && i < 3; i++) {
                int64_t d;

                if (goods[i] <= 0)
                    continue;
                d = -sim_gen_round(goods[i] * 10, 100);
                rates[n] = rate_of[i] * 100;
                amounts[n++] = d;
                xmlTextWriterStartElement(w, BAD_CAST "discount");
                xmlTextWriterWriteAttribute(w, BAD_CAST "description",
                                            BAD_CAST "Kortingscode WELKOM");
                xmlTextWriterWriteFormatAttribute(w, BAD_CAST "vatRate", "%d", rate_of[i]);
                fmt_cents(buf, sizeof buf, d);
                xmlTextWriterWriteString(w, BAD_CAST buf);
                xmlTextWriterEndElement(w);
            }
            xmlTextWriterEndElement(w);
        }
    }

    nv = sim_gen_figures(rates, amounts, n, incl, vats, 4, &texcl, &tvat, &tincl);
    for (i = 0; i < nv; i++) {
        xmlTextWriterStartElement(w, BAD_CAST "vat");
        xmlTextWriterWriteFormatAttribute(w, BAD_CAST "rate", "%d", vats[i].rate_e2 / 100);
        fmt_cents(buf, sizeof buf, vats[i].base_cents);
        xmlTextWriterWriteAttribute(w, BAD_CAST "base", BAD_CAST buf);
        fmt_cents(buf, sizeof buf, vats[i].vat_cents);
        xmlTextWriterWriteAttribute(w, BAD_CAST "amount", BAD_CAST buf);
        xmlTextWriterEndElement(w);
    }
    xmlTextWriterStartElement(w, BAD_CAST "total");
    fmt_cents(buf, sizeof buf, texcl);
    xmlTextWriterWriteAttribute(w, BAD_CAST "excl", BAD_CAST buf);
    fmt_cents(buf, sizeof buf, tvat);
    xmlTextWriterWriteAttribute(w, BAD_CAST "vat", BAD_CAST buf);
    fmt_cents(buf, sizeof buf, tincl);
    xmlTextWriterWriteAttribute(w, BAD_CAST "incl", BAD_CAST buf);
    xmlTextWriterEndElement(w);
    xmlTextWriterEndElement(w);      /* order */
    xmlFreeTextWriter(w);
    text = xstrndup((const char *) xmlBufferContent(xb), (size_t) xmlBufferLength(xb));
    xmlBufferFree(xb);
    /* the writer ends with a newline; orders are stored without one */
    for (i = strlen(text); i > 0 && text[i - 1] == '\n'; i--)
        text[i - 1] = 0;
    return text;
}

/* sim_gen_run - generate every order */
long
sim_gen_run(sim_gen_t *self, sim_gen_order_fn fn, void *arg)
{
    int64_t number = self->first_number;
    time_t  when = 1788242400;          /* 2026-09-01T06:00:00Z */
    long    i;

    for (i = 0; i < self->count; i++) {
        const char *status;
        char   *xml = gen_order(self, number, when, &status);
        int     stop = fn(number, status, xml, arg);

        free(xml);
        if (stop)
            return -1;
        number += 1 + (rng_below(&self->rng, 100) < 4 ? 1 + (int64_t) rng_below(&self->rng, 3) : 0);
        when += 60 * (1 + (time_t) rng_below(&self->rng, 120));
    }
    return i;
}

/* sim_gen_land_id - SnelStart land id for an ISO country code */
void
sim_gen_land_id(const char *iso, char out[37])
{
    snprintf(out, 37, "00000000-0000-4000-8000-00000000%02x%02x",
             (unsigned char) iso[0], (unsigned char) iso[1]);
}

/* jstr_or_null - a JSON string, or null for "" */
static json_t *
jstr_or_null(const char *s)
{
    return s[0] ? json_string(s) : json_null();
}

/* trunc50 - s cut to at most 50 characters (UTF-8 aware) */
static void
trunc50(char *s)
{
    size_t  chars = 0;
    char   *p;

    for (p = s; *p; p++) {
        if (((unsigned char) *p & 0xC0) != 0x80 && chars++ == 50) {
            *p = 0;
            return;
        }
    }
}

/* sim_gen_export_relaties - write known customers as SnelStart relaties */
long
sim_gen_export_relaties(sim_gen_t *self, const char *path, double fraction,
                        char *err, size_t errlen)
{
    json_t *arr = json_array();
    size_t  k;
    long    n = 0;
    uint64_t threshold = (uint64_t) (fraction * 1000000.0 + 0.5);

    for (k = 0; k < self->ncustomers; k++) {
        gen_customer_t *cu = &self->customers[k];
        uint64_t h = self->seed ^ (0x5EED0000ULL + k * 0x9E3779B97F4A7C15ULL);
        char    naam[128], straat[128], contact[96], land[37];
        json_t *o;

        if (!cu->used || rng_below(&h, 1000000) >= threshold)
            continue;
        if (cu->billing.company[0])
            snprintf(naam, sizeof naam, "%s", cu->billing.company);
        else
            snprintf(naam, sizeof naam, "%s %s", cu->billing.first, cu->billing.last);
        trunc50(naam);
        snprintf(contact, sizeof contact, "%s %s", cu->billing.first, cu->billing.last);
        snprintf(straat, sizeof straat, "%s %s%s%s", cu->billing.street, cu->billing.number,
                 strlen(cu->billing.addition) > 1 && cu->billing.addition[0] != '-' ? " " : "",
                 cu->billing.addition);
        sim_gen_land_id(cu->billing.country, land);
        o = json_pack("{s:s, s:i, s:[s], s:s, s:s, s:{s:s, s:s, s:s, s:s, s:{s:s}},"
                      " s:o, s:o, s:o, s:s, s:b, s:{s:b, s:s, s:s}}",
                      "id", cu->uuid,
                      "relatiecode", cu->code,
                      "relatiesoort", "Klant",
                      "naam", naam,
                      "email", cu->email,
                      "vestigingsAdres",
                      "contactpersoon", cu->business ? contact : "",
                      "straat", straat,
                      "postcode", cu->billing.postcode,
                      "plaats", cu->billing.city,
                      "land", "id", land,
                      "btwNummer", jstr_or_null(cu->vat_number),
                      "kvkNummer", jstr_or_null(cu->coc_number),
                      "telefoon", jstr_or_null(cu->phone),
                      "modifiedOn", "2026-08-15T10:00:00",
                      "nonactief", 0,
                      "factuurEmailVersturen",
                      "shouldSend", cu->business,
                      "email", cu->email,
                      "ccEmail", "");
        if (o == NULL) {
            snprintf(err, errlen, "cannot build relatie %d as JSON", cu->code);
            json_decref(arr);
            return -1;
        }
        json_array_append_new(arr, o);
        n++;
    }
    if (json_dump_file(arr, path, JSON_INDENT(2)) != 0) {
        snprintf(err, errlen, "cannot write relaties to %s: %s", path, strerror(errno));
        json_decref(arr);
        return -1;
    }
    json_decref(arr);
    return n;
}
