/*
 * Fault-injection walks (needs a library built with -Dfault_injection=true).
 *
 * A scenario is a small piece of real work on a loop (an echo round trip,
 * a file copy, ...).  A walk runs it once to count the library's system
 * calls, then once per call and per errno with that one call failing, and
 * checks every run:
 *   - it ends (no completion lost: nothing still in flight at the deadline);
 *   - every scheduled op's callback ran exactly once;
 *   - work left undone was reported: the first error the caller saw (a
 *     return value or a callback's result) is the injected errno;
 *   - the loop, if it was created, still works afterwards (a NOP, a socket
 *     round trip and a timer, with no fault injected);
 *   - after deinit, fds, io_uring mappings and heap bytes are back where they
 *     were.
 */
#ifndef RAWRING_TEST_FAULT_WALK_H
#define RAWRING_TEST_FAULT_WALK_H

#include <stdbool.h>

#include "rawring.h"

#define SCENARIO_MAX_OPS 16

struct scenario;

/* What a tracked op's callback does after the bookkeeping. */
typedef void tracked_handler(struct scenario *sc, int index, int result);

struct tracked_op {
	struct rr_op op;
	struct scenario *sc;
	tracked_handler *handler;
	int index;
	int schedulings;     /* scheduling calls that returned 0 */
	int callbacks;       /* callbacks run */
	int result;          /* the last callback's result */
};

struct scenario {
	struct rr_loop loop;
	struct rr_loop_options options;
	struct tracked_op ops[SCENARIO_MAX_OPS];
	bool loop_ready;
	bool aborted;
	bool completed;      /* set by the scenario when its work checks out */
	bool hung;
	int first_error;     /* first -errno the caller saw, 0 none */
	void *data;          /* the scenario's own state */
};

/* The work: set up (fds of its own), run with sc_drive, tear down its fds.
 * The loop is created and destroyed by the walk, around it. */
typedef void scenario_fn(struct scenario *sc);

/* Record an error the caller saw (the first one counts). */
void sc_error(struct scenario *sc, int err);

/* Make op `index` call `handler` with its results. */
struct rr_op *sc_op(struct scenario *sc, int index, tracked_handler *handler);

/* Note the return of a scheduling call for op `index`; true if scheduled. */
bool sc_scheduled(struct scenario *sc, int index, int ret);

/* Run the loop until *done or nothing is in flight (5 s at most, then the
 * run counts as hung).  Errors from rr_loop_run are recorded, and the loop
 * is turned again. */
void sc_drive(struct scenario *sc, const bool *done);

/* Cancel every op still in flight (after an error, to end the scenario). */
void sc_cancel_all(struct scenario *sc);

struct walk_report {
	unsigned calls;         /* library calls in the clean run: the sites walked */
	unsigned runs;          /* scenario runs with a fault injected */
	unsigned landed[RR_FAULT_SITE_COUNT]; /* injections that hit each site */
	unsigned violations;
	char first_violation[512];
};

/* Walk every call of `fn` on a loop made with `options`, injecting each of
 * the errnos of the issue (ENOMEM, EPERM, ENOSYS, EINTR, EAGAIN, EBUSY,
 * EBADR, EOWNERDEAD) in turn. */
void walk(scenario_fn *fn, const struct rr_loop_options *options,
	  struct walk_report *report);

/* "io_uring_enter x12, epoll_ctl x3" into `buf`. */
void walk_sites(const struct walk_report *report, char *buf, size_t len);

#endif
