/*
 * NAME
 *   ssim_store - the SnelStart simulator's administration, kept in SQLite
 *
 * DESCRIPTION
 *   One administration: collections of JSON objects (relaties,
 *   grootboeken, landen, verkoopboekingen, verkoopfacturen, dagboeken,
 *   memoriaalboekingen, documenten), each held in
 *   memory in a stable order (relatiecode, nummer, or insertion) and
 *   written through to one SQLite table (WAL, synchronous=NORMAL,
 *   prepared statements). The caller serialises access.
 *
 * DIAGNOSTICS
 *   ssim_store_open returns NULL with a message; a failed write returns
 *   false and logs what failed.
 */
#ifndef SSIM_STORE_H
#define SSIM_STORE_H

#include <stdbool.h>
#include <jansson.h>

typedef enum {
    SSIM_RELATIES = 0, SSIM_GROOTBOEKEN, SSIM_LANDEN, SSIM_BOEKINGEN,
    SSIM_FACTUREN, SSIM_DAGBOEKEN, SSIM_MEMORIAAL, SSIM_DOCUMENTEN, SSIM_NCOLL
} ssim_coll_t;

typedef struct ssim_store ssim_store_t;

ssim_store_t *ssim_store_open(const char *path, char *err, size_t errlen);
void ssim_store_close(ssim_store_t **store_p);
/* ssim_store_count - number of objects in a collection */
size_t ssim_store_count(ssim_store_t *store, ssim_coll_t c);
/* ssim_store_list - the objects of a collection in order (borrowed array) */
const json_t *ssim_store_list(ssim_store_t *store, ssim_coll_t c);
/* ssim_store_get - object by id (borrowed), NULL when unknown */
const json_t *ssim_store_get(ssim_store_t *store, ssim_coll_t c, const char *id);
/* ssim_store_put - insert or replace obj (its "id" is the key); takes a reference */
bool ssim_store_put(ssim_store_t *store, ssim_coll_t c, json_t *obj, long long ord);
/* ssim_store_begin, ssim_store_commit - group writes into one transaction */
bool ssim_store_begin(ssim_store_t *store);
bool ssim_store_commit(ssim_store_t *store);
/* ssim_store_next_seq - the next insertion order number of a collection */
long long ssim_store_next_seq(ssim_store_t *store, ssim_coll_t c);
/* ssim_store_by_factuurnummer - booking with that factuurnummer, or NULL */
const json_t *ssim_store_by_factuurnummer(ssim_store_t *store, ssim_coll_t c, const char *nr);
/* ssim_store_by_relatiecode - relatie with that code, or NULL */
const json_t *ssim_store_by_relatiecode(ssim_store_t *store, long long code);

#endif
