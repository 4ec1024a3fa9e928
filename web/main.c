/*
 * NAME
 *   koppel-web - the manual's Instellingen and Uitvoering tabs as a web page
 *
 * SYNOPSIS
 *   koppel-web [--config FILE] [--listen ADDRESS:PORT]
 *              [--tls-certificate FILE --tls-key FILE] [--pam-service NAME]
 *              [--group NAME] [--one-time-login]
 *   koppel-web --version
 *
 * DESCRIPTION
 *   Serves koppel's web interface (libmicrohttpd) for shop owners and
 *   bookkeepers: Uitvoering (tasks, "Nu uitvoeren", the status line, the
 *   information log), Niet geboekt (the dead-letter queue), Instellingen
 *   (each profile's settings) and Profielen. It talks to the daemons only
 *   through their control sockets and to the configuration only through
 *   koppel.cfg itself, checked with cfg_load() before it is written.
 *
 *   It listens on 127.0.0.1:8180 by default. Another address is allowed
 *   only with TLS (--tls-certificate and --tls-key, PEM files; GnuTLS
 *   through libmicrohttpd). People log in with a Linux account of the
 *   koppel group (PAM service koppel-web, auth.h).
 *
 *   --one-time-login prints an address that logs in once without a
 *   password, as the running account: for a demo and for tests.
 *
 *   Each connection is served on its own thread (at most MAX_CONNECTIONS),
 *   so that a page waiting for a daemon, SnelStart or a shop holds no
 *   other; what the threads share is guarded in auth.c and settings.c
 *   (docs/web.md, "Requests at once"). The login form carries a token of
 *   its pre-session cookie (auth.h), checked before PAM is asked.
 *
 * DIAGNOSTICS
 *   Exits 1 when the configuration cannot be read, the address is not
 *   loopback and there is no TLS, or the port cannot be bound; 2 on a
 *   usage error. Logins, refusals and every change are logged (who,
 *   what) in its log and the information log.
 */
#include <getopt.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth.h"
#include "daemon.h"
#include "listen.h"
#include "log.h"
#include "textfile.h"
#include "web.h"
#include "xalloc.h"

#define COOKIE "koppel_session"
#define MAX_CONNECTIONS 64             /* threads, one per connection */
#define LOGIN_COOKIE "koppel_login"      /* the pre-session of the login form */

static const char usage[] =
    "usage: koppel-web [--config FILE] [--listen ADDRESS:PORT]\n"
    "                  [--tls-certificate FILE --tls-key FILE] [--pam-service NAME]\n"
    "                  [--group NAME] [--one-time-login]\n"
    "  --listen            default 127.0.0.1:8180; another address needs TLS\n"
    "  --tls-certificate   PEM certificate (chain) for https\n"
    "  --tls-key           its PEM private key\n"
    "  --pam-service       default koppel-web (/etc/pam.d/koppel-web)\n"
    "  --group             who may log in, default koppel\n"
    "  --one-time-login    print an address that logs in once, for a demo\n"
    "  --config FILE       configuration (default $KOPPEL_CONFIG or " DEFAULT_CONFIG ")\n"
    "  --version           print koppel's version\n";

/* one connection's request while its body arrives */
typedef struct {
    buf_t  *body;
    bool    too_big;
} upload_t;

static web_t web;

/* query_field - libmicrohttpd's iterator over the query's fields */
static enum MHD_Result
query_field(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    form_t *f = cls;

    f->names = xrealloc(f->names, (f->n + 1) * sizeof *f->names);
    f->values = xrealloc(f->values, (f->n + 1) * sizeof *f->values);
    f->names[f->n] = xstrdup(key);
    f->values[f->n] = xstrdup(value ? value : "");
    f->n++;
    return MHD_YES;
}

/* peer_address - the client's address as text */
static void
peer_address(struct MHD_Connection *c, char *buf, size_t len)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);

    snprintf(buf, len, "?");
    if (ci && ci->client_addr)
        getnameinfo(ci->client_addr, ci->client_addr->sa_family == AF_INET6
                    ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in),
                    buf, (socklen_t) len, NULL, 0, NI_NUMERICHOST);
}

/* cookie - a Set-Cookie value: HttpOnly, SameSite=Strict, Secure under TLS;
 * value NULL ends the cookie */
static char *
cookie(const char *name, const char *value)
{
    return xasprintf("%s=%s; Path=/; HttpOnly; SameSite=Strict%s%s", name, value ? value : "",
                     web.tls ? "; Secure" : "", value ? "" : "; Max-Age=0");
}

/* page_login - the login form, with a message, and its token: of the
 * request's pre-session cookie, or of a new one that goes with the page */
static void
page_login(req_t *r, resp_t *out, const char *message, const char *presession)
{
    buf_t  *b = out->body;
    char    id[AUTH_TOKEN_LEN + 1], token[AUTH_TOKEN_LEN + 1];

    if (!auth_login_token(web.auth, presession, token, sizeof token)) {
        if (!auth_random(id, sizeof id) || !auth_login_token(web.auth, id, token, sizeof token))
            log_fatal("no random numbers from the kernel (getrandom)");
        out->cookie = cookie(LOGIN_COOKIE, id);
    }
    page_start(r, out, "Inloggen", NULL);
    if (message) {
        buf_add(b, "<p class=\"error\" id=\"login-error\">");
        buf_esc(b, message);
        buf_add(b, "</p>");
    }
    buf_addf(b, "<form class=\"login\" method=\"post\" action=\"/login\">"
               "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
               "<label>Gebruiker <input name=\"user\" id=\"user\" autocomplete=\"username\" "
               "required></label>"
               "<label>Wachtwoord <input type=\"password\" name=\"password\" id=\"password\" "
               "autocomplete=\"current-password\" required></label>"
               "<button type=\"submit\" id=\"login\">Inloggen</button></form>"
               "<p class=\"hint\">Log in met uw gebruiker op deze computer; die moet lid zijn "
               "van de groep koppel.</p>", token);
    page_end(out);
}

/* do_login - POST /login (its form's token checked against the pre-session
 * cookie before PAM is asked) and GET /login?token= */
static void
do_login(req_t *r, resp_t *out, struct MHD_Connection *c)
{
    const char *user = req_arg(r, "user"), *password = req_arg(r, "password");
    const char *token = form_get(&r->query, "token");
    const char *presession = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, LOGIN_COOKIE);
    char    once[64];
    auth_result_t res;

    if (strcmp(r->method, "GET") == 0 && token) {
        if (!auth_one_time_use(web.auth, token, once, sizeof once)) {
            log_warning("login from %s: one-time link not valid (used before?)", r->addr);
            page_login(r, out, "Deze eenmalige inloglink is al gebruikt of niet geldig.",
                       presession);
            out->status = 403;
            return;
        }
        user = once;
        res = AUTH_OK;
    } else if (strcmp(r->method, "POST") == 0
               && !auth_login_token_ok(web.auth, presession, form_get(&r->form, "csrf"))) {
        log_warning("login of %s from %s refused: the login form's token is missing or not "
                    "the one of its pre-session cookie", user ? user : "-", r->addr);
        page_login(r, out, "Geweigerd: dit inlogformulier komt niet van deze pagina (de "
                   "controlecode ontbreekt of klopt niet, of koppel-web is intussen opnieuw "
                   "gestart). Log hieronder opnieuw in; uw browser moet cookies van deze "
                   "pagina toestaan.", presession);
        out->status = 403;
        return;
    } else if (strcmp(r->method, "POST") == 0 && user && password)
        res = auth_login(web.auth, user, password, r->addr);
    else {
        page_login(r, out, NULL, presession);
        return;
    }
    if (res != AUTH_OK) {
        log_warning("login of %s from %s refused: %s", user, r->addr, auth_result_text(res));
        page_login(r, out, auth_result_text(res), presession);
        out->status = 403;
        return;
    }
    auth_session_open(web.auth, user, &r->session_copy);
    r->session = &r->session_copy;
    web_audit(r, NULL, "ingelogd op koppel-web");
    out->cookie = cookie(COOKIE, r->session->id);
    page_redirect(out, "/uitvoering");
}

/* dispatch - one request to its page */
static void
dispatch(req_t *r, resp_t *out, struct MHD_Connection *c)
{
    static const struct {
        const char *method, *path;
        void (*fn)(req_t *, resp_t *);
    } routes[] = {
        { "GET", "/uitvoering", page_uitvoering },
        { "GET", "/api/status", page_status_json },
        { "POST", "/uitvoeren", page_run },
        { "GET", "/informatie.xlsx", page_log_export },
        { "GET", "/informatie/leegmaken", page_log_clear },
        { "POST", "/informatie/leegmaken", page_log_clear },
        { "GET", "/niet-geboekt", page_dlq },
        { "GET", "/niet-geboekt/actie", page_dlq_action },
        { "POST", "/niet-geboekt/actie", page_dlq_action },
        { "GET", "/instellingen", page_settings },
        { "POST", "/instellingen", page_settings_save },
        { "POST", "/instellingen/verbinding-testen", page_connection_test },
        { "POST", "/instellingen/sql-servers", page_sql_servers },
        { "GET", "/profielen", page_profiles },
        { "POST", "/profielen/nieuw", page_profile_add },
        { "GET", "/profielen/verwijderen", page_profile_remove },
        { "POST", "/profielen/verwijderen", page_profile_remove },
    };
    size_t  i;

    if (strcmp(r->path, "/static/koppel.css") == 0 || strcmp(r->path, "/static/koppel.js") == 0) {
        bool    css = strstr(r->path, ".css") != NULL;

        buf_add(out->body, css ? web_css : web_js);
        out->type = css ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
        out->status = 200;
        return;
    }
    if (auth_session(web.auth, MHD_lookup_connection_value(c, MHD_COOKIE_KIND, COOKIE),
                     &r->session_copy))
        r->session = &r->session_copy;
    if (strcmp(r->path, "/login") == 0) {
        do_login(r, out, c);
        return;
    }
    if (r->session == NULL) {
        page_redirect(out, "/login");
        return;
    }
    if (strcmp(r->method, "POST") == 0 && !auth_csrf_ok(r->session, form_get(&r->form, "csrf"))) {
        log_warning("user %s from %s: %s refused: no valid CSRF token", r->session->user,
                    r->addr, r->path);
        page_error(r, out, 403, "Geweigerd: dit formulier komt niet van deze pagina (de "
                   "controlecode ontbreekt of klopt niet). Open de pagina opnieuw en probeer "
                   "het nog eens.");
        return;
    }
    if (strcmp(r->path, "/uitloggen") == 0 && strcmp(r->method, "POST") == 0) {
        web_audit(r, NULL, "uitgelogd");
        auth_session_close(web.auth, r->session->id);
        r->session = NULL;
        out->cookie = cookie(COOKIE, NULL);
        page_redirect(out, "/login");
        return;
    }
    if (strcmp(r->path, "/") == 0) {
        page_redirect(out, "/uitvoering");
        return;
    }
    for (i = 0; i < sizeof routes / sizeof *routes; i++)
        if (strcmp(routes[i].method, r->method) == 0 && strcmp(routes[i].path, r->path) == 0) {
            routes[i].fn(r, out);
            return;
        }
    page_error(r, out, 404, "Deze pagina bestaat niet.");
}

/* answer - libmicrohttpd's request callback */
static enum MHD_Result
answer(void *cls, struct MHD_Connection *c, const char *url, const char *method,
       const char *version, const char *upload_data, size_t *upload_size, void **con_cls)
{
    upload_t *up = *con_cls;
    struct MHD_Response *resp;
    resp_t  out = { 0 };
    req_t   r;
    enum MHD_Result rc;
    const char *ct;
    char   *body;

    if (up == NULL) {
        up = xcalloc(1, sizeof *up);
        up->body = buf_new();
        *con_cls = up;
        return MHD_YES;
    }
    if (*upload_size) {
        if (buf_len(up->body) + *upload_size > WEB_FORM_MAX)
            up->too_big = true;
        else
            buf_bytes(up->body, upload_data, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    memset(&r, 0, sizeof r);
    r.web = &web;
    r.method = method;
    r.path = url;
    peer_address(c, r.addr, sizeof r.addr);
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, query_field, &r.query);
    ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
    if (strcmp(method, "POST") == 0 && ct
        && strncmp(ct, "application/x-www-form-urlencoded", 33) == 0)
        form_parse(&r.form, buf_data(up->body));
    r.cfg = cfg_load(web.config_path, r.cfg_err, sizeof r.cfg_err);
    out.body = buf_new();
    if (up->too_big)
        page_error(&r, &out, 413, "Dit formulier is te groot.");
    else
        dispatch(&r, &out, c);
    if (out.status == 303 && buf_len(out.body) == 0)
        buf_add(out.body, "Zie verder");
    {
        size_t  len = buf_len(out.body);

        body = buf_take(&out.body);
        resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    }
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                            out.type ? out.type : "text/plain; charset=utf-8");
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "Content-Security-Policy",
                            "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
    if (out.location)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, out.location);
    if (out.cookie)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE, out.cookie);
    if (out.disposition)
        MHD_add_response_header(resp, "Content-Disposition", out.disposition);
    rc = MHD_queue_response(c, (unsigned) (out.status ? out.status : 500), resp);
    MHD_destroy_response(resp);
    free(out.location);
    free(out.cookie);
    free(out.disposition);
    form_free(&r.query);
    form_free(&r.form);
    cfg_destroy(&r.cfg);
    return rc;
}

/* completed - a request is done: free its upload */
static void
completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode t)
{
    upload_t *up = *con_cls;

    if (up == NULL)
        return;
    buf_destroy(&up->body);
    free(up);
    *con_cls = NULL;
}

int
main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "config", required_argument, NULL, 'c' },
        { "listen", required_argument, NULL, 'l' },
        { "tls-certificate", required_argument, NULL, 'C' },
        { "tls-key", required_argument, NULL, 'K' },
        { "pam-service", required_argument, NULL, 'p' },
        { "group", required_argument, NULL, 'g' },
        { "one-time-login", no_argument, NULL, 'o' },
        { "demo-token", no_argument, NULL, 'o' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    const char *config = NULL, *listen = "127.0.0.1:8180", *cert_path = NULL, *key_path = NULL;
    const char *service = "koppel-web", *group = "koppel";
    char    err[1024], *cert = NULL, *key = NULL;
    struct sockaddr_storage sa;
    struct MHD_Daemon *d;
    struct passwd *pw;
    bool    one_time = false, loopback = false;
    /* a thread per connection: a page that waits (a daemon's control socket,
     * SnelStart's grootboeken, Verbinding testen, an export) holds only its
     * own connection; at most MAX_CONNECTIONS at once */
    unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD
                     | MHD_USE_ERROR_LOG;
    char    once[AUTH_TOKEN_LEN + 1];
    sigset_t sigs;
    cfg_t  *cfg;
    int     c, sig;

    log_init("koppel-web", LOG_LEVEL_INFO);
    while ((c = getopt_long(argc, argv, "c:l:hV", opts, NULL)) != -1) {
        switch (c) {
        case 'c': config = optarg; break;
        case 'l': listen = optarg; break;
        case 'C': cert_path = optarg; break;
        case 'K': key_path = optarg; break;
        case 'p': service = optarg; break;
        case 'g': group = optarg; break;
        case 'o': one_time = true; break;
        case 'h': printf("%s", usage); return 0;
        case 'V': printf("koppel-web %s\n", KOPPEL_VERSION); return 0;
        default: fprintf(stderr, "%s", usage); return 2;
        }
    }
    if (optind != argc || !!cert_path != !!key_path) {
        fprintf(stderr, "%s", usage);
        return 2;
    }
    web.config_path = daemon_config_path(config);
    if ((cfg = cfg_load(web.config_path, err, sizeof err)) == NULL)
        log_fatal("%s", err);
    cfg_destroy(&cfg);
    if (!listen_parse(listen, &sa, &loopback))
        log_fatal("--listen %s: expected ADDRESS:PORT, e.g. 127.0.0.1:8180", listen);
    if (!loopback && cert_path == NULL)
        log_fatal("--listen %s is not a loopback address: that needs TLS "
                  "(--tls-certificate and --tls-key), passwords would travel in clear", listen);
    if (cert_path) {
        if ((cert = textfile_read(cert_path, TEXTFILE_PEM_MAX)) == NULL)
            log_fatal("%s: cannot read the TLS certificate", cert_path);
        if ((key = textfile_read(key_path, TEXTFILE_PEM_MAX)) == NULL)
            log_fatal("%s: cannot read the TLS key", key_path);
        flags |= MHD_USE_TLS;
        web.tls = true;
    }
    web.auth = auth_new(service, group);
    /* the server's thread inherits the mask: the signals are ours to wait for */
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGHUP);
    sigprocmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);
    d = cert ? MHD_start_daemon(flags, 0, NULL, NULL, answer, NULL,
                                MHD_OPTION_SOCK_ADDR, (struct sockaddr *) &sa,
                                MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
                                MHD_OPTION_CONNECTION_TIMEOUT, (unsigned) 60,
                                MHD_OPTION_CONNECTION_LIMIT, (unsigned) MAX_CONNECTIONS,
                                MHD_OPTION_HTTPS_MEM_CERT, cert,
                                MHD_OPTION_HTTPS_MEM_KEY, key, MHD_OPTION_END)
             : MHD_start_daemon(flags, 0, NULL, NULL, answer, NULL,
                                MHD_OPTION_SOCK_ADDR, (struct sockaddr *) &sa,
                                MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
                                MHD_OPTION_CONNECTION_TIMEOUT, (unsigned) 60,
                                MHD_OPTION_CONNECTION_LIMIT, (unsigned) MAX_CONNECTIONS,
                                MHD_OPTION_END);
    if (d == NULL)
        log_fatal("cannot serve on %s%s (in use, or no permission)", listen,
                  cert ? " with TLS (is the key the certificate's?)" : "");
    log_info("serving %s://%s/ for members of group %s (PAM service %s)",
             web.tls ? "https" : "http", listen, group, service);
    if (one_time) {
        pw = getpwuid(getuid());
        auth_one_time(web.auth, pw ? pw->pw_name : "root", once, sizeof once);
        printf("koppel-web: log in once at %s://%s/login?token=%s\n", web.tls ? "https" : "http",
               listen, once);
        fflush(stdout);
    }
    daemon_ready("serving");
    for (;;) {
        if (sigwait(&sigs, &sig) != 0)
            continue;
        if (sig == SIGHUP) {
            log_info("SIGHUP: koppel-web reads koppel.cfg on every request; nothing to reload");
            continue;
        }
        break;
    }
    log_info("stopping on signal %d", sig);
    daemon_stopping();
    MHD_stop_daemon(d);
    auth_destroy(&web.auth);
    if (key)
        explicit_bzero(key, strlen(key));
    free(cert);
    free(key);
    return 0;
}
