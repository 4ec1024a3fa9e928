/*
 * NAME
 *   betaling - the memoriaalboeking that settles a paid order
 *
 * DESCRIPTION
 *   See betaling.h. Amounts are integer cents up to the JSON body, which
 *   holds each as the double nearest to its two-decimal text (as boeking.c
 *   does); boeking_dumps() writes them with exactly two decimals.
 *
 * DIAGNOSTICS
 *   Refusals name the order and the setting or figure that is wrong.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "betaling.h"
#include "boeking.h"
#include "errbuf.h"
#include "factuurnummer.h"
#include "log.h"
#include "money.h"

#define E6               1000000
#define MAX_OMSCHRIJVING 250

/* provider_label - the provider's name as a bookkeeper reads it */
static const char *
provider_label(psp_t psp)
{
    static const char *labels[PSP_N] = { "Mollie", "PayPal", "Stripe" };

    return psp < PSP_N ? labels[psp] : "?";
}

/* money_json - a JSON real holding exactly the decimal cents/100 */
static json_t *
money_json(int64_t cents)
{
    char    buf[32];
    json_t *v = json_loads(money_format_cents(cents, buf, sizeof buf), JSON_DECODE_ANY, NULL);

    if (v == NULL)
        log_panic("betaling: cannot parse own amount %s", buf);
    return v;
}

/* betaling_provider - the provider settling this order, or -1 */
int
betaling_provider(const order_t *o, const profile_t *p)
{
    int     i;
    size_t  j;

    if (!p->betalingen_boeken || o->status != ORDER_PAID || o->total_incl_cents <= 0)
        return -1;
    for (i = 0; i < PSP_N; i++)
        for (j = 0; j < p->psp[i].nmethods; j++)
            if (strcasecmp(p->psp[i].methods[j], o->payment_method) == 0)
                return i;
    return -1;
}

/* betaling_total_eur - the invoice total in euro cents */
bool
betaling_total_eur(const order_t *o, int64_t *cents)
{
    if (strcmp(o->currency, "EUR") == 0) {
        *cents = o->total_incl_cents;
        return true;
    }
    if (o->eur_per_unit_e6 <= 0)
        return false;
    *cents = money_muldiv_round(o->total_incl_cents, o->eur_per_unit_e6, E6);
    return true;
}

/* betaling_fee - the stated fee, else fixed + percentage */
bool
betaling_fee(const order_t *o, const profile_t *p, psp_t psp, int64_t total_cents,
             int64_t *fee_cents, char *err, size_t errlen)
{
    const psp_setting_t *s = &p->psp[psp];
    size_t  i;
    int64_t fee;

    for (i = 0; *s->fee_field && i < o->nfields; i++) {
        if (strcasecmp(o->fields[i].name, s->fee_field) != 0)
            continue;
        if (!money_parse_cents(o->fields[i].value, &fee)) {
            errbuf_fail(err, errlen, "order %" PRId64 ": de kosten van %s die de order in "
                        "veld \"%s\" noemt zijn geen bedrag (\"%.40s\"); corrigeer het veld "
                        "in de shop en klik Opnieuw", o->number, provider_label(psp),
                        s->fee_field, o->fields[i].value);
            return false;
        }
        goto check;
    }
    fee = money_fee_cents(total_cents, s->fee_fixed_cents, s->fee_percent_e4);
check:
    if (fee < 0 || fee > total_cents) {
        char    f[32], t[32];

        errbuf_fail(err, errlen, "order %" PRId64 ": de kosten van %s, %s, liggen niet "
                    "tussen 0 en het betaalde bedrag, %s: controleer instelling "
                    "profiles.%s.betalingen.%s en klik Opnieuw", o->number,
                    provider_label(psp), money_format_cents_nl(fee, f, sizeof f),
                    money_format_cents_nl(total_cents, t, sizeof t), p->name, psp_name(psp));
        return false;
    }
    *fee_cents = fee;
    return true;
}

/* find_nummer - the object with that nummer in a list, or NULL */
static const json_t *
find_nummer(const json_t *list, int32_t nummer)
{
    size_t  i;
    const json_t *g;

    json_array_foreach(list, i, g) {
        json_t *n = json_object_get(g, "nummer");

        if (json_is_integer(n) && json_integer_value(n) == nummer)
            return g;
    }
    return NULL;
}

/* usable - a grootboek or dagboek that exists, is active and has the field
 * "what" equal to want; its id, or NULL with err naming the setting */
static const char *
usable(const json_t *list, int32_t nummer, const char *kind, const char *field,
       const char *want, const char *setting, char *err, size_t errlen)
{
    const json_t *g = find_nummer(list, nummer);
    const char *v, *id;

    if (g == NULL)
        return errbuf_fail(err, errlen, "instelling %s: %s %" PRId32 " bestaat niet in de "
                           "administratie in SnelStart; kies in Instellingen een %s die bestaat",
                           setting, kind, nummer, kind);
    if (json_is_true(json_object_get(g, "nonactief")))
        return errbuf_fail(err, errlen, "instelling %s: %s %" PRId32 " staat in SnelStart op "
                           "non-actief; zet hem daar op actief of kies in Instellingen een andere",
                           setting, kind, nummer);
    v = json_string_value(json_object_get(g, field));
    if (v == NULL || strcmp(v, want) != 0)
        return errbuf_fail(err, errlen, "instelling %s: %s %" PRId32 " heeft %s %s, niet %s; "
                           "kies in Instellingen een %s met %s %s", setting, kind, nummer, field,
                           v ? v : "onbekend", want, kind, field, want);
    if ((id = json_string_value(json_object_get(g, "id"))) == NULL || *id == 0)
        return errbuf_fail(err, errlen, "instelling %s: %s %" PRId32 " heeft geen id in het "
                           "antwoord van SnelStart; probeer het later opnieuw", setting, kind,
                           nummer);
    return id;
}

/* ident - {"id": …} of a checked grootboek or dagboek, {"nummer": N} offline */
static json_t *
ident(const json_t *list, int32_t nummer, const char *kind, const char *field,
      const char *want, const char *setting, char *err, size_t errlen)
{
    const char *id;

    if (list == NULL)
        return json_pack("{s:i}", "nummer", (int) nummer);
    if ((id = usable(list, nummer, kind, field, want, setting, err, errlen)) == NULL)
        return NULL;
    return json_pack("{s:s}", "id", id);
}

/* regel - one MemoriaalBoekingsRegelModel, debet */
static json_t *
regel(const char *omschrijving, json_t *grootboek, int64_t debet)
{
    return json_pack("{s:s,s:o,s:o,s:o}", "omschrijving", omschrijving, "grootboek",
                     grootboek, "debet", money_json(debet), "credit", money_json(0));
}

/* betaling_build - the MemoriaalboekingModel settling an order */
json_t *
betaling_build(const order_t *o, const profile_t *p, psp_t psp, const char *factuurnummer,
               const char *boeking_id, const betaling_ctx_t *ctx, char *err, size_t errlen)
{
    const psp_setting_t *s = &p->psp[psp];
    const char *label = provider_label(psp);
    char    setting[256], when[32], date[11], oms[512], line[300];
    json_t *body, *dagboek, *tussen = NULL, *kosten = NULL, *regels;
    int64_t total, fee;

    if (!betaling_total_eur(o, &total))
        return errbuf_fail(err, errlen, "order %" PRId64 " is in %s zonder wisselkoers naar "
                           "euro (eurPerUnit): de betaling kan niet geboekt worden; boek hem met "
                           "de hand", o->number, o->currency);
    if (!betaling_fee(o, p, psp, total, &fee, err, errlen))
        return NULL;
    snprintf(setting, sizeof setting, "profiles.%s.betalingen.dagboek", p->name);
    if ((dagboek = ident(ctx->dagboeken, p->betalingen_dagboek, "dagboek", "soort",
                         "Memoriaal", setting, err, errlen)) == NULL)
        return NULL;
    snprintf(setting, sizeof setting, "profiles.%s.betalingen.%s.tussenrekening", p->name,
             psp_name(psp));
    if (total - fee != 0
        && (tussen = ident(ctx->grootboeken, s->tussenrekening, "grootboekrekening", "rekeningCode",
                           "Balans", setting, err, errlen)) == NULL)
        goto fail;
    snprintf(setting, sizeof setting, "profiles.%s.betalingen.%s.kosten_grootboek", p->name,
             psp_name(psp));
    if (fee != 0
        && (kosten = ident(ctx->grootboeken, s->kosten_grootboek, "grootboekrekening",
                           "rekeningCode", "WinstEnVerlies", setting, err, errlen)) == NULL)
        goto fail;

    boeking_local_date(o->date_epoch, date);
    snprintf(when, sizeof when, "%sT00:00:00", date);
    snprintf(oms, sizeof oms, "Betaling order %" PRId64 " via %s%s%s%s", o->number, label,
             *o->payment_method ? " (" : "", o->payment_method, *o->payment_method ? ")" : "");
    if (!boeking_cut_text(oms, MAX_OMSCHRIJVING)) {
        errbuf_fail(err, errlen, "order %" PRId64 ": de betaalwijze is geen geldige tekst "
                    "(UTF-8); corrigeer hem in de shop en klik Opnieuw", o->number);
        goto fail;
    }
    body = json_object();
    json_object_set_new(body, "datum", json_string(when));
    json_object_set_new(body, "omschrijving", json_string(oms));
    json_object_set_new(body, "dagboek", dagboek);
    regels = json_array();
    if (tussen) {
        snprintf(line, sizeof line, "Tussenrekening %s, factuur %s", label, factuurnummer);
        json_array_append_new(regels, regel(line, tussen, total - fee));
    }
    if (kosten) {
        snprintf(line, sizeof line, "Transactiekosten %s, factuur %s", label, factuurnummer);
        json_array_append_new(regels, regel(line, kosten, fee));
    }
    json_object_set_new(body, "memoriaalBoekingsRegels", regels);
    snprintf(line, sizeof line, "Factuur %s betaald via %s", factuurnummer, label);
    json_object_set_new(body, "verkoopboekingBoekingsRegels",
                        json_pack("[{s:{s:s?},s:s,s:o}]", "boekingId", "id", boeking_id,
                                  "omschrijving", line, "bedrag", money_json(total)));
    return body;

fail:
    json_decref(dagboek);
    json_decref(tussen);
    json_decref(kosten);
    return NULL;
}

/* betaling_check - the payment settings against SnelStart's lists */
bool
betaling_check(const profile_t *p, const json_t *grootboeken, const json_t *dagboeken,
               char *err, size_t errlen)
{
    char    setting[256];
    int     i;

    if (!p->betalingen_boeken)
        return true;
    snprintf(setting, sizeof setting, "profiles.%s.betalingen.dagboek", p->name);
    if (!usable(dagboeken, p->betalingen_dagboek, "dagboek", "soort", "Memoriaal", setting,
                err, errlen))
        return false;
    for (i = 0; i < PSP_N; i++) {
        if (p->psp[i].nmethods == 0)
            continue;
        snprintf(setting, sizeof setting, "profiles.%s.betalingen.%s.tussenrekening",
                 p->name, psp_name((psp_t) i));
        if (!usable(grootboeken, p->psp[i].tussenrekening, "grootboek", "rekeningCode",
                    "Balans", setting, err, errlen))
            return false;
        snprintf(setting, sizeof setting, "profiles.%s.betalingen.%s.kosten_grootboek",
                 p->name, psp_name((psp_t) i));
        if (!usable(grootboeken, p->psp[i].kosten_grootboek, "grootboek", "rekeningCode",
                    "WinstEnVerlies", setting, err, errlen))
            return false;
    }
    return true;
}
