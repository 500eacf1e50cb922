/* File operations through the loop: data byte for byte, EOF, short reads,
 * kernel errors, linked chains, whole-file helpers, IOPOLL. */
#define _GNU_SOURCE
#include "../driver/rr_test.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef _WIN32
#include <unistd.h>
#include <sys/stat.h>
#endif

#include "../platform/platform.h"
#include "fixture.h"

TestSuite(loop_io, .timeout = 60);

Test(loop_io, write_then_read_round_trips_byte_for_byte)
{
	struct rr_loop loop;
	struct rr_op op;
	struct recorder rec = { 0 };
	enum { SIZE = 256 * 1024 };
	static char out[SIZE], in[SIZE];

	open_loop(&loop, 0);
	rr_op_init(&op, record_cb, &rec);
	rr_fd_t fd = temp_file(0, 0, NULL, 0);
	for (int i = 0; i < SIZE; i++)
		out[i] = (char)pattern_byte(21, (uint64_t)i);

	cr_assert_eq(run_op(&loop, &op, rr_write(&loop, &op, fd, out, SIZE, 4096)), SIZE);
	cr_assert_eq(run_op(&loop, &op, rr_read(&loop, &op, fd, in, SIZE, 4096)), SIZE);
	cr_assert_eq(memcmp(in, out, SIZE), 0);
	/* Past the end: EOF is 0, a read across it is short. */
	cr_assert_eq(run_op(&loop, &op, rr_read(&loop, &op, fd, in, 100, 4096 + SIZE)), 0);
	cr_assert_eq(run_op(&loop, &op, rr_read(&loop, &op, fd, in, 100, 4096 + SIZE - 10)), 10);
	cr_assert_eq(rec.calls, 4);
	close_fd(fd);
	rr_loop_deinit(&loop);
}

Test(loop_io, offset_minus_one_uses_the_file_position)
{
	struct rr_loop loop;
	struct rr_op op;
	struct recorder rec = { 0 };
	char buf[8];

	open_loop(&loop, 0);
	rr_op_init(&op, record_cb, &rec);
	rr_fd_t fd = temp_file(64, 22, NULL, 0);
	file_seek(fd, 8);
	cr_assert_eq(run_op(&loop, &op, rr_read(&loop, &op, fd, buf, 8, -1)), 8);
	cr_assert_eq((unsigned char)buf[0], pattern_byte(22, 8));
	cr_assert_eq(file_position(fd), 16u);
	close_fd(fd);
	rr_loop_deinit(&loop);
}

Test(loop_io, readv_writev_fsync_fdatasync)
{
	struct rr_loop loop;
	struct rr_op op;
	struct recorder rec = { 0 };
	char a[5] = "hello", b[6] = " world", x[6], y[5];
	struct iovec out[2] = { { .iov_base = a, .iov_len = 5 }, { .iov_base = b, .iov_len = 6 } };
	struct iovec in[2] = { { .iov_base = x, .iov_len = 6 }, { .iov_base = y, .iov_len = 5 } };

	open_loop(&loop, 0);
	rr_op_init(&op, record_cb, &rec);
	rr_fd_t fd = temp_file(0, 0, NULL, 0);
	cr_assert_eq(run_op(&loop, &op, rr_writev(&loop, &op, fd, out, 2, 0)), 11);
	cr_assert_eq(run_op(&loop, &op, rr_fsync(&loop, &op, fd)), 0);
	cr_assert_eq(run_op(&loop, &op, rr_fdatasync(&loop, &op, fd)), 0);
	cr_assert_eq(run_op(&loop, &op, rr_readv(&loop, &op, fd, in, 2, 0)), 11);
	cr_assert_eq(memcmp(x, "hello ", 6), 0);
	cr_assert_eq(memcmp(y, "world", 5), 0);
	close_fd(fd);
	rr_loop_deinit(&loop);
}

Test(loop_io, openat_statx_close_and_kernel_errors)
{
	struct rr_loop loop;
	struct rr_op op;
	struct recorder rec = { 0 };
	char path[256], buf[4];
#ifdef _WIN32
	static char stx[256]; /* struct statx has no Windows definition */
#else
	struct statx stx;
#endif

	open_loop(&loop, 0);
	rr_op_init(&op, record_cb, &rec);
	close_fd(temp_file(1234, 23, path, sizeof(path)));

	int opened = run_op(&loop, &op, rr_openat(&loop, &op, AT_FDCWD, path,
						     O_RDONLY | O_CLOEXEC, 0));
	cr_assert_geq(opened, 0, "openat: %s", strerror(-opened));
	rr_fd_t fd = (rr_fd_t)opened;
#ifdef _WIN32
	/* statx is Linux's: -ENOSYS elsewhere, as documented. */
	cr_assert_eq(run_op(&loop, &op, rr_statx(&loop, &op, fd, "", 0, 0,
						   (struct statx *)(void *)stx)),
		     -ENOSYS);
	cr_assert_eq(run_op(&loop, &op, rr_read(&loop, &op, fd, buf, 4, 1230)), 4,
		     "the opened file is the one written");
#else
	cr_assert_eq(run_op(&loop, &op, rr_statx(&loop, &op, fd, "", AT_EMPTY_PATH,
						   STATX_SIZE, &stx)), 0);
	cr_assert_eq(stx.stx_size, 1234u);
#endif
	cr_assert_eq(run_op(&loop, &op, rr_close(&loop, &op, fd)), 0);
	cr_assert_eq(run_op(&loop, &op, rr_read(&loop, &op, fd, buf, 4, 0)), -EBADF,
		     "the fd is closed");
	remove_file(path);
	cr_assert_eq(run_op(&loop, &op, rr_openat(&loop, &op, AT_FDCWD, path,
						    O_RDONLY, 0)), -ENOENT);
	cr_assert_eq(run_op(&loop, &op, rr_write(&loop, &op, -1, buf, 4, 0)), -EBADF);
	rr_loop_deinit(&loop);
}

#ifndef _WIN32 /* anonymous pipes on Windows have no overlapped I/O */
Test(loop_io, a_pipe_read_is_short_when_less_data_is_there)
{
	struct rr_loop loop;
	struct rr_op op;
	struct recorder rec = { 0 };
	rr_fd_t fds[2];
	char buf[100];

	open_loop(&loop, 0);
	rr_op_init(&op, record_cb, &rec);
	cr_assert_eq(pipe(fds), 0);
	cr_assert_eq(write(fds[1], "12345", 5), 5);
	cr_assert_eq(run_op(&loop, &op, rr_read(&loop, &op, fds[0], buf, sizeof(buf), -1)), 5);
	close_fd(fds[1]);
	cr_assert_eq(run_op(&loop, &op, rr_read(&loop, &op, fds[0], buf, sizeof(buf), -1)), 0,
		     "EOF once the writer is gone");
	close_fd(fds[0]);
	rr_loop_deinit(&loop);
}

#endif

/* ---- linked chains ---- */

Test(loop_io, linked_read_then_write_copies_and_a_failed_head_cancels_the_rest)
{
	struct rr_loop loop;
	struct rr_op read_op, write_op;
	struct recorder read_rec = { 0 }, write_rec = { 0 };
	static char buf[65536];

	open_loop(&loop, 0);
	rr_fd_t src = temp_file(sizeof(buf), 24, NULL, 0);
	rr_fd_t dst = temp_file(0, 0, NULL, 0);
	rr_op_init(&read_op, record_cb, &read_rec);
	rr_op_init(&write_op, record_cb, &write_rec);

	rr_op_link(&read_op);
	cr_assert_eq(rr_read(&loop, &read_op, src, buf, sizeof(buf), 0), 0);
	cr_assert_eq(rr_write(&loop, &write_op, dst, buf, sizeof(buf), 0), 0);
	run_until_done(&loop, 10000);
	cr_assert_eq(read_rec.result, (int)sizeof(buf));
	cr_assert_eq(write_rec.result, (int)sizeof(buf));
	static char check[65536];
	cr_assert_eq(file_pread(dst, check, sizeof(check), 0), (long)sizeof(check));
	cr_assert_eq(memcmp(check, buf, sizeof(buf)), 0);
	cr_assert_eq(read_op.flags & RR_OP_F_LINK, 0, "the link mark is per use");

	/* A chain whose read fails: the write never runs. */
	rr_op_link(&read_op);
	cr_assert_eq(rr_read(&loop, &read_op, -1, buf, sizeof(buf), 0), 0);
	cr_assert_eq(rr_write(&loop, &write_op, dst, buf, sizeof(buf), 0), 0);
	run_until_done(&loop, 10000);
	cr_assert_eq(read_rec.result, -EBADF);
	cr_assert_eq(write_rec.result, -ECANCELED);

	/* A short read breaks the chain too. */
	rr_op_link(&read_op);
	cr_assert_eq(rr_read(&loop, &read_op, src, buf, sizeof(buf), 100), 0);
	cr_assert_eq(rr_write(&loop, &write_op, dst, buf, sizeof(buf), 0), 0);
	run_until_done(&loop, 10000);
	cr_assert_eq(read_rec.result, (int)sizeof(buf) - 100);
	cr_assert_eq(write_rec.result, -ECANCELED);
	cr_assert_eq(read_rec.calls, 3);
	cr_assert_eq(write_rec.calls, 3);
	close_fd(src);
	close_fd(dst);
	rr_loop_deinit(&loop);
}

Test(loop_io, chains_stay_whole_when_the_sq_is_nearly_full)
{
	struct rr_loop loop;
	enum { ENTRIES = 8, PAIRS = 40 };
	static struct rr_op ops[2 * PAIRS];
	static struct recorder recs[2 * PAIRS];
	static char bufs[PAIRS][512];

	open_loop(&loop, ENTRIES);
	rr_fd_t src = temp_file(512 * PAIRS, 25, NULL, 0);
	rr_fd_t dst = temp_file(0, 0, NULL, 0);
	for (int i = 0; i < PAIRS; i++) {
		struct rr_op *r = &ops[2 * i], *w = &ops[2 * i + 1];
		rr_op_init(r, record_cb, &recs[2 * i]);
		rr_op_init(w, record_cb, &recs[2 * i + 1]);
		rr_op_link(r);
		cr_assert_eq(rr_read(&loop, r, src, bufs[i], 512, 512 * i), 0);
		cr_assert_eq(rr_write(&loop, w, dst, bufs[i], 512, 512 * i), 0);
	}
	run_until_done(&loop, 10000);
	for (int i = 0; i < 2 * PAIRS; i++) {
		cr_assert_eq(recs[i].calls, 1);
		cr_assert_eq(recs[i].result, 512, "op %d: %d", i, recs[i].result);
	}
	for (int i = 0; i < 512 * PAIRS; i += 97) {
		unsigned char c;
		cr_assert_eq(file_pread(dst, &c, 1, (uint64_t)i), 1);
		cr_assert_eq(c, pattern_byte(25, (uint64_t)i));
	}
	close_fd(src);
	close_fd(dst);
	rr_loop_deinit(&loop);
}

/* ---- whole files ---- */

struct file_result {
	ssize_t result;
	bool done;
};

static void file_cb(struct rr_loop *loop, struct rr_file_op *file, ssize_t result)
{
	struct file_result *res = file->context;

	(void)loop;
	res->result = result;
	res->done = true;
}

Test(loop_io, whole_file_write_then_read)
{
	struct rr_loop loop;
	struct rr_file_op file = { 0 };
	struct file_result res = { 0 };
	char path[256];
	enum { SIZE = 3 * 1024 * 1024 + 5 };
	char *data = malloc(SIZE), *back = malloc(SIZE + 100);

	open_loop(&loop, 0);
	close_fd(temp_file(0, 0, path, sizeof(path)));
	for (size_t i = 0; i < SIZE; i++)
		data[i] = (char)pattern_byte(26, i);

	cr_assert_eq(rr_write_file(&loop, &file, path, data, SIZE, 0600, file_cb, &res), 0);
	run_until(&loop, &res.done, 10000);
	cr_assert_eq(res.result, (ssize_t)SIZE);

	res.done = false;
	cr_assert_eq(rr_read_file(&loop, &file, path, back, SIZE + 100, file_cb, &res), 0);
	run_until(&loop, &res.done, 10000);
	cr_assert_eq(res.result, (ssize_t)SIZE);
	cr_assert_eq(memcmp(data, back, SIZE), 0);

	/* A buffer of exactly the file's size is enough. */
	res.done = false;
	memset(back, 0, SIZE);
	cr_assert_eq(rr_read_file(&loop, &file, path, back, SIZE, file_cb, &res), 0);
	run_until(&loop, &res.done, 10000);
	cr_assert_eq(res.result, (ssize_t)SIZE);
	cr_assert_eq(memcmp(data, back, SIZE), 0);

	res.done = false;
	cr_assert_eq(rr_read_file(&loop, &file, path, back, 100, file_cb, &res), 0);
	run_until(&loop, &res.done, 10000);
	cr_assert_eq(res.result, -EFBIG, "the buffer is too small");

	/* An empty file reads as 0 bytes. */
	res.done = false;
	cr_assert_eq(rr_write_file(&loop, &file, path, data, 0, 0600, file_cb, &res), 0);
	run_until(&loop, &res.done, 10000);
	cr_assert_eq(res.result, 0);
	res.done = false;
	cr_assert_eq(rr_read_file(&loop, &file, path, back, 100, file_cb, &res), 0);
	run_until(&loop, &res.done, 10000);
	cr_assert_eq(res.result, 0);

	remove_file(path);
	res.done = false;
	cr_assert_eq(rr_read_file(&loop, &file, path, back, 100, file_cb, &res), 0);
	run_until(&loop, &res.done, 10000);
	cr_assert_eq(res.result, -ENOENT);
	cr_assert_eq(rr_loop_pending(&loop), 0u, "every step's fd was closed");
	free(data);
	free(back);
	rr_loop_deinit(&loop);
}

Test(loop_io, whole_file_helpers_close_what_they_open)
{
	struct rr_loop loop;
	struct rr_file_op file = { 0 };
	struct file_result res = { 0 };
	char path[256], buf[64];

	open_loop(&loop, 0);
	close_fd(temp_file(64, 27, path, sizeof(path)));
	int before = count_open_fds();
	for (int i = 0; i < 20; i++) {
		res.done = false;
		cr_assert_eq(rr_read_file(&loop, &file, path, buf, sizeof(buf), file_cb, &res), 0);
		run_until(&loop, &res.done, 10000);
		cr_assert_eq(res.result, 64);
		res.done = false;
		cr_assert_eq(rr_read_file(&loop, &file, path, buf, 10, file_cb, &res), 0);
		run_until(&loop, &res.done, 10000);
		cr_assert_eq(res.result, -EFBIG);
	}
	cr_assert_eq(count_open_fds(), before);
	remove_file(path);
	rr_loop_deinit(&loop);
}

/* ---- IOPOLL ---- */

#ifndef _WIN32 /* O_DIRECT reads through IOPOLL are io_uring's */
Test(loop_io, a_polled_direct_read_reports_the_kernel_result)
{
	struct rr_loop loop;
	struct rr_op op;
	struct recorder rec = { 0 };
	char path[256];
	void *buf;

	open_loop(&loop, 0);
	close_fd(temp_file(8192, 28, path, sizeof(path)));
	int fd = open(path, O_RDONLY | O_DIRECT | O_CLOEXEC);
	remove_file(path);
	if (fd < 0)
		cr_skip_test("O_DIRECT open failed: %s", strerror(errno));
	cr_assert_eq(posix_memalign(&buf, 4096, 4096), 0);
	rr_op_init(&op, record_cb, &rec);
	rr_op_polled(&op);
	int res = run_op(&loop, &op, rr_read(&loop, &op, fd, buf, 4096, 0));
	if (testing_iopoll() && res < 0) {
		/* This machine's virtio disk has no poll queues. */
		cr_assert_eq(res, -EOPNOTSUPP, "got %s", strerror(-res));
	} else {
		cr_assert_eq(res, 4096);
		cr_assert_eq(((unsigned char *)buf)[0], pattern_byte(28, 0));
	}
	free(buf);
	close_fd(fd);
	rr_loop_deinit(&loop);
}

#endif

Test(loop_io, an_op_reused_across_fd_kinds_keeps_no_stale_state)
{
	struct rr_loop loop;
	struct rr_op op;
	struct recorder rec = { 0 };
	rr_fd_t pair[2];
	char buf[8];

	/* File, then socket, with the same op: what the backend learned about
	 * the first fd (on epoll: "a regular file, run it at once"; on IOCP:
	 * "a file: offsets apply") must not carry over, or the socket read
	 * would block the loop. */
	open_loop(&loop, 0);
	rr_op_init(&op, record_cb, &rec);
	rr_fd_t file = temp_file(8, 32, NULL, 0);
	cr_assert_eq(run_op(&loop, &op, rr_read(&loop, &op, file, buf, sizeof(buf), 0)), 8);
	stream_pair(pair);
	cr_assert_eq(rr_read(&loop, &op, pair[0], buf, sizeof(buf), -1), 0);
	rec.done = false;
	cr_assert_eq(rr_loop_run(&loop, RR_RUN_NOWAIT), 0, "the socket has no data yet");
	cr_assert_eq(sock_send(pair[1], "sock", 4), 4);
	run_until(&loop, &rec.done, 5000);
	cr_assert_eq(rec.result, 4);
	close_fd(pair[0]);
	close_fd(pair[1]);
	close_fd(file);
	rr_loop_deinit(&loop);
}
