/*
 * NAME
 *   relatie_body - the SnelStart relatie of a new webshop customer
 *
 * DESCRIPTION
 *   relatie_build() fills a RelatieModel from the order's customer and
 *   billing address. Empty values are left out rather than sent as "".
 *   naam is the company, else "First Last", else the e-mail address, cut
 *   to SnelStart's 50 characters on a character boundary. Both addresses
 *   are the billing address: it is the customer's own, the delivery
 *   address belongs to the shipment.
 *
 * DIAGNOSTICS
 *   A customer without any name or e-mail, a billing country SnelStart
 *   does not know, or text that is not UTF-8 is refused with a message
 *   naming the order and field. A KvK-nummer longer than SnelStart's 12
 *   characters is left out with a warning: it must not block the booking.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "boeking.h"
#include "errbuf.h"
#include "eu.h"
#include "log.h"
#include "relatie_body.h"
#include "vatnumber.h"
#include "xalloc.h"

#define MAX_NAAM 50
#define MAX_KVK  12

/* trimmed - a copy of s without surrounding white space */
static char *
trimmed(const char *s)
{
    size_t n;

    while (isspace((unsigned char)*s))
        s++;
    n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        n--;
    return xstrndup(s, n);
}

/* join - "a b" of the non-empty, trimmed parts */
static char *
join(const char *a, const char *sep, const char *b)
{
    char *ta = trimmed(a), *tb = trimmed(b), *r;

    if (*ta == '\0')
        r = xstrdup(tb);
    else if (*tb == '\0')
        r = xstrdup(ta);
    else
        r = xasprintf("%s%s%s", ta, sep, tb);
    free(ta);
    free(tb);
    return r;
}

/* set_text - set key to a non-empty string; false (err set) when not UTF-8 */
static bool
set_text(json_t *obj, const char *key, const char *value, const order_t *o, char *err, size_t errlen)
{
    json_t *s;

    if (*value == '\0')
        return true;
    s = json_string(value);
    if (s == NULL) {
        errbuf_fail(err, errlen, "order %" PRId64 ": klantveld %s is geen geldige tekst "
                    "(UTF-8); corrigeer het in de shop en klik Opnieuw", o->number, key);
        return false;
    }
    json_object_set_new(obj, key, s);
    return true;
}

/* relatie_vat_number - a VAT number as SnelStart stores it */
void
relatie_vat_number(const char *vat, const char *country, char *buf, size_t len)
{
    char    normal[VATNUMBER_MAX];

    vatnumber_normalise(vat, country, normal);
    snprintf(buf, len, "%s", normal);
}

/* street_line - "Dorpsstraat 1A": street, number and addition */
static char *
street_line(const order_address_t *a)
{
    char *num, *addition = trimmed(a->house_number_addition), *r;

    /* a single letter is written against the number (1A), anything else
     * after a space (12 bis, 12 2), a leading dash against it (12-2) */
    if (*addition == '\0')
        num = trimmed(a->house_number);
    else if ((strlen(addition) == 1 && isalpha((unsigned char)*addition)) || *addition == '-')
        num = join(a->house_number, "", addition);
    else
        num = join(a->house_number, " ", addition);
    r = join(a->street, " ", num);
    free(num);
    free(addition);
    return r;
}

/* land_json - the LandIdentifierModel of a country, or NULL with err */
static json_t *
land_json(const order_t *o, const char *country, const json_t *landen, char *err, size_t errlen)
{
    size_t        i;
    const json_t *l;

    if (landen == NULL)
        return json_pack("{s:s}", "landcodeISO", country);
    json_array_foreach(landen, i, l) {
        const char *iso = json_string_value(json_object_get(l, "landcodeISO"));
        const char *id = json_string_value(json_object_get(l, "id"));
        if (iso != NULL && id != NULL && strcasecmp(iso, country) == 0)
            return json_pack("{s:s}", "id", id);
    }
    return errbuf_fail(err, errlen, "order %" PRId64 ": land %s van het factuuradres staat "
                       "niet in de landen van SnelStart; corrigeer het land in de shop en "
                       "klik Opnieuw", o->number, country);
}

/* address_json - the AdresModel of the billing address, or NULL with err */
static json_t *
address_json(const order_t *o, const json_t *landen, char *err, size_t errlen)
{
    const order_address_t *a = &o->billing;
    json_t *adres = json_object();
    char   *contact = join(a->first_name, " ", a->last_name);
    char   *straat = street_line(a);
    char   *postcode = trimmed(a->postcode);
    char   *plaats = trimmed(a->city);
    bool    ok;

    ok = set_text(adres, "contactpersoon", contact, o, err, errlen)
        && set_text(adres, "straat", straat, o, err, errlen)
        && set_text(adres, "postcode", postcode, o, err, errlen)
        && set_text(adres, "plaats", plaats, o, err, errlen);
    if (ok && a->country[0] != '\0') {
        json_t *land = land_json(o, a->country, landen, err, errlen);
        if (land == NULL)
            ok = false;
        else
            json_object_set_new(adres, "land", land);
    }
    free(contact);
    free(straat);
    free(postcode);
    free(plaats);
    if (!ok) {
        json_decref(adres);
        return NULL;
    }
    return adres;
}

/* relatie_build - the RelatieModel of a new customer */
json_t *
relatie_build(const order_t *o, const profile_t *p, const json_t *landen, char *err, size_t errlen)
{
    json_t *body = json_object(), *adres;
    char   *naam = trimmed(o->billing.company);
    char   *email = trimmed(o->email), *phone = trimmed(o->phone);
    char    vat[64], kvk[64];
    size_t  n = 0;
    bool    ok = false;

    if (err != NULL && errlen > 0)
        *err = '\0';
    if (*naam == '\0') {
        free(naam);
        naam = join(o->billing.first_name, " ", o->billing.last_name);
    }
    if (*naam == '\0') {
        free(naam);
        naam = xstrdup(email);
    }
    if (*naam == '\0') {
        errbuf_fail(err, errlen, "order %" PRId64 ": de klant heeft geen bedrijfsnaam, naam of "
                    "e-mailadres om een relatie mee aan te maken; vul er een in de shop in en "
                    "klik Opnieuw", o->number);
        goto out;
    }
    if (!boeking_cut_text(naam, MAX_NAAM)) {
        errbuf_fail(err, errlen, "order %" PRId64 ": de naam van de klant is geen geldige tekst "
                    "(UTF-8); corrigeer hem in de shop en klik Opnieuw", o->number);
        goto out;
    }
    json_object_set_new(body, "relatiesoort", json_pack("[s]", "Klant"));
    if (!set_text(body, "naam", naam, o, err, errlen))
        goto out;
    if ((adres = address_json(o, landen, err, errlen)) == NULL)
        goto out;
    json_object_set_new(body, "vestigingsAdres", adres);
    json_object_set_new(body, "correspondentieAdres", json_deep_copy(adres));
    relatie_vat_number(o->vat_number, o->billing.country, vat, sizeof(vat));
    for (const char *s = o->coc_number; *s && n + 1 < sizeof(kvk); s++)
        if (!isspace((unsigned char)*s) && *s != '.')
            kvk[n++] = *s;
    kvk[n] = '\0';
    if (n > MAX_KVK) {
        log_warning("order %" PRId64 ": KvK-nummer of %zu characters is longer than SnelStart's "
                    "%d; left out of the new relatie", o->number, n, MAX_KVK);
        kvk[0] = '\0';
    }
    if (!set_text(body, "email", email, o, err, errlen)
        || !set_text(body, "telefoon", phone, o, err, errlen)
        || !set_text(body, "btwNummer", vat, o, err, errlen)
        || !set_text(body, "kvkNummer", kvk, o, err, errlen))
        goto out;
    json_object_set_new(body, "krediettermijn", json_integer(p->default_betalingstermijn));
    ok = true;
out:
    free(naam);
    free(email);
    free(phone);
    if (!ok) {
        json_decref(body);
        return NULL;
    }
    return body;
}

/* adres_differs - whether an address of the order differs from SnelStart's:
 * only the fields koppel fills are compared; the land by its id */
static bool
adres_differs(const json_t *want, const json_t *have)
{
    const char *key;
    json_t *v;

    if (!json_is_object(have))
        return true;
    json_object_foreach((json_t *) want, key, v) {
        json_t *h = json_object_get(have, key);

        if (strcmp(key, "land") == 0) {
            if (!json_equal(json_object_get(v, "id"), json_object_get(h, "id")))
                return true;
        } else if (!json_equal(v, h))
            return true;
    }
    return false;
}

/* The properties of SnelStart's RelatieWriteModel a PUT carries over from the
 * relatie as it was read, and the JSON each must hold. Left out: what the
 * write model lacks (fax), what SnelStart keeps itself (id, uri, modifiedOn,
 * the read-only *BoekingenUri, documents, extraVeldenKlant: "alleen te
 * lezen"), and every null (the write model has no nullable property). */
typedef enum { W_TEXT, W_NUMBER, W_INTEGER, W_BOOL, W_SOORTEN, W_ADRES, W_EMAIL, W_IDENT,
               W_AANMANING, W_INCASSO } write_kind_t;

static const struct {
    const char  *name;
    write_kind_t kind;
} write_model[] = {
    { "relatiesoort", W_SOORTEN }, { "relatiecode", W_INTEGER }, { "naam", W_TEXT },
    { "vestigingsAdres", W_ADRES }, { "correspondentieAdres", W_ADRES },
    { "telefoon", W_TEXT }, { "mobieleTelefoon", W_TEXT }, { "email", W_TEXT },
    { "btwNummer", W_TEXT }, { "factuurkorting", W_NUMBER }, { "krediettermijn", W_INTEGER },
    { "bankieren", W_BOOL }, { "nonactief", W_BOOL }, { "kredietLimiet", W_NUMBER },
    { "memo", W_TEXT }, { "kvkNummer", W_TEXT }, { "oin", W_TEXT }, { "websiteUrl", W_TEXT },
    { "aanmaningsoort", W_AANMANING }, { "offerteEmailVersturen", W_EMAIL },
    { "bevestigingsEmailVersturen", W_EMAIL }, { "factuurEmailVersturen", W_EMAIL },
    { "aanmaningEmailVersturen", W_EMAIL }, { "offerteAanvraagEmailVersturen", W_EMAIL },
    { "bestellingEmailVersturen", W_EMAIL }, { "ublBestandAlsBijlage", W_BOOL },
    { "iban", W_TEXT }, { "bic", W_TEXT }, { "incassoSoort", W_INCASSO },
    { "factuurRelatie", W_IDENT },
};

/* one_of - whether v is one of the texts */
static bool
one_of(const json_t *v, const char *const *values)
{
    for (; json_is_string(v) && *values; values++)
        if (strcmp(json_string_value(v), *values) == 0)
            return true;
    return false;
}

/* copy_texts - the text members keys[] of from into a new object */
static json_t *
copy_texts(const json_t *from, const char *const *keys)
{
    json_t *out = json_object();

    for (; *keys; keys++)
        if (json_is_string(json_object_get(from, *keys)))
            json_object_set(out, *keys, json_object_get(from, *keys));
    return out;
}

/* write_value - v as the write model holds a property of kind k; NULL to leave it out */
static json_t *
write_value(const json_t *v, write_kind_t k)
{
    static const char *const adres[] = { "contactpersoon", "straat", "postcode", "plaats", NULL };
    static const char *const mail[] = { "email", "ccEmail", NULL };
    static const char *const aanmaning[] = { "Nee", "Onderneming", "Consument", NULL };
    static const char *const incasso[] = { "Geen", "Core", "B2B", NULL };
    static const char *const soorten[] = { "Klant", "Leverancier", NULL };
    const json_t *x;
    json_t *out;
    size_t  i;

    switch (k) {
    case W_TEXT:
        return json_is_string(v) ? json_incref((json_t *) v) : NULL;
    case W_NUMBER:
        return json_is_number(v) ? json_incref((json_t *) v) : NULL;
    case W_INTEGER:
        return json_is_integer(v) ? json_incref((json_t *) v) : NULL;
    case W_BOOL:
        return json_is_boolean(v) ? json_incref((json_t *) v) : NULL;
    case W_AANMANING:
        return one_of(v, aanmaning) ? json_incref((json_t *) v) : NULL;
    case W_INCASSO:
        return one_of(v, incasso) ? json_incref((json_t *) v) : NULL;
    case W_SOORTEN:
        if (!json_is_array(v))
            return NULL;
        out = json_array();
        json_array_foreach(v, i, x)
            if (one_of(x, soorten))
                json_array_append(out, (json_t *) x);
        return out;
    case W_IDENT:
        x = json_object_get(v, "id");
        return json_is_string(x) ? json_pack("{s:O}", "id", x) : NULL;
    case W_ADRES:
        if (!json_is_object(v))
            return NULL;
        out = copy_texts(v, adres);
        if ((x = write_value(json_object_get(v, "land"), W_IDENT)) != NULL)
            json_object_set_new(out, "land", (json_t *) x);
        return out;
    case W_EMAIL:
        if (!json_is_object(v))
            return NULL;
        out = copy_texts(v, mail);
        if (json_is_boolean(json_object_get(v, "shouldSend")))
            json_object_set(out, "shouldSend", json_object_get(v, "shouldSend"));
        return out;
    }
    return NULL;
}

/* relatie_writable - a relatie as read, as SnelStart's write model takes it */
json_t *
relatie_writable(const json_t *current)
{
    json_t *out = json_object(), *v;
    size_t  i;

    for (i = 0; i < sizeof write_model / sizeof write_model[0]; i++)
        if ((v = write_value(json_object_get(current, write_model[i].name),
                             write_model[i].kind)) != NULL)
            json_object_set_new(out, write_model[i].name, v);
    return out;
}

/* relatie_changes - an existing relatie brought up to date with the order */
json_t *
relatie_changes(const json_t *current, const order_t *o, const profile_t *p,
                const json_t *landen, char *what, size_t whatlen, char *err, size_t errlen)
{
    static const char *fields[] = { "vestigingsAdres", "correspondentieAdres", "email",
                                    "telefoon", "btwNummer", "kvkNummer", NULL };
    json_t *want = relatie_build(o, p, landen, err, errlen);
    json_t *updated = NULL;
    size_t  n = 0;
    int     i;

    if (what && whatlen)
        *what = 0;
    if (want == NULL)
        return NULL;
    for (i = 0; fields[i]; i++) {
        json_t *w = json_object_get(want, fields[i]);
        json_t *h = json_object_get(current, fields[i]);
        bool    differs = json_is_object(w) ? adres_differs(w, h) : w && !json_equal(w, h);

        if (!differs)
            continue;
        if (updated == NULL)
            updated = relatie_writable(current);
        json_object_set(updated, fields[i], w);
        if (what && whatlen)
            n += snprintf(what + n, n < whatlen ? whatlen - n : 0, "%s%s", n ? ", " : "",
                          fields[i]);
    }
    json_decref(want);
    if (updated == NULL && err && errlen)
        *err = 0;
    return updated;
}
