/*
 * The io_uring backend's mapping of an op onto its SQE, for every op type
 * whose SQE depends on the op alone.  Shared by the backend's start
 * (uring.c) and the core's direct start (src/loop/schedule.c: the
 * scheduling calls fill the ring's SQ themselves while the backend offers
 * it, loop->direct_sq), so that the two cannot disagree.  Inlined: called
 * with a constant type, the switch folds to the one prep.
 */
#ifndef RAWRING_BACKEND_URING_PREP_H
#define RAWRING_BACKEND_URING_PREP_H

#include <stdbool.h>

#include "rawring/loop.h"
#include "rawring/prep.h"

/* Whether rr__uring_prep_plain fills an SQE for `type`: all but the types
 * whose SQE needs the backend's own state (a receive into a buffer group:
 * whether the kernel bundles; a send bundle: the buffers it publishes). */
static inline bool rr__uring_plain_type(enum rr_op_type type)
{
	return type > RR_OP_NONE && type < RR_OP_TYPE_COUNT && type != RR_OP_TIMEOUT &&
	       type != RR_OP_RECV_MULTISHOT && type != RR_OP_SEND_BUNDLE;
}

/* Fill `sqe` for `op` of `type` (its type, or the one being scheduled):
 * true, or false for a type that is not plain (rr__uring_plain_type).  Its
 * user_data and the flags of the op's marks are the caller's. */
static inline __attribute__((always_inline)) bool
rr__uring_prep_plain(struct io_uring_sqe *sqe, const struct rr_op *op, enum rr_op_type type)
{
	switch (type) {
	case RR_OP_NOP:
		rr_prep_nop(sqe);
		break;
	case RR_OP_READ:
		rr_prep_read(sqe, op->args.rw.fd, op->args.rw.buf, op->args.rw.len,
			     op->args.rw.offset);
		break;
	case RR_OP_WRITE:
		rr_prep_write(sqe, op->args.rw.fd, op->args.rw.buf, op->args.rw.len,
			      op->args.rw.offset);
		break;
	case RR_OP_READV:
		rr_prep_readv(sqe, op->args.rwv.fd, op->args.rwv.iov,
			      op->args.rwv.iovcnt, op->args.rwv.offset);
		break;
	case RR_OP_WRITEV:
		rr_prep_writev(sqe, op->args.rwv.fd, op->args.rwv.iov,
			       op->args.rwv.iovcnt, op->args.rwv.offset);
		break;
	case RR_OP_FSYNC:
		rr_prep_fsync(sqe, op->args.fd_only.fd, 0);
		break;
	case RR_OP_FDATASYNC:
		rr_prep_fdatasync(sqe, op->args.fd_only.fd);
		break;
	case RR_OP_OPENAT:
		rr_prep_openat(sqe, op->args.open.dfd, op->args.open.path,
			       op->args.open.flags, op->args.open.mode);
		break;
	case RR_OP_CLOSE:
		rr_prep_close(sqe, op->args.fd_only.fd);
		break;
	case RR_OP_STATX:
		rr_prep_statx(sqe, op->args.statx.dfd, op->args.statx.path,
			      op->args.statx.flags, op->args.statx.mask,
			      op->args.statx.buf);
		break;
	case RR_OP_ACCEPT:
		if (op->flags & RR_OP_F_MULTISHOT)
			rr_prep_multishot_accept(sqe, op->args.accept.fd, NULL, NULL,
						 op->args.accept.flags);
		else
			rr_prep_accept(sqe, op->args.accept.fd, op->args.accept.addr,
				       op->args.accept.addrlen, op->args.accept.flags);
		break;
	case RR_OP_CONNECT:
		rr_prep_connect(sqe, op->args.connect.fd, op->args.connect.addr,
				op->args.connect.addrlen);
		break;
	case RR_OP_RECV:
		rr_prep_recv(sqe, op->args.xfer.fd, op->args.xfer.buf,
			     op->args.xfer.len, op->args.xfer.flags);
		break;
	case RR_OP_SEND:
		rr_prep_send(sqe, op->args.xfer.fd, op->args.xfer.buf,
			     op->args.xfer.len, op->args.xfer.flags);
		break;
	case RR_OP_SEND_ZC:
		rr_prep_send_zc(sqe, op->args.xfer.fd, op->args.xfer.buf,
				op->args.xfer.len, op->args.xfer.flags, 0);
		break;
	case RR_OP_RECVMSG:
		rr_prep_recvmsg(sqe, op->args.msg.fd, op->args.msg.msg,
				op->args.msg.flags);
		break;
	case RR_OP_SENDMSG:
		rr_prep_sendmsg(sqe, op->args.msg.fd, op->args.msg.msg,
				op->args.msg.flags);
		break;
	case RR_OP_SHUTDOWN:
		rr_prep_shutdown(sqe, op->args.shutdown.fd, op->args.shutdown.how);
		break;
	case RR_OP_POLL:
		rr_prep_poll_add(sqe, op->args.poll.fd, op->args.poll.events);
		break;
	case RR_OP_READ_FIXED:
		rr_prep_read_fixed(sqe, op->args.rw.fd, op->args.rw.buf, op->args.rw.len,
				   op->args.rw.offset, op->args.rw.buf_index);
		break;
	case RR_OP_WRITE_FIXED:
		rr_prep_write_fixed(sqe, op->args.rw.fd, op->args.rw.buf, op->args.rw.len,
				    op->args.rw.offset, op->args.rw.buf_index);
		break;
	default:
		return false;
	}
	return true;
}

#endif
