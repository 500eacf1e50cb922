/*
 * Backend choice: AUTO falls back to epoll where io_uring is blocked, an
 * explicit io_uring request fails clearly, and RAWRING_BACKEND overrides
 * AUTO.  Criterion runs each test in its own process, so a seccomp filter
 * installed here blocks io_uring for that test alone.
 */
#define _GNU_SOURCE
#include "../driver/rr_test.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "../helpers.h"
#include "../seccomp_filter.h"
#include "fixture.h"

TestSuite(fallback, .timeout = 60);

/* An echo round trip over loopback TCP through `loop`. */
static void echo_round_trip(struct rr_loop *loop)
{
	struct rr_op op;
	struct recorder rec = { 0 };
	uint16_t port;
	char buf[16];

	int listener = listen_loopback(&port);
	int client = connect_loopback(port);
	rr_op_init(&op, record_cb, &rec);
	int server = run_op(loop, &op, rr_accept(loop, &op, listener, NULL, NULL, SOCK_CLOEXEC));
	cr_assert_geq(server, 0, "accept: %s", strerror(-server));
	cr_assert_eq(run_op(loop, &op, rr_send(loop, &op, client, "echo!", 5, 0)), 5);
	cr_assert_eq(run_op(loop, &op, rr_recv(loop, &op, server, buf, sizeof(buf), 0)), 5);
	cr_assert_eq(run_op(loop, &op, rr_send(loop, &op, server, buf, 5, 0)), 5);
	cr_assert_eq(run_op(loop, &op, rr_recv(loop, &op, client, buf, sizeof(buf), 0)), 5);
	cr_assert_eq(memcmp(buf, "echo!", 5), 0);
	close(server);
	close(client);
	close(listener);
}

static void blocked_io_uring_falls_back(int errno_value, const char *reason_part)
{
	struct rr_loop loop;
	struct rr_loop_options uring = { .backend = RR_BACKEND_URING, .sqpoll_cpu = -1 };

	unsetenv("RAWRING_BACKEND");
	cr_assert_eq(block_io_uring(errno_value), 0);

	cr_assert_eq(rr_loop_init(&loop, &uring), -errno_value,
		     "an explicit io_uring request must fail, not switch");
	cr_assert_eq(rr_loop_init(&loop, NULL), 0);
	cr_assert_eq(rr_loop_backend(&loop), RR_BACKEND_EPOLL);
	cr_assert_str_eq(rr_loop_backend_name(&loop), "epoll");
	cr_assert_not_null(strstr(rr_loop_backend_reason(&loop), reason_part),
			   "reason: %s", rr_loop_backend_reason(&loop));
	echo_round_trip(&loop);
	rr_loop_deinit(&loop);
}

Test(fallback, auto_falls_back_to_epoll_when_seccomp_says_eperm)
{
	blocked_io_uring_falls_back(EPERM, "EPERM");
}

Test(fallback, auto_falls_back_to_epoll_when_the_kernel_says_enosys)
{
	blocked_io_uring_falls_back(ENOSYS, "ENOSYS");
}

Test(fallback, auto_uses_io_uring_where_it_works)
{
	struct rr_loop loop;

	unsetenv("RAWRING_BACKEND");
	int ret = rr_loop_init(&loop, NULL);
	cr_assert_eq(ret, 0);
	if (rr_loop_backend(&loop) != RR_BACKEND_URING)
		cr_skip_test("io_uring is unavailable on this machine: %s",
			     rr_loop_backend_reason(&loop));
	/* Why, then the mode the ring runs in. */
	cr_assert_str_eq(rr_loop_backend_reason(&loop), "io_uring is available; COOP_TASKRUN");
	echo_round_trip(&loop);
	rr_loop_deinit(&loop);
}

Test(fallback, backend_names)
{
	cr_assert_eq(rr_backend_from_name("auto"), RR_BACKEND_AUTO);
	cr_assert_eq(rr_backend_from_name("uring"), RR_BACKEND_URING);
	cr_assert_eq(rr_backend_from_name("io_uring"), RR_BACKEND_URING);
	cr_assert_eq(rr_backend_from_name("epoll"), RR_BACKEND_EPOLL);
	cr_assert_eq(rr_backend_from_name("kqueue"), RR_BACKEND_KQUEUE);
	cr_assert_eq(rr_backend_from_name("iocp?"), -EINVAL);
	cr_assert_eq(rr_backend_from_name(NULL), -EINVAL);
}

Test(fallback, the_environment_overrides_auto_only)
{
	struct rr_loop loop;
	struct rr_loop_options uring = { .backend = RR_BACKEND_URING, .sqpoll_cpu = -1 };

	setenv("RAWRING_BACKEND", "epoll", 1);
	cr_assert_eq(rr_loop_init(&loop, NULL), 0);
	cr_assert_eq(rr_loop_backend(&loop), RR_BACKEND_EPOLL);
	cr_assert_str_eq(rr_loop_backend_reason(&loop), "RAWRING_BACKEND=epoll");
	echo_round_trip(&loop);
	rr_loop_deinit(&loop);

	/* An explicit request is the programmer's: the variable does not
	 * change it. */
	int ret = rr_loop_init(&loop, &uring);
	if (ret == 0) {
		cr_assert_eq(rr_loop_backend(&loop), RR_BACKEND_URING);
		rr_loop_deinit(&loop);
	}

	setenv("RAWRING_BACKEND", "EPOLL", 1); /* names are lower case */
	cr_assert_eq(rr_loop_init(&loop, NULL), -EINVAL);
	/* The failed loop says why, naming the variable and its value. */
	cr_assert_str_eq(rr_loop_backend_reason(&loop),
			 "RAWRING_BACKEND=EPOLL is no backend name "
			 "(auto, uring, io_uring, epoll, kqueue, iocp)");
	/* A bad options struct is a different -EINVAL: its reason says so. */
	unsetenv("RAWRING_BACKEND");
	struct rr_loop_options bad = { .backend = RR_BACKEND_COUNT, .sqpoll_cpu = -1 };
	cr_assert_eq(rr_loop_init(&loop, &bad), -EINVAL);
	cr_assert_str_eq(rr_loop_backend_reason(&loop), "options->backend is no backend kind");
	struct rr_loop_options iocp = { .backend = RR_BACKEND_IOCP, .sqpoll_cpu = -1 };
	cr_assert_eq(rr_loop_init(&loop, &iocp), -ENOSYS, "no IOCP on Linux");
	cr_assert_str_eq(rr_loop_backend_reason(&loop),
			 "requested, and not built into this library");
	/* kqueue: -ENOSYS unless the build has it (-Dkqueue=enabled). */
	setenv("RAWRING_BACKEND", "kqueue", 1);
	ret = rr_loop_init(&loop, NULL);
	if (ret == 0) {
		cr_assert_eq(rr_loop_backend(&loop), RR_BACKEND_KQUEUE);
		rr_loop_deinit(&loop);
	} else {
		cr_assert_eq(ret, -ENOSYS);
	}
	unsetenv("RAWRING_BACKEND");
}

Test(fallback, resource_errors_are_not_fallen_back_from)
{
	struct rr_loop loop;
	struct rlimit limit;

	/* With RLIMIT_NOFILE at 3, stdin, stdout and stderr take every fd
	 * number a new fd could have: io_uring setup fails with EMFILE, which
	 * is a resource error, not a sign io_uring is blocked. */
	unsetenv("RAWRING_BACKEND");
	cr_assert_eq(getrlimit(RLIMIT_NOFILE, &limit), 0);
	limit.rlim_cur = 3;
	cr_assert_eq(setrlimit(RLIMIT_NOFILE, &limit), 0);
	int ret = rr_loop_init(&loop, NULL);
	cr_assert_eq(ret, -EMFILE, "got %d (%s)", ret, strerror(-ret));
}
