/*
 * NAME
 *   vatnumber - whether a VAT number can be a customer's in its country
 *
 * DESCRIPTION
 *   One row per EU member state in vat_rules: the prefix, the country's
 *   name for messages, and the rule for the part after the prefix. The
 *   rules are the published ones (the European Commission's VIES "VAT
 *   number validation" algorithms, as the member states define them):
 *
 *   AT  U + 8 digits, Luhn-like weights 1,2 with +4, mod 10
 *   BE  10 digits (an old 9-digit number gets a leading 0), first 0 or 1,
 *       97 - (first 8 mod 97) = last 2
 *   BG  9 digits, weights 1..8 (then 3..10) mod 11; 10 digits: format only
 *   CY  8 digits + a check letter (odd positions through a table)
 *   CZ  8, 9 or 10 digits: form only (the 9/10-digit numbers are birth
 *       numbers and IDs with rules of their own)
 *   DE  9 digits, ISO 7064 MOD 11,10
 *   DK  8 digits, weights 2,7,6,5,4,3,2,1, sum mod 11 = 0
 *   EE  9 digits, weights 3,7,1,..., check (10 - sum mod 10) mod 10
 *   EL  9 digits, weights 256..2, (sum mod 11) mod 10
 *   ES  letter or digit, 7 digits, letter or digit: DNI/NIE (mod 23 letter),
 *       companies A-H J U V (digit) and N P Q R S W K L M (letter)
 *   FI  8 digits, weights 7,9,10,5,8,4,2, 11 - mod 11
 *   FR  2 key characters + 9-digit SIREN (Luhn, unless it starts 000); a
 *       numeric key is (12 + 3 x (SIREN mod 97)) mod 97; a letter key: form only
 *   HR  11 digits, ISO 7064 MOD 11,10
 *   HU  8 digits, weights 9,7,3,1,9,7,3, (10 - sum mod 10) mod 10
 *   IE  7 digits + check letter (+ A-I or W); old form digit, letter or
 *       + or *, 5 digits, letter; mod 23
 *   IT  11 digits, Luhn; office code (digits 8-10) 001-100, 120, 121, 888, 999
 *   LT  9 or 12 digits: form (8th resp. 11th digit 1), mod 11 with two weight rows
 *   LU  8 digits, first 6 mod 89 = last 2
 *   LV  11 digits: form only (legal persons start above 3)
 *   MT  8 digits, weights 3,4,6,7,8,9,10,1, sum mod 37 = 0
 *   NL  9 digits + B + 2 digits; mod 97 of "NL" + number with letters as
 *       numbers (A=10 .. Z=35) is 1 (since 2020), or the 11-test of the
 *       first 9 digits (before 2020)
 *   PL  10 digits, weights 6,5,7,2,3,4,5,6,7 mod 11
 *   PT  9 digits, weights 9..2, 11 - mod 11 (10, 11 -> 0)
 *   RO  2 to 10 digits, weights 7,5,3,2,1,7,5,3,2 right-aligned, x10 mod 11 mod 10
 *   SE  12 digits ending in 01..94, Luhn over the first 10
 *   SI  8 digits, first not 0, weights 8..2, 11 - mod 11 (10 -> 0, 11 invalid)
 *   SK  10 digits, third digit 2,3,4,7,8,9, the number mod 11 = 0
 *
 *   A number whose check digits this table cannot compute (CZ, LV, FR with
 *   a letter key, BG with 10 digits) passes on its form alone.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "eu.h"
#include "vatnumber.h"

typedef vatnumber_result_t (*rule_fn)(const char *n, size_t len);

typedef struct {
    const char *prefix;          /* the VAT prefix: EL for Greece */
    const char *name;            /* the country, in messages */
    rule_fn     rule;            /* the part after the prefix */
} vat_rule_t;

/* digits - whether n[0..len) are all digits */
static bool
digits(const char *n, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!isdigit((unsigned char) n[i]))
            return false;
    return true;
}

/* dg - the value of digit i */
static int
dg(const char *n, size_t i)
{
    return n[i] - '0';
}

/* weighted - sum of the first count digits times weights */
static int
weighted(const char *n, const int *w, size_t count)
{
    int     s = 0;

    for (size_t i = 0; i < count; i++)
        s += dg(n, i) * w[i];
    return s;
}

/* luhn_ok - the Luhn check over n[0..len), last digit the check digit */
static bool
luhn_ok(const char *n, size_t len)
{
    int     s = 0;

    for (size_t i = 0; i < len; i++) {
        int     d = dg(n, len - 1 - i);

        if (i % 2 == 1) {
            d *= 2;
            if (d > 9)
                d -= 9;
        }
        s += d;
    }
    return s % 10 == 0;
}

/* mod_11_10 - ISO 7064 MOD 11,10 over n[0..len), last digit the check digit */
static bool
mod_11_10(const char *n, size_t len)
{
    int     p = 10;

    for (size_t i = 0; i + 1 < len; i++) {
        int     s = (dg(n, i) + p) % 10;

        if (s == 0)
            s = 10;
        p = (2 * s) % 11;
    }
    return (11 - p) % 10 == dg(n, len - 1);
}

/* result - VALID when ok, else BAD_CHECK */
static vatnumber_result_t
result(bool ok)
{
    return ok ? VATNUMBER_VALID : VATNUMBER_BAD_CHECK;
}

/* rule_at - U + 8 digits */
static vatnumber_result_t
rule_at(const char *n, size_t len)
{
    int     s = 0;

    if (len != 9 || n[0] != 'U' || !digits(n + 1, 8))
        return VATNUMBER_BAD_FORM;
    for (size_t i = 0; i < 7; i++) {
        int     d = dg(n + 1, i);

        if (i % 2 == 1) {
            d *= 2;
            d = d / 10 + d % 10;
        }
        s += d;
    }
    return result((10 - (s + 4) % 10) % 10 == dg(n + 1, 7));
}

/* rule_be - 10 digits, 97 - mod 97 */
static vatnumber_result_t
rule_be(const char *n, size_t len)
{
    long    head = 0;

    if (len != 10 || !digits(n, len) || (n[0] != '0' && n[0] != '1'))
        return VATNUMBER_BAD_FORM;
    for (size_t i = 0; i < 8; i++)
        head = head * 10 + dg(n, i);
    return result(97 - head % 97 == dg(n, 8) * 10 + dg(n, 9));
}

/* rule_bg - 9 digits with a check digit, or 10 digits (form) */
static vatnumber_result_t
rule_bg(const char *n, size_t len)
{
    static const int w1[] = { 1, 2, 3, 4, 5, 6, 7, 8 }, w2[] = { 3, 4, 5, 6, 7, 8, 9, 10 };
    int     r;

    if ((len != 9 && len != 10) || !digits(n, len))
        return VATNUMBER_BAD_FORM;
    if (len == 10)
        return VATNUMBER_VALID;
    r = weighted(n, w1, 8) % 11;
    if (r == 10)
        r = weighted(n, w2, 8) % 11 % 10;
    return result(r == dg(n, 8));
}

/* rule_cy - 8 digits and a check letter */
static vatnumber_result_t
rule_cy(const char *n, size_t len)
{
    static const int odd[] = { 1, 0, 5, 7, 9, 13, 15, 17, 19, 21 };
    int     s = 0;

    if (len != 9 || !digits(n, 8) || !isupper((unsigned char) n[8])
        || strchr("013459", n[0]) == NULL || strncmp(n, "12", 2) == 0)
        return VATNUMBER_BAD_FORM;
    for (size_t i = 0; i < 8; i++)
        s += i % 2 == 0 ? odd[dg(n, i)] : dg(n, i);
    return result('A' + s % 26 == n[8]);
}

/* rule_cz - 8, 9 or 10 digits */
static vatnumber_result_t
rule_cz(const char *n, size_t len)
{
    return len >= 8 && len <= 10 && digits(n, len) ? VATNUMBER_VALID : VATNUMBER_BAD_FORM;
}

/* rule_de - 9 digits, MOD 11,10 */
static vatnumber_result_t
rule_de(const char *n, size_t len)
{
    if (len != 9 || !digits(n, len) || n[0] == '0')
        return VATNUMBER_BAD_FORM;
    return result(mod_11_10(n, len));
}

/* rule_dk - 8 digits, weighted mod 11 */
static vatnumber_result_t
rule_dk(const char *n, size_t len)
{
    static const int w[] = { 2, 7, 6, 5, 4, 3, 2, 1 };

    if (len != 8 || !digits(n, len) || n[0] == '0')
        return VATNUMBER_BAD_FORM;
    return result(weighted(n, w, 8) % 11 == 0);
}

/* rule_ee - 9 digits, weights 3,7,1 */
static vatnumber_result_t
rule_ee(const char *n, size_t len)
{
    static const int w[] = { 3, 7, 1, 3, 7, 1, 3, 7 };

    if (len != 9 || !digits(n, len) || strncmp(n, "10", 2) != 0)
        return VATNUMBER_BAD_FORM;
    return result((10 - weighted(n, w, 8) % 10) % 10 == dg(n, 8));
}

/* rule_el - 9 digits, powers of 2 */
static vatnumber_result_t
rule_el(const char *n, size_t len)
{
    static const int w[] = { 256, 128, 64, 32, 16, 8, 4, 2 };

    if (len != 9 || !digits(n, len))
        return VATNUMBER_BAD_FORM;
    return result(weighted(n, w, 8) % 11 % 10 == dg(n, 8));
}

/* es_company - the check digit of a Spanish company number (digits 1..7) */
static int
es_company(const char *n)
{
    int     s = 0;

    for (size_t i = 1; i <= 7; i++) {
        int     d = dg(n, i);

        if (i % 2 == 1) {
            d *= 2;
            d = d / 10 + d % 10;
        }
        s += d;
    }
    return (10 - s % 10) % 10;
}

/* rule_es - DNI, NIE or company number */
static vatnumber_result_t
rule_es(const char *n, size_t len)
{
    static const char dni[] = "TRWAGMYFPDXBNJZSQVHLCKE";
    char    last;
    long    v = 0;

    if (len != 9 || !digits(n + 1, 7) || !isalnum((unsigned char) n[0])
        || !isalnum((unsigned char) n[8]))
        return VATNUMBER_BAD_FORM;
    last = n[8];
    if (isdigit((unsigned char) n[0]) || strchr("XYZ", n[0]) != NULL) {
        /* a person: DNI (8 digits), NIE (X, Y, Z for 0, 1, 2) */
        if (!isupper((unsigned char) last))
            return VATNUMBER_BAD_FORM;
        v = isdigit((unsigned char) n[0]) ? dg(n, 0) : n[0] - 'X';
        for (size_t i = 1; i < 8; i++)
            v = v * 10 + dg(n, i);
        return result(dni[v % 23] == last);
    }
    if (strchr("ABCDEFGHJUV", n[0]) != NULL) {
        if (!isdigit((unsigned char) last))
            return VATNUMBER_BAD_FORM;
        return result(es_company(n) == dg(n, 8));
    }
    if (strchr("KLMNPQRSW", n[0]) != NULL) {
        if (!isupper((unsigned char) last))
            return VATNUMBER_BAD_FORM;
        return result("JABCDEFGHI"[es_company(n)] == last);
    }
    return VATNUMBER_BAD_FORM;
}

/* rule_fi - 8 digits */
static vatnumber_result_t
rule_fi(const char *n, size_t len)
{
    static const int w[] = { 7, 9, 10, 5, 8, 4, 2 };
    int     r;

    if (len != 8 || !digits(n, len))
        return VATNUMBER_BAD_FORM;
    r = weighted(n, w, 7) % 11;
    if (r == 1)
        return VATNUMBER_BAD_CHECK;
    return result((r == 0 ? 0 : 11 - r) == dg(n, 7));
}

/* rule_fr - key and SIREN */
static vatnumber_result_t
rule_fr(const char *n, size_t len)
{
    long    siren = 0;

    if (len != 11 || !digits(n + 2, 9) || !isalnum((unsigned char) n[0])
        || !isalnum((unsigned char) n[1]) || n[0] == 'O' || n[0] == 'I'
        || n[1] == 'O' || n[1] == 'I')
        return VATNUMBER_BAD_FORM;
    if (!digits(n, 2))
        return VATNUMBER_VALID;
    /* the SIREN carries a Luhn digit of its own (but La Poste's 000...) */
    if (strncmp(n + 2, "000", 3) != 0 && !luhn_ok(n + 2, 9))
        return VATNUMBER_BAD_CHECK;
    for (size_t i = 2; i < 11; i++)
        siren = siren * 10 + dg(n, i);
    return result((12 + 3 * (siren % 97)) % 97 == dg(n, 0) * 10 + dg(n, 1));
}

/* rule_hr - 11 digits, MOD 11,10 */
static vatnumber_result_t
rule_hr(const char *n, size_t len)
{
    if (len != 11 || !digits(n, len))
        return VATNUMBER_BAD_FORM;
    return result(mod_11_10(n, len));
}

/* rule_hu - 8 digits */
static vatnumber_result_t
rule_hu(const char *n, size_t len)
{
    static const int w[] = { 9, 7, 3, 1, 9, 7, 3 };

    if (len != 8 || !digits(n, len))
        return VATNUMBER_BAD_FORM;
    return result((10 - weighted(n, w, 7) % 10) % 10 == dg(n, 7));
}

/* rule_ie - 7 digits and a check letter, old or new form */
static vatnumber_result_t
rule_ie(const char *n, size_t len)
{
    static const int w[] = { 8, 7, 6, 5, 4, 3, 2 };
    char    d[9];
    int     s;

    if (len == 8 && isdigit((unsigned char) n[0]) && (isupper((unsigned char) n[1])
        || n[1] == '+' || n[1] == '*') && digits(n + 2, 5) && isupper((unsigned char) n[7])) {
        /* old form 1X23456Y: the same number as 0234561Y */
        d[0] = '0';
        memcpy(d + 1, n + 2, 5);
        d[6] = n[0];
        d[7] = n[7];
        d[8] = '\0';
        n = d;
        len = 8;
    }
    if ((len != 8 && len != 9) || !digits(n, 7) || !isupper((unsigned char) n[7])
        || (len == 9 && n[8] != 'W' && (n[8] < 'A' || n[8] > 'I')))
        return VATNUMBER_BAD_FORM;
    s = weighted(n, w, 7);
    if (len == 9 && n[8] != 'W')
        s += (n[8] - 'A' + 1) * 9;
    s %= 23;
    return result((s == 0 ? 'W' : 'A' + s - 1) == n[7]);
}

/* rule_it - 11 digits, Luhn, office code */
static vatnumber_result_t
rule_it(const char *n, size_t len)
{
    int     office;

    if (len != 11 || !digits(n, len) || strncmp(n, "0000000", 7) == 0)
        return VATNUMBER_BAD_FORM;
    office = dg(n, 7) * 100 + dg(n, 8) * 10 + dg(n, 9);
    if (!(office >= 1 && office <= 100) && office != 120 && office != 121 && office != 888
        && office != 999)
        return VATNUMBER_BAD_FORM;
    return result(luhn_ok(n, len));
}

/* rule_lt - 9 or 12 digits, mod 11 with a second weight row */
static vatnumber_result_t
rule_lt(const char *n, size_t len)
{
    int     s = 0, r;

    if ((len != 9 && len != 12) || !digits(n, len) || n[len - 2] != '1')
        return VATNUMBER_BAD_FORM;
    for (size_t i = 0; i + 1 < len; i++)
        s += dg(n, i) * (int) (1 + i % 9);
    r = s % 11;
    if (r == 10) {
        s = 0;
        for (size_t i = 0; i + 1 < len; i++)
            s += dg(n, i) * (int) (1 + (i + 2) % 9);
        r = s % 11 % 10;
    }
    return result(r == dg(n, len - 1));
}

/* rule_lu - 8 digits, mod 89 */
static vatnumber_result_t
rule_lu(const char *n, size_t len)
{
    long    head = 0;

    if (len != 8 || !digits(n, len))
        return VATNUMBER_BAD_FORM;
    for (size_t i = 0; i < 6; i++)
        head = head * 10 + dg(n, i);
    return result(head % 89 == dg(n, 6) * 10 + dg(n, 7));
}

/* rule_lv - 11 digits */
static vatnumber_result_t
rule_lv(const char *n, size_t len)
{
    return len == 11 && digits(n, len) ? VATNUMBER_VALID : VATNUMBER_BAD_FORM;
}

/* rule_mt - 8 digits, mod 37 */
static vatnumber_result_t
rule_mt(const char *n, size_t len)
{
    static const int w[] = { 3, 4, 6, 7, 8, 9 };

    if (len != 8 || !digits(n, len) || n[0] == '0')
        return VATNUMBER_BAD_FORM;
    return result((weighted(n, w, 6) + dg(n, 6) * 10 + dg(n, 7)) % 37 == 0);
}

/* nl_mod97 - the mod 97 of "NL" + number, letters as 10..35 */
static int
nl_mod97(const char *n)
{
    char    all[32];
    int     r = 0;

    snprintf(all, sizeof all, "NL%s", n);
    for (const char *c = all; *c; c++) {
        if (isdigit((unsigned char) *c))
            r = (r * 10 + (*c - '0')) % 97;
        else
            r = (r * 100 + (*c - 'A' + 10)) % 97;
    }
    return r;
}

/* rule_nl - 9 digits B 2 digits: mod 97, or the 11-test of the old numbers */
static vatnumber_result_t
rule_nl(const char *n, size_t len)
{
    static const int w[] = { 9, 8, 7, 6, 5, 4, 3, 2 };
    int     r;

    if (len != 12 || !digits(n, 9) || n[9] != 'B' || !digits(n + 10, 2)
        || strncmp(n + 10, "00", 2) == 0)
        return VATNUMBER_BAD_FORM;
    if (nl_mod97(n) == 1)
        return VATNUMBER_VALID;
    r = weighted(n, w, 8) % 11;
    return result(r != 10 && r == dg(n, 8));
}

/* rule_pl - 10 digits */
static vatnumber_result_t
rule_pl(const char *n, size_t len)
{
    static const int w[] = { 6, 5, 7, 2, 3, 4, 5, 6, 7 };
    int     r;

    if (len != 10 || !digits(n, len))
        return VATNUMBER_BAD_FORM;
    r = weighted(n, w, 9) % 11;
    return result(r != 10 && r == dg(n, 9));
}

/* rule_pt - 9 digits */
static vatnumber_result_t
rule_pt(const char *n, size_t len)
{
    static const int w[] = { 9, 8, 7, 6, 5, 4, 3, 2 };
    int     r;

    if (len != 9 || !digits(n, len) || n[0] == '0')
        return VATNUMBER_BAD_FORM;
    r = 11 - weighted(n, w, 8) % 11;
    return result((r >= 10 ? 0 : r) == dg(n, 8));
}

/* rule_ro - 2 to 10 digits */
static vatnumber_result_t
rule_ro(const char *n, size_t len)
{
    static const int w[] = { 7, 5, 3, 2, 1, 7, 5, 3, 2 };
    int     s = 0;

    if (len < 2 || len > 10 || !digits(n, len) || n[0] == '0')
        return VATNUMBER_BAD_FORM;
    for (size_t i = 0; i + 1 < len; i++)
        s += dg(n, i) * w[9 - (len - 1) + i];
    return result(s * 10 % 11 % 10 == dg(n, len - 1));
}

/* rule_se - 12 digits ending 01..94 */
static vatnumber_result_t
rule_se(const char *n, size_t len)
{
    int     tail;

    if (len != 12 || !digits(n, len))
        return VATNUMBER_BAD_FORM;
    tail = dg(n, 10) * 10 + dg(n, 11);
    if (tail < 1 || tail > 94)
        return VATNUMBER_BAD_FORM;
    return result(luhn_ok(n, 10));
}

/* rule_si - 8 digits */
static vatnumber_result_t
rule_si(const char *n, size_t len)
{
    static const int w[] = { 8, 7, 6, 5, 4, 3, 2 };
    int     r;

    if (len != 8 || !digits(n, len) || n[0] == '0')
        return VATNUMBER_BAD_FORM;
    r = 11 - weighted(n, w, 7) % 11;
    if (r == 11)
        return VATNUMBER_BAD_CHECK;
    return result((r == 10 ? 0 : r) == dg(n, 7));
}

/* rule_sk - 10 digits divisible by 11 */
static vatnumber_result_t
rule_sk(const char *n, size_t len)
{
    long long v = 0;

    if (len != 10 || !digits(n, len) || n[0] == '0' || strchr("234789", n[2]) == NULL)
        return VATNUMBER_BAD_FORM;
    for (size_t i = 0; i < len; i++)
        v = v * 10 + dg(n, i);
    return result(v % 11 == 0);
}

static const vat_rule_t vat_rules[] = {
    { "AT", "Oostenrijk", rule_at },    { "BE", "België", rule_be },
    { "BG", "Bulgarije", rule_bg },     { "CY", "Cyprus", rule_cy },
    { "CZ", "Tsjechië", rule_cz },      { "DE", "Duitsland", rule_de },
    { "DK", "Denemarken", rule_dk },    { "EE", "Estland", rule_ee },
    { "EL", "Griekenland", rule_el },   { "ES", "Spanje", rule_es },
    { "FI", "Finland", rule_fi },       { "FR", "Frankrijk", rule_fr },
    { "HR", "Kroatië", rule_hr },       { "HU", "Hongarije", rule_hu },
    { "IE", "Ierland", rule_ie },       { "IT", "Italië", rule_it },
    { "LT", "Litouwen", rule_lt },      { "LU", "Luxemburg", rule_lu },
    { "LV", "Letland", rule_lv },       { "MT", "Malta", rule_mt },
    { "NL", "Nederland", rule_nl },     { "PL", "Polen", rule_pl },
    { "PT", "Portugal", rule_pt },      { "RO", "Roemenië", rule_ro },
    { "SE", "Zweden", rule_se },        { "SI", "Slovenië", rule_si },
    { "SK", "Slowakije", rule_sk },
};

/* rule_of - the row of a VAT prefix, or NULL */
static const vat_rule_t *
rule_of(const char *prefix)
{
    for (size_t i = 0; i < sizeof vat_rules / sizeof vat_rules[0]; i++)
        if (strncmp(vat_rules[i].prefix, prefix, 2) == 0)
            return &vat_rules[i];
    return NULL;
}

/* vatnumber_normalise - without separators, upper case, with a prefix */
bool
vatnumber_normalise(const char *typed, const char *country, char buf[VATNUMBER_MAX])
{
    char    clean[VATNUMBER_MAX];
    size_t  n = 0;
    const char *prefix;

    buf[0] = '\0';
    for (const char *s = typed ? typed : ""; *s; s++) {
        if (isspace((unsigned char) *s) || *s == '.' || *s == '-')
            continue;
        if (n + 1 >= sizeof clean)
            return false;
        clean[n++] = (char) toupper((unsigned char) *s);
    }
    clean[n] = '\0';
    if (n == 0 || (isalpha((unsigned char) clean[0]) && isalpha((unsigned char) clean[1]))) {
        memcpy(buf, clean, n + 1);
        return true;
    }
    prefix = eu_vat_prefix(country ? country : "");
    if (strlen(prefix) != 2) {          /* no country to take a prefix from */
        memcpy(buf, clean, n + 1);
        return true;
    }
    if (n + 3 > VATNUMBER_MAX)
        return false;
    buf[0] = (char) toupper((unsigned char) prefix[0]);
    buf[1] = (char) toupper((unsigned char) prefix[1]);
    memcpy(buf + 2, clean, n + 1);
    return true;
}

/* vatnumber_check - prefix of the billing country, form and check digits */
vatnumber_result_t
vatnumber_check(const char *typed, const char *country, char normal[VATNUMBER_MAX],
                char *why, size_t whylen)
{
    char    num[VATNUMBER_MAX], own[3] = "";
    const char *prefix = eu_vat_prefix(country ? country : "");
    const vat_rule_t *rule;
    vatnumber_result_t r;

    if (normal != NULL)
        normal[0] = '\0';
    if (why != NULL && whylen > 0)
        why[0] = '\0';
    if (!vatnumber_normalise(typed, country, num)) {
        snprintf(why, whylen, "het btw-nummer \"%.40s\" is langer dan welk btw-nummer ook",
                 typed);
        return VATNUMBER_BAD_FORM;
    }
    if (normal != NULL)
        memcpy(normal, num, strlen(num) + 1);
    if (num[0] == '\0') {
        snprintf(why, whylen, "de klant gaf geen btw-nummer op");
        return VATNUMBER_NONE;
    }
    if (prefix != NULL && strlen(prefix) == 2) {
        own[0] = (char) toupper((unsigned char) prefix[0]);
        own[1] = (char) toupper((unsigned char) prefix[1]);
    }
    if (!eu_member(country) || (rule = rule_of(own)) == NULL) {
        snprintf(why, whylen, "het land van het factuuradres, %s, ligt niet in de EU: btw-nummer "
                 "%s kan daar geen EU-btw-nummer zijn", country && *country ? country : "(geen)",
                 num);
        return VATNUMBER_NO_RULE;
    }
    if (strncmp(num, own, 2) != 0) {
        snprintf(why, whylen, "btw-nummer %s begint niet met %s, het voorvoegsel van het land "
                 "van het factuuradres, %s (%s)", num, own, rule->name, country);
        return VATNUMBER_OTHER_COUNTRY;
    }
    r = rule->rule(num + 2, strlen(num + 2));
    if (r == VATNUMBER_BAD_FORM)
        snprintf(why, whylen, "btw-nummer %s heeft niet de vorm van een btw-nummer uit %s",
                 num, rule->name);
    else if (r == VATNUMBER_BAD_CHECK)
        snprintf(why, whylen, "btw-nummer %s kan niet bestaan: de controlecijfers kloppen niet "
                 "voor een btw-nummer uit %s (een tikfout?)", num, rule->name);
    return r;
}
