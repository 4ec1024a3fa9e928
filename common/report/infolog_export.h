/*
 * NAME
 *   infolog_export - the information log as a .csv or .xlsx file
 *
 * DESCRIPTION
 *   Writes the rows an infolog_filter_t selects, oldest first, with the
 *   columns time, profile, view, kind, order and text. In the .xlsx the
 *   time is a date cell (local time, format dd-mm-yyyy hh:mm:ss), so that
 *   Excel sorts and filters it as a date.
 */
#ifndef KOPPEL_REPORT_INFOLOG_EXPORT_H
#define KOPPEL_REPORT_INFOLOG_EXPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "infolog.h"

/* infolog_export_csv - write the selected rows as CSV (RFC 4180, UTF-8) */
bool infolog_export_csv(infolog_t *self, const infolog_filter_t *filter,
                        const char *path, char *err, size_t errlen);

/* infolog_export_xlsx - write the selected rows as an Excel workbook */
bool infolog_export_xlsx(infolog_t *self, const infolog_filter_t *filter,
                         const char *path, char *err, size_t errlen);

/* infolog_export - .csv or .xlsx by the file name's extension */
bool infolog_export(infolog_t *self, const infolog_filter_t *filter,
                    const char *path, char *err, size_t errlen);

#endif
