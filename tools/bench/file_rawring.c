/*
 * rawring's side of the file workload: `depth` ops on the proactor loop,
 * each at a random block-aligned offset; a completion schedules the op
 * again at a new offset until the time is up.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "bench_stats.h"
#include "file_bench.h"
#include "rawring.h"

#define HUGE_PAGE ((size_t)2 << 20)

struct slot {
	struct rr_op op;
	void *buf;
	unsigned index;          /* its registered buffer (job->fixed) */
};

struct run {
	const struct file_job *job;
	int fd;
	uint64_t blocks, rng, done, bytes, deadline;
	int error;
	bool stopping;
};

static uint64_t next_random(struct run *r)
{
	/* xorshift64: cheap, and the same stream on every run */
	r->rng ^= r->rng << 13;
	r->rng ^= r->rng >> 7;
	r->rng ^= r->rng << 17;
	return r->rng;
}

static void issue(struct rr_loop *loop, struct run *r, struct slot *s)
{
	uint64_t x = next_random(r);
	int64_t offset = (int64_t)((x % r->blocks) * r->job->block);
	bool reading = (x >> 40) % 100 < r->job->read_percent;
	unsigned len = r->job->block;
	int ret;

	if (r->job->fixed) { /* buffer s->index of the table, file 0 */
		rr_op_fixed_file(&s->op);
		ret = reading ? rr_read_fixed(loop, &s->op, 0, s->buf, len, offset, s->index)
			      : rr_write_fixed(loop, &s->op, 0, s->buf, len, offset, s->index);
	} else {
		ret = reading ? rr_read(loop, &s->op, r->fd, s->buf, len, offset)
			      : rr_write(loop, &s->op, r->fd, s->buf, len, offset);
	}
	if (ret < 0 && !r->error)
		r->error = ret;
}

static void on_done(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct slot *s = (struct slot *)op;
	struct run *r = op->context;

	if (result < 0) {
		if (!r->error)
			r->error = result;
		return;
	}
	r->done++;
	r->bytes += (unsigned)result;
	/* The clock is read every 64 completions; past the deadline, each
	 * op ends with its completion. */
	if ((r->done & 63) == 0 && r->deadline && bench_now_ns() >= r->deadline)
		r->stopping = true;
	if (!r->stopping)
		issue(loop, r, s);
}

/* The slots' buffers and the file, registered with the loop. */
static int register_tables(struct rr_loop *loop, const struct run *r, struct slot *slots)
{
	struct iovec *iov = calloc(r->job->depth, sizeof(*iov));

	if (!iov)
		return -ENOMEM;
	for (unsigned i = 0; i < r->job->depth; i++) {
		slots[i].index = i;
		iov[i].iov_base = slots[i].buf;
		iov[i].iov_len = r->job->block;
	}
	int ret = rr_loop_register_buffers(loop, iov, r->job->depth);
	free(iov);
	if (ret == 0)
		ret = rr_loop_register_files(loop, &r->fd, 1);
	return ret;
}

int file_run_rawring(const struct file_job *job, bool sqpoll, struct file_result *out,
		     struct echo_counters *counters)
{
	struct rr_loop_options options = { .backend = RR_BACKEND_URING, .sqpoll = sqpoll,
					   .sqpoll_cpu = -1, .entries = 256 };
	struct run r = { .job = job, .blocks = job->file_size / job->block,
			 .rng = 0x9E3779B97F4A7C15ull };
	struct rr_loop loop;
	struct slot *slots = calloc(job->depth, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	r.fd = open(job->path, O_RDWR | O_CLOEXEC | (job->direct ? O_DIRECT : 0));
	if (r.fd < 0) {
		free(slots);
		return -errno;
	}
	int ret = rr_loop_init(&loop, &options);
	/* --hugepage-buffers: every buffer in one region of 2 MiB pages, so
	 * that an I/O's buffer is one physical segment (4 KiB pages give a
	 * 16 KiB buffer about 3.4, one per page that is not adjacent to the
	 * last).  Otherwise each buffer is its own page-aligned allocation. */
	char *area = NULL;
	size_t area_size = 0;
	if (job->hugepage_buffers && ret == 0) {
		area_size = ((size_t)job->depth * job->block + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
		if (posix_memalign((void **)&area, HUGE_PAGE, area_size) != 0) {
			area = NULL;
			ret = -ENOMEM;
		} else {
			(void)madvise(area, area_size, MADV_HUGEPAGE); /* a hint */
			memset(area, 0xa5, area_size);
		}
	}
	for (unsigned i = 0; i < job->depth && ret == 0; i++) {
		if (area)
			slots[i].buf = area + (size_t)i * job->block;
		else if (posix_memalign(&slots[i].buf, 4096, job->block) != 0)
			ret = -ENOMEM;
		else
			memset(slots[i].buf, 0xa5, job->block);
	}
	if (ret == 0 && job->fixed)
		ret = register_tables(&loop, &r, slots);
	/* A setup failure skips the run; the cleanup below is for both.  (A
	 * loop whose init failed is zeroed, and deinit ignores it.) */
	r.error = ret;
	uint64_t start = bench_now_ns(), cpu = bench_cpu_ns();
	r.deadline = job->seconds > 0 ? start + (uint64_t)(job->seconds * 1e9) : 0;
	for (unsigned i = 0; i < job->depth && !r.error; i++) {
		rr_op_init(&slots[i].op, on_done, &r);
		issue(&loop, &r, &slots[i]);
	}
	while (!r.error && rr_loop_pending(&loop)) {
		ret = rr_loop_run(&loop, RR_RUN_ONCE);
		if (ret < 0 && ret != -EINTR) {
			r.error = ret;
			break;
		}
		if (counters) {
			struct rr_loop_stats stats = rr_loop_stats(&loop);
			atomic_store_explicit(&counters->syscalls, stats.syscalls,
					      memory_order_relaxed);
			atomic_store_explicit(&counters->ops, stats.ops_completed,
					      memory_order_relaxed);
		}
	}
	double secs = (double)(bench_now_ns() - start) / 1e9;
	cpu = bench_cpu_ns() - cpu;
	rr_loop_deinit(&loop);
	close(r.fd);
	for (unsigned i = 0; i < job->depth && !area; i++)
		free(slots[i].buf);
	free(area);
	free(slots);
	if (r.error)
		return r.error;
	out->iops = (double)r.done / secs;
	out->mib_per_s = (double)r.bytes / secs / (1024.0 * 1024.0);
	out->cpu_us_per_io = r.done ? (double)cpu / 1e3 / (double)r.done : 0;
	return 0;
}

int file_prepare(const char *path, uint64_t size)
{
	enum { CHUNK = 1 << 20 };
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	char *chunk = malloc(CHUNK);

	if (fd < 0 || !chunk) {
		free(chunk);
		return fd < 0 ? -errno : -ENOMEM;
	}
	for (size_t i = 0; i < CHUNK; i++)
		chunk[i] = (char)(i * 131 >> 3);
	for (uint64_t done = 0; done < size; done += CHUNK) {
		size_t n = size - done < CHUNK ? (size_t)(size - done) : CHUNK;
		if (pwrite(fd, chunk, n, (off_t)done) != (ssize_t)n) {
			int err = -errno;
			close(fd);
			free(chunk);
			return err ? err : -EIO;
		}
	}
	free(chunk);
	int ret = fsync(fd) < 0 ? -errno : 0;
	close(fd);
	return ret;
}
