/*
 * Whole-file reads and writes as a small state machine over the loop's ops:
 * open, (size), transfer until done, close, then one callback.  An error at
 * any step still closes what was opened before the callback runs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>

#include "rawring/file.h"

_Static_assert(sizeof(struct statx) <= sizeof(((struct rr_file_op *)0)->statx_buf),
	       "rr_file_op.statx_buf must hold a struct statx");

enum step { STEP_OPEN, STEP_SIZE, STEP_TRANSFER, STEP_CLOSE };

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

static int transfer_next(struct rr_loop *loop, struct rr_file_op *file)
{
	size_t left = file->size - file->done;
	unsigned chunk = left > MAX_CHUNK ? MAX_CHUNK : (unsigned)left;

	if (file->writing)
		return rr_write(loop, &file->op, file->fd, file->buf + file->done,
				chunk, (int64_t)file->done);
	return rr_read(loop, &file->op, file->fd, file->buf + file->done, chunk,
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
		file->fd = result;
		if (file->writing) {
			file->step = STEP_TRANSFER;
			ret = file->size ? transfer_next(loop, file) : 1;
		} else {
			file->step = STEP_SIZE;
			ret = rr_statx(loop, op, file->fd, "", AT_EMPTY_PATH, STATX_SIZE,
				       (struct statx *)file->statx_buf);
		}
		break;
	case STEP_SIZE: {
		if (result < 0) {
			close_then_finish(loop, file, result);
			return;
		}
		uint64_t size = ((struct statx *)file->statx_buf)->stx_size;
		if (size > file->capacity) {
			close_then_finish(loop, file, -EFBIG);
			return;
		}
		file->size = (size_t)size;
		file->step = STEP_TRANSFER;
		ret = file->size ? transfer_next(loop, file) : 1;
		break;
	}
	case STEP_TRANSFER:
		if (result < 0) {
			close_then_finish(loop, file, result);
			return;
		}
		file->done += (size_t)result;
		if (result == 0 && !file->writing) {
			/* EOF before the size statx saw: the file shrank. */
			file->size = file->done;
		} else if (result == 0) {
			close_then_finish(loop, file, -EIO);
			return;
		}
		ret = file->done < file->size ? transfer_next(loop, file) : 1;
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
	file->fd = -1;
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
