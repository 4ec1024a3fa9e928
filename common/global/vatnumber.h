/*
 * NAME
 *   vatnumber - whether a VAT number can be a customer's in its country
 *
 * DESCRIPTION
 *   The one home of the published format and check-digit rules of EU VAT
 *   numbers, one table row per member state (vatnumber.c). A supply at 0 %
 *   to a business elsewhere in the EU (btw verlegd, intra-community) is
 *   only booked for a number that passes: its two-letter prefix is the
 *   billing country's (EL for Greece; a number typed without prefix gets
 *   the billing country's), and the rest has that country's length, form
 *   and check digits.
 *
 *   This says a number is well formed, not that it is registered. A
 *   registry lookup (VIES) is a second step a caller may add behind
 *   vatnumber_verify_fn (see boeking.h, boeking_ctx_t.vat_verify): it is
 *   asked only for numbers vatnumber_check() accepted.
 *
 * DIAGNOSTICS
 *   vatnumber_check() writes why a number is refused in a bookkeeper's
 *   Dutch words, naming the number and the country.
 */
#ifndef KOPPEL_VATNUMBER_H
#define KOPPEL_VATNUMBER_H

#include <stdbool.h>
#include <stddef.h>

#define VATNUMBER_MAX 32        /* the longest normalised number, with prefix, plus NUL */

typedef enum {
    VATNUMBER_VALID = 0,        /* prefix, form and check digits right */
    VATNUMBER_NONE,             /* no number given */
    VATNUMBER_OTHER_COUNTRY,    /* the prefix is not the billing country's */
    VATNUMBER_NO_RULE,          /* the country is not an EU member: no EU VAT number */
    VATNUMBER_BAD_FORM,         /* wrong length or characters for the country */
    VATNUMBER_BAD_CHECK         /* the check digits do not match */
} vatnumber_result_t;

/* vatnumber_normalise - a typed number without spaces, dots and dashes, in
 * upper case, with the country's prefix added when it has none; false
 * (buf "") when it does not fit VATNUMBER_MAX */
bool vatnumber_normalise(const char *typed, const char *country, char buf[VATNUMBER_MAX]);

/* vatnumber_check - whether typed can be the VAT number of a customer billed
 * in country (ISO 3166-1 alpha-2); the normalised number in normal (may be
 * NULL); anything but VATNUMBER_VALID with why in plain words */
vatnumber_result_t vatnumber_check(const char *typed, const char *country,
                                   char normal[VATNUMBER_MAX], char *why, size_t whylen);

/* vatnumber_verify_fn - the hook for a registry lookup (VIES) after the
 * format check: true when the registry confirms the number; false with why.
 * Not set today: the format and check digits are the whole check. */
typedef bool (*vatnumber_verify_fn)(void *arg, const char *normal, char *why, size_t whylen);

#endif
