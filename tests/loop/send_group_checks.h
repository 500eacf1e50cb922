/*
 * What the send-bundle suites (test_loop_send_bundle*.c) share: a callback
 * that records what a send bundle gave back, and buffers filled with a
 * pattern each byte of which says where it came from.
 */
#ifndef RAWRING_TEST_LOOP_SEND_GROUP_CHECKS_H
#define RAWRING_TEST_LOOP_SEND_GROUP_CHECKS_H

#include <stdbool.h>

#include "rawring.h"

enum { SENT_MAX_BACK = 1024 };

/* What a send bundle's callback saw (its op's context). */
struct sent {
	int calls;
	int result;
	unsigned count;                /* buffers given back */
	unsigned ids[SENT_MAX_BACK];   /* ... in the order the bundle gave them */
	unsigned queued_after;         /* rr_buf_group_queued in the callback */
	struct rr_buf_group *group;    /* set by the test */
	bool done;
};
void sent_cb(struct rr_loop *loop, struct rr_op *op, int result);

/* The byte at `offset` of buffer `id`'s fill. */
unsigned char fill_byte(unsigned id, unsigned offset);

/* Fill buffer `id` of `g` with `len` bytes of its pattern and queue it. */
void queue_filled(struct rr_buf_group *g, unsigned id, unsigned len);

/* A send group `g` of `count` buffers of `size` on `loop` (open), a stream
 * pair whose pair[0] has a send buffer of about 4 KiB, and the first
 * `queued` buffers queued full, in id order: a bundle that cannot all go
 * into the socket at once. */
void open_full_queue(struct rr_loop *loop, struct rr_buf_group *g, unsigned count,
		     unsigned size, rr_fd_t pair[2], unsigned queued);

#endif
