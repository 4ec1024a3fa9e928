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
 *   matchers (orders socket), at most koppel.max_in_flight at a time, and
 *   sent again, with backoff, until the booker reports an outcome
 *   (outcomes socket): booked, or dead with a
 *   stage and a reason. The dead ones form the dead-letter queue, which
 *   koppelctl lists and replays through this daemon's control socket.
 *
 *   A profile whose shop refuses its username or password is stopped
 *   with that message until its settings change in the configuration file
 *   (read again at the profile's next run) or the daemon restarts.
 *
 * DIAGNOSTICS
 *   Bad messages from peers are logged and dropped. A state file that
 *   cannot be opened is fatal.
 */
#include <string.h>
#include <czmq.h>

#include "control.h"
#include "daemon.h"
#include "db.h"
#include "import.h"
#include "infolog.h"
#include "log.h"
#include "net.h"
#include "store.h"
#include "xalloc.h"

#define MAX_QUEUED_JOBS 256

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
    zsock_t *orders;          /* PUSH to the matchers */
    zsock_t *outcomes;        /* PULL from the booker */
    zactor_t *watch_orders;   /* socket monitors: a matcher or the booker that */
    zactor_t *watch_outcomes; /* goes away took the orders it held with it */
    source_t **sources;       /* per profile: its shop */
    char   **stopped;         /* per profile: why it is stopped, or NULL */
    import_t *import;         /* the run in progress */
    msg_t   *queue[MAX_QUEUED_JOBS];
    size_t   nqueue;
    infolog_t *infolog;       /* the information log (manual 3.3) */
} fetcher_t;

/* source_of - the shop of a profile */
static source_t *
source_of(fetcher_t *f, int i)
{
    if (f->sources[i] == NULL)
        f->sources[i] = source_new(&f->cfg->profiles[i]);
    return f->sources[i];
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

/* send_order - store_send_due callback: one order to the matchers */
static bool
send_order(void *arg, const char *profile, int64_t number, const void *payload, size_t len,
           int64_t attempt)
{
    fetcher_t *f = arg;
    msgpack_unpacked up;
    size_t  off = 0;
    char    err[512];
    msg_t  *m;
    bool    sent;

    msgpack_unpacked_init(&up);
    if (msgpack_unpack_next(&up, payload, len, &off) != MSGPACK_UNPACK_SUCCESS) {
        msgpack_unpacked_destroy(&up);
        log_panic("fetcher.db: stored order %s:%lld is not msgpack", profile, (long long) number);
    }
    m = msg_new(MSG_ORDER);
    if ((m->order = order_unpack(&up.data, err, sizeof err)) == NULL)
        log_panic("fetcher.db: stored order %s:%lld: %s", profile, (long long) number, err);
    msgpack_unpacked_destroy(&up);
    msg_set(&m->profile, profile);
    m->attempt = attempt;
    sent = net_send(f->orders, m);
    msg_destroy(&m);
    if (sent) {
        control_count(f->control, attempt == 1 ? "orders_sent" : "orders_resent", 1);
        if (attempt > 1)
            log_info("profile %s: order %lld sent again (attempt %lld): no outcome yet",
                     profile, (long long) number, (long long) attempt);
    }
    return sent;
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

/* send_due - send what is due, keeping at most max_in_flight orders on their
 * way: a daemon that dies then takes at most that many with it */
static void
send_due(fetcher_t *f, int64_t now)
{
    int64_t room = f->cfg->max_in_flight - store_in_flight(f->store, now);

    if (room > 0)
        store_send_due(f->store, now, f->cfg->resend_after_s, (size_t) room, send_order, f);
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
    if (f->stopped[i] && cfg_connection_changed(f->cfg, i)) {
        log_info("profile %s: its shop settings changed; it runs again", job->profile);
        free(f->stopped[i]);
        f->stopped[i] = NULL;
        source_destroy(&f->sources[i]);
    }
    if (f->stopped[i]) {
        job_done(f, job->job_id, job->profile, job->task, false, f->stopped[i]);
        return;
    }
    f->import = import_new(&f->cfg->profiles[i], source_of(f, i), f->store, f->infolog,
                           job->job_id);
    log_info("profile %s: import started (%s)", job->profile, job->reason);
    infolog_add(f->infolog, job->profile, INFOLOG_EXTENDED, INFOLOG_IMPORT_STARTED, 0,
                "import started (%s)", job->reason);
}

/* run_import - one page of the import in progress */
static void
run_import(fetcher_t *f)
{
    import_state_t st = import_step(f->import);
    const profile_t *p = import_profile(f->import);

    control_activity(f->control, "%s", import_activity(f->import));
    if (st == IMPORT_MORE)
        return;
    if (st == IMPORT_FAILED && import_auth_failed(f->import)) {
        int     i = cfg_profile_index(f->cfg, p->name);

        free(f->stopped[i]);
        f->stopped[i] = xasprintf("stopped: %s", import_summary(f->import));
    }
    if (st == IMPORT_DONE)
        log_info("profile %s: import done: %s", p->name, import_summary(f->import));
    else
        log_error("profile %s: import failed: %s", p->name, import_summary(f->import));
    infolog_add(f->infolog, p->name, st == IMPORT_DONE ? INFOLOG_EXTENDED : INFOLOG_SHORT,
                st == IMPORT_DONE ? INFOLOG_IMPORT_DONE : INFOLOG_IMPORT_FAILED, 0, "import %s: %s",
                st == IMPORT_DONE ? "done" : "failed", import_summary(f->import));
    job_done(f, import_job_id(f->import), p->name, "importeren-financieel",
             st == IMPORT_DONE, import_summary(f->import));
    import_destroy(&f->import);
    control_activity(f->control, NULL);
}

/* take_job - queue a job from the scheduler */
static void
take_job(fetcher_t *f)
{
    msg_t  *m = net_recv(f->jobs, "jobs socket");
    size_t  i;

    if (m == NULL)
        return;
    if (m->type != MSG_JOB) {
        log_warning("jobs socket: expected a job, got a %s message", msg_type_name(m->type));
        msg_destroy(&m);
        return;
    }
    for (i = 0; i < f->nqueue; i++)         /* one queued run per profile is enough */
        if (strcmp(f->queue[i]->profile, m->profile) == 0) {
            job_done(f, m->job_id, m->profile, m->task, true, "merged with a queued run");
            msg_destroy(&m);
            return;
        }
    if (f->nqueue == MAX_QUEUED_JOBS) {
        job_done(f, m->job_id, m->profile, m->task, false, "too many queued jobs");
        msg_destroy(&m);
        return;
    }
    f->queue[f->nqueue++] = m;
}

/* take_outcomes - record every waiting outcome in one transaction */
static void
take_outcomes(fetcher_t *f)
{
    msg_t  *m;
    char    err[512];
    int     n = 0;

    if (!store_begin(f->store, err, sizeof err)) {
        log_error("%s", err);             /* outcomes stay queued in the socket */
        return;
    }
    while (n < 1000 && (m = net_recv(f->outcomes, "outcomes socket")) != NULL) {
        if (m->type == MSG_OUTCOME) {
            store_outcome(f->store, m->profile, m->number, m->result, m->stage, m->reason,
                          m->factuurnummer, m->relatiecode);
            control_count(f->control, strcmp(m->result, "booked") == 0 ? "outcomes_booked"
                          : "outcomes_dead", 1);
            if (strcmp(m->result, "dead") == 0)
                log_warning("profile %s: order %lld into the dead-letter queue (%s): %s",
                            m->profile, (long long) m->number, m->stage, m->reason);
        } else
            log_warning("outcomes socket: expected an outcome, got a %s message",
                        msg_type_name(m->type));
        msg_destroy(&m);
        n++;
    }
    if (!store_commit(f->store, err, sizeof err))
        log_error("outcomes not recorded, the booker will report them again: %s", err);
}

/* parse_id - "profile:number" */
static bool
parse_id(const char *id, char *profile, size_t plen, int64_t *number)
{
    const char *colon = strrchr(id, ':');
    char   *end;

    if (colon == NULL || (size_t) (colon - id) >= plen)
        return false;
    memcpy(profile, id, colon - id);
    profile[colon - id] = 0;
    *number = strtoll(colon + 1, &end, 10);
    return *end == 0 && end != colon + 1;
}

/* cmd_dlq_list - dlq-list [PROFILE] */
static void
cmd_dlq_list(void *arg, const msg_t *req, msg_t *reply)
{
    fetcher_t *f = arg;
    json_t *list = store_dead_list(f->store, req->nargs > 0 ? req->args[0] : NULL);
    char   *text = xasprintf("%zu dead letters", json_array_size(list));

    reply->ok = true;
    msg_set(&reply->text, text);
    free(text);
    control_reply_json(reply, list);
}

/* replay_one - put one dead letter back through the normal path */
static bool
replay_one(fetcher_t *f, const char *profile, int64_t number, char *err, size_t errlen)
{
    int     i = cfg_profile_index(f->cfg, profile);

    if (i < 0) {
        snprintf(err, errlen, "%s: no such profile in the configuration", profile);
        return false;
    }
    if (!fetch_one(&f->cfg->profiles[i], source_of(f, i), f->store, number, err, errlen))
        return false;
    log_info("profile %s: order %lld replayed from the dead-letter queue", profile,
             (long long) number);
    infolog_add(f->infolog, profile, INFOLOG_EXTENDED, INFOLOG_REPLAYED, number,
                "order %lld read again from the shop and sent on", (long long) number);
    send_due(f, db_now());
    return true;
}

/* cmd_dlq_replay - dlq-replay ID | --all [PROFILE] */
static void
cmd_dlq_replay(void *arg, const msg_t *req, msg_t *reply)
{
    fetcher_t *f = arg;
    char    profile[256], err[1024];
    int64_t number;
    json_t *results = json_array(), *list;
    size_t  i, ok = 0, failed = 0;
    char   *text;

    if (req->nargs >= 1 && strcmp(req->args[0], "--all") == 0) {
        list = store_dead_list(f->store, req->nargs > 1 ? req->args[1] : NULL);
        for (i = 0; i < json_array_size(list); i++) {
            json_t *d = json_array_get(list, i);
            json_t *num = json_object_get(d, "number");
            const char *pr = json_string_value(json_object_get(d, "profile"));

            if (!json_is_integer(num))
                continue;             /* a document without order number cannot be re-read */
            if (replay_one(f, pr, json_integer_value(num), err, sizeof err)) {
                ok++;
                json_array_append_new(results, json_pack("{s:s,s:b}", "id",
                    json_string_value(json_object_get(d, "id")), "replayed", 1));
            } else {
                failed++;
                json_array_append_new(results, json_pack("{s:s,s:b,s:s}", "id",
                    json_string_value(json_object_get(d, "id")), "replayed", 0, "error", err));
            }
        }
        json_decref(list);
    } else if (req->nargs == 1 && parse_id(req->args[0], profile, sizeof profile, &number)) {
        if (replay_one(f, profile, number, err, sizeof err)) {
            ok++;
            json_array_append_new(results, json_pack("{s:s,s:b}", "id", req->args[0],
                                                     "replayed", 1));
        } else {
            failed++;
            json_array_append_new(results, json_pack("{s:s,s:b,s:s}", "id", req->args[0],
                                                     "replayed", 0, "error", err));
        }
    } else {
        msg_set(&reply->text, "usage: dlq replay PROFILE:NUMBER | --all [--profile P]");
        json_decref(results);
        return;
    }
    reply->ok = failed == 0;
    text = xasprintf("%zu replayed, %zu could not be replayed", ok, failed);
    msg_set(&reply->text, text);
    free(text);
    control_reply_json(reply, results);
}

/* cmd_dlq_drop - dlq-drop ID */
static void
cmd_dlq_drop(void *arg, const msg_t *req, msg_t *reply)
{
    fetcher_t *f = arg;
    char    profile[256];
    int64_t number;

    if (req->nargs != 1 || !parse_id(req->args[0], profile, sizeof profile, &number)) {
        msg_set(&reply->text, "usage: dlq drop PROFILE:NUMBER");
        return;
    }
    reply->ok = store_drop(f->store, profile, number);
    msg_set(&reply->text, reply->ok ? "dropped" : "no such dead letter");
    if (reply->ok)
        log_info("profile %s: order %lld dropped from the dead-letter queue; it will not "
                 "be booked", profile, (long long) number);
}

/* status_extra - orders per state and stopped profiles */
static void
status_extra(void *arg, json_t *st)
{
    fetcher_t *f = arg;
    json_t *profiles = json_object();
    size_t  i;

    for (i = 0; i < f->cfg->nprofiles; i++) {
        json_t *p = store_counts(f->store, f->cfg->profiles[i].name);

        json_object_set_new(p, "cursor", json_integer(store_cursor(f->store,
            f->cfg->profiles[i].name, f->cfg->profiles[i].from_order)));
        if (f->stopped[i])
            json_object_set_new(p, "stopped", json_string(f->stopped[i]));
        json_object_set_new(profiles, f->cfg->profiles[i].name, p);
    }
    json_object_set_new(st, "profiles", profiles);
}

int
main(int argc, char **argv)
{
    fetcher_t f = { 0 };
    const char *instance;
    char    err[1024];
    char   *path;
    zpoller_t *poller;
    int64_t last_due = 0, last_watchdog = 0;
    size_t  i;

    f.cfg = daemon_start(argc, argv, DAEMON_FETCHER, usage, &instance);
    path = daemon_path(f.cfg, "fetcher.db");
    if ((f.store = store_open(path, err, sizeof err)) == NULL)
        log_fatal("%s", err);
    free(path);
    f.sources = xcalloc(f.cfg->nprofiles, sizeof *f.sources);
    f.stopped = xcalloc(f.cfg->nprofiles, sizeof *f.stopped);
    f.control = control_new(f.cfg->ep_control[DAEMON_FETCHER], "fetcher", instance);
    control_on(f.control, "dlq-list", cmd_dlq_list, &f);
    control_on(f.control, "dlq-replay", cmd_dlq_replay, &f);
    control_on(f.control, "dlq-drop", cmd_dlq_drop, &f);
    control_status_extra(f.control, status_extra, &f);
    if ((f.infolog = infolog_open(f.cfg->state_dir, err, sizeof err)) == NULL)
        log_warning("%s", err);
    f.jobs = net_socket(ZMQ_PULL, f.cfg->ep_jobs, true, "jobs socket");
    f.orders = net_socket(ZMQ_PUSH, f.cfg->ep_orders, true, "orders socket");
    f.outcomes = net_socket(ZMQ_PULL, f.cfg->ep_outcomes, true, "outcomes socket");
    f.events = net_socket(ZMQ_PUSH, f.cfg->ep_events, false, "events socket");
    f.watch_orders = watch(f.orders);
    f.watch_outcomes = watch(f.outcomes);
    poller = zpoller_new(control_sock(f.control), f.jobs, f.outcomes, f.watch_orders,
                         f.watch_outcomes, NULL);
    hello(&f);
    daemon_ready("Gereed");
    log_info("started; state in %s", f.cfg->state_dir);

    while (!zsys_interrupted) {
        zsock_t *which = zpoller_wait(poller, f.import || f.nqueue ? 0 : 1000);
        int64_t now = db_now();

        if (which == control_sock(f.control))
            control_handle(f.control);
        else if (which == f.jobs)
            take_job(&f);
        else if (which == f.outcomes) {
            take_outcomes(&f);
            send_due(&f, now);              /* the outcomes made room */
        } else if (which == (void *) f.watch_orders)
            peer_gone(&f, f.watch_orders, "matcher");
        else if (which == (void *) f.watch_outcomes)
            peer_gone(&f, f.watch_outcomes, "booker");
        else if (zpoller_terminated(poller))
            break;
        if (f.import)
            run_import(&f);
        else if (f.nqueue > 0) {
            msg_t  *job = f.queue[0];

            memmove(f.queue, f.queue + 1, --f.nqueue * sizeof *f.queue);
            start_job(&f, job);
            msg_destroy(&job);
        }
        if (now != last_due || f.import) {      /* at most every second, or per page */
            send_due(&f, now);
            last_due = now;
        }
        infolog_tick(f.infolog);
        if (now - last_watchdog >= daemon_watchdog_interval()) {
            daemon_watchdog();
            last_watchdog = now;
        }
    }
    daemon_stopping();
    log_info("stopping");
    zpoller_destroy(&poller);
    zactor_destroy(&f.watch_orders);
    zactor_destroy(&f.watch_outcomes);
    import_destroy(&f.import);
    for (i = 0; i < f.nqueue; i++)
        msg_destroy(&f.queue[i]);
    for (i = 0; i < f.cfg->nprofiles; i++) {
        source_destroy(&f.sources[i]);
        free(f.stopped[i]);
    }
    free(f.sources);
    free(f.stopped);
    zsock_destroy(&f.jobs);
    zsock_destroy(&f.orders);
    zsock_destroy(&f.outcomes);
    zsock_destroy(&f.events);
    control_destroy(&f.control);
    store_close(&f.store);
    infolog_close(&f.infolog);
    cfg_destroy(&f.cfg);
    return 0;
}
