/*
 * Activity from two fdinfo samples: the SQ head and CQ tail are free-running
 * 32-bit counters, so their differences (modulo 2^32) are the SQEs consumed
 * and CQEs posted in between; SqTotalTime (microseconds) gives the SQPOLL
 * thread's CPU share.  fdinfo needs no ptrace rights, only the right to
 * read /proc/PID/fd.
 */
#define _GNU_SOURCE
#include "top.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pid.h"

#define MAX_RINGS 1024

static void read_comm(pid_t pid, char *comm, size_t size)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	FILE *file = fopen(path, "re");
	comm[0] = '\0';
	if (file) {
		if (fgets(comm, (int)size, file))
			comm[strcspn(comm, "\n")] = '\0';
		fclose(file);
	}
}

static int sample_process(pid_t pid, struct rd_ring_sample *samples, int max)
{
	int fds[64];
	static char raw[65536];
	int count = rd_pid_rings(pid, fds, 64);
	int filled = 0;

	for (int i = 0; i < count && filled < max; i++) {
		struct rd_ring_sample *s = &samples[filled];
		if (rd_pid_fdinfo(pid, fds[i], &s->info, raw, sizeof(raw)) < 0)
			continue; /* the fd closed meanwhile */
		s->pid = pid;
		s->fd = fds[i];
		read_comm(pid, s->comm, sizeof(s->comm));
		filled++;
	}
	return filled;
}

int rd_top_sample(pid_t pid, struct rd_ring_sample *samples, int max)
{
	if (pid > 0)
		return sample_process(pid, samples, max);

	DIR *proc = opendir("/proc");
	struct dirent *entry;
	int filled = 0;

	if (!proc)
		return -errno;
	while ((entry = readdir(proc)) && filled < max) {
		if (!isdigit((unsigned char)entry->d_name[0]))
			continue;
		filled += sample_process((pid_t)atoi(entry->d_name), samples + filled,
					 max - filled);
	}
	closedir(proc);
	return filled;
}

static unsigned counter(const struct rd_fdinfo *info, enum rd_field f)
{
	return (unsigned)info->value[f];
}

void rd_top_activity(const struct rd_ring_sample *now,
		     const struct rd_ring_sample *before, double seconds,
		     struct rd_activity *row)
{
	const struct rd_fdinfo *info = &now->info;

	memset(row, 0, sizeof(*row));
	row->pid = now->pid;
	row->fd = now->fd;
	row->comm = now->comm;
	row->busy = !info->is_ring;
	row->sq_depth = counter(info, RD_SQ_TAIL) - counter(info, RD_SQ_HEAD);
	row->cq_depth = counter(info, RD_CQ_TAIL) - counter(info, RD_CQ_HEAD);
	row->overflow = info->overflow_lines;
	if (!before || seconds <= 0 || !before->info.is_ring || row->busy)
		return;
	const struct rd_fdinfo *old = &before->info;
	row->submitted_per_s = (unsigned)(counter(info, RD_SQ_HEAD) - counter(old, RD_SQ_HEAD)) / seconds;
	row->completed_per_s = (unsigned)(counter(info, RD_CQ_TAIL) - counter(old, RD_CQ_TAIL)) / seconds;
	if (rd_has(info, RD_SQ_TOTAL_TIME) && rd_has(old, RD_SQ_TOTAL_TIME) &&
	    info->value[RD_SQ_THREAD] > 0) {
		double used_us = (double)(info->value[RD_SQ_TOTAL_TIME] -
					  old->value[RD_SQ_TOTAL_TIME]);
		row->sqpoll_cpu_percent = used_us / (seconds * 1e6) * 100.0;
	}
}

static int by_activity(const void *a, const void *b)
{
	const struct rd_activity *x = a, *y = b;
	double ax = x->submitted_per_s + x->completed_per_s;
	double ay = y->submitted_per_s + y->completed_per_s;

	return ax < ay ? 1 : ax > ay ? -1 : (x->pid > y->pid) - (x->pid < y->pid);
}

static const struct rd_ring_sample *find(const struct rd_ring_sample *samples,
					 int count, pid_t pid, int fd)
{
	for (int i = 0; i < count; i++)
		if (samples[i].pid == pid && samples[i].fd == fd)
			return &samples[i];
	return NULL;
}

void rd_top_rows(const struct rd_ring_sample *now, int now_count,
		 const struct rd_ring_sample *before, int before_count, double seconds,
		 struct rd_activity *rows)
{
	for (int i = 0; i < now_count; i++)
		rd_top_activity(&now[i], find(before, before_count, now[i].pid, now[i].fd),
				seconds, &rows[i]);
	qsort(rows, (size_t)now_count, sizeof(*rows), by_activity);
}

double rd_now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void rd_top_row_json(struct rd_out *out, const struct rd_activity *row)
{
	rd_out_begin_item(out);
	rd_out_int(out, "pid", "", row->pid, NULL);
	rd_out_str(out, "comm", "", row->comm, NULL);
	rd_out_int(out, "fd", "", row->fd, NULL);
	rd_out_bool(out, "busy", "", row->busy, NULL);
	rd_out_uint(out, "sq_depth", "", row->sq_depth, NULL);
	rd_out_uint(out, "cq_depth", "", row->cq_depth, NULL);
	rd_out_uint(out, "overflow", "", row->overflow, NULL);
	rd_out_uint(out, "submitted_per_s", "", (unsigned long long)row->submitted_per_s, NULL);
	rd_out_uint(out, "completed_per_s", "", (unsigned long long)row->completed_per_s, NULL);
	rd_out_uint(out, "sqpoll_cpu_percent", "", (unsigned long long)row->sqpoll_cpu_percent, NULL);
	rd_out_end(out);
}

static void print_rows(struct rd_out *out, struct rd_activity *rows, int count,
		       double elapsed)
{
	if (out->json) {
		rd_out_begin_item(out);
		rd_out_uint(out, "interval_us", "", (unsigned long long)(elapsed * 1e6), NULL);
		rd_out_begin_array(out, "rings", NULL);
		for (int i = 0; i < count; i++)
			rd_top_row_json(out, &rows[i]);
		rd_out_end_array(out);
		rd_out_end(out);
		return;
	}
	if (isatty(fileno(out->file)))
		fputs("\033[H\033[J", out->file); /* refresh in place */
	fprintf(out->file, "%-8s %-16s %4s %8s %8s %9s %11s %11s %8s\n", "PID", "COMMAND",
		"FD", "SQ-DEPTH", "CQ-DEPTH", "OVERFLOW", "SUBMIT/s", "COMPLETE/s",
		"SQPOLL%");
	for (int i = 0; i < count; i++) {
		const struct rd_activity *r = &rows[i];
		if (r->busy) {
			fprintf(out->file, "%-8d %-16s %4d  (busy: the kernel printed no ring fields)\n",
				(int)r->pid, r->comm, r->fd);
			continue;
		}
		fprintf(out->file, "%-8d %-16s %4d %8u %8u %9u %11.0f %11.0f %8.1f\n",
			(int)r->pid, r->comm, r->fd, r->sq_depth, r->cq_depth, r->overflow,
			r->submitted_per_s, r->completed_per_s, r->sqpoll_cpu_percent);
	}
	if (!count)
		fprintf(out->file, "(no io_uring instances)\n");
	fputs(RD_TOP_LEGEND, out->file);
	fflush(out->file);
}

int rd_top_run(struct rd_out *out, pid_t pid, unsigned interval_ms,
	       unsigned count)
{
	struct rd_ring_sample *before = calloc(MAX_RINGS, sizeof(*before));
	struct rd_ring_sample *now = calloc(MAX_RINGS, sizeof(*now));
	struct rd_activity *rows = calloc(MAX_RINGS, sizeof(*rows));
	int ret = 0;

	if (!before || !now || !rows) {
		ret = -ENOMEM;
		goto done;
	}
	int before_count = rd_top_sample(pid, before, MAX_RINGS);
	if (before_count < 0) {
		ret = before_count;
		goto done;
	}
	double before_time = rd_now_seconds();
	rd_out_begin_array(out, "samples", NULL);
	for (unsigned round = 0; count == 0 || round < count; round++) {
		usleep(interval_ms * 1000u);
		int now_count = rd_top_sample(pid, now, MAX_RINGS);
		double now_time = rd_now_seconds();
		if (now_count < 0) {
			ret = now_count;
			break;
		}
		double elapsed = now_time - before_time;
		rd_top_rows(now, now_count, before, before_count, elapsed, rows);
		print_rows(out, rows, now_count, elapsed);
		struct rd_ring_sample *swap = before;
		before = now;
		now = swap;
		before_count = now_count;
		before_time = now_time;
	}
	rd_out_end_array(out);
done:
	free(before);
	free(now);
	free(rows);
	return ret;
}
