/*
 * NAME
 *   http_init - libcurl's global initialisation, once per process
 *
 * DESCRIPTION
 *   curl_global_init() is not thread-safe and must run once before any
 *   easy handle is made. Every HTTP client of koppel (the shop clients and
 *   the SnelStart client) calls http_init() first; the first call does the
 *   work, the others wait for it.
 */
#ifndef KOPPEL_HTTP_INIT_H
#define KOPPEL_HTTP_INIT_H

#include <stdbool.h>

/* http_init - initialise libcurl once; false when that failed (every call says the same) */
bool http_init(void);

#endif
