/*
 * NAME
 *   buf - a growing text buffer for pages, with HTML escaping
 *
 * DESCRIPTION
 *   Every page of koppel-web is written into a buf_t. buf_add() adds
 *   markup as it is; buf_esc() and buf_escf() add text escaped for HTML
 *   (& < > " '), so that a customer name like <script> in a dead letter
 *   shows as text. Anything that did not come from koppel-web itself goes
 *   through the escaping functions.
 */
#ifndef KOPPEL_WEB_BUF_H
#define KOPPEL_WEB_BUF_H

#include <stddef.h>

typedef struct buf buf_t;

/* buf_new - an empty buffer */
buf_t *buf_new(void);

/* buf_destroy - free and null the caller's pointer */
void buf_destroy(buf_t **self_p);

/* buf_add - markup, as it is */
void buf_add(buf_t *self, const char *markup);

/* buf_addf - markup from a format; %s arguments are NOT escaped */
void buf_addf(buf_t *self, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* buf_esc - text, escaped for HTML (NULL adds nothing) */
void buf_esc(buf_t *self, const char *text);

/* buf_escf - text from a format, escaped as a whole */
void buf_escf(buf_t *self, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* buf_data - the text so far */
const char *buf_data(const buf_t *self);

/* buf_len - its length */
size_t buf_len(const buf_t *self);

/* buf_take - the text as new memory; the buffer is destroyed */
char *buf_take(buf_t **self_p);

/* buf_bytes - binary data (a file) */
void buf_bytes(buf_t *self, const void *data, size_t len);

#endif
