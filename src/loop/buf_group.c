/*
 * Buffer groups: the memory of a group's buffers, which of them the
 * application holds, and (on backends without provided buffers of their
 * own) the ring of free ones.  On io_uring the backend hands the buffers
 * to the kernel's buffer ring and takes released ones back there.  A send
 * group's queue is kept here on every backend; the send bundle that sends
 * it takes its buffers off the queue as its callback runs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../common/fault.h"
#include "../common/pages.h"
#include "loop_internal.h"

#define GROUP_MAX_BUFFERS 32768u    /* io_uring's limit for a buffer ring */
#define GROUP_MAX_SIZE (1u << 30)

#define GROUP_IDS 65536u           /* io_uring's buffer group ids: 16 bits */

/* Take the lowest buffer group id no group of `loop` uses: its id, -ENOSPC
 * when all are taken, -ENOMEM.  A bitmap, so that a loop with a group per
 * connection sets one up in a few word reads, not a walk of all the
 * others per candidate id. */
static int take_group_id(struct rr_loop *loop)
{
	if (!loop->buf_group_ids) {
		loop->buf_group_ids = RR_FAULTABLE(RR_FAULT_ALLOC, NULL,
						   calloc(GROUP_IDS / 64, sizeof(uint64_t)));
		if (!loop->buf_group_ids)
			return -ENOMEM;
	}
	for (unsigned word = 0; word < GROUP_IDS / 64; word++) {
		uint64_t free_bits = ~loop->buf_group_ids[word];
		if (free_bits) {
			unsigned bit = (unsigned)__builtin_ctzll(free_bits);
			loop->buf_group_ids[word] |= 1ull << bit;
			return (int)(word * 64 + bit);
		}
	}
	return -ENOSPC;
}

static void give_group_id(struct rr_loop *loop, unsigned short id)
{
	loop->buf_group_ids[id / 64] &= ~(1ull << (id % 64));
}

/* Free what rr_buf_group_init_flags allocated (its id is given back
 * apart). */
static void release_memory(struct rr_buf_group *group)
{
	rr__pages_free(group->base, (size_t)group->count * group->size);
	free(group->lent);
	free(group->bundle_next);
	free(group->free_ids);
	free(group->filled);
	group->filled = NULL;
	group->bundle_next = NULL;
	group->base = group->lent = NULL;
	group->free_ids = NULL;
}

/* A send group's queue, empty, on every backend (free_ids: the queued ids
 * in order), with every buffer the application's; the native backend
 * gets its kernel ring too (io_uring: an empty buffer ring, filled as a
 * send bundle starts). */
static int send_queue_init(struct rr_loop *loop, struct rr_buf_group *group)
{
	group->free_ids = RR_FAULTABLE(RR_FAULT_ALLOC, NULL,
				       malloc(group->count * sizeof(*group->free_ids)));
	if (!group->free_ids)
		return -ENOMEM;
	memset(group->lent, 1, group->count);
	group->free_head = 0;
	group->free_count = 0;
	return loop->backend->buf_group_init ? loop->backend->buf_group_init(loop, group) : 0;
}

int rr_buf_group_init(struct rr_loop *loop, struct rr_buf_group *group,
		      unsigned count, unsigned size)
{
	return rr_buf_group_init_flags(loop, group, count, size, 0);
}

int rr_buf_group_init_flags(struct rr_loop *loop, struct rr_buf_group *group,
			    unsigned count, unsigned size, unsigned flags)
{
	const unsigned both = RR_BUF_GROUP_INCREMENTAL | RR_BUF_GROUP_SEND;

	if (!loop || !loop->initialized || !group || count == 0 ||
	    count > GROUP_MAX_BUFFERS || (count & (count - 1)) || size == 0 ||
	    size > GROUP_MAX_SIZE || (flags & ~both) || (flags & both) == both)
		return -EINVAL;
	int id = take_group_id(loop);
	if (id < 0)
		return id;
	memset(group, 0, sizeof(*group));
	group->count = count;
	group->size = size;
	group->id = (unsigned short)id;
	group->partial = -1;
	group->send = (flags & RR_BUF_GROUP_SEND) != 0;
	/* Asked for, and where the backend can: the native one decides in
	 * its buf_group_init (io_uring: the kernel's support). */
	group->incremental = (flags & RR_BUF_GROUP_INCREMENTAL) &&
			     (loop->backend->buf_group_init || loop->backend->incremental_buffers);
	/* Page-aligned: see pages.h for what an unaligned buffer costs. */
	group->base = rr__pages_alloc((size_t)count * size);
	int base_error = group->base ? 0 : -errno; /* (before free() may change it) */
	group->lent = RR_FAULTABLE(RR_FAULT_ALLOC, NULL, calloc(count, 1));
	group->bundle_next = RR_FAULTABLE(RR_FAULT_ALLOC, NULL,
					  calloc(count, sizeof(*group->bundle_next)));
	bool lengths = group->incremental || group->send;
	if (lengths)
		group->filled = RR_FAULTABLE(RR_FAULT_ALLOC, NULL,
					     calloc(count, sizeof(*group->filled)));
	if (!group->base || !group->lent || !group->bundle_next || (lengths && !group->filled)) {
		release_memory(group);
		give_group_id(loop, group->id);
		return base_error ? base_error : -ENOMEM;
	}
	if (group->send) {
		int ret = send_queue_init(loop, group);
		if (ret < 0) {
			release_memory(group);
			give_group_id(loop, group->id);
			return ret;
		}
	} else if (loop->backend->buf_group_init) {
		int ret = loop->backend->buf_group_init(loop, group);
		if (ret < 0) {
			release_memory(group);
			give_group_id(loop, group->id);
			return ret;
		}
	} else {
		group->free_ids = RR_FAULTABLE(RR_FAULT_ALLOC, NULL,
					       malloc(count * sizeof(*group->free_ids)));
		if (!group->free_ids) {
			release_memory(group);
			give_group_id(loop, group->id);
			return -ENOMEM;
		}
		/* In ring order, as io_uring's buffer ring starts: buffer 0
		 * is taken first, and a released one goes to the end, so
		 * that every backend fills the same buffers. */
		for (unsigned i = 0; i < count; i++)
			group->free_ids[i] = i;
		group->free_head = 0;
		group->free_count = count;
	}
	group->loop = loop;
	group->next = loop->buf_groups;
	loop->buf_groups = group;
	return 0;
}

void rr_buf_group_deinit(struct rr_buf_group *group)
{
	if (!group || !group->loop)
		return;
	struct rr_loop *loop = group->loop;
	for (struct rr_buf_group **link = &loop->buf_groups; *link; link = &(*link)->next)
		if (*link == group) {
			*link = group->next;
			break;
		}
	if (group->backend_ring)
		loop->backend->buf_group_deinit(loop, group);
	group->backend_ring = NULL;
	release_memory(group);
	give_group_id(loop, group->id);
	group->loop = NULL;
}

int rr_buf_group_release(struct rr_buf_group *group, unsigned id)
{
	/* (A send group's buffers come back by being sent.) */
	if (!group || !group->loop || group->send || id >= group->count || !group->lent[id])
		return -EINVAL;
	group->lent[id] = 0;
	if (group->backend_ring)
		group->loop->backend->buf_group_give(group, id);
	else
		group->free_ids[(group->free_head + group->free_count++) & (group->count - 1)] = id;
	return 0;
}

void rr__buf_groups_deinit(struct rr_loop *loop)
{
	while (loop->buf_groups)
		rr_buf_group_deinit(loop->buf_groups);
	free(loop->buf_group_ids);
	loop->buf_group_ids = NULL;
}

int rr_buf_group_queue(struct rr_buf_group *group, unsigned id, unsigned len)
{
	if (!group || !group->loop || !group->send || id >= group->count ||
	    !group->lent[id] || len == 0 || len > group->size)
		return -EINVAL;
	group->lent[id] = 0;
	group->filled[id] = len;
	group->free_ids[(group->free_head + group->free_count++) & (group->count - 1)] = id;
	return 0;
}

unsigned rr_buf_group_queued(const struct rr_buf_group *group)
{
	return group && group->loop && group->send ? group->free_count : 0;
}

void rr__send_bundle_done(struct rr_op *op)
{
	struct rr_buf_group *group = op->args.group_io.group;
	unsigned taken = op->args.group_io.count;

	if (!group->loop) { /* deinitialised under it (a caller error) */
		op->args.group_io.count = 0;
		return;
	}
	group->sending = false;
	for (unsigned i = 0, previous = 0; i < taken; i++) {
		unsigned id = (unsigned)rr__buf_take(group);
		group->lent[id] = 1;
		if (i == 0)
			op->args.group_io.buffer = id;
		else
			group->bundle_next[previous] = (unsigned short)id;
		previous = id;
	}
}
