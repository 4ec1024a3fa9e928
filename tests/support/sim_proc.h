/*
 * NAME
 *   sim_proc - start and stop a simulator from a unit test
 *
 * DESCRIPTION
 *   Starts a program of build/bin (found next to the test program) on a
 *   free loopback port, waits until it answers HTTP on a probe path, and
 *   stops it again. Its output goes to a log file in its own scratch
 *   directory, kept when a test fails.
 */
#ifndef KOPPEL_TESTS_SIM_PROC_H
#define KOPPEL_TESTS_SIM_PROC_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

typedef struct {
    pid_t   pid;
    int     port;
    char    url[64];          /* http://127.0.0.1:PORT */
    char    dir[PATH_MAX];    /* scratch directory */
} sim_proc_t;

/* sim_proc_root - the repository root (tests run from it; else "."): for fixtures */
const char *sim_proc_root(void);

/* sim_proc_start - run build/bin/NAME --listen 127.0.0.1:PORT ARGS... (NULL-terminated);
 * "@DIR@" in an argument is replaced by the scratch directory. Waits until GET
 * probe answers (probe NULL: until the port accepts a TCP connection, for a
 * simulator that does not speak HTTP). false when it does not start. */
bool sim_proc_start(sim_proc_t *s, const char *name, const char *probe, ...)
    __attribute__((sentinel));

/* sim_proc_startv - the same with the arguments in a NULL-terminated array */
bool sim_proc_startv(sim_proc_t *s, const char *name, const char *probe,
                     const char *const *args);

/* sim_proc_stop - SIGTERM and wait; the scratch directory stays for a restart */
void sim_proc_stop(sim_proc_t *s);

/* sim_proc_cleanup - stop and remove the scratch directory */
void sim_proc_cleanup(sim_proc_t *s);

/* sim_proc_get - GET a path; the body (malloc'd) and the HTTP status, 0 when none */
long sim_proc_get(const sim_proc_t *s, const char *path, char **body);

/* sim_proc_post - POST a JSON text to a path; the answer's body (malloc'd,
 * body may be NULL) and the HTTP status, 0 when none */
long sim_proc_post(const sim_proc_t *s, const char *path, const char *json, char **body);

#endif
