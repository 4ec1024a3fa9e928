/*
 * NAME
 *   gcfeed - parse Globecharge order feed documents
 *
 * DESCRIPTION
 *   See gcfeed.h. The document is parsed with libxml2 into a tree, with a
 *   SAX hook that stops the parser at a document type declaration or at
 *   nesting deeper than GCFEED_MAX_DEPTH. Elements are matched by local
 *   name in the feed's namespace; unknown elements and attributes, and
 *   elements in other namespaces, are ignored. Values that are numbers,
 *   dates or codes have surrounding white space removed before they are
 *   checked; text values are kept as sent.
 *
 *   Strings longer than LIMIT_FIELD_BYTES bytes and more than
 *   LIMIT_ORDER_ELEMENTS lines, charges, VAT figures or fields make the order
 *   invalid: order_unpack (order_codec.c) refuses the same limits, so an
 *   order read here can always travel between the daemons.
 *
 * DIAGNOSTICS
 *   Every answer of the shop, an order document or an <error>, is read
 *   through the same guard (guarded_parse): no document type declaration
 *   (so no entity is ever expanded), no network, nesting at most
 *   GCFEED_MAX_DEPTH, at most LIMIT_DOCUMENT_NODES elements and
 *   attributes, so that the tree stays within a bound of its own
 *   whatever the bytes (62 MB of "<x/>" would otherwise be 2 GB of nodes).
 *
 *   Document errors: "SOURCE: line N: what is wrong". Order errors:
 *   "order N: <element attr=\"value\">: what is wrong", or "order at line
 *   N: ..." when the number itself cannot be read.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "date.h"
#include "gcfeed.h"
#include "money.h"
#include "log.h"
#include "size_limits.h"
#include "xalloc.h"


/* parse_guard_t - what the SAX hooks saw while libxml2 parsed */
typedef struct {
    int     depth;
    long    nodes;              /* elements and attributes so far */
    bool    doctype;
    bool    too_deep;
    bool    too_many;
    long    line;
    startElementNsSAX2Func start;
    endElementNsSAX2Func end;
} parse_guard_t;

/* reader_t - the order being read and its first error */
typedef struct {
    order_t *order;
    int64_t  number;                /* -1 until read */
    long     line;                  /* of the <order> element */
    char    *error;
} reader_t;

typedef enum {
    VALUE_AMOUNT,                   /* 2 decimals */
    VALUE_PRICE,                    /* unit price: 4 decimals */
    VALUE_QUANTITY,                 /* 4 decimals */
    VALUE_RATE,                     /* VAT percentage: 2 decimals */
    VALUE_EXCHANGE                  /* eurPerUnit: 6 decimals */
} value_kind_t;

/* fail - record the order's first error; always false */
static bool __attribute__((format(printf, 2, 3)))
fail(reader_t *r, const char *fmt, ...)
{
    char    msg[1024];
    va_list ap;

    if (r->error != NULL)
        return false;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (r->number >= 0)
        r->error = xasprintf("order %lld: %s; corrigeer de order in de shop en klik Opnieuw",
                             (long long) r->number, msg);
    else
        r->error = xasprintf("order op regel %ld: %s; corrigeer de order in de shop",
                             r->line, msg);
    return false;
}

/* trim - remove surrounding XML white space in place */
static char *
trim(char *s)
{
    size_t  n = strlen(s);
    size_t  start = 0;

    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n'
                     || s[n - 1] == '\r'))
        s[--n] = '\0';
    while (s[start] == ' ' || s[start] == '\t' || s[start] == '\n' || s[start] == '\r')
        start++;
    memmove(s, s + start, n - start + 1);
    return s;
}

/* is_feed_element - node is the element <name> in the feed's namespace */
static bool
is_feed_element(xmlNodePtr node, const char *name)
{
    return node != NULL && node->type == XML_ELEMENT_NODE && node->ns != NULL
        && node->ns->href != NULL
        && strcmp((const char *) node->ns->href, GCFEED_NAMESPACE) == 0
        && (name == NULL || strcmp((const char *) node->name, name) == 0);
}

/* child - the first <name> child of parent, or NULL */
static xmlNodePtr
child(xmlNodePtr parent, const char *name)
{
    xmlNodePtr n;

    for (n = parent->children; n != NULL; n = n->next)
        if (is_feed_element(n, name))
            return n;
    return NULL;
}

/* node_text - the text content of an element in new memory */
static char *
node_text(xmlNodePtr node)
{
    xmlChar *c = xmlNodeGetContent(node);
    char   *s = xstrdup(c != NULL ? (const char *) c : "");

    xmlFree(c);
    return s;
}

/* node_attr - an attribute (without namespace) in new memory, or NULL */
static char *
node_attr(xmlNodePtr node, const char *name)
{
    xmlChar *c = xmlGetNoNsProp(node, (const xmlChar *) name);
    char   *s;

    if (c == NULL)
        return NULL;
    s = xstrdup((const char *) c);
    xmlFree(c);
    return s;
}

/* describe - "<elem attr=\"value\">" or "<elem>value</elem>", after "ctx: " */
static void
describe(char *buf, size_t len, const char *ctx, const char *elem,
         const char *attr, const char *value)
{
    char    v[LOG_SHOW_MAX * 2 + 8];

    log_show(value, v, sizeof v);
    if (attr != NULL)
        snprintf(buf, len, "%s%s<%s %s=\"%s\">", ctx ? ctx : "", ctx ? ": " : "",
                 elem, attr, v);
    else
        snprintf(buf, len, "%s%s<%s>%s</%s>", ctx ? ctx : "", ctx ? ": " : "",
                 elem, v, elem);
}

/* decimals_of - how many decimals a kind of value allows */
static int
decimals_of(value_kind_t kind)
{
    switch (kind) {
    case VALUE_PRICE:
    case VALUE_QUANTITY:
        return 4;
    case VALUE_EXCHANGE:
        return 6;
    default:
        return 2;
    }
}

/* plain_decimal - s is '-'? digits ('.' digits)?; *nfrac the decimals */
static bool
plain_decimal(const char *s, int *nfrac)
{
    const char *p = s + (*s == '-');
    const char *dot;

    if (!isdigit((unsigned char) *p))
        return false;
    while (isdigit((unsigned char) *p))
        p++;
    *nfrac = 0;
    if (*p == '.') {
        dot = ++p;
        while (isdigit((unsigned char) *p))
            p++;
        *nfrac = (int) (p - dot);
        if (*nfrac == 0)
            return false;
    }
    return *p == '\0';
}

/* check_value - parse value as a kind of number; on error name ctx/elem/attr */
static bool
check_value(reader_t *r, const char *ctx, const char *elem, const char *attr,
            char *value, value_kind_t kind, int64_t *out)
{
    static const char *what[] = {
        [VALUE_AMOUNT] = "geen bedrag (cijfers en een '.')",
        [VALUE_PRICE] = "geen prijs (cijfers en een '.')",
        [VALUE_QUANTITY] = "geen aantal (cijfers en een '.')",
        [VALUE_RATE] = "geen btw-percentage (zoals 21, 9 of 5.5)",
        [VALUE_EXCHANGE] = "geen wisselkoers (zoals 0.9213)",
    };
    char    where[512];
    int     decimals = decimals_of(kind);
    int     nfrac;

    trim(value);
    describe(where, sizeof where, ctx, elem, attr, value);
    if (!money_parse_fixed(value, decimals, out)) {
        if (plain_decimal(value, &nfrac) && nfrac > decimals)
            return fail(r, "%s: heeft meer dan %d decimalen", where, decimals);
        if (plain_decimal(value, &nfrac))
            return fail(r, "%s: is te groot", where);
        return fail(r, "%s: %s", where, what[kind]);
    }
    if (kind == VALUE_RATE && (*out < 0 || *out >= 10000))
        return fail(r, "%s: %s", where, what[kind]);
    if (kind == VALUE_EXCHANGE && *out <= 0)
        return fail(r, "%s: een wisselkoers moet groter zijn dan 0", where);
    return true;
}

/* missing - the error for an absent required element */
static bool
missing(reader_t *r, const char *ctx, const char *elem)
{
    if (ctx == NULL)
        return fail(r, "<%s> ontbreekt", elem);
    return fail(r, "%s heeft geen <%s>", ctx, elem);
}

/* text_value - read a required number from the text of parent's <elem> */
static bool
text_value(reader_t *r, xmlNodePtr parent, const char *ctx, const char *elem,
           value_kind_t kind, int64_t *out)
{
    xmlNodePtr n = child(parent, elem);
    char   *v;
    bool    ok;

    if (n == NULL)
        return missing(r, ctx, elem);
    v = node_text(n);
    ok = check_value(r, ctx, elem, NULL, v, kind, out);
    free(v);
    return ok;
}

/* attr_value - read a required number from an attribute of node */
static bool
attr_value(reader_t *r, xmlNodePtr node, const char *ctx, const char *attr,
           value_kind_t kind, int64_t *out)
{
    char   *v = node_attr(node, attr);
    bool    ok;

    if (v == NULL) {
        if (ctx != NULL)
            return fail(r, "%s: <%s> heeft geen attribuut %s", ctx,
                        (const char *) node->name, attr);
        return fail(r, "<%s> heeft geen attribuut %s", (const char *) node->name, attr);
    }
    ok = check_value(r, ctx, (const char *) node->name, attr, v, kind, out);
    free(v);
    return ok;
}

/* store - set an order string (taking value) after checking its length */
static bool
store(reader_t *r, const char *ctx, const char *elem, char *value, char **field)
{
    if (strlen(value) > LIMIT_FIELD_BYTES) {
        free(value);
        if (ctx != NULL)
            return fail(r, "%s: <%s> is langer dan %d bytes", ctx, elem, LIMIT_FIELD_BYTES);
        return fail(r, "<%s> is langer dan %d bytes", elem, LIMIT_FIELD_BYTES);
    }
    free(*field);
    *field = value;
    return true;
}

/* text_string - an optional string element; "" when absent */
static bool
text_string(reader_t *r, xmlNodePtr parent, const char *ctx, const char *elem,
            char **field)
{
    xmlNodePtr n = child(parent, elem);

    if (n == NULL)
        return true;
    return store(r, ctx, elem, node_text(n), field);
}

/* attr_string - an optional string attribute; "" when absent */
static bool
attr_string(reader_t *r, xmlNodePtr node, const char *ctx, const char *attr,
            char **field)
{
    char   *v = node_attr(node, attr);
    char    name[128];

    if (v == NULL)
        return true;
    snprintf(name, sizeof name, "%s %s", (const char *) node->name, attr);
    return store(r, ctx, name, v, field);
}

/* read_address - <billing> or <delivery> into an address */
static bool
read_address(reader_t *r, xmlNodePtr node, const char *ctx, order_address_t *a)
{
    static const struct {
        const char *elem;
        size_t  offset;
    } strings[] = {
        { "company", offsetof(order_address_t, company) },
        { "firstName", offsetof(order_address_t, first_name) },
        { "lastName", offsetof(order_address_t, last_name) },
        { "street", offsetof(order_address_t, street) },
        { "houseNumber", offsetof(order_address_t, house_number) },
        { "houseNumberAddition", offsetof(order_address_t, house_number_addition) },
        { "postcode", offsetof(order_address_t, postcode) },
        { "city", offsetof(order_address_t, city) },
        { "region", offsetof(order_address_t, region) },
    };
    xmlNodePtr n;
    char    where[512];
    char   *cc;
    size_t  i;

    for (i = 0; i < sizeof strings / sizeof *strings; i++)
        if (!text_string(r, node, ctx, strings[i].elem,
                         (char **) ((char *) a + strings[i].offset)))
            return false;
    if ((n = child(node, "country")) == NULL)
        return missing(r, ctx, "country");
    cc = trim(node_text(n));
    if (strlen(cc) != 2 || !isalpha((unsigned char) cc[0]) || !isalpha((unsigned char) cc[1])) {
        describe(where, sizeof where, ctx, "country", NULL, cc);
        free(cc);
        return fail(r, "%s: geen landcode (twee letters, zoals NL)", where);
    }
    cc[0] = (char) toupper((unsigned char) cc[0]);
    cc[1] = (char) toupper((unsigned char) cc[1]);
    return store(r, ctx, "country", cc, &a->country);
}

/* read_customer - <customer>: email (required, may be empty) and the rest */
static bool
read_customer(reader_t *r, xmlNodePtr node)
{
    order_t *o = r->order;
    order_field_t *f;
    xmlNodePtr n;
    char   *name;

    if (child(node, "email") == NULL)
        return missing(r, "<customer>", "email");
    if (!text_string(r, node, "<customer>", "email", &o->email)
        || !text_string(r, node, "<customer>", "phone", &o->phone)
        || !text_string(r, node, "<customer>", "vatNumber", &o->vat_number)
        || !text_string(r, node, "<customer>", "cocNumber", &o->coc_number))
        return false;
    for (n = node->children; n != NULL; n = n->next) {
        if (!is_feed_element(n, "field"))
            continue;
        if (o->nfields >= LIMIT_ORDER_ELEMENTS)
            return fail(r, "<customer> heeft meer dan %d <field>-elementen",
                        LIMIT_ORDER_ELEMENTS);
        if ((name = node_attr(n, "name")) == NULL)
            return fail(r, "<customer>: een <field> (regel %ld) heeft geen attribuut name",
                        (long) xmlGetLineNo(n));
        f = order_add_field(o);
        if (!store(r, "<customer>", "field name", name, &f->name)
            || !store(r, "<customer>", "field", node_text(n), &f->value))
            return false;
    }
    return true;
}

/* read_lines - every <line> of <lines> */
static bool
read_lines(reader_t *r, xmlNodePtr node)
{
    order_line_t *l;
    xmlNodePtr n;
    char    ctx[64];
    int64_t v;

    for (n = node->children; n != NULL; n = n->next) {
        if (!is_feed_element(n, "line"))
            continue;
        if (r->order->nlines >= LIMIT_ORDER_ELEMENTS)
            return fail(r, "<lines> heeft meer dan %d <line>-elementen", LIMIT_ORDER_ELEMENTS);
        l = order_add_line(r->order);
        snprintf(ctx, sizeof ctx, "regel %zu", r->order->nlines);
        if (!text_string(r, n, ctx, "sku", &l->sku)
            || !text_string(r, n, ctx, "description", &l->description)
            || !text_value(r, n, ctx, "quantity", VALUE_QUANTITY, &l->quantity_e4)
            || !text_value(r, n, ctx, "unitPrice", VALUE_PRICE, &l->unit_price_e4)
            || !text_value(r, n, ctx, "vatRate", VALUE_RATE, &v)
            || !text_value(r, n, ctx, "total", VALUE_AMOUNT, &l->total_cents))
            return false;
        l->vat_rate_e2 = (int32_t) v;
    }
    return true;
}

/* read_charges - <shipping>, <payment> and <discount> of <charges> */
static bool
read_charges(reader_t *r, xmlNodePtr node)
{
    order_charge_t *c;
    order_charge_kind_t kind;
    xmlNodePtr n;
    char    ctx[64];
    char    where[512];
    char   *amount;
    int64_t v;

    for (n = node->children; n != NULL; n = n->next) {
        if (is_feed_element(n, "shipping"))
            kind = CHARGE_SHIPPING;
        else if (is_feed_element(n, "payment"))
            kind = CHARGE_PAYMENT;
        else if (is_feed_element(n, "discount"))
            kind = CHARGE_DISCOUNT;
        else
            continue;
        if (r->order->ncharges >= LIMIT_ORDER_ELEMENTS)
            return fail(r, "<charges> heeft meer dan %d elementen", LIMIT_ORDER_ELEMENTS);
        c = order_add_charge(r->order);
        c->kind = kind;
        snprintf(ctx, sizeof ctx, "kosten %zu", r->order->ncharges);
        if (!attr_string(r, n, ctx, "description", &c->description)
            || !attr_value(r, n, ctx, "vatRate", VALUE_RATE, &v))
            return false;
        c->vat_rate_e2 = (int32_t) v;
        amount = node_text(n);
        if (!check_value(r, ctx, (const char *) n->name, NULL, amount, VALUE_AMOUNT,
                         &c->amount_cents)) {
            free(amount);
            return false;
        }
        if (kind == CHARGE_DISCOUNT && c->amount_cents > 0) {
            describe(where, sizeof where, ctx, "discount", NULL, amount);
            free(amount);
            return fail(r, "%s: een korting moet negatief zijn (zoals -0.65)", where);
        }
        free(amount);
    }
    return true;
}

/* read_vats - the <vat> figures of the order */
static bool
read_vats(reader_t *r, xmlNodePtr order)
{
    order_vat_t *vat;
    xmlNodePtr n;
    int64_t v;

    for (n = order->children; n != NULL; n = n->next) {
        if (!is_feed_element(n, "vat"))
            continue;
        if (r->order->nvats >= LIMIT_ORDER_ELEMENTS)
            return fail(r, "meer dan %d <vat>-elementen", LIMIT_ORDER_ELEMENTS);
        vat = order_add_vat(r->order);
        if (!attr_value(r, n, NULL, "rate", VALUE_RATE, &v)
            || !attr_value(r, n, NULL, "base", VALUE_AMOUNT, &vat->base_cents)
            || !attr_value(r, n, NULL, "amount", VALUE_AMOUNT, &vat->amount_cents))
            return false;
        vat->rate_e2 = (int32_t) v;
    }
    return true;
}

/* read_head - status, modified, date, currency, VAT basis, payment */
static bool
read_head(reader_t *r, xmlNodePtr node)
{
    static const char *statuses[] = { "paid", "open", "incomplete", "cancelled" };
    order_t *o = r->order;
    xmlNodePtr n;
    char    where[512];
    char   *v, *rate;
    int     offset;
    size_t  i;

    if ((v = node_attr(node, "status")) == NULL)
        return fail(r, "<order> heeft geen attribuut status");
    trim(v);
    for (i = 0; i < sizeof statuses / sizeof *statuses; i++)
        if (strcmp(v, statuses[i]) == 0)
            break;
    if (i == sizeof statuses / sizeof *statuses) {
        describe(where, sizeof where, NULL, "order", "status", v);
        free(v);
        return fail(r, "%s: onbekende status (verwacht paid, open, incomplete of cancelled)",
                    where);
    }
    free(v);
    o->status = (order_status_t) i;

    if ((v = node_attr(node, "modified")) == NULL)
        return fail(r, "<order> heeft geen attribuut modified");
    trim(v);
    {
        time_t  t;

        if (!date_parse_zoned(v, &t, &offset) || offset != 0) {
            describe(where, sizeof where, NULL, "order", "modified", v);
            free(v);
            return fail(r, "%s: geen UTC-datum en -tijd (zoals 2026-11-02T13:35:00Z)",
                        where);
        }
    }
    if (!store(r, NULL, "order modified", v, &o->modified))
        return false;

    if ((n = child(node, "date")) == NULL)
        return missing(r, NULL, "date");
    v = trim(node_text(n));
    if (!date_parse_zoned(v, &o->date_epoch, &offset)) {
        describe(where, sizeof where, NULL, "date", NULL, v);
        free(v);
        return fail(r, "%s: geen datum en tijd met tijdzone (zoals "
                    "2026-11-02T14:31:07+01:00)", where);
    }
    if (!store(r, NULL, "date", v, &o->date))
        return false;

    if ((n = child(node, "currency")) == NULL)
        return missing(r, NULL, "currency");
    v = trim(node_text(n));
    if (strlen(v) != 3 || !isupper((unsigned char) v[0]) || !isupper((unsigned char) v[1])
        || !isupper((unsigned char) v[2])) {
        describe(where, sizeof where, NULL, "currency", NULL, v);
        free(v);
        return fail(r, "%s: geen valutacode (drie hoofdletters, zoals EUR)",
                    where);
    }
    memcpy(o->currency, v, 4);
    free(v);
    if ((rate = node_attr(n, "eurPerUnit")) != NULL) {
        bool    ok = check_value(r, NULL, "currency", "eurPerUnit", rate, VALUE_EXCHANGE,
                                 &o->eur_per_unit_e6);

        free(rate);
        if (!ok)
            return false;
    } else if (strcmp(o->currency, "EUR") == 0) {
        o->eur_per_unit_e6 = 1000000;
    } else {
        o->eur_per_unit_e6 = 0;         /* the booker reports it */
    }

    if ((n = child(node, "pricesIncludeVat")) == NULL)
        return missing(r, NULL, "pricesIncludeVat");
    v = trim(node_text(n));
    if (strcmp(v, "true") == 0) {
        o->prices_include_vat = true;
    } else if (strcmp(v, "false") == 0) {
        o->prices_include_vat = false;
    } else {
        describe(where, sizeof where, NULL, "pricesIncludeVat", NULL, v);
        free(v);
        return fail(r, "%s: verwacht true of false", where);
    }
    free(v);

    if ((n = child(node, "payment")) != NULL
        && (!attr_string(r, n, NULL, "method", &o->payment_method)
            || !attr_string(r, n, NULL, "status", &o->payment_status)
            || !attr_string(r, n, NULL, "reference", &o->payment_reference)))
        return false;
    return true;
}

/* read_order - one <order> element into r->order */
static bool
read_order(reader_t *r, xmlNodePtr node)
{
    order_t *o = r->order;
    xmlNodePtr n;
    char    where[512];
    char   *v;

    r->line = (long) xmlGetLineNo(node);
    if ((v = node_attr(node, "number")) == NULL)
        return fail(r, "<order> heeft geen attribuut number");
    trim(v);
    if (!money_parse_fixed(v, 0, &o->number) || o->number <= 0) {
        describe(where, sizeof where, NULL, "order", "number", v);
        free(v);
        return fail(r, "%s: geen ordernummer (alleen cijfers)", where);
    }
    free(v);
    r->number = o->number;

    if (!read_head(r, node))
        return false;
    if ((n = child(node, "customer")) == NULL)
        return missing(r, NULL, "customer");
    if (!read_customer(r, n))
        return false;
    if ((n = child(node, "billing")) == NULL)
        return missing(r, NULL, "billing");
    if (!read_address(r, n, "<billing>", &o->billing))
        return false;
    if ((n = child(node, "delivery")) != NULL) {
        o->has_delivery = true;
        if (!read_address(r, n, "<delivery>", &o->delivery))
            return false;
    }
    if ((n = child(node, "lines")) == NULL)
        return missing(r, NULL, "lines");
    if (!read_lines(r, n))
        return false;
    if ((n = child(node, "charges")) != NULL && !read_charges(r, n))
        return false;
    if (!read_vats(r, node))
        return false;
    if ((n = child(node, "total")) == NULL)
        return missing(r, NULL, "total");
    return attr_value(r, n, NULL, "excl", VALUE_AMOUNT, &o->total_excl_cents)
        && attr_value(r, n, NULL, "vat", VALUE_AMOUNT, &o->total_vat_cents)
        && attr_value(r, n, NULL, "incl", VALUE_AMOUNT, &o->total_incl_cents);
}

/* parse_item - one <order> element into a page item */
static void
parse_item(xmlNodePtr node, order_item_t *item)
{
    reader_t r = { .order = order_new(), .number = -1, .line = 0, .error = NULL };

    order_set(&r.order->source, "globecharge");
    if (read_order(&r, node)) {
        item->order = r.order;
    } else {
        order_destroy(&r.order);
        item->error = r.error;
    }
    item->number = r.number;
}

/* guard_start - count nesting; stop the parser when it is too deep */
static void
guard_start(void *ctx, const xmlChar *localname, const xmlChar *prefix,
            const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
            int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
    xmlParserCtxtPtr ctxt = ctx;
    parse_guard_t *g = ctxt->_private;

    if (++g->depth > GCFEED_MAX_DEPTH) {
        g->too_deep = true;
        g->line = (long) xmlSAX2GetLineNumber(ctxt);
        xmlStopParser(ctxt);
        return;
    }
    g->nodes += 1 + nb_attributes;
    if (g->nodes > LIMIT_DOCUMENT_NODES) {
        g->too_many = true;
        g->line = (long) xmlSAX2GetLineNumber(ctxt);
        xmlStopParser(ctxt);
        return;
    }
    g->start(ctx, localname, prefix, uri, nb_namespaces, namespaces, nb_attributes,
             nb_defaulted, attributes);
}

/* guard_end - the matching end of guard_start */
static void
guard_end(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri)
{
    xmlParserCtxtPtr ctxt = ctx;
    parse_guard_t *g = ctxt->_private;

    g->depth--;
    g->end(ctx, localname, prefix, uri);
}

/* guard_doctype - a document type declaration is refused outright */
static void
guard_doctype(void *ctx, const xmlChar *name, const xmlChar *external_id,
              const xmlChar *system_id)
{
    xmlParserCtxtPtr ctxt = ctx;
    parse_guard_t *g = ctxt->_private;

    g->doctype = true;
    g->line = (long) xmlSAX2GetLineNumber(ctxt);
    xmlStopParser(ctxt);
}

/* quiet - libxml2's errors are reported through err, not on stderr */
static void
quiet(void *ctx, xmlErrorPtr error)
{
}

/* accepted_encoding - the declared encoding is one the contract allows */
static bool
accepted_encoding(const char *enc)
{
    static const char *ok[] = { "UTF-8", "UTF8", "ISO-8859-1", "ISO_8859-1",
                                "ISO8859-1", "LATIN1", "LATIN-1", "US-ASCII",
                                "ASCII" };
    size_t  i;

    if (enc == NULL)
        return true;                    /* no declaration: UTF-8 */
    for (i = 0; i < sizeof ok / sizeof *ok; i++)
        if (strcasecmp(enc, ok[i]) == 0)
            return true;
    return false;
}

/* utf8_mislabelled - whether a document declared as ISO-8859-1 holds UTF-8
 * bytes: at least one multi-byte UTF-8 sequence and no byte outside one.
 * Read as ISO-8859-1 such a document would turn "é" into "Ã©" silently. */
static bool
utf8_mislabelled(const char *enc, const unsigned char *b, size_t len)
{
    size_t  i = 0, multi = 0;
    int     need;

    if (enc == NULL || strncasecmp(enc, "UTF", 3) == 0 || strcasecmp(enc, "US-ASCII") == 0
        || strcasecmp(enc, "ASCII") == 0)
        return false;
    while (i < len) {
        if (b[i] < 0x80) {
            i++;
            continue;
        }
        need = (b[i] & 0xE0) == 0xC0 ? 1 : (b[i] & 0xF0) == 0xE0 ? 2
            : (b[i] & 0xF8) == 0xF0 ? 3 : -1;
        if (need < 0 || b[i] < 0xC2 || i + (size_t) need >= len)
            return false;
        for (i++; need > 0; need--, i++)
            if ((b[i] & 0xC0) != 0x80)
                return false;
        multi++;
    }
    return multi > 0;
}

/* page_attr - a required non-negative integer attribute of <orders> */
static bool
page_attr(xmlNodePtr root, const char *src, const char *attr, int64_t *out,
          char *err, size_t errlen)
{
    char   *v = node_attr(root, attr);
    char    shown[LOG_SHOW_MAX * 2 + 8];

    if (v == NULL) {
        snprintf(err, errlen, "%s: regel %ld: <orders> heeft geen attribuut %s", src,
                 (long) xmlGetLineNo(root), attr);
        return false;
    }
    trim(v);
    if (!money_parse_fixed(v, 0, out) || *out < 0) {
        snprintf(err, errlen, "%s: regel %ld: <orders %s=\"%s\">: geen getal (alleen cijfers)",
                 src, (long) xmlGetLineNo(root), attr, log_show(v, shown, sizeof shown));
        free(v);
        return false;
    }
    free(v);
    return true;
}

/* read_page - the document's root element into a page, or NULL */
static order_page_t *
read_page(xmlNodePtr root, const char *src, char *err, size_t errlen)
{
    order_page_t *page;
    xmlNodePtr n;
    int64_t from, next, highest, count;
    size_t  norders = 0;
    char    shown[LOG_SHOW_MAX * 2 + 8];
    char   *v;

    if (root->ns == NULL || root->ns->href == NULL
        || strcmp((const char *) root->ns->href, GCFEED_NAMESPACE) != 0) {
        snprintf(err, errlen, "%s: regel %ld: <%s> staat niet in de namespace %s "
                 "(maar in %s); dit is geen orderdocument van Globecharge", src,
                 (long) xmlGetLineNo(root), (const char *) root->name, GCFEED_NAMESPACE,
                 root->ns && root->ns->href
                 ? log_show((const char *) root->ns->href, shown, sizeof shown) : "geen");
        return NULL;
    }
    if (strcmp((const char *) root->name, "order") == 0) {
        page = order_page_new(1);
        page->nitems = 1;
        page->count = 1;
        parse_item(root, &page->items[0]);
        page->from = page->next = page->highest = page->items[0].number;
        return page;
    }
    if (strcmp((const char *) root->name, "error") == 0) {
        v = node_attr(root, "code");
        {
            char   *text = trim(node_text(root));
            char    shown2[LOG_SHOW_MAX * 2 + 8];

            snprintf(err, errlen, "%s: Globecharge antwoordde met een fout (%s): \"%s\"", src,
                     v ? log_show(v, shown, sizeof shown) : "geen code",
                     log_show(text, shown2, sizeof shown2));
            free(text);
        }
        free(v);
        return NULL;
    }
    if (strcmp((const char *) root->name, "orders") != 0) {
        snprintf(err, errlen, "%s: regel %ld: het document is een <%s>, verwacht <orders> of "
                 "<order>",
                 src, (long) xmlGetLineNo(root), (const char *) root->name);
        return NULL;
    }
    if (!page_attr(root, src, "from", &from, err, errlen)
        || !page_attr(root, src, "count", &count, err, errlen)
        || !page_attr(root, src, "next", &next, err, errlen)
        || !page_attr(root, src, "highest", &highest, err, errlen))
        return NULL;
    for (n = root->children; n != NULL; n = n->next)
        if (is_feed_element(n, "order"))
            norders++;
    if ((uint64_t) count != norders) {
        snprintf(err, errlen, "%s: regel %ld: <orders count=\"%lld\"> maar het document bevat "
                 "%zu <order>-elementen", src, (long) xmlGetLineNo(root), (long long) count,
                 norders);
        return NULL;
    }
    page = order_page_new(norders);
    page->from = from;
    page->next = next;
    page->highest = highest;
    page->count = (size_t) count;
    for (n = root->children; n != NULL; n = n->next)
        if (is_feed_element(n, "order"))
            parse_item(n, &page->items[page->nitems++]);
    return page;
}

/* guarded_parse - a shop's XML answer as a tree, read with the guard: no
 * DTD, no entities, no network, nesting and nodes bounded; NULL with err */
static xmlDocPtr
guarded_parse(const char *body, size_t len, const char *src, char *err, size_t errlen)
{
    const unsigned char *b = (const unsigned char *) body;
    parse_guard_t guard;
    xmlParserCtxtPtr ctxt;
    xmlErrorPtr xe;
    xmlDocPtr doc;
    char    msg[256];
    size_t  n;
    bool    ok = false;

    if (body == NULL || len == 0) {
        snprintf(err, errlen, "%s: het document is leeg", src);
        return NULL;
    }
    if (len > LIMIT_DOCUMENT_BYTES) {
        snprintf(err, errlen, "%s: het document is %zu bytes, meer dan de grens van %d",
                 src, len, LIMIT_DOCUMENT_BYTES);
        return NULL;
    }
    if (len >= 2 && ((b[0] == 0xFE && b[1] == 0xFF) || (b[0] == 0xFF && b[1] == 0xFE)
                     || b[0] == 0 || b[1] == 0)) {
        snprintf(err, errlen, "%s: het document is in UTF-16 of UTF-32; alleen UTF-8 en "
                 "ISO-8859-1 worden gelezen", src);
        return NULL;
    }
    xmlInitParser();
    if ((ctxt = xmlNewParserCtxt()) == NULL) {
        snprintf(err, errlen, "%s: kan geen XML-parser maken (geen geheugen meer)", src);
        return NULL;
    }
    memset(&guard, 0, sizeof guard);
    guard.start = ctxt->sax->startElementNs;
    guard.end = ctxt->sax->endElementNs;
    ctxt->_private = &guard;
    ctxt->sax->startElementNs = guard_start;
    ctxt->sax->endElementNs = guard_end;
    ctxt->sax->internalSubset = guard_doctype;
    ctxt->sax->serror = quiet;
    ctxt->vctxt.error = NULL;
    ctxt->vctxt.warning = NULL;

    doc = xmlCtxtReadMemory(ctxt, body, (int) len, NULL, NULL,
                            XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING
                            | XML_PARSE_NOCDATA);
    if (guard.doctype) {
        snprintf(err, errlen, "%s: regel %ld: een documenttypedeclaratie (<!DOCTYPE>) "
                 "wordt in een orderdocument niet aangenomen", src, guard.line);
    } else if (guard.too_deep) {
        snprintf(err, errlen, "%s: regel %ld: elementen zijn meer dan %d diep genest", src,
                 guard.line, GCFEED_MAX_DEPTH);
    } else if (guard.too_many) {
        snprintf(err, errlen, "%s: regel %ld: het document heeft meer dan %d elementen en "
                 "attributen, meer dan koppel in een antwoord leest", src, guard.line,
                 LIMIT_DOCUMENT_NODES);
    } else if (doc == NULL || !ctxt->wellFormed) {
        xe = xmlCtxtGetLastError(ctxt);
        snprintf(msg, sizeof msg, "%s", xe && xe->message ? xe->message : "onbekende fout");
        n = strlen(msg);
        while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
            msg[--n] = '\0';
        snprintf(err, errlen, "%s: regel %d: geen geldige XML: \"%s\"", src,
                 xe ? xe->line : 0, msg);
    } else if (!accepted_encoding((const char *) doc->encoding)) {
        snprintf(err, errlen, "%s: het document is gecodeerd in %s; alleen UTF-8 en "
                 "ISO-8859-1 worden gelezen", src, (const char *) doc->encoding);
    } else if (utf8_mislabelled((const char *) doc->encoding, b, len)) {
        snprintf(err, errlen, "%s: het document noemt de codering %s maar de bytes zijn "
                 "UTF-8 (zo gelezen zou \"\xc3\xa9\" \"\xc3\x83\xc2\xa9\" worden); "
                 "de shop moet encoding=\"UTF-8\" opgeven", src, (const char *) doc->encoding);
    } else if (xmlDocGetRootElement(doc) == NULL) {
        snprintf(err, errlen, "%s: het document heeft geen hoofdelement", src);
    } else {
        ok = true;
    }
    if (!ok) {
        xmlFreeDoc(doc);
        doc = NULL;
    }
    xmlFreeParserCtxt(ctxt);
    return doc;
}

/* gcfeed_parse - parse an <orders> or <order> document */
order_page_t *
gcfeed_parse(const char *body, size_t len, const char *source_name, char *err,
             size_t errlen)
{
    const char *src = source_name != NULL ? source_name : "Globecharge-feed";
    xmlDocPtr doc;
    order_page_t *page;
    char    dummy[1];

    if (err == NULL || errlen == 0) {
        err = dummy;
        errlen = sizeof dummy;
    }
    err[0] = '\0';
    if ((doc = guarded_parse(body, len, src, err, errlen)) == NULL)
        return NULL;
    page = read_page(xmlDocGetRootElement(doc), src, err, errlen);
    xmlFreeDoc(doc);
    return page;
}

/* gcfeed_error - the code and text of an <error> answer, read with the guard */
bool
gcfeed_error(const char *body, size_t len, char *code, size_t codelen, char *text,
             size_t textlen)
{
    xmlDocPtr doc;
    xmlNodePtr root;
    char    err[512];
    char   *c, *t;
    bool    found = false;

    code[0] = text[0] = '\0';
    if (body == NULL || len == 0 || len > LIMIT_ERROR_ANSWER_BYTES)
        return false;
    if ((doc = guarded_parse(body, len, "foutantwoord", err, sizeof err)) == NULL)
        return false;
    root = xmlDocGetRootElement(doc);
    if (strcmp((const char *) root->name, "error") == 0) {
        c = node_attr(root, "code");
        t = trim(node_text(root));
        snprintf(code, codelen, "%s", c ? c : "");
        snprintf(text, textlen, "%s", t);
        free(c);
        free(t);
        found = true;
    }
    xmlFreeDoc(doc);
    return found;
}
