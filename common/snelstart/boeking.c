/*
 * NAME
 *   boeking - the SnelStart verkoopboeking of a webshop order
 *
 * DESCRIPTION
 *   boeking_build() books an order in four steps:
 *
 *   1. Every line and charge becomes an item of a kind (omzet,
 *      verzendkosten, betalingskosten, korting) at a VAT rate. Its net
 *      amount is its total (prices excl. VAT) or its total minus the VAT
 *      share rounded half away from zero (prices incl. VAT).
 *   2. Per rate, the nets are brought to the order's stated base: the
 *      difference (at most 1 cent per item, else the order is refused) is
 *      handed out one cent at a time by largest remainder, ties to the
 *      first item in order. The btw line carries the stated VAT amount.
 *   3. Items are summed into one boekingsregel per kind and rate. An order
 *      in another currency is converted per regel, btw line and total;
 *      the conversion difference is handed out over the regels the same
 *      way, so that the booking balances in euro.
 *   2b. The customer decides the VAT treatment of a delivery elsewhere in
 *      the EU: 0 % (btw verlegd) only with a VAT number that passes
 *      vatnumber_check() for the billing country; a consumer at a rate
 *      that is not a Dutch one is an OSS sale, booked when SnelStart
 *      invoices foreign VAT (companyInfo.factureerBuitenlandsBtw) and
 *      refused otherwise. An OSS sale has no Dutch btw lines: its VAT is
 *      a regel per rate on SnelStart's buitenlandse-btw grootboek.
 *   4. Each regel gets the grootboek of its kind, region (delivery country)
 *      and btw-soort, falling back to omzet of the same region and soort;
 *      an OSS regel the grootboek of its country and rate.
 *
 *   The booking always balances: sum of regels + sum of btw lines equals
 *   factuurbedrag, checked before the body is returned.
 *
 * DIAGNOSTICS
 *   Every refusal names the order and what is wrong (rate, figure or the
 *   setting to fill in). Out of memory is fatal (xalloc).
 */
#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <utf8proc.h>

#include "boeking.h"
#include "errbuf.h"
#include "eu.h"
#include "factuurnummer.h"
#include "log.h"
#include "money.h"
#include "xalloc.h"

#define E6              1000000
#define MAX_RATE_E2     10000       /* 100 % */
#define MAX_OMSCHRIJVING 250

/* names used in setting paths (profiles.NAME.grootboeken.KIND.REGION.BTW) */
static const char *const kind_setting[KIND_N] = {
    "omzet", "verzendkosten", "betalingskosten", "korting"
};
static const char *const kind_label[KIND_N] = {
    "Omzet", "Verzendkosten", "Betalingskosten", "Korting"
};
static const char *const region_setting[REGION_N] = { "nl", "eu", "buiten_eu" };
static const char *const region_words[REGION_N] = {
    "in Nederland", "binnen de EU", "buiten de EU"
};
static const char *const soort_setting[BTW_NSOORTEN] = { "hoog", "laag", "geen", "overig" };
/* VerkoopBoekingRegelModel.btwSoort and VerkoopBoekingBtwRegelModel.btwSoort */
static const char *const soort_regel[BTW_NSOORTEN] = { "Hoog", "Laag", "Geen", "Overig" };
static const char *const soort_btwregel[BTW_NSOORTEN] = {
    "VerkopenHoog", "VerkopenLaag", "Geen", "VerkopenOverig"
};

typedef struct {                /* one line or charge */
    revenue_kind_t kind;
    int32_t rate;
    int64_t gross;              /* as stated: incl. or excl. VAT */
    int64_t net;                /* excl. VAT, rounded, then adjusted */
    int64_t rem;                /* exact net - net, in 1/(10000+rate) cent */
} item_t;

typedef struct {                /* a VAT rate of the order */
    int32_t rate;
    btw_soort_t soort;
    int64_t base;               /* stated base */
    int64_t vat;                /* stated VAT */
} rate_t;

typedef struct {                /* one boekingsregel */
    revenue_kind_t kind;
    int32_t rate;
    btw_soort_t soort;
    int64_t cents;              /* order currency, then euro */
    int64_t rem;                /* conversion remainder, in 1/1000000 cent */
    bool    vat;                /* OSS: the foreign VAT at this rate */
} regel_t;

/* rate_text - a rate in 1/100 % as "21%" or "5.5%" (decimal mark given) */
static const char *
rate_text(int32_t rate, char mark, char buf[32])
{
    char   *dot;

    money_format_fixed(rate, 2, buf, 31);
    if ((dot = strchr(buf, '.')) != NULL)
        *dot = mark;
    strcat(buf, "%");
    return buf;
}

/* money_json - a JSON real holding exactly the decimal cents/100 */
static json_t *
money_json(int64_t cents)
{
    char    buf[32];
    json_t *v;

    /* the parsed double is the one nearest to the decimal text, which
     * boeking_dumps and JSON_REAL_PRECISION(15) print back unchanged */
    v = json_loads(money_format_cents(cents, buf, sizeof buf), JSON_DECODE_ANY, NULL);
    if (v == NULL)
        log_panic("money_json: cannot parse own amount %s", buf);
    return v;
}

/* distribute - add d cents to vals, at most one per item: for d > 0 to the
 * largest remainders, for d < 0 to the smallest; ties to the first item.
 * False when |d| exceeds the number of items. */
static bool
distribute(int64_t *vals, const int64_t *rems, size_t n, int64_t d)
{
    bool   *used;
    int64_t cents = d < 0 ? -d : d;

    if ((uint64_t)cents > n)
        return false;
    used = xcalloc(n ? n : 1, sizeof(*used));
    for (int64_t k = 0; k < cents; k++) {
        size_t best = n;
        for (size_t i = 0; i < n; i++) {
            if (used[i])
                continue;
            if (best == n || (d > 0 ? rems[i] > rems[best] : rems[i] < rems[best]))
                best = i;
        }
        used[best] = true;
        vals[best] += d > 0 ? 1 : -1;
    }
    free(used);
    return true;
}

/* boeking_cut_text - cut a UTF-8 string to at most max_units UTF-16 units */
bool
boeking_cut_text(char *s, size_t max_units)
{
    size_t          units = 0;
    size_t          len = strlen(s);
    size_t          cut = len;
    size_t          i = 0;
    utf8proc_int32_t cp;

    while (i < len) {
        utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                              (utf8proc_ssize_t)(len - i), &cp);
        if (n <= 0)
            return false;
        units += cp >= 0x10000 ? 2 : 1;
        if (units > max_units && cut == len)
            cut = i;
        i += (size_t)n;
    }
    s[cut] = '\0';
    return true;
}

/* boeking_local_date - the Europe/Amsterdam date of an instant */
void
boeking_local_date(time_t when, char buf[11])
{
    struct tm tm;
    time_t    start = 0, end = 0;
    int       year;

    /* CET (UTC+1); CEST (UTC+2) from the last Sunday of March 01:00 UTC
     * to the last Sunday of October 01:00 UTC (EU directive 2000/84/EC,
     * the same rule since 1996). Year ends fall in winter, so the UTC year
     * is the local year for the rule. */
    gmtime_r(&when, &tm);
    year = tm.tm_year;
    for (int i = 0; i < 2; i++) {
        struct tm last = { .tm_year = year, .tm_mon = i == 0 ? 2 : 9, .tm_mday = 31, .tm_hour = 1 };
        time_t    t = timegm(&last);
        struct tm chk;
        gmtime_r(&t, &chk);
        t -= (time_t)chk.tm_wday * 86400;
        if (i == 0)
            start = t;
        else
            end = t;
    }
    when += (when >= start && when < end) ? 7200 : 3600;
    gmtime_r(&when, &tm);
    snprintf(buf, 11, "%04u-%02u-%02u", (unsigned)(tm.tm_year + 1900) % 10000u,
             (unsigned)(tm.tm_mon + 1) % 100u, (unsigned)tm.tm_mday % 100u);
}

/* boeking_factuurnummer - the order's factuurnummer under the profile's prefix */
bool
boeking_factuurnummer(const order_t *o, const profile_t *p, char *buf, size_t len)
{
    return factuurnummer_format(p->factuurnummer_prefix, o->number, buf, len);
}

/* grootboek_find - the GrootboekModel with that nummer, or NULL */
static const json_t *
grootboek_find(const json_t *grootboeken, int32_t nummer)
{
    size_t        i;
    const json_t *g;

    json_array_foreach(grootboeken, i, g) {
        json_t *n = json_object_get(g, "nummer");
        if (json_is_integer(n) && json_integer_value(n) == nummer)
            return g;
    }
    return NULL;
}

/* grootboek_usable - check one configured grootboek; its id, or NULL with err */
static const char *
grootboek_usable(const json_t *grootboeken, int32_t nummer, const char *setting,
                 char *err, size_t errlen)
{
    const json_t *g = grootboek_find(grootboeken, nummer);
    const char   *code, *id;

    if (g == NULL)
        return errbuf_fail(err, errlen, "instelling %s: grootboekrekening %" PRId32
                           " bestaat niet in de administratie in SnelStart; kies in "
                           "Instellingen een grootboekrekening die bestaat", setting, nummer);
    if (json_is_true(json_object_get(g, "nonactief")))
        return errbuf_fail(err, errlen, "instelling %s: grootboekrekening %" PRId32
                           " staat in SnelStart op non-actief; zet hem daar op actief of "
                           "kies in Instellingen een andere", setting, nummer);
    code = json_string_value(json_object_get(g, "rekeningCode"));
    if (code == NULL || strcmp(code, "WinstEnVerlies") != 0)
        return errbuf_fail(err, errlen, "instelling %s: grootboekrekening %" PRId32
                           " is een %s-rekening, geen winst-en-verliesrekening (omzet); "
                           "kies in Instellingen een omzetrekening", setting, nummer,
                           code ? code : "onbekende");
    id = json_string_value(json_object_get(g, "id"));
    if (id == NULL || *id == '\0')
        return errbuf_fail(err, errlen, "instelling %s: grootboekrekening %" PRId32
                           " heeft geen id in het antwoord van SnelStart; probeer het "
                           "later opnieuw", setting, nummer);
    return id;
}

/* setting_path - "profiles.NAME.grootboeken.KIND.REGION.BTW" */
static void
setting_path(const profile_t *p, int kind, int region, int soort, char *buf, size_t len)
{
    snprintf(buf, len, "profiles.%s.grootboeken.%s.%s.%s", p->name ? p->name : "",
             kind_setting[kind], region_setting[region], soort_setting[soort]);
}

/* oss_setting - "profiles.NAME.grootboeken.oss.BE_21" for a country and rate */
static void
oss_setting(const profile_t *p, const char *country, int32_t rate, char *buf, size_t len)
{
    char    rtxt[32], *dot;

    rate_text(rate, '_', rtxt);
    rtxt[strlen(rtxt) - 1] = '\0';             /* the % */
    if ((dot = strstr(rtxt, "_00")) != NULL)
        *dot = '\0';
    else if ((dot = strchr(rtxt, '_')) != NULL && dot[2] == '0')
        dot[2] = '\0';
    snprintf(buf, len, "profiles.%s.grootboeken.oss.%s_%s", p->name ? p->name : "",
             country, rtxt);
}

/* boeking_check_grootboeken - every configured grootboek usable */
bool
boeking_check_grootboeken(const profile_t *p, const json_t *grootboeken, char *err, size_t errlen)
{
    char setting[256];

    if (!json_is_array(grootboeken)) {
        errbuf_fail(err, errlen, "profiel %s: SnelStart gaf geen lijst van grootboekrekeningen om "
                    "mee te vergelijken; probeer het later opnieuw",
                    p->name ? p->name : "");
        return false;
    }
    for (int k = 0; k < KIND_N; k++)
        for (int r = 0; r < REGION_N; r++)
            for (int s = 0; s < BTW_NSOORTEN; s++) {
                int32_t nummer = p->grootboek[k][r][s];
                if (nummer == 0)
                    continue;
                setting_path(p, k, r, s, setting, sizeof(setting));
                if (grootboek_usable(grootboeken, nummer, setting, err, errlen) == NULL)
                    return false;
            }
    for (size_t i = 0; i < p->noss; i++) {
        oss_setting(p, p->oss[i].country, p->oss[i].rate_e2, setting, sizeof setting);
        if (grootboek_usable(grootboeken, p->oss[i].nummer, setting, err, errlen) == NULL)
            return false;
    }
    return true;
}

/* tarief_rate - BtwTariefModel.btwPercentage in 1/100 %, or -1 */
static int32_t
tarief_rate(const json_t *t)
{
    json_t *v = json_object_get(t, "btwPercentage");

    if (!json_is_number(v))
        return -1;
    /* a percentage, not money: 21.0 or 5.5 -> 2100 or 550 */
    return (int32_t)llround(json_number_value(v) * 100.0);
}

/* date_within - whether date (YYYY-MM-DD) lies within a tarief's validity */
static bool
date_within(const json_t *t, const char *date)
{
    const char *from = json_string_value(json_object_get(t, "datumVanaf"));
    const char *to = json_string_value(json_object_get(t, "datumTotEnMet"));

    if (from != NULL && strncmp(date, from, 10) < 0)
        return false;
    if (to != NULL && strncmp(date, to, 10) > 0)
        return false;
    return true;
}

/* soort_of_rate - the btw-soort of a rate on a date: 0 % is Geen; a rate
 * SnelStart lists as Hoog or Laag on that date is that; any other rate is
 * another country's (Overig). Without tarieven: 21 % Hoog, 9 % Laag. */
static btw_soort_t
soort_of_rate(int32_t rate, const char *date, const json_t *tarieven)
{
    size_t        i;
    const json_t *t;

    if (rate == 0)
        return BTW_GEEN;
    if (tarieven == NULL) {
        if (rate == 2100)
            return BTW_HOOG;
        if (rate == 900)
            return BTW_LAAG;
        return BTW_OVERIG;
    }
    json_array_foreach(tarieven, i, t) {
        const char *s = json_string_value(json_object_get(t, "btwSoort"));
        if (s == NULL || tarief_rate(t) != rate || !date_within(t, date))
            continue;
        if (strcmp(s, "Hoog") == 0)
            return BTW_HOOG;
        if (strcmp(s, "Laag") == 0)
            return BTW_LAAG;
    }
    return BTW_OVERIG;
}

/* convert - cents of the order's currency in euro cents, half away from
 * zero; the remainder (exact - rounded) in 1/1000000 cent. False on overflow. */
static bool
convert(int64_t cents, int64_t e6, int64_t *out, int64_t *rem)
{
    int64_t prod;

    if (__builtin_mul_overflow(cents, e6, &prod))
        return false;
    *out = money_muldiv_round(prod, 1, E6);
    *rem = prod - *out * E6;
    return true;
}

/* shop_label - the shop's name in the omschrijving */
static const char *
shop_label(const order_t *o)
{
    if (strcasecmp(o->source, "globecharge") == 0)
        return "ShopFactory";
    if (strcasecmp(o->source, "woocommerce") == 0)
        return "WooCommerce";
    return *o->source ? o->source : "Webshop";
}

/* add_item - append an item */
static void
add_item(item_t **items, size_t *n, revenue_kind_t kind, int32_t rate, int64_t gross)
{
    *items = xrealloc(*items, (*n + 1) * sizeof(**items));
    (*items)[*n] = (item_t){ .kind = kind, .rate = rate, .gross = gross };
    (*n)++;
}

/* build_t - what the steps of boeking_build hand on to each other */
typedef struct {
    const order_t *o;
    const profile_t *p;
    const boeking_ctx_t *ctx;
    char   *err;
    size_t  errlen;
    int64_t e6;                 /* euro per unit of the order's currency, * 10^6 */
    char    nr[64];             /* the factuurnummer */
    char    date[11];           /* the factuurdatum, Europe/Amsterdam */
    region_t region;            /* of the delivery (or billing) country */
    char    country[3];         /* that country, upper case */
    bool    oss;                /* an EU consumer at that country's VAT (OSS) */
    item_t *items;
    size_t  nitems;
    rate_t *rates;
    size_t  nrates;
    regel_t *regels;
    size_t  nregels;
    int64_t btw[BTW_NSOORTEN];  /* VAT per btw-soort */
    int64_t factuurbedrag;
} build_t;

/* check_order - currency, factuurnummer, betalingstermijn, date and region */
static bool
check_order(build_t *b)
{
    const order_t *o = b->o;
    const profile_t *p = b->p;
    const order_address_t *to;

    if (strcmp(o->currency, "EUR") == 0) {
        b->e6 = E6;
    } else if (o->currency[0] == '\0') {
        errbuf_fail(b->err, b->errlen, "order %" PRId64 " heeft geen valuta; vul die in de shop in "
                    "en klik Opnieuw", o->number);
        return false;
    } else if (o->eur_per_unit_e6 <= 0) {
        errbuf_fail(b->err, b->errlen, "order %" PRId64 " is in %s zonder wisselkoers naar euro "
                    "(eurPerUnit) en kan niet geboekt worden; boek hem met de hand en "
                    "laat hem vallen", o->number, o->currency);
        return false;
    } else {
        b->e6 = o->eur_per_unit_e6;
    }

    if (!boeking_factuurnummer(o, p, b->nr, sizeof(b->nr))) {
        errbuf_fail(b->err, b->errlen, "order %" PRId64 ": factuurnummer \"%s%" PRId64 "\" is langer "
                    "dan de %d tekens die SnelStart toestaat; maak instelling "
                    "profiles.%s.booking.factuurnummer_prefix korter en klik Opnieuw",
                    o->number, p->factuurnummer_prefix ? p->factuurnummer_prefix : "",
                    o->number, FACTUURNUMMER_MAX, p->name ? p->name : "");
        return false;
    }
    if (p->betalingstermijn < 0 || p->betalingstermijn > 999) {
        errbuf_fail(b->err, b->errlen, "instelling profiles.%s.booking.betalingstermijn is %d; SnelStart "
                    "neemt 0 tot en met 999 dagen aan: pas de betalingstermijn aan",
                    p->name ? p->name : "", p->betalingstermijn);
        return false;
    }
    boeking_local_date(o->date_epoch, b->date);

    to = order_delivery_address(o);
    if (to->country[0] == '\0')
        to = &o->billing;
    if (to->country[0] == '\0') {
        errbuf_fail(b->err, b->errlen, "order %" PRId64 " heeft geen land (bezorg- noch factuuradres), dus "
                    "is niet te bepalen welke btw geldt; vul het land in de shop in en "
                    "klik Opnieuw", o->number);
        return false;
    }
    b->region = region_of_country(to->country);
    for (int i = 0; i < 2; i++)
        b->country[i] = (char) toupper((unsigned char) to->country[i]);
    b->country[2] = '\0';
    return true;
}

/* make_items - step 1: one item per line and charge, its net and remainder */
static bool
make_items(build_t *b)
{
    const order_t *o = b->o;
    char    rtxt[32], m1[32];

    for (size_t i = 0; i < o->nlines; i++)
        add_item(&b->items, &b->nitems, KIND_OMZET, o->lines[i].vat_rate_e2,
                 o->lines[i].total_cents);
    for (size_t i = 0; i < o->ncharges; i++) {
        const order_charge_t *c = &o->charges[i];
        revenue_kind_t kind = c->kind == CHARGE_SHIPPING ? KIND_VERZENDKOSTEN
                            : c->kind == CHARGE_PAYMENT ? KIND_BETALINGSKOSTEN : KIND_KORTING;
        add_item(&b->items, &b->nitems, kind, c->vat_rate_e2, c->amount_cents);
    }
    if (b->nitems == 0) {
        errbuf_fail(b->err, b->errlen, "order %" PRId64 " heeft geen regels of kosten: er is niets te boeken; "
                    "laat de order vallen", o->number);
        return false;
    }
    for (size_t i = 0; i < b->nitems; i++) {
        item_t *it = &b->items[i];
        if (it->rate < 0 || it->rate > MAX_RATE_E2) {
            errbuf_fail(b->err, b->errlen, "order %" PRId64 ": btw-percentage %s van een regel %s ligt "
                        "niet tussen 0 en 100%%; corrigeer het in de shop en klik Opnieuw",
                        o->number, rate_text(it->rate, ',', rtxt), kind_setting[it->kind]);
            return false;
        }
        if (llabs(it->gross) > INT64_C(100000000000000)) {
            errbuf_fail(b->err, b->errlen, "order %" PRId64 ": bedrag %s is groter dan koppel kan boeken; "
                        "boek de order met de hand en laat hem vallen", o->number,
                        money_format_cents_nl(it->gross, m1, sizeof m1));
            return false;
        }
        if (o->prices_include_vat) {
            int64_t vat = money_muldiv_round(it->gross, it->rate, MAX_RATE_E2 + it->rate);
            it->net = it->gross - vat;
            it->rem = it->gross * MAX_RATE_E2 - it->net * (MAX_RATE_E2 + it->rate);
        } else {
            it->net = it->gross;
            it->rem = 0;
        }
    }
    return true;
}

/* collect_rates - the rates: stated ones first, in their order, then unstated ones */
static bool
collect_rates(build_t *b)
{
    const order_t *o = b->o;
    char    rtxt[32];

    for (size_t i = 0; i < o->nvats; i++) {
        for (size_t j = 0; j < b->nrates; j++)
            if (b->rates[j].rate == o->vats[i].rate_e2) {
                errbuf_fail(b->err, b->errlen, "order %" PRId64 " noemt de btw tegen %s twee keer; corrigeer "
                            "de order in de shop en klik Opnieuw", o->number,
                            rate_text(o->vats[i].rate_e2, ',', rtxt));
                return false;
            }
        if (llabs(o->vats[i].base_cents) > INT64_C(100000000000000)
            || llabs(o->vats[i].amount_cents) > INT64_C(100000000000000)) {
            errbuf_fail(b->err, b->errlen, "order %" PRId64 ": het btw-bedrag tegen %s is groter dan "
                        "koppel kan boeken; boek de order met de hand en laat hem vallen",
                        o->number, rate_text(o->vats[i].rate_e2, ',', rtxt));
            return false;
        }
        b->rates = xrealloc(b->rates, (b->nrates + 1) * sizeof(*b->rates));
        b->rates[b->nrates++] = (rate_t){ .rate = o->vats[i].rate_e2,
                                          .base = o->vats[i].base_cents,
                                          .vat = o->vats[i].amount_cents };
    }
    for (size_t i = 0; i < b->nitems; i++) {
        size_t j;
        int64_t gross = 0;
        for (j = 0; j < b->nrates; j++)
            if (b->rates[j].rate == b->items[i].rate)
                break;
        if (j < b->nrates)
            continue;
        for (size_t k = 0; k < b->nitems; k++)
            if (b->items[k].rate == b->items[i].rate)
                gross += llabs(b->items[k].gross);
        if (gross != 0) {
            errbuf_fail(b->err, b->errlen, "order %" PRId64 " heeft regels of kosten tegen %s btw maar "
                        "noemt voor dat tarief geen btw (grondslag en bedrag); corrigeer de "
                        "order in de shop en klik Opnieuw", o->number,
                        rate_text(b->items[i].rate, ',', rtxt));
            return false;
        }
        b->rates = xrealloc(b->rates, (b->nrates + 1) * sizeof(*b->rates));
        b->rates[b->nrates++] = (rate_t){ .rate = b->items[i].rate };
    }
    return true;
}

/* fit_rates - step 2: per rate, the nets moved to the stated base (at most a
 * cent per item), the VAT per btw-soort, and the totals checked */
static bool
fit_rates(build_t *b)
{
    const order_t *o = b->o;
    int64_t *vals = xcalloc(b->nitems, sizeof(*vals));
    int64_t *rems = xcalloc(b->nitems, sizeof(*rems));
    int64_t sum_base = 0, sum_vat = 0, check;
    char    rtxt[32], m1[32], m2[32], m3[32], ermsg[512];
    bool    ok = false;

    for (size_t j = 0; j < b->nrates; j++) {
        rate_t *r = &b->rates[j];
        size_t  n = 0;
        int64_t sum_net = 0, sum_gross = 0, diff;

        rate_text(r->rate, ',', rtxt);
        r->soort = soort_of_rate(r->rate, b->date, b->ctx ? b->ctx->btwtarieven : NULL);
        for (size_t i = 0; i < b->nitems; i++)
            if (b->items[i].rate == r->rate) {
                vals[n] = b->items[i].net;
                rems[n] = b->items[i].rem;
                sum_net += b->items[i].net;
                sum_gross += b->items[i].gross;
                n++;
            }
        if (n == 0) {
            if (r->base != 0 || r->vat != 0) {
                errbuf_fail(b->err, b->errlen, "order %" PRId64 " noemt grondslag %s en btw %s tegen %s maar "
                            "heeft geen regels of kosten tegen dat tarief; corrigeer de order "
                            "in de shop en klik Opnieuw", o->number,
                            money_format_cents_nl(r->base, m1, sizeof m1),
                            money_format_cents_nl(r->vat, m2, sizeof m2), rtxt);
                goto out;
            }
            continue;
        }
        if (r->soort == BTW_GEEN && r->vat != 0) {
            errbuf_fail(b->err, b->errlen, "order %" PRId64 " noemt btw %s tegen 0%%; corrigeer de order "
                        "in de shop en klik Opnieuw", o->number,
                        money_format_cents_nl(r->vat, m1, sizeof m1));
            goto out;
        }
        diff = r->base - sum_net;
        if (o->prices_include_vat) {
            check = sum_gross - (r->base + r->vat);
        } else {
            check = r->vat - money_muldiv_round(r->base, r->rate, MAX_RATE_E2);
        }
        if (llabs(diff) > (int64_t)n || llabs(check) > (int64_t)n) {
            errbuf_fail(b->err, b->errlen, "order %" PRId64 ", btw %s: de genoemde grondslag %s en btw %s "
                        "passen niet bij de %zu regels en kosten tegen dat tarief (%s %s btw, "
                        "netto %s), ook niet op 1 cent per regel na; corrigeer de order in de "
                        "shop en klik Opnieuw", o->number, rtxt,
                        money_format_cents_nl(r->base, m1, sizeof m1),
                        money_format_cents_nl(r->vat, m2, sizeof m2), n,
                        money_format_cents_nl(sum_gross, m3, sizeof m3),
                        o->prices_include_vat ? "incl." : "excl.",
                        money_format_cents_nl(sum_net, ermsg, sizeof ermsg));
            goto out;
        }
        if (!distribute(vals, rems, n, diff))
            log_panic("boeking: distribute refused a checked difference");
        n = 0;
        for (size_t i = 0; i < b->nitems; i++)
            if (b->items[i].rate == r->rate)
                b->items[i].net = vals[n++];
        sum_base += r->base;
        sum_vat += r->vat;
        b->btw[r->soort] += r->vat;
    }
    if (sum_base + sum_vat != o->total_incl_cents || sum_base != o->total_excl_cents
        || sum_vat != o->total_vat_cents) {
        errbuf_fail(b->err, b->errlen, "order %" PRId64 ": de genoemde totalen (excl. %s, btw %s, incl. "
                    "%s) zijn niet de som van de btw per tarief (grondslag %s, btw %s); "
                    "corrigeer de order in de shop en klik Opnieuw", o->number,
                    money_format_cents_nl(o->total_excl_cents, m1, sizeof m1),
                    money_format_cents_nl(o->total_vat_cents, m2, sizeof m2),
                    money_format_cents_nl(o->total_incl_cents, m3, sizeof m3),
                    money_format_cents_nl(sum_base, ermsg, sizeof ermsg),
                    money_format_cents_nl(sum_vat, rtxt, sizeof rtxt));
        goto out;
    }
    ok = true;
out:
    free(vals);
    free(rems);
    return ok;
}

/* rate_in_force - whether SnelStart's /vatrates lists rate for the country
 * (alpha-3) on date: of each rateCode the entry with the latest validFrom
 * not after the date is in force */
static bool
rate_in_force(const json_t *vatrates, const char *iso3, int32_t rate, const char *date,
              const char **code)
{
    size_t        i, j, k;
    const json_t *c, *v, *w;

    json_array_foreach(vatrates, i, c) {
        const char *cc = json_string_value(json_object_get(c, "countryCode"));
        const json_t *list = json_object_get(c, "vatRates");

        if (cc == NULL || strcasecmp(cc, iso3) != 0)
            continue;
        json_array_foreach(list, j, v) {
            const char *rc = json_string_value(json_object_get(v, "rateCode"));
            const char *from = json_string_value(json_object_get(v, "validFrom"));
            json_t *r = json_object_get(v, "rate");
            bool    latest = true;

            if (rc == NULL || from == NULL || !json_is_number(r) || strncmp(from, date, 10) > 0)
                continue;
            json_array_foreach(list, k, w) {
                const char *rc2 = json_string_value(json_object_get(w, "rateCode"));
                const char *f2 = json_string_value(json_object_get(w, "validFrom"));

                if (k != j && rc2 && f2 && strcmp(rc2, rc) == 0 && strncmp(f2, date, 10) <= 0
                    && strncmp(f2, from, 10) > 0)
                    latest = false;
            }
            if (latest && llround(json_number_value(r) * 100.0) == rate) {
                if (code != NULL)
                    *code = rc;
                return true;
            }
        }
    }
    return false;
}

/* rates_of_country - the rates in force for a country on a date, as text */
static void
rates_of_country(const json_t *vatrates, const char *iso3, const char *date, char *buf,
                 size_t len)
{
    size_t        i, j;
    const json_t *c, *v;
    char          rtxt[32];
    size_t        n = 0;

    buf[0] = '\0';
    json_array_foreach(vatrates, i, c) {
        const char *cc = json_string_value(json_object_get(c, "countryCode"));

        if (cc == NULL || strcasecmp(cc, iso3) != 0)
            continue;
        json_array_foreach(json_object_get(c, "vatRates"), j, v) {
            json_t *r = json_object_get(v, "rate");
            int32_t rate = json_is_number(r) ? (int32_t) llround(json_number_value(r) * 100.0) : -1;

            if (rate < 0 || !rate_in_force(vatrates, iso3, rate, date, NULL)
                || strstr(buf, rate_text(rate, ',', rtxt)) != NULL)
                continue;
            n += (size_t) snprintf(buf + n, n < len ? len - n : 0, "%s%s", n ? ", " : "", rtxt);
        }
    }
    if (buf[0] == '\0')
        snprintf(buf, len, "geen");
}

/* decide_vat - step 2b: the customer's VAT treatment in another EU country:
 * an order at 0 % only to a business with a VAT number that can be its own; a consumer
 * at a foreign rate under OSS, or refused when SnelStart does not invoice
 * foreign VAT */
static bool
decide_vat(build_t *b)
{
    const order_t *o = b->o;
    const boeking_ctx_t *ctx = b->ctx;
    char    why[256], normal[VATNUMBER_MAX], rtxt[32], list[256];
    bool    has_geen = false, has_taxed = false, has_foreign = false, business;
    const char *iso3;

    if (b->region != REGION_EU)
        return true;
    for (size_t j = 0; j < b->nrates; j++) {
        bool used = false;

        for (size_t i = 0; i < b->nitems; i++)
            used = used || b->items[i].rate == b->rates[j].rate;
        has_geen = has_geen || (used && b->rates[j].soort == BTW_GEEN);
        has_taxed = has_taxed || (used && b->rates[j].soort != BTW_GEEN);
        has_foreign = has_foreign || (used && b->rates[j].soort == BTW_OVERIG);
    }
    business = vatnumber_check(o->vat_number, o->billing.country, normal, why, sizeof why)
        == VATNUMBER_VALID;
    if (business && ctx != NULL && ctx->vat_verify != NULL)
        business = ctx->vat_verify(ctx->vat_verify_arg, normal, why, sizeof why);
    /* an order at 0 % only is a zero-rated supply; a 0 % line beside taxed
     * ones (a gift voucher) is outside VAT, not btw verlegd */
    if (has_geen && !has_taxed && !business) {
        errbuf_fail(b->err, b->errlen, "order %" PRId64 " rekent 0%% btw aan een klant in %s: dat mag "
                    "alleen als intracommunautaire levering (btw verlegd) aan een bedrijf met "
                    "een geldig btw-nummer, en %s; corrigeer het btw-nummer in de shop en klik "
                    "Opnieuw, of reken btw", o->number, b->country, why);
        return false;
    }
    if (business)
        return true;
    /* a consumer elsewhere in the EU */
    if (ctx != NULL && ctx->companyinfo != NULL
        && !json_is_true(json_object_get(ctx->companyinfo, "factureerBuitenlandsBtw"))) {
        if (!has_foreign)
            return true;        /* Dutch VAT: below the OSS threshold */
        for (size_t j = b->nrates; j-- > 0;)         /* the first foreign rate */
            if (b->rates[j].soort == BTW_OVERIG)
                rate_text(b->rates[j].rate, ',', rtxt);
        errbuf_fail(b->err, b->errlen, "order %" PRId64 " rekent een consument in %s %s btw, geen "
                    "Nederlands tarief (OSS: de btw van het land van de klant), maar de "
                    "administratie in SnelStart factureert geen buitenlandse btw: zet "
                    "\"Buitenlandse btw factureren\" aan in de Bedrijfsgegevens in SnelStart "
                    "en klik Opnieuw, of reken in de shop Nederlandse btw", o->number,
                    b->country, rtxt);
        return false;
    }
    /* offline (preview) the setting is unknown: OSS when a rate can only be foreign */
    if ((ctx == NULL || ctx->companyinfo == NULL) && !has_foreign)
        return true;
    iso3 = eu_iso3(b->country);
    if (ctx != NULL && ctx->vatrates != NULL)
        for (size_t j = 0; j < b->nrates; j++) {
            bool used = false;

            for (size_t i = 0; i < b->nitems; i++)
                used = used || b->items[i].rate == b->rates[j].rate;
            if (!used || b->rates[j].soort == BTW_GEEN
                || rate_in_force(ctx->vatrates, iso3, b->rates[j].rate, b->date, NULL))
                continue;
            rates_of_country(ctx->vatrates, iso3, b->date, list, sizeof list);
            errbuf_fail(b->err, b->errlen, "order %" PRId64 " rekent een consument in %s %s btw, maar dat "
                        "is geen btw-tarief van %s op %s (de tarieven in SnelStart daar: %s); "
                        "corrigeer de btw in de shop en klik Opnieuw", o->number, b->country,
                        rate_text(b->rates[j].rate, ',', rtxt), b->country, b->date, list);
            return false;
        }
    /* OSS: the VAT is a regel per rate, no Dutch btw line */
    b->oss = true;
    memset(b->btw, 0, sizeof b->btw);
    return true;
}

/* make_regels - step 3: one regel per kind and rate, in kind order, rates as
 * they first appear; OSS: then one VAT regel per rate */
static void
make_regels(build_t *b)
{
    for (int k = 0; k < KIND_N; k++)
        for (size_t i = 0; i < b->nitems; i++) {
            size_t j;
            if (b->items[i].kind != (revenue_kind_t)k)
                continue;
            for (j = 0; j < b->nregels; j++)
                if (b->regels[j].kind == b->items[i].kind && b->regels[j].rate == b->items[i].rate)
                    break;
            if (j == b->nregels) {
                b->regels = xrealloc(b->regels, (b->nregels + 1) * sizeof(*b->regels));
                b->regels[b->nregels] = (regel_t){ .kind = b->items[i].kind,
                                                   .rate = b->items[i].rate };
                for (size_t r = 0; r < b->nrates; r++)
                    if (b->rates[r].rate == b->items[i].rate)
                        b->regels[b->nregels].soort = b->rates[r].soort;
                b->nregels++;
            }
            b->regels[j].cents += b->items[i].net;
        }
    for (size_t r = 0; b->oss && r < b->nrates; r++) {
        if (b->rates[r].soort == BTW_GEEN)
            continue;
        b->regels = xrealloc(b->regels, (b->nregels + 1) * sizeof(*b->regels));
        b->regels[b->nregels++] = (regel_t){ .kind = KIND_OMZET, .rate = b->rates[r].rate,
                                             .soort = b->rates[r].soort,
                                             .cents = b->rates[r].vat, .vat = true };
    }
}

/* convert_to_euro - another currency: factuurbedrag, VAT and regels in euro,
 * the regels' rounding spread so that the booking balances */
static bool
convert_to_euro(build_t *b)
{
    int64_t target, sum = 0, r, *vals, *rems, target_vat = 0;
    size_t  n = 0, *at;
    char    m1[32];
    bool    ok;

    b->factuurbedrag = b->o->total_incl_cents;
    if (b->e6 == E6)
        return true;
    ok = convert(b->factuurbedrag, b->e6, &b->factuurbedrag, &r);
    for (int s = 0; ok && s < BTW_NSOORTEN; s++)
        ok = convert(b->btw[s], b->e6, &b->btw[s], &r);
    for (size_t j = 0; ok && j < b->nregels; j++) {
        ok = convert(b->regels[j].cents, b->e6, &b->regels[j].cents, &b->regels[j].rem);
        sum += b->regels[j].cents;
    }
    for (size_t j = 0; j < b->nregels; j++)     /* OSS VAT: kept, as the invoice says */
        if (b->regels[j].vat) {
            sum -= b->regels[j].cents;
            target_vat += b->regels[j].cents;
        }
    if (!ok) {
        errbuf_fail(b->err, b->errlen, "order %" PRId64 ": de bedragen zijn te groot om om te rekenen "
                    "van %s; boek de order met de hand en laat hem vallen", b->o->number,
                    b->o->currency);
        return false;
    }
    target = b->factuurbedrag - target_vat;
    for (int s = 0; s < BTW_NSOORTEN; s++)
        target -= b->btw[s];
    vals = xcalloc(b->nregels + 1, sizeof(*vals));
    rems = xcalloc(b->nregels + 1, sizeof(*rems));
    at = xcalloc(b->nregels + 1, sizeof(*at));
    for (size_t j = 0; j < b->nregels; j++)
        if (!b->regels[j].vat) {
            vals[n] = b->regels[j].cents;
            rems[n] = b->regels[j].rem;
            at[n++] = j;
        }
    ok = distribute(vals, rems, n, target - sum);
    if (!ok)
        errbuf_fail(b->err, b->errlen, "order %" PRId64 ": omrekenen van %s laat %s over dat niet over "
                    "de %zu regels te verdelen is; boek de order met de hand en laat hem vallen",
                    b->o->number, b->o->currency, money_format_cents_nl(target - sum, m1, sizeof m1),
                    n);
    else
        for (size_t j = 0; j < n; j++)
            b->regels[at[j]].cents = vals[j];
    free(vals);
    free(rems);
    free(at);
    return ok;
}

/* oss_grootboek - the grootboek of an OSS regel: the VAT regel on SnelStart's
 * buitenlandse-btw grootboek (companyInfo); revenue on the profile's
 * grootboeken.oss.CC_RATE, else on the one grootboek in SnelStart whose
 * vatRateCode is that of the country's rate. NULL with err. */
static json_t *
oss_grootboek(const build_t *b, const regel_t *rg, char *err, size_t errlen)
{
    const boeking_ctx_t *ctx = b->ctx;
    const char *code = NULL, *id = NULL, *iso3 = eu_iso3(b->country);
    char    setting[256], rtxt[32], ermsg[512];
    int32_t nummer = 0;
    size_t  i, found = 0;
    const json_t *g;

    rate_text(rg->rate, ',', rtxt);
    if (rg->vat) {
        if (ctx == NULL || ctx->companyinfo == NULL)
            return json_pack("{s:n}", "id");             /* offline: SnelStart's */
        id = json_string_value(json_object_get(json_object_get(ctx->companyinfo,
                               "buitenlandseBtwGrootboek"), "id"));
        if (id == NULL || *id == '\0')
            return errbuf_fail(err, errlen, "de Bedrijfsgegevens in SnelStart noemen geen "
                               "grootboekrekening voor buitenlandse btw: vul die in SnelStart "
                               "in en klik Opnieuw");
        return json_pack("{s:s}", "id", id);
    }
    oss_setting(b->p, b->country, rg->rate, setting, sizeof setting);
    for (i = 0; i < b->p->noss; i++)
        if (strcmp(b->p->oss[i].country, b->country) == 0 && b->p->oss[i].rate_e2 == rg->rate)
            nummer = b->p->oss[i].nummer;
    if (nummer != 0) {
        if (ctx == NULL || ctx->grootboeken == NULL)
            return json_pack("{s:i}", "nummer", (int) nummer);
        if ((id = grootboek_usable(ctx->grootboeken, nummer, setting, ermsg, sizeof ermsg)) == NULL)
            return errbuf_fail(err, errlen, "%s", ermsg);
        return json_pack("{s:s}", "id", id);
    }
    if (ctx != NULL && ctx->grootboeken != NULL && ctx->vatrates != NULL && iso3 != NULL
        && rate_in_force(ctx->vatrates, iso3, rg->rate, b->date, &code))
        json_array_foreach(ctx->grootboeken, i, g) {
            const char *vc = json_string_value(json_object_get(g, "vatRateCode"));
            const char *rc = json_string_value(json_object_get(g, "rekeningCode"));

            if (vc == NULL || strcmp(vc, code) != 0 || json_is_true(json_object_get(g, "nonactief"))
                || rc == NULL || strcmp(rc, "WinstEnVerlies") != 0)
                continue;
            id = json_string_value(json_object_get(g, "id"));
            found++;
        }
    if (found == 1 && id != NULL)
        return json_pack("{s:s}", "id", id);
    if (found > 1)
        return errbuf_fail(err, errlen, "%zu grootboekrekeningen in SnelStart hebben "
                           "btw-tariefcode %s (%s %s): kies er een in instelling %s", found, code,
                           b->country, rtxt, setting);
    if (code != NULL)
        return errbuf_fail(err, errlen, "geen grootboekrekening voor omzet tegen %s btw "
                           "van %s (OSS): vul instelling %s in, of geef in SnelStart één "
                           "grootboekrekening btw-tariefcode %s; daarna Opnieuw", rtxt, b->country,
                           setting, code);
    return errbuf_fail(err, errlen, "geen grootboekrekening voor omzet tegen %s btw van %s "
                       "(OSS): vul instelling %s in; daarna Opnieuw", rtxt, b->country, setting);
}

/* make_body - step 4: the VerkoopBoekingModel, each regel on its grootboek,
 * checked to balance; NULL with err */
static json_t *
make_body(build_t *b, const char *klant_id)
{
    const order_t *o = b->o;
    const profile_t *p = b->p;
    char    when[32], rtxt[32], m1[32], m2[32];
    char    setting[256], alt[256], omschrijving[512], ermsg[512];
    json_t *body, *jregels, *jbtw;
    int64_t check;
    bool    keep_first;

    snprintf(when, sizeof(when), "%sT00:00:00", b->date);
    if (o->payment_method[0] != '\0')
        snprintf(omschrijving, sizeof(omschrijving), "%s order %" PRId64 ", %s",
                 shop_label(o), o->number, o->payment_method);
    else
        snprintf(omschrijving, sizeof(omschrijving), "%s order %" PRId64, shop_label(o), o->number);
    if (!boeking_cut_text(omschrijving, MAX_OMSCHRIJVING))
        return errbuf_fail(b->err, b->errlen, "order %" PRId64 ": de betaalwijze is geen geldige tekst "
                           "(UTF-8); corrigeer hem in de shop en klik Opnieuw", o->number);

    body = json_object();
    json_object_set_new(body, "factuurnummer", json_string(b->nr));
    json_object_set_new(body, "factuurdatum", json_string(when));
    json_object_set_new(body, "klant", json_pack("{s:s?}", "id", klant_id));
    json_object_set_new(body, "omschrijving", json_string(omschrijving));
    json_object_set_new(body, "betalingstermijn", json_integer(p->betalingstermijn));
    json_object_set_new(body, "markering", json_boolean(p->markeer_als_ongelezen));
    json_object_set_new(body, "factuurbedrag", money_json(b->factuurbedrag));
    jregels = json_array();
    json_object_set_new(body, "boekingsregels", jregels);

    /* zero regels (free shipping) are left out; a zero-value order keeps its first regel */
    keep_first = true;
    for (size_t j = 0; j < b->nregels; j++)
        if (b->regels[j].cents != 0)
            keep_first = false;
    check = 0;
    for (size_t j = 0; j < b->nregels; j++) {
        regel_t    *rg = &b->regels[j];
        int32_t     nummer;
        json_t     *jr, *jg;
        char        label[64];

        if (rg->cents == 0 && !(keep_first && j == 0))
            continue;
        if (b->oss && rg->soort != BTW_GEEN) {
            if ((jg = oss_grootboek(b, rg, ermsg, sizeof ermsg)) == NULL) {
                errbuf_fail(b->err, b->errlen, "order %" PRId64 ": %s", o->number, ermsg);
                goto fail_body;
            }
            goto regel;
        }
        nummer = p->grootboek[rg->kind][b->region][rg->soort];
        setting_path(p, rg->kind, b->region, rg->soort, setting, sizeof(setting));
        if (nummer == 0 && rg->kind != KIND_OMZET) {
            setting_path(p, KIND_OMZET, b->region, rg->soort, alt, sizeof(alt));
            nummer = p->grootboek[KIND_OMZET][b->region][rg->soort];
            if (nummer == 0) {
                errbuf_fail(b->err, b->errlen, "order %" PRId64 ": geen grootboekrekening voor %s, btw %s, "
                            "%s: vul instelling %s in (of %s.%s.%s) en klik Opnieuw", o->number,
                            kind_setting[rg->kind],
                            soort_setting[rg->soort], region_words[b->region], setting,
                            kind_setting[KIND_OMZET], region_setting[b->region], soort_setting[rg->soort]);
                goto fail_body;
            }
            snprintf(setting, sizeof(setting), "%s", alt);
        } else if (nummer == 0) {
            errbuf_fail(b->err, b->errlen, "order %" PRId64 ": geen grootboekrekening voor %s, btw %s, %s: "
                        "vul instelling %s in en klik Opnieuw", o->number, kind_setting[rg->kind],
                        soort_setting[rg->soort],
                        region_words[b->region], setting);
            goto fail_body;
        }
        if (b->ctx != NULL && b->ctx->grootboeken != NULL) {
            const char *id = grootboek_usable(b->ctx->grootboeken, nummer, setting, ermsg,
                                              sizeof(ermsg));
            if (id == NULL) {
                errbuf_fail(b->err, b->errlen, "order %" PRId64 ": %s", o->number, ermsg);
                goto fail_body;
            }
            jg = json_pack("{s:s}", "id", id);
        } else {
            jg = json_pack("{s:i}", "nummer", (int)nummer);
        }
regel:
        if (rg->vat)
            snprintf(label, sizeof(label), "Btw %s %s", b->country, rate_text(rg->rate, ',', rtxt));
        else if (b->oss && rg->soort != BTW_GEEN)
            snprintf(label, sizeof(label), "%s %s %s", kind_label[rg->kind], b->country,
                     rate_text(rg->rate, ',', rtxt));
        else
            snprintf(label, sizeof(label), "%s %s", kind_label[rg->kind],
                     rate_text(rg->rate, ',', rtxt));
        jr = json_object();
        json_object_set_new(jr, "omschrijving", json_string(label));
        json_object_set_new(jr, "grootboek", jg);
        json_object_set_new(jr, "bedrag", money_json(rg->cents));
        /* OSS: no Dutch btw-soort; the grootboek's vat rate code says the rate */
        json_object_set_new(jr, "btwSoort", json_string(soort_regel[b->oss ? BTW_GEEN : rg->soort]));
        json_array_append_new(jregels, jr);
        check += rg->cents;
    }

    jbtw = json_array();
    json_object_set_new(body, "btw", jbtw);
    for (int s = 0; s < BTW_NSOORTEN; s++) {
        if (s == BTW_GEEN || b->btw[s] == 0)
            continue;
        json_array_append_new(jbtw, json_pack("{s:s,s:o}", "btwSoort", soort_btwregel[s],
                                              "btwBedrag", money_json(b->btw[s])));
        check += b->btw[s];
    }
    if (check != b->factuurbedrag) {
        errbuf_fail(b->err, b->errlen, "order %" PRId64 ": de boeking sluit niet (regels + btw %s, "
                    "factuurbedrag %s) en is niet geboekt; boek de order met de hand en laat hem "
                    "vallen", o->number, money_format_cents_nl(check, m1, sizeof m1),
                    money_format_cents_nl(b->factuurbedrag, m2, sizeof m2));
        goto fail_body;
    }
    return body;

fail_body:
    json_decref(body);
    return NULL;
}

/* boeking_build - the VerkoopBoekingModel of an order, in the steps of
 * docs/financial.md: check, items, rates fitted to the stated VAT, regels,
 * conversion to euro, body */
json_t *
boeking_build(const order_t *o, const profile_t *p, const char *klant_id,
              const boeking_ctx_t *ctx, char *err, size_t errlen)
{
    build_t b = { .o = o, .p = p, .ctx = ctx, .err = err, .errlen = errlen };
    json_t *body = NULL;

    if (err != NULL && errlen > 0)
        *err = '\0';
    if (check_order(&b) && make_items(&b) && collect_rates(&b) && fit_rates(&b)
        && decide_vat(&b)) {
        make_regels(&b);
        if (convert_to_euro(&b))
            body = make_body(&b, klant_id);
    }
    free(b.items);
    free(b.rates);
    free(b.regels);
    return body;
}

/* dump_value - write one JSON value, reals as two-decimal amounts */
static bool
dump_value(FILE *f, const json_t *v)
{
    const char *key;
    json_t     *x;
    size_t      i;
    char        buf[32];
    bool        first = true;

    switch (json_typeof(v)) {
    case JSON_OBJECT:
        fputc('{', f);
        json_object_foreach((json_t *)v, key, x) {
            json_t *k = json_string(key);
            char   *s = k ? json_dumps(k, JSON_ENCODE_ANY) : NULL;
            json_decref(k);
            if (s == NULL)
                return false;
            fprintf(f, "%s%s:", first ? "" : ",", s);
            free(s);
            first = false;
            if (!dump_value(f, x))
                return false;
        }
        fputc('}', f);
        return true;
    case JSON_ARRAY:
        fputc('[', f);
        json_array_foreach(v, i, x) {
            if (i > 0)
                fputc(',', f);
            if (!dump_value(f, x))
                return false;
        }
        fputc(']', f);
        return true;
    case JSON_REAL: {
        /* every real in a body is an amount built by money_json: the
         * nearest double to a two-decimal number, so rounding it to cents
         * gives that number back exactly */
        double c = json_real_value(v) * 100.0;
        if (!isfinite(c) || fabs(c) > 9e15)
            return false;
        fputs(money_format_cents(llround(c), buf, sizeof buf), f);
        return true;
    }
    default: {
        char *s = json_dumps(v, JSON_ENCODE_ANY);
        if (s == NULL)
            return false;
        fputs(s, f);
        free(s);
        return true;
    }
    }
}

/* boeking_dumps - the body's JSON text with two-decimal amounts */
char *
boeking_dumps(const json_t *body)
{
    char  *text = NULL;
    size_t len = 0;
    FILE  *f = open_memstream(&text, &len);
    bool   ok;

    if (f == NULL)
        return NULL;
    ok = dump_value(f, body);
    if (fclose(f) != 0 || !ok) {
        free(text);
        return NULL;
    }
    return text;
}
