/*
 * NAME
 *   test_queue - the booker's queues per profile: turns, resends, parking
 *
 * DESCRIPTION
 *   Round robin over the profiles with orders (a burst of one does not
 *   starve another), one batch per profile at a time, a resend of an order
 *   that waits or is being booked refused, and a parked profile skipped
 *   until its time while the others go on.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>

#include "msg.h"
#include "order.h"
#include "queue.h"

/* matched - a matched message of order number */
static msg_t *
matched(int64_t number)
{
    msg_t  *m = msg_new(MSG_MATCHED);

    if (m->order == NULL)
        m->order = order_new();
    m->order->number = number;
    return m;
}

/* add_orders - n orders from first on for profile i */
static void
add_orders(queue_t *q, int i, int64_t first, int n)
{
    int     k;

    for (k = 0; k < n; k++)
        assert_true(queue_add(q, i, matched(first + k)));
}

/* give_back - destroy a taken batch and forget its orders */
static void
give_back(queue_t *q, int i, msg_t **msgs, size_t n)
{
    size_t  k;

    for (k = 0; k < n; k++) {
        queue_done(q, i, msgs[k]->order);
        msg_destroy(&msgs[k]);
    }
    queue_idle(q, i);
}

/* burst_of_one_profile_does_not_starve_another - turns alternate */
static void
burst_of_one_profile_does_not_starve_another(void **state)
{
    queue_t *q = queue_new(3);
    msg_t  *msgs[4];
    int     i, seen[3] = { 0 }, order[6], k;
    size_t  n;

    add_orders(q, 0, 1000, 40);          /* a burst */
    add_orders(q, 2, 5000, 8);
    for (k = 0; k < 6; k++) {
        n = queue_take(q, 0, &i, msgs, 4);
        assert_int_equal(n, 4);
        order[k] = i;
        seen[i]++;
        give_back(q, i, msgs, n);
    }
    assert_int_equal(order[0], 0);
    assert_int_equal(order[1], 2);
    assert_int_equal(order[2], 0);
    assert_int_equal(order[3], 2);
    assert_int_equal(seen[1], 0);
    assert_int_equal(queue_length(q, 2), 0);
    queue_destroy(&q);
    assert_null(q);
}

/* a_busy_profile_gets_no_second_batch - one batch per administration */
static void
a_busy_profile_gets_no_second_batch(void **state)
{
    queue_t *q = queue_new(1);
    msg_t  *msgs[4], *more[4];
    int     i;
    size_t  n;

    add_orders(q, 0, 1, 6);
    n = queue_take(q, 0, &i, msgs, 4);
    assert_int_equal(n, 4);
    assert_true(queue_busy(q, 0));
    assert_int_equal(queue_take(q, 0, &i, more, 4), 0);
    give_back(q, 0, msgs, n);
    assert_int_equal(queue_take(q, 0, &i, more, 4), 2);
    give_back(q, 0, more, 2);
    queue_destroy(&q);
}

/* a_profile_held_for_its_check_gets_no_batch - queue_hold makes it busy
 * with its orders left waiting; not while it is busy or parked */
static void
a_profile_held_for_its_check_gets_no_batch(void **state)
{
    queue_t *q = queue_new(1);
    msg_t  *msgs[4];
    int     i;
    size_t  n;

    add_orders(q, 0, 1, 2);
    assert_true(queue_hold(q, 0, 1000));
    assert_true(queue_busy(q, 0));
    assert_int_equal(queue_length(q, 0), 2);
    assert_int_equal(queue_take(q, 1000, &i, msgs, 4), 0);
    assert_false(queue_hold(q, 0, 1000));               /* held already */
    queue_idle(q, 0);
    queue_park(q, 0, 5000, "20 per minuut bereikt");
    assert_false(queue_hold(q, 0, 4999));               /* parked */
    assert_true(queue_hold(q, 0, 5000));                /* the wait is over */
    assert_int_equal(queue_parked(q, 0, NULL), 0);
    queue_idle(q, 0);
    n = queue_take(q, 5000, &i, msgs, 4);
    assert_int_equal(n, 2);
    give_back(q, 0, msgs, n);
    queue_destroy(&q);
}

/* a_resend_of_a_waiting_or_booking_order_is_refused - never twice at once */
static void
a_resend_of_a_waiting_or_booking_order_is_refused(void **state)
{
    queue_t *q = queue_new(1);
    msg_t  *msgs[4], *dup;
    int     i;
    size_t  n;

    add_orders(q, 0, 7, 1);
    dup = matched(7);
    assert_false(queue_add(q, 0, dup));                 /* waiting */
    n = queue_take(q, 0, &i, msgs, 4);
    assert_false(queue_add(q, 0, dup));                 /* being booked */
    queue_put_back(q, 0, msgs, n);                      /* it must wait: still known */
    queue_idle(q, 0);
    assert_false(queue_add(q, 0, dup));
    n = queue_take(q, 0, &i, msgs, 4);
    give_back(q, 0, msgs, n);                           /* booked */
    assert_true(queue_add(q, 0, dup));                  /* a later resend is booked again:
                                                           the ledger answers "booked before" */
    queue_destroy(&q);
}

/* a_parked_profile_waits_while_the_others_go_on - until its time, in order */
static void
a_parked_profile_waits_while_the_others_go_on(void **state)
{
    queue_t *q = queue_new(2);
    msg_t  *msgs[4];
    const char *why;
    int     i;
    size_t  n;

    add_orders(q, 0, 100, 3);
    add_orders(q, 1, 200, 3);
    queue_park(q, 0, 10000, "5.000 per uur bereikt");
    assert_int_equal(queue_parked(q, 0, &why), 10000);
    assert_string_equal(why, "5.000 per uur bereikt");
    n = queue_take(q, 5000, &i, msgs, 4);
    assert_int_equal(i, 1);
    assert_int_equal(n, 3);
    give_back(q, 1, msgs, n);
    assert_int_equal(queue_take(q, 9999, &i, msgs, 4), 0);
    n = queue_take(q, 10000, &i, msgs, 4);
    assert_int_equal(i, 0);
    assert_int_equal(n, 3);
    assert_int_equal(msgs[0]->order->number, 100);      /* the oldest first */
    assert_int_equal(queue_parked(q, 0, NULL), 0);
    give_back(q, 0, msgs, n);
    queue_destroy(&q);
}

/* a_stopped_profile_drops_what_waits - the fetcher sends it again */
static void
a_stopped_profile_drops_what_waits(void **state)
{
    queue_t *q = queue_new(1);
    msg_t  *dup = matched(3);

    add_orders(q, 0, 1, 5);
    queue_drop(q, 0);
    assert_int_equal(queue_length(q, 0), 0);
    assert_true(queue_add(q, 0, dup));                  /* forgotten: accepted again */
    queue_destroy(&q);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(burst_of_one_profile_does_not_starve_another),
        cmocka_unit_test(a_busy_profile_gets_no_second_batch),
        cmocka_unit_test(a_profile_held_for_its_check_gets_no_batch),
        cmocka_unit_test(a_resend_of_a_waiting_or_booking_order_is_refused),
        cmocka_unit_test(a_parked_profile_waits_while_the_others_go_on),
        cmocka_unit_test(a_stopped_profile_drops_what_waits),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
