/*
 * Provided buffer rings: a page-aligned array of io_uring_buf entries shared
 * with the kernel, from which it picks a buffer for each IOSQE_BUFFER_SELECT
 * receive.  By default rawring allocates the memory and registers its
 * address; with RR_IOU_PBUF_RING_MMAP the kernel allocates it and rawring
 * maps it from the ring fd.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "../common/pages.h"
#include "rawring/register.h"
#include "register_internal.h"

#define BUF_RING_MAX_ENTRIES 32768u
#define BUF_RING_FLAGS (RR_IOU_PBUF_RING_MMAP | RR_IOU_PBUF_RING_INC)

/* The kernel-allocated ring of group `group_id`, mapped shared. */
static void *map_kernel_ring(const struct rr_ring *ring, size_t size,
			     unsigned short group_id)
{
	off_t offset = (off_t)(IORING_OFF_PBUF_RING |
			       ((unsigned long long)group_id << IORING_OFF_PBUF_SHIFT));

	return mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
		    ring->ring_fd, offset);
}

static int unregister_group(struct rr_ring *ring, unsigned short group_id)
{
	struct rr_buf_reg reg;

	memset(&reg, 0, sizeof(reg));
	reg.bgid = group_id;
	return rr__ring_register(ring, IORING_UNREGISTER_PBUF_RING, &reg, 1);
}

int rr_register_buf_ring_flags(struct rr_ring *ring, struct rr_buf_ring *br,
			       unsigned entries, unsigned short group_id,
			       unsigned flags)
{
	struct rr_buf_reg reg;
	void *mem = NULL;

	if (!ring || !br || entries == 0 || entries > BUF_RING_MAX_ENTRIES ||
	    (entries & (entries - 1)) || (flags & ~BUF_RING_FLAGS))
		return -EINVAL;
	/* The mapping needs the real fd. */
	if ((flags & RR_IOU_PBUF_RING_MMAP) && ring->ring_fd < 0)
		return -EBADF;

	memset(br, 0, sizeof(*br));
	size_t size = entries * sizeof(struct io_uring_buf);

	memset(&reg, 0, sizeof(reg));
	if (!(flags & RR_IOU_PBUF_RING_MMAP)) {
		/* The kernel wants page-aligned memory. */
		mem = rr__pages_alloc(size);
		if (!mem)
			return -errno;
		reg.ring_addr = (__u64)(uintptr_t)mem;
	}
	reg.ring_entries = entries;
	reg.bgid = group_id;
	reg.flags = (__u16)flags;
	int ret = rr__ring_register(ring, IORING_REGISTER_PBUF_RING, &reg, 1);
	if (ret < 0) {
		rr__pages_free(mem, size);
		return ret;
	}

	if (flags & RR_IOU_PBUF_RING_MMAP) {
		mem = map_kernel_ring(ring, size, group_id);
		if (mem == MAP_FAILED) {
			ret = -errno;
			unregister_group(ring, group_id);
			return ret;
		}
	}

	br->bufs = mem;
	br->size = size;
	br->entries = entries;
	br->mask = (unsigned short)(entries - 1);
	br->group_id = group_id;
	br->tail = 0;
	br->flags = (unsigned short)flags;
	return 0;
}

int rr_register_buf_ring(struct rr_ring *ring, struct rr_buf_ring *br,
			 unsigned entries, unsigned short group_id)
{
	return rr_register_buf_ring_flags(ring, br, entries, group_id, 0);
}

int rr_unregister_buf_ring(struct rr_ring *ring, struct rr_buf_ring *br)
{
	if (!br || !br->bufs)
		return -EINVAL;
	int ret = unregister_group(ring, br->group_id);
	if (br->flags & RR_IOU_PBUF_RING_MMAP)
		munmap(br->bufs, br->size);
	else
		rr__pages_free(br->bufs, br->size);
	br->bufs = NULL;
	return ret;
}

int rr_buf_ring_head(struct rr_ring *ring, unsigned buf_group, uint16_t *head)
{
	struct rr_buf_status status;

	if (!head)
		return -EINVAL;
	memset(&status, 0, sizeof(status));
	status.buf_group = buf_group;
	int ret = rr__ring_register(ring, RR_IORING_REGISTER_PBUF_STATUS, &status, 1);
	if (ret < 0)
		return ret;
	*head = (uint16_t)status.head;
	return 0;
}

int rr_buf_ring_available(struct rr_ring *ring, const struct rr_buf_ring *br)
{
	uint16_t head;

	if (!br || !br->bufs)
		return -EINVAL;
	int ret = rr_buf_ring_head(ring, br->group_id, &head);
	if (ret < 0)
		return ret;
	return (uint16_t)(br->tail - head);
}
