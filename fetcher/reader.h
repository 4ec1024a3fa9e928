/*
 * NAME
 *   reader - the fetcher's thread that reads shops, off its loop
 *
 * DESCRIPTION
 *   One request to a shop may take up to its timeout (30 s), and a large
 *   answer takes a while to parse. The fetcher hands each page of the
 *   import in progress to this thread (reader_fetch()), which runs
 *   import_fetch() there; when it is read, done() runs on the loop thread,
 *   which stores the page (import_store()). The import belongs to the
 *   thread from reader_fetch() until done(); the loop does not touch it,
 *   nor its source, in between. Only one page is read at a time.
 */
#ifndef KOPPEL_FETCHER_READER_H
#define KOPPEL_FETCHER_READER_H

#include <stdbool.h>

#include "daemon_loop.h"
#include "import.h"

typedef struct reader reader_t;

/* called on the loop thread when the page of imp has been read */
typedef void (reader_done_fn)(void *arg, import_t *imp);

/* reader_new - start the thread; done is called from loop */
reader_t *reader_new(daemon_loop_t *loop, reader_done_fn *done, void *arg);

/* reader_destroy - end the thread after the page it reads, null the pointer */
void reader_destroy(reader_t **self_p);

/* reader_fetch - read imp's next page on the thread (the reader must be idle) */
void reader_fetch(reader_t *self, import_t *imp);

/* reader_busy - whether a page is being read */
bool reader_busy(const reader_t *self);

#endif
