/*
 * NAME
 *   order_seal - tie the messages about an order to what the fetcher stored
 *
 * DESCRIPTION
 *   The fetcher gives each sending of an order (each attempt) a token: 128
 *   random bits, kept in fetcher.db with the attempt. The token travels in
 *   order -> matched -> outcome, and the fetcher records an outcome only
 *   when its token is the one it stored for the order's current attempt.
 *
 *   A seal is an HMAC-SHA256 with a key that only the koppel user can read
 *   (STATE_DIR/seal.key, 0600, made by the first daemon that needs it).
 *   The fetcher seals each order message (profile, number, attempt, token
 *   and the order's own bytes); the matcher passes token and seal on
 *   unchanged; the booker posts a matched order only when its seal
 *   verifies, and seals each outcome (profile, number, token and every
 *   field of the outcome) for the fetcher to verify. So a peer that can
 *   reach a socket but cannot read seal.key can neither have an order that
 *   is not in fetcher.db posted, nor change one on the way, nor report one
 *   booked. Seals are checked on every socket that is not CURVE tcp (ipc,
 *   and tcp on loopback with koppel.insecure_tcp_loopback); over CURVE the
 *   daemons may run on hosts of their own, each with its own seal.key, and
 *   CURVE's keys say who the peer is.
 *
 * DIAGNOSTICS
 *   order_seal_open() names the file and the system's error.
 */
#ifndef KOPPEL_ORDER_SEAL_H
#define KOPPEL_ORDER_SEAL_H

#include <stdbool.h>
#include <stddef.h>

#include "msg.h"

#define ORDER_SEAL_FILE      "seal.key"
#define ORDER_SEAL_TOKEN_LEN 32       /* hex digits of 128 bits */
#define ORDER_SEAL_SIG_LEN   64       /* hex digits of an HMAC-SHA256 */

typedef struct order_seal order_seal_t;

/* order_seal_open - read STATE_DIR/seal.key, or make it (0600) when there
 * is none; NULL with err */
order_seal_t *order_seal_open(const char *state_dir, char *err, size_t errlen);

/* order_seal_destroy - wipe the key, free, null the caller's pointer */
void order_seal_destroy(order_seal_t **self_p);

/* order_seal_token - a new attempt's token: 32 hex digits of random bits */
void order_seal_token(char token[ORDER_SEAL_TOKEN_LEN + 1]);

/* order_seal_sign - set m->sig of an order, matched or outcome message */
void order_seal_sign(const order_seal_t *self, msg_t *m);

/* order_seal_verify - whether m->sig is the seal of m (constant time) */
bool order_seal_verify(const order_seal_t *self, const msg_t *m);

#endif
