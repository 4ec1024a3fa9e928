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

#include "shopdoc.h"
#include "size_limits.h"
#include "wcorder.h"
#include "xalloc.h"

/* shopdoc_parse - a document of a shop type as a page of orders */
gcfeed_page_t *
shopdoc_parse(const char *shop_type, const char *body, size_t len, const char *name,
              char *err, size_t errlen)
{
    if (strcmp(shop_type, "globecharge") == 0)
        return gcfeed_parse(body, len, name, err, errlen);
    if (strcmp(shop_type, "woocommerce") == 0)
        return wcorder_parse_page(body, len, name, err, errlen);
    snprintf(err, errlen, "\"%s\" is not a shop type koppel knows (globecharge, woocommerce)",
             shop_type);
    return NULL;
}

/* shopdoc_read_file - the same for a file */
gcfeed_page_t *
shopdoc_read_file(const char *shop_type, const char *path, char *err, size_t errlen)
{
    FILE   *fp = fopen(path, "rb");
    char   *buf = NULL;
    size_t  len = 0, cap = 0, n;
    gcfeed_page_t *page;

    if (fp == NULL) {
        snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
        return NULL;
    }
    do {
        if (len + 65536 > cap) {
            if (cap > LIMIT_DOCUMENT_BYTES) {
                snprintf(err, errlen, "%s: larger than %d bytes", path, LIMIT_DOCUMENT_BYTES);
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
