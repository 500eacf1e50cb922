/*
 * The system calls behind each op for the readiness backends.  Sockets are
 * always used with MSG_DONTWAIT, so a first try costs one call and never
 * blocks.  Pipes and other stream fds whose blocking mode rawring does not
 * control are read or written only after the poller reported them ready.
 * Regular files and block devices are always "ready": their ops run at once,
 * synchronously, on the loop's thread (see the README: a cold-cache read
 * stalls the loop for as long as the disk takes).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#if defined(__linux__) && !defined(RR_HAVE_LIBC_STATX)
#include <linux/stat.h>     /* struct statx: the libc has no wrapper */
#include <sys/syscall.h>
#endif

#include "../common/fault.h"
#include "readiness_io.h"

/* This backend's private op flags (the bits backend.h reserves for it). */
#define OPF_RUN_NOW    RR_OP_F_BACKEND_1  /* a regular file: no readiness needed */
#define OPF_SOCKET     RR_OP_F_BACKEND_2  /* the fd is a socket: MSG_DONTWAIT works */
#define OPF_CONNECTING RR_OP_F_BACKEND_3  /* a non-blocking connect is under way */

#define NO_OFFSET ((uint64_t)-1)

/* io_uring's send ops never raise SIGPIPE; neither do the emulated ones.
 * (Where MSG_NOSIGNAL is missing, as on macOS, the application has to
 * ignore SIGPIPE.) */
#ifdef MSG_NOSIGNAL
#define SEND_FLAGS (MSG_DONTWAIT | MSG_NOSIGNAL)
#else
#define SEND_FLAGS MSG_DONTWAIT
#endif

/* Returned by a call interrupted by a signal: rr__attempt makes it again. */
#define RR_ATTEMPT_RETRY (INT_MIN + 1)

/* -errno of the last failed call, with EAGAIN turned into "wait" and EINTR
 * into "try again". */
static int failed(void)
{
	if (errno == EINTR)
		return RR_ATTEMPT_RETRY;
	return (errno == EAGAIN || errno == EWOULDBLOCK) ? RR_ATTEMPT_WAIT : -errno;
}

/* Count one system call and map its result (`ret` from the call, with
 * errno still set by it). */
static int counted(struct rr_readiness *r, long ret)
{
	r->syscalls++;
	return ret < 0 ? failed() : (int)ret;
}

int rr__classify(struct rr_readiness *r, struct rr_op *op, int *fd,
		 enum rr_op_wait *side)
{
	const struct rr_op_kind *kind = rr__op_kind(op);
	struct stat st;

	*side = rr__op_wait(op);
	*fd = *side == RR_WAIT_NONE ? -1 : rr__op_fd(op);
	if (*side == RR_WAIT_NONE)
		return 0;
	if (*fd < 0)
		return -EBADF; /* what the kernel says of a negative fd */
	if (kind->socket_only) {
		op->flags |= OPF_SOCKET;
		return 0;
	}
	if (kind->wait == RR_WAIT_EVENTS)
		return 0; /* a poll waits on any fd */
	/* read/write and their vectors: on a regular file or a block device
	 * they run at once; a socket takes MSG_DONTWAIT; a pipe waits. */
	r->syscalls++;
	if (RR_FAULTABLE(RR_FAULT_FSTAT, -1, fstat(*fd, &st)) < 0)
		return -errno;
	if (S_ISREG(st.st_mode) || S_ISBLK(st.st_mode)) {
		op->flags |= OPF_RUN_NOW;
		*fd = -1;
		*side = RR_WAIT_NONE;
		return 0;
	}
	if (S_ISSOCK(st.st_mode))
		op->flags |= OPF_SOCKET;
	return 0;
}

/*
 * read/write and readv/writev: a single buffer is a vector of one.  Regular
 * files run at once at their offset (or the file position); sockets take
 * MSG_DONTWAIT; other stream fds wait for readiness first.
 */
static int do_vector(struct rr_readiness *r, struct rr_op *op, unsigned ready,
		     const struct iovec *iov, int count, uint64_t offset,
		     bool reading)
{
	int fd = rr__op_fd(op);

	if (op->flags & OPF_SOCKET) {
		struct msghdr msg = { .msg_iov = (struct iovec *)(uintptr_t)iov,
				      .msg_iovlen = (size_t)count };
		return reading ? counted(r, RR_FAULTABLE(RR_FAULT_RECV, -1,
							 recvmsg(fd, &msg, MSG_DONTWAIT)))
			       : counted(r, RR_FAULTABLE(RR_FAULT_SEND, -1,
							 sendmsg(fd, &msg, MSG_DONTWAIT)));
	}
	if (!(op->flags & OPF_RUN_NOW) && !ready)
		return RR_ATTEMPT_WAIT;
	/* A stream fd has no offset: only a regular file takes one. */
	if (!(op->flags & OPF_RUN_NOW) || offset == NO_OFFSET)
		return reading ? counted(r, RR_FAULTABLE(RR_FAULT_READ, -1, readv(fd, iov, count)))
			       : counted(r, RR_FAULTABLE(RR_FAULT_WRITE, -1, writev(fd, iov, count)));
	return reading ? counted(r, RR_FAULTABLE(RR_FAULT_READ, -1,
						 preadv(fd, iov, count, (off_t)offset)))
		       : counted(r, RR_FAULTABLE(RR_FAULT_WRITE, -1,
						 pwritev(fd, iov, count, (off_t)offset)));
}

static int do_buffer(struct rr_readiness *r, struct rr_op *op, unsigned ready,
		     bool reading)
{
	struct iovec one = { op->args.rw.buf, op->args.rw.len };

	return do_vector(r, op, ready, &one, 1, op->args.rw.offset, reading);
}

/* An op the caller gave MSG_DONTWAIT never waits for its fd: it ends with
 * -EAGAIN, as io_uring ends it (the flag makes its request NOWAIT). */
static int never_wait_if_asked(int flags, int ret)
{
	return ret == RR_ATTEMPT_WAIT && (flags & MSG_DONTWAIT) ? -EAGAIN : ret;
}

/*
 * recv/send: with MSG_WAITALL, io_uring keeps going until the whole buffer
 * is transferred (or EOF/error); the bytes done so far are kept in
 * op->result meanwhile.
 */
static int do_transfer(struct rr_readiness *r, struct rr_op *op, bool receiving)
{
	int fd = op->args.xfer.fd;
	int flags = op->args.xfer.flags;
	char *buf = op->args.xfer.buf;
	size_t len = op->args.xfer.len;
	size_t done = (size_t)op->result;

	for (;;) {
		int ret = receiving
				  ? counted(r, RR_FAULTABLE(RR_FAULT_RECV, -1,
							    recv(fd, buf + done, len - done,
								 flags | MSG_DONTWAIT)))
				  : counted(r, RR_FAULTABLE(RR_FAULT_SEND, -1,
							    send(fd, buf + done, len - done,
								 flags | SEND_FLAGS)));
		if (ret == RR_ATTEMPT_RETRY)
			continue;
		ret = never_wait_if_asked(flags, ret);
		if (ret == RR_ATTEMPT_WAIT || ret < 0) {
			if (ret == RR_ATTEMPT_WAIT || done == 0)
				return ret;
			return (int)done; /* an error after some data: report the data */
		}
		done += (size_t)ret;
		if (!(flags & MSG_WAITALL) || done == len || ret == 0)
			return (int)done;
		op->result = (int)done;
	}
}

/*
 * One chunk of a bundle receive: one recvmsg into up to `most` free
 * buffers of the group, as io_uring's bundle fills them in ring order; the
 * ones it did not reach go back, last taken first, so that the free ring
 * is as it was.
 */
static int do_recv_bundle(struct rr_readiness *r, struct rr_op *op)
{
	struct rr_buf_group *group = op->args.group_io.group;
	struct iovec iov[RR_RECV_BUNDLE_EMULATED];
	unsigned ids[RR_RECV_BUNDLE_EMULATED];
	unsigned taken = 0;
	int id;

	while (taken < op->args.group_io.most && (id = rr__buf_take(group)) >= 0) {
		ids[taken] = (unsigned)id;
		iov[taken].iov_base = rr_buf_group_buffer(group, (unsigned)id);
		iov[taken].iov_len = group->size;
		taken++;
	}
	if (!taken)
		return -ENOBUFS;
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = taken };
	int ret = counted(r, RR_FAULTABLE(RR_FAULT_RECV, -1,
					  recvmsg(op->args.group_io.fd, &msg,
						  op->args.group_io.flags | MSG_DONTWAIT)));
	unsigned filled = ret > 0 ? (unsigned)(((size_t)ret + group->size - 1) / group->size) : 0;
	for (unsigned i = taken; i-- > filled;)
		rr__buf_untake(group, ids[i]);
	if (filled)
		rr__buf_filled(op, ids[0]);
	for (unsigned i = 1; i < filled; i++)
		rr__buf_filled_next(op, ids[i - 1], ids[i]);
	return ret;
}

/*
 * One chunk of a multishot receive, into a free buffer of its group (as
 * io_uring picks one from the buffer ring): -ENOBUFS when none is free.
 */
/*
 * One chunk of a receive into an incremental group: into the rest of the
 * buffer being filled (group->partial), or a free one, as io_uring's
 * IOU_PBUF_RING_INC goes on in the head buffer until it is full.
 */
static int do_recv_part(struct rr_readiness *r, struct rr_op *op)
{
	struct rr_buf_group *group = op->args.group_io.group;
	bool fresh = group->partial < 0;
	int id = fresh ? rr__buf_take(group) : group->partial;

	if (id < 0)
		return -ENOBUFS;
	unsigned at = group->filled[id];
	int ret = counted(r, RR_FAULTABLE(RR_FAULT_RECV, -1,
					  recv(op->args.group_io.fd,
					       (char *)rr_buf_group_buffer(group, (unsigned)id) + at,
					       group->size - at,
					       op->args.group_io.flags | MSG_DONTWAIT)));
	if (ret > 0) {
		bool kept = at + (unsigned)ret < group->size;
		rr__buf_filled_part(op, (unsigned)id, ret, kept);
		group->partial = kept ? id : -1;
	} else if (fresh) {
		rr__buf_untake(group, (unsigned)id);
	}
	return ret;
}

static int do_recv_group(struct rr_readiness *r, struct rr_op *op)
{
	struct rr_buf_group *group = op->args.group_io.group;

	if (op->args.group_io.most > 1)
		return do_recv_bundle(r, op);
	if (group->incremental)
		return do_recv_part(r, op);
	int id = rr__buf_take(group);
	if (id < 0)
		return -ENOBUFS;
	int ret = counted(r, RR_FAULTABLE(RR_FAULT_RECV, -1,
					  recv(op->args.group_io.fd,
					       rr_buf_group_buffer(group, (unsigned)id),
					       group->size,
					       op->args.group_io.flags | MSG_DONTWAIT)));
	if (ret > 0)
		rr__buf_filled(op, (unsigned)id);
	else
		rr__buf_untake(group, (unsigned)id);
	return ret;
}

/*
 * A send bundle: sendmsg over the buffers it took from the head of its
 * group's queue, past the bytes already sent (kept in group_io.offset),
 * until all are sent, as io_uring's bundle goes on until they are.  The
 * first call that reaches the socket takes the buffers (rr__send_bundle_took):
 * from then on the callback gives them back whatever happens, as the
 * kernel consumes them once it has picked them.
 */
static int do_send_bundle(struct rr_readiness *r, struct rr_op *op)
{
	struct rr_buf_group *group = op->args.group_io.group;
	unsigned most = op->args.group_io.most;

	if (!most)
		return -ENOBUFS;
	for (;;) {
		struct iovec iov[RR_SEND_BUNDLE_MAX];
		size_t skip = op->args.group_io.offset;
		unsigned n = 0;
		for (unsigned i = 0; i < most; i++) {
			unsigned id = rr__send_queued_id(group, i);
			size_t len = group->filled[id];
			if (skip >= len) {
				skip -= len;
				continue;
			}
			iov[n].iov_base = (char *)rr_buf_group_buffer(group, id) + skip;
			iov[n].iov_len = len - skip;
			n++;
			skip = 0;
		}
		if (!n)
			return (int)op->args.group_io.offset; /* all sent */
		struct msghdr msg = { .msg_iov = iov, .msg_iovlen = n };
		int ret = counted(r, RR_FAULTABLE(RR_FAULT_SEND, -1,
						  sendmsg(op->args.group_io.fd, &msg,
							  op->args.group_io.flags | SEND_FLAGS)));
		if (ret == RR_ATTEMPT_RETRY)
			continue;
		if ((ret == -EBADF || ret == -ENOTSOCK) && !op->args.group_io.count)
			return ret; /* never reached a socket: nothing taken */
		rr__send_bundle_took(op);
		if (ret == RR_ATTEMPT_WAIT)
			return ret;
		if (ret < 0) /* after some data: report the data */
			return op->args.group_io.offset ? (int)op->args.group_io.offset : ret;
		op->args.group_io.offset += (unsigned)ret;
	}
}

/*
 * A connect that was left waiting, now that the socket is writable: its
 * error, 0 once connected, or RR_ATTEMPT_RETRY when the socket is not
 * connecting at all (the connect said EAGAIN: a full listen backlog on a
 * Unix socket, no free port for TCP), so the call is made again, as
 * io_uring does.
 */
static int connect_outcome(struct rr_readiness *r, int fd, unsigned ready,
			   int event_error)
{
	struct sockaddr_storage peer;
	socklen_t peer_len = sizeof(peer);
	int error = 0;
	socklen_t len = sizeof(error);

	if (!ready)
		return RR_ATTEMPT_WAIT;
	r->syscalls++;
	if (RR_FAULTABLE(RR_FAULT_GETSOCKOPT, -1,
			 getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len)) < 0)
		return -errno;
	if (!error)
		error = event_error; /* the poller saw it first */
	if (error)
		return -error;
	r->syscalls++;
	if (RR_FAULTABLE(RR_FAULT_GETSOCKOPT, -1,
			 getpeername(fd, (struct sockaddr *)&peer, &peer_len)) == 0)
		return 0;
	return errno == ENOTCONN ? RR_ATTEMPT_RETRY : -errno;
}

static int do_connect(struct rr_readiness *r, struct rr_op *op, unsigned ready,
		      int event_error)
{
	int fd = op->args.connect.fd;

	if (op->flags & OPF_CONNECTING) {
		int ret = connect_outcome(r, fd, ready, event_error);
		if (ret != RR_ATTEMPT_RETRY)
			return ret;
		op->flags &= ~OPF_CONNECTING; /* it never started: connect again */
	}
	/* The fd's blocking mode is the application's: set O_NONBLOCK for the
	 * connect call only, then put it back (the connect goes on). */
	r->syscalls += 2;
	int fl = RR_FAULTABLE(RR_FAULT_FCNTL, -1, fcntl(fd, F_GETFL));
	if (fl < 0)
		return -errno;
	if (!(fl & O_NONBLOCK)) {
		r->syscalls++;
		if (RR_FAULTABLE(RR_FAULT_FCNTL, -1, fcntl(fd, F_SETFL, fl | O_NONBLOCK)) < 0)
			return -errno; /* a blocking connect would stall the loop */
	}
	int ret = RR_FAULTABLE(RR_FAULT_CONNECT, -1,
			       connect(fd, op->args.connect.addr, op->args.connect.addrlen));
	int err = errno;
	if (!(fl & O_NONBLOCK)) {
		r->syscalls++;
		fcntl(fd, F_SETFL, fl);
	}
	if (ret == 0)
		return 0;
	/* EINTR: the connection goes on asynchronously, as if EINPROGRESS. */
	if (err == EINPROGRESS || err == EAGAIN || err == EINTR) {
		op->flags |= OPF_CONNECTING;
		return RR_ATTEMPT_WAIT;
	}
	return -err;
}

/* io_uring reports a peer's shutdown of its writing side to every poll,
 * asked for or not (the kernel's IO_POLL_UNMASK); so does the emulation. */
#ifdef POLLRDHUP
#define ALWAYS_POLLED (POLLERR | POLLHUP | POLLRDHUP)
#else
#define ALWAYS_POLLED (POLLERR | POLLHUP)
#endif

static unsigned poll_bits(unsigned ready)
{
	unsigned revents = 0;

	if (ready & RR_READY_IN)
		revents |= POLLIN;
	if (ready & RR_READY_OUT)
		revents |= POLLOUT;
	if (ready & RR_READY_ERR)
		revents |= POLLERR;
	if (ready & RR_READY_HUP)
		revents |= POLLHUP;
	if (ready & RR_READY_PRI)
		revents |= POLLPRI;
#ifdef POLLRDHUP
	if (ready & RR_READY_RDHUP)
		revents |= POLLRDHUP;
#endif
	return revents;
}

static int do_poll(struct rr_readiness *r, struct rr_op *op, unsigned ready)
{
	unsigned wanted = op->args.poll.events | ALWAYS_POLLED;
	unsigned revents = poll_bits(ready) & wanted;

	if (revents)
		return (int)revents;
	struct pollfd pfd = { .fd = op->args.poll.fd, .events = (short)wanted };
	int ret = counted(r, RR_FAULTABLE(RR_FAULT_POLL, -1, poll(&pfd, 1, 0)));
	if (ret < 0)
		return ret;
	if (pfd.revents & POLLNVAL)
		return -EBADF;
	return ret > 0 ? (int)(unsigned short)pfd.revents : RR_ATTEMPT_WAIT;
}

#if defined(__linux__) && !defined(RR_HAVE_LIBC_STATX)
/* statx(2) without a libc wrapper (musl before 1.2.5): the system call,
 * with the wrapper's -1/errno convention. */
static int statx(int dfd, const char *path, int flags, unsigned mask,
		 struct statx *buf)
{
	return (int)syscall(SYS_statx, dfd, path, flags, mask, buf);
}
#endif

static int attempt_once(struct rr_readiness *r, struct rr_op *op, unsigned ready,
			int event_error)
{
	switch ((enum rr_op_type)op->type) {
	case RR_OP_NOP:
		return 0;
	case RR_OP_READ:
	case RR_OP_WRITE:
	case RR_OP_READ_FIXED: /* a registered buffer is memory like any */
	case RR_OP_WRITE_FIXED:
		return do_buffer(r, op, ready, rr__op_kind(op)->reads);
	case RR_OP_READV:
	case RR_OP_WRITEV:
		return do_vector(r, op, ready, op->args.rwv.iov, (int)op->args.rwv.iovcnt,
				 op->args.rwv.offset, op->type == RR_OP_READV);
	case RR_OP_FSYNC:
		return counted(r, RR_FAULTABLE(RR_FAULT_FSYNC, -1, fsync(op->args.fd_only.fd)));
	case RR_OP_FDATASYNC:
		return counted(r, RR_FAULTABLE(RR_FAULT_FSYNC, -1,
					       fdatasync(op->args.fd_only.fd)));
	case RR_OP_OPENAT:
		return counted(r, RR_FAULTABLE(RR_FAULT_OPENAT, -1,
					       openat(op->args.open.dfd, op->args.open.path,
						      op->args.open.flags,
						      op->args.open.mode)));
	case RR_OP_CLOSE:
		/* close(2) is not retried on EINTR: the fd is gone either way. */
		r->syscalls++;
		return close(op->args.fd_only.fd) < 0 && errno != EINTR ? -errno : 0;
	case RR_OP_STATX:
#ifdef __linux__
		return counted(r, RR_FAULTABLE(RR_FAULT_STATX, -1,
					       statx(op->args.statx.dfd, op->args.statx.path,
						     op->args.statx.flags,
						     op->args.statx.mask,
						     op->args.statx.buf)));
#else
		return -ENOSYS; /* statx(2) is Linux's */
#endif
	case RR_OP_SHUTDOWN:
		return counted(r, RR_FAULTABLE(RR_FAULT_SHUTDOWN, -1,
					       shutdown(op->args.shutdown.fd,
							op->args.shutdown.how)));
	case RR_OP_ACCEPT:
		/* Only after readiness: the listener may be in blocking mode. */
		if (!ready)
			return RR_ATTEMPT_WAIT;
		return counted(r, RR_FAULTABLE(RR_FAULT_ACCEPT, -1,
					       accept4(op->args.accept.fd, op->args.accept.addr,
						       op->args.accept.addrlen,
						       op->args.accept.flags)));
	case RR_OP_CONNECT:
		return do_connect(r, op, ready, event_error);
	case RR_OP_RECV:
		return do_transfer(r, op, true);
	case RR_OP_SEND:
	case RR_OP_SEND_ZC: /* no zero-copy here: the data is copied */
		return do_transfer(r, op, false);
	case RR_OP_SEND_BUNDLE:
		return do_send_bundle(r, op);
	case RR_OP_RECVMSG:
		return never_wait_if_asked(op->args.msg.flags,
			counted(r, RR_FAULTABLE(RR_FAULT_RECV, -1,
						recvmsg(op->args.msg.fd, op->args.msg.msg,
							op->args.msg.flags | MSG_DONTWAIT))));
	case RR_OP_SENDMSG:
		return never_wait_if_asked(op->args.msg.flags,
			counted(r, RR_FAULTABLE(RR_FAULT_SEND, -1,
						sendmsg(op->args.msg.fd, op->args.msg.msg,
							op->args.msg.flags | SEND_FLAGS))));
	case RR_OP_POLL:
		return do_poll(r, op, ready);
	case RR_OP_RECV_MULTISHOT:
		/* Only after readiness, like accept: a multishot op's results
		 * other than the last are reported from the waiter queue. */
		if (!ready)
			return RR_ATTEMPT_WAIT;
		return do_recv_group(r, op);
	default:
		return -EINVAL;
	}
}

int rr__attempt(struct rr_readiness *r, struct rr_op *op, unsigned ready,
		int event_error)
{
	int result;

	/* A call a signal interrupted is made again, as io_uring would. */
	do {
		result = attempt_once(r, op, ready, event_error);
	} while (result == RR_ATTEMPT_RETRY);
	return result;
}
