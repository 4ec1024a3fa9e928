/*
 * test_factuur_pdf - the invoice PDF read back with pdftotext says what the
 * order says: seller, factuurnummer, lines, VAT per rate and totals to the
 * cent; it is attached to the verkoopboeking in snelstart-sim once, also
 * when the answer is lost
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>

#include "base64.h"
#include "factuur_pdf.h"
#include "fixture.h"
#include "xalloc.h"

/* with_pdf - the fixture with the invoice PDF on */
static fixture_t *
with_pdf(fixture_t *f)
{
    f->p->factuur_pdf = true;
    return f;
}

/* pdf_text - pdftotext -layout of PDF bytes (new memory) */
static char *
pdf_text(const void *pdf, size_t len)
{
    char    path[] = "/tmp/koppel-factuur-XXXXXX", cmd[128];
    char   *out = xcalloc(1, 65536);
    int     fd = mkstemp(path);
    size_t  n;
    FILE   *p;

    assert_true(fd >= 0);
    assert_int_equal(write(fd, pdf, len), (ssize_t) len);
    close(fd);
    snprintf(cmd, sizeof cmd, "pdftotext -layout %s -", path);
    p = popen(cmd, "r");
    assert_non_null(p);
    n = fread(out, 1, 65535, p);
    out[n] = 0;
    assert_int_equal(pclose(p), 0);
    unlink(path);
    return out;
}

/* has_line - a line of the text holds every one of the words, in order */
static bool
has_line(const char *text, const char *first, const char *second)
{
    const char *l = text;

    while (l && *l) {
        const char *end = strchr(l, '\n'), *a;
        size_t  n = end ? (size_t) (end - l) : strlen(l);
        char   *line = strndup(l, n);
        bool    ok = (a = strstr(line, first)) != NULL
            && (second == NULL || strstr(a + strlen(first), second) != NULL);

        free(line);
        if (ok)
            return true;
        l = end ? end + 1 : NULL;
    }
    return false;
}

/* the_invoice_says_what_the_order_says - order 10423 read back from its PDF */
static void
the_invoice_says_what_the_order_says(void **state)
{
    static const char *const expect[][2] = {
        { "Bakkerij De Korenschoof", NULL },
        { "Dorpsstraat 1", NULL },
        { "1234 AB Ergens", NULL },
        { "Btw-nummer: NL001234560B01", NULL },
        { "KvK-nummer: 12345678", NULL },
        { "Factuurnummer: 10423", NULL },
        { "Factuurdatum: 2026-11-02", NULL },
        { "Ordernummer: 10423, betaald met iDEAL", NULL },
        { "Volkorenbrood", "6,50" },
        { "Theedoek", "8,95" },
        { "Btw 9% over 5,37", "0,48" },
        { "Btw 21% over 13,38", "2,81" },
        { "Totaal excl. btw (EUR)", "18,75" },
        { "Btw", "3,29" },
        { "Totaal incl. btw (EUR)", "22,04" },
    };
    fixture_t *f = with_pdf(fixture_load());
    char    err[1024], *text;
    unsigned char *pdf;
    size_t  len = 0, i;

    pdf = factuur_pdf_render(f->orders->items[0].order, f->p, "10423", "2026-11-02", &len,
                             err, sizeof err);
    if (pdf == NULL)
        fail_msg("%s", err);
    assert_memory_equal(pdf, "%PDF-", 5);
    text = pdf_text(pdf, len);
    for (i = 0; i < sizeof expect / sizeof expect[0]; i++)
        if (!has_line(text, expect[i][0], expect[i][1]))
            fail_msg("no line with \"%s\" ... \"%s\" in:\n%s", expect[i][0],
                     expect[i][1] ? expect[i][1] : "", text);
    free(text);
    free(pdf);
    fixture_stop(&f);
}

/* text_and_large_amounts - accents and the euro sign in WinAnsi, what it
 * lacks as '?', thousands with a point */
static void
text_and_large_amounts(void **state)
{
    fixture_t *f = with_pdf(fixture_load());
    order_t *o;
    char    err[1024], *text;
    unsigned char *pdf;
    size_t  len = 0;

    o = order_dup(f->orders->items[0].order);
    order_set(&o->lines[0].description, "Crème brûlée \xe2\x82\xac 5 \xe2\x98\x95");
    o->total_incl_cents = 123456789;
    fixture_replace(&f->p->shop_naam, "Café Zoë");
    pdf = factuur_pdf_render(o, f->p, "10423", "2026-11-02", &len, err, sizeof err);
    assert_non_null(pdf);
    text = pdf_text(pdf, len);
    assert_true(has_line(text, "Café Zoë", NULL));
    assert_true(has_line(text, "Crème brûlée € 5 ?", NULL));
    assert_true(has_line(text, "Totaal incl. btw (EUR)", "1.234.567,89"));
    free(text);
    free(pdf);
    order_destroy(&o);
    fixture_stop(&f);
}

/* documents - the documents snelstart-sim holds */
static json_t *
documents(fixture_t *f)
{
    char   *body;
    json_t *list;

    assert_int_equal(sim_proc_get(&f->sim, "/_sim/documenten", &body), 200);
    list = json_loads(body, 0, NULL);
    free(body);
    assert_true(json_is_array(list));
    return list;
}

/* attached_once - book order 10423 until booked: one PDF on its verkoopboeking, read back */
static void
attached_once(fixture_t *f)
{
    match_t *m = fixture_is_new("email:jan@devries.nl");
    order_t *o = f->orders->items[0].order;
    book_outcome_t out;
    json_t *docs, *doc;
    void   *pdf;
    size_t  len, i;
    char   *text;

    order_set(&o->profile, f->p->name);
    for (i = 0; i < 4 && (i == 0 || out.result != BOOK_BOOKED); i++)
        book_order(f->admin, f->ledger, o, m, &out);
    assert_int_equal(out.result, BOOK_BOOKED);
    assert_non_null(strstr(out.reason, "factuur-PDF bijgevoegd"));
    book_order(f->admin, f->ledger, o, m, &out);     /* again: nothing more */
    assert_int_equal(out.result, BOOK_BOOKED);
    docs = documents(f);
    assert_int_equal(json_array_size(docs), 1);
    doc = json_array_get(docs, 0);
    assert_string_equal(json_string_value(json_object_get(doc, "fileName")), "factuur-10423.pdf");
    assert_string_equal(json_string_value(json_object_get(doc, "documenttype")),
                        "Verkoopboekingen");
    pdf = base64_decode(json_string_value(json_object_get(doc, "content")), &len);
    assert_non_null(pdf);
    text = pdf_text(pdf, len);
    assert_true(has_line(text, "Totaal incl. btw (EUR)", "22,04"));
    free(text);
    free(pdf);
    json_decref(docs);
    match_destroy(&m);
}

/* the_pdf_is_attached_to_the_verkoopboeking_once - and read back from snelstart-sim */
static void
the_pdf_is_attached_to_the_verkoopboeking_once(void **state)
{
    fixture_t *f = with_pdf(fixture_start(NULL, NULL));

    attached_once(f);
    fixture_stop(&f);
}

/* a_lost_answer_is_looked_up_not_attached_twice - every answer to a write is
 * lost: SnelStart's list of the verkoopboeking's documents says it is there */
static void
a_lost_answer_is_looked_up_not_attached_twice(void **state)
{
    fixture_t *f = with_pdf(fixture_start("--drop-after-store-rate", "1"));

    attached_once(f);
    fixture_stop(&f);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_invoice_says_what_the_order_says),
        cmocka_unit_test(text_and_large_amounts),
        cmocka_unit_test(the_pdf_is_attached_to_the_verkoopboeking_once),
        cmocka_unit_test(a_lost_answer_is_looked_up_not_attached_twice),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
