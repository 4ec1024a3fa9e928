/*
 * NAME
 *   auth - koppel-web's logins: PAM, the koppel group, sessions, lockout
 *
 * DESCRIPTION
 *   A person logs in with a Linux account that is a member of the koppel
 *   group (the group that may operate koppel), checked through PAM with
 *   the service koppel-web (deploy/pam.d/koppel-web). A login opens a
 *   session: a random id in an HttpOnly, SameSite=Strict cookie, and a
 *   random CSRF token that every form must send back. Sessions end after
 *   eight hours without a request, or at logout.
 *
 *   After AUTH_MAX_FAILURES failed logins within AUTH_WINDOW_S seconds
 *   for one user name, or from one address, logins of that user or from
 *   that address are refused until the window has passed, even with the
 *   right password.
 *
 *   The login form itself carries a token too (login CSRF: another site
 *   must not log a browser in as the attacker's account): GET /login
 *   gives the browser a pre-session cookie, a random id, and the form a
 *   token that is an HMAC-SHA256 of that id under a key drawn at start
 *   (auth_login_token). A POST /login whose token is not the one of its
 *   pre-session cookie is refused before PAM is asked. Another site can
 *   neither read the cookie nor send it (SameSite=Strict), so it cannot
 *   make a form that passes. Nothing is stored per pre-session.
 *
 *   For a demo or a test, auth_one_time() makes a token that logs in
 *   once without a password (koppel-web --one-time-login).
 *
 *   koppel-web answers requests on several threads at once: every
 *   function here may be called from any of them. The sessions and the
 *   one-time token are guarded by one mutex and handed out as copies;
 *   logins (PAM, the group, the failures) go one at a time, so that the
 *   lockout counts every attempt and a slow PAM answer holds only other
 *   logins, never a page.
 */
#ifndef KOPPEL_WEB_AUTH_H
#define KOPPEL_WEB_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#define AUTH_MAX_FAILURES 5
#define AUTH_WINDOW_S     600
#define AUTH_IDLE_S       (8 * 3600)
#define AUTH_TOKEN_LEN    64          /* hex characters of an id or token */

typedef struct auth auth_t;

typedef struct {
    char    id[AUTH_TOKEN_LEN + 1];
    char    csrf[AUTH_TOKEN_LEN + 1];
    char    user[64];
    long long last_used;
} session_t;

typedef enum {
    AUTH_OK = 0,
    AUTH_WRONG,         /* unknown user or wrong password */
    AUTH_NOT_IN_GROUP,  /* the password is right, the group is not */
    AUTH_LOCKED,        /* too many failures */
    AUTH_BROKEN         /* PAM itself failed */
} auth_result_t;

/* auth_new - logins through PAM service, for members of group */
auth_t *auth_new(const char *pam_service, const char *group);

/* auth_destroy - free and null the caller's pointer */
void auth_destroy(auth_t **self_p);

/* auth_login - check a user's password and group; counts failures per user
 * and per address */
auth_result_t auth_login(auth_t *self, const char *user, const char *password, const char *addr);

/* auth_result_text - a sentence for the login page */
const char *auth_result_text(auth_result_t r);

/* auth_session_open - a new session for a user, copied into *out */
void auth_session_open(auth_t *self, const char *user, session_t *out);

/* auth_session - the live session of a cookie value copied into *out;
 * false when there is none */
bool auth_session(auth_t *self, const char *id, session_t *out);

/* auth_session_close - end a session */
void auth_session_close(auth_t *self, const char *id);

/* auth_csrf_ok - whether a form's token is the session's */
bool auth_csrf_ok(const session_t *s, const char *token);

/* auth_login_token - the login form's token of a pre-session id into token
 * (AUTH_TOKEN_LEN + 1 bytes); false for an id that is not one of ours */
bool auth_login_token(const auth_t *self, const char *presession, char *token, size_t len);

/* auth_login_token_ok - whether a login form's token belongs to its
 * pre-session cookie (both may be NULL: then it does not) */
bool auth_login_token_ok(const auth_t *self, const char *presession, const char *token);

/* auth_one_time - a new one-time login token (replaces an unused one) into
 * token (AUTH_TOKEN_LEN + 1 bytes) */
void auth_one_time(auth_t *self, const char *user, char *token, size_t len);

/* auth_one_time_use - the user of a valid one-time token into user, the
 * token then spent; false when it is not (any more) valid */
bool auth_one_time_use(auth_t *self, const char *token, char *user, size_t len);

/* auth_random - a random hex token of AUTH_TOKEN_LEN characters into buf */
bool auth_random(char *buf, size_t len);

#endif
