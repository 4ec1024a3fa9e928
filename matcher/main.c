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
 *   of matchers may run: the fetcher spreads orders over them, and each
 *   serves every profile. A matcher keeps no state of its own: its index
 *   is read from SnelStart (sync.h) when a profile's first order comes,
 *   and dropped after half an hour without orders.
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

typedef struct {
    cfg_t   *cfg;
    control_t *control;
    zsock_t *orders;          /* PULL from the fetcher */
    zsock_t *matched;         /* PUSH to the booker */
    sync_t **syncs;           /* per profile */
} matcher_t;

/* take_order - recognise one order's customer and pass it on */
static void
take_order(daemon_loop_t *loop, void *arg)
{
    matcher_t *mt = arg;
    msg_t  *m = net_recv(mt->orders, "orders socket");
    char    err[1024], shown[LOG_SHOW_MAX * 2 + 8];
    int     i;

    if (m == NULL)
        return;
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
    if (mt->syncs[i] == NULL)
        mt->syncs[i] = sync_new(&mt->cfg->profiles[i]);
    mt->syncs[i]->used_at = time(NULL);
    control_activity(mt->control, "recognising profile %s, order %lld", m->profile,
                     (long long) m->order->number);
    if (!sync_fresh(mt->syncs[i], time(NULL), err, sizeof err) && !mt->syncs[i]->filled) {
        /* without an index nothing can be decided; the fetcher sends it again */
        log_warning("order %lld not recognised now: %s", (long long) m->order->number, err);
        control_count(mt->control, "later", 1);
        control_activity(mt->control, NULL);
        msg_destroy(&m);
        return;
    }
    m->match = match_new();
    recognise(mt->syncs[i]->index, m->order, mt->cfg->profiles[i].recognition, m->match);
    m->type = MSG_MATCHED;
    if (net_send(mt->matched, m))
        control_count(mt->control, match_decision_name(m->match->decision), 1);
    else
        log_warning("order %lld: the booker takes no orders now; the fetcher sends it again",
                    (long long) m->order->number);
    control_activity(mt->control, NULL);
    msg_destroy(&m);
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
        if (mt->syncs[i] && now - mt->syncs[i]->used_at > INDEX_IDLE_S) {
            log_info("profile %s: customer index dropped after %d minutes without orders",
                     mt->cfg->profiles[i].name, INDEX_IDLE_S / 60);
            sync_destroy(&mt->syncs[i]);
        }
}

/* status_extra - the size of each profile's index */
static void
status_extra(void *arg, json_t *st)
{
    matcher_t *mt = arg;
    json_t *idx = json_object();
    size_t  i;

    for (i = 0; i < mt->cfg->nprofiles; i++)
        if (mt->syncs[i])
            json_object_set_new(idx, mt->cfg->profiles[i].name, json_pack("{s:I, s:I}",
                "relaties", (json_int_t) relatie_index_count(mt->syncs[i]->index),
                "bytes", (json_int_t) relatie_index_bytes(mt->syncs[i]->index)));
    json_object_set_new(st, "index", idx);
}

int
main(int argc, char **argv)
{
    matcher_t mt = { 0 };
    const char *instance;
    char   *ep;
    daemon_loop_t *loop;
    size_t  i;
    int     rc;

    if ((rc = explain_mode(argc, argv, usage)) >= 0)
        return rc;
    mt.cfg = daemon_start(argc, argv, DAEMON_MATCHER, usage, &instance);
    mt.syncs = xcalloc(mt.cfg->nprofiles, sizeof *mt.syncs);
    ep = cfg_matcher_control(mt.cfg, instance);
    mt.control = control_new(ep, "matcher", instance);
    free(ep);
    control_status_extra(mt.control, status_extra, &mt);
    mt.orders = net_socket(ZMQ_PULL, mt.cfg->ep_orders, false, "orders socket");
    mt.matched = net_socket(ZMQ_PUSH, mt.cfg->ep_matched, false, "matched socket");
    loop = daemon_loop_new(mt.control, NULL);
    daemon_loop_reader(loop, mt.orders, "orders socket", take_order, &mt);
    daemon_loop_every(loop, 5000, "drop idle indexes", evict_idle, &mt);
    log_info("started as instance %s", instance);
    daemon_loop_run(loop, "Gereed");
    daemon_loop_destroy(&loop);
    for (i = 0; i < mt.cfg->nprofiles; i++)
        sync_destroy(&mt.syncs[i]);
    free(mt.syncs);
    zsock_destroy(&mt.orders);
    zsock_destroy(&mt.matched);
    control_destroy(&mt.control);
    cfg_destroy(&mt.cfg);
    return 0;
}
