/* The SQ and CQ as queues: capacity, counts, round trips, overflow. */
#define _GNU_SOURCE
#include "driver/rr_test.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

TestSuite(queue, .timeout = 60);

Test(queue, sq_is_full_at_exactly_its_entries)
{
	struct rr_ring ring;

	ring_init_or_skip(&ring, 16, 0);
	for (unsigned i = 0; i < 16; i++) {
		cr_assert_eq(rr_sq_space_left(&ring), 16 - i);
		cr_assert_eq(rr_sq_ready(&ring), i);
		struct io_uring_sqe *sqe = rr_get_sqe(&ring);
		cr_assert_not_null(sqe, "SQE %u of 16", i);
		rr_prep_nop(sqe);
	}
	cr_assert_eq(rr_sq_space_left(&ring), 0u);
	cr_assert_null(rr_get_sqe(&ring), "the 17th SQE of a 16-entry SQ");

	/* Submitting frees the whole SQ again. */
	cr_assert_eq(rr_submit(&ring), 16);
	cr_assert_eq(rr_sq_space_left(&ring), 16u);
	cr_assert_eq(rr_cq_ready(&ring), 16u);
	rr_ring_exit(&ring);
}

/* Fill the SQ, submit, and reap every CQE with its user data, twice, so the
 * indices wrap the ring. */
static void nop_round_trips(unsigned entries)
{
	struct rr_ring ring;

	ring_init_or_skip(&ring, entries, 0);
	cr_assert_eq(ring.sq.ring_entries, entries);
	for (unsigned round = 0; round < 3; round++) {
		for (unsigned i = 0; i < entries; i++) {
			struct io_uring_sqe *sqe = rr_get_sqe(&ring);
			cr_assert_not_null(sqe);
			rr_prep_nop(sqe);
			rr_sqe_set_data64(sqe, ((uint64_t)round << 32) | i);
		}
		int ret = rr_submit_and_wait(&ring, entries);
		cr_assert_eq(ret, (int)entries, "entries %u: submit %d", entries, ret);
		cr_assert_eq(rr_cq_ready(&ring), entries);

		unsigned head, seen = 0;
		struct io_uring_cqe *cqe;
		rr_for_each_cqe(&ring, head, cqe) {
			cr_assert_eq(cqe->res, 0);
			cr_assert_eq(cqe->user_data, ((uint64_t)round << 32) | seen);
			seen++;
		}
		cr_assert_eq(seen, entries);
		rr_cq_advance(&ring, seen);
		cr_assert_eq(rr_cq_ready(&ring), 0u);
	}
	rr_ring_exit(&ring);
}

Test(queue, nop_round_trips_at_every_power_of_two_size)
{
	for (unsigned entries = 1; entries <= 4096; entries *= 2)
		nop_round_trips(entries);
}

Test(queue, peek_on_an_empty_cq_makes_no_syscall)
{
	struct rr_ring ring;
	struct io_uring_cqe *cqe = (void *)1;

	ring_init_or_skip(&ring, 8, 0);
	unsigned long long before = ring.enter_calls;
	for (int i = 0; i < 100; i++)
		cr_assert_eq(rr_peek_cqe(&ring, &cqe), -EAGAIN);
	cr_assert_null(cqe);
	cr_assert_eq(ring.enter_calls, before, "peek entered the kernel");
	cr_assert_eq(rr_peek_cqe(&ring, NULL), -EINVAL);
	rr_ring_exit(&ring);
}

Test(queue, peek_batch_returns_ready_cqes_in_order)
{
	struct rr_ring ring;
	struct io_uring_cqe *cqes[8];

	ring_init_or_skip(&ring, 8, 0);
	for (uint64_t i = 0; i < 5; i++) {
		struct io_uring_sqe *sqe = must_get_sqe(&ring);
		rr_prep_nop(sqe);
		rr_sqe_set_data64(sqe, 100 + i);
	}
	cr_assert_eq(rr_submit_and_wait(&ring, 5), 5);
	cr_assert_eq(rr_peek_batch_cqe(&ring, cqes, 3), 3u);
	for (unsigned i = 0; i < 3; i++)
		cr_assert_eq(cqes[i]->user_data, 100 + i);
	rr_cq_advance(&ring, 3);
	cr_assert_eq(rr_peek_batch_cqe(&ring, cqes, 8), 2u);
	cr_assert_eq(cqes[0]->user_data, 103u);
	cr_assert_eq(cqes[1]->user_data, 104u);
	rr_cq_advance(&ring, 2);
	cr_assert_eq(rr_peek_batch_cqe(&ring, cqes, 8), 0u);
	rr_ring_exit(&ring);
}

Test(queue, wait_cqe_nr_waits_for_that_many)
{
	struct rr_ring ring;
	struct io_uring_cqe *cqe;

	ring_init_or_skip(&ring, 8, 0);
	for (int i = 0; i < 4; i++)
		rr_prep_nop(must_get_sqe(&ring));
	cr_assert_eq(rr_submit(&ring), 4);
	cr_assert_eq(rr_wait_cqe_nr(&ring, &cqe, 4), 0);
	cr_assert_eq(rr_cq_ready(&ring), 4u);
	rr_cq_advance(&ring, 4);
	rr_ring_exit(&ring);
}

Test(queue, cq_overflow_burst_delivers_every_cqe_once)
{
	struct rr_ring ring;
	enum { SQ = 8, BURST = 100 };
	unsigned char seen[BURST];

	ring_init_or_skip(&ring, SQ, 0);
	if (!(ring.features & IORING_FEAT_NODROP))
		cr_skip_test("kernel drops overflowing CQEs (no IORING_FEAT_NODROP)");
	cr_assert_eq(ring.cq.ring_entries, 2u * SQ);

	/* Submit far more NOPs than the CQ holds, reaping nothing. */
	for (unsigned sent = 0; sent < BURST;) {
		struct io_uring_sqe *sqe;
		while (sent < BURST && (sqe = rr_get_sqe(&ring))) {
			rr_prep_nop(sqe);
			rr_sqe_set_data64(sqe, sent++);
		}
		int ret = rr_submit(&ring);
		cr_assert_gt(ret, 0, "submit during overflow: %s", strerror(-ret));
	}
	cr_assert_eq(rr_cq_ready(&ring), 2u * SQ, "the CQ ring is full");
	cr_assert(rr_load_relaxed(ring.sq.kflags) & IORING_SQ_CQ_OVERFLOW,
		  "the kernel flags its backlog");
	cr_assert_eq(rr_load_relaxed(ring.cq.koverflow), 0u, "nothing dropped");

	/* Reap: peeks flush the backlog whenever the ring runs dry. */
	memset(seen, 0, sizeof(seen));
	unsigned total = 0;
	struct io_uring_cqe *cqe;
	while (rr_peek_cqe(&ring, &cqe) == 0) {
		cr_assert_lt(cqe->user_data, (uint64_t)BURST);
		cr_assert_eq(seen[cqe->user_data], 0, "CQE %llu seen twice",
			     (unsigned long long)cqe->user_data);
		seen[cqe->user_data] = 1;
		total++;
		rr_cqe_seen(&ring, cqe);
	}
	cr_assert_eq(total, (unsigned)BURST);
	cr_assert_eq(rr_load_relaxed(ring.sq.kflags) & IORING_SQ_CQ_OVERFLOW, 0u);
	rr_ring_exit(&ring);
}
