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
 *
 *   VAT numbers carry the member's code as prefix (Greece: "EL"); the
 *   neighbours in vat_neighbours write theirs the same way, so a VAT number
 *   from them is recognised too, without making them members.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "eu.h"

static const char *const eu_states[] = {
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI",
    "FR", "GR", "EL", "HR", "HU", "IE", "IT", "LT", "LU", "LV",
    "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
};

/* the alpha-3 code of each entry of eu_states, in the same order */
static const char *const eu_states3[] = {
    "AUT", "BEL", "BGR", "CYP", "CZE", "DEU", "DNK", "EST", "ESP", "FIN",
    "FRA", "GRC", "GRC", "HRV", "HUN", "IRL", "ITA", "LTU", "LUX", "LVA",
    "MLT", "NLD", "POL", "PRT", "ROU", "SWE", "SVN", "SVK",
};

static const char *const vat_neighbours[] = { "XI", "GB", "CH", "NO" };

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

/* eu_vat_prefix - "EL" for Greece, else the country code */
const char *
eu_vat_prefix(const char *iso2)
{
    return iso2 != NULL && strcasecmp(iso2, "GR") == 0 ? "EL" : iso2;
}

/* eu_vat_prefix_country - the country a VAT number's two-letter prefix names */
bool
eu_vat_prefix_country(const char *prefix, char country[3])
{
    char    two[3];
    bool    known = false;

    country[0] = '\0';
    if (prefix == NULL || !isalpha((unsigned char) prefix[0])
        || !isalpha((unsigned char) prefix[1]))
        return false;
    two[0] = (char) toupper((unsigned char) prefix[0]);
    two[1] = (char) toupper((unsigned char) prefix[1]);
    two[2] = '\0';
    known = eu_member(two);
    for (size_t i = 0; !known && i < sizeof(vat_neighbours) / sizeof(vat_neighbours[0]); i++)
        known = strcmp(two, vat_neighbours[i]) == 0;
    if (!known)
        return false;
    memcpy(country, strcmp(two, "EL") == 0 ? "GR" : two, 3);
    return true;
}

/* eu_iso3 - the alpha-3 code of a member state */
const char *
eu_iso3(const char *iso2)
{
    if (iso2 == NULL || strlen(iso2) != 2)
        return NULL;
    for (size_t i = 0; i < sizeof(eu_states) / sizeof(eu_states[0]); i++)
        if (strcasecmp(iso2, eu_states[i]) == 0)
            return eu_states3[i];
    return NULL;
}
