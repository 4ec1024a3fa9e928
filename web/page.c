/*
 * NAME
 *   page - koppel-web's forms, layout, daemon requests and audit lines
 *
 * DESCRIPTION
 *   See web.h. The layout is one plain HTML page with the menu of the
 *   manual's tabs (Uitvoering, Niet geboekt, Instellingen, Profielen),
 *   the style sheet and the script served by koppel-web itself.
 *
 *   web_reload() sends "reload" to every daemon's control socket. A
 *   daemon that answers "unknown command" does not know reload yet: it
 *   reads koppel.cfg at its next start, and the sentence says so.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control.h"
#include "infolog.h"
#include "log.h"
#include "net.h"
#include "status_text.h"
#include "web.h"
#include "xalloc.h"

/* hexval - a hex digit's value, -1 when it is none */
static int
hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* unescape - decode %XX and + of a form part (new memory) */
static char *
unescape(const char *s, size_t n)
{
    char   *out = xmalloc(n + 1);
    size_t  i, o = 0;

    for (i = 0; i < n; i++) {
        if (s[i] == '+')
            out[o++] = ' ';
        else if (s[i] == '%' && i + 2 < n + 1 && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            out[o++] = (char) (hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            i += 2;
        } else
            out[o++] = s[i];
    }
    out[o] = 0;
    return out;
}

void
form_parse(form_t *f, const char *text)
{
    const char *p = text, *amp, *eq;

    while (p && *p) {
        amp = strchr(p, '&');
        if (amp == NULL)
            amp = p + strlen(p);
        eq = memchr(p, '=', (size_t) (amp - p));
        if (amp > p) {
            f->names = xrealloc(f->names, (f->n + 1) * sizeof *f->names);
            f->values = xrealloc(f->values, (f->n + 1) * sizeof *f->values);
            f->names[f->n] = unescape(p, (size_t) ((eq ? eq : amp) - p));
            f->values[f->n] = eq ? unescape(eq + 1, (size_t) (amp - eq - 1)) : xstrdup("");
            f->n++;
        }
        p = *amp ? amp + 1 : NULL;
    }
}

void
form_free(form_t *f)
{
    size_t  i;

    for (i = 0; i < f->n; i++) {
        explicit_bzero(f->values[i], strlen(f->values[i]));
        free(f->names[i]);
        free(f->values[i]);
    }
    free(f->names);
    free(f->values);
    memset(f, 0, sizeof *f);
}

const char *
form_get(const form_t *f, const char *name)
{
    size_t  i;

    for (i = 0; i < f->n; i++)
        if (strcmp(f->names[i], name) == 0)
            return f->values[i];
    return NULL;
}

const char *
req_arg(const req_t *r, const char *name)
{
    const char *v = form_get(&r->form, name);

    return v ? v : form_get(&r->query, name);
}

char *
web_urlencode(const char *text)
{
    char   *enc = xmalloc(strlen(text) * 3 + 1), *o = enc;
    const unsigned char *p;

    for (p = (const unsigned char *) text; *p; p++)
        if (isalnum(*p) || *p == '-' || *p == '_' || *p == '.')
            *o++ = (char) *p;
        else
            o += sprintf(o, "%%%02X", *p);
    *o = 0;
    return enc;
}

/* page_start - the head and the menu */
void
page_start(const req_t *r, resp_t *out, const char *title, const char *menu)
{
    static const char *const items[][2] = {
        { "uitvoering", "Uitvoering" }, { "niet-geboekt", "Niet geboekt" },
        { "instellingen", "Instellingen" }, { "profielen", "Profielen" },
    };
    buf_t  *b = out->body;
    size_t  i;

    out->status = 200;
    out->type = "text/html; charset=utf-8";
    buf_add(b, "<!DOCTYPE html>\n<html lang=\"nl\"><head><meta charset=\"utf-8\">"
               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
               "<title>");
    buf_esc(b, title);
    buf_add(b, " - koppel</title><link rel=\"stylesheet\" href=\"/static/koppel.css\">"
               "<script src=\"/static/koppel.js\" defer></script></head><body>\n"
               "<header><span class=\"brand\">koppel</span><nav>");
    for (i = 0; r->session && i < sizeof items / sizeof *items; i++)
        buf_addf(b, "<a href=\"/%s\"%s>%s</a>", items[i][0],
                 menu && strcmp(menu, items[i][0]) == 0 ? " class=\"current\"" : "", items[i][1]);
    buf_add(b, "</nav>");
    if (r->session) {
        buf_add(b, "<form class=\"logout\" method=\"post\" action=\"/uitloggen\"><span>");
        buf_esc(b, r->session->user);
        buf_add(b, "</span>");
        page_csrf(r, b);
        buf_add(b, "<button type=\"submit\">Uitloggen</button></form>");
    }
    buf_add(b, "</header>\n<main>\n<h1>");
    buf_esc(b, title);
    buf_add(b, "</h1>\n");
    if (r->cfg == NULL && r->cfg_err[0]) {
        buf_add(b, "<p class=\"error\">De instellingen zijn niet te lezen: ");
        buf_esc(b, r->cfg_err);
        buf_add(b, "</p>\n");
    }
}

void
page_end(resp_t *out)
{
    buf_addf(out->body, "</main>\n<footer>koppel %s</footer>\n</body></html>\n", KOPPEL_VERSION);
}

void
page_csrf(const req_t *r, buf_t *b)
{
    if (r->session)
        buf_addf(b, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", r->session->csrf);
}

void
page_redirect(resp_t *out, const char *fmt, ...)
{
    va_list ap;
    char   *s;

    va_start(ap, fmt);
    if (vasprintf(&s, fmt, ap) < 0)
        log_fatal("out of memory");
    va_end(ap);
    free(out->location);
    out->location = s;
    out->status = 303;
}

void
page_error(const req_t *r, resp_t *out, int status, const char *text)
{
    page_start(r, out, "Niet gelukt", NULL);
    buf_add(out->body, "<p class=\"error\">");
    buf_esc(out->body, text);
    buf_add(out->body, "</p><p><a href=\"/uitvoering\">Terug naar Uitvoering</a></p>");
    page_end(out);
    out->status = status;
}

void
page_json(resp_t *out, json_t *json)
{
    char   *text = json_dumps(json, JSON_COMPACT);

    buf_add(out->body, text ? text : "null");
    free(text);
    json_decref(json);
    out->status = 200;
    out->type = "application/json";
}

msg_t *
web_ask(const char *endpoint, const char *cmd, const char **args, size_t nargs, char *err,
        size_t errlen)
{
    msg_t  *req = msg_new(MSG_REQUEST), *reply;
    size_t  i;

    msg_set(&req->cmd, cmd);
    for (i = 0; i < nargs; i++)
        msg_add_arg(req, args[i]);
    reply = net_request(endpoint, req, control_request_timeout_ms(cmd, WEB_TIMEOUT_MS), err,
                        errlen);
    msg_destroy(&req);
    return reply;
}

/* web_reload - reload on every daemon */
char *
web_reload(const cfg_t *cfg)
{
    size_t  i, n;
    status_endpoint_t *eps = status_endpoints(cfg, &n);
    buf_t  *restart = buf_new(), *refused = buf_new(), *down = buf_new();
    char    err[512], *s;

    for (i = 0; i < n; i++) {
        msg_t  *r = web_ask(eps[i].endpoint, "reload", NULL, 0, err, sizeof err);
        const char *name = daemon_name(eps[i].daemon);

        if (i > 0 && eps[i].daemon == eps[i - 1].daemon) {    /* matchers: once */
            msg_destroy(&r);
            continue;
        }
        if (r == NULL)
            buf_addf(down, "%s%s", buf_len(down) ? ", " : "", name);
        else if (!r->ok && strcmp(r->text, "unknown command") == 0)
            buf_addf(restart, "%s%s", buf_len(restart) ? ", " : "", name);
        else if (!r->ok)
            buf_addf(refused, "%s%s: %s", buf_len(refused) ? "; " : "", name, r->text);
        msg_destroy(&r);
    }
    status_endpoints_free(eps, n);
    if (buf_len(restart) == 0 && buf_len(refused) == 0 && buf_len(down) == 0)
        s = xstrdup("Alle onderdelen werken nu met de nieuwe instellingen.");
    else
        s = xasprintf("%s%s%s%s%s%s%s%s%s",
                      buf_len(restart) ? "Herstart nodig (kent reload nog niet): " : "",
                      buf_data(restart), buf_len(restart) ? ". " : "",
                      buf_len(refused) ? "Geweigerd: " : "", buf_data(refused),
                      buf_len(refused) ? ". " : "",
                      buf_len(down) ? "Niet bereikbaar (leest de instellingen bij de start): "
                                    : "", buf_data(down), buf_len(down) ? "." : "");
    buf_destroy(&restart);
    buf_destroy(&refused);
    buf_destroy(&down);
    return s;
}

/* web_audit - who changed what: a line in the daemon log and the information log */
void
web_audit(const req_t *r, const char *profile, const char *fmt, ...)
{
    va_list ap;
    char   *what, err[512];
    infolog_t *log;

    va_start(ap, fmt);
    if (vasprintf(&what, fmt, ap) < 0)
        log_fatal("out of memory");
    va_end(ap);
    log_info("user %s from %s: %s", r->session ? r->session->user : "-", r->addr, what);
    if (r->cfg && (log = infolog_open(r->cfg->state_dir, err, sizeof err)) != NULL) {
        infolog_add(log, profile ? profile : "", INFOLOG_SHORT, "change", 0, "%s (door %s)",
                    what, r->session ? r->session->user : "-");
        infolog_close(&log);
    } else if (r->cfg)
        log_warning("information log: %s", err);
    free(what);
}
