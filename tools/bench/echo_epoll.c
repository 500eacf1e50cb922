/*
 * The epoll reference: the echo server a C programmer writes from the
 * epoll(7) man page, done well: non-blocking sockets, level-triggered,
 * accept4 until EAGAIN, read then write back at once, EPOLLOUT only while
 * a write is left over, 512 events per epoll_wait.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "echo_bench.h"

struct conn {
	int fd;
	unsigned len, sent;   /* a write left over: buf[sent..len) */
	char buf[ECHO_BUFFER];
};

static void drop(struct conn *c)
{
	close(c->fd);
	free(c);
}

/* Write what is left; false when the connection is gone. */
static bool flush(int epfd, struct conn *c)
{
	while (c->sent < c->len) {
		ssize_t n = send(c->fd, c->buf + c->sent, c->len - c->sent, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EAGAIN) {
				struct epoll_event ev = { .events = EPOLLOUT, .data.ptr = c };
				epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
				return true;
			}
			return false;
		}
		c->sent += (unsigned)n;
	}
	return true;
}

static void on_ready(int epfd, struct conn *c, uint32_t events)
{
	if (events & EPOLLOUT) {
		if (!flush(epfd, c)) {
			drop(c);
			return;
		}
		if (c->sent < c->len)
			return;
		struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
		epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
		return;
	}
	ssize_t n = recv(c->fd, c->buf, sizeof(c->buf), 0);
	if (n < 0 && errno == EAGAIN)
		return;
	if (n <= 0) {
		drop(c);
		return;
	}
	c->len = (unsigned)n;
	c->sent = 0;
	if (!flush(epfd, c))
		drop(c);
}

int echo_serve_epoll(int listener)
{
	struct epoll_event events[512];
	int epfd = epoll_create1(EPOLL_CLOEXEC);

	if (epfd < 0)
		return -errno;
	fcntl(listener, F_SETFL, fcntl(listener, F_GETFL) | O_NONBLOCK);
	struct epoll_event lev = { .events = EPOLLIN, .data.ptr = NULL };
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, listener, &lev) < 0)
		return -errno;
	for (;;) {
		int n = epoll_wait(epfd, events, 512, -1);
		if (n < 0 && errno != EINTR)
			return -errno;
		for (int i = 0; i < n; i++) {
			struct conn *c = events[i].data.ptr;
			if (c) {
				on_ready(epfd, c, events[i].events);
				continue;
			}
			int fd;
			while ((fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
				c = malloc(sizeof(*c));
				if (!c) {
					close(fd);
					continue;
				}
				c->fd = fd;
				c->len = c->sent = 0;
				echo_nodelay(fd);
				struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
				epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
			}
		}
	}
}
