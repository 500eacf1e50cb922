/*
 * rawring/file.h - whole files as one scheduled operation.
 *
 * rr_read_file opens, reads to EOF and closes a file; rr_write_file
 * creates or truncates, writes all and closes.  Each is one call with one
 * callback, built from the loop's own ops (openat, read/write, close), so
 * it runs on every backend and allocates nothing: the caller
 * provides the struct rr_file_op and the buffer.  Zero a struct rr_file_op
 * before its first use (`struct rr_file_op f = {0};`); it may be reused from
 * its own callback.
 */
#ifndef RAWRING_FILE_H
#define RAWRING_FILE_H

#include <stddef.h>

#include "loop.h"

#ifdef __cplusplus
extern "C" {
#endif

struct rr_file_op;

/* `result`: the bytes read or written, or a negative errno. */
typedef void (*rr_file_callback)(struct rr_loop *loop, struct rr_file_op *file,
				 ssize_t result);

struct rr_file_op {
	/* Set by the scheduling call; read-only afterwards. */
	rr_file_callback callback;
	void *context;
	/* Private. */
	struct rr_op op;
	const char *path;
	char *buf;
	size_t size;        /* bytes to transfer */
	size_t capacity;    /* rr_read_file: room in buf */
	size_t done;
	rr_fd_t fd;
	int error;
	unsigned mode;
	int step;
	bool writing;
	char probe_byte;    /* rr_read_file: the EOF check past a full buffer */
};

/*
 * Read the whole file at `path` into `buf` (room for `capacity` bytes).
 * The callback gets the bytes read (the file's size), -EFBIG if the file is
 * larger than `capacity` (the buffer then holds its first `capacity` bytes),
 * or the first error (-ENOENT, -EACCES, -EISDIR, ...).  Returns 0, or
 * -EINVAL / -EBUSY / -ESHUTDOWN without scheduling anything.
 */
int rr_read_file(struct rr_loop *loop, struct rr_file_op *file,
		 const char *path, void *buf, size_t capacity,
		 rr_file_callback callback, void *context);

/*
 * Create or truncate `path` (permissions `mode`), write `len` bytes of
 * `data` (continuing after short writes), and close it.  The callback gets
 * `len` or the first error.
 */
int rr_write_file(struct rr_loop *loop, struct rr_file_op *file,
		  const char *path, const void *data, size_t len, unsigned mode,
		  rr_file_callback callback, void *context);

#ifdef __cplusplus
}
#endif

#endif /* RAWRING_FILE_H */
