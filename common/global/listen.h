/*
 * NAME
 *   listen - the ADDRESS:PORT a koppel HTTP server listens on
 *
 * DESCRIPTION
 *   koppel-web's --listen and the fetcher's koppel.webhooks.listen are
 *   written the same way: an IPv4 address or a bracketed IPv6 address, a
 *   colon and a port. Whether the address is a loopback one decides
 *   whether plain http is allowed there (anything else needs TLS).
 */
#ifndef KOPPEL_LISTEN_H
#define KOPPEL_LISTEN_H

#include <stdbool.h>
#include <sys/socket.h>

/* listen_parse - "127.0.0.1:8180" or "[::1]:8180" into a socket address;
 * *loopback tells whether only this host can reach it. false when it is
 * not of that form. */
bool listen_parse(const char *listen, struct sockaddr_storage *sa, bool *loopback);

#endif
