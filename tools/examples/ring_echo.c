/*
 * rr-ring-echo: a TCP echo server on 127.0.0.1:PORT, driven by one io_uring.
 *
 *   rr-ring-echo PORT [--demo] [--connections N] [--messages N] [--size BYTES]
 *
 * PORT 0 lets the kernel pick a free port (printed at start).
 * Each connection cycles recv → send → recv; accept is re-armed after every
 * connection.  All state lives in a connection table allocated once at start:
 * no allocation per operation.  With --demo a child process connects N
 * clients, sends each M messages of the given size, checks that every byte
 * comes back intact, reports, and the server exits with the client's status.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "example_support.h"
#include "rawring.h"

enum { MAX_CONNS = 2048, CONN_BUF = 16384, RING_ENTRIES = 256 };
enum op { OP_ACCEPT = 1, OP_RECV, OP_SEND, OP_CLOSE };

struct conn {
	int fd;
	unsigned len;   /* bytes received and being echoed */
	unsigned sent;  /* of those, bytes sent so far */
	char buf[CONN_BUF];
};

static struct conn *conns;
static int free_list[MAX_CONNS];
static int free_count;
static struct rr_ring ring;
static unsigned long long served_bytes, accepted, closed;

static uint64_t tag(int conn, enum op op)
{
	return ((uint64_t)(unsigned)conn << 8) | op;
}

/* An SQE, submitting what is queued first if the SQ is full. */
static struct io_uring_sqe *next_sqe(void)
{
	struct io_uring_sqe *sqe;

	while (!(sqe = rr_get_sqe(&ring))) {
		int ret = rr_submit(&ring);
		if (ret < 0 && ret != -EAGAIN && ret != -EBUSY) {
			fprintf(stderr, "rr-ring-echo: submit: %s\n", strerror(-ret));
			exit(1);
		}
	}
	return sqe;
}

static void arm_accept(int listener)
{
	struct io_uring_sqe *sqe = next_sqe();
	rr_prep_accept(sqe, listener, NULL, NULL, SOCK_CLOEXEC);
	rr_sqe_set_data64(sqe, tag(0, OP_ACCEPT));
}

static void arm_recv(int c)
{
	struct io_uring_sqe *sqe = next_sqe();
	rr_prep_recv(sqe, conns[c].fd, conns[c].buf, CONN_BUF, 0);
	rr_sqe_set_data64(sqe, tag(c, OP_RECV));
}

static void arm_send(int c)
{
	struct conn *conn = &conns[c];
	struct io_uring_sqe *sqe = next_sqe();
	rr_prep_send(sqe, conn->fd, conn->buf + conn->sent, conn->len - conn->sent,
		     MSG_NOSIGNAL);
	rr_sqe_set_data64(sqe, tag(c, OP_SEND));
}

static void arm_close(int c)
{
	struct io_uring_sqe *sqe = next_sqe();
	rr_prep_close(sqe, conns[c].fd);
	rr_sqe_set_data64(sqe, tag(c, OP_CLOSE));
}

static void handle(int listener, const struct io_uring_cqe *cqe)
{
	int c = (int)(cqe->user_data >> 8);
	int res = cqe->res;

	switch ((enum op)(cqe->user_data & 0xff)) {
	case OP_ACCEPT:
		arm_accept(listener);
		if (res < 0) {
			fprintf(stderr, "rr-ring-echo: accept: %s\n", strerror(-res));
			return;
		}
		if (free_count == 0) {
			close(res); /* table full: refuse politely */
			return;
		}
		c = free_list[--free_count];
		conns[c].fd = res;
		accepted++;
		arm_recv(c);
		return;
	case OP_RECV:
		if (res <= 0) { /* EOF, reset or error: done with this client */
			arm_close(c);
			return;
		}
		conns[c].len = (unsigned)res;
		conns[c].sent = 0;
		arm_send(c);
		return;
	case OP_SEND:
		if (res < 0) {
			arm_close(c);
			return;
		}
		conns[c].sent += (unsigned)res;
		served_bytes += (unsigned)res;
		if (conns[c].sent < conns[c].len)
			arm_send(c); /* a short send: the rest next */
		else
			arm_recv(c);
		return;
	case OP_CLOSE:
		closed++;
		free_list[free_count++] = c;
		return;
	}
}

/* ---- main ---- */

int main(int argc, char **argv)
{
	bool demo = false;
	int connections = 50, messages = 200, size = 512, port = -1;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--demo") == 0)
			demo = true;
		else if (strcmp(argv[i], "--connections") == 0 && i + 1 < argc)
			connections = example_parse_int("rr-ring-echo", argv[++i], 1, MAX_CONNS - 1);
		else if (strcmp(argv[i], "--messages") == 0 && i + 1 < argc)
			messages = example_parse_int("rr-ring-echo", argv[++i], 1, 1000000);
		else if (strcmp(argv[i], "--size") == 0 && i + 1 < argc)
			size = example_parse_int("rr-ring-echo", argv[++i], 1, 1 << 20);
		else if (port < 0 && argv[i][0] != '-')
			port = example_parse_int("rr-ring-echo", argv[i], 0, 65535);
		else {
			fprintf(stderr, "usage: rr-ring-echo PORT [--demo] [--connections N] "
					"[--messages N] [--size BYTES]\n");
			return 2;
		}
	}
	if (port < 0) {
		fprintf(stderr, "usage: rr-ring-echo PORT [--demo] ...\n");
		return 2;
	}

	uint16_t bound_port;
	int listener = example_listen((uint16_t)port, &bound_port);
	if (listener < 0) {
		fprintf(stderr, "rr-ring-echo: 127.0.0.1:%d: %s\n", port, strerror(-listener));
		return 1;
	}
	port = bound_port;

	struct demo_client client;
	if (demo) {
		int started = demo_client_start(&client, bound_port, connections, messages,
						(size_t)size);
		if (started < 0) {
			fprintf(stderr, "rr-ring-echo: fork: %s\n", strerror(-started));
			return 1;
		}
	}

	int ret = rr_ring_init(RING_ENTRIES, &ring, 0);
	if (ret < 0) {
		fprintf(stderr, "rr-ring-echo: io_uring setup: %s\n", strerror(-ret));
		return 1;
	}
	conns = calloc(MAX_CONNS, sizeof(*conns));
	for (int c = MAX_CONNS - 1; c >= 0; c--)
		free_list[free_count++] = c;
	printf("rr-ring-echo: listening on 127.0.0.1:%d (io_uring, %u SQ entries)\n",
	       port, ring.sq.ring_entries);
	fflush(stdout);

	arm_accept(listener);
	for (;;) {
		struct io_uring_cqe *cqe;
		struct __kernel_timespec tick = { .tv_sec = 0, .tv_nsec = 100000000 };

		ret = rr_wait_cqes(&ring, &cqe, 1, &tick, NULL);
		if (ret < 0 && ret != -ETIME && ret != -EINTR) {
			fprintf(stderr, "rr-ring-echo: wait: %s\n", strerror(-ret));
			return 1;
		}
		unsigned head, seen = 0;
		rr_for_each_cqe(&ring, head, cqe) {
			handle(listener, cqe);
			seen++;
		}
		rr_cq_advance(&ring, seen);

		if (demo && demo_client_done(&client))
			break;
	}
	printf("rr-ring-echo: served %llu connections, echoed %llu bytes, "
	       "%llu io_uring_enter calls\n", accepted, served_bytes, ring.enter_calls);
	rr_ring_exit(&ring);
	close(listener);
	free(conns);
	return demo ? client.status : 0;
}
