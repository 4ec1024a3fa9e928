/*
 * NAME
 *   fuzz_gcfeed - libFuzzer target: the Globecharge feed XML parser
 *
 * DESCRIPTION
 *   Feeds any bytes to gcfeed_parse. Properties: no memory error; a page
 *   has as many items as it says, and each item holds either an order or
 *   an error, never both and never neither; a refused document has an
 *   error text.
 */
#include <string.h>

#include "gcfeed.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char    err[512] = "";
    order_page_t *page;
    size_t  i;

    fuzz_quiet();
    page = gcfeed_parse((const char *) data, size, "fuzz", err, sizeof err);

    if (page == NULL) {
        if (err[0] == 0)
            fuzz_fail("gcfeed_parse refused a document without saying why");
        return 0;
    }
    if (page->nitems > 0 && page->items == NULL)
        fuzz_fail("gcfeed_parse: %zu items but no array", page->nitems);
    for (i = 0; i < page->nitems; i++) {
        const order_item_t *it = &page->items[i];

        if ((it->order == NULL) == (it->error == NULL))
            fuzz_fail("gcfeed item %zu: order %p and error %p", i,
                      (void *) it->order, (void *) it->error);
        if (it->error != NULL && it->error[0] == 0)
            fuzz_fail("gcfeed item %zu: empty error text", i);
    }
    order_page_destroy(&page);
    if (page != NULL)
        fuzz_fail("order_page_destroy left the pointer set");
    return 0;
}
