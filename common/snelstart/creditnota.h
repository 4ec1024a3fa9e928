/*
 * NAME
 *   creditnota - the credit verkoopboeking of a refunded order
 *
 * DESCRIPTION
 *   A refund of a booked order (WooCommerce's refunds, a Globecharge order
 *   cancelled after it was booked) is booked as a verkoopboeking of its
 *   own with negative amounts: factuurnummer the original's with "-C" and
 *   the credit note's sequence number (10431-C1, 10431-C2), omschrijving
 *   naming the original factuurnummer. A full refund mirrors the original
 *   booking to the cent (every line and charge, the stated VAT as
 *   invoiced); a partial refund books the refunded lines (by quantity) and,
 *   when refunded, the shipping, with their VAT per rate recomputed from
 *   the refunded amounts. The figures then go through boeking_build(), so
 *   every rule of docs/financial.md (grootboeken, OSS, reverse charge,
 *   rounding, currency) holds for the credit note as for the booking.
 *
 * DIAGNOSTICS
 *   NULL with err in plain words, naming the order and what is wrong
 *   (a refunded line that does not exist, more refunded than sold, a
 *   factuurnummer too long for SnelStart) or what boeking_build refused.
 */
#ifndef KOPPEL_CREDITNOTA_H
#define KOPPEL_CREDITNOTA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "boeking.h"
#include "config.h"
#include "order.h"

typedef order_refund_line_t creditnota_line_t;

typedef struct {
    int     seq;                /* 1 for the order's first credit note: -C1 */
    bool    full;               /* everything, as invoiced */
    const creditnota_line_t *lines;  /* partial: the refunded lines */
    size_t  nlines;
    bool    shipping;           /* partial: the shipping refunded in full */
} creditnota_refund_t;

/* creditnota_refund_of - the refund a credit note that travels as an order
 * carries (order.h); it points into the order */
creditnota_refund_t creditnota_refund_of(const order_t *credit_note);

/* creditnota_factuurnummer - "10431-C1": the original's factuurnummer and
 * the sequence; false when SnelStart would refuse it as too long */
bool creditnota_factuurnummer(const order_t *original, const profile_t *p, int seq,
                              char *buf, size_t len);

/* creditnota_order - the refunded part of an order as an order of its own,
 * every amount negated; NULL with err. Caller destroys. */
order_t *creditnota_order(const order_t *original, const creditnota_refund_t *refund,
                          char *err, size_t errlen);

/* creditnota_build - the VerkoopBoekingModel of the credit note on relatie
 * klant_id (NULL in preview); NULL with err */
json_t *creditnota_build(const order_t *original, const creditnota_refund_t *refund,
                         const profile_t *p, const char *klant_id, const boeking_ctx_t *ctx,
                         char *err, size_t errlen);

#endif
