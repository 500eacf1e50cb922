/*
 * rr-echo: a TCP echo server on 127.0.0.1:PORT, driven by one io_uring.
 *
 *   rr-echo PORT [--demo] [--connections N] [--messages N] [--size BYTES]
 *
 * PORT 0 lets the kernel pick a free port (printed at start).
 * Each connection cycles recv → send → recv; accept is re-armed after every
 * connection.  All state lives in a connection table allocated once at start:
 * no allocation per operation.  With --demo a child process connects N
 * clients, sends each M messages of the given size, checks that every byte
 * comes back intact, reports, and the server exits with the client's status.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

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
			fprintf(stderr, "rr-echo: submit: %s\n", strerror(-ret));
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
			fprintf(stderr, "rr-echo: accept: %s\n", strerror(-res));
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

static int listen_on(uint16_t port)
{
	struct sockaddr_in addr;
	int one = 1;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	addr.sin_port = htons(port);
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    listen(fd, 1024) < 0) {
		int err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

/* ---- the --demo client: plain blocking sockets, in a child process ---- */

/* Send or receive exactly `len` bytes on a blocking socket: 0, or -1 when
 * the peer closed or an error occurred. */
static int transfer_all(int fd, char *buf, size_t len, bool sending)
{
	while (len) {
		ssize_t n = sending ? send(fd, buf, len, MSG_NOSIGNAL)
				    : recv(fd, buf, len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int run_client(uint16_t port, int connections, int messages, size_t size)
{
	struct sockaddr_in addr;
	int *fds = calloc((size_t)connections, sizeof(int));
	char *out = malloc(size), *in = malloc(size);
	struct timespec t0, t1;

	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	addr.sin_port = htons(port);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < connections; i++) {
		fds[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (connect(fds[i], (struct sockaddr *)&addr, sizeof(addr)) < 0) {
			perror("client: connect");
			return 1;
		}
	}
	for (int m = 0; m < messages; m++) {
		for (int i = 0; i < connections; i++) {
			for (size_t b = 0; b < size; b++)
				out[b] = (char)(b * 31 + (size_t)i * 7 + (size_t)m);
			if (transfer_all(fds[i], out, size, true) < 0) {
				perror("client: send");
				return 1;
			}
		}
		for (int i = 0; i < connections; i++) {
			if (transfer_all(fds[i], in, size, false) < 0) {
				fprintf(stderr, "client: connection %d closed early\n", i);
				return 1;
			}
			for (size_t b = 0; b < size; b++) {
				if (in[b] != (char)(b * 31 + (size_t)i * 7 + (size_t)m)) {
					fprintf(stderr, "client: byte %zu of message %d on "
						"connection %d differs\n", b, m, i);
					return 1;
				}
			}
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	for (int i = 0; i < connections; i++)
		close(fds[i]);
	double secs = (double)(t1.tv_sec - t0.tv_sec) +
		      (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	long long total = (long long)connections * messages;
	printf("client: %d connections x %d messages x %zu B: all %lld bytes echoed "
	       "intact in %.3f s (%.0f messages/s)\n",
	       connections, messages, size, total * (long long)size, secs,
	       (double)total / secs);
	fflush(stdout);
	free(fds);
	free(out);
	free(in);
	return 0;
}

/* ---- main ---- */

static int parse_int(const char *s, int min, int max)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < min || v > max) {
		fprintf(stderr, "rr-echo: '%s' is not a number in %d..%d\n", s, min, max);
		exit(2);
	}
	return (int)v;
}

int main(int argc, char **argv)
{
	bool demo = false;
	int connections = 50, messages = 200, size = 512, port = -1;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--demo") == 0)
			demo = true;
		else if (strcmp(argv[i], "--connections") == 0 && i + 1 < argc)
			connections = parse_int(argv[++i], 1, MAX_CONNS - 1);
		else if (strcmp(argv[i], "--messages") == 0 && i + 1 < argc)
			messages = parse_int(argv[++i], 1, 1000000);
		else if (strcmp(argv[i], "--size") == 0 && i + 1 < argc)
			size = parse_int(argv[++i], 1, 1 << 20);
		else if (port < 0 && argv[i][0] != '-')
			port = parse_int(argv[i], 0, 65535);
		else {
			fprintf(stderr, "usage: rr-echo PORT [--demo] [--connections N] "
					"[--messages N] [--size BYTES]\n");
			return 2;
		}
	}
	if (port < 0) {
		fprintf(stderr, "usage: rr-echo PORT [--demo] ...\n");
		return 2;
	}

	int listener = listen_on((uint16_t)port);
	if (listener < 0) {
		fprintf(stderr, "rr-echo: 127.0.0.1:%d: %s\n", port, strerror(-listener));
		return 1;
	}
	struct sockaddr_in bound;
	socklen_t bound_len = sizeof(bound);
	if (getsockname(listener, (struct sockaddr *)&bound, &bound_len) == 0)
		port = ntohs(bound.sin_port);

	pid_t client = -1;
	if (demo) {
		client = fork();
		if (client == 0) {
			close(listener);
			_exit(run_client((uint16_t)port, connections, messages,
					 (size_t)size));
		}
	}

	int ret = rr_ring_init(RING_ENTRIES, &ring, 0);
	if (ret < 0) {
		fprintf(stderr, "rr-echo: io_uring setup: %s\n", strerror(-ret));
		return 1;
	}
	conns = calloc(MAX_CONNS, sizeof(*conns));
	for (int c = MAX_CONNS - 1; c >= 0; c--)
		free_list[free_count++] = c;
	printf("rr-echo: listening on 127.0.0.1:%d (io_uring, %u SQ entries)\n",
	       port, ring.sq.ring_entries);
	fflush(stdout);

	arm_accept(listener);
	int status = 0;
	for (;;) {
		struct io_uring_cqe *cqe;
		struct __kernel_timespec tick = { .tv_sec = 0, .tv_nsec = 100000000 };

		ret = rr_wait_cqes(&ring, &cqe, 1, &tick, NULL);
		if (ret < 0 && ret != -ETIME && ret != -EINTR) {
			fprintf(stderr, "rr-echo: wait: %s\n", strerror(-ret));
			return 1;
		}
		unsigned head, seen = 0;
		rr_for_each_cqe(&ring, head, cqe) {
			handle(listener, cqe);
			seen++;
		}
		rr_cq_advance(&ring, seen);

		if (client > 0 && waitpid(client, &status, WNOHANG) == client)
			break;
	}
	printf("rr-echo: served %llu connections, echoed %llu bytes, "
	       "%llu io_uring_enter calls\n", accepted, served_bytes, ring.enter_calls);
	rr_ring_exit(&ring);
	close(listener);
	free(conns);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
