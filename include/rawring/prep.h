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

#include <stdint.h>
#include <string.h>

#include "misuse.h"
#include <sys/socket.h>
#include <sys/uio.h>

#include "abi.h"

#ifdef __cplusplus
extern "C" {
#endif

struct statx;
struct epoll_event;

/* ---- SQE flags ---------------------------------------------------------- */

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

static inline void rr_prep_write(struct io_uring_sqe *sqe, int fd,
				 const void *buf, unsigned nbytes,
				 uint64_t offset)
{
	rr_prep_rw(sqe, IORING_OP_WRITE, fd, buf, nbytes, offset);
}

static inline void rr_prep_readv(struct io_uring_sqe *sqe, int fd,
				 const struct iovec *iovecs, unsigned nr_vecs,
				 uint64_t offset)
{
	rr_prep_rw(sqe, IORING_OP_READV, fd, iovecs, nr_vecs, offset);
}

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

static inline void rr_prep_close(struct io_uring_sqe *sqe, int fd)
{
	rr_prep_rw(sqe, IORING_OP_CLOSE, fd, NULL, 0, 0);
}

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

static inline void rr_prep_unlinkat(struct io_uring_sqe *sqe, int dfd,
				    const char *path, int flags)
{
	rr_prep_rw(sqe, IORING_OP_UNLINKAT, dfd, path, 0, 0);
	sqe->unlink_flags = (__u32)flags;
}

static inline void rr_prep_renameat(struct io_uring_sqe *sqe, int old_dfd,
				    const char *old_path, int new_dfd,
				    const char *new_path, unsigned flags)
{
	rr_prep_rw(sqe, IORING_OP_RENAMEAT, old_dfd, old_path,
		   (unsigned)new_dfd, (uint64_t)(uintptr_t)new_path);
	sqe->rename_flags = flags;
}

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

static inline void rr_prep_connect(struct io_uring_sqe *sqe, int fd,
				   const struct sockaddr *addr,
				   socklen_t addrlen)
{
	rr_prep_rw(sqe, IORING_OP_CONNECT, fd, addr, 0, addrlen);
}

/*
 * The SQE's len field for a size_t length: the SQE holds 32 bits, and a
 * longer length is a caller error (rawring/misuse.h) that a library built
 * without asserts clamps to UINT32_MAX, which the kernel shortens further
 * (a partial transfer), never truncating it to a different small length.
 */
static inline unsigned rr__sqe_len(size_t len)
{
#if SIZE_MAX > UINT32_MAX
	if (len > UINT32_MAX) {
		rr__misuse("a length beyond the SQE's 32 bits");
		return UINT32_MAX;
	}
#endif
	return (unsigned)len;
}

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

static inline void rr_prep_sendmsg(struct io_uring_sqe *sqe, int fd,
				   const struct msghdr *msg, int flags)
{
	rr_prep_rw(sqe, IORING_OP_SENDMSG, fd, msg, 1, 0);
	sqe->msg_flags = (__u32)flags;
}

static inline void rr_prep_recvmsg(struct io_uring_sqe *sqe, int fd,
				   struct msghdr *msg, int flags)
{
	rr_prep_rw(sqe, IORING_OP_RECVMSG, fd, msg, 1, 0);
	sqe->msg_flags = (__u32)flags;
}

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

#ifdef __cplusplus
}
#endif

#endif /* RAWRING_PREP_H */
