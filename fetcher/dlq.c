/*
 * NAME
 *   dlq - the fetcher's dead-letter commands: dlq-list, dlq-replay, dlq-drop
 *
 * DESCRIPTION
 *   See dlq.h. A replay is handed to replay.h, which reads each order from
 *   the shop again on the reader thread and puts it back in pending, so
 *   that it goes through the normal path (Postfix's postsuper -r); the
 *   request is answered when they are read (control_later).
 *
 * DIAGNOSTICS
 *   A bad request is answered with its usage; a replay that fails answers
 *   why, per order, and leaves the dead letter where it is.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dlq.h"
#include "log.h"
#include "replay.h"
#include "xalloc.h"

struct dlq {
    control_t *control;
    store_t *store;
    replay_t *replay;
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

/* replay_item - the JSON of one dead letter to replay; credit is its credit
 * note's sequence, 0 for the order itself */
static json_t *
replay_item(const char *id, const char *profile, int64_t number, int32_t credit)
{
    return json_pack("{s:s,s:s,s:I,s:i}", "id", id, "profile", profile, "number",
                     (json_int_t) number, "credit", (int) credit);
}

/* replay_all - the dead letters (of profile, or all) that have an order
 * number: a document without one cannot be read again */
static json_t *
replay_all(dlq_t *d, const char *profile, char *err, size_t errlen)
{
    json_t *list = store_dead_list(d->store, profile, err, errlen), *orders;
    size_t  i;

    if (list == NULL)
        return NULL;
    orders = json_array();
    for (i = 0; i < json_array_size(list); i++) {
        json_t *dl = json_array_get(list, i);
        json_t *num = json_object_get(dl, "number");

        if (json_is_integer(num))
            json_array_append_new(orders, replay_item(
                json_string_value(json_object_get(dl, "id")),
                json_string_value(json_object_get(dl, "profile")), json_integer_value(num),
                (int32_t) json_integer_value(json_object_get(dl, "credit"))));
    }
    json_decref(list);
    return orders;
}

/* cmd_dlq_replay - dlq-replay ID | --all [PROFILE]: answered when read */
static void
cmd_dlq_replay(void *arg, const msg_t *req, msg_t *reply)
{
    dlq_t  *d = arg;
    char    profile[256], err[1024];
    int64_t number;
    int32_t credit;
    json_t *orders;

    if (req->nargs >= 1 && strcmp(req->args[0], "--all") == 0) {
        if ((orders = replay_all(d, req->nargs > 1 ? req->args[1] : NULL, err,
                                 sizeof err)) == NULL) {
            msg_set(&reply->text, err);
            return;
        }
    } else if (req->nargs == 1
               && parse_id(req->args[0], profile, sizeof profile, &number, &credit))
        orders = json_pack("[o]", replay_item(req->args[0], profile, number, credit));
    else {
        msg_set(&reply->text, "usage: dlq replay PROFILE:NUMBER[-Cn] | --all [--profile P]");
        return;
    }
    replay_ask(d->replay, control_later(d->control), orders);
    json_decref(orders);
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
    msg_set(&reply->text, found == DB_FOUND ? "losgelaten: koppel boekt hem niet"
            : found == DB_ABSENT ? "staat niet (meer) bij de orders die koppel niet kon boeken "
            "(koppelctl dlq list)" : err);
    if (reply->ok)
        log_info("profile %s: order %lld dropped from the dead-letter queue; it will not "
                 "be booked", profile, (long long) number);
}

/* dlq_new - answer the dead-letter commands on control */
dlq_t *
dlq_new(control_t *control, daemon_loop_t *loop, reader_t *reader, const cfg_t *cfg,
        store_t *store, infolog_t *infolog, dlq_replayed_fn *replayed, void *arg)
{
    dlq_t  *self = xcalloc(1, sizeof *self);

    self->control = control;
    self->store = store;
    self->replay = replay_new(loop, control, reader, cfg, store, infolog, replayed, arg);
    control_on(control, "dlq-list", cmd_dlq_list, self);
    control_on(control, "dlq-replay", cmd_dlq_replay, self);
    control_on(control, "dlq-drop", cmd_dlq_drop, self);
    return self;
}

/* dlq_set_cfg - the configuration in force after a reload */
void
dlq_set_cfg(dlq_t *self, const cfg_t *cfg)
{
    replay_set_cfg(self->replay, cfg);
}

/* dlq_retire_cfg - free an earlier configuration when no replay reads with it */
void
dlq_retire_cfg(dlq_t *self, cfg_t **cfg_p)
{
    replay_retire_cfg(self->replay, cfg_p);
}

/* dlq_destroy - free and null the caller's pointer */
void
dlq_destroy(dlq_t **self_p)
{
    if (self_p == NULL || *self_p == NULL)
        return;
    replay_destroy(&(*self_p)->replay);
    free(*self_p);
    *self_p = NULL;
}
