/*
 * Provided buffer rings: a page-aligned array of io_uring_buf entries shared
 * with the kernel, from which it picks a buffer for each IOSQE_BUFFER_SELECT
 * receive.  rawring allocates the memory and registers its address.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>

#include "../common/pages.h"
#include "rawring/register.h"

#define BUF_RING_MAX_ENTRIES 32768u

int rr_register_buf_ring(struct rr_ring *ring, struct rr_buf_ring *br,
			 unsigned entries, unsigned short group_id)
{
	struct io_uring_buf_reg reg;

	if (!br || entries == 0 || entries > BUF_RING_MAX_ENTRIES ||
	    (entries & (entries - 1)))
		return -EINVAL;

	memset(br, 0, sizeof(*br));
	br->size = entries * sizeof(struct io_uring_buf);
	/* The kernel wants page-aligned memory. */
	void *mem = rr__pages_alloc(br->size);
	if (!mem)
		return -ENOMEM;

	memset(&reg, 0, sizeof(reg));
	reg.ring_addr = (__u64)(uintptr_t)mem;
	reg.ring_entries = entries;
	reg.bgid = group_id;
	int ret = rr_io_uring_register(ring->ring_fd, IORING_REGISTER_PBUF_RING,
				       &reg, 1);
	if (ret < 0) {
		rr__pages_free(mem, br->size);
		return ret;
	}

	br->bufs = mem;
	br->entries = entries;
	br->mask = (unsigned short)(entries - 1);
	br->group_id = group_id;
	br->tail = 0;
	return 0;
}

int rr_unregister_buf_ring(struct rr_ring *ring, struct rr_buf_ring *br)
{
	struct io_uring_buf_reg reg;

	if (!br || !br->bufs)
		return -EINVAL;
	memset(&reg, 0, sizeof(reg));
	reg.bgid = br->group_id;
	int ret = rr_io_uring_register(ring->ring_fd, IORING_UNREGISTER_PBUF_RING,
				       &reg, 1);
	rr__pages_free(br->bufs, br->size);
	br->bufs = NULL;
	return ret;
}
