/*
 * The op-sequence fuzzer: each input is a little program of
 * schedule/cancel/timeout/close/run steps that one loop runs over a socket
 * pair, two pipes and a memfd, while the "peer" ends are written, drained
 * and shut down behind its back.  Checked on every input:
 *   - a callback runs only for a scheduled op, once per scheduling;
 *   - results are in range (a byte count no larger than asked, an fd, or a
 *     negative errno; -ETIME or -ECANCELED for timers);
 *   - after rr_loop_deinit every scheduled op has had its callback;
 *   - (under ASan) no use-after-free or overflow anywhere in the library.
 * A broken invariant aborts, which libFuzzer reports with the input.
 *
 * Input: byte 0 picks the backend (even: io_uring, odd: epoll); then pairs
 * of bytes (step, argument).
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

#define SLOTS 8
#define SLOT_BYTES 512
#define MAX_STEPS 256
#define FILE_BYTES 4096

/* The loop's ends of the resources; the peer ends are the test's. */
enum { RES_SOCKET, RES_PIPE_IN, RES_PIPE_OUT, RES_FILE, RES_COUNT };

struct slot {
	struct rr_op op;
	bool busy;
	int type;            /* enum rr_op_type of the current scheduling */
	unsigned len;        /* bytes asked for, for the range check */
	int schedulings, callbacks;
	int dup_fd;          /* an rr_close target */
	unsigned char buf[SLOT_BYTES];
};

struct world {
	struct rr_loop loop;
	struct slot slots[SLOTS];
	int fd[RES_COUNT];
	int peer[RES_COUNT];
};

static void broken(const char *what, int slot, int result)
{
	fprintf(stderr, "fuzz-ops: invariant broken: %s (slot %d, result %d)\n", what,
		slot, result);
	abort();
}

/* The world of the input being run (one at a time). */
static struct world world;

static void on_done(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct slot *s = op->context;
	int index = (int)(s - world.slots);

	(void)loop;
	if (!s->busy)
		broken("a callback for an op that was not scheduled", index, result);
	s->busy = false;
	s->callbacks++;
	if (result < -4095)
		broken("a result below -4095", index, result);
	switch (s->type) {
	case RR_OP_READ:
	case RR_OP_WRITE:
	case RR_OP_RECV:
	case RR_OP_SEND:
		if (result > (int)s->len)
			broken("more bytes than asked for", index, result);
		break;
	case RR_OP_TIMEOUT:
		if (result != -ETIME && result != -ECANCELED)
			broken("a timer ended with neither -ETIME nor -ECANCELED", index, result);
		break;
	case RR_OP_NOP:
		if (result != 0 && result != -ECANCELED)
			broken("a NOP failed", index, result);
		break;
	case RR_OP_POLL:
		if (result >= 0 && !(result & (POLLIN | POLLERR | POLLHUP)))
			broken("a poll woke without its events", index, result);
		break;
	default:
		break;
	}
	if (s->dup_fd >= 0 && s->type == RR_OP_CLOSE && result < 0)
		close(s->dup_fd); /* the op did not close it */
	if (s->type == RR_OP_CLOSE)
		s->dup_fd = -1;
}

/* Note a scheduling call's return for slot `s` of type `type`. */
static void scheduled(struct slot *s, int type, unsigned len, int ret)
{
	if (ret == 0) {
		s->busy = true;
		s->type = type;
		s->len = len;
		s->schedulings++;
	} else if (ret != -EINVAL) {
		broken("a valid scheduling call failed", -1, ret);
	}
}

static bool open_world(struct world *w, bool epoll)
{
	struct rr_loop_options options;
	int pair[2], in[2], out[2];

	memset(w, 0, sizeof(*w));
	memset(&options, 0, sizeof(options));
	options.backend = epoll ? RR_BACKEND_EPOLL : RR_BACKEND_URING;
	options.sqpoll_cpu = -1;
	options.entries = 16; /* small: the queue behind a full SQ gets exercised */
	if (rr_loop_init(&w->loop, &options) < 0)
		return false;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, pair) < 0 ||
	    pipe2(in, O_CLOEXEC | O_NONBLOCK) < 0 || pipe2(out, O_CLOEXEC | O_NONBLOCK) < 0)
		abort();
	w->fd[RES_SOCKET] = pair[0];
	w->peer[RES_SOCKET] = pair[1];
	w->fd[RES_PIPE_IN] = in[0];
	w->peer[RES_PIPE_IN] = in[1];
	w->fd[RES_PIPE_OUT] = out[1];
	w->peer[RES_PIPE_OUT] = out[0];
	w->fd[RES_FILE] = memfd_create("fuzz-ops", MFD_CLOEXEC);
	w->peer[RES_FILE] = -1;
	if (w->fd[RES_FILE] < 0 || ftruncate(w->fd[RES_FILE], FILE_BYTES) < 0)
		abort();
	for (int i = 0; i < SLOTS; i++) {
		rr_op_init(&w->slots[i].op, on_done, &w->slots[i]);
		w->slots[i].dup_fd = -1;
	}
	return true;
}

static void close_world(struct world *w)
{
	rr_loop_deinit(&w->loop);
	for (int i = 0; i < SLOTS; i++) {
		const struct slot *s = &w->slots[i];
		if (s->callbacks != s->schedulings)
			broken("an op without exactly one callback per scheduling", i,
			       s->schedulings - s->callbacks);
		if (s->dup_fd >= 0)
			close(s->dup_fd);
	}
	for (int r = 0; r < RES_COUNT; r++) {
		close(w->fd[r]);
		if (w->peer[r] >= 0)
			close(w->peer[r]);
	}
}

/* The peer's side: make data appear, take it away, hang up. */
static void peer_step(struct world *w, unsigned step, uint8_t arg)
{
	unsigned char junk[SLOT_BYTES];
	int target = arg & 1 ? RES_PIPE_IN : RES_SOCKET;

	memset(junk, arg, sizeof(junk));
	if (step == 0 && write(w->peer[target], junk, 1u + arg % SLOT_BYTES) < 0)
		return; /* full: fine */
	if (step == 1)
		while (read(w->peer[arg & 1 ? RES_PIPE_OUT : RES_SOCKET], junk, sizeof(junk)) > 0)
			;
	if (step == 2)
		shutdown(w->peer[RES_SOCKET], arg & 1 ? SHUT_WR : SHUT_RDWR);
}

static void loop_step(struct world *w, unsigned step, uint8_t arg)
{
	struct slot *s = &w->slots[arg % SLOTS];
	int res = (arg >> 3) % RES_COUNT;
	unsigned len = 1u + (unsigned)(arg * 37u) % SLOT_BYTES;
	int64_t offset = res == RES_FILE ? (int64_t)(arg * 61u) % (FILE_BYTES + 512) : -1;
	struct rr_loop *loop = &w->loop;

	if (step == 6) { /* cancel: any slot, busy or not */
		int ret = rr_cancel(loop, &s->op);
		if (ret != 0 && ret != -ENOENT && ret != -EALREADY)
			broken("rr_cancel gave an undocumented error", arg % SLOTS, ret);
		return;
	}
	if (step == 9) {
		int ret = arg & 1 ? rr_loop_run(loop, RR_RUN_NOWAIT)
				  : rr_loop_run_for_ns(loop, (uint64_t)arg * 4000u);
		if (ret < 0 && ret != -EINTR)
			broken("the loop failed", -1, ret);
		return;
	}
	if (s->busy)
		return; /* scheduling an op in flight is a caller error */
	switch (step) {
	case 0:
		scheduled(s, RR_OP_READ, len,
			  rr_read(loop, &s->op, w->fd[res == RES_PIPE_OUT ? RES_PIPE_IN : res],
				  s->buf, len, offset));
		break;
	case 1:
		scheduled(s, RR_OP_WRITE, len,
			  rr_write(loop, &s->op, w->fd[res == RES_PIPE_IN ? RES_PIPE_OUT : res],
				   s->buf, len, offset));
		break;
	case 2:
		scheduled(s, RR_OP_RECV, len,
			  rr_recv(loop, &s->op, w->fd[RES_SOCKET], s->buf, len,
				  arg & 0x80 ? MSG_WAITALL : 0));
		break;
	case 3:
		scheduled(s, RR_OP_SEND, len,
			  rr_send(loop, &s->op, w->fd[RES_SOCKET], s->buf, len, 0));
		break;
	case 4:
		scheduled(s, RR_OP_NOP, 0, rr_nop(loop, &s->op));
		break;
	case 5:
		scheduled(s, RR_OP_TIMEOUT, 0,
			  rr_timeout(loop, &s->op, (uint64_t)arg * 10000u, 0));
		break;
	case 7: /* a NOP linked to the next op scheduled */
		rr_op_link(&s->op);
		scheduled(s, RR_OP_NOP, 0, rr_nop(loop, &s->op));
		break;
	case 8:
		s->dup_fd = dup(w->fd[res]);
		if (s->dup_fd < 0)
			abort();
		scheduled(s, RR_OP_CLOSE, 0, rr_close(loop, &s->op, s->dup_fd));
		if (!s->busy) {
			close(s->dup_fd);
			s->dup_fd = -1;
		}
		break;
	case 10:
		scheduled(s, RR_OP_POLL, 0,
			  rr_poll(loop, &s->op, w->fd[res == RES_PIPE_OUT ? RES_PIPE_IN : res],
				  POLLIN));
		break;
	default:
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct world *w = &world;

	/* rr_write on a socket whose peer hung up raises SIGPIPE (the kernel's
	 * write path does, on io_uring too): a program that writes to sockets
	 * ignores it, as this one does. */
	signal(SIGPIPE, SIG_IGN);
	if (size < 1)
		return 0;
	if (!open_world(w, data[0] & 1))
		return 0; /* the backend is unavailable here */
	size_t steps = 0;
	for (size_t i = 1; i + 1 < size && steps < MAX_STEPS; i += 2, steps++) {
		unsigned step = data[i] % 14u;
		if (step >= 11)
			peer_step(w, step - 11, data[i + 1]);
		else
			loop_step(w, step, data[i + 1]);
	}
	/* A last turn, so that most inputs end with work done, not only
	 * cancelled by deinit. */
	rr_loop_run(&w->loop, RR_RUN_NOWAIT);
	close_world(w);
	return 0;
}
