/*
 * NAME
 *   test_reload - koppel.cfg read again while a daemon runs: a good file is
 *   handed to the daemon with the old position of each profile, a bad one
 *   refused with file, line and setting, endpoints kept; SIGHUP and a
 *   written file reload too; stopped profiles carried over by name
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "control.h"
#include "daemon_loop.h"
#include "log.h"
#include "reload.h"
#include "xalloc.h"

typedef struct {
    cfg_t  *cfg;
    int     applied;
    int     old_index[4];
} seen_t;

static char path[64];

/* write_file - the configuration file's text, and a modification time of its own */
static void
write_file(const char *text)
{
    static time_t t = 1000000;
    struct timespec ts[2] = { { 0, UTIME_OMIT }, { t++, 0 } };
    FILE   *fp = fopen(path, "w");

    fputs(text, fp);
    fclose(fp);
    utimensat(AT_FDCWD, path, ts, 0);
}

/* apply - what a daemon does: take fresh over */
static void
apply(void *arg, cfg_t *fresh, const int *old_index)
{
    seen_t *s = arg;
    size_t  i;

    s->applied++;
    for (i = 0; i < fresh->nprofiles && i < 4; i++)
        s->old_index[i] = old_index[i];
    cfg_destroy(&s->cfg);
    s->cfg = fresh;
}

/* setup - a loop with a control socket and a reload on the file */
static void
setup(seen_t *s, control_t **control, daemon_loop_t **loop, reload_t **r)
{
    static int n;
    char    ep[64], err[1024];
    int     fd;

    snprintf(path, sizeof path, "/tmp/koppel-test-reload-XXXXXX");
    fd = mkstemp(path);
    close(fd);
    write_file("profiles = ( { name = \"a\"; }, { name = \"b\"; } );\n");
    memset(s, 0, sizeof *s);
    if ((s->cfg = cfg_load(path, err, sizeof err)) == NULL)
        fail_msg("%s", err);
    snprintf(ep, sizeof ep, "inproc://test-reload-%d", ++n);
    *control = control_new(ep, "test", "1");
    *loop = daemon_loop_new(*control, NULL);
    *r = reload_new(*loop, *control, &s->cfg, apply, s);
}

static void
teardown(seen_t *s, control_t **control, daemon_loop_t **loop, reload_t **r)
{
    reload_destroy(r);
    daemon_loop_destroy(loop);
    control_destroy(control);
    cfg_destroy(&s->cfg);
    unlink(path);
}

static void
a_good_file_is_taken_over_with_each_profiles_old_place(void **state)
{
    seen_t  s;
    control_t *control;
    daemon_loop_t *loop;
    reload_t *r;
    char    msg[1024];

    setup(&s, &control, &loop, &r);
    write_file("profiles = ( { name = \"b\"; }, { name = \"c\"; } );\n");
    assert_true(reload_now(r, msg, sizeof msg));
    assert_string_equal(msg, "reloaded");
    assert_int_equal(s.applied, 1);
    assert_int_equal(s.old_index[0], 1);        /* b was second */
    assert_int_equal(s.old_index[1], -1);       /* c is new */
    assert_int_equal(s.cfg->nprofiles, 2);
    assert_string_equal(s.cfg->profiles[1].name, "c");
    teardown(&s, &control, &loop, &r);
}

static void
a_bad_file_is_refused_and_the_old_one_stays(void **state)
{
    seen_t  s;
    control_t *control;
    daemon_loop_t *loop;
    reload_t *r;
    char    msg[1024];
    cfg_t  *before;

    setup(&s, &control, &loop, &r);
    before = s.cfg;
    write_file("profiles = ( { name = \"a\";\n shop = { page_size = 500; }; } );\n");
    assert_false(reload_now(r, msg, sizeof msg));
    assert_non_null(strstr(msg, ":2: profiles.a.shop: page_size: moet een getal van 1 tot en met "
                                "100 zijn (niet 500)"));
    assert_int_equal(s.applied, 0);
    assert_ptr_equal(s.cfg, before);
    assert_false(reload_if_changed(r));          /* the same refused file: not tried again */
    teardown(&s, &control, &loop, &r);
}

static void
changed_endpoints_are_kept_and_a_restart_is_asked_for(void **state)
{
    seen_t  s;
    control_t *control;
    daemon_loop_t *loop;
    reload_t *r;
    char    msg[1024], *dir;

    setup(&s, &control, &loop, &r);
    dir = xstrdup(s.cfg->state_dir);
    write_file("koppel = { state_dir = \"/tmp/koppel-elsewhere\"; };\n"
               "profiles = ( { name = \"a\"; } );\n");
    assert_true(reload_now(r, msg, sizeof msg));
    assert_non_null(strstr(msg, RELOAD_RESTART_NEEDED));
    assert_string_equal(s.cfg->state_dir, dir);
    assert_int_equal(s.cfg->nprofiles, 1);
    free(dir);
    teardown(&s, &control, &loop, &r);
}

/* stop_after - end the run */
static void
stop_after(daemon_loop_t *loop, void *arg)
{
    daemon_loop_stop(loop);
}

static void
sighup_and_a_written_file_reload(void **state)
{
    seen_t  s;
    control_t *control;
    daemon_loop_t *loop;
    reload_t *r;

    setup(&s, &control, &loop, &r);
    assert_false(reload_if_changed(r));          /* not written since it was read */
    write_file("profiles = ( { name = \"a\"; } );\n");
    assert_true(reload_if_changed(r));
    assert_int_equal(s.applied, 1);
    write_file("profiles = ( { name = \"x\"; } );\n");
    kill(getpid(), SIGHUP);
    daemon_loop_once(loop, 300, "stop", stop_after, NULL);
    daemon_loop_run(loop, "test");
    assert_int_equal(s.applied, 2);
    assert_string_equal(s.cfg->profiles[0].name, "x");
    teardown(&s, &control, &loop, &r);
}

static void
a_stopped_profile_stays_stopped_unless_its_credentials_changed(void **state)
{
    char    err[1024];
    cfg_t  *old, *fresh;
    char  **stopped = xcalloc(3, sizeof *stopped);
    int     old_index[3];
    int     fd;

    snprintf(path, sizeof path, "/tmp/koppel-test-reload-XXXXXX");
    fd = mkstemp(path);
    close(fd);
    write_file("profiles = ( { name = \"a\"; shop = { password = \"fout\"; }; },\n"
               "  { name = \"b\"; shop = { password = \"fout\"; }; },\n"
               "  { name = \"c\"; shop = { password = \"fout\"; }; } );\n");
    old = cfg_load(path, err, sizeof err);
    write_file("profiles = ( { name = \"c\"; shop = { password = \"fout\"; }; },\n"
               "  { name = \"b\"; shop = { password = \"goed\"; }; } );\n");
    fresh = cfg_load(path, err, sizeof err);
    assert_non_null(old);
    assert_non_null(fresh);
    stopped[0] = xstrdup("a stopped");
    stopped[1] = xstrdup("b stopped");
    stopped[2] = xstrdup("c stopped");
    old_index[0] = 2;
    old_index[1] = 1;
    stopped = reload_stopped(stopped, old, fresh, old_index, "shop");
    assert_string_equal(stopped[0], "c stopped");      /* the same password: still stopped */
    assert_null(stopped[1]);                           /* another one: runs again */
    free(stopped[0]);
    free(stopped);
    cfg_destroy(&old);
    cfg_destroy(&fresh);
    unlink(path);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_good_file_is_taken_over_with_each_profiles_old_place),
        cmocka_unit_test(a_bad_file_is_refused_and_the_old_one_stays),
        cmocka_unit_test(changed_endpoints_are_kept_and_a_restart_is_asked_for),
        cmocka_unit_test(sighup_and_a_written_file_reload),
        cmocka_unit_test(a_stopped_profile_stays_stopped_unless_its_credentials_changed),
    };

    reload_block_signal();          /* before any thread: SIGHUP is read, never delivered */
    log_init("test_reload", LOG_LEVEL_WARNING);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
