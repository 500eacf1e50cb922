/* Bad input at the public API: a documented error, a callback exactly once,
 * never a crash. */
#define _GNU_SOURCE
#include "../driver/rr_test.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#ifndef _WIN32
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <sys/stat.h>
#endif

#include "../platform/platform.h"
#include "fixture.h"

TestSuite(bad_input, .timeout = 60);

Test(bad_input, every_op_on_a_closed_fd_reports_ebadf_once)
{
	struct rr_loop loop;
	enum { KINDS = 14 };
	static struct rr_op ops[KINDS];
	static struct recorder recs[KINDS];
	char buf[16];
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct sockaddr_in addr = loopback_addr(9);
#ifdef _WIN32
	rr_fd_t bad = 0x3ffffffc; /* no handle table is that large */
#else
	int bad = 9999; /* not open */
#endif

	open_loop(&loop, 0);
	for (int i = 0; i < KINDS; i++) {
		memset(&recs[i], 0, sizeof(recs[i]));
		rr_op_init(&ops[i], record_cb, &recs[i]);
	}
	int i = 0;
	cr_assert_eq(rr_read(&loop, &ops[i++], bad, buf, sizeof(buf), 0), 0);
	cr_assert_eq(rr_write(&loop, &ops[i++], bad, buf, sizeof(buf), 0), 0);
	cr_assert_eq(rr_readv(&loop, &ops[i++], bad, &iov, 1, 0), 0);
	cr_assert_eq(rr_writev(&loop, &ops[i++], bad, &iov, 1, 0), 0);
	cr_assert_eq(rr_fsync(&loop, &ops[i++], bad), 0);
	cr_assert_eq(rr_fdatasync(&loop, &ops[i++], bad), 0);
	cr_assert_eq(rr_close(&loop, &ops[i++], bad), 0);
	cr_assert_eq(rr_accept(&loop, &ops[i++], bad, NULL, NULL, 0), 0);
	cr_assert_eq(rr_connect(&loop, &ops[i++], bad, (struct sockaddr *)&addr, sizeof(addr)), 0);
	cr_assert_eq(rr_recv(&loop, &ops[i++], bad, buf, sizeof(buf), 0), 0);
	cr_assert_eq(rr_send(&loop, &ops[i++], bad, buf, sizeof(buf), 0), 0);
	cr_assert_eq(rr_recvmsg(&loop, &ops[i++], bad, &msg, 0), 0);
	cr_assert_eq(rr_sendmsg(&loop, &ops[i++], bad, &msg, 0), 0);
	cr_assert_eq(rr_shutdown(&loop, &ops[i++], bad, SHUT_RDWR), 0);
	cr_assert_eq(i, KINDS);
	run_until_done(&loop, 10000);
	for (i = 0; i < KINDS; i++) {
		cr_assert_eq(recs[i].calls, 1, "op %d ran %d times", i, recs[i].calls);
		cr_assert_eq(recs[i].result, -EBADF, "op %d: %s", i, strerror(-recs[i].result));
	}
	rr_loop_deinit(&loop);
}

Test(bad_input, a_poll_on_a_closed_fd_fails_and_zero_lengths_are_fine)
{
	struct rr_loop loop;
	struct rr_op op;
	struct recorder rec = { 0 };
	rr_fd_t pair[2];
	char buf[4];

	open_loop(&loop, 0);
	rr_op_init(&op, record_cb, &rec);
	cr_assert_lt(run_op(&loop, &op, rr_poll(&loop, &op, (rr_fd_t)0x3ffffffc, POLLIN)), 0);

	stream_pair(pair);
	rr_fd_t file = temp_file(16, 31, NULL, 0);
	cr_assert_eq(run_op(&loop, &op, rr_read(&loop, &op, file, buf, 0, 0)), 0);
	cr_assert_eq(run_op(&loop, &op, rr_write(&loop, &op, file, buf, 0, 0)), 0);
	cr_assert_eq(run_op(&loop, &op, rr_send(&loop, &op, pair[0], buf, 0, 0)), 0);
	cr_assert_eq(run_op(&loop, &op, rr_read(&loop, &op, file, NULL, 0, 0)), 0,
		     "a NULL buffer of length 0 is allowed");
	close_fd(file);
	close_fd(pair[0]);
	close_fd(pair[1]);
	rr_loop_deinit(&loop);
}

Test(bad_input, caller_errors_are_refused_before_anything_is_scheduled)
{
	struct rr_loop loop, never_initialized;
	struct rr_op op;
	struct recorder rec = { 0 };
#ifdef _WIN32
	static char stx[256]; /* struct statx has no Windows definition */
#else
	struct statx stx;
#endif
	struct statx *stx_ptr = (struct statx *)(void *)&stx;

	memset(&never_initialized, 0, sizeof(never_initialized));
	open_loop(&loop, 0);
	rr_op_init(&op, record_cb, &rec);
	cr_assert_eq(rr_nop(&never_initialized, &op), -EINVAL);
	cr_assert_eq(rr_loop_run(&never_initialized, RR_RUN_NOWAIT), -EINVAL);
	cr_assert_eq(rr_loop_run_for_ns(&never_initialized, 1000), -EINVAL);
	cr_assert_eq(rr_cancel(&never_initialized, &op), -EINVAL);
	cr_assert_eq(rr_loop_run(&loop, (enum rr_run_mode)42), -EINVAL);
	cr_assert_eq(rr_statx(&loop, &op, AT_FDCWD, NULL, 0, 0, stx_ptr), -EINVAL);
	cr_assert_eq(rr_statx(&loop, &op, AT_FDCWD, "/", 0, 0, NULL), -EINVAL);
	cr_assert_eq(rr_connect(&loop, &op, 0, NULL, 0), -EINVAL);
	cr_assert_eq(rr_accept(&loop, &op, 0, (struct sockaddr *)(void *)stx_ptr, NULL, 0), -EINVAL,
		     "an address without a length");
	cr_assert_eq(rr_recvmsg(&loop, &op, 0, NULL, 0), -EINVAL);
	/* A NULL buffer with a length, a NULL vector with a count, more
	 * vectors than IOV_MAX. */
	struct iovec iov[2] = { { .iov_base = NULL, .iov_len = 0 }, { .iov_base = NULL, .iov_len = 0 } };
	cr_assert_eq(rr_read(&loop, &op, 0, NULL, 16, 0), -EINVAL);
	cr_assert_eq(rr_write(&loop, &op, 0, NULL, 16, 0), -EINVAL);
	cr_assert_eq(rr_recv(&loop, &op, 0, NULL, 16, 0), -EINVAL);
	cr_assert_eq(rr_send(&loop, &op, 0, NULL, 16, 0), -EINVAL);
	cr_assert_eq(rr_readv(&loop, &op, 0, NULL, 2, 0), -EINVAL);
	cr_assert_eq(rr_writev(&loop, &op, 0, iov, 1025u * 1024u, 0), -EINVAL);
	cr_assert_eq(rr_cancel(&loop, NULL), -EINVAL);
	cr_assert_eq(rr_loop_wake(NULL), -EINVAL);
	cr_assert_eq(rr_async_send(NULL), -EINVAL);
	cr_assert_eq(rr_loop_pending(&loop), 0u);
	cr_assert_eq(rec.calls, 0);

	/* An op that completed cannot be cancelled any more. */
	cr_assert_eq(run_op(&loop, &op, rr_nop(&loop, &op)), 0);
	cr_assert_eq(rr_cancel(&loop, &op), -ENOENT);
	rr_loop_deinit(&loop);
	rr_loop_deinit(&loop);
	cr_assert_eq(rr_nop(&loop, &op), -EINVAL, "a torn-down loop takes nothing");
}
