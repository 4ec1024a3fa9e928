/*
 * NAME
 *   daemon - what every koppel daemon does at start
 *
 * DESCRIPTION
 *   See daemon.h.
 *
 * DIAGNOSTICS
 *   A bad option or configuration is fatal (exit 1) with a message that
 *   names the file, line and setting.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <malloc.h>
#include <sqlite3.h>
#include <systemd/sd-daemon.h>
#include <czmq.h>

#include "control.h"
#include "daemon.h"
#include "reload.h"
#include "log.h"
#include "netsec.h"
#include "xalloc.h"

/* daemon_config_path - the configuration file to read */
const char *
daemon_config_path(const char *given)
{
    const char *env = getenv("KOPPEL_CONFIG");

    if (given && *given)
        return given;
    if (env && *env)
        return env;
    return DEFAULT_CONFIG;
}

/* make_dir - mkdir -p for the state directory */
static void
make_dir(const char *path)
{
    char   *p = xstrdup(path), *s;

    for (s = p + 1; *s; s++)
        if (*s == '/') {
            *s = 0;
            mkdir(p, 0750);
            *s = '/';
        }
    if (mkdir(p, 0750) != 0 && errno != EEXIST)
        log_fatal("cannot create state directory %s: %s", p, strerror(errno));
    free(p);
}

static const char *progname = "koppel";
static bool level_given;      /* --log-level wins over koppel.log_level */

/* daemon_start - parse common options and load the configuration */
cfg_t *
daemon_start(int argc, char **argv, daemon_t which, const char *usage, const char **instance)
{
    static const struct option opts[] = {
        { "config", required_argument, NULL, 'c' },
        { "instance", required_argument, NULL, 'i' },
        { "log-level", required_argument, NULL, 'l' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    const char *config = NULL, *level = NULL;
    char    err[1024];
    cfg_t  *cfg;
    int     c, lv;

    *instance = "1";
    progname = argv[0];
    log_init(argv[0], LOG_LEVEL_INFO);
    /* SIGHUP means "read the configuration again" (reload.h); blocked before
     * any thread starts, so that none of them dies of it */
    reload_block_signal();
    while ((c = getopt_long(argc, argv, "c:i:l:hV", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            config = optarg;
            break;
        case 'i':
            *instance = optarg;
            break;
        case 'l':
            level = optarg;
            break;
        case 'h':
            printf("%s", usage);
            exit(0);
        case 'V':
            printf("koppel-%s %s\n", daemon_name(which), KOPPEL_VERSION);
            exit(0);
        default:
            fprintf(stderr, "%s", usage);
            exit(2);
        }
    }
    if (optind < argc) {
        fprintf(stderr, "koppel-%s: unexpected argument \"%s\"\n%s", daemon_name(which),
                argv[optind], usage);
        exit(2);
    }
    config = daemon_config_path(config);
    /* no core file and no ptrace by other users of a process about to hold
     * passwords and keys; then keep only the secrets this daemon uses */
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
        log_fatal("cannot make the process non-dumpable (prctl): %s", strerror(errno));
    if ((cfg = cfg_load(config, err, sizeof err)) == NULL
        || !netsec_load(config, err, sizeof err))
        log_fatal("%s", err);
    level_given = level != NULL;
    cfg_keep_secrets(cfg, which);
    lv = log_level_parse(level ? level : cfg->log_level);
    if (lv < 0)
        log_fatal("--log-level %s: use debug, info, warning or error", level);
    log_init(argv[0], (log_level_t) lv);
    if (!config_secrets_private(config))
        log_warning("%s is readable by every user but holds passwords and keys: "
                    "chmod 0640 %s", config, config);
    make_dir(cfg->state_dir);
    zsys_init();
    zsys_set_logstream(NULL);
    return cfg;
}

/* daemon_reconfigure - after a reload: koppel.log_level, unless --log-level was given */
void
daemon_reconfigure(const cfg_t *cfg)
{
    int     lv = log_level_parse(cfg->log_level);

    if (!level_given && lv >= 0)
        log_init(progname, (log_level_t) lv);
}

/* daemon_path - a file in the state directory */
char *
daemon_path(const cfg_t *cfg, const char *file)
{
    return xasprintf("%s/%s", cfg->state_dir, file);
}

/* daemon_ready - tell systemd the daemon is up, with its first status */
void
daemon_ready(const char *status)
{
    sd_notifyf(0, "READY=1\nSTATUS=%s", status);
}

/* daemon_watchdog_interval - seconds between two watchdog pings */
int
daemon_watchdog_interval(void)
{
    static int interval;
    uint64_t usec = 0;
    int64_t s;

    if (interval)
        return interval;
    interval = WATCHDOG_PING_MAX_S;
    if (sd_watchdog_enabled(0, &usec) > 0) {
        /* a loop counts whole seconds and wakes at least once a second, so
         * a ping may come one second late: one second less than half */
        s = (int64_t) (usec / 2000000) - 1;
        if (s < 1)
            s = 1;
        if (s < interval)
            interval = (int) s;
    }
    return interval;
}

/* daemon_watchdog - tell systemd the daemon is alive, and give back to the
 * system what the heap no longer holds (glibc keeps freed memory; an idle
 * daemon that just booked thousands of orders should not), at most every
 * WATCHDOG_PING_MAX_S seconds however often the watchdog is pinged */
void
daemon_watchdog(void)
{
    static time_t last_trim;
    struct timespec ts;

    sd_notify(0, "WATCHDOG=1");
    clock_gettime(CLOCK_MONOTONIC, &ts);
    if (last_trim == 0 || ts.tv_sec - last_trim >= WATCHDOG_PING_MAX_S) {
        sqlite3_release_memory(1 << 30);
        malloc_trim(0);
        last_trim = ts.tv_sec;
    }
}

/* daemon_stopping - tell systemd, and stop the CURVE key check's thread
 * (left running, it aborted the process at exit) */
void
daemon_stopping(void)
{
    sd_notify(0, "STOPPING=1");
    netsec_stop();
}
