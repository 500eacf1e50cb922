#define _GNU_SOURCE
#include "example_support.h"

#include <errno.h>
#ifndef _WIN32
#include <arpa/inet.h>
#endif
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sockaddr_in example_loopback(uint16_t port)
{
	struct sockaddr_in addr;

	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	addr.sin_port = htons(port);
	return addr;
}

enum rr_backend_kind example_backend(const char *program, const char *name)
{
	int kind = rr_backend_from_name(name);

	if (kind < 0) {
		fprintf(stderr, "%s: unknown backend '%s' (auto, uring, epoll, kqueue, iocp)\n",
			program, name);
		exit(2);
	}
	return (enum rr_backend_kind)kind;
}

bool example_server_option(const char *program, int argc, char **argv, int *i,
			   struct rr_loop_options *options, int *port)
{
	const char *arg = argv[*i];

	if (strcmp(arg, "--sqpoll") == 0) {
		options->sqpoll = true;
		return true;
	}
	if (strcmp(arg, "--backend") == 0 && *i + 1 < argc) {
		options->backend = example_backend(program, argv[++*i]);
		return true;
	}
	if (*port < 0 && arg[0] != '-') {
		*port = example_parse_int(program, arg, 0, 65535);
		return true;
	}
	return false;
}

const char *example_backend_label(enum rr_backend_kind kind)
{
	static const char *const labels[RR_BACKEND_COUNT] = {
		[RR_BACKEND_AUTO] = "auto", [RR_BACKEND_URING] = "uring",
		[RR_BACKEND_EPOLL] = "epoll", [RR_BACKEND_KQUEUE] = "kqueue",
		[RR_BACKEND_IOCP] = "iocp",
	};
	return (unsigned)kind < RR_BACKEND_COUNT ? labels[kind] : "unknown";
}

rr_fd_t example_serve(const char *program, int port, struct rr_loop *loop,
		      const struct rr_loop_options *options, uint16_t *bound_port)
{
	rr_fd_t listener = example_listen((uint16_t)port, bound_port);

	if (listener < 0) {
		fprintf(stderr, "%s: 127.0.0.1:%d: %s\n", program, port,
			strerror((int)-listener));
		exit(1);
	}
	int ret = rr_loop_init(loop, options);
	if (ret < 0) {
		fprintf(stderr, "%s: loop on backend %s: %s\n", program,
			example_backend_label(options->backend), strerror(-ret));
		exit(1);
	}
	printf("%s: listening on 127.0.0.1:%u (backend %s%s: %s)\n", program,
	       *bound_port, rr_loop_backend_name(loop),
	       options->sqpoll && rr_loop_backend(loop) == RR_BACKEND_URING
		       ? ", SQPOLL" : "",
	       rr_loop_backend_reason(loop));
	fflush(stdout);
	return listener;
}

int example_parse_int(const char *program, const char *text, int min, int max)
{
	char *end;
	long value = strtol(text, &end, 10);

	if (*text == '\0' || *end != '\0' || value < min || value > max) {
		fprintf(stderr, "%s: '%s' is not a number in %d..%d\n", program, text,
			min, max);
		exit(2);
	}
	return (int)value;
}

/* Send or receive exactly `len` bytes on a blocking socket: 0, or -1 when
 * the peer closed or an error occurred. */
static int transfer_all(rr_fd_t fd, char *buf, size_t len, bool sending)
{
	while (len) {
		long n = sending ? example_send(fd, buf, len) : example_recv(fd, buf, len);
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static char expected_byte(size_t offset, int connection, int message)
{
	return (char)(offset * 31 + (size_t)connection * 7 + (size_t)message);
}

int demo_client_run(const struct demo_client *client)
{
	int connections = client->connections, messages = client->messages;
	size_t size = client->size;
	rr_fd_t *fds = calloc((size_t)connections, sizeof(*fds));
	char *out = malloc(size), *in = malloc(size);

	if (!fds || !out || !in)
		return 1;
	uint64_t t0 = rr_now_ns();
	for (int i = 0; i < connections; i++) {
		fds[i] = example_connect(client->port);
		if (fds[i] < 0) {
			fprintf(stderr, "client: connect: %s\n", strerror((int)-fds[i]));
			return 1;
		}
	}
	/* Every connection has a message in flight at once, then each reply is
	 * read back and checked. */
	for (int m = 0; m < messages; m++) {
		for (int i = 0; i < connections; i++) {
			for (size_t b = 0; b < size; b++)
				out[b] = expected_byte(b, i, m);
			if (transfer_all(fds[i], out, size, true) < 0) {
				fprintf(stderr, "client: send failed on connection %d\n", i);
				return 1;
			}
		}
		for (int i = 0; i < connections; i++) {
			if (transfer_all(fds[i], in, size, false) < 0) {
				fprintf(stderr, "client: connection %d closed early\n", i);
				return 1;
			}
			for (size_t b = 0; b < size; b++) {
				if (in[b] != expected_byte(b, i, m)) {
					fprintf(stderr, "client: byte %zu of message %d on "
							"connection %d differs\n", b, m, i);
					return 1;
				}
			}
		}
	}
	double secs = (double)(rr_now_ns() - t0) / 1e9;
	for (int i = 0; i < connections; i++)
		example_close(fds[i]);
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
