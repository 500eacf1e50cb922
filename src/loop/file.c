/*
 * Whole-file reads and writes as a small state machine over the loop's ops:
 * open, transfer until done, close, then one callback.  An error at any step
 * still closes what was opened before the callback runs.  A read goes until
 * EOF rather than trusting a size taken first, so it needs no statx (and
 * runs on every platform) and a file that grows or shrinks meanwhile is
 * read as it is.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <string.h>

#include "rawring/file.h"

enum step { STEP_OPEN, STEP_TRANSFER, STEP_PROBE_EOF, STEP_CLOSE };

/* Largest single read or write (the kernel caps one at about 2 GiB). */
#define MAX_CHUNK (1u << 30)

static struct rr_file_op *file_of(struct rr_op *op)
{
	return (struct rr_file_op *)((char *)op - offsetof(struct rr_file_op, op));
}

static void finish(struct rr_loop *loop, struct rr_file_op *file)
{
	ssize_t result = file->error ? file->error : (ssize_t)file->done;

	file->callback(loop, file, result);
}

/* Close the fd, keeping the first error; the callback follows the close. */
static void close_then_finish(struct rr_loop *loop, struct rr_file_op *file,
			      int error)
{
	if (error && !file->error)
		file->error = error;
	file->step = STEP_CLOSE;
	if (rr_close(loop, &file->op, file->fd) < 0)
		finish(loop, file); /* only during deinit: nothing more to do */
}

/* The next read or write; 1 when there is nothing left to do. */
static int transfer_next(struct rr_loop *loop, struct rr_file_op *file)
{
	size_t left = (file->writing ? file->size : file->capacity) - file->done;
	unsigned chunk = left > MAX_CHUNK ? MAX_CHUNK : (unsigned)left;

	if (file->writing)
		return chunk ? rr_write(loop, &file->op, file->fd, file->buf + file->done,
					chunk, (int64_t)file->done)
			     : 1;
	if (chunk)
		return rr_read(loop, &file->op, file->fd, file->buf + file->done, chunk,
			       (int64_t)file->done);
	/* The buffer is full: one more byte says whether the file is larger. */
	file->step = STEP_PROBE_EOF;
	return rr_read(loop, &file->op, file->fd, &file->probe_byte, 1,
		       (int64_t)file->done);
}

static void step_done(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct rr_file_op *file = file_of(op);
	int ret = 0;

	switch ((enum step)file->step) {
	case STEP_OPEN:
		if (result < 0) {
			file->error = result;
			finish(loop, file);
			return;
		}
		file->fd = (rr_fd_t)result;
		file->step = STEP_TRANSFER;
		ret = transfer_next(loop, file);
		break;
	case STEP_TRANSFER:
		if (result < 0) {
			close_then_finish(loop, file, result);
			return;
		}
		file->done += (size_t)result;
		if (result == 0)
			/* A read at EOF is done; a write of 0 bytes made no progress. */
			ret = file->writing ? -EIO : 1;
		else
			ret = transfer_next(loop, file);
		break;
	case STEP_PROBE_EOF:
		ret = result < 0 ? result : result > 0 ? -EFBIG : 1;
		break;
	case STEP_CLOSE:
		if (result < 0 && !file->error)
			file->error = result;
		finish(loop, file);
		return;
	}
	if (ret == 1)
		close_then_finish(loop, file, 0); /* all transferred */
	else if (ret < 0)
		close_then_finish(loop, file, ret);
}

static int start(struct rr_loop *loop, struct rr_file_op *file,
		 const char *path, int open_flags, rr_file_callback callback,
		 void *context)
{
	if (!file || !path || !callback)
		return -EINVAL;
	if (file->op.state != RR_OP_IDLE && file->op.callback == step_done)
		return -EBUSY;
	file->callback = callback;
	file->context = context;
	file->path = path;
	file->done = 0;
	file->fd = RR_FD_NONE;
	file->error = 0;
	file->step = STEP_OPEN;
	rr_op_init(&file->op, step_done, file);
	return rr_openat(loop, &file->op, AT_FDCWD, path, open_flags, file->mode);
}

int rr_read_file(struct rr_loop *loop, struct rr_file_op *file,
		 const char *path, void *buf, size_t capacity,
		 rr_file_callback callback, void *context)
{
	if (!file || (!buf && capacity))
		return -EINVAL;
	file->buf = buf;
	file->capacity = capacity;
	file->size = 0;
	file->mode = 0;
	file->writing = false;
	return start(loop, file, path, O_RDONLY | O_CLOEXEC, callback, context);
}

int rr_write_file(struct rr_loop *loop, struct rr_file_op *file,
		  const char *path, const void *data, size_t len, unsigned mode,
		  rr_file_callback callback, void *context)
{
	if (!file || (!data && len))
		return -EINVAL;
	file->buf = (char *)(uintptr_t)data;
	file->size = len;
	file->capacity = len;
	file->mode = mode;
	file->writing = true;
	return start(loop, file, path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		     callback, context);
}
