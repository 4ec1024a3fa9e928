/*
 * NAME
 *   xalloc - allocation that cannot return NULL
 *
 * DIAGNOSTICS
 *   Out of memory: a message on stderr, exit status 70 (EX_SOFTWARE).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* oom - report and exit */
static void __attribute__((noreturn))
oom(size_t size)
{
    fprintf(stderr, "koppel: out of memory allocating %zu bytes\n", size);
    exit(70);
}

void *
xmalloc(size_t size)
{
    void   *p = malloc(size ? size : 1);

    if (p == NULL)
        oom(size);
    return p;
}

void *
xcalloc(size_t n, size_t size)
{
    void   *p = calloc(n ? n : 1, size ? size : 1);

    if (p == NULL)
        oom(n * size);
    return p;
}

void *
xrealloc(void *ptr, size_t size)
{
    void   *p = realloc(ptr, size ? size : 1);

    if (p == NULL)
        oom(size);
    return p;
}

char *
xstrdup(const char *s)
{
    char   *p = strdup(s ? s : "");

    if (p == NULL)
        oom(strlen(s));
    return p;
}

char *
xstrndup(const char *s, size_t n)
{
    char   *p = strndup(s, n);

    if (p == NULL)
        oom(n);
    return p;
}

char *
xasprintf(const char *fmt, ...)
{
    va_list ap;
    char   *p;

    va_start(ap, fmt);
    if (vasprintf(&p, fmt, ap) < 0)
        oom(strlen(fmt));
    va_end(ap);
    return p;
}
