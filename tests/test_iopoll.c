/* IOPOLL on this machine's disk, which cannot poll. */
#define _GNU_SOURCE
#include "driver/rr_test.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"

TestSuite(iopoll, .timeout = 30);

Test(iopoll, read_on_a_device_without_poll_queues_is_eopnotsupp)
{
	struct rr_ring ring;
	char path[256];
	void *buf;

	ring_init_or_skip(&ring, 4, IORING_SETUP_IOPOLL);
	close(temp_file(8192, 6, path, sizeof(path)));
	int fd = open(path, O_RDONLY | O_DIRECT | O_CLOEXEC);
	unlink(path);
	if (fd < 0)
		cr_skip_test("O_DIRECT open failed: %s", strerror(errno));
	cr_assert_eq(posix_memalign(&buf, 4096, 4096), 0);

	struct io_uring_sqe *sqe = must_get_sqe(&ring);
	rr_prep_read(sqe, fd, buf, 4096, 0);
	rr_sqe_set_data64(sqe, 1);
	cr_assert_eq(rr_submit(&ring), 1);
	struct io_uring_cqe *cqe = wait_cqe_ms(&ring, 5000);
	cr_assert_eq(cqe->user_data, 1u);
	/* A disk with poll queues (e.g. NVMe with poll_queues set) reads the
	 * data; this machine's virtio disk has none and the kernel says so. */
	if (cqe->res >= 0) {
		cr_assert_eq(cqe->res, 4096);
		cr_assert_eq(((unsigned char *)buf)[0], pattern_byte(6, 0));
	} else {
		cr_assert_eq(cqe->res, -EOPNOTSUPP, "got %s", strerror(-cqe->res));
	}
	rr_cqe_seen(&ring, cqe);
	free(buf);
	close(fd);
	rr_ring_exit(&ring);
}

Test(iopoll, a_socket_op_is_refused_on_an_iopoll_ring)
{
	struct rr_ring ring;
	int fds[2];
	char c;

	ring_init_or_skip(&ring, 4, IORING_SETUP_IOPOLL);
	stream_pair(fds);
	rr_prep_recv(must_get_sqe(&ring), fds[0], &c, 1, 0);
	cr_assert_eq(rr_submit(&ring), 1);
	struct io_uring_cqe *cqe = wait_cqe_ms(&ring, 5000);
	cr_assert_eq(cqe->res, -EINVAL, "sockets cannot be polled");
	rr_cqe_seen(&ring, cqe);
	close(fds[0]);
	close(fds[1]);
	rr_ring_exit(&ring);
}
