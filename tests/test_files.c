/* File and path operations, SQE flags, and messages between rings. */
#define _GNU_SOURCE
#include "driver/rr_test.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"

TestSuite(files, .timeout = 30);

/* A fresh directory under /var/tmp for path operations. */
static void temp_dir(char *path, size_t len)
{
	snprintf(path, len, "/var/tmp/rawring-dir-XXXXXX");
	cr_assert_not_null(mkdtemp(path));
}

Test(files, openat_statx_write_fsync_read_close)
{
	struct rr_ring ring;
	char dir[128], path[192], buf[32];
	struct statx stx;

	ring_init_or_skip(&ring, 4, 0);
	temp_dir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/file", dir);

	rr_prep_openat(must_get_sqe(&ring), AT_FDCWD, path,
		       O_CREAT | O_RDWR | O_CLOEXEC, 0640);
	int fd = run_one(&ring);
	cr_assert_geq(fd, 0, "openat: %s", strerror(-fd));

	rr_prep_write(must_get_sqe(&ring), fd, "hello, ring", 11, 0);
	cr_assert_eq(run_one(&ring), 11);
	rr_prep_fsync(must_get_sqe(&ring), fd, 0);
	cr_assert_eq(run_one(&ring), 0);
	rr_prep_fdatasync(must_get_sqe(&ring), fd);
	cr_assert_eq(run_one(&ring), 0);

	rr_prep_statx(must_get_sqe(&ring), AT_FDCWD, path, 0,
		      STATX_SIZE | STATX_MODE, &stx);
	cr_assert_eq(run_one(&ring), 0);
	cr_assert_eq(stx.stx_size, 11u);
	cr_assert_eq(stx.stx_mode & 0777, 0640);

	rr_prep_read(must_get_sqe(&ring), fd, buf, sizeof(buf), 0);
	cr_assert_eq(run_one(&ring), 11);
	cr_assert_eq(memcmp(buf, "hello, ring", 11), 0);
	rr_prep_read(must_get_sqe(&ring), fd, buf, sizeof(buf), 11);
	cr_assert_eq(run_one(&ring), 0, "a read at EOF returns 0");

	rr_prep_close(must_get_sqe(&ring), fd);
	cr_assert_eq(run_one(&ring), 0);
	rr_prep_close(must_get_sqe(&ring), fd);
	cr_assert_eq(run_one(&ring), -EBADF, "closed already");

	rr_prep_openat(must_get_sqe(&ring), AT_FDCWD, "/nonexistent/rawring", O_RDONLY, 0);
	cr_assert_eq(run_one(&ring), -ENOENT);

	unlink(path);
	rmdir(dir);
	rr_ring_exit(&ring);
}

Test(files, offset_minus_one_uses_and_advances_the_file_position)
{
	struct rr_ring ring;
	char buf[4];

	ring_init_or_skip(&ring, 4, 0);
	if (!(ring.features & IORING_FEAT_RW_CUR_POS))
		cr_skip_test("kernel older than 5.6: no IORING_FEAT_RW_CUR_POS");
	int fd = temp_file(16, 8, NULL, 0);
	cr_assert_eq(lseek(fd, 4, SEEK_SET), 4);
	for (uint64_t expect = 4; expect < 12; expect += 4) {
		rr_prep_read(must_get_sqe(&ring), fd, buf, 4, (uint64_t)-1);
		cr_assert_eq(run_one(&ring), 4);
		cr_assert_eq((unsigned char)buf[0], pattern_byte(8, expect));
	}
	cr_assert_eq(lseek(fd, 0, SEEK_CUR), 12);
	close(fd);
	rr_ring_exit(&ring);
}

Test(files, readv_and_writev_scatter_and_gather)
{
	struct rr_ring ring;
	char a[3] = "abc", b[5] = "defgh", x[4], y[4];
	struct iovec out[2] = { { a, 3 }, { b, 5 } };
	struct iovec in[2] = { { x, 4 }, { y, 4 } };

	ring_init_or_skip(&ring, 4, 0);
	int fd = temp_file(0, 0, NULL, 0);
	rr_prep_writev(must_get_sqe(&ring), fd, out, 2, 100);
	cr_assert_eq(run_one(&ring), 8);
	rr_prep_readv(must_get_sqe(&ring), fd, in, 2, 100);
	cr_assert_eq(run_one(&ring), 8);
	cr_assert_eq(memcmp(x, "abcd", 4), 0);
	cr_assert_eq(memcmp(y, "efgh", 4), 0);
	rr_prep_readv(must_get_sqe(&ring), -1, in, 2, 0);
	cr_assert_eq(run_one(&ring), -EBADF);
	close(fd);
	rr_ring_exit(&ring);
}

Test(files, fallocate_and_splice)
{
	struct rr_ring ring;
	int pipefd[2];
	char buf[64];

	ring_init_or_skip(&ring, 4, 0);
	int fd = temp_file(0, 0, NULL, 0);
	rr_prep_fallocate(must_get_sqe(&ring), fd, 0, 0, 1 << 20);
	cr_assert_eq(run_one(&ring), 0);
	struct stat st;
	cr_assert_eq(fstat(fd, &st), 0);
	cr_assert_eq(st.st_size, 1 << 20);

	int src = temp_file(64, 9, NULL, 0);
	cr_assert_eq(pipe(pipefd), 0);
	rr_prep_splice(must_get_sqe(&ring), src, 0, pipefd[1], -1, 64, 0);
	cr_assert_eq(run_one(&ring), 64);
	cr_assert_eq(read(pipefd[0], buf, sizeof(buf)), 64);
	for (int i = 0; i < 64; i++)
		cr_assert_eq((unsigned char)buf[i], pattern_byte(9, (uint64_t)i));
	close(pipefd[0]);
	close(pipefd[1]);
	close(src);
	close(fd);
	rr_ring_exit(&ring);
}

Test(files, mkdirat_renameat_unlinkat)
{
	struct rr_ring ring;
	char dir[128], sub[192], file[192], moved[192];
	struct stat st;

	require_opcode(IORING_OP_MKDIRAT, "IORING_OP_MKDIRAT");
	ring_init_or_skip(&ring, 4, 0);
	temp_dir(dir, sizeof(dir));
	snprintf(sub, sizeof(sub), "%s/sub", dir);
	snprintf(file, sizeof(file), "%s/a", dir);
	snprintf(moved, sizeof(moved), "%s/sub/b", dir);

	rr_prep_mkdirat(must_get_sqe(&ring), AT_FDCWD, sub, 0700);
	cr_assert_eq(run_one(&ring), 0);
	cr_assert_eq(stat(sub, &st), 0);
	cr_assert(S_ISDIR(st.st_mode));
	rr_prep_mkdirat(must_get_sqe(&ring), AT_FDCWD, sub, 0700);
	cr_assert_eq(run_one(&ring), -EEXIST);

	close(open(file, O_CREAT | O_WRONLY | O_CLOEXEC, 0600));
	rr_prep_renameat(must_get_sqe(&ring), AT_FDCWD, file, AT_FDCWD, moved, 0);
	cr_assert_eq(run_one(&ring), 0);
	cr_assert_neq(stat(file, &st), 0);
	cr_assert_eq(stat(moved, &st), 0);

	rr_prep_unlinkat(must_get_sqe(&ring), AT_FDCWD, moved, 0);
	cr_assert_eq(run_one(&ring), 0);
	rr_prep_unlinkat(must_get_sqe(&ring), AT_FDCWD, sub, AT_REMOVEDIR);
	cr_assert_eq(run_one(&ring), 0);
	cr_assert_neq(stat(sub, &st), 0);
	rmdir(dir);
	rr_ring_exit(&ring);
}

Test(files, skip_success_posts_only_failures)
{
	struct rr_ring ring;
	char buf[4];

	ring_init_or_skip(&ring, 4, 0);
	if (!(ring.features & IORING_FEAT_CQE_SKIP))
		cr_skip_test("kernel older than 5.17: no IORING_FEAT_CQE_SKIP");
	struct io_uring_sqe *sqe = must_get_sqe(&ring);
	rr_prep_nop(sqe);
	rr_sqe_skip_success(sqe);
	rr_sqe_set_data64(sqe, 1);
	sqe = must_get_sqe(&ring);
	rr_prep_read(sqe, -1, buf, sizeof(buf), 0);
	rr_sqe_skip_success(sqe);
	rr_sqe_set_data64(sqe, 2);
	cr_assert_eq(rr_submit(&ring), 2);
	struct io_uring_cqe *cqe = wait_cqe_ms(&ring, 5000);
	cr_assert_eq(cqe->user_data, 2u, "only the failed read posts");
	cr_assert_eq(cqe->res, -EBADF);
	rr_cqe_seen(&ring, cqe);
	cr_assert_eq(rr_cq_ready(&ring), 0u);
	rr_ring_exit(&ring);
}

Test(files, hardlink_continues_after_a_failure_and_drain_waits)
{
	struct rr_ring ring;
	char buf[4];
	struct __kernel_timespec ts = { .tv_sec = 0, .tv_nsec = 30 * 1000000 };

	ring_init_or_skip(&ring, 8, 0);
	struct io_uring_sqe *sqe = must_get_sqe(&ring);
	rr_prep_read(sqe, -1, buf, sizeof(buf), 0);
	rr_sqe_hardlink(sqe);
	rr_sqe_set_data64(sqe, 1);
	sqe = must_get_sqe(&ring);
	rr_prep_nop(sqe);
	rr_sqe_set_data64(sqe, 2);
	/* A timeout, then a drained NOP that must come after it. */
	sqe = must_get_sqe(&ring);
	rr_prep_timeout(sqe, &ts, 0, 0);
	rr_sqe_set_data64(sqe, 3);
	sqe = must_get_sqe(&ring);
	rr_prep_nop(sqe);
	rr_sqe_drain(sqe);
	rr_sqe_async(sqe);
	rr_sqe_set_data64(sqe, 4);
	cr_assert_eq(rr_submit(&ring), 4);

	int order[4], n = 0, res[5];
	while (n < 4) {
		struct io_uring_cqe *cqe = wait_cqe_ms(&ring, 5000);
		order[n++] = (int)cqe->user_data;
		res[cqe->user_data] = cqe->res;
		rr_cqe_seen(&ring, cqe);
	}
	cr_assert_eq(res[1], -EBADF);
	cr_assert_eq(res[2], 0, "a hard link runs on after a failure");
	cr_assert_eq(res[3], -ETIME);
	cr_assert_eq(res[4], 0);
	cr_assert_eq(order[3], 4, "the drained NOP completes last");
	rr_ring_exit(&ring);
}

Test(files, msg_ring_posts_a_cqe_on_another_ring)
{
	struct rr_ring sender, receiver;

	require_opcode(IORING_OP_MSG_RING, "IORING_OP_MSG_RING");
	ring_init_or_skip(&sender, 4, 0);
	ring_init_or_skip(&receiver, 4, 0);
	struct io_uring_sqe *sqe = must_get_sqe(&sender);
	rr_prep_msg_ring(sqe, receiver.ring_fd, 1234, 0xfeedull, 0);
	rr_sqe_set_data64(sqe, 1);
	cr_assert_eq(run_one(&sender), 0);

	struct io_uring_cqe *cqe = wait_cqe_ms(&receiver, 5000);
	cr_assert_eq(cqe->res, 1234);
	cr_assert_eq(cqe->user_data, 0xfeedu);
	rr_cqe_seen(&receiver, cqe);
	rr_ring_exit(&sender);
	rr_ring_exit(&receiver);
}
