/*
 * NAME
 *   preview - koppel-booker --preview: the bodies koppel would post, offline
 *
 * DESCRIPTION
 *   preview_mode() handles the command line of --preview before the
 *   daemon starts: it prints, as one JSON object {"verkoopboeking": ...,
 *   "relatie": ... or null}, exactly the bodies koppel would send for the
 *   first order of a Globecharge (or with --source woocommerce, a
 *   WooCommerce) document, and writes nothing but, with --factuur FILE, the
 *   invoice PDF koppel would attach. Grootboeken are shown as {"nummer": N};
 *   "memoriaalboeking" is there when the profile settles the order. With
 *   --credit-note full, or LINE:QUANTITY,...[,shipping] (lines counted from
 *   1), the verkoopboeking is the order's first credit note for that refund
 *   (creditnota.h).
 */
#ifndef KOPPEL_BOOKER_PREVIEW_H
#define KOPPEL_BOOKER_PREVIEW_H

/* preview_mode - run --preview and return the exit status; -1 when argv does
 * not ask for it. usage is printed for a bad option. */
int preview_mode(int argc, char **argv, const char *usage);

#endif
