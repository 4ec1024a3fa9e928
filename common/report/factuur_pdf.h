/*
 * NAME
 *   factuur_pdf - an order's invoice as a PDF document
 *
 * DESCRIPTION
 *   factuur_pdf_render() writes the invoice of one order with libharu
 *   (A4, Helvetica): the seller from the profile (profiles.NAME.factuur:
 *   naam, adres, btw_nummer, kvk_nummer), factuurnummer, factuurdatum and
 *   order number, the customer's billing address and VAT number, every
 *   line and charge (description, quantity, unit price, VAT rate, amount
 *   as the order states it), the VAT per rate (base and VAT) and the
 *   totals excl. VAT, VAT and incl. VAT, in the order's currency, with a
 *   decimal comma (1.234,56). Text is written in WinAnsi (CP1252): a
 *   character it lacks is printed as '?'. More lines than fit go on to a
 *   next page.
 *
 * DIAGNOSTICS
 *   NULL with err naming the order and libharu's error number.
 */
#ifndef KOPPEL_FACTUUR_PDF_H
#define KOPPEL_FACTUUR_PDF_H

#include <stddef.h>

#include "config.h"
#include "order.h"

/* factuur_pdf_render - the PDF bytes (new memory, *len set) of order o's
 * invoice numbered factuurnummer, dated factuurdatum ("YYYY-MM-DD"); NULL
 * with err */
unsigned char *factuur_pdf_render(const order_t *o, const profile_t *p,
                                  const char *factuurnummer, const char *factuurdatum,
                                  size_t *len, char *err, size_t errlen);

#endif
