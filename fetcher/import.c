/*
 * NAME
 *   import - one "Importeren financieel" run of a profile
 *
 * DESCRIPTION
 *   See import.h. The run reads its shop only through the source
 *   (source.h): a cursor made from the position stored in fetcher.db, one
 *   page per step. A page is stored in one transaction together with the
 *   position it moves the cursor to. What the run finds:
 *     paid, open     stored as pending (sent on by the fetcher)
 *     cancelled      stored as skipped, logged; an order stored before
 *                    that the shop now calls cancelled (Globecharge:
 *                    cancelled after it was read, within late_window;
 *                    WooCommerce: cancelled or refunded, read again by
 *                    its later modification) is refunded in full: a
 *                    credit note, stored once (store_add_credit), booked
 *                    after the order; none when the order was never booked
 *     refunded in part  (WooCommerce: the refunds the source read with the
 *                    order) a credit note of the refunded lines per refund,
 *                    once, or its dead letter when it cannot be booked
 *     incomplete     ignored (not listed by the shop anyway)
 *     unreadable     stored as dead with stage "fetch" and the parser's
 *                    reason, which names the order and the field
 *   (a document that names no readable order at all is kept as a
 *   rejected document).
 *
 * DIAGNOSTICS
 *   Shop errors end the run as failed with a Dutch summary: the source's
 *   message (Dutch, saying what to do), after "de shop gaf geen bruikbaar
 *   antwoord" when the shop may answer later; the next run starts from the
 *   stored position.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"
#include "log.h"
#include "xalloc.h"

struct import {
    const profile_t *p;
    source_t *source;
    source_cursor_t *cursor;
    store_t *store;
    infolog_t *infolog;
    int64_t  job_id;
    import_counts_t counts;
    size_t   pages;
    bool     auth_failed;
    bool     unreadable;      /* fetcher.db could not be read at the start: summary says why */
    order_page_t *page;       /* what import_fetch read, for import_store */
    src_result_t fetched;
    char     fetch_err[1024];
    int      attempt;         /* tries of the current page */
    long     retry_ms;
    unsigned jitter;
    char     activity[256];
    char     summary[1200];
};

/* import_new - a run of a profile */
import_t *
import_new(const profile_t *p, source_t *source, store_t *store, infolog_t *infolog,
           int64_t job_id)
{
    import_t *self = xcalloc(1, sizeof *self);
    source_position_t stored = { 0 };
    char    err[512];

    stored.number = p->from_order;
    if (store_cursor(store, p->name, &stored.number, err, sizeof err) == DB_ERROR
        || store_watermark(store, p->name, stored.modified_after, sizeof stored.modified_after,
                           err, sizeof err) == DB_ERROR) {
        /* where the last run stopped is unknown: not "at the start", try later */
        snprintf(self->summary, sizeof self->summary, "koppel kan niet lezen tot waar de "
                 "vorige run kwam; de volgende run probeert het opnieuw (\"%s\")", err);
        log_error("profile %s: %s", p->name, self->summary);
        self->unreadable = true;
    }
    self->p = p;
    self->source = source;
    self->cursor = source_cursor_new(source, &stored);
    self->store = store;
    self->infolog = infolog;
    self->job_id = job_id;
    self->jitter = (unsigned) job_id ^ (unsigned) (uintptr_t) self;
    snprintf(self->activity, sizeof self->activity, "Bezig: profiel %s, %s",
             p->name, source_cursor_where(self->cursor));
    return self;
}

/* import_destroy - free a run and its cursor; null the caller's pointer */
void
import_destroy(import_t **self_p)
{
    if (self_p && *self_p) {
        order_page_destroy(&(*self_p)->page);
        source_cursor_destroy(&(*self_p)->cursor);
        free(*self_p);
        *self_p = NULL;
    }
}

/* credit - store one refund of a stored order as its credit note (what; or
 * refused, a dead letter), once; a new one said in the information log as
 * said (Dutch) */
static void
credit(const profile_t *p, store_t *store, infolog_t *infolog, int64_t number,
       const char *refund, const order_credit_t *what, const char *refused, const char *said)
{
    char    why[1024];

    switch (store_add_credit(store, p->name, number, refund, what, refused, why,
                             sizeof why)) {
    case STORE_CREDIT_NEW:
        log_info("profile %s: order %lld: %s in the shop after it was read; it is credited "
                 "%s once it is booked", p->name, (long long) number, refund,
                 what->full ? "in full" : "for the refunded lines");
        infolog_add(infolog, p->name, INFOLOG_SHORT, INFOLOG_REFUND, number, "Order %lld %s",
                    (long long) number, said);
        break;
    case STORE_CREDIT_REFUSED:
        log_warning("profile %s: %s", p->name, why);
        infolog_add(infolog, p->name, INFOLOG_SHORT, INFOLOG_DEAD, number, "%s", why);
        break;
    case STORE_CREDIT_NOT_BOOKED:
        log_info("profile %s: %s", p->name, why);
        infolog_add(infolog, p->name, INFOLOG_SHORT, INFOLOG_REFUND, number, "%s", why);
        break;
    case STORE_CREDIT_KNOWN:
        break;
    }
}

/* has_costs - whether a credit in full gives back more than lines and
 * shipping (payment costs, discounts), which a credit of the rest does not */
static bool
has_costs(const order_t *o)
{
    for (size_t i = 0; i < o->ncharges; i++)
        if (o->charges[i].kind != CHARGE_SHIPPING)
            return true;
    return false;
}

/* rest_of - what is left of o after the credit notes so far, into rest */
static void
rest_of(const order_t *o, const store_credited_t *sofar, order_credit_t *rest)
{
    rest->lines = xcalloc(o->nlines + 1, sizeof *rest->lines);
    for (size_t k = 0; k < o->nlines; k++)
        if (o->lines[k].quantity_e4 > sofar->quantity_e4[k]) {
            rest->lines[rest->nlines].line = k;
            rest->lines[rest->nlines++].quantity_e4 = o->lines[k].quantity_e4
                                                      - sofar->quantity_e4[k];
        }
    for (size_t i = 0; i < o->ncharges; i++)
        if (o->charges[i].kind == CHARGE_SHIPPING && !sofar->shipping)
            rest->shipping = true;
}

/* credit_cancelled - a stored order the shop now calls cancelled or
 * refunded: in full, or (credited in part before) what is left, once */
static void
credit_cancelled(const profile_t *p, store_t *store, infolog_t *infolog, const order_t *o)
{
    order_credit_t full = { .full = true }, rest = { 0 };
    store_credited_t sofar = { .quantity_e4 = xcalloc(o->nlines + 1, sizeof (int64_t)),
                               .nlines = o->nlines };
    char    why[1024];

    if (!store_credited(store, p->name, o->number, &sofar))
        goto out;
    if (sofar.count == 0) {
        credit(p, store, infolog, o->number, "geannuleerd", &full, NULL, "is na het inlezen "
               "geannuleerd in de shop: er wordt een creditnota voor het hele bedrag geboekt");
        goto out;
    }
    if (sofar.unsure || has_costs(o)) {
        snprintf(why, sizeof why, "Order %lld is in de shop geheel terugbetaald na eerdere "
                 "deel-terugbetalingen, maar wat er nog te crediteren is weet koppel niet "
                 "zeker (%s): boek de creditnota voor het restant met de hand in SnelStart en "
                 "verwijder daarna deze melding met koppelctl dlq drop", (long long) o->number,
                 sofar.unsure ? "een eerdere creditnota is niet door koppel geboekt"
                 : "de order heeft betalingskosten of korting");
        credit(p, store, infolog, o->number, "geannuleerd", &rest, why, "");
        goto out;
    }
    rest_of(o, &sofar, &rest);
    if (rest.nlines > 0 || rest.shipping)       /* else all is credited already */
        credit(p, store, infolog, o->number, "geannuleerd", &rest, NULL, "is na eerdere "
               "deel-terugbetalingen geheel terugbetaald in de shop: er wordt een creditnota "
               "voor het restant geboekt");
out:
    free(rest.lines);
    free(sofar.quantity_e4);
}

/* notice_refunds - what the shop now says is refunded of a stored order: a
 * cancelled one in full (or what is left), else each partial refund the
 * source read */
static void
notice_refunds(const profile_t *p, store_t *store, infolog_t *infolog, const order_item_t *it)
{
    char    said[192];

    if (it->order->status == ORDER_CANCELLED) {
        credit_cancelled(p, store, infolog, it->order);
        return;
    }
    for (size_t i = 0; i < it->nrefunds; i++) {
        snprintf(said, sizeof said, "is in de shop deels terugbetaald (%s): er wordt een "
                 "creditnota voor de terugbetaalde regels geboekt", it->refunds[i].refund);
        credit(p, store, infolog, it->number, it->refunds[i].refund, &it->refunds[i].what,
               it->refunds[i].error, said);
    }
}

/* import_store_item - store one parsed item, inside the caller's transaction */
void
import_store_item(const profile_t *p, store_t *store, infolog_t *infolog, order_item_t *it,
                  const char *doc, size_t len, import_counts_t *counts)
{
    const char *name = p->name;

    if (it->order == NULL) {
        if (it->number < 0) {
            log_warning("profile %s: %s", name, it->error);
            store_reject_document(store, name, it->error, doc, len);
            counts->dead++;
        } else if (store_known(store, name, it->number) == DB_ABSENT) {
            log_warning("profile %s: %s", name, it->error);
            store_add_state(store, name, it->number, "dead", "fetch", it->error);
            infolog_add(infolog, name, INFOLOG_SHORT, INFOLOG_DEAD, it->number,
                        "%s", it->error);
            counts->dead++;
        }
        return;
    }
    order_set(&it->order->profile, name);
    switch (store_known(store, name, it->number)) {
    case DB_ERROR:
        return;                 /* unknown: the page's commit then fails */
    case DB_FOUND:
        notice_refunds(p, store, infolog, it);
        return;
    case DB_ABSENT:
        break;
    }
    switch (it->order->status) {
    case ORDER_PAID:
    case ORDER_OPEN:
        store_add_pending(store, it->order);
        notice_refunds(p, store, infolog, it);    /* refunded before koppel read it */
        counts->added++;
        break;
    case ORDER_CANCELLED:
        log_info("profile %s: order %lld was cancelled in the shop; it is not booked",
                 name, (long long) it->number);
        store_add_state(store, name, it->number, "skipped", "fetch",
                        "geannuleerd in de shop: wordt niet geboekt");
        infolog_add(infolog, name, INFOLOG_EXTENDED, INFOLOG_IMPORT_DONE, it->number,
                    "Order %lld is in de shop geannuleerd en wordt niet geboekt",
                    (long long) it->number);
        counts->skipped++;
        break;
    case ORDER_INCOMPLETE:
        break;
    }
}

int64_t
import_job_id(const import_t *self)
{
    return self->job_id;
}

const profile_t *
import_profile(const import_t *self)
{
    return self->p;
}

const char *
import_activity(const import_t *self)
{
    return self->activity;
}

const char *
import_summary(const import_t *self)
{
    return self->summary;
}

bool
import_auth_failed(const import_t *self)
{
    return self->auth_failed;
}

/* import_ready - whether a page can be read; the activity names it */
bool
import_ready(import_t *self)
{
    if (self->unreadable)
        return false;
    snprintf(self->activity, sizeof self->activity, "Bezig: profiel %s, %s",
             self->p->name, source_cursor_where(self->cursor));
    return true;
}

/* import_fetch - read the next page from the cursor */
void
import_fetch(import_t *self)
{
    order_page_destroy(&self->page);
    *self->fetch_err = 0;
    self->fetched = source_page(self->source, self->cursor, &self->page, self->fetch_err,
                                sizeof self->fetch_err);
}

/* import_source_new - a profile's shop for the reader thread */
source_t *
import_source_new(const profile_t *p)
{
    source_t *s = source_new(p);

    source_set_retry(s, 1, IMPORT_BACKOFF_MS, 30000);
    return s;
}

/* import_backoff_ms - the wait before try attempt+1 */
long
import_backoff_ms(int attempt, long asked, unsigned *jitter)
{
    long    d = 250;
    int     i;

    for (i = 1; i < attempt && d < IMPORT_BACKOFF_MS; i++)
        d *= 2;
    if (d > IMPORT_BACKOFF_MS)
        d = IMPORT_BACKOFF_MS;
    d = d / 2 + (long) (rand_r(jitter) % (unsigned) (d / 2 + 1));
    return asked > d ? asked : d;
}

/* import_store - store the page import_fetch read, with the position */
import_state_t
import_store(import_t *self)
{
    char    err[1024];
    order_page_t *page;
    source_position_t pos;
    size_t  i;

    if (self->fetched != SRC_OK) {
        self->auth_failed = self->fetched == SRC_AUTH;
        if (self->fetched == SRC_TRANSIENT && ++self->attempt < IMPORT_ATTEMPTS) {
            self->retry_ms = import_backoff_ms(self->attempt,
                                              source_retry_after_ms(self->source), &self->jitter);
            if (self->retry_ms <= IMPORT_RETRY_AFTER_MAX_MS) {
                log_warning("profile %s: %s; trying again in %ld ms", self->p->name,
                            self->fetch_err, self->retry_ms);
                return IMPORT_RETRY;
            }
        }
        if (self->fetched == SRC_TRANSIENT)
            snprintf(self->summary, sizeof self->summary, "de shop gaf geen bruikbaar antwoord "
                     "(%d %s); de volgende run probeert het opnieuw (\"%s\")", self->attempt,
                     self->attempt == 1 ? "poging" : "pogingen", self->fetch_err);
        else if (self->fetched == SRC_AUTH)
            snprintf(self->summary, sizeof self->summary, "%s; het profiel staat stil tot de "
                     "instellingen veranderen", self->fetch_err);
        else
            snprintf(self->summary, sizeof self->summary, "%s", self->fetch_err);
        return IMPORT_FAILED;
    }
    self->attempt = 0;
    page = self->page;
    self->page = NULL;
    self->pages++;
    if (!store_begin(self->store, err, sizeof err))
        goto storage;
    for (i = 0; i < page->nitems; i++)
        import_store_item(self->p, self->store, self->infolog, &page->items[i],
                          page->document, page->document_len, &self->counts);
    if (source_cursor_position(self->cursor, &pos)) {
        if (pos.number > 0)
            store_set_cursor(self->store, self->p->name, pos.number, pos.highest);
        if (*pos.modified_after)
            store_set_watermark(self->store, self->p->name, pos.modified_after);
    }
    if (!store_commit(self->store, err, sizeof err))
        goto storage;
    order_page_destroy(&page);
    if (source_cursor_done(self->cursor)) {
        snprintf(self->summary, sizeof self->summary, "%zu new orders, %zu cancelled, "
                 "%zu unreadable; %s", self->counts.added, self->counts.skipped, self->counts.dead,
                 source_cursor_summary(self->cursor));
        return IMPORT_DONE;
    }
    return IMPORT_MORE;

storage:
    snprintf(self->summary, sizeof self->summary, "koppel kan de orders niet opslaan; "
             "controleer of de schijf vol is, de volgende run probeert het opnieuw (\"%s\")",
             err);
    log_error("profile %s: %s", self->p->name, self->summary);
    order_page_destroy(&page);
    return IMPORT_FAILED;
}

/* import_retry_ms - the wait before the next try */
long
import_retry_ms(const import_t *self)
{
    return self->retry_ms;
}

/* import_step - read one page from the cursor and store it with the position */
import_state_t
import_step(import_t *self)
{
    if (!import_ready(self))
        return IMPORT_FAILED;
    import_fetch(self);
    return import_store(self);
}
