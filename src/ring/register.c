/*
 * io_uring_register(2): the path every register call takes, and the
 * opcodes that are an argument block and nothing more (eventfds, the ring
 * fd, personalities, restrictions, io-wq, cancellation, NAPI, the clock,
 * ring-less messages and queries).  Files and buffers are in
 * register_rsrc.c, the ring resize and memory regions in register_resize.c,
 * buffer rings in buf_ring.c, the probe in probe.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "rawring/register.h"
#include "register_internal.h"

int rr__ring_register(struct rr_ring *ring, unsigned opcode, const void *arg,
		      unsigned nr_args)
{
	if (!ring)
		return -EINVAL;
	/* Registered index: the kernel finds the ring in the task's table, no
	 * fd lookup.  Without IORING_FEAT_REG_REG_RING (before 6.3) the flag
	 * would make the opcode unknown, so the real fd is used. */
	unsigned handle_flags;
	int handle = rr__ring_handle(ring, &handle_flags);

	if ((handle_flags & IORING_ENTER_REGISTERED_RING) &&
	    (ring->features & IORING_FEAT_REG_REG_RING))
		return rr_io_uring_register(
			handle, opcode | RR_IORING_REGISTER_USE_REGISTERED_RING,
			arg, nr_args);
	/* fd -1 would make the call a ring-less ("blind") one. */
	if (ring->ring_fd < 0)
		return -EBADF;
	return rr_io_uring_register(ring->ring_fd, opcode, arg, nr_args);
}

/* ---- eventfd ------------------------------------------------------------ */

int rr_register_eventfd(struct rr_ring *ring, int eventfd)
{
	return rr__ring_register(ring, IORING_REGISTER_EVENTFD, &eventfd, 1);
}

int rr_register_eventfd_async(struct rr_ring *ring, int eventfd)
{
	return rr__ring_register(ring, IORING_REGISTER_EVENTFD_ASYNC, &eventfd, 1);
}

int rr_unregister_eventfd(struct rr_ring *ring)
{
	return rr__ring_register(ring, IORING_UNREGISTER_EVENTFD, NULL, 0);
}

/* ---- the ring fd -------------------------------------------------------- */

int rr_register_ring_fd(struct rr_ring *ring)
{
	struct io_uring_rsrc_update update;

	if (!ring)
		return -EINVAL;
	if (ring->enter_flags & IORING_ENTER_REGISTERED_RING)
		return -EEXIST;
	memset(&update, 0, sizeof(update));
	update.offset = -1U; /* let the kernel pick a slot */
	update.data = (__u64)ring->ring_fd;

	int ret = rr__ring_register(ring, IORING_REGISTER_RING_FDS, &update, 1);
	if (ret < 0)
		return ret;
	if (ret != 1)
		return -EIO;
	ring->enter_fd = (int)update.offset;
	ring->enter_flags |= IORING_ENTER_REGISTERED_RING;
	ring->registered_by = rr__thread_token();
	return 0;
}

int rr_unregister_ring_fd(struct rr_ring *ring)
{
	struct io_uring_rsrc_update update;

	if (!ring || !(ring->enter_flags & IORING_ENTER_REGISTERED_RING))
		return -EINVAL;
	/* The index is in the registering thread's table: from here the
	 * same number names this thread's entry, if any. */
	if (!rr__ring_registered_here(ring))
		return -EBADF;
	memset(&update, 0, sizeof(update));
	update.offset = (__u32)ring->enter_fd;

	/* Through the index itself when the kernel allows: it holds its own
	 * reference to the ring for the length of the call. */
	int ret = rr__ring_register(ring, IORING_UNREGISTER_RING_FDS, &update, 1);
	if (ret < 0)
		return ret;
	ring->enter_fd = ring->ring_fd;
	ring->enter_flags &= ~IORING_ENTER_REGISTERED_RING;
	return 0;
}

/* ---- personalities, restrictions, enabling ------------------------------ */

int rr_register_personality(struct rr_ring *ring)
{
	return rr__ring_register(ring, IORING_REGISTER_PERSONALITY, NULL, 0);
}

int rr_unregister_personality(struct rr_ring *ring, int id)
{
	/* The id travels in nr_args; a negative one is no id at all. */
	if (id < 0)
		return -EINVAL;
	return rr__ring_register(ring, IORING_UNREGISTER_PERSONALITY, NULL,
				 (unsigned)id);
}

int rr_register_restrictions(struct rr_ring *ring,
			     const struct io_uring_restriction *res,
			     unsigned nr)
{
	return rr__ring_register(ring, IORING_REGISTER_RESTRICTIONS, res, nr);
}

int rr_register_enable_rings(struct rr_ring *ring)
{
	return rr__ring_register(ring, IORING_REGISTER_ENABLE_RINGS, NULL, 0);
}

/* ---- io-wq -------------------------------------------------------------- */

int rr_register_iowq_aff(struct rr_ring *ring, size_t cpusz,
			 const cpu_set_t *mask)
{
	if (!mask || cpusz == 0 || cpusz > UINT_MAX)
		return -EINVAL;
	return rr__ring_register(ring, IORING_REGISTER_IOWQ_AFF, mask,
				 (unsigned)cpusz);
}

int rr_unregister_iowq_aff(struct rr_ring *ring)
{
	return rr__ring_register(ring, IORING_UNREGISTER_IOWQ_AFF, NULL, 0);
}

int rr_register_iowq_max_workers(struct rr_ring *ring, unsigned values[2])
{
	if (!values)
		return -EINVAL;
	return rr__ring_register(ring, IORING_REGISTER_IOWQ_MAX_WORKERS, values, 2);
}

/* ---- cancellation ------------------------------------------------------- */

int rr_register_sync_cancel(struct rr_ring *ring, struct rr_sync_cancel_reg *reg)
{
	if (!reg)
		return -EINVAL;
	return rr__ring_register(ring, IORING_REGISTER_SYNC_CANCEL, reg, 1);
}

/* ---- NAPI and the clock ------------------------------------------------- */

int rr_register_napi(struct rr_ring *ring, struct rr_napi *napi)
{
	if (!napi)
		return -EINVAL;
	return rr__ring_register(ring, RR_IORING_REGISTER_NAPI, napi, 1);
}

int rr_unregister_napi(struct rr_ring *ring, struct rr_napi *napi)
{
	return rr__ring_register(ring, RR_IORING_UNREGISTER_NAPI, napi, 1);
}

int rr_register_clock(struct rr_ring *ring, struct rr_clock_register *arg)
{
	if (!arg)
		return -EINVAL;
	return rr__ring_register(ring, RR_IORING_REGISTER_CLOCK, arg, 0);
}

/* ---- without a ring ----------------------------------------------------- */

int rr_register_sync_msg(const struct io_uring_sqe *sqe)
{
	if (!sqe)
		return -EINVAL;
	/* fd -1: the kernel's ring-less ("blind") register path. */
	return rr_io_uring_register(-1, RR_IORING_REGISTER_SEND_MSG_RING, sqe, 1);
}

int rr_register_query(struct rr_query_hdr *query)
{
	if (!query)
		return -EINVAL;
	return rr_io_uring_register(-1, RR_IORING_REGISTER_QUERY, query, 0);
}

/* ---- refused ------------------------------------------------------------ */

int rr_register_bpf_filter(struct rr_ring *ring, void *bpf)
{
	(void)ring;
	(void)bpf;
	return -EOPNOTSUPP;
}
