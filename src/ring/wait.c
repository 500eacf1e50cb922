/*
 * The completion path: find CQEs in the mapped CQ ring, and enter the kernel
 * only when there are not enough of them, when the kernel holds completions
 * back (overflow backlog, deferred task work), or when an IOPOLL ring must
 * poll.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <string.h>

#include "../common/clock.h"
#include "ring_internal.h"

/* The first ready CQE (or NULL) and how many slots are ready.  Skip
 * entries of a CQE_MIXED ring at the head are consumed on the way. */
static unsigned peek_ready(struct rr_ring *ring, struct io_uring_cqe **cqe_ptr)
{
	struct rr_cq *cq = &ring->cq;

	for (;;) {
		unsigned head = *cq->khead;
		/* Acquire pairs with the kernel's smp_store_release(cq.tail). */
		unsigned ready = rr_load_acquire(cq->ktail) - head;
		struct io_uring_cqe *cqe =
			ready ? &cq->cqes[(head & cq->ring_mask) << ring->cqe_shift] : NULL;

		if (cqe && (ring->setup_flags & IORING_SETUP_CQE_MIXED) &&
		    (cqe->flags & IORING_CQE_F_SKIP)) {
			rr_cq_advance(ring, 1);
			continue;
		}
		*cqe_ptr = cqe;
		return ready;
	}
}

/*
 * Submit `to_submit` SQEs and wait for `wait_nr` CQEs, entering the kernel as
 * few times as that allows.  `arg` is an io_uring_getevents_arg for a timed
 * wait, or NULL.
 */
static int get_cqe(struct rr_ring *ring, struct io_uring_cqe **cqe_ptr,
		   unsigned to_submit, unsigned wait_nr,
		   const struct io_uring_getevents_arg *arg)
{
	bool entered_for_events = false;
	uint64_t poll_deadline = UINT64_MAX;

	if (ring->ring_fd < 0)
		return -EBADF; /* exited (rr_ring_exit) */

	if (arg && arg->ts && rr__reap_must_enter(ring)) {
		const struct __kernel_timespec *ts =
			(const struct __kernel_timespec *)(uintptr_t)arg->ts;
		poll_deadline = rr__monotonic_ns() + (uint64_t)ts->tv_sec * 1000000000u +
				(uint64_t)ts->tv_nsec;
	}

	for (;;) {
		struct io_uring_cqe *cqe;
		unsigned ready = peek_ready(ring, &cqe);
		unsigned flags = 0;
		bool need_enter = false;

		if (cqe && ready >= wait_nr && !to_submit) {
			*cqe_ptr = cqe;
			return 0;
		}
		/* A non-waiting peek enters at most once to flush or poll. */
		if (!entered_for_events &&
		    (wait_nr > ready || rr__cq_needs_flush(ring) ||
		     (!cqe && rr__reap_must_enter(ring)))) {
			flags |= IORING_ENTER_GETEVENTS;
			need_enter = true;
		}
		if (rr__sq_needs_enter(ring, to_submit, &flags))
			need_enter = true;
		if (!need_enter) {
			*cqe_ptr = cqe;
			return cqe ? 0 : -EAGAIN;
		}

		int ret;
		if (arg)
			ret = rr__enter(ring, to_submit, wait_nr,
					flags | IORING_ENTER_EXT_ARG, arg,
					sizeof(*arg));
		else
			ret = rr__enter(ring, to_submit, wait_nr, flags, NULL, 0);
		if (ret < 0) {
			peek_ready(ring, cqe_ptr);
			return ret;
		}
		/* A timed wait ends here: when the timeout expires with some
		 * but fewer than wait_nr CQEs ready, the kernel returns 0 or the
		 * submitted count rather than -ETIME.  An IOPOLL ring is the
		 * exception: its enter polls once and returns without sleeping,
		 * so rawring keeps polling until the deadline itself. */
		if (arg && (flags & IORING_ENTER_GETEVENTS)) {
			if (peek_ready(ring, cqe_ptr) >= wait_nr)
				return 0;
			if (!rr__reap_must_enter(ring) || rr__monotonic_ns() >= poll_deadline)
				return -ETIME;
		}
		/* What the kernel did not take now stays queued for the next
		 * submit; looping on it could spin on a persistent error. */
		to_submit = 0;
		if (flags & IORING_ENTER_GETEVENTS)
			entered_for_events = wait_nr == 0;
	}
}

int rr_peek_cqe(struct rr_ring *ring, struct io_uring_cqe **cqe_ptr)
{
	if (!cqe_ptr)
		return -EINVAL;
	return get_cqe(ring, cqe_ptr, 0, 0, NULL);
}

unsigned rr_peek_batch_cqe(struct rr_ring *ring, struct io_uring_cqe **cqes,
			   unsigned count)
{
	struct io_uring_cqe *first;

	if (!cqes || !count)
		return 0;
	if (get_cqe(ring, &first, 0, 0, NULL) < 0)
		return 0;

	/* Skip entries are stepped over, so the CQEs returned may span more
	 * slots than their count: consume each with rr_cqe_seen, or all with
	 * rr_cq_advance by the slots they and the skips between them take. */
	unsigned head = *ring->cq.khead, n = 0;
	struct io_uring_cqe *cqe;

	while (n < count && (cqe = rr__cqe_at(ring, &head))) {
		cqes[n++] = cqe;
		head += rr_cqe_nr(ring, cqe);
	}
	return n;
}

int rr_wait_cqe_nr(struct rr_ring *ring, struct io_uring_cqe **cqe_ptr,
		   unsigned wait_nr)
{
	if (!cqe_ptr)
		return -EINVAL;
	return get_cqe(ring, cqe_ptr, 0, wait_nr ? wait_nr : 1, NULL);
}

int rr_wait_cqe(struct rr_ring *ring, struct io_uring_cqe **cqe_ptr)
{
	return rr_wait_cqe_nr(ring, cqe_ptr, 1);
}

int rr_wait_cqes(struct rr_ring *ring, struct io_uring_cqe **cqe_ptr,
		 unsigned wait_nr, const struct __kernel_timespec *ts,
		 const void *sigmask)
{
	struct io_uring_getevents_arg arg;

	if (!cqe_ptr)
		return -EINVAL;
	if (!(ring->features & IORING_FEAT_EXT_ARG))
		return -EOPNOTSUPP;

	memset(&arg, 0, sizeof(arg));
	arg.sigmask = (__u64)(uintptr_t)sigmask;
	arg.sigmask_sz = sigmask ? _NSIG / 8 : 0;
	arg.ts = (__u64)(uintptr_t)ts;
	return get_cqe(ring, cqe_ptr, rr__flush_sq(ring), wait_nr ? wait_nr : 1,
		       &arg);
}

int rr_wait_cqe_timeout(struct rr_ring *ring, struct io_uring_cqe **cqe_ptr,
			const struct __kernel_timespec *ts)
{
	return rr_wait_cqes(ring, cqe_ptr, 1, ts, NULL);
}
