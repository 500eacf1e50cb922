/* Sockets through the ring: connect/accept, send/recv, msg, multishot. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include "driver/rr_test.h"
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "helpers.h"

TestSuite(net, .timeout = 30);

Test(net, socket_connect_accept_send_recv_shutdown_round_trip)
{
	struct rr_ring ring;
	uint16_t port;
	char buf[64];

	require_opcode(IORING_OP_SOCKET, "IORING_OP_SOCKET");
	ring_init_or_skip(&ring, 8, 0);
	int listener = listen_loopback(&port);
	struct sockaddr_in addr = loopback_addr(port);

	rr_prep_socket(must_get_sqe(&ring), AF_INET, SOCK_STREAM, 0, 0);
	int client = run_one(&ring);
	cr_assert_geq(client, 0, "socket: %s", strerror(-client));

	rr_prep_connect(must_get_sqe(&ring), client, (struct sockaddr *)&addr,
			sizeof(addr));
	cr_assert_eq(run_one(&ring), 0);

	rr_prep_accept(must_get_sqe(&ring), listener, NULL, NULL, SOCK_CLOEXEC);
	int server = run_one(&ring);
	cr_assert_geq(server, 0, "accept: %s", strerror(-server));

	rr_prep_send(must_get_sqe(&ring), client, "ping", 4, 0);
	cr_assert_eq(run_one(&ring), 4);
	rr_prep_recv(must_get_sqe(&ring), server, buf, sizeof(buf), 0);
	cr_assert_eq(run_one(&ring), 4);
	cr_assert_eq(memcmp(buf, "ping", 4), 0);

	rr_prep_shutdown(must_get_sqe(&ring), client, SHUT_WR);
	cr_assert_eq(run_one(&ring), 0);
	rr_prep_recv(must_get_sqe(&ring), server, buf, sizeof(buf), 0);
	cr_assert_eq(run_one(&ring), 0, "EOF after the peer's shutdown");

	rr_prep_close(must_get_sqe(&ring), client);
	cr_assert_eq(run_one(&ring), 0);
	close(server);
	close(listener);
	rr_ring_exit(&ring);
}

Test(net, connect_refused_passes_the_kernel_error)
{
	struct rr_ring ring;
	uint16_t port;

	ring_init_or_skip(&ring, 4, 0);
	/* Take a free port, then close it so nothing listens there. */
	close(listen_loopback(&port));
	struct sockaddr_in addr = loopback_addr(port);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	rr_prep_connect(must_get_sqe(&ring), fd, (struct sockaddr *)&addr,
			sizeof(addr));
	cr_assert_eq(run_one(&ring), -ECONNREFUSED);
	close(fd);
	rr_ring_exit(&ring);
}

Test(net, sendmsg_and_recvmsg_gather_and_scatter)
{
	struct rr_ring ring;
	int fds[2];
	char head[3] = "abc", tail[4] = "defg", in1[4], in2[3];
	struct iovec out[2] = { { head, 3 }, { tail, 4 } };
	struct iovec in[2] = { { in1, 4 }, { in2, 3 } };
	struct msghdr send_msg = { .msg_iov = out, .msg_iovlen = 2 };
	struct msghdr recv_msg = { .msg_iov = in, .msg_iovlen = 2 };

	ring_init_or_skip(&ring, 4, 0);
	stream_pair(fds);
	rr_prep_sendmsg(must_get_sqe(&ring), fds[0], &send_msg, 0);
	cr_assert_eq(run_one(&ring), 7);
	rr_prep_recvmsg(must_get_sqe(&ring), fds[1], &recv_msg, MSG_WAITALL);
	cr_assert_eq(run_one(&ring), 7);
	cr_assert_eq(memcmp(in1, "abcd", 4), 0);
	cr_assert_eq(memcmp(in2, "efg", 3), 0);
	close(fds[0]);
	close(fds[1]);
	rr_ring_exit(&ring);
}

Test(net, send_zc_reports_result_then_notification)
{
	struct rr_ring ring;
	int fds[2];
	char buf[16];
	uint16_t port;

	require_opcode(IORING_OP_SEND_ZC, "IORING_OP_SEND_ZC");
	ring_init_or_skip(&ring, 4, 0);
	int listener = listen_loopback(&port);
	fds[0] = connect_loopback(port);
	fds[1] = accept(listener, NULL, NULL);
	rr_prep_send_zc(must_get_sqe(&ring), fds[0], "zerocopy", 8, 0, 0);
	cr_assert_eq(rr_submit(&ring), 1);

	struct io_uring_cqe *cqe = wait_cqe_ms(&ring, 5000);
	cr_assert_eq(cqe->res, 8);
	cr_assert(cqe->flags & IORING_CQE_F_MORE, "a notification follows");
	rr_cqe_seen(&ring, cqe);
	cqe = wait_cqe_ms(&ring, 5000);
	cr_assert(cqe->flags & IORING_CQE_F_NOTIF);
	rr_cqe_seen(&ring, cqe);
	cr_assert_eq(recv(fds[1], buf, sizeof(buf), MSG_WAITALL | MSG_DONTWAIT), 8);
	cr_assert_eq(memcmp(buf, "zerocopy", 8), 0);
	close(fds[0]);
	close(fds[1]);
	close(listener);
	rr_ring_exit(&ring);
}

Test(net, multishot_accept_takes_three_connections_with_one_sqe)
{
	struct rr_ring ring;
	uint16_t port;
	int clients[3];

	ring_init_or_skip(&ring, 4, 0);
	int listener = listen_loopback(&port);
	struct io_uring_sqe *sqe = must_get_sqe(&ring);
	rr_prep_multishot_accept(sqe, listener, NULL, NULL, SOCK_CLOEXEC);
	rr_sqe_set_data64(sqe, 77);
	cr_assert_eq(rr_submit(&ring), 1);
	unsigned tail_after_submit = *ring.sq.ktail;

	for (int i = 0; i < 3; i++) {
		clients[i] = connect_loopback(port);
		struct io_uring_cqe *cqe = wait_cqe_ms(&ring, 5000);
		if (cqe->res == -EINVAL)
			cr_skip_test("kernel older than 5.19: no multishot accept");
		cr_assert_geq(cqe->res, 0, "accept %d: %s", i, strerror(-cqe->res));
		cr_assert_eq(cqe->user_data, 77u);
		cr_assert(cqe->flags & IORING_CQE_F_MORE, "the accept stays armed");
		/* The accepted socket really is the client's peer. */
		cr_assert_eq(write(clients[i], "x", 1), 1);
		char c;
		cr_assert_eq(read(cqe->res, &c, 1), 1);
		close(cqe->res);
		rr_cqe_seen(&ring, cqe);
	}
	cr_assert_eq(*ring.sq.ktail, tail_after_submit, "one SQE in all");
	for (int i = 0; i < 3; i++)
		close(clients[i]);
	close(listener);
	rr_ring_exit(&ring);
}

Test(net, multishot_recv_with_a_buffer_ring_recycles_buffers)
{
	struct rr_ring ring;
	struct rr_buf_ring br;
	enum { NBUF = 4, BUFSZ = 32, MESSAGES = 40 };
	static char buffers[NBUF][BUFSZ];
	int fds[2];

	ring_init_or_skip(&ring, 8, 0);
	int ret = rr_register_buf_ring(&ring, &br, NBUF, 5);
	if (ret == -EINVAL)
		cr_skip_test("kernel older than 5.19: no provided buffer rings");
	cr_assert_eq(ret, 0, "%s", strerror(-ret));
	for (unsigned short i = 0; i < NBUF; i++)
		rr_buf_ring_add(&br, buffers[i], BUFSZ, i, i);
	rr_buf_ring_advance(&br, NBUF);

	stream_pair(fds);
	struct io_uring_sqe *sqe = must_get_sqe(&ring);
	rr_prep_recv_multishot(sqe, fds[0], br.group_id, 0);
	rr_sqe_set_data64(sqe, 9);
	cr_assert_eq(rr_submit(&ring), 1);

	/* Ten times as many messages as buffers: only recycling makes room. */
	unsigned uses[NBUF] = { 0 };
	for (int i = 0; i < MESSAGES; i++) {
		char msg[BUFSZ];
		int len = snprintf(msg, sizeof(msg), "message %d", i);
		cr_assert_eq(write(fds[1], msg, (size_t)len), len);

		struct io_uring_cqe *cqe = wait_cqe_ms(&ring, 5000);
		if (cqe->res == -EINVAL && i == 0)
			cr_skip_test("kernel older than 6.0: no multishot recv");
		cr_assert_eq(cqe->res, len, "message %d: %d", i, cqe->res);
		cr_assert(cqe->flags & IORING_CQE_F_BUFFER);
		cr_assert(cqe->flags & IORING_CQE_F_MORE);
		unsigned short bid = rr_cqe_buffer_id(cqe);
		cr_assert_lt(bid, NBUF);
		cr_assert_eq(memcmp(buffers[bid], msg, (size_t)len), 0);
		uses[bid]++;
		rr_cqe_seen(&ring, cqe);
		/* Hand the buffer back. */
		rr_buf_ring_add(&br, buffers[bid], BUFSZ, bid, 0);
		rr_buf_ring_advance(&br, 1);
	}
	for (int i = 0; i < NBUF; i++)
		cr_assert_gt(uses[i], 1u, "buffer %d was recycled", i);

	/* Closing the peer ends the stream: a final CQE without F_MORE. */
	close(fds[1]);
	struct io_uring_cqe *cqe = wait_cqe_ms(&ring, 5000);
	cr_assert_eq(cqe->res, 0);
	cr_assert_eq(cqe->flags & IORING_CQE_F_MORE, 0u);
	rr_cqe_seen(&ring, cqe);
	cr_assert_eq(rr_unregister_buf_ring(&ring, &br), 0);
	close(fds[0]);
	rr_ring_exit(&ring);
}

Test(net, multishot_poll_reports_each_readiness)
{
	struct rr_ring ring;
	int fds[2];
	char c;

	ring_init_or_skip(&ring, 4, 0);
	stream_pair(fds);
	struct io_uring_sqe *sqe = must_get_sqe(&ring);
	rr_prep_poll_multishot(sqe, fds[0], POLLIN);
	rr_sqe_set_data64(sqe, 3);
	cr_assert_eq(rr_submit(&ring), 1);
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(write(fds[1], "p", 1), 1);
		struct io_uring_cqe *cqe = wait_cqe_ms(&ring, 5000);
		cr_assert(cqe->res & POLLIN);
		cr_assert(cqe->flags & IORING_CQE_F_MORE);
		rr_cqe_seen(&ring, cqe);
		cr_assert_eq(read(fds[0], &c, 1), 1);
	}
	sqe = must_get_sqe(&ring);
	rr_prep_poll_remove(sqe, 3);
	rr_sqe_set_data64(sqe, 4);
	cr_assert_eq(rr_submit(&ring), 1);
	for (int i = 0; i < 2; i++) {
		struct io_uring_cqe *cqe = wait_cqe_ms(&ring, 5000);
		if (cqe->user_data == 3)
			cr_assert_eq(cqe->res, -ECANCELED);
		else
			cr_assert_eq(cqe->res, 0);
		rr_cqe_seen(&ring, cqe);
	}
	close(fds[0]);
	close(fds[1]);
	rr_ring_exit(&ring);
}
