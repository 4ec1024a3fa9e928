/*
 * NAME
 *   shared_list - SnelStart's lists that every administration reads alike, held once
 *
 * DESCRIPTION
 *   The landen, the btw-tarieven and the EU countries' VAT rates
 *   (vatrates) are SnelStart's, not the administration's: a thousand
 *   profiles read the same lists, each some 40-75 KB as JSON in memory.
 *   shared_list() hands out one copy of each distinct list, so that the
 *   booker holds them once, not once a profile. A shared list is read
 *   only; any thread may call it (a mutex), and jansson counts references
 *   atomically, so that a holder on another thread may release its own.
 */
#ifndef KOPPEL_SHARED_LIST_H
#define KOPPEL_SHARED_LIST_H

#include <jansson.h>

/* shared_list - takes the reference to list and returns a reference to an
 * equal list held once: list itself when none was held, else the one held
 * (list is released). Lists nobody holds any more are forgotten here.
 * NULL stays NULL. */
json_t *shared_list(json_t *list);

#endif
