/*
 * The soak's echo server: a multishot accept, and per connection one op
 * that cycles recv → send (all of it) → recv until the client hangs up.
 * The connection table is allocated once; nothing is allocated per op.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../examples/example_support.h"
#include "soak.h"

struct server_conn {
	struct rr_op op;
	struct soak_server *server;
	int fd;
	bool sending;
	unsigned char buf[SOAK_MAX_MESSAGE];
};

static struct server_conn *table;
static struct server_conn *idle[SOAK_MAX_CONNS * 2];
static int idle_count;
static struct rr_op accept_op;
static pthread_t thread;
static enum soak_echo echo; /* --group: soak_group.c echoes, --bundle: soak_bundle.c */

void soak_server_error(struct soak_server *server, int err)
{
	if (err < 0 && err != -ESHUTDOWN && !server->error)
		server->error = err;
}

static void conn_step(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct server_conn *c = op->context;

	if (result <= 0 || atomic_load(&c->server->stop)) {
		close(c->fd); /* the client hung up, or the soak is over */
		c->fd = -1;
		idle[idle_count++] = c;
		return;
	}
	/* After a recv, echo what came; after the send, receive again. */
	c->sending = !c->sending;
	soak_server_error(c->server, c->sending
		? rr_send(loop, op, c->fd, c->buf, (size_t)result, MSG_WAITALL)
		: rr_recv(loop, op, c->fd, c->buf, sizeof(c->buf), 0));
}

static void on_accept(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct soak_server *server = op->context;

	if (result >= 0) {
		if (atomic_load(&server->stop)) {
			close(result);
		} else if (echo == SOAK_ECHO_GROUP) {
			if (!soak_group_accept(server, result))
				close(result);
		} else if (echo == SOAK_ECHO_BUNDLE) {
			if (!soak_bundle_accept(server, result))
				close(result);
		} else if (!idle_count) {
			close(result);
		} else {
			struct server_conn *c = idle[--idle_count];
			c->fd = result;
			c->sending = false;
			soak_server_error(server, rr_recv(loop, &c->op, c->fd, c->buf,
						     sizeof(c->buf), 0));
		}
	} else if (result != -ECANCELED) {
		soak_server_error(server, result);
	}
	if (!rr_op_more(op) && !atomic_load(&server->stop))
		soak_server_error(server, rr_accept_multishot(loop, op, server->listener,
							 SOCK_CLOEXEC));
}

static void on_stop(struct rr_loop *loop, struct rr_async *async)
{
	(void)async;
	rr_cancel(loop, &accept_op);
}

static void *serve(void *arg)
{
	struct soak_server *server = arg;

	/* What is left in flight at the stop is deinit's to cancel. */
	while (!atomic_load(&server->stop)) {
		int ret = rr_loop_run(&server->loop, RR_RUN_ONCE);
		if (ret < 0 && ret != -EINTR) {
			soak_server_error(server, ret);
			break;
		}
	}
	return NULL;
}

int soak_server_start(struct soak_server *server, const struct soak_config *config)
{
	int slots = config->connections * 2; /* a closing one and its successor */

	memset(server, 0, sizeof(*server));
	table = calloc((size_t)slots, sizeof(*table));
	if (!table)
		return -ENOMEM;
	for (int i = 0; i < slots; i++) {
		table[i].server = server;
		table[i].fd = -1;
		rr_op_init(&table[i].op, conn_step, &table[i]);
		idle[i] = &table[slots - 1 - i];
	}
	idle_count = slots;
	server->listener = example_listen(0, &server->port);
	if (server->listener < 0)
		return server->listener;
	int ret = rr_loop_init(&server->loop, &config->options);
	if (ret < 0)
		return ret;
	echo = config->echo;
	if (echo == SOAK_ECHO_GROUP && (ret = soak_group_start(server, slots)) < 0)
		return ret;
	if (echo == SOAK_ECHO_BUNDLE && (ret = soak_bundle_start(server, slots)) < 0)
		return ret;
	rr_async_init(&server->loop, &server->stop_async, on_stop, server);
	rr_op_init(&accept_op, on_accept, server);
	ret = rr_accept_multishot(&server->loop, &accept_op, server->listener, SOCK_CLOEXEC);
	if (ret == 0)
		ret = -pthread_create(&thread, NULL, serve, server);
	return ret;
}

void soak_server_stop(struct soak_server *server)
{
	atomic_store(&server->stop, true);
	rr_async_send(&server->stop_async);
	pthread_join(thread, NULL);
	/* deinit cancels what is still in flight; every callback closes its
	 * connection's fd. */
	rr_loop_deinit(&server->loop);
	if (echo == SOAK_ECHO_GROUP)
		soak_group_stop();
	if (echo == SOAK_ECHO_BUNDLE)
		soak_bundle_stop();
	close(server->listener);
	free(table);
	table = NULL;
}
