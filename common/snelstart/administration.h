/*
 * NAME
 *   administration - a profile's SnelStart administration through the API
 *
 * DESCRIPTION
 *   One profile's connection to its administration (the API client with
 *   the profile's rate limits) and the reference data koppel reads once an
 *   hour: grootboeken, btw-tarieven, landen, the company settings
 *   (companyInfo: whether it invoices foreign VAT), the EU countries'
 *   VAT rates (vatrates) and, when the profile books payments, the
 *   dagboeken; the lists that are SnelStart's, not the administration's
 *   (landen, btw-tarieven, vatrates), are held once for all profiles
 *   (shared_list.h). The booker books through it; koppelctl test-connection checks the profile's grootboeken with it.
 *
 * DIAGNOSTICS
 *   administration_load() returns the API's result with SnelStart's error
 *   and what was being read; administration_check() fills err with the
 *   setting that is wrong, or why SnelStart could not be read.
 */
#ifndef KOPPEL_ADMINISTRATION_H
#define KOPPEL_ADMINISTRATION_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include <jansson.h>

#include "config.h"
#include "snelstart.h"

#define ADMINISTRATION_RELOAD_S 3600  /* reference data is read again hourly */

typedef struct {
    const profile_t *p;
    snelstart_t *api;
    json_t  *grootboeken;         /* GET /v2/grootboeken */
    json_t  *btwtarieven;         /* GET /v2/btwtarieven (shared_list: read only) */
    json_t  *landen;              /* GET /v2/landen (shared_list: read only) */
    json_t  *companyinfo;         /* GET /v2/companyInfo: factureerBuitenlandsBtw */
    json_t  *vatrates;            /* GET /v2/vatrates: the EU countries' rates (shared_list) */
    json_t  *dagboeken;           /* GET /v2/dagboeken, when payments are booked */
    time_t   loaded_at;
    char     default_klant_id[64];/* handmatig: the default klantcode's relatie */
} administration_t;

/* administration_new - a profile's administration; nothing is read yet */
administration_t *administration_new(const profile_t *p);

/* administration_destroy - free and null the caller's pointer */
void administration_destroy(administration_t **self_p);

/* administration_load - read grootboeken, btw-tarieven, landen, companyInfo
 * and vatrates unless
 * they were read less than an hour ago (always when force); on failure
 * what names what was being read and e holds SnelStart's answer */
ss_result_t administration_load(administration_t *self, bool force, const char **what,
                                ss_error_t *e);

/* administration_check - read the reference data now and check every
 * configured grootboek (exists, active, winst-en-verlies); false with err
 * naming the setting, or why SnelStart could not be read */
bool administration_check(administration_t *self, char *err, size_t errlen);

/* administration_check_or_wait - administration_check(), but when the
 * profile's limits (or SnelStart's 429) held a read back, wait (may be
 * NULL: then that is a failure like any other) gets SnelStart's answer
 * with not_before_ms: the check is to be made again then, and its false
 * is no verdict. wait->not_before_ms is 0 after any other outcome. */
bool administration_check_or_wait(administration_t *self, char *err, size_t errlen,
                                  ss_error_t *wait);

#endif
