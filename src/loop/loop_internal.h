/* What the core's files share: queue helpers and the deferred completions. */
#ifndef RAWRING_LOOP_INTERNAL_H
#define RAWRING_LOOP_INTERNAL_H

#include "backend.h"

/* Flags that describe one scheduling of an op, cleared when it completes:
 * the caller's marks and every private bit (8-15, backend.h), which the
 * loop and the backends use for what they learned about this use of it. */
#define RR_OP_PER_USE_FLAGS                                                    \
	(RR_OP_F_LINK | RR_OP_F_MULTISHOT | RR_OP_F_MORE | RR_OP_F_POLLED |     \
	 RR_OP_F_FIXED_FILE | 0xff00u)

/* Record a last result found by the core itself (a timer, a cancelled
 * queued op): rr__op_report's, for the core. */
void rr__complete_later(struct rr_loop *loop, struct rr_op *op, int result);

/* Run the callbacks that are due (the delivery rule, backend.h), the ones
 * they make due included.  Returns how many ran. */
unsigned rr__run_completed(struct rr_loop *loop);

/* Hand queued ops to the backend while it has room. */
void rr__start_queued(struct rr_loop *loop);

/* Complete every timer whose deadline is at or before `now_ns`. */
void rr__fire_timers(struct rr_loop *loop, uint64_t now_ns);

/* Run the callbacks of async handles sent since the last call. */
unsigned rr__run_async(struct rr_loop *loop);

/* Release every buffer group still set up on `loop` (deinit). */
void rr__buf_groups_deinit(struct rr_loop *loop);

/* 0 when [buf, buf+len) lies inside registered buffer `index`, else
 * -EFAULT (fixed.c). */
int rr__fixed_buffer_check(const struct rr_loop *loop, const void *buf,
			   unsigned len, unsigned index);

/* An op marked RR_OP_F_FIXED_FILE, its type and fd (the index) set: check
 * the index, point the op at the table's fd where the backend has no table
 * of its own, and count it until its last callback.  0, -EBADF for an
 * index outside the table or at an empty slot, -EINVAL for an op without
 * an fd or a close. */
int rr__fixed_file_claim(struct rr_loop *loop, struct rr_op *op);

/* A send bundle's last callback is about to run: the buffers it took
 * (group_io.count, set by the backend with rr__send_bundle_took) leave the
 * queue and are the application's again, chained in queue order, and the
 * group may send again (buf_group.c). */
void rr__send_bundle_done(struct rr_op *op);

/* The last callback of a counted op (RR_OP_F_COUNTED: a close, an op on a
 * registered file, a send bundle) is about to run. */
static inline void rr__uncount(struct rr_loop *loop, struct rr_op *op)
{
	if (op->type == RR_OP_CLOSE)
		loop->closes_in_flight--;
	else if (op->flags & RR_OP_F_FIXED_FILE)
		loop->fixed_file_ops--;
	if (op->type == RR_OP_SEND_BUNDLE)
		rr__send_bundle_done(op);
}

/* Unregister the tables (deinit, nothing in flight). */
void rr__fixed_release_all(struct rr_loop *loop);

#endif
