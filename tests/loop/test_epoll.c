/* What only the epoll backend has to get right. */
#define _GNU_SOURCE
#include "../driver/rr_test.h"
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../helpers.h"
#include "fixture.h"

TestSuite(epoll, .timeout = 120);

static void open_epoll_loop(struct rr_loop *loop)
{
	struct rr_loop_options options = { .backend = RR_BACKEND_EPOLL, .sqpoll_cpu = -1 };

	cr_assert_eq(rr_loop_init(loop, &options), 0);
}

Test(epoll, an_fd_closed_under_a_waiting_op_neither_hangs_nor_leaks)
{
	struct rr_loop loop;
	struct rr_op waiting, fresh;
	struct recorder waiting_rec = { 0 }, fresh_rec = { 0 };
	int old_pair[2], new_pair[2];
	char buf[8];

	open_epoll_loop(&loop);
	stream_pair(old_pair);
	rr_op_init(&waiting, record_cb, &waiting_rec);
	cr_assert_eq(rr_recv(&loop, &waiting, old_pair[0], buf, sizeof(buf), 0), 0);
	cr_assert_eq(rr_loop_run(&loop, RR_RUN_NOWAIT), 0);
	int reused = old_pair[0];
	close(old_pair[0]); /* closed by the application, behind the loop's back */
	close(old_pair[1]);

	/* A new socket takes the same fd number: ops on it must work. */
	stream_pair(new_pair);
	if (new_pair[0] != reused && new_pair[1] != reused)
		cr_skip_test("the fd number was not reused");
	int fd = new_pair[0] == reused ? new_pair[0] : new_pair[1];
	int peer = fd == new_pair[0] ? new_pair[1] : new_pair[0];
	rr_op_init(&fresh, record_cb, &fresh_rec);
	/* Behind the stale waiter in the fd's queue: cancel that one first,
	 * as an application that closed the fd would. */
	cr_assert_eq(rr_cancel(&loop, &waiting), 0);
	cr_assert_eq(rr_recv(&loop, &fresh, fd, buf, sizeof(buf), 0), 0);
	cr_assert_eq(write(peer, "new", 3), 3);
	run_until(&loop, &fresh_rec.done, 5000);
	cr_assert_eq(waiting_rec.calls, 1);
	cr_assert_eq(waiting_rec.result, -ECANCELED);
	cr_assert_eq(fresh_rec.result, 3);
	cr_assert_eq(memcmp(buf, "new", 3), 0);
	close(new_pair[0]);
	close(new_pair[1]);
	rr_loop_deinit(&loop);
}

Test(epoll, hangup_and_error_reach_waiting_ops)
{
	struct rr_loop loop;
	struct rr_op recv_op, poll_op;
	struct recorder recv_rec = { 0 }, poll_rec = { 0 };
	int pair[2], pipefd[2];
	char buf[8];

	open_epoll_loop(&loop);
	stream_pair(pair);
	cr_assert_eq(pipe(pipefd), 0);
	rr_op_init(&recv_op, record_cb, &recv_rec);
	rr_op_init(&poll_op, record_cb, &poll_rec);
	cr_assert_eq(rr_recv(&loop, &recv_op, pair[0], buf, sizeof(buf), 0), 0);
	cr_assert_eq(rr_poll(&loop, &poll_op, pipefd[0], POLLIN), 0);
	cr_assert_eq(rr_loop_run(&loop, RR_RUN_NOWAIT), 0, "both wait");

	close(pair[1]);   /* EPOLLIN|EPOLLRDHUP: the recv sees EOF */
	close(pipefd[1]); /* EPOLLHUP on the read end */
	run_until(&loop, &recv_rec.done, 5000);
	run_until(&loop, &poll_rec.done, 5000);
	cr_assert_eq(recv_rec.result, 0);
	cr_assert(poll_rec.result & POLLHUP, "revents 0x%x", poll_rec.result);
	close(pair[0]);
	close(pipefd[0]);
	rr_loop_deinit(&loop);
}

enum { IDLE = 10000, ROUND_TRIPS = 1000 };

struct active {
	struct rr_op op;
	int fd;
	char buf[16];
	int done;
};

static void active_cb(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct active *a = op->context;

	cr_assert_gt(result, 0);
	if (op->type == RR_OP_SEND) {
		rr_recv(loop, op, a->fd, a->buf, 4, MSG_WAITALL);
		return;
	}
	if (++a->done < ROUND_TRIPS)
		rr_send(loop, op, a->fd, "ping", 4, 0);
}

static void echo_back(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct active *a = op->context;

	if (result <= 0)
		return;
	if (op->type == RR_OP_RECV)
		rr_send(loop, op, a->fd, a->buf, (size_t)result, 0);
	else
		rr_recv(loop, op, a->fd, a->buf, sizeof(a->buf), 0);
}

/* A child process that opens `count` connections to `port` and holds
 * them open until the pipe `hold` reports EOF (the parent closes hold[1]). */
static pid_t hold_connections(uint16_t port, int count, const int hold[2])
{
	pid_t child = fork();

	cr_assert_geq(child, 0);
	if (child == 0) {
		close(hold[1]); /* else the child would keep its own pipe open */
		for (int i = 0; i < count; i++) {
			struct sockaddr_in addr = loopback_addr(port);
			int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
			if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
				_exit(1);
		}
		char c;
		while (read(hold[0], &c, 1) > 0)
			;
		_exit(0);
	}
	return child;
}

Test(epoll, ten_thousand_idle_connections_and_one_active)
{
	struct rr_loop loop;
	struct rlimit limit;
	static int idle_fds[IDLE];
	static struct rr_op idle_ops[IDLE];
	static struct recorder idle_recs[IDLE];
	static char idle_buf[8];
	uint16_t port;
	int hold[2];

	/* The client ends live in a child process, so each side needs only
	 * 10,000 fds. */
	cr_assert_eq(getrlimit(RLIMIT_NOFILE, &limit), 0);
	if (limit.rlim_max < IDLE + 100)
		cr_skip_test("RLIMIT_NOFILE's hard limit is %lu", (unsigned long)limit.rlim_max);
	limit.rlim_cur = limit.rlim_max;
	cr_assert_eq(setrlimit(RLIMIT_NOFILE, &limit), 0);

	open_epoll_loop(&loop);
	int listener = listen_loopback(&port);
	cr_assert_eq(pipe(hold), 0);
	pid_t child = hold_connections(port, IDLE, hold);
	close(hold[0]);
	for (int i = 0; i < IDLE; i++) {
		idle_fds[i] = accept(listener, NULL, NULL);
		cr_assert_geq(idle_fds[i], 0, "accept %d: %s", i, strerror(errno));
		rr_op_init(&idle_ops[i], record_cb, &idle_recs[i]);
		cr_assert_eq(rr_recv(&loop, &idle_ops[i], idle_fds[i], idle_buf,
				     sizeof(idle_buf), 0), 0);
	}
	cr_assert_eq(rr_loop_run(&loop, RR_RUN_NOWAIT), 0, "all idle");

	struct active client = { .fd = connect_loopback(port) };
	struct active server = { .fd = accept(listener, NULL, NULL) };
	rr_op_init(&client.op, active_cb, &client);
	rr_op_init(&server.op, echo_back, &server);
	cr_assert_eq(rr_recv(&loop, &server.op, server.fd, server.buf, sizeof(server.buf), 0), 0);
	cr_assert_eq(rr_send(&loop, &client.op, client.fd, "ping", 4, 0), 0);

	uint64_t before = rr_loop_stats(&loop).syscalls;
	uint64_t deadline = rr_now_ns() + 60ull * 1000000000;
	while (client.done < ROUND_TRIPS) {
		cr_assert_lt(rr_now_ns(), deadline);
		cr_assert_geq(rr_loop_run(&loop, RR_RUN_ONCE), 0);
	}
	/* The idle connections cost nothing per round trip: a handful of
	 * system calls each, not thousands. */
	uint64_t per_round_trip = (rr_loop_stats(&loop).syscalls - before) / ROUND_TRIPS;
	cr_assert_lt(per_round_trip, 20u, "%llu system calls per round trip",
		     (unsigned long long)per_round_trip);
	for (int i = 0; i < IDLE; i++)
		cr_assert_eq(idle_recs[i].calls, 0);

	rr_loop_deinit(&loop);
	for (int i = 0; i < IDLE; i++) {
		cr_assert_eq(idle_recs[i].calls, 1);
		cr_assert_eq(idle_recs[i].result, -ECANCELED);
		close(idle_fds[i]);
	}
	close(hold[1]); /* lets the child exit */
	int status;
	cr_assert_eq(waitpid(child, &status, 0), child);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the client child failed");
	close(client.fd);
	close(server.fd);
	close(listener);
}
