/*
 * NAME
 *   netsec - who may talk to koppel's sockets
 *
 * DESCRIPTION
 *   ipc sockets (the default, in the state directory) are guarded twice:
 *   the socket file has mode 0660, and the binding daemon accepts only
 *   peers whose credentials (SO_PEERCRED, through ZeroMQ's IPC filters)
 *   are root, the daemon's own user, or a member of the control group
 *   (koppel.control_group; default the daemon's own group). A request
 *   from another local user is refused before it reaches the daemon.
 *
 *   tcp sockets, for daemons on separate hosts, use CURVE when
 *   koppel.curve is configured: the binding side is a CURVE server with
 *   the configured secret key and accepts only clients whose public key
 *   is its own or listed in curve.clients (a ZAP handler in the daemon
 *   checks it); the connecting side uses the same key pair and, as the
 *   server's key, curve.servers' entry for the endpoint or else its own
 *   public key. Keys are Z85 text (40 characters) made by koppelctl
 *   keygen. Without koppel.curve tcp traffic is plain and a warning
 *   says so.
 *
 *   The settings are process-wide: netsec_load() once at start (daemon
 *   and koppelctl), then net_socket() and net_request() apply them.
 *
 * DIAGNOSTICS
 *   netsec_load() names the setting that is wrong. No key is ever put
 *   into a message.
 */
#ifndef KOPPEL_NETSEC_H
#define KOPPEL_NETSEC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <czmq.h>

#define NETSEC_KEY_LEN 40       /* Z85 text of a 32-byte CURVE key */

/* netsec_load - read koppel.control_group and koppel.curve from a
 * configuration file; false with err */
bool netsec_load(const char *config_path, char *err, size_t errlen);

/* netsec_set_group - the group whose members may use the ipc sockets */
void netsec_set_group(gid_t group);

/* netsec_set_curve - this host's key pair, the other hosts allowed to
 * connect, and NULL-terminated pairs { endpoint, server public key } (any
 * may be NULL); false with err when a key is not a valid Z85 key */
bool netsec_set_curve(const char *public_key, const char *secret_key,
                      const char *const *clients, const char *const *servers,
                      char *err, size_t errlen);

/* netsec_reset - back to no CURVE and the default group; stops the ZAP
 * handler and wipes the secret key */
void netsec_reset(void);

/* netsec_stop - stop the ZAP handler (sends $TERM, joins its thread); a
 * stopping daemon calls it before it closes its sockets */
void netsec_stop(void);

/* netsec_curve_on - whether sockets on endpoint speak CURVE (tcp with
 * koppel.curve): the peer is known by its key, and may be on another host */
bool netsec_curve_on(const char *endpoint);

/* netsec_apply - set a socket's security options before it binds or connects */
void netsec_apply(zsock_t *sock, const char *endpoint, bool bind);

/* netsec_keygen - a new key pair as Z85 text (41 bytes each, with the NUL);
 * false when ZeroMQ has no CURVE */
bool netsec_keygen(char *public_key, char *secret_key);

#endif
