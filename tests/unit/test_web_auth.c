/*
 * NAME
 *   test_web_auth - koppel-web's login form token, sessions under threads,
 *   and when a profile's shop platform may change
 *
 * DESCRIPTION
 *   The login form's token belongs to its pre-session id only (another id,
 *   a changed token, a missing cookie or a new start of koppel-web refuse
 *   it); sessions opened by many threads at once are each found again with
 *   their own user; a one-time login works once. A platform change is
 *   allowed while the fetcher read nothing for the profile, refused once it
 *   has orders or a cursor past "Vanaf ordernummer", or when the fetcher
 *   cannot say; the leftovers of each platform are the settings the other
 *   one refuses.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "auth.h"
#include "platform.h"

static void
the_login_token_belongs_to_its_presession_only(void **state)
{
    auth_t *a = auth_new("koppel-web-test", "koppel"), *b = auth_new("koppel-web-test", "koppel");
    char    id[AUTH_TOKEN_LEN + 1], other[AUTH_TOKEN_LEN + 1], tok[AUTH_TOKEN_LEN + 1];
    char    tok2[AUTH_TOKEN_LEN + 1];

    assert_true(auth_random(id, sizeof id));
    assert_true(auth_random(other, sizeof other));
    assert_true(auth_login_token(a, id, tok, sizeof tok));
    assert_int_equal(strlen(tok), AUTH_TOKEN_LEN);
    assert_true(auth_login_token(a, id, tok2, sizeof tok2));
    assert_string_equal(tok, tok2);                     /* the same id, the same token */
    assert_true(auth_login_token_ok(a, id, tok));
    assert_false(auth_login_token_ok(a, other, tok));   /* another pre-session */
    assert_false(auth_login_token_ok(a, NULL, tok));    /* no cookie */
    assert_false(auth_login_token_ok(a, id, NULL));     /* no token */
    assert_false(auth_login_token_ok(a, id, "0123"));
    assert_false(auth_login_token_ok(b, id, tok));      /* another start: another key */
    tok[0] = tok[0] == 'a' ? 'b' : 'a';
    assert_false(auth_login_token_ok(a, id, tok));
    assert_false(auth_login_token(a, "not-hex", tok, sizeof tok));
    assert_false(auth_login_token(a, "ZZ" "0000000000000000000000000000000000000000000000000000"
                                     "0000000000", tok, sizeof tok));
    auth_destroy(&a);
    auth_destroy(&b);
    assert_null(a);
}

#define THREADS 8
#define ROUNDS  200

typedef struct {
    auth_t *auth;
    int     n;
    int     bad;
} worker_t;

static void *
open_and_find(void *arg)
{
    worker_t *w = arg;
    char    user[32];
    session_t s, found;
    int     i;

    snprintf(user, sizeof user, "user%d", w->n);
    for (i = 0; i < ROUNDS; i++) {
        auth_session_open(w->auth, user, &s);
        /* 64 slots, 8 threads: a session just opened is among the newest */
        if (!auth_session(w->auth, s.id, &found) || strcmp(found.user, user) != 0
            || !auth_csrf_ok(&found, s.csrf))
            w->bad++;
        auth_session_close(w->auth, s.id);
        if (auth_session(w->auth, s.id, &found))
            w->bad++;
    }
    return NULL;
}

static void
sessions_opened_by_threads_at_once_are_each_their_own(void **state)
{
    auth_t *a = auth_new("koppel-web-test", "koppel");
    pthread_t t[THREADS];
    worker_t w[THREADS];
    int     i;

    for (i = 0; i < THREADS; i++) {
        w[i] = (worker_t) { a, i, 0 };
        assert_int_equal(pthread_create(&t[i], NULL, open_and_find, &w[i]), 0);
    }
    for (i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(w[i].bad, 0);
    }
    auth_destroy(&a);
}

static void
a_one_time_login_works_once(void **state)
{
    auth_t *a = auth_new("koppel-web-test", "koppel");
    char    tok[AUTH_TOKEN_LEN + 1], user[64];

    assert_false(auth_one_time_use(a, "x", user, sizeof user));
    auth_one_time(a, "demo", tok, sizeof tok);
    assert_true(auth_one_time_use(a, tok, user, sizeof user));
    assert_string_equal(user, "demo");
    assert_false(auth_one_time_use(a, tok, user, sizeof user));
    auth_destroy(&a);
}

static void
the_platform_changes_only_while_nothing_was_read(void **state)
{
    json_t *st = json_loads("{\"nieuw\": {\"cursor\": 1},"
                            " \"gelezen\": {\"cursor\": 5120, \"booked\": 19},"
                            " \"verder\": {\"cursor\": 40},"
                            " \"webhooks\": {\"cursor\": 1, \"pending\": 2},"
                            " \"kapot\": {\"cursor_error\": \"fetcher.db: locked\"}}", 0, NULL);
    char    why[1024];

    assert_non_null(st);
    assert_true(platform_untouched(st, "nieuw", 1, why, sizeof why));
    assert_false(platform_untouched(st, "gelezen", 5001, why, sizeof why));
    assert_non_null(strstr(why, "al orders van deze shop gelezen"));
    assert_non_null(strstr(why, "nieuw profiel"));
    assert_false(platform_untouched(st, "verder", 1, why, sizeof why));
    assert_false(platform_untouched(st, "webhooks", 1, why, sizeof why));
    assert_false(platform_untouched(st, "kapot", 1, why, sizeof why));
    assert_non_null(strstr(why, "fetcher.db: locked"));
    assert_false(platform_untouched(st, "onbekend", 1, why, sizeof why));
    assert_non_null(strstr(why, "koppel-fetcher"));
    json_decref(st);
}

static void
each_platform_leaves_what_the_other_refuses(void **state)
{
    const char *const *gc = platform_leftovers("globecharge");
    const char *const *wc = platform_leftovers("woocommerce");

    assert_string_equal(gc[0], "shop.username");
    assert_string_equal(gc[1], "shop.password");
    assert_null(gc[2]);
    assert_string_equal(wc[0], "shop.consumer_key");
    assert_string_equal(wc[1], "shop.consumer_secret");
    assert_string_equal(wc[2], "shop.webhook");
    assert_null(wc[3]);
    assert_true(platform_known("woocommerce") && platform_known("globecharge"));
    assert_false(platform_known("magento") || platform_known(NULL));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_login_token_belongs_to_its_presession_only),
        cmocka_unit_test(sessions_opened_by_threads_at_once_are_each_their_own),
        cmocka_unit_test(a_one_time_login_works_once),
        cmocka_unit_test(the_platform_changes_only_while_nothing_was_read),
        cmocka_unit_test(each_platform_leaves_what_the_other_refuses),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
