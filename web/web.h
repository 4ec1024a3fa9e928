/*
 * NAME
 *   web - what koppel-web's pages share: the request, the answer, the layout
 *
 * DESCRIPTION
 *   Every page is a function from a request (req_t: method, path, the
 *   query and form fields, the session, the configuration read for this
 *   request) to an answer (resp_t: status, body, content type, headers).
 *   main.c turns libmicrohttpd's callbacks into these. The configuration
 *   is read again for every request, so the pages always show the file
 *   as it is now: koppel.cfg stays the one source of truth.
 *
 *   Requests are answered concurrently, one thread per connection (main.c):
 *   a page may wait for a daemon, SnelStart or a shop without holding the
 *   others. A page keeps its state in its req_t and resp_t; what is shared
 *   is guarded where it lives: the sessions and logins in auth.c, the
 *   writes of koppel.cfg in settings.c (web_cfg_lock).
 */
#ifndef KOPPEL_WEB_WEB_H
#define KOPPEL_WEB_WEB_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "auth.h"
#include "buf.h"
#include "config.h"
#include "msg.h"

#define WEB_FORM_MAX   (256 * 1024)   /* bytes of a form, at most */
#define WEB_TIMEOUT_MS 3000           /* a daemon's answer, at most */

/* a form's fields, or a query's */
typedef struct {
    char  **names;
    char  **values;
    size_t  n;
} form_t;

typedef struct {
    const char *config_path;
    auth_t *auth;
    bool    tls;
} web_t;

typedef struct {
    web_t  *web;
    const char *method;
    const char *path;
    form_t  query;
    form_t  form;           /* POST fields */
    const session_t *session;   /* NULL, or &session_copy */
    session_t session_copy; /* this request's copy of its session */
    cfg_t  *cfg;            /* NULL when the file cannot be read: cfg_err says why */
    char    cfg_err[1024];
    char    addr[64];       /* the peer's address */
} req_t;

typedef struct {
    int     status;
    const char *type;       /* content type */
    buf_t  *body;
    char   *location;       /* a redirect */
    char   *cookie;         /* Set-Cookie */
    char   *disposition;    /* Content-Disposition */
} resp_t;

/* form_parse - application/x-www-form-urlencoded text into fields */
void form_parse(form_t *f, const char *text);

/* form_free - free the fields */
void form_free(form_t *f);

/* form_get - a field's value, or NULL */
const char *form_get(const form_t *f, const char *name);

/* req_arg - a form field, or else a query field */
const char *req_arg(const req_t *r, const char *name);

/* web_urlencode - a text for a query string (new memory) */
char *web_urlencode(const char *text);

/* page_start - the layout's head and menu; title is escaped */
void page_start(const req_t *r, resp_t *out, const char *title, const char *menu);

/* page_end - close the layout */
void page_end(resp_t *out);

/* page_csrf - the form field with the session's CSRF token */
void page_csrf(const req_t *r, buf_t *b);

/* page_redirect - a 303 to a path (new memory taken) */
void page_redirect(resp_t *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* page_error - a whole page with one error message */
void page_error(const req_t *r, resp_t *out, int status, const char *text);

/* page_json - a JSON answer (stolen) */
void page_json(resp_t *out, json_t *json);

/* web_ask - one request to a daemon's control socket; NULL with err */
msg_t *web_ask(const char *endpoint, const char *cmd, const char **args, size_t nargs,
               char *err, size_t errlen);

/* web_reload - ask every daemon to read koppel.cfg again; a sentence for
 * people saying which did and which need a restart */
char *web_reload(const cfg_t *cfg);

/* web_audit - a change by a user: the daemon log and the information log */
void web_audit(const req_t *r, const char *profile, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* the pages (run_page.c, dlq_page.c, settings.c) */
void page_uitvoering(req_t *r, resp_t *out);
void page_status_json(req_t *r, resp_t *out);
void page_run(req_t *r, resp_t *out);
void page_log_export(req_t *r, resp_t *out);
void page_log_clear(req_t *r, resp_t *out);
void page_dlq(req_t *r, resp_t *out);
void page_dlq_action(req_t *r, resp_t *out);
void page_settings(req_t *r, resp_t *out);
void page_settings_save(req_t *r, resp_t *out);
void page_connection_test(req_t *r, resp_t *out);
void page_sql_servers(req_t *r, resp_t *out);
void page_profiles(req_t *r, resp_t *out);
void page_profile_add(req_t *r, resp_t *out);
void page_profile_remove(req_t *r, resp_t *out);

/* web_cfg_lock, web_cfg_unlock - one change of koppel.cfg at a time: read,
 * edit, check, write and reload go under it, so that two saves at once
 * both land (settings.c) */
void web_cfg_lock(void);
void web_cfg_unlock(void);

/* web_setting_label - a setting's name in the manual's words (settings.c) */
const char *web_setting_label(const char *path, char *buf, size_t len);

/* the program's own style sheet and script (assets.c) */
extern const char web_css[];
extern const char web_js[];

#endif
