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
 *   --explain prints the decision for the first order of a Globecharge
 *   document (or with --source woocommerce, of WooCommerce order JSON) as
 *   one JSON object and exits 0 whatever the decision:
 *   offline against RELATIES.json and LANDEN.json (arrays as SnelStart's
 *   API returns them), or with --config/--profile against the profile's
 *   administration.
 */
#include <errno.h>
#include <getopt.h>
#include <string.h>
#include <czmq.h>

#include "control.h"
#include "daemon.h"
#include "db.h"
#include "explain.h"
#include "shopdoc.h"
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

/* first_order - the first order of a shop document file; NULL with a message */
static order_t *
first_order(const char *file, const char *source)
{
    char    err[1024];
    order_page_t *page = shopdoc_read_file(source, file, err, sizeof err);
    order_t *o = NULL;

    if (page == NULL)
        fprintf(stderr, "koppel-matcher: %s\n", err);
    else if (page->nitems == 0 || page->items[0].order == NULL)
        fprintf(stderr, "koppel-matcher: %s: %s\n", file,
                page->nitems ? page->items[0].error : "the document holds no order");
    else
        o = order_dup(page->items[0].order);
    order_page_destroy(&page);
    return o;
}

/* load_json - a JSON array file */
static json_t *
load_json(const char *file, const char *what)
{
    json_error_t je;
    json_t *v = json_load_file(file, 0, &je);

    if (v == NULL)
        fprintf(stderr, "koppel-matcher: %s %s:%d: %s\n", what, file, je.line, je.text);
    else if (!json_is_array(v)) {
        fprintf(stderr, "koppel-matcher: %s %s: expected a JSON array\n", what, file);
        json_decref(v);
        v = NULL;
    }
    return v;
}

/* explain - the --explain mode */
static int
explain(const char *file, const char *source, const char *relaties, const char *landen,
        const char *method, const char *config, const char *profile)
{
    order_t *o = first_order(file, source);
    relatie_index_t *index = NULL;
    sync_t *sync = NULL;
    cfg_t  *cfg = NULL;
    recognition_t how = RECOGNITION_EMAIL;
    char    err[1024];
    char   *text;
    size_t  i;
    int     rc = 1;

    if (o == NULL)
        return 1;
    if (profile) {
        const profile_t *p;

        if ((cfg = cfg_load(daemon_config_path(config), err, sizeof err)) == NULL) {
            fprintf(stderr, "koppel-matcher: %s\n", err);
            goto done;
        }
        if ((p = cfg_profile(cfg, profile)) == NULL) {
            fprintf(stderr, "koppel-matcher: --profile %s: no such profile\n", profile);
            goto done;
        }
        how = p->recognition;
        sync = sync_new(p);
        if (!sync_fresh(sync, time(NULL), err, sizeof err)) {
            fprintf(stderr, "koppel-matcher: %s\n", err);
            goto done;
        }
        index = sync->index;
    } else {
        json_t *rel, *land;

        if (relaties == NULL || landen == NULL || method == NULL) {
            fprintf(stderr, "koppel-matcher: --explain needs --relaties, --landen and "
                    "--recognition, or --profile\n");
            goto done;
        }
        if (!recognition_parse(method, &how)) {
            fprintf(stderr, "koppel-matcher: --recognition %s: not a method (klantcode, email, "
                    "klantcode-of-email, email-postcode, klantcode-of-email-postcode, slim)\n",
                    method);
            goto done;
        }
        if ((rel = load_json(relaties, "--relaties")) == NULL)
            goto done;
        if ((land = load_json(landen, "--landen")) == NULL) {
            json_decref(rel);
            goto done;
        }
        index = relatie_index_new();
        relatie_index_set_landen(index, land);
        for (i = 0; i < json_array_size(rel); i++)
            if (!relatie_index_upsert_json(index, json_array_get(rel, i), err, sizeof err))
                fprintf(stderr, "koppel-matcher: --relaties %s: element %zu skipped: %s\n",
                        relaties, i, err);
        json_decref(rel);
        json_decref(land);
    }
    text = explain_json(index, o, how);
    printf("%s\n", text);
    free(text);
    rc = 0;
done:
    if (sync)
        sync_destroy(&sync);
    else
        relatie_index_destroy(&index);
    cfg_destroy(&cfg);
    order_destroy(&o);
    return rc;
}

/* explain_mode - handle --explain before the daemon starts; -1 when not asked */
static int
explain_mode(int argc, char **argv)
{
    static const struct option opts[] = {
        { "explain", required_argument, NULL, 'e' },
        { "relaties", required_argument, NULL, 'r' },
        { "landen", required_argument, NULL, 'l' },
        { "recognition", required_argument, NULL, 'm' },
        { "config", required_argument, NULL, 'c' },
        { "profile", required_argument, NULL, 'p' },
        { "source", required_argument, NULL, 's' },
        { NULL, 0, NULL, 0 },
    };
    const char *file = NULL, *rel = NULL, *land = NULL, *method = NULL, *config = NULL,
               *profile = NULL, *source = "globecharge";
    int     i, c;

    for (i = 1; i < argc; i++)
        if (strcmp(argv[i], "--explain") == 0 || strncmp(argv[i], "--explain=", 10) == 0)
            break;
    if (i == argc)
        return -1;
    log_init(argv[0], LOG_LEVEL_WARNING);
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'e': file = optarg; break;
        case 'r': rel = optarg; break;
        case 'l': land = optarg; break;
        case 'm': method = optarg; break;
        case 'c': config = optarg; break;
        case 'p': profile = optarg; break;
        case 's': source = optarg; break;
        default:
            fprintf(stderr, "%s", usage);
            return 2;
        }
    }
    return explain(file, source, rel, land, method, config, profile);
}

/* take_order - recognise one order's customer and pass it on */
static void
take_order(matcher_t *mt)
{
    msg_t  *m = net_recv(mt->orders, "orders socket");
    char    err[1024];
    int     i;

    if (m == NULL)
        return;
    if (m->type != MSG_ORDER) {
        log_warning("orders socket: expected an order, got a %s message", msg_type_name(m->type));
        msg_destroy(&m);
        return;
    }
    if ((i = cfg_profile_index(mt->cfg, m->profile)) < 0) {
        log_warning("orders socket: order %lld of unknown profile \"%s\" ignored",
                    (long long) m->order->number, m->profile);
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
evict_idle(matcher_t *mt, time_t now)
{
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
    zpoller_t *poller;
    int64_t last_watchdog = 0;
    size_t  i;
    int     rc;

    if ((rc = explain_mode(argc, argv)) >= 0)
        return rc;
    mt.cfg = daemon_start(argc, argv, DAEMON_MATCHER, usage, &instance);
    mt.syncs = xcalloc(mt.cfg->nprofiles, sizeof *mt.syncs);
    ep = cfg_matcher_control(mt.cfg, instance);
    mt.control = control_new(ep, "matcher", instance);
    free(ep);
    control_status_extra(mt.control, status_extra, &mt);
    mt.orders = net_socket(ZMQ_PULL, mt.cfg->ep_orders, false, "orders socket");
    mt.matched = net_socket(ZMQ_PUSH, mt.cfg->ep_matched, false, "matched socket");
    poller = zpoller_new(control_sock(mt.control), mt.orders, NULL);
    daemon_ready("Gereed");
    log_info("started as instance %s", instance);

    while (!zsys_interrupted) {
        zsock_t *which = zpoller_wait(poller, 1000);
        int64_t now = db_now();

        if (which == control_sock(mt.control))
            control_handle(mt.control);
        else if (which == mt.orders)
            take_order(&mt);
        else if (zpoller_terminated(poller))
            break;
        if (now - last_watchdog >= daemon_watchdog_interval()) {
            daemon_watchdog();
            evict_idle(&mt, now);
            last_watchdog = now;
        }
    }
    daemon_stopping();
    zpoller_destroy(&poller);
    for (i = 0; i < mt.cfg->nprofiles; i++)
        sync_destroy(&mt.syncs[i]);
    free(mt.syncs);
    zsock_destroy(&mt.orders);
    zsock_destroy(&mt.matched);
    control_destroy(&mt.control);
    cfg_destroy(&mt.cfg);
    return 0;
}
