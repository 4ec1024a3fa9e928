/*
 * NAME
 *   eu - membership of the European Union and the region of a country
 *
 * DESCRIPTION
 *   The one maintained list of EU member states koppel uses to decide
 *   whether a delivery is in the Netherlands, elsewhere in the EU or
 *   outside it (the "region" of a grootboek mapping, manual 2.4).
 *   Greece is known under both its ISO code "GR" and its VAT prefix "EL".
 */
#ifndef KOPPEL_EU_H
#define KOPPEL_EU_H

#include <stdbool.h>

#include "config.h"

/* eu_member - whether a country (ISO 3166-1 alpha-2, any case) is in the EU */
bool eu_member(const char *iso2);

/* region_of_country - REGION_NL, REGION_EU or REGION_NON_EU for a country */
region_t region_of_country(const char *iso2);

/* eu_vat_prefix - the prefix of a VAT number of a country: "EL" for "GR",
 * else the country code itself (as given) */
const char *eu_vat_prefix(const char *iso2);

/* eu_vat_prefix_country - the country whose VAT numbers start with the two
 * letters at prefix (any case): an EU member ("EL" -> "GR") or one of the
 * neighbours with VAT numbers of that form (XI Northern Ireland, GB, CH,
 * NO); false, country "", for any other two letters */
bool eu_vat_prefix_country(const char *prefix, char country[3]);

/* eu_iso3 - the ISO 3166-1 alpha-3 code of a member state ("BE" -> "BEL",
 * "GR" and "EL" -> "GRC", as SnelStart's /vatrates names countries); NULL
 * for any other country */
const char *eu_iso3(const char *iso2);

#endif
