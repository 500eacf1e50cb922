/*
 * Rings in the caller's memory (IORING_SETUP_NO_MMAP, 6.5): how much a ring
 * takes, and its setup in a buffer the caller provides (for instance one
 * huge page, or memory shared in a way the caller controls).  The layout:
 * the rings region (the SQ and CQ ring headers, the CQEs, the SQ index
 * array) at the start of the buffer, the SQE array at the next page.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <unistd.h>

#include "ring_internal.h"

/* The kernel's limits: IORING_MAX_ENTRIES and IORING_MAX_CQ_ENTRIES. */
#define MAX_SQ_ENTRIES 32768u
#define MAX_CQ_ENTRIES (2u * MAX_SQ_ENTRIES)
/* The ring headers before the CQEs (heads, tails, masks, flags: under one
 * cache line), and the alignment of the SQ index array after the CQEs. */
#define RINGS_HEADER_BYTES 64u
#define SQ_ARRAY_ALIGN 64u

struct ring_layout {
	size_t rings_bytes;      /* what the kernel uses of the rings region */
	size_t rings_region;     /* the same, in whole pages */
	size_t sqes_bytes;
	size_t sqes_region;
};

static size_t round_up(size_t value, size_t to)
{
	return (value + to - 1) / to * to;
}

static unsigned round_up_pow2(unsigned value)
{
	unsigned pow2 = 1;

	while (pow2 < value)
		pow2 <<= 1;
	return pow2;
}

/* The entries the kernel will give and the bytes they take: 0 or -EINVAL
 * (the kernel's own rules for entries, CQSIZE and CLAMP). */
static int layout_of(unsigned entries, const struct io_uring_params *p,
		     struct ring_layout *layout)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	unsigned sq, cq;

	if (!entries)
		return -EINVAL;
	if (entries > MAX_SQ_ENTRIES) {
		if (!(p->flags & IORING_SETUP_CLAMP))
			return -EINVAL;
		entries = MAX_SQ_ENTRIES;
	}
	sq = round_up_pow2(entries);
	if (p->flags & IORING_SETUP_CQSIZE) {
		cq = p->cq_entries;
		if (!cq)
			return -EINVAL;
		if (cq > MAX_CQ_ENTRIES) {
			if (!(p->flags & IORING_SETUP_CLAMP))
				return -EINVAL;
			cq = MAX_CQ_ENTRIES;
		}
		cq = round_up_pow2(cq);
		if (cq < sq)
			return -EINVAL;
	} else {
		cq = 2 * sq;
	}
	size_t cqe_bytes = sizeof(struct io_uring_cqe) << ((p->flags & IORING_SETUP_CQE32) ? 1 : 0);
	size_t sqe_bytes = sizeof(struct io_uring_sqe) << ((p->flags & IORING_SETUP_SQE128) ? 1 : 0);

	layout->rings_bytes = RINGS_HEADER_BYTES + (size_t)cq * cqe_bytes;
	if (!(p->flags & IORING_SETUP_NO_SQARRAY))
		layout->rings_bytes = round_up(layout->rings_bytes, SQ_ARRAY_ALIGN) +
				      (size_t)sq * sizeof(unsigned);
	layout->rings_region = round_up(layout->rings_bytes, page);
	layout->sqes_bytes = (size_t)sq * sqe_bytes;
	layout->sqes_region = round_up(layout->sqes_bytes, page);
	return 0;
}

long rr_ring_mem_size(unsigned entries, const struct io_uring_params *params)
{
	struct io_uring_params none = { 0 };
	struct ring_layout layout;

	int ret = layout_of(entries, params ? params : &none, &layout);
	return ret < 0 ? ret : (long)(layout.rings_region + layout.sqes_region);
}

long rr_ring_init_mem(unsigned entries, struct rr_ring *ring,
		      struct io_uring_params *params, void *buf, size_t buf_size)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	struct ring_layout layout;

	if (!ring || !params || !buf || (uintptr_t)buf % page)
		return -EINVAL;
	int ret = layout_of(entries, params, &layout);
	if (ret < 0)
		return ret;
	size_t used = layout.rings_region + layout.sqes_region;
	if (buf_size < used)
		return -EINVAL;

	params->flags |= IORING_SETUP_NO_MMAP;
	rr__set_user_addr(&params->cq_off, (uint64_t)(uintptr_t)buf);
	rr__set_user_addr(&params->sq_off,
			  (uint64_t)(uintptr_t)((char *)buf + layout.rings_region));
	ret = rr_ring_init_params(entries, ring, params);
	if (ret < 0)
		return ret;
	/* The kernel placed everything by its own offsets: they must fall
	 * inside what was reserved, or the ring would be misread. */
	size_t cqe_bytes = sizeof(struct io_uring_cqe) << ring->cqe_shift;
	bool fits = params->cq_off.cqes + (size_t)params->cq_entries * cqe_bytes <=
		    layout.rings_region;
	if (!(params->flags & IORING_SETUP_NO_SQARRAY))
		fits = fits && params->sq_off.array +
				       (size_t)params->sq_entries * sizeof(unsigned) <=
			       layout.rings_region;
	if (!fits) {
		rr_ring_exit(ring);
		return -EINVAL;
	}
	return (long)used;
}
