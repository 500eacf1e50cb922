/*
 * Caller errors on the ring layer: a CQE seen twice, calls after
 * rr_ring_exit, lengths a 32-bit SQE field cannot hold.  A build with
 * asserts (rr_loop_asserts_enabled) aborts; a build without them must not
 * corrupt the ring: the head never passes the tail, calls on an exited ring
 * fail with -EBADF, lengths are clamped.
 */
#define _GNU_SOURCE
#include "driver/rr_test.h"
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"

TestSuite(misuse, .timeout = 60);

/* Run `body` in a child; true when the child died of SIGABRT. */
static bool aborts_in_child(void (*body)(struct rr_ring *), struct rr_ring *ring)
{
	pid_t child = fork();

	if (child == 0) {
		signal(SIGABRT, SIG_DFL);
		body(ring);
		_exit(0);
	}
	int status;
	cr_assert_eq(waitpid(child, &status, 0), child);
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

static void see_one_more(struct rr_ring *ring)
{
	rr_cq_advance(ring, 1);
}

/* Seeing one CQE twice used to move the head past the tail: rr_cq_ready
 * said 4294967295 and the next peek returned a stale slot. */
Test(misuse, a_cqe_seen_twice_never_moves_the_head_past_the_tail)
{
	struct rr_ring ring;
	struct io_uring_cqe *cqe;

	ring_init_or_skip(&ring, 8, 0);
	submit_nops(&ring, 1, 100);
	cr_assert_eq(rr_peek_cqe(&ring, &cqe), 0);
	rr_cqe_seen(&ring, cqe);
	cr_assert_eq(rr_cq_ready(&ring), 0u);
	if (rr_loop_asserts_enabled()) {
		cr_assert(aborts_in_child(see_one_more, &ring),
			  "a second rr_cqe_seen must abort in a build with asserts");
	} else {
		rr_cqe_seen(&ring, cqe);
		cr_assert_eq(rr_cq_ready(&ring), 0u, "clamped at the tail");
	}
	/* The ring still works: the next CQE is the next NOP's. */
	submit_nops(&ring, 1, 100);
	cqe = wait_cqe_ms(&ring, 5000);
	cr_assert_eq(cqe->user_data, 100u);
	rr_cqe_seen(&ring, cqe);
	cr_assert_eq(rr_cq_ready(&ring), 0u);
	rr_ring_exit(&ring);
}

static void submit_after_exit(struct rr_ring *ring)
{
	rr_submit(ring);
}

/* Calls on an exited ring used to touch its unmapped memory. */
Test(misuse, calls_after_rr_ring_exit_are_refused)
{
	struct rr_ring ring;
	struct io_uring_cqe *cqe = NULL;

	ring_init_or_skip(&ring, 8, 0);
	rr_ring_exit(&ring);
	cr_assert_null(rr_get_sqe(&ring), "no SQE from an exited ring");
	cr_assert_eq(rr_sq_ready(&ring), 0u);
	cr_assert_eq(rr_cq_ready(&ring), 0u);
	cr_assert_eq(rr_peek_cqe(&ring, &cqe), -EBADF);
	cr_assert_eq(rr_wait_cqe(&ring, &cqe), -EBADF);
	if (rr_loop_asserts_enabled())
		cr_assert(aborts_in_child(submit_after_exit, &ring),
			  "rr_submit after rr_ring_exit must abort in a build with asserts");
	else
		cr_assert_eq(rr_submit(&ring), -EBADF);
	rr_ring_exit(&ring); /* twice is fine */
}

static void prep_huge_recv(struct rr_ring *ring)
{
	static char buf[16];

	rr_prep_recv(must_get_sqe(ring), 0, buf, ((size_t)1 << 32) + 5, 0);
}

/* A size_t length that the SQE's 32-bit len cannot hold used to be
 * truncated (2^32 + 5 became 5).  It is caught, or clamped to UINT32_MAX
 * (a transfer the kernel shortens, never a different small one). */
Test(misuse, a_length_beyond_32_bits_is_never_truncated)
{
	struct rr_ring ring;
	static char buf[16];

	ring_init_or_skip(&ring, 8, 0);
#if SIZE_MAX > UINT32_MAX
	if (rr_loop_asserts_enabled()) {
		cr_assert(aborts_in_child(prep_huge_recv, &ring),
			  "rr_prep_recv with 2^32+5 must abort in a build with asserts");
	} else {
		struct io_uring_sqe *sqe = must_get_sqe(&ring);
		rr_prep_send(sqe, 0, buf, ((size_t)1 << 32) + 5, 0);
		cr_assert_eq(sqe->len, UINT32_MAX);
		rr_prep_nop(sqe);
	}
#endif
	struct io_uring_sqe *sqe = must_get_sqe(&ring);
	rr_prep_recv(sqe, 0, buf, UINT32_MAX, 0);
	cr_assert_eq(sqe->len, UINT32_MAX, "the largest length is kept");
	rr_prep_nop(sqe);
	rr_ring_exit(&ring);
}

/* ---- a registered ring used from another thread -------------------------- */

struct other_thread {
	struct rr_ring *ring;       /* registered by the main thread */
	int own_ret, result;
	uint64_t user_data;
};

/* In a second thread: register a ring of its own (it likely gets the same
 * index as the main thread's), then submit a NOP on the main thread's ring.
 * The kernel's registered-ring table is per thread: entering by the index
 * here would reach this thread's ring. */
static void *submit_from_another_thread(void *arg)
{
	struct other_thread *t = arg;
	struct rr_ring own;

	t->own_ret = rr_ring_init(4, &own, 0);
	if (t->own_ret == 0)
		t->own_ret = rr_register_ring_fd(&own);
	struct io_uring_sqe *sqe = rr_get_sqe(t->ring);
	rr_prep_nop(sqe);
	rr_sqe_set_data64(sqe, 77);
	struct io_uring_cqe *cqe;
	t->result = rr_submit(t->ring);
	if (t->result == 1 && rr_wait_cqe(t->ring, &cqe) == 0) {
		t->user_data = cqe->user_data;
		rr_cqe_seen(t->ring, cqe);
	}
	if (t->own_ret == 0) {
		cr_assert_eq(rr_cq_ready(&own), 0u, "nothing reached the other thread's ring");
		rr_ring_exit(&own);
	}
	return NULL;
}

Test(misuse, a_registered_ring_used_from_another_thread_reaches_itself)
{
	struct rr_ring ring;
	struct other_thread t = { .ring = &ring };
	struct test_thread thread;

	ring_init_or_skip(&ring, 4, 0);
	int ret = rr_register_ring_fd(&ring);
	if (ret == -EINVAL)
		cr_skip_test("no registered ring fds before 5.18");
	cr_assert_eq(ret, 0);
	thread_start(&thread, submit_from_another_thread, &t);
	thread_join(&thread);
	cr_assert_eq(t.own_ret, 0);
	cr_assert_eq(t.result, 1);
	cr_assert_eq(t.user_data, 77u, "the NOP completed on this ring");
	/* The registering thread still enters by the index. */
	unsigned long long before = ring.enter_calls;
	struct io_uring_sqe *sqe = must_get_sqe(&ring);
	rr_prep_nop(sqe);
	cr_assert_eq(run_one(&ring), 0);
	cr_assert_gt(ring.enter_calls, before);
	rr_ring_exit(&ring);
}

/* A thread registers its ring's fd and exits; a later thread (glibc gives it
 * the same pthread_t) must not take itself for the registering one: the
 * index died with the first thread's table. */
static void *register_and_leave(void *arg)
{
	struct rr_ring *ring = arg;

	if (rr_ring_init(4, ring, 0) == 0 && rr_register_ring_fd(ring) != 0)
		rr_ring_exit(ring);
	return NULL;
}

static void *nop_on_it(void *arg)
{
	struct other_thread *t = arg;
	struct io_uring_cqe *cqe;
	struct io_uring_sqe *sqe = rr_get_sqe(t->ring);

	rr_prep_nop(sqe);
	rr_sqe_set_data64(sqe, 5);
	t->result = rr_submit(t->ring);
	if (t->result == 1 && rr_wait_cqe(t->ring, &cqe) == 0) {
		t->user_data = cqe->user_data;
		rr_cqe_seen(t->ring, cqe);
	}
	return NULL;
}

Test(misuse, a_ring_registered_by_a_thread_that_exited_still_works)
{
	struct rr_ring ring;
	struct test_thread first, second;
	struct other_thread t = { .ring = &ring };

	memset(&ring, 0, sizeof(ring));
	ring.enter_fd = -1;
	thread_start(&first, register_and_leave, &ring);
	thread_join(&first);
	if (ring.enter_fd < 0 || !(ring.enter_flags & IORING_ENTER_REGISTERED_RING))
		cr_skip_test("io_uring or registered ring fds unavailable here");
	thread_start(&second, nop_on_it, &t);
	thread_join(&second);
	cr_assert_eq(t.result, 1, "submit: %d", t.result);
	cr_assert_eq(t.user_data, 5u);
	rr_ring_exit(&ring); /* from a third thread: closes the fd */
}
