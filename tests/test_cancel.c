/* Cancellation and timeouts as SQEs. */
#define _GNU_SOURCE
#include "driver/rr_test.h"
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"

TestSuite(cancel, .timeout = 30);

/* Reap `n` CQEs, storing each res by user data (1-based, up to 4). */
static void reap_by_data(struct rr_ring *ring, unsigned n, int res[5])
{
	for (unsigned i = 0; i < n; i++) {
		struct io_uring_cqe *cqe = wait_cqe_ms(ring, 5000);
		cr_assert_geq(cqe->user_data, 1u);
		cr_assert_leq(cqe->user_data, 4u);
		res[cqe->user_data] = cqe->res;
		rr_cqe_seen(ring, cqe);
	}
}

Test(cancel, cancel_of_a_pending_recv_gives_ecanceled)
{
	struct rr_ring ring;
	int fds[2], res[5] = { 0 };
	char buf[32];

	ring_init_or_skip(&ring, 4, 0);
	stream_pair(fds);
	struct io_uring_sqe *sqe = must_get_sqe(&ring);
	rr_prep_recv(sqe, fds[0], buf, sizeof(buf), 0);
	rr_sqe_set_data64(sqe, 1);
	cr_assert_eq(rr_submit(&ring), 1);
	cr_assert_eq(rr_cq_ready(&ring), 0u, "the recv is pending");

	sqe = must_get_sqe(&ring);
	rr_prep_cancel64(sqe, 1, 0);
	rr_sqe_set_data64(sqe, 2);
	cr_assert_eq(rr_submit(&ring), 1);
	reap_by_data(&ring, 2, res);
	cr_assert_eq(res[1], -ECANCELED);
	cr_assert_eq(res[2], 0, "the cancel found its target");
	close(fds[0]);
	close(fds[1]);
	rr_ring_exit(&ring);
}

Test(cancel, cancel_of_unknown_user_data_is_enoent)
{
	struct rr_ring ring;
	int res[5] = { 0 };

	ring_init_or_skip(&ring, 4, 0);
	struct io_uring_sqe *sqe = must_get_sqe(&ring);
	rr_prep_cancel64(sqe, 12345, 0);
	rr_sqe_set_data64(sqe, 1);
	cr_assert_eq(rr_submit(&ring), 1);
	reap_by_data(&ring, 1, res);
	cr_assert_eq(res[1], -ENOENT);
	rr_ring_exit(&ring);
}

Test(cancel, cancel_fd_and_cancel_all_reach_every_request)
{
	struct rr_ring ring;
	int fds[2], res[5] = { 0 };
	char a[8], b[8];

	ring_init_or_skip(&ring, 8, 0);
	stream_pair(fds);
	struct io_uring_sqe *sqe = must_get_sqe(&ring);
	rr_prep_poll_add(sqe, fds[0], POLLIN);
	rr_sqe_set_data64(sqe, 1);
	sqe = must_get_sqe(&ring);
	rr_prep_recv(sqe, fds[1], a, sizeof(a), 0);
	rr_sqe_set_data64(sqe, 2);
	sqe = must_get_sqe(&ring);
	rr_prep_recv(sqe, fds[1], b, sizeof(b), 0);
	rr_sqe_set_data64(sqe, 3);
	cr_assert_eq(rr_submit(&ring), 3);

	sqe = must_get_sqe(&ring);
	rr_prep_cancel_fd(sqe, fds[1], IORING_ASYNC_CANCEL_ALL);
	rr_sqe_set_data64(sqe, 4);
	cr_assert_eq(rr_submit(&ring), 1);
	reap_by_data(&ring, 3, res);
	cr_assert_eq(res[2], -ECANCELED);
	cr_assert_eq(res[3], -ECANCELED);
	cr_assert_eq(res[4], 2, "both requests on the fd were cancelled");

	sqe = must_get_sqe(&ring);
	rr_prep_cancel_all(sqe);
	rr_sqe_set_data64(sqe, 4);
	cr_assert_eq(rr_submit(&ring), 1);
	reap_by_data(&ring, 2, res);
	cr_assert_eq(res[1], -ECANCELED, "the poll was cancelled");
	cr_assert_eq(res[4], 1);
	close(fds[0]);
	close(fds[1]);
	rr_ring_exit(&ring);
}

Test(cancel, timeout_fires_with_etime_and_remove_cancels_it)
{
	struct rr_ring ring;
	int res[5] = { 0 };
	struct __kernel_timespec short_ts = { .tv_sec = 0, .tv_nsec = 20 * 1000000 };
	struct __kernel_timespec long_ts = { .tv_sec = 60, .tv_nsec = 0 };

	ring_init_or_skip(&ring, 4, 0);
	struct io_uring_sqe *sqe = must_get_sqe(&ring);
	rr_prep_timeout(sqe, &short_ts, 0, 0);
	rr_sqe_set_data64(sqe, 1);
	sqe = must_get_sqe(&ring);
	rr_prep_timeout(sqe, &long_ts, 0, 0);
	rr_sqe_set_data64(sqe, 2);
	cr_assert_eq(rr_submit(&ring), 2);
	reap_by_data(&ring, 1, res);
	cr_assert_eq(res[1], -ETIME);

	sqe = must_get_sqe(&ring);
	rr_prep_timeout_remove(sqe, 2, 0);
	rr_sqe_set_data64(sqe, 3);
	cr_assert_eq(rr_submit(&ring), 1);
	reap_by_data(&ring, 2, res);
	cr_assert_eq(res[2], -ECANCELED);
	cr_assert_eq(res[3], 0);
	rr_ring_exit(&ring);
}
