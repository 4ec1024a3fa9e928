/*
 * NAME
 *   netsec - who may talk to koppel's sockets
 *
 * DESCRIPTION
 *   See netsec.h. The ZAP handler is an actor bound to ZeroMQ's fixed
 *   endpoint inproc://zeromq.zap.01 in CZMQ's context; it is started with
 *   the first CURVE server socket and answers 200 for a client key in the
 *   allowed list, 400 otherwise.
 *
 *   Without koppel.curve a tcp:// endpoint is a configuration error, unless
 *   its host is loopback and koppel.insecure_tcp_loopback = true: then the
 *   seals of order_seal.h are what keeps other users of the host from
 *   having orders booked or reported booked.
 *
 * DIAGNOSTICS
 *   A refused CURVE client is logged as a warning (without its key); a
 *   wrong setting is named by netsec_load().
 */
#include <grp.h>
#include <libconfig.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "netsec.h"
#include "xalloc.h"

#define MAX_KEYS 64

static struct {
    bool    group_set;
    gid_t   group;
    bool    curve;
    char    public_key[NETSEC_KEY_LEN + 1];
    char    secret_key[NETSEC_KEY_LEN + 1];
    uint8_t allowed[MAX_KEYS][32];      /* client public keys, binary */
    size_t  nallowed;
    char   *server_ep[MAX_KEYS];
    char    server_key[MAX_KEYS][NETSEC_KEY_LEN + 1];
    size_t  nservers;
    bool    warned_plain;
    bool    atexit_set;             /* netsec_stop runs at exit */
    zactor_t *zap;
} sec;

/* valid_key - a Z85 CURVE key; its binary form into bin when not NULL */
static bool
valid_key(const char *key, uint8_t *bin)
{
    uint8_t tmp[32];

    if (key == NULL || strlen(key) != NETSEC_KEY_LEN)
        return false;
    return zmq_z85_decode(bin ? bin : tmp, key) != NULL;
}

/* netsec_set_group - the control group */
void
netsec_set_group(gid_t group)
{
    sec.group = group;
    sec.group_set = true;
}

/* netsec_stop - stop the ZAP handler and wait for its thread */
void
netsec_stop(void)
{
    zactor_destroy(&sec.zap);
}

/* netsec_reset - no CURVE, default group */
void
netsec_reset(void)
{
    size_t  i;
    bool    atexit_set = sec.atexit_set;

    netsec_stop();
    for (i = 0; i < sec.nservers; i++)
        free(sec.server_ep[i]);
    explicit_bzero(&sec, sizeof sec);
    sec.atexit_set = atexit_set;
}

/* netsec_set_curve - the key pair, allowed clients and server keys */
bool
netsec_set_curve(const char *public_key, const char *secret_key, const char *const *clients,
                 const char *const *servers, char *err, size_t errlen)
{
    char    derived[NETSEC_KEY_LEN + 1];
    size_t  i;

    if (!zmq_has("curve")) {
        snprintf(err, errlen, "curve: deze ZeroMQ-bibliotheek kan geen CURVE: installeer "
                 "libzmq met libsodium");
        return false;
    }
    if (!valid_key(public_key, NULL) || !valid_key(secret_key, NULL)) {
        snprintf(err, errlen, "curve: public_key en secret_key moeten Z85-sleutels van 40 "
                 "tekens zijn (maak ze met koppelctl keygen)");
        return false;
    }
    if (zmq_curve_public(derived, secret_key) != 0 || strcmp(derived, public_key) != 0) {
        snprintf(err, errlen, "curve: public_key hoort niet bij secret_key (maak een nieuw paar "
                 "met koppelctl keygen)");
        return false;
    }
    zactor_destroy(&sec.zap);
    snprintf(sec.public_key, sizeof sec.public_key, "%s", public_key);
    snprintf(sec.secret_key, sizeof sec.secret_key, "%s", secret_key);
    sec.nallowed = 0;
    valid_key(public_key, sec.allowed[sec.nallowed++]);
    for (i = 0; clients && clients[i]; i++) {
        if (sec.nallowed == MAX_KEYS || !valid_key(clients[i], sec.allowed[sec.nallowed])) {
            snprintf(err, errlen, "curve.clients: element %zu is geen publieke Z85-sleutel "
                     "van 40 tekens, of er zijn er meer dan %d", i + 1, MAX_KEYS - 1);
            return false;
        }
        sec.nallowed++;
    }
    for (i = 0; i < sec.nservers; i++)
        free(sec.server_ep[i]);
    sec.nservers = 0;
    for (i = 0; servers && servers[i] && servers[i + 1]; i += 2) {
        if (sec.nservers == MAX_KEYS || !valid_key(servers[i + 1], NULL)) {
            snprintf(err, errlen, "curve.servers: de sleutel voor %s is geen publieke "
                     "Z85-sleutel van 40 tekens", servers[i]);
            return false;
        }
        sec.server_ep[sec.nservers] = xstrdup(servers[i]);
        snprintf(sec.server_key[sec.nservers], NETSEC_KEY_LEN + 1, "%s", servers[i + 1]);
        sec.nservers++;
    }
    sec.curve = true;
    return true;
}

/* string_list - a libconfig array of strings as a NULL-terminated list;
 * pairs reads a list of { endpoint = ...; public_key = ...; } groups */
static const char **
string_list(config_setting_t *s, bool pairs, const char *what, char *err, size_t errlen)
{
    int     n = s ? config_setting_length(s) : 0, i;
    const char **list = xcalloc((size_t) n * 2 + 2, sizeof *list);

    for (i = 0; i < n; i++) {
        config_setting_t *e = config_setting_get_elem(s, (unsigned) i);

        if (!pairs && config_setting_type(e) == CONFIG_TYPE_STRING)
            list[i] = config_setting_get_string(e);
        else if (pairs && config_setting_type(e) == CONFIG_TYPE_GROUP
                 && config_setting_lookup_string(e, "endpoint", &list[2 * i])
                 && config_setting_lookup_string(e, "public_key", &list[2 * i + 1]))
            continue;
        else {
            snprintf(err, errlen, "%s:%d: koppel.curve.%s: element %d moet %s zijn",
                     config_setting_source_file(e) ? config_setting_source_file(e) : "",
                     config_setting_source_line(e), what, i + 1, pairs ?
                     "{ endpoint = \"tcp://HOST:PORT\"; public_key = \"...\"; }" : "tekst");
            free(list);
            return NULL;
        }
    }
    return list;
}

/* loopback - whether a tcp:// endpoint's host is this host's loopback */
static bool
loopback(const char *endpoint)
{
    const char *host = endpoint + 6, *colon = strrchr(host, ':');
    size_t  n = colon ? (size_t) (colon - host) : strlen(host);

    return (n > 4 && strncmp(host, "127.", 4) == 0 && strspn(host, "0123456789.") == n)
           || (n == 9 && strncmp(host, "localhost", 9) == 0)
           || (n == 5 && strncmp(host, "[::1]", 5) == 0);
}

/* check_plain_tcp - without CURVE a tcp endpoint is an error, unless it is
 * loopback and koppel.insecure_tcp_loopback says so */
static bool
check_plain_tcp(config_t *lc, const char *config_path, char *err, size_t errlen)
{
    config_setting_t *eps = config_lookup(lc, "koppel.endpoints"), *ins;
    int     insecure = 0, i, n = eps ? config_setting_length(eps) : 0;

    if ((ins = config_lookup(lc, "koppel.insecure_tcp_loopback")) != NULL) {
        if (config_setting_type(ins) != CONFIG_TYPE_BOOL) {
            snprintf(err, errlen, "%s:%d: koppel.insecure_tcp_loopback: moet true of false zijn",
                     config_path, config_setting_source_line(ins));
            return false;
        }
        insecure = config_setting_get_bool(ins);
    }
    for (i = 0; i < n; i++) {
        config_setting_t *e = config_setting_get_elem(eps, (unsigned) i);
        const char *v = config_setting_get_string(e);

        if (v == NULL || strncmp(v, "tcp://", 6) != 0)
            continue;
        if (!insecure) {
            snprintf(err, errlen, "%s:%d: koppel.endpoints.%s = \"%s\": tcp zonder "
                     "CURVE-sleutels laat iedereen die de poort bereikt de orders lezen en ze "
                     "als geboekt melden; zet koppel.curve (maak sleutels met koppelctl keygen), "
                     "of gebruik ipc:// (de standaard) voor onderdelen op één machine",
                     config_path, config_setting_source_line(e), config_setting_name(e), v);
            return false;
        }
        if (!loopback(v)) {
            snprintf(err, errlen, "%s:%d: koppel.endpoints.%s = \"%s\": "
                     "koppel.insecure_tcp_loopback staat tcp zonder CURVE alleen toe op een "
                     "loopback-adres (127.0.0.1, [::1], localhost); zet tussen machines "
                     "koppel.curve", config_path, config_setting_source_line(e),
                     config_setting_name(e), v);
            return false;
        }
    }
    return true;
}

/* netsec_load - read the settings from the configuration file */
bool
netsec_load(const char *config_path, char *err, size_t errlen)
{
    config_t lc;
    const char *group = NULL, *pub = NULL, *secret = NULL, **clients = NULL, **servers = NULL;
    config_setting_t *curve;
    struct group *gr;
    bool    ok = false;

    config_init(&lc);
    if (config_read_file(&lc, config_path) != CONFIG_TRUE) {
        snprintf(err, errlen, "%s:%d: %s", config_path, config_error_line(&lc),
                 config_error_text(&lc));
        goto done;
    }
    if (config_lookup_string(&lc, "koppel.control_group", &group)) {
        if ((gr = getgrnam(group)) == NULL) {
            snprintf(err, errlen, "%s: koppel.control_group: groep \"%s\" bestaat niet op "
                     "deze machine", config_path, group);
            goto done;
        }
        netsec_set_group(gr->gr_gid);
    }
    if ((curve = config_lookup(&lc, "koppel.curve")) != NULL) {
        if (!config_setting_lookup_string(curve, "public_key", &pub)
            || !config_setting_lookup_string(curve, "secret_key", &secret)) {
            snprintf(err, errlen, "%s:%d: koppel.curve: public_key en secret_key zijn nodig "
                     "(maak ze met koppelctl keygen)", config_path,
                     config_setting_source_line(curve));
            goto done;
        }
        if ((clients = string_list(config_setting_get_member(curve, "clients"), false,
                                   "clients", err, errlen)) == NULL
            || (servers = string_list(config_setting_get_member(curve, "servers"), true,
                                      "servers", err, errlen)) == NULL)
            goto done;
        if (!netsec_set_curve(pub, secret, clients, servers, err, errlen)) {
            char    msg[512];

            snprintf(msg, sizeof msg, "%s: koppel.%s", config_path, err);
            snprintf(err, errlen, "%s", msg);
            goto done;
        }
    } else if (!check_plain_tcp(&lc, config_path, err, errlen))
        goto done;
    ok = true;
done:
    free(clients);
    free(servers);
    config_destroy(&lc);
    return ok;
}

/* zap_answer - answer one ZAP request (RFC 27) */
static void
zap_answer(zsock_t *handler)
{
    zmsg_t *req = zmsg_recv(handler), *reply;
    char   *version, *id, *domain, *address, *identity, *mechanism;
    zframe_t *key;
    bool    allowed = false;
    size_t  i;

    if (req == NULL)
        return;
    version = zmsg_popstr(req);
    id = zmsg_popstr(req);
    domain = zmsg_popstr(req);
    address = zmsg_popstr(req);
    identity = zmsg_popstr(req);
    mechanism = zmsg_popstr(req);
    key = zmsg_pop(req);
    if (mechanism && strcmp(mechanism, "NULL") == 0)
        allowed = true;             /* ipc: the peer credentials were checked */
    else if (mechanism && strcmp(mechanism, "CURVE") == 0 && key && zframe_size(key) == 32)
        for (i = 0; i < sec.nallowed && !allowed; i++)
            allowed = memcmp(zframe_data(key), sec.allowed[i], 32) == 0;
    if (!allowed)
        log_warning("refused a %s connection from %s: its key is not in koppel.curve",
                    mechanism ? mechanism : "?", address && *address ? address : "?");
    reply = zmsg_new();
    zmsg_addstr(reply, "1.0");
    zmsg_addstr(reply, id ? id : "");
    zmsg_addstr(reply, allowed ? "200" : "400");
    zmsg_addstr(reply, allowed ? "OK" : "key not allowed");
    zmsg_addstr(reply, "");
    zmsg_addstr(reply, "");
    zmsg_send(&reply, handler);
    zframe_destroy(&key);
    free(version);
    free(id);
    free(domain);
    free(address);
    free(identity);
    free(mechanism);
    zmsg_destroy(&req);
}

/* zap_actor - the ZAP handler */
static void
zap_actor(zsock_t *pipe, void *args)
{
    zsock_t *handler = zsock_new_rep("inproc://zeromq.zap.01");
    zpoller_t *poller;
    void   *which;

    if (handler == NULL) {
        log_error("cannot start the CURVE key check: inproc://zeromq.zap.01 is taken");
        zsock_signal(pipe, 1);
        return;
    }
    poller = zpoller_new(pipe, handler, NULL);
    /* a signal does not end the actor: the daemon's loop stops on SIGTERM,
     * then netsec_stop() sends $TERM and waits for the actor to end */
    zpoller_set_nonstop(poller, true);
    zsock_signal(pipe, 0);
    for (;;) {
        which = zpoller_wait(poller, -1);
        if (which == handler)
            zap_answer(handler);
        else if (which == pipe) {
            char   *cmd = zstr_recv(pipe);
            bool    term = cmd == NULL || strcmp(cmd, "$TERM") == 0;

            free(cmd);
            if (term)
                break;
        } else if (zpoller_terminated(poller))
            break;                  /* the context is going away */
    }
    zpoller_destroy(&poller);
    zsock_destroy(&handler);
}

/* server_key - the CURVE server key for a connect endpoint */
static const char *
server_key(const char *endpoint)
{
    size_t  i;

    for (i = 0; i < sec.nservers; i++)
        if (strcmp(sec.server_ep[i], endpoint) == 0)
            return sec.server_key[i];
    return sec.public_key;
}

/* netsec_apply - security options for a socket */
void
netsec_apply(zsock_t *sock, const char *endpoint, bool bind)
{
    if (strncmp(endpoint, "ipc://", 6) == 0) {
        if (bind) {
            int     root = 0, self = (int) geteuid(), group = (int) (sec.group_set ?
                                                                 sec.group : getegid());

            zmq_setsockopt(zsock_resolve(sock), ZMQ_IPC_FILTER_UID, &root, sizeof root);
            zmq_setsockopt(zsock_resolve(sock), ZMQ_IPC_FILTER_UID, &self, sizeof self);
            zmq_setsockopt(zsock_resolve(sock), ZMQ_IPC_FILTER_GID, &group, sizeof group);
        }
        return;
    }
    if (strncmp(endpoint, "tcp://", 6) != 0)
        return;
    if (!sec.curve) {               /* loopback, insecure_tcp_loopback (netsec_load) */
        if (!sec.warned_plain)
            log_warning("%s: tcp without CURVE (koppel.insecure_tcp_loopback): every user "
                        "of this host can connect; orders are sealed, but not secret",
                        endpoint);
        sec.warned_plain = true;
        return;
    }
    if (bind) {
        if (sec.zap == NULL) {
            if ((sec.zap = zactor_new(zap_actor, NULL)) == NULL)
                log_fatal("%s: cannot start the CURVE key check", endpoint);
            /* an exit() with the actor running (log_fatal: a port in use)
             * aborted in CZMQ's own atexit; this one runs before it */
            if (!sec.atexit_set && atexit(netsec_stop) == 0)
                sec.atexit_set = true;
        }
        zsock_set_zap_domain(sock, "koppel");
        zsock_set_curve_server(sock, 1);
        zsock_set_curve_secretkey(sock, sec.secret_key);
    } else {
        zsock_set_curve_serverkey(sock, server_key(endpoint));
        zsock_set_curve_publickey(sock, sec.public_key);
        zsock_set_curve_secretkey(sock, sec.secret_key);
    }
}

/* netsec_curve_on - whether a socket on endpoint speaks CURVE */
bool
netsec_curve_on(const char *endpoint)
{
    return sec.curve && strncmp(endpoint, "tcp://", 6) == 0;
}

/* netsec_keygen - a new CURVE key pair */
bool
netsec_keygen(char *public_key, char *secret_key)
{
    return zmq_curve_keypair(public_key, secret_key) == 0;
}
