/*
 * Shared fixtures for the ring tests: rings that skip when io_uring is not
 * available, temporary files, loopback sockets, and a clock.
 */
#ifndef RAWRING_TEST_HELPERS_H
#define RAWRING_TEST_HELPERS_H

#include <stddef.h>
#include <stdint.h>

#include "rawring.h"

/* rr_ring_init, skipping the test where io_uring is blocked or absent and
 * failing it on any other error. */
void ring_init_or_skip(struct rr_ring *ring, unsigned entries, unsigned flags);
void ring_init_params_or_skip(struct rr_ring *ring, unsigned entries,
			      struct io_uring_params *params);

/* Skip unless the running kernel supports `opcode`. */
void require_opcode(unsigned opcode, const char *name);

/* A temporary file on the disk (not tmpfs), unlinked at once unless
 * `path_out` is given (then the caller unlinks it).  Filled with `size`
 * bytes of a pattern derived from `seed`.  Returns the fd. */
int temp_file(size_t size, unsigned seed, char *path_out, size_t path_len);

/* The byte temp_file writes at `offset` for `seed`. */
unsigned char pattern_byte(unsigned seed, uint64_t offset);

/* 127.0.0.1:port as a sockaddr. */
struct sockaddr_in;
struct sockaddr_in loopback_addr(uint16_t port);

/* A listening TCP socket on 127.0.0.1 with a kernel-chosen port. */
int listen_loopback(uint16_t *port_out);

/* A blocking TCP socket connected to 127.0.0.1:port. */
int connect_loopback(uint16_t port);

/* A connected pair of stream sockets. */
void stream_pair(int fds[2]);

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t now_ns(void);

/* Open fds in this process (from /proc/self/fd). */
int count_open_fds(void);

/* rr_get_sqe, failing the test when the SQ is full. */
struct io_uring_sqe *must_get_sqe(struct rr_ring *ring);

/* Submit the one prepared SQE, wait up to 5 s for its CQE, consume it and
 * return its result. */
int run_one(struct rr_ring *ring);

/* Wait up to `timeout_ms` for one CQE, failing the test on timeout. */
struct io_uring_cqe *wait_cqe_ms(struct rr_ring *ring, unsigned timeout_ms);

#endif
