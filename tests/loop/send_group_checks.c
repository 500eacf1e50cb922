/* The send-bundle suites' shared checks (send_group_checks.h). */
#include "../driver/rr_test.h"

#include "../platform/platform.h"
#include "send_group_checks.h"

void sent_cb(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct sent *s = op->context;

	(void)loop;
	s->calls++;
	s->result = result;
	s->count = rr_op_buffer_count(op);
	unsigned id = rr_op_buffer_id(op);
	for (unsigned i = 0; i < s->count && i < SENT_MAX_BACK; i++) {
		s->ids[i] = id;
		if (i + 1 < s->count)
			id = rr_op_bundle_next(op, id);
	}
	s->queued_after = rr_buf_group_queued(s->group);
	s->done = true;
}

unsigned char fill_byte(unsigned id, unsigned offset)
{
	return (unsigned char)(id * 31u + offset * 7u + 1u);
}

void queue_filled(struct rr_buf_group *g, unsigned id, unsigned len)
{
	unsigned char *b = rr_buf_group_buffer(g, id);

	for (unsigned i = 0; i < len; i++)
		b[i] = fill_byte(id, i);
	cr_assert_eq(rr_buf_group_queue(g, id, len), 0, "queue buffer %u", id);
}

void open_full_queue(struct rr_loop *loop, struct rr_buf_group *g, unsigned count,
		     unsigned size, rr_fd_t pair[2], unsigned queued)
{
	cr_assert_eq(rr_buf_group_init_flags(loop, g, count, size, RR_BUF_GROUP_SEND), 0);
	stream_pair(pair);
	sock_small_send_buffer(pair[0], 4096);
	for (unsigned i = 0; i < queued; i++)
		queue_filled(g, i, size);
}
