/*
 * Every io_uring_register(2) operation rawring wraps, against the running
 * kernel: tagged and sparse tables, cloned buffers, personalities,
 * restrictions, io-wq, sync cancel, allocation ranges, buffer-ring status,
 * incremental and kernel-allocated buffer rings, NAPI, the wait clock,
 * ring-less messages and queries, resizing, memory regions and registered
 * waits, register calls through the registered ring index, the probe at any
 * length, and the refused operations.  Where the kernel lacks an operation
 * the test skips and says so (IORING_REGISTER_QUERY tells which register
 * opcodes the kernel knows; before 6.18 an -EINVAL from a well-formed call
 * does).
 */
#define _GNU_SOURCE
#include "driver/rr_test.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"

TestSuite(register_ops, .timeout = 30);

/* ---- helpers ------------------------------------------------------------ */

/* The register opcodes the kernel knows (IORING_REGISTER_QUERY), or -1
 * when it cannot say (kernels before 6.18). */
static int known_register_opcodes(void)
{
	struct rr_query_opcode op;
	struct rr_query_hdr hdr;

	memset(&op, 0, sizeof(op));
	memset(&hdr, 0, sizeof(hdr));
	hdr.query_data = (__u64)(uintptr_t)&op;
	hdr.query_op = RR_IO_URING_QUERY_OPCODES;
	hdr.size = sizeof(op);
	if (rr_register_query(&hdr) != 0 || hdr.result != 0)
		return -1;
	return (int)op.nr_register_opcodes;
}

/*
 * Skip when the kernel lacks register opcode `op`: certain from the query
 * where there is one; without it, `ret` is the result of a well-formed
 * first call, whose -EINVAL can only mean an opcode past the kernel's last.
 */
static void skip_if_missing(int ret, unsigned op, const char *what)
{
	int known = known_register_opcodes();

	if (known >= 0) {
		if (op >= (unsigned)known)
			cr_skip_test("the running kernel lacks %s (register opcode %u)",
				     what, op);
		return;
	}
	if (ret == -EINVAL)
		cr_skip_test("the running kernel lacks %s (-EINVAL, no query)", what);
}

/* A read of 16 bytes at 0 through fixed-file slot `slot`; its result. */
static int read_slot(struct rr_ring *ring, unsigned slot, unsigned char *buf)
{
	struct io_uring_sqe *sqe = must_get_sqe(ring);
	rr_prep_read(sqe, (int)slot, buf, 16, 0);
	rr_sqe_fixed_file(sqe);
	return run_one(ring);
}

/* Wait for one CQE with user_data `tag` (a resource tag), res 0. */
static void expect_tag_cqe(struct rr_ring *ring, __u64 tag)
{
	struct io_uring_cqe *cqe = wait_cqe_ms(ring, 5000);
	cr_assert_eq(cqe->user_data, tag, "tag CQE 0x%llx, expected 0x%llx",
		     (unsigned long long)cqe->user_data, (unsigned long long)tag);
	cr_assert_eq(cqe->res, 0);
	rr_cqe_seen(ring, cqe);
}

static void expect_no_cqe(struct rr_ring *ring)
{
	struct io_uring_cqe *cqe;
	struct __kernel_timespec ts = { .tv_sec = 0, .tv_nsec = 20 * 1000000 };
	cr_assert_eq(rr_wait_cqe_timeout(ring, &cqe, &ts), -ETIME);
}

static uint64_t clock_ns(clockid_t clock)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- tagged, sparse and updated tables ---------------------------------- */

Test(register_ops, tagged_files_post_the_old_tag_when_replaced)
{
	struct rr_ring ring;
	unsigned char buf[16];

	ring_init_or_skip(&ring, 8, 0);
	if (!(ring.features & IORING_FEAT_RSRC_TAGS))
		cr_skip_test("kernel older than 5.13: no resource tags");
	int a = temp_file(64, 11, NULL, 0), b = temp_file(64, 12, NULL, 0);
	int c = temp_file(64, 13, NULL, 0);
	int fds[2] = { a, b };
	__u64 tags[2] = { 0xA1, 0xB2 };
	cr_assert_eq(rr_register_files_tags(&ring, fds, tags, 2), 0);
	cr_assert_eq(rr_register_files_tags(&ring, fds, tags, 2), -EBUSY);

	cr_assert_eq(read_slot(&ring, 0, buf), 16);
	cr_assert_eq(buf[0], pattern_byte(11, 0));
	expect_no_cqe(&ring); /* nothing released yet */

	/* Slot 0 gets file c: file a leaves the table and its tag is posted. */
	__u64 tag_c = 0xC3;
	cr_assert_eq(rr_register_files_update_tag(&ring, 0, &c, &tag_c, 1), 1);
	expect_tag_cqe(&ring, 0xA1);
	cr_assert_eq(read_slot(&ring, 0, buf), 16);
	cr_assert_eq(buf[0], pattern_byte(13, 0));

	/* Emptying slot 1 posts b's tag; an untagged update posts nothing. */
	int none = -1;
	cr_assert_eq(rr_register_files_update_tag(&ring, 1, &none, NULL, 1), 1);
	expect_tag_cqe(&ring, 0xB2);
	cr_assert_eq(read_slot(&ring, 1, buf), -EBADF);
	cr_assert_eq(rr_register_files_update_tag(&ring, 1, &a, NULL, 1), 1);
	cr_assert_eq(rr_register_files_update_tag(&ring, 1, &none, NULL, 1), 1);
	expect_no_cqe(&ring);
	cr_assert_eq(rr_register_files_update_tag(&ring, 2, &a, NULL, 1), -EINVAL,
		     "past the table");

	/* Unregistering releases c: its tag. */
	cr_assert_eq(rr_unregister_files(&ring), 0);
	expect_tag_cqe(&ring, 0xC3);
	cr_assert_eq(rr_register_files_update_tag(&ring, 0, &a, NULL, 1), -ENXIO);
	close(a);
	close(b);
	close(c);
	rr_ring_exit(&ring);
}

Test(register_ops, sparse_and_tagged_buffers_updated_in_place)
{
	struct rr_ring ring;
	static char buf_a[4096], buf_b[4096];

	ring_init_or_skip(&ring, 8, 0);
	int fd = temp_file(8192, 21, NULL, 0);
	int ret = rr_register_buffers_sparse(&ring, 4);
	if (ret == -EINVAL)
		cr_skip_test("kernel older than 5.19: no sparse buffer tables");
	cr_assert_eq(ret, 0, "%s", strerror(-ret));

	/* Slot 2 gets buf_a (tag 0x77); slot 1 stays empty. */
	struct iovec iov = { buf_a, sizeof(buf_a) };
	__u64 tag = 0x77;
	cr_assert_eq(rr_register_buffers_update_tag(&ring, 2, &iov, &tag, 1), 1);
	struct io_uring_sqe *sqe = must_get_sqe(&ring);
	rr_prep_read_fixed(sqe, fd, buf_a, 4096, 100, 2);
	cr_assert_eq(run_one(&ring), 4096);
	cr_assert_eq((unsigned char)buf_a[0], pattern_byte(21, 100));
	sqe = must_get_sqe(&ring);
	rr_prep_read_fixed(sqe, fd, buf_a, 16, 0, 1);
	cr_assert_eq(run_one(&ring), -EFAULT, "slot 1 is empty");

	/* Replacing slot 2 posts buf_a's tag; buf_a is no longer registered. */
	iov.iov_base = buf_b;
	tag = 0x88;
	cr_assert_eq(rr_register_buffers_update_tag(&ring, 2, &iov, &tag, 1), 1);
	expect_tag_cqe(&ring, 0x77);
	sqe = must_get_sqe(&ring);
	rr_prep_read_fixed(sqe, fd, buf_b, 512, 4096, 2);
	cr_assert_eq(run_one(&ring), 512);
	cr_assert_eq((unsigned char)buf_b[511], pattern_byte(21, 4096 + 511));
	sqe = must_get_sqe(&ring);
	rr_prep_read_fixed(sqe, fd, buf_a, 16, 0, 2);
	cr_assert_eq(run_one(&ring), -EFAULT, "buf_a is outside slot 2 now");

	cr_assert_eq(rr_unregister_buffers(&ring), 0);
	expect_tag_cqe(&ring, 0x88);

	/* A dense tagged table: both tags come back at unregistration. */
	struct iovec iovs[2] = { { buf_a, 1024 }, { buf_b, 1024 } };
	__u64 tags[2] = { 0x101, 0x102 };
	cr_assert_eq(rr_register_buffers_tags(&ring, iovs, tags, 2), 0);
	sqe = must_get_sqe(&ring);
	rr_prep_read_fixed(sqe, fd, buf_b, 1024, 0, 1);
	cr_assert_eq(run_one(&ring), 1024);
	cr_assert_eq(rr_unregister_buffers(&ring), 0);
	__u64 seen = 0;
	for (int i = 0; i < 2; i++) {
		struct io_uring_cqe *cqe = wait_cqe_ms(&ring, 5000);
		cr_assert(cqe->user_data == 0x101 || cqe->user_data == 0x102);
		seen |= cqe->user_data;
		rr_cqe_seen(&ring, cqe);
	}
	cr_assert_eq(seen, 0x101u | 0x102u);
	cr_assert_eq(rr_unregister_buffers(&ring), -ENXIO);
	close(fd);
	rr_ring_exit(&ring);
}

Test(register_ops, cloned_buffers_let_a_second_ring_read_into_the_first_rings)
{
	struct rr_ring first, second, empty, other;
	static char shared[8192];

	ring_init_or_skip(&first, 4, 0);
	ring_init_or_skip(&second, 4, 0);
	ring_init_or_skip(&empty, 4, 0);
	ring_init_or_skip(&other, 4, 0);
	int fd = temp_file(8192, 31, NULL, 0);
	struct iovec iov = { shared, sizeof(shared) };
	cr_assert_eq(rr_register_buffers(&first, &iov, 1), 0);

	int ret = rr_clone_buffers(&second, &first);
	skip_if_missing(ret, RR_IORING_REGISTER_CLONE_BUFFERS, "IORING_REGISTER_CLONE_BUFFERS (6.12)");
	cr_assert_eq(ret, 0, "%s", strerror(-ret));

	/* The second ring reads with buffer 0, the first ring's memory. */
	struct io_uring_sqe *sqe = must_get_sqe(&second);
	rr_prep_read_fixed(sqe, fd, shared + 4096, 4096, 1000, 0);
	cr_assert_eq(run_one(&second), 4096);
	for (unsigned i = 0; i < 4096; i += 511)
		cr_assert_eq((unsigned char)shared[4096 + i], pattern_byte(31, 1000 + i));

	cr_assert_eq(rr_clone_buffers(&second, &first), -EBUSY, "already has buffers");
	cr_assert_eq(rr_clone_buffers_offset(&second, &first, 0, 0, 1,
					     RR_IORING_REGISTER_DST_REPLACE), 0);
	cr_assert_eq(rr_clone_buffers_offset(&second, &first, 0, 0, 1,
					     RR_IORING_REGISTER_SRC_REGISTERED), -EINVAL,
		     "rawring names the source itself");
	cr_assert_eq(rr_clone_buffers(&other, &empty), -ENXIO, "nothing to clone");

	/* The buffers outlive the first ring's table in the second. */
	cr_assert_eq(rr_unregister_buffers(&first), 0);
	sqe = must_get_sqe(&second);
	rr_prep_read_fixed(sqe, fd, shared, 64, 0, 0);
	cr_assert_eq(run_one(&second), 64);
	cr_assert_eq((unsigned char)shared[63], pattern_byte(31, 63));
	close(fd);
	rr_ring_exit(&other);
	rr_ring_exit(&empty);
	rr_ring_exit(&second);
	rr_ring_exit(&first);
}

/* ---- personalities and restrictions ------------------------------------ */

Test(register_ops, personality_runs_an_sqe_with_the_registered_credentials)
{
	struct rr_ring ring;
	char path[256];

	ring_init_or_skip(&ring, 4, 0);
	int id = rr_register_personality(&ring);
	cr_assert_gt(id, 0, "personality: %s", strerror(-id));

	struct io_uring_sqe *sqe = must_get_sqe(&ring);
	rr_prep_nop(sqe);
	sqe->personality = (__u16)id;
	cr_assert_eq(run_one(&ring), 0);
	sqe = must_get_sqe(&ring);
	rr_prep_nop(sqe);
	sqe->personality = (__u16)(id + 1000);
	cr_assert_eq(run_one(&ring), -EINVAL, "an unknown personality");

	if (geteuid() == 0) {
		/* Root's file, mode 0600; then this (forked) test process
		 * becomes nobody.  Only the SQE with root's personality may
		 * open and remove it. */
		int fd = temp_file(64, 41, path, sizeof(path));
		close(fd);
		cr_assert_eq(chmod(path, 0600), 0);
		cr_assert_eq(setresgid(65534, 65534, 65534), 0);
		cr_assert_eq(setresuid(65534, 65534, 65534), 0);
		cr_assert_eq(open(path, O_RDONLY), -1);
		cr_assert_eq(errno, EACCES);

		sqe = must_get_sqe(&ring);
		rr_prep_openat(sqe, AT_FDCWD, path, O_RDONLY | O_CLOEXEC, 0);
		cr_assert_eq(run_one(&ring), -EACCES, "as nobody");
		sqe = must_get_sqe(&ring);
		rr_prep_openat(sqe, AT_FDCWD, path, O_RDONLY | O_CLOEXEC, 0);
		sqe->personality = (__u16)id;
		int opened = run_one(&ring);
		cr_assert_geq(opened, 0, "as root's personality: %s", strerror(-opened));
		unsigned char byte;
		cr_assert_eq(pread(opened, &byte, 1, 5), 1);
		cr_assert_eq(byte, pattern_byte(41, 5));
		close(opened);
		sqe = must_get_sqe(&ring);
		rr_prep_unlinkat(sqe, AT_FDCWD, path, 0);
		sqe->personality = (__u16)id;
		cr_assert_eq(run_one(&ring), 0);
	}

	cr_assert_eq(rr_unregister_personality(&ring, id), 0);
	cr_assert_eq(rr_unregister_personality(&ring, id), -EINVAL);
	cr_assert_eq(rr_unregister_personality(&ring, -1), -EINVAL);
	sqe = must_get_sqe(&ring);
	rr_prep_nop(sqe);
	sqe->personality = (__u16)id;
	cr_assert_eq(run_one(&ring), -EINVAL, "the id is gone");
	rr_ring_exit(&ring);
}

Test(register_ops, restrictions_refuse_what_is_not_allowed)
{
	struct rr_ring ring, enabled;
	unsigned char buf[16];
	struct io_uring_restriction res[2];

	memset(res, 0, sizeof(res));
	res[0].opcode = IORING_RESTRICTION_SQE_OP;
	res[0].sqe_op = IORING_OP_NOP;
	res[1].opcode = IORING_RESTRICTION_REGISTER_OP;
	res[1].register_op = IORING_REGISTER_PROBE;

	ring_init_or_skip(&enabled, 4, 0);
	cr_assert_eq(rr_register_restrictions(&enabled, res, 2), -EBADFD,
		     "only before a disabled ring is enabled");
	rr_ring_exit(&enabled);

	ring_init_or_skip(&ring, 4, IORING_SETUP_R_DISABLED);
	cr_assert_eq(rr_io_uring_enter(ring.ring_fd, 0, 0, 0, NULL), -EBADFD,
		     "a disabled ring takes no enter");
	cr_assert_eq(rr_register_restrictions(&ring, res, 2), 0);
	cr_assert_eq(rr_register_restrictions(&ring, res, 2), -EBUSY);
	cr_assert_eq(rr_register_enable_rings(&ring), 0);
	cr_assert_eq(rr_register_enable_rings(&ring), -EACCES,
		     "ENABLE_RINGS is not on the list");

	int fd = temp_file(64, 51, NULL, 0);
	struct io_uring_sqe *sqe = must_get_sqe(&ring);
	rr_prep_nop(sqe);
	cr_assert_eq(run_one(&ring), 0);
	sqe = must_get_sqe(&ring);
	rr_prep_read(sqe, fd, buf, sizeof(buf), 0);
	cr_assert_eq(run_one(&ring), -EACCES, "READ is not allowed");

	struct rr_probe probe;
	cr_assert_eq(rr_probe_ring(&ring, &probe), 0, "PROBE is allowed");
	cr_assert_eq(rr_register_files_sparse(&ring, 4), -EACCES);
	cr_assert_eq(rr_register_personality(&ring), -EACCES);
	close(fd);
	rr_ring_exit(&ring);
}

/* ---- io-wq ---------------------------------------------------------------- */

/* The tid of an io-wq worker thread of this process, or -1 after 2 s. */
static pid_t find_iowq_worker(void)
{
	for (int tries = 0; tries < 200; tries++) {
		DIR *dir = opendir("/proc/self/task");
		cr_assert_not_null(dir);
		struct dirent *entry;
		pid_t found = -1;
		while ((entry = readdir(dir)) && found < 0) {
			char path[300], comm[64] = "";
			if (entry->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "/proc/self/task/%s/comm",
				 entry->d_name);
			FILE *f = fopen(path, "r");
			if (!f)
				continue;
			if (fgets(comm, sizeof(comm), f) &&
			    strncmp(comm, "iou-wrk-", 8) == 0)
				found = (pid_t)atoi(entry->d_name);
			fclose(f);
		}
		closedir(dir);
		if (found >= 0)
			return found;
		sleep_ms(10);
	}
	return -1;
}

Test(register_ops, iowq_affinity_is_given_to_new_workers)
{
	struct rr_ring ring;
	cpu_set_t allowed, mask, worker;
	int pipefd[2];
	char c;

	ring_init_or_skip(&ring, 4, 0);
	cr_assert_eq(sched_getaffinity(0, sizeof(allowed), &allowed), 0);
	int target = -1;
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, &allowed))
			target = cpu; /* the last CPU this process may use */
	cr_assert_geq(target, 0);
	CPU_ZERO(&mask);
	CPU_SET(target, &mask);

	cr_assert_eq(rr_register_iowq_aff(&ring, 0, &mask), -EINVAL);
	cr_assert_eq(rr_register_iowq_aff(&ring, sizeof(mask), NULL), -EINVAL);
	cr_assert_eq(rr_register_iowq_aff(&ring, sizeof(mask), &mask), 0);

	/* A forced-async read of an empty pipe parks an io-wq worker. */
	cr_assert_eq(pipe(pipefd), 0);
	struct io_uring_sqe *sqe = must_get_sqe(&ring);
	rr_prep_read(sqe, pipefd[0], &c, 1, 0);
	rr_sqe_async(sqe);
	cr_assert_eq(rr_submit(&ring), 1);
	pid_t tid = find_iowq_worker();
	cr_assert_geq(tid, 0, "no io-wq worker appeared");
	cr_assert_eq(sched_getaffinity(tid, sizeof(worker), &worker), 0);
	cr_assert(CPU_EQUAL(&worker, &mask), "the worker runs on CPU %d only (%d CPUs)",
		  target, CPU_COUNT(&worker));

	cr_assert_eq(write(pipefd[1], "w", 1), 1);
	struct io_uring_cqe *cqe = wait_cqe_ms(&ring, 5000);
	cr_assert_eq(cqe->res, 1);
	rr_cqe_seen(&ring, cqe);
	cr_assert_eq(rr_unregister_iowq_aff(&ring), 0);
	close(pipefd[0]);
	close(pipefd[1]);
	rr_ring_exit(&ring);
}

Test(register_ops, iowq_max_workers_returns_the_old_limits)
{
	struct rr_ring ring;

	ring_init_or_skip(&ring, 4, 0);
	unsigned old[2] = { 0, 0 };
	cr_assert_eq(rr_register_iowq_max_workers(&ring, old), 0, "{0, 0} reads");
	cr_assert_gt(old[IO_WQ_BOUND], 0u);
	cr_assert_gt(old[IO_WQ_UNBOUND], 0u);

	unsigned limits[2] = { 3, 5 };
	cr_assert_eq(rr_register_iowq_max_workers(&ring, limits), 0);
	cr_assert_eq(limits[IO_WQ_BOUND], old[IO_WQ_BOUND], "the previous limits");
	cr_assert_eq(limits[IO_WQ_UNBOUND], old[IO_WQ_UNBOUND]);

	unsigned now[2] = { 0, 7 };
	cr_assert_eq(rr_register_iowq_max_workers(&ring, now), 0);
	cr_assert_eq(now[IO_WQ_BOUND], 3u);
	cr_assert_eq(now[IO_WQ_UNBOUND], 5u);
	unsigned check[2] = { 0, 0 };
	cr_assert_eq(rr_register_iowq_max_workers(&ring, check), 0);
	cr_assert_eq(check[IO_WQ_BOUND], 3u, "0 left the bound limit alone");
	cr_assert_eq(check[IO_WQ_UNBOUND], 7u);

	unsigned too_many[2] = { 0x80000000u, 0 };
	cr_assert_eq(rr_register_iowq_max_workers(&ring, too_many), -EINVAL);
	cr_assert_eq(rr_register_iowq_max_workers(&ring, NULL), -EINVAL);
	rr_ring_exit(&ring);
}

/* ---- cancellation ------------------------------------------------------- */

static struct rr_sync_cancel_reg cancel_reg(__u64 user_data, unsigned flags)
{
	struct rr_sync_cancel_reg reg;

	memset(&reg, 0, sizeof(reg));
	reg.addr = user_data;
	reg.flags = flags;
	reg.timeout.tv_sec = -1;
	reg.timeout.tv_nsec = -1;
	return reg;
}

static void submit_recv(struct rr_ring *ring, int fd, char *buf, __u64 user_data)
{
	struct io_uring_sqe *sqe = must_get_sqe(ring);
	rr_prep_recv(sqe, fd, buf, 16, 0);
	rr_sqe_set_data64(sqe, user_data);
	cr_assert_eq(rr_submit(ring), 1);
}

static void expect_cancelled(struct rr_ring *ring, __u64 user_data)
{
	struct io_uring_cqe *cqe = wait_cqe_ms(ring, 5000);
	cr_assert_eq(cqe->user_data, user_data);
	cr_assert_eq(cqe->res, -ECANCELED);
	rr_cqe_seen(ring, cqe);
}

Test(register_ops, sync_cancel_cancels_a_pending_recv)
{
	struct rr_ring ring;
	int fds[2];
	char buf[16];

	ring_init_or_skip(&ring, 8, 0);
	stream_pair(fds);

	submit_recv(&ring, fds[0], buf, 0x5C);
	expect_no_cqe(&ring); /* nothing to read: it waits */
	struct rr_sync_cancel_reg reg = cancel_reg(0x5C, 0);
	cr_assert_eq(rr_register_sync_cancel(&ring, &reg), 0);
	expect_cancelled(&ring, 0x5C);
	reg = cancel_reg(0x5C, 0);
	cr_assert_eq(rr_register_sync_cancel(&ring, &reg), -ENOENT);

	/* By fd, and all of them: the count. */
	submit_recv(&ring, fds[0], buf, 1);
	submit_recv(&ring, fds[0], buf, 2);
	reg = cancel_reg(0, IORING_ASYNC_CANCEL_FD | IORING_ASYNC_CANCEL_ALL);
	reg.fd = fds[0];
	cr_assert_eq(rr_register_sync_cancel(&ring, &reg), 2);
	for (int i = 0; i < 2; i++) {
		struct io_uring_cqe *cqe = wait_cqe_ms(&ring, 5000);
		cr_assert_eq(cqe->res, -ECANCELED);
		rr_cqe_seen(&ring, cqe);
	}

	/* By opcode (6.6): the field the 6.1 header does not have. */
	submit_recv(&ring, fds[0], buf, 3);
	reg = cancel_reg(0, IORING_ASYNC_CANCEL_OP);
	reg.opcode = IORING_OP_RECV;
	int ret = rr_register_sync_cancel(&ring, &reg);
	if (ret == -EINVAL) {
		reg = cancel_reg(3, 0); /* kernel before 6.6: clean up by user_data */
		cr_assert_eq(rr_register_sync_cancel(&ring, &reg), 0);
	} else {
		cr_assert_eq(ret, 0, "%s", strerror(-ret));
	}
	expect_cancelled(&ring, 3);

	reg = cancel_reg(0, 1u << 30);
	cr_assert_eq(rr_register_sync_cancel(&ring, &reg), -EINVAL, "unknown flag");
	close(fds[0]);
	close(fds[1]);
	rr_ring_exit(&ring);
}

/* ---- direct descriptors ------------------------------------------------- */

static int open_direct_alloc(struct rr_ring *ring, const char *path)
{
	struct io_uring_sqe *sqe = must_get_sqe(ring);
	rr_prep_openat(sqe, AT_FDCWD, path, O_RDONLY, 0);
	sqe->file_index = IORING_FILE_INDEX_ALLOC;
	return run_one(ring);
}

Test(register_ops, file_alloc_range_makes_index_alloc_pick_from_it)
{
	struct rr_ring ring, bare;
	char path[256];
	unsigned char buf[16];

	ring_init_or_skip(&ring, 8, 0);
	int fd = temp_file(64, 61, path, sizeof(path));
	close(fd);
	cr_assert_eq(rr_register_files_sparse(&ring, 16), 0);

	cr_assert_eq(open_direct_alloc(&ring, path), 0, "without a range: slot 0");
	cr_assert_eq(rr_register_file_alloc_range(&ring, 4, 4), 0);
	cr_assert_eq(open_direct_alloc(&ring, path), 4, "the range's first slot");
	cr_assert_eq(open_direct_alloc(&ring, path), 5);
	cr_assert_eq(read_slot(&ring, 5, buf), 16);
	cr_assert_eq(buf[3], pattern_byte(61, 3));
	cr_assert_eq(open_direct_alloc(&ring, path), 6);
	cr_assert_eq(open_direct_alloc(&ring, path), 7);
	cr_assert_eq(open_direct_alloc(&ring, path), -ENFILE, "the range is full");

	cr_assert_eq(rr_register_file_alloc_range(&ring, 14, 4), -EINVAL,
		     "past the table");
	ring_init_or_skip(&bare, 4, 0);
	cr_assert_eq(rr_register_file_alloc_range(&bare, 0, 1), -EINVAL,
		     "no table: every range is past it");
	rr_ring_exit(&bare);
	remove_file(path);
	rr_ring_exit(&ring);
}

/* ---- provided buffer rings ----------------------------------------------- */

/* A recv on `fd` with a buffer from group `group`; its CQE's res, flags. */
static int recv_selected(struct rr_ring *ring, int fd, unsigned short group,
			 unsigned *flags)
{
	struct io_uring_sqe *sqe = must_get_sqe(ring);
	rr_prep_recv(sqe, fd, NULL, 0, 0);
	rr_sqe_buffer_select(sqe, group);
	cr_assert_eq(rr_submit(ring), 1);
	struct io_uring_cqe *cqe = wait_cqe_ms(ring, 5000);
	int res = cqe->res;
	*flags = cqe->flags;
	rr_cqe_seen(ring, cqe);
	return res;
}

Test(register_ops, pbuf_status_reports_the_head)
{
	struct rr_ring ring;
	struct rr_buf_ring br;
	static char bufs[8][64];
	int fds[2];
	unsigned flags;
	uint16_t head = 99;

	ring_init_or_skip(&ring, 8, 0);
	int ret = rr_register_buf_ring(&ring, &br, 8, 3);
	if (ret == -EINVAL)
		cr_skip_test("kernel older than 5.19: no provided buffer rings");
	cr_assert_eq(ret, 0);
	ret = rr_buf_ring_head(&ring, 3, &head);
	skip_if_missing(ret, RR_IORING_REGISTER_PBUF_STATUS, "IORING_REGISTER_PBUF_STATUS (6.8)");
	cr_assert_eq(ret, 0, "%s", strerror(-ret));
	cr_assert_eq(head, 0);
	cr_assert_eq(rr_buf_ring_available(&ring, &br), 0);
	for (unsigned short i = 0; i < 8; i++)
		rr_buf_ring_add(&br, bufs[i], sizeof(bufs[i]), i, i);
	rr_buf_ring_advance(&br, 8);
	cr_assert_eq(rr_buf_ring_available(&ring, &br), 8);

	stream_pair(fds);
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(write(fds[1], "xyz", 3), 3);
		cr_assert_eq(recv_selected(&ring, fds[0], 3, &flags), 3);
		cr_assert(flags & IORING_CQE_F_BUFFER);
		cr_assert_eq(flags >> IORING_CQE_BUFFER_SHIFT, (unsigned)i);
	}
	cr_assert_eq(rr_buf_ring_head(&ring, 3, &head), 0);
	cr_assert_eq(head, 3, "three buffers consumed");
	cr_assert_eq(rr_buf_ring_available(&ring, &br), 5);
	cr_assert_eq(rr_buf_ring_head(&ring, 9, &head), -ENOENT, "no such group");
	cr_assert_eq(rr_buf_ring_head(&ring, 3, NULL), -EINVAL);
	cr_assert_eq(rr_unregister_buf_ring(&ring, &br), 0);
	close(fds[0]);
	close(fds[1]);
	rr_ring_exit(&ring);
}

Test(register_ops, incremental_buffer_ring_consumes_a_buffer_in_pieces)
{
	struct rr_ring ring;
	struct rr_buf_ring br;
	enum { BUFSZ = 4096 };
	static char bufs[2][BUFSZ];
	static char data[BUFSZ];
	int fds[2];
	unsigned flags;
	uint16_t head;

	ring_init_or_skip(&ring, 8, 0);
	int ret = rr_register_buf_ring_flags(&ring, &br, 4, 7, RR_IOU_PBUF_RING_INC);
	if (ret == -EINVAL)
		cr_skip_test("kernel older than 6.12: no IOU_PBUF_RING_INC");
	cr_assert_eq(ret, 0, "%s", strerror(-ret));
	cr_assert_eq(br.flags, RR_IOU_PBUF_RING_INC);
	rr_buf_ring_add(&br, bufs[0], BUFSZ, 0, 0);
	rr_buf_ring_add(&br, bufs[1], BUFSZ, 1, 1);
	rr_buf_ring_advance(&br, 2);
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (char)('a' + i % 26);

	stream_pair(fds);
	/* 100 bytes: buffer 0 from its start, and it stays the kernel's. */
	cr_assert_eq(write(fds[1], data, 100), 100);
	cr_assert_eq(recv_selected(&ring, fds[0], 7, &flags), 100);
	cr_assert(flags & IORING_CQE_F_BUFFER);
	cr_assert_eq(flags >> IORING_CQE_BUFFER_SHIFT, 0u);
	cr_assert(flags & IORING_CQE_F_BUF_MORE, "partly used: F_BUF_MORE");
	cr_assert_eq(memcmp(bufs[0], data, 100), 0);

	/* 200 more: the same buffer, right after the first 100 bytes. */
	cr_assert_eq(write(fds[1], data + 100, 200), 200);
	cr_assert_eq(recv_selected(&ring, fds[0], 7, &flags), 200);
	cr_assert_eq(flags >> IORING_CQE_BUFFER_SHIFT, 0u);
	cr_assert(flags & IORING_CQE_F_BUF_MORE);
	cr_assert_eq(memcmp(bufs[0], data, 300), 0, "data follows in the buffer");
	/* The kernel moved the entry on, and did not move the head. */
	cr_assert_eq(br.bufs->bufs[0].addr, (__u64)(uintptr_t)(bufs[0] + 300));
	cr_assert_eq(br.bufs->bufs[0].len, BUFSZ - 300u);
	if (rr_buf_ring_head(&ring, 7, &head) == 0)
		cr_assert_eq(head, 0, "buffer 0 is still in use");

	/* The rest of buffer 0 exactly: used up, no F_BUF_MORE, head moves. */
	cr_assert_eq(write(fds[1], data + 300, BUFSZ - 300), BUFSZ - 300);
	cr_assert_eq(recv_selected(&ring, fds[0], 7, &flags), BUFSZ - 300);
	cr_assert_eq(flags >> IORING_CQE_BUFFER_SHIFT, 0u);
	cr_assert_eq(flags & IORING_CQE_F_BUF_MORE, 0u, "buffer 0 is ours again");
	cr_assert_eq(memcmp(bufs[0], data, BUFSZ), 0);
	if (rr_buf_ring_head(&ring, 7, &head) == 0)
		cr_assert_eq(head, 1);

	/* The next receive starts buffer 1. */
	cr_assert_eq(write(fds[1], "next", 4), 4);
	cr_assert_eq(recv_selected(&ring, fds[0], 7, &flags), 4);
	cr_assert_eq(flags >> IORING_CQE_BUFFER_SHIFT, 1u);
	cr_assert(flags & IORING_CQE_F_BUF_MORE);
	cr_assert_eq(memcmp(bufs[1], "next", 4), 0);
	cr_assert_eq(rr_unregister_buf_ring(&ring, &br), 0);
	close(fds[0]);
	close(fds[1]);
	rr_ring_exit(&ring);
}

Test(register_ops, kernel_allocated_buffer_ring_is_mapped)
{
	struct rr_ring ring;
	struct rr_buf_ring br;
	static char bufs[4][32];
	int fds[2];
	unsigned flags;

	ring_init_or_skip(&ring, 8, 0);
	int ret = rr_register_buf_ring_flags(&ring, &br, 4, 12, RR_IOU_PBUF_RING_MMAP);
	if (ret == -EINVAL)
		cr_skip_test("kernel older than 6.4: no IOU_PBUF_RING_MMAP");
	cr_assert_eq(ret, 0, "%s", strerror(-ret));
	cr_assert_not_null(br.bufs);
	cr_assert_eq(br.bufs->tail, 0, "the kernel's zeroed ring");
	for (unsigned short i = 0; i < 4; i++)
		rr_buf_ring_add(&br, bufs[i], sizeof(bufs[i]), (unsigned short)(10 + i), i);
	rr_buf_ring_advance(&br, 4);

	stream_pair(fds);
	for (int i = 0; i < 6; i++) {
		char msg[8];
		int len = snprintf(msg, sizeof(msg), "m%d", i);
		cr_assert_eq(write(fds[1], msg, (size_t)len), len);
		cr_assert_eq(recv_selected(&ring, fds[0], 12, &flags), len);
		unsigned short bid = (unsigned short)(flags >> IORING_CQE_BUFFER_SHIFT);
		cr_assert_eq(bid, 10 + i % 4, "the ids staged in the mapped ring");
		cr_assert_eq(memcmp(bufs[bid - 10], msg, (size_t)len), 0);
		rr_buf_ring_add(&br, bufs[bid - 10], sizeof(bufs[0]), bid, 0);
		rr_buf_ring_advance(&br, 1);
	}
	struct rr_buf_ring again;
	cr_assert_eq(rr_register_buf_ring_flags(&ring, &again, 4, 12,
						RR_IOU_PBUF_RING_MMAP), -EEXIST);
	cr_assert_eq(rr_register_buf_ring_flags(&ring, &again, 4, 13, 0x80), -EINVAL);
	cr_assert_eq(rr_unregister_buf_ring(&ring, &br), 0);
	cr_assert_eq(rr_unregister_buf_ring(&ring, &br), -EINVAL);
	close(fds[0]);
	close(fds[1]);
	rr_ring_exit(&ring);
}

/* ---- NAPI and the clock --------------------------------------------------- */

Test(register_ops, napi_register_on_a_socket_ring_reports_the_old_settings)
{
	struct rr_ring ring;
	uint16_t port;
	char buf[8];

	ring_init_or_skip(&ring, 8, 0);
	int listener = listen_loopback(&port);
	int client = connect_loopback(port);
	int server = accept_blocking(listener);

	struct rr_napi napi;
	memset(&napi, 0, sizeof(napi));
	napi.busy_poll_to = 50;
	napi.prefer_busy_poll = 1;
	int ret = rr_register_napi(&ring, &napi);
	skip_if_missing(ret, RR_IORING_REGISTER_NAPI, "IORING_REGISTER_NAPI (6.9)");
	if (ret == -EOPNOTSUPP)
		cr_skip_test("kernel built without CONFIG_NET_RX_BUSY_POLL");
	cr_assert_eq(ret, 0, "%s", strerror(-ret));
	cr_assert_eq(napi.busy_poll_to, 0u, "no busy polling before");
	cr_assert_eq(napi.prefer_busy_poll, 0);

	/* A receive on the socket still completes with busy polling on. */
	struct io_uring_sqe *sqe = must_get_sqe(&ring);
	rr_prep_recv(sqe, server, buf, sizeof(buf), 0);
	cr_assert_eq(rr_submit(&ring), 1);
	cr_assert_eq(sock_send(client, "napi", 4), 4);
	struct io_uring_cqe *cqe = wait_cqe_ms(&ring, 5000);
	cr_assert_eq(cqe->res, 4);
	rr_cqe_seen(&ring, cqe);

	memset(&napi, 0, sizeof(napi));
	napi.busy_poll_to = 100;
	cr_assert_eq(rr_register_napi(&ring, &napi), 0);
	cr_assert_eq(napi.busy_poll_to, 50u, "the previous timeout");
	cr_assert_eq(napi.prefer_busy_poll, 1);

	memset(&napi, 0, sizeof(napi));
	cr_assert_eq(rr_unregister_napi(&ring, &napi), 0);
	cr_assert_eq(napi.busy_poll_to, 100u, "the settings in force");
	cr_assert_eq(napi.prefer_busy_poll, 0);
	cr_assert_eq(rr_unregister_napi(&ring, NULL), 0);

	memset(&napi, 0, sizeof(napi));
	napi.pad[1] = 1;
	cr_assert_eq(rr_register_napi(&ring, &napi), -EINVAL, "padding");
	close(server);
	close(client);
	close(listener);
	rr_ring_exit(&ring);
}

/* A wait for one CQE until the absolute `deadline_ns` of the ring's clock;
 * returns the enter's result and the milliseconds it took. */
static int wait_until(struct rr_ring *ring, uint64_t deadline_ns, uint64_t *ms)
{
	struct __kernel_timespec ts = {
		.tv_sec = (long long)(deadline_ns / 1000000000u),
		.tv_nsec = (long long)(deadline_ns % 1000000000u),
	};
	struct io_uring_getevents_arg arg;

	memset(&arg, 0, sizeof(arg));
	arg.ts = (__u64)(uintptr_t)&ts;
	uint64_t start = now_ns();
	int ret = rr_io_uring_enter2(ring->enter_fd, 0, 1,
				     IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG |
					     IORING_ENTER_ABS_TIMER | ring->enter_flags,
				     &arg, sizeof(arg));
	*ms = (now_ns() - start) / 1000000u;
	return ret;
}

Test(register_ops, clock_register_sets_the_clock_of_wait_timeouts)
{
	struct rr_ring ring;
	struct rr_clock_register clock_reg;
	uint64_t ms;

	ring_init_or_skip(&ring, 4, 0);
	memset(&clock_reg, 0, sizeof(clock_reg));
	clock_reg.clockid = CLOCK_MONOTONIC;
	int ret = rr_register_clock(&ring, &clock_reg);
	skip_if_missing(ret, RR_IORING_REGISTER_CLOCK, "IORING_REGISTER_CLOCK (6.10)");
	cr_assert_eq(ret, 0, "%s", strerror(-ret));
	clock_reg.clockid = CLOCK_REALTIME;
	cr_assert_eq(rr_register_clock(&ring, &clock_reg), -EINVAL,
		     "only MONOTONIC and BOOTTIME");
	clock_reg.clockid = CLOCK_BOOTTIME;
	clock_reg.resv[0] = 1;
	cr_assert_eq(rr_register_clock(&ring, &clock_reg), -EINVAL, "reserved word");
	clock_reg.resv[0] = 0;

	/* Absolute deadlines are read on the registered clock. */
	cr_assert_eq(rr_register_clock(&ring, &clock_reg), 0);
	ret = wait_until(&ring, clock_ns(CLOCK_BOOTTIME) + 50 * 1000000u, &ms);
	if (ret == -EINVAL)
		cr_skip_test("kernel older than 6.12: no IORING_ENTER_ABS_TIMER");
	cr_assert_eq(ret, -ETIME);
	cr_assert_geq(ms, 40u, "woke after %llu ms", (unsigned long long)ms);
	cr_assert_lt(ms, 2000u);

	/* Where the clocks differ (time spent suspended), a monotonic
	 * deadline on the boot-time clock is far in the past.  On a machine
	 * that never slept they agree, and only the above can be seen. */
	int64_t apart = (int64_t)(clock_ns(CLOCK_BOOTTIME) - clock_ns(CLOCK_MONOTONIC));
	if (apart > 1000000000) {
		cr_assert_eq(wait_until(&ring, clock_ns(CLOCK_MONOTONIC) + 500000000u,
					&ms), -ETIME);
		cr_assert_lt(ms, 100u, "the deadline had passed on the boot clock");
	}

	clock_reg.clockid = CLOCK_MONOTONIC;
	cr_assert_eq(rr_register_clock(&ring, &clock_reg), 0);
	cr_assert_eq(wait_until(&ring, clock_ns(CLOCK_MONOTONIC) + 30 * 1000000u, &ms),
		     -ETIME);
	cr_assert_geq(ms, 20u);
	cr_assert_lt(ms, 2000u);
	cr_assert_eq(rr_register_clock(&ring, NULL), -EINVAL);
	rr_ring_exit(&ring);
}

/* ---- without a ring ------------------------------------------------------ */

Test(register_ops, sync_msg_posts_a_cqe_to_another_ring)
{
	struct rr_ring target;
	struct io_uring_sqe sqe;

	ring_init_or_skip(&target, 4, 0);
	memset(&sqe, 0, sizeof(sqe));
	rr_prep_msg_ring(&sqe, target.ring_fd, 77, 0xfeed, 0);
	int ret = rr_register_sync_msg(&sqe);
	skip_if_missing(ret, RR_IORING_REGISTER_SEND_MSG_RING,
			"IORING_REGISTER_SEND_MSG_RING (6.13)");
	cr_assert_eq(ret, 0, "%s", strerror(-ret));
	struct io_uring_cqe *cqe = wait_cqe_ms(&target, 5000);
	cr_assert_eq(cqe->user_data, 0xfeedu);
	cr_assert_eq(cqe->res, 77);
	rr_cqe_seen(&target, cqe);

	sqe.flags = IOSQE_IO_LINK;
	cr_assert_eq(rr_register_sync_msg(&sqe), -EINVAL, "no SQE flags");
	sqe.flags = 0;
	sqe.opcode = IORING_OP_NOP;
	cr_assert_eq(rr_register_sync_msg(&sqe), -EINVAL, "only MSG_RING");
	cr_assert_eq(rr_register_sync_msg(NULL), -EINVAL);
	expect_no_cqe(&target);
	rr_ring_exit(&target);
}

Test(register_ops, query_reports_opcodes_and_features)
{
	struct rr_ring ring;
	struct rr_probe probe;
	struct rr_query_opcode op;
	struct rr_query_scq scq;
	struct rr_query_hdr hdr, second;

	ring_init_or_skip(&ring, 4, 0);
	cr_assert_eq(rr_probe_ring(&ring, &probe), 0);
	memset(&op, 0, sizeof(op));
	memset(&scq, 0, sizeof(scq));
	memset(&hdr, 0, sizeof(hdr));
	memset(&second, 0, sizeof(second));
	hdr.query_op = RR_IO_URING_QUERY_OPCODES;
	hdr.query_data = (__u64)(uintptr_t)&op;
	hdr.size = sizeof(op);
	hdr.next_entry = (__u64)(uintptr_t)&second;
	second.query_op = 99; /* no such query */
	second.query_data = (__u64)(uintptr_t)&scq;
	second.size = sizeof(scq);

	int ret = rr_register_query(&hdr);
	if (ret == -EINVAL)
		cr_skip_test("kernel older than 6.18: no IORING_REGISTER_QUERY");
	cr_assert_eq(ret, 0, "%s", strerror(-ret));
	cr_assert_eq(hdr.result, 0);
	cr_assert_geq(hdr.size, 40u, "at least up to sqe_flags");
	cr_assert_eq(op.nr_request_opcodes, probe.last_op + 1u, "as the probe says");
	cr_assert_gt(op.nr_register_opcodes, RR_IORING_REGISTER_QUERY);
	cr_assert_eq(op.feature_flags & ring.features, ring.features);
	cr_assert(op.ring_setup_flags & IORING_SETUP_DEFER_TASKRUN);
	cr_assert(op.enter_flags & IORING_ENTER_GETEVENTS);
	cr_assert(op.sqe_flags & IOSQE_FIXED_FILE);
	cr_assert_eq(second.result, -EOPNOTSUPP, "each query has its own result");
	cr_assert_eq(rr_register_query(NULL), -EINVAL);
	rr_ring_exit(&ring);
}

/* ---- resizing ------------------------------------------------------------ */

static void nops(struct rr_ring *ring, unsigned count, __u64 first)
{
	submit_nops(ring, count, first);
}

/* The NOPs, and nothing after them. */
static void reap_in_order(struct rr_ring *ring, unsigned count, __u64 first)
{
	reap_nops(ring, count, first);
	cr_assert_eq(rr_cq_ready(ring), 0u);
}

static struct io_uring_params resize_params(unsigned sq, unsigned cq)
{
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	p.sq_entries = sq;
	p.cq_entries = cq;
	p.flags = IORING_SETUP_CQSIZE;
	return p;
}

static void resizable_ring_or_skip(struct rr_ring *ring, unsigned entries,
				   unsigned extra_flags)
{
	int ret = rr_ring_init(entries, ring, IORING_SETUP_SINGLE_ISSUER |
					      IORING_SETUP_DEFER_TASKRUN | extra_flags);
	if (ret == -EINVAL)
		cr_skip_test("kernel older than 6.1: no IORING_SETUP_DEFER_TASKRUN");
	if (ret == -EPERM || ret == -ENOSYS)
		cr_skip_test("io_uring is unavailable here");
	cr_assert_eq(ret, 0, "%s", strerror(-ret));
}

Test(register_ops, resize_keeps_the_ring_working)
{
	struct rr_ring ring;

	resizable_ring_or_skip(&ring, 8, 0);
	nops(&ring, 8, 100);
	reap_in_order(&ring, 8, 100);
	nops(&ring, 3, 1); /* waiting in the CQ across the resize */

	struct io_uring_params p = resize_params(64, 256);
	int ret = rr_resize_rings(&ring, &p);
	skip_if_missing(ret, RR_IORING_REGISTER_RESIZE_RINGS,
			"IORING_REGISTER_RESIZE_RINGS (6.13)");
	cr_assert_eq(ret, 0, "%s", strerror(-ret));
	cr_assert_eq(p.sq_entries, 64u);
	cr_assert_eq(p.cq_entries, 256u);
	cr_assert_eq(ring.sq.ring_entries, 64u);
	cr_assert_eq(ring.sq.ring_mask, 63u);
	cr_assert_eq(ring.cq.ring_entries, 256u);
	cr_assert_eq(ring.params.sq_entries, 64u);
	cr_assert_eq(ring.params.sq_off.array, p.sq_off.array);
	cr_assert_gt(p.sq_off.array, p.cq_off.cqes, "the index array after the CQEs");
	reap_in_order(&ring, 3, 1);

	/* The whole new SQ, then round the CQ several times. */
	cr_assert_eq(rr_sq_space_left(&ring), 64u);
	nops(&ring, 64, 1000);
	reap_in_order(&ring, 64, 1000);
	for (unsigned round = 0; round < 10; round++) {
		nops(&ring, 60, round * 100);
		reap_in_order(&ring, 60, round * 100);
	}

	/* Smaller than it began, through the registered ring fd. */
	cr_assert_eq(rr_register_ring_fd(&ring), 0);
	p = resize_params(4, 8);
	cr_assert_eq(rr_resize_rings(&ring, &p), 0);
	cr_assert_eq(ring.sq.ring_entries, 4u);
	cr_assert_eq(ring.cq.ring_entries, 8u);
	for (unsigned round = 0; round < 10; round++) {
		nops(&ring, 4, round * 10);
		reap_in_order(&ring, 4, round * 10);
	}
	rr_ring_exit(&ring);
}

Test(register_ops, resize_refuses_what_it_cannot_do_correctly)
{
	struct rr_ring ring, plain;

	resizable_ring_or_skip(&ring, 16, 0);
	struct io_uring_params p = resize_params(16, 32);
	int ret = rr_resize_rings(&ring, &p);
	skip_if_missing(ret, RR_IORING_REGISTER_RESIZE_RINGS,
			"IORING_REGISTER_RESIZE_RINGS (6.13)");
	cr_assert_eq(ret, 0, "%s", strerror(-ret));

	/* More SQEs waiting than the new SQ holds: -EOVERFLOW, nothing lost. */
	for (unsigned i = 0; i < 6; i++) {
		struct io_uring_sqe *sqe = must_get_sqe(&ring);
		rr_prep_nop(sqe);
		rr_sqe_set_data64(sqe, 40 + i);
	}
	p = resize_params(4, 32);
	cr_assert_eq(rr_resize_rings(&ring, &p), -EOVERFLOW);
	cr_assert_eq(ring.sq.ring_entries, 16u);
	cr_assert_eq(rr_submit_and_wait(&ring, 6), 6);
	reap_in_order(&ring, 6, 40);

	/* CQEs that would not fit the new CQ: -EOVERFLOW, nothing changed. */
	nops(&ring, 16, 200);
	nops(&ring, 12, 216);
	p = resize_params(4, 8);
	cr_assert_eq(rr_resize_rings(&ring, &p), -EOVERFLOW);
	cr_assert_eq(ring.cq.ring_entries, 32u);
	reap_in_order(&ring, 28, 200);
	nops(&ring, 16, 300);
	reap_in_order(&ring, 16, 300);

	p = resize_params(16, 32);
	p.flags |= IORING_SETUP_SQPOLL;
	cr_assert_eq(rr_resize_rings(&ring, &p), -EINVAL, "only CQSIZE and CLAMP");
	cr_assert_eq(rr_resize_rings(&ring, NULL), -EINVAL);

	ring_init_or_skip(&plain, 4, 0);
	p = resize_params(8, 16);
	cr_assert_eq(rr_resize_rings(&plain, &p), -EINVAL, "not DEFER_TASKRUN");
	rr_ring_exit(&plain);
	rr_ring_exit(&ring);
}

/*
 * SQEs got and filled but not submitted, some already published to the
 * kernel's tail and some not, cross the resize: each is submitted once
 * after it, whole (both halves of a 128-byte SQE), in order.
 */
static void resize_carries_unsubmitted_sqes(unsigned extra_flags)
{
	struct rr_ring ring;
	size_t sqe_size = (extra_flags & IORING_SETUP_SQE128) ? 128 : 64;

	resizable_ring_or_skip(&ring, 8, extra_flags);
	/* Round the SQ once so the waiting SQEs sit across the wrap. */
	nops(&ring, 6, 0);
	reap_in_order(&ring, 6, 0);
	for (unsigned i = 0; i < 5; i++) {
		struct io_uring_sqe *sqe = must_get_sqe(&ring);
		rr_prep_nop(sqe);
		rr_sqe_set_data64(sqe, 500 + i);
		if (sqe_size == 128)
			memset((char *)sqe + 64, 0x50 + (int)i, 64);
		if (i == 1) { /* the first two reach the kernel's tail now */
			ring.sq.sqe_head = ring.sq.sqe_tail;
			rr_store_release(ring.sq.ktail, ring.sq.sqe_tail);
		}
	}
	struct io_uring_params p = resize_params(16, 64);
	int ret = rr_resize_rings(&ring, &p);
	skip_if_missing(ret, RR_IORING_REGISTER_RESIZE_RINGS,
			"IORING_REGISTER_RESIZE_RINGS (6.13)");
	cr_assert_eq(ret, 0, "%s", strerror(-ret));
	cr_assert_eq(rr_sq_ready(&ring), 5u, "all five wait in the new SQ");

	/* In the new SQE array, at the slots their SQ positions map to. */
	unsigned head = rr_load_acquire(ring.sq.khead);
	for (unsigned i = 0; i < 5; i++) {
		unsigned slot = (head + i) & ring.sq.ring_mask;
		const char *sqe = (const char *)ring.sq.sqes + slot * sqe_size;
		cr_assert_eq(((const struct io_uring_sqe *)sqe)->user_data, 500 + i);
		for (size_t b = 64; b < sqe_size; b++)
			cr_assert_eq((unsigned char)sqe[b], 0x50 + i,
				     "SQE %u byte %zu not carried", i, b);
	}
	cr_assert_eq(rr_submit_and_wait(&ring, 5), 5);
	reap_in_order(&ring, 5, 500);
	cr_assert_eq(rr_submit(&ring), 0, "nothing submitted twice");
	nops(&ring, 16, 600);
	reap_in_order(&ring, 16, 600);
	rr_ring_exit(&ring);
}

Test(register_ops, resize_carries_unsubmitted_sqes)
{
	resize_carries_unsubmitted_sqes(0);
}

Test(register_ops, resize_carries_unsubmitted_128_byte_sqes)
{
	resize_carries_unsubmitted_sqes(IORING_SETUP_SQE128);
}

Test(register_ops, resize_of_a_ring_without_sq_array)
{
	struct rr_ring ring;

	resizable_ring_or_skip(&ring, 4, IORING_SETUP_NO_SQARRAY);
	nops(&ring, 2, 7);
	struct io_uring_params p = resize_params(32, 32);
	int ret = rr_resize_rings(&ring, &p);
	skip_if_missing(ret, RR_IORING_REGISTER_RESIZE_RINGS,
			"IORING_REGISTER_RESIZE_RINGS (6.13)");
	cr_assert_eq(ret, 0, "%s", strerror(-ret));
	cr_assert_null(ring.sq.array);
	reap_in_order(&ring, 2, 7);
	for (unsigned round = 0; round < 4; round++) {
		nops(&ring, 32, round * 100);
		reap_in_order(&ring, 32, round * 100);
	}

	/* The kernel writes the layout flags the ring keeps into *p: a *p
	 * written by one resize can be passed to the next with new sizes,
	 * and a layout flag the ring does not have is still refused. */
	cr_assert(p.flags & IORING_SETUP_NO_SQARRAY, "flags %#x", p.flags);
	p.sq_entries = 8;
	p.cq_entries = 16;
	cr_assert_eq(rr_resize_rings(&ring, &p), 0);
	cr_assert_eq(ring.sq.ring_entries, 8u);
	nops(&ring, 8, 900);
	reap_in_order(&ring, 8, 900);
	p = resize_params(16, 32);
	p.flags |= IORING_SETUP_CQE32;
	cr_assert_eq(rr_resize_rings(&ring, &p), -EINVAL);
	rr_ring_exit(&ring);
}

/* ---- memory regions and registered waits ---------------------------------- */

static void wait_region_checks(struct rr_ring *ring, struct rr_reg_wait *waits,
			       unsigned capacity)
{
	struct io_uring_cqe *cqe;

	/* Entry 2: a 50 ms timeout.  Nothing comes: -ETIME after it. */
	waits[2].ts.tv_nsec = 50 * 1000000;
	waits[2].flags = RR_IORING_REG_WAIT_TS;
	uint64_t start = now_ns();
	cr_assert_eq(rr_submit_and_wait_reg(ring, &cqe, 1, 2), -ETIME);
	uint64_t ms = (now_ns() - start) / 1000000u;
	cr_assert_geq(ms, 40u, "%llu ms", (unsigned long long)ms);
	cr_assert_lt(ms, 2000u);
	cr_assert_null(cqe);

	/* A NOP submitted by the same call completes the wait. */
	struct io_uring_sqe *sqe = must_get_sqe(ring);
	rr_prep_nop(sqe);
	rr_sqe_set_data64(sqe, 0x42);
	cr_assert_eq(rr_submit_and_wait_reg(ring, &cqe, 1, 2), 0);
	cr_assert_eq(cqe->user_data, 0x42u);
	rr_cqe_seen(ring, cqe);

	/* Entry 0 (offset 0) with no timeout, and the kernel reads the entry
	 * on each wait: a changed timeout counts. */
	memset(&waits[0], 0, sizeof(waits[0]));
	rr_prep_nop(must_get_sqe(ring));
	cr_assert_eq(rr_submit_and_wait_reg(ring, &cqe, 1, 0), 0);
	rr_cqe_seen(ring, cqe);
	waits[0].ts.tv_nsec = 10 * 1000000;
	waits[0].flags = RR_IORING_REG_WAIT_TS;
	cr_assert_eq(rr_submit_and_wait_reg(ring, &cqe, 1, 0), -ETIME);

	cr_assert_eq(rr_submit_and_wait_reg(ring, &cqe, 1, capacity), -EFAULT,
		     "past the region");
	waits[3].flags = 0x80;
	cr_assert_eq(rr_submit_and_wait_reg(ring, &cqe, 1, 3), -EINVAL, "unknown flag");
}

Test(register_ops, registered_wait_arguments_in_the_callers_memory)
{
	struct rr_ring ring, enabled;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	void *mem = mmap(NULL, page, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert_neq(mem, MAP_FAILED);
	struct rr_region_desc desc;
	memset(&desc, 0, sizeof(desc));
	desc.user_addr = (__u64)(uintptr_t)mem;
	desc.size = page;
	desc.flags = RR_IORING_MEM_REGION_TYPE_USER;
	struct rr_mem_region_reg reg;
	memset(&reg, 0, sizeof(reg));
	reg.region_uptr = (__u64)(uintptr_t)&desc;
	reg.flags = RR_IORING_MEM_REGION_REG_WAIT_ARG;

	ring_init_or_skip(&enabled, 4, 0);
	int ret = rr_register_region(&enabled, &reg);
	skip_if_missing(ret, RR_IORING_REGISTER_MEM_REGION,
			"IORING_REGISTER_MEM_REGION (6.13)");
	cr_assert_eq(ret, -EINVAL, "wait arguments only before the ring is enabled");
	rr_ring_exit(&enabled);

	ring_init_or_skip(&ring, 4, IORING_SETUP_R_DISABLED);
	cr_assert_eq(rr_register_region(&ring, &reg), 0);
	cr_assert_eq(rr_register_region(&ring, &reg), -EBUSY, "one region per ring");
	cr_assert_eq(rr_register_enable_rings(&ring), 0);
	wait_region_checks(&ring, mem, (unsigned)(page / sizeof(struct rr_reg_wait)));
	rr_ring_exit(&ring);
	munmap(mem, page);
}

Test(register_ops, registered_wait_arguments_in_kernel_memory)
{
	struct rr_ring ring;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	ring_init_or_skip(&ring, 4, IORING_SETUP_R_DISABLED);
	struct rr_region_desc desc;
	memset(&desc, 0, sizeof(desc));
	desc.size = page; /* no TYPE_USER: the kernel allocates */
	struct rr_mem_region_reg reg;
	memset(&reg, 0, sizeof(reg));
	reg.region_uptr = (__u64)(uintptr_t)&desc;
	reg.flags = RR_IORING_MEM_REGION_REG_WAIT_ARG;
	int ret = rr_register_region(&ring, &reg);
	skip_if_missing(ret, RR_IORING_REGISTER_MEM_REGION,
			"IORING_REGISTER_MEM_REGION (6.13)");
	cr_assert_eq(ret, 0, "%s", strerror(-ret));
	cr_assert_neq(desc.mmap_offset, 0u, "where to map it");
	void *mem = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED,
			 ring.ring_fd, (off_t)desc.mmap_offset);
	cr_assert_neq(mem, MAP_FAILED, "mmap at 0x%llx", (unsigned long long)desc.mmap_offset);
	cr_assert_eq(rr_register_enable_rings(&ring), 0);
	wait_region_checks(&ring, mem, (unsigned)(page / sizeof(struct rr_reg_wait)));
	munmap(mem, page);
	rr_ring_exit(&ring);
}

/* ---- the registered ring index, the probe, eventfds, refusals ------------ */

Test(register_ops, register_calls_go_through_the_registered_ring_index)
{
	struct rr_ring ring;
	struct rr_probe probe;

	ring_init_or_skip(&ring, 4, 0);
	int ret = rr_register_ring_fd(&ring);
	if (ret == -EINVAL)
		cr_skip_test("kernel older than 5.18: no registered ring fds");
	cr_assert_eq(ret, 0);
	if (!(ring.features & IORING_FEAT_REG_REG_RING))
		cr_skip_test("kernel older than 6.3: no IORING_FEAT_REG_REG_RING");

	/* Hide the real fd behind an eventfd: a call that used ring_fd would
	 * get the kernel's -EOPNOTSUPP (not an io_uring fd). */
	int real_fd = ring.ring_fd;
	int decoy = eventfd(0, EFD_CLOEXEC);
	cr_assert_geq(decoy, 0);
	ring.ring_fd = decoy;
	cr_assert_eq(rr_io_uring_register(decoy, IORING_REGISTER_PROBE, &probe, 0),
		     -EOPNOTSUPP);
	cr_assert_eq(rr_register_files_sparse(&ring, 4), 0);
	cr_assert_eq(rr_probe_ring(&ring, &probe), 0);
	cr_assert(rr_opcode_supported(&probe, IORING_OP_NOP));
	unsigned workers[2] = { 0, 0 };
	cr_assert_eq(rr_register_iowq_max_workers(&ring, workers), 0);
	cr_assert_eq(rr_unregister_files(&ring), 0);
	cr_assert_eq(rr_unregister_ring_fd(&ring), 0, "through its own index");

	/* Unregistered, calls use the fd again: the decoy's answer. */
	cr_assert_eq(rr_register_files_sparse(&ring, 4), -EOPNOTSUPP);
	ring.ring_fd = real_fd;
	ring.enter_fd = real_fd;
	close(decoy);
	cr_assert_eq(rr_register_files_sparse(&ring, 4), 0);
	rr_ring_exit(&ring);
}

Test(register_ops, probe_of_any_length)
{
	struct rr_ring ring;
	struct rr_probe full, part;

	ring_init_or_skip(&ring, 4, 0);
	cr_assert_eq(rr_probe_ring(&ring, &full), 0);
	/* All 256 entries asked for: every opcode the kernel knows is there. */
	cr_assert_eq(full.ops_len, full.last_op + 1u);
	for (unsigned i = 0; i < full.ops_len; i++)
		cr_assert_eq(full.ops[i].op, i);

	/* Four entries: the kernel writes four and nothing past them. */
	memset(&part, 0xAB, sizeof(part));
	cr_assert_eq(rr_register_probe(&ring, (struct io_uring_probe *)(void *)&part, 4), 0);
	cr_assert_eq(part.last_op, full.last_op);
	cr_assert_eq(part.ops_len, 4);
	for (unsigned i = 0; i < 4; i++) {
		cr_assert_eq(part.ops[i].op, i);
		cr_assert_eq(part.ops[i].flags, full.ops[i].flags);
	}
	cr_assert_eq(part.ops[4].op, 0xAB, "untouched");
	cr_assert(rr_opcode_supported(&part, IORING_OP_NOP));
	cr_assert_not(rr_opcode_supported(&part, 4), "outside what was asked");

	cr_assert_eq(rr_register_probe(&ring, (struct io_uring_probe *)(void *)&part, 0), 0);
	cr_assert_eq(part.ops_len, 0);
	cr_assert_eq(part.last_op, full.last_op);
	cr_assert_eq(rr_register_probe(&ring, (struct io_uring_probe *)(void *)&part, 257),
		     -EINVAL);
	cr_assert_eq(rr_register_probe(&ring, NULL, 4), -EINVAL);
	rr_ring_exit(&ring);
}

Test(register_ops, async_eventfd_is_signalled_only_by_out_of_line_completions)
{
	struct rr_ring ring;
	uint64_t count;
	char buf[64];

	ring_init_or_skip(&ring, 4, 0);
	int fd = temp_file(64, 71, NULL, 0);
	int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	cr_assert_geq(efd, 0);
	cr_assert_eq(rr_register_eventfd_async(&ring, efd), 0);
	cr_assert_eq(rr_register_eventfd(&ring, efd), -EBUSY);

	rr_prep_nop(must_get_sqe(&ring)); /* completes inline */
	cr_assert_eq(run_one(&ring), 0);
	cr_assert_eq(read(efd, &count, sizeof(count)), -1, "an inline NOP is not signalled");

	struct io_uring_sqe *sqe = must_get_sqe(&ring);
	rr_prep_read(sqe, fd, buf, sizeof(buf), 0);
	rr_sqe_async(sqe); /* completes in an io-wq worker */
	cr_assert_eq(run_one(&ring), (int)sizeof(buf));
	cr_assert_eq(read(efd, &count, sizeof(count)), (ssize_t)sizeof(count));
	cr_assert_geq(count, 1u);

	cr_assert_eq(rr_unregister_eventfd(&ring), 0);
	cr_assert_eq(rr_unregister_eventfd(&ring), -ENXIO);
	close(efd);
	close(fd);
	rr_ring_exit(&ring);
}

Test(register_ops, unwrapped_operations_are_refused)
{
	struct rr_ring ring;

	ring_init_or_skip(&ring, 4, 0);
	unsigned long long calls = ring.enter_calls;
	char blob[128];
	memset(blob, 0, sizeof(blob));
	cr_assert_eq(rr_register_bpf_filter(&ring, blob), -EOPNOTSUPP);
	cr_assert_eq(ring.enter_calls, calls);

	/* Calls on a NULL or exited ring are refused before the kernel. */
	cr_assert_eq(rr_register_personality(NULL), -EINVAL);
	rr_ring_exit(&ring);
	cr_assert_eq(rr_register_personality(&ring), -EBADF);
	cr_assert_eq(rr_register_files_sparse(&ring, 1), -EBADF);
	struct rr_probe probe;
	cr_assert_eq(rr_probe_ring(&ring, &probe), -EBADF);
}
