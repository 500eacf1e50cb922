/*
 * ringbench: rawring against what users would pick instead, measured in
 * one run, interleaved, medians and ratios.
 *
 *   ringbench nop [--quick] [--reps N] [--csv FILE]
 *
 * nop: NOP round trips at batch 1, 8, 32 and 128 through rawring's ring
 * layer, through liburing with identical setup (when built with it), and
 * through rawring's proactor loop.  Each repetition runs every variant once,
 * in turn, so a noisy neighbour hits all of them alike.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nop_bench.h"

#define MAX_REPS 31

static const unsigned batches[] = { 1, 8, 32, 128 };
#define BATCHES (sizeof(batches) / sizeof(batches[0]))

enum variant { RING, LIBURING, LOOP, VARIANTS };
static const char *const variant_names[VARIANTS] = { "rawring ring", "liburing", "rawring loop" };

static int compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *values, unsigned count)
{
	qsort(values, count, sizeof(double), compare_double);
	return count % 2 ? values[count / 2]
			 : (values[count / 2 - 1] + values[count / 2]) / 2;
}

static void usage(void)
{
	fprintf(stderr, "usage: ringbench nop [--quick] [--reps N] [--csv FILE]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned reps = 5;
	uint64_t ops = 2000000;
	const char *csv_path = NULL;

	if (argc < 2 || strcmp(argv[1], "nop") != 0)
		usage();
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--quick") == 0) {
			ops = 100000;
			reps = 3;
		} else if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc) {
			reps = (unsigned)atoi(argv[++i]);
			if (reps < 1 || reps > MAX_REPS)
				usage();
		} else if (strcmp(argv[i], "--csv") == 0 && i + 1 < argc) {
			csv_path = argv[++i];
		} else {
			usage();
		}
	}
	bool have_liburing = nop_liburing_available();
	static double results[BATCHES][VARIANTS][MAX_REPS];

	for (unsigned rep = 0; rep < reps; rep++) {
		for (unsigned b = 0; b < BATCHES; b++) {
			fprintf(stderr, "\rrepetition %u/%u, batch %u   ", rep + 1, reps, batches[b]);
			results[b][RING][rep] = nop_rawring(ops, batches[b]);
			results[b][LIBURING][rep] = have_liburing ? nop_liburing(ops, batches[b]) : 0;
			results[b][LOOP][rep] = nop_loop(ops, batches[b]);
			for (int v = 0; v < VARIANTS; v++) {
				if (results[b][v][rep] < 0) {
					fprintf(stderr, "\nringbench: %s failed (io_uring unavailable?)\n",
						variant_names[v]);
					return 1;
				}
			}
		}
	}
	fprintf(stderr, "\r%40s\r", "");

	printf("NOP round trips, ops/s: median of %u interleaved runs of %llu ops\n",
	       reps, (unsigned long long)ops);
	if (!have_liburing)
		printf("(liburing not found at build time: its column is skipped)\n");
	printf("%-6s %14s %14s %10s %14s %10s\n", "batch", "rawring ring", "liburing",
	       "ring/lib", "rawring loop", "loop/ring");
	FILE *csv = csv_path ? fopen(csv_path, "w") : NULL;
	if (csv)
		fprintf(csv, "batch,rawring_ring,liburing,rawring_loop\n");
	for (unsigned b = 0; b < BATCHES; b++) {
		double med[VARIANTS];
		for (int v = 0; v < VARIANTS; v++)
			med[v] = median(results[b][v], reps);
		char lib[16] = "-", ratio[16] = "-";
		if (have_liburing) {
			snprintf(lib, sizeof(lib), "%.0f", med[LIBURING]);
			snprintf(ratio, sizeof(ratio), "%.2fx", med[RING] / med[LIBURING]);
		}
		printf("%-6u %14.0f %14s %10s %14.0f %9.2fx\n", batches[b], med[RING], lib,
		       ratio, med[LOOP], med[LOOP] / med[RING]);
		if (csv)
			fprintf(csv, "%u,%.0f,%.0f,%.0f\n", batches[b], med[RING],
				have_liburing ? med[LIBURING] : 0.0, med[LOOP]);
	}
	if (csv)
		fclose(csv);
	return 0;
}
