/*
 * A process holding an io_uring in a known state, for the tests that look
 * at it from outside (ringdump serve's page in a browser, its HTTP
 * checks): 3 unreaped CQEs (NOPs, user_data 0xc0de0001..3) and 2 pending
 * SQEs (NOPs published, never submitted: user_data 0x5e0001, 0x5e0002).
 * Prints "ready PID" when it holds them.  Each line "change" on stdin
 * publishes one more pending NOP (user_data 0x5e0100, 0x5e0101, ...) and
 * prints "changed"; EOF ends it.  Exit 77 (a test's skip) without
 * io_uring.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "rawring.h"

static int publish_nop(struct rr_ring *ring, uint64_t user_data)
{
	struct io_uring_sqe *sqe = rr_get_sqe(ring);

	if (!sqe)
		return -1;
	rr_prep_nop(sqe);
	rr_sqe_set_data64(sqe, user_data);
	/* Publish the tail without entering: the kernel would consume the
	 * SQE only at the next enter, which never comes.  (The store-release
	 * pairs with the reader's load-acquire of the tail.) */
	rr_store_release(ring->sq.ktail, ring->sq.sqe_tail);
	return 0;
}

int main(void)
{
	struct rr_ring ring;
	char line[64];

	if (rr_ring_init(8, &ring, 0) < 0) {
		printf("no io_uring\n");
		return 77;
	}
	for (uint64_t i = 1; i <= 3; i++) {
		struct io_uring_sqe *sqe = rr_get_sqe(&ring);
		rr_prep_nop(sqe);
		rr_sqe_set_data64(sqe, 0xc0de0000u + i);
	}
	if (rr_submit_and_wait(&ring, 3) < 0 || publish_nop(&ring, 0x5e0001) < 0 ||
	    publish_nop(&ring, 0x5e0002) < 0)
		return 1;
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	for (uint64_t next = 0x5e0100; fgets(line, sizeof(line), stdin); next++) {
		if (strncmp(line, "change", 6) != 0 || publish_nop(&ring, next) < 0)
			return 1;
		printf("changed\n");
		fflush(stdout);
	}
	rr_ring_exit(&ring);
	return 0;
}
