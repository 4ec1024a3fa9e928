/*
 * NAME
 *   order - construction and copying of the normalised order
 *
 * DESCRIPTION
 *   Allocation, deep copy and element append for order_t (see order.h).
 *   The msgpack codec lives in order_codec.c.
 *
 * DIAGNOSTICS
 *   Out of memory is fatal (xalloc).
 */
#include <stdlib.h>
#include <string.h>

#include "order.h"
#include "xalloc.h"

static const char *status_names[] = { "paid", "open", "incomplete", "cancelled" };
static const char *charge_names[] = { "shipping", "payment", "discount" };

/* address_init - every string of an address "" */
static void
address_init(order_address_t *a)
{
    a->company = xstrdup("");
    a->first_name = xstrdup("");
    a->last_name = xstrdup("");
    a->street = xstrdup("");
    a->house_number = xstrdup("");
    a->house_number_addition = xstrdup("");
    a->postcode = xstrdup("");
    a->city = xstrdup("");
    a->region = xstrdup("");
    a->country = xstrdup("");
}

/* address_free - free an address's strings */
static void
address_free(order_address_t *a)
{
    free(a->company);
    free(a->first_name);
    free(a->last_name);
    free(a->street);
    free(a->house_number);
    free(a->house_number_addition);
    free(a->postcode);
    free(a->city);
    free(a->region);
    free(a->country);
}

/* address_copy - deep copy of an address into an uninitialised one */
static void
address_copy(order_address_t *dst, const order_address_t *src)
{
    dst->company = xstrdup(src->company);
    dst->first_name = xstrdup(src->first_name);
    dst->last_name = xstrdup(src->last_name);
    dst->street = xstrdup(src->street);
    dst->house_number = xstrdup(src->house_number);
    dst->house_number_addition = xstrdup(src->house_number_addition);
    dst->postcode = xstrdup(src->postcode);
    dst->city = xstrdup(src->city);
    dst->region = xstrdup(src->region);
    dst->country = xstrdup(src->country);
}

/* order_new - an empty order */
order_t *
order_new(void)
{
    order_t *self = xcalloc(1, sizeof *self);

    self->profile = xstrdup("");
    self->source = xstrdup("");
    self->modified = xstrdup("");
    self->date = xstrdup("");
    self->payment_method = xstrdup("");
    self->payment_status = xstrdup("");
    self->payment_reference = xstrdup("");
    self->email = xstrdup("");
    self->phone = xstrdup("");
    self->vat_number = xstrdup("");
    self->coc_number = xstrdup("");
    address_init(&self->billing);
    address_init(&self->delivery);
    self->credit.original = xstrdup("");
    return self;
}

/* order_destroy - free an order and null the caller's pointer */
void
order_destroy(order_t **self_p)
{
    order_t *self;
    size_t  i;

    if (self_p == NULL || *self_p == NULL)
        return;
    self = *self_p;
    free(self->profile);
    free(self->source);
    free(self->modified);
    free(self->date);
    free(self->payment_method);
    free(self->payment_status);
    free(self->payment_reference);
    free(self->email);
    free(self->phone);
    free(self->vat_number);
    free(self->coc_number);
    for (i = 0; i < self->nfields; i++) {
        free(self->fields[i].name);
        free(self->fields[i].value);
    }
    free(self->fields);
    address_free(&self->billing);
    address_free(&self->delivery);
    for (i = 0; i < self->nlines; i++) {
        free(self->lines[i].sku);
        free(self->lines[i].description);
    }
    free(self->lines);
    for (i = 0; i < self->ncharges; i++)
        free(self->charges[i].description);
    free(self->charges);
    free(self->vats);
    free(self->credit.original);
    free(self->credit.lines);
    free(self);
    *self_p = NULL;
}

/* order_dup - a deep copy */
order_t *
order_dup(const order_t *src)
{
    order_t *self = xcalloc(1, sizeof *self);
    size_t  i;

    *self = *src;       /* scalars; every pointer is replaced below */
    self->profile = xstrdup(src->profile);
    self->source = xstrdup(src->source);
    self->modified = xstrdup(src->modified);
    self->date = xstrdup(src->date);
    self->payment_method = xstrdup(src->payment_method);
    self->payment_status = xstrdup(src->payment_status);
    self->payment_reference = xstrdup(src->payment_reference);
    self->email = xstrdup(src->email);
    self->phone = xstrdup(src->phone);
    self->vat_number = xstrdup(src->vat_number);
    self->coc_number = xstrdup(src->coc_number);
    address_copy(&self->billing, &src->billing);
    address_copy(&self->delivery, &src->delivery);

    self->fields = xcalloc(src->nfields + 1, sizeof *self->fields);
    for (i = 0; i < src->nfields; i++) {
        self->fields[i].name = xstrdup(src->fields[i].name);
        self->fields[i].value = xstrdup(src->fields[i].value);
    }
    self->lines = xcalloc(src->nlines + 1, sizeof *self->lines);
    for (i = 0; i < src->nlines; i++) {
        self->lines[i] = src->lines[i];
        self->lines[i].sku = xstrdup(src->lines[i].sku);
        self->lines[i].description = xstrdup(src->lines[i].description);
    }
    self->charges = xcalloc(src->ncharges + 1, sizeof *self->charges);
    for (i = 0; i < src->ncharges; i++) {
        self->charges[i] = src->charges[i];
        self->charges[i].description = xstrdup(src->charges[i].description);
    }
    self->vats = xcalloc(src->nvats + 1, sizeof *self->vats);
    if (src->nvats > 0)                   /* an order without VAT has none (NULL) */
        memcpy(self->vats, src->vats, src->nvats * sizeof *self->vats);
    self->credit.original = xstrdup(src->credit.original);
    self->credit.lines = xcalloc(src->credit.nlines + 1, sizeof *self->credit.lines);
    if (src->credit.nlines > 0)           /* a full credit has no lines (NULL) */
        memcpy(self->credit.lines, src->credit.lines,
               src->credit.nlines * sizeof *self->credit.lines);
    return self;
}

/* order_set - replace one owned string field with a copy of value */
void
order_set(char **field, const char *value)
{
    char   *copy = xstrdup(value ? value : "");

    free(*field);
    *field = copy;
}

/* grow - append one zeroed element to an array of n elements of size sz */
static void *
grow(void *array_p, size_t *n, size_t sz)
{
    void  **array = array_p;
    char   *elem;

    *array = xrealloc(*array, (*n + 1) * sz);
    elem = (char *) *array + *n * sz;
    memset(elem, 0, sz);
    (*n)++;
    return elem;
}

/* order_add_line - append an empty line */
order_line_t *
order_add_line(order_t *self)
{
    order_line_t *l = grow(&self->lines, &self->nlines, sizeof *l);

    l->sku = xstrdup("");
    l->description = xstrdup("");
    return l;
}

/* order_add_charge - append an empty charge */
order_charge_t *
order_add_charge(order_t *self)
{
    order_charge_t *c = grow(&self->charges, &self->ncharges, sizeof *c);

    c->description = xstrdup("");
    return c;
}

/* order_add_vat - append an empty VAT figure */
order_vat_t *
order_add_vat(order_t *self)
{
    return grow(&self->vats, &self->nvats, sizeof(order_vat_t));
}

/* order_add_field - append an empty customer field */
order_field_t *
order_add_field(order_t *self)
{
    order_field_t *f = grow(&self->fields, &self->nfields, sizeof *f);

    f->name = xstrdup("");
    f->value = xstrdup("");
    return f;
}

/* order_add_refund_line - append an empty refunded line */
order_refund_line_t *
order_add_refund_line(order_t *self)
{
    return grow(&self->credit.lines, &self->credit.nlines, sizeof(order_refund_line_t));
}

/* order_is_credit - whether the item is a credit note */
bool
order_is_credit(const order_t *self)
{
    return self->credit.seq > 0;
}

/* order_delivery_address - delivery when there is one, else billing */
const order_address_t *
order_delivery_address(const order_t *self)
{
    return self->has_delivery ? &self->delivery : &self->billing;
}

/* order_status_name - "paid", "open", "incomplete", "cancelled" */
const char *
order_status_name(order_status_t status)
{
    if ((unsigned) status >= sizeof status_names / sizeof *status_names)
        return "unknown";
    return status_names[status];
}

/* order_charge_kind_name - "shipping", "payment", "discount" */
const char *
order_charge_kind_name(order_charge_kind_t kind)
{
    if ((unsigned) kind >= sizeof charge_names / sizeof *charge_names)
        return "unknown";
    return charge_names[kind];
}
