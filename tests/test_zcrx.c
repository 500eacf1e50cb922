/*
 * Zero-copy receive (rawring/zcrx.h).  A loopback machine has no NIC that
 * can host a queue, so what is checked is what can be: every argument
 * rawring refuses, the kernel's answer on loopback, and the refill queue
 * and CQE helpers over memory laid out as the kernel lays it out (the
 * kernel's part played by the test: its offsets, its CQEs, its head).
 */
#define _GNU_SOURCE
#include "driver/rr_test.h"
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "helpers.h"

TestSuite(zcrx, .timeout = 30);

#define ZC_RING_FLAGS                                                          \
	(IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_CQE32)
#define AREA_LEN (64u * 4096u)

struct zc_memory {
	void *rq;
	size_t rq_size;
	void *area;
};

static void *pages(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert_neq(p, MAP_FAILED);
	return p;
}

static struct rr_zcrx_params loopback_params(struct zc_memory *m, unsigned entries)
{
	struct rr_zcrx_params p;

	m->rq_size = rr_zcrx_rq_size(entries);
	cr_assert_gt(m->rq_size, 0u);
	m->rq = pages(m->rq_size);
	m->area = pages(AREA_LEN);
	memset(&p, 0, sizeof(p));
	p.if_idx = if_nametoindex("lo");
	p.rq_entries = entries;
	p.rq_mem = m->rq;
	p.rq_size = m->rq_size;
	p.area = m->area;
	p.area_len = AREA_LEN;
	return p;
}

static void release(struct zc_memory *m)
{
	munmap(m->rq, m->rq_size);
	munmap(m->area, AREA_LEN);
}

Test(zcrx, rq_size_counts_a_header_page_and_the_entries)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	cr_assert_eq(rr_zcrx_rq_size(0), 0u);
	cr_assert_eq(rr_zcrx_rq_size(32769), 0u);
	cr_assert_eq(rr_zcrx_rq_size(1), 2 * page);
	cr_assert_eq(rr_zcrx_rq_size(256), 2 * page); /* 4 KiB of entries */
	cr_assert_eq(rr_zcrx_rq_size(257), 3 * page);
	cr_assert_eq(rr_zcrx_rq_size(32768), page + 32768 * 16);
}

Test(zcrx, registration_refuses_what_rawring_cannot_drive)
{
	struct rr_ring ring, plain, no_big_cqes;
	struct rr_zcrx z;
	struct zc_memory m;

	ring_init_or_skip(&ring, 4, ZC_RING_FLAGS);
	struct rr_zcrx_params good = loopback_params(&m, 64), p;

	cr_assert_eq(rr_zcrx_register(&ring, NULL, &good), -EINVAL);
	cr_assert_eq(rr_zcrx_register(&ring, &z, NULL), -EINVAL);
	cr_assert_eq(rr_zcrx_register(NULL, &z, &good), -EINVAL);

	/* Rings whose CQEs rr_zcrx_cqe could not read, or the kernel refuses. */
	ring_init_or_skip(&plain, 4, IORING_SETUP_CQE32);
	cr_assert_eq(rr_zcrx_register(&plain, &z, &good), -EINVAL, "no DEFER_TASKRUN");
	ring_init_or_skip(&no_big_cqes, 4,
			  IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_SINGLE_ISSUER);
	cr_assert_eq(rr_zcrx_register(&no_big_cqes, &z, &good), -EINVAL, "16-byte CQEs");

	unsigned bad_entries[] = { 0, 3, 65536 };
	for (size_t i = 0; i < sizeof(bad_entries) / sizeof(bad_entries[0]); i++) {
		p = good;
		p.rq_entries = bad_entries[i];
		cr_assert_eq(rr_zcrx_register(&ring, &z, &p), -EINVAL, "%u entries",
			     bad_entries[i]);
	}
	p = good;
	p.rq_size = m.rq_size - 4096; /* the header page or the entries short */
	cr_assert_eq(rr_zcrx_register(&ring, &z, &p), -EINVAL);
	p = good;
	p.rq_mem = (char *)m.rq + 64;
	cr_assert_eq(rr_zcrx_register(&ring, &z, &p), -EINVAL, "unaligned refill queue");
	p = good;
	p.area = (char *)m.area + 64;
	cr_assert_eq(rr_zcrx_register(&ring, &z, &p), -EINVAL, "unaligned area");
	p = good;
	p.area_len = 0;
	cr_assert_eq(rr_zcrx_register(&ring, &z, &p), -EINVAL);
	p = good;
	p.area_len = 100;
	cr_assert_eq(rr_zcrx_register(&ring, &z, &p), -EINVAL, "part of a page");
	p = good;
	p.flags = 1u << 5;
	cr_assert_eq(rr_zcrx_register(&ring, &z, &p), -EINVAL, "unknown flag");
	p = good;
	p.flags = RR_ZCRX_REG_IMPORT;
	cr_assert_eq(rr_zcrx_register(&ring, &z, &p), -EOPNOTSUPP);

	/* The raw registration: what only it can be given. */
	struct rr_zcrx_area_reg area;
	struct rr_region_desc region;
	struct rr_zcrx_ifq_reg reg;
	memset(&area, 0, sizeof(area));
	area.addr = (uintptr_t)m.area;
	area.len = AREA_LEN;
	memset(&region, 0, sizeof(region));
	region.user_addr = (uintptr_t)m.rq;
	region.size = m.rq_size;
	region.flags = RR_IORING_MEM_REGION_TYPE_USER;
	memset(&reg, 0, sizeof(reg));
	reg.if_idx = good.if_idx;
	reg.rq_entries = 64;
	reg.area_ptr = (uintptr_t)&area;
	reg.region_ptr = (uintptr_t)&region;

	area.flags = RR_IORING_ZCRX_AREA_DMABUF;
	cr_assert_eq(rr_register_ifq(&ring, &reg), -EOPNOTSUPP, "a dmabuf area");
	area.flags = 0;
	region.flags = 0;
	cr_assert_eq(rr_register_ifq(&ring, &reg), -EOPNOTSUPP, "kernel-allocated region");
	region.flags = RR_IORING_MEM_REGION_TYPE_USER;
	reg.offsets.rqes = 64;
	cr_assert_eq(rr_register_ifq(&ring, &reg), -EINVAL, "out fields set");
	reg.offsets.rqes = 0;
	reg.resv[1] = 1;
	cr_assert_eq(rr_register_ifq(&ring, &reg), -EINVAL, "reserved words");
	reg.resv[1] = 0;
	reg.area_ptr = 0;
	cr_assert_eq(rr_register_ifq(&ring, &reg), -EINVAL, "no area");
	cr_assert_eq(rr_register_ifq(&ring, NULL), -EINVAL);

	rr_ring_exit(&no_big_cqes);
	rr_ring_exit(&plain);
	rr_ring_exit(&ring);
	release(&m);
}

static void expect_loopback_refused(unsigned ring_flags)
{
	struct rr_ring ring;
	struct rr_zcrx z;
	struct zc_memory m;

	ring_init_or_skip(&ring, 4, ring_flags);
	struct rr_zcrx_params p = loopback_params(&m, 64);
	int ret = rr_zcrx_register(&ring, &z, &p);
	if (ret == -EINVAL)
		cr_skip_test("the kernel has no zero-copy receive (6.15, CONFIG_IO_URING_ZCRX)");
	if (ret == -EPERM)
		cr_skip_test("needs CAP_NET_ADMIN");
	/* The kernel took every argument and asked the device, which has no
	 * queues to give (a wrong argument would be -EINVAL or -EFAULT). */
	cr_assert_eq(ret, -EOPNOTSUPP, "loopback: %s", strerror(-ret));
	rr_ring_exit(&ring);
	release(&m);
}

Test(zcrx, loopback_cannot_host_a_queue)
{
	expect_loopback_refused(ZC_RING_FLAGS);
}

Test(zcrx, a_mixed_cqe_ring_is_taken_to_the_kernel)
{
	struct rr_ring probe;
	int ret = rr_ring_init(4, &probe, IORING_SETUP_CQE_MIXED);
	if (ret == -EINVAL)
		cr_skip_test("no IORING_SETUP_CQE_MIXED (6.18)");
	if (ret == -ENOSYS || ret == -EPERM)
		cr_skip_test("io_uring unavailable here (%s)", strerror(-ret));
	cr_assert_eq(ret, 0);
	rr_ring_exit(&probe);
	expect_loopback_refused(IORING_SETUP_DEFER_TASKRUN |
				IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_CQE_MIXED);
}

/* The registration as a kernel answers it: the refill queue's head at 0,
 * its tail at 4, the entries from byte 64; an id and an area token. */
static struct rr_zcrx_ifq_reg answered_reg(struct rr_zcrx_area_reg *area,
					   void *area_mem, unsigned entries)
{
	struct rr_zcrx_ifq_reg reg;

	memset(area, 0, sizeof(*area));
	area->addr = (uintptr_t)area_mem;
	area->len = AREA_LEN;
	area->rq_area_token = (uint64_t)3 << RR_IORING_ZCRX_AREA_SHIFT;
	memset(&reg, 0, sizeof(reg));
	reg.rq_entries = entries;
	reg.area_ptr = (uintptr_t)area;
	reg.offsets.head = 0;
	reg.offsets.tail = 4;
	reg.offsets.rqes = 64;
	reg.zcrx_id = 2;
	return reg;
}

/* A RECV_ZC CQE as the kernel posts it, in `cqe`'s 32 bytes (allocated:
 * memory with no declared type): the area id and offset in the second
 * half. */
static struct io_uring_cqe *zc_cqe(struct io_uring_cqe *cqe, int res, uint64_t off)
{
	memset(cqe, 0, 32);
	cqe->res = res;
	cqe->big_cqe[0] = ((uint64_t)3 << RR_IORING_ZCRX_AREA_SHIFT) | off;
	return cqe;
}

Test(zcrx, data_and_refills_follow_the_kernels_layout)
{
	struct zc_memory m;
	struct rr_zcrx_area_reg area;
	struct rr_zcrx z;
	struct io_uring_cqe *raw = malloc(32), *cqe;

	cr_assert_not_null(raw);
	const unsigned entries = 8;

	m.rq_size = rr_zcrx_rq_size(entries);
	m.rq = pages(m.rq_size);
	m.area = pages(AREA_LEN);
	struct rr_zcrx_ifq_reg reg = answered_reg(&area, m.area, entries);
	cr_assert_eq(rr_zcrx_attach(&z, &reg, m.rq, m.rq_size), 0);
	cr_assert_eq(z.id, 2u);
	unsigned *khead = (unsigned *)m.rq, *ktail = (unsigned *)((char *)m.rq + 4);
	struct rr_zcrx_rqe *rqes = (struct rr_zcrx_rqe *)((char *)m.rq + 64);

	cqe = zc_cqe(raw, 100, 8192);
	cr_assert_eq(rr_zcrx_data(&z, cqe), (char *)m.area + 8192);
	cqe = zc_cqe(raw, 100, AREA_LEN - 50);
	cr_assert_null(rr_zcrx_data(&z, cqe), "past the area's end");
	cqe = zc_cqe(raw, -ENOBUFS, 0);
	cr_assert_null(rr_zcrx_data(&z, cqe), "an error has no data");

	/* Fill the queue; the ninth does not fit until the kernel moves on. */
	cr_assert_eq(rr_zcrx_refill_space(&z), entries);
	for (unsigned i = 0; i < entries; i++) {
		cqe = zc_cqe(raw, 10 + (int)i, 4096u * i);
		cr_assert(rr_zcrx_refill(&z, cqe));
	}
	cr_assert_eq(*ktail, 0u, "nothing published before the commit");
	cr_assert_not(rr_zcrx_refill(&z, cqe), "full");
	rr_zcrx_refill_commit(&z);
	cr_assert_eq(*ktail, entries);
	for (unsigned i = 0; i < entries; i++) {
		cr_assert_eq(rqes[i].off, area.rq_area_token | (4096u * i),
			     "the area's token, not the CQE's id bits");
		cr_assert_eq(rqes[i].len, 10 + i);
	}

	/* The kernel takes three: three more fit, into the slots it left. */
	*khead = 3;
	cr_assert_eq(rr_zcrx_refill_space(&z), 3u);
	for (unsigned i = 0; i < 3; i++) {
		cqe = zc_cqe(raw, 1, 4096u * (20 + i));
		cr_assert(rr_zcrx_refill(&z, cqe));
	}
	cr_assert_not(rr_zcrx_refill(&z, cqe));
	rr_zcrx_refill_commit(&z);
	cr_assert_eq(*ktail, entries + 3);
	cr_assert_eq(rqes[0].off & ~RR_IORING_ZCRX_AREA_MASK, 4096u * 20, "wrapped");
	cr_assert_eq(rqes[2].off & ~RR_IORING_ZCRX_AREA_MASK, 4096u * 22);
	free(raw);
	release(&m);
}

Test(zcrx, attach_refuses_offsets_outside_the_region)
{
	struct zc_memory m;
	struct rr_zcrx_area_reg area;
	struct rr_zcrx z;
	const unsigned entries = 256; /* exactly one page of entries */

	m.rq_size = rr_zcrx_rq_size(entries);
	m.rq = pages(m.rq_size);
	m.area = pages(AREA_LEN);
	struct rr_zcrx_ifq_reg reg = answered_reg(&area, m.area, entries);

	reg.offsets.rqes = (unsigned)m.rq_size - entries * 16 + 16;
	cr_assert_eq(rr_zcrx_attach(&z, &reg, m.rq, m.rq_size), -EINVAL, "last entry out");
	reg.offsets.rqes = (unsigned)m.rq_size - entries * 16;
	cr_assert_eq(rr_zcrx_attach(&z, &reg, m.rq, m.rq_size), 0, "exactly fits");
	reg = answered_reg(&area, m.area, entries);
	reg.offsets.tail = (unsigned)m.rq_size;
	cr_assert_eq(rr_zcrx_attach(&z, &reg, m.rq, m.rq_size), -EINVAL, "tail out");
	reg = answered_reg(&area, m.area, entries);
	reg.offsets.head = 2;
	cr_assert_eq(rr_zcrx_attach(&z, &reg, m.rq, m.rq_size), -EINVAL, "misaligned");
	reg = answered_reg(&area, m.area, 6);
	cr_assert_eq(rr_zcrx_attach(&z, &reg, m.rq, m.rq_size), -EINVAL, "not a power of two");
	release(&m);
}

Test(zcrx, ctrl_arguments_are_checked)
{
	struct rr_ring ring;
	struct rr_zcrx_ctrl ctrl;

	ring_init_or_skip(&ring, 4, ZC_RING_FLAGS);
	memset(&ctrl, 0, sizeof(ctrl));
	ctrl.op = RR_ZCRX_CTRL_EXPORT + 1;
	cr_assert_eq(rr_register_zcrx_ctrl(&ring, &ctrl), -EINVAL);
	ctrl.op = RR_ZCRX_CTRL_FLUSH_RQ;
	ctrl.resv[0] = 1;
	cr_assert_eq(rr_register_zcrx_ctrl(&ring, &ctrl), -EINVAL);
	cr_assert_eq(rr_register_zcrx_ctrl(&ring, NULL), -EINVAL);
	/* No queue 0 is registered: the kernel says no, whichever way. */
	ctrl.resv[0] = 0;
	cr_assert_lt(rr_register_zcrx_ctrl(&ring, &ctrl), 0);
	rr_ring_exit(&ring);
}
