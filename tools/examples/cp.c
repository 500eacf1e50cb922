/*
 * rr-cp: copy a file on the proactor loop with linked read→write chains.
 *
 *   rr-cp [--backend auto|uring|epoll|kqueue|iocp] SRC DST
 *
 * Each block is a read op linked (rr_op_link) to the write of the same
 * buffer: the write starts only when the read has filled the buffer, and a
 * failed or short read cancels it.  DEPTH chains are in flight; each write's
 * callback starts the next chain in its slot.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "example_support.h"
#include "rawring.h"

#define PROGRAM "rr-cp"

enum { BLOCK = 128 * 1024, DEPTH = 16 };

struct slot {
	struct rr_op read_op, write_op;
	unsigned len;
	char buffer[BLOCK];
};

struct copy {
	rr_fd_t src, dst;
	uint64_t size, next_offset, written;
	int error;
	struct slot slots[DEPTH];
};

static void start_block(struct rr_loop *loop, struct copy *copy, struct slot *slot);

static void on_read(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct copy *copy = op->context;

	(void)loop;
	if (result < 0 && !copy->error)
		copy->error = result;
	/* A short read cancels the linked write; report it as such. */
	struct slot *slot = (struct slot *)((char *)op - offsetof(struct slot, read_op));
	if (result >= 0 && (unsigned)result != slot->len && !copy->error)
		copy->error = -EIO;
}

static void on_write(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct copy *copy = op->context;
	struct slot *slot = (struct slot *)((char *)op - offsetof(struct slot, write_op));

	if (result < 0) {
		if (!copy->error)
			copy->error = result;
		return;
	}
	if ((unsigned)result != slot->len) {
		if (!copy->error)
			copy->error = -ENOSPC;
		return;
	}
	copy->written += (unsigned)result;
	start_block(loop, copy, slot);
}

static void start_block(struct rr_loop *loop, struct copy *copy, struct slot *slot)
{
	if (copy->error || copy->next_offset >= copy->size)
		return;
	uint64_t left = copy->size - copy->next_offset;
	slot->len = left < BLOCK ? (unsigned)left : BLOCK;
	rr_op_init(&slot->read_op, on_read, copy);
	rr_op_init(&slot->write_op, on_write, copy);
	rr_op_link(&slot->read_op);
	int ret = rr_read(loop, &slot->read_op, copy->src, slot->buffer, slot->len,
			  (int64_t)copy->next_offset);
	if (ret == 0)
		ret = rr_write(loop, &slot->write_op, copy->dst, slot->buffer, slot->len,
			       (int64_t)copy->next_offset);
	if (ret < 0 && !copy->error)
		copy->error = ret;
	copy->next_offset += slot->len;
}

int main(int argc, char **argv)
{
	struct rr_loop_options options = { .backend = RR_BACKEND_AUTO, .sqpoll_cpu = -1 };
	int arg = 1;

	if (argc == 5 && strcmp(argv[1], "--backend") == 0) {
		options.backend = example_backend(PROGRAM, argv[2]);
		arg = 3;
	}
	if (argc - arg != 2) {
		fprintf(stderr, "usage: " PROGRAM " [--backend auto|uring|epoll|kqueue|iocp] SRC DST\n");
		return 2;
	}
	const char *src_path = argv[arg], *dst_path = argv[arg + 1];
	struct copy *copy = calloc(1, sizeof(*copy));

	if (!copy)
		return 1;
	copy->src = example_open_read(src_path, &copy->size);
	if (copy->src < 0) {
		fprintf(stderr, PROGRAM ": %s: %s\n", src_path, strerror((int)-copy->src));
		return 1;
	}
	copy->dst = example_open_write(dst_path);
	if (copy->dst < 0) {
		fprintf(stderr, PROGRAM ": %s: %s\n", dst_path, strerror((int)-copy->dst));
		return 1;
	}

	struct rr_loop loop;
	int ret = rr_loop_init(&loop, &options);
	if (ret < 0) {
		fprintf(stderr, PROGRAM ": loop: %s\n", strerror(-ret));
		return 1;
	}
	for (int i = 0; i < DEPTH; i++)
		start_block(&loop, copy, &copy->slots[i]);
	ret = rr_loop_run(&loop, RR_RUN_UNTIL_DONE);
	if (ret < 0 && !copy->error)
		copy->error = ret;
	struct rr_loop_stats stats = rr_loop_stats(&loop);
	const char *backend = rr_loop_backend_name(&loop);
	rr_loop_deinit(&loop);

	if (copy->error) {
		fprintf(stderr, PROGRAM ": copy failed: %s\n", strerror(-copy->error));
		return 1;
	}
	printf(PROGRAM ": %llu bytes copied (%s), %llu ops, %llu system calls\n",
	       (unsigned long long)copy->written, backend,
	       (unsigned long long)stats.ops_completed,
	       (unsigned long long)stats.syscalls);
	example_close(copy->src);
	ret = example_close(copy->dst);
	if (ret < 0) {
		fprintf(stderr, PROGRAM ": %s: %s\n", dst_path, strerror(-ret));
		return 1;
	}
	free(copy);
	return 0;
}
