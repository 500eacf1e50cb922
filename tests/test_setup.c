/* Ring setup and teardown: argument errors, the mappings, flag fallback. */
#define _GNU_SOURCE
#include "driver/rr_test.h"
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"

TestSuite(setup, .timeout = 30);

Test(setup, zero_entries_is_einval)
{
	struct rr_ring ring;

	cr_assert_eq(rr_ring_init(0, &ring, 0), -EINVAL);
}

Test(setup, too_many_entries_without_clamp_is_einval)
{
	struct rr_ring ring;
	int ret = rr_ring_init(1u << 20, &ring, 0);

	if (ret == -ENOSYS || ret == -EPERM)
		cr_skip_test("io_uring unavailable");
	cr_assert_eq(ret, -EINVAL);
}

Test(setup, too_many_entries_with_clamp_is_clamped)
{
	struct rr_ring ring;

	ring_init_or_skip(&ring, 1u << 20, IORING_SETUP_CLAMP);
	/* The kernel's maximum is 32768 SQ entries. */
	cr_assert_eq(ring.sq.ring_entries, 32768u);
	cr_assert_eq(ring.cq.ring_entries, 65536u);
	rr_ring_exit(&ring);
}

Test(setup, unknown_flag_is_einval)
{
	struct rr_ring ring;
	int ret = rr_ring_init(8, &ring, 1u << 30);

	if (ret == -ENOSYS || ret == -EPERM)
		cr_skip_test("io_uring unavailable");
	cr_assert_eq(ret, -EINVAL);
	cr_assert_lt(ring.ring_fd, 0, "no fd may be left open");
}

Test(setup, flags_for_caller_provided_memory_are_einval)
{
	struct rr_ring ring;

	cr_assert_eq(rr_ring_init(8, &ring, IORING_SETUP_NO_MMAP), -EINVAL);
	cr_assert_eq(rr_ring_init(8, &ring, IORING_SETUP_REGISTERED_FD_ONLY), -EINVAL);
}

Test(setup, null_params_and_null_ring_are_einval)
{
	struct rr_ring ring;
	struct io_uring_params params;

	memset(&params, 0, sizeof(params));
	cr_assert_eq(rr_ring_init_params(8, &ring, NULL), -EINVAL);
	cr_assert_eq(rr_ring_init_params(8, NULL, &params), -EINVAL);
	cr_assert_eq(rr_ring_init(8, NULL, 0), -EINVAL);
	cr_assert_eq(rr_ring_init_preferred(8, &ring, NULL), -EINVAL);
}

Test(setup, entries_round_up_and_cq_is_twice_sq)
{
	struct rr_ring ring;

	ring_init_or_skip(&ring, 100, 0);
	cr_assert_eq(ring.sq.ring_entries, 128u);
	cr_assert_eq(ring.sq.ring_mask, 127u);
	cr_assert_eq(ring.cq.ring_entries, 256u);
	cr_assert_eq(rr_sq_space_left(&ring), 128u);
	cr_assert_not_null(ring.sq.array, "the SQ index array is used by default");
	for (unsigned i = 0; i < ring.sq.ring_entries; i++)
		cr_assert_eq(ring.sq.array[i], i);
	rr_ring_exit(&ring);
}

Test(setup, cqsize_sets_the_cq_ring)
{
	struct rr_ring ring;
	struct io_uring_params params;

	memset(&params, 0, sizeof(params));
	params.flags = IORING_SETUP_CQSIZE;
	params.cq_entries = 1000;
	ring_init_params_or_skip(&ring, 8, &params);
	cr_assert_eq(ring.cq.ring_entries, 1024u);
	rr_ring_exit(&ring);
}

Test(setup, single_mmap_shares_the_ring_mapping)
{
	struct rr_ring ring;

	ring_init_or_skip(&ring, 8, 0);
	if (!(ring.features & IORING_FEAT_SINGLE_MMAP))
		cr_skip_test("kernel maps SQ and CQ rings separately");
	cr_assert_eq(ring.sq.ring_ptr, ring.cq.ring_ptr);
	cr_assert_eq(ring.sq.ring_size, ring.cq.ring_size);
	rr_ring_exit(&ring);
}

Test(setup, no_sqarray_ring_runs_nops)
{
	struct rr_ring ring;
	int ret = rr_ring_init(4, &ring, IORING_SETUP_NO_SQARRAY);

	if (ret == -EINVAL)
		cr_skip_test("kernel older than 6.6: no IORING_SETUP_NO_SQARRAY");
	if (ret == -ENOSYS || ret == -EPERM)
		cr_skip_test("io_uring unavailable");
	cr_assert_eq(ret, 0);
	cr_assert_null(ring.sq.array);
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 4; i++) {
			struct io_uring_sqe *sqe = rr_get_sqe(&ring);
			cr_assert_not_null(sqe);
			rr_prep_nop(sqe);
			rr_sqe_set_data64(sqe, (uint64_t)(round * 4 + i));
		}
		cr_assert_eq(rr_submit_and_wait(&ring, 4), 4);
		for (int i = 0; i < 4; i++) {
			struct io_uring_cqe *cqe;
			cr_assert_eq(rr_peek_cqe(&ring, &cqe), 0);
			cr_assert_eq(cqe->user_data, (uint64_t)(round * 4 + i));
			rr_cqe_seen(&ring, cqe);
		}
	}
	rr_ring_exit(&ring);
}

Test(setup, exit_releases_fd_and_is_idempotent)
{
	struct rr_ring ring;
	int before = count_open_fds();

	ring_init_or_skip(&ring, 64, 0);
	cr_assert_eq(count_open_fds(), before + 1);
	rr_register_ring_fd(&ring);
	rr_ring_exit(&ring);
	cr_assert_eq(count_open_fds(), before);
	rr_ring_exit(&ring); /* a second exit is harmless */
	cr_assert_eq(count_open_fds(), before);
}

Test(setup, preferred_drops_refused_flags_and_reports_kept)
{
	struct rr_ring ring;
	struct io_uring_params params;
	/* Bit 30 no kernel knows; the others every io_uring kernel since 5.19
	 * accepts. */
	unsigned known = IORING_SETUP_CLAMP | IORING_SETUP_SUBMIT_ALL |
			 IORING_SETUP_COOP_TASKRUN;

	memset(&params, 0, sizeof(params));
	params.flags = known | (1u << 30);
	int ret = rr_ring_init_preferred(8, &ring, &params);
	if (ret == -ENOSYS || ret == -EPERM)
		cr_skip_test("io_uring unavailable");
	cr_assert_eq(ret, 0, "%s", strerror(-ret));
	cr_assert_eq(params.flags & (1u << 30), 0u, "the unknown flag is dropped");
	cr_assert_eq(params.flags, ring.setup_flags);
	cr_assert_eq(params.flags & IORING_SETUP_CLAMP, IORING_SETUP_CLAMP);
	rr_ring_exit(&ring);
}

Test(setup, preferred_keeps_a_flag_that_needs_a_higher_one)
{
	struct rr_ring ring;
	struct io_uring_params params;
	unsigned wanted = IORING_SETUP_TASKRUN_FLAG | IORING_SETUP_SINGLE_ISSUER |
			  IORING_SETUP_DEFER_TASKRUN;

	/* TASKRUN_FLAG (bit 9) is refused alone and accepted with
	 * DEFER_TASKRUN (bit 13): only the second pass keeps it. */
	memset(&params, 0, sizeof(params));
	params.flags = wanted | (1u << 30);
	int ret = rr_ring_init_preferred(8, &ring, &params);
	if (ret == -ENOSYS || ret == -EPERM)
		cr_skip_test("io_uring unavailable");
	cr_assert_eq(ret, 0);
	if ((params.flags & wanted) != wanted) {
		rr_ring_exit(&ring);
		cr_skip_test("kernel older than 6.1: no DEFER_TASKRUN");
	}
	cr_assert_eq(params.flags, wanted);
	rr_ring_exit(&ring);
}

Test(setup, preferred_returns_einval_for_bad_entries)
{
	struct rr_ring ring;
	struct io_uring_params params;

	memset(&params, 0, sizeof(params));
	params.flags = IORING_SETUP_SUBMIT_ALL;
	int ret = rr_ring_init_preferred(1u << 20, &ring, &params);
	if (ret == -ENOSYS || ret == -EPERM)
		cr_skip_test("io_uring unavailable");
	cr_assert_eq(ret, -EINVAL);
}

Test(setup, r_disabled_ring_accepts_work_only_after_enable)
{
	struct rr_ring ring;
	struct io_uring_cqe *cqe;

	ring_init_or_skip(&ring, 4, IORING_SETUP_R_DISABLED);
	struct io_uring_sqe *sqe = rr_get_sqe(&ring);
	cr_assert_not_null(sqe);
	rr_prep_nop(sqe);
	cr_assert_eq(rr_submit(&ring), -EBADFD, "a disabled ring refuses submissions");
	cr_assert_eq(rr_register_enable_rings(&ring), 0);
	cr_assert_eq(rr_submit_and_wait(&ring, 1), 1);
	cr_assert_eq(rr_peek_cqe(&ring, &cqe), 0);
	cr_assert_eq(cqe->res, 0);
	rr_ring_exit(&ring);
}
