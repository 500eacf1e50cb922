/* The reference: the same NOP loop written with liburing, as its
 * documentation recommends (queue_init, get_sqe, prep, submit_and_wait,
 * cq_advance). */
#define _GNU_SOURCE
#include <errno.h>

#include "nop_bench.h"
#include "rawring/loop.h"

#ifdef HAVE_LIBURING
#include <liburing.h>

bool nop_liburing_available(void)
{
	return true;
}

double nop_liburing(uint64_t ops, unsigned batch)
{
	struct io_uring ring;

	if (io_uring_queue_init(256, &ring, 0) < 0)
		return -ENOSYS;
	uint64_t start = rr_now_ns();
	for (uint64_t done = 0; done < ops; done += batch) {
		for (unsigned i = 0; i < batch; i++) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
			if (!sqe)
				return -EBUSY;
			io_uring_prep_nop(sqe);
		}
		io_uring_submit_and_wait(&ring, batch);
		io_uring_cq_advance(&ring, io_uring_cq_ready(&ring));
	}
	uint64_t elapsed = rr_now_ns() - start;
	io_uring_queue_exit(&ring);
	return (double)ops / ((double)elapsed / 1e9);
}
#else
bool nop_liburing_available(void)
{
	return false;
}

double nop_liburing(uint64_t ops, unsigned batch)
{
	(void)ops;
	(void)batch;
	return -ENOSYS;
}
#endif
