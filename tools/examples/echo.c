/*
 * rr-echo: a TCP echo server on the proactor loop.
 *
 *   rr-echo PORT [--backend auto|uring|epoll|kqueue|iocp] [--sqpoll] [--demo]
 *                [--connections N] [--messages N] [--size BYTES]
 *
 * Listens on 127.0.0.1:PORT (0 lets the kernel pick).  One multishot accept
 * op takes every connection; each connection owns one op that cycles
 * recv → send (→ send the rest, after a short send) → recv, and a close at
 * the end.  The connection table is allocated once at start: nothing is
 * allocated per operation.  --demo starts a client (a child process; a
 * thread on Windows) that checks every byte, and the server exits with the
 * client's status.  The same source builds for Windows (IOCP).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "example_support.h"
#include "rawring.h"

#define PROGRAM "rr-echo"

enum { MAX_CONNS = 4096, CONN_BUF = 16384 };

struct conn {
	struct rr_op op;
	rr_fd_t fd;
	unsigned len;   /* bytes received and being echoed */
	unsigned sent;  /* of those, bytes sent so far */
	char buf[CONN_BUF];
};

static struct conn *conns;
static struct conn *free_conns[MAX_CONNS];
static int free_count;
static unsigned long long accepted, echoed_bytes;

static void conn_step(struct rr_loop *loop, struct rr_op *op, int result);

static void schedule_or_die(int ret, const char *what)
{
	/* -ESHUTDOWN: the loop is being torn down; nothing more to do. */
	if (ret < 0 && ret != -ESHUTDOWN) {
		fprintf(stderr, PROGRAM ": %s: %s\n", what, strerror(-ret));
		exit(1);
	}
}

static void on_accept(struct rr_loop *loop, struct rr_op *op, int result)
{
	rr_fd_t listener = *(rr_fd_t *)op->context;

	if (!rr_op_more(op) && result != -ECANCELED) /* the multishot ended */
		schedule_or_die(rr_accept_multishot(loop, op, listener, SOCK_CLOEXEC),
				"accept");
	if (result < 0) {
		if (result != -ECANCELED)
			fprintf(stderr, PROGRAM ": accept: %s\n", strerror(-result));
		return;
	}
	if (free_count == 0) {
		example_close((rr_fd_t)result); /* table full */
		return;
	}
	struct conn *c = free_conns[--free_count];
	c->fd = (rr_fd_t)result;
	accepted++;
	rr_op_init(&c->op, conn_step, c);
	schedule_or_die(rr_recv(loop, &c->op, c->fd, c->buf, CONN_BUF, 0), "recv");
}

static void conn_step(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct conn *c = op->context;

	switch (op->type) {
	case RR_OP_RECV:
		if (result <= 0) { /* EOF, reset or error: done with this client */
			schedule_or_die(rr_close(loop, op, c->fd), "close");
			return;
		}
		c->len = (unsigned)result;
		c->sent = 0;
		schedule_or_die(rr_send(loop, op, c->fd, c->buf, c->len, MSG_NOSIGNAL),
				"send");
		return;
	case RR_OP_SEND:
		if (result < 0) {
			schedule_or_die(rr_close(loop, op, c->fd), "close");
			return;
		}
		c->sent += (unsigned)result;
		echoed_bytes += (unsigned)result;
		if (c->sent < c->len)
			schedule_or_die(rr_send(loop, op, c->fd, c->buf + c->sent,
						c->len - c->sent, MSG_NOSIGNAL), "send");
		else
			schedule_or_die(rr_recv(loop, op, c->fd, c->buf, CONN_BUF, 0),
					"recv");
		return;
	default: /* RR_OP_CLOSE */
		free_conns[free_count++] = c;
		return;
	}
}

static void usage(void)
{
	fprintf(stderr, "usage: " PROGRAM " PORT [--backend auto|uring|epoll|kqueue|iocp] [--sqpoll] "
			"[--demo] [--connections N] [--messages N] [--size BYTES]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct rr_loop_options options = { .backend = RR_BACKEND_AUTO, .sqpoll_cpu = -1 };
	bool demo = false;
	int connections = 50, messages = 200, size = 512, port = -1;

	for (int i = 1; i < argc; i++) {
		if (example_server_option(PROGRAM, argc, argv, &i, &options, &port))
			continue;
		if (strcmp(argv[i], "--demo") == 0)
			demo = true;
		else if (strcmp(argv[i], "--connections") == 0 && i + 1 < argc)
			connections = example_parse_int(PROGRAM, argv[++i], 1, MAX_CONNS - 1);
		else if (strcmp(argv[i], "--messages") == 0 && i + 1 < argc)
			messages = example_parse_int(PROGRAM, argv[++i], 1, 1000000);
		else if (strcmp(argv[i], "--size") == 0 && i + 1 < argc)
			size = example_parse_int(PROGRAM, argv[++i], 1, 1 << 20);
		else
			usage();
	}
	if (port < 0)
		usage();

	struct rr_loop loop;
	uint16_t bound_port;
	rr_fd_t listener = example_serve(PROGRAM, port, &loop, &options, &bound_port);
	int ret;
	conns = calloc(MAX_CONNS, sizeof(*conns));
	if (!conns)
		return 1;
	for (int c = MAX_CONNS - 1; c >= 0; c--)
		free_conns[free_count++] = &conns[c];

	struct rr_op accept_op;
	rr_op_init(&accept_op, on_accept, &listener);
	schedule_or_die(rr_accept_multishot(&loop, &accept_op, listener, SOCK_CLOEXEC),
			"accept");

	struct demo_client client;
	if (demo) {
		ret = demo_client_start(&client, bound_port, connections, messages,
					(size_t)size);
		if (ret < 0) {
			fprintf(stderr, PROGRAM ": demo client: %s\n", strerror(-ret));
			return 1;
		}
	}
	for (;;) {
		ret = rr_loop_run_for_ns(&loop, 100 * 1000000ull);
		if (ret < 0 && ret != -EINTR) {
			fprintf(stderr, PROGRAM ": run: %s\n", strerror(-ret));
			return 1;
		}
		if (demo && demo_client_done(&client))
			break;
	}
	struct rr_loop_stats stats = rr_loop_stats(&loop);
	printf(PROGRAM ": served %llu connections, echoed %llu bytes; %llu ops, "
	       "%llu system calls, %llu loop turns\n", accepted, echoed_bytes,
	       (unsigned long long)stats.ops_completed,
	       (unsigned long long)stats.syscalls,
	       (unsigned long long)stats.loop_iterations);
	rr_loop_deinit(&loop);
	example_close(listener);
	free(conns);
	return demo ? client.status : 0;
}
