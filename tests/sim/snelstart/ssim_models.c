/*
 * NAME
 *   ssim_models - SnelStart models as the simulator stores and checks them
 *
 * DESCRIPTION
 *   See ssim_models.h for the error codes.
 */
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/time.h>
#include <time.h>

#include "xalloc.h"
#include "ssim_models.h"
#include "ssim_odata.h"

static json_t *templates[SSIM_NCOLL];
static pthread_once_t templates_once = PTHREAD_ONCE_INIT;

/* adres_template - AdresModel */
static json_t *
adres_template(void)
{
    return json_pack("{s:n,s:n,s:n,s:n,s:{s:n,s:n}}", "contactpersoon", "straat",
                     "postcode", "plaats", "land", "id", "uri");
}

/* email_template - EmailVersturenModel */
static json_t *
email_template(void)
{
    return json_pack("{s:b,s:n,s:n}", "shouldSend", 0, "email", "ccEmail");
}

/* templates_init - build every template once */
static void
templates_init(void)
{
    json_t *r = json_object();

    json_object_set_new(r, "relatiesoort", json_array());
    json_object_set_new(r, "modifiedOn", json_null());
    json_object_set_new(r, "relatiecode", json_null());
    json_object_set_new(r, "naam", json_null());
    json_object_set_new(r, "vestigingsAdres", adres_template());
    json_object_set_new(r, "correspondentieAdres", adres_template());
    json_object_set_new(r, "telefoon", json_null());
    json_object_set_new(r, "mobieleTelefoon", json_null());
    json_object_set_new(r, "fax", json_null());
    json_object_set_new(r, "email", json_null());
    json_object_set_new(r, "btwNummer", json_null());
    json_object_set_new(r, "factuurkorting", json_integer(0));
    json_object_set_new(r, "krediettermijn", json_integer(0));
    json_object_set_new(r, "bankieren", json_false());
    json_object_set_new(r, "nonactief", json_false());
    json_object_set_new(r, "kredietLimiet", json_integer(0));
    json_object_set_new(r, "memo", json_null());
    json_object_set_new(r, "kvkNummer", json_null());
    json_object_set_new(r, "oin", json_null());
    json_object_set_new(r, "websiteUrl", json_null());
    json_object_set_new(r, "aanmaningsoort", json_null());
    json_object_set_new(r, "offerteEmailVersturen", email_template());
    json_object_set_new(r, "bevestigingsEmailVersturen", email_template());
    json_object_set_new(r, "factuurEmailVersturen", email_template());
    json_object_set_new(r, "aanmaningEmailVersturen", email_template());
    json_object_set_new(r, "offerteAanvraagEmailVersturen", email_template());
    json_object_set_new(r, "bestellingEmailVersturen", email_template());
    json_object_set_new(r, "ublBestandAlsBijlage", json_false());
    json_object_set_new(r, "iban", json_null());
    json_object_set_new(r, "bic", json_null());
    json_object_set_new(r, "incassoSoort", json_null());
    json_object_set_new(r, "factuurRelatie", json_null());
    json_object_set_new(r, "id", json_null());
    json_object_set_new(r, "uri", json_null());
    templates[SSIM_RELATIES] = r;

    templates[SSIM_GROOTBOEKEN] = json_pack(
        "{s:n,s:n,s:b,s:n,s:b,s:n,s:n,s:n,s:[],s:[],s:n,s:n,s:n}",
        "modifiedOn", "omschrijving", "kostenplaatsVerplicht", 0, "rekeningCode",
        "nonactief", 0, "nummer", "grootboekfunctie", "grootboekRubriek",
        "rgsCode", "btwSoort", "vatRateCode", "id", "uri");
    templates[SSIM_LANDEN] = json_pack("{s:n,s:n,s:n,s:n,s:n}", "naam", "landcodeISO",
                                       "landcode", "id", "uri");
    templates[SSIM_FACTUREN] = json_pack(
        "{s:{s:n,s:n},s:n,s:n,s:n,s:n,s:{s:n,s:n},s:n,s:n,s:[],s:n,s:n}",
        "verkoopBoeking", "id", "uri", "modifiedOn", "openstaandSaldo",
        "factuurnummer", "vervalDatum", "relatie", "id", "uri", "factuurDatum",
        "factuurBedrag", "verkoopOrders", "id", "uri");
    templates[SSIM_BOEKINGEN] = json_pack(
        "{s:n,s:n,s:b,s:b,s:n,s:n,s:{s:n,s:n},s:n,s:n,s:n,s:[],s:[],s:n,s:n}",
        "modifiedOn", "boekstuk", "gewijzigdDoorAccountant", 0, "markering", 0,
        "factuurdatum", "factuurnummer", "klant", "id", "uri", "omschrijving",
        "factuurbedrag", "betalingstermijn", "boekingsregels", "btw", "id", "uri");
    templates[SSIM_DOCUMENTEN] = json_pack("{s:n,s:n,s:n,s:b,s:n,s:n}", "documenttype",
                                           "parentIdentifier", "fileName", "readOnly", 0,
                                           "id", "uri");
    templates[SSIM_DAGBOEKEN] = json_pack("{s:n,s:n,s:b,s:n,s:n,s:n}", "omschrijving",
                                          "soort", "nonactief", 0, "nummer", "id", "uri");
    templates[SSIM_MEMORIAAL] = json_pack(
        "{s:n,s:n,s:b,s:n,s:b,s:n,s:[],s:[],s:[],s:{s:n,s:n},s:n,s:n}",
        "modifiedOn", "datum", "markering", 0, "boekstuk", "gewijzigdDoorAccountant", 0,
        "omschrijving", "memoriaalBoekingsRegels", "inkoopboekingBoekingsRegels",
        "verkoopboekingBoekingsRegels", "dagboek", "id", "uri", "id", "uri");
}

/* ssim_template - the template object of a collection */
const json_t *
ssim_template(ssim_coll_t c)
{
    pthread_once(&templates_once, templates_init);
    return templates[c];
}

/* get_ci - member of obj by case-insensitive key */
static json_t *
get_ci(const json_t *obj, const char *key)
{
    const char *k;
    json_t *v;

    if (!json_is_object(obj))
        return NULL;
    if ((v = json_object_get(obj, key)) != NULL)
        return v;
    json_object_foreach((json_t *) obj, k, v)
        if (strcasecmp(k, key) == 0)
            return v;
    return NULL;
}

/* merge - template keys filled from in */
static json_t *
merge(const json_t *tmpl, const json_t *in)
{
    json_t *out = json_object(), *dv, *iv;
    const char *k;

    json_object_foreach((json_t *) tmpl, k, dv) {
        iv = get_ci(in, k);
        if (json_is_object(dv))
            json_object_set_new(out, k, merge(dv, json_is_object(iv) ? iv : NULL));
        else if (iv != NULL && !(json_is_null(iv) && !json_is_null(dv)))
            json_object_set_new(out, k, json_deep_copy(iv));
        else
            json_object_set_new(out, k, json_deep_copy(dv));
    }
    return out;
}

/* ssim_normalise - a new object holding every template property */
json_t *
ssim_normalise(ssim_coll_t c, const json_t *in)
{
    return merge(ssim_template(c), in);
}

/* ssim_error_add - append one SnelStart error */
void
ssim_error_add(json_t *errors, const char *code, const char *prop, const char *fmt, ...)
{
    char    msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    json_array_append_new(errors, json_pack("{s:s,s:s,s:s?}", "errorCode", code,
                                            "message", msg, "propertyName", prop));
}

/* ssim_cents - a JSON amount as exact cents */
bool
ssim_cents(const json_t *v, int64_t *cents)
{
    double  x, r;

    if (json_is_integer(v)) {
        json_int_t i = json_integer_value(v);

        if (i > INT64_MAX / 100 || i < INT64_MIN / 100)
            return false;
        *cents = (int64_t) i * 100;
        return true;
    }
    if (!json_is_real(v))
        return false;
    x = json_real_value(v) * 100.0;
    if (!isfinite(x) || fabs(x) > 9e15)
        return false;
    r = nearbyint(x);
    if (fabs(x - r) > 1e-6 * fmax(1.0, fabs(x)))
        return false;
    *cents = (int64_t) r;
    return true;
}

/* ssim_amount - cents as a JSON number */
json_t *
ssim_amount(int64_t cents)
{
    if (cents % 100 == 0)
        return json_integer(cents / 100);
    return json_real((double) cents / 100.0);
}

/* ssim_now - the current UTC time as "YYYY-MM-DDTHH:MM:SS.mmm" */
void
ssim_now(char *buf, size_t len)
{
    struct timeval tv;
    struct tm tm;
    char    s[32];

    gettimeofday(&tv, NULL);
    gmtime_r(&tv.tv_sec, &tm);
    strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf, len, "%s.%03ld", s, (long) (tv.tv_usec / 1000));
}

/* ssim_uuid - a new random version-4 uuid */
void
ssim_uuid(char *buf, size_t len)
{
    unsigned char b[16];
    size_t  got = 0;
    ssize_t n;

    while (got < sizeof b) {
        if ((n = getrandom(b + got, sizeof b - got, 0)) <= 0)
            abort();
        got += (size_t) n;
    }
    b[6] = (unsigned char) ((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char) ((b[8] & 0x3f) | 0x80);
    snprintf(buf, len, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
             "%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3], b[4], b[5], b[6],
             b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

/* ssim_validate_relatie - check a normalised relatie */
void
ssim_validate_relatie(ssim_store_t *store, const json_t *rel, const char *own_id,
                      json_t *errors)
{
    static const char *const adressen[] = { "vestigingsAdres", "correspondentieAdres" };
    const json_t *naam = json_object_get(rel, "naam");
    const json_t *soort = json_object_get(rel, "relatiesoort");
    const json_t *code = json_object_get(rel, "relatiecode");
    const json_t *v;
    size_t  i;

    if (!json_is_string(naam) || json_string_length(naam) == 0)
        ssim_error_add(errors, "REL-0001", "naam", "De naam van de relatie is verplicht.");
    if (!json_is_array(soort) || json_array_size(soort) == 0) {
        ssim_error_add(errors, "REL-0004", "relatiesoort",
                       "De relatiesoort is verplicht (Klant en/of Leverancier).");
    } else {
        json_array_foreach(soort, i, v)
            if (!json_is_string(v) || (strcmp(json_string_value(v), "Klant") != 0
                                       && strcmp(json_string_value(v), "Leverancier") != 0)) {
                ssim_error_add(errors, "REL-0004", "relatiesoort",
                               "Ongeldige relatiesoort; toegestaan: Klant, Leverancier.");
                break;
            }
    }
    for (i = 0; i < 2; i++) {
        const json_t *adres = json_object_get(rel, adressen[i]);
        const json_t *land = json_object_get(json_object_get(adres, "land"), "id");
        char    prop[64];

        snprintf(prop, sizeof prop, "%s.land.id", adressen[i]);
        if (land != NULL && !json_is_null(land)
            && (!json_is_string(land)
                || ssim_store_get(store, SSIM_LANDEN, json_string_value(land)) == NULL))
            ssim_error_add(errors, "REL-0006", prop, "Het land is onbekend.");
    }
    if (code != NULL && !json_is_null(code)) {
        const json_t *other;

        if (!json_is_integer(code) || json_integer_value(code) <= 0
            || json_integer_value(code) > INT32_MAX) {
            ssim_error_add(errors, "REL-0007", "relatiecode",
                           "De relatiecode moet een positief geheel getal zijn.");
        } else if ((other = ssim_store_by_relatiecode(store, json_integer_value(code))) != NULL
                   && (own_id == NULL
                       || strcmp(json_string_value(json_object_get(other, "id")), own_id) != 0)) {
            ssim_error_add(errors, "REL-0003", "relatiecode",
                           "De relatiecode %lld is al in gebruik.",
                           (long long) json_integer_value(code));
        }
    }
}

/* id_of - the "id" text of an identifier model, or NULL */
static const char *
id_of(const json_t *ident)
{
    return json_string_value(get_ci(ident, "id"));
}

/* ssim_validate_boeking - check a verkoopboeking, build its stored form */
json_t *
ssim_validate_boeking(ssim_store_t *store, const json_t *in, json_t *errors,
                      int64_t *total_cents)
{
    json_t *out, *regels, *btw, *v;
    const json_t *klant, *jregels, *jbtw, *jr;
    const char *nr, *kid;
    int64_t sum = 0, bedrag = 0, c;
    long long us;
    size_t  i;
    char    prop[64];

    if (!json_is_object(in)) {
        ssim_error_add(errors, "GEN-0001", NULL, "De verkoopboeking moet een JSON-object zijn.");
        return NULL;
    }
    out = ssim_normalise(SSIM_BOEKINGEN, in);
    nr = json_string_value(json_object_get(out, "factuurnummer"));
    if (nr == NULL || *nr == 0)
        ssim_error_add(errors, "BOE-0001", "factuurnummer", "Het factuurnummer is verplicht.");
    klant = get_ci(in, "klant");
    kid = id_of(klant);
    if (kid == NULL || ssim_store_get(store, SSIM_RELATIES, kid) == NULL)
        ssim_error_add(errors, "BOE-0003", "klant.id", "De klant is onbekend.");
    v = json_object_get(out, "factuurdatum");
    if (json_is_null(v)) {
        char    now[40];

        ssim_now(now, sizeof now);
        memcpy(now + 10, "T00:00:00", 10);
        json_object_set_new(out, "factuurdatum", json_string(now));
    } else if (!json_is_string(v) || !ssim_datetime_parse(json_string_value(v), &us)) {
        ssim_error_add(errors, "BOE-0011", "factuurdatum", "De factuurdatum is geen datum.");
    }
    v = json_object_get(out, "factuurbedrag");
    if (!json_is_null(v) && !ssim_cents(v, &bedrag))
        ssim_error_add(errors, "BOE-0010", "factuurbedrag",
                       "Het factuurbedrag moet een bedrag in centen nauwkeurig zijn.");
    json_object_set_new(out, "factuurbedrag", ssim_amount(bedrag));

    jregels = get_ci(in, "boekingsregels");
    regels = json_array();
    if (!json_is_array(jregels) || json_array_size(jregels) == 0)
        ssim_error_add(errors, "BOE-0004", "boekingsregels",
                       "Een verkoopboeking moet ten minste een boekingsregel hebben.");
    json_array_foreach(jregels, i, jr) {
        const char *gid = id_of(get_ci(jr, "grootboek"));
        const json_t *gb = gid ? ssim_store_get(store, SSIM_GROOTBOEKEN, gid) : NULL;
        json_t *r = json_object();

        snprintf(prop, sizeof prop, "boekingsregels[%zu].grootboek.id", i);
        if (gb == NULL)
            ssim_error_add(errors, "BOE-0005", prop, "Het grootboek is onbekend.");
        else if (json_is_true(json_object_get(gb, "nonactief")))
            ssim_error_add(errors, "BOE-0006", prop, "Het grootboek %lld is niet actief.",
                           (long long) json_integer_value(json_object_get(gb, "nummer")));
        v = get_ci(jr, "omschrijving");
        json_object_set_new(r, "omschrijving", v ? json_deep_copy(v) : json_null());
        json_object_set_new(r, "grootboek", json_pack("{s:s?,s:n}", "id", gid, "uri"));
        json_object_set_new(r, "kostenplaats", json_deep_copy(get_ci(jr, "kostenplaats") ?
                                                              get_ci(jr, "kostenplaats") : json_null()));
        c = 0;
        v = get_ci(jr, "bedrag");
        snprintf(prop, sizeof prop, "boekingsregels[%zu].bedrag", i);
        if (v != NULL && !json_is_null(v) && !ssim_cents(v, &c))
            ssim_error_add(errors, "BOE-0010", prop,
                           "Het bedrag moet een bedrag in centen nauwkeurig zijn.");
        sum += c;
        json_object_set_new(r, "bedrag", ssim_amount(c));
        v = get_ci(jr, "btwSoort");
        json_object_set_new(r, "btwSoort", v ? json_deep_copy(v) : json_null());
        json_array_append_new(regels, r);
    }
    json_object_set_new(out, "boekingsregels", regels);

    jbtw = get_ci(in, "btw");
    btw = json_array();
    json_array_foreach(jbtw, i, jr) {
        c = 0;
        v = get_ci(jr, "btwSoort");
        snprintf(prop, sizeof prop, "btw[%zu].btwSoort", i);
        if (!json_is_string(v))
            ssim_error_add(errors, "BOE-0009", prop, "De btwSoort van een btw-regel is verplicht.");
        snprintf(prop, sizeof prop, "btw[%zu].btwBedrag", i);
        if (!ssim_cents(get_ci(jr, "btwBedrag"), &c))
            ssim_error_add(errors, "BOE-0010", prop,
                           "Het btw-bedrag moet een bedrag in centen nauwkeurig zijn.");
        sum += c;
        json_array_append_new(btw, json_pack("{s:O,s:o}", "btwSoort", v ? v : json_null(),
                                             "btwBedrag", ssim_amount(c)));
    }
    json_object_set_new(out, "btw", btw);
    if (json_array_size(errors) == 0 && sum != bedrag)
        ssim_error_add(errors, "BOE-0039", "factuurbedrag",
                       "De boeking is niet in balans: boekingsregels en btw tellen op tot "
                       "%lld.%02lld, het factuurbedrag is %lld.%02lld.",
                       (long long) (sum / 100), (long long) llabs(sum % 100),
                       (long long) (bedrag / 100), (long long) llabs(bedrag % 100));
    if (json_array_size(errors) == 0 && ssim_store_by_factuurnummer(store, SSIM_BOEKINGEN, nr))
        ssim_error_add(errors, "BOE-0021", "factuurnummer",
                       "Het factuurnummer %s is al geboekt.", nr);
    json_object_set_new(out, "klant", json_pack("{s:s?,s:s?}", "id", kid, "uri",
                                                NULL));
    *total_cents = bedrag;
    return out;
}

/* ssim_validate_memoriaal - check a memoriaalboeking, build its stored form */
json_t *
ssim_validate_memoriaal(ssim_store_t *store, const json_t *in, json_t *errors, json_t *paid)
{
    json_t *out, *regels, *vregels, *v;
    const json_t *dagboek, *jr;
    const char *did;
    int64_t debet = 0, credit = 0, verkoop = 0, c;
    long long us;
    size_t  i;
    char    prop[80];

    if (!json_is_object(in)) {
        ssim_error_add(errors, "GEN-0001", NULL, "De memoriaalboeking moet een JSON-object zijn.");
        return NULL;
    }
    out = ssim_normalise(SSIM_MEMORIAAL, in);
    v = json_object_get(out, "datum");
    if (!json_is_string(v) || !ssim_datetime_parse(json_string_value(v), &us))
        ssim_error_add(errors, "MEM-0001", "datum", "De datum is geen datum.");
    did = id_of(get_ci(in, "dagboek"));
    dagboek = did ? ssim_store_get(store, SSIM_DAGBOEKEN, did) : NULL;
    if (dagboek == NULL)
        ssim_error_add(errors, "MEM-0002", "dagboek.id", "Het dagboek is onbekend.");
    else if (!json_is_string(json_object_get(dagboek, "soort"))
             || strcmp(json_string_value(json_object_get(dagboek, "soort")), "Memoriaal") != 0)
        ssim_error_add(errors, "MEM-0003", "dagboek.id", "Het dagboek %lld is geen "
                       "memoriaaldagboek.",
                       (long long) json_integer_value(json_object_get(dagboek, "nummer")));
    json_object_set_new(out, "dagboek", json_pack("{s:s?,s:n}", "id", did, "uri"));

    regels = json_array();
    json_array_foreach(get_ci(in, "memoriaalBoekingsRegels"), i, jr) {
        const char *gid = id_of(get_ci(jr, "grootboek"));
        const json_t *gb = gid ? ssim_store_get(store, SSIM_GROOTBOEKEN, gid) : NULL;
        int64_t d = 0, k = 0;

        snprintf(prop, sizeof prop, "memoriaalBoekingsRegels[%zu].grootboek.id", i);
        if (gb == NULL)
            ssim_error_add(errors, "MEM-0004", prop, "Het grootboek is onbekend.");
        else if (json_is_true(json_object_get(gb, "nonactief")))
            ssim_error_add(errors, "MEM-0005", prop, "Het grootboek %lld is niet actief.",
                           (long long) json_integer_value(json_object_get(gb, "nummer")));
        snprintf(prop, sizeof prop, "memoriaalBoekingsRegels[%zu].debet", i);
        v = get_ci(jr, "debet");
        if (v != NULL && !json_is_null(v) && !ssim_cents(v, &d))
            ssim_error_add(errors, "MEM-0006", prop, "Het bedrag moet een bedrag in centen "
                           "nauwkeurig zijn.");
        snprintf(prop, sizeof prop, "memoriaalBoekingsRegels[%zu].credit", i);
        v = get_ci(jr, "credit");
        if (v != NULL && !json_is_null(v) && !ssim_cents(v, &k))
            ssim_error_add(errors, "MEM-0006", prop, "Het bedrag moet een bedrag in centen "
                           "nauwkeurig zijn.");
        debet += d;
        credit += k;
        json_array_append_new(regels, json_pack("{s:O,s:{s:s?,s:n},s:o,s:o}", "omschrijving",
                                                get_ci(jr, "omschrijving") ?: json_null(),
                                                "grootboek", "id", gid, "uri",
                                                "debet", ssim_amount(d), "credit",
                                                ssim_amount(k)));
    }
    json_object_set_new(out, "memoriaalBoekingsRegels", regels);

    vregels = json_array();
    json_array_foreach(get_ci(in, "verkoopboekingBoekingsRegels"), i, jr) {
        const char *bid = id_of(get_ci(jr, "boekingId"));
        const json_t *b = bid ? ssim_store_get(store, SSIM_BOEKINGEN, bid) : NULL;
        const json_t *f = NULL;
        json_t *sofar;
        int64_t open = 0, before = 0;

        c = 0;
        snprintf(prop, sizeof prop, "verkoopboekingBoekingsRegels[%zu].boekingId.id", i);
        if (b == NULL)
            ssim_error_add(errors, "MEM-0007", prop, "De verkoopboeking is onbekend.");
        else
            f = ssim_store_by_factuurnummer(store, SSIM_FACTUREN, json_string_value(
                json_object_get(b, "factuurnummer")));
        snprintf(prop, sizeof prop, "verkoopboekingBoekingsRegels[%zu].bedrag", i);
        if (!ssim_cents(get_ci(jr, "bedrag"), &c))
            ssim_error_add(errors, "MEM-0006", prop, "Het bedrag moet een bedrag in centen "
                           "nauwkeurig zijn.");
        if (f != NULL && bid != NULL) {
            ssim_cents(json_object_get(f, "openstaandSaldo"), &open);
            if ((sofar = json_object_get(paid, bid)) != NULL)
                before = json_integer_value(sofar);
            if (c > 0 ? c > open - before : c < open - before)
                ssim_error_add(errors, "MEM-0008", prop, "Het bedrag is groter dan het "
                               "openstaande saldo van factuur %s.",
                               json_string_value(json_object_get(f, "factuurnummer")));
            json_object_set_new(paid, bid, json_integer(before + c));
        }
        verkoop += c;
        json_array_append_new(vregels, json_pack("{s:{s:s?,s:n},s:O,s:o}", "boekingId", "id",
                                                 bid, "uri", "omschrijving",
                                                 get_ci(jr, "omschrijving") ?: json_null(),
                                                 "bedrag", ssim_amount(c)));
    }
    json_object_set_new(out, "verkoopboekingBoekingsRegels", vregels);
    if (json_array_size(get_ci(in, "inkoopboekingBoekingsRegels")) > 0)
        ssim_error_add(errors, "MEM-0009", "inkoopboekingBoekingsRegels", "Inkoopboekingen "
                       "worden door de simulator niet ondersteund.");
    if (json_array_size(regels) + json_array_size(vregels) == 0)
        ssim_error_add(errors, "MEM-0010", "memoriaalBoekingsRegels", "Een memoriaalboeking "
                       "moet ten minste een boekingsregel hebben.");
    /* a verkoopboeking regel credits debiteuren with its bedrag */
    if (json_array_size(errors) == 0 && debet - credit != verkoop)
        ssim_error_add(errors, "MEM-0011", "memoriaalBoekingsRegels", "De memoriaalboeking is "
                       "niet in balans: debet %lld.%02lld, credit %lld.%02lld.",
                       (long long) (debet / 100), (long long) llabs(debet % 100),
                       (long long) ((credit + verkoop) / 100),
                       (long long) llabs((credit + verkoop) % 100));
    return out;
}

/* ssim_dagboeken_default - the built-in dagboeken of an administration */
json_t *
ssim_dagboeken_default(void)
{
    return json_pack("[{s:s,s:s,s:b,s:i},{s:s,s:s,s:b,s:i},{s:s,s:s,s:b,s:i},"
                     "{s:s,s:s,s:b,s:i}]",
                     "omschrijving", "Kas", "soort", "Kas", "nonactief", 0, "nummer", 10,
                     "omschrijving", "Bank", "soort", "Bank", "nonactief", 0, "nummer", 20,
                     "omschrijving", "Verkoop", "soort", "Verkoop", "nonactief", 0, "nummer", 70,
                     "omschrijving", "Memoriaal", "soort", "Memoriaal", "nonactief", 0,
                     "nummer", 90);
}

/* ssim_landen_default - the built-in list of landen */
json_t *
ssim_landen_default(void)
{
    static const char *const landen[][2] = {
        { "NL", "Nederland" }, { "BE", "België" }, { "DE", "Duitsland" },
        { "FR", "Frankrijk" }, { "LU", "Luxemburg" }, { "AT", "Oostenrijk" },
        { "BG", "Bulgarije" }, { "CY", "Cyprus" }, { "CZ", "Tsjechië" },
        { "DK", "Denemarken" }, { "EE", "Estland" }, { "ES", "Spanje" },
        { "FI", "Finland" }, { "GR", "Griekenland" }, { "HR", "Kroatië" },
        { "HU", "Hongarije" }, { "IE", "Ierland" }, { "IT", "Italië" },
        { "LT", "Litouwen" }, { "LV", "Letland" }, { "MT", "Malta" },
        { "PL", "Polen" }, { "PT", "Portugal" }, { "RO", "Roemenië" },
        { "SE", "Zweden" }, { "SI", "Slovenië" }, { "SK", "Slowakije" },
        { "NO", "Noorwegen" }, { "CH", "Zwitserland" }, { "GB", "Verenigd Koninkrijk" },
        { "US", "Verenigde Staten" }, { "IS", "IJsland" }, { "LI", "Liechtenstein" },
        { "MC", "Monaco" }, { "CA", "Canada" }, { "AU", "Australië" },
        { "JP", "Japan" }, { "CN", "China" }, { "TR", "Turkije" },
    };
    json_t *out = json_array();
    size_t  i;
    char    id[40];

    for (i = 0; i < sizeof landen / sizeof landen[0]; i++) {
        snprintf(id, sizeof id, "00000000-0000-4000-8000-00000000%02x%02x",
                 (unsigned char) landen[i][0][0], (unsigned char) landen[i][0][1]);
        json_array_append_new(out, json_pack("{s:s,s:s,s:s,s:s}", "naam", landen[i][1],
                                             "landcodeISO", landen[i][0], "landcode",
                                             landen[i][0], "id", id));
    }
    return out;
}
