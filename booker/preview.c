/*
 * NAME
 *   preview - koppel-booker --preview: the bodies koppel would post, offline
 *
 * DESCRIPTION
 *   See preview.h. The order is the first of a shop document file
 *   (shopdoc.h); the bodies are built by the same code that books
 *   (relatie_body.h, boeking.h, betaling.h) with the profile's settings:
 *   the relatie, the verkoopboeking and, when the profile books payments
 *   and the order is one to settle, the memoriaalboeking. Nothing
 *   is sent; with --factuur FILE the invoice PDF is written to FILE.
 *
 * DIAGNOSTICS
 *   Every error goes to standard error with the file or option it is
 *   about; the exit status is then 1 (2 for a bad option).
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "betaling.h"
#include "boeking.h"
#include "creditnota.h"
#include "daemon.h"
#include "factuur_pdf.h"
#include "log.h"
#include "preview.h"
#include "relatie_body.h"
#include "shopdoc.h"

#define MAX_REFUND_LINES 64

/* parse_refund - --credit-note "full" or "LINE:QUANTITY,...[,shipping]"
 * (lines counted from 1, whole quantities); false when it is neither */
static bool
parse_refund(const char *spec, creditnota_refund_t *r, creditnota_line_t *lines)
{
    char    buf[512], *tok, *save = NULL, *end;

    memset(r, 0, sizeof *r);
    r->seq = 1;
    r->lines = lines;
    if (strcmp(spec, "full") == 0) {
        r->full = true;
        return true;
    }
    if (strlen(spec) >= sizeof buf)
        return false;
    strcpy(buf, spec);
    for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        long    line, qty;

        if (strcmp(tok, "shipping") == 0) {
            r->shipping = true;
            continue;
        }
        line = strtol(tok, &end, 10);
        if (end == tok || *end != ':' || line < 1 || r->nlines == MAX_REFUND_LINES)
            return false;
        qty = strtol(end + 1, &end, 10);
        if (*end != '\0' || qty < 1 || qty > 1000000)
            return false;
        lines[r->nlines++] = (creditnota_line_t) { (size_t) (line - 1), (int64_t) qty * 10000 };
    }
    return r->nlines > 0 || r->shipping;
}

/* write_pdf - the invoice PDF the booker would attach, into a file */
static bool
write_pdf(const order_t *o, const profile_t *p, const json_t *boeking, const char *path)
{
    char    err[1024], date[11];
    unsigned char *pdf;
    size_t  len = 0;
    FILE   *fp;
    bool    ok;

    snprintf(date, sizeof date, "%.10s",
             json_string_value(json_object_get(boeking, "factuurdatum")));
    pdf = factuur_pdf_render(o, p, json_string_value(json_object_get(boeking, "factuurnummer")),
                             date, &len, err, sizeof err);
    if (pdf == NULL) {
        fprintf(stderr, "koppel-booker: %s\n", err);
        return false;
    }
    if ((fp = fopen(path, "wb")) == NULL) {
        fprintf(stderr, "koppel-booker: --factuur %s: %s\n", path, strerror(errno));
        free(pdf);
        return false;
    }
    ok = fwrite(pdf, 1, len, fp) == len;
    ok = fclose(fp) == 0 && ok;
    if (!ok)
        fprintf(stderr, "koppel-booker: --factuur %s: %s\n", path, strerror(errno));
    free(pdf);
    return ok;
}

/* preview - the --preview mode */
static int
preview(const char *file, const char *source, const char *config, const char *profile,
        long relatiecode, const creditnota_refund_t *refund, const char *pdf_path)
{
    char    err[1024];
    char   *text;
    cfg_t  *cfg;
    const profile_t *p;
    order_page_t *page;
    json_t *out, *boeking, *relatie = NULL;
    int     psp;

    if ((cfg = cfg_load(daemon_config_path(config), err, sizeof err)) == NULL) {
        fprintf(stderr, "koppel-booker: %s\n", err);
        return 1;
    }
    if ((p = cfg_profile(cfg, profile)) == NULL) {
        fprintf(stderr, "koppel-booker: --profile %s: no such profile in %s\n", profile,
                cfg->path);
        cfg_destroy(&cfg);
        return 1;
    }
    if ((page = shopdoc_read_file(source, file, err, sizeof err)) == NULL) {
        fprintf(stderr, "koppel-booker: %s\n", err);
        cfg_destroy(&cfg);
        return 1;
    }
    if (page->nitems == 0 || page->items[0].order == NULL) {
        fprintf(stderr, "koppel-booker: %s: %s\n", file,
                page->nitems ? page->items[0].error : "the document holds no order");
        order_page_destroy(&page);
        cfg_destroy(&cfg);
        return 1;
    }
    order_set(&page->items[0].order->profile, p->name);
    if (relatiecode <= 0
        && (relatie = relatie_build(page->items[0].order, p, NULL, err, sizeof err)) == NULL) {
        fprintf(stderr, "koppel-booker: %s\n", err);
        order_page_destroy(&page);
        cfg_destroy(&cfg);
        return 1;
    }
    if (refund != NULL)     /* the credit note, on the order's relatie */
        boeking = creditnota_build(page->items[0].order, refund, p, NULL,
                                   &(boeking_ctx_t) { .grootboeken = NULL }, err, sizeof err);
    else
        boeking = boeking_build(page->items[0].order, p, NULL,
                                &(boeking_ctx_t) { .grootboeken = NULL }, err, sizeof err);
    if (boeking == NULL) {
        fprintf(stderr, "koppel-booker: %s\n", err);
        json_decref(relatie);
        order_page_destroy(&page);
        cfg_destroy(&cfg);
        return 1;
    }
    if (relatiecode > 0)
        json_object_set_new(boeking, "klant", json_pack("{s:I}", "relatiecode",
                                                        (json_int_t) relatiecode));
    out = json_pack("{s:o, s:o}", "verkoopboeking", boeking, "relatie",
                    relatie ? relatie : json_null());
    if ((psp = betaling_provider(page->items[0].order, p)) >= 0) {
        json_t *mb = betaling_build(page->items[0].order, p, (psp_t) psp,
            json_string_value(json_object_get(boeking, "factuurnummer")), NULL,
            &(betaling_ctx_t) { NULL, NULL }, err, sizeof err);

        if (mb == NULL) {
            fprintf(stderr, "koppel-booker: %s\n", err);
            json_decref(out);
            order_page_destroy(&page);
            cfg_destroy(&cfg);
            return 1;
        }
        json_object_set_new(out, "memoriaalboeking", mb);
    }
    if (pdf_path && !write_pdf(page->items[0].order, p, boeking, pdf_path)) {
        json_decref(out);
        order_page_destroy(&page);
        cfg_destroy(&cfg);
        return 1;
    }
    text = boeking_dumps(out);
    printf("%s\n", text);
    free(text);
    json_decref(out);
    order_page_destroy(&page);
    cfg_destroy(&cfg);
    return 0;
}

/* preview_mode - handle --preview before the daemon starts; -1 when not asked */
int
preview_mode(int argc, char **argv, const char *usage)
{
    static const struct option opts[] = {
        { "preview", required_argument, NULL, 'p' },
        { "config", required_argument, NULL, 'c' },
        { "profile", required_argument, NULL, 'P' },
        { "relatiecode", required_argument, NULL, 'r' },
        { "source", required_argument, NULL, 's' },
        { "credit-note", required_argument, NULL, 'C' },
        { "factuur", required_argument, NULL, 'f' },
        { NULL, 0, NULL, 0 },
    };
    creditnota_refund_t refund;
    creditnota_line_t refund_lines[MAX_REFUND_LINES];
    bool    credit = false;
    const char *file = NULL, *config = NULL, *profile = NULL, *source = "globecharge";
    const char *pdf_path = NULL;
    long    relatiecode = 0;
    int     i, c;
    char   *end;

    for (i = 1; i < argc; i++)
        if (strcmp(argv[i], "--preview") == 0 || strncmp(argv[i], "--preview=", 10) == 0)
            break;
    if (i == argc)
        return -1;
    log_init(argv[0], LOG_LEVEL_WARNING);
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'p':
            file = optarg;
            break;
        case 'c':
            config = optarg;
            break;
        case 'P':
            profile = optarg;
            break;
        case 's':
            source = optarg;
            break;
        case 'C':
            if (!parse_refund(optarg, &refund, refund_lines)) {
                fprintf(stderr, "koppel-booker: --credit-note %s: expected \"full\" or "
                        "LINE:QUANTITY,...[,shipping]\n", optarg);
                return 2;
            }
            credit = true;
            break;
        case 'f':
            pdf_path = optarg;
            break;
        case 'r':
            relatiecode = strtol(optarg, &end, 10);
            if (*end || relatiecode <= 0) {
                fprintf(stderr, "koppel-booker: --relatiecode %s: expected a number\n", optarg);
                return 2;
            }
            break;
        default:
            fprintf(stderr, "%s", usage);
            return 2;
        }
    }
    if (file == NULL || profile == NULL) {
        fprintf(stderr, "koppel-booker: --preview needs ORDER.xml and --profile NAME\n%s", usage);
        return 2;
    }
    return preview(file, source, config, profile, relatiecode, credit ? &refund : NULL, pdf_path);
}
