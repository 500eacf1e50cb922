/*
 * Every system call of each scenario, failed in turn with each errno of the
 * issue, on every backend configuration (see walk.h for what is checked).
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "scenarios.h"

static struct rr_loop_options config(enum rr_backend_kind backend, bool sqpoll,
				     bool iopoll)
{
	struct rr_loop_options options;

	memset(&options, 0, sizeof(options));
	options.backend = backend;
	options.sqpoll_cpu = -1;
	options.sqpoll = sqpoll;
	options.iopoll = iopoll;
	options.entries = 64;
	return options;
}

static void walk_and_check(const char *name, scenario_fn *fn,
			   struct rr_loop_options options)
{
	struct rr_loop probe;
	struct walk_report report;
	char sites[512];

	if (!rr_fault_injection_built())
		cr_skip_test("the library was built without -Dfault_injection=true");
	int ret = rr_loop_init(&probe, &options);
	if (ret == -EPERM || ret == -ENOSYS)
		cr_skip_test("backend unavailable here: %s", strerror(-ret));
	cr_assert_eq(ret, 0, "rr_loop_init: %s", strerror(-ret));
	rr_loop_deinit(&probe);

	walk(fn, &options, &report);
	walk_sites(&report, sites, sizeof(sites));
	fprintf(stderr, "walk %-22s %3u calls x 8 errnos = %4u runs; faults landed in: %s\n",
		name, report.calls, report.runs, sites);
	cr_assert_gt(report.calls, 0);
	cr_assert_eq(report.violations, 0, "%s: %u violations, first: %s", name,
		     report.violations, report.first_violation);
}

#define WALK(scenario, label, backend, sqpoll, iopoll)                         \
	Test(fault_walk, scenario##_##label, .timeout = 300)                   \
	{                                                                      \
		walk_and_check(#scenario "/" #label, scenario_##scenario,      \
			       config(backend, sqpoll, iopoll));               \
	}

WALK(setup, uring, RR_BACKEND_URING, false, false)
WALK(setup, uring_sqpoll, RR_BACKEND_URING, true, false)
WALK(setup, uring_iopoll, RR_BACKEND_URING, false, true)
WALK(setup, epoll, RR_BACKEND_EPOLL, false, false)
WALK(setup, auto, RR_BACKEND_AUTO, false, false)
WALK(echo, uring, RR_BACKEND_URING, false, false)
WALK(echo, uring_sqpoll, RR_BACKEND_URING, true, false)
WALK(echo, epoll, RR_BACKEND_EPOLL, false, false)
WALK(file, uring, RR_BACKEND_URING, false, false)
WALK(file, epoll, RR_BACKEND_EPOLL, false, false)
WALK(timers, uring, RR_BACKEND_URING, false, false)
WALK(timers, epoll, RR_BACKEND_EPOLL, false, false)
WALK(cancel, uring, RR_BACKEND_URING, false, false)
WALK(cancel, epoll, RR_BACKEND_EPOLL, false, false)
WALK(bundle, uring, RR_BACKEND_URING, false, false)
WALK(bundle, epoll, RR_BACKEND_EPOLL, false, false)
