/*
 * NAME
 *   wsim_gen - random but realistic WooCommerce orders for the simulator
 *
 * DESCRIPTION
 *   See wsim_gen.h. A pool of count/3 + 1 customers is made first, then
 *   each order picks a customer and products. Amounts are integer cents;
 *   every figure WooCommerce states (line subtotal/total and their tax,
 *   tax_lines, shipping, fees, discount, total_tax, total) is computed the
 *   way WooCommerce does with "round tax per line".
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "xalloc.h"
#include "wsim_gen.h"
#include "../simlib/simlib.h"

typedef struct {
    int     code;              /* relatiecode, 2001 up */
    bool    business;
    bool    zero_rated;        /* EU business with VAT number: no tax */
    bool    klantcode;         /* has a klantcode meta field */
    bool    used;
    char    uuid[37];
    char    first[40], last[40], company[80];
    char    street[60], number[12], postcode[16], city[40], country[3];
    char    email[160], phone[32], vat_number[32], coc_number[16];
} customer_t;

struct wsim_gen {
    uint64_t rng, seed;
    int64_t first_id;
    long    count;
    customer_t *customers;
    size_t  ncustomers;
};

typedef struct {
    const char *sku, *name;
    int64_t price_incl;        /* cents */
    int     rate;              /* percent */
} product_t;

static const product_t catalogue[] = {
    { "BR-001", "Volkorenbrood", 325, 9 },
    { "KF-010", "Koffiebonen 1 kg", 1895, 9 },
    { "TH-003", "Thee Earl Grey 100 g", 495, 9 },
    { "BK-101", "Kookboek &#8220;Hollandse pot&#8221;", 2495, 9 },
    { "TD-014", "Theedoek &ndash; linnen", 895, 21 },
    { "MK-220", "Mok aardewerk &amp; glazuur", 1250, 21 },
    { "SN-330", "Snijplank eiken", 3995, 21 },
    { "KA-070", "Kaars soja", 695, 21 },
    { "CB-025", "Cadeaubon 25 euro", 2500, 0 },
};
#define NPRODUCTS (sizeof catalogue / sizeof catalogue[0])

static const char *const first_names[] = { "Jan", "Anna", "Pieter", "Sanne", "Daan", "Emma",
                                            "Lucas", "Julia", "Bram", "Fleur", "Zoë", "Jürgen" };
static const char *const last_names[] = { "de Vries", "Jansen", "van den Berg", "Bakker",
                                          "Visser", "Smit", "Meijer", "de Boer", "van 't Hek" };
static const char *const streets[] = { "Dorpsstraat", "Kerkstraat", "Hoofdstraat", "Molenweg",
                                       "Oudegracht", "Julianalaan" };
static const struct { const char *city, *pc; } nl_cities[] = {
    { "Utrecht", "3511" }, { "Amsterdam", "1012" }, { "Rotterdam", "3011" },
    { "Zwolle", "8011" }, { "Groningen", "9711" },
};
static const char *const kinds[] = { "Bakkerij", "Bloemisterij", "Kapsalon", "Drukkerij" };

/* rng_next - the next 64 random bits (splitmix64) */
static uint64_t
rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);

    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* rng_below - a number in [0, n) */
static uint64_t
rng_below(uint64_t *s, uint64_t n)
{
    return n ? rng_next(s) % n : 0;
}

#define PICK(s, arr) (arr[rng_below(s, sizeof arr / sizeof arr[0])])

/* div_round - a / b rounded half away from zero (b > 0) */
static int64_t
div_round(int64_t a, int64_t b)
{
    return a >= 0 ? (2 * a + b) / (2 * b) : -((2 * -a + b) / (2 * b));
}

/* wsim_money - cents as a WooCommerce amount string */
json_t *
wsim_money(int64_t c)
{
    char    buf[32];

    snprintf(buf, sizeof buf, "%s%" PRId64 ".%02" PRId64, c < 0 ? "-" : "",
             (c < 0 ? -c : c) / 100, (c < 0 ? -c : c) % 100);
    return json_string(buf);
}

/* make_customer - one customer of the pool */
static void
make_customer(wsim_gen_t *self, size_t k)
{
    customer_t *cu = &self->customers[k];
    uint64_t *s = &self->rng;
    uint64_t u1 = rng_next(s), u2 = rng_next(s);
    int     where = (int) rng_below(s, 10);

    cu->code = 2001 + (int) k;
    cu->business = rng_below(s, 3) == 0;
    cu->klantcode = cu->business && rng_below(s, 2) == 0;
    snprintf(cu->uuid, sizeof cu->uuid, "%08x-%04x-4%03x-8%03x-%012llx",
             (unsigned) (u1 >> 32), (unsigned) (u1 >> 16) & 0xffff, (unsigned) u1 & 0xfff,
             (unsigned) (u2 >> 48) & 0xfff, (unsigned long long) (u2 & 0xffffffffffffULL));
    snprintf(cu->first, sizeof cu->first, "%s", PICK(s, first_names));
    snprintf(cu->last, sizeof cu->last, "%s", PICK(s, last_names));
    snprintf(cu->street, sizeof cu->street, "%s", PICK(s, streets));
    snprintf(cu->number, sizeof cu->number, "%d", 1 + (int) rng_below(s, 180));
    snprintf(cu->phone, sizeof cu->phone, "06 %08d", (int) rng_below(s, 100000000));
    if (cu->business && where == 0) {
        snprintf(cu->country, sizeof cu->country, "BE");
        snprintf(cu->city, sizeof cu->city, "Antwerpen");
        snprintf(cu->postcode, sizeof cu->postcode, "2000");
        simlib_vat_be(rng_below(s, 1000000000) / 100, 0, cu->vat_number, sizeof cu->vat_number);
        cu->zero_rated = true;
    } else if (cu->business && where == 1) {
        snprintf(cu->country, sizeof cu->country, "DE");
        snprintf(cu->city, sizeof cu->city, "Köln");
        snprintf(cu->postcode, sizeof cu->postcode, "50667");
        simlib_vat_de(rng_below(s, 1000000000), 1, cu->vat_number, sizeof cu->vat_number);
        cu->zero_rated = true;
    } else {
        size_t  c = rng_below(s, sizeof nl_cities / sizeof *nl_cities);

        snprintf(cu->country, sizeof cu->country, "NL");
        snprintf(cu->city, sizeof cu->city, "%s", nl_cities[c].city);
        snprintf(cu->postcode, sizeof cu->postcode, "%s %c%c", nl_cities[c].pc,
                 'A' + (int) rng_below(s, 26), 'A' + (int) rng_below(s, 26));
        if (cu->business) {
            simlib_vat_nl(rng_below(s, 1000000000), 1, cu->vat_number, sizeof cu->vat_number);
            snprintf(cu->coc_number, sizeof cu->coc_number, "%08d",
                     (int) rng_below(s, 100000000));
        }
    }
    if (cu->business)
        snprintf(cu->company, sizeof cu->company, "%s %s", PICK(s, kinds), cu->last);
    snprintf(cu->email, sizeof cu->email, "klant%d@%s.example", cu->code,
             cu->business ? "bedrijf" : "mail");
}

/* wsim_gen_new - a generator */
wsim_gen_t *
wsim_gen_new(uint64_t seed, int64_t first_id, long count)
{
    wsim_gen_t *self = xcalloc(1, sizeof *self);

    self->rng = self->seed = seed;
    self->first_id = first_id;
    self->count = count;
    self->ncustomers = (size_t) count / 3 + 1;
    self->customers = xcalloc(self->ncustomers, sizeof *self->customers);
    for (size_t k = 0; k < self->ncustomers; k++)
        make_customer(self, k);
    return self;
}

/* wsim_gen_destroy - free the generator */
void
wsim_gen_destroy(wsim_gen_t **self_p)
{
    if (self_p && *self_p) {
        free((*self_p)->customers);
        free(*self_p);
        *self_p = NULL;
    }
}

/* address - a billing or shipping object */
static json_t *
address(const customer_t *cu, bool with_contact)
{
    char    line[96];
    json_t *a;

    snprintf(line, sizeof line, "%s %s", cu->street, cu->number);
    a = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
                  "first_name", cu->first, "last_name", cu->last, "company", cu->company,
                  "address_1", line, "address_2", "", "city", cu->city, "state", "",
                  "postcode", cu->postcode, "country", cu->country);
    if (with_contact) {
        json_object_set_new(a, "email", json_string(cu->email));
        json_object_set_new(a, "phone", json_string(cu->phone));
    }
    return a;
}

/* taxes - a taxes array of one rate id, or empty */
static json_t *
taxes(int rate_id, int64_t total, int64_t subtotal, bool with_subtotal)
{
    json_t *t = json_array();

    if (rate_id > 0) {
        json_t *e = json_pack("{s:i, s:o}", "id", rate_id, "total", wsim_money(total));

        json_object_set_new(e, "subtotal", with_subtotal ? wsim_money(subtotal) : json_string(""));
        json_array_append_new(t, e);
    }
    return t;
}

/* gen_order - one order as a JSON object */
static json_t *
gen_order(wsim_gen_t *self, int64_t id, long i)
{
    static const int rate_ids[] = { 0, 1, 2 };    /* 0 %, 21 %, 9 % */
    uint64_t *s = &self->rng;
    customer_t *cu = &self->customers[rng_below(s, self->ncustomers)];
    json_t *o, *lines = json_array(), *ship = json_array(), *fees = json_array();
    json_t *coupons = json_array(), *tax_lines = json_array(), *refunds = json_array();
    json_t *meta = json_array();
    int64_t tax_by[3] = { 0 }, ship_tax_by[3] = { 0 }, net = 0, discount = 0, disc_tax = 0;
    int64_t cart_tax = 0, ship_net = 574, ship_tax, total_tax, total;
    bool    coupon = rng_below(s, 5) == 0, fee = rng_below(s, 3) == 0;
    int     nlines = 1 + (int) rng_below(s, 4), st = (int) rng_below(s, 20);
    const char *status = st < 10 ? "processing" : st < 16 ? "completed" : st == 16 ? "pending"
        : st == 17 ? "on-hold" : st == 18 ? "cancelled" : "failed";
    bool    paid = strcmp(status, "processing") == 0 || strcmp(status, "completed") == 0;
    time_t  created = 1793607600 + (time_t) i * 420;   /* 2026-11-02T08:00:00Z on */
    char    cdate[32], mdate[32], pdate[32], num[24];
    int     ship_rid = cu->zero_rated ? 0 : 1;

    cu->used = true;
    strftime(cdate, sizeof cdate, "%Y-%m-%dT%H:%M:%S", gmtime(&created));
    created += 60;
    strftime(mdate, sizeof mdate, "%Y-%m-%dT%H:%M:%S", gmtime(&created));
    strftime(pdate, sizeof pdate, "%Y-%m-%dT%H:%M:%S", gmtime(&created));
    for (int l = 0; l < nlines; l++) {
        const product_t *p = &catalogue[rng_below(s, NPRODUCTS)];
        int     qty = 1 + (int) rng_below(s, 3);
        int     rid = cu->zero_rated || p->rate == 0 ? 0 : p->rate == 21 ? 1 : 2;
        int     rate = rid == 1 ? 21 : rid == 2 ? 9 : 0;
        int64_t gross = p->price_incl * qty;
        int64_t sub = div_round(gross * 100, 100 + (p->rate));    /* excl. the shop's VAT */
        int64_t sub_tax = div_round(sub * rate, 100);
        int64_t tot = coupon ? div_round(sub * 9, 10) : sub;
        int64_t tot_tax = div_round(tot * rate, 100);

        (void) rate_ids;
        net += tot;
        discount += sub - tot;
        disc_tax += sub_tax - tot_tax;
        tax_by[rid] += tot_tax;
        json_array_append_new(lines, json_pack(
            "{s:i, s:s, s:i, s:i, s:i, s:s, s:o, s:o, s:o, s:o, s:o, s:[], s:s, s:f}",
            "id", (int) (id * 10 + l), "name", p->name, "product_id", 40 + (int) (p - catalogue),
            "variation_id", 0, "quantity", qty, "tax_class", p->rate == 9 ? "reduced-rate" : "",
            "subtotal", wsim_money(sub), "subtotal_tax", wsim_money(sub_tax), "total", wsim_money(tot),
            "total_tax", wsim_money(tot_tax), "taxes", taxes(rid, tot_tax, sub_tax, true),
            "meta_data", "sku", p->sku, "price", (double) sub / 100.0 / qty));
    }
    ship_tax = ship_rid ? div_round(ship_net * 21, 100) : 0;
    ship_tax_by[ship_rid] += ship_tax;
    json_array_append_new(ship, json_pack("{s:i, s:s, s:s, s:o, s:o, s:o, s:[]}",
        "id", (int) (id * 10 + 7), "method_title", "PostNL", "method_id", "flat_rate",
        "total", wsim_money(ship_net), "total_tax", wsim_money(ship_tax),
        "taxes", taxes(ship_rid, ship_tax, 0, false), "meta_data"));
    if (fee) {
        int64_t fee_tax = ship_rid ? div_round(24 * 21, 100) : 0;

        tax_by[ship_rid] += fee_tax;
        net += 24;
        json_array_append_new(fees, json_pack("{s:i, s:s, s:s, s:s, s:o, s:o, s:o, s:[]}",
            "id", (int) (id * 10 + 8), "name", "Betaalkosten iDEAL", "tax_class", "",
            "tax_status", "taxable", "total", wsim_money(24), "total_tax", wsim_money(fee_tax),
            "taxes", taxes(ship_rid, fee_tax, 0, false), "meta_data"));
    }
    if (coupon)
        json_array_append_new(coupons, json_pack("{s:i, s:s, s:o, s:o, s:[]}",
            "id", (int) (id * 10 + 9), "code", "welkom10", "discount", wsim_money(discount),
            "discount_tax", wsim_money(disc_tax), "meta_data"));
    for (int rid = 1; rid <= 2; rid++)
        if (tax_by[rid] || ship_tax_by[rid])
            json_array_append_new(tax_lines, json_pack(
                "{s:i, s:s, s:i, s:s, s:b, s:o, s:o, s:i, s:[]}",
                "id", (int) (id * 10 + 5 + rid), "rate_code", rid == 1 ? "NL-BTW HOOG-1"
                : "NL-BTW LAAG-2", "rate_id", rid, "label", rid == 1 ? "BTW 21%" : "BTW 9%",
                "compound", 0, "tax_total", wsim_money(tax_by[rid]),
                "shipping_tax_total", wsim_money(ship_tax_by[rid]), "rate_percent",
                rid == 1 ? 21 : 9, "meta_data"));
    cart_tax = tax_by[1] + tax_by[2];
    total_tax = cart_tax + ship_tax;
    total = net + ship_net + total_tax;
    if (paid && rng_below(s, 10) == 0)
        json_array_append_new(refunds, json_pack("{s:i, s:s, s:o}", "id", (int) (id * 10 + 3),
                              "reason", "Artikel beschadigd", "total",
                              wsim_money(-div_round(total, 4))));
    if (cu->vat_number[0])
        json_array_append_new(meta, json_pack("{s:i, s:s, s:s}", "id", (int) (id * 100 + 1),
                              "key", "_billing_vat_number", "value", cu->vat_number));
    if (cu->coc_number[0])
        json_array_append_new(meta, json_pack("{s:i, s:s, s:s}", "id", (int) (id * 100 + 2),
                              "key", "_billing_coc_number", "value", cu->coc_number));
    if (cu->klantcode) {
        snprintf(num, sizeof num, "%d", cu->code);
        json_array_append_new(meta, json_pack("{s:i, s:s, s:s}", "id", (int) (id * 100 + 3),
                              "key", "klantcode", "value", num));
    }
    snprintf(num, sizeof num, "%" PRId64, id);
    o = json_pack("{s:I, s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
                  "id", (json_int_t) id, "parent_id", 0, "number", num,
                  "order_key", "wc_order_sim", "created_via", "checkout", "version", "8.9.1",
                  "status", status, "currency", "EUR", "date_created", cdate,
                  "date_created_gmt", cdate);
    json_object_set_new(o, "date_modified", json_string(mdate));
    json_object_set_new(o, "date_modified_gmt", json_string(mdate));
    json_object_set_new(o, "discount_total", wsim_money(discount));
    json_object_set_new(o, "discount_tax", wsim_money(disc_tax));
    json_object_set_new(o, "shipping_total", wsim_money(ship_net));
    json_object_set_new(o, "shipping_tax", wsim_money(ship_tax));
    json_object_set_new(o, "cart_tax", wsim_money(cart_tax));
    json_object_set_new(o, "total", wsim_money(total));
    json_object_set_new(o, "total_tax", wsim_money(total_tax));
    json_object_set_new(o, "prices_include_tax", json_true());
    json_object_set_new(o, "customer_id", json_integer(cu->code));
    json_object_set_new(o, "customer_note", json_string(""));
    json_object_set_new(o, "billing", address(cu, true));
    json_object_set_new(o, "shipping", address(cu, false));
    json_object_set_new(o, "payment_method", json_string("mollie_wc_gateway_ideal"));
    json_object_set_new(o, "payment_method_title", json_string("iDEAL"));
    json_object_set_new(o, "transaction_id", json_string(paid ? "tr_sim" : ""));
    json_object_set_new(o, "date_paid", paid ? json_string(pdate) : json_null());
    json_object_set_new(o, "date_paid_gmt", paid ? json_string(pdate) : json_null());
    json_object_set_new(o, "date_completed", json_null());
    json_object_set_new(o, "date_completed_gmt", json_null());
    json_object_set_new(o, "meta_data", meta);
    json_object_set_new(o, "line_items", lines);
    json_object_set_new(o, "tax_lines", tax_lines);
    json_object_set_new(o, "shipping_lines", ship);
    json_object_set_new(o, "fee_lines", fees);
    json_object_set_new(o, "coupon_lines", coupons);
    json_object_set_new(o, "refunds", refunds);
    return o;
}

/* wsim_gen_run - generate every order */
long
wsim_gen_run(wsim_gen_t *self, wsim_gen_order_fn fn, void *arg)
{
    for (long i = 0; i < self->count; i++) {
        json_t *o = gen_order(self, self->first_id + i, i);
        char   *text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        int     rc = fn(self->first_id + i, text, arg);

        free(text);
        json_decref(o);
        if (rc != 0)
            return -1;
    }
    return self->count;
}

/* land_id - SnelStart land id of a country, as globecharge-sim's sim_gen_land_id */
static void
land_id(const char *iso, char out[37])
{
    snprintf(out, 37, "00000000-0000-4000-8000-00000000%02x%02x",
             (unsigned char) iso[0], (unsigned char) iso[1]);
}

/* wsim_gen_export_relaties - write known customers as SnelStart relaties */
long
wsim_gen_export_relaties(wsim_gen_t *self, const char *path, double fraction,
                         char *err, size_t errlen)
{
    json_t *arr = json_array();
    long    n = 0;
    uint64_t threshold = (uint64_t) (fraction * 1000000.0 + 0.5);

    for (size_t k = 0; k < self->ncustomers; k++) {
        customer_t *cu = &self->customers[k];
        uint64_t h = self->seed ^ (0x5EED0000ULL + k * 0x9E3779B97F4A7C15ULL);
        char    naam[128], straat[96], contact[96], land[37];
        json_t *o;

        if (!cu->used || rng_below(&h, 1000000) >= threshold)
            continue;
        snprintf(contact, sizeof contact, "%s %s", cu->first, cu->last);
        snprintf(naam, sizeof naam, "%s", cu->company[0] ? cu->company : contact);
        snprintf(straat, sizeof straat, "%s %s", cu->street, cu->number);
        land_id(cu->country, land);
        o = json_pack("{s:s, s:i, s:[s], s:s, s:s, s:{s:s, s:s, s:s, s:s, s:{s:s}},"
                      " s:o, s:o, s:o, s:s, s:b, s:{s:b, s:s, s:s}}",
                      "id", cu->uuid, "relatiecode", cu->code, "relatiesoort", "Klant",
                      "naam", naam, "email", cu->email,
                      "vestigingsAdres", "contactpersoon", cu->business ? contact : "",
                      "straat", straat, "postcode", cu->postcode, "plaats", cu->city,
                      "land", "id", land,
                      "btwNummer", cu->vat_number[0] ? json_string(cu->vat_number) : json_null(),
                      "kvkNummer", cu->coc_number[0] ? json_string(cu->coc_number) : json_null(),
                      "telefoon", json_string(cu->phone),
                      "modifiedOn", "2026-08-15T10:00:00", "nonactief", 0,
                      "factuurEmailVersturen", "shouldSend", cu->business,
                      "email", cu->email, "ccEmail", "");
        if (o == NULL) {
            snprintf(err, errlen, "cannot build relatie %d as JSON", cu->code);
            json_decref(arr);
            return -1;
        }
        json_array_append_new(arr, o);
        n++;
    }
    if (json_dump_file(arr, path, JSON_INDENT(2)) != 0) {
        snprintf(err, errlen, "cannot write relaties to %s: %s", path, strerror(errno));
        json_decref(arr);
        return -1;
    }
    json_decref(arr);
    return n;
}
