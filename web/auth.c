/*
 * NAME
 *   auth - koppel-web's logins: PAM, the koppel group, sessions, lockout
 *
 * DESCRIPTION
 *   See auth.h. PAM is asked with a conversation function that answers
 *   the password prompt (and nothing else); pam_acct_mgmt checks that the
 *   account is usable. The group is checked with getgrouplist(), so the
 *   primary group counts too. Sessions and failures live in memory only:
 *   a restart logs everybody out.
 *
 * DIAGNOSTICS
 *   auth_login never says whether the user exists: AUTH_WRONG for both.
 */
#include <grp.h>
#include <pwd.h>
#include <security/pam_appl.h>
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
    session_t sessions[MAX_SESSIONS];
    failure_t failures[MAX_FAILURES];
    size_t  nfail;          /* ring position */
    char    one_time[AUTH_TOKEN_LEN + 1];
    char    one_time_user[64];
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

/* auth_login - PAM, group and lockout */
auth_result_t
auth_login(auth_t *self, const char *user, const char *password, const char *addr)
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
const session_t *
auth_session_open(auth_t *self, const char *user)
{
    session_t *s = &self->sessions[0];
    int     i;

    for (i = 0; i < MAX_SESSIONS; i++)
        if (self->sessions[i].last_used < s->last_used)
            s = &self->sessions[i];
    memset(s, 0, sizeof *s);
    if (!auth_random(s->id, sizeof s->id) || !auth_random(s->csrf, sizeof s->csrf))
        log_fatal("no random numbers from the kernel (getrandom)");
    snprintf(s->user, sizeof s->user, "%s", user);
    s->last_used = now();
    return s;
}

/* auth_session - a live session */
const session_t *
auth_session(auth_t *self, const char *id)
{
    int     i;

    if (id == NULL || strlen(id) != AUTH_TOKEN_LEN)
        return NULL;
    for (i = 0; i < MAX_SESSIONS; i++) {
        session_t *s = &self->sessions[i];

        if (s->id[0] && strcmp(s->id, id) == 0) {
            if (s->last_used < now() - AUTH_IDLE_S) {
                memset(s, 0, sizeof *s);
                return NULL;
            }
            s->last_used = now();
            return s;
        }
    }
    return NULL;
}

void
auth_session_close(auth_t *self, const char *id)
{
    int     i;

    for (i = 0; id && i < MAX_SESSIONS; i++)
        if (self->sessions[i].id[0] && strcmp(self->sessions[i].id, id) == 0)
            memset(&self->sessions[i], 0, sizeof self->sessions[i]);
}

bool
auth_csrf_ok(const session_t *s, const char *token)
{
    size_t  i;
    unsigned char d = 0;

    if (token == NULL || strlen(token) != AUTH_TOKEN_LEN)
        return false;
    for (i = 0; i < AUTH_TOKEN_LEN; i++)
        d |= (unsigned char) (s->csrf[i] ^ token[i]);
    return d == 0;
}

const char *
auth_one_time(auth_t *self, const char *user)
{
    if (!auth_random(self->one_time, sizeof self->one_time))
        log_fatal("no random numbers from the kernel (getrandom)");
    snprintf(self->one_time_user, sizeof self->one_time_user, "%s", user);
    return self->one_time;
}

const char *
auth_one_time_use(auth_t *self, const char *token)
{
    static char user[64];

    if (self->one_time[0] == 0 || token == NULL || strcmp(token, self->one_time) != 0)
        return NULL;
    memset(self->one_time, 0, sizeof self->one_time);
    snprintf(user, sizeof user, "%s", self->one_time_user);
    return user;
}
