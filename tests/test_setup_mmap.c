/*
 * rr_ring_mmap: a ring set up elsewhere (io_uring_setup called directly, an
 * fd inherited or received) is mapped and then runs as one rawring set up:
 * from where its SQ and CQ stand, owning the fd after success and leaving it
 * to the caller after a failure; parameters that do not describe the ring
 * are refused, never mapped and misread.
 */
#define _GNU_SOURCE
#include "driver/rr_test.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"

TestSuite(setup_mmap, .timeout = 30);

static int setup_or_skip(unsigned entries, struct io_uring_params *p)
{
	int fd = rr_io_uring_setup(entries, p);

	if (fd == -ENOSYS || fd == -EPERM)
		cr_skip_test("io_uring unavailable");
	cr_assert_geq(fd, 0, "io_uring_setup: %s", strerror(-fd));
	return fd;
}

static bool fd_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

Test(setup_mmap, a_ring_set_up_by_hand_runs_and_its_fd_is_the_rings)
{
	struct io_uring_params p;
	struct rr_ring ring;

	memset(&p, 0, sizeof(p));
	int fd = setup_or_skip(8, &p);
	cr_assert_eq(rr_ring_mmap(fd, &p, &ring), 0);
	cr_assert_eq(ring.ring_fd, fd);
	cr_assert_eq(ring.sq.ring_entries, 8u);
	cr_assert_eq(ring.cq.ring_entries, 16u);
	for (unsigned round = 0; round < 5; round++) { /* round both rings */
		submit_nops(&ring, 8, round * 10);
		reap_nops(&ring, 8, round * 10);
	}
	rr_ring_exit(&ring);
	cr_assert(!fd_open(fd), "rr_ring_exit closes the fd it was given");
}

Test(setup_mmap, a_ring_in_use_is_taken_up_where_it_stands)
{
	struct rr_ring first, second;

	ring_init_or_skip(&first, 4, 0);
	/* Round the SQ once, and leave two CQEs unreaped. */
	submit_nops(&first, 3, 100);
	reap_nops(&first, 3, 100);
	submit_nops(&first, 3, 200);
	reap_nops(&first, 1, 200);

	int fd = dup(first.ring_fd);
	cr_assert_geq(fd, 0);
	struct io_uring_params p = first.params;
	cr_assert_eq(rr_ring_mmap(fd, &p, &second), 0);
	cr_assert_eq(rr_cq_ready(&second), 2u, "the CQEs waiting are there");
	reap_nops(&second, 2, 201);
	cr_assert_eq(rr_sq_space_left(&second), 4u);
	submit_nops(&second, 4, 300); /* from the SQ's tail, not slot 0 */
	reap_nops(&second, 4, 300);
	rr_ring_exit(&second);
	cr_assert(fd_open(first.ring_fd), "the other handle is untouched");
	rr_ring_exit(&first);
}

Test(setup_mmap, parameters_that_do_not_describe_the_ring_are_refused)
{
	struct io_uring_params p, bad;
	struct rr_ring ring;

	memset(&p, 0, sizeof(p));
	int fd = setup_or_skip(16, &p);

	bad = p; /* a smaller SQ than the ring has: its words would be misread */
	bad.sq_entries = 8;
	cr_assert_eq(rr_ring_mmap(fd, &bad, &ring), -EINVAL);
	bad = p;
	bad.cq_entries = 64;
	cr_assert_eq(rr_ring_mmap(fd, &bad, &ring), -EINVAL);
	bad = p; /* a flag rawring would misread */
	bad.flags |= IORING_SETUP_SQE_MIXED;
	cr_assert_eq(rr_ring_mmap(fd, &bad, &ring), -EINVAL);
	bad = p; /* nothing to map: the memory is the caller's */
	bad.flags |= IORING_SETUP_NO_MMAP;
	cr_assert_eq(rr_ring_mmap(fd, &bad, &ring), -EINVAL);
	cr_assert_eq(rr_ring_mmap(fd, NULL, &ring), -EINVAL);
	cr_assert_eq(rr_ring_mmap(fd, &p, NULL), -EINVAL);
	cr_assert_eq(rr_ring_mmap(-1, &p, &ring), -EBADF);
	cr_assert_null(rr_get_sqe(&ring), "a failed map leaves the ring dead");
	cr_assert(fd_open(fd), "a failure leaves the fd to the caller");

	int pipe_fds[2];
	cr_assert_eq(pipe(pipe_fds), 0);
	cr_assert_lt(rr_ring_mmap(pipe_fds[0], &p, &ring), 0, "not a ring");
	cr_assert(fd_open(pipe_fds[0]));
	close(pipe_fds[0]);
	close(pipe_fds[1]);

	cr_assert_eq(rr_ring_mmap(fd, &p, &ring), 0, "the right parameters");
	submit_nops(&ring, 16, 1);
	reap_nops(&ring, 16, 1);
	rr_ring_exit(&ring);
}
