/*
 * Ring creation: io_uring_setup, then the mappings the kernel's offsets
 * describe.  Three regions: the SQ ring (head, tail, mask, entries, flags,
 * dropped, index array), the CQ ring (head, tail, mask, entries, overflow,
 * CQEs, flags) and the SQE array.  Under IORING_FEAT_SINGLE_MMAP the SQ and
 * CQ rings share one mapping.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../common/fault.h"
#include "rawring/register.h"
#include "ring_internal.h"

static void *map_region(int ring_fd, size_t size, off_t offset)
{
	/* MAP_POPULATE: the rings are touched on every operation; fault them
	 * in now rather than on the first submission. */
	return RR_FAULTABLE(RR_FAULT_MMAP, MAP_FAILED,
			    mmap(NULL, size, PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_POPULATE, ring_fd, offset));
}

static void unmap_rings(struct rr_ring *ring)
{
	if (ring->user_memory) { /* the caller's (IORING_SETUP_NO_MMAP) */
		ring->sq.sqes = NULL;
		ring->sq.ring_ptr = NULL;
		ring->cq.ring_ptr = NULL;
		return;
	}
	if (ring->sq.sqes)
		munmap(ring->sq.sqes, ring->sq.sqes_size);
	if (ring->cq.ring_ptr && ring->cq.ring_ptr != ring->sq.ring_ptr)
		munmap(ring->cq.ring_ptr, ring->cq.ring_size);
	if (ring->sq.ring_ptr)
		munmap(ring->sq.ring_ptr, ring->sq.ring_size);
	ring->sq.sqes = NULL;
	ring->sq.ring_ptr = NULL;
	ring->cq.ring_ptr = NULL;
}

static unsigned *ring_word(void *base, unsigned offset)
{
	return (unsigned *)((char *)base + offset);
}

/* Map the rings and the SQE array the kernel allocated (the sizes are set). */
static int map_kernel_memory(struct rr_ring *ring, const struct io_uring_params *p)
{
	struct rr_sq *sq = &ring->sq;
	struct rr_cq *cq = &ring->cq;

	sq->ring_ptr = map_region(ring->ring_fd, sq->ring_size, IORING_OFF_SQ_RING);
	if (sq->ring_ptr == MAP_FAILED) {
		sq->ring_ptr = NULL;
		return -errno;
	}
	if (p->features & IORING_FEAT_SINGLE_MMAP) {
		cq->ring_ptr = sq->ring_ptr;
	} else {
		cq->ring_ptr = map_region(ring->ring_fd, cq->ring_size, IORING_OFF_CQ_RING);
		if (cq->ring_ptr == MAP_FAILED) {
			cq->ring_ptr = NULL;
			return -errno;
		}
	}
	sq->sqes = map_region(ring->ring_fd, sq->sqes_size, IORING_OFF_SQES);
	if (sq->sqes == MAP_FAILED) {
		sq->sqes = NULL;
		return -errno;
	}
	return 0;
}

/* IORING_SETUP_NO_MMAP: the rings (one region, at cq_off.user_addr) and the
 * SQEs (at sq_off.user_addr) are where the caller put them, pinned by the
 * kernel at setup. */
static int use_callers_memory(struct rr_ring *ring, const struct io_uring_params *p)
{
	struct rr_sq *sq = &ring->sq;
	struct rr_cq *cq = &ring->cq;

	sq->ring_ptr = cq->ring_ptr = (void *)(uintptr_t)rr__user_addr(&p->cq_off);
	sq->sqes = (struct io_uring_sqe *)(uintptr_t)rr__user_addr(&p->sq_off);
	if (cq->ring_size > sq->ring_size)
		sq->ring_size = cq->ring_size;
	cq->ring_size = sq->ring_size;
	return 0;
}

/*
 * Point the ring's words (heads, tails, flags, masks, the CQEs, the SQ index
 * array) into its rings, by the kernel's offsets in `p`; sq.ring_ptr and
 * cq.ring_ptr are set.  Writes the index array's identity.  (setup, and
 * resize onto new rings.)
 */
void rr__ring_point_words(struct rr_ring *ring, const struct io_uring_params *p)
{
	struct rr_sq *sq = &ring->sq;
	struct rr_cq *cq = &ring->cq;

	sq->khead = ring_word(sq->ring_ptr, p->sq_off.head);
	sq->ktail = ring_word(sq->ring_ptr, p->sq_off.tail);
	sq->kflags = ring_word(sq->ring_ptr, p->sq_off.flags);
	sq->kdropped = ring_word(sq->ring_ptr, p->sq_off.dropped);
	sq->ring_mask = *ring_word(sq->ring_ptr, p->sq_off.ring_mask);
	sq->ring_entries = *ring_word(sq->ring_ptr, p->sq_off.ring_entries);
	sq->array = (ring->setup_flags & IORING_SETUP_NO_SQARRAY)
			    ? NULL
			    : ring_word(sq->ring_ptr, p->sq_off.array);

	cq->khead = ring_word(cq->ring_ptr, p->cq_off.head);
	cq->ktail = ring_word(cq->ring_ptr, p->cq_off.tail);
	cq->koverflow = ring_word(cq->ring_ptr, p->cq_off.overflow);
	cq->cqes = (struct io_uring_cqe *)((char *)cq->ring_ptr + p->cq_off.cqes);
	cq->kflags = p->cq_off.flags ? ring_word(cq->ring_ptr, p->cq_off.flags)
				     : NULL;
	cq->ring_mask = *ring_word(cq->ring_ptr, p->cq_off.ring_mask);
	cq->ring_entries = *ring_word(cq->ring_ptr, p->cq_off.ring_entries);

	/* The index array maps SQ ring slots to SQE array slots.  rawring hands
	 * out SQEs in ring order, so slot i always names SQE i: write the
	 * identity once here instead of on every submission.  The kernel reads
	 * it only after our store-release of the tail, which orders these
	 * stores too. */
	if (sq->array) {
		for (unsigned i = 0; i < sq->ring_entries; i++)
			sq->array[i] = i;
	}
}

/* What the ring keeps of the parameters io_uring_setup wrote (setup, and
 * a ring set up elsewhere). */
static void take_params(struct rr_ring *ring, const struct io_uring_params *p)
{
	ring->setup_flags = p->flags;
	ring->features = p->features;
	ring->sqe_shift = (p->flags & IORING_SETUP_SQE128) ? 1 : 0;
	/* A CQE_MIXED ring has 16-byte slots: a 32-byte CQE takes two. */
	ring->cqe_shift = (p->flags & IORING_SETUP_CQE32) ? 1 : 0;
	ring->params = *p;
}

static int map_rings(struct rr_ring *ring, const struct io_uring_params *p)
{
	struct rr_sq *sq = &ring->sq;
	struct rr_cq *cq = &ring->cq;
	size_t cqe_size = sizeof(struct io_uring_cqe) << ring->cqe_shift;
	size_t sqe_size = sizeof(struct io_uring_sqe) << ring->sqe_shift;

	/* Under NO_SQARRAY the kernel reports sq_off.array as 0, and the SQ
	 * ring is just the shared header, which the CQ ring size covers. */
	sq->ring_size = p->sq_off.array + p->sq_entries * sizeof(unsigned);
	cq->ring_size = p->cq_off.cqes + p->cq_entries * cqe_size;
	if (p->features & IORING_FEAT_SINGLE_MMAP) {
		if (cq->ring_size > sq->ring_size)
			sq->ring_size = cq->ring_size;
		cq->ring_size = sq->ring_size;
	}

	sq->sqes_size = p->sq_entries * sqe_size;
	int ret = ring->user_memory ? use_callers_memory(ring, p) : map_kernel_memory(ring, p);
	if (ret < 0)
		return ret;

	rr__ring_point_words(ring, p);
	return 0;
}

/*
 * What the ring's pointers show once it is gone (or before it exists,
 * after a failed init): a head and a tail of 0 in
 * a ring of 0 entries, so that the inline calls find it full and empty
 * (rr_get_sqe NULL, counts 0) instead of reading unmapped memory.  Nothing
 * ever writes it: rr_cq_advance moves nothing past a tail of 0.
 */
static unsigned dead_ring_word;

void rr__ring_leave_dead(struct rr_ring *ring)
{
	memset(&ring->sq, 0, sizeof(ring->sq));
	memset(&ring->cq, 0, sizeof(ring->cq));
	ring->sq.khead = ring->sq.ktail = ring->sq.kflags = ring->sq.kdropped =
		&dead_ring_word;
	ring->cq.khead = ring->cq.ktail = ring->cq.koverflow = &dead_ring_word;
	ring->ring_fd = -1;
	ring->enter_fd = -1;
}

/* Drop the ring's handles: its registered index (which holds a reference
 * to the ring of its own, so the ring would outlive the close) and its fd.
 * A REGISTERED_FD_ONLY ring has only the index. */
static void release_handle(struct rr_ring *ring)
{
	/* From another thread the index cannot be reached: it keeps the ring
	 * alive until the registering thread exits (or unregisters). */
	if (rr__ring_registered_here(ring))
		rr_unregister_ring_fd(ring);
	ring->enter_flags &= ~IORING_ENTER_REGISTERED_RING;
	if (ring->ring_fd >= 0)
		close(ring->ring_fd);
}

int rr_ring_init_params(unsigned entries, struct rr_ring *ring,
			struct io_uring_params *params)
{
	if (!ring)
		return -EINVAL;
	rr__ring_leave_dead(ring); /* what a failure below leaves */
	if (!params || entries == 0)
		return -EINVAL;
	/* A flag the kernel accepts but rawring would then misread is refused
	 * here, before the kernel sees it (RR_SETUP_FLAGS_SUPPORTED). */
	if (params->flags & ~RR_SETUP_FLAGS_SUPPORTED)
		return -EINVAL;
	/* The caller's memory for the rings and SQEs (rr_ring_init_mem sets
	 * these): both addresses, or it is no NO_MMAP ring. */
	if ((params->flags & IORING_SETUP_NO_MMAP) &&
	    (!rr__user_addr(&params->sq_off) || !rr__user_addr(&params->cq_off)))
		return -EINVAL;
	/* A ring with no fd cannot be mapped: it lives in the caller's memory. */
	if ((params->flags & IORING_SETUP_REGISTERED_FD_ONLY) &&
	    !(params->flags & IORING_SETUP_NO_MMAP))
		return -EINVAL;

	memset(ring, 0, sizeof(*ring));
	rr__ring_leave_dead(ring);

	int fd = rr_io_uring_setup(entries, params);
	if (fd < 0)
		return fd;

	if (params->flags & IORING_SETUP_REGISTERED_FD_ONLY) {
		/* No fd: what setup returned is an index into this thread's
		 * registered rings, the only handle the ring has. */
		ring->enter_fd = fd;
		ring->enter_flags = IORING_ENTER_REGISTERED_RING;
		ring->registered_by = rr__thread_token();
	} else {
		ring->ring_fd = fd;
		ring->enter_fd = fd;
	}
	ring->user_memory = (params->flags & IORING_SETUP_NO_MMAP) != 0;
	take_params(ring, params);

	int ret = map_rings(ring, params);
	if (ret < 0) {
		unmap_rings(ring);
		release_handle(ring);
		rr__ring_leave_dead(ring);
		return ret;
	}
	return 0;
}

/* The ring the mapping shows is the one `p` describes: its sizes are the
 * mapping's (a smaller p would leave rawring reading words past what it
 * mapped). */
static bool mapping_matches(const struct rr_ring *ring,
			    const struct io_uring_params *p)
{
	return ring->sq.ring_entries == p->sq_entries &&
	       ring->sq.ring_mask == p->sq_entries - 1 &&
	       ring->cq.ring_entries == p->cq_entries &&
	       ring->cq.ring_mask == p->cq_entries - 1;
}

int rr_ring_mmap(int fd, struct io_uring_params *p, struct rr_ring *ring)
{
	if (!ring)
		return -EINVAL;
	rr__ring_leave_dead(ring); /* what a failure below leaves */
	if (!p || (p->flags & ~RR_SETUP_FLAGS_SUPPORTED) ||
	    (p->flags & (IORING_SETUP_NO_MMAP | IORING_SETUP_REGISTERED_FD_ONLY)))
		return -EINVAL;
	if (fd < 0)
		return -EBADF;
	if (p->sq_entries == 0 || (p->sq_entries & (p->sq_entries - 1)) ||
	    p->cq_entries == 0 || (p->cq_entries & (p->cq_entries - 1)))
		return -EINVAL;

	memset(ring, 0, sizeof(*ring));
	rr__ring_leave_dead(ring);
	ring->ring_fd = fd;
	ring->enter_fd = fd;
	take_params(ring, p);

	int ret = map_rings(ring, p);
	if (ret == 0 && !mapping_matches(ring, p))
		ret = -EINVAL;
	if (ret < 0) {
		unmap_rings(ring); /* the fd stays the caller's */
		rr__ring_leave_dead(ring);
		return ret;
	}
	/* A ring in use is taken up where it stands: the next SQE goes at the
	 * kernel's SQ tail (the CQ head is read from the ring on each peek).
	 * map_rings wrote the index array's identity, which rawring assumes.
	 * Relaxed: only the position is needed, and the tail is ours alone
	 * from here (the kernel never writes it). */
	ring->sq.sqe_tail = ring->sq.sqe_head = rr_load_relaxed(ring->sq.ktail);
	return 0;
}

int rr_ring_init(unsigned entries, struct rr_ring *ring, unsigned flags)
{
	struct io_uring_params params;

	memset(&params, 0, sizeof(params));
	params.flags = flags;
	return rr_ring_init_params(entries, ring, &params);
}

void rr_ring_exit(struct rr_ring *ring)
{
	if (!ring || !rr__ring_alive(ring) || !ring->sq.ring_ptr)
		return;
	if (ring->ring_fd < 0 && !rr__ring_registered_here(ring)) {
		/* REGISTERED_FD_ONLY: only its own thread can release it. */
		rr__misuse("rr_ring_exit of a ring with no fd from another thread");
		return;
	}
	unmap_rings(ring);
	release_handle(ring);
	rr__ring_leave_dead(ring);
}
