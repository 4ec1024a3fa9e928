/*
 * NAME
 *   cfgedit - change values in koppel.cfg's text, keeping its comments
 *
 * DESCRIPTION
 *   libconfig's own writer (config_write_file) loses every comment and
 *   the layout of the file, and koppel.cfg is explained by its comments.
 *   cfgedit edits the text instead: it finds a setting by its path with a
 *   small scanner of libconfig's grammar (groups { }, lists ( ), arrays
 *   [ ], strings, comments #, // and slash-star) and replaces just the
 *   value, leaving everything around it as it was. A setting that is not
 *   there is added to its group (groups on the way are made); a list
 *   element is added before the list's closing parenthesis.
 *
 *   A path is the settings' names separated by dots, with a list element
 *   by its index: "profiles.0.shop.url". Values are libconfig literals:
 *   cfgedit_string() quotes a text, numbers and true/false go as they are.
 *
 *   cfgedit never decides whether a value is right: the caller checks the
 *   edited text with cfg_load() before it writes it (web/settings.c).
 *
 * DIAGNOSTICS
 *   Each function returns false with a message when the path cannot be
 *   found or made (e.g. it runs through a value that is not a group).
 */
#ifndef KOPPEL_WEB_CFGEDIT_H
#define KOPPEL_WEB_CFGEDIT_H

#include <stdbool.h>
#include <stddef.h>

typedef struct cfgedit cfgedit_t;

/* cfgedit_new - an editor over a copy of a configuration's text */
cfgedit_t *cfgedit_new(const char *text);

/* cfgedit_destroy - free and null the caller's pointer */
void cfgedit_destroy(cfgedit_t **self_p);

/* cfgedit_text - the text as edited so far */
const char *cfgedit_text(const cfgedit_t *self);

/* cfgedit_get - the literal text of a setting's value (new memory), NULL
 * when it is not there */
char *cfgedit_get(const cfgedit_t *self, const char *path);

/* cfgedit_set - set a setting's value to a literal, adding it when absent */
bool cfgedit_set(cfgedit_t *self, const char *path, const char *literal, char *err, size_t errlen);

/* cfgedit_remove - remove a setting (true when it was not there either) */
bool cfgedit_remove(cfgedit_t *self, const char *path, char *err, size_t errlen);

/* cfgedit_append - add an element (a literal, e.g. a group) to a list */
bool cfgedit_append(cfgedit_t *self, const char *path, const char *literal, char *err,
                    size_t errlen);

/* cfgedit_remove_element - remove element index of a list */
bool cfgedit_remove_element(cfgedit_t *self, const char *path, int index, char *err,
                            size_t errlen);

/* cfgedit_string - a text as a libconfig string literal (new memory) */
char *cfgedit_string(const char *text);

#endif
