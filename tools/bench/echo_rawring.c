/*
 * rawring's echo server for the benchmark: the proactor loop as an
 * application would use it (one multishot accept; per connection one op
 * cycling recv -> send -> recv), on the backend asked for.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "echo_bench.h"
#include "rawring.h"

enum { MAX_CONNS = 4096 };

struct conn {
	struct rr_op op;
	int fd;
	unsigned len, sent;
	char buf[ECHO_BUFFER];
};

static void conn_step(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct conn *c = op->context;

	if (op->type == RR_OP_RECV) {
		if (result <= 0) {
			rr_close(loop, op, c->fd);
			return;
		}
		c->len = (unsigned)result;
		c->sent = 0;
		rr_send(loop, op, c->fd, c->buf, c->len, MSG_NOSIGNAL);
		return;
	}
	if (op->type == RR_OP_SEND) {
		if (result < 0) {
			rr_close(loop, op, c->fd);
			return;
		}
		c->sent += (unsigned)result;
		if (c->sent < c->len)
			rr_send(loop, op, c->fd, c->buf + c->sent, c->len - c->sent, MSG_NOSIGNAL);
		else
			rr_recv(loop, op, c->fd, c->buf, ECHO_BUFFER, 0);
		return;
	}
	c->fd = -1; /* closed: the slot is free */
}

struct server {
	int listener;
	struct conn *conns;
	int next_free;
};

static void on_accept(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct server *s = op->context;

	if (!rr_op_more(op))
		rr_accept_multishot(loop, op, s->listener, SOCK_CLOEXEC);
	if (result < 0)
		return;
	struct conn *c = NULL;
	for (int i = 0; i < MAX_CONNS && !c; i++) {
		int slot = (s->next_free + i) % MAX_CONNS;
		if (s->conns[slot].fd < 0) {
			c = &s->conns[slot];
			s->next_free = slot + 1;
		}
	}
	if (!c) {
		close(result);
		return;
	}
	echo_nodelay(result);
	c->fd = result;
	rr_op_init(&c->op, conn_step, c);
	rr_recv(loop, &c->op, c->fd, c->buf, ECHO_BUFFER, 0);
}

int echo_serve_rawring(int listener, int backend_kind, bool sqpoll,
		       struct echo_counters *counters)
{
	struct rr_loop_options options = { .backend = (enum rr_backend_kind)backend_kind,
					   .sqpoll = sqpoll, .sqpoll_cpu = -1,
					   .entries = 1024 };
	struct rr_loop loop;
	struct server s = { .listener = listener };
	struct rr_op accept_op;

	s.conns = calloc(MAX_CONNS, sizeof(*s.conns));
	if (!s.conns)
		return -ENOMEM;
	for (int i = 0; i < MAX_CONNS; i++)
		s.conns[i].fd = -1;
	int ret = rr_loop_init(&loop, &options);
	if (ret < 0)
		return ret;
	rr_op_init(&accept_op, on_accept, &s);
	rr_accept_multishot(&loop, &accept_op, listener, SOCK_CLOEXEC);
	for (;;) {
		ret = rr_loop_run(&loop, RR_RUN_ONCE);
		if (ret < 0 && ret != -EINTR)
			return ret;
		/* For the parent's syscalls-per-message figure. */
		struct rr_loop_stats stats = rr_loop_stats(&loop);
		atomic_store_explicit(&counters->syscalls, stats.syscalls, memory_order_relaxed);
		atomic_store_explicit(&counters->ops, stats.ops_completed, memory_order_relaxed);
	}
}
