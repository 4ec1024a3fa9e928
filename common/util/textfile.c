/*
 * NAME
 *   textfile - read a small text file whole (see textfile.h)
 */
#include <stdio.h>
#include <stdlib.h>

#include "textfile.h"
#include "xalloc.h"

char *
textfile_read(const char *path, size_t max)
{
    FILE   *f = fopen(path, "r");
    char   *text;
    size_t  n;

    if (f == NULL)
        return NULL;
    text = xmalloc(max + 2);
    n = fread(text, 1, max + 1, f);
    if (ferror(f) || n > max) {
        fclose(f);
        free(text);
        return NULL;
    }
    fclose(f);
    text[n] = 0;
    return text;
}
