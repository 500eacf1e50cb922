/*
 * The loop's timers: a two-level wheel of small pairing heaps.
 *
 * A timer's slot key is its deadline rounded up to the next multiple of
 * RR_TIMER_SLACK_NS: the instant an idle loop wakes for it.  The slot level
 * holds the keys of the cursor's block (RR_TIMER_SLOTS consecutive keys), one
 * heap per key; the block level holds the next RR_TIMER_SLOTS - 1 blocks, one
 * heap per block, handed down to the slot level when the cursor reaches the
 * block; anything later waits in one overflow heap.  Each heap is ordered by the
 * exact deadline, so timers fire in deadline order, and a pop touches only a
 * heap of the timers that share one key: with a million timers over a
 * second, about fifty, where one heap of all million cost a dozen cache
 * misses a pop.  The links live in the op; the wheel itself is allocated
 * once, at loop init, so arming a timer allocates nothing.
 */
#ifndef RAWRING_LOOP_TIMER_WHEEL_H
#define RAWRING_LOOP_TIMER_WHEEL_H

#include <stdbool.h>
#include <stdint.h>

#include "rawring/loop.h"

/* An idle loop waits for the earliest timer until the next multiple of
 * this: 50 us, the kernel's default timer slack for a sleeping thread, so
 * that a timed wait may end that late anyway, and dense deadlines (a
 * million over a second) fire in batches, not with a wake-up each. */
#define RR_TIMER_SLACK_NS 50000u

#define RR_TIMER_SLOT_BITS 8
#define RR_TIMER_SLOTS (1u << RR_TIMER_SLOT_BITS)

struct rr_timer_wheel {
	uint64_t count;  /* timers armed */
	uint64_t cursor; /* every slot key below it is empty */
	struct rr_op *slots[RR_TIMER_SLOTS];  /* slots[key % SLOTS]: the keys of the cursor's block */
	struct rr_op *blocks[RR_TIMER_SLOTS]; /* blocks[block % SLOTS]: the blocks after it */
	struct rr_op *overflow;               /* everything beyond */
	uint64_t slot_bits[RR_TIMER_SLOTS / 64];  /* which slot heaps hold timers */
	uint64_t block_bits[RR_TIMER_SLOTS / 64]; /* which block heaps do */
};

/* A wheel whose cursor starts at `now_ns`, or NULL (out of memory). */
struct rr_timer_wheel *rr__timers_new(uint64_t now_ns);
void rr__timers_free(struct rr_timer_wheel *wheel);

/* Arm `op` (args.timer.deadline_ns set).  Never fails. */
void rr__timers_add(struct rr_timer_wheel *wheel, struct rr_op *op);

/* Disarm `op`, which must be armed on `wheel`. */
void rr__timers_remove(struct rr_timer_wheel *wheel, struct rr_op *op);

/* The armed timer with the earliest deadline, left armed; NULL if none. */
struct rr_op *rr__timers_earliest(struct rr_timer_wheel *wheel);

/* Disarm and return the earliest timer if its deadline is at or before
 * `now_ns`, else NULL: called until NULL, it gives the due timers in
 * deadline order. */
struct rr_op *rr__timers_pop_due(struct rr_timer_wheel *wheel, uint64_t now_ns);

static inline bool rr__timers_armed(const struct rr_timer_wheel *wheel)
{
	return wheel->count != 0;
}

#endif
