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

#include "base64.h"
#include "betaling.h"
#include "boeking.h"
#include "factuur_pdf.h"
#include "followup.h"
#include "log.h"
#include "money.h"
#include "size_limits.h"
#include "xalloc.h"

#define STEP_ATTEMPTS 3          /* tries of a step before the order waits for a resend */

/* the steps: ledger key suffix, stage, and what it is in a message */
typedef enum { STEP_BETALING = 0, STEP_FACTUUR } step_t;
static const char *const step_key[] = { "betaling", "factuur" };
static const char *const step_what[] = { "de betaling", "de factuur-PDF" };

/* later - the order is booked, a step is to be tried again */
static void __attribute__((format(printf, 4, 5)))
later(book_outcome_t *out, const order_t *o, step_t step, const char *fmt, ...)
{
    char    why[768];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    out->result = BOOK_LATER;
    snprintf(out->stage, sizeof out->stage, "%s", step_key[step]);
    snprintf(out->reason, sizeof out->reason, "order %" PRId64 " is geboekt als verkoopfactuur "
             "%s, %s nog niet: %s", o->number, out->factuurnummer, step_what[step], why);
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
        snprintf(e->message, sizeof e->message, "verkoopfactuur %s: het antwoord van SnelStart "
                 "noemt geen openstaandSaldo", factuurnummer);
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

/* settled - record a step as booked and say so */
static void
settled(ledger_t *ledger, const profile_t *p, const order_t *o, step_t step, const char *key,
        const char *id, const char *how, book_outcome_t *out)
{
    char    err[512], text[256];

    if (!ledger_followup_set(ledger, p->name, key, "booked", id, "", err, sizeof err)) {
        later(out, o, step, "%s", err);
        return;
    }
    snprintf(text, sizeof text, "%s%s", step == STEP_BETALING
             ? "betaling geboekt als memoriaalboeking" : "factuur-PDF bijgevoegd", how);
    add_reason(out, text);
    log_info("profile %s: order %" PRId64 ": %s", p->name, o->number, text);
}

/* refused - a step cannot be done: dead, and the order's reason says why */
static void
refused(ledger_t *ledger, const profile_t *p, const order_t *o, step_t step, const char *key,
        const char *why, book_outcome_t *out)
{
    char    err[512], text[900];
    size_t  n;

    snprintf(text, sizeof text, "%s is niet %s, %s in SnelStart: %s", step_what[step],
             step == STEP_BETALING ? "geboekt" : "bijgevoegd",
             step == STEP_BETALING ? "boek hem met de hand" : "voeg hem met de hand toe", why);
    if (!ledger_followup_set(ledger, p->name, key, "dead", "", why, err, sizeof err)) {
        later(out, o, step, "%s", err);
        return;
    }
    log_warning("profile %s: order %" PRId64 ": %s", p->name, o->number, text);
    add_reason(out, text);
    n = strlen(out->followup_refused);
    snprintf(out->followup_refused + n, sizeof out->followup_refused - n, "%s%s",
             n ? "; " : "", text);
}

/* begin - a step's ledger state and the verkoopboeking's id: true to go on
 * (state "" or "posting"), false when the step is done, dead, or must wait
 * (out says why). *open_cents is the factuur's openstaandSaldo when it was
 * read (always for a payment left "posting"), else -1. */
static bool
begin(administration_t *a, ledger_t *ledger, const order_t *o, step_t step, book_outcome_t *out,
      char *key, size_t keylen, char *state, size_t statelen, char *boeking_id, size_t idlen,
      int64_t *open_cents)
{
    const profile_t *p = a->p;
    char    id[64], err[1024];
    ss_result_t r;
    ss_error_t e;
    const char *what;
    int     found;

    *open_cents = -1;
    snprintf(key, keylen, "%s/%s", out->factuurnummer, step_key[step]);
    if (ledger_followup_get(ledger, p->name, key, state, statelen, id, sizeof id, err,
                            sizeof err) == DB_ERROR) {
        later(out, o, step, "%s", err);
        return false;
    }
    if (strcmp(state, "booked") == 0 || strcmp(state, "dead") == 0)
        return false;
    if ((r = administration_load(a, false, &what, &e)) != SS_OK) {
        later(out, o, step, "%s: %s", what, e.message);
        out->stop_profile = r == SS_AUTH;
        return false;
    }
    snprintf(boeking_id, idlen, "%s", out->boeking_id);
    /* the factuur is read for the verkoopboeking's id when it is not known,
     * and for a payment left "posting": whether the invoice is paid */
    if (*boeking_id && !(step == STEP_BETALING && strcmp(state, "posting") == 0))
        return true;
    found = factuur(a, out->factuurnummer, boeking_id, idlen, open_cents, &r, &e);
    if (found < 0) {
        later(out, o, step, "verkoopfactuur %s opzoeken: %s", out->factuurnummer, e.message);
        out->stop_profile = r == SS_AUTH;
        return false;
    }
    if (found == 0 || *boeking_id == 0) {
        later(out, o, step, "SnelStart toont verkoopfactuur %s nog niet", out->factuurnummer);
        return false;
    }
    return true;
}

/* failed - what a failed POST of a step means: refused (dead) or later */
static void
failed(ledger_t *ledger, const profile_t *p, const order_t *o, step_t step, const char *key,
       const char *what, ss_result_t r, const ss_error_t *e, book_outcome_t *out)
{
    char    why[1200];

    if (r == SS_REJECTED || r == SS_NOT_FOUND) {
        snprintf(why, sizeof why, "SnelStart neemt de %s niet aan (%s%s%s%s)", what, e->message,
                 *e->code ? " (" : "", e->code, *e->code ? ")" : "");
        refused(ledger, p, o, step, key, why, out);
    } else {
        later(out, o, step, "de %s: %s", what, e->message);
        out->stop_profile = r == SS_AUTH;
    }
}

/* pay - the betaling step */
static void
pay(administration_t *a, ledger_t *ledger, const order_t *o, book_outcome_t *out)
{
    const profile_t *p = a->p;
    int     psp = betaling_provider(o, p);
    char    key[96], state[16], err[1024], boeking_id[64], how[160], fee_txt[32];
    json_t *body, *stored = NULL;
    int64_t open_cents, total = 0, fee = 0;
    ss_result_t r;
    ss_error_t e;

    if (psp < 0 || !begin(a, ledger, o, STEP_BETALING, out, key, sizeof key, state,
                          sizeof state, boeking_id, sizeof boeking_id, &open_cents))
        return;
    if (strcmp(state, "posting") == 0 && open_cents == 0) {
        settled(ledger, p, o, STEP_BETALING, key, "",
                " (gevonden in SnelStart: de factuur is betaald)", out);
        return;
    }
    if ((body = betaling_build(o, p, (psp_t) psp, out->factuurnummer, boeking_id,
                               &(betaling_ctx_t) { a->grootboeken, a->dagboeken },
                               err, sizeof err)) == NULL) {
        refused(ledger, p, o, STEP_BETALING, key, err, out);
        return;
    }
    if (!ledger_followup_set(ledger, p->name, key, "posting", "", "", err, sizeof err)) {
        json_decref(body);
        later(out, o, STEP_BETALING, "%s", err);
        return;
    }
    betaling_total_eur(o, &total);
    betaling_fee(o, p, (psp_t) psp, total, &fee, err, sizeof err);
    r = snelstart_post(a->api, "/memoriaalboekingen", body, &stored, &e);
    json_decref(body);
    snprintf(how, sizeof how, " via %s, kosten %s", psp_name((psp_t) psp),
             money_format_cents_nl(fee, fee_txt, sizeof fee_txt));
    if (r == SS_OK) {
        settled(ledger, p, o, STEP_BETALING, key,
                json_string_value(json_object_get(stored, "id")) ?: "", how, out);
    } else if (r == SS_UNCERTAIN) {
        log_warning("profile %s: order %" PRId64 ": the answer to the memoriaalboeking was "
                    "lost (%s); asking SnelStart whether the invoice is paid", p->name,
                    o->number, e.message);
        if (factuur(a, out->factuurnummer, boeking_id, sizeof boeking_id, &open_cents, &r,
                    &e) == 1 && open_cents == 0)
            settled(ledger, p, o, STEP_BETALING, key, "", how, out);
        else
            later(out, o, STEP_BETALING, "het antwoord op de memoriaalboeking ging verloren "
                  "en SnelStart toont de factuur niet als betaald");
    } else
        failed(ledger, p, o, STEP_BETALING, key, "memoriaalboeking", r, &e, out);
    json_decref(stored);
}

/* attached - whether verkoopboeking boeking_id has a document named name:
 * 1 yes, 0 no, -1 the read failed (e says why) */
static int
attached(administration_t *a, const char *boeking_id, const char *name, ss_result_t *r,
         ss_error_t *e)
{
    char   *path = xasprintf("/documenten/Verkoopboekingen/%s", boeking_id);
    json_t *list = NULL, *d;
    size_t  i;
    int     found = 0;

    *r = snelstart_get(a->api, path, &list, e);
    free(path);
    if (*r != SS_OK)
        return -1;
    json_array_foreach(list, i, d)
        if (json_is_string(json_object_get(d, "fileName"))
            && strcmp(json_string_value(json_object_get(d, "fileName")), name) == 0)
            found = 1;
    json_decref(list);
    return found;
}

/* attach - the factuur step: the invoice PDF on the verkoopboeking */
static void
attach(administration_t *a, ledger_t *ledger, const order_t *o, book_outcome_t *out)
{
    const profile_t *p = a->p;
    char    key[96], state[16], err[1024], boeking_id[64], name[96], date[11], how[160];
    unsigned char *pdf;
    char   *b64;
    size_t  len = 0;
    json_t *body, *stored = NULL;
    int64_t open_cents;
    ss_result_t r;
    ss_error_t e;
    int     found;

    if (!p->factuur_pdf || !begin(a, ledger, o, STEP_FACTUUR, out, key, sizeof key, state,
                                  sizeof state, boeking_id, sizeof boeking_id, &open_cents))
        return;
    snprintf(name, sizeof name, "factuur-%s.pdf", out->factuurnummer);
    if (strcmp(state, "posting") == 0) {
        if ((found = attached(a, boeking_id, name, &r, &e)) < 0) {
            later(out, o, STEP_FACTUUR, "de documenten van verkoopfactuur %s opzoeken: %s",
                  out->factuurnummer, e.message);
            out->stop_profile = r == SS_AUTH;
            return;
        }
        if (found == 1) {
            settled(ledger, p, o, STEP_FACTUUR, key, "", " (gevonden in SnelStart)", out);
            return;
        }
    }
    boeking_local_date(o->date_epoch, date);
    if ((pdf = factuur_pdf_render(o, p, out->factuurnummer, date, &len, err,
                                  sizeof err)) == NULL) {
        refused(ledger, p, o, STEP_FACTUUR, key, err, out);
        return;
    }
    if (len > LIMIT_SNELSTART_DOCUMENT_BYTES) {
        free(pdf);
        snprintf(err, sizeof err, "de factuur-PDF is %zu bytes, meer dan de %d die SnelStart "
                 "aanneemt", len, LIMIT_SNELSTART_DOCUMENT_BYTES);
        refused(ledger, p, o, STEP_FACTUUR, key, err, out);
        return;
    }
    b64 = base64_encode(pdf, len);
    free(pdf);
    body = json_pack("{s:s,s:s,s:s,s:b}", "content", b64, "parentIdentifier", boeking_id,
                     "fileName", name, "readOnly", 0);
    free(b64);
    if (!ledger_followup_set(ledger, p->name, key, "posting", "", "", err, sizeof err)) {
        json_decref(body);
        later(out, o, STEP_FACTUUR, "%s", err);
        return;
    }
    r = snelstart_post(a->api, "/documenten/Verkoopboekingen", body, &stored, &e);
    json_decref(body);
    snprintf(how, sizeof how, " (%s, %zu bytes)", name, len);
    if (r == SS_OK) {
        settled(ledger, p, o, STEP_FACTUUR, key,
                json_string_value(json_object_get(stored, "id")) ?: "", how, out);
    } else if (r == SS_UNCERTAIN) {
        log_warning("profile %s: order %" PRId64 ": the answer to the invoice PDF was lost "
                    "(%s); asking SnelStart whether it is attached", p->name, o->number,
                    e.message);
        if (attached(a, boeking_id, name, &r, &e) == 1)
            settled(ledger, p, o, STEP_FACTUUR, key, "", how, out);
        else
            later(out, o, STEP_FACTUUR, "het antwoord op de factuur-PDF ging verloren en "
                  "SnelStart toont hem niet");
    } else
        failed(ledger, p, o, STEP_FACTUUR, key, "factuur-PDF", r, &e, out);
    json_decref(stored);
}

/* run_step - one step, tried again at once (from its ledger state, as a
 * resend would) while it must wait for something other than the keys, so
 * that a passing 5xx or timeout does not cost the order a resend */
static void
run_step(administration_t *a, ledger_t *ledger, const order_t *o, book_outcome_t *out,
         void (*step)(administration_t *, ledger_t *, const order_t *, book_outcome_t *))
{
    book_outcome_t before = *out;
    int     attempt;

    for (attempt = 1; attempt <= STEP_ATTEMPTS; attempt++) {
        *out = before;
        step(a, ledger, o, out);
        if (out->result != BOOK_LATER || out->stop_profile)
            return;
    }
}

/* followup_run - the steps after a booking, in order; a step that must wait
 * stops the ones after it until the order comes back */
void
followup_run(administration_t *a, ledger_t *ledger, const order_t *o, book_outcome_t *out)
{
    if (order_is_credit(o))         /* a credit note: no invoice PDF, no payment */
        return;
    if (out->result == BOOK_BOOKED)
        run_step(a, ledger, o, out, attach);
    if (out->result == BOOK_BOOKED)
        run_step(a, ledger, o, out, pay);
}
