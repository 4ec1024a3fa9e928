/*
 * NAME
 *   explain_cmd - koppel-matcher --explain: one order's decision, offline or live
 *
 * DESCRIPTION
 *   explain_mode() handles the command line of --explain before the
 *   daemon starts: it prints the decision for the first order of a
 *   Globecharge document (or with --source woocommerce, of WooCommerce
 *   order JSON) as one JSON object and returns 0 whatever the decision:
 *   offline against --relaties and --landen (arrays as SnelStart's API
 *   returns them), or with --config/--profile against the profile's
 *   administration.
 */
#ifndef KOPPEL_EXPLAIN_CMD_H
#define KOPPEL_EXPLAIN_CMD_H

/* explain_mode - run --explain and return the exit status; -1 when argv
 * does not ask for it. usage is printed for a bad option. */
int explain_mode(int argc, char **argv, const char *usage);

#endif
