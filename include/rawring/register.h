/*
 * rawring/register.h - io_uring_register(2): every register opcode of the
 * ABI, as rr_register_* / rr_unregister_* (liburing's io_uring_register_*
 * under the rr_ prefix, taking a struct rr_ring), plus provided buffer
 * rings and the opcode probe.
 *
 * Every function returns 0 (or the count noted) on success and -errno on
 * failure; errno is never read or written.  A kernel that lacks a register
 * opcode answers -EINVAL (the opcode is past its last one).  Registration
 * may block briefly while the kernel quiesces the ring.
 *
 * Registered ring fd: once rr_register_ring_fd has registered the ring's
 * fd and the kernel has IORING_FEAT_REG_REG_RING (6.3), every call here
 * names the ring by its registered index
 * (RR_IORING_REGISTER_USE_REGISTERED_RING), as every enter does.
 *
 * Zero-copy receive's queue (IORING_REGISTER_ZCRX_IFQ, _ZCRX_CTRL) is
 * here as rr_register_ifq; rawring/zcrx.h drives it.  Not wrapped, refused
 * with -EOPNOTSUPP: BPF filters (IORING_REGISTER_BPF_FILTER).
 */
#ifndef RAWRING_REGISTER_H
#define RAWRING_REGISTER_H

#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "ring.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- fixed buffers (for rr_prep_read_fixed / rr_prep_write_fixed) ----- */

/* Pin `nr` buffers; SQEs then name them by index.  -EBUSY if already set.
 * IORING_REGISTER_BUFFERS, 5.1. */
int rr_register_buffers(struct rr_ring *ring, const struct iovec *iovecs,
			unsigned nr);

/*
 * As rr_register_buffers, with a tag per buffer (0: none): when a tagged
 * buffer leaves the table (replaced, or the table unregistered) and no
 * request uses it any more, the kernel posts a CQE with user_data = the tag
 * and res 0.  IORING_REGISTER_BUFFERS2, 5.13 (IORING_FEAT_RSRC_TAGS).
 * -EBUSY if a table is set, -EINVAL (0 or too many buffers), -ENOMEM,
 * -EFAULT.
 */
int rr_register_buffers_tags(struct rr_ring *ring, const struct iovec *iovecs,
			     const __u64 *tags, unsigned nr);

/* A table of `nr` empty buffer slots, to fill with
 * rr_register_buffers_update_tag.  IORING_REGISTER_BUFFERS2 with
 * IORING_RSRC_REGISTER_SPARSE, 5.19.  -EBUSY, -EINVAL, -ENOMEM. */
int rr_register_buffers_sparse(struct rr_ring *ring, unsigned nr);

/*
 * Replace buffer slots [offset, offset + nr) with `iovecs` (an iovec of
 * {NULL, 0} empties a slot) and their `tags` (NULL: untagged).  The tag of
 * a replaced buffer is posted as described at rr_register_buffers_tags.
 * Returns the number of slots updated or -errno (-ENXIO: no table,
 * -EINVAL: out of range).  IORING_REGISTER_BUFFERS_UPDATE, 5.13.
 */
int rr_register_buffers_update_tag(struct rr_ring *ring, unsigned offset,
				   const struct iovec *iovecs,
				   const __u64 *tags, unsigned nr);

/* Drop the buffer table (tags are posted).  -ENXIO if none.  5.1. */
int rr_unregister_buffers(struct rr_ring *ring);

/*
 * Give `dst` the registered buffers of `src` (another ring of this
 * process): both rings then share the same pinned pages.  -EBUSY if `dst`
 * already has buffers, -ENXIO if `src` has none.
 * IORING_REGISTER_CLONE_BUFFERS, 6.12.
 */
int rr_clone_buffers(struct rr_ring *dst, struct rr_ring *src);

/*
 * The same for `nr` buffers (0: all) of `src` from `src_off`, into `dst`
 * from `dst_off` (6.13).  `flags`: 0 or RR_IORING_REGISTER_DST_REPLACE
 * (replace what `dst` has in that range); -EINVAL for any other flag
 * (rawring names the source ring by its fd itself, so
 * RR_IORING_REGISTER_SRC_REGISTERED is not the caller's to set), -EINVAL
 * for a range past either table, -EOVERFLOW.
 */
int rr_clone_buffers_offset(struct rr_ring *dst, struct rr_ring *src,
			    unsigned dst_off, unsigned src_off, unsigned nr,
			    unsigned flags);

/* ---- fixed files (SQEs with IOSQE_FIXED_FILE name them by index) ------- */

/* Register `nr` fds (-1 leaves a slot empty).  -EBUSY if already set.
 * IORING_REGISTER_FILES, 5.1. */
int rr_register_files(struct rr_ring *ring, const int *fds, unsigned nr);

/*
 * As rr_register_files, with a tag per file (0: none): when a tagged file
 * leaves the table and no request uses it any more, the kernel posts a CQE
 * with user_data = the tag and res 0.  IORING_REGISTER_FILES2, 5.13.
 * -EBUSY, -EINVAL, -EBADF (an fd that is not open), -EMFILE, -ENOMEM.
 */
int rr_register_files_tags(struct rr_ring *ring, const int *fds,
			   const __u64 *tags, unsigned nr);

/* Register a table of `nr` empty slots, to fill by update or by
 * IORING_FILE_INDEX_ALLOC.  IORING_REGISTER_FILES2 with
 * IORING_RSRC_REGISTER_SPARSE, 5.19. */
int rr_register_files_sparse(struct rr_ring *ring, unsigned nr);

/* Replace slots [offset, offset + nr) with `fds` (-1 empties a slot,
 * IORING_REGISTER_FILES_SKIP leaves it).  Returns the number of slots
 * updated or -errno.  IORING_REGISTER_FILES_UPDATE, 5.5. */
int rr_register_files_update(struct rr_ring *ring, unsigned offset,
			     const int *fds, unsigned nr);

/*
 * As rr_register_files_update, with `tags` for the new files (NULL:
 * untagged); a replaced tagged file posts its tag.  Returns the number of
 * slots updated or -errno (-ENXIO: no table, -EINVAL: out of range,
 * -EBADF).  IORING_REGISTER_FILES_UPDATE2, 5.13.
 */
int rr_register_files_update_tag(struct rr_ring *ring, unsigned offset,
				 const int *fds, const __u64 *tags,
				 unsigned nr);

/*
 * Make IORING_FILE_INDEX_ALLOC (direct open, accept, socket) pick its slot
 * from [offset, offset + len) of the file table.  -EINVAL for a range past
 * the table (without a table, any range), -EOVERFLOW.
 * IORING_REGISTER_FILE_ALLOC_RANGE, 6.0.
 */
int rr_register_file_alloc_range(struct rr_ring *ring, unsigned offset,
				 unsigned len);

/* Drop the file table (tags are posted).  -ENXIO if none.  5.1. */
int rr_unregister_files(struct rr_ring *ring);

/* ---- eventfd notification --------------------------------------------- */

/* Signal `eventfd` on every posted CQE (_async: only for CQEs completed
 * out of line, not inline at submission).  -EBUSY if one is registered.
 * IORING_REGISTER_EVENTFD 5.2, _EVENTFD_ASYNC 5.6. */
int rr_register_eventfd(struct rr_ring *ring, int eventfd);
int rr_register_eventfd_async(struct rr_ring *ring, int eventfd);
/* -ENXIO if none is registered. */
int rr_unregister_eventfd(struct rr_ring *ring);

/* ---- the ring fd itself ----------------------------------------------- */

/*
 * Register the ring's own fd with the kernel (5.18) so io_uring_enter skips
 * the fd lookup: afterwards every enter of this ring passes the registered
 * index with IORING_ENTER_REGISTERED_RING, and (with
 * IORING_FEAT_REG_REG_RING, 6.3) every register call here the index with
 * RR_IORING_REGISTER_USE_REGISTERED_RING.  rr_ring_exit unregisters it.
 * The kernel keeps registered rings per thread: only the registering thread
 * enters by the index; a ring used from another thread afterwards enters by
 * its fd (the same index there names that thread's own ring, if any).
 * -EEXIST if already registered, -EBUSY when the task's 16 slots are full.
 */
int rr_register_ring_fd(struct rr_ring *ring);
/* Drop the registration: enters and register calls use the fd again.
 * -EINVAL if the fd is not registered.  IORING_UNREGISTER_RING_FDS, 5.18. */
int rr_unregister_ring_fd(struct rr_ring *ring);

/* ---- credentials, restrictions, enabling ------------------------------ */

/*
 * Record the calling task's credentials in the ring.  Returns the
 * personality id (1..65535) to put in sqe->personality: that SQE then runs
 * with these credentials, whatever the submitter's are later.  -ENOMEM,
 * -EBUSY when ids run out.  IORING_REGISTER_PERSONALITY, 5.6.
 */
int rr_register_personality(struct rr_ring *ring);

/* Forget personality `id`.  -EINVAL for an unknown id.  5.6. */
int rr_unregister_personality(struct rr_ring *ring, int id);

/*
 * Allow only what `res` lists: register opcodes
 * (IORING_RESTRICTION_REGISTER_OP), SQE opcodes (_SQE_OP) and SQE flags
 * (_SQE_FLAGS_ALLOWED, _SQE_FLAGS_REQUIRED).  Only on a ring created with
 * IORING_SETUP_R_DISABLED (else -EBADFD), once (-EBUSY); they take effect
 * at rr_register_enable_rings.  From then on a disallowed register call
 * returns -EACCES and a disallowed SQE completes with -EACCES.
 * IORING_REGISTER_RESTRICTIONS, 5.10.  -EINVAL for an unknown entry.
 */
int rr_register_restrictions(struct rr_ring *ring,
			     const struct io_uring_restriction *res,
			     unsigned nr);

/* rr_register_enable_rings is declared in rawring/ring.h
 * (IORING_REGISTER_ENABLE_RINGS, 5.10). */

/* ---- io-wq, the kernel's worker threads -------------------------------- */

#ifdef CPU_SETSIZE /* cpu_set_t is visible (_GNU_SOURCE) */
/*
 * Run this task's io-wq workers for the ring (the SQPOLL thread's, on an
 * SQPOLL ring) on the CPUs in `mask`, `cpusz` bytes of it (as
 * sched_setaffinity).  Workers created afterwards get the mask.
 * -EINVAL for a NULL mask, 0 or more than UINT_MAX bytes; -EFAULT.
 * IORING_REGISTER_IOWQ_AFF, 5.14.
 */
int rr_register_iowq_aff(struct rr_ring *ring, size_t cpusz,
			 const cpu_set_t *mask);
#endif

/* Back to the default affinity.  IORING_UNREGISTER_IOWQ_AFF, 5.14. */
int rr_unregister_iowq_aff(struct rr_ring *ring);

/*
 * Limit io-wq workers: values[IO_WQ_BOUND] (regular files, block devices)
 * and values[IO_WQ_UNBOUND] (everything else); 0 leaves a limit as it is.
 * On return `values` holds the previous limits (so {0, 0} only reads
 * them).  -EINVAL for a value above INT_MAX, -EFAULT.
 * IORING_REGISTER_IOWQ_MAX_WORKERS, 5.15.
 */
int rr_register_iowq_max_workers(struct rr_ring *ring, unsigned values[2]);

/* ---- cancellation ------------------------------------------------------- */

/*
 * Cancel the requests `reg` matches (reg->addr the user_data, or flags
 * IORING_ASYNC_CANCEL_FD / _FD_FIXED / _OP / _ANY / _ALL) and wait until
 * they are gone, at most reg->timeout ({-1, -1}: no limit).  Their CQEs
 * (-ECANCELED, or their result if they finished first) are posted as
 * usual.  Returns 0 (with _ALL/_ANY: the count cancelled), -ENOENT when
 * nothing matched, -ETIME when the timeout passed, -EINVAL, -EBADF.
 * Blocks.  IORING_REGISTER_SYNC_CANCEL, 6.0 (IORING_ASYNC_CANCEL_OP: 6.6).
 */
int rr_register_sync_cancel(struct rr_ring *ring,
			    struct rr_sync_cancel_reg *reg);

/* ---- NAPI busy polling and the wait clock ------------------------------ */

/*
 * Busy-poll the NAPI contexts of the ring's sockets for
 * napi->busy_poll_to microseconds before sleeping in a wait (capped by the
 * kernel at 10 ms), preferring busy polling if napi->prefer_busy_poll.
 * On return *napi holds the previous settings.  -EOPNOTSUPP on a kernel
 * built without CONFIG_NET_RX_BUSY_POLL, -EINVAL for non-zero padding.
 * Keep pad[] and resv 0: since 6.13 the kernel reads pad[0] as an
 * operation and the low half of resv as its parameter (0, 0: register
 * with dynamic tracking, the 6.9 behaviour).  IORING_REGISTER_NAPI, 6.9.
 */
int rr_register_napi(struct rr_ring *ring, struct rr_napi *napi);

/* Stop busy polling; *napi (when not NULL) gets the settings that were in
 * force.  IORING_UNREGISTER_NAPI, 6.9. */
int rr_unregister_napi(struct rr_ring *ring, struct rr_napi *napi);

/*
 * The clock of the ring's wait timeouts (the extended argument's, and
 * absolute ones with IORING_ENTER_ABS_TIMER): CLOCK_MONOTONIC (the
 * default) or CLOCK_BOOTTIME, which also counts time suspended.  -EINVAL
 * for any other clock.  IORING_REGISTER_CLOCK, 6.10.
 */
int rr_register_clock(struct rr_ring *ring, struct rr_clock_register *arg);

/* ---- messages without a ring, and queries ------------------------------ */

/*
 * Perform an IORING_OP_MSG_RING SQE (rr_prep_msg_ring) at once, without a
 * ring of the caller's: the target ring (sqe->fd, a real fd) gets the CQE.
 * sqe->flags must be 0.  Returns 0 or -errno (-EINVAL, -EBADFD,
 * -EOVERFLOW when the target's CQ is full).
 * IORING_REGISTER_SEND_MSG_RING, 6.13.
 */
int rr_register_sync_msg(const struct io_uring_sqe *sqe);

/*
 * Ask the kernel what it supports, without a ring: a chain of queries
 * (hdr->next_entry), each with query_op, query_data (e.g. a struct
 * rr_query_opcode) and size set, result 0.  Each header gets its own
 * result (-EOPNOTSUPP for a query the kernel lacks) and the bytes it wrote.
 * Returns 0 or -errno for the chain (-EINVAL before 6.18, -EFAULT,
 * -ERANGE for a chain of 1000 or more).  IORING_REGISTER_QUERY, 6.18.
 */
int rr_register_query(struct rr_query_hdr *query);

/* ---- resizing the rings ------------------------------------------------- */

/*
 * Give the ring new SQ and CQ sizes: p->sq_entries, and p->cq_entries
 * with p->flags IORING_SETUP_CQSIZE (IORING_SETUP_CLAMP clamps); the
 * other fields of *p are not read (only written).  The kernel copies the SQEs and CQEs in flight
 * into the new rings; rawring then maps the new rings and points every
 * field of the ring at them (sq, cq, params), so the ring works on as
 * before.  A struct io_uring_cqe pointer obtained before the call is
 * invalid after it.  *p is written as io_uring_setup writes it.
 *
 * Refused: -EINVAL unless the ring was created with
 * IORING_SETUP_DEFER_TASKRUN (the kernel's rule) or for flags in *p other
 * than CQSIZE, CLAMP and the ring's own layout flags (NO_SQARRAY, SQE128,
 * CQE32, CQE_MIXED: the kernel writes them into *p, so a *p one resize
 * wrote can be passed to the next);
 * -EOPNOTSUPP on a ring in the caller's memory (IORING_SETUP_NO_MMAP: new
 * memory would be needed).  -EOVERFLOW when the CQEs waiting do not fit
 * the new CQ, or the SQEs waiting the new SQ (nothing changed).
 *
 * SQEs got from rr_get_sqe and not yet submitted cross too: rawring
 * publishes them to the kernel's tail first (which submits nothing), the
 * kernel copies them, and the next rr_submit submits them once.  Fill
 * every SQE before the call: the pointers rr_get_sqe gave are into the
 * old SQE array and invalid after it.  To learn where the kernel puts the SQ index array (the reply of
 * 6.13..6.18 does not say), rawring first sets up and closes a throwaway
 * ring of the new sizes; its errors (-ENOMEM, -EMFILE) change nothing
 * either.  If the kernel resized but the new rings cannot be mapped
 * (-ENOMEM), the ring cannot go on: it is closed, as after rr_ring_exit.
 * IORING_REGISTER_RESIZE_RINGS, 6.13.
 */
int rr_resize_rings(struct rr_ring *ring, struct io_uring_params *p);

/* ---- memory regions and registered wait arguments ----------------------- */

/*
 * Register the ring's parameter region: reg->region_uptr points at a
 * struct rr_region_desc, either the caller's page-aligned memory
 * (RR_IORING_MEM_REGION_TYPE_USER, user_addr, size) or memory the kernel
 * allocates (mmap it at the desc's mmap_offset, written back).  With
 * reg->flags RR_IORING_MEM_REGION_REG_WAIT_ARG the region holds struct
 * rr_reg_wait entries for rr_submit_and_wait_reg; that needs a ring
 * created with IORING_SETUP_R_DISABLED and not yet enabled (else -EINVAL).
 * -EBUSY if a region is registered, -EINVAL, -EFAULT, -ENOMEM.
 * IORING_REGISTER_MEM_REGION, 6.13.
 */
int rr_register_region(struct rr_ring *ring, struct rr_mem_region_reg *reg);

/*
 * rr_submit, then wait for `wait_nr` CQEs with the wait argument at
 * `reg_index` of the registered wait region (its timeout, minimum wait and
 * signal mask; IORING_ENTER_EXT_ARG_REG), in one io_uring_enter.  Returns 0
 * with *cqe_ptr at the first CQE, -ETIME when its timeout passed first
 * (*cqe_ptr: the first ready CQE or NULL), -EFAULT for an index outside the
 * region, -EINVAL (no region, an IOPOLL ring, kernels before 6.13),
 * -EINTR, -EBADF on an exited ring.  Blocks.
 */
int rr_submit_and_wait_reg(struct rr_ring *ring, struct io_uring_cqe **cqe_ptr,
			   unsigned wait_nr, unsigned reg_index);

/* ---- zero-copy receive (6.15; rawring/zcrx.h) --------------------------- */

/*
 * Register a zero-copy receive interface queue as the kernel takes it
 * (IORING_REGISTER_ZCRX_IFQ); the kernel writes reg->offsets, zcrx_id and
 * the area's rq_area_token back.  rr_zcrx_register (rawring/zcrx.h) does
 * this and the refill queue's mapping in one call.  -EINVAL, before any
 * system call, for a ring without DEFER_TASKRUN or 32-byte CQEs (CQE32,
 * CQE_MIXED), a missing area or region, memory not page-aligned, a region
 * smaller than rr_zcrx_rq_size, rq_entries not a power of two in
 * 1..32768, nonzero reserved or out fields, or a flag other than
 * RR_ZCRX_REG_NODEV; -EOPNOTSUPP, likewise, for what rawring could not
 * drive: RR_ZCRX_REG_IMPORT, a dmabuf area, a region the kernel would
 * allocate (it must be RR_IORING_MEM_REGION_TYPE_USER).  Then the
 * kernel's errors (see rr_zcrx_register).
 */
int rr_register_ifq(struct rr_ring *ring, struct rr_zcrx_ifq_reg *reg);

/*
 * A control operation on a registered queue (IORING_REGISTER_ZCRX_CTRL,
 * after 6.18): RR_ZCRX_CTRL_FLUSH_RQ, or RR_ZCRX_CTRL_EXPORT (the kernel
 * writes an fd into ctrl->zc_export.zcrx_fd).  -EINVAL for another op or
 * nonzero reserved words, and from kernels without it.
 */
int rr_register_zcrx_ctrl(struct rr_ring *ring, struct rr_zcrx_ctrl *ctrl);

/* ---- refused ------------------------------------------------------------ */

/*
 * BPF request filters (IORING_REGISTER_BPF_FILTER) are not wrapped:
 * rawring has no filter program types, so a registration would install
 * something nothing here could check.  Returns -EOPNOTSUPP and makes no
 * system call.
 */
int rr_register_bpf_filter(struct rr_ring *ring, void *bpf);

/* ---- provided buffer rings (5.19) ------------------------------------- */

/* A ring of buffers the kernel picks from for IOSQE_BUFFER_SELECT ops. */
struct rr_buf_ring {
	struct io_uring_buf_ring *bufs;  /* shared with the kernel */
	size_t size;                     /* bytes mapped */
	unsigned entries;                /* power of two, at most 32768 */
	unsigned short mask;
	unsigned short group_id;         /* the bgid SQEs select with */
	unsigned short tail;             /* rawring's next slot to fill */
	unsigned short flags;            /* RR_IOU_PBUF_RING_* it was set up with */
};

/*
 * Allocate a buffer ring of `entries` slots (a power of two, 1..32768) and
 * register it as buffer group `group_id`.  It starts empty: add buffers with
 * rr_buf_ring_add, then publish them with rr_buf_ring_advance.  -EINVAL for
 * bad entries, -EEXIST for a group id in use, -ENOMEM.
 * IORING_REGISTER_PBUF_RING, 5.19.
 */
int rr_register_buf_ring(struct rr_ring *ring, struct rr_buf_ring *br,
			 unsigned entries, unsigned short group_id);

/*
 * As rr_register_buf_ring, with `flags`:
 *
 * RR_IOU_PBUF_RING_MMAP (6.4): the kernel allocates the ring and rawring
 * maps it (mmap at IORING_OFF_PBUF_RING | group_id <<
 * IORING_OFF_PBUF_SHIFT); br->bufs points at the mapping.
 *
 * RR_IOU_PBUF_RING_INC (6.12): incremental consumption.  A receive takes
 * only the bytes it needs from the head buffer: the kernel advances that
 * entry's addr and shrinks its len in the ring, and the CQE carries
 * IORING_CQE_F_BUF_MORE (rr_cqe_buffer_more) while the buffer stays at the
 * head for the next receive, whose data follows in the same buffer.  The
 * CQE without F_BUF_MORE is the last use of that buffer id: it is the
 * application's again.  The buffer group's head (rr_buf_ring_head) moves
 * only when a buffer is used up.  Give large buffers to such a ring.
 *
 * -EINVAL for another flag or one the kernel lacks, -EBADF for MMAP on a
 * ring without an fd; as rr_register_buf_ring otherwise.
 */
int rr_register_buf_ring_flags(struct rr_ring *ring, struct rr_buf_ring *br,
			       unsigned entries, unsigned short group_id,
			       unsigned flags);

/* Unregister the group and free (or unmap) the ring's memory.  -EINVAL for
 * a ring not set up, -ENOENT from the kernel for an unknown group.  5.19. */
int rr_unregister_buf_ring(struct rr_ring *ring, struct rr_buf_ring *br);

/*
 * The head of buffer group `buf_group`: how many buffers the kernel has
 * consumed (mod 65536).  -ENOENT for an unknown group, -EINVAL for a group
 * that is not a buffer ring.  IORING_REGISTER_PBUF_STATUS, 6.8.
 */
int rr_buf_ring_head(struct rr_ring *ring, unsigned buf_group, uint16_t *head);

/* Buffers published to `br` that the kernel has not consumed yet, or
 * -errno as rr_buf_ring_head.  6.8. */
int rr_buf_ring_available(struct rr_ring *ring, const struct rr_buf_ring *br);

/*
 * Stage buffer `buffer_id` at `offset` slots past the tail; nothing is
 * visible to the kernel until rr_buf_ring_advance.
 */
static inline void rr_buf_ring_add(struct rr_buf_ring *br, void *addr,
				   unsigned len, unsigned short buffer_id,
				   unsigned offset)
{
	struct io_uring_buf *buf =
		&br->bufs->bufs[(unsigned short)(br->tail + offset) & br->mask];

	buf->addr = (__u64)(uintptr_t)addr;
	buf->len = len;
	buf->bid = buffer_id;
}

/* Publish `count` staged buffers to the kernel. */
static inline void rr_buf_ring_advance(struct rr_buf_ring *br, unsigned count)
{
	br->tail = (unsigned short)(br->tail + count);
	/* Release orders the staged entries before the tail the kernel
	 * acquires; see rr_store_release_u16(). */
	rr_store_release_u16(&br->bufs->tail, br->tail);
}

/* The buffer id a CQE consumed, when it has IORING_CQE_F_BUFFER. */
static inline unsigned short rr_cqe_buffer_id(const struct io_uring_cqe *cqe)
{
	return (unsigned short)(cqe->flags >> IORING_CQE_BUFFER_SHIFT);
}

/* On an incremental buffer ring: the CQE's buffer is only partly used and
 * stays the kernel's, for the next receive (IORING_CQE_F_BUF_MORE). */
static inline bool rr_cqe_buffer_more(const struct io_uring_cqe *cqe)
{
	return (cqe->flags & IORING_CQE_F_BUF_MORE) != 0;
}

/* ---- opcode probe ----------------------------------------------------- */

/* The result of IORING_REGISTER_PROBE, with room for every opcode. */
struct rr_probe {
	__u8 last_op;                      /* highest opcode the kernel knows */
	__u8 ops_len;                      /* entries filled in ops[] */
	__u16 resv;
	__u32 resv2[3];
	struct io_uring_probe_op ops[256];
};

/*
 * IORING_REGISTER_PROBE (5.6) with room for `nr_ops` entries after the
 * header (any length up to 256): `probe` is zeroed, then the kernel fills
 * last_op, ops_len (at most nr_ops) and ops[].  -EINVAL for a NULL probe or
 * more than 256 entries.
 */
int rr_register_probe(struct rr_ring *ring, struct io_uring_probe *probe,
		      unsigned nr_ops);

/* Ask the ring's kernel which opcodes it supports: rr_register_probe with
 * all 256 entries.  Needs 5.6. */
int rr_probe_ring(struct rr_ring *ring, struct rr_probe *probe);

/* The same without a ring of the caller's: a small ring is set up and torn
 * down for the question.  0 or -errno (rr_ring_init's, the probe's). */
int rr_probe_kernel(struct rr_probe *probe);

/* Whether `opcode` is supported according to `probe` (false for a NULL
 * probe or an opcode past what it holds).  No system call. */
bool rr_opcode_supported(const struct rr_probe *probe, unsigned opcode);

#ifdef __cplusplus
}
#endif

#endif /* RAWRING_REGISTER_H */
