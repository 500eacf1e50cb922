/*
 * rawring/ring.h - layer 1: an io_uring instance mapped and driven by hand.
 *
 * The vocabulary is liburing's under the rr_ prefix: rr_get_sqe, rr_prep_*
 * (rawring/prep.h), rr_submit, rr_wait_cqe, rr_cqe_seen.  Every function that
 * can fail returns a negative errno; errno is never the channel.
 *
 * A struct rr_ring is not thread-safe: one thread submits and reaps (the
 * kernel's IORING_SETUP_SINGLE_ISSUER rule, whether or not the flag is set).
 */
#ifndef RAWRING_RING_H
#define RAWRING_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi.h"
#include "barrier.h"
#include "misuse.h"
#include "syscall.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The submission queue as mapped from the kernel, plus rawring's own cursors. */
struct rr_sq {
	unsigned *khead;          /* kernel-owned: next SQE the kernel consumes */
	unsigned *ktail;          /* rawring-owned: end of the published SQEs */
	unsigned *kflags;         /* IORING_SQ_NEED_WAKEUP, _CQ_OVERFLOW, _TASKRUN */
	unsigned *kdropped;       /* invalid index-array entries the kernel skipped */
	unsigned *array;          /* SQ index array; NULL under IORING_SETUP_NO_SQARRAY */
	struct io_uring_sqe *sqes;

	unsigned sqe_head;        /* first SQE handed out and not yet published */
	unsigned sqe_tail;        /* next SQE rr_get_sqe hands out */
	unsigned ring_mask;
	unsigned ring_entries;

	void *ring_ptr;           /* the SQ ring mapping (shared with the CQ ring
				     under IORING_FEAT_SINGLE_MMAP) */
	size_t ring_size;
	size_t sqes_size;         /* the SQE array mapping */
};

/* The completion queue as mapped from the kernel. */
struct rr_cq {
	unsigned *khead;          /* rawring-owned: next CQE to consume */
	unsigned *ktail;          /* kernel-owned: end of the posted CQEs */
	unsigned *kflags;         /* IORING_CQ_EVENTFD_DISABLED; NULL if absent */
	unsigned *koverflow;      /* CQEs dropped (kernels without IORING_FEAT_NODROP) */
	struct io_uring_cqe *cqes;

	unsigned ring_mask;
	unsigned ring_entries;

	void *ring_ptr;           /* == sq.ring_ptr under IORING_FEAT_SINGLE_MMAP */
	size_t ring_size;
};

struct rr_ring {
	struct rr_sq sq;
	struct rr_cq cq;
	unsigned setup_flags;     /* IORING_SETUP_* the ring was created with */
	unsigned features;        /* IORING_FEAT_* the kernel reported */
	int ring_fd;
	int enter_fd;             /* ring_fd, or its registered index */
	unsigned long long registered_by; /* the thread (a rawring thread token)
				     that registered the index: the kernel's
				     table of registered rings is per thread,
				     so only it enters by the index */
	bool user_memory;         /* IORING_SETUP_NO_MMAP: the rings are the caller's */
	unsigned enter_flags;     /* IORING_ENTER_REGISTERED_RING once registered */
	unsigned sqe_shift;       /* 1 under IORING_SETUP_SQE128, else 0 */
	unsigned cqe_shift;       /* 1 under IORING_SETUP_CQE32, else 0 */
	/* io_uring_enter calls made through this ring: read it to count syscalls. */
	unsigned long long enter_calls;
	/* The params the kernel returned at setup (offsets, entries, features). */
	struct io_uring_params params;
};

/* ---- setup and teardown ------------------------------------------------ */

/*
 * The IORING_SETUP_* flags rawring handles correctly; any other flag is
 * refused with -EINVAL before the kernel sees it, even where the kernel
 * would accept it: SQE_MIXED (128-byte SQEs between 64-byte ones) and
 * SQ_REWIND (SQEs always from index 0), and flags newer than this header.
 * NO_MMAP needs the caller's memory (rr_ring_init_mem); REGISTERED_FD_ONLY
 * (6.5) needs NO_MMAP too: the ring then has no fd (ring_fd is -1), only a
 * registered index, usable by the creating thread alone (-EBADF from any
 * other), and no other ring can name it (MSG_RING needs an fd).
 */
#define RR_SETUP_FLAGS_SUPPORTED                                               \
	(IORING_SETUP_IOPOLL | IORING_SETUP_SQPOLL | IORING_SETUP_SQ_AFF |      \
	 IORING_SETUP_CQSIZE | IORING_SETUP_CLAMP | IORING_SETUP_ATTACH_WQ |    \
	 IORING_SETUP_R_DISABLED | IORING_SETUP_SUBMIT_ALL |                    \
	 IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG |                \
	 IORING_SETUP_SQE128 | IORING_SETUP_CQE32 | IORING_SETUP_SINGLE_ISSUER | \
	 IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_NO_SQARRAY |                 \
	 IORING_SETUP_HYBRID_IOPOLL | IORING_SETUP_CQE_MIXED |                  \
	 IORING_SETUP_NO_MMAP | IORING_SETUP_REGISTERED_FD_ONLY)

/*
 * Create a ring with `entries` SQ entries (rounded up to a power of two by
 * the kernel) and IORING_SETUP_* `flags`, and map it.  Returns 0 or -errno:
 * -EINVAL for NULL ring, 0 entries, more than the kernel's maximum (32768)
 * without IORING_SETUP_CLAMP, a flag the running kernel rejects, or a flag
 * outside RR_SETUP_FLAGS_SUPPORTED; -ENOMEM, -EMFILE; -EPERM or -ENOSYS
 * where io_uring is disabled or absent.  On failure nothing is left open
 * or mapped, and the ring is as an exited one (rr_ring_exit).  Never
 * blocks.
 *
 * IORING_SETUP_CQE_MIXED (6.18): CQEs are 16 bytes, or 32 with
 * IORING_CQE_F_32 set (they take two slots of the CQ), and the kernel may
 * post an IORING_CQE_F_SKIP entry to pad the ring at its wrap.  The peek,
 * wait and batch calls and rr_for_each_cqe never return a skip entry (they
 * consume it, or step over it); rr_cqe_seen consumes rr_cqe_nr(ring, cqe)
 * slots; rr_cq_advance counts slots.
 */
int rr_ring_init(unsigned entries, struct rr_ring *ring, unsigned flags);

/*
 * As rr_ring_init, with the whole io_uring_params: flags, sq_thread_idle and
 * sq_thread_cpu (SQPOLL, SQ_AFF), cq_entries (CQSIZE), wq_fd (ATTACH_WQ).
 * The kernel writes its results back into *params.  NULL params: -EINVAL.
 */
int rr_ring_init_params(unsigned entries, struct rr_ring *ring,
			struct io_uring_params *params);

/*
 * The bytes rr_ring_init_mem needs for a ring of `entries` with `params`'
 * flags (CQSIZE, CLAMP, CQE32, SQE128, NO_SQARRAY are counted; NULL: no
 * flags), in whole pages, or -EINVAL for entries the kernel would refuse.
 */
long rr_ring_mem_size(unsigned entries, const struct io_uring_params *params);

/*
 * Create a ring in the caller's memory (IORING_SETUP_NO_MMAP, 6.5): `buf`,
 * page-aligned, at least rr_ring_mem_size bytes (one huge page, say, or
 * memory the caller shares).  The rings go at `buf`, the SQEs at the page
 * after them; the kernel pins both for the ring's life.  rr_ring_exit leaves
 * the memory to the caller, who releases it after.  Returns the bytes used
 * (>= 0) or -errno: -EINVAL for a NULL or unaligned buf, a buf too small, or
 * what rr_ring_init_params refuses; the kernel's errors (-EFAULT for memory
 * it cannot pin, -EINVAL before 6.5).
 */
long rr_ring_init_mem(unsigned entries, struct rr_ring *ring,
		      struct io_uring_params *params, void *buf, size_t buf_size);

/*
 * Map a ring set up elsewhere: `fd` from io_uring_setup called directly (or
 * inherited, or received over a socket) and `p` as that call wrote it.  The
 * ring then runs as one rr_ring_init made, from where it stands: the next
 * SQE goes at the kernel's SQ tail, the CQEs waiting are there to peek.
 * rawring writes the SQ index array's identity (its SQEs go in ring order),
 * so the SQ must not be shared with another submitter.  On success the ring
 * owns `fd` (rr_ring_exit closes it; pass a dup to keep one); on failure
 * the fd is left to the caller and the ring is as an exited one.
 *
 * Returns 0 or -errno: -EINVAL for a NULL p or ring, sizes that are not
 * the ring's (checked against the ring's own words once mapped), a flag
 * outside RR_SETUP_FLAGS_SUPPORTED, or NO_MMAP / REGISTERED_FD_ONLY (no
 * mapping of the kernel's to take); -EBADF for a negative fd; the mmap
 * errors (-ENODEV for an fd that is no ring).  p's flags must be the
 * ones the ring was set up with: a ring of 128-byte SQEs described as one
 * of 64 cannot be told apart.  (liburing: io_uring_queue_mmap.)
 */
int rr_ring_mmap(int fd, struct io_uring_params *p, struct rr_ring *ring);

/*
 * Create a ring with as many of params->flags as the running kernel accepts.
 * The whole set is tried first (one setup call when it is accepted).  If the
 * kernel answers -EINVAL, the ring is first tried with no flags (an -EINVAL
 * there is returned: the entries are wrong, not a flag), then the flags are
 * added back one at a time in increasing bit order, keeping each the kernel
 * accepts together with those kept so far; flags refused in that pass are
 * offered once more at the end, so a flag that depends on a higher bit is
 * kept when that bit is.  On return params->flags holds the flags kept.
 * Errors other than -EINVAL (-ENOMEM, -EPERM, ...) are returned at once.
 */
int rr_ring_init_preferred(unsigned entries, struct rr_ring *ring,
			   struct io_uring_params *params);

/*
 * Unmap the ring, unregister its registered ring fd, and close it.  SQEs not
 * yet submitted are dropped; requests in flight are cancelled by the kernel.
 * Safe to call on a zeroed ring and twice in a row.  The exited ring is
 * left empty and full at once: rr_get_sqe returns NULL, the counts are 0,
 * the peek and wait calls return -EBADF, and rr_submit is a caller error
 * (rawring/misuse.h; -EBADF in a library built without asserts).  A ring
 * whose fd was registered by another thread (rr_register_ring_fd) is
 * closed, but the kernel keeps it until that thread exits; a ring with no
 * fd (REGISTERED_FD_ONLY) only its own thread can exit (a caller error
 * elsewhere, and the ring is left as it was).
 */
void rr_ring_exit(struct rr_ring *ring);

/*
 * Start a ring created with IORING_SETUP_R_DISABLED (restrictions may be
 * registered before this).  Returns 0 or -errno (-EBADFD if already enabled).
 */
int rr_register_enable_rings(struct rr_ring *ring);

/* ---- submission -------------------------------------------------------- */

/*
 * The next free SQE, or NULL when the SQ is full (call rr_submit, or under
 * SQPOLL rr_sqring_wait, then try again).  The SQE's contents are stale until
 * an rr_prep_* helper fills it.  Never blocks, never enters the kernel.
 */
static inline struct io_uring_sqe *rr_get_sqe(struct rr_ring *ring)
{
	struct rr_sq *sq = &ring->sq;
	unsigned next = sq->sqe_tail + 1;
	/* Under SQPOLL the kernel thread moves the head concurrently: acquire
	 * pairs with its smp_store_release(sq.head) after it read those SQEs,
	 * so the slots we are about to reuse are no longer being read.  Other
	 * rings need no order here, but a test of the ring's flags would cost
	 * more than acquire does (on x86 a plain load, on arm64 LDAR). */
	unsigned head = rr_load_acquire(sq->khead);

	if (next - head > sq->ring_entries)
		return NULL;

	struct io_uring_sqe *sqe =
		&sq->sqes[(sq->sqe_tail & sq->ring_mask) << ring->sqe_shift];
	sq->sqe_tail = next;
	return sqe;
}

/* SQEs handed out by rr_get_sqe that the kernel has not consumed yet. */
static inline unsigned rr_sq_ready(const struct rr_ring *ring)
{
	/* Acquire: as in rr_get_sqe, needed under SQPOLL only and cheaper
	 * than testing for it. */
	return ring->sq.sqe_tail - rr_load_acquire(ring->sq.khead);
}

/* How many more SQEs rr_get_sqe can hand out before the SQ is full. */
static inline unsigned rr_sq_space_left(const struct rr_ring *ring)
{
	return ring->sq.ring_entries - rr_sq_ready(ring);
}

/*
 * Publish the SQEs prepared since the last call and tell the kernel.  Without
 * SQPOLL this is one io_uring_enter.  Under SQPOLL it enters only to wake the
 * kernel thread when IORING_SQ_NEED_WAKEUP is set.  With IOPOLL, or when the
 * ring reports a CQ overflow backlog or pending task work, the enter also
 * carries GETEVENTS (without waiting) so the kernel flushes completions.
 * Returns the number of SQEs submitted (under SQPOLL: the SQEs this call
 * published; the kernel thread takes them on its own time) or -errno
 * (-EAGAIN, -EBUSY: resources
 * or completions are short, retry after reaping; -EBADR: CQEs were dropped;
 * -EINTR).  Never waits for a completion.
 */
int rr_submit(struct rr_ring *ring);

/*
 * rr_submit, then wait until at least `wait_nr` CQEs are ready (in one
 * io_uring_enter).  Returns the number submitted or -errno (as rr_submit).
 * Blocks until the completions arrive or a signal interrupts (-EINTR).
 */
int rr_submit_and_wait(struct rr_ring *ring, unsigned wait_nr);

/*
 * SQPOLL only: block until the kernel thread has consumed at least one SQE,
 * so rr_get_sqe can succeed.  Returns 0 at once if the SQ has space, or
 * -errno; -EINVAL on a ring without SQPOLL.
 */
int rr_sqring_wait(struct rr_ring *ring);

/* ---- completion -------------------------------------------------------- */

/*
 * CQEs ready to be consumed.  Never enters the kernel; a CQ overflow backlog
 * is not counted until a wait or peek flushes it.
 */
static inline unsigned rr_cq_ready(const struct rr_ring *ring)
{
	/* Acquire pairs with the kernel's smp_store_release(cq.tail): the CQEs
	 * before the tail are fully written when we see it. */
	return rr_load_acquire(ring->cq.ktail) - *ring->cq.khead;
}

/*
 * Mark `nr` CQEs as consumed, handing their slots back to the kernel.  Each
 * must have been read completely before this call.  More than are ready (a
 * CQE seen twice) is a caller error: a library built with asserts aborts
 * (rawring/misuse.h), one without consumes only the ready ones, so that the
 * head never passes the tail.
 */
static inline void rr_cq_advance(struct rr_ring *ring, unsigned nr)
{
	unsigned head = *ring->cq.khead;

	if (nr > rr_load_acquire(ring->cq.ktail) - head) {
		rr__misuse("rr_cq_advance/rr_cqe_seen past the CQ tail (a CQE seen twice?)");
		nr = rr_load_acquire(ring->cq.ktail) - head;
	}
	if (nr) {
		/* Release orders our reads of those CQEs before the kernel can see
		 * their slots free; pairs with its read of cq.head when posting. */
		rr_store_release(ring->cq.khead, head + nr);
	}
}

/* The CQ slots `cqe` takes: 2 for a 32-byte CQE of a CQE_MIXED ring,
 * else 1. */
static inline unsigned rr_cqe_nr(const struct rr_ring *ring,
				 const struct io_uring_cqe *cqe)
{
	return (ring->setup_flags & IORING_SETUP_CQE_MIXED) &&
			       (cqe->flags & IORING_CQE_F_32)
		       ? 2
		       : 1;
}

/* Mark the CQE returned by a peek or wait as consumed. */
static inline void rr_cqe_seen(struct rr_ring *ring, struct io_uring_cqe *cqe)
{
	if (cqe)
		rr_cq_advance(ring, rr_cqe_nr(ring, cqe));
}

/* For rr_for_each_cqe: the CQE at *head, stepping over the skip entries of
 * a CQE_MIXED ring, or NULL at the tail. */
static inline struct io_uring_cqe *rr__cqe_at(const struct rr_ring *ring,
					      unsigned *head)
{
	/* Acquire pairs with the kernel's smp_store_release(cq.tail): the
	 * CQEs before the tail are fully written when we see it. */
	unsigned tail = rr_load_acquire(ring->cq.ktail);

	while (*head != tail) {
		struct io_uring_cqe *cqe =
			&ring->cq.cqes[(*head & ring->cq.ring_mask) << ring->cqe_shift];
		if (!(ring->setup_flags & IORING_SETUP_CQE_MIXED) ||
		    !(cqe->flags & IORING_CQE_F_SKIP))
			return cqe;
		(*head)++;
	}
	return NULL;
}

/*
 * A walk over the CQEs ready when it began, for a caller that consumes what
 * it walks in one go: the tail is read once (new CQEs wait for the next
 * walk), and rr_cq_walk_end hands every walked slot back with one store.
 *
 *   struct rr_cq_walk walk = rr_cq_walk_begin(ring);
 *   while ((cqe = rr_cq_walk_next(ring, &walk)))
 *           handle(cqe);               (stop early: walk.head is the resume point)
 *   rr_cq_walk_end(ring, &walk);
 */
struct rr_cq_walk {
	unsigned head;    /* the next slot to look at */
	unsigned tail;    /* the CQ tail when the walk began */
	bool mixed;       /* IORING_SETUP_CQE_MIXED: sizes and skips to mind */
	/* The ring's CQ array, mask and shift, copied at the start: what the
	 * walk's caller stores meanwhile (an op's fields, through pointers)
	 * could alias the ring for all the compiler knows, and it would load
	 * them again for every CQE. */
	unsigned mask;
	unsigned shift;
	struct io_uring_cqe *cqes;
};

/* Begin a walk over the CQEs ready now (struct rr_cq_walk, above). */
static inline struct rr_cq_walk rr_cq_walk_begin(const struct rr_ring *ring)
{
	struct rr_cq_walk walk;

	walk.head = *ring->cq.khead;
	walk.mixed = (ring->setup_flags & IORING_SETUP_CQE_MIXED) != 0;
	walk.mask = ring->cq.ring_mask;
	walk.shift = ring->cqe_shift;
	walk.cqes = ring->cq.cqes;
	/* Acquire pairs with the kernel's smp_store_release(cq.tail): the
	 * CQEs before the tail are fully written when we see it. */
	walk.tail = rr_load_acquire(ring->cq.ktail);
	return walk;
}

/* The next CQE of the walk (a CQE_MIXED ring's skip entries stepped over),
 * or NULL at its end.  To stop before a CQE, keep walk.head from before. */
static inline struct io_uring_cqe *rr_cq_walk_next(const struct rr_ring *ring,
						   struct rr_cq_walk *walk)
{
	while (walk->head != walk->tail) {
		struct io_uring_cqe *cqe =
			&walk->cqes[(walk->head & walk->mask) << walk->shift];
		if (!walk->mixed) {
			walk->head++;
			return cqe;
		}
		if (cqe->flags & IORING_CQE_F_SKIP) {
			walk->head++;
			continue;
		}
		walk->head += rr_cqe_nr(ring, cqe);
		return cqe;
	}
	return NULL;
}

/* Consume the slots walked.  Release orders the reads of those CQEs before
 * the kernel can see the slots free; pairs with its read of cq.head when
 * posting. */
static inline void rr_cq_walk_end(struct rr_ring *ring, const struct rr_cq_walk *walk)
{
	if (walk->head != *ring->cq.khead)
		rr_store_release(ring->cq.khead, walk->head);
}

/*
 * Iterate over the ready CQEs without consuming them (skip entries are
 * stepped over); follow with rr_cq_advance(ring, head - *ring->cq.khead),
 * the slots walked, which on rings without CQE_MIXED is the count of CQEs.
 * `head` is an unsigned the loop owns.
 */
#define rr_for_each_cqe(ring, head, cqe)                                       \
	for ((head) = *(ring)->cq.khead; ((cqe) = rr__cqe_at((ring), &(head))); \
	     (head) += rr_cqe_nr((ring), (cqe)))

/*
 * The next CQE without waiting.  Returns 0 with *cqe_ptr set, or -EAGAIN when
 * none is ready.  Makes no system call when the CQ is empty, unless the ring's
 * flags say the kernel holds an overflow backlog or pending task work (then
 * one non-blocking io_uring_enter with GETEVENTS flushes it), or the ring is
 * IOPOLL (completions are only found by polling).  NULL cqe_ptr: -EINVAL.
 */
int rr_peek_cqe(struct rr_ring *ring, struct io_uring_cqe **cqe_ptr);

/*
 * Fill `cqes` with up to `count` ready CQEs without waiting (flushing an
 * overflow backlog as rr_peek_cqe does).  Returns how many; consume them
 * with rr_cq_advance (by their count; on a CQE_MIXED ring by the slots
 * they take, rr_cqe_nr each, or with rr_cqe_seen one by one).  On a
 * CQE_MIXED ring the batch ends before a skip entry, so that those slots
 * are contiguous; the next peek consumes the skip entry.
 */
unsigned rr_peek_batch_cqe(struct rr_ring *ring, struct io_uring_cqe **cqes,
			   unsigned count);

/*
 * Wait for one CQE.  Returns 0 with *cqe_ptr set, or -errno (-EINTR when a
 * signal arrives first).  Blocks.
 */
int rr_wait_cqe(struct rr_ring *ring, struct io_uring_cqe **cqe_ptr);

/* Wait until at least `wait_nr` CQEs are ready; *cqe_ptr is the first. */
int rr_wait_cqe_nr(struct rr_ring *ring, struct io_uring_cqe **cqe_ptr,
		   unsigned wait_nr);

/*
 * Submit what is pending, then wait up to `ts` (relative; NULL waits without
 * limit) for `wait_nr` CQEs, with `sigmask` (NULL for none) applied while
 * waiting.  The timeout travels in io_uring_enter's extended argument
 * (IORING_FEAT_EXT_ARG, 5.11), so no SQE is consumed; older kernels get
 * -EOPNOTSUPP.  Returns 0 with *cqe_ptr at the first CQE, or -ETIME when
 * the timeout expired first (*cqe_ptr is then the first ready CQE or NULL),
 * -EINTR, -EBADF on an exited ring.  (liburing's io_uring_wait_cqes returns
 * 0 when some but fewer than wait_nr CQEs came in time; rawring -ETIME.)
 */
int rr_wait_cqes(struct rr_ring *ring, struct io_uring_cqe **cqe_ptr,
		 unsigned wait_nr, const struct __kernel_timespec *ts,
		 const void *sigmask);

/*
 * rr_wait_cqes, and once the first CQE is there wait at most `min_wait_usec`
 * more for the rest of `wait_nr` (IORING_FEAT_MIN_TIMEOUT, 6.12; else
 * -EOPNOTSUPP): batching without holding a lone completion for all of `ts`.
 */
int rr_wait_cqes_min_timeout(struct rr_ring *ring, struct io_uring_cqe **cqe_ptr,
			     unsigned wait_nr, const struct __kernel_timespec *ts,
			     unsigned min_wait_usec, const void *sigmask);

/*
 * rr_wait_cqes with an absolute `deadline` on CLOCK_MONOTONIC (or the clock
 * registered for the ring) instead of a relative timeout:
 * IORING_ENTER_ABS_TIMER (6.12; older kernels answer -EINVAL).
 * NULL deadline: -EINVAL.
 */
int rr_wait_cqes_until(struct rr_ring *ring, struct io_uring_cqe **cqe_ptr,
		       unsigned wait_nr, const struct __kernel_timespec *deadline,
		       const void *sigmask);

/*
 * rr_wait_cqes that reports what it submitted: returns the number of SQEs
 * the kernel took (>= 0) with *cqe_ptr set, or -errno as rr_wait_cqes.
 * _min_timeout: with a minimum wait, as rr_wait_cqes_min_timeout.
 */
int rr_submit_and_wait_timeout(struct rr_ring *ring, struct io_uring_cqe **cqe_ptr,
			       unsigned wait_nr, const struct __kernel_timespec *ts,
			       const void *sigmask);
int rr_submit_and_wait_min_timeout(struct rr_ring *ring,
				   struct io_uring_cqe **cqe_ptr, unsigned wait_nr,
				   const struct __kernel_timespec *ts,
				   unsigned min_wait_usec, const void *sigmask);

/*
 * Enter once with GETEVENTS and no wait, so that the kernel posts what it
 * holds back (deferred task work under DEFER_TASKRUN, an overflow backlog).
 * Returns 0 or -errno.
 */
int rr_get_events(struct rr_ring *ring);

/* rr_wait_cqes for one CQE, with no signal mask. */
int rr_wait_cqe_timeout(struct rr_ring *ring, struct io_uring_cqe **cqe_ptr,
			const struct __kernel_timespec *ts);

/* ---- user data --------------------------------------------------------- */

/* Set the SQE's user_data to a pointer: the CQE carries it back. */
static inline void rr_sqe_set_data(struct io_uring_sqe *sqe, void *data)
{
	sqe->user_data = (uint64_t)(uintptr_t)data;
}

/* Set the SQE's user_data to a 64-bit value: the CQE carries it back. */
static inline void rr_sqe_set_data64(struct io_uring_sqe *sqe, uint64_t data)
{
	sqe->user_data = data;
}

/* The user_data of the SQE this CQE completes, as rr_sqe_set_data set it. */
static inline void *rr_cqe_get_data(const struct io_uring_cqe *cqe)
{
	return (void *)(uintptr_t)cqe->user_data;
}

/* The user_data of the SQE this CQE completes, as a 64-bit value. */
static inline uint64_t rr_cqe_get_data64(const struct io_uring_cqe *cqe)
{
	return cqe->user_data;
}

#ifdef __cplusplus
}
#endif

#endif /* RAWRING_RING_H */
