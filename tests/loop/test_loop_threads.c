/* Waking a loop and handing it work from other threads. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "../helpers.h"
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
			usleep(1000);
	}
	return NULL;
}

Test(loop_threads, async_sends_from_another_thread_reach_the_loop)
{
	struct rr_loop loop;
	struct handoff h;
	pthread_t thread;

	memset(&h, 0, sizeof(h));
	open_loop(&loop, 0);
	rr_async_init(&loop, &h.async, on_async, &h);
	/* A long timer keeps the loop asleep until the producer is done. */
	rr_op_init(&h.timer, record_cb, &h.timer_rec);
	cr_assert_eq(rr_timeout(&loop, &h.timer, 60ull * 1000000000, 0), 0);
	cr_assert_eq(pthread_create(&thread, NULL, producer, &h), 0);
	run_until(&loop, &h.timer_rec.done, 20000);
	pthread_join(thread, NULL);
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

	usleep(100000);
	cr_assert_eq(rr_loop_wake(s->loop), 0);
	return NULL;
}

Test(loop_threads, a_wake_ends_a_blocking_run_once)
{
	struct rr_loop loop;
	struct rr_op timer;
	struct recorder rec = { 0 };
	struct sleeper s = { .loop = &loop };
	pthread_t thread;

	open_loop(&loop, 0);
	rr_op_init(&timer, record_cb, &rec);
	cr_assert_eq(rr_timeout(&loop, &timer, 60ull * 1000000000, 0), 0);
	for (int round = 0; round < 3; round++) {
		cr_assert_eq(pthread_create(&thread, NULL, wake_later, &s), 0);
		uint64_t start = rr_now_ns();
		/* Would block for a minute without the wake-up. */
		cr_assert_eq(rr_loop_run(&loop, RR_RUN_ONCE), 0);
		uint64_t took = rr_now_ns() - start;
		pthread_join(thread, NULL);
		cr_assert_lt(took, 30ull * 1000000000, "the wake did not end the wait");
		cr_assert_eq(rec.calls, 0);
	}
	rr_loop_deinit(&loop);
}
