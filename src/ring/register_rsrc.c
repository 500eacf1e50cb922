/*
 * io_uring_register(2) for the two resource tables, fixed files and fixed
 * buffers: dense, sparse and tagged registration, updates, the allocation
 * range of direct descriptors, and cloning buffers between rings.
 */
#include <errno.h>
#include <string.h>

#include "rawring/register.h"
#include "register_internal.h"

/* IORING_REGISTER_FILES2 / _BUFFERS2: one table, whole, in one call. */
static int register_table(struct rr_ring *ring, unsigned opcode,
			  const void *data, const __u64 *tags, unsigned nr,
			  unsigned flags)
{
	struct io_uring_rsrc_register reg;

	memset(&reg, 0, sizeof(reg));
	reg.nr = nr;
	reg.flags = flags;
	reg.data = (__u64)(uintptr_t)data;
	reg.tags = (__u64)(uintptr_t)tags;
	return rr__ring_register(ring, opcode, &reg, sizeof(reg));
}

/* IORING_REGISTER_FILES_UPDATE2 / _BUFFERS_UPDATE: slots [offset, +nr). */
static int update_table(struct rr_ring *ring, unsigned opcode, unsigned offset,
			const void *data, const __u64 *tags, unsigned nr)
{
	struct io_uring_rsrc_update2 update;

	memset(&update, 0, sizeof(update));
	update.offset = offset;
	update.data = (__u64)(uintptr_t)data;
	update.tags = (__u64)(uintptr_t)tags;
	update.nr = nr;
	return rr__ring_register(ring, opcode, &update, sizeof(update));
}

/* ---- buffers ------------------------------------------------------------ */

int rr_register_buffers(struct rr_ring *ring, const struct iovec *iovecs,
			unsigned nr)
{
	return rr__ring_register(ring, IORING_REGISTER_BUFFERS, iovecs, nr);
}

int rr_register_buffers_tags(struct rr_ring *ring, const struct iovec *iovecs,
			     const __u64 *tags, unsigned nr)
{
	return register_table(ring, IORING_REGISTER_BUFFERS2, iovecs, tags, nr, 0);
}

int rr_register_buffers_sparse(struct rr_ring *ring, unsigned nr)
{
	return register_table(ring, IORING_REGISTER_BUFFERS2, NULL, NULL, nr,
			      IORING_RSRC_REGISTER_SPARSE);
}

int rr_register_buffers_update_tag(struct rr_ring *ring, unsigned offset,
				   const struct iovec *iovecs,
				   const __u64 *tags, unsigned nr)
{
	return update_table(ring, IORING_REGISTER_BUFFERS_UPDATE, offset, iovecs,
			    tags, nr);
}

int rr_unregister_buffers(struct rr_ring *ring)
{
	return rr__ring_register(ring, IORING_UNREGISTER_BUFFERS, NULL, 0);
}

int rr_clone_buffers_offset(struct rr_ring *dst, struct rr_ring *src,
			    unsigned dst_off, unsigned src_off, unsigned nr,
			    unsigned flags)
{
	struct rr_clone_buffers clone;

	if (!dst || !src)
		return -EINVAL;
	if (flags & ~RR_IORING_REGISTER_DST_REPLACE)
		return -EINVAL;
	/* The source is named by its real fd: a registered index would be
	 * looked up in the calling task's table, which rawring does not
	 * need. */
	if (src->ring_fd < 0)
		return -EBADF;
	memset(&clone, 0, sizeof(clone));
	clone.src_fd = (__u32)src->ring_fd;
	clone.flags = flags;
	clone.src_off = src_off;
	clone.dst_off = dst_off;
	clone.nr = nr;
	return rr__ring_register(dst, RR_IORING_REGISTER_CLONE_BUFFERS, &clone, 1);
}

int rr_clone_buffers(struct rr_ring *dst, struct rr_ring *src)
{
	return rr_clone_buffers_offset(dst, src, 0, 0, 0, 0);
}

/* ---- files -------------------------------------------------------------- */

int rr_register_files(struct rr_ring *ring, const int *fds, unsigned nr)
{
	return rr__ring_register(ring, IORING_REGISTER_FILES, fds, nr);
}

int rr_register_files_tags(struct rr_ring *ring, const int *fds,
			   const __u64 *tags, unsigned nr)
{
	return register_table(ring, IORING_REGISTER_FILES2, fds, tags, nr, 0);
}

int rr_register_files_sparse(struct rr_ring *ring, unsigned nr)
{
	return register_table(ring, IORING_REGISTER_FILES2, NULL, NULL, nr,
			      IORING_RSRC_REGISTER_SPARSE);
}

int rr_register_files_update(struct rr_ring *ring, unsigned offset,
			     const int *fds, unsigned nr)
{
	struct io_uring_files_update update;

	memset(&update, 0, sizeof(update));
	update.offset = offset;
	update.fds = (__u64)(uintptr_t)fds;
	return rr__ring_register(ring, IORING_REGISTER_FILES_UPDATE, &update, nr);
}

int rr_register_files_update_tag(struct rr_ring *ring, unsigned offset,
				 const int *fds, const __u64 *tags,
				 unsigned nr)
{
	return update_table(ring, IORING_REGISTER_FILES_UPDATE2, offset, fds,
			    tags, nr);
}

int rr_register_file_alloc_range(struct rr_ring *ring, unsigned offset,
				 unsigned len)
{
	struct io_uring_file_index_range range;

	memset(&range, 0, sizeof(range));
	range.off = offset;
	range.len = len;
	return rr__ring_register(ring, IORING_REGISTER_FILE_ALLOC_RANGE, &range, 0);
}

int rr_unregister_files(struct rr_ring *ring)
{
	return rr__ring_register(ring, IORING_UNREGISTER_FILES, NULL, 0);
}
