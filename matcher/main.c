/*
 * NAME
 *   koppel-matcher - recognise the customer of each order
 *
 * SYNOPSIS
 *   koppel-matcher [--config FILE] [--instance NAME] [--log-level LEVEL]
 *   koppel-matcher --explain ORDER.xml --relaties RELATIES.json --landen LANDEN.json
 *                  --recognition METHOD
 *   koppel-matcher --explain ORDER.xml --config FILE --profile NAME
 *
 * DESCRIPTION
 *   Takes orders from the fetcher (orders socket), recognises the customer
 *   among the relaties of the profile's administration (recognise.h) and
 *   passes order and decision to the booker (matched socket). Any number
 *   of matchers may run, each under its own --instance name: it says
 *   "ready" to the fetcher every quarter of koppel.matcher_heartbeat_ms,
 *   and the fetcher sends each profile's orders to one live matcher, by
 *   rendezvous hashing over their names (rendezvous.h). The fetcher's
 *   assign message lists the live matchers; a matcher then drops the index
 *   of every profile that is no longer its own, so that each index is held
 *   once. A matcher keeps no state of its own: its index
 *   is read from SnelStart (sync.h) when a profile's first order comes,
 *   and dropped after half an hour without orders. The index is filled
 *   and refreshed in slices of one request (a page of 500 relaties), one
 *   per turn of the loop, so that the control socket and the watchdog are
 *   answered in between; the profile's orders wait in a queue meanwhile
 *   and are recognised when it is ready. When SnelStart's limit holds the
 *   fill back, the next slice is a timer at the moment it allows.
 *
 *   --explain (explain_cmd.c) prints the decision for the first order of
 *   a Globecharge document (or with --source woocommerce, of WooCommerce
 *   order JSON) as one JSON object and exits 0 whatever the decision:
 *   offline against RELATIES.json and LANDEN.json (arrays as SnelStart's
 *   API returns them), or with --config/--profile against the profile's
 *   administration.
 */
#include <string.h>
#include <czmq.h>

#include "control.h"
#include "daemon.h"
#include "daemon_loop.h"
#include "explain_cmd.h"
#include "log.h"
#include "net.h"
#include "recognise.h"
#include "reload.h"
#include "rendezvous.h"
#include "sync.h"
#include "xalloc.h"

#define INDEX_IDLE_S 1800       /* an index unused this long is dropped */

static const char usage[] =
    "usage: koppel-matcher [--config FILE] [--instance NAME] [--log-level LEVEL]\n"
    "       koppel-matcher --explain ORDER.xml --relaties RELATIES.json --landen LANDEN.json\n"
    "                      --recognition METHOD\n"
    "       koppel-matcher --explain ORDER.xml [--config FILE] --profile NAME\n"
    "Recognises the customer of each order among the SnelStart relaties.\n"
    "  --config FILE        configuration (default $KOPPEL_CONFIG or " DEFAULT_CONFIG ")\n"
    "  --instance NAME      this matcher's name, for its control socket (default 1)\n"
    "  --log-level LEVEL    debug, info, warning or error\n"
    "  --explain FILE       print the decision for the document's first order as JSON\n"
    "  --source TYPE        the document's shop: globecharge (an XML feed document,\n"
    "                       the default) or woocommerce (order JSON as its API returns it)\n"
    "  --relaties FILE      JSON array of RelatieModel (offline explain)\n"
    "  --landen FILE        JSON array of LandModel (offline explain)\n"
    "  --recognition METHOD klantcode, email, klantcode-of-email, email-postcode,\n"
    "                       klantcode-of-email-postcode or slim\n"
    "  --profile NAME       explain with the profile's method and administration\n";

typedef struct matcher matcher_t;

typedef struct {                  /* a profile's fill timer argument */
    matcher_t *mt;
    int     i;
} fill_t;

struct matcher {
    cfg_t   *cfg;
    control_t *control;
    zsock_t *orders;          /* DEALER to the fetcher, known there by instance */
    const char *instance;     /* this matcher's name */
    char   **live;            /* the live matchers of the last assign message */
    size_t   nlive;
    bool     assigned;        /* an assign came: serve only the profiles of mine */
    zsock_t *matched;         /* PUSH to the booker */
    sync_t **syncs;           /* per profile */
    zlistx_t **waiting;       /* per profile: orders waiting for its index */
    int     *fill_timer;      /* per profile: the next slice of its fill, or -1 */
    fill_t  *fills;
    daemon_loop_t *loop;
    reload_t *reload;         /* SIGHUP and "reload": koppel.cfg read again */
    cfg_t  **retired;         /* earlier configurations a kept index still holds */
    size_t   nretired;
};

/* destroy_msg - zlistx destructor of a waiting message */
static void
destroy_msg(void **item)
{
    msg_destroy((msg_t **) item);
}

/* pass_on - recognise one order's customer with profile i's index and pass it
 * to the booker */
static void
pass_on(matcher_t *mt, int i, msg_t *m)
{
    control_activity(mt->control, "Bezig: profiel %s, order %lld", m->profile,
                     (long long) m->order->number);
    m->match = match_new();
    recognise(mt->syncs[i]->index, m->order, mt->cfg->profiles[i].recognition, m->match);
    m->type = MSG_MATCHED;
    if (net_send(mt->matched, m))
        control_count(mt->control, match_decision_name(m->match->decision), 1);
    else
        log_warning("order %lld: the booker takes no orders now; the fetcher sends it again",
                    (long long) m->order->number);
    msg_destroy(&m);
}

/* pass_on_waiting - recognise every order waiting for profile i's index */
static void
pass_on_waiting(matcher_t *mt, int i)
{
    msg_t  *m;

    while ((m = zlistx_detach(mt->waiting[i], NULL)) != NULL)
        pass_on(mt, i, m);
    control_activity(mt->control, NULL);
}

/* drop_waiting - the index cannot be had now: the fetcher sends them again */
static void
drop_waiting(matcher_t *mt, int i, const char *err)
{
    msg_t  *m;

    while ((m = zlistx_detach(mt->waiting[i], NULL)) != NULL) {
        log_warning("order %lld not recognised now: %s", (long long) m->order->number, err);
        control_count(mt->control, "later", 1);
        msg_destroy(&m);
    }
    control_activity(mt->control, NULL);
}

static void fill_slice(daemon_loop_t *loop, void *arg);

/* schedule_fill - the next slice of profile i's fill after ms */
static void
schedule_fill(matcher_t *mt, int i, size_t ms)
{
    if (mt->fill_timer[i] < 0)
        mt->fill_timer[i] = daemon_loop_once(mt->loop, ms, "index fill", fill_slice,
                                             &mt->fills[i]);
}

/* fill_slice - one slice of filling or refreshing a profile's index (one page
 * of 500 relaties), so that the loop answers between slices; when it is
 * ready, the orders that waited for it are recognised */
static void
fill_slice(daemon_loop_t *loop, void *arg)
{
    fill_t *fl = arg;
    matcher_t *mt = fl->mt;
    int     i = fl->i;
    sync_t *sy = mt->syncs[i];
    char    err[1024];
    int64_t now_ms = zclock_time();

    mt->fill_timer[i] = -1;
    control_activity(mt->control, "Bezig: profiel %s, klanten lezen (%zu relaties)",
                     mt->cfg->profiles[i].name, relatie_index_count(sy->index));
    switch (sync_step(sy, time(NULL), err, sizeof err)) {
    case SYNC_MORE:
        schedule_fill(mt, i, sy->next_slice_ms > now_ms
                             ? (size_t) (sy->next_slice_ms - now_ms) : 0);
        return;
    case SYNC_READY:
        pass_on_waiting(mt, i);
        return;
    case SYNC_FAILED:
        break;
    }
    if (sy->filled) {                   /* a refresh failed: the index as it is */
        log_warning("%s; the index read earlier is used", err);
        pass_on_waiting(mt, i);
    } else if (sy->not_before_ms > now_ms) {
        /* SnelStart's limit: the fill goes on when it allows, the orders wait */
        log_info("profile %s: the customer index goes on filling at %lld: %s",
                 mt->cfg->profiles[i].name, (long long) sy->not_before_ms, err);
        schedule_fill(mt, i, (size_t) (sy->not_before_ms - now_ms) + 1);
        control_activity(mt->control, NULL);
    } else
        drop_waiting(mt, i, err);       /* without an index nothing can be decided */
}

/* holds - whether a kept index holds a profile of configuration c */
static bool
holds(const matcher_t *mt, const cfg_t *c)
{
    size_t  i;

    for (i = 0; i < mt->cfg->nprofiles; i++)
        if (mt->syncs[i] && mt->syncs[i]->p >= c->profiles
            && mt->syncs[i]->p < c->profiles + c->nprofiles)
            return true;
    return false;
}

/* sweep - free the earlier configurations no index holds any more */
static void
sweep(matcher_t *mt)
{
    size_t  i = 0;

    while (i < mt->nretired)
        if (holds(mt, mt->retired[i])) {
            i++;
        } else {
            cfg_destroy(&mt->retired[i]);
            mt->retired[i] = mt->retired[--mt->nretired];
        }
}

/* mine - whether profile i is this matcher's: every profile until the
 * fetcher's first assign, then those the live set gives this name */
static bool
mine(const matcher_t *mt, size_t i)
{
    int     k;

    if (!mt->assigned)
        return true;
    k = rendezvous_owner(mt->cfg->profiles[i].name, mt->live, mt->nlive);
    return k >= 0 && strcmp(mt->live[k], mt->instance) == 0;
}

/* give_up - drop the index of every profile another matcher serves now; the
 * orders that waited for one are the fetcher's to send to that matcher */
static void
give_up(matcher_t *mt)
{
    size_t  i, n;

    for (i = 0; i < mt->cfg->nprofiles; i++) {
        if (mine(mt, i) || (mt->syncs[i] == NULL && zlistx_size(mt->waiting[i]) == 0))
            continue;
        if (mt->fill_timer[i] >= 0)
            daemon_loop_cancel(mt->loop, mt->fill_timer[i]);
        mt->fill_timer[i] = -1;
        n = zlistx_size(mt->waiting[i]);
        zlistx_purge(mt->waiting[i]);
        sync_destroy(&mt->syncs[i]);
        log_info("profile %s: served by another matcher now; its customer index dropped "
                 "(%zu waiting orders left to the fetcher)", mt->cfg->profiles[i].name, n);
    }
    sweep(mt);
}

/* apply - reload callback: recognition counts from the next order. An index
 * is kept, with its fill going on, when its profile reads the same
 * administration the same way (it holds its profile of the old
 * configuration, which is kept until no index does); any other is read
 * again when next needed. Orders waiting for an index move with their
 * profile; those of a removed profile are left to the fetcher's resend. */
static void
apply(void *arg, cfg_t *fresh, const int *old_index)
{
    matcher_t *mt = arg;
    size_t  n = fresh->nprofiles, i;
    sync_t **syncs = xcalloc(n + 1, sizeof *syncs);
    zlistx_t **waiting = xcalloc(n + 1, sizeof *waiting);
    int     j;

    for (i = 0; i < mt->cfg->nprofiles; i++)
        if (mt->fill_timer[i] >= 0)
            daemon_loop_cancel(mt->loop, mt->fill_timer[i]);
    for (i = 0; i < n; i++) {
        if ((j = old_index[i]) >= 0) {
            waiting[i] = mt->waiting[j];
            mt->waiting[j] = NULL;
            if (mt->syncs[j] && cfg_administration_same(mt->syncs[j]->p, &fresh->profiles[i])) {
                syncs[i] = mt->syncs[j];
                mt->syncs[j] = NULL;
            }
        }
        if (waiting[i] == NULL) {
            waiting[i] = zlistx_new();
            zlistx_set_destructor(waiting[i], destroy_msg);
        }
    }
    for (i = 0; i < mt->cfg->nprofiles; i++) {
        sync_destroy(&mt->syncs[i]);
        zlistx_destroy(&mt->waiting[i]);
    }
    free(mt->syncs);
    free(mt->waiting);
    free(mt->fill_timer);
    free(mt->fills);
    mt->syncs = syncs;
    mt->waiting = waiting;
    mt->fill_timer = xcalloc(n + 1, sizeof *mt->fill_timer);
    mt->fills = xcalloc(n + 1, sizeof *mt->fills);
    mt->retired = xrealloc(mt->retired, (mt->nretired + 1) * sizeof *mt->retired);
    mt->retired[mt->nretired++] = mt->cfg;
    mt->cfg = fresh;
    for (i = 0; i < n; i++) {
        mt->fill_timer[i] = -1;
        mt->fills[i] = (fill_t) { mt, (int) i };
        if (zlistx_size(mt->waiting[i]) > 0) {
            if (mt->syncs[i] == NULL)
                mt->syncs[i] = sync_new(&mt->cfg->profiles[i]);
            schedule_fill(mt, (int) i, 0);
        }
    }
    give_up(mt);                        /* profiles added or renamed may be another's */
}

/* take_assign - the fetcher's list of live matchers */
static void
take_assign(matcher_t *mt, msg_t *m)
{
    size_t  i;

    for (i = 0; i < mt->nlive; i++)
        free(mt->live[i]);
    free(mt->live);
    mt->live = m->args;             /* taken over from the message */
    mt->nlive = m->nargs;
    m->args = NULL;
    m->nargs = 0;
    mt->assigned = true;
    give_up(mt);
}

/* say_ready - the heartbeat to the fetcher, every quarter of its interval (a
 * reload's new interval counts from the next one) */
static void
say_ready(daemon_loop_t *loop, void *arg)
{
    matcher_t *mt = arg;
    msg_t  *m = msg_new(MSG_READY);

    msg_set(&m->text, mt->instance);
    net_send(mt->orders, m);            /* not connected: nothing to tell yet */
    msg_destroy(&m);
    daemon_loop_once(mt->loop, (size_t) mt->cfg->matcher_heartbeat_ms / 4, "heartbeat",
                     say_ready, mt);
}

/* take_order - recognise one order's customer and pass it on; while its
 * profile's index is being filled or refreshed, the order waits for it */
static void
take_order(daemon_loop_t *loop, void *arg)
{
    matcher_t *mt = arg;
    msg_t  *m = net_recv(mt->orders, "orders socket");
    char    shown[LOG_SHOW_MAX * 2 + 8];
    int     i;

    if (m == NULL)
        return;
    if (m->type == MSG_ASSIGN) {
        take_assign(mt, m);
        msg_destroy(&m);
        return;
    }
    if (m->type != MSG_ORDER) {
        log_peer_warning("orders socket", "orders socket: expected an order, got a %s message",
                         msg_type_name(m->type));
        msg_destroy(&m);
        return;
    }
    if ((i = cfg_profile_index(mt->cfg, m->profile)) < 0) {
        log_peer_warning("orders socket", "orders socket: order %lld of unknown profile "
                         "\"%s\" ignored", (long long) m->order->number,
                         log_show(m->profile, shown, sizeof shown));
        msg_destroy(&m);
        return;
    }
    if (mt->syncs[i] && mt->syncs[i]->auth_refused && zlistx_size(mt->waiting[i]) == 0
        && reload_if_changed(mt->reload)        /* corrected keys count without a reload */
        && (i = cfg_profile_index(mt->cfg, m->profile)) < 0) {
        msg_destroy(&m);                /* removed by the file just read */
        return;
    }
    if (mt->syncs[i] == NULL)
        mt->syncs[i] = sync_new(&mt->cfg->profiles[i]);
    mt->syncs[i]->used_at = time(NULL);
    if (zlistx_size(mt->waiting[i]) == 0 && sync_ready(mt->syncs[i], time(NULL))) {
        pass_on(mt, i, m);
        control_activity(mt->control, NULL);
        return;
    }
    zlistx_add_end(mt->waiting[i], m);
    schedule_fill(mt, i, 0);
}

/* evict_idle - drop the index of profiles without orders for INDEX_IDLE_S: a
 * matcher serving many shops holds only the indexes of the active ones */
static void
evict_idle(daemon_loop_t *loop, void *arg)
{
    matcher_t *mt = arg;
    time_t  now = time(NULL);
    size_t  i;

    for (i = 0; i < mt->cfg->nprofiles; i++)
        if (mt->syncs[i] && now - mt->syncs[i]->used_at > INDEX_IDLE_S
            && mt->fill_timer[i] < 0 && zlistx_size(mt->waiting[i]) == 0) {
            log_info("profile %s: customer index dropped after %d minutes without orders",
                     mt->cfg->profiles[i].name, INDEX_IDLE_S / 60);
            sync_destroy(&mt->syncs[i]);
        }
    sweep(mt);
}

/* status_extra - the size of each profile's index, how many profiles it serves */
static void
status_extra(void *arg, json_t *st)
{
    matcher_t *mt = arg;
    json_t *idx = json_object(), *stopped = json_object();
    json_int_t served = 0;
    size_t  i;

    for (i = 0; i < mt->cfg->nprofiles; i++) {
        served += mine(mt, i);
        if (mt->syncs[i] == NULL)
            continue;
        json_object_set_new(idx, mt->cfg->profiles[i].name, json_pack("{s:I, s:I, s:I, s:b}",
            "relaties", (json_int_t) relatie_index_count(mt->syncs[i]->index),
            "bytes", (json_int_t) relatie_index_bytes(mt->syncs[i]->index),
            "waiting", (json_int_t) zlistx_size(mt->waiting[i]),
            "filling", !sync_ready(mt->syncs[i], time(NULL))));
        if (mt->syncs[i]->auth_refused)     /* shown as stopped by koppelctl status */
            json_object_set_new(stopped, mt->cfg->profiles[i].name, json_string(
                "Gestopt: SnelStart weigert de sleutels - pas ze aan in koppel.cfg"));
    }
    json_object_set_new(st, "index", idx);
    json_object_set_new(st, "stopped", stopped);
    json_object_set_new(st, "profiles_served", json_integer(served));
    json_object_set_new(st, "assigned", json_boolean(mt->assigned));
}

int
main(int argc, char **argv)
{
    matcher_t mt = { 0 };
    const char *instance;
    char   *ep;
    size_t  i;
    int     rc;

    if ((rc = explain_mode(argc, argv, usage)) >= 0)
        return rc;
    mt.cfg = daemon_start(argc, argv, DAEMON_MATCHER, usage, &instance);
    mt.syncs = xcalloc(mt.cfg->nprofiles, sizeof *mt.syncs);
    mt.waiting = xcalloc(mt.cfg->nprofiles + 1, sizeof *mt.waiting);
    mt.fill_timer = xcalloc(mt.cfg->nprofiles + 1, sizeof *mt.fill_timer);
    mt.fills = xcalloc(mt.cfg->nprofiles + 1, sizeof *mt.fills);
    for (i = 0; i < mt.cfg->nprofiles; i++) {
        mt.waiting[i] = zlistx_new();
        zlistx_set_destructor(mt.waiting[i], destroy_msg);
        mt.fill_timer[i] = -1;
        mt.fills[i] = (fill_t) { &mt, (int) i };
    }
    ep = cfg_matcher_control(mt.cfg, instance);
    mt.control = control_new(ep, "matcher", instance);
    free(ep);
    control_status_extra(mt.control, status_extra, &mt);
    mt.instance = instance;
    mt.orders = net_dealer(mt.cfg->ep_orders, instance, "orders socket");
    mt.matched = net_socket(ZMQ_PUSH, mt.cfg->ep_matched, false, "matched socket");
    mt.loop = daemon_loop_new(mt.control, NULL);
    daemon_loop_reader(mt.loop, mt.orders, "orders socket", take_order, &mt);
    daemon_loop_every(mt.loop, 5000, "drop idle indexes", evict_idle, &mt);
    mt.reload = reload_new(mt.loop, mt.control, &mt.cfg, apply, &mt);
    say_ready(mt.loop, &mt);
    log_info("started as instance %s", instance);
    daemon_loop_run(mt.loop, "Gereed");
    reload_destroy(&mt.reload);
    daemon_loop_destroy(&mt.loop);
    for (i = 0; i < mt.cfg->nprofiles; i++) {
        sync_destroy(&mt.syncs[i]);
        zlistx_destroy(&mt.waiting[i]);
    }
    free(mt.syncs);
    free(mt.waiting);
    free(mt.fill_timer);
    free(mt.fills);
    for (i = 0; i < mt.nretired; i++)
        cfg_destroy(&mt.retired[i]);
    free(mt.retired);
    for (i = 0; i < mt.nlive; i++)
        free(mt.live[i]);
    free(mt.live);
    zsock_destroy(&mt.orders);
    zsock_destroy(&mt.matched);
    control_destroy(&mt.control);
    cfg_destroy(&mt.cfg);
    return 0;
}
