/*
 * NAME
 *   order_seal - tokens and seals of the messages about an order
 *
 * DESCRIPTION
 *   See order_seal.h. The key file is written to a temporary file beside
 *   it and published with link(2), so that two daemons starting at once
 *   agree on one key and neither reads a half-written one. The sealed
 *   bytes are a label per kind ("koppel order 1", "koppel outcome 1") and
 *   each field with its length in front, so that no two messages give the
 *   same bytes.
 *
 * DIAGNOSTICS
 *   A key file that cannot be read or made, or that is not 32 bytes, is an
 *   error for the caller (the daemon cannot start: its environment is
 *   broken).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <msgpack.h>
#include <sodium.h>

#include "order_seal.h"
#include "xalloc.h"

#define KEY_BYTES crypto_auth_hmacsha256_KEYBYTES

struct order_seal {
    unsigned char key[KEY_BYTES];
};

/* read_key - the key file's 32 bytes; false with err */
static bool
read_key(const char *path, unsigned char *key, char *err, size_t errlen)
{
    int     fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    ssize_t n;

    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
        return false;
    }
    n = read(fd, key, KEY_BYTES);
    close(fd);
    if (n != KEY_BYTES) {
        snprintf(err, errlen, "%s: not a seal key (%d bytes, not %d): remove it and start "
                 "the daemons again", path, (int) n, KEY_BYTES);
        return false;
    }
    return true;
}

/* make_key - a new key file, published whole; EEXIST: another daemon was first */
static bool
make_key(const char *path, char *err, size_t errlen)
{
    char   *tmp = xasprintf("%s.XXXXXX", path);
    unsigned char key[KEY_BYTES];
    int     fd = mkstemp(tmp);
    bool    ok = false;

    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot create: %s", tmp, strerror(errno));
        free(tmp);
        return false;
    }
    randombytes_buf(key, sizeof key);
    if (fchmod(fd, 0600) != 0 || write(fd, key, sizeof key) != (ssize_t) sizeof key
        || fsync(fd) != 0)
        snprintf(err, errlen, "%s: cannot write: %s", tmp, strerror(errno));
    else if (link(tmp, path) != 0 && errno != EEXIST)
        snprintf(err, errlen, "%s: cannot create: %s", path, strerror(errno));
    else
        ok = true;
    sodium_memzero(key, sizeof key);
    close(fd);
    unlink(tmp);
    free(tmp);
    return ok;
}

/* order_seal_open - read or make the key */
order_seal_t *
order_seal_open(const char *state_dir, char *err, size_t errlen)
{
    char   *path = xasprintf("%s/%s", state_dir, ORDER_SEAL_FILE);
    order_seal_t *self = NULL;
    struct stat st;

    if (sodium_init() < 0) {
        snprintf(err, errlen, "libsodium cannot start");
        goto done;
    }
    if (lstat(path, &st) != 0) {
        if (errno != ENOENT) {
            snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
            goto done;
        }
        if (!make_key(path, err, errlen))
            goto done;
    }
    self = xcalloc(1, sizeof *self);
    if (!read_key(path, self->key, err, errlen))
        order_seal_destroy(&self);
done:
    free(path);
    return self;
}

/* order_seal_destroy - wipe and free */
void
order_seal_destroy(order_seal_t **self_p)
{
    if (self_p == NULL || *self_p == NULL)
        return;
    sodium_memzero((*self_p)->key, sizeof (*self_p)->key);
    free(*self_p);
    *self_p = NULL;
}

/* order_seal_token - 128 random bits as hex */
void
order_seal_token(char token[ORDER_SEAL_TOKEN_LEN + 1])
{
    unsigned char bits[ORDER_SEAL_TOKEN_LEN / 2];

    if (sodium_init() < 0)
        abort();                    /* no randomness: nothing may be sent */
    randombytes_buf(bits, sizeof bits);
    sodium_bin2hex(token, ORDER_SEAL_TOKEN_LEN + 1, bits, sizeof bits);
}

/* add - one field into the HMAC, its length first */
static void
add(crypto_auth_hmacsha256_state *st, const void *data, size_t len)
{
    unsigned char n[8];
    int     i;

    for (i = 0; i < 8; i++)
        n[i] = (unsigned char) ((uint64_t) len >> (56 - 8 * i));
    crypto_auth_hmacsha256_update(st, n, sizeof n);
    crypto_auth_hmacsha256_update(st, data, len);
}

/* add_str - a string field into the HMAC */
static void
add_str(crypto_auth_hmacsha256_state *st, const char *s)
{
    add(st, s ? s : "", s ? strlen(s) : 0);
}

/* add_int - a number field into the HMAC, as its decimal digits */
static void
add_int(crypto_auth_hmacsha256_state *st, int64_t v)
{
    char    buf[32];

    snprintf(buf, sizeof buf, "%lld", (long long) v);
    add_str(st, buf);
}

/* seal - the seal of m as hex into out */
static void
seal(const order_seal_t *self, const msg_t *m, char out[ORDER_SEAL_SIG_LEN + 1])
{
    crypto_auth_hmacsha256_state st;
    unsigned char mac[crypto_auth_hmacsha256_BYTES];

    crypto_auth_hmacsha256_init(&st, self->key, sizeof self->key);
    if (m->type == MSG_OUTCOME) {
        add_str(&st, "koppel outcome 1");
        add_str(&st, m->profile);
        add_int(&st, m->number);
        add_str(&st, m->token);
        add_str(&st, m->result);
        add_str(&st, m->stage);
        add_str(&st, m->reason);
        add_str(&st, m->factuurnummer);
        add_int(&st, m->relatiecode);
        if (m->credit != 0)         /* an order's outcome is sealed as before credit notes */
            add_int(&st, m->credit);
    } else {                        /* order and matched: the fetcher's seal */
        msgpack_sbuffer sb;
        msgpack_packer pk;

        msgpack_sbuffer_init(&sb);
        msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
        if (m->order)
            order_pack(m->order, &pk);
        add_str(&st, "koppel order 1");
        add_str(&st, m->profile);
        add_int(&st, m->attempt);
        add_str(&st, m->token);
        add(&st, sb.data, sb.size);
        msgpack_sbuffer_destroy(&sb);
    }
    crypto_auth_hmacsha256_final(&st, mac);
    sodium_bin2hex(out, ORDER_SEAL_SIG_LEN + 1, mac, sizeof mac);
    sodium_memzero(&st, sizeof st);
}

/* order_seal_sign - set the message's seal */
void
order_seal_sign(const order_seal_t *self, msg_t *m)
{
    char    sig[ORDER_SEAL_SIG_LEN + 1];

    seal(self, m, sig);
    msg_set(&m->sig, sig);
}

/* order_seal_verify - compare in constant time */
bool
order_seal_verify(const order_seal_t *self, const msg_t *m)
{
    char    sig[ORDER_SEAL_SIG_LEN + 1];

    if (m->sig == NULL || strlen(m->sig) != ORDER_SEAL_SIG_LEN || m->token == NULL
        || strlen(m->token) != ORDER_SEAL_TOKEN_LEN)
        return false;
    seal(self, m, sig);
    return sodium_memcmp(sig, m->sig, ORDER_SEAL_SIG_LEN) == 0;
}
