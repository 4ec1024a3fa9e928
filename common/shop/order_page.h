/*
 * NAME
 *   order_page - a page of normalised orders as a shop document gives them
 *
 * DESCRIPTION
 *   What every shop parser (gcfeed for Globecharge XML, wcorder for
 *   WooCommerce JSON) returns: the orders of one document, in document
 *   order, each either a normalised order (order.h) or the reason it
 *   cannot be read. A source (source.h) that read the page from a shop
 *   keeps the raw document with it, so that a document naming no readable
 *   order can be set aside as it came.
 */
#ifndef KOPPEL_ORDER_PAGE_H
#define KOPPEL_ORDER_PAGE_H

#include <stddef.h>
#include <stdint.h>

#include "order.h"

typedef struct {             /* a refund the shop reports with the order */
    char     refund[32];      /* its name, once per order: "refund 731" */
    order_credit_t what;      /* what it refunds (its lines owned here) */
    char    *error;           /* NULL, or why it cannot be credited, in Dutch */
} order_refund_t;

typedef struct {
    int64_t  number;     /* -1 when not even the number could be read */
    order_t *order;      /* NULL when the order is invalid */
    char    *error;      /* NULL when valid; else, in Dutch, e.g. "order 10425:
       <total incl=\"12,50\">: geen bedrag (cijfers en een '.'); corrigeer de
       order in de shop en klik Opnieuw" */
    order_refund_t *refunds;  /* its partial refunds with what they refund, when
                                 the source read them (WooCommerce polling) */
    size_t   nrefunds;
} order_item_t;

typedef struct {
    int64_t  from, next, highest;  /* Globecharge: the <orders> attributes (for a
                                      single <order>: from = next = highest = its
                                      number); WooCommerce: lowest id, highest id
                                      + 1, highest id */
    size_t   count;                /* orders in the document */
    order_item_t *items;           /* one per order, in document order */
    size_t   nitems;
    char    *document;             /* the raw document, when a source read it; else NULL */
    size_t   document_len;
} order_page_t;

/* order_page_new - an empty page with room for nitems items (all zero) */
order_page_t *order_page_new(size_t nitems);

/* order_item_refunds_clear - free an item's refunds, none left */
void order_item_refunds_clear(order_item_t *it);

/* order_page_destroy - free a page, its orders, errors and document; null the pointer */
void order_page_destroy(order_page_t **self_p);

#endif
