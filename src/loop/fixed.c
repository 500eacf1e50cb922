/*
 * Registered buffers and files (rawring/loop.h): the tables the core keeps
 * for every backend, to check each fixed op when it is scheduled, and, for
 * backends without native tables, the files themselves (a duplicate of
 * each fd, so the table holds its own reference, as io_uring's does).
 * io_uring registers both with its ring as well (the backend's hooks).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifndef _WIN32
#include <fcntl.h>
#include <unistd.h>
#endif

#include "../common/fault.h"
#include "loop_internal.h"

#define MAX_BUFFERS 16384u          /* the kernel's IORING_MAX_REG_BUFFERS */
#define MAX_BUFFER_LEN (1ull << 30) /* the kernel's largest (1 GiB) */
#define MAX_FILES 32768u

int rr_loop_register_buffers(struct rr_loop *loop, const struct iovec *iovecs,
			     unsigned nr)
{
	if (!loop || !loop->initialized || !iovecs || nr == 0 || nr > MAX_BUFFERS)
		return -EINVAL;
	for (unsigned i = 0; i < nr; i++)
		if (!iovecs[i].iov_base || iovecs[i].iov_len == 0 ||
		    iovecs[i].iov_len > MAX_BUFFER_LEN)
			return -EINVAL;
	if (loop->fixed_buffers)
		return -EBUSY;
	struct iovec *table = RR_FAULTABLE(RR_FAULT_ALLOC, NULL,
					   malloc(nr * sizeof(*table)));
	if (!table)
		return -ENOMEM;
	memcpy(table, iovecs, nr * sizeof(*table));
	if (loop->backend->register_buffers) {
		int ret = loop->backend->register_buffers(loop, table, nr);
		if (ret < 0) {
			free(table);
			return ret;
		}
	}
	loop->fixed_buffers = table;
	loop->fixed_buffer_count = nr;
	return 0;
}

int rr_loop_unregister_buffers(struct rr_loop *loop)
{
	if (!loop || !loop->initialized)
		return -EINVAL;
	if (!loop->fixed_buffers)
		return -ENXIO;
	if (loop->backend->unregister_buffers)
		loop->backend->unregister_buffers(loop);
	free(loop->fixed_buffers);
	loop->fixed_buffers = NULL;
	loop->fixed_buffer_count = 0;
	return 0;
}

int rr__fixed_buffer_check(const struct rr_loop *loop, const void *buf,
			   unsigned len, unsigned index)
{
	if (!loop->fixed_buffers || index >= loop->fixed_buffer_count)
		return -EFAULT;
	const struct iovec *iov = &loop->fixed_buffers[index];
	uintptr_t start = (uintptr_t)iov->iov_base, at = (uintptr_t)buf;
	if (at < start || at - start > iov->iov_len || len > iov->iov_len - (at - start))
		return -EFAULT;
	return 0;
}

/* ---- files -------------------------------------------------------------- */

static void close_table(rr_fd_t *table, unsigned nr)
{
#ifndef _WIN32
	for (unsigned i = 0; i < nr; i++)
		if (table[i] >= 0)
			close(table[i]);
#else
	(void)table;
	(void)nr;
#endif
}

int rr_loop_register_files(struct rr_loop *loop, const rr_fd_t *fds, unsigned nr)
{
	if (!loop || !loop->initialized || !fds || nr == 0 || nr > MAX_FILES)
		return -EINVAL;
	if (loop->fixed_files)
		return -EBUSY;
#ifdef _WIN32
	return -EOPNOTSUPP; /* no handle table on IOCP yet */
#else
	rr_fd_t *table = RR_FAULTABLE(RR_FAULT_ALLOC, NULL, malloc(nr * sizeof(*table)));
	if (!table)
		return -ENOMEM;
	/* Natively the kernel takes its own references (and says -EBADF for
	 * an fd not open): the table only marks which slots are filled, for
	 * the check at scheduling.  Otherwise the table's duplicates are the
	 * references. */
	bool native = loop->backend->register_files != NULL;
	int ret = 0;
	for (unsigned i = 0; i < nr; i++)
		table[i] = -1;
	for (unsigned i = 0; i < nr && ret == 0; i++) {
		if (fds[i] == -1)
			continue;
		if (fds[i] < 0)
			ret = -EBADF;
		else if (native)
			table[i] = fds[i];
		else if ((table[i] = RR_FAULTABLE(RR_FAULT_FCNTL, -1,
						  fcntl(fds[i], F_DUPFD_CLOEXEC, 0))) < 0)
			ret = -errno;
	}
	if (ret == 0 && native)
		ret = loop->backend->register_files(loop, fds, nr);
	if (ret < 0) {
		if (!native)
			close_table(table, nr);
		free(table);
		return ret;
	}
	loop->fixed_files = table;
	loop->fixed_file_count = nr;
	return 0;
#endif
}

int rr_loop_unregister_files(struct rr_loop *loop)
{
	if (!loop || !loop->initialized)
		return -EINVAL;
	if (!loop->fixed_files)
		return -ENXIO;
	if (loop->fixed_file_ops)
		return -EBUSY;
	if (loop->backend->unregister_files)
		loop->backend->unregister_files(loop);
	else
		close_table(loop->fixed_files, loop->fixed_file_count);
	free(loop->fixed_files);
	loop->fixed_files = NULL;
	loop->fixed_file_count = 0;
	return 0;
}

int rr__fixed_file_claim(struct rr_loop *loop, struct rr_op *op)
{
	const struct rr_op_kind *kind = rr__op_kind(op);

	if (!kind->has_fd || op->type == RR_OP_CLOSE)
		return -EINVAL;
	rr_fd_t index = op->args.fd_only.fd;
	if (!loop->fixed_files || index < 0 || (unsigned)index >= loop->fixed_file_count ||
	    loop->fixed_files[index] == -1)
		return -EBADF;
	/* io_uring keeps the index (IOSQE_FIXED_FILE); elsewhere the op runs
	 * on the table's own fd. */
	if (!loop->backend->register_files)
		op->args.fd_only.fd = loop->fixed_files[index];
	op->flags |= RR_OP_F_COUNTED;
	loop->fixed_file_ops++;
	return 0;
}

void rr__fixed_release_all(struct rr_loop *loop)
{
	if (loop->fixed_files) {
		loop->fixed_file_ops = 0; /* nothing is in flight any more */
		(void)rr_loop_unregister_files(loop);
	}
	if (loop->fixed_buffers)
		(void)rr_loop_unregister_buffers(loop);
}
