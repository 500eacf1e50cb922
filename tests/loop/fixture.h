/*
 * The proactor conformance suite's fixtures.  The suite is written against
 * the public API only; which backend and flags it runs on comes from the
 * environment, so meson runs the same binary once per configuration:
 *   RR_TEST_BACKEND  uring (default on Linux), epoll, kqueue, or iocp
 *                    (default on Windows)
 *   RR_TEST_SQPOLL   1: SQPOLL loops
 *   RR_TEST_IOPOLL   1: IOPOLL loops
 *   RR_TEST_SINGLE_ISSUER 1: single_issuer loops (SINGLE_ISSUER+DEFER_TASKRUN)
 */
#ifndef RAWRING_TEST_LOOP_FIXTURE_H
#define RAWRING_TEST_LOOP_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "rawring.h"

/* rr_loop_init with the configuration under test and `entries` SQ entries
 * (0: default); skips the test where the backend is unavailable. */
void open_loop(struct rr_loop *loop, unsigned entries);

/* rr_loop_init with `options`, skipping the test where the backend is
 * unavailable (open_loop's skip). */
void open_loop_with(struct rr_loop *loop, const struct rr_loop_options *options);

/* The options open_loop uses. */
struct rr_loop_options loop_options(unsigned entries);

bool testing_iopoll(void);
/* io_uring loops with single_issuer (SINGLE_ISSUER + DEFER_TASKRUN). */
bool testing_single_issuer(void);

/* Whether the suite runs on io_uring (some checks are io_uring's only:
 * system-call counts, MSG_RING), and the backend name it expects. */
bool testing_uring(void);
const char *expected_backend_name(void);

/* Run the loop until *flag becomes true; fail after `timeout_ms`. */
void run_until(struct rr_loop *loop, const bool *flag, unsigned timeout_ms);

/* Run until nothing is scheduled; fail after `timeout_ms`. */
void run_until_done(struct rr_loop *loop, unsigned timeout_ms);

/* A callback that records its result and counts its calls. */
struct recorder {
	int calls;
	int result;
	bool done;
	bool scheduling;   /* set around a scheduling call: must stay false in the callback */
	bool ran_inside_schedule;
};
void record_cb(struct rr_loop *loop, struct rr_op *op, int result);

/* For an op whose context is a struct recorder: check the scheduling call
 * returned 0, run the loop until the callback ran (10 s at most), and return
 * the op's result. */
int run_op(struct rr_loop *loop, struct rr_op *op, int schedule_ret);

#endif
