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
 *   nor its source, in between.
 *
 *   Other reads (a dead letter read again, replay.h) are jobs: work(job)
 *   runs on the thread, then job_done(job) on the loop. The thread does one
 *   thing at a time, a page and a job in turn when both wait, so that
 *   neither the import nor the replays wait for all of the other. At most
 *   one page and one job wait or are being read at a time.
 */
#ifndef KOPPEL_FETCHER_READER_H
#define KOPPEL_FETCHER_READER_H

#include <stdbool.h>

#include "daemon_loop.h"
#include "import.h"

typedef struct reader reader_t;

/* called on the loop thread when the page of imp has been read */
typedef void (reader_done_fn)(void *arg, import_t *imp);
/* a job: work runs on the thread, job_done on the loop thread after it */
typedef void (reader_work_fn)(void *job);
typedef void (reader_job_done_fn)(void *job);

/* reader_new - start the thread; done is called from loop */
reader_t *reader_new(daemon_loop_t *loop, reader_done_fn *done, void *arg);

/* reader_destroy - end the thread after what it reads, null the pointer */
void reader_destroy(reader_t **self_p);

/* reader_fetch - read imp's next page on the thread (none may be waiting) */
void reader_fetch(reader_t *self, import_t *imp);

/* reader_busy - whether a page of the import waits or is being read */
bool reader_busy(const reader_t *self);

/* reader_run - run a job on the thread (none may be waiting) */
void reader_run(reader_t *self, reader_work_fn *work, reader_job_done_fn *job_done, void *job);

/* reader_job_busy - whether a job waits or is being run */
bool reader_job_busy(const reader_t *self);

#endif
