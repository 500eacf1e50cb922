/*
 * The readiness emulation: per-fd queues of waiting ops, first tries,
 * re-tries on readiness, cancellation.  Ops that take from one fd (data,
 * room, a connection) complete in the order they were started, one side
 * (read or write) at a time; polls, which take nothing, look at every
 * report wherever they wait.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "../common/clock.h"
#include "../common/fault.h"
#include "readiness.h"
#include "readiness_io.h"

static struct rr_readiness *state_of(const struct rr_loop *loop)
{
	return loop->backend_state;
}

/* ---- op lists ------------------------------------------------------------ */

static void append(struct rr_op **head, struct rr_op **tail, struct rr_op *op)
{
	op->next = NULL;
	if (*tail)
		(*tail)->next = op;
	else
		*head = op;
	*tail = op;
}

static struct rr_op *pop(struct rr_op **head, struct rr_op **tail)
{
	struct rr_op *op = *head;

	if (op) {
		*head = op->next;
		if (!*head)
			*tail = NULL;
		op->next = NULL;
	}
	return op;
}

/* Unlink `op` from a list; false if it is not there. */
static bool unlink_op(struct rr_op **head, struct rr_op **tail, struct rr_op *op)
{
	struct rr_op *prev = NULL;

	for (struct rr_op *it = *head; it; prev = it, it = it->next) {
		if (it != op)
			continue;
		if (prev)
			prev->next = op->next;
		else
			*head = op->next;
		if (*tail == op)
			*tail = prev;
		op->next = NULL;
		return true;
	}
	return false;
}

/* ---- the fd table --------------------------------------------------------- */

/* The waiters of `fd`, growing the table when a higher fd first waits
 * (never per operation).  Only an open fd gets a slot, so the table never
 * outgrows the process's fd limit whatever number a caller passes: 0, or
 * -EBADF, or -ENOMEM. */
static int waiters_of(struct rr_readiness *r, int fd, struct rr_fd_waiters **out)
{
	if (fd < 0)
		return -EBADF;
	if ((size_t)fd >= r->fds_len) {
		r->syscalls++;
		if (RR_FAULTABLE(RR_FAULT_FCNTL, -1, fcntl(fd, F_GETFD)) < 0)
			return -errno;
		size_t len = r->fds_len ? r->fds_len : 64;
		while (len <= (size_t)fd)
			len *= 2;
		struct rr_fd_waiters *grown = RR_FAULTABLE(
			RR_FAULT_ALLOC, NULL, realloc(r->fds, len * sizeof(*grown)));
		if (!grown)
			return -ENOMEM;
		memset(grown + r->fds_len, 0, (len - r->fds_len) * sizeof(*grown));
		r->fds = grown;
		r->fds_len = len;
	}
	*out = &r->fds[fd];
	return 0;
}

/* Ask the poller for what the fd's queues need, if that changed. */
static int rearm(struct rr_readiness *r, int fd, struct rr_fd_waiters *w)
{
	unsigned want = (w->read_head ? RR_READY_IN : 0) |
			(w->write_head ? RR_READY_OUT : 0);

	if (!want || want == w->armed)
		return 0;
	int ret = r->poller->arm(r, fd, want, w->known);
	if (ret < 0)
		return ret;
	w->known = true;
	w->armed = want;
	return 0;
}

/* ---- completing ---------------------------------------------------------- */

/* What an op ends with when it cannot go on (`error`): the bytes a
 * MSG_WAITALL transfer or a send bundle has already moved, if any
 * (do_transfer keeps them in op->result, do_send_bundle in the op's
 * group_io.offset), as io_uring reports them: they left the socket, and an
 * error would lose them. */
static int end_result(struct rr_op *op, int error)
{
	/* (Only the transfers keep progress there; for the others, a
	 * multishot accept's say, it is the last result the core gave.) */
	bool transfer = op->type == RR_OP_RECV || op->type == RR_OP_SEND ||
			op->type == RR_OP_SEND_ZC;
	int done = transfer ? op->result : 0;

	if (op->type == RR_OP_SEND_BUNDLE) /* (its progress is in the op's args) */
		done = (int)op->args.group_io.offset;

	op->result = 0;
	return done > 0 ? done : error;
}

static void report_cancelled(struct rr_readiness *r)
{
	struct rr_op *op;

	while ((op = pop(&r->done_head, &r->done_tail)))
		rr__op_report(r->loop, op, end_result(op, -ECANCELED), false);
}

/* Whether `op` takes something from its fd when it runs (data, room, a
 * connection); a poll only looks. */
static bool takes(const struct rr_op *op)
{
	return op->type != RR_OP_POLL;
}

/* The first op of a list that takes, or NULL. */
static struct rr_op *first_taker(struct rr_op *op)
{
	while (op && !takes(op))
		op = op->next;
	return op;
}

/*
 * Retry the ops waiting on one side of `fd`.  Polls first, wherever they
 * wait in the list: io_uring wakes every poll on the fd with the event, so
 * a poll never waits behind a receive, which would take the data it was to
 * see.  Then the ops that take, oldest first, until one has to wait again.
 * A multishot op stays in place after each result.  `error` is a socket
 * error the poller learned with the event, else 0.
 */
static void run_side(struct rr_readiness *r, struct rr_fd_waiters *w,
		     bool read_side, unsigned ready, int error)
{
	struct rr_op **head = read_side ? &w->read_head : &w->write_head;
	struct rr_op **tail = read_side ? &w->read_tail : &w->write_tail;

	for (struct rr_op *op = *head, *next; op; op = next) {
		next = op->next;
		if (takes(op))
			continue;
		int result = rr__attempt(r, op, ready, error);
		if (result == RR_ATTEMPT_WAIT)
			continue;
		unlink_op(head, tail, op);
		op->result = 0;
		rr__op_report(r->loop, op, result, false);
	}
	struct rr_op *op;
	while ((op = first_taker(*head))) {
		/* A multishot op whose last result is not delivered yet takes
		 * no new one: the fd is re-armed and reports again. */
		if (rr__op_due(op))
			return;
		int result = rr__attempt(r, op, ready, error);
		if (result == RR_ATTEMPT_WAIT)
			return;
		if (rr__multishot_goes_on(op, result)) {
			/* One result per readiness report: the listener may
			 * be blocking, and a second accept could block the
			 * loop; a receive's next chunk comes with the next
			 * report (end of file, 0, ends a receive). */
			rr__op_report(r->loop, op, result, true);
			return;
		}
		unlink_op(head, tail, op);
		op->result = 0;
		rr__op_report(r->loop, op, result, false);
	}
}

/* Complete every op waiting on `w` with `error`. */
static void fail_waiters(struct rr_readiness *r, struct rr_fd_waiters *w, int error)
{
	struct rr_op *op;

	while ((op = pop(&w->read_head, &w->read_tail)) ||
	       (op = pop(&w->write_head, &w->write_tail)))
		rr__op_report(r->loop, op, end_result(op, error), false);
}

void rr__readiness_fd_gone(struct rr_readiness *r, int fd)
{
	if (fd < 0 || (size_t)fd >= r->fds_len)
		return;
	/* Nothing will ever make its ops ready; the poller holds nothing. */
	r->fds[fd].known = false;
	r->fds[fd].armed = 0;
}

void rr__readiness_event(struct rr_readiness *r, int fd, unsigned events,
			 int error)
{
	if (fd < 0 || (size_t)fd >= r->fds_len)
		return;
	struct rr_fd_waiters *w = &r->fds[fd];

	w->armed = 0; /* the interest was one-shot */
	if (events & (RR_READY_IN | RR_READY_PRI | RR_READY_ERR | RR_READY_HUP))
		run_side(r, w, true, events, error);
	if (events & (RR_READY_OUT | RR_READY_ERR | RR_READY_HUP))
		run_side(r, w, false, events, error);
	int ret = rearm(r, fd, w);
	if (ret == -EBADF) {
		rr__readiness_fd_gone(r, fd);
	} else if (ret < 0) {
		/* The poller could not take the interest (ENOMEM, ENOSPC): the
		 * ops would never be woken, so they fail with its error. */
		fail_waiters(r, w, ret);
	}
}

/* First try of an op started this turn.  Returns true if it completed. */
static bool try_fresh(struct rr_readiness *r, struct rr_op *op)
{
	int fd;
	enum rr_op_wait side;
	int result = rr__classify(r, op, &fd, &side);

	if (result == 0 && side != RR_WAIT_NONE) {
		struct rr_fd_waiters *w = NULL;
		result = waiters_of(r, fd, &w);
		if (result == 0) {
			bool reading = side == RR_WAIT_READ;
			struct rr_op **head = reading ? &w->read_head : &w->write_head;
			struct rr_op **tail = reading ? &w->read_tail : &w->write_tail;
			/* With no op waiting on it, the fd may have been closed
			 * and its number reused since its interest was set (an
			 * op cancelled, then the fd closed): what the poller
			 * holds is unknown, so the next arm goes to it. */
			if (!w->read_head && !w->write_head)
				w->armed = 0;
			/* Behind other ops that take it waits its turn, in
			 * order; a poll looks at once, as io_uring's does. */
			result = takes(op) && first_taker(*head) ? RR_ATTEMPT_WAIT
								: rr__attempt(r, op, 0, 0);
			if (result == RR_ATTEMPT_WAIT) {
				append(head, tail, op);
				int ret = rearm(r, fd, w);
				if (ret == 0)
					return false;
				unlink_op(head, tail, op);
				result = ret; /* e.g. -EBADF: not an fd the poller takes */
			}
		}
	} else if (result == 0) {
		result = rr__attempt(r, op, 0, 0);
		/* Nothing to wait on (a regular file that said "would block"). */
		if (result == RR_ATTEMPT_WAIT)
			result = -EAGAIN;
	}
	op->result = 0;
	rr__op_report(r->loop, op, result, false);
	return true;
}

/* ---- the vtable entries ------------------------------------------------- */

int rr__readiness_init(struct rr_loop *loop, const struct rr_poller *poller)
{
	struct rr_readiness *r = RR_FAULTABLE(RR_FAULT_ALLOC, NULL, calloc(1, sizeof(*r)));

	if (!r)
		return -ENOMEM;
	r->poller = poller;
	r->loop = loop;
	r->poll_fd = -1;
	r->wake_fd = -1;
	atomic_init(&r->wake_writes, 0);
	int ret = poller->open(r);
	if (ret < 0) {
		free(r);
		return ret;
	}
	loop->backend_state = r;
	loop->max_chain = UINT32_MAX;
	return 0;
}

unsigned rr__readiness_room(struct rr_loop *loop)
{
	(void)loop;
	return UINT32_MAX; /* ops wait in per-fd queues, not in a ring */
}

int rr__readiness_start(struct rr_loop *loop, struct rr_op *op)
{
	struct rr_readiness *r = state_of(loop);

	op->result = 0;
	append(&r->fresh_head, &r->fresh_tail, op);
	return 0;
}

int rr__readiness_flush_wait(struct rr_loop *loop, uint64_t deadline_ns)
{
	struct rr_readiness *r = state_of(loop);
	bool completed = r->done_head != NULL;
	struct rr_op *op;

	report_cancelled(r);
	while ((op = pop(&r->fresh_head, &r->fresh_tail)))
		completed |= try_fresh(r, op);
	report_cancelled(r);

	uint64_t timeout = 0;
	if (!completed && deadline_ns) {
		uint64_t now = rr__monotonic_ns();
		timeout = deadline_ns == RR_DEADLINE_NONE ? UINT64_MAX
			  : deadline_ns > now		  ? deadline_ns - now
							  : 0;
	}
	int ret = r->poller->wait(r, timeout);
	report_cancelled(r);
	return ret < 0 ? ret : 0;
}

int rr__readiness_cancel(struct rr_loop *loop, struct rr_op *op)
{
	struct rr_readiness *r = state_of(loop);
	int fd = rr__op_fd(op);
	bool found = unlink_op(&r->fresh_head, &r->fresh_tail, op);

	if (!found && fd >= 0 && (size_t)fd < r->fds_len) {
		struct rr_fd_waiters *w = &r->fds[fd];
		found = unlink_op(&w->read_head, &w->read_tail, op) ||
			unlink_op(&w->write_head, &w->write_tail, op);
		if (found && !w->read_head && !w->write_head && w->armed) {
			if (r->poller->disarm)
				r->poller->disarm(r, fd, w->armed);
			w->armed = 0;
		}
	}
	if (!found)
		return -ENOENT;
	append(&r->done_head, &r->done_tail, op);
	return 0;
}

int rr__readiness_cancel_all(struct rr_loop *loop)
{
	struct rr_readiness *r = state_of(loop);
	struct rr_op *op, *keep_head = NULL, *keep_tail = NULL;

	/* Ops not tried yet are cancelled, but for those that still run at
	 * deinit (a close asked for): they are tried on the next flush. */
	while ((op = pop(&r->fresh_head, &r->fresh_tail))) {
		if (rr__op_kind(op)->runs_at_deinit)
			append(&keep_head, &keep_tail, op);
		else
			append(&r->done_head, &r->done_tail, op);
	}
	r->fresh_head = keep_head;
	r->fresh_tail = keep_tail;
	for (size_t fd = 0; fd < r->fds_len; fd++) {
		struct rr_fd_waiters *w = &r->fds[fd];
		while ((op = pop(&w->read_head, &w->read_tail)))
			append(&r->done_head, &r->done_tail, op);
		while ((op = pop(&w->write_head, &w->write_tail)))
			append(&r->done_head, &r->done_tail, op);
	}
	return 0;
}

int rr__readiness_wake(struct rr_loop *loop)
{
	struct rr_readiness *r = state_of(loop);

	atomic_fetch_add_explicit(&r->wake_writes, 1, memory_order_relaxed);
	return r->poller->wake(r);
}

uint64_t rr__readiness_syscalls(const struct rr_loop *loop)
{
	const struct rr_readiness *r = state_of(loop);

	return r->syscalls +
	       atomic_load_explicit(&((struct rr_readiness *)r)->wake_writes,
				    memory_order_relaxed);
}

void rr__readiness_deinit(struct rr_loop *loop)
{
	struct rr_readiness *r = state_of(loop);

	r->poller->close(r);
	free(r->fds);
	free(r);
}
