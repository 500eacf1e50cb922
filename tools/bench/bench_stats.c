#define _GNU_SOURCE
#include "bench_stats.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static int compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int compare_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

double bench_median(double *values, unsigned count)
{
	if (!count)
		return 0;
	qsort(values, count, sizeof(double), compare_double);
	return count % 2 ? values[count / 2]
			 : (values[count / 2 - 1] + values[count / 2]) / 2;
}

uint64_t bench_percentile(uint64_t *samples, size_t count, double p)
{
	if (!count)
		return 0;
	qsort(samples, count, sizeof(uint64_t), compare_u64);
	size_t rank = (size_t)(p / 100.0 * (double)(count - 1) + 0.5);
	return samples[rank < count ? rank : count - 1];
}

static uint64_t clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t bench_now_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

uint64_t bench_cpu_ns(void)
{
	return clock_ns(CLOCK_PROCESS_CPUTIME_ID);
}

/* Only a terminal gets the progress line; a log would fill with it. */
static bool progress_shown(void)
{
	static int tty = -1;

	if (tty < 0)
		tty = isatty(STDERR_FILENO);
	return tty == 1;
}

void bench_progress(const char *fmt, ...)
{
	va_list ap;

	if (!progress_shown())
		return;
	fputs("\r\033[K", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fflush(stderr);
}

void bench_progress_done(void)
{
	if (!progress_shown())
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
}
