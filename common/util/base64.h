/*
 * NAME
 *   base64 - RFC 4648 base64, the standard alphabet with padding
 *
 * DESCRIPTION
 *   base64_encode() turns bytes into the text JSON's "format: byte" fields
 *   carry (a document SnelStart stores); base64_decode() reads such text
 *   back, strictly: only the alphabet, correct padding, no whitespace.
 */
#ifndef KOPPEL_BASE64_H
#define KOPPEL_BASE64_H

#include <stdbool.h>
#include <stddef.h>

/* base64_encode - len bytes as a NUL-terminated text (new memory) */
char *base64_encode(const void *data, size_t len);

/* base64_decode - a base64 text as bytes (new memory, *len set); NULL
 * when the text is not strict base64 */
void *base64_decode(const char *text, size_t *len);

#endif
