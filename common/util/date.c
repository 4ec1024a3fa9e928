/*
 * NAME
 *   date - strict ISO 8601 date and time checks
 *
 * DESCRIPTION
 *   See date.h. Both parsers read the date and time with the same
 *   function (read_datetime) and check the calendar the same way.
 *
 * DIAGNOSTICS
 *   The parsers return false on any deviation; callers name the field
 *   and show the text.
 */
#include <ctype.h>
#include <string.h>

#include "date.h"

typedef struct {
    int     y, mo, d, h, mi, se;
} fields_t;

/* digits - exactly n decimal digits at *p */
static bool
digits(const char **p, int n, int *v)
{
    *v = 0;
    while (n-- > 0) {
        if (!isdigit((unsigned char) **p))
            return false;
        *v = *v * 10 + (**p - '0');
        (*p)++;
    }
    return true;
}

/* date_days_in_month - days of a month, February by the Gregorian rule */
int
date_days_in_month(int y, int mo)
{
    static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

    if (mo < 1 || mo > 12)
        return 0;
    if (mo == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return mdays[mo - 1];
}

/* read_datetime - "YYYY-MM-DDTHH:MM:SS" at *p, each field in range */
static bool
read_datetime(const char **p, fields_t *f)
{
    if (!digits(p, 4, &f->y) || *(*p)++ != '-' || !digits(p, 2, &f->mo) || *(*p)++ != '-'
        || !digits(p, 2, &f->d) || *(*p)++ != 'T' || !digits(p, 2, &f->h) || *(*p)++ != ':'
        || !digits(p, 2, &f->mi) || *(*p)++ != ':' || !digits(p, 2, &f->se))
        return false;
    return f->y >= 1970 && f->h <= 23 && f->mi <= 59 && f->se <= 60
        && f->d >= 1 && f->d <= date_days_in_month(f->y, f->mo);
}

/* to_epoch - the instant of the fields read as UTC */
static bool
to_epoch(const fields_t *f, time_t *epoch)
{
    struct tm tm;
    time_t  t;

    memset(&tm, 0, sizeof tm);
    tm.tm_year = f->y - 1900;
    tm.tm_mon = f->mo - 1;
    tm.tm_mday = f->d;
    tm.tm_hour = f->h;
    tm.tm_min = f->mi;
    tm.tm_sec = f->se;
    t = timegm(&tm);
    if (t == (time_t) -1)
        return false;
    *epoch = t;
    return true;
}

/* date_parse_utc - "YYYY-MM-DDTHH:MM:SS" as UTC */
bool
date_parse_utc(const char *s, time_t *epoch)
{
    const char *p = s;
    fields_t f;

    if (s == NULL || !read_datetime(&p, &f) || *p != '\0')
        return false;
    return to_epoch(&f, epoch);
}

/* date_parse_zoned - "YYYY-MM-DDTHH:MM:SS[.fff](Z|+HH:MM|-HH:MM)" */
bool
date_parse_zoned(const char *s, time_t *epoch, int *offset)
{
    const char *p = s;
    fields_t f;
    int     oh, om, sign, off;
    time_t  t;

    if (s == NULL || !read_datetime(&p, &f))
        return false;
    if (*p == '.') {
        p++;
        if (!isdigit((unsigned char) *p))
            return false;
        while (isdigit((unsigned char) *p))
            p++;
    }
    if (*p == 'Z') {
        p++;
        off = 0;
    } else if (*p == '+' || *p == '-') {
        sign = *p++ == '-' ? -1 : 1;
        if (!digits(&p, 2, &oh) || *p++ != ':' || !digits(&p, 2, &om) || oh > 23 || om > 59)
            return false;
        off = sign * (oh * 3600 + om * 60);
    } else {
        return false;                   /* no offset: the instant is unknown */
    }
    if (*p != '\0' || !to_epoch(&f, &t))
        return false;
    *offset = off;
    *epoch = t - off;
    return true;
}
