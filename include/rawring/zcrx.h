/*
 * rawring/zcrx.h - zero-copy receive (IORING_REGISTER_ZCRX_IFQ, 6.15): a
 * NIC receive queue whose payloads land in the caller's memory (the
 * area), announced by 32-byte CQEs of IORING_OP_RECV_ZC (rr_prep_recv_zc)
 * and handed back to the kernel through a refill queue shared with it.
 *
 *   struct rr_zcrx z;
 *   rr_zcrx_register(ring, &z, &params);       // the queue, area, refill queue
 *   rr_prep_recv_zc(sqe, sock, 0, IORING_RECV_MULTISHOT, z.id);
 *   ... for each CQE of it with res > 0:
 *   void *data = rr_zcrx_data(&z, cqe);        // cqe->res bytes, in the area
 *   rr_zcrx_refill(&z, cqe);                   // give the buffer back
 *   rr_zcrx_refill_commit(&z);                 // publish the refills
 *
 * What the kernel needs: a ring with IORING_SETUP_DEFER_TASKRUN (hence
 * SINGLE_ISSUER) and 32-byte CQEs (IORING_SETUP_CQE32 or CQE_MIXED), root
 * (CAP_NET_ADMIN), and a NIC whose driver splits headers from data and
 * lets io_uring own one of its receive queues.  The loopback interface
 * cannot (the kernel answers -EOPNOTSUPP), so this project's tests check
 * the arguments, the kernel's answer on loopback and the refill queue and
 * CQE helpers over memory laid out as the kernel lays it out; the data
 * path itself has not run here.
 *
 * What rawring refuses (-EOPNOTSUPP, no system call): a refill queue in
 * memory the kernel allocates (the region must be the caller's,
 * RR_IORING_MEM_REGION_TYPE_USER), a dmabuf area (its data has no address
 * here), and importing another ring's queue (RR_ZCRX_REG_IMPORT).
 */
#ifndef RAWRING_ZCRX_H
#define RAWRING_ZCRX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "barrier.h"
#include "ring.h"

#ifdef __cplusplus
extern "C" {
#endif

/* An interface queue as rawring drives it (filled by rr_zcrx_register or
 * rr_zcrx_attach; the fields are read-only to the caller). */
struct rr_zcrx {
	unsigned id;                 /* sqe->zcrx_ifq_idx of its receives */
	unsigned rq_entries;
	unsigned rq_mask;
	unsigned rq_tail;            /* refills queued, committed or not */
	unsigned *rq_khead;          /* the kernel's: refills it has taken */
	unsigned *rq_ktail;          /* ours: refills published */
	struct rr_zcrx_rqe *rqes;
	char *area;                  /* where the payloads land */
	uint64_t area_len;
	uint64_t area_token;         /* OR'ed into each refill's offset */
};

/* What rr_zcrx_register needs. */
struct rr_zcrx_params {
	unsigned if_idx;             /* the interface (if_nametoindex) */
	unsigned if_rxq;             /* the receive queue io_uring takes over */
	unsigned rq_entries;         /* refill queue entries, a power of two */
	unsigned flags;              /* 0 or RR_ZCRX_REG_NODEV */
	void *rq_mem;                /* page-aligned, rr_zcrx_rq_size bytes */
	size_t rq_size;
	void *area;                  /* page-aligned payload memory */
	size_t area_len;             /* a multiple of the page size */
};

/* The bytes of refill-queue memory for `rq_entries` entries: a page for
 * the head and tail, then the entries, in whole pages.  0 for 0 entries
 * or more than 32768. */
size_t rr_zcrx_rq_size(unsigned rq_entries);

/*
 * Register an interface queue (IORING_REGISTER_ZCRX_IFQ) with the area and
 * refill queue of `params`, then attach `z` to it.  Returns 0 or -errno:
 * -EINVAL for NULL arguments, a ring without DEFER_TASKRUN or 32-byte
 * CQEs, rq_entries not a power of two in 1..32768, rq_size below
 * rr_zcrx_rq_size, memory not page-aligned, an empty area, or a flag
 * other than NODEV (all before any system call); the kernel's errors
 * (-EOPNOTSUPP for an interface that cannot, loopback among them; -EPERM
 * without CAP_NET_ADMIN; -EINVAL from kernels before 6.15 or without
 * CONFIG_IO_URING_ZCRX); -EIO if the kernel's offsets do not fit the
 * memory given (the queue stays registered until the ring exits).
 */
int rr_zcrx_register(struct rr_ring *ring, struct rr_zcrx *z,
		     const struct rr_zcrx_params *params);

/*
 * Attach `z` to a queue registered with rr_register_ifq: `reg` as the
 * kernel wrote it back (offsets, zcrx_id, the area's token), `rq_mem` and
 * `rq_size` the region reg->region_ptr described.  Returns 0, or -EINVAL
 * when the offsets and entries do not fit rq_size (nothing attached).
 */
int rr_zcrx_attach(struct rr_zcrx *z, const struct rr_zcrx_ifq_reg *reg,
		   void *rq_mem, size_t rq_size);

/* The zero-copy half of a RECV_ZC CQE (the second 16 bytes of its 32). */
static inline const struct rr_zcrx_cqe *rr_zcrx_cqe(const struct io_uring_cqe *cqe)
{
	return (const struct rr_zcrx_cqe *)(const void *)cqe->big_cqe;
}

/* The area offset of a RECV_ZC CQE (read as the CQE's own big_cqe word,
 * the type it was written as). */
static inline uint64_t rr__zcrx_cqe_offset(const struct io_uring_cqe *cqe)
{
	return cqe->big_cqe[0] & ~RR_IORING_ZCRX_AREA_MASK;
}

/* Where a RECV_ZC CQE's cqe->res bytes are in the area, or NULL when its
 * offset and length fall outside the area. */
static inline void *rr_zcrx_data(const struct rr_zcrx *z,
				 const struct io_uring_cqe *cqe)
{
	uint64_t off = rr__zcrx_cqe_offset(cqe);

	if (cqe->res < 0 || off > z->area_len ||
	    (uint64_t)cqe->res > z->area_len - off)
		return NULL;
	return z->area + off;
}

/* Refills the queue has room for (the kernel frees room as it takes). */
static inline unsigned rr_zcrx_refill_space(const struct rr_zcrx *z)
{
	/* Acquire pairs with the kernel's store-release of the head after it
	 * read the entries: a slot it has passed may be written again. */
	return z->rq_entries - (z->rq_tail - rr_load_acquire(z->rq_khead));
}

/* Queue the buffer of a RECV_ZC CQE for return to the kernel (published by
 * rr_zcrx_refill_commit).  false when the refill queue is full. */
static inline bool rr_zcrx_refill(struct rr_zcrx *z, const struct io_uring_cqe *cqe)
{
	if (rr_zcrx_refill_space(z) == 0)
		return false;
	struct rr_zcrx_rqe *rqe = &z->rqes[z->rq_tail & z->rq_mask];
	rqe->off = rr__zcrx_cqe_offset(cqe) | z->area_token;
	rqe->len = (uint32_t)cqe->res;
	rqe->pad = 0;
	z->rq_tail++;
	return true;
}

/* Publish the refills queued so far. */
static inline void rr_zcrx_refill_commit(struct rr_zcrx *z)
{
	/* Release orders the entries before the tail; pairs with the kernel's
	 * load-acquire of the refill tail before it reads them. */
	rr_store_release(z->rq_ktail, z->rq_tail);
}

#ifdef __cplusplus
}
#endif

#endif /* RAWRING_ZCRX_H */
