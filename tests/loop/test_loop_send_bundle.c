/* Send groups and send bundles (RR_BUF_GROUP_SEND, rr_send_bundle): the
 * queued buffers go out in queue order with one callback that gives them
 * back; what is queued later, or beyond RR_SEND_BUNDLE_MAX, waits for the
 * next bundle; a bundle larger than the socket's buffer still completes in
 * full; a failed or cancelled bundle gives back what it took and one that
 * never started keeps the queue; and what cannot be done is refused.  On
 * every backend. */
#define _GNU_SOURCE
#include "../driver/rr_test.h"
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../platform/platform.h"
#include "fixture.h"
#include "send_group_checks.h"

TestSuite(loop_send_bundle, .timeout = 60);

/* Read `len` bytes from `fd` (blocking) and check they are buffers
 * `ids[0..n)` of lengths `lens`, in that order. */
static void expect_stream(rr_fd_t fd, const unsigned *ids, const unsigned *lens, unsigned n)
{
	for (unsigned k = 0; k < n; k++) {
		unsigned char buf[65536];
		unsigned got = 0;
		cr_assert_leq(lens[k], sizeof(buf));
		while (got < lens[k]) {
			long r = sock_recv(fd, buf + got, lens[k] - got);
			cr_assert_gt(r, 0, "the peer got %u of buffer %u's %u bytes", got, ids[k],
				     lens[k]);
			got += (unsigned)r;
		}
		for (unsigned i = 0; i < lens[k]; i++)
			cr_assert_eq(buf[i], fill_byte(ids[k], i), "buffer %u byte %u", ids[k], i);
	}
}

static void send_group(struct rr_loop *loop, struct rr_buf_group *g, unsigned count,
		       unsigned size)
{
	int ret = rr_buf_group_init_flags(loop, g, count, size, RR_BUF_GROUP_SEND);
	if (ret == -EOPNOTSUPP)
		cr_skip_test("no send bundles here (io_uring before 6.10)");
	cr_assert_eq(ret, 0);
}

Test(loop_send_bundle, sends_the_queue_in_order_and_gives_it_back)
{
	struct rr_loop loop;
	struct rr_buf_group g;
	rr_fd_t pair[2];
	struct rr_op op;
	struct sent s = { .group = &g };

	open_loop(&loop, 0);
	send_group(&loop, &g, 8, 1024);
	stream_pair(pair);
	/* Queue order, not id order, is the order on the wire. */
	unsigned ids[3] = { 3, 1, 6 }, lens[3] = { 100, 1024, 1 };
	for (int i = 0; i < 3; i++)
		queue_filled(&g, ids[i], lens[i]);
	cr_assert_eq(rr_buf_group_queued(&g), 3);
	rr_op_init(&op, sent_cb, &s);
	cr_assert_eq(rr_send_bundle(&loop, &op, pair[0], &g, 0), 0);
	run_until(&loop, &s.done, 5000);
	cr_assert_eq(s.calls, 1);
	cr_assert_eq(s.result, 1125);
	cr_assert_eq(s.count, 3);
	for (int i = 0; i < 3; i++)
		cr_assert_eq(s.ids[i], ids[i], "given back in queue order");
	cr_assert_eq(s.queued_after, 0);
	expect_stream(pair[1], ids, lens, 3);
	/* Given back: each may be queued and sent again. */
	queue_filled(&g, 1, 10);
	queue_filled(&g, 3, 20);
	s.done = false;
	cr_assert_eq(rr_send_bundle(&loop, &op, pair[0], &g, 0), 0);
	run_until(&loop, &s.done, 5000);
	cr_assert_eq(s.result, 30);
	cr_assert_eq(s.count, 2);
	cr_assert_eq(s.ids[0], 1);
	cr_assert_eq(s.ids[1], 3);
	expect_stream(pair[1], (unsigned[]){ 1, 3 }, (unsigned[]){ 10, 20 }, 2);
	rr_loop_deinit(&loop);
	close_fd(pair[0]);
	close_fd(pair[1]);
}

Test(loop_send_bundle, nothing_queued_is_enobufs)
{
	struct rr_loop loop;
	struct rr_buf_group g;
	rr_fd_t pair[2];
	struct rr_op op;
	struct sent s = { .group = &g };

	open_loop(&loop, 0);
	send_group(&loop, &g, 4, 64);
	stream_pair(pair);
	rr_op_init(&op, sent_cb, &s);
	cr_assert_eq(rr_send_bundle(&loop, &op, pair[0], &g, 0), 0);
	run_until(&loop, &s.done, 5000);
	cr_assert_eq(s.calls, 1);
	cr_assert_eq(s.result, -ENOBUFS);
	cr_assert_eq(s.count, 0);
	rr_loop_deinit(&loop);
	close_fd(pair[0]);
	close_fd(pair[1]);
}

Test(loop_send_bundle, what_is_queued_later_or_beyond_the_most_waits)
{
	struct rr_loop loop;
	struct rr_buf_group g;
	rr_fd_t pair[2];
	struct rr_op op, second;
	struct sent s = { .group = &g }, s2 = { .group = &g };

	open_loop(&loop, 0);
	send_group(&loop, &g, 512, 16);
	stream_pair(pair);
	for (unsigned i = 0; i < 300; i++)
		queue_filled(&g, i, 16);
	rr_op_init(&op, sent_cb, &s);
	rr_op_init(&second, sent_cb, &s2);
	cr_assert_eq(rr_send_bundle(&loop, &op, pair[0], &g, 0), 0);
	/* One at a time per group; a buffer queued now waits for the next. */
	cr_assert_eq(rr_send_bundle(&loop, &second, pair[0], &g, 0), -EBUSY);
	queue_filled(&g, 400, 5);
	run_until(&loop, &s.done, 5000);
	cr_assert_eq(s.calls, 1);
	cr_assert_eq(s.count, RR_SEND_BUNDLE_MAX);
	cr_assert_eq(s.result, RR_SEND_BUNDLE_MAX * 16);
	for (unsigned i = 0; i < RR_SEND_BUNDLE_MAX; i++)
		cr_assert_eq(s.ids[i], i);
	cr_assert_eq(s.queued_after, 300 - RR_SEND_BUNDLE_MAX + 1);
	cr_assert_eq(s2.calls, 0, "the refused op never runs");
	s.done = false;
	cr_assert_eq(rr_send_bundle(&loop, &op, pair[0], &g, 0), 0);
	run_until(&loop, &s.done, 5000);
	cr_assert_eq(s.count, 300 - RR_SEND_BUNDLE_MAX + 1);
	cr_assert_eq(s.result, (300 - RR_SEND_BUNDLE_MAX) * 16 + 5);
	cr_assert_eq(s.ids[s.count - 1], 400);
	cr_assert_eq(s.queued_after, 0);
	unsigned ids[301], lens[301];
	for (unsigned i = 0; i < 300; i++) {
		ids[i] = i;
		lens[i] = 16;
	}
	ids[300] = 400;
	lens[300] = 5;
	expect_stream(pair[1], ids, lens, 301);
	rr_loop_deinit(&loop);
	close_fd(pair[0]);
	close_fd(pair[1]);
}

/* A reader that takes `total` bytes slowly, in small reads. */
struct slow_reader {
	rr_fd_t fd;
	size_t total;
	size_t got;
	unsigned char *data;
};

static void *read_slowly(void *arg)
{
	struct slow_reader *r = arg;

	sleep_ms(50); /* let the sender fill the socket first */
	while (r->got < r->total) {
		size_t want = r->total - r->got < 4096 ? r->total - r->got : 4096;
		long n = sock_recv(r->fd, r->data + r->got, want);
		if (n <= 0)
			break;
		r->got += (size_t)n;
	}
	return NULL;
}

Test(loop_send_bundle, a_bundle_larger_than_the_socket_buffer_completes_in_full)
{
	struct rr_loop loop;
	struct rr_buf_group g;
	rr_fd_t pair[2];
	struct rr_op op;
	struct sent s = { .group = &g };
	enum { N = 16, SIZE = 65536 };

	open_loop(&loop, 0);
	send_group(&loop, &g, N, SIZE);
	stream_pair(pair);
	sock_small_send_buffer(pair[0], 4096);
	for (unsigned i = 0; i < N; i++)
		queue_filled(&g, N - 1 - i, SIZE);
	struct slow_reader r = { .fd = pair[1], .total = (size_t)N * SIZE,
				 .data = malloc((size_t)N * SIZE) };
	cr_assert_not_null(r.data);
	struct test_thread reader;
	thread_start(&reader, read_slowly, &r);
	rr_op_init(&op, sent_cb, &s);
	cr_assert_eq(rr_send_bundle(&loop, &op, pair[0], &g, 0), 0);
	run_until(&loop, &s.done, 20000);
	/* (Before the join: a reader still waiting for bytes would hang it.) */
	cr_assert_eq(s.calls, 1);
	cr_assert_eq(s.result, N * SIZE, "one callback for every byte: %d", s.result);
	thread_join(&reader);
	cr_assert_eq(s.count, N);
	cr_assert_eq(r.got, (size_t)N * SIZE);
	for (unsigned k = 0; k < N; k++)
		for (unsigned i = 0; i < SIZE; i += 251)
			cr_assert_eq(r.data[(size_t)k * SIZE + i], fill_byte(N - 1 - k, i));
	free(r.data);
	rr_loop_deinit(&loop);
	close_fd(pair[0]);
	close_fd(pair[1]);
}

Test(loop_send_bundle, a_failed_send_gives_back_what_it_took)
{
	struct rr_loop loop;
	struct rr_buf_group g;
	rr_fd_t pair[2];
	struct rr_op op;
	struct sent s = { .group = &g };

	open_loop(&loop, 0);
	send_group(&loop, &g, 4, 64);
	stream_pair(pair);
	close_fd(pair[1]);
	sleep_ms(20);
	rr_op_init(&op, sent_cb, &s);
	/* A Unix socket fails at once; TCP (Windows' pair) may take the first
	 * send and fail once the peer's reset is back. */
	for (int tries = 0; tries < 50; tries++) {
		queue_filled(&g, 2, 10);
		queue_filled(&g, 0, 10);
		s.done = false;
		cr_assert_eq(rr_send_bundle(&loop, &op, pair[0], &g, 0), 0);
		run_until(&loop, &s.done, 5000);
		if (s.result < 0)
			break;
		cr_assert_eq(s.result, 20);
		sleep_ms(20);
	}
	cr_assert_lt(s.result, 0, "a send to a closed peer fails: %d", s.result);
#ifndef _WIN32
	cr_assert_eq(s.calls, 1);
	cr_assert_eq(s.result, -EPIPE);
#endif
	cr_assert_eq(s.count, 2, "both buffers are the application's again");
	cr_assert_eq(s.ids[0], 2);
	cr_assert_eq(s.ids[1], 0);
	cr_assert_eq(s.queued_after, 0);
	cr_assert_eq(rr_buf_group_queue(&g, 2, 1), 0, "given back: may be queued");
	rr_loop_deinit(&loop);
	close_fd(pair[0]);
}

Test(loop_send_bundle, a_cancelled_send_gives_back_what_it_took)
{
	struct rr_loop loop;
	struct rr_buf_group g;
	rr_fd_t pair[2];
	struct rr_op op;
	struct sent s = { .group = &g };
	enum { N = 32, SIZE = 65536 };

	open_loop(&loop, 0);
	send_group(&loop, &g, N, SIZE);
	stream_pair(pair);
	sock_small_send_buffer(pair[0], 4096);
	for (unsigned i = 0; i < N; i++)
		queue_filled(&g, i, SIZE);
	rr_op_init(&op, sent_cb, &s);
	cr_assert_eq(rr_send_bundle(&loop, &op, pair[0], &g, 0), 0);
	/* Nobody reads: 2 MiB cannot all go into the socket. */
	for (int i = 0; i < 10; i++)
		cr_assert_geq(rr_loop_run_for_ns(&loop, 10000000ull), 0);
	cr_assert_not(s.done, "2 MiB went into a socket nobody reads");
	cr_assert_eq(rr_cancel(&loop, &op), 0);
	run_until(&loop, &s.done, 5000);
	cr_assert_eq(s.calls, 1);
	cr_assert(s.result == -ECANCELED || (s.result > 0 && s.result < N * SIZE),
		  "cancelled part-way: %d", s.result);
	cr_assert_eq(s.count, N, "every buffer it took is given back");
	cr_assert_eq(s.queued_after, 0);
	rr_loop_deinit(&loop);
	close_fd(pair[0]);
	close_fd(pair[1]);
}

Test(loop_send_bundle, a_send_that_never_took_its_buffers_keeps_the_queue)
{
	struct rr_loop loop;
	struct rr_buf_group g;
	rr_fd_t pair[2];
	struct rr_op op;
	struct sent s = { .group = &g };

	open_loop(&loop, 0);
	send_group(&loop, &g, 4, 64);
	stream_pair(pair);
	queue_filled(&g, 1, 7);
	queue_filled(&g, 3, 9);
	/* Not a socket: the send fails before it takes a buffer. */
	rr_fd_t file = temp_file(0, 1, NULL, 0);
	rr_op_init(&op, sent_cb, &s);
	cr_assert_eq(rr_send_bundle(&loop, &op, file, &g, 0), 0);
	run_until(&loop, &s.done, 5000);
	cr_assert_eq(s.calls, 1);
	cr_assert_lt(s.result, 0);
	cr_assert_eq(s.count, 0, "no buffer taken (result %d)", s.result);
	cr_assert_eq(s.queued_after, 2, "both still queued");
	/* ... and the next send bundle sends them. */
	s.done = false;
	cr_assert_eq(rr_send_bundle(&loop, &op, pair[0], &g, 0), 0);
	run_until(&loop, &s.done, 5000);
	cr_assert_eq(s.result, 16);
	cr_assert_eq(s.count, 2);
	cr_assert_eq(s.ids[0], 1);
	cr_assert_eq(s.ids[1], 3);
	expect_stream(pair[1], (unsigned[]){ 1, 3 }, (unsigned[]){ 7, 9 }, 2);
	rr_loop_deinit(&loop);
	close_fd(file);
	close_fd(pair[0]);
	close_fd(pair[1]);
}

Test(loop_send_bundle, refusals)
{
	struct rr_loop loop;
	struct rr_buf_group g, recv_group, both;
	rr_fd_t pair[2];
	struct rr_op op;
	struct sent s = { .group = &g };

	open_loop(&loop, 0);
	send_group(&loop, &g, 4, 64);
	stream_pair(pair);
	cr_assert_eq(rr_buf_group_init_flags(&loop, &both, 4, 64,
					     RR_BUF_GROUP_SEND | RR_BUF_GROUP_INCREMENTAL),
		     -EINVAL);
	cr_assert_eq(rr_buf_group_init(&loop, &recv_group, 4, 64), 0);
	/* Queueing: only a send group, an id in range, 1..size bytes, once. */
	cr_assert_eq(rr_buf_group_queue(&recv_group, 0, 1), -EINVAL);
	cr_assert_eq(rr_buf_group_queue(NULL, 0, 1), -EINVAL);
	cr_assert_eq(rr_buf_group_queue(&g, 4, 1), -EINVAL);
	cr_assert_eq(rr_buf_group_queue(&g, 0, 0), -EINVAL);
	cr_assert_eq(rr_buf_group_queue(&g, 0, 65), -EINVAL);
	cr_assert_eq(rr_buf_group_queue(&g, 0, 64), 0);
	cr_assert_eq(rr_buf_group_queue(&g, 0, 64), -EINVAL, "queued already");
	cr_assert_eq(rr_buf_group_queued(&g), 1);
	cr_assert_eq(rr_buf_group_queued(&recv_group), 0);
	/* Its buffers come back by being sent, not released. */
	cr_assert_eq(rr_buf_group_release(&g, 1), -EINVAL);
	cr_assert_eq(rr_buf_group_release(&g, 0), -EINVAL);
	/* A send group serves only send bundles, and a send bundle only it. */
	rr_op_init(&op, sent_cb, &s);
	cr_assert_eq(rr_recv_multishot(&loop, &op, pair[1], &g, 0), -EINVAL);
	cr_assert_eq(rr_recv_bundle(&loop, &op, pair[1], &g, 0), -EINVAL);
	cr_assert_eq(rr_send_bundle(&loop, &op, pair[0], &recv_group, 0), -EINVAL);
	cr_assert_eq(rr_send_bundle(&loop, &op, pair[0], NULL, 0), -EINVAL);
	/* A send bundle ends no chain early: it cannot be linked on. */
	rr_op_link(&op);
	cr_assert_eq(rr_send_bundle(&loop, &op, pair[0], &g, 0), -EINVAL);
	rr_op_init(&op, sent_cb, &s);
	cr_assert(rr_op_is_idle(&op), "every refused call left the op alone");
	cr_assert_eq(s.calls, 0);
	/* A deinitialised group is refused. */
	rr_buf_group_deinit(&g);
	cr_assert_eq(rr_send_bundle(&loop, &op, pair[0], &g, 0), -EINVAL);
	cr_assert_eq(rr_buf_group_queue(&g, 1, 1), -EINVAL);
	rr_loop_deinit(&loop);
	close_fd(pair[0]);
	close_fd(pair[1]);
}
