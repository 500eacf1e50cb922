/*
 * A guided walk through the ring protocol on a real ring.  Each step does
 * one thing to the shared memory (or asks the kernel to), then prints the
 * ring words that changed and the ordering rule involved.  The steps use
 * the ring layer's barrier helpers directly, so what is printed is what
 * rawring itself does.
 */
#define _GNU_SOURCE
#include "trace.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "names.h"
#include "rawring.h"


static struct rd_trace_words read_words(const struct rr_ring *ring)
{
	struct rd_trace_words w = {
		.sq_head = rr_load_acquire(ring->sq.khead),
		.sq_tail = rr_load_relaxed(ring->sq.ktail),
		.sq_flags = rr_load_relaxed(ring->sq.kflags),
		.cq_head = rr_load_relaxed(ring->cq.khead),
		.cq_tail = rr_load_acquire(ring->cq.ktail),
		.cq_overflow = rr_load_relaxed(ring->cq.koverflow),
	};
	return w;
}

struct tracer {
	struct rd_out *out;
	struct rr_ring *ring;
	struct rd_trace_words before;
	int step;
	struct rd_trace_record *record; /* or NULL */
};

static void change(struct rd_out *out, const char *key, const char *label,
		   unsigned before, unsigned after)
{
	char text[48];

	if (out->json) {
		rd_out_begin(out, key, NULL);
		rd_out_uint(out, "before", "before", before, NULL);
		rd_out_uint(out, "after", "after", after, NULL);
		rd_out_end(out);
		return;
	}
	if (before == after)
		snprintf(text, sizeof(text), "%u", after);
	else
		snprintf(text, sizeof(text), "%u -> %u", before, after);
	rd_out_str(out, key, label, text, before == after ? NULL : "changed");
}

/* Begin a step: its title and what makes it safe. */
static void step_begin(struct tracer *t, const char *title, const char *barrier)
{
	char heading[160];

	t->step++;
	t->before = read_words(t->ring);
	snprintf(heading, sizeof(heading), "Step %d: %s", t->step, title);
	rd_out_begin_item(t->out);
	if (!t->out->json)
		fprintf(t->out->file, "\n%s\n", heading);
	if (t->out->json)
		rd_out_str(t->out, "title", "", title, NULL);
	if (barrier)
		rd_out_str(t->out, "ordering", "ordering", barrier, NULL);
	if (t->record && t->record->count < RD_TRACE_MAX_STEPS) {
		snprintf(t->record->steps[t->record->count].title,
			 sizeof(t->record->steps[0].title), "%s", title);
		snprintf(t->record->steps[t->record->count].ordering,
			 sizeof(t->record->steps[0].ordering), "%s", barrier ? barrier : "");
		t->record->steps[t->record->count].before = t->before;
	}
}

/* End a step: the ring words before and after it. */
static void step_end(struct tracer *t)
{
	struct rd_trace_words now = read_words(t->ring);

	change(t->out, "sq_head", "SQ head", t->before.sq_head, now.sq_head);
	change(t->out, "sq_tail", "SQ tail", t->before.sq_tail, now.sq_tail);
	change(t->out, "sq_flags", "SQ flags", t->before.sq_flags, now.sq_flags);
	change(t->out, "cq_head", "CQ head", t->before.cq_head, now.cq_head);
	change(t->out, "cq_tail", "CQ tail", t->before.cq_tail, now.cq_tail);
	rd_out_end(t->out);
	if (t->record && t->record->count < RD_TRACE_MAX_STEPS)
		t->record->steps[t->record->count++].after = now;
}

static struct io_uring_sqe *take_sqe(struct tracer *t, const char *what)
{
	unsigned slot = t->ring->sq.sqe_tail & t->ring->sq.ring_mask;

	step_begin(t, what, "none yet: the SQE is private until the tail moves");
	/* A 4-entry ring that every walk drains: there is always room. */
	struct io_uring_sqe *sqe = rr_get_sqe(t->ring);
	if (!sqe) {
		fprintf(stderr, "ringdump: the SQ is unexpectedly full\n");
		_exit(1);
	}
	rd_out_uint(t->out, "slot", "SQE slot", slot, "sqe_tail & ring_mask");
	return sqe;
}

static void show_sqe(struct tracer *t, const struct io_uring_sqe *sqe)
{
	const char *name = rd_opcode_name(sqe->opcode);

	rd_out_str(t->out, "opcode", "opcode", name ? name : "?", NULL);
	rd_out_int(t->out, "fd", "fd", sqe->fd, NULL);
	rd_out_hex(t->out, "sqe_flags", "flags", sqe->flags, "IOSQE_*");
	rd_out_uint(t->out, "user_data", "user_data", sqe->user_data, "comes back in the CQE");
	step_end(t);
}

static void publish(struct tracer *t)
{
	unsigned tail = t->ring->sq.sqe_tail;

	step_begin(t, "publish the SQ tail",
		   "store-release of sq.tail: the SQE bytes (and index-array slots) "
		   "are visible before the new tail; pairs with the kernel's "
		   "load-acquire of sq.tail");
	if (t->ring->sq.array) {
		unsigned pos = (tail - 1) & t->ring->sq.ring_mask;
		rd_out_uint(t->out, "index_array", "array[slot]", t->ring->sq.array[pos],
			    "the SQ index array maps ring slot to SQE (identity, written at setup)");
	}
	t->ring->sq.sqe_head = tail;
	rr_store_release(t->ring->sq.ktail, tail);
	step_end(t);
}

static void enter(struct tracer *t, unsigned to_submit, unsigned wait, unsigned flags)
{
	char title[96];

	snprintf(title, sizeof(title), "io_uring_enter(to_submit %u, min_complete %u%s%s)",
		 to_submit, wait, flags & IORING_ENTER_GETEVENTS ? ", GETEVENTS" : "",
		 flags & IORING_ENTER_SQ_WAKEUP ? ", SQ_WAKEUP" : "");
	step_begin(t, title, "the system call: the kernel reads the SQEs up to the tail, "
			     "moves the SQ head (store-release) and posts CQEs (tail store-release)");
	int ret = rr_io_uring_enter(t->ring->ring_fd, to_submit, wait, flags, NULL);
	rd_out_int(t->out, "returned", "returned", ret, "SQEs consumed, or -errno");
	step_end(t);
}

static void reap(struct tracer *t, unsigned count)
{
	char title[64];

	snprintf(title, sizeof(title), "read %u CQE%s and hand the slots back", count,
		 count == 1 ? "" : "s");
	step_begin(t, title, "load-acquire of cq.tail before reading CQEs (pairs with the "
			     "kernel's store-release); store-release of cq.head after (the "
			     "kernel may reuse the slots only then)");
	rd_out_begin_array(t->out, "cqes", NULL);
	unsigned head;
	struct io_uring_cqe *cqe;
	unsigned seen = 0;
	rr_for_each_cqe(t->ring, head, cqe) {
		if (seen == count)
			break;
		char label[32], text[64];
		snprintf(label, sizeof(label), "CQ slot %u", head & t->ring->cq.ring_mask);
		snprintf(text, sizeof(text), "res %d", cqe->res);
		rd_out_begin_item(t->out);
		if (t->out->json) {
			rd_out_uint(t->out, "user_data", "", cqe->user_data, NULL);
			rd_out_int(t->out, "res", "", cqe->res, NULL);
		} else {
			char note[48];
			snprintf(note, sizeof(note), "user_data %llu%s",
				 (unsigned long long)cqe->user_data,
				 cqe->res < 0 ? (cqe->res == -ECANCELED ? " (-ECANCELED)"
					       : cqe->res == -EBADF ? " (-EBADF)" : "") : "");
			rd_out_str(t->out, "cqe", label, text, note);
		}
		rd_out_end(t->out);
		seen++;
	}
	rd_out_end_array(t->out);
	rr_cq_advance(t->ring, seen);
	step_end(t);
}

static void simple(struct tracer *t)
{
	struct io_uring_sqe *sqe = take_sqe(t, "get an SQE (rr_get_sqe)");
	rr_prep_nop(sqe);
	rr_sqe_set_data64(sqe, 0x1234);
	show_sqe(t, sqe);
	publish(t);
	enter(t, 1, 1, IORING_ENTER_GETEVENTS);
	reap(t, 1);
}

static void linked(struct tracer *t)
{
	struct io_uring_sqe *sqe = take_sqe(t, "get an SQE for a read of a bad fd, linked");
	rr_prep_read(sqe, -1, NULL, 0, 0);
	rr_sqe_link(sqe);
	rr_sqe_set_data64(sqe, 1);
	show_sqe(t, sqe);
	sqe = take_sqe(t, "get an SQE for a NOP: the chain's second link");
	rr_prep_nop(sqe);
	rr_sqe_set_data64(sqe, 2);
	show_sqe(t, sqe);
	publish(t);
	enter(t, 2, 2, IORING_ENTER_GETEVENTS);
	reap(t, 2); /* -EBADF, then -ECANCELED: a chain fails as a unit */
}

static void overflow(struct tracer *t)
{
	/* 4 SQ entries, 8 CQ entries: 12 NOPs overflow the CQ by 4. */
	for (unsigned round = 0; round < 3; round++) {
		for (unsigned i = 0; i < 4; i++) {
			struct io_uring_sqe *sqe = rr_get_sqe(t->ring);
			if (!sqe)
				_exit(1); /* cannot happen: each round's enter empties the SQ */
			rr_prep_nop(sqe);
			rr_sqe_set_data64(sqe, round * 4 + i);
		}
		publish(t);
		enter(t, 4, 0, 0);
	}
	/* The CQ is full; 4 wait in the kernel with IORING_SQ_CQ_OVERFLOW. */
	reap(t, 8);
	enter(t, 0, 0, IORING_ENTER_GETEVENTS); /* flushes the backlog */
	reap(t, 4);
}

static void sqpoll(struct tracer *t)
{
	/* Let the thread go idle: it sets NEED_WAKEUP. */
	for (int i = 0; i < 500 && !(rr_load_relaxed(t->ring->sq.kflags) & IORING_SQ_NEED_WAKEUP); i++)
		usleep(10000);
	struct io_uring_sqe *sqe = take_sqe(t, "get an SQE (the SQPOLL thread is asleep)");
	rr_prep_nop(sqe);
	rr_sqe_set_data64(sqe, 7);
	show_sqe(t, sqe);
	publish(t);
	step_begin(t, "full fence, then read sq.flags",
		   "store (tail) then load (flags): only a full fence orders them; pairs "
		   "with the SQPOLL thread's smp_mb() between setting NEED_WAKEUP and "
		   "re-reading the tail");
	rr_full_fence();
	rd_out_bool(t->out, "need_wakeup", "NEED_WAKEUP set",
		    rr_load_relaxed(t->ring->sq.kflags) & IORING_SQ_NEED_WAKEUP, NULL);
	step_end(t);
	enter(t, 1, 0, IORING_ENTER_SQ_WAKEUP);
	for (int i = 0; i < 500 && !rr_cq_ready(t->ring); i++)
		usleep(1000);
	reap(t, 1);
}

int rd_trace_run(struct rd_out *out, enum rd_trace_kind kind,
		 struct rd_trace_record *record)
{
	struct rr_ring ring;
	struct io_uring_params params;
	struct tracer t = { .out = out, .ring = &ring, .record = record };

	memset(&params, 0, sizeof(params));
	if (kind == RD_TRACE_SQPOLL) {
		params.flags = IORING_SETUP_SQPOLL;
		params.sq_thread_idle = 10;
	}
	int ret = rr_ring_init_params(4, &ring, &params);
	if (ret < 0)
		return ret;
	if (record) {
		memset(record, 0, sizeof(*record));
		record->sq_entries = ring.sq.ring_entries;
		record->cq_entries = ring.cq.ring_entries;
	}
	rd_out_begin(out, "ring", "A ring of 4 SQ entries and 8 CQ entries");
	rd_out_uint(out, "sq_entries", "SQ entries", ring.sq.ring_entries, NULL);
	rd_out_uint(out, "cq_entries", "CQ entries", ring.cq.ring_entries, NULL);
	rd_out_end(out);
	rd_out_begin_array(out, "steps", NULL);
	switch (kind) {
	case RD_TRACE_LINK:
		linked(&t);
		break;
	case RD_TRACE_OVERFLOW:
		overflow(&t);
		break;
	case RD_TRACE_SQPOLL:
		sqpoll(&t);
		break;
	default:
		simple(&t);
	}
	rd_out_end_array(out);
	rr_ring_exit(&ring);
	return 0;
}
