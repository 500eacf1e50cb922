/*
 * ringbench's shared command line and outputs: every workload (nop, echo,
 * file, timers, syscalls) is one function that runs its comparisons and
 * prints its table, and records each figure with bench_record, which feeds
 * --csv (one row per figure) and --svg (one bar chart per workload).
 */
#ifndef RAWRING_BENCH_RINGBENCH_H
#define RAWRING_BENCH_RINGBENCH_H

#include <stdbool.h>

#define MAX_REPS 31

struct bench_options {
	bool quick;         /* --quick: small and fast, for the smoke test */
	unsigned reps;      /* interleaved repetitions (medians are reported) */
};

/* Print the usage and return 2. */
int bench_usage(void);

/*
 * One figure: `workload` ("echo"), `variant` (what was measured: "liburing"),
 * `point` (where in the grid: "50 conns x 512 B"), `metric` ("msgs/s") and its
 * median value.  `chart` marks the figure the SVG draws for the workload.
 */
void bench_record(const char *workload, const char *variant, const char *point,
		  const char *metric, double value, bool chart);

int nop_main(const struct bench_options *opt, int argc, char **argv);
int echo_main(const struct bench_options *opt, int argc, char **argv);
int file_main(const struct bench_options *opt, int argc, char **argv);
int syscalls_main(const struct bench_options *opt, int argc, char **argv);
int timers_main(const struct bench_options *opt, int argc, char **argv);

#endif
