/*
 * NAME
 *   koppel-booker - create relaties and post verkoopboekingen in SnelStart
 *
 * SYNOPSIS
 *   koppel-booker [--config FILE] [--log-level LEVEL]
 *   koppel-booker --preview ORDER.xml --config FILE --profile NAME [--relatiecode N]
 *                 [--source globecharge|woocommerce] [--credit-note full|LINE:QTY,...]
 *                 [--factuur FILE.pdf]
 *
 * DESCRIPTION
 *   Takes recognised orders from the matchers (matched socket), books each
 *   one (book.h) and reports the outcome to the fetcher (outcomes socket):
 *   booked, or dead with the stage and a reason a bookkeeper understands.
 *   An order that may succeed later gets no outcome; the fetcher sends it
 *   again.
 *
 *   --preview (preview.c) prints, as one JSON object {"verkoopboeking":
 *   ..., "relatie": ... or null}, exactly the bodies koppel would send for
 *   the first order of a Globecharge document, and writes nothing. It
 *   works offline: grootboeken are shown as {"nummer": N}.
 */
#include <string.h>
#include <time.h>
#include <czmq.h>

#include "book.h"
#include "control.h"
#include "daemon.h"
#include "daemon_loop.h"
#include "infolog.h"
#include "ledger.h"
#include "log.h"
#include "money.h"
#include "net.h"
#include "netsec.h"
#include "order_seal.h"
#include "preview.h"
#include "queue.h"
#include "reload.h"
#include "size_limits.h"
#include "worker.h"
#include "xalloc.h"

#define WORKERS 4                 /* booking threads at most: one per profile up to this */
#define TAKE_MAX 1000             /* messages taken from the socket per turn of the loop */

static const char usage[] =
    "usage: koppel-booker [--config FILE] [--log-level LEVEL]\n"
    "       koppel-booker --preview ORDER.xml [--config FILE] --profile NAME [--relatiecode N]\n"
    "                     [--source TYPE] [--factuur FILE.pdf]\n"
    "Creates relaties and posts verkoopboekingen in SnelStart.\n"
    "  --config FILE      configuration (default $KOPPEL_CONFIG or " DEFAULT_CONFIG ")\n"
    "  --log-level LEVEL  debug, info, warning or error\n"
    "  --preview FILE     print the bodies koppel would post for the document's first\n"
    "                     order, as JSON, and write nothing\n"
    "  --profile NAME     the profile whose settings the preview uses\n"
    "  --relatiecode N    preview as booked on an existing relatie (no new relatie)\n"
    "  --credit-note R    preview the credit note of a refund: full, or\n"
    "                     LINE:QUANTITY,...[,shipping] (lines counted from 1)\n"
    "  --source TYPE      the document's shop: globecharge (XML feed, the default) or\n"
    "                     woocommerce (order JSON as its REST API returns it)\n"
    "  --factuur FILE     also write the invoice PDF koppel would attach to FILE\n";

typedef struct booker booker_t;

typedef enum {                    /* a profile's start-up check (worker.h) */
    CHECK_DUE = 0,                /* not made yet, or held back by the limits */
    CHECK_RUNNING,                /* on a worker */
    CHECK_DONE                    /* made; its outcome logged */
} check_state_t;

typedef struct {                  /* a parked profile's timer argument */
    booker_t *b;
    int     i;
} wake_t;

struct booker {
    cfg_t   *cfg;
    ledger_t *ledger;
    control_t *control;
    zsock_t *matched;         /* PULL from the matchers */
    zsock_t *outcomes;        /* PUSH to the fetcher */
    administration_t **admins;    /* per profile */
    char   **stopped;         /* per profile: why, or NULL */
    infolog_t *infolog;       /* the information log (manual 3.3) */
    daemon_loop_t *loop;
    queue_t *queue;           /* the orders waiting, per profile */
    workers_t *workers;       /* the booking threads */
    size_t   nworkers;
    check_state_t *checks;    /* per profile: its administration's start-up check */
    size_t   check_turn;      /* the profile whose check goes next, in turn */
    int     *timers;          /* per profile: its wake timer, or -1 */
    wake_t  *wakes;           /* per profile: the timer's argument */
    int     last_busy;        /* the profile last given to a worker, or -1 */
    int64_t last_order;       /* the first order of that batch */
    reload_t *reload;         /* SIGHUP and "reload": koppel.cfg read again */
    cfg_t   *pending;         /* a reload that waits for the batches on their way */
    int     *pending_index;   /* its old_index */
    order_seal_t *seal;       /* checks the fetcher's seal, seals outcomes */
    bool     check_seals;     /* matched socket not CURVE: an order must be sealed */
};

/* report - send an outcome to the fetcher */
static void
report(booker_t *b, const char *profile, const order_t *order, const char *token,
       const book_outcome_t *o)
{
    msg_t  *m = msg_new(MSG_OUTCOME);
    int64_t number = order->number;

    msg_set(&m->profile, profile);
    m->number = number;
    m->credit = order->credit.seq;
    msg_set(&m->token, token);
    msg_set(&m->result, o->result == BOOK_BOOKED ? "booked" : "dead");
    msg_set(&m->stage, o->stage);
    msg_set(&m->reason, o->reason);
    msg_set(&m->factuurnummer, o->factuurnummer);
    m->relatiecode = o->relatiecode;
    order_seal_sign(b->seal, m);
    if (!net_send(b->outcomes, m))
        log_warning("profile %s: order %lld: outcome not sent (queue full); the fetcher will "
                    "send the order again and it is reported then", profile, (long long) number);
    msg_destroy(&m);
}

/* customer_name - who an order is from, for the information log */
static void
customer_name(const order_t *o, char *buf, size_t len)
{
    const order_address_t *a = &o->billing;

    if (a->company && *a->company)
        snprintf(buf, len, "%s", a->company);
    else
        snprintf(buf, len, "%s%s%s", a->first_name ? a->first_name : "",
                 a->first_name && *a->first_name ? " " : "", a->last_name ? a->last_name : "");
}

/* finish - count, log and report the outcome of one order (token: its attempt's) */
static void
finish(booker_t *b, int i, const order_t *o, const char *token, const book_outcome_t *out)
{
    const char *profile = b->cfg->profiles[i].name;
    char    name[256], amount[32];

    /* a relatie changed, or not, whatever became of the booking */
    customer_name(o, name, sizeof name);
    if (out->relatie_updated) {
        control_count(b->control, "relaties_updated", 1);
        infolog_add(b->infolog, profile, INFOLOG_SHORT, INFOLOG_RELATIE_UPDATED,
                    o->number, "Klant %d %s bijgewerkt met de gegevens van order %lld",
                    (int) out->relatiecode, name, (long long) o->number);
    }
    if (out->relatie_not_updated[0] != '\0') {
        control_count(b->control, "relaties_not_updated", 1);
        infolog_add(b->infolog, profile, INFOLOG_SHORT, INFOLOG_RELATIE_NOT_UPDATED,
                    o->number, "Klant %d %s niet bijgewerkt: %s", (int) out->relatiecode,
                    name, out->relatie_not_updated);
    }
    switch (out->result) {
    case BOOK_BOOKED:
        control_count(b->control, "booked", 1);
        if (out->relatie_created) {
            control_count(b->control, "relaties_created", 1);
            infolog_add(b->infolog, profile, INFOLOG_SHORT, INFOLOG_RELATIE_CREATED,
                        o->number, "Nieuwe klant %d %s aangemaakt in SnelStart (order %lld)",
                        (int) out->relatiecode, name, (long long) o->number);
        }
        /* a repeat ("booked before": the ledger already has it) is a detail */
        if (order_is_credit(o))
            infolog_add(b->infolog, profile, strcmp(out->reason, "booked before") == 0
                        ? INFOLOG_EXTENDED : INFOLOG_SHORT, INFOLOG_BOOKED, o->number,
                        "Creditnota %s bij order %lld %sgeboekt, klant %d %s", out->factuurnummer,
                        (long long) o->number, strcmp(out->reason, "booked before") == 0
                        ? "was al eerder " : "", (int) out->relatiecode, name);
        else if (strcmp(out->reason, "booked before") == 0)
            infolog_add(b->infolog, profile, INFOLOG_EXTENDED, INFOLOG_BOOKED, o->number,
                        "Order %lld was al eerder geboekt als verkoopfactuur %s; niet opnieuw "
                        "geboekt", (long long) o->number, out->factuurnummer);
        else
            infolog_add(b->infolog, profile, INFOLOG_SHORT, INFOLOG_BOOKED, o->number,
                        "Order %lld geboekt als verkoopfactuur %s, klant %d %s, %s %s",
                        (long long) o->number, out->factuurnummer, (int) out->relatiecode,
                        name, o->currency,
                        money_format_cents_nl(o->total_incl_cents, amount, sizeof amount));
        if (out->followup_refused[0] != '\0')
            infolog_add(b->infolog, profile, INFOLOG_SHORT, INFOLOG_ERROR, o->number,
                        "Order %lld is geboekt als verkoopfactuur %s, maar %s",
                        (long long) o->number, out->factuurnummer, out->followup_refused);
        log_info("profile %s: order %lld: %s", profile, (long long) o->number, out->reason);
        report(b, profile, o, token, out);
        break;
    case BOOK_DEAD:
        control_count(b->control, "dead", 1);
        log_warning("profile %s: order %lld cannot be booked (%s): %s", profile,
                    (long long) o->number, out->stage, out->reason);
        infolog_add(b->infolog, profile, INFOLOG_SHORT, INFOLOG_DEAD, o->number,
                    "%s %lld niet geboekt (staat bij Niet geboekt): %s", order_is_credit(o)
                    ? "Creditnota bij order" : "Order", (long long) o->number, out->reason);
        report(b, profile, o, token, out);
        break;
    case BOOK_LATER:
        control_count(b->control, "later", 1);
        log_warning("profile %s: order %lld not booked now (%s): %s", profile,
                    (long long) o->number, out->stage, out->reason);
        if (out->stop_profile && b->stopped[i] == NULL) {
            b->stopped[i] = xstrdup("Gestopt: SnelStart weigert de sleutels - pas ze aan in "
                                    "koppel.cfg");
            log_error("profile %s: %s; fix the SnelStart keys in the configuration: the "
                      "profile books again when they change", profile, out->reason);
            infolog_add(b->infolog, profile, INFOLOG_SHORT, INFOLOG_ERROR, 0, "Boeken gestopt: "
                        "SnelStart weigert de sleutels (%s); pas de client key of subscription "
                        "key aan in Instellingen", out->reason);
        }
        break;
    }
}

/* now_ms - the wall clock in epoch ms */
static int64_t
now_ms(void)
{
    return zclock_time();
}

/* show_activity - what the booker does, for status: a batch on its way, else
 * the earliest wait for SnelStart's limit, else "Gereed" */
static void
show_activity(booker_t *b)
{
    size_t  i;
    int     first = -1;
    int64_t until, best = 0;
    const char *why, *best_why = "";
    char    hhmm[16];
    time_t  t;
    struct tm tm;

    if (b->last_busy >= 0 && queue_busy(b->queue, b->last_busy)) {
        control_activity(b->control, "Bezig: profiel %s, order %lld",
                         b->cfg->profiles[b->last_busy].name, (long long) b->last_order);
        return;
    }
    for (i = 0; i < b->cfg->nprofiles; i++) {
        if (queue_busy(b->queue, (int) i)) {
            control_activity(b->control, "Bezig: profiel %s%s", b->cfg->profiles[i].name,
                             b->checks[i] == CHECK_RUNNING ? ", administratie controleren" : "");
            return;
        }
        if ((until = queue_parked(b->queue, (int) i, &why)) > 0
            && queue_length(b->queue, (int) i) > 0 && (first < 0 || until < best)) {
            first = (int) i;
            best = until;
            best_why = why;
        }
    }
    if (first < 0) {
        control_activity(b->control, NULL);
        return;
    }
    t = (time_t) (best / 1000);
    localtime_r(&t, &tm);
    strftime(hhmm, sizeof hhmm, "%H:%M", &tm);
    control_activity(b->control, "Wacht op SnelStart-limiet tot %s (%s)", hhmm, best_why);
}

static void dispatch(booker_t *b);

/* on_wake - a parked profile's wait is over: give it its turn */
static void
on_wake(daemon_loop_t *loop, void *arg)
{
    wake_t *w = arg;
    booker_t *b = w->b;

    b->timers[w->i] = -1;
    dispatch(b);
}

/* park - profile i waits until until_ms (SnelStart's limit or Retry-After):
 * a one-shot timer gives it its turn again; the others go on */
static void
park(booker_t *b, int i, int64_t until_ms, const char *reason)
{
    int64_t ms = until_ms - now_ms();

    queue_park(b->queue, i, until_ms, reason);
    if (b->timers[i] >= 0)
        daemon_loop_cancel(b->loop, b->timers[i]);
    b->timers[i] = daemon_loop_once(b->loop, ms > 0 ? (size_t) ms + 1 : 0, "profile wait",
                                    on_wake, &b->wakes[i]);
    log_info("profile %s: %zu orders wait for SnelStart until %lld (%s)",
             b->cfg->profiles[i].name, queue_length(b->queue, i), (long long) until_ms, reason);
}

/* admin_wait - 0 when profile i's administration (made when first needed)
 * may be called now, else until when its limits hold it back, and why */
static int64_t
admin_wait(booker_t *b, int i, char *why, size_t whylen)
{
    int64_t ready;

    if (b->admins[i] == NULL)
        b->admins[i] = administration_new(&b->cfg->profiles[i]);
    ready = snelstart_ready_at(b->admins[i]->api, why, whylen);
    return *why && ready > now_ms() ? ready : 0;
}

/* start_check - give a free worker the start-up check of the next profile
 * in turn that waits for one, as a batch of no orders, while another
 * worker stays free for bookings; false when none may go now */
static bool
start_check(booker_t *b)
{
    size_t  n = b->cfg->nprofiles, k;
    batch_t *batch;
    int     i;
    int64_t until;
    char    why[64];

    if (b->nworkers > 1 && workers_idle(b->workers) < 2)
        return false;
    for (k = 0; k < n; k++) {
        i = (int) ((b->check_turn + k) % n);
        if (b->checks[i] != CHECK_DUE || b->stopped[i] || !queue_hold(b->queue, i, now_ms()))
            continue;                     /* made, refused keys, booking or parked */
        if ((until = admin_wait(b, i, why, sizeof why)) > 0) {
            queue_idle(b->queue, i);
            park(b, i, until, why);
            continue;
        }
        b->check_turn = (size_t) (i + 1) % n;
        b->checks[i] = CHECK_RUNNING;
        batch = xcalloc(1, sizeof *batch);
        batch->profile = i;
        batch->admin = b->admins[i];
        batch->check = true;
        log_debug("profile %s: the administration's check to a booking worker",
                  b->cfg->profiles[i].name);
        workers_submit(b->workers, batch);
        return true;
    }
    return false;
}

/* dispatch - give free workers the next batches, a profile at a time in
 * round robin, then the start-up checks still due; a profile whose
 * administration's limits do not allow a call now is parked without being
 * sent. A profile's first batch makes its check when that is still due */
static void
dispatch(booker_t *b)
{
    batch_t *batch;
    size_t  k;
    int     i;
    int64_t until;
    char    why[64];

    while (workers_idle(b->workers) > 0) {
        batch = xcalloc(1, sizeof *batch);
        if ((batch->n = queue_take(b->queue, now_ms(), &i, batch->msgs, WORKER_BATCH)) == 0) {
            free(batch);
            if (!start_check(b))
                break;
            continue;
        }
        if ((until = admin_wait(b, i, why, sizeof why)) > 0) {
            queue_put_back(b->queue, i, batch->msgs, batch->n);
            queue_idle(b->queue, i);
            free(batch);
            park(b, i, until, why);
            continue;
        }
        batch->profile = i;
        batch->admin = b->admins[i];
        if ((batch->check = b->checks[i] == CHECK_DUE))
            b->checks[i] = CHECK_RUNNING;
        b->last_busy = i;
        b->last_order = batch->msgs[0]->order->number;
        for (k = 0; k < batch->n; k++)
            log_debug("profile %s: order %lld to a booking worker", b->cfg->profiles[i].name,
                      (long long) batch->msgs[k]->order->number);
        workers_submit(b->workers, batch);
    }
    show_activity(b);
}

/* any_busy - whether a batch of some profile is with a worker */
static bool
any_busy(const booker_t *b)
{
    size_t  i;

    for (i = 0; i < b->cfg->nprofiles; i++)
        if (queue_busy(b->queue, (int) i))
            return true;
    return false;
}

/* take_over - the reloaded configuration in force, now that no worker holds
 * a profile: an administration read the same way is kept (its token and
 * rate budget with it) and given the new profile, its reference data and
 * default klant read again; the waiting orders move to their profile's new
 * place (those of a removed profile are left to the fetcher's resend) */
static void
take_over(booker_t *b, cfg_t *fresh, const int *old_index)
{
    administration_t **admins = xcalloc(fresh->nprofiles + 1, sizeof *admins);
    check_state_t *checks = xcalloc(fresh->nprofiles + 1, sizeof *checks);
    queue_t *queue = queue_new(fresh->nprofiles);
    msg_t  *msgs[WORKER_BATCH];
    size_t  i, k, n;
    int     j;

    for (i = 0; i < fresh->nprofiles; i++)
        if ((j = old_index[i]) >= 0 && b->admins[j]
            && cfg_administration_same(&b->cfg->profiles[j], &fresh->profiles[i])) {
            admins[i] = b->admins[j];
            b->admins[j] = NULL;
            admins[i]->p = &fresh->profiles[i];
            admins[i]->loaded_at = 0;               /* the grootboeken checked again */
            admins[i]->default_klant_id[0] = 0;     /* default_klantcode may differ */
            checks[i] = b->checks[j];               /* else due: a new administration */
        }
    while ((n = queue_take(b->queue, INT64_MAX, &j, msgs, WORKER_BATCH)) > 0) {
        queue_idle(b->queue, j);
        for (k = 0; k < n; k++) {
            int     to = cfg_profile_index(fresh, msgs[k]->profile);

            queue_done(b->queue, j, msgs[k]->order);
            if (to < 0 || !queue_add(queue, to, msgs[k]))
                msg_destroy(&msgs[k]);
        }
    }
    queue_destroy(&b->queue);
    b->queue = queue;
    for (i = 0; i < b->cfg->nprofiles; i++) {
        administration_destroy(&b->admins[i]);
        if (b->timers[i] >= 0)
            daemon_loop_cancel(b->loop, b->timers[i]);
    }
    free(b->admins);
    b->admins = admins;
    free(b->checks);
    b->checks = checks;
    b->check_turn = 0;
    free(b->timers);
    free(b->wakes);
    b->timers = xcalloc(fresh->nprofiles + 1, sizeof *b->timers);
    b->wakes = xcalloc(fresh->nprofiles + 1, sizeof *b->wakes);
    for (i = 0; i < fresh->nprofiles; i++) {
        b->timers[i] = -1;
        b->wakes[i] = (wake_t) { b, (int) i };
    }
    b->last_busy = -1;
    b->stopped = reload_stopped(b->stopped, b->cfg, fresh, old_index, "SnelStart");
    cfg_destroy(&b->cfg);
    b->cfg = fresh;
}

/* apply - reload callback: the new configuration counts from the next order.
 * A batch on its way holds its profile and administration: then the new
 * configuration waits until the last batch comes back (on_batch). */
static void
apply(void *arg, cfg_t *fresh, const int *old_index)
{
    booker_t *b = arg;

    if (b->pending) {                     /* a newer file replaces the waiting one */
        cfg_destroy(&b->pending);
        free(b->pending_index);
    }
    if (!any_busy(b)) {
        take_over(b, fresh, old_index);
        b->pending = NULL;
        b->pending_index = NULL;
        dispatch(b);                      /* a new administration's check */
        return;
    }
    b->pending = fresh;
    b->pending_index = xcalloc(fresh->nprofiles + 1, sizeof *b->pending_index);
    memcpy(b->pending_index, old_index, fresh->nprofiles * sizeof *old_index);
    log_info("the new configuration counts once the batches on their way are booked");
}

/* take_pending - a reload that waited for the workers, once none is busy */
static void
take_pending(booker_t *b)
{
    if (b->pending == NULL || any_busy(b))
        return;
    take_over(b, b->pending, b->pending_index);
    b->pending = NULL;
    free(b->pending_index);
    b->pending_index = NULL;
}

/* note_check - the outcome of profile i's start-up check, logged as the
 * booker did before its loop ran; held back by the limits, it is due again
 * and the profile waits (a batch's orders park it themselves) */
static void
note_check(booker_t *b, int i, const batch_t *batch)
{
    const char *profile = b->cfg->profiles[i].name;

    if (batch->check_wait.not_before_ms > 0) {
        b->checks[i] = CHECK_DUE;
        log_info("profile %s: de administratie wordt gecontroleerd zodra de limiet van "
                 "SnelStart het toelaat (%s)", profile, batch->check_wait.wait_reason);
        if (batch->n == 0)
            park(b, i, batch->check_wait.not_before_ms, batch->check_wait.wait_reason);
        return;
    }
    b->checks[i] = CHECK_DONE;
    if (!batch->check_ok)
        log_warning("profile %s: %s", profile, batch->check_err);
}

/* on_batch - a worker's batch came back: report each outcome; what has to wait
 * for SnelStart's limit goes back to the front of its queue and its profile
 * is parked until then; what may succeed later otherwise is left to the
 * fetcher's resend */
static void
on_batch(void *arg, batch_t *batch)
{
    booker_t *b = arg;
    int     i = batch->profile;
    msg_t  *back[WORKER_BATCH];
    size_t  k, nback = 0;
    int64_t until = 0;
    char    why[64] = "";

    queue_idle(b->queue, i);
    if (batch->check)
        note_check(b, i, batch);
    for (k = 0; k < batch->n; k++) {
        book_outcome_t *out = &batch->jobs[k].out;

        if (out->result == BOOK_LATER && out->not_before_ms > 0 && !out->stop_profile) {
            back[nback++] = batch->msgs[k];
            if (out->not_before_ms > until && *out->wait_reason) {
                until = out->not_before_ms;
                snprintf(why, sizeof why, "%s", out->wait_reason);
            }
            continue;
        }
        finish(b, i, batch->msgs[k]->order,
               queue_token(b->queue, i, batch->msgs[k]->order), out);
        queue_done(b->queue, i, batch->msgs[k]->order);
        msg_destroy(&batch->msgs[k]);
    }
    if (b->stopped[i]) {                  /* refused keys: the fetcher sends them again */
        for (k = 0; k < nback; k++) {
            queue_done(b->queue, i, back[k]->order);
            msg_destroy(&back[k]);
        }
        queue_drop(b->queue, i);
    } else if (nback > 0) {
        queue_put_back(b->queue, i, back, nback);
        if (until > now_ms())
            park(b, i, until, why);
    }
    free(batch);
    take_pending(b);
    dispatch(b);
}

/* take_matched - put the recognised orders waiting into their profiles'
 * queues (a resend of one waiting or being booked is dropped), then give
 * the free workers their batches */
static void
take_matched(daemon_loop_t *loop, void *arg)
{
    booker_t *b = arg;
    msg_t  *m;
    size_t  n = 0, bytes = 0;
    int     i;
    char    shown[LOG_SHOW_MAX * 2 + 8];

    for (i = 0; i < (int) b->cfg->nprofiles; i++)
        if (b->stopped[i]) {            /* corrected keys count without a reload */
            reload_if_changed(b->reload);
            break;
        }
    /* a turn takes at most TAKE_MAX orders and LIMIT_BATCH_BYTES as received
     * (one order of any size always fits); the rest waits in the socket */
    while (n++ < TAKE_MAX && bytes < LIMIT_BATCH_BYTES
           && (m = net_recv_sized(b->matched, "matched socket", &bytes)) != NULL) {
        if (m->type != MSG_MATCHED) {
            log_peer_warning("matched socket", "matched socket: expected a matched order, "
                             "got a %s message", msg_type_name(m->type));
            msg_destroy(&m);
        } else if (b->check_seals && !order_seal_verify(b->seal, m)) {
            log_peer_warning("matched socket", "matched socket: order %lld of profile \"%s\" "
                             "dropped: the fetcher did not send it (its seal does not verify: "
                             "forged, or changed on the way)", (long long) m->order->number,
                             log_show(m->profile, shown, sizeof shown));
            control_count(b->control, "matched_refused", 1);
            msg_destroy(&m);
        } else if ((i = cfg_profile_index(b->cfg, m->profile)) < 0) {
            log_peer_warning("matched socket", "matched socket: order %lld of unknown "
                             "profile \"%s\" ignored", (long long) m->order->number,
                             log_show(m->profile, shown, sizeof shown));
            msg_destroy(&m);
        } else if (b->stopped[i])
            msg_destroy(&m);          /* the fetcher sends it again later */
        else {
            order_set(&m->order->profile, m->profile);
            if (!queue_add(b->queue, i, m))
                msg_destroy(&m);      /* a resend of one that waits or is being booked */
        }
    }
    dispatch(b);
}

/* status_extra - ledger figures, stopped profiles, and per profile what waits */
static void
status_extra(void *arg, json_t *st)
{
    booker_t *b = arg;
    json_t *stopped = json_object(), *profiles = json_object(), *pj;
    size_t  i;
    int64_t until;
    const char *why;

    json_object_set_new(st, "ledger", json_pack("{s:I, s:I, s:I}",
        "booked", (json_int_t) ledger_count(b->ledger, "booked"),
        "posting", (json_int_t) ledger_count(b->ledger, "posting"),
        "dead", (json_int_t) ledger_count(b->ledger, "dead")));
    for (i = 0; i < b->cfg->nprofiles; i++) {
        if (b->stopped[i])
            json_object_set_new(stopped, b->cfg->profiles[i].name, json_string(b->stopped[i]));
        until = queue_parked(b->queue, (int) i, &why);
        pj = json_pack("{s:I, s:b, s:b}", "queued",
                       (json_int_t) queue_length(b->queue, (int) i),
                       "booking", queue_busy(b->queue, (int) i),
                       "administration_checked", b->checks[i] == CHECK_DONE);
        if (until > now_ms()) {
            json_object_set_new(pj, "waiting_until", json_integer(until / 1000));
            json_object_set_new(pj, "waiting_until_ms", json_integer(until));
            json_object_set_new(pj, "waiting_reason", json_string(why));
        }
        json_object_set_new(profiles, b->cfg->profiles[i].name, pj);
    }
    json_object_set_new(st, "stopped", stopped);
    json_object_set_new(st, "profiles", profiles);
}

int
main(int argc, char **argv)
{
    booker_t b = { 0 };
    const char *instance;
    char    err[1024];
    char   *path;
    size_t  i, nworkers;
    int     rc;

    if ((rc = preview_mode(argc, argv, usage)) >= 0)
        return rc;
    b.cfg = daemon_start(argc, argv, DAEMON_BOOKER, usage, &instance);
    path = daemon_path(b.cfg, "booker.db");
    if ((b.ledger = ledger_open(path, err, sizeof err)) == NULL)
        log_fatal("%s", err);
    if ((b.seal = order_seal_open(b.cfg->state_dir, err, sizeof err)) == NULL)
        log_fatal("%s", err);
    b.check_seals = !netsec_curve_on(b.cfg->ep_matched);
    b.admins = xcalloc(b.cfg->nprofiles, sizeof *b.admins);
    b.stopped = xcalloc(b.cfg->nprofiles, sizeof *b.stopped);
    b.timers = xcalloc(b.cfg->nprofiles + 1, sizeof *b.timers);
    b.wakes = xcalloc(b.cfg->nprofiles + 1, sizeof *b.wakes);
    b.checks = xcalloc(b.cfg->nprofiles + 1, sizeof *b.checks);
    b.last_busy = -1;
    b.queue = queue_new(b.cfg->nprofiles);
    b.control = control_new(b.cfg->ep_control[DAEMON_BOOKER], "booker", instance);
    control_status_extra(b.control, status_extra, &b);
    if ((b.infolog = infolog_open(b.cfg->state_dir, err, sizeof err)) == NULL)
        log_warning("%s", err);
    b.matched = net_socket(ZMQ_PULL, b.cfg->ep_matched, true, "matched socket");
    b.outcomes = net_socket(ZMQ_PUSH, b.cfg->ep_outcomes, false, "outcomes socket");
    for (i = 0; i < b.cfg->nprofiles; i++) {
        b.timers[i] = -1;
        b.wakes[i] = (wake_t) { &b, (int) i };
        b.admins[i] = administration_new(&b.cfg->profiles[i]);
    }
    b.loop = daemon_loop_new(b.control, b.infolog);
    nworkers = b.cfg->nprofiles < WORKERS ? b.cfg->nprofiles : WORKERS;
    b.workers = workers_new(nworkers, path, b.loop, on_batch, &b);
    b.nworkers = nworkers > 0 ? nworkers : 1;
    free(path);
    b.reload = reload_new(b.loop, b.control, &b.cfg, apply, &b);
    daemon_loop_reader(b.loop, b.matched, "matched socket", take_matched, &b);
    log_info("started with %zu booking workers; state in %s", nworkers, b.cfg->state_dir);
    dispatch(&b);                         /* the administrations' checks, on the workers */
    daemon_loop_run(b.loop, "Gereed");
    workers_destroy(&b.workers);
    reload_destroy(&b.reload);
    cfg_destroy(&b.pending);
    free(b.pending_index);
    daemon_loop_destroy(&b.loop);
    queue_destroy(&b.queue);
    for (i = 0; i < b.cfg->nprofiles; i++) {
        administration_destroy(&b.admins[i]);
        free(b.stopped[i]);
    }
    free(b.admins);
    free(b.checks);
    free(b.stopped);
    free(b.timers);
    free(b.wakes);
    zsock_destroy(&b.matched);
    zsock_destroy(&b.outcomes);
    control_destroy(&b.control);
    ledger_close(&b.ledger);
    order_seal_destroy(&b.seal);
    infolog_close(&b.infolog);
    cfg_destroy(&b.cfg);
    return 0;
}
