/*
 * NAME
 *   sim_feed - Globecharge feed documents: reading orders, writing answers
 *
 * DESCRIPTION
 *   libxml2 parses the document; each <order> element is copied into a
 *   document of its own, put into the feed namespace (an order written
 *   without xmlns is taken to mean the feed's) and serialised as UTF-8.
 *
 * DIAGNOSTICS
 *   Orders whose number or status cannot be read are skipped with a
 *   warning naming the document. Unreadable files are errors.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlsave.h>

#include "log.h"
#include "xalloc.h"
#include "sim_feed.h"

static const char *const statuses[] = { "paid", "open", "incomplete", "cancelled" };

/* set_ns - put an element tree without namespace into ns */
static void
set_ns(xmlNodePtr node, xmlNsPtr ns)
{
    xmlNodePtr c;

    if (node->type != XML_ELEMENT_NODE)
        return;
    if (node->ns == NULL || xmlStrEqual(node->ns->href, BAD_CAST GCSIM_NS))
        node->ns = ns;
    for (c = node->children; c; c = c->next)
        set_ns(c, ns);
}

/* order_text - the order element as a standalone UTF-8 fragment */
static char *
order_text(xmlNodePtr order)
{
    xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
    xmlNodePtr copy = xmlDocCopyNode(order, doc, 1);
    xmlNsPtr ns;
    xmlOutputBufferPtr out;
    char   *text;

    if (copy == NULL) {
        xmlFreeDoc(doc);
        return NULL;
    }
    xmlDocSetRootElement(doc, copy);
    ns = xmlSearchNsByHref(doc, copy, BAD_CAST GCSIM_NS);
    if (ns == NULL || ns->prefix != NULL)
        ns = xmlNewNs(copy, BAD_CAST GCSIM_NS, NULL);
    set_ns(copy, ns);
    out = xmlAllocOutputBuffer(NULL);
    xmlNodeDumpOutput(out, doc, copy, 0, 0, "UTF-8");
    xmlOutputBufferFlush(out);
    text = xstrndup((const char *) xmlOutputBufferGetContent(out),
                    xmlOutputBufferGetSize(out));
    xmlOutputBufferClose(out);
    xmlFreeDoc(doc);
    return text;
}

/* read_order - number and status of one order; -1 when unreadable */
static int
read_order(xmlNodePtr order, const char *name, int64_t *number, const char **status)
{
    xmlChar *num = xmlGetProp(order, BAD_CAST "number");
    xmlChar *st = xmlGetProp(order, BAD_CAST "status");
    char   *end = NULL;
    long long n = 0;
    size_t  i;
    int     ok = 0;

    *status = NULL;
    if (num != NULL) {
        errno = 0;
        n = strtoll((const char *) num, &end, 10);
        ok = errno == 0 && end != (char *) num && *end == 0 && n > 0;
    }
    if (!ok) {
        log_warning("%s line %ld: skipping an order whose number \"%s\" is not a"
                    " positive integer", name, xmlGetLineNo(order),
                    num ? (const char *) num : "(absent)");
        goto done;
    }
    for (i = 0; st && i < sizeof statuses / sizeof statuses[0]; i++)
        if (xmlStrEqual(st, BAD_CAST statuses[i]))
            *status = statuses[i];
    if (*status == NULL)
        log_warning("%s: skipping order %lld: status \"%s\" is not paid, open,"
                    " incomplete or cancelled", name, n,
                    st ? (const char *) st : "(absent)");
    *number = n;

done:
    xmlFree(num);
    xmlFree(st);
    return *status ? 0 : -1;
}

/* sim_feed_parse - call fn for each order of a document */
int
sim_feed_parse(const char *buf, size_t len, const char *name,
               sim_feed_order_fn fn, void *arg, char *err, size_t errlen)
{
    xmlDocPtr doc;
    xmlNodePtr root, c;
    int     count = 0;

    doc = xmlReadMemory(buf, (int) len, name, NULL,
                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (doc == NULL) {
        const xmlError *e = xmlGetLastError();

        snprintf(err, errlen, "%s is not well-formed XML: %s", name,
                 e && e->message ? e->message : "parse error");
        if (err[0] && err[strlen(err) - 1] == '\n')
            err[strlen(err) - 1] = 0;
        return -1;
    }
    root = xmlDocGetRootElement(doc);
    if (root == NULL || (!xmlStrEqual(root->name, BAD_CAST "orders")
                         && !xmlStrEqual(root->name, BAD_CAST "order"))) {
        snprintf(err, errlen, "%s: the root element is not <orders> or <order>", name);
        xmlFreeDoc(doc);
        return -1;
    }
    for (c = xmlStrEqual(root->name, BAD_CAST "order") ? root : root->children;
         c; c = c == root ? NULL : c->next) {
        int64_t number;
        const char *status;
        char   *text;
        int     stop;

        if (c->type != XML_ELEMENT_NODE || !xmlStrEqual(c->name, BAD_CAST "order"))
            continue;
        if (read_order(c, name, &number, &status) < 0)
            continue;
        if ((text = order_text(c)) == NULL) {
            log_warning("%s: cannot serialise order %lld; skipped", name,
                        (long long) number);
            continue;
        }
        stop = fn(number, status, text, arg);
        free(text);
        if (stop) {
            snprintf(err, errlen, "%s: storing order %lld failed", name,
                     (long long) number);
            xmlFreeDoc(doc);
            return -1;
        }
        count++;
    }
    xmlFreeDoc(doc);
    return count;
}

struct load_ctx {
    sim_store_t *store;
    char   *err;
    size_t  errlen;
};

/* load_one - store one order read from a file */
static int
load_one(int64_t number, const char *status, const char *xml, void *arg)
{
    struct load_ctx *ctx = arg;

    return sim_store_put(ctx->store, number, status, xml, ctx->err, ctx->errlen);
}

/* read_file - a whole file in new memory */
static char *
read_file(const char *path, size_t *len, char *err, size_t errlen)
{
    FILE   *fp = fopen(path, "rb");
    char   *buf = NULL;
    size_t  cap = 0, n = 0, r;

    if (fp == NULL) {
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    do {
        if (cap - n < 65536) {
            cap = cap ? cap * 2 : 131072;
            buf = xrealloc(buf, cap);
        }
        r = fread(buf + n, 1, cap - n - 1, fp);
        n += r;
    } while (r > 0);
    if (ferror(fp)) {
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        fclose(fp);
        free(buf);
        return NULL;
    }
    fclose(fp);
    buf[n] = 0;
    *len = n;
    return buf;
}

/* by_name - qsort comparator for file names */
static int
by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

/* sim_feed_load_dir - store the orders of every *.xml file in dir */
long
sim_feed_load_dir(const char *dir, sim_store_t *store, char *err, size_t errlen)
{
    DIR    *d = opendir(dir);
    struct dirent *de;
    char  **names = NULL;
    size_t  n = 0, i;
    long    total = 0;
    struct load_ctx ctx = { store, err, errlen };

    if (d == NULL) {
        snprintf(err, errlen, "cannot open order directory %s: %s", dir, strerror(errno));
        return -1;
    }
    while ((de = readdir(d)) != NULL) {
        size_t  l = strlen(de->d_name);

        if (l > 4 && strcmp(de->d_name + l - 4, ".xml") == 0 && de->d_name[0] != '.') {
            names = xrealloc(names, (n + 1) * sizeof *names);
            names[n++] = xasprintf("%s/%s", dir, de->d_name);
        }
    }
    closedir(d);
    qsort(names, n, sizeof *names, by_name);
    sim_store_begin(store);
    for (i = 0; i < n; i++) {
        size_t  len;
        char   *buf = read_file(names[i], &len, err, errlen);
        int     got;

        if (buf == NULL) {
            total = -1;
            break;
        }
        got = sim_feed_parse(buf, len, names[i], load_one, &ctx, err, errlen);
        free(buf);
        if (got < 0) {
            total = -1;
            break;
        }
        total += got;
    }
    sim_store_commit(store);
    for (i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return total;
}

/* sim_feed_strip_ns - the order text without its own namespace declaration */
const char *
sim_feed_strip_ns(const char *xml, size_t *skip)
{
    static const char decl[] = " xmlns=\"" GCSIM_NS "\"";

    *skip = 0;
    if (strncmp(xml, "<order", 6) == 0 && strncmp(xml + 6, decl, sizeof decl - 1) == 0)
        *skip = sizeof decl - 1;
    return xml;
}

/* sim_feed_encode - re-encode a UTF-8 document */
char *
sim_feed_encode(const char *doc, size_t len, const char *encoding, size_t *outlen)
{
    xmlDocPtr d = xmlReadMemory(doc, (int) len, "answer", "UTF-8",
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    xmlChar *mem = NULL;
    int     size = 0;
    char   *out;

    if (d == NULL)
        return NULL;
    xmlDocDumpMemoryEnc(d, &mem, &size, encoding);
    xmlFreeDoc(d);
    if (mem == NULL)
        return NULL;
    out = xmalloc((size_t) size + 1);
    memcpy(out, mem, (size_t) size);
    out[size] = 0;
    xmlFree(mem);
    *outlen = (size_t) size;
    return out;
}
