/*
 * rawring/platform.h - the few types the proactor API needs from the
 * system, the same names on every platform, so that one application source
 * builds on Linux, the BSDs and Windows.
 *
 *   rr_fd_t        what an op works on: an int fd on POSIX systems; on
 *                  Windows a SOCKET or a HANDLE (opened for overlapped I/O).
 *   struct iovec   POSIX's; on Windows declared here with WSABUF's layout
 *                  (length first), so a vector passes to WSASend/WSARecv as
 *                  it is.  Set it by field name (.iov_base, .iov_len).
 *   struct msghdr  POSIX's; on Windows declared here (name, iov, flags:
 *                  control data is not supported there).
 *   sockaddr, socklen_t, ssize_t: the system's (Winsock on Windows).
 *
 * On Windows the flags POSIX programs pass and Windows has no use for
 * (MSG_NOSIGNAL, SOCK_CLOEXEC, SOCK_NONBLOCK, O_CLOEXEC) are 0, SHUT_RD/
 * SHUT_WR/SHUT_RDWR are Winsock's SD_* values, and ESHUTDOWN, which the
 * C runtime lacks, gets a value of its own.
 *
 * On Windows this header brings in <winsock2.h> (and so <windows.h>):
 * include rawring.h before <windows.h>, or define WIN32_LEAN_AND_MEAN, or
 * the old <winsock.h> that <windows.h> pulls in clashes with it.
 */
#ifndef RAWRING_PLATFORM_H
#define RAWRING_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

#ifdef _WIN32

#include <winsock2.h>
#include <ws2tcpip.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/types.h>

/* A SOCKET or a HANDLE.  Kernel handles are 32-bit significant (Windows
 * keeps them so for 32-bit interop), so an fd an op returns in its int
 * result (accept, openat) converts back with (rr_fd_t)result. */
typedef intptr_t rr_fd_t;

struct iovec {
	unsigned long iov_len;   /* WSABUF.len */
	void *iov_base;          /* WSABUF.buf */
};

struct msghdr {
	void *msg_name;
	socklen_t msg_namelen;
	struct iovec *msg_iov;
	size_t msg_iovlen;
	void *msg_control;       /* must be NULL on Windows */
	size_t msg_controllen;
	int msg_flags;
};

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0       /* Windows raises no signal on a broken socket */
#endif
#ifndef SOCK_CLOEXEC
#define SOCK_CLOEXEC 0
#endif
#ifndef SOCK_NONBLOCK
#define SOCK_NONBLOCK 0
#endif
#ifndef O_CLOEXEC
#define O_CLOEXEC 0
#endif
#ifndef O_DIRECT
#define O_DIRECT 0x40000     /* FILE_FLAG_NO_BUFFERING in rr_openat */
#endif
#ifndef SHUT_RD
#define SHUT_RD SD_RECEIVE
#define SHUT_WR SD_SEND
#define SHUT_RDWR SD_BOTH
#endif
#ifndef AT_FDCWD
#define AT_FDCWD (-100)
#endif
#ifndef ESHUTDOWN
#define ESHUTDOWN 3001       /* outside the C runtime's errno range */
#endif

/* The IOCP backend's per-op state in struct rr_op (its OVERLAPPED first);
 * src/backend/iocp_shared.h checks that its state fits. */
#define RR_OP_PLATFORM_FIELDS void *backend_private[24];

#else /* POSIX */

#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>

typedef int rr_fd_t;

/* No per-op backend state in struct rr_op on POSIX systems. */
#define RR_OP_PLATFORM_FIELDS

#endif

/* No fd: what a closed or unopened slot holds. */
#define RR_FD_NONE ((rr_fd_t)-1)

#endif /* RAWRING_PLATFORM_H */
