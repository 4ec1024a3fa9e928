/*
 * NAME
 *   errbuf - a message into the caller's error buffer
 *
 * DESCRIPTION
 *   See errbuf.h.
 */
#include <stdarg.h>
#include <stdio.h>

#include "errbuf.h"

/* errbuf_fail - format the message into err and return NULL */
void *
errbuf_fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    if (err != NULL && errlen > 0) {
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return NULL;
}
