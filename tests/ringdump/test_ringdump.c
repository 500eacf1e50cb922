/* ringdump's layout, probe and pid views against what the ring layer and a
 * child process with a known ring state say. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "layout.h"
#include "names.h"
#include "pid.h"
#include "probe.h"

TestSuite(ringdump, .timeout = 30);

/* Skip the test where io_uring cannot be set up (blocked, or absent). */
static void skip_without_io_uring(void)
{
	struct rr_ring ring;

	if (rr_ring_init(2, &ring, 0) < 0)
		cr_skip_test("io_uring unavailable");
	rr_ring_exit(&ring);
}


/* Render with `fn` into a string (JSON). */
static char *render_layout(const struct rr_ring *ring)
{
	char *text = NULL;
	size_t len = 0;
	FILE *file = open_memstream(&text, &len);
	struct rd_out out;

	rd_out_init(&out, file, true);
	rd_layout_describe(ring, &out);
	rd_out_finish(&out);
	fclose(file);
	return text;
}

static void expect_json(const char *text, const char *key, unsigned long long value)
{
	char needle[96];

	snprintf(needle, sizeof(needle), "\"%s\": %llu", key, value);
	cr_assert_not_null(strstr(text, needle), "%s not in\n%s", needle, text);
}

Test(ringdump, layout_matches_the_ring_layer)
{
	struct rr_ring ring;
	struct io_uring_params params;

	memset(&params, 0, sizeof(params));
	params.flags = IORING_SETUP_CQSIZE;
	params.cq_entries = 64;
	int ret = rr_ring_init_params(16, &ring, &params);
	if (ret == -ENOSYS || ret == -EPERM)
		cr_skip_test("io_uring unavailable");
	cr_assert_eq(ret, 0);
	char *text = render_layout(&ring);
	expect_json(text, "sq_entries", ring.sq.ring_entries);
	expect_json(text, "cq_entries", ring.cq.ring_entries);
	expect_json(text, "bytes", rd_layout_bytes(&ring));
	char needle[128];
	snprintf(needle, sizeof(needle), "\"tail\": {\n      \"offset\": %u",
		 ring.params.sq_off.tail);
	cr_assert_not_null(strstr(text, needle), "SQ tail offset: %s", text);
	snprintf(needle, sizeof(needle), "\"cqes\": \"0x%x\"", ring.params.cq_off.cqes);
	cr_assert_not_null(strstr(text, needle));
	cr_assert_not_null(strstr(text, "\"flag_names\": \"CQSIZE\""));
	free(text);
	rr_ring_exit(&ring);
}

Test(ringdump, probe_agrees_with_the_ring_layer)
{
	struct rr_probe probe;

	int ret = rr_probe_kernel(&probe);
	if (ret == -ENOSYS || ret == -EPERM)
		cr_skip_test("io_uring unavailable");
	cr_assert_eq(ret, 0);
	cr_assert_eq(rd_setup_flag_supported(1 /* SQPOLL */), 1);
	cr_assert_eq(rd_setup_flag_supported(4 /* CLAMP */), 1);
	cr_assert_eq(rd_setup_flag_supported(5 /* ATTACH_WQ */), -1);
	for (unsigned i = 0; i < rd_opcode_count; i++)
		cr_assert_eq(rd_opcodes[i].value, i, "the opcode table is indexed by number");
	cr_assert_str_eq(rd_opcode_name(IORING_OP_READ), "READ");
	cr_assert_str_eq(rd_opcode_name(IORING_OP_SEND_ZC), "SEND_ZC");

	/* The human and JSON renderings list every supported opcode. */
	char *text = NULL;
	size_t len = 0;
	FILE *file = open_memstream(&text, &len);
	struct rd_out out;
	rd_out_init(&out, file, true);
	cr_assert_eq(rd_probe_run(&out), 0);
	rd_out_finish(&out);
	fclose(file);
	char needle[64];
	snprintf(needle, sizeof(needle), "\"last_op\": %u", probe.last_op);
	cr_assert_not_null(strstr(text, needle));
	free(text);
}

/* In a child: `count` NOP SQEs with user_data first, first+1, ..., got
 * and prepared (not submitted); false when the SQ is full. */
static bool child_queue_nops(struct rr_ring *ring, unsigned count, uint64_t first)
{
	for (unsigned i = 0; i < count; i++) {
		struct io_uring_sqe *sqe = rr_get_sqe(ring);
		if (!sqe)
			return false;
		rr_prep_nop(sqe);
		rr_sqe_set_data64(sqe, first + i);
	}
	return true;
}

/* A child holding a ring with 3 unreaped CQEs, 2 published but unsubmitted
 * SQEs, and (on an 8-CQE ring) a 12-CQE overflow backlog. */
static pid_t child_with_ring(int ready_pipe[2], int *ring_fd)
{
	int fd_pipe[2];
	cr_assert_eq(pipe(fd_pipe), 0);
	pid_t child = fork();
	cr_assert_geq(child, 0);
	if (child == 0) {
		struct rr_ring ring;
		close(ready_pipe[0]);
		if (rr_ring_init(4, &ring, 0) < 0)
			_exit(1);
		for (unsigned round = 0; round < 5; round++) {
			if (!child_queue_nops(&ring, 4, round * 4u))
				_exit(1);
			rr_submit(&ring);
		}
		for (int i = 0; i < 2; i++) {
			struct io_uring_sqe *sqe = rr_get_sqe(&ring);
			if (!sqe)
				_exit(1);
			rr_prep_read(sqe, 7, NULL, 0, 4096);
			rr_sqe_set_data64(sqe, 500 + (uint64_t)i);
		}
		/* Publish the tail without entering: the kernel sees them only
		 * at the next enter, which never comes. */
		rr_store_release(ring.sq.ktail, ring.sq.sqe_tail);
		if (write(fd_pipe[1], &ring.ring_fd, sizeof(int)) != sizeof(int) ||
		    write(ready_pipe[1], "r", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(ready_pipe[1]);
	char c;
	cr_assert_eq(read(ready_pipe[0], &c, 1), 1);
	cr_assert_eq(read(fd_pipe[0], ring_fd, sizeof(int)), (ssize_t)sizeof(int));
	close(fd_pipe[0]);
	close(fd_pipe[1]);
	return child;
}

Test(ringdump, pid_reports_a_child_s_ring_exactly)
{
	int ready[2], ring_fd, fds[8];
	struct rd_fdinfo info;
	struct rd_live live;
	static char raw[65536];

	skip_without_io_uring();
	cr_assert_eq(pipe(ready), 0);
	pid_t child = child_with_ring(ready, &ring_fd);

	cr_assert_eq(rd_pid_rings(child, fds, 8), 1);
	cr_assert_eq(fds[0], ring_fd);
	cr_assert_eq(rd_pid_fdinfo(child, ring_fd, &info, raw, sizeof(raw)), 0);
	cr_assert(info.is_ring);
	cr_assert_eq(info.value[RD_SQ_MASK], 3);
	cr_assert_eq(info.value[RD_CQ_MASK], 7);
	cr_assert_eq(info.overflow_lines, 12u);
	cr_assert_eq(info.sqe_lines, 2u);

	int ret = rd_live_snapshot(child, ring_fd, &info, &live, RD_LIVE_MAX);
	if (ret == -EPERM)
		cr_skip_test("no ptrace rights here");
	cr_assert_eq(ret, 0, "%s", strerror(-ret));
	cr_assert_eq(live.pending_count, 2u);
	cr_assert_eq(live.pending[0].opcode, IORING_OP_READ);
	cr_assert_eq(live.pending[0].fd, 7);
	cr_assert_eq(live.pending[0].off, 4096u);
	cr_assert_eq(live.pending[1].user_data, 501u);
	cr_assert_eq(live.unreaped_count, 8u, "the CQ ring is full");
	for (unsigned i = 0; i < 8; i++)
		cr_assert_eq(live.unreaped[i].user_data, i);
	cr_assert(live.sq_flags & IORING_SQ_CQ_OVERFLOW, "the backlog is flagged");
	rd_live_release(&live);

	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	close(ready[0]);
}

Test(ringdump, pid_errors_are_clear)
{
	int fds[4];

	cr_assert_eq(rd_pid_rings(999999999, fds, 4), -ESRCH);
	cr_assert_eq(rd_pid_rings(getpid(), fds, 4), 0, "this process has no ring");
}

#include "trace.h"

static char *render_trace(enum rd_trace_kind kind)
{
	char *text = NULL;
	size_t len = 0;
	FILE *file = open_memstream(&text, &len);
	struct rd_out out;

	rd_out_init(&out, file, true);
	int ret = rd_trace_run(&out, kind, NULL);
	rd_out_finish(&out);
	fclose(file);
	if (ret == -ENOSYS || ret == -EPERM)
		cr_skip_test("io_uring unavailable");
	cr_assert_eq(ret, 0);
	return text;
}

Test(ringdump, trace_walks_a_submission_and_completion)
{
	char *text = render_trace(RD_TRACE_SIMPLE);

	/* The tail moves at the publish step, the head and the CQ tail at
	 * the enter, the CQ head at the reap. */
	cr_assert_not_null(strstr(text, "\"title\": \"publish the SQ tail\""));
	cr_assert_not_null(strstr(text, "\"sq_tail\": {\n        \"before\": 0,\n        \"after\": 1"), "%s", text);
	cr_assert_not_null(strstr(text, "\"cq_tail\": {\n        \"before\": 0,\n        \"after\": 1"));
	cr_assert_not_null(strstr(text, "\"user_data\": 4660"));
	free(text);
}

Test(ringdump, trace_shows_a_chain_failing_as_a_unit_and_an_overflow)
{
	char *link = render_trace(RD_TRACE_LINK);
	cr_assert_not_null(strstr(link, "\"res\": -9"), "the read fails with -EBADF");
	cr_assert_not_null(strstr(link, "\"res\": -125"), "the NOP is cancelled");
	free(link);

	char *over = render_trace(RD_TRACE_OVERFLOW);
	/* IORING_SQ_CQ_OVERFLOW (2) appears, and the flush brings the CQ
	 * tail from 8 to 12. */
	cr_assert_not_null(strstr(over, "\"sq_flags\": {\n        \"before\": 0,\n        \"after\": 2"));
	cr_assert_not_null(strstr(over, "\"cq_tail\": {\n        \"before\": 8,\n        \"after\": 12"));
	free(over);
}

#include "top.h"

Test(ringdump, top_sees_a_busy_ring_and_its_rate)
{
	int ready[2];

	cr_assert_eq(pipe(ready), 0);
	pid_t child = fork();
	cr_assert_geq(child, 0);
	if (child == 0) {
		struct rr_ring ring;
		if (rr_ring_init(8, &ring, 0) < 0)
			_exit(1);
		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		for (;;) { /* NOPs in batches, reaping each */
			for (int i = 0; i < 8; i++) {
				struct io_uring_sqe *sqe = rr_get_sqe(&ring);
				if (!sqe)
					_exit(1);
				rr_prep_nop(sqe);
			}
			rr_submit_and_wait(&ring, 8);
			rr_cq_advance(&ring, rr_cq_ready(&ring));
			/* A breath between batches: fdinfo shows nothing of a
			 * ring that is locked, and on a loaded machine a ring
			 * kept busy without one was locked for every sample. */
			usleep(20);
		}
	}
	char c;
	cr_assert_eq(read(ready[0], &c, 1), 1);

	static struct rd_ring_sample first[4], second[4];
	struct rd_activity row = { 0 };
	int busy_rounds = 0;
	/* The kernel omits the fields while the ring is locked: retry. */
	for (int attempt = 0; attempt < 50; attempt++) {
		if (rd_top_sample(child, first, 4) != 1 || !first[0].info.is_ring)
			continue;
		usleep(100000);
		if (rd_top_sample(child, second, 4) != 1 || !second[0].info.is_ring) {
			busy_rounds++;
			continue;
		}
		rd_top_activity(&second[0], &first[0], 0.1, &row);
		break;
	}
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	cr_assert_eq(row.pid, child, "no clean pair of samples (%d busy)", busy_rounds);
	cr_assert_gt(row.completed_per_s, 0.0);
	cr_assert_gt(row.submitted_per_s, 0.0);
	cr_assert_str_neq(row.comm, "");
}

/* A child holding a ring with 100 unreaped CQEs (user_data 0x1000 + i)
 * and 80 published, unsubmitted SQEs: more of each than ringdump lists. */
static pid_t child_with_a_full_ring(int ready_pipe[2])
{
	pid_t child = fork();
	cr_assert_geq(child, 0);
	if (child == 0) {
		struct rr_ring ring;
		struct io_uring_params p;
		close(ready_pipe[0]);
		memset(&p, 0, sizeof(p));
		p.flags = IORING_SETUP_CQSIZE;
		p.cq_entries = 256;
		if (rr_ring_init_params(128, &ring, &p) < 0)
			_exit(1);
		if (!child_queue_nops(&ring, 100, 0x1000u) ||
		    rr_submit_and_wait(&ring, 100) != 100 ||
		    !child_queue_nops(&ring, 80, 0xbeef0000u))
			_exit(1);
		rr_store_release(ring.sq.ktail, ring.sq.sqe_tail); /* never entered */
		if (write(ready_pipe[1], "r", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(ready_pipe[1]);
	char c;
	cr_assert_eq(read(ready_pipe[0], &c, 1), 1);
	return child;
}

/* rd_pid_run's output for `pid` into a string (free it), listing at most
 * `list_max` pending SQEs and unreaped CQEs. */
static char *pid_output_listing(pid_t pid, bool json, unsigned list_max)
{
	char *text = NULL;
	size_t size = 0;
	FILE *file = open_memstream(&text, &size);
	struct rd_out out;

	cr_assert_not_null(file);
	rd_out_init(&out, file, json);
	int ret = rd_pid_run(&out, pid, true, list_max);
	fclose(file);
	cr_assert_eq(ret, 0, "rd_pid_run: %s", strerror(-ret));
	return text;
}

static char *pid_output(pid_t pid, bool json)
{
	return pid_output_listing(pid, json, RD_LIVE_MAX);
}

Test(ringdump, the_live_view_says_what_it_cut_and_shows_user_data_in_hex)
{
	int ready[2];

	skip_without_io_uring();
	cr_assert_eq(pipe(ready), 0);
	pid_t child = child_with_a_full_ring(ready);

	char *text = pid_output(child, false);
	if (strstr(text, "not permitted")) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
		free(text);
		cr_skip_test("no ptrace rights here");
	}
	cr_assert_not_null(strstr(text, "user_data 0x1000"), "%s", text);
	cr_assert_not_null(strstr(text, "user_data 0xbeef0000"));
	cr_assert_null(strstr(text, "user_data 4096"), "decimal in the text view");
	const char *cut = strstr(text, "unreaped CQEs not shown");
	cr_assert_not_null(cut, "%s", text);
	cr_assert_not_null(strstr(cut, "36"), "100 unreaped, 64 listed");
	cut = strstr(text, "pending SQEs not shown");
	cr_assert_not_null(cut);
	cr_assert_not_null(strstr(cut, "16"), "80 pending, 64 listed");
	free(text);

	char *json = pid_output(child, true);
	cr_assert_not_null(strstr(json, "\"user_data\": 4096"), "decimal in --json");
	/* ... and, added for JavaScript (whose numbers lose a pointer's low
	 * bits), in hex; with the ring sizes the live page draws to */
	cr_assert_not_null(strstr(json, "\"user_data\": 4096,\n"), "%s", json);
	cr_assert_not_null(strstr(json, "\"user_data_hex\": \"0x1000\""), "%s", json);
	cr_assert_not_null(strstr(json, "\"user_data_hex\": \"0xbeef0000\""));
	cr_assert_not_null(strstr(json, "\"sq_entries\": "));
	cr_assert_not_null(strstr(json, "\"cq_entries\": "));
	cr_assert_not_null(strstr(json, "\"unreaped_cqes_not_shown\": 36"), "%s", json);
	cr_assert_not_null(strstr(json, "\"pending_sqes_not_shown\": 16"));
	free(json);

	/* --all lists every one. */
	text = pid_output_listing(child, false, RD_LIVE_ALL);
	cr_assert_null(strstr(text, "not shown"), "%s", text);
	cr_assert_not_null(strstr(text, "user_data 0x1063"), "the 100th CQE");
	cr_assert_not_null(strstr(text, "user_data 0xbeef004f"), "the 80th SQE");
	free(text);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	close(ready[0]);
}

/* A child whose ring has three receives and a poll waiting on idle
 * sockets: in the kernel's PollList, not in the rings. */
static pid_t child_with_waiting_ops(int ready_pipe[2])
{
	pid_t child = fork();
	cr_assert_geq(child, 0);
	if (child == 0) {
		struct rr_ring ring;
		int pair[2];
		static char buf[3][64];
		close(ready_pipe[0]);
		if (rr_ring_init(16, &ring, 0) < 0 ||
		    socketpair(AF_UNIX, SOCK_STREAM, 0, pair) < 0)
			_exit(1);
		for (int i = 0; i < 3; i++) {
			struct io_uring_sqe *sqe = rr_get_sqe(&ring);
			rr_prep_recv(sqe, pair[0], buf[i], sizeof(buf[i]), 0);
			rr_sqe_set_data64(sqe, 0x100u + (unsigned)i);
		}
		struct io_uring_sqe *sqe = rr_get_sqe(&ring);
		rr_prep_poll_add(sqe, pair[0], POLLIN);
		if (rr_submit(&ring) != 4)
			_exit(1);
		if (write(ready_pipe[1], "r", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(ready_pipe[1]);
	char c;
	cr_assert_eq(read(ready_pipe[0], &c, 1), 1);
	return child;
}

Test(ringdump, the_pid_view_shows_ops_waiting_in_the_kernel_and_when_each_view_was_read)
{
	int ready[2];

	skip_without_io_uring();
	cr_assert_eq(pipe(ready), 0);
	pid_t child = child_with_waiting_ops(ready);

	char *text = pid_output(child, false);
	const char *waiting = strstr(text, "Waiting in the kernel");
	cr_assert_not_null(waiting, "%s", text);
	cr_assert_not_null(strstr(waiting, "RECV"), "%s", waiting);
	cr_assert_not_null(strstr(waiting, "3"), "%s", waiting);
	cr_assert_not_null(strstr(waiting, "POLL_ADD"), "%s", waiting);
	cr_assert_not_null(strstr(text, "not visible"), "what cannot be seen is said");
	if (!strstr(text, "not permitted"))
		cr_assert_not_null(strstr(text, "read after fdinfo"), "%s", text);
	free(text);

	char *json = pid_output(child, true);
	cr_assert_not_null(strstr(json, "\"waiting_ops\""), "%s", json);
	cr_assert_not_null(strstr(json, "\"opcode\": \"RECV\""), "%s", json);
	cr_assert_not_null(strstr(json, "\"count\": 3"), "%s", json);
	cr_assert_not_null(strstr(json, "\"poll_lines\": 4"), "%s", json);
	free(json);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	close(ready[0]);
}

Test(ringdump, top_explains_its_rates_and_whom_it_lists)
{
	int ready[2];

	skip_without_io_uring();
	cr_assert_eq(pipe(ready), 0);
	pid_t child = child_with_waiting_ops(ready);
	char *text = NULL;
	size_t size = 0;
	FILE *file = open_memstream(&text, &size);
	struct rd_out out;
	rd_out_init(&out, file, false);
	int ret = rd_top_run(&out, child, 10, 1);
	fclose(file);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	close(ready[0]);
	cr_assert_eq(ret, 0);
	cr_assert_not_null(strstr(text, "COMPLETE/s"), "%s", text);
	cr_assert_not_null(strstr(text, "multishot"), "the rates are explained: %s", text);
	cr_assert_not_null(strstr(text, "Listed:"), "whom it lists is said");
	free(text);
}

/* A child holding a ring set up with `flags` and `entries`: three
 * unreaped CQEs (user_data 0x770 + i; with CQE_MIXED the middle one is 32
 * bytes) and two published, unsubmitted SQEs (0x990 + i). */
static pid_t child_with_a_ring_of(int ready_pipe[2], unsigned flags, unsigned entries)
{
	pid_t child = fork();
	cr_assert_geq(child, 0);
	if (child == 0) {
		struct rr_ring ring;
		struct io_uring_params p;
		close(ready_pipe[0]);
		memset(&p, 0, sizeof(p));
		p.flags = flags;
		if (rr_ring_init_params(entries, &ring, &p) < 0)
			_exit(3); /* the kernel refused the flags */
		if (!child_queue_nops(&ring, 3, 0x770u))
			_exit(1);
		if (flags & IORING_SETUP_CQE_MIXED) {
			struct io_uring_sqe *sqe = &ring.sq.sqes[(ring.sq.sqe_tail - 2) & ring.sq.ring_mask];
			sqe->rw_flags = (int)IORING_NOP_CQE32; /* nop_flags */
		}
		if (rr_submit_and_wait(&ring, 3) != 3 || !child_queue_nops(&ring, 2, 0x990u))
			_exit(1);
		rr_store_release(ring.sq.ktail, ring.sq.sqe_tail); /* never entered */
		if (write(ready_pipe[1], "r", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(ready_pipe[1]);
	char c;
	if (read(ready_pipe[0], &c, 1) != 1) {
		int status;
		waitpid(child, &status, 0);
		return WIFEXITED(status) && WEXITSTATUS(status) == 3 ? 0 : -1;
	}
	return child;
}

/* The live view of such a child: NULL when the kernel refused the flags. */
static char *live_view_of(unsigned flags, unsigned entries)
{
	int ready[2];
	cr_assert_eq(pipe(ready), 0);
	pid_t child = child_with_a_ring_of(ready, flags, entries);
	close(ready[0]);
	cr_assert_neq(child, -1, "the child failed");
	if (child == 0)
		return NULL;
	char *text = pid_output(child, false);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	if (strstr(text, "not permitted")) {
		free(text);
		cr_skip_test("no ptrace rights here");
	}
	return text;
}

static void assert_decoded(const char *text)
{
	unsigned cqes = 0;
	for (const char *at = text; (at = strstr(at, "  res ")); at++)
		cqes++;
	cr_assert_eq(cqes, 3u, "three CQEs listed, no more:\n%s", text);
	for (unsigned i = 0; i < 3; i++) {
		char want[32];
		snprintf(want, sizeof(want), "user_data 0x%x", 0x770u + i);
		cr_assert_not_null(strstr(text, want), "%s missing:\n%s", want, text);
	}
	cr_assert_not_null(strstr(text, "user_data 0x990"), "%s", text);
	cr_assert_not_null(strstr(text, "user_data 0x991"), "%s", text);
}

Test(ringdump, the_live_view_reads_each_rings_sizes_from_its_pages)
{
	skip_without_io_uring();

	/* 128-byte SQEs and 32-byte CQEs, big enough to tell. */
	char *text = live_view_of(IORING_SETUP_SQE128 | IORING_SETUP_CQE32, 64);
	cr_assert_not_null(text);
	cr_assert_not_null(strstr(text, "SQE size               128"), "%s", text);
	cr_assert_not_null(strstr(text, "CQE size               32"), "%s", text);
	/* (Whether it has an SQ array: the same two pages either way.) */
	cr_assert_not_null(strstr(text, "SQ index array"), "%s", text);
	assert_decoded(text);
	free(text);

	/* With an SQ index array and without one (pending SQEs by position):
	 * at 1024 entries the array needs a page of its own. */
	text = live_view_of(0, 1024);
	cr_assert_not_null(text);
	cr_assert_not_null(strstr(text, "SQ index array         yes"), "%s", text);
	assert_decoded(text);
	free(text);
	text = live_view_of(IORING_SETUP_NO_SQARRAY, 1024);
	if (text) {
		cr_assert_not_null(strstr(text, "SQ index array         no"), "%s", text);
		cr_assert_not_null(strstr(text, "SQE size               64"), "%s", text);
		cr_assert_not_null(strstr(text, "CQE size               16"), "%s", text);
		assert_decoded(text);
		free(text);
	}

	/* A 32-byte CQE among 16-byte ones (6.18's CQE_MIXED). */
	text = live_view_of(IORING_SETUP_CQE_MIXED, 64);
	if (text) {
		assert_decoded(text);
		free(text);
	}

	/* Too small to tell: said, not guessed. */
	text = live_view_of(IORING_SETUP_CQE32, 4);
	cr_assert_not_null(text);
	cr_assert_not_null(strstr(text, "cannot be told"), "%s", text);
	free(text);
}

/* `ringdump layout --svg` for a ring set up with `flags`: NULL when the
 * kernel refuses them. */
static char *layout_svg_of(unsigned entries, unsigned flags, struct rr_ring *ring)
{
	struct io_uring_params p;
	memset(&p, 0, sizeof(p));
	p.flags = flags;
	if (rr_ring_init_params(entries, ring, &p) < 0)
		return NULL;
	char *text = NULL;
	size_t size = 0;
	FILE *file = open_memstream(&text, &size);
	cr_assert_not_null(file);
	cr_assert_eq(rd_layout_svg(ring, file), 0);
	fclose(file);
	return text;
}

static unsigned count_of(const char *text, const char *what)
{
	unsigned n = 0;
	for (const char *at = text; (at = strstr(at, what)); at++)
		n++;
	return n;
}

Test(ringdump, layout_svg_draws_each_word_where_its_offset_puts_it)
{
	static const unsigned combos[] = { 0, IORING_SETUP_NO_SQARRAY, IORING_SETUP_CQE32,
					   IORING_SETUP_SQE128, IORING_SETUP_SQE128 | IORING_SETUP_CQE32 };
	struct rr_ring ring;

	skip_without_io_uring();
	for (unsigned c = 0; c < sizeof(combos) / sizeof(combos[0]); c++) {
		char *svg = layout_svg_of(256, combos[c], &ring);
		if (!svg)
			continue; /* a flag this kernel does not have */
		const struct io_uring_params *p = &ring.params;
		cr_assert_eq(strncmp(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\"", 39), 0);
		cr_assert_not_null(strstr(svg, "</svg>\n"), "ends the document");
		cr_assert_eq(count_of(svg, "<text"), count_of(svg, "</text>"), "balanced text");
		cr_assert_eq(count_of(svg, "<title"), count_of(svg, "</title>"), "balanced titles");
		char want[64];
		const unsigned offsets[] = { p->sq_off.head, p->sq_off.tail, p->cq_off.head,
					     p->cq_off.tail, p->cq_off.cqes };
		for (unsigned i = 0; i < 5; i++) {
			snprintf(want, sizeof(want), "data-offset=\"%u\"", offsets[i]);
			cr_assert_not_null(strstr(svg, want), "flags 0x%x: %s", combos[c], want);
		}
		cr_assert_eq(strstr(svg, "SQ index array") != NULL,
			     !(combos[c] & IORING_SETUP_NO_SQARRAY), "flags 0x%x", combos[c]);
		snprintf(want, sizeof(want), "CQEs: %u x %u bytes", ring.cq.ring_entries,
			 combos[c] & IORING_SETUP_CQE32 ? 32u : 16u);
		cr_assert_not_null(strstr(svg, want), "%s", want);
		snprintf(want, sizeof(want), "SQEs: %u x %u bytes", ring.sq.ring_entries,
			 combos[c] & IORING_SETUP_SQE128 ? 128u : 64u);
		cr_assert_not_null(strstr(svg, want), "%s", want);
		snprintf(want, sizeof(want), "(%zu bytes, %zu cache lines)", ring.sq.ring_size,
			 (ring.sq.ring_size + 63) / 64);
		cr_assert_not_null(strstr(svg, want), "%s", want);
		/* Long arrays are cut, and say so. */
		cr_assert_not_null(strstr(svg, "cache lines not drawn"));
		free(svg);
		rr_ring_exit(&ring);
	}
	/* A small ring is drawn whole: every cache line a row. */
	char *svg = layout_svg_of(8, 0, &ring);
	cr_assert_not_null(svg);
	cr_assert_null(strstr(svg, "not drawn"));
	cr_assert_eq(count_of(svg, "class=\"cache-line\""),
		     (unsigned)((ring.sq.ring_size + 63) / 64 + (ring.sq.sqes_size + 63) / 64));
	free(svg);
	rr_ring_exit(&ring);
}

/* `ringdump trace --html` for one walk, into a string (free it). */
static char *trace_page(enum rd_trace_kind kind, struct rd_trace_record *record)
{
	char *text = NULL, *page = NULL;
	size_t size = 0, page_size = 0;
	FILE *quiet = open_memstream(&text, &size);
	struct rd_out out;
	rd_out_init(&out, quiet, false);
	cr_assert_eq(rd_trace_run(&out, kind, record), 0);
	fclose(quiet);
	free(text);
	FILE *f = open_memstream(&page, &page_size);
	cr_assert_eq(rd_trace_html(record, "a walk", f), 0);
	fclose(f);
	return page;
}

Test(ringdump, trace_html_is_one_page_with_every_step_and_nothing_fetched)
{
	static struct rd_trace_record record;

	skip_without_io_uring();
	const enum rd_trace_kind kinds[] = { RD_TRACE_SIMPLE, RD_TRACE_LINK, RD_TRACE_OVERFLOW };
	for (unsigned k = 0; k < 3; k++) {
		char *page = trace_page(kinds[k], &record);
		cr_assert_gt(record.count, 2u);
		cr_assert_eq(strncmp(page, "<!DOCTYPE html>", 15), 0);
		cr_assert_not_null(strstr(page, "</html>\n"));
		/* Self-contained: no script, style, image or font from elsewhere. */
		cr_assert_null(strstr(page, "src="), "nothing loaded by address");
		cr_assert_null(strstr(page, "href="));
		cr_assert_null(strstr(page, "@import"));
		cr_assert_null(strstr(page, "url("));
		/* Every step is in the page, with its words. */
		cr_assert_eq(count_of(page, "{title: "), record.count);
		for (unsigned i = 0; i < record.count; i++)
			cr_assert_neq(record.steps[i].title[0], '\0');
		char want[96];
		const struct rd_trace_words *last = &record.steps[record.count - 1].after;
		snprintf(want, sizeof(want), "after: {sq_head:%u,sq_tail:%u,", last->sq_head,
			 last->sq_tail);
		cr_assert_not_null(strstr(page, want), "%s", want);
		/* The controls: buttons and the arrow keys. */
		cr_assert_not_null(strstr(page, "id=\"next\""));
		cr_assert_not_null(strstr(page, "id=\"prev\""));
		cr_assert_not_null(strstr(page, "ArrowRight"));
		/* No recorded text can end the script early. */
		const char *data = strstr(page, "const steps");
		cr_assert_not_null(data);
		const char *end = strstr(data, "</script>");
		cr_assert_not_null(end);
		cr_assert_null(memmem(data, (size_t)(end - data), "</", 2));
		free(page);
	}
	/* The walk's ordering rules are the ones the text trace prints. */
	char *page = trace_page(RD_TRACE_SIMPLE, &record);
	cr_assert_not_null(strstr(page, "store-release of sq.tail"), "%s", page);
	cr_assert_not_null(strstr(page, "load-acquire of cq.tail"));
	free(page);
}

Test(ringdump, pid_svg_draws_a_live_ring_with_its_pending_sqes_and_unreaped_cqes)
{
	int ready[2];

	skip_without_io_uring();
	cr_assert_eq(pipe(ready), 0);
	pid_t child = child_with_a_ring_of(ready, 0, 64);
	close(ready[0]);
	cr_assert_gt(child, 0);
	char *svg = NULL;
	size_t size = 0;
	FILE *file = open_memstream(&svg, &size);
	int ret = rd_pid_svg(child, file);
	fclose(file);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	if (ret == -EPERM) {
		free(svg);
		cr_skip_test("no ptrace rights here");
	}
	cr_assert_eq(ret, 0, "%s", strerror(-ret));
	cr_assert_eq(strncmp(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\"", 39), 0);
	cr_assert_not_null(strstr(svg, "</svg>\n"));
	cr_assert_eq(count_of(svg, "class=\"pending-sqe\""), 2u, "%s", svg);
	cr_assert_eq(count_of(svg, "class=\"unreaped-cqe\""), 3u, "%s", svg);
	cr_assert_not_null(strstr(svg, "user_data 0x990"));
	cr_assert_not_null(strstr(svg, "user_data 0x772"));
	/* The arcs: SQ slots 3 and 4 published, CQ slots 0 to 2 posted. */
	cr_assert_not_null(strstr(svg, "class=\"published\" data-from=\"3\" data-count=\"2\""),
			   "%s", svg);
	cr_assert_not_null(strstr(svg, "class=\"posted\" data-from=\"0\" data-count=\"3\""),
			   "%s", svg);
	cr_assert_not_null(strstr(svg, "data-hand=\"SQ tail\" data-value=\"5\""));
	cr_assert_not_null(strstr(svg, "data-hand=\"CQ head\" data-value=\"0\""));
	free(svg);
}

/* JSON is UTF-8: a foreign process's name is bytes (the kernel cuts comm
 * at 15, splitting a character), so what is not UTF-8 becomes U+FFFD and
 * what is passes unchanged. */
Test(ringdump, json_strings_are_always_utf8)
{
	char *text = NULL;
	size_t len = 0;
	FILE *file = open_memstream(&text, &len);
	struct rd_out out;

	rd_out_init(&out, file, true);
	rd_out_str(&out, "cut", "", "aaaaaaaaaaaaaa\xc3", NULL);
	rd_out_str(&out, "valid", "", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x92\xa9", NULL);
	rd_out_str(&out, "stray", "", "\xff\x80x\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80", NULL);
	rd_out_finish(&out);
	fclose(file);
	cr_assert_not_null(strstr(text, "\"cut\": \"aaaaaaaaaaaaaa\\ufffd\""), "%s", text);
	cr_assert_not_null(strstr(text, "\"valid\": \"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x92\xa9\""),
			   "%s", text);
	/* 0xff, a lone continuation, an overlong "/", a surrogate and a code
	 * point past U+10FFFF: none is UTF-8 */
	cr_assert_not_null(strstr(text, "\"stray\": \"\\ufffd\\ufffdx" /* ff, 80, x */
				   "\\ufffd\\ufffd"                      /* c0 af */
				   "\\ufffd\\ufffd\\ufffd"               /* ed a0 80 */
				   "\\ufffd\\ufffd\\ufffd\\ufffd\""), "%s", text); /* f4 90 80 80 */
	free(text);
}
