/*
 * The file workload: random reads (and writes) at a fixed queue depth on one
 * file, through rawring's loop and through fio's io_uring and libaio
 * engines with the same parameters.
 */
#ifndef RAWRING_BENCH_FILE_H
#define RAWRING_BENCH_FILE_H

#include <stdbool.h>
#include <stdint.h>

#include "echo_bench.h"

struct file_job {
	const char *path;
	uint64_t file_size;
	unsigned block;          /* bytes per I/O */
	unsigned depth;          /* I/Os in flight */
	unsigned read_percent;   /* 100: reads only */
	bool direct;             /* O_DIRECT (else the page cache) */
	bool fixed;              /* rawring: registered buffers and file, as
				    fio's --fixedbufs --registerfiles */
	bool hugepage_buffers;   /* rawring: buffers in 2 MiB pages */
	double seconds;
};

struct file_result {
	double iops;
	double mib_per_s;
	double cpu_us_per_io;    /* user + system CPU per I/O */
};

/* Create `path` with `size` bytes of data (on the disk too: fsync'd). */
int file_prepare(const char *path, uint64_t size);

/* rawring's loop (SQPOLL if asked).  With `counters`, the loop's system
 * calls and ops are published there as it runs, and `seconds` <= 0 runs
 * until the process is killed. */
int file_run_rawring(const struct file_job *job, bool sqpoll, struct file_result *out,
		     struct echo_counters *counters);

/* fio with `engine` ("io_uring", "libaio"): -ENOENT when fio is not on
 * PATH. */
int file_run_fio(const struct file_job *job, const char *engine, struct file_result *out);
bool file_fio_available(void);

#endif
