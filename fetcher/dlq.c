/*
 * NAME
 *   dlq - the fetcher's dead-letter commands: dlq-list, dlq-replay, dlq-drop
 *
 * DESCRIPTION
 *   See dlq.h. A replay reads the order from the shop again (fetch_one of
 *   import.h) and puts it back in pending, so that it goes through the
 *   normal path (Postfix's postsuper -r); the fetcher then sends what is due.
 *
 * DIAGNOSTICS
 *   A bad request is answered with its usage; a replay that fails answers
 *   why, per order, and leaves the dead letter where it is.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dlq.h"
#include "import.h"
#include "log.h"
#include "xalloc.h"

struct dlq {
    const cfg_t *cfg;
    store_t *store;
    infolog_t *infolog;
    dlq_source_fn *source_of;
    dlq_replayed_fn *replayed;
    void    *arg;
};

/* parse_id - "profile:number", or "profile:number-Cn" for its credit note n */
static bool
parse_id(const char *id, char *profile, size_t plen, int64_t *number, int32_t *credit)
{
    const char *colon = strrchr(id, ':');
    char   *end;

    if (colon == NULL || (size_t) (colon - id) >= plen)
        return false;
    memcpy(profile, id, colon - id);
    profile[colon - id] = 0;
    *number = strtoll(colon + 1, &end, 10);
    *credit = 0;
    if (end != colon + 1 && strncmp(end, "-C", 2) == 0 && end[2] >= '1' && end[2] <= '9')
        *credit = (int32_t) strtol(end + 2, &end, 10);
    return *end == 0 && end != colon + 1;
}

/* cmd_dlq_list - dlq-list [PROFILE] */
static void
cmd_dlq_list(void *arg, const msg_t *req, msg_t *reply)
{
    dlq_t  *d = arg;
    char    err[512];
    json_t *list = store_dead_list(d->store, req->nargs > 0 ? req->args[0] : NULL, err,
                                   sizeof err);
    char   *text;

    if (list == NULL) {
        msg_set(&reply->text, err);
        return;
    }
    text = xasprintf("%zu dead letters", json_array_size(list));
    reply->ok = true;
    msg_set(&reply->text, text);
    free(text);
    control_reply_json(reply, list);
}

/* replay_credit - a credit note goes back as it was stored: the refund is
 * the shop's, already read */
static bool
replay_credit(dlq_t *d, const char *profile, int64_t number, int32_t credit, char *err,
              size_t errlen)
{
    if (!store_replay_credit(d->store, profile, number, credit, err, errlen))
        return false;
    log_info("profile %s: credit note %d of order %lld replayed from the dead-letter queue",
             profile, credit, (long long) number);
    infolog_add(d->infolog, profile, INFOLOG_EXTENDED, INFOLOG_REPLAYED, number,
                "Creditnota %d van order %lld opnieuw aangeboden om te boeken", credit,
                (long long) number);
    d->replayed(d->arg);
    return true;
}

/* replay_one - put one dead letter back through the normal path */
static bool
replay_one(dlq_t *d, const char *profile, int64_t number, int32_t credit, char *err,
           size_t errlen)
{
    int     i = cfg_profile_index(d->cfg, profile);

    if (i < 0) {
        snprintf(err, errlen, "profiel %s staat niet in de instellingen", profile);
        return false;
    }
    if (credit > 0)
        return replay_credit(d, profile, number, credit, err, errlen);
    if (!fetch_one(&d->cfg->profiles[i], d->source_of(d->arg, i), d->store, number, err,
                   errlen))
        return false;
    log_info("profile %s: order %lld replayed from the dead-letter queue", profile,
             (long long) number);
    infolog_add(d->infolog, profile, INFOLOG_EXTENDED, INFOLOG_REPLAYED, number,
                "Order %lld opnieuw gelezen uit de shop en aangeboden om te boeken", (long long) number);
    d->replayed(d->arg);
    return true;
}

/* cmd_dlq_replay - dlq-replay ID | --all [PROFILE] */
static void
cmd_dlq_replay(void *arg, const msg_t *req, msg_t *reply)
{
    dlq_t  *d = arg;
    char    profile[256], err[1024];
    int64_t number;
    int32_t credit;
    json_t *results = json_array(), *list;
    size_t  i, ok = 0, failed = 0;
    char   *text;

    if (req->nargs >= 1 && strcmp(req->args[0], "--all") == 0) {
        if ((list = store_dead_list(d->store, req->nargs > 1 ? req->args[1] : NULL, err,
                                    sizeof err)) == NULL) {
            msg_set(&reply->text, err);
            json_decref(results);
            return;
        }
        for (i = 0; i < json_array_size(list); i++) {
            json_t *dl = json_array_get(list, i);
            json_t *num = json_object_get(dl, "number");
            const char *pr = json_string_value(json_object_get(dl, "profile"));

            if (!json_is_integer(num))
                continue;             /* a document without order number cannot be re-read */
            if (replay_one(d, pr, json_integer_value(num),
                           (int32_t) json_integer_value(json_object_get(dl, "credit")), err,
                           sizeof err)) {
                ok++;
                json_array_append_new(results, json_pack("{s:s,s:b}", "id",
                    json_string_value(json_object_get(dl, "id")), "replayed", 1));
            } else {
                failed++;
                json_array_append_new(results, json_pack("{s:s,s:b,s:s}", "id",
                    json_string_value(json_object_get(dl, "id")), "replayed", 0, "error", err));
            }
        }
        json_decref(list);
    } else if (req->nargs == 1
               && parse_id(req->args[0], profile, sizeof profile, &number, &credit)) {
        if (replay_one(d, profile, number, credit, err, sizeof err)) {
            ok++;
            json_array_append_new(results, json_pack("{s:s,s:b}", "id", req->args[0],
                                                     "replayed", 1));
        } else {
            failed++;
            json_array_append_new(results, json_pack("{s:s,s:b,s:s}", "id", req->args[0],
                                                     "replayed", 0, "error", err));
        }
    } else {
        msg_set(&reply->text, "usage: dlq replay PROFILE:NUMBER[-Cn] | --all [--profile P]");
        json_decref(results);
        return;
    }
    reply->ok = failed == 0;
    text = xasprintf("%zu replayed, %zu could not be replayed", ok, failed);
    msg_set(&reply->text, text);
    free(text);
    control_reply_json(reply, results);
}

/* cmd_dlq_drop - dlq-drop ID */
static void
cmd_dlq_drop(void *arg, const msg_t *req, msg_t *reply)
{
    dlq_t  *d = arg;
    char    profile[256], err[512];
    int64_t number;
    int32_t credit;
    db_found_t found;

    if (req->nargs != 1 || !parse_id(req->args[0], profile, sizeof profile, &number, &credit)) {
        msg_set(&reply->text, "usage: dlq drop PROFILE:NUMBER[-Cn]");
        return;
    }
    found = store_drop(d->store, profile, number, credit, err, sizeof err);
    reply->ok = found == DB_FOUND;
    msg_set(&reply->text, found == DB_FOUND ? "dropped" : found == DB_ABSENT
            ? "deze order staat niet bij Niet geboekt" : err);
    if (reply->ok)
        log_info("profile %s: order %lld dropped from the dead-letter queue; it will not "
                 "be booked", profile, (long long) number);
}

/* dlq_new - answer the dead-letter commands on control */
dlq_t *
dlq_new(control_t *control, const cfg_t *cfg, store_t *store, infolog_t *infolog,
        dlq_source_fn *source_of, dlq_replayed_fn *replayed, void *arg)
{
    dlq_t  *self = xcalloc(1, sizeof *self);

    self->cfg = cfg;
    self->store = store;
    self->infolog = infolog;
    self->source_of = source_of;
    self->replayed = replayed;
    self->arg = arg;
    control_on(control, "dlq-list", cmd_dlq_list, self);
    control_on(control, "dlq-replay", cmd_dlq_replay, self);
    control_on(control, "dlq-drop", cmd_dlq_drop, self);
    return self;
}

/* dlq_set_cfg - the configuration in force after a reload */
void
dlq_set_cfg(dlq_t *self, const cfg_t *cfg)
{
    self->cfg = cfg;
}

/* dlq_destroy - free and null the caller's pointer */
void
dlq_destroy(dlq_t **self_p)
{
    if (self_p == NULL || *self_p == NULL)
        return;
    free(*self_p);
    *self_p = NULL;
}
