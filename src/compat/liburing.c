/*
 * The out-of-line half of rawring/liburing.h: liburing 2.15's functions
 * over rawring's.  struct io_uring holds the ring's state; each call that
 * has logic in it makes a struct rr_ring view of it (view_of), lets
 * rawring's function work on the view, and folds what the call changed
 * back into struct io_uring (fold_back), nothing else: the mapped words are
 * shared anyway.  What is liburing's own behaviour and
 * not rawring's (the -ETIME rule of timed waits, waits that submit
 * nothing, return values) is decided here, next to the forward.
 */
#define _GNU_SOURCE
#define RAWRING_LIBURING_NO_SQE_ALIASES
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "../ring/register_internal.h"
#include "rawring/liburing.h"

/* ---- the view ------------------------------------------------------------ */

/* struct io_uring keeps rawring's registered_by (the token of the thread
 * whose table holds the registered ring index) in cq.pad. */
RR_STATIC_ASSERT(sizeof(((struct rr_ring *)0)->registered_by) <=
			 sizeof(((struct io_uring_cq *)0)->pad),
		 "cq.pad holds registered_by");

/* A call's rr_ring, and the same as it was made, to tell what the call
 * changed. */
struct view {
	struct rr_ring rr;
	struct rr_ring was;
};

static void view_of(const struct io_uring *ring, struct view *v)
{
	struct rr_ring *rr = &v->rr;

	memset(rr, 0, sizeof(*rr));
	rr->sq.khead = ring->sq.khead;
	rr->sq.ktail = ring->sq.ktail;
	rr->sq.kflags = ring->sq.kflags;
	rr->sq.kdropped = ring->sq.kdropped;
	rr->sq.array = ring->sq.array;
	rr->sq.sqes = ring->sq.sqes;
	rr->sq.sqe_head = ring->sq.sqe_head;
	rr->sq.sqe_tail = ring->sq.sqe_tail;
	rr->sq.ring_mask = ring->sq.ring_mask;
	rr->sq.ring_entries = ring->sq.ring_entries;
	rr->sq.ring_ptr = ring->sq.ring_ptr;
	rr->sq.ring_size = ring->sq.ring_sz;
	rr->sq.sqes_size = ring->sq.sqes_sz;

	rr->cq.khead = ring->cq.khead;
	rr->cq.ktail = ring->cq.ktail;
	rr->cq.kflags = ring->cq.kflags;
	rr->cq.koverflow = ring->cq.koverflow;
	rr->cq.cqes = ring->cq.cqes;
	rr->cq.ring_mask = ring->cq.ring_mask;
	rr->cq.ring_entries = ring->cq.ring_entries;
	rr->cq.ring_ptr = ring->cq.ring_ptr;
	rr->cq.ring_size = ring->cq.ring_sz;

	rr->setup_flags = ring->flags;
	rr->features = ring->features;
	rr->ring_fd = ring->ring_fd;
	rr->enter_fd = ring->enter_ring_fd;
	rr->user_memory = (ring->flags & IORING_SETUP_NO_MMAP) != 0;
	if (ring->int_flags & RR_LIBURING_INT_REG_RING)
		rr->enter_flags |= IORING_ENTER_REGISTERED_RING;
	if (ring->int_flags & RR_LIBURING_INT_NO_IOWAIT)
		rr->enter_flags |= IORING_ENTER_NO_IOWAIT;
	rr->sqe_shift = io_uring_sqe_shift(ring);
	rr->cqe_shift = io_uring_cqe_shift(ring);
	memcpy(&rr->registered_by, ring->cq.pad, sizeof(rr->registered_by));
	v->was = *rr;
}

/* The word at `offset` of a ring mapping. */
static unsigned *word_at(void *base, unsigned offset)
{
	return (unsigned *)((char *)base + offset);
}

/*
 * Write back what the call changed, and only that: a wait on one thread
 * must not write the SQE cursors another thread submits with (liburing's
 * waits with EXT_ARG are safe that way).  The deprecated kring_mask and
 * kring_entries pointers are set where the call laid the rings out (setup,
 * resize: the view's params carry the offsets), and point at the dead
 * ring's word once the ring is gone.
 */
#define FOLD(to, field)                                                        \
	do {                                                                   \
		if (v->rr.field != v->was.field)                               \
			(to) = v->rr.field;                                    \
	} while (0)

static void fold_back(struct io_uring *ring, const struct view *v)
{
	const struct rr_ring *rr = &v->rr;

	FOLD(ring->sq.khead, sq.khead);
	FOLD(ring->sq.ktail, sq.ktail);
	FOLD(ring->sq.kflags, sq.kflags);
	FOLD(ring->sq.kdropped, sq.kdropped);
	FOLD(ring->sq.array, sq.array);
	FOLD(ring->sq.sqes, sq.sqes);
	FOLD(ring->sq.sqe_head, sq.sqe_head);
	FOLD(ring->sq.sqe_tail, sq.sqe_tail);
	FOLD(ring->sq.ring_mask, sq.ring_mask);
	FOLD(ring->sq.ring_entries, sq.ring_entries);
	FOLD(ring->sq.ring_ptr, sq.ring_ptr);
	FOLD(ring->sq.ring_sz, sq.ring_size);
	FOLD(ring->sq.sqes_sz, sq.sqes_size);

	FOLD(ring->cq.khead, cq.khead);
	FOLD(ring->cq.ktail, cq.ktail);
	FOLD(ring->cq.kflags, cq.kflags);
	FOLD(ring->cq.koverflow, cq.koverflow);
	FOLD(ring->cq.cqes, cq.cqes);
	FOLD(ring->cq.ring_mask, cq.ring_mask);
	FOLD(ring->cq.ring_entries, cq.ring_entries);
	FOLD(ring->cq.ring_ptr, cq.ring_ptr);
	FOLD(ring->cq.ring_sz, cq.ring_size);

	if (!rr->sq.ring_ptr && v->was.sq.ring_ptr) {
		ring->sq.kring_mask = ring->sq.kring_entries = rr->sq.khead;
		ring->cq.kring_mask = ring->cq.kring_entries = rr->cq.khead;
	} else if (rr->sq.ring_ptr && rr->params.sq_off.ring_mask) {
		ring->sq.kring_mask = word_at(rr->sq.ring_ptr, rr->params.sq_off.ring_mask);
		ring->sq.kring_entries = word_at(rr->sq.ring_ptr, rr->params.sq_off.ring_entries);
		ring->cq.kring_mask = word_at(rr->cq.ring_ptr, rr->params.cq_off.ring_mask);
		ring->cq.kring_entries = word_at(rr->cq.ring_ptr, rr->params.cq_off.ring_entries);
	}

	FOLD(ring->flags, setup_flags);
	FOLD(ring->features, features);
	FOLD(ring->ring_fd, ring_fd);
	FOLD(ring->enter_ring_fd, enter_fd);
	if (rr->registered_by != v->was.registered_by)
		memcpy(ring->cq.pad, &rr->registered_by, sizeof(rr->registered_by));

	__u8 int_flags = ring->int_flags &
			 (__u8)(RR_LIBURING_INT_APP_MEM | RR_LIBURING_INT_NO_IOWAIT);
	if (rr->enter_flags & IORING_ENTER_REGISTERED_RING) {
		int_flags |= RR_LIBURING_INT_REG_RING;
		if (rr->features & IORING_FEAT_REG_REG_RING)
			int_flags |= RR_LIBURING_INT_REG_REG_RING;
	}
	if ((rr->setup_flags & (IORING_SETUP_IOPOLL | IORING_SETUP_SQPOLL)) ==
	    IORING_SETUP_IOPOLL)
		int_flags |= RR_LIBURING_INT_CQ_ENTER;
	if (int_flags != ring->int_flags)
		ring->int_flags = int_flags;
}

/* For a wait that must submit nothing: the view shows no SQE handed out
 * and unpublished (rawring's timed waits publish those), and as it shows
 * them the cursors were not changed by the call. */
static void hide_pending(struct view *v)
{
	unsigned tail = rr_load_relaxed(v->rr.sq.ktail);

	v->rr.sq.sqe_head = v->rr.sq.sqe_tail = tail;
	v->was.sq.sqe_head = v->was.sq.sqe_tail = tail;
}

/* rawring's `call` on the view of `ring`, folded back: the one pattern of
 * every forward below (VIEW names the view inside `call`). */
#define VIEW (&view_.rr)
#define RETURN_ON_VIEW(ring, type, call)                                       \
	do {                                                                   \
		struct view view_;                                             \
		view_of((ring), &view_);                                       \
		type ret_ = (call);                                            \
		fold_back((ring), &view_);                                     \
		return ret_;                                                   \
	} while (0)

/* liburing's rule for a timed wait that rawring ends with -ETIME: a
 * success when at least one CQE came in time. */
static bool some_came(int ret, struct io_uring_cqe *const *cqe_ptr)
{
	return ret == -ETIME && *cqe_ptr;
}

/* ---- setup and teardown --------------------------------------------------- */

/* The program's io_uring_params as the host's, which rawring takes (the
 * same layout, asserted in rawring/liburing.h). */
static rr__lu_host_params *host_params(struct io_uring_params *p)
{
	return (rr__lu_host_params *)(void *)p;
}

/* One setup attempt with p->flags as they are; buf: the caller's memory for
 * a NO_MMAP ring, or NULL. */
static int init_ring(unsigned entries, struct io_uring *ring,
		     struct io_uring_params *p, void *buf, size_t buf_size)
{
	struct view v;
	void *mapped = NULL;
	size_t mapped_size = 0;
	long ret;

	memset(ring, 0, sizeof(*ring));
	ring->ring_fd = ring->enter_ring_fd = -1;
	if (!p)
		return -EINVAL;
	/* The view of the empty ring: everything setup fills in is new. */
	view_of(ring, &v);
	if (p->flags & IORING_SETUP_NO_MMAP) {
		if (!buf) {
			/* No memory given: pages of our own, unmapped at exit. */
			long size = rr_ring_mem_size(entries, host_params(p));
			if (size < 0)
				return (int)size;
			mapped = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE,
				      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (mapped == MAP_FAILED)
				return -errno;
			mapped_size = (size_t)size;
			buf = mapped;
			buf_size = mapped_size;
		}
		ret = rr_ring_init_mem(entries, &v.rr, host_params(p), buf, buf_size);
	} else {
		ret = rr_ring_init_params(entries, &v.rr, host_params(p));
	}
	if (ret < 0) {
		if (mapped)
			munmap(mapped, mapped_size);
		return (int)ret;
	}
	fold_back(ring, &v);
	if (mapped)
		ring->pad2 = (unsigned)mapped_size;
	else if (p->flags & IORING_SETUP_NO_MMAP)
		ring->int_flags |= RR_LIBURING_INT_APP_MEM;
	return (int)ret;
}

/* liburing's setup: IORING_SETUP_NO_SQARRAY first, unless asked for; on
 * -EINVAL once more as asked. */
static int init_without_sqarray_first(unsigned entries, struct io_uring *ring,
				      struct io_uring_params *p, void *buf,
				      size_t buf_size)
{
	if (!p)
		return -EINVAL;
	unsigned asked = p->flags;
	if (asked & IORING_SETUP_NO_SQARRAY)
		return init_ring(entries, ring, p, buf, buf_size);
	p->flags |= IORING_SETUP_NO_SQARRAY;
	int ret = init_ring(entries, ring, p, buf, buf_size);
	if (ret != -EINVAL)
		return ret;
	p->flags = asked;
	return init_ring(entries, ring, p, buf, buf_size);
}

int __io_uring_queue_init_params(unsigned entries, struct io_uring *ring,
				 struct io_uring_params *p, void *buf,
				 size_t buf_size)
{
	return init_ring(entries, ring, p, buf, buf_size);
}

int io_uring_queue_init_mem(unsigned entries, struct io_uring *ring,
			    struct io_uring_params *p, void *buf, size_t buf_size)
{
	if (!p)
		return -EINVAL;
	p->flags |= IORING_SETUP_NO_MMAP;
	return init_without_sqarray_first(entries, ring, p, buf, buf_size);
}

int io_uring_queue_mmap(int fd, struct io_uring_params *p, struct io_uring *ring)
{
	struct view v;

	memset(ring, 0, sizeof(*ring));
	ring->ring_fd = ring->enter_ring_fd = -1;
	if (!p)
		return -EINVAL;
	view_of(ring, &v);
	int ret = rr_ring_mmap(fd, host_params(p), &v.rr);
	if (ret < 0)
		return ret;
	fold_back(ring, &v);
	return 0;
}

int io_uring_queue_init_params(unsigned entries, struct io_uring *ring,
			       struct io_uring_params *p)
{
	int ret = init_without_sqarray_first(entries, ring, p, NULL, 0);

	return ret < 0 ? ret : 0;
}

int io_uring_queue_init(unsigned entries, struct io_uring *ring, unsigned flags)
{
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	p.flags = flags;
	return io_uring_queue_init_params(entries, ring, &p);
}

void io_uring_queue_exit(struct io_uring *ring)
{
	struct view v;
	void *mapped = ring->pad2 ? ring->sq.ring_ptr : NULL;
	size_t mapped_size = ring->pad2;

	view_of(ring, &v);
	rr_ring_exit(&v.rr);
	fold_back(ring, &v);
	/* rawring leaves NO_MMAP memory to its owner: here that is us. */
	if (mapped && !ring->sq.ring_ptr) {
		munmap(mapped, mapped_size);
		ring->pad2 = 0;
	}
}

int io_uring_ring_dontfork(struct io_uring *ring)
{
	if (!ring->sq.ring_ptr || !ring->sq.sqes || !ring->cq.ring_ptr)
		return -EINVAL;
	if (madvise(ring->sq.sqes, ring->sq.sqes_sz, MADV_DONTFORK) < 0)
		return -errno;
	if (madvise(ring->sq.ring_ptr, ring->sq.ring_sz, MADV_DONTFORK) < 0)
		return -errno;
	if (ring->cq.ring_ptr != ring->sq.ring_ptr &&
	    madvise(ring->cq.ring_ptr, ring->cq.ring_sz, MADV_DONTFORK) < 0)
		return -errno;
	return 0;
}

ssize_t io_uring_memory_size_params(unsigned entries, struct io_uring_params *p)
{
	return rr_ring_mem_size(entries, host_params(p));
}

ssize_t io_uring_memory_size(unsigned entries, unsigned flags)
{
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	p.flags = flags;
	return io_uring_memory_size_params(entries, &p);
}

/* Kernels with IORING_FEAT_NATIVE_WORKERS (5.12) charge rings to the memory
 * cgroup, not to RLIMIT_MEMLOCK: nothing to lock there. */
ssize_t io_uring_mlock_size_params(unsigned entries, struct io_uring_params *p)
{
	struct rr_ring probe_ring;
	unsigned features = 0;

	if (rr_ring_init(entries ? entries : 1, &probe_ring, 0) == 0) {
		features = probe_ring.features;
		rr_ring_exit(&probe_ring);
	}
	if (features & IORING_FEAT_NATIVE_WORKERS)
		return 0;
	return io_uring_memory_size_params(entries, p);
}

ssize_t io_uring_mlock_size(unsigned entries, unsigned flags)
{
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	p.flags = flags;
	return io_uring_mlock_size_params(entries, &p);
}

int io_uring_resize_rings(struct io_uring *ring, struct io_uring_params *p)
{
	RETURN_ON_VIEW(ring, int, rr_resize_rings(VIEW, host_params(p)));
}

/* ---- the probe ------------------------------------------------------------ */

struct io_uring_probe *io_uring_get_probe_ring(struct io_uring *ring)
{
	struct rr_probe *probe = malloc(sizeof(*probe));
	struct view v;

	if (!probe)
		return NULL;
	view_of(ring, &v);
	if (rr_probe_ring(&v.rr, probe) < 0) {
		free(probe);
		return NULL;
	}
	return (struct io_uring_probe *)(void *)probe;
}

struct io_uring_probe *io_uring_get_probe(void)
{
	struct rr_probe *probe = malloc(sizeof(*probe));

	if (!probe)
		return NULL;
	if (rr_probe_kernel(probe) < 0) {
		free(probe);
		return NULL;
	}
	return (struct io_uring_probe *)(void *)probe;
}

void io_uring_free_probe(struct io_uring_probe *probe)
{
	free(probe);
}

/* ---- submission ------------------------------------------------------------ */

int io_uring_submit(struct io_uring *ring)
{
	RETURN_ON_VIEW(ring, int, rr_submit(VIEW));
}

int io_uring_submit_and_wait(struct io_uring *ring, unsigned wait_nr)
{
	RETURN_ON_VIEW(ring, int, rr_submit_and_wait(VIEW, wait_nr));
}

static int submit_then_get_events(struct rr_ring *rr)
{
	int submitted = rr_submit(rr);

	if (submitted < 0)
		return submitted;
	int ret = rr_get_events(rr);
	return ret < 0 ? ret : submitted;
}

int io_uring_submit_and_get_events(struct io_uring *ring)
{
	RETURN_ON_VIEW(ring, int, submit_then_get_events(VIEW));
}

int io_uring_get_events(struct io_uring *ring)
{
	RETURN_ON_VIEW(ring, int, rr_get_events(VIEW));
}

int __io_uring_sqring_wait(struct io_uring *ring)
{
	RETURN_ON_VIEW(ring, int, rr_sqring_wait(VIEW));
}

int io_uring_set_iowait(struct io_uring *ring, bool enable_iowait)
{
	if (!(ring->features & IORING_FEAT_NO_IOWAIT))
		return -EOPNOTSUPP;
	if (enable_iowait)
		ring->int_flags &= (__u8)~RR_LIBURING_INT_NO_IOWAIT;
	else
		ring->int_flags |= RR_LIBURING_INT_NO_IOWAIT;
	return 0;
}

/* ---- completion ------------------------------------------------------------ */

/*
 * On a CQE_MIXED ring the program consumes a batch by the slots its CQEs
 * take (io_uring_cqe_nr each), so liburing's batch ends at a skip entry
 * that is not at the head; rawring's steps over it.  The batch is cut
 * where its CQEs stop following each other slot by slot.
 */
static unsigned contiguous_from_head(const struct io_uring *ring,
				     struct io_uring_cqe **cqes, unsigned n)
{
	unsigned slot = *ring->cq.khead, i;

	for (i = 0; i < n; i++) {
		if (cqes[i] != &ring->cq.cqes[slot & ring->cq.ring_mask])
			break;
		slot += io_uring_cqe_nr(cqes[i]);
	}
	return i;
}

unsigned io_uring_peek_batch_cqe(struct io_uring *ring, struct io_uring_cqe **cqes,
				 unsigned count)
{
	struct view v;

	view_of(ring, &v);
	unsigned n = rr_peek_batch_cqe(&v.rr, cqes, count);
	fold_back(ring, &v);
	if (ring->flags & IORING_SETUP_CQE_MIXED)
		n = contiguous_from_head(ring, cqes, n);
	return n;
}

/*
 * Kernels without IORING_FEAT_EXT_ARG (before 5.11).  liburing times its
 * waits there with a timeout SQE (user_data LIBURING_UDATA_TIMEOUT, count
 * wait_nr); rawring's timed waits refuse such kernels (-EOPNOTSUPP), so the
 * wait is liburing's, on rawring's untimed one.  The timeout's CQE is
 * stepped over by the peeks of rawring/liburing.h (__io_uring_peek_cqe),
 * not by rawring's reaping calls: every wait on such a ring goes through
 * wait_stepping_over_timeouts.
 */

/* A timeout of ours that expired, anywhere among the ready CQEs. */
static bool timeout_expired_in_cq(const struct io_uring *ring)
{
	unsigned head = *ring->cq.khead;
	unsigned tail = rr_load_acquire(ring->cq.ktail);

	while (head != tail) {
		const struct io_uring_cqe *cqe =
			&ring->cq.cqes[(head & ring->cq.ring_mask) << io_uring_cqe_shift(ring)];
		if (cqe->user_data == LIBURING_UDATA_TIMEOUT && cqe->res < 0)
			return true;
		head += io_uring_cqe_nr(cqe);
	}
	return false;
}

/* Until `wait_nr` CQEs are ready (0: look, entering once if the kernel
 * holds completions back) or one of our timeouts expired: rawring waits
 * for one CQE more at a time, which the timeout guarantees will come. */
static int wait_stepping_over_timeouts(struct io_uring *ring,
				       struct io_uring_cqe **cqe_ptr, unsigned wait_nr)
{
	bool looked = false;

	for (;;) {
		struct io_uring_cqe *cqe;
		struct view v;
		unsigned available;
		int ret = __io_uring_peek_cqe(ring, cqe_ptr, &available);

		if (ret)
			return ret; /* -ETIME: our timeout, at the head */
		if (*cqe_ptr && (available >= wait_nr || timeout_expired_in_cq(ring)))
			return 0;
		if (!wait_nr && looked)
			return -EAGAIN;
		view_of(ring, &v);
		if (wait_nr) {
			ret = rr_wait_cqe_nr(&v.rr, &cqe, available + 1);
		} else {
			ret = rr_peek_cqe(&v.rr, &cqe);
			looked = true;
			if (ret == -EAGAIN)
				ret = 0;
		}
		fold_back(ring, &v);
		if (ret < 0)
			return ret;
	}
}

/* A timed wait with liburing's timeout SQE: it goes in with what is
 * pending.  *submitted (not NULL): the SQEs that submit took. */
static int wait_with_timeout_sqe(struct io_uring *ring, struct io_uring_cqe **cqe_ptr,
				 unsigned wait_nr, struct __kernel_timespec *ts,
				 sigset_t *sigmask, int *submitted)
{
	if (sigmask)
		return -EOPNOTSUPP; /* rawring's untimed waits take no mask */
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	if (!sqe) {
		int ret = io_uring_submit(ring);
		if (ret < 0)
			return ret;
		sqe = io_uring_get_sqe(ring);
		if (!sqe)
			return -EAGAIN;
	}
	io_uring_prep_timeout(sqe, ts, wait_nr, 0);
	io_uring_sqe_set_data64(sqe, LIBURING_UDATA_TIMEOUT);
	int ret = io_uring_submit(ring);
	if (ret < 0)
		return ret;
	if (submitted)
		*submitted = ret;
	return wait_stepping_over_timeouts(ring, cqe_ptr, wait_nr ? wait_nr : 1);
}

/* `submit` SQEs (already published) go in with the wait: what is published
 * goes to the kernel, nothing handed out and unpublished. */
static int get_cqe(struct view *v, struct io_uring_cqe **cqe_ptr,
		   unsigned submit, unsigned wait_nr, sigset_t *sigmask)
{
	struct rr_ring *rr = &v->rr;

	if (sigmask) {
		/* Only rawring's timed waits take a signal mask (EXT_ARG). */
		if (!submit)
			hide_pending(v);
		return rr_wait_cqes(rr, cqe_ptr, wait_nr, NULL, sigmask);
	}
	if (submit) {
		int ret = rr_submit_and_wait(rr, wait_nr);
		if (ret < 0)
			return ret;
	}
	if (!wait_nr)
		return rr_peek_cqe(rr, cqe_ptr);
	return rr_wait_cqe_nr(rr, cqe_ptr, wait_nr);
}

int __io_uring_get_cqe(struct io_uring *ring, struct io_uring_cqe **cqe_ptr,
		       unsigned submit, unsigned wait_nr, sigset_t *sigmask)
{
	struct view v;

	if (!(ring->features & IORING_FEAT_EXT_ARG)) {
		if (sigmask)
			return -EOPNOTSUPP;
		if (submit) {
			int ret = io_uring_submit(ring);
			if (ret < 0)
				return ret;
		}
		return wait_stepping_over_timeouts(ring, cqe_ptr, wait_nr);
	}
	view_of(ring, &v);
	int ret = get_cqe(&v, cqe_ptr, submit, wait_nr, sigmask);
	fold_back(ring, &v);
	return ret;
}

int io_uring_wait_cqes(struct io_uring *ring, struct io_uring_cqe **cqe_ptr,
		       unsigned wait_nr, struct __kernel_timespec *ts,
		       sigset_t *sigmask)
{
	struct view v;

	if (!ts)
		return __io_uring_get_cqe(ring, cqe_ptr, 0, wait_nr, sigmask);
	if (!(ring->features & IORING_FEAT_EXT_ARG))
		return wait_with_timeout_sqe(ring, cqe_ptr, wait_nr, ts, sigmask, NULL);
	/* With EXT_ARG the timeout travels in the enter: nothing is
	 * submitted. */
	view_of(ring, &v);
	hide_pending(&v);
	int ret = rr_wait_cqes(&v.rr, cqe_ptr, wait_nr, ts, sigmask);
	fold_back(ring, &v);
	return some_came(ret, cqe_ptr) ? 0 : ret;
}

int io_uring_wait_cqes_min_timeout(struct io_uring *ring,
				   struct io_uring_cqe **cqe_ptr, unsigned wait_nr,
				   struct __kernel_timespec *ts,
				   unsigned int min_ts_usec, sigset_t *sigmask)
{
	struct view v;

	if (!(ring->features & IORING_FEAT_MIN_TIMEOUT))
		return -EINVAL;
	view_of(ring, &v);
	hide_pending(&v);
	int ret = rr_wait_cqes_min_timeout(&v.rr, cqe_ptr, wait_nr, ts, min_ts_usec,
					   sigmask);
	fold_back(ring, &v);
	return some_came(ret, cqe_ptr) ? 0 : ret;
}

int io_uring_wait_cqe_timeout(struct io_uring *ring, struct io_uring_cqe **cqe_ptr,
			      struct __kernel_timespec *ts)
{
	return io_uring_wait_cqes(ring, cqe_ptr, 1, ts, NULL);
}

/*
 * The submitting timed waits.  rawring's says -ETIME (and forgets the count)
 * when fewer than wait_nr CQEs came; liburing returns what it submitted when
 * at least one did: the SQEs the kernel consumed in the meantime (under
 * SQPOLL, the ones the call published, as rr_submit counts).
 */
static int submitted_before_timeout(const struct io_uring *ring, unsigned head_before,
				    unsigned published)
{
	if (ring->flags & IORING_SETUP_SQPOLL)
		return (int)published;
	return (int)(rr_load_relaxed(ring->sq.khead) - head_before);
}

int io_uring_submit_and_wait_timeout(struct io_uring *ring,
				     struct io_uring_cqe **cqe_ptr, unsigned wait_nr,
				     struct __kernel_timespec *ts, sigset_t *sigmask)
{
	struct view v;
	unsigned head_before = rr_load_relaxed(ring->sq.khead);
	unsigned published = ring->sq.sqe_tail - ring->sq.sqe_head;

	if (!(ring->features & IORING_FEAT_EXT_ARG)) {
		int submitted = 0, ret;
		if (ts) {
			ret = wait_with_timeout_sqe(ring, cqe_ptr, wait_nr, ts, sigmask,
						    &submitted);
		} else if (sigmask) {
			ret = -EOPNOTSUPP;
		} else {
			ret = submitted = io_uring_submit(ring);
			if (ret >= 0)
				ret = wait_stepping_over_timeouts(ring, cqe_ptr,
								  wait_nr ? wait_nr : 1);
		}
		return ret < 0 ? ret : submitted;
	}
	view_of(ring, &v);
	int ret = rr_submit_and_wait_timeout(&v.rr, cqe_ptr, wait_nr, ts, sigmask);
	fold_back(ring, &v);
	if (some_came(ret, cqe_ptr))
		return submitted_before_timeout(ring, head_before, published);
	return ret;
}

int io_uring_submit_and_wait_min_timeout(struct io_uring *ring,
					 struct io_uring_cqe **cqe_ptr,
					 unsigned wait_nr,
					 struct __kernel_timespec *ts,
					 unsigned min_wait, sigset_t *sigmask)
{
	struct view v;
	unsigned head_before = rr_load_relaxed(ring->sq.khead);
	unsigned published = ring->sq.sqe_tail - ring->sq.sqe_head;

	if (!(ring->features & IORING_FEAT_MIN_TIMEOUT))
		return -EINVAL;
	view_of(ring, &v);
	int ret = rr_submit_and_wait_min_timeout(&v.rr, cqe_ptr, wait_nr, ts,
						 min_wait, sigmask);
	fold_back(ring, &v);
	if (some_came(ret, cqe_ptr))
		return submitted_before_timeout(ring, head_before, published);
	return ret;
}

int io_uring_submit_and_wait_reg(struct io_uring *ring, struct io_uring_cqe **cqe_ptr,
				 unsigned wait_nr, int reg_index)
{
	struct view v;

	if (!(ring->features & IORING_FEAT_EXT_ARG) || reg_index < 0)
		return -EINVAL;
	view_of(ring, &v);
	int ret = rr_submit_and_wait_reg(&v.rr, cqe_ptr, wait_nr, (unsigned)reg_index);
	fold_back(ring, &v);
	return some_came(ret, cqe_ptr) ? 0 : ret;
}

/* liburing 2.15 has no such registration any more: wait arguments live in
 * a region (io_uring_register_region). */
int io_uring_register_wait_reg(struct io_uring *ring, struct io_uring_reg_wait *reg,
			       int nr)
{
	(void)ring;
	(void)reg;
	(void)nr;
	return -EINVAL;
}

/* ---- registration ---------------------------------------------------------- */

int io_uring_register_buffers(struct io_uring *ring, const struct iovec *iovecs,
			      unsigned nr_iovecs)
{
	RETURN_ON_VIEW(ring, int, rr_register_buffers(VIEW, iovecs, nr_iovecs));
}

int io_uring_register_buffers_tags(struct io_uring *ring, const struct iovec *iovecs,
				   const __u64 *tags, unsigned nr)
{
	RETURN_ON_VIEW(ring, int, rr_register_buffers_tags(VIEW, iovecs, tags, nr));
}

int io_uring_register_buffers_sparse(struct io_uring *ring, unsigned nr)
{
	RETURN_ON_VIEW(ring, int, rr_register_buffers_sparse(VIEW, nr));
}

int io_uring_register_buffers_update_tag(struct io_uring *ring, unsigned off,
					 const struct iovec *iovecs,
					 const __u64 *tags, unsigned nr)
{
	RETURN_ON_VIEW(ring, int,
		       rr_register_buffers_update_tag(VIEW, off, iovecs, tags, nr));
}

int io_uring_unregister_buffers(struct io_uring *ring)
{
	RETURN_ON_VIEW(ring, int, rr_unregister_buffers(VIEW));
}

/* rawring names the source ring by its fd, so the flag that says "by its
 * registered index" is dropped. */
static int clone_buffers(struct io_uring *dst, struct io_uring *src,
			 unsigned dst_off, unsigned src_off, unsigned nr,
			 unsigned flags)
{
	struct view dst_view, src_view;

	view_of(dst, &dst_view);
	view_of(src, &src_view);
	int ret = rr_clone_buffers_offset(&dst_view.rr, &src_view.rr, dst_off, src_off, nr,
					  flags & ~(unsigned)IORING_REGISTER_SRC_REGISTERED);
	fold_back(dst, &dst_view);
	return ret;
}

int io_uring_clone_buffers_offset(struct io_uring *dst, struct io_uring *src,
				  unsigned int dst_off, unsigned int src_off,
				  unsigned int nr, unsigned int flags)
{
	return clone_buffers(dst, src, dst_off, src_off, nr, flags);
}

int __io_uring_clone_buffers_offset(struct io_uring *dst, struct io_uring *src,
				    unsigned int dst_off, unsigned int src_off,
				    unsigned int nr, unsigned int flags)
{
	return clone_buffers(dst, src, dst_off, src_off, nr, flags);
}

int io_uring_clone_buffers(struct io_uring *dst, struct io_uring *src)
{
	return clone_buffers(dst, src, 0, 0, 0, 0);
}

int __io_uring_clone_buffers(struct io_uring *dst, struct io_uring *src,
			     unsigned int flags)
{
	return clone_buffers(dst, src, 0, 0, 0, flags);
}

/* liburing's documented retry: a file table larger than RLIMIT_NOFILE
 * allows (-EMFILE) raises the soft limit by `nr` and tries once more. */
static bool raised_nofile_limit(int ret, unsigned nr, bool *raised)
{
	struct rlimit limit;

	if (ret != -EMFILE || *raised)
		return false;
	*raised = true;
	if (getrlimit(RLIMIT_NOFILE, &limit) < 0)
		return false;
	if (limit.rlim_cur < nr) {
		limit.rlim_cur += nr;
		if (limit.rlim_cur > limit.rlim_max)
			limit.rlim_cur = limit.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &limit);
	}
	return true;
}

int io_uring_register_files(struct io_uring *ring, const int *files,
			    unsigned nr_files)
{
	struct view v;
	bool raised = false;
	int ret;

	view_of(ring, &v);
	do
		ret = rr_register_files(&v.rr, files, nr_files);
	while (raised_nofile_limit(ret, nr_files, &raised));
	fold_back(ring, &v);
	return ret;
}

int io_uring_register_files_tags(struct io_uring *ring, const int *files,
				 const __u64 *tags, unsigned nr)
{
	struct view v;
	bool raised = false;
	int ret;

	view_of(ring, &v);
	do
		ret = rr_register_files_tags(&v.rr, files, tags, nr);
	while (raised_nofile_limit(ret, nr, &raised));
	fold_back(ring, &v);
	return ret;
}

int io_uring_register_files_sparse(struct io_uring *ring, unsigned nr)
{
	struct view v;
	bool raised = false;
	int ret;

	view_of(ring, &v);
	do
		ret = rr_register_files_sparse(&v.rr, nr);
	while (raised_nofile_limit(ret, nr, &raised));
	fold_back(ring, &v);
	return ret;
}

int io_uring_register_files_update_tag(struct io_uring *ring, unsigned off,
				       const int *files, const __u64 *tags,
				       unsigned nr_files)
{
	RETURN_ON_VIEW(ring, int,
		       rr_register_files_update_tag(VIEW, off, files, tags, nr_files));
}

int io_uring_unregister_files(struct io_uring *ring)
{
	RETURN_ON_VIEW(ring, int, rr_unregister_files(VIEW));
}

int io_uring_register_files_update(struct io_uring *ring, unsigned off,
				   const int *files, unsigned nr_files)
{
	RETURN_ON_VIEW(ring, int, rr_register_files_update(VIEW, off, files, nr_files));
}

int io_uring_register_file_alloc_range(struct io_uring *ring, unsigned off,
				       unsigned len)
{
	RETURN_ON_VIEW(ring, int, rr_register_file_alloc_range(VIEW, off, len));
}

int io_uring_register_eventfd(struct io_uring *ring, int fd)
{
	RETURN_ON_VIEW(ring, int, rr_register_eventfd(VIEW, fd));
}

int io_uring_register_eventfd_async(struct io_uring *ring, int fd)
{
	RETURN_ON_VIEW(ring, int, rr_register_eventfd_async(VIEW, fd));
}

int io_uring_unregister_eventfd(struct io_uring *ring)
{
	RETURN_ON_VIEW(ring, int, rr_unregister_eventfd(VIEW));
}

int io_uring_register_probe(struct io_uring *ring, struct io_uring_probe *p,
			    unsigned nr)
{
	RETURN_ON_VIEW(ring, int, rr_register_probe(VIEW, p, nr));
}

int io_uring_register_personality(struct io_uring *ring)
{
	RETURN_ON_VIEW(ring, int, rr_register_personality(VIEW));
}

int io_uring_unregister_personality(struct io_uring *ring, int id)
{
	RETURN_ON_VIEW(ring, int, rr_unregister_personality(VIEW, id));
}

int io_uring_register_restrictions(struct io_uring *ring,
				   struct io_uring_restriction *res,
				   unsigned int nr_res)
{
	RETURN_ON_VIEW(ring, int, rr_register_restrictions(VIEW, res, nr_res));
}

int io_uring_enable_rings(struct io_uring *ring)
{
	RETURN_ON_VIEW(ring, int, rr_register_enable_rings(VIEW));
}

int io_uring_register_iowq_aff(struct io_uring *ring, size_t cpusz,
			       const cpu_set_t *mask)
{
	RETURN_ON_VIEW(ring, int, rr_register_iowq_aff(VIEW, cpusz, mask));
}

int io_uring_unregister_iowq_aff(struct io_uring *ring)
{
	RETURN_ON_VIEW(ring, int, rr_unregister_iowq_aff(VIEW));
}

int io_uring_register_iowq_max_workers(struct io_uring *ring, unsigned int *values)
{
	RETURN_ON_VIEW(ring, int, rr_register_iowq_max_workers(VIEW, values));
}

/* liburing counts the fds registered: 1. */
static int one_on_success(int ret)
{
	return ret < 0 ? ret : 1;
}

int io_uring_register_ring_fd(struct io_uring *ring)
{
	RETURN_ON_VIEW(ring, int, one_on_success(rr_register_ring_fd(VIEW)));
}

int io_uring_unregister_ring_fd(struct io_uring *ring)
{
	RETURN_ON_VIEW(ring, int, one_on_success(rr_unregister_ring_fd(VIEW)));
}

/* Keep only the registered index (IORING_FEAT_REG_REG_RING: register calls
 * can use it too); rr_ring_exit then unregisters it. */
int io_uring_close_ring_fd(struct io_uring *ring)
{
	if (!(ring->features & IORING_FEAT_REG_REG_RING))
		return -EOPNOTSUPP;
	if (!(ring->int_flags & RR_LIBURING_INT_REG_RING))
		return -EINVAL;
	if (ring->ring_fd == -1)
		return -EBADF;
	close(ring->ring_fd);
	ring->ring_fd = -1;
	return 1;
}

/* The program's own buffer ring memory (or IOU_PBUF_RING_MMAP): rawring's
 * rr_register_buf_ring allocates its own, so the registration goes through
 * rawring's register path as it is. */
int io_uring_register_buf_ring(struct io_uring *ring, struct io_uring_buf_reg *reg,
			       unsigned int flags)
{
	reg->flags = (__u16)(reg->flags | flags);
	RETURN_ON_VIEW(ring, int,
		       rr__ring_register(VIEW, IORING_REGISTER_PBUF_RING, reg, 1));
}

int io_uring_unregister_buf_ring(struct io_uring *ring, int bgid)
{
	struct rr_buf_reg reg;

	memset(&reg, 0, sizeof(reg));
	reg.bgid = (__u16)bgid;
	RETURN_ON_VIEW(ring, int,
		       rr__ring_register(VIEW, IORING_UNREGISTER_PBUF_RING, &reg, 1));
}

int io_uring_buf_ring_head(struct io_uring *ring, int buf_group, uint16_t *head)
{
	RETURN_ON_VIEW(ring, int, rr_buf_ring_head(VIEW, (unsigned)buf_group, head));
}

int io_uring_register_sync_cancel(struct io_uring *ring,
				  struct io_uring_sync_cancel_reg *reg)
{
	RETURN_ON_VIEW(ring, int,
		       rr_register_sync_cancel(VIEW, reg));
}

int io_uring_register_sync_msg(struct io_uring_sqe *sqe)
{
	return rr_register_sync_msg(sqe);
}

int io_uring_register_napi(struct io_uring *ring, struct io_uring_napi *napi)
{
	RETURN_ON_VIEW(ring, int, rr_register_napi(VIEW, (struct rr_napi *)(void *)napi));
}

int io_uring_unregister_napi(struct io_uring *ring, struct io_uring_napi *napi)
{
	RETURN_ON_VIEW(ring, int,
		       rr_unregister_napi(VIEW, (struct rr_napi *)(void *)napi));
}

int io_uring_register_ifq(struct io_uring *ring, struct io_uring_zcrx_ifq_reg *reg)
{
	RETURN_ON_VIEW(ring, int,
		       rr_register_ifq(VIEW, (struct rr_zcrx_ifq_reg *)(void *)reg));
}

int io_uring_register_zcrx_ctrl(struct io_uring *ring, struct zcrx_ctrl *ctrl)
{
	RETURN_ON_VIEW(ring, int,
		       rr_register_zcrx_ctrl(VIEW, (struct rr_zcrx_ctrl *)(void *)ctrl));
}

int io_uring_register_clock(struct io_uring *ring, struct io_uring_clock_register *arg)
{
	RETURN_ON_VIEW(ring, int,
		       rr_register_clock(VIEW, (struct rr_clock_register *)(void *)arg));
}

int io_uring_register_bpf_filter(struct io_uring *ring, struct io_uring_bpf *bpf)
{
	RETURN_ON_VIEW(ring, int, rr_register_bpf_filter(VIEW, bpf));
}

/* The task-wide form has no ring; rawring refuses BPF filters. */
int io_uring_register_bpf_filter_task(struct io_uring_bpf *bpf)
{
	(void)bpf;
	return -EOPNOTSUPP;
}

int io_uring_register_query(struct io_uring_query_hdr *query)
{
	return rr_register_query((struct rr_query_hdr *)(void *)query);
}

int io_uring_register_region(struct io_uring *ring, struct io_uring_mem_region_reg *reg)
{
	RETURN_ON_VIEW(ring, int,
		       rr_register_region(VIEW, (struct rr_mem_region_reg *)(void *)reg));
}

/* ---- buffer rings ------------------------------------------------------------ */

struct io_uring_buf_ring *io_uring_setup_buf_ring(struct io_uring *ring,
						  unsigned int nentries, int bgid,
						  unsigned int flags, int *err)
{
	struct rr_buf_ring br;
	struct view v;

	view_of(ring, &v);
	int ret = rr_register_buf_ring_flags(&v.rr, &br, nentries, (unsigned short)bgid,
					     flags);
	fold_back(ring, &v);
	*err = ret < 0 ? ret : 0;
	return ret < 0 ? NULL : br.bufs;
}

/* As liburing: the memory goes only once the group is gone (a failed
 * unregister leaves both). */
int io_uring_free_buf_ring(struct io_uring *ring, struct io_uring_buf_ring *br,
			   unsigned int nentries, int bgid)
{
	int ret = io_uring_unregister_buf_ring(ring, bgid);

	if (ret < 0)
		return ret;
	munmap(br, nentries * sizeof(struct io_uring_buf));
	return 0;
}

/* ---- the system calls ---------------------------------------------------------- */

int io_uring_enter(unsigned int fd, unsigned int to_submit, unsigned int min_complete,
		   unsigned int flags, sigset_t *sig)
{
	return rr_io_uring_enter((int)fd, to_submit, min_complete, flags, sig);
}

int io_uring_enter2(unsigned int fd, unsigned int to_submit, unsigned int min_complete,
		    unsigned int flags, void *arg, size_t sz)
{
	return rr_io_uring_enter2((int)fd, to_submit, min_complete, flags, arg, sz);
}

int io_uring_setup(unsigned int entries, struct io_uring_params *p)
{
	return rr_io_uring_setup(entries, host_params(p));
}

int io_uring_register(unsigned int fd, unsigned int opcode, const void *arg,
		      unsigned int nr_args)
{
	return rr_io_uring_register((int)fd, opcode, arg, nr_args);
}

/* ---- version ------------------------------------------------------------------- */

int io_uring_major_version(void)
{
	return IO_URING_VERSION_MAJOR;
}

int io_uring_minor_version(void)
{
	return IO_URING_VERSION_MINOR;
}

bool io_uring_check_version(int major, int minor)
{
	return major > IO_URING_VERSION_MAJOR ||
	       (major == IO_URING_VERSION_MAJOR && minor > IO_URING_VERSION_MINOR);
}
