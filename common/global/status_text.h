/*
 * NAME
 *   status_text - one Dutch status line for people from the daemons' status
 *
 * DESCRIPTION
 *   The status line of the manual's Uitvoering tab, in the words of a
 *   bookkeeper: "Gereed", "Bezig: profiel X, order N", "Gestopt: ..." or
 *   "niet bereikbaar: ...". Built from what every daemon's control
 *   socket answers to "status" (control.h): an array of those JSON
 *   objects, one per daemon, each with "answering" false when it gave no
 *   answer. koppel-web and koppelctl use the same words.
 *
 *   Precedence: a daemon that does not answer, then a stopped profile,
 *   then a daemon at work, else "Gereed".
 */
#ifndef KOPPEL_STATUS_TEXT_H
#define KOPPEL_STATUS_TEXT_H

#include <stddef.h>
#include <jansson.h>

#include "config.h"

/* one daemon's control endpoint */
typedef struct {
    daemon_t daemon;
    char    *endpoint;
} status_endpoint_t;

/* status_endpoints - every daemon's control endpoint, each running matcher
 * instance's too, in pipeline order; free with status_endpoints_free */
status_endpoint_t *status_endpoints(const cfg_t *cfg, size_t *n);

/* status_endpoints_free - free a list of status_endpoints */
void status_endpoints_free(status_endpoint_t *list, size_t n);

/* status_collect - ask every daemon (each matcher instance too) for its
 * status: a new array of their status objects, "answering" true or false
 * (then "activity" is "niet bereikbaar") */
json_t *status_collect(const cfg_t *cfg, int timeout_ms);

/* status_text_line - the status line for an array of daemon status objects;
 * returns buf */
const char *status_text_line(const json_t *daemons, char *buf, size_t len);

/* status_text_activity - one daemon's activity in Dutch ("importing profile
 * X, order N" -> "Bezig: profiel X, order N"); returns buf */
const char *status_text_activity(const char *activity, char *buf, size_t len);

/* status_text_stopped - why a profile stopped: the daemon's own "Gestopt:
 * ..." as it is, any other reason after "Gestopt: profiel NAME: "; returns buf */
const char *status_text_stopped(const char *profile, const char *reason, char *buf, size_t len);

/* status_text_summary - an import's summary in Dutch ("3 new orders, 0
 * cancelled, 1 unreadable; read up to order 10431" -> "3 nieuwe orders, 0
 * geannuleerd, 1 onleesbaar; gelezen tot en met order 10431"); the
 * scheduler's phrases ("merged with a queued run") in Dutch; a failed
 * import's summary, Dutch already, as it is; returns buf */
const char *status_text_summary(const char *summary, char *buf, size_t len);

/* status_text_shard - for the end of a daemon's line, who serves which
 * profiles: a fetcher's "; matchers 1: 3 profielen, 2: 2 profielen" (or
 * "; geen matcher meldt zich: orders wachten"), a matcher's "; bedient 3
 * profielen" (or "; wacht op de toewijzing van de fetcher"); "" for any
 * other daemon; returns buf */
const char *status_text_shard(const json_t *status, char *buf, size_t len);

#endif
