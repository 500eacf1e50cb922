/*
 * rawring/abi_register.h - the io_uring_register(2) opcodes, flags and
 * argument structures newer than the build host's <linux/io_uring.h>
 * (included by abi.h, after RR_STATIC_ASSERT is defined).
 *
 * Upstream, the register opcodes and several flag sets are enum members,
 * which #ifndef cannot test, so they are named RR_IORING_* here with the
 * ABI's numbers; true macros keep their upstream names behind #ifndef.
 * Argument structures newer than 6.1, or whose 6.1 form lacks fields that
 * later kernels read, are rawring's own struct rr_* with the ABI's exact
 * layout (a size assertion follows each).  The kernel release that added
 * each is noted; whether the running kernel has it is a run-time question.
 */
#ifndef RAWRING_ABI_REGISTER_H
#define RAWRING_ABI_REGISTER_H

#include <stddef.h>

/* ---- register opcodes after 6.1 (enum io_uring_register_op) ----------- */

#define RR_IORING_REGISTER_PBUF_STATUS    26u /* 6.8: a buffer ring's head */
#define RR_IORING_REGISTER_NAPI           27u /* 6.9: busy-poll settings */
#define RR_IORING_UNREGISTER_NAPI         28u /* 6.9 */
#define RR_IORING_REGISTER_CLOCK          29u /* 6.10: the clock of wait timeouts */
#define RR_IORING_REGISTER_CLONE_BUFFERS  30u /* 6.12: copy another ring's buffers */
#define RR_IORING_REGISTER_SEND_MSG_RING  31u /* 6.13: MSG_RING without a ring */
#define RR_IORING_REGISTER_ZCRX_IFQ       32u /* 6.15: zero-copy receive queue */
#define RR_IORING_REGISTER_RESIZE_RINGS   33u /* 6.13: new SQ/CQ sizes */
#define RR_IORING_REGISTER_MEM_REGION     34u /* 6.13: parameter memory region */
#define RR_IORING_REGISTER_QUERY          35u /* 6.18: what the kernel supports */
#define RR_IORING_REGISTER_ZCRX_CTRL      36u /* after 6.18: zero-copy receive control */
#define RR_IORING_REGISTER_BPF_FILTER     37u /* after 6.18: BPF filters on requests */

/* Or'ed into the opcode: the fd argument is a registered ring index
 * (IORING_REGISTER_RING_FDS), not an fd.  6.3, IORING_FEAT_REG_REG_RING. */
#define RR_IORING_REGISTER_USE_REGISTERED_RING (1u << 31)

/* ---- io_uring_enter(2) flags that go with registrations --------------- */

#ifndef IORING_ENTER_EXT_ARG_REG
/* 6.13: the extended argument is an offset into the registered wait
 * region (RR_IORING_MEM_REGION_REG_WAIT_ARG), not a pointer. */
#define IORING_ENTER_EXT_ARG_REG        (1U << 6)
#endif

/* ---- provided buffer rings -------------------------------------------- */

/* mmap offset of a kernel-allocated buffer ring: IORING_OFF_PBUF_RING |
 * (bgid << IORING_OFF_PBUF_SHIFT).  6.4. */
#ifndef IORING_OFF_PBUF_RING
#define IORING_OFF_PBUF_RING            0x80000000ULL
#endif
#ifndef IORING_OFF_PBUF_SHIFT
#define IORING_OFF_PBUF_SHIFT           16
#endif

/* struct rr_buf_reg.flags (enum io_uring_register_pbuf_ring_flags). */
#define RR_IOU_PBUF_RING_MMAP 1u /* 6.4: the kernel allocates the ring */
#define RR_IOU_PBUF_RING_INC  2u /* 6.12: buffers consumed incrementally */

/*
 * The argument of IORING_(UN)REGISTER_PBUF_RING as the current ABI lays it
 * out: the 6.1 header's `pad` is `flags` since 6.4, and the newest ABI
 * names the first reserved word `min_left` (kernels that do not know it
 * refuse a non-zero value with -EINVAL).
 */
struct rr_buf_reg {
	__u64 ring_addr;
	__u32 ring_entries;
	__u16 bgid;
	__u16 flags;
	__u32 min_left;
	__u32 resv[5];
};
RR_STATIC_ASSERT(sizeof(struct rr_buf_reg) == 40, "rr_buf_reg is 40 bytes");
RR_STATIC_ASSERT(sizeof(struct rr_buf_reg) == sizeof(struct io_uring_buf_reg),
		 "rr_buf_reg has io_uring_buf_reg's size");
RR_STATIC_ASSERT(offsetof(struct rr_buf_reg, flags) == 14 &&
			 offsetof(struct rr_buf_reg, min_left) == 16,
		 "rr_buf_reg lays out as the ABI");

/* IORING_REGISTER_PBUF_STATUS (6.8): buf_group in, head out. */
struct rr_buf_status {
	__u32 buf_group;
	__u32 head;
	__u32 resv[8];
};
RR_STATIC_ASSERT(sizeof(struct rr_buf_status) == 40, "rr_buf_status is 40 bytes");

/* ---- NAPI busy polling (6.9) ------------------------------------------ */

struct rr_napi {
	__u32 busy_poll_to;     /* microseconds of busy polling, 0: none */
	__u8 prefer_busy_poll;
	__u8 pad[3];
	__u64 resv;
};
RR_STATIC_ASSERT(sizeof(struct rr_napi) == 16, "rr_napi is 16 bytes");

/* ---- the wait clock (6.10) -------------------------------------------- */

struct rr_clock_register {
	__u32 clockid;          /* CLOCK_MONOTONIC or CLOCK_BOOTTIME */
	__u32 resv[3];
};
RR_STATIC_ASSERT(sizeof(struct rr_clock_register) == 16,
		 "rr_clock_register is 16 bytes");

/* ---- cloning registered buffers (6.12) -------------------------------- */

/* struct rr_clone_buffers.flags. */
#define RR_IORING_REGISTER_SRC_REGISTERED (1u << 0) /* src_fd is a registered ring index */
#define RR_IORING_REGISTER_DST_REPLACE    (1u << 1) /* 6.13: replace the destination's buffers */

struct rr_clone_buffers {
	__u32 src_fd;
	__u32 flags;
	__u32 src_off;          /* 6.13: the first source buffer */
	__u32 dst_off;          /* 6.13: the first destination slot */
	__u32 nr;               /* 6.13: how many (0: all) */
	__u32 pad[3];
};
RR_STATIC_ASSERT(sizeof(struct rr_clone_buffers) == 32,
		 "rr_clone_buffers is 32 bytes");

/* ---- synchronous cancellation ----------------------------------------- */

/*
 * IORING_REGISTER_SYNC_CANCEL (6.0).  The build host's header has no
 * `opcode`: later kernels read it from the padding, with
 * IORING_ASYNC_CANCEL_OP.
 */
struct rr_sync_cancel_reg {
	__u64 addr;             /* user_data to match */
	__s32 fd;
	__u32 flags;            /* IORING_ASYNC_CANCEL_* */
	struct __kernel_timespec timeout; /* relative; {-1, -1}: no limit */
	__u8 opcode;            /* with IORING_ASYNC_CANCEL_OP */
	__u8 pad[7];
	__u64 pad2[3];
};
RR_STATIC_ASSERT(sizeof(struct rr_sync_cancel_reg) == 64,
		 "rr_sync_cancel_reg is 64 bytes");
RR_STATIC_ASSERT(sizeof(struct rr_sync_cancel_reg) ==
			 sizeof(struct io_uring_sync_cancel_reg),
		 "rr_sync_cancel_reg has io_uring_sync_cancel_reg's size");
RR_STATIC_ASSERT(offsetof(struct rr_sync_cancel_reg, timeout) == 16 &&
			 offsetof(struct rr_sync_cancel_reg, opcode) == 32,
		 "rr_sync_cancel_reg lays out as the ABI");

/* ---- memory regions and registered wait arguments (6.13) -------------- */

/* struct rr_region_desc.flags. */
#define RR_IORING_MEM_REGION_TYPE_USER    1u /* the memory is user_addr's */
/* struct rr_mem_region_reg.flags. */
#define RR_IORING_MEM_REGION_REG_WAIT_ARG 1u /* the region holds wait arguments */

struct rr_region_desc {
	__u64 user_addr;        /* page-aligned, with TYPE_USER */
	__u64 size;             /* a multiple of the page size */
	__u32 flags;
	__u32 id;
	__u64 mmap_offset;      /* out: where to mmap a kernel-allocated region */
	__u64 resv[4];
};
RR_STATIC_ASSERT(sizeof(struct rr_region_desc) == 64, "rr_region_desc is 64 bytes");
RR_STATIC_ASSERT(offsetof(struct rr_region_desc, mmap_offset) == 24,
		 "rr_region_desc lays out as the ABI");

struct rr_mem_region_reg {
	__u64 region_uptr;      /* struct rr_region_desc * */
	__u64 flags;
	__u64 resv[2];
};
RR_STATIC_ASSERT(sizeof(struct rr_mem_region_reg) == 32,
		 "rr_mem_region_reg is 32 bytes");

/* struct rr_reg_wait.flags. */
#define RR_IORING_REG_WAIT_TS (1u << 0) /* ts is set */

/* One registered wait argument, as the kernel reads it from the region. */
struct rr_reg_wait {
	struct __kernel_timespec ts;
	__u32 min_wait_usec;
	__u32 flags;
	__u64 sigmask;          /* const sigset_t *, or 0 */
	__u32 sigmask_sz;
	__u32 pad[3];
	__u64 pad2[2];
};
RR_STATIC_ASSERT(sizeof(struct rr_reg_wait) == 64, "rr_reg_wait is 64 bytes");
RR_STATIC_ASSERT(offsetof(struct rr_reg_wait, min_wait_usec) == 16 &&
			 offsetof(struct rr_reg_wait, sigmask) == 24 &&
			 offsetof(struct rr_reg_wait, sigmask_sz) == 32,
		 "rr_reg_wait lays out as the ABI");

/* ---- zero-copy receive (6.15) ------------------------------------------ */

/* struct rr_zcrx_ifq_reg.flags. */
#define RR_ZCRX_REG_IMPORT        1u /* share an exported queue (later kernels) */
#define RR_ZCRX_REG_NODEV         2u /* no device, data copied (later kernels) */
/* struct rr_zcrx_area_reg.flags. */
#define RR_IORING_ZCRX_AREA_DMABUF 1u /* the area is dmabuf_fd's */
/* The area's id sits in the top bits of the offsets in CQEs and RQEs. */
#define RR_IORING_ZCRX_AREA_SHIFT  48
#define RR_IORING_ZCRX_AREA_MASK   (~(((__u64)1 << RR_IORING_ZCRX_AREA_SHIFT) - 1))
/* struct rr_zcrx_ctrl.op (IORING_REGISTER_ZCRX_CTRL, after 6.18). */
#define RR_ZCRX_CTRL_FLUSH_RQ     0u
#define RR_ZCRX_CTRL_EXPORT       1u

/* A refill queue entry: a buffer given back to the kernel. */
struct rr_zcrx_rqe {
	__u64 off;              /* area offset | area token */
	__u32 len;
	__u32 pad;
};
RR_STATIC_ASSERT(sizeof(struct rr_zcrx_rqe) == 16, "rr_zcrx_rqe is 16 bytes");

/* The second half of a zero-copy receive's 32-byte CQE. */
struct rr_zcrx_cqe {
	__u64 off;              /* area id << 48 | offset of the data */
	__u64 pad;
};
RR_STATIC_ASSERT(sizeof(struct rr_zcrx_cqe) == 16, "rr_zcrx_cqe is 16 bytes");

/* Where the refill queue's words are in its region (written by the kernel). */
struct rr_zcrx_offsets {
	__u32 head;
	__u32 tail;
	__u32 rqes;
	__u32 resv2;
	__u64 resv[2];
};
RR_STATIC_ASSERT(sizeof(struct rr_zcrx_offsets) == 32,
		 "rr_zcrx_offsets is 32 bytes");

struct rr_zcrx_area_reg {
	__u64 addr;             /* page-aligned user memory the data lands in */
	__u64 len;
	__u64 rq_area_token;    /* out: OR'ed into every RQE's off */
	__u32 flags;
	__u32 dmabuf_fd;
	__u64 resv2[2];
};
RR_STATIC_ASSERT(sizeof(struct rr_zcrx_area_reg) == 48,
		 "rr_zcrx_area_reg is 48 bytes");

struct rr_zcrx_ifq_reg {
	__u32 if_idx;           /* the interface (if_nametoindex) */
	__u32 if_rxq;           /* its receive queue */
	__u32 rq_entries;       /* refill queue entries, a power of two */
	__u32 flags;
	__u64 area_ptr;         /* struct rr_zcrx_area_reg * */
	__u64 region_ptr;       /* struct rr_region_desc *: the refill queue */
	struct rr_zcrx_offsets offsets; /* out */
	__u32 zcrx_id;          /* out: the sqe->zcrx_ifq_idx of its receives */
	__u32 rx_buf_len;       /* 0: the default (a size: later kernels) */
	__u64 resv[3];
};
RR_STATIC_ASSERT(sizeof(struct rr_zcrx_ifq_reg) == 96,
		 "rr_zcrx_ifq_reg is 96 bytes");
RR_STATIC_ASSERT(offsetof(struct rr_zcrx_ifq_reg, offsets) == 32 &&
			 offsetof(struct rr_zcrx_ifq_reg, zcrx_id) == 64,
		 "rr_zcrx_ifq_reg lays out as the ABI");

struct rr_zcrx_ctrl_export {
	__u32 zcrx_fd;          /* out: an fd another ring imports */
	__u32 resv1[11];
};

struct rr_zcrx_ctrl_flush_rq {
	__u64 resv[6];
};

struct rr_zcrx_ctrl {
	__u32 zcrx_id;
	__u32 op;               /* RR_ZCRX_CTRL_* */
	__u64 resv[2];
	union {
		struct rr_zcrx_ctrl_export zc_export;
		struct rr_zcrx_ctrl_flush_rq zc_flush;
	};
};
RR_STATIC_ASSERT(sizeof(struct rr_zcrx_ctrl) == 72, "rr_zcrx_ctrl is 72 bytes");

/* ---- the query interface (6.18) --------------------------------------- */

/* struct rr_query_hdr.query_op. */
#define RR_IO_URING_QUERY_OPCODES 0u /* struct rr_query_opcode */
#define RR_IO_URING_QUERY_ZCRX    1u /* struct rr_query_zcrx */
#define RR_IO_URING_QUERY_SCQ     2u /* struct rr_query_scq */

/* One query of a chain (next_entry: the next header, or 0). */
struct rr_query_hdr {
	__u64 next_entry;
	__u64 query_data;       /* the query's structure */
	__u32 query_op;
	__u32 size;             /* in: its size; out: the bytes the kernel wrote */
	__s32 result;           /* out: 0 or -errno for this query */
	__u32 resv[3];
};
RR_STATIC_ASSERT(sizeof(struct rr_query_hdr) == 40, "rr_query_hdr is 40 bytes");
RR_STATIC_ASSERT(offsetof(struct rr_query_hdr, result) == 24,
		 "rr_query_hdr lays out as the ABI");

struct rr_query_opcode {
	__u32 nr_request_opcodes;   /* IORING_OP_* the kernel knows */
	__u32 nr_register_opcodes;  /* IORING_[UN]REGISTER_* it knows */
	__u64 feature_flags;        /* IORING_FEAT_* */
	__u64 ring_setup_flags;     /* IORING_SETUP_* */
	__u64 enter_flags;          /* IORING_ENTER_* */
	__u64 sqe_flags;            /* IOSQE_* */
	__u32 nr_query_opcodes;     /* later kernels */
	__u32 pad;
};
RR_STATIC_ASSERT(sizeof(struct rr_query_opcode) == 48,
		 "rr_query_opcode is 48 bytes");

struct rr_query_zcrx {
	__u64 register_flags;
	__u64 area_flags;
	__u32 nr_ctrl_opcodes;
	__u32 features;
	__u32 rq_hdr_size;
	__u32 rq_hdr_alignment;
	__u64 resv;
};
RR_STATIC_ASSERT(sizeof(struct rr_query_zcrx) == 40, "rr_query_zcrx is 40 bytes");

struct rr_query_scq {
	__u64 hdr_size;
	__u64 hdr_alignment;
};
RR_STATIC_ASSERT(sizeof(struct rr_query_scq) == 16, "rr_query_scq is 16 bytes");

#endif /* RAWRING_ABI_REGISTER_H */
