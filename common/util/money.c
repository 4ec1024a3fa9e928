/*
 * NAME
 *   money - exact decimal amounts as fixed-point integers
 *
 * DESCRIPTION
 *   See money.h. Parsing accepts exactly one notation (the one the shop
 *   feeds use: '-'? digits ('.' digits)?), so that an amount a shop writes
 *   in another way ("12,50", "1e3", " 5") is reported, not guessed at.
 *
 * DIAGNOSTICS
 *   The parsers return false on any deviation; callers name the field.
 */
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "money.h"

#define MONEY_MAX_DECIMALS 18

/* money_parse_fixed - a strict decimal string -> value * 10^decimals */
bool
money_parse_fixed(const char *s, int decimals, int64_t *out)
{
    const char *p = s;
    bool    negative = false;
    uint64_t magnitude = 0;
    int     ndigits = 0;
    int     nfrac = 0;
    int     i;

    if (s == NULL || out == NULL || decimals < 0 || decimals > MONEY_MAX_DECIMALS)
        return false;
    if (*p == '-') {
        negative = true;
        p++;
    }
    for (; *p >= '0' && *p <= '9'; p++, ndigits++) {
        if (magnitude > (UINT64_MAX - 9) / 10)
            return false;
        magnitude = magnitude * 10 + (uint64_t) (*p - '0');
    }
    if (ndigits == 0)
        return false;
    if (*p == '.') {
        p++;
        for (; *p >= '0' && *p <= '9'; p++, nfrac++) {
            if (nfrac >= decimals)
                return false;
            if (magnitude > (UINT64_MAX - 9) / 10)
                return false;
            magnitude = magnitude * 10 + (uint64_t) (*p - '0');
        }
        if (nfrac == 0)
            return false;
    }
    if (*p != '\0')
        return false;
    for (i = nfrac; i < decimals; i++) {
        if (magnitude > UINT64_MAX / 10)
            return false;
        magnitude *= 10;
    }
    if (negative) {
        if (magnitude > (uint64_t) INT64_MAX + 1)
            return false;
        *out = magnitude == (uint64_t) INT64_MAX + 1 ? INT64_MIN : -(int64_t) magnitude;
    } else {
        if (magnitude > (uint64_t) INT64_MAX)
            return false;
        *out = (int64_t) magnitude;
    }
    return true;
}

/* money_parse_cents - a strict decimal string with at most 2 decimals -> cents */
bool
money_parse_cents(const char *s, int64_t *out)
{
    return money_parse_fixed(s, 2, out);
}

/* format_digits - write value / 10^decimals with all decimals, or trimmed */
static void
format_digits(int64_t value, int decimals, bool trim, char *buf, size_t len)
{
    uint64_t magnitude;
    uint64_t scale = 1;
    char    frac[sizeof "18446744073709551615"];  /* any uint64_t: gcc cannot see that
                                                   * magnitude % scale has <= decimals digits */
    int     i;

    if (buf == NULL || len == 0)
        return;
    if (decimals < 0 || decimals > MONEY_MAX_DECIMALS)
        log_panic("money: %d decimals is outside 0..%d", decimals, MONEY_MAX_DECIMALS);
    magnitude = value < 0 ? (uint64_t) 0 - (uint64_t) value : (uint64_t) value;
    for (i = 0; i < decimals; i++)
        scale *= 10;
    snprintf(frac, sizeof frac, "%0*llu", decimals,
             (unsigned long long) (decimals ? magnitude % scale : 0));
    if (decimals == 0)
        frac[0] = '\0';
    if (trim) {
        i = (int) strlen(frac);
        while (i > 0 && frac[i - 1] == '0')
            frac[--i] = '\0';
    }
    snprintf(buf, len, "%s%llu%s%s", value < 0 ? "-" : "",
             (unsigned long long) (magnitude / scale), frac[0] ? "." : "", frac);
}

/* money_format_cents - cents -> "-0.65" */
const char *
money_format_cents(int64_t cents, char *buf, size_t len)
{
    format_digits(cents, 2, false, buf, len);
    return buf;
}

/* money_format_fixed - fixed-point -> shortest decimal string */
const char *
money_format_fixed(int64_t value, int decimals, char *buf, size_t len)
{
    format_digits(value, decimals, true, buf, len);
    return buf;
}

/* money_muldiv_round - round(a * b / c) half away from zero, exactly */
int64_t
money_muldiv_round(int64_t a, int64_t b, int64_t c)
{
    __int128 p = (__int128) a * b;
    __int128 q, r, absr, absc;

    if (c == 0)
        log_panic("money_muldiv_round: division by zero");
    q = p / c;                  /* truncates toward zero */
    r = p % c;
    absr = r < 0 ? -r : r;
    absc = c < 0 ? -(__int128) c : (__int128) c;
    if (2 * absr >= absc)
        q += ((p < 0) != (c < 0)) ? -1 : 1;
    if (q > INT64_MAX)
        return INT64_MAX;
    if (q < INT64_MIN)
        return INT64_MIN;
    return (int64_t) q;
}

/* money_fee_cents - a payment provider's fee: fixed + percentage of the amount */
int64_t
money_fee_cents(int64_t amount_cents, int64_t fixed_cents, int64_t percent_e4)
{
    return fixed_cents + money_muldiv_round(amount_cents, percent_e4, 1000000);
}

/* money_format_cents_nl - cents as a Dutch amount: "-1.234,56" */
const char *
money_format_cents_nl(int64_t cents, char *buf, size_t len)
{
    char    plain[32];
    const char *digits, *dot;
    size_t  int_len, i, o = 0;

    money_format_cents(cents, plain, sizeof plain);
    digits = plain[0] == '-' ? plain + 1 : plain;
    dot = strchr(plain, '.');
    int_len = (size_t) (dot - digits);
    if (plain[0] == '-' && o + 1 < len)
        buf[o++] = '-';
    for (i = 0; i < int_len && o + 2 < len; i++) {
        if (i > 0 && (int_len - i) % 3 == 0)
            buf[o++] = '.';
        buf[o++] = digits[i];
    }
    snprintf(buf + o, len - o, ",%s", dot + 1);
    return buf;
}
