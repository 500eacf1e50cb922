/*
 * ringbench file: (1) 4 KiB random reads at queue depth 32 from a file in
 * the page cache; (2) the O_DIRECT 75/25 random read/write matrix, block
 * sizes 16 KiB, 32 KiB, 1 MiB x queue depths 8, 16, 32 (the device, not the
 * engine, limits this one).  rawring's loop against fio's io_uring and
 * libaio engines with the same parameters, interleaved; medians.
 *
 *   [--file PATH] (default /var/tmp/rawring-bench.dat; RR_BENCH_DIR moves it)
 *   [--size MIB] [--seconds S] [--point KIB:QD (that O_DIRECT point only)]
 *   [--hugepage-buffers (rawring's buffers in 2 MiB pages; fio's stay 4 KiB)]
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench_stats.h"
#include "file_bench.h"
#include "ringbench.h"

enum variant { RAWRING, RAWRING_FIXED, FIO_URING, FIO_LIBAIO, VARIANTS };
static const char *const variant_names[VARIANTS] = { "rawring", "rawring fixed",
						     "fio io_uring", "fio libaio" };

static int run_variant(enum variant v, const struct file_job *job, struct file_result *out)
{
	struct file_job fixed = *job;

	switch (v) {
	case RAWRING:
		return file_run_rawring(job, false, out, NULL);
	case RAWRING_FIXED: /* registered buffers and file, as fio's engine */
		fixed.fixed = true;
		return file_run_rawring(&fixed, false, out, NULL);
	case FIO_URING:
		return file_run_fio(job, "io_uring", out);
	default:
		return file_run_fio(job, "libaio", out);
	}
}

static bool is_fio(int v)
{
	return v == FIO_URING || v == FIO_LIBAIO;
}

/* One point of the comparison: every variant, `reps` times, interleaved;
 * prints a row per variant and records the figures. */
static int compare(const struct bench_options *opt, const char *title, const char *point,
		   const struct file_job *job, bool have_fio)
{
	double iops[VARIANTS][MAX_REPS], mib[VARIANTS][MAX_REPS], cpu[VARIANTS][MAX_REPS];

	for (unsigned r = 0; r < opt->reps; r++) {
		for (int v = 0; v < VARIANTS; v++) {
			struct file_result res = { 0, 0, 0 };
			if (is_fio(v) && !have_fio)
				continue;
			bench_progress("file: %s, %s, repetition %u/%u, %s", title, point, r + 1,
				       opt->reps, variant_names[v]);
			int ret = run_variant((enum variant)v, job, &res);
			if (ret < 0) {
				bench_progress_done();
				fprintf(stderr, "ringbench: file %s %s: %s\n", point,
					variant_names[v], strerror(-ret));
				return 1;
			}
			iops[v][r] = res.iops;
			mib[v][r] = res.mib_per_s;
			cpu[v][r] = res.cpu_us_per_io;
		}
	}
	bench_progress_done();
	double base = bench_median(iops[RAWRING], opt->reps);
	for (int v = 0; v < VARIANTS; v++) {
		if (is_fio(v) && !have_fio)
			continue;
		double mi = bench_median(iops[v], opt->reps), mm = bench_median(mib[v], opt->reps);
		double mc = bench_median(cpu[v], opt->reps);
		printf("%-20s %-13s %11.0f %9.1f %11.2f %9.2fx\n", point, variant_names[v], mi, mm,
		       mc, mi > 0 ? base / mi : 0.0);
		bench_record(title, variant_names[v], point, "IOPS", mi, true);
		bench_record(title, variant_names[v], point, "MiB/s", mm, false);
		bench_record(title, variant_names[v], point, "CPU us/IO", mc, false);
	}
	return 0;
}

static void header(const char *title, const struct bench_options *opt, double seconds)
{
	printf("%s: median of %u interleaved runs of %.1f s\n", title, opt->reps, seconds);
	printf("%-20s %-13s %11s %9s %11s %10s\n", "point", "engine", "IOPS", "MiB/s",
	       "CPU us/IO", "rawring/x");
}

int file_main(const struct bench_options *opt, int argc, char **argv)
{
	const char *dir = getenv("RR_BENCH_DIR");
	char default_path[256];
	const char *path = NULL;
	uint64_t size = opt->quick ? 64ull << 20 : 1ull << 30;
	double seconds = opt->quick ? 0.5 : 2.0;

	unsigned only_kib = 0, only_depth = 0; /* --point KIB:QD, one O_DIRECT point */
	bool hugepage_buffers = false;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--file") == 0 && i + 1 < argc)
			path = argv[++i];
		else if (strcmp(argv[i], "--point") == 0 && i + 1 < argc)
			(void)sscanf(argv[++i], "%u:%u", &only_kib, &only_depth);
		else if (strcmp(argv[i], "--hugepage-buffers") == 0)
			hugepage_buffers = true;
		else if (strcmp(argv[i], "--size") == 0 && i + 1 < argc)
			size = strtoull(argv[++i], NULL, 10) << 20;
		else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc)
			seconds = atof(argv[++i]);
		else if (strncmp(argv[i], "--", 2) == 0 && i + 1 < argc)
			i++; /* another workload's option and its value */
	}
	if (!path) {
		snprintf(default_path, sizeof(default_path), "%s/rawring-bench.dat",
			 dir ? dir : "/var/tmp");
		path = default_path;
	}
	bool have_fio = file_fio_available();
	bench_progress("file: writing %llu MiB to %s", (unsigned long long)(size >> 20), path);
	int ret = file_prepare(path, size);
	bench_progress_done();
	if (ret < 0) {
		fprintf(stderr, "ringbench: file: %s: %s\n", path, strerror(-ret));
		return 1;
	}
	if (!have_fio)
		printf("(fio not on PATH: its rows are skipped)\n");

	/* The file was just written: its pages are in the cache. */
	struct file_job cached = { .path = path, .file_size = size, .block = 4096, .depth = 32,
				   .read_percent = 100, .direct = false, .seconds = seconds,
				   .hugepage_buffers = hugepage_buffers };
	int failed = 0;
	if (!only_kib) {
		header("file, page cache: 4 KiB random reads, QD 32", opt, seconds);
		failed = compare(opt, "file-cached", "4k randread qd32", &cached, have_fio);
		printf("\n");
	}

	unsigned blocks[] = { 16384, 32768, 1048576 }, depths[] = { 8, 16, 32 };
	unsigned nblocks = opt->quick ? 1 : 3, ndepths = opt->quick ? 1 : 3;
	if (only_kib) {
		blocks[0] = only_kib * 1024;
		depths[0] = only_depth ? only_depth : 32;
		nblocks = ndepths = 1;
	}
	header("file, O_DIRECT: 75/25 random read/write", opt, seconds);
	for (unsigned b = 0; b < nblocks && !failed; b++) {
		for (unsigned d = 0; d < ndepths && !failed; d++) {
			struct file_job direct = cached;
			char point[32];
			direct.direct = true;
			direct.block = blocks[b];
			direct.depth = depths[d];
			direct.read_percent = 75;
			snprintf(point, sizeof(point), "%uk rw75 qd%u", blocks[b] / 1024, depths[d]);
			failed = compare(opt, "file-direct", point, &direct, have_fio);
		}
	}
	printf("\n");
	unlink(path);
	return failed;
}
