/*
 * rawring's echo server for the benchmark: the proactor loop as an
 * application would use it for many connections.  One multishot accept;
 * per connection one multishot receive drawing from a buffer group shared
 * by all connections, and one send op that sends each received buffer in
 * order and gives it back to the group when it has gone out.  On io_uring
 * the group is a kernel buffer ring; the epoll backend emulates it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "echo_bench.h"
#include "rawring.h"

enum {
	MAX_CONNS = 4096,
	BUFFERS = 2048,           /* a power of two */
	QUEUE = 64,               /* received buffers waiting to be sent, per connection */
};

struct pending {
	unsigned id;
	unsigned len;
};

struct conn {
	struct rr_op recv_op, send_op;
	struct server *server;
	int fd;                   /* -1: the slot is free */
	bool receiving, sending;
	unsigned head, count;     /* the send queue */
	unsigned offset;          /* into the head buffer, after a short send */
	struct pending queue[QUEUE];
};

struct server {
	int listener;
	struct conn *conns;
	int next_free;
	struct rr_buf_group group;
};

/* The connection's last op has finished: give back what it holds. */
static void finish_conn(struct conn *c)
{
	if (c->receiving || c->sending)
		return;
	while (c->count) {
		rr_buf_group_release(&c->server->group, c->queue[c->head].id);
		c->head = (c->head + 1) % QUEUE;
		c->count--;
	}
	close(c->fd);
	c->fd = -1;
}

static void send_head(struct rr_loop *loop, struct conn *c)
{
	struct pending *p = &c->queue[c->head];
	char *data = rr_buf_group_buffer(&c->server->group, p->id);

	c->sending = rr_send(loop, &c->send_op, c->fd, data + c->offset,
			     p->len - c->offset, MSG_NOSIGNAL) == 0;
}

static void on_sent(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct conn *c = op->context;
	struct pending *p = &c->queue[c->head];

	c->sending = false;
	if (result > 0 && c->offset + (unsigned)result < p->len && c->receiving) {
		c->offset += (unsigned)result;
		send_head(loop, c);
		return;
	}
	rr_buf_group_release(&c->server->group, p->id);
	c->head = (c->head + 1) % QUEUE;
	c->count--;
	c->offset = 0;
	if (result < 0 && c->receiving)
		rr_cancel(loop, &c->recv_op);
	if (result >= 0 && c->count && c->receiving)
		send_head(loop, c);
	finish_conn(c);
}

static void on_received(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct conn *c = op->context;

	if (result > 0) {
		unsigned id = rr_op_buffer_id(op);
		if (c->count == QUEUE) { /* a client that does not read */
			rr_buf_group_release(&c->server->group, id);
			if (rr_op_more(op))
				rr_cancel(loop, op);
		} else {
			c->queue[(c->head + c->count) % QUEUE] = (struct pending){ id, (unsigned)result };
			if (c->count++ == 0 && !c->sending) {
				c->offset = 0;
				send_head(loop, c);
			}
		}
	}
	if (rr_op_more(op))
		return;
	/* The receive ended: early (the group ran dry, or the kernel stopped
	 * it) it is armed again; at EOF or on an error the connection ends. */
	c->receiving = (result > 0 || result == -ENOBUFS) && c->count < QUEUE &&
		       rr_recv_multishot(loop, op, c->fd, &c->server->group, 0) == 0;
	finish_conn(c);
}

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
	*c = (struct conn){ .server = s, .fd = result };
	rr_op_init(&c->recv_op, on_received, c);
	rr_op_init(&c->send_op, on_sent, c);
	c->receiving = rr_recv_multishot(loop, &c->recv_op, c->fd, &s->group, 0) == 0;
	finish_conn(c);
}

int echo_serve_rawring(int listener, const struct rr_loop_options *modes,
		       struct echo_counters *counters)
{
	struct rr_loop_options options = *modes;
	options.entries = 1024;
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
	ret = rr_buf_group_init(&loop, &s.group, BUFFERS, ECHO_BUFFER);
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
