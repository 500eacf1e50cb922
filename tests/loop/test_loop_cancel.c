/* Cancellation and teardown: every callback exactly once. */
#define _GNU_SOURCE
#include "../driver/rr_test.h"
#include <errno.h>
#include <string.h>

#ifndef _WIN32
#include <unistd.h>
#endif

#include "../platform/platform.h"
#include "fixture.h"

TestSuite(loop_cancel, .timeout = 60);

/*
 * Whether the process is back to at most `before` open fds within 2 s.  A
 * backend library may close its own fds lazily (libkqueue frees a closed
 * kqueue's fds from a helper thread); rawring closes its own at once.
 */
static bool fds_back_to(int before)
{
	uint64_t deadline = rr_now_ns() + 2000000000ull;

	while (count_open_fds() > before) {
		if (rr_now_ns() > deadline)
			return false;
		sleep_ms(10);
	}
	return true;
}

Test(loop_cancel, cancel_of_a_pending_recv_gives_ecanceled_once)
{
	struct rr_loop loop;
	struct rr_op op;
	struct recorder rec = { 0 };
	rr_fd_t fds[2];
	char buf[8];

	open_loop(&loop, 0);
	stream_pair(fds);
	rr_op_init(&op, record_cb, &rec);
	cr_assert_eq(rr_recv(&loop, &op, fds[0], buf, sizeof(buf), 0), 0);
	cr_assert_eq(rr_loop_run(&loop, RR_RUN_NOWAIT), 0);
	cr_assert_eq(op.state, RR_OP_IN_FLIGHT);
	cr_assert_eq(rr_cancel(&loop, &op), 0);
	cr_assert_eq(rr_cancel(&loop, &op), -EALREADY);
	run_until_done(&loop, 5000);
	cr_assert_eq(rec.calls, 1);
	cr_assert_eq(rec.result, -ECANCELED);
	cr_assert_eq(rr_cancel(&loop, &op), -ENOENT, "nothing to cancel any more");
	close_fd(fds[0]);
	close_fd(fds[1]);
	rr_loop_deinit(&loop);
}

Test(loop_cancel, cancel_of_a_queued_op_completes_it_and_its_chain)
{
	struct rr_loop loop;
	struct rr_op a, b, c;
	struct recorder ra = { 0 }, rb = { 0 }, rc = { 0 };

	open_loop(&loop, 0);
	rr_op_init(&a, record_cb, &ra);
	rr_op_init(&b, record_cb, &rb);
	rr_op_init(&c, record_cb, &rc);
	rr_op_link(&a);
	cr_assert_eq(rr_nop(&loop, &a), 0);
	cr_assert_eq(rr_nop(&loop, &b), 0);
	cr_assert_eq(rr_nop(&loop, &c), 0);
	cr_assert_eq(a.state, RR_OP_QUEUED);
	cr_assert_eq(rr_cancel(&loop, &a), 0);
	cr_assert_eq(ra.calls, 0, "no callback inside rr_cancel");
	run_until_done(&loop, 5000);
	cr_assert_eq(ra.result, -ECANCELED);
	cr_assert_eq(rb.result, -ECANCELED, "linked to the cancelled op");
	cr_assert_eq(rc.result, 0, "not part of the chain");
	cr_assert_eq(ra.calls + rb.calls + rc.calls, 3);
	rr_loop_deinit(&loop);
}

Test(loop_cancel, cancel_racing_completion_runs_the_callback_exactly_once)
{
	struct rr_loop loop;
	enum { ROUNDS = 500 };
	rr_fd_t fds[2];
	char buf[4];
	int cancelled = 0, completed = 0;

	open_loop(&loop, 0);
	stream_pair(fds);
	for (int i = 0; i < ROUNDS; i++) {
		struct rr_op op;
		struct recorder rec = { 0 };
		rr_op_init(&op, record_cb, &rec);
		cr_assert_eq(rr_recv(&loop, &op, fds[0], buf, 1, 0), 0);
		cr_assert_eq(rr_loop_run(&loop, RR_RUN_NOWAIT), 0);
		/* Data and the cancellation arrive together. */
		cr_assert_eq(sock_send(fds[1], "z", 1), 1);
		int ret = rr_cancel(&loop, &op);
		cr_assert(ret == 0 || ret == -ENOENT);
		run_until_done(&loop, 5000);
		cr_assert_eq(rec.calls, 1, "round %d: %d callbacks", i, rec.calls);
		if (rec.result == -ECANCELED) {
			cancelled++;
			cr_assert_eq(sock_recv(fds[0], buf, 1), 1, "the byte is still there");
		} else {
			cr_assert_eq(rec.result, 1, "round %d: %d", i, rec.result);
			completed++;
		}
	}
	cr_assert_eq(cancelled + completed, ROUNDS);
	close_fd(fds[0]);
	close_fd(fds[1]);
	rr_loop_deinit(&loop);
}

Test(loop_cancel, deinit_with_ops_in_flight_calls_every_callback_once)
{
	struct rr_loop loop;
	enum { RECVS = 50, TIMERS = 50, QUEUED = 300 };
	static struct rr_op recvs[RECVS], timers[TIMERS], queued[QUEUED];
	static struct recorder rrec[RECVS], trec[TIMERS], qrec[QUEUED];
	rr_fd_t fds[RECVS][2];
	char buf[8];

	/* A first loop lets a backend library set up its process-wide state
	 * (libkqueue keeps an epoll and an eventfd for the process). */
	open_loop(&loop, 32);
	rr_loop_deinit(&loop);
	int fds_before = count_open_fds();
	open_loop(&loop, 32);
	for (int i = 0; i < RECVS; i++) {
		stream_pair(fds[i]);
		memset(&rrec[i], 0, sizeof(rrec[i]));
		rr_op_init(&recvs[i], record_cb, &rrec[i]);
		cr_assert_eq(rr_recv(&loop, &recvs[i], fds[i][0], buf, sizeof(buf), 0), 0);
	}
	for (int i = 0; i < TIMERS; i++) {
		memset(&trec[i], 0, sizeof(trec[i]));
		rr_op_init(&timers[i], record_cb, &trec[i]);
		cr_assert_eq(rr_timeout(&loop, &timers[i], 3600ull * 1000000000, 0), 0);
	}
	cr_assert_eq(rr_loop_run(&loop, RR_RUN_NOWAIT), 0);
	for (int i = 0; i < QUEUED; i++) {
		memset(&qrec[i], 0, sizeof(qrec[i]));
		rr_op_init(&queued[i], record_cb, &qrec[i]);
		cr_assert_eq(rr_nop(&loop, &queued[i]), 0);
	}
	rr_loop_deinit(&loop);

	for (int i = 0; i < RECVS; i++) {
		cr_assert_eq(rrec[i].calls, 1);
		cr_assert_eq(rrec[i].result, -ECANCELED);
		/* The application's fds are still open. */
		cr_assert(fd_is_open(fds[i][0]));
		close_fd(fds[i][0]);
		close_fd(fds[i][1]);
	}
	for (int i = 0; i < TIMERS; i++) {
		cr_assert_eq(trec[i].calls, 1);
		cr_assert_eq(trec[i].result, -ECANCELED);
	}
	for (int i = 0; i < QUEUED; i++) {
		cr_assert_eq(qrec[i].calls, 1);
		cr_assert(qrec[i].result == -ECANCELED || qrec[i].result == 0);
	}
	/* With the pairs closed, the loop's own fds (ring, eventfd) are gone too. */
	cr_assert(fds_back_to(fds_before), "%d fds open, %d before",
		  count_open_fds(), fds_before);
}

static void reschedule_during_deinit(struct rr_loop *loop, struct rr_op *op,
				     int result)
{
	struct recorder *rec = op->context;

	rec->calls++;
	rec->result = result;
	/* Not allowed any more: the loop is going away. */
	rec->done = rr_nop(loop, op) == -ESHUTDOWN;
}

Test(loop_cancel, scheduling_from_a_callback_during_deinit_is_eshutdown)
{
	struct rr_loop loop;
	struct rr_op timer;
	struct recorder rec = { 0 };

	open_loop(&loop, 0);
	rr_op_init(&timer, reschedule_during_deinit, &rec);
	cr_assert_eq(rr_timeout(&loop, &timer, 3600ull * 1000000000, 0), 0);
	rr_loop_deinit(&loop);
	cr_assert_eq(rec.calls, 1);
	cr_assert_eq(rec.result, -ECANCELED);
	cr_assert(rec.done, "rescheduling during deinit must give -ESHUTDOWN");
}

Test(loop_cancel, a_loop_leaves_no_fd_behind)
{
	struct rr_loop loop;

	open_loop(&loop, 0); /* process-wide state of a backend library, once */
	rr_loop_deinit(&loop);
	int before = count_open_fds();
	for (int i = 0; i < 10; i++) {
		open_loop(&loop, 0);
		rr_loop_deinit(&loop);
	}
	cr_assert(fds_back_to(before), "%d fds open, %d before", count_open_fds(), before);
}

Test(loop_cancel, ops_beyond_the_ring_size_are_all_submitted_while_others_idle)
{
	struct rr_loop loop;
	enum { IDLE = 300 };
	static struct rr_op ops[IDLE];
	static struct recorder recs[IDLE];
	static rr_fd_t pairs[IDLE][2];
	char buf[IDLE][4];

	/* 300 receives that will not complete on a 16-entry ring: the loop
	 * must still hand every one to the kernel, and the last one must see
	 * its data. */
	open_loop(&loop, 16);
	for (int i = 0; i < IDLE; i++) {
		stream_pair(pairs[i]);
		memset(&recs[i], 0, sizeof(recs[i]));
		rr_op_init(&ops[i], record_cb, &recs[i]);
		cr_assert_eq(rr_recv(&loop, &ops[i], pairs[i][0], buf[i], sizeof(buf[i]), 0), 0);
	}
	cr_assert_eq(sock_send(pairs[IDLE - 1][1], "last", 4), 4);
	run_until(&loop, &recs[IDLE - 1].done, 10000);
	cr_assert_eq(recs[IDLE - 1].result, 4);
	cr_assert_eq(rr_loop_stats(&loop).ops_submitted, (uint64_t)IDLE);
	rr_loop_deinit(&loop);
	for (int i = 0; i < IDLE; i++) {
		cr_assert_eq(recs[i].calls, 1);
		close_fd(pairs[i][0]);
		close_fd(pairs[i][1]);
	}
}

/* A cancel the backend cannot ask for yet (io_uring: no SQE for the
 * request, the SQ full and a submit unable to empty it, as on a
 * SINGLE_ISSUER ring not enabled before its first turn) is refused with
 * -EBUSY and leaves the op as it was: asked again after a turn, it cancels
 * the op (it was -EALREADY for good, the op never cancelled). */
Test(loop_cancel, a_cancel_refused_for_a_full_sq_can_be_asked_again)
{
	enum { ENTRIES = 8 };
	struct rr_loop loop;
	struct rr_loop_options options = loop_options(ENTRIES);
	struct rr_op recv[ENTRIES];
	struct recorder rec[ENTRIES];
	rr_fd_t fds[2];
	char buf[ENTRIES][8];

	if (!testing_uring())
		cr_skip_test("io_uring only: the other backends have no SQ to fill");
	options.sqpoll = false;
	options.iopoll = false;
	options.single_issuer = true; /* its ring is enabled by the first turn */
	open_loop_with(&loop, &options);
	memset(rec, 0, sizeof(rec));
	stream_pair(fds);
	/* The wake read holds one slot; idle receives take the rest. */
	for (unsigned i = 0; i + 1 < ENTRIES; i++) {
		rr_op_init(&recv[i], record_cb, &rec[i]);
		cr_assert_eq(rr_recv(&loop, &recv[i], fds[0], buf[i], 8, 0), 0);
	}
	int first = rr_cancel(&loop, &recv[0]);
	cr_assert(first == 0 || first == -EBUSY, "first cancel: %d", first);
	cr_assert_geq(rr_loop_run(&loop, RR_RUN_NOWAIT), 0); /* the SQ goes out */
	if (first == -EBUSY)
		cr_assert_eq(rr_cancel(&loop, &recv[0]), 0, "asked again after the turn");
	for (int i = 0; i < 100 && !rec[0].calls; i++)
		cr_assert_geq(rr_loop_run_for_ns(&loop, 10000000), 0);
	cr_assert_eq(rec[0].calls, 1);
	cr_assert_eq(rec[0].result, -ECANCELED);
	for (unsigned i = 1; i + 1 < ENTRIES; i++)
		cr_assert_eq(rec[i].calls, 0, "recv %u: still waiting", i);
	rr_loop_deinit(&loop);
	for (unsigned i = 1; i + 1 < ENTRIES; i++)
		cr_assert_eq(rec[i].calls, 1, "recv %u: cancelled by the deinit", i);
	close_fd(fds[0]);
	close_fd(fds[1]);
}
