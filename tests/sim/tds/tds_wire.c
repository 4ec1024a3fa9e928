/*
 * NAME
 *   tds_wire - TDS packets, byte buffers and UTF-16 text for tds-sim
 *
 * DESCRIPTION
 *   See tds_wire.h. A packet header is: type, status (0x01 = end of
 *   message), length (big-endian, header included), SPID (big-endian),
 *   packet id and window (MS-TDS 2.2.3.1). Over TLS the same packets go
 *   through SSL_read and SSL_write.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <utf8proc.h>
#include <openssl/ssl.h>

#include "tds_wire.h"
#include "xalloc.h"

/* tds_buf_free - release a buffer's memory */
void
tds_buf_free(tds_buf_t *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

/* grow - room for n more bytes */
static void
grow(tds_buf_t *b, size_t n)
{
    if (b->len + n <= b->cap)
        return;
    b->cap = (b->len + n) * 2 + 256;
    b->data = xrealloc(b->data, b->cap);
}

/* tds_buf_bytes - append raw bytes */
void
tds_buf_bytes(tds_buf_t *b, const void *p, size_t n)
{
    grow(b, n);
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

/* tds_buf_u8 - append one byte */
void
tds_buf_u8(tds_buf_t *b, uint8_t v)
{
    grow(b, 1);
    b->data[b->len++] = v;
}

/* tds_buf_u16 - append a little-endian 16-bit value */
void
tds_buf_u16(tds_buf_t *b, uint16_t v)
{
    grow(b, 2);
    b->data[b->len++] = v & 0xFF;
    b->data[b->len++] = v >> 8;
}

/* tds_buf_u32 - append a little-endian 32-bit value */
void
tds_buf_u32(tds_buf_t *b, uint32_t v)
{
    int     i;

    grow(b, 4);
    for (i = 0; i < 4; i++)
        b->data[b->len++] = (v >> (8 * i)) & 0xFF;
}

/* tds_buf_u64 - append a little-endian 64-bit value */
void
tds_buf_u64(tds_buf_t *b, uint64_t v)
{
    int     i;

    grow(b, 8);
    for (i = 0; i < 8; i++)
        b->data[b->len++] = (v >> (8 * i)) & 0xFF;
}

/* tds_buf_be16 - append a big-endian 16-bit value */
void
tds_buf_be16(tds_buf_t *b, uint16_t v)
{
    grow(b, 2);
    b->data[b->len++] = v >> 8;
    b->data[b->len++] = v & 0xFF;
}

/* tds_buf_ucs2 - UTF-8 as UTF-16LE, at most max_units units */
size_t
tds_buf_ucs2(tds_buf_t *b, const char *utf8, size_t len, size_t max_units)
{
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *) utf8;
    size_t  units = 0;

    grow(b, len * 2);
    while (len > 0) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate(p, (utf8proc_ssize_t) len, &cp);

        if (n <= 0) {
            cp = 0xFFFD;
            n = 1;
        }
        if (cp >= 0x10000) {
            if (units + 2 > max_units)
                break;
            cp -= 0x10000;
            tds_buf_u16(b, (uint16_t) (0xD800 + (cp >> 10)));
            tds_buf_u16(b, (uint16_t) (0xDC00 + (cp & 0x3FF)));
            units += 2;
        } else {
            if (units + 1 > max_units)
                break;
            tds_buf_u16(b, (uint16_t) cp);
            units++;
        }
        p += n;
        len -= (size_t) n;
    }
    return units;
}

/* tds_buf_bvarchar - one-byte unit count, then the text */
void
tds_buf_bvarchar(tds_buf_t *b, const char *utf8)
{
    size_t  at = b->len, units;

    tds_buf_u8(b, 0);
    units = tds_buf_ucs2(b, utf8, strlen(utf8), 255);
    b->data[at] = (uint8_t) units;
}

/* tds_buf_usvarchar - two-byte unit count, then the text */
void
tds_buf_usvarchar(tds_buf_t *b, const char *utf8)
{
    size_t  at = b->len, units;

    tds_buf_u16(b, 0);
    units = tds_buf_ucs2(b, utf8, strlen(utf8), 65535);
    b->data[at] = units & 0xFF;
    b->data[at + 1] = (units >> 8) & 0xFF;
}

/* tds_ucs2_to_utf8 - UTF-16LE code units as UTF-8 */
char *
tds_ucs2_to_utf8(const uint8_t *p, size_t units)
{
    char   *out = xmalloc(units * 3 + 1);
    size_t  i, n = 0;

    for (i = 0; i < units; i++) {
        utf8proc_int32_t cp = p[2 * i] | (p[2 * i + 1] << 8);

        if (cp >= 0xD800 && cp < 0xDC00 && i + 1 < units) {
            utf8proc_int32_t lo = p[2 * i + 2] | (p[2 * i + 3] << 8);

            if (lo >= 0xDC00 && lo < 0xE000) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                i++;
            } else
                cp = 0xFFFD;
        } else if (cp >= 0xD800 && cp < 0xE000)
            cp = 0xFFFD;
        n += (size_t) utf8proc_encode_char(cp, (utf8proc_uint8_t *) out + n);
    }
    out[n] = 0;
    return out;
}

/* read_full - exactly n bytes; -1 on end or error */
static int
read_full(tds_conn_t *c, void *p, size_t n)
{
    uint8_t *q = p;

    while (n > 0) {
        ssize_t r = c->tls ? SSL_read(c->tls, q, n > INT32_MAX ? INT32_MAX : (int) n)
                           : read(c->fd, q, n);

        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        q += r;
        n -= (size_t) r;
    }
    return 0;
}

/* write_full - all n bytes; -1 on error */
static int
write_full(tds_conn_t *c, const void *p, size_t n)
{
    const uint8_t *q = p;

    while (n > 0) {
        ssize_t w = c->tls ? SSL_write(c->tls, q, n > INT32_MAX ? INT32_MAX : (int) n)
                           : write(c->fd, q, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        q += w;
        n -= (size_t) w;
    }
    return 0;
}

/* tds_read_message - every packet of one message, payloads joined */
int
tds_read_message(tds_conn_t *c, uint8_t *type, tds_buf_t *msg)
{
    uint8_t hdr[TDS_HEADER_LEN];
    bool    first = true;

    msg->len = 0;
    for (;;) {
        size_t  len;

        if (read_full(c, hdr, sizeof hdr) != 0)
            return -1;
        len = ((size_t) hdr[2] << 8) | hdr[3];
        if (len < TDS_HEADER_LEN)
            return -1;
        if (first)
            *type = hdr[0];
        else if (hdr[0] != *type)
            return -1;              /* packets of one message share a type */
        first = false;
        len -= TDS_HEADER_LEN;
        if (msg->len + len > TDS_MAX_MESSAGE)
            return -1;
        grow(msg, len);
        if (read_full(c, msg->data + msg->len, len) != 0)
            return -1;
        msg->len += len;
        if (hdr[1] & 0x01)
            return 0;
    }
}

/* tds_out_init - an empty reply of that packet type */
void
tds_out_init(tds_out_t *o, tds_conn_t *c, size_t packet_size, uint8_t type)
{
    o->conn = c;
    o->packet_size = packet_size;
    o->packet_id = 1;
    o->type = type;
    o->failed = false;
    o->buf.len = 0;
}

/* send_packet - one packet of n payload bytes from the buffer's start */
static int
send_packet(tds_out_t *o, size_t n, bool last)
{
    uint8_t hdr[TDS_HEADER_LEN];
    size_t  total = n + TDS_HEADER_LEN;

    if (o->failed)
        return -1;
    hdr[0] = o->type;
    hdr[1] = last ? 0x01 : 0x00;
    hdr[2] = (total >> 8) & 0xFF;
    hdr[3] = total & 0xFF;
    hdr[4] = 0;
    hdr[5] = 51;                    /* SPID */
    hdr[6] = o->packet_id++;
    hdr[7] = 0;
    if (write_full(o->conn, hdr, sizeof hdr) != 0 || write_full(o->conn, o->buf.data, n) != 0) {
        o->failed = true;
        return -1;
    }
    memmove(o->buf.data, o->buf.data + n, o->buf.len - n);
    o->buf.len -= n;
    return 0;
}

/* tds_out_flush - send every full packet held */
int
tds_out_flush(tds_out_t *o)
{
    size_t  room = o->packet_size - TDS_HEADER_LEN;

    /* keep at least one byte back, so that the last packet carries EOM */
    while (o->buf.len > room)
        if (send_packet(o, room, false) != 0)
            return -1;
    return 0;
}

/* tds_out_end - the message's last packet */
int
tds_out_end(tds_out_t *o)
{
    if (tds_out_flush(o) != 0)
        return -1;
    return send_packet(o, o->buf.len, true);
}
