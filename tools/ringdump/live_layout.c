/* The layout of a foreign ring, from the pages its regions hold. */
#define _GNU_SOURCE
#include "live_layout.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Pages present at the start of a read-only mapping of `bytes` of region
 * `offset` of `fd`, or -errno. */
static long present_pages(int fd, off_t offset, size_t bytes, size_t page)
{
	size_t pages = (bytes + page - 1) / page;
	void *map = mmap(NULL, pages * page, PROT_READ, MAP_SHARED, fd, offset);
	if (map == MAP_FAILED)
		return -errno;
	unsigned char vec[4096];
	long present = 0;
	if (pages <= sizeof(vec) && mincore(map, pages * page, vec) == 0) {
		while ((size_t)present < pages && (vec[present] & 1))
			present++;
	} else {
		present = -EINVAL; /* too big to tell, or mincore refused */
	}
	munmap(map, pages * page);
	return present;
}

static size_t pages_of(size_t bytes, size_t page)
{
	return (bytes + page - 1) / page;
}

/* One way the rings region may be laid out. */
struct candidate {
	unsigned cqe_size;
	int sq_array;
	size_t end;             /* bytes of the region */
};

/* The offsets the kernel gives a ring of these sizes and `flags`. */
static int reference(unsigned sq_entries, unsigned cq_entries, unsigned flags,
		     struct io_uring_params *params)
{
	struct rr_ring ring;

	memset(params, 0, sizeof(*params));
	params->flags = IORING_SETUP_CQSIZE | flags;
	params->cq_entries = cq_entries;
	int ret = rr_ring_init_params(sq_entries, &ring, params);
	if (ret < 0)
		return ret;
	rr_ring_exit(&ring);
	return params->sq_entries == sq_entries && params->cq_entries == cq_entries ? 0
										    : -EINVAL;
}

int rd_ring_layout_detect(int ring_fd, unsigned sq_entries, unsigned cq_entries,
			  const struct rd_fdinfo *info, struct rd_ring_layout *layout)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	struct io_uring_params small, big;
	struct candidate c[4];
	int n = 0;

	memset(layout, 0, sizeof(*layout));
	int ret = reference(sq_entries, cq_entries, 0, &small);
	if (ret < 0)
		return ret;
	bool have_big = reference(sq_entries, cq_entries, IORING_SETUP_CQE32, &big) == 0;
	for (int b = 0; b < (have_big ? 2 : 1); b++) {
		const struct io_uring_params *p = b ? &big : &small;
		unsigned size = b ? 32u : 16u;
		size_t cqes_end = p->cq_off.cqes + (size_t)cq_entries * size;
		size_t array_end = p->sq_off.array + (size_t)sq_entries * sizeof(unsigned);
		c[n++] = (struct candidate){ size, 1, array_end > cqes_end ? array_end : cqes_end };
		c[n++] = (struct candidate){ size, 0, cqes_end };
	}
	size_t longest = 0;
	for (int i = 0; i < n; i++)
		if (c[i].end > longest)
			longest = c[i].end;
	long present = present_pages(ring_fd, IORING_OFF_SQ_RING, longest, page);
	if (present < 0)
		return (int)present;

	/* The candidates that need exactly the pages the region has. */
	unsigned sizes = 0, arrays = 0; /* bit per value seen: 1 = 16 / no array */
	for (int i = 0; i < n; i++) {
		if (pages_of(c[i].end, page) != (size_t)present)
			continue;
		sizes |= c[i].cqe_size == 16 ? 1u : 2u;
		arrays |= c[i].sq_array ? 2u : 1u;
	}
	layout->cqe_size = sizes == 1 ? 16 : sizes == 2 ? 32 : 0;
	if (sizes == 3 && info->cqe_lines) /* fdinfo prints extra1/2 for CQE32 */
		layout->cqe_size = info->cqe[0].big ? 32 : 16;
	layout->sq_array = arrays == 1 ? 0 : arrays == 2 ? 1 : -1;
	const struct io_uring_params *chosen = layout->cqe_size == 32 ? &big : &small;
	layout->sq_off = chosen->sq_off;
	layout->cq_off = chosen->cq_off;
	layout->rings_bytes = (size_t)present * page;

	long sqe_pages = present_pages(ring_fd, IORING_OFF_SQES, (size_t)sq_entries * 128, page);
	if (sqe_pages < 0)
		return (int)sqe_pages;
	size_t p64 = pages_of((size_t)sq_entries * 64, page);
	size_t p128 = pages_of((size_t)sq_entries * 128, page);
	if (p64 != p128 && (size_t)sqe_pages == p64)
		layout->sqe_size = 64;
	else if (p64 != p128 && (size_t)sqe_pages == p128)
		layout->sqe_size = 128;
	layout->sqes_bytes = (size_t)sqe_pages * page;
	return 0;
}
