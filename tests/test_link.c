/* Linked SQEs: a read→write copy chain, and a link timeout on a recv. */
#define _GNU_SOURCE
#include "driver/rr_test.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"

TestSuite(link, .timeout = 60);

enum { BLOCK = 128 * 1024, DEPTH = 8 };

/*
 * Copy src to dst with DEPTH read→write pairs in flight: each read is linked
 * to the write of the same buffer, so the write starts only after the read
 * succeeded.  Returns the bytes written.
 */
static uint64_t linked_copy(struct rr_ring *ring, int src, int dst,
			    uint64_t size)
{
	static char buffers[DEPTH][BLOCK];
	uint64_t offset = 0, written = 0;
	unsigned in_flight = 0;

	while (offset < size || in_flight) {
		while (offset < size && in_flight < DEPTH) {
			/* One slot per pair: pairs complete in any order, but a
			 * slot is reused only after its write completed. */
			unsigned slot = (unsigned)((offset / BLOCK) % DEPTH);
			unsigned len = size - offset < BLOCK ? (unsigned)(size - offset)
							     : BLOCK;
			struct io_uring_sqe *read_sqe = must_get_sqe(ring);
			rr_prep_read(read_sqe, src, buffers[slot], len, offset);
			rr_sqe_link(read_sqe);
			rr_sqe_set_data64(read_sqe, 0);
			struct io_uring_sqe *write_sqe = must_get_sqe(ring);
			rr_prep_write(write_sqe, dst, buffers[slot], len, offset);
			rr_sqe_set_data64(write_sqe, len);
			offset += len;
			in_flight++;
		}
		int ret = rr_submit_and_wait(ring, 1);
		cr_assert_geq(ret, 0, "submit: %s", strerror(-ret));

		struct io_uring_cqe *cqe;
		unsigned head, seen = 0;
		rr_for_each_cqe(ring, head, cqe) {
			seen++;
			if (cqe->user_data == 0) {
				/* The read: a short read would break the chain. */
				cr_assert_gt(cqe->res, 0, "read: %s", strerror(-cqe->res));
				continue;
			}
			cr_assert_eq(cqe->res, (int)cqe->user_data, "write: %d", cqe->res);
			written += (uint64_t)cqe->res;
			in_flight--;
		}
		rr_cq_advance(ring, seen);
	}
	return written;
}

Test(link, linked_read_write_copies_10_mib_byte_identical)
{
	struct rr_ring ring;
	const uint64_t size = 10u * 1024 * 1024 + 4097; /* not block-aligned */
	char dst_path[256];

	ring_init_or_skip(&ring, 2 * DEPTH, 0);
	int src = temp_file(size, 11, NULL, 0);
	int dst = temp_file(0, 0, dst_path, sizeof(dst_path));
	unlink(dst_path);

	cr_assert_eq(linked_copy(&ring, src, dst, size), size);

	struct stat st;
	cr_assert_eq(fstat(dst, &st), 0);
	cr_assert_eq((uint64_t)st.st_size, size);
	char *a = malloc(size), *b = malloc(size);
	cr_assert_eq(pread(src, a, size, 0), (ssize_t)size);
	cr_assert_eq(pread(dst, b, size, 0), (ssize_t)size);
	cr_assert_eq(memcmp(a, b, size), 0, "the copy differs");
	free(a);
	free(b);
	close(src);
	close(dst);
	rr_ring_exit(&ring);
}

Test(link, failed_head_cancels_the_rest_of_the_chain)
{
	struct rr_ring ring;
	char buf[16];

	ring_init_or_skip(&ring, 4, 0);
	struct io_uring_sqe *sqe = must_get_sqe(&ring);
	rr_prep_read(sqe, 9999, buf, sizeof(buf), 0); /* a bad fd */
	rr_sqe_link(sqe);
	rr_sqe_set_data64(sqe, 1);
	sqe = must_get_sqe(&ring);
	rr_prep_nop(sqe);
	rr_sqe_set_data64(sqe, 2);
	cr_assert_eq(rr_submit_and_wait(&ring, 2), 2);

	struct io_uring_cqe *cqe;
	cr_assert_eq(rr_peek_cqe(&ring, &cqe), 0);
	cr_assert_eq(cqe->user_data, 1u);
	cr_assert_eq(cqe->res, -EBADF);
	rr_cqe_seen(&ring, cqe);
	cr_assert_eq(rr_peek_cqe(&ring, &cqe), 0);
	cr_assert_eq(cqe->user_data, 2u);
	cr_assert_eq(cqe->res, -ECANCELED);
	rr_cqe_seen(&ring, cqe);
	rr_ring_exit(&ring);
}

Test(link, link_timeout_cancels_a_recv_that_gets_no_data)
{
	struct rr_ring ring;
	int fds[2];
	char buf[64];
	struct __kernel_timespec ts = { .tv_sec = 0, .tv_nsec = 100 * 1000000 };

	ring_init_or_skip(&ring, 4, 0);
	stream_pair(fds);
	struct io_uring_sqe *sqe = must_get_sqe(&ring);
	rr_prep_recv(sqe, fds[0], buf, sizeof(buf), 0);
	rr_sqe_link(sqe);
	rr_sqe_set_data64(sqe, 1);
	sqe = must_get_sqe(&ring);
	rr_prep_link_timeout(sqe, &ts, 0);
	rr_sqe_set_data64(sqe, 2);

	uint64_t start = now_ns();
	cr_assert_eq(rr_submit_and_wait(&ring, 2), 2);
	cr_assert_geq(now_ns() - start, 90ull * 1000000, "returned before the timeout");

	int recv_res = 1, timeout_res = 1;
	for (int i = 0; i < 2; i++) {
		struct io_uring_cqe *cqe;
		cr_assert_eq(rr_peek_cqe(&ring, &cqe), 0);
		if (cqe->user_data == 1)
			recv_res = cqe->res;
		else
			timeout_res = cqe->res;
		rr_cqe_seen(&ring, cqe);
	}
	cr_assert_eq(recv_res, -ECANCELED);
	cr_assert_eq(timeout_res, -ETIME);
	close(fds[0]);
	close(fds[1]);
	rr_ring_exit(&ring);
}

Test(link, link_timeout_is_cancelled_when_the_recv_gets_data)
{
	struct rr_ring ring;
	int fds[2];
	char buf[64];
	struct __kernel_timespec ts = { .tv_sec = 10, .tv_nsec = 0 };

	ring_init_or_skip(&ring, 4, 0);
	stream_pair(fds);
	cr_assert_eq(write(fds[1], "hello", 5), 5);
	struct io_uring_sqe *sqe = must_get_sqe(&ring);
	rr_prep_recv(sqe, fds[0], buf, sizeof(buf), 0);
	rr_sqe_link(sqe);
	rr_sqe_set_data64(sqe, 1);
	sqe = must_get_sqe(&ring);
	rr_prep_link_timeout(sqe, &ts, 0);
	rr_sqe_set_data64(sqe, 2);
	cr_assert_eq(rr_submit_and_wait(&ring, 2), 2);

	for (int i = 0; i < 2; i++) {
		struct io_uring_cqe *cqe;
		cr_assert_eq(rr_peek_cqe(&ring, &cqe), 0);
		if (cqe->user_data == 1)
			cr_assert_eq(cqe->res, 5);
		else
			cr_assert_eq(cqe->res, -ECANCELED);
		rr_cqe_seen(&ring, cqe);
	}
	cr_assert_eq(memcmp(buf, "hello", 5), 0);
	close(fds[0]);
	close(fds[1]);
	rr_ring_exit(&ring);
}
