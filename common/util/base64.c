/*
 * NAME
 *   base64 - RFC 4648 base64, the standard alphabet with padding
 *
 * DESCRIPTION
 *   See base64.h.
 *
 * DIAGNOSTICS
 *   base64_decode() returns NULL on any deviation; out of memory is fatal
 *   (xalloc).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "xalloc.h"

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* base64_encode - bytes as base64 text */
char *
base64_encode(const void *data, size_t len)
{
    const unsigned char *in = data;
    char   *out = xmalloc((len + 2) / 3 * 4 + 1), *o = out;
    size_t  i;

    for (i = 0; i + 2 < len; i += 3) {
        uint32_t v = (uint32_t) in[i] << 16 | (uint32_t) in[i + 1] << 8 | in[i + 2];

        *o++ = alphabet[v >> 18];
        *o++ = alphabet[(v >> 12) & 63];
        *o++ = alphabet[(v >> 6) & 63];
        *o++ = alphabet[v & 63];
    }
    if (i < len) {
        uint32_t v = (uint32_t) in[i] << 16 | (i + 1 < len ? (uint32_t) in[i + 1] << 8 : 0);

        *o++ = alphabet[v >> 18];
        *o++ = alphabet[(v >> 12) & 63];
        *o++ = i + 1 < len ? alphabet[(v >> 6) & 63] : '=';
        *o++ = '=';
    }
    *o = 0;
    return out;
}

/* value - the 6-bit value of a base64 character, -1 when it is none */
static int
value(char c)
{
    const char *p = c ? strchr(alphabet, c) : NULL;

    return p ? (int) (p - alphabet) : -1;
}

/* base64_decode - strict base64 text as bytes */
void *
base64_decode(const char *text, size_t *len)
{
    size_t  n = strlen(text), i, pad = 0;
    unsigned char *out, *o;

    if (n % 4 != 0)
        return NULL;
    if (n > 0 && text[n - 1] == '=')
        pad = n > 1 && text[n - 2] == '=' ? 2 : 1;
    out = o = xmalloc(n / 4 * 3 + 1);
    for (i = 0; i < n; i += 4) {
        bool    last = i + 4 == n;
        int     a = value(text[i]), b = value(text[i + 1]);
        int     c = last && pad == 2 ? 0 : value(text[i + 2]);
        int     d = last && pad >= 1 ? 0 : value(text[i + 3]);
        uint32_t v;

        if (a < 0 || b < 0 || c < 0 || d < 0) {
            free(out);
            return NULL;
        }
        v = (uint32_t) a << 18 | (uint32_t) b << 12 | (uint32_t) c << 6 | (uint32_t) d;
        *o++ = (unsigned char) (v >> 16);
        if (!(last && pad == 2))
            *o++ = (unsigned char) (v >> 8);
        if (!(last && pad >= 1))
            *o++ = (unsigned char) v;
    }
    *len = (size_t) (o - out);
    return out;
}
