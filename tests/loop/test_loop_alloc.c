/*
 * No allocation per operation: malloc, calloc and realloc are counted (this
 * file interposes them on glibc's own) while a loop runs 100,000 echo round
 * trips over loopback TCP after warm-up.
 */
#define _GNU_SOURCE
#include "../driver/rr_test.h"
#include <errno.h>
#include <stdatomic.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../helpers.h"
#include "fixture.h"

/* Sanitizers bring their own allocator; interposing glibc's under them
 * breaks both.  The count is taken in ordinary builds. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define COUNT_ALLOCATIONS 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
	__has_feature(memory_sanitizer)
#define COUNT_ALLOCATIONS 0
#endif
#endif
#ifndef COUNT_ALLOCATIONS
#define COUNT_ALLOCATIONS 1
#endif

#if COUNT_ALLOCATIONS
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *ptr, size_t size);

static _Atomic bool counting;
static _Atomic unsigned long allocations;

void *malloc(size_t size)
{
	if (atomic_load_explicit(&counting, memory_order_relaxed))
		atomic_fetch_add(&allocations, 1);
	return __libc_malloc(size);
}

void *calloc(size_t count, size_t size)
{
	if (atomic_load_explicit(&counting, memory_order_relaxed))
		atomic_fetch_add(&allocations, 1);
	return __libc_calloc(count, size);
}

void *realloc(void *ptr, size_t size)
{
	if (atomic_load_explicit(&counting, memory_order_relaxed))
		atomic_fetch_add(&allocations, 1);
	return __libc_realloc(ptr, size);
}
#else
static _Atomic bool counting;
static _Atomic unsigned long allocations;
#endif

TestSuite(loop_alloc, .timeout = 120);

struct pingpong {
	struct rr_op client_op, server_op;
	struct rr_op server_send_op;      /* the multishot server's sends */
	struct rr_buf_group group;        /* the multishot server's buffers */
	int client_fd, server_fd;
	char client_buf[64], server_buf[64];
	unsigned held;                    /* the buffer being echoed */
	unsigned long round_trips;
	unsigned long target;
	bool failed;
};

static void server_cb(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct pingpong *p = op->context;

	if (result <= 0) {
		p->failed = result < 0;
		return;
	}
	if (op->type == RR_OP_RECV)
		rr_send(loop, op, p->server_fd, p->server_buf, (size_t)result, 0);
	else
		rr_recv(loop, op, p->server_fd, p->server_buf, sizeof(p->server_buf), 0);
}

static void client_cb(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct pingpong *p = op->context;

	if (result <= 0) {
		p->failed = true;
		return;
	}
	if (op->type == RR_OP_SEND) {
		rr_recv(loop, op, p->client_fd, p->client_buf, 32, MSG_WAITALL);
		return;
	}
	if (++p->round_trips == p->target)
		return;
	rr_send(loop, op, p->client_fd, p->client_buf, 32, 0);
}

static void run_round_trips(struct rr_loop *loop, struct pingpong *p,
			    unsigned long count)
{
	p->target = p->round_trips + count;
	memset(p->client_buf, 'e', 32);
	cr_assert_eq(rr_send(loop, &p->client_op, p->client_fd, p->client_buf, 32, 0), 0);
	while (p->round_trips < p->target && !p->failed)
		cr_assert_geq(rr_loop_run(loop, RR_RUN_ONCE), 0);
	cr_assert_not(p->failed);
}

/* The multishot server: each chunk is sent from the group's buffer, which
 * goes back to the group when its send completes. */
static void server_sent_cb(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct pingpong *p = op->context;

	(void)loop;
	if (result <= 0 || rr_buf_group_release(&p->group, p->held) != 0)
		p->failed = true;
}

static void server_multishot_cb(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct pingpong *p = op->context;

	if (result > 0) {
		p->held = rr_op_buffer_id(op);
		if (rr_send(loop, &p->server_send_op, p->server_fd, rr_op_buffer(op),
			    (size_t)result, 0) != 0)
			p->failed = true;
	}
	if (rr_op_more(op))
		return;
	if (result > 0 || result == -ENOBUFS)
		p->failed |= rr_recv_multishot(loop, op, p->server_fd, &p->group, 0) != 0;
	else
		p->failed |= result < 0;
}

/* Warm up, then count the allocations of 100,000 round trips: none. */
static void assert_round_trips_allocate_nothing(struct rr_loop *loop, struct pingpong *p)
{
	run_round_trips(loop, p, 1000); /* warm-up */
	atomic_store(&counting, true);
	run_round_trips(loop, p, 100000);
	atomic_store(&counting, false);

	cr_assert_eq(p->round_trips, 101000u);
	cr_assert_eq(atomic_load(&allocations), 0u,
		     "%lu allocations during 100,000 round trips",
		     atomic_load(&allocations));

	/* The counter itself works: an allocation while counting is seen. */
	void *(*volatile allocate)(size_t) = malloc; /* not elided by the compiler */
	atomic_store(&counting, true);
	void *probe = allocate(16);
	atomic_store(&counting, false);
	cr_assert_eq(atomic_load(&allocations), 1u);
	free(probe);
	atomic_store(&allocations, 0);
}

/* A loop and a connected pair, or a skip where allocations cannot be
 * counted; returns the listener. */
static int open_counted(struct rr_loop *loop, struct pingpong *p)
{
	uint16_t port;

	memset(p, 0, sizeof(*p));
	if (!COUNT_ALLOCATIONS)
		cr_skip_test("a sanitizer build: the allocator is not glibc's to count");
#ifdef __linux__
	if (loop_options(0).backend == RR_BACKEND_KQUEUE)
		cr_skip_test("kqueue runs on libkqueue here, whose kevent() allocates "
			     "on every call; rawring's own path is measured on "
			     "io_uring and epoll");
#endif
	open_loop(loop, 0);
	int listener = listen_loopback(&port);
	p->client_fd = connect_loopback(port);
	p->server_fd = accept(listener, NULL, NULL);
	rr_op_init(&p->client_op, client_cb, p);
	return listener;
}

Test(loop_alloc, no_allocation_across_100000_echo_round_trips)
{
	struct rr_loop loop;
	struct pingpong p;
	int listener = open_counted(&loop, &p);

	rr_op_init(&p.server_op, server_cb, &p);
	cr_assert_eq(rr_recv(&loop, &p.server_op, p.server_fd, p.server_buf,
			     sizeof(p.server_buf), 0), 0);
	assert_round_trips_allocate_nothing(&loop, &p);
	close(p.client_fd);
	close(p.server_fd);
	close(listener);
	rr_loop_deinit(&loop);
}

Test(loop_alloc, no_allocation_across_100000_multishot_receives)
{
	struct rr_loop loop;
	struct pingpong p;
	int listener = open_counted(&loop, &p);

	cr_assert_eq(rr_buf_group_init(&loop, &p.group, 16, 64), 0);
	rr_op_init(&p.server_op, server_multishot_cb, &p);
	rr_op_init(&p.server_send_op, server_sent_cb, &p);
	cr_assert_eq(rr_recv_multishot(&loop, &p.server_op, p.server_fd, &p.group, 0), 0);
	assert_round_trips_allocate_nothing(&loop, &p);
	close(p.client_fd);
	close(p.server_fd);
	close(listener);
	rr_loop_deinit(&loop);
}
