/*
 * NAME
 *   import - one "Importeren financieel" run of a profile
 *
 * DESCRIPTION
 *   See import.h. A page is stored in one transaction together with the
 *   cursor it moves to. What the run finds:
 *     paid, open     stored as pending (sent on by the fetcher)
 *     cancelled      stored as skipped, logged
 *     incomplete     ignored (not listed by the shop anyway)
 *     unreadable     stored as dead with stage "fetch" and the parser's
 *                    reason, which names the order and the field
 *   A document that cannot be read as a whole is read again order by
 *   order (order.cgi), so one broken order does not hold up the others.
 *
 * DIAGNOSTICS
 *   Shop errors end the run as failed with the client's message; the
 *   next run starts from the stored cursor.
 */
#include <string.h>

#include <time.h>

#include "gcfeed.h"
#include "date.h"
#include "import.h"
#include "wcorder.h"
#include "log.h"
#include "xalloc.h"

#define MAX_GAP_STEP 100        /* missing numbers stepped over in one step */

struct import {
    const profile_t *p;
    source_t *source;
    store_t *store;
    infolog_t *infolog;
    int64_t  job_id;
    int64_t  from;            /* next number to ask for */
    int64_t  highest;
    int64_t  last_number;     /* for the activity line */
    size_t   added, skipped, dead, pages;
    bool     auth_failed;
    bool     unreadable;      /* fetcher.db could not be read at the start: summary says why */
    long     page;            /* woocommerce: the page to read next */
    char     since[32];       /* woocommerce: read orders modified after this */
    char     newest[32];      /* woocommerce: the newest modification seen */
    char     activity[256];
    char     summary[1200];
};

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

/* import_new - a run of a profile */
import_t *
import_new(const profile_t *p, source_t *source, store_t *store, infolog_t *infolog,
           int64_t job_id)
{
    import_t *self = xcalloc(1, sizeof *self);
    int64_t cursor = p->from_order;
    char    err[512];

    self->p = p;
    self->source = source;
    self->store = store;
    self->infolog = infolog;
    self->job_id = job_id;
    if (store_cursor(store, p->name, &cursor, err, sizeof err) == DB_ERROR) {
        /* where the last run stopped is unknown: not "at the start", try later */
        snprintf(self->summary, sizeof self->summary, "cannot read the cursor: %s", err);
        log_error("profile %s: %s", p->name, self->summary);
        self->unreadable = true;
    }
    self->from = cursor - p->late_window;
    if (self->from < p->from_order)
        self->from = p->from_order;
    snprintf(self->activity, sizeof self->activity, "importing profile %s from order %lld",
             p->name, (long long) self->from);
    return self;
}

void
import_destroy(import_t **self_p)
{
    if (self_p && *self_p) {
        free(*self_p);
        *self_p = NULL;
    }
}

/* store_item - store one parsed item of a page, inside the page's transaction */
static void
store_item(import_t *self, gcfeed_item_t *it, const char *doc, size_t len)
{
    const char *name = self->p->name;

    if (it->order == NULL) {
        if (it->number < 0) {
            log_warning("profile %s: %s", name, it->error);
            store_reject_document(self->store, name, it->error, doc, len);
            self->dead++;
        } else if (store_known(self->store, name, it->number) == DB_ABSENT) {
            log_warning("profile %s: %s", name, it->error);
            store_add_state(self->store, name, it->number, "dead", "fetch", it->error);
            infolog_add(self->infolog, name, INFOLOG_SHORT, INFOLOG_DEAD, it->number,
                        "%s", it->error);
            self->dead++;
        }
        return;
    }
    order_set(&it->order->profile, name);
    self->last_number = it->number;
    if (store_known(self->store, name, it->number) != DB_ABSENT)
        return;                 /* stored, or unknown: the page's commit then fails */
    switch (it->order->status) {
    case ORDER_PAID:
    case ORDER_OPEN:
        store_add_pending(self->store, it->order);
        self->added++;
        break;
    case ORDER_CANCELLED:
        log_info("profile %s: order %lld was cancelled in the shop; it is not booked",
                 name, (long long) it->number);
        store_add_state(self->store, name, it->number, "skipped", "fetch",
                        "cancelled in the shop");
        infolog_add(self->infolog, name, INFOLOG_EXTENDED, INFOLOG_IMPORT_DONE, it->number,
                    "order %lld was cancelled in the shop; it is not booked",
                    (long long) it->number);
        self->skipped++;
        break;
    case ORDER_INCOMPLETE:
        break;
    }
}

/* read_single - read the order at self->from on its own, after its page was unreadable */
static import_state_t
read_single(import_t *self, const char *page_error)
{
    char   *body = NULL;
    size_t  len = 0;
    char    err[1024];
    gc_result_t r;
    gcfeed_page_t *page;
    char    reason[1200];
    int     gaps = 0;

    /* a gap in the numbers: step over it here, rather than reading the
     * unreadable page again for every missing number */
    while ((r = gc_client_order(self->source->gc, self->from, &body, &len, err,
                                sizeof err)) == GC_NOT_FOUND) {
        free(body);
        body = NULL;
        self->from++;
        if (++gaps == MAX_GAP_STEP || (self->highest > 0 && self->from > self->highest))
            return IMPORT_MORE;
    }
    if (r != GC_OK) {
        self->auth_failed = r == GC_AUTH;
        snprintf(self->summary, sizeof self->summary, "%s", err);
        free(body);
        return IMPORT_FAILED;
    }
    page = gcfeed_parse(body, len, "order.cgi", err, sizeof err);
    if (!store_begin(self->store, err, sizeof err)) {
        snprintf(self->summary, sizeof self->summary, "%s", err);
        gcfeed_page_destroy(&page);
        free(body);
        return IMPORT_FAILED;
    }
    if (page == NULL) {
        snprintf(reason, sizeof reason, "order %lld: the shop's document cannot be read: %s",
                 (long long) self->from, err);
        log_warning("profile %s: %s (the page read before: %s)", self->p->name, reason,
                    page_error);
        if (store_known(self->store, self->p->name, self->from) == DB_ABSENT) {
            store_add_state(self->store, self->p->name, self->from, "dead", "fetch", reason);
            infolog_add(self->infolog, self->p->name, INFOLOG_SHORT, INFOLOG_DEAD, self->from,
                        "%s", reason);
            self->dead++;
        }
    } else if (page->nitems > 0)
        store_item(self, &page->items[0], body, len);
    store_set_cursor(self->store, self->p->name, self->from + 1, self->highest);
    gcfeed_page_destroy(&page);
    free(body);
    if (!store_commit(self->store, err, sizeof err)) {
        snprintf(self->summary, sizeof self->summary, "%s", err);
        return IMPORT_FAILED;
    }
    self->from++;
    return IMPORT_MORE;
}

/* step_globecharge - one orders.cgi page from the cursor */
static import_state_t
step_globecharge(import_t *self)
{
    char   *body = NULL;
    size_t  len = 0, i;
    char    err[1024];
    gcfeed_page_t *page;
    gc_result_t r;

    snprintf(self->activity, sizeof self->activity, "importing profile %s, order %lld",
             self->p->name, (long long) (self->last_number ? self->last_number : self->from));
    r = gc_client_orders(self->source->gc, self->from, self->p->page_size, &body, &len,
                         err, sizeof err);
    if (r != GC_OK) {
        self->auth_failed = r == GC_AUTH;
        snprintf(self->summary, sizeof self->summary, "%s", err);
        free(body);
        return IMPORT_FAILED;
    }
    page = gcfeed_parse(body, len, "orders.cgi", err, sizeof err);
    if (page == NULL) {
        free(body);
        return read_single(self, err);
    }
    self->pages++;
    if (page->next <= self->from && page->count > 0) {
        snprintf(self->summary, sizeof self->summary, "the shop answered from=%lld with "
                 "next=%lld, which does not move forward; stopped to avoid a loop",
                 (long long) self->from, (long long) page->next);
        gcfeed_page_destroy(&page);
        free(body);
        return IMPORT_FAILED;
    }
    if (!store_begin(self->store, err, sizeof err))
        goto storage;
    for (i = 0; i < page->nitems; i++)
        store_item(self, &page->items[i], body, len);
    self->highest = page->highest;
    store_set_cursor(self->store, self->p->name, page->count ? page->next : self->from,
                     page->highest);
    if (!store_commit(self->store, err, sizeof err))
        goto storage;
    if (page->count == 0 || page->next > page->highest) {
        snprintf(self->summary, sizeof self->summary, "%zu new orders, %zu cancelled, "
                 "%zu unreadable; read up to order %lld", self->added, self->skipped,
                 self->dead, (long long) page->highest);
        gcfeed_page_destroy(&page);
        free(body);
        return IMPORT_DONE;
    }
    self->from = page->next;
    gcfeed_page_destroy(&page);
    free(body);
    return IMPORT_MORE;

storage:
    snprintf(self->summary, sizeof self->summary, "cannot store orders: %s", err);
    log_error("profile %s: %s", self->p->name, self->summary);
    gcfeed_page_destroy(&page);
    free(body);
    return IMPORT_FAILED;
}

int64_t
import_job_id(const import_t *self)
{
    return self->job_id;
}

const profile_t *
import_profile(const import_t *self)
{
    return self->p;
}

const char *
import_activity(const import_t *self)
{
    return self->activity;
}

const char *
import_summary(const import_t *self)
{
    return self->summary;
}

bool
import_auth_failed(const import_t *self)
{
    return self->auth_failed;
}

/* step_woocommerce - one page of the orders modified after the watermark.
 * WooCommerce has no "numbers from N on" filter, so a run reads what changed
 * since the last run (date_modified): an order that became processing
 * after koppel passed its number is found that way. The new watermark is
 * the newest change seen, less a margin; orders read twice are known. */
static import_state_t
step_woocommerce(import_t *self)
{
    char   *body = NULL;
    size_t  len = 0, i;
    char    err[1024], mark[32];
    gcfeed_page_t *page;
    wc_result_t r;
    long    pages = 0, total = 0;

    if (self->page == 0) {
        if (store_watermark(self->store, self->p->name, self->since, sizeof self->since,
                            err, sizeof err) == DB_ERROR) {
            snprintf(self->summary, sizeof self->summary, "cannot read the watermark: %s", err);
            log_error("profile %s: %s", self->p->name, self->summary);
            return IMPORT_FAILED;
        }
        self->page = 1;
    }
    snprintf(self->activity, sizeof self->activity, "importing profile %s, page %ld",
             self->p->name, self->page);
    r = wc_client_orders(self->source->wc, *self->since ? self->since : NULL,
                         self->p->page_size, (int) self->page, &body, &len, &pages, &total,
                         err, sizeof err);
    if (r != WC_OK) {
        self->auth_failed = r == WC_AUTH;
        snprintf(self->summary, sizeof self->summary, "%s", err);
        free(body);
        return IMPORT_FAILED;
    }
    if ((page = wcorder_parse_page(body, len, "orders", err, sizeof err)) == NULL) {
        snprintf(self->summary, sizeof self->summary, "page %ld: %s", self->page, err);
        free(body);
        return IMPORT_FAILED;
    }
    if (!store_begin(self->store, err, sizeof err))
        goto storage;
    for (i = 0; i < page->nitems; i++) {
        gcfeed_item_t *it = &page->items[i];

        if (it->number >= 0 && it->number < self->p->from_order)
            continue;
        if (it->order && strcmp(it->order->modified, self->newest) > 0)
            snprintf(self->newest, sizeof self->newest, "%s", it->order->modified);
        store_item(self, it, body, len);
    }
    if (self->page >= pages && watermark_of(self->newest, mark, sizeof mark))
        store_set_watermark(self->store, self->p->name, mark);
    if (!store_commit(self->store, err, sizeof err))
        goto storage;
    gcfeed_page_destroy(&page);
    free(body);
    if (self->page >= pages) {
        snprintf(self->summary, sizeof self->summary, "%zu new orders, %zu cancelled, "
                 "%zu unreadable; %ld orders changed since %s", self->added, self->skipped,
                 self->dead, total, *self->since ? self->since : "the start");
        return IMPORT_DONE;
    }
    self->page++;
    return IMPORT_MORE;

storage:
    snprintf(self->summary, sizeof self->summary, "cannot store orders: %s", err);
    log_error("profile %s: %s", self->p->name, self->summary);
    gcfeed_page_destroy(&page);
    free(body);
    return IMPORT_FAILED;
}

/* import_step - read and store one page */
import_state_t
import_step(import_t *self)
{
    if (self->unreadable)
        return IMPORT_FAILED;
    if (self->source->kind == SOURCE_WOOCOMMERCE)
        return step_woocommerce(self);
    return step_globecharge(self);
}

/* fetch_one - read one order again and put it back in pending */
bool
fetch_one(const profile_t *p, source_t *source, store_t *store, int64_t number,
          char *err, size_t errlen)
{
    gcfeed_page_t *page = NULL;
    src_result_t r = source_one(source, number, &page, err, errlen);
    bool    ok = false;

    if (r != SRC_OK) {
        if (r == SRC_NOT_FOUND)
            snprintf(err, errlen, "order %lld is not in the shop (any more)", (long long) number);
        gcfeed_page_destroy(&page);
        return false;
    }
    if (page->nitems != 1)
        snprintf(err, errlen, "order %lld: the shop sent %zu orders for one", (long long) number,
                 page->nitems);
    else if (page->items[0].order == NULL)
        snprintf(err, errlen, "%s", page->items[0].error);
    else if (page->items[0].order->status != ORDER_PAID
             && page->items[0].order->status != ORDER_OPEN)
        snprintf(err, errlen, "order %lld is %s in the shop, not paid or open",
                 (long long) number, order_status_name(page->items[0].order->status));
    else if (store_begin(store, err, errlen)) {
        order_set(&page->items[0].order->profile, p->name);
        store_replace_pending(store, page->items[0].order);
        ok = store_commit(store, err, errlen);
    }
    gcfeed_page_destroy(&page);
    return ok;
}
