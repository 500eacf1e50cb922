#define _GNU_SOURCE
#include "helpers.h"

#include "driver/rr_test.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>

static void skip_if_unavailable(int ret)
{
	if (ret == -ENOSYS || ret == -EPERM)
		cr_skip_test("io_uring is unavailable here (%s)", strerror(-ret));
}

void ring_init_or_skip(struct rr_ring *ring, unsigned entries, unsigned flags)
{
	int ret = rr_ring_init(entries, ring, flags);

	skip_if_unavailable(ret);
	cr_assert_eq(ret, 0, "rr_ring_init(%u, 0x%x): %s", entries, flags,
		     strerror(-ret));
}

void ring_init_params_or_skip(struct rr_ring *ring, unsigned entries,
			      struct io_uring_params *params)
{
	int ret = rr_ring_init_params(entries, ring, params);

	skip_if_unavailable(ret);
	cr_assert_eq(ret, 0, "rr_ring_init_params(%u, 0x%x): %s", entries,
		     params->flags, strerror(-ret));
}

void require_opcode(unsigned opcode, const char *name)
{
	struct rr_probe probe;
	int ret = rr_probe_kernel(&probe);

	skip_if_unavailable(ret);
	cr_assert_eq(ret, 0, "probe: %s", strerror(-ret));
	if (!rr_opcode_supported(&probe, opcode))
		cr_skip_test("the running kernel lacks %s", name);
}

struct io_uring_cqe *wait_cqe_ms(struct rr_ring *ring, unsigned timeout_ms)
{
	struct __kernel_timespec ts = {
		.tv_sec = timeout_ms / 1000,
		.tv_nsec = (long long)(timeout_ms % 1000) * 1000000,
	};
	struct io_uring_cqe *cqe = NULL;
	int ret = rr_wait_cqe_timeout(ring, &cqe, &ts);

	cr_assert_eq(ret, 0, "no CQE within %u ms: %s", timeout_ms,
		     strerror(-ret));
	cr_assert_not_null(cqe);
	return cqe;
}

struct io_uring_sqe *must_get_sqe(struct rr_ring *ring)
{
	struct io_uring_sqe *sqe = rr_get_sqe(ring);

	cr_assert_not_null(sqe, "the SQ is full");
	return sqe;
}

int run_one(struct rr_ring *ring)
{
	cr_assert_eq(rr_submit(ring), 1);
	struct io_uring_cqe *cqe = wait_cqe_ms(ring, 5000);
	int res = cqe->res;
	rr_cqe_seen(ring, cqe);
	return res;
}

void submit_nops(struct rr_ring *ring, unsigned count, uint64_t first)
{
	for (unsigned i = 0; i < count; i++) {
		struct io_uring_sqe *sqe = must_get_sqe(ring);
		rr_prep_nop(sqe);
		rr_sqe_set_data64(sqe, first + i);
	}
	cr_assert_eq(rr_submit_and_wait(ring, count), (int)count);
}

void reap_nops(struct rr_ring *ring, unsigned count, uint64_t first)
{
	for (unsigned i = 0; i < count; i++) {
		struct io_uring_cqe *cqe;
		cr_assert_eq(rr_peek_cqe(ring, &cqe), 0, "CQE %u of %u", i, count);
		cr_assert_eq(cqe->user_data, first + i);
		cr_assert_eq(cqe->res, 0);
		rr_cqe_seen(ring, cqe);
	}
}
