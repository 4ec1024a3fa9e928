/*
 * NAME
 *   webhooks_cmd - koppelctl webhooks PROFILE [--register] [--json]
 *
 * DESCRIPTION
 *   For a WooCommerce profile with a shop.webhook block: the webhooks the
 *   shop has registered (GET /wp-json/wc/v3/webhooks), one line each (id,
 *   status, topic, delivery URL, name), then for order.created and
 *   order.updated whether koppel's webhook is right and what to change
 *   (webhook_check.h). With --register it registers koppel's webhooks, or
 *   switches them on again, and says per topic what it did; that needs a
 *   REST API key with Read/Write permission. The secret is never printed.
 *
 * DIAGNOSTICS
 *   Exit 0 when both topics are right, 3 when one needs a change (or the
 *   registration failed), 1 when the shop could not be asked, 2 when the
 *   profile has no shop.webhook block.
 */
#ifndef KOPPEL_WEBHOOKS_CMD_H
#define KOPPEL_WEBHOOKS_CMD_H

#include <stdbool.h>
#include <stdio.h>

#include "config.h"

/* webhooks_cmd - list (or with do_register register) p's webhooks */
int webhooks_cmd(const profile_t *p, bool do_register, bool as_json, FILE *out);

#endif
