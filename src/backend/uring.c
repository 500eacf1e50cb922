/*
 * The io_uring backend: the kernel performs every operation.  One SQE per
 * op with the op's address as user_data; each turn's CQEs are reported to
 * the core, which runs the callbacks after the walk.  A wake-up is an eventfd
 * with a read always armed in the ring.  An IOPOLL loop has a second ring,
 * created with IORING_SETUP_IOPOLL, for ops marked RR_OP_F_POLLED; it is
 * polled, never slept on.
 */
#define _GNU_SOURCE
#include <assert.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "../common/clock.h"
#include "../common/fault.h"
#include "../loop/backend.h"
#include "rawring.h"
#include "uring_prep.h"

/* user_data values that are not op pointers (ops are 8-byte aligned):
 * the armed eventfd read, SQEs whose CQE is ignored (cancel requests,
 * sent messages), and a wake-up message posted by another loop. */
#define TAG_WAKE 1u
#define TAG_IGNORE 2u
#define TAG_MESSAGE 3u

#define DEFAULT_ENTRIES 256u
#define DEFAULT_SQPOLL_IDLE_MS 1000u
/* CQ entries per SQ entry: long-lived ops (idle recvs) can hold many more
 * results in flight than the SQ has slots. */
#define CQ_PER_SQ 4u

/* This backend's private op flag (the bits backend.h reserves for it): a
 * send bundle, whose every CQE reap hands to report_flagged, the ones
 * without flags too (a resend that failed before it took a buffer). */
#define OPF_ALL_CQES RR_OP_F_BACKEND_1

#define HELD_CQES 256u /* past that, the walk stops at a due op and waits a turn */

struct uring_state {
	struct rr_ring ring;
	struct rr_ring polled;      /* IOPOLL loops only */
	bool has_polled;
	unsigned polled_in_flight;
	int wake_fd;
	uint64_t wake_value;        /* the armed eventfd read lands here */
	bool wake_armed;
	bool has_msg_ring;          /* IORING_OP_MSG_RING (5.18) */
	bool has_bundles;           /* IORING_FEAT_RECVSEND_BUNDLE (6.10) */
	bool deferred;              /* SINGLE_ISSUER + DEFER_TASKRUN */
	bool disabled;              /* R_DISABLED: enabled by the first turn */
	_Atomic uint64_t wake_writes; /* eventfd writes by rr_loop_wake, any thread */
	struct rr_op *unpublished;  /* send bundles prepared, buffers not yet published */
	/* CQEs the walk met for an op whose previous result was still due
	 * (a multishot op's second result in one walk), held in CQ order so
	 * that the walk goes on past them; reported first at the next reap. */
	unsigned held_count;
	struct held_cqe {
		uint64_t user_data;
		int32_t res;
		uint32_t flags;
		/* A group receive's: its buffers, counted off the group's ring
		 * as the walk met it (the ring's order is the CQ's), and
		 * whether it left the group dry (bundle_ran_dry). */
		bool ran_dry;
		struct rr_op_group_io received;
	} held[HELD_CQES];
};

static struct uring_state *state_of(const struct rr_loop *loop)
{
	return loop->backend_state;
}

static int setup_main_ring(struct uring_state *st,
			   const struct rr_loop_options *options)
{
	struct io_uring_params params;
	unsigned entries = options->entries ? options->entries : DEFAULT_ENTRIES;

	memset(&params, 0, sizeof(params));
	params.flags = IORING_SETUP_CQSIZE | IORING_SETUP_CLAMP;
	params.cq_entries = entries * CQ_PER_SQ;
	if (options->sqpoll) {
		params.flags |= IORING_SETUP_SQPOLL;
		params.sq_thread_idle = options->sqpoll_idle_ms
						? options->sqpoll_idle_ms
						: DEFAULT_SQPOLL_IDLE_MS;
		if (options->sqpoll_cpu >= 0) {
			params.flags |= IORING_SETUP_SQ_AFF;
			params.sq_thread_cpu = (unsigned)options->sqpoll_cpu;
		}
		int ret = rr_ring_init_params(entries, &st->ring, &params);
		if (ret < 0)
			return ret;
	} else {
		int ret = -EINVAL;
		if (options->single_issuer) {
			/* Completion work runs only when the one thread that
			 * turns the loop waits; the ring starts disabled so that
			 * thread, not this one, becomes its submitter (the first
			 * turn enables it).  TASKRUN_FLAG: rr_submit then knows
			 * when deferred work waits for a GETEVENTS enter. */
			struct io_uring_params deferred = params;
			deferred.flags |= IORING_SETUP_SINGLE_ISSUER |
					  IORING_SETUP_DEFER_TASKRUN |
					  IORING_SETUP_R_DISABLED |
					  IORING_SETUP_TASKRUN_FLAG;
			ret = rr_ring_init_params(entries, &st->ring, &deferred);
			if (ret == 0)
				st->deferred = st->disabled = true;
			else if (ret != -EINVAL)
				return ret;
		}
		if (ret < 0) {
			/* Completion work runs at our next enter instead of by
			 * IPI (dropped where the kernel lacks it). */
			params.flags |= IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG;
			ret = rr_ring_init_preferred(entries, &st->ring, &params);
			if (ret < 0)
				return ret;
		}
	}
	if (!(st->ring.features & IORING_FEAT_EXT_ARG)) {
		/* Timed waits without an SQE need 5.11. */
		rr_ring_exit(&st->ring);
		return -EOPNOTSUPP;
	}
	return 0;
}

/* Arm the wake read.  Armed, it needs no slot kept for it, and the core
 * may fill the SQ itself (loop->direct_sq, backend.h); not armed, only
 * uring_start takes the SQ's slots, the last one kept for re-arming. */
static void arm_wake(struct rr_loop *loop, struct uring_state *st)
{
	struct io_uring_sqe *sqe = rr_get_sqe(&st->ring);

	if (!sqe)
		return; /* retried after the next flush */
	rr_prep_read(sqe, st->wake_fd, &st->wake_value, sizeof(st->wake_value), 0);
	rr_sqe_set_data64(sqe, TAG_WAKE);
	st->wake_armed = true;
	loop->direct_sq = &st->ring;
}

static int uring_init(struct rr_loop *loop, const struct rr_loop_options *options)
{
	struct uring_state *st = RR_FAULTABLE(RR_FAULT_ALLOC, NULL, calloc(1, sizeof(*st)));
	int ret;

	if (!st)
		return -ENOMEM;
	st->wake_fd = -1;
	ret = setup_main_ring(st, options);
	if (ret < 0)
		goto fail;
	if (options->iopoll) {
		ret = rr_ring_init(st->ring.sq.ring_entries, &st->polled,
				   IORING_SETUP_IOPOLL);
		if (ret < 0)
			goto fail_ring;
		st->has_polled = true;
	}
	st->wake_fd = RR_FAULTABLE(RR_FAULT_EVENTFD, -1,
				  eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
	if (st->wake_fd < 0) {
		ret = -errno;
		goto fail_polled;
	}
	arm_wake(loop, st);
	/* Enter by a registered index, skipping the fd lookup (5.18).  Only
	 * this thread's enters use it (the ring layer enters by the fd from
	 * any other), and a thread's 16 slots may be taken: then the fd.  A
	 * deferred ring registers it at its first turn, on its own thread. */
	if (!st->deferred)
		(void)rr_register_ring_fd(&st->ring);
	struct rr_probe probe;
	st->has_bundles = (st->ring.features & IORING_FEAT_RECVSEND_BUNDLE) != 0;
	st->has_msg_ring = rr_probe_ring(&st->ring, &probe) == 0 &&
			   rr_opcode_supported(&probe, IORING_OP_MSG_RING);
	loop->backend_state = st;
	loop->max_chain = st->ring.sq.ring_entries - 1; /* one slot for the wake read */
	return 0;

fail_polled:
	if (st->has_polled)
		rr_ring_exit(&st->polled);
fail_ring:
	rr_ring_exit(&st->ring);
fail:
	free(st);
	return ret;
}

static unsigned uring_room(struct rr_loop *loop)
{
	struct uring_state *st = state_of(loop);
	unsigned room = rr_sq_space_left(&st->ring);

	/* Keep a slot for re-arming the wake read. */
	if (!st->wake_armed && room)
		room--;
	if (st->has_polled) {
		unsigned polled_room = rr_sq_space_left(&st->polled);
		if (polled_room < room)
			room = polled_room;
	}
	return room;
}

static bool goes_to_polled_ring(const struct uring_state *st,
				const struct rr_op *op)
{
	return st->has_polled && (op->flags & RR_OP_F_POLLED);
}

/* A buffer group's ring, and where in it each buffer was last put: a
 * bundle's buffers are the ones after its first in ring order. */
struct uring_buf_ring {
	struct rr_buf_ring br;
	unsigned in_ring;             /* buffers given to the kernel, not yet filled
					 (a send group: queued, not yet sent) */
	unsigned short position_of[]; /* per buffer id: its ring position */
};

/*
 * A send bundle starts: the kernel's ring gets the first `most` buffers of
 * the group's queue, with their lengths, so that the kernel sends exactly
 * the ones the bundle took (rr_send_bundle), however many more are queued
 * meanwhile.  The ring may hold some already: a bundle that failed before
 * it took them (no IORING_CQE_F_BUFFER) left them there, the queue's head.
 */
static void publish_send_queue(struct rr_buf_group *group, unsigned most)
{
	struct uring_buf_ring *ring = group->backend_ring;
	unsigned staged = 0;

	assert(ring->in_ring <= most);
	for (unsigned i = ring->in_ring; i < most; i++, staged++) {
		unsigned id = rr__send_queued_id(group, i);
		rr_buf_ring_add(&ring->br, rr_buf_group_buffer(group, id), group->filled[id],
				(unsigned short)id, staged);
	}
	if (staged)
		rr_buf_ring_advance(&ring->br, staged);
	ring->in_ring = most;
}

/* The send bundles started since the last submission get their buffers
 * into their rings, before the kernel can see their SQEs (publish_send_queue
 * is not called from prep_op: a call there would cost every op's start the
 * registers it saves). */
static void publish_started_bundles(struct uring_state *st)
{
	for (struct rr_op *op; (op = st->unpublished);) {
		st->unpublished = op->next;
		publish_send_queue(op->args.group_io.group, op->args.group_io.most);
	}
}

/* Fill `sqe` for `op`.  0, or -EINVAL for an op type the ring cannot run. */
static int prep_op(struct uring_state *st, struct io_uring_sqe *sqe,
		   struct rr_op *op)
{
	switch ((enum rr_op_type)op->type) {
	case RR_OP_RECV_MULTISHOT:
		rr_prep_recv_multishot(sqe, op->args.group_io.fd,
				       op->args.group_io.group->id,
				       op->args.group_io.flags);
		if (op->args.group_io.most > 1 && st->has_bundles)
			sqe->ioprio |= IORING_RECVSEND_BUNDLE; /* rr_recv_bundle */
		return 0;
	case RR_OP_SEND_BUNDLE: /* its buffers: publish_started_bundles */
		op->flags |= OPF_ALL_CQES;
		op->next = st->unpublished; /* (no list of the core's holds it now) */
		st->unpublished = op;
		rr_prep_send_bundle(sqe, op->args.group_io.fd, 0, op->args.group_io.flags);
		sqe->flags |= IOSQE_BUFFER_SELECT;
		sqe->buf_group = op->args.group_io.group->id;
		return 0;
	default: /* the rest: uring_prep.h, shared with the core's direct start */
		return rr__uring_prep_plain(sqe, op, (enum rr_op_type)op->type) ? 0 : -EINVAL;
	}
}

/* The ops the core does not start directly (backend.h): marked ones, group
 * receives and send bundles, and those queued while the SQ was full. */
static int uring_start(struct rr_loop *loop, struct rr_op *op)
{
	struct uring_state *st = state_of(loop);
	bool polled = goes_to_polled_ring(st, op);

	/* Leave the last slot for re-arming the wake read, or a wake-up from
	 * another thread could go unseen during the next wait. */
	if (!st->wake_armed && !polled && rr_sq_space_left(&st->ring) <= 1)
		return -EAGAIN;
	struct io_uring_sqe *sqe = rr_get_sqe(polled ? &st->polled : &st->ring);
	if (!sqe)
		return -EAGAIN;
	if (prep_op(st, sqe, op) < 0) {
		/* Hand the slot back as a harmless NOP. */
		rr_prep_nop(sqe);
		rr_sqe_set_data64(sqe, TAG_IGNORE);
		return -EINVAL;
	}
	if (op->flags & (RR_OP_F_LINK | RR_OP_F_FIXED_FILE)) { /* one test for both */
		if (op->flags & RR_OP_F_LINK)
			rr_sqe_link(sqe);
		if (op->flags & RR_OP_F_FIXED_FILE) /* the fd is a registered index */
			sqe->flags |= IOSQE_FIXED_FILE;
	}
	rr_sqe_set_data(sqe, op);
	if (polled)
		st->polled_in_flight++;
	return 0;
}

/* An SQE for an op the backend sends again from reap (the SQ submitted
 * to make room when it is full), or NULL when none can be had. */
static struct io_uring_sqe *sqe_for_resend(struct uring_state *st)
{
	struct io_uring_sqe *sqe = rr_get_sqe(&st->ring);

	if (!sqe) {
		publish_started_bundles(st); /* (before the kernel sees their SQEs) */
		if (rr_submit(&st->ring) >= 0)
			sqe = rr_get_sqe(&st->ring);
	}
	return sqe;
}

/* ... and, once prepared, the op's own marks on it. */
static void resend_marks(struct io_uring_sqe *sqe, struct rr_op *op)
{
	if (op->flags & RR_OP_F_FIXED_FILE)
		sqe->flags |= IOSQE_FIXED_FILE;
	rr_sqe_set_data(sqe, op);
}

/*
 * A zero-copy send the socket cannot make (-EOPNOTSUPP: only TCP and UDP
 * sockets send without copying; a Unix socket cannot) goes again as a
 * plain send, as the other backends send it, so that rr_send_zc works on
 * every socket.  Not for a linked one: the kernel has cancelled the rest
 * of its chain already.  False when it cannot go (the SQ is full and
 * will not empty): its error is reported then.
 */
static bool resend_plain(struct uring_state *st, struct rr_op *op)
{
	if (op->flags & RR_OP_F_LINK)
		return false;
	struct io_uring_sqe *sqe = sqe_for_resend(st);
	if (!sqe)
		return false;
	rr_prep_send(sqe, op->args.xfer.fd, op->args.xfer.buf, op->args.xfer.len,
		     op->args.xfer.flags);
	resend_marks(sqe, op);
	return true;
}

/* A zero-copy send's two CQEs, folded into one result: the send's (with
 * IORING_CQE_F_MORE: a notification follows) is kept in final_result
 * until the notification (IORING_CQE_F_NOTIF) says the buffer is free. */
static void zero_copy_cqe(struct rr_loop *loop, struct uring_state *st, struct rr_op *op,
			  const struct io_uring_cqe *cqe)
{
	if (!(cqe->flags & IORING_CQE_F_NOTIF))
		op->final_result = cqe->res;
	else if (op->final_result != -EOPNOTSUPP || !resend_plain(st, op))
		rr__op_report(loop, op, op->final_result, false);
	/* (resent: the callback comes with the plain send's CQE; the kernel
	 * posts the refusal with F_MORE and a notification, like a send) */
}

/* The buffers a receive's CQE filled: the one it names and, for a bundle,
 * the ones after it in the buffer ring, as many as its bytes took (every
 * buffer of a bundle but the last is filled whole).  The ring slots still
 * hold their ids: a slot is rewritten only when a released buffer comes
 * back round to it, and none of these has been released yet. */
static void buffers_filled(struct rr_op *op, unsigned first, int res, unsigned flags)
{
	struct rr_buf_group *group = op->args.group_io.group;
	struct uring_buf_ring *ring = group->backend_ring;

	if (group->incremental) {
		/* IOU_PBUF_RING_INC: the buffer stays at the ring's head while
		 * the kernel says F_BUF_MORE; the CQE without it filled it. */
		bool kept = (flags & IORING_CQE_F_BUF_MORE) != 0;
		if (res > 0)
			rr__buf_filled_part(op, first, res, kept);
		ring->in_ring -= !kept;
		return;
	}
	rr__buf_filled(op, first);
	ring->in_ring--;
	if (op->args.group_io.most <= 1 || res <= (int)group->size)
		return;
	unsigned count = (unsigned)(((size_t)res + group->size - 1) / group->size);
	ring->in_ring -= count - 1;
	unsigned short position = ring->position_of[first];
	unsigned previous = first;
	assert(ring->br.bufs->bufs[position & ring->br.mask].bid == first);
	for (unsigned i = 1; i < count; i++) {
		unsigned short at = (unsigned short)(position + i);
		unsigned id = ring->br.bufs->bufs[at & ring->br.mask].bid;
		rr__buf_filled_next(op, previous, id);
		previous = id;
	}
}

/* The bytes of the buffers a send bundle took. */
static size_t send_bundle_bytes(const struct rr_op *op)
{
	const struct rr_buf_group *group = op->args.group_io.group;
	size_t bytes = 0;

	for (unsigned i = 0; i < op->args.group_io.most; i++)
		bytes += group->filled[rr__send_queued_id(group, i)];
	return bytes;
}

/*
 * Write the unsent rest of a send bundle into the kernel's ring from slot
 * `head` on (the kernel's head: every slot before it consumed, none after
 * it in use, as no request of the group is in flight): its buffers past
 * the first `sent` bytes, the first of them from where the send stopped in
 * it.  What was published past `head` and not consumed is overwritten, so
 * that the ring holds exactly the rest, in order.  Returns how many.
 */
static unsigned republish_rest(struct rr_op *op, unsigned short head, size_t sent)
{
	struct rr_buf_group *group = op->args.group_io.group;
	struct uring_buf_ring *ring = group->backend_ring;
	unsigned staged = 0;

	ring->br.tail = head;
	for (unsigned i = 0; i < op->args.group_io.most; i++) {
		unsigned id = rr__send_queued_id(group, i);
		size_t len = group->filled[id];
		if (sent >= len) {
			sent -= len;
			continue;
		}
		rr_buf_ring_add(&ring->br, (char *)rr_buf_group_buffer(group, id) + sent,
				(unsigned)(len - sent), (unsigned short)id, staged++);
		sent = 0;
	}
	rr_buf_ring_advance(&ring->br, staged); /* (also publishes a lowered tail) */
	ring->in_ring = staged;
	return staged;
}

/* Send the op again, from what republish_rest left in the ring.  False
 * when the SQ is full and will not empty. */
static bool resend_bundle(struct uring_state *st, struct rr_op *op)
{
	struct io_uring_sqe *sqe = sqe_for_resend(st);

	if (!sqe)
		return false;
	rr_prep_send_bundle(sqe, op->args.group_io.fd, 0, op->args.group_io.flags);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = op->args.group_io.group->id;
	resend_marks(sqe, op);
	return true;
}

/*
 * A send bundle's CQEs (every one comes here: OPF_ALL_CQES), folded into
 * one result, with the bytes of the passes before in final_result.  As
 * probed on 6.18:
 *  - a CQE naming a buffer (IORING_CQE_F_BUFFER) means the kernel picked
 *    buffers, which it consumes whatever the outcome, a failure or a
 *    cancel included; without one it failed before (a bad fd, not a
 *    socket), and what was published stays, the queue's head;
 *  - it picks at most 256 buffers a pass, and fewer when the first is
 *    large (ceil(INT_MAX / its length)); a pass with more left may post its
 *    bytes with IORING_CQE_F_MORE and go on, or end, leaving the rest
 *    published;
 *  - a send into a socket that fills can end short with no error, the
 *    buffer it stopped in consumed (1032192 of 1048576 bytes through a
 *    4 KiB SO_SNDBUF).
 * So a last CQE short of the bundle's bytes asks the kernel where its head
 * is (IORING_REGISTER_PBUF_STATUS: only then, one system call) and writes
 * the unsent rest from there: sent again if it may go on (no error, not
 * being cancelled), else taken back out of the ring, so that the next
 * bundle starts from a ring that holds nothing of this one.
 */
static void send_bundle_cqe(struct rr_loop *loop, struct uring_state *st, struct rr_op *op,
			    const struct io_uring_cqe *cqe)
{
	struct rr_buf_group *group = op->args.group_io.group;
	struct uring_buf_ring *ring = group->backend_ring;
	bool picked = (cqe->flags & IORING_CQE_F_BUFFER) != 0;

	if (picked && !op->args.group_io.count) {
		assert(rr__send_queued_id(group, 0) == cqe->flags >> IORING_CQE_BUFFER_SHIFT);
		rr__send_bundle_took(op);
	}
	int sent = op->final_result + (cqe->res > 0 ? cqe->res : 0);
	op->final_result = sent;
	if (cqe->flags & IORING_CQE_F_MORE)
		return; /* the kernel goes on by itself */
	if (!op->args.group_io.count) { /* failed before it took any */
		rr__op_report(loop, op, cqe->res, false);
		return;
	}
	if ((size_t)sent == send_bundle_bytes(op)) {
		ring->in_ring = 0; /* every byte published went: every buffer consumed */
		rr__op_report(loop, op, sent, false);
		return;
	}
	uint16_t head;
	if (rr_buf_ring_head(&st->ring, group->id, &head) < 0) {
		ring->in_ring = 0; /* (6.8 has it; bundles need 6.10) */
		rr__op_report(loop, op, sent > 0 ? sent : cqe->res, false);
		return;
	}
	bool go_on = cqe->res > 0 && !(op->flags & RR_OP_F_CANCELING);
	if (go_on && republish_rest(op, head, (size_t)sent) && resend_bundle(st, op))
		return;
	ring->br.tail = head; /* nothing of this bundle stays in the ring */
	rr_buf_ring_advance(&ring->br, 0);
	ring->in_ring = 0;
	rr__op_report(loop, op, sent > 0 ? sent : cqe->res, false);
}

/* Whether a bundle receive's result left its group with no buffer in the
 * kernel's ring. */
static bool bundle_ran_dry(const struct rr_op *op)
{
	const struct uring_buf_ring *ring = op->args.group_io.group->backend_ring;

	return op->args.group_io.most > 1 && ring->in_ring == 0;
}

/* A group receive's result, its buffers counted (buffers_filled).  A
 * bundle that took the group's last buffers (`ran_dry`) ends with its
 * data; the other backends, and a plain multishot, end with -ENOBUFS after
 * it: so does this. */
static void report_received(struct rr_loop *loop, struct rr_op *op, int res, bool more,
			    bool ran_dry)
{
	if (ran_dry) {
		rr__op_report(loop, op, res, true);
		rr__op_report(loop, op, -ENOBUFS, false);
		return;
	}
	rr__op_report(loop, op, res, more);
}

/* A CQE off the fast path: one with a rare flag (a multishot result: MORE,
 * a zero-copy send's notification: NOTIF, a receive's buffer: BUFFER), a
 * send bundle's (OPF_ALL_CQES), or a held one (report_held), flags or
 * none. */
static void report_flagged(struct rr_loop *loop, struct uring_state *st, struct rr_op *op,
			   const struct io_uring_cqe *cqe, bool polled)
{
	unsigned flags = cqe->flags;
	bool more = (flags & IORING_CQE_F_MORE) != 0;

	if (op->type == RR_OP_SEND_ZC) {
		zero_copy_cqe(loop, st, op, cqe); /* never on the polled ring */
		return;
	}
	if (op->type == RR_OP_SEND_BUNDLE) { /* neither is this */
		send_bundle_cqe(loop, st, op, cqe);
		return;
	}
	if (flags & IORING_CQE_F_BUFFER) { /* only the group receives select */
		buffers_filled(op, flags >> IORING_CQE_BUFFER_SHIFT, cqe->res, flags);
		report_received(loop, op, cqe->res, more, !more && bundle_ran_dry(op));
		return;
	}
	rr__op_report(loop, op, cqe->res, more);
	if (polled && !more)
		st->polled_in_flight--;
}

/* Mark the buffers a group receive's result hands over (buffers_filled
 * marked them) as the application's (1) or not yet (0). */
static void lend_received(const struct rr_op_group_io *received, unsigned char lent)
{
	struct rr_buf_group *group = received->group;
	unsigned id = received->buffer;

	if (received->kept) /* an incremental buffer the group goes on filling */
		return;
	for (unsigned i = 0; i < received->count; i++) {
		group->lent[id] = lent;
		if (i + 1 < received->count)
			id = group->bundle_next[id];
	}
}

/* The CQEs held by the last walk, in their order: those whose op has no
 * result due any more are reported, the others held on, ahead of what the
 * walk that follows holds. */
static void report_held(struct rr_loop *loop, struct uring_state *st)
{
	unsigned kept = 0;

	for (unsigned i = 0; i < st->held_count; i++) {
		const struct held_cqe *h = &st->held[i];
		struct rr_op *op = (struct rr_op *)(uintptr_t)h->user_data;
		if (rr__op_due(op)) {
			st->held[kept++] = *h;
			continue;
		}
		if (h->flags & IORING_CQE_F_BUFFER) { /* counted when it was held */
			op->args.group_io = h->received;
			lend_received(&h->received, 1);
			report_received(loop, op, h->res, (h->flags & IORING_CQE_F_MORE) != 0,
					h->ran_dry);
			continue;
		}
		/* (a multishot op's, never of the polled ring nor a send) */
		struct io_uring_cqe cqe = { .user_data = h->user_data, .res = h->res,
					    .flags = h->flags };
		report_flagged(loop, st, op, &cqe, false);
	}
	st->held_count = kept;
}

/* Hold `cqe` of `op`, whose previous result is still due (reap).  A group
 * receive's buffers are counted now, in CQ order, as the group's ring and
 * an incremental buffer's offsets need; the op's view of them is kept with
 * the CQE, the due result's left in the op for its callback; and they are
 * the application's only once the held result is reported, so that the
 * due result's callback cannot release a buffer the group still fills. */
static void hold(struct uring_state *st, struct rr_op *op, const struct io_uring_cqe *cqe)
{
	struct held_cqe *h = &st->held[st->held_count++];

	h->user_data = cqe->user_data;
	h->res = cqe->res;
	h->flags = cqe->flags;
	h->ran_dry = false;
	if (cqe->flags & IORING_CQE_F_BUFFER) {
		struct rr_op_group_io due = op->args.group_io;
		buffers_filled(op, cqe->flags >> IORING_CQE_BUFFER_SHIFT, cqe->res, cqe->flags);
		h->ran_dry = !(cqe->flags & IORING_CQE_F_MORE) && bundle_ran_dry(op);
		h->received = op->args.group_io;
		op->args.group_io = due;
		lend_received(&h->received, 0);
	}
}

/* Report every CQE of `ring` to the core, in one walk of the ring layer's
 * (rr_cq_walk: the tail read once, the head stored once), after what the
 * last walk held.  No callback runs meanwhile (the delivery rule in
 * backend.h).  A CQE of an op whose previous result is still due is held
 * (hold) and the walk goes on; only with the held room full (or on the
 * polled ring) does it stop there, leaving that CQE and the rest in the
 * ring for the next turn. */
static inline __attribute__((always_inline)) void
reap(struct rr_loop *loop, struct uring_state *st, struct rr_ring *ring, bool polled)
{
	if (!polled && st->held_count)
		report_held(loop, st);
	struct rr_cq_walk walk = rr_cq_walk_begin(ring);
	struct io_uring_cqe *cqe;
	unsigned at = walk.head;

	for (; (cqe = rr_cq_walk_next(ring, &walk)); at = walk.head) {
		uint64_t user_data = cqe->user_data;

		if (user_data <= TAG_MESSAGE) { /* one test for the rare tags */
			if (user_data == TAG_WAKE) {
				st->wake_armed = false;
				loop->direct_sq = NULL; /* (arm_wake) */
				rr__wake_seen(loop);
				if (!loop->closing)
					arm_wake(loop, st);
			} else if (user_data == TAG_MESSAGE) {
				rr__wake_seen(loop);
			}
			continue; /* TAG_IGNORE, or 0 (never an op) */
		}
		struct rr_op *op = (struct rr_op *)(uintptr_t)user_data;
		/* One test of the op's flags for both rare cases: a result
		 * still due, and an op that wants every CQE (OPF_ALL_CQES). */
		if (op->flags & (RR_OP_F_DUE | OPF_ALL_CQES)) {
			if (!rr__op_due(op)) {
				report_flagged(loop, st, op, cqe, polled);
				continue;
			}
			/* Its previous result waits for its callback: hold this
			 * one and go on, so that what completed behind it does
			 * not wait a turn (an op's results stay in order: all
			 * of its later CQEs are held too while it is due). */
			if (polled || st->held_count == HELD_CQES) {
				walk.head = at; /* this CQE is the next turn's */
				break;
			}
			hold(st, op, cqe);
			continue;
		}
		/* One test for the rare CQE flags: most CQEs are an op's last,
		 * reported here with a constant "no more". */
		if (cqe->flags & (IORING_CQE_F_MORE | IORING_CQE_F_NOTIF | IORING_CQE_F_BUFFER)) {
			report_flagged(loop, st, op, cqe, polled);
			continue;
		}
		rr__op_report_last(loop, op, cqe->res); /* (not due: tested above) */
		if (polled)
			st->polled_in_flight--;
	}
	rr_cq_walk_end(ring, &walk);
}

/* reap of the polled ring, out of line: the main ring's is inlined into
 * every turn (uring_flush_wait), this one only into IOPOLL loops'. */
static __attribute__((noinline)) void reap_polled(struct rr_loop *loop, struct uring_state *st)
{
	reap(loop, st, &st->polled, true);
}

/* The first turn of a SINGLE_ISSUER loop: its thread becomes the ring's
 * submitter (IORING_REGISTER_ENABLE_RINGS from it), and its enters go by
 * an index registered in its own table. */
static int enable_on_this_thread(struct uring_state *st)
{
	int ret = rr_register_enable_rings(&st->ring);
	if (ret < 0)
		return ret;
	st->disabled = false;
	(void)rr_register_ring_fd(&st->ring);
	return 0;
}

static int uring_flush_wait(struct rr_loop *loop, uint64_t deadline_ns)
{
	struct uring_state *st = state_of(loop);
	int ret;

	if (st->disabled && (ret = enable_on_this_thread(st)) < 0)
		return ret;
	if (st->unpublished)
		publish_started_bundles(st);

	if (st->has_polled && (rr_sq_ready(&st->polled) || st->polled_in_flight)) {
		/* Polled completions are found only by asking; do not sleep on
		 * the main ring while any are outstanding. */
		ret = rr_submit(&st->polled);
		if (ret < 0 && ret != -EAGAIN && ret != -EBUSY)
			return ret;
		reap_polled(loop, st);
		deadline_ns = 0;
	}
	if (!st->wake_armed && !loop->closing)
		arm_wake(loop, st);

	if (deadline_ns == 0 || st->held_count || rr_cq_ready(&st->ring)) {
		/* (held CQEs are results ready for this turn: no sleeping) */
		ret = rr_submit(&st->ring);
	} else if (deadline_ns == RR_DEADLINE_NONE) {
		/* Submits what is pending and waits, in one io_uring_enter
		 * without the extended argument: it has no timeout to carry,
		 * and the kernel would copy and check it on every enter. */
		ret = rr_submit_and_wait(&st->ring, 1);
	} else {
		struct __kernel_timespec ts;
		struct io_uring_cqe *cqe;
		uint64_t now = rr__monotonic_ns();
		uint64_t left = deadline_ns > now ? deadline_ns - now : 0;

		ts.tv_sec = (long long)(left / 1000000000u);
		ts.tv_nsec = (long long)(left % 1000000000u);
		/* The timeout travels in the enter's extended argument. */
		ret = rr_wait_cqes(&st->ring, &cqe, 1, &ts, NULL);
	}
	if (ret == -ETIME || ret == -EAGAIN || ret == -EBUSY)
		ret = 0;
	reap(loop, st, &st->ring, false);
	return ret < 0 ? ret : 0;
}

static int queue_cancel(struct uring_state *st, struct rr_ring *ring, void *target, bool all)
{
	struct io_uring_sqe *sqe = rr_get_sqe(ring);

	if (!sqe) {
		publish_started_bundles(st); /* (before the kernel sees their SQEs) */
		rr_submit(ring);
		sqe = rr_get_sqe(ring);
		if (!sqe)
			return -EBUSY;
	}
	if (all)
		rr_prep_cancel_all(sqe);
	else
		rr_prep_cancel(sqe, target, 0);
	rr_sqe_set_data64(sqe, TAG_IGNORE);
	return 0;
}

static int uring_cancel(struct rr_loop *loop, struct rr_op *op)
{
	struct uring_state *st = state_of(loop);

	return queue_cancel(st, goes_to_polled_ring(st, op) ? &st->polled : &st->ring,
			    op, false);
}

static int uring_cancel_all(struct rr_loop *loop)
{
	struct uring_state *st = state_of(loop);
	int ret = queue_cancel(st, &st->ring, NULL, true);

	if (st->has_polled && st->polled_in_flight) {
		int polled_ret = queue_cancel(st, &st->polled, NULL, true);
		if (ret == 0)
			ret = polled_ret;
	}
	return ret;
}

static int uring_wake(struct rr_loop *loop)
{
	struct uring_state *st = state_of(loop);
	uint64_t one = 1;

	/* write(2) on an eventfd is async-signal-safe and thread-safe. */
	atomic_fetch_add_explicit(&st->wake_writes, 1, memory_order_relaxed);
	if (RR_FAULTABLE(RR_FAULT_WRITE, -1, write(st->wake_fd, &one, sizeof(one))) < 0 &&
	    errno != EAGAIN)
		return -errno;
	return 0;
}

static int uring_wake_from(struct rr_loop *target, struct rr_loop *from)
{
	struct uring_state *to = state_of(target), *st = state_of(from);
	struct io_uring_sqe *sqe;

	if (!st->has_msg_ring)
		return -EOPNOTSUPP;
	sqe = rr_get_sqe(&st->ring);
	if (!sqe)
		return -EOPNOTSUPP; /* the SQ is full: let the eventfd do it */
	/* The target sees a CQE tagged TAG_MESSAGE; our own CQE for the send
	 * is ignored (a full target CQ fails it with -EOVERFLOW, but the
	 * pushed async handle is still found on the target's next turn). */
	rr_prep_msg_ring(sqe, to->ring.ring_fd, 0, TAG_MESSAGE, 0);
	rr_sqe_set_data64(sqe, TAG_IGNORE);
	return 0;
}

/* ---- provided buffers: a buffer ring per group ------------------------- */

static int uring_buf_group_init(struct rr_loop *loop, struct rr_buf_group *group)
{
	struct uring_state *st = state_of(loop);
	struct uring_buf_ring *ring = RR_FAULTABLE(RR_FAULT_ALLOC, NULL,
		calloc(1, sizeof(*ring) + group->count * sizeof(ring->position_of[0])));

	if (!ring)
		return -ENOMEM;
	if (group->send && !st->has_bundles) {
		free(ring); /* sending from a buffer ring needs bundles (6.10) */
		return -EOPNOTSUPP;
	}
	int ret = -EINVAL;
	if (group->incremental) /* 6.12; without it, whole buffers */
		ret = rr_register_buf_ring_flags(&st->ring, &ring->br, group->count, group->id,
						 RR_IOU_PBUF_RING_INC);
	group->incremental = ret == 0;
	if (ret < 0)
		ret = rr_register_buf_ring(&st->ring, &ring->br, group->count, group->id);
	if (ret < 0) {
		free(ring);
		/* A kernel without IORING_REGISTER_PBUF_RING (5.19) does not
		 * know the opcode; the arguments were checked by the core. */
		return ret == -EINVAL ? -EOPNOTSUPP : ret;
	}
	group->backend_ring = ring;
	if (group->send)
		return 0; /* empty: a send bundle publishes what it sends */
	for (unsigned i = 0; i < group->count; i++) {
		rr_buf_ring_add(&ring->br, rr_buf_group_buffer(group, i), group->size,
				(unsigned short)i, i);
		ring->position_of[i] = (unsigned short)(ring->br.tail + i);
	}
	rr_buf_ring_advance(&ring->br, group->count);
	ring->in_ring = group->count;
	return 0;
}

static void uring_buf_group_give(struct rr_buf_group *group, unsigned id)
{
	struct uring_buf_ring *ring = group->backend_ring;

	ring->position_of[id] = ring->br.tail;
	rr_buf_ring_add(&ring->br, rr_buf_group_buffer(group, id), group->size,
			(unsigned short)id, 0);
	rr_buf_ring_advance(&ring->br, 1);
	ring->in_ring++;
}

static void uring_buf_group_deinit(struct rr_loop *loop, struct rr_buf_group *group)
{
	struct uring_buf_ring *ring = group->backend_ring;

	rr_unregister_buf_ring(&state_of(loop)->ring, &ring->br);
	free(ring);
}

/* ---- registered buffers and files: the ring's own tables --------------- */

/* Both rings of an IOPOLL loop get the table: a polled read names it too. */
static int uring_register_buffers(struct rr_loop *loop, const struct iovec *iov,
				  unsigned nr)
{
	struct uring_state *st = state_of(loop);
	int ret = rr_register_buffers(&st->ring, iov, nr);

	if (ret == 0 && st->has_polled && (ret = rr_register_buffers(&st->polled, iov, nr)) < 0)
		(void)rr_unregister_buffers(&st->ring);
	return ret;
}

static void uring_unregister_buffers(struct rr_loop *loop)
{
	struct uring_state *st = state_of(loop);

	(void)rr_unregister_buffers(&st->ring);
	if (st->has_polled)
		(void)rr_unregister_buffers(&st->polled);
}

static int uring_register_files(struct rr_loop *loop, const rr_fd_t *fds, unsigned nr)
{
	struct uring_state *st = state_of(loop);
	int ret = rr_register_files(&st->ring, fds, nr);

	if (ret == 0 && st->has_polled && (ret = rr_register_files(&st->polled, fds, nr)) < 0)
		(void)rr_unregister_files(&st->ring);
	return ret;
}

static void uring_unregister_files(struct rr_loop *loop)
{
	struct uring_state *st = state_of(loop);

	(void)rr_unregister_files(&st->ring);
	if (st->has_polled)
		(void)rr_unregister_files(&st->polled);
}

static uint64_t uring_syscalls(const struct rr_loop *loop)
{
	const struct uring_state *st = state_of(loop);

	return st->ring.enter_calls + (st->has_polled ? st->polled.enter_calls : 0) +
	       atomic_load_explicit(&st->wake_writes, memory_order_relaxed);
}

static void uring_describe(const struct rr_loop *loop, char *buf, size_t size)
{
	const struct uring_state *st = state_of(loop);
	unsigned flags = st->ring.setup_flags;

	snprintf(buf, size, "%s%s",
		 (flags & IORING_SETUP_SQPOLL)	 ? "SQPOLL"
		 : st->deferred			 ? "SINGLE_ISSUER+DEFER_TASKRUN"
		 : (flags & IORING_SETUP_COOP_TASKRUN) ? "COOP_TASKRUN"
						       : "plain task work",
		 st->has_polled ? ", IOPOLL ring" : "");
}

static void uring_deinit(struct rr_loop *loop)
{
	struct uring_state *st = state_of(loop);

	loop->direct_sq = NULL;
	rr_ring_exit(&st->ring);
	if (st->has_polled)
		rr_ring_exit(&st->polled);
	close(st->wake_fd);
	free(st);
}

const struct rr_backend rr__uring_backend = {
	.version = RR_BACKEND_VERSION,
	.name = "io_uring",
	.kind = RR_BACKEND_URING,
	.native_links = true,
	.incremental_buffers = false, /* its groups are the kernel's (buf_group_init) */
	.init = uring_init,
	.room = uring_room,
	.start = uring_start,
	.flush_wait = uring_flush_wait,
	.cancel = uring_cancel,
	.cancel_all = uring_cancel_all,
	.wake = uring_wake,
	.wake_from = uring_wake_from,
	.buf_group_init = uring_buf_group_init,
	.buf_group_give = uring_buf_group_give,
	.buf_group_deinit = uring_buf_group_deinit,
	.register_buffers = uring_register_buffers,
	.unregister_buffers = uring_unregister_buffers,
	.register_files = uring_register_files,
	.unregister_files = uring_unregister_files,
	.syscalls = uring_syscalls,
	.describe = uring_describe,
	.deinit = uring_deinit,
};
