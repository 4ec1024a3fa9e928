/*
 * NAME
 *   koppel-supervise - run daemons the way systemd runs Type=notify services
 *
 * SYNOPSIS
 *   koppel-supervise --run-dir DIR [--events FILE] [--watchdog-sec S]
 *       [--restart-sec S] [--stop-timeout S]
 *       NAME COMMAND [ARG...] [:: NAME COMMAND [ARG...]]...
 *
 * DESCRIPTION
 *   A test harness that stands in for systemd, so that the end-to-end tests
 *   can check what a daemon does under "Type=notify", "WatchdogSec=" and
 *   "Restart=always" without a running systemd.
 *
 *   For each child it binds a datagram unix socket DIR/NAME.notify (with
 *   SO_PASSCRED, as systemd does) and starts the command with
 *   NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID in its environment. It
 *   reads sd_notify(3) messages: READY=1, STATUS=..., WATCHDOG=1 and
 *   STOPPING=1; a message from another process than the child is ignored
 *   (NotifyAccess=main). A child that sends no WATCHDOG=1 for
 *   --watchdog-sec seconds (counted from its start, then from each ping)
 *   is sent SIGABRT, then SIGKILL when it has not exited after
 *   --stop-timeout seconds. A child that exits, for whatever reason, is
 *   started again after --restart-sec seconds (Restart=always).
 *
 *   The child's pid is written to DIR/NAME.pid at each start, so that a
 *   test can stop or kill one; its standard output and error go to
 *   DIR/NAME.log. A child gets SIGKILL when koppel-supervise itself dies
 *   (PR_SET_PDEATHSIG), so a killed harness leaves nothing running.
 *
 *   On SIGTERM or SIGINT every child is sent SIGTERM (SIGKILL after
 *   --stop-timeout), each exit is recorded, and koppel-supervise exits 0
 *   when every child exited with status 0 and 1 otherwise.
 *
 * EVENTS
 *   --events FILE (default DIR/events) receives one line per event:
 *
 *     EPOCH_MS NAME EVENT pid=PID [DETAIL]
 *
 *   EVENT is one of start, ready, status (DETAIL is the new status text,
 *   written only when it changed), watchdog (DETAIL gap_ms=N, the time
 *   since the previous ping or the start), stopping, watchdog-kill
 *   (DETAIL missed_ms=N), exit (DETAIL code=N or signal=NAME), restart
 *   (DETAIL n=N), ignored (a message from another pid) and, at the very
 *   end, one line "EPOCH_MS - summary watchdog_kills=N restarts=N". The
 *   file is flushed after each line.
 *
 * DIAGNOSTICS
 *   A bad option, a socket or file that cannot be made is fatal (exit 2).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CHILDREN 32

typedef struct {
    const char *name;
    char  **argv;
    char    sock_path[sizeof(((struct sockaddr_un *) 0)->sun_path)];
    int     fd;                 /* the notify socket */
    pid_t   pid;                /* 0 when not running */
    int64_t started_ms;         /* monotonic */
    int64_t last_ping_ms;       /* monotonic: start or last WATCHDOG=1 */
    int64_t restart_at_ms;      /* monotonic; 0 when no restart is due */
    int64_t kill_at_ms;         /* monotonic: SIGKILL when still there; 0 none */
    int     restarts;
    bool    ready;
    char   *status;
} child_t;

static child_t children[MAX_CHILDREN];
static int nchildren;
static FILE *events;
static const char *run_dir;
static int64_t watchdog_ms = 30000;
static int64_t restart_ms = 500;
static int64_t stop_timeout_ms = 30000;
static int watchdog_kills;
static bool stopping;

static const char usage[] =
    "usage: koppel-supervise --run-dir DIR [--events FILE] [--watchdog-sec S]\n"
    "           [--restart-sec S] [--stop-timeout S]\n"
    "           NAME COMMAND [ARG...] [:: NAME COMMAND [ARG...]]...\n"
    "Runs each COMMAND as systemd runs a Type=notify service with WatchdogSec=S\n"
    "(default 30; 0 switches the watchdog off) and Restart=always (RestartSec,\n"
    "default 0.5). Events go to FILE (default DIR/events), one line each.\n";

/* fatal - report a broken environment and exit */
static void __attribute__((noreturn, format(printf, 1, 2)))
fatal(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "koppel-supervise: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(2);
}

/* mono_ms - the monotonic clock in milliseconds */
static int64_t
mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* event - one line in the events file */
static void __attribute__((format(printf, 3, 4)))
event(const child_t *c, const char *what, const char *fmt, ...)
{
    struct timespec ts;
    va_list ap;

    clock_gettime(CLOCK_REALTIME, &ts);
    fprintf(events, "%lld %s %s", (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000,
            c ? c->name : "-", what);
    if (c)
        fprintf(events, " pid=%d", (int) c->pid);
    if (fmt && *fmt) {
        fputc(' ', events);
        va_start(ap, fmt);
        vfprintf(events, fmt, ap);
        va_end(ap);
    }
    fputc('\n', events);
    fflush(events);
}

/* parse_seconds - "2.5" -> 2500 ms; fatal when not a number >= 0 */
static int64_t
parse_seconds(const char *opt, const char *s)
{
    char   *end;
    double  v;

    errno = 0;
    v = strtod(s, &end);
    if (errno || end == s || *end || v < 0 || v > 86400)
        fatal("--%s %s: give seconds, 0 to 86400", opt, s);
    return (int64_t) (v * 1000 + 0.5);
}

/* write_pid_file - DIR/NAME.pid holds the child's pid (written whole, then renamed) */
static void
write_pid_file(const child_t *c)
{
    char    path[4096], tmp[4096 + 8];
    FILE   *f;

    snprintf(path, sizeof path, "%s/%s.pid", run_dir, c->name);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    if ((f = fopen(tmp, "w")) == NULL)
        fatal("cannot write %s: %s", tmp, strerror(errno));
    fprintf(f, "%d\n", (int) c->pid);
    if (fclose(f) != 0 || rename(tmp, path) != 0)
        fatal("cannot write %s: %s", path, strerror(errno));
}

/* open_notify_socket - bind DIR/NAME.notify, a datagram socket that passes credentials */
static void
open_notify_socket(child_t *c)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int     one = 1;

    if ((size_t) snprintf(c->sock_path, sizeof c->sock_path, "%s/%s.notify", run_dir,
                          c->name) >= sizeof c->sock_path)
        fatal("%s/%s.notify: path too long for a unix socket", run_dir, c->name);
    memcpy(sa.sun_path, c->sock_path, sizeof c->sock_path);
    unlink(c->sock_path);
    c->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (c->fd < 0)
        fatal("socket: %s", strerror(errno));
    if (setsockopt(c->fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof one) != 0)
        fatal("SO_PASSCRED: %s", strerror(errno));
    if (bind(c->fd, (struct sockaddr *) &sa, sizeof sa) != 0)
        fatal("cannot bind %s: %s", c->sock_path, strerror(errno));
}

/* start_child - fork and exec the child with systemd's notify environment */
static void
start_child(child_t *c)
{
    char    log_path[4096], buf[32];
    sigset_t none;
    pid_t   pid;
    int     fd;

    snprintf(log_path, sizeof log_path, "%s/%s.log", run_dir, c->name);
    if ((fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644)) < 0)
        fatal("cannot open %s: %s", log_path, strerror(errno));
    if ((pid = fork()) < 0)
        fatal("fork: %s", strerror(errno));
    if (pid == 0) {
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        prctl(PR_SET_PDEATHSIG, SIGKILL);       /* no orphans when the harness is killed */
        dup2(fd, STDOUT_FILENO);
        dup2(fd, STDERR_FILENO);
        setenv("NOTIFY_SOCKET", c->sock_path, 1);
        if (watchdog_ms > 0) {
            snprintf(buf, sizeof buf, "%lld", (long long) watchdog_ms * 1000);
            setenv("WATCHDOG_USEC", buf, 1);
            snprintf(buf, sizeof buf, "%d", (int) getpid());
            setenv("WATCHDOG_PID", buf, 1);
        } else {
            unsetenv("WATCHDOG_USEC");
            unsetenv("WATCHDOG_PID");
        }
        execvp(c->argv[0], c->argv);
        fprintf(stderr, "koppel-supervise: cannot run %s: %s\n", c->argv[0], strerror(errno));
        _exit(127);
    }
    close(fd);
    c->pid = pid;
    c->started_ms = c->last_ping_ms = mono_ms();
    c->restart_at_ms = 0;
    c->kill_at_ms = 0;
    c->ready = false;
    free(c->status);                /* a new process starts without a status */
    c->status = NULL;
    write_pid_file(c);
    event(c, c->restarts ? "restart" : "start", c->restarts ? "n=%d" : NULL, c->restarts);
}

/* handle_line - one NAME=VALUE line of an sd_notify message */
static void
handle_line(child_t *c, const char *line, int64_t now)
{
    if (strcmp(line, "READY=1") == 0) {
        if (!c->ready)
            event(c, "ready", "after_ms=%lld", (long long) (now - c->started_ms));
        c->ready = true;
    } else if (strncmp(line, "STATUS=", 7) == 0) {
        if (c->status == NULL || strcmp(c->status, line + 7) != 0) {
            free(c->status);
            c->status = strdup(line + 7);
            event(c, "status", "%s", line + 7);
        }
    } else if (strcmp(line, "WATCHDOG=1") == 0) {
        event(c, "watchdog", "gap_ms=%lld", (long long) (now - c->last_ping_ms));
        c->last_ping_ms = now;
    } else if (strcmp(line, "STOPPING=1") == 0)
        event(c, "stopping", NULL);
}

/* read_notify - every datagram waiting on a child's socket */
static void
read_notify(child_t *c)
{
    char    buf[4096], ctl[CMSG_SPACE(sizeof(struct ucred))];
    struct iovec iov = { buf, sizeof buf - 1 };
    struct msghdr mh;
    struct cmsghdr *cm;
    struct ucred *cred;
    ssize_t n;
    char   *line, *next;
    pid_t   from;

    for (;;) {
        memset(&mh, 0, sizeof mh);
        mh.msg_iov = &iov;
        mh.msg_iovlen = 1;
        mh.msg_control = ctl;
        mh.msg_controllen = sizeof ctl;
        if ((n = recvmsg(c->fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC)) < 0) {
            if (errno != EAGAIN && errno != EINTR)
                fprintf(stderr, "koppel-supervise: %s: recvmsg: %s\n", c->name,
                        strerror(errno));
            return;
        }
        buf[n] = 0;
        from = 0;
        for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
            if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_CREDENTIALS) {
                cred = (struct ucred *) (void *) CMSG_DATA(cm);
                from = cred->pid;
            } else if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
                int    *fds = (int *) (void *) CMSG_DATA(cm);
                size_t  k, nfd = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);

                for (k = 0; k < nfd; k++)       /* FDSTORE is not ours to keep */
                    close(fds[k]);
            }
        if (c->pid == 0 || from != c->pid) {
            event(c, "ignored", "from=%d", (int) from);
            continue;
        }
        for (line = buf; line && *line; line = next) {
            if ((next = strchr(line, '\n')) != NULL)
                *next++ = 0;
            handle_line(c, line, mono_ms());
        }
    }
}

/* describe_exit - "code=N" or "signal=NAME" */
static void
describe_exit(int status, char *buf, size_t size)
{
    if (WIFEXITED(status))
        snprintf(buf, size, "code=%d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(buf, size, "signal=%s%s", sigabbrev_np(WTERMSIG(status)) ?
                 sigabbrev_np(WTERMSIG(status)) : "?", WCOREDUMP(status) ? " core" : "");
    else
        snprintf(buf, size, "status=%d", status);
}

/* reap - collect every child that exited; plan its restart unless stopping */
static int
reap(void)
{
    char    how[64];
    int     status, i, bad = 0;
    pid_t   pid;

    while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
        for (i = 0; i < nchildren; i++) {
            child_t *c = &children[i];

            if (c->pid != pid)
                continue;
            describe_exit(status, how, sizeof how);
            event(c, "exit", "%s", how);
            if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0))
                bad++;
            c->pid = 0;
            c->kill_at_ms = 0;
            if (!stopping) {
                c->restarts++;
                c->restart_at_ms = mono_ms() + restart_ms;
            }
        }
    return bad;
}

/* check_timers - watchdog misses, kills after a stop timeout, restarts due */
static void
check_timers(int64_t now)
{
    int     i;

    for (i = 0; i < nchildren; i++) {
        child_t *c = &children[i];

        if (c->pid && c->kill_at_ms && now >= c->kill_at_ms) {
            kill(c->pid, SIGKILL);
            c->kill_at_ms = 0;
        } else if (c->pid && !stopping && watchdog_ms > 0 && !c->kill_at_ms
                   && now - c->last_ping_ms >= watchdog_ms) {
            event(c, "watchdog-kill", "missed_ms=%lld", (long long) (now - c->last_ping_ms));
            watchdog_kills++;
            kill(c->pid, SIGABRT);
            /* a stopped process does not see SIGABRT until it runs again */
            kill(c->pid, SIGCONT);
            c->kill_at_ms = now + stop_timeout_ms;
        } else if (!c->pid && !stopping && c->restart_at_ms && now >= c->restart_at_ms)
            start_child(c);
    }
}

/* next_timeout - milliseconds until the next timer, at most one second */
static int
next_timeout(int64_t now)
{
    int64_t t = 1000, d;
    int     i;

    for (i = 0; i < nchildren; i++) {
        const child_t *c = &children[i];

        d = 1000;
        if (c->pid && c->kill_at_ms)
            d = c->kill_at_ms - now;
        else if (c->pid && watchdog_ms > 0 && !stopping)
            d = c->last_ping_ms + watchdog_ms - now;
        else if (!c->pid && c->restart_at_ms && !stopping)
            d = c->restart_at_ms - now;
        if (d < t)
            t = d;
    }
    return t < 0 ? 0 : (int) t;
}

/* parse_children - split NAME COMMAND ARGS... [:: ...] into children */
static void
parse_children(int argc, char **argv)
{
    int     i = 0, j;

    while (i < argc) {
        child_t *c;

        if (nchildren == MAX_CHILDREN)
            fatal("more than %d children", MAX_CHILDREN);
        for (j = i; j < argc && strcmp(argv[j], "::") != 0; j++)
            ;
        if (j - i < 2)
            fatal("each child needs a NAME and a COMMAND\n%s", usage);
        c = &children[nchildren++];
        c->name = argv[i];
        if (strchr(c->name, '/') || strchr(c->name, ' '))
            fatal("child name \"%s\": no slashes or spaces", c->name);
        argv[j < argc ? j : argc] = NULL;      /* argv[argc] is NULL already */
        c->argv = argv + i + 1;
        i = j + 1;
    }
    if (nchildren == 0)
        fatal("no child to run\n%s", usage);
}

int
main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "run-dir", required_argument, NULL, 'd' },
        { "events", required_argument, NULL, 'e' },
        { "watchdog-sec", required_argument, NULL, 'w' },
        { "restart-sec", required_argument, NULL, 'r' },
        { "stop-timeout", required_argument, NULL, 't' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct pollfd pfd[MAX_CHILDREN + 1];
    const char *events_path = NULL;
    char    path[4096];
    sigset_t mask;
    int     sfd, o, i, bad = 0, running, restarts = 0;
    int64_t now;

    while ((o = getopt_long(argc, argv, "+d:e:w:r:t:h", opts, NULL)) != -1)
        switch (o) {
        case 'd':
            run_dir = optarg;
            break;
        case 'e':
            events_path = optarg;
            break;
        case 'w':
            watchdog_ms = parse_seconds("watchdog-sec", optarg);
            break;
        case 'r':
            restart_ms = parse_seconds("restart-sec", optarg);
            break;
        case 't':
            stop_timeout_ms = parse_seconds("stop-timeout", optarg);
            break;
        case 'h':
            fputs(usage, stdout);
            return 0;
        default:
            fputs(usage, stderr);
            return 2;
        }
    if (run_dir == NULL)
        fatal("--run-dir is required\n%s", usage);
    if (mkdir(run_dir, 0755) != 0 && errno != EEXIST)
        fatal("cannot create %s: %s", run_dir, strerror(errno));
    parse_children(argc - optind, argv + optind);
    if (events_path == NULL) {
        snprintf(path, sizeof path, "%s/events", run_dir);
        events_path = path;
    }
    if ((events = fopen(events_path, "a")) == NULL)
        fatal("cannot open %s: %s", events_path, strerror(errno));

    sigemptyset(&mask);
    sigaddset(&mask, SIGCHLD);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    if (sigprocmask(SIG_BLOCK, &mask, NULL) != 0
        || (sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK)) < 0)
        fatal("signalfd: %s", strerror(errno));

    for (i = 0; i < nchildren; i++) {
        open_notify_socket(&children[i]);
        start_child(&children[i]);
    }

    for (;;) {
        struct signalfd_siginfo si;

        now = mono_ms();
        pfd[0].fd = sfd;
        pfd[0].events = POLLIN;
        for (i = 0; i < nchildren; i++) {
            pfd[i + 1].fd = children[i].fd;
            pfd[i + 1].events = POLLIN;
        }
        if (poll(pfd, nchildren + 1, next_timeout(now)) < 0 && errno != EINTR)
            fatal("poll: %s", strerror(errno));
        for (i = 0; i < nchildren; i++)
            if (pfd[i + 1].revents & POLLIN)
                read_notify(&children[i]);
        while (read(sfd, &si, sizeof si) == sizeof si)
            if ((si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) && !stopping) {
                stopping = true;
                for (i = 0; i < nchildren; i++)
                    if (children[i].pid) {
                        kill(children[i].pid, SIGTERM);
                        kill(children[i].pid, SIGCONT);
                        children[i].kill_at_ms = mono_ms() + stop_timeout_ms;
                    } else
                        bad++;      /* down when asked to stop: not a clean stop */
            }
        o = reap();                 /* exits before the stop are restarts, not results */
        if (stopping)
            bad += o;
        check_timers(mono_ms());
        if (stopping) {
            for (running = 0, i = 0; i < nchildren; i++)
                running += children[i].pid != 0;
            if (running == 0)
                break;
        }
    }
    for (i = 0; i < nchildren; i++) {
        restarts += children[i].restarts;
        close(children[i].fd);
        unlink(children[i].sock_path);
        free(children[i].status);
    }
    event(NULL, "summary", "watchdog_kills=%d restarts=%d", watchdog_kills, restarts);
    fclose(events);
    return bad ? 1 : 0;
}
