/*
 * NAME
 *   followup - what the booker does after an order is booked
 *
 * DESCRIPTION
 *   See followup.h.
 *
 * DIAGNOSTICS
 *   A refused step is logged as a warning and added to the order's
 *   reason; a step to try again makes the outcome "later" with the cause.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "betaling.h"
#include "followup.h"
#include "log.h"
#include "money.h"
#include "xalloc.h"

/* later - the order is booked, a step is to be tried again */
static void __attribute__((format(printf, 3, 4)))
later(book_outcome_t *out, const order_t *o, const char *fmt, ...)
{
    char    why[768];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    out->result = BOOK_LATER;
    snprintf(out->stage, sizeof out->stage, "betaling");
    snprintf(out->reason, sizeof out->reason, "order %" PRId64 " is booked as verkoopboeking "
             "%s, its payment not yet: %s", o->number, out->factuurnummer, why);
}

/* add_reason - append a sentence to a booked order's reason */
static void
add_reason(book_outcome_t *out, const char *text)
{
    size_t  n = strlen(out->reason);

    snprintf(out->reason + n, sizeof out->reason - n, "; %s", text);
}

/* factuur - the verkoopfactuur of a factuurnummer: its verkoopboeking id and
 * openstaandSaldo. 1 found, 0 not there, -1 the read failed (e says why) */
static int
factuur(administration_t *a, const char *factuurnummer, char *boeking_id, size_t idlen,
        int64_t *open_cents, ss_result_t *r, ss_error_t *e)
{
    char   *lit = snelstart_odata_string(factuurnummer);
    char   *filter = xasprintf("Factuurnummer eq %s", lit);
    char   *path = snelstart_query("/verkoopfacturen", "$filter", filter, NULL);
    json_t *list = NULL, *f;
    int     found = -1;

    free(lit);
    free(filter);
    *r = snelstart_get(a->api, path, &list, e);
    free(path);
    if (*r != SS_OK)
        return -1;
    if ((f = json_array_get(list, 0)) == NULL)
        found = 0;
    else if (!snelstart_amount_cents(json_object_get(f, "openstaandSaldo"), open_cents)) {
        snprintf(e->message, sizeof e->message, "verkoopfactuur %s: SnelStart's answer has no "
                 "openstaandSaldo", factuurnummer);
        *r = SS_RETRY;
    } else {
        const char *id = json_string_value(json_object_get(json_object_get(f,
                                           "verkoopBoeking"), "id"));

        snprintf(boeking_id, idlen, "%s", id ? id : "");
        found = 1;
    }
    json_decref(list);
    return found;
}

/* settled - record the payment as booked and say so */
static void
settled(ledger_t *ledger, const profile_t *p, const order_t *o, const char *key,
        const char *id, const char *how, book_outcome_t *out)
{
    char    err[512], text[256];

    if (!ledger_followup_set(ledger, p->name, key, "booked", id, "", err, sizeof err)) {
        later(out, o, "%s", err);
        return;
    }
    snprintf(text, sizeof text, "payment booked as memoriaalboeking%s", how);
    add_reason(out, text);
    log_info("profile %s: order %" PRId64 ": %s", p->name, o->number, text);
}

/* refused - the payment cannot be booked: dead, and the order's reason says why */
static void
refused(ledger_t *ledger, const profile_t *p, const order_t *o, const char *key,
        const char *why, book_outcome_t *out)
{
    char    err[512], text[900];

    snprintf(text, sizeof text, "its payment was not booked: %s; book it by hand in SnelStart",
             why);
    if (!ledger_followup_set(ledger, p->name, key, "dead", "", why, err, sizeof err)) {
        later(out, o, "%s", err);
        return;
    }
    log_warning("profile %s: order %" PRId64 ": %s", p->name, o->number, text);
    add_reason(out, text);
}

/* pay - the betaling step */
static void
pay(administration_t *a, ledger_t *ledger, const order_t *o, book_outcome_t *out)
{
    const profile_t *p = a->p;
    int     psp = betaling_provider(o, p);
    char    key[96], state[16], id[64], err[1024], boeking_id[64], how[160], fee_txt[32];
    json_t *body, *stored = NULL;
    int64_t open_cents = -1, total = 0, fee = 0;
    ss_result_t r;
    ss_error_t e;
    int     found;
    const char *what;

    if (psp < 0)
        return;
    snprintf(key, sizeof key, "%s/betaling", out->factuurnummer);
    if (ledger_followup_get(ledger, p->name, key, state, sizeof state, id, sizeof id, err,
                            sizeof err) == DB_ERROR) {
        later(out, o, "%s", err);
        return;
    }
    if (strcmp(state, "booked") == 0 || strcmp(state, "dead") == 0)
        return;
    if ((r = administration_load(a, false, &what, &e)) != SS_OK) {
        later(out, o, "%s: %s", what, e.message);
        out->stop_profile = r == SS_AUTH;
        return;
    }
    snprintf(boeking_id, sizeof boeking_id, "%s", out->boeking_id);
    if (strcmp(state, "posting") == 0 || *boeking_id == 0) {
        found = factuur(a, out->factuurnummer, boeking_id, sizeof boeking_id, &open_cents, &r, &e);
        if (found < 0) {
            later(out, o, "looking up verkoopfactuur %s: %s", out->factuurnummer, e.message);
            out->stop_profile = r == SS_AUTH;
            return;
        }
        if (found == 0) {
            later(out, o, "SnelStart does not list verkoopfactuur %s yet", out->factuurnummer);
            return;
        }
        if (strcmp(state, "posting") == 0 && open_cents == 0) {
            settled(ledger, p, o, key, "", " (found in SnelStart: the invoice is paid)", out);
            return;
        }
    }
    if ((body = betaling_build(o, p, (psp_t) psp, out->factuurnummer, boeking_id,
                               &(betaling_ctx_t) { a->grootboeken, a->dagboeken },
                               err, sizeof err)) == NULL) {
        refused(ledger, p, o, key, err, out);
        return;
    }
    if (!ledger_followup_set(ledger, p->name, key, "posting", "", "", err, sizeof err)) {
        json_decref(body);
        later(out, o, "%s", err);
        return;
    }
    betaling_total_eur(o, &total);
    betaling_fee(o, p, (psp_t) psp, total, &fee, err, sizeof err);
    r = snelstart_post(a->api, "/memoriaalboekingen", body, &stored, &e);
    json_decref(body);
    snprintf(how, sizeof how, " via %s, fee %s", psp_name((psp_t) psp),
             money_format_cents(fee, fee_txt, sizeof fee_txt));
    if (r == SS_OK) {
        settled(ledger, p, o, key, json_string_value(json_object_get(stored, "id")) ?: "",
                how, out);
    } else if (r == SS_REJECTED || r == SS_NOT_FOUND) {
        char    why[1200];

        snprintf(why, sizeof why, "SnelStart refused the memoriaalboeking: %s%s%s%s",
                 e.message, *e.code ? " (" : "", e.code, *e.code ? ")" : "");
        refused(ledger, p, o, key, why, out);
    } else if (r == SS_UNCERTAIN) {
        log_warning("profile %s: order %" PRId64 ": the answer to the memoriaalboeking was "
                    "lost (%s); asking SnelStart whether the invoice is paid", p->name,
                    o->number, e.message);
        found = factuur(a, out->factuurnummer, boeking_id, sizeof boeking_id, &open_cents, &r, &e);
        if (found == 1 && open_cents == 0)
            settled(ledger, p, o, key, "", how, out);
        else
            later(out, o, "the answer to the memoriaalboeking was lost and SnelStart does "
                  "not show the invoice paid");
    } else {
        later(out, o, "the memoriaalboeking: %s", e.message);
        out->stop_profile = r == SS_AUTH;
    }
    json_decref(stored);
}

/* followup_run - the steps after a booking */
void
followup_run(administration_t *a, ledger_t *ledger, const order_t *o, book_outcome_t *out)
{
    if (out->result != BOOK_BOOKED)
        return;
    pay(a, ledger, o, out);
}
