#define _GNU_SOURCE
#include "fixture.h"

#include "../driver/rr_test.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static bool env_flag(const char *name)
{
	const char *value = getenv(name);

	return value && strcmp(value, "1") == 0;
}

bool testing_uring(void)
{
	return loop_options(0).backend == RR_BACKEND_URING;
}

const char *expected_backend_name(void)
{
	switch (loop_options(0).backend) {
	case RR_BACKEND_URING:
		return "io_uring";
	case RR_BACKEND_EPOLL:
		return "epoll";
	case RR_BACKEND_IOCP:
		return "iocp";
	default:
		return "kqueue";
	}
}

bool testing_iopoll(void)
{
	return env_flag("RR_TEST_IOPOLL");
}

bool testing_single_issuer(void)
{
	return testing_uring() && env_flag("RR_TEST_SINGLE_ISSUER") &&
	       !env_flag("RR_TEST_SQPOLL");
}

struct rr_loop_options loop_options(unsigned entries)
{
	struct rr_loop_options options;
	const char *backend = getenv("RR_TEST_BACKEND");

	memset(&options, 0, sizeof(options));
#ifdef _WIN32
	options.backend = RR_BACKEND_IOCP;
#else
	options.backend = RR_BACKEND_URING;
#endif
	if (backend && strcmp(backend, "iocp") == 0)
		options.backend = RR_BACKEND_IOCP;
	else if (backend && strcmp(backend, "epoll") == 0)
		options.backend = RR_BACKEND_EPOLL;
	else if (backend && strcmp(backend, "kqueue") == 0)
		options.backend = RR_BACKEND_KQUEUE;
	else if (backend && strcmp(backend, "uring") != 0)
		cr_assert_fail("unknown RR_TEST_BACKEND %s", backend);
	options.entries = entries;
	options.sqpoll = env_flag("RR_TEST_SQPOLL");
	options.sqpoll_idle_ms = 50;
	options.sqpoll_cpu = -1;
	options.iopoll = testing_iopoll();
	options.single_issuer = env_flag("RR_TEST_SINGLE_ISSUER");
	return options;
}

void open_loop_with(struct rr_loop *loop, const struct rr_loop_options *options)
{
	int ret = rr_loop_init(loop, options);

	if (ret == -ENOSYS || ret == -EPERM)
		cr_skip_test("backend unavailable here: %s", strerror(-ret));
	cr_assert_eq(ret, 0, "rr_loop_init: %s", strerror(-ret));
}

void open_loop(struct rr_loop *loop, unsigned entries)
{
	struct rr_loop_options options = loop_options(entries);

	open_loop_with(loop, &options);
}

void run_until(struct rr_loop *loop, const bool *flag, unsigned timeout_ms)
{
	uint64_t deadline = rr_now_ns() + (uint64_t)timeout_ms * 1000000u;

	while (!*flag) {
		uint64_t now = rr_now_ns();
		cr_assert_lt(now, deadline, "not done within %u ms", timeout_ms);
		int ret = rr_loop_run_for_ns(loop, deadline - now);
		cr_assert_geq(ret, 0, "run: %s", strerror(-ret));
	}
}

void run_until_done(struct rr_loop *loop, unsigned timeout_ms)
{
	int ret = rr_loop_run_for_ns(loop, (uint64_t)timeout_ms * 1000000u);

	cr_assert_geq(ret, 0, "run: %s", strerror(-ret));
	cr_assert_eq(rr_loop_pending(loop), 0u, "%llu ops still pending after %u ms",
		     (unsigned long long)rr_loop_pending(loop), timeout_ms);
}

void record_cb(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct recorder *rec = op->context;

	(void)loop;
	if (rec->scheduling)
		rec->ran_inside_schedule = true;
	rec->calls++;
	rec->result = result;
	rec->done = true;
}

int run_op(struct rr_loop *loop, struct rr_op *op, int schedule_ret)
{
	struct recorder *rec = op->context;

	cr_assert_eq(schedule_ret, 0, "scheduling failed: %s", strerror(-schedule_ret));
	rec->done = false;
	run_until(loop, &rec->done, 10000);
	return rec->result;
}
