/* A program built outside rawring's tree, by another build system (a meson
 * project taking rawring as a subproject; a CMake project finding it with
 * pkg-config): one NOP through the ring, one through the loop. */
#include <errno.h>
#include <stdio.h>

#include <rawring.h>

static int completions;

static void on_nop(struct rr_loop *loop, struct rr_op *op, int result)
{
	(void)loop;
	(void)op;
	if (result == 0)
		completions++;
}

/* 0 after a NOP's round trip (or where io_uring is blocked), else -errno. */
static int ring_round_trip(void)
{
	struct rr_ring ring;
	int ret = rr_ring_init(8, &ring, 0);
	if (ret < 0)
		return ret == -EPERM || ret == -ENOSYS ? 0 : ret;
	struct io_uring_sqe *sqe = rr_get_sqe(&ring);
	rr_prep_nop(sqe);
	rr_sqe_set_data64(sqe, 7);
	ret = rr_submit(&ring);
	struct io_uring_cqe *cqe = NULL;
	if (ret == 1)
		ret = rr_wait_cqe(&ring, &cqe);
	if (ret == 0 && rr_cqe_get_data64(cqe) != 7)
		ret = -EPROTO;
	if (cqe)
		rr_cqe_seen(&ring, cqe);
	rr_ring_exit(&ring);
	return ret;
}

int main(void)
{
	int ret = ring_round_trip();
	if (ret < 0) {
		fprintf(stderr, "consumer: ring: %d\n", ret);
		return 1;
	}
	struct rr_loop loop;
	ret = rr_loop_init(&loop, NULL);
	if (ret < 0) {
		fprintf(stderr, "consumer: loop: %d (%s)\n", ret, rr_loop_backend_reason(&loop));
		return 1;
	}
	struct rr_op op;
	rr_op_init(&op, on_nop, NULL);
	ret = rr_nop(&loop, &op);
	if (ret == 0)
		ret = rr_loop_run(&loop, RR_RUN_UNTIL_DONE);
	printf("consumer: ring and loop round trips on %s\n", rr_loop_backend_name(&loop));
	rr_loop_deinit(&loop);
	if (ret < 0 || completions != 1) {
		fprintf(stderr, "consumer: loop run: %d, %d callbacks\n", ret, completions);
		return 1;
	}
	return 0;
}
