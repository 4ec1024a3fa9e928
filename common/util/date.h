/*
 * NAME
 *   date - strict ISO 8601 date and time checks
 *
 * DESCRIPTION
 *   The one place that decides whether a text is a date and time, and
 *   which instant it names. Only the complete extended form is read:
 *   "YYYY-MM-DDTHH:MM:SS", the year 1970 or later, a day that exists in
 *   its month (29 February only in a leap year), hours 0..23, minutes
 *   0..59, seconds 0..60 (a leap second). No spaces, no partial dates, no
 *   guessing of a missing zone.
 */
#ifndef KOPPEL_DATE_H
#define KOPPEL_DATE_H

#include <stdbool.h>
#include <time.h>

/* date_days_in_month - days of month mo (1..12) of year y; 0 for another mo */
int date_days_in_month(int y, int mo);

/* date_parse_utc - "YYYY-MM-DDTHH:MM:SS", nothing after it, read as UTC
 * (WooCommerce's *_gmt fields) -> instant; false when not that form */
bool date_parse_utc(const char *s, time_t *epoch);

/* date_parse_zoned - "YYYY-MM-DDTHH:MM:SS[.fff](Z|+HH:MM|-HH:MM)" -> the
 * instant and the offset from UTC in seconds; false when not that form (a
 * time without zone names no instant) */
bool date_parse_zoned(const char *s, time_t *epoch, int *offset);

#endif
