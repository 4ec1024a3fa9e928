/*
 * NAME
 *   fuzz_match - libFuzzer target: match_unpack from msgpack bytes
 *
 * DESCRIPTION
 *   Unpacks any bytes with msgpack and hands the object to match_unpack.
 *   Properties: no memory error; a refusal has an error text; a decision
 *   that unpacks packs again into one with the same decision, relatiecode
 *   and relatie id.
 */
#include <string.h>
#include <msgpack.h>

#include "match.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    msgpack_unpacked up, up2;
    msgpack_sbuffer sb;
    msgpack_packer pk;
    size_t  off = 0;
    char    err[512] = "";
    match_t *m, *again;

    fuzz_quiet();

    msgpack_unpacked_init(&up);
    if (msgpack_unpack_next(&up, (const char *) data, size, &off) != MSGPACK_UNPACK_SUCCESS) {
        msgpack_unpacked_destroy(&up);
        return 0;
    }
    if ((m = match_unpack(&up.data, err, sizeof err)) == NULL) {
        if (err[0] == 0)
            fuzz_fail("match_unpack refused an object without saying why");
        msgpack_unpacked_destroy(&up);
        return 0;
    }
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    match_pack(m, &pk);
    msgpack_unpacked_init(&up2);
    off = 0;
    if (msgpack_unpack_next(&up2, sb.data, sb.size, &off) != MSGPACK_UNPACK_SUCCESS)
        fuzz_fail("match_pack wrote bytes msgpack cannot read");
    if ((again = match_unpack(&up2.data, err, sizeof err)) == NULL)
        fuzz_fail("a packed decision does not unpack: %s", err);
    if (again->decision != m->decision || again->relatiecode != m->relatiecode
        || strcmp(again->relatie_id, m->relatie_id) != 0)
        fuzz_fail("a decision changed in a pack/unpack round trip");
    match_destroy(&again);
    match_destroy(&m);
    msgpack_unpacked_destroy(&up2);
    msgpack_sbuffer_destroy(&sb);
    msgpack_unpacked_destroy(&up);
    return 0;
}
