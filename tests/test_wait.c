/* Waiting with a timeout through io_uring_enter's extended argument. */
#define _GNU_SOURCE
#include "driver/rr_test.h"
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "helpers.h"

TestSuite(wait, .timeout = 30);

Test(wait, timeout_returns_etime_near_the_deadline_and_uses_no_sqe)
{
	struct rr_ring ring;
	struct io_uring_cqe *cqe = (void *)1;
	struct __kernel_timespec ts = { .tv_sec = 0, .tv_nsec = 200 * 1000000 };

	ring_init_or_skip(&ring, 4, 0);
	if (!(ring.features & IORING_FEAT_EXT_ARG))
		cr_skip_test("kernel older than 5.11: no IORING_FEAT_EXT_ARG");

	unsigned tail_before = *ring.sq.ktail;
	uint64_t start = now_ns();
	int ret = rr_wait_cqe_timeout(&ring, &cqe, &ts);
	uint64_t waited = now_ns() - start;

	cr_assert_eq(ret, -ETIME, "got %d (%s)", ret, strerror(-ret));
	cr_assert_null(cqe);
	/* The lower bound is the kernel's promise; the upper one only catches
	 * a wait that ignores its timeout, so a slow machine cannot fail it. */
	cr_assert_geq(waited, 190u * 1000000, "returned after %llu ns",
		      (unsigned long long)waited);
	cr_assert_lt(waited, 10ull * 1000000000);
	cr_assert_eq(*ring.sq.ktail, tail_before, "no SQE was published");
	cr_assert_eq(rr_sq_space_left(&ring), 4u, "no SQE was taken");
	cr_assert_eq(rr_cq_ready(&ring), 0u, "no timeout CQE was posted");
	rr_ring_exit(&ring);
}

Test(wait, timeout_wait_returns_a_cqe_that_is_ready)
{
	struct rr_ring ring;
	struct io_uring_cqe *cqe = NULL;
	struct __kernel_timespec ts = { .tv_sec = 5, .tv_nsec = 0 };

	ring_init_or_skip(&ring, 4, 0);
	if (!(ring.features & IORING_FEAT_EXT_ARG))
		cr_skip_test("kernel older than 5.11: no IORING_FEAT_EXT_ARG");
	struct io_uring_sqe *sqe = must_get_sqe(&ring);
	rr_prep_nop(sqe);
	rr_sqe_set_data64(sqe, 42);

	/* rr_wait_cqes submits the pending NOP itself. */
	uint64_t start = now_ns();
	cr_assert_eq(rr_wait_cqes(&ring, &cqe, 1, &ts, NULL), 0);
	cr_assert_lt(now_ns() - start, 4ull * 1000000000, "waited for the timeout");
	cr_assert_eq(cqe->user_data, 42u);
	rr_cqe_seen(&ring, cqe);
	rr_ring_exit(&ring);
}

Test(wait, wait_cqes_with_fewer_ready_than_asked_times_out)
{
	struct rr_ring ring;
	struct io_uring_cqe *cqe = NULL;
	struct __kernel_timespec ts = { .tv_sec = 0, .tv_nsec = 50 * 1000000 };
	sigset_t mask;

	ring_init_or_skip(&ring, 4, 0);
	if (!(ring.features & IORING_FEAT_EXT_ARG))
		cr_skip_test("kernel older than 5.11: no IORING_FEAT_EXT_ARG");
	rr_prep_nop(must_get_sqe(&ring));
	sigemptyset(&mask);
	cr_assert_eq(rr_wait_cqes(&ring, &cqe, 2, &ts, &mask), -ETIME);
	cr_assert_not_null(cqe, "the one ready CQE is still handed back");
	cr_assert_eq(rr_cq_ready(&ring), 1u);
	rr_ring_exit(&ring);
}

Test(wait, null_cqe_pointer_is_einval)
{
	struct rr_ring ring;

	ring_init_or_skip(&ring, 4, 0);
	cr_assert_eq(rr_wait_cqe(&ring, NULL), -EINVAL);
	cr_assert_eq(rr_wait_cqe_timeout(&ring, NULL, NULL), -EINVAL);
	rr_ring_exit(&ring);
}

static void on_alarm(int sig)
{
	(void)sig;
}

Test(wait, a_signal_interrupts_a_wait_with_eintr)
{
	struct rr_ring ring;
	struct io_uring_cqe *cqe;
	struct sigaction sa;

	ring_init_or_skip(&ring, 4, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm; /* no SA_RESTART */
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval timer = { .it_value = { .tv_sec = 0, .tv_usec = 100000 } };
	setitimer(ITIMER_REAL, &timer, NULL);
	cr_assert_eq(rr_wait_cqe(&ring, &cqe), -EINTR);
	rr_ring_exit(&ring);
}

Test(wait, peek_runs_deferred_task_work_when_the_ring_flags_it)
{
	struct rr_ring ring;
	int fds[2];
	char buf[8];
	int ret = rr_ring_init(4, &ring, IORING_SETUP_SINGLE_ISSUER |
					    IORING_SETUP_DEFER_TASKRUN |
					    IORING_SETUP_TASKRUN_FLAG);

	if (ret == -EINVAL)
		cr_skip_test("kernel older than 6.1: no DEFER_TASKRUN");
	if (ret == -ENOSYS || ret == -EPERM)
		cr_skip_test("io_uring unavailable");
	cr_assert_eq(ret, 0);
	stream_pair(fds);
	rr_prep_recv(must_get_sqe(&ring), fds[0], buf, sizeof(buf), 0);
	cr_assert_eq(rr_submit(&ring), 1);
	cr_assert_eq(write(fds[1], "deferred", 8), 8);

	/* The completion waits as task work until we enter; the kernel says so
	 * with IORING_SQ_TASKRUN, and a peek then enters once to run it. */
	uint64_t deadline = now_ns() + 5ull * 1000000000;
	while (!(rr_load_relaxed(ring.sq.kflags) & IORING_SQ_TASKRUN))
		cr_assert_lt(now_ns(), deadline, "IORING_SQ_TASKRUN never set");
	cr_assert_eq(rr_cq_ready(&ring), 0u, "nothing posted before an enter");

	struct io_uring_cqe *cqe;
	unsigned long long enters = ring.enter_calls;
	cr_assert_eq(rr_peek_cqe(&ring, &cqe), 0);
	cr_assert_eq(ring.enter_calls, enters + 1);
	cr_assert_eq(cqe->res, 8);
	cr_assert_eq(memcmp(buf, "deferred", 8), 0);
	rr_cqe_seen(&ring, cqe);
	close(fds[0]);
	close(fds[1]);
	rr_ring_exit(&ring);
}
