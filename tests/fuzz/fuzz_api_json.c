/*
 * NAME
 *   fuzz_api_json - libFuzzer target: what koppel does with SnelStart answers
 *
 * DESCRIPTION
 *   Treats any bytes as the body of a SnelStart API answer and gives it to
 *   each reader koppel has for one: snelstart_parse_errors (an error
 *   answer), relatie_index_upsert_json on every element of an array (a
 *   page of /relaties, the matcher's index), relatie_index_set_landen (a
 *   /landen answer) and boeking_check_grootboeken (a /grootboeken answer,
 *   checked against a profile that sets a few accounts). Properties: no
 *   memory error; the error texts are NUL-terminated within their buffers;
 *   a refused relatie leaves the index count unchanged.
 */
#include <string.h>
#include <jansson.h>

#include "config.h"
#include "snelstart.h"
#include "relatie_index.h"
#include "boeking.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char    code[32], msg[256], err[512], *text;
    json_error_t jerr;
    json_t *j, *e;
    relatie_index_t *ix;
    profile_t p;
    size_t  i;

    fuzz_quiet();

    /* an error answer is read from NUL-terminated text */
    text = malloc(size + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = 0;
    memset(code, 'x', sizeof code);
    memset(msg, 'x', sizeof msg);
    snelstart_parse_errors(text, code, sizeof code, msg, sizeof msg);
    if (memchr(code, 0, sizeof code) == NULL || memchr(msg, 0, sizeof msg) == NULL)
        fuzz_fail("snelstart_parse_errors left a buffer unterminated");
    free(text);

    if ((j = json_loadb((const char *) data, size, JSON_DECODE_ANY, &jerr)) == NULL)
        return 0;

    ix = relatie_index_new();
    relatie_index_set_landen(ix, j);
    if (json_is_array(j)) {
        json_array_foreach(j, i, e) {
            size_t  before = relatie_index_count(ix);

            err[0] = 0;
            if (!relatie_index_upsert_json(ix, e, err, sizeof err)) {
                if (err[0] == 0)
                    fuzz_fail("relatie %zu refused without saying why", i);
                if (relatie_index_count(ix) != before)
                    fuzz_fail("a refused relatie changed the index");
            }
        }
    }
    relatie_index_destroy(&ix);

    memset(&p, 0, sizeof p);
    p.name = "fuzz";
    p.grootboek[KIND_OMZET][REGION_NL][BTW_HOOG] = 8000;
    p.grootboek[KIND_OMZET][REGION_EU][BTW_GEEN] = 8100;
    p.grootboek[KIND_VERZENDKOSTEN][REGION_NL][BTW_HOOG] = 8400;
    err[0] = 0;
    if (!boeking_check_grootboeken(&p, j, err, sizeof err) && err[0] == 0)
        fuzz_fail("boeking_check_grootboeken refused without saying why");
    json_decref(j);
    return 0;
}
