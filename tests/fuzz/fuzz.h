/*
 * NAME
 *   fuzz - what every libFuzzer target of tests/fuzz/ shares
 *
 * DESCRIPTION
 *   Each fuzz_NAME.c defines LLVMFuzzerTestOneInput and includes this
 *   header once. The same file is linked two ways: with clang's libFuzzer
 *   (make fuzz) and with replay.c (make test), which feeds it every file
 *   of tests/fuzz/corpus/NAME/. A property that does not hold calls
 *   fuzz_fail, which aborts so that both ways report it.
 *
 *   msgpack allocates what a container header declares before it reads
 *   the elements, so a few bytes can ask for gigabytes. Under
 *   AddressSanitizer such a malloc returns NULL (msgpack then reports
 *   MSGPACK_UNPACK_NOMEM_ERROR), as it does without a sanitizer.
 */
#ifndef KOPPEL_FUZZ_H
#define KOPPEL_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__asan_default_options(void);

/* __asan_default_options - huge mallocs return NULL instead of aborting */
const char *
__asan_default_options(void)
{
    return "allocator_may_return_null=1:max_allocation_size_mb=1024";
}

/* fuzz_quiet - warnings about bad input would flood the fuzzer's output */
#define fuzz_quiet() log_init("fuzz", LOG_LEVEL_ERROR)

/* fuzz_fail - a property does not hold: say which and abort */
#define fuzz_fail(...) do {                                  \
        fprintf(stderr, "fuzz property failed: " __VA_ARGS__); \
        fputc('\n', stderr);                                  \
        abort();                                              \
    } while (0)

#endif
