/*
 * NAME
 *   fuzz_order - libFuzzer target: order_unpack from msgpack bytes
 *
 * DESCRIPTION
 *   Unpacks any bytes with msgpack and hands the object to order_unpack.
 *   Properties: no memory error; a refusal has an error text; an order
 *   that unpacks packs again into an object that unpacks to the same
 *   number, lines and e-mail.
 */
#include <string.h>
#include <msgpack.h>

#include "order.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    msgpack_unpacked up, up2;
    msgpack_sbuffer sb;
    msgpack_packer pk;
    size_t  off = 0;
    char    err[512] = "";
    order_t *o, *again;

    fuzz_quiet();

    msgpack_unpacked_init(&up);
    if (msgpack_unpack_next(&up, (const char *) data, size, &off) != MSGPACK_UNPACK_SUCCESS) {
        msgpack_unpacked_destroy(&up);
        return 0;
    }
    if ((o = order_unpack(&up.data, err, sizeof err)) == NULL) {
        if (err[0] == 0)
            fuzz_fail("order_unpack refused an object without saying why");
        msgpack_unpacked_destroy(&up);
        return 0;
    }
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    order_pack(o, &pk);
    msgpack_unpacked_init(&up2);
    off = 0;
    if (msgpack_unpack_next(&up2, sb.data, sb.size, &off) != MSGPACK_UNPACK_SUCCESS)
        fuzz_fail("order_pack wrote bytes msgpack cannot read");
    if ((again = order_unpack(&up2.data, err, sizeof err)) == NULL)
        fuzz_fail("a packed order does not unpack: %s", err);
    if (again->number != o->number || again->nlines != o->nlines
        || strcmp(again->email, o->email) != 0)
        fuzz_fail("order %lld changed in a pack/unpack round trip", (long long) o->number);
    order_destroy(&again);
    order_destroy(&o);
    msgpack_unpacked_destroy(&up2);
    msgpack_sbuffer_destroy(&sb);
    msgpack_unpacked_destroy(&up);
    return 0;
}
