/*
 * NAME
 *   plan - the planning of each profile's tasks (manual 2.6)
 *
 * DESCRIPTION
 *   scheduler.db holds, per profile and task, the interval, the next run,
 *   the last run and its result, and the job that runs now. A task that is
 *   due runs once; then its next run moves on by the interval until it
 *   lies in the future ("catch-up rule": a scheduler that was down does not
 *   run the task many times in a row). A profile with enabled = false in
 *   the configuration keeps its tasks but is never due ("uitgeschakeld").
 */
#ifndef KOPPEL_SCHEDULER_PLAN_H
#define KOPPEL_SCHEDULER_PLAN_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "config.h"
#include "db.h"

#define TASK_IMPORT "importeren-financieel"

typedef struct plan plan_t;

plan_t *plan_open(const char *path, const cfg_t *cfg, int64_t now, char *err, size_t errlen);
void plan_close(plan_t **self_p);

/* plan_configure - the tasks of cfg's profiles (new ones planned, removed ones
 * gone); the file's interval wins over koppelctl plan when it changed since
 * the file was last read. false with err. */
bool plan_configure(plan_t *self, const cfg_t *cfg, int64_t now, char *err, size_t errlen);

/* plan_next_run - the catch-up rule: next + k*interval, the first that lies after now */
int64_t plan_next_run(int64_t next, int interval_s, int64_t now);

/* plan_due - the first task due at now that does not run: DB_FOUND, DB_ABSENT
 * (none due), or DB_ERROR with err when scheduler.db could not be read */
db_found_t plan_due(plan_t *self, int64_t now, char *profile, size_t plen, char *task,
                    size_t tlen, char *err, size_t errlen);

/* plan_advance - after starting a due task: move its next run by the catch-up
 * rule; false (logged) when the task could not be read or written */
bool plan_advance(plan_t *self, const char *profile, const char *task, int64_t now);

/* plan_running - the job running for a task (0 if none) into *job: DB_FOUND,
 * DB_ABSENT (no such task), or DB_ERROR with err */
db_found_t plan_running(plan_t *self, const char *profile, const char *task, int64_t *job,
                        char *err, size_t errlen);

/* plan_started - a job for a task was sent */
void plan_started(plan_t *self, const char *profile, const char *task, int64_t job_id,
                  int64_t now);

/* plan_finished - a job ended; ignored when it is not the running one */
void plan_finished(plan_t *self, const char *profile, const char *task, int64_t job_id,
                   bool ok, const char *text, int64_t now);

/* plan_forget_running - no job runs any more (the fetcher restarted) */
void plan_forget_running(plan_t *self);

/* plan_expire - forget jobs running longer than max_s (their fetcher died) */
void plan_expire(plan_t *self, int64_t now, int64_t max_s);

/* plan_set - change interval and/or next run; false with err */
bool plan_set(plan_t *self, const char *profile, const char *task, int interval_s,
              int64_t next, char *err, size_t errlen);

/* plan_list - every task as a JSON array */
json_t *plan_list(plan_t *self);

/* plan_enabled - false when the profile is switched off (enabled = false) */
bool plan_enabled(plan_t *self, const char *profile);

/* plan_new_job_id - a job id that was never used before */
int64_t plan_new_job_id(plan_t *self);

#endif
