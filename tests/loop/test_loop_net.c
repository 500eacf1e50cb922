/* Sockets through the loop: round trips, EOF, reset, refusal, messages,
 * multishot accept, readiness. */
#define _GNU_SOURCE
#include "../driver/rr_test.h"
#include <errno.h>
#include <string.h>

#ifndef _WIN32
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

#include "../platform/platform.h"
#include "fixture.h"

TestSuite(loop_net, .timeout = 60);

/* A connected client/server pair made entirely with loop ops. */
static void connect_pair(struct rr_loop *loop, rr_fd_t listener, uint16_t port,
			 rr_fd_t *client, rr_fd_t *server)
{
	struct rr_op accept_op, connect_op;
	struct recorder accept_rec = { 0 }, connect_rec = { 0 };
	struct sockaddr_in addr = loopback_addr(port), peer;
	socklen_t peer_len = sizeof(peer);

	*client = tcp_socket();
	rr_op_init(&accept_op, record_cb, &accept_rec);
	rr_op_init(&connect_op, record_cb, &connect_rec);
	cr_assert_eq(rr_accept(loop, &accept_op, listener, (struct sockaddr *)&peer,
			       &peer_len, SOCK_CLOEXEC), 0);
	cr_assert_eq(rr_connect(loop, &connect_op, *client, (struct sockaddr *)&addr,
				sizeof(addr)), 0);
	run_until(loop, &accept_rec.done, 10000);
	run_until(loop, &connect_rec.done, 10000);
	cr_assert_eq(connect_rec.result, 0, "connect: %s", strerror(-connect_rec.result));
	cr_assert_geq(accept_rec.result, 0, "accept: %s", strerror(-accept_rec.result));
	cr_assert_eq(peer.sin_family, AF_INET, "the peer address was filled in");
	*server = accept_rec.result;
}

Test(loop_net, tcp_round_trip_eof_and_shutdown)
{
	struct rr_loop loop;
	struct rr_op op;
	struct recorder rec = { 0 };
	uint16_t port;
	rr_fd_t client, server;
	char buf[64];

	open_loop(&loop, 0);
	rr_fd_t listener = listen_loopback(&port);
	connect_pair(&loop, listener, port, &client, &server);
	rr_op_init(&op, record_cb, &rec);

	cr_assert_eq(run_op(&loop, &op, rr_send(&loop, &op, client, "ping", 4, 0)), 4);
	cr_assert_eq(run_op(&loop, &op, rr_recv(&loop, &op, server, buf, sizeof(buf), 0)), 4);
	cr_assert_eq(memcmp(buf, "ping", 4), 0);
	cr_assert_eq(run_op(&loop, &op, rr_send(&loop, &op, server, "pong!", 5, 0)), 5);
	cr_assert_eq(run_op(&loop, &op, rr_recv(&loop, &op, client, buf, sizeof(buf), 0)), 5);
	cr_assert_eq(memcmp(buf, "pong!", 5), 0);

	cr_assert_eq(run_op(&loop, &op, rr_shutdown(&loop, &op, client, SHUT_WR)), 0);
	cr_assert_eq(run_op(&loop, &op, rr_recv(&loop, &op, server, buf, sizeof(buf), 0)), 0,
		     "EOF after the peer's shutdown");
	close_fd(client);
	close_fd(server);
	close_fd(listener);
	rr_loop_deinit(&loop);
}

Test(loop_net, peer_reset_and_refused_connect_are_kernel_errors)
{
	struct rr_loop loop;
	struct rr_op op;
	struct recorder rec = { 0 };
	uint16_t port;
	rr_fd_t client, server;
	char buf[16];

	open_loop(&loop, 0);
	rr_fd_t listener = listen_loopback(&port);
	connect_pair(&loop, listener, port, &client, &server);
	rr_op_init(&op, record_cb, &rec);

	/* An abortive close sends RST. */
	struct linger abort_close = { .l_onoff = 1, .l_linger = 0 };
	setsockopt(client, SOL_SOCKET, SO_LINGER, (const char *)&abort_close,
		   sizeof(abort_close));
	cr_assert_eq(rr_recv(&loop, &op, server, buf, sizeof(buf), 0), 0);
	close_fd(client);
	rec.done = false;
	run_until(&loop, &rec.done, 10000);
	if (running_under_wine())
		/* Wine sends no RST for an abortive close as Windows does: a
		 * blocking recv there sees EOF 20 times in 20.  What the
		 * backend must still get right is one callback, no crash. */
		cr_assert(rec.result == -ECONNRESET || rec.result == 0, "got %d", rec.result);
	else
		cr_assert_eq(rec.result, -ECONNRESET, "got %d (%s)", rec.result,
			     strerror(-rec.result));
	close_fd(server);

	close_fd(listener); /* nothing listens on the port any more */
	struct sockaddr_in addr = loopback_addr(port);
	rr_fd_t fd = tcp_socket();
	cr_assert_eq(run_op(&loop, &op, rr_connect(&loop, &op, fd, (struct sockaddr *)&addr,
						     sizeof(addr))), -ECONNREFUSED);
	close_fd(fd);
	cr_assert_eq(run_op(&loop, &op, rr_recv(&loop, &op, -1, buf, sizeof(buf), 0)), -EBADF);
	rr_loop_deinit(&loop);
}

/* rr_send/rr_sendmsg on a socket that was shut down give -EPIPE in the
 * callback and no SIGPIPE: io_uring's send ops never raise it, and the
 * emulation must not either (the default action kills the process).
 * (rr_write/rr_writev on a socket do raise it, on io_uring too: the
 * kernel's write path does.) */
Test(loop_net, send_after_shutdown_is_epipe_not_sigpipe)
{
	struct rr_loop loop;
	struct rr_op op;
	struct recorder rec = { 0 };
	struct msghdr msg = { 0 };
	struct iovec iov = { .iov_base = "x", .iov_len = 1 };
	rr_fd_t pair[2];

	open_loop(&loop, 0);
	stream_pair(pair);
	cr_assert_eq(shutdown(pair[0], SHUT_WR), 0);
	rr_op_init(&op, record_cb, &rec);
	cr_assert_eq(run_op(&loop, &op, rr_send(&loop, &op, pair[0], "x", 1, 0)), -EPIPE);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	cr_assert_eq(run_op(&loop, &op, rr_sendmsg(&loop, &op, pair[0], &msg, 0)), -EPIPE);
	close_fd(pair[0]);
	close_fd(pair[1]);
	rr_loop_deinit(&loop);
}

Test(loop_net, sendmsg_recvmsg_and_poll)
{
	struct rr_loop loop;
	struct rr_op op;
	struct recorder rec = { 0 };
	rr_fd_t fds[2];
	char one[3] = "abc", two[4] = "defg", in[7];
	struct iovec out_iov[2] = { { .iov_base = one, .iov_len = 3 }, { .iov_base = two, .iov_len = 4 } };
	struct iovec in_iov = { .iov_base = in, .iov_len = sizeof(in) };
	struct msghdr out = { .msg_iov = out_iov, .msg_iovlen = 2 };
	struct msghdr inmsg = { .msg_iov = &in_iov, .msg_iovlen = 1 };

	open_loop(&loop, 0);
	stream_pair(fds);
	rr_op_init(&op, record_cb, &rec);
	cr_assert_eq(rr_poll(&loop, &op, fds[0], POLLIN), 0);
	cr_assert_eq(rr_loop_run(&loop, RR_RUN_NOWAIT), 0, "not readable yet");
	cr_assert_eq(rec.calls, 0);
	cr_assert_eq(sock_send(fds[1], "x", 1), 1);
	run_until(&loop, &rec.done, 10000);
	cr_assert(rec.result & POLLIN);
	char x;
	cr_assert_eq(sock_recv(fds[0], &x, 1), 1);

	cr_assert_eq(run_op(&loop, &op, rr_sendmsg(&loop, &op, fds[1], &out, 0)), 7);
	cr_assert_eq(run_op(&loop, &op, rr_recvmsg(&loop, &op, fds[0], &inmsg, MSG_WAITALL)), 7);
	cr_assert_eq(memcmp(in, "abcdefg", 7), 0);
	close_fd(fds[0]);
	close_fd(fds[1]);
	rr_loop_deinit(&loop);
}

struct acceptor {
	int accepted[8];
	int count;
	bool last_had_more;
	int final_result;
	int finals;
};

static void multishot_cb(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct acceptor *acc = op->context;

	(void)loop;
	if (!rr_op_more(op)) {
		acc->final_result = result;
		acc->finals++;
		return;
	}
	cr_assert_geq(result, 0, "accept: %s", strerror(-result));
	cr_assert_lt(acc->count, 8);
	acc->accepted[acc->count++] = result;
	acc->last_had_more = true;
}

Test(loop_net, multishot_accept_takes_several_connections_with_one_op)
{
	struct rr_loop loop;
	struct rr_op op;
	struct acceptor acc = { 0 };
	uint16_t port;
	rr_fd_t clients[3];

	open_loop(&loop, 0);
	rr_fd_t listener = listen_loopback(&port);
	rr_op_init(&op, multishot_cb, &acc);
	cr_assert_eq(rr_accept_multishot(&loop, &op, listener, SOCK_CLOEXEC), 0);
	for (int i = 0; i < 3; i++) {
		clients[i] = connect_loopback(port);
		uint64_t deadline = rr_now_ns() + 5000000000ull;
		while (acc.count <= i) {
			cr_assert_lt(rr_now_ns(), deadline);
			cr_assert_geq(rr_loop_run_for_ns(&loop, 100000000ull), 0);
		}
		cr_assert(acc.last_had_more, "the op stays armed");
		cr_assert_eq(op.state, RR_OP_IN_FLIGHT);
	}
	cr_assert_eq(rr_loop_pending(&loop), 1u, "still one op");
	/* Cancelling ends it with one last callback. */
	cr_assert_eq(rr_cancel(&loop, &op), 0);
	run_until_done(&loop, 5000);
	cr_assert_eq(op.state, RR_OP_IDLE);
	cr_assert_eq(acc.finals, 1);
	cr_assert_eq(acc.final_result, -ECANCELED);
	cr_assert_eq(acc.count, 3);
	for (int i = 0; i < 3; i++) {
		close_fd(clients[i]);
		close_fd(acc.accepted[i]);
	}
	close_fd(listener);
	rr_loop_deinit(&loop);
}

/* ---- many connections at once ---- */

enum { CONNS = 200, ROUNDS = 20, MSG_BYTES = 100 };

struct echo_conn {
	struct rr_op server_op, client_op;
	rr_fd_t server_fd, client_fd;
	char server_buf[MSG_BYTES], client_buf[MSG_BYTES];
	int rounds;
	int received;
	bool failed;
};

static void client_step(struct rr_loop *loop, struct rr_op *op, int result);

static void server_step(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct echo_conn *c = op->context;

	if (result <= 0)
		return; /* EOF at the end, or an error the client notices */
	if (op->type == RR_OP_RECV)
		rr_send(loop, op, c->server_fd, c->server_buf, (size_t)result, 0);
	else
		rr_recv(loop, op, c->server_fd, c->server_buf, MSG_BYTES, 0);
}

static void client_step(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct echo_conn *c = op->context;

	if (result < 0) {
		c->failed = true;
		return;
	}
	if (op->type == RR_OP_SEND) {
		c->received = 0;
		rr_recv(loop, op, c->client_fd, c->client_buf, MSG_BYTES, MSG_WAITALL);
		return;
	}
	for (int i = 0; i < MSG_BYTES; i++)
		if (c->client_buf[i] != (char)(i + c->rounds))
			c->failed = true;
	if (++c->rounds == ROUNDS) {
		shutdown(c->client_fd, SHUT_WR);
		return;
	}
	for (int i = 0; i < MSG_BYTES; i++)
		c->client_buf[i] = (char)(i + c->rounds);
	rr_send(loop, op, c->client_fd, c->client_buf, MSG_BYTES, 0);
}

Test(loop_net, many_concurrent_connections_echo_every_byte)
{
	struct rr_loop loop;
	static struct echo_conn conns[CONNS];
	uint16_t port;

	open_loop(&loop, 64); /* far fewer SQ entries than connections */
	rr_fd_t listener = listen_loopback(&port);
	for (int i = 0; i < CONNS; i++) {
		struct echo_conn *c = &conns[i];
		memset(c, 0, sizeof(*c));
		c->client_fd = connect_loopback(port);
		c->server_fd = accept_blocking(listener);
		rr_op_init(&c->server_op, server_step, c);
		rr_op_init(&c->client_op, client_step, c);
		cr_assert_eq(rr_recv(&loop, &c->server_op, c->server_fd, c->server_buf, MSG_BYTES, 0), 0);
		for (int b = 0; b < MSG_BYTES; b++)
			c->client_buf[b] = (char)b;
		cr_assert_eq(rr_send(&loop, &c->client_op, c->client_fd, c->client_buf, MSG_BYTES, 0), 0);
	}
	run_until_done(&loop, 30000);
	for (int i = 0; i < CONNS; i++) {
		cr_assert_not(conns[i].failed, "connection %d", i);
		cr_assert_eq(conns[i].rounds, ROUNDS, "connection %d", i);
		close_fd(conns[i].client_fd);
		close_fd(conns[i].server_fd);
	}
	close_fd(listener);
	rr_loop_deinit(&loop);
}

/* A MSG_WAITALL receive cancelled half-way reports the bytes it took, as
 * io_uring does: they left the socket, and a -ECANCELED would lose them.
 * (Found by the soak with a server that echoes in pieces.) */
Test(loop_net, a_waitall_receive_cancelled_half_way_reports_its_bytes)
{
	struct rr_loop loop;
	struct rr_op op;
	struct recorder rec = { 0 };
	rr_fd_t pair[2];
	char in[100], rest[100];

	open_loop(&loop, 0);
	if (rr_loop_backend(&loop) == RR_BACKEND_IOCP) {
		rr_loop_deinit(&loop);
		cr_skip_test("IOCP passes MSG_WAITALL to WSARecv, which Wine ignores "
			     "(docs/backends.md)");
	}
	stream_pair(pair);
	rr_op_init(&op, record_cb, &rec);
	cr_assert_eq(rr_recv(&loop, &op, pair[1], in, sizeof(in), MSG_WAITALL), 0);
	cr_assert_eq(sock_send(pair[0], "forty bytes of a hundred, then a cancel.", 40), 40);
	for (int i = 0; i < 10 && !rec.done; i++) /* let it take them */
		cr_assert_geq(rr_loop_run_for_ns(&loop, 10000000ull), 0);
	cr_assert_not(rec.done, "a WAITALL receive waits for all 100 bytes");
	cr_assert_eq(rr_cancel(&loop, &op), 0);
	run_until(&loop, &rec.done, 2000);
	cr_assert_eq(rec.calls, 1);
	cr_assert_eq(rec.result, 40, "the 40 bytes taken, not lost: %d", rec.result);
	cr_assert_eq(memcmp(in, "forty bytes of a hundred, then a cancel.", 40), 0);
	/* and nothing of them is left in the socket */
	cr_assert_eq(sock_send(pair[0], "x", 1), 1);
	cr_assert_eq(sock_recv(pair[1], rest, sizeof(rest)), 1);
	close_fd(pair[0]);
	close_fd(pair[1]);
	rr_loop_deinit(&loop);
}

#ifdef MSG_DONTWAIT
/* MSG_DONTWAIT means what it says on every backend: a receive with nothing
 * to take and a send with no room end at once with -EAGAIN (io_uring takes
 * the flag as "never wait"), where the emulation once waited for the fd
 * like any receive.  A receive with data takes it as ever. */
Test(loop_net, msg_dontwait_ends_at_once_with_eagain)
{
	struct rr_loop loop;
	struct rr_op op;
	struct recorder rec = { 0 };
	rr_fd_t pair[2];
	char in[16];
	static char big[1 << 20];

	open_loop(&loop, 0);
	stream_pair(pair);
	rr_op_init(&op, record_cb, &rec);
	cr_assert_eq(run_op(&loop, &op, rr_recv(&loop, &op, pair[1], in, sizeof(in), MSG_DONTWAIT)),
		     -EAGAIN);
	cr_assert_eq(sock_send(pair[0], "ping", 4), 4);
	rec = (struct recorder){ 0 };
	cr_assert_eq(run_op(&loop, &op, rr_recv(&loop, &op, pair[1], in, sizeof(in), MSG_DONTWAIT)),
		     4);
	/* Fill the socket, then one more send that must not wait. */
	sock_small_send_buffer(pair[0], 4096);
	int result = 1;
	for (int i = 0; i < 64 && result > 0; i++) {
		rec = (struct recorder){ 0 };
		result = run_op(&loop, &op, rr_send(&loop, &op, pair[0], big, sizeof(big), MSG_DONTWAIT));
	}
	cr_assert_eq(result, -EAGAIN, "a send into a full socket: %d", result);
	close_fd(pair[0]);
	close_fd(pair[1]);
	rr_loop_deinit(&loop);
}
#endif

/* A zero-copy send on a socket that cannot send without copying (a Unix
 * socket: io_uring's SEND_ZC says -EOPNOTSUPP) is a plain send, as it is
 * on every backend: one callback, every byte.  (Found by diff-ops.) */
Test(loop_net, zero_copy_send_on_a_unix_socket_sends_as_a_plain_send)
{
	struct rr_loop loop;
	struct rr_op op;
	struct recorder rec = { 0 };
	rr_fd_t pair[2];
	char in[32];

	open_loop(&loop, 0);
	stream_pair(pair);
	rr_op_init(&op, record_cb, &rec);
	cr_assert_eq(run_op(&loop, &op, rr_send_zc(&loop, &op, pair[0], "zero-copy or not", 16, 0)),
		     16);
	cr_assert_eq(rec.calls, 1);
	cr_assert_eq(sock_recv(pair[1], in, sizeof(in)), 16);
	cr_assert_eq(memcmp(in, "zero-copy or not", 16), 0);
	cr_assert_eq(op.type, RR_OP_SEND_ZC, "still the op the caller scheduled");
	run_until_done(&loop, 5000);
	cr_assert_eq(rec.calls, 1, "one callback");
	close_fd(pair[0]);
	close_fd(pair[1]);
	rr_loop_deinit(&loop);
}

/* rr_send_zc: one callback per send, after which the buffer is the
 * caller's again; the data arrives whole.  (On io_uring the kernel posts
 * the send's result and then a notification; the loop folds them.) */
Test(loop_net, zero_copy_send_calls_back_once_when_the_buffer_is_free)
{
	struct rr_loop loop;
	struct rr_op ops[4];
	struct recorder recs[4];
	uint16_t port;
	rr_fd_t client, server;
	static char out[4][64 * 1024], in[sizeof(out)];

	open_loop(&loop, 0);
	rr_fd_t listener = listen_loopback(&port);
	connect_pair(&loop, listener, port, &client, &server);
	for (int i = 0; i < 4; i++) {
		memset(out[i], 'a' + i, sizeof(out[i]));
		recs[i] = (struct recorder){ 0 };
		rr_op_init(&ops[i], record_cb, &recs[i]);
		cr_assert_eq(rr_send_zc(&loop, &ops[i], client, out[i], sizeof(out[i]), 0), 0);
		cr_assert_eq(ops[i].type, RR_OP_SEND_ZC);
	}
	/* Read it all on the other side while the loop runs the sends. */
	size_t got = 0;
	uint64_t deadline = now_ns() + 10ull * 1000000000;
	while (got < sizeof(in) && now_ns() < deadline) {
		cr_assert_geq(rr_loop_run(&loop, RR_RUN_NOWAIT), 0);
		long n = sock_recv(server, in + got, sizeof(in) - got);
		cr_assert_gt(n, 0);
		got += (size_t)n;
	}
	run_until_done(&loop, 10000);
	cr_assert_eq(got, sizeof(in));
	for (int i = 0; i < 4; i++) {
		cr_assert_eq(recs[i].calls, 1, "send %d: %d callbacks", i, recs[i].calls);
		cr_assert_eq(recs[i].result, (int)sizeof(out[i]), "send %d: %d", i, recs[i].result);
		cr_assert(rr_op_is_idle(&ops[i]));
		for (size_t b = 0; b < sizeof(out[i]); b += 4096)
			cr_assert_eq(in[(size_t)i * sizeof(out[i]) + b], 'a' + i);
	}
	cr_assert_eq(rr_loop_pending(&loop), 0u);

	/* An error is one callback too: a zero-copy send on a shut socket. */
	cr_assert_eq(shutdown(client, SHUT_WR), 0);
	recs[0] = (struct recorder){ 0 };
	cr_assert_eq(run_op(&loop, &ops[0], rr_send_zc(&loop, &ops[0], client, out[0], 16, 0)),
		     -EPIPE);
	run_until_done(&loop, 5000);
	cr_assert_eq(recs[0].calls, 1);
	cr_assert_eq(rr_send_zc(&loop, &ops[0], client, NULL, 16, 0), -EINVAL);
	close_fd(client);
	close_fd(server);
	close_fd(listener);
	rr_loop_deinit(&loop);
}
