/*
 * The kqueue backend (FreeBSD, macOS; elsewhere through a kqueue
 * compatibility library): the readiness emulation over kevent.  Interest is
 * EV_ONESHOT per filter (EVFILT_READ, EVFILT_WRITE).  The first interest
 * in an fd is registered at once, with every change queued so far, each
 * with a receipt of its own (a bad fd fails its op there, and only its
 * op); later changes are batched into the next waiting kevent call instead
 * of costing a call each, and an error in one comes back as an EV_ERROR
 * event for its fd while the rest of the batch is applied.  A change that
 * fails with EBADF (the fd was closed meanwhile) leaves the fd's ops
 * waiting until cancelled, as on epoll and io_uring.  Wake-ups are an
 * EVFILT_USER event.
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
	struct kevent receipts[MAX_CHANGES];
};

/* A change for `fd` failed with `error` (kevent's EV_ERROR data). */
static void change_failed(struct rr_readiness *r, int fd, int error)
{
	if (error == ENOENT)
		return; /* an EV_DELETE of interest that was gone already */
	if (error == EBADF)
		rr__readiness_fd_gone(r, fd); /* closed meanwhile, as on epoll */
	else
		rr__readiness_event(r, fd, RR_READY_ERR | RR_READY_IN | RR_READY_OUT,
				    error);
}

/*
 * Hand the queued interest changes to the kernel now, each with EV_RECEIPT
 * and a receipt slot of its own, so that every change is applied and each
 * failure comes back for its own fd (without an event list, kevent stops
 * at the first failing change and returns its error for the whole batch).
 * Returns 0, or the -errno of the change for `own_fd`, the fd being armed.
 */
static int flush_changes(struct rr_readiness *r, struct kqueue_buffers *kb, int own_fd)
{
	static const struct timespec no_wait = { 0, 0 };
	int count = kb->change_count;
	int own_error = 0;

	for (int i = 0; i < count; i++)
		kb->changes[i].flags |= EV_RECEIPT;
	kb->change_count = 0;
	r->syscalls++;
	int n = RR_FAULTABLE(RR_FAULT_KEVENT, -1,
			     kevent(r->poll_fd, kb->changes, count, kb->receipts, count,
				    &no_wait));
	if (n < 0)
		return -errno;
	/* The failures are taken out first: reporting one may queue (and so
	 * flush) changes again, which reuses the receipts. */
	int failed_fd[MAX_CHANGES], failed_error[MAX_CHANGES], failures = 0;
	for (int i = 0; i < n; i++) {
		const struct kevent *receipt = &kb->receipts[i];
		if (!(receipt->flags & EV_ERROR) || receipt->data == 0)
			continue;
		if (receipt->data == ENOENT)
			continue; /* see change_failed */
		if ((int)receipt->ident == own_fd) {
			own_error = -(int)receipt->data;
			continue;
		}
		failed_fd[failures] = (int)receipt->ident;
		failed_error[failures++] = (int)receipt->data;
	}
	for (int i = 0; i < failures; i++)
		change_failed(r, failed_fd[i], failed_error[i]);
	return own_error;
}

static int queue_change(struct rr_readiness *r, int fd, short filter,
			unsigned short flags, unsigned fflags)
{
	struct kqueue_buffers *kb = r->poller_data;

	if (kb->change_count == MAX_CHANGES) {
		int ret = flush_changes(r, kb, -1);
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
		ret = flush_changes(r, r->poller_data, fd);
	return ret;
}

/* Drop the interest still held for an fd whose ops were all cancelled: the
 * fd may be closed and its number reused next, and a compatibility library
 * that cannot see the close (libkqueue on Linux) would keep the old
 * registration.  Batched like any change; ahead of a later EV_ADD. */
static void kqueue_disarm(struct rr_readiness *r, int fd, unsigned interest)
{
	if (interest & RR_READY_IN)
		(void)queue_change(r, fd, EVFILT_READ, EV_DELETE, 0);
	if (interest & RR_READY_OUT)
		(void)queue_change(r, fd, EVFILT_WRITE, EV_DELETE, 0);
}

static unsigned ready_bits(const struct kevent *ev)
{
	unsigned ready = ev->filter == EVFILT_WRITE ? RR_READY_OUT : RR_READY_IN;

	/* EV_EOF on the read filter: the peer shut down writing (it may be
	 * gone altogether: kqueue does not say); on the write filter: nothing
	 * can be written any more. */
	if (ev->flags & EV_EOF)
		ready |= ev->filter == EVFILT_WRITE ? RR_READY_HUP : RR_READY_RDHUP;
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
		if (ev->flags & EV_ERROR) {
			/* A change batched into this call failed; the rest of
			 * the batch was applied. */
			change_failed(r, (int)ev->ident, (int)ev->data);
			continue;
		}
		/* With EV_EOF, fflags carries the socket's error (a refused
		 * connect), which reading SO_ERROR may no longer show. */
		int error = (ev->flags & EV_EOF) ? (int)ev->fflags : 0;
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
	.disarm = kqueue_disarm,
	.wait = kqueue_wait,
	.wake = kqueue_wake,
};

RR_DEFINE_READINESS_BACKEND(rr__kqueue_backend, "kqueue", RR_BACKEND_KQUEUE, kqueue_poller);
