/*
 * The scheduling calls: check the op is free, record the arguments, queue
 * it.  Nothing here allocates or enters the kernel; the loop hands queued
 * ops to the backend in batches on its next turn.
 */
#define _GNU_SOURCE
#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>

#include "../common/clock.h"
#ifdef RR_HAVE_URING
#include "../backend/uring_prep.h"
#include "rawring/ring.h"
#endif
#include "loop_internal.h"
#include "timer_wheel.h"

#ifndef IOV_MAX
#define IOV_MAX 1024
#endif

/* May `op` be scheduled on `loop` now?  0 or the documented error. */
static int claim(struct rr_loop *loop, struct rr_op *op)
{
	if (!loop || !op || !op->callback || !loop->initialized)
		return -EINVAL;
	if (op->state != RR_OP_IDLE) {
		assert(!"rawring: an op was scheduled while still in flight");
		return -EBUSY;
	}
	if (loop->closing)
		return -ESHUTDOWN;
	return 0;
}

/* The op is the loop's from here to its last callback. */
static inline __attribute__((always_inline)) void
mark_queued(struct rr_loop *loop, struct rr_op *op)
{
	op->state = RR_OP_QUEUED;
	op->scheduled_mark = RR_OP_SCHEDULED_MARK;
	op->result = 0;
	op->next = NULL;
	loop->in_flight++;
}

/* Queue the op behind the others: it starts on a later turn. */
static inline __attribute__((always_inline)) void
append(struct rr_loop *loop, struct rr_op *op)
{
	if (loop->queued_tail)
		loop->queued_tail->next = op;
	else
		loop->queued_head = op;
	loop->queued_tail = op;
	loop->queued_count++;
}

/* Hand the op to the backend now.  The backend only prepares it (an SQE, a
 * list entry); the system call still waits for the loop's next turn, with
 * the rest of the batch.  Without room it waits in the queue.  Out of line
 * (and tail-called): on io_uring most ops start directly (start_direct),
 * and the registers this call needs saved would cost them all. */
static __attribute__((noinline)) int start_now(struct rr_loop *loop, struct rr_op *op)
{
	int ret = loop->backend->start(loop, op);

	if (ret == 0) {
		op->state = RR_OP_IN_FLIGHT;
		loop->stats.ops_submitted++;
		return 0;
	}
	if (ret != -EAGAIN)
		rr__complete_later(loop, op, ret);
	else
		append(loop, op);
	return 0;
}

/* enqueue of a linked op, one on a registered file or a polled one: a
 * linked op waits in the queue for the rest of its chain, whatever is ahead
 * of it. */
static __attribute__((noinline)) int enqueue_marked(struct rr_loop *loop, struct rr_op *op)
{
	if (op->flags & RR_OP_F_FIXED_FILE) { /* its fd is a table index */
		int ret = rr__fixed_file_claim(loop, op);
		if (ret < 0)
			return ret;
	}
	mark_queued(loop, op);
	if (!loop->queued_head && !(op->flags & RR_OP_F_LINK))
		return start_now(loop, op);
	append(loop, op);
	return 0;
}

#ifdef RR_HAVE_URING
/*
 * The direct start (backend.h): an op the io_uring backend would put in its
 * SQ as it is, the scheduling call puts there itself, by the backend's own
 * mapping (uring_prep.h; with a constant type, one prep), with no call into
 * the backend.  False when it cannot: another backend, a type whose SQE
 * needs the backend (it starts the op), or a full SQ (it says -EAGAIN).
 */
static inline __attribute__((always_inline)) bool
start_direct(struct rr_loop *loop, struct rr_op *op, enum rr_op_type type)
{
	if (!loop->direct_sq || !rr__uring_plain_type(type))
		return false;
	struct io_uring_sqe *sqe = rr_get_sqe(loop->direct_sq);
	if (!sqe)
		return false;
	(void)rr__uring_prep_plain(sqe, op, type);
	rr_sqe_set_data(sqe, op);
	op->state = RR_OP_IN_FLIGHT;
	loop->stats.ops_submitted++;
	return true;
}
#else
static inline bool start_direct(struct rr_loop *loop, struct rr_op *op, enum rr_op_type type)
{
	(void)loop, (void)op, (void)type;
	return false;
}
#endif

/* Inlined into every scheduling call: it is the whole of rr_nop, and
 * half of each of the others.  Nothing queued ahead of the op: it starts
 * now, directly or by the backend.  An op with a mark that changes its SQE
 * or its ring (linked, on a registered file, polled) goes the long way. */
static inline __attribute__((always_inline)) int
enqueue(struct rr_loop *loop, struct rr_op *op, enum rr_op_type type)
{
	op->type = (uint8_t)type;
	if (op->flags & (RR_OP_F_FIXED_FILE | RR_OP_F_LINK | RR_OP_F_POLLED)) /* one test */
		return enqueue_marked(loop, op);
	mark_queued(loop, op);
	if (!loop->queued_head) {
		if (start_direct(loop, op, type))
			return 0;
		return start_now(loop, op);
	}
	append(loop, op);
	return 0;
}

#define CLAIM(loop, op)                                                        \
	do {                                                                   \
		int claim_ret_ = claim(loop, op);                              \
		if (claim_ret_)                                                \
			return claim_ret_;                                     \
	} while (0)

int rr_nop(struct rr_loop *loop, struct rr_op *op)
{
	CLAIM(loop, op);
	return enqueue(loop, op, RR_OP_NOP);
}

static int schedule_rw(struct rr_loop *loop, struct rr_op *op,
		       enum rr_op_type type, rr_fd_t fd, const void *buf,
		       unsigned len, int64_t offset)
{
	CLAIM(loop, op);
	if ((!buf && len) || len > INT_MAX)
		return -EINVAL;
	op->args.rw.fd = fd;
	op->args.rw.buf = (void *)(uintptr_t)buf;
	op->args.rw.len = len;
	op->args.rw.offset = (uint64_t)offset;
	return enqueue(loop, op, type);
}

int rr_read(struct rr_loop *loop, struct rr_op *op, rr_fd_t fd, void *buf,
	    unsigned len, int64_t offset)
{
	return schedule_rw(loop, op, RR_OP_READ, fd, buf, len, offset);
}

int rr_write(struct rr_loop *loop, struct rr_op *op, rr_fd_t fd, const void *buf,
	     unsigned len, int64_t offset)
{
	return schedule_rw(loop, op, RR_OP_WRITE, fd, buf, len, offset);
}

static int schedule_rwv(struct rr_loop *loop, struct rr_op *op,
			enum rr_op_type type, rr_fd_t fd, const struct iovec *iov,
			unsigned iovcnt, int64_t offset)
{
	CLAIM(loop, op);
	if ((!iov && iovcnt) || iovcnt > IOV_MAX)
		return -EINVAL;
	uint64_t total = 0;
	for (unsigned i = 0; i < iovcnt; i++)
		total += iov[i].iov_len;
	if (total > INT_MAX)
		return -EINVAL;
	op->args.rwv.fd = fd;
	op->args.rwv.iov = iov;
	op->args.rwv.iovcnt = iovcnt;
	op->args.rwv.offset = (uint64_t)offset;
	return enqueue(loop, op, type);
}

static int schedule_fixed(struct rr_loop *loop, struct rr_op *op,
			  enum rr_op_type type, rr_fd_t fd, const void *buf,
			  unsigned len, int64_t offset, unsigned buf_index)
{
	CLAIM(loop, op);
	if (len > INT_MAX)
		return -EINVAL;
	int ret = rr__fixed_buffer_check(loop, buf, len, buf_index);
	if (ret < 0)
		return ret;
	op->args.rw.fd = fd;
	op->args.rw.buf = (void *)(uintptr_t)buf;
	op->args.rw.len = len;
	op->args.rw.offset = (uint64_t)offset;
	op->args.rw.buf_index = buf_index;
	return enqueue(loop, op, type);
}

int rr_read_fixed(struct rr_loop *loop, struct rr_op *op, rr_fd_t fd, void *buf,
		  unsigned len, int64_t offset, unsigned buf_index)
{
	return schedule_fixed(loop, op, RR_OP_READ_FIXED, fd, buf, len, offset, buf_index);
}

int rr_write_fixed(struct rr_loop *loop, struct rr_op *op, rr_fd_t fd,
		   const void *buf, unsigned len, int64_t offset, unsigned buf_index)
{
	return schedule_fixed(loop, op, RR_OP_WRITE_FIXED, fd, buf, len, offset, buf_index);
}

int rr_readv(struct rr_loop *loop, struct rr_op *op, rr_fd_t fd,
	     const struct iovec *iov, unsigned iovcnt, int64_t offset)
{
	return schedule_rwv(loop, op, RR_OP_READV, fd, iov, iovcnt, offset);
}

int rr_writev(struct rr_loop *loop, struct rr_op *op, rr_fd_t fd,
	      const struct iovec *iov, unsigned iovcnt, int64_t offset)
{
	return schedule_rwv(loop, op, RR_OP_WRITEV, fd, iov, iovcnt, offset);
}

static int schedule_fd(struct rr_loop *loop, struct rr_op *op,
		       enum rr_op_type type, rr_fd_t fd)
{
	CLAIM(loop, op);
	op->args.fd_only.fd = fd;
	return enqueue(loop, op, type);
}

int rr_fsync(struct rr_loop *loop, struct rr_op *op, rr_fd_t fd)
{
	return schedule_fd(loop, op, RR_OP_FSYNC, fd);
}

int rr_fdatasync(struct rr_loop *loop, struct rr_op *op, rr_fd_t fd)
{
	return schedule_fd(loop, op, RR_OP_FDATASYNC, fd);
}

int rr_close(struct rr_loop *loop, struct rr_op *op, rr_fd_t fd)
{
	int ret = schedule_fd(loop, op, RR_OP_CLOSE, fd);

	if (ret == 0) { /* deinit lets closes finish first */
		op->flags |= RR_OP_F_COUNTED;
		loop->closes_in_flight++;
	}
	return ret;
}

int rr_openat(struct rr_loop *loop, struct rr_op *op, rr_fd_t dfd,
	      const char *path, int flags, unsigned mode)
{
	CLAIM(loop, op);
	if (!path)
		return -EINVAL;
	op->args.open.dfd = dfd;
	op->args.open.path = path;
	op->args.open.flags = flags;
	op->args.open.mode = mode;
	return enqueue(loop, op, RR_OP_OPENAT);
}

int rr_statx(struct rr_loop *loop, struct rr_op *op, rr_fd_t dfd, const char *path,
	     int flags, unsigned mask, struct statx *buf)
{
	CLAIM(loop, op);
	if (!path || !buf)
		return -EINVAL;
	op->args.statx.dfd = dfd;
	op->args.statx.path = path;
	op->args.statx.flags = flags;
	op->args.statx.mask = mask;
	op->args.statx.buf = buf;
	return enqueue(loop, op, RR_OP_STATX);
}

static int schedule_accept(struct rr_loop *loop, struct rr_op *op, rr_fd_t fd,
			   struct sockaddr *addr, socklen_t *addrlen, int flags,
			   bool multishot)
{
	CLAIM(loop, op);
	if (addr && !addrlen)
		return -EINVAL;
	op->args.accept.fd = fd;
	op->args.accept.addr = addr;
	op->args.accept.addrlen = addrlen;
	op->args.accept.flags = flags;
	/* Before enqueue: the backend may prepare the op right away. */
	if (multishot)
		op->flags |= RR_OP_F_MULTISHOT;
	return enqueue(loop, op, RR_OP_ACCEPT);
}

int rr_accept(struct rr_loop *loop, struct rr_op *op, rr_fd_t fd,
	      struct sockaddr *addr, socklen_t *addrlen, int flags)
{
	return schedule_accept(loop, op, fd, addr, addrlen, flags, false);
}

int rr_accept_multishot(struct rr_loop *loop, struct rr_op *op, rr_fd_t fd,
			int flags)
{
	return schedule_accept(loop, op, fd, NULL, NULL, flags, true);
}

static int schedule_recv_group(struct rr_loop *loop, struct rr_op *op, rr_fd_t fd,
			       struct rr_buf_group *group, int flags, unsigned most)
{
	CLAIM(loop, op);
	if (!group || group->loop != loop || group->send || (most > 1 && group->incremental))
		return -EINVAL; /* (a bundle's buffers are whole ones) */
	op->args.group_io.fd = fd;
	op->args.group_io.group = group;
	op->args.group_io.flags = flags;
	op->args.group_io.buffer = 0;
	op->args.group_io.count = 0;
	op->args.group_io.most = (unsigned short)most;
	op->args.group_io.offset = 0;
	op->args.group_io.kept = false;
	op->flags |= RR_OP_F_MULTISHOT; /* before enqueue, as for accept */
	return enqueue(loop, op, RR_OP_RECV_MULTISHOT);
}

int rr_recv_multishot(struct rr_loop *loop, struct rr_op *op, rr_fd_t fd,
		      struct rr_buf_group *group, int flags)
{
	return schedule_recv_group(loop, op, fd, group, flags, 1);
}

int rr_recv_bundle(struct rr_loop *loop, struct rr_op *op, rr_fd_t fd,
		   struct rr_buf_group *group, int flags)
{
	return schedule_recv_group(loop, op, fd, group, flags, RR_RECV_BUNDLE_EMULATED);
}

#ifdef MSG_DONTWAIT
#define SEND_BUNDLE_REFUSED_FLAGS MSG_DONTWAIT
#else
#define SEND_BUNDLE_REFUSED_FLAGS 0 /* (Windows has no such flag) */
#endif

/* How many buffers from the head of send group `group`'s queue one send
 * bundle takes: RR_SEND_BUNDLE_MAX at most, INT_MAX bytes at most (its
 * result is an int). */
static unsigned send_bundle_take(const struct rr_buf_group *group)
{
	unsigned n = 0;
	size_t bytes = 0;

	while (n < group->free_count && n < RR_SEND_BUNDLE_MAX) {
		unsigned len = group->filled[rr__send_queued_id(group, n)];
		if (bytes + len > INT_MAX)
			break;
		bytes += len;
		n++;
	}
	return n;
}

int rr_send_bundle(struct rr_loop *loop, struct rr_op *op, rr_fd_t fd,
		   struct rr_buf_group *group, int flags)
{
	CLAIM(loop, op);
	/* Not linked on: io_uring can end a bundle short, and the loop sends
	 * the rest itself, after the kernel would have started the next op.
	 * No MSG_DONTWAIT: a bundle waits for room (the kernel would end it at
	 * the first full socket, the emulation would not). */
	if (!group || group->loop != loop || !group->send || (op->flags & RR_OP_F_LINK) ||
	    (flags & SEND_BUNDLE_REFUSED_FLAGS))
		return -EINVAL;
	if (group->sending)
		return -EBUSY; /* one at a time: the queue has one head */
	op->args.group_io.fd = fd;
	op->args.group_io.group = group;
	op->args.group_io.flags = flags;
	op->args.group_io.buffer = 0;
	op->args.group_io.count = 0;     /* none taken yet (rr__send_bundle_took) */
	op->args.group_io.most = (unsigned short)send_bundle_take(group);
	op->args.group_io.offset = 0;
	op->args.group_io.kept = false;
	op->final_result = 0;            /* io_uring: bytes of earlier passes */
	/* Counted: its last callback gives the buffers back (rr__uncount). */
	op->flags |= RR_OP_F_COUNTED;
	group->sending = true;
	int ret = enqueue(loop, op, RR_OP_SEND_BUNDLE);
	if (ret < 0) {
		group->sending = false;
		op->flags &= (uint16_t)~RR_OP_F_COUNTED;
	}
	return ret;
}

int rr_connect(struct rr_loop *loop, struct rr_op *op, rr_fd_t fd,
	       const struct sockaddr *addr, socklen_t addrlen)
{
	CLAIM(loop, op);
	if (!addr)
		return -EINVAL;
	op->args.connect.fd = fd;
	op->args.connect.addr = addr;
	op->args.connect.addrlen = addrlen;
	return enqueue(loop, op, RR_OP_CONNECT);
}

static int schedule_xfer(struct rr_loop *loop, struct rr_op *op,
			 enum rr_op_type type, rr_fd_t fd, const void *buf,
			 size_t len, int flags)
{
	CLAIM(loop, op);
	if ((!buf && len) || len > INT_MAX)
		return -EINVAL;
	op->args.xfer.fd = fd;
	op->args.xfer.buf = (void *)(uintptr_t)buf;
	op->args.xfer.len = len;
	op->args.xfer.flags = flags;
	return enqueue(loop, op, type);
}

int rr_recv(struct rr_loop *loop, struct rr_op *op, rr_fd_t fd, void *buf,
	    size_t len, int flags)
{
	return schedule_xfer(loop, op, RR_OP_RECV, fd, buf, len, flags);
}

int rr_send(struct rr_loop *loop, struct rr_op *op, rr_fd_t fd, const void *buf,
	    size_t len, int flags)
{
	return schedule_xfer(loop, op, RR_OP_SEND, fd, buf, len, flags);
}

int rr_send_zc(struct rr_loop *loop, struct rr_op *op, rr_fd_t fd, const void *buf,
	       size_t len, int flags)
{
	return schedule_xfer(loop, op, RR_OP_SEND_ZC, fd, buf, len, flags);
}

static int schedule_msg(struct rr_loop *loop, struct rr_op *op,
			enum rr_op_type type, rr_fd_t fd, const struct msghdr *msg,
			int flags)
{
	CLAIM(loop, op);
	if (!msg || msg->msg_iovlen > IOV_MAX)
		return -EINVAL;
	op->args.msg.fd = fd;
	op->args.msg.msg = (struct msghdr *)(uintptr_t)msg;
	op->args.msg.flags = flags;
	return enqueue(loop, op, type);
}

int rr_recvmsg(struct rr_loop *loop, struct rr_op *op, rr_fd_t fd,
	       struct msghdr *msg, int flags)
{
	return schedule_msg(loop, op, RR_OP_RECVMSG, fd, msg, flags);
}

int rr_sendmsg(struct rr_loop *loop, struct rr_op *op, rr_fd_t fd,
	       const struct msghdr *msg, int flags)
{
	return schedule_msg(loop, op, RR_OP_SENDMSG, fd, msg, flags);
}

int rr_shutdown(struct rr_loop *loop, struct rr_op *op, rr_fd_t fd, int how)
{
	CLAIM(loop, op);
	op->args.shutdown.fd = fd;
	op->args.shutdown.how = how;
	return enqueue(loop, op, RR_OP_SHUTDOWN);
}

int rr_poll(struct rr_loop *loop, struct rr_op *op, rr_fd_t fd, unsigned events)
{
	CLAIM(loop, op);
	op->args.poll.fd = fd;
	op->args.poll.events = events;
	return enqueue(loop, op, RR_OP_POLL);
}

int rr_timeout(struct rr_loop *loop, struct rr_op *op, uint64_t ns,
	       unsigned flags)
{
	CLAIM(loop, op);
	if ((op->flags & RR_OP_F_LINK) || (flags & ~RR_TIMEOUT_ABSOLUTE))
		return -EINVAL;

	uint64_t deadline = ns;
	if (!(flags & RR_TIMEOUT_ABSOLUTE)) {
		uint64_t now = rr__monotonic_ns();
		deadline = ns > UINT64_MAX - now ? UINT64_MAX : now + ns;
	}
	op->type = RR_OP_TIMEOUT;
	op->state = RR_OP_TIMER;
	op->scheduled_mark = RR_OP_SCHEDULED_MARK;
	op->result = 0;
	op->next = NULL;
	op->args.timer.deadline_ns = deadline;
	rr__timers_add(loop->timers, op);
	loop->in_flight++;
	return 0;
}
