/*
 * The completion vtable: what every backend (io_uring, epoll, kqueue, IOCP)
 * implements, and the core functions a backend calls.
 *
 * The core owns the op queue, the timer heap, cancellation bookkeeping and
 * the callbacks; a backend only starts ops, waits, and reports results.
 *
 * The delivery rule.  A backend never calls user code.  It reports each
 * result with rr__op_report, which only records it on the core's list of
 * due completions; the core runs the callbacks from that list after the
 * backend's flush_wait has returned (rr__run_completed), outside any
 * backend's walk over its CQ, fd table or done list.  So a callback may
 * schedule, cancel, close fds, turn the loop again (rr_loop_run) and even
 * rr_loop_deinit, and no backend iteration is left holding a stale head,
 * pointer or count.  An op has at most one result waiting: a second
 * multishot result for an op whose first has not been delivered yet is
 * refused (rr__op_report returns false) and the backend keeps it for a
 * later turn (io_uring holds the CQE, in CQ order, and walks on).
 *
 * The direct start.  The one place the core knows a backend: while the
 * io_uring backend sets loop->direct_sq (its ring, whenever its wake read
 * is armed, so that no slot need be kept for re-arming it), a scheduling
 * call with nothing queued ahead puts an op's SQE there itself, by the
 * backend's own mapping (src/backend/uring_prep.h), and marks it in
 * flight: start is never called for it.  Only an op with no mark (not
 * linked, not on a registered file, not polled) of a type whose SQE
 * depends on the op alone; the rest, and any op once the SQ is full, go
 * to start as before.  It saves every op the call into the backend and the
 * backend's own tests (about 35 user instructions of a NOP's 177).
 */
#ifndef RAWRING_LOOP_BACKEND_H
#define RAWRING_LOOP_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "op_kind.h"
#include "rawring/loop.h"

#define RR_BACKEND_VERSION 2

/*
 * The private op flag bits (8-15 of rr_op.flags), reserved here so that no
 * two files pick the same one.  All are cleared when the op's last callback
 * runs.  Bits 8-11 and 15 are the core's; 12-14 belong to the backend the
 * loop runs on, each backend naming its own.
 */
enum {
	RR_OP_F_CANCELING = 1u << 8,  /* core: rr_cancel was asked */
	RR_OP_F_DUE = 1u << 9,        /* core: a result waits for its callback */
	RR_OP_F_DUE_MORE = 1u << 10,  /* core: ... a multishot one (more follow) */
	RR_OP_F_FINAL_DUE = 1u << 11, /* core: final_result waits behind it */
	RR_OP_F_BACKEND_1 = 1u << 12,
	RR_OP_F_BACKEND_2 = 1u << 13,
	RR_OP_F_BACKEND_3 = 1u << 14,
	/* core: counted until its last callback (a close: closes_in_flight;
	 * an op on a registered file: fixed_file_ops) */
	RR_OP_F_COUNTED = 1u << 15,
};

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
	/* The core's emulated buffer groups may be consumed incrementally
	 * (RR_BUF_GROUP_INCREMENTAL): the backend's receives run once data is
	 * there (epoll, kqueue), so a receive into the rest of a partly
	 * filled buffer never races another.  IOCP posts its receives before
	 * the data comes: no. */
	bool incremental_buffers;

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
	 * completion found with rr__op_report.  Returns 0 or -errno (-EINTR).
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

	/*
	 * Registered buffers and files where the backend has them natively
	 * (io_uring: the ring's tables).  NULL and the core alone keeps the
	 * tables (rawring/loop.h), the ops running as their plain
	 * counterparts.  The core has checked the arguments; register_* return
	 * 0 or -errno, unregister_* are called only for a registered table
	 * (files: with no op on it in flight).
	 */
	int (*register_buffers)(struct rr_loop *loop, const struct iovec *iov, unsigned nr);
	void (*unregister_buffers)(struct rr_loop *loop);
	int (*register_files)(struct rr_loop *loop, const rr_fd_t *fds, unsigned nr);
	void (*unregister_files)(struct rr_loop *loop);

	/* System calls made so far, for rr_loop_stats. */
	uint64_t (*syscalls)(const struct rr_loop *loop);

	/* The modes init chose, in words, into buf (rr_loop_backend_reason
	 * shows them).  May be NULL: a backend with no choices. */
	void (*describe)(const struct rr_loop *loop, char *buf, size_t size);

	/* Release everything init set up.  Nothing is in flight any more. */
	void (*deinit)(struct rr_loop *loop);
};

/* Append `op` to the core's list of due completions (the delivery rule). */
static inline void rr__push_due(struct rr_loop *loop, struct rr_op *op)
{
	op->due_next = NULL;
	if (loop->completed_tail)
		loop->completed_tail->due_next = op;
	else
		loop->completed_head = op;
	loop->completed_tail = op;
}

/* rr__op_report of an op's last result when the backend has just seen
 * that it has none due (!rr__op_due): the common completion, with nothing
 * left to test. */
static inline void rr__op_report_last(struct rr_loop *loop, struct rr_op *op, int result)
{
	op->result = result;
	op->flags |= RR_OP_F_DUE;
	op->state = RR_OP_COMPLETED;
	rr__push_due(loop, op);
}

/*
 * Report an op's result (the delivery rule above): the callback runs later,
 * from the core.  `more` is true for a multishot result after which the op
 * stays in flight.  Returns true when the result was taken; false only for
 * a `more` result of an op whose previous result is still due (keep it and
 * report it on a later turn).  A last result is always taken.
 */
static inline bool rr__op_report(struct rr_loop *loop, struct rr_op *op,
				 int result, bool more)
{
	if (op->flags & RR_OP_F_DUE) {
		if (more)
			return false; /* the backend keeps it for a later turn */
		/* A multishot op's last result (a cancel, an error) while its
		 * previous one waits: it is delivered right after that one. */
		op->final_result = result;
		op->flags |= RR_OP_F_FINAL_DUE;
		return true;
	}
	op->result = result;
	if (more) {
		op->flags |= RR_OP_F_DUE | RR_OP_F_DUE_MORE; /* stays in flight */
	} else {
		op->flags |= RR_OP_F_DUE;
		op->state = RR_OP_COMPLETED;
	}
	rr__push_due(loop, op);
	return true;
}

/* Whether `op` has a result waiting for its callback: a multishot op then
 * takes no new result before the core has delivered it. */
static inline bool rr__op_due(const struct rr_op *op)
{
	return (op->flags & RR_OP_F_DUE) != 0;
}

/* A receive filled buffer `id` of its group: it is the application's until
 * rr_buf_group_release.  Call before reporting the result. */
static inline void rr__buf_filled(struct rr_op *op, unsigned id)
{
	op->args.group_io.buffer = id;
	op->args.group_io.count = 1;
	op->args.group_io.offset = 0;
	op->args.group_io.kept = false;
	op->args.group_io.group->lent[id] = 1;
}

/* An incremental group's result: `res` (> 0) bytes in buffer `id`, after
 * the bytes its earlier results took.  `kept`: the group goes on filling
 * the buffer; otherwise this result filled it and it is the application's
 * until rr_buf_group_release.  Call before reporting the result. */
static inline void rr__buf_filled_part(struct rr_op *op, unsigned id, int res, bool kept)
{
	struct rr_buf_group *group = op->args.group_io.group;

	op->args.group_io.buffer = id;
	op->args.group_io.count = 1;
	op->args.group_io.offset = group->filled[id];
	op->args.group_io.kept = kept;
	/* Handed over: the next fill, after its release, starts at 0. */
	group->filled[id] = kept ? group->filled[id] + (unsigned)res : 0;
	if (!kept)
		group->lent[id] = 1;
}

/* A bundle's result filled buffer `id` too, after buffer `previous` of it
 * (rr__buf_filled took the first).  Call before reporting the result. */
static inline void rr__buf_filled_next(struct rr_op *op, unsigned previous, unsigned id)
{
	struct rr_buf_group *group = op->args.group_io.group;

	group->bundle_next[previous] = (unsigned short)id;
	group->lent[id] = 1;
	op->args.group_io.count++;
}

/* Emulated groups: take a free buffer for a receive, or -1 when none is. */
static inline int rr__buf_take(struct rr_buf_group *group)
{
	if (!group->free_count)
		return -1;
	unsigned id = group->free_ids[group->free_head];
	group->free_head = (group->free_head + 1) & (group->count - 1);
	group->free_count--;
	return (int)id;
}

/* Put back a buffer taken for a receive that did not fill it, at the
 * front, where it was taken from. */
static inline void rr__buf_untake(struct rr_buf_group *group, unsigned id)
{
	group->free_head = (group->free_head - 1) & (group->count - 1);
	group->free_ids[group->free_head] = id;
	group->free_count++;
}

/* A send bundle: the id of the `i`-th buffer of its group's queue (0 is
 * the head); its length is group->filled[id]. */
static inline unsigned rr__send_queued_id(const struct rr_buf_group *group, unsigned i)
{
	return group->free_ids[(group->free_head + i) & (group->count - 1)];
}

/* A send bundle has taken its buffers (group_io.most of the queue's head):
 * whatever its result, its callback gives them back.  A backend calls it
 * once the send has started on the socket (io_uring: the kernel's CQE
 * names a buffer); a send that fails before (a bad fd, not a socket, a
 * cancel before it started) leaves them queued. */
static inline void rr__send_bundle_took(struct rr_op *op)
{
	op->args.group_io.count = op->args.group_io.most;
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
