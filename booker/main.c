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
 *   --preview prints, as one JSON object {"verkoopboeking": ..., "relatie":
 *   ... or null}, exactly the bodies koppel would send for the first order
 *   of a Globecharge document, and writes nothing. It works offline:
 *   grootboeken are shown as {"nummer": N}.
 */
#include <errno.h>
#include <getopt.h>
#include <string.h>
#include <czmq.h>

#include "boeking.h"
#include "book.h"
#include "control.h"
#include "daemon.h"
#include "db.h"
#include "shopdoc.h"
#include "ledger.h"
#include "infolog.h"
#include "log.h"
#include "net.h"
#include "relatie_body.h"
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
} booker_t;

/* preview - the --preview mode */
static int
preview(const char *file, const char *source, const char *config, const char *profile,
        long relatiecode)
{
    char    err[1024];
    char   *text;
    cfg_t  *cfg;
    const profile_t *p;
    order_page_t *page;
    json_t *out, *boeking, *relatie = NULL;
    char    klant[64];

    if ((cfg = cfg_load(daemon_config_path(config), err, sizeof err)) == NULL) {
        fprintf(stderr, "koppel-booker: %s\n", err);
        return 1;
    }
    if ((p = cfg_profile(cfg, profile)) == NULL) {
        fprintf(stderr, "koppel-booker: --profile %s: no such profile in %s\n", profile,
                cfg->path);
        cfg_destroy(&cfg);
        return 1;
    }
    if ((page = shopdoc_read_file(source, file, err, sizeof err)) == NULL) {
        fprintf(stderr, "koppel-booker: %s\n", err);
        cfg_destroy(&cfg);
        return 1;
    }
    if (page->nitems == 0 || page->items[0].order == NULL) {
        fprintf(stderr, "koppel-booker: %s: %s\n", file,
                page->nitems ? page->items[0].error : "the document holds no order");
        order_page_destroy(&page);
        cfg_destroy(&cfg);
        return 1;
    }
    order_set(&page->items[0].order->profile, p->name);
    if (relatiecode <= 0
        && (relatie = relatie_build(page->items[0].order, p, NULL, err, sizeof err)) == NULL) {
        fprintf(stderr, "koppel-booker: %s\n", err);
        order_page_destroy(&page);
        cfg_destroy(&cfg);
        return 1;
    }
    (void) klant;
    boeking = boeking_build(page->items[0].order, p, NULL, &(boeking_ctx_t) { NULL, NULL },
                            err, sizeof err);
    if (boeking == NULL) {
        fprintf(stderr, "koppel-booker: %s\n", err);
        json_decref(relatie);
        order_page_destroy(&page);
        cfg_destroy(&cfg);
        return 1;
    }
    if (relatiecode > 0)
        json_object_set_new(boeking, "klant", json_pack("{s:I}", "relatiecode",
                                                        (json_int_t) relatiecode));
    out = json_pack("{s:o, s:o}", "verkoopboeking", boeking, "relatie",
                    relatie ? relatie : json_null());
    text = boeking_dumps(out);
    printf("%s\n", text);
    free(text);
    json_decref(out);
    order_page_destroy(&page);
    cfg_destroy(&cfg);
    return 0;
}

/* report - send an outcome to the fetcher */
static void
report(booker_t *b, const char *profile, int64_t number, const book_outcome_t *o)
{
    msg_t  *m = msg_new(MSG_OUTCOME);

    msg_set(&m->profile, profile);
    m->number = number;
    msg_set(&m->result, o->result == BOOK_BOOKED ? "booked" : "dead");
    msg_set(&m->stage, o->stage);
    msg_set(&m->reason, o->reason);
    msg_set(&m->factuurnummer, o->factuurnummer);
    m->relatiecode = o->relatiecode;
    msg_set(&m->boeking_id, o->boeking_id);
    if (!net_send(b->outcomes, m))
        log_warning("profile %s: order %lld: outcome not sent (queue full); the fetcher will "
                    "send the order again and it is reported then", profile, (long long) number);
    msg_destroy(&m);
}

/* finish - count, log and report the outcome of one order */
static void
finish(booker_t *b, int i, const order_t *o, const book_outcome_t *out)
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
        report(b, profile, o->number, out);
        break;
    case BOOK_DEAD:
        control_count(b->control, "dead", 1);
        log_warning("profile %s: order %lld cannot be booked (%s): %s", profile,
                    (long long) o->number, out->stage, out->reason);
        infolog_add(b->infolog, profile, INFOLOG_SHORT, INFOLOG_DEAD, o->number,
                    "order %lld cannot be booked (%s): %s", (long long) o->number,
                    out->stage, out->reason);
        report(b, profile, o->number, out);
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
        if (k < njobs)
            continue;
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
        finish(b, i, jobs[k].o, &jobs[k].out);
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
take_matched(booker_t *b)
{
    msg_t  *msgs[BATCH], *m;
    size_t  n = 0, j;
    int     i;
    bool    handled[BATCH] = { false };

    while (n < BATCH && (m = net_recv(b->matched, "matched socket")) != NULL) {
        if (m->type != MSG_MATCHED) {
            log_warning("matched socket: expected a matched order, got a %s message",
                        msg_type_name(m->type));
            msg_destroy(&m);
        } else if ((i = cfg_profile_index(b->cfg, m->profile)) < 0) {
            log_warning("matched socket: order %lld of unknown profile \"%s\" ignored",
                        (long long) m->order->number, m->profile);
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

/* preview_mode - handle --preview before the daemon starts; -1 when not asked */
static int
preview_mode(int argc, char **argv)
{
    static const struct option opts[] = {
        { "preview", required_argument, NULL, 'p' },
        { "config", required_argument, NULL, 'c' },
        { "profile", required_argument, NULL, 'P' },
        { "relatiecode", required_argument, NULL, 'r' },
        { "source", required_argument, NULL, 's' },
        { NULL, 0, NULL, 0 },
    };
    const char *file = NULL, *config = NULL, *profile = NULL, *source = "globecharge";
    long    relatiecode = 0;
    int     i, c;
    char   *end;

    for (i = 1; i < argc; i++)
        if (strcmp(argv[i], "--preview") == 0 || strncmp(argv[i], "--preview=", 10) == 0)
            break;
    if (i == argc)
        return -1;
    log_init(argv[0], LOG_LEVEL_WARNING);
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'p':
            file = optarg;
            break;
        case 'c':
            config = optarg;
            break;
        case 'P':
            profile = optarg;
            break;
        case 's':
            source = optarg;
            break;
        case 'r':
            relatiecode = strtol(optarg, &end, 10);
            if (*end || relatiecode <= 0) {
                fprintf(stderr, "koppel-booker: --relatiecode %s: expected a number\n", optarg);
                return 2;
            }
            break;
        default:
            fprintf(stderr, "%s", usage);
            return 2;
        }
    }
    if (file == NULL || profile == NULL) {
        fprintf(stderr, "koppel-booker: --preview needs ORDER.xml and --profile NAME\n%s", usage);
        return 2;
    }
    return preview(file, source, config, profile, relatiecode);
}

int
main(int argc, char **argv)
{
    booker_t b = { 0 };
    const char *instance;
    char    err[1024];
    char   *path;
    zpoller_t *poller;
    int64_t last_watchdog = 0;
    size_t  i;
    int     rc;

    if ((rc = preview_mode(argc, argv)) >= 0)
        return rc;
    b.cfg = daemon_start(argc, argv, DAEMON_BOOKER, usage, &instance);
    path = daemon_path(b.cfg, "booker.db");
    if ((b.ledger = ledger_open(path, err, sizeof err)) == NULL)
        log_fatal("%s", err);
    free(path);
    b.admins = xcalloc(b.cfg->nprofiles, sizeof *b.admins);
    b.stopped = xcalloc(b.cfg->nprofiles, sizeof *b.stopped);
    b.control = control_new(b.cfg->ep_control[DAEMON_BOOKER], "booker", instance);
    control_status_extra(b.control, status_extra, &b);
    if ((b.infolog = infolog_open(b.cfg->state_dir, err, sizeof err)) == NULL)
        log_warning("%s", err);
    b.matched = net_socket(ZMQ_PULL, b.cfg->ep_matched, true, "matched socket");
    b.outcomes = net_socket(ZMQ_PUSH, b.cfg->ep_outcomes, false, "outcomes socket");
    poller = zpoller_new(control_sock(b.control), b.matched, NULL);
    for (i = 0; i < b.cfg->nprofiles; i++) {
        b.admins[i] = administration_new(&b.cfg->profiles[i]);
        if (!administration_check(b.admins[i], err, sizeof err))
            log_warning("profile %s: %s", b.cfg->profiles[i].name, err);
    }
    daemon_ready("Gereed");
    log_info("started; state in %s", b.cfg->state_dir);

    while (!zsys_interrupted) {
        zsock_t *which = zpoller_wait(poller, 1000);
        int64_t now = db_now();

        if (which == control_sock(b.control))
            control_handle(b.control);
        else if (which == b.matched)
            take_matched(&b);
        else if (zpoller_terminated(poller))
            break;
        infolog_tick(b.infolog);
        if (now - last_watchdog >= daemon_watchdog_interval()) {
            daemon_watchdog();
            last_watchdog = now;
        }
    }
    daemon_stopping();
    zpoller_destroy(&poller);
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
    infolog_close(&b.infolog);
    cfg_destroy(&b.cfg);
    return 0;
}
