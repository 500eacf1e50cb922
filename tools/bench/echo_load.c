/*
 * The echo load generator: closed loop (each connection has one message in
 * flight; the next goes out when the last came back whole), every echoed
 * byte compared with what was sent, the latency of each round trip kept.
 * One thread, epoll, non-blocking sockets: the same client for every
 * server, so its own cost weighs on all of them alike.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench_stats.h"
#include "echo_bench.h"

/* Messages are windows into one pattern buffer, shifted per connection and
 * per round, so that a byte echoed on the wrong connection or from an
 * older round is caught. */
#define PATTERN_SHIFTS 251

struct lconn {
	int fd;
	unsigned round;
	size_t sent, received;
	uint64_t started_ns;
	char *in;
};

struct load {
	struct lconn *conns;
	int connections;
	size_t size;
	unsigned char *pattern;
	int epfd;
	uint64_t *samples;
	size_t sample_count, sample_room;
	uint64_t window_start, window_end, messages, all_messages, bad_bytes;
};

static const unsigned char *message(const struct load *l, int c, unsigned round)
{
	return l->pattern + ((unsigned)c * 7u + round) % PATTERN_SHIFTS;
}

static int want(struct load *l, struct lconn *c, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = c };

	return epoll_ctl(l->epfd, EPOLL_CTL_MOD, c->fd, &ev);
}

/* Send what is left of the current message; -1 on a broken connection. */
static int push(struct load *l, struct lconn *c)
{
	const unsigned char *msg = message(l, (int)(c - l->conns), c->round);

	while (c->sent < l->size) {
		ssize_t n = send(c->fd, msg + c->sent, l->size - c->sent, MSG_NOSIGNAL);
		if (n < 0)
			return errno == EAGAIN ? want(l, c, EPOLLIN | EPOLLOUT) : -1;
		c->sent += (size_t)n;
	}
	return 0;
}

static int start_round(struct load *l, struct lconn *c)
{
	c->sent = c->received = 0;
	c->started_ns = bench_now_ns();
	return push(l, c);
}

static int pull(struct load *l, struct lconn *c)
{
	for (;;) {
		ssize_t n = recv(c->fd, c->in + c->received, l->size - c->received, 0);
		if (n < 0)
			return errno == EAGAIN ? 0 : -1;
		if (n == 0)
			return -1;
		c->received += (size_t)n;
		if (c->received < l->size)
			continue;
		uint64_t now = bench_now_ns();
		const unsigned char *msg = message(l, (int)(c - l->conns), c->round);
		if (memcmp(c->in, msg, l->size) != 0)
			for (size_t b = 0; b < l->size; b++)
				l->bad_bytes += (unsigned char)c->in[b] != msg[b];
		l->all_messages++;
		if (now >= l->window_start && now < l->window_end) {
			l->messages++;
			if (l->sample_count < l->sample_room)
				l->samples[l->sample_count++] = now - c->started_ns;
		}
		c->round++;
		if (now >= l->window_end)
			return 0; /* this connection is done */
		return start_round(l, c);
	}
}

static int connect_all(struct load *l, uint16_t port)
{
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons(port),
				    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int one = 1;

	for (int i = 0; i < l->connections; i++) {
		struct lconn *c = &l->conns[i];
		c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
			return -errno;
		setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (fcntl(c->fd, F_SETFL, O_NONBLOCK) < 0)
			return -errno;
		struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
		if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, c->fd, &ev) < 0)
			return -errno;
	}
	return 0;
}

static void release(struct load *l)
{
	for (int i = 0; i < l->connections && l->conns; i++) {
		if (l->conns[i].fd >= 0)
			close(l->conns[i].fd);
		free(l->conns[i].in);
	}
	free(l->conns);
	free(l->pattern);
	free(l->samples);
	if (l->epfd >= 0)
		close(l->epfd);
}

int echo_load(uint16_t port, int connections, size_t size, double warmup_s,
	      double seconds, struct echo_result *result)
{
	struct load l = { .connections = connections, .size = size, .epfd = -1 };
	struct epoll_event events[512];
	int ret = 0;

	memset(result, 0, sizeof(*result));
	l.conns = calloc((size_t)connections, sizeof(*l.conns));
	l.pattern = malloc(size + PATTERN_SHIFTS);
	l.sample_room = 4u << 20;
	l.samples = malloc(l.sample_room * sizeof(*l.samples));
	l.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (!l.conns || !l.pattern || !l.samples || l.epfd < 0) {
		release(&l);
		return -ENOMEM;
	}
	for (size_t i = 0; i < size + PATTERN_SHIFTS; i++)
		l.pattern[i] = (unsigned char)(i * 2654435761u >> 13);
	for (int i = 0; i < connections; i++) {
		l.conns[i].fd = -1;
		l.conns[i].in = malloc(size);
		if (!l.conns[i].in) {
			release(&l);
			return -ENOMEM;
		}
	}
	ret = connect_all(&l, port);
	uint64_t now = bench_now_ns();
	l.window_start = now + (uint64_t)(warmup_s * 1e9);
	l.window_end = l.window_start + (uint64_t)(seconds * 1e9);
	for (int i = 0; i < connections && ret == 0; i++)
		ret = start_round(&l, &l.conns[i]);
	/* Run until the window closes and a little after, so that rounds
	 * in flight at its end finish (they are not counted). */
	while (ret == 0 && bench_now_ns() < l.window_end) {
		int n = epoll_wait(l.epfd, events, 512, 100);
		if (n < 0 && errno != EINTR) {
			ret = -errno;
			break;
		}
		for (int i = 0; i < n && ret == 0; i++) {
			struct lconn *c = events[i].data.ptr;
			if ((events[i].events & EPOLLOUT) && c->sent < l.size) {
				if (push(&l, c) < 0)
					ret = -ECONNRESET;
				else if (c->sent == l.size)
					want(&l, c, EPOLLIN);
			}
			if (ret == 0 && (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) &&
			    pull(&l, c) < 0)
				ret = -ECONNRESET;
		}
	}
	double window = (double)(l.window_end - l.window_start) / 1e9;
	result->messages = l.messages;
	result->all_messages = l.all_messages;
	result->bad_bytes = l.bad_bytes;
	result->msgs_per_s = (double)l.messages / window;
	result->p50_us = (double)bench_percentile(l.samples, l.sample_count, 50) / 1e3;
	result->p99_us = (double)bench_percentile(l.samples, l.sample_count, 99) / 1e3;
	release(&l);
	return ret;
}
