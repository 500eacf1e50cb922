/*
 * rr-ring-cat: read a file with io_uring and report how many bytes were read.
 *
 *   rr-ring-cat [--print] FILE
 *
 * The file is read in 64 KiB blocks, up to 16 reads in flight at once, each
 * at its own offset.  With --print the contents go to stdout in order.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rawring.h"

enum { BLOCK = 64 * 1024, DEPTH = 16 };

static int fail(const char *what, int err)
{
	fprintf(stderr, "rr-ring-cat: %s: %s\n", what, strerror(err));
	return 1;
}

int main(int argc, char **argv)
{
	struct rr_ring ring;
	static char blocks[DEPTH][BLOCK];
	int print = argc == 3 && strcmp(argv[1], "--print") == 0;

	if (argc != 2 + print) {
		fprintf(stderr, "usage: rr-ring-cat [--print] FILE\n");
		return 2;
	}
	const char *path = argv[1 + print];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(path, errno);
	struct stat st;
	if (fstat(fd, &st) < 0)
		return fail(path, errno);

	int ret = rr_ring_init(DEPTH, &ring, 0);
	if (ret < 0)
		return fail("io_uring setup", -ret);

	/* Read in rounds of up to DEPTH blocks; the CQEs of a round may
	 * arrive in any order, so each read's user data is its slot. */
	uint64_t size = (uint64_t)st.st_size, offset = 0, total = 0;
	unsigned reads = 0;
	while (offset < size) {
		unsigned slots = 0;
		unsigned lengths[DEPTH];
		for (; slots < DEPTH && offset < size; slots++) {
			struct io_uring_sqe *sqe = rr_get_sqe(&ring);
			if (!sqe) /* cannot happen: a round fits the ring */
				return fail("get_sqe", EBUSY);
			unsigned len = size - offset < BLOCK ? (unsigned)(size - offset)
							     : BLOCK;
			rr_prep_read(sqe, fd, blocks[slots], len, offset);
			rr_sqe_set_data64(sqe, slots);
			lengths[slots] = len;
			offset += len;
		}
		ret = rr_submit_and_wait(&ring, slots);
		if (ret < 0)
			return fail("submit", -ret);

		int results[DEPTH];
		for (unsigned done = 0; done < slots; done++) {
			struct io_uring_cqe *cqe;
			ret = rr_wait_cqe(&ring, &cqe);
			if (ret < 0)
				return fail("wait", -ret);
			results[cqe->user_data] = cqe->res;
			rr_cqe_seen(&ring, cqe);
		}
		for (unsigned i = 0; i < slots; i++) {
			if (results[i] < 0)
				return fail("read", -results[i]);
			if ((unsigned)results[i] != lengths[i]) {
				fprintf(stderr, "rr-ring-cat: short read (file changed?)\n");
				return 1;
			}
			if (print && fwrite(blocks[i], 1, lengths[i], stdout) != lengths[i])
				return fail("stdout", errno);
			total += (uint64_t)results[i];
			reads++;
		}
	}
	fflush(stdout);
	fprintf(stderr, "rr-ring-cat: %s: %llu bytes read in %u reads, %llu enters\n",
		path, (unsigned long long)total, reads, ring.enter_calls);
	rr_ring_exit(&ring);
	close(fd);
	return 0;
}
