/*
 * NAME
 *   platform - changing a profile's shop platform (Globecharge, WooCommerce)
 *
 * DESCRIPTION
 *   See platform.h. The fetcher's status gives, per profile, its orders
 *   per state (only states that have orders) and its cursor ("cursor",
 *   from_order when none is stored yet, or "cursor_error").
 */
#include <stdio.h>
#include <string.h>

#include "platform.h"

static const char *const globecharge_only[] = { "shop.username", "shop.password", NULL };
static const char *const woocommerce_only[] = { "shop.consumer_key", "shop.consumer_secret",
                                                "shop.webhook", NULL };

bool
platform_known(const char *type)
{
    return type && (strcmp(type, "globecharge") == 0 || strcmp(type, "woocommerce") == 0);
}

const char *
platform_name(const char *type)
{
    return type && strcmp(type, "woocommerce") == 0 ? "WooCommerce" : "ShopFactory (Globecharge)";
}

const char *const *
platform_leftovers(const char *from)
{
    return strcmp(from, "woocommerce") == 0 ? woocommerce_only : globecharge_only;
}

bool
platform_untouched(const json_t *profiles, const char *profile, int64_t from_order,
                   char *why, size_t whylen)
{
    const json_t *p = json_object_get(profiles, profile), *v;
    const char *key;
    json_int_t orders = 0;

    if (p == NULL || json_object_get(p, "cursor_error")) {
        snprintf(why, whylen, "koppel-fetcher kan niet zeggen of er al orders van dit profiel "
                 "gelezen zijn%s%s. Probeer het opnieuw als koppel-fetcher draait.",
                 json_object_get(p, "cursor_error") ? ": " : "",
                 json_object_get(p, "cursor_error")
                 ? json_string_value(json_object_get(p, "cursor_error")) : "");
        return false;
    }
    json_object_foreach((json_t *) p, key, v)
        if (strcmp(key, "cursor") != 0 && json_is_integer(v))
            orders += json_integer_value(v);
    v = json_object_get(p, "cursor");
    if (orders > 0 || !json_is_integer(v) || json_integer_value(v) != from_order) {
        snprintf(why, whylen, "Het platform is niet te wijzigen: koppel heeft al orders van "
                 "deze shop gelezen, en die horen bij dit profiel. Maak voor de andere shop "
                 "een nieuw profiel aan (Profielen) en verwijder dit profiel als zijn orders "
                 "geboekt zijn.");
        return false;
    }
    return true;
}
