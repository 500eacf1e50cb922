/* Timers from the loop's heap. */
#define _GNU_SOURCE
#include "../driver/rr_test.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../platform/platform.h"
#include "fixture.h"

TestSuite(loop_timers, .timeout = 120);

enum { MILLION = 1000000 };

struct fire_log {
	uint64_t last_deadline;
	uint64_t fired;
	bool out_of_order;
	bool early;
};

static void fire_cb(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct fire_log *log = op->context;
	uint64_t deadline = op->args.timer.deadline_ns;

	(void)loop;
	cr_assert_eq(result, -ETIME);
	if (deadline < log->last_deadline)
		log->out_of_order = true;
	if (rr_now_ns() < deadline)
		log->early = true;
	log->last_deadline = deadline;
	log->fired++;
}

Test(loop_timers, a_million_timers_fire_in_deadline_order)
{
	struct rr_loop loop;
	struct fire_log log = { 0 };
	struct rr_op *timers = calloc(MILLION, sizeof(*timers));

	cr_assert_not_null(timers);
	open_loop(&loop, 0);
	uint64_t base = rr_now_ns() + 50 * 1000000ull;
	uint64_t syscalls_before = rr_loop_stats(&loop).syscalls;
	unsigned seed = 12345;
	for (int i = 0; i < MILLION; i++) {
		/* Deadlines spread over one second, in random order. */
		seed = seed * 1103515245u + 12345u;
		uint64_t at = base + (uint64_t)(seed % 1000000u) * 1000u;
		rr_op_init(&timers[i], fire_cb, &log);
		cr_assert_eq(rr_timeout(&loop, &timers[i], at, RR_TIMEOUT_ABSOLUTE), 0);
	}
	cr_assert_eq(rr_loop_stats(&loop).syscalls, syscalls_before,
		     "arming timers made system calls");
	cr_assert_eq(rr_loop_pending(&loop), (uint64_t)MILLION);
	run_until_done(&loop, 60000);
	cr_assert_eq(log.fired, (uint64_t)MILLION);
	cr_assert_not(log.out_of_order, "a timer fired before an earlier one");
	cr_assert_not(log.early, "a timer fired before its deadline");
	/* Waiting happened in the backend, one wait per turn, not per timer. */
	cr_assert_lt(rr_loop_stats(&loop).syscalls - syscalls_before, 100000u);
	rr_loop_deinit(&loop);
	free(timers);
}

Test(loop_timers, cancelled_timers_report_ecanceled_and_others_still_fire)
{
	struct rr_loop loop;
	enum { N = 1000 };
	static struct rr_op timers[N];
	static struct recorder recs[N];

	open_loop(&loop, 0);
	for (int i = 0; i < N; i++) {
		memset(&recs[i], 0, sizeof(recs[i]));
		rr_op_init(&timers[i], record_cb, &recs[i]);
		cr_assert_eq(rr_timeout(&loop, &timers[i], (uint64_t)(i % 50) * 1000000u, 0), 0);
	}
	for (int i = 0; i < N; i += 3)
		cr_assert_eq(rr_cancel(&loop, &timers[i]), 0);
	run_until_done(&loop, 10000);
	for (int i = 0; i < N; i++) {
		cr_assert_eq(recs[i].calls, 1, "timer %d ran %d times", i, recs[i].calls);
		cr_assert_eq(recs[i].result, i % 3 == 0 ? -ECANCELED : -ETIME);
	}
	rr_loop_deinit(&loop);
}

Test(loop_timers, a_deadline_in_the_past_fires_on_the_next_turn)
{
	struct rr_loop loop;
	struct rr_op timer, zero;
	struct recorder past = { 0 }, now = { 0 };

	open_loop(&loop, 0);
	rr_op_init(&timer, record_cb, &past);
	rr_op_init(&zero, record_cb, &now);
	cr_assert_eq(rr_timeout(&loop, &timer, 1, RR_TIMEOUT_ABSOLUTE), 0);
	cr_assert_eq(rr_timeout(&loop, &zero, 0, 0), 0);
	cr_assert_eq(past.calls, 0, "not inside the scheduling call");
	cr_assert_eq(rr_loop_run(&loop, RR_RUN_NOWAIT), 2);
	cr_assert_eq(past.result, -ETIME);
	cr_assert_eq(now.result, -ETIME);
	rr_loop_deinit(&loop);
}

Test(loop_timers, a_timer_cannot_be_linked)
{
	struct rr_loop loop;
	struct rr_op timer;
	struct recorder rec = { 0 };

	open_loop(&loop, 0);
	rr_op_init(&timer, record_cb, &rec);
	rr_op_link(&timer);
	cr_assert_eq(rr_timeout(&loop, &timer, 1000, 0), -EINVAL);
	rr_loop_deinit(&loop);
}

/* Timers due within the same 50 us share one wake-up (rr_timeout's slack):
 * 20,000 deadlines 10 us apart over 200 ms take at most one wait per 50 us
 * grid point (4,000), where one wait per deadline would be 20,000.  A slow
 * machine only makes fewer turns.  None fires before its deadline. */
Test(loop_timers, dense_deadlines_share_wakeups_and_none_fires_early)
{
	enum { DENSE = 20000, SPACING_NS = 10000 };
	struct rr_loop loop;
	struct fire_log log = { 0 };
	struct rr_op *timers = calloc(DENSE, sizeof(*timers));

	cr_assert_not_null(timers);
	open_loop(&loop, 0);
	uint64_t base = rr_now_ns() + 10 * 1000000ull;
	for (int i = 0; i < DENSE; i++) {
		rr_op_init(&timers[i], fire_cb, &log);
		cr_assert_eq(rr_timeout(&loop, &timers[i], base + (uint64_t)i * SPACING_NS,
					RR_TIMEOUT_ABSOLUTE), 0);
	}
	uint64_t syscalls_before = rr_loop_stats(&loop).syscalls;
	run_until_done(&loop, 30000);
	uint64_t waits = rr_loop_stats(&loop).syscalls - syscalls_before;
	cr_assert_eq(log.fired, (uint64_t)DENSE);
	cr_assert_not(log.early, "a timer fired before its deadline");
	cr_assert_not(log.out_of_order, "a timer fired before an earlier one");
	cr_assert_lt(waits, 4500u, "%llu system calls for %d timers",
		     (unsigned long long)waits, DENSE);
	rr_loop_deinit(&loop);
	free(timers);
}
