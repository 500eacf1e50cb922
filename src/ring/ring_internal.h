/*
 * What the submission and completion paths share and the public header does
 * not show: the decisions about when io_uring_enter is needed.
 */
#ifndef RAWRING_RING_INTERNAL_H
#define RAWRING_RING_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "rawring/ring.h"

/*
 * Publish the SQEs handed out since the last flush (store-release of the SQ
 * tail) and return how many SQEs the kernel has yet to consume.
 */
unsigned rr__flush_sq(struct rr_ring *ring);

/*
 * Whether submitting `to_submit` SQEs needs io_uring_enter, adding
 * IORING_ENTER_SQ_WAKEUP to *enter_flags when an idle SQPOLL thread must be
 * woken.
 */
bool rr__sq_needs_enter(struct rr_ring *ring, unsigned to_submit,
			unsigned *enter_flags);

/*
 * The user_addr word of io_sqring_offsets and io_cqring_offsets (6.5,
 * IORING_SETUP_NO_MMAP; `resv2` in older headers): the caller's memory for
 * the SQE array (sq_off) and for the rings (cq_off).  Both structs end
 * with it, 32 bytes in.
 */
RR_STATIC_ASSERT(sizeof(struct io_sqring_offsets) == 40 &&
			 sizeof(struct io_cqring_offsets) == 40,
		 "io_{sq,cq}ring_offsets end with the 64-bit user_addr");

static inline uint64_t rr__user_addr(const void *offsets)
{
	uint64_t addr;

	memcpy(&addr, (const char *)offsets + 32, sizeof(addr));
	return addr;
}

static inline void rr__set_user_addr(void *offsets, uint64_t addr)
{
	memcpy((char *)offsets + 32, &addr, sizeof(addr));
}

/* Whether the ring is set up: not exited, not a failed init.  (A ring set
 * up with IORING_SETUP_REGISTERED_FD_ONLY has no fd, only its index.) */
static inline bool rr__ring_alive(const struct rr_ring *ring)
{
	return ring->enter_fd >= 0;
}

/*
 * What reaches the ring from the calling thread: its registered index, with
 * IORING_ENTER_REGISTERED_RING in *enter_flags, only in the thread that
 * registered it (another thread's index of the same number names another
 * ring); elsewhere its fd (-1 for a ring that has none: -EBADF then).
 */
/* The calling thread's token (thread_token.c): a number of its own, never
 * reused in the process, reset in a forked child. */
unsigned long long rr__thread_token(void);

/* Whether the calling thread registered the ring's index. */
static inline bool rr__ring_registered_here(const struct rr_ring *ring)
{
	return (ring->enter_flags & IORING_ENTER_REGISTERED_RING) &&
	       ring->registered_by == rr__thread_token();
}

static inline int rr__ring_handle(const struct rr_ring *ring, unsigned *enter_flags)
{
	if ((ring->enter_flags & IORING_ENTER_REGISTERED_RING) &&
	    !rr__ring_registered_here(ring)) {
		*enter_flags = ring->enter_flags & ~IORING_ENTER_REGISTERED_RING;
		return ring->ring_fd;
	}
	*enter_flags = ring->enter_flags;
	return ring->enter_fd;
}

/* Point the ring's words into its rings by the kernel's offsets in `p`
 * (setup.c; for setup and resize). */
void rr__ring_point_words(struct rr_ring *ring, const struct io_uring_params *p);

/* Leave `ring` as an exited one: empty and full at once, every call
 * refused (setup.c; after rr_ring_exit, a failed init or resize). */
void rr__ring_leave_dead(struct rr_ring *ring);

/* The kernel holds completions that only an enter with GETEVENTS flushes. */
static inline bool rr__cq_needs_flush(const struct rr_ring *ring)
{
	return rr_load_relaxed(ring->sq.kflags) &
	       (IORING_SQ_CQ_OVERFLOW | IORING_SQ_TASKRUN);
}

/*
 * An IOPOLL ring without SQPOLL finds completions only when rawring polls:
 * every reap has to enter with GETEVENTS.  (With SQPOLL the kernel thread
 * polls.)
 */
static inline bool rr__reap_must_enter(const struct rr_ring *ring)
{
	return (ring->setup_flags & (IORING_SETUP_IOPOLL | IORING_SETUP_SQPOLL)) ==
	       IORING_SETUP_IOPOLL;
}

/* io_uring_enter through the registered ring fd when there is one. */
int rr__enter(struct rr_ring *ring, unsigned to_submit, unsigned min_complete,
	      unsigned flags, const void *arg, size_t arg_size);

#endif /* RAWRING_RING_INTERNAL_H */
