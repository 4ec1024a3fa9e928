/*
 * NAME
 *   reload - read koppel.cfg again while a daemon runs
 *
 * DESCRIPTION
 *   A reload is asked for by SIGHUP (systemctl reload) or by the control
 *   command "reload" (koppelctl reload). The file is read and checked with
 *   cfg_load(), with the same messages as at start; a file that does not
 *   pass is refused and the configuration in force stays. One that passes
 *   is handed to the daemon's apply function, which takes it over at once:
 *   a daemon is one thread, so between two handlers of its loop nothing
 *   holds a profile but the daemon's own per-profile objects, which apply
 *   rebuilds (a run in progress may keep the old configuration until it
 *   ends). What changed counts from the next order or run.
 *
 *   The state directory and the endpoints cannot change while the
 *   sockets are bound: a reload keeps the ones in force and says
 *   "endpoints changed: restart koppel.target to apply".
 *
 *   reload_if_changed() is the same reload, done when the file was
 *   written since it was read: a daemon calls it before a stopped
 *   profile's next run or order, so that corrected credentials count
 *   without a reload being asked for. reload_stopped() carries the
 *   stopped profiles over: one stays stopped unless its shop or SnelStart
 *   credentials changed (cfg_connection_same).
 */
#ifndef KOPPEL_RELOAD_H
#define KOPPEL_RELOAD_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "control.h"
#include "daemon_loop.h"

#define RELOAD_RESTART_NEEDED "endpoints changed: restart koppel.target to apply"

typedef struct reload reload_t;

/* take fresh (owned) over as the configuration in force, set *cfg_p to it
 * and dispose of the old one; old_index[i] is where profile i of fresh was
 * in the old configuration, -1 for a new profile */
typedef void (reload_apply_fn)(void *arg, cfg_t *fresh, const int *old_index);

/* reload_block_signal - block SIGHUP in this thread and those it starts
 * (daemon_start calls it before any thread runs) */
void reload_block_signal(void);

/* reload_new - answer SIGHUP and the control command "reload" on loop;
 * *cfg_p is the configuration in force */
reload_t *reload_new(daemon_loop_t *loop, control_t *control, cfg_t **cfg_p,
                     reload_apply_fn *apply, void *arg);

/* reload_destroy - stop answering SIGHUP, null the caller's pointer */
void reload_destroy(reload_t **self_p);

/* reload_now - read the file again; false with msg (file, line, setting)
 * when refused. msg says what a restart would still change, if anything. */
bool reload_now(reload_t *self, char *msg, size_t len);

/* reload_if_changed - reload_now() when the file was written since it was
 * read; true when a new configuration was taken over */
bool reload_if_changed(reload_t *self);

/* reload_stopped - the stopped reasons (array of n of old, each NULL or
 * text) for the profiles of fresh: kept by name, dropped for a profile
 * removed or whose credentials changed (then logged: what says which
 * settings, "shop" or "SnelStart"); frees the old array */
char **reload_stopped(char **stopped, const cfg_t *old, const cfg_t *fresh,
                      const int *old_index, const char *what);

#endif
