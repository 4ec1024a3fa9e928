/*
 * NAME
 *   ssim_odata - the OData $filter subset the SnelStart simulator accepts
 *
 * DESCRIPTION
 *   Grammar (keywords and property names case-insensitive):
 *     expr    := term { "or" term }
 *     term    := factor { "and" factor }
 *     factor  := "(" expr ")" | path op literal
 *     path    := name { "/" name }          e.g. VestigingsAdres/Postcode
 *     op      := eq | ne | gt | ge | lt | le
 *     literal := 'text' (quote doubled inside) | integer | decimal
 *              | true | false | null | datetime'YYYY-MM-DDTHH:MM:SS[.fff]'
 *   Strings compare case-insensitively (SQL Server's default collation);
 *   % and _ are ordinary characters. A path is checked against a template
 *   object of the model, so a misspelt property is an error, not a silent
 *   empty result.
 *
 * DIAGNOSTICS
 *   ssim_odata_parse returns NULL and a message for anything else.
 */
#ifndef SSIM_ODATA_H
#define SSIM_ODATA_H

#include <stdbool.h>
#include <jansson.h>

typedef struct ssim_filter ssim_filter_t;

/* ssim_odata_parse - compile a $filter text, checking paths against template */
ssim_filter_t *ssim_odata_parse(const char *text, const json_t *template,
                                char *err, size_t errlen);
/* ssim_odata_match - whether an object satisfies the filter */
bool ssim_odata_match(const ssim_filter_t *f, const json_t *obj);
/* ssim_odata_string_cmp - whether the filter is one eq comparison of a
 * path with a string literal; then *path is its first property name (as in the
 * template) and *value the literal's text. For tests of quoting. */
bool ssim_odata_string_cmp(const ssim_filter_t *f, const char **path, const char **value);
void ssim_odata_destroy(ssim_filter_t **f_p);
/* ssim_datetime_parse - "YYYY-MM-DD[THH:MM:SS[.f...][Z|+HH:MM|-HH:MM]]" to
 * microseconds since 1970 UTC (no offset: the time is taken as UTC) */
bool ssim_datetime_parse(const char *s, long long *us);

#endif
