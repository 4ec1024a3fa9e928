/*
 * NAME
 *   fuzz_wcorder - libFuzzer target: the WooCommerce order JSON parser
 *
 * DESCRIPTION
 *   Feeds any bytes to wcorder_parse_page. Properties: no memory error; a
 *   refused document has an error text; a page has as many items as it
 *   counts, each with either an order or an error (never both, never
 *   neither), an error that says which order it is about ("order ..."),
 *   and page bounds that hold every readable number; and every order read
 *   packs and unpacks (order_codec) to the same number, lines and e-mail,
 *   so that it can travel between the daemons.
 */
#include <string.h>
#include <msgpack.h>

#include "order.h"
#include "wcorder.h"
#include "fuzz.h"

/* round_trip - an order read must pass order_pack and order_unpack */
static void
round_trip(const order_t *o)
{
    msgpack_sbuffer sb;
    msgpack_packer pk;
    msgpack_unpacked up;
    size_t  off = 0;
    char    err[512] = "";
    order_t *again;

    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    order_pack(o, &pk);
    msgpack_unpacked_init(&up);
    if (msgpack_unpack_next(&up, sb.data, sb.size, &off) != MSGPACK_UNPACK_SUCCESS)
        fuzz_fail("order %lld: order_pack wrote bytes msgpack cannot read",
                  (long long) o->number);
    if ((again = order_unpack(&up.data, err, sizeof err)) == NULL)
        fuzz_fail("order %lld read from WooCommerce JSON does not unpack: %s",
                  (long long) o->number, err);
    if (again->number != o->number || again->nlines != o->nlines
        || strcmp(again->email, o->email) != 0)
        fuzz_fail("order %lld changed in a pack/unpack round trip", (long long) o->number);
    order_destroy(&again);
    msgpack_unpacked_destroy(&up);
    msgpack_sbuffer_destroy(&sb);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char    err[512] = "";
    order_page_t *page;
    size_t  i;

    fuzz_quiet();
    page = wcorder_parse_page((const char *) data, size, "fuzz", err, sizeof err);
    if (page == NULL) {
        if (err[0] == 0)
            fuzz_fail("wcorder_parse_page refused a document without saying why");
        return 0;
    }
    if (page->nitems != page->count)
        fuzz_fail("wcorder page counts %zu orders but holds %zu items", page->count,
                  page->nitems);
    if (page->nitems > 0 && page->items == NULL)
        fuzz_fail("wcorder_parse_page: %zu items but no array", page->nitems);
    for (i = 0; i < page->nitems; i++) {
        const order_item_t *it = &page->items[i];

        if ((it->order == NULL) == (it->error == NULL))
            fuzz_fail("wcorder item %zu: order %p and error %p", i,
                      (void *) it->order, (void *) it->error);
        if (it->error != NULL && strncmp(it->error, "order ", 6) != 0)
            fuzz_fail("wcorder item %zu: the error does not name the order: %s", i,
                      it->error);
        if (it->number > 0 && (it->number < page->from || it->number > page->highest))
            fuzz_fail("wcorder item %zu: number %lld outside the page's %lld..%lld", i,
                      (long long) it->number, (long long) page->from,
                      (long long) page->highest);
        if (it->order != NULL) {
            if (it->order->number != it->number)
                fuzz_fail("wcorder item %zu: item number %lld, order number %lld", i,
                          (long long) it->number, (long long) it->order->number);
            round_trip(it->order);
        }
    }
    order_page_destroy(&page);
    if (page != NULL)
        fuzz_fail("order_page_destroy left the pointer set");
    return 0;
}
