/*
 * NAME
 *   hookstore - what the fetcher remembers of webhook deliveries
 *
 * DESCRIPTION
 *   Two tables in fetcher.db, written in the transaction that stores the
 *   delivered order, so that a delivery is remembered exactly when its
 *   order is stored:
 *     webhook_deliveries  the X-WC-Webhook-Delivery-ID of each delivery
 *                         taken, kept HOOKSTORE_KEEP_S: WooCommerce sends
 *                         a delivery again when it saw no answer
 *     webhook_orders      per order, the newest date_modified_gmt a
 *                         delivery brought: an older state that arrives
 *                         later (deliveries overtake each other) is
 *                         ignored, so that an order cancelled in the shop
 *                         is not stored by a delayed "processing"
 */
#ifndef KOPPEL_FETCHER_HOOKSTORE_H
#define KOPPEL_FETCHER_HOOKSTORE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "db.h"
#include "store.h"

#define HOOKSTORE_KEEP_S (7 * 86400)    /* WooCommerce retries within hours */

/* hookstore_init - make the tables; false with err */
bool hookstore_init(store_t *store, char *err, size_t errlen);

/* hookstore_seen - whether a delivery id was taken before */
db_found_t hookstore_seen(store_t *store, const char *profile, const char *delivery_id);

/* hookstore_newest - the newest modification time a delivery brought for
 * the order into *modified (DB_ABSENT: none yet) */
db_found_t hookstore_newest(store_t *store, const char *profile, int64_t number,
                            time_t *modified);

/* hookstore_is_older - the rule: a state modified before the newest one
 * seen is older and is ignored; the same time is the same state */
bool hookstore_is_older(time_t modified, time_t newest);

/* hookstore_note - remember the delivery (id "" = none sent) and the
 * order's modification time (it only moves forward); false on a failed write */
bool hookstore_note(store_t *store, const char *profile, const char *delivery_id,
                    int64_t number, time_t modified);

/* hookstore_purge - forget delivery ids taken before the time given */
void hookstore_purge(store_t *store, int64_t before);

#endif
