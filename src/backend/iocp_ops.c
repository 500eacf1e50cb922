/*
 * Each op as Windows does it: the overlapped call that starts it, and what
 * its packet means when the port hands it back.
 *
 * Overlapped (a packet on the port, or an immediate result where the handle
 * skips the port on success): accept (AcceptEx), connect (ConnectEx), recv,
 * send, recvmsg, sendmsg (WSARecv/WSASend, WSARecvFrom/WSASendTo), read and
 * write (ReadFile/WriteFile on files, WSARecv/WSASend on sockets), readv and
 * writev (one WSARecv/WSASend on a socket; on a file one ReadFile/WriteFile
 * per vector entry, in order), poll (a zero-byte WSARecv or WSASend).
 * Windows has no overlapped form of the rest, which run on the loop's
 * thread when the batch is issued: fsync and fdatasync (FlushFileBuffers),
 * openat (CreateFileW), close, shutdown.  statx has no Windows form
 * (-ENOSYS, as on the other non-Linux backend).
 */
#include <errno.h>
#include <string.h>

#include "../common/fault.h"
#include "iocp_shared.h"

/* ERROR_IO_PENDING and WSA_IO_PENDING are the same code. */
#define STARTED ERROR_IO_PENDING

HANDLE rr__iocp_op_handle(const struct rr_op *op)
{
	/* RR_FD_NONE is (rr_fd_t)-1: INVALID_HANDLE_VALUE. */
	return (HANDLE)rr__op_fd(op);
}

static bool is_socket_op(struct rr_op *op)
{
	return (iocp_op_of(op)->handle_flags & IOCP_HANDLE_SOCKET) != 0;
}

/* ---- the ops without an overlapped form --------------------------------- */

/* O_* flags to CreateFileW's access, creation and attribute arguments. */
static int open_file(const struct rr_op *op)
{
	const char *path = op->args.open.path;
	int flags = op->args.open.flags;
	WCHAR wide[4096];

	if (op->args.open.dfd != AT_FDCWD &&
	    !(path[0] && (path[1] == ':' || path[0] == '\\' || path[0] == '/')))
		return -EOPNOTSUPP; /* directory fds do not exist here */
	if (flags & O_APPEND)
		return -EOPNOTSUPP; /* no file position for overlapped writes */
	if (!MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, path, -1, wide,
				 (int)(sizeof(wide) / sizeof(wide[0]))))
		return GetLastError() == ERROR_INSUFFICIENT_BUFFER ? -ENAMETOOLONG : -EINVAL;

	DWORD access = (flags & 3) == O_WRONLY ? GENERIC_WRITE
		       : (flags & 3) == O_RDWR ? GENERIC_READ | GENERIC_WRITE
					       : GENERIC_READ;
	DWORD creation = (flags & O_CREAT) && (flags & O_EXCL) ? CREATE_NEW
			 : (flags & O_CREAT) && (flags & O_TRUNC) ? CREATE_ALWAYS
			 : (flags & O_CREAT)                      ? OPEN_ALWAYS
			 : (flags & O_TRUNC)                      ? TRUNCATE_EXISTING
								  : OPEN_EXISTING;
	DWORD attributes = FILE_FLAG_OVERLAPPED |
			   ((op->args.open.mode & 0222) ? FILE_ATTRIBUTE_NORMAL
							: FILE_ATTRIBUTE_READONLY);
	if (flags & O_DIRECT)
		attributes |= FILE_FLAG_NO_BUFFERING;

	HANDLE file = RR_FAULTABLE(RR_FAULT_OPENAT, INVALID_HANDLE_VALUE,
				   CreateFileW(wide, access,
					       FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
					       NULL, creation, attributes, NULL));
	if (file == INVALID_HANDLE_VALUE) {
		DWORD err = GetLastError();
		/* POSIX says what a directory is; Windows says "access denied". */
		DWORD attrs = GetFileAttributesW(wide);
		if (err == ERROR_ACCESS_DENIED && attrs != INVALID_FILE_ATTRIBUTES &&
		    (attrs & FILE_ATTRIBUTE_DIRECTORY))
			return -EISDIR;
		return -rr__iocp_errno(err);
	}
	/* Kernel handles are 32-bit significant: the int result holds it. */
	return (int)(intptr_t)file;
}

/* Winsock says WSAENOTSOCK for a handle that is not open at all, where
 * POSIX says EBADF: tell the two apart. */
static int socket_error(HANDLE handle)
{
	DWORD err = (DWORD)WSAGetLastError(), flags;

	if (err == WSAENOTSOCK && !GetHandleInformation(handle, &flags))
		return -EBADF;
	return -rr__iocp_errno(err);
}

static int close_handle(HANDLE handle)
{
	int type, len = sizeof(type);

	if (getsockopt((SOCKET)handle, SOL_SOCKET, SO_TYPE, (char *)&type, &len) == 0)
		return closesocket((SOCKET)handle) == 0 ? 0 : socket_error(handle);
	return CloseHandle(handle) ? 0 : -rr__iocp_errno(GetLastError());
}

/* The op's result when Windows has it done before issue returns. */
static int run_now(struct iocp *io, struct rr_op *op)
{
	HANDLE handle = rr__iocp_op_handle(op);

	io->syscalls++;
	switch ((enum rr_op_type)op->type) {
	case RR_OP_NOP:
		io->syscalls--;
		return 0;
	case RR_OP_FSYNC:
	case RR_OP_FDATASYNC:
		return RR_FAULTABLE(RR_FAULT_FSYNC, FALSE, FlushFileBuffers(handle))
			       ? 0 : -rr__iocp_errno(GetLastError());
	case RR_OP_OPENAT:
		return open_file(op);
	case RR_OP_CLOSE:
		return close_handle(handle);
	case RR_OP_SHUTDOWN:
		return shutdown((SOCKET)handle, op->args.shutdown.how) == 0
			       ? 0 : socket_error(handle);
	default: /* RR_OP_STATX: Linux's, -ENOSYS elsewhere (as on kqueue) */
		io->syscalls--;
		return -ENOSYS;
	}
}

/* ---- starting overlapped ops -------------------------------------------- */

/* Each returns 0 (done at once), STARTED, or a Windows error code. */

static DWORD wsa_result(int ret)
{
	return ret == 0 ? 0 : (DWORD)WSAGetLastError();
}

static DWORD win_result(BOOL ok)
{
	return ok ? 0 : GetLastError();
}

static DWORD start_accept(struct iocp *io, struct rr_op *op, uint16_t family)
{
	struct iocp_op *p = iocp_op_of(op);
	DWORD bytes;

	io->syscalls += 2;
	p->accept_socket = WSASocketW(family, SOCK_STREAM, IPPROTO_TCP, NULL, 0,
				      WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
	if (p->accept_socket == INVALID_SOCKET)
		return (DWORD)WSAGetLastError();
	if (io->accept_ex((SOCKET)op->args.accept.fd, p->accept_socket, p->addresses,
			  0, IOCP_ACCEPT_ADDRESS_LEN, IOCP_ACCEPT_ADDRESS_LEN,
			  &bytes, &p->overlapped))
		return 0;
	return (DWORD)WSAGetLastError();
}

/* ConnectEx wants a bound socket: bind to the wildcard address first if
 * the application has not bound it. */
static DWORD start_connect(struct iocp *io, struct rr_op *op, uint16_t family)
{
	struct iocp_op *p = iocp_op_of(op);
	SOCKET s = (SOCKET)op->args.connect.fd;
	struct sockaddr_storage local;
	int len = sizeof(local);

	io->syscalls++;
	if (getsockname(s, (struct sockaddr *)&local, &len) != 0) {
		memset(&local, 0, sizeof(local));
		local.ss_family = family;
		len = family == AF_INET6 ? (int)sizeof(struct sockaddr_in6)
					 : (int)sizeof(struct sockaddr_in);
		io->syscalls++;
		if (bind(s, (struct sockaddr *)&local, len) != 0)
			return (DWORD)WSAGetLastError();
	}
	io->syscalls++;
	if (io->connect_ex(s, op->args.connect.addr, (int)op->args.connect.addrlen,
			   NULL, 0, NULL, &p->overlapped))
		return 0;
	return (DWORD)WSAGetLastError();
}

static DWORD wsa_recv(struct iocp *io, struct rr_op *op, SOCKET s, WSABUF *bufs,
		      DWORD count, DWORD flags)
{
	struct iocp_op *p = iocp_op_of(op);

	io->syscalls++;
	p->wsa_flags = flags;
	return wsa_result(WSARecv(s, bufs, count, NULL, &p->wsa_flags,
				  &p->overlapped, NULL));
}

static DWORD wsa_send(struct iocp *io, struct rr_op *op, SOCKET s, WSABUF *bufs,
		      DWORD count, DWORD flags)
{
	io->syscalls++;
	return wsa_result(WSASend(s, bufs, count, NULL, flags,
				  &iocp_op_of(op)->overlapped, NULL));
}

/* Where a file transfer starts: the op's offset, or for -1 the handle's
 * file pointer (which finish_transfer moves on). */
static DWORD set_file_offset(struct iocp *io, struct rr_op *op, HANDLE file,
			     uint64_t offset)
{
	struct iocp_op *p = iocp_op_of(op);

	if (offset == UINT64_MAX) {
		LARGE_INTEGER zero = { .QuadPart = 0 }, position;
		io->syscalls++;
		if (!SetFilePointerEx(file, zero, &position, FILE_CURRENT))
			return GetLastError();
		offset = (uint64_t)position.QuadPart;
	}
	p->overlapped.Offset = (DWORD)offset;
	p->overlapped.OffsetHigh = (DWORD)(offset >> 32);
	return 0;
}

static DWORD file_transfer(struct iocp *io, struct rr_op *op, HANDLE file,
			   void *buf, DWORD len, uint64_t offset, bool writing)
{
	struct iocp_op *p = iocp_op_of(op);
	DWORD err = 0;

	if (p->handle_flags & IOCP_HANDLE_DISK)
		err = set_file_offset(io, op, file, offset);
	if (err)
		return err;
	io->syscalls++;
	return writing ? win_result(WriteFile(file, buf, len, NULL, &p->overlapped))
		       : win_result(ReadFile(file, buf, len, NULL, &p->overlapped));
}

/* The next non-empty vector entry of a file readv/writev, from `segment`. */
static bool next_segment(struct rr_op *op)
{
	struct iocp_op *p = iocp_op_of(op);

	while (p->segment < op->args.rwv.iovcnt &&
	       op->args.rwv.iov[p->segment].iov_len == 0)
		p->segment++;
	return p->segment < op->args.rwv.iovcnt;
}

static DWORD start_vectored(struct iocp *io, struct rr_op *op, bool writing)
{
	struct iocp_op *p = iocp_op_of(op);
	HANDLE handle = (HANDLE)op->args.rwv.fd;

	if (is_socket_op(op)) {
		/* rawring's struct iovec has WSABUF's layout on Windows. */
		WSABUF *bufs = (WSABUF *)(uintptr_t)op->args.rwv.iov;
		return writing ? wsa_send(io, op, (SOCKET)handle, bufs, op->args.rwv.iovcnt, 0)
			       : wsa_recv(io, op, (SOCKET)handle, bufs, op->args.rwv.iovcnt, 0);
	}
	if (!next_segment(op))
		return 0; /* nothing to move: done with 0 bytes */
	const struct iovec *iov = &op->args.rwv.iov[p->segment];
	uint64_t offset = op->args.rwv.offset;
	if (offset != UINT64_MAX)
		offset += p->transferred;
	return file_transfer(io, op, handle, iov->iov_base, iov->iov_len, offset, writing);
}

static DWORD start_msg(struct iocp *io, struct rr_op *op)
{
	struct iocp_op *p = iocp_op_of(op);
	struct msghdr *msg = op->args.msg.msg;
	SOCKET s = (SOCKET)op->args.msg.fd;
	WSABUF *bufs = (WSABUF *)(void *)msg->msg_iov;
	DWORD count = (DWORD)msg->msg_iovlen;

	if (msg->msg_control && msg->msg_controllen)
		return ERROR_NOT_SUPPORTED;
	if (op->type == RR_OP_SENDMSG) {
		if (!msg->msg_name)
			return wsa_send(io, op, s, bufs, count, (DWORD)op->args.msg.flags);
		io->syscalls++;
		return wsa_result(WSASendTo(s, bufs, count, NULL, (DWORD)op->args.msg.flags,
					    msg->msg_name, (int)msg->msg_namelen,
					    &p->overlapped, NULL));
	}
	if (!msg->msg_name)
		return wsa_recv(io, op, s, bufs, count, (DWORD)op->args.msg.flags);
	io->syscalls++;
	p->wsa_flags = (DWORD)op->args.msg.flags;
	p->from_len = (INT)msg->msg_namelen;
	return wsa_result(WSARecvFrom(s, bufs, count, NULL, &p->wsa_flags,
				      msg->msg_name, &p->from_len, &p->overlapped, NULL));
}

/* Poll: a zero-byte receive completes when data (or EOF) arrives without
 * taking any; a zero-byte send when the socket can take more. */
static DWORD start_poll(struct iocp *io, struct rr_op *op)
{
	struct iocp_op *p = iocp_op_of(op);

	p->wsabuf.len = 0;
	p->wsabuf.buf = NULL;
	if (op->args.poll.events & (POLLOUT | POLLWRNORM))
		return wsa_send(io, op, (SOCKET)op->args.poll.fd, &p->wsabuf, 1, 0);
	return wsa_recv(io, op, (SOCKET)op->args.poll.fd, &p->wsabuf, 1, 0);
}

/* One buffer to or from a socket (read/write on a socket, recv/send). */
static DWORD socket_transfer(struct iocp *io, struct rr_op *op, void *buf, ULONG len,
			     DWORD flags, bool sending)
{
	struct iocp_op *p = iocp_op_of(op);
	SOCKET s = (SOCKET)rr__iocp_op_handle(op);

	p->wsabuf.len = len;
	p->wsabuf.buf = buf;
	return sending ? wsa_send(io, op, s, &p->wsabuf, 1, flags)
		       : wsa_recv(io, op, s, &p->wsabuf, 1, flags);
}

/*
 * One round of a multishot recv: a WSARecv into a free buffer of the group.
 * With none free it first waits for data with a zero-byte WSARecv, as
 * io_uring picks a buffer only when data is there; after that wait
 * (`after_wait`) a group still empty is WSAENOBUFS.
 */
static DWORD start_recv_group(struct iocp *io, struct rr_op *op, bool after_wait)
{
	struct iocp_op *p = iocp_op_of(op);
	struct rr_buf_group *group = op->args.group_io.group;
	DWORD flags = (DWORD)op->args.group_io.flags;
	int id = rr__buf_take(group);

	if (id >= 0) {
		p->buffer = (uint32_t)id;
		return socket_transfer(io, op, rr_buf_group_buffer(group, (unsigned)id),
				       (ULONG)group->size, flags, false);
	}
	if (after_wait) {
		p->buffer = IOCP_NO_BUFFER;
		return WSAENOBUFS;
	}
	p->buffer = IOCP_AWAITING_DATA;
	return socket_transfer(io, op, NULL, 0, flags, false);
}

/*
 * A send bundle: one WSASend of the buffers it took from the head of its
 * group's queue (WSASend captures the WSABUF array as it is called, so it
 * may live on the stack).  Once posted the buffers are taken: the callback
 * gives them back whatever the outcome.  Not a socket: nothing taken.
 */
static DWORD start_send_bundle(struct iocp *io, struct rr_op *op)
{
	struct rr_buf_group *group = op->args.group_io.group;
	unsigned most = op->args.group_io.most;
	WSABUF bufs[RR_SEND_BUNDLE_MAX];

	if (!most)
		return WSAENOBUFS;
	if (!is_socket_op(op))
		return WSAENOTSOCK;
	for (unsigned i = 0; i < most; i++) {
		unsigned id = rr__send_queued_id(group, i);
		bufs[i].buf = rr_buf_group_buffer(group, id);
		bufs[i].len = group->filled[id];
	}
	DWORD err = wsa_send(io, op, (SOCKET)op->args.group_io.fd, bufs, most,
			     (DWORD)op->args.group_io.flags);
	if (err != WSAENOTSOCK && err != WSAEBADF)
		rr__send_bundle_took(op);
	return err;
}

/* Whether a multishot recv holds a buffer of its group. */
static bool holds_buffer(const struct iocp_op *p)
{
	return p->buffer < IOCP_AWAITING_DATA;
}

static DWORD start_overlapped(struct iocp *io, struct rr_op *op, uint16_t family)
{
	HANDLE handle = rr__iocp_op_handle(op);

	switch ((enum rr_op_type)op->type) {
	case RR_OP_ACCEPT:
		return start_accept(io, op, family);
	case RR_OP_CONNECT:
		return start_connect(io, op, family);
	case RR_OP_READ:
	case RR_OP_WRITE:
	case RR_OP_READ_FIXED: /* a registered buffer is memory like any */
	case RR_OP_WRITE_FIXED: {
		bool writing = !rr__op_kind(op)->reads;
		if (is_socket_op(op))
			return socket_transfer(io, op, op->args.rw.buf, op->args.rw.len, 0,
					       writing);
		return file_transfer(io, op, handle, op->args.rw.buf, op->args.rw.len,
				     op->args.rw.offset, writing);
	}
	case RR_OP_READV:
	case RR_OP_WRITEV:
		return start_vectored(io, op, op->type == RR_OP_WRITEV);
	case RR_OP_RECV:
	case RR_OP_SEND:
	case RR_OP_SEND_ZC: /* no zero-copy here: a plain send */
		return socket_transfer(io, op, op->args.xfer.buf, (ULONG)op->args.xfer.len,
				       (DWORD)op->args.xfer.flags, op->type != RR_OP_RECV);
	case RR_OP_RECVMSG:
	case RR_OP_SENDMSG:
		return start_msg(io, op);
	case RR_OP_RECV_MULTISHOT:
		return start_recv_group(io, op, false);
	case RR_OP_SEND_BUNDLE:
		return start_send_bundle(io, op);
	default: /* RR_OP_POLL */
		if (!is_socket_op(op))
			return ERROR_NOT_SUPPORTED;
		return start_poll(io, op);
	}
}

static bool overlapped_op(const struct rr_op *op)
{
	switch ((enum rr_op_type)op->type) {
	case RR_OP_NOP:
	case RR_OP_FSYNC:
	case RR_OP_FDATASYNC:
	case RR_OP_OPENAT:
	case RR_OP_CLOSE:
	case RR_OP_SHUTDOWN:
	case RR_OP_STATX:
		return false;
	default:
		return true;
	}
}

/* The outcome of a finished overlapped call: 0 and the bytes moved, or the
 * Windows error (the packet's NTSTATUS turned into one). */
static DWORD outcome(struct rr_op *op, DWORD *bytes)
{
	struct iocp_op *p = iocp_op_of(op);
	HANDLE handle = rr__iocp_op_handle(op);

	*bytes = 0;
	if (p->handle_flags & IOCP_HANDLE_SOCKET) {
		DWORD flags = 0;
		if (WSAGetOverlappedResult((SOCKET)handle, &p->overlapped, bytes, FALSE, &flags)) {
			p->wsa_flags = flags;
			return 0;
		}
		return (DWORD)WSAGetLastError();
	}
	return win_result(GetOverlappedResult(handle, &p->overlapped, bytes, FALSE));
}

/* Read-like ops see end of file (or a closed pipe) as a 0-byte result. */
static bool is_eof(const struct rr_op *op, DWORD err)
{
	return rr__op_kind(op)->reads &&
	       (err == ERROR_HANDLE_EOF || err == ERROR_BROKEN_PIPE);
}

static void after_start(struct rr_loop *loop, struct rr_op *op, DWORD err)
{
	struct iocp *io = iocp_of(loop);
	struct iocp_op *p = iocp_op_of(op);

	if (err == STARTED || (err == 0 && !(p->handle_flags & IOCP_HANDLE_SKIP))) {
		/* The result comes as a packet (a synchronous success too, on
		 * a handle that does not skip the port). */
		rr__iocp_push(io, op, IOCP_PENDING);
		return;
	}
	if (err == 0) {
		rr__iocp_finish(loop, op);
		return;
	}
	/* A call that fails at once queues no packet. */
	if (op->type == RR_OP_ACCEPT && p->accept_socket != INVALID_SOCKET)
		closesocket(p->accept_socket);
	if (op->type == RR_OP_RECV_MULTISHOT && holds_buffer(p))
		rr__buf_untake(op->args.group_io.group, p->buffer);
	if (is_eof(op, err) || p->transferred)
		/* EOF, or a vectored file transfer failing part way: what
		 * moved before is the result, as readv(2) reports it. */
		rr__iocp_done(io, op, (int)p->transferred);
	else
		rr__iocp_done(io, op, -rr__iocp_errno(err));
}

void rr__iocp_issue(struct rr_loop *loop, struct rr_op *op)
{
	struct iocp *io = iocp_of(loop);
	struct iocp_op *p = iocp_op_of(op);
	uint8_t flags = 0;
	uint16_t family = 0;

	if (!overlapped_op(op)) {
		rr__iocp_done(io, op, run_now(io, op));
		return;
	}
	int ret = rr__iocp_attach(io, rr__iocp_op_handle(op), &flags, &family);
	if (ret < 0) {
		rr__iocp_done(io, op, ret);
		return;
	}
	p->handle_flags = flags;
	p->accept_socket = INVALID_SOCKET;
	p->transferred = 0;
	p->segment = 0;
	memset(&p->overlapped, 0, sizeof(p->overlapped));
	after_start(loop, op, start_overlapped(io, op, family));
}

/* ---- finishing ---------------------------------------------------------- */

static int finish_accept(struct iocp *io, struct rr_op *op, DWORD err)
{
	struct iocp_op *p = iocp_op_of(op);
	SOCKET listener = (SOCKET)op->args.accept.fd;

	io->syscalls++;
	if (!err && setsockopt(p->accept_socket, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT,
			       (char *)&listener, sizeof(listener)) != 0)
		err = (DWORD)WSAGetLastError();
	if (err) {
		closesocket(p->accept_socket);
		return -rr__iocp_errno(err);
	}
	if (op->args.accept.addr) {
		struct sockaddr *local, *remote;
		int local_len, remote_len;
		io->get_accept_ex_sockaddrs(p->addresses, 0, IOCP_ACCEPT_ADDRESS_LEN,
					    IOCP_ACCEPT_ADDRESS_LEN, &local, &local_len,
					    &remote, &remote_len);
		socklen_t room = *op->args.accept.addrlen;
		memcpy(op->args.accept.addr, remote,
		       (size_t)((socklen_t)remote_len < room ? remote_len : room));
		*op->args.accept.addrlen = remote_len;
	}
	return (int)p->accept_socket;
}

/* A file readv/writev moved one entry: go on with the next, or finish. */
static bool continue_vectored(struct rr_loop *loop, struct rr_op *op, DWORD bytes)
{
	struct iocp_op *p = iocp_op_of(op);

	if (bytes < op->args.rwv.iov[p->segment].iov_len)
		return false; /* short: that is the result */
	p->segment++;
	if (!next_segment(op))
		return false;
	memset(&p->overlapped, 0, sizeof(p->overlapped));
	after_start(loop, op, start_vectored(iocp_of(loop), op, op->type == RR_OP_WRITEV));
	return true;
}

void rr__iocp_finish(struct rr_loop *loop, struct rr_op *op)
{
	struct iocp *io = iocp_of(loop);
	struct iocp_op *p = iocp_op_of(op);
	DWORD bytes, err = outcome(op, &bytes);
	int result;

	switch ((enum rr_op_type)op->type) {
	case RR_OP_ACCEPT:
		result = finish_accept(io, op, err);
		break;
	case RR_OP_CONNECT:
		io->syscalls++;
		if (!err && setsockopt((SOCKET)op->args.connect.fd, SOL_SOCKET,
				       SO_UPDATE_CONNECT_CONTEXT, NULL, 0) != 0)
			err = (DWORD)WSAGetLastError();
		result = err ? -rr__iocp_errno(err) : 0;
		break;
	case RR_OP_POLL:
		if (err == ERROR_OPERATION_ABORTED)
			result = -ECANCELED; /* CancelIoEx: rr_cancel */
		else if (err)
			result = POLLERR | POLLHUP;
		else
			result = (op->args.poll.events & (POLLOUT | POLLWRNORM)) ? POLLOUT : POLLIN;
		break;
	case RR_OP_RECVMSG:
		if (!err) {
			struct msghdr *msg = op->args.msg.msg;
			if (msg->msg_name)
				msg->msg_namelen = (socklen_t)p->from_len;
			msg->msg_flags = (int)p->wsa_flags;
		}
		result = err ? (is_eof(op, err) ? 0 : -rr__iocp_errno(err)) : (int)bytes;
		break;
	case RR_OP_RECV_MULTISHOT:
		if (!err && p->buffer == IOCP_AWAITING_DATA) {
			/* Data (or end of file) is there: look for a buffer. */
			memset(&p->overlapped, 0, sizeof(p->overlapped));
			after_start(loop, op, start_recv_group(io, op, true));
			return;
		}
		if (!err && bytes) {
			/* The buffer is named when the result is reported
			 * (report_done): an earlier one may still be due. */
			result = (int)bytes;
			break;
		}
		if (holds_buffer(p))
			rr__buf_untake(op->args.group_io.group, p->buffer);
		result = err && !is_eof(op, err) ? -rr__iocp_errno(err) : 0;
		break;
	default: /* the transfers */
		if (err && !is_eof(op, err)) {
			result = -rr__iocp_errno(err);
			break;
		}
		if (err)
			bytes = 0;
		bool file = !(p->handle_flags & IOCP_HANDLE_SOCKET);
		bool at_position = false;
		if (op->type == RR_OP_READ || op->type == RR_OP_WRITE ||
		    op->type == RR_OP_READ_FIXED || op->type == RR_OP_WRITE_FIXED)
			at_position = op->args.rw.offset == UINT64_MAX;
		else if (op->type == RR_OP_READV || op->type == RR_OP_WRITEV)
			at_position = op->args.rwv.offset == UINT64_MAX;
		if (file && (p->handle_flags & IOCP_HANDLE_DISK) && at_position && bytes) {
			LARGE_INTEGER move = { .QuadPart = (LONGLONG)bytes };
			io->syscalls++;
			SetFilePointerEx(rr__iocp_op_handle(op), move, NULL, FILE_CURRENT);
		}
		if (file && (op->type == RR_OP_READV || op->type == RR_OP_WRITEV)) {
			p->transferred += bytes;
			if (bytes && continue_vectored(loop, op, bytes))
				return;
			bytes = (DWORD)p->transferred;
		}
		result = (int)bytes;
		break;
	}
	rr__iocp_done(io, op, result);
}
