/*
 * NAME
 *   money - exact decimal amounts as fixed-point integers
 *
 * DESCRIPTION
 *   Parses decimal strings such as "12.34", "-0.65", "41.5000" into int64
 *   fixed-point values (cents when decimals is 2), formats them back, and
 *   computes round(a * b / c) exactly. No float ever holds money.
 */
#ifndef KOPPEL_MONEY_H
#define KOPPEL_MONEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* money_parse_fixed - "12.34" with decimals 4 -> 123400. Strict: optional
 * '-', one or more digits, optionally '.' and one to `decimals` digits; no
 * spaces, commas, '+', exponents or overflow. false when invalid (out is
 * then untouched). decimals is 0..18. */
bool money_parse_fixed(const char *s, int decimals, int64_t *out);

/* money_parse_cents - money_parse_fixed with decimals 2 */
bool money_parse_cents(const char *s, int64_t *out);

/* money_format_cents - cents -> "-0.65", "460.00"; returns buf (32 bytes
 * hold any int64) */
const char *money_format_cents(int64_t cents, char *buf, size_t len);

/* money_format_cents_nl - cents as a Dutch reader writes them: a decimal
 * comma and points between thousands, "-1.234,56", "0,29"; returns buf (40
 * bytes hold any int64) */
const char *money_format_cents_nl(int64_t cents, char *buf, size_t len);

/* money_format_fixed - fixed-point -> shortest decimal string:
 * (15000, 4) -> "1.5", (2100, 2) -> "21", (-50, 2) -> "-0.5"; returns buf */
const char *money_format_fixed(int64_t value, int decimals, char *buf, size_t len);

/* money_muldiv_round - round(a * b / c), halves away from zero, computed
 * exactly in 128-bit arithmetic. c must not be 0. A result beyond the int64
 * range saturates at INT64_MIN or INT64_MAX. */
int64_t money_muldiv_round(int64_t a, int64_t b, int64_t c);

/* money_fee_cents - a payment provider's fee on an amount: fixed_cents plus
 * percent_e4 (the percentage x 10000: 1.8 % is 18000) of amount_cents,
 * rounded half away from zero to the cent. The one place where a
 * percentage fee is rounded. */
int64_t money_fee_cents(int64_t amount_cents, int64_t fixed_cents, int64_t percent_e4);

#endif
