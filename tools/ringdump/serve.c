/*
 * `ringdump serve`: the HTTP server, on rawring's proactor loop.  Every
 * connection is one exchange: receive a request head, send one response,
 * shut down our side, read to the client's end, close; a deadline (RD_SERVE_TIMEOUT_MS) bounds the whole of it, so a
 * client that sends nothing, or reads nothing, costs a slot for at most
 * that long.  A timer samples fdinfo every RD_SERVE_RATE_MS for the rates,
 * and SIGINT or SIGTERM (read from a signalfd, as an op of the loop)
 * cancels every op, so that the loop ends with each callback run once and
 * everything freed.
 */
#define _GNU_SOURCE
#include "serve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rawring.h"
#include "serve_http.h"

#define MAX_RINGS 1024
#define ACCEPT_PAUSE_MS 100

struct server;

struct conn {
	struct server *server;
	int fd;
	struct rr_op io;       /* the receives, then the sends, then the close */
	struct rr_op deadline; /* the exchange's timer */
	bool expired;          /* the deadline passed, or the server stops: no further step */
	bool closed;           /* the close's callback ran */
	bool draining;         /* response sent: reading to the client's end */
	size_t got;            /* request bytes received */
	char *response;        /* head and body, malloc'd */
	size_t response_len, sent;
	struct conn *prev, *next;
	char request[RD_HTTP_HEAD_MAX];
};

struct server {
	struct rr_loop loop;
	const struct rd_serve_scope *scope;
	unsigned port;
	int listener, signal_fd;
	bool stopping;
	struct rr_op accept_op, signal_op, sample_op;
	struct rr_op accept_pause;  /* the wait before re-arming a failed accept */
	struct signalfd_siginfo siginfo;
	struct conn *conns;    /* every open connection */
	unsigned conn_count;
	unsigned long long requests;
	/* The rates: the last two samples and the rows between them. */
	struct rd_ring_sample *before, *now;
	int before_count;
	double before_time, interval_s;
	struct rd_activity *rows;
	int row_count;
	char *page;            /* rd_serve_page_parts joined */
	size_t page_len;
};

/* The fdinfo of the scope's rings (each pid's, or every process's). */
static int take_sample(const struct rd_serve_scope *scope, struct rd_ring_sample *samples)
{
	if (!scope->count)
		return rd_top_sample(0, samples, MAX_RINGS);
	int filled = 0;
	for (int i = 0; i < scope->count && filled < MAX_RINGS; i++) {
		int n = rd_top_sample(scope->pids[i], samples + filled, MAX_RINGS - filled);
		if (n > 0)
			filled += n;
	}
	return filled;
}

static void on_sample(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct server *s = op->context;

	if (result == -ECANCELED || s->stopping)
		return;
	int count = take_sample(s->scope, s->now);
	double time = rd_now_seconds();
	if (count >= 0) {
		s->interval_s = time - s->before_time;
		rd_top_rows(s->now, count, s->before, s->before_count, s->interval_s, s->rows);
		s->row_count = count;
		struct rd_ring_sample *swap = s->before;
		s->before = s->now;
		s->now = swap;
		s->before_count = count;
		s->before_time = time;
	}
	rr_timeout(loop, op, RD_SERVE_RATE_MS * 1000000ull, 0);
}

static void conn_free_when_done(struct conn *c)
{
	struct server *s = c->server;

	if (!c->closed || !rr_op_is_idle(&c->deadline))
		return;
	if (c->prev)
		c->prev->next = c->next;
	else
		s->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	s->conn_count--;
	free(c->response);
	free(c);
}

/* The exchange is over: stop the deadline, close the socket. */
static void conn_finish(struct conn *c)
{
	struct server *s = c->server;

	if (!rr_op_is_idle(&c->deadline))
		rr_cancel(&s->loop, &c->deadline); /* (-ENOENT: it fired meanwhile) */
	if (rr_close(&s->loop, &c->io, c->fd) < 0) {
		close(c->fd); /* the loop refused (deinit): close here */
		c->closed = true;
		conn_free_when_done(c);
	}
}

/* The response to a parsed head: the page, the snapshot, or the status's
 * own text; HEAD gets the head alone. */
static int conn_respond(struct conn *c, int status, const struct rd_http_request *request)
{
	struct server *s = c->server;
	char *body = NULL, text[96], head[768];
	size_t body_len = 0;
	const char *type = "text/plain; charset=utf-8";
	const char *from = text;

	if (status == 200 && request->route == RD_ROUTE_JSON) {
		FILE *json = open_memstream(&body, &body_len);
		if (!json || rd_serve_json(json, s->scope, s->rows, s->row_count,
					   s->interval_s) < 0)
			status = 500;
		if (json)
			fclose(json);
		type = "application/json";
		from = body;
	} else if (status == 200) {
		from = s->page;
		body_len = s->page_len;
		type = "text/html; charset=utf-8";
	}
	if (status != 200) {
		body_len = (size_t)snprintf(text, sizeof(text), "%d %s\n", status,
					    rd_http_reason(status));
		from = text;
		type = "text/plain; charset=utf-8";
	}
	int head_len = rd_http_response_head(head, sizeof(head), status, type, body_len);
	bool head_only = request->head;
	size_t total = (size_t)head_len + (head_only ? 0 : body_len);
	c->response = head_len < 0 ? NULL : malloc(total);
	if (c->response) {
		memcpy(c->response, head, (size_t)head_len);
		if (!head_only)
			memcpy(c->response + head_len, from, body_len);
		c->response_len = total;
	}
	free(body);
	s->requests++;
	return c->response ? 0 : -ENOMEM;
}

static void on_conn_io(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct conn *c = op->context;
	struct rd_http_request request = { .head = false, .route = RD_ROUTE_PAGE };

	switch (op->type) {
	case RR_OP_RECV: {
		if (result <= 0 || c->expired) {
			conn_finish(c);
			return;
		}
		if (c->draining) { /* what the client still sends is dropped */
			if (rr_recv(loop, op, c->fd, c->request, sizeof(c->request), 0) < 0)
				conn_finish(c);
			return;
		}
		c->got += (size_t)result;
		int status = rd_http_parse(c->request, c->got, c->server->port, &request);
		if (status == 0 && c->got < sizeof(c->request)) {
			if (rr_recv(loop, op, c->fd, c->request + c->got,
				    sizeof(c->request) - c->got, 0) < 0)
				conn_finish(c);
			return;
		}
		if (conn_respond(c, status ? status : 431, &request) < 0 ||
		    rr_send(loop, op, c->fd, c->response, c->response_len, MSG_NOSIGNAL) < 0)
			conn_finish(c);
		return;
	}
	case RR_OP_SEND:
		if (result <= 0 || c->expired) {
			conn_finish(c);
			return;
		}
		c->sent += (size_t)result;
		if (c->sent < c->response_len) {
			if (rr_send(loop, op, c->fd, c->response + c->sent,
				    c->response_len - c->sent, MSG_NOSIGNAL) < 0)
				conn_finish(c);
			return;
		}
		/* All sent: end our side and read to the client's end before
		 * closing.  Closing with its bytes unread (the rest of a head
		 * too long) would reset the connection, and a reset may
		 * destroy the response before the client reads it. */
		if (c->expired || rr_shutdown(loop, op, c->fd, SHUT_WR) < 0)
			conn_finish(c);
		return;
	case RR_OP_SHUTDOWN:
		c->draining = true;
		if (result < 0 || c->expired ||
		    rr_recv(loop, op, c->fd, c->request, sizeof(c->request), 0) < 0)
			conn_finish(c);
		return;
	default: /* RR_OP_CLOSE */
		c->closed = true;
		conn_free_when_done(c);
		return;
	}
}

static void on_conn_deadline(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct conn *c = op->context;

	if (result == -ETIME) {
		c->expired = true; /* a step already due finishes instead */
		if (!rr_op_is_idle(&c->io) && c->io.type != RR_OP_CLOSE)
			rr_cancel(loop, &c->io);
	}
	conn_free_when_done(c);
}

static void conn_open(struct server *s, int fd)
{
	struct conn *c = calloc(1, sizeof(*c));

	if (!c) {
		close(fd);
		return;
	}
	c->server = s;
	c->fd = fd;
	rr_op_init(&c->io, on_conn_io, c);
	rr_op_init(&c->deadline, on_conn_deadline, c);
	if (rr_recv(&s->loop, &c->io, fd, c->request, sizeof(c->request), 0) < 0) {
		close(fd);
		free(c);
		return;
	}
	c->next = s->conns;
	if (s->conns)
		s->conns->prev = c;
	s->conns = c;
	s->conn_count++;
	if (rr_timeout(&s->loop, &c->deadline, RD_SERVE_TIMEOUT_MS * 1000000ull, 0) < 0)
		rr_cancel(&s->loop, &c->io); /* no deadline: no exchange */
}

static void arm_accept(struct server *s)
{
	if (rr_accept_multishot(&s->loop, &s->accept_op, s->listener, SOCK_CLOEXEC) < 0)
		fprintf(stderr, "ringdump: serve: accept could not be re-armed\n");
}

static void on_accept_pause(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct server *s = op->context;

	(void)loop;
	if (result == -ETIME && !s->stopping)
		arm_accept(s);
}

static void on_accept(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct server *s = op->context;

	if (!rr_op_more(op) && !s->stopping) {
		/* A failed accept (EMFILE, ENFILE, ENOBUFS) leaves the
		 * connection in the backlog: armed again at once it would fail
		 * again at once, a busy loop.  A pause lets fds come free. */
		if (result < 0 && result != -ECANCELED)
			rr_timeout(loop, &s->accept_pause, ACCEPT_PAUSE_MS * 1000000ull, 0);
		else
			arm_accept(s);
	}
	if (result < 0)
		return;
	if (s->stopping || s->conn_count >= RD_SERVE_MAX_CONNS)
		close(result); /* over the limit: closed unanswered */
	else
		conn_open(s, result);
}

static void on_signal(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct server *s = op->context;

	(void)result;
	s->stopping = true;
	rr_cancel(loop, &s->accept_op);
	rr_cancel(loop, &s->accept_pause);
	rr_cancel(loop, &s->sample_op);
	for (struct conn *c = s->conns; c; c = c->next) {
		/* A step whose result is already due (its cancel too late)
		 * finishes instead of going on without a deadline. */
		c->expired = true;
		if (!rr_op_is_idle(&c->deadline))
			rr_cancel(loop, &c->deadline);
	}
	for (struct conn *c = s->conns; c; c = c->next)
		if (!rr_op_is_idle(&c->io) && c->io.type != RR_OP_CLOSE)
			rr_cancel(loop, &c->io);
}

static int listen_on_loopback(unsigned port, unsigned *bound)
{
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(addr);
	int one = 1;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(fd, 64) < 0 ||
	    getsockname(fd, (struct sockaddr *)&addr, &len) < 0) {
		int err = errno;
		close(fd);
		return -err;
	}
	*bound = ntohs(addr.sin_port);
	return fd;
}

/* SIGINT and SIGTERM as reads of a signalfd (blocked, so that they are
 * queued for it and do not kill the process). */
static int signal_reader(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	int fd = signalfd(-1, &set, SFD_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static int serve(struct server *s, FILE *announce)
{
	int ret = rr_loop_init(&s->loop, NULL);
	if (ret < 0) {
		fprintf(stderr, "ringdump: serve: no loop: %s\n", strerror(-ret));
		return ret;
	}
	s->before_count = take_sample(s->scope, s->before);
	if (s->before_count < 0)
		s->before_count = 0;
	s->before_time = rd_now_seconds();
	rd_top_rows(s->before, s->before_count, NULL, 0, 0, s->rows); /* no rates yet */
	s->row_count = s->before_count;
	rr_op_init(&s->accept_op, on_accept, s);
	rr_op_init(&s->accept_pause, on_accept_pause, s);
	rr_op_init(&s->signal_op, on_signal, s);
	rr_op_init(&s->sample_op, on_sample, s);
	if ((ret = rr_accept_multishot(&s->loop, &s->accept_op, s->listener, SOCK_CLOEXEC)) < 0 ||
	    (ret = rr_read(&s->loop, &s->signal_op, s->signal_fd, &s->siginfo,
			   sizeof(s->siginfo), -1)) < 0 ||
	    (ret = rr_timeout(&s->loop, &s->sample_op, RD_SERVE_RATE_MS * 1000000ull, 0)) < 0) {
		fprintf(stderr, "ringdump: serve: %s\n", strerror(-ret));
		rr_loop_deinit(&s->loop);
		return ret;
	}
	fprintf(announce, "ringdump: serving http://127.0.0.1:%u/ on rawring's %s loop "
			  "(Ctrl-C stops)\n", s->port, rr_loop_backend_name(&s->loop));
	fflush(announce);
	while ((ret = rr_loop_run(&s->loop, RR_RUN_UNTIL_DONE)) == -EINTR)
		;
	if (ret < 0)
		fprintf(stderr, "ringdump: serve: the loop: %s\n", strerror(-ret));
	rr_loop_deinit(&s->loop);
	return ret < 0 ? ret : 0;
}

static char *join_page(size_t *len)
{
	size_t total = 0;

	for (int i = 0; rd_serve_page_parts[i]; i++)
		total += strlen(rd_serve_page_parts[i]);
	char *page = malloc(total + 1);
	if (!page)
		return NULL;
	*len = 0;
	for (int i = 0; rd_serve_page_parts[i]; i++) {
		size_t n = strlen(rd_serve_page_parts[i]);
		memcpy(page + *len, rd_serve_page_parts[i], n);
		*len += n;
	}
	page[*len] = '\0';
	return page;
}

int rd_serve_run(const struct rd_serve_scope *scope, unsigned port, FILE *announce)
{
	struct server *s = calloc(1, sizeof(*s));
	int ret = -ENOMEM;

	if (!s)
		return ret;
	s->scope = scope;
	s->listener = s->signal_fd = -1;
	s->before = calloc(MAX_RINGS, sizeof(*s->before));
	s->now = calloc(MAX_RINGS, sizeof(*s->now));
	s->rows = calloc(MAX_RINGS, sizeof(*s->rows));
	s->page = join_page(&s->page_len);
	if (!s->before || !s->now || !s->rows || !s->page)
		goto done;
	ret = s->listener = listen_on_loopback(port, &s->port);
	if (ret < 0) {
		fprintf(stderr, "ringdump: serve: cannot listen on 127.0.0.1:%u: %s\n", port,
			strerror(-ret));
		goto done;
	}
	ret = s->signal_fd = signal_reader();
	if (ret < 0) {
		fprintf(stderr, "ringdump: serve: signalfd: %s\n", strerror(-ret));
		goto done;
	}
	ret = serve(s, announce);
done:
	if (s->listener >= 0)
		close(s->listener);
	if (s->signal_fd >= 0)
		close(s->signal_fd);
	free(s->before);
	free(s->now);
	free(s->rows);
	free(s->page);
	free(s);
	return ret;
}
