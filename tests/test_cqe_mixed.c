/*
 * Setup flags rawring handles, and refuses: a flag the kernel accepts but
 * rawring would misread is -EINVAL.  IORING_SETUP_CQE_MIXED (6.18): 32-byte
 * CQEs (IORING_CQE_F_32) take two slots and skip entries pad the wrap; the
 * ring layer used to hand a 32-byte CQE out as two, the second a phantom
 * with user data 0.
 */
#define _GNU_SOURCE
#include "driver/rr_test.h"
#include <errno.h>
#include <string.h>

#include "helpers.h"

TestSuite(cqe_mixed, .timeout = 60);

Test(cqe_mixed, flags_rawring_would_misread_are_refused)
{
	static const unsigned refused[] = {
		IORING_SETUP_NO_MMAP, IORING_SETUP_REGISTERED_FD_ONLY,
		IORING_SETUP_SQE_MIXED, IORING_SETUP_SQ_REWIND | IORING_SETUP_NO_SQARRAY,
		1u << 21, 1u << 31,
	};
	int before = count_open_fds();

	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		struct rr_ring ring;
		cr_assert_eq(rr_ring_init(8, &ring, refused[i]), -EINVAL, "flags 0x%x",
			     refused[i]);
	}
	cr_assert_eq(count_open_fds(), before, "nothing left open");
}

/* A CQE_MIXED ring with a CQ of `cq_entries` slots, or a skip. */
static void mixed_ring(struct rr_ring *ring, unsigned cq_entries)
{
	struct io_uring_params params;

	memset(&params, 0, sizeof(params));
	params.flags = IORING_SETUP_CQE_MIXED | IORING_SETUP_CQSIZE;
	params.cq_entries = cq_entries;
	int ret = rr_ring_init_params(4, ring, &params);
	if (ret == -EINVAL)
		cr_skip_test("the kernel has no IORING_SETUP_CQE_MIXED (6.18)");
	if (ret == -EPERM || ret == -ENOSYS)
		cr_skip_test("io_uring unavailable here");
	cr_assert_eq(ret, 0, "setup: %d", ret);
}

/* A NOP whose CQE is 32 bytes (IORING_NOP_CQE32) or 16. */
static void queue_nop(struct rr_ring *ring, uint64_t user_data, bool big)
{
	struct io_uring_sqe *sqe = must_get_sqe(ring);

	rr_prep_nop(sqe);
	if (big)
		sqe->rw_flags = (int)IORING_NOP_CQE32; /* sqe->nop_flags */
	rr_sqe_set_data64(sqe, user_data);
}

Test(cqe_mixed, a_32_byte_cqe_is_one_cqe_of_two_slots)
{
	struct rr_ring ring;
	struct io_uring_cqe *cqe;

	mixed_ring(&ring, 8);
	queue_nop(&ring, 1, false);
	queue_nop(&ring, 2, true);
	queue_nop(&ring, 3, false);
	cr_assert_eq(rr_submit(&ring), 3);
	if (rr_cq_ready(&ring) == 3)
		cr_skip_test("the kernel posts no 32-byte NOP CQEs (IORING_NOP_CQE32)");
	cr_assert_eq(rr_cq_ready(&ring), 4u, "slots: 1 + 2 + 1");
	for (uint64_t want = 1; want <= 3; want++) {
		cr_assert_eq(rr_peek_cqe(&ring, &cqe), 0);
		cr_assert_eq(cqe->user_data, want, "no phantom CQE between");
		cr_assert_eq(cqe->res, 0);
		cr_assert_eq(rr_cqe_nr(&ring, cqe), want == 2 ? 2u : 1u);
		rr_cqe_seen(&ring, cqe);
	}
	cr_assert_eq(rr_cq_ready(&ring), 0u);
	cr_assert_eq(rr_peek_cqe(&ring, &cqe), -EAGAIN);
	rr_ring_exit(&ring);
}

/* Fill the CQ up to its last slot, so that a 32-byte CQE cannot fit there:
 * the kernel pads with a skip entry and posts it at slot 0.  The peek, the
 * batch and the iteration must each see exactly the real CQEs. */
static void fill_to_the_wrap(struct rr_ring *ring)
{
	struct io_uring_cqe *cqe;

	/* Seven 16-byte CQEs take slots 0-6, consumed at once. */
	for (uint64_t i = 0; i < 7; i++) {
		queue_nop(ring, 100 + i, false);
		cr_assert_eq(rr_submit(ring), 1);
		cr_assert_eq(rr_peek_cqe(ring, &cqe), 0);
		rr_cqe_seen(ring, cqe);
	}
	queue_nop(ring, 7, true);  /* slot 7 is the last: a skip, then 0-1 */
	queue_nop(ring, 8, false);
	cr_assert_eq(rr_submit(ring), 2);
	if (rr_cq_ready(ring) == 2)
		cr_skip_test("the kernel posts no 32-byte NOP CQEs (IORING_NOP_CQE32)");
	cr_assert_eq(rr_cq_ready(ring), 4u, "a skip, two slots, one slot");
}

Test(cqe_mixed, peek_steps_over_the_skip_entry_at_the_wrap)
{
	struct rr_ring ring;
	struct io_uring_cqe *cqe;

	mixed_ring(&ring, 8);
	fill_to_the_wrap(&ring);
	cr_assert_eq(rr_peek_cqe(&ring, &cqe), 0);
	cr_assert_eq(cqe->user_data, 7u);
	cr_assert(cqe->flags & IORING_CQE_F_32);
	rr_cqe_seen(&ring, cqe);
	cr_assert_eq(rr_peek_cqe(&ring, &cqe), 0);
	cr_assert_eq(cqe->user_data, 8u);
	rr_cqe_seen(&ring, cqe);
	cr_assert_eq(rr_cq_ready(&ring), 0u);
	rr_ring_exit(&ring);
}

Test(cqe_mixed, batch_and_iteration_step_over_the_skip_entry)
{
	struct rr_ring ring;
	struct io_uring_cqe *cqe, *batch[4];
	unsigned head, seen = 0;
	uint64_t got[4];

	mixed_ring(&ring, 8);
	fill_to_the_wrap(&ring);
	rr_for_each_cqe(&ring, head, cqe)
		got[seen++] = cqe->user_data;
	cr_assert_eq(seen, 2u, "two CQEs, no skip entry, no phantom");
	cr_assert_eq(got[0], 7u);
	cr_assert_eq(got[1], 8u);
	cr_assert_eq(head - *ring.cq.khead, 4u, "the slots walked");

	/* The batch: the skip entry is at the head, so the peek consumes it
	 * and both CQEs come, their slots contiguous. */
	cr_assert_eq(rr_peek_batch_cqe(&ring, batch, 4), 2u);
	cr_assert_eq(batch[0]->user_data, 7u);
	cr_assert_eq(batch[1]->user_data, 8u);
	rr_cq_advance(&ring, rr_cqe_nr(&ring, batch[0]) + rr_cqe_nr(&ring, batch[1]));
	cr_assert_eq(rr_cq_ready(&ring), 0u);
	rr_ring_exit(&ring);
}

/* A skip entry in the middle of a batch ends it: the CQEs handed out are
 * contiguous, so advancing by their slots lands on the skip entry, which
 * the next peek consumes. */
Test(cqe_mixed, a_batch_ends_before_a_skip_entry_inside_it)
{
	struct rr_ring ring;
	struct io_uring_cqe *cqe, *batch[4];

	mixed_ring(&ring, 8);
	for (uint64_t i = 0; i < 6; i++) { /* slots 0-5, consumed */
		queue_nop(&ring, 100 + i, false);
		cr_assert_eq(rr_submit(&ring), 1);
		cr_assert_eq(rr_peek_cqe(&ring, &cqe), 0);
		rr_cqe_seen(&ring, cqe);
	}
	queue_nop(&ring, 6, false); /* slot 6 */
	queue_nop(&ring, 7, true);  /* slot 7 cannot hold it: a skip, then 0-1 */
	queue_nop(&ring, 8, false); /* slot 2 */
	cr_assert_eq(rr_submit(&ring), 3);
	if (rr_cq_ready(&ring) == 3)
		cr_skip_test("the kernel posts no 32-byte NOP CQEs (IORING_NOP_CQE32)");
	cr_assert_eq(rr_peek_batch_cqe(&ring, batch, 4), 1u, "cut before the skip");
	cr_assert_eq(batch[0]->user_data, 6u);
	rr_cq_advance(&ring, rr_cqe_nr(&ring, batch[0]));
	cr_assert_eq(rr_peek_batch_cqe(&ring, batch, 4), 2u);
	cr_assert_eq(batch[0]->user_data, 7u);
	cr_assert_eq(batch[1]->user_data, 8u);
	rr_cq_advance(&ring, rr_cqe_nr(&ring, batch[0]) + rr_cqe_nr(&ring, batch[1]));
	cr_assert_eq(rr_cq_ready(&ring), 0u);
	rr_ring_exit(&ring);
}
