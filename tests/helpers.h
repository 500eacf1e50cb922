/*
 * Shared fixtures for the ring tests: rings that skip when io_uring is not
 * available, and CQE helpers; temporary files, loopback sockets and the
 * clock come from platform/platform.h.
 */
#ifndef RAWRING_TEST_HELPERS_H
#define RAWRING_TEST_HELPERS_H

#include <stddef.h>
#include <stdint.h>

#include "rawring.h"
#include "platform/platform.h"

/* rr_ring_init, skipping the test where io_uring is blocked or absent and
 * failing it on any other error. */
void ring_init_or_skip(struct rr_ring *ring, unsigned entries, unsigned flags);
void ring_init_params_or_skip(struct rr_ring *ring, unsigned entries,
			      struct io_uring_params *params);

/* Skip unless the running kernel supports `opcode`. */
void require_opcode(unsigned opcode, const char *name);

/* rr_get_sqe, failing the test when the SQ is full. */
struct io_uring_sqe *must_get_sqe(struct rr_ring *ring);

/* `count` NOPs with user_data first, first+1, ..., submitted, waited for. */
void submit_nops(struct rr_ring *ring, unsigned count, uint64_t first);

/* Consume `count` CQEs, failing the test unless they are NOPs' successes
 * with user_data first, first+1, ... in that order. */
void reap_nops(struct rr_ring *ring, unsigned count, uint64_t first);

/* Submit the one prepared SQE, wait up to 5 s for its CQE, consume it and
 * return its result. */
int run_one(struct rr_ring *ring);

/* Wait up to `timeout_ms` for one CQE, failing the test on timeout. */
struct io_uring_cqe *wait_cqe_ms(struct rr_ring *ring, unsigned timeout_ms);

#endif
