/*
 * NAME
 *   ssim_spec - SnelStart's OpenAPI file, and request bodies checked against it
 *
 * DESCRIPTION
 *   See ssim_spec.h. The YAML document is turned into one jansson tree
 *   (plain scalars typed by YAML 1.2's core schema: null, true/false,
 *   integers, decimals; quoted scalars stay text), so that $ref is a JSON
 *   pointer into it. Loading walks every schema under components/schemas
 *   and every request body once: a keyword or format this file does not
 *   check makes the load fail, so that a newer spec never passes a body
 *   unchecked in silence.
 *
 *   The copy in this folder (snelstart-b2b-api-v2.yaml) is SnelStart's
 *   published B2B API v2 OpenAPI file, unchanged; a newer one is a file
 *   swap.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "xalloc.h"
#include "ssim_models.h"
#include "ssim_odata.h"
#include "ssim_spec.h"

#define MAX_DEPTH  64       /* nesting of the YAML file, of a value, of $ref chains */
#define MAX_ERRORS 50       /* errors written for one body */

struct ssim_spec {
    json_t *doc;            /* the whole file as JSON */
};

typedef struct {
    const ssim_spec_t *spec;
    json_t *errors;
    size_t  found;          /* errors found, also those not written */
} check_t;

/* digits - how many decimal digits s starts with */
static size_t
digits(const char *s)
{
    size_t  n = 0;

    while (s[n] >= '0' && s[n] <= '9')
        n++;
    return n;
}

/* plain_integer - whether a plain scalar is a YAML 1.2 core integer */
static bool
plain_integer(const char *s)
{
    if (*s == '-' || *s == '+')
        s++;
    return digits(s) > 0 && s[digits(s)] == 0;
}

/* plain_decimal - whether a plain scalar is a YAML 1.2 core decimal */
static bool
plain_decimal(const char *s)
{
    size_t  whole, frac = 0;

    if (*s == '-' || *s == '+')
        s++;
    whole = digits(s);
    s += whole;
    if (*s == '.') {
        frac = digits(s + 1);
        s += 1 + frac;
    }
    if (whole + frac == 0)
        return false;
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '-' || *s == '+')
            s++;
        if (digits(s) == 0)
            return false;
        s += digits(s);
    }
    return *s == 0;
}

/* scalar_json - a YAML scalar as a JSON value; NULL when it is not UTF-8 */
static json_t *
scalar_json(const yaml_node_t *node)
{
    const char *s = (const char *) node->data.scalar.value;
    size_t  len = node->data.scalar.length;
    long long i;

    if (node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE || strlen(s) != len)
        return json_stringn(s, len);
    if (len == 0 || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 || strcmp(s, "Null") == 0
        || strcmp(s, "NULL") == 0)
        return json_null();
    if (strcmp(s, "true") == 0 || strcmp(s, "True") == 0 || strcmp(s, "TRUE") == 0)
        return json_true();
    if (strcmp(s, "false") == 0 || strcmp(s, "False") == 0 || strcmp(s, "FALSE") == 0)
        return json_false();
    if (plain_integer(s)) {
        errno = 0;
        i = strtoll(s, NULL, 10);
        if (errno == 0)
            return json_integer(i);
    }
    if (plain_decimal(s))
        return json_real(strtod(s, NULL));
    return json_stringn(s, len);
}

/* node_json - a YAML node and everything below it as JSON; NULL with err */
static json_t *
node_json(yaml_document_t *doc, yaml_node_t *node, int depth, char *err, size_t errlen)
{
    json_t *out, *v;
    yaml_node_item_t *item;
    yaml_node_pair_t *pair;
    yaml_node_t *key;

    if (node == NULL || depth > MAX_DEPTH) {
        snprintf(err, errlen, "line %zu: nested deeper than %d (or a cycle of aliases)",
                 node ? node->start_mark.line + 1 : 0, MAX_DEPTH);
        return NULL;
    }
    switch (node->type) {
    case YAML_SCALAR_NODE:
        if ((out = scalar_json(node)) == NULL)
            snprintf(err, errlen, "line %zu: text that is not UTF-8", node->start_mark.line + 1);
        return out;
    case YAML_SEQUENCE_NODE:
        out = json_array();
        for (item = node->data.sequence.items.start; item < node->data.sequence.items.top; item++) {
            if ((v = node_json(doc, yaml_document_get_node(doc, *item), depth + 1, err,
                               errlen)) == NULL) {
                json_decref(out);
                return NULL;
            }
            json_array_append_new(out, v);
        }
        return out;
    case YAML_MAPPING_NODE:
        out = json_object();
        for (pair = node->data.mapping.pairs.start; pair < node->data.mapping.pairs.top; pair++) {
            key = yaml_document_get_node(doc, pair->key);
            if (key == NULL || key->type != YAML_SCALAR_NODE
                || strlen((const char *) key->data.scalar.value) != key->data.scalar.length) {
                snprintf(err, errlen, "line %zu: a mapping key that is not a text",
                         node->start_mark.line + 1);
                json_decref(out);
                return NULL;
            }
            if ((v = node_json(doc, yaml_document_get_node(doc, pair->value), depth + 1, err,
                               errlen)) == NULL) {
                json_decref(out);
                return NULL;
            }
            if (json_object_set_new(out, (const char *) key->data.scalar.value, v) != 0) {
                snprintf(err, errlen, "line %zu: a mapping key that is not UTF-8",
                         key->start_mark.line + 1);
                json_decref(out);
                return NULL;
            }
        }
        return out;
    default:
        snprintf(err, errlen, "line %zu: an empty node", node->start_mark.line + 1);
        return NULL;
    }
}

/* yaml_file_json - a YAML file's single document as JSON; NULL with err */
static json_t *
yaml_file_json(const char *path, char *err, size_t errlen)
{
    yaml_parser_t parser;
    yaml_document_t doc;
    yaml_node_t *root;
    json_t *out = NULL;
    char    why[256] = "";
    FILE   *fp;

    if ((fp = fopen(path, "rb")) == NULL) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    if (!yaml_parser_initialize(&parser)) {
        fclose(fp);
        snprintf(err, errlen, "%s: cannot start the YAML parser (out of memory)", path);
        return NULL;
    }
    yaml_parser_set_input_file(&parser, fp);
    if (!yaml_parser_load(&parser, &doc)) {
        snprintf(err, errlen, "%s: line %zu: %s", path, parser.problem_mark.line + 1,
                 parser.problem ? parser.problem : "not YAML");
    } else {
        if ((root = yaml_document_get_root_node(&doc)) == NULL)
            snprintf(err, errlen, "%s: the file is empty", path);
        else if ((out = node_json(&doc, root, 0, why, sizeof why)) == NULL)
            snprintf(err, errlen, "%s: %s", path, why);
        yaml_document_delete(&doc);
    }
    if (out != NULL && ferror(fp)) {
        snprintf(err, errlen, "%s: read error", path);
        json_decref(out);
        out = NULL;
    }
    yaml_parser_delete(&parser);
    fclose(fp);
    return out;
}

/* pointer_get - the value a local $ref ("#/a/b~1c") points to, or NULL */
static const json_t *
pointer_get(const json_t *doc, const char *ref)
{
    const json_t *v = doc;
    char    token[256];
    size_t  n;

    if (strncmp(ref, "#/", 2) != 0)
        return NULL;
    for (ref += 2; v != NULL; ref++) {
        for (n = 0; *ref && *ref != '/'; ref++) {
            char    c = *ref;

            if (c == '~' && (ref[1] == '0' || ref[1] == '1'))
                c = *++ref == '0' ? '~' : '/';
            if (n + 1 >= sizeof token)
                return NULL;
            token[n++] = c;
        }
        token[n] = 0;
        if (json_is_object(v))
            v = json_object_get(v, token);
        else if (json_is_array(v) && digits(token) == n && n > 0)
            v = json_array_get(v, strtoul(token, NULL, 10));
        else
            v = NULL;
        if (*ref == 0)
            break;
    }
    return v;
}

/* resolve - the schema a chain of $ref ends in; *model set to the last
 * referenced schema's short name (RelatieWriteModel); NULL when broken */
static const json_t *
resolve(const json_t *doc, const json_t *s, const char **model)
{
    const char *ref, *dot;
    int     hops;

    for (hops = 0; s != NULL && hops <= MAX_DEPTH; hops++) {
        if ((ref = json_string_value(json_object_get(s, "$ref"))) == NULL)
            return json_is_object(s) ? s : NULL;
        s = pointer_get(doc, ref);
        if (model != NULL)
            *model = (dot = strrchr(ref, '.')) ? dot + 1 : strrchr(ref, '/') + 1;
    }
    return NULL;
}

/* known_format - whether the validator checks (or need not check) a format */
static bool
known_format(const char *f)
{
    static const char *const formats[] = { "uuid", "date-time", "date", "int32", "int64",
        "float", "double", "decimal", "byte", "binary", "password", NULL };
    size_t  i;

    for (i = 0; formats[i]; i++)
        if (strcmp(f, formats[i]) == 0)
            return true;
    return false;
}

/* walk - check one schema object and those inside it; false with err */
static bool
walk(const json_t *doc, const json_t *s, const char *where, int depth, char *err, size_t errlen)
{
    static const char *const notes[] = { "description", "example", "title", "default",
        "externalDocs", "xml", NULL };
    static const char *const types[] = { "string", "number", "integer", "boolean", "array",
        "object", NULL };
    const char *k, *key;
    const json_t *v, *x;
    char    sub[512];
    size_t  i;

#define BAD(...) do { snprintf(err, errlen, __VA_ARGS__); return false; } while (0)
    if (!json_is_object(s))
        BAD("%s: a schema must be a mapping", where);
    if (depth > MAX_DEPTH)
        BAD("%s: schemas nested deeper than %d", where, MAX_DEPTH);
    json_object_foreach((json_t *) s, k, v) {
        snprintf(sub, sizeof sub, "%s/%s", where, k);
        if (strncmp(k, "x-", 2) == 0)
            continue;
        for (i = 0; notes[i] && strcmp(notes[i], k) != 0; i++)
            ;
        if (notes[i])
            continue;
        if (strcmp(k, "$ref") == 0) {
            if (!json_is_string(v) || resolve(doc, s, NULL) == NULL)
                BAD("%s: does not point to a schema in the file", sub);
        } else if (strcmp(k, "type") == 0) {
            for (i = 0; types[i] && !(json_is_string(v)
                                      && strcmp(types[i], json_string_value(v)) == 0); i++)
                ;
            if (types[i] == NULL)
                BAD("%s: not a type of OpenAPI 3.0", sub);
        } else if (strcmp(k, "format") == 0) {
            if (!json_is_string(v) || !known_format(json_string_value(v)))
                BAD("%s: format %s is not checked by snelstart-sim", sub,
                    json_is_string(v) ? json_string_value(v) : "(not a text)");
        } else if (strcmp(k, "nullable") == 0 || strcmp(k, "readOnly") == 0
                   || strcmp(k, "writeOnly") == 0 || strcmp(k, "deprecated") == 0
                   || strcmp(k, "exclusiveMinimum") == 0 || strcmp(k, "exclusiveMaximum") == 0) {
            if (!json_is_boolean(v))
                BAD("%s: must be true or false", sub);
        } else if (strcmp(k, "enum") == 0) {
            if (!json_is_array(v) || json_array_size(v) == 0)
                BAD("%s: must be a list of values", sub);
        } else if (strcmp(k, "required") == 0) {
            if (!json_is_array(v))
                BAD("%s: must be a list of property names", sub);
            json_array_foreach(v, i, x)
                if (!json_is_string(x))
                    BAD("%s: must be a list of property names", sub);
        } else if (strcmp(k, "properties") == 0) {
            if (!json_is_object(v))
                BAD("%s: must be a mapping of property names to schemas", sub);
            json_object_foreach((json_t *) v, key, x) {
                char    prop[640];

                snprintf(prop, sizeof prop, "%s/%s", sub, key);
                if (!walk(doc, x, prop, depth + 1, err, errlen))
                    return false;
            }
        } else if (strcmp(k, "additionalProperties") == 0) {
            if (!json_is_boolean(v) && !walk(doc, v, sub, depth + 1, err, errlen))
                return false;
        } else if (strcmp(k, "items") == 0) {
            if (!walk(doc, v, sub, depth + 1, err, errlen))
                return false;
        } else if (strcmp(k, "allOf") == 0) {
            if (!json_is_array(v) || json_array_size(v) == 0)
                BAD("%s: must be a list of schemas", sub);
            json_array_foreach(v, i, x) {
                char    part[640];

                snprintf(part, sizeof part, "%s/%zu", sub, i);
                if (!walk(doc, x, part, depth + 1, err, errlen))
                    return false;
            }
        } else if (strcmp(k, "maxLength") == 0 || strcmp(k, "minLength") == 0
                   || strcmp(k, "maxItems") == 0 || strcmp(k, "minItems") == 0) {
            if (!json_is_integer(v) || json_integer_value(v) < 0)
                BAD("%s: must be a whole number of 0 or more", sub);
        } else if (strcmp(k, "minimum") == 0 || strcmp(k, "maximum") == 0) {
            if (!json_is_number(v))
                BAD("%s: must be a number", sub);
        } else {
            BAD("%s: the keyword %s is not checked by snelstart-sim", where, k);
        }
    }
    return true;
#undef BAD
}

/* walk_spec - check every schema and request body of the file */
static bool
walk_spec(const json_t *doc, char *err, size_t errlen)
{
    const json_t *schemas = json_object_get(json_object_get(doc, "components"), "schemas");
    const json_t *paths = json_object_get(doc, "paths"), *s, *op, *media;
    const char *name, *path, *method, *type;
    const char *version = json_string_value(json_object_get(doc, "openapi"));
    char    where[512];

    if (version == NULL || strncmp(version, "3.0.", 4) != 0) {
        snprintf(err, errlen, "not an OpenAPI 3.0 file (openapi: %s)", version ? version : "-");
        return false;
    }
    if (!json_is_object(schemas) || !json_is_object(paths)) {
        snprintf(err, errlen, "no components/schemas or no paths");
        return false;
    }
    json_object_foreach((json_t *) schemas, name, s) {
        snprintf(where, sizeof where, "components/schemas/%s", name);
        if (!walk(doc, s, where, 0, err, errlen))
            return false;
    }
    json_object_foreach((json_t *) paths, path, op) {
        json_object_foreach((json_t *) op, method, s) {
            const json_t *content = json_object_get(json_object_get(s, "requestBody"),
                                                    "content");

            json_object_foreach((json_t *) content, type, media) {
                if (json_object_get(media, "schema") == NULL)
                    continue;
                snprintf(where, sizeof where, "paths/%s/%s/requestBody/%s", path, method, type);
                if (!walk(doc, json_object_get(media, "schema"), where, 0, err, errlen))
                    return false;
            }
        }
    }
    return true;
}

/* ssim_spec_load - read and check an OpenAPI file */
ssim_spec_t *
ssim_spec_load(const char *path, char *err, size_t errlen)
{
    ssim_spec_t *spec;
    json_t *doc;
    char    why[768];

    if ((doc = yaml_file_json(path, err, errlen)) == NULL)
        return NULL;
    if (!walk_spec(doc, why, sizeof why)) {
        snprintf(err, errlen, "%s: %s", path, why);
        json_decref(doc);
        return NULL;
    }
    spec = xcalloc(1, sizeof *spec);
    spec->doc = doc;
    return spec;
}

/* ssim_spec_destroy - free the spec */
void
ssim_spec_destroy(ssim_spec_t **spec_p)
{
    if (*spec_p == NULL)
        return;
    json_decref((*spec_p)->doc);
    free(*spec_p);
    *spec_p = NULL;
}

/* ssim_spec_request - the JSON request body schema of an operation */
const json_t *
ssim_spec_request(const ssim_spec_t *spec, const char *method, const char *path)
{
    const json_t *op = json_object_get(json_object_get(spec->doc, "paths"), path);
    const char *m;
    const json_t *v;

    json_object_foreach((json_t *) op, m, v)
        if (strcasecmp(m, method) == 0)
            return json_object_get(json_object_get(json_object_get(json_object_get(
                v, "requestBody"), "content"), "application/json"), "schema");
    return NULL;
}

/* ssim_spec_component - components/schemas/NAME */
const json_t *
ssim_spec_component(const ssim_spec_t *spec, const char *name)
{
    return json_object_get(json_object_get(json_object_get(spec->doc, "components"),
                                           "schemas"), name);
}

/* bad - note one error of a body */
static void
bad(check_t *c, const char *code, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
bad(check_t *c, const char *code, const char *path, const char *fmt, ...)
{
    char    msg[512];
    va_list ap;

    c->found++;
    if (json_array_size(c->errors) >= MAX_ERRORS)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ssim_error_add(c->errors, code, *path ? path : NULL, "%s: %s", *path ? path : "De body",
                   msg);
}

/* describe - what a value is, in words, for a message */
static void
describe(const json_t *v, char *buf, size_t len)
{
    switch (json_typeof(v)) {
    case JSON_STRING:
        snprintf(buf, len, "de tekst \"%.40s%s\"", json_string_value(v),
                 json_string_length(v) > 40 ? "..." : "");
        break;
    case JSON_INTEGER:
        snprintf(buf, len, "het getal %lld", (long long) json_integer_value(v));
        break;
    case JSON_REAL:
        snprintf(buf, len, "het getal %g", json_real_value(v));
        break;
    case JSON_TRUE:
    case JSON_FALSE:
        snprintf(buf, len, "%s", json_is_true(v) ? "true" : "false");
        break;
    case JSON_ARRAY:
        snprintf(buf, len, "een lijst");
        break;
    case JSON_OBJECT:
        snprintf(buf, len, "een object");
        break;
    default:
        snprintf(buf, len, "null");
    }
}

/* type_words - an OpenAPI type in words */
static const char *
type_words(const char *type)
{
    if (strcmp(type, "string") == 0)
        return "een tekst (string)";
    if (strcmp(type, "integer") == 0)
        return "een geheel getal (integer)";
    if (strcmp(type, "number") == 0)
        return "een getal (number)";
    if (strcmp(type, "boolean") == 0)
        return "true of false (boolean)";
    if (strcmp(type, "array") == 0)
        return "een lijst (array)";
    return "een object";
}

/* type_ok - whether a (non-null) value has an OpenAPI type */
static bool
type_ok(const char *type, const json_t *v)
{
    if (strcmp(type, "string") == 0)
        return json_is_string(v);
    if (strcmp(type, "integer") == 0)
        return json_is_integer(v);
    if (strcmp(type, "number") == 0)
        return json_is_number(v);
    if (strcmp(type, "boolean") == 0)
        return json_is_boolean(v);
    if (strcmp(type, "array") == 0)
        return json_is_array(v);
    return json_is_object(v);
}

/* utf16_units - the length of UTF-8 text as .NET counts it */
static size_t
utf16_units(const char *s)
{
    size_t  n = 0;

    for (; *s; s++)
        if (((unsigned char) *s & 0xC0) != 0x80)
            n += (unsigned char) *s >= 0xF0 ? 2 : 1;
    return n;
}

/* is_uuid - 8-4-4-4-12 hexadecimal digits */
static bool
is_uuid(const char *s)
{
    size_t  i;

    if (strlen(s) != 36)
        return false;
    for (i = 0; i < 36; i++) {
        bool    dash = i == 8 || i == 13 || i == 18 || i == 23;

        if (dash ? s[i] != '-' : strchr("0123456789abcdefABCDEF", s[i]) == NULL)
            return false;
    }
    return true;
}

/* is_base64 - the characters and padding of base64 */
static bool
is_base64(const char *s)
{
    size_t  n = strlen(s), i;

    if (n % 4 != 0)
        return false;
    for (i = 0; i < n; i++)
        if (strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", s[i])
            == NULL && !(s[i] == '=' && i >= n - 2 && (i == n - 1 || s[n - 1] == '=')))
            return false;
    return true;
}

/* date_shape - "YYYY-MM-DD" and, with time, "THH:MM:SS" digit for digit */
static bool
date_shape(const char *s, bool with_time)
{
    const char *shape = with_time ? "dddd-dd-ddTdd:dd:dd" : "dddd-dd-dd";
    size_t  i;

    for (i = 0; shape[i]; i++)
        if (shape[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') : s[i] != shape[i])
            return false;
    return true;
}

/* check_string - length and format of a text */
static void
check_string(check_t *c, const json_t *s, const json_t *v, const char *path)
{
    const char *text = json_string_value(v), *format;
    const json_t *max = json_object_get(s, "maxLength"), *min = json_object_get(s, "minLength");
    size_t  units = utf16_units(text);
    long long us;

    if (max != NULL && units > (size_t) json_integer_value(max))
        bad(c, "GEN-0005", path, "mag maximaal %lld tekens bevatten, het zijn er %zu.",
            (long long) json_integer_value(max), units);
    if (min != NULL && units < (size_t) json_integer_value(min))
        bad(c, "GEN-0005", path, "moet ten minste %lld tekens bevatten, het zijn er %zu.",
            (long long) json_integer_value(min), units);
    if ((format = json_string_value(json_object_get(s, "format"))) == NULL)
        return;
    if (strcmp(format, "uuid") == 0 && !is_uuid(text))
        bad(c, "GEN-0004", path, "\"%.60s\" is geen uuid (zoals "
            "6b8f1f4c-2c1e-4a55-9d0e-0123456789ab).", text);
    else if (strcmp(format, "date-time") == 0
             && (!date_shape(text, true) || !ssim_datetime_parse(text, &us)))
        bad(c, "GEN-0004", path, "\"%.60s\" is geen datum met tijd (zoals "
            "2026-11-02T00:00:00 of 2026-11-02T14:31:07+01:00).", text);
    else if (strcmp(format, "date") == 0
             && (strlen(text) != 10 || !date_shape(text, false)
                 || !ssim_datetime_parse(text, &us)))
        bad(c, "GEN-0004", path, "\"%.60s\" is geen datum (zoals 2026-11-02).", text);
    else if (strcmp(format, "byte") == 0 && !is_base64(text))
        bad(c, "GEN-0004", path, "is geen base64-tekst.");
}

/* check_number - range and format of a number */
static void
check_number(check_t *c, const json_t *s, const json_t *v, const char *path)
{
    const json_t *min = json_object_get(s, "minimum"), *max = json_object_get(s, "maximum");
    const char *format = json_string_value(json_object_get(s, "format"));
    double  x = json_number_value(v);
    bool    excl_min = json_is_true(json_object_get(s, "exclusiveMinimum"));
    bool    excl_max = json_is_true(json_object_get(s, "exclusiveMaximum"));
    char    what[64];

    describe(v, what, sizeof what);
    if (min != NULL && (x < json_number_value(min) || (excl_min && x == json_number_value(min))))
        bad(c, "GEN-0009", path, "%s is kleiner dan %s%g.", what, excl_min ? "of gelijk aan " : "",
            json_number_value(min));
    if (max != NULL && (x > json_number_value(max) || (excl_max && x == json_number_value(max))))
        bad(c, "GEN-0009", path, "%s is groter dan %s%g.", what, excl_max ? "of gelijk aan " : "",
            json_number_value(max));
    if (format != NULL && strcmp(format, "int32") == 0 && json_is_integer(v)
        && (json_integer_value(v) < INT32_MIN || json_integer_value(v) > INT32_MAX))
        bad(c, "GEN-0009", path, "%s past niet in 32 bits (int32).", what);
    if (!isfinite(x))
        bad(c, "GEN-0009", path, "is geen eindig getal.");
}

static void check_value(check_t *c, const json_t *s, const json_t *v, const char *path,
                        const char *model, int depth, bool part);

/* collect - the properties, required names and additionalProperties of a
 * schema and its allOf parts */
static void
collect(check_t *c, const json_t *s, json_t *props, json_t *required, const json_t **extra,
        bool *strict, int depth)
{
    const json_t *p, *x;
    size_t  i;

    if ((s = resolve(c->spec->doc, s, NULL)) == NULL || depth > MAX_DEPTH)
        return;
    if ((p = json_object_get(s, "properties")) != NULL) {
        json_object_update_missing(props, (json_t *) p);
        *strict = true;
    }
    json_array_foreach(json_object_get(s, "required"), i, x)
        json_array_append(required, (json_t *) x);
    if ((x = json_object_get(s, "additionalProperties")) != NULL && *extra == NULL)
        *extra = x;
    json_array_foreach(json_object_get(s, "allOf"), i, x)
        collect(c, x, props, required, extra, strict, depth + 1);
}

/* join_path - "a.b", or "b" at the top */
static void
join_path(char *buf, size_t len, const char *path, const char *key)
{
    snprintf(buf, len, "%s%s%s", path, *path ? "." : "", key);
}

/* check_object - required, known and writable properties, and their values */
static void
check_object(check_t *c, const json_t *s, const json_t *v, const char *path, const char *model,
             int depth)
{
    json_t *props = json_object(), *required = json_array();
    const json_t *extra = NULL, *x, *ps, *rps;
    const char *key;
    bool    strict = false;
    char    sub[512];
    size_t  i;

    collect(c, s, props, required, &extra, &strict, 0);
    if (json_is_false(extra))
        strict = true;
    json_array_foreach(required, i, x) {
        if (json_object_get(v, json_string_value(x)) != NULL)
            continue;
        join_path(sub, sizeof sub, path, json_string_value(x));
        bad(c, "GEN-0002", sub, "is verplicht.");
    }
    json_object_foreach((json_t *) v, key, x) {
        join_path(sub, sizeof sub, path, key);
        if ((ps = json_object_get(props, key)) == NULL) {
            if (json_is_object(extra))
                check_value(c, extra, x, sub, NULL, depth + 1, false);
            else if (strict && !json_is_true(extra))
                bad(c, "GEN-0006", sub, "is geen eigenschap van %s.", model ? model : "dit object");
            continue;
        }
        rps = resolve(c->spec->doc, ps, NULL);
        if (json_is_true(json_object_get(ps, "readOnly"))
            || json_is_true(json_object_get(rps, "readOnly"))) {
            bad(c, "GEN-0007", sub, "is alleen te lezen en mag niet worden meegestuurd.");
            continue;
        }
        check_value(c, ps, x, sub, NULL, depth + 1, false);
    }
    json_decref(props);
    json_decref(required);
}

/* check_value - validate one value against one schema; part: an allOf part,
 * whose object properties its whole checks */
static void
check_value(check_t *c, const json_t *s, const json_t *v, const char *path, const char *model,
            int depth, bool part)
{
    const json_t *allof, *e, *x, *items;
    const char *type;
    char    what[64], sub[512], list[256];
    size_t  i, n;

    if ((s = resolve(c->spec->doc, s, &model)) == NULL || depth > MAX_DEPTH)
        return;
    if (json_is_null(v)) {
        if (!json_is_true(json_object_get(s, "nullable")))
            bad(c, "GEN-0008", path, "mag niet null zijn: laat de eigenschap weg of geef een "
                "waarde.");
        return;
    }
    allof = json_object_get(s, "allOf");
    json_array_foreach(allof, i, x)
        check_value(c, x, v, path, model, depth + 1, true);
    type = json_string_value(json_object_get(s, "type"));
    if (type != NULL && !type_ok(type, v)) {
        describe(v, what, sizeof what);
        bad(c, "GEN-0001", path, "moet %s zijn, niet %s.", type_words(type), what);
        return;
    }
    if ((e = json_object_get(s, "enum")) != NULL) {
        for (i = 0; i < json_array_size(e) && !json_equal(json_array_get(e, i), (json_t *) v); i++)
            ;
        if (i == json_array_size(e)) {
            n = 0;
            list[0] = 0;
            json_array_foreach(e, i, x)
                if (n < sizeof list)
                    n += (size_t) snprintf(list + n, sizeof list - n, "%s%s", i ? ", " : "",
                                           json_is_string(x) ? json_string_value(x) : "?");
            describe(v, what, sizeof what);
            bad(c, "GEN-0003", path, "%s is geen toegestane waarde; toegestaan: %s.", what, list);
        }
    }
    if (json_is_string(v))
        check_string(c, s, v, path);
    else if (json_is_number(v))
        check_number(c, s, v, path);
    else if (json_is_array(v)) {
        if ((x = json_object_get(s, "minItems")) != NULL
            && json_array_size(v) < (size_t) json_integer_value(x))
            bad(c, "GEN-0009", path, "moet ten minste %lld elementen hebben.",
                (long long) json_integer_value(x));
        if ((x = json_object_get(s, "maxItems")) != NULL
            && json_array_size(v) > (size_t) json_integer_value(x))
            bad(c, "GEN-0009", path, "mag ten hoogste %lld elementen hebben.",
                (long long) json_integer_value(x));
        if ((items = json_object_get(s, "items")) != NULL)
            json_array_foreach(v, i, x) {
                snprintf(sub, sizeof sub, "%s[%zu]", path, i);
                check_value(c, items, x, sub, NULL, depth + 1, false);
            }
    } else if (json_is_object(v) && !part)
        check_object(c, s, v, path, model, depth);
}

/* ssim_spec_check - validate value against schema */
bool
ssim_spec_check(const ssim_spec_t *spec, const json_t *schema, const json_t *value,
                json_t *errors)
{
    check_t c = { .spec = spec, .errors = errors, .found = 0 };

    check_value(&c, schema, value, "", NULL, 0, false);
    return c.found == 0;
}
