/*
 * NAME
 *   xalloc - allocation that cannot return NULL
 *
 * DESCRIPTION
 *   Out of memory is a broken environment: the process logs it and exits,
 *   and its supervisor restarts it. Nothing was acknowledged that was not
 *   stored, so no order is lost by exiting.
 */
#ifndef KOPPEL_XALLOC_H
#define KOPPEL_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* xasprintf - a formatted string in new memory */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
