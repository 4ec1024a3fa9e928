/*
 * NAME
 *   dlq_page - Niet geboekt: the dead-letter queue, "Opnieuw", "Laten vallen"
 *
 * DESCRIPTION
 *   Every order koppel could not book, from the fetcher's dlq-list: the
 *   order, since when, what went wrong in plain words and what to change.
 *   When the reason names a setting (profiles.NAME.grootboeken.KIND.
 *   REGION.BTW and the like), the page links to that field in
 *   Instellingen; when the shop sent something unreadable, the field is
 *   the shop's, to be fixed there.
 *
 *   "Opnieuw" is the fetcher's dlq-replay (the order is read from the shop
 *   again and goes the normal way; the fetcher answers when it has read it,
 *   or, from a very slow shop, that it is still reading it); "Laten
 *   vallen" is dlq-drop, after a confirmation, and is written to the
 *   information log with who did it.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "web.h"
#include "xalloc.h"

/* stage_nl - what went wrong, by the stage it went wrong in */
static const char *
stage_nl(const char *stage)
{
    if (stage == NULL)
        return "Niet geboekt";
    if (strcmp(stage, "fetch") == 0)
        return "De order uit de shop is niet te lezen";
    if (strcmp(stage, "store") == 0)
        return "De opgeslagen order is beschadigd";
    if (strcmp(stage, "send") == 0)
        return "De order is te groot om door te geven";
    if (strcmp(stage, "match") == 0)
        return "De klant is niet te herkennen";
    if (strcmp(stage, "relatie") == 0)
        return "De klant kan niet in SnelStart worden aangemaakt";
    if (strcmp(stage, "booking") == 0)
        return "SnelStart neemt de boeking niet aan";
    return stage;
}

/* setting_in - the setting a reason names ("grootboeken.verzendkosten.eu.hoog"
 * after "profiles.NAME."), into buf; false when it names none */
static bool
setting_in(const char *reason, const char *profile, char *buf, size_t len)
{
    char    prefix[300];
    const char *p;
    size_t  n = 0;

    snprintf(prefix, sizeof prefix, "profiles.%s.", profile);
    if ((p = strstr(reason, prefix)) == NULL)
        return false;
    p += strlen(prefix);
    while (p[n] && (isalnum((unsigned char) p[n]) || p[n] == '_' || p[n] == '.') && n + 1 < len)
        n++;
    while (n > 0 && p[n - 1] == '.')
        n--;
    if (n == 0)
        return false;
    snprintf(buf, len, "%.*s", (int) n, p);
    return true;
}

/* page_dlq - the list */
void
page_dlq(req_t *r, resp_t *out)
{
    buf_t  *b = out->body;
    json_t *list, *d;
    char    err[1024], setting[200], when[32], label[200];
    bool    has_setting;
    const char *msg = req_arg(r, "bericht");
    msg_t  *m;
    size_t  i;

    page_start(r, out, "Niet geboekt", "niet-geboekt");
    if (r->cfg == NULL) {
        page_end(out);
        return;
    }
    if (msg) {
        buf_add(b, "<p class=\"notice\" id=\"notice\">");
        buf_esc(b, msg);
        buf_add(b, "</p>");
    }
    buf_add(b, "<p>Orders die koppel niet kon boeken. Pas aan wat bij de order staat en klik "
               "<b>Opnieuw</b>: koppel leest de order dan opnieuw uit de shop en boekt hem. "
               "Een order die niet geboekt moet worden kunt u <b>laten vallen</b>.</p>");
    m = web_ask(r->cfg->ep_control[DAEMON_FETCHER], "dlq-list", NULL, 0, err, sizeof err);
    if (m == NULL || !m->ok || (list = json_loads(m->json, 0, NULL)) == NULL) {
        buf_add(b, "<p class=\"error\">De lijst is niet te lezen: ");
        buf_esc(b, m ? m->text : err);
        buf_add(b, " (koppel-fetcher)</p>");
        msg_destroy(&m);
        page_end(out);
        return;
    }
    msg_destroy(&m);
    if (json_array_size(list) == 0)
        buf_add(b, "<p id=\"dlq-empty\">Er zijn geen orders die niet geboekt konden worden.</p>");
    else
        buf_add(b, "<table class=\"dlq\" id=\"dlq\"><thead><tr><th>Profiel</th><th>Order</th>"
                   "<th>Sinds</th><th>Wat er mis is</th><th>Aanpassen</th><th></th></tr>"
                   "</thead><tbody>");
    json_array_foreach(list, i, d) {
        const char *id = json_string_value(json_object_get(d, "id"));
        const char *profile = json_string_value(json_object_get(d, "profile"));
        const char *stage = json_string_value(json_object_get(d, "stage"));
        const char *reason = json_string_value(json_object_get(d, "reason"));
        json_t *num = json_object_get(d, "number");
        time_t  t = (time_t) json_integer_value(json_object_get(d, "updated_at"));
        struct tm tm;

        localtime_r(&t, &tm);
        strftime(when, sizeof when, "%d-%m-%Y %H:%M", &tm);
        buf_add(b, "<tr data-id=\"");
        buf_esc(b, id);
        buf_add(b, "\"><td>");
        buf_esc(b, profile);
        buf_add(b, "</td><td>");
        if (json_is_integer(num))
            buf_addf(b, "%lld", (long long) json_integer_value(num));
        else
            buf_add(b, "(onleesbaar document)");
        buf_add(b, "</td><td class=\"when\">");
        buf_esc(b, when);
        has_setting = profile && reason && setting_in(reason, profile, setting, sizeof setting);
        buf_add(b, "</td><td><b>");
        if (has_setting && strncmp(setting, "grootboeken.", 12) == 0)
            buf_escf(b, "Er is geen %s ingesteld",
                     web_setting_label(setting, label, sizeof label));
        else
            buf_esc(b, stage_nl(stage));
        buf_add(b, "</b><br><span class=\"reason\">");
        buf_esc(b, reason);
        buf_add(b, "</span></td><td>");
        if (has_setting) {
            buf_add(b, "<a class=\"fix\" href=\"/instellingen?profiel=");
            buf_esc(b, profile);
            buf_add(b, "#f-");
            buf_esc(b, setting);
            buf_add(b, "\">In Instellingen: ");
            buf_esc(b, web_setting_label(setting, label, sizeof label));
            buf_add(b, " kiezen</a>");
        } else if (stage && (strcmp(stage, "fetch") == 0 || strcmp(stage, "match") == 0))
            buf_add(b, "In de shop: pas de order aan (het veld dat hiernaast genoemd wordt), "
                       "dan Opnieuw.");
        else
            buf_add(b, "Zie de reden; daarna Opnieuw.");
        buf_add(b, "</td><td class=\"buttons\">");
        if (json_is_integer(num)) {
            buf_add(b, "<form method=\"post\" action=\"/niet-geboekt/actie\">");
            page_csrf(r, b);
            buf_add(b, "<input type=\"hidden\" name=\"id\" value=\"");
            buf_esc(b, id);
            buf_add(b, "\"><button type=\"submit\" name=\"actie\" value=\"opnieuw\" "
                       "class=\"replay\">Opnieuw</button></form>");
        }
        buf_add(b, "<a class=\"button danger drop\" href=\"/niet-geboekt/actie?actie="
                   "laten-vallen&amp;id=");
        buf_esc(b, id);
        buf_add(b, "\">Laten vallen</a></td></tr>\n");
    }
    if (json_array_size(list))
        buf_add(b, "</tbody></table>");
    json_decref(list);
    page_end(out);
}

/* replay_sentence - what the fetcher's answer to dlq-replay of one order
 * says: read and on its way, still being read (the answer came before the
 * slow shop's), or why not */
static char *
replay_sentence(const msg_t *m, const char *number)
{
    json_t *res = json_loads(m->json, 0, NULL);
    json_t *one = json_array_get(res, 0);
    const char *why = json_string_value(json_object_get(one, "error"));
    char   *sentence;

    if (m->ok && one)
        sentence = xasprintf("Order %s is opnieuw uit de shop gelezen en wordt geboekt.", number);
    else if (m->ok)
        sentence = xasprintf("Order %s wordt nog uit de shop gelezen (de shop antwoordt "
                             "traag); of dat lukt, ziet u straks hier en bij Uitvoering.",
                             number);
    else
        sentence = xasprintf("Order %s niet opnieuw aangeboden: %s", number, why ? why : m->text);
    json_decref(res);
    return sentence;
}

/* page_dlq_action - Opnieuw, or Laten vallen (after its confirmation) */
void
page_dlq_action(req_t *r, resp_t *out)
{
    const char *id = req_arg(r, "id"), *action = req_arg(r, "actie");
    const char *args[1] = { id };
    char    err[1024], profile[256], *sentence, *colon;
    buf_t  *b = out->body;
    msg_t  *m;
    bool    replay;

    if (r->cfg == NULL || id == NULL || action == NULL || strlen(id) >= sizeof profile
        || (colon = strchr(id, ':')) == NULL) {
        page_error(r, out, 400, "Welke order? Open Niet geboekt opnieuw.");
        return;
    }
    snprintf(profile, sizeof profile, "%.*s", (int) (colon - id), id);
    replay = strcmp(action, "opnieuw") == 0;
    if (!replay && strcmp(action, "laten-vallen") != 0) {
        page_error(r, out, 400, "Onbekende actie.");
        return;
    }
    if (strcmp(r->method, "GET") == 0) {
        if (replay) {
            page_error(r, out, 405, "Opnieuw gaat met de knop op de pagina Niet geboekt.");
            return;
        }
        page_start(r, out, "Order laten vallen", "niet-geboekt");
        buf_add(b, "<p>Weet u zeker dat order <b>");
        buf_esc(b, colon + 1);
        buf_add(b, "</b> van profiel <b>");
        buf_esc(b, profile);
        buf_add(b, "</b> niet geboekt moet worden? koppel boekt hem dan niet meer; hij blijft "
                   "bewaard als \"laten vallen\".</p><form method=\"post\" "
                   "action=\"/niet-geboekt/actie\">");
        page_csrf(r, b);
        buf_add(b, "<input type=\"hidden\" name=\"id\" value=\"");
        buf_esc(b, id);
        buf_add(b, "\"><button type=\"submit\" name=\"actie\" value=\"laten-vallen\" "
                   "class=\"danger\" id=\"confirm\">Ja, laten vallen</button> "
                   "<a href=\"/niet-geboekt\">Nee, terug</a></form>");
        page_end(out);
        return;
    }
    m = web_ask(r->cfg->ep_control[DAEMON_FETCHER], replay ? "dlq-replay" : "dlq-drop", args, 1,
                err, sizeof err);
    if (m == NULL)
        sentence = xasprintf("Niet gelukt: koppel-fetcher antwoordt niet (%s).", err);
    else if (replay)
        sentence = replay_sentence(m, colon + 1);
    else if (m->ok)
        sentence = xasprintf("Order %s is losgelaten: koppel boekt hem niet.", colon + 1);
    else
        sentence = xasprintf("Order %s niet losgelaten: %s", colon + 1, m->text);
    if (m && m->ok)
        web_audit(r, profile, replay ? "order %s opnieuw aangeboden vanuit Niet geboekt"
                                     : "order %s laten vallen (wordt niet geboekt)", colon + 1);
    msg_destroy(&m);
    {
        char   *enc = web_urlencode(sentence);

        page_redirect(out, "/niet-geboekt?bericht=%s", enc);
        free(enc);
    }
    free(sentence);
}
