/*
 * NAME
 *   factuurnummer - the factuurnummer of an order's verkoopboeking
 *
 * DESCRIPTION
 *   The one home of SnelStart's length rule: a factuurnummer is the
 *   profile's factuurnummer_prefix followed by the shop's order number, and
 *   SnelStart accepts at most FACTUURNUMMER_MAX characters (maxLength 25 in
 *   the B2B API's VerkoopboekingModel). The configuration allows a prefix of
 *   FACTUURNUMMER_PREFIX_MAX characters, which leaves room for an order
 *   number of 13 digits.
 */
#ifndef KOPPEL_FACTUURNUMMER_H
#define KOPPEL_FACTUURNUMMER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FACTUURNUMMER_MAX        25
#define FACTUURNUMMER_PREFIX_MAX 12

/* factuurnummer_format - prefix (NULL: none) + number into buf; false when the
 * result is longer than FACTUURNUMMER_MAX or does not fit in buf */
bool factuurnummer_format(const char *prefix, int64_t number, char *buf, size_t len);

#endif
