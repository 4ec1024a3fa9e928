/*
 * NAME
 *   source - a profile's shop, whatever its platform
 *
 * DESCRIPTION
 *   See source.h.
 */
#include <string.h>

#include "shopdoc.h"
#include "source.h"
#include "xalloc.h"

/* source_kind_of - the platform of a shop type name */
bool
source_kind_of(const char *shop_type, source_kind_t *kind)
{
    if (strcmp(shop_type, "globecharge") == 0)
        *kind = SOURCE_GLOBECHARGE;
    else if (strcmp(shop_type, "woocommerce") == 0)
        *kind = SOURCE_WOOCOMMERCE;
    else
        return false;
    return true;
}

/* source_new - the client of a profile's shop */
source_t *
source_new(const profile_t *p)
{
    source_t *self = xcalloc(1, sizeof *self);

    self->p = p;
    if (!source_kind_of(p->shop_type, &self->kind))
        self->kind = SOURCE_GLOBECHARGE;        /* cfg_load admits no other */
    if (self->kind == SOURCE_WOOCOMMERCE) {
        self->wc = wc_client_new(p->shop_url, p->shop_username, p->shop_password,
                                 p->shop_tls_verify);
        wc_client_set_retry(self->wc, 3, 5000, 30000);
    } else {
        self->gc = gc_client_new(p->shop_url, p->shop_username, p->shop_password,
                                 p->shop_tls_verify);
        gc_client_set_retry(self->gc, 3, 5000, 30000);
    }
    return self;
}

void
source_destroy(source_t **self_p)
{
    if (self_p == NULL || *self_p == NULL)
        return;
    gc_client_destroy(&(*self_p)->gc);
    wc_client_destroy(&(*self_p)->wc);
    free(*self_p);
    *self_p = NULL;
}

src_result_t
source_result_gc(gc_result_t r)
{
    switch (r) {
    case GC_OK: return SRC_OK;
    case GC_AUTH: return SRC_AUTH;
    case GC_NOT_FOUND: return SRC_NOT_FOUND;
    case GC_TRANSIENT: return SRC_TRANSIENT;
    default: return SRC_PROTOCOL;
    }
}

src_result_t
source_result_wc(wc_result_t r)
{
    switch (r) {
    case WC_OK: return SRC_OK;
    case WC_AUTH: return SRC_AUTH;
    case WC_NOT_FOUND: return SRC_NOT_FOUND;
    case WC_TRANSIENT: return SRC_TRANSIENT;
    default: return SRC_PROTOCOL;
    }
}

/* source_one - one order by its number */
src_result_t
source_one(source_t *self, int64_t number, order_page_t **page, char *err, size_t errlen)
{
    char   *body = NULL;
    size_t  len = 0;
    src_result_t r;

    *page = NULL;
    if (self->kind == SOURCE_WOOCOMMERCE)
        r = source_result_wc(wc_client_order(self->wc, number, &body, &len, err, errlen));
    else
        r = source_result_gc(gc_client_order(self->gc, number, &body, &len, err, errlen));
    if (r == SRC_OK && (*page = shopdoc_parse(self->p->shop_type, body, len, "one order",
                                              err, errlen)) == NULL)
        r = SRC_PROTOCOL;
    free(body);
    return r;
}
