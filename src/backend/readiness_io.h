/*
 * One attempt at an op's system call, for the readiness emulation: done
 * without blocking, or reported as "wait for readiness".
 */
#ifndef RAWRING_BACKEND_READINESS_IO_H
#define RAWRING_BACKEND_READINESS_IO_H

#include <limits.h>

#include "readiness.h"

/* Returned by rr__attempt when the op must wait for its fd. */
#define RR_ATTEMPT_WAIT INT_MIN

/* Where an op waits. */
enum rr_wait_side { RR_SIDE_NONE, RR_SIDE_READ, RR_SIDE_WRITE };

/*
 * Classify `op` the first time it is tried: which fd it waits on (-1 for
 * ops that never wait) and on which side.  May fstat the fd (read/write
 * ops: regular files run at once, sockets and pipes wait).  Returns 0 or
 * -errno to complete the op with.
 */
int rr__classify(struct rr_readiness *r, struct rr_op *op, int *fd,
		 enum rr_wait_side *side);

/*
 * Try the op's system call.  `ready` holds the RR_READY_* bits the poller
 * reported, or 0 on the first try.  Returns the op's result (>= 0 or
 * -errno) or RR_ATTEMPT_WAIT.
 */
int rr__attempt(struct rr_readiness *r, struct rr_op *op, unsigned ready);

/* The fd an op names (every op type that can wait has one). */
int rr__op_fd(const struct rr_op *op);

#endif
