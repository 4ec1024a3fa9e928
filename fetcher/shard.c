/*
 * NAME
 *   shard - the live matchers and which of them serves each profile
 *
 * DESCRIPTION
 *   See shard.h. The live set is a small array of names kept sorted, so
 *   that the assign message lists them the same way every time; lookups
 *   are linear (at most SHARD_MAX).
 *
 * DIAGNOSTICS
 *   A matcher that joins or leaves is logged at info level with why it
 *   left; one beyond SHARD_MAX is a warning, once per name.
 */
#include <string.h>

#include "log.h"
#include "msg.h"
#include "net.h"
#include "rendezvous.h"
#include "shard.h"
#include "xalloc.h"

struct shard {
    char   *names[SHARD_MAX];   /* the live matchers, sorted */
    int64_t seen_ms[SHARD_MAX]; /* each one's last ready */
    size_t  n;
    int64_t since_ms;           /* when the live set last became non-empty */
    bool    changed;
    char    refused[SHARD_NAME_MAX];    /* the last one refused: warned once */
};

shard_t *
shard_new(void)
{
    return xcalloc(1, sizeof(shard_t));
}

void
shard_destroy(shard_t **self_p)
{
    size_t  i;

    if (*self_p == NULL)
        return;
    for (i = 0; i < (*self_p)->n; i++)
        free((*self_p)->names[i]);
    free(*self_p);
    *self_p = NULL;
}

/* find - the index of name, or where it goes (*found false) */
static size_t
find(const shard_t *self, const char *name, bool *found)
{
    size_t  i;
    int     c = 1;

    for (i = 0; i < self->n && (c = strcmp(self->names[i], name)) < 0; i++)
        ;
    *found = i < self->n && c == 0;
    return i;
}

/* remove_at - take matcher i out of the live set */
static void
remove_at(shard_t *self, size_t i)
{
    free(self->names[i]);
    memmove(self->names + i, self->names + i + 1, (self->n - i - 1) * sizeof *self->names);
    memmove(self->seen_ms + i, self->seen_ms + i + 1,
            (self->n - i - 1) * sizeof *self->seen_ms);
    self->n--;
    self->changed = true;
}

/* shard_seen - a ready from a matcher */
bool
shard_seen(shard_t *self, const char *name, int64_t now_ms)
{
    bool    found;
    size_t  i = find(self, name, &found);

    if (!found && self->n == SHARD_MAX) {
        if (strcmp(self->refused, name) != 0)
            log_warning("matcher %s refused: %d matchers serve already, the most koppel "
                        "divides the profiles over", name, SHARD_MAX);
        snprintf(self->refused, sizeof self->refused, "%s", name);
        return false;
    }
    if (!found) {
        memmove(self->names + i + 1, self->names + i, (self->n - i) * sizeof *self->names);
        memmove(self->seen_ms + i + 1, self->seen_ms + i,
                (self->n - i) * sizeof *self->seen_ms);
        self->names[i] = xstrdup(name);
        if (self->n++ == 0)
            self->since_ms = now_ms;
        self->changed = true;
        log_info("matcher %s joined: %zu matchers serve the profiles", name, self->n);
    }
    self->seen_ms[i] = now_ms;
    return true;
}

/* shard_forget - a matcher is gone */
void
shard_forget(shard_t *self, const char *name, const char *why)
{
    bool    found;
    size_t  i = find(self, name, &found);

    if (!found)
        return;
    log_info("matcher %s left (%s): %zu matchers serve the profiles", name, why, self->n - 1);
    remove_at(self, i);                 /* name may be the one freed here */
}

/* shard_expire - forget the silent matchers */
void
shard_expire(shard_t *self, int64_t now_ms, int timeout_ms)
{
    size_t  i = 0;

    while (i < self->n)
        if (now_ms - self->seen_ms[i] >= timeout_ms)
            shard_forget(self, self->names[i], "silent for the heartbeat interval");
        else
            i++;
}

/* shard_settled - whether the live set is non-empty since wait_ms */
bool
shard_settled(const shard_t *self, int64_t now_ms, int wait_ms)
{
    return self->n > 0 && now_ms - self->since_ms >= wait_ms;
}

/* shard_owner - the live matcher serving a profile */
const char *
shard_owner(const shard_t *self, const char *profile)
{
    int     i = rendezvous_owner(profile, (char *const *) self->names, self->n);

    return i < 0 ? NULL : self->names[i];
}

/* shard_take_change - whether the live set changed since the last call */
bool
shard_take_change(shard_t *self)
{
    bool    changed = self->changed;

    self->changed = false;
    return changed;
}

/* shard_broadcast - the live set to every live matcher */
void
shard_broadcast(shard_t *self, zsock_t *orders)
{
    msg_t  *m = msg_new(MSG_ASSIGN);
    size_t  i;

    for (i = 0; i < self->n; i++)
        msg_add_arg(m, self->names[i]);
    i = 0;
    while (i < self->n)
        if (net_send_to(orders, self->names[i], m) == NET_GONE)
            shard_forget(self, self->names[i], "disconnected");
        else
            i++;                /* a full queue: it is busy, not gone */
    msg_destroy(&m);
}

/* shard_status - the live matchers with their share of the profiles */
json_t *
shard_status(const shard_t *self, const cfg_t *cfg, int64_t now_ms)
{
    json_t *st = json_object();
    json_int_t count[SHARD_MAX] = { 0 };
    size_t  i;
    int     k;

    for (i = 0; i < cfg->nprofiles; i++)
        if ((k = rendezvous_owner(cfg->profiles[i].name, (char *const *) self->names,
                                  self->n)) >= 0)
            count[k]++;
    for (i = 0; i < self->n; i++)
        json_object_set_new(st, self->names[i], json_pack("{s:I, s:I}", "profiles", count[i],
                            "seen_ms_ago", (json_int_t) (now_ms - self->seen_ms[i])));
    return st;
}
