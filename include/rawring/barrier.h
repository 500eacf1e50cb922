/*
 * rawring/barrier.h - the memory-ordering points between rawring and the
 * kernel, and nothing else.
 *
 * The SQ and CQ rings are shared memory written by one side and read by the
 * other.  Each helper here is a single C11 atomic operation; its comment says
 * which kernel access it pairs with.  The ring code calls these helpers at
 * exactly the places the kernel's io_uring documentation requires and uses
 * plain loads and stores everywhere else (the SQEs and CQEs themselves are
 * published and consumed through these barriers, never read concurrently).
 *
 * The ring words are plain `unsigned` in the kernel ABI.  They are accessed
 * here through a cast to `_Atomic unsigned`, which has the same size and
 * representation as `unsigned` on every platform io_uring runs on.  C++ has
 * no `_Atomic`: there each helper is the same single atomic operation
 * through the compiler's __atomic builtins (gcc, clang) on the plain word.
 */
#ifndef RAWRING_BARRIER_H
#define RAWRING_BARRIER_H

#ifndef __cplusplus
#include <stdatomic.h>
#endif

/*
 * Read the CQ tail, or the SQ head under SQPOLL: everything the kernel wrote
 * before publishing the index (the CQEs up to the tail; the consumption of
 * SQEs up to the head) is visible after this load.  Pairs with the kernel's
 * smp_store_release() of cq.tail when it commits CQEs, and of sq.head when it
 * has consumed SQEs.
 */
static inline unsigned rr_load_acquire(const unsigned *ring_word)
{
#ifdef __cplusplus
	return __atomic_load_n(ring_word, __ATOMIC_ACQUIRE);
#else
	return atomic_load_explicit((const _Atomic unsigned *)ring_word,
				    memory_order_acquire);
#endif
}

/*
 * Publish the SQ tail (after the SQEs and index-array slots are written) or
 * the CQ head (after the CQEs up to it have been read).  For the SQ tail it
 * pairs with the kernel's smp_load_acquire() of sq.tail before it reads SQEs;
 * for the CQ head, with the kernel's ordered read of cq.head before it reuses
 * a CQ slot, so the kernel never overwrites a CQE the application still reads.
 */
static inline void rr_store_release(unsigned *ring_word, unsigned value)
{
#ifdef __cplusplus
	__atomic_store_n(ring_word, value, __ATOMIC_RELEASE);
#else
	atomic_store_explicit((_Atomic unsigned *)ring_word, value,
			      memory_order_release);
#endif
}

/*
 * Publish the tail of a provided-buffer ring (a 16-bit word) after the buffer
 * entries up to it are written.  Pairs with the kernel's smp_load_acquire()
 * of the buffer ring's tail when it selects a buffer for a receive.
 */
static inline void rr_store_release_u16(unsigned short *ring_word,
					unsigned short value)
{
#ifdef __cplusplus
	__atomic_store_n(ring_word, value, __ATOMIC_RELEASE);
#else
	atomic_store_explicit((_Atomic unsigned short *)ring_word, value,
			      memory_order_release);
#endif
}

/*
 * A word the kernel may change at any time but that orders nothing by itself
 * (sq.flags, cq.overflow, sq.dropped, the SQ head when SQPOLL is off): read
 * once, untorn, without fences.  The equivalent of the kernel's READ_ONCE().
 */
static inline unsigned rr_load_relaxed(const unsigned *ring_word)
{
#ifdef __cplusplus
	return __atomic_load_n(ring_word, __ATOMIC_RELAXED);
#else
	return atomic_load_explicit((const _Atomic unsigned *)ring_word,
				    memory_order_relaxed);
#endif
}

/*
 * SQPOLL: a full fence between storing the SQ tail and loading sq.flags to
 * test IORING_SQ_NEED_WAKEUP.  That is a store followed by a load, which
 * acquire/release does not order.  Pairs with the kernel's smp_mb() in the
 * SQPOLL thread between setting IORING_SQ_NEED_WAKEUP and re-reading sq.tail
 * before it sleeps: either the thread sees our new tail, or we see its flag
 * and wake it.  Without this fence both can miss and the submission stalls.
 */
static inline void rr_full_fence(void)
{
#ifdef __cplusplus
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
#else
	atomic_thread_fence(memory_order_seq_cst);
#endif
}

#endif /* RAWRING_BARRIER_H */
