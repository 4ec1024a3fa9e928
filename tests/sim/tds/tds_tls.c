/*
 * NAME
 *   tds_tls - TLS for tds-sim, negotiated the way SQL Server does it
 *
 * DESCRIPTION
 *   See tds_tls.h. During the handshake OpenSSL reads from and writes to
 *   two memory BIOs: what the client sent in a PRELOGIN message is put
 *   into the first, what OpenSSL wrote into the second is sent back as a
 *   PRELOGIN message. After the handshake the SSL object is moved onto a
 *   socket BIO.
 */
#include <stdio.h>
#include <stdlib.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "tds_tls.h"
#include "xalloc.h"

struct tds_tls {
    SSL_CTX *ctx;
};

/* ssl_reason - OpenSSL's last error as text */
static void
ssl_reason(char *buf, size_t len)
{
    unsigned long e = ERR_get_error();

    if (e == 0)
        snprintf(buf, len, "the connection ended");
    else
        ERR_error_string_n(e, buf, len);
    ERR_clear_error();
}

/* tds_tls_new - a TLS 1.2 server context with the certificate and key */
tds_tls_t *
tds_tls_new(const char *cert_file, const char *key_file, char *err, size_t errlen)
{
    tds_tls_t *self;
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    char    why[256];

    if (ctx == NULL) {
        ssl_reason(why, sizeof why);
        snprintf(err, errlen, "cannot make a TLS context: %s", why);
        return NULL;
    }
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    if (SSL_CTX_use_certificate_chain_file(ctx, cert_file) != 1) {
        ssl_reason(why, sizeof why);
        snprintf(err, errlen, "--tls-cert %s: cannot be read as a PEM certificate: %s",
                 cert_file, why);
        SSL_CTX_free(ctx);
        return NULL;
    }
    if (SSL_CTX_use_PrivateKey_file(ctx, key_file, SSL_FILETYPE_PEM) != 1
        || SSL_CTX_check_private_key(ctx) != 1) {
        ssl_reason(why, sizeof why);
        snprintf(err, errlen, "--tls-key %s: not the PEM key of the certificate: %s",
                 key_file, why);
        SSL_CTX_free(ctx);
        return NULL;
    }
    self = xcalloc(1, sizeof *self);
    self->ctx = ctx;
    return self;
}

/* tds_tls_destroy - free the context */
void
tds_tls_destroy(tds_tls_t **self_p)
{
    if (self_p == NULL || *self_p == NULL)
        return;
    SSL_CTX_free((*self_p)->ctx);
    free(*self_p);
    *self_p = NULL;
}

/* send_pending - what OpenSSL wrote, as one PRELOGIN message; false on a
 * broken connection */
static bool
send_pending(tds_conn_t *c, BIO *wbio, size_t packet_size)
{
    tds_out_t out = { 0 };
    char    chunk[4096];
    int     n;
    bool    ok;

    if (BIO_ctrl_pending(wbio) == 0)
        return true;
    tds_out_init(&out, c, packet_size, TDS_PKT_PRELOGIN);
    while ((n = BIO_read(wbio, chunk, sizeof chunk)) > 0)
        tds_buf_bytes(&out.buf, chunk, (size_t) n);
    ok = tds_out_end(&out) == 0;
    tds_buf_free(&out.buf);
    return ok;
}

/* tds_tls_handshake - SSL_accept fed from and answered in PRELOGIN packets */
bool
tds_tls_handshake(tds_tls_t *self, tds_conn_t *c, size_t packet_size, char *err, size_t errlen)
{
    SSL    *ssl = SSL_new(self->ctx);
    BIO    *rbio = BIO_new(BIO_s_mem()), *wbio = BIO_new(BIO_s_mem()), *sock;
    tds_conn_t plain = { c->fd, NULL };
    tds_buf_t msg = { 0 };
    char    why[256];
    int     rc;

    if (ssl == NULL || rbio == NULL || wbio == NULL) {
        snprintf(err, errlen, "out of memory for a TLS session");
        SSL_free(ssl);
        BIO_free(rbio);
        BIO_free(wbio);
        return false;
    }
    SSL_set_bio(ssl, rbio, wbio);
    SSL_set_accept_state(ssl);
    for (;;) {
        uint8_t type;

        rc = SSL_do_handshake(ssl);
        if (!send_pending(&plain, wbio, packet_size)) {
            snprintf(err, errlen, "TLS handshake: the client went away");
            goto fail;
        }
        if (rc == 1)
            break;
        if (SSL_get_error(ssl, rc) != SSL_ERROR_WANT_READ) {
            ssl_reason(why, sizeof why);
            snprintf(err, errlen, "TLS handshake failed: %s", why);
            goto fail;
        }
        if (tds_read_message(&plain, &type, &msg) != 0) {
            snprintf(err, errlen, "TLS handshake: the client went away");
            goto fail;
        }
        if (type != TDS_PKT_PRELOGIN) {
            snprintf(err, errlen, "TLS handshake: a packet of type 0x%02X instead of "
                     "PRELOGIN", type);
            goto fail;
        }
        if (BIO_write(rbio, msg.data, (int) msg.len) != (int) msg.len) {
            snprintf(err, errlen, "TLS handshake: out of memory");
            goto fail;
        }
    }
    if (BIO_ctrl_pending(rbio) != 0) {
        snprintf(err, errlen, "TLS handshake: the client sent data before it ended");
        goto fail;
    }
    if ((sock = BIO_new_socket(c->fd, BIO_NOCLOSE)) == NULL) {
        snprintf(err, errlen, "TLS: out of memory");
        goto fail;
    }
    SSL_set_bio(ssl, sock, sock);   /* frees the memory BIOs */
    tds_buf_free(&msg);
    c->tls = ssl;
    return true;
fail:
    tds_buf_free(&msg);
    SSL_free(ssl);
    return false;
}

/* tds_tls_end - drop the TLS session, keep the socket */
void
tds_tls_end(tds_conn_t *c)
{
    SSL_free(c->tls);
    c->tls = NULL;
}
