/*
 * NAME
 *   hookorder - store a delivered order (see hookorder.h)
 */
#include <stdio.h>
#include <string.h>

#include "date.h"
#include "hookorder.h"
#include "hookstore.h"
#include "import.h"
#include "wcorder.h"

/* modified_of - the order's date_modified_gmt as a time (wcorder writes it
 * as YYYY-MM-DDTHH:MM:SSZ); 0 when it has none */
static time_t
modified_of(const order_item_t *it)
{
    char    text[20];
    time_t  t = 0;

    if (it->order == NULL || it->order->modified == NULL)
        return 0;
    snprintf(text, sizeof text, "%s", it->order->modified);
    return date_parse_utc(text, &t) ? t : 0;
}

/* take_item - store one parsed order unless it was overtaken, inside the
 * transaction */
static hookorder_t
take_item(const profile_t *p, store_t *store, infolog_t *infolog, const char *delivery_id,
          order_item_t *it, const char *body, size_t len)
{
    import_counts_t counts = { 0 };
    time_t  modified = modified_of(it), newest = 0;

    switch (hookstore_newest(store, p->name, it->number, &newest)) {
    case DB_ERROR:
        return HOOKORDER_FAILED;
    case DB_FOUND:
        if (hookstore_is_older(modified, newest))
            return HOOKORDER_OVERTAKEN;
        break;
    case DB_ABSENT:
        break;
    }
    import_store_item(p, store, infolog, it, body, len, &counts);
    return hookstore_note(store, p->name, delivery_id, it->number, modified)
           ? HOOKORDER_TAKEN : HOOKORDER_FAILED;
}

/* parse - the delivery as one order; NULL with why */
static order_page_t *
parse(const char *body, size_t len, char *why, size_t whylen)
{
    order_page_t *page = wcorder_parse_page(body, len, "webhook", why, whylen);

    if (page != NULL && (page->nitems != 1 || page->items[0].number < 0)) {
        snprintf(why, whylen, "webhook: %s", page->nitems != 1
                 ? "not one order object (as GET /orders/ID answers)"
                 : page->items[0].error);
        order_page_destroy(&page);
    }
    return page;
}

hookorder_t
hookorder_take(const profile_t *p, store_t *store, infolog_t *infolog, const char *delivery_id,
               const char *body, size_t len, int64_t *number, char *why, size_t whylen)
{
    order_page_t *page;
    hookorder_t r;

    *number = -1;
    *why = 0;
    if ((page = parse(body, len, why, whylen)) == NULL)
        return HOOKORDER_BAD;
    *number = page->items[0].number;
    if (!store_begin(store, why, whylen)) {
        order_page_destroy(&page);
        return HOOKORDER_FAILED;
    }
    r = HOOKORDER_TAKEN;
    if (*delivery_id)
        switch (hookstore_seen(store, p->name, delivery_id)) {
        case DB_FOUND: r = HOOKORDER_REPEAT; break;
        case DB_ERROR: r = HOOKORDER_FAILED; break;
        case DB_ABSENT: break;
        }
    if (r == HOOKORDER_TAKEN && *number >= p->from_order)   /* below it: a run leaves it out */
        r = take_item(p, store, infolog, delivery_id, &page->items[0], body, len);
    order_page_destroy(&page);
    if (r != HOOKORDER_TAKEN) {
        store_rollback(store);          /* nothing was written */
        if (r == HOOKORDER_FAILED)
            snprintf(why, whylen, "fetcher.db: cannot remember the delivery");
        return r;
    }
    return store_commit(store, why, whylen) ? HOOKORDER_TAKEN : HOOKORDER_FAILED;
}
