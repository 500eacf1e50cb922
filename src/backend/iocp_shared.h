/*
 * What the IOCP backend's files share: the loop's state, each op's private
 * state (kept in the op: backend_private, RR_OP_PLATFORM_FIELDS in
 * rawring/platform.h), and the
 * functions that issue and finish ops.
 *
 * An op the core hands over (start) waits on the issue list until the next
 * flush_wait, which issues the whole batch: overlapped calls whose result
 * will come as a packet on the port go to the pending list; calls that
 * finish at once (a synchronous success skipped by the port, a failure, the
 * ops Windows has no overlapped form of) go to the done list with their
 * result.  flush_wait reports the done list, then reaps the port.
 */
#ifndef RAWRING_BACKEND_IOCP_SHARED_H
#define RAWRING_BACKEND_IOCP_SHARED_H

#include <winsock2.h>
#include <ws2tcpip.h>
#include <mswsock.h>
#include <windows.h>

#include <stdbool.h>
#include <stdint.h>

#include "../loop/backend.h"

/* AcceptEx wants room for each address plus 16 bytes. */
#define IOCP_ACCEPT_ADDRESS_LEN ((DWORD)sizeof(struct sockaddr_in6) + 16)

/* iocp_op.buffer of a multishot recv that holds no buffer of its group:
 * none was free after data arrived, or it waits for data to arrive (a
 * zero-byte WSARecv) before it looks for one again. */
#define IOCP_NO_BUFFER UINT32_MAX
#define IOCP_AWAITING_DATA (UINT32_MAX - 1)

enum iocp_list { IOCP_NOWHERE, IOCP_ISSUE, IOCP_PENDING, IOCP_DONE };

/* What the backend learned about a handle when it tied it to the port. */
enum {
	IOCP_HANDLE_SOCKET = 1u << 0,
	IOCP_HANDLE_DISK = 1u << 1,     /* a file: offsets apply */
	IOCP_HANDLE_SKIP = 1u << 2,     /* FILE_SKIP_COMPLETION_PORT_ON_SUCCESS */
	IOCP_HANDLE_KNOWN = 1u << 7,    /* always set: a table slot with 0 is empty */
};

struct iocp_op {
	OVERLAPPED overlapped;      /* first: the port hands back its address */
	struct rr_op *prev, *next;  /* the list the op is on */
	SOCKET accept_socket;       /* accept: the socket AcceptEx fills */
	WSABUF wsabuf;              /* recv/send/read/write on a socket */
	DWORD wsa_flags;            /* WSARecv's in/out flags */
	INT from_len;               /* recvmsg: WSARecvFrom's address length */
	uint64_t transferred;       /* readv/writev on a file: bytes so far */
	union {
		uint32_t segment;   /* readv/writev on a file: iovec in progress */
		uint32_t buffer;    /* multishot recv: the group's buffer taken */
	};
	int result;                 /* on the done list: the result */
	uint8_t list;               /* enum iocp_list */
	uint8_t handle_flags;       /* IOCP_HANDLE_* of the op's handle */
	char addresses[2 * IOCP_ACCEPT_ADDRESS_LEN]; /* accept: local, remote */
};

_Static_assert(sizeof(struct iocp_op) <= sizeof(((struct rr_op *)0)->backend_private),
	       "struct iocp_op must fit in rr_op.backend_private");

static inline struct iocp_op *iocp_op_of(struct rr_op *op)
{
	return (struct iocp_op *)(void *)op->backend_private;
}

static inline struct rr_op *iocp_rr_op_of(OVERLAPPED *overlapped)
{
	return (struct rr_op *)(void *)((char *)overlapped -
					offsetof(struct rr_op, backend_private));
}

/* Handles this loop has tied to its port: open addressing on the value. */
struct iocp_handle_entry {
	HANDLE handle;
	uint8_t flags;              /* IOCP_HANDLE_*; 0: an empty slot */
	uint16_t family;            /* sockets: AF_INET or AF_INET6 */
};

struct iocp_handles {
	struct iocp_handle_entry *slots;
	size_t capacity;            /* a power of two, or 0 */
	size_t used;
};

struct iocp_list_head {
	struct rr_op *head, *tail;
};

struct iocp {
	HANDLE port;
	struct iocp_list_head issue, pending, done;
	struct iocp_handles handles;
	LPFN_ACCEPTEX accept_ex;
	LPFN_CONNECTEX connect_ex;
	LPFN_GETACCEPTEXSOCKADDRS get_accept_ex_sockaddrs;
	uint64_t syscalls;
	/* FILE_SKIP_COMPLETION_PORT_ON_SUCCESS wherever it is safe; off with
	 * RAWRING_IOCP_SKIP_ON_SUCCESS=0, so that the tests can run every op
	 * through the packet path too. */
	bool skip_on_success;
};

static inline struct iocp *iocp_of(struct rr_loop *loop)
{
	return loop->backend_state;
}

/* The list helpers (iocp_lists.c). */
void rr__iocp_push(struct iocp *io, struct rr_op *op, enum iocp_list list);
void rr__iocp_unlink(struct iocp *io, struct rr_op *op);
void rr__iocp_done(struct iocp *io, struct rr_op *op, int result);

/* Issue one op (iocp_ops.c): it ends up on the pending or the done list. */
void rr__iocp_issue(struct rr_loop *loop, struct rr_op *op);

/* A packet for `op` came off the port: finish the op, or issue its next
 * part (a vectored file transfer) or its next round (multishot accept). */
void rr__iocp_finish(struct rr_loop *loop, struct rr_op *op);

/* The handle an op works on. */
HANDLE rr__iocp_op_handle(const struct rr_op *op);

/* Tie `handle` to the port if it is not yet (iocp_handles.c): 0 and the
 * IOCP_HANDLE_* flags in *flags (*family for sockets), or -errno. */
int rr__iocp_attach(struct iocp *io, HANDLE handle, uint8_t *flags,
		    uint16_t *family);
void rr__iocp_handles_free(struct iocp_handles *handles);

/* A Win32 or Winsock error code as a positive errno (iocp_errno.c). */
int rr__iocp_errno(DWORD code);

#endif
