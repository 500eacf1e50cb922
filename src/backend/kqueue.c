/*
 * The kqueue backend (FreeBSD, macOS; elsewhere through a kqueue
 * compatibility library): the readiness emulation over kevent.  Interest is
 * EV_ONESHOT per filter (EVFILT_READ, EVFILT_WRITE).  The first interest
 * in an fd is registered at once (a bad fd fails its op there); later
 * changes are batched into the next kevent call instead of costing a call
 * each, and an error in one (a fd closed meanwhile) comes back as an
 * EV_ERROR event, which the emulation turns into a failed attempt.  Wake-ups are an EVFILT_USER
 * event.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <sys/event.h>
#include <sys/time.h>
#include <unistd.h>

#include "../common/fault.h"
#include "readiness.h"

#define MAX_EVENTS 256
#define MAX_CHANGES 256
#define WAKE_IDENT 0

struct kqueue_buffers {
	struct kevent changes[MAX_CHANGES];
	int change_count;
	struct kevent events[MAX_EVENTS];
};

/* Hand queued interest changes to the kernel now (the list is full). */
static int flush_changes(struct rr_readiness *r, struct kqueue_buffers *kb)
{
	r->syscalls++;
	int ret = RR_FAULTABLE(RR_FAULT_KEVENT, -1,
			       kevent(r->poll_fd, kb->changes, kb->change_count, NULL, 0, NULL));
	kb->change_count = 0;
	return ret < 0 ? -errno : 0;
}

static int queue_change(struct rr_readiness *r, int fd, short filter,
			unsigned short flags, unsigned fflags)
{
	struct kqueue_buffers *kb = r->poller_data;

	if (kb->change_count == MAX_CHANGES) {
		int ret = flush_changes(r, kb);
		if (ret < 0)
			return ret;
	}
	EV_SET(&kb->changes[kb->change_count++], (uintptr_t)fd, filter, flags,
	       fflags, 0, NULL);
	return 0;
}

static int kqueue_open(struct rr_readiness *r)
{
	struct kqueue_buffers *kb = RR_FAULTABLE(RR_FAULT_ALLOC, NULL, calloc(1, sizeof(*kb)));

	if (!kb)
		return -ENOMEM;
	r->poller_data = kb;
	r->poll_fd = RR_FAULTABLE(RR_FAULT_KQUEUE, -1, kqueue());
	if (r->poll_fd < 0) {
		int err = -errno;
		free(kb);
		return err;
	}
	/* The wake-up: a user event that rr_loop_wake triggers. */
	struct kevent wake;
	EV_SET(&wake, WAKE_IDENT, EVFILT_USER, EV_ADD | EV_CLEAR, 0, 0, NULL);
	if (RR_FAULTABLE(RR_FAULT_KEVENT, -1, kevent(r->poll_fd, &wake, 1, NULL, 0, NULL)) < 0) {
		int err = -errno;
		close(r->poll_fd);
		free(kb);
		return err;
	}
	return 0;
}

static void kqueue_close(struct rr_readiness *r)
{
	close(r->poll_fd);
	free(r->poller_data);
}

static int kqueue_arm(struct rr_readiness *r, int fd, unsigned interest, bool known)
{
	int ret = 0;

	if (interest & RR_READY_IN)
		ret = queue_change(r, fd, EVFILT_READ, EV_ADD | EV_ONESHOT, 0);
	if (ret == 0 && (interest & RR_READY_OUT))
		ret = queue_change(r, fd, EVFILT_WRITE, EV_ADD | EV_ONESHOT, 0);
	/* The first interest in an fd goes to the kernel at once, so a bad fd
	 * fails its op now (as epoll_ctl would); later changes (EV_ADD adds or
	 * updates, a reused fd included) ride on the next wait. */
	if (ret == 0 && !known)
		ret = flush_changes(r, r->poller_data);
	return ret;
}

static unsigned ready_bits(const struct kevent *ev)
{
	unsigned ready = ev->filter == EVFILT_WRITE ? RR_READY_OUT : RR_READY_IN;

	if (ev->flags & EV_EOF)
		ready |= RR_READY_HUP;
	if (ev->flags & EV_ERROR)
		ready = RR_READY_ERR | RR_READY_IN | RR_READY_OUT;
	return ready;
}

static int kqueue_wait(struct rr_readiness *r, uint64_t timeout_ns)
{
	struct kqueue_buffers *kb = r->poller_data;
	struct timespec ts, *timeout = NULL;

	if (timeout_ns != UINT64_MAX) {
		ts.tv_sec = (time_t)(timeout_ns / 1000000000u);
		ts.tv_nsec = (long)(timeout_ns % 1000000000u);
		timeout = &ts;
	}
	r->syscalls++;
	int n = RR_FAULTABLE(RR_FAULT_KEVENT, -1,
			     kevent(r->poll_fd, kb->changes, kb->change_count,
				    kb->events, MAX_EVENTS, timeout));
	if (n < 0)
		return -errno;
	kb->change_count = 0;
	for (int i = 0; i < n; i++) {
		const struct kevent *ev = &kb->events[i];
		if (ev->filter == EVFILT_USER) {
			rr__wake_seen(r->loop);
			continue;
		}
		/* With EV_EOF, fflags carries the socket's error (a refused
		 * connect), which reading SO_ERROR may no longer show. */
		int error = (ev->flags & EV_EOF) ? (int)ev->fflags : 0;
		if (ev->flags & EV_ERROR)
			error = (int)ev->data;
		rr__readiness_event(r, (int)ev->ident, ready_bits(ev), error);
	}
	return n;
}

static int kqueue_wake(struct rr_readiness *r)
{
	struct kevent trigger;

	/* kevent(2) is thread-safe; the trigger coalesces until reported. */
	EV_SET(&trigger, WAKE_IDENT, EVFILT_USER, 0, NOTE_TRIGGER, 0, NULL);
	return RR_FAULTABLE(RR_FAULT_KEVENT, -1,
			    kevent(r->poll_fd, &trigger, 1, NULL, 0, NULL)) < 0
		       ? -errno
		       : 0;
}

static const struct rr_poller kqueue_poller = {
	.name = "kqueue",
	.open = kqueue_open,
	.close = kqueue_close,
	.arm = kqueue_arm,
	.wait = kqueue_wait,
	.wake = kqueue_wake,
};

RR_DEFINE_READINESS_BACKEND(rr__kqueue_backend, "kqueue", RR_BACKEND_KQUEUE, kqueue_poller);
