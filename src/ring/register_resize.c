/*
 * The register calls that change what the ring's memory is: resizing the
 * SQ and CQ (IORING_REGISTER_RESIZE_RINGS), after which rawring maps the
 * new rings and repoints every field of struct rr_ring at them; and the
 * parameter region (IORING_REGISTER_MEM_REGION) with the waits that read
 * their arguments from it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "rawring/register.h"
#include "register_internal.h"
#include "ring_internal.h"

/* The setup flags that decide the rings' layout; a resize keeps them. */
#define LAYOUT_FLAGS                                                           \
	(IORING_SETUP_SQE128 | IORING_SETUP_CQE32 | IORING_SETUP_CQE_MIXED |   \
	 IORING_SETUP_NO_SQARRAY)
#define RESIZE_FLAGS (IORING_SETUP_CQSIZE | IORING_SETUP_CLAMP)

/*
 * The offsets the kernel uses for rings of the new sizes.  The resize
 * reply of 6.13..6.18 leaves sq_off.array as the caller passed it, and the
 * index array sits after the CQEs at a cache-line alignment userspace
 * cannot know, so a throwaway ring with the same layout flags and sizes is
 * set up and asked: io_uring_setup computes the layout the same way.
 */
static int learn_layout(const struct rr_ring *ring,
			const struct io_uring_params *want,
			struct io_uring_params *layout)
{
	memset(layout, 0, sizeof(*layout));
	layout->flags = (ring->setup_flags & LAYOUT_FLAGS) | (want->flags & RESIZE_FLAGS);
	layout->cq_entries = want->cq_entries;
	int fd = rr_io_uring_setup(want->sq_entries, layout);
	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

struct ring_maps {
	void *rings;   /* SQ and CQ rings (IORING_FEAT_SINGLE_MMAP) */
	size_t rings_size;
	void *sqes;
	size_t sqes_size;
};

static int map_new_rings(const struct rr_ring *ring,
			 const struct io_uring_params *p, struct ring_maps *m)
{
	size_t cqe_size = sizeof(struct io_uring_cqe) << ring->cqe_shift;
	size_t sq_size = (ring->setup_flags & IORING_SETUP_NO_SQARRAY)
				 ? 0
				 : p->sq_off.array + p->sq_entries * sizeof(unsigned);
	size_t cq_size = p->cq_off.cqes + p->cq_entries * cqe_size;

	m->rings_size = sq_size > cq_size ? sq_size : cq_size;
	m->sqes_size = p->sq_entries * (sizeof(struct io_uring_sqe) << ring->sqe_shift);
	m->rings = mmap(NULL, m->rings_size, PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_POPULATE, ring->ring_fd, IORING_OFF_SQ_RING);
	if (m->rings == MAP_FAILED)
		return -errno;
	m->sqes = mmap(NULL, m->sqes_size, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_POPULATE, ring->ring_fd, IORING_OFF_SQES);
	if (m->sqes == MAP_FAILED) {
		int ret = -errno;
		munmap(m->rings, m->rings_size);
		return ret;
	}
	return 0;
}

static void unmap_old_rings(struct rr_ring *ring)
{
	munmap(ring->sq.sqes, ring->sq.sqes_size);
	if (ring->cq.ring_ptr != ring->sq.ring_ptr)
		munmap(ring->cq.ring_ptr, ring->cq.ring_size);
	munmap(ring->sq.ring_ptr, ring->sq.ring_size);
}

/* Every pointer and size of the ring, onto the new mappings. */
static void point_ring_at(struct rr_ring *ring, const struct io_uring_params *p,
			  const struct ring_maps *m)
{
	struct rr_sq *sq = &ring->sq;
	struct rr_cq *cq = &ring->cq;

	sq->ring_ptr = cq->ring_ptr = m->rings;
	sq->ring_size = cq->ring_size = m->rings_size;
	sq->sqes = m->sqes;
	sq->sqes_size = m->sqes_size;

	rr__ring_point_words(ring, p); /* the identity in the new (zeroed) index array too */
	/* sqe_head and sqe_tail stay: the kernel kept the head and tail
	 * counters, only the masks changed. */

	ring->params.sq_entries = p->sq_entries;
	ring->params.cq_entries = p->cq_entries;
	ring->params.sq_off = p->sq_off;
	ring->params.cq_off = p->cq_off;
}

/* What a ring that could not be remapped is left as: closed, as after
 * rr_ring_exit. */
static void close_ring(struct rr_ring *ring)
{
	if (ring->enter_flags & IORING_ENTER_REGISTERED_RING)
		rr_unregister_ring_fd(ring);
	unmap_old_rings(ring);
	close(ring->ring_fd);
	rr__ring_leave_dead(ring);
	ring->enter_flags = 0;
}

int rr_resize_rings(struct rr_ring *ring, struct io_uring_params *p)
{
	struct io_uring_params layout, resized;
	struct ring_maps maps;

	if (!ring || !p)
		return -EINVAL;
	if (!rr__ring_alive(ring) || ring->ring_fd < 0)
		return -EBADF;
	if (ring->user_memory)
		return -EOPNOTSUPP; /* the new rings would need new memory */
	/* Layout flags the ring has may be in *p: the kernel writes them into
	 * the *p of a resize (a ring keeps its layout), so that *p can be
	 * passed again.  Any other flag is refused. */
	if (!(ring->setup_flags & IORING_SETUP_DEFER_TASKRUN) ||
	    (p->flags & ~(RESIZE_FLAGS | (ring->setup_flags & LAYOUT_FLAGS))))
		return -EINVAL;
	/* Every kernel that resizes maps both rings as one region. */
	if (!(ring->features & IORING_FEAT_SINGLE_MMAP))
		return -EOPNOTSUPP;
	/* The kernel copies the SQEs between its head and tail into the new
	 * SQE array (at the slots of their positions, as the identity index
	 * array or NO_SQARRAY has them): SQEs handed out and not yet published
	 * are published first, so they cross too.  Publishing submits nothing
	 * (no SQPOLL: it cannot go with DEFER_TASKRUN). */
	(void)rr__flush_sq(ring);

	int ret = learn_layout(ring, p, &layout);
	if (ret < 0)
		return ret;

	memset(&resized, 0, sizeof(resized));
	resized.sq_entries = p->sq_entries;
	resized.cq_entries = p->cq_entries;
	resized.flags = p->flags & RESIZE_FLAGS;
	ret = rr__ring_register(ring, RR_IORING_REGISTER_RESIZE_RINGS, &resized, 1);
	if (ret < 0)
		return ret; /* nothing changed (-EOVERFLOW: the CQEs would not fit) */

	/* From here the kernel uses the new rings: map them or give up the
	 * ring, never go on with the old ones. */
	if (resized.sq_entries != layout.sq_entries ||
	    resized.cq_entries != layout.cq_entries) {
		close_ring(ring);
		return -EIO;
	}
	ret = map_new_rings(ring, &layout, &maps);
	if (ret < 0) {
		close_ring(ring);
		return ret;
	}
	unmap_old_rings(ring);
	point_ring_at(ring, &layout, &maps);

	resized.sq_off = layout.sq_off;
	resized.cq_off = layout.cq_off;
	resized.features = ring->features;
	*p = resized;
	return 0;
}

/* ---- memory regions and registered waits --------------------------------- */

int rr_register_region(struct rr_ring *ring, struct rr_mem_region_reg *reg)
{
	if (!reg)
		return -EINVAL;
	return rr__ring_register(ring, RR_IORING_REGISTER_MEM_REGION, reg, 1);
}

int rr_submit_and_wait_reg(struct rr_ring *ring, struct io_uring_cqe **cqe_ptr,
			   unsigned wait_nr, unsigned reg_index)
{
	if (!ring || !cqe_ptr)
		return -EINVAL;
	*cqe_ptr = NULL;
	if (!rr__ring_alive(ring))
		return -EBADF;
	/* The "pointer" is the byte offset of the entry in the region (64-bit
	 * arithmetic: an index past the region is the kernel's -EFAULT, not a
	 * wrapped offset). */
	uint64_t offset = (uint64_t)reg_index * sizeof(struct rr_reg_wait);
	if (offset > UINTPTR_MAX)
		return -EFAULT;

	unsigned to_submit = rr__flush_sq(ring);
	unsigned flags = IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG |
			 IORING_ENTER_EXT_ARG_REG;
	(void)rr__sq_needs_enter(ring, to_submit, &flags); /* SQPOLL wake-up */

	/* Not rr__enter: entry 0 is offset 0, which it would take for "no
	 * argument" and give the signal-mask size. */
	unsigned handle_flags;
	int handle = rr__ring_handle(ring, &handle_flags);
	if (handle < 0)
		return -EBADF;
	ring->enter_calls++;
	int ret = rr_io_uring_enter2(handle, to_submit, wait_nr,
				     flags | handle_flags,
				     (const void *)(uintptr_t)offset,
				     sizeof(struct rr_reg_wait));
	if (ret == -ETIME) {
		(void)rr_peek_cqe(ring, cqe_ptr); /* what did come, or NULL */
		return -ETIME;
	}
	if (ret < 0)
		return ret;
	if (rr_peek_cqe(ring, cqe_ptr) == 0)
		return 0;
	/* A wait that ends with nothing ready ended by its timeout (an enter
	 * that also submitted reports the count, not -ETIME). */
	return wait_nr ? -ETIME : -EAGAIN;
}
