/*
 * NAME
 *   status_cmd - koppelctl status and reload, and how koppelctl reaches a daemon
 *
 * DESCRIPTION
 *   status [--json]  one line per profile and one per daemon, in the words
 *                    the bookkeeper reads:
 *                      Gereed
 *                      Bezig: profiel X, order N
 *                      Wacht op SnelStart-limiet tot 14:05 (5.000 per uur bereikt)
 *                      Gestopt: Globecharge weigert de inloggegevens - pas ze aan in koppel.cfg
 *                      niet bereikbaar       (a daemon that does not answer within 1 s)
 *                    --json carries the same lines and what they are made of.
 *   reload           asks every daemon to read koppel.cfg again and prints
 *                    each one's answer: "reloaded", or the refusal with the
 *                    file, line and setting.
 *
 *   ctl_ask() is every request koppelctl sends. For an ipc:// endpoint it
 *   first connects to the socket file itself: a file it may not open, or a
 *   daemon that closes the connection at once (its IPC filter refused this
 *   user), is reported at once as "geen toegang: lid van groep koppel
 *   nodig", a missing socket or one nobody listens on as "niet bereikbaar".
 *
 * DIAGNOSTICS
 *   status exits 0 when every daemon answers and no profile is stopped, 1
 *   when a daemon does not answer, 3 when a profile is stopped, 4 when this
 *   user may not use the control sockets. reload exits 0 when every daemon
 *   took the file over, 1 otherwise.
 */
#ifndef KOPPEL_CTL_STATUS_CMD_H
#define KOPPEL_CTL_STATUS_CMD_H

#include <stdbool.h>
#include <jansson.h>

#include "config.h"
#include "msg.h"

#define CTL_NO_ACCESS "geen toegang: lid van groep koppel nodig"
#define CTL_DOWN      "niet bereikbaar"

typedef enum { CTL_ASK_OK = 0, CTL_ASK_DOWN, CTL_ASK_DENIED } ctl_ask_t;

/* ctl_ask - one request to a daemon; NULL with *why and err when there is no reply */
msg_t *ctl_ask(const char *endpoint, const char *cmd, int nargs, char **args, int timeout_ms,
               ctl_ask_t *why, char *err, size_t errlen);


/* status_profile_line - a profile's line from the daemons' status replies
 * (NULL for one that did not answer); *stopped when it is stopped (new memory) */
char *status_profile_line(const char *profile, json_t *const *statuses, size_t n,
                          bool *stopped);

/* status_webhook_line - what came by webhook for a profile since the
 * fetcher started, "webhooks: 12 ontvangen, 1 geweigerd (handtekening),
 * 2 genegeerd, laatste om 14:03:07" (local time); NULL when nothing came
 * (new memory) */
char *status_webhook_line(const char *profile, json_t *const *statuses, size_t n);

/* status_cmd - koppelctl status */
int status_cmd(const cfg_t *cfg, bool as_json);

/* reload_cmd - koppelctl reload */
int reload_cmd(const cfg_t *cfg, bool as_json);

#endif
