/*
 * The submission path: publish prepared SQEs and decide whether the kernel
 * has to be entered to see them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>

#include "ring_internal.h"
#include "syscall_inline.h"

unsigned rr__flush_sq(struct rr_ring *ring)
{
	struct rr_sq *sq = &ring->sq;
	unsigned tail = sq->sqe_tail;

	if (sq->sqe_head != tail) {
		sq->sqe_head = tail;
		/* Release orders the SQE contents (and index-array slots) before
		 * the new tail; pairs with the kernel's smp_load_acquire(sq.tail)
		 * before it reads SQEs, or the SQPOLL thread's. */
		rr_store_release(sq->ktail, tail);
	}
	/* Only a count: under SQPOLL the kernel may consume more meanwhile. */
	return tail - rr_load_relaxed(sq->khead);
}

bool rr__sq_needs_enter(struct rr_ring *ring, unsigned to_submit,
			unsigned *enter_flags)
{
	if (!to_submit)
		return false;
	if (!(ring->setup_flags & IORING_SETUP_SQPOLL))
		return true;

	/* Our tail store above, then a load of sq.flags: only a full fence
	 * orders that pair.  See rr_full_fence() for the kernel side. */
	rr_full_fence();
	if (rr_load_relaxed(ring->sq.kflags) & IORING_SQ_NEED_WAKEUP) {
		*enter_flags |= IORING_ENTER_SQ_WAKEUP;
		return true;
	}
	return false;
}

int rr__enter(struct rr_ring *ring, unsigned to_submit, unsigned min_complete,
	      unsigned flags, const void *arg, size_t arg_size)
{
	unsigned handle_flags;
	int handle = rr__ring_handle(ring, &handle_flags);

	if (handle < 0)
		return -EBADF;
	ring->enter_calls++;
	flags |= handle_flags;
	/* No signal mask: the size the kernel expects is still its sigset's. */
	if (!arg)
		arg_size = KERNEL_SIGSET_SIZE;
	return rr__sys_enter(handle, to_submit, min_complete, flags, arg, arg_size);
}

/* submit() for a ring that polls, for itself (IOPOLL) or by a kernel
 * thread (SQPOLL). */
static __attribute__((noinline)) int submit_polled(struct rr_ring *ring, unsigned wait_nr)
{
	unsigned flags = 0;
	unsigned published = ring->sq.sqe_tail - ring->sq.sqe_head;
	unsigned to_submit = rr__flush_sq(ring);
	/* An overflow backlog or pending task work needs GETEVENTS, and so
	 * does every enter of an IOPOLL ring that polls for itself. */
	bool reap = wait_nr || rr__reap_must_enter(ring) ||
		    rr__cq_needs_flush(ring);

	/* Under SQPOLL the kernel thread takes SQEs on its own time and moves
	 * sq.head only at the end of its batch (after posting the CQEs of
	 * ops that completed inline), so tail - head says little about this
	 * call: what it published is the count. */
	bool sqpoll = (ring->setup_flags & IORING_SETUP_SQPOLL) != 0;

	if (!rr__sq_needs_enter(ring, to_submit, &flags) && !reap)
		return (int)(sqpoll ? published : to_submit);
	if (reap)
		flags |= IORING_ENTER_GETEVENTS;
	int ret = rr__enter(ring, to_submit, wait_nr, flags, NULL, 0);
	return sqpoll && ret >= 0 ? (int)published : ret;
}

/*
 * The common ring, neither IOPOLL nor SQPOLL, in a straight line: it is
 * every turn of every loop.  Same decisions as submit_polled: enter to
 * submit, and with GETEVENTS to wait or to flush what the kernel holds.
 */
static inline __attribute__((always_inline)) int
submit_plain(struct rr_ring *ring, unsigned wait_nr, int handle, unsigned flags)
{
	unsigned to_submit = rr__flush_sq(ring);

	if (wait_nr || rr__cq_needs_flush(ring))
		flags |= IORING_ENTER_GETEVENTS;
	else if (!to_submit)
		return 0;
	if (handle < 0)
		return -EBADF;
	ring->enter_calls++;
	return rr__sys_enter(handle, to_submit, wait_nr, flags, NULL, KERNEL_SIGSET_SIZE);
}

/* submit_plain of a ring with a registered index: which handle this thread
 * may use is known only by asking for its token, a call that submit()
 * itself must not make (every register live across it would be saved on
 * every ring's path). */
static __attribute__((noinline)) int submit_registered(struct rr_ring *ring, unsigned wait_nr)
{
	unsigned flags;
	int handle = rr__ring_handle(ring, &flags);

	return submit_plain(ring, wait_nr, handle, flags);
}

static int submit(struct rr_ring *ring, unsigned wait_nr)
{
	if (!rr__ring_alive(ring)) {
		rr__misuse("rr_submit on a ring after rr_ring_exit");
		return -EBADF;
	}
	if (ring->setup_flags & (IORING_SETUP_IOPOLL | IORING_SETUP_SQPOLL))
		return submit_polled(ring, wait_nr);
	if (ring->enter_flags & IORING_ENTER_REGISTERED_RING)
		return submit_registered(ring, wait_nr);
	return submit_plain(ring, wait_nr, ring->enter_fd, ring->enter_flags);
}

int rr_submit(struct rr_ring *ring)
{
	return submit(ring, 0);
}

int rr_submit_and_wait(struct rr_ring *ring, unsigned wait_nr)
{
	return submit(ring, wait_nr);
}

int rr_sqring_wait(struct rr_ring *ring)
{
	if (!(ring->setup_flags & IORING_SETUP_SQPOLL))
		return -EINVAL;
	if (rr_sq_space_left(ring))
		return 0;
	return rr__enter(ring, 0, 0, IORING_ENTER_SQ_WAIT, NULL, 0);
}
