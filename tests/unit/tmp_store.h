/* tmp_store.h - a fetcher.db of its own in /tmp for one test */
#ifndef KOPPEL_TMP_STORE_H
#define KOPPEL_TMP_STORE_H

#include "store.h"

/* tmp_store_file - a new empty file /tmp/koppel-test-NAME-XXXXXX, for a
 * test that writes an older fetcher.db itself; tmp_store_path names it */
void tmp_store_file(const char *name);

/* tmp_store_open - a new store in /tmp/koppel-test-NAME-XXXXXX; fails the
 * test when it cannot be made. One at a time. */
store_t *tmp_store_open(const char *name);

/* tmp_store_path - the file of the store tmp_store_open made last */
const char *tmp_store_path(void);

/* tmp_store_close - close it and remove its files (the WAL and shm too) */
void tmp_store_close(store_t **s);

#endif
