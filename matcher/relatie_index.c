/*
 * NAME
 *   relatie_index - in-memory index of one administration's klanten
 *
 * DESCRIPTION
 *   Layout, chosen for a million relaties in under 200 bytes each and
 *   lookups that touch three cache lines:
 *   - one string arena per index (a growable byte array). Each relatie's
 *     strings are one blob in it, written once: the hash of its name key,
 *     its id (16 bytes when it is a lower-case UUID, as SnelStart's ids
 *     are, else the text), naam, postcode, VAT number, KvK number, and the
 *     three e-mail steps as lists "a\0b\0\0" ("\0" when empty).
 *   - one array of 16-byte records (arena offset, relatiecode, countries,
 *     flags), reused through a free list threaded through the records; a
 *     reference handed out is a record's number.
 *   - eight hash tables (id, relatiecode, and one per relatie_key_t) with
 *     open addressing and linear probing over 4-byte slots: 8 bits of the
 *     key's hash and the record number + 1 (so at most 16,777,214 records).
 *     A key is not stored in a table: a slot whose 8 bits agree is checked
 *     against the record's blob. The name key is not stored either, only
 *     its 32-bit hash; a candidate whose hash agrees is normalised again
 *     and compared, so an answer is always exact.
 *   - a table's home slot is hash * capacity / 2^32, so a table grows by
 *     half (to 50 % load) when it passes 75 %, not by doubling. Removal
 *     leaves a tombstone (unless the next slot is empty); tombstones count
 *     towards the load and go at the next rebuild. A rebuild walks the
 *     records, not the old slots, and hashes their keys again.
 *   - the arena grows by an eighth; the blobs of replaced and removed
 *     relaties are garbage, and when garbage is half the arena the live
 *     blobs are copied together (records and tables stay as they are).
 *   relatie_index_bytes() counts every byte allocated: arena, records,
 *   tables, landen and the index itself.
 *
 * DIAGNOSTICS
 *   relatie_index_upsert_json() names the relatie and the key of a
 *   malformed object. An arena over 4 GiB, more than 16,777,214 relaties
 *   or out of memory is fatal.
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
#define KEYS_PER_STEP   16      /* addresses kept per e-mail step, + 1 */
#define KEY_MAX         256     /* other normalised keys */
#define EMAIL_STEPS     3       /* RELATIE_KEY_EMAIL .. RELATIE_KEY_OVERIG_EMAIL */

#define TABLE_IDS       RELATIE_KEY_N           /* tables[]: keys, then these */
#define TABLE_CODES     (RELATIE_KEY_N + 1)
#define TABLES_N        (RELATIE_KEY_N + 2)

#define SLOT_EMPTY      0u
#define SLOT_GONE       0x00ffffffu             /* a tombstone */
#define SLOT_REF_MASK   0x00ffffffu
#define RECORDS_MAX     0x00fffffeu             /* record + 1 below SLOT_GONE */
#define TABLE_MIN       32u

#define REC_LIVE        0x01    /* in use; else on the free list */
#define REC_UUID        0x02    /* the id is 16 bytes, not text */
#define REC_NAAMKEY     0x04    /* the name has a (non-empty) key */

#define ARENA_MIN       4096u
#define NOT_FOUND       UINT32_MAX

typedef struct {
    uint32_t *slots;        /* NULL while empty */
    uint32_t cap;
    uint32_t n;             /* live slots */
    uint32_t gone;          /* tombstones */
} table_t;

typedef struct {
    uint32_t blob;          /* arena offset; free: the next free record */
    int32_t  relatiecode;
    char     country[3];
    char     btw_country[3];
    uint8_t  flags;
    uint8_t  spare;
} rec_t;

typedef struct {
    char   *id;
    char    iso[3];
} land_t;

struct relatie_index {
    char    *arena;
    size_t   alen, acap;
    size_t   garbage;       /* arena bytes of replaced and removed relaties */
    rec_t   *recs;
    uint32_t nrecs, caprecs;
    uint32_t freehead;      /* first free record, NOT_FOUND when none */
    size_t   count;
    table_t  tables[TABLES_N];
    char     latest[64];
    land_t  *landen;
    size_t   nlanden;
};

/* one relatie's blob taken apart */
typedef struct {
    uint32_t naamhash;
    const uint8_t *uuid;    /* when REC_UUID, else NULL */
    const char *id;         /* when not REC_UUID, else NULL */
    const char *naam;
    const char *postcode;
    const char *btw;
    const char *kvk;
    const char *lists[EMAIL_STEPS];
    size_t  len;            /* bytes of the blob */
} blob_t;

/* ---- hashing ---- */

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

/* ---- ids: a lower-case UUID in 16 bytes ---- */

/* hex_lower - the value of a lower-case hex digit, -1 otherwise */
static int
hex_lower(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* uuid_parse - 16 bytes of a canonical lower-case UUID; false for any
 * other text (which is then kept as text, so that it reads back exactly) */
static bool
uuid_parse(const char *s, uint8_t out[16])
{
    size_t  i, j = 0;
    int     v;

    for (i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-')
                return false;
            continue;
        }
        if ((v = hex_lower(s[i])) < 0)
            return false;
        if (j % 2 == 0)
            out[j / 2] = (uint8_t) (v << 4);
        else
            out[j / 2] |= (uint8_t) v;
        j++;
    }
    return s[36] == '\0';
}

/* uuid_format - the text of 16 bytes, as uuid_parse read it */
static void
uuid_format(const uint8_t in[16], char out[37])
{
    static const char hex[] = "0123456789abcdef";
    size_t  i, n = 0;

    for (i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[n++] = '-';
        out[n++] = hex[in[i] >> 4];
        out[n++] = hex[in[i] & 0xf];
    }
    out[n] = '\0';
}

/* ---- arena and blobs ---- */

/* arena_reserve - n bytes at the end of the arena; their offset */
static uint32_t
arena_reserve(relatie_index_t *self, size_t n)
{
    size_t  off;

    if (self->alen + n > UINT32_MAX)
        log_fatal("relatie index: string arena over 4 GiB");
    if (self->alen + n > self->acap) {
        size_t  cap = self->acap + self->acap / 8;

        if (cap < ARENA_MIN)
            cap = ARENA_MIN;
        if (cap < self->alen + n)
            cap = self->alen + n;
        if (cap > UINT32_MAX)
            cap = UINT32_MAX;
        self->arena = xrealloc(self->arena, cap);
        self->acap = cap;
    }
    off = self->alen;
    self->alen += n;
    return (uint32_t) off;
}

/* list_len - bytes of a key list "a\0b\0\0" ("\0" when empty) */
static size_t
list_len(const char *p)
{
    size_t  n = 0;

    while (p[n])
        n += strlen(p + n) + 1;
    return n + 1;
}

/* blob_read - the strings of record r */
static void
blob_read(const relatie_index_t *self, uint32_t r, blob_t *b)
{
    const rec_t *rec = &self->recs[r];
    const char *start = self->arena + rec->blob, *p = start;
    int     k;

    memcpy(&b->naamhash, p, sizeof b->naamhash);
    p += sizeof b->naamhash;
    if (rec->flags & REC_UUID) {
        b->uuid = (const uint8_t *) p;
        b->id = NULL;
        p += 16;
    } else {
        b->uuid = NULL;
        b->id = p;
        p += strlen(p) + 1;
    }
    b->naam = p;
    p += strlen(p) + 1;
    b->postcode = p;
    p += strlen(p) + 1;
    b->btw = p;
    p += strlen(p) + 1;
    b->kvk = p;
    p += strlen(p) + 1;
    for (k = 0; k < EMAIL_STEPS; k++) {
        b->lists[k] = p;
        p += list_len(p);
    }
    b->len = (size_t) (p - start);
}

/* arena_compact - copy the live blobs together when half the arena is
 * garbage; moves blobs, so only between lookups (an upsert) */
static void
arena_compact(relatie_index_t *self)
{
    size_t  live = self->alen - self->garbage, cap, n = 0;
    char   *fresh;
    blob_t  b;
    uint32_t r;

    if (self->garbage < self->alen / 2 || self->alen < 16 * ARENA_MIN)
        return;
    cap = live + live / 8;
    if (cap < ARENA_MIN)
        cap = ARENA_MIN;
    fresh = xmalloc(cap);
    for (r = 0; r < self->nrecs; r++) {
        if (!(self->recs[r].flags & REC_LIVE))
            continue;
        blob_read(self, r, &b);
        memcpy(fresh + n, self->arena + self->recs[r].blob, b.len);
        self->recs[r].blob = (uint32_t) n;
        n += b.len;
    }
    if (n != live)
        log_panic("relatie index: %zu live arena bytes counted, %zu copied",
                  live, n);
    free(self->arena);
    self->arena = fresh;
    self->alen = n;
    self->acap = cap;
    self->garbage = 0;
}

/* rec_id_hash - hash of record r's id, as hash_str of its text */
static uint32_t
rec_id_hash(const blob_t *b)
{
    char    text[37];

    if (b->uuid) {
        uuid_format(b->uuid, text);
        return hash_str(text);
    }
    return hash_str(b->id);
}

/* rec_hashes - the hashes under which record r sits in table t; how many
 * (at most KEYS_PER_STEP) */
static size_t
rec_hashes(const relatie_index_t *self, uint32_t r, int t, uint32_t *hashes)
{
    const rec_t *rec = &self->recs[r];
    blob_t  b;
    const char *p;
    size_t  n = 0;

    if (t == TABLE_CODES) {
        hashes[0] = hash_code(rec->relatiecode);
        return 1;
    }
    blob_read(self, r, &b);
    switch (t) {
    case TABLE_IDS:
        hashes[n++] = rec_id_hash(&b);
        break;
    case RELATIE_KEY_EMAIL:
    case RELATIE_KEY_FACTUUR_EMAIL:
    case RELATIE_KEY_OVERIG_EMAIL:
        for (p = b.lists[t]; *p && n < KEYS_PER_STEP; p += strlen(p) + 1)
            hashes[n++] = hash_str(p);
        break;
    case RELATIE_KEY_BTW:
        if (*b.btw)
            hashes[n++] = hash_str(b.btw);
        break;
    case RELATIE_KEY_KVK:
        if (*b.kvk)
            hashes[n++] = hash_str(b.kvk);
        break;
    case RELATIE_KEY_NAAM:
        if (rec->flags & REC_NAAMKEY)
            hashes[n++] = b.naamhash;
        break;
    }
    return n;
}

/* ---- tables ---- */

/* slot_home - the first slot a hash probes */
static inline uint32_t
slot_home(const table_t *t, uint32_t hash)
{
    return (uint32_t) (((uint64_t) hash * t->cap) >> 32);
}

/* slot_value - what a slot holds for record r under a hash */
static inline uint32_t
slot_value(uint32_t hash, uint32_t r)
{
    return (hash & 0xffu) << 24 | (r + 1);
}

/* slot_next - the slot after j, round the end */
static inline uint32_t
slot_next(const table_t *t, uint32_t j)
{
    return j + 1 == t->cap ? 0 : j + 1;
}

/* table_put - place a slot for record r; the caller has made room */
static void
table_put(table_t *t, uint32_t hash, uint32_t r)
{
    uint32_t j;

    for (j = slot_home(t, hash); t->slots[j] != SLOT_EMPTY; j = slot_next(t, j))
        if (t->slots[j] == SLOT_GONE) {
            t->gone--;
            break;
        }
    t->slots[j] = slot_value(hash, r);
    t->n++;
}

/* table_reserve - room for more slots in table t: rebuilt from the live
 * records (a new size at 50 % load, no tombstones) when it would pass 75 % */
static void
table_reserve(relatie_index_t *self, int t, uint32_t more)
{
    table_t *tb = &self->tables[t];
    uint64_t want = (uint64_t) tb->n + more, cap;
    uint32_t hashes[KEYS_PER_STEP], r;
    size_t  i, n;

    if (more == 0 || (want + tb->gone) * 4 <= (uint64_t) tb->cap * 3)
        return;
    cap = want * 2 + 1;
    if (cap < TABLE_MIN)
        cap = TABLE_MIN;
    if (cap > UINT32_MAX)
        log_fatal("relatie index: hash table over 2^32 slots");
    free(tb->slots);
    tb->slots = xcalloc((size_t) cap, sizeof *tb->slots);
    tb->cap = (uint32_t) cap;
    tb->n = tb->gone = 0;
    for (r = 0; r < self->nrecs; r++) {
        if (!(self->recs[r].flags & REC_LIVE))
            continue;
        n = rec_hashes(self, r, t, hashes);
        for (i = 0; i < n; i++)
            table_put(tb, hashes[i], r);
    }
}

/* table_erase - take out the slot of record r under a hash */
static void
table_erase(table_t *t, uint32_t hash, uint32_t r)
{
    uint32_t want = slot_value(hash, r), j, prev;

    if (t->slots != NULL)
        for (j = slot_home(t, hash); t->slots[j] != SLOT_EMPTY;
             j = slot_next(t, j)) {
            if (t->slots[j] != want)
                continue;
            t->n--;
            if (t->slots[slot_next(t, j)] != SLOT_EMPTY) {
                t->slots[j] = SLOT_GONE;
                t->gone++;
                return;
            }
            /* the end of a run: it and the tombstones before it go */
            t->slots[j] = SLOT_EMPTY;
            for (;;) {
                prev = j == 0 ? t->cap - 1 : j - 1;
                if (t->slots[prev] != SLOT_GONE)
                    return;
                t->slots[prev] = SLOT_EMPTY;
                t->gone--;
                j = prev;
            }
        }
    log_panic("relatie index: record %u missing from a hash table", r);
}

/* first_in_run - whether no slot from home up to j holds value v: a
 * relatie with two e-mail keys whose 8 bits agree counts once */
static bool
first_in_run(const table_t *t, uint32_t home, uint32_t j, uint32_t v)
{
    uint32_t i;

    for (i = home; i != j; i = slot_next(t, i))
        if (t->slots[i] == v)
            return false;
    return true;
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
#define NAAM_ASCII_MAX  512     /* names up to this long skip utf8proc when ASCII */

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

    utf8proc_uint8_t ascii[NAAM_ASCII_MAX];
    bool    fast;

    if (outlen == 0)
        return;
    out[0] = '\0';
    /* printable ASCII folds to its lower case, and its letters and digits
     * are a-z and 0-9: the same result without utf8proc's tables */
    for (n = 0; n < sizeof ascii && in[n] >= 0x20 && in[n] <= 0x7e; n++)
        ascii[n] = (utf8proc_uint8_t) (in[n] >= 'A' && in[n] <= 'Z'
                                       ? in[n] - 'A' + 'a' : in[n]);
    fast = n < sizeof ascii && in[n] == '\0';
    if (fast)
        ascii[n] = '\0';
    else {
        len = utf8proc_map((const utf8proc_uint8_t *) in, 0, &folded,
                           UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPAT
                           | UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK
                           | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE);
        if (len < 0)
            return;             /* not UTF-8: no name key */
    }
    n = 0;
    memset(wlen, 0, sizeof wlen);
    for (p = fast ? ascii : folded; *p; p += step) {
        bool    word;

        if (fast) {
            step = 1;
            cp = *p;
            word = (cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9');
        } else {
            utf8proc_category_t cat;

            step = utf8proc_iterate(p, -1, &cp);
            if (step <= 0)
                break;
            cat = utf8proc_category(cp);
            word = cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LL
                || cat == UTF8PROC_CATEGORY_LT || cat == UTF8PROC_CATEGORY_LM
                || cat == UTF8PROC_CATEGORY_LO || cat == UTF8PROC_CATEGORY_ND
                || cat == UTF8PROC_CATEGORY_NL || cat == UTF8PROC_CATEGORY_NO;
        }
        if (word) {
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

    self->freehead = NOT_FOUND;
    return self;
}

/* relatie_index_destroy - free and null the caller's pointer */
void
relatie_index_destroy(relatie_index_t **self_p)
{
    relatie_index_t *self;
    size_t  i;
    int     t;

    if (self_p == NULL || *self_p == NULL)
        return;
    self = *self_p;
    free(self->arena);
    free(self->recs);
    for (t = 0; t < TABLES_N; t++)
        free(self->tables[t].slots);
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

/* id_key - a relatie id as the index compares it: 16 bytes or text */
typedef struct {
    const char *text;
    bool    is_uuid;
    uint8_t uuid[16];
    uint32_t hash;
} id_key_t;

/* id_key_make - take an id apart for comparison */
static void
id_key_make(const char *id, id_key_t *k)
{
    k->text = id;
    k->is_uuid = uuid_parse(id, k->uuid);
    k->hash = hash_str(id);
}

/* find_id - the record of a relatie id, or NOT_FOUND */
static uint32_t
find_id(const relatie_index_t *self, const id_key_t *k)
{
    const table_t *t = &self->tables[TABLE_IDS];
    uint32_t j, s, r, tag = (k->hash & 0xffu) << 24;
    blob_t  b;

    if (t->slots == NULL)
        return NOT_FOUND;
    for (j = slot_home(t, k->hash); (s = t->slots[j]) != SLOT_EMPTY;
         j = slot_next(t, j)) {
        if (s == SLOT_GONE || (s & ~SLOT_REF_MASK) != tag)
            continue;
        r = (s & SLOT_REF_MASK) - 1;
        blob_read(self, r, &b);
        if (k->is_uuid ? b.uuid && memcmp(b.uuid, k->uuid, 16) == 0
            : b.id && strcmp(b.id, k->text) == 0)
            return r;
    }
    return NOT_FOUND;
}

/* remove_rec - take record r out of every table and free it */
static void
remove_rec(relatie_index_t *self, uint32_t r)
{
    rec_t  *rec = &self->recs[r];
    uint32_t hashes[KEYS_PER_STEP];
    blob_t  b;
    size_t  i, n;
    int     t;

    for (t = 0; t < TABLES_N; t++) {
        n = rec_hashes(self, r, t, hashes);
        for (i = 0; i < n; i++)
            table_erase(&self->tables[t], hashes[i], r);
    }
    blob_read(self, r, &b);
    self->garbage += b.len;
    memset(rec, 0, sizeof *rec);
    rec->blob = self->freehead;
    self->freehead = r;
    self->count--;
}

/* relatie_index_remove - remove the relatie with that id */
bool
relatie_index_remove(relatie_index_t *self, const char *id)
{
    id_key_t k;
    uint32_t r;

    id_key_make(id, &k);
    if ((r = find_id(self, &k)) == NOT_FOUND)
        return false;
    remove_rec(self, r);
    return true;
}

/* add_emails - split fields on ';' and ',', normalise, drop doubles, and
 * append to keys[] (at most KEYS_PER_STEP - 1) */
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

/* put_str - copy s with its NUL to p; the byte after */
static char *
put_str(char *p, const char *s, size_t len)
{
    memcpy(p, s, len);
    p[len] = '\0';
    return p + len + 1;
}

/* rec_alloc - a free record's number */
static uint32_t
rec_alloc(relatie_index_t *self)
{
    uint32_t r;

    if (self->freehead != NOT_FOUND) {
        r = self->freehead;
        self->freehead = self->recs[r].blob;
        return r;
    }
    if (self->nrecs == RECORDS_MAX)
        log_fatal("relatie index: more than %u relaties in one administration",
                  RECORDS_MAX);
    if (self->nrecs == self->caprecs) {
        uint64_t cap = (uint64_t) self->caprecs + self->caprecs / 8;

        if (cap < 64)
            cap = 64;
        if (cap > RECORDS_MAX)
            cap = RECORDS_MAX;
        self->recs = xrealloc(self->recs, (size_t) cap * sizeof *self->recs);
        self->caprecs = (uint32_t) cap;
    }
    return self->nrecs++;
}

/* the normalised keys of one relatie, before they go into the index */
typedef struct {
    char    emails[EMAIL_STEPS][KEYS_PER_STEP][EMAIL_MAX];
    size_t  nemails[EMAIL_STEPS];
    size_t  listlen[EMAIL_STEPS];
    char    postcode[KEY_MAX];
    char    btw[KEY_MAX];
    char    kvk[KEY_MAX];
    char    naamkey[KEY_MAX];
} keys_t;

/* keys_make - normalise every key of a relatie */
static void
keys_make(const relatie_rec_t *in, keys_t *k, char btw_country[3])
{
    size_t  s, i;

    memset(k->nemails, 0, sizeof k->nemails);
    add_emails(in->email, k->emails[0], &k->nemails[0]);
    add_emails(in->factuur_email, k->emails[1], &k->nemails[1]);
    add_emails(in->factuur_cc, k->emails[1], &k->nemails[1]);
    add_emails(in->offerte_email, k->emails[2], &k->nemails[2]);
    add_emails(in->offerte_cc, k->emails[2], &k->nemails[2]);
    add_emails(in->bevestiging_email, k->emails[2], &k->nemails[2]);
    add_emails(in->bevestiging_cc, k->emails[2], &k->nemails[2]);
    add_emails(in->aanmaning_email, k->emails[2], &k->nemails[2]);
    add_emails(in->aanmaning_cc, k->emails[2], &k->nemails[2]);
    for (s = 0; s < EMAIL_STEPS; s++) {
        k->listlen[s] = 1;
        for (i = 0; i < k->nemails[s]; i++)
            k->listlen[s] += strlen(k->emails[s][i]) + 1;
    }
    relatie_norm_postcode(in->postcode ? in->postcode : "", k->postcode,
                          sizeof k->postcode);
    relatie_norm_btw(in->btw_nummer ? in->btw_nummer : "", k->btw,
                     sizeof k->btw, btw_country);
    relatie_norm_kvk(in->kvk_nummer ? in->kvk_nummer : "", k->kvk,
                     sizeof k->kvk);
    relatie_norm_naam(in->naam ? in->naam : "", k->naamkey, sizeof k->naamkey);
}

/* relatie_index_upsert - add or replace (inactive: remove) one relatie */
void
relatie_index_upsert(relatie_index_t *self, const relatie_rec_t *in)
{
    keys_t  k;
    id_key_t id;
    const char *naam = in->naam ? in->naam : "";
    size_t  idlen, naamlen, pclen, btwlen, kvklen, total, s, i;
    uint32_t r, off, hashes[TABLES_N][KEYS_PER_STEP];
    size_t  nhashes[TABLES_N];
    uint32_t naamhash;
    char    btw_country[3];
    rec_t  *rec;
    char   *p;
    int     t;

    if (in->id == NULL || in->id[0] == '\0')
        return;
    id_key_make(in->id, &id);
    if ((r = find_id(self, &id)) != NOT_FOUND)
        remove_rec(self, r);
    if (!in->active)
        return;

    keys_make(in, &k, btw_country);
    idlen = id.is_uuid ? 16 : strlen(in->id) + 1;
    naamlen = strlen(naam);
    pclen = strlen(k.postcode);
    btwlen = strlen(k.btw);
    kvklen = strlen(k.kvk);
    naamhash = k.naamkey[0] ? hash_str(k.naamkey) : 0;
    total = sizeof naamhash + idlen + naamlen + 1 + pclen + 1 + btwlen + 1
        + kvklen + 1 + k.listlen[0] + k.listlen[1] + k.listlen[2];

    arena_compact(self);
    off = arena_reserve(self, total);
    p = self->arena + off;
    memcpy(p, &naamhash, sizeof naamhash);
    p += sizeof naamhash;
    if (id.is_uuid) {
        memcpy(p, id.uuid, 16);
        p += 16;
    } else
        p = put_str(p, in->id, idlen - 1);
    p = put_str(p, naam, naamlen);
    p = put_str(p, k.postcode, pclen);
    p = put_str(p, k.btw, btwlen);
    p = put_str(p, k.kvk, kvklen);
    for (s = 0; s < EMAIL_STEPS; s++) {
        for (i = 0; i < k.nemails[s]; i++)
            p = put_str(p, k.emails[s][i], strlen(k.emails[s][i]));
        *p++ = '\0';
    }
    if ((size_t) (p - (self->arena + off)) != total)
        log_panic("relatie index: blob of %zu bytes, %zu written", total,
                  (size_t) (p - (self->arena + off)));

    r = rec_alloc(self);
    rec = &self->recs[r];
    memset(rec, 0, sizeof *rec);
    rec->blob = off;
    rec->relatiecode = in->relatiecode;
    rec->flags = (uint8_t) ((id.is_uuid ? REC_UUID : 0)
                            | (k.naamkey[0] ? REC_NAAMKEY : 0));
    set_iso(rec->country, in->country_iso);
    if (btw_country[0] == '\0')
        memcpy(rec->btw_country, rec->country, sizeof rec->country);
    else
        memcpy(rec->btw_country, btw_country, sizeof rec->btw_country);

    /* the hashes per table, from the keys at hand */
    memset(nhashes, 0, sizeof nhashes);
    for (s = 0; s < EMAIL_STEPS; s++)
        for (i = 0; i < k.nemails[s]; i++)
            hashes[s][nhashes[s]++] = hash_str(k.emails[s][i]);
    if (btwlen)
        hashes[RELATIE_KEY_BTW][nhashes[RELATIE_KEY_BTW]++] = hash_str(k.btw);
    if (kvklen)
        hashes[RELATIE_KEY_KVK][nhashes[RELATIE_KEY_KVK]++] = hash_str(k.kvk);
    if (k.naamkey[0])
        hashes[RELATIE_KEY_NAAM][nhashes[RELATIE_KEY_NAAM]++] = naamhash;
    hashes[TABLE_IDS][nhashes[TABLE_IDS]++] = id.hash;
    hashes[TABLE_CODES][nhashes[TABLE_CODES]++] = hash_code(in->relatiecode);

    /* room first (a rebuild walks the live records), then the slots */
    for (t = 0; t < TABLES_N; t++)
        table_reserve(self, t, (uint32_t) nhashes[t]);
    self->recs[r].flags |= REC_LIVE;
    for (t = 0; t < TABLES_N; t++)
        for (i = 0; i < nhashes[t]; i++)
            table_put(&self->tables[t], hashes[t][i], r);
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

/* relatie_index_bytes - memory held: every allocation of the index */
size_t
relatie_index_bytes(const relatie_index_t *self)
{
    size_t  n = sizeof *self + self->acap
        + (size_t) self->caprecs * sizeof *self->recs
        + self->nlanden * sizeof *self->landen;
    size_t  i;
    int     t;

    for (t = 0; t < TABLES_N; t++)
        n += (size_t) self->tables[t].cap * sizeof *self->tables[t].slots;
    for (i = 0; i < self->nlanden; i++)
        n += strlen(self->landen[i].id) + 1;
    return n;
}

/* rec_has_key - whether record r holds the normalised key under kind;
 * *several is set when the record has more than one key of that kind */
static bool
rec_has_key(const relatie_index_t *self, uint32_t r, relatie_key_t kind,
            const char *key, uint32_t hash, bool *several)
{
    char    naamkey[KEY_MAX];
    const char *p;
    blob_t  b;
    bool    hit = false;
    size_t  n = 0;

    *several = false;
    blob_read(self, r, &b);
    switch (kind) {
    case RELATIE_KEY_EMAIL:
    case RELATIE_KEY_FACTUUR_EMAIL:
    case RELATIE_KEY_OVERIG_EMAIL:
        for (p = b.lists[kind]; *p; p += strlen(p) + 1, n++)
            if (!hit && strcmp(p, key) == 0)
                hit = true;
        *several = n > 1;
        return hit;
    case RELATIE_KEY_BTW:
        return strcmp(b.btw, key) == 0;
    case RELATIE_KEY_KVK:
        return strcmp(b.kvk, key) == 0;
    case RELATIE_KEY_NAAM:
        /* only the hash is kept: normalise the name again to be exact */
        if (!(self->recs[r].flags & REC_NAAMKEY) || b.naamhash != hash)
            return false;
        relatie_norm_naam(b.naam, naamkey, sizeof naamkey);
        return strcmp(naamkey, key) == 0;
    default:
        return false;
    }
}

/* relatie_index_find - the relaties under a normalised key */
size_t
relatie_index_find(const relatie_index_t *self, relatie_key_t kind,
                   const char *key, uint32_t *refs, size_t max)
{
    const table_t *t;
    uint32_t hash, tag, home, j, s, r;
    size_t  n = 0;
    bool    several;

    if ((unsigned) kind >= RELATIE_KEY_N || key == NULL || *key == '\0')
        return 0;
    t = &self->tables[kind];
    if (t->slots == NULL)
        return 0;
    hash = hash_str(key);
    tag = (hash & 0xffu) << 24;
    home = slot_home(t, hash);
    for (j = home; (s = t->slots[j]) != SLOT_EMPTY; j = slot_next(t, j)) {
        if (s == SLOT_GONE || (s & ~SLOT_REF_MASK) != tag)
            continue;
        r = (s & SLOT_REF_MASK) - 1;
        if (!rec_has_key(self, r, kind, key, hash, &several))
            continue;
        if (several && !first_in_run(t, home, j, s))
            continue;
        if (n < max)
            refs[n] = r;
        n++;
    }
    return n;
}

/* relatie_index_by_code - the relatie with that relatiecode */
bool
relatie_index_by_code(const relatie_index_t *self, int32_t relatiecode,
                      uint32_t *ref)
{
    const table_t *t = &self->tables[TABLE_CODES];
    uint32_t hash = hash_code(relatiecode), tag = (hash & 0xffu) << 24, j, s;

    if (t->slots == NULL)
        return false;
    for (j = slot_home(t, hash); (s = t->slots[j]) != SLOT_EMPTY;
         j = slot_next(t, j))
        if (s != SLOT_GONE && (s & ~SLOT_REF_MASK) == tag
            && self->recs[(s & SLOT_REF_MASK) - 1].relatiecode == relatiecode) {
            *ref = (s & SLOT_REF_MASK) - 1;
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
    blob_t  b;

    blob_read(self, ref, &b);
    view->relatiecode = rec->relatiecode;
    if (b.uuid) {
        uuid_format(b.uuid, view->id_text);
        view->id = view->id_text;
    } else
        view->id = b.id;
    view->naam = b.naam;
    view->postcode = b.postcode;
    view->country = rec->country;
    view->btw_country = rec->btw_country;
}
