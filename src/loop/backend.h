/*
 * The completion vtable: what every backend (io_uring, and later epoll,
 * kqueue, IOCP) implements, and the two core functions a backend calls.
 *
 * The core owns the op queue, the timer heap, cancellation bookkeeping and
 * the callbacks; a backend only starts ops, waits, and reports results.  A
 * backend never calls user code: it reports each result with
 * rr__op_complete, which is the core's completion path.
 */
#ifndef RAWRING_LOOP_BACKEND_H
#define RAWRING_LOOP_BACKEND_H

#include <stdint.h>

#include "rawring/loop.h"

#define RR_BACKEND_VERSION 1

/* No deadline: wait until something completes. */
#define RR_DEADLINE_NONE UINT64_MAX

struct rr_backend {
	/* RR_BACKEND_VERSION this table was written against. */
	unsigned version;
	const char *name;
	enum rr_backend_kind kind;
	/* The backend runs linked chains itself (io_uring's IOSQE_IO_LINK).
	 * Otherwise the core holds each linked op until its predecessor has
	 * succeeded, and hands it to start only then. */
	bool native_links;

	/*
	 * Called by rr_loop_init.  Set loop->backend_state.  Returns 0 or
	 * -errno; on failure nothing may be left allocated or open.
	 */
	int (*init)(struct rr_loop *loop, const struct rr_loop_options *options);

	/*
	 * How many ops `start` can take now without a flush in between (an
	 * unbroken linked chain must fit).  Called by the core only.
	 */
	unsigned (*room)(struct rr_loop *loop);

	/*
	 * Take one op (its type and args are set, state RR_OP_QUEUED): right
	 * when it is scheduled if nothing is queued ahead of it, else from the
	 * queue on a later turn.  It must not make the system call or run a
	 * callback: those wait for flush_wait.  Returns 0, or
	 * -EAGAIN when it has no room (the core keeps the op queued), or
	 * another -errno, which the core delivers as the op's result.
	 */
	int (*start)(struct rr_loop *loop, struct rr_op *op);

	/*
	 * Submit what start took, then wait until at least one op completes,
	 * the wake-up is signalled, or CLOCK_MONOTONIC reaches `deadline_ns`
	 * (0: do not wait; RR_DEADLINE_NONE: no limit).  Report every
	 * completion found with rr__op_complete.  Returns 0 or -errno (-EINTR).
	 */
	int (*flush_wait)(struct rr_loop *loop, uint64_t deadline_ns);

	/*
	 * Ask for an in-flight op to be cancelled.  Its completion (with
	 * -ECANCELED or its real result) still arrives through flush_wait.
	 */
	int (*cancel)(struct rr_loop *loop, struct rr_op *op);

	/* Ask for every in-flight op to be cancelled (deinit). */
	int (*cancel_all)(struct rr_loop *loop);

	/* Make a concurrent or later flush_wait return.  Thread-safe. */
	int (*wake)(struct rr_loop *loop);

	/*
	 * Wake `target` from `from`, a loop of the same backend running on the
	 * calling thread, without a system call of its own where the backend
	 * can (io_uring: an IORING_OP_MSG_RING SQE in from's next submission).
	 * May be NULL; -EOPNOTSUPP makes the core fall back to wake.
	 */
	int (*wake_from)(struct rr_loop *target, struct rr_loop *from);

	/*
	 * Provided buffers, where the backend has them natively (io_uring's
	 * buffer rings); all three NULL and the core emulates a group with a
	 * stack of free ids that the backend takes from (rr__buf_take).
	 * buf_group_init hands every buffer to the kernel (0 or -errno),
	 * buf_group_give one released buffer, buf_group_deinit takes the
	 * group back (nothing receives into it any more).
	 */
	int (*buf_group_init)(struct rr_loop *loop, struct rr_buf_group *group);
	void (*buf_group_give)(struct rr_buf_group *group, unsigned id);
	void (*buf_group_deinit)(struct rr_loop *loop, struct rr_buf_group *group);

	/* System calls made so far, for rr_loop_stats. */
	uint64_t (*syscalls)(const struct rr_loop *loop);

	/* Release everything init set up.  Nothing is in flight any more. */
	void (*deinit)(struct rr_loop *loop);
};

/*
 * Report an op's result.  `more` is true for a multishot result after which
 * the op stays in flight.  Runs the op's callback now: call it only from
 * flush_wait, never from start or cancel.
 */
void rr__op_complete(struct rr_loop *loop, struct rr_op *op, int result,
		     bool more);

/* A receive filled buffer `id` of its group: it is the application's until
 * rr_buf_group_release.  Call before reporting the result. */
static inline void rr__buf_filled(struct rr_op *op, unsigned id)
{
	op->args.recv_group.buffer = id;
	op->args.recv_group.group->lent[id] = 1;
}

/* Emulated groups: take a free buffer for a receive, or -1 when none is. */
static inline int rr__buf_take(struct rr_buf_group *group)
{
	return group->free_count ? (int)group->free_ids[--group->free_count] : -1;
}

/* Put back a buffer taken for a receive that did not fill it. */
static inline void rr__buf_untake(struct rr_buf_group *group, unsigned id)
{
	group->free_ids[group->free_count++] = id;
}

/* Whether a multishot op goes on after `result` (reported with "more"): an
 * accept after each connection, a receive after each chunk of data. */
static inline bool rr__multishot_goes_on(const struct rr_op *op, int result)
{
	return (op->flags & RR_OP_F_MULTISHOT) &&
	       (result > 0 || (result == 0 && op->type == RR_OP_ACCEPT));
}

/* Note that a wake-up (rr_loop_wake) was consumed: RR_RUN_ONCE returns. */
static inline void rr__wake_seen(struct rr_loop *loop)
{
	loop->woken = true;
}

/* Each where its RR_HAVE_* is defined by the build. */
extern const struct rr_backend rr__uring_backend;
extern const struct rr_backend rr__epoll_backend;
extern const struct rr_backend rr__kqueue_backend;
extern const struct rr_backend rr__iocp_backend;

#endif
