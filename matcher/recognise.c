/*
 * NAME
 *   recognise - decide the SnelStart relatie of an order's customer
 *
 * DESCRIPTION
 *   Each recognition method is a row of the methods[] table: a list of
 *   phases tried in order until one decides. A phase either decides
 *   (existing, new or error) or passes to the next. The phases:
 *
 *   klantcode        the order's field klantcode, klantnr, klantnummer,
 *                    debiteurnr or debiteurnummer (any case, spaces
 *                    around). Three flavours: required (method klantcode),
 *                    when given (klantcode-of-...: no code goes on, a wrong
 *                    code is an error) and when known (slim: anything but a
 *                    known code goes on).
 *   email            main e-mail, then invoice e-mail (To, CC), then quote,
 *                    confirmation and reminder e-mail (To, CC). The first
 *                    step that finds relaties decides: one is existing,
 *                    several is an error naming them.
 *   email-postcode   the same steps, counting only relaties whose
 *                    vestigingsadres postcode equals the delivery postcode
 *                    (billing when there is no delivery address).
 *   email-narrow     (slim) the same steps; several relaties are narrowed to
 *                    those whose postcode equals the billing or delivery
 *                    postcode; none left goes on to the next phase.
 *   btw, kvk         VAT number and KvK number, with the billing country.
 *   naam             name (company, else person) with billing country and
 *                    postcode.
 *   new              a new relatie, keyed by e-mail (plus postcode for the
 *                    postcode methods) or, without e-mail, by name,
 *                    postcode and country.
 *
 *   A country that is unknown on either side (no landen, no country in the
 *   order) does not rule a relatie out.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recognise.h"
#include "xalloc.h"

#define CANDIDATES_MAX  64      /* relaties collected per lookup */
#define CODES_LISTED    10      /* relatiecodes named in a message */

typedef enum { NEXT = 0, DONE } phase_result_t;

typedef struct {
    const relatie_index_t *index;
    const order_t *o;
    const char *method;
    char    email[320];         /* normalised */
    char    bill_postcode[64];  /* normalised */
    char    deliv_postcode[64]; /* delivery, else billing; normalised */
} ctx_t;

typedef phase_result_t (*phase_fn)(const ctx_t *, match_t *);

static phase_result_t klantcode_required(const ctx_t *, match_t *);
static phase_result_t klantcode_if_given(const ctx_t *, match_t *);
static phase_result_t klantcode_if_known(const ctx_t *, match_t *);
static phase_result_t email_plain(const ctx_t *, match_t *);
static phase_result_t email_postcode(const ctx_t *, match_t *);
static phase_result_t email_narrow(const ctx_t *, match_t *);
static phase_result_t btw_phase(const ctx_t *, match_t *);
static phase_result_t kvk_phase(const ctx_t *, match_t *);
static phase_result_t naam_phase(const ctx_t *, match_t *);
static phase_result_t new_by_email(const ctx_t *, match_t *);
static phase_result_t new_by_email_postcode(const ctx_t *, match_t *);

#define PHASES_MAX  8

static const struct {
    recognition_t method;           /* its name: recognition_name() */
    phase_fn phases[PHASES_MAX];    /* NULL-terminated */
} methods[] = {
    { RECOGNITION_KLANTCODE,
      { klantcode_required } },
    { RECOGNITION_EMAIL,
      { email_plain, new_by_email } },
    { RECOGNITION_KLANTCODE_OF_EMAIL,
      { klantcode_if_given, email_plain, new_by_email } },
    { RECOGNITION_EMAIL_POSTCODE,
      { email_postcode, new_by_email_postcode } },
    { RECOGNITION_KLANTCODE_OF_EMAIL_POSTCODE,
      { klantcode_if_given, email_postcode, new_by_email_postcode } },
    { RECOGNITION_SLIM,
      { klantcode_if_known, email_narrow, btw_phase, kvk_phase, naam_phase,
        new_by_email } },
};
#define NMETHODS    (sizeof methods / sizeof methods[0])

/* the e-mail steps, in the order the manual searches them */
static const struct {
    relatie_key_t key;
    const char *step;
    const char *what;           /* for messages */
} email_steps[] = {
    { RELATIE_KEY_EMAIL, "email", "e-mailadres" },
    { RELATIE_KEY_FACTUUR_EMAIL, "factuur-email",
      "factuur-e-mailadres (Aan of CC)" },
    { RELATIE_KEY_OVERIG_EMAIL, "overige-email",
      "e-mailadres voor offerte, bevestiging of aanmaning (Aan of CC)" },
};

/* the names of the order's own field that hold the klantcode */
static const char *klantcode_fields[] = {
    "klantcode", "klantnr", "klantnummer", "debiteurnr", "debiteurnummer", NULL
};

/* ---- helpers ---- */

/* country_eq - equal countries; unknown on either side matches */
static bool
country_eq(const char *a, const char *b)
{
    return *a == '\0' || *b == '\0' || strcasecmp(a, b) == 0;
}

/* code_cmp - order relatiecodes */
static int
code_cmp(const void *a, const void *b)
{
    int32_t x = *(const int32_t *) a, y = *(const int32_t *) b;

    return (x > y) - (x < y);
}

/* code_list - "1001, 1002, 1005" (and "and N more") into buf */
static void
code_list(const ctx_t *c, const uint32_t *refs, size_t nrefs, size_t total,
          char *buf, size_t buflen)
{
    int32_t codes[CANDIDATES_MAX];
    relatie_view_t v;
    size_t  i, n = 0, shown;

    if (nrefs > CANDIDATES_MAX)
        nrefs = CANDIDATES_MAX;
    for (i = 0; i < nrefs; i++) {
        relatie_index_get(c->index, refs[i], &v);
        codes[i] = v.relatiecode;
    }
    qsort(codes, nrefs, sizeof codes[0], code_cmp);
    buf[0] = '\0';
    shown = nrefs < CODES_LISTED ? nrefs : CODES_LISTED;
    for (i = 0; i < shown && n < buflen; i++)
        n += (size_t) snprintf(buf + n, buflen - n, "%s%d", i ? ", " : "",
                               codes[i]);
    if (total > shown && n < buflen)
        snprintf(buf + n, buflen - n, " en nog %zu", total - shown);
}

/* decide_existing - the decision "existing" for relatie ref */
static void
decide_existing(const ctx_t *c, match_t *m, uint32_t ref, const char *step,
                const char *why)
{
    relatie_view_t v;

    relatie_index_get(c->index, ref, &v);
    match_set(m, MATCH_EXISTING, v.relatiecode, v.id, c->method, step, "",
              "order %lld: relatie %d%s%s%s gevonden op %s",
              (long long) c->o->number, v.relatiecode, *v.naam ? " (" : "",
              v.naam, *v.naam ? ")" : "", why);
}

/* person_name - "first last" of the billing address */
static void
person_name(const order_t *o, char *buf, size_t buflen)
{
    snprintf(buf, buflen, "%s%s%s", o->billing.first_name,
             *o->billing.first_name && *o->billing.last_name ? " " : "",
             o->billing.last_name);
}

/* ---- klantcode ---- */

typedef enum { KC_ABSENT, KC_EMPTY, KC_INVALID, KC_OK } kc_state_t;

typedef struct {
    kc_state_t state;
    const char *field;          /* the field's name as typed */
    char    value[64];          /* trimmed */
    int32_t code;
} klantcode_t;

/* trimmed_eq - whether s, without surrounding whitespace, equals word
 * ignoring case */
static bool
trimmed_eq(const char *s, const char *word)
{
    size_t  n;

    while (isspace((unsigned char) *s))
        s++;
    n = strlen(s);
    while (n > 0 && isspace((unsigned char) s[n - 1]))
        n--;
    return n == strlen(word) && strncasecmp(s, word, n) == 0;
}

/* find_klantcode - the order's klantcode, from the first such field with a
 * value */
static void
find_klantcode(const order_t *o, klantcode_t *kc)
{
    size_t  i, j, n;
    const char *v;
    char   *end;
    long long code;

    memset(kc, 0, sizeof *kc);
    kc->state = KC_ABSENT;
    for (i = 0; i < o->nfields; i++) {
        for (j = 0; klantcode_fields[j]; j++)
            if (trimmed_eq(o->fields[i].name, klantcode_fields[j]))
                break;
        if (klantcode_fields[j] == NULL)
            continue;
        kc->field = o->fields[i].name;
        kc->state = KC_EMPTY;
        for (v = o->fields[i].value; isspace((unsigned char) *v); v++)
            ;
        n = strlen(v);
        while (n > 0 && isspace((unsigned char) v[n - 1]))
            n--;
        if (n == 0)
            continue;
        if (n >= sizeof kc->value)
            n = sizeof kc->value - 1;
        memcpy(kc->value, v, n);
        kc->value[n] = '\0';
        code = strtoll(kc->value, &end, 10);
        if (!isdigit((unsigned char) kc->value[0]) || *end != '\0'
            || code < 1 || code > INT32_MAX) {
            kc->state = KC_INVALID;
            return;
        }
        kc->code = (int32_t) code;
        kc->state = KC_OK;
        return;
    }
}

/* klantcode_decide - decide by a klantcode that must be given and known.
 * A code that is not in SnelStart is an error, not a new relatie: a
 * customer who types a klantcode claims to be an existing relatie, and the
 * bookkeeper expects to be told rather than to find a duplicate relatie. */
static phase_result_t
klantcode_decide(const ctx_t *c, const klantcode_t *kc, match_t *m)
{
    uint32_t ref;

    switch (kc->state) {
    case KC_ABSENT:
        match_set(m, MATCH_ERROR, 0, "", c->method, "klantcode", "",
                  "order %lld heeft geen klantcodeveld (klantcode, klantnr, "
                  "klantnummer, debiteurnr of debiteurnummer); voeg het veld "
                  "toe in de shop of kies een andere herkenning, en klik "
                  "Opnieuw",
                  (long long) c->o->number);
        return DONE;
    case KC_EMPTY:
        match_set(m, MATCH_ERROR, 0, "", c->method, "klantcode", "",
                  "order %lld: het klantcodeveld \"%s\" is leeg; vul de "
                  "klantcode van de klant in de order in en klik Opnieuw",
                  (long long) c->o->number, kc->field);
        return DONE;
    case KC_INVALID:
        match_set(m, MATCH_ERROR, 0, "", c->method, "klantcode", "",
                  "order %lld: klantcode \"%s\" in veld \"%s\" is geen "
                  "relatiecode (een positief geheel getal); corrigeer hem in "
                  "de order en klik Opnieuw", (long long) c->o->number,
                  kc->value, kc->field);
        return DONE;
    case KC_OK:
        break;
    }
    if (!relatie_index_by_code(c->index, kc->code, &ref)) {
        match_set(m, MATCH_ERROR, 0, "", c->method, "klantcode", "",
                  "order %lld: klantcode %d (veld \"%s\") is geen actieve "
                  "klant in SnelStart; corrigeer de klantcode in de order of "
                  "maak de relatie aan in SnelStart, en klik Opnieuw",
                  (long long) c->o->number, kc->code, kc->field);
        return DONE;
    }
    decide_existing(c, m, ref, "klantcode", "klantcode");
    return DONE;
}

/* klantcode_required - method klantcode: the code decides, always */
static phase_result_t
klantcode_required(const ctx_t *c, match_t *m)
{
    klantcode_t kc;

    find_klantcode(c->o, &kc);
    return klantcode_decide(c, &kc, m);
}

/* klantcode_if_given - without a klantcode go on; with one it decides */
static phase_result_t
klantcode_if_given(const ctx_t *c, match_t *m)
{
    klantcode_t kc;

    find_klantcode(c->o, &kc);
    if (kc.state == KC_ABSENT || kc.state == KC_EMPTY)
        return NEXT;
    return klantcode_decide(c, &kc, m);
}

/* klantcode_if_known - slim: only a code that exists in SnelStart decides */
static phase_result_t
klantcode_if_known(const ctx_t *c, match_t *m)
{
    klantcode_t kc;
    uint32_t ref;

    find_klantcode(c->o, &kc);
    if (kc.state != KC_OK || !relatie_index_by_code(c->index, kc.code, &ref))
        return NEXT;
    decide_existing(c, m, ref, "klantcode", "klantcode");
    return DONE;
}

/* ---- e-mail ---- */

/* ambiguous - the error "several relaties share ..." */
static void
ambiguous(const ctx_t *c, match_t *m, const char *step, const uint32_t *refs,
          size_t nrefs, size_t total, const char *shared, const char *fix)
{
    char    codes[256];

    code_list(c, refs, nrefs, total, codes, sizeof codes);
    match_set(m, MATCH_ERROR, 0, "", c->method, step, "",
              "order %lld: %zu relaties hebben %s: %s; %s",
              (long long) c->o->number, total, shared, codes, fix);
}

/* postcode_filter - keep the refs whose postcode is p1 or p2 (p2 may be NULL) */
static size_t
postcode_filter(const ctx_t *c, uint32_t *refs, size_t n, const char *p1,
                const char *p2)
{
    relatie_view_t v;
    size_t  i, kept = 0;

    for (i = 0; i < n; i++) {
        relatie_index_get(c->index, refs[i], &v);
        if (strcmp(v.postcode, p1) == 0 || (p2 && strcmp(v.postcode, p2) == 0))
            refs[kept++] = refs[i];
    }
    return kept;
}

typedef enum { EMAIL_PLAIN, EMAIL_POSTCODE, EMAIL_NARROW } email_mode_t;

/* email_step - decide within one e-mail step s among refs[n] (total found);
 * NEXT goes on to the next step (plain, postcode) or phase (narrow) */
static phase_result_t
email_step(const ctx_t *c, match_t *m, email_mode_t mode, size_t s,
           uint32_t *refs, size_t n, size_t total, char *shared,
           size_t sharedlen, char *why, size_t whylen)
{
    switch (mode) {
    case EMAIL_PLAIN:
        if (total == 1) {
            snprintf(why, whylen, "%s %s", email_steps[s].what,
                     c->email);
            decide_existing(c, m, refs[0], email_steps[s].step, why);
            return DONE;
        }
        snprintf(shared, sharedlen, "%s %s", email_steps[s].what,
                 c->email);
        ambiguous(c, m, email_steps[s].step, refs, n, total, shared,
                  "maak het e-mailadres uniek in SnelStart of corrigeer "
                  "het in de order, en klik Opnieuw");
        return DONE;
    case EMAIL_POSTCODE:
        n = postcode_filter(c, refs, n, c->deliv_postcode, NULL);
        if (n == 0)
            return NEXT;    /* this step has no relatie at the postcode */
        if (n == 1) {
            snprintf(why, whylen, "%s %s en postcode %s",
                     email_steps[s].what, c->email, c->deliv_postcode);
            decide_existing(c, m, refs[0], email_steps[s].step, why);
            return DONE;
        }
        snprintf(shared, sharedlen, "%s %s en postcode %s",
                 email_steps[s].what, c->email, c->deliv_postcode);
        ambiguous(c, m, email_steps[s].step, refs, n, n, shared,
                  "maak e-mailadres en postcode uniek in SnelStart of "
                  "corrigeer ze in de order, en klik Opnieuw");
        return DONE;
    case EMAIL_NARROW:
        if (total == 1) {
            snprintf(why, whylen, "%s %s", email_steps[s].what,
                     c->email);
            decide_existing(c, m, refs[0], email_steps[s].step, why);
            return DONE;
        }
        n = postcode_filter(c, refs, n, c->bill_postcode,
                            c->deliv_postcode);
        if (n == 0)
            return NEXT;    /* shared e-mail, none here: other phases */
        if (n == 1) {
            snprintf(why, whylen, "%s %s, verfijnd met de postcode",
                     email_steps[s].what, c->email);
            decide_existing(c, m, refs[0], email_steps[s].step, why);
            return DONE;
        }
        snprintf(shared, sharedlen, "%s %s en de postcode van de order",
                 email_steps[s].what, c->email);
        ambiguous(c, m, email_steps[s].step, refs, n, n, shared,
                  "maak e-mailadres en postcode uniek in SnelStart of "
                  "corrigeer ze in de order, en klik Opnieuw");
        return DONE;
    }
    return NEXT;
}

/* email_search - the e-mail steps in one of three modes */
static phase_result_t
email_search(const ctx_t *c, match_t *m, email_mode_t mode)
{
    uint32_t buf[CANDIDATES_MAX], *refs = buf;
    size_t  s, total, n;
    char    shared[512], why[512];
    phase_result_t result = NEXT;

    if (c->email[0] == '\0')
        return NEXT;
    for (s = 0; s < sizeof email_steps / sizeof email_steps[0]; s++) {
        total = relatie_index_find(c->index, email_steps[s].key, c->email,
                                   buf, CANDIDATES_MAX);
        if (total == 0)
            continue;
        n = total;
        if (total > CANDIDATES_MAX && mode != EMAIL_PLAIN) {
            /* the postcode filter must see every relatie sharing the e-mail */
            refs = xmalloc(total * sizeof *refs);
            relatie_index_find(c->index, email_steps[s].key, c->email, refs,
                               total);
        } else if (total > CANDIDATES_MAX)
            n = CANDIDATES_MAX;
        result = email_step(c, m, mode, s, refs, n, total, shared,
                            sizeof shared, why, sizeof why);
        if (refs != buf)
            free(refs);
        refs = buf;
        if (result == DONE || mode == EMAIL_NARROW)
            return result;
    }
    return NEXT;
}

/* email_plain - e-mail steps: first step with relaties decides */
static phase_result_t
email_plain(const ctx_t *c, match_t *m)
{
    return email_search(c, m, EMAIL_PLAIN);
}

/* email_postcode - e-mail steps, relaties at the delivery postcode only */
static phase_result_t
email_postcode(const ctx_t *c, match_t *m)
{
    return email_search(c, m, EMAIL_POSTCODE);
}

/* email_narrow - slim: e-mail steps, several narrowed by postcode */
static phase_result_t
email_narrow(const ctx_t *c, match_t *m)
{
    return email_search(c, m, EMAIL_NARROW);
}

/* ---- slim: VAT, KvK, name ---- */

/* what_unique - what decide_filtered's step compares, for "maak ... uniek" */
static const char *
what_unique(const char *step)
{
    if (strcmp(step, "btw") == 0)
        return "het btw-nummer";
    if (strcmp(step, "kvk") == 0)
        return "het KvK-nummer";
    return "de naam";
}

/* decide_filtered - decide among refs (already filtered): 1 existing,
 * several an error, none next */
static phase_result_t
decide_filtered(const ctx_t *c, match_t *m, const char *step,
                const uint32_t *refs, size_t n, const char *what)
{
    char    fix[256];

    if (n == 0)
        return NEXT;
    if (n == 1) {
        decide_existing(c, m, refs[0], step, what);
        return DONE;
    }
    snprintf(fix, sizeof fix, "maak %s uniek in SnelStart of corrigeer het "
             "in de order, en klik Opnieuw", what_unique(step));
    ambiguous(c, m, step, refs, n, n, what, fix);
    return DONE;
}

/* btw_phase - VAT number with the billing country */
static phase_result_t
btw_phase(const ctx_t *c, match_t *m)
{
    uint32_t refs[CANDIDATES_MAX];
    relatie_view_t v;
    char    num[128], prefix[3], what[256];
    const char *country;
    size_t  total, i, n = 0;

    relatie_norm_btw(c->o->vat_number, num, sizeof num, prefix);
    if (num[0] == '\0')
        return NEXT;
    country = prefix[0] ? prefix : c->o->billing.country;
    total = relatie_index_find(c->index, RELATIE_KEY_BTW, num, refs,
                               CANDIDATES_MAX);
    for (i = 0; i < total && i < CANDIDATES_MAX; i++) {
        relatie_index_get(c->index, refs[i], &v);
        if (country_eq(country, v.btw_country))
            refs[n++] = refs[i];
    }
    snprintf(what, sizeof what, "btw-nummer %s%s", country, num);
    return decide_filtered(c, m, "btw", refs, n, what);
}

/* kvk_phase - KvK number with the billing country */
static phase_result_t
kvk_phase(const ctx_t *c, match_t *m)
{
    uint32_t refs[CANDIDATES_MAX];
    relatie_view_t v;
    char    num[64], what[128];
    size_t  total, i, n = 0;

    relatie_norm_kvk(c->o->coc_number, num, sizeof num);
    if (num[0] == '\0')
        return NEXT;
    total = relatie_index_find(c->index, RELATIE_KEY_KVK, num, refs,
                               CANDIDATES_MAX);
    for (i = 0; i < total && i < CANDIDATES_MAX; i++) {
        relatie_index_get(c->index, refs[i], &v);
        if (country_eq(c->o->billing.country, v.country))
            refs[n++] = refs[i];
    }
    snprintf(what, sizeof what, "KvK-nummer %s", num);
    return decide_filtered(c, m, "kvk", refs, n, what);
}

/* naam_phase - company name, else person name, with billing country and
 * postcode */
static phase_result_t
naam_phase(const ctx_t *c, match_t *m)
{
    uint32_t refs[CANDIDATES_MAX];
    relatie_view_t v;
    char    names[2][256], key[256], what[512];
    size_t  total, i, k, n;

    snprintf(names[0], sizeof names[0], "%s", c->o->billing.company);
    person_name(c->o, names[1], sizeof names[1]);
    for (k = 0; k < 2; k++) {
        relatie_norm_naam(names[k], key, sizeof key);
        if (key[0] == '\0')
            continue;
        total = relatie_index_find(c->index, RELATIE_KEY_NAAM, key, refs,
                                   CANDIDATES_MAX);
        for (i = 0, n = 0; i < total && i < CANDIDATES_MAX; i++) {
            relatie_index_get(c->index, refs[i], &v);
            if (country_eq(c->o->billing.country, v.country)
                && strcmp(v.postcode, c->bill_postcode) == 0)
                refs[n++] = refs[i];
        }
        snprintf(what, sizeof what, "naam \"%.200s\" met postcode %.60s",
                 names[k], c->bill_postcode);
        if (decide_filtered(c, m, "naam", refs, n, what) == DONE)
            return DONE;
    }
    return NEXT;
}

/* ---- new ---- */

/* new_by_naam - a new relatie keyed by name, postcode and country */
static void
new_by_naam(const ctx_t *c, match_t *m, const char *why)
{
    char    name[256], key[256], *k;

    if (*c->o->billing.company)
        snprintf(name, sizeof name, "%s", c->o->billing.company);
    else
        person_name(c->o, name, sizeof name);
    relatie_norm_naam(name, key, sizeof key);
    if (asprintf(&k, "naam:%s|%s|%s", key, c->bill_postcode,
                 c->o->billing.country) < 0)
        k = NULL;
    match_set(m, MATCH_NEW, 0, "", c->method, "new", k ? k : "",
              "order %lld: %s; er wordt een nieuwe relatie aangemaakt voor %s",
              (long long) c->o->number, why, *name ? name : "de klant");
    free(k);
}

/* new_by_email - a new relatie keyed by e-mail (name without e-mail) */
static phase_result_t
new_by_email(const ctx_t *c, match_t *m)
{
    char   *k;

    if (c->email[0] == '\0') {
        new_by_naam(c, m, "de order heeft geen e-mailadres en er is geen "
                    "relatie gevonden");
        return DONE;
    }
    if (asprintf(&k, "email:%s", c->email) < 0)
        k = NULL;
    match_set(m, MATCH_NEW, 0, "", c->method, "new", k ? k : "",
              "order %lld: geen relatie in SnelStart gevonden voor %s; er "
              "wordt een nieuwe relatie aangemaakt", (long long) c->o->number,
              c->email);
    free(k);
    return DONE;
}

/* new_by_email_postcode - a new relatie keyed by e-mail and postcode */
static phase_result_t
new_by_email_postcode(const ctx_t *c, match_t *m)
{
    char   *k;

    if (c->email[0] == '\0') {
        new_by_naam(c, m, "de order heeft geen e-mailadres");
        return DONE;
    }
    if (asprintf(&k, "email:%s|%s", c->email, c->deliv_postcode) < 0)
        k = NULL;
    match_set(m, MATCH_NEW, 0, "", c->method, "new", k ? k : "",
              "order %lld: geen relatie in SnelStart gevonden voor %s met "
              "postcode %s; er wordt een nieuwe relatie aangemaakt",
              (long long) c->o->number, c->email, c->deliv_postcode);
    free(k);
    return DONE;
}

/* ---- entry ---- */

/* recognise - decide the customer of one order */
void
recognise(const relatie_index_t *index, const order_t *o,
          recognition_t method, match_t *m)
{
    ctx_t   c;
    size_t  i, p;

    for (i = 0; i < NMETHODS; i++)
        if (methods[i].method == method)
            break;
    if (i == NMETHODS) {
        match_set(m, MATCH_ERROR, 0, "", "unknown", "", "",
                  "order %lld: herkenning %d is onbekend; controleer de "
                  "herkenning in de instellingen van het profiel",
                  (long long) o->number, (int) method);
        return;
    }
    c.index = index;
    c.o = o;
    c.method = recognition_name(method);
    {
        /* an order e-mail holding several addresses: the first counts */
        char    first[sizeof c.email];
        size_t  len = strcspn(o->email, ";,");

        if (len >= sizeof first)
            len = sizeof first - 1;
        memcpy(first, o->email, len);
        first[len] = '\0';
        relatie_norm_email(first, c.email, sizeof c.email);
    }
    relatie_norm_postcode(o->billing.postcode, c.bill_postcode,
                          sizeof c.bill_postcode);
    relatie_norm_postcode(order_delivery_address(o)->postcode,
                          c.deliv_postcode, sizeof c.deliv_postcode);
    for (p = 0; p < PHASES_MAX && methods[i].phases[p]; p++)
        if (methods[i].phases[p](&c, m) == DONE)
            return;
    /* only klantcode ends without a decision, and it always decides */
    match_set(m, MATCH_ERROR, 0, "", c.method, "", "",
              "order %lld: geen beslissing bereikt", (long long) o->number);
}
