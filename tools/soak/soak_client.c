/*
 * The soak's clients, all on one loop.  Each connection repeats: (maybe a
 * think timer, or a timer it cancels) → send a message of random size →
 * receive its echo and check every byte.  Now and then it instead cancels
 * an idle recv right after connecting, abandons a receive half-way (a
 * timer fires, the recv is cancelled, the connection dropped), or just
 * hangs up and connects again.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <malloc.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "soak.h"

enum phase { CONNECTING, PROBING, THINKING, SENDING, RECEIVING, ABANDONING, DONE };

struct client {
	struct rr_op io, timer, probe;
	struct clients *all;
	unsigned id;
	int fd;
	enum phase phase;
	uint64_t seq;
	unsigned len;
	uint64_t rng;
	bool timer_pending;
	unsigned char out[SOAK_MAX_MESSAGE], in[SOAK_MAX_MESSAGE];
	unsigned char probe_byte;
};

struct clients {
	struct rr_loop loop;
	const struct soak_config *config;
	struct sockaddr_in addr;
	uint64_t stop_at;
	bool stopping;
	int active;
	struct soak_totals *totals;
	struct rr_op sampler;
};

static unsigned next_random(struct client *c, unsigned bound)
{
	c->rng ^= c->rng << 13;
	c->rng ^= c->rng >> 7;
	c->rng ^= c->rng << 17;
	return (unsigned)(c->rng % bound);
}

static void bad(struct client *c, const char *what, int result)
{
	if (c->all->totals->corrupted++ < 5)
		fprintf(stderr, "rr-soak: connection %u: %s (%d%s%s)\n", c->id, what,
			result, result < 0 ? ": " : "", result < 0 ? strerror(-result) : "");
}

static void io_step(struct rr_loop *loop, struct rr_op *op, int result);
static void timer_step(struct rr_loop *loop, struct rr_op *op, int result);
static void probe_step(struct rr_loop *loop, struct rr_op *op, int result);

static void must(struct client *c, int ret, const char *what)
{
	if (ret < 0)
		bad(c, what, ret);
}

static void finish(struct client *c)
{
	c->phase = DONE;
	c->all->active--;
}

static void connect_again(struct client *c)
{
	struct clients *all = c->all;

	if (c->fd >= 0) {
		close(c->fd);
		c->fd = -1;
		all->totals->disconnects++;
	}
	if (all->stopping) {
		finish(c);
		return;
	}
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		bad(c, "socket", -errno);
		finish(c);
		return;
	}
	c->phase = CONNECTING;
	must(c, rr_connect(&all->loop, &c->io, c->fd, (struct sockaddr *)&all->addr,
			   sizeof(all->addr)), "rr_connect");
}

static void send_message(struct client *c)
{
	c->phase = SENDING;
	c->seq++;
	c->len = 1 + next_random(c, c->all->config->max_message);
	for (unsigned i = 0; i < c->len; i++)
		c->out[i] = soak_byte(c->id, c->seq, i);
	must(c, rr_send(&c->all->loop, &c->io, c->fd, c->out, c->len, MSG_WAITALL),
	     "rr_send");
}

/* What a connection does after a round trip (or right after connecting). */
static void next_round(struct client *c)
{
	struct rr_loop *loop = &c->all->loop;
	unsigned dice = next_random(c, 64);

	if (c->all->stopping || dice < 2) {
		connect_again(c);
	} else if (dice < 8) { /* think for up to 2 ms */
		c->phase = THINKING;
		c->timer_pending = true;
		must(c, rr_timeout(loop, &c->timer, next_random(c, 2000000), 0), "rr_timeout");
	} else if (dice < 10) { /* a timer that never fires: cancelled */
		c->phase = THINKING;
		c->timer_pending = true;
		must(c, rr_timeout(loop, &c->timer, 10ull * 1000000000u, 0), "rr_timeout");
		must(c, rr_cancel(loop, &c->timer), "rr_cancel(timer)");
	} else {
		send_message(c);
	}
}

static void io_step(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct client *c = op->context;
	struct soak_totals *totals = c->all->totals;

	switch (c->phase) {
	case CONNECTING:
		if (result < 0) {
			bad(c, "connect", result);
			connect_again(c);
			return;
		}
		totals->connects++;
		if (next_random(c, 16) == 0) { /* an idle recv, cancelled at once */
			c->phase = PROBING;
			must(c, rr_recv(loop, &c->probe, c->fd, &c->probe_byte, 1, 0), "rr_recv(probe)");
			must(c, rr_cancel(loop, &c->probe), "rr_cancel(probe)");
			return;
		}
		next_round(c);
		return;
	case SENDING:
		if (result != (int)c->len) {
			bad(c, "send", result);
			connect_again(c);
			return;
		}
		c->phase = RECEIVING;
		must(c, rr_recv(loop, &c->io, c->fd, c->in, c->len, MSG_WAITALL), "rr_recv");
		if (next_random(c, 64) == 0) { /* give up on this echo half-way */
			c->phase = ABANDONING;
			c->timer_pending = true;
			must(c, rr_timeout(loop, &c->timer, 0, 0), "rr_timeout");
		}
		return;
	case RECEIVING:
		if (result != (int)c->len || memcmp(c->in, c->out, c->len) != 0) {
			bad(c, "echo differs", result);
			connect_again(c);
			return;
		}
		totals->messages++;
		totals->bytes += c->len;
		next_round(c);
		return;
	case ABANDONING: /* cancelled, or the echo won the race: drop it */
		/* A MSG_WAITALL receive cancelled half-way reports the bytes it
		 * took: they must be the echo's first ones. */
		if (result == -ECANCELED || (result >= 0 && result < (int)c->len))
			totals->cancels++;
		if (result >= 0 && (result > (int)c->len || memcmp(c->in, c->out, (size_t)result)))
			bad(c, "echo differs", result);
		if (c->timer_pending)
			return; /* the timer's callback goes on */
		connect_again(c);
		return;
	default:
		bad(c, "an io callback out of turn", result);
		return;
	}
}

static void timer_step(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct client *c = op->context;

	c->timer_pending = false;
	if (result != -ETIME && result != -ECANCELED)
		bad(c, "timer", result);
	c->all->totals->timers++;
	if (result == -ECANCELED)
		c->all->totals->cancels++;
	if (c->phase == THINKING) {
		send_message(c);
	} else if (c->phase == ABANDONING) {
		int ret = rr_cancel(loop, &c->io);
		/* -ENOENT: the echo already arrived.  If its callback ran,
		 * go on from here; if it is still due, io_step goes on. */
		if (ret == -ENOENT && rr_op_is_idle(&c->io))
			connect_again(c);
		else if (ret != -ENOENT)
			must(c, ret, "rr_cancel(recv)");
	}
}

static void probe_step(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct client *c = op->context;

	(void)loop;
	if (result != -ECANCELED)
		bad(c, "a cancelled idle recv", result);
	else
		c->all->totals->cancels++;
	next_round(c);
}

/* The heap in use: glibc's count of allocated bytes (small blocks and
 * mmapped ones); with another libc, the data segment's size from
 * /proc/self/statm (coarser: pages, freed memory that stays mapped). */
static uint64_t heap_in_use(void)
{
#ifdef __GLIBC__
	struct mallinfo2 info = mallinfo2();
	return info.uordblks + info.hblkhd;
#else
	unsigned long size, resident, shared, text, lib, data = 0;
	FILE *statm = fopen("/proc/self/statm", "re");
	if (statm) {
		if (fscanf(statm, "%lu %lu %lu %lu %lu %lu", &size, &resident, &shared,
			   &text, &lib, &data) != 6)
			data = 0;
		fclose(statm);
	}
	return (uint64_t)data * (uint64_t)sysconf(_SC_PAGESIZE);
#endif
}

/* Once a second: the heap, which must stay flat after the first second. */
static void sample_heap(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct clients *all = op->context;
	uint64_t heap = heap_in_use();

	(void)result;
	if (!all->totals->heap_warm)
		all->totals->heap_warm = heap;
	if (heap > all->totals->heap_peak)
		all->totals->heap_peak = heap;
	if (!all->stopping)
		rr_timeout(loop, op, 1000000000u, 0);
}

int soak_clients_run(const struct soak_config *config, uint16_t port,
		     struct soak_totals *totals)
{
	static struct client conns[SOAK_MAX_CONNS];
	static struct clients all;
	int ret = rr_loop_init(&all.loop, &config->options);

	if (ret < 0)
		return ret;
	all.config = config;
	all.totals = totals;
	all.addr.sin_family = AF_INET;
	all.addr.sin_port = htons(port);
	all.addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	all.stop_at = rr_now_ns() + (uint64_t)(config->seconds * 1e9);
	all.active = config->connections;
	for (int i = 0; i < config->connections; i++) {
		struct client *c = &conns[i];
		c->all = &all;
		c->id = (unsigned)i;
		c->fd = -1;
		c->rng = config->seed * 0x9E3779B97F4A7C15ull + (uint64_t)i + 1;
		rr_op_init(&c->io, io_step, c);
		rr_op_init(&c->timer, timer_step, c);
		rr_op_init(&c->probe, probe_step, c);
		connect_again(c);
	}
	rr_op_init(&all.sampler, sample_heap, &all);
	rr_timeout(&all.loop, &all.sampler, 1000000000u, 0);

	/* Run to the deadline, then let every connection finish its round
	 * trip and hang up; 10 s of grace, then the rest count as lost. */
	uint64_t give_up = all.stop_at + 10ull * 1000000000u;
	while (all.active > 0 && rr_now_ns() < give_up) {
		ret = rr_loop_run_for_ns(&all.loop, 100000000u);
		if (ret < 0 && ret != -EINTR)
			break;
		if (!all.stopping && rr_now_ns() >= all.stop_at) {
			all.stopping = true;
			rr_cancel(&all.loop, &all.sampler);
		}
	}
	totals->lost = all.active > 0 ? (uint64_t)all.active : 0;
	rr_loop_deinit(&all.loop);
	for (int i = 0; i < config->connections; i++)
		if (conns[i].fd >= 0)
			close(conns[i].fd);
	return ret < 0 && ret != -EINTR ? ret : 0;
}
