/*
 * NAME
 *   http_init - libcurl's global initialisation, once per process
 *
 * DESCRIPTION
 *   See http_init.h. The only file of the global layer that uses libcurl,
 *   so LIBS_global in the Makefile names libcurl.
 *
 * DIAGNOSTICS
 *   http_init() returns false when curl_global_init() failed; every later
 *   call returns the same answer.
 */
#include <pthread.h>

#include <curl/curl.h>

#include "http_init.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static CURLcode init_rc = CURLE_FAILED_INIT;

/* init_curl - the one call of curl_global_init */
static void
init_curl(void)
{
    init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* http_init - initialise libcurl once */
bool
http_init(void)
{
    pthread_once(&once, init_curl);
    return init_rc == CURLE_OK;
}
