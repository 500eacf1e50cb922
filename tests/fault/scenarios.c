/*
 * The scenarios the walks run: small real jobs, each of which sets
 * sc->completed only when its result checks out, and on any error cancels
 * what is left so that it ends.
 */
#define _GNU_SOURCE
#include "scenarios.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../helpers.h"

/* ---- setup: one NOP --------------------------------------------------------- */

static void nop_done(struct scenario *sc, int index, int result)
{
	(void)index;
	if (result < 0)
		sc_error(sc, result);
	else
		sc->completed = true;
}

void scenario_setup(struct scenario *sc)
{
	if (sc_scheduled(sc, 0, rr_nop(&sc->loop, sc_op(sc, 0, nop_done))))
		sc_drive(sc, &sc->completed);
}

/* ---- echo: connect, send, accept, recv, echo back, verify ---------------------- */

#define ECHO_BYTES 4096

enum { ECHO_ACCEPT, ECHO_CONNECT, ECHO_CLIENT_SEND, ECHO_SERVER_RECV,
       ECHO_SERVER_SEND, ECHO_CLIENT_RECV };

struct echo {
	int listener, client, server;
	struct sockaddr_in addr;
	unsigned char out[ECHO_BYTES], mid[ECHO_BYTES], back[ECHO_BYTES];
};

/* End the scenario after an error: cancel what waits, and hang up. */
static void echo_abort(struct scenario *sc, int err)
{
	struct echo *e = sc->data;

	sc_error(sc, err);
	if (sc->aborted)
		return;
	sc_cancel_all(sc);
	shutdown(e->client, SHUT_RDWR);
	if (e->server >= 0)
		shutdown(e->server, SHUT_RDWR);
}

static void echo_step(struct scenario *sc, int index, int result)
{
	struct echo *e = sc->data;
	struct rr_loop *loop = &sc->loop;
	bool whole = result == ECHO_BYTES;

	/* An accepted connection is ours to close, aborted or not. */
	if (index == ECHO_ACCEPT && result >= 0)
		e->server = result;
	if (result < 0 || (index != ECHO_ACCEPT && index != ECHO_CONNECT && !whole)) {
		echo_abort(sc, result < 0 ? result : -EPIPE);
		return;
	}
	if (sc->aborted)
		return;
	switch (index) {
	case ECHO_CONNECT:
		sc_scheduled(sc, ECHO_CLIENT_SEND,
			     rr_send(loop, sc_op(sc, ECHO_CLIENT_SEND, echo_step),
				     e->client, e->out, ECHO_BYTES, MSG_WAITALL));
		break;
	case ECHO_ACCEPT:
		sc_scheduled(sc, ECHO_SERVER_RECV,
			     rr_recv(loop, sc_op(sc, ECHO_SERVER_RECV, echo_step),
				     e->server, e->mid, ECHO_BYTES, MSG_WAITALL));
		break;
	case ECHO_SERVER_RECV:
		sc_scheduled(sc, ECHO_SERVER_SEND,
			     rr_send(loop, sc_op(sc, ECHO_SERVER_SEND, echo_step),
				     e->server, e->mid, ECHO_BYTES, MSG_WAITALL));
		break;
	case ECHO_CLIENT_SEND:
		sc_scheduled(sc, ECHO_CLIENT_RECV,
			     rr_recv(loop, sc_op(sc, ECHO_CLIENT_RECV, echo_step),
				     e->client, e->back, ECHO_BYTES, MSG_WAITALL));
		break;
	case ECHO_CLIENT_RECV:
		sc->completed = memcmp(e->out, e->back, ECHO_BYTES) == 0;
		break;
	default:
		break;
	}
}

void scenario_echo(struct scenario *sc)
{
	static struct echo e;
	uint16_t port;

	e.listener = listen_loopback(&port);
	e.client = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	e.server = -1;
	e.addr = loopback_addr(port);
	for (size_t i = 0; i < ECHO_BYTES; i++)
		e.out[i] = pattern_byte(7, i);
	sc->data = &e;

	int ret = rr_accept(&sc->loop, sc_op(sc, ECHO_ACCEPT, echo_step), e.listener,
			    NULL, NULL, SOCK_CLOEXEC);
	if (sc_scheduled(sc, ECHO_ACCEPT, ret)) {
		ret = rr_connect(&sc->loop, sc_op(sc, ECHO_CONNECT, echo_step), e.client,
				 (struct sockaddr *)&e.addr, sizeof(e.addr));
		if (!sc_scheduled(sc, ECHO_CONNECT, ret))
			sc_cancel_all(sc);
		sc_drive(sc, &sc->completed);
	}
	/* The loop is still alive here: ops it holds are collected by deinit
	 * (cancelled), so only this scenario's own fds are closed. */
	close(e.client);
	close(e.listener);
	if (e.server >= 0)
		close(e.server);
}

/* ---- file: copy 64 KiB in four chunks, fsync, read past EOF ------------------- */

#define FILE_CHUNK 16384
#define FILE_CHUNKS 4

enum { FILE_READ0 = 0, FILE_WRITE0 = FILE_CHUNKS, FILE_FSYNC = 2 * FILE_CHUNKS,
       FILE_PAST_EOF };

struct copy {
	int src, dst;
	int writes_done;
	bool eof_ok, synced;
	unsigned char chunks[FILE_CHUNKS][FILE_CHUNK];
	unsigned char check[FILE_CHUNK];
	unsigned char eof_buf[64];
};

static void copy_abort(struct scenario *sc, int err)
{
	sc_error(sc, err);
	if (!sc->aborted)
		sc_cancel_all(sc);
}

static void copy_step(struct scenario *sc, int index, int result)
{
	struct copy *c = sc->data;

	if (index == FILE_PAST_EOF) {
		if (result != 0)
			copy_abort(sc, result < 0 ? result : -EIO);
		c->eof_ok = result == 0;
	} else if (result < 0 || (index < FILE_FSYNC && result != FILE_CHUNK)) {
		copy_abort(sc, result < 0 ? result : -EIO);
		return;
	}
	if (sc->aborted)
		return;
	if (index < FILE_WRITE0) {
		int w = FILE_WRITE0 + index;
		sc_scheduled(sc, w, rr_write(&sc->loop, sc_op(sc, w, copy_step), c->dst,
					     c->chunks[index], FILE_CHUNK,
					     (int64_t)index * FILE_CHUNK));
	} else if (index < FILE_FSYNC && ++c->writes_done == FILE_CHUNKS) {
		sc_scheduled(sc, FILE_FSYNC, rr_fsync(&sc->loop,
						      sc_op(sc, FILE_FSYNC, copy_step), c->dst));
	} else if (index == FILE_FSYNC) {
		c->synced = true;
	}
	if (!c->synced || !c->eof_ok)
		return;
	for (int i = 0; i < FILE_CHUNKS; i++) {
		if (pread(c->dst, c->check, FILE_CHUNK, (off_t)i * FILE_CHUNK) != FILE_CHUNK)
			return;
		for (size_t b = 0; b < FILE_CHUNK; b++)
			if (c->check[b] != pattern_byte(3, (uint64_t)i * FILE_CHUNK + b))
				return;
	}
	sc->completed = true;
}

void scenario_file(struct scenario *sc)
{
	static struct copy c;

	c.src = temp_file(FILE_CHUNK * FILE_CHUNKS, 3, NULL, 0);
	c.dst = temp_file(0, 0, NULL, 0);
	c.writes_done = 0;
	c.eof_ok = c.synced = false;
	sc->data = &c;

	bool ok = true;
	for (int i = 0; ok && i < FILE_CHUNKS; i++)
		ok = sc_scheduled(sc, i, rr_read(&sc->loop, sc_op(sc, i, copy_step), c.src,
						 c.chunks[i], FILE_CHUNK,
						 (int64_t)i * FILE_CHUNK));
	if (ok)
		ok = sc_scheduled(sc, FILE_PAST_EOF,
				  rr_read(&sc->loop, sc_op(sc, FILE_PAST_EOF, copy_step),
					  c.src, c.eof_buf, sizeof(c.eof_buf),
					  FILE_CHUNK * FILE_CHUNKS));
	if (!ok)
		sc_cancel_all(sc);
	sc_drive(sc, &sc->completed);
	close(c.src);
	close(c.dst);
}

/* ---- timers: three fire in deadline order, a fourth is cancelled --------------- */

struct timers {
	int fired[3];
	int count;
	bool cancelled;
};

static void timer_step(struct scenario *sc, int index, int result)
{
	struct timers *t = sc->data;

	if (index == 3) {
		t->cancelled = result == -ECANCELED;
		if (!t->cancelled)
			sc_error(sc, result < 0 ? result : -EIO);
	} else if (result != -ETIME) {
		sc_error(sc, result < 0 ? result : -EIO);
	} else if (t->count < 3) {
		t->fired[t->count++] = index;
	}
	if (t->count == 3 && t->cancelled)
		sc->completed = t->fired[0] == 1 && t->fired[1] == 2 && t->fired[2] == 0;
}

void scenario_timers(struct scenario *sc)
{
	static struct timers t;
	static const uint64_t after_ms[4] = { 3, 1, 2, 5000 };
	bool ok = true;

	memset(&t, 0, sizeof(t));
	sc->data = &t;
	for (int i = 0; ok && i < 4; i++)
		ok = sc_scheduled(sc, i, rr_timeout(&sc->loop, sc_op(sc, i, timer_step),
						    after_ms[i] * 1000000u, 0));
	int ret = ok ? rr_cancel(&sc->loop, &sc->ops[3].op) : -ECANCELED;
	if (ret < 0) {
		sc_error(sc, ret);
		sc_cancel_all(sc);
	}
	sc_drive(sc, &sc->completed);
}

/* ---- cancel: an idle recv and an idle accept are cancelled --------------------- */

struct cancels {
	int pair[2];
	int listener;
	unsigned char byte;
	int cancelled;
};

static void cancel_step(struct scenario *sc, int index, int result)
{
	struct cancels *c = sc->data;

	if (index == 0) { /* the NOP: both are in flight now */
		if (result < 0)
			sc_error(sc, result);
		for (int i = 1; i <= 2; i++) {
			int ret = rr_cancel(&sc->loop, &sc->ops[i].op);
			if (ret < 0 && ret != -ENOENT) { /* try again, harder */
				sc_error(sc, ret);
				sc_cancel_all(sc);
			}
		}
		return;
	}
	if (result == -ECANCELED)
		c->cancelled++;
	else
		sc_error(sc, result < 0 ? result : -EIO);
	sc->completed = c->cancelled == 2;
}

void scenario_cancel(struct scenario *sc)
{
	static struct cancels c;
	uint16_t port;

	memset(&c, 0, sizeof(c));
	stream_pair(c.pair);
	c.listener = listen_loopback(&port);
	sc->data = &c;
	bool ok = sc_scheduled(sc, 1, rr_recv(&sc->loop, sc_op(sc, 1, cancel_step),
					      c.pair[0], &c.byte, 1, 0)) &&
		  sc_scheduled(sc, 2, rr_accept(&sc->loop, sc_op(sc, 2, cancel_step),
						c.listener, NULL, NULL, SOCK_CLOEXEC)) &&
		  sc_scheduled(sc, 0, rr_nop(&sc->loop, sc_op(sc, 0, cancel_step)));
	if (!ok)
		sc_cancel_all(sc);
	sc_drive(sc, &sc->completed);
	close(c.pair[0]);
	close(c.pair[1]);
	close(c.listener);
}

/* ---- bundle: three queued buffers in one send bundle, received whole ------------ */

#define BUNDLE_SIZE 1024
#define BUNDLE_BUFFERS 3

enum { BUNDLE_SEND, BUNDLE_RECV };

struct bundle {
	int pair[2];
	struct rr_buf_group group;
	bool sent, received;
	unsigned char back[BUNDLE_BUFFERS * BUNDLE_SIZE];
};

static void bundle_abort(struct scenario *sc, int err)
{
	struct bundle *b = sc->data;

	sc_error(sc, err);
	if (sc->aborted)
		return;
	sc_cancel_all(sc);
	shutdown(b->pair[1], SHUT_RDWR);
}

static void bundle_step(struct scenario *sc, int index, int result)
{
	struct bundle *b = sc->data;
	struct rr_op *op = &sc->ops[index].op;

	if (index == BUNDLE_SEND) {
		/* Whatever the result, a bundle that took its buffers gives all
		 * three back, in the order they were queued. */
		unsigned count = rr_op_buffer_count(op);
		unsigned id = rr_op_buffer_id(op);
		bool order = count == 0 || count == BUNDLE_BUFFERS;
		for (unsigned i = 0; order && i < count; i++) {
			order = id == 2 - i;
			if (i + 1 < count)
				id = rr_op_bundle_next(op, id);
		}
		if (!order || (result >= 0 && count != BUNDLE_BUFFERS)) {
			bundle_abort(sc, -EPROTO);
			return;
		}
		b->sent = result == BUNDLE_BUFFERS * BUNDLE_SIZE;
	} else {
		b->received = result == BUNDLE_BUFFERS * BUNDLE_SIZE;
	}
	if (result < 0 || (index == BUNDLE_SEND && !b->sent) ||
	    (index == BUNDLE_RECV && !b->received)) {
		bundle_abort(sc, result < 0 ? result : -EPIPE);
		return;
	}
	if (b->sent && b->received) {
		bool same = true;
		for (unsigned i = 0; i < BUNDLE_BUFFERS * BUNDLE_SIZE; i++)
			same = same && b->back[i] == pattern_byte(2 - i / BUNDLE_SIZE,
								   i % BUNDLE_SIZE);
		sc->completed = same;
	}
}

void scenario_bundle(struct scenario *sc)
{
	static struct bundle b;

	memset(&b, 0, sizeof(b));
	stream_pair(b.pair);
	sc->data = &b;
	int ret = rr_buf_group_init_flags(&sc->loop, &b.group, 4, BUNDLE_SIZE,
					  RR_BUF_GROUP_SEND);
	if (ret < 0) {
		sc_error(sc, ret);
	} else {
		/* Buffers 2, 1, 0 in that order, each with its own pattern. */
		for (unsigned k = 0; k < BUNDLE_BUFFERS; k++) {
			unsigned id = 2 - k;
			unsigned char *p = rr_buf_group_buffer(&b.group, id);
			for (unsigned i = 0; i < BUNDLE_SIZE; i++)
				p[i] = pattern_byte(id, i);
			rr_buf_group_queue(&b.group, id, BUNDLE_SIZE);
		}
		bool ok = sc_scheduled(sc, BUNDLE_RECV,
				       rr_recv(&sc->loop, sc_op(sc, BUNDLE_RECV, bundle_step),
					       b.pair[1], b.back, sizeof(b.back), MSG_WAITALL)) &&
			  sc_scheduled(sc, BUNDLE_SEND,
				       rr_send_bundle(&sc->loop, sc_op(sc, BUNDLE_SEND, bundle_step),
						      b.pair[0], &b.group, 0));
		if (!ok)
			sc_cancel_all(sc);
		sc_drive(sc, &sc->completed);
	}
	close(b.pair[0]);
	close(b.pair[1]);
}
