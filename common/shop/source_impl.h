/*
 * NAME
 *   source_impl - what a shop platform provides behind source.h
 *
 * DESCRIPTION
 *   For source.c and the platform files (source_globecharge.c,
 *   source_woocommerce.c) only. A platform is a source_ops_t: its shop
 *   type name, its client, and how a run pages through its shop. source.c
 *   lists the platforms; a new one is one file defining a source_ops_t and
 *   one entry in that list.
 */
#ifndef KOPPEL_SOURCE_IMPL_H
#define KOPPEL_SOURCE_IMPL_H

#include "source.h"

typedef struct source_ops source_ops_t;

struct source {
    const source_ops_t *ops;
    const profile_t *p;
    void   *client;             /* the platform's HTTP client */
};

struct source_cursor {
    source_position_t stored;   /* where the run started */
    source_position_t position; /* to store with the page just read */
    bool    has_position;       /* false: the page moved nothing durable */
    bool    done;
    /* the platforms' working state */
    int64_t from;               /* Globecharge: the next number to ask for */
    int     max;                /* Globecharge: the page size asked for now */
    int64_t last_number;        /* the last readable order seen */
    long    page, pages, total; /* WooCommerce: the page to read, X-WP-TotalPages, X-WP-Total */
    char    newest[32];         /* WooCommerce: the newest modification seen */
    char    where[64];
    char    summary[256];
};

struct source_ops {
    const char *shop_type;      /* the profile's shop type, e.g. "globecharge" */
    /* client_new - the client, with source_new's retry settings */
    void *(*client_new)(const profile_t *p);
    void (*client_destroy)(void **client_p);
    void (*set_retry)(void *client, int attempts, long max_backoff_ms, long timeout_ms);
    /* retry_after_ms - after SRC_TRANSIENT: what the shop asked to wait (0: nothing) */
    long (*retry_after_ms)(const void *client);
    src_result_t (*login)(source_t *self, char *err, size_t errlen);
    /* check - log in; msg says what succeeded or what failed */
    src_result_t (*check)(source_t *self, char *msg, size_t msglen);
    /* one - the raw document of one order */
    src_result_t (*one)(source_t *self, int64_t number, char **body, size_t *len,
                        char *err, size_t errlen);
    order_page_t *(*parse)(const char *body, size_t len, const char *name,
                           char *err, size_t errlen);
    /* cursor_start - set up a new cursor from c->stored */
    void (*cursor_start)(source_t *self, source_cursor_t *c);
    /* page - as source_page; c->has_position, position, done, where,
     * summary are the platform's to set */
    src_result_t (*page)(source_t *self, source_cursor_t *c, order_page_t **page,
                         char *err, size_t errlen);
};

extern const source_ops_t source_globecharge;
extern const source_ops_t source_woocommerce;

#endif
