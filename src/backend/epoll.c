/*
 * The epoll backend (Linux): the readiness emulation over epoll, with an
 * eventfd for wake-ups.  Interest is one-shot (EPOLLONESHOT) and re-armed
 * with EPOLL_CTL_MOD while ops wait; an fd that was closed and reused since
 * it was registered is added again (MOD fails with ENOENT).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "../common/fault.h"
#include "readiness.h"

#define MAX_EVENTS 256

static int epoll_open(struct rr_readiness *r)
{
	struct epoll_event wake = { .events = EPOLLIN };

	r->poller_data = RR_FAULTABLE(RR_FAULT_ALLOC, NULL,
				      calloc(MAX_EVENTS, sizeof(struct epoll_event)));
	if (!r->poller_data)
		return -ENOMEM;
	r->poll_fd = RR_FAULTABLE(RR_FAULT_EPOLL_CREATE, -1, epoll_create1(EPOLL_CLOEXEC));
	if (r->poll_fd < 0)
		goto fail;
	r->wake_fd = RR_FAULTABLE(RR_FAULT_EVENTFD, -1,
				  eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
	if (r->wake_fd < 0)
		goto fail;
	/* The wake-up stays registered, level-triggered. */
	wake.data.fd = r->wake_fd;
	if (RR_FAULTABLE(RR_FAULT_EPOLL_CTL, -1,
			 epoll_ctl(r->poll_fd, EPOLL_CTL_ADD, r->wake_fd, &wake)) < 0)
		goto fail;
	return 0;
fail:;
	int err = -errno;
	if (r->wake_fd >= 0)
		close(r->wake_fd);
	if (r->poll_fd >= 0)
		close(r->poll_fd);
	free(r->poller_data);
	return err;
}

static void epoll_close(struct rr_readiness *r)
{
	close(r->wake_fd);
	close(r->poll_fd);
	free(r->poller_data);
}

static int epoll_arm(struct rr_readiness *r, int fd, unsigned interest, bool known)
{
	struct epoll_event ev = { .events = EPOLLONESHOT | EPOLLRDHUP };

	if (interest & RR_READY_IN)
		ev.events |= EPOLLIN | EPOLLPRI;
	if (interest & RR_READY_OUT)
		ev.events |= EPOLLOUT;
	ev.data.fd = fd;

	int first = known ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
	r->syscalls++;
	if (RR_FAULTABLE(RR_FAULT_EPOLL_CTL, -1, epoll_ctl(r->poll_fd, first, fd, &ev)) == 0)
		return 0;
	/* A closed and reused fd is new to epoll; a known one is not. */
	if ((first == EPOLL_CTL_MOD && errno == ENOENT) ||
	    (first == EPOLL_CTL_ADD && errno == EEXIST)) {
		r->syscalls++;
		int second = first == EPOLL_CTL_MOD ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
		if (RR_FAULTABLE(RR_FAULT_EPOLL_CTL, -1,
				 epoll_ctl(r->poll_fd, second, fd, &ev)) == 0)
			return 0;
	}
	return -errno;
}

static unsigned ready_bits(uint32_t events)
{
	unsigned ready = 0;

	if (events & (EPOLLIN | EPOLLRDHUP))
		ready |= RR_READY_IN;
	if (events & EPOLLRDHUP)
		ready |= RR_READY_RDHUP;
	if (events & EPOLLOUT)
		ready |= RR_READY_OUT;
	if (events & EPOLLERR)
		ready |= RR_READY_ERR;
	if (events & EPOLLHUP)
		ready |= RR_READY_HUP;
	if (events & EPOLLPRI)
		ready |= RR_READY_PRI;
	return ready;
}

static int epoll_wait_events(struct rr_readiness *r, uint64_t timeout_ns)
{
	struct epoll_event *events = r->poller_data;
	int timeout_ms;

	if (timeout_ns == UINT64_MAX)
		timeout_ms = -1;
	else if (timeout_ns / 1000000u >= (uint64_t)INT32_MAX)
		timeout_ms = INT32_MAX;
	else /* round up: a timer must never fire early */
		timeout_ms = (int)((timeout_ns + 999999u) / 1000000u);

	r->syscalls++;
	int n = RR_FAULTABLE(RR_FAULT_EPOLL_WAIT, -1,
			     epoll_wait(r->poll_fd, events, MAX_EVENTS, timeout_ms));
	if (n < 0)
		return -errno;
	for (int i = 0; i < n; i++) {
		if (events[i].data.fd == r->wake_fd) {
			uint64_t count;
			r->syscalls++;
			while (RR_FAULTABLE(RR_FAULT_READ, -1,
					    read(r->wake_fd, &count, sizeof(count))) < 0 &&
			       errno == EINTR)
				;
			rr__wake_seen(r->loop);
			continue;
		}
		rr__readiness_event(r, events[i].data.fd, ready_bits(events[i].events), 0);
	}
	return n;
}

static int epoll_wake(struct rr_readiness *r)
{
	uint64_t one = 1;

	/* write(2) on an eventfd is async-signal-safe and thread-safe. */
	if (RR_FAULTABLE(RR_FAULT_WRITE, -1, write(r->wake_fd, &one, sizeof(one))) < 0 &&
	    errno != EAGAIN)
		return -errno;
	return 0;
}

static const struct rr_poller epoll_poller = {
	.name = "epoll",
	.open = epoll_open,
	.close = epoll_close,
	.arm = epoll_arm,
	.disarm = NULL, /* MOD on a reused fd fails with ENOENT: arm adds it */
	.wait = epoll_wait_events,
	.wake = epoll_wake,
};

RR_DEFINE_READINESS_BACKEND(rr__epoll_backend, "epoll", RR_BACKEND_EPOLL, epoll_poller);
