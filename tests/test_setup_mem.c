/*
 * Rings in the caller's memory (IORING_SETUP_NO_MMAP, 6.5): rr_ring_mem_size
 * and rr_ring_init_mem.  The ring must run from exactly that memory (NOPs
 * around the CQ twice), and the memory stays the caller's after exit.
 */
#define _GNU_SOURCE
#include "driver/rr_test.h"
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "helpers.h"

TestSuite(setup_mem, .timeout = 30);

static void *map_bytes(size_t size)
{
	void *buf = mmap(NULL, size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert_neq(buf, MAP_FAILED);
	return buf;
}

static void nop_round_trips(struct rr_ring *ring, unsigned count)
{
	for (unsigned i = 0; i < count; i++) {
		struct io_uring_sqe *sqe = must_get_sqe(ring);
		rr_prep_nop(sqe);
		rr_sqe_set_data64(sqe, 1000 + i);
		cr_assert_eq(rr_submit(ring), 1);
		struct io_uring_cqe *cqe = wait_cqe_ms(ring, 5000);
		cr_assert_eq(cqe->user_data, 1000u + i);
		rr_cqe_seen(ring, cqe);
	}
}

/* A ring in the caller's buffer, or a skip where the kernel lacks NO_MMAP. */
static long init_in(struct rr_ring *ring, unsigned entries,
		    struct io_uring_params *params, void *buf, size_t size)
{
	long used = rr_ring_init_mem(entries, ring, params, buf, size);
	if (used == -EINVAL && rr_ring_mem_size(entries, params) <= (long)size &&
	    ((uintptr_t)buf % (uintptr_t)sysconf(_SC_PAGESIZE)) == 0)
		cr_skip_test("the kernel refuses IORING_SETUP_NO_MMAP (6.5)");
	if (used == -EPERM || used == -ENOSYS)
		cr_skip_test("io_uring unavailable here");
	return used;
}

static void runs_in_callers_memory(unsigned flags)
{
	struct rr_ring ring;
	struct io_uring_params params;

	memset(&params, 0, sizeof(params));
	params.flags = flags;
	long size = rr_ring_mem_size(16, &params);
	cr_assert_gt(size, 0);
	cr_assert_eq(size % sysconf(_SC_PAGESIZE), 0, "whole pages");
	char *buf = map_bytes((size_t)size);

	long used = init_in(&ring, 16, &params, buf, (size_t)size);
	cr_assert_eq(used, size, "used: %ld of %ld", used, size);
	cr_assert(ring.user_memory);
	cr_assert_eq((char *)ring.sq.ring_ptr, buf, "the rings are in the buffer");
	cr_assert_geq((char *)ring.sq.sqes, buf);
	cr_assert_lt((char *)ring.sq.sqes, buf + size, "so are the SQEs");
	cr_assert_geq((char *)ring.cq.cqes, buf);
	cr_assert_lt((char *)ring.cq.cqes, buf + size);
	nop_round_trips(&ring, 2 * ring.cq.ring_entries + 3);
	rr_ring_exit(&ring);
	/* Still the caller's: writable, not unmapped by exit. */
	memset(buf, 0x5a, (size_t)size);
	cr_assert_eq(munmap(buf, (size_t)size), 0);
}

Test(setup_mem, a_ring_runs_in_the_callers_memory)
{
	runs_in_callers_memory(0);
}

Test(setup_mem, with_big_cqes_and_no_sq_array)
{
	runs_in_callers_memory(IORING_SETUP_CQE32 | IORING_SETUP_NO_SQARRAY);
}

Test(setup_mem, bad_buffers_are_refused)
{
	struct rr_ring ring;
	struct io_uring_params params;

	memset(&params, 0, sizeof(params));
	long size = rr_ring_mem_size(16, &params);
	char *buf = map_bytes((size_t)size * 2);
	int before = count_open_fds();

	cr_assert_eq(rr_ring_init_mem(16, &ring, &params, NULL, (size_t)size), -EINVAL);
	cr_assert_eq(rr_ring_init_mem(16, &ring, &params, buf + 8, (size_t)size), -EINVAL,
		     "not page-aligned");
	cr_assert_eq(rr_ring_init_mem(16, &ring, &params, buf, (size_t)size - 1), -EINVAL,
		     "too small");
	cr_assert_eq(rr_ring_init_mem(0, &ring, &params, buf, (size_t)size), -EINVAL);
	cr_assert_eq(rr_ring_mem_size(1u << 20, NULL), -EINVAL, "too many entries");
	cr_assert_gt(rr_ring_mem_size(1u << 20, &(struct io_uring_params){
					     .flags = IORING_SETUP_CLAMP }), 0);
	cr_assert_eq(count_open_fds(), before, "nothing left open");
	/* NO_MMAP through rr_ring_init_params without the memory: refused. */
	memset(&params, 0, sizeof(params));
	params.flags = IORING_SETUP_NO_MMAP;
	cr_assert_eq(rr_ring_init_params(16, &ring, &params), -EINVAL);
	munmap(buf, (size_t)size * 2);
}

struct from_other_thread {
	struct rr_ring *ring;
	int submit_ret;
};

static void *submit_elsewhere(void *arg)
{
	struct from_other_thread *t = arg;
	struct io_uring_sqe *sqe = rr_get_sqe(t->ring);

	rr_prep_nop(sqe);
	t->submit_ret = rr_submit(t->ring);
	return NULL;
}

/* REGISTERED_FD_ONLY (6.5): a ring with no fd at all, only a registered
 * index of the creating thread; it runs, registers, and leaves nothing open. */
Test(setup_mem, a_ring_with_no_fd_runs_from_its_thread)
{
	struct rr_ring ring;
	struct io_uring_params params;
	struct rr_probe probe;

	memset(&params, 0, sizeof(params));
	params.flags = IORING_SETUP_REGISTERED_FD_ONLY;
	long size = rr_ring_mem_size(8, &params);
	char *buf = map_bytes((size_t)size);
	int fds_before = count_open_fds();

	cr_assert_eq(rr_ring_init(8, &ring, IORING_SETUP_REGISTERED_FD_ONLY), -EINVAL,
		     "not without the caller's memory");
	long used = init_in(&ring, 8, &params, buf, (size_t)size);
	cr_assert_eq(used, size, "setup: %ld", used);
	cr_assert_eq(ring.ring_fd, -1, "no fd");
	cr_assert_eq(count_open_fds(), fds_before, "no fd was opened");
	nop_round_trips(&ring, 2 * ring.cq.ring_entries + 3);
	cr_assert_eq(rr_probe_ring(&ring, &probe), 0, "register calls use the index");
	cr_assert(rr_opcode_supported(&probe, IORING_OP_NOP));

	struct from_other_thread t = { .ring = &ring };
	struct test_thread thread;
	thread_start(&thread, submit_elsewhere, &t);
	thread_join(&thread);
	cr_assert_eq(t.submit_ret, -EBADF, "another thread cannot reach it");
	/* The NOP that thread prepared goes with the next submission here. */
	cr_assert_eq(rr_submit(&ring), 1);
	rr_ring_exit(&ring);
	cr_assert_eq(count_open_fds(), fds_before);
	cr_assert_eq(munmap(buf, (size_t)size), 0);
}
