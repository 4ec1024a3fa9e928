/*
 * test_db - SQLite state files: created readable by the koppel user (and
 * group) only, whatever the umask and the state directory's mode
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db.h"
#include "xalloc.h"

/* mode_of - the permission bits of a file */
static unsigned
mode_of(const char *path)
{
    struct stat st;

    assert_int_equal(stat(path, &st), 0);
    return (unsigned) (st.st_mode & 07777);
}

/* a_new_state_file_is_private_under_a_loose_umask - umask 022 in a 0755
 * directory made fetcher.db 0644: its orders readable by every user */
static void
a_new_state_file_is_private_under_a_loose_umask(void **state)
{
    char    dir[] = "/tmp/koppel-test-db-XXXXXX", err[512], *path, *wal, *cmd;
    sqlite3 *db;
    mode_t  old = umask(0);

    assert_non_null(mkdtemp(dir));
    assert_int_equal(chmod(dir, 0755), 0);
    path = xasprintf("%s/fetcher.db", dir);
    wal = xasprintf("%s-wal", path);
    db = db_open(path, "CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);", err, sizeof err);
    if (db == NULL)
        fail_msg("%s", err);
    assert_int_equal(mode_of(path) & 0007, 0);
    assert_int_equal(mode_of(path) & 0700, 0600);
    assert_int_equal(mode_of(wal) & 0007, 0);
    db_close(&db);
    umask(old);
    cmd = xasprintf("rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    free(wal);
    free(path);
}

/* a_state_file_others_could_read_is_made_private - a fetcher.db left 0644
 * by an earlier version loses the bits for others when it is opened */
static void
a_state_file_others_could_read_is_made_private(void **state)
{
    char    dir[] = "/tmp/koppel-test-db-XXXXXX", err[512], *path, *cmd;
    sqlite3 *db;
    FILE   *fp;

    assert_non_null(mkdtemp(dir));
    path = xasprintf("%s/booker.db", dir);
    assert_non_null(fp = fopen(path, "w"));
    fclose(fp);
    assert_int_equal(chmod(path, 0664), 0);
    db = db_open(path, NULL, err, sizeof err);
    if (db == NULL)
        fail_msg("%s", err);
    assert_int_equal(mode_of(path), 0660);
    db_close(&db);
    cmd = xasprintf("rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    free(path);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_new_state_file_is_private_under_a_loose_umask),
        cmocka_unit_test(a_state_file_others_could_read_is_made_private),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
