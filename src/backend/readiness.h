/*
 * The readiness→completion emulation shared by the epoll and kqueue
 * backends.  The emulation keeps, per fd, a queue of ops waiting to read and
 * one waiting to write; it tries each op's system call when the op starts
 * and again whenever the poller reports the fd ready, and completes the op
 * the way io_uring would.  A poller (epoll.c, kqueue.c) supplies only the
 * readiness mechanism: one-shot interest in an fd, a wait, a wake-up.
 */
#ifndef RAWRING_BACKEND_READINESS_H
#define RAWRING_BACKEND_READINESS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../loop/backend.h"

/* Readiness bits the poller reports and the emulation asks for. */
enum {
	RR_READY_IN = 1u << 0,
	RR_READY_OUT = 1u << 1,
	RR_READY_ERR = 1u << 2,
	RR_READY_HUP = 1u << 3,
	RR_READY_PRI = 1u << 4,
	RR_READY_RDHUP = 1u << 5,  /* the peer shut down its writing side */
};

struct rr_readiness;

struct rr_poller {
	const char *name;
	/* Create the poll object and the wake-up.  0 or -errno. */
	int (*open)(struct rr_readiness *r);
	void (*close)(struct rr_readiness *r);
	/* One-shot interest in `fd` for RR_READY_IN and/or RR_READY_OUT,
	 * replacing any earlier interest; `known` says the fd was registered
	 * before (a hint: the poller must cope with a closed and reused fd).
	 * 0 or -errno. */
	int (*arm)(struct rr_readiness *r, int fd, unsigned interest, bool known);
	/* Drop the `interest` still held for `fd`, whose last waiting op was
	 * cancelled (it may be closed and its number reused next).  May be
	 * NULL where arm copes with a stale registration itself. */
	void (*disarm)(struct rr_readiness *r, int fd, unsigned interest);
	/* Wait up to `timeout_ns` (0: poll; UINT64_MAX: no limit).  Report
	 * each ready fd with rr__readiness_event and a consumed wake-up with
	 * rr__wake_seen.  Returns the events reported or -errno. */
	int (*wait)(struct rr_readiness *r, uint64_t timeout_ns);
	/* Thread-safe: make a wait return. */
	int (*wake)(struct rr_readiness *r);
};

/* The ops waiting on one fd. */
struct rr_fd_waiters {
	struct rr_op *read_head, *read_tail;
	struct rr_op *write_head, *write_tail;
	unsigned armed;         /* interest the poller holds now */
	bool known;             /* registered with the poller before */
};

struct rr_readiness {
	const struct rr_poller *poller;
	struct rr_loop *loop;
	int poll_fd;
	int wake_fd;
	void *poller_data;               /* the poller's own buffers */
	struct rr_fd_waiters *fds;       /* indexed by fd */
	size_t fds_len;
	struct rr_op *fresh_head, *fresh_tail; /* started, not yet tried */
	struct rr_op *done_head, *done_tail;   /* cancelled, to report */
	uint64_t syscalls;
	_Atomic uint64_t wake_writes;
};

/* Called by a poller's wait for each ready fd.  `error` is a socket error
 * the poller learned with the event (kqueue's EV_EOF fflags), else 0. */
void rr__readiness_event(struct rr_readiness *r, int fd, unsigned events,
			 int error);

/* Called by a poller when it learns that `fd` was closed (its interest
 * could not be set: EBADF).  Its ops stay queued until cancelled, as on
 * io_uring, where an op holds its own reference to the file. */
void rr__readiness_fd_gone(struct rr_readiness *r, int fd);

/* The vtable entries every readiness backend shares; the poller's backend
 * table points at these and passes its poller to init. */
int rr__readiness_init(struct rr_loop *loop, const struct rr_poller *poller);
unsigned rr__readiness_room(struct rr_loop *loop);
int rr__readiness_start(struct rr_loop *loop, struct rr_op *op);
int rr__readiness_flush_wait(struct rr_loop *loop, uint64_t deadline_ns);
int rr__readiness_cancel(struct rr_loop *loop, struct rr_op *op);
int rr__readiness_cancel_all(struct rr_loop *loop);
int rr__readiness_wake(struct rr_loop *loop);
uint64_t rr__readiness_syscalls(const struct rr_loop *loop);
void rr__readiness_deinit(struct rr_loop *loop);

/*
 * Define a readiness backend's vtable `table` (named `label`, of `kind`)
 * over `poller`: every entry but init is the shared emulation's.
 */
#define RR_DEFINE_READINESS_BACKEND(table, label, backend_kind, poller)        \
	static int table##_init(struct rr_loop *loop,                          \
				const struct rr_loop_options *options)         \
	{                                                                      \
		(void)options; /* entries, SQPOLL and IOPOLL are io_uring's */ \
		return rr__readiness_init(loop, &(poller));                    \
	}                                                                      \
	const struct rr_backend table = {                                      \
		.version = RR_BACKEND_VERSION,                                 \
		.name = (label),                                               \
		.kind = (backend_kind),                                        \
		.native_links = false,                                         \
		.incremental_buffers = true,                                   \
		.init = table##_init,                                          \
		.room = rr__readiness_room,                                    \
		.start = rr__readiness_start,                                  \
		.flush_wait = rr__readiness_flush_wait,                        \
		.cancel = rr__readiness_cancel,                                \
		.cancel_all = rr__readiness_cancel_all,                        \
		.wake = rr__readiness_wake,                                    \
		.wake_from = NULL,                                             \
		.syscalls = rr__readiness_syscalls,                            \
		.deinit = rr__readiness_deinit,                                \
	}

#endif
