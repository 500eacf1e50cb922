/*
 * The core's side of an op's life after scheduling: the queue to the
 * backend (with linked chains kept whole), timers, cancellation, and the
 * completion path that runs callbacks.
 */
#include <errno.h>

#include "loop_internal.h"
#include "timer_wheel.h"

/* ---- linked chains, for backends without native links ------------------ */

/* io_uring's rule: a chain goes on only if this op succeeded in full. */
static bool chain_continues(const struct rr_op *op, int result)
{
	if (result < 0)
		return false;
	uint64_t expected = rr__op_expected_length(op);
	return expected == 0 || (uint64_t)result >= expected;
}

static void push_front(struct rr_loop *loop, struct rr_op *op)
{
	op->next = loop->queued_head;
	loop->queued_head = op;
	if (!loop->queued_tail)
		loop->queued_tail = op;
	loop->queued_count++;
}

/* `op` finished with `result`: release the op held behind it, or fail the
 * rest of its chain. */
static void release_chain(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct rr_op *held = op->chain_next;

	op->chain_next = NULL;
	if (!held)
		return;
	if (chain_continues(op, result)) {
		push_front(loop, held); /* starts on the next turn, in order */
		return;
	}
	while (held) {
		struct rr_op *next = held->chain_next;
		held->chain_next = NULL;
		rr__complete_later(loop, held, -ECANCELED);
		held = next;
	}
}

/* ---- completion: the one place callbacks run --------------------------- */

void rr__complete_later(struct rr_loop *loop, struct rr_op *op, int result)
{
	(void)rr__op_report(loop, op, result, false); /* a last result: taken */
}

/* The op's last callback: the op is idle (and free to be scheduled again)
 * when it starts.  Inlined: it is the completion path of every op. */
static inline __attribute__((always_inline)) void
deliver_last(struct rr_loop *loop, struct rr_op *op)
{
	int result = op->result;

	if (op->chain_next)
		release_chain(loop, op, result);
	if (op->flags & RR_OP_F_COUNTED)
		rr__uncount(loop, op);
	op->state = RR_OP_IDLE;
	op->flags &= (uint16_t)~RR_OP_PER_USE_FLAGS;
	op->scheduled_mark = 0;
	/* (op->next is not cleared: every list sets it when the op joins.) */
	loop->in_flight--;
	loop->stats.ops_completed++;
	loop->callbacks_run++;
	op->callback(loop, op, result);
}

/* A multishot result: the op stays in flight, rr_op_more(op) is true. */
static void deliver_more(struct rr_loop *loop, struct rr_op *op)
{
	int result = op->result;
	bool last_follows = (op->flags & RR_OP_F_FINAL_DUE) != 0;

	op->flags &= (uint16_t)~(RR_OP_F_DUE | RR_OP_F_DUE_MORE | RR_OP_F_FINAL_DUE);
	op->flags |= RR_OP_F_MORE;
	if (last_follows) {
		/* Due again at once, behind what is due now; finished from
		 * here on, so that the callback cannot schedule or cancel it. */
		op->result = op->final_result;
		op->state = RR_OP_COMPLETED;
		op->flags |= RR_OP_F_DUE;
		rr__push_due(loop, op);
	}
	loop->stats.ops_completed++;
	loop->callbacks_run++;
	op->callback(loop, op, result);
}

unsigned rr__run_completed(struct rr_loop *loop)
{
	unsigned ran = 0;

	/* Callbacks may add to the list, and may turn the loop, which runs
	 * this same list: each op is taken off it before its callback. */
	while (loop->completed_head) {
		struct rr_op *op = loop->completed_head;
		/* (op->due_next stays stale: rr__push_due sets it.) */
		loop->completed_head = op->due_next;
		if (!loop->completed_head)
			loop->completed_tail = NULL;
		if (op->flags & RR_OP_F_DUE_MORE)
			deliver_more(loop, op);
		else
			deliver_last(loop, op);
		ran++;
	}
	return ran;
}

/* ---- the queue to the backend ------------------------------------------- */

static struct rr_op *dequeue(struct rr_loop *loop)
{
	struct rr_op *op = loop->queued_head;

	loop->queued_head = op->next;
	if (!loop->queued_head)
		loop->queued_tail = NULL;
	loop->queued_count--;
	op->next = NULL;
	return op;
}

/* Ops from the queue head up to and including the first without LINK. */
static unsigned chain_length(const struct rr_op *op)
{
	unsigned length = 1;

	while ((op->flags & RR_OP_F_LINK) && op->next) {
		op = op->next;
		length++;
	}
	return length;
}

/* Complete the chain at the queue head with `result` and its linked
 * successors with -ECANCELED, as io_uring does when a chain member fails. */
static void fail_chain(struct rr_loop *loop, int result)
{
	struct rr_op *op;

	do {
		op = dequeue(loop);
		rr__complete_later(loop, op, result);
		result = -ECANCELED;
	} while ((op->flags & RR_OP_F_LINK) && loop->queued_head);
}

void rr__start_queued(struct rr_loop *loop)
{
	while (loop->queued_head) {
		struct rr_op *head = loop->queued_head;

		if (!(head->flags & (RR_OP_F_LINK | RR_OP_F_CANCELING))) {
			/* The common case, an op on its own: the backend says
			 * itself when it has no room. */
			struct rr_op *op = dequeue(loop);
			int ret = loop->backend->start(loop, op);
			if (ret == -EAGAIN) {
				push_front(loop, op);
				break; /* the next flush makes room */
			}
			if (ret < 0) {
				rr__complete_later(loop, op, ret);
				continue;
			}
			op->state = RR_OP_IN_FLIGHT;
			loop->stats.ops_submitted++;
			continue;
		}
		if (head->flags & RR_OP_F_CANCELING) {
			fail_chain(loop, -ECANCELED);
			continue;
		}
		unsigned length = chain_length(head);
		if (length > loop->max_chain) {
			fail_chain(loop, -EINVAL);
			continue;
		}
		if (!loop->backend->native_links && length > 1) {
			/* Hold the rest of the chain behind its head. */
			struct rr_op *op = head;
			for (unsigned i = 1; i < length; i++) {
				op->chain_next = op->next;
				op = op->next;
			}
			loop->queued_head = op->next;
			if (!loop->queued_head)
				loop->queued_tail = NULL;
			loop->queued_count -= length;
			head->next = op->next = NULL;
			/* Released one at a time: each starts as a chain of one. */
			for (op = head->chain_next; op; op = op->chain_next)
				op->flags &= (uint16_t)~RR_OP_F_LINK;
			head->flags &= (uint16_t)~RR_OP_F_LINK;
			push_front(loop, head);
			length = 1;
		}
		if (loop->backend->room(loop) < length)
			break; /* the next flush makes room */

		for (unsigned i = 0; i < length; i++) {
			struct rr_op *op = dequeue(loop);
			int ret = loop->backend->start(loop, op);
			if (ret < 0) {
				rr__complete_later(loop, op, ret);
				continue;
			}
			op->state = RR_OP_IN_FLIGHT;
			loop->stats.ops_submitted++;
		}
	}
	if (loop->queued_count > loop->stats.overflow_high_water)
		loop->stats.overflow_high_water = loop->queued_count;
}

/* ---- timers ------------------------------------------------------------- */

void rr__fire_timers(struct rr_loop *loop, uint64_t now_ns)
{
	struct rr_op *op;

	while ((op = rr__timers_pop_due(loop->timers, now_ns)))
		rr__complete_later(loop, op, -ETIME);
}

/* ---- cancellation ------------------------------------------------------- */

int rr_cancel(struct rr_loop *loop, struct rr_op *target)
{
	if (!loop || !target || !loop->initialized)
		return -EINVAL;

	switch ((enum rr_op_state)target->state) {
	case RR_OP_QUEUED:
		/* Completed when the queue reaches it, with its chain. */
		if (target->flags & RR_OP_F_CANCELING)
			return -EALREADY;
		target->flags |= RR_OP_F_CANCELING;
		return 0;
	case RR_OP_TIMER:
		rr__timers_remove(loop->timers, target);
		rr__complete_later(loop, target, -ECANCELED);
		return 0;
	case RR_OP_IN_FLIGHT: {
		if (target->flags & RR_OP_F_CANCELING)
			return -EALREADY;
		target->flags |= RR_OP_F_CANCELING;
		int ret = loop->backend->cancel(loop, target);
		/* Not asked (io_uring: no SQE for the request, -EBUSY): the
		 * op is as it was, and may be asked for again. */
		if (ret < 0)
			target->flags &= (uint16_t)~RR_OP_F_CANCELING;
		return ret;
	}
	case RR_OP_IDLE:
	case RR_OP_COMPLETED:
	default:
		return -ENOENT;
	}
}
