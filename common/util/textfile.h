/*
 * NAME
 *   textfile - read a small text file whole
 *
 * DESCRIPTION
 *   For the PEM files of a TLS certificate and key, which libmicrohttpd
 *   takes as text in memory (koppel-web, the fetcher's webhook receiver).
 */
#ifndef KOPPEL_TEXTFILE_H
#define KOPPEL_TEXTFILE_H

#include <stddef.h>

/* textfile_read - the file's bytes with a NUL after them (new memory);
 * NULL when it cannot be read or is larger than max bytes */
char *textfile_read(const char *path, size_t max);

/* a PEM certificate chain or key is far smaller than this */
#define TEXTFILE_PEM_MAX (1024 * 1024)

#endif
