/*
 * NAME
 *   hooksig - check a webhook delivery's signature (see hooksig.h)
 *
 * DESCRIPTION
 *   libsodium's HMAC-SHA256 (the one order_seal.c uses) takes a key of any
 *   length, as WooCommerce's hash_hmac does. The header is decoded
 *   strictly (base64.h) and the 32 bytes compared with crypto_verify_32,
 *   in constant time.
 */
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "base64.h"
#include "hooksig.h"

/* mac - HMAC-SHA256 of body under secret */
static void
mac(const char *secret, const void *body, size_t len,
    unsigned char out[crypto_auth_hmacsha256_BYTES])
{
    crypto_auth_hmacsha256_state st;

    crypto_auth_hmacsha256_init(&st, (const unsigned char *) secret, strlen(secret));
    crypto_auth_hmacsha256_update(&st, body, len);
    crypto_auth_hmacsha256_final(&st, out);
    sodium_memzero(&st, sizeof st);
}

/* hooksig_make - base64 of the HMAC-SHA256 of body under secret */
char *
hooksig_make(const char *secret, const void *body, size_t len)
{
    unsigned char m[crypto_auth_hmacsha256_BYTES];

    mac(secret, body, len, m);
    return base64_encode(m, sizeof m);
}

/* hooksig_ok - the header is the body's signature under secret */
bool
hooksig_ok(const char *secret, const void *body, size_t len, const char *signature)
{
    unsigned char want[crypto_auth_hmacsha256_BYTES];
    unsigned char *got;
    size_t  n = 0;
    bool    ok;

    if (signature == NULL || *secret == 0 || (got = base64_decode(signature, &n)) == NULL)
        return false;
    mac(secret, body, len, want);
    ok = n == sizeof want && crypto_verify_32(got, want) == 0;
    free(got);
    return ok;
}
