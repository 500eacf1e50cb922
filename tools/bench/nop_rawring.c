/* NOPs through rawring's ring layer and through its proactor loop. */
#define _GNU_SOURCE
#include <errno.h>

#include "nop_bench.h"
#include "rawring.h"

#define RING_ENTRIES 256

double nop_rawring(uint64_t ops, unsigned batch)
{
	struct rr_ring ring;

	if (rr_ring_init(RING_ENTRIES, &ring, 0) < 0)
		return -ENOSYS;
	uint64_t start = rr_now_ns();
	for (uint64_t done = 0; done < ops; done += batch) {
		for (unsigned i = 0; i < batch; i++) {
			struct io_uring_sqe *sqe = rr_get_sqe(&ring);
			if (!sqe) /* cannot happen: batch <= entries, all reaped */
				return -EBUSY;
			rr_prep_nop(sqe);
		}
		rr_submit_and_wait(&ring, batch);
		rr_cq_advance(&ring, rr_cq_ready(&ring));
	}
	uint64_t elapsed = rr_now_ns() - start;
	rr_ring_exit(&ring);
	return (double)ops / ((double)elapsed / 1e9);
}

struct nop_state {
	uint64_t remaining;
};

static void nop_done(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct nop_state *state = op->context;

	(void)result;
	if (state->remaining) {
		state->remaining--;
		rr_nop(loop, op);
	}
}

double nop_loop(uint64_t ops, unsigned batch)
{
	struct rr_loop loop;
	struct rr_loop_options options = { .backend = RR_BACKEND_URING,
					   .entries = RING_ENTRIES, .sqpoll_cpu = -1 };
	static struct rr_op op_pool[RING_ENTRIES];
	struct nop_state state = { .remaining = ops - batch };

	if (rr_loop_init(&loop, &options) < 0)
		return -ENOSYS;
	uint64_t start = rr_now_ns();
	/* `batch` ops in flight; each callback schedules its op again. */
	for (unsigned i = 0; i < batch; i++) {
		rr_op_init(&op_pool[i], nop_done, &state);
		rr_nop(&loop, &op_pool[i]);
	}
	rr_loop_run(&loop, RR_RUN_UNTIL_DONE);
	uint64_t elapsed = rr_now_ns() - start;
	rr_loop_deinit(&loop);
	return (double)ops / ((double)elapsed / 1e9);
}
