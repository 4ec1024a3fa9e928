/*
 * NAME
 *   status_text - one Dutch status line for people from the daemons' status
 *
 * DESCRIPTION
 *   See status_text.h. The daemons describe what they do in short English
 *   phrases ("importing profile %s, ...", "booking profile %s, order %lld",
 *   "recognising profile %s, order %lld"); this module is the one place
 *   that turns them into the manual's Dutch. A phrase it does not know is
 *   shown as it is, after "Bezig: ".
 */
#include <glob.h>
#include <stdio.h>
#include <string.h>

#include "msg.h"
#include "net.h"
#include "status_text.h"
#include "xalloc.h"

/* matcher_endpoints - the control endpoints of the running matchers */
static char **
matcher_endpoints(const cfg_t *cfg, size_t *n)
{
    const char *pattern = cfg->ep_control[DAEMON_MATCHER];
    char  **list = NULL;
    glob_t  g;
    size_t  i;

    *n = 0;
    if (strncmp(pattern, "ipc://", 6) == 0) {
        char   *ep = cfg_matcher_control(cfg, "*");
        char   *glb = xstrdup(ep + 6);

        free(ep);
        if (glob(glb, 0, NULL, &g) == 0) {
            list = xcalloc(g.gl_pathc + 1, sizeof *list);
            for (i = 0; i < g.gl_pathc; i++)
                list[(*n)++] = xasprintf("ipc://%s", g.gl_pathv[i]);
            globfree(&g);
        }
        free(glb);
    }
    if (*n == 0) {
        list = xcalloc(2, sizeof *list);
        list[(*n)++] = cfg_matcher_control(cfg, "1");
    }
    return list;
}

/* status_endpoints - every daemon's control endpoint */
status_endpoint_t *
status_endpoints(const cfg_t *cfg, size_t *n)
{
    static const daemon_t order[] = { DAEMON_SCHEDULER, DAEMON_FETCHER, DAEMON_MATCHER,
                                      DAEMON_BOOKER };
    status_endpoint_t *list = NULL;
    size_t  i, j, nm;
    char  **eps;

    *n = 0;
    for (i = 0; i < sizeof order / sizeof *order; i++) {
        if (order[i] == DAEMON_MATCHER)
            eps = matcher_endpoints(cfg, &nm);
        else {
            eps = xcalloc(2, sizeof *eps);
            eps[0] = xstrdup(cfg->ep_control[order[i]]);
            nm = 1;
        }
        list = xrealloc(list, (*n + nm) * sizeof *list);
        for (j = 0; j < nm; j++) {
            list[*n].daemon = order[i];
            list[(*n)++].endpoint = eps[j];
        }
        free(eps);
    }
    return list;
}

void
status_endpoints_free(status_endpoint_t *list, size_t n)
{
    size_t  i;

    for (i = 0; i < n; i++)
        free(list[i].endpoint);
    free(list);
}

/* status_collect - every daemon's status object */
json_t *
status_collect(const cfg_t *cfg, int timeout_ms)
{
    json_t *all = json_array();
    size_t  i, n;
    status_endpoint_t *eps = status_endpoints(cfg, &n);
    char    err[512];

    for (i = 0; i < n; i++) {
        msg_t  *req = msg_new(MSG_REQUEST), *r;
        json_t *st = NULL;

        msg_set(&req->cmd, "status");
        r = net_request(eps[i].endpoint, req, timeout_ms, err, sizeof err);
        msg_destroy(&req);
        if (r && r->ok)
            st = json_loads(r->json, 0, NULL);
        if (st == NULL)
            st = json_pack("{s:s, s:s, s:b, s:s}", "name", daemon_name(eps[i].daemon),
                           "endpoint", eps[i].endpoint, "answering", 0,
                           "activity", "niet bereikbaar");
        else
            json_object_set_new(st, "answering", json_true());
        json_array_append_new(all, st);
        msg_destroy(&r);
    }
    status_endpoints_free(eps, n);
    return all;
}

/* after - the rest of s after prefix, or NULL */
static const char *
after(const char *s, const char *prefix)
{
    size_t  n = strlen(prefix);

    return strncmp(s, prefix, n) == 0 ? s + n : NULL;
}

/* status_text_activity - one daemon's activity in Dutch */
const char *
status_text_activity(const char *activity, char *buf, size_t len)
{
    static const char *const doing[] = { "importing profile ", "booking profile ",
                                         "recognising profile " };
    const char *rest;
    size_t  i;

    if (activity == NULL || *activity == 0 || strcmp(activity, "Gereed") == 0) {
        snprintf(buf, len, "Gereed");
        return buf;
    }
    if (strncmp(activity, "Bezig", 5) == 0 || strncmp(activity, "Wacht", 5) == 0
        || strncmp(activity, "Gestopt", 7) == 0) {
        snprintf(buf, len, "%s", activity);
        return buf;
    }
    for (i = 0; i < sizeof doing / sizeof *doing; i++)
        if ((rest = after(activity, doing[i])) != NULL) {
            snprintf(buf, len, "Bezig: profiel %s", rest);
            return buf;
        }
    snprintf(buf, len, "Bezig: %s", activity);
    return buf;
}

/* status_text_stopped - why a profile stopped, in Dutch */
const char *
status_text_stopped(const char *profile, const char *reason, char *buf, size_t len)
{
    const char *r = reason ? reason : "";

    /* the fetcher, matcher and booker say "Gestopt: ..." themselves */
    if (strncmp(r, "Gestopt", 7) == 0)
        snprintf(buf, len, "%s", r);
    else
        snprintf(buf, len, "Gestopt: profiel %s: %s", profile, r);
    return buf;
}

/* failure_nl - why an import did not run or failed, in Dutch: the
 * scheduler's and the fetcher's own phrases; the fetcher's summary of a
 * failed run is Dutch already (the shop client's words, what to do) */
static void
failure_nl(const char *summary, char *buf, size_t len)
{
    if (strcmp(summary, "unknown profile") == 0)
        snprintf(buf, len, "dit profiel staat niet (meer) in de instellingen");
    else if (strcmp(summary, "merged with a queued run") == 0)
        snprintf(buf, len, "samengevoegd met een run die al wachtte");
    else if (strcmp(summary, "too many queued jobs") == 0)
        snprintf(buf, len, "niet gestart: er wachten al te veel runs");
    else if (strncmp(summary, "no answer from the fetcher", 26) == 0)
        snprintf(buf, len, "koppel-fetcher antwoordde niet; de run geldt als beëindigd en de "
                 "volgende begint waar deze stopte");
    else
        snprintf(buf, len, "%s", summary);          /* Dutch already */
}

/* status_text_summary - an import's summary in Dutch */
const char *
status_text_summary(const char *summary, char *buf, size_t len)
{
    unsigned long added, skipped, dead;
    long long upto;
    int     n = 0;
    const char *rest;

    if (summary == NULL)
        summary = "";
    if (sscanf(summary, "%lu new orders, %lu cancelled, %lu unreadable; %n", &added, &skipped,
               &dead, &n) == 3 && n > 0) {
        rest = summary + n;
        if (sscanf(rest, "read up to order %lld", &upto) == 1)
            snprintf(buf, len, "%lu nieuwe orders, %lu geannuleerd, %lu onleesbaar; gelezen tot "
                     "en met order %lld", added, skipped, dead, upto);
        else if (sscanf(rest, "%lld orders changed since %n", &upto, &n) == 1 && n > 0)
            snprintf(buf, len, "%lu nieuwe orders, %lu geannuleerd, %lu onleesbaar; %lld orders "
                     "gewijzigd sinds %s", added, skipped, dead, upto,
                     strcmp(rest + n, "the start") == 0 ? "het begin" : rest + n);
        else
            snprintf(buf, len, "%lu nieuwe orders, %lu geannuleerd, %lu onleesbaar; %s", added,
                     skipped, dead, rest);
    } else
        failure_nl(summary, buf, len);
    return buf;
}

/* stopped_in - the first stopped profile in an object {profile: reason} or
 * {profile: {stopped: reason}}; NULL when none */
static const char *
stopped_in(const json_t *obj, const char **profile)
{
    const char *name;
    json_t *v;

    if (!json_is_object(obj))
        return NULL;
    json_object_foreach((json_t *) obj, name, v) {
        const char *why = json_is_string(v) ? json_string_value(v)
                        : json_string_value(json_object_get(v, "stopped"));

        if (why && *why) {
            *profile = name;
            return why;
        }
    }
    return NULL;
}

/* status_text_line - the status line for an array of daemon status objects */
const char *
status_text_line(const json_t *daemons, char *buf, size_t len)
{
    const char *profile = NULL, *why = NULL, *activity;
    size_t  i, used = 0;
    json_t *d;

    buf[0] = 0;
    json_array_foreach((json_t *) daemons, i, d)
        if (!json_is_true(json_object_get(d, "answering"))) {
            const char *name = json_string_value(json_object_get(d, "name"));

            used += (size_t) snprintf(buf + used, used < len ? len - used : 0, "%s%s",
                                      used ? ", " : "niet bereikbaar: ", name ? name : "?");
            if (used >= len)
                return buf;
        }
    if (used)
        return buf;
    json_array_foreach((json_t *) daemons, i, d) {
        if ((why = stopped_in(json_object_get(d, "profiles"), &profile)) != NULL
            || (why = stopped_in(json_object_get(d, "stopped"), &profile)) != NULL)
            return status_text_stopped(profile, why, buf, len);
    }
    json_array_foreach((json_t *) daemons, i, d) {
        activity = json_string_value(json_object_get(d, "activity"));
        if (activity && *activity && strcmp(activity, "Gereed") != 0)
            return status_text_activity(activity, buf, len);
    }
    snprintf(buf, len, "Gereed");
    return buf;
}

/* profielen - "1 profiel", "3 profielen" */
static const char *
profielen(json_int_t n, char *buf, size_t len)
{
    snprintf(buf, len, "%lld %s", (long long) n, n == 1 ? "profiel" : "profielen");
    return buf;
}

/* status_text_shard - who serves which profiles, after a daemon's line */
const char *
status_text_shard(const json_t *st, char *buf, size_t len)
{
    const json_t *matchers = json_object_get(st, "matchers");
    const char *name;
    json_t *v;
    char    count[64];
    size_t  used = 0;

    buf[0] = 0;
    if (json_is_object(json_object_get(st, "index"))) {      /* a matcher */
        if (!json_is_true(json_object_get(st, "assigned")))
            snprintf(buf, len, "; wacht op de toewijzing van de fetcher");
        else
            snprintf(buf, len, "; bedient %s", profielen(json_integer_value(
                     json_object_get(st, "profiles_served")), count, sizeof count));
        return buf;
    }
    if (!json_is_object(matchers))
        return buf;
    if (json_object_size(matchers) == 0) {
        snprintf(buf, len, "; geen matcher meldt zich: orders wachten");
        return buf;
    }
    json_object_foreach((json_t *) matchers, name, v) {
        used += (size_t) snprintf(buf + used, used < len ? len - used : 0, "%s%s: %s",
                                  used ? ", " : "; matchers ", name,
                                  profielen(json_integer_value(json_object_get(v, "profiles")),
                                            count, sizeof count));
        if (used >= len)
            break;
    }
    return buf;
}
