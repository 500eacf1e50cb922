/*
 * ringbench syscalls: system calls per operation in the echo and file
 * workloads, plain and SQPOLL.  The workload runs in a child process and
 * publishes its loop's counters; over a window the parent reads how many
 * system calls and ops the loop counted, and, where strace is on PATH,
 * attaches `strace -c -f` to the child for the same window as a cross-check
 * (strace slows the child down, not the ratio).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_stats.h"
#include "echo_bench.h"
#include "file_bench.h"
#include "rawring.h"
#include "ringbench.h"

static void sleep_s(double seconds)
{
	struct timespec ts = { (time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9) };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static pid_t spawn(void)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0)
		prctl(PR_SET_PDEATHSIG, SIGKILL);
	return pid;
}

/* strace -c attached to `pid`, its summary going to `out`. */
static pid_t strace_attach(pid_t pid, const char *out)
{
	char target[16];
	pid_t tracer = spawn();

	if (tracer == 0) {
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0)
			dup2(null, STDERR_FILENO);
		snprintf(target, sizeof(target), "%d", (int)pid);
		execlp("strace", "strace", "-c", "-f", "-q", "-o", out, "-p", target, (char *)NULL);
		_exit(127);
	}
	return tracer;
}

/* The calls column of strace -c's "total" line, or -1. */
static double strace_total(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[256];
	double calls = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		double pct, secs, per_call, count;
		if (strstr(line, " total") &&
		    sscanf(line, "%lf %lf %lf %lf", &pct, &secs, &per_call, &count) == 4)
			calls = count;
	}
	fclose(f);
	return calls;
}

struct window {
	double loop_per_op;      /* the loop's own count, untraced */
	double traced_loop_per_op; /* the loop's count while strace watched */
	double strace_per_op;    /* strace's over that span, or -1 */
	uint64_t ops;
};

/* Measure `child` (which publishes `counters`): `seconds` untraced, then,
 * with strace, as long again traced.  A traced process batches
 * differently (it runs slower), so the cross-check compares strace with
 * the loop's count over the traced span, and the untraced figure is the
 * one to quote. */
static void measure(pid_t child, struct echo_counters *counters, double seconds,
		    bool use_strace, struct window *w)
{
	char out[] = "/var/tmp/rawring-strace-XXXXXX";
	uint64_t sys0 = atomic_load(&counters->syscalls), ops0 = atomic_load(&counters->ops);

	sleep_s(seconds);
	uint64_t sys1 = atomic_load(&counters->syscalls), ops1 = atomic_load(&counters->ops);
	w->ops = ops1 - ops0;
	w->loop_per_op = w->ops ? (double)(sys1 - sys0) / (double)w->ops : -1;
	w->traced_loop_per_op = w->strace_per_op = -1;
	int fd = use_strace ? mkstemp(out) : -1;
	if (fd < 0)
		return;
	close(fd);
	/* strace counts from its attach to its detach, both inside [a, b]. */
	uint64_t sys_a = atomic_load(&counters->syscalls), ops_a = atomic_load(&counters->ops);
	pid_t tracer = strace_attach(child, out);
	sleep_s(seconds + 0.3);
	kill(tracer, SIGINT);
	waitpid(tracer, NULL, 0);
	uint64_t sys_b = atomic_load(&counters->syscalls), ops_b = atomic_load(&counters->ops);
	double calls = strace_total(out);
	if (ops_b > ops_a) {
		w->traced_loop_per_op = (double)(sys_b - sys_a) / (double)(ops_b - ops_a);
		if (calls >= 0)
			w->strace_per_op = calls / (double)(ops_b - ops_a);
	}
	unlink(out);
}

/* One case: echo (50 connections x 512 B) or file (4 KiB random reads,
 * QD 32, page cache), plain or SQPOLL. */
static int run_case(bool echo, bool sqpoll, const char *path, double seconds,
		    bool use_strace, struct window *w)
{
	struct echo_counters *counters = mmap(NULL, sizeof(*counters), PROT_READ | PROT_WRITE,
					      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	uint16_t port = 0;
	int listener = echo ? echo_listen(&port) : -1;
	pid_t load = -1;

	if (counters == MAP_FAILED || (echo && listener < 0))
		return -ENOMEM;
	pid_t child = spawn();
	if (child == 0) {
		int ret;
		if (echo) {
			struct rr_loop_options options = { .backend = RR_BACKEND_URING,
							   .sqpoll = sqpoll, .sqpoll_cpu = -1 };
			ret = echo_serve_rawring(listener, &options, counters);
		} else {
			struct file_job job = { .path = path, .file_size = 64ull << 20,
						.block = 4096, .depth = 32, .read_percent = 100,
						.seconds = 0 };
			struct file_result res;
			ret = file_run_rawring(&job, sqpoll, &res, counters);
		}
		_exit(ret < 0 ? 1 : 0);
	}
	if (echo) {
		close(listener);
		load = spawn();
		if (load == 0) {
			struct echo_result res;
			_exit(echo_load(port, 50, 512, 0, 2 * seconds + 5, &res) < 0);
		}
	}
	sleep_s(0.3); /* warm-up */
	measure(child, counters, seconds, use_strace, w);
	if (load > 0) {
		kill(load, SIGKILL);
		waitpid(load, NULL, 0);
	}
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	munmap(counters, sizeof(*counters));
	return w->ops ? 0 : -EIO;
}

int syscalls_main(const struct bench_options *opt, int argc, char **argv)
{
	char path[256];
	const char *dir = getenv("RR_BENCH_DIR");
	double seconds = opt->quick ? 0.3 : 1.0;
	bool use_strace = system("command -v strace >/dev/null 2>&1") == 0;

	(void)argc;
	(void)argv;
	snprintf(path, sizeof(path), "%s/rawring-syscalls.dat", dir ? dir : "/var/tmp");
	int ret = file_prepare(path, 64ull << 20);
	if (ret < 0) {
		fprintf(stderr, "ringbench: syscalls: %s: %s\n", path, strerror(-ret));
		return 1;
	}
	printf("syscalls: system calls per op, the loop's own count%s, over %.1f s\n",
	       use_strace ? " and strace -c -f's" : " (strace not on PATH)", seconds);
	printf("%-34s %10s %10s %14s %10s\n", "workload", "ops", "loop", "loop (traced)",
	       "strace");
	static const struct { const char *name; bool echo, sqpoll; } cases[] = {
		{ "echo 50 conns x 512 B", true, false },
		{ "echo 50 conns x 512 B, SQPOLL", true, true },
		{ "file 4k randread qd32 (cached)", false, false },
		{ "file 4k randread qd32, SQPOLL", false, true },
	};
	int failed = 0;
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct window w;
		bench_progress("syscalls: %s", cases[c].name);
		ret = run_case(cases[c].echo, cases[c].sqpoll, path, seconds, use_strace, &w);
		bench_progress_done();
		if (ret < 0) {
			fprintf(stderr, "ringbench: syscalls: %s: %s\n", cases[c].name, strerror(-ret));
			failed = 1;
			continue;
		}
		char traced[16] = "-", loop_traced[16] = "-";
		if (w.strace_per_op >= 0)
			snprintf(traced, sizeof(traced), "%.3f", w.strace_per_op);
		if (w.traced_loop_per_op >= 0)
			snprintf(loop_traced, sizeof(loop_traced), "%.3f", w.traced_loop_per_op);
		printf("%-34s %10llu %10.3f %14s %10s\n", cases[c].name, (unsigned long long)w.ops,
		       w.loop_per_op, loop_traced, traced);
		bench_record("syscalls", "loop count", cases[c].name, "syscalls/op", w.loop_per_op, true);
		if (w.strace_per_op >= 0) {
			bench_record("syscalls", "loop count (traced)", cases[c].name,
				     "syscalls/op", w.traced_loop_per_op, false);
			bench_record("syscalls", "strace -c", cases[c].name, "syscalls/op",
				     w.strace_per_op, false);
		}
	}
	printf("\n");
	unlink(path);
	return failed;
}
