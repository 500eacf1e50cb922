/*
 * An intrusive pairing heap of timeout ops keyed on their CLOCK_MONOTONIC
 * deadline: each heap of the timer wheel (timer_wheel.h).  Insert is O(1),
 * removing the earliest or any given timer O(log n) amortized, and the links
 * live in the op itself, so arming a timer allocates nothing.
 */
#ifndef RAWRING_LOOP_TIMER_HEAP_H
#define RAWRING_LOOP_TIMER_HEAP_H

#include "rawring/loop.h"

/* Add `op` (args.timer.deadline_ns set) to the heap rooted at *root. */
void rr__timer_insert(struct rr_op **root, struct rr_op *op);

/* Remove `op`, which must be in the heap rooted at *root. */
void rr__timer_remove(struct rr_op **root, struct rr_op *op);

/* Remove and return the earliest timer, or NULL if the heap is empty. */
struct rr_op *rr__timer_pop(struct rr_op **root);

#endif
