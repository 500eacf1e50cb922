/*
 * Timed waits beyond rr_wait_cqes: a minimum wait (6.12), an absolute
 * deadline (IORING_ENTER_ABS_TIMER, 6.12), submit-and-wait that reports what
 * it submitted, rr_get_events, and the refusal of timed waits on kernels
 * without IORING_FEAT_EXT_ARG (forced here by clearing the feature bit).
 */
#define _GNU_SOURCE
#include "driver/rr_test.h"
#include <errno.h>
#include <string.h>
#include <time.h>

#include "helpers.h"

TestSuite(wait_timeouts, .timeout = 30);

static uint64_t ms_since(uint64_t start)
{
	return (now_ns() - start) / 1000000u;
}

static void queue_nop(struct rr_ring *ring, uint64_t user_data)
{
	struct io_uring_sqe *sqe = must_get_sqe(ring);

	rr_prep_nop(sqe);
	rr_sqe_set_data64(sqe, user_data);
}

Test(wait_timeouts, min_timeout_returns_with_what_came_after_the_minimum)
{
	struct rr_ring ring;
	struct io_uring_cqe *cqe = NULL;
	struct __kernel_timespec ts = { .tv_sec = 3 };

	ring_init_or_skip(&ring, 8, 0);
	if (!(ring.features & IORING_FEAT_MIN_TIMEOUT)) {
		cr_assert_eq(rr_wait_cqes_min_timeout(&ring, &cqe, 2, &ts, 1000, NULL),
			     -EOPNOTSUPP);
		rr_ring_exit(&ring);
		cr_skip_test("the kernel has no IORING_FEAT_MIN_TIMEOUT (6.12)");
	}
	queue_nop(&ring, 1);
	uint64_t start = now_ns();
	/* Two wanted, one comes: back after the 20 ms minimum, not after 3 s. */
	cr_assert_eq(rr_wait_cqes_min_timeout(&ring, &cqe, 2, &ts, 20000, NULL), 0);
	cr_assert_lt(ms_since(start), 1500u);
	cr_assert_not_null(cqe);
	cr_assert_eq(cqe->user_data, 1u);
	rr_cqe_seen(&ring, cqe);
	rr_ring_exit(&ring);
}

Test(wait_timeouts, an_absolute_deadline_ends_the_wait_at_that_time)
{
	struct rr_ring ring;
	struct io_uring_cqe *cqe = NULL;
	struct timespec now;

	ring_init_or_skip(&ring, 8, 0);
	cr_assert_eq(rr_wait_cqes_until(&ring, &cqe, 1, NULL, NULL), -EINVAL);
	clock_gettime(CLOCK_MONOTONIC, &now);
	uint64_t deadline_ns = (uint64_t)now.tv_sec * 1000000000u +
			       (uint64_t)now.tv_nsec + 50000000u;
	struct __kernel_timespec deadline = {
		.tv_sec = (long long)(deadline_ns / 1000000000u),
		.tv_nsec = (long long)(deadline_ns % 1000000000u),
	};
	uint64_t start = now_ns();
	int ret = rr_wait_cqes_until(&ring, &cqe, 1, &deadline, NULL);
	if (ret == -EINVAL)
		cr_skip_test("the kernel has no IORING_ENTER_ABS_TIMER (6.12)");
	cr_assert_eq(ret, -ETIME);
	cr_assert_geq(ms_since(start), 45u);
	cr_assert_lt(ms_since(start), 1000u);

	/* A deadline in the past: at once. */
	start = now_ns();
	cr_assert_eq(rr_wait_cqes_until(&ring, &cqe, 1, &deadline, NULL), -ETIME);
	cr_assert_lt(ms_since(start), 100u);
	rr_ring_exit(&ring);
}

Test(wait_timeouts, submit_and_wait_timeout_reports_what_it_submitted)
{
	struct rr_ring ring;
	struct io_uring_cqe *cqe = NULL;
	struct __kernel_timespec ts = { .tv_sec = 2 };

	ring_init_or_skip(&ring, 8, 0);
	queue_nop(&ring, 1);
	queue_nop(&ring, 2);
	cr_assert_eq(rr_submit_and_wait_timeout(&ring, &cqe, 2, &ts, NULL), 2);
	cr_assert_eq(cqe->user_data, 1u);
	cr_assert_eq(rr_cq_ready(&ring), 2u);
	rr_cq_advance(&ring, 2);
	struct __kernel_timespec short_ts = { .tv_nsec = 20000000 };
	cr_assert_eq(rr_submit_and_wait_timeout(&ring, &cqe, 1, &short_ts, NULL), -ETIME);
	cr_assert_eq(rr_get_events(&ring), 0);
	rr_ring_exit(&ring);
	cr_assert_eq(rr_get_events(&ring), -EBADF, "an exited ring");
}

/* The ring as on a kernel before 5.11: timed waits are refused, never
 * passed to the kernel with an argument it does not take. */
Test(wait_timeouts, without_ext_arg_timed_waits_are_refused)
{
	struct rr_ring ring;
	struct io_uring_cqe *cqe = NULL;
	struct __kernel_timespec ts = { .tv_nsec = 50000000 };

	ring_init_or_skip(&ring, 8, 0);
	ring.features &= ~IORING_FEAT_EXT_ARG;
	queue_nop(&ring, 9);
	cr_assert_eq(rr_wait_cqes(&ring, &cqe, 1, &ts, NULL), -EOPNOTSUPP);
	cr_assert_eq(rr_submit_and_wait_timeout(&ring, &cqe, 1, &ts, NULL), -EOPNOTSUPP);
	cr_assert_eq(rr_wait_cqes_min_timeout(&ring, &cqe, 1, &ts, 10, NULL), -EOPNOTSUPP);
	/* The untimed calls still work. */
	cr_assert_eq(rr_submit_and_wait(&ring, 1), 1);
	cr_assert_eq(rr_peek_cqe(&ring, &cqe), 0);
	cr_assert_eq(cqe->user_data, 9u);
	rr_cqe_seen(&ring, cqe);
	rr_ring_exit(&ring);
}
