/*
 * NAME
 *   order - koppel's normalised webshop order
 *
 * DESCRIPTION
 *   Every shop source (Globecharge, WooCommerce) turns what it reads into one
 *   order_t. The order travels between the daemons as a msgpack map
 *   (order_pack / order_unpack) and is what the matcher recognises and the
 *   booker books.
 *
 *   Money is integer: amounts in cents, unit prices and quantities in
 *   1/10000, VAT rates in 1/100 percent (21 % is 2100, 5.5 % is 550),
 *   exchange rates in 1/1000000. No float ever holds money.
 *
 *   Strings are owned by the order, NUL-terminated UTF-8, never NULL: an
 *   absent value is "".
 *
 *   A credit note travels as the order it refunds, as booked, with credit
 *   saying which credit note it is and what it refunds (credit.seq > 0);
 *   for the order itself credit.seq is 0.
 */
#ifndef KOPPEL_ORDER_H
#define KOPPEL_ORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <msgpack.h>

typedef enum {
    ORDER_PAID = 0,       /* paid in real time */
    ORDER_OPEN,           /* payable later: invoice, transfer, COD */
    ORDER_INCOMPLETE,     /* not completed; never booked */
    ORDER_CANCELLED       /* cancelled after completion; skipped */
} order_status_t;

typedef struct {
    char *company;
    char *first_name;
    char *last_name;
    char *street;
    char *house_number;
    char *house_number_addition;
    char *postcode;
    char *city;
    char *region;
    char *country;          /* ISO 3166-1 alpha-2, upper case */
} order_address_t;

typedef struct {
    char   *sku;
    char   *description;
    int64_t quantity_e4;     /* 1.5 is 15000 */
    int64_t unit_price_e4;   /* 41.5000 is 415000 */
    int32_t vat_rate_e2;     /* 21 % is 2100 */
    int64_t total_cents;     /* incl. or excl. VAT per prices_include_vat */
    int64_t shop_id;         /* the shop's id of the line (WooCommerce's line item
                                id), 0 when none; as read, not carried by the codec */
} order_line_t;

typedef enum {
    CHARGE_SHIPPING = 0,     /* verzendkosten */
    CHARGE_PAYMENT,          /* betalingskosten */
    CHARGE_DISCOUNT          /* korting; amount is negative */
} order_charge_kind_t;

typedef struct {
    order_charge_kind_t kind;
    char   *description;
    int32_t vat_rate_e2;
    int64_t amount_cents;    /* incl. or excl. VAT per prices_include_vat */
} order_charge_t;

typedef struct {             /* the invoice's stated VAT per rate */
    int32_t rate_e2;
    int64_t base_cents;      /* excluding VAT */
    int64_t amount_cents;    /* the VAT */
} order_vat_t;

typedef struct {             /* a shop owner's own customer field */
    char *name;              /* as typed: any case, spaces possible */
    char *value;
} order_field_t;

typedef struct {             /* a refunded line of a credit note */
    size_t  line;            /* index into the order's lines */
    int64_t quantity_e4;     /* refunded, 0 < quantity <= the line's */
} order_refund_line_t;

typedef struct {             /* what a credit note of the order refunds */
    int32_t seq;             /* 0: the item is the order itself; n: its n-th credit
                                note, factuurnummer ORIGINAL-Cn */
    char   *original;        /* the factuurnummer the order was booked as; the
                                fetcher fills it in when it sends the credit note */
    bool    full;            /* everything as invoiced */
    bool    shipping;        /* partial: the shipping refunded in full */
    order_refund_line_t *lines;   /* partial: the refunded lines */
    size_t  nlines;
} order_credit_t;

typedef struct order {
    /* where it comes from */
    char   *profile;         /* koppel profile name; set by the fetcher */
    char   *source;          /* "globecharge", "woocommerce" */
    int64_t number;          /* the shop's order number */
    order_status_t status;
    char   *modified;        /* as sent, UTC */

    char   *date;            /* ISO 8601 with offset, as sent */
    time_t  date_epoch;      /* the same instant */
    char    currency[4];     /* ISO 4217 */
    int64_t eur_per_unit_e6; /* 0 when absent; 1000000 for EUR */
    bool    prices_include_vat;

    char   *payment_method;
    char   *payment_status;
    char   *payment_reference;

    /* the customer */
    char   *email;
    char   *phone;
    char   *vat_number;      /* as typed: prefix, spaces, dots possible */
    char   *coc_number;      /* KvK-nummer */
    order_field_t *fields;
    size_t  nfields;

    order_address_t billing;
    bool    has_delivery;    /* false: delivery equals billing */
    order_address_t delivery;

    /* what was sold */
    order_line_t   *lines;
    size_t          nlines;
    order_charge_t *charges;
    size_t          ncharges;
    order_vat_t    *vats;
    size_t          nvats;

    int64_t total_excl_cents;
    int64_t total_vat_cents;
    int64_t total_incl_cents;

    /* a credit note: the order as booked, and what of it is refunded */
    order_credit_t credit;
} order_t;

/* order_new - an empty order: every string "", every count 0 */
order_t *order_new(void);

/* order_destroy - free an order and null the caller's pointer */
void order_destroy(order_t **self_p);

/* order_dup - a deep copy */
order_t *order_dup(const order_t *self);

/* order_set - replace one owned string field (e.g. &o->email) with a copy of value */
void order_set(char **field, const char *value);

/* order_add_line, order_add_charge, order_add_vat, order_add_field - append
 * one zeroed element (strings "") and return it */
order_line_t   *order_add_line(order_t *self);
order_charge_t *order_add_charge(order_t *self);
order_vat_t    *order_add_vat(order_t *self);
order_field_t  *order_add_field(order_t *self);

/* order_add_refund_line - append one zeroed refunded line to the credit note */
order_refund_line_t *order_add_refund_line(order_t *self);

/* order_is_credit - whether the item is a credit note of the order */
bool order_is_credit(const order_t *self);

/* order_delivery_address - delivery when there is one, else billing */
const order_address_t *order_delivery_address(const order_t *self);

/* order_status_name, order_charge_kind_name - the words used in messages */
const char *order_status_name(order_status_t status);
const char *order_charge_kind_name(order_charge_kind_t kind);

/* order_pack - write the order as one msgpack map */
void order_pack(const order_t *self, msgpack_packer *pk);

/* order_unpack - read an order from a msgpack map. Strict: a missing key,
 * a wrong type, an over-long string or array is an error. Returns NULL and
 * writes what is wrong (naming the field) to err. */
order_t *order_unpack(const msgpack_object *obj, char *err, size_t errlen);

#endif
