/*
 * What the register files share: the one path every io_uring_register call
 * of a ring takes.
 */
#ifndef RAWRING_REGISTER_INTERNAL_H
#define RAWRING_REGISTER_INTERNAL_H

#include "ring_internal.h"

/*
 * io_uring_register(2) on `ring`: through its registered index when the
 * ring fd is registered and the kernel takes one
 * (RR_IORING_REGISTER_USE_REGISTERED_RING, IORING_FEAT_REG_REG_RING),
 * through ring->ring_fd otherwise.  -EINVAL for a NULL ring, -EBADF for an
 * exited one; the kernel's result otherwise.
 */
int rr__ring_register(struct rr_ring *ring, unsigned opcode, const void *arg,
		      unsigned nr_args);

#endif /* RAWRING_REGISTER_INTERNAL_H */
