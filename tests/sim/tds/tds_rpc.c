/*
 * NAME
 *   tds_rpc - the RPC requests of TDS (stored procedure calls) for tds-sim
 *
 * DESCRIPTION
 *   See tds_rpc.h. Layouts follow MS-TDS 2.2.6.6 (RPC request), 2.2.5.4
 *   (data types), 2.2.5.5 (TYPE_INFO) and 2.2.5.2.3 (PLP). Every read is
 *   bounds-checked: a short or inconsistent message is an error, not a
 *   guess.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tds_rpc.h"
#include "tds_wire.h"
#include "xalloc.h"

/* data types (MS-TDS 2.2.5.4) */
#define T_NULL          0x1F
#define T_INT1          0x30
#define T_BIT           0x32
#define T_INT2          0x34
#define T_INT4          0x38
#define T_DATETIM4      0x3A
#define T_FLT4          0x3B
#define T_MONEY         0x3C
#define T_DATETIME      0x3D
#define T_FLT8          0x3E
#define T_MONEY4        0x7A
#define T_INT8          0x7F
#define T_GUID          0x24
#define T_INTN          0x26
#define T_DECIMAL       0x37
#define T_NUMERIC       0x3F
#define T_BITN          0x68
#define T_DECIMALN      0x6A
#define T_NUMERICN      0x6C
#define T_FLTN          0x6D
#define T_MONEYN        0x6E
#define T_DATETIMN      0x6F
#define T_DATEN         0x28
#define T_DATETIME2N    0x2A
#define T_CHAR          0x2F
#define T_VARCHAR       0x27
#define T_BINARY        0x2D
#define T_VARBINARY     0x25
#define T_BIGVARBIN     0xA5
#define T_BIGVARCHR     0xA7
#define T_BIGBINARY     0xAD
#define T_BIGCHAR       0xAF
#define T_NVARCHAR      0xE7
#define T_NCHAR         0xEF
#define T_TEXT          0x23
#define T_IMAGE         0x22
#define T_NTEXT         0x63

#define PLP_NULL        0xFFFFFFFFFFFFFFFFull

typedef struct {
    const uint8_t *p;
    size_t  n, at;
    bool    bad;
} rd_t;

/* take - the next k bytes, or NULL (and bad) when the message is short */
static const uint8_t *
take(rd_t *r, size_t k)
{
    const uint8_t *q;

    if (r->bad || k > r->n - r->at) {
        r->bad = true;
        return NULL;
    }
    q = r->p + r->at;
    r->at += k;
    return q;
}

/* le - a little-endian unsigned integer of k bytes (k <= 8) */
static uint64_t
le(rd_t *r, size_t k)
{
    const uint8_t *q = take(r, k);
    uint64_t v = 0;
    size_t  i;

    if (q == NULL)
        return 0;
    for (i = 0; i < k; i++)
        v |= (uint64_t) q[i] << (8 * i);
    return v;
}

/* civil_from_days - the Gregorian date of a day count since 1970-01-01 */
static void
civil_from_days(long z, int *y, int *m, int *d)
{
    long    era, doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (int) (doy - (153 * mp + 2) / 5 + 1);
    *m = (int) (mp < 10 ? mp + 3 : mp - 9);
    *y = (int) (yoe + era * 400 + (*m <= 2));
}

/* set_text - the value as text (new memory) */
static void
set_text(tds_param_t *v, char *text)
{
    v->kind = TDS_V_TEXT;
    v->bytes = text;
    v->len = strlen(text);
}

/* set_datetime - days since 1970 and seconds in the day as ISO text */
static void
set_datetime(tds_param_t *v, long days, double secs, int digits)
{
    int     y, m, d, h, mi;
    char    buf[64];
    double  s;

    civil_from_days(days, &y, &m, &d);
    h = (int) (secs / 3600);
    mi = (int) ((secs - h * 3600) / 60);
    s = secs - h * 3600 - mi * 60;
    if (digits > 0)
        snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%0*.*f", y, m, d, h, mi,
                 digits + 3, digits, s);
    else
        snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", y, m, d, h, mi, (int) s);
    set_text(v, xstrdup(buf));
}

/* set_decimal - sign and magnitude scaled by 10^scale as exact text */
static void
set_decimal(tds_param_t *v, bool neg, unsigned __int128 mag, int scale)
{
    char    digits[64], out[80];
    size_t  n = 0, o = 0, i;

    do {
        digits[n++] = (char) ('0' + (int) (mag % 10));
        mag /= 10;
    } while (mag > 0 && n < sizeof digits - 1);
    while ((int) n <= scale)
        digits[n++] = '0';
    if (neg)
        out[o++] = '-';
    for (i = n; i-- > 0;) {
        out[o++] = digits[i];
        if ((int) i == scale && scale > 0)
            out[o++] = '.';
    }
    out[o] = 0;
    set_text(v, xstrdup(out));
}

/* latin1 - single-byte text as UTF-8 (tds-sim's collation is Latin1) */
static char *
latin1(const uint8_t *p, size_t n)
{
    char   *out = xmalloc(n * 2 + 1);
    size_t  i, o = 0;

    for (i = 0; i < n; i++) {
        if (p[i] < 0x80)
            out[o++] = (char) p[i];
        else {
            out[o++] = (char) (0xC0 | (p[i] >> 6));
            out[o++] = (char) (0x80 | (p[i] & 0x3F));
        }
    }
    out[o] = 0;
    return out;
}

/* set_bytes - string or binary data of the parameter's type */
static void
set_bytes(tds_param_t *v, const uint8_t *p, size_t n)
{
    if (v->unicode)
        set_text(v, tds_ucs2_to_utf8(p, n / 2));
    else if (v->type == T_BIGVARCHR || v->type == T_BIGCHAR || v->type == T_VARCHAR
             || v->type == T_CHAR || v->type == T_TEXT)
        set_text(v, latin1(p, n));
    else {
        v->kind = TDS_V_BLOB;
        v->bytes = xmalloc(n + 1);
        memcpy(v->bytes, p, n);
        v->len = n;
    }
}

/* read_plp - a PLP value (MAX types): total length, chunks, terminator */
static bool
read_plp(rd_t *r, tds_param_t *v)
{
    uint64_t total = le(r, 8);
    tds_buf_t b = { 0 };

    if (r->bad)
        return false;
    if (total == PLP_NULL)
        return true;
    for (;;) {
        uint32_t len = (uint32_t) le(r, 4);
        const uint8_t *q;

        if (r->bad)
            break;
        if (len == 0) {
            set_bytes(v, b.data ? b.data : (const uint8_t *) "", b.len);
            tds_buf_free(&b);
            return true;
        }
        if ((q = take(r, len)) == NULL || b.len + len > TDS_MAX_MESSAGE)
            break;
        tds_buf_bytes(&b, q, len);
    }
    tds_buf_free(&b);
    r->bad = true;
    return false;
}

/* read_number - a value of k bytes of a fixed-length type (base: an
 * INTN, FLTN, ... stands for the fixed type of its length) */
static bool
read_number(rd_t *r, tds_param_t *v, uint8_t base, size_t k, uint8_t scale)
{
    const uint8_t *q = take(r, k);
    uint64_t u = 0;
    size_t  i;

    if (q == NULL)
        return false;
    for (i = 0; i < k && i < 8; i++)
        u |= (uint64_t) q[i] << (8 * i);
    switch (base) {
    case T_INT1:
        v->kind = TDS_V_INT, v->i = (int64_t) u;
        return true;
    case T_BIT:
        v->kind = TDS_V_INT, v->i = u != 0;
        return true;
    case T_INT2:
        v->kind = TDS_V_INT, v->i = (int16_t) u;
        return true;
    case T_INT4:
        v->kind = TDS_V_INT, v->i = (int32_t) u;
        return true;
    case T_INT8:
        v->kind = TDS_V_INT, v->i = (int64_t) u;
        return true;
    case T_FLT4: {
        float   f;
        uint32_t w = (uint32_t) u;

        memcpy(&f, &w, 4);
        v->kind = TDS_V_REAL, v->r = f;
        return true;
    }
    case T_FLT8:
        memcpy(&v->r, &u, 8);
        v->kind = TDS_V_REAL;
        return true;
    case T_MONEY4: {
        int32_t m = (int32_t) u;

        set_decimal(v, m < 0, (unsigned __int128) (m < 0 ? -(int64_t) m : m), 4);
        return true;
    }
    case T_MONEY: {
        int64_t m = (int64_t) ((u >> 32) | (u << 32));   /* high half first */

        set_decimal(v, m < 0, (unsigned __int128) (m < 0 ? -(__int128) m : m), 4);
        return true;
    }
    case T_DATETIM4:
        set_datetime(v, (long) (u & 0xFFFF) - 25567, (double) (u >> 16) * 60, 0);
        return true;
    case T_DATETIME:
        set_datetime(v, (long) (int32_t) (u & 0xFFFFFFFF) - 25567,
                     (double) (uint32_t) (u >> 32) / 300.0, 3);
        return true;
    case T_DECIMALN: {
        unsigned __int128 mag = 0;

        if (k < 2 || k > 17)
            return false;
        for (i = k - 1; i >= 1; i--)
            mag = (mag << 8) | q[i];
        set_decimal(v, q[0] == 0, mag, scale);
        return true;
    }
    case T_GUID: {
        char    buf[40];

        if (k != 16)
            return false;
        snprintf(buf, sizeof buf, "%02X%02X%02X%02X-%02X%02X-%02X%02X-%02X%02X-"
                 "%02X%02X%02X%02X%02X%02X", q[3], q[2], q[1], q[0], q[5], q[4], q[7], q[6],
                 q[8], q[9], q[10], q[11], q[12], q[13], q[14], q[15]);
        set_text(v, xstrdup(buf));
        return true;
    }
    }
    return false;
}

/* nullable_base - the fixed type an INTN, FLTN, ... of k bytes stands for */
static uint8_t
nullable_base(uint8_t type, size_t k)
{
    switch (type) {
    case T_INTN:
        return k == 1 ? T_INT1 : k == 2 ? T_INT2 : k == 4 ? T_INT4 : k == 8 ? T_INT8 : 0;
    case T_BITN:
        return k == 1 ? T_BIT : 0;
    case T_FLTN:
        return k == 4 ? T_FLT4 : k == 8 ? T_FLT8 : 0;
    case T_MONEYN:
        return k == 4 ? T_MONEY4 : k == 8 ? T_MONEY : 0;
    case T_DATETIMN:
        return k == 4 ? T_DATETIM4 : k == 8 ? T_DATETIME : 0;
    case T_DECIMAL: case T_NUMERIC: case T_DECIMALN: case T_NUMERICN:
        return T_DECIMALN;
    case T_GUID:
        return T_GUID;
    }
    return 0;
}

/* read_param - one parameter: name, status, TYPE_INFO, value */
static bool
read_param(rd_t *r, tds_param_t *v, char *err, size_t errlen)
{
    size_t  nl = (size_t) le(r, 1);
    const uint8_t *q = take(r, nl * 2);
    uint8_t type;

    if (q == NULL)
        return false;
    v->name = tds_ucs2_to_utf8(q, nl);
    (void) le(r, 1);                            /* StatusFlags */
    v->type = type = (uint8_t) le(r, 1);
    if (r->bad)
        return false;
    v->kind = TDS_V_NULL;
    switch (type) {
    case T_NULL:
        return true;
    case T_INT1: case T_BIT: case T_INT2: case T_INT4: case T_INT8: case T_FLT4:
    case T_FLT8: case T_MONEY4: case T_MONEY: case T_DATETIM4: case T_DATETIME: {
        size_t  k = type == T_INT1 || type == T_BIT ? 1 : type == T_INT2 ? 2
                  : type == T_INT4 || type == T_FLT4 || type == T_MONEY4
                    || type == T_DATETIM4 ? 4 : 8;

        return read_number(r, v, type, k, 0);
    }
    case T_INTN: case T_BITN: case T_FLTN: case T_MONEYN: case T_DATETIMN: case T_GUID:
    case T_DECIMAL: case T_NUMERIC: case T_DECIMALN: case T_NUMERICN: {
        uint8_t scale = 0;
        size_t  k;

        (void) le(r, 1);                        /* maximal length */
        if (nullable_base(type, 8) == T_DECIMALN) {
            (void) le(r, 1);                    /* precision */
            scale = (uint8_t) le(r, 1);
        }
        k = (size_t) le(r, 1);
        if (r->bad)
            return false;
        if (k == 0)
            return true;
        if (nullable_base(type, k) == 0) {
            snprintf(err, errlen, "parameter %s: a value of %zu bytes does not fit type "
                     "0x%02X", v->name, k, type);
            return false;
        }
        if (!read_number(r, v, nullable_base(type, k), k, scale)) {
            if (!r->bad)
                snprintf(err, errlen, "parameter %s: value does not decode", v->name);
            return false;
        }
        return true;
    }
    case T_DATEN: {
        size_t  k = (size_t) le(r, 1);
        uint64_t days;

        if (k == 0)
            return !r->bad;
        if (k != 3)
            return false;
        days = le(r, 3);
        set_datetime(v, (long) days - 719162, 0, 0);
        v->bytes[10] = 0;                       /* the date alone */
        v->len = 10;
        return !r->bad;
    }
    case T_DATETIME2N: {
        uint8_t scale = (uint8_t) le(r, 1);
        size_t  k = (size_t) le(r, 1), tk = scale <= 2 ? 3 : scale <= 4 ? 4 : 5, i;
        uint64_t ticks, days;
        double  secs;

        if (r->bad || scale > 7)
            return false;
        if (k == 0)
            return true;
        if (k != tk + 3)
            return false;
        ticks = le(r, tk);
        days = le(r, 3);
        for (secs = (double) ticks, i = 0; i < scale; i++)
            secs /= 10;
        set_datetime(v, (long) days - 719162, secs, scale > 3 ? 3 : scale);
        return !r->bad;
    }
    case T_BIGVARBIN: case T_BIGBINARY: case T_BIGVARCHR: case T_BIGCHAR: case T_NVARCHAR:
    case T_NCHAR: {
        uint16_t max = (uint16_t) le(r, 2);
        size_t  k;

        v->unicode = type == T_NVARCHAR || type == T_NCHAR;
        if (type != T_BIGVARBIN && type != T_BIGBINARY)
            (void) take(r, 5);                  /* collation */
        if (r->bad)
            return false;
        if (max == 0xFFFF)
            return read_plp(r, v);
        k = (size_t) le(r, 2);
        if (r->bad)
            return false;
        if (k == 0xFFFF)
            return true;
        if ((q = take(r, k)) == NULL)
            return false;
        set_bytes(v, q, k);
        return true;
    }
    case T_VARCHAR: case T_CHAR: case T_VARBINARY: case T_BINARY: {
        size_t  k;

        (void) le(r, 1);
        k = (size_t) le(r, 1);
        if (r->bad)
            return false;
        if (k == 0)
            return true;                        /* NULL in the old types */
        if ((q = take(r, k)) == NULL)
            return false;
        set_bytes(v, q, k);
        return true;
    }
    case T_TEXT: case T_NTEXT: case T_IMAGE: {
        uint64_t k;

        (void) le(r, 4);
        v->unicode = type == T_NTEXT;
        if (type != T_IMAGE)
            (void) take(r, 5);
        k = le(r, 4);
        if (r->bad)
            return false;
        if (k == 0xFFFFFFFF)
            return true;
        if ((q = take(r, (size_t) k)) == NULL)
            return false;
        set_bytes(v, q, (size_t) k);
        return true;
    }
    }
    snprintf(err, errlen, "parameter %s: tds-sim does not know data type 0x%02X", v->name,
             type);
    return false;
}

/* procid_name - the name of a system procedure called by ProcID */
static const char *
procid_name(uint16_t id)
{
    static const char *names[] = { NULL, "sp_cursor", "sp_cursoropen", "sp_cursorprepare",
        "sp_cursorexecute", "sp_cursorprepexec", "sp_cursorunprepare", "sp_cursorfetch",
        "sp_cursoroption", "sp_cursorclose", "sp_executesql", "sp_prepare", "sp_execute",
        "sp_prepexec", "sp_prepexecrpc", "sp_unprepare" };

    return id < sizeof names / sizeof names[0] && names[id] ? names[id] : "?";
}

/* tds_rpc_parse - every call of the request */
bool
tds_rpc_parse(const uint8_t *p, size_t n, tds_call_t **calls_out, size_t *ncalls,
              char *err, size_t errlen)
{
    rd_t    r = { p, n, 0, false };
    tds_call_t *calls = NULL;
    size_t  nc = 0;
    uint32_t hlen = (uint32_t) le(&r, 4);

    *err = 0;
    if (r.bad || hlen < 4 || hlen > n) {
        snprintf(err, errlen, "ALL_HEADERS does not fit the RPC request");
        return false;
    }
    r.at = hlen;
    while (r.at < r.n) {
        tds_call_t *c;
        uint16_t nl = (uint16_t) le(&r, 2);

        calls = xrealloc(calls, (nc + 1) * sizeof *calls);
        c = &calls[nc++];
        memset(c, 0, sizeof *c);
        if (nl == 0xFFFF) {
            c->procid = (uint16_t) le(&r, 2);
            c->proc = xstrdup(procid_name(c->procid));
        } else {
            const uint8_t *q = take(&r, (size_t) nl * 2);

            if (q == NULL)
                break;
            c->proc = tds_ucs2_to_utf8(q, nl);
        }
        (void) le(&r, 2);                       /* OptionFlags */
        while (!r.bad && r.at < r.n && r.p[r.at] != 0x80 && r.p[r.at] != 0xFF
               && r.p[r.at] != 0xFE) {
            c->params = xrealloc(c->params, (c->nparams + 1) * sizeof *c->params);
            memset(&c->params[c->nparams], 0, sizeof *c->params);
            c->nparams++;
            if (!read_param(&r, &c->params[c->nparams - 1], err, errlen)) {
                r.bad = true;
                break;
            }
        }
        if (r.bad)
            break;
        if (r.at < r.n)
            r.at++;                             /* the batch flag */
    }
    if (r.bad || nc == 0) {
        if (*err == 0)
            snprintf(err, errlen, "the RPC request ends inside a %s",
                     nc == 0 ? "procedure name" : "parameter");
        tds_rpc_free(calls, nc);
        return false;
    }
    *calls_out = calls;
    *ncalls = nc;
    return true;
}

/* tds_rpc_free - every call, parameter and value */
void
tds_rpc_free(tds_call_t *calls, size_t ncalls)
{
    size_t  i, k;

    for (i = 0; i < ncalls; i++) {
        for (k = 0; k < calls[i].nparams; k++) {
            free(calls[i].params[k].name);
            free(calls[i].params[k].bytes);
        }
        free(calls[i].params);
        free(calls[i].proc);
    }
    free(calls);
}

/* tds_rpc_declared - the @names of a declaration list, commas inside
 * parentheses (decimal(10,2)) skipped */
char **
tds_rpc_declared(const char *params, size_t *n)
{
    char  **names = NULL;
    const char *p = params;
    int     depth = 0;
    bool    want = true;

    *n = 0;
    for (; p && *p; p++) {
        if (*p == '(')
            depth++;
        else if (*p == ')' && depth > 0)
            depth--;
        else if (*p == ',' && depth == 0)
            want = true;
        else if (*p == '@' && want) {
            const char *q = p + 1;

            while (isalnum((unsigned char) *q) || *q == '_' || *q == '@' || *q == '#'
                   || *q == '$')
                q++;
            names = xrealloc(names, (*n + 1) * sizeof *names);
            names[(*n)++] = xstrndup(p, (size_t) (q - p));
            want = false;
            p = q - 1;
        }
    }
    return names;
}
