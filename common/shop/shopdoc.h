/*
 * NAME
 *   shopdoc - read a shop's order document, whatever its platform
 *
 * DESCRIPTION
 *   A Globecharge feed document (XML, gcfeed.c) or a WooCommerce order or
 *   list of orders as its REST API returns them (JSON, wcorder.c), as one
 *   page of normalised orders, by the platform table of source.h.
 */
#ifndef KOPPEL_SHOPDOC_H
#define KOPPEL_SHOPDOC_H

#include "order_page.h"

/* shopdoc_parse - a document of shop type "globecharge" or "woocommerce";
 * NULL with err (naming the type when it is unknown) */
order_page_t *shopdoc_parse(const char *shop_type, const char *body, size_t len,
                            const char *name, char *err, size_t errlen);

/* shopdoc_read_file - the same for a file */
order_page_t *shopdoc_read_file(const char *shop_type, const char *path,
                                char *err, size_t errlen);

#endif
