/* The loop's contract: callbacks once, never inside scheduling; run modes;
 * op reuse; caller errors. */
#define _GNU_SOURCE
#include "../driver/rr_test.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#ifndef _WIN32
#include <unistd.h>
#include <sys/wait.h>
#include <signal.h>
#endif

#include "../platform/platform.h"
#include "fixture.h"

TestSuite(loop, .timeout = 60);

Test(loop, nop_callback_runs_once_and_never_inside_schedule)
{
	struct rr_loop loop;
	struct rr_op op;
	struct recorder rec = { 0 };

	open_loop(&loop, 0);
	rr_op_init(&op, record_cb, &rec);
	rec.scheduling = true;
	cr_assert_eq(rr_nop(&loop, &op), 0);
	rec.scheduling = false;
	cr_assert_eq(rec.calls, 0);
	cr_assert_eq(rr_loop_pending(&loop), 1u);
	run_until_done(&loop, 5000);
	cr_assert_eq(rec.calls, 1);
	cr_assert_eq(rec.result, 0);
	cr_assert_not(rec.ran_inside_schedule);
	cr_assert_eq(op.state, RR_OP_IDLE);
	/* More turns do not call it again. */
	cr_assert_eq(rr_loop_run(&loop, RR_RUN_NOWAIT), 0);
	cr_assert_eq(rec.calls, 1);
	rr_loop_deinit(&loop);
}

Test(loop, run_once_blocks_until_a_callback_and_nowait_does_not)
{
	struct rr_loop loop;
	struct rr_op timer;
	struct recorder rec = { 0 };

	open_loop(&loop, 0);
	rr_op_init(&timer, record_cb, &rec);
	cr_assert_eq(rr_timeout(&loop, &timer, 50 * 1000000ull, 0), 0);

	uint64_t start = rr_now_ns();
	cr_assert_eq(rr_loop_run(&loop, RR_RUN_NOWAIT), 0);
	cr_assert_lt(rr_now_ns() - start, 40ull * 1000000, "NOWAIT waited");
	cr_assert_eq(rec.calls, 0);

	cr_assert_eq(rr_loop_run(&loop, RR_RUN_ONCE), 1);
	cr_assert_geq(rr_now_ns() - start, 49ull * 1000000);
	cr_assert_eq(rec.calls, 1);
	cr_assert_eq(rec.result, -ETIME);

	/* Nothing scheduled: ONCE and UNTIL_DONE return at once. */
	cr_assert_eq(rr_loop_run(&loop, RR_RUN_ONCE), 0);
	cr_assert_eq(rr_loop_run(&loop, RR_RUN_UNTIL_DONE), 0);
	rr_loop_deinit(&loop);
}

Test(loop, run_for_ns_returns_near_its_deadline_with_work_left)
{
	struct rr_loop loop;
	struct rr_op timer;
	struct recorder rec = { 0 };

	open_loop(&loop, 0);
	rr_op_init(&timer, record_cb, &rec);
	cr_assert_eq(rr_timeout(&loop, &timer, 60ull * 1000000000, 0), 0);
	uint64_t start = rr_now_ns();
	cr_assert_eq(rr_loop_run_for_ns(&loop, 100 * 1000000ull), 0);
	uint64_t took = rr_now_ns() - start;
	cr_assert_geq(took, 99ull * 1000000, "returned early: %llu ns",
		      (unsigned long long)took);
	cr_assert_lt(took, 5ull * 1000000000, "missed its deadline");
	cr_assert_eq(rr_loop_pending(&loop), 1u);
	cr_assert_eq(rec.calls, 0);
	rr_loop_deinit(&loop);
	cr_assert_eq(rec.calls, 1);
	cr_assert_eq(rec.result, -ECANCELED);
}

struct repeat {
	int remaining;
	int calls;
};

static void reschedule_cb(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct repeat *rep = op->context;

	cr_assert_eq(result, 0);
	cr_assert_eq(op->state, RR_OP_IDLE, "the op is free in its callback");
	rep->calls++;
	if (--rep->remaining > 0)
		cr_assert_eq(rr_nop(loop, op), 0);
}

Test(loop, an_op_reschedules_itself_from_its_callback)
{
	struct rr_loop loop;
	struct rr_op op;
	struct repeat rep = { .remaining = 1000 };

	open_loop(&loop, 0);
	rr_op_init(&op, reschedule_cb, &rep);
	cr_assert_eq(rr_nop(&loop, &op), 0);
	run_until_done(&loop, 10000);
	cr_assert_eq(rep.calls, 1000);
	rr_loop_deinit(&loop);
}

Test(loop, scheduling_an_op_in_flight_is_caught)
{
	struct rr_loop loop;
	struct rr_op op;
	struct recorder rec = { 0 };

	open_loop(&loop, 0);
	rr_op_init(&op, record_cb, &rec);
	cr_assert_eq(rr_nop(&loop, &op), 0);
	if (rr_loop_asserts_enabled()) {
#ifdef _WIN32
		cr_skip_test("the abort of a debug build is shown in a forked child, "
			     "and Windows has no fork");
#else
		/* Debug builds abort: show it in a child process. */
		pid_t child = fork();
		if (child == 0) {
			signal(SIGABRT, SIG_DFL);
			rr_nop(&loop, &op);
			_exit(0);
		}
		int status;
		cr_assert_eq(waitpid(child, &status, 0), child);
		cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT,
			  "a second schedule must abort in a debug build");
#endif
	} else {
		cr_assert_eq(rr_nop(&loop, &op), -EBUSY);
	}
	run_until_done(&loop, 5000);
	cr_assert_eq(rec.calls, 1, "the op completed once");
	rr_loop_deinit(&loop);
}

Test(loop, bad_arguments_are_refused_without_scheduling)
{
	struct rr_loop loop;
	struct rr_op op, no_callback;
	struct recorder rec = { 0 };
	char buf[4];

	open_loop(&loop, 0);
	rr_op_init(&op, record_cb, &rec);
	rr_op_init(&no_callback, NULL, NULL);
	cr_assert_eq(rr_nop(NULL, &op), -EINVAL);
	cr_assert_eq(rr_nop(&loop, NULL), -EINVAL);
	cr_assert_eq(rr_nop(&loop, &no_callback), -EINVAL);
	cr_assert_eq(rr_read(&loop, &op, 0, NULL, 10, 0), -EINVAL);
	cr_assert_eq(rr_send(&loop, &op, 0, NULL, 10, 0), -EINVAL);
	cr_assert_eq(rr_readv(&loop, &op, 0, NULL, 2, 0), -EINVAL);
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	cr_assert_eq(rr_readv(&loop, &op, 0, &iov, 100000, 0), -EINVAL);
	cr_assert_eq(rr_openat(&loop, &op, AT_FDCWD, NULL, 0, 0), -EINVAL);
	cr_assert_eq(rr_timeout(&loop, &op, 1, 0x80), -EINVAL);
	cr_assert_eq(rr_cancel(&loop, &op), -ENOENT, "an idle op");
	cr_assert_eq(rr_loop_pending(&loop), 0u);
	rr_loop_deinit(&loop);
	cr_assert_eq(rr_loop_init(&loop, &(struct rr_loop_options){ .backend = 99 }),
		     -EINVAL);
	cr_assert_eq(rr_loop_init(NULL, NULL), -EINVAL);
	cr_assert_eq(rec.calls, 0);
}

Test(loop, statistics_count_ops_and_syscalls)
{
	struct rr_loop loop;
	struct rr_op ops[10];
	struct recorder rec = { 0 };

	open_loop(&loop, 0);
	for (int i = 0; i < 10; i++) {
		rr_op_init(&ops[i], record_cb, &rec);
		cr_assert_eq(rr_nop(&loop, &ops[i]), 0);
	}
	cr_assert_eq(rr_loop_stats(&loop).in_flight, 10u);
	run_until_done(&loop, 5000);
	struct rr_loop_stats stats = rr_loop_stats(&loop);
	cr_assert_eq(stats.ops_submitted, 10u);
	cr_assert_eq(stats.ops_completed, 10u);
	cr_assert_eq(stats.in_flight, 0u);
	cr_assert_geq(stats.loop_iterations, 1u);
	cr_assert_eq(rec.calls, 10);
	if (testing_uring() && !loop_options(0).sqpoll) {
		/* Ten NOPs in one batch: one enter submits and reaps them all. */
		cr_assert_geq(stats.syscalls, 1u);
		cr_assert_leq(stats.syscalls, 3u, "%llu syscalls for one batch",
			      (unsigned long long)stats.syscalls);
	}
	cr_assert_str_eq(rr_loop_backend_name(&loop), expected_backend_name());
	cr_assert_eq(rr_loop_backend(&loop), loop_options(0).backend);
	const char *reason = rr_loop_backend_reason(&loop);
	if (!testing_uring()) {
		cr_assert_str_eq(reason, "requested");
	} else {
		/* The reason, then the modes the ring was set up in. */
		const char *mode = loop_options(0).sqpoll ? "requested; SQPOLL"
				   : testing_single_issuer()
					   ? "requested; SINGLE_ISSUER+DEFER_TASKRUN"
					   : "requested; COOP_TASKRUN";
		cr_assert_eq(strncmp(reason, mode, strlen(mode)), 0, "%s", reason);
		cr_assert_eq(strstr(reason, ", IOPOLL ring") != NULL, testing_iopoll(),
			     "%s", reason);
	}
	rr_loop_deinit(&loop);
	rr_loop_deinit(&loop); /* twice is harmless */
}

enum { OVERFLOW_ENTRIES = 16, OVERFLOW_OPS = 10 * OVERFLOW_ENTRIES };
static int completion_order[OVERFLOW_OPS];
static int completions;

static void order_cb(struct rr_loop *loop, struct rr_op *op, int result)
{
	(void)loop;
	cr_assert_eq(result, 0);
	completion_order[completions++] = (int)(intptr_t)op->context;
}

Test(loop, ten_times_the_ring_size_in_flight_completes_in_order)
{
	struct rr_loop loop;
	static struct rr_op ops[OVERFLOW_OPS];

	open_loop(&loop, OVERFLOW_ENTRIES);
	for (int i = 0; i < OVERFLOW_OPS; i++) {
		rr_op_init(&ops[i], order_cb, (void *)(intptr_t)i);
		cr_assert_eq(rr_nop(&loop, &ops[i]), 0);
	}
	run_until_done(&loop, 10000);
	cr_assert_eq(completions, OVERFLOW_OPS);
	/* NOPs complete as they are submitted: the queue kept their order. */
	for (int i = 0; i < OVERFLOW_OPS; i++)
		cr_assert_eq(completion_order[i], i, "completion %d was op %d", i,
			     completion_order[i]);
	struct rr_loop_stats stats = rr_loop_stats(&loop);
	cr_assert_eq(stats.ops_completed, (uint64_t)OVERFLOW_OPS);
	/* Only io_uring has an SQ to run out of; the readiness backends keep
	 * waiting ops in per-fd queues instead. */
	if (testing_uring())
		cr_assert_geq(stats.overflow_high_water,
			      (uint64_t)(OVERFLOW_OPS - OVERFLOW_ENTRIES),
			      "ops waited in the overflow queue");
	rr_loop_deinit(&loop);
}
