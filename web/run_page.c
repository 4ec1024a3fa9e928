/*
 * NAME
 *   run_page - Uitvoering: tasks, "Nu uitvoeren", status line, information log
 *
 * DESCRIPTION
 *   The manual's Uitvoering tab (chapter 3). Per profile its task
 *   "Importeren financieel" with interval, next and last run (the
 *   scheduler's "tasks"), and a button "Nu uitvoeren" (the scheduler's
 *   "run": "gestart" or "is al bezig"). The status line is the daemons'
 *   status in the words of status_text.h; the page's script asks
 *   /api/status every two seconds and updates the line, the tasks and
 *   the log in place.
 *
 *   The information log (infolog.h) in its basic view, or with
 *   "Uitgebreide informatie tonen" the extended one; "Selecteren en
 *   kopiëren", "Exporteren naar Excel" (the .xlsx of koppelctl log
 *   --export) and "Leegmaken" after a confirmation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "infolog.h"
#include "infolog_export.h"
#include "log.h"
#include "status_text.h"
#include "web.h"
#include "xalloc.h"

#define LOG_ROWS 200

/* when - an epoch time as "dd-mm-jjjj uu:mm", "-" for none */
static const char *
when(json_int_t t, char *buf, size_t len)
{
    time_t  tt = (time_t) t;
    struct tm tm;

    if (t <= 0)
        return "-";
    localtime_r(&tt, &tm);
    strftime(buf, len, "%d-%m-%Y %H:%M", &tm);
    return buf;
}

/* when_s - an epoch time as "dd-mm-jjjj uu:mm:ss" */
static const char *
when_s(json_int_t t, char *buf, size_t len)
{
    time_t  tt = (time_t) t;
    struct tm tm;

    localtime_r(&tt, &tm);
    strftime(buf, len, "%d-%m-%Y %H:%M:%S", &tm);
    return buf;
}

/* result_nl - a task's last result for people */
static const char *
result_nl(const json_t *t, char *buf, size_t len)
{
    const char *r = json_string_value(json_object_get(t, "last_result"));

    if (json_is_true(json_object_get(t, "running")))
        return "is bezig";
    if (r == NULL || *r == 0)
        return "-";
    return status_text_summary(r, buf, len);
}

/* tasks - the scheduler's tasks as JSON for the page and its script; NULL
 * with err when the scheduler does not answer */
static json_t *
tasks(const cfg_t *cfg, char *err, size_t errlen)
{
    msg_t  *r = web_ask(cfg->ep_control[DAEMON_SCHEDULER], "tasks", NULL, 0, err, errlen);
    json_t *list, *out = json_array(), *t;
    size_t  i;
    char    b1[32], b2[32], b3[1024];

    if (r == NULL || (list = json_loads(r->json, 0, NULL)) == NULL) {
        if (r)
            snprintf(err, errlen, "%s", r->text);
        msg_destroy(&r);
        json_decref(out);
        return NULL;
    }
    json_array_foreach(list, i, t) {
        json_int_t iv = json_integer_value(json_object_get(t, "interval_s"));
        const char *ivn = json_string_value(json_object_get(t, "interval"));

        json_array_append_new(out, json_pack("{s:s?, s:s?, s:s, s:s, s:s, s:s, s:b}",
            "profile", json_string_value(json_object_get(t, "profile")),
            "task", json_string_value(json_object_get(t, "task")),
            "interval", iv == 0 ? "uit" : ivn ? ivn : "?",
            "next", iv ? when(json_integer_value(json_object_get(t, "next_run")), b1, sizeof b1)
                       : "niet gepland",
            "last", when(json_integer_value(json_object_get(t, "last_run")), b2, sizeof b2),
            "result", result_nl(t, b3, sizeof b3),
            "running", json_is_true(json_object_get(t, "running"))));
    }
    json_decref(list);
    msg_destroy(&r);
    return out;
}

/* open_log - the information log for reading; NULL with err (absent: err "") */
static infolog_t *
open_log(const cfg_t *cfg, char *err, size_t errlen)
{
    char   *path = xasprintf("%s/%s", cfg->state_dir, INFOLOG_FILE);
    infolog_t *log = NULL;

    err[0] = 0;
    if (access(path, F_OK) == 0)
        log = infolog_open_path(path, false, err, errlen);
    free(path);
    return log;
}

/* log_rows - the rows a page shows, newest first */
static json_t *
log_rows(const req_t *r, char *err, size_t errlen)
{
    const char *profile = req_arg(r, "profiel");
    infolog_filter_t f = { profile && *profile ? profile : NULL,
                           req_arg(r, "uitgebreid") != NULL, LOG_ROWS };
    infolog_t *log = open_log(r->cfg, err, errlen);
    json_t *rows, *out = json_array(), *row;
    size_t  i;
    char    b[32];

    if (log == NULL)
        return err[0] ? (json_decref(out), NULL) : out;
    rows = infolog_query(log, &f, err, errlen);
    infolog_close(&log);
    if (rows == NULL) {
        json_decref(out);
        return NULL;
    }
    for (i = json_array_size(rows); i-- > 0;) {
        row = json_array_get(rows, i);
        json_array_append_new(out, json_pack("{s:s, s:s?, s:I, s:s?, s:b}",
            "at", when_s(json_integer_value(json_object_get(row, "at")), b, sizeof b),
            "profile", json_string_value(json_object_get(row, "profile")),
            "order", json_integer_value(json_object_get(row, "order")),
            "text", json_string_value(json_object_get(row, "text")),
            "extended", strcmp(json_string_value(json_object_get(row, "level")), "extended") == 0));
    }
    json_decref(rows);
    return out;
}

/* page_status_json - /api/status: line, tasks and log for the page's script */
void
page_status_json(req_t *r, resp_t *out)
{
    json_t *daemons, *t, *rows, *top;
    char    line[1024], err[1024];

    if (r->cfg == NULL) {
        page_json(out, json_pack("{s:s}", "line", "De instellingen zijn niet te lezen"));
        return;
    }
    daemons = status_collect(r->cfg, WEB_TIMEOUT_MS);
    status_text_line(daemons, line, sizeof line);
    json_decref(daemons);
    top = json_pack("{s:s}", "line", line);
    if ((t = tasks(r->cfg, err, sizeof err)) != NULL)
        json_object_set_new(top, "tasks", t);
    if ((rows = log_rows(r, err, sizeof err)) != NULL)
        json_object_set_new(top, "log", rows);
    else
        json_object_set_new(top, "log_error", json_string(err));
    page_json(out, top);
}

/* log_query - the query string that keeps the log's view */
static char *
log_query(const req_t *r, bool extended)
{
    const char *profile = req_arg(r, "profiel");
    char   *p = profile && *profile ? xasprintf("profiel=%s", profile) : xstrdup("");
    char   *q = xasprintf("%s%s%s", p, *p && extended ? "&" : "", extended ? "uitgebreid=1" : "");

    free(p);
    return q;
}

/* page_uitvoering - the Uitvoering tab */
void
page_uitvoering(req_t *r, resp_t *out)
{
    buf_t  *b = out->body;
    json_t *daemons, *ts, *rows, *t;
    const char *profile = req_arg(r, "profiel");
    bool    extended = req_arg(r, "uitgebreid") != NULL;
    char    line[1024], err[1024], *q;
    size_t  i, j;

    page_start(r, out, "Uitvoering", "uitvoering");
    if (r->cfg == NULL) {
        page_end(out);
        return;
    }
    daemons = status_collect(r->cfg, WEB_TIMEOUT_MS);
    status_text_line(daemons, line, sizeof line);
    json_decref(daemons);
    buf_add(b, "<section><h2>Status</h2><p id=\"status\" class=\"status\">");
    buf_esc(b, line);
    buf_add(b, "</p><p id=\"status-fix\" class=\"hint\"><a href=\"/instellingen\">Naar "
               "Instellingen</a> om de inloggegevens of sleutels aan te passen.</p></section>\n<section><h2>Taken</h2>");
    ts = tasks(r->cfg, err, sizeof err);
    if (ts == NULL) {
        buf_add(b, "<p class=\"error\">De planner (koppel-scheduler) antwoordt niet: ");
        buf_esc(b, err);
        buf_add(b, "</p>");
    }
    buf_add(b, "<table class=\"tasks\"><thead><tr><th>Profiel</th><th>Taak</th><th>Interval</th>"
               "<th>Volgende keer uitvoeren</th><th>Laatst uitgevoerd</th><th>Resultaat</th>"
               "<th></th></tr></thead><tbody id=\"tasks\">");
    for (i = 0; i < r->cfg->nprofiles; i++) {
        const profile_t *p = &r->cfg->profiles[i];
        bool    any = false;

        json_array_foreach(ts, j, t) {
            if (strcmp(json_string_value(json_object_get(t, "profile")), p->name) != 0)
                continue;
            any = true;
            buf_add(b, "<tr><td>");
            buf_esc(b, p->name);
            if (*p->description) {
                buf_add(b, "<br><small>");
                buf_esc(b, p->description);
                buf_add(b, "</small>");
            }
            buf_add(b, "</td><td>");
            buf_esc(b, strcmp(json_string_value(json_object_get(t, "task")),
                              "importeren-financieel") == 0 ? "Importeren financieel"
                       : json_string_value(json_object_get(t, "task")));
            buf_addf(b, "</td><td data-f=\"interval\">");
            buf_esc(b, json_string_value(json_object_get(t, "interval")));
            buf_add(b, "</td><td data-f=\"next\">");
            buf_esc(b, json_string_value(json_object_get(t, "next")));
            buf_add(b, "</td><td data-f=\"last\">");
            buf_esc(b, json_string_value(json_object_get(t, "last")));
            buf_add(b, "</td><td data-f=\"result\">");
            buf_esc(b, json_string_value(json_object_get(t, "result")));
            buf_add(b, "</td><td><form class=\"run\" method=\"post\" action=\"/uitvoeren\">");
            page_csrf(r, b);
            buf_add(b, "<input type=\"hidden\" name=\"profiel\" value=\"");
            buf_esc(b, p->name);
            buf_add(b, "\"><button type=\"submit\" class=\"run-now\" data-profile=\"");
            buf_esc(b, p->name);
            buf_add(b, "\">Nu uitvoeren</button> <span class=\"answer\">");
            if (req_arg(r, "antwoord") && req_arg(r, "voor")
                && strcmp(req_arg(r, "voor"), p->name) == 0)
                buf_esc(b, req_arg(r, "antwoord"));
            buf_add(b, "</span></form></td></tr>\n");
        }
        if (!any && ts) {
            buf_add(b, "<tr><td>");
            buf_esc(b, p->name);
            buf_add(b, "</td><td colspan=\"6\">De planner kent dit profiel nog niet (herstart "
                       "koppel-scheduler).</td></tr>");
        }
    }
    buf_add(b, "</tbody></table></section>\n");
    json_decref(ts);

    /* the information log */
    buf_add(b, "<section><h2>Informatie</h2><form class=\"logview\" method=\"get\" "
               "action=\"/uitvoering\"><label>Profiel <select name=\"profiel\" "
               "class=\"autosubmit\"><option value=\"\">alle profielen</option>");
    for (i = 0; i < r->cfg->nprofiles; i++) {
        buf_addf(b, "<option%s>", profile && strcmp(profile, r->cfg->profiles[i].name) == 0
                 ? " selected" : "");
        buf_esc(b, r->cfg->profiles[i].name);
        buf_add(b, "</option>");
    }
    buf_addf(b, "</select></label> <label><input type=\"checkbox\" name=\"uitgebreid\" "
             "value=\"1\" id=\"extended\"%s class=\"autosubmit\"> Uitgebreide "
             "informatie tonen</label> <noscript><button>Tonen</button></noscript></form>",
             extended ? " checked" : "");
    q = log_query(r, extended);
    buf_add(b, "<p class=\"actions\"><button type=\"button\" id=\"copy\">Selecteren en "
               "kopi&euml;ren</button> <a class=\"button\" id=\"export\" href=\"/informatie.xlsx?");
    buf_esc(b, q);
    buf_add(b, "\">Exporteren naar Excel</a> <a class=\"button danger\" id=\"clear\" "
               "href=\"/informatie/leegmaken?");
    buf_esc(b, q);
    buf_add(b, "\">Leegmaken</a></p>");
    free(q);
    rows = log_rows(r, err, sizeof err);
    if (rows == NULL) {
        buf_add(b, "<p class=\"error\">Het informatielogboek is niet te lezen: ");
        buf_esc(b, err);
        buf_add(b, "</p>");
    }
    buf_addf(b, "<table class=\"log\" id=\"log\" data-extended=\"%d\"><thead><tr><th>Tijd</th>"
             "<th>Profiel</th><th>Informatie</th></tr></thead><tbody>", extended);
    json_array_foreach(rows, i, t) {
        buf_addf(b, "<tr%s><td>", json_is_true(json_object_get(t, "extended"))
                 ? " class=\"extended\"" : "");
        buf_esc(b, json_string_value(json_object_get(t, "at")));
        buf_add(b, "</td><td>");
        buf_esc(b, json_string_value(json_object_get(t, "profile")));
        buf_add(b, "</td><td>");
        buf_esc(b, json_string_value(json_object_get(t, "text")));
        buf_add(b, "</td></tr>\n");
    }
    if (rows && json_array_size(rows) == 0)
        buf_add(b, "<tr class=\"empty\"><td colspan=\"3\">Het informatielogboek is leeg."
                   "</td></tr>");
    buf_add(b, "</tbody></table></section>\n");
    json_decref(rows);
    page_end(out);
}

/* page_run - "Nu uitvoeren": the scheduler's run */
void
page_run(req_t *r, resp_t *out)
{
    const char *profile = req_arg(r, "profiel");
    const char *args[1] = { profile };
    const char *answer;
    char    err[1024];
    msg_t  *m;

    if (r->cfg == NULL || profile == NULL || cfg_profile(r->cfg, profile) == NULL) {
        page_error(r, out, 400, "Dit profiel bestaat niet (meer).");
        return;
    }
    m = web_ask(r->cfg->ep_control[DAEMON_SCHEDULER], "run", args, 1, err, sizeof err);
    if (m == NULL)
        answer = "niet gestart: de planner (koppel-scheduler) antwoordt niet";
    else
        answer = m->text;                       /* Dutch at its source */
    log_info("user %s from %s: run %s: %s", r->session->user, r->addr, profile, answer);
    if (req_arg(r, "js"))
        page_json(out, json_pack("{s:s, s:b}", "text", answer, "ok", m && m->ok));
    else {
        char   *p = web_urlencode(profile), *a = web_urlencode(answer);

        page_redirect(out, "/uitvoering?voor=%s&antwoord=%s", p, a);
        free(p);
        free(a);
    }
    msg_destroy(&m);
}

/* page_log_export - "Exporteren naar Excel": the .xlsx of koppelctl log --export */
void
page_log_export(req_t *r, resp_t *out)
{
    const char *profile = req_arg(r, "profiel");
    infolog_filter_t f = { profile && *profile ? profile : NULL,
                           req_arg(r, "uitgebreid") != NULL, 0 };
    char    err[1024], path[] = "/tmp/koppel-web-XXXXXX.xlsx", chunk[8192];
    infolog_t *log;
    FILE   *in;
    size_t  n;
    int     fd;

    if (r->cfg == NULL || (log = open_log(r->cfg, err, sizeof err)) == NULL) {
        page_error(r, out, 500, r->cfg == NULL ? r->cfg_err : err[0] ? err
                   : "Het informatielogboek is nog leeg: er is niets te exporteren.");
        return;
    }
    if ((fd = mkstemps(path, 5)) < 0) {
        infolog_close(&log);
        page_error(r, out, 500, "Geen tijdelijk bestand in /tmp voor de export.");
        return;
    }
    close(fd);
    if (!infolog_export(log, &f, path, err, sizeof err)) {
        infolog_close(&log);
        unlink(path);
        page_error(r, out, 500, err);
        return;
    }
    infolog_close(&log);
    if ((in = fopen(path, "r")) == NULL) {
        unlink(path);
        page_error(r, out, 500, "De export is niet terug te lezen.");
        return;
    }
    while ((n = fread(chunk, 1, sizeof chunk, in)) > 0)
        buf_bytes(out->body, chunk, n);
    fclose(in);
    unlink(path);
    out->status = 200;
    out->type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    out->disposition = xasprintf("attachment; filename=\"koppel-informatie%s%s.xlsx\"",
                                 f.profile ? "-" : "", f.profile ? f.profile : "");
    log_info("user %s from %s: information log exported", r->session->user, r->addr);
}

/* page_log_clear - "Leegmaken": a confirmation, then the log is emptied */
void
page_log_clear(req_t *r, resp_t *out)
{
    const char *profile = req_arg(r, "profiel");
    char    err[1024];
    infolog_t *log;
    int64_t n;
    buf_t  *b = out->body;

    if (profile && *profile == 0)
        profile = NULL;
    if (r->cfg == NULL) {
        page_error(r, out, 500, r->cfg_err);
        return;
    }
    if (strcmp(r->method, "GET") == 0) {
        page_start(r, out, "Informatie leegmaken", "uitvoering");
        buf_add(b, "<p>Weet u zeker dat u het informatielogboek ");
        if (profile) {
            buf_add(b, "van profiel <b>");
            buf_esc(b, profile);
            buf_add(b, "</b> ");
        }
        buf_add(b, "wilt leegmaken? Wat erin staat is daarna weg; exporteer het eerst naar "
                   "Excel als u het wilt bewaren.</p><form method=\"post\" "
                   "action=\"/informatie/leegmaken\">");
        page_csrf(r, b);
        if (profile) {
            buf_add(b, "<input type=\"hidden\" name=\"profiel\" value=\"");
            buf_esc(b, profile);
            buf_add(b, "\">");
        }
        buf_add(b, "<button type=\"submit\" class=\"danger\" id=\"confirm\">Ja, leegmaken</button> "
                   "<a href=\"/uitvoering\">Nee, terug</a></form>");
        page_end(out);
        return;
    }
    if ((log = open_log(r->cfg, err, sizeof err)) == NULL) {
        if (err[0]) {
            page_error(r, out, 500, err);
            return;
        }
        page_redirect(out, "/uitvoering");
        return;
    }
    n = infolog_clear(log, profile, err, sizeof err);
    infolog_close(&log);
    if (n < 0) {
        page_error(r, out, 500, err);
        return;
    }
    web_audit(r, profile, "informatielogboek%s%s leeggemaakt (%lld regels)",
              profile ? " van profiel " : "", profile ? profile : "", (long long) n);
    page_redirect(out, "/uitvoering");
}
