/*
 * NAME
 *   gen_seeds - write the msgpack seed corpora of tests/fuzz/ once
 *
 * DESCRIPTION
 *   Reads the example feed documents of tests/fixtures/feed/, and writes
 *   their orders as order_pack maps to tests/fuzz/corpus/order/, a few
 *   decisions as match_pack maps to corpus/match/, and one message of
 *   every type (msg_encode) to corpus/msg/. The files are committed; run
 *   this again only when the message format changes. From the repository
 *   root:
 *     make build/obj/tests/fuzz/gen_seeds.o build/libshop.a build/libglobal.a \
 *          build/libutil.a
 *     cc -o build/gen_seeds build/obj/tests/fuzz/gen_seeds.o build/libshop.a \
 *        build/libglobal.a build/libutil.a $(pkg-config --libs libczmq msgpack \
 *        jansson libxml-2.0 libutf8proc libconfig libcurl sqlite3) -lm
 *     build/gen_seeds
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <msgpack.h>

#include "gcfeed.h"
#include "match.h"
#include "msg.h"

#define CORPUS "tests/fuzz/corpus/"

static order_t *orders[32];
static size_t norders;

/* put - write bytes to CORPUS dir/name */
static void
put(const char *dir, const char *name, const void *data, size_t len)
{
    char    path[512];
    FILE   *fp;

    snprintf(path, sizeof path, CORPUS "%s/%s", dir, name);
    if ((fp = fopen(path, "wb")) == NULL || fwrite(data, 1, len, fp) != len
        || fclose(fp) != 0) {
        fprintf(stderr, "gen_seeds: cannot write %s\n", path);
        exit(1);
    }
}

/* read_feed - parse one example document and keep its valid orders */
static void
read_feed(const char *path)
{
    FILE   *fp = fopen(path, "rb");
    char   *buf, err[512];
    long    len;
    order_page_t *page;
    size_t  i;

    if (fp == NULL || fseek(fp, 0, SEEK_END) != 0 || (len = ftell(fp)) < 0) {
        fprintf(stderr, "gen_seeds: cannot read %s\n", path);
        exit(1);
    }
    rewind(fp);
    buf = malloc((size_t) len);
    if (buf == NULL || fread(buf, 1, (size_t) len, fp) != (size_t) len) {
        fprintf(stderr, "gen_seeds: cannot read %s\n", path);
        exit(1);
    }
    fclose(fp);
    if ((page = gcfeed_parse(buf, (size_t) len, path, err, sizeof err)) == NULL) {
        fprintf(stderr, "gen_seeds: %s\n", err);
        exit(1);
    }
    for (i = 0; i < page->nitems && norders < 32; i++)
        if (page->items[i].order)
            orders[norders++] = order_dup(page->items[i].order);
    order_page_destroy(&page);
    free(buf);
}

/* put_msg - encode a message into corpus/msg/NAME and free it */
static void
put_msg(const char *name, msg_t *m)
{
    size_t  len;
    void   *buf = msg_encode(m, &len);

    put("msg", name, buf, len);
    free(buf);
    msg_destroy(&m);
}

int
main(void)
{
    msgpack_sbuffer sb;
    msgpack_packer pk;
    match_t *decisions[3];
    msg_t  *m;
    char    name[64];
    size_t  i;

    read_feed("tests/fixtures/feed/order-10423.xml");
    read_feed("tests/fixtures/feed/order-10440-latin1.xml");
    read_feed("tests/fixtures/feed/orders-10423-10431.xml");

    for (i = 0; i < norders; i++) {
        msgpack_sbuffer_init(&sb);
        msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
        order_pack(orders[i], &pk);
        snprintf(name, sizeof name, "order-%zu", i);
        put("order", name, sb.data, sb.size);
        msgpack_sbuffer_destroy(&sb);
    }

    decisions[0] = match_new();
    match_set(decisions[0], MATCH_EXISTING, 1001, "00000000-0000-4000-8000-000000000001",
              "email", "factuur-email", "", "found by invoice e-mail");
    decisions[1] = match_new();
    match_set(decisions[1], MATCH_NEW, 0, "", "email-postcode", "none",
              "email:o'brien@x.nl", "no relatie with e-mail %s", "o'brien@x.nl");
    decisions[2] = match_new();
    match_set(decisions[2], MATCH_ERROR, 0, "", "klantcode", "klantcode",
              "", "klantcode %d is not a relatie", 42);
    for (i = 0; i < 3; i++) {
        msgpack_sbuffer_init(&sb);
        msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
        match_pack(decisions[i], &pk);
        snprintf(name, sizeof name, "match-%s", match_decision_name(decisions[i]->decision));
        put("match", name, sb.data, sb.size);
        msgpack_sbuffer_destroy(&sb);
    }

    m = msg_new(MSG_JOB);
    m->job_id = 7;
    msg_set(&m->profile, "winkel");
    msg_set(&m->task, "importeren-financieel");
    msg_set(&m->reason, "manual");
    put_msg("job", m);
    m = msg_new(MSG_JOB_DONE);
    m->job_id = 7;
    msg_set(&m->profile, "winkel");
    msg_set(&m->task, "importeren-financieel");
    m->ok = true;
    msg_set(&m->text, "9 orders read, 8 sent, 1 unreadable");
    put_msg("job_done", m);
    for (i = 0; i < norders && i < 4; i++) {
        m = msg_new(MSG_ORDER);
        msg_set(&m->profile, "winkel");
        m->attempt = (int64_t) i + 1;
        m->order = order_dup(orders[i]);
        snprintf(name, sizeof name, "order-%zu", i);
        put_msg(name, m);
    }
    for (i = 0; i < 3; i++) {
        m = msg_new(MSG_MATCHED);
        msg_set(&m->profile, "winkel");
        m->attempt = 1;
        m->order = order_dup(orders[i % norders]);
        m->match = match_new();
        match_set(m->match, decisions[i]->decision, decisions[i]->relatiecode,
                  decisions[i]->relatie_id, decisions[i]->method, decisions[i]->step,
                  decisions[i]->key, "%s", decisions[i]->reason);
        snprintf(name, sizeof name, "matched-%zu", i);
        put_msg(name, m);
    }
    m = msg_new(MSG_OUTCOME);
    msg_set(&m->profile, "winkel");
    m->number = 10423;
    msg_set(&m->result, "booked");
    msg_set(&m->stage, "booking");
    msg_set(&m->factuurnummer, "WEB10423");
    m->relatiecode = 1001;
    put_msg("outcome", m);
    m = msg_new(MSG_REQUEST);
    msg_set(&m->cmd, "dlq-replay");
    msg_add_arg(m, "--all");
    msg_add_arg(m, "winkel");
    put_msg("request", m);
    m = msg_new(MSG_REPLY);
    m->ok = true;
    msg_set(&m->text, "2 orders queued again");
    msg_set(&m->json, "{\"queued\":2}");
    put_msg("reply", m);
    m = msg_new(MSG_HELLO);
    msg_set(&m->text, "koppel-fetcher");
    put_msg("hello", m);

    for (i = 0; i < 3; i++)
        match_destroy(&decisions[i]);
    for (i = 0; i < norders; i++)
        order_destroy(&orders[i]);
    printf("gen_seeds: %zu orders\n", norders);
    return 0;
}
