/*
 * rawring/abi_ops.h - the opcodes and per-opcode flags of the io_uring ABI
 * newer than the build host's <linux/io_uring.h> (included by abi.h).
 *
 * Opcodes are members of enum io_uring_op upstream, so a preprocessor test
 * cannot tell whether the host header has them: the ones after
 * IORING_OP_SENDMSG_ZC (the last in 6.1) are named RR_IORING_OP_<NAME> here,
 * with the ABI's numbers.  Flag macros are #define'd upstream and stand
 * behind #ifndef guards, spelled as upstream spells them so that a newer
 * header included later redefines them identically.
 */
#ifndef RAWRING_ABI_OPS_H
#define RAWRING_ABI_OPS_H

#include <linux/futex.h>
#include <linux/ioctl.h>

/* ---- opcodes after IORING_OP_SENDMSG_ZC (48) -------------------------- */

#define RR_IORING_OP_READ_MULTISHOT     49 /* 6.7 */
#define RR_IORING_OP_WAITID             50 /* 6.7 */
#define RR_IORING_OP_FUTEX_WAIT         51 /* 6.7 */
#define RR_IORING_OP_FUTEX_WAKE         52 /* 6.7 */
#define RR_IORING_OP_FUTEX_WAITV        53 /* 6.7 */
#define RR_IORING_OP_FIXED_FD_INSTALL   54 /* 6.8 */
#define RR_IORING_OP_FTRUNCATE          55 /* 6.9 */
#define RR_IORING_OP_BIND               56 /* 6.11 */
#define RR_IORING_OP_LISTEN             57 /* 6.11 */
#define RR_IORING_OP_RECV_ZC            58 /* 6.15 */
#define RR_IORING_OP_EPOLL_WAIT         59 /* 6.15 */
#define RR_IORING_OP_READV_FIXED        60 /* 6.15 */
#define RR_IORING_OP_WRITEV_FIXED       61 /* 6.15 */
#define RR_IORING_OP_PIPE               62 /* 6.16 */
#define RR_IORING_OP_NOP128             63 /* a NOP in a 128-byte SQE */
#define RR_IORING_OP_URING_CMD128       64 /* URING_CMD in a 128-byte SQE */

/* ---- per-opcode flags -------------------------------------------------- */

/* sqe->uring_cmd_flags: the bits userspace may set. */
#ifndef IORING_URING_CMD_MASK
#define IORING_URING_CMD_MASK           IORING_URING_CMD_FIXED
#endif

/* sqe->timeout_flags: sqe->addr holds the timeout in nanoseconds instead of
 * pointing to a timespec. */
#ifndef IORING_TIMEOUT_IMMEDIATE_ARG
#define IORING_TIMEOUT_IMMEDIATE_ARG    (1U << 7)
#endif

/* send/recv flags in sqe->ioprio. */
#ifndef IORING_RECVSEND_BUNDLE
#define IORING_RECVSEND_BUNDLE          (1U << 4) /* 6.10: several provided buffers per op */
#endif
#ifndef IORING_SEND_VECTORIZED
#define IORING_SEND_VECTORIZED          (1U << 5) /* SEND[_ZC] takes an iovec array */
#endif

/* accept flags in sqe->ioprio. */
#ifndef IORING_ACCEPT_DONTWAIT
#define IORING_ACCEPT_DONTWAIT          (1U << 1) /* -EAGAIN instead of waiting */
#endif
#ifndef IORING_ACCEPT_POLL_FIRST
#define IORING_ACCEPT_POLL_FIRST        (1U << 2) /* wait for readiness first */
#endif

/* sqe->install_fd_flags of IORING_OP_FIXED_FD_INSTALL. */
#ifndef IORING_FIXED_FD_NO_CLOEXEC
#define IORING_FIXED_FD_NO_CLOEXEC      (1U << 0) /* 6.8: the new fd without O_CLOEXEC */
#endif

/* SOCKET_URING_OP_TX_TIMESTAMP completions: where cqe->flags carry the
 * timestamp kind. */
#ifndef IORING_TIMESTAMP_HW_SHIFT
#define IORING_TIMESTAMP_HW_SHIFT       16
#endif
#ifndef IORING_TIMESTAMP_TYPE_SHIFT
#define IORING_TIMESTAMP_TYPE_SHIFT     (IORING_TIMESTAMP_HW_SHIFT + 1)
#endif
#ifndef IORING_CQE_F_TSTAMP_HW
#define IORING_CQE_F_TSTAMP_HW          ((__u32)1 << IORING_TIMESTAMP_HW_SHIFT)
#endif

/*
 * IORING_OP_URING_CMD on a socket: the command in sqe->cmd_op (enum
 * io_uring_socket_op upstream, hence the RR_ names).
 */
#define RR_SOCKET_URING_OP_SIOCINQ      0 /* bytes waiting to be read */
#define RR_SOCKET_URING_OP_SIOCOUTQ     1 /* bytes not yet sent */
#define RR_SOCKET_URING_OP_GETSOCKOPT   2 /* cqe->res is the option's length */
#define RR_SOCKET_URING_OP_SETSOCKOPT   3
#define RR_SOCKET_URING_OP_TX_TIMESTAMP 4
#define RR_SOCKET_URING_OP_GETSOCKNAME  5

/* IORING_OP_URING_CMD on a block device (upstream in <linux/blkdev.h>). */
#ifndef BLOCK_URING_CMD_DISCARD
#define BLOCK_URING_CMD_DISCARD         _IO(0x12, 0) /* 6.12 */
#endif
#ifndef BLOCK_URING_CMD_ZONE_RESET_ALL
#define BLOCK_URING_CMD_ZONE_RESET_ALL  _IO(0x12, 1)
#endif

/*
 * futex2 flags (<linux/futex.h>, 6.7): IORING_OP_FUTEX_WAIT/_WAKE take them
 * in sqe->fd and FUTEX_WAITV in each struct futex_waitv.  Only 32-bit
 * futexes are supported.
 */
#ifndef FUTEX2_SIZE_U8
#define FUTEX2_SIZE_U8                  0x00
#endif
#ifndef FUTEX2_SIZE_U16
#define FUTEX2_SIZE_U16                 0x01
#endif
#ifndef FUTEX2_SIZE_U32
#define FUTEX2_SIZE_U32                 0x02
#endif
#ifndef FUTEX2_SIZE_U64
#define FUTEX2_SIZE_U64                 0x03
#endif
#ifndef FUTEX2_SIZE_MASK
#define FUTEX2_SIZE_MASK                0x03
#endif
#ifndef FUTEX2_PRIVATE
#define FUTEX2_PRIVATE                  FUTEX_PRIVATE_FLAG
#endif

#endif /* RAWRING_ABI_OPS_H */
