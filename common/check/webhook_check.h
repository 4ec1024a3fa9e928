/*
 * NAME
 *   webhook_check - whether a WooCommerce shop delivers to koppel, and
 *                   registering koppel's webhooks there
 *
 * DESCRIPTION
 *   koppel needs, for a profile with a shop.webhook block, one webhook for
 *   each of the topics order.created and order.updated that delivers to
 *   the profile's webhook url with status active (wc_webhook_pick says
 *   which one is koppel's). The verdict of a topic says in Dutch what to
 *   change: none registered, a wrong delivery URL, paused, or disabled by
 *   WooCommerce after failed deliveries (which it never sends again: the
 *   planned run fetches those orders).
 *
 *   Registering makes the verdicts right: a topic without koppel's
 *   webhook gets one (POST, name "koppel TOPIC", the profile's secret,
 *   status active); koppel's webhook that is not active, or a "koppel
 *   TOPIC" one with another URL, is changed (PUT: URL, secret, active);
 *   an active one is left alone, so registering twice changes nothing.
 *   Webhooks of other names and URLs are never touched. It needs a REST
 *   API key with Read/Write permission; with a Read key the text says so
 *   and how to register by hand.
 *
 * DIAGNOSTICS
 *   Texts are for the shop owner, in Dutch; none holds a secret.
 */
#ifndef KOPPEL_WEBHOOK_CHECK_H
#define KOPPEL_WEBHOOK_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "config.h"
#include "wc_webhooks.h"

typedef enum {
    HOOK_OK = 0,       /* active, to the profile's url */
    HOOK_MISSING,      /* the topic has no webhook */
    HOOK_WRONG_URL,    /* koppel's webhook delivers elsewhere */
    HOOK_INACTIVE,     /* paused (or another status but disabled) */
    HOOK_DISABLED      /* disabled by WooCommerce after failed deliveries */
} hook_verdict_t;

/* webhook_topics - the topics koppel needs, in the order they are checked */
#define WEBHOOK_NTOPICS 2
extern const char *const webhook_topics[WEBHOOK_NTOPICS];

/* webhook_verdict - what list says of topic for profile p; text (Dutch)
 * says it and what to change */
hook_verdict_t webhook_verdict(const profile_t *p, const wc_webhook_t *list, size_t n,
                               const char *topic, char *text, size_t len);

/* webhook_wanted - whether p has a shop.webhook block to check */
bool webhook_wanted(const profile_t *p);

/* webhook_check - test-connection's check "webhooks" of p appended to out
 * ({check, ok, text}); its ok */
bool webhook_check(const profile_t *p, json_t *out);

/* webhook_register - register or switch on koppel's webhooks in p's shop;
 * one {topic, ok, text} per topic appended to out, or one {topic: "",
 * ok: false, text} when the shop could not be asked; true when every
 * topic is right afterwards */
bool webhook_register(const profile_t *p, json_t *out);

/* webhook_client - a WooCommerce client for p's shop with the checks' retries */
wc_client_t *webhook_client(const profile_t *p);

#endif
