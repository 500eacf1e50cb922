/*
 * What each op type means, said once for every backend: the fd it works on,
 * whether and for what it may wait for readiness, whether it reads (so that
 * end of file is a 0 result), whether its fd must be a socket, whether it
 * still runs when the loop is torn down, and the length a linked chain
 * expects of it.  Backends ask these; they do not re-decide them.
 */
#ifndef RAWRING_LOOP_OP_KIND_H
#define RAWRING_LOOP_OP_KIND_H

#include <stdbool.h>
#include <stdint.h>

#include "rawring/loop.h"

/* The readiness an op may wait for (the epoll and kqueue emulation). */
enum rr_op_wait {
	RR_WAIT_NONE,     /* runs at once: never waits for its fd */
	RR_WAIT_READ,     /* waits until its fd is readable */
	RR_WAIT_WRITE,    /* waits until its fd is writable */
	RR_WAIT_EVENTS,   /* a poll: readable or writable, by its events */
};

struct rr_op_kind {
	uint8_t wait;        /* enum rr_op_wait */
	bool has_fd;         /* args.<first member> is the fd it works on */
	bool reads;          /* a read-like op: end of file is a 0 result */
	bool socket_only;    /* its fd must be a socket */
	bool runs_at_deinit; /* asked for, it happens even if deinit comes first */
};

extern const struct rr_op_kind rr__op_kinds[RR_OP_TYPE_COUNT];

static inline const struct rr_op_kind *rr__op_kind(const struct rr_op *op)
{
	return &rr__op_kinds[op->type < RR_OP_TYPE_COUNT ? op->type : RR_OP_NONE];
}

/* The fd (Windows: the handle) an op works on, or RR_FD_NONE (a NOP, a
 * timer, an open or statx, whose dfd names a directory). */
static inline rr_fd_t rr__op_fd(const struct rr_op *op)
{
	/* Every op's argument struct starts with its fd: the union's common
	 * initial sequence, read through any member. */
	return rr__op_kind(op)->has_fd ? op->args.fd_only.fd : RR_FD_NONE;
}

/* Which readiness the op waits for: RR_WAIT_READ or _WRITE for a poll by
 * its events, RR_WAIT_NONE for ops that never wait. */
enum rr_op_wait rr__op_wait(const struct rr_op *op);

/* Bytes a read/write-like op asks for in full; 0 where a short result is
 * no failure.  A linked chain goes on only after the whole length. */
uint64_t rr__op_expected_length(const struct rr_op *op);

#endif
