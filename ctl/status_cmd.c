/*
 * NAME
 *   status_cmd - koppelctl status and reload
 *
 * DESCRIPTION
 *   See status_cmd.h. A profile's line is made from the daemons' status
 *   replies: stopped (the fetcher's profiles.X.stopped, the booker's
 *   stopped.X), waiting (the booker's profiles.X.waiting_until, epoch
 *   seconds or ISO 8601, and waiting_reason), busy (an activity "Bezig: profiel X,
 *   ..."), else "Gereed".
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <jansson.h>

#include "date.h"
#include "net.h"
#include "status_cmd.h"
#include "status_text.h"
#include "xalloc.h"

#define STATUS_TIMEOUT_MS 1000
#define RELOAD_TIMEOUT_MS 10000       /* a daemon reads and checks the file */

/* ipc_reach - whether this user may talk to an ipc socket file */
static ctl_ask_t
ipc_reach(const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    struct pollfd pfd;
    char    c;
    int     fd, rc;
    ctl_ask_t r = CTL_ASK_OK;

    if (strlen(path) >= sizeof sa.sun_path)
        return CTL_ASK_OK;              /* ZeroMQ says what is wrong */
    memcpy(sa.sun_path, path, strlen(path) + 1);
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
        return CTL_ASK_OK;
    if (connect(fd, (struct sockaddr *) &sa, sizeof sa) != 0) {
        r = errno == EACCES || errno == EPERM ? CTL_ASK_DENIED : CTL_ASK_DOWN;
        close(fd);
        return r;
    }
    /* a ZeroMQ peer greets at once; one whose IPC filter refuses us closes */
    pfd.fd = fd;
    pfd.events = POLLIN;
    if (poll(&pfd, 1, STATUS_TIMEOUT_MS) == 1) {
        rc = (int) recv(fd, &c, 1, MSG_PEEK);
        if (rc == 0 || (rc < 0 && errno == ECONNRESET))
            r = CTL_ASK_DENIED;
    }
    close(fd);
    return r;
}

/* ctl_ask - one request to a daemon */
msg_t *
ctl_ask(const char *endpoint, const char *cmd, int nargs, char **args, int timeout_ms,
        ctl_ask_t *why, char *err, size_t errlen)
{
    msg_t  *req, *reply;
    int     i;

    *why = CTL_ASK_OK;
    if (strncmp(endpoint, "ipc://", 6) == 0
        && (*why = ipc_reach(endpoint + 6)) != CTL_ASK_OK) {
        snprintf(err, errlen, "%s: %s", endpoint + 6,
                 *why == CTL_ASK_DENIED ? CTL_NO_ACCESS : CTL_DOWN);
        return NULL;
    }
    req = msg_new(MSG_REQUEST);
    msg_set(&req->cmd, cmd);
    for (i = 0; i < nargs; i++)
        msg_add_arg(req, args[i]);
    reply = net_request(endpoint, req, timeout_ms, err, errlen);
    msg_destroy(&req);
    if (reply == NULL)
        *why = CTL_ASK_DOWN;
    return reply;
}

typedef struct {
    char    name[64];           /* "fetcher", "matcher@2" */
    char   *endpoint;
    json_t *status;             /* the reply's JSON, NULL when none */
    ctl_ask_t why;
    char    err[512];
} daemon_entry_t;

/* matcher_name - "matcher", or "matcher@NAME" for instance NAME other than 1,
 * read from the endpoint by the configured pattern (matcher-%s.ctl) */
static void
matcher_name(const cfg_t *cfg, const char *endpoint, char *name, size_t len)
{
    const char *pattern = cfg->ep_control[DAEMON_MATCHER];
    const char *at = strstr(pattern, "%s");
    size_t  pre, post, n = strlen(endpoint);

    if (at == NULL)
        return;
    pre = (size_t) (at - pattern);
    post = strlen(at + 2);
    if (n < pre + post || strncmp(endpoint, pattern, pre) != 0
        || strcmp(endpoint + n - post, at + 2) != 0)
        return;
    if (n - pre - post == 1 && endpoint[pre] == '1')
        return;
    snprintf(name, len, "matcher@%.*s", (int) (n - pre - post), endpoint + pre);
}

/* daemons - every daemon's control endpoint, in pipeline order (status_text.h) */
static daemon_entry_t *
daemons(const cfg_t *cfg, size_t *n)
{
    status_endpoint_t *eps = status_endpoints(cfg, n);
    daemon_entry_t *list = xcalloc(*n + 1, sizeof *list);
    size_t  i;

    for (i = 0; i < *n; i++) {
        list[i].endpoint = eps[i].endpoint;         /* taken over */
        snprintf(list[i].name, sizeof list[i].name, "%s", daemon_name(eps[i].daemon));
        if (eps[i].daemon == DAEMON_MATCHER)
            matcher_name(cfg, list[i].endpoint, list[i].name, sizeof list[i].name);
    }
    free(eps);
    return list;
}

/* daemons_free - free the list */
static void
daemons_free(daemon_entry_t *list, size_t n)
{
    size_t  i;

    for (i = 0; i < n; i++) {
        free(list[i].endpoint);
        json_decref(list[i].status);
    }
    free(list);
}

/* str - a string member, "" when absent */
static const char *
str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));

    return s ? s : "";
}

/* activity_of - a daemon's line: its activity, and for the fetcher and a
 * matcher who serves which profiles */
static const char *
activity_of(const daemon_entry_t *d, char *buf, size_t len)
{
    char    shard[1024];

    if (d->status == NULL)
        return d->why == CTL_ASK_DENIED ? CTL_NO_ACCESS : CTL_DOWN;
    snprintf(buf, len, "%s%s", *str(d->status, "activity") ? str(d->status, "activity")
             : "Gereed", status_text_shard(d->status, shard, sizeof shard));
    return buf;
}

/* matcher_of - the matcher serving a profile, by the fetcher's status */
static const char *
matcher_of(const char *profile, json_t *const *statuses, size_t n)
{
    size_t  i;
    const char *m;

    for (i = 0; i < n; i++)
        if ((m = json_string_value(json_object_get(json_object_get(json_object_get(
                 statuses[i], "profiles"), profile), "matcher"))) != NULL)
            return m;
    return NULL;
}

/* status_profile_line - what a profile does, from the daemons' replies */
char *
status_profile_line(const char *profile, json_t *const *statuses, size_t n, bool *stopped)
{
    char    busy[300], hhmm[16];
    size_t  i;

    snprintf(busy, sizeof busy, "Bezig: profiel %s,", profile);
    *stopped = false;
    for (i = 0; i < n; i++) {           /* stopped first: it needs the bookkeeper */
        const json_t *st = statuses[i];
        const char *why = json_string_value(json_object_get(json_object_get(
            json_object_get(st, "profiles"), profile), "stopped"));

        if (why == NULL)
            why = json_string_value(json_object_get(json_object_get(st, "stopped"), profile));
        if (why) {
            *stopped = true;
            return xstrdup(why);
        }
    }
    for (i = 0; i < n; i++) {
        const json_t *p = json_object_get(json_object_get(statuses[i], "profiles"), profile);
        const json_t *until = json_object_get(p, "waiting_until");
        time_t  t = 0;
        int     offset;

        if (json_is_integer(until))
            t = (time_t) json_integer_value(until);
        else if (json_is_string(until)                  /* ISO 8601, with or without zone */
                 && !date_parse_zoned(json_string_value(until), &t, &offset)
                 && !date_parse_utc(json_string_value(until), &t))
            t = 0;
        if (t > time(NULL)) {
            struct tm tm;
            const char *reason = str(p, "waiting_reason");

            localtime_r(&t, &tm);
            strftime(hhmm, sizeof hhmm, "%H:%M", &tm);
            return *reason ? xasprintf("Wacht op SnelStart-limiet tot %s (%s)", hhmm, reason)
                           : xasprintf("Wacht op SnelStart-limiet tot %s", hhmm);
        }
    }
    for (i = 0; i < n; i++)
        if (statuses[i] && strncmp(str(statuses[i], "activity"), busy, strlen(busy)) == 0)
            return xstrdup(str(statuses[i], "activity"));
    return xstrdup("Gereed");
}

/* status_webhook_line - the fetcher's webhook counts of a profile, in Dutch */
char *
status_webhook_line(const char *profile, json_t *const *statuses, size_t n)
{
    size_t  i;

    for (i = 0; i < n; i++) {
        const json_t *w = json_object_get(json_object_get(json_object_get(statuses[i],
                                          "profiles"), profile), "webhooks");
        char    when[32] = "";
        time_t  t;
        struct tm tm;
        int     offset;

        if (w == NULL)
            continue;
        if (date_parse_zoned(str(w, "last"), &t, &offset)) {
            localtime_r(&t, &tm);
            strftime(when, sizeof when, ", laatste om %H:%M:%S", &tm);
        }
        return xasprintf("webhooks: %lld ontvangen, %lld geweigerd (handtekening), "
                         "%lld genegeerd%s",
                         (long long) json_integer_value(json_object_get(w, "received")),
                         (long long) json_integer_value(json_object_get(w, "refused")),
                         (long long) json_integer_value(json_object_get(w, "ignored")), when);
    }
    return NULL;
}

/* status_cmd - one line per profile and per daemon */
int
status_cmd(const cfg_t *cfg, bool as_json)
{
    size_t  n, i;
    daemon_entry_t *ds = daemons(cfg, &n);
    json_t *jd = json_array(), *jp = json_array(), *top, **statuses;
    bool    down = false, denied = false, any_stopped = false, stopped;
    int     rc;

    for (i = 0; i < n; i++) {
        msg_t  *r = ctl_ask(ds[i].endpoint, "status", 0, NULL, STATUS_TIMEOUT_MS, &ds[i].why,
                            ds[i].err, sizeof ds[i].err);

        if (r && r->ok && (ds[i].status = json_loads(r->json, 0, NULL)) != NULL)
            ;
        else if (ds[i].why == CTL_ASK_OK)
            ds[i].why = CTL_ASK_DOWN;
        if (ds[i].why == CTL_ASK_DENIED)
            denied = true;
        else if (ds[i].status == NULL)
            down = true;
        msg_destroy(&r);
        if (denied)
            break;                      /* the same for every socket: say it at once */
    }
    if (denied) {
        if (as_json) {
            json_t *e = json_pack("{s:b, s:s}", "ok", 0, "error", CTL_NO_ACCESS);
            char   *t = json_dumps(e, JSON_COMPACT);

            printf("%s\n", t);
            free(t);
            json_decref(e);
        } else
            fprintf(stderr, "koppelctl: %s\n", CTL_NO_ACCESS);
        daemons_free(ds, n);
        json_decref(jd);
        json_decref(jp);
        return 4;
    }
    statuses = xcalloc(n + 1, sizeof *statuses);
    for (i = 0; i < n; i++)
        statuses[i] = ds[i].status;
    for (i = 0; i < cfg->nprofiles; i++) {
        char   *line = cfg->profiles[i].enabled       /* switched off: not an error */
            ? status_profile_line(cfg->profiles[i].name, statuses, n, &stopped)
            : xasprintf("uitgeschakeld (enabled = false in %s)", cfg->path);

        if (!cfg->profiles[i].enabled)
            stopped = false;
        any_stopped |= stopped;
        if (!as_json) {
            char   *hooks = status_webhook_line(cfg->profiles[i].name, statuses, n);

            printf("profiel %-16s %s\n", cfg->profiles[i].name, line);
            if (hooks)
                printf("        %-16s %s\n", "", hooks);
            free(hooks);
        }
        json_array_append_new(jp, json_pack("{s:s, s:s, s:b, s:s?}", "name",
                                            cfg->profiles[i].name, "line", line, "stopped",
                                            stopped, "matcher", matcher_of(
                                            cfg->profiles[i].name, statuses, n)));
        free(line);
    }
    for (i = 0; i < n; i++) {
        json_t *d = ds[i].status ? json_deep_copy(ds[i].status) : json_object();
        char    buf[1400];
        const char *line = activity_of(&ds[i], buf, sizeof buf);

        if (!as_json)
            printf("%-24s %s\n", ds[i].name, line);
        json_object_set_new(d, "name", json_string(ds[i].name));
        json_object_set_new(d, "endpoint", json_string(ds[i].endpoint));
        json_object_set_new(d, "answering", json_boolean(ds[i].status != NULL));
        json_object_set_new(d, "line", json_string(line));
        if (ds[i].status == NULL)
            json_object_set_new(d, "activity", json_string(CTL_DOWN));
        json_array_append_new(jd, d);
    }
    free(statuses);
    rc = down ? 1 : any_stopped ? 3 : 0;
    if (as_json) {
        char   *t;

        json_t *off = json_array();

        for (i = 0; i < cfg->nprofiles; i++)
            if (!cfg->profiles[i].enabled)
                json_array_append_new(off, json_string(cfg->profiles[i].name));
        top = json_pack("{s:o, s:o, s:o, s:b}", "profiles", jp, "daemons", jd,
                        "profiles_disabled", off, "ok", rc == 0);
        t = json_dumps(top, JSON_COMPACT);
        printf("%s\n", t);
        free(t);
        json_decref(top);
    } else {
        json_decref(jd);
        json_decref(jp);
    }
    daemons_free(ds, n);
    return rc;
}

/* reload_cmd - every daemon reads koppel.cfg again */
int
reload_cmd(const cfg_t *cfg, bool as_json)
{
    size_t  n, i;
    daemon_entry_t *ds = daemons(cfg, &n);
    json_t *all = json_array();
    int     rc = 0;

    for (i = 0; i < n; i++) {
        msg_t  *r = ctl_ask(ds[i].endpoint, "reload", 0, NULL, RELOAD_TIMEOUT_MS, &ds[i].why,
                            ds[i].err, sizeof ds[i].err);
        const char *text = r ? r->text : ds[i].why == CTL_ASK_DENIED ? CTL_NO_ACCESS : CTL_DOWN;
        bool    ok = r && r->ok;

        if (!ok)
            rc = 1;
        if (!as_json)
            printf("%-24s %s%s\n", ds[i].name, r && !ok ? "refused: " : "", text);
        json_array_append_new(all, json_pack("{s:s, s:b, s:s}", "name", ds[i].name,
                                             "reloaded", ok, "text", text));
        msg_destroy(&r);
    }
    if (as_json) {
        char   *t = json_dumps(all, JSON_COMPACT);

        printf("%s\n", t);
        free(t);
    }
    json_decref(all);
    daemons_free(ds, n);
    return rc;
}
