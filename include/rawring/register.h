/*
 * rawring/register.h - io_uring_register(2): registered files, buffers,
 * eventfds, the ring fd itself, provided buffer rings, and the opcode probe.
 *
 * Every function returns 0 (or the count noted) on success and -errno on
 * failure.  Registration may block briefly while the kernel quiesces the ring.
 */
#ifndef RAWRING_REGISTER_H
#define RAWRING_REGISTER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/uio.h>

#include "ring.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- fixed buffers (for rr_prep_read_fixed / rr_prep_write_fixed) ----- */

/* Pin `nr` buffers; SQEs then name them by index.  -EBUSY if already set. */
int rr_register_buffers(struct rr_ring *ring, const struct iovec *iovecs,
			unsigned nr);
int rr_unregister_buffers(struct rr_ring *ring);

/* ---- fixed files (SQEs with IOSQE_FIXED_FILE name them by index) ------- */

/* Register `nr` fds (-1 leaves a slot empty).  -EBUSY if already set. */
int rr_register_files(struct rr_ring *ring, const int *fds, unsigned nr);

/* Register a table of `nr` empty slots, to fill by update or by
 * IORING_FILE_INDEX_ALLOC (kernel 5.19). */
int rr_register_files_sparse(struct rr_ring *ring, unsigned nr);

/* Replace slots [offset, offset + nr) with `fds` (-1 empties a slot).
 * Returns the number of slots updated or -errno. */
int rr_register_files_update(struct rr_ring *ring, unsigned offset,
			     const int *fds, unsigned nr);
int rr_unregister_files(struct rr_ring *ring);

/* ---- eventfd notification --------------------------------------------- */

/* Signal `eventfd` on every posted CQE (_async: only for CQEs completed
 * out of line, not inline at submission). */
int rr_register_eventfd(struct rr_ring *ring, int eventfd);
int rr_register_eventfd_async(struct rr_ring *ring, int eventfd);
int rr_unregister_eventfd(struct rr_ring *ring);

/* ---- the ring fd itself ----------------------------------------------- */

/*
 * Register the ring's own fd with the kernel (5.18) so io_uring_enter skips
 * the fd lookup: afterwards every enter of this ring passes the registered
 * index with IORING_ENTER_REGISTERED_RING.  rr_ring_exit unregisters it.
 * -EEXIST if already registered.
 */
int rr_register_ring_fd(struct rr_ring *ring);
int rr_unregister_ring_fd(struct rr_ring *ring);

/* ---- provided buffer rings (5.19) ------------------------------------- */

/* A ring of buffers the kernel picks from for IOSQE_BUFFER_SELECT ops. */
struct rr_buf_ring {
	struct io_uring_buf_ring *bufs;  /* shared with the kernel */
	size_t size;                     /* bytes mapped */
	unsigned entries;                /* power of two, at most 32768 */
	unsigned short mask;
	unsigned short group_id;         /* the bgid SQEs select with */
	unsigned short tail;             /* rawring's next slot to fill */
};

/*
 * Allocate a buffer ring of `entries` slots (a power of two, 1..32768) and
 * register it as buffer group `group_id`.  It starts empty: add buffers with
 * rr_buf_ring_add, then publish them with rr_buf_ring_advance.  -EINVAL for
 * bad entries, -EEXIST for a group id in use, -ENOMEM.
 */
int rr_register_buf_ring(struct rr_ring *ring, struct rr_buf_ring *br,
			 unsigned entries, unsigned short group_id);

/* Unregister the group and free the ring's memory. */
int rr_unregister_buf_ring(struct rr_ring *ring, struct rr_buf_ring *br);

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

/* ---- opcode probe ----------------------------------------------------- */

/* The result of IORING_REGISTER_PROBE, with room for every opcode. */
struct rr_probe {
	__u8 last_op;                      /* highest opcode the kernel knows */
	__u8 ops_len;                      /* entries filled in ops[] */
	__u16 resv;
	__u32 resv2[3];
	struct io_uring_probe_op ops[256];
};

/* Ask the ring's kernel which opcodes it supports.  Needs 5.6. */
int rr_probe_ring(struct rr_ring *ring, struct rr_probe *probe);

/* The same without a ring of the caller's: a small ring is set up and torn
 * down for the question. */
int rr_probe_kernel(struct rr_probe *probe);

/* Whether `opcode` is supported according to `probe`. */
bool rr_opcode_supported(const struct rr_probe *probe, unsigned opcode);

#ifdef __cplusplus
}
#endif

#endif /* RAWRING_REGISTER_H */
