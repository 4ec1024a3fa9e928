/*
 * NAME
 *   fuzz_odata - libFuzzer target: OData string literals cannot be escaped
 *
 * DESCRIPTION
 *   Takes any bytes (up to the first NUL) as customer data and quotes them
 *   with snelstart_odata_string. Properties: the literal starts and ends
 *   with a quote and every quote inside is doubled; and the simulator's
 *   OData parser reads "Email eq " + literal as exactly one comparison of
 *   Email whose value is the input, byte for byte: the data cannot end
 *   the literal, add a condition or change the operator.
 */
#include <string.h>
#include <jansson.h>

#include "snelstart.h"
#include "../sim/snelstart/ssim_odata.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char   *in = strndup((const char *) data, size), *lit, *filter;
    char    err[256];
    const char *path, *value;
    size_t  n, i;
    json_t *tmpl;
    ssim_filter_t *f;

    fuzz_quiet();

    if (in == NULL)
        return 0;
    lit = snelstart_odata_string(in);
    n = strlen(lit);
    if (n < 2 || lit[0] != '\'' || lit[n - 1] != '\'')
        fuzz_fail("literal of \"%s\" is not quoted: %s", in, lit);
    for (i = 1; i < n - 1; i++) {
        if (lit[i] == '\'') {
            if (i + 1 >= n - 1 || lit[i + 1] != '\'')
                fuzz_fail("a lone quote at %zu in the literal %s", i, lit);
            i++;
        }
    }

    tmpl = json_pack("{s:s}", "Email", "");
    filter = malloc(n + 16);
    if (tmpl == NULL || filter == NULL)
        fuzz_fail("out of memory");
    snprintf(filter, n + 16, "Email eq %s", lit);
    if ((f = ssim_odata_parse(filter, tmpl, err, sizeof err)) == NULL)
        fuzz_fail("the filter %s does not parse: %s", filter, err);
    if (!ssim_odata_string_cmp(f, &path, &value))
        fuzz_fail("the filter %s is not one string comparison", filter);
    if (strcmp(path, "Email") != 0 || strcmp(value, in) != 0)
        fuzz_fail("the filter %s compares %s with \"%s\"", filter, path, value);
    ssim_odata_destroy(&f);
    json_decref(tmpl);
    free(filter);
    free(lit);
    free(in);
    return 0;
}
