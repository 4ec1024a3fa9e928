/*
 * NAME
 *   koppel-booker - create relaties and post verkoopboekingen in SnelStart
 *
 * SYNOPSIS
 *   koppel-booker [--config FILE] [--log-level LEVEL]
 *   koppel-booker --preview ORDER.xml --config FILE --profile NAME [--relatiecode N]
 *                 [--source globecharge|woocommerce]
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
#include <czmq.h>

#include "book.h"
#include "control.h"
#include "daemon.h"
#include "daemon_loop.h"
#include "infolog.h"
#include "ledger.h"
#include "log.h"
#include "net.h"
#include "netsec.h"
#include "order_seal.h"
#include "preview.h"
#include "size_limits.h"
#include "xalloc.h"

#define BATCH 64                  /* orders booked with one pair of ledger syncs */

static const char usage[] =
    "usage: koppel-booker [--config FILE] [--log-level LEVEL]\n"
    "       koppel-booker --preview ORDER.xml [--config FILE] --profile NAME [--relatiecode N]\n"
    "Creates relaties and posts verkoopboekingen in SnelStart.\n"
    "  --config FILE      configuration (default $KOPPEL_CONFIG or " DEFAULT_CONFIG ")\n"
    "  --log-level LEVEL  debug, info, warning or error\n"
    "  --preview FILE     print the bodies koppel would post for the document's first\n"
    "                     order, as JSON, and write nothing\n"
    "  --profile NAME     the profile whose settings the preview uses\n"
    "  --relatiecode N    preview as booked on an existing relatie (no new relatie)\n"
    "  --source TYPE      the document's shop: globecharge (XML feed, the default) or\n"
    "                     woocommerce (order JSON as its REST API returns it)\n";

typedef struct {
    cfg_t   *cfg;
    ledger_t *ledger;
    control_t *control;
    zsock_t *matched;         /* PULL from the matchers */
    zsock_t *outcomes;        /* PUSH to the fetcher */
    administration_t **admins;    /* per profile */
    char   **stopped;         /* per profile: why, or NULL */
    infolog_t *infolog;       /* the information log (manual 3.3) */
    order_seal_t *seal;       /* checks the fetcher's seal, seals outcomes */
    bool     check_seals;     /* matched socket not CURVE: an order must be sealed */
} booker_t;

/* report - send an outcome to the fetcher */
static void
report(booker_t *b, const char *profile, int64_t number, const char *token,
       const book_outcome_t *o)
{
    msg_t  *m = msg_new(MSG_OUTCOME);

    msg_set(&m->profile, profile);
    m->number = number;
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

/* finish - count, log and report the outcome of one order (token: its attempt's) */
static void
finish(booker_t *b, int i, const order_t *o, const char *token, const book_outcome_t *out)
{
    const char *profile = b->cfg->profiles[i].name;

    switch (out->result) {
    case BOOK_BOOKED:
        control_count(b->control, "booked", 1);
        if (out->relatie_created) {
            control_count(b->control, "relaties_created", 1);
            infolog_add(b->infolog, profile, INFOLOG_SHORT, INFOLOG_RELATIE_CREATED,
                        o->number, "relatie %d created", (int) out->relatiecode);
        }
        if (out->relatie_updated) {
            control_count(b->control, "relaties_updated", 1);
            infolog_add(b->infolog, profile, INFOLOG_SHORT, INFOLOG_RELATIE_UPDATED,
                        o->number, "relatie %d updated from the order", (int) out->relatiecode);
        }
        infolog_add(b->infolog, profile, INFOLOG_SHORT, INFOLOG_BOOKED, o->number,
                    "order %lld: %s", (long long) o->number, out->reason);
        log_info("profile %s: order %lld: %s", profile, (long long) o->number, out->reason);
        report(b, profile, o->number, token, out);
        break;
    case BOOK_DEAD:
        control_count(b->control, "dead", 1);
        log_warning("profile %s: order %lld cannot be booked (%s): %s", profile,
                    (long long) o->number, out->stage, out->reason);
        infolog_add(b->infolog, profile, INFOLOG_SHORT, INFOLOG_DEAD, o->number,
                    "order %lld cannot be booked (%s): %s", (long long) o->number,
                    out->stage, out->reason);
        report(b, profile, o->number, token, out);
        break;
    case BOOK_LATER:
        control_count(b->control, "later", 1);
        log_warning("profile %s: order %lld not booked now (%s): %s", profile,
                    (long long) o->number, out->stage, out->reason);
        if (out->stop_profile && b->stopped[i] == NULL) {
            b->stopped[i] = xasprintf("stopped: %s", out->reason);
            log_error("profile %s: %s; fix the SnelStart keys in the configuration: the "
                      "profile books again when they change", profile, out->reason);
            infolog_add(b->infolog, profile, INFOLOG_SHORT, INFOLOG_ERROR, 0, "%s; fix the "
                        "SnelStart keys in the configuration", out->reason);
        }
        break;
    }
}

/* book_profile - book the orders of profile i among a batch of messages */
static void
book_profile(booker_t *b, int i, msg_t **msgs, size_t n, bool *handled)
{
    book_job_t jobs[BATCH];
    const char *tokens[BATCH];
    int64_t attempts[BATCH];
    size_t  j, k, njobs = 0;

    if (b->admins[i] == NULL)
        b->admins[i] = administration_new(&b->cfg->profiles[i]);
    for (j = 0; j < n; j++) {
        if (handled[j] || cfg_profile_index(b->cfg, msgs[j]->profile) != i)
            continue;
        handled[j] = true;
        for (k = 0; k < njobs; k++)         /* a resend of an order in this batch */
            if (jobs[k].o->number == msgs[j]->order->number)
                break;
        if (k < njobs) {                    /* report to the later attempt, the fetcher's */
            if (msgs[j]->attempt > attempts[k]) {
                tokens[k] = msgs[j]->token;
                attempts[k] = msgs[j]->attempt;
            }
            continue;
        }
        tokens[njobs] = msgs[j]->token;
        attempts[njobs] = msgs[j]->attempt;
        memset(&jobs[njobs], 0, sizeof jobs[njobs]);
        jobs[njobs].o = msgs[j]->order;
        jobs[njobs].m = msgs[j]->match;
        control_activity(b->control, "booking profile %s, order %lld", msgs[j]->profile,
                         (long long) msgs[j]->order->number);
        book_prepare(b->admins[i], b->ledger, &jobs[njobs]);
        njobs++;
    }
    book_post(b->admins[i], b->ledger, jobs, njobs);
    for (k = 0; k < njobs; k++) {
        finish(b, i, jobs[k].o, tokens[k], &jobs[k].out);
        book_job_clear(&jobs[k]);
    }
}

/* resume - a profile stopped on refused keys runs again when its SnelStart
 * settings changed in the configuration file */
static bool
resume(booker_t *b, int i)
{
    if (!cfg_connection_changed(b->cfg, i))
        return false;
    log_info("profile %s: its SnelStart settings changed; it books again",
             b->cfg->profiles[i].name);
    free(b->stopped[i]);
    b->stopped[i] = NULL;
    administration_destroy(&b->admins[i]);
    return true;
}

/* take_matched - book the recognised orders waiting, in batches: the ledger
 * is synced twice a batch, not twice an order */
static void
take_matched(daemon_loop_t *loop, void *arg)
{
    booker_t *b = arg;
    msg_t  *msgs[BATCH], *m;
    size_t  n = 0, j;
    int     i;
    bool    handled[BATCH] = { false };
    char    shown[LOG_SHOW_MAX * 2 + 8];
    size_t  bytes = 0;

    /* a batch is at most BATCH orders and LIMIT_BATCH_BYTES as received (one
     * order of any size always fits): 64 of the largest orders held at once
     * would be a gigabyte */
    while (n < BATCH && bytes < LIMIT_BATCH_BYTES
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
        } else if (b->stopped[i] && !resume(b, i))
            msg_destroy(&m);          /* the fetcher sends it again later */
        else {
            order_set(&m->order->profile, m->profile);
            msgs[n++] = m;
        }
    }
    for (j = 0; j < n; j++)
        if (!handled[j])
            book_profile(b, cfg_profile_index(b->cfg, msgs[j]->profile), msgs, n, handled);
    for (j = 0; j < n; j++)
        msg_destroy(&msgs[j]);
    control_activity(b->control, NULL);
}

/* status_extra - ledger figures and stopped profiles */
static void
status_extra(void *arg, json_t *st)
{
    booker_t *b = arg;
    json_t *stopped = json_object();
    size_t  i;

    json_object_set_new(st, "ledger", json_pack("{s:I, s:I, s:I}",
        "booked", (json_int_t) ledger_count(b->ledger, "booked"),
        "posting", (json_int_t) ledger_count(b->ledger, "posting"),
        "dead", (json_int_t) ledger_count(b->ledger, "dead")));
    for (i = 0; i < b->cfg->nprofiles; i++)
        if (b->stopped[i])
            json_object_set_new(stopped, b->cfg->profiles[i].name, json_string(b->stopped[i]));
    json_object_set_new(st, "stopped", stopped);
}

int
main(int argc, char **argv)
{
    booker_t b = { 0 };
    const char *instance;
    char    err[1024];
    char   *path;
    daemon_loop_t *loop;
    size_t  i;
    int     rc;

    if ((rc = preview_mode(argc, argv, usage)) >= 0)
        return rc;
    b.cfg = daemon_start(argc, argv, DAEMON_BOOKER, usage, &instance);
    path = daemon_path(b.cfg, "booker.db");
    if ((b.ledger = ledger_open(path, err, sizeof err)) == NULL)
        log_fatal("%s", err);
    free(path);
    if ((b.seal = order_seal_open(b.cfg->state_dir, err, sizeof err)) == NULL)
        log_fatal("%s", err);
    b.check_seals = !netsec_curve_on(b.cfg->ep_matched);
    b.admins = xcalloc(b.cfg->nprofiles, sizeof *b.admins);
    b.stopped = xcalloc(b.cfg->nprofiles, sizeof *b.stopped);
    b.control = control_new(b.cfg->ep_control[DAEMON_BOOKER], "booker", instance);
    control_status_extra(b.control, status_extra, &b);
    if ((b.infolog = infolog_open(b.cfg->state_dir, err, sizeof err)) == NULL)
        log_warning("%s", err);
    b.matched = net_socket(ZMQ_PULL, b.cfg->ep_matched, true, "matched socket");
    b.outcomes = net_socket(ZMQ_PUSH, b.cfg->ep_outcomes, false, "outcomes socket");
    for (i = 0; i < b.cfg->nprofiles; i++) {
        b.admins[i] = administration_new(&b.cfg->profiles[i]);
        if (!administration_check(b.admins[i], err, sizeof err))
            log_warning("profile %s: %s", b.cfg->profiles[i].name, err);
    }
    loop = daemon_loop_new(b.control, b.infolog);
    daemon_loop_reader(loop, b.matched, "matched socket", take_matched, &b);
    log_info("started; state in %s", b.cfg->state_dir);
    daemon_loop_run(loop, "Gereed");
    daemon_loop_destroy(&loop);
    for (i = 0; i < b.cfg->nprofiles; i++) {
        administration_destroy(&b.admins[i]);
        free(b.stopped[i]);
    }
    free(b.admins);
    free(b.stopped);
    zsock_destroy(&b.matched);
    zsock_destroy(&b.outcomes);
    control_destroy(&b.control);
    ledger_close(&b.ledger);
    order_seal_destroy(&b.seal);
    infolog_close(&b.infolog);
    cfg_destroy(&b.cfg);
    return 0;
}
