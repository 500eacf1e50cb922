/*
 * The libuv reference, as libuv's guide writes a TCP echo server, with its
 * allocations taken out of the data path: each connection owns its read
 * buffer and its write request; uv_try_write answers at once when the
 * socket takes the bytes, uv_write (with reading paused until it is done)
 * when it does not.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "echo_bench.h"

#ifndef HAVE_LIBUV

bool echo_libuv_available(void)
{
	return false;
}

int echo_serve_libuv(int listener)
{
	(void)listener;
	return -ENOSYS;
}

#else

#include <uv.h>

struct conn {
	uv_tcp_t tcp;
	uv_write_t write;
	char buf[ECHO_BUFFER];
};

static void on_closed(uv_handle_t *handle)
{
	free(handle->data);
}

static void on_alloc(uv_handle_t *handle, size_t suggested, uv_buf_t *buf)
{
	struct conn *c = handle->data;

	(void)suggested;
	*buf = uv_buf_init(c->buf, sizeof(c->buf));
}

static void on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf);

static void on_written(uv_write_t *req, int status)
{
	struct conn *c = req->data;

	if (status < 0) {
		uv_close((uv_handle_t *)&c->tcp, on_closed);
		return;
	}
	uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
}

static void on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf)
{
	struct conn *c = stream->data;

	if (nread == 0)
		return;
	if (nread < 0) {
		uv_close((uv_handle_t *)&c->tcp, on_closed);
		return;
	}
	uv_buf_t out = uv_buf_init(buf->base, (unsigned)nread);
	int sent = uv_try_write(stream, &out, 1);
	if (sent == nread)
		return;
	if (sent < 0 && sent != UV_EAGAIN) {
		uv_close((uv_handle_t *)&c->tcp, on_closed);
		return;
	}
	if (sent > 0) {
		out.base += sent;
		out.len -= (size_t)sent;
	}
	/* The rest goes out with uv_write; reading waits, since the buffer
	 * is the connection's only one. */
	uv_read_stop(stream);
	c->write.data = c;
	uv_write(&c->write, stream, &out, 1, on_written);
}

static void on_connection(uv_stream_t *server, int status)
{
	if (status < 0)
		return;
	struct conn *c = malloc(sizeof(*c));
	if (!c)
		return;
	uv_tcp_init(server->loop, &c->tcp);
	c->tcp.data = c;
	if (uv_accept(server, (uv_stream_t *)&c->tcp) < 0) {
		uv_close((uv_handle_t *)&c->tcp, on_closed);
		return;
	}
	uv_tcp_nodelay(&c->tcp, 1);
	uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
}

bool echo_libuv_available(void)
{
	return true;
}

int echo_serve_libuv(int listener)
{
	uv_loop_t *loop = uv_default_loop();
	uv_tcp_t server;

	uv_tcp_init(loop, &server);
	int ret = uv_tcp_open(&server, listener);
	if (ret == 0)
		ret = uv_listen((uv_stream_t *)&server, 4096, on_connection);
	if (ret < 0)
		return ret;
	return uv_run(loop, UV_RUN_DEFAULT);
}

#endif
