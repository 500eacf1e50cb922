/* Buffer groups and multishot receive: every chunk in a buffer of the
 * group, buffers held until released, -ENOBUFS when the group runs dry,
 * end of file, cancellation, deinit, and the errors of bad arguments. */
#define _GNU_SOURCE
#include "../driver/rr_test.h"
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef _WIN32
#include <poll.h>
#include <sys/socket.h>
#endif

#include "../platform/platform.h"
#include "fixture.h"

TestSuite(loop_buffers, .timeout = 60);

enum { MAX_CHUNKS = 256 };

/* What a multishot receive delivered. */
struct receiver {
	struct rr_buf_group *group;
	bool release_at_once;     /* give each buffer back in the callback */
	bool rearm;               /* schedule the receive again after -ENOBUFS */
	rr_fd_t fd;
	int rearms;
	int chunks;
	unsigned ids[MAX_CHUNKS];
	int lengths[MAX_CHUNKS];
	bool more[MAX_CHUNKS];
	char data[8192];          /* every byte received, in order */
	size_t bytes;
	int finals;               /* callbacks without "more" */
	int final_result;
	bool failed;
};

static void receive_cb(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct receiver *r = op->context;

	if (!rr_op_more(op)) {
		if (r->rearm && result == -ENOBUFS) {
			r->rearms++;
			if (rr_recv_multishot(loop, op, r->fd, r->group, 0) != 0)
				r->failed = true;
			return;
		}
		r->finals++;
		r->final_result = result;
	}
	if (result <= 0)
		return;
	if (r->chunks == MAX_CHUNKS || r->bytes + (size_t)result > sizeof(r->data) ||
	    rr_op_buffer_id(op) >= r->group->count || (unsigned)result > r->group->size) {
		r->failed = true;
		return;
	}
	r->ids[r->chunks] = rr_op_buffer_id(op);
	r->lengths[r->chunks] = result;
	r->more[r->chunks] = rr_op_more(op);
	r->chunks++;
	memcpy(r->data + r->bytes, rr_op_buffer(op), (size_t)result);
	r->bytes += (size_t)result;
	if (r->release_at_once && rr_buf_group_release(r->group, rr_op_buffer_id(op)) != 0)
		r->failed = true;
}

/* Run the loop until the receiver holds `chunks` chunks (or a final
 * callback came); fail after 5 s. */
static void wait_chunks(struct rr_loop *loop, const struct receiver *r, int chunks)
{
	uint64_t deadline = rr_now_ns() + 5000000000ull;

	while (r->chunks < chunks && r->finals == 0) {
		cr_assert_lt(rr_now_ns(), deadline, "%d of %d chunks arrived", r->chunks, chunks);
		cr_assert_geq(rr_loop_run_for_ns(loop, 50000000ull), 0);
	}
}

/* Run the loop until *bytes reaches `want`, a last callback came
 * (*finals), or *failed says something was wrong; fail after 10 s.  For
 * either receiver below. */
static void run_until_bytes(struct rr_loop *loop, const size_t *bytes, const int *finals,
			    const bool *failed, size_t want)
{
	uint64_t deadline = rr_now_ns() + 10000000000ull;

	while (*bytes < want && *finals == 0 && !*failed) {
		cr_assert_lt(rr_now_ns(), deadline, "%zu of %zu bytes arrived", *bytes, want);
		cr_assert_geq(rr_loop_run_for_ns(loop, 50000000ull), 0);
	}
}

/* Run the loop until a last callback came (*finals); fail after 5 s. */
static void run_until_final(struct rr_loop *loop, const int *finals)
{
	uint64_t deadline = rr_now_ns() + 5000000000ull;

	while (*finals == 0) {
		cr_assert_lt(rr_now_ns(), deadline, "the receive has not ended");
		cr_assert_geq(rr_loop_run_for_ns(loop, 50000000ull), 0);
	}
}

static void wait_bytes(struct rr_loop *loop, const struct receiver *r, size_t bytes)
{
	run_until_bytes(loop, &r->bytes, &r->finals, &r->failed, bytes);
}

/* A group of `count` x `size` buffers on `loop`, and a multishot receive
 * from `fd` into it reporting to `r`. */
static void start_receiving(struct rr_loop *loop, struct rr_buf_group *group,
			    unsigned count, unsigned size, struct rr_op *op,
			    struct receiver *r, rr_fd_t fd)
{
	cr_assert_eq(rr_buf_group_init(loop, group, count, size), 0);
	rr_op_init(op, receive_cb, r);
	cr_assert_eq(rr_recv_multishot(loop, op, fd, group, 0), 0);
}

static void wait_final(struct rr_loop *loop, const struct receiver *r)
{
	run_until_final(loop, &r->finals);
}

Test(loop_buffers, each_chunk_arrives_in_a_held_buffer_until_end_of_file)
{
	struct rr_loop loop;
	struct rr_buf_group group;
	struct rr_op op;
	struct receiver r = { .group = &group };
	rr_fd_t pair[2];

	open_loop(&loop, 0);
	stream_pair(pair);
	start_receiving(&loop, &group, 8, 64, &op, &r, pair[1]);
	cr_assert_eq((uintptr_t)rr_buf_group_buffer(&group, 0) % 4096, 0, "page-aligned");
	cr_assert_eq((char *)rr_buf_group_buffer(&group, 3) - (char *)rr_buf_group_buffer(&group, 0),
		     3 * 64);
	for (int i = 0; i < 5; i++) {
		char msg[16];
		int len = snprintf(msg, sizeof(msg), "chunk-%d", i);
		cr_assert_eq(sock_send(pair[0], msg, (size_t)len), len);
		wait_chunks(&loop, &r, i + 1);
		cr_assert_eq(r.finals, 0, "result %d ended the receive", r.final_result);
		cr_assert(r.more[i], "chunk %d came with more to follow", i);
		cr_assert_eq(r.lengths[i], len);
		cr_assert_eq(memcmp(rr_buf_group_buffer(&group, r.ids[i]), msg, (size_t)len), 0,
			     "the buffer still holds chunk %d", i);
		for (int j = 0; j < i; j++)
			cr_assert_neq(r.ids[i], r.ids[j], "a held buffer was filled again");
		cr_assert_eq(op.state, RR_OP_IN_FLIGHT, "one op stays armed");
	}
	cr_assert_not(r.failed);
	cr_assert_eq(rr_loop_pending(&loop), 1u);
	for (int i = 0; i < 5; i++)
		cr_assert_eq(rr_buf_group_release(&group, r.ids[i]), 0);

	close_fd(pair[0]);
	wait_final(&loop, &r);
	cr_assert_eq(r.finals, 1);
	cr_assert_eq(r.final_result, 0, "end of file: %d", r.final_result);
	cr_assert_eq(op.state, RR_OP_IDLE);
	cr_assert_eq(rr_loop_pending(&loop), 0u);
	rr_buf_group_deinit(&group);
	close_fd(pair[1]);
	rr_loop_deinit(&loop);
}

Test(loop_buffers, a_message_larger_than_a_buffer_spans_several_in_order)
{
	struct rr_loop loop;
	struct rr_buf_group group;
	struct rr_op op;
	struct receiver r = { .group = &group, .release_at_once = true };
	char message[6000];
	rr_fd_t pair[2];

	for (size_t i = 0; i < sizeof(message); i++)
		message[i] = (char)pattern_byte(7, i);
	open_loop(&loop, 0);
	stream_pair(pair);
	/* Room for the whole message: on io_uring the kernel fills buffers
	 * until the socket is empty, before the callbacks give any back. */
	start_receiving(&loop, &group, 32, 256, &op, &r, pair[1]);
	cr_assert_eq(sock_send(pair[0], message, sizeof(message)), (long)sizeof(message));
	wait_bytes(&loop, &r, sizeof(message));
	cr_assert_not(r.failed);
	cr_assert_eq(r.finals, 0, "ended with %d", r.final_result);
	cr_assert_eq(r.bytes, sizeof(message));
	cr_assert_geq(r.chunks, (int)(sizeof(message) / 256), "no chunk exceeds a buffer");
	cr_assert_eq(memcmp(r.data, message, sizeof(message)), 0, "the bytes, in order");

	cr_assert_eq(rr_cancel(&loop, &op), 0);
	wait_final(&loop, &r);
	cr_assert_eq(r.final_result, -ECANCELED);
	cr_assert_eq(r.finals, 1);
	close_fd(pair[0]);
	close_fd(pair[1]);
	rr_loop_deinit(&loop);
}

Test(loop_buffers, a_receive_rearmed_after_ENOBUFS_loses_no_byte)
{
	struct rr_loop loop;
	struct rr_buf_group group;
	struct rr_op op;
	struct receiver r = { .group = &group, .release_at_once = true, .rearm = true };
	char message[8000];
	rr_fd_t pair[2];

	for (size_t i = 0; i < sizeof(message); i++)
		message[i] = (char)pattern_byte(11, i);
	open_loop(&loop, 0);
	stream_pair(pair);
	r.fd = pair[1];
	/* Far less room than the message: the group runs dry at least on
	 * io_uring, and the receive is scheduled again each time. */
	start_receiving(&loop, &group, 4, 64, &op, &r, pair[1]);
	cr_assert_eq(sock_send(pair[0], message, sizeof(message)), (long)sizeof(message));
	wait_bytes(&loop, &r, sizeof(message));
	cr_assert_not(r.failed);
	cr_assert_eq(r.finals, 0, "ended with %d", r.final_result);
	cr_assert_eq(r.bytes, sizeof(message));
	cr_assert_eq(memcmp(r.data, message, sizeof(message)), 0, "every byte, in order");
	close_fd(pair[0]);
	wait_final(&loop, &r);
	cr_assert_eq(r.final_result, 0);
	close_fd(pair[1]);
	rr_loop_deinit(&loop);
}

Test(loop_buffers, an_empty_group_ends_the_receive_with_ENOBUFS_and_keeps_the_data)
{
	struct rr_loop loop;
	struct rr_buf_group group;
	struct rr_op op;
	struct receiver r = { .group = &group };
	rr_fd_t pair[2];

	open_loop(&loop, 0);
	stream_pair(pair);
	start_receiving(&loop, &group, 2, 32, &op, &r, pair[1]);
	cr_assert_eq(sock_send(pair[0], "one", 3), 3);
	wait_chunks(&loop, &r, 1);
	cr_assert_eq(sock_send(pair[0], "two", 3), 3);
	wait_chunks(&loop, &r, 2);
	cr_assert_eq(r.finals, 0);
	/* Both buffers are held: the next chunk finds none. */
	cr_assert_eq(sock_send(pair[0], "three", 5), 5);
	wait_final(&loop, &r);
	cr_assert_eq(r.final_result, -ENOBUFS, "result %d", r.final_result);
	cr_assert_eq(r.chunks, 2);
	cr_assert_eq(op.state, RR_OP_IDLE);

	/* Given a buffer back, a new receive gets the data that waited. */
	cr_assert_eq(rr_buf_group_release(&group, r.ids[0]), 0);
	r.finals = 0;
	cr_assert_eq(rr_recv_multishot(&loop, &op, pair[1], &group, 0), 0);
	wait_chunks(&loop, &r, 3);
	cr_assert_eq(r.lengths[2], 5);
	cr_assert_eq(memcmp(r.data + 6, "three", 5), 0);
	cr_assert_eq(r.ids[2], r.ids[0], "the released buffer was the one free");
	close_fd(pair[0]);
	close_fd(pair[1]);
	/* The receive is still armed (or just ended): deinit runs its last
	 * callback once, and releases the group too. */
	rr_loop_deinit(&loop);
	cr_assert_eq(r.finals, 1);
	cr_assert_null(group.loop, "deinit released the group");
	rr_buf_group_deinit(&group); /* a no-op now */
	cr_assert_eq(rr_buf_group_release(&group, 0), -EINVAL);
}

Test(loop_buffers, bad_arguments_are_refused_with_EINVAL)
{
	struct rr_loop loop, other;
	struct rr_buf_group group, foreign;
	struct rr_op op;
	struct receiver r = { .group = &group };
	rr_fd_t pair[2];

	open_loop(&loop, 0);
	open_loop(&other, 0);
	stream_pair(pair);
	cr_assert_eq(rr_buf_group_init(NULL, &group, 8, 64), -EINVAL);
	cr_assert_eq(rr_buf_group_init(&loop, NULL, 8, 64), -EINVAL);
	cr_assert_eq(rr_buf_group_init(&loop, &group, 0, 64), -EINVAL);
	cr_assert_eq(rr_buf_group_init(&loop, &group, 3, 64), -EINVAL, "not a power of two");
	cr_assert_eq(rr_buf_group_init(&loop, &group, 65536, 64), -EINVAL);
	cr_assert_eq(rr_buf_group_init(&loop, &group, 8, 0), -EINVAL);
	cr_assert_eq(rr_buf_group_init(&loop, &group, 8, (1u << 30) + 1), -EINVAL);

	cr_assert_eq(rr_buf_group_init(&loop, &group, 8, 64), 0);
	cr_assert_eq(rr_buf_group_init(&other, &foreign, 8, 64), 0);
	rr_op_init(&op, receive_cb, &r);
	cr_assert_eq(rr_recv_multishot(&loop, &op, pair[1], NULL, 0), -EINVAL);
	cr_assert_eq(rr_recv_multishot(&loop, &op, pair[1], &foreign, 0), -EINVAL,
		     "a group of another loop");
	cr_assert_eq(rr_buf_group_release(&group, 8), -EINVAL, "out of range");
	cr_assert_eq(rr_buf_group_release(&group, 0), -EINVAL, "never handed out");
	cr_assert_eq(rr_buf_group_release(NULL, 0), -EINVAL);
	cr_assert_eq(op.state, RR_OP_IDLE, "nothing was scheduled");

	/* Released twice: the second is refused. */
	cr_assert_eq(rr_recv_multishot(&loop, &op, pair[1], &group, 0), 0);
	cr_assert_eq(sock_send(pair[0], "x", 1), 1);
	wait_chunks(&loop, &r, 1);
	cr_assert_eq(rr_buf_group_release(&group, r.ids[0]), 0);
	cr_assert_eq(rr_buf_group_release(&group, r.ids[0]), -EINVAL);
	cr_assert_eq(rr_cancel(&loop, &op), 0);
	wait_final(&loop, &r);

	/* A deinitialised group. */
	rr_buf_group_deinit(&group);
	rr_buf_group_deinit(&group);
	cr_assert_eq(rr_recv_multishot(&loop, &op, pair[1], &group, 0), -EINVAL);
	rr_buf_group_deinit(&foreign);
	close_fd(pair[0]);
	close_fd(pair[1]);
	rr_loop_deinit(&other);
	rr_loop_deinit(&loop);
}

Test(loop_buffers, groups_of_one_loop_are_independent)
{
	struct rr_loop loop;
	struct rr_buf_group small, large;
	struct rr_op op_small, op_large;
	struct receiver rs = { .group = &small, .release_at_once = true };
	struct receiver rl = { .group = &large, .release_at_once = true };
	rr_fd_t a[2], b[2];

	open_loop(&loop, 0);
	stream_pair(a);
	stream_pair(b);
	start_receiving(&loop, &small, 8, 16, &op_small, &rs, a[1]);
	start_receiving(&loop, &large, 4, 4096, &op_large, &rl, b[1]);
	char text[100];
	memset(text, 'q', sizeof(text));
	cr_assert_eq(sock_send(b[0], text, sizeof(text)), (long)sizeof(text));
	cr_assert_eq(sock_send(a[0], text, sizeof(text)), (long)sizeof(text));
	wait_bytes(&loop, &rs, sizeof(text));
	wait_bytes(&loop, &rl, sizeof(text));
	cr_assert_not(rs.failed);
	cr_assert_not(rl.failed);
	cr_assert_geq(rs.chunks, 7, "16-byte buffers: 100 bytes take at least 7");
	for (int i = 0; i < rs.chunks; i++)
		cr_assert_leq(rs.lengths[i], 16);
	cr_assert_eq(memcmp(rl.data, text, sizeof(text)), 0);
	cr_assert_eq(memcmp(rs.data, text, sizeof(text)), 0);
	close_fd(a[0]);
	close_fd(b[0]);
	wait_final(&loop, &rs);
	wait_final(&loop, &rl);
	cr_assert_eq(rs.final_result, 0);
	cr_assert_eq(rl.final_result, 0);
	close_fd(a[1]);
	close_fd(b[1]);
	rr_loop_deinit(&loop);
}

/* ---- bundles: one result, several buffers --------------------------------- */

/* What a bundle receive delivered: each result walked buffer by buffer. */
struct bundle_receiver {
	struct rr_buf_group *group;
	bool release_at_once;
	int results;
	int most_buffers;         /* the largest rr_op_buffer_count seen */
	unsigned held[64];        /* buffers not released, in arrival order */
	int held_count;
	char data[8192];
	size_t bytes;
	int finals;
	int final_result;
	bool failed;
	const char *why;          /* what went wrong */
};

static void bundle_failed(struct bundle_receiver *r, const char *why)
{
	r->failed = true;
	r->why = why;
}

static void bundle_cb(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct bundle_receiver *r = op->context;
	struct rr_buf_group *g = r->group;

	(void)loop;
	if (!rr_op_more(op)) {
		r->finals++;
		r->final_result = result;
	}
	if (result <= 0)
		return;
	unsigned count = rr_op_buffer_count(op);
	if (count == 0 || (size_t)count * g->size < (size_t)result ||
	    (size_t)(count - 1) * g->size >= (size_t)result) {
		bundle_failed(r, "a result's buffer count does not fit its length");
		return;
	}
	if (r->bytes + (size_t)result > sizeof(r->data)) {
		bundle_failed(r, "more bytes than were sent");
		return;
	}
	r->results++;
	if ((int)count > r->most_buffers)
		r->most_buffers = (int)count;
	unsigned id = rr_op_buffer_id(op);
	int left = result;
	for (unsigned i = 0; i < count; i++) {
		if (id >= g->count) {
			bundle_failed(r, "a buffer id outside the group");
			return;
		}
		/* Every buffer but the last is full. */
		int len = left > (int)g->size ? (int)g->size : left;
		if (i == 0 && rr_op_buffer(op) != rr_buf_group_buffer(g, id)) {
			bundle_failed(r, "rr_op_buffer is not the first buffer");
			return;
		}
		memcpy(r->data + r->bytes, rr_buf_group_buffer(g, id), (size_t)len);
		r->bytes += (size_t)len;
		left -= len;
		if (r->release_at_once) {
			if (rr_buf_group_release(g, id) != 0)
				bundle_failed(r, "a buffer of the bundle could not be released");
		} else if (r->held_count < 64) {
			r->held[r->held_count++] = id;
		}
		if (i + 1 < count)
			id = rr_op_bundle_next(op, id);
	}
}

static void wait_bundle_bytes(struct rr_loop *loop, const struct bundle_receiver *r,
			      size_t bytes)
{
	run_until_bytes(loop, &r->bytes, &r->finals, &r->failed, bytes);
}

/* Where one result can fill several buffers: io_uring with bundles, and
 * the readiness backends' emulation; IOCP fills one a result. */
static bool bundles_expected(const struct rr_loop *loop)
{
	return strcmp(rr_loop_backend_name(loop), "iocp") != 0;
}

Test(loop_buffers, a_bundle_receive_fills_several_buffers_a_result_every_byte_in_order)
{
	struct rr_loop loop;
	struct rr_buf_group group;
	struct rr_op op;
	struct bundle_receiver r = { .group = &group, .release_at_once = true };
	char message[3000];
	rr_fd_t pair[2];

	for (size_t i = 0; i < sizeof(message); i++)
		message[i] = (char)pattern_byte(11, i);
	open_loop(&loop, 0);
	stream_pair(pair);
	cr_assert_eq(rr_buf_group_init(&loop, &group, 64, 128), 0);
	rr_op_init(&op, bundle_cb, &r);
	cr_assert_eq(rr_recv_bundle(&loop, &op, pair[1], &group, 0), 0);
	/* The whole message is waiting before the receive first runs. */
	cr_assert_eq(sock_send(pair[0], message, sizeof(message)), (long)sizeof(message));
	wait_bundle_bytes(&loop, &r, sizeof(message));
	cr_assert_not(r.failed, "%s", r.why);
	cr_assert_eq(r.finals, 0, "ended with %d", r.final_result);
	cr_assert_eq(r.bytes, sizeof(message));
	cr_assert_eq(memcmp(r.data, message, sizeof(message)), 0, "the bytes, in order");
	if (bundles_expected(&loop))
		cr_assert_gt(r.most_buffers, 1, "no result filled more than one buffer");

	/* A second message lands in the released buffers. */
	cr_assert_eq(sock_send(pair[0], message, 1000), 1000);
	wait_bundle_bytes(&loop, &r, sizeof(message) + 1000);
	cr_assert_not(r.failed, "%s", r.why);
	cr_assert_eq(memcmp(r.data + sizeof(message), message, 1000), 0);
	close_fd(pair[0]);
	run_until_final(&loop, &r.finals);
	cr_assert_eq(r.final_result, 0);
	cr_assert_eq(op.state, RR_OP_IDLE);
	rr_buf_group_deinit(&group);
	close_fd(pair[1]);
	rr_loop_deinit(&loop);
}

/* Buffers held by the application are never in a later bundle, and a group
 * that runs dry ends the receive with -ENOBUFS, every byte before it kept. */
Test(loop_buffers, a_bundle_receive_never_refills_a_held_buffer_and_ends_with_ENOBUFS)
{
	struct rr_loop loop;
	struct rr_buf_group group;
	struct rr_op op;
	struct bundle_receiver r = { .group = &group };
	char message[1000];
	rr_fd_t pair[2];

	for (size_t i = 0; i < sizeof(message); i++)
		message[i] = (char)pattern_byte(12, i);
	open_loop(&loop, 0);
	stream_pair(pair);
	cr_assert_eq(rr_buf_group_init(&loop, &group, 8, 64), 0); /* 512 bytes */
	rr_op_init(&op, bundle_cb, &r);
	cr_assert_eq(rr_recv_bundle(&loop, &op, pair[1], &group, 0), 0);
	cr_assert_eq(sock_send(pair[0], message, sizeof(message)), (long)sizeof(message));
	run_until_final(&loop, &r.finals);
	cr_assert_not(r.failed, "%s", r.why);
	cr_assert_eq(r.final_result, -ENOBUFS, "ended with %d", r.final_result);
	cr_assert_eq(r.bytes, 512u, "the group's 512 bytes, then none free");
	cr_assert_eq(r.held_count, 8);
	for (int i = 0; i < 8; i++)
		for (int j = 0; j < i; j++)
			cr_assert_neq(r.held[i], r.held[j], "buffer %u handed out twice", r.held[i]);
	cr_assert_eq(memcmp(r.data, message, 512), 0);
	for (int i = 0; i < 8; i++)
		cr_assert_eq(rr_buf_group_release(&group, r.held[i]), 0);
	cr_assert_eq(rr_buf_group_release(&group, r.held[0]), -EINVAL, "released twice");
	/* Re-armed, the receive takes up where the data stopped. */
	r.finals = 0;
	r.held_count = 0;
	cr_assert_eq(rr_recv_bundle(&loop, &op, pair[1], &group, 0), 0);
	wait_bundle_bytes(&loop, &r, sizeof(message));
	cr_assert_not(r.failed, "%s", r.why);
	cr_assert_eq(memcmp(r.data, message, sizeof(message)), 0);
	close_fd(pair[0]);
	close_fd(pair[1]);
	rr_loop_deinit(&loop);
	cr_assert_eq(r.finals, 1);
}

Test(loop_buffers, a_plain_multishot_result_is_one_buffer_and_bundle_arguments_are_checked)
{
	struct rr_loop loop, other;
	struct rr_buf_group group;
	struct rr_op op;
	struct receiver r = { .group = &group };
	rr_fd_t pair[2];

	open_loop(&loop, 0);
	stream_pair(pair);
	start_receiving(&loop, &group, 8, 16, &op, &r, pair[1]);
	cr_assert_eq(sock_send(pair[0], "0123456789abcdef0123", 20), 20);
	wait_chunks(&loop, &r, 2);
	cr_assert_eq(rr_op_buffer_count(&op), 1u);
	cr_assert_eq(rr_cancel(&loop, &op), 0);
	wait_final(&loop, &r);

	struct rr_op bad;
	rr_op_init(&bad, bundle_cb, &r);
	cr_assert_eq(rr_recv_bundle(&loop, &bad, pair[1], NULL, 0), -EINVAL);
	open_loop(&other, 0);
	cr_assert_eq(rr_recv_bundle(&other, &bad, pair[1], &group, 0), -EINVAL,
		     "a group of another loop");
	rr_loop_deinit(&other);
	close_fd(pair[0]);
	close_fd(pair[1]);
	rr_loop_deinit(&loop);
}

/* A poll takes nothing from the socket: armed beside a multishot receive
 * (after it, so behind it in a readiness backend's list of waiters), it
 * sees the data arrive, as io_uring wakes every poll on the socket. */
Test(loop_buffers, a_poll_beside_a_multishot_receive_sees_the_data)
{
	struct rr_loop loop;
	struct rr_buf_group group;
	struct rr_op op, poll_op;
	struct receiver r = { .group = &group, .release_at_once = true };
	struct recorder poll_record = { 0 };
	rr_fd_t pair[2];

	open_loop(&loop, 0);
	stream_pair(pair);
	start_receiving(&loop, &group, 8, 64, &op, &r, pair[1]);
	rr_op_init(&poll_op, record_cb, &poll_record);
	cr_assert_eq(rr_poll(&loop, &poll_op, pair[1], POLLIN), 0);
	/* Both armed before the data comes: an SQPOLL thread takes the SQEs
	 * in its own time, and a poll armed after the receive took the data
	 * would rightly wait. */
	cr_assert_geq(rr_loop_run_for_ns(&loop, 50000000ull), 0);
	cr_assert_eq(poll_record.calls, 0, "nothing to read yet");
	cr_assert_eq(sock_send(pair[0], "ping", 4), 4);
	wait_chunks(&loop, &r, 1);
	if (rr_loop_backend(&loop) == RR_BACKEND_IOCP) {
		/* (loop.h: IOCP's poll is a zero-byte receive, queued behind
		 * the multishot's, which took the data) */
		cr_assert_eq(rr_cancel(&loop, &poll_op), 0);
		run_until(&loop, &poll_record.done, 2000);
		cr_assert_eq(poll_record.result, -ECANCELED);
	} else {
		run_until(&loop, &poll_record.done, 2000);
		cr_assert_eq(poll_record.calls, 1, "the poll saw the data the receive took");
		cr_assert(poll_record.result & POLLIN, "POLLIN: %d", poll_record.result);
	}
	cr_assert_eq(r.bytes, 4u);
	cr_assert_eq(rr_cancel(&loop, &op), 0);
	wait_final(&loop, &r);
	rr_buf_group_deinit(&group);
	close_fd(pair[0]);
	close_fd(pair[1]);
	rr_loop_deinit(&loop);
}

/* A loop holds at most 65,536 groups (io_uring's buffer group ids are 16
 * bits): the next one is refused (-ENOSPC), not a hang or a reused id, and
 * a group given back frees its id. */
Test(loop_buffers, the_65537th_group_is_refused_and_a_freed_id_is_used_again,
     .timeout = 120)
{
	struct rr_loop loop;
	enum { GROUPS = 65536 };
	struct rr_buf_group *groups = calloc(GROUPS + 1, sizeof(*groups));

	cr_assert_not_null(groups);
	open_loop(&loop, 0);
	for (unsigned i = 0; i < GROUPS; i++) {
		int ret = rr_buf_group_init(&loop, &groups[i], 1, 1);
		if (ret == -ENOMEM) /* (a system that cannot map so many pages) */
			cr_skip_test("%u groups took the memory there was", i);
		cr_assert_eq(ret, 0, "group %u: %d", i, ret);
	}
	cr_assert_eq(rr_buf_group_init(&loop, &groups[GROUPS], 1, 1), -ENOSPC);
	rr_buf_group_deinit(&groups[1234]);
	cr_assert_eq(rr_buf_group_init(&loop, &groups[1234], 1, 1), 0, "the freed id");
	cr_assert_eq(rr_buf_group_init(&loop, &groups[GROUPS], 1, 1), -ENOSPC);
	rr_loop_deinit(&loop); /* releases all of them */
	free(groups);
}

/* Results of one multishot receive waiting behind each other do not hold
 * up what completed after them: a NOP completed behind a receive's two
 * results runs in the same turn as the receive's first, however many
 * results the receive still has to deliver (one a turn). */
Test(loop_buffers, a_completion_behind_a_multishot_receives_results_is_not_held_up)
{
	struct rr_loop loop;
	struct rr_buf_group group;
	struct rr_op op, nop;
	struct receiver r = { .group = &group, .release_at_once = true };
	struct recorder nop_rec = { 0 };
	rr_fd_t pair[2];
	char data[256];

	if (loop_options(0).sqpoll)
		cr_skip_test("the SQ thread submits the NOP in its own time: which turn sees it "
			     "is not the loop's to say");
	open_loop(&loop, 0);
	stream_pair(pair);
	start_receiving(&loop, &group, 16, 64, &op, &r, pair[1]);
	cr_assert_geq(rr_loop_run_for_ns(&loop, 20000000ull), 0); /* armed, waiting */
	memset(data, 'x', sizeof(data));
	cr_assert_eq(sock_send(pair[0], data, sizeof(data)), (long)sizeof(data));
	sleep_ms(50); /* the results are posted */
	rr_op_init(&nop, record_cb, &nop_rec);
	cr_assert_eq(rr_nop(&loop, &nop), 0);
	for (int turns = 0; turns < 10 && !nop_rec.done; turns++)
		cr_assert_geq(rr_loop_run(&loop, RR_RUN_NOWAIT), 0);
	cr_assert(nop_rec.done, "the NOP never ran");
	cr_assert_leq(r.chunks, 1, "%d receive results ran before the NOP's callback",
		      r.chunks);
	wait_chunks(&loop, &r, 4);
	cr_assert_eq(r.bytes, sizeof(data));
	cr_assert_eq(rr_cancel(&loop, &op), 0);
	wait_final(&loop, &r);
	rr_buf_group_deinit(&group);
	close_fd(pair[0]);
	close_fd(pair[1]);
	rr_loop_deinit(&loop);
}

/* A receiver that, in its first result's callback, tries to release the
 * group's other buffers: none is the application's yet, even where its
 * result is already known to the loop (held behind the first). */
struct early_release {
	struct rr_buf_group *group;
	int results;
	int early[3];       /* rr_buf_group_release of first+1..first+3 in the first callback */
	size_t bytes;
	bool ended;
};

static void early_release_cb(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct early_release *e = op->context;

	(void)loop;
	if (!rr_op_more(op))
		e->ended = true;
	if (result <= 0)
		return;
	if (e->results++ == 0)
		for (unsigned i = 0; i < 3; i++)
			e->early[i] = rr_buf_group_release(e->group,
							   (rr_op_buffer_id(op) + 1 + i) % e->group->count);
	e->bytes += (size_t)result;
	rr_buf_group_release(e->group, rr_op_buffer_id(op));
}

Test(loop_buffers, a_result_not_yet_called_back_keeps_its_buffer_from_release)
{
	struct rr_loop loop;
	struct rr_buf_group group;
	struct rr_op op;
	struct early_release e = { .group = &group };
	rr_fd_t pair[2];
	char data[256];

	open_loop(&loop, 0);
	stream_pair(pair);
	cr_assert_eq(rr_buf_group_init(&loop, &group, 16, 64), 0);
	rr_op_init(&op, early_release_cb, &e);
	cr_assert_eq(rr_recv_multishot(&loop, &op, pair[1], &group, 0), 0);
	cr_assert_geq(rr_loop_run_for_ns(&loop, 20000000ull), 0);
	memset(data, 'y', sizeof(data));
	cr_assert_eq(sock_send(pair[0], data, sizeof(data)), (long)sizeof(data));
	sleep_ms(50);
	uint64_t deadline = rr_now_ns() + 5000000000ull;
	while (e.bytes < sizeof(data)) {
		cr_assert_lt(rr_now_ns(), deadline, "%zu of %zu bytes", e.bytes, sizeof(data));
		cr_assert_geq(rr_loop_run(&loop, RR_RUN_NOWAIT), 0);
	}
	for (int i = 0; i < 3; i++)
		cr_assert_eq(e.early[i], -EINVAL, "buffer %d after the first was released early", i + 1);
	cr_assert_eq(rr_cancel(&loop, &op), 0);
	while (!e.ended)
		cr_assert_geq(rr_loop_run_for_ns(&loop, 10000000ull), 0);
	rr_buf_group_deinit(&group);
	close_fd(pair[0]);
	close_fd(pair[1]);
	rr_loop_deinit(&loop);
}
