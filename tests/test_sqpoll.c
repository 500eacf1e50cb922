/* SQPOLL: the kernel thread consumes the SQ; rawring enters only to wake it. */
#define _GNU_SOURCE
#include "driver/rr_test.h"
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"

TestSuite(sqpoll, .timeout = 60);

static void sqpoll_ring(struct rr_ring *ring, unsigned idle_ms)
{
	struct io_uring_params params;

	memset(&params, 0, sizeof(params));
	params.flags = IORING_SETUP_SQPOLL;
	params.sq_thread_idle = idle_ms;
	ring_init_params_or_skip(ring, 8, &params);
}

/* Spin on the CQ, without entering the kernel, for up to 5 s. */
static struct io_uring_cqe *spin_for_cqe(struct rr_ring *ring)
{
	struct io_uring_cqe *cqe;
	uint64_t deadline = now_ns() + 5ull * 1000000000;

	while (rr_peek_cqe(ring, &cqe) != 0) {
		cr_assert_lt(now_ns(), deadline, "no CQE within 5 s");
		sched_yield();
	}
	return cqe;
}

Test(sqpoll, submission_needs_no_enter_while_the_thread_is_awake)
{
	struct rr_ring ring;

	sqpoll_ring(&ring, 10000);
	/* A new thread may go to sleep before it has seen work; the first
	 * submission wakes it, and from then on it stays awake for
	 * sq_thread_idle (10 s) after its last work. */
	struct io_uring_sqe *first = must_get_sqe(&ring);
	rr_prep_nop(first);
	cr_assert_eq(rr_submit(&ring), 1);
	rr_cqe_seen(&ring, spin_for_cqe(&ring));

	unsigned long long enters = ring.enter_calls;
	for (uint64_t i = 0; i < 4; i++) {
		cr_assert_eq(rr_load_relaxed(ring.sq.kflags) & IORING_SQ_NEED_WAKEUP,
			     0u, "the thread went idle within its idle time");
		struct io_uring_sqe *sqe = must_get_sqe(&ring);
		rr_prep_nop(sqe);
		rr_sqe_set_data64(sqe, i);
		cr_assert_eq(rr_submit(&ring), 1);
		struct io_uring_cqe *cqe = spin_for_cqe(&ring);
		cr_assert_eq(cqe->user_data, i);
		rr_cqe_seen(&ring, cqe);
	}
	cr_assert_eq(ring.enter_calls, enters, "submissions entered the kernel");
	rr_ring_exit(&ring);
}

Test(sqpoll, an_idle_thread_is_woken_and_the_submission_completes)
{
	struct rr_ring ring;

	sqpoll_ring(&ring, 10);
	/* Idle for far longer than sq_thread_idle, so the thread sleeps. */
	uint64_t deadline = now_ns() + 5ull * 1000000000;
	while (!(rr_load_relaxed(ring.sq.kflags) & IORING_SQ_NEED_WAKEUP)) {
		cr_assert_lt(now_ns(), deadline, "the SQPOLL thread never idled");
		usleep(10000);
	}

	unsigned long long enters = ring.enter_calls;
	struct io_uring_sqe *sqe = must_get_sqe(&ring);
	rr_prep_nop(sqe);
	rr_sqe_set_data64(sqe, 7);
	cr_assert_eq(rr_submit(&ring), 1);
	cr_assert_eq(ring.enter_calls, enters + 1, "one enter to wake the thread");

	struct io_uring_cqe *cqe = spin_for_cqe(&ring);
	cr_assert_eq(cqe->user_data, 7u);
	rr_cqe_seen(&ring, cqe);
	rr_ring_exit(&ring);
}

Test(sqpoll, sqring_wait_returns_once_there_is_space)
{
	struct rr_ring ring;
	struct rr_ring plain;

	sqpoll_ring(&ring, 1000);
	while (rr_sq_space_left(&ring)) {
		rr_prep_nop(must_get_sqe(&ring));
	}
	cr_assert_null(rr_get_sqe(&ring));
	cr_assert_geq(rr_submit(&ring), 0);
	cr_assert_eq(rr_sqring_wait(&ring), 0);
	cr_assert_gt(rr_sq_space_left(&ring), 0u);
	cr_assert_not_null(rr_get_sqe(&ring));
	rr_ring_exit(&ring);

	ring_init_or_skip(&plain, 4, 0);
	cr_assert_eq(rr_sqring_wait(&plain), -EINVAL, "only SQPOLL rings wait");
	rr_ring_exit(&plain);
}
