/*
 * ringbench: rawring against what users would pick instead, measured in
 * one run, interleaved, medians and ratios.
 *
 *   ringbench WORKLOAD... [--quick] [--reps N] [--csv FILE] [--svg FILE]
 *             [workload options]
 *
 *   nop     NOP round trips: ring layer and loop against liburing
 *   echo    TCP echo servers on loopback: rawring (io_uring, SQPOLL,
 *           epoll) against epoll, liburing and libuv servers
 *           [--connections 1,50,500] [--sizes 64,512,16384] [--seconds S]
 *           [--pin] (server on CPU 1, load generator on CPU 0)
 *   file    random reads from the page cache, and the O_DIRECT 75/25
 *           matrix, against fio's io_uring and libaio engines
 *           [--file PATH] [--size MIB] [--seconds S]
 *   timers  one million one-shot timers: CPU time, rawring against libuv
 *   syscalls  system calls per op in echo and file, plain and SQPOLL: the
 *           loop's count, cross-checked with strace -c where it is
 *   all     every workload in turn
 *
 * References missing at build time are skipped with a message.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_output.h"
#include "ringbench.h"

struct workload {
	const char *name;
	int (*run)(const struct bench_options *opt, int argc, char **argv);
};

static const struct workload workloads[] = {
	{ "nop", nop_main },
	{ "echo", echo_main },
	{ "file", file_main },
	{ "timers", timers_main },
	{ "syscalls", syscalls_main },
};
#define WORKLOADS (sizeof(workloads) / sizeof(workloads[0]))

int bench_usage(void)
{
	fprintf(stderr,
		"usage: ringbench nop|echo|file|timers|syscalls|all... [--quick] [--reps N] [--csv FILE] [--svg FILE]\n"
		"       nop: [--once ring|loop|liburing OPS BATCH]  (one run, for callgrind)\n"
		"       echo: [--connections LIST] [--sizes LIST] [--seconds S] [--pin]\n"
		"       file: [--file PATH] [--size MIB] [--seconds S] [--point KIB:QD] [--hugepage-buffers]\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct bench_options opt = { .quick = false, .reps = 5 };
	const char *csv_path = NULL, *svg_path = NULL;
	bool chosen[WORKLOADS] = { false };
	bool reps_given = false;
	char **rest = calloc((size_t)argc, sizeof(char *));
	int nrest = 0;

	if (!rest)
		return 1;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		bool known = false;
		for (size_t w = 0; w < WORKLOADS; w++) {
			if (strcmp(arg, workloads[w].name) == 0 || strcmp(arg, "all") == 0) {
				chosen[w] = true;
				known = true;
			}
		}
		if (known)
			continue;
		if (strcmp(arg, "--quick") == 0) {
			opt.quick = true;
		} else if (strcmp(arg, "--reps") == 0 && i + 1 < argc) {
			int reps = atoi(argv[++i]);
			if (reps < 1 || reps > MAX_REPS)
				return bench_usage();
			opt.reps = (unsigned)reps;
			reps_given = true;
		} else if (strcmp(arg, "--csv") == 0 && i + 1 < argc) {
			csv_path = argv[++i];
		} else if (strcmp(arg, "--svg") == 0 && i + 1 < argc) {
			svg_path = argv[++i];
		} else {
			rest[nrest++] = argv[i]; /* a workload's own option */
		}
	}
	if (opt.quick && !reps_given)
		opt.reps = 1;
	int failed = 0, ran = 0;
	for (size_t w = 0; w < WORKLOADS; w++) {
		if (!chosen[w])
			continue;
		ran++;
		failed |= workloads[w].run(&opt, nrest, rest) != 0;
		fflush(stdout);
	}
	free(rest);
	if (!ran)
		return bench_usage();
	if (csv_path && bench_write_csv(csv_path) < 0)
		failed = 1;
	if (svg_path && bench_write_svg(svg_path) < 0)
		failed = 1;
	bench_records_free();
	return failed;
}
