/*
 * rawring/liburing.h - an opt-in front that lets a program written for
 * liburing 2.15 build unchanged against rawring: include this header where
 * the program includes <liburing.h> (or put a one-line liburing.h that
 * includes it first on the include path) and link librawring.
 *
 * struct io_uring has liburing's members with liburing's meanings (the
 * mapped ring words, the SQE cursors sq.sqe_head/sq.sqe_tail, ring_fd,
 * enter_ring_fd, flags, features), and it is the only copy of the ring's
 * state: the calls with logic in them (setup, submit, the waits,
 * registration, the probe) are rawring's, reached through a struct
 * rr_ring view made from it for the call and folded back after
 * (src/compat/liburing.c).  get_sqe, cqe_seen, cq_advance, the peeks and
 * the buffer-ring helpers are written here against struct io_uring with
 * rawring's barrier helpers; io_uring_prep_X is rawring's rr_prep_X.
 *
 * Deliberate differences from liburing 2.15 (everything else is meant to
 * behave as its man pages say):
 *
 * - Linkage.  Source compatibility only: the out-of-line functions are
 *   linked as rr_liburing_<name> (asm labels), so librawring.a defines no
 *   liburing symbol and a program built against this header cannot be
 *   run against liburing.so, nor the other way round.
 *
 * - SQEs.  io_uring_get_sqe clears the fields liburing's does (flags,
 *   ioprio, rw_flags, buf_index, personality, file_index, addr3) and leaves
 *   user_data stale, as liburing's does.  rawring's rr_prep_* write all 64
 *   bytes; io_uring_prep_* call them and then put back what liburing's
 *   prep helpers leave alone: user_data, personality and flags (OR'ed with
 *   what the helper sets), ioprio likewise, and buf_index, file_index,
 *   rw_flags and addr3 where the helper leaves them 0.  So a program may
 *   set flags and user_data before or after the prep call.
 *
 * - Timed waits.  io_uring_wait_cqes, _wait_cqe_timeout and
 *   _wait_cqes_min_timeout submit nothing when the kernel has
 *   IORING_FEAT_EXT_ARG (rawring's rr_wait_cqes submits what is pending).
 *   Without EXT_ARG (before 5.11) rawring's timed waits refuse
 *   (-EOPNOTSUPP); here they are liburing's: a timeout SQE (user_data
 *   LIBURING_UDATA_TIMEOUT) goes in with what is pending, over rawring's
 *   untimed wait, and the peeks and waits of this header step over its CQE
 *   (an expired one at the head ends them with -ETIME, as liburing's do;
 *   io_uring_for_each_cqe and io_uring_peek_batch_cqe show it, as
 *   liburing's do).  A timed wait that ends with fewer CQEs than asked but
 *   at least one returns 0 (io_uring_submit_and_wait_timeout: the number
 *   submitted) with *cqe_ptr at the first, where rawring says -ETIME;
 *   -ETIME only when none came.  A signal mask needs EXT_ARG (-EOPNOTSUPP
 *   without it).
 *
 * - Setup.  The IORING_SETUP_* flags rawring refuses are refused here too
 *   (-EINVAL): SQE_MIXED (io_uring_get_sqe128 thus works on SQE128 rings
 *   only) and SQ_REWIND.  A registered ring index (io_uring_register_ring_fd,
 *   IORING_SETUP_REGISTERED_FD_ONLY) is used, as rawring uses it, only by
 *   the thread that registered it (the kernel's table is per thread);
 *   others go through ring_fd.  As in liburing,
 *   io_uring_queue_init_params asks for IORING_SETUP_NO_SQARRAY and falls
 *   back without it.  io_uring_queue_init_mem lays the rings out as rawring
 *   does (rings first, the SQEs from the next page) and returns rawring's
 *   byte count; IORING_SETUP_NO_MMAP without memory gets pages from mmap,
 *   given back at io_uring_queue_exit.  io_uring_queue_mmap is rawring's
 *   rr_ring_mmap: it refuses sizes that are not the ring's and the flags
 *   rawring refuses, writes the SQ index array's identity, and takes a
 *   ring in use up where it stands.
 *
 * - Completions.  io_uring_peek_batch_cqe is rawring's, cut where liburing
 *   cuts it on a CQE_MIXED ring: at a skip entry that is not at the head
 *   (rawring steps over it, which a program that advances by the CQEs'
 *   slots cannot follow).  io_uring_opcode_supported is rawring's, which
 *   also stops at ops_len (liburing reads up to last_op);
 *   io_uring_register_probe zeroes the probe first.  __io_uring_get_cqe
 *   returns 0, not the count a first enter submitted.
 *
 * - Submission under SQPOLL returns the SQEs that call published
 *   (rawring), not liburing's count of SQEs the thread has yet to take.
 *   io_uring_submit_and_get_events is a submit and a GETEVENTS enter.
 *   io_uring_cq_advance never moves the head past the tail (rawring's
 *   safe path, without its abort).
 *
 * - Zero-copy receive: io_uring_register_ifq and _zcrx_ctrl are rawring's
 *   rr_register_ifq and rr_register_zcrx_ctrl, which check the arguments
 *   first and refuse (-EOPNOTSUPP) an imported queue, a dmabuf area and a
 *   refill queue in kernel-allocated memory.  BPF filters
 *   (io_uring_register_bpf_filter, _task) return -EOPNOTSUPP, as rawring's
 *   rr_register_bpf_filter does.
 *
 * - ABI names.  This header assumes the build host's <linux/io_uring.h> is
 *   6.1's (Debian 12) and stops with #error otherwise.  It gives the
 *   program the names newer than that header from rawring's abi*.h: the
 *   opcodes after IORING_OP_SENDMSG_ZC and the register opcodes after
 *   IORING_REGISTER_FILE_ALLOC_RANGE as enum members of its own, the flag
 *   enums of later kernels likewise, IORING_OP_LAST and
 *   IORING_REGISTER_LAST as macros with the newest values, and the argument
 *   structures added after 6.1 (io_uring_napi, _clock_register,
 *   _clone_buffers, _region_desc, _mem_region_reg, _reg_wait, _buf_status,
 *   the query, zcrx and BPF structures) with the ABI's layout.  Three
 *   structures 6.1 has in an older form are macros for rawring's struct of
 *   the current ABI (same layout): io_uring_buf_reg (rr_buf_reg: flags,
 *   min_left), io_uring_sync_cancel_reg (rr_sync_cancel_reg: opcode) and
 *   io_uring_getevents_arg (rr_getevents_arg: min_wait_usec).
 *   io_uring_params and its io_sqring_offsets and io_cqring_offsets are
 *   this header's, same layout, with `user_addr` for 6.1's `resv2`
 *   (rawring's functions take the host's struct: a program that hands one
 *   params to both rr_ring_init_params and io_uring_queue_init_params
 *   needs a cast).  struct io_uring_sqe is this header's too, with every
 *   member of the newest ABI (nop_flags, futex_flags, zcrx_ifq_idx,
 *   attr_ptr, the socket-option level, optname, optlen, optval, ...) and
 *   6.1's layout and member types; the host's is renamed out of the way.
 *   That needs this header before <linux/io_uring.h>: where the host's
 *   header came first, its SQE is the one in use, and the io_uring-specific
 *   names it lacks are macros for their union siblings (nop_flags,
 *   waitid_flags, futex_flags, install_fd_flags, pipe_flags: rw_flags;
 *   zcrx_ifq_idx: file_index; attr_ptr: addr3; attr_type_mask: __pad2[0];
 *   define RAWRING_LIBURING_NO_SQE_ALIASES to go without), while the
 *   socket-option members, too common a word to alias, are not there.
 */
#ifndef RAWRING_LIBURING_H
#define RAWRING_LIBURING_H

#ifdef LIB_URING_H
#error "rawring/liburing.h: liburing's own <liburing.h> is already included; use one or the other"
#endif
/* liburing's include guard: a later #include <liburing.h> is a no-op. */
#define LIB_URING_H

/* liburing's API is POSIX's (sigset_t, siginfo_t): a strict ISO C build
 * that has included no system header yet gets the default set. */
#if !defined(_FEATURES_H) && !defined(_POSIX_C_SOURCE) && \
	!defined(_DEFAULT_SOURCE) && !defined(_GNU_SOURCE)
#define _DEFAULT_SOURCE
#endif

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <linux/filter.h>
#include <linux/swab.h>
#include <linux/version.h>

#if !defined(_GNU_SOURCE) && !defined(_DEFAULT_SOURCE) && !defined(_BSD_SOURCE) && \
	(!defined(_POSIX_C_SOURCE) || _POSIX_C_SOURCE < 200809L)
#error "rawring/liburing.h needs POSIX.1-2008 (sigset_t, siginfo_t): build with -D_GNU_SOURCE or -D_DEFAULT_SOURCE, or include this header before any system header"
#endif

/*
 * The assumption about the host's <linux/io_uring.h>: it is 6.1's, whose
 * opcode enum ends at IORING_OP_SENDMSG_ZC and whose register enum ends at
 * IORING_REGISTER_FILE_ALLOC_RANGE.  A newer header names members this
 * header defines as its own, so it is refused here loudly.  Two keys: the
 * header version, and IORING_SETUP_NO_MMAP, a macro headers from 6.5 on
 * define (rawring's abi.h defines it too, so it only counts before that).
 */
#ifdef LINUX_IO_URING_H
/* The host's header came first: struct io_uring_sqe is 6.1's, and the SQE
 * members it lacks are macros for their union siblings (end of file). */
#define RR__LU_SQE_ALIASES 1
#else
/* The host's struct io_uring_sqe is put aside under another name; this
 * header's, below, has the newest ABI's members. */
#define io_uring_sqe rr__lu_host_io_uring_sqe
#endif
#include <linux/io_uring.h>
#ifndef RR__LU_SQE_ALIASES
#undef io_uring_sqe
/*
 * The SQE of the newest ABI: 6.1's members with 6.1's types (the library
 * is built against that header, so every member has the type its code
 * uses) and the members added since in their unions.  Same layout.
 */
struct io_uring_sqe {
	__u8 opcode;
	__u8 flags;
	__u16 ioprio;
	__s32 fd;
	union {
		__u64 off;
		__u64 addr2;
		struct {
			__u32 cmd_op;
			__u32 __pad1;
		};
	};
	union {
		__u64 addr;
		__u64 splice_off_in;
		struct {
			__u32 level;   /* 6.7: socket command option */
			__u32 optname;
		};
	};
	__u32 len;
	union {
		__u32 rw_flags;
		__u32 fsync_flags;
		__u16 poll_events;
		__u32 poll32_events;
		__u32 sync_range_flags;
		__u32 msg_flags;
		__u32 timeout_flags;
		__u32 accept_flags;
		__u32 cancel_flags;
		__u32 open_flags;
		__u32 statx_flags;
		__u32 fadvise_advice;
		__u32 splice_flags;
		__u32 rename_flags;
		__u32 unlink_flags;
		__u32 hardlink_flags;
		__u32 xattr_flags;
		__u32 msg_ring_flags;
		__u32 uring_cmd_flags;
		__u32 waitid_flags;     /* 6.7 */
		__u32 futex_flags;      /* 6.7 */
		__u32 install_fd_flags; /* 6.8 */
		__u32 nop_flags;        /* 6.13 */
		__u32 pipe_flags;       /* 6.16 */
	};
	__u64 user_data;
	union {
		__u16 buf_index;
		__u16 buf_group;
	} __attribute__((packed));
	__u16 personality;
	union {
		__s32 splice_fd_in;
		__u32 file_index;
		__u32 zcrx_ifq_idx; /* 6.15 */
		__u32 optlen;       /* 6.7: socket command option length, or a
		                     * multishot receive's byte limit */
		struct {
			__u16 addr_len;
			__u16 __pad3[1];
		};
	};
	union {
		struct {
			__u64 addr3;
			__u64 __pad2[1];
		};
		struct {
			__u64 attr_ptr;       /* 6.14: read/write attributes */
			__u64 attr_type_mask;
		};
		__u64 optval; /* 6.7 */
		__extension__ __u8 cmd[0]; /* SQE128: 80 bytes of command data */
	};
};
#endif
#if !defined(RAWRING_ABI_H) && defined(IORING_SETUP_NO_MMAP)
#error "rawring/liburing.h assumes the host's <linux/io_uring.h> is 6.1's; this one defines IORING_SETUP_NO_MMAP (6.5+): the names this header adds must be checked against it"
#endif
#if !defined(LINUX_VERSION_CODE) || LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 0) || \
	LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#error "rawring/liburing.h assumes the host's kernel headers are 6.1's (Debian 12): the opcode and register enums this header extends must be checked against these"
#endif

#include "barrier.h"
#include "prep.h"
#include "register.h"
#include "ring.h"
#include "syscall.h"

#ifndef RR__LU_SQE_ALIASES
/* This header's SQE and the host's, which the library is built with. */
RR_STATIC_ASSERT(sizeof(struct io_uring_sqe) == 64 &&
			 sizeof(struct io_uring_sqe) ==
				 sizeof(struct rr__lu_host_io_uring_sqe) &&
			 offsetof(struct io_uring_sqe, user_data) ==
				 offsetof(struct rr__lu_host_io_uring_sqe, user_data) &&
			 offsetof(struct io_uring_sqe, optlen) ==
				 offsetof(struct rr__lu_host_io_uring_sqe, file_index) &&
			 offsetof(struct io_uring_sqe, optval) ==
				 offsetof(struct rr__lu_host_io_uring_sqe, addr3) &&
			 offsetof(struct io_uring_sqe, cmd) ==
				 offsetof(struct rr__lu_host_io_uring_sqe, cmd),
		 "rawring/liburing.h: struct io_uring_sqe differs from the host's");
#endif

#ifndef uring_unlikely
#define uring_unlikely(cond) __builtin_expect(!!(cond), 0)
#endif
#ifndef uring_likely
#define uring_likely(cond) __builtin_expect(!!(cond), 1)
#endif

#ifndef IOURINGINLINE
#if defined(__cplusplus) && __cplusplus >= 202002L
#define IOURINGINLINE inline
#else
#define IOURINGINLINE static inline
#endif
#endif
#ifndef _LOCAL_INLINE
#if defined(__cplusplus) && __cplusplus >= 202002L
#define _LOCAL_INLINE inline
#else
#define _LOCAL_INLINE static inline
#endif
#endif

#ifdef __cplusplus
#define LIBURING_NOEXCEPT noexcept
#else
#define LIBURING_NOEXCEPT
#endif

/* liburing's version, for IO_URING_CHECK_VERSION. */
#define IO_URING_VERSION_MAJOR 2
#define IO_URING_VERSION_MINOR 15

/* The __NR_io_uring_* numbers come with rawring/syscall.h. */

/*
 * liburing's ordering macros for programs that touch ring words
 * themselves, type-generic (any word size): the same single atomic
 * operations rawring/barrier.h documents, through the compiler builtins.
 */
#define IO_URING_WRITE_ONCE(var, val) __atomic_store_n(&(var), (val), __ATOMIC_RELAXED)
#define IO_URING_READ_ONCE(var) __atomic_load_n(&(var), __ATOMIC_RELAXED)
#define io_uring_smp_store_release(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define io_uring_smp_load_acquire(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define io_uring_smp_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)

/*
 * Structures the 6.1 header has in an older form: the program's name is
 * rawring's struct of the current ABI, same layout (abi*.h asserts it),
 * current member names (io_uring_buf_reg.flags and .min_left,
 * io_uring_sync_cancel_reg.opcode, io_uring_getevents_arg.min_wait_usec).
 */
#define io_uring_buf_reg rr_buf_reg
#define io_uring_sync_cancel_reg rr_sync_cancel_reg
#define io_uring_getevents_arg rr_getevents_arg

/*
 * io_uring_params, whose ring offsets end with `user_addr` since 6.5
 * (`resv2` in 6.1): the program's io_uring_params, io_sqring_offsets and
 * io_cqring_offsets are these, with the host's layout; rr__lu_host_params
 * names the host's io_uring_params, which rawring's functions take.
 */
typedef struct io_uring_params rr__lu_host_params;

struct rr__lu_sqring_offsets {
	__u32 head;
	__u32 tail;
	__u32 ring_mask;
	__u32 ring_entries;
	__u32 flags;
	__u32 dropped;
	__u32 array;
	__u32 resv1;
	__u64 user_addr;
};

struct rr__lu_cqring_offsets {
	__u32 head;
	__u32 tail;
	__u32 ring_mask;
	__u32 ring_entries;
	__u32 overflow;
	__u32 cqes;
	__u32 flags;
	__u32 resv1;
	__u64 user_addr;
};

struct rr__lu_params {
	__u32 sq_entries;
	__u32 cq_entries;
	__u32 flags;
	__u32 sq_thread_cpu;
	__u32 sq_thread_idle;
	__u32 features;
	__u32 wq_fd;
	__u32 resv[3];
	struct rr__lu_sqring_offsets sq_off;
	struct rr__lu_cqring_offsets cq_off;
};

RR_STATIC_ASSERT(sizeof(struct rr__lu_params) == sizeof(rr__lu_host_params) &&
			 offsetof(struct rr__lu_params, sq_off) ==
				 offsetof(rr__lu_host_params, sq_off) &&
			 offsetof(struct rr__lu_params, cq_off) ==
				 offsetof(rr__lu_host_params, cq_off) &&
			 offsetof(struct rr__lu_sqring_offsets, user_addr) == 32 &&
			 offsetof(struct rr__lu_cqring_offsets, user_addr) == 32,
		 "io_uring_params keeps the host's layout");

#define io_sqring_offsets rr__lu_sqring_offsets
#define io_cqring_offsets rr__lu_cqring_offsets
#define io_uring_params rr__lu_params

/* The link name of an out-of-line function: rr_liburing_<name>. */
#define RR__LU_SYM(name) __asm__("rr_liburing_" #name)

#ifdef __cplusplus
extern "C" {
#endif

/* ---- the ABI after the host's 6.1 header -------------------------------- */

/* Opcodes after IORING_OP_SENDMSG_ZC (rawring/abi_ops.h). */
enum rr__liburing_op {
	IORING_OP_READ_MULTISHOT = RR_IORING_OP_READ_MULTISHOT,
	IORING_OP_WAITID = RR_IORING_OP_WAITID,
	IORING_OP_FUTEX_WAIT = RR_IORING_OP_FUTEX_WAIT,
	IORING_OP_FUTEX_WAKE = RR_IORING_OP_FUTEX_WAKE,
	IORING_OP_FUTEX_WAITV = RR_IORING_OP_FUTEX_WAITV,
	IORING_OP_FIXED_FD_INSTALL = RR_IORING_OP_FIXED_FD_INSTALL,
	IORING_OP_FTRUNCATE = RR_IORING_OP_FTRUNCATE,
	IORING_OP_BIND = RR_IORING_OP_BIND,
	IORING_OP_LISTEN = RR_IORING_OP_LISTEN,
	IORING_OP_RECV_ZC = RR_IORING_OP_RECV_ZC,
	IORING_OP_EPOLL_WAIT = RR_IORING_OP_EPOLL_WAIT,
	IORING_OP_READV_FIXED = RR_IORING_OP_READV_FIXED,
	IORING_OP_WRITEV_FIXED = RR_IORING_OP_WRITEV_FIXED,
	IORING_OP_PIPE = RR_IORING_OP_PIPE,
	IORING_OP_NOP128 = RR_IORING_OP_NOP128,
	IORING_OP_URING_CMD128 = RR_IORING_OP_URING_CMD128,
};

/* Register opcodes after IORING_REGISTER_FILE_ALLOC_RANGE
 * (rawring/abi_register.h). */
enum rr__liburing_register_op {
	IORING_REGISTER_PBUF_STATUS = RR_IORING_REGISTER_PBUF_STATUS,
	IORING_REGISTER_NAPI = RR_IORING_REGISTER_NAPI,
	IORING_UNREGISTER_NAPI = RR_IORING_UNREGISTER_NAPI,
	IORING_REGISTER_CLOCK = RR_IORING_REGISTER_CLOCK,
	IORING_REGISTER_CLONE_BUFFERS = RR_IORING_REGISTER_CLONE_BUFFERS,
	IORING_REGISTER_SEND_MSG_RING = RR_IORING_REGISTER_SEND_MSG_RING,
	IORING_REGISTER_ZCRX_IFQ = RR_IORING_REGISTER_ZCRX_IFQ,
	IORING_REGISTER_RESIZE_RINGS = RR_IORING_REGISTER_RESIZE_RINGS,
	IORING_REGISTER_MEM_REGION = RR_IORING_REGISTER_MEM_REGION,
	IORING_REGISTER_QUERY = RR_IORING_REGISTER_QUERY,
	IORING_REGISTER_ZCRX_CTRL = RR_IORING_REGISTER_ZCRX_CTRL,
	IORING_REGISTER_BPF_FILTER = RR_IORING_REGISTER_BPF_FILTER,
};

/* The enums' last members, past the 6.1 header's. */
#define IORING_OP_LAST (RR_IORING_OP_URING_CMD128 + 1)
#define IORING_REGISTER_LAST (RR_IORING_REGISTER_BPF_FILTER + 1)
/* 1U << 31 is no int: a macro, not an enum member. */
#define IORING_REGISTER_USE_REGISTERED_RING RR_IORING_REGISTER_USE_REGISTERED_RING

/* Flag and command enums of later kernels. */
enum rr__liburing_abi_consts {
	IOU_PBUF_RING_MMAP = RR_IOU_PBUF_RING_MMAP,
	IOU_PBUF_RING_INC = RR_IOU_PBUF_RING_INC,
	IORING_REGISTER_SRC_REGISTERED = RR_IORING_REGISTER_SRC_REGISTERED,
	IORING_REGISTER_DST_REPLACE = RR_IORING_REGISTER_DST_REPLACE,
	IORING_MEM_REGION_TYPE_USER = RR_IORING_MEM_REGION_TYPE_USER,
	IORING_MEM_REGION_REG_WAIT_ARG = RR_IORING_MEM_REGION_REG_WAIT_ARG,
	IORING_REG_WAIT_TS = RR_IORING_REG_WAIT_TS,
	SOCKET_URING_OP_SIOCINQ = RR_SOCKET_URING_OP_SIOCINQ,
	SOCKET_URING_OP_SIOCOUTQ = RR_SOCKET_URING_OP_SIOCOUTQ,
	SOCKET_URING_OP_GETSOCKOPT = RR_SOCKET_URING_OP_GETSOCKOPT,
	SOCKET_URING_OP_SETSOCKOPT = RR_SOCKET_URING_OP_SETSOCKOPT,
	SOCKET_URING_OP_TX_TIMESTAMP = RR_SOCKET_URING_OP_TX_TIMESTAMP,
	SOCKET_URING_OP_GETSOCKNAME = RR_SOCKET_URING_OP_GETSOCKNAME,
	IO_URING_QUERY_OPCODES = RR_IO_URING_QUERY_OPCODES,
	IO_URING_QUERY_ZCRX = RR_IO_URING_QUERY_ZCRX,
	IO_URING_QUERY_SCQ = RR_IO_URING_QUERY_SCQ,
	__IO_URING_QUERY_MAX = RR_IO_URING_QUERY_SCQ + 1,
	IORING_ZCRX_AREA_DMABUF = 1,
	ZCRX_REG_IMPORT = 1,
	ZCRX_REG_NODEV = 2,
	ZCRX_FEATURE_RX_PAGE_SIZE = 1,
	ZCRX_CTRL_FLUSH_RQ = 0,
	ZCRX_CTRL_EXPORT = 1,
	__ZCRX_CTRL_LAST = 2,
	IO_URING_BPF_FILTER_DENY_REST = 1,
	IO_URING_BPF_FILTER_SZ_STRICT = 2,
	IO_URING_BPF_CMD_FILTER = 1,
};

/* Macros of the newest ABI that neither the host header nor rawring's
 * abi*.h define (spelled as upstream spells them). */
#ifndef IORING_ENTER_NO_IOWAIT
#define IORING_ENTER_NO_IOWAIT (1U << 7) /* 6.15 */
#endif
#ifndef IORING_OFF_MMAP_MASK
#define IORING_OFF_MMAP_MASK 0xf8000000ULL
#endif
#ifndef IORING_RW_ATTR_FLAG_PI
#define IORING_RW_ATTR_FLAG_PI (1U << 0)
#endif
#ifndef IORING_ZCRX_AREA_SHIFT
#define IORING_ZCRX_AREA_SHIFT 48
#endif
#ifndef IORING_ZCRX_AREA_MASK
#define IORING_ZCRX_AREA_MASK (~(((__u64)1 << IORING_ZCRX_AREA_SHIFT) - 1))
#endif

/* Argument structures added after 6.1, with the ABI's layout; each has the
 * layout of rawring's struct rr_* of the same name where there is one. */
struct io_uring_buf_status {
	__u32 buf_group;
	__u32 head;
	__u32 resv[8];
};

struct io_uring_napi {
	__u32 busy_poll_to;
	__u8 prefer_busy_poll;
	__u8 pad[3];
	__u64 resv;
};

struct io_uring_clock_register {
	__u32 clockid;
	__u32 __resv[3];
};

struct io_uring_clone_buffers {
	__u32 src_fd;
	__u32 flags;
	__u32 src_off;
	__u32 dst_off;
	__u32 nr;
	__u32 pad[3];
};

struct io_uring_region_desc {
	__u64 user_addr;
	__u64 size;
	__u32 flags;
	__u32 id;
	__u64 mmap_offset;
	__u64 __resv[4];
};

struct io_uring_mem_region_reg {
	__u64 region_uptr;
	__u64 flags;
	__u64 __resv[2];
};

struct io_uring_reg_wait {
	struct __kernel_timespec ts;
	__u32 min_wait_usec;
	__u32 flags;
	__u64 sigmask;
	__u32 sigmask_sz;
	__u32 pad[3];
	__u64 pad2[2];
};

struct io_uring_attr_pi {
	__u16 flags;
	__u16 app_tag;
	__u32 len;
	__u64 addr;
	__u64 seed;
	__u64 rsvd;
};

struct io_timespec {
	__u64 tv_sec;
	__u64 tv_nsec;
};

struct io_uring_query_hdr {
	__u64 next_entry;
	__u64 query_data;
	__u32 query_op;
	__u32 size;
	__s32 result;
	__u32 __resv[3];
};

struct io_uring_query_opcode {
	__u32 nr_request_opcodes;
	__u32 nr_register_opcodes;
	__u64 feature_flags;
	__u64 ring_setup_flags;
	__u64 enter_flags;
	__u64 sqe_flags;
	__u32 nr_query_opcodes;
	__u32 __pad;
};

struct io_uring_query_zcrx {
	__u64 register_flags;
	__u64 area_flags;
	__u32 nr_ctrl_opcodes;
	__u32 features;
	__u32 rq_hdr_size;
	__u32 rq_hdr_alignment;
	__u64 __resv2;
};

struct io_uring_query_scq {
	__u64 hdr_size;
	__u64 hdr_alignment;
};

/* Zero-copy receive (rawring's struct rr_zcrx_* have the same layout). */
struct io_uring_zcrx_rqe {
	__u64 off;
	__u32 len;
	__u32 __pad;
};

struct io_uring_zcrx_cqe {
	__u64 off;
	__u64 __pad;
};

struct io_uring_zcrx_offsets {
	__u32 head;
	__u32 tail;
	__u32 rqes;
	__u32 __resv2;
	__u64 __resv[2];
};

struct io_uring_zcrx_area_reg {
	__u64 addr;
	__u64 len;
	__u64 rq_area_token;
	__u32 flags;
	__u32 dmabuf_fd;
	__u64 __resv2[2];
};

struct io_uring_zcrx_ifq_reg {
	__u32 if_idx;
	__u32 if_rxq;
	__u32 rq_entries;
	__u32 flags;
	__u64 area_ptr;
	__u64 region_ptr;
	struct io_uring_zcrx_offsets offsets;
	__u32 zcrx_id;
	__u32 rx_buf_len;
	__u64 __resv[3];
};

struct zcrx_ctrl_flush_rq {
	__u64 __resv[6];
};

struct zcrx_ctrl_export {
	__u32 zcrx_fd;
	__u32 __resv1[11];
};

struct zcrx_ctrl {
	__u32 zcrx_id;
	__u32 op;
	__u64 __resv[2];
	union {
		struct zcrx_ctrl_export zc_export;
		struct zcrx_ctrl_flush_rq zc_flush;
	};
};

/* BPF request filters: the structures only (refused, see above). */
struct io_uring_bpf_socket_ctx {
	__u32 family;
	__u32 type;
	__u32 protocol;
};

struct io_uring_bpf_open_ctx {
	__u64 flags;
	__u64 mode;
	__u64 resolve;
};

struct io_uring_bpf_ctx {
	__u64 user_data;
	__u8 opcode;
	__u8 sqe_flags;
	__u8 pdu_size;
	__u8 pad[5];
	union {
		struct io_uring_bpf_socket_ctx socket;
		struct io_uring_bpf_open_ctx open;
	};
};

struct io_uring_bpf_filter {
	__u32 opcode;
	__u32 flags;
	__u32 filter_len;
	__u8 pdu_size;
	__u8 resv[3];
	__u64 filter_ptr;
	__u64 resv2[5];
};

struct io_uring_bpf {
	__u16 cmd_type;
	__u16 cmd_flags;
	__u32 resv;
	union {
		struct io_uring_bpf_filter filter;
	};
};

RR_STATIC_ASSERT(sizeof(struct io_uring_napi) == sizeof(struct rr_napi) &&
			 sizeof(struct io_uring_clock_register) ==
				 sizeof(struct rr_clock_register) &&
			 sizeof(struct io_uring_clone_buffers) ==
				 sizeof(struct rr_clone_buffers) &&
			 sizeof(struct io_uring_region_desc) ==
				 sizeof(struct rr_region_desc) &&
			 sizeof(struct io_uring_mem_region_reg) ==
				 sizeof(struct rr_mem_region_reg) &&
			 sizeof(struct io_uring_reg_wait) == sizeof(struct rr_reg_wait) &&
			 sizeof(struct io_uring_buf_status) == sizeof(struct rr_buf_status) &&
			 sizeof(struct io_uring_query_hdr) == sizeof(struct rr_query_hdr) &&
			 sizeof(struct io_uring_query_opcode) ==
				 sizeof(struct rr_query_opcode) &&
			 sizeof(struct io_uring_zcrx_ifq_reg) ==
				 sizeof(struct rr_zcrx_ifq_reg) &&
			 offsetof(struct io_uring_zcrx_ifq_reg, zcrx_id) ==
				 offsetof(struct rr_zcrx_ifq_reg, zcrx_id) &&
			 sizeof(struct io_uring_zcrx_area_reg) ==
				 sizeof(struct rr_zcrx_area_reg) &&
			 sizeof(struct zcrx_ctrl) == sizeof(struct rr_zcrx_ctrl),
		 "the liburing names have rawring's layouts");

/* ---- the ring ------------------------------------------------------------ */

/* The submission queue: the kernel's words, and the SQE cursors.  SQEs in
 * [sqe_head, sqe_tail) are handed out and not yet published. */
struct io_uring_sq {
	unsigned *khead;
	unsigned *ktail;
	unsigned *kring_mask;     /* deprecated: ring_mask holds the value */
	unsigned *kring_entries;  /* deprecated: ring_entries holds the value */
	unsigned *kflags;
	unsigned *kdropped;
	unsigned *array;          /* NULL under IORING_SETUP_NO_SQARRAY */
	struct io_uring_sqe *sqes;

	unsigned sqe_head;
	unsigned sqe_tail;

	size_t ring_sz;
	void *ring_ptr;

	unsigned ring_mask;
	unsigned ring_entries;

	unsigned sqes_sz;
	unsigned pad;
};

struct io_uring_cq {
	unsigned *khead;
	unsigned *ktail;
	unsigned *kring_mask;     /* deprecated */
	unsigned *kring_entries;  /* deprecated */
	unsigned *kflags;         /* NULL on kernels without CQ flags */
	unsigned *koverflow;
	struct io_uring_cqe *cqes;

	size_t ring_sz;
	void *ring_ptr;

	unsigned ring_mask;
	unsigned ring_entries;

	unsigned pad[2];          /* the thread that registered the ring fd */
};

/*
 * int_flags (liburing keeps its own values private; these are this
 * header's): REG_RING once the ring fd is registered (enter_ring_fd is then
 * the index), REG_REG_RING when register calls use that index too
 * (IORING_FEAT_REG_REG_RING), APP_MEM for rings in the program's memory
 * (io_uring_queue_init_mem), CQ_ENTER for IOPOLL rings that must enter to
 * reap, NO_IOWAIT after io_uring_set_iowait(ring, false).
 */
enum {
	RR_LIBURING_INT_REG_REG_RING = 1,
	RR_LIBURING_INT_APP_MEM = 2,
	RR_LIBURING_INT_CQ_ENTER = 4,
	RR_LIBURING_INT_REG_RING = 16,
	RR_LIBURING_INT_NO_IOWAIT = 128,
};

struct io_uring {
	struct io_uring_sq sq;
	struct io_uring_cq cq;
	unsigned flags;           /* IORING_SETUP_* */
	int ring_fd;
	unsigned features;        /* IORING_FEAT_* */
	int enter_ring_fd;        /* ring_fd, or its registered index */
	__u8 int_flags;           /* RR_LIBURING_INT_* */
	__u8 pad[3];
	unsigned pad2;            /* bytes this front mapped for a NO_MMAP ring */
};

struct io_uring_zcrx_rq {
	__u32 *khead;
	__u32 *ktail;
	__u32 rq_tail;
	unsigned ring_entries;

	struct io_uring_zcrx_rqe *rqes;
	void *ring_ptr;
};

/* ---- setup and teardown --------------------------------------------------- */

int io_uring_queue_init_mem(unsigned entries, struct io_uring *ring,
			    struct io_uring_params *p, void *buf,
			    size_t buf_size) LIBURING_NOEXCEPT RR__LU_SYM(io_uring_queue_init_mem);
int io_uring_queue_init_params(unsigned entries, struct io_uring *ring,
			       struct io_uring_params *p) LIBURING_NOEXCEPT
	RR__LU_SYM(io_uring_queue_init_params);
int io_uring_queue_mmap(int fd, struct io_uring_params *p,
			struct io_uring *ring) LIBURING_NOEXCEPT
	RR__LU_SYM(io_uring_queue_mmap);
int io_uring_queue_init(unsigned entries, struct io_uring *ring,
			unsigned flags) LIBURING_NOEXCEPT RR__LU_SYM(io_uring_queue_init);
void io_uring_queue_exit(struct io_uring *ring) LIBURING_NOEXCEPT
	RR__LU_SYM(io_uring_queue_exit);
int io_uring_ring_dontfork(struct io_uring *ring) LIBURING_NOEXCEPT
	RR__LU_SYM(io_uring_ring_dontfork);
/* liburing-internal (its src/setup.h), for liburing's test helpers: setup
 * without the NO_SQARRAY attempt; buf as io_uring_queue_init_mem's. */
int __io_uring_queue_init_params(unsigned entries, struct io_uring *ring,
				 struct io_uring_params *p, void *buf,
				 size_t buf_size) LIBURING_NOEXCEPT
	RR__LU_SYM(__io_uring_queue_init_params);

ssize_t io_uring_mlock_size(unsigned entries, unsigned flags) LIBURING_NOEXCEPT
	RR__LU_SYM(io_uring_mlock_size);
ssize_t io_uring_mlock_size_params(unsigned entries, struct io_uring_params *p)
	LIBURING_NOEXCEPT RR__LU_SYM(io_uring_mlock_size_params);
ssize_t io_uring_memory_size(unsigned entries, unsigned flags) LIBURING_NOEXCEPT
	RR__LU_SYM(io_uring_memory_size);
ssize_t io_uring_memory_size_params(unsigned entries, struct io_uring_params *p)
	LIBURING_NOEXCEPT RR__LU_SYM(io_uring_memory_size_params);

int io_uring_resize_rings(struct io_uring *ring, struct io_uring_params *p)
	LIBURING_NOEXCEPT RR__LU_SYM(io_uring_resize_rings);

/* ---- the probe --------------------------------------------------------------- */

/* A probe of every opcode, from malloc: free it with io_uring_free_probe.
 * NULL when the kernel cannot be asked. */
struct io_uring_probe *io_uring_get_probe_ring(struct io_uring *ring)
	LIBURING_NOEXCEPT RR__LU_SYM(io_uring_get_probe_ring);
struct io_uring_probe *io_uring_get_probe(void) LIBURING_NOEXCEPT
	RR__LU_SYM(io_uring_get_probe);
void io_uring_free_probe(struct io_uring_probe *probe) LIBURING_NOEXCEPT
	RR__LU_SYM(io_uring_free_probe);

IOURINGINLINE int io_uring_opcode_supported(const struct io_uring_probe *p,
					    int op) LIBURING_NOEXCEPT
{
	/* struct rr_probe has io_uring_probe's layout (rawring/register.h). */
	return op >= 0 &&
	       rr_opcode_supported((const struct rr_probe *)(const void *)p,
				   (unsigned)op);
}

/* ---- submission and completion -------------------------------------------- */

int io_uring_submit(struct io_uring *ring) LIBURING_NOEXCEPT
	RR__LU_SYM(io_uring_submit);
int io_uring_submit_and_wait(struct io_uring *ring, unsigned wait_nr)
	LIBURING_NOEXCEPT RR__LU_SYM(io_uring_submit_and_wait);
int io_uring_submit_and_get_events(struct io_uring *ring) LIBURING_NOEXCEPT
	RR__LU_SYM(io_uring_submit_and_get_events);
int io_uring_get_events(struct io_uring *ring) LIBURING_NOEXCEPT
	RR__LU_SYM(io_uring_get_events);
int __io_uring_sqring_wait(struct io_uring *ring) LIBURING_NOEXCEPT
	RR__LU_SYM(__io_uring_sqring_wait);

unsigned io_uring_peek_batch_cqe(struct io_uring *ring,
				 struct io_uring_cqe **cqes, unsigned count)
	LIBURING_NOEXCEPT RR__LU_SYM(io_uring_peek_batch_cqe);
int io_uring_wait_cqes(struct io_uring *ring, struct io_uring_cqe **cqe_ptr,
		       unsigned wait_nr, struct __kernel_timespec *ts,
		       sigset_t *sigmask) LIBURING_NOEXCEPT RR__LU_SYM(io_uring_wait_cqes);
int io_uring_wait_cqes_min_timeout(struct io_uring *ring,
				   struct io_uring_cqe **cqe_ptr, unsigned wait_nr,
				   struct __kernel_timespec *ts,
				   unsigned int min_ts_usec, sigset_t *sigmask)
	LIBURING_NOEXCEPT RR__LU_SYM(io_uring_wait_cqes_min_timeout);
int io_uring_wait_cqe_timeout(struct io_uring *ring,
			      struct io_uring_cqe **cqe_ptr,
			      struct __kernel_timespec *ts) LIBURING_NOEXCEPT
	RR__LU_SYM(io_uring_wait_cqe_timeout);
int io_uring_submit_and_wait_timeout(struct io_uring *ring,
				     struct io_uring_cqe **cqe_ptr, unsigned wait_nr,
				     struct __kernel_timespec *ts,
				     sigset_t *sigmask) LIBURING_NOEXCEPT
	RR__LU_SYM(io_uring_submit_and_wait_timeout);
int io_uring_submit_and_wait_min_timeout(struct io_uring *ring,
					 struct io_uring_cqe **cqe_ptr,
					 unsigned wait_nr,
					 struct __kernel_timespec *ts,
					 unsigned min_wait, sigset_t *sigmask)
	LIBURING_NOEXCEPT RR__LU_SYM(io_uring_submit_and_wait_min_timeout);
int io_uring_submit_and_wait_reg(struct io_uring *ring,
				 struct io_uring_cqe **cqe_ptr, unsigned wait_nr,
				 int reg_index) LIBURING_NOEXCEPT
	RR__LU_SYM(io_uring_submit_and_wait_reg);
int io_uring_register_wait_reg(struct io_uring *ring,
			       struct io_uring_reg_wait *reg, int nr)
	LIBURING_NOEXCEPT RR__LU_SYM(io_uring_register_wait_reg);

/*
 * The wait under io_uring_peek_cqe, io_uring_wait_cqe_nr and the untimed
 * io_uring_wait_cqes: submit `submit` SQEs already published (0: nothing)
 * and wait for `wait_nr` CQEs (0: just look, entering once if the kernel
 * holds completions back), with `sigmask` applied while waiting.
 */
int __io_uring_get_cqe(struct io_uring *ring, struct io_uring_cqe **cqe_ptr,
		       unsigned submit, unsigned wait_nr, sigset_t *sigmask)
	LIBURING_NOEXCEPT RR__LU_SYM(__io_uring_get_cqe);

int io_uring_set_iowait(struct io_uring *ring, bool enable_iowait)
	LIBURING_NOEXCEPT RR__LU_SYM(io_uring_set_iowait);

/* ---- registration ---------------------------------------------------------- */

int io_uring_register_buffers(struct io_uring *ring, const struct iovec *iovecs,
			      unsigned nr_iovecs) LIBURING_NOEXCEPT
	RR__LU_SYM(io_uring_register_buffers);
int io_uring_register_buffers_tags(struct io_uring *ring,
				   const struct iovec *iovecs,
				   const __u64 *tags, unsigned nr) LIBURING_NOEXCEPT
	RR__LU_SYM(io_uring_register_buffers_tags);
int io_uring_register_buffers_sparse(struct io_uring *ring, unsigned nr)
	LIBURING_NOEXCEPT RR__LU_SYM(io_uring_register_buffers_sparse);
int io_uring_register_buffers_update_tag(struct io_uring *ring, unsigned off,
					 const struct iovec *iovecs,
					 const __u64 *tags, unsigned nr)
	LIBURING_NOEXCEPT RR__LU_SYM(io_uring_register_buffers_update_tag);
int io_uring_unregister_buffers(struct io_uring *ring) LIBURING_NOEXCEPT
	RR__LU_SYM(io_uring_unregister_buffers);
int io_uring_clone_buffers_offset(struct io_uring *dst, struct io_uring *src,
				  unsigned int dst_off, unsigned int src_off,
				  unsigned int nr, unsigned int flags)
	LIBURING_NOEXCEPT RR__LU_SYM(io_uring_clone_buffers_offset);
int __io_uring_clone_buffers_offset(struct io_uring *dst, struct io_uring *src,
				    unsigned int dst_off, unsigned int src_off,
				    unsigned int nr, unsigned int flags)
	LIBURING_NOEXCEPT RR__LU_SYM(__io_uring_clone_buffers_offset);
int io_uring_clone_buffers(struct io_uring *dst, struct io_uring *src)
	LIBURING_NOEXCEPT RR__LU_SYM(io_uring_clone_buffers);
int __io_uring_clone_buffers(struct io_uring *dst, struct io_uring *src,
			     unsigned int flags) LIBURING_NOEXCEPT
	RR__LU_SYM(__io_uring_clone_buffers);

int io_uring_register_files(struct io_uring *ring, const int *files,
			    unsigned nr_files) LIBURING_NOEXCEPT
	RR__LU_SYM(io_uring_register_files);
int io_uring_register_files_tags(struct io_uring *ring, const int *files,
				 const __u64 *tags, unsigned nr) LIBURING_NOEXCEPT
	RR__LU_SYM(io_uring_register_files_tags);
int io_uring_register_files_sparse(struct io_uring *ring, unsigned nr)
	LIBURING_NOEXCEPT RR__LU_SYM(io_uring_register_files_sparse);
int io_uring_register_files_update_tag(struct io_uring *ring, unsigned off,
				       const int *files, const __u64 *tags,
				       unsigned nr_files) LIBURING_NOEXCEPT
	RR__LU_SYM(io_uring_register_files_update_tag);
int io_uring_unregister_files(struct io_uring *ring) LIBURING_NOEXCEPT
	RR__LU_SYM(io_uring_unregister_files);
int io_uring_register_files_update(struct io_uring *ring, unsigned off,
				   const int *files, unsigned nr_files)
	LIBURING_NOEXCEPT RR__LU_SYM(io_uring_register_files_update);
int io_uring_register_file_alloc_range(struct io_uring *ring, unsigned off,
				       unsigned len) LIBURING_NOEXCEPT
	RR__LU_SYM(io_uring_register_file_alloc_range);

int io_uring_register_eventfd(struct io_uring *ring, int fd) LIBURING_NOEXCEPT
	RR__LU_SYM(io_uring_register_eventfd);
int io_uring_register_eventfd_async(struct io_uring *ring, int fd)
	LIBURING_NOEXCEPT RR__LU_SYM(io_uring_register_eventfd_async);
int io_uring_unregister_eventfd(struct io_uring *ring) LIBURING_NOEXCEPT
	RR__LU_SYM(io_uring_unregister_eventfd);
int io_uring_register_probe(struct io_uring *ring, struct io_uring_probe *p,
			    unsigned nr) LIBURING_NOEXCEPT
	RR__LU_SYM(io_uring_register_probe);
int io_uring_register_personality(struct io_uring *ring) LIBURING_NOEXCEPT
	RR__LU_SYM(io_uring_register_personality);
int io_uring_unregister_personality(struct io_uring *ring, int id)
	LIBURING_NOEXCEPT RR__LU_SYM(io_uring_unregister_personality);
int io_uring_register_restrictions(struct io_uring *ring,
				   struct io_uring_restriction *res,
				   unsigned int nr_res) LIBURING_NOEXCEPT
	RR__LU_SYM(io_uring_register_restrictions);
int io_uring_enable_rings(struct io_uring *ring) LIBURING_NOEXCEPT
	RR__LU_SYM(io_uring_enable_rings);
#ifdef _GNU_SOURCE
int io_uring_register_iowq_aff(struct io_uring *ring, size_t cpusz,
			       const cpu_set_t *mask) LIBURING_NOEXCEPT
	RR__LU_SYM(io_uring_register_iowq_aff);
#endif
int io_uring_unregister_iowq_aff(struct io_uring *ring) LIBURING_NOEXCEPT
	RR__LU_SYM(io_uring_unregister_iowq_aff);
int io_uring_register_iowq_max_workers(struct io_uring *ring,
				       unsigned int *values) LIBURING_NOEXCEPT
	RR__LU_SYM(io_uring_register_iowq_max_workers);
/* 1 (one fd registered) as liburing, or -errno. */
int io_uring_register_ring_fd(struct io_uring *ring) LIBURING_NOEXCEPT
	RR__LU_SYM(io_uring_register_ring_fd);
int io_uring_unregister_ring_fd(struct io_uring *ring) LIBURING_NOEXCEPT
	RR__LU_SYM(io_uring_unregister_ring_fd);
int io_uring_close_ring_fd(struct io_uring *ring) LIBURING_NOEXCEPT
	RR__LU_SYM(io_uring_close_ring_fd);
int io_uring_register_buf_ring(struct io_uring *ring,
			       struct io_uring_buf_reg *reg, unsigned int flags)
	LIBURING_NOEXCEPT RR__LU_SYM(io_uring_register_buf_ring);
int io_uring_unregister_buf_ring(struct io_uring *ring, int bgid)
	LIBURING_NOEXCEPT RR__LU_SYM(io_uring_unregister_buf_ring);
int io_uring_buf_ring_head(struct io_uring *ring, int buf_group, uint16_t *head)
	LIBURING_NOEXCEPT RR__LU_SYM(io_uring_buf_ring_head);
int io_uring_register_sync_cancel(struct io_uring *ring,
				  struct io_uring_sync_cancel_reg *reg)
	LIBURING_NOEXCEPT RR__LU_SYM(io_uring_register_sync_cancel);
int io_uring_register_sync_msg(struct io_uring_sqe *sqe) LIBURING_NOEXCEPT
	RR__LU_SYM(io_uring_register_sync_msg);
int io_uring_register_napi(struct io_uring *ring, struct io_uring_napi *napi)
	LIBURING_NOEXCEPT RR__LU_SYM(io_uring_register_napi);
int io_uring_unregister_napi(struct io_uring *ring, struct io_uring_napi *napi)
	LIBURING_NOEXCEPT RR__LU_SYM(io_uring_unregister_napi);
int io_uring_register_ifq(struct io_uring *ring,
			  struct io_uring_zcrx_ifq_reg *reg) LIBURING_NOEXCEPT
	RR__LU_SYM(io_uring_register_ifq);
int io_uring_register_zcrx_ctrl(struct io_uring *ring, struct zcrx_ctrl *ctrl)
	LIBURING_NOEXCEPT RR__LU_SYM(io_uring_register_zcrx_ctrl);
int io_uring_register_clock(struct io_uring *ring,
			    struct io_uring_clock_register *arg)
	LIBURING_NOEXCEPT RR__LU_SYM(io_uring_register_clock);
int io_uring_register_bpf_filter(struct io_uring *ring, struct io_uring_bpf *bpf)
	LIBURING_NOEXCEPT RR__LU_SYM(io_uring_register_bpf_filter);
int io_uring_register_bpf_filter_task(struct io_uring_bpf *bpf)
	LIBURING_NOEXCEPT RR__LU_SYM(io_uring_register_bpf_filter_task);
int io_uring_register_query(struct io_uring_query_hdr *query) LIBURING_NOEXCEPT
	RR__LU_SYM(io_uring_register_query);
int io_uring_register_region(struct io_uring *ring,
			     struct io_uring_mem_region_reg *reg)
	LIBURING_NOEXCEPT RR__LU_SYM(io_uring_register_region);

/* A buffer ring of `nentries` registered as group `bgid` (flags:
 * IOU_PBUF_RING_MMAP, IOU_PBUF_RING_INC), or NULL with *err set. */
struct io_uring_buf_ring *io_uring_setup_buf_ring(struct io_uring *ring,
						  unsigned int nentries,
						  int bgid, unsigned int flags,
						  int *err) LIBURING_NOEXCEPT
	RR__LU_SYM(io_uring_setup_buf_ring);
int io_uring_free_buf_ring(struct io_uring *ring, struct io_uring_buf_ring *br,
			   unsigned int nentries, int bgid) LIBURING_NOEXCEPT
	RR__LU_SYM(io_uring_free_buf_ring);

/* ---- the system calls (rawring/syscall.h: -errno, errno untouched) -------- */

int io_uring_enter(unsigned int fd, unsigned int to_submit,
		   unsigned int min_complete, unsigned int flags, sigset_t *sig)
	LIBURING_NOEXCEPT RR__LU_SYM(io_uring_enter);
int io_uring_enter2(unsigned int fd, unsigned int to_submit,
		    unsigned int min_complete, unsigned int flags, void *arg,
		    size_t sz) LIBURING_NOEXCEPT RR__LU_SYM(io_uring_enter2);
int io_uring_setup(unsigned int entries, struct io_uring_params *p)
	LIBURING_NOEXCEPT RR__LU_SYM(io_uring_setup);
int io_uring_register(unsigned int fd, unsigned int opcode, const void *arg,
		      unsigned int nr_args) LIBURING_NOEXCEPT
	RR__LU_SYM(io_uring_register);

/* ---- version --------------------------------------------------------------- */

int io_uring_major_version(void) LIBURING_NOEXCEPT RR__LU_SYM(io_uring_major_version);
int io_uring_minor_version(void) LIBURING_NOEXCEPT RR__LU_SYM(io_uring_minor_version);
bool io_uring_check_version(int major, int minor) LIBURING_NOEXCEPT
	RR__LU_SYM(io_uring_check_version);

#define IO_URING_CHECK_VERSION(major, minor)                                   \
	((major) > IO_URING_VERSION_MAJOR ||                                   \
	 ((major) == IO_URING_VERSION_MAJOR && (minor) > IO_URING_VERSION_MINOR))

/* ---- inline helpers ---------------------------------------------------------- */

_LOCAL_INLINE __u64 uring_ptr_to_u64(const void *ptr) LIBURING_NOEXCEPT
{
	return (__u64)(uintptr_t)ptr;
}

#define LIBURING_UDATA_TIMEOUT ((__u64)-1)
#define LIBURING_HAVE_DATA64

IOURINGINLINE unsigned io_uring_sqe_shift_from_flags(unsigned flags) LIBURING_NOEXCEPT
{
	return (flags & IORING_SETUP_SQE128) ? 1 : 0;
}

IOURINGINLINE unsigned io_uring_sqe_shift(const struct io_uring *ring) LIBURING_NOEXCEPT
{
	return io_uring_sqe_shift_from_flags(ring->flags);
}

IOURINGINLINE unsigned io_uring_cqe_shift_from_flags(unsigned flags) LIBURING_NOEXCEPT
{
	return (flags & IORING_SETUP_CQE32) ? 1 : 0;
}

IOURINGINLINE unsigned io_uring_cqe_shift(const struct io_uring *ring) LIBURING_NOEXCEPT
{
	return io_uring_cqe_shift_from_flags(ring->flags);
}

/* The CQ slots a CQE takes: 2 for a 32-byte CQE of a CQE_MIXED ring. */
IOURINGINLINE unsigned io_uring_cqe_nr(const struct io_uring_cqe *cqe) LIBURING_NOEXCEPT
{
	return (cqe->flags & IORING_CQE_F_32) ? 2 : 1;
}

/* ---- CQ ---------------------------------------------------------------------- */

IOURINGINLINE unsigned io_uring_cq_ready(const struct io_uring *ring) LIBURING_NOEXCEPT
{
	/* Acquire pairs with the kernel's store-release of the CQ tail. */
	return rr_load_acquire(ring->cq.ktail) - *ring->cq.khead;
}

/* Hand `nr` CQ slots back to the kernel (never past the tail). */
IOURINGINLINE void io_uring_cq_advance(struct io_uring *ring, unsigned nr) LIBURING_NOEXCEPT
{
	if (!nr)
		return;
	unsigned head = *ring->cq.khead;
	unsigned ready = rr_load_acquire(ring->cq.ktail) - head;

	if (nr > ready)
		nr = ready;
	/* Release orders our reads of the CQEs before the kernel sees their
	 * slots free. */
	rr_store_release(ring->cq.khead, head + nr);
}

IOURINGINLINE void io_uring_cqe_seen(struct io_uring *ring,
				     struct io_uring_cqe *cqe) LIBURING_NOEXCEPT
{
	if (cqe)
		io_uring_cq_advance(ring, io_uring_cqe_nr(cqe));
}

/* A walk over the CQ slots ready when it began: every entry, skip entries
 * of a CQE_MIXED ring included (the program ignores IORING_CQE_F_SKIP and
 * counts the entry), as liburing's. */
struct io_uring_cqe_iter {
	struct io_uring_cqe *cqes;
	unsigned mask;
	unsigned shift;
	unsigned head;
	unsigned tail;
};

IOURINGINLINE struct io_uring_cqe_iter
io_uring_cqe_iter_init(const struct io_uring *ring) LIBURING_NOEXCEPT
{
	struct io_uring_cqe_iter iter;

	iter.cqes = ring->cq.cqes;
	iter.mask = ring->cq.ring_mask;
	iter.shift = io_uring_cqe_shift(ring);
	iter.head = *ring->cq.khead;
	iter.tail = rr_load_acquire(ring->cq.ktail);
	return iter;
}

IOURINGINLINE bool io_uring_cqe_iter_next(struct io_uring_cqe_iter *iter,
					  struct io_uring_cqe **cqe) LIBURING_NOEXCEPT
{
	if (iter->head == iter->tail)
		return false;
	*cqe = &iter->cqes[(iter->head & iter->mask) << iter->shift];
	iter->head += io_uring_cqe_nr(*cqe);
	return true;
}

/* Follow with io_uring_cq_advance(ring, CQEs seen); `head` is set to the
 * walk's position on each step. */
#define io_uring_for_each_cqe(ring, head, cqe)                                 \
	for (struct io_uring_cqe_iter rr__lu_iter = io_uring_cqe_iter_init(ring); \
	     (head) = rr__lu_iter.head, io_uring_cqe_iter_next(&rr__lu_iter, &(cqe)); \
	     (void)(head))

IOURINGINLINE bool io_uring_cq_has_overflow(const struct io_uring *ring) LIBURING_NOEXCEPT
{
	return (rr_load_relaxed(ring->sq.kflags) & IORING_SQ_CQ_OVERFLOW) != 0;
}

IOURINGINLINE bool io_uring_cq_eventfd_enabled(const struct io_uring *ring) LIBURING_NOEXCEPT
{
	if (!ring->cq.kflags)
		return true;
	return !(rr_load_relaxed(ring->cq.kflags) & IORING_CQ_EVENTFD_DISABLED);
}

IOURINGINLINE int io_uring_cq_eventfd_toggle(struct io_uring *ring,
					     bool enabled) LIBURING_NOEXCEPT
{
	if (enabled == io_uring_cq_eventfd_enabled(ring))
		return 0;
	if (!ring->cq.kflags)
		return -EOPNOTSUPP;
	unsigned flags = rr_load_relaxed(ring->cq.kflags);
	if (enabled)
		flags &= ~IORING_CQ_EVENTFD_DISABLED;
	else
		flags |= IORING_CQ_EVENTFD_DISABLED;
	IO_URING_WRITE_ONCE(*ring->cq.kflags, flags);
	return 0;
}

/*
 * Whether `cqe` at the CQ head is one the program never sees (then it is
 * consumed): a skip entry, or (without EXT_ARG) a timed wait's timeout CQE,
 * which when it expired sets *err.  True when it was such an entry and no
 * error came with it.
 */
_LOCAL_INLINE bool io_uring_skip_cqe(struct io_uring *ring, struct io_uring_cqe *cqe,
				     int *err) LIBURING_NOEXCEPT
{
	if (!(cqe->flags & IORING_CQE_F_SKIP)) {
		if ((ring->features & IORING_FEAT_EXT_ARG) ||
		    cqe->user_data != LIBURING_UDATA_TIMEOUT)
			return false;
		if (cqe->res < 0)
			*err = cqe->res;
	}
	io_uring_cq_advance(ring, io_uring_cqe_nr(cqe));
	return !*err;
}

/*
 * The CQE at the head without entering the kernel, stepping over the
 * entries the program never sees: CQE_MIXED skip entries, and (kernels
 * without EXT_ARG) the CQE of a timed wait's own timeout SQE, which when
 * it expired ends the peek with -ETIME, as liburing's.  *nr_available:
 * the slots ready.
 */
IOURINGINLINE int __io_uring_peek_cqe(struct io_uring *ring,
				      struct io_uring_cqe **cqe_ptr,
				      unsigned *nr_available) LIBURING_NOEXCEPT
{
	struct io_uring_cqe *cqe = NULL;
	unsigned available;
	int err = 0;

	for (;;) {
		unsigned head = *ring->cq.khead;
		available = rr_load_acquire(ring->cq.ktail) - head;
		if (!available) {
			cqe = NULL;
			break;
		}
		cqe = &ring->cq.cqes[(head & ring->cq.ring_mask) << io_uring_cqe_shift(ring)];
		if (!io_uring_skip_cqe(ring, cqe, &err)) {
			if (err) /* an expired timeout of ours, consumed */
				cqe = NULL;
			break;
		}
	}
	*cqe_ptr = cqe;
	if (nr_available)
		*nr_available = available;
	return err;
}

IOURINGINLINE int io_uring_wait_cqe_nr(struct io_uring *ring,
				       struct io_uring_cqe **cqe_ptr,
				       unsigned wait_nr) LIBURING_NOEXCEPT
{
	return __io_uring_get_cqe(ring, cqe_ptr, 0, wait_nr, NULL);
}

IOURINGINLINE int io_uring_peek_cqe(struct io_uring *ring,
				    struct io_uring_cqe **cqe_ptr) LIBURING_NOEXCEPT
{
	int err = __io_uring_peek_cqe(ring, cqe_ptr, NULL);

	if (err || *cqe_ptr)
		return err;
	/* An empty CQ needs the kernel only when it holds completions back
	 * or an IOPOLL ring must poll for them. */
	if (!(ring->flags & IORING_SETUP_IOPOLL) &&
	    !(rr_load_relaxed(ring->sq.kflags) &
	      (IORING_SQ_CQ_OVERFLOW | IORING_SQ_TASKRUN)))
		return -EAGAIN;
	return io_uring_wait_cqe_nr(ring, cqe_ptr, 0);
}

IOURINGINLINE int io_uring_wait_cqe(struct io_uring *ring,
				    struct io_uring_cqe **cqe_ptr) LIBURING_NOEXCEPT
{
	if (!__io_uring_peek_cqe(ring, cqe_ptr, NULL) && *cqe_ptr)
		return 0;
	return io_uring_wait_cqe_nr(ring, cqe_ptr, 1);
}

/* ---- SQ ------------------------------------------------------------------------ */

/* The kernel's SQ head: acquire under SQPOLL, whose thread moves it (the
 * slots before it are no longer read), a plain read otherwise. */
IOURINGINLINE unsigned io_uring_load_sq_head(const struct io_uring *ring) LIBURING_NOEXCEPT
{
	if (ring->flags & IORING_SETUP_SQPOLL)
		return rr_load_acquire(ring->sq.khead);
	return rr_load_relaxed(ring->sq.khead);
}

IOURINGINLINE unsigned io_uring_sq_ready(const struct io_uring *ring) LIBURING_NOEXCEPT
{
	return ring->sq.sqe_tail - io_uring_load_sq_head(ring);
}

IOURINGINLINE unsigned io_uring_sq_space_left(const struct io_uring *ring) LIBURING_NOEXCEPT
{
	return ring->sq.ring_entries - io_uring_sq_ready(ring);
}

IOURINGINLINE int io_uring_sqring_wait(struct io_uring *ring) LIBURING_NOEXCEPT
{
	if (!(ring->flags & IORING_SETUP_SQPOLL) || io_uring_sq_space_left(ring))
		return 0;
	return __io_uring_sqring_wait(ring);
}

/* The fields liburing's get_sqe clears; opcode, fd, off, addr and len are
 * the prep helper's, and user_data stays as it was. */
IOURINGINLINE void io_uring_initialize_sqe(struct io_uring_sqe *sqe) LIBURING_NOEXCEPT
{
	sqe->flags = 0;
	sqe->ioprio = 0;
	sqe->rw_flags = 0;
	sqe->buf_index = 0;
	sqe->personality = 0;
	sqe->file_index = 0;
	sqe->addr3 = 0;
	sqe->__pad2[0] = 0;
}

IOURINGINLINE struct io_uring_sqe *_io_uring_get_sqe(struct io_uring *ring) LIBURING_NOEXCEPT
{
	struct io_uring_sq *sq = &ring->sq;
	unsigned tail = sq->sqe_tail;

	if (tail - io_uring_load_sq_head(ring) >= sq->ring_entries)
		return NULL;
	struct io_uring_sqe *sqe =
		&sq->sqes[(tail & sq->ring_mask) << io_uring_sqe_shift(ring)];
	sq->sqe_tail = tail + 1;
	io_uring_initialize_sqe(sqe);
	return sqe;
}

IOURINGINLINE struct io_uring_sqe *io_uring_get_sqe(struct io_uring *ring) LIBURING_NOEXCEPT
{
	return _io_uring_get_sqe(ring);
}

/* A 128-byte SQE: on SQE128 rings every SQE is one; rawring refuses
 * IORING_SETUP_SQE_MIXED, so elsewhere NULL. */
IOURINGINLINE struct io_uring_sqe *io_uring_get_sqe128(struct io_uring *ring) LIBURING_NOEXCEPT
{
	if (ring->flags & IORING_SETUP_SQE128)
		return _io_uring_get_sqe(ring);
	return NULL;
}

/* ---- SQE fields -------------------------------------------------------------- */

IOURINGINLINE void io_uring_sqe_set_data(struct io_uring_sqe *sqe, void *data) LIBURING_NOEXCEPT
{
	rr_sqe_set_data(sqe, data);
}

IOURINGINLINE void *io_uring_cqe_get_data(const struct io_uring_cqe *cqe) LIBURING_NOEXCEPT
{
	return rr_cqe_get_data(cqe);
}

IOURINGINLINE void io_uring_sqe_set_data64(struct io_uring_sqe *sqe, __u64 data) LIBURING_NOEXCEPT
{
	rr_sqe_set_data64(sqe, data);
}

IOURINGINLINE __u64 io_uring_cqe_get_data64(const struct io_uring_cqe *cqe) LIBURING_NOEXCEPT
{
	return rr_cqe_get_data64(cqe);
}

IOURINGINLINE void io_uring_sqe_set_flags(struct io_uring_sqe *sqe, unsigned flags) LIBURING_NOEXCEPT
{
	rr_sqe_set_flags(sqe, flags);
}

IOURINGINLINE void io_uring_sqe_set_buf_group(struct io_uring_sqe *sqe, int bgid) LIBURING_NOEXCEPT
{
	sqe->buf_group = (__u16)bgid;
}

/* A poll mask as the SQE holds it: word-swapped on big-endian machines. */
_LOCAL_INLINE unsigned __io_uring_prep_poll_mask(unsigned poll_mask) LIBURING_NOEXCEPT
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	poll_mask = (poll_mask << 16) | (poll_mask >> 16);
#endif
	return poll_mask;
}

/* Direct descriptors are named index + 1 in sqe->file_index (0: none). */
_LOCAL_INLINE void __io_uring_set_target_fixed_file(struct io_uring_sqe *sqe,
						    unsigned int file_index) LIBURING_NOEXCEPT
{
	sqe->file_index = file_index + 1;
}

/* ---- prep helpers ------------------------------------------------------------ */

/*
 * What a prep helper of liburing leaves as it was, and rawring's rr_prep_*
 * overwrite: saved before the rr_prep_* call and merged back after it (see
 * the top of this file).
 */
struct rr__lu_kept {
	__u64 user_data;
	__u64 addr3;
	__u32 rw_flags;
	__u32 file_index;
	__u16 ioprio;
	__u16 buf_index;
	__u16 personality;
	__u8 flags;
};

_LOCAL_INLINE struct rr__lu_kept rr__lu_keep(const struct io_uring_sqe *sqe) LIBURING_NOEXCEPT
{
	struct rr__lu_kept kept;

	kept.user_data = sqe->user_data;
	kept.addr3 = sqe->addr3;
	kept.rw_flags = sqe->rw_flags;
	kept.file_index = sqe->file_index;
	kept.ioprio = sqe->ioprio;
	kept.buf_index = sqe->buf_index;
	kept.personality = sqe->personality;
	kept.flags = sqe->flags;
	return kept;
}

_LOCAL_INLINE void rr__lu_merge(struct io_uring_sqe *sqe,
				const struct rr__lu_kept *kept) LIBURING_NOEXCEPT
{
	sqe->user_data = kept->user_data;
	sqe->personality = kept->personality;
	sqe->flags = (__u8)(sqe->flags | kept->flags);
	sqe->ioprio = (__u16)(sqe->ioprio | kept->ioprio);
	if (!sqe->rw_flags)
		sqe->rw_flags = kept->rw_flags;
	if (!sqe->buf_index)
		sqe->buf_index = kept->buf_index;
	if (!sqe->file_index)
		sqe->file_index = kept->file_index;
	if (!sqe->addr3)
		sqe->addr3 = kept->addr3;
}

/* rawring's prep call `call` on `sqe`, with liburing's untouched fields. */
#define RR__LU_PREP(sqe, call)                                                 \
	do {                                                                   \
		struct rr__lu_kept rr__lu_k = rr__lu_keep(sqe);                \
		call;                                                          \
		rr__lu_merge((sqe), &rr__lu_k);                                \
	} while (0)

IOURINGINLINE void io_uring_prep_rw(int op, struct io_uring_sqe *sqe, int fd,
				    const void *addr, unsigned len,
				    __u64 offset) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_rw(sqe, (unsigned)op, fd, addr, len, offset));
}

/* liburing's multishot receive takes a buffer and a length (rawring's
 * takes a buffer group and sets IOSQE_BUFFER_SELECT, which here stays the
 * program's to set, with the group). */
IOURINGINLINE void io_uring_prep_recv_multishot(struct io_uring_sqe *sqe,
						int sockfd, void *buf,
						size_t len, int flags) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_recv(sqe, sockfd, buf, len, flags));
	sqe->ioprio |= IORING_RECV_MULTISHOT;
}

IOURINGINLINE void io_uring_prep_cancel(struct io_uring_sqe *sqe,
					const void *user_data, int flags) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_cancel64(sqe, (uint64_t)(uintptr_t)user_data,
					  (unsigned)flags));
}

/* Adds a destination to a prepared send: touches only addr2 and addr_len. */
IOURINGINLINE void io_uring_prep_send_set_addr(struct io_uring_sqe *sqe,
					       const struct sockaddr *dest_addr,
					       __u16 addr_len) LIBURING_NOEXCEPT
{
	rr_prep_send_set_addr(sqe, dest_addr, addr_len);
}

/* The uring_cmd layout for opcode `op` (IORING_OP_URING_CMD or _CMD128). */
IOURINGINLINE void __io_uring_prep_uring_cmd(struct io_uring_sqe *sqe, int op,
					     __u32 cmd_op, int fd) LIBURING_NOEXCEPT
{
	if (op == IORING_OP_URING_CMD128)
		RR__LU_PREP(sqe, rr_prep_uring_cmd128(sqe, (int)cmd_op, fd));
	else
		RR__LU_PREP(sqe, rr_prep_uring_cmd(sqe, (int)cmd_op, fd));
	sqe->opcode = (__u8)op;
}

/* The rest: rawring's rr_prep_X of the same name and arguments. */

IOURINGINLINE void io_uring_prep_splice(struct io_uring_sqe *sqe, int fd_in, int64_t off_in, int fd_out, int64_t off_out, unsigned int nbytes, unsigned int splice_flags) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_splice(sqe, fd_in, off_in, fd_out, off_out, nbytes, splice_flags));
}

IOURINGINLINE void io_uring_prep_tee(struct io_uring_sqe *sqe, int fd_in, int fd_out, unsigned int nbytes, unsigned int splice_flags) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_tee(sqe, fd_in, fd_out, nbytes, splice_flags));
}

IOURINGINLINE void io_uring_prep_readv(struct io_uring_sqe *sqe, int fd, const struct iovec *iovecs, unsigned nr_vecs, __u64 offset) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_readv(sqe, fd, iovecs, nr_vecs, offset));
}

IOURINGINLINE void io_uring_prep_readv2(struct io_uring_sqe *sqe, int fd, const struct iovec *iovecs, unsigned nr_vecs, __u64 offset, int flags) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_readv2(sqe, fd, iovecs, nr_vecs, offset, flags));
}

IOURINGINLINE void io_uring_prep_read_fixed(struct io_uring_sqe *sqe, int fd, void *buf, unsigned nbytes, __u64 offset, int buf_index) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_read_fixed(sqe, fd, buf, nbytes, offset, (unsigned)buf_index));
}

IOURINGINLINE void io_uring_prep_readv_fixed(struct io_uring_sqe *sqe, int fd, const struct iovec *iovecs, unsigned nr_vecs, __u64 offset, int flags, int buf_index) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_readv_fixed(sqe, fd, iovecs, nr_vecs, offset, flags, (unsigned)buf_index));
}

IOURINGINLINE void io_uring_prep_writev(struct io_uring_sqe *sqe, int fd, const struct iovec *iovecs, unsigned nr_vecs, __u64 offset) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_writev(sqe, fd, iovecs, nr_vecs, offset));
}

IOURINGINLINE void io_uring_prep_writev2(struct io_uring_sqe *sqe, int fd, const struct iovec *iovecs, unsigned nr_vecs, __u64 offset, int flags) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_writev2(sqe, fd, iovecs, nr_vecs, offset, flags));
}

IOURINGINLINE void io_uring_prep_write_fixed(struct io_uring_sqe *sqe, int fd, const void *buf, unsigned nbytes, __u64 offset, int buf_index) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_write_fixed(sqe, fd, buf, nbytes, offset, (unsigned)buf_index));
}

IOURINGINLINE void io_uring_prep_writev_fixed(struct io_uring_sqe *sqe, int fd, const struct iovec *iovecs, unsigned nr_vecs, __u64 offset, int flags, int buf_index) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_writev_fixed(sqe, fd, iovecs, nr_vecs, offset, flags, (unsigned)buf_index));
}

IOURINGINLINE void io_uring_prep_recvmsg(struct io_uring_sqe *sqe, int fd, struct msghdr *msg, unsigned flags) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_recvmsg(sqe, fd, msg, (int)flags));
}

IOURINGINLINE void io_uring_prep_recvmsg_multishot(struct io_uring_sqe *sqe, int fd, struct msghdr *msg, unsigned flags) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_recvmsg_multishot(sqe, fd, msg, (int)flags));
}

IOURINGINLINE void io_uring_prep_sendmsg(struct io_uring_sqe *sqe, int fd, const struct msghdr *msg, unsigned flags) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_sendmsg(sqe, fd, msg, (int)flags));
}

IOURINGINLINE void io_uring_prep_poll_add(struct io_uring_sqe *sqe, int fd, unsigned poll_mask) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_poll_add(sqe, fd, poll_mask));
}

IOURINGINLINE void io_uring_prep_poll_multishot(struct io_uring_sqe *sqe, int fd, unsigned poll_mask) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_poll_multishot(sqe, fd, poll_mask));
}

IOURINGINLINE void io_uring_prep_poll_remove(struct io_uring_sqe *sqe, __u64 user_data) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_poll_remove(sqe, user_data));
}

IOURINGINLINE void io_uring_prep_poll_update(struct io_uring_sqe *sqe, __u64 old_user_data, __u64 new_user_data, unsigned poll_mask, unsigned flags) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_poll_update(sqe, old_user_data, new_user_data, poll_mask, flags));
}

IOURINGINLINE void io_uring_prep_fsync(struct io_uring_sqe *sqe, int fd, unsigned fsync_flags) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_fsync(sqe, fd, fsync_flags));
}

IOURINGINLINE void io_uring_prep_nop(struct io_uring_sqe *sqe) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_nop(sqe));
}

IOURINGINLINE void io_uring_prep_nop128(struct io_uring_sqe *sqe) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_nop128(sqe));
}

IOURINGINLINE void io_uring_prep_timeout(struct io_uring_sqe *sqe, const struct __kernel_timespec *ts, unsigned count, unsigned flags) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_timeout(sqe, ts, count, flags));
}

IOURINGINLINE void io_uring_prep_timeout_remove(struct io_uring_sqe *sqe, __u64 user_data, unsigned flags) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_timeout_remove(sqe, user_data, flags));
}

IOURINGINLINE void io_uring_prep_timeout_update(struct io_uring_sqe *sqe, const struct __kernel_timespec *ts, __u64 user_data, unsigned flags) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_timeout_update(sqe, ts, user_data, flags));
}

IOURINGINLINE void io_uring_prep_accept(struct io_uring_sqe *sqe, int fd, struct sockaddr *addr, socklen_t *addrlen, int flags) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_accept(sqe, fd, addr, addrlen, flags));
}

IOURINGINLINE void io_uring_prep_accept_direct(struct io_uring_sqe *sqe, int fd, struct sockaddr *addr, socklen_t *addrlen, int flags, unsigned int file_index) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_accept_direct(sqe, fd, addr, addrlen, flags, file_index));
}

IOURINGINLINE void io_uring_prep_multishot_accept(struct io_uring_sqe *sqe, int fd, struct sockaddr *addr, socklen_t *addrlen, int flags) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_multishot_accept(sqe, fd, addr, addrlen, flags));
}

IOURINGINLINE void io_uring_prep_multishot_accept_direct(struct io_uring_sqe *sqe, int fd, struct sockaddr *addr, socklen_t *addrlen, int flags) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_multishot_accept_direct(sqe, fd, addr, addrlen, flags));
}

IOURINGINLINE void io_uring_prep_cancel64(struct io_uring_sqe *sqe, __u64 user_data, int flags) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_cancel64(sqe, user_data, (unsigned)flags));
}

IOURINGINLINE void io_uring_prep_cancel_fd(struct io_uring_sqe *sqe, int fd, unsigned int flags) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_cancel_fd(sqe, fd, flags));
}

IOURINGINLINE void io_uring_prep_link_timeout(struct io_uring_sqe *sqe, const struct __kernel_timespec *ts, unsigned flags) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_link_timeout(sqe, ts, flags));
}

IOURINGINLINE void io_uring_prep_connect(struct io_uring_sqe *sqe, int fd, const struct sockaddr *addr, socklen_t addrlen) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_connect(sqe, fd, addr, addrlen));
}

IOURINGINLINE void io_uring_prep_bind(struct io_uring_sqe *sqe, int fd, const struct sockaddr *addr, socklen_t addrlen) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_bind(sqe, fd, addr, addrlen));
}

IOURINGINLINE void io_uring_prep_listen(struct io_uring_sqe *sqe, int fd, int backlog) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_listen(sqe, fd, backlog));
}

IOURINGINLINE void io_uring_prep_epoll_wait(struct io_uring_sqe *sqe, int fd, struct epoll_event *events, int maxevents, unsigned flags) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_epoll_wait(sqe, fd, events, maxevents, flags));
}

IOURINGINLINE void io_uring_prep_files_update(struct io_uring_sqe *sqe, int *fds, unsigned nr_fds, int offset) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_files_update(sqe, fds, nr_fds, offset));
}

IOURINGINLINE void io_uring_prep_fallocate(struct io_uring_sqe *sqe, int fd, int mode, __u64 offset, __u64 len) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_fallocate(sqe, fd, mode, offset, len));
}

IOURINGINLINE void io_uring_prep_openat(struct io_uring_sqe *sqe, int dfd, const char *path, int flags, mode_t mode) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_openat(sqe, dfd, path, flags, mode));
}

IOURINGINLINE void io_uring_prep_openat_direct(struct io_uring_sqe *sqe, int dfd, const char *path, int flags, mode_t mode, unsigned file_index) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_openat_direct(sqe, dfd, path, flags, mode, file_index));
}

IOURINGINLINE void io_uring_prep_open(struct io_uring_sqe *sqe, const char *path, int flags, mode_t mode) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_open(sqe, path, flags, mode));
}

IOURINGINLINE void io_uring_prep_open_direct(struct io_uring_sqe *sqe, const char *path, int flags, mode_t mode, unsigned file_index) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_open_direct(sqe, path, flags, mode, file_index));
}

IOURINGINLINE void io_uring_prep_close(struct io_uring_sqe *sqe, int fd) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_close(sqe, fd));
}

IOURINGINLINE void io_uring_prep_close_direct(struct io_uring_sqe *sqe, unsigned file_index) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_close_direct(sqe, file_index));
}

IOURINGINLINE void io_uring_prep_read(struct io_uring_sqe *sqe, int fd, void *buf, unsigned nbytes, __u64 offset) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_read(sqe, fd, buf, nbytes, offset));
}

IOURINGINLINE void io_uring_prep_read_multishot(struct io_uring_sqe *sqe, int fd, unsigned nbytes, __u64 offset, int buf_group) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_read_multishot(sqe, fd, nbytes, offset, (unsigned short)buf_group));
}

IOURINGINLINE void io_uring_prep_write(struct io_uring_sqe *sqe, int fd, const void *buf, unsigned nbytes, __u64 offset) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_write(sqe, fd, buf, nbytes, offset));
}

IOURINGINLINE void io_uring_prep_statx(struct io_uring_sqe *sqe, int dfd, const char *path, int flags, unsigned mask, struct statx *statxbuf) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_statx(sqe, dfd, path, flags, mask, statxbuf));
}

IOURINGINLINE void io_uring_prep_fadvise(struct io_uring_sqe *sqe, int fd, __u64 offset, __u32 len, int advice) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_fadvise(sqe, fd, offset, len, advice));
}

IOURINGINLINE void io_uring_prep_madvise(struct io_uring_sqe *sqe, void *addr, __u32 length, int advice) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_madvise(sqe, addr, length, advice));
}

IOURINGINLINE void io_uring_prep_fadvise64(struct io_uring_sqe *sqe, int fd, __u64 offset, off_t len, int advice) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_fadvise64(sqe, fd, offset, (int64_t)len, advice));
}

IOURINGINLINE void io_uring_prep_madvise64(struct io_uring_sqe *sqe, void *addr, off_t length, int advice) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_madvise64(sqe, addr, (int64_t)length, advice));
}

IOURINGINLINE void io_uring_prep_send(struct io_uring_sqe *sqe, int sockfd, const void *buf, size_t len, int flags) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_send(sqe, sockfd, buf, len, flags));
}

IOURINGINLINE void io_uring_prep_send_bundle(struct io_uring_sqe *sqe, int sockfd, size_t len, int flags) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_send_bundle(sqe, sockfd, len, flags));
}

IOURINGINLINE void io_uring_prep_sendto(struct io_uring_sqe *sqe, int sockfd, const void *buf, size_t len, int flags, const struct sockaddr *addr, socklen_t addrlen) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_sendto(sqe, sockfd, buf, len, flags, addr, addrlen));
}

IOURINGINLINE void io_uring_prep_send_zc(struct io_uring_sqe *sqe, int sockfd, const void *buf, size_t len, int flags, unsigned zc_flags) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_send_zc(sqe, sockfd, buf, len, flags, zc_flags));
}

IOURINGINLINE void io_uring_prep_send_zc_fixed(struct io_uring_sqe *sqe, int sockfd, const void *buf, size_t len, int flags, unsigned zc_flags, unsigned buf_index) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_send_zc_fixed(sqe, sockfd, buf, len, flags, zc_flags, buf_index));
}

IOURINGINLINE void io_uring_prep_sendmsg_zc(struct io_uring_sqe *sqe, int fd, const struct msghdr *msg, unsigned flags) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_sendmsg_zc(sqe, fd, msg, (int)flags));
}

IOURINGINLINE void io_uring_prep_sendmsg_zc_fixed(struct io_uring_sqe *sqe, int fd, const struct msghdr *msg, unsigned flags, unsigned buf_index) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_sendmsg_zc_fixed(sqe, fd, msg, (int)flags, buf_index));
}

IOURINGINLINE void io_uring_prep_recv(struct io_uring_sqe *sqe, int sockfd, void *buf, size_t len, int flags) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_recv(sqe, sockfd, buf, len, flags));
}

IOURINGINLINE void io_uring_prep_openat2(struct io_uring_sqe *sqe, int dfd, const char *path, const struct open_how *how) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_openat2(sqe, dfd, path, how));
}

IOURINGINLINE void io_uring_prep_openat2_direct(struct io_uring_sqe *sqe, int dfd, const char *path, const struct open_how *how, unsigned file_index) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_openat2_direct(sqe, dfd, path, how, file_index));
}

IOURINGINLINE void io_uring_prep_epoll_ctl(struct io_uring_sqe *sqe, int epfd, int fd, int op, const struct epoll_event *ev) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_epoll_ctl(sqe, epfd, fd, op, ev));
}

IOURINGINLINE void io_uring_prep_provide_buffers(struct io_uring_sqe *sqe, void *addr, int len, int nr, int bgid, int bid) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_provide_buffers(sqe, addr, len, nr, bgid, bid));
}

IOURINGINLINE void io_uring_prep_remove_buffers(struct io_uring_sqe *sqe, int nr, int bgid) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_remove_buffers(sqe, nr, bgid));
}

IOURINGINLINE void io_uring_prep_shutdown(struct io_uring_sqe *sqe, int fd, int how) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_shutdown(sqe, fd, how));
}

IOURINGINLINE void io_uring_prep_unlinkat(struct io_uring_sqe *sqe, int dfd, const char *path, int flags) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_unlinkat(sqe, dfd, path, flags));
}

IOURINGINLINE void io_uring_prep_unlink(struct io_uring_sqe *sqe, const char *path, int flags) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_unlink(sqe, path, flags));
}

IOURINGINLINE void io_uring_prep_renameat(struct io_uring_sqe *sqe, int olddfd, const char *oldpath, int newdfd, const char *newpath, unsigned int flags) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_renameat(sqe, olddfd, oldpath, newdfd, newpath, flags));
}

IOURINGINLINE void io_uring_prep_rename(struct io_uring_sqe *sqe, const char *oldpath, const char *newpath) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_rename(sqe, oldpath, newpath));
}

IOURINGINLINE void io_uring_prep_sync_file_range(struct io_uring_sqe *sqe, int fd, unsigned len, __u64 offset, int flags) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_sync_file_range(sqe, fd, len, offset, flags));
}

IOURINGINLINE void io_uring_prep_mkdirat(struct io_uring_sqe *sqe, int dfd, const char *path, mode_t mode) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_mkdirat(sqe, dfd, path, mode));
}

IOURINGINLINE void io_uring_prep_mkdir(struct io_uring_sqe *sqe, const char *path, mode_t mode) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_mkdir(sqe, path, mode));
}

IOURINGINLINE void io_uring_prep_symlinkat(struct io_uring_sqe *sqe, const char *target, int newdirfd, const char *linkpath) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_symlinkat(sqe, target, newdirfd, linkpath));
}

IOURINGINLINE void io_uring_prep_symlink(struct io_uring_sqe *sqe, const char *target, const char *linkpath) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_symlink(sqe, target, linkpath));
}

IOURINGINLINE void io_uring_prep_linkat(struct io_uring_sqe *sqe, int olddfd, const char *oldpath, int newdfd, const char *newpath, int flags) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_linkat(sqe, olddfd, oldpath, newdfd, newpath, flags));
}

IOURINGINLINE void io_uring_prep_link(struct io_uring_sqe *sqe, const char *oldpath, const char *newpath, int flags) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_link(sqe, oldpath, newpath, flags));
}

IOURINGINLINE void io_uring_prep_msg_ring_cqe_flags(struct io_uring_sqe *sqe, int fd, unsigned int len, __u64 data, unsigned int flags, unsigned int cqe_flags) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_msg_ring_cqe_flags(sqe, fd, len, data, flags, cqe_flags));
}

IOURINGINLINE void io_uring_prep_msg_ring(struct io_uring_sqe *sqe, int fd, unsigned int len, __u64 data, unsigned int flags) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_msg_ring(sqe, fd, len, data, flags));
}

IOURINGINLINE void io_uring_prep_msg_ring_fd(struct io_uring_sqe *sqe, int fd, int source_fd, int target_fd, __u64 data, unsigned int flags) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_msg_ring_fd(sqe, fd, source_fd, target_fd, data, flags));
}

IOURINGINLINE void io_uring_prep_msg_ring_fd_alloc(struct io_uring_sqe *sqe, int fd, int source_fd, __u64 data, unsigned int flags) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_msg_ring_fd_alloc(sqe, fd, source_fd, data, flags));
}

IOURINGINLINE void io_uring_prep_getxattr(struct io_uring_sqe *sqe, const char *name, char *value, const char *path, unsigned int len) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_getxattr(sqe, name, value, path, len));
}

IOURINGINLINE void io_uring_prep_setxattr(struct io_uring_sqe *sqe, const char *name, const char *value, const char *path, int flags, unsigned int len) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_setxattr(sqe, name, value, path, flags, len));
}

IOURINGINLINE void io_uring_prep_fgetxattr(struct io_uring_sqe *sqe, int fd, const char *name, char *value, unsigned int len) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_fgetxattr(sqe, fd, name, value, len));
}

IOURINGINLINE void io_uring_prep_fsetxattr(struct io_uring_sqe *sqe, int fd, const char *name, const char *value, int flags, unsigned int len) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_fsetxattr(sqe, fd, name, value, flags, len));
}

IOURINGINLINE void io_uring_prep_socket(struct io_uring_sqe *sqe, int domain, int type, int protocol, unsigned int flags) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_socket(sqe, domain, type, protocol, flags));
}

IOURINGINLINE void io_uring_prep_socket_direct(struct io_uring_sqe *sqe, int domain, int type, int protocol, unsigned file_index, unsigned int flags) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_socket_direct(sqe, domain, type, protocol, file_index, flags));
}

IOURINGINLINE void io_uring_prep_socket_direct_alloc(struct io_uring_sqe *sqe, int domain, int type, int protocol, unsigned int flags) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_socket_direct_alloc(sqe, domain, type, protocol, flags));
}

IOURINGINLINE void io_uring_prep_uring_cmd(struct io_uring_sqe *sqe, int cmd_op, int fd) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_uring_cmd(sqe, cmd_op, fd));
}

IOURINGINLINE void io_uring_prep_uring_cmd128(struct io_uring_sqe *sqe, int cmd_op, int fd) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_uring_cmd128(sqe, cmd_op, fd));
}

IOURINGINLINE void io_uring_prep_cmd_sock(struct io_uring_sqe *sqe, int cmd_op, int fd, int level, int optname, void *optval, int optlen) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_cmd_sock(sqe, cmd_op, fd, level, optname, optval, optlen));
}

IOURINGINLINE void io_uring_prep_cmd_getsockname(struct io_uring_sqe *sqe, int fd, struct sockaddr *sockaddr, socklen_t *sockaddr_len, int peer) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_cmd_getsockname(sqe, fd, sockaddr, sockaddr_len, peer));
}

IOURINGINLINE void io_uring_prep_waitid(struct io_uring_sqe *sqe, idtype_t idtype, id_t id, siginfo_t *infop, int options, unsigned int flags) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_waitid(sqe, idtype, id, infop, options, flags));
}

IOURINGINLINE void io_uring_prep_futex_wake(struct io_uring_sqe *sqe, const uint32_t *futex, uint64_t val, uint64_t mask, uint32_t futex_flags, unsigned int flags) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_futex_wake(sqe, futex, val, mask, futex_flags, flags));
}

IOURINGINLINE void io_uring_prep_futex_wait(struct io_uring_sqe *sqe, const uint32_t *futex, uint64_t val, uint64_t mask, uint32_t futex_flags, unsigned int flags) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_futex_wait(sqe, futex, val, mask, futex_flags, flags));
}

IOURINGINLINE void io_uring_prep_futex_waitv(struct io_uring_sqe *sqe, const struct futex_waitv *futex, uint32_t nr_futex, unsigned int flags) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_futex_waitv(sqe, futex, nr_futex, flags));
}

IOURINGINLINE void io_uring_prep_fixed_fd_install(struct io_uring_sqe *sqe, int fd, unsigned int flags) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_fixed_fd_install(sqe, fd, flags));
}

#ifdef _GNU_SOURCE
IOURINGINLINE void io_uring_prep_ftruncate(struct io_uring_sqe *sqe, int fd, loff_t len) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_ftruncate(sqe, fd, (int64_t)len));
}
#endif

IOURINGINLINE void io_uring_prep_cmd_discard(struct io_uring_sqe *sqe, int fd, uint64_t offset, uint64_t nbytes) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_cmd_discard(sqe, fd, offset, nbytes));
}

IOURINGINLINE void io_uring_prep_cmd_zone_reset_all(struct io_uring_sqe *sqe, int fd) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_cmd_zone_reset_all(sqe, fd));
}

IOURINGINLINE void io_uring_prep_pipe(struct io_uring_sqe *sqe, int *fds, int pipe_flags) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_pipe(sqe, fds, pipe_flags));
}

IOURINGINLINE void io_uring_prep_pipe_direct(struct io_uring_sqe *sqe, int *fds, int pipe_flags, unsigned int file_index) LIBURING_NOEXCEPT
{
	RR__LU_PREP(sqe, rr_prep_pipe_direct(sqe, fds, pipe_flags, file_index));
}

/* ---- receive-message helpers ------------------------------------------------- */

IOURINGINLINE struct io_uring_recvmsg_out *
io_uring_recvmsg_validate(void *buf, int buf_len, struct msghdr *msgh) LIBURING_NOEXCEPT
{
	size_t len = (size_t)(unsigned)buf_len;
	size_t header = sizeof(struct io_uring_recvmsg_out);

	if (buf_len < 0 || len < header)
		return NULL;
	/* name and control must fit after the header, each checked alone so
	 * that no sum can wrap. */
	if (msgh->msg_namelen > len - header)
		return NULL;
	if (msgh->msg_controllen > len - header - msgh->msg_namelen)
		return NULL;
	return (struct io_uring_recvmsg_out *)buf;
}

IOURINGINLINE void *io_uring_recvmsg_name(struct io_uring_recvmsg_out *o) LIBURING_NOEXCEPT
{
	return (void *)(o + 1);
}

IOURINGINLINE struct cmsghdr *
io_uring_recvmsg_cmsg_firsthdr(struct io_uring_recvmsg_out *o,
			       struct msghdr *msgh) LIBURING_NOEXCEPT
{
	if (o->controllen < sizeof(struct cmsghdr))
		return NULL;
	return (struct cmsghdr *)((unsigned char *)io_uring_recvmsg_name(o) +
				  msgh->msg_namelen);
}

IOURINGINLINE struct cmsghdr *
io_uring_recvmsg_cmsg_nexthdr(struct io_uring_recvmsg_out *o, struct msghdr *msgh,
			      struct cmsghdr *cmsg) LIBURING_NOEXCEPT
{
	if (cmsg->cmsg_len < sizeof(struct cmsghdr))
		return NULL;
	unsigned char *end = (unsigned char *)io_uring_recvmsg_cmsg_firsthdr(o, msgh) +
			     o->controllen;
	struct cmsghdr *next =
		(struct cmsghdr *)((unsigned char *)cmsg + CMSG_ALIGN(cmsg->cmsg_len));

	if ((unsigned char *)(next + 1) > end)
		return NULL;
	if ((unsigned char *)next + CMSG_ALIGN(next->cmsg_len) > end)
		return NULL;
	return next;
}

IOURINGINLINE void *io_uring_recvmsg_payload(struct io_uring_recvmsg_out *o,
					     struct msghdr *msgh) LIBURING_NOEXCEPT
{
	return (void *)((unsigned char *)io_uring_recvmsg_name(o) +
			msgh->msg_namelen + msgh->msg_controllen);
}

IOURINGINLINE unsigned int io_uring_recvmsg_payload_length(struct io_uring_recvmsg_out *o,
							  int buf_len,
							  struct msghdr *msgh) LIBURING_NOEXCEPT
{
	if (buf_len < 0)
		return 0;
	uintptr_t start = (uintptr_t)io_uring_recvmsg_payload(o, msgh);
	uintptr_t end = (uintptr_t)o + (unsigned)buf_len;

	return start >= end ? 0 : (unsigned int)(end - start);
}

/* ---- provided buffer rings ----------------------------------------------------- */

/*
 * liburing's buffer ring is the shared struct io_uring_buf_ring itself:
 * its tail word is the one cursor (rawring's struct rr_buf_ring keeps a
 * copy of it, which a program of liburing's does not have).
 */
IOURINGINLINE int io_uring_buf_ring_mask(__u32 ring_entries) LIBURING_NOEXCEPT
{
	return (int)(ring_entries - 1);
}

IOURINGINLINE void io_uring_buf_ring_init(struct io_uring_buf_ring *br) LIBURING_NOEXCEPT
{
	br->tail = 0;
}

IOURINGINLINE void io_uring_buf_ring_add(struct io_uring_buf_ring *br,
					 void *addr, unsigned int len,
					 unsigned short bid, int mask,
					 int buf_offset) LIBURING_NOEXCEPT
{
	struct io_uring_buf *buf = &br->bufs[(br->tail + buf_offset) & mask];

	buf->addr = (__u64)(uintptr_t)addr;
	buf->len = len;
	buf->bid = bid;
}

IOURINGINLINE void io_uring_buf_ring_advance(struct io_uring_buf_ring *br,
					     int count) LIBURING_NOEXCEPT
{
	/* Release orders the entries added before the tail the kernel
	 * acquires. */
	rr_store_release_u16(&br->tail, (unsigned short)(br->tail + count));
}

IOURINGINLINE void __io_uring_buf_ring_cq_advance(struct io_uring *ring,
						  struct io_uring_buf_ring *br,
						  int cq_count, int buf_count) LIBURING_NOEXCEPT
{
	io_uring_buf_ring_advance(br, buf_count);
	io_uring_cq_advance(ring, (unsigned)cq_count);
}

IOURINGINLINE void io_uring_buf_ring_cq_advance(struct io_uring *ring,
						struct io_uring_buf_ring *br,
						int count) LIBURING_NOEXCEPT
{
	__io_uring_buf_ring_cq_advance(ring, br, count, count);
}

IOURINGINLINE int io_uring_buf_ring_available(struct io_uring *ring,
					      struct io_uring_buf_ring *br,
					      unsigned short bgid) LIBURING_NOEXCEPT
{
	uint16_t head;
	int ret = io_uring_buf_ring_head(ring, bgid, &head);

	if (ret)
		return ret;
	return (uint16_t)(br->tail - head);
}

#ifdef __cplusplus
}
#endif

/*
 * The SQE members of the newest ABI that the host's 6.1 struct
 * io_uring_sqe lacks, as its union siblings (see the top of this file).
 */
#if defined(RR__LU_SQE_ALIASES) && !defined(RAWRING_LIBURING_NO_SQE_ALIASES)
#define nop_flags rw_flags
#define waitid_flags rw_flags
#define futex_flags rw_flags
#define install_fd_flags rw_flags
#define pipe_flags rw_flags
#define zcrx_ifq_idx file_index
#define attr_ptr addr3
#define attr_type_mask __pad2[0]
#endif

#undef IOURINGINLINE
#undef _LOCAL_INLINE

#endif /* RAWRING_LIBURING_H */
