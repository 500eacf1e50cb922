/*
 * rr_ring_init_preferred: create a ring with as many of the caller's setup
 * flags as the running kernel accepts.  A program written for a new kernel
 * (DEFER_TASKRUN, NO_SQARRAY, ...) still starts on an older one, and learns
 * which flags it got.
 */
#include <errno.h>
#include <unistd.h>

#include "rawring/ring.h"

/* Ask the kernel whether it takes `flags` with the caller's other params,
 * without mapping anything: 1 yes, 0 no (-EINVAL), or -errno. */
static int kernel_accepts(unsigned entries, const struct io_uring_params *base,
			  unsigned flags)
{
	struct io_uring_params trial = *base;

	trial.flags = flags;
	int fd = rr_io_uring_setup(entries, &trial);
	if (fd >= 0) {
		close(fd);
		return 1;
	}
	return fd == -EINVAL ? 0 : fd;
}

/* One pass over the bits of `offered`, lowest first, adding each the kernel
 * accepts on top of *kept.  Returns 0 or -errno. */
static int add_accepted(unsigned entries, const struct io_uring_params *base,
			unsigned offered, unsigned *kept)
{
	for (unsigned bit = 0; bit < 32; bit++) {
		unsigned flag = 1U << bit;

		if (!(offered & flag) || (*kept & flag))
			continue;
		int ret = kernel_accepts(entries, base, *kept | flag);
		if (ret < 0)
			return ret;
		if (ret)
			*kept |= flag;
	}
	return 0;
}

int rr_ring_init_preferred(unsigned entries, struct rr_ring *ring,
			   struct io_uring_params *params)
{
	if (!ring || !params)
		return -EINVAL;

	struct io_uring_params wanted = *params;
	int ret = rr_ring_init_params(entries, ring, params);
	if (ret != -EINVAL)
		return ret;
	*params = wanted;

	/* Entries or other params the kernel refuses even without flags: the
	 * flags are not the problem. */
	ret = kernel_accepts(entries, &wanted, 0);
	if (ret <= 0)
		return ret < 0 ? ret : -EINVAL;

	unsigned kept = 0;
	ret = add_accepted(entries, &wanted, wanted.flags, &kept);
	if (ret == 0 && kept != wanted.flags)
		ret = add_accepted(entries, &wanted, wanted.flags & ~kept, &kept);
	if (ret < 0)
		return ret;

	params->flags = kept;
	return rr_ring_init_params(entries, ring, params);
}
