/*
 * test_secrets - each daemon keeps only the secrets it uses: the others are
 * wiped (zero bytes, not just freed) after the configuration is read, and a
 * started daemon cannot be dumped (no core file, no ptrace by other users)
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "config.h"
#include "daemon.h"
#include "xalloc.h"

static char path[128], dir[64];

/* write_cfg - a profile with every kind of secret (an sql administration,
 * so that each one is read) */
static void
write_cfg(void)
{
    FILE   *fp;
    int     fd;

    snprintf(dir, sizeof dir, "/tmp/koppel-test-secrets-XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/koppel.cfg", dir);
    assert_true((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600)) >= 0);
    assert_non_null(fp = fdopen(fd, "w"));
    fprintf(fp, "koppel = { state_dir = \"%s/state\"; };\n"
            "profiles = ( { name = \"winkel\";\n"
            "  shop = { username = \"u\"; password = \"geheim-shop\"; };\n"
            "  snelstart = { type = \"sql\"; sql_server = \"db01\"; database = \"adm\";\n"
            "    sql_user = \"sa\"; sql_password = \"geheim-sql\"; user = \"Jan\";\n"
            "    password = \"geheim-snelstart-gebruiker\";\n"
            "    client_key = \"geheime-client-key\";\n"
            "    subscription_key = \"geheime-subscription-key\"; }; } );\n", dir);
    fclose(fp);
}

static void
remove_cfg(void)
{
    char   *cmd = xasprintf("rm -rf %s", dir);

    assert_int_equal(system(cmd), 0);
    free(cmd);
}

/* secret - a secret's buffer and its length before any wipe */
typedef struct {
    char   *buf;
    size_t  len;
} secret_t;

/* kept_or_zeroed - the field still holds the secret, or every byte of it is 0 */
static void
kept_or_zeroed(const secret_t *s, const char *now, const char *want, bool kept)
{
    size_t  i;

    if (kept) {
        assert_string_equal(now, want);
        return;
    }
    assert_string_equal(now, "");
    assert_ptr_equal(now, s->buf);       /* wiped in place, not dropped and left in the heap */
    for (i = 0; i < s->len; i++)
        assert_int_equal(s->buf[i], 0);
}

/* each_daemon_keeps_only_the_secrets_it_uses - fetcher: the shop's; matcher:
 * SnelStart's keys and the administration's passwords; booker: SnelStart's
 * keys; scheduler: none */
static void
each_daemon_keeps_only_the_secrets_it_uses(void **state)
{
    static const struct {
        daemon_t d;
        bool    shop, sql, ss_user, keys;
    } want[] = {
        { DAEMON_SCHEDULER, false, false, false, false },
        { DAEMON_FETCHER, true, false, false, false },
        { DAEMON_MATCHER, false, true, true, true },
        { DAEMON_BOOKER, false, false, false, true },
    };
    char    err[1024];
    size_t  i;

    write_cfg();
    for (i = 0; i < sizeof want / sizeof want[0]; i++) {
        cfg_t  *cfg = cfg_load(path, err, sizeof err);
        profile_t *p;
        secret_t shop, sql, ss, ck, sk;

        if (cfg == NULL)
            fail_msg("%s", err);
        p = &cfg->profiles[0];
        shop = (secret_t) { p->shop_password, strlen(p->shop_password) };
        sql = (secret_t) { p->sql_password, strlen(p->sql_password) };
        ss = (secret_t) { p->ss_password, strlen(p->ss_password) };
        ck = (secret_t) { p->client_key, strlen(p->client_key) };
        sk = (secret_t) { p->subscription_key, strlen(p->subscription_key) };
        cfg_keep_secrets(cfg, want[i].d);
        kept_or_zeroed(&shop, p->shop_password, "geheim-shop", want[i].shop);
        kept_or_zeroed(&sql, p->sql_password, "geheim-sql", want[i].sql);
        kept_or_zeroed(&ss, p->ss_password, "geheim-snelstart-gebruiker", want[i].ss_user);
        kept_or_zeroed(&ck, p->client_key, "geheime-client-key", want[i].keys);
        kept_or_zeroed(&sk, p->subscription_key, "geheime-subscription-key", want[i].keys);
        /* what is not a secret stays */
        assert_string_equal(p->shop_username, "u");
        assert_string_equal(p->sql_user, "sa");
        cfg_destroy(&cfg);
    }
    remove_cfg();
}

/* a_started_daemon_is_not_dumpable_and_holds_no_foreign_secret - daemon_start
 * as the scheduler: PR_GET_DUMPABLE says 0, and no secret is left in its cfg */
static void
a_started_daemon_is_not_dumpable_and_holds_no_foreign_secret(void **state)
{
    const char *instance;
    char   *argv[] = { "koppel-scheduler", "--config", path, NULL };
    cfg_t  *cfg;

    write_cfg();
    assert_int_equal(prctl(PR_GET_DUMPABLE), 1);
    cfg = daemon_start(3, argv, DAEMON_SCHEDULER, "usage\n", &instance);
    assert_int_equal(prctl(PR_GET_DUMPABLE), 0);
    assert_string_equal(cfg->profiles[0].shop_password, "");
    assert_string_equal(cfg->profiles[0].sql_password, "");
    assert_string_equal(cfg->profiles[0].ss_password, "");
    assert_string_equal(cfg->profiles[0].client_key, "");
    assert_string_equal(cfg->profiles[0].subscription_key, "");
    cfg_destroy(&cfg);
    remove_cfg();
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_daemon_keeps_only_the_secrets_it_uses),
        cmocka_unit_test(a_started_daemon_is_not_dumpable_and_holds_no_foreign_secret),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
