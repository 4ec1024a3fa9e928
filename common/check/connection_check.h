/*
 * NAME
 *   connection_check - the manual's "Verbinding testen" for one profile
 *
 * DESCRIPTION
 *   Four or five checks, in this order, each with a line for people:
 *     shop            log in to the shop, whatever its platform (source.h)
 *     webhooks        only for a profile with a shop.webhook block, when
 *                     the shop check passed: the shop's registered webhooks
 *                     deliver order.created and order.updated to koppel
 *                     (webhook_check.h; the text in Dutch)
 *     administration  sql, lokaal, mdb: open the administration and read a
 *                     row of the mapped relaties and grootboeken tables;
 *                     api: the API check below covers it
 *     api             SnelStart's API, which koppel writes through: a token
 *                     and GET /grootboeken
 *     grootboeken     every configured grootboek exists, is active and is a
 *                     winst-en-verlies account (only when api passed)
 *   Each check is bounded in time (one attempt, short timeouts).
 *   koppelctl test-connection prints them; koppel-web shows them.
 *
 *   This layer (common/check) is the one place that uses both the shop
 *   and the SnelStart layers, which never use each other.
 *
 * DIAGNOSTICS
 *   A failed check's text says what failed and why; no password or key is
 *   ever in it.
 */
#ifndef KOPPEL_CONNECTION_CHECK_H
#define KOPPEL_CONNECTION_CHECK_H

#include <stdbool.h>
#include <jansson.h>

#include "config.h"

/* connection_check - run the checks: a new JSON array of
 * {"check": NAME, "ok": true|false, "text": "..."}; *all_ok says whether
 * every one passed */
json_t *connection_check(const profile_t *p, bool *all_ok);

#endif
