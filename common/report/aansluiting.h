/*
 * NAME
 *   aansluiting - the reconciliation of a shop's orders with SnelStart's
 *   verkoopfacturen over a period
 *
 * DESCRIPTION
 *   aansluiting_new() takes what was read (the caller reads it: the shop's
 *   orders of the period, SnelStart's verkoopfacturen of the period, the
 *   open dead letters) and lists every difference:
 *     ontbreekt        an order koppel books (paid or open) has no
 *                      verkoopfactuur
 *     dode letter      such an order is in the dead-letter queue, still open
 *     dubbel           an order has more than one verkoopfactuur
 *     bedrag anders    the factuurbedrag is not the order's total (in euro)
 *     btw anders       the booking's VAT is not the order's VAT
 *     zonder order     a verkoopfactuur of the period has no order of the period
 *     niet te boeken   an order that is not completed or is cancelled was
 *                      booked (a cancelled one without its credit note)
 *     creditnota       a credit note (FACTUURNUMMER-C1) whose order is not
 *                      among the period's orders, or whose amount is not
 *                      negative; a cancelled order whose credit notes
 *                      together do not cancel its verkoopfactuur
 *     onleesbaar       the shop gave an order koppel cannot read
 *   A credit note of an order counts for that order, not as a double.
 *   Amounts are cents; nothing is rounded here.
 *
 * DIAGNOSTICS
 *   aansluiting_export_xlsx() names the file and libxlsxwriter's error.
 */
#ifndef KOPPEL_AANSLUITING_H
#define KOPPEL_AANSLUITING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "order.h"

typedef struct {                 /* an order of the shop */
    int64_t number;
    char    factuurnummer[64];   /* the factuurnummer koppel books it under */
    order_status_t status;
    bool    readable;            /* false: error says why */
    char    error[256];
    int64_t total_cents;         /* incl. VAT, in euro */
    int64_t vat_cents;           /* in euro */
    int     vat_tolerance;       /* cents the VAT may differ (converted currency) */
} aansluiting_order_t;

typedef struct {                 /* a verkoopfactuur in SnelStart */
    char    factuurnummer[64];
    char    datum[11];           /* YYYY-MM-DD */
    int64_t bedrag_cents;
    int64_t btw_cents;           /* the booking's VAT; -1 when not read */
} aansluiting_factuur_t;

typedef struct {                 /* an open dead letter */
    int64_t number;
    char    reason[512];
} aansluiting_dead_t;

typedef struct {                 /* one difference */
    const char *soort;           /* "ontbreekt", "dubbel", ... */
    int64_t order;               /* 0 when none */
    char    factuurnummer[64];   /* "" when none */
    int64_t shop_cents;          /* INT64_MIN when none */
    int64_t snelstart_cents;     /* INT64_MIN when none */
    char    toelichting[1024];
} aansluiting_row_t;

typedef struct aansluiting aansluiting_t;

/* aansluiting_new - compare; the inputs are not kept */
aansluiting_t *aansluiting_new(const char *profile, const char *van, const char *tot,
                               const aansluiting_order_t *orders, size_t norders,
                               const aansluiting_factuur_t *facturen, size_t nfacturen,
                               const aansluiting_dead_t *dead, size_t ndead);

/* aansluiting_destroy - free and null the caller's pointer */
void aansluiting_destroy(aansluiting_t **self_p);

/* aansluiting_rows - the differences, by order number; *n set */
const aansluiting_row_t *aansluiting_rows(const aansluiting_t *self, size_t *n);

/* aansluiting_print - the readable Dutch table, with the period's totals
 * and a last line that says whether the period is clean */
void aansluiting_print(const aansluiting_t *self, FILE *fp);

/* aansluiting_export_xlsx - the same as one sheet "Aansluiting"; false with err */
bool aansluiting_export_xlsx(const aansluiting_t *self, const char *path, char *err,
                             size_t errlen);

#endif
