/* IORING_REGISTER_PROBE: which opcodes the running kernel supports. */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "rawring/register.h"
#include "register_internal.h"

_Static_assert(offsetof(struct rr_probe, ops) == sizeof(struct io_uring_probe),
	       "struct rr_probe must lay out like struct io_uring_probe");

/* The kernel refuses longer probes (it knows fewer opcodes than this and
 * fills at most as many entries as it knows). */
#define PROBE_MAX_OPS 256u

_Static_assert(sizeof(((struct rr_probe *)0)->ops) ==
		       PROBE_MAX_OPS * sizeof(struct io_uring_probe_op),
	       "struct rr_probe has room for every probe entry");

int rr_register_probe(struct rr_ring *ring, struct io_uring_probe *probe,
		      unsigned nr_ops)
{
	if (!ring || !probe || nr_ops > PROBE_MAX_OPS)
		return -EINVAL;
	/* The kernel wants the header and the entries it reads zeroed. */
	memset(probe, 0, sizeof(*probe) + nr_ops * sizeof(probe->ops[0]));
	int ret = rr__ring_register(ring, IORING_REGISTER_PROBE, probe, nr_ops);
	return ret < 0 ? ret : 0;
}

int rr_probe_ring(struct rr_ring *ring, struct rr_probe *probe)
{
	if (!ring || !probe)
		return -EINVAL;
	memset(probe, 0, sizeof(*probe));
	return rr_register_probe(ring, (struct io_uring_probe *)(void *)probe,
				 PROBE_MAX_OPS);
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
