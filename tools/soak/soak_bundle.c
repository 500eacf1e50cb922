/*
 * The soak server's third echo (--bundle): per connection a send group of
 * its own.  A receive goes straight into a free buffer of the group, which
 * is then queued; one send bundle at a time sends whatever is queued, so
 * that what arrives while a bundle is out goes in the next one, and the
 * receives go on while the bundles send.  A receive that filled its buffer
 * (more may be in the socket) does not send at once: a NOP sends what is
 * queued once a turn has passed with no full receive (or no buffer is
 * left), so that a message's buffers mostly go in one bundle, and a
 * message that ends at a buffer's end is still sent.  The buffers a bundle gives back
 * are free to receive into again; with none free the receive waits for the
 * bundle.  Each bundle's result is checked against the bytes it took.  A
 * connection's group is set up when it is accepted and taken down when it
 * closes (whatever it still had queued is dropped with it), so groups come
 * and go all through the run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "soak.h"

#define BUFFERS 8          /* a power of two, as a group's count must be */
#define BUFFER_SIZE 4096

struct bundle_conn {
	struct rr_op recv, send;
	struct rr_op flush;        /* a NOP: send what is queued, a turn later */
	struct soak_server *server;
	int fd;
	struct rr_buf_group group;
	bool receiving, sending, flushing;
	bool grew;                 /* a full receive since the flush NOP went */
	bool done;                 /* end of file, an error, or the stop */
	unsigned receiving_into;   /* the buffer the receive fills */
	unsigned free_ids[BUFFERS], free_count;
	unsigned queued_len[BUFFERS]; /* per buffer: the bytes queued in it */
};

static struct bundle_conn *table, **idle;
static int idle_count;

static void on_recv(struct rr_loop *loop, struct rr_op *op, int result);
static void on_send(struct rr_loop *loop, struct rr_op *op, int result);
static void on_flush(struct rr_loop *loop, struct rr_op *op, int result);

static void fail(struct bundle_conn *c, int err)
{
	c->done = true;
	soak_server_error(c->server, err);
}

/* Receive into a free buffer; with none free, the bundle out gives some
 * back and its callback comes here again. */
static void arm_recv(struct rr_loop *loop, struct bundle_conn *c)
{
	if (!c->free_count || c->done || atomic_load(&c->server->stop))
		return;
	unsigned id = c->free_ids[--c->free_count];
	int ret = rr_recv(loop, &c->recv, c->fd, rr_buf_group_buffer(&c->group, id),
			  BUFFER_SIZE, 0);
	if (ret < 0) {
		c->free_ids[c->free_count++] = id;
		fail(c, ret);
		return;
	}
	c->receiving = true;
	c->receiving_into = id;
}

static void send_queued(struct rr_loop *loop, struct bundle_conn *c)
{
	if (c->sending || c->done || !rr_buf_group_queued(&c->group))
		return;
	int ret = rr_send_bundle(loop, &c->send, c->fd, &c->group, 0);
	if (ret < 0)
		fail(c, ret);
	else
		c->sending = true;
}

/* Both ops idle and the connection over: close it, drop its group. */
static void close_when_idle(struct bundle_conn *c)
{
	if (c->receiving || c->sending || c->flushing ||
	    !(c->done || atomic_load(&c->server->stop)))
		return;
	rr_buf_group_deinit(&c->group);
	close(c->fd);
	c->fd = -1;
	idle[idle_count++] = c;
}

static void flush_later(struct rr_loop *loop, struct bundle_conn *c)
{
	int ret = rr_nop(loop, &c->flush);

	if (ret < 0)
		fail(c, ret);
	c->flushing = ret == 0;
	c->grew = false;
}

static void on_recv(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct bundle_conn *c = op->context;
	unsigned id = c->receiving_into;

	c->receiving = false;
	if (result > 0) {
		c->queued_len[id] = (unsigned)result;
		if (rr_buf_group_queue(&c->group, id, (unsigned)result) != 0)
			abort(); /* the buffer was the application's: the accounting broke */
		bool full = result == BUFFER_SIZE && c->free_count;
		if (!full)
			send_queued(loop, c);
		arm_recv(loop, c);
		if (full && c->flushing)
			c->grew = true;
		else if (full) /* after the receive: its result comes first */
			flush_later(loop, c);
	} else {
		c->free_ids[c->free_count++] = id;
		c->done = true; /* end of file, a reset, or the stop's cancel */
		if (result < 0 && result != -ECANCELED && result != -ECONNRESET)
			soak_server_error(c->server, result);
	}
	close_when_idle(c);
}

static void on_send(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct bundle_conn *c = op->context;
	unsigned count = rr_op_buffer_count(op);
	unsigned id = rr_op_buffer_id(op);
	long taken = 0;

	c->sending = false;
	for (unsigned i = 0; i < count; i++) {
		taken += c->queued_len[id];
		c->free_ids[c->free_count++] = id;
		if (i + 1 < count)
			id = rr_op_bundle_next(op, id);
	}
	bool stopping = atomic_load(&c->server->stop);
	if (result < 0) {
		c->done = true; /* the client went away: its receive ends too */
		if (c->receiving)
			rr_cancel(loop, &c->recv);
		if (result != -ECANCELED && result != -EPIPE && result != -ECONNRESET)
			soak_server_error(c->server, result);
	} else if (result != taken && !stopping) {
		fail(c, -EPROTO); /* a bundle that sent more or less than it took */
	} else {
		send_queued(loop, c);
		if (!c->receiving)
			arm_recv(loop, c); /* it waited for these buffers */
	}
	close_when_idle(c);
}

static void on_flush(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct bundle_conn *c = op->context;

	(void)result;
	c->flushing = false;
	if (c->grew && c->receiving && !c->done) /* the data still comes: wait a turn more */
		flush_later(loop, c);
	else
		send_queued(loop, c);
	close_when_idle(c);
}

int soak_bundle_start(struct soak_server *server, int slots)
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
		rr_op_init(&table[i].flush, on_flush, &table[i]);
		idle[i] = &table[slots - 1 - i];
	}
	idle_count = slots;
	return 0;
}

bool soak_bundle_accept(struct soak_server *server, int fd)
{
	if (!idle_count)
		return false;
	struct bundle_conn *c = idle[--idle_count];
	int ret = rr_buf_group_init_flags(&server->loop, &c->group, BUFFERS, BUFFER_SIZE,
					  RR_BUF_GROUP_SEND);
	if (ret < 0) {
		idle[idle_count++] = c;
		soak_server_error(server, ret);
		return false;
	}
	c->fd = fd;
	c->receiving = c->sending = c->flushing = c->done = false;
	c->free_count = BUFFERS;
	for (unsigned i = 0; i < BUFFERS; i++)
		c->free_ids[i] = BUFFERS - 1 - i;
	arm_recv(&server->loop, c);
	close_when_idle(c);
	return true;
}

void soak_bundle_stop(void)
{
	free(table);
	free(idle);
	table = NULL;
	idle = NULL;
}
