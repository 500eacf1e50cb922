/*
 * fio as the file workload's reference: the same file, block size, queue
 * depth, mix and duration, one job, its JSON report read back.  The
 * io_uring engine gets registered files and fixed buffers, the options
 * fio's documentation gives for its best io_uring performance.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "file_bench.h"

bool file_fio_available(void)
{
	return system("command -v fio >/dev/null 2>&1") == 0;
}

/* The number after `"key" :` following `after` (a section's opening) in
 * fio's JSON, or -1. */
static double json_number(const char *json, const char *after, const char *key)
{
	const char *from = after ? strstr(json, after) : json;
	char quoted[64];

	if (!from)
		return -1;
	snprintf(quoted, sizeof(quoted), "\"%s\" :", key);
	const char *at = strstr(from, quoted);
	return at ? strtod(at + strlen(quoted), NULL) : -1;
}

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t len = 0;

	if (!f)
		return NULL;
	FILE *mem = open_memstream(&text, &len);
	char buf[4096];
	size_t n;
	while (mem && (n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, mem);
	fclose(f);
	if (mem)
		fclose(mem);
	return text;
}

int file_run_fio(const struct file_job *job, const char *engine, struct file_result *out)
{
	char report[] = "/var/tmp/rawring-fio-XXXXXX";
	int fd = mkstemp(report);
	char arg[16][96];
	char *argv[24];
	int argc = 0;

	if (fd < 0)
		return -errno;
	snprintf(arg[0], sizeof(arg[0]), "--filename=%s", job->path);
	snprintf(arg[1], sizeof(arg[1]), "--size=%llu", (unsigned long long)job->file_size);
	snprintf(arg[2], sizeof(arg[2]), "--rw=%s", job->read_percent == 100 ? "randread" : "randrw");
	snprintf(arg[3], sizeof(arg[3]), "--rwmixread=%u", job->read_percent);
	snprintf(arg[4], sizeof(arg[4]), "--bs=%u", job->block);
	snprintf(arg[5], sizeof(arg[5]), "--iodepth=%u", job->depth);
	snprintf(arg[6], sizeof(arg[6]), "--ioengine=%s", engine);
	snprintf(arg[7], sizeof(arg[7]), "--direct=%d", job->direct ? 1 : 0);
	snprintf(arg[8], sizeof(arg[8]), "--runtime=%ums", (unsigned)(job->seconds * 1000));
	argv[argc++] = "fio";
	argv[argc++] = "--name=ringbench";
	for (int i = 0; i <= 8; i++)
		argv[argc++] = arg[i];
	argv[argc++] = "--time_based";
	argv[argc++] = "--invalidate=0";   /* keep the page cache as it is */
	argv[argc++] = "--norandommap";
	argv[argc++] = "--output-format=json";
	if (strcmp(engine, "io_uring") == 0) {
		argv[argc++] = "--registerfiles=1";
		argv[argc++] = "--fixedbufs=1";
	}
	argv[argc] = NULL;

	fflush(NULL);
	pid_t child = fork();
	if (child < 0) {
		close(fd);
		return -errno;
	}
	if (child == 0) {
		dup2(fd, STDOUT_FILENO);
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0)
			dup2(null, STDERR_FILENO);
		execvp("fio", argv);
		_exit(127);
	}
	close(fd);
	int status;
	waitpid(child, &status, 0);
	char *json = read_all(report);
	unlink(report);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !json) {
		free(json);
		return WIFEXITED(status) && WEXITSTATUS(status) == 127 ? -ENOENT : -EIO;
	}
	double read_iops = json_number(json, "\"read\" :", "iops");
	double write_iops = json_number(json, "\"write\" :", "iops");
	double read_bw = json_number(json, "\"read\" :", "bw_bytes");
	double write_bw = json_number(json, "\"write\" :", "bw_bytes");
	double usr = json_number(json, "\"jobs\" :", "usr_cpu");
	double sys = json_number(json, "\"jobs\" :", "sys_cpu");
	free(json);
	if (read_iops < 0 || write_iops < 0 || usr < 0 || sys < 0)
		return -EIO;
	out->iops = read_iops + write_iops;
	out->mib_per_s = (read_bw + write_bw) / (1024.0 * 1024.0);
	/* fio's CPU figures are percentages of the run's wall time. */
	out->cpu_us_per_io = out->iops > 0 ? (usr + sys) / 100.0 * 1e6 / out->iops : 0;
	return 0;
}
