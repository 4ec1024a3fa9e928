/*
 * NAME
 *   relatie_index - in-memory index of one administration's klanten
 *
 * DESCRIPTION
 *   The matcher keeps the relaties of a SnelStart administration that are
 *   active klanten in memory, under normalised keys: relatiecode, e-mail
 *   (main, invoice, other), VAT number, KvK number and name. The daemon
 *   fills it from GET /v2/relaties (RelatieModel JSON) or from plain values
 *   and recognise() asks it questions.
 *
 *   Lookups do not change the index; several threads may look up at once
 *   while none upserts. The strings of a relatie_view_t from
 *   relatie_index_get() stay valid until the next upsert or removal, and
 *   as long as the view itself (an id kept in 16 bytes is written out into
 *   the view).
 *
 *   Normalisation (the relatie_norm_* functions, also used for orders):
 *   e-mail without case and without any whitespace; postcode without case
 *   and whitespace; VAT number without spaces, dots, dashes and its
 *   two-letter country prefix (the prefix is returned separately; EL is
 *   GR); KvK digits only; name NFKD, accents stripped, case folded, only
 *   letters and digits kept, legal forms (bv, nv, gmbh, ...) dropped as
 *   whole words.
 */
#ifndef KOPPEL_RELATIE_INDEX_H
#define KOPPEL_RELATIE_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "relatie_rec.h"

typedef struct relatie_index relatie_index_t;

/* relatie_index_new - an empty index */
relatie_index_t *relatie_index_new(void);

/* relatie_index_destroy - free and null the caller's pointer */
void relatie_index_destroy(relatie_index_t **self_p);

/* relatie_index_set_landen - the landen (JSON array of LandModel) used to
 * resolve a relatie's land.id to an ISO code; set before upserting */
void relatie_index_set_landen(relatie_index_t *self, const json_t *landen);

/* relatie_index_upsert_json - add or replace one relatie from a
 * RelatieModel JSON object (keyed by its "id"); a relatie that is
 * nonactief, or not a "Klant", is removed. false with err on a malformed
 * object (the index is then unchanged). */
bool relatie_index_upsert_json(relatie_index_t *self, const json_t *relatie,
                               char *err, size_t errlen);


/* relatie_index_upsert - add or replace (inactive: remove) one relatie;
 * NULL strings are ""; a record without id is ignored */
void relatie_index_upsert(relatie_index_t *self, const relatie_rec_t *rec);

/* relatie_index_take - relatie_index_upsert as a reader's relatie_rec_fn
 * (arg is the index) */
void relatie_index_take(void *index, const relatie_rec_t *rec);

/* relatie_index_remove - remove the relatie with that id; false if absent */
bool relatie_index_remove(relatie_index_t *self, const char *id);

/* relatie_index_count - relaties held */
size_t relatie_index_count(const relatie_index_t *self);

/* relatie_index_latest_modified - max modifiedOn seen, "" if none */
const char *relatie_index_latest_modified(const relatie_index_t *self);

/* relatie_index_bytes - memory held, for benchmarks */
size_t relatie_index_bytes(const relatie_index_t *self);

/* ---- lookups, for recognise ---- */

/* the keys a relatie is found by */
typedef enum {
    RELATIE_KEY_EMAIL = 0,       /* main e-mail */
    RELATIE_KEY_FACTUUR_EMAIL,   /* factuurEmailVersturen To and CC */
    RELATIE_KEY_OVERIG_EMAIL,    /* offerte, bevestiging, aanmaning To and CC */
    RELATIE_KEY_BTW,             /* VAT number without country prefix */
    RELATIE_KEY_KVK,
    RELATIE_KEY_NAAM,
    RELATIE_KEY_N
} relatie_key_t;

/* one relatie as recognise sees it; strings normalised except naam */
typedef struct {
    int32_t     relatiecode;
    const char *id;
    const char *naam;            /* as in SnelStart */
    const char *postcode;        /* vestigingsadres, normalised */
    const char *country;         /* vestigingsadres ISO code, "" unknown */
    const char *btw_country;     /* VAT prefix, else country */
    char        id_text[37];     /* where id may point; use id */
} relatie_view_t;

/* relatie_index_find - the relaties under a normalised key: writes at most
 * max references to refs, returns how many there are (can exceed max);
 * each relatie at most once */
size_t relatie_index_find(const relatie_index_t *self, relatie_key_t kind,
                          const char *key, uint32_t *refs, size_t max);

/* relatie_index_by_code - the relatie with that relatiecode; false if none */
bool relatie_index_by_code(const relatie_index_t *self, int32_t relatiecode,
                           uint32_t *ref);

/* relatie_index_get - the relatie behind a reference */
void relatie_index_get(const relatie_index_t *self, uint32_t ref,
                       relatie_view_t *view);

/* ---- normalisation; out always NUL-terminated, truncated to outlen ---- */
void relatie_norm_email(const char *in, char *out, size_t outlen);
void relatie_norm_postcode(const char *in, char *out, size_t outlen);
/* the number without prefix to out; the prefix (upper case, "" if none) to
 * country[3] */
void relatie_norm_btw(const char *in, char *out, size_t outlen, char country[3]);
void relatie_norm_kvk(const char *in, char *out, size_t outlen);
void relatie_norm_naam(const char *in, char *out, size_t outlen);

#endif
