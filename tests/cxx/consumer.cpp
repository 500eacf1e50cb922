// A C++17 program that includes every public header and calls the ring
// and the loop API: rawring's headers must compile cleanly as C++ (g++ and
// clang++, warnings as errors) and link against the C library.
#include <rawring.h>

#include <cerrno>
#include <cstdio>

namespace {

int completions = 0;

void on_nop(struct rr_loop *, struct rr_op *, int result)
{
	if (result == 0)
		completions++;
}

int ring_round_trip()
{
	struct rr_ring ring;
	int ret = rr_ring_init(8, &ring, 0);
	if (ret < 0)
		return ret == -EPERM || ret == -ENOSYS ? 0 : ret; // io_uring blocked
	struct io_uring_sqe *sqe = rr_get_sqe(&ring);
	rr_prep_nop(sqe);
	rr_sqe_set_data64(sqe, 7);
	ret = rr_submit(&ring);
	struct io_uring_cqe *cqe = nullptr;
	if (ret == 1)
		ret = rr_wait_cqe(&ring, &cqe);
	if (ret == 0 && rr_cqe_get_data64(cqe) != 7)
		ret = -EPROTO;
	if (cqe)
		rr_cqe_seen(&ring, cqe);
	rr_ring_exit(&ring);
	return ret;
}

} // namespace

int main()
{
	int ret = ring_round_trip();
	if (ret < 0) {
		std::fprintf(stderr, "ring: %d\n", ret);
		return 1;
	}
	struct rr_loop loop;
	ret = rr_loop_init(&loop, nullptr);
	if (ret < 0) {
		std::fprintf(stderr, "loop: %d\n", ret);
		return 1;
	}
	struct rr_op op;
	rr_op_init(&op, on_nop, nullptr);
	ret = rr_nop(&loop, &op);
	if (ret == 0)
		ret = rr_loop_run(&loop, RR_RUN_UNTIL_DONE);
	rr_loop_deinit(&loop);
	if (ret < 0 || completions != 1) {
		std::fprintf(stderr, "loop run: %d, %d callbacks\n", ret, completions);
		return 1;
	}
	std::printf("cxx-consumer: ring and loop round trips from C++17 (%s)\n",
		    rr_loop_asserts_enabled() ? "asserts on" : "release");
	return 0;
}
