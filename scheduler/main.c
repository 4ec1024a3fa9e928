/*
 * NAME
 *   koppel-scheduler - plan each profile's tasks and start them
 *
 * SYNOPSIS
 *   koppel-scheduler [--config FILE] [--log-level LEVEL]
 *
 * DESCRIPTION
 *   Sends a job to the fetcher (jobs socket) when a task is due by its
 *   planning or when koppelctl asks ("run"), and notes how each job ended
 *   (events socket). A task runs at most once at a time: "run" while it
 *   runs answers "is al bezig". When the fetcher (re)starts it says
 *   hello, and every run of its earlier life counts as ended.
 *   Control commands: run PROFILE [TASK], tasks, plan PROFILE TASK
 *   INTERVAL NEXT.
 */
#include <string.h>
#include <czmq.h>

#include "control.h"
#include "daemon.h"
#include "daemon_loop.h"
#include "db.h"
#include "log.h"
#include "net.h"
#include "plan.h"
#include "reload.h"
#include "xalloc.h"

#define JOB_MAX_S 3600          /* a run without an answer for an hour has ended */

static const char usage[] =
    "usage: koppel-scheduler [--config FILE] [--log-level LEVEL]\n"
    "Plans each profile's tasks and starts them.\n"
    "  --config FILE      configuration (default $KOPPEL_CONFIG or " DEFAULT_CONFIG ")\n"
    "  --log-level LEVEL  debug, info, warning or error\n";

typedef struct {
    cfg_t   *cfg;
    plan_t  *plan;
    control_t *control;
    zsock_t *jobs;
    zsock_t *events;
    reload_t *reload;         /* SIGHUP and "reload": koppel.cfg read again */
} scheduler_t;

/* apply - reload callback: new profiles planned, removed ones no longer, a
 * changed interval in the file wins over an earlier koppelctl plan */
static void
apply(void *arg, cfg_t *fresh, const int *old_index)
{
    scheduler_t *s = arg;
    char    err[1024];

    if (!plan_configure(s->plan, fresh, db_now(), err, sizeof err))
        log_error("the planning is not brought in line with the configuration: %s", err);
    cfg_destroy(&s->cfg);
    s->cfg = fresh;
}

/* start - send a job for a task; false when the fetcher's queue is full */
static bool
start(scheduler_t *s, const char *profile, const char *task, const char *reason)
{
    msg_t  *m = msg_new(MSG_JOB);
    int64_t now = db_now();
    bool    sent;

    m->job_id = plan_new_job_id(s->plan);
    msg_set(&m->profile, profile);
    msg_set(&m->task, task);
    msg_set(&m->reason, reason);
    sent = net_send(s->jobs, m);
    if (sent) {
        plan_started(s->plan, profile, task, m->job_id, now);
        control_count(s->control, "jobs_started", 1);
        log_info("profile %s: %s started (%s, job %lld)", profile, task, reason,
                 (long long) m->job_id);
    } else
        log_warning("profile %s: %s not started: the fetcher takes no jobs", profile, task);
    msg_destroy(&m);
    return sent;
}

/* cmd_run - run PROFILE [TASK] */
static void
cmd_run(void *arg, const msg_t *req, msg_t *reply)
{
    scheduler_t *s = arg;
    const char *task = req->nargs > 1 ? req->args[1] : TASK_IMPORT;
    int64_t running = 0;
    char    err[512];
    db_found_t found;

    if (req->nargs < 1 || req->nargs > 2) {
        msg_set(&reply->text, "usage: run PROFILE [TASK]");
        return;
    }
    if (cfg_profile(s->cfg, req->args[0]) == NULL) {
        char   *t = xasprintf("profiel %s bestaat niet", req->args[0]);

        msg_set(&reply->text, t);
        free(t);
        return;
    }
    found = plan_running(s->plan, req->args[0], task, &running, err, sizeof err);
    if (found == DB_ERROR) {
        msg_set(&reply->text, err);
    } else if (found == DB_FOUND && !plan_enabled(s->plan, req->args[0])) {
        char   *t = xasprintf("profiel %s is uitgeschakeld (enabled = false in koppel.cfg): "
                              "vul het in, zet enabled = true en voer koppelctl reload uit",
                              req->args[0]);

        msg_set(&reply->text, t);
        free(t);
    } else if (found == DB_ABSENT) {
        char   *t = xasprintf("profiel %s heeft geen taak %s", req->args[0], task);

        msg_set(&reply->text, t);
        free(t);
    } else if (running > 0) {
        reply->ok = true;
        msg_set(&reply->text, "is al bezig");
    } else if (start(s, req->args[0], task, "manual")) {
        reply->ok = true;
        msg_set(&reply->text, "gestart");
    } else
        msg_set(&reply->text, "niet gestart: koppel-fetcher neemt geen opdrachten aan (draait "
                "hij? koppelctl status)");
}

/* cmd_tasks - every task with its planning */
static void
cmd_tasks(void *arg, const msg_t *req, msg_t *reply)
{
    scheduler_t *s = arg;

    reply->ok = true;
    msg_set(&reply->text, "tasks");
    control_reply_json(reply, plan_list(s->plan));
}

/* cmd_plan - plan PROFILE TASK INTERVAL|- NEXT|- (NEXT in epoch seconds) */
static void
cmd_plan(void *arg, const msg_t *req, msg_t *reply)
{
    scheduler_t *s = arg;
    int     interval = -1;
    int64_t next = 0;
    char    err[512], *end;

    if (req->nargs != 4) {
        msg_set(&reply->text, "usage: plan PROFILE TASK INTERVAL|- NEXT|-");
        return;
    }
    if (strcmp(req->args[2], "-") != 0
        && (interval = config_interval_parse(req->args[2])) < 0) {
        msg_set(&reply->text, "interval: use off, 5m, 10m, 15m, 30m, 1h, 2h, 4h, 8h, 12h or 24h");
        return;
    }
    if (strcmp(req->args[3], "-") != 0) {
        next = strtoll(req->args[3], &end, 10);
        if (*end || next <= 0) {
            msg_set(&reply->text, "next: expected a time");
            return;
        }
    }
    reply->ok = plan_set(s->plan, req->args[0], req->args[1], interval, next, err, sizeof err);
    msg_set(&reply->text, reply->ok ? "planned" : err);
}

/* take_event - a job ended */
static void
take_event(daemon_loop_t *loop, void *arg)
{
    scheduler_t *s = arg;
    msg_t  *m = net_recv(s->events, "events socket");

    if (m == NULL)
        return;
    if (m->type == MSG_JOB_DONE) {
        plan_finished(s->plan, m->profile, m->task, m->job_id, m->ok, m->text, db_now());
        log_info("profile %s: %s %s: %s", m->profile, m->task, m->ok ? "done" : "failed",
                 m->text);
    } else if (m->type == MSG_HELLO) {
        plan_forget_running(s->plan);
        log_info("the %s (re)started: runs it had are over", m->text);
    } else
        log_peer_warning("events socket", "events socket: expected job_done, got a %s "
                         "message", msg_type_name(m->type));
    msg_destroy(&m);
}

/* tick - start what is due by the planning (it counts in seconds) */
static void
tick(daemon_loop_t *loop, void *arg)
{
    scheduler_t *s = arg;
    char    profile[256], task[64], err[1024];
    int64_t now = db_now();
    db_found_t due;

    while ((due = plan_due(s->plan, now, profile, sizeof profile, task, sizeof task,
                           err, sizeof err)) == DB_FOUND) {
        if (!plan_advance(s->plan, profile, task, now) || !start(s, profile, task, "schedule"))
            break;
    }
    if (due == DB_ERROR)                /* nothing is started; the next tick asks again */
        log_error("%s", err);
}

/* expire - a run without an answer for JOB_MAX_S has ended */
static void
expire(daemon_loop_t *loop, void *arg)
{
    scheduler_t *s = arg;

    plan_expire(s->plan, db_now(), JOB_MAX_S);
}

int
main(int argc, char **argv)
{
    scheduler_t s = { 0 };
    const char *instance;
    char    err[1024];
    char   *path;
    daemon_loop_t *loop;

    s.cfg = daemon_start(argc, argv, DAEMON_SCHEDULER, usage, &instance);
    path = daemon_path(s.cfg, "scheduler.db");
    if ((s.plan = plan_open(path, s.cfg, db_now(), err, sizeof err)) == NULL)
        log_fatal("%s", err);
    free(path);
    s.control = control_new(s.cfg->ep_control[DAEMON_SCHEDULER], "scheduler", instance);
    control_on(s.control, "run", cmd_run, &s);
    control_on(s.control, "tasks", cmd_tasks, &s);
    control_on(s.control, "plan", cmd_plan, &s);
    s.jobs = net_socket(ZMQ_PUSH, s.cfg->ep_jobs, false, "jobs socket");
    s.events = net_socket(ZMQ_PULL, s.cfg->ep_events, true, "events socket");
    loop = daemon_loop_new(s.control, NULL);
    s.reload = reload_new(loop, s.control, &s.cfg, apply, &s);
    daemon_loop_reader(loop, s.events, "events socket", take_event, &s);
    daemon_loop_every(loop, 1000, "planning", tick, &s);
    daemon_loop_every(loop, 5000, "expire runs", expire, &s);
    log_info("started; state in %s", s.cfg->state_dir);
    daemon_loop_run(loop, "Gereed");
    reload_destroy(&s.reload);
    daemon_loop_destroy(&loop);
    zsock_destroy(&s.jobs);
    zsock_destroy(&s.events);
    control_destroy(&s.control);
    plan_close(&s.plan);
    cfg_destroy(&s.cfg);
    return 0;
}
