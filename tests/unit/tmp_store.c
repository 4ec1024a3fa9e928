/*
 * tmp_store.c - a fetcher.db of its own in /tmp for one test
 *
 *   See tmp_store.h. test_store and test_webhook each made one the same
 *   way; the file name is kept here so the close removes what the open made.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <cmocka.h>

#include "tmp_store.h"

static char path[80];

void
tmp_store_file(const char *name)
{
    int     fd;

    snprintf(path, sizeof path, "/tmp/koppel-test-%s-XXXXXX", name);
    if ((fd = mkstemp(path)) < 0)
        fail_msg("%s: cannot be made", path);
    close(fd);
}

store_t *
tmp_store_open(const char *name)
{
    char    err[512];
    store_t *s;

    tmp_store_file(name);
    if ((s = store_open(path, err, sizeof err)) == NULL)
        fail_msg("%s", err);
    return s;
}

const char *
tmp_store_path(void)
{
    return path;
}

void
tmp_store_close(store_t **s)
{
    char    p[96];

    store_close(s);
    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", path);
    unlink(p);
}
