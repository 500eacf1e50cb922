/*
 * The IOCP backend: Windows completes the I/O itself and queues a packet on
 * the loop's completion port, as io_uring posts a CQE.  There is no
 * submission batching in IOCP: each op is its own call, made when the loop
 * flushes (see iocp_shared.h for the three lists an op moves through), and the
 * port is reaped in batches with GetQueuedCompletionStatusEx.  Calls run
 * one way: iocp.c -> iocp_ops.c -> iocp_lists.c, iocp_handles.c.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "../common/clock.h"
#include "../common/fault.h"
#include "iocp_shared.h"

/* The completion key of rr_loop_wake's packets (ops use key 0). */
#define WAKE_KEY ((ULONG_PTR)1)
/* Packets taken from the port per GetQueuedCompletionStatusEx. */
#define REAP_BATCH 64
/* Rounds of issue-and-report per flush before the port is waited on. */
#define ISSUE_ROUNDS 4

/* ---- setup -------------------------------------------------------------- */

static int load_extension(SOCKET s, GUID guid, void *fn, size_t fn_size)
{
	DWORD bytes;

	if (WSAIoctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, &guid, sizeof(guid), fn,
		     (DWORD)fn_size, &bytes, NULL, NULL) != 0)
		return -rr__iocp_errno((DWORD)WSAGetLastError());
	return 0;
}

/* AcceptEx, ConnectEx and GetAcceptExSockaddrs come from the TCP
 * provider, asked for through a socket of its own. */
static int load_extensions(struct iocp *io)
{
	SOCKET s = WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0,
			      WSA_FLAG_OVERLAPPED);

	if (s == INVALID_SOCKET)
		return -rr__iocp_errno((DWORD)WSAGetLastError());
	int ret = load_extension(s, (GUID)WSAID_ACCEPTEX, &io->accept_ex,
				 sizeof(io->accept_ex));
	if (!ret)
		ret = load_extension(s, (GUID)WSAID_CONNECTEX, &io->connect_ex,
				     sizeof(io->connect_ex));
	if (!ret)
		ret = load_extension(s, (GUID)WSAID_GETACCEPTEXSOCKADDRS,
				     &io->get_accept_ex_sockaddrs,
				     sizeof(io->get_accept_ex_sockaddrs));
	closesocket(s);
	return ret;
}

static int iocp_init(struct rr_loop *loop, const struct rr_loop_options *options)
{
	WSADATA wsa;
	(void)options; /* entries, SQPOLL and IOPOLL are io_uring's */

	struct iocp *io = RR_FAULTABLE(RR_FAULT_ALLOC, NULL, calloc(1, sizeof(*io)));
	if (!io)
		return -ENOMEM;
	int err = WSAStartup(MAKEWORD(2, 2), &wsa);
	if (err) {
		free(io);
		return -rr__iocp_errno((DWORD)err);
	}
	/* One thread runs the loop: let one thread run at a time. */
	io->port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
	int ret = io->port ? load_extensions(io) : -rr__iocp_errno(GetLastError());
	if (ret < 0) {
		if (io->port)
			CloseHandle(io->port);
		WSACleanup();
		free(io);
		return ret;
	}
	const char *skip = getenv("RAWRING_IOCP_SKIP_ON_SUCCESS");
	io->skip_on_success = !(skip && strcmp(skip, "0") == 0);
	loop->backend_state = io;
	loop->max_chain = UINT32_MAX;
	return 0;
}

static void iocp_deinit(struct rr_loop *loop)
{
	struct iocp *io = iocp_of(loop);

	CloseHandle(io->port);
	rr__iocp_handles_free(&io->handles);
	WSACleanup();
	free(io);
}

/* ---- the vtable --------------------------------------------------------- */

static unsigned iocp_room(struct rr_loop *loop)
{
	(void)loop;
	return UINT_MAX; /* each op carries its own OVERLAPPED */
}

static int iocp_start(struct rr_loop *loop, struct rr_op *op)
{
	rr__iocp_push(iocp_of(loop), op, IOCP_ISSUE);
	return 0;
}

static void issue_all(struct rr_loop *loop)
{
	struct iocp *io = iocp_of(loop);

	while (io->issue.head) {
		struct rr_op *op = io->issue.head;
		rr__iocp_unlink(io, op);
		rr__iocp_issue(loop, op);
	}
}

/* Report the done list.  A multishot accept that produced a connection (a
 * multishot recv that filled a buffer) reports it with "more" and goes back
 * on the issue list, unless it is being cancelled or the loop torn down:
 * then that result is its last.  A multishot op whose previous result is
 * still due stays on the list for a later turn (backend.h's rule). */
static unsigned report_done(struct rr_loop *loop)
{
	struct iocp *io = iocp_of(loop);
	unsigned reported = 0;
	struct rr_op *next;

	for (struct rr_op *op = io->done.head; op; op = next) {
		next = iocp_op_of(op)->next;
		if (rr__op_due(op))
			continue;
		int result = iocp_op_of(op)->result;
		rr__iocp_unlink(io, op);
		reported++;
		if (op->type == RR_OP_RECV_MULTISHOT && result > 0)
			rr__buf_filled(op, iocp_op_of(op)->buffer);
		bool rearm = rr__multishot_goes_on(op, result);
		if (!rearm || (op->flags & RR_OP_F_CANCELING) || loop->closing) {
			rr__op_report(loop, op, result, false);
			continue;
		}
		rr__op_report(loop, op, result, true);
		rr__iocp_push(io, op, IOCP_ISSUE);
	}
	return reported;
}

static DWORD wait_ms(uint64_t deadline_ns)
{
	if (deadline_ns == RR_DEADLINE_NONE)
		return INFINITE;
	uint64_t now = rr__monotonic_ns();
	if (deadline_ns <= now)
		return 0;
	uint64_t ms = (deadline_ns - now + 999999u) / 1000000u; /* round up */
	return ms >= INFINITE ? INFINITE - 1 : (DWORD)ms;
}

/* Take up to REAP_BATCH packets off the port, waiting up to `timeout_ms`
 * for the first.  Returns 0 or -errno. */
static int reap(struct rr_loop *loop, DWORD timeout_ms)
{
	struct iocp *io = iocp_of(loop);
	OVERLAPPED_ENTRY entries[REAP_BATCH];
	ULONG count = 0;

	io->syscalls++;
	if (!GetQueuedCompletionStatusEx(io->port, entries, REAP_BATCH, &count,
					 timeout_ms, FALSE)) {
		DWORD err = GetLastError();
		return err == WAIT_TIMEOUT ? 0 : -rr__iocp_errno(err);
	}
	for (ULONG i = 0; i < count; i++) {
		if (!entries[i].lpOverlapped) {
			if (entries[i].lpCompletionKey == WAKE_KEY)
				rr__wake_seen(loop);
			continue;
		}
		struct rr_op *op = iocp_rr_op_of(entries[i].lpOverlapped);
		rr__iocp_unlink(io, op);
		rr__iocp_finish(loop, op);
	}
	return 0;
}

static int iocp_flush_wait(struct rr_loop *loop, uint64_t deadline_ns)
{
	struct iocp *io = iocp_of(loop);
	unsigned reported = 0;

	/* A multishot op goes back on the issue list after each result and
	 * may finish at once again: a few rounds take such results before the
	 * wait, without letting one keep the port from being reaped. */
	for (int round = 0; round < ISSUE_ROUNDS && (io->issue.head || io->done.head); round++) {
		issue_all(loop);
		reported += report_done(loop);
	}
	bool busy = reported || io->issue.head || io->done.head || loop->woken;
	int ret = reap(loop, busy ? 0 : wait_ms(deadline_ns));
	/* Continuations the packets asked for (the next part of a file
	 * readv/writev, a multishot accept's next round) go out now. */
	issue_all(loop);
	report_done(loop);
	return ret;
}

static int iocp_cancel(struct rr_loop *loop, struct rr_op *op)
{
	struct iocp *io = iocp_of(loop);
	struct iocp_op *p = iocp_op_of(op);

	switch ((enum iocp_list)p->list) {
	case IOCP_ISSUE:
		rr__iocp_done(io, op, -ECANCELED);
		return 0;
	case IOCP_PENDING:
		io->syscalls++;
		/* ERROR_NOT_FOUND: it finished meanwhile; its packet is queued. */
		CancelIoEx(rr__iocp_op_handle(op), &p->overlapped);
		return 0;
	default: /* its result is known, or it is between two rounds */
		return 0;
	}
}

static int iocp_cancel_all(struct rr_loop *loop)
{
	struct iocp *io = iocp_of(loop);

	struct rr_op *next;

	/* Ops not issued yet are cancelled, but for those that still run at
	 * deinit (a close asked for): they are issued on the next flush. */
	for (struct rr_op *op = io->issue.head; op; op = next) {
		next = iocp_op_of(op)->next;
		if (!rr__op_kind(op)->runs_at_deinit)
			rr__iocp_done(io, op, -ECANCELED);
	}
	for (struct rr_op *op = io->pending.head; op; op = iocp_op_of(op)->next)
		iocp_cancel(loop, op);
	return 0;
}

static int iocp_wake(struct rr_loop *loop)
{
	struct iocp *io = iocp_of(loop);

	if (!PostQueuedCompletionStatus(io->port, 0, WAKE_KEY, NULL))
		return -rr__iocp_errno(GetLastError());
	return 0;
}

static uint64_t iocp_syscalls(const struct rr_loop *loop)
{
	return ((const struct iocp *)loop->backend_state)->syscalls;
}

const struct rr_backend rr__iocp_backend = {
	.version = RR_BACKEND_VERSION,
	.name = "iocp",
	.kind = RR_BACKEND_IOCP,
	.native_links = false,
	.incremental_buffers = false, /* receives posted before the data */
	.init = iocp_init,
	.room = iocp_room,
	.start = iocp_start,
	.flush_wait = iocp_flush_wait,
	.cancel = iocp_cancel,
	.cancel_all = iocp_cancel_all,
	.wake = iocp_wake,
	.wake_from = NULL,
	.syscalls = iocp_syscalls,
	.deinit = iocp_deinit,
};
