/*
 * ringbench nop: NOP round trips at batch 1, 8, 32 and 128 through rawring's
 * ring layer, through liburing with identical setup (when built with it),
 * and through rawring's proactor loop.  Each repetition runs every variant
 * once, in turn, so a noisy neighbour hits all of them alike.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_stats.h"
#include "nop_bench.h"
#include "ringbench.h"

static const unsigned batches[] = { 1, 8, 32, 128 };
#define BATCHES (sizeof(batches) / sizeof(batches[0]))

enum variant { RING, LIBURING, LOOP, VARIANTS };
static const char *const variant_names[VARIANTS] = { "rawring ring", "liburing", "rawring loop" };

/* `--once VARIANT OPS BATCH`: that one run and nothing else, for counting
 * its instructions under callgrind (tools/bench/nop_instructions.sh). */
static int run_once(const char *variant, const char *ops_arg, const char *batch_arg)
{
	uint64_t ops = strtoull(ops_arg, NULL, 10);
	unsigned batch = (unsigned)strtoul(batch_arg, NULL, 10);
	double rate;

	if (!ops || !batch || batch > 128 || ops % batch)
		return bench_usage();
	if (strcmp(variant, "ring") == 0)
		rate = nop_rawring(ops, batch);
	else if (strcmp(variant, "loop") == 0)
		rate = nop_loop(ops, batch);
	else if (strcmp(variant, "liburing") == 0 && nop_liburing_available())
		rate = nop_liburing(ops, batch);
	else
		return bench_usage();
	if (rate < 0)
		return 1;
	printf("nop %s: %llu ops at batch %u: %.0f ops/s\n", variant,
	       (unsigned long long)ops, batch, rate);
	return 0;
}

int nop_main(const struct bench_options *opt, int argc, char **argv)
{
	uint64_t ops = opt->quick ? 100000 : 2000000;
	unsigned reps = opt->reps;

	for (int i = 0; i < argc; i++)
		if (strcmp(argv[i], "--once") == 0 && i + 3 < argc)
			return run_once(argv[i + 1], argv[i + 2], argv[i + 3]);
	bool have_liburing = nop_liburing_available();
	static double results[BATCHES][VARIANTS][MAX_REPS];

	for (unsigned rep = 0; rep < reps; rep++) {
		for (unsigned b = 0; b < BATCHES; b++) {
			bench_progress("nop: repetition %u/%u, batch %u", rep + 1, reps, batches[b]);
			results[b][RING][rep] = nop_rawring(ops, batches[b]);
			results[b][LIBURING][rep] = have_liburing ? nop_liburing(ops, batches[b]) : 0;
			results[b][LOOP][rep] = nop_loop(ops, batches[b]);
			for (int v = 0; v < VARIANTS; v++) {
				if (results[b][v][rep] < 0) {
					bench_progress_done();
					fprintf(stderr, "ringbench: nop %s failed (io_uring unavailable?)\n",
						variant_names[v]);
					return 1;
				}
			}
		}
	}
	bench_progress_done();

	printf("NOP round trips, ops/s: median of %u interleaved runs of %llu ops\n",
	       reps, (unsigned long long)ops);
	if (!have_liburing)
		printf("(liburing not found at build time: its column is skipped)\n");
	printf("%-6s %14s %14s %10s %14s %10s\n", "batch", "rawring ring", "liburing",
	       "ring/lib", "rawring loop", "loop/ring");
	for (unsigned b = 0; b < BATCHES; b++) {
		double med[VARIANTS];
		char point[16], lib[16] = "-", ratio[16] = "-";
		for (int v = 0; v < VARIANTS; v++)
			med[v] = bench_median(results[b][v], reps);
		snprintf(point, sizeof(point), "batch %u", batches[b]);
		if (have_liburing) {
			snprintf(lib, sizeof(lib), "%.0f", med[LIBURING]);
			snprintf(ratio, sizeof(ratio), "%.2fx", med[RING] / med[LIBURING]);
		}
		printf("%-6u %14.0f %14s %10s %14.0f %9.2fx\n", batches[b], med[RING], lib,
		       ratio, med[LOOP], med[LOOP] / med[RING]);
		for (int v = 0; v < VARIANTS; v++)
			if (v != LIBURING || have_liburing)
				bench_record("nop", variant_names[v], point, "ops/s", med[v], true);
	}
	printf("\n");
	return 0;
}
