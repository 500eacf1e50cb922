/*
 * rawring/loop.h - layer 2: the proactor loop.
 *
 * Schedule an operation with a callback and a context from anywhere in the
 * program; the loop batches the submissions, and when the operation
 * completes it runs the callback exactly once with the result (bytes, an fd,
 * or a negative errno).  The application never waits for readiness.
 *
 *   static void on_read(struct rr_loop *loop, struct rr_op *op, int result)
 *   {
 *           struct request *req = op->context;
 *           ...
 *   }
 *
 *   struct rr_op op;
 *   rr_op_init(&op, on_read, req);
 *   rr_read(&loop, &op, fd, buf, sizeof(buf), 0);
 *   rr_loop_run(&loop, RR_RUN_UNTIL_DONE);
 *
 * Ownership.  A struct rr_op belongs to the caller, who keeps it (and every
 * buffer, path, iovec or address it points to) alive and untouched from
 * scheduling until its callback has run.  Scheduling allocates nothing.  The
 * op is free again when its callback starts: the callback may reschedule it
 * or reuse it for another operation.  Scheduling an op that is still in
 * flight is a caller error: it aborts in builds without NDEBUG (see
 * rr_loop_asserts_enabled) and returns -EBUSY otherwise.
 *
 * Threads.  A loop belongs to the thread that runs it.  The only calls that
 * are safe from other threads are rr_loop_wake and rr_async_send.  Run one
 * loop per thread for thread-per-core programs.
 *
 * Callbacks never run inside the call that scheduled the op; they run from
 * rr_loop_run / rr_loop_run_for_ns / rr_loop_deinit, in one place: the
 * backend first reports every result it finds in a turn, then the loop runs
 * the callbacks, in the order the results were found.  So a callback may
 * schedule and cancel ops, close fds, turn the loop again (a nested
 * rr_loop_run runs the callbacks still due, each once; too deep, -ELOOP)
 * and rr_loop_deinit
 * its loop; the loop's memory must stay valid until the outermost
 * rr_loop_run returns.  Results found in the same turn are delivered in
 * that turn: an op whose callback is still due is not idle (rr_op_is_idle),
 * and rr_cancel on it returns -ENOENT.
 *
 * Caller errors that cannot be returned (rr_op_init on a scheduled op, a
 * second scheduling of an op in flight) abort in a library built with
 * asserts: meson's default debugoptimized build; -Dbuildtype=release drops
 * them, and the calls take their documented safe path (rr_loop_asserts_
 * enabled tells which build a program has).
 */
#ifndef RAWRING_LOOP_H
#define RAWRING_LOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "misuse.h"
#include "platform.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A private field the loop updates atomically.  C++ has no _Atomic; there
 * the field is declared plain, with the same size and alignment (gcc and
 * clang lay out _Atomic int and pointers as int and pointers), and only
 * the library's C code ever touches it. */
#ifdef __cplusplus
#define RR_ATOMIC_FIELD(type) type
#else
#define RR_ATOMIC_FIELD(type) _Atomic(type)
#endif

struct rr_loop;
struct rr_op;
struct rr_timer_wheel;
struct rr_buf_group;
struct rr_ring;
struct statx;

/* The callback of an op: `result` is what the operation returned (a byte
 * count, an fd, 0) or a negative errno. */
typedef void (*rr_callback)(struct rr_loop *loop, struct rr_op *op, int result);

/* Which operation an op carries (set by the scheduling call). */
enum rr_op_type {
	RR_OP_NONE = 0,
	RR_OP_NOP,
	RR_OP_READ,
	RR_OP_WRITE,
	RR_OP_READV,
	RR_OP_WRITEV,
	RR_OP_FSYNC,
	RR_OP_FDATASYNC,
	RR_OP_OPENAT,
	RR_OP_CLOSE,
	RR_OP_STATX,
	RR_OP_ACCEPT,
	RR_OP_CONNECT,
	RR_OP_RECV,
	RR_OP_SEND,
	RR_OP_RECVMSG,
	RR_OP_SENDMSG,
	RR_OP_SHUTDOWN,
	RR_OP_POLL,
	RR_OP_TIMEOUT,
	RR_OP_RECV_MULTISHOT,
	RR_OP_READ_FIXED,          /* into a registered buffer */
	RR_OP_WRITE_FIXED,         /* from a registered buffer */
	RR_OP_SEND_ZC,             /* a send without the copy (rr_send_zc) */
	RR_OP_SEND_BUNDLE,         /* a send group's queued buffers (rr_send_bundle) */
	RR_OP_TYPE_COUNT
};

/* The life of an op, as the loop tracks it. */
enum rr_op_state {
	RR_OP_IDLE = 0,     /* free: may be scheduled */
	RR_OP_QUEUED,       /* scheduled, waiting to be handed to the backend */
	RR_OP_IN_FLIGHT,    /* the backend (or the kernel) has it */
	RR_OP_TIMER,        /* a timeout waiting in the loop's timer heap */
	RR_OP_COMPLETED,    /* result known, callback not yet run */
};

/* Op flags: the marks a caller sets before scheduling (rr_op_link,
 * rr_op_polled) and the one a multishot callback reads (rr_op_more).  Each
 * lasts for one scheduling.  Bits 8-15 are the loop's own (see
 * src/loop/backend.h); never set or test them. */
enum {
	/* The next op scheduled on this loop starts only after this one
	 * succeeds in full; if this one fails (or reads/writes short), the
	 * rest of the chain completes with -ECANCELED.  Set with rr_op_link. */
	RR_OP_F_LINK = 1u << 0,
	/* Multishot accept or recv: one op, many callbacks (set by
	 * rr_accept_multishot and rr_recv_multishot). */
	RR_OP_F_MULTISHOT = 1u << 1,
	/* Set during a multishot callback when more callbacks will follow;
	 * clear on the last one (after which the op is idle). */
	RR_OP_F_MORE = 1u << 2,
	/* The op goes to the loop's polled ring (IOPOLL loops; O_DIRECT files). */
	RR_OP_F_POLLED = 1u << 3,
	/* The op's fd is an index into the loop's registered files
	 * (rr_loop_register_files).  Set with rr_op_fixed_file. */
	RR_OP_F_FIXED_FILE = 1u << 4,
};

/* What rr_op_init finds in an op that is scheduled: a debug build of the
 * library aborts, a release build leaves the op alone.  64 bits, so that
 * the bytes of an op never used before cannot match it by chance. */
#define RR_OP_SCHEDULED_MARK 0x72725f6f705f6f6eull /* "rr_op_on" */

struct rr_op {
	/* ---- public: set by the caller (rr_op_init) ---- */
	rr_callback callback;
	void *context;

	/* ---- read-only: the loop sets them, the caller may read them ---- */
	int result;                /* the last result (also the callback's argument) */
	uint8_t type;              /* enum rr_op_type of the current scheduling */
	uint8_t state;             /* enum rr_op_state */
	uint16_t flags;            /* RR_OP_F_* (bits 8-15: the loop's) */

	/* ---- private: the loop's and its backends' ---- */
	uint64_t scheduled_mark;   /* RR_OP_SCHEDULED_MARK from scheduling to
				      the last callback */
	struct rr_op *next;        /* the queue or backend list the op is on */
	struct rr_op *due_next;    /* the core's list of due completions */
	struct rr_op *chain_next;  /* the linked op held until this one succeeds
				      (backends without native links) */
	int final_result;          /* a multishot op's last result, reported
				      while an earlier one waits for its callback */
	union {
		struct { rr_fd_t fd; void *buf; unsigned len; uint64_t offset;
			 unsigned buf_index; } rw;
		struct { rr_fd_t fd; const struct iovec *iov; unsigned iovcnt; uint64_t offset; } rwv;
		struct { rr_fd_t fd; } fd_only;
		struct { rr_fd_t dfd; const char *path; int flags; unsigned mode; } open;
		struct { rr_fd_t dfd; const char *path; int flags; unsigned mask; struct statx *buf; } statx;
		struct { rr_fd_t fd; struct sockaddr *addr; socklen_t *addrlen; int flags; } accept;
		struct { rr_fd_t fd; const struct sockaddr *addr; socklen_t addrlen; } connect;
		struct { rr_fd_t fd; void *buf; size_t len; int flags; } xfer;
		struct { rr_fd_t fd; struct msghdr *msg; int flags; } msg;
		struct { rr_fd_t fd; int how; } shutdown;
		struct { rr_fd_t fd; unsigned events; } poll;
		/* A receive into, or a send bundle from, a buffer group. */
		struct rr_op_group_io {
			rr_fd_t fd;
			struct rr_buf_group *group;
			int flags;
			unsigned buffer;   /* the (first) buffer of the current result */
			unsigned short count; /* the buffers the current result filled
						 (a send: gave back) */
			unsigned short most;  /* the most one result may fill: 1, or
						 RR_RECV_BUNDLE_EMULATED (rr_recv_bundle);
						 a send: the queued buffers it takes */
			unsigned offset;      /* where the result starts in its buffer
						 (a send: the bytes sent so far) */
			bool kept;            /* the group keeps the buffer for more */
		} group_io;
		struct {
			uint64_t deadline_ns;      /* CLOCK_MONOTONIC */
			struct rr_op *child;       /* timer heap links */
			struct rr_op *sibling;
			struct rr_op *prev;
			unsigned where;            /* its heap in the loop's wheel */
		} timer;
	} args;
	/* The backend's per-op state where a platform needs it in the op
	 * (rawring/platform.h: IOCP's OVERLAPPED on Windows), so that
	 * scheduling allocates nothing there either. */
	RR_OP_PLATFORM_FIELDS
};

/*
 * Prepare an op for its first use, or to change its callback once it is
 * idle.  On an op still scheduled it is a caller error: a library built
 * with asserts aborts (rr_loop_asserts_enabled), one without leaves the op
 * untouched, so that its callback still runs exactly once.  (To tell, it
 * reads the op's mark before writing it: valgrind's memcheck may call that
 * read of a never-used op uninitialised; zero the op first to quiet it.)
 */
static inline void rr_op_init(struct rr_op *op, rr_callback callback,
			      void *context)
{
	/* A volatile read: the bytes of a never-used op are indeterminate,
	 * and an optimiser may otherwise assume any comparison on them. */
	if (*(const volatile uint64_t *)&op->scheduled_mark == RR_OP_SCHEDULED_MARK) {
		rr__misuse("rr_op_init on an op that is still scheduled");
		return;
	}
	op->callback = callback;
	op->context = context;
	op->result = 0;
	op->type = RR_OP_NONE;
	op->state = RR_OP_IDLE;
	op->flags = 0;
	op->scheduled_mark = 0;
	op->next = NULL;
	op->due_next = NULL;
	op->chain_next = NULL;
	op->final_result = 0;
}

/* Whether the op is free to be scheduled: never scheduled, or its last
 * callback has started.  False from scheduling until then, including while
 * its result is known and its callback waits its turn. */
static inline bool rr_op_is_idle(const struct rr_op *op)
{
	return op->state == RR_OP_IDLE;
}

/* Whether more callbacks follow this one (multishot ops). */
static inline bool rr_op_more(const struct rr_op *op)
{
	return (op->flags & RR_OP_F_MORE) != 0;
}

/* ---- the loop ------------------------------------------------------------ */

enum rr_backend_kind {
	/* io_uring where it works, else epoll (see rr_loop_init). */
	RR_BACKEND_AUTO = 0,
	RR_BACKEND_URING,      /* Linux io_uring: the kernel does the I/O */
	RR_BACKEND_EPOLL,      /* Linux epoll: readiness emulated into completions */
	RR_BACKEND_KQUEUE,     /* BSD/macOS kqueue: likewise */
	RR_BACKEND_IOCP,       /* Windows I/O completion ports: native completions */
	RR_BACKEND_COUNT
};

/*
 * What each option does where it does not apply: every io_uring option
 * (entries, sqpoll*, iopoll, single_issuer) is ignored by the epoll,
 * kqueue and IOCP backends, as the other backends need no such choice;
 * rr_loop_backend_reason says the mode the io_uring ring runs in.  entries
 * is rounded up to a power of two and clamped to the kernel's maximum
 * (32768; IORING_SETUP_CLAMP), unlike rr_ring_init, which refuses more.
 */
struct rr_loop_options {
	enum rr_backend_kind backend;
	unsigned entries;              /* SQ entries (io_uring); 0: 256 */
	bool sqpoll;                   /* io_uring SQPOLL */
	unsigned sqpoll_idle_ms;       /* 0: 1000 */
	int sqpoll_cpu;                /* -1 or 0..: pin the SQPOLL thread */
	bool iopoll;                   /* a second, polled ring for RR_OP_F_POLLED ops */
	/*
	 * io_uring: the loop is turned by one thread, the first that runs it
	 * (or deinits it), and by no other for its whole life.  The ring is
	 * then set up with IORING_SETUP_SINGLE_ISSUER | DEFER_TASKRUN (6.1):
	 * completion work runs only when that thread waits, in batches,
	 * instead of interrupting it.  The ring starts disabled and is enabled
	 * by the first turn, so the loop may be created on another thread.
	 * A turn from any other thread afterwards fails with the kernel's
	 * -EEXIST (rr_loop_run returns it), and rr_loop_deinit from another
	 * thread is a caller error: it cannot cancel the ops in flight, so
	 * their callbacks do not run.  Kernels without the flags, SQPOLL
	 * loops and the other backends ignore it (rr_loop_backend_reason
	 * says which mode the ring runs in).
	 */
	bool single_issuer;
};

/* Counters a program can read at any time (rr_loop_stats). */
struct rr_loop_stats {
	uint64_t ops_submitted;        /* ops handed to the backend */
	uint64_t ops_completed;        /* callbacks run */
	uint64_t syscalls;             /* system calls the backend made, wake-ups included */
	uint64_t overflow_high_water;  /* most ops ever waiting for SQ space */
	uint64_t in_flight;            /* ops scheduled whose callback has not run */
	uint64_t loop_iterations;      /* backend flush-and-wait rounds */
};

struct rr_backend;
struct rr_async;

struct rr_loop {
	/* All private: use the functions below. */
	const struct rr_backend *backend;
	void *backend_state;
	struct rr_ring *direct_sq;     /* io_uring: the SQ scheduling fills itself, or NULL */
	struct rr_op *queued_head;     /* scheduled ops, in order */
	struct rr_op *queued_tail;
	struct rr_op *completed_head;  /* results known, callbacks due */
	struct rr_op *completed_tail;
	struct rr_timer_wheel *timers; /* armed timeouts (src/loop/timer_wheel.h) */
	uint64_t queued_count;
	uint64_t in_flight;            /* scheduled and not yet called back */
	uint64_t callbacks_run;        /* op and async callbacks, for run modes */
	unsigned max_chain;            /* longest chain the backend can take */
	struct rr_loop_stats stats;
	RR_ATOMIC_FIELD(struct rr_async *) async_pending; /* rr_async_send'ed handles */
	struct rr_buf_group *buf_groups; /* set up on this loop */
	uint64_t *buf_group_ids;       /* 65536 bits: the group ids in use
					  (allocated with the first group) */
	unsigned run_depth;            /* rr_loop_run calls under way (nesting) */
	uint64_t closes_in_flight;     /* rr_close ops scheduled, not called back */
	struct iovec *fixed_buffers;   /* registered buffers (a copy), or NULL */
	unsigned fixed_buffer_count;
	unsigned fixed_file_count;
	rr_fd_t *fixed_files;          /* registered files, -1 for an empty slot */
	uint64_t fixed_file_ops;       /* ops on them scheduled, not called back */
	bool closing;
	bool initialized;
	bool woken;                    /* a wake-up arrived this turn */
	char backend_reason[160];
	enum rr_backend_kind kind;
};

/*
 * Set up a loop.  `options` may be NULL for the defaults (AUTO, 256 entries).
 * Allocates the backend's state once; nothing afterwards per operation.
 *
 * RR_BACKEND_AUTO is kqueue on the BSDs and macOS and IOCP on Windows.  On
 * Linux it uses io_uring, and falls back to epoll when io_uring is
 * unavailable: setup fails with ENOSYS (no io_uring in the kernel), EPERM
 * (blocked by seccomp, kernel.io_uring_disabled, or a group restriction) or
 * the kernel is older than the loop needs (no IORING_FEAT_EXT_ARG, 5.11).
 * Resource errors (ENOMEM, EMFILE) are returned, not fallen back from.  The
 * environment variable RAWRING_BACKEND=uring|epoll|kqueue|iocp|auto overrides what an
 * AUTO loop picks, for operators whose sandbox kills a process on a blocked
 * system call; an invalid value is -EINVAL.  An explicitly requested
 * backend never falls back: unavailable, it is an error.
 *
 * Returns 0 or -errno: -EINVAL for bad options, -ENOSYS or -EPERM when the
 * requested backend is unavailable here, -EOPNOTSUPP when the kernel is too
 * old for it, -ENOMEM, -EMFILE.
 */
int rr_loop_init(struct rr_loop *loop, const struct rr_loop_options *options);

/*
 * Tear the loop down.  Ops still scheduled are cancelled and each callback
 * runs exactly once, with -ECANCELED or with its real result if it finished
 * first; a callback that schedules during deinit gets -ESHUTDOWN.  An
 * rr_close that was scheduled still happens (its callback gets the close's
 * result), so that no fd the application gave up leaks; no other fd the
 * application owns is ever closed.  Safe to call twice, and from a callback
 * of the loop (the rr_loop_run that ran it then returns).
 */
void rr_loop_deinit(struct rr_loop *loop);

/* The backend the loop runs on, and its name ("io_uring", "epoll", ...). */
enum rr_backend_kind rr_loop_backend(const struct rr_loop *loop);
const char *rr_loop_backend_name(const struct rr_loop *loop);

/* The backend kind for a name ("auto", "uring" or "io_uring", "epoll",
 * "kqueue", "iocp"), or -EINVAL.  Whether it is built here is rr_loop_init's to say. */
int rr_backend_from_name(const char *name);

/* Why the loop runs on that backend, in words (after a failed
 * rr_loop_init, why it failed where the loop knows: "RAWRING_BACKEND=EPOLL
 * is no backend name (...)"; otherwise "not initialized"): "requested",
 * "io_uring is available", "io_uring_setup failed with EPERM (...); fell
 * back to epoll", "RAWRING_BACKEND=epoll"; then, after "; ", the modes the
 * backend chose where it has a choice (io_uring: "COOP_TASKRUN",
 * "SINGLE_ISSUER+DEFER_TASKRUN", "SQPOLL"; ", IOPOLL ring"). */
const char *rr_loop_backend_reason(const struct rr_loop *loop);

enum rr_run_mode {
	RR_RUN_NOWAIT,      /* submit, run the callbacks that are due, return */
	RR_RUN_ONCE,        /* block until a callback has run or rr_loop_wake */
	RR_RUN_UNTIL_DONE,  /* run until no op is scheduled */
};

/* How deep callbacks may nest rr_loop_run / rr_loop_run_for_ns calls. */
#define RR_LOOP_MAX_NESTING 32

/*
 * Turn the loop.  Returns the number of callbacks run (>= 0) or -errno from
 * the backend (-EINTR when a signal interrupted a wait; also once, with no
 * signal, in the first blocking wait of an epoll loop on a thread
 * that has just closed an io_uring ring, an io_uring loop's deinit among
 * them: the kernel finishes the ring's teardown on that thread by
 * interrupting its wait, and the next run is not interrupted), or -ELOOP when
 * called from a callback RR_LOOP_MAX_NESTING turns deep (a callback that
 * always turns the loop would otherwise recurse without bound).  RR_RUN_ONCE returns
 * once at least one callback has run, or when another thread called
 * rr_loop_wake (possibly with 0 callbacks run); with nothing scheduled it
 * returns 0 at once.
 */
int rr_loop_run(struct rr_loop *loop, enum rr_run_mode mode);

/*
 * Run until no op is scheduled or `timeout_ns` has passed, whichever comes
 * first; returns the callbacks run or -errno.  Returns at the deadline even
 * if work remains.
 */
int rr_loop_run_for_ns(struct rr_loop *loop, uint64_t timeout_ns);

/* Ops scheduled whose callbacks have not run. */
uint64_t rr_loop_pending(const struct rr_loop *loop);

/* A copy of the loop's counters. */
struct rr_loop_stats rr_loop_stats(const struct rr_loop *loop);

/* CLOCK_MONOTONIC in nanoseconds, the clock timeouts use. */
uint64_t rr_now_ns(void);

/* Whether caller errors abort (library built without NDEBUG) rather than
 * only returning their documented error. */
bool rr_loop_asserts_enabled(void);

/* ---- cross-thread ------------------------------------------------------- */

/* Wake the loop if it is blocked in a wait.  Safe from any thread and from
 * signal handlers.  Returns 0 or -errno. */
int rr_loop_wake(struct rr_loop *loop);

/*
 * An async handle: another thread calls rr_async_send, and the loop's thread
 * runs the handle's callback soon after (sends before the callback runs
 * coalesce into one call).  An initialized handle keeps the loop alive only
 * while a send is pending.
 */
struct rr_async {
	void (*callback)(struct rr_loop *loop, struct rr_async *async);
	void *context;
	struct rr_loop *loop;
	struct rr_async *next;         /* private */
	RR_ATOMIC_FIELD(int) pending;  /* private */
};

/* Set up `async` on `loop` with its callback and context (the handle
 * above); the loop's thread runs the callback after each rr_async_send.
 * Allocates nothing. */
void rr_async_init(struct rr_loop *loop, struct rr_async *async,
		   void (*callback)(struct rr_loop *, struct rr_async *),
		   void *context);

/* Request the callback from any thread.  Returns 0 or -errno. */
int rr_async_send(struct rr_async *async);

/*
 * rr_async_send from the thread running loop `from` (thread-per-core
 * programs messaging each other).  When both loops run on io_uring and the
 * kernel has IORING_OP_MSG_RING (5.18), the wake-up travels as an SQE in
 * from's next submission instead of a system call of its own; otherwise it
 * is rr_async_send.
 */
int rr_async_send_from(struct rr_loop *from, struct rr_async *async);

/* ---- operations ----------------------------------------------------------
 *
 * Each call schedules one op and returns 0, or returns -errno without
 * scheduling it (the callback will not run).  Scheduling makes no system
 * call: the op is prepared for the backend (on io_uring, an SQE) or queued
 * behind ops waiting for room, and goes out with the next turn's batch.
 * Errors: -EBUSY when the op is still in
 * flight, -EINVAL for a NULL op/callback or bad arguments (a length, or an
 * iovec's total, above INT_MAX: the largest result a callback can carry),
 * -ESHUTDOWN during deinit.  Errors of the operation itself (a bad fd, a refused connection)
 * arrive in the callback's result.
 */

/* Complete with result 0 on a later turn: a round trip through the backend. */
int rr_nop(struct rr_loop *loop, struct rr_op *op);

/* `offset` -1 reads/writes at the file position and advances it. */
int rr_read(struct rr_loop *loop, struct rr_op *op, rr_fd_t fd, void *buf,
	    unsigned len, int64_t offset);
int rr_write(struct rr_loop *loop, struct rr_op *op, rr_fd_t fd, const void *buf,
	     unsigned len, int64_t offset);
int rr_readv(struct rr_loop *loop, struct rr_op *op, rr_fd_t fd,
	     const struct iovec *iov, unsigned iovcnt, int64_t offset);
int rr_writev(struct rr_loop *loop, struct rr_op *op, rr_fd_t fd,
	      const struct iovec *iov, unsigned iovcnt, int64_t offset);
int rr_fsync(struct rr_loop *loop, struct rr_op *op, rr_fd_t fd);
int rr_fdatasync(struct rr_loop *loop, struct rr_op *op, rr_fd_t fd);

/* openat(2): the result is the new fd. */
int rr_openat(struct rr_loop *loop, struct rr_op *op, rr_fd_t dfd,
	      const char *path, int flags, unsigned mode);
int rr_close(struct rr_loop *loop, struct rr_op *op, rr_fd_t fd);
int rr_statx(struct rr_loop *loop, struct rr_op *op, rr_fd_t dfd, const char *path,
	     int flags, unsigned mask, struct statx *buf);

/* accept4(2): the result is the new fd; `addr`/`addrlen` may be NULL.
 * (On Windows the result is the new SOCKET: (rr_fd_t)result.) */
int rr_accept(struct rr_loop *loop, struct rr_op *op, rr_fd_t fd,
	      struct sockaddr *addr, socklen_t *addrlen, int flags);
/* One op, one callback per accepted connection, while rr_op_more(op). */
int rr_accept_multishot(struct rr_loop *loop, struct rr_op *op, rr_fd_t fd,
			int flags);
int rr_connect(struct rr_loop *loop, struct rr_op *op, rr_fd_t fd,
	       const struct sockaddr *addr, socklen_t addrlen);
int rr_recv(struct rr_loop *loop, struct rr_op *op, rr_fd_t fd, void *buf,
	    size_t len, int flags);
int rr_send(struct rr_loop *loop, struct rr_op *op, rr_fd_t fd, const void *buf,
	    size_t len, int flags);
/*
 * A send whose data the kernel takes from `buf` without copying it
 * (io_uring's IORING_OP_SEND_ZC, 6.0): the callback runs once, with the
 * bytes sent or -errno, when the kernel no longer reads `buf`, so the
 * buffer must stay untouched until then, as for every op.  (io_uring posts
 * the send's result and, later, a notification that the buffer is free;
 * the loop folds the two into this one callback.)  Worth it for large
 * sends on a NIC that can; on loopback the kernel copies anyway.  Other
 * backends, and kernels without the opcode (-EINVAL there from the
 * kernel), run it as rr_send: the callback then runs when the data is
 * copied, which also frees the buffer.  On a socket that cannot send
 * without copying (only TCP and UDP can: a Unix socket cannot, and
 * io_uring says -EOPNOTSUPP) the loop sends it again as a plain send,
 * one callback as ever, at the cost of a round trip through the kernel;
 * a linked one fails with -EOPNOTSUPP there instead, its chain cancelled.
 */
int rr_send_zc(struct rr_loop *loop, struct rr_op *op, rr_fd_t fd, const void *buf,
	       size_t len, int flags);
int rr_recvmsg(struct rr_loop *loop, struct rr_op *op, rr_fd_t fd,
	       struct msghdr *msg, int flags);
int rr_sendmsg(struct rr_loop *loop, struct rr_op *op, rr_fd_t fd,
	       const struct msghdr *msg, int flags);
int rr_shutdown(struct rr_loop *loop, struct rr_op *op, rr_fd_t fd, int how);

/* Wait until `events` (POLLIN, POLLOUT, ...) are ready on `fd`; the result
 * is the ready mask.  A poll takes nothing: beside a receive on the same
 * socket, both see the data arrive (io_uring, epoll, kqueue).  (On Windows:
 * sockets only, Winsock's POLL* values; a poll is a zero-byte WSARecv,
 * which waits behind the receives posted before it, so it sees the data
 * they leave, not the data they take.) */
int rr_poll(struct rr_loop *loop, struct rr_op *op, rr_fd_t fd, unsigned events);

/*
 * A timer: the callback runs with -ETIME after `ns` nanoseconds (relative),
 * or at CLOCK_MONOTONIC time `ns` with RR_TIMEOUT_ABSOLUTE (a deadline in
 * the past fires on the next turn of the loop).  A timer never fires before
 * its deadline; an idle loop waits for it until the next multiple of 50 us
 * (the kernel's default timer slack), so timers due within the same 50 us
 * share one wake-up, and a busy loop fires it when its callbacks let it
 * come round.  Timers live in the loop's
 * own wheel: a million armed timers cost no allocation, no kernel object and
 * no system call.
 */
#define RR_TIMEOUT_ABSOLUTE 1u
int rr_timeout(struct rr_loop *loop, struct rr_op *op, uint64_t ns,
	       unsigned flags);

/*
 * Cancel a scheduled op.  Its callback still runs exactly once: with
 * -ECANCELED, or with its real result if it completed first.  Returns 0 when
 * the cancellation is under way, -ENOENT when `target` is not scheduled on
 * this loop (idle, or its result is known and its callback already ran or
 * waits its turn in this same pass: rr_op_is_idle tells which),
 * -EALREADY when a cancellation is already under way, or -EBUSY when the
 * backend cannot ask for it now (io_uring: no SQE for the request, the SQ
 * full and not yet consumed, as on a SINGLE_ISSUER loop before its first
 * turn or under SQPOLL): nothing changed, ask again after a turn.
 */
int rr_cancel(struct rr_loop *loop, struct rr_op *target);

/*
 * Chain this op to the next op scheduled on the same loop: mark it before
 * scheduling it (the mark lasts for that one scheduling).  Ops of a chain
 * are submitted together and run in order; a failure or a short transfer
 * cancels the rest (-ECANCELED), as io_uring links do.  A timeout cannot be
 * linked (-EINVAL), and a chain longer than the backend takes at once
 * (the loop's SQ entries on io_uring) completes with -EINVAL.
 */
static inline void rr_op_link(struct rr_op *op)
{
	op->flags |= RR_OP_F_LINK;
}

/* Send this read/write to the polled ring of an IOPOLL loop (the fd must be
 * an O_DIRECT file); without IOPOLL the flag is ignored. */
static inline void rr_op_polled(struct rr_op *op)
{
	op->flags |= RR_OP_F_POLLED;
}

/* The fd of the next scheduling of this op is an index into the loop's
 * registered files (rr_loop_register_files), not an fd.  Every op with an
 * fd takes it except rr_close (-EINVAL).  The mark lasts until a
 * scheduling takes it: one that is refused (-EBADF, -EINVAL) leaves it set,
 * and the last callback of the one that took it clears it. */
static inline void rr_op_fixed_file(struct rr_op *op)
{
	op->flags |= RR_OP_F_FIXED_FILE;
}

/* ---- registered buffers and files ----------------------------------------
 *
 * A table of buffers and one of files, registered with the loop once and
 * named by index afterwards.  On io_uring they are the ring's registered
 * buffers (the kernel pins and maps them once, not on every I/O) and
 * registered files (no fd lookup per op); elsewhere the loop keeps the
 * tables and the ops run as their plain counterparts, so one program runs
 * on every backend.  The rules are the same everywhere:
 *
 * - A fixed read or write names a registered buffer by index and a range
 *   inside it (buf, len); a range outside it, an index past the table, or
 *   no table is -EFAULT from the scheduling call.
 * - The file table holds its own reference to each file (io_uring's
 *   registration does; elsewhere the loop duplicates each fd), so the
 *   caller may close its fds once they are registered, and an fd number
 *   reused afterwards never reaches a registered op.  -1 leaves a slot
 *   empty.  An index past the table or at an empty slot is -EBADF from
 *   the scheduling call.
 * - A table cannot be replaced while registered (-EBUSY: unregister first).
 *   The file table cannot be unregistered while an op on it is scheduled
 *   and its last callback has not run (-EBUSY); the buffer table can (an
 *   op in flight keeps the memory it was given; the memory stays the
 *   caller's to keep valid until the op's callback).
 * - The IOCP backend has no file table (rr_loop_register_files:
 *   -EOPNOTSUPP); buffers work as everywhere.
 */

/* Register `nr` buffers (1..16384, each at most 1 GiB, none empty).
 * Returns 0 or -errno: -EINVAL for bad arguments, -EBUSY if a table is
 * registered, -ENOMEM, and the kernel's errors on io_uring (-ENOMEM when
 * the pages cannot be pinned: RLIMIT_MEMLOCK before 5.12). */
int rr_loop_register_buffers(struct rr_loop *loop, const struct iovec *iovecs,
			     unsigned nr);
/* 0, or -ENXIO when no buffer table is registered. */
int rr_loop_unregister_buffers(struct rr_loop *loop);

/* rr_read / rr_write through registered buffer `buf_index`: [buf, buf+len)
 * must lie inside it (-EFAULT otherwise). */
int rr_read_fixed(struct rr_loop *loop, struct rr_op *op, rr_fd_t fd, void *buf,
		  unsigned len, int64_t offset, unsigned buf_index);
int rr_write_fixed(struct rr_loop *loop, struct rr_op *op, rr_fd_t fd,
		   const void *buf, unsigned len, int64_t offset, unsigned buf_index);

/* Register `nr` files (1..32768; -1 for an empty slot).  Returns 0 or
 * -errno: -EINVAL for bad arguments, -EBUSY if a table is registered,
 * -EBADF for an fd that is not open, -EMFILE/-ENOMEM, -EOPNOTSUPP on
 * IOCP, and the kernel's errors on io_uring. */
int rr_loop_register_files(struct rr_loop *loop, const rr_fd_t *fds, unsigned nr);
/* 0, -ENXIO when no file table is registered, -EBUSY while an op on it is
 * scheduled (see above). */
int rr_loop_unregister_files(struct rr_loop *loop);

/* ---- provided buffers and multishot receive ------------------------------
 *
 * A buffer group is `count` buffers of `size` bytes that the loop owns and
 * hands out as data arrives, so that a server with many idle connections
 * does not keep a buffer per connection.  rr_recv_multishot receives into
 * the group's buffers: one op, one callback per chunk of data, each with
 * the buffer it filled (rr_op_buffer).  The buffer is the application's
 * from that callback until it gives it back with rr_buf_group_release
 * (after the echo's send completes, say); it is never reused before.
 *
 * On io_uring the group is a provided-buffer ring registered with the
 * kernel (5.19) and the receive is IORING_OP_RECV with IORING_RECV_MULTISHOT
 * (6.0): the kernel picks the buffer, with no system call per receive,
 * and fills buffers until the socket is empty before any callback gives
 * one back: size the group for what can arrive between two turns of the
 * loop, or expect -ENOBUFS and schedule the receive again.  The other
 * backends emulate it with one non-blocking receive (epoll, kqueue) or one
 * overlapped WSARecv (IOCP) per chunk into a free buffer.
 *
 *   struct rr_buf_group group;
 *   rr_buf_group_init(&loop, &group, 256, 4096);
 *   rr_recv_multishot(&loop, &op, fd, &group, 0);
 *   ...
 *   static void on_data(struct rr_loop *loop, struct rr_op *op, int result)
 *   {
 *           if (result > 0) {
 *                   consume(rr_op_buffer(op), result);
 *                   rr_buf_group_release(&group, rr_op_buffer_id(op));
 *           }
 *           if (!rr_op_more(op))
 *                   ...   (the receive has ended: schedule it again, or close)
 *   }
 *
 * The op's results: > 0, a byte count in rr_op_buffer(op); 0, end of file
 * (the last callback); -ENOBUFS, every buffer of the group is out (the
 * last callback: release some and schedule the receive again); another
 * -errno, the receive failed (the last callback).  A callback with
 * result > 0 and !rr_op_more(op) also ends it (the kernel stopped the
 * multishot, e.g. its CQ overflowed): the data is valid; re-arm to go on.
 */
struct rr_buf_group {
	/* All private: use the functions below. */
	struct rr_loop *loop;          /* NULL once deinitialised */
	struct rr_buf_group *next;     /* the loop's groups */
	unsigned char *base;           /* count * size bytes */
	unsigned char *lent;           /* per buffer: 1 while the application has it */
	unsigned short *bundle_next;   /* per buffer: the next one of its bundle */
	unsigned *free_ids;            /* emulation: the free buffer ids, a ring in
					  the order io_uring's buffer ring has them */
	unsigned free_head;            /* ... where the next one is taken */
	unsigned free_count;
	unsigned count;
	unsigned size;
	unsigned short id;             /* io_uring's buffer group id */
	bool incremental;              /* buffers consumed a result at a time */
	int partial;                   /* emulation: the buffer being filled, or -1 */
	unsigned *filled;              /* incremental: per buffer, bytes handed out;
					  a send group: per buffer, bytes queued */
	void *backend_ring;            /* io_uring: the registered buffer ring */
	bool send;                     /* a send group (RR_BUF_GROUP_SEND) */
	bool sending;                  /* a send group's send bundle is in flight */
};

/*
 * Set up `group` with `count` buffers (a power of two, 1..32768) of `size`
 * bytes (1..1 GiB) for `loop`.  Allocates them once, as one page-aligned
 * block (buffer i starts i * size bytes in): the kernel's copy into a
 * buffer a few bytes past a page boundary can be much slower.  Returns 0
 * or -errno: -EINVAL for bad arguments, -ENOMEM, -ENOSPC when the loop
 * has 65,536 groups already (io_uring's group ids are 16 bits; every
 * backend keeps the limit), -EOPNOTSUPP when the io_uring kernel has no
 * provided-buffer rings (before 5.19).
 */
int rr_buf_group_init(struct rr_loop *loop, struct rr_buf_group *group,
		      unsigned count, unsigned size);

/*
 * Incremental consumption (RR_BUF_GROUP_INCREMENTAL): a result takes only
 * the bytes it needs from a buffer, and the next result continues in the
 * same buffer where it left off, so that large buffers are not spent on
 * small chunks.  In a multishot receive's callback (result > 0),
 * rr_op_buffer(op) is where this result's data starts (at
 * rr_op_buffer_offset(op) into buffer rr_op_buffer_id(op)), and
 * rr_op_buffer_kept(op) says the group keeps the buffer for the results
 * after it: its data stays valid, but the buffer is not the application's
 * (rr_buf_group_release: -EINVAL).  The result that fills the buffer's last
 * byte hands it over (rr_op_buffer_kept false): release it once, when the
 * data of all its results has been used.  A receive that ends leaves a
 * partly filled buffer to the group, for the next receive to go on in (of
 * any socket: results of several receives sharing a group follow each
 * other in one buffer, in an order that depends on the backend).  For
 * stream sockets: a datagram larger than the room left in the buffer
 * being filled is cut to it, as recv(2) cuts one into a short buffer.
 *
 * On io_uring it is the kernel's IOU_PBUF_RING_INC (6.12); epoll and
 * kqueue emulate it with a receive into the rest of the buffer being
 * filled.  IOCP, whose receives are posted before the data arrives, and
 * kernels without it, consume whole buffers as a plain group does
 * (rr_buf_group_incremental false; rr_op_buffer_offset 0, never kept).
 * Bundles cannot take an incremental group (rr_recv_bundle: -EINVAL).
 */
#define RR_BUF_GROUP_INCREMENTAL 1u

/*
 * A send group (RR_BUF_GROUP_SEND): the application fills buffers and
 * queues them, and one op sends every queued buffer, in order, with one
 * callback (rr_send_bundle, below).  Every buffer starts as the
 * application's; rr_buf_group_queue hands one to the send queue with its
 * length, and the send bundle that sends it gives it back.  Such a group
 * serves only rr_send_bundle (receives refuse it, -EINVAL), and
 * rr_buf_group_release refuses its buffers (-EINVAL): they come back by
 * being sent.  It cannot be incremental (-EINVAL for both flags).  What is
 * queued cannot be taken back but by rr_buf_group_deinit (a connection
 * that went away: deinit its group, set up a new one for the next).
 *
 *   rr_buf_group_init_flags(&loop, &out, 8, 4096, RR_BUF_GROUP_SEND);
 *   n = fill(rr_buf_group_buffer(&out, id), 4096);     (id: one of yours)
 *   rr_buf_group_queue(&out, id, n);
 *   rr_send_bundle(&loop, &op, fd, &out, 0);           (sends all queued)
 *   ...
 *   static void on_sent(struct rr_loop *loop, struct rr_op *op, int result)
 *   {
 *           unsigned id = rr_op_buffer_id(op);
 *           for (unsigned i = 0; i < rr_op_buffer_count(op); i++) {
 *                   mine(id);                      (yours again: fill, queue)
 *                   if (i + 1 < rr_op_buffer_count(op))
 *                           id = rr_op_bundle_next(op, id);
 *           }
 *           if (result < 0)
 *                   ...   (failed: see rr_send_bundle)
 *   }
 *
 * On io_uring the queue is a provided-buffer ring the kernel sends from
 * (IORING_RECVSEND_BUNDLE, 6.10: rr_buf_group_init_flags returns
 * -EOPNOTSUPP before it); epoll and kqueue send it with sendmsg, IOCP with
 * one WSASend of several buffers.
 */
#define RR_BUF_GROUP_SEND 2u

/* As rr_buf_group_init, with `flags` (0, RR_BUF_GROUP_INCREMENTAL or
 * RR_BUF_GROUP_SEND); -EINVAL for another flag or both. */
int rr_buf_group_init_flags(struct rr_loop *loop, struct rr_buf_group *group,
			    unsigned count, unsigned size, unsigned flags);

/* Whether the group's buffers are consumed incrementally (asked for, and
 * the backend and kernel can). */
static inline bool rr_buf_group_incremental(const struct rr_buf_group *group)
{
	return group->incremental;
}

/*
 * Release the group's buffers.  No receive may be using it any more (its
 * last callback has run).  rr_loop_deinit releases the groups of its loop
 * still set up; deinit after that is a no-op.  Safe to call twice.
 */
void rr_buf_group_deinit(struct rr_buf_group *group);

/* Buffer `id` of the group (valid while the group is set up). */
static inline void *rr_buf_group_buffer(const struct rr_buf_group *group,
					unsigned id)
{
	return group->base + (size_t)id * group->size;
}

/*
 * Give buffer `id` back to the group, to be filled again.  Returns 0, or
 * -EINVAL when the id is out of range or the buffer is not the
 * application's (released twice, or never handed out).
 */
int rr_buf_group_release(struct rr_buf_group *group, unsigned id);

/* A multishot receive into `group`'s buffers (see above).  `flags` are
 * recv(2)'s.  -EINVAL for a NULL or deinitialised group, or one of
 * another loop. */
int rr_recv_multishot(struct rr_loop *loop, struct rr_op *op, rr_fd_t fd,
		      struct rr_buf_group *group, int flags);

/*
 * A multishot receive in bundles: as rr_recv_multishot, but one result may
 * fill several of the group's buffers, in order, so that a burst of data
 * costs one callback, not one a buffer.  In the callback (result > 0):
 * rr_op_buffer_count(op) buffers hold the data, the first is
 * rr_op_buffer_id(op), each next one rr_op_bundle_next(op, id); every
 * buffer but the last is full (the group's size), the last holds the rest.
 * Each buffer is the application's until released, one by one.  On io_uring
 * the kernel fills them (IORING_RECVSEND_BUNDLE, 6.10; an older kernel
 * fills one a result); epoll and kqueue receive into up to
 * RR_RECV_BUNDLE_EMULATED free buffers with one recvmsg; IOCP fills one a
 * result.  Results and errors as rr_recv_multishot's.
 */
#define RR_RECV_BUNDLE_EMULATED 16
int rr_recv_bundle(struct rr_loop *loop, struct rr_op *op, rr_fd_t fd,
		   struct rr_buf_group *group, int flags);

/*
 * Queue buffer `id` of send group `group`, its first `len` bytes filled,
 * behind the buffers queued before it.  Returns 0, or -EINVAL when the
 * group is not a send group, the id is out of range, the buffer is not the
 * application's (queued already, not yet given back by a send), or `len`
 * is 0 or more than the group's buffer size.  Queueing while a send bundle
 * is in flight is fine: the buffer waits for the next one.
 */
int rr_buf_group_queue(struct rr_buf_group *group, unsigned id, unsigned len);

/* How many buffers of send group `group` are queued, including those a
 * send bundle in flight has taken until its callback runs. */
unsigned rr_buf_group_queued(const struct rr_buf_group *group);

/*
 * Send the buffers queued in send group `group` (RR_BUF_GROUP_SEND) on
 * socket `fd`, in queue order, as one op with one callback.  It takes the
 * buffers queued when it is scheduled, at most RR_SEND_BUNDLE_MAX of them
 * and at most INT_MAX bytes; the rest wait for the next send bundle, and so
 * do buffers queued after it.  Like a MSG_WAITALL send it goes on until
 * every byte of those buffers is sent, however often the socket fills.
 * `flags` are send(2)'s but MSG_DONTWAIT: a bundle always waits for room.
 * Returns 0, or -EINVAL (a NULL or deinitialised group, one of another
 * loop, not a send group, MSG_DONTWAIT, or the op marked with rr_op_link:
 * a send bundle cannot be linked on, see below), or -EBUSY: a
 * send bundle of this group is in flight (one at a time: until its
 * callback runs).
 *
 * In the callback, rr_op_buffer_count(op) buffers are given back, the
 * application's again to fill and queue: the first is rr_op_buffer_id(op),
 * each next one rr_op_bundle_next(op, id), in queue order.  The result:
 *  - > 0: the bytes sent, from the start of the first buffer on: every
 *    byte of the buffers, or fewer where an error or a cancellation
 *    stopped the send part-way (the rest of those buffers was not sent);
 *  - -ENOBUFS: nothing was queued (no buffer given back);
 *  - another -errno with buffers given back: the send failed or was
 *    cancelled after taking them (-EPIPE, -ECONNRESET, -ECANCELED), none
 *    of their bytes sent (on IOCP a cancelled WSASend may have sent some,
 *    and Windows does not say how many);
 *  - another -errno with none given back: the send failed before taking
 *    any (-EBADF, -ENOTSOCK, or cancelled before it started, e.g. in a
 *    failed chain): they stay queued, at the head, for the next send.
 *
 * On io_uring it is IORING_OP_SEND with IORING_RECVSEND_BUNDLE from the
 * group's buffer ring.  The kernel picks at most 256 buffers a pass (fewer
 * when the first is large: INT_MAX over its length), and may end a bundle
 * short when the socket fills (6.18), taking the buffer it stopped in:
 * the loop then asks the kernel where it stopped (one system call), sends
 * the rest itself and folds every pass into the one callback.  That is
 * why a send bundle cannot be linked on: the kernel would start the next
 * op of the chain before the rest is sent.
 * epoll and kqueue call sendmsg over the queued buffers until all are
 * sent; IOCP posts one WSASend.
 */
#define RR_SEND_BUNDLE_MAX 256
int rr_send_bundle(struct rr_loop *loop, struct rr_op *op, rr_fd_t fd,
		   struct rr_buf_group *group, int flags);

/* In a multishot or bundle receive's callback with result > 0: how many
 * buffers the result filled (1 for rr_recv_multishot); in a send bundle's
 * callback, how many buffers it gave back. */
static inline unsigned rr_op_buffer_count(const struct rr_op *op)
{
	return op->args.group_io.count;
}

/* In a bundle receive's or a send bundle's callback: the buffer after `id`
 * in the result (for each of the first rr_op_buffer_count(op) - 1
 * buffers). */
static inline unsigned rr_op_bundle_next(const struct rr_op *op, unsigned id)
{
	return op->args.group_io.group->bundle_next[id];
}

/* In a rr_recv_multishot callback with result > 0: the buffer filled (the
 * first of a bundle's); in a send bundle's, the first buffer given back. */
static inline unsigned rr_op_buffer_id(const struct rr_op *op)
{
	return op->args.group_io.buffer;
}

/* In a rr_recv_multishot callback with result > 0: where the result's
 * data starts in its buffer (0 but in an incremental group). */
static inline unsigned rr_op_buffer_offset(const struct rr_op *op)
{
	return op->args.group_io.offset;
}

/* In a rr_recv_multishot callback with result > 0: whether the group keeps
 * the buffer for later results (an incremental group's buffer not yet
 * full); false when the buffer is the application's to release. */
static inline bool rr_op_buffer_kept(const struct rr_op *op)
{
	return op->args.group_io.kept;
}

/* In a rr_recv_multishot callback with result > 0: where the data is (in
 * buffer rr_op_buffer_id(op) of the group, rr_op_buffer_offset(op) in). */
static inline void *rr_op_buffer(const struct rr_op *op)
{
	return (unsigned char *)rr_buf_group_buffer(op->args.group_io.group,
						    op->args.group_io.buffer) +
	       op->args.group_io.offset;
}

#ifdef __cplusplus
}
#endif

#endif /* RAWRING_LOOP_H */
