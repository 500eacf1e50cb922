/* Timers from the loop's heap. */
#define _GNU_SOURCE
#include "../driver/rr_test.h"
#include <errno.h>
#include <stddef.h>
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

/* ---- the wheel's edges: timers near, later (beyond 12.8 ms) and far
 * (beyond 3.3 s), the cursor that skips ahead over empty time ---------- */

#define MS 1000000ull

struct skip_case {
	struct rr_op first, later, distant, late;
	struct recorder first_rec, later_rec, distant_rec, late_rec;
	uint64_t late_deadline;
	bool later_armed;
};

/* The near timer's callback arms a timer 5 ms ahead: by then the loop has
 * looked for the next deadline past it and found only a later or far one. */
static void arm_late_cb(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct skip_case *c = (struct skip_case *)((char *)op - offsetof(struct skip_case, first));

	record_cb(loop, op, result);
	c->late_deadline = rr_now_ns() + 5 * MS;
	cr_assert_eq(rr_timeout(loop, &c->late, c->late_deadline, RR_TIMEOUT_ABSOLUTE), 0);
}

static void skip_ahead_case(bool with_later)
{
	struct rr_loop loop;
	struct skip_case c;

	memset(&c, 0, sizeof(c));
	open_loop(&loop, 0);
	rr_op_init(&c.first, arm_late_cb, &c.first_rec);
	rr_op_init(&c.later, record_cb, &c.later_rec);
	rr_op_init(&c.distant, record_cb, &c.distant_rec);
	rr_op_init(&c.late, record_cb, &c.late_rec);
	cr_assert_eq(rr_timeout(&loop, &c.first, 20 * MS, 0), 0);
	if (with_later)
		cr_assert_eq(rr_timeout(&loop, &c.later, 1000 * MS, 0), 0);
	cr_assert_eq(rr_timeout(&loop, &c.distant, 3600000 * MS, 0), 0);

	uint64_t give_up = rr_now_ns() + 5000 * MS;
	while (!c.late_rec.calls && rr_now_ns() < give_up)
		cr_assert_geq(rr_loop_run_for_ns(&loop, 10 * MS), 0);
	cr_assert_eq(c.first_rec.calls, 1);
	cr_assert_eq(c.late_rec.calls, 1, "the timer armed after the skip never fired");
	cr_assert_eq(c.late_rec.result, -ETIME);
	cr_assert_geq(rr_now_ns(), c.late_deadline);
	cr_assert_eq(c.later_rec.calls + c.distant_rec.calls, 0, "a later timer fired first");

	if (with_later)
		cr_assert_eq(rr_cancel(&loop, &c.later), 0);
	cr_assert_eq(rr_cancel(&loop, &c.distant), 0);
	run_until_done(&loop, 1000);
	cr_assert_eq(c.distant_rec.calls, 1);
	cr_assert_eq(c.distant_rec.result, -ECANCELED);
	if (with_later) {
		cr_assert_eq(c.later_rec.calls, 1);
		cr_assert_eq(c.later_rec.result, -ECANCELED);
	}
	rr_loop_deinit(&loop);
}

Test(loop_timers, a_timer_armed_after_the_loop_looked_past_empty_time_fires_first)
{
	skip_ahead_case(true);  /* the next deadline in the later level */
	skip_ahead_case(false); /* only a far one: an hour ahead */
}

/* Timers before, across and after the 12.8 ms and 3.3 s boundaries of the
 * wheel's levels; callbacks cancel other timers at random as they fire.
 * Each callback runs once; the fired ones in deadline order, none early;
 * the far ones cancelled at the end. */
enum { MIXED = 3000 };

struct mixed_run {
	struct rr_op timers[MIXED];
	struct recorder recs[MIXED];
	uint64_t deadlines[MIXED];
	unsigned seed;
	struct fire_log log;
};

static unsigned next_random(unsigned *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 8;
}

static void mixed_cb(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct mixed_run *run = op->context;
	size_t i = (size_t)(op - run->timers);

	run->recs[i].calls++;
	run->recs[i].result = result;
	if (result != -ETIME)
		return;
	if (run->deadlines[i] < run->log.last_deadline)
		run->log.out_of_order = true;
	if (rr_now_ns() < run->deadlines[i])
		run->log.early = true;
	run->log.last_deadline = run->deadlines[i];
	run->log.fired++;
	/* One time in three, cancel some other timer, armed or not. */
	if (next_random(&run->seed) % 3 == 0) {
		size_t victim = next_random(&run->seed) % MIXED;
		int ret = rr_cancel(loop, &run->timers[victim]);
		cr_assert(ret == 0 || ret == -ENOENT, "rr_cancel: %d", ret);
		if (ret == 0) /* an armed timer's callback is still to come */
			cr_assert_eq(run->recs[victim].calls, 0);
	}
}

Test(loop_timers, timers_across_the_wheels_levels_fire_once_in_order_amid_cancels)
{
	struct rr_loop loop;
	struct mixed_run *run = calloc(1, sizeof(*run));

	cr_assert_not_null(run);
	run->seed = 2026;
	open_loop(&loop, 0);
	uint64_t now = rr_now_ns();
	for (size_t i = 0; i < MIXED; i++) {
		unsigned r = next_random(&run->seed);
		uint64_t at;
		switch (i % 4) {
		case 0: /* just past, or around the near level's end */
			at = now - MS + r % (30 * MS);
			break;
		case 1: /* the later level */
			at = now + 30 * MS + r % (120 * MS);
			break;
		case 2: /* exactly on the slack's grid */
			at = (now / 50000u + 1 + r % 2000) * 50000u;
			break;
		default: /* far: from 4 s to an hour ahead */
			at = now + 4000 * MS + (uint64_t)r * 1000u;
			break;
		}
		run->deadlines[i] = at;
		rr_op_init(&run->timers[i], mixed_cb, run);
		cr_assert_eq(rr_timeout(&loop, &run->timers[i], at, RR_TIMEOUT_ABSOLUTE), 0);
	}
	uint64_t near_end = now + 200 * MS;
	while (rr_now_ns() < near_end + 50 * MS)
		cr_assert_geq(rr_loop_run_for_ns(&loop, 10 * MS), 0);
	for (size_t i = 0; i < MIXED; i++) {
		if (run->deadlines[i] < near_end)
			cr_assert_eq(run->recs[i].calls, 1, "timer %zu (+%lld ns) ran %d times", i,
				     (long long)(run->deadlines[i] - now), run->recs[i].calls);
		else if (!run->recs[i].calls)
			cr_assert_eq(rr_cancel(&loop, &run->timers[i]), 0);
	}
	run_until_done(&loop, 1000);
	for (size_t i = 0; i < MIXED; i++) {
		cr_assert_eq(run->recs[i].calls, 1, "timer %zu ran %d times", i, run->recs[i].calls);
		if (run->deadlines[i] >= near_end)
			cr_assert_eq(run->recs[i].result, -ECANCELED);
		else
			cr_assert(run->recs[i].result == -ETIME || run->recs[i].result == -ECANCELED);
	}
	cr_assert_gt(run->log.fired, (uint64_t)MIXED / 3);
	cr_assert_not(run->log.out_of_order, "a timer fired before an earlier one");
	cr_assert_not(run->log.early, "a timer fired before its deadline");
	rr_loop_deinit(&loop);
	free(run);
}

/* Deinit with timers past, near, later, far and at the end of time: each
 * callback runs once, with -ECANCELED. */
Test(loop_timers, deinit_cancels_timers_of_every_level_once)
{
	struct rr_loop loop;
	static const uint64_t in_ns[] = { 0, 1, 49999, 50000, 13 * MS, 400 * MS, 5000 * MS,
					  3600000 * MS, UINT64_MAX };
	enum { KINDS = sizeof(in_ns) / sizeof(in_ns[0]) };
	struct rr_op timers[KINDS + 1];
	struct recorder recs[KINDS + 1];

	memset(recs, 0, sizeof(recs));
	open_loop(&loop, 0);
	for (int i = 0; i < KINDS; i++) {
		rr_op_init(&timers[i], record_cb, &recs[i]);
		cr_assert_eq(rr_timeout(&loop, &timers[i], in_ns[i], 0), 0);
	}
	rr_op_init(&timers[KINDS], record_cb, &recs[KINDS]);
	cr_assert_eq(rr_timeout(&loop, &timers[KINDS], UINT64_MAX, RR_TIMEOUT_ABSOLUTE), 0);
	rr_loop_deinit(&loop);
	for (int i = 0; i <= KINDS; i++) {
		cr_assert_eq(recs[i].calls, 1, "timer %d ran %d times", i, recs[i].calls);
		cr_assert_eq(recs[i].result, -ECANCELED);
	}
}

/* Timers armed more than 3.3 s ahead wait in the wheel's far heap until the
 * loop comes within reach of them; timers armed later for about the same
 * time, once the loop has moved on, go straight to the later level.  Both
 * kinds still fire in deadline order (the one test here that waits for a
 * far timer: 3.5 s). */
enum { FAR_FIRST = 100, NEAR_ARMING = 100 };

struct reach_run {
	struct rr_op distant[FAR_FIRST], arming[NEAR_ARMING], armed[NEAR_ARMING];
	uint64_t start;
	unsigned seed;
	unsigned armed_count;
	struct fire_log log;
};

static uint64_t around_3_3_s(struct reach_run *run)
{
	return run->start + 3300 * MS + (uint64_t)(next_random(&run->seed) % 150000u) * 1000u;
}

static void reach_fire_cb(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct reach_run *run = op->context;

	(void)loop;
	cr_assert_eq(result, -ETIME);
	uint64_t deadline = op->args.timer.deadline_ns;
	if (deadline < run->log.last_deadline)
		run->log.out_of_order = true;
	if (rr_now_ns() < deadline)
		run->log.early = true;
	run->log.last_deadline = deadline;
	run->log.fired++;
}

static void reach_arm_cb(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct reach_run *run = op->context;

	reach_fire_cb(loop, op, result);
	struct rr_op *next = &run->armed[run->armed_count++];
	rr_op_init(next, reach_fire_cb, run);
	cr_assert_eq(rr_timeout(loop, next, around_3_3_s(run), RR_TIMEOUT_ABSOLUTE), 0);
}

Test(loop_timers, far_timers_come_within_reach_and_fire_in_order, .timeout = 60)
{
	struct rr_loop loop;
	struct reach_run *run = calloc(1, sizeof(*run));

	cr_assert_not_null(run);
	run->seed = 7;
	open_loop(&loop, 0);
	run->start = rr_now_ns();
	for (int i = 0; i < FAR_FIRST; i++) {
		rr_op_init(&run->distant[i], reach_fire_cb, run);
		cr_assert_eq(rr_timeout(&loop, &run->distant[i], around_3_3_s(run),
					RR_TIMEOUT_ABSOLUTE), 0);
	}
	for (int i = 0; i < NEAR_ARMING; i++) {
		rr_op_init(&run->arming[i], reach_arm_cb, run);
		cr_assert_eq(rr_timeout(&loop, &run->arming[i],
					(uint64_t)(next_random(&run->seed) % 150u) * MS, 0), 0);
	}
	run_until_done(&loop, 20000);
	cr_assert_eq(run->log.fired, (uint64_t)(FAR_FIRST + 2 * NEAR_ARMING));
	cr_assert_not(run->log.out_of_order, "a timer fired before an earlier one");
	cr_assert_not(run->log.early, "a timer fired before its deadline");
	rr_loop_deinit(&loop);
	free(run);
}
