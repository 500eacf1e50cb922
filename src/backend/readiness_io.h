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

/*
 * Classify `op` the first time it is tried: which fd it waits on (-1 for
 * ops that never wait) and on which side.  May fstat the fd (read/write
 * ops: regular files run at once, sockets and pipes wait).  Returns 0 or
 * -errno to complete the op with.
 */
int rr__classify(struct rr_readiness *r, struct rr_op *op, int *fd,
		 enum rr_op_wait *side);

/*
 * Try the op's system call.  `ready` holds the RR_READY_* bits the poller
 * reported, or 0 on the first try; `event_error` a socket error the poller
 * learned with that report (kqueue's EV_EOF fflags), else 0.  Returns the
 * op's result (>= 0 or -errno) or RR_ATTEMPT_WAIT.
 */
int rr__attempt(struct rr_readiness *r, struct rr_op *op, unsigned ready,
		int event_error);

#endif
