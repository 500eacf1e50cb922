/*
 * io_uring_register(2) for files, buffers, eventfds and the ring fd.  Each
 * function is the opcode and its argument block, nothing more.
 */
#include <errno.h>
#include <string.h>

#include "rawring/register.h"

static int ring_register(struct rr_ring *ring, unsigned opcode,
			 const void *arg, unsigned nr_args)
{
	return rr_io_uring_register(ring->ring_fd, opcode, arg, nr_args);
}

int rr_register_buffers(struct rr_ring *ring, const struct iovec *iovecs,
			unsigned nr)
{
	return ring_register(ring, IORING_REGISTER_BUFFERS, iovecs, nr);
}

int rr_unregister_buffers(struct rr_ring *ring)
{
	return ring_register(ring, IORING_UNREGISTER_BUFFERS, NULL, 0);
}

int rr_register_files(struct rr_ring *ring, const int *fds, unsigned nr)
{
	return ring_register(ring, IORING_REGISTER_FILES, fds, nr);
}

int rr_register_files_sparse(struct rr_ring *ring, unsigned nr)
{
	struct io_uring_rsrc_register reg;

	memset(&reg, 0, sizeof(reg));
	reg.nr = nr;
	reg.flags = IORING_RSRC_REGISTER_SPARSE;
	return ring_register(ring, IORING_REGISTER_FILES2, &reg, sizeof(reg));
}

int rr_register_files_update(struct rr_ring *ring, unsigned offset,
			     const int *fds, unsigned nr)
{
	struct io_uring_files_update update;

	memset(&update, 0, sizeof(update));
	update.offset = offset;
	update.fds = (__u64)(uintptr_t)fds;
	return ring_register(ring, IORING_REGISTER_FILES_UPDATE, &update, nr);
}

int rr_unregister_files(struct rr_ring *ring)
{
	return ring_register(ring, IORING_UNREGISTER_FILES, NULL, 0);
}

int rr_register_eventfd(struct rr_ring *ring, int eventfd)
{
	return ring_register(ring, IORING_REGISTER_EVENTFD, &eventfd, 1);
}

int rr_register_eventfd_async(struct rr_ring *ring, int eventfd)
{
	return ring_register(ring, IORING_REGISTER_EVENTFD_ASYNC, &eventfd, 1);
}

int rr_unregister_eventfd(struct rr_ring *ring)
{
	return ring_register(ring, IORING_UNREGISTER_EVENTFD, NULL, 0);
}

int rr_register_ring_fd(struct rr_ring *ring)
{
	struct io_uring_rsrc_update update;

	if (ring->enter_flags & IORING_ENTER_REGISTERED_RING)
		return -EEXIST;
	memset(&update, 0, sizeof(update));
	update.offset = -1U; /* let the kernel pick a slot */
	update.data = (__u64)ring->ring_fd;

	int ret = ring_register(ring, IORING_REGISTER_RING_FDS, &update, 1);
	if (ret < 0)
		return ret;
	if (ret != 1)
		return -EIO;
	ring->enter_fd = (int)update.offset;
	ring->enter_flags |= IORING_ENTER_REGISTERED_RING;
	return 0;
}

int rr_unregister_ring_fd(struct rr_ring *ring)
{
	struct io_uring_rsrc_update update;

	if (!(ring->enter_flags & IORING_ENTER_REGISTERED_RING))
		return -EINVAL;
	memset(&update, 0, sizeof(update));
	update.offset = (__u32)ring->enter_fd;

	int ret = ring_register(ring, IORING_UNREGISTER_RING_FDS, &update, 1);
	if (ret < 0)
		return ret;
	ring->enter_fd = ring->ring_fd;
	ring->enter_flags &= ~IORING_ENTER_REGISTERED_RING;
	return 0;
}

int rr_register_enable_rings(struct rr_ring *ring)
{
	return ring_register(ring, IORING_REGISTER_ENABLE_RINGS, NULL, 0);
}
