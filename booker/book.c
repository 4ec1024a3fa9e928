/*
 * NAME
 *   book - book one recognised order into SnelStart
 *
 * DESCRIPTION
 *   See book.h.
 *
 * DIAGNOSTICS
 *   What SnelStart refuses, and what cannot be built, is dead with
 *   SnelStart's own message and code. What may succeed later (rate limit,
 *   5xx, network) is "later": the booker reports nothing and the fetcher's
 *   resend brings the order back.
 */
#include <stdarg.h>
#include <string.h>
#include <time.h>

#include "boeking.h"
#include "book.h"
#include "creditnota.h"
#include "factuurnummer.h"
#include "followup.h"
#include "log.h"
#include "relatie_body.h"
#include "xalloc.h"

#define POST_ATTEMPTS   3

/* set_out - fill an outcome */
static void __attribute__((format(printf, 4, 5)))
set_out(book_outcome_t *out, book_result_t result, const char *stage, const char *fmt, ...)
{
    va_list ap;

    out->result = result;
    snprintf(out->stage, sizeof out->stage, "%s", stage);
    va_start(ap, fmt);
    vsnprintf(out->reason, sizeof out->reason, fmt, ap);
    va_end(ap);
}

/* later_until - a later outcome waits for SnelStart's limit or Retry-After */
static void
later_until(book_outcome_t *out, const ss_error_t *e)
{
    if (e->not_before_ms > out->not_before_ms) {
        out->not_before_ms = e->not_before_ms;
        snprintf(out->wait_reason, sizeof out->wait_reason, "%s", e->wait_reason);
    }
}

/* api_failure - turn a failed call into an outcome: dead when SnelStart refused,
 * later when it may work another time */
static void
api_failure(book_outcome_t *out, ss_result_t r, const ss_error_t *e, const char *stage,
            const char *what)
{
    bool    coded = *e->code && strstr(e->message, e->code) == NULL;

    if (r == SS_REJECTED || r == SS_NOT_FOUND)
        set_out(out, BOOK_DEAD, stage, "SnelStart neemt %s niet aan; pas aan wat SnelStart "
                "noemt en klik Opnieuw: %s%s%s%s", what, e->message, coded ? " (code " : "",
                coded ? e->code : "", coded ? ")" : "");
    else {
        set_out(out, BOOK_LATER, stage, "%s: %s", what, e->message);
        out->stop_profile = r == SS_AUTH;
        later_until(out, e);
    }
}

/* load_admin - read the administration's grootboeken, btw-tarieven and
 * landen when due; false with the outcome set */
static bool
load_admin(administration_t *a, book_outcome_t *out)
{
    ss_error_t e;
    ss_result_t r;
    const char *what;

    if ((r = administration_load(a, false, &what, &e)) == SS_OK)
        return true;
    api_failure(out, r == SS_REJECTED ? SS_RETRY : r, &e, "booking", what);
    return false;
}

/* find_factuur - whether SnelStart holds a verkoopfactuur with this number:
 * 1 yes (its verkoopboeking's id into boeking_id, its relatie's into
 * relatie_id when not NULL), 0 no, -1 unknown (out says why) */
static int
find_factuur(administration_t *a, const char *factuurnummer, char *boeking_id, size_t idlen,
             char *relatie_id, size_t rlen, book_outcome_t *out)
{
    char   *lit = snelstart_odata_string(factuurnummer);
    char   *filter = xasprintf("Factuurnummer eq %s", lit);
    char   *path = snelstart_query("/verkoopfacturen", "$filter", filter, NULL);
    json_t *list = NULL;
    ss_error_t e;
    ss_result_t r = snelstart_get(a->api, path, &list, &e);
    int     found = -1;

    free(lit);
    free(filter);
    free(path);
    if (r != SS_OK)
        api_failure(out, r == SS_REJECTED ? SS_RETRY : r, &e, "booking",
                    "nagaan of de order al geboekt is");
    else if (json_array_size(list) > 0) {
        json_t *vb = json_object_get(json_array_get(list, 0), "verkoopBoeking");
        json_t *rel = json_object_get(json_array_get(list, 0), "relatie");
        const char *id = json_string_value(json_object_get(vb, "id"));

        snprintf(boeking_id, idlen, "%s", id ? id : "");
        if (relatie_id)
            snprintf(relatie_id, rlen, "%s", json_string_value(json_object_get(rel, "id")) ?: "");
        found = 1;
    } else
        found = 0;
    json_decref(list);
    return found;
}

/* find_relatie - the relatie koppel posted, looked up by what it posted (naam and
 * e-mail, or naam and postcode): 1 found, 0 not there, -1 unknown (out says why) */
static int
find_relatie(administration_t *a, const json_t *posted, char *id, size_t idlen, int32_t *code,
             book_outcome_t *out)
{
    const char *naam = json_string_value(json_object_get(posted, "naam"));
    const char *email = json_string_value(json_object_get(posted, "email"));
    const char *pc = json_string_value(json_object_get(json_object_get(posted,
                                       "vestigingsAdres"), "postcode"));
    char   *ln = snelstart_odata_string(naam ? naam : "");
    char   *lv = snelstart_odata_string(email && *email ? email : pc ? pc : "");
    char   *filter = xasprintf("Naam eq %s and %s eq %s", ln, email && *email ? "Email"
                               : "VestigingsAdres/Postcode", lv);
    char   *path = snelstart_query("/relaties", "$filter", filter, NULL);
    json_t *list = NULL;
    ss_error_t e;
    ss_result_t r = snelstart_get(a->api, path, &list, &e);
    int     found = -1;

    free(ln);
    free(lv);
    free(filter);
    free(path);
    if (r != SS_OK)
        api_failure(out, r == SS_REJECTED ? SS_RETRY : r, &e, "relatie",
                    "nagaan of de nieuwe relatie is aangemaakt");
    else if (json_array_size(list) >= 1) {
        /* the newest: koppel created it last */
        json_t *rel = json_array_get(list, json_array_size(list) - 1);

        snprintf(id, idlen, "%s", json_string_value(json_object_get(rel, "id")) ?: "");
        *code = (int32_t) json_integer_value(json_object_get(rel, "relatiecode"));
        found = 1;
    } else
        found = 0;
    json_decref(list);
    return found;
}

/* default_klant - the relatie of the profile's default klantcode (handmatig) */
static bool
default_klant(administration_t *a, char *id, size_t idlen, book_outcome_t *out)
{
    const profile_t *p = a->p;
    char    num[16];
    char   *filter, *path;
    json_t *list = NULL;
    ss_error_t e;
    ss_result_t r;

    if (*a->default_klant_id == 0) {
        snprintf(num, sizeof num, "%d", p->default_klantcode);
        filter = xasprintf("Relatiecode eq %s", num);
        path = snelstart_query("/relaties", "$filter", filter, NULL);
        r = snelstart_get(a->api, path, &list, &e);
        free(filter);
        free(path);
        if (r != SS_OK) {
            api_failure(out, r == SS_REJECTED ? SS_RETRY : r, &e, "relatie",
                        "de standaard klantcode opzoeken");
            return false;
        }
        if (json_array_size(list) != 1) {
            json_decref(list);
            set_out(out, BOOK_DEAD, "relatie", "de standaard klantcode %d van profiel %s "
                    "bestaat niet in SnelStart: maak relatie %d aan in SnelStart of pas "
                    "profiles.%s.customers.default_klantcode aan, en klik Opnieuw",
                    p->default_klantcode,
                    p->name, p->default_klantcode, p->name);
            return false;
        }
        snprintf(a->default_klant_id, sizeof a->default_klant_id, "%s",
                 json_string_value(json_object_get(json_array_get(list, 0), "id")));
        json_decref(list);
    }
    snprintf(id, idlen, "%s", a->default_klant_id);
    out->relatiecode = p->default_klantcode;
    return true;
}

/* not_updated - note why an existing relatie was not brought up to date:
 * in the log now, in the information log when the outcome is reported */
static void
not_updated(administration_t *a, const order_t *o, book_outcome_t *out, const char *why)
{
    snprintf(out->relatie_not_updated, sizeof out->relatie_not_updated,
             "relatie %d niet bijgewerkt met order %lld: %.400s", (int) out->relatiecode,
             (long long) o->number, why);
    log_warning("profile %s: %s", a->p->name, out->relatie_not_updated);
}

/* rate_limited - SnelStart's 429, or the client's own limit: nothing was done,
 * the same call may work later */
static bool
rate_limited(ss_result_t r, const ss_error_t *e)
{
    return r == SS_LIMITED || (r == SS_RETRY && e->http_status == 429);
}

/* update_relatie - toevoegen-en-bijwerken: bring an existing relatie up to date
 * with the order, changing only what differs. SnelStart's rate limit is
 * "later" for the whole order (false, out set): the fetcher sends it again
 * and the update is tried again, as a booking is. Any other failure is
 * noted (relatie_not_updated) and the order is booked all the same. */
static bool
update_relatie(administration_t *a, const order_t *o, const char *id, book_outcome_t *out)
{
    char   *path = xasprintf("/relaties/%s", id);
    json_t *current = NULL, *changed, *stored = NULL;
    char    what[256], err[1024];
    ss_error_t e;
    ss_result_t r = snelstart_get(a->api, path, &current, &e);
    bool    go_on = true;

    if (r != SS_OK) {
        if (rate_limited(r, &e))
            goto later;
        not_updated(a, o, out, e.message);
        goto done;
    }
    changed = relatie_changes(current, o, a->p, a->landen, what, sizeof what, err, sizeof err);
    if (changed == NULL) {
        if (*err)
            not_updated(a, o, out, err);
        goto done;
    }
    r = snelstart_put(a->api, path, changed, &stored, &e);
    json_decref(changed);
    if (r == SS_OK || r == SS_UNCERTAIN) {       /* a PUT can be repeated safely */
        out->relatie_updated = true;
        log_info("profile %s: order %lld: relatie %d updated from the order (%s)", a->p->name,
                 (long long) o->number, out->relatiecode, what);
    } else if (rate_limited(r, &e)) {
        goto later;
    } else
        not_updated(a, o, out, e.message);
done:
    json_decref(current);
    json_decref(stored);
    free(path);
    return go_on;
later:
    set_out(out, BOOK_LATER, "relatie", "de limiet van SnelStart bereikt bij het bijwerken "
            "van relatie %d met order %lld; bijwerken en boeken worden opnieuw geprobeerd "
            "als de order terugkomt", (int) out->relatiecode, (long long) o->number);
    out->not_before_ms = e.not_before_ms;        /* the booker parks the profile until then */
    snprintf(out->wait_reason, sizeof out->wait_reason, "%s", e.wait_reason);
    snprintf(out->relatie_not_updated, sizeof out->relatie_not_updated,
             "relatie %d nog niet bijgewerkt met order %lld: de limiet van SnelStart is "
             "bereikt; het wordt opnieuw geprobeerd met de order", (int) out->relatiecode,
             (long long) o->number);
    log_warning("profile %s: %s", a->p->name, out->relatie_not_updated);
    go_on = false;
    goto done;
}

/* klant_of - the relatie id to book on; false with out set */
static bool
klant_of(administration_t *a, ledger_t *ledger, const order_t *o, const match_t *m,
         char *id, size_t idlen, book_outcome_t *out)
{
    const profile_t *p = a->p;
    json_t *body, *created = NULL;
    ss_error_t e;
    ss_result_t r;
    char    err[1024];
    int32_t code = 0;
    bool    creating;
    int     found = 0;
    db_found_t known;

    if (m->decision == MATCH_EXISTING) {
        snprintf(id, idlen, "%s", m->relatie_id);
        out->relatiecode = m->relatiecode;
        if (p->processing == PROCESSING_TOEVOEGEN_EN_BIJWERKEN && *id)
            return update_relatie(a, o, id, out);
        return true;
    }
    known = ledger_relatie(ledger, p->name, m->key, id, idlen, &code, &creating, err, sizeof err);
    if (known == DB_ERROR) {              /* not knowing is not "none": a second relatie */
        set_out(out, BOOK_LATER, "relatie", "%s", err);
        return false;
    }
    if (known == DB_FOUND) {
        out->relatiecode = code;          /* koppel created it for an earlier order */
        return true;
    }
    if (p->processing == PROCESSING_HANDMATIG)
        return default_klant(a, id, idlen, out);
    if ((body = relatie_build(o, p, a->landen, err, sizeof err)) == NULL) {
        set_out(out, BOOK_DEAD, "relatie", "%s", err);
        return false;
    }
    /* a POST of an earlier attempt may have created it */
    if (creating && (found = find_relatie(a, body, id, idlen, &code, out)) < 0)
        goto fail;
    if (found == 0) {
        if (!ledger_creating_relatie(ledger, p->name, m->key, err, sizeof err)) {
            set_out(out, BOOK_LATER, "relatie", "%s", err);
            goto fail;
        }
        r = snelstart_post(a->api, "/relaties", body, &created, &e);
        if (r == SS_UNCERTAIN) {
            log_warning("profile %s: order %lld: the answer to the new relatie was lost (%s); "
                        "asking SnelStart whether it was created", p->name,
                        (long long) o->number, e.message);
            if ((found = find_relatie(a, body, id, idlen, &code, out)) <= 0) {
                if (found == 0)
                    set_out(out, BOOK_LATER, "relatie", "de nieuwe relatie is niet aangemaakt");
                goto fail;
            }
        } else if (r != SS_OK) {
            api_failure(out, r, &e, "relatie", "de nieuwe relatie");
            goto fail;
        } else {
            snprintf(id, idlen, "%s", json_string_value(json_object_get(created, "id")) ?: "");
            code = (int32_t) json_integer_value(json_object_get(created, "relatiecode"));
        }
    }
    json_decref(created);
    json_decref(body);
    if (!ledger_add_relatie(ledger, p->name, m->key, id, code, err, sizeof err)) {
        set_out(out, BOOK_LATER, "relatie", "%s", err);
        return false;
    }
    out->relatiecode = code;
    out->relatie_created = true;
    log_info("profile %s: order %lld: new relatie %d created (%s)", p->name,
             (long long) o->number, code, m->key);
    return true;

fail:
    json_decref(created);
    json_decref(body);
    return false;
}

/* original_klant - the relatie the credit note's order was booked on: the
 * ledger's, else the one of its verkoopfactuur in SnelStart; false with out
 * set (dead when SnelStart holds no such factuur: nothing to credit) */
static bool
original_klant(administration_t *a, ledger_t *ledger, const order_t *o, char *id, size_t idlen,
               book_outcome_t *out)
{
    const profile_t *p = a->p;
    const char *orig = o->credit.original;
    ledger_entry_t le;
    char    boeking[64], err[1024];
    int     found;

    if (ledger_get(ledger, p->name, o->number, &le, err, sizeof err) == DB_ERROR) {
        set_out(out, BOOK_LATER, "booking", "%s", err);
        return false;
    }
    if (strcmp(le.state, "booked") == 0 && *le.relatie_id
        && (*orig == 0 || strcmp(le.factuurnummer, orig) == 0)) {
        snprintf(id, idlen, "%s", le.relatie_id);
        out->relatiecode = le.relatiecode;
        return true;
    }
    if ((found = find_factuur(a, *orig ? orig : le.factuurnummer, boeking, sizeof boeking, id,
                              idlen, out)) < 0)
        return false;
    if (found == 0 || *id == 0) {
        set_out(out, BOOK_DEAD, "booking", "creditnota %s is niet geboekt: factuur %s van "
                "order %lld, waar hij bij hoort, staat niet in SnelStart (de order is daar nooit "
                "geboekt, of de boeking is verwijderd). Boek eerst order %lld (koppelctl dlq "
                "replay %s:%lld) en speel daarna de creditnota opnieuw af (koppelctl dlq replay "
                "%s:%lld-C%d), of verwijder hem met koppelctl dlq drop als er niets te "
                "crediteren is", out->factuurnummer, *orig ? orig : le.factuurnummer,
                (long long) o->number, (long long) o->number, p->name, (long long) o->number,
                p->name, (long long) o->number, (int) o->credit.seq);
        return false;
    }
    out->relatiecode = le.relatiecode;
    return true;
}

/* prepare_credit - book_prepare for a credit note: its own ledger entry by
 * its factuurnummer (followups), the relatie of the order's booking, the
 * credit verkoopboeking (creditnota.h) */
static void
prepare_credit(administration_t *a, ledger_t *ledger, book_job_t *job)
{
    const profile_t *p = a->p;
    const order_t *o = job->o;
    book_outcome_t *out = &job->out;
    creditnota_refund_t refund = creditnota_refund_of(o);
    ledger_entry_t le;
    char    state[16], err[1024];
    json_t *body;
    int     found;

    if (!creditnota_factuurnummer(o, p, o->credit.seq, out->factuurnummer,
                                  sizeof out->factuurnummer)) {
        set_out(out, BOOK_DEAD, "booking", "order %lld: the factuurnummer of credit note %d "
                "would be longer than SnelStart's %d characters: shorten profiles.%s.booking."
                "factuurnummer_prefix", (long long) o->number, (int) o->credit.seq,
                FACTUURNUMMER_MAX, p->name);
        return;
    }
    if (ledger_get(ledger, p->name, o->number, &le, err, sizeof err) == DB_FOUND)
        out->relatiecode = le.relatiecode;          /* the outcome names the order's relatie */
    if (ledger_followup_get(ledger, p->name, out->factuurnummer, state, sizeof state,
                            out->boeking_id, sizeof out->boeking_id, err, sizeof err)
        == DB_ERROR) {
        set_out(out, BOOK_LATER, "booking", "%s", err);
        return;
    }
    if (strcmp(state, "booked") == 0) {
        set_out(out, BOOK_BOOKED, "booking", "booked before");
        return;
    }
    if (!load_admin(a, out))
        return;
    job->was_posting = strcmp(state, "posting") == 0;
    if (job->was_posting) {
        /* a crash or an uncertain failure left this open: ask SnelStart */
        if ((found = find_factuur(a, out->factuurnummer, out->boeking_id,
                                  sizeof out->boeking_id, NULL, 0, out)) < 0)
            return;
        if (found == 1) {
            if (ledger_followup_set(ledger, p->name, out->factuurnummer, "booked",
                                    out->boeking_id, "", err, sizeof err))
                set_out(out, BOOK_BOOKED, "booking", "booked as credit note %s",
                        out->factuurnummer);
            else
                set_out(out, BOOK_LATER, "booking", "%s", err);
            return;
        }
    }
    if (!original_klant(a, ledger, o, job->klant, sizeof job->klant, out))
        return;
    if ((body = creditnota_build(o, &refund, p, job->klant, &(boeking_ctx_t) {
                                 .grootboeken = a->grootboeken, .btwtarieven = a->btwtarieven,
                                 .companyinfo = a->companyinfo, .vatrates = a->vatrates },
                                 err, sizeof err)) == NULL) {
        set_out(out, BOOK_DEAD, "booking", "%s", err);
        return;
    }
    job->text = boeking_dumps(body);
    json_decref(body);
}

/* book_prepare - everything before the post of one order: a final outcome
 * (booked before, dead, later) or the body to post in job->text */
void
book_prepare(administration_t *a, ledger_t *ledger, book_job_t *job)
{
    const profile_t *p = a->p;
    const order_t *o = job->o;
    book_outcome_t *out = &job->out;
    ledger_entry_t le;
    char    err[1024];
    json_t *body;
    int     found;

    memset(out, 0, sizeof *out);
    *job->klant = 0;
    job->text = NULL;
    if (order_is_credit(o)) {
        prepare_credit(a, ledger, job);
        return;
    }
    if (!boeking_factuurnummer(o, p, out->factuurnummer, sizeof out->factuurnummer)) {
        set_out(out, BOOK_DEAD, "booking", "order %lld: het factuurnummer \"%s%lld\" is langer "
                "dan de %d tekens die SnelStart toestaat: maak profiles.%s.booking."
                "factuurnummer_prefix korter en klik Opnieuw", (long long) o->number,
                p->factuurnummer_prefix, (long long) o->number, FACTUURNUMMER_MAX, p->name);
        return;
    }
    switch (ledger_get(ledger, p->name, o->number, &le, err, sizeof err)) {
    case DB_ERROR:              /* unknown whether it was posted: never post blindly */
        set_out(out, BOOK_LATER, "booking", "%s", err);
        return;
    case DB_ABSENT:
    case DB_FOUND:
        break;
    }
    if (strcmp(le.state, "booked") == 0) {
        set_out(out, BOOK_BOOKED, "booking", "booked before");
        snprintf(out->boeking_id, sizeof out->boeking_id, "%s", le.boeking_id);
        out->relatiecode = le.relatiecode;
        followup_run(a, ledger, o, out);
        return;
    }
    if (job->m->decision == MATCH_ERROR) {
        set_out(out, BOOK_DEAD, "match", "%s", job->m->reason);
        return;
    }
    if (!load_admin(a, out))
        return;
    job->was_posting = strcmp(le.state, "posting") == 0;
    if (job->was_posting) {
        /* a crash or an uncertain failure left this open: ask SnelStart */
        found = find_factuur(a, out->factuurnummer, out->boeking_id, sizeof out->boeking_id,
                             NULL, 0, out);
        if (found < 0)
            return;
        if (found == 1) {
            out->relatiecode = le.relatiecode;
            snprintf(job->klant, sizeof job->klant, "%s", le.relatie_id);
            if (ledger_set(ledger, p->name, o->number, "booked", out->factuurnummer,
                           out->boeking_id, job->klant, out->relatiecode, "", err, sizeof err))
                set_out(out, BOOK_BOOKED, "booking", "booked as verkoopboeking %s",
                        out->factuurnummer);
            else
                set_out(out, BOOK_LATER, "booking", "%s", err);
            followup_run(a, ledger, o, out);
            return;
        }
    }
    /* check first: the body on a klant not known yet, so that an order that
     * will be refused creates or changes no relatie */
    if ((body = boeking_build(o, p, NULL, &(boeking_ctx_t) {
                              .grootboeken = a->grootboeken, .btwtarieven = a->btwtarieven,
                              .companyinfo = a->companyinfo, .vatrates = a->vatrates },
                              err, sizeof err)) == NULL) {
        set_out(out, BOOK_DEAD, "booking", "%s", err);
        return;
    }
    if (!klant_of(a, ledger, o, job->m, job->klant, sizeof job->klant, out)) {
        json_decref(body);
        return;
    }
    json_object_set_new(body, "klant", json_pack("{s:s}", "id", job->klant));
    job->text = boeking_dumps(body);
    json_decref(body);
}

/* settle - what one answer to a booking's POST means: SETTLED_BOOKED (it is in
 * SnelStart), SETTLED_FAILED (job->out says dead or later; a 429 or the
 * limiter is later with not_before_ms) or SETTLED_AGAIN (SnelStart says it
 * was not stored after a lost answer: post again) */
typedef enum { SETTLED_BOOKED, SETTLED_FAILED, SETTLED_AGAIN } settled_t;

static settled_t
settle(administration_t *a, book_job_t *job, ss_result_t r, const ss_error_t *e, json_t *stored,
       bool last)
{
    const profile_t *p = a->p;
    const order_t *o = job->o;
    book_outcome_t *out = &job->out;
    int     found;

    if (r == SS_OK) {
        snprintf(out->boeking_id, sizeof out->boeking_id, "%s",
                 json_string_value(json_object_get(stored, "id")) ?: "");
        return SETTLED_BOOKED;
    }
    if (r == SS_REJECTED && strcmp(e->code, "BOE-0021") == 0) {
        log_info("profile %s: order %lld: factuurnummer %s is in SnelStart already; "
                 "counted as booked, not posted again", p->name, (long long) o->number,
                 out->factuurnummer);
        return SETTLED_BOOKED;
    }
    if (r != SS_UNCERTAIN) {
        /* 429: SnelStart refused it before storing; the limiter: never sent */
        job->unstored = r == SS_LIMITED || (r == SS_RETRY && e->http_status == 429);
        api_failure(out, r, e, "booking", "de verkoopboeking");
        return SETTLED_FAILED;
    }
    log_warning("profile %s: order %lld: the answer to the booking was lost (%s); "
                "asking SnelStart whether it was stored", p->name, (long long) o->number,
                e->message);
    found = find_factuur(a, out->factuurnummer, out->boeking_id, sizeof out->boeking_id, NULL, 0,
                         out);
    if (found < 0)
        return SETTLED_FAILED;
    if (found == 1)
        return SETTLED_BOOKED;
    if (last) {
        set_out(out, BOOK_LATER, "booking", "order %lld: SnelStart gaf %d keer geen antwoord",
                (long long) o->number, POST_ATTEMPTS);
        return SETTLED_FAILED;
    }
    return SETTLED_AGAIN;
}

/* post_all - post every prepared booking of a batch, max_concurrent at a
 * time, and settle each answer; what is to be posted again is posted again
 * together, at once */
static void
post_all(administration_t *a, book_job_t *jobs, size_t n)
{
    const char **texts = xcalloc(n + 1, sizeof *texts);
    book_job_t **pending = xcalloc(n + 1, sizeof *pending);
    json_t **outs = xcalloc(n + 1, sizeof *outs);
    ss_error_t *errs = xcalloc(n + 1, sizeof *errs);
    ss_result_t *results = xcalloc(n + 1, sizeof *results);
    size_t  i, m = 0, again;
    int     attempt;

    for (i = 0; i < n; i++)
        if (jobs[i].text)
            pending[m++] = &jobs[i];
    for (attempt = 1; attempt <= POST_ATTEMPTS && m > 0; attempt++) {
        for (i = 0; i < m; i++)
            texts[i] = pending[i]->text;
        snelstart_post_many(a->api, "/verkoopboekingen", texts, m, outs, errs, results);
        for (i = again = 0; i < m; i++) {
            settled_t st = settle(a, pending[i], results[i], &errs[i], outs[i],
                                  attempt == POST_ATTEMPTS);

            json_decref(outs[i]);
            if (st == SETTLED_BOOKED) {
                pending[i]->posted = true;
                set_out(&pending[i]->out, BOOK_BOOKED, "booking", "booked as verkoopboeking %s",
                        pending[i]->out.factuurnummer);
            } else if (st == SETTLED_AGAIN)
                pending[again++] = pending[i];
        }
        m = again;
    }
    free(texts);
    free(pending);
    free(outs);
    free(errs);
    free(results);
}

/* hold_back - the jobs beyond what the rate limits allow now are not posted:
 * later, until the limits allow the next call (no "posting" is written for
 * them, so they need no lookup when they come back) */
static void
hold_back(administration_t *a, book_job_t *jobs, size_t n)
{
    size_t  i, want = 0, allowed;
    ss_error_t e;

    for (i = 0; i < n; i++)
        if (jobs[i].text)
            want++;
    if (want == 0 || (allowed = snelstart_budget(a->api, want)) == want)
        return;
    memset(&e, 0, sizeof e);
    e.not_before_ms = snelstart_ready_at(a->api, e.wait_reason, sizeof e.wait_reason);
    for (i = 0; i < n; i++) {
        if (jobs[i].text == NULL)
            continue;
        if (allowed > 0) {
            allowed--;
            continue;
        }
        set_out(&jobs[i].out, BOOK_LATER, "booking", "nu niet naar SnelStart gestuurd: %s",
                *e.wait_reason ? e.wait_reason : "de limiet van SnelStart");
        later_until(&jobs[i].out, &e);
        book_job_clear(&jobs[i]);
    }
}

/* mark - write a job's state durably: an order's in the ledger, a credit
 * note's in an entry of its own, keyed by its factuurnummer */
static bool
mark(ledger_t *ledger, const profile_t *p, const book_job_t *j, const char *state,
     const char *boeking_id, const char *reason, char *err, size_t errlen)
{
    if (order_is_credit(j->o))
        return ledger_followup_set(ledger, p->name, j->out.factuurnummer, state, boeking_id,
                                   reason, err, errlen);
    return ledger_set(ledger, p->name, j->o->number, state, j->out.factuurnummer, boeking_id,
                      j->klant, j->out.relatiecode, reason, err, errlen);
}

/* book_post - post the prepared jobs: "posting" for all of them in one
 * transaction, the posts, then "booked" or "dead" for all in one transaction.
 * Two syncs for the batch instead of two for every order. */
void
book_post(administration_t *a, ledger_t *ledger, book_job_t *jobs, size_t n)
{
    const profile_t *p = a->p;
    char    err[1024];
    size_t  i;
    bool    ok;

    hold_back(a, jobs, n);
    if (!ledger_begin(ledger, err, sizeof err))
        goto later;
    ok = true;
    for (i = 0; i < n && ok; i++)
        if (jobs[i].text)
            ok = mark(ledger, p, &jobs[i], "posting", "", "", err, sizeof err);
    if (!ok || !ledger_commit(ledger, err, sizeof err)) {
        ledger_rollback(ledger);
        goto later;
    }
    post_all(a, jobs, n);
    /* what is not written now stays "posting": the next attempt asks SnelStart */
    if (!ledger_begin(ledger, err, sizeof err))
        goto unwritten;
    for (i = 0; i < n; i++) {
        book_job_t *j = &jobs[i];

        if (j->text != NULL && j->out.result == BOOK_LATER && j->unstored && !j->was_posting) {
            /* nothing reached SnelStart: the next attempt needs no lookup */
            if (!mark(ledger, p, j, "unposted", "", "", err, sizeof err))
                break;
            continue;
        }
        if (j->text == NULL || j->out.result == BOOK_LATER)
            continue;
        if (!mark(ledger, p, j, j->out.result == BOOK_BOOKED ? "booked" : "dead",
                  j->out.boeking_id, j->out.result == BOOK_DEAD ? j->out.reason : "", err,
                  sizeof err))
            break;
    }
    if (i == n && ledger_commit(ledger, err, sizeof err)) {
        for (i = 0; i < n; i++)
            if (jobs[i].text)
                followup_run(a, ledger, jobs[i].o, &jobs[i].out);
        return;
    }
    ledger_rollback(ledger);
unwritten:
    for (i = 0; i < n; i++)
        if (jobs[i].text && jobs[i].out.result != BOOK_LATER)
            set_out(&jobs[i].out, BOOK_LATER, "booking", "%s", err);
    return;
later:
    for (i = 0; i < n; i++)
        if (jobs[i].text)
            set_out(&jobs[i].out, BOOK_LATER, "booking", "%s", err);
}

/* book_job_clear - free what a job holds */
void
book_job_clear(book_job_t *job)
{
    free(job->text);
    job->text = NULL;
}

/* book_order - book one order */
void
book_order(administration_t *a, ledger_t *ledger, const order_t *o, const match_t *m,
           book_outcome_t *out)
{
    book_job_t job = { .o = o, .m = m };

    book_prepare(a, ledger, &job);
    if (job.text)
        book_post(a, ledger, &job, 1);
    *out = job.out;
    book_job_clear(&job);
}
