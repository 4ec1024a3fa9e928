/*
 * NAME
 *   plan_cmd - koppelctl plan: change a task's interval and next run
 *
 * SYNOPSIS
 *   koppelctl plan PROFILE TASK [--interval I] [--next "YYYY-MM-DD HH:MM"]
 *
 * DESCRIPTION
 *   The planning of manual 2.6: I is off, 5m, 10m, 15m, 30m, 1h, 2h, 4h,
 *   8h, 12h or 24h; --next is the next run in local time. TASK is
 *   importeren-financieel (the manual's "Importeren financieel" is
 *   accepted too). The scheduler stores the change ("plan" control
 *   command, NEXT in epoch seconds) so that it survives a restart; a next
 *   run in the past is caught up by the catch-up rule.
 *
 * DIAGNOSTICS
 *   Exit 1 when the scheduler refuses or does not answer, 2 on a usage
 *   error (the message names the wrong value).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "date.h"
#include "msg.h"
#include "net.h"
#include "plan_cmd.h"
#include "xalloc.h"

#define TIMEOUT_MS 3000

static const char plan_usage[] =
    "usage: koppelctl plan PROFILE TASK [--interval I] [--next \"YYYY-MM-DD HH:MM\"]\n"
    "  I: off, 5m, 10m, 15m, 30m, 1h, 2h, 4h, 8h, 12h or 24h\n";

/* plan_cmd_parse_time - local "YYYY-MM-DD HH:MM" */
int64_t
plan_cmd_parse_time(const char *text)
{
    struct tm tm;
    const char *end;
    time_t  t;

    memset(&tm, 0, sizeof tm);
    end = strptime(text, "%Y-%m-%d %H:%M", &tm);
    if (end == NULL || *end != 0 || tm.tm_year + 1900 < 1970
        || tm.tm_mday > date_days_in_month(tm.tm_year + 1900, tm.tm_mon + 1))
        return -1;              /* 2027-02-30 is no day, not 2 March */
    tm.tm_isdst = -1;           /* let the zone say whether it is summer time */
    if ((t = mktime(&tm)) == (time_t) -1)
        return -1;
    return (int64_t) t;
}

/* plan_cmd_task_name - "Importeren financieel" -> "importeren-financieel" (new memory) */
char *
plan_cmd_task_name(const char *given)
{
    char   *t = xstrdup(given), *s;

    for (s = t; *s; s++)
        *s = *s == ' ' ? '-' : (char) tolower((unsigned char) *s);
    return t;
}

/* plan_cmd - koppelctl plan */
int
plan_cmd(const cfg_t *cfg, int argc, char **argv, bool as_json)
{
    const char *interval = "-";
    char    next[32] = "-", err[512], *task;
    msg_t  *req, *reply;
    int64_t t;
    int     i, rc;

    if (argc < 3) {
        fprintf(stderr, "%s", plan_usage);
        return 2;
    }
    for (i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--interval") == 0 && i + 1 < argc) {
            interval = argv[++i];
            if (config_interval_parse(interval) < 0) {
                fprintf(stderr, "koppelctl: --interval %s: not a planning interval\n%s",
                        interval, plan_usage);
                return 2;
            }
        } else if (strcmp(argv[i], "--next") == 0 && i + 1 < argc) {
            if ((t = plan_cmd_parse_time(argv[++i])) < 0) {
                fprintf(stderr, "koppelctl: --next %s: expected a day that exists, as "
                        "\"YYYY-MM-DD HH:MM\" (local time)\n", argv[i]);
                return 2;
            }
            snprintf(next, sizeof next, "%lld", (long long) t);
        } else {
            fprintf(stderr, "koppelctl: plan: unexpected \"%s\"\n%s", argv[i], plan_usage);
            return 2;
        }
    }
    if (cfg_profile(cfg, argv[0]) == NULL) {
        fprintf(stderr, "koppelctl: profiel %s bestaat niet in %s (zie koppelctl "
                "profiles)\n", argv[0], cfg->path);
        return 2;
    }
    task = plan_cmd_task_name(argv[1]);
    req = msg_new(MSG_REQUEST);
    msg_set(&req->cmd, "plan");
    msg_add_arg(req, argv[0]);
    msg_add_arg(req, task);
    msg_add_arg(req, interval);
    msg_add_arg(req, next);
    free(task);
    reply = net_request(cfg->ep_control[DAEMON_SCHEDULER], req, TIMEOUT_MS, err, sizeof err);
    msg_destroy(&req);
    if (reply == NULL) {
        fprintf(stderr, "koppelctl: %s\n", err);
        return 1;
    }
    if (as_json && *reply->json)
        printf("%s\n", reply->json);
    else
        printf("%s\n", reply->text);
    rc = reply->ok ? 0 : 1;
    msg_destroy(&reply);
    return rc;
}
