/*
 * The layout of a ring as the kernel returned it: io_uring_params (entries,
 * flags, features), the sq_off/cq_off offsets into the ring mapping, and
 * each mapping with what lives where and the memory it costs.
 */
#define _GNU_SOURCE
#include "layout.h"

#include <stdio.h>
#include <unistd.h>

#include "names.h"

static unsigned long long page_round(size_t bytes)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned long long p = page > 0 ? (unsigned long long)page : 4096u;

	return (bytes + p - 1) / p * p;
}

unsigned long long rd_layout_bytes(const struct rr_ring *ring)
{
	unsigned long long total = page_round(ring->sq.ring_size) +
				   page_round(ring->sq.sqes_size);

	if (ring->cq.ring_ptr != ring->sq.ring_ptr)
		total += page_round(ring->cq.ring_size);
	return total;
}

/* One word of a ring mapping: its current value, offset and writer. */
static void word(struct rd_out *out, const char *key, const void *base,
		 unsigned offset, const char *writer)
{
	char note[112];
	unsigned value = rr_load_relaxed((const unsigned *)((const char *)base + offset));

	if (out->json) {
		rd_out_begin(out, key, NULL);
		rd_out_uint(out, "offset", "offset", offset, NULL);
		rd_out_uint(out, "value", "value", value, NULL);
		rd_out_end(out);
		return;
	}
	snprintf(note, sizeof(note), "+0x%-4x %s", offset, writer);
	rd_out_uint(out, key, key, value, note);
}

static void params(const struct rr_ring *ring, struct rd_out *out)
{
	const struct io_uring_params *p = &ring->params;
	char names[512];

	rd_out_begin(out, "params", "io_uring_params as the kernel returned them");
	rd_out_uint(out, "sq_entries", "sq_entries", p->sq_entries, "SQ slots (a power of two)");
	rd_out_uint(out, "cq_entries", "cq_entries", p->cq_entries, "CQ slots");
	rd_bit_names(rd_setup_flags, rd_setup_flag_count, p->flags, names, sizeof(names));
	rd_out_hex(out, "flags", "flags", p->flags, names);
	if (out->json)
		rd_out_str(out, "flag_names", "", names, NULL);
	rd_bit_names(rd_features, rd_feature_count, p->features, names, sizeof(names));
	rd_out_hex(out, "features", "features", p->features, names);
	if (out->json)
		rd_out_str(out, "feature_names", "", names, NULL);
	if (p->flags & IORING_SETUP_SQPOLL) {
		rd_out_uint(out, "sq_thread_idle_ms", "sq_thread_idle", p->sq_thread_idle,
			    "ms the SQPOLL thread spins before sleeping");
		rd_out_int(out, "sq_thread_cpu", "sq_thread_cpu",
			   (p->flags & IORING_SETUP_SQ_AFF) ? (long long)p->sq_thread_cpu : -1,
			   "-1: not pinned");
	}
	rd_out_end(out);
}

static void offsets(const struct rr_ring *ring, struct rd_out *out)
{
	const struct io_sqring_offsets *sq = &ring->params.sq_off;
	const struct io_cqring_offsets *cq = &ring->params.cq_off;
	const void *sq_base = ring->sq.ring_ptr, *cq_base = ring->cq.ring_ptr;

	rd_out_begin(out, "sq_ring", "SQ ring words (sq_off)");
	word(out, "head", sq_base, sq->head, "the kernel advances it as it consumes SQEs");
	word(out, "tail", sq_base, sq->tail, "the application publishes SQEs with it (store-release)");
	word(out, "ring_mask", sq_base, sq->ring_mask, "constant");
	word(out, "ring_entries", sq_base, sq->ring_entries, "constant");
	word(out, "flags", sq_base, sq->flags, "kernel: NEED_WAKEUP, CQ_OVERFLOW, TASKRUN");
	word(out, "dropped", sq_base, sq->dropped, "kernel: invalid SQ index entries skipped");
	if (ring->sq.array)
		rd_out_hex(out, "array", "array", sq->array,
			   "offset of the SQ index array (one u32 per slot)");
	else
		rd_out_str(out, "array", "array", "none", "IORING_SETUP_NO_SQARRAY");
	rd_out_end(out);

	rd_out_begin(out, "cq_ring", "CQ ring words (cq_off)");
	word(out, "head", cq_base, cq->head, "the application advances it after reading CQEs (store-release)");
	word(out, "tail", cq_base, cq->tail, "the kernel posts CQEs with it (load-acquire to read)");
	word(out, "ring_mask", cq_base, cq->ring_mask, "constant");
	word(out, "ring_entries", cq_base, cq->ring_entries, "constant");
	word(out, "overflow", cq_base, cq->overflow, "kernel: CQEs dropped (no NODROP)");
	if (cq->flags)
		word(out, "flags", cq_base, cq->flags, "application: EVENTFD_DISABLED");
	rd_out_hex(out, "cqes", "cqes", cq->cqes, "offset of the CQE array");
	rd_out_end(out);
}

static void mapping(struct rd_out *out, const char *key, const char *heading,
		    const void *addr, size_t size, const char *mmap_offset,
		    const char *contents)
{
	char text[40];

	rd_out_begin(out, key, heading);
	snprintf(text, sizeof(text), "%p", addr);
	rd_out_str(out, "address", "address", text, NULL);
	rd_out_uint(out, "bytes", "size", size, "bytes mapped");
	rd_out_str(out, "mmap_offset", "mmap offset", mmap_offset, NULL);
	rd_out_str(out, "contents", "holds", contents, NULL);
	rd_out_end(out);
}

void rd_layout_describe(const struct rr_ring *ring, struct rd_out *out)
{
	bool single = ring->sq.ring_ptr == ring->cq.ring_ptr;
	size_t sqe_size = sizeof(struct io_uring_sqe) << ring->sqe_shift;
	size_t cqe_size = sizeof(struct io_uring_cqe) << ring->cqe_shift;
	char contents[160];

	params(ring, out);
	offsets(ring, out);

	rd_out_begin_array(out, "mappings", "Mappings");
	rd_out_begin_item(out);
	snprintf(contents, sizeof(contents), "SQ words%s%s",
		 ring->sq.array ? ", SQ index array" : "",
		 single ? ", and the CQ ring (IORING_FEAT_SINGLE_MMAP)" : "");
	mapping(out, "sq_ring", single ? "SQ + CQ ring" : "SQ ring", ring->sq.ring_ptr,
		ring->sq.ring_size, "IORING_OFF_SQ_RING (0)", contents);
	rd_out_end(out);
	if (!single) {
		rd_out_begin_item(out);
		snprintf(contents, sizeof(contents), "CQ words and %u CQEs of %zu bytes",
			 ring->cq.ring_entries, cqe_size);
		mapping(out, "cq_ring", "CQ ring", ring->cq.ring_ptr, ring->cq.ring_size,
			"IORING_OFF_CQ_RING (0x8000000)", contents);
		rd_out_end(out);
	}
	rd_out_begin_item(out);
	snprintf(contents, sizeof(contents), "%u SQEs of %zu bytes", ring->sq.ring_entries,
		 sqe_size);
	mapping(out, "sqes", "SQE array", ring->sq.sqes, ring->sq.sqes_size,
		"IORING_OFF_SQES (0x10000000)", contents);
	rd_out_end(out);
	rd_out_end_array(out);

	rd_out_begin(out, "memory", "Memory");
	rd_out_uint(out, "bytes", "total", rd_layout_bytes(ring),
		    "page-rounded bytes of all mappings (kernel memory, pinned)");
	rd_out_uint(out, "sqe_bytes", "SQEs", (unsigned long long)ring->sq.ring_entries * sqe_size, NULL);
	rd_out_uint(out, "cqe_bytes", "CQEs", (unsigned long long)ring->cq.ring_entries * cqe_size, NULL);
	rd_out_end(out);
}
