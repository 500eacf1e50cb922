/*
 * The setup flags rawring takes that no other test exercises: each does
 * what the ABI says on a real ring.
 */
#define _GNU_SOURCE
#include "driver/rr_test.h"
#include <errno.h>
#include <string.h>

#include "helpers.h"

TestSuite(setup_flags, .timeout = 30);

static void queue_nop(struct rr_ring *ring, uint64_t user_data)
{
	struct io_uring_sqe *sqe = must_get_sqe(ring);

	rr_prep_nop(sqe);
	rr_sqe_set_data64(sqe, user_data);
}

/* ATTACH_WQ: a second ring shares the first one's io-wq workers; both run. */
Test(setup_flags, attach_wq_shares_the_first_rings_workers)
{
	struct rr_ring first, second;
	struct io_uring_params params;

	ring_init_or_skip(&first, 4, 0);
	memset(&params, 0, sizeof(params));
	params.flags = IORING_SETUP_ATTACH_WQ;
	params.wq_fd = (unsigned)first.ring_fd;
	cr_assert_eq(rr_ring_init_params(4, &second, &params), 0);
	for (struct rr_ring *ring = &first; ring; ring = ring == &first ? &second : NULL) {
		struct io_uring_sqe *sqe = must_get_sqe(ring);
		rr_prep_nop(sqe);
		rr_sqe_async(sqe); /* through the (shared) workers */
		cr_assert_eq(run_one(ring), 0);
	}
	/* Attaching to something that is no ring: the kernel's -EINVAL. */
	memset(&params, 0, sizeof(params));
	params.flags = IORING_SETUP_ATTACH_WQ;
	params.wq_fd = 0;
	struct rr_ring bad;
	cr_assert_lt(rr_ring_init_params(4, &bad, &params), 0);
	rr_ring_exit(&second);
	rr_ring_exit(&first);
}

/* SUBMIT_ALL: an SQE that fails at submission (an unknown opcode) does not
 * stop the rest of the batch; without it the kernel stops there. */
static unsigned batch_with_a_bad_sqe(unsigned flags)
{
	struct rr_ring ring;

	ring_init_or_skip(&ring, 8, flags);
	queue_nop(&ring, 1);
	struct io_uring_sqe *bad = must_get_sqe(&ring);
	rr_prep_nop(bad);
	bad->opcode = 250; /* no such opcode */
	rr_sqe_set_data64(bad, 2);
	queue_nop(&ring, 3);
	int submitted = rr_submit(&ring);
	struct io_uring_cqe *cqe;
	unsigned results = 0;
	while (rr_peek_cqe(&ring, &cqe) == 0) {
		if (cqe->user_data == 2)
			cr_assert_eq(cqe->res, -EINVAL, "the bad SQE fails itself");
		results++;
		rr_cqe_seen(&ring, cqe);
	}
	rr_ring_exit(&ring);
	cr_assert_geq(submitted, 2);
	return results;
}

Test(setup_flags, submit_all_goes_on_past_a_failed_sqe)
{
	cr_assert_eq(batch_with_a_bad_sqe(IORING_SETUP_SUBMIT_ALL), 3u,
		     "all three SQEs complete");
	cr_assert_eq(batch_with_a_bad_sqe(0), 2u, "without it the batch stops at the bad one");
}

/* HYBRID_IOPOLL (6.13) needs IOPOLL; such a ring runs what needs no poll. */
Test(setup_flags, hybrid_iopoll_rings_run)
{
	struct rr_ring ring;
	int ret = rr_ring_init(4, &ring, IORING_SETUP_IOPOLL | IORING_SETUP_HYBRID_IOPOLL);

	if (ret == -EINVAL)
		cr_skip_test("the kernel has no IORING_SETUP_HYBRID_IOPOLL (6.13)");
	if (ret == -EPERM || ret == -ENOSYS)
		cr_skip_test("io_uring unavailable here");
	cr_assert_eq(ret, 0);
	cr_assert_eq(rr_ring_init(4, &(struct rr_ring){ 0 }, IORING_SETUP_HYBRID_IOPOLL),
		     -EINVAL, "not without IOPOLL");
	queue_nop(&ring, 9);
	cr_assert_eq(run_one(&ring), 0);
	rr_ring_exit(&ring);
}
