/*
 * The liburing reference, written the way liburing's documentation
 * recommends for network servers: SINGLE_ISSUER + DEFER_TASKRUN (falling
 * back to a plain ring where the kernel lacks them), one multishot accept,
 * one multishot recv per connection drawing from a provided-buffer ring,
 * a send of each received buffer (in order, one in flight per connection),
 * the buffer handed back when its send completes, and one
 * io_uring_submit_and_wait per loop iteration.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "echo_bench.h"

#ifndef HAVE_LIBURING

bool echo_liburing_available(void)
{
	return false;
}

int echo_serve_liburing(int listener)
{
	(void)listener;
	return -ENOSYS;
}

#else

#include <liburing.h>

enum {
	ENTRIES = 4096,
	BUFFERS = 2048,          /* a power of two */
	GROUP = 0,
	MAX_FD = 8192,
	QUEUE = 64,              /* buffers waiting to be sent, per connection */
};
enum kind { ACCEPT = 1, RECV, SEND };

struct pending { unsigned short bid; unsigned len; };

struct conn {
	bool open, sending;
	unsigned head, count;    /* the send queue */
	unsigned offset;         /* of the head buffer, after a short send */
	struct pending queue[QUEUE];
};

static struct io_uring ring;
static struct io_uring_buf_ring *buf_ring;
static char *buffers;
static struct conn *conns;

static uint64_t tag(enum kind kind, int fd)
{
	return (uint64_t)kind << 32 | (uint32_t)fd;
}

static struct io_uring_sqe *sqe_for(void)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

	if (!sqe) { /* full: submit what is there and take the freed slot */
		io_uring_submit(&ring);
		sqe = io_uring_get_sqe(&ring);
	}
	return sqe;
}

static void arm_accept(int listener)
{
	struct io_uring_sqe *sqe = sqe_for();

	io_uring_prep_multishot_accept(sqe, listener, NULL, NULL, SOCK_CLOEXEC);
	io_uring_sqe_set_data64(sqe, tag(ACCEPT, listener));
}

static void arm_recv(int fd)
{
	struct io_uring_sqe *sqe = sqe_for();

	io_uring_prep_recv_multishot(sqe, fd, NULL, 0, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = GROUP;
	io_uring_sqe_set_data64(sqe, tag(RECV, fd));
}

static void give_back(unsigned short bid)
{
	io_uring_buf_ring_add(buf_ring, buffers + (size_t)bid * ECHO_BUFFER, ECHO_BUFFER,
			      bid, io_uring_buf_ring_mask(BUFFERS), 0);
	io_uring_buf_ring_advance(buf_ring, 1);
}

static void send_head(int fd)
{
	struct conn *c = &conns[fd];
	struct pending *p = &c->queue[c->head];
	struct io_uring_sqe *sqe = sqe_for();

	io_uring_prep_send(sqe, fd, buffers + (size_t)p->bid * ECHO_BUFFER + c->offset,
			   p->len - c->offset, MSG_NOSIGNAL);
	io_uring_sqe_set_data64(sqe, tag(SEND, fd));
	c->sending = true;
}

static void close_conn(int fd)
{
	struct conn *c = &conns[fd];

	if (c->sending) /* the send's completion frees the rest */
		return;
	while (c->count) {
		give_back(c->queue[c->head].bid);
		c->head = (c->head + 1) % QUEUE;
		c->count--;
	}
	c->open = false;
	close(fd);
}

static void on_recv(int fd, int res, unsigned flags)
{
	struct conn *c = &conns[fd];

	if (res > 0) {
		unsigned short bid = (unsigned short)(flags >> IORING_CQE_BUFFER_SHIFT);
		if (c->count == QUEUE) {
			give_back(bid);
			c->open = false;
			close_conn(fd);
			return;
		}
		c->queue[(c->head + c->count) % QUEUE] = (struct pending){ bid, (unsigned)res };
		if (c->count++ == 0) {
			c->offset = 0;
			send_head(fd);
		}
	}
	if (flags & IORING_CQE_F_MORE)
		return;
	if (res > 0 || res == -ENOBUFS)
		arm_recv(fd); /* the multishot ended early: arm it again */
	else {
		c->open = false;
		close_conn(fd);
	}
}

static void on_send(int fd, int res)
{
	struct conn *c = &conns[fd];
	struct pending *p = &c->queue[c->head];

	c->sending = false;
	if (res > 0 && c->offset + (unsigned)res < p->len && c->open) {
		c->offset += (unsigned)res;
		send_head(fd);
		return;
	}
	give_back(p->bid);
	c->head = (c->head + 1) % QUEUE;
	c->count--;
	c->offset = 0;
	if (res < 0 || !c->open) {
		c->open = false;
		close_conn(fd);
		return;
	}
	if (c->count)
		send_head(fd);
}

static int setup(void)
{
	struct io_uring_params params;

	memset(&params, 0, sizeof(params));
	params.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
	if (io_uring_queue_init_params(ENTRIES, &ring, &params) < 0) {
		memset(&params, 0, sizeof(params));
		int ret = io_uring_queue_init_params(ENTRIES, &ring, &params);
		if (ret < 0)
			return ret;
	}
	size_t ring_bytes = BUFFERS * sizeof(struct io_uring_buf);
	buf_ring = mmap(NULL, ring_bytes, PROT_READ | PROT_WRITE,
			MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
	/* Page-aligned, as rawring's buffer groups are: a receive buffer 16
	 * bytes past a page boundary (what malloc gives) makes the kernel's
	 * copy from page-aligned socket data several times slower here. */
	buffers = mmap(NULL, (size_t)BUFFERS * ECHO_BUFFER, PROT_READ | PROT_WRITE,
		       MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
	conns = calloc(MAX_FD, sizeof(*conns));
	if (buf_ring == MAP_FAILED || buffers == MAP_FAILED || !conns)
		return -ENOMEM;
	struct io_uring_buf_reg reg = { .ring_addr = (unsigned long)buf_ring,
					.ring_entries = BUFFERS, .bgid = GROUP };
	int ret = io_uring_register_buf_ring(&ring, &reg, 0);
	if (ret < 0)
		return ret;
	io_uring_buf_ring_init(buf_ring);
	for (unsigned short bid = 0; bid < BUFFERS; bid++)
		io_uring_buf_ring_add(buf_ring, buffers + (size_t)bid * ECHO_BUFFER,
				      ECHO_BUFFER, bid, io_uring_buf_ring_mask(BUFFERS), bid);
	io_uring_buf_ring_advance(buf_ring, BUFFERS);
	return 0;
}

bool echo_liburing_available(void)
{
	return true;
}

int echo_serve_liburing(int listener)
{
	int ret = setup();

	if (ret < 0)
		return ret;
	arm_accept(listener);
	for (;;) {
		struct io_uring_cqe *cqe;
		unsigned head, seen = 0;

		ret = io_uring_submit_and_wait(&ring, 1);
		if (ret < 0 && ret != -EINTR)
			return ret;
		io_uring_for_each_cqe(&ring, head, cqe) {
			int fd = (int)(uint32_t)cqe->user_data;
			seen++;
			switch ((enum kind)(cqe->user_data >> 32)) {
			case ACCEPT:
				if (!(cqe->flags & IORING_CQE_F_MORE))
					arm_accept(listener);
				if (cqe->res < 0)
					break;
				if (cqe->res >= MAX_FD) {
					close(cqe->res);
					break;
				}
				echo_nodelay(cqe->res);
				conns[cqe->res] = (struct conn){ .open = true };
				arm_recv(cqe->res);
				break;
			case RECV:
				on_recv(fd, cqe->res, cqe->flags);
				break;
			case SEND:
				on_send(fd, cqe->res);
				break;
			}
		}
		io_uring_cq_advance(&ring, seen);
	}
}

#endif
