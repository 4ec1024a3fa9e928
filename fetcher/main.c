/*
 * NAME
 *   koppel-fetcher - read orders from the shops, store them, send them on
 *
 * SYNOPSIS
 *   koppel-fetcher [--config FILE] [--log-level LEVEL]
 *
 * DESCRIPTION
 *   Takes import jobs from the scheduler (jobs socket), reads each
 *   profile's shop from its cursor and stores every order durably in
 *   fetcher.db before the cursor moves. Pending orders are sent to the
 *   matchers (orders socket), each profile's to the one matcher that serves
 *   it (shard.h), at most koppel.max_in_flight at a time, and
 *   sent again, with backoff, until the booker reports an outcome
 *   (outcomes socket): booked, or dead with a stage and a reason. The
 *   dead ones form the dead-letter queue, which koppelctl lists and
 *   replays through this daemon's control socket (dlq.c). With
 *   koppel.webhooks it also receives WooCommerce's order webhooks and
 *   stores their orders as a run does (webhook.c), so that they are booked
 *   within seconds; the runs stay as the safety net.
 *
 *   A profile whose shop refuses its username or password is stopped
 *   until its settings change in the configuration file: at a reload
 *   (SIGHUP or "reload", reload.h; apply() below) or at the profile's next
 *   run, when the file was written since it was read.
 *
 * DIAGNOSTICS
 *   Bad messages from peers are logged and dropped. A state file that
 *   cannot be opened is fatal.
 */
#include <string.h>
#include <czmq.h>

#include "control.h"
#include "daemon.h"
#include "daemon_loop.h"
#include "db.h"
#include "dlq.h"
#include "import.h"
#include "reader.h"
#include "infolog.h"
#include "log.h"
#include "net.h"
#include "netsec.h"
#include "order_seal.h"
#include "reload.h"
#include "shard.h"
#include "size_limits.h"
#include "status_text.h"
#include "store.h"
#include "webhook.h"
#include "xalloc.h"

static const char usage[] =
    "usage: koppel-fetcher [--config FILE] [--log-level LEVEL]\n"
    "Reads orders from the shops, stores them and sends them to the matchers.\n"
    "  --config FILE      configuration (default $KOPPEL_CONFIG or " DEFAULT_CONFIG ")\n"
    "  --log-level LEVEL  debug, info, warning or error\n";

typedef struct {
    cfg_t   *cfg;
    store_t *store;
    control_t *control;
    zsock_t *jobs;            /* PULL from the scheduler */
    zsock_t *events;          /* PUSH to the scheduler */
    zsock_t *orders;          /* ROUTER to the matchers, each by its name */
    shard_t *shard;           /* the live matchers, who serves which profile */
    zsock_t *outcomes;        /* PULL from the booker */
    zactor_t *watch_orders;   /* socket monitors: a matcher or the booker that */
    zactor_t *watch_outcomes; /* goes away took the orders it held with it */
    source_t **sources;       /* per profile: its shop, for the imports (on the reader) */
    reader_t *reader;         /* the thread that reads the import's pages and replays */
    char   **stopped;         /* per profile: why it is stopped, or NULL */
    import_t *import;         /* the run in progress */
    msg_t  **queue;           /* jobs waiting for their run, one per profile at most */
    size_t   nqueue, queue_cap;
    infolog_t *infolog;       /* the information log (manual 3.3) */
    dlq_t   *dlq;             /* the dead-letter commands */
    daemon_loop_t *loop;
    int      work_timer;      /* the next import step or job, -1 when none is due */
    reload_t *reload;         /* SIGHUP and "reload": koppel.cfg read again */
    cfg_t   *import_cfg;      /* after a reload during a run: the run's configuration */
    source_t *import_source;  /* and its shop, both freed when the run ends */
    int64_t  import_rewind;   /* from_order lowered during the run: the cursor goes
                                 back there when it ends (0: not) */
    order_seal_t *seal;       /* seals orders, checks the booker's outcomes */
    bool     check_seals;     /* outcomes socket not CURVE: an outcome must be sealed */
    webhook_t *hook;          /* WooCommerce webhook deliveries (koppel.webhooks) */
} fetcher_t;

/* source_of - the shop of a profile, for its imports: one try per call, the
 * import retries on a timer */
static source_t *
source_of(fetcher_t *f, int i)
{
    if (f->sources[i] == NULL)
        f->sources[i] = import_source_new(&f->cfg->profiles[i]);
    return f->sources[i];
}

/* rewind_cursor - from_order was lowered: the next run reads from there (orders
 * already stored are left alone, the booker's ledger refuses a second booking) */
static void
rewind_cursor(fetcher_t *f, const char *profile, int64_t from)
{
    char    err[512];

    if (store_rewind_cursor(f->store, profile, from, err, sizeof err))
        log_info("profile %s: from_order lowered: the next run reads from order %lld",
                 profile, (long long) from);
    else
        log_error("%s", err);
}

/* apply - reload callback: the new configuration counts from the next run.
 * A source holds its profile: every one is made again when next needed, but
 * the run in progress keeps its configuration and shop until it ends (the
 * reader thread may be reading a page with it right now). */
static void
apply(void *arg, cfg_t *fresh, const int *old_index)
{
    fetcher_t *f = arg;
    const profile_t *running = f->import ? import_profile(f->import) : NULL;
    int     r = running && f->import_cfg == NULL ? cfg_profile_index(f->cfg, running->name) : -1;
    size_t  i;
    int     j;

    for (i = 0; i < fresh->nprofiles; i++) {
        const profile_t *p = &fresh->profiles[i];

        if ((j = old_index[i]) < 0 || p->from_order >= f->cfg->profiles[j].from_order)
            continue;
        if (running && strcmp(running->name, p->name) == 0)
            f->import_rewind = f->import_rewind && f->import_rewind < p->from_order
                                ? f->import_rewind : p->from_order;
        else
            rewind_cursor(f, p->name, p->from_order);
    }
    for (i = 0; i < f->cfg->nprofiles; i++) {
        if ((int) i == r) {
            f->import_source = f->sources[i];
            f->sources[i] = NULL;
        }
        source_destroy(&f->sources[i]);
    }
    free(f->sources);
    f->sources = xcalloc(fresh->nprofiles + 1, sizeof *f->sources);
    f->stopped = reload_stopped(f->stopped, f->cfg, fresh, old_index, "shop");
    webhook_set_cfg(f->hook, fresh);
    dlq_set_cfg(f->dlq, fresh);           /* its sources go with the old profiles */
    if (r >= 0)
        f->import_cfg = f->cfg;           /* the run's, until it ends */
    else
        dlq_retire_cfg(f->dlq, &f->cfg);  /* or a replay's, until it is read */
    f->cfg = fresh;
}

/* stopped_text - what a profile whose shop refused its credentials shows */
static char *
stopped_text(const profile_t *p)
{
    return xasprintf("Gestopt: %s weigert de inloggegevens - pas ze aan in koppel.cfg",
                     strcmp(p->shop_type, "woocommerce") == 0 ? "WooCommerce" : "Globecharge");
}

/* job_done - tell the scheduler how a job ended */
static void
job_done(fetcher_t *f, int64_t job_id, const char *profile, const char *task, bool ok,
         const char *text)
{
    msg_t  *m = msg_new(MSG_JOB_DONE);

    m->job_id = job_id;
    msg_set(&m->profile, profile);
    msg_set(&m->task, task);
    m->ok = ok;
    msg_set(&m->text, text);
    if (!net_send(f->events, m))
        log_warning("cannot tell the scheduler that job %lld ended", (long long) job_id);
    msg_destroy(&m);
}

/* hello - tell the scheduler that no job of an earlier life of this fetcher runs */
static void
hello(fetcher_t *f)
{
    msg_t  *m = msg_new(MSG_HELLO);

    msg_set(&m->text, "fetcher");
    if (!net_send(f->events, m))
        log_warning("cannot greet the scheduler; runs it started before may show as "
                    "running for up to an hour");
    msg_destroy(&m);
}

/* send_order - store_send_due callback: one order to the matcher serving
 * its profile; none live, or the one chosen gone, and it waits */
static store_sent_t
send_order(void *arg, const char *profile, const order_t *o, int64_t attempt,
           const char *token, char *why, size_t whylen)
{
    fetcher_t *f = arg;
    msg_t  *m;
    bool    sent;
    const char *to;
    net_sent_t how;
    size_t  len;
    void   *buf;

    if (cfg_profile_index(f->cfg, profile) < 0)
        return STORE_SENT;  /* a profile removed by a reload: it waits, with its backoff,
                               in fetcher.db (sent again if the profile comes back) */
    m = msg_new(MSG_ORDER);
    m->order = order_dup(o);
    msg_set(&m->profile, profile);
    m->attempt = attempt;
    msg_set(&m->token, token);
    order_seal_sign(f->seal, m);
    /* a message over the limit makes the matcher drop the connection, on
     * every attempt: such an order can only become a dead letter */
    buf = msg_encode(m, &len);
    free(buf);
    if (len > LIMIT_MESSAGE_BYTES) {
        snprintf(why, whylen, "order %lld is te groot om tussen de onderdelen van koppel "
                 "door te geven (%zu bytes, hooguit %d): boek hem met de hand in SnelStart en "
                 "laat hem dan vallen (koppelctl dlq drop %s:%lld)", (long long) o->number, len,
                 LIMIT_MESSAGE_BYTES, profile, (long long) o->number);
        msg_destroy(&m);
        return STORE_UNSENDABLE;
    }
    to = shard_owner(f->shard, profile);
    how = to ? net_send_to(f->orders, to, m) : NET_FULL;
    if (how == NET_GONE)
        shard_forget(f->shard, to, "disconnected");     /* send_due moves its profiles */
    sent = how == NET_SENT;
    msg_destroy(&m);
    if (sent) {
        control_count(f->control, attempt == 1 ? "orders_sent" : "orders_resent", 1);
        if (attempt > 1)
            log_info("profile %s: order %lld sent again (attempt %lld): no outcome yet",
                     profile, (long long) o->number, (long long) attempt);
    }
    return sent ? STORE_SENT : STORE_QUEUE_FULL;
}

/* watch - a monitor telling when a peer of a socket disconnects */
static zactor_t *
watch(zsock_t *sock)
{
    zactor_t *m = zactor_new(zmonitor, sock);

    zstr_sendx(m, "LISTEN", "DISCONNECTED", NULL);
    zstr_sendx(m, "START", NULL);
    zsock_wait(m);
    return m;
}

/* peer_gone - a matcher or the booker disconnected: what it held is lost, so
 * every order on its way is sent again now rather than after its backoff */
static void
peer_gone(fetcher_t *f, zactor_t *monitor, const char *who)
{
    zmsg_t *ev = zmsg_recv(monitor);
    int64_t n = store_resend_now(f->store, db_now());

    zmsg_destroy(&ev);
    if (n > 0)
        log_info("a %s went away: %lld orders on their way are sent again", who,
                 (long long) n);
}

/* matcher_gone - the monitor of the orders socket saw a matcher disconnect */
static void
matcher_gone(daemon_loop_t *loop, void *arg)
{
    fetcher_t *f = arg;

    peer_gone(f, f->watch_orders, "matcher");
}

/* booker_gone - the monitor of the outcomes socket saw the booker disconnect */
static void
booker_gone(daemon_loop_t *loop, void *arg)
{
    fetcher_t *f = arg;

    peer_gone(f, f->watch_outcomes, "booker");
}

static void rebalance(fetcher_t *f);

/* send_due - send what is due, keeping at most max_in_flight orders on their
 * way: a daemon that dies then takes at most that many with it */
static void
send_due(fetcher_t *f, int64_t now)
{
    int64_t in_flight, room;

    if (!shard_settled(f->shard, zclock_time(), f->cfg->matcher_heartbeat_ms / 3))
        return;                           /* at the tick after every matcher said ready */
    in_flight = store_in_flight(f->store, now);
    room = f->cfg->max_in_flight - in_flight;
    if (in_flight >= 0 && room > 0)       /* unreadable (logged): at the next tick */
        store_send_due(f->store, now, f->cfg->resend_after_s, (size_t) room, send_order, f);
    if (shard_take_change(f->shard))      /* a send found a matcher gone */
        rebalance(f);
}

/* rebalance - the live matchers changed: tell them who serves what, and send
 * every order on its way again now, each to its profile's matcher (one that
 * gave a profile up dropped the orders of it that waited; the booker drops
 * a second copy of one it has) */
static void
rebalance(fetcher_t *f)
{
    int64_t n;

    shard_broadcast(f->shard, f->orders);
    shard_take_change(f->shard);          /* one found gone meanwhile: this round too */
    n = store_resend_now(f->store, db_now());
    if (n > 0)
        log_info("the profiles moved between matchers: %lld orders on their way are "
                 "sent again", (long long) n);
    send_due(f, db_now());
}

/* read_ready - take the matchers' heartbeats waiting on the orders socket */
static void
read_ready(fetcher_t *f)
{
    char    from[SHARD_NAME_MAX];
    msg_t  *m;

    while ((m = net_recv_from(f->orders, "orders socket", from, sizeof from)) != NULL) {
        if (m->type == MSG_READY)
            shard_seen(f->shard, from, zclock_time());
        else
            log_peer_warning("orders socket", "orders socket: expected ready, got a %s "
                             "message from matcher %s", msg_type_name(m->type), from);
        msg_destroy(&m);
    }
}

/* take_ready - a matcher's heartbeat: one that joins takes its profiles */
static void
take_ready(daemon_loop_t *loop, void *arg)
{
    fetcher_t *f = arg;

    read_ready(f);
    if (shard_take_change(f->shard))
        rebalance(f);
}

/* beat - every quarter heartbeat interval: forget the matchers that fell
 * silent, and tell the others the live set (which also finds one gone). The
 * heartbeats that came while this loop was held are read first, so that a
 * busy fetcher does not take its matchers for silent. */
static void
beat(daemon_loop_t *loop, void *arg)
{
    fetcher_t *f = arg;

    read_ready(f);
    shard_expire(f->shard, zclock_time(), f->cfg->matcher_heartbeat_ms);
    shard_broadcast(f->shard, f->orders);
    if (shard_take_change(f->shard))
        rebalance(f);
    daemon_loop_once(f->loop, (size_t) f->cfg->matcher_heartbeat_ms / 4, "matcher heartbeats",
                     beat, f);
}

/* send_tick - every second: send what became due */
static void
send_tick(daemon_loop_t *loop, void *arg)
{
    send_due(arg, db_now());
}

/* replayed - dlq and webhook callback: an order is (back) in pending, send it now */
static void
replayed(void *arg)
{
    send_due(arg, db_now());
}

/* start_job - begin the import of a queued job, or refuse it */
static void
start_job(fetcher_t *f, msg_t *job)
{
    int     i = cfg_profile_index(f->cfg, job->profile);

    if (i < 0) {
        job_done(f, job->job_id, job->profile, job->task, false, "unknown profile");
        return;
    }
    if (f->stopped[i] && reload_if_changed(f->reload)     /* corrected credentials */
        && (i = cfg_profile_index(f->cfg, job->profile)) < 0) {
        job_done(f, job->job_id, job->profile, job->task, false, "unknown profile");
        return;
    }
    if (f->stopped[i]) {
        job_done(f, job->job_id, job->profile, job->task, false, f->stopped[i]);
        return;
    }
    f->import = import_new(&f->cfg->profiles[i], source_of(f, i), f->store, f->infolog,
                           job->job_id);
    log_info("profile %s: import started (%s)", job->profile, job->reason);
    infolog_add(f->infolog, job->profile, INFOLOG_EXTENDED, INFOLOG_IMPORT_STARTED, 0,
                "Importeren gestart (%s)",
                strcmp(job->reason, "manual") == 0 ? "Nu uitvoeren" : "planning");
}

/* end_import - the run is done or failed: tell the scheduler */
static void
end_import(fetcher_t *f, import_state_t st)
{
    const profile_t *p = import_profile(f->import);
    char    summary[1300];
    char   *why = NULL;

    if (st == IMPORT_FAILED && import_auth_failed(f->import)) {
        int     i = cfg_profile_index(f->cfg, p->name);

        why = stopped_text(p);              /* the run's result in koppelctl tasks */
        if (i >= 0 && cfg_connection_same(p, &f->cfg->profiles[i])) {
            free(f->stopped[i]);            /* not when a reload brought new ones */
            f->stopped[i] = stopped_text(p);
        }
    }
    if (st == IMPORT_DONE)
        log_info("profile %s: import done: %s", p->name, import_summary(f->import));
    else
        log_error("profile %s: import failed: %s", p->name, import_summary(f->import));
    infolog_add(f->infolog, p->name, st == IMPORT_DONE ? INFOLOG_EXTENDED : INFOLOG_SHORT,
                st == IMPORT_DONE ? INFOLOG_IMPORT_DONE : INFOLOG_IMPORT_FAILED, 0,
                "Importeren %s: %s", st == IMPORT_DONE ? "klaar" : "mislukt",
                status_text_summary(import_summary(f->import), summary, sizeof summary));
    job_done(f, import_job_id(f->import), p->name, "importeren-financieel",
             st == IMPORT_DONE, why ? why : import_summary(f->import));
    free(why);
    if (f->import_rewind && cfg_profile_index(f->cfg, p->name) >= 0)
        rewind_cursor(f, p->name, f->import_rewind);
    f->import_rewind = 0;
    import_destroy(&f->import);           /* p is gone from here on */
    source_destroy(&f->import_source);
    dlq_retire_cfg(f->dlq, &f->import_cfg);
    control_activity(f->control, NULL);
}

/* run_import - have the reader read the next page of the import in progress */
static void
run_import(fetcher_t *f)
{
    if (!import_ready(f->import)) {
        end_import(f, IMPORT_FAILED);
        return;
    }
    control_activity(f->control, "%s", import_activity(f->import));
    reader_fetch(f->reader, f->import);
}

static void kick(fetcher_t *f);
static void work(daemon_loop_t *loop, void *arg);

/* page_read - the reader read a page: store it, then the next step: the next
 * page at once, the same page again after a backoff (a timer), or the end */
static void
page_read(void *arg, import_t *imp)
{
    fetcher_t *f = arg;
    import_state_t st = import_store(imp);

    switch (st) {
    case IMPORT_MORE:
        send_due(f, db_now());          /* what this page stored goes on at once */
        break;
    case IMPORT_RETRY:
        f->work_timer = daemon_loop_once(f->loop, (size_t) import_retry_ms(imp),
                                         "import retry", work, f);
        break;
    case IMPORT_DONE:
    case IMPORT_FAILED:
        send_due(f, db_now());
        end_import(f, st);
        break;
    }
    kick(f);
}

/* work - one page of the import in progress, or the start of the next job */
static void
work(daemon_loop_t *loop, void *arg)
{
    fetcher_t *f = arg;

    f->work_timer = -1;
    if (f->import)
        run_import(f);
    else if (f->nqueue > 0) {
        msg_t  *job = f->queue[0];

        memmove(f->queue, f->queue + 1, --f->nqueue * sizeof *f->queue);
        start_job(f, job);
        msg_destroy(&job);
    }
    kick(f);
}

/* kick - when there is work, do the next step of it at the next turn of the
 * loop: a page at a time, with the sockets answered in between; nothing while
 * the reader reads a page or a retry waits for its timer */
static void
kick(fetcher_t *f)
{
    if (f->work_timer < 0 && !reader_busy(f->reader) && (f->import || f->nqueue > 0))
        f->work_timer = daemon_loop_once(f->loop, 0, "import step", work, f);
}

/* take_job - queue a job from the scheduler */
static void
take_job(daemon_loop_t *loop, void *arg)
{
    fetcher_t *f = arg;
    msg_t  *m = net_recv(f->jobs, "jobs socket");
    size_t  i;

    if (m == NULL)
        return;
    if (m->type != MSG_JOB) {
        log_peer_warning("jobs socket", "jobs socket: expected a job, got a %s message",
                         msg_type_name(m->type));
        msg_destroy(&m);
        return;
    }
    for (i = 0; i < f->nqueue; i++)         /* one queued run per profile is enough */
        if (strcmp(f->queue[i]->profile, m->profile) == 0) {
            job_done(f, m->job_id, m->profile, m->task, true, "merged with a queued run");
            msg_destroy(&m);
            return;
        }
    if (cfg_profile_index(f->cfg, m->profile) < 0) {   /* so the queue stays one a profile */
        job_done(f, m->job_id, m->profile, m->task, false, "unknown profile");
        msg_destroy(&m);
        return;
    }
    if (f->nqueue == f->queue_cap) {    /* a schedule may start every profile at once */
        f->queue_cap = f->queue_cap ? 2 * f->queue_cap : 64;
        f->queue = xrealloc(f->queue, f->queue_cap * sizeof *f->queue);
    }
    log_debug("profile %s: job %lld queued (%s)", m->profile, (long long) m->job_id,
              m->reason);
    f->queue[f->nqueue++] = m;
    kick(f);
}

/* take_outcomes - record every waiting outcome in one transaction */
static void
take_outcomes(daemon_loop_t *loop, void *arg)
{
    fetcher_t *f = arg;
    msg_t  *m;
    char    err[512], shown[LOG_SHOW_MAX * 2 + 8];
    int     n = 0;

    if (!store_begin(f->store, err, sizeof err)) {
        log_error("%s", err);             /* outcomes stay queued in the socket */
        return;
    }
    while (n < 1000 && (m = net_recv(f->outcomes, "outcomes socket")) != NULL) {
        if (m->type == MSG_OUTCOME) {
            bool    booked = strcmp(m->result, "booked") == 0;

            if (f->check_seals && !order_seal_verify(f->seal, m)) {
                log_peer_warning("outcomes socket", "outcomes socket: profile %s: order %lld: "
                                 "refused an outcome the booker did not seal (forged)",
                                 log_show(m->profile, shown, sizeof shown),
                                 (long long) m->number);
                control_count(f->control, "outcomes_refused", 1);
            } else if (!store_outcome(f->store, m->profile, m->number, m->credit, m->token, m->result,
                                      m->stage, m->reason, m->factuurnummer, m->relatiecode))
                control_count(f->control, "outcomes_refused", 1);
            else if (booked)
                control_count(f->control, "outcomes_booked", 1);
            else {
                control_count(f->control, "outcomes_dead", 1);
                log_warning("profile %s: order %lld into the dead-letter queue (%s): %s",
                            m->profile, (long long) m->number, m->stage, m->reason);
            }
        } else
            log_peer_warning("outcomes socket", "outcomes socket: expected an outcome, "
                             "got a %s message", msg_type_name(m->type));
        msg_destroy(&m);
        n++;
    }
    if (!store_commit(f->store, err, sizeof err))
        log_error("outcomes not recorded, the booker will report them again: %s", err);
    send_due(f, db_now());              /* the outcomes made room */
}

/* status_extra - orders per state, stopped profiles, who serves which */
static void
status_extra(void *arg, json_t *st)
{
    fetcher_t *f = arg;
    json_t *profiles = json_object();
    const char *owner;
    size_t  i;

    for (i = 0; i < f->cfg->nprofiles; i++) {
        json_t *p = store_counts(f->store, f->cfg->profiles[i].name);
        int64_t cursor = f->cfg->profiles[i].from_order;
        char    err[512];

        if (store_cursor(f->store, f->cfg->profiles[i].name, &cursor, err, sizeof err)
            == DB_ERROR)
            json_object_set_new(p, "cursor_error", json_string(err));
        else
            json_object_set_new(p, "cursor", json_integer(cursor));
        if (f->stopped[i])
            json_object_set_new(p, "stopped", json_string(f->stopped[i]));
        if ((owner = shard_owner(f->shard, f->cfg->profiles[i].name)) != NULL)
            json_object_set_new(p, "matcher", json_string(owner));
        json_object_set_new(profiles, f->cfg->profiles[i].name, p);
    }
    webhook_status(f->hook, profiles);
    json_object_set_new(st, "profiles", profiles);
    json_object_set_new(st, "matchers", shard_status(f->shard, f->cfg, zclock_time()));
}

int
main(int argc, char **argv)
{
    fetcher_t f = { 0 };
    const char *instance;
    char    err[1024];
    char   *path;
    size_t  i;

    f.cfg = daemon_start(argc, argv, DAEMON_FETCHER, usage, &instance);
    path = daemon_path(f.cfg, "fetcher.db");
    if ((f.store = store_open(path, err, sizeof err)) == NULL)
        log_fatal("%s", err);
    free(path);
    if ((f.seal = order_seal_open(f.cfg->state_dir, err, sizeof err)) == NULL)
        log_fatal("%s", err);
    f.check_seals = !netsec_curve_on(f.cfg->ep_outcomes);
    f.sources = xcalloc(f.cfg->nprofiles, sizeof *f.sources);
    f.stopped = xcalloc(f.cfg->nprofiles, sizeof *f.stopped);
    f.control = control_new(f.cfg->ep_control[DAEMON_FETCHER], "fetcher", instance);
    control_status_extra(f.control, status_extra, &f);
    if ((f.infolog = infolog_open(f.cfg->state_dir, err, sizeof err)) == NULL)
        log_warning("%s", err);
    f.jobs = net_socket(ZMQ_PULL, f.cfg->ep_jobs, true, "jobs socket");
    f.orders = net_router(f.cfg->ep_orders, "orders socket");
    f.shard = shard_new();
    f.outcomes = net_socket(ZMQ_PULL, f.cfg->ep_outcomes, true, "outcomes socket");
    f.events = net_socket(ZMQ_PUSH, f.cfg->ep_events, false, "events socket");
    f.watch_orders = watch(f.orders);
    f.watch_outcomes = watch(f.outcomes);
    f.loop = daemon_loop_new(f.control, f.infolog);
    f.work_timer = -1;
    f.reader = reader_new(f.loop, page_read, &f);
    f.dlq = dlq_new(f.control, f.loop, f.reader, f.cfg, f.store, f.infolog, replayed, &f);
    f.reload = reload_new(f.loop, f.control, &f.cfg, apply, &f);
    f.hook = webhook_new(f.loop, f.cfg, f.store, f.infolog, replayed, &f);
    daemon_loop_reader(f.loop, f.jobs, "jobs socket", take_job, &f);
    daemon_loop_reader(f.loop, f.outcomes, "outcomes socket", take_outcomes, &f);
    daemon_loop_reader(f.loop, f.orders, "orders socket", take_ready, &f);
    daemon_loop_reader(f.loop, f.watch_orders, "orders socket monitor", matcher_gone, &f);
    daemon_loop_reader(f.loop, f.watch_outcomes, "outcomes socket monitor", booker_gone, &f);
    daemon_loop_every(f.loop, 1000, "send due orders", send_tick, &f);
    beat(f.loop, &f);
    hello(&f);
    log_info("started; state in %s", f.cfg->state_dir);
    send_due(&f, db_now());
    daemon_loop_run(f.loop, "Gereed");
    log_info("stopping");
    reader_destroy(&f.reader);           /* after the page it reads, if any */
    reload_destroy(&f.reload);
    webhook_destroy(&f.hook);
    daemon_loop_destroy(&f.loop);
    zactor_destroy(&f.watch_orders);
    zactor_destroy(&f.watch_outcomes);
    import_destroy(&f.import);
    source_destroy(&f.import_source);
    cfg_destroy(&f.import_cfg);
    for (i = 0; i < f.nqueue; i++)
        msg_destroy(&f.queue[i]);
    free(f.queue);
    for (i = 0; i < f.cfg->nprofiles; i++) {
        source_destroy(&f.sources[i]);
        free(f.stopped[i]);
    }
    free(f.sources);
    free(f.stopped);
    dlq_destroy(&f.dlq);
    zsock_destroy(&f.jobs);
    zsock_destroy(&f.orders);
    shard_destroy(&f.shard);
    zsock_destroy(&f.outcomes);
    zsock_destroy(&f.events);
    control_destroy(&f.control);
    store_close(&f.store);
    order_seal_destroy(&f.seal);
    infolog_close(&f.infolog);
    cfg_destroy(&f.cfg);
    return 0;
}
