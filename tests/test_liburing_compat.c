/*
 * rawring/liburing.h, the liburing 2.15 front: each place where liburing and
 * rawring's own ring layer differ, checked against liburing's behaviour.
 * Every test here fails if its difference is handled rawring's way: prep
 * helpers that forget flags and user_data set before them, a multishot
 * receive with rawring's signature, buffer rings with a second cursor, a
 * probe of the wrong shape, timed waits that leak their timeout SQE's CQE,
 * say -ETIME when some CQEs came, or submit where liburing does not; and
 * struct io_uring members that stop telling the truth.
 */
#define _GNU_SOURCE
#include "driver/rr_test.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rawring/liburing.h"

TestSuite(liburing_compat, .timeout = 30);

static void init_or_skip(struct io_uring *ring, unsigned entries, unsigned flags)
{
	int ret = io_uring_queue_init(entries, ring, flags);

	if (ret == -ENOSYS || ret == -EPERM)
		cr_skip_test("io_uring is unavailable here (%s)", strerror(-ret));
	cr_assert_eq(ret, 0, "io_uring_queue_init: %s", strerror(-ret));
}

static struct __kernel_timespec ms(long long milliseconds)
{
	struct __kernel_timespec ts;

	ts.tv_sec = milliseconds / 1000;
	ts.tv_nsec = (milliseconds % 1000) * 1000000;
	return ts;
}

static struct io_uring_sqe *get_sqe(struct io_uring *ring)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	cr_assert_not_null(sqe, "the SQ is full");
	return sqe;
}

/* The next CQE within 5 s (a test failure otherwise). */
static struct io_uring_cqe *next_cqe(struct io_uring *ring)
{
	struct __kernel_timespec ts = ms(5000);
	struct io_uring_cqe *cqe = NULL;
	int ret = io_uring_wait_cqe_timeout(ring, &cqe, &ts);

	cr_assert_eq(ret, 0, "no CQE: %s", strerror(-ret));
	cr_assert_not_null(cqe);
	return cqe;
}

/* ---- SQEs: get_sqe and the prep helpers ------------------------------------ */

Test(liburing_compat, prep_keeps_user_data_and_flags_set_before_it)
{
	struct io_uring ring;

	init_or_skip(&ring, 8, 0);
	/* First a NOP whose success posts nothing: the flag is set before the
	 * prep call, as liburing programs may. */
	struct io_uring_sqe *sqe = get_sqe(&ring);
	sqe->flags = IOSQE_CQE_SKIP_SUCCESS;
	io_uring_sqe_set_data64(sqe, 1);
	io_uring_prep_nop(sqe);
	cr_assert_eq(sqe->flags, IOSQE_CQE_SKIP_SUCCESS, "the prep kept the flags");
	cr_assert_eq(sqe->user_data, 1, "the prep kept user_data");

	sqe = get_sqe(&ring);
	io_uring_sqe_set_data64(sqe, 2);
	io_uring_prep_nop(sqe);
	cr_assert_eq(io_uring_submit(&ring), 2);

	struct io_uring_cqe *cqe = next_cqe(&ring);
	cr_assert_eq(cqe->user_data, 2, "only the second NOP posts (user_data %llu)",
		     (unsigned long long)cqe->user_data);
	io_uring_cqe_seen(&ring, cqe);
	cr_assert_eq(io_uring_peek_cqe(&ring, &cqe), -EAGAIN, "the first posted nothing");
	io_uring_queue_exit(&ring);
}

Test(liburing_compat, prep_sets_its_own_fields_and_ors_flag_words)
{
	struct io_uring ring;
	char buf[16];

	init_or_skip(&ring, 8, 0);
	struct io_uring_sqe *sqe = get_sqe(&ring);
	sqe->ioprio = IORING_RECVSEND_POLL_FIRST;
	sqe->personality = 3;
	io_uring_prep_recv_multishot(sqe, 5, buf, sizeof(buf), MSG_DONTWAIT);
	cr_assert_eq(sqe->opcode, IORING_OP_RECV);
	cr_assert_eq(sqe->ioprio, IORING_RECVSEND_POLL_FIRST | IORING_RECV_MULTISHOT);
	cr_assert_eq(sqe->personality, 3);
	cr_assert_eq(sqe->fd, 5);

	/* A field the helper owns is the helper's. */
	sqe = get_sqe(&ring);
	sqe->buf_index = 9;
	io_uring_prep_read_fixed(sqe, 0, buf, sizeof(buf), 0, 2);
	cr_assert_eq(sqe->buf_index, 2);
	/* Nothing submitted: exit drops both. */
	io_uring_queue_exit(&ring);
}

Test(liburing_compat, get_sqe_clears_what_liburing_clears_and_leaves_user_data)
{
	struct io_uring ring;

	init_or_skip(&ring, 4, 0);
	for (unsigned i = 0; i < ring.sq.ring_entries; i++)
		memset(&ring.sq.sqes[i], 0xa5, sizeof(ring.sq.sqes[i]));

	struct io_uring_sqe *sqe = get_sqe(&ring);
	cr_assert_eq(sqe->flags, 0);
	cr_assert_eq(sqe->ioprio, 0);
	cr_assert_eq(sqe->rw_flags, 0);
	cr_assert_eq(sqe->buf_index, 0);
	cr_assert_eq(sqe->personality, 0);
	cr_assert_eq(sqe->file_index, 0);
	cr_assert_eq(sqe->addr3, 0);
	cr_assert_eq(sqe->user_data, 0xa5a5a5a5a5a5a5a5ull, "user_data is left stale");

	/* So a NOP prepared in the stale slot runs (a stale personality or
	 * flag would fail it), with the stale user_data. */
	io_uring_prep_nop(sqe);
	cr_assert_eq(io_uring_submit(&ring), 1);
	struct io_uring_cqe *cqe = next_cqe(&ring);
	cr_assert_eq(cqe->res, 0, "res %d", cqe->res);
	cr_assert_eq(cqe->user_data, 0xa5a5a5a5a5a5a5a5ull);
	io_uring_cqe_seen(&ring, cqe);
	io_uring_queue_exit(&ring);
}

/* ---- multishot receive and buffer rings ------------------------------------- */

Test(liburing_compat, recv_multishot_and_buffer_rings_have_liburings_shape)
{
	enum { BGID = 7, ENTRIES = 8, SIZE = 64 };
	struct io_uring ring;
	int fds[2], err = 0;
	static char bufs[ENTRIES][SIZE];

	init_or_skip(&ring, 8, 0);
	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);

	struct io_uring_buf_ring *br =
		io_uring_setup_buf_ring(&ring, ENTRIES, BGID, 0, &err);
	if (!br && (err == -EINVAL || err == -EOPNOTSUPP))
		cr_skip_test("no provided buffer rings here (%s)", strerror(-err));
	cr_assert_not_null(br, "io_uring_setup_buf_ring: %s", strerror(-err));
	cr_assert_eq(br->tail, 0);
	int mask = io_uring_buf_ring_mask(ENTRIES);
	for (int i = 0; i < ENTRIES; i++)
		io_uring_buf_ring_add(br, bufs[i], SIZE, (unsigned short)i, mask, i);
	io_uring_buf_ring_advance(br, ENTRIES);
	/* The shared tail is the one cursor. */
	cr_assert_eq(br->tail, ENTRIES);

	struct io_uring_sqe *sqe = get_sqe(&ring);
	io_uring_prep_recv_multishot(sqe, fds[0], NULL, 0, 0);
	cr_assert_eq(sqe->flags & IOSQE_BUFFER_SELECT, 0,
		     "buffer selection is the program's to ask for");
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = BGID;
	io_uring_sqe_set_data64(sqe, 42);
	cr_assert_eq(io_uring_submit(&ring), 1);

	for (int i = 0; i < 2; i++) {
		char msg[8];
		memset(msg, 'a' + i, sizeof(msg));
		cr_assert_eq(write(fds[1], msg, sizeof(msg)), (ssize_t)sizeof(msg));
		struct io_uring_cqe *cqe = next_cqe(&ring);
		cr_assert_eq(cqe->user_data, 42);
		cr_assert_eq(cqe->res, (int)sizeof(msg), "res %d", cqe->res);
		cr_assert(cqe->flags & IORING_CQE_F_MORE, "still armed");
		cr_assert(cqe->flags & IORING_CQE_F_BUFFER);
		unsigned bid = cqe->flags >> IORING_CQE_BUFFER_SHIFT;
		cr_assert_lt(bid, ENTRIES);
		cr_assert_eq(bufs[bid][0], 'a' + i);
		io_uring_cqe_seen(&ring, cqe);
	}

	uint16_t head = 0;
	int ret = io_uring_buf_ring_head(&ring, BGID, &head);
	if (ret == 0) {
		cr_assert_eq(head, 2, "the kernel took two buffers");
		cr_assert_eq(io_uring_buf_ring_available(&ring, br, BGID), ENTRIES - 2);
	} else {
		cr_assert_eq(ret, -EINVAL, "PBUF_STATUS (6.8): %s", strerror(-ret));
	}
	close(fds[1]);
	close(fds[0]);
	io_uring_queue_exit(&ring);
}

Test(liburing_compat, free_buf_ring_of_an_unknown_group_keeps_the_memory)
{
	struct io_uring ring;
	int err = 0;

	init_or_skip(&ring, 4, 0);
	struct io_uring_buf_ring *br = io_uring_setup_buf_ring(&ring, 4, 1, 0, &err);
	if (!br)
		cr_skip_test("no provided buffer rings here (%s)", strerror(-err));
	cr_assert_eq(io_uring_free_buf_ring(&ring, br, 4, 2), -ENOENT);
	br->tail = 3; /* still mapped */
	cr_assert_eq(io_uring_free_buf_ring(&ring, br, 4, 1), 0);
	io_uring_queue_exit(&ring);
}

/* ---- the probe ------------------------------------------------------------------ */

Test(liburing_compat, the_probe_is_liburings)
{
	struct io_uring ring;

	init_or_skip(&ring, 4, 0);
	struct io_uring_probe *probe = io_uring_get_probe_ring(&ring);
	cr_assert_not_null(probe);
	cr_assert_geq(probe->last_op, IORING_OP_SENDMSG_ZC);
	cr_assert(io_uring_opcode_supported(probe, IORING_OP_NOP));
	cr_assert(io_uring_opcode_supported(probe, IORING_OP_READ));
	cr_assert_not(io_uring_opcode_supported(probe, -1));
	cr_assert_not(io_uring_opcode_supported(probe, probe->last_op + 1));
	io_uring_free_probe(probe);

	probe = io_uring_get_probe();
	cr_assert_not_null(probe);
	cr_assert(io_uring_opcode_supported(probe, IORING_OP_TIMEOUT));
	io_uring_free_probe(probe);

	/* The raw form with a short table: ops_len bounds what is read. */
	struct io_uring_probe *small =
		calloc(1, sizeof(*small) + 4 * sizeof(struct io_uring_probe_op));
	cr_assert_not_null(small);
	cr_assert_eq(io_uring_register_probe(&ring, small, 4), 0);
	cr_assert_eq(small->ops_len, 4);
	cr_assert(io_uring_opcode_supported(small, IORING_OP_NOP));
	cr_assert_not(io_uring_opcode_supported(small, IORING_OP_READ),
		      "opcode 22 is past the 4 entries asked for");
	free(small);
	io_uring_queue_exit(&ring);
}

/* ---- timed waits ---------------------------------------------------------------- */

Test(liburing_compat, a_timed_wait_does_not_submit_with_ext_arg)
{
	struct io_uring ring;
	struct io_uring_cqe *cqe = NULL;

	init_or_skip(&ring, 4, 0);
	if (!(ring.features & IORING_FEAT_EXT_ARG))
		cr_skip_test("the kernel lacks IORING_FEAT_EXT_ARG");
	struct io_uring_sqe *sqe = get_sqe(&ring);
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data64(sqe, 9);

	struct __kernel_timespec ts = ms(20);
	cr_assert_eq(io_uring_wait_cqe_timeout(&ring, &cqe, &ts), -ETIME);
	cr_assert_eq(*ring.sq.khead, 0, "the kernel took no SQE");
	cr_assert_eq(*ring.sq.ktail, 0, "nothing was published");
	cr_assert_eq(io_uring_sq_ready(&ring), 1, "the NOP still waits for a submit");
	ts = ms(20);
	cr_assert_eq(io_uring_wait_cqes(&ring, &cqe, 1, &ts, NULL), -ETIME);
	if (ring.features & IORING_FEAT_MIN_TIMEOUT) {
		ts = ms(20);
		cr_assert_eq(io_uring_wait_cqes_min_timeout(&ring, &cqe, 1, &ts, 1000, NULL),
			     -ETIME);
	}
	cr_assert_eq(*ring.sq.khead, 0);

	cr_assert_eq(io_uring_submit(&ring), 1);
	cqe = next_cqe(&ring);
	cr_assert_eq(cqe->user_data, 9);
	io_uring_cqe_seen(&ring, cqe);
	io_uring_queue_exit(&ring);
}

Test(liburing_compat, a_timed_wait_with_some_cqes_is_no_timeout)
{
	struct io_uring ring;
	struct io_uring_cqe *cqe = NULL;

	init_or_skip(&ring, 8, 0);
	struct io_uring_sqe *sqe = get_sqe(&ring);
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data64(sqe, 1);
	cr_assert_eq(io_uring_submit(&ring), 1);

	/* Two asked, one comes: 0 with the one, not -ETIME. */
	struct __kernel_timespec ts = ms(50);
	int ret = io_uring_wait_cqes(&ring, &cqe, 2, &ts, NULL);
	cr_assert_eq(ret, 0, "wait_cqes: %d", ret);
	cr_assert_not_null(cqe);
	cr_assert_eq(cqe->user_data, 1);
	io_uring_cqe_seen(&ring, cqe);

	/* The submitting form returns what it submitted. */
	sqe = get_sqe(&ring);
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data64(sqe, 2);
	ts = ms(50);
	cqe = NULL;
	ret = io_uring_submit_and_wait_timeout(&ring, &cqe, 2, &ts, NULL);
	cr_assert_eq(ret, 1, "submit_and_wait_timeout: %d", ret);
	cr_assert_not_null(cqe);
	cr_assert_eq(cqe->user_data, 2);
	io_uring_cqe_seen(&ring, cqe);

	/* None at all: that is -ETIME. */
	ts = ms(20);
	cr_assert_eq(io_uring_wait_cqes(&ring, &cqe, 1, &ts, NULL), -ETIME);
	ts = ms(20);
	cr_assert_eq(io_uring_submit_and_wait_timeout(&ring, &cqe, 1, &ts, NULL), -ETIME);
	io_uring_queue_exit(&ring);
}

Test(liburing_compat, without_ext_arg_the_wait_uses_a_timeout_sqe_and_hides_it)
{
	struct io_uring ring;
	struct io_uring_cqe *cqe = NULL;

	init_or_skip(&ring, 8, 0);
	/* A kernel before 5.11, as the ring's features tell it. */
	ring.features &= ~IORING_FEAT_EXT_ARG;

	struct __kernel_timespec ts = ms(20);
	cr_assert_eq(io_uring_wait_cqe_timeout(&ring, &cqe, &ts), -ETIME);
	cr_assert_eq(*ring.sq.khead, 1, "the timeout went in as an SQE");
	cr_assert_eq(io_uring_peek_cqe(&ring, &cqe), -EAGAIN, "and its CQE is not shown");
	cr_assert_eq(io_uring_cq_ready(&ring), 0);

	/* Without EXT_ARG the wait submits, as liburing's: the NOP goes in
	 * with the timeout SQE, and only the NOP's CQE comes out. */
	struct io_uring_sqe *sqe = get_sqe(&ring);
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data64(sqe, 5);
	ts = ms(2000);
	cr_assert_eq(io_uring_wait_cqe_timeout(&ring, &cqe, &ts), 0);
	cr_assert_eq(cqe->user_data, 5);
	io_uring_cqe_seen(&ring, cqe);

	/* The peeks step over such CQEs themselves (liburing's rule: without
	 * EXT_ARG, user_data LIBURING_UDATA_TIMEOUT is the library's): a NOP
	 * posing as one is not shown, an expired timeout posing as one ends
	 * the peek with -ETIME. */
	sqe = get_sqe(&ring);
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data64(sqe, LIBURING_UDATA_TIMEOUT);
	sqe = get_sqe(&ring);
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data64(sqe, 6);
	cr_assert_eq(io_uring_submit(&ring), 2);
	while (io_uring_cq_ready(&ring) < 2)
		cr_assert_eq(io_uring_get_events(&ring), 0);
	cr_assert_eq(io_uring_wait_cqe(&ring, &cqe), 0);
	cr_assert_eq(cqe->user_data, 6, "user_data %llx", (unsigned long long)cqe->user_data);
	io_uring_cqe_seen(&ring, cqe);

	struct __kernel_timespec short_ts = ms(1);
	sqe = get_sqe(&ring);
	io_uring_prep_timeout(sqe, &short_ts, 0, 0);
	io_uring_sqe_set_data64(sqe, LIBURING_UDATA_TIMEOUT);
	cr_assert_eq(io_uring_submit(&ring), 1);
	while (io_uring_cq_ready(&ring) < 1)
		cr_assert_eq(io_uring_get_events(&ring), 0);
	cr_assert_eq(io_uring_peek_cqe(&ring, &cqe), -ETIME);
	cr_assert_eq(io_uring_cq_ready(&ring), 0, "the peek consumed it");

	/* Each further timed wait adds a timeout SQE of its own; none of
	 * their CQEs reaches the program. */
	for (int i = 0; i < 3; i++) {
		ts = ms(20);
		int ret = io_uring_wait_cqe_timeout(&ring, &cqe, &ts);
		cr_assert_eq(ret, -ETIME, "round %d: %d, user_data %llu", i, ret,
			     ret == 0 ? (unsigned long long)cqe->user_data : 0ull);
	}
	struct io_uring_cqe *cqes[4];
	cr_assert_eq(io_uring_peek_batch_cqe(&ring, cqes, 4), 0);
	io_uring_queue_exit(&ring);
}

struct waiter {
	struct io_uring *ring;
	int ret;
};

static void *wait_300ms(void *arg)
{
	struct waiter *w = arg;
	struct __kernel_timespec ts = ms(300);
	struct io_uring_cqe *cqe = NULL;

	w->ret = io_uring_wait_cqe_timeout(w->ring, &cqe, &ts);
	return NULL;
}

/* liburing's waits with EXT_ARG leave the SQ side alone, so one thread may
 * wait while another prepares SQEs: the wait writes back no SQE cursor. */
Test(liburing_compat, a_wait_leaves_the_sq_cursors_to_the_submitting_thread)
{
	struct io_uring ring;
	struct waiter w;
	pthread_t thread;

	init_or_skip(&ring, 4, 0);
	if (!(ring.features & IORING_FEAT_EXT_ARG))
		cr_skip_test("the kernel lacks IORING_FEAT_EXT_ARG");
	w.ring = &ring;
	w.ret = 1;
	cr_assert_eq(pthread_create(&thread, NULL, wait_300ms, &w), 0);
	usleep(50 * 1000);
	struct io_uring_sqe *sqe = get_sqe(&ring);
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data64(sqe, 3);
	cr_assert_eq(pthread_join(thread, NULL), 0);
	cr_assert_eq(w.ret, -ETIME);
	cr_assert_eq(ring.sq.sqe_tail, 1, "the SQE handed out during the wait is still out");
	cr_assert_eq(io_uring_submit(&ring), 1);
	struct io_uring_cqe *cqe = next_cqe(&ring);
	cr_assert_eq(cqe->user_data, 3);
	io_uring_cqe_seen(&ring, cqe);
	io_uring_queue_exit(&ring);
}

/* ---- struct io_uring tells the truth ------------------------------------------- */

Test(liburing_compat, struct_io_uring_members_are_truthful)
{
	struct io_uring ring;

	init_or_skip(&ring, 8, IORING_SETUP_CLAMP);
	cr_assert_geq(ring.ring_fd, 0);
	cr_assert_eq(ring.enter_ring_fd, ring.ring_fd);
	cr_assert(ring.flags & IORING_SETUP_CLAMP);
	cr_assert(ring.features & IORING_FEAT_NODROP);
	cr_assert_eq(ring.sq.ring_entries, 8);
	cr_assert_eq(ring.sq.ring_mask, 7);
	cr_assert_eq(*ring.sq.kring_entries, 8);
	cr_assert_eq(*ring.sq.kring_mask, 7);
	cr_assert_eq(ring.cq.ring_entries, 16);
	cr_assert_eq(*ring.cq.kring_entries, 16);
	cr_assert_eq(ring.cq.ring_mask, ring.cq.ring_entries - 1);
	cr_assert_not_null(ring.sq.sqes);
	cr_assert_gt(ring.sq.ring_sz, 0);
	cr_assert_eq(ring.sq.sqes_sz, 8 * sizeof(struct io_uring_sqe));
	cr_assert((ring.flags & IORING_SETUP_NO_SQARRAY) ? !ring.sq.array : !!ring.sq.array);

	for (unsigned i = 0; i < 3; i++) {
		io_uring_prep_nop(get_sqe(&ring));
		cr_assert_eq(ring.sq.sqe_tail, i + 1);
		cr_assert_eq(ring.sq.sqe_head, i, "not yet published");
		cr_assert_eq(io_uring_submit(&ring), 1);
		cr_assert_eq(ring.sq.sqe_head, i + 1, "the cursor moved in struct io_uring");
		cr_assert_eq(*ring.sq.ktail, i + 1);
		cr_assert_eq(*ring.sq.khead, i + 1, "the kernel took it");
	}
	unsigned head;
	struct io_uring_cqe *cqe;
	unsigned seen = 0;
	cr_assert_eq(io_uring_submit_and_wait(&ring, 0), 0);
	while (io_uring_cq_ready(&ring) < 3)
		cr_assert_eq(io_uring_wait_cqe_nr(&ring, &cqe, 3), 0);
	io_uring_for_each_cqe(&ring, head, cqe) {
		cr_assert_eq(head, *ring.cq.khead + seen);
		seen++;
	}
	cr_assert_eq(seen, 3);
	io_uring_cq_advance(&ring, seen);
	cr_assert_eq(*ring.cq.khead, *ring.cq.ktail);

	/* The registered ring fd: liburing counts it, and enters through it. */
	int ret = io_uring_register_ring_fd(&ring);
	if (ret == -EINVAL)
		cr_skip_test("no registered ring fds (5.18)");
	cr_assert_eq(ret, 1);
	cr_assert(ring.int_flags & RR_LIBURING_INT_REG_RING);
	cr_assert_neq(ring.enter_ring_fd, ring.ring_fd);
	io_uring_prep_nop(get_sqe(&ring));
	cr_assert_eq(io_uring_submit(&ring), 1);
	cqe = next_cqe(&ring);
	io_uring_cqe_seen(&ring, cqe);
	cr_assert_eq(io_uring_register_ring_fd(&ring), -EEXIST);
	cr_assert_eq(io_uring_unregister_ring_fd(&ring), 1);
	cr_assert_eq(ring.enter_ring_fd, ring.ring_fd);
	cr_assert_not(ring.int_flags & RR_LIBURING_INT_REG_RING);
	io_uring_queue_exit(&ring);
	cr_assert_eq(ring.ring_fd, -1, "exit leaves no fd behind");
}

Test(liburing_compat, queue_init_asks_for_no_sqarray_as_liburing)
{
	struct io_uring ring;
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	int ret = io_uring_queue_init_params(4, &ring, &p);
	if (ret == -ENOSYS || ret == -EPERM)
		cr_skip_test("io_uring is unavailable here");
	cr_assert_eq(ret, 0);
	/* 6.6 and later take it: then there is no index array. */
	if (p.flags & IORING_SETUP_NO_SQARRAY)
		cr_assert_null(ring.sq.array);
	else
		cr_assert_not_null(ring.sq.array);
	cr_assert_eq(ring.flags, p.flags);
	io_uring_queue_exit(&ring);

	/* The internal form sets up exactly what it is given. */
	memset(&p, 0, sizeof(p));
	cr_assert_geq(__io_uring_queue_init_params(4, &ring, &p, NULL, 0), 0);
	cr_assert_not_null(ring.sq.array);
	io_uring_queue_exit(&ring);
}

/* After io_uring_close_ring_fd the registered index is the ring's only
 * handle: enters and register calls go through it, and exit still
 * releases the ring. */
Test(liburing_compat, a_ring_with_its_fd_closed_runs_on_its_registered_index)
{
	struct io_uring ring;
	unsigned values[2] = { 0, 0 };

	init_or_skip(&ring, 4, 0);
	if (!(ring.features & IORING_FEAT_REG_REG_RING))
		cr_skip_test("the kernel lacks IORING_FEAT_REG_REG_RING (6.3)");
	cr_assert_eq(io_uring_register_ring_fd(&ring), 1);
	cr_assert(ring.int_flags & RR_LIBURING_INT_REG_REG_RING);
	int fd = ring.ring_fd;
	cr_assert_eq(io_uring_close_ring_fd(&ring), 1);
	cr_assert_eq(ring.ring_fd, -1);
	cr_assert_eq(fcntl(fd, F_GETFD), -1, "the fd is closed");

	cr_assert_eq(io_uring_register_iowq_max_workers(&ring, values), 0);
	cr_assert(values[0] || values[1], "the limits came back");
	io_uring_prep_nop(get_sqe(&ring));
	cr_assert_eq(io_uring_submit(&ring), 1);
	struct io_uring_cqe *cqe = next_cqe(&ring);
	cr_assert_eq(cqe->res, 0);
	io_uring_cqe_seen(&ring, cqe);
	io_uring_queue_exit(&ring);
	cr_assert_null(ring.sq.ring_ptr, "exit unmapped the rings");
}

/*
 * struct io_uring_sqe has the newest ABI's members at the ABI's offsets,
 * and the kernel reads them there: a getsockopt socket command whose
 * level, optname, optval and optlen are set through those names.
 */
Test(liburing_compat, the_sqe_has_the_newest_abis_members_where_the_kernel_reads_them)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	int fds[2], value = 0, sndbuf = 0;
	socklen_t len = sizeof(sndbuf);

	cr_assert_eq(offsetof(struct io_uring_sqe, level), 16);
	cr_assert_eq(offsetof(struct io_uring_sqe, optname), 20);
	cr_assert_eq(offsetof(struct io_uring_sqe, nop_flags), 28);
	cr_assert_eq(offsetof(struct io_uring_sqe, pipe_flags), 28);
	cr_assert_eq(offsetof(struct io_uring_sqe, optlen), 44);
	cr_assert_eq(offsetof(struct io_uring_sqe, zcrx_ifq_idx), 44);
	cr_assert_eq(offsetof(struct io_uring_sqe, optval), 48);
	cr_assert_eq(offsetof(struct io_uring_sqe, attr_ptr), 48);
	cr_assert_eq(offsetof(struct io_uring_sqe, attr_type_mask), 56);

	init_or_skip(&ring, 4, 0);
	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
	cr_assert_eq(getsockopt(fds[0], SOL_SOCKET, SO_SNDBUF, &sndbuf, &len), 0);

	sqe = get_sqe(&ring);
	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = IORING_OP_URING_CMD;
	sqe->fd = fds[0];
	sqe->cmd_op = SOCKET_URING_OP_GETSOCKOPT;
	sqe->level = SOL_SOCKET;
	sqe->optname = SO_SNDBUF;
	sqe->optval = (__u64)(uintptr_t)&value;
	sqe->optlen = sizeof(value);
	sqe->user_data = 7;
	cr_assert_eq(io_uring_submit(&ring), 1);
	cqe = next_cqe(&ring);
	if (cqe->res == -EINVAL || cqe->res == -EOPNOTSUPP) {
		io_uring_queue_exit(&ring);
		cr_skip_test("no socket commands here (%s)", strerror(-cqe->res));
	}
	cr_assert_eq(cqe->user_data, 7);
	cr_assert_geq(cqe->res, 0, "getsockopt command: %s", strerror(-cqe->res));
	cr_assert_eq(value, sndbuf, "the kernel read optval/optlen elsewhere");
	io_uring_cqe_seen(&ring, cqe);
	close(fds[0]);
	close(fds[1]);
	io_uring_queue_exit(&ring);
}

/* io_uring_queue_mmap: a ring from io_uring_setup runs through the front,
 * and io_uring_queue_exit closes its fd, as liburing's does. */
Test(liburing_compat, queue_mmap_takes_up_a_ring_set_up_by_hand)
{
	struct io_uring_params p;
	struct io_uring ring;

	memset(&p, 0, sizeof(p));
	int fd = io_uring_setup(8, &p);
	if (fd == -ENOSYS || fd == -EPERM)
		cr_skip_test("io_uring is unavailable here");
	cr_assert_geq(fd, 0, "io_uring_setup: %s", strerror(-fd));
	cr_assert_eq(io_uring_queue_mmap(fd, &p, &ring), 0);
	cr_assert_eq(ring.ring_fd, fd);
	cr_assert_eq(ring.sq.ring_entries, 8u);
	for (unsigned i = 0; i < 12; i++) { /* past the SQ's wrap */
		struct io_uring_sqe *sqe = get_sqe(&ring);
		io_uring_prep_nop(sqe);
		io_uring_sqe_set_data64(sqe, i);
		cr_assert_eq(io_uring_submit(&ring), 1);
		struct io_uring_cqe *cqe = next_cqe(&ring);
		cr_assert_eq(cqe->user_data, i);
		io_uring_cqe_seen(&ring, cqe);
	}
	struct io_uring_params small = p;
	small.sq_entries = 4;
	struct io_uring other;
	cr_assert_eq(io_uring_queue_mmap(fd, &small, &other), -EINVAL);
	io_uring_queue_exit(&ring);
	cr_assert_lt(fcntl(fd, F_GETFD), 0, "the fd is closed at exit");
}
