/*
 * NAME
 *   shared_list - SnelStart's lists that every administration reads alike, held once
 *
 * DESCRIPTION
 *   See shared_list.h. The lists held are few (a kind of list has one
 *   content unless SnelStart changes it, and the old one is forgotten once
 *   every administration has read the new one), so an array searched with
 *   json_equal() will do; it runs once a list is read, hourly.
 */
#include <pthread.h>
#include <stddef.h>

#include "shared_list.h"
#include "xalloc.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static json_t **held;
static size_t nheld, capheld;

/* forget_unused - release the lists only this table holds (under the lock:
 * no one else can take a new reference to them meanwhile) */
static void
forget_unused(void)
{
    size_t  i = 0;

    while (i < nheld)
        if (held[i]->refcount == 1) {
            json_decref(held[i]);
            held[i] = held[--nheld];
        } else
            i++;
}

json_t *
shared_list(json_t *list)
{
    json_t *found = NULL;
    size_t  i;

    if (list == NULL)
        return NULL;
    pthread_mutex_lock(&lock);
    forget_unused();
    for (i = 0; i < nheld && found == NULL; i++)
        if (json_equal(held[i], list))
            found = held[i];
    if (found == NULL) {
        if (nheld == capheld) {
            capheld = capheld ? 2 * capheld : 8;
            held = xrealloc(held, capheld * sizeof *held);
        }
        held[nheld++] = found = json_incref(list);
    }
    json_incref(found);
    pthread_mutex_unlock(&lock);
    json_decref(list);
    return found;
}
