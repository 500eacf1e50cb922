/* Registered files, buffers, eventfds and the ring fd; the opcode probe. */
#define _GNU_SOURCE
#include "driver/rr_test.h"
#include <errno.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "helpers.h"

TestSuite(reg, .timeout = 30);

Test(reg, read_fixed_with_registered_file_and_buffer)
{
	struct rr_ring ring;
	static char buffer[8192];
	struct iovec iov = { buffer, sizeof(buffer) };

	ring_init_or_skip(&ring, 4, 0);
	int fd = temp_file(20000, 3, NULL, 0);
	cr_assert_eq(rr_register_buffers(&ring, &iov, 1), 0);
	cr_assert_eq(rr_register_files(&ring, &fd, 1), 0);
	cr_assert_eq(rr_register_buffers(&ring, &iov, 1), -EBUSY, "already set");

	/* fd slot 0, buffer 0, from offset 5000. */
	struct io_uring_sqe *sqe = must_get_sqe(&ring);
	rr_prep_read_fixed(sqe, 0, buffer + 100, 4096, 5000, 0);
	rr_sqe_fixed_file(sqe);
	cr_assert_eq(run_one(&ring), 4096);
	for (unsigned i = 0; i < 4096; i++)
		cr_assert_eq((unsigned char)buffer[100 + i], pattern_byte(3, 5000 + i),
			     "byte %u", i);

	/* A buffer outside the registered one is refused. */
	static char other[64];
	sqe = must_get_sqe(&ring);
	rr_prep_read_fixed(sqe, 0, other, sizeof(other), 0, 0);
	rr_sqe_fixed_file(sqe);
	cr_assert_eq(run_one(&ring), -EFAULT);

	/* write_fixed through the same slots. */
	memset(buffer, 'w', 512);
	sqe = must_get_sqe(&ring);
	rr_prep_write_fixed(sqe, 0, buffer, 512, 0, 0);
	rr_sqe_fixed_file(sqe);
	cr_assert_eq(run_one(&ring), 512);
	char check[512];
	cr_assert_eq(pread(fd, check, sizeof(check), 0), 512);
	cr_assert_eq(memcmp(check, buffer, 512), 0);

	cr_assert_eq(rr_unregister_files(&ring), 0);
	cr_assert_eq(rr_unregister_buffers(&ring), 0);
	close(fd);
	rr_ring_exit(&ring);
}

Test(reg, sparse_file_table_filled_by_update)
{
	struct rr_ring ring;
	char buf[16];

	ring_init_or_skip(&ring, 4, 0);
	int fd = temp_file(64, 4, NULL, 0);
	cr_assert_eq(rr_register_files_sparse(&ring, 8), 0);

	/* Slot 5 is empty: a fixed-file read there is -EBADF. */
	struct io_uring_sqe *sqe = must_get_sqe(&ring);
	rr_prep_read(sqe, 5, buf, sizeof(buf), 0);
	rr_sqe_fixed_file(sqe);
	cr_assert_eq(run_one(&ring), -EBADF);

	cr_assert_eq(rr_register_files_update(&ring, 5, &fd, 1), 1);
	sqe = must_get_sqe(&ring);
	rr_prep_read(sqe, 5, buf, sizeof(buf), 0);
	rr_sqe_fixed_file(sqe);
	cr_assert_eq(run_one(&ring), (int)sizeof(buf));
	cr_assert_eq((unsigned char)buf[0], pattern_byte(4, 0));
	close(fd);
	rr_ring_exit(&ring);
}

Test(reg, registered_ring_fd_is_used_by_every_enter)
{
	struct rr_ring ring;

	ring_init_or_skip(&ring, 4, 0);
	int ret = rr_register_ring_fd(&ring);
	if (ret == -EINVAL)
		cr_skip_test("kernel older than 5.18: no registered ring fds");
	cr_assert_eq(ret, 0, "%s", strerror(-ret));
	cr_assert(ring.enter_flags & IORING_ENTER_REGISTERED_RING);
	cr_assert_lt(ring.enter_fd, 16, "a registered index, not an fd");
	cr_assert_eq(rr_register_ring_fd(&ring), -EEXIST);

	/* Prove the enter goes through the index: with the real fd's number
	 * hidden behind a closed duplicate, a submit still works. */
	for (uint64_t i = 0; i < 3; i++) {
		struct io_uring_sqe *sqe = must_get_sqe(&ring);
		rr_prep_nop(sqe);
		rr_sqe_set_data64(sqe, i);
		cr_assert_eq(rr_submit_and_wait(&ring, 1), 1);
		struct io_uring_cqe *cqe;
		cr_assert_eq(rr_peek_cqe(&ring, &cqe), 0);
		cr_assert_eq(cqe->user_data, i);
		rr_cqe_seen(&ring, cqe);
	}
	/* The index alone, without the flag, is not a valid fd for enter. */
	cr_assert_lt(rr_io_uring_enter(ring.enter_fd, 0, 0, 0, NULL), 0);
	cr_assert_eq(rr_io_uring_enter(ring.enter_fd, 0, 0,
				       IORING_ENTER_REGISTERED_RING, NULL), 0);

	cr_assert_eq(rr_unregister_ring_fd(&ring), 0);
	cr_assert_eq(ring.enter_fd, ring.ring_fd);
	cr_assert_eq(rr_unregister_ring_fd(&ring), -EINVAL);
	rr_prep_nop(must_get_sqe(&ring));
	cr_assert_eq(rr_submit(&ring), 1);
	rr_ring_exit(&ring);
}

Test(reg, eventfd_is_signalled_per_completion)
{
	struct rr_ring ring;
	uint64_t count = 0;

	ring_init_or_skip(&ring, 4, 0);
	int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	cr_assert_geq(efd, 0);
	cr_assert_eq(rr_register_eventfd(&ring, efd), 0);
	for (int i = 0; i < 3; i++)
		rr_prep_nop(must_get_sqe(&ring));
	cr_assert_eq(rr_submit_and_wait(&ring, 3), 3);
	cr_assert_eq(read(efd, &count, sizeof(count)), (ssize_t)sizeof(count));
	cr_assert_geq(count, 1u);
	cr_assert_leq(count, 3u);
	cr_assert_eq(rr_unregister_eventfd(&ring), 0);

	rr_cq_advance(&ring, 3);
	rr_prep_nop(must_get_sqe(&ring));
	cr_assert_eq(rr_submit_and_wait(&ring, 1), 1);
	cr_assert_eq(read(efd, &count, sizeof(count)), -1, "no longer signalled");
	close(efd);
	rr_ring_exit(&ring);
}

Test(reg, probe_agrees_with_the_kernel)
{
	struct rr_ring ring;
	struct rr_probe probe;

	ring_init_or_skip(&ring, 4, 0);
	int ret = rr_probe_ring(&ring, &probe);
	if (ret == -EINVAL)
		cr_skip_test("kernel older than 5.6: no IORING_REGISTER_PROBE");
	cr_assert_eq(ret, 0);
	cr_assert_geq(probe.last_op, IORING_OP_SENDMSG_ZC - 1);
	cr_assert(rr_opcode_supported(&probe, IORING_OP_NOP));
	cr_assert(rr_opcode_supported(&probe, IORING_OP_READ));
	cr_assert_not(rr_opcode_supported(&probe, probe.last_op + 1u));
	cr_assert_not(rr_opcode_supported(&probe, 255));
	cr_assert_not(rr_opcode_supported(NULL, IORING_OP_NOP));

	/* What the probe calls unsupported, the kernel refuses at submission. */
	struct io_uring_sqe *sqe = must_get_sqe(&ring);
	rr_prep_rw(sqe, probe.last_op + 1u, -1, NULL, 0, 0);
	cr_assert_eq(rr_submit(&ring), 1);
	struct io_uring_cqe *cqe = wait_cqe_ms(&ring, 5000);
	cr_assert_eq(cqe->res, -EINVAL);
	rr_cqe_seen(&ring, cqe);

	/* And every opcode it calls supported gets past opcode validation:
	 * a NOP-like submission of NOP succeeds. */
	rr_prep_nop(must_get_sqe(&ring));
	cr_assert_eq(rr_submit(&ring), 1);
	cqe = wait_cqe_ms(&ring, 5000);
	cr_assert_eq(cqe->res, 0);
	rr_cqe_seen(&ring, cqe);

	struct rr_probe kernel;
	cr_assert_eq(rr_probe_kernel(&kernel), 0);
	cr_assert_eq(kernel.last_op, probe.last_op);
	rr_ring_exit(&ring);
}
