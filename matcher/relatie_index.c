/*
 * NAME
 *   relatie_index - in-memory index of one administration's klanten
 *
 * DESCRIPTION
 *   Layout, chosen for a million relaties and cheap lookups:
 *   - one string arena (a growable byte array); every string of a relatie
 *     is a 32-bit offset into it, offset 0 is "". A relatie's e-mail keys
 *     per step are one list "a@x\0b@y\0\0", and the hash tables point into
 *     that list, so a key is stored once.
 *   - one array of compact records (48 bytes), reused through a free list.
 *   - open-addressing hash tables with linear probing (12-byte slots: hash,
 *     key offset, record + 1), several slots may hold the same key (several
 *     relaties share an e-mail). Deletion shifts back, so there are no
 *     tombstones. Tables grow at 60 % load.
 *   Strings of a replaced or removed relatie stay in the arena until the
 *   index is rebuilt; relatie_index_bytes() counts them.
 *
 * DIAGNOSTICS
 *   relatie_index_upsert_json() names the relatie and the key of a
 *   malformed object. An arena over 4 GiB or out of memory is fatal.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "eu.h"
#include "log.h"
#include "relatie_index.h"
#include "xalloc.h"

#define EMAIL_MAX       320     /* a normalised e-mail address */
#define KEYS_PER_STEP   16      /* addresses kept per e-mail step */
#define KEY_MAX         256     /* other normalised keys */

typedef struct {
    uint32_t hash;
    uint32_t key;           /* arena offset, or the relatiecode */
    uint32_t ref;           /* record index + 1; 0 is an empty slot */
} slot_t;

typedef struct {
    slot_t  *slots;
    uint32_t mask;          /* capacity - 1; capacity a power of two */
    uint32_t n;
    bool     intkey;        /* key is a relatiecode, not a string */
} table_t;

typedef struct {
    uint32_t id;
    uint32_t naam;
    uint32_t emails[3];     /* per e-mail step: key list */
    uint32_t postcode;
    uint32_t btw;
    uint32_t kvk;
    uint32_t naamkey;
    int32_t  relatiecode;
    char     country[3];
    char     btw_country[3];
} rec_t;

typedef struct {
    char   *id;
    char    iso[3];
} land_t;

struct relatie_index {
    char    *arena;
    size_t   alen, acap;
    size_t   garbage;       /* arena bytes of replaced relaties */
    rec_t   *recs;
    uint32_t nrecs, caprecs;
    uint32_t *freelist;
    uint32_t nfree, capfree;
    size_t   count;
    table_t  ids;
    table_t  codes;
    table_t  keys[RELATIE_KEY_N];
    char     latest[64];
    land_t  *landen;
    size_t   nlanden;
};

/* ---- hashing and tables ---- */

/* hash_mix - finalise 64 bits into well-spread 32 bits */
static uint32_t
hash_mix(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return (uint32_t) h;
}

/* hash_str - FNV-1a, mixed */
static uint32_t
hash_str(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;

    while (*s) {
        h ^= (unsigned char) *s++;
        h *= 0x100000001b3ULL;
    }
    return hash_mix(h);
}

/* hash_code - hash of a relatiecode */
static uint32_t
hash_code(int32_t code)
{
    return hash_mix((uint64_t) (uint32_t) code + 0x9e3779b97f4a7c15ULL);
}

/* table_init - an empty table of 64 slots */
static void
table_init(table_t *t, bool intkey)
{
    t->slots = xcalloc(64, sizeof *t->slots);
    t->mask = 63;
    t->n = 0;
    t->intkey = intkey;
}

/* table_grow - double the capacity, rehash */
static void
table_grow(table_t *t)
{
    uint32_t oldcap = t->mask + 1;
    uint32_t newcap = oldcap * 2;
    slot_t  *old = t->slots;
    uint32_t i, j;

    if (newcap == 0)
        log_fatal("relatie index: hash table over 2^32 slots");
    t->slots = xcalloc(newcap, sizeof *t->slots);
    t->mask = newcap - 1;
    for (i = 0; i < oldcap; i++) {
        if (old[i].ref == 0)
            continue;
        for (j = old[i].hash & t->mask; t->slots[j].ref; j = (j + 1) & t->mask)
            ;
        t->slots[j] = old[i];
    }
    free(old);
}

/* table_insert - add one (key, record) pair; duplicates allowed */
static void
table_insert(table_t *t, uint32_t hash, uint32_t key, uint32_t recno)
{
    uint32_t j;

    if ((uint64_t) (t->n + 1) * 5 >= (uint64_t) (t->mask + 1) * 3)
        table_grow(t);
    for (j = hash & t->mask; t->slots[j].ref; j = (j + 1) & t->mask)
        ;
    t->slots[j].hash = hash;
    t->slots[j].key = key;
    t->slots[j].ref = recno + 1;
    t->n++;
}

/* table_delete_at - empty slot i, shifting later slots of its cluster back */
static void
table_delete_at(table_t *t, uint32_t i)
{
    uint32_t j = i, home;

    for (;;) {
        j = (j + 1) & t->mask;
        if (t->slots[j].ref == 0)
            break;
        home = t->slots[j].hash & t->mask;
        /* move j back to i unless its home lies cyclically in (i, j] */
        if (i <= j ? (home <= i || home > j) : (home <= i && home > j)) {
            t->slots[i] = t->slots[j];
            i = j;
        }
    }
    t->slots[i].ref = 0;
    t->n--;
}

/* table_remove - remove the slot of record recno with that hash */
static void
table_remove(table_t *t, uint32_t hash, uint32_t recno)
{
    uint32_t j;

    for (j = hash & t->mask; t->slots[j].ref; j = (j + 1) & t->mask)
        if (t->slots[j].hash == hash && t->slots[j].ref == recno + 1) {
            table_delete_at(t, j);
            return;
        }
    log_panic("relatie index: record %u missing from a hash table", recno);
}

/* ---- arena ---- */

/* arena_add - copy n bytes plus a NUL into the arena; 0 for "" */
static uint32_t
arena_add(relatie_index_t *self, const char *s, size_t n)
{
    size_t  off;

    if (n == 0)
        return 0;
    if (self->alen + n + 1 > self->acap) {
        size_t  cap = self->acap * 2;

        while (cap < self->alen + n + 1)
            cap *= 2;
        if (cap > UINT32_MAX)
            log_fatal("relatie index: string arena over 4 GiB");
        self->arena = xrealloc(self->arena, cap);
        self->acap = cap;
    }
    off = self->alen;
    memcpy(self->arena + off, s, n);
    self->arena[off + n] = '\0';
    self->alen += n + 1;
    return (uint32_t) off;
}

/* arena_str - the arena string at offset */
static inline const char *
arena_str(const relatie_index_t *self, uint32_t off)
{
    return self->arena + off;
}

/* list_bytes - size of a key list "a\0b\0\0" at offset, 0 when empty */
static size_t
list_bytes(const relatie_index_t *self, uint32_t off)
{
    const char *p = arena_str(self, off);
    size_t  n = 0;

    if (off == 0)
        return 0;
    while (p[n])
        n += strlen(p + n) + 1;
    return n + 1;
}

/* ---- normalisation ---- */

/* is_space_at - length of the whitespace at s (ASCII or no-break space) */
static size_t
is_space_at(const char *s)
{
    if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n' || *s == '\v'
        || *s == '\f')
        return 1;
    if ((unsigned char) s[0] == 0xc2 && (unsigned char) s[1] == 0xa0)
        return 2;
    return 0;
}

/* fold_without_space - in with every whitespace removed and each byte folded */
static void
fold_without_space(const char *in, char *out, size_t outlen, int (*fold)(int))
{
    size_t  n = 0, sp;

    if (outlen == 0)
        return;
    while (*in) {
        if ((sp = is_space_at(in)) > 0) {
            in += sp;
            continue;
        }
        if (n + 1 < outlen)
            out[n++] = (char) fold((unsigned char) *in);
        in++;
    }
    out[n] = '\0';
}

/* relatie_norm_email - lower case, no whitespace */
void
relatie_norm_email(const char *in, char *out, size_t outlen)
{
    fold_without_space(in, out, outlen, tolower);
}

/* relatie_norm_postcode - upper case, no whitespace */
void
relatie_norm_postcode(const char *in, char *out, size_t outlen)
{
    fold_without_space(in, out, outlen, toupper);
}

/* relatie_norm_btw - letters and digits only, upper case, prefix split off */
void
relatie_norm_btw(const char *in, char *out, size_t outlen, char country[3])
{
    char    buf[KEY_MAX];
    size_t  n = 0;
    const char *num = buf;

    for (; *in; in++)
        if (isalnum((unsigned char) *in) && n + 1 < sizeof buf)
            buf[n++] = (char) toupper((unsigned char) *in);
    buf[n] = '\0';
    country[0] = '\0';
    if (n >= 2 && eu_vat_prefix_country(buf, country))
        num = buf + 2;
    if (outlen > 0)
        snprintf(out, outlen, "%s", num);
}

/* relatie_norm_kvk - digits only */
void
relatie_norm_kvk(const char *in, char *out, size_t outlen)
{
    size_t  n = 0;

    if (outlen == 0)
        return;
    for (; *in; in++)
        if (isdigit((unsigned char) *in) && n + 1 < outlen)
            out[n++] = *in;
    out[n] = '\0';
}

/* legal forms, as whole words after folding (B.V. is bv) */
static const char *legal_forms[] = {
    "bv", "nv", "vof", "cv", "cvba", "bvba", "vzw", "sprl", "srl", "io",
    "gmbh", "mbh", "ag", "kg", "ug", "ohg", "gbr", "ev", "kgaa",
    "haftungsbeschrankt", "ltd", "limited", "llc", "llp", "inc", "corp",
    "plc", "sa", "sarl", "sas", "sasu", "eurl", "sl", "spa", "oy", "ab",
    "as", "aps", "kft", "sro", NULL
};

/* is_legal_form - whether a folded word is a legal form */
static bool
is_legal_form(const char *w, size_t n)
{
    size_t  i;

    for (i = 0; legal_forms[i]; i++)
        if (strlen(legal_forms[i]) == n && memcmp(legal_forms[i], w, n) == 0)
            return true;
    return false;
}

#define NAAM_WORDS  32

/* relatie_norm_naam - decomposed, accents stripped, folded, letters and
 * digits only, legal forms dropped */
void
relatie_norm_naam(const char *in, char *out, size_t outlen)
{
    utf8proc_uint8_t *folded = NULL;
    utf8proc_ssize_t  len;
    char    words[NAAM_WORDS][64];
    size_t  wlen[NAAM_WORDS];
    size_t  nw = 0, i, n = 0;
    const utf8proc_uint8_t *p;
    utf8proc_int32_t cp;
    utf8proc_ssize_t step;

    if (outlen == 0)
        return;
    out[0] = '\0';
    len = utf8proc_map((const utf8proc_uint8_t *) in, 0, &folded,
                       UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPAT
                       | UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK
                       | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE);
    if (len < 0)
        return;                 /* not UTF-8: no name key */
    memset(wlen, 0, sizeof wlen);
    for (p = folded; *p; p += step) {
        utf8proc_category_t cat;

        step = utf8proc_iterate(p, -1, &cp);
        if (step <= 0)
            break;
        cat = utf8proc_category(cp);
        if (cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LL
            || cat == UTF8PROC_CATEGORY_LT || cat == UTF8PROC_CATEGORY_LM
            || cat == UTF8PROC_CATEGORY_LO || cat == UTF8PROC_CATEGORY_ND
            || cat == UTF8PROC_CATEGORY_NL || cat == UTF8PROC_CATEGORY_NO) {
            if (nw < NAAM_WORDS && wlen[nw] + (size_t) step < sizeof words[0]) {
                memcpy(words[nw] + wlen[nw], p, (size_t) step);
                wlen[nw] += (size_t) step;
            }
        } else if (cp == '.' || cp == '\'' || cp == 0x2019) {
            /* inside a word: B.V. is bv, d'Arc is darc */
        } else if (nw < NAAM_WORDS && wlen[nw] > 0) {
            nw++;               /* any other character ends a word */
        }
    }
    if (nw < NAAM_WORDS && wlen[nw] > 0)
        nw++;
    free(folded);
    for (i = 0; i < nw; i++) {
        if (is_legal_form(words[i], wlen[i]))
            continue;
        /* "B. V.", "N V": two short words forming a legal form */
        if (i + 1 < nw && wlen[i] <= 2 && wlen[i + 1] <= 2) {
            char    pair[5];

            memcpy(pair, words[i], wlen[i]);
            memcpy(pair + wlen[i], words[i + 1], wlen[i + 1]);
            if (is_legal_form(pair, wlen[i] + wlen[i + 1])) {
                i++;
                continue;
            }
        }
        if (n + wlen[i] < outlen) {
            memcpy(out + n, words[i], wlen[i]);
            n += wlen[i];
        }
    }
    out[n] = '\0';
}

/* ---- the index ---- */

/* relatie_index_new - an empty index */
relatie_index_t *
relatie_index_new(void)
{
    relatie_index_t *self = xcalloc(1, sizeof *self);
    int     k;

    self->acap = 4096;
    self->arena = xmalloc(self->acap);
    self->arena[0] = '\0';
    self->alen = 1;
    table_init(&self->ids, false);
    table_init(&self->codes, true);
    for (k = 0; k < RELATIE_KEY_N; k++)
        table_init(&self->keys[k], false);
    return self;
}

/* relatie_index_destroy - free and null the caller's pointer */
void
relatie_index_destroy(relatie_index_t **self_p)
{
    relatie_index_t *self;
    size_t  i;
    int     k;

    if (self_p == NULL || *self_p == NULL)
        return;
    self = *self_p;
    free(self->arena);
    free(self->recs);
    free(self->freelist);
    free(self->ids.slots);
    free(self->codes.slots);
    for (k = 0; k < RELATIE_KEY_N; k++)
        free(self->keys[k].slots);
    for (i = 0; i < self->nlanden; i++)
        free(self->landen[i].id);
    free(self->landen);
    free(self);
    *self_p = NULL;
}

/* land_cmp - order landen by id */
static int
land_cmp(const void *a, const void *b)
{
    return strcmp(((const land_t *) a)->id, ((const land_t *) b)->id);
}

/* relatie_index_set_landen - remember land id -> ISO code */
void
relatie_index_set_landen(relatie_index_t *self, const json_t *landen)
{
    size_t  i, n = 0;
    json_t *land;

    for (i = 0; i < self->nlanden; i++)
        free(self->landen[i].id);
    free(self->landen);
    self->landen = NULL;
    self->nlanden = 0;
    if (!json_is_array(landen))
        return;
    self->landen = xcalloc(json_array_size(landen) + 1, sizeof *self->landen);
    json_array_foreach(landen, i, land) {
        const char *id = json_string_value(json_object_get(land, "id"));
        const char *iso = json_string_value(json_object_get(land, "landcodeISO"));

        if (id == NULL || iso == NULL || strlen(iso) != 2) {
            log_warning("relatie index: land %zu has no id or no two-letter "
                        "landcodeISO; skipped", i);
            continue;
        }
        self->landen[n].id = xstrdup(id);
        self->landen[n].iso[0] = (char) toupper((unsigned char) iso[0]);
        self->landen[n].iso[1] = (char) toupper((unsigned char) iso[1]);
        self->landen[n].iso[2] = '\0';
        n++;
    }
    self->nlanden = n;
    qsort(self->landen, n, sizeof *self->landen, land_cmp);
}

/* land_iso - the ISO code of a land id, "" when unknown */
static const char *
land_iso(const relatie_index_t *self, const char *id)
{
    land_t  key, *hit;

    if (self->nlanden == 0 || id == NULL)
        return "";
    key.id = (char *) id;
    hit = bsearch(&key, self->landen, self->nlanden, sizeof *self->landen,
                  land_cmp);
    return hit ? hit->iso : "";
}

/* find_id - the record of a relatie id, or UINT32_MAX */
static uint32_t
find_id(const relatie_index_t *self, const char *id, uint32_t hash)
{
    const table_t *t = &self->ids;
    uint32_t j;

    for (j = hash & t->mask; t->slots[j].ref; j = (j + 1) & t->mask)
        if (t->slots[j].hash == hash
            && strcmp(arena_str(self, t->slots[j].key), id) == 0)
            return t->slots[j].ref - 1;
    return UINT32_MAX;
}

/* remove_rec - take record r out of every table and free it */
static void
remove_rec(relatie_index_t *self, uint32_t r)
{
    rec_t  *rec = &self->recs[r];
    const char *p;
    int     k;

    table_remove(&self->ids, hash_str(arena_str(self, rec->id)), r);
    table_remove(&self->codes, hash_code(rec->relatiecode), r);
    for (k = 0; k < 3; k++) {
        if (rec->emails[k] == 0)
            continue;
        for (p = arena_str(self, rec->emails[k]); *p; p += strlen(p) + 1)
            table_remove(&self->keys[k], hash_str(p), r);
        self->garbage += list_bytes(self, rec->emails[k]);
    }
    if (rec->btw)
        table_remove(&self->keys[RELATIE_KEY_BTW],
                     hash_str(arena_str(self, rec->btw)), r);
    if (rec->kvk)
        table_remove(&self->keys[RELATIE_KEY_KVK],
                     hash_str(arena_str(self, rec->kvk)), r);
    if (rec->naamkey)
        table_remove(&self->keys[RELATIE_KEY_NAAM],
                     hash_str(arena_str(self, rec->naamkey)), r);
    self->garbage += strlen(arena_str(self, rec->id)) + 1
        + (rec->naam ? strlen(arena_str(self, rec->naam)) + 1 : 0)
        + (rec->postcode ? strlen(arena_str(self, rec->postcode)) + 1 : 0)
        + (rec->btw ? strlen(arena_str(self, rec->btw)) + 1 : 0)
        + (rec->kvk ? strlen(arena_str(self, rec->kvk)) + 1 : 0)
        + (rec->naamkey ? strlen(arena_str(self, rec->naamkey)) + 1 : 0);
    memset(rec, 0, sizeof *rec);
    if (self->nfree == self->capfree) {
        self->capfree = self->capfree ? self->capfree * 2 : 64;
        self->freelist = xrealloc(self->freelist,
                                  self->capfree * sizeof *self->freelist);
    }
    self->freelist[self->nfree++] = r;
    self->count--;
}

/* relatie_index_remove - remove the relatie with that id */
bool
relatie_index_remove(relatie_index_t *self, const char *id)
{
    uint32_t r = find_id(self, id, hash_str(id));

    if (r == UINT32_MAX)
        return false;
    remove_rec(self, r);
    return true;
}

/* add_emails - split fields on ';' and ',', normalise, drop doubles, and
 * append to keys[] (at most KEYS_PER_STEP) */
static void
add_emails(const char *field, char keys[][EMAIL_MAX], size_t *nkeys)
{
    char    piece[EMAIL_MAX];
    const char *end;
    size_t  n, i;

    if (field == NULL)
        return;
    while (*field) {
        end = field + strcspn(field, ";,");
        n = (size_t) (end - field);
        if (n >= sizeof piece)
            n = sizeof piece - 1;
        memcpy(piece, field, n);
        piece[n] = '\0';
        relatie_norm_email(piece, keys[*nkeys], EMAIL_MAX);
        if (keys[*nkeys][0] != '\0') {
            for (i = 0; i < *nkeys; i++)
                if (strcmp(keys[i], keys[*nkeys]) == 0)
                    break;
            if (i == *nkeys && *nkeys + 1 < KEYS_PER_STEP)
                (*nkeys)++;
        }
        field = *end ? end + 1 : end;
    }
}

/* add_list - store keys as "a\0b\0\0" and index each under table t */
static uint32_t
add_list(relatie_index_t *self, table_t *t, char keys[][EMAIL_MAX],
         size_t nkeys, uint32_t r)
{
    size_t  total = 0, i, len;
    uint32_t off, pos;
    char   *buf;

    if (nkeys == 0)
        return 0;
    for (i = 0; i < nkeys; i++)
        total += strlen(keys[i]) + 1;
    buf = xmalloc(total);
    for (i = 0, pos = 0; i < nkeys; i++) {
        len = strlen(keys[i]) + 1;
        memcpy(buf + pos, keys[i], len);
        pos += (uint32_t) len;
    }
    off = arena_add(self, buf, total);      /* adds the final NUL */
    free(buf);
    for (i = 0, pos = off; i < nkeys; i++) {
        table_insert(t, hash_str(arena_str(self, pos)), pos, r);
        pos += (uint32_t) strlen(arena_str(self, pos)) + 1;
    }
    return off;
}

/* add_key - store one key and index it under table t; 0 when empty */
static uint32_t
add_key(relatie_index_t *self, table_t *t, const char *key, uint32_t r)
{
    uint32_t off;

    if (*key == '\0')
        return 0;
    off = arena_add(self, key, strlen(key));
    table_insert(t, hash_str(key), off, r);
    return off;
}

/* set_iso - copy a two-letter country code in upper case, else "" */
static void
set_iso(char dst[3], const char *iso)
{
    if (iso && strlen(iso) == 2) {
        dst[0] = (char) toupper((unsigned char) iso[0]);
        dst[1] = (char) toupper((unsigned char) iso[1]);
        dst[2] = '\0';
    } else
        dst[0] = '\0';
}

/* relatie_index_upsert - add or replace (inactive: remove) one relatie */
void
relatie_index_upsert(relatie_index_t *self, const relatie_rec_t *in)
{
    char    keys[KEYS_PER_STEP][EMAIL_MAX];
    char    buf[KEY_MAX];
    size_t  nkeys;
    uint32_t r, idhash;
    rec_t  *rec;

    if (in->id == NULL || in->id[0] == '\0')
        return;
    idhash = hash_str(in->id);
    if ((r = find_id(self, in->id, idhash)) != UINT32_MAX)
        remove_rec(self, r);
    if (!in->active)
        return;

    if (self->nfree > 0)
        r = self->freelist[--self->nfree];
    else {
        if (self->nrecs == self->caprecs) {
            self->caprecs = self->caprecs ? self->caprecs * 2 : 256;
            self->recs = xrealloc(self->recs,
                                  (size_t) self->caprecs * sizeof *self->recs);
        }
        r = self->nrecs++;
    }
    rec = &self->recs[r];
    memset(rec, 0, sizeof *rec);
    rec->relatiecode = in->relatiecode;
    rec->id = arena_add(self, in->id, strlen(in->id));
    table_insert(&self->ids, idhash, rec->id, r);
    table_insert(&self->codes, hash_code(in->relatiecode),
                 (uint32_t) in->relatiecode, r);
    if (in->naam)
        rec->naam = arena_add(self, in->naam, strlen(in->naam));

    nkeys = 0;
    add_emails(in->email, keys, &nkeys);
    rec->emails[0] = add_list(self, &self->keys[RELATIE_KEY_EMAIL], keys,
                              nkeys, r);
    nkeys = 0;
    add_emails(in->factuur_email, keys, &nkeys);
    add_emails(in->factuur_cc, keys, &nkeys);
    rec->emails[1] = add_list(self, &self->keys[RELATIE_KEY_FACTUUR_EMAIL],
                              keys, nkeys, r);
    nkeys = 0;
    add_emails(in->offerte_email, keys, &nkeys);
    add_emails(in->offerte_cc, keys, &nkeys);
    add_emails(in->bevestiging_email, keys, &nkeys);
    add_emails(in->bevestiging_cc, keys, &nkeys);
    add_emails(in->aanmaning_email, keys, &nkeys);
    add_emails(in->aanmaning_cc, keys, &nkeys);
    rec->emails[2] = add_list(self, &self->keys[RELATIE_KEY_OVERIG_EMAIL],
                              keys, nkeys, r);

    relatie_norm_postcode(in->postcode ? in->postcode : "", buf, sizeof buf);
    rec->postcode = arena_add(self, buf, strlen(buf));
    set_iso(rec->country, in->country_iso);

    relatie_norm_btw(in->btw_nummer ? in->btw_nummer : "", buf, sizeof buf,
                     rec->btw_country);
    if (rec->btw_country[0] == '\0')
        memcpy(rec->btw_country, rec->country, sizeof rec->country);
    rec->btw = add_key(self, &self->keys[RELATIE_KEY_BTW], buf, r);
    relatie_norm_kvk(in->kvk_nummer ? in->kvk_nummer : "", buf, sizeof buf);
    rec->kvk = add_key(self, &self->keys[RELATIE_KEY_KVK], buf, r);
    relatie_norm_naam(in->naam ? in->naam : "", buf, sizeof buf);
    rec->naamkey = add_key(self, &self->keys[RELATIE_KEY_NAAM], buf, r);
    self->count++;
}

/* relatie_index_take - relatie_index_upsert for a reader's callback */
void
relatie_index_take(void *index, const relatie_rec_t *rec)
{
    relatie_index_upsert(index, rec);
}

/* json_str - a string member (absent or null is ""); false + err on another type */
static bool
json_str(const json_t *obj, const char *key, const char **out,
         const char *id, const char *where, char *err, size_t errlen)
{
    const json_t *v = json_object_get(obj, key);

    if (v == NULL || json_is_null(v)) {
        *out = "";
        return true;
    }
    if (!json_is_string(v)) {
        snprintf(err, errlen, "relatie %s: \"%s%s\" is not a string", id,
                 where, key);
        return false;
    }
    *out = json_string_value(v);
    return true;
}

/* json_obj - an object member (absent or null is NULL); false + err otherwise */
static bool
json_obj(const json_t *obj, const char *key, const json_t **out,
         const char *id, char *err, size_t errlen)
{
    const json_t *v = json_object_get(obj, key);

    *out = NULL;
    if (v == NULL || json_is_null(v))
        return true;
    if (!json_is_object(v)) {
        snprintf(err, errlen, "relatie %s: \"%s\" is not an object", id, key);
        return false;
    }
    *out = v;
    return true;
}

/* json_mail - To and CC of an EmailVersturenModel member */
static bool
json_mail(const json_t *obj, const char *key, const char **to, const char **cc,
          const char *id, char *err, size_t errlen)
{
    const json_t *m;
    char    where[64];

    *to = *cc = "";
    if (!json_obj(obj, key, &m, id, err, errlen))
        return false;
    if (m == NULL)
        return true;
    snprintf(where, sizeof where, "%s.", key);
    return json_str(m, "email", to, id, where, err, errlen)
        && json_str(m, "ccEmail", cc, id, where, err, errlen);
}

/* relatie_index_upsert_json - add or replace from a RelatieModel object */
bool
relatie_index_upsert_json(relatie_index_t *self, const json_t *relatie,
                          char *err, size_t errlen)
{
    relatie_rec_t rec;
    const json_t *v, *adres, *land;
    const char *modified, *landid;
    json_int_t code;
    bool    klant = true;
    size_t  i;

    memset(&rec, 0, sizeof rec);
    if (!json_is_object(relatie)) {
        snprintf(err, errlen, "relatie: not a JSON object");
        return false;
    }
    v = json_object_get(relatie, "id");
    if (!json_is_string(v) || json_string_length(v) == 0
        || json_string_length(v) > 64) {
        snprintf(err, errlen, "relatie: \"id\" is missing or not a string "
                 "of 1 to 64 characters");
        return false;
    }
    rec.id = json_string_value(v);
    v = json_object_get(relatie, "relatiecode");
    if (!json_is_integer(v) || (code = json_integer_value(v)) < INT32_MIN
        || code > INT32_MAX) {
        snprintf(err, errlen, "relatie %s: \"relatiecode\" is missing or not "
                 "a 32-bit integer", rec.id);
        return false;
    }
    rec.relatiecode = (int32_t) code;

    v = json_object_get(relatie, "nonactief");
    if (v != NULL && !json_is_null(v) && !json_is_boolean(v)) {
        snprintf(err, errlen, "relatie %s: \"nonactief\" is not true or false",
                 rec.id);
        return false;
    }
    rec.active = !json_is_true(v);

    /* relatiesoort ["Klant", "Leverancier"]; absent means we cannot tell,
     * and the relatie is kept */
    v = json_object_get(relatie, "relatiesoort");
    if (json_is_array(v)) {
        json_t *s;

        klant = false;
        json_array_foreach(v, i, s) {
            if (!json_is_string(s)) {
                snprintf(err, errlen, "relatie %s: \"relatiesoort\" holds a "
                         "value that is not a string", rec.id);
                return false;
            }
            if (strcasecmp(json_string_value(s), "klant") == 0)
                klant = true;
        }
    } else if (json_is_string(v)) {
        klant = strcasecmp(json_string_value(v), "klant") == 0;
    } else if (v != NULL && !json_is_null(v)) {
        snprintf(err, errlen, "relatie %s: \"relatiesoort\" is not an array",
                 rec.id);
        return false;
    }
    if (!klant)
        rec.active = false;

    if (!json_str(relatie, "modifiedOn", &modified, rec.id, "", err, errlen)
        || !json_str(relatie, "naam", &rec.naam, rec.id, "", err, errlen)
        || !json_str(relatie, "email", &rec.email, rec.id, "", err, errlen)
        || !json_str(relatie, "btwNummer", &rec.btw_nummer, rec.id, "", err,
                     errlen)
        || !json_str(relatie, "kvkNummer", &rec.kvk_nummer, rec.id, "", err,
                     errlen)
        || !json_mail(relatie, "factuurEmailVersturen", &rec.factuur_email,
                      &rec.factuur_cc, rec.id, err, errlen)
        || !json_mail(relatie, "offerteEmailVersturen", &rec.offerte_email,
                      &rec.offerte_cc, rec.id, err, errlen)
        || !json_mail(relatie, "bevestigingsEmailVersturen",
                      &rec.bevestiging_email, &rec.bevestiging_cc, rec.id, err,
                      errlen)
        || !json_mail(relatie, "aanmaningEmailVersturen", &rec.aanmaning_email,
                      &rec.aanmaning_cc, rec.id, err, errlen)
        || !json_obj(relatie, "vestigingsAdres", &adres, rec.id, err, errlen))
        return false;

    rec.postcode = "";
    rec.country_iso = "";
    if (adres != NULL) {
        if (!json_str(adres, "postcode", &rec.postcode, rec.id,
                      "vestigingsAdres.", err, errlen)
            || !json_obj(adres, "land", &land, rec.id, err, errlen))
            return false;
        if (land != NULL) {
            const char *iso;

            if (!json_str(land, "id", &landid, rec.id, "vestigingsAdres.land.",
                          err, errlen)
                || !json_str(land, "landcodeISO", &iso, rec.id,
                             "vestigingsAdres.land.", err, errlen))
                return false;
            rec.country_iso = *iso ? iso : land_iso(self, landid);
        }
    }

    relatie_index_upsert(self, &rec);
    if (strcmp(modified, self->latest) > 0)
        snprintf(self->latest, sizeof self->latest, "%s", modified);
    return true;
}

/* relatie_index_count - relaties held */
size_t
relatie_index_count(const relatie_index_t *self)
{
    return self->count;
}

/* relatie_index_latest_modified - max modifiedOn seen */
const char *
relatie_index_latest_modified(const relatie_index_t *self)
{
    return self->latest;
}

/* relatie_index_bytes - memory held */
size_t
relatie_index_bytes(const relatie_index_t *self)
{
    size_t  n = sizeof *self + self->acap
        + (size_t) self->caprecs * sizeof *self->recs
        + (size_t) self->capfree * sizeof *self->freelist
        + ((size_t) self->ids.mask + 1) * sizeof(slot_t)
        + ((size_t) self->codes.mask + 1) * sizeof(slot_t);
    int     k;

    for (k = 0; k < RELATIE_KEY_N; k++)
        n += ((size_t) self->keys[k].mask + 1) * sizeof(slot_t);
    return n;
}

/* relatie_index_find - the relaties under a normalised key */
size_t
relatie_index_find(const relatie_index_t *self, relatie_key_t kind,
                   const char *key, uint32_t *refs, size_t max)
{
    const table_t *t;
    uint32_t hash, j;
    size_t  n = 0;

    if ((unsigned) kind >= RELATIE_KEY_N || key == NULL || *key == '\0')
        return 0;
    t = &self->keys[kind];
    hash = hash_str(key);
    for (j = hash & t->mask; t->slots[j].ref; j = (j + 1) & t->mask)
        if (t->slots[j].hash == hash
            && strcmp(arena_str(self, t->slots[j].key), key) == 0) {
            if (n < max)
                refs[n] = t->slots[j].ref - 1;
            n++;
        }
    return n;
}

/* relatie_index_by_code - the relatie with that relatiecode */
bool
relatie_index_by_code(const relatie_index_t *self, int32_t relatiecode,
                      uint32_t *ref)
{
    const table_t *t = &self->codes;
    uint32_t hash = hash_code(relatiecode), j;

    for (j = hash & t->mask; t->slots[j].ref; j = (j + 1) & t->mask)
        if (t->slots[j].hash == hash
            && t->slots[j].key == (uint32_t) relatiecode) {
            *ref = t->slots[j].ref - 1;
            return true;
        }
    return false;
}

/* relatie_index_get - the relatie behind a reference */
void
relatie_index_get(const relatie_index_t *self, uint32_t ref,
                  relatie_view_t *view)
{
    const rec_t *rec = &self->recs[ref];

    view->relatiecode = rec->relatiecode;
    view->id = arena_str(self, rec->id);
    view->naam = arena_str(self, rec->naam);
    view->postcode = arena_str(self, rec->postcode);
    view->country = rec->country;
    view->btw_country = rec->btw_country;
}
