/*
 * NAME
 *   eu - membership of the European Union and the region of a country
 *
 * DESCRIPTION
 *   The 27 member states since 1 February 2020 (United Kingdom left).
 *   Greece appears twice: ISO 3166 "GR" and its VAT prefix "EL".
 *   Territories outside the EU VAT area that have their own ISO code
 *   (e.g. "GI", "FO", "GL", "AX" is part of FI but has its own code) are
 *   not members here: their own code is not in the list.
 *   An empty or unknown code is outside the EU; "NL" is its own region.
 */
#include <string.h>
#include <strings.h>

#include "eu.h"

static const char *const eu_states[] = {
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI",
    "FR", "GR", "EL", "HR", "HU", "IE", "IT", "LT", "LU", "LV",
    "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
};

/* eu_member - whether a country (ISO 3166-1 alpha-2, any case) is in the EU */
bool
eu_member(const char *iso2)
{
    if (iso2 == NULL || strlen(iso2) != 2)
        return false;
    for (size_t i = 0; i < sizeof(eu_states) / sizeof(eu_states[0]); i++)
        if (strcasecmp(iso2, eu_states[i]) == 0)
            return true;
    return false;
}

/* region_of_country - REGION_NL, REGION_EU or REGION_NON_EU for a country */
region_t
region_of_country(const char *iso2)
{
    if (iso2 != NULL && strcasecmp(iso2, "NL") == 0)
        return REGION_NL;
    return eu_member(iso2) ? REGION_EU : REGION_NON_EU;
}
