/*
 * NAME
 *   aansluiting_cmd - koppelctl aansluiting: does SnelStart hold the shop's
 *   period, each order once with the same figures?
 *
 * DESCRIPTION
 *   koppelctl aansluiting PROFILE --van DATE --tot DATE [--export F.xlsx]
 *   [--zonder-btw] reads, and never writes:
 *     - the shop's orders dated van..tot (Europe/Amsterdam calendar dates,
 *       both included) through the profile's source (source_period);
 *     - SnelStart's verkoopfacturen of the period (GET /v2/verkoopfacturen,
 *       $filter on FactuurDatum, pages of 500) and, unless --zonder-btw,
 *       each one's verkoopboeking for its VAT (GET /v2/verkoopboekingen/ID),
 *       with a quarter of the profile's rate budget, so that the booker and
 *       the matchers keep the rest;
 *     - the profile's open dead letters from fetcher.db, opened read-only;
 *   and prints the differences (aansluiting.h) as a Dutch table, and with
 *   --export the same as an .xlsx sheet.
 *
 * DIAGNOSTICS
 *   Exit 0 when the period is clean, 3 when it lists differences, 1 when the
 *   shop, SnelStart or fetcher.db could not be read (nothing is compared
 *   then: a failed read is no absence), 2 on a usage error.
 */
#ifndef KOPPEL_CTL_AANSLUITING_CMD_H
#define KOPPEL_CTL_AANSLUITING_CMD_H

#include <stdio.h>

#include "config.h"

/* aansluiting_cmd - argv after "aansluiting"; the exit status */
int aansluiting_cmd(const cfg_t *cfg, int argc, char **argv, FILE *out);

#endif
