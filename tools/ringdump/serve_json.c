/* /rings.json: what the live page draws, read when the page asks. */
#define _GNU_SOURCE
#include "serve.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include "output.h"
#include "pid.h"

/* The processes to describe: the scope's, or those the rates saw. */
static int scope_pids(const struct rd_serve_scope *scope, const struct rd_activity *rows,
		      int row_count, pid_t *pids)
{
	if (scope->count) {
		memcpy(pids, scope->pids, (size_t)scope->count * sizeof(*pids));
		return scope->count;
	}
	int count = 0;
	for (int i = 0; i < row_count && count < RD_SERVE_MAX_PIDS; i++) {
		bool seen = false;
		for (int j = 0; j < count; j++)
			seen |= pids[j] == rows[i].pid;
		if (!seen)
			pids[count++] = rows[i].pid;
	}
	return count;
}

static void describe_process(struct rd_out *out, pid_t pid, const struct rd_activity *rows,
			     int row_count)
{
	int fds[64];

	rd_out_begin_item(out);
	rd_out_int(out, "pid", "process", pid, NULL);
	for (int i = 0; i < row_count; i++) {
		if (rows[i].pid == pid) {
			rd_out_str(out, "comm", "command", rows[i].comm, NULL);
			break;
		}
	}
	int count = rd_pid_rings(pid, fds, 64);
	if (count <= 0)
		rd_out_str(out, "error", "error", rd_pid_rings_error(count ? count : -ENOENT),
			   NULL);
	else
		rd_pid_describe(out, pid, fds, count, true, RD_LIVE_MAX);
	rd_out_end(out);
}

int rd_serve_json(FILE *file, const struct rd_serve_scope *scope,
		  const struct rd_activity *rows, int row_count, double interval_s)
{
	struct rd_out out;
	struct timespec now;
	pid_t pids[RD_SERVE_MAX_PIDS];

	clock_gettime(CLOCK_REALTIME, &now);
	rd_out_init(&out, file, true);
	rd_out_uint(&out, "time_ms", "time", (unsigned long long)now.tv_sec * 1000u +
		    (unsigned long long)now.tv_nsec / 1000000u, NULL);
	rd_out_bool(&out, "every_process", "every process", scope->count == 0, NULL);
	rd_out_uint(&out, "interval_us", "rates over", (unsigned long long)(interval_s * 1e6),
		    NULL);
	rd_out_begin_array(&out, "activity", NULL);
	for (int i = 0; i < row_count; i++)
		rd_top_row_json(&out, &rows[i]);
	rd_out_end_array(&out);
	rd_out_begin_array(&out, "processes", NULL);
	int count = scope_pids(scope, rows, row_count, pids);
	for (int i = 0; i < count; i++)
		describe_process(&out, pids[i], rows, row_count);
	rd_out_end_array(&out);
	rd_out_finish(&out);
	return ferror(file) ? -EIO : 0;
}
