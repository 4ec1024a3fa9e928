/*
 * NAME
 *   source - a profile's shop, whatever its platform
 *
 * DESCRIPTION
 *   See source.h. This file holds the table of platforms and passes each
 *   operation on to the profile's platform (source_impl.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source_impl.h"
#include "xalloc.h"

/* the platforms, by shop type: a new platform is one more entry */
static const source_ops_t *const platforms[] = {
    &source_globecharge,
    &source_woocommerce,
};

/* platform_of - the platform of a shop type name; NULL when there is none */
static const source_ops_t *
platform_of(const char *shop_type)
{
    size_t  i;

    for (i = 0; i < sizeof platforms / sizeof platforms[0]; i++)
        if (strcmp(platforms[i]->shop_type, shop_type) == 0)
            return platforms[i];
    return NULL;
}

/* source_known - whether koppel has a platform for a shop type name */
bool
source_known(const char *shop_type)
{
    return platform_of(shop_type) != NULL;
}

/* source_new - the source of a profile's shop */
source_t *
source_new(const profile_t *p)
{
    const source_ops_t *ops = platform_of(p->shop_type);
    source_t *self;

    if (ops == NULL)
        return NULL;
    self = xcalloc(1, sizeof *self);
    self->ops = ops;
    self->p = p;
    self->client = ops->client_new(p);
    return self;
}

/* source_destroy - free the source and null the caller's pointer */
void
source_destroy(source_t **self_p)
{
    if (self_p == NULL || *self_p == NULL)
        return;
    (*self_p)->ops->client_destroy(&(*self_p)->client);
    free(*self_p);
    *self_p = NULL;
}

/* source_retry_after_ms - what the shop asked to wait after a transient failure */
long
source_retry_after_ms(const source_t *self)
{
    return self->ops->retry_after_ms(self->client);
}

/* source_set_retry - attempts, backoff cap and timeout of each call */
void
source_set_retry(source_t *self, int attempts, long max_backoff_ms, long timeout_ms)
{
    self->ops->set_retry(self->client, attempts, max_backoff_ms, timeout_ms);
}

/* source_login - log in now */
src_result_t
source_login(source_t *self, char *err, size_t errlen)
{
    return self->ops->login(self, err, errlen);
}

/* source_check - log in and say so */
src_result_t
source_check(source_t *self, char *msg, size_t msglen)
{
    return self->ops->check(self, msg, msglen);
}

/* source_one - one order by its number */
src_result_t
source_one(source_t *self, int64_t number, order_page_t **page, char *err, size_t errlen)
{
    char   *body = NULL;
    size_t  len = 0;
    src_result_t r = self->ops->one(self, number, &body, &len, err, errlen);

    *page = NULL;
    if (r == SRC_OK && (*page = self->ops->parse(body, len, "one order", err, errlen)) == NULL)
        r = SRC_PROTOCOL;
    free(body);
    return r;
}

/* source_cursor_new - a run's cursor from the stored position */
source_cursor_t *
source_cursor_new(source_t *self, const source_position_t *stored)
{
    source_cursor_t *c = xcalloc(1, sizeof *c);

    c->stored = *stored;
    self->ops->cursor_start(self, c);
    return c;
}

/* source_cursor_destroy - free a cursor and null the caller's pointer */
void
source_cursor_destroy(source_cursor_t **self_p)
{
    if (self_p && *self_p) {
        free(*self_p);
        *self_p = NULL;
    }
}

/* source_page - read the next page from the cursor */
src_result_t
source_page(source_t *self, source_cursor_t *cursor, order_page_t **page,
            char *err, size_t errlen)
{
    src_result_t r;

    *page = NULL;
    cursor->has_position = false;
    r = self->ops->page(self, cursor, page, err, errlen);
    if (r != SRC_OK)
        order_page_destroy(page);
    return r;
}

/* source_cursor_position - the position to store with the page just read */
bool
source_cursor_position(const source_cursor_t *self, source_position_t *pos)
{
    if (!self->has_position)
        return false;
    *pos = self->position;
    return true;
}

/* source_cursor_done - whether the run has read everything */
bool
source_cursor_done(const source_cursor_t *self)
{
    return self->done;
}

/* source_cursor_where - where the run is */
const char *
source_cursor_where(const source_cursor_t *self)
{
    return self->where;
}

/* source_cursor_summary - how far the run got */
const char *
source_cursor_summary(const source_cursor_t *self)
{
    return self->summary;
}

typedef struct {                /* an order of a period, and when it was read */
    order_item_t item;
    size_t  seq;
} read_item_t;

/* item_cmp - items by order number, then in the order they were read */
static int
item_cmp(const void *a, const void *b)
{
    const read_item_t *x = a, *y = b;

    if (x->item.number != y->item.number)
        return x->item.number < y->item.number ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

/* source_period - every order dated in [from, until), read from the start */
src_result_t
source_period(source_t *self, time_t from, time_t until, order_page_t **out, char *err,
              size_t errlen)
{
    source_cursor_t *c = source_cursor_new(self, &(source_position_t) { 0 });
    read_item_t *items = NULL;
    size_t  n = 0, cap = 0, i, k;
    src_result_t r = SRC_OK;
    order_page_t *page;

    *out = NULL;
    while (!source_cursor_done(c)) {
        if ((r = source_page(self, c, &page, err, errlen)) != SRC_OK)
            break;
        for (i = 0; i < page->nitems; i++) {
            order_item_t *it = &page->items[i];

            if (it->order && (it->order->date_epoch < from || it->order->date_epoch >= until))
                continue;
            if (n == cap) {
                cap = cap ? cap * 2 : 256;
                items = xrealloc(items, cap * sizeof *items);
            }
            items[n].item = *it;
            items[n].seq = n;
            n++;
            it->order = NULL;            /* moved */
            it->error = NULL;
        }
        order_page_destroy(&page);
    }
    source_cursor_destroy(&c);
    if (r != SRC_OK) {
        for (i = 0; i < n; i++) {
            order_destroy(&items[i].item.order);
            free(items[i].item.error);
        }
        free(items);
        return r;
    }
    /* an order read twice (a late window, a change while reading): the last read */
    qsort(items, n, sizeof *items, item_cmp);
    *out = order_page_new(n);
    for (i = k = 0; i < n; i++) {
        if (i + 1 < n && items[i + 1].item.number == items[i].item.number
            && items[i].item.number >= 0) {
            order_destroy(&items[i].item.order);
            free(items[i].item.error);
            continue;
        }
        (*out)->items[k++] = items[i].item;
    }
    (*out)->nitems = k;
    (*out)->count = k;
    free(items);
    return SRC_OK;
}

/* source_parse - a document of a shop type as a page of orders */
order_page_t *
source_parse(const char *shop_type, const char *body, size_t len, const char *name,
             char *err, size_t errlen)
{
    const source_ops_t *ops = platform_of(shop_type);

    char    types[256] = "";
    size_t  i, n = 0;

    if (ops == NULL) {
        for (i = 0; i < sizeof platforms / sizeof platforms[0] && n < sizeof types; i++)
            n += (size_t) snprintf(types + n, sizeof types - n, "%s%s", i ? ", " : "",
                                   platforms[i]->shop_type);
        snprintf(err, errlen, "\"%s\" is geen soort shop die koppel kent (%s)", shop_type,
                 types);
        return NULL;
    }
    return ops->parse(body, len, name, err, errlen);
}
