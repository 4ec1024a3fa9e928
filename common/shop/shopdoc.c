/*
 * NAME
 *   shopdoc - read a shop's order document, whatever its platform
 *
 * DESCRIPTION
 *   See shopdoc.h. Files are read whole, up to the parsers' own limit.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gcfeed.h"
#include "shopdoc.h"
#include "size_limits.h"
#include "source.h"
#include "xalloc.h"

/* shopdoc_parse - a document of a shop type as a page of orders */
order_page_t *
shopdoc_parse(const char *shop_type, const char *body, size_t len, const char *name,
              char *err, size_t errlen)
{
    return source_parse(shop_type, body, len, name, err, errlen);
}

/* shopdoc_read_file - the same for a file */
order_page_t *
shopdoc_read_file(const char *shop_type, const char *path, char *err, size_t errlen)
{
    FILE   *fp = fopen(path, "rb");
    char   *buf = NULL;
    size_t  len = 0, cap = 0, n;
    order_page_t *page;

    if (fp == NULL) {
        snprintf(err, errlen, "%s is niet te lezen: %s", path, strerror(errno));
        return NULL;
    }
    do {
        if (len + 65536 > cap) {
            if (cap > LIMIT_DOCUMENT_BYTES) {
                snprintf(err, errlen, "%s is groter dan de %d bytes die koppel leest", path,
                         LIMIT_DOCUMENT_BYTES);
                free(buf);
                fclose(fp);
                return NULL;
            }
            buf = xrealloc(buf, cap = cap * 2 + 65536);
        }
        n = fread(buf + len, 1, cap - len, fp);
        len += n;
    } while (n > 0);
    fclose(fp);
    page = shopdoc_parse(shop_type, buf, len, path, err, errlen);
    free(buf);
    return page;
}
