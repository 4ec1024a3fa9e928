/*
 * NAME
 *   ssim_api - the SnelStart B2B API v2 as the simulator answers it
 *
 * DESCRIPTION
 *   See ssim_api.h. Order of checks on a /v2 request, as Azure API
 *   Management in front of SnelStart does it: token expiry fault,
 *   subscription key (401), bearer token (401), rate limit (429), then
 *   the faults (500, slow answer), the resource itself, and last the
 *   dropped answer after a stored POST/PUT.
 *
 *   The body of a POST or PUT is first checked against the request schema
 *   the OpenAPI file gives the operation (ssim_spec); a body that fails is
 *   answered 400, logged as a warning and counted as an invalid request
 *   (/_sim/stats "invalid", the last ones in "invalid_requests"). Only a
 *   valid body meets the business rules of ssim_models.
 *
 *   Errors are SnelStart's array [{"errorCode","message","propertyName"}];
 *   query errors use ODATA-0001 (the simulator's code).
 */
#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base64.h"
#include "log.h"
#include "xalloc.h"
#include "ssim_api.h"
#include "ssim_models.h"
#include "ssim_odata.h"
#include "ssim_spec.h"

#define DUMP_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(15))
#define INVALID_KEPT 20         /* invalid requests kept for /_sim/stats */

struct ssim {
    ssim_store_t *store;
    ssim_options_t opts;
    pthread_mutex_t lock;
    json_t *tokens;             /* token -> expiry (monotonic seconds) */
    unsigned long long prng;
    long long v2_requests;
    double *ts;                 /* ring of accepted /v2 request times */
    size_t  ts_cap, ts_count, ts_head;
    json_t *stats;
    long long total;
    long long invalid;          /* bodies refused by the schema check */
    long    puts_limited;       /* PUTs answered 429 for --rate-limit-puts */
    json_t *invalid_last;       /* the last INVALID_KEPT of them: route, errors */
};

/* mono_now - monotonic seconds */
static double
mono_now(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double) t.tv_sec + (double) t.tv_nsec / 1e9;
}

/* prng_next - splitmix64 draw in [0, 1) */
static double
prng_next(ssim_t *sim)
{
    unsigned long long z = (sim->prng += 0x9E3779B97F4A7C15ULL);

    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return (double) (z >> 11) / 9007199254740992.0;
}

/* ssim_new - a simulator over an open store */
ssim_t *
ssim_new(ssim_store_t *store, const ssim_options_t *opts)
{
    ssim_t *sim = xcalloc(1, sizeof *sim);

    if (opts->spec == NULL)
        log_panic("ssim_new: no OpenAPI spec to check request bodies with");
    sim->store = store;
    sim->opts = *opts;
    if (sim->opts.time_scale <= 0)
        sim->opts.time_scale = 1;
    pthread_mutex_init(&sim->lock, NULL);
    sim->tokens = json_object();
    sim->stats = json_object();
    sim->invalid_last = json_array();
    sim->prng = opts->seed;
    sim->ts_cap = (size_t) (opts->rate_per_hour > opts->rate_per_minute ?
                            opts->rate_per_hour : opts->rate_per_minute);
    if (sim->ts_cap < 1)
        sim->ts_cap = 1;
    sim->ts = xcalloc(sim->ts_cap, sizeof *sim->ts);
    return sim;
}

/* ssim_destroy - free the simulator (not its store) */
void
ssim_destroy(ssim_t **sim_p)
{
    ssim_t *sim = *sim_p;

    if (sim == NULL)
        return;
    json_decref(sim->tokens);
    json_decref(sim->stats);
    json_decref(sim->invalid_last);
    free(sim->ts);
    pthread_mutex_destroy(&sim->lock);
    free(sim);
    *sim_p = NULL;
}

/* answer_json - set status and body from a JSON value (stolen) */
static void
answer_json(ssim_response_t *resp, int status, json_t *body)
{
    resp->status = status;
    resp->body = json_dumps(body, DUMP_FLAGS | JSON_ENCODE_ANY);
    json_decref(body);
}

/* answer_error - a SnelStart error array with one entry */
static void
answer_error(ssim_response_t *resp, int status, const char *code, const char *prop,
             const char *msg)
{
    json_t *errors = json_array();

    ssim_error_add(errors, code, prop, "%s", msg);
    answer_json(resp, status, errors);
}

/* answer_status - {"statusCode", "message"} as API Management writes it */
static void
answer_status(ssim_response_t *resp, int status, const char *msg)
{
    answer_json(resp, status, json_pack("{s:i,s:s}", "statusCode", status, "message", msg));
}

/* form_decode - percent/plus decoding of one form field, in place */
static void
form_decode(char *s)
{
    char   *w = s;

    for (; *s; s++) {
        if (*s == '+') {
            *w++ = ' ';
        } else if (*s == '%' && isxdigit((unsigned char) s[1]) && isxdigit((unsigned char) s[2])) {
            char    hex[3] = { s[1], s[2], 0 };

            *w++ = (char) strtol(hex, NULL, 16);
            s += 2;
        } else {
            *w++ = *s;
        }
    }
    *w = 0;
}

/* handle_token - POST /b2b/token */
static void
handle_token(ssim_t *sim, const ssim_request_t *req, ssim_response_t *resp)
{
    char   *body = xstrndup(req->body ? req->body : "", req->body_len);
    char   *save = NULL, *field;
    char   *grant = NULL, *key = NULL;
    char    token[96], u1[40], u2[40];
    double  now = mono_now();
    const char *k;
    json_t *v, *tmp;

    for (field = strtok_r(body, "&", &save); field; field = strtok_r(NULL, "&", &save)) {
        char   *eq = strchr(field, '=');

        if (eq == NULL)
            continue;
        *eq = 0;
        form_decode(field);
        form_decode(eq + 1);
        if (strcmp(field, "grant_type") == 0)
            grant = eq + 1;
        else if (strcmp(field, "clientkey") == 0)
            key = eq + 1;
    }
    if (strcmp(req->method, "POST") != 0) {
        answer_status(resp, 405, "Method not allowed");
    } else if (grant == NULL || strcmp(grant, "clientkey") != 0) {
        answer_json(resp, 400, json_pack("{s:s}", "error", "unsupported_grant_type"));
    } else if (key == NULL || strcmp(key, sim->opts.client_key) != 0) {
        answer_json(resp, 400, json_pack("{s:s}", "error", "invalid_grant"));
    } else {
        tmp = json_object();
        json_object_foreach(sim->tokens, k, v)
            if (json_real_value(v) > now)
                json_object_set(tmp, k, v);
        json_decref(sim->tokens);
        sim->tokens = tmp;
        ssim_uuid(u1, sizeof u1);
        ssim_uuid(u2, sizeof u2);
        snprintf(token, sizeof token, "sim.%s.%s", u1, u2);
        json_object_set_new(sim->tokens, token, json_real(now + (double) sim->opts.token_ttl_s));
        answer_json(resp, 200, json_pack("{s:s,s:s,s:I}", "access_token", token,
                                         "token_type", "bearer",
                                         "expires_in", (json_int_t) sim->opts.token_ttl_s));
    }
    free(body);
}

/* token_valid - whether the Authorization header holds a live token */
static bool
token_valid(ssim_t *sim, const char *auth)
{
    json_t *exp;

    if (auth == NULL || strncasecmp(auth, "Bearer ", 7) != 0)
        return false;
    exp = json_object_get(sim->tokens, auth + 7);
    return exp != NULL && json_real_value(exp) > mono_now();
}

/* ring_kth - the k-th most recent accepted request time (1 = latest) */
static double
ring_kth(ssim_t *sim, size_t k)
{
    return sim->ts[(sim->ts_head + sim->ts_cap - k) % sim->ts_cap];
}

/* rate_check - seconds until a request is allowed, 0 when it is */
static double
rate_check(ssim_t *sim, double now)
{
    double  wait = 0, w;
    int     limits[2] = { sim->opts.rate_per_minute, sim->opts.rate_per_hour };
    double  windows[2] = { 60.0 / sim->opts.time_scale, 3600.0 / sim->opts.time_scale };
    int     i;

    for (i = 0; i < 2; i++) {
        if (limits[i] <= 0 || sim->ts_count < (size_t) limits[i])
            continue;
        w = ring_kth(sim, (size_t) limits[i]) + windows[i] - now;
        if (w > wait)
            wait = w;
    }
    return wait;
}

/* rate_record - remember an accepted request */
static void
rate_record(ssim_t *sim, double now)
{
    sim->ts[sim->ts_head] = now;
    sim->ts_head = (sim->ts_head + 1) % sim->ts_cap;
    if (sim->ts_count < sim->ts_cap)
        sim->ts_count++;
}

/* query_filter - compile $filter, check paging; false after answering 400 */
static bool
query_options(const ssim_request_t *req, ssim_coll_t c, ssim_filter_t **filter,
              long *top, long *skip, ssim_response_t *resp)
{
    const char *k;
    json_t *v;
    char    err[256], *end;

    *filter = NULL;
    *top = 500;
    *skip = 0;
    json_object_foreach(req->query, k, v) {
        const char *s = json_string_value(v);

        if (k[0] != '$')
            continue;
        if (strcmp(k, "$filter") == 0) {
            if ((*filter = ssim_odata_parse(s, ssim_template(c), err, sizeof err)) == NULL) {
                answer_error(resp, 400, "ODATA-0001", "$filter", err);
                return false;
            }
        } else if (strcmp(k, "$top") == 0 || strcmp(k, "$skip") == 0) {
            long    n = strtol(s, &end, 10);

            if (*s == 0 || *end != 0 || n < 0 || (k[1] == 't' && (n < 1 || n > 500))) {
                snprintf(err, sizeof err, "%s must be a whole number%s", k,
                         k[1] == 't' ? " from 1 to 500" : " of 0 or more");
                answer_error(resp, 400, "ODATA-0001", k, err);
                ssim_odata_destroy(filter);
                return false;
            }
            *(k[1] == 't' ? top : skip) = n;
        } else {
            snprintf(err, sizeof err, "query option %s is not supported", k);
            answer_error(resp, 400, "ODATA-0001", k, err);
            ssim_odata_destroy(filter);
            return false;
        }
    }
    return true;
}

/* handle_list - GET of a collection with $filter, $top, $skip */
static void
handle_list(ssim_t *sim, const ssim_request_t *req, ssim_coll_t c, ssim_response_t *resp)
{
    ssim_filter_t *filter;
    long    top, skip, seen = 0;
    const json_t *list = ssim_store_list(sim->store, c);
    json_t *out, *obj;
    size_t  i;

    if (!query_options(req, c, &filter, &top, &skip, resp))
        return;
    out = json_array();
    json_array_foreach(list, i, obj) {
        if (!ssim_odata_match(filter, obj))
            continue;
        if (seen++ < skip)
            continue;
        json_array_append(out, obj);
        if ((long) json_array_size(out) >= top)
            break;
    }
    ssim_odata_destroy(&filter);
    answer_json(resp, 200, out);
}

/* handle_get_one - GET of one object by id */
static void
handle_get_one(ssim_t *sim, ssim_coll_t c, const char *id, ssim_response_t *resp)
{
    const json_t *obj = ssim_store_get(sim->store, c, id);

    if (obj == NULL)
        answer_status(resp, 404, "Resource not found");
    else
        answer_json(resp, 200, json_incref((json_t *) obj));
}

/* refuse_invalid - answer 400 with errors (stolen), count and log the request */
static void
refuse_invalid(ssim_t *sim, const ssim_request_t *req, json_t *errors, ssim_response_t *resp)
{
    char   *text = json_dumps(errors, JSON_COMPACT);

    log_warning("%s %s: invalid request body: %s", req->method, req->url, text ? text : "?");
    free(text);
    sim->invalid++;
    if (json_array_size(sim->invalid_last) >= INVALID_KEPT)
        json_array_remove(sim->invalid_last, 0);
    json_array_append_new(sim->invalid_last, json_pack("{s:s,s:s,s:O}", "method", req->method,
                                                       "url", req->url, "errors", errors));
    answer_json(resp, 400, errors);
}

/* parse_body - the request body as a JSON object valid for the operation's
 * request schema (spec_path as the OpenAPI file names it), or answer 400 */
static json_t *
parse_body(ssim_t *sim, const ssim_request_t *req, const char *spec_path,
           ssim_response_t *resp)
{
    json_error_t jerr;
    json_t *in = json_loadb(req->body ? req->body : "", req->body_len, 0, &jerr);
    json_t *errors = json_array();
    const json_t *schema = ssim_spec_request(sim->opts.spec, req->method, spec_path);

    if (in == NULL) {
        ssim_error_add(errors, "GEN-0001", NULL, "De body is geen JSON: %s", jerr.text);
    } else if (schema == NULL) {
        log_panic("the OpenAPI file has no request body for %s %s", req->method, spec_path);
    } else if (ssim_spec_check(sim->opts.spec, schema, in, errors)) {
        json_decref(errors);
        return in;
    }
    json_decref(in);
    refuse_invalid(sim, req, errors, resp);
    return NULL;
}

/* handle_relatie_write - POST /v2/relaties or PUT /v2/relaties/{id} */
static void
handle_relatie_write(ssim_t *sim, const ssim_request_t *req, const char *id,
                     ssim_response_t *resp)
{
    const json_t *old = NULL, *code, *list;
    json_t *in, *rel, *errors;
    char    newid[40], now[40], uri[80];

    if (id != NULL && (old = ssim_store_get(sim->store, SSIM_RELATIES, id)) == NULL) {
        answer_status(resp, 404, "Resource not found");
        return;
    }
    if ((in = parse_body(sim, req, old ? "/relaties/{id}" : "/relaties", resp)) == NULL)
        return;
    rel = ssim_normalise(SSIM_RELATIES, in);
    json_decref(in);
    if (id == NULL) {
        ssim_uuid(newid, sizeof newid);
        id = newid;
    }
    json_object_set_new(rel, "id", json_string(id));
    code = json_object_get(rel, "relatiecode");
    if (json_is_null(code)) {
        if (old != NULL) {
            json_object_set(rel, "relatiecode", json_object_get(old, "relatiecode"));
        } else {
            list = ssim_store_list(sim->store, SSIM_RELATIES);
            json_int_t max = json_array_size(list) == 0 ? 0 : json_integer_value(
                json_object_get(json_array_get(list, json_array_size(list) - 1), "relatiecode"));
            json_object_set_new(rel, "relatiecode", json_integer(max + 1));
        }
    }
    errors = json_array();
    ssim_validate_relatie(sim->store, rel, old ? id : NULL, errors);
    if (json_array_size(errors) > 0) {
        json_decref(rel);
        answer_json(resp, 400, errors);
        return;
    }
    json_decref(errors);
    ssim_now(now, sizeof now);
    json_object_set_new(rel, "modifiedOn", json_string(now));
    snprintf(uri, sizeof uri, "/relaties/%s", id);
    json_object_set_new(rel, "uri", json_string(uri));
    json_incref(rel);
    if (!ssim_store_put(sim->store, SSIM_RELATIES, rel,
                        (long long) json_integer_value(json_object_get(rel, "relatiecode")))) {
        json_decref(rel);
        answer_status(resp, 500, "Internal server error");
        return;
    }
    answer_json(resp, old ? 200 : 201, rel);
}

/* add_days - a datetime text plus n days, as "YYYY-MM-DDTHH:MM:SS" */
static json_t *
add_days(const char *date, long days)
{
    long long us;
    time_t  t;
    struct tm tm;
    char    buf[40];

    if (date == NULL || !ssim_datetime_parse(date, &us))
        return json_null();
    t = (time_t) (us / 1000000) + days * 86400;
    gmtime_r(&t, &tm);
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    return json_string(buf);
}

/* store_boeking - store a verkoopboeking and its verkoopfactuur (open for
 * the whole total) and answer 201 with it; takes boeking */
static void
store_boeking(ssim_t *sim, json_t *boeking, int64_t total, ssim_response_t *resp)
{
    json_t *factuur;
    char    id[40], fid[40], now[40], uri[80], kuri[80];
    const char *kid;
    long long seq;

    ssim_uuid(id, sizeof id);
    ssim_uuid(fid, sizeof fid);
    ssim_now(now, sizeof now);
    snprintf(uri, sizeof uri, "/verkoopboekingen/%s", id);
    kid = json_string_value(json_object_get(json_object_get(boeking, "klant"), "id"));
    if (kid) {
        snprintf(kuri, sizeof kuri, "/relaties/%s", kid);
        json_object_set_new(json_object_get(boeking, "klant"), "uri", json_string(kuri));
    }
    json_object_set_new(boeking, "id", json_string(id));
    json_object_set_new(boeking, "uri", json_string(uri));
    json_object_set_new(boeking, "modifiedOn", json_string(now));

    factuur = ssim_normalise(SSIM_FACTUREN, NULL);
    json_object_set_new(factuur, "id", json_string(fid));
    snprintf(uri, sizeof uri, "/verkoopfacturen/%s", fid);
    json_object_set_new(factuur, "uri", json_string(uri));
    json_object_set(factuur, "factuurnummer", json_object_get(boeking, "factuurnummer"));
    json_object_set_new(factuur, "verkoopBoeking", json_pack("{s:s,s:O}", "id", id, "uri",
                                                             json_object_get(boeking, "uri")));
    json_object_set(factuur, "relatie", json_object_get(boeking, "klant"));
    json_object_set(factuur, "factuurDatum", json_object_get(boeking, "factuurdatum"));
    json_object_set_new(factuur, "vervalDatum", add_days(
        json_string_value(json_object_get(boeking, "factuurdatum")),
        (long) json_integer_value(json_object_get(boeking, "betalingstermijn"))));
    json_object_set_new(factuur, "factuurBedrag", ssim_amount(total));
    json_object_set_new(factuur, "openstaandSaldo", ssim_amount(total));
    json_object_set_new(factuur, "modifiedOn", json_string(now));

    seq = ssim_store_next_seq(sim->store, SSIM_BOEKINGEN);
    json_incref(boeking);
    if (!ssim_store_begin(sim->store)
        || !ssim_store_put(sim->store, SSIM_BOEKINGEN, boeking, seq)
        || !ssim_store_put(sim->store, SSIM_FACTUREN, factuur,
                           ssim_store_next_seq(sim->store, SSIM_FACTUREN))
        || !ssim_store_commit(sim->store)) {
        json_decref(boeking);
        answer_status(resp, 500, "Internal server error");
        return;
    }
    answer_json(resp, 201, boeking);
}

/* handle_boeking - POST /v2/verkoopboekingen */
static void
handle_boeking(ssim_t *sim, const ssim_request_t *req, ssim_response_t *resp)
{
    json_t *in, *boeking, *errors;
    int64_t total = 0;

    if ((in = parse_body(sim, req, "/verkoopboekingen", resp)) == NULL)
        return;
    errors = json_array();
    boeking = ssim_validate_boeking(sim->store, in, errors, &total);
    json_decref(in);
    if (json_array_size(errors) > 0) {
        json_decref(boeking);
        answer_json(resp, 400, errors);
        return;
    }
    json_decref(errors);
    store_boeking(sim, boeking, total, resp);
}

/* handle_plant - POST /_sim/verkoopboekingen: store a verkoopboeking as
 * given, without the spec or the business rules (a factuurnummer twice, a
 * total that does not balance), so that a test can plant what koppel
 * would never post */
static void
handle_plant(ssim_t *sim, const ssim_request_t *req, ssim_response_t *resp)
{
    json_error_t je;
    json_t *in = json_loadb(req->body ? req->body : "", req->body_len, 0, &je);
    int64_t total = 0;

    if (!json_is_object(in) || !json_is_string(json_object_get(in, "factuurnummer"))
        || !json_is_string(json_object_get(in, "factuurdatum"))
        || !ssim_cents(json_object_get(in, "factuurbedrag"), &total)) {
        json_decref(in);
        answer_status(resp, 400, "a verkoopboeking with factuurnummer, factuurdatum and "
                      "factuurbedrag");
        return;
    }
    store_boeking(sim, in, total, resp);
}

/* handle_memoriaal - POST /v2/memoriaalboekingen: stored, and each
 * verkoopfactuur it settles has its openstaandSaldo lowered */
static void
handle_memoriaal(ssim_t *sim, const ssim_request_t *req, ssim_response_t *resp)
{
    json_t *in, *mb, *errors, *paid = json_object(), *amount;
    char    id[40], now[40], uri[80];
    const char *bid;
    bool    ok;

    if ((in = parse_body(sim, req, "/memoriaalboekingen", resp)) == NULL) {
        json_decref(paid);
        return;
    }
    errors = json_array();
    mb = ssim_validate_memoriaal(sim->store, in, errors, paid);
    json_decref(in);
    if (json_array_size(errors) > 0) {
        json_decref(mb);
        json_decref(paid);
        answer_json(resp, 400, errors);
        return;
    }
    json_decref(errors);
    ssim_uuid(id, sizeof id);
    ssim_now(now, sizeof now);
    snprintf(uri, sizeof uri, "/memoriaalboekingen/%s", id);
    json_object_set_new(mb, "id", json_string(id));
    json_object_set_new(mb, "uri", json_string(uri));
    json_object_set_new(mb, "modifiedOn", json_string(now));
    ok = ssim_store_begin(sim->store);
    json_object_foreach(paid, bid, amount) {
        const json_t *b = ssim_store_get(sim->store, SSIM_BOEKINGEN, bid);
        const json_t *f = ssim_store_by_factuurnummer(sim->store, SSIM_FACTUREN,
            json_string_value(json_object_get(b, "factuurnummer")));
        json_t *nf = json_deep_copy(f);
        int64_t open = 0;

        ssim_cents(json_object_get(f, "openstaandSaldo"), &open);
        json_object_set_new(nf, "openstaandSaldo", ssim_amount(open - json_integer_value(amount)));
        json_object_set_new(nf, "modifiedOn", json_string(now));
        ok = ok && ssim_store_put(sim->store, SSIM_FACTUREN, nf, ssim_store_next_seq(sim->store,
                                                                                   SSIM_FACTUREN));
    }
    json_decref(paid);
    json_incref(mb);
    if (!ok || !ssim_store_put(sim->store, SSIM_MEMORIAAL, mb,
                               ssim_store_next_seq(sim->store, SSIM_MEMORIAAL))
        || !ssim_store_commit(sim->store)) {
        json_decref(mb);
        answer_status(resp, 500, "Internal server error");
        return;
    }
    answer_json(resp, 201, mb);
}

/* documenttype - SnelStart's name of a document type (any case), or NULL */
static const char *
documenttype(const char *word)
{
    static const char *const types[] = { "Verkoopboekingen", "Inkoopboekingen", "Relaties" };
    size_t  i;

    for (i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strcasecmp(types[i], word) == 0)
            return types[i];
    return NULL;
}

/* handle_document_post - POST /v2/documenten/{documenttype}: a base64
 * document of at most 10 MB on an existing parent */
static void
handle_document_post(ssim_t *sim, const ssim_request_t *req, const char *type,
                     ssim_response_t *resp)
{
    json_t *in, *doc, *errors = json_array();
    const char *pid, *content, *name;
    void   *bytes = NULL;
    size_t  len = 0;
    char    id[40], uri[80];
    ssim_coll_t parent = strcmp(type, "Relaties") == 0 ? SSIM_RELATIES : SSIM_BOEKINGEN;

    if ((in = parse_body(sim, req, "/documenten/{documenttype}", resp)) == NULL) {
        json_decref(errors);
        return;
    }
    pid = json_string_value(json_object_get(in, "parentIdentifier"));
    content = json_string_value(json_object_get(in, "content"));
    name = json_string_value(json_object_get(in, "fileName"));
    if (pid == NULL || (strcmp(type, "Inkoopboekingen") != 0
                        && ssim_store_get(sim->store, parent, pid) == NULL)) {
        json_decref(in);
        json_decref(errors);
        answer_status(resp, 404, "Resource not found");
        return;
    }
    if (name == NULL || *name == 0)
        ssim_error_add(errors, "DOC-0001", "fileName", "De bestandsnaam is verplicht.");
    if (content == NULL || (bytes = base64_decode(content, &len)) == NULL || len == 0)
        ssim_error_add(errors, "DOC-0002", "content", "De inhoud moet een document in "
                       "base64 zijn.");
    else if (len > 10 * 1024 * 1024)
        ssim_error_add(errors, "DOC-0003", "content", "Een document is ten hoogste 10 MB.");
    free(bytes);
    if (json_array_size(errors) > 0) {
        json_decref(in);
        answer_json(resp, 400, errors);
        return;
    }
    json_decref(errors);
    ssim_uuid(id, sizeof id);
    snprintf(uri, sizeof uri, "/documenten/%s", id);
    doc = json_pack("{s:s,s:s,s:s,s:s,s:b,s:s,s:s}", "documenttype", type, "parentIdentifier",
                    pid, "fileName", name, "content", content, "readOnly",
                    json_is_true(json_object_get(in, "readOnly")), "id", id, "uri", uri);
    json_decref(in);
    json_incref(doc);
    if (!ssim_store_put(sim->store, SSIM_DOCUMENTEN, doc,
                        ssim_store_next_seq(sim->store, SSIM_DOCUMENTEN))) {
        json_decref(doc);
        answer_status(resp, 500, "Internal server error");
        return;
    }
    answer_json(resp, 200, json_pack("{s:s,s:s}", "id", id, "uri", uri));
    json_decref(doc);
}

/* handle_documents - /v2/documenten/{documenttype}[/{pid}]: POST a document,
 * GET the list of a parent's documents (without their content) */
static void
handle_documents(ssim_t *sim, const ssim_request_t *req, const char *rest,
                 ssim_response_t *resp)
{
    char    word[64] = "";
    const char *slash = strchr(rest, '/'), *type, *pid;
    const json_t *doc;
    json_t *out;
    size_t  i;

    snprintf(word, sizeof word, "%.*s", slash ? (int) (slash - rest) : (int) strlen(rest), rest);
    if ((type = documenttype(word)) == NULL) {
        answer_status(resp, 404, "Resource not found");
        return;
    }
    if (!slash && strcmp(req->method, "POST") == 0) {
        handle_document_post(sim, req, type, resp);
        return;
    }
    if (!slash || strchr(slash + 1, '/') || strcmp(req->method, "GET") != 0) {
        answer_status(resp, 405, "Method not allowed");
        return;
    }
    pid = slash + 1;
    out = json_array();
    json_array_foreach(ssim_store_list(sim->store, SSIM_DOCUMENTEN), i, doc) {
        if (strcmp(json_string_value(json_object_get(doc, "documenttype")), type) != 0
            || strcmp(json_string_value(json_object_get(doc, "parentIdentifier")), pid) != 0)
            continue;
        json_array_append_new(out, json_pack("{s:O,s:O,s:O,s:O,s:O}", "verkoopBoekingId",
                                             json_object_get(doc, "parentIdentifier"),
                                             "fileName", json_object_get(doc, "fileName"),
                                             "readOnly", json_object_get(doc, "readOnly"),
                                             "id", json_object_get(doc, "id"),
                                             "uri", json_object_get(doc, "uri")));
    }
    answer_json(resp, 200, out);
}

/* btwtarieven - the Dutch btw history */
static json_t *
btwtarieven(void)
{
    return json_pack("[{s:s,s:i,s:s,s:s},{s:s,s:i,s:s,s:n},"
                     "{s:s,s:i,s:s,s:s},{s:s,s:i,s:s,s:n},{s:s,s:i,s:s,s:n}]",
                     "btwSoort", "Hoog", "btwPercentage", 19, "datumVanaf",
                     "2001-01-01T00:00:00", "datumTotEnMet", "2012-09-30T00:00:00",
                     "btwSoort", "Hoog", "btwPercentage", 21, "datumVanaf",
                     "2012-10-01T00:00:00", "datumTotEnMet",
                     "btwSoort", "Laag", "btwPercentage", 6, "datumVanaf",
                     "2001-01-01T00:00:00", "datumTotEnMet", "2018-12-31T00:00:00",
                     "btwSoort", "Laag", "btwPercentage", 9, "datumVanaf",
                     "2019-01-01T00:00:00", "datumTotEnMet",
                     "btwSoort", "Geen", "btwPercentage", 0, "datumVanaf",
                     "2001-01-01T00:00:00", "datumTotEnMet");
}

/* company_info - the CompanyInfoModel of the administration */
static json_t *
company_info(ssim_t *sim)
{
    const json_t *gbs = ssim_store_list(sim->store, SSIM_GROOTBOEKEN), *g;
    json_t *ci = json_pack("{s:s,s:s,s:s,s:b,s:[]}", "administratieNaam", "Simulatie",
                           "bedrijfsnaam", "Simulatie B.V.", "btwNummer", "NL001234560B01",
                           "factureerBuitenlandsBtw", sim->opts.factureer_buitenlands_btw,
                           "factureerBuitenlandsBtwRanges");
    size_t  i;

    json_array_foreach(gbs, i, g) {
        const char *f = json_string_value(json_object_get(g, "grootboekfunctie"));

        if (f != NULL && strcmp(f, "BtwAfTeDragenOverig") == 0) {
            json_object_set_new(ci, "buitenlandseBtwGrootboek",
                                json_pack("{s:O}", "id", json_object_get(g, "id")));
            break;
        }
    }
    return ci;
}

/* vat_rates - the VatRatesModel of each EU member state: rates as the
 * member states publish them, with the changes of recent years */
static json_t *
vat_rates(void)
{
    static const struct {
        const char *iso3, *code;
        double  rate;
        const char *from;
    } rows[] = {
        { "AUT", "AT-S", 20, "1984-01-01" }, { "AUT", "AT-R1", 13, "2016-01-01" },
        { "AUT", "AT-R2", 10, "1995-01-01" },
        { "BEL", "BE-S", 21, "1996-01-01" }, { "BEL", "BE-R1", 12, "1992-04-01" },
        { "BEL", "BE-R2", 6, "1971-01-01" },
        { "BGR", "BG-S", 20, "1999-01-01" }, { "BGR", "BG-R1", 9, "2011-04-01" },
        { "CYP", "CY-S", 19, "2014-01-13" }, { "CYP", "CY-R1", 9, "2014-01-13" },
        { "CYP", "CY-R2", 5, "2014-01-13" },
        { "CZE", "CZ-S", 21, "2013-01-01" }, { "CZE", "CZ-R1", 12, "2024-01-01" },
        { "DEU", "DE-S", 19, "2007-01-01" }, { "DEU", "DE-S", 16, "2020-07-01" },
        { "DEU", "DE-S", 19, "2021-01-01" }, { "DEU", "DE-R", 7, "1983-07-01" },
        { "DEU", "DE-R", 5, "2020-07-01" }, { "DEU", "DE-R", 7, "2021-01-01" },
        { "DNK", "DK-S", 25, "1992-01-01" },
        { "EST", "EE-S", 20, "2009-07-01" }, { "EST", "EE-S", 22, "2024-01-01" },
        { "EST", "EE-S", 24, "2025-07-01" }, { "EST", "EE-R1", 9, "2009-07-01" },
        { "ESP", "ES-S", 21, "2012-09-01" }, { "ESP", "ES-R1", 10, "2012-09-01" },
        { "ESP", "ES-R2", 4, "1995-01-01" },
        { "FIN", "FI-S", 24, "2013-01-01" }, { "FIN", "FI-S", 25.5, "2024-09-01" },
        { "FIN", "FI-R1", 14, "2013-01-01" }, { "FIN", "FI-R2", 10, "2013-01-01" },
        { "FRA", "FR-S", 20, "2014-01-01" }, { "FRA", "FR-R1", 10, "2014-01-01" },
        { "FRA", "FR-R2", 5.5, "2012-01-01" }, { "FRA", "FR-SR", 2.1, "1989-01-01" },
        { "GRC", "EL-S", 24, "2016-06-01" }, { "GRC", "EL-R1", 13, "2011-09-01" },
        { "GRC", "EL-R2", 6, "2016-06-01" },
        { "HRV", "HR-S", 25, "2012-03-01" }, { "HRV", "HR-R1", 13, "2014-01-01" },
        { "HRV", "HR-R2", 5, "2014-01-01" },
        { "HUN", "HU-S", 27, "2012-01-01" }, { "HUN", "HU-R1", 18, "2009-07-01" },
        { "HUN", "HU-R2", 5, "2009-07-01" },
        { "IRL", "IE-S", 23, "2012-01-01" }, { "IRL", "IE-R1", 13.5, "2003-01-01" },
        { "IRL", "IE-R2", 9, "2011-07-01" },
        { "ITA", "IT-S", 22, "2013-10-01" }, { "ITA", "IT-R1", 10, "1995-02-24" },
        { "ITA", "IT-R2", 5, "2016-01-01" }, { "ITA", "IT-SR", 4, "1989-01-01" },
        { "LTU", "LT-S", 21, "2009-09-01" }, { "LTU", "LT-R1", 9, "2009-09-01" },
        { "LTU", "LT-R2", 5, "2009-09-01" },
        { "LUX", "LU-S", 17, "2015-01-01" }, { "LUX", "LU-R1", 14, "2015-01-01" },
        { "LUX", "LU-R2", 8, "2015-01-01" }, { "LUX", "LU-SR", 3, "1983-07-01" },
        { "LVA", "LV-S", 21, "2012-07-01" }, { "LVA", "LV-R1", 12, "2011-01-01" },
        { "LVA", "LV-R2", 5, "2018-01-01" },
        { "MLT", "MT-S", 18, "2004-01-01" }, { "MLT", "MT-R1", 7, "2011-01-01" },
        { "MLT", "MT-R2", 5, "2004-01-01" },
        { "NLD", "NL-S", 21, "2012-10-01" }, { "NLD", "NL-R1", 9, "2019-01-01" },
        { "POL", "PL-S", 23, "2011-01-01" }, { "POL", "PL-R1", 8, "2011-01-01" },
        { "POL", "PL-R2", 5, "2011-01-01" },
        { "PRT", "PT-S", 23, "2011-01-01" }, { "PRT", "PT-R1", 13, "2011-01-01" },
        { "PRT", "PT-R2", 6, "2011-01-01" },
        { "ROU", "RO-S", 19, "2017-01-01" }, { "ROU", "RO-S", 21, "2025-08-01" },
        { "ROU", "RO-R1", 9, "2016-01-01" }, { "ROU", "RO-R1", 11, "2025-08-01" },
        { "SWE", "SE-S", 25, "1990-07-01" }, { "SWE", "SE-R1", 12, "1996-01-01" },
        { "SWE", "SE-R2", 6, "1996-01-01" },
        { "SVN", "SI-S", 22, "2013-07-01" }, { "SVN", "SI-R1", 9.5, "2013-07-01" },
        { "SVN", "SI-R2", 5, "2020-01-01" },
        { "SVK", "SK-S", 20, "2011-01-01" }, { "SVK", "SK-S", 23, "2025-01-01" },
        { "SVK", "SK-R1", 10, "2011-01-01" }, { "SVK", "SK-R1", 19, "2025-01-01" },
        { "SVK", "SK-R2", 5, "2023-01-01" },
    };
    json_t *all = json_array(), *country = NULL;
    char    when[32];

    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        if (i == 0 || strcmp(rows[i].iso3, rows[i - 1].iso3) != 0) {
            country = json_pack("{s:s,s:[]}", "countryCode", rows[i].iso3, "vatRates");
            json_array_append_new(all, country);
        }
        snprintf(when, sizeof when, "%sT00:00:00", rows[i].from);
        json_array_append_new(json_object_get(country, "vatRates"),
                              json_pack("{s:s,s:f,s:s}", "rateCode", rows[i].code,
                                        "rate", rows[i].rate, "validFrom", when));
    }
    return all;
}

/* route_v2 - dispatch a checked /v2 request; sets the stats route name */
static void
route_v2(ssim_t *sim, const ssim_request_t *req, const char *path, char *route,
         size_t routelen, ssim_response_t *resp)
{
    static const struct {
        const char *name;
        ssim_coll_t coll;
        bool    list, one, post, put;
    } res[] = {
        { "relaties", SSIM_RELATIES, true, true, true, true },
        { "grootboeken", SSIM_GROOTBOEKEN, true, true, false, false },
        { "landen", SSIM_LANDEN, true, true, false, false },
        { "verkoopboekingen", SSIM_BOEKINGEN, false, true, true, false },
        { "verkoopfacturen", SSIM_FACTUREN, true, true, false, false },
        { "btwtarieven", SSIM_NCOLL, true, false, false, false },
        { "companyInfo", SSIM_NCOLL, true, false, false, false },
        { "vatrates", SSIM_NCOLL, true, false, false, false },
        { "dagboeken", SSIM_DAGBOEKEN, true, false, false, false },
        { "memoriaalboekingen", SSIM_MEMORIAAL, false, true, true, false },
    };
    char    name[64] = "", id[64] = "";
    const char *slash = strchr(path, '/');
    bool    get = strcmp(req->method, "GET") == 0;
    bool    post = strcmp(req->method, "POST") == 0;
    bool    put = strcmp(req->method, "PUT") == 0;
    size_t  i;

    snprintf(name, sizeof name, "%.*s", slash ? (int) (slash - path) : (int) strlen(path), path);
    if (slash && strcasecmp(name, "documenten") == 0) {
        snprintf(route, routelen, "%s /v2/documenten/{documenttype}%s", req->method,
                 strchr(slash + 1, '/') ? "/{pid}" : "");
        handle_documents(sim, req, slash + 1, resp);
        return;
    }
    if (slash)
        snprintf(id, sizeof id, "%s", slash + 1);
    if (strchr(id, '/') != NULL) {
        snprintf(route, routelen, "%s /v2/%s/{id}/...", req->method, name);
        answer_status(resp, 404, "Resource not found");
        return;
    }
    for (i = 0; i < sizeof res / sizeof res[0]; i++)
        if (strcasecmp(res[i].name, name) == 0)
            break;
    if (i == sizeof res / sizeof res[0]) {
        snprintf(route, routelen, "%s /v2/?", req->method);
        answer_status(resp, 404, "Resource not found");
        return;
    }
    snprintf(route, routelen, "%s /v2/%s%s", req->method, res[i].name, slash ? "/{id}" : "");
    if (!slash && get && res[i].list) {
        if (res[i].coll == SSIM_NCOLL)
            answer_json(resp, 200, strcmp(res[i].name, "companyInfo") == 0 ? company_info(sim)
                        : strcmp(res[i].name, "vatrates") == 0 ? vat_rates() : btwtarieven());
        else
            handle_list(sim, req, res[i].coll, resp);
    } else if (slash && get && res[i].one) {
        handle_get_one(sim, res[i].coll, id, resp);
    } else if (!slash && post && res[i].post) {
        if (res[i].coll == SSIM_RELATIES)
            handle_relatie_write(sim, req, NULL, resp);
        else if (res[i].coll == SSIM_MEMORIAAL)
            handle_memoriaal(sim, req, resp);
        else
            handle_boeking(sim, req, resp);
    } else if (slash && put && res[i].put) {
        handle_relatie_write(sim, req, id, resp);
    } else {
        answer_status(resp, 405, "Method not allowed");
    }
}

/* v2_route_name - "METHOD /v2/resource[/{id}]" for the statistics */
static void
v2_route_name(const char *method, const char *path, char *route, size_t routelen)
{
    static const char *const names[] = { "relaties", "grootboeken", "landen",
        "verkoopboekingen", "verkoopfacturen", "btwtarieven", "companyInfo", "vatrates",
        "dagboeken", "memoriaalboekingen", "documenten" };
    const char *slash = strchr(path, '/');
    size_t  len = slash ? (size_t) (slash - path) : strlen(path), i;

    for (i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strlen(names[i]) == len && strncasecmp(names[i], path, len) == 0)
            break;
    snprintf(route, routelen, "%s /v2/%s%s", method,
             i < sizeof names / sizeof names[0] ? names[i] : "?",
             slash ? (strchr(slash + 1, '/') ? "/{id}/..." : "/{id}") : "");
}

/* handle_v2 - the gateway checks, faults, then the resource */
static void
handle_v2(ssim_t *sim, const ssim_request_t *req, char *route, size_t routelen,
          ssim_response_t *resp)
{
    double  now = mono_now(), wait;
    const char *key;
    bool    write = strcmp(req->method, "POST") == 0 || strcmp(req->method, "PUT") == 0;

    v2_route_name(req->method, req->url + 4, route, routelen);
    sim->v2_requests++;
    if (sim->opts.expire_tokens_every > 0
        && sim->v2_requests % sim->opts.expire_tokens_every == 0)
        json_object_clear(sim->tokens);
    /* the key in its header or, as the spec's apiKeyQuery allows, the query */
    key = req->subscription_key ? req->subscription_key
        : json_string_value(json_object_get(req->query, "subscription-key"));
    if (key == NULL || strcmp(key, sim->opts.subscription_key) != 0) {
        answer_status(resp, 401, "Access denied due to invalid subscription key. Make sure "
                      "to provide a valid key for an active subscription.");
        return;
    }
    if (!token_valid(sim, req->authorization)) {
        answer_status(resp, 401, "Authorization has been denied for this request.");
        return;
    }
    if (strcmp(req->method, "PUT") == 0 && sim->puts_limited < sim->opts.rate_limit_puts) {
        sim->puts_limited++;
        resp->retry_after_s = 1;
        answer_status(resp, 429, "Rate limit is exceeded. Try again later.");
        return;
    }
    if (!sim->opts.no_rate_limit && (wait = rate_check(sim, now)) > 0) {
        resp->retry_after_s = (long) ceil(wait);
        if (resp->retry_after_s < 1)
            resp->retry_after_s = 1;
        answer_status(resp, 429, "Rate limit is exceeded. Try again later.");
        return;
    }
    rate_record(sim, now);
    if (sim->opts.fail_5xx_rate > 0 && prng_next(sim) < sim->opts.fail_5xx_rate) {
        answer_status(resp, 500, "Internal server error (injected)");
        return;
    }
    if (sim->opts.timeout_rate > 0 && prng_next(sim) < sim->opts.timeout_rate)
        resp->sleep_ms = sim->opts.timeout_ms;
    route_v2(sim, req, req->url + 4, route, routelen, resp);
    if (write && resp->status >= 200 && resp->status < 300
        && sim->opts.drop_after_store_rate > 0
        && prng_next(sim) < sim->opts.drop_after_store_rate)
        resp->drop = true;
}

/* handle_sim - the /_sim test endpoints */
static void
handle_sim(ssim_t *sim, const ssim_request_t *req, ssim_response_t *resp)
{
    const char *what = req->url + 6;

    if (strcmp(req->method, "POST") == 0 && strcmp(what, "verkoopboekingen") == 0)
        handle_plant(sim, req, resp);
    else if (strcmp(req->method, "GET") != 0)
        answer_status(resp, 405, "Method not allowed");
    else if (strcmp(what, "verkoopboekingen") == 0)
        answer_json(resp, 200, json_deep_copy(ssim_store_list(sim->store, SSIM_BOEKINGEN)));
    else if (strcmp(what, "verkoopfacturen") == 0)
        answer_json(resp, 200, json_deep_copy(ssim_store_list(sim->store, SSIM_FACTUREN)));
    else if (strcmp(what, "relaties") == 0)
        answer_json(resp, 200, json_deep_copy(ssim_store_list(sim->store, SSIM_RELATIES)));
    else if (strcmp(what, "documenten") == 0)
        answer_json(resp, 200, json_deep_copy(ssim_store_list(sim->store, SSIM_DOCUMENTEN)));
    else if (strcmp(what, "memoriaalboekingen") == 0)
        answer_json(resp, 200, json_deep_copy(ssim_store_list(sim->store, SSIM_MEMORIAAL)));
    else if (strcmp(what, "stats") == 0)
        answer_json(resp, 200, json_pack("{s:O,s:I,s:I,s:O}", "requests", sim->stats, "total",
                                         (json_int_t) sim->total, "invalid",
                                         (json_int_t) sim->invalid, "invalid_requests",
                                         sim->invalid_last));
    else
        answer_status(resp, 404, "Resource not found");
}

/* stats_count - count one answered request */
static void
stats_count(ssim_t *sim, const char *route, int status)
{
    json_t *per = json_object_get(sim->stats, route);
    json_t *n;
    char    code[16];

    if (per == NULL) {
        per = json_object();
        json_object_set_new(sim->stats, route, per);
    }
    snprintf(code, sizeof code, "%d", status);
    n = json_object_get(per, code);
    json_object_set_new(per, code, json_integer(n ? json_integer_value(n) + 1 : 1));
    sim->total++;
}

/* ssim_handle - answer one request */
void
ssim_handle(ssim_t *sim, const ssim_request_t *req, ssim_response_t *resp)
{
    char    route[160];

    memset(resp, 0, sizeof *resp);
    pthread_mutex_lock(&sim->lock);
    if (strncmp(req->url, "/_sim/", 6) == 0) {
        handle_sim(sim, req, resp);
        pthread_mutex_unlock(&sim->lock);
        return;
    }
    if (strcmp(req->url, "/b2b/token") == 0) {
        snprintf(route, sizeof route, "%s /b2b/token", req->method);
        handle_token(sim, req, resp);
    } else if (strncmp(req->url, "/v2/", 4) == 0) {
        handle_v2(sim, req, route, sizeof route, resp);
    } else {
        snprintf(route, sizeof route, "%s ?", req->method);
        answer_status(resp, 404, "Resource not found");
    }
    stats_count(sim, route, resp->drop ? 0 : resp->status);
    pthread_mutex_unlock(&sim->lock);
}

/* seed_one - fill an empty collection from a seed array */
static bool
seed_one(ssim_store_t *store, ssim_coll_t c, json_t *arr, const char *what,
         char *err, size_t errlen)
{
    json_t *in, *obj, *errors;
    size_t  i;
    char    id[40], now[40], uri[80];
    long long ord;

    if (arr == NULL || ssim_store_count(store, c) > 0)
        return true;
    if (!json_is_array(arr)) {
        snprintf(err, errlen, "%s: expected a JSON array", what);
        return false;
    }
    ssim_now(now, sizeof now);
    if (!ssim_store_begin(store)) {
        snprintf(err, errlen, "%s: cannot start a transaction", what);
        return false;
    }
    json_array_foreach(arr, i, in) {
        if (!json_is_object(in)) {
            snprintf(err, errlen, "%s: element %zu is not an object", what, i);
            return false;
        }
        obj = ssim_normalise(c, in);
        if (!json_is_string(json_object_get(obj, "id"))) {
            ssim_uuid(id, sizeof id);
            json_object_set_new(obj, "id", json_string(id));
        }
        if (json_is_null(json_object_get(obj, "modifiedOn")) && c != SSIM_LANDEN
            && c != SSIM_DAGBOEKEN)
            json_object_set_new(obj, "modifiedOn", json_string(now));
        snprintf(uri, sizeof uri, "/%s/%s", c == SSIM_RELATIES ? "relaties" :
                 c == SSIM_GROOTBOEKEN ? "grootboeken" : c == SSIM_DAGBOEKEN ? "dagboeken"
                 : "landen",
                 json_string_value(json_object_get(obj, "id")));
        json_object_set_new(obj, "uri", json_string(uri));
        ord = (long long) i;
        if (c == SSIM_RELATIES) {
            if (json_is_null(json_object_get(obj, "relatiecode")))
                json_object_set_new(obj, "relatiecode",
                                    json_integer(ssim_store_count(store, c) == 0 ? 1 :
                                                 json_integer_value(json_object_get(
                                                     json_array_get(ssim_store_list(store, c),
                                                                    ssim_store_count(store, c) - 1),
                                                     "relatiecode")) + 1));
            if (json_array_size(json_object_get(obj, "relatiesoort")) == 0)
                json_object_set_new(obj, "relatiesoort", json_pack("[s]", "Klant"));
            errors = json_array();
            ssim_validate_relatie(store, obj, NULL, errors);
            if (json_array_size(errors) > 0) {
                char   *text = json_dumps(errors, JSON_COMPACT);

                snprintf(err, errlen, "%s: relatie %zu is invalid: %s", what, i, text);
                free(text);
                json_decref(errors);
                json_decref(obj);
                return false;
            }
            json_decref(errors);
            ord = (long long) json_integer_value(json_object_get(obj, "relatiecode"));
        } else if (c == SSIM_GROOTBOEKEN || c == SSIM_DAGBOEKEN) {
            ord = (long long) json_integer_value(json_object_get(obj, "nummer"));
        }
        if (!ssim_store_put(store, c, obj, ord)) {
            snprintf(err, errlen, "%s: cannot store element %zu", what, i);
            return false;
        }
    }
    if (!ssim_store_commit(store)) {
        snprintf(err, errlen, "%s: cannot commit", what);
        return false;
    }
    return true;
}

/* ssim_seed - fill empty collections from seed arrays */
bool
ssim_seed(ssim_store_t *store, json_t *relaties, json_t *grootboeken, json_t *landen,
          char *err, size_t errlen)
{
    json_t *dagboeken = ssim_dagboeken_default();
    bool    ok;

    ok = seed_one(store, SSIM_DAGBOEKEN, dagboeken, "dagboeken", err, errlen)
        && seed_one(store, SSIM_LANDEN, landen, "landen", err, errlen)
        && seed_one(store, SSIM_GROOTBOEKEN, grootboeken, "grootboeken", err, errlen)
        && seed_one(store, SSIM_RELATIES, relaties, "relaties", err, errlen);
    json_decref(dagboeken);
    return ok;
}
