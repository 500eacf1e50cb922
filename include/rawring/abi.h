/*
 * rawring/abi.h - the io_uring kernel ABI as rawring uses it.
 *
 * The structures, opcodes and flags come from the build host's
 * <linux/io_uring.h>.  That header is often older than the kernel the program
 * runs on (Debian 12 ships 6.1 headers), so the constants rawring needs from
 * later kernels are defined here behind #ifndef guards, with the kernel
 * release that introduced each.  Defining a constant does not mean the running
 * kernel has it: every optional feature is probed at run time
 * (io_uring_params.features, IORING_REGISTER_PROBE, or a setup attempt).
 *
 * Opcodes are enum members upstream, which #ifndef cannot test: the ones
 * newer than 6.1 are named RR_IORING_OP_* (abi_ops.h), with the ABI's
 * numbers.  abi_ops.h has the opcodes and their flags, abi_register.h the
 * register opcodes and their argument structures; this file the rest.
 */
#ifndef RAWRING_ABI_H
#define RAWRING_ABI_H

#include <linux/io_uring.h>

/* A compile-time check that builds as C11 and as C++. */
#ifdef __cplusplus
#define RR_STATIC_ASSERT(cond, message) static_assert(cond, message)
#else
#define RR_STATIC_ASSERT(cond, message) _Static_assert(cond, message)
#endif

/* Cancel flags of 6.6, which later 6.1 stable headers carry and its
 * first ones (6.1.4: Debian's cross-compiler headers) do not. */
#ifndef IORING_ASYNC_CANCEL_USERDATA
#define IORING_ASYNC_CANCEL_USERDATA    (1U << 4) /* match on user_data */
#endif
#ifndef IORING_ASYNC_CANCEL_OP
#define IORING_ASYNC_CANCEL_OP          (1U << 5) /* match on the opcode */
#endif

/* io_uring_setup(2) flags added after 6.1. */
#ifndef IORING_SETUP_NO_MMAP
#define IORING_SETUP_NO_MMAP            (1U << 14) /* 6.5: app provides ring memory */
#endif
#ifndef IORING_SETUP_REGISTERED_FD_ONLY
#define IORING_SETUP_REGISTERED_FD_ONLY (1U << 15) /* 6.5: return a registered ring index */
#endif
#ifndef IORING_SETUP_NO_SQARRAY
#define IORING_SETUP_NO_SQARRAY         (1U << 16) /* 6.6: no SQ index array */
#endif
#ifndef IORING_SETUP_HYBRID_IOPOLL
#define IORING_SETUP_HYBRID_IOPOLL      (1U << 17) /* 6.13: sleep before polling */
#endif
#ifndef IORING_SETUP_CQE_MIXED
#define IORING_SETUP_CQE_MIXED          (1U << 18) /* 6.18: 16- and 32-byte CQEs */
#endif
#ifndef IORING_SETUP_SQE_MIXED
#define IORING_SETUP_SQE_MIXED          (1U << 19) /* 64- and 128-byte SQEs */
#endif
#ifndef IORING_SETUP_SQ_REWIND
#define IORING_SETUP_SQ_REWIND          (1U << 20) /* SQEs always from index 0 */
#endif

/* io_uring_params.features bits added after 6.1. */
#ifndef IORING_FEAT_REG_REG_RING
#define IORING_FEAT_REG_REG_RING        (1U << 13) /* 6.3: register with a registered ring fd */
#endif
#ifndef IORING_FEAT_RECVSEND_BUNDLE
#define IORING_FEAT_RECVSEND_BUNDLE     (1U << 14) /* 6.10 */
#endif
#ifndef IORING_FEAT_MIN_TIMEOUT
#define IORING_FEAT_MIN_TIMEOUT         (1U << 15) /* 6.12 */
#endif
#ifndef IORING_FEAT_RW_ATTR
#define IORING_FEAT_RW_ATTR             (1U << 16) /* 6.14 */
#endif
#ifndef IORING_FEAT_NO_IOWAIT
#define IORING_FEAT_NO_IOWAIT           (1U << 17) /* 6.15 */
#endif

/* io_uring_enter(2) flags added after 6.1. */
#ifndef IORING_ENTER_ABS_TIMER
#define IORING_ENTER_ABS_TIMER          (1U << 5) /* 6.12 */
#endif

/* cqe->flags added after 6.1. */
#ifndef IORING_CQE_F_BUF_MORE
#define IORING_CQE_F_BUF_MORE           (1U << 4) /* 6.12: incremental buffer consumption */
#endif
#ifndef IORING_CQE_F_SKIP
#define IORING_CQE_F_SKIP               (1U << 5) /* 6.18: padding in a CQE_MIXED ring: skip it */
#endif
#ifndef IORING_CQE_F_32
#define IORING_CQE_F_32                 (1U << 15) /* 6.18: a 32-byte CQE in a CQE_MIXED ring */
#endif

/* sqe->nop_flags (the rw_flags word of a NOP) added after 6.1. */
#ifndef IORING_NOP_INJECT_RESULT
#define IORING_NOP_INJECT_RESULT        (1U << 0) /* the CQE res is sqe->len */
#endif
#ifndef IORING_NOP_CQE32
#define IORING_NOP_CQE32                (1U << 5) /* 6.18: post a 32-byte CQE (CQE_MIXED) */
#endif

/* sqe->timeout_flags added after 6.1. */
#ifndef IORING_TIMEOUT_MULTISHOT
#define IORING_TIMEOUT_MULTISHOT        (1U << 6) /* 6.4 */
#endif

/* sqe->msg_ring_flags added after 6.1. */
#ifndef IORING_MSG_RING_FLAGS_PASS
#define IORING_MSG_RING_FLAGS_PASS      (1U << 1) /* 6.3: pass sqe->file_index as cqe flags */
#endif

/*
 * io_uring_enter(2)'s extended argument (IORING_ENTER_EXT_ARG, 5.11), as
 * rawring fills it: the 6.1 header calls the fourth word `pad`; since 6.12
 * (IORING_FEAT_MIN_TIMEOUT) it is the minimum wait in microseconds.
 */
struct rr_getevents_arg {
	__u64 sigmask;
	__u32 sigmask_sz;
	__u32 min_wait_usec;
	__u64 ts;
};
RR_STATIC_ASSERT(sizeof(struct rr_getevents_arg) == sizeof(struct io_uring_getevents_arg),
		 "rr_getevents_arg has io_uring_getevents_arg's layout");

#include "abi_ops.h"
#include "abi_register.h"

#endif /* RAWRING_ABI_H */
