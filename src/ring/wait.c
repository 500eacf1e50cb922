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

/* A CQE the caller never sees: a CQE_MIXED ring's padding. */
static bool hidden_cqe(const struct rr_ring *ring, const struct io_uring_cqe *cqe)
{
	return (ring->setup_flags & IORING_SETUP_CQE_MIXED) &&
	       (cqe->flags & IORING_CQE_F_SKIP);
}

/* The first ready CQE (or NULL) and how many slots are ready.  Hidden
 * CQEs at the head (hidden_cqe) are consumed on the way. */
static unsigned peek_ready(struct rr_ring *ring, struct io_uring_cqe **cqe_ptr)
{
	struct rr_cq *cq = &ring->cq;

	for (;;) {
		unsigned head = *cq->khead;
		/* Acquire pairs with the kernel's smp_store_release(cq.tail). */
		unsigned ready = rr_load_acquire(cq->ktail) - head;
		struct io_uring_cqe *cqe =
			ready ? &cq->cqes[(head & cq->ring_mask) << ring->cqe_shift] : NULL;

		if (cqe && hidden_cqe(ring, cqe)) {
			rr_cq_advance(ring, rr_cqe_nr(ring, cqe));
			continue;
		}
		*cqe_ptr = cqe;
		return ready;
	}
}

/*
 * Submit `to_submit` SQEs and wait for `wait_nr` CQEs, entering the kernel as
 * few times as that allows.  `arg` is the extended argument of a timed wait,
 * or NULL; `extra_flags` IORING_ENTER_ABS_TIMER when its timeout is a
 * deadline.  *submitted (when not NULL) gets what the first enter took.
 */
static int get_cqe(struct rr_ring *ring, struct io_uring_cqe **cqe_ptr,
		   unsigned to_submit, unsigned wait_nr,
		   const struct rr_getevents_arg *arg, unsigned extra_flags,
		   int *submitted)
{
	bool entered_for_events = false;
	uint64_t poll_deadline = UINT64_MAX;

	if (submitted)
		*submitted = 0;
	if (!rr__ring_alive(ring))
		return -EBADF; /* exited (rr_ring_exit) */

	if (arg && arg->ts && rr__reap_must_enter(ring)) {
		const struct __kernel_timespec *ts =
			(const struct __kernel_timespec *)(uintptr_t)arg->ts;
		uint64_t ns = (uint64_t)ts->tv_sec * 1000000000u + (uint64_t)ts->tv_nsec;
		poll_deadline = (extra_flags & IORING_ENTER_ABS_TIMER)
					? ns : rr__monotonic_ns() + ns;
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
					flags | extra_flags | IORING_ENTER_EXT_ARG, arg,
					sizeof(*arg));
		else
			ret = rr__enter(ring, to_submit, wait_nr, flags, NULL, 0);
		if (ret < 0) {
			peek_ready(ring, cqe_ptr);
			return ret;
		}
		if (submitted && to_submit)
			*submitted = ret;
		/* A timed wait ends here: when the timeout expires with some
		 * but fewer than wait_nr CQEs ready, the kernel returns 0 or the
		 * submitted count rather than -ETIME.  An IOPOLL ring is the
		 * exception: its enter polls once and returns without sleeping,
		 * so rawring keeps polling until the deadline itself. */
		if (arg && (flags & IORING_ENTER_GETEVENTS)) {
			unsigned now_ready = peek_ready(ring, cqe_ptr);
			/* With a minimum wait, the kernel returns once that
			 * has passed with at least one CQE: that is a success. */
			if (now_ready >= wait_nr || (arg->min_wait_usec && *cqe_ptr))
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
	return get_cqe(ring, cqe_ptr, 0, 0, NULL, 0, NULL);
}

unsigned rr_peek_batch_cqe(struct rr_ring *ring, struct io_uring_cqe **cqes,
			   unsigned count)
{
	struct io_uring_cqe *first;

	if (!cqes || !count)
		return 0;
	if (get_cqe(ring, &first, 0, 0, NULL, 0, NULL) < 0)
		return 0;

	/* The skip entries at the head went with the peek above; the batch
	 * ends before the next one, so that the CQEs returned are contiguous
	 * and a caller advances by their slots (rr_cqe_nr each). */
	unsigned head = *ring->cq.khead, n = 0;
	struct io_uring_cqe *cqe;

	while (n < count) {
		unsigned at = head;
		cqe = rr__cqe_at(ring, &head);
		if (!cqe || head != at)
			break; /* the end, or a skip entry in the batch */
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
	return get_cqe(ring, cqe_ptr, 0, wait_nr ? wait_nr : 1, NULL, 0, NULL);
}

int rr_wait_cqe(struct rr_ring *ring, struct io_uring_cqe **cqe_ptr)
{
	return rr_wait_cqe_nr(ring, cqe_ptr, 1);
}

/*
 * A timed wait: submit what is pending and wait up to `ts` for `wait_nr`
 * CQEs, the timeout (and `min_wait_usec`, and `abs`olute deadlines) in the
 * enter's extended argument.  Without IORING_FEAT_EXT_ARG (before 5.11):
 * -EOPNOTSUPP.  (A timeout SQE could time the wait there, but its CQE
 * would then have to be hidden from every reaping call and removed when
 * the wait ends first: not done.)
 */
static int timed_wait(struct rr_ring *ring, struct io_uring_cqe **cqe_ptr,
		      unsigned wait_nr, const struct __kernel_timespec *ts,
		      unsigned min_wait_usec, bool abs, const void *sigmask,
		      int *submitted)
{
	struct rr_getevents_arg arg;

	if (!cqe_ptr)
		return -EINVAL;
	if (!rr__ring_alive(ring))
		return -EBADF;
	if (!(ring->features & IORING_FEAT_EXT_ARG))
		return -EOPNOTSUPP;
	if (min_wait_usec && !(ring->features & IORING_FEAT_MIN_TIMEOUT))
		return -EOPNOTSUPP;
	memset(&arg, 0, sizeof(arg));
	arg.sigmask = (uint64_t)(uintptr_t)sigmask;
	arg.sigmask_sz = sigmask ? _NSIG / 8 : 0;
	arg.min_wait_usec = min_wait_usec;
	arg.ts = (uint64_t)(uintptr_t)ts;
	return get_cqe(ring, cqe_ptr, rr__flush_sq(ring), wait_nr ? wait_nr : 1, &arg,
		       abs ? IORING_ENTER_ABS_TIMER : 0, submitted);
}

int rr_wait_cqes(struct rr_ring *ring, struct io_uring_cqe **cqe_ptr,
		 unsigned wait_nr, const struct __kernel_timespec *ts,
		 const void *sigmask)
{
	return timed_wait(ring, cqe_ptr, wait_nr, ts, 0, false, sigmask, NULL);
}

int rr_wait_cqes_min_timeout(struct rr_ring *ring, struct io_uring_cqe **cqe_ptr,
			     unsigned wait_nr, const struct __kernel_timespec *ts,
			     unsigned min_wait_usec, const void *sigmask)
{
	return timed_wait(ring, cqe_ptr, wait_nr, ts, min_wait_usec, false,
			  sigmask, NULL);
}

int rr_wait_cqes_until(struct rr_ring *ring, struct io_uring_cqe **cqe_ptr,
		       unsigned wait_nr, const struct __kernel_timespec *deadline,
		       const void *sigmask)
{
	if (!deadline)
		return -EINVAL;
	return timed_wait(ring, cqe_ptr, wait_nr, deadline, 0, true, sigmask, NULL);
}

int rr_submit_and_wait_timeout(struct rr_ring *ring, struct io_uring_cqe **cqe_ptr,
			       unsigned wait_nr, const struct __kernel_timespec *ts,
			       const void *sigmask)
{
	int submitted = 0;
	int ret = timed_wait(ring, cqe_ptr, wait_nr, ts, 0, false, sigmask, &submitted);

	return ret < 0 ? ret : submitted;
}

int rr_submit_and_wait_min_timeout(struct rr_ring *ring,
				   struct io_uring_cqe **cqe_ptr, unsigned wait_nr,
				   const struct __kernel_timespec *ts,
				   unsigned min_wait_usec, const void *sigmask)
{
	int submitted = 0;
	int ret = timed_wait(ring, cqe_ptr, wait_nr, ts, min_wait_usec, false,
			     sigmask, &submitted);

	return ret < 0 ? ret : submitted;
}

int rr_get_events(struct rr_ring *ring)
{
	if (!rr__ring_alive(ring))
		return -EBADF;
	int ret = rr__enter(ring, 0, 0, IORING_ENTER_GETEVENTS, NULL, 0);
	return ret < 0 ? ret : 0;
}

int rr_wait_cqe_timeout(struct rr_ring *ring, struct io_uring_cqe **cqe_ptr,
			const struct __kernel_timespec *ts)
{
	return rr_wait_cqes(ring, cqe_ptr, 1, ts, NULL);
}
