/*
 * The differential test: the same op program runs on every backend built
 * here (io_uring, epoll, and kqueue where built) and each op slot's
 * callbacks (how many, and each result in order) must be the same on all.
 *
 * A program is made of steps drawn from a seed: receives, sends, polls and
 * shutdowns on socket pairs, a peer writing or hanging up, cancels of ops
 * that wait, closes through the loop with the socket reopened at once (so
 * fd numbers are reused), file writes and reads at offsets, a linked
 * write->read chain, timers, a callback that turns the loop, a multishot
 * receive into an incremental buffer group (each result with its buffer,
 * offset and hand-over; partly filled buffers carried from one receive to
 * the next), a zero-copy send, a linked write->read through the registered
 * buffer and file tables, a send bundle from a send group (each queueing's
 * return, the bundle's result and the buffers it gave back, in order), and
 * a deinit with work in flight.  (Bundle
 * receives are left out: how many buffers the kernel fills at once is its
 * own heuristic, which the emulation does not copy.)  After every step the loop settles (runs until no
 * callback comes for three short rounds), so that what an op sees depends on
 * the program, not on timing: a cancel only ever meets an op that waits.
 *
 *   rr-diff-ops PROGRAMS SEED    run PROGRAMS programs from SEED, print the
 *                                totals, exit 1 at the first difference
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rawring.h"

#define SOCKETS 3
#define STEPS 48
#define MAX_RESULTS 16
#define BUF 64

/* Slots: per socket a receive, a send and a poll; then the others. */
enum { S_RECV, S_SEND, S_POLL, PER_SOCKET };
enum {
	SLOT_NOP = SOCKETS * PER_SOCKET,
	SLOT_TURN,       /* a NOP whose callback turns the loop */
	SLOT_FILE_WRITE,
	SLOT_FILE_READ,
	SLOT_TIMER,
	SLOT_CLOSE,
	SLOT_GROUP_RECV, /* multishot, into the run's buffer group */
	SLOT_SEND_ZC,
	SLOT_FIXED_WRITE, /* through the registered buffer and file tables */
	SLOT_FIXED_READ,
	SLOT_SEND_BUNDLE, /* from the run's send group */
	SLOTS
};

struct slot {
	struct rr_op op;
	bool busy;
	int results[MAX_RESULTS];
	int count;           /* callbacks (may exceed MAX_RESULTS) */
	char buf[BUF];
};

struct run {
	struct rr_loop loop;
	struct slot slots[SLOTS];
	int fd[SOCKETS], peer[SOCKETS];
	int file;
	struct rr_buf_group group;
	int group_sock;      /* the socket SLOT_GROUP_RECV receives from */
	struct rr_buf_group send_group; /* 8 x 64 bytes */
	int bundle_sock;     /* the socket SLOT_SEND_BUNDLE sends on */
	char registered[2 * BUF]; /* the one registered buffer: write, read halves */
	uint64_t callbacks;
};

/* Incremental where the first backend (io_uring) can; the others follow. */
static unsigned group_flags = RR_BUF_GROUP_INCREMENTAL;

static struct run runs[3];

static void on_done(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct slot *s = op->context;

	(void)loop;
	if (s->count < MAX_RESULTS)
		s->results[s->count] = result;
	s->count++;
	s->busy = false;
}

static void record(struct slot *s, int value)
{
	if (s->count < MAX_RESULTS)
		s->results[s->count] = value;
	s->count++;
}

/* A group receive's result, then (data) its buffer, offset and whether the
 * group kept the buffer; a buffer handed over goes back at once. */
static void on_group(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct slot *s = op->context;

	(void)loop;
	record(s, result);
	if (result > 0) {
		record(s, (int)(rr_op_buffer_id(op) << 20 | rr_op_buffer_offset(op) << 1 |
				rr_op_buffer_kept(op)));
		if (!rr_op_buffer_kept(op) &&
		    rr_buf_group_release(op->args.group_io.group, rr_op_buffer_id(op)) != 0)
			abort();
	}
	s->busy = rr_op_more(op);
}

/* A send bundle's result, then how many buffers it gave back and each of
 * them, in the order it gave them. */
static void on_bundle(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct slot *s = op->context;
	unsigned id = rr_op_buffer_id(op);

	(void)loop;
	record(s, result);
	record(s, (int)rr_op_buffer_count(op));
	for (unsigned i = 0; i < rr_op_buffer_count(op); i++) {
		record(s, (int)id);
		if (i + 1 < rr_op_buffer_count(op))
			id = rr_op_bundle_next(op, id);
	}
	s->busy = false;
}

static void on_turn(struct rr_loop *loop, struct rr_op *op, int result)
{
	on_done(loop, op, result);
	rr_loop_run(loop, RR_RUN_NOWAIT); /* a nested turn: legal, harmless */
}

static void open_pair(struct run *r, int i)
{
	int pair[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, pair) < 0)
		abort();
	r->fd[i] = pair[0];
	r->peer[i] = pair[1];
}

static bool open_run(struct run *r, enum rr_backend_kind backend)
{
	struct rr_loop_options options;

	memset(r, 0, sizeof(*r));
	memset(&options, 0, sizeof(options));
	options.backend = backend;
	options.sqpoll_cpu = -1;
	options.entries = 8; /* small: ops wait behind a full SQ too */
	if (rr_loop_init(&r->loop, &options) < 0)
		return false;
	for (int i = 0; i < SOCKETS; i++)
		open_pair(r, i);
	r->file = memfd_create("diff-ops", MFD_CLOEXEC);
	if (r->file < 0 || ftruncate(r->file, 4096) < 0)
		abort();
	for (int i = 0; i < SLOTS; i++)
		rr_op_init(&r->slots[i].op, i == SLOT_TURN ? on_turn :
			   i == SLOT_GROUP_RECV ? on_group :
			   i == SLOT_SEND_BUNDLE ? on_bundle : on_done, &r->slots[i]);
	/* The file (as index 0) and a buffer, registered: the fixed ops. */
	struct iovec iov = { .iov_base = r->registered, .iov_len = sizeof(r->registered) };
	if (rr_loop_register_buffers(&r->loop, &iov, 1) < 0 ||
	    rr_loop_register_files(&r->loop, &r->file, 1) < 0)
		abort();
	/* 4 x 128 bytes: writes of up to 64 fill and hand buffers over. */
	if (rr_buf_group_init_flags(&r->loop, &r->group, 4, 128, group_flags) < 0)
		abort();
	if (group_flags && !rr_buf_group_incremental(&r->group)) {
		group_flags = 0; /* a kernel before 6.12: plain groups everywhere */
		rr_buf_group_deinit(&r->group);
		if (rr_buf_group_init_flags(&r->loop, &r->group, 4, 128, 0) < 0)
			abort();
	}
	if (rr_buf_group_init_flags(&r->loop, &r->send_group, 8, BUF, RR_BUF_GROUP_SEND) < 0)
		abort();
	return true;
}

/* Whether every op that cannot wait for a peer has finished: NOPs, file
 * I/O, timers, closes and sends (small, to sockets that have room); the
 * receives, polls and the group receive may wait. */
static bool sure_ops_done(const struct run *r)
{
	for (int i = 0; i < SLOTS; i++) {
		bool may_wait = (i < SOCKETS * PER_SOCKET && i % PER_SOCKET != S_SEND) ||
				i == SLOT_GROUP_RECV || i == SLOT_SEND_BUNDLE;
		if (r->slots[i].busy && !may_wait)
			return false;
	}
	return true;
}

/* Run until the ops that must finish have (however slow the machine: a
 * sanitizer build once took longer than the quiet rounds below for a
 * linked file read), then until no callback comes for three short rounds
 * (receives and polls whose data or hang-up the peer just caused). */
static void settle(struct run *r)
{
	uint64_t give_up = rr_now_ns() + 5000000000ull;

	while (!sure_ops_done(r) && rr_now_ns() < give_up) {
		int ret = rr_loop_run_for_ns(&r->loop, 2000000u);
		if (ret < 0 && ret != -EINTR) {
			fprintf(stderr, "rr-diff-ops: the loop failed: %d\n", ret);
			abort();
		}
	}
	for (int quiet = 0, rounds = 0; quiet < 3 && rounds < 300; rounds++) {
		int ret = rr_loop_run_for_ns(&r->loop, 2000000u);
		if (ret < 0 && ret != -EINTR)
			abort();
		quiet = ret > 0 ? 0 : quiet + 1;
		if (ret == 0 && !rr_loop_pending(&r->loop))
			quiet++;
	}
}

static void schedule(struct slot *s, int ret)
{
	if (ret == 0)
		s->busy = true;
	else
		abort(); /* every call here is valid */
}

/* One step of the program; `x` and `y` are its arguments. */
static void step(struct run *r, unsigned what, unsigned x, unsigned y)
{
	struct rr_loop *loop = &r->loop;
	int sock = (int)(x % SOCKETS);
	struct slot *recv_slot = &r->slots[sock * PER_SOCKET + S_RECV];
	struct slot *send_slot = &r->slots[sock * PER_SOCKET + S_SEND];
	struct slot *poll_slot = &r->slots[sock * PER_SOCKET + S_POLL];
	unsigned len = 1 + y % BUF;
	char junk[BUF];

	memset(junk, (int)y, sizeof(junk));
	struct slot *group_slot = &r->slots[SLOT_GROUP_RECV];
	bool group_here = group_slot->busy && r->group_sock == sock;
	struct slot *bundle_slot = &r->slots[SLOT_SEND_BUNDLE];
	bool bundle_here = bundle_slot->busy && r->bundle_sock == sock;

	switch (what) {
	case 0: /* (not beside the group receive: which of two receives
		   waiting on one socket gets the data is the backend's choice) */
		if (!recv_slot->busy && !group_here)
			schedule(recv_slot, rr_recv(loop, &recv_slot->op, r->fd[sock],
						    recv_slot->buf, len, 0));
		break;
	case 1: /* the peer writes (or cannot: it hung up, or the socket is full) */
		if (write(r->peer[sock], junk, len) < 0)
			break;
		break;
	case 2: /* cancel whatever waits on the socket */
		for (int k = 0; k < PER_SOCKET; k++) {
			struct slot *s = &r->slots[sock * PER_SOCKET + k];
			if (s->busy && rr_cancel(loop, &s->op) != 0)
				abort(); /* after settling, a busy op waits */
		}
		if (group_here && rr_cancel(loop, &group_slot->op) != 0)
			abort();
		if (bundle_here && rr_cancel(loop, &bundle_slot->op) != 0)
			abort();
		break;
	case 3: /* close through the loop once nothing waits; reopen at once */
		if (recv_slot->busy || poll_slot->busy || send_slot->busy || group_here ||
		    bundle_here || r->slots[SLOT_CLOSE].busy)
			break;
		schedule(&r->slots[SLOT_CLOSE],
			 rr_close(loop, &r->slots[SLOT_CLOSE].op, r->fd[sock]));
		settle(r);
		close(r->peer[sock]);
		open_pair(r, sock); /* most likely the same fd numbers */
		break;
	case 4:
		if (!send_slot->busy)
			schedule(send_slot, rr_send(loop, &send_slot->op, r->fd[sock],
						    junk, len, 0));
		break;
	case 5:
		if (!poll_slot->busy)
			schedule(poll_slot, rr_poll(loop, &poll_slot->op, r->fd[sock], POLLIN));
		break;
	case 6: /* the peer drains what was sent to it */
		while (read(r->peer[sock], junk, sizeof(junk)) > 0)
			;
		break;
	case 7:
		if (!r->slots[SLOT_NOP].busy)
			schedule(&r->slots[SLOT_NOP], rr_nop(loop, &r->slots[SLOT_NOP].op));
		if (!r->slots[SLOT_TURN].busy)
			schedule(&r->slots[SLOT_TURN], rr_nop(loop, &r->slots[SLOT_TURN].op));
		break;
	case 8: { /* a linked write then read of the same bytes of a file */
		struct slot *w = &r->slots[SLOT_FILE_WRITE], *rd = &r->slots[SLOT_FILE_READ];
		if (w->busy || rd->busy)
			break;
		memset(w->buf, (int)x, sizeof(w->buf));
		rr_op_link(&w->op);
		schedule(w, rr_write(loop, &w->op, r->file, w->buf, len, (y % 200) * 16));
		schedule(rd, rr_read(loop, &rd->op, r->file, rd->buf, len, (y % 200) * 16));
		break;
	}
	case 9:
		if (!r->slots[SLOT_TIMER].busy)
			schedule(&r->slots[SLOT_TIMER],
				 rr_timeout(loop, &r->slots[SLOT_TIMER].op, 200000u, 0));
		break;
	case 10: /* the peer hangs up its writing side */
		shutdown(r->peer[sock], SHUT_WR);
		break;
	case 11:
		if (!group_slot->busy && !recv_slot->busy) {
			r->group_sock = sock;
			schedule(group_slot, rr_recv_multishot(loop, &group_slot->op, r->fd[sock],
							       &r->group, 0));
		}
		break;
	case 13: { /* a linked fixed write then fixed read of the same bytes */
		struct slot *w = &r->slots[SLOT_FIXED_WRITE], *rd = &r->slots[SLOT_FIXED_READ];
		if (w->busy || rd->busy)
			break;
		memset(r->registered, (int)y, BUF);
		rr_op_link(&w->op);
		rr_op_fixed_file(&w->op);
		schedule(w, rr_write_fixed(loop, &w->op, 0, r->registered, len, (x % 200) * 16, 0));
		rr_op_fixed_file(&rd->op);
		schedule(rd, rr_read_fixed(loop, &rd->op, 0, r->registered + BUF, len,
					   (x % 200) * 16, 0));
		break;
	}
	case 12: { /* (on a Unix socket: io_uring's SEND_ZC refuses, the loop resends) */
		struct slot *zc = &r->slots[SLOT_SEND_ZC];
		if (!zc->busy) {
			memcpy(zc->buf, junk, len);
			schedule(zc, rr_send_zc(loop, &zc->op, r->fd[sock], zc->buf, len, 0));
		}
		break;
	}
	case 14: { /* queue up to three buffers (some may be queued still), send */
		for (unsigned k = 0; k < 1 + y % 3; k++) {
			unsigned id = (x + k * 3) % 8, n = 1 + (y >> (4 * k)) % BUF;
			memset(rr_buf_group_buffer(&r->send_group, id), (int)(id + y), n);
			record(bundle_slot, rr_buf_group_queue(&r->send_group, id, n));
		}
		if (!bundle_slot->busy) {
			r->bundle_sock = sock;
			schedule(bundle_slot, rr_send_bundle(loop, &bundle_slot->op, r->fd[sock],
							     &r->send_group, 0));
		}
		break;
	}
	default:
		break;
	}
	settle(r);
}

static void close_run(struct run *r)
{
	rr_loop_deinit(&r->loop); /* with whatever still waits */
	for (int i = 0; i < SOCKETS; i++) {
		close(r->fd[i]);
		close(r->peer[i]);
	}
	close(r->file);
	for (int i = 0; i < SLOTS; i++)
		r->callbacks += (uint64_t)r->slots[i].count;
}

static uint64_t next_random(uint64_t *state)
{
	*state = *state * 6364136223846793005ull + 1442695040888963407ull;
	return *state >> 33;
}

int main(int argc, char **argv)
{
	static const enum rr_backend_kind backends[] = {
		RR_BACKEND_URING, RR_BACKEND_EPOLL, RR_BACKEND_KQUEUE,
	};
	static const char *names[] = { "io_uring", "epoll", "kqueue" };
	unsigned programs = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 20;
	uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 10) : 1;
	uint64_t steps_run = 0, callbacks = 0;
	unsigned used = 0;

	signal(SIGPIPE, SIG_IGN);
	for (unsigned p = 0; p < programs; p++) {
		uint64_t program_seed = seed + p;
		unsigned program[STEPS][3];
		uint64_t state = program_seed;
		for (int i = 0; i < STEPS; i++) {
			program[i][0] = (unsigned)(next_random(&state) % 15);
			program[i][1] = (unsigned)next_random(&state);
			program[i][2] = (unsigned)next_random(&state);
		}
		int ran[3], nran = 0;
		for (int b = 0; b < 3; b++) {
			struct run *r = &runs[nran];
			if (!open_run(r, backends[b]))
				continue; /* not built or not available here */
			for (int i = 0; i < STEPS; i++)
				step(r, program[i][0], program[i][1], program[i][2]);
			close_run(r);
			ran[nran++] = b;
		}
		if (nran < 2) {
			fprintf(stderr, "rr-diff-ops: fewer than two backends here\n");
			return 77;
		}
		used = (unsigned)nran;
		for (int k = 1; k < nran; k++) {
			for (int i = 0; i < SLOTS; i++) {
				const struct slot *a = &runs[0].slots[i], *c = &runs[k].slots[i];
				bool same = a->count == c->count;
				for (int j = 0; same && j < a->count && j < MAX_RESULTS; j++)
					same = a->results[j] == c->results[j];
				if (same)
					continue;
				fprintf(stderr, "rr-diff-ops: program %llu, slot %d: %s and %s differ\n",
					(unsigned long long)program_seed, i, names[ran[0]], names[ran[k]]);
				for (int which = 0; which < 2; which++) {
					const struct slot *s = which ? c : a;
					fprintf(stderr, "  %-8s %d callbacks:", names[ran[which ? k : 0]],
						s->count);
					for (int j = 0; j < s->count && j < MAX_RESULTS; j++)
						fprintf(stderr, " %d", s->results[j]);
					fprintf(stderr, "\n");
				}
				return 1;
			}
		}
		steps_run += STEPS;
		callbacks += runs[0].callbacks;
	}
	printf("rr-diff-ops: %u programs of %d steps (%llu steps, %llu callbacks per backend) "
	       "on %u backends: no difference\n", programs, STEPS,
	       (unsigned long long)steps_run, (unsigned long long)callbacks, used);
	return 0;
}
