/*
 * NAME
 *   relatie_rec - a SnelStart relatie in plain values
 *
 * DESCRIPTION
 *   What the administration readers (admin_reader.h) hand out per row of
 *   the relaties table, for the matcher's customer index to take in.
 *   Strings belong to the reader and are valid during the callback only.
 */
#ifndef KOPPEL_RELATIE_REC_H
#define KOPPEL_RELATIE_REC_H

#include <stdbool.h>
#include <stdint.h>

/* one relatie in plain values, as a reader that does not speak JSON has it */
typedef struct {
    const char *id; int32_t relatiecode; const char *naam;
    const char *email;               /* main e-mail; may hold several separated by ';' */
    const char *factuur_email, *factuur_cc;
    const char *offerte_email, *offerte_cc, *bevestiging_email, *bevestiging_cc,
               *aanmaning_email, *aanmaning_cc;
    const char *postcode, *country_iso;  /* vestigingsadres */
    const char *btw_nummer, *kvk_nummer;
    bool active;
} relatie_rec_t;

/* a reader's callback: one relatie read */
typedef void (*relatie_rec_fn)(void *arg, const relatie_rec_t *rec);

#endif
