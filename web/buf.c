/*
 * NAME
 *   buf - a growing text buffer for pages, with HTML escaping
 *
 * DESCRIPTION
 *   See buf.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "log.h"
#include "xalloc.h"

struct buf {
    char   *data;
    size_t  len;
    size_t  size;
};

/* grow - room for n more bytes and a terminating nul */
static void
grow(buf_t *self, size_t n)
{
    if (self->len + n + 1 <= self->size)
        return;
    while (self->len + n + 1 > self->size)
        self->size = self->size ? self->size * 2 : 4096;
    self->data = xrealloc(self->data, self->size);
}

buf_t *
buf_new(void)
{
    buf_t  *self = xcalloc(1, sizeof *self);

    grow(self, 0);
    self->data[0] = 0;
    return self;
}

void
buf_destroy(buf_t **self_p)
{
    if (*self_p == NULL)
        return;
    free((*self_p)->data);
    free(*self_p);
    *self_p = NULL;
}

void
buf_bytes(buf_t *self, const void *data, size_t len)
{
    grow(self, len);
    memcpy(self->data + self->len, data, len);
    self->len += len;
    self->data[self->len] = 0;
}

void
buf_add(buf_t *self, const char *markup)
{
    buf_bytes(self, markup, strlen(markup));
}

void
buf_addf(buf_t *self, const char *fmt, ...)
{
    va_list ap;
    char   *s;

    va_start(ap, fmt);
    if (vasprintf(&s, fmt, ap) < 0)
        log_fatal("out of memory");
    va_end(ap);
    buf_add(self, s);
    free(s);
}

void
buf_esc(buf_t *self, const char *text)
{
    const char *p;

    if (text == NULL)
        return;
    for (p = text; *p; p++)
        switch (*p) {
        case '&': buf_add(self, "&amp;"); break;
        case '<': buf_add(self, "&lt;"); break;
        case '>': buf_add(self, "&gt;"); break;
        case '"': buf_add(self, "&quot;"); break;
        case '\'': buf_add(self, "&#39;"); break;
        default: buf_bytes(self, p, 1);
        }
}

void
buf_escf(buf_t *self, const char *fmt, ...)
{
    va_list ap;
    char   *s;

    va_start(ap, fmt);
    if (vasprintf(&s, fmt, ap) < 0)
        log_fatal("out of memory");
    va_end(ap);
    buf_esc(self, s);
    free(s);
}

const char *
buf_data(const buf_t *self)
{
    return self->data;
}

size_t
buf_len(const buf_t *self)
{
    return self->len;
}

char *
buf_take(buf_t **self_p)
{
    char   *d = (*self_p)->data;

    free(*self_p);
    *self_p = NULL;
    return d;
}
