/* What a foreign ring's own mapping tells of its layout: the SQE and CQE
 * sizes and whether it has an SQ index array, which fdinfo does not print.
 * The kernel backs each region with exactly the pages the ring needs, so
 * the pages present in an over-long read-only mapping (mincore) say which
 * of the possible layouts it is; where two layouts need the same pages (a
 * small ring), the answer is "cannot be told", never a guess. */
#ifndef RINGDUMP_LIVE_LAYOUT_H
#define RINGDUMP_LIVE_LAYOUT_H

#include <stddef.h>

#include "fdinfo.h"
#include "rawring.h"

struct rd_ring_layout {
	unsigned sqe_size;     /* 64 or 128; 0: cannot be told */
	unsigned cqe_size;     /* 16 or 32; 0: cannot be told */
	int sq_array;          /* 1 or 0; -1: cannot be told */
	/* The offsets of the layout found, or of the default one (16-byte
	 * CQEs, an SQ array) where it cannot be told. */
	struct io_sqring_offsets sq_off;
	struct io_cqring_offsets cq_off;
	size_t rings_bytes;    /* of the rings region: what may be read */
	size_t sqes_bytes;     /* of the SQE array */
};

/* Work out the layout of the ring behind `ring_fd` (a copy of a foreign
 * ring's fd) with `sq_entries`/`cq_entries` (from fdinfo's masks; its CQE
 * lines break a tie).  0, or -errno (the reference rings or the mappings
 * failed). */
int rd_ring_layout_detect(int ring_fd, unsigned sq_entries, unsigned cq_entries,
			  const struct rd_fdinfo *info, struct rd_ring_layout *layout);

#endif
