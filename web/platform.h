/*
 * NAME
 *   platform - changing a profile's shop platform (Globecharge, WooCommerce)
 *
 * DESCRIPTION
 *   A profile's platform can be changed in Instellingen only while the
 *   fetcher has read nothing for it: no order in fetcher.db in any state
 *   and its cursor still at "Vanaf ordernummer". Once orders were read,
 *   what koppel keeps per profile belongs to the old shop: the cursor
 *   (the new shop's orders below it would never be read), the dead
 *   letters ("Opnieuw" reads the order number again from the shop: it
 *   would be another shop's order), the pending orders, and the ledger's
 *   "al eerder geboekt" by factuurnummer (the new shop's order 1001 is
 *   not the old one's, yet it would be skipped as booked). Such a shop
 *   goes in a new profile (Profielen), the old one is removed when its
 *   orders are done.
 *
 *   A change writes shop.type and removes the old platform's settings
 *   that the new one refuses (cfg_load: username and password are
 *   Globecharge's, consumer_key, consumer_secret and webhook
 *   WooCommerce's); the new platform's fields come from the form.
 */
#ifndef KOPPEL_WEB_PLATFORM_H
#define KOPPEL_WEB_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

/* platform_known - whether a shop type is one the page offers */
bool platform_known(const char *type);

/* platform_name - a shop type in the manual's words */
const char *platform_name(const char *type);

/* platform_leftovers - the settings (inside the profile) of platform from
 * that the other one refuses: a NULL-terminated list */
const char *const *platform_leftovers(const char *from);

/* platform_untouched - whether the fetcher's status (its "profiles"
 * object) shows that nothing was read yet for profile; false with a
 * sentence for people in why */
bool platform_untouched(const json_t *profiles, const char *profile, int64_t from_order,
                        char *why, size_t whylen);

#endif
