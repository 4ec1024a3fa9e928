/*
 * NAME
 *   factuurnummer - the factuurnummer of an order's verkoopboeking
 *
 * DESCRIPTION
 *   See factuurnummer.h.
 *
 * DIAGNOSTICS
 *   factuurnummer_format returns false for a factuurnummer SnelStart would
 *   refuse; the caller names the setting to shorten.
 */
#include <inttypes.h>
#include <stdio.h>

#include "factuurnummer.h"

/* factuurnummer_format - prefix + number, at most FACTUURNUMMER_MAX characters */
bool
factuurnummer_format(const char *prefix, int64_t number, char *buf, size_t len)
{
    int     n = snprintf(buf, len, "%s%" PRId64, prefix ? prefix : "", number);

    return n >= 0 && (size_t) n < len && n <= FACTUURNUMMER_MAX;
}
