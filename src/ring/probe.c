/* IORING_REGISTER_PROBE: which opcodes the running kernel supports. */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "rawring/register.h"

_Static_assert(offsetof(struct rr_probe, ops) == sizeof(struct io_uring_probe),
	       "struct rr_probe must lay out like struct io_uring_probe");

#define PROBE_OPS 256u

int rr_probe_ring(struct rr_ring *ring, struct rr_probe *probe)
{
	if (!ring || !probe)
		return -EINVAL;
	memset(probe, 0, sizeof(*probe));
	int ret = rr_io_uring_register(ring->ring_fd, IORING_REGISTER_PROBE,
				       probe, PROBE_OPS);
	return ret < 0 ? ret : 0;
}

int rr_probe_kernel(struct rr_probe *probe)
{
	struct rr_ring ring;

	int ret = rr_ring_init(2, &ring, 0);
	if (ret < 0)
		return ret;
	ret = rr_probe_ring(&ring, probe);
	rr_ring_exit(&ring);
	return ret;
}

bool rr_opcode_supported(const struct rr_probe *probe, unsigned opcode)
{
	if (!probe || opcode > probe->last_op || opcode >= probe->ops_len)
		return false;
	return probe->ops[opcode].flags & IO_URING_OP_SUPPORTED;
}
