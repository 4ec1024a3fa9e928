/*
 * NAME
 *   test_globecharge_sim - the simulator's order generator and feed reader
 *
 * DESCRIPTION
 *   Checks that every generated order states VAT and totals that follow
 *   from its lines and charges (recomputed here independently, from the
 *   XML), that example order 10423 of the contract is reproduced, that the
 *   generator is deterministic by seed and spreads customers, countries and
 *   statuses as promised, and that exported relaties follow SnelStart's
 *   RelatieModel and the Klantnummer rule.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "../sim/globecharge/sim_gen.h"
#include "../sim/globecharge/sim_feed.h"

/* dec - a decimal string as an integer in 10^-scale units (exact) */
static int64_t
dec(const char *s, int scale)
{
    int64_t v = 0, sign = 1;
    int     frac = -1;

    if (*s == '-') {
        sign = -1;
        s++;
    }
    for (; *s; s++) {
        if (*s == '.') {
            frac = 0;
            continue;
        }
        assert_true(*s >= '0' && *s <= '9');
        if (frac >= scale)
            fail_msg("too many decimals");
        v = v * 10 + (*s - '0');
        if (frac >= 0)
            frac++;
    }
    for (frac = frac < 0 ? 0 : frac; frac < scale; frac++)
        v *= 10;
    return sign * v;
}

/* rnd - a / b rounded half away from zero, computed here on its own */
static int64_t
rnd(int64_t a, int64_t b)
{
    int64_t q = a / b, r = a % b;

    if (2 * (r < 0 ? -r : r) >= b)
        q += a < 0 ? -1 : 1;
    return q;
}

static xmlNodePtr
child(xmlNodePtr n, const char *name)
{
    for (n = n->children; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, BAD_CAST name))
            return n;
    return NULL;
}

static int64_t
child_dec(xmlNodePtr n, const char *name, int scale)
{
    xmlNodePtr c = child(n, name);
    xmlChar *t;
    int64_t v;

    assert_non_null(c);
    t = xmlNodeGetContent(c);
    v = dec((const char *) t, scale);
    xmlFree(t);
    return v;
}

static int64_t
prop_dec(xmlNodePtr n, const char *name, int scale)
{
    xmlChar *t = xmlGetProp(n, BAD_CAST name);
    int64_t v;

    assert_non_null(t);
    v = dec((const char *) t, scale);
    xmlFree(t);
    return v;
}

/* check_order - every stated figure of one order follows from its lines;
 * returns the number of VAT rates */
static int
check_order(const char *xml)
{
    xmlDocPtr doc = xmlReadMemory(xml, (int) strlen(xml), NULL, NULL, XML_PARSE_NONET);
    xmlNodePtr o, n, lines, charges, total;
    int64_t rate[8], sum[8];
    int     nr = 0, i, nvat = 0;
    int64_t excl = 0, vat = 0;
    xmlChar *t;
    bool    incl;

    assert_non_null(doc);
    o = xmlDocGetRootElement(doc);
    assert_string_equal((const char *) o->name, "order");
    assert_non_null(o->ns);
    assert_string_equal((const char *) o->ns->href, GCSIM_NS);
    t = xmlNodeGetContent(child(o, "pricesIncludeVat"));
    incl = strcmp((const char *) t, "true") == 0;
    xmlFree(t);
    lines = child(o, "lines");
    assert_non_null(lines);
    for (n = lines->children; n; n = n->next) {
        int64_t qty, unit, tot, r;

        if (n->type != XML_ELEMENT_NODE)
            continue;
        qty = child_dec(n, "quantity", 4);
        unit = child_dec(n, "unitPrice", 4);
        tot = child_dec(n, "total", 2);
        r = child_dec(n, "vatRate", 2);
        assert_int_equal(tot, rnd(qty * unit, 1000000));
        for (i = 0; i < nr && rate[i] != r; i++)
            ;
        if (i == nr) {
            rate[nr] = r;
            sum[nr++] = 0;
        }
        sum[i] += tot;
    }
    if ((charges = child(o, "charges")) != NULL) {
        for (n = charges->children; n; n = n->next) {
            int64_t r, a;

            if (n->type != XML_ELEMENT_NODE)
                continue;
            r = prop_dec(n, "vatRate", 2);
            t = xmlNodeGetContent(n);
            a = dec((const char *) t, 2);
            xmlFree(t);
            if (xmlStrEqual(n->name, BAD_CAST "discount"))
                assert_true(a < 0);
            for (i = 0; i < nr && rate[i] != r; i++)
                ;
            if (i == nr) {
                rate[nr] = r;
                sum[nr++] = 0;
            }
            sum[i] += a;
        }
    }
    for (n = o->children; n; n = n->next) {
        int64_t r, b, a, want_vat, want_base;

        if (n->type != XML_ELEMENT_NODE || !xmlStrEqual(n->name, BAD_CAST "vat"))
            continue;
        r = prop_dec(n, "rate", 2);
        b = prop_dec(n, "base", 2);
        a = prop_dec(n, "amount", 2);
        for (i = 0; i < nr && rate[i] != r; i++)
            ;
        assert_true(i < nr);
        if (incl) {
            want_vat = rnd(sum[i] * r, 10000 + r);
            want_base = sum[i] - want_vat;
        } else {
            want_vat = rnd(sum[i] * r, 10000);
            want_base = sum[i];
        }
        assert_int_equal(a, want_vat);
        assert_int_equal(b, want_base);
        excl += b;
        vat += a;
        nvat++;
    }
    assert_int_equal(nvat, nr);
    total = child(o, "total");
    assert_non_null(total);
    assert_int_equal(prop_dec(total, "excl", 2), excl);
    assert_int_equal(prop_dec(total, "vat", 2), vat);
    assert_int_equal(prop_dec(total, "incl", 2), excl + vat);
    xmlFreeDoc(doc);
    return nvat;
}

static const char example_10423[] =
    "<order xmlns=\"urn:globecharge:orders:1\" number=\"10423\" status=\"paid\">"
    "<pricesIncludeVat>true</pricesIncludeVat><lines>"
    "<line><sku>BR-001</sku><quantity>2</quantity><unitPrice>3.25</unitPrice>"
    "<vatRate>9</vatRate><total>6.50</total></line>"
    "<line><sku>TD-014</sku><quantity>1</quantity><unitPrice>8.95</unitPrice>"
    "<vatRate>21</vatRate><total>8.95</total></line></lines><charges>"
    "<shipping description=\"PostNL pakket\" vatRate=\"21\">6.95</shipping>"
    "<payment description=\"iDEAL transactiekosten\" vatRate=\"21\">0.29</payment>"
    "<discount description=\"Kortingscode WELKOM\" vatRate=\"9\">-0.65</discount></charges>"
    "<vat rate=\"9\" base=\"5.37\" amount=\"0.48\"/>"
    "<vat rate=\"21\" base=\"13.38\" amount=\"2.81\"/>"
    "<total excl=\"18.75\" vat=\"3.29\" incl=\"22.04\"/></order>";

static void
test_figures_reproduce_example_order_10423(void **state)
{
    /* lines and charges of 10423 in document order */
    const int32_t rates[] = { 900, 2100, 2100, 2100, 900 };
    const int64_t amounts[] = { 650, 895, 695, 29, -65 };
    sim_gen_vat_t v[4];
    int64_t excl, vat, incl;

    assert_int_equal(sim_gen_figures(rates, amounts, 5, true, v, 4, &excl, &vat, &incl), 2);
    assert_int_equal(v[0].rate_e2, 900);
    assert_int_equal(v[0].base_cents, 537);
    assert_int_equal(v[0].vat_cents, 48);
    assert_int_equal(v[1].rate_e2, 2100);
    assert_int_equal(v[1].base_cents, 1338);
    assert_int_equal(v[1].vat_cents, 281);
    assert_int_equal(excl, 1875);
    assert_int_equal(vat, 329);
    assert_int_equal(incl, 2204);
    /* and the independent checker agrees with the example as published */
    assert_int_equal(check_order(example_10423), 2);
}

static void
test_figures_excluding_vat_add_vat_on_top(void **state)
{
    const int32_t rates[] = { 2100, 2100, 0 };
    const int64_t amounts[] = { 4150, 574, 1000 };
    sim_gen_vat_t v[4];
    int64_t excl, vat, incl;

    assert_int_equal(sim_gen_figures(rates, amounts, 3, false, v, 4, &excl, &vat, &incl), 2);
    assert_int_equal(v[0].rate_e2, 0);
    assert_int_equal(v[0].base_cents, 1000);
    assert_int_equal(v[1].base_cents, 4724);
    assert_int_equal(v[1].vat_cents, 992);      /* 992.04 */
    assert_int_equal(incl, 1000 + 4724 + 992);
    assert_int_equal(sim_gen_round(-5, 2), -3);
    assert_int_equal(sim_gen_round(5, 2), 3);
}

struct collect {
    char  **xml;
    char  **status;
    int64_t *number;
    long    n;
};

static int
collect(int64_t number, const char *status, const char *xml, void *arg)
{
    struct collect *c = arg;

    c->xml = realloc(c->xml, (c->n + 1) * sizeof *c->xml);
    c->status = realloc(c->status, (c->n + 1) * sizeof *c->status);
    c->number = realloc(c->number, (c->n + 1) * sizeof *c->number);
    c->xml[c->n] = strdup(xml);
    c->status[c->n] = strdup(status);
    c->number[c->n] = number;
    c->n++;
    return 0;
}

static void
collect_free(struct collect *c)
{
    long    i;

    for (i = 0; i < c->n; i++) {
        free(c->xml[i]);
        free(c->status[i]);
    }
    free(c->xml);
    free(c->status);
    free(c->number);
    memset(c, 0, sizeof *c);
}

static void
test_every_generated_order_states_consistent_figures(void **state)
{
    sim_gen_t *g = sim_gen_new(42, 20001, 1500);
    struct collect c = { 0 };
    long    i, paid = 0, open = 0, incomplete = 0, cancelled = 0;
    long    nl = 0, eu = 0, outside = 0, zero_biz = 0, excl = 0, klant = 0, deliv = 0, multi = 0;

    assert_int_equal(sim_gen_run(g, collect, &c), 1500);
    assert_int_equal(c.number[0], 20001);
    for (i = 0; i < c.n; i++) {
        const char *x = c.xml[i];

        if (check_order(x) > 1)
            multi++;
        if (i > 0)
            assert_true(c.number[i] > c.number[i - 1]);
        paid += strcmp(c.status[i], "paid") == 0;
        open += strcmp(c.status[i], "open") == 0;
        incomplete += strcmp(c.status[i], "incomplete") == 0;
        cancelled += strcmp(c.status[i], "cancelled") == 0;
        nl += strstr(x, "<country>NL</country>") != NULL;
        eu += strstr(x, "<country>BE</country>") || strstr(x, "<country>DE</country>");
        outside += strstr(x, "<country>NO</country>") || strstr(x, "<country>US</country>")
            || strstr(x, "<country>GB</country>");
        zero_biz += (strstr(x, "<vatNumber>BE") || strstr(x, "<country>DE</country>"))
            && strstr(x, "<vatNumber>") && strstr(x, "<vat rate=\"0\"") && !strstr(x, "<vat rate=\"21\"");
        excl += strstr(x, "<pricesIncludeVat>false") != NULL;
        klant += strcasestr(x, "klantnummer") != NULL;
        deliv += strstr(x, "<delivery>") != NULL;
    }
    assert_true(paid + open > c.n * 80 / 100);
    assert_true(incomplete > 0 && incomplete < c.n / 10);
    assert_true(cancelled > 0 && cancelled < c.n / 10);
    assert_true(nl > c.n * 60 / 100);
    assert_true(eu > 0 && outside > 0 && zero_biz > 0);
    assert_true(excl > 0 && klant > 0 && deliv > 0 && multi > 0);
    collect_free(&c);
    sim_gen_destroy(&g);
    assert_null(g);
}

static void
test_generator_is_deterministic_by_seed(void **state)
{
    sim_gen_t *a = sim_gen_new(7, 1, 50), *b = sim_gen_new(7, 1, 50), *d = sim_gen_new(8, 1, 50);
    struct collect ca = { 0 }, cb = { 0 }, cd = { 0 };
    long    i, differ = 0;

    sim_gen_run(a, collect, &ca);
    sim_gen_run(b, collect, &cb);
    sim_gen_run(d, collect, &cd);
    for (i = 0; i < 50; i++) {
        assert_string_equal(ca.xml[i], cb.xml[i]);
        differ += strcmp(ca.xml[i], cd.xml[i]) != 0;
    }
    assert_true(differ > 40);
    collect_free(&ca);
    collect_free(&cb);
    collect_free(&cd);
    sim_gen_destroy(&a);
    sim_gen_destroy(&b);
    sim_gen_destroy(&d);
}

static void
test_customers_repeat_about_three_orders_each(void **state)
{
    sim_gen_t *g = sim_gen_new(11, 1, 900);
    struct collect c = { 0 };
    char  **emails = calloc(900, sizeof *emails);
    long    i, j, distinct = 0;

    sim_gen_run(g, collect, &c);
    for (i = 0; i < c.n; i++) {
        char   *s = strstr(c.xml[i], "<email>"), *e;

        assert_non_null(s);
        e = strstr(s, "</email>");
        s = strndup(s + 7, (size_t) (e - s - 7));
        for (j = 0; j < distinct && strcmp(emails[j], s); j++)
            ;
        if (j == distinct)
            emails[distinct++] = s;
        else
            free(s);
    }
    /* 300 customers in the pool; almost all of them order */
    assert_true(distinct > 200 && distinct <= 300);
    for (i = 0; i < distinct; i++)
        free(emails[i]);
    free(emails);
    collect_free(&c);
    sim_gen_destroy(&g);
}

static void
test_land_id_follows_the_ascii_rule(void **state)
{
    char    id[37];

    sim_gen_land_id("NL", id);
    assert_string_equal(id, "00000000-0000-4000-8000-000000004e4c");
    sim_gen_land_id("BE", id);
    assert_string_equal(id, "00000000-0000-4000-8000-000000004245");
}

static void
test_exported_relaties_match_the_orders_klantnummer(void **state)
{
    sim_gen_t *g = sim_gen_new(5, 1, 600);
    struct collect c = { 0 };
    char    path[] = "/tmp/test_relaties_XXXXXX", err[256];
    int     fd = mkstemp(path);
    json_t *arr, *r;
    json_error_t jerr;
    size_t  i;
    long    n, k, checked = 0;

    assert_true(fd >= 0);
    close(fd);
    sim_gen_run(g, collect, &c);
    n = sim_gen_export_relaties(g, path, 0.5, err, sizeof err);
    assert_true(n > 0);
    arr = json_load_file(path, 0, &jerr);
    assert_non_null(arr);
    assert_int_equal(json_array_size(arr), (size_t) n);
    /* about half of ~200 customers */
    assert_true(n > 60 && n < 140);
    json_array_foreach(arr, i, r) {
        json_int_t code = json_integer_value(json_object_get(r, "relatiecode"));
        const char *email = json_string_value(json_object_get(r, "email"));
        const char *land = json_string_value(json_object_get(json_object_get(
            json_object_get(r, "vestigingsAdres"), "land"), "id"));
        char    field[64];

        assert_true(code >= 1001);
        assert_int_equal(strlen(json_string_value(json_object_get(r, "id"))), 36);
        assert_string_equal(json_string_value(json_array_get(json_object_get(r, "relatiesoort"), 0)), "Klant");
        assert_true(strlen(json_string_value(json_object_get(r, "naam"))) <= 100);
        assert_true(json_is_false(json_object_get(r, "nonactief")));
        assert_non_null(json_object_get(json_object_get(r, "factuurEmailVersturen"), "shouldSend"));
        assert_non_null(land);
        assert_int_equal(strncmp(land, "00000000-0000-4000-8000-00000000", 32), 0);
        /* every order of this customer that has the field holds the code */
        snprintf(field, sizeof field, "\">%lld</field>", (long long) code);
        for (k = 0; k < c.n; k++) {
            char    want[160];

            snprintf(want, sizeof want, "<email>%s</email>", email);
            if (strstr(c.xml[k], want) && strcasestr(c.xml[k], "klantnummer")) {
                assert_non_null(strstr(c.xml[k], field));
                checked++;
            }
        }
    }
    assert_true(checked > 0);
    json_decref(arr);
    unlink(path);
    collect_free(&c);
    sim_gen_destroy(&g);
}

struct feed_seen {
    int     n;
    int64_t numbers[8];
    char    xml[8][2048];
};

static int
feed_seen(int64_t number, const char *status, const char *xml, void *arg)
{
    struct feed_seen *s = arg;

    s->numbers[s->n] = number;
    snprintf(s->xml[s->n], sizeof s->xml[0], "%s", xml);
    s->n++;
    return 0;
}

static void
test_feed_reader_keeps_invalid_orders_verbatim_and_skips_unnumbered(void **state)
{
    static const char doc[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<orders xmlns=\"urn:globecharge:orders:1\" from=\"1\" count=\"3\">\n"
        "<order number=\"7\" status=\"paid\"><line><total>12,50</total></line></order>\n"
        "<order number=\"x8\" status=\"paid\"/>\n"
        "<order number=\"9\" status=\"open\"><b>caf\xc3\xa9</b></order>\n"
        "</orders>\n";
    struct feed_seen s = { 0 };
    char    err[256];

    assert_int_equal(sim_feed_parse(doc, sizeof doc - 1, "test", feed_seen, &s, err, sizeof err), 2);
    assert_int_equal(s.numbers[0], 7);
    assert_int_equal(s.numbers[1], 9);
    assert_string_equal(s.xml[0], "<order xmlns=\"urn:globecharge:orders:1\" number=\"7\""
                        " status=\"paid\"><line><total>12,50</total></line></order>");
    assert_non_null(strstr(s.xml[1], "caf\xc3\xa9"));
    assert_int_equal(sim_feed_parse("<a>", 3, "broken", feed_seen, &s, err, sizeof err), -1);
    assert_non_null(strstr(err, "broken"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_figures_reproduce_example_order_10423),
        cmocka_unit_test(test_figures_excluding_vat_add_vat_on_top),
        cmocka_unit_test(test_every_generated_order_states_consistent_figures),
        cmocka_unit_test(test_generator_is_deterministic_by_seed),
        cmocka_unit_test(test_customers_repeat_about_three_orders_each),
        cmocka_unit_test(test_land_id_follows_the_ascii_rule),
        cmocka_unit_test(test_exported_relaties_match_the_orders_klantnummer),
        cmocka_unit_test(test_feed_reader_keeps_invalid_orders_verbatim_and_skips_unnumbered),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
