/*
 * rawring/prep.h - fill an SQE for one operation.
 *
 * Each rr_prep_* helper writes every field of the 64-byte SQE it is given
 * (user_data is zeroed: set it afterwards with rr_sqe_set_data), so an SQE
 * recycled from an earlier operation carries nothing stale.  The kernel reads
 * the SQE only after rr_submit publishes it; buffers, paths, iovecs and
 * timespecs an SQE points to must stay valid until its CQE arrives (or, with
 * IORING_FEAT_SUBMIT_STABLE, until rr_submit returns for data copied at
 * submission).  The result of each operation arrives in cqe->res: what the
 * matching system call returns, or -errno.
 */
#ifndef RAWRING_PREP_H
#define RAWRING_PREP_H

#include <assert.h>
#include <stdint.h>
#include <string.h>
#include <linux/openat2.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
/* waitid(2)'s types (idtype_t, siginfo_t) for rr_prep_waitid: glibc's
 * <sys/wait.h> declares them whenever it defines WEXITED; musl's needs a
 * POSIX feature macro (a strict ISO C build has none) and <signal.h>. */
#if defined(WEXITED) && (defined(__GLIBC__) || defined(_POSIX_C_SOURCE) || \
			 defined(_XOPEN_SOURCE) || defined(_GNU_SOURCE) ||   \
			 defined(_BSD_SOURCE) || defined(_DEFAULT_SOURCE))
#include <signal.h>
#define RR__HAVE_WAITID_TYPES 1
#endif

#include "abi.h"

#ifdef __cplusplus
extern "C" {
#endif

struct statx;
struct epoll_event;
struct futex_waitv;

/* ---- SQE flags ---------------------------------------------------------- */

/* Set the SQE's IOSQE_* flags, replacing those it had. */
static inline void rr_sqe_set_flags(struct io_uring_sqe *sqe, unsigned flags)
{
	sqe->flags = (__u8)flags;
}

/* The next SQE starts only after this one succeeds; a failure cancels the
 * rest of the chain with -ECANCELED. */
static inline void rr_sqe_link(struct io_uring_sqe *sqe)
{
	sqe->flags |= IOSQE_IO_LINK;
}

/* Like link, but the chain goes on whatever this SQE's result. */
static inline void rr_sqe_hardlink(struct io_uring_sqe *sqe)
{
	sqe->flags |= IOSQE_IO_HARDLINK;
}

/* Start only after every earlier SQE has completed. */
static inline void rr_sqe_drain(struct io_uring_sqe *sqe)
{
	sqe->flags |= IOSQE_IO_DRAIN;
}

/* Skip the inline non-blocking attempt and go straight to a worker. */
static inline void rr_sqe_async(struct io_uring_sqe *sqe)
{
	sqe->flags |= IOSQE_ASYNC;
}

/* sqe->fd is an index into the registered file table. */
static inline void rr_sqe_fixed_file(struct io_uring_sqe *sqe)
{
	sqe->flags |= IOSQE_FIXED_FILE;
}

/* Let the kernel pick the buffer from provided-buffer group `group_id`. */
static inline void rr_sqe_buffer_select(struct io_uring_sqe *sqe,
					unsigned short group_id)
{
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = group_id;
}

/* Post no CQE when this SQE succeeds (IORING_FEAT_CQE_SKIP, 5.17). */
static inline void rr_sqe_skip_success(struct io_uring_sqe *sqe)
{
	sqe->flags |= IOSQE_CQE_SKIP_SUCCESS;
}

/* ---- the common layout ------------------------------------------------ */

/* Set every field: opcode, fd, addr, len and off as the opcode reads them. */
static inline void rr_prep_rw(struct io_uring_sqe *sqe, unsigned opcode, int fd,
			      const void *addr, unsigned len, uint64_t offset)
{
	/* Every field, so nothing stale from an earlier use reaches the kernel
	 * (the 14 fields cover all 64 bytes). */
	sqe->opcode = (__u8)opcode;
	sqe->flags = 0;
	sqe->ioprio = 0;
	sqe->fd = fd;
	sqe->off = offset;
	sqe->addr = (__u64)(uintptr_t)addr;
	sqe->len = len;
	sqe->rw_flags = 0;
	sqe->user_data = 0;
	sqe->buf_index = 0;
	sqe->personality = 0;
	sqe->file_index = 0;
	sqe->addr3 = 0;
	sqe->__pad2[0] = 0;
}

/* IORING_OP_NOP: completes with res 0 and does nothing. */
static inline void rr_prep_nop(struct io_uring_sqe *sqe)
{
	rr_prep_rw(sqe, IORING_OP_NOP, -1, NULL, 0, 0);
}

/* ---- file I/O ---------------------------------------------------------- */

/* `offset` (uint64_t)-1 uses and advances the file position (5.6). */
static inline void rr_prep_read(struct io_uring_sqe *sqe, int fd, void *buf,
				unsigned nbytes, uint64_t offset)
{
	rr_prep_rw(sqe, IORING_OP_READ, fd, buf, nbytes, offset);
}

/* IORING_OP_WRITE: `nbytes` from `buf` at `offset` ((uint64_t)-1: the file
 * position, 5.6). */
static inline void rr_prep_write(struct io_uring_sqe *sqe, int fd,
				 const void *buf, unsigned nbytes,
				 uint64_t offset)
{
	rr_prep_rw(sqe, IORING_OP_WRITE, fd, buf, nbytes, offset);
}

/* IORING_OP_READV: preadv2(2) into `nr_vecs` iovecs at `offset`. */
static inline void rr_prep_readv(struct io_uring_sqe *sqe, int fd,
				 const struct iovec *iovecs, unsigned nr_vecs,
				 uint64_t offset)
{
	rr_prep_rw(sqe, IORING_OP_READV, fd, iovecs, nr_vecs, offset);
}

/* IORING_OP_WRITEV: pwritev2 from `nr_vecs` iovecs (as rr_prep_readv). */
static inline void rr_prep_writev(struct io_uring_sqe *sqe, int fd,
				  const struct iovec *iovecs, unsigned nr_vecs,
				  uint64_t offset)
{
	rr_prep_rw(sqe, IORING_OP_WRITEV, fd, iovecs, nr_vecs, offset);
}

/* `buf` must lie inside registered buffer `buf_index`. */
static inline void rr_prep_read_fixed(struct io_uring_sqe *sqe, int fd,
				      void *buf, unsigned nbytes,
				      uint64_t offset, unsigned buf_index)
{
	rr_prep_rw(sqe, IORING_OP_READ_FIXED, fd, buf, nbytes, offset);
	sqe->buf_index = (__u16)buf_index;
}

/* IORING_OP_WRITE_FIXED: `buf` must lie inside registered buffer `buf_index`. */
static inline void rr_prep_write_fixed(struct io_uring_sqe *sqe, int fd,
				       const void *buf, unsigned nbytes,
				       uint64_t offset, unsigned buf_index)
{
	rr_prep_rw(sqe, IORING_OP_WRITE_FIXED, fd, buf, nbytes, offset);
	sqe->buf_index = (__u16)buf_index;
}

/* `fsync_flags` 0 or IORING_FSYNC_DATASYNC. */
static inline void rr_prep_fsync(struct io_uring_sqe *sqe, int fd,
				 unsigned fsync_flags)
{
	rr_prep_rw(sqe, IORING_OP_FSYNC, fd, NULL, 0, 0);
	sqe->fsync_flags = fsync_flags;
}

/* IORING_OP_FSYNC with IORING_FSYNC_DATASYNC: fdatasync(2). */
static inline void rr_prep_fdatasync(struct io_uring_sqe *sqe, int fd)
{
	rr_prep_fsync(sqe, fd, IORING_FSYNC_DATASYNC);
}

/* openat(2); cqe->res is the new fd. */
static inline void rr_prep_openat(struct io_uring_sqe *sqe, int dfd,
				  const char *path, int flags, unsigned mode)
{
	rr_prep_rw(sqe, IORING_OP_OPENAT, dfd, path, mode, 0);
	sqe->open_flags = (__u32)flags;
}

/* IORING_OP_CLOSE (5.6): close(2) of `fd`. */
static inline void rr_prep_close(struct io_uring_sqe *sqe, int fd)
{
	rr_prep_rw(sqe, IORING_OP_CLOSE, fd, NULL, 0, 0);
}

/* IORING_OP_STATX (5.6): statx(2) into `statxbuf`; `path` must stay valid
 * until the CQE. */
static inline void rr_prep_statx(struct io_uring_sqe *sqe, int dfd,
				 const char *path, int flags, unsigned mask,
				 struct statx *statxbuf)
{
	rr_prep_rw(sqe, IORING_OP_STATX, dfd, path, mask,
		   (uint64_t)(uintptr_t)statxbuf);
	sqe->statx_flags = (__u32)flags;
}

/* fallocate(2): note the ABI puts the length in addr and the mode in len. */
static inline void rr_prep_fallocate(struct io_uring_sqe *sqe, int fd, int mode,
				     uint64_t offset, uint64_t len)
{
	rr_prep_rw(sqe, IORING_OP_FALLOCATE, fd, NULL, (unsigned)mode, offset);
	sqe->addr = len;
}

/* splice(2); an offset of (int64_t)-1 means "the fd's own position". */
static inline void rr_prep_splice(struct io_uring_sqe *sqe, int fd_in,
				  int64_t off_in, int fd_out, int64_t off_out,
				  unsigned nbytes, unsigned splice_flags)
{
	rr_prep_rw(sqe, IORING_OP_SPLICE, fd_out, NULL, nbytes,
		   (uint64_t)off_out);
	sqe->splice_off_in = (uint64_t)off_in;
	sqe->splice_fd_in = fd_in;
	sqe->splice_flags = splice_flags;
}

/* IORING_OP_UNLINKAT (5.11): unlinkat(2); AT_REMOVEDIR in `flags` for a
 * directory. */
static inline void rr_prep_unlinkat(struct io_uring_sqe *sqe, int dfd,
				    const char *path, int flags)
{
	rr_prep_rw(sqe, IORING_OP_UNLINKAT, dfd, path, 0, 0);
	sqe->unlink_flags = (__u32)flags;
}

/* IORING_OP_RENAMEAT (5.11): renameat2(2), RENAME_* in `flags`. */
static inline void rr_prep_renameat(struct io_uring_sqe *sqe, int old_dfd,
				    const char *old_path, int new_dfd,
				    const char *new_path, unsigned flags)
{
	rr_prep_rw(sqe, IORING_OP_RENAMEAT, old_dfd, old_path,
		   (unsigned)new_dfd, (uint64_t)(uintptr_t)new_path);
	sqe->rename_flags = flags;
}

/* IORING_OP_MKDIRAT (5.15): mkdirat(2). */
static inline void rr_prep_mkdirat(struct io_uring_sqe *sqe, int dfd,
				   const char *path, unsigned mode)
{
	rr_prep_rw(sqe, IORING_OP_MKDIRAT, dfd, path, mode, 0);
}

/* ---- sockets ----------------------------------------------------------- */

/* accept4(2); cqe->res is the new fd.  `addr`/`addrlen` may be NULL. */
static inline void rr_prep_accept(struct io_uring_sqe *sqe, int fd,
				  struct sockaddr *addr, socklen_t *addrlen,
				  int flags)
{
	rr_prep_rw(sqe, IORING_OP_ACCEPT, fd, addr, 0,
		   (uint64_t)(uintptr_t)addrlen);
	sqe->accept_flags = (__u32)flags;
}

/* One SQE, one CQE per accepted connection while IORING_CQE_F_MORE is set
 * (5.19). */
static inline void rr_prep_multishot_accept(struct io_uring_sqe *sqe, int fd,
					    struct sockaddr *addr,
					    socklen_t *addrlen, int flags)
{
	rr_prep_accept(sqe, fd, addr, addrlen, flags);
	sqe->ioprio |= IORING_ACCEPT_MULTISHOT;
}

/* IORING_OP_CONNECT (5.5): connect(2); `addr` must stay valid until the
 * CQE. */
static inline void rr_prep_connect(struct io_uring_sqe *sqe, int fd,
				   const struct sockaddr *addr,
				   socklen_t addrlen)
{
	rr_prep_rw(sqe, IORING_OP_CONNECT, fd, addr, 0, addrlen);
}

/*
 * The SQE's len field for a size_t length: the SQE holds 32 bits, and a
 * longer length is a caller error.  The caller's build decides, as these
 * helpers are inline: with asserts it aborts; with NDEBUG the length is
 * clamped to UINT32_MAX, which the kernel shortens further (a partial
 * transfer), never truncated to a different small length.  (assert, not
 * rr__misuse: a call on this path made every caller of a prep helper save
 * registers it otherwise does not touch.)
 */
static inline unsigned rr__sqe_len(size_t len)
{
#if SIZE_MAX > UINT32_MAX
	assert(len <= UINT32_MAX && "rawring: a length beyond the SQE's 32 bits");
	if (len > UINT32_MAX)
		return UINT32_MAX;
#endif
	return (unsigned)len;
}

/* IORING_OP_RECV (5.6): recv(2) into `buf`, MSG_* in `flags`. */
static inline void rr_prep_recv(struct io_uring_sqe *sqe, int fd, void *buf,
				size_t len, int flags)
{
	rr_prep_rw(sqe, IORING_OP_RECV, fd, buf, rr__sqe_len(len), 0);
	sqe->msg_flags = (__u32)flags;
}

/*
 * One SQE, one CQE per received chunk while IORING_CQE_F_MORE is set (6.0).
 * Each CQE's data lies in a provided buffer from `group_id`
 * (rr_cqe_buffer_id names it); the stream ends with a CQE without F_MORE,
 * e.g. -ENOBUFS when the group runs dry.
 */
static inline void rr_prep_recv_multishot(struct io_uring_sqe *sqe, int fd,
					  unsigned short group_id, int flags)
{
	rr_prep_recv(sqe, fd, NULL, 0, flags);
	sqe->ioprio |= IORING_RECV_MULTISHOT;
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = group_id;
}

/* IORING_OP_SEND (5.6): send(2) from `buf`, MSG_* in `flags`. */
static inline void rr_prep_send(struct io_uring_sqe *sqe, int fd,
				const void *buf, size_t len, int flags)
{
	rr_prep_rw(sqe, IORING_OP_SEND, fd, buf, rr__sqe_len(len), 0);
	sqe->msg_flags = (__u32)flags;
}

/*
 * Zero-copy send (6.0): two CQEs, the result with IORING_CQE_F_MORE, then a
 * notification with IORING_CQE_F_NOTIF once `buf` may be reused.
 */
static inline void rr_prep_send_zc(struct io_uring_sqe *sqe, int fd,
				   const void *buf, size_t len, int flags,
				   unsigned zc_flags)
{
	rr_prep_rw(sqe, IORING_OP_SEND_ZC, fd, buf, rr__sqe_len(len), 0);
	sqe->msg_flags = (__u32)flags;
	sqe->ioprio = (__u16)zc_flags;
}

/* IORING_OP_SENDMSG: sendmsg(2); `msg` and what it points to must stay
 * valid until the CQE. */
static inline void rr_prep_sendmsg(struct io_uring_sqe *sqe, int fd,
				   const struct msghdr *msg, int flags)
{
	rr_prep_rw(sqe, IORING_OP_SENDMSG, fd, msg, 1, 0);
	sqe->msg_flags = (__u32)flags;
}

/* IORING_OP_RECVMSG: recvmsg(2) (as rr_prep_sendmsg). */
static inline void rr_prep_recvmsg(struct io_uring_sqe *sqe, int fd,
				   struct msghdr *msg, int flags)
{
	rr_prep_rw(sqe, IORING_OP_RECVMSG, fd, msg, 1, 0);
	sqe->msg_flags = (__u32)flags;
}

/* IORING_OP_SHUTDOWN (5.11): shutdown(2), SHUT_* in `how`. */
static inline void rr_prep_shutdown(struct io_uring_sqe *sqe, int fd, int how)
{
	rr_prep_rw(sqe, IORING_OP_SHUTDOWN, fd, NULL, (unsigned)how, 0);
}

/* socket(2) (5.19); cqe->res is the new fd.  `flags` must be 0. */
static inline void rr_prep_socket(struct io_uring_sqe *sqe, int domain,
				  int type, int protocol, unsigned flags)
{
	rr_prep_rw(sqe, IORING_OP_SOCKET, domain, NULL, (unsigned)protocol,
		   (uint64_t)type);
	sqe->rw_flags = flags;
}

/* ---- readiness ---------------------------------------------------------- */

/* Complete once `poll_mask` (POLLIN, POLLOUT, ...) is ready on `fd`;
 * cqe->res is the ready mask. */
static inline void rr_prep_poll_add(struct io_uring_sqe *sqe, int fd,
				    unsigned poll_mask)
{
	rr_prep_rw(sqe, IORING_OP_POLL_ADD, fd, NULL, 0, 0);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	/* The 32-bit mask is stored word-swapped on big-endian machines. */
	poll_mask = (poll_mask << 16) | (poll_mask >> 16);
#endif
	sqe->poll32_events = poll_mask;
}

/* Stay armed: one CQE per readiness event while IORING_CQE_F_MORE is set. */
static inline void rr_prep_poll_multishot(struct io_uring_sqe *sqe, int fd,
					  unsigned poll_mask)
{
	rr_prep_poll_add(sqe, fd, poll_mask);
	sqe->len = IORING_POLL_ADD_MULTI;
}

/* Remove the poll request whose user_data is `user_data`. */
static inline void rr_prep_poll_remove(struct io_uring_sqe *sqe,
				       uint64_t user_data)
{
	rr_prep_rw(sqe, IORING_OP_POLL_REMOVE, -1, NULL, 0, 0);
	sqe->addr = user_data;
}

/* ---- timeouts ----------------------------------------------------------- */

/*
 * Complete after `ts` (relative, or absolute with IORING_TIMEOUT_ABS) with
 * -ETIME, or earlier with 0 once `count` other CQEs have been posted
 * (count 0: time only).
 */
static inline void rr_prep_timeout(struct io_uring_sqe *sqe,
				   const struct __kernel_timespec *ts,
				   unsigned count, unsigned flags)
{
	rr_prep_rw(sqe, IORING_OP_TIMEOUT, -1, ts, 1, count);
	sqe->timeout_flags = flags;
}

/*
 * Linked after an SQE marked rr_sqe_link: cancel that SQE (it completes with
 * -ECANCELED and this one with -ETIME) if it has not finished within `ts`;
 * if it finishes first, this one completes with -ECANCELED.
 */
static inline void rr_prep_link_timeout(struct io_uring_sqe *sqe,
					const struct __kernel_timespec *ts,
					unsigned flags)
{
	rr_prep_rw(sqe, IORING_OP_LINK_TIMEOUT, -1, ts, 1, 0);
	sqe->timeout_flags = flags;
}

/* Remove the timeout whose user_data is `user_data` (it completes with
 * -ECANCELED). */
static inline void rr_prep_timeout_remove(struct io_uring_sqe *sqe,
					  uint64_t user_data, unsigned flags)
{
	rr_prep_rw(sqe, IORING_OP_TIMEOUT_REMOVE, -1, NULL, 0, 0);
	sqe->addr = user_data;
	sqe->timeout_flags = flags;
}

/* ---- cancellation ------------------------------------------------------- */

/*
 * Cancel the request whose user_data is `user_data`; with
 * IORING_ASYNC_CANCEL_ALL every such request (5.19).  The cancel's own
 * cqe->res: 0 (or the count with _ALL), -ENOENT if none was found,
 * -EALREADY if it was already running.
 */
static inline void rr_prep_cancel64(struct io_uring_sqe *sqe,
				    uint64_t user_data, unsigned flags)
{
	rr_prep_rw(sqe, IORING_OP_ASYNC_CANCEL, -1, NULL, 0, 0);
	sqe->addr = user_data;
	sqe->cancel_flags = flags;
}

/* rr_prep_cancel64 for a pointer user_data (rr_sqe_set_data's). */
static inline void rr_prep_cancel(struct io_uring_sqe *sqe, void *user_data,
				  unsigned flags)
{
	rr_prep_cancel64(sqe, (uint64_t)(uintptr_t)user_data, flags);
}

/* Cancel requests on `fd` (one, or all with IORING_ASYNC_CANCEL_ALL). */
static inline void rr_prep_cancel_fd(struct io_uring_sqe *sqe, int fd,
				     unsigned flags)
{
	rr_prep_rw(sqe, IORING_OP_ASYNC_CANCEL, fd, NULL, 0, 0);
	sqe->cancel_flags = flags | IORING_ASYNC_CANCEL_FD;
}

/* Cancel every request in the ring (5.19). */
static inline void rr_prep_cancel_all(struct io_uring_sqe *sqe)
{
	rr_prep_rw(sqe, IORING_OP_ASYNC_CANCEL, -1, NULL, 0, 0);
	sqe->cancel_flags = IORING_ASYNC_CANCEL_ANY | IORING_ASYNC_CANCEL_ALL;
}

/* ---- between rings ------------------------------------------------------ */

/*
 * Post a CQE to the ring whose fd is `target_ring_fd` (5.18): there,
 * cqe->res is `res` and cqe->user_data is `user_data`.  This ring gets its
 * own CQE with 0 or -errno (-EOVERFLOW when the target's CQ is full).
 */
static inline void rr_prep_msg_ring(struct io_uring_sqe *sqe,
				    int target_ring_fd, unsigned res,
				    uint64_t user_data, unsigned flags)
{
	rr_prep_rw(sqe, IORING_OP_MSG_RING, target_ring_fd, NULL, res,
		   user_data);
	sqe->addr = IORING_MSG_DATA;
	sqe->msg_ring_flags = flags;
}

/* ==== the rest of the ABI ============================================== */

/*
 * Linux's AT_FDCWD (the value is fixed ABI; <fcntl.h> names it only in
 * POSIX modes).
 */
#ifdef AT_FDCWD
#define RR__AT_FDCWD AT_FDCWD
#else
#define RR__AT_FDCWD (-100)
#endif

/*
 * sqe->file_index for ops that create a direct descriptor: slot + 1 (0 means
 * "a normal fd"), or IORING_FILE_INDEX_ALLOC itself to let the kernel pick a
 * free slot, which cqe->res then names.
 */
static inline void rr__sqe_set_target_slot(struct io_uring_sqe *sqe,
					   unsigned file_index)
{
	sqe->file_index = file_index == IORING_FILE_INDEX_ALLOC
				  ? IORING_FILE_INDEX_ALLOC
				  : file_index + 1;
}

/*
 * sqe->addr seen as two 32-bit words in memory order, as the ABI overlays
 * { level, optname } on it for socket commands (so on either byte order).
 */
static inline void rr__sqe_set_addr_words(struct io_uring_sqe *sqe,
					  uint32_t first, uint32_t second)
{
	uint32_t words[2];

	words[0] = first;
	words[1] = second;
	memcpy(&sqe->addr, words, sizeof(words));
}

/* The 32-bit poll mask as sqe->poll32_events stores it (word-swapped on
 * big-endian machines). */
static inline uint32_t rr__sqe_poll_mask(unsigned poll_mask)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	poll_mask = (poll_mask << 16) | (poll_mask >> 16);
#endif
	return (uint32_t)poll_mask;
}

/*
 * The op's flags word (rw_flags and its union: pipe_flags, futex_flags, ...),
 * copied in because its type is __u32 in older headers, int in newer ones.
 */
static inline void rr__sqe_set_op_flags(struct io_uring_sqe *sqe,
					uint32_t flags)
{
	memcpy(&sqe->rw_flags, &flags, sizeof(flags));
}

/* ---- file I/O, more ---------------------------------------------------- */

/* preadv2(2): readv with RWF_* `flags` (RWF_NOWAIT, RWF_HIPRI, ...). */
static inline void rr_prep_readv2(struct io_uring_sqe *sqe, int fd,
				  const struct iovec *iovecs, unsigned nr_vecs,
				  uint64_t offset, int flags)
{
	rr_prep_readv(sqe, fd, iovecs, nr_vecs, offset);
	rr__sqe_set_op_flags(sqe, (uint32_t)flags);
}

/* pwritev2(2): writev with RWF_* `flags` (RWF_APPEND, RWF_DSYNC, ...). */
static inline void rr_prep_writev2(struct io_uring_sqe *sqe, int fd,
				   const struct iovec *iovecs, unsigned nr_vecs,
				   uint64_t offset, int flags)
{
	rr_prep_writev(sqe, fd, iovecs, nr_vecs, offset);
	rr__sqe_set_op_flags(sqe, (uint32_t)flags);
}

/* readv into registered buffer `buf_index` (6.15): every iovec must lie
 * inside that buffer. */
static inline void rr_prep_readv_fixed(struct io_uring_sqe *sqe, int fd,
				       const struct iovec *iovecs,
				       unsigned nr_vecs, uint64_t offset,
				       int flags, unsigned buf_index)
{
	rr_prep_rw(sqe, RR_IORING_OP_READV_FIXED, fd, iovecs, nr_vecs, offset);
	rr__sqe_set_op_flags(sqe, (uint32_t)flags);
	sqe->buf_index = (__u16)buf_index;
}

/* writev from registered buffer `buf_index` (6.15). */
static inline void rr_prep_writev_fixed(struct io_uring_sqe *sqe, int fd,
					const struct iovec *iovecs,
					unsigned nr_vecs, uint64_t offset,
					int flags, unsigned buf_index)
{
	rr_prep_rw(sqe, RR_IORING_OP_WRITEV_FIXED, fd, iovecs, nr_vecs, offset);
	rr__sqe_set_op_flags(sqe, (uint32_t)flags);
	sqe->buf_index = (__u16)buf_index;
}

/*
 * Multishot read of a pollable fd (6.7): one CQE per chunk while
 * IORING_CQE_F_MORE is set, each in a buffer of ring-provided group
 * `group_id`; `nbytes` 0 reads up to the buffer's size.
 */
static inline void rr_prep_read_multishot(struct io_uring_sqe *sqe, int fd,
					  unsigned nbytes, uint64_t offset,
					  unsigned short group_id)
{
	rr_prep_rw(sqe, RR_IORING_OP_READ_MULTISHOT, fd, NULL, nbytes, offset);
	sqe->flags = IOSQE_BUFFER_SELECT;
	sqe->buf_group = group_id;
}

/* sync_file_range(2) (5.2); `len` 0 means to the end of the file. */
static inline void rr_prep_sync_file_range(struct io_uring_sqe *sqe, int fd,
					   unsigned len, uint64_t offset,
					   int flags)
{
	rr_prep_rw(sqe, IORING_OP_SYNC_FILE_RANGE, fd, NULL, len, offset);
	sqe->sync_range_flags = (__u32)flags;
}

/* posix_fadvise(2) (5.6) over a 32-bit length. */
static inline void rr_prep_fadvise(struct io_uring_sqe *sqe, int fd,
				   uint64_t offset, uint32_t len, int advice)
{
	rr_prep_rw(sqe, IORING_OP_FADVISE, fd, NULL, len, offset);
	sqe->fadvise_advice = (__u32)advice;
}

/* posix_fadvise(2) over a 64-bit length, carried in sqe->addr (kernels that
 * read only sqe->len fail it with -EINVAL). */
static inline void rr_prep_fadvise64(struct io_uring_sqe *sqe, int fd,
				     uint64_t offset, int64_t len, int advice)
{
	rr_prep_rw(sqe, IORING_OP_FADVISE, fd, NULL, 0, offset);
	sqe->addr = (uint64_t)len;
	sqe->fadvise_advice = (__u32)advice;
}

/* madvise(2) (5.6) over a 32-bit length. */
static inline void rr_prep_madvise(struct io_uring_sqe *sqe, void *addr,
				   uint32_t length, int advice)
{
	rr_prep_rw(sqe, IORING_OP_MADVISE, -1, addr, length, 0);
	sqe->fadvise_advice = (__u32)advice;
}

/* madvise(2) over a 64-bit length, carried in sqe->off. */
static inline void rr_prep_madvise64(struct io_uring_sqe *sqe, void *addr,
				     int64_t length, int advice)
{
	rr_prep_rw(sqe, IORING_OP_MADVISE, -1, addr, 0, (uint64_t)length);
	sqe->fadvise_advice = (__u32)advice;
}

/* ftruncate(2) (6.9). */
static inline void rr_prep_ftruncate(struct io_uring_sqe *sqe, int fd,
				     int64_t len)
{
	rr_prep_rw(sqe, RR_IORING_OP_FTRUNCATE, fd, NULL, 0, (uint64_t)len);
}

/* tee(2) (5.8): duplicate up to `nbytes` from pipe `fd_in` into pipe
 * `fd_out` without consuming them. */
static inline void rr_prep_tee(struct io_uring_sqe *sqe, int fd_in,
			       int fd_out, unsigned nbytes,
			       unsigned splice_flags)
{
	rr_prep_rw(sqe, IORING_OP_TEE, fd_out, NULL, nbytes, 0);
	sqe->splice_off_in = 0;
	sqe->splice_fd_in = fd_in;
	sqe->splice_flags = splice_flags;
}

/*
 * Replace registered-file slots [offset, offset + nr_fds) with `fds` (5.6),
 * like rr_register_files_update but as an SQE.  `offset`
 * IORING_FILE_INDEX_ALLOC: free slots are picked and written back to `fds`.
 */
static inline void rr_prep_files_update(struct io_uring_sqe *sqe, int *fds,
					unsigned nr_fds, int offset)
{
	rr_prep_rw(sqe, IORING_OP_FILES_UPDATE, -1, fds, nr_fds,
		   (uint64_t)(uint32_t)offset);
}

/* ---- opening and closing; direct descriptors -------------------------- */

/* open(2) relative to the working directory. */
static inline void rr_prep_open(struct io_uring_sqe *sqe, const char *path,
				int flags, unsigned mode)
{
	rr_prep_openat(sqe, RR__AT_FDCWD, path, flags, mode);
}

/* openat2(2) (5.6); cqe->res is the new fd. */
static inline void rr_prep_openat2(struct io_uring_sqe *sqe, int dfd,
				   const char *path, const struct open_how *how)
{
	rr_prep_rw(sqe, IORING_OP_OPENAT2, dfd, path, (unsigned)sizeof(*how),
		   (uint64_t)(uintptr_t)how);
}

/*
 * openat into registered-file slot `file_index` (5.15), or a free slot with
 * IORING_FILE_INDEX_ALLOC (5.19, cqe->res names it).  No O_CLOEXEC: a
 * direct descriptor is no fd.
 */
static inline void rr_prep_openat_direct(struct io_uring_sqe *sqe, int dfd,
					 const char *path, int flags,
					 unsigned mode, unsigned file_index)
{
	rr_prep_openat(sqe, dfd, path, flags, mode);
	rr__sqe_set_target_slot(sqe, file_index);
}

/* open(2) into a registered-file slot, as rr_prep_openat_direct. */
static inline void rr_prep_open_direct(struct io_uring_sqe *sqe,
				       const char *path, int flags,
				       unsigned mode, unsigned file_index)
{
	rr_prep_openat_direct(sqe, RR__AT_FDCWD, path, flags, mode, file_index);
}

/* openat2(2) into a registered-file slot, as rr_prep_openat_direct. */
static inline void rr_prep_openat2_direct(struct io_uring_sqe *sqe, int dfd,
					  const char *path,
					  const struct open_how *how,
					  unsigned file_index)
{
	rr_prep_openat2(sqe, dfd, path, how);
	rr__sqe_set_target_slot(sqe, file_index);
}

/* Close registered-file slot `file_index` (empty it). */
static inline void rr_prep_close_direct(struct io_uring_sqe *sqe,
					unsigned file_index)
{
	rr_prep_close(sqe, 0);
	sqe->file_index = file_index + 1;
}

/*
 * Make registered-file slot `fd` a normal fd (6.8); cqe->res is the fd,
 * O_CLOEXEC unless `flags` has IORING_FIXED_FD_NO_CLOEXEC.
 */
static inline void rr_prep_fixed_fd_install(struct io_uring_sqe *sqe, int fd,
					    unsigned flags)
{
	rr_prep_rw(sqe, RR_IORING_OP_FIXED_FD_INSTALL, fd, NULL, 0, 0);
	sqe->flags = IOSQE_FIXED_FILE;
	rr__sqe_set_op_flags(sqe, (uint32_t)flags); /* sqe->install_fd_flags */
}

/* pipe2(2) (6.16): the read and write ends land in fds[0] and fds[1]. */
static inline void rr_prep_pipe(struct io_uring_sqe *sqe, int *fds,
				int pipe_flags)
{
	rr_prep_rw(sqe, RR_IORING_OP_PIPE, 0, fds, 0, 0);
	rr__sqe_set_op_flags(sqe, (uint32_t)pipe_flags); /* sqe->pipe_flags */
}

/*
 * pipe2(2) into registered-file slots `file_index` and the next one (or two
 * free slots with IORING_FILE_INDEX_ALLOC); fds[] gets the slot numbers.
 */
static inline void rr_prep_pipe_direct(struct io_uring_sqe *sqe, int *fds,
				       int pipe_flags, unsigned file_index)
{
	rr_prep_pipe(sqe, fds, pipe_flags);
	rr__sqe_set_target_slot(sqe, file_index);
}

/* ---- paths ------------------------------------------------------------- */

/* unlink(2) or, with AT_REMOVEDIR, rmdir(2), relative to the working
 * directory. */
static inline void rr_prep_unlink(struct io_uring_sqe *sqe, const char *path,
				  int flags)
{
	rr_prep_unlinkat(sqe, RR__AT_FDCWD, path, flags);
}

/* rename(2) relative to the working directory. */
static inline void rr_prep_rename(struct io_uring_sqe *sqe,
				  const char *old_path, const char *new_path)
{
	rr_prep_renameat(sqe, RR__AT_FDCWD, old_path, RR__AT_FDCWD, new_path, 0);
}

/* mkdir(2) relative to the working directory. */
static inline void rr_prep_mkdir(struct io_uring_sqe *sqe, const char *path,
				 unsigned mode)
{
	rr_prep_mkdirat(sqe, RR__AT_FDCWD, path, mode);
}

/* symlinkat(2) (5.15): create `link_path` (relative to `new_dfd`) pointing
 * to `target`. */
static inline void rr_prep_symlinkat(struct io_uring_sqe *sqe,
				     const char *target, int new_dfd,
				     const char *link_path)
{
	rr_prep_rw(sqe, IORING_OP_SYMLINKAT, new_dfd, target, 0,
		   (uint64_t)(uintptr_t)link_path);
}

/* symlink(2) relative to the working directory. */
static inline void rr_prep_symlink(struct io_uring_sqe *sqe,
				   const char *target, const char *link_path)
{
	rr_prep_symlinkat(sqe, target, RR__AT_FDCWD, link_path);
}

/* linkat(2) (5.15): a hard link; `flags` 0 or AT_SYMLINK_FOLLOW. */
static inline void rr_prep_linkat(struct io_uring_sqe *sqe, int old_dfd,
				  const char *old_path, int new_dfd,
				  const char *new_path, int flags)
{
	rr_prep_rw(sqe, IORING_OP_LINKAT, old_dfd, old_path, (unsigned)new_dfd,
		   (uint64_t)(uintptr_t)new_path);
	sqe->hardlink_flags = (__u32)flags;
}

/* link(2) relative to the working directory. */
static inline void rr_prep_link(struct io_uring_sqe *sqe, const char *old_path,
				const char *new_path, int flags)
{
	rr_prep_linkat(sqe, RR__AT_FDCWD, old_path, RR__AT_FDCWD, new_path, flags);
}

/* ---- extended attributes (5.19) --------------------------------------- */

/* fsetxattr(2): set attribute `name` of `fd` to `len` bytes of `value`;
 * `flags` 0, XATTR_CREATE or XATTR_REPLACE. */
static inline void rr_prep_fsetxattr(struct io_uring_sqe *sqe, int fd,
				     const char *name, const char *value,
				     int flags, unsigned len)
{
	rr_prep_rw(sqe, IORING_OP_FSETXATTR, fd, name, len,
		   (uint64_t)(uintptr_t)value);
	sqe->xattr_flags = (__u32)flags;
}

/* setxattr(2) on `path`, as rr_prep_fsetxattr. */
static inline void rr_prep_setxattr(struct io_uring_sqe *sqe,
				    const char *name, const char *value,
				    const char *path, int flags, unsigned len)
{
	rr_prep_rw(sqe, IORING_OP_SETXATTR, 0, name, len,
		   (uint64_t)(uintptr_t)value);
	sqe->addr3 = (uint64_t)(uintptr_t)path;
	sqe->xattr_flags = (__u32)flags;
}

/* fgetxattr(2): cqe->res is the value's length (`len` 0: only ask it). */
static inline void rr_prep_fgetxattr(struct io_uring_sqe *sqe, int fd,
				     const char *name, char *value,
				     unsigned len)
{
	rr_prep_rw(sqe, IORING_OP_FGETXATTR, fd, name, len,
		   (uint64_t)(uintptr_t)value);
}

/* getxattr(2) on `path`, as rr_prep_fgetxattr. */
static inline void rr_prep_getxattr(struct io_uring_sqe *sqe,
				    const char *name, char *value,
				    const char *path, unsigned len)
{
	rr_prep_rw(sqe, IORING_OP_GETXATTR, 0, name, len,
		   (uint64_t)(uintptr_t)value);
	sqe->addr3 = (uint64_t)(uintptr_t)path;
}

/* ---- sockets, more ------------------------------------------------------ */

/* bind(2) (6.11). */
static inline void rr_prep_bind(struct io_uring_sqe *sqe, int fd,
				const struct sockaddr *addr, socklen_t addrlen)
{
	rr_prep_rw(sqe, RR_IORING_OP_BIND, fd, addr, 0, addrlen);
}

/* listen(2) (6.11). */
static inline void rr_prep_listen(struct io_uring_sqe *sqe, int fd,
				  int backlog)
{
	rr_prep_rw(sqe, RR_IORING_OP_LISTEN, fd, NULL, (unsigned)backlog, 0);
}

/*
 * accept4(2) into registered-file slot `file_index` (5.15), or a free slot
 * with IORING_FILE_INDEX_ALLOC (cqe->res names it).  No SOCK_CLOEXEC.
 */
static inline void rr_prep_accept_direct(struct io_uring_sqe *sqe, int fd,
					 struct sockaddr *addr,
					 socklen_t *addrlen, int flags,
					 unsigned file_index)
{
	rr_prep_accept(sqe, fd, addr, addrlen, flags);
	rr__sqe_set_target_slot(sqe, file_index);
}

/* Multishot accept (5.19), each connection into a free registered-file
 * slot, which its CQE's res names. */
static inline void rr_prep_multishot_accept_direct(struct io_uring_sqe *sqe,
						   int fd,
						   struct sockaddr *addr,
						   socklen_t *addrlen,
						   int flags)
{
	rr_prep_multishot_accept(sqe, fd, addr, addrlen, flags);
	rr__sqe_set_target_slot(sqe, IORING_FILE_INDEX_ALLOC);
}

/* socket(2) into registered-file slot `file_index` (5.19), or a free slot
 * with IORING_FILE_INDEX_ALLOC.  `flags` must be 0. */
static inline void rr_prep_socket_direct(struct io_uring_sqe *sqe, int domain,
					 int type, int protocol,
					 unsigned file_index, unsigned flags)
{
	rr_prep_socket(sqe, domain, type, protocol, flags);
	rr__sqe_set_target_slot(sqe, file_index);
}

/* socket(2) into a free registered-file slot; cqe->res names it. */
static inline void rr_prep_socket_direct_alloc(struct io_uring_sqe *sqe,
					       int domain, int type,
					       int protocol, unsigned flags)
{
	rr_prep_socket_direct(sqe, domain, type, protocol,
			      IORING_FILE_INDEX_ALLOC, flags);
}

/* Give a prepared send or send_zc a destination, as sendto(2) does; it
 * changes only those two fields. */
static inline void rr_prep_send_set_addr(struct io_uring_sqe *sqe,
					 const struct sockaddr *dest_addr,
					 __u16 addr_len)
{
	sqe->addr2 = (uint64_t)(uintptr_t)dest_addr;
	sqe->addr_len = addr_len;
}

/* sendto(2): a send to `addr`, e.g. on an unconnected UDP socket. */
static inline void rr_prep_sendto(struct io_uring_sqe *sqe, int sockfd,
				  const void *buf, size_t len, int flags,
				  const struct sockaddr *addr, socklen_t addrlen)
{
	rr_prep_send(sqe, sockfd, buf, len, flags);
	rr_prep_send_set_addr(sqe, addr, (__u16)addrlen);
}

/*
 * Send a bundle (6.10, IORING_FEAT_RECVSEND_BUNDLE): as many buffers of the
 * provided-buffer ring as are queued, up to `len` bytes (0: no limit), in
 * one op.  Choose the group with rr_sqe_buffer_select.
 */
static inline void rr_prep_send_bundle(struct io_uring_sqe *sqe, int sockfd,
				       size_t len, int flags)
{
	rr_prep_send(sqe, sockfd, NULL, len, flags);
	sqe->ioprio |= IORING_RECVSEND_BUNDLE;
}

/*
 * Receive a bundle (6.10): fill as many consecutive buffers of ring-provided
 * group `group_id` as the data takes; cqe->res is the byte count and the
 * CQE's buffer id the first one.  (rawring's own; liburing has no helper.)
 */
static inline void rr_prep_recv_bundle(struct io_uring_sqe *sqe, int fd,
				       unsigned short group_id, int flags)
{
	rr_prep_recv(sqe, fd, NULL, 0, flags);
	sqe->ioprio |= IORING_RECVSEND_BUNDLE;
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = group_id;
}

/* Zero-copy send (6.0) from registered buffer `buf_index`; the CQEs are
 * rr_prep_send_zc's. */
static inline void rr_prep_send_zc_fixed(struct io_uring_sqe *sqe, int sockfd,
					 const void *buf, size_t len, int flags,
					 unsigned zc_flags, unsigned buf_index)
{
	rr_prep_send_zc(sqe, sockfd, buf, len, flags, zc_flags);
	sqe->ioprio |= IORING_RECVSEND_FIXED_BUF;
	sqe->buf_index = (__u16)buf_index;
}

/* Zero-copy sendmsg (6.1): a result CQE with IORING_CQE_F_MORE, then a
 * notification (IORING_CQE_F_NOTIF) once the buffers may be reused. */
static inline void rr_prep_sendmsg_zc(struct io_uring_sqe *sqe, int fd,
				      const struct msghdr *msg, int flags)
{
	rr_prep_sendmsg(sqe, fd, msg, flags);
	sqe->opcode = IORING_OP_SENDMSG_ZC;
}

/* Zero-copy sendmsg whose iovecs lie in registered buffer `buf_index`. */
static inline void rr_prep_sendmsg_zc_fixed(struct io_uring_sqe *sqe, int fd,
					    const struct msghdr *msg,
					    int flags, unsigned buf_index)
{
	rr_prep_sendmsg_zc(sqe, fd, msg, flags);
	sqe->ioprio |= IORING_RECVSEND_FIXED_BUF;
	sqe->buf_index = (__u16)buf_index;
}

/*
 * Multishot recvmsg (6.0): a CQE per message while IORING_CQE_F_MORE is set,
 * each in a provided buffer (rr_sqe_buffer_select; parse with rr_recvmsg_*).
 * Only msg->msg_namelen and msg->msg_controllen are read.
 */
static inline void rr_prep_recvmsg_multishot(struct io_uring_sqe *sqe, int fd,
					     struct msghdr *msg, int flags)
{
	rr_prep_recvmsg(sqe, fd, msg, flags);
	sqe->ioprio |= IORING_RECV_MULTISHOT;
}

/*
 * Zero-copy receive (6.15) through the interface queue registered as
 * `zcrx_ifq_idx`: `flags` IORING_RECV_MULTISHOT (with `len` 0: until
 * cancelled) or 0 for one receive of `len` bytes.  Needs a CQE32 ring.
 */
static inline void rr_prep_recv_zc(struct io_uring_sqe *sqe, int fd,
				   unsigned len, unsigned flags,
				   unsigned zcrx_ifq_idx)
{
	rr_prep_rw(sqe, RR_IORING_OP_RECV_ZC, fd, NULL, len, 0);
	sqe->ioprio = (__u16)flags;
	sqe->file_index = zcrx_ifq_idx; /* sqe->zcrx_ifq_idx */
}

/* ---- the buffers of a multishot recvmsg --------------------------------- */

/*
 * A multishot recvmsg buffer: struct io_uring_recvmsg_out, msg_namelen bytes
 * of name, msg_controllen of control data, the payload.  Returns the header,
 * or NULL if `buf_len` (cqe->res) bytes cannot hold the first three.
 */
static inline struct io_uring_recvmsg_out *
rr_recvmsg_validate(void *buf, int buf_len, const struct msghdr *msgh)
{
	size_t room;

	if (buf_len < 0 || (size_t)buf_len < sizeof(struct io_uring_recvmsg_out))
		return NULL;
	room = (size_t)buf_len - sizeof(struct io_uring_recvmsg_out);
	if (msgh->msg_namelen > room)
		return NULL;
	room -= msgh->msg_namelen;
	if (msgh->msg_controllen > room)
		return NULL;
	return (struct io_uring_recvmsg_out *)buf;
}

/* The source address (out->namelen bytes of it were filled). */
static inline void *rr_recvmsg_name(struct io_uring_recvmsg_out *out)
{
	return (void *)(out + 1);
}

/* The first control message, or NULL if none was received. */
static inline struct cmsghdr *
rr_recvmsg_cmsg_firsthdr(struct io_uring_recvmsg_out *out,
			 const struct msghdr *msgh)
{
	if (out->controllen < sizeof(struct cmsghdr))
		return NULL;
	return (struct cmsghdr *)((unsigned char *)rr_recvmsg_name(out) +
				  msgh->msg_namelen);
}

/* A control message's length rounded as the kernel lays them out. */
static inline size_t rr__cmsg_aligned(size_t len)
{
	return (len + sizeof(size_t) - 1) & ~(sizeof(size_t) - 1);
}

/* The control message after `cmsg`, or NULL after the last one. */
static inline struct cmsghdr *
rr_recvmsg_cmsg_nexthdr(struct io_uring_recvmsg_out *out,
			const struct msghdr *msgh, struct cmsghdr *cmsg)
{
	unsigned char *first = (unsigned char *)rr_recvmsg_name(out) +
			       msgh->msg_namelen;
	size_t used = (size_t)((unsigned char *)cmsg - first);
	size_t next, room;

	if (cmsg->cmsg_len < sizeof(struct cmsghdr) ||
	    cmsg->cmsg_len > out->controllen) /* rounding cannot wrap below */
		return NULL;
	next = used + rr__cmsg_aligned((size_t)cmsg->cmsg_len);
	if (next > out->controllen)
		return NULL;
	room = out->controllen - next;
	if (room < sizeof(struct cmsghdr))
		return NULL;
	cmsg = (struct cmsghdr *)(first + next);
	if (cmsg->cmsg_len > room ||
	    rr__cmsg_aligned((size_t)cmsg->cmsg_len) > room)
		return NULL;
	return cmsg;
}

/* The payload: it starts after the space msgh reserved for the name and
 * the control data, filled or not. */
static inline void *rr_recvmsg_payload(struct io_uring_recvmsg_out *out,
				       const struct msghdr *msgh)
{
	return (void *)((unsigned char *)rr_recvmsg_name(out) +
			msgh->msg_namelen + msgh->msg_controllen);
}

/* The payload bytes in a buffer of `buf_len` (cqe->res) bytes;
 * out->payloadlen is the datagram's full length, truncated or not. */
static inline unsigned
rr_recvmsg_payload_length(struct io_uring_recvmsg_out *out, int buf_len,
			  const struct msghdr *msgh)
{
	size_t start = sizeof(*out) + msgh->msg_namelen + msgh->msg_controllen;

	if (buf_len < 0 || (size_t)buf_len <= start)
		return 0;
	return (unsigned)((size_t)buf_len - start);
}

/* ---- passthrough commands ----------------------------------------------- */

/*
 * IORING_OP_URING_CMD (5.19): command `cmd_op` for the driver behind `fd`
 * (a socket: RR_SOCKET_URING_OP_*; a block device: BLOCK_URING_CMD_*).  The
 * command's own arguments go in afterwards.
 */
static inline void rr_prep_uring_cmd(struct io_uring_sqe *sqe, int cmd_op,
				     int fd)
{
	rr_prep_rw(sqe, IORING_OP_URING_CMD, fd, NULL, 0, 0);
	sqe->cmd_op = (__u32)cmd_op;
	sqe->__pad1 = 0;
}

/*
 * The same in a 128-byte SQE: only on an IORING_SETUP_SQE128 ring, whose
 * SQEs are 128 bytes (all of which are written); the 80 bytes from
 * sqe->cmd are the command's.
 */
static inline void rr_prep_uring_cmd128(struct io_uring_sqe *sqe, int cmd_op,
					int fd)
{
	rr_prep_uring_cmd(sqe, cmd_op, fd);
	sqe->opcode = RR_IORING_OP_URING_CMD128;
	memset((unsigned char *)sqe + sizeof(*sqe), 0, sizeof(*sqe));
}

/* A NOP in a 128-byte SQE: only on an IORING_SETUP_SQE128 ring (all 128
 * bytes are written). */
static inline void rr_prep_nop128(struct io_uring_sqe *sqe)
{
	rr_prep_rw(sqe, RR_IORING_OP_NOP128, -1, NULL, 0, 0);
	memset((unsigned char *)sqe + sizeof(*sqe), 0, sizeof(*sqe));
}

/*
 * A socket command: getsockopt/setsockopt (RR_SOCKET_URING_OP_GETSOCKOPT,
 * _SETSOCKOPT) of `level`/`optname` with `optlen` bytes at `optval`, or
 * SIOCINQ/SIOCOUTQ (the other arguments 0; cqe->res is the byte count).
 */
static inline void rr_prep_cmd_sock(struct io_uring_sqe *sqe, int cmd_op,
				    int fd, int level, int optname,
				    void *optval, int optlen)
{
	rr_prep_uring_cmd(sqe, cmd_op, fd);
	rr__sqe_set_addr_words(sqe, (uint32_t)level, (uint32_t)optname);
	sqe->addr3 = (uint64_t)(uintptr_t)optval; /* sqe->optval */
	sqe->file_index = (__u32)optlen;          /* sqe->optlen */
}

/* getsockname(2), or getpeername(2) with `peer` 1, as a socket command;
 * *sockaddr_len is in and out as for the system calls. */
static inline void rr_prep_cmd_getsockname(struct io_uring_sqe *sqe, int fd,
					   struct sockaddr *sockaddr,
					   socklen_t *sockaddr_len, int peer)
{
	rr_prep_uring_cmd(sqe, RR_SOCKET_URING_OP_GETSOCKNAME, fd);
	sqe->addr = (uint64_t)(uintptr_t)sockaddr;
	sqe->addr3 = (uint64_t)(uintptr_t)sockaddr_len;
	sqe->file_index = (__u32)peer; /* sqe->optlen */
}

/* Discard `nbytes` at `offset` of block device `fd` (BLOCK_URING_CMD_DISCARD,
 * 6.12). */
static inline void rr_prep_cmd_discard(struct io_uring_sqe *sqe, int fd,
				       uint64_t offset, uint64_t nbytes)
{
	rr_prep_uring_cmd(sqe, (int)BLOCK_URING_CMD_DISCARD, fd);
	sqe->addr = offset;
	sqe->addr3 = nbytes;
}

/* Reset every zone of zoned block device `fd`
 * (BLOCK_URING_CMD_ZONE_RESET_ALL). */
static inline void rr_prep_cmd_zone_reset_all(struct io_uring_sqe *sqe, int fd)
{
	rr_prep_uring_cmd(sqe, (int)BLOCK_URING_CMD_ZONE_RESET_ALL, fd);
}

/* ---- readiness and waiting, more ---------------------------------------- */

/*
 * Change the armed poll whose user_data is `old_user_data`: its mask to
 * `poll_mask` with IORING_POLL_UPDATE_EVENTS, its user_data to
 * `new_user_data` with IORING_POLL_UPDATE_USER_DATA (`flags`).
 */
static inline void rr_prep_poll_update(struct io_uring_sqe *sqe,
				       uint64_t old_user_data,
				       uint64_t new_user_data,
				       unsigned poll_mask, unsigned flags)
{
	rr_prep_rw(sqe, IORING_OP_POLL_REMOVE, -1, NULL, flags, new_user_data);
	sqe->addr = old_user_data;
	sqe->poll32_events = rr__sqe_poll_mask(poll_mask);
}

/* epoll_ctl(2) (5.6) on epoll instance `epfd`. */
static inline void rr_prep_epoll_ctl(struct io_uring_sqe *sqe, int epfd,
				     int fd, int op,
				     const struct epoll_event *ev)
{
	rr_prep_rw(sqe, IORING_OP_EPOLL_CTL, epfd, ev, (unsigned)op,
		   (uint64_t)(uint32_t)fd);
}

/* epoll_wait(2) (6.15) without a timeout: completes once events are ready;
 * cqe->res is their count.  `flags` must be 0. */
static inline void rr_prep_epoll_wait(struct io_uring_sqe *sqe, int fd,
				      struct epoll_event *events,
				      int maxevents, unsigned flags)
{
	rr_prep_rw(sqe, RR_IORING_OP_EPOLL_WAIT, fd, events,
		   (unsigned)maxevents, 0);
	rr__sqe_set_op_flags(sqe, (uint32_t)flags);
}

#ifdef RR__HAVE_WAITID_TYPES
/* waitid(2) (6.7); cqe->res is 0 and *infop filled, or -errno.  `flags`
 * must be 0. */
static inline void rr_prep_waitid(struct io_uring_sqe *sqe, idtype_t idtype,
				  id_t id, siginfo_t *infop, int options,
				  unsigned flags)
{
	rr_prep_rw(sqe, RR_IORING_OP_WAITID, (int)id, NULL, (unsigned)idtype, 0);
	sqe->addr2 = (uint64_t)(uintptr_t)infop;
	sqe->file_index = (__u32)options;
	rr__sqe_set_op_flags(sqe, (uint32_t)flags); /* sqe->waitid_flags */
}
#endif

/*
 * futex wait (6.7): sleep while *futex == `val` (under `mask`, e.g.
 * FUTEX_BITSET_MATCH_ANY); `futex_flags` FUTEX2_SIZE_U32, FUTEX2_PRIVATE.
 * `flags` must be 0.
 */
static inline void rr_prep_futex_wait(struct io_uring_sqe *sqe,
				      const uint32_t *futex, uint64_t val,
				      uint64_t mask, uint32_t futex_flags,
				      unsigned flags)
{
	rr_prep_rw(sqe, RR_IORING_OP_FUTEX_WAIT, (int)futex_flags, futex, 0, val);
	sqe->addr3 = mask;
	rr__sqe_set_op_flags(sqe, (uint32_t)flags); /* sqe->futex_flags */
}

/* futex wake (6.7): wake up to `val` waiters on `futex` whose mask meets
 * `mask`; cqe->res is the number woken. */
static inline void rr_prep_futex_wake(struct io_uring_sqe *sqe,
				      const uint32_t *futex, uint64_t val,
				      uint64_t mask, uint32_t futex_flags,
				      unsigned flags)
{
	rr_prep_rw(sqe, RR_IORING_OP_FUTEX_WAKE, (int)futex_flags, futex, 0, val);
	sqe->addr3 = mask;
	rr__sqe_set_op_flags(sqe, (uint32_t)flags); /* sqe->futex_flags */
}

/* Wait on `nr_futex` futexes at once (6.7); cqe->res is the index of the
 * one woken.  `flags` must be 0. */
static inline void rr_prep_futex_waitv(struct io_uring_sqe *sqe,
				       const struct futex_waitv *futexv,
				       uint32_t nr_futex, unsigned flags)
{
	rr_prep_rw(sqe, RR_IORING_OP_FUTEX_WAITV, 0, futexv, nr_futex, 0);
	rr__sqe_set_op_flags(sqe, (uint32_t)flags); /* sqe->futex_flags */
}

/* ---- provided buffers, the classic kind (5.7) -------------------------- */

/*
 * Hand `nr` buffers of `len` bytes each, consecutive from `addr`, to group
 * `group_id` with ids from `first_buffer_id` up (provided buffer rings,
 * rr_register_buf_ring, are the faster kind).
 */
static inline void rr_prep_provide_buffers(struct io_uring_sqe *sqe,
					   void *addr, int len, int nr,
					   int group_id, int first_buffer_id)
{
	rr_prep_rw(sqe, IORING_OP_PROVIDE_BUFFERS, nr, addr, (unsigned)len,
		   (uint64_t)(uint32_t)first_buffer_id);
	sqe->buf_group = (__u16)group_id;
}

/* Take back up to `nr` unused buffers of group `group_id`; cqe->res is
 * the number removed. */
static inline void rr_prep_remove_buffers(struct io_uring_sqe *sqe, int nr,
					  int group_id)
{
	rr_prep_rw(sqe, IORING_OP_REMOVE_BUFFERS, nr, NULL, 0, 0);
	sqe->buf_group = (__u16)group_id;
}

/* ---- timeouts, more ----------------------------------------------------- */

/* Re-arm the timeout whose user_data is `user_data` to `ts` (5.11); `flags`
 * may add IORING_TIMEOUT_ABS or a clock. */
static inline void rr_prep_timeout_update(struct io_uring_sqe *sqe,
					  const struct __kernel_timespec *ts,
					  uint64_t user_data, unsigned flags)
{
	rr_prep_rw(sqe, IORING_OP_TIMEOUT_REMOVE, -1, NULL, 0,
		   (uint64_t)(uintptr_t)ts);
	sqe->addr = user_data;
	sqe->timeout_flags = flags | IORING_TIMEOUT_UPDATE;
}

/* Re-arm the linked timeout whose user_data is `user_data` to `ts` (5.15).
 * (rawring's own name for a timeout update with IORING_LINK_TIMEOUT_UPDATE.) */
static inline void rr_prep_link_timeout_update(struct io_uring_sqe *sqe,
					       const struct __kernel_timespec *ts,
					       uint64_t user_data,
					       unsigned flags)
{
	rr_prep_rw(sqe, IORING_OP_TIMEOUT_REMOVE, -1, NULL, 0,
		   (uint64_t)(uintptr_t)ts);
	sqe->addr = user_data;
	sqe->timeout_flags =
		flags | IORING_TIMEOUT_UPDATE | IORING_LINK_TIMEOUT_UPDATE;
}

/* ---- cancellation, more -------------------------------------------------- */

/*
 * Cancel a request of opcode `opcode` (6.6), every one with
 * IORING_ASYNC_CANCEL_ALL; combine with _FD or _USERDATA to narrow it.
 * (rawring's own; liburing has no helper.)
 */
static inline void rr_prep_cancel_op(struct io_uring_sqe *sqe, unsigned opcode,
				     unsigned flags)
{
	rr_prep_rw(sqe, IORING_OP_ASYNC_CANCEL, -1, NULL, opcode, 0);
	sqe->cancel_flags = flags | IORING_ASYNC_CANCEL_OP;
}

/* ---- between rings, more ------------------------------------------------ */

/* rr_prep_msg_ring whose target CQE gets `cqe_flags` as its flags (6.3,
 * IORING_MSG_RING_FLAGS_PASS). */
static inline void rr_prep_msg_ring_cqe_flags(struct io_uring_sqe *sqe,
					      int target_ring_fd, unsigned res,
					      uint64_t user_data,
					      unsigned flags,
					      unsigned cqe_flags)
{
	rr_prep_msg_ring(sqe, target_ring_fd, res, user_data,
			 flags | IORING_MSG_RING_FLAGS_PASS);
	sqe->file_index = cqe_flags;
}

/*
 * Pass this ring's registered file `source_fd` (a slot) into slot
 * `target_fd` of the ring whose fd is `target_ring_fd` (6.0); the target
 * gets a CQE with `user_data` unless `flags` has IORING_MSG_RING_CQE_SKIP.
 */
static inline void rr_prep_msg_ring_fd(struct io_uring_sqe *sqe,
				       int target_ring_fd, int source_fd,
				       int target_fd, uint64_t user_data,
				       unsigned flags)
{
	rr_prep_rw(sqe, IORING_OP_MSG_RING, target_ring_fd, NULL, 0, user_data);
	sqe->addr = IORING_MSG_SEND_FD;
	sqe->addr3 = (uint64_t)(uint32_t)source_fd;
	rr__sqe_set_target_slot(sqe, (unsigned)target_fd);
	sqe->msg_ring_flags = flags;
}

/* The same into a free slot of the target ring; both CQEs' res name it. */
static inline void rr_prep_msg_ring_fd_alloc(struct io_uring_sqe *sqe,
					     int target_ring_fd, int source_fd,
					     uint64_t user_data, unsigned flags)
{
	rr_prep_msg_ring_fd(sqe, target_ring_fd, source_fd,
			    (int)IORING_FILE_INDEX_ALLOC, user_data, flags);
}

#ifdef __cplusplus
}
#endif

#endif /* RAWRING_PREP_H */
