/* Incremental buffer groups (RR_BUF_GROUP_INCREMENTAL): small results share
 * a buffer at growing offsets, a buffer is handed over only by the result
 * that fills it, held buffers are refused to release, a stream through few
 * buffers keeps every byte in order, and what cannot combine is refused.
 * On every backend: where the group cannot be incremental (IOCP, a kernel
 * before 6.12) it must say so and behave as a plain group. */
#define _GNU_SOURCE
#include "../driver/rr_test.h"
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef _WIN32
#include <sys/utsname.h>
#endif

#include "../platform/platform.h"
#include "fixture.h"

TestSuite(loop_buffers_inc, .timeout = 60);

enum { MAX_RESULTS = 512 };

struct inc_receiver {
	struct rr_buf_group *group;
	rr_fd_t fd;
	bool release_handed;    /* release a buffer in the callback that hands it over */
	bool rearm;             /* schedule the receive again after -ENOBUFS */
	int results;
	unsigned ids[MAX_RESULTS], offsets[MAX_RESULTS];
	int lengths[MAX_RESULTS];
	bool kept[MAX_RESULTS];
	unsigned next_offset[64]; /* per buffer: where its next result must start */
	char data[65536];
	size_t bytes;
	int finals, final_result;
	const char *failed;     /* what went wrong, or NULL */
};

static void inc_cb(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct inc_receiver *r = op->context;
	struct rr_buf_group *g = r->group;

	if (!rr_op_more(op)) {
		if (r->rearm && result == -ENOBUFS) {
			if (rr_recv_multishot(loop, op, r->fd, g, 0) != 0)
				r->failed = "the re-arm was refused";
			return;
		}
		r->finals++;
		r->final_result = result;
	}
	if (result <= 0)
		return;
	unsigned id = rr_op_buffer_id(op), offset = rr_op_buffer_offset(op);
	if (r->results == MAX_RESULTS || r->bytes + (size_t)result > sizeof(r->data) ||
	    id >= g->count || id >= 64) {
		r->failed = "out of the receiver's room";
		return;
	}
	if (offset != r->next_offset[id])
		r->failed = "a result did not start where the buffer's last one ended";
	if (offset + (unsigned)result > g->size)
		r->failed = "a result ran past its buffer";
	if ((char *)rr_op_buffer(op) != (char *)rr_buf_group_buffer(g, id) + offset)
		r->failed = "rr_op_buffer is not the buffer plus the offset";
	bool full = offset + (unsigned)result == g->size;
	if (rr_op_buffer_kept(op) == full && rr_buf_group_incremental(g))
		r->failed = "a buffer was handed over before it was full, or kept when full";
	if (!rr_buf_group_incremental(g) && (offset != 0 || rr_op_buffer_kept(op)))
		r->failed = "a plain group gave an offset or kept a buffer";
	r->ids[r->results] = id;
	r->offsets[r->results] = offset;
	r->lengths[r->results] = result;
	r->kept[r->results] = rr_op_buffer_kept(op);
	r->results++;
	memcpy(r->data + r->bytes, rr_op_buffer(op), (size_t)result);
	r->bytes += (size_t)result;
	r->next_offset[id] = rr_op_buffer_kept(op) ? offset + (unsigned)result : 0;
	if (rr_op_buffer_kept(op) && rr_buf_group_release(g, id) != -EINVAL)
		r->failed = "a kept buffer could be released";
	if (!rr_op_buffer_kept(op) && r->release_handed && rr_buf_group_release(g, id) != 0)
		r->failed = "a handed-over buffer could not be released";
}

static void run_until_results(struct rr_loop *loop, const struct inc_receiver *r, int results)
{
	uint64_t deadline = rr_now_ns() + 5000000000ull;

	while (r->results < results && r->finals == 0 && !r->failed) {
		cr_assert_lt(rr_now_ns(), deadline, "%d of %d results arrived", r->results, results);
		cr_assert_geq(rr_loop_run_for_ns(loop, 50000000ull), 0);
	}
	cr_assert_null(r->failed, "%s", r->failed);
}

static void run_until_inc_bytes(struct rr_loop *loop, const struct inc_receiver *r, size_t want)
{
	uint64_t deadline = rr_now_ns() + 10000000000ull;

	while (r->bytes < want && r->finals == 0 && !r->failed) {
		cr_assert_lt(rr_now_ns(), deadline, "%zu of %zu bytes arrived", r->bytes, want);
		cr_assert_geq(rr_loop_run_for_ns(loop, 50000000ull), 0);
	}
	cr_assert_null(r->failed, "%s", r->failed);
}

static void cancel_and_end(struct rr_loop *loop, struct rr_op *op, struct inc_receiver *r)
{
	uint64_t deadline = rr_now_ns() + 5000000000ull;

	cr_assert_eq(rr_cancel(loop, op), 0);
	while (r->finals == 0) {
		cr_assert_lt(rr_now_ns(), deadline, "the receive has not ended");
		cr_assert_geq(rr_loop_run_for_ns(loop, 50000000ull), 0);
	}
	cr_assert_eq(r->final_result, -ECANCELED);
}

/* Whether this backend and kernel must give an incremental group: io_uring
 * on 6.12 or later, epoll and kqueue always, IOCP never. */
static bool incremental_expected(const struct rr_loop *loop)
{
	if (rr_loop_backend(loop) == RR_BACKEND_IOCP)
		return false;
	if (rr_loop_backend(loop) != RR_BACKEND_URING)
		return true;
#ifdef _WIN32
	return false;
#else
	struct utsname u;
	unsigned major = 0, minor = 0;
	if (uname(&u) != 0 || sscanf(u.release, "%u.%u", &major, &minor) != 2)
		return false;
	return major > 6 || (major == 6 && minor >= 12);
#endif
}

Test(loop_buffers_inc, small_results_share_one_buffer_at_growing_offsets)
{
	struct rr_loop loop;
	struct rr_buf_group group;
	struct rr_op op;
	struct inc_receiver r = { .group = &group };
	rr_fd_t pair[2];

	open_loop(&loop, 0);
	stream_pair(pair);
	cr_assert_eq(rr_buf_group_init_flags(&loop, &group, 4, 4096, RR_BUF_GROUP_INCREMENTAL), 0);
	cr_assert_eq(rr_buf_group_incremental(&group), incremental_expected(&loop),
		     "incremental on %s", rr_loop_backend_name(&loop));
	/* A plain group (IOCP) spends a buffer a result: give each back. */
	r.release_handed = !rr_buf_group_incremental(&group);
	rr_op_init(&op, inc_cb, &r);
	cr_assert_eq(rr_recv_multishot(&loop, &op, pair[1], &group, 0), 0);
	unsigned offset = 0;
	for (int i = 0; i < 5; i++) {
		char msg[16];
		int len = snprintf(msg, sizeof(msg), "chunk-%d", i);
		cr_assert_eq(sock_send(pair[0], msg, (size_t)len), len);
		run_until_results(&loop, &r, i + 1);
		cr_assert_eq(r.results, i + 1);
		cr_assert_eq(r.lengths[i], len, "result %d: %d bytes, %d sent", i, r.lengths[i], len);
		if (rr_buf_group_incremental(&group)) {
			cr_assert_eq(r.ids[i], r.ids[0], "result %d in the first buffer", i);
			cr_assert_eq(r.offsets[i], offset, "result %d right after the one before", i);
			cr_assert(r.kept[i], "the buffer is kept: it is not full");
		}
		offset += (unsigned)len;
	}
	if (rr_buf_group_incremental(&group))
		cr_assert_eq(memcmp(rr_buf_group_buffer(&group, r.ids[0]),
				    "chunk-0chunk-1chunk-2chunk-3chunk-4", 35), 0,
			     "the five results side by side in one buffer");
	cancel_and_end(&loop, &op, &r);
	rr_buf_group_deinit(&group);
	close_fd(pair[0]);
	close_fd(pair[1]);
	rr_loop_deinit(&loop);
}

Test(loop_buffers_inc, the_result_that_fills_a_buffer_hands_it_over)
{
	struct rr_loop loop;
	struct rr_buf_group group;
	struct rr_op op;
	struct inc_receiver r = { .group = &group };
	rr_fd_t pair[2];
	char piece[256];

	memset(piece, 'x', sizeof(piece));
	open_loop(&loop, 0);
	stream_pair(pair);
	cr_assert_eq(rr_buf_group_init_flags(&loop, &group, 2, 256, RR_BUF_GROUP_INCREMENTAL), 0);
	r.release_handed = !rr_buf_group_incremental(&group);
	rr_op_init(&op, inc_cb, &r);
	cr_assert_eq(rr_recv_multishot(&loop, &op, pair[1], &group, 0), 0);
	const int sizes[] = { 100, 100, 56, 10 };
	for (int i = 0; i < 4; i++) {
		cr_assert_eq(sock_send(pair[0], piece, (size_t)sizes[i]), sizes[i]);
		run_until_results(&loop, &r, i + 1);
	}
	if (rr_buf_group_incremental(&group)) {
		cr_assert(r.kept[0] && r.kept[1], "not full after 100 and 200 bytes");
		cr_assert_not(r.kept[2], "the 56 bytes filled it: handed over");
		cr_assert_eq(r.ids[2], r.ids[0]);
		cr_assert_neq(r.ids[3], r.ids[0], "the next result is in the other buffer");
		cr_assert_eq(r.offsets[3], 0u);
		cr_assert(r.kept[3]);
		cr_assert_eq(rr_buf_group_release(&group, r.ids[3]), -EINVAL,
			     "the buffer being filled is not the application's");
		cr_assert_eq(rr_buf_group_release(&group, r.ids[0]), 0, "the full one is");
		cr_assert_eq(rr_buf_group_release(&group, r.ids[0]), -EINVAL, "once");
	}
	cancel_and_end(&loop, &op, &r);
	rr_buf_group_deinit(&group);
	close_fd(pair[0]);
	close_fd(pair[1]);
	rr_loop_deinit(&loop);
}

Test(loop_buffers_inc, a_stream_through_few_buffers_keeps_every_byte_in_order)
{
	struct rr_loop loop;
	struct rr_buf_group group;
	struct rr_op op;
	static struct inc_receiver r;
	static char message[40000];
	rr_fd_t pair[2];

	memset(&r, 0, sizeof(r));
	r.group = &group;
	r.release_handed = true;
	r.rearm = true;
	for (size_t i = 0; i < sizeof(message); i++)
		message[i] = (char)pattern_byte(13, i);
	open_loop(&loop, 0);
	stream_pair(pair);
	r.fd = pair[1];
	/* 4 KiB of room for 40 KB: handed-over buffers come back in the
	 * callbacks, the group runs dry on the way and the receive is armed
	 * again. */
	cr_assert_eq(rr_buf_group_init_flags(&loop, &group, 4, 1024, RR_BUF_GROUP_INCREMENTAL), 0);
	rr_op_init(&op, inc_cb, &r);
	cr_assert_eq(rr_recv_multishot(&loop, &op, pair[1], &group, 0), 0);
	size_t sent = 0;
	unsigned seed = 5;
	while (sent < sizeof(message)) {
		size_t len = 1 + (size_t)(seed = seed * 1103515245u + 12345u) % 700;
		if (len > sizeof(message) - sent)
			len = sizeof(message) - sent;
		cr_assert_eq(sock_send(pair[0], message + sent, len), (long)len);
		sent += len;
		if ((seed >> 8) % 3 == 0)
			cr_assert_geq(rr_loop_run(&loop, RR_RUN_NOWAIT), 0);
	}
	run_until_inc_bytes(&loop, &r, sizeof(message));
	cr_assert_eq(r.bytes, sizeof(message));
	cr_assert_eq(memcmp(r.data, message, sizeof(message)), 0, "every byte, in order");
	if (rr_buf_group_incremental(&group)) {
		int handed = 0;
		for (int i = 0; i < r.results; i++)
			handed += !r.kept[i];
		cr_assert_geq(handed, (int)(sizeof(message) / 1024) - 1,
			      "%d buffers handed over for %zu bytes", handed, sizeof(message));
	}
	cancel_and_end(&loop, &op, &r);
	rr_buf_group_deinit(&group);
	close_fd(pair[0]);
	close_fd(pair[1]);
	rr_loop_deinit(&loop);
}

Test(loop_buffers_inc, bundles_and_unknown_flags_are_refused)
{
	struct rr_loop loop;
	struct rr_buf_group group, plain;
	struct rr_op op;
	rr_fd_t pair[2];

	open_loop(&loop, 0);
	stream_pair(pair);
	cr_assert_eq(rr_buf_group_init_flags(&loop, &group, 4, 64, 0x80), -EINVAL);
	cr_assert_eq(rr_buf_group_init_flags(&loop, &group, 4, 64, RR_BUF_GROUP_INCREMENTAL | 2),
		     -EINVAL);
	cr_assert_eq(rr_buf_group_init_flags(&loop, &plain, 4, 64, 0), 0);
	cr_assert_not(rr_buf_group_incremental(&plain), "flags 0: a plain group");
	cr_assert_eq(rr_buf_group_init_flags(&loop, &group, 4, 64, RR_BUF_GROUP_INCREMENTAL), 0);
	rr_op_init(&op, record_cb, NULL);
	if (rr_buf_group_incremental(&group))
		cr_assert_eq(rr_recv_bundle(&loop, &op, pair[1], &group, 0), -EINVAL,
			     "a bundle cannot take an incremental group");
	cr_assert(rr_op_is_idle(&op));
	rr_buf_group_deinit(&group);
	rr_buf_group_deinit(&plain);
	close_fd(pair[0]);
	close_fd(pair[1]);
	rr_loop_deinit(&loop);
}
