/*
 * NAME
 *   order_page - a page of normalised orders as a shop document gives them
 *
 * DESCRIPTION
 *   See order_page.h.
 */
#include <stdlib.h>

#include "order_page.h"
#include "xalloc.h"

/* order_page_new - an empty page with room for nitems items */
order_page_t *
order_page_new(size_t nitems)
{
    order_page_t *self = xcalloc(1, sizeof *self);

    self->items = xcalloc(nitems + 1, sizeof *self->items);
    return self;
}

/* order_item_refunds_clear - free an item's refunds */
void
order_item_refunds_clear(order_item_t *it)
{
    for (size_t i = 0; i < it->nrefunds; i++) {
        free(it->refunds[i].what.lines);
        free(it->refunds[i].error);
    }
    free(it->refunds);
    it->refunds = NULL;
    it->nrefunds = 0;
}

/* order_page_destroy - free a page and null the caller's pointer */
void
order_page_destroy(order_page_t **self_p)
{
    order_page_t *self;
    size_t  i;

    if (self_p == NULL || *self_p == NULL)
        return;
    self = *self_p;
    for (i = 0; i < self->nitems; i++) {
        order_destroy(&self->items[i].order);
        free(self->items[i].error);
        order_item_refunds_clear(&self->items[i]);
    }
    free(self->items);
    free(self->document);
    free(self);
    *self_p = NULL;
}
