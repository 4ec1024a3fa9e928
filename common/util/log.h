/*
 * NAME
 *   log - diagnostics of koppel's programs
 *
 * DESCRIPTION
 *   Messages go to standard error, one line each, prefixed with the
 *   program name and severity; under systemd the journal keeps them.
 *   Severities follow Postfix:
 *     log_warning  bad input from a peer or a shop: log it, keep serving
 *     log_error    an operation failed; the caller handles it
 *     log_fatal    a broken environment (bad config, missing file): exit 1
 *     log_panic    a broken invariant of koppel's own: abort()
 *   No message may hold a secret: pass passwords and keys to nobody's log.
 *
 *   log_peer_warning is the warning for what an unauthenticated peer sends
 *   (a bad message, a refused outcome): at most one line per peer kind
 *   (the socket's name) per LOG_PEER_INTERVAL_S seconds, the next one
 *   saying how many were left out, so that a flood of bytes cannot flood
 *   the log.
 */
#ifndef KOPPEL_LOG_H
#define KOPPEL_LOG_H

#include <stdarg.h>
#include <stddef.h>

typedef enum { LOG_LEVEL_DEBUG = 0, LOG_LEVEL_INFO, LOG_LEVEL_WARNING,
               LOG_LEVEL_ERROR } log_level_t;

/* log_init - set the program name and the lowest level written */
void log_init(const char *progname, log_level_t level);

/* log_level_parse - "debug", "info", "warning", "error"; -1 when unknown */
int log_level_parse(const char *name);

/* log_show - a value fit to quote in a message: cut to LOG_SHOW_MAX bytes on
 * a UTF-8 boundary ("..." after), control characters and double quotes made
 * '?'; written into buf (LOG_SHOW_MAX * 2 + 8 bytes is enough), returned */
#define LOG_SHOW_MAX 48
const char *log_show(const char *s, char *buf, size_t len);

void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define LOG_PEER_INTERVAL_S 10
void log_peer_warning(const char *peer, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* log_set_peer_interval - another interval (tests); 0 writes every warning */
void log_set_peer_interval(int seconds);
void log_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void log_panic(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
