/*
 * The loop itself: choosing the backend, the run modes, teardown, counters.
 * One turn of the loop ("tick"): hand queued ops to the backend, let it
 * submit and wait (until the earliest timer at most), then run the callbacks
 * that are due.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/clock.h"
#include "loop_internal.h"
#include "timer_wheel.h"

/* How long deinit waits for cancelled ops to report before giving up. */
#define DEINIT_GRACE_NS (10ull * 1000000000u)

uint64_t rr_now_ns(void)
{
	return rr__monotonic_ns();
}

bool rr_loop_asserts_enabled(void)
{
#ifdef NDEBUG
	return false;
#else
	return true;
#endif
}

/* The backend table for an explicit kind, or NULL where it is not built. */
static const struct rr_backend *backend_for(enum rr_backend_kind kind)
{
	switch (kind) {
#ifdef RR_HAVE_URING
	case RR_BACKEND_URING:
		return &rr__uring_backend;
#endif
#ifdef RR_HAVE_EPOLL
	case RR_BACKEND_EPOLL:
		return &rr__epoll_backend;
#endif
#ifdef RR_HAVE_KQUEUE
	case RR_BACKEND_KQUEUE:
		return &rr__kqueue_backend;
#endif
#ifdef RR_HAVE_IOCP
	case RR_BACKEND_IOCP:
		return &rr__iocp_backend;
#endif
	default:
		return NULL;
	}
}

static int init_backend(struct rr_loop *loop, const struct rr_backend *backend,
			const struct rr_loop_options *options)
{
	loop->backend = backend;
	loop->kind = backend->kind;
	return backend->init(loop, options);
}

int rr_backend_from_name(const char *name)
{
	if (!name)
		return -EINVAL;
	if (strcmp(name, "auto") == 0)
		return RR_BACKEND_AUTO;
	if (strcmp(name, "uring") == 0 || strcmp(name, "io_uring") == 0)
		return RR_BACKEND_URING;
	if (strcmp(name, "epoll") == 0)
		return RR_BACKEND_EPOLL;
	if (strcmp(name, "kqueue") == 0)
		return RR_BACKEND_KQUEUE;
	if (strcmp(name, "iocp") == 0)
		return RR_BACKEND_IOCP;
	return -EINVAL;
}

/* What RAWRING_BACKEND asks an AUTO loop for: AUTO when unset, or -EINVAL. */
static int backend_from_environment(void)
{
	const char *name = getenv("RAWRING_BACKEND");

	return name && *name ? rr_backend_from_name(name) : RR_BACKEND_AUTO;
}

#if defined(RR_HAVE_URING) && defined(RR_HAVE_EPOLL)
/* Whether an io_uring setup error means "not available here". */
static bool uring_unavailable(int err)
{
	return err == -ENOSYS || err == -EPERM || err == -EOPNOTSUPP;
}

/* Words for why io_uring is unavailable, with the sysctl when it says. */
static void explain_fallback(struct rr_loop *loop, int err)
{
	char disabled = '?';
	FILE *sysctl = fopen("/proc/sys/kernel/io_uring_disabled", "re");

	if (sysctl) {
		int c = fgetc(sysctl);
		if (c >= '0' && c <= '2')
			disabled = (char)c;
		fclose(sysctl);
	}
	const char *why = err == -ENOSYS    ? "ENOSYS: the kernel has no io_uring"
			  : err == -EOPNOTSUPP ? "the kernel is older than 5.11"
			  : disabled == '2'    ? "EPERM: kernel.io_uring_disabled=2"
			  : disabled == '1'    ? "EPERM: kernel.io_uring_disabled=1 and not in io_uring_group"
					       : "EPERM: blocked, e.g. by a seccomp filter";
	snprintf(loop->backend_reason, sizeof(loop->backend_reason),
		 "io_uring unavailable (%s); fell back to epoll", why);
}
#endif

/* RR_BACKEND_AUTO: io_uring, else epoll; or what the environment says. */
static int init_auto(struct rr_loop *loop, const struct rr_loop_options *options)
{
	int forced = backend_from_environment();

	if (forced < 0) {
		snprintf(loop->backend_reason, sizeof(loop->backend_reason),
			 "RAWRING_BACKEND=%.64s is no backend name "
			 "(auto, uring, io_uring, epoll, kqueue, iocp)",
			 getenv("RAWRING_BACKEND"));
		return -EINVAL;
	}
	if (forced != RR_BACKEND_AUTO) {
		const struct rr_backend *backend = backend_for((enum rr_backend_kind)forced);
		if (!backend)
			return -ENOSYS;
		snprintf(loop->backend_reason, sizeof(loop->backend_reason),
			 "RAWRING_BACKEND=%s", backend->name);
		return init_backend(loop, backend, options);
	}
#if defined(RR_HAVE_URING) && defined(RR_HAVE_EPOLL)
	int ret = init_backend(loop, &rr__uring_backend, options);
	if (ret == 0) {
		snprintf(loop->backend_reason, sizeof(loop->backend_reason),
			 "io_uring is available");
		return 0;
	}
	if (!uring_unavailable(ret))
		return ret;
	explain_fallback(loop, ret);
	return init_backend(loop, &rr__epoll_backend, options);
#elif defined(RR_HAVE_KQUEUE)
	snprintf(loop->backend_reason, sizeof(loop->backend_reason),
		 "kqueue is this platform's backend");
	return init_backend(loop, &rr__kqueue_backend, options);
#elif defined(RR_HAVE_IOCP)
	snprintf(loop->backend_reason, sizeof(loop->backend_reason),
		 "IOCP is this platform's backend");
	return init_backend(loop, &rr__iocp_backend, options);
#else
	(void)options;
	return -ENOSYS;
#endif
}

int rr_loop_init(struct rr_loop *loop, const struct rr_loop_options *options)
{
	struct rr_loop_options defaults;

	if (!loop)
		return -EINVAL;
	if (!options) {
		memset(&defaults, 0, sizeof(defaults));
		defaults.sqpoll_cpu = -1;
		options = &defaults;
	}
	memset(loop, 0, sizeof(*loop));
	if ((unsigned)options->backend >= RR_BACKEND_COUNT) {
		snprintf(loop->backend_reason, sizeof(loop->backend_reason),
			 "options->backend is no backend kind");
		return -EINVAL;
	}
	atomic_init(&loop->async_pending, NULL);
	loop->timers = rr__timers_new(rr__monotonic_ns());
	if (!loop->timers) {
		snprintf(loop->backend_reason, sizeof(loop->backend_reason),
			 "out of memory for the timer wheel");
		return -ENOMEM;
	}
	int ret;
	if (options->backend == RR_BACKEND_AUTO) {
		ret = init_auto(loop, options);
	} else {
		const struct rr_backend *backend = backend_for(options->backend);
		ret = backend ? init_backend(loop, backend, options) : -ENOSYS;
		if (ret == 0)
			snprintf(loop->backend_reason, sizeof(loop->backend_reason),
				 "requested");
		else if (!backend)
			snprintf(loop->backend_reason, sizeof(loop->backend_reason),
				 "requested, and not built into this library");
		else
			snprintf(loop->backend_reason, sizeof(loop->backend_reason),
				 "requested, and its setup failed (errno %d)", -ret);
	}
	if (ret < 0) {
		/* A failed loop is zeroed but for its reason: why it failed. */
		char reason[sizeof(loop->backend_reason)];
		memcpy(reason, loop->backend_reason, sizeof(reason));
		rr__timers_free(loop->timers);
		memset(loop, 0, sizeof(*loop));
		memcpy(loop->backend_reason, reason, sizeof(reason));
		return ret;
	}
	if (loop->backend->describe) {
		size_t used = strlen(loop->backend_reason);
		if (used + 2 < sizeof(loop->backend_reason)) {
			memcpy(loop->backend_reason + used, "; ", 3);
			used += 2;
			loop->backend->describe(loop, loop->backend_reason + used,
						sizeof(loop->backend_reason) - used);
		}
	}
	loop->initialized = true;
	return 0;
}

const char *rr_loop_backend_reason(const struct rr_loop *loop)
{
	return loop->backend_reason[0] ? loop->backend_reason : "not initialized";
}

enum rr_backend_kind rr_loop_backend(const struct rr_loop *loop)
{
	return loop->kind;
}

const char *rr_loop_backend_name(const struct rr_loop *loop)
{
	return loop->backend ? loop->backend->name : "none";
}

uint64_t rr_loop_pending(const struct rr_loop *loop)
{
	return loop->in_flight;
}

struct rr_loop_stats rr_loop_stats(const struct rr_loop *loop)
{
	struct rr_loop_stats stats = loop->stats;

	stats.in_flight = loop->in_flight;
	stats.syscalls = loop->backend ? loop->backend->syscalls(loop) : 0;
	return stats;
}

static bool async_waiting(struct rr_loop *loop)
{
	return atomic_load_explicit(&loop->async_pending, memory_order_relaxed) != NULL;
}

/* One turn: start, wait until `deadline_ns` at most, run what is due.
 * Inlined into its two callers, run and run_for_ns. */
static inline __attribute__((always_inline)) int tick(struct rr_loop *loop, uint64_t deadline_ns)
{
	/* A callback may have torn the loop down in the turn before. */
	if (!loop->initialized)
		return 0;
	if (loop->queued_head) /* most turns: every op was started when scheduled */
		rr__start_queued(loop);
	if (rr__timers_armed(loop->timers)) /* no clock read without timers */
		rr__fire_timers(loop, rr__monotonic_ns());

	/* Ops still queued for want of SQ room must not wait for a completion
	 * that may never come (idle receives): submit now, go round again. */
	uint64_t wait_until = deadline_ns;
	if (loop->completed_head || loop->queued_head || async_waiting(loop))
		wait_until = 0;
	else if (rr__timers_armed(loop->timers)) {
		/* A timer fires at its deadline or up to the slack after it:
		 * the wait ends at the next multiple of the slack. */
		uint64_t due = rr__timers_earliest(loop->timers)->args.timer.deadline_ns;
		if (due <= UINT64_MAX - RR_TIMER_SLACK_NS)
			due = (due + RR_TIMER_SLACK_NS - 1) / RR_TIMER_SLACK_NS * RR_TIMER_SLACK_NS;
		if (due < wait_until)
			wait_until = due;
	}

	int ret = loop->backend->flush_wait(loop, wait_until);
	loop->stats.loop_iterations++;

	if (rr__timers_armed(loop->timers))
		rr__fire_timers(loop, rr__monotonic_ns());
	rr__run_completed(loop);
	/* A load first: the exchange is a locked instruction, and most turns
	 * have nothing sent.  A send it misses is followed by its wake-up,
	 * which ends a later turn's wait. */
	if (async_waiting(loop))
		rr__run_async(loop);
	return ret < 0 && ret != -ETIME ? ret : 0;
}

/* Whether rr_loop_run(RR_RUN_ONCE or RR_RUN_UNTIL_DONE) turns again:
 * ONCE until a callback ran (since `start`) or a wake-up came, UNTIL_DONE
 * until nothing is in flight. */
static bool runs_on(struct rr_loop *loop, enum rr_run_mode mode, uint64_t start)
{
	if (!loop->initialized)
		return false;
	if (mode == RR_RUN_ONCE)
		return loop->callbacks_run == start && !loop->woken &&
		       (loop->in_flight || async_waiting(loop));
	return loop->in_flight != 0;
}

/* rr_loop_run, its arguments checked.  One call of tick (inlined: it is
 * every turn): NOWAIT turns once without waiting, the others while
 * runs_on says. */
static int run(struct rr_loop *loop, enum rr_run_mode mode)
{
	uint64_t start = loop->callbacks_run;
	uint64_t deadline = mode == RR_RUN_NOWAIT ? 0 : RR_DEADLINE_NONE;
	bool once = mode == RR_RUN_NOWAIT;
	int ret = 0;

	if (mode == RR_RUN_ONCE)
		loop->woken = false;
	while (ret == 0 && (once || runs_on(loop, mode, start))) {
		ret = tick(loop, deadline);
		if (once)
			break;
	}
	return ret < 0 ? ret : (int)(loop->callbacks_run - start);
}

/* rr_loop_run_for_ns, its arguments checked. */
static int run_for_ns(struct rr_loop *loop, uint64_t timeout_ns)
{
	uint64_t start = loop->callbacks_run;
	uint64_t now = rr__monotonic_ns();
	uint64_t deadline = timeout_ns > UINT64_MAX - now ? RR_DEADLINE_NONE
							  : now + timeout_ns;
	int ret = 0;

	do {
		ret = tick(loop, deadline);
	} while (ret == 0 && loop->initialized && loop->in_flight &&
		 rr__monotonic_ns() < deadline);
	return ret < 0 ? ret : (int)(loop->callbacks_run - start);
}

int rr_loop_run(struct rr_loop *loop, enum rr_run_mode mode)
{
	if (!loop || !loop->initialized)
		return -EINVAL;
	if (mode != RR_RUN_NOWAIT && mode != RR_RUN_ONCE && mode != RR_RUN_UNTIL_DONE)
		return -EINVAL;
	if (loop->run_depth >= RR_LOOP_MAX_NESTING)
		return -ELOOP;
	/* Restored, not decremented: a callback may deinit and init the
	 * loop again, which zeroes the depth under this call. */
	unsigned depth = loop->run_depth;
	loop->run_depth = depth + 1;
	int ret = run(loop, mode);
	loop->run_depth = depth;
	return ret;
}

int rr_loop_run_for_ns(struct rr_loop *loop, uint64_t timeout_ns)
{
	if (!loop || !loop->initialized)
		return -EINVAL;
	if (loop->run_depth >= RR_LOOP_MAX_NESTING)
		return -ELOOP;
	unsigned depth = loop->run_depth; /* restored: see rr_loop_run */
	loop->run_depth = depth + 1;
	int ret = run_for_ns(loop, timeout_ns);
	loop->run_depth = depth;
	return ret;
}


/* Complete every queued op and timer with -ECANCELED (deinit), except the
 * ops that still run at deinit (a close that was asked for): those stay
 * queued, in order, for the backend. */
static void cancel_queued_and_timers(struct rr_loop *loop)
{
	struct rr_op *keep_head = NULL, *keep_tail = NULL;
	uint64_t kept = 0;

	while (loop->queued_head) {
		struct rr_op *op = loop->queued_head;
		loop->queued_head = op->next;
		op->next = NULL;
		if (rr__op_kind(op)->runs_at_deinit && !(op->flags & RR_OP_F_CANCELING)) {
			if (keep_tail)
				keep_tail->next = op;
			else
				keep_head = op;
			keep_tail = op;
			kept++;
			continue;
		}
		rr__complete_later(loop, op, -ECANCELED);
	}
	loop->queued_head = keep_head;
	loop->queued_tail = keep_tail;
	loop->queued_count = kept;
	struct rr_op *timer;
	while ((timer = rr__timers_pop_due(loop->timers, UINT64_MAX)))
		rr__complete_later(loop, timer, -ECANCELED);
}

void rr_loop_deinit(struct rr_loop *loop)
{
	/* (A callback that deinits its loop during deinit: the outer one
	 * finishes the job.) */
	if (!loop || !loop->initialized || loop->closing)
		return;
	loop->closing = true;

	/* Ops the backend never saw, and timers, are the core's to cancel,
	 * except closes, which still happen; the rest are in flight: ask the
	 * backend to cancel them all (closes again excepted), and reap until
	 * every callback has run.  Each round asks again, since an op that was
	 * just being issued may miss a request, and a chain link held by the
	 * core may have been released into the queue meanwhile. */
	uint64_t give_up = rr__monotonic_ns() + DEINIT_GRACE_NS;
	for (;;) {
		cancel_queued_and_timers(loop);
		rr__start_queued(loop);
		rr__run_completed(loop);
		if (!loop->in_flight || rr__monotonic_ns() >= give_up)
			break;
		/* Not while a close is in flight: a close the kernel handed to
		 * a worker (a file whose driver flushes on close: overlayfs,
		 * NFS, FUSE) would be cancelled with the rest, its fd left
		 * open.  The closes finish first; the next round cancels. */
		if (!loop->closes_in_flight)
			loop->backend->cancel_all(loop);
		loop->backend->flush_wait(loop, rr__monotonic_ns() + 100000000u);
		rr__run_completed(loop);
	}
	rr__run_async(loop);
	rr__buf_groups_deinit(loop);
	rr__fixed_release_all(loop);
	loop->backend->deinit(loop);
	rr__timers_free(loop->timers);
	loop->timers = NULL;
	loop->initialized = false;
	loop->backend_state = NULL;
}

int rr_loop_wake(struct rr_loop *loop)
{
	if (!loop || !loop->backend)
		return -EINVAL;
	return loop->backend->wake(loop);
}

void rr_async_init(struct rr_loop *loop, struct rr_async *async,
		   void (*callback)(struct rr_loop *, struct rr_async *),
		   void *context)
{
	async->callback = callback;
	async->context = context;
	async->loop = loop;
	async->next = NULL;
	atomic_init(&async->pending, 0);
}

/* Put `async` on its loop's list; false if it was on it already. */
static bool push_async(struct rr_async *async)
{
	/* A handle already on the list will run once for all its sends. */
	if (atomic_exchange(&async->pending, 1))
		return false;

	struct rr_loop *loop = async->loop;
	struct rr_async *head = atomic_load(&loop->async_pending);
	do {
		async->next = head;
	} while (!atomic_compare_exchange_weak(&loop->async_pending, &head, async));
	return true;
}

int rr_async_send(struct rr_async *async)
{
	if (!async || !async->loop || !async->callback)
		return -EINVAL;
	return push_async(async) ? rr_loop_wake(async->loop) : 0;
}

int rr_async_send_from(struct rr_loop *from, struct rr_async *async)
{
	if (!from || !from->initialized || !async || !async->loop || !async->callback)
		return -EINVAL;
	if (!push_async(async))
		return 0;

	struct rr_loop *target = async->loop;
	if (target != from && target->backend == from->backend &&
	    from->backend->wake_from) {
		int ret = from->backend->wake_from(target, from);
		if (ret != -EOPNOTSUPP)
			return ret;
	}
	return rr_loop_wake(target);
}

unsigned rr__run_async(struct rr_loop *loop)
{
	/* Take the whole list at once; producers only ever push, so there is
	 * no ABA hazard. */
	struct rr_async *list = atomic_exchange(&loop->async_pending, NULL);
	struct rr_async *in_order = NULL;
	unsigned ran = 0;

	while (list) { /* reverse: run in send order */
		struct rr_async *next = list->next;
		list->next = in_order;
		in_order = list;
		list = next;
	}
	while (in_order) {
		struct rr_async *async = in_order;
		in_order = async->next;
		async->next = NULL;
		/* Clear before the callback: a send during it runs it again. */
		atomic_store(&async->pending, 0);
		async->callback(loop, async);
		loop->callbacks_run++;
		ran++;
	}
	return ran;
}
