/* Waking a loop and handing it work from other threads. */
#define _GNU_SOURCE
#include "../driver/rr_test.h"
#include <errno.h>
#include <stdatomic.h>
#include <string.h>

#ifndef _WIN32
#include <unistd.h>
#include <pthread.h>
#endif

#include "../platform/platform.h"
#include "fixture.h"

TestSuite(loop_threads, .timeout = 60);

struct handoff {
	struct rr_async async;
	struct rr_op timer;
	struct recorder timer_rec;
	_Atomic int produced;
	int consumed_runs;
	int last_seen;
};

static void on_async(struct rr_loop *loop, struct rr_async *async)
{
	struct handoff *h = async->context;

	h->consumed_runs++;
	h->last_seen = atomic_load(&h->produced);
	if (h->last_seen == 1000)
		rr_cancel(loop, &h->timer); /* all handed over: let the loop end */
}

static void *producer(void *arg)
{
	struct handoff *h = arg;

	for (int i = 0; i < 1000; i++) {
		atomic_fetch_add(&h->produced, 1);
		cr_assert_eq(rr_async_send(&h->async), 0);
		if (i % 100 == 0)
			sleep_ms(1);
	}
	return NULL;
}

Test(loop_threads, async_sends_from_another_thread_reach_the_loop)
{
	struct rr_loop loop;
	struct handoff h;
	struct test_thread thread;

	memset(&h, 0, sizeof(h));
	open_loop(&loop, 0);
	rr_async_init(&loop, &h.async, on_async, &h);
	/* A long timer keeps the loop asleep until the producer is done. */
	rr_op_init(&h.timer, record_cb, &h.timer_rec);
	cr_assert_eq(rr_timeout(&loop, &h.timer, 60ull * 1000000000, 0), 0);
	thread_start(&thread, producer, &h);
	run_until(&loop, &h.timer_rec.done, 20000);
	thread_join(&thread);
	cr_assert_eq(h.last_seen, 1000, "the last send was seen");
	cr_assert_geq(h.consumed_runs, 1);
	cr_assert_leq(h.consumed_runs, 1000, "sends coalesce");
	cr_assert_eq(h.timer_rec.result, -ECANCELED);
	rr_loop_deinit(&loop);
}

struct sleeper {
	struct rr_loop *loop;
};

static void *wake_later(void *arg)
{
	struct sleeper *s = arg;

	sleep_ms(100);
	cr_assert_eq(rr_loop_wake(s->loop), 0);
	return NULL;
}

Test(loop_threads, a_wake_ends_a_blocking_run_once)
{
	struct rr_loop loop;
	struct rr_op timer;
	struct recorder rec = { 0 };
	struct sleeper s = { .loop = &loop };
	struct test_thread thread;

	open_loop(&loop, 0);
	rr_op_init(&timer, record_cb, &rec);
	cr_assert_eq(rr_timeout(&loop, &timer, 60ull * 1000000000, 0), 0);
	for (int round = 0; round < 3; round++) {
		thread_start(&thread, wake_later, &s);
		uint64_t start = rr_now_ns();
		/* Would block for a minute without the wake-up. */
		cr_assert_eq(rr_loop_run(&loop, RR_RUN_ONCE), 0);
		uint64_t took = rr_now_ns() - start;
		thread_join(&thread);
		cr_assert_lt(took, 30ull * 1000000000, "the wake did not end the wait");
		cr_assert_eq(rec.calls, 0);
	}
	rr_loop_deinit(&loop);
}

struct message_count {
	int received;
};

static void on_message(struct rr_loop *loop, struct rr_async *async)
{
	struct message_count *count = async->context;

	(void)loop;
	count->received++;
}

struct sender {
	struct rr_loop *target_loop;
	struct rr_async *target;
	int sent;
};

static void send_from_callback(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct sender *s = op->context;

	(void)result;
	cr_assert_eq(rr_async_send_from(loop, s->target), 0);
	s->sent++;
}

Test(loop_threads, loops_message_each_other)
{
	struct rr_loop a, b;
	struct rr_async inbox;
	struct message_count count = { 0 };
	struct rr_op op;
	struct sender s;
	struct rr_op b_timer;
	struct recorder b_rec = { 0 };

	open_loop(&a, 0);
	open_loop(&b, 0);
	rr_async_init(&b, &inbox, on_message, &count);
	s.target_loop = &b;
	s.target = &inbox;
	s.sent = 0;
	rr_op_init(&b_timer, record_cb, &b_rec);
	cr_assert_eq(rr_timeout(&b, &b_timer, 60ull * 1000000000, 0), 0);
	/* Let b block once so its own setup submissions are out of the way. */
	cr_assert_eq(rr_loop_run(&b, RR_RUN_NOWAIT), 0);
	uint64_t b_syscalls = rr_loop_stats(&b).syscalls;

	for (int round = 1; round <= 20; round++) {
		rr_op_init(&op, send_from_callback, &s);
		cr_assert_eq(rr_nop(&a, &op), 0);
		cr_assert_eq(rr_loop_run(&a, RR_RUN_UNTIL_DONE), 1);
		cr_assert_eq(rr_loop_run(&a, RR_RUN_NOWAIT), 0); /* submits the message */
		/* b blocks until the message arrives (its timer is a minute). */
		cr_assert_geq(rr_loop_run(&b, RR_RUN_ONCE), 0);
		cr_assert_eq(count.received, round);
	}
	/* Through eventfd each message costs b's counter a write (20 in all);
	 * on io_uring, MSG_RING posts the messages to b's CQ during a's
	 * submissions, and b finds them without a system call. */
	uint64_t b_calls = rr_loop_stats(&b).syscalls - b_syscalls;
	if (testing_single_issuer())
		/* A deferred ring runs the message's task work only when its
		 * thread enters: one enter each (the wait b makes anyway), and
		 * still no eventfd write. */
		cr_assert_leq(b_calls, 22u, "%llu system calls for 20 messages",
			      (unsigned long long)b_calls);
	else if (testing_uring())
		cr_assert_lt(b_calls, 20u, "%llu system calls for 20 messages",
			     (unsigned long long)b_calls);
	rr_loop_deinit(&a);
	rr_loop_deinit(&b);
}

/* ---- single_issuer loops: one thread turns them, the first to ---------- */

static void open_single_issuer_loop(struct rr_loop *loop)
{
	struct rr_loop_options options = loop_options(0);
	options.single_issuer = true;
	int ret = rr_loop_init(loop, &options);
	if (ret == -ENOSYS || ret == -EPERM)
		cr_skip_test("backend unavailable here: %s", strerror(-ret));
	cr_assert_eq(ret, 0, "rr_loop_init: %s", strerror(-ret));
}

struct worker_run {
	struct rr_loop *loop;
	int result;
	bool deinit;
};

static void *run_on_worker(void *arg)
{
	struct worker_run *w = arg;

	w->result = rr_loop_run(w->loop, RR_RUN_UNTIL_DONE);
	if (w->deinit)
		rr_loop_deinit(w->loop);
	return NULL;
}

Test(loop_threads, a_single_issuer_loop_runs_on_the_thread_that_first_turns_it)
{
	struct rr_loop loop;
	struct rr_op nops[8], timer;
	struct recorder rec = { 0 }, timer_rec = { 0 };
	struct test_thread thread;

	open_single_issuer_loop(&loop); /* created here, run there */
	for (int i = 0; i < 8; i++) {
		rr_op_init(&nops[i], record_cb, &rec);
		cr_assert_eq(rr_nop(&loop, &nops[i]), 0);
	}
	rr_op_init(&timer, record_cb, &timer_rec);
	cr_assert_eq(rr_timeout(&loop, &timer, 20ull * 1000000, 0), 0);
	struct worker_run w = { .loop = &loop, .deinit = true };
	thread_start(&thread, run_on_worker, &w);
	thread_join(&thread);
	cr_assert_eq(w.result, 9, "every callback ran on the worker");
	cr_assert_eq(rec.calls, 8);
	cr_assert_eq(timer_rec.result, -ETIME);
}

Test(loop_threads, a_single_issuer_loop_refuses_a_second_thread)
{
	struct rr_loop loop;
	struct rr_op nop;
	struct recorder rec = { 0 };
	struct test_thread thread;

	open_single_issuer_loop(&loop);
	if (!strstr(rr_loop_backend_reason(&loop), "SINGLE_ISSUER")) {
		rr_loop_deinit(&loop);
		cr_skip_test("not a SINGLE_ISSUER ring here: %s", rr_loop_backend_reason(&loop));
	}
	rr_op_init(&nop, record_cb, &rec);
	cr_assert_eq(rr_nop(&loop, &nop), 0);
	cr_assert_eq(rr_loop_run(&loop, RR_RUN_UNTIL_DONE), 1); /* this thread's now */

	cr_assert_eq(rr_nop(&loop, &nop), 0);
	struct worker_run w = { .loop = &loop, .deinit = false };
	thread_start(&thread, run_on_worker, &w);
	thread_join(&thread);
	cr_assert_eq(w.result, -EEXIST, "another thread's turn: %d", w.result);
	cr_assert_eq(rec.calls, 1, "nothing ran there");
	/* Its own thread goes on: the op it scheduled completes once. */
	cr_assert_eq(rr_loop_run(&loop, RR_RUN_UNTIL_DONE), 1);
	cr_assert_eq(rec.calls, 2);
	rr_loop_deinit(&loop);
}

static void *deinit_on_worker(void *arg)
{
	rr_loop_deinit(arg);
	return NULL;
}

Test(loop_threads, a_single_issuer_loop_never_run_can_be_deinit_anywhere)
{
	struct rr_loop loop;
	struct rr_op nop;
	struct recorder rec = { 0 };
	struct test_thread thread;

	open_single_issuer_loop(&loop);
	rr_op_init(&nop, record_cb, &rec);
	cr_assert_eq(rr_nop(&loop, &nop), 0);
	/* The worker's deinit is the ring's first turn: it becomes the
	 * submitter and the op's callback runs there, once. */
	thread_start(&thread, deinit_on_worker, &loop);
	thread_join(&thread);
	cr_assert_eq(rec.calls, 1);
	cr_assert(rec.result == 0 || rec.result == -ECANCELED,
		  "a NOP that ran, or was cancelled: %d", rec.result);
}
