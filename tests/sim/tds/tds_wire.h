/*
 * NAME
 *   tds_wire - TDS packets, byte buffers and UTF-16 text for tds-sim
 *
 * DESCRIPTION
 *   The bottom layer of the SQL Server wire protocol (MS-TDS 2.2.3):
 *   reading one message (packets of one type up to the one with status
 *   EOM), writing a message split into packets of the negotiated size, and
 *   the little-endian integers and UCS-2 strings (B_VARCHAR, US_VARCHAR)
 *   the tokens are made of. A tds_out_t streams: tokens are appended to
 *   its buffer and every full packet is sent at once, so that a result set
 *   of any size needs one packet of memory.
 *
 *   A tds_conn_t is the client's socket, and once TLS is negotiated
 *   (tds_tls.h) the TLS session every byte then goes through.
 *
 * DIAGNOSTICS
 *   Read and write calls return -1 on a closed or broken connection and on
 *   a malformed packet header; the caller then drops the connection.
 */
#ifndef KOPPEL_TDS_WIRE_H
#define KOPPEL_TDS_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* packet types (MS-TDS 2.2.3.1.1) */
#define TDS_PKT_SQLBATCH   0x01
#define TDS_PKT_RPC        0x03
#define TDS_PKT_REPLY      0x04
#define TDS_PKT_ATTENTION  0x06
#define TDS_PKT_BULK       0x07
#define TDS_PKT_TRANSMGR   0x0E
#define TDS_PKT_LOGIN7     0x10
#define TDS_PKT_SSPI       0x11
#define TDS_PKT_PRELOGIN   0x12

#define TDS_HEADER_LEN     8
#define TDS_MAX_MESSAGE    (64u << 20)

/* a client connection: plain, or through TLS once tls is set */
typedef struct {
    int     fd;
    struct ssl_st *tls;         /* OpenSSL's SSL, NULL: plain */
} tds_conn_t;

typedef struct {
    uint8_t *data;
    size_t   len, cap;
} tds_buf_t;

void    tds_buf_free(tds_buf_t *b);
void    tds_buf_bytes(tds_buf_t *b, const void *p, size_t n);
void    tds_buf_u8(tds_buf_t *b, uint8_t v);
void    tds_buf_u16(tds_buf_t *b, uint16_t v);         /* little-endian */
void    tds_buf_u32(tds_buf_t *b, uint32_t v);
void    tds_buf_u64(tds_buf_t *b, uint64_t v);
void    tds_buf_be16(tds_buf_t *b, uint16_t v);        /* big-endian */
/* tds_buf_ucs2 - UTF-8 text as UTF-16LE, at most max_units code units;
 * returns the units written (invalid UTF-8 bytes become U+FFFD) */
size_t  tds_buf_ucs2(tds_buf_t *b, const char *utf8, size_t len, size_t max_units);
/* B_VARCHAR: unit count in one byte, then UTF-16LE (at most 255 units) */
void    tds_buf_bvarchar(tds_buf_t *b, const char *utf8);
/* US_VARCHAR: unit count in two bytes, then UTF-16LE */
void    tds_buf_usvarchar(tds_buf_t *b, const char *utf8);

/* tds_ucs2_to_utf8 - n UTF-16LE code units as UTF-8 (new memory);
 * unpaired surrogates become U+FFFD */
char   *tds_ucs2_to_utf8(const uint8_t *p, size_t units);

/* tds_read_message - the payload of one whole message into msg (replaced);
 * 0, or -1 on end of connection or a malformed or oversized message */
int     tds_read_message(tds_conn_t *c, uint8_t *type, tds_buf_t *msg);

/* an outgoing reply message, sent packet by packet */
typedef struct {
    tds_conn_t *conn;
    size_t   packet_size;       /* negotiated, header included */
    uint8_t  packet_id;
    uint8_t  type;
    bool     failed;            /* a write failed: stop producing */
    tds_buf_t buf;              /* payload not yet sent */
} tds_out_t;

void    tds_out_init(tds_out_t *o, tds_conn_t *c, size_t packet_size, uint8_t type);
/* tds_out_flush - send every full packet held (not the last partial one) */
int     tds_out_flush(tds_out_t *o);
/* tds_out_end - send what is left as the message's last packet (EOM) */
int     tds_out_end(tds_out_t *o);

#endif
