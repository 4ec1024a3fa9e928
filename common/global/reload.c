/*
 * NAME
 *   reload - read koppel.cfg again while a daemon runs
 *
 * DESCRIPTION
 *   See reload.h. SIGHUP is blocked in every thread and read from a
 *   signalfd that the daemon's loop watches, so a reload runs between two
 *   handlers like any other event.
 *
 * DIAGNOSTICS
 *   A refused file is a warning (the old configuration stays); a signalfd
 *   that cannot be made is fatal (the daemon could not be reloaded).
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon.h"
#include "log.h"
#include "msg.h"
#include "reload.h"
#include "xalloc.h"

struct reload {
    daemon_loop_t *loop;
    cfg_t  **cfg_p;
    reload_apply_fn *apply;
    void   *arg;
    int     sigfd;
    long long refused_mtime;    /* the file as last refused: not tried again */
};

/* mtime_ns - a file's modification time, 0 when it cannot be read */
static long long
mtime_ns(const char *path)
{
    struct stat st;

    if (stat(path, &st) != 0)
        return 0;
    return (long long) st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
}

/* reload_block_signal - SIGHUP is read from a signalfd, never delivered */
void
reload_block_signal(void)
{
    sigset_t set;

    sigemptyset(&set);
    sigaddset(&set, SIGHUP);
    if (pthread_sigmask(SIG_BLOCK, &set, NULL) != 0)
        log_fatal("cannot block SIGHUP: %s", strerror(errno));
}

/* swap_str - exchange two strings */
static void
swap_str(char **a, char **b)
{
    char   *t = *a;

    *a = *b;
    *b = t;
}

/* keep_endpoints - fresh keeps the state directory and endpoints in force */
static void
keep_endpoints(cfg_t *fresh, cfg_t *cur)
{
    int     i;

    swap_str(&fresh->state_dir, &cur->state_dir);
    swap_str(&fresh->ep_jobs, &cur->ep_jobs);
    swap_str(&fresh->ep_events, &cur->ep_events);
    swap_str(&fresh->ep_orders, &cur->ep_orders);
    swap_str(&fresh->ep_matched, &cur->ep_matched);
    swap_str(&fresh->ep_outcomes, &cur->ep_outcomes);
    for (i = 0; i < DAEMON_N; i++)
        swap_str(&fresh->ep_control[i], &cur->ep_control[i]);
}

/* reload_now - read the file again and hand it to the daemon */
bool
reload_now(reload_t *self, char *msg, size_t len)
{
    cfg_t  *cur = *self->cfg_p, *fresh;
    char    err[1024];
    int    *old_index;
    bool    restart;
    size_t  i;

    if ((fresh = cfg_load(cur->path, err, sizeof err)) == NULL) {
        self->refused_mtime = mtime_ns(cur->path);
        log_warning("reload refused, the configuration in force stays: %s", err);
        snprintf(msg, len, "%s", err);
        return false;
    }
    cfg_keep_secrets(fresh, (daemon_t) cur->secrets_of);  /* only what this daemon uses */
    restart = !cfg_endpoints_same(cur, fresh);
    if (restart) {
        log_warning("reload: %s", RELOAD_RESTART_NEEDED);
        keep_endpoints(fresh, cur);
    }
    old_index = xcalloc(fresh->nprofiles + 1, sizeof *old_index);
    for (i = 0; i < fresh->nprofiles; i++) {
        old_index[i] = cfg_profile_index(cur, fresh->profiles[i].name);
        if (old_index[i] < 0)
            log_info("reload: profile %s is new", fresh->profiles[i].name);
    }
    for (i = 0; i < cur->nprofiles; i++)
        if (cfg_profile_index(fresh, cur->profiles[i].name) < 0)
            log_info("reload: profile %s is no longer configured", cur->profiles[i].name);
    daemon_reconfigure(fresh);
    self->apply(self->arg, fresh, old_index);     /* cur is gone after this */
    free(old_index);
    log_info("configuration %s read again", (*self->cfg_p)->path);
    snprintf(msg, len, "%s", restart ? "reloaded; " RELOAD_RESTART_NEEDED : "reloaded");
    return true;
}

/* reload_if_changed - reload when the file was written since it was read */
bool
reload_if_changed(reload_t *self)
{
    char    msg[1024];

    if (!cfg_file_changed(*self->cfg_p)
        || mtime_ns((*self->cfg_p)->path) == self->refused_mtime)
        return false;
    return reload_now(self, msg, sizeof msg);
}

/* on_signal - SIGHUP: read the file again */
static void
on_signal(daemon_loop_t *loop, void *arg)
{
    reload_t *self = arg;
    struct signalfd_siginfo si;
    char    msg[1024];

    if (read(self->sigfd, &si, sizeof si) != (ssize_t) sizeof si)
        return;                         /* nothing there after all */
    log_info("SIGHUP: reading the configuration again");
    reload_now(self, msg, sizeof msg);
}

/* cmd_reload - the control command "reload" */
static void
cmd_reload(void *arg, const msg_t *req, msg_t *reply)
{
    reload_t *self = arg;
    char    msg[1024];

    reply->ok = reload_now(self, msg, sizeof msg);
    msg_set(&reply->text, msg);
    control_reply_json(reply, json_pack("{s:b, s:s, s:b}", "reloaded", reply->ok,
                                        "text", msg,
                                        "restart_needed", strstr(msg, RELOAD_RESTART_NEEDED)
                                                          != NULL));
}

/* reload_new - answer SIGHUP and "reload" */
reload_t *
reload_new(daemon_loop_t *loop, control_t *control, cfg_t **cfg_p, reload_apply_fn *apply,
           void *arg)
{
    reload_t *self = xcalloc(1, sizeof *self);
    sigset_t set;

    self->loop = loop;
    self->cfg_p = cfg_p;
    self->apply = apply;
    self->arg = arg;
    sigemptyset(&set);
    sigaddset(&set, SIGHUP);
    if ((self->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) < 0)
        log_fatal("cannot watch for SIGHUP: %s", strerror(errno));
    daemon_loop_fd(loop, self->sigfd, ZMQ_POLLIN, "SIGHUP", on_signal, self);
    control_on(control, "reload", cmd_reload, self);
    return self;
}

/* reload_destroy - stop answering SIGHUP */
void
reload_destroy(reload_t **self_p)
{
    reload_t *self;

    if (self_p == NULL || *self_p == NULL)
        return;
    self = *self_p;
    daemon_loop_fd_end(self->loop, self->sigfd);
    close(self->sigfd);
    free(self);
    *self_p = NULL;
}

/* reload_stopped - carry the stopped profiles over to fresh */
char **
reload_stopped(char **stopped, const cfg_t *old, const cfg_t *fresh, const int *old_index,
               const char *what)
{
    char  **out = xcalloc(fresh->nprofiles + 1, sizeof *out);
    size_t  i;
    int     j;

    for (i = 0; i < fresh->nprofiles; i++) {
        if ((j = old_index[i]) < 0 || stopped[j] == NULL)
            continue;
        if (cfg_connection_same(&old->profiles[j], &fresh->profiles[i])) {
            out[i] = stopped[j];
            stopped[j] = NULL;
        } else
            log_info("profile %s: its %s settings changed; it runs again",
                     fresh->profiles[i].name, what);
    }
    for (i = 0; i < old->nprofiles; i++)
        free(stopped[i]);
    free(stopped);
    return out;
}
