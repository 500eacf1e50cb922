/*
 * rr-http: an HTTP/1.1 "hello" server on the proactor loop.
 *
 *   rr-http PORT [--backend auto|uring|epoll|kqueue] [--sqpoll] [--max-seconds N]
 *
 * Every request gets "Hello, world!\n".  Connections are kept alive (HTTP/1.1
 * default; "Connection: close" is honoured), and pipelined requests are
 * answered in order: all complete requests found in one receive are
 * answered with one send.  A request must fit in the 8 KiB connection
 * buffer; a larger one gets 431 and the connection is closed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "example_support.h"
#include "rawring.h"

#define PROGRAM "rr-http"

enum { MAX_CONNS = 4096, IN_BUF = 8192, OUT_BUF = 65536 };

static const char RESPONSE[] =
	"HTTP/1.1 200 OK\r\n"
	"Server: rawring\r\n"
	"Content-Type: text/plain\r\n"
	"Content-Length: 14\r\n"
	"\r\n"
	"Hello, world!\n";
static const char TOO_LARGE[] =
	"HTTP/1.1 431 Request Header Fields Too Large\r\n"
	"Content-Length: 0\r\n"
	"Connection: close\r\n"
	"\r\n";

struct conn {
	struct rr_op op;
	int fd;
	size_t in_len;          /* bytes of unparsed input in in_buf */
	size_t out_len, out_sent;
	bool close_after_send;
	char in_buf[IN_BUF];
	char out_buf[OUT_BUF];
};

static struct conn *conns;
static struct conn *free_conns[MAX_CONNS];
static int free_count;
static unsigned long long requests;

static void conn_step(struct rr_loop *loop, struct rr_op *op, int result);

static void check(int ret, const char *what)
{
	if (ret < 0 && ret != -ESHUTDOWN) {
		fprintf(stderr, PROGRAM ": %s: %s\n", what, strerror(-ret));
		exit(1);
	}
}

/* Does the header block [start, end) ask to close the connection? */
static bool wants_close(const char *start, const char *end)
{
	static const char header[] = "\r\nconnection: close";
	size_t n = sizeof(header) - 1;

	for (const char *p = start; p + n <= end; p++)
		if (strncasecmp(p, header, n) == 0)
			return true;
	return false;
}

/* Answer every complete request in the input; keep a partial one. */
static void parse_requests(struct conn *c)
{
	char *start = c->in_buf, *end = c->in_buf + c->in_len;

	c->out_len = 0;
	c->out_sent = 0;
	for (;;) {
		char *blank = memmem(start, (size_t)(end - start), "\r\n\r\n", 4);
		if (!blank || c->out_len + sizeof(RESPONSE) - 1 > OUT_BUF)
			break;
		memcpy(c->out_buf + c->out_len, RESPONSE, sizeof(RESPONSE) - 1);
		c->out_len += sizeof(RESPONSE) - 1;
		requests++;
		if (wants_close(start, blank + 2)) {
			c->close_after_send = true;
			end = start = blank + 4; /* ignore anything after it */
			break;
		}
		start = blank + 4;
	}
	c->in_len = (size_t)(end - start);
	memmove(c->in_buf, start, c->in_len);
	if (c->in_len == IN_BUF && c->out_len == 0) {
		memcpy(c->out_buf, TOO_LARGE, sizeof(TOO_LARGE) - 1);
		c->out_len = sizeof(TOO_LARGE) - 1;
		c->close_after_send = true;
	}
}

static void on_accept(struct rr_loop *loop, struct rr_op *op, int result)
{
	int listener = *(int *)op->context;

	if (!rr_op_more(op) && result != -ECANCELED)
		check(rr_accept_multishot(loop, op, listener, SOCK_CLOEXEC), "accept");
	if (result < 0)
		return;
	if (free_count == 0) {
		close(result);
		return;
	}
	struct conn *c = free_conns[--free_count];
	c->fd = result;
	c->in_len = 0;
	c->close_after_send = false;
	rr_op_init(&c->op, conn_step, c);
	check(rr_recv(loop, &c->op, c->fd, c->in_buf, IN_BUF, 0), "recv");
}

static void conn_step(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct conn *c = op->context;

	switch (op->type) {
	case RR_OP_RECV:
		if (result <= 0) {
			check(rr_close(loop, op, c->fd), "close");
			return;
		}
		c->in_len += (size_t)result;
		parse_requests(c);
		if (c->out_len == 0) /* a partial request: read on */
			check(rr_recv(loop, op, c->fd, c->in_buf + c->in_len,
				      IN_BUF - c->in_len, 0), "recv");
		else
			check(rr_send(loop, op, c->fd, c->out_buf, c->out_len,
				      MSG_NOSIGNAL), "send");
		return;
	case RR_OP_SEND:
		if (result < 0) {
			check(rr_close(loop, op, c->fd), "close");
			return;
		}
		c->out_sent += (size_t)result;
		if (c->out_sent < c->out_len)
			check(rr_send(loop, op, c->fd, c->out_buf + c->out_sent,
				      c->out_len - c->out_sent, MSG_NOSIGNAL), "send");
		else if (c->close_after_send)
			check(rr_close(loop, op, c->fd), "close");
		else
			check(rr_recv(loop, op, c->fd, c->in_buf + c->in_len,
				      IN_BUF - c->in_len, 0), "recv");
		return;
	default: /* RR_OP_CLOSE */
		free_conns[free_count++] = c;
		return;
	}
}

int main(int argc, char **argv)
{
	struct rr_loop_options options = { .backend = RR_BACKEND_AUTO, .sqpoll_cpu = -1 };
	int port = -1, max_seconds = 0;

	for (int i = 1; i < argc; i++) {
		if (example_server_option(PROGRAM, argc, argv, &i, &options, &port))
			continue;
		if (strcmp(argv[i], "--max-seconds") == 0 && i + 1 < argc)
			max_seconds = example_parse_int(PROGRAM, argv[++i], 1, 86400);
		else
			port = -2;
	}
	if (port < 0) {
		fprintf(stderr, "usage: " PROGRAM " PORT [--backend auto|uring|epoll|kqueue] "
				"[--sqpoll] [--max-seconds N]\n");
		return 2;
	}

	struct rr_loop loop;
	uint16_t bound_port;
	int listener = example_serve(PROGRAM, port, &loop, &options, &bound_port);
	int ret;
	conns = calloc(MAX_CONNS, sizeof(*conns));
	if (!conns)
		return 1;
	for (int c = MAX_CONNS - 1; c >= 0; c--)
		free_conns[free_count++] = &conns[c];

	struct rr_op accept_op;
	rr_op_init(&accept_op, on_accept, &listener);
	check(rr_accept_multishot(&loop, &accept_op, listener, SOCK_CLOEXEC), "accept");

	uint64_t stop_at = max_seconds ? rr_now_ns() + (uint64_t)max_seconds * 1000000000u
				       : UINT64_MAX;
	while (rr_now_ns() < stop_at) {
		ret = rr_loop_run_for_ns(&loop, 100 * 1000000ull);
		if (ret < 0 && ret != -EINTR) {
			fprintf(stderr, PROGRAM ": run: %s\n", strerror(-ret));
			return 1;
		}
	}
	printf(PROGRAM ": answered %llu requests\n", requests);
	rr_loop_deinit(&loop);
	close(listener);
	free(conns);
	return 0;
}
