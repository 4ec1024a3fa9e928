/*
 * NAME
 *   ssim_odata - the OData $filter subset the SnelStart simulator accepts
 *
 * DESCRIPTION
 *   See ssim_odata.h. A recursive-descent parser builds a small tree;
 *   evaluation walks it against a jansson object.
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "xalloc.h"
#include "ssim_odata.h"

#define SSIM_MAX_PATH 4

typedef enum { N_AND, N_OR, N_CMP } node_kind_t;
typedef enum { OP_EQ, OP_NE, OP_GT, OP_GE, OP_LT, OP_LE } cmp_op_t;
typedef enum { L_STRING, L_INT, L_REAL, L_BOOL, L_NULL, L_DATETIME } lit_kind_t;

struct ssim_filter {
    node_kind_t kind;
    struct ssim_filter *left, *right;           /* N_AND, N_OR */
    char   *path[SSIM_MAX_PATH];                 /* N_CMP */
    int     npath;
    cmp_op_t op;
    lit_kind_t lit;
    char   *s;
    long long i;                                 /* int, bool, datetime (us) */
    double  d;
};

typedef struct {
    const char *p;
    const json_t *template;
    char   *err;
    size_t  errlen;
    bool    failed;
} parser_t;

static ssim_filter_t *parse_expr(parser_t *ps, int depth);

/* parse_fail - record the first error */
static void __attribute__((format(printf, 2, 3)))
parse_fail(parser_t *ps, const char *fmt, ...)
{
    va_list ap;

    if (ps->failed)
        return;
    ps->failed = true;
    va_start(ap, fmt);
    vsnprintf(ps->err, ps->errlen, fmt, ap);
    va_end(ap);
}

/* skip_ws - skip spaces */
static void
skip_ws(parser_t *ps)
{
    while (*ps->p == ' ' || *ps->p == '\t')
        ps->p++;
}

/* word_len - length of the identifier at p (letters, digits, _) */
static size_t
word_len(const char *p)
{
    size_t  n = 0;

    while (isalnum((unsigned char) p[n]) || p[n] == '_')
        n++;
    return n;
}

/* accept_word - consume keyword kw when it stands alone at the cursor */
static bool
accept_word(parser_t *ps, const char *kw)
{
    size_t  n = strlen(kw);

    skip_ws(ps);
    if (strncasecmp(ps->p, kw, n) == 0 && word_len(ps->p) == n) {
        ps->p += n;
        return true;
    }
    return false;
}

/* ssim_datetime_parse - "YYYY-MM-DDTHH:MM:SS[.f...][Z|+HH:MM|-HH:MM]" to UTC microseconds */
bool
ssim_datetime_parse(const char *s, long long *us)
{
    struct tm tm;
    int     y, mo, d, h = 0, mi = 0, sec = 0, n = 0;
    long long frac = 0;
    int     digits = 0, oh, om;
    long    offset = 0;
    time_t  t;

    if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10)
        return false;
    s += n;
    if (*s == 'T' || *s == ' ') {
        if (sscanf(s + 1, "%2d:%2d:%2d%n", &h, &mi, &sec, &n) != 3 || n != 8)
            return false;
        s += 1 + n;
        if (*s == '.') {
            for (s++; isdigit((unsigned char) *s); s++, digits++)
                if (digits < 6)
                    frac = frac * 10 + (*s - '0');
            while (digits < 6) {
                frac *= 10;
                digits++;
            }
        }
        if (*s == 'Z') {
            s++;
        } else if ((*s == '+' || *s == '-') && sscanf(s + 1, "%2d:%2d%n", &oh, &om, &n) == 2
                   && n == 5 && oh <= 23 && om <= 59) {
            offset = (*s == '-' ? -1 : 1) * (oh * 3600 + om * 60);
            s += 1 + n;
        }
    }
    if (*s != 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
        return false;
    memset(&tm, 0, sizeof tm);
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    t = timegm(&tm);
    *us = ((long long) t - offset) * 1000000 + frac;
    return true;
}

/* template_child - the template below key (case-insensitive); NULL if unknown */
static const json_t *
template_child(const json_t *tmpl, const char *key, const char **real)
{
    const char *k;
    json_t *v;

    json_object_foreach((json_t *) tmpl, k, v) {
        if (strcasecmp(k, key) == 0) {
            *real = k;
            return v;
        }
    }
    return NULL;
}

/* parse_string_lit - a quoted literal at p (after the opening quote) */
static char *
parse_string_lit(parser_t *ps)
{
    size_t  cap = strlen(ps->p) + 1, n = 0;
    char   *out = xmalloc(cap);

    for (;;) {
        if (*ps->p == 0) {
            free(out);
            parse_fail(ps, "unterminated string literal in $filter");
            return NULL;
        }
        if (*ps->p == '\'') {
            if (ps->p[1] == '\'') {
                out[n++] = '\'';
                ps->p += 2;
                continue;
            }
            ps->p++;
            break;
        }
        out[n++] = *ps->p++;
    }
    out[n] = 0;
    return out;
}

/* parse_literal - fill the literal part of a comparison node */
static bool
parse_literal(parser_t *ps, ssim_filter_t *n)
{
    skip_ws(ps);
    if (*ps->p == '\'') {
        ps->p++;
        n->lit = L_STRING;
        n->s = parse_string_lit(ps);
        return n->s != NULL;
    }
    if (strncasecmp(ps->p, "datetime'", 9) == 0) {
        char   *s;

        ps->p += 9;
        if ((s = parse_string_lit(ps)) == NULL)
            return false;
        n->lit = L_DATETIME;
        if (!ssim_datetime_parse(s, &n->i)) {
            parse_fail(ps, "invalid datetime literal '%s' in $filter", s);
            free(s);
            return false;
        }
        free(s);
        return true;
    }
    if (accept_word(ps, "true") || accept_word(ps, "false")) {
        n->lit = L_BOOL;
        n->i = tolower((unsigned char) ps->p[-1]) == 'e' && tolower((unsigned char) ps->p[-2]) == 'u';
        return true;
    }
    if (accept_word(ps, "null")) {
        n->lit = L_NULL;
        return true;
    }
    if (*ps->p == '-' || isdigit((unsigned char) *ps->p)) {
        char   *end;
        const char *q = ps->p + (*ps->p == '-');

        while (isdigit((unsigned char) *q))
            q++;
        if (*q == '.' || *q == 'e' || *q == 'E') {
            n->lit = L_REAL;
            n->d = strtod(ps->p, &end);
        } else {
            n->lit = L_INT;
            n->i = strtoll(ps->p, &end, 10);
        }
        if (end == ps->p) {
            parse_fail(ps, "invalid number in $filter");
            return false;
        }
        ps->p = end;
        if (*ps->p == 'm' || *ps->p == 'M' || *ps->p == 'L')     /* 12.5m, 5L */
            ps->p++;
        return true;
    }
    parse_fail(ps, "expected a literal at '%.20s' in $filter", ps->p);
    return false;
}

/* parse_comparison - path op literal */
static ssim_filter_t *
parse_comparison(parser_t *ps)
{
    static const char *ops[] = { "eq", "ne", "gt", "ge", "lt", "le" };
    ssim_filter_t *n = xcalloc(1, sizeof *n);
    const json_t *tmpl = ps->template;
    size_t  len;
    int     i;

    n->kind = N_CMP;
    for (;;) {
        char   *name;
        const char *real = NULL;

        skip_ws(ps);
        len = word_len(ps->p);
        if (len == 0 || isdigit((unsigned char) *ps->p)) {
            parse_fail(ps, "expected a property name at '%.20s' in $filter", ps->p);
            goto fail;
        }
        name = xstrndup(ps->p, len);
        ps->p += len;
        if (*ps->p == '(') {
            parse_fail(ps, "function '%s' is not supported in $filter", name);
            free(name);
            goto fail;
        }
        if (tmpl == NULL || !json_is_object(tmpl)
            || (tmpl = template_child(tmpl, name, &real)) == NULL) {
            parse_fail(ps, "Could not find a property named '%s' in $filter", name);
            free(name);
            goto fail;
        }
        free(name);
        if (n->npath == SSIM_MAX_PATH) {
            parse_fail(ps, "property path too long in $filter");
            goto fail;
        }
        n->path[n->npath++] = xstrdup(real);
        if (*ps->p != '/')
            break;
        ps->p++;
    }
    for (i = 0; i < 6; i++)
        if (accept_word(ps, ops[i]))
            break;
    if (i == 6) {
        skip_ws(ps);
        parse_fail(ps, "expected eq, ne, gt, ge, lt or le at '%.20s' in $filter", ps->p);
        goto fail;
    }
    n->op = (cmp_op_t) i;
    if (!parse_literal(ps, n))
        goto fail;
    return n;

fail:
    ssim_odata_destroy(&n);
    return NULL;
}

/* parse_factor - parenthesised expression or comparison */
static ssim_filter_t *
parse_factor(parser_t *ps, int depth)
{
    ssim_filter_t *n;

    skip_ws(ps);
    if (accept_word(ps, "not")) {
        parse_fail(ps, "'not' is not supported in $filter");
        return NULL;
    }
    if (*ps->p == '(') {
        ps->p++;
        if ((n = parse_expr(ps, depth + 1)) == NULL)
            return NULL;
        skip_ws(ps);
        if (*ps->p != ')') {
            parse_fail(ps, "missing ')' in $filter");
            ssim_odata_destroy(&n);
            return NULL;
        }
        ps->p++;
        return n;
    }
    return parse_comparison(ps);
}

/* parse_binary - left-associative chain of kw-joined operands */
static ssim_filter_t *
parse_binary(parser_t *ps, int depth, bool is_or)
{
    ssim_filter_t *left, *right, *n;

    left = is_or ? parse_binary(ps, depth, false) : parse_factor(ps, depth);
    if (left == NULL)
        return NULL;
    while (accept_word(ps, is_or ? "or" : "and")) {
        right = is_or ? parse_binary(ps, depth, false) : parse_factor(ps, depth);
        if (right == NULL) {
            ssim_odata_destroy(&left);
            return NULL;
        }
        n = xcalloc(1, sizeof *n);
        n->kind = is_or ? N_OR : N_AND;
        n->left = left;
        n->right = right;
        left = n;
    }
    return left;
}

/* parse_expr - or-expression, depth-limited */
static ssim_filter_t *
parse_expr(parser_t *ps, int depth)
{
    if (depth > 32) {
        parse_fail(ps, "$filter nested too deeply");
        return NULL;
    }
    return parse_binary(ps, depth, true);
}

/* ssim_odata_parse - compile a $filter text */
ssim_filter_t *
ssim_odata_parse(const char *text, const json_t *template, char *err, size_t errlen)
{
    parser_t ps = { text, template, err, errlen, false };
    ssim_filter_t *f;

    if ((f = parse_expr(&ps, 0)) == NULL) {
        parse_fail(&ps, "invalid $filter");
        return NULL;
    }
    skip_ws(&ps);
    if (*ps.p != 0) {
        parse_fail(&ps, "unexpected text '%.20s' in $filter", ps.p);
        ssim_odata_destroy(&f);
        return NULL;
    }
    return f;
}

/* ssim_odata_string_cmp - one eq comparison with a string literal? */
bool
ssim_odata_string_cmp(const ssim_filter_t *f, const char **path, const char **value)
{
    if (f == NULL || f->kind != N_CMP || f->op != OP_EQ || f->lit != L_STRING || f->npath < 1)
        return false;
    *path = f->path[0];
    *value = f->s;
    return true;
}

/* cmp_result - apply op to a three-way comparison */
static bool
cmp_result(cmp_op_t op, int c)
{
    switch (op) {
    case OP_EQ: return c == 0;
    case OP_NE: return c != 0;
    case OP_GT: return c > 0;
    case OP_GE: return c >= 0;
    case OP_LT: return c < 0;
    case OP_LE: return c <= 0;
    }
    return false;
}

/* match_cmp - evaluate one comparison */
static bool
match_cmp(const ssim_filter_t *n, const json_t *obj)
{
    const json_t *v = obj;
    int     i, c;

    for (i = 0; i < n->npath && v != NULL; i++)
        v = json_is_object(v) ? json_object_get(v, n->path[i]) : NULL;
    if (v == NULL || json_is_null(v))
        return n->lit == L_NULL ? n->op == OP_EQ : n->op == OP_NE;
    switch (n->lit) {
    case L_NULL:
        return n->op == OP_NE;
    case L_STRING:
        if (!json_is_string(v))
            return false;
        c = strcasecmp(json_string_value(v), n->s);
        return cmp_result(n->op, c);
    case L_DATETIME: {
        long long t;

        if (!json_is_string(v) || !ssim_datetime_parse(json_string_value(v), &t))
            return false;
        return cmp_result(n->op, (t > n->i) - (t < n->i));
    }
    case L_BOOL:
        if (!json_is_boolean(v))
            return false;
        return cmp_result(n->op, json_is_true(v) - (int) n->i);
    case L_INT:
    case L_REAL: {
        double  a, b = n->lit == L_INT ? (double) n->i : n->d;

        if (!json_is_number(v))
            return false;
        a = json_number_value(v);
        return cmp_result(n->op, (a > b) - (a < b));
    }
    }
    return false;
}

/* ssim_odata_match - whether an object satisfies the filter */
bool
ssim_odata_match(const ssim_filter_t *f, const json_t *obj)
{
    if (f == NULL)
        return true;
    switch (f->kind) {
    case N_AND:
        return ssim_odata_match(f->left, obj) && ssim_odata_match(f->right, obj);
    case N_OR:
        return ssim_odata_match(f->left, obj) || ssim_odata_match(f->right, obj);
    case N_CMP:
        return match_cmp(f, obj);
    }
    return false;
}

/* ssim_odata_destroy - free a filter tree */
void
ssim_odata_destroy(ssim_filter_t **f_p)
{
    ssim_filter_t *f = *f_p;
    int     i;

    if (f == NULL)
        return;
    ssim_odata_destroy(&f->left);
    ssim_odata_destroy(&f->right);
    for (i = 0; i < f->npath; i++)
        free(f->path[i]);
    free(f->s);
    free(f);
    *f_p = NULL;
}
