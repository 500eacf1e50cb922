/*
 * rr-ring-cp: copy a file with linked read→write SQE pairs.
 *
 *   rr-ring-cp SRC DST
 *
 * Each block is one read linked (IOSQE_IO_LINK) to the write of the same
 * buffer, so the kernel starts the write only when the read has succeeded;
 * up to DEPTH pairs are in flight.  A failed or short read cancels its write
 * (-ECANCELED), and the copy stops with an error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rawring.h"

enum { BLOCK = 128 * 1024, DEPTH = 16 };

/* One buffer per pair in flight; user data says which and which half. */
struct pair {
	char buffer[BLOCK];
	unsigned len;
	bool busy;
};

static struct pair pairs[DEPTH];

#define WRITE_BIT (1ull << 32)

static int fail(const char *what, int err)
{
	fprintf(stderr, "rr-ring-cp: %s: %s\n", what, strerror(err));
	return 1;
}

static int free_slot(void)
{
	for (int i = 0; i < DEPTH; i++)
		if (!pairs[i].busy)
			return i;
	return -1;
}

int main(int argc, char **argv)
{
	struct rr_ring ring;

	if (argc != 3) {
		fprintf(stderr, "usage: rr-ring-cp SRC DST\n");
		return 2;
	}
	int src = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (src < 0)
		return fail(argv[1], errno);
	struct stat st;
	if (fstat(src, &st) < 0)
		return fail(argv[1], errno);
	int dst = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (dst < 0)
		return fail(argv[2], errno);

	int ret = rr_ring_init(2 * DEPTH, &ring, 0);
	if (ret < 0)
		return fail("io_uring setup", -ret);

	uint64_t size = (uint64_t)st.st_size, offset = 0, written = 0;
	while (written < size) {
		int slot;
		while (offset < size && (slot = free_slot()) >= 0) {
			struct pair *p = &pairs[slot];
			p->len = size - offset < BLOCK ? (unsigned)(size - offset) : BLOCK;
			p->busy = true;

			/* The ring holds two SQEs per slot, so these never fail. */
			struct io_uring_sqe *read_sqe = rr_get_sqe(&ring);
			struct io_uring_sqe *write_sqe = rr_get_sqe(&ring);
			if (!read_sqe || !write_sqe)
				return fail("get_sqe", EBUSY);
			rr_prep_read(read_sqe, src, p->buffer, p->len, offset);
			rr_sqe_link(read_sqe);
			rr_sqe_set_data64(read_sqe, (uint64_t)slot);

			rr_prep_write(write_sqe, dst, p->buffer, p->len, offset);
			rr_sqe_set_data64(write_sqe, WRITE_BIT | (uint64_t)slot);
			offset += p->len;
		}

		ret = rr_submit_and_wait(&ring, 1);
		if (ret < 0)
			return fail("submit", -ret);

		struct io_uring_cqe *cqe;
		unsigned head, seen = 0;
		rr_for_each_cqe(&ring, head, cqe) {
			struct pair *p = &pairs[cqe->user_data & 0xffffffffu];
			seen++;
			if (!(cqe->user_data & WRITE_BIT)) {
				if (cqe->res < 0)
					return fail("read", -cqe->res);
				if ((unsigned)cqe->res != p->len) {
					fprintf(stderr, "rr-ring-cp: short read: the source changed\n");
					return 1;
				}
				continue;
			}
			if (cqe->res < 0)
				return fail("write", -cqe->res);
			if ((unsigned)cqe->res != p->len) {
				fprintf(stderr, "rr-ring-cp: short write (disk full?)\n");
				return 1;
			}
			written += p->len;
			p->busy = false;
		}
		rr_cq_advance(&ring, seen);
	}
	printf("rr-ring-cp: %llu bytes copied, %llu io_uring_enter calls\n",
	       (unsigned long long)written, ring.enter_calls);
	rr_ring_exit(&ring);
	close(src);
	return close(dst) < 0 ? fail(argv[2], errno) : 0;
}
