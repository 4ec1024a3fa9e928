/*
 * NAME
 *   fuzz_msg - libFuzzer target: every message decoder (msg_decode)
 *
 * DESCRIPTION
 *   Feeds any bytes to msg_decode, which reaches order_unpack and
 *   match_unpack through order and matched messages. Properties: no memory
 *   error; a refusal has an error text; a message that decodes encodes
 *   again into bytes that decode to the same type.
 */
#include <string.h>

#include "msg.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char    err[512] = "";
    msg_t  *m, *again;
    void   *buf;
    size_t  len;

    fuzz_quiet();
    m = msg_decode(data, size, err, sizeof err);

    if (m == NULL) {
        if (err[0] == 0)
            fuzz_fail("msg_decode refused a frame without saying why");
        return 0;
    }
    buf = msg_encode(m, &len);
    again = msg_decode(buf, len, err, sizeof err);
    if (again == NULL)
        fuzz_fail("a decoded %s message does not decode after encoding: %s",
                  msg_type_name(m->type), err);
    if (again->type != m->type)
        fuzz_fail("message type %d came back as %d", m->type, again->type);
    free(buf);
    msg_destroy(&again);
    msg_destroy(&m);
    return 0;
}
