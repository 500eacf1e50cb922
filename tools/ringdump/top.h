/* `ringdump top` and `ringdump watch PID`: the rings of the machine (or of
 * one process) refreshed at an interval, sorted by activity. */
#ifndef RINGDUMP_TOP_H
#define RINGDUMP_TOP_H

#include <sys/types.h>

#include "fdinfo.h"
#include "output.h"

struct rd_ring_sample {
	pid_t pid;
	int fd;
	char comm[32];
	struct rd_fdinfo info;
};

/* Every io_uring of `pid` (0: of every process this user can see), with
 * its fdinfo.  The count of samples filled (at most `max`). */
int rd_top_sample(pid_t pid, struct rd_ring_sample *samples, int max);

/* One activity row: the ring's depths now and its rates since `before`
 * (NULL: no earlier sample). */
struct rd_activity {
	pid_t pid;
	int fd;
	const char *comm;
	unsigned sq_depth, cq_depth, overflow;
	double submitted_per_s, completed_per_s, sqpoll_cpu_percent;
	bool busy;                        /* fdinfo printed no ring fields */
};

void rd_top_activity(const struct rd_ring_sample *now,
		     const struct rd_ring_sample *before, double seconds,
		     struct rd_activity *row);

/* A row for each of now[now_count], against the same ring in before[] (by
 * pid and fd), busiest first. */
void rd_top_rows(const struct rd_ring_sample *now, int now_count,
		 const struct rd_ring_sample *before, int before_count, double seconds,
		 struct rd_activity *rows);

/* CLOCK_MONOTONIC in seconds: the time base of the rates. */
double rd_now_seconds(void);

/* One row as a JSON object in an array (top --json's and serve's form). */
void rd_top_row_json(struct rd_out *out, const struct rd_activity *row);

/* Refresh `count` times (0: until interrupted) every `interval_ms`.
 * 0 or -errno. */
int rd_top_run(struct rd_out *out, pid_t pid, unsigned interval_ms,
	       unsigned count);

/* What top's columns and rows mean, printed under its text table (and in
 * ringdump's help). */
#define RD_TOP_LEGEND                                                          \
	"SUBMIT/s: SQEs the kernel consumed; COMPLETE/s: CQEs it posted. A multishot\n" \
	"op (accept, receive) posts a CQE per result for its one SQE, and a linked or\n" \
	"CQE_SKIP op may post none, so the two rates need not match. Listed: every\n"  \
	"process with an io_uring fd this user may read: libraries open rings of\n"   \
	"their own (libuv, under Node.js among others, for file I/O).\n"

#endif
