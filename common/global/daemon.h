/*
 * NAME
 *   daemon - what every koppel daemon does at start
 *
 * DESCRIPTION
 *   daemon_start() reads the common options (--config FILE, --instance
 *   NAME, --log-level LEVEL, --help, --version), loads and checks the
 *   configuration, makes the state directory, sets up logging and warns
 *   when the configuration (with its secrets) is readable by others.
 *   Before it reads the file it makes the process non-dumpable
 *   (PR_SET_DUMPABLE 0: no core file, no ptrace by other users); after,
 *   it wipes every secret the daemon does not use (cfg_keep_secrets).
 *   daemon_ready() and daemon_watchdog() tell systemd (Type=notify) that
 *   the daemon is up and alive; outside systemd they do nothing.
 *   daemon_watchdog() also returns freed heap and SQLite cache to the
 *   system, so an idle daemon stays small. A daemon's loop pings every
 *   daemon_watchdog_interval() seconds: WATCHDOG_PING_MAX_S (5), or less
 *   when WatchdogSec= (WATCHDOG_USEC) is short, so that a ping always
 *   comes within half of it (sd_watchdog_enabled(3)).
 */
#ifndef KOPPEL_DAEMON_H
#define KOPPEL_DAEMON_H

#include "config.h"

#define DEFAULT_CONFIG "/etc/koppel/koppel.cfg"

/* the longest time between two watchdog pings, and between two heap trims */
#define WATCHDOG_PING_MAX_S 5

/* daemon_config_path - --config, else $KOPPEL_CONFIG, else /etc/koppel/koppel.cfg */
const char *daemon_config_path(const char *given);

/* daemon_start - parse common options and load the configuration; exits on error.
 * usage is printed for --help; instance receives --instance (or "1"). */
cfg_t *daemon_start(int argc, char **argv, daemon_t which, const char *usage,
                    const char **instance);

/* daemon_reconfigure - after a reload (reload.h): take koppel.log_level
 * over, unless --log-level was given */
void daemon_reconfigure(const cfg_t *cfg);

/* daemon_path - a file in the state directory (new memory) */
char *daemon_path(const cfg_t *cfg, const char *file);

/* daemon_ready, daemon_watchdog, daemon_stopping - sd_notify; stopping
 * also ends the CURVE key check (netsec_stop) */
void daemon_ready(const char *status);
void daemon_watchdog(void);

/* daemon_watchdog_interval - seconds between pings: WATCHDOG_USEC/2 less one
 * second (a loop's tick), at least 1, at most WATCHDOG_PING_MAX_S */
int daemon_watchdog_interval(void);
void daemon_stopping(void);

#endif
