/*
 * NAME
 *   errbuf - a message into the caller's error buffer
 *
 * DESCRIPTION
 *   The functions that build a body for SnelStart return NULL (or false)
 *   and leave the reason in a buffer their caller gave: err and errlen.
 *   errbuf_fail() is that one step, so that each of them reads
 *   "return errbuf_fail(err, errlen, ...)".
 */
#ifndef KOPPEL_ERRBUF_H
#define KOPPEL_ERRBUF_H

#include <stddef.h>

/* errbuf_fail - format the message into err (when err and errlen allow) and
 * return NULL */
void *errbuf_fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
