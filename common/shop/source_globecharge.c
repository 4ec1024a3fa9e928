/*
 * NAME
 *   source_globecharge - a ShopFactory shop read through Globecharge
 *
 * DESCRIPTION
 *   The Globecharge platform behind source.h: gc_client for the feed,
 *   gcfeed for its documents. A run reads orders.cgi from an order number:
 *   the stored number less late_window (never below from_order), so that
 *   orders that completed late (an iDEAL payment finished after later
 *   orders) are still found. Each page moves the position to the page's
 *   "next", with the shop's "highest"; the run is done at an empty page or
 *   when next passes highest.
 *
 *   A page that cannot be read as a whole is read again order by order
 *   (order.cgi), so one broken order does not hold up the others: the
 *   order at the cursor comes back as a page of one, readable or with the
 *   reason it is not, and the position moves one past it. Missing numbers
 *   (order.cgi 404) are stepped over, at most MAX_GAP_STEP in one page.
 *
 *   A page whose answer is larger than LIMIT_ANSWER_BYTES (a few very
 *   large orders) is asked for again at half the page size, down to a
 *   page of one, after which that order is read on its own; an order
 *   whose own answer is too large becomes an unreadable item ("order N:
 *   het antwoord van de shop is groter dan 64 MB"), so that it reaches the
 *   dead-letter queue and the orders after it are read. Each readable
 *   page lets the page size grow back, doubling, to the profile's.
 *
 * DIAGNOSTICS
 *   A page whose next does not move forward stops the run (SRC_PROTOCOL),
 *   rather than reading the same page for ever.
 */
#include <stdio.h>
#include <stdlib.h>

#include "gc_client.h"
#include "gcfeed.h"
#include "log.h"
#include "shop_http.h"
#include "size_limits.h"
#include "source_impl.h"
#include "xalloc.h"

#define MAX_GAP_STEP 100        /* missing numbers stepped over in one page */

/* result_of - a client's result as a source result */
static src_result_t
result_of(gc_result_t r)
{
    switch (r) {
    case GC_OK: return SRC_OK;
    case GC_AUTH: return SRC_AUTH;
    case GC_NOT_FOUND: return SRC_NOT_FOUND;
    case GC_TRANSIENT: return SRC_TRANSIENT;
    default: return SRC_PROTOCOL;
    }
}

/* gc_new - the feed client of a profile */
static void *
gc_new(const profile_t *p)
{
    gc_client_t *gc = gc_client_new(p->shop_url, p->shop_username, p->shop_password,
                                    p->shop_tls_verify);

    gc_client_set_retry(gc, 3, 5000, 30000);
    return gc;
}

/* gc_destroy - free the client */
static void
gc_destroy(void **client_p)
{
    gc_client_t *gc = *client_p;

    gc_client_destroy(&gc);
    *client_p = NULL;
}

/* gc_retry - the client's retry settings */
static void
gc_retry(void *client, int attempts, long max_backoff_ms, long timeout_ms)
{
    gc_client_set_retry(client, attempts, max_backoff_ms, timeout_ms);
}

/* gc_retry_after - what the shop's Retry-After asked, after a give-up */
static long
gc_retry_after(const void *client)
{
    return gc_client_retry_after_ms(client);
}

/* gc_login - log in to the feed */
static src_result_t
gc_login(source_t *self, char *err, size_t errlen)
{
    return result_of(gc_client_login(self->client, err, errlen));
}

/* gc_check - log in and say as whom */
static src_result_t
gc_check(source_t *self, char *msg, size_t msglen)
{
    src_result_t r = gc_login(self, msg, msglen);

    if (r == SRC_OK)
        snprintf(msg, msglen, "ingelogd op %s als %s", self->p->shop_url,
                 self->p->shop_username);
    return r;
}

/* gc_one - order.cgi for one number */
static src_result_t
gc_one(source_t *self, int64_t number, char **body, size_t *len, char *err, size_t errlen)
{
    return result_of(gc_client_order(self->client, number, body, len, err, errlen));
}

/* set_where - "order N": the last readable order seen, else the next to ask for */
static void
set_where(source_cursor_t *c)
{
    snprintf(c->where, sizeof c->where, "order %lld",
             (long long) (c->last_number ? c->last_number : c->from));
}

/* gc_cursor_start - from the stored number less the late window */
static void
gc_cursor_start(source_t *self, source_cursor_t *c)
{
    const profile_t *p = self->p;

    c->max = p->page_size;
    c->from = (c->stored.number ? c->stored.number : p->from_order) - p->late_window;
    if (c->from < p->from_order)
        c->from = p->from_order;
    snprintf(c->where, sizeof c->where, "order %lld", (long long) c->from);
}

/* unreadable_page - a page of one item: order number cannot be read, for reason */
static order_page_t *
unreadable_page(int64_t number, const char *reason)
{
    order_page_t *pg = order_page_new(1);

    pg->nitems = pg->count = 1;
    pg->from = pg->next = pg->highest = number;
    pg->items[0].number = number;
    pg->items[0].error = xstrdup(reason);
    return pg;
}

/* read_single - the order at the cursor on its own, after its page was unreadable */
static src_result_t
read_single(source_t *self, source_cursor_t *c, const char *page_error, order_page_t **page,
            char *err, size_t errlen)
{
    char   *body = NULL;
    size_t  len = 0;
    char    perr[1024], reason[1400];
    gc_result_t g;
    int     gaps = 0;

    log_warning("profile %s: the page from order %lld cannot be read; reading it order by "
                "order: %s", self->p->name, (long long) c->from, page_error);
    /* a gap in the numbers: step over it here, rather than reading the
     * unreadable page again for every missing number */
    while ((g = gc_client_order(self->client, c->from, &body, &len, err, errlen))
           == GC_NOT_FOUND) {
        free(body);
        body = NULL;
        c->from++;
        if (++gaps == MAX_GAP_STEP || (c->position.highest > 0
                                       && c->from > c->position.highest)) {
            *page = order_page_new(0);      /* nothing read, nothing to store */
            set_where(c);
            return SRC_OK;
        }
    }
    if (g == GC_TOO_LARGE) {
        /* the order itself does not fit: set it aside, go on after it */
        log_warning("profile %s: %s", self->p->name, err);
        snprintf(reason, sizeof reason, "order %lld: het antwoord van de shop is groter dan %d MB "
                 "(het meeste dat koppel van een order leest); boek de order met de hand en "
                 "laat hem vallen, of vraag de shop waarom hij zo groot is", (long long) c->from,
                 LIMIT_ANSWER_BYTES / (1024 * 1024));
        free(body);
        body = NULL;
        len = 0;
        *page = unreadable_page(c->from, reason);
    } else if (g != GC_OK) {
        free(body);
        return result_of(g);
    } else if ((*page = gcfeed_parse(body, len, "order.cgi", perr, sizeof perr)) == NULL) {
        snprintf(reason, sizeof reason, "order %lld: het document van de shop is niet te lezen; "
                 "laat de shop de order herstellen en klik Opnieuw, of boek hem met de hand en "
                 "laat hem vallen (%s)", (long long) c->from, perr);
        *page = unreadable_page(c->from, reason);
    } else if ((*page)->nitems > 0 && (*page)->items[0].order)
        c->last_number = (*page)->items[0].number;
    (*page)->document = body;
    (*page)->document_len = len;
    c->position.number = c->from + 1;
    c->has_position = true;
    c->from++;
    set_where(c);
    return SRC_OK;
}

/* gc_page - one orders.cgi page from the cursor */
static src_result_t
gc_page(source_t *self, source_cursor_t *c, order_page_t **page, char *err, size_t errlen)
{
    char   *body = NULL;
    size_t  len = 0, i;
    char    perr[1024];
    src_result_t r;
    gc_result_t g;
    order_page_t *pg;

    while ((g = gc_client_orders(self->client, c->from, c->max, &body, &len, err, errlen))
           == GC_TOO_LARGE && c->max > 1) {
        c->max = c->max / 2;
        log_warning("profile %s: %s; asking for pages of %d orders", self->p->name, err,
                    c->max);
    }
    if (g == GC_TOO_LARGE)
        return read_single(self, c, err, page, err, errlen);
    if ((r = result_of(g)) != SRC_OK) {
        free(body);
        return r;
    }
    if (c->max < self->p->page_size)
        c->max = c->max * 2 < self->p->page_size ? c->max * 2 : self->p->page_size;
    if ((pg = gcfeed_parse(body, len, "orders.cgi", perr, sizeof perr)) == NULL) {
        free(body);
        return read_single(self, c, perr, page, err, errlen);
    }
    if (pg->next <= c->from && pg->count > 0) {
        snprintf(err, errlen, "de shop antwoordde op from=%lld met next=%lld, dat niet verder "
                 "komt; koppel stopt de run om niet steeds dezelfde orders te lezen, "
                 SHOP_ASK_OWNER, (long long) c->from, (long long) pg->next);
        order_page_destroy(&pg);
        free(body);
        return SRC_PROTOCOL;
    }
    pg->document = body;
    pg->document_len = len;
    for (i = 0; i < pg->nitems; i++)
        if (pg->items[i].order)
            c->last_number = pg->items[i].number;
    c->position.number = pg->count ? pg->next : c->from;
    c->position.highest = pg->highest;
    c->has_position = true;
    c->done = pg->count == 0 || pg->next > pg->highest;
    snprintf(c->summary, sizeof c->summary, "read up to order %lld", (long long) pg->highest);
    if (!c->done)
        c->from = pg->next;
    set_where(c);
    *page = pg;
    return SRC_OK;
}

const source_ops_t source_globecharge = {
    .shop_type = "globecharge",
    .client_new = gc_new,
    .client_destroy = gc_destroy,
    .set_retry = gc_retry,
    .retry_after_ms = gc_retry_after,
    .login = gc_login,
    .check = gc_check,
    .one = gc_one,
    .parse = gcfeed_parse,
    .cursor_start = gc_cursor_start,
    .page = gc_page,
};
