/*
 * Zero-copy receive: the checks rawring makes before
 * IORING_REGISTER_ZCRX_IFQ and _ZCRX_CTRL reach the kernel (what rawring
 * could not then drive is refused), and the refill queue's words found in
 * the caller's region by the offsets the kernel wrote back.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "rawring/register.h"
#include "rawring/zcrx.h"
#include "register_internal.h"
#include "ring_internal.h"

#define RQ_MAX_ENTRIES 32768u

static bool page_aligned(uint64_t value)
{
	return (value & ((uint64_t)sysconf(_SC_PAGESIZE) - 1)) == 0;
}

static bool all_zero(const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

size_t rr_zcrx_rq_size(unsigned rq_entries)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	if (rq_entries == 0 || rq_entries > RQ_MAX_ENTRIES)
		return 0;
	size_t size = page + (size_t)rq_entries * sizeof(struct rr_zcrx_rqe);
	return (size + page - 1) / page * page;
}

/* The CQEs rr_zcrx_cqe reads the second half of. */
static bool ring_takes_zcrx(const struct rr_ring *ring)
{
	return (ring->setup_flags & IORING_SETUP_DEFER_TASKRUN) &&
	       (ring->setup_flags & (IORING_SETUP_CQE32 | IORING_SETUP_CQE_MIXED));
}

int rr_register_ifq(struct rr_ring *ring, struct rr_zcrx_ifq_reg *reg)
{
	if (!ring || !reg || !ring_takes_zcrx(ring))
		return -EINVAL;
	if (reg->flags & RR_ZCRX_REG_IMPORT)
		return -EOPNOTSUPP; /* a queue shared with another ring */
	if ((reg->flags & ~RR_ZCRX_REG_NODEV) || reg->rx_buf_len ||
	    !all_zero(reg->resv, sizeof(reg->resv)) ||
	    !all_zero(&reg->offsets, sizeof(reg->offsets)))
		return -EINVAL;
	const struct rr_zcrx_area_reg *area =
		(const struct rr_zcrx_area_reg *)(uintptr_t)reg->area_ptr;
	const struct rr_region_desc *region =
		(const struct rr_region_desc *)(uintptr_t)reg->region_ptr;
	if (!area || !region)
		return -EINVAL;
	if (area->flags & RR_IORING_ZCRX_AREA_DMABUF)
		return -EOPNOTSUPP; /* its data has no address here */
	if (!(region->flags & RR_IORING_MEM_REGION_TYPE_USER))
		return -EOPNOTSUPP; /* the refill queue must be the caller's memory */
	if (area->flags || !area->addr || !area->len ||
	    !page_aligned(area->addr) || !page_aligned(area->len) ||
	    !region->user_addr || !page_aligned(region->user_addr) ||
	    region->size < rr_zcrx_rq_size(reg->rq_entries) ||
	    reg->rq_entries == 0 || (reg->rq_entries & (reg->rq_entries - 1)) ||
	    reg->rq_entries > RQ_MAX_ENTRIES)
		return -EINVAL;
	return rr__ring_register(ring, RR_IORING_REGISTER_ZCRX_IFQ, reg, 1);
}

int rr_register_zcrx_ctrl(struct rr_ring *ring, struct rr_zcrx_ctrl *ctrl)
{
	if (!ring || !ctrl || ctrl->op > RR_ZCRX_CTRL_EXPORT ||
	    !all_zero(ctrl->resv, sizeof(ctrl->resv)))
		return -EINVAL;
	/* The kernel reads no count: the argument is one structure. */
	return rr__ring_register(ring, RR_IORING_REGISTER_ZCRX_CTRL, ctrl, 0);
}

int rr_zcrx_attach(struct rr_zcrx *z, const struct rr_zcrx_ifq_reg *reg,
		   void *rq_mem, size_t rq_size)
{
	if (!z || !reg || !rq_mem)
		return -EINVAL;
	const struct rr_zcrx_offsets *o = &reg->offsets;
	unsigned entries = reg->rq_entries;
	/* Every word inside the region, each naturally aligned: the kernel
	 * says where they are, and a wrong answer must not become a write
	 * outside the caller's memory. */
	if (entries == 0 || (entries & (entries - 1)) || entries > RQ_MAX_ENTRIES ||
	    (o->head % sizeof(unsigned)) || (o->tail % sizeof(unsigned)) ||
	    (o->rqes % sizeof(uint64_t)) ||
	    (uint64_t)o->head + sizeof(unsigned) > rq_size ||
	    (uint64_t)o->tail + sizeof(unsigned) > rq_size ||
	    (uint64_t)o->rqes + (uint64_t)entries * sizeof(struct rr_zcrx_rqe) > rq_size)
		return -EINVAL;
	const struct rr_zcrx_area_reg *area =
		(const struct rr_zcrx_area_reg *)(uintptr_t)reg->area_ptr;

	memset(z, 0, sizeof(*z));
	z->id = reg->zcrx_id;
	z->rq_entries = entries;
	z->rq_mask = entries - 1;
	z->rq_khead = (unsigned *)(void *)((char *)rq_mem + o->head);
	z->rq_ktail = (unsigned *)(void *)((char *)rq_mem + o->tail);
	z->rqes = (struct rr_zcrx_rqe *)(void *)((char *)rq_mem + o->rqes);
	/* Ours alone to write: where the refills go on from. */
	z->rq_tail = rr_load_relaxed(z->rq_ktail);
	if (area) {
		z->area = (char *)(uintptr_t)area->addr;
		z->area_len = area->len;
		z->area_token = area->rq_area_token;
	}
	return 0;
}

int rr_zcrx_register(struct rr_ring *ring, struct rr_zcrx *z,
		     const struct rr_zcrx_params *params)
{
	if (!z || !params)
		return -EINVAL;
	struct rr_zcrx_area_reg area;
	struct rr_region_desc region;
	struct rr_zcrx_ifq_reg reg;

	memset(&area, 0, sizeof(area));
	area.addr = (uint64_t)(uintptr_t)params->area;
	area.len = params->area_len;
	memset(&region, 0, sizeof(region));
	region.user_addr = (uint64_t)(uintptr_t)params->rq_mem;
	region.size = params->rq_size;
	region.flags = RR_IORING_MEM_REGION_TYPE_USER;
	memset(&reg, 0, sizeof(reg));
	reg.if_idx = params->if_idx;
	reg.if_rxq = params->if_rxq;
	reg.rq_entries = params->rq_entries;
	reg.flags = params->flags;
	reg.area_ptr = (uint64_t)(uintptr_t)&area;
	reg.region_ptr = (uint64_t)(uintptr_t)&region;

	int ret = rr_register_ifq(ring, &reg);
	if (ret < 0)
		return ret;
	if (rr_zcrx_attach(z, &reg, params->rq_mem, params->rq_size) < 0)
		return -EIO;
	return 0;
}
