/*
 * The soak server's other echo (--group): per connection a multishot
 * receive into one incremental buffer group that every connection shares,
 * so that small results of many connections lie side by side in one
 * buffer.  Each result is a piece (buffer, offset, length) queued for the
 * connection's send, in order.  A buffer goes back to the group once it is
 * handed over (its last byte filled) and every piece in it, of whichever
 * connection, has been sent.  A receive that ends for want of buffers
 * waits on a list and is armed again as buffers come back; one whose queue
 * grows long is cancelled and armed again as the queue drains.  Nothing is
 * allocated after the start.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "soak.h"

#define GROUP_BUFFERS 256
#define GROUP_BUFFER_SIZE 16384
#define QUEUE 256     /* pieces a connection may hold */
#define THROTTLE 32   /* ... past which its receive is paused */

struct piece {
	unsigned id, offset, len;
};

struct group_conn {
	struct rr_op recv, send;
	struct soak_server *server;
	int fd;
	bool receiving, sending;
	bool done;        /* end of file, an error, or the stop: no more receives */
	bool throttled;   /* its receive was cancelled for a long queue */
	bool starved;     /* on the list of receives waiting for buffers */
	struct group_conn *next_starved;
	unsigned head, count;
	struct piece queue[QUEUE];
};

static struct rr_buf_group group;
static unsigned pieces_in[GROUP_BUFFERS]; /* per buffer: pieces not yet sent */
static bool handed[GROUP_BUFFERS];        /* per buffer: its last byte is filled */
static struct group_conn *table, **idle, *starved;
static int idle_count;

static void on_recv(struct rr_loop *loop, struct rr_op *op, int result);
static void on_send(struct rr_loop *loop, struct rr_op *op, int result);

static void arm_recv(struct rr_loop *loop, struct group_conn *c)
{
	int ret = rr_recv_multishot(loop, &c->recv, c->fd, &group, 0);

	c->receiving = ret == 0;
	if (ret < 0) {
		c->done = true;
		soak_server_error(c->server, ret);
	}
}

/* A buffer came back: the receive that waited longest for one goes on. */
static void wake_starved(struct rr_loop *loop)
{
	struct group_conn *c = starved;

	if (!c)
		return;
	starved = c->next_starved;
	c->starved = false;
	if (!c->done && !c->receiving && !atomic_load(&c->server->stop))
		arm_recv(loop, c);
}

static void piece_sent(struct rr_loop *loop, unsigned id)
{
	if (--pieces_in[id] || !handed[id])
		return;
	handed[id] = false;
	if (rr_buf_group_release(&group, id) != 0)
		abort(); /* the accounting above is wrong: stop the soak loudly */
	wake_starved(loop);
}

static void send_next(struct rr_loop *loop, struct group_conn *c)
{
	const struct piece *p = &c->queue[c->head];
	int ret = rr_send(loop, &c->send, c->fd,
			  (unsigned char *)rr_buf_group_buffer(&group, p->id) + p->offset,
			  p->len, MSG_WAITALL);

	c->sending = ret == 0;
	if (ret < 0) {
		c->done = true;
		soak_server_error(c->server, ret);
	}
}

static void pop_piece(struct rr_loop *loop, struct group_conn *c)
{
	unsigned id = c->queue[c->head].id;

	c->head = (c->head + 1) % QUEUE;
	c->count--;
	piece_sent(loop, id);
}

/* Both ops idle and nothing more to do: drop what is queued, close. */
static void close_when_idle(struct rr_loop *loop, struct group_conn *c)
{
	if (c->receiving || c->sending || !(c->done || atomic_load(&c->server->stop)))
		return;
	while (c->count)
		pop_piece(loop, c);
	if (c->starved) {
		for (struct group_conn **link = &starved; *link; link = &(*link)->next_starved)
			if (*link == c) {
				*link = c->next_starved;
				break;
			}
		c->starved = false;
	}
	close(c->fd);
	c->fd = -1;
	idle[idle_count++] = c;
}

static void on_recv(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct group_conn *c = op->context;
	bool stopping = atomic_load(&c->server->stop);

	if (result > 0) {
		unsigned id = rr_op_buffer_id(op);
		if (c->count == QUEUE) {
			soak_server_error(c->server, -EOVERFLOW);
			abort(); /* more results than a paused receive may bring */
		}
		c->queue[(c->head + c->count) % QUEUE] =
			(struct piece){ id, rr_op_buffer_offset(op), (unsigned)result };
		c->count++;
		pieces_in[id]++;
		if (!rr_op_buffer_kept(op))
			handed[id] = true;
		if (!c->sending && !c->done)
			send_next(loop, c);
		if (rr_op_more(op) && c->count >= THROTTLE && !c->throttled) {
			c->throttled = true;
			rr_cancel(loop, op);
		}
	}
	if (rr_op_more(op))
		return;
	c->receiving = false;
	if (result == -ENOBUFS && !stopping && !c->done) {
		c->starved = true; /* armed again when a buffer comes back */
		c->next_starved = starved;
		starved = c;
	} else if (result > 0 && !c->throttled && !stopping && !c->done) {
		arm_recv(loop, c); /* the kernel ended the multishot: go on */
	} else if (result <= 0 && !(result == -ECANCELED && c->throttled && !stopping)) {
		c->done = true; /* end of file, an error, or the stop */
		if (result < 0 && result != -ECANCELED && result != -ECONNRESET)
			soak_server_error(c->server, result);
	}
	close_when_idle(loop, c);
}

static void on_send(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct group_conn *c = op->context;

	c->sending = false;
	pop_piece(loop, c);
	if (result < 0) {
		c->done = true; /* the client went away: its receive ends too */
		if (c->receiving)
			rr_cancel(loop, &c->recv);
	} else if (c->count && !c->done) {
		send_next(loop, c);
	}
	if (c->throttled && c->count < THROTTLE / 2 && !c->receiving && !c->done &&
	    !atomic_load(&c->server->stop)) {
		c->throttled = false;
		arm_recv(loop, c);
	}
	close_when_idle(loop, c);
}

int soak_group_start(struct soak_server *server, int slots)
{
	table = calloc((size_t)slots, sizeof(*table));
	idle = calloc((size_t)slots, sizeof(*idle));
	if (!table || !idle)
		return -ENOMEM;
	for (int i = 0; i < slots; i++) {
		table[i].server = server;
		table[i].fd = -1;
		rr_op_init(&table[i].recv, on_recv, &table[i]);
		rr_op_init(&table[i].send, on_send, &table[i]);
		idle[i] = &table[slots - 1 - i];
	}
	idle_count = slots;
	memset(pieces_in, 0, sizeof(pieces_in));
	memset(handed, 0, sizeof(handed));
	starved = NULL;
	return rr_buf_group_init_flags(&server->loop, &group, GROUP_BUFFERS, GROUP_BUFFER_SIZE,
				       RR_BUF_GROUP_INCREMENTAL);
}

bool soak_group_accept(struct soak_server *server, int fd)
{
	if (!idle_count)
		return false;
	struct group_conn *c = idle[--idle_count];
	c->head = c->count = 0;
	c->fd = fd;
	c->receiving = c->sending = c->done = c->throttled = c->starved = false;
	arm_recv(&server->loop, c);
	close_when_idle(&server->loop, c);
	return true;
}

void soak_group_stop(void)
{
	free(table);
	free(idle);
	table = NULL;
	idle = NULL;
}
