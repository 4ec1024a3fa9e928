/*
 * NAME
 *   auth - koppel-web's logins: PAM, the koppel group, sessions, lockout
 *
 * DESCRIPTION
 *   See auth.h. PAM is asked with a conversation function that answers
 *   the password prompt (and nothing else); pam_acct_mgmt checks that the
 *   account is usable. The group is checked with getgrouplist(), so the
 *   primary group counts too. Sessions and failures live in memory only:
 *   a restart logs everybody out. The login form's token is an HMAC of
 *   the pre-session id (libsodium), so a restart also voids every login
 *   form that is open: it says so and shows a new one.
 *
 *   Locks: lock guards sessions and the one-time token; login_lock makes
 *   auth_login one at a time and guards the failures (getpwnam and
 *   getgrnam, which pam_unix also calls, are not reentrant either).
 *
 * DIAGNOSTICS
 *   auth_login never says whether the user exists: AUTH_WRONG for both.
 */
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <security/pam_appl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "auth.h"
#include "log.h"
#include "xalloc.h"

#define MAX_SESSIONS 64
#define MAX_FAILURES 256

typedef struct {
    char    key[80];        /* "user:NAME" or "addr:ADDRESS" */
    long long at;
} failure_t;

struct auth {
    char   *service;
    char   *group;
    unsigned char login_key[crypto_auth_hmacsha256_KEYBYTES];   /* login form tokens */
    pthread_mutex_t lock;           /* sessions, one_time */
    session_t sessions[MAX_SESSIONS];
    char    one_time[AUTH_TOKEN_LEN + 1];
    char    one_time_user[64];
    pthread_mutex_t login_lock;     /* auth_login, failures */
    failure_t failures[MAX_FAILURES];
    size_t  nfail;          /* ring position */
};

/* now - seconds since the epoch */
static long long
now(void)
{
    return (long long) time(NULL);
}

/* auth_random - random hex */
bool
auth_random(char *buf, size_t len)
{
    unsigned char raw[AUTH_TOKEN_LEN / 2];
    size_t  i;

    if (len < AUTH_TOKEN_LEN + 1 || getrandom(raw, sizeof raw, 0) != (ssize_t) sizeof raw)
        return false;
    for (i = 0; i < sizeof raw; i++)
        sprintf(buf + 2 * i, "%02x", raw[i]);
    return true;
}

auth_t *
auth_new(const char *pam_service, const char *group)
{
    auth_t *self = xcalloc(1, sizeof *self);

    self->service = xstrdup(pam_service);
    self->group = xstrdup(group);
    if (sodium_init() < 0)
        log_fatal("libsodium cannot start");
    crypto_auth_hmacsha256_keygen(self->login_key);
    pthread_mutex_init(&self->lock, NULL);
    pthread_mutex_init(&self->login_lock, NULL);
    return self;
}

void
auth_destroy(auth_t **self_p)
{
    auth_t *self = *self_p;

    if (self == NULL)
        return;
    free(self->service);
    free(self->group);
    pthread_mutex_destroy(&self->lock);
    pthread_mutex_destroy(&self->login_lock);
    explicit_bzero(self, sizeof *self);
    free(self);
    *self_p = NULL;
}

/* failures_of - failed logins of a key within the window */
static int
failures_of(const auth_t *self, const char *key)
{
    int     i, n = 0;

    for (i = 0; i < MAX_FAILURES; i++)
        if (self->failures[i].at > now() - AUTH_WINDOW_S && strcmp(self->failures[i].key, key) == 0)
            n++;
    return n;
}

/* fail - note a failure of a key */
static void
fail(auth_t *self, const char *key)
{
    failure_t *f = &self->failures[self->nfail++ % MAX_FAILURES];

    snprintf(f->key, sizeof f->key, "%s", key);
    f->at = now();
}

/* converse - PAM's questions: the password for a hidden prompt */
static int
converse(int n, const struct pam_message **msg, struct pam_response **resp, void *password)
{
    struct pam_response *r = calloc((size_t) n, sizeof *r);
    int     i;

    if (r == NULL)
        return PAM_BUF_ERR;
    for (i = 0; i < n; i++) {
        if (msg[i]->msg_style == PAM_PROMPT_ECHO_OFF) {
            if ((r[i].resp = strdup(password)) == NULL)
                goto fail;
        } else if (msg[i]->msg_style == PAM_PROMPT_ECHO_ON)
            goto fail;
    }
    *resp = r;
    return PAM_SUCCESS;
fail:
    for (i = 0; i < n; i++)
        free(r[i].resp);
    free(r);
    return PAM_CONV_ERR;
}

/* in_group - whether a user is a member of the group */
static bool
in_group(const char *user, const char *group)
{
    struct passwd *pw = getpwnam(user);
    struct group *gr = getgrnam(group);
    gid_t   groups[256];
    int     n = 256, i;

    if (pw == NULL || gr == NULL)
        return false;
    if (getgrouplist(user, pw->pw_gid, groups, &n) < 0)
        return false;
    for (i = 0; i < n; i++)
        if (groups[i] == gr->gr_gid)
            return true;
    return false;
}

/* login - PAM, group and lockout, under login_lock */
static auth_result_t
login(auth_t *self, const char *user, const char *password, const char *addr)
{
    struct pam_conv conv = { converse, (void *) password };
    pam_handle_t *pam = NULL;
    char    ukey[80], akey[80];
    int     rc;

    snprintf(ukey, sizeof ukey, "user:%s", user);
    snprintf(akey, sizeof akey, "addr:%s", addr);
    if (failures_of(self, ukey) >= AUTH_MAX_FAILURES || failures_of(self, akey) >= AUTH_MAX_FAILURES)
        return AUTH_LOCKED;
    if (*user == 0 || strlen(user) >= sizeof ((session_t *) 0)->user) {
        fail(self, ukey);
        fail(self, akey);
        return AUTH_WRONG;
    }
    if ((rc = pam_start(self->service, user, &conv, &pam)) != PAM_SUCCESS) {
        log_error("PAM service %s cannot start: %s", self->service, pam_strerror(pam, rc));
        return AUTH_BROKEN;
    }
    rc = pam_authenticate(pam, PAM_DISALLOW_NULL_AUTHTOK);
    if (rc == PAM_SUCCESS)
        rc = pam_acct_mgmt(pam, PAM_DISALLOW_NULL_AUTHTOK);
    pam_end(pam, rc);
    if (rc != PAM_SUCCESS) {
        fail(self, ukey);
        fail(self, akey);
        return AUTH_WRONG;
    }
    if (!in_group(user, self->group)) {
        fail(self, ukey);
        fail(self, akey);
        return AUTH_NOT_IN_GROUP;
    }
    return AUTH_OK;
}

/* auth_login - one login at a time */
auth_result_t
auth_login(auth_t *self, const char *user, const char *password, const char *addr)
{
    auth_result_t res;

    pthread_mutex_lock(&self->login_lock);
    res = login(self, user, password, addr);
    pthread_mutex_unlock(&self->login_lock);
    return res;
}

const char *
auth_result_text(auth_result_t r)
{
    switch (r) {
    case AUTH_OK:
        return "Ingelogd.";
    case AUTH_WRONG:
        return "Onbekende gebruiker of verkeerd wachtwoord.";
    case AUTH_NOT_IN_GROUP:
        return "Deze gebruiker mag koppel niet bedienen: hij is geen lid van de groep koppel.";
    case AUTH_LOCKED:
        return "Te veel mislukte pogingen: probeer het over tien minuten opnieuw.";
    case AUTH_BROKEN:
        break;
    }
    return "Inloggen is nu niet mogelijk (PAM werkt niet; zie het logboek van koppel-web).";
}

/* auth_session_open - a new session, the oldest replaced when all are taken */
void
auth_session_open(auth_t *self, const char *user, session_t *out)
{
    session_t *s;
    int     i;

    pthread_mutex_lock(&self->lock);
    s = &self->sessions[0];
    for (i = 0; i < MAX_SESSIONS; i++)
        if (self->sessions[i].last_used < s->last_used)
            s = &self->sessions[i];
    memset(s, 0, sizeof *s);
    if (!auth_random(s->id, sizeof s->id) || !auth_random(s->csrf, sizeof s->csrf))
        log_fatal("no random numbers from the kernel (getrandom)");
    snprintf(s->user, sizeof s->user, "%s", user);
    s->last_used = now();
    *out = *s;
    pthread_mutex_unlock(&self->lock);
}

/* auth_session - a live session */
bool
auth_session(auth_t *self, const char *id, session_t *out)
{
    bool    found = false;
    int     i;

    if (id == NULL || strlen(id) != AUTH_TOKEN_LEN)
        return false;
    pthread_mutex_lock(&self->lock);
    for (i = 0; i < MAX_SESSIONS && !found; i++) {
        session_t *s = &self->sessions[i];

        if (s->id[0] && strcmp(s->id, id) == 0) {
            if (s->last_used < now() - AUTH_IDLE_S) {
                memset(s, 0, sizeof *s);
                break;
            }
            s->last_used = now();
            *out = *s;
            found = true;
        }
    }
    pthread_mutex_unlock(&self->lock);
    return found;
}

void
auth_session_close(auth_t *self, const char *id)
{
    int     i;

    pthread_mutex_lock(&self->lock);
    for (i = 0; id && i < MAX_SESSIONS; i++)
        if (self->sessions[i].id[0] && strcmp(self->sessions[i].id, id) == 0)
            memset(&self->sessions[i], 0, sizeof self->sessions[i]);
    pthread_mutex_unlock(&self->lock);
}

/* same_token - two tokens of AUTH_TOKEN_LEN characters, compared in constant time */
static bool
same_token(const char *a, const char *b)
{
    return a && b && strlen(a) == AUTH_TOKEN_LEN && strlen(b) == AUTH_TOKEN_LEN
           && sodium_memcmp(a, b, AUTH_TOKEN_LEN) == 0;
}

bool
auth_csrf_ok(const session_t *s, const char *token)
{
    return same_token(s->csrf, token);
}

/* auth_login_token - hex of HMAC-SHA256(login_key, presession) */
bool
auth_login_token(const auth_t *self, const char *presession, char *token, size_t len)
{
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    const char *c;

    if (presession == NULL || strlen(presession) != AUTH_TOKEN_LEN || len < AUTH_TOKEN_LEN + 1)
        return false;
    for (c = presession; *c; c++)
        if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f')))
            return false;
    crypto_auth_hmacsha256(mac, (const unsigned char *) presession, AUTH_TOKEN_LEN,
                           self->login_key);
    sodium_bin2hex(token, len, mac, AUTH_TOKEN_LEN / 2);
    return true;
}

bool
auth_login_token_ok(const auth_t *self, const char *presession, const char *token)
{
    char    want[AUTH_TOKEN_LEN + 1];

    return auth_login_token(self, presession, want, sizeof want) && same_token(want, token);
}

void
auth_one_time(auth_t *self, const char *user, char *token, size_t len)
{
    pthread_mutex_lock(&self->lock);
    if (!auth_random(self->one_time, sizeof self->one_time))
        log_fatal("no random numbers from the kernel (getrandom)");
    snprintf(self->one_time_user, sizeof self->one_time_user, "%s", user);
    snprintf(token, len, "%s", self->one_time);
    pthread_mutex_unlock(&self->lock);
}

bool
auth_one_time_use(auth_t *self, const char *token, char *user, size_t len)
{
    bool    ok;

    pthread_mutex_lock(&self->lock);
    ok = self->one_time[0] && same_token(token, self->one_time);
    if (ok) {
        memset(self->one_time, 0, sizeof self->one_time);
        snprintf(user, len, "%s", self->one_time_user);
    }
    pthread_mutex_unlock(&self->lock);
    return ok;
}
