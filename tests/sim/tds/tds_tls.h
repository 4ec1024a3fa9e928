/*
 * NAME
 *   tds_tls - TLS for tds-sim, negotiated the way SQL Server does it
 *
 * DESCRIPTION
 *   SQL Server (TDS 7.x) agrees on encryption in PRELOGIN, then runs the
 *   TLS handshake inside TDS packets of type PRELOGIN (MS-TDS 2.2.6.5,
 *   3.3.5.3): every TLS record of the handshake travels as the payload of
 *   PRELOGIN packets, in both directions. Once the handshake is done the
 *   TLS records go on the socket directly, with the TDS packets inside
 *   them: for the LOGIN7 message only (ENCRYPT_OFF) or for the whole
 *   connection (ENCRYPT_ON).
 *
 *   tds-sim offers TLS 1.2, as SQL Server does for TDS 7.x, without
 *   session tickets (a ticket sent after the handshake would reach a
 *   client that no longer expects PRELOGIN packets).
 *
 * DIAGNOSTICS
 *   tds_tls_new fails with a message naming the file; a failed handshake
 *   returns false with OpenSSL's reason, and the caller drops the client.
 */
#ifndef KOPPEL_TDS_TLS_H
#define KOPPEL_TDS_TLS_H

#include <stdbool.h>
#include <stddef.h>

#include "tds_wire.h"

typedef struct tds_tls tds_tls_t;

/* tds_tls_new - a server context with the PEM certificate (chain) and
 * key; NULL with err */
tds_tls_t *tds_tls_new(const char *cert_file, const char *key_file, char *err, size_t errlen);

/* tds_tls_destroy - free the context and null the caller's pointer */
void tds_tls_destroy(tds_tls_t **self_p);

/* tds_tls_handshake - the server side of the handshake in PRELOGIN
 * packets of packet_size; afterwards c->tls carries the connection.
 * false with err */
bool tds_tls_handshake(tds_tls_t *self, tds_conn_t *c, size_t packet_size,
                       char *err, size_t errlen);

/* tds_tls_end - go back to plain TDS (after LOGIN7 under ENCRYPT_OFF) */
void tds_tls_end(tds_conn_t *c);

#endif
