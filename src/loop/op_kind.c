/* The op table (op_kind.h). */
#ifndef _WIN32
#include <poll.h>
#endif

#include "op_kind.h"

/* Designated by type, so a new op type that is left out is all false:
 * no fd, never waits. */
const struct rr_op_kind rr__op_kinds[RR_OP_TYPE_COUNT] = {
	[RR_OP_READ] = { .wait = RR_WAIT_READ, .has_fd = true, .reads = true },
	[RR_OP_WRITE] = { .wait = RR_WAIT_WRITE, .has_fd = true },
	[RR_OP_READV] = { .wait = RR_WAIT_READ, .has_fd = true, .reads = true },
	[RR_OP_WRITEV] = { .wait = RR_WAIT_WRITE, .has_fd = true },
	[RR_OP_FSYNC] = { .has_fd = true },
	[RR_OP_FDATASYNC] = { .has_fd = true },
	[RR_OP_CLOSE] = { .has_fd = true, .runs_at_deinit = true },
	[RR_OP_ACCEPT] = { .wait = RR_WAIT_READ, .has_fd = true, .socket_only = true },
	[RR_OP_CONNECT] = { .wait = RR_WAIT_WRITE, .has_fd = true, .socket_only = true },
	[RR_OP_RECV] = { .wait = RR_WAIT_READ, .has_fd = true, .reads = true,
			 .socket_only = true },
	[RR_OP_SEND] = { .wait = RR_WAIT_WRITE, .has_fd = true, .socket_only = true },
	[RR_OP_SEND_ZC] = { .wait = RR_WAIT_WRITE, .has_fd = true, .socket_only = true },
	[RR_OP_SEND_BUNDLE] = { .wait = RR_WAIT_WRITE, .has_fd = true, .socket_only = true },
	[RR_OP_RECVMSG] = { .wait = RR_WAIT_READ, .has_fd = true, .reads = true,
			    .socket_only = true },
	[RR_OP_SENDMSG] = { .wait = RR_WAIT_WRITE, .has_fd = true, .socket_only = true },
	[RR_OP_SHUTDOWN] = { .has_fd = true, .socket_only = true },
	[RR_OP_POLL] = { .wait = RR_WAIT_EVENTS, .has_fd = true },
	[RR_OP_RECV_MULTISHOT] = { .wait = RR_WAIT_READ, .has_fd = true, .reads = true,
				   .socket_only = true },
	[RR_OP_READ_FIXED] = { .wait = RR_WAIT_READ, .has_fd = true, .reads = true },
	[RR_OP_WRITE_FIXED] = { .wait = RR_WAIT_WRITE, .has_fd = true },
};

enum rr_op_wait rr__op_wait(const struct rr_op *op)
{
	enum rr_op_wait wait = (enum rr_op_wait)rr__op_kind(op)->wait;

	if (wait != RR_WAIT_EVENTS)
		return wait;
	return (op->args.poll.events & (POLLIN | POLLPRI)) ? RR_WAIT_READ : RR_WAIT_WRITE;
}

uint64_t rr__op_expected_length(const struct rr_op *op)
{
	uint64_t total = 0;

	switch ((enum rr_op_type)op->type) {
	case RR_OP_READ:
	case RR_OP_WRITE:
	case RR_OP_READ_FIXED:
	case RR_OP_WRITE_FIXED:
		return op->args.rw.len;
	case RR_OP_READV:
	case RR_OP_WRITEV:
		for (unsigned i = 0; i < op->args.rwv.iovcnt; i++)
			total += op->args.rwv.iov[i].iov_len;
		return total;
	default:
		return 0;
	}
}
