/* What every ringbench workload shares: medians, percentiles, the progress
 * line, and the CSV rows each workload writes. */
#ifndef RAWRING_BENCH_STATS_H
#define RAWRING_BENCH_STATS_H

#include <stdint.h>
#include <stdio.h>

/* The median of `count` values (sorts them in place). */
double bench_median(double *values, unsigned count);

/* The p-th percentile (0..100) of `count` samples (sorts them in place). */
uint64_t bench_percentile(uint64_t *samples, size_t count, double p);

/* CLOCK_MONOTONIC in ns, and this process's CPU time (user + system) in ns. */
uint64_t bench_now_ns(void);
uint64_t bench_cpu_ns(void);

/* A progress line on stderr, rewritten in place; bench_progress_done
 * clears it. */
void bench_progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void bench_progress_done(void);

#endif
