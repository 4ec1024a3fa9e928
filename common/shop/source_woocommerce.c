/*
 * NAME
 *   source_woocommerce - a WooCommerce shop read through its REST API
 *
 * DESCRIPTION
 *   The WooCommerce platform behind source.h: wc_client for the API,
 *   wcorder for its JSON. WooCommerce has no "numbers from N on" filter,
 *   so a run reads what changed since the last run (date_modified after
 *   the stored watermark), page by page: an order that became processing
 *   after koppel passed its number is found that way. Orders numbered
 *   below the profile's from_order are left out of the pages. The new
 *   watermark is the newest change seen in the run, less a margin of five
 *   minutes, stored with the run's last page; orders read twice are known
 *   to the caller's store.
 *
 *   A page whose JSON cannot be read (a \u0000, an integer or number no
 *   int64 or double holds, a duplicate key, nesting past the parser's
 *   depth) is read again order by order: the page's ids from the same list
 *   with _fields=id, then each order on its own (orders/ID). An order that
 *   cannot be read becomes an unreadable item naming the order and the
 *   field, so that it reaches the dead-letter queue while the others of
 *   the page are stored. A page whose answer is larger than
 *   LIMIT_ANSWER_BYTES is read the same way, and an order whose own answer
 *   is too large is an unreadable item saying so.
 *
 *   The REST API has no session: "logging in" is a request of one order,
 *   which needs the consumer key and secret.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "date.h"
#include "log.h"
#include "size_limits.h"
#include "source_impl.h"
#include "wc_client.h"
#include "wcorder.h"
#include "wcrefund.h"
#include "xalloc.h"

/* result_of - a client's result as a source result */
static src_result_t
result_of(wc_result_t r)
{
    switch (r) {
    case WC_OK: return SRC_OK;
    case WC_AUTH: return SRC_AUTH;
    case WC_NOT_FOUND: return SRC_NOT_FOUND;
    case WC_TRANSIENT: return SRC_TRANSIENT;
    default: return SRC_PROTOCOL;
    }
}

/* watermark_of - a run's newest modification less a margin of five minutes,
 * as the next run's "modified after"; false when there was none */
static bool
watermark_of(const char *newest, char *buf, size_t len)
{
    struct tm tm;
    time_t  t;
    int     offset;

    if (!date_parse_zoned(newest, &t, &offset))
        return false;
    t -= 300;
    gmtime_r(&t, &tm);
    return strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm) > 0;
}

/* wc_new - the API client of a profile (key and secret as username and password) */
static void *
wc_new(const profile_t *p)
{
    wc_client_t *wc = wc_client_new(p->shop_url, p->shop_username, p->shop_password,
                                    p->shop_tls_verify);

    wc_client_set_retry(wc, 3, 5000, 30000);
    return wc;
}

/* wc_destroy - free the client */
static void
wc_destroy(void **client_p)
{
    wc_client_t *wc = *client_p;

    wc_client_destroy(&wc);
    *client_p = NULL;
}

/* wc_retry - the client's retry settings */
static void
wc_retry(void *client, int attempts, long max_backoff_ms, long timeout_ms)
{
    wc_client_set_retry(client, attempts, max_backoff_ms, timeout_ms);
}

/* wc_retry_after - what the shop's Retry-After asked, after a give-up */
static long
wc_retry_after(const void *client)
{
    return wc_client_retry_after_ms(client);
}

/* wc_login - one order of the list, which the API gives only to a valid key */
static src_result_t
wc_login(source_t *self, char *err, size_t errlen)
{
    char   *body = NULL;
    size_t  len = 0;
    long    pages, total;
    src_result_t r = result_of(wc_client_orders(self->client, NULL, 1, 1, &body, &len,
                                                &pages, &total, err, errlen));

    free(body);
    return r;
}

/* wc_check - log in and say where (never with the key) */
static src_result_t
wc_check(source_t *self, char *msg, size_t msglen)
{
    src_result_t r = wc_login(self, msg, msglen);

    if (r == SRC_OK)
        snprintf(msg, msglen, "de WooCommerce REST API van %s neemt de consumer key "
                 "en het secret aan", self->p->shop_url);
    return r;
}

/* wc_one - one order by its id */
static src_result_t
wc_one(source_t *self, int64_t number, char **body, size_t *len, char *err, size_t errlen)
{
    return result_of(wc_client_order(self->client, number, body, len, err, errlen));
}

/* wc_cursor_start - the first page of the orders changed since the watermark */
static void
wc_cursor_start(source_t *self, source_cursor_t *c)
{
    c->page = 1;
    snprintf(c->where, sizeof c->where, "pagina %ld", c->page);
}

/* drop_below - leave out the orders numbered below from_order */
static void
drop_below(order_page_t *pg, int64_t from_order)
{
    size_t  i, n = 0;

    for (i = 0; i < pg->nitems; i++) {
        order_item_t *it = &pg->items[i];

        if (it->number >= 0 && it->number < from_order) {
            order_destroy(&it->order);
            free(it->error);
            continue;
        }
        pg->items[n++] = *it;
    }
    pg->nitems = n;
}

/* bounds - the page's from, highest and next from its items' numbers */
static void
bounds(order_page_t *pg)
{
    size_t  i;

    for (i = 0; i < pg->nitems; i++) {
        int64_t n = pg->items[i].number;

        if (n > 0 && (pg->from == 0 || n < pg->from))
            pg->from = n;
        if (n > pg->highest)
            pg->highest = n;
    }
    pg->next = pg->highest ? pg->highest + 1 : 0;
}

/* read_one_by_one - the orders of page c->page read each on its own, after
 * the page as a whole could not be read (page_error says why) */
static src_result_t
read_one_by_one(source_t *self, source_cursor_t *c, const char *since,
                const char *page_error, order_page_t **page, long *pages, long *total,
                char *err, size_t errlen)
{
    int64_t *ids = NULL;
    size_t  nids = 0, i, len;
    char   *body;
    char    name[64], perr[1024], reason[1400];
    order_page_t *pg, *one;
    wc_result_t r;

    log_warning("profile %s: page %ld of the orders cannot be read; reading its orders "
                "one by one: %s", self->p->name, c->page, page_error);
    if ((r = wc_client_order_ids(self->client, *since ? since : NULL, self->p->page_size,
                                 (int) c->page, &ids, &nids, pages, total, err,
                                 errlen)) != WC_OK)
        return result_of(r);
    pg = order_page_new(nids);
    for (i = 0; i < nids; i++) {
        order_item_t *it = &pg->items[pg->nitems];

        body = NULL;
        len = 0;
        r = wc_client_order(self->client, ids[i], &body, &len, err, errlen);
        if (r == WC_NOT_FOUND) {
            free(body);                 /* gone since the list was read */
            continue;
        }
        if (r == WC_TOO_LARGE) {
            log_warning("profile %s: %s", self->p->name, err);
            snprintf(reason, sizeof reason, "order %lld: het antwoord van de shop is groter dan "
                     "%d MB (het meeste dat koppel van een order leest); boek de order met de "
                     "hand en laat hem vallen, of vraag de shop waarom hij zo groot is",
                     (long long) ids[i],
                     LIMIT_ANSWER_BYTES / (1024 * 1024));
            it->number = ids[i];
            it->error = xstrdup(reason);
            pg->nitems++;
            free(body);
            continue;
        }
        if (r != WC_OK) {
            free(body);
            free(ids);
            order_page_destroy(&pg);
            return result_of(r);
        }
        snprintf(name, sizeof name, "orders/%lld", (long long) ids[i]);
        if ((one = wcorder_parse_page(body, len, name, perr, sizeof perr)) == NULL
            || one->nitems != 1) {
            snprintf(reason, sizeof reason, "order %lld: het antwoord van de shop is niet te "
                     "lezen; laat de shop de order herstellen en klik Opnieuw, of boek hem met "
                     "de hand en laat hem vallen (%s)", (long long) ids[i],
                     one ? "het is niet een order" : perr);
            it->number = ids[i];
            it->error = xstrdup(reason);
        } else {
            *it = one->items[0];        /* taken over */
            one->nitems = 0;
            if (it->number != ids[i]) {
                order_destroy(&it->order);
                free(it->error);
                snprintf(reason, sizeof reason, "order %lld: de shop antwoordde op orders/%lld "
                         "met order %lld; probeer het later opnieuw", (long long) ids[i],
                         (long long) ids[i],
                         (long long) it->number);
                it->number = ids[i];
                it->error = xstrdup(reason);
            }
        }
        order_page_destroy(&one);
        free(body);
        pg->nitems++;
    }
    free(ids);
    pg->count = pg->nitems;
    bounds(pg);
    *page = pg;
    return SRC_OK;
}

/* has_refunds - whether a bookable order names refunds, whose lines are then
 * read; one refunded or cancelled as a whole is credited in full instead */
static bool
has_refunds(const order_t *o)
{
    if (o == NULL || o->status == ORDER_CANCELLED)
        return false;
    for (size_t i = 0; i < o->nfields; i++)
        if (strncmp(o->fields[i].name, "refund ", 7) == 0)
            return true;
    return false;
}

/* read_refunds - the refunds, with their lines, of the page's orders that
 * have any (the fetcher credits each once) */
static src_result_t
read_refunds(source_t *self, order_page_t *pg, char *err, size_t errlen)
{
    char    path[64], *body;
    size_t  i, len;
    long    pages;
    wc_result_t r;

    for (i = 0; i < pg->nitems; i++) {
        order_item_t *it = &pg->items[i];

        if (!has_refunds(it->order))
            continue;
        body = NULL;
        snprintf(path, sizeof path, "/orders/%lld/refunds?per_page=100",
                 (long long) it->number);
        r = wc_client_call(self->client, NULL, path, NULL, false, "terugbetaling", &body,
                           &len, &pages, err, errlen);
        if (r == WC_OK && !wcrefund_parse(body, len, it->order, &it->refunds, &it->nrefunds,
                                          err, errlen))
            r = WC_PROTOCOL;
        free(body);
        if (r != WC_OK)
            return result_of(r);
    }
    return SRC_OK;
}

/* wc_page - one page of the orders modified after the watermark */
static src_result_t
wc_page(source_t *self, source_cursor_t *c, order_page_t **page, char *err, size_t errlen)
{
    const char *since = c->stored.modified_after;
    char   *body = NULL;
    size_t  len = 0, i;
    char    perr[1024];
    long    pages = 0, total = 0;
    src_result_t r;
    wc_result_t w;
    order_page_t *pg;

    w = wc_client_orders(self->client, *since ? since : NULL, self->p->page_size,
                         (int) c->page, &body, &len, &pages, &total, err, errlen);
    if (w == WC_TOO_LARGE) {
        /* the page's counts come from the ids' answer, which has the headers too */
        free(body);
        if ((r = read_one_by_one(self, c, since, err, &pg, &pages, &total, err, errlen))
            != SRC_OK)
            return r;
        body = NULL;
        len = 0;
    } else if ((r = result_of(w)) != SRC_OK) {
        free(body);
        return r;
    } else if ((pg = wcorder_parse_page(body, len, "orders", perr, sizeof perr)) == NULL) {
        free(body);
        body = NULL;
        len = 0;
        if ((r = read_one_by_one(self, c, since, perr, &pg, &pages, &total, err, errlen))
            != SRC_OK)
            return r;
    }
    pg->document = body;
    pg->document_len = len;
    drop_below(pg, self->p->from_order);
    if ((r = read_refunds(self, pg, err, errlen)) != SRC_OK) {
        order_page_destroy(&pg);
        return r;
    }
    for (i = 0; i < pg->nitems; i++) {
        order_item_t *it = &pg->items[i];

        if (it->order && strcmp(it->order->modified, c->newest) > 0)
            snprintf(c->newest, sizeof c->newest, "%s", it->order->modified);
        if (it->order)
            c->last_number = it->number;
    }
    c->pages = pages;
    c->total = total;
    c->done = c->page >= pages;
    if (c->done && watermark_of(c->newest, c->position.modified_after,
                                sizeof c->position.modified_after))
        c->has_position = true;
    snprintf(c->summary, sizeof c->summary, "%ld orders changed since %s", total,
             *since ? since : "the start");
    if (!c->done)
        c->page++;
    snprintf(c->where, sizeof c->where, "pagina %ld", c->page);
    *page = pg;
    return SRC_OK;
}

const source_ops_t source_woocommerce = {
    .shop_type = "woocommerce",
    .client_new = wc_new,
    .client_destroy = wc_destroy,
    .set_retry = wc_retry,
    .retry_after_ms = wc_retry_after,
    .login = wc_login,
    .check = wc_check,
    .one = wc_one,
    .parse = wcorder_parse_page,
    .cursor_start = wc_cursor_start,
    .page = wc_page,
};
