/*
 * What real programs do that the loop's first tests did not: fd numbers
 * reused after a cancel, a bad fd in the middle of a batch, callbacks that
 * turn the loop or tear it down, lengths at the limits, rr_op_init on an op
 * in flight, a close still queued at deinit.  Each test here failed on some
 * backend before the fix it names.
 */
#define _GNU_SOURCE
#include "../driver/rr_test.h"
#include <errno.h>
#include <limits.h>
#include <string.h>

#ifndef _WIN32
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

#include "../platform/platform.h"
#include "fixture.h"

TestSuite(loop_misuse, .timeout = 60);

#ifndef _WIN32
/* Run `body` in a child; true when the child died of SIGABRT. */
static bool aborts_in_child(void (*body)(void *), void *arg)
{
	pid_t child = fork();

	if (child == 0) {
		signal(SIGABRT, SIG_DFL);
		body(arg);
		_exit(0);
	}
	int status;
	cr_assert_eq(waitpid(child, &status, 0), child);
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}
#endif

/*
 * An op waits on a socket, is cancelled, the socket is closed, and a new
 * socket gets the same fd number: an op on the new socket must complete.
 * (epoll and kqueue kept the old interest as "armed" and never asked the
 * poller again: the new op hung.)
 */
static void reuse_after_cancel(bool poll_first)
{
	struct rr_loop loop;
	struct rr_op op, fresh;
	struct recorder rec = { 0 }, fresh_rec = { 0 };
	rr_fd_t old_pair[2], new_pair[2];
	char buf[8];

	open_loop(&loop, 0);
	stream_pair(old_pair);
	rr_op_init(&op, record_cb, &rec);
	if (poll_first)
		cr_assert_eq(rr_poll(&loop, &op, old_pair[0], POLLIN), 0);
	else
		cr_assert_eq(rr_recv(&loop, &op, old_pair[0], buf, sizeof(buf), 0), 0);
	cr_assert_eq(rr_loop_run(&loop, RR_RUN_NOWAIT), 0, "it waits");
	cr_assert_eq(rr_cancel(&loop, &op), 0);
	run_until(&loop, &rec.done, 5000);
	cr_assert_eq(rec.result, -ECANCELED);

	rr_fd_t reused = old_pair[0];
	close_fd(old_pair[0]);
	close_fd(old_pair[1]);
	stream_pair(new_pair);
	if (new_pair[0] != reused && new_pair[1] != reused) {
		close_fd(new_pair[0]);
		close_fd(new_pair[1]);
		rr_loop_deinit(&loop);
		cr_skip_test("the fd number was not reused");
	}
	rr_fd_t fd = new_pair[0] == reused ? new_pair[0] : new_pair[1];
	rr_fd_t peer = fd == new_pair[0] ? new_pair[1] : new_pair[0];
	rr_op_init(&fresh, record_cb, &fresh_rec);
	if (poll_first)
		cr_assert_eq(rr_poll(&loop, &fresh, fd, POLLIN), 0);
	else
		cr_assert_eq(rr_recv(&loop, &fresh, fd, buf, sizeof(buf), 0), 0);
	cr_assert_eq(rr_loop_run(&loop, RR_RUN_NOWAIT), 0, "no data yet");
	cr_assert_eq(sock_send(peer, "new", 3), 3);
	run_until(&loop, &fresh_rec.done, 5000);
	cr_assert_eq(fresh_rec.calls, 1);
	if (poll_first) {
		cr_assert(fresh_rec.result & POLLIN, "revents 0x%x", fresh_rec.result);
	} else {
		cr_assert_eq(fresh_rec.result, 3);
		cr_assert_eq(memcmp(buf, "new", 3), 0);
	}
	cr_assert_eq(rec.calls, 1, "the cancelled op ran once");
	close_fd(new_pair[0]);
	close_fd(new_pair[1]);
	rr_loop_deinit(&loop);
}

Test(loop_misuse, a_reused_fd_after_a_cancelled_recv_works)
{
	reuse_after_cancel(false);
}

Test(loop_misuse, a_reused_fd_after_a_cancelled_poll_works)
{
	reuse_after_cancel(true);
}

/*
 * In one turn: a receive on a socket the loop knows, a close of that
 * socket, a receive on another known socket, a receive on a new socket.
 * The first waits forever (its socket is gone; it ends with the cancel), the
 * other two must complete.  (kqueue applied its batched changes up to the
 * first failing one and failed the next op with that change's error.)
 */
Test(loop_misuse, a_closed_fd_in_a_batch_spoils_nothing_else)
{
	struct rr_loop loop;
	struct rr_op warm_a, warm_c, on_a, close_a, on_c, on_b;
	struct recorder r_warm_a = { 0 }, r_warm_c = { 0 }, r_on_a = { 0 },
			r_close_a = { 0 }, r_on_c = { 0 }, r_on_b = { 0 };
	rr_fd_t a[2], b[2], c[2];
	char buf_a[8], buf_b[8], buf_c[8];

	open_loop(&loop, 0);
	stream_pair(a);
	stream_pair(c);
	/* Make a and c known to the backend: one completed receive each. */
	rr_op_init(&warm_a, record_cb, &r_warm_a);
	rr_op_init(&warm_c, record_cb, &r_warm_c);
	cr_assert_eq(rr_recv(&loop, &warm_a, a[0], buf_a, sizeof(buf_a), 0), 0);
	cr_assert_eq(rr_recv(&loop, &warm_c, c[0], buf_c, sizeof(buf_c), 0), 0);
	cr_assert_eq(rr_loop_run(&loop, RR_RUN_NOWAIT), 0);
	cr_assert_eq(sock_send(a[1], "a", 1), 1);
	cr_assert_eq(sock_send(c[1], "c", 1), 1);
	run_until(&loop, &r_warm_a.done, 5000);
	run_until(&loop, &r_warm_c.done, 5000);

	stream_pair(b);
	rr_op_init(&on_a, record_cb, &r_on_a);
	rr_op_init(&close_a, record_cb, &r_close_a);
	rr_op_init(&on_c, record_cb, &r_on_c);
	rr_op_init(&on_b, record_cb, &r_on_b);
	cr_assert_eq(rr_recv(&loop, &on_a, a[0], buf_a, sizeof(buf_a), 0), 0);
	cr_assert_eq(rr_close(&loop, &close_a, a[0]), 0);
	cr_assert_eq(rr_recv(&loop, &on_c, c[0], buf_c, sizeof(buf_c), 0), 0);
	cr_assert_eq(rr_recv(&loop, &on_b, b[0], buf_b, sizeof(buf_b), 0), 0);
	rr_loop_run(&loop, RR_RUN_NOWAIT);
	run_until(&loop, &r_close_a.done, 5000);
	cr_assert_eq(r_close_a.result, 0);
	cr_assert_eq(r_on_b.calls, 0, "b waits for data (result %d)", r_on_b.result);
	cr_assert_eq(r_on_c.calls, 0, "c waits for data (result %d)", r_on_c.result);

	cr_assert_eq(sock_send(c[1], "cc", 2), 2);
	cr_assert_eq(sock_send(b[1], "bbb", 3), 3);
	run_until(&loop, &r_on_c.done, 5000);
	run_until(&loop, &r_on_b.done, 5000);
	cr_assert_eq(r_on_c.result, 2);
	cr_assert_eq(r_on_b.result, 3);
	cr_assert_eq(memcmp(buf_b, "bbb", 3), 0);

	/* The receive on the closed socket ends when cancelled, once. */
	int ret = rr_cancel(&loop, &on_a);
	cr_assert(ret == 0 || ret == -ENOENT, "cancel: %d", ret);
	run_until(&loop, &r_on_a.done, 5000);
	cr_assert_eq(r_on_a.calls, 1);
	close_fd(a[1]);
	close_fd(b[0]);
	close_fd(b[1]);
	close_fd(c[0]);
	close_fd(c[1]);
	rr_loop_deinit(&loop);
}

/* ---- callbacks that turn the loop ---------------------------------------- */

#define NESTED_OPS 8

struct nesting {
	struct rr_op ops[NESTED_OPS];
	int calls[NESTED_OPS];
	int nested_ret;
	bool nested;
	enum rr_run_mode mode;
	/* Scheduled from inside the nested turn, on a high fd number. */
	struct rr_op high_op;
	struct recorder high_rec;
	rr_fd_t high_fd;
	char high_buf[8];
};

static void turning_cb(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct nesting *n = op->context;
	int index = (int)(op - n->ops);

	(void)result;
	n->calls[index]++;
	if (n->nested)
		return;
	n->nested = true;
	if (n->high_fd != (rr_fd_t)-1) {
		rr_op_init(&n->high_op, record_cb, &n->high_rec);
		cr_assert_eq(rr_recv(loop, &n->high_op, n->high_fd, n->high_buf,
				     sizeof(n->high_buf), 0), 0);
	}
	n->nested_ret = rr_loop_run(loop, n->mode);
}

/* Eight NOPs complete in one batch; the first callback turns the loop.
 * (On io_uring the nested turn reaped the batch's CQEs again: seven
 * callbacks ran twice and in_flight wrapped.) */
static void nested_nops(enum rr_run_mode mode)
{
	struct rr_loop loop;
	struct nesting n;

	memset(&n, 0, sizeof(n));
	n.high_fd = (rr_fd_t)-1;
	n.mode = mode;
	open_loop(&loop, 0);
	for (int i = 0; i < NESTED_OPS; i++) {
		rr_op_init(&n.ops[i], turning_cb, &n);
		cr_assert_eq(rr_nop(&loop, &n.ops[i]), 0);
	}
	run_until_done(&loop, 5000);
	for (int i = 0; i < NESTED_OPS; i++)
		cr_assert_eq(n.calls[i], 1, "op %d: %d callbacks", i, n.calls[i]);
	cr_assert_geq(n.nested_ret, 0, "the nested turn: %d", n.nested_ret);
	cr_assert_eq(rr_loop_pending(&loop), 0);
	cr_assert_eq(rr_loop_stats(&loop).in_flight, 0);
	cr_assert_eq(rr_loop_run(&loop, RR_RUN_UNTIL_DONE), 0, "nothing left");
	rr_loop_deinit(&loop);
}

Test(loop_misuse, a_callback_may_turn_the_loop_without_waiting)
{
	nested_nops(RR_RUN_NOWAIT);
}

Test(loop_misuse, a_callback_may_run_the_loop_until_done)
{
	nested_nops(RR_RUN_UNTIL_DONE);
}

#ifndef _WIN32
/* Receives wait on several sockets that become ready together; the first
 * callback schedules on a high fd number and turns the loop.  (On epoll the
 * fd table grew under the dispatch that held a pointer into it: a heap
 * use-after-free under AddressSanitizer.) */
Test(loop_misuse, a_nested_turn_may_schedule_on_a_new_high_fd)
{
	struct rr_loop loop;
	struct nesting n;
	rr_fd_t pairs[NESTED_OPS][2], high_pair[2];
	char bufs[NESTED_OPS][8];

	memset(&n, 0, sizeof(n));
	n.mode = RR_RUN_NOWAIT;
	open_loop(&loop, 0);
	stream_pair(high_pair);
	n.high_fd = fcntl(high_pair[0], F_DUPFD_CLOEXEC, 1500);
	if (n.high_fd < 0)
		cr_skip_test("no fd number 1500 here (RLIMIT_NOFILE)");
	for (int i = 0; i < NESTED_OPS; i++) {
		stream_pair(pairs[i]);
		rr_op_init(&n.ops[i], turning_cb, &n);
		cr_assert_eq(rr_recv(&loop, &n.ops[i], pairs[i][0], bufs[i], 8, 0), 0);
	}
	cr_assert_eq(rr_loop_run(&loop, RR_RUN_NOWAIT), 0, "all wait");
	for (int i = 0; i < NESTED_OPS; i++)
		cr_assert_eq(sock_send(pairs[i][1], "x", 1), 1);
	cr_assert_eq(sock_send(high_pair[1], "high", 4), 4);
	run_until_done(&loop, 5000);
	for (int i = 0; i < NESTED_OPS; i++)
		cr_assert_eq(n.calls[i], 1, "op %d: %d callbacks", i, n.calls[i]);
	cr_assert_eq(n.high_rec.calls, 1);
	cr_assert_eq(n.high_rec.result, 4);
	cr_assert_eq(rr_loop_pending(&loop), 0);
	for (int i = 0; i < NESTED_OPS; i++) {
		close_fd(pairs[i][0]);
		close_fd(pairs[i][1]);
	}
	close_fd(n.high_fd);
	close_fd(high_pair[0]);
	close_fd(high_pair[1]);
	rr_loop_deinit(&loop);
}
#endif

struct teardown {
	struct rr_loop *loop;
	int calls[4];
	int results[4];
	struct rr_op ops[4];
};

static void deinit_cb(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct teardown *t = op->context;
	int index = (int)(op - t->ops);

	t->calls[index]++;
	t->results[index] = result;
	if (index == 0)
		rr_loop_deinit(loop);
}

/* The first callback tears the loop down; the waiting receive and the other
 * NOP still get one callback each, and the loop returns. */
Test(loop_misuse, a_callback_may_deinit_its_loop)
{
	struct rr_loop loop;
	struct teardown t;
	rr_fd_t pair[2];
	char buf[8];

	memset(&t, 0, sizeof(t));
	open_loop(&loop, 0);
	stream_pair(pair);
	for (int i = 0; i < 3; i++)
		rr_op_init(&t.ops[i], deinit_cb, &t);
	cr_assert_eq(rr_nop(&loop, &t.ops[0]), 0);
	cr_assert_eq(rr_nop(&loop, &t.ops[1]), 0);
	cr_assert_eq(rr_recv(&loop, &t.ops[2], pair[0], buf, sizeof(buf), 0), 0);
	int ret = rr_loop_run(&loop, RR_RUN_UNTIL_DONE);
	cr_assert_geq(ret, 0, "run: %d", ret);
	for (int i = 0; i < 3; i++)
		cr_assert_eq(t.calls[i], 1, "op %d: %d callbacks", i, t.calls[i]);
	cr_assert_eq(t.results[2], -ECANCELED);
	cr_assert_eq(rr_loop_run(&loop, RR_RUN_NOWAIT), -EINVAL, "torn down");
	rr_loop_deinit(&loop); /* a second deinit does nothing */
	close_fd(pair[0]);
	close_fd(pair[1]);
}

/* ---- caller errors ------------------------------------------------------- */

#ifndef _WIN32
static void init_in_flight(void *arg)
{
	rr_op_init(arg, record_cb, NULL);
}
#endif

/* rr_op_init on an op in flight: the callback used to run twice after a
 * second scheduling.  Debug builds abort; release builds leave the op alone
 * (the second scheduling is -EBUSY) and the callback runs once. */
Test(loop_misuse, rr_op_init_on_an_op_in_flight_is_caught)
{
	struct rr_loop loop;
	struct rr_op op;
	struct recorder rec = { 0 };
	rr_fd_t pair[2];
	char buf[8];

	open_loop(&loop, 0);
	stream_pair(pair);
	rr_op_init(&op, record_cb, &rec);
	cr_assert_eq(rr_recv(&loop, &op, pair[0], buf, sizeof(buf), 0), 0);
	cr_assert_eq(rr_loop_run(&loop, RR_RUN_NOWAIT), 0);
	if (rr_loop_asserts_enabled()) {
#ifdef _WIN32
		cr_skip_test("the abort is shown in a forked child; Windows has no fork");
#else
		cr_assert(aborts_in_child(init_in_flight, &op),
			  "rr_op_init on an op in flight must abort in a debug build");
#endif
	} else {
		rr_op_init(&op, record_cb, &rec);
		cr_assert_eq(rr_recv(&loop, &op, pair[0], buf, sizeof(buf), 0), -EBUSY);
	}
	cr_assert_eq(sock_send(pair[1], "once", 4), 4);
	run_until_done(&loop, 5000);
	cr_assert_eq(rec.calls, 1);
	cr_assert_eq(rec.result, 4);
	/* Idle again: rr_op_init is fine now. */
	rr_op_init(&op, record_cb, &rec);
	cr_assert_eq(rr_nop(&loop, &op), 0);
	run_until_done(&loop, 5000);
	cr_assert_eq(rec.calls, 2);
	close_fd(pair[0]);
	close_fd(pair[1]);
	rr_loop_deinit(&loop);
}

/* A length whose result an int callback cannot carry is refused; INT_MAX
 * itself is accepted (here on a bad fd, so nothing is transferred). */
Test(loop_misuse, lengths_beyond_int_max_are_refused)
{
	struct rr_loop loop;
	struct rr_op op;
	struct recorder rec = { 0 };
	static char buf[16];
	struct iovec two[2] = {
		{ .iov_base = buf, .iov_len = (size_t)INT_MAX },
		{ .iov_base = buf, .iov_len = 2 },
	};

	open_loop(&loop, 0);
	rr_op_init(&op, record_cb, &rec);
	cr_assert_eq(rr_read(&loop, &op, 0, buf, UINT_MAX, 0), -EINVAL);
	cr_assert_eq(rr_write(&loop, &op, 0, buf, (unsigned)INT_MAX + 1u, 0), -EINVAL);
	cr_assert_eq(rr_recv(&loop, &op, 0, buf, (size_t)INT_MAX + 1u, 0), -EINVAL);
	cr_assert_eq(rr_send(&loop, &op, 0, buf, (size_t)INT_MAX + 1u, 0), -EINVAL);
#if SIZE_MAX > UINT_MAX
	cr_assert_eq(rr_recv(&loop, &op, 0, buf, ((size_t)1 << 32) + 5, 0), -EINVAL);
#endif
	cr_assert_eq(rr_readv(&loop, &op, 0, two, 2, 0), -EINVAL, "the total counts");
	cr_assert_eq(rr_loop_pending(&loop), 0, "nothing was scheduled");
	cr_assert_eq(rec.calls, 0);

	cr_assert_eq(rr_read(&loop, &op, (rr_fd_t)-1, buf, INT_MAX, 0), 0);
	run_until_done(&loop, 5000);
	cr_assert_eq(rec.calls, 1);
	cr_assert_lt(rec.result, 0, "a bad fd: %d", rec.result);
	rr_loop_deinit(&loop);
}

/* ---- deinit and closes --------------------------------------------------- */

/* A close that was asked for happens, even when deinit comes before the loop
 * ran it: the callback sees its result, and the fd is closed.  (Deinit used
 * to cancel it, and the fd stayed open.) */
Test(loop_misuse, deinit_still_runs_a_close_that_was_asked_for)
{
	struct rr_loop loop;
	struct rr_op fill[8], started, queued;
	struct recorder fill_rec[8], started_rec = { 0 }, queued_rec = { 0 };
	rr_fd_t first[2], second[2];

	memset(fill_rec, 0, sizeof(fill_rec));
	open_loop(&loop, 4); /* a small SQ: the second close waits in the queue */
	stream_pair(first);
	stream_pair(second);
	rr_op_init(&started, record_cb, &started_rec);
	cr_assert_eq(rr_close(&loop, &started, first[0]), 0);
	for (int i = 0; i < 8; i++) {
		rr_op_init(&fill[i], record_cb, &fill_rec[i]);
		cr_assert_eq(rr_nop(&loop, &fill[i]), 0);
	}
	rr_op_init(&queued, record_cb, &queued_rec);
	cr_assert_eq(rr_close(&loop, &queued, second[0]), 0);
	rr_loop_deinit(&loop);

	cr_assert_eq(started_rec.calls, 1);
	cr_assert_eq(queued_rec.calls, 1);
	cr_assert_eq(started_rec.result, 0, "the close ran: %d", started_rec.result);
	cr_assert_eq(queued_rec.result, 0, "the close ran: %d", queued_rec.result);
	cr_assert_not(fd_is_open(first[0]), "closed");
	cr_assert_not(fd_is_open(second[0]), "closed");
	for (int i = 0; i < 8; i++)
		cr_assert_eq(fill_rec[i].calls, 1);
	close_fd(first[1]);
	close_fd(second[1]);
}

/* ---- nesting without bound ------------------------------------------------ */

#define DEEP_OPS 100

struct deep {
	struct rr_op ops[DEEP_OPS];
	int calls[DEEP_OPS];
	int next;            /* the next op to schedule */
	int refused;         /* nested turns that returned -ELOOP */
	int other_errors;
};

/* Each callback schedules the next NOP and turns the loop until a callback
 * has run: without a bound this recursed as deep as there were ops. */
static void deep_cb(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct deep *d = op->context;

	(void)result;
	d->calls[op - d->ops]++;
	if (d->next < DEEP_OPS) {
		cr_assert_eq(rr_nop(loop, &d->ops[d->next]), 0);
		d->next++;
	}
	/* RR_RUN_ONCE: each level waits for the next NOP's callback, so the
	 * nesting grows on every backend (SQPOLL completes on its own time). */
	int ret = rr_loop_run(loop, RR_RUN_ONCE);
	if (ret == -ELOOP)
		d->refused++;
	else if (ret < 0)
		d->other_errors++;
}

Test(loop_misuse, callbacks_that_always_turn_the_loop_nest_only_so_deep)
{
	struct rr_loop loop;
	struct deep d;

	memset(&d, 0, sizeof(d));
	open_loop(&loop, 0);
	for (int i = 0; i < DEEP_OPS; i++)
		rr_op_init(&d.ops[i], deep_cb, &d);
	cr_assert_eq(rr_nop(&loop, &d.ops[0]), 0);
	d.next = 1;
	run_until_done(&loop, 10000);
	for (int i = 0; i < DEEP_OPS; i++)
		cr_assert_eq(d.calls[i], 1, "op %d: %d callbacks", i, d.calls[i]);
	cr_assert_gt(d.refused, 0, "a turn %d deep is refused", RR_LOOP_MAX_NESTING);
	cr_assert_eq(d.other_errors, 0);
	cr_assert_eq(rr_loop_pending(&loop), 0);
	rr_loop_deinit(&loop);
}

struct reinit {
	struct rr_op op, again;
	struct recorder again_rec;
	int calls;
};

/* A callback tears its loop down and sets it up again: the outer turn must
 * leave the new loop's nesting depth as it found it. */
static void reinit_cb(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct reinit *r = op->context;

	(void)result;
	r->calls++;
	rr_loop_deinit(loop);
	open_loop(loop, 0);
	rr_op_init(&r->again, record_cb, &r->again_rec);
	cr_assert_eq(rr_nop(loop, &r->again), 0);
}

Test(loop_misuse, a_callback_may_deinit_and_init_its_loop_again)
{
	struct rr_loop loop;
	struct reinit r;

	memset(&r, 0, sizeof(r));
	open_loop(&loop, 0);
	rr_op_init(&r.op, reinit_cb, &r);
	cr_assert_eq(rr_nop(&loop, &r.op), 0);
	cr_assert_geq(rr_loop_run(&loop, RR_RUN_ONCE), 0);
	cr_assert_eq(r.calls, 1);
	run_until_done(&loop, 5000);
	cr_assert_eq(r.again_rec.calls, 1, "the new loop runs");
	cr_assert_eq(rr_loop_run(&loop, RR_RUN_NOWAIT), 0, "not -ELOOP");
	rr_loop_deinit(&loop);
}
