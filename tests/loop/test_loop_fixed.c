/*
 * Registered buffers and files: the same program on every backend.  Data
 * goes through registered buffers to and from a file; the file table keeps
 * its own references (an fd closed after registering, and its number reused
 * by another file, still reach the registered file); and every misuse is
 * refused at scheduling with the same errno everywhere.
 */
#define _GNU_SOURCE
#include "../driver/rr_test.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "../platform/platform.h"

TestSuite(loop_fixed, .timeout = 60);

#define CHUNK 4096u

static char buffers[2][4 * CHUNK];

static void register_two_buffers(struct rr_loop *loop)
{
	struct iovec iov[2] = {
		{ .iov_base = buffers[0], .iov_len = sizeof(buffers[0]) },
		{ .iov_base = buffers[1], .iov_len = sizeof(buffers[1]) },
	};
	cr_assert_eq(rr_loop_register_buffers(loop, iov, 2), 0);
}

Test(loop_fixed, data_goes_through_registered_buffers)
{
	struct rr_loop loop;
	struct rr_op op;
	struct recorder rec = { 0 };
	rr_fd_t fd = temp_file(8 * CHUNK, 7, NULL, 0);

	open_loop(&loop, 0);
	register_two_buffers(&loop);
	for (unsigned i = 0; i < CHUNK; i++)
		buffers[0][CHUNK + i] = (char)(i * 7 + 3);

	/* Write from the middle of buffer 0, read into the end of buffer 1. */
	rr_op_init(&op, record_cb, &rec);
	cr_assert_eq(run_op(&loop, &op, rr_write_fixed(&loop, &op, fd, buffers[0] + CHUNK,
						      CHUNK, 2 * CHUNK, 0)),
		     (int)CHUNK);
	cr_assert_eq(op.type, RR_OP_WRITE_FIXED);
	rec = (struct recorder){ 0 };
	cr_assert_eq(run_op(&loop, &op, rr_read_fixed(&loop, &op, fd, buffers[1] + 3 * CHUNK,
						     CHUNK, 2 * CHUNK, 1)),
		     (int)CHUNK);
	cr_assert_eq(memcmp(buffers[1] + 3 * CHUNK, buffers[0] + CHUNK, CHUNK), 0);
	/* And the file round the written range is as it was. */
	rec = (struct recorder){ 0 };
	cr_assert_eq(run_op(&loop, &op, rr_read_fixed(&loop, &op, fd, buffers[1], CHUNK,
						     CHUNK, 1)),
		     (int)CHUNK);
	for (unsigned i = 0; i < CHUNK; i++)
		cr_assert_eq((unsigned char)buffers[1][i], pattern_byte(7, CHUNK + i));
	/* A short read at the end of the file, as rr_read gives it. */
	rec = (struct recorder){ 0 };
	cr_assert_eq(run_op(&loop, &op, rr_read_fixed(&loop, &op, fd, buffers[1], 2 * CHUNK,
						     7 * CHUNK, 1)),
		     (int)CHUNK);
	cr_assert_eq(rr_loop_unregister_buffers(&loop), 0);
	rr_loop_deinit(&loop);
	close_fd(fd);
}

Test(loop_fixed, buffer_misuse_is_refused_at_scheduling)
{
	struct rr_loop loop;
	struct rr_op op;
	struct recorder rec = { 0 };
	rr_fd_t fd = temp_file(CHUNK, 1, NULL, 0);
	char outside[64];

	open_loop(&loop, 0);
	rr_op_init(&op, record_cb, &rec);
	cr_assert_eq(rr_read_fixed(&loop, &op, fd, buffers[0], 16, 0, 0), -EFAULT,
		     "no table yet");
	cr_assert_eq(rr_loop_unregister_buffers(&loop), -ENXIO);

	struct iovec bad[2] = { { .iov_base = buffers[0], .iov_len = sizeof(buffers[0]) },
				{ .iov_base = NULL, .iov_len = 16 } };
	cr_assert_eq(rr_loop_register_buffers(&loop, bad, 2), -EINVAL, "a NULL buffer");
	bad[1] = (struct iovec){ .iov_base = buffers[1], .iov_len = 0 };
	cr_assert_eq(rr_loop_register_buffers(&loop, bad, 2), -EINVAL, "an empty buffer");
	cr_assert_eq(rr_loop_register_buffers(&loop, bad, 0), -EINVAL);
	cr_assert_eq(rr_loop_register_buffers(&loop, NULL, 1), -EINVAL);
	cr_assert_eq(rr_loop_register_buffers(&loop, bad, 20000), -EINVAL, "too many");

	register_two_buffers(&loop);
	struct iovec again = { .iov_base = buffers[0], .iov_len = 16 };
	cr_assert_eq(rr_loop_register_buffers(&loop, &again, 1), -EBUSY);

	cr_assert_eq(rr_read_fixed(&loop, &op, fd, buffers[0], 16, 0, 2), -EFAULT,
		     "index past the table");
	cr_assert_eq(rr_read_fixed(&loop, &op, fd, buffers[1], 16, 0, 0), -EFAULT,
		     "a buffer that is not this index's");
	cr_assert_eq(rr_read_fixed(&loop, &op, fd, outside, sizeof(outside), 0, 0), -EFAULT);
	cr_assert_eq(rr_read_fixed(&loop, &op, fd, buffers[0] + sizeof(buffers[0]) - 8, 16,
				   0, 0),
		     -EFAULT, "running past its end");
	cr_assert_eq(rr_read_fixed(&loop, &op, fd, buffers[1] - 8, 16, 0, 1), -EFAULT,
		     "starting before it");
	cr_assert_eq(rr_write_fixed(&loop, &op, fd, buffers[0], 1u << 31, 0, 0), -EINVAL);
	cr_assert(rr_op_is_idle(&op), "nothing was scheduled");
	cr_assert_eq(rr_loop_pending(&loop), 0u);

	/* The whole buffer, to its last byte, is inside. */
	cr_assert_eq(run_op(&loop, &op, rr_read_fixed(&loop, &op, fd, buffers[0],
						     sizeof(buffers[0]), 0, 0)),
		     (int)CHUNK);
	rr_loop_deinit(&loop); /* deinit releases the table */
	close_fd(fd);
}

static bool file_tables_here(struct rr_loop *loop, rr_fd_t fd)
{
	int ret = rr_loop_register_files(loop, &fd, 1);
	if (ret == -EOPNOTSUPP)
		return false;
	cr_assert_eq(ret, 0, "%s", strerror(-ret));
	cr_assert_eq(rr_loop_unregister_files(loop), 0);
	return true;
}

Test(loop_fixed, registered_files_keep_their_own_reference)
{
	struct rr_loop loop;
	struct rr_op op;
	struct recorder rec = { 0 };
	char buf[64];
	rr_fd_t first = temp_file(CHUNK, 11, NULL, 0);

	open_loop(&loop, 0);
	if (!file_tables_here(&loop, first)) {
		rr_loop_deinit(&loop);
		cr_skip_test("no file table on this backend");
	}
	rr_fd_t table[3] = { -1, first, -1 };
	cr_assert_eq(rr_loop_register_files(&loop, table, 3), 0);
	/* The caller's fd goes away, and its number is taken by another file. */
	cr_assert_eq(close_fd(first), 0);
	rr_fd_t second = temp_file(CHUNK, 22, NULL, 0);

	rr_op_init(&op, record_cb, &rec);
	rr_op_fixed_file(&op);
	cr_assert_eq(run_op(&loop, &op, rr_read(&loop, &op, 1, buf, sizeof(buf), 100)),
		     (int)sizeof(buf));
	for (unsigned i = 0; i < sizeof(buf); i++)
		cr_assert_eq((unsigned char)buf[i], pattern_byte(11, 100 + i),
			     "byte %u came from another file", i);
	cr_assert_eq(op.flags & RR_OP_F_FIXED_FILE, 0, "the mark lasts one scheduling");

	/* Without the mark the fd is an fd again: `second`, which most likely
	 * has the number `first` had. */
	rec = (struct recorder){ 0 };
	cr_assert_eq(run_op(&loop, &op, rr_read(&loop, &op, second, buf, 8, 0)), 8);
	cr_assert_eq((unsigned char)buf[0], pattern_byte(22, 0));

	/* Fixed files and fixed buffers together. */
	register_two_buffers(&loop);
	rec = (struct recorder){ 0 };
	rr_op_fixed_file(&op);
	cr_assert_eq(run_op(&loop, &op, rr_read_fixed(&loop, &op, 1, buffers[1], 32, 0, 1)),
		     32);
	cr_assert_eq((unsigned char)buffers[1][31], pattern_byte(11, 31));
	rr_loop_deinit(&loop);
	close_fd(second);
}

Test(loop_fixed, file_misuse_is_refused)
{
	struct rr_loop loop;
	struct rr_op op, close_op;
	struct recorder rec = { 0 };
	char buf[16];
	rr_fd_t fds[2];

	open_loop(&loop, 0);
	stream_pair(fds);
	if (!file_tables_here(&loop, fds[0])) {
		rr_loop_deinit(&loop);
		cr_skip_test("no file table on this backend");
	}
	cr_assert_eq(rr_loop_unregister_files(&loop), -ENXIO);
	rr_fd_t bad[2] = { fds[0], -7 };
	cr_assert_eq(rr_loop_register_files(&loop, bad, 2), -EBADF);
	cr_assert_eq(rr_loop_register_files(&loop, bad, 0), -EINVAL);
	cr_assert_eq(rr_loop_unregister_files(&loop), -ENXIO, "nothing left registered");

	rr_fd_t table[2] = { fds[0], -1 };
	cr_assert_eq(rr_loop_register_files(&loop, table, 2), 0);
	cr_assert_eq(rr_loop_register_files(&loop, table, 2), -EBUSY);

	rr_op_init(&op, record_cb, &rec);
	rr_op_fixed_file(&op);
	cr_assert_eq(rr_recv(&loop, &op, 2, buf, sizeof(buf), 0), -EBADF, "past the table");
	cr_assert_eq(rr_recv(&loop, &op, 1, buf, sizeof(buf), 0), -EBADF, "an empty slot");
	cr_assert_eq(rr_recv(&loop, &op, -1, buf, sizeof(buf), 0), -EBADF);
	struct recorder close_rec = { 0 };
	rr_op_init(&close_op, record_cb, &close_rec);
	rr_op_fixed_file(&close_op);
	cr_assert_eq(rr_close(&loop, &close_op, 0), -EINVAL, "a close takes no index");
	cr_assert_eq(rr_loop_pending(&loop), 0u);

	/* A receive waits on slot 0: the table cannot go until it is done. */
	cr_assert_eq(rr_recv(&loop, &op, 0, buf, sizeof(buf), 0), 0);
	cr_assert_eq(rr_loop_run(&loop, RR_RUN_NOWAIT), 0);
	cr_assert_eq(rr_loop_unregister_files(&loop), -EBUSY);
	cr_assert_eq(sock_send(fds[1], "ping", 4), 4);
	run_until(&loop, &rec.done, 10000);
	cr_assert_eq(rec.result, 4);
	cr_assert_eq(memcmp(buf, "ping", 4), 0);
	cr_assert_eq(rr_loop_unregister_files(&loop), 0);

	/* Unregistered: the index means nothing any more. */
	rr_op_fixed_file(&op);
	cr_assert_eq(rr_recv(&loop, &op, 0, buf, sizeof(buf), 0), -EBADF);
	rr_loop_deinit(&loop);
	close_fd(fds[0]);
	close_fd(fds[1]);
}

/* A loop with a receive in flight on registered file 0 (fds[0]) is torn
 * down: false where the backend has no file table. */
static bool deinit_with_a_fixed_receive(rr_fd_t fds[2])
{
	struct rr_loop loop;
	struct rr_op op;
	struct recorder rec = { 0 };
	char buf[16];

	open_loop(&loop, 0);
	if (!file_tables_here(&loop, fds[0])) {
		rr_loop_deinit(&loop);
		return false;
	}
	cr_assert_eq(rr_loop_register_files(&loop, &fds[0], 1), 0);
	rr_op_init(&op, record_cb, &rec);
	rr_op_fixed_file(&op);
	cr_assert_eq(rr_recv(&loop, &op, 0, buf, sizeof(buf), 0), 0);
	cr_assert_eq(rr_loop_run(&loop, RR_RUN_NOWAIT), 0);
	rr_loop_deinit(&loop);
	cr_assert_eq(rec.calls, 1, "the receive's callback ran once");
	cr_assert_eq(rec.result, -ECANCELED);
	return true;
}

/* The open fds once the count holds still for 50 ms (libkqueue closes fds
 * of its own a little after a kqueue goes), within a second. */
static int settled_fd_count(void)
{
	int count = count_open_fds();

	for (int still = 0, i = 0; still < 5 && i < 100; i++) {
		sleep_ms(10);
		int now = count_open_fds();
		still = now == count ? still + 1 : 0;
		count = now;
	}
	return count;
}

Test(loop_fixed, deinit_with_an_op_on_a_registered_file_in_flight)
{
	rr_fd_t fds[2];

	stream_pair(fds);
	/* Once to let lazy state settle, then count: a second round leaves
	 * no fd behind. */
	if (!deinit_with_a_fixed_receive(fds))
		cr_skip_test("no file table on this backend");
	int before = settled_fd_count();
	cr_assert(deinit_with_a_fixed_receive(fds));
	int after = settled_fd_count();
	cr_assert_eq(after, before, "the table's references are gone: %d fds, %d before",
		     after, before);
	close_fd(fds[0]);
	close_fd(fds[1]);
}
