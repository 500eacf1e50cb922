/*
 * ringbench echo: rawring's echo server (io_uring, SQPOLL, epoll backend)
 * against an epoll, a liburing and a libuv echo server, over a grid of
 * connection counts and message sizes.  Every point runs each server in
 * turn, once per repetition, with the same load generator; the table shows
 * medians.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_stats.h"
#include "echo_bench.h"
#include "rawring.h"
#include "ringbench.h"

enum server { RR_URING, RR_SINGLE, RR_SQPOLL, RR_EPOLL, EPOLL_REF, LIBURING_REF, LIBUV_REF, SERVERS };
static const char *const server_names[SERVERS] = {
	"rawring-uring", "rawring-single", "rawring-sqpoll", "rawring-epoll",
	"epoll", "liburing", "libuv",
};

#define MAX_POINTS 16

static bool server_available(enum server s)
{
	if (s == LIBURING_REF)
		return echo_liburing_available();
	if (s == LIBUV_REF)
		return echo_libuv_available();
	return true;
}

static int serve(enum server s, int listener, struct echo_counters *counters)
{
	struct rr_loop_options options = { .backend = RR_BACKEND_URING, .sqpoll_cpu = -1 };

	switch (s) {
	case RR_URING:
		return echo_serve_rawring(listener, &options, counters);
	case RR_SINGLE: /* SINGLE_ISSUER + DEFER_TASKRUN */
		options.single_issuer = true;
		return echo_serve_rawring(listener, &options, counters);
	case RR_SQPOLL:
		options.sqpoll = true;
		return echo_serve_rawring(listener, &options, counters);
	case RR_EPOLL:
		options.backend = RR_BACKEND_EPOLL;
		return echo_serve_rawring(listener, &options, counters);
	case EPOLL_REF:
		return echo_serve_epoll(listener);
	case LIBURING_REF:
		return echo_serve_liburing(listener);
	default:
		return echo_serve_libuv(listener);
	}
}

/* The server on one CPU, the load generator on the other: they no longer
 * trade places, and SQPOLL's kernel thread shares the server's CPU. */
static void pin_to_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

struct point_result {
	struct echo_result load;
	double syscalls_per_op;   /* rawring servers only, else -1 */
	double cpu_us_per_msg;    /* the server's CPU (all its threads) per round trip */
};

/* A process's user + system CPU time so far, in ns (from /proc: clock
 * ticks, 10 ms at the usual 100 Hz; over a run of a second, about 1%). */
static uint64_t process_cpu_ns(pid_t pid)
{
	char path[64], text[1024];
	unsigned long long utime = 0, stime = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	/* Fields 14 and 15, counted after the command name's closing ')'. */
	const char *rest = strrchr(text, ')');
	if (!rest || sscanf(rest + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
			    &utime, &stime) != 2)
		return 0;
	return (utime + stime) * (1000000000ull / (unsigned long long)sysconf(_SC_CLK_TCK));
}

/* One server, one grid point: the server in a child process, the load
 * here. */
static int run_point(enum server s, int connections, size_t size, double warmup,
		     double seconds, bool pin, struct point_result *out)
{
	struct echo_counters *counters = mmap(NULL, sizeof(*counters), PROT_READ | PROT_WRITE,
					      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	uint16_t port = 0;
	int listener = echo_listen(&port);

	if (counters == MAP_FAILED || listener < 0)
		return -ENOMEM;
	fflush(NULL);
	pid_t child = fork();
	if (child < 0)
		return -errno;
	if (child == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (pin)
			pin_to_cpu(1);
		int ret = serve(s, listener, counters);
		fprintf(stderr, "\nringbench: %s server: %s\n", server_names[s], strerror(-ret));
		_exit(1);
	}
	close(listener);
	uint64_t cpu = process_cpu_ns(child);
	int ret = echo_load(port, connections, size, warmup, seconds, &out->load);
	cpu = process_cpu_ns(child) - cpu;
	out->cpu_us_per_msg = out->load.all_messages
				      ? (double)cpu / 1e3 / (double)out->load.all_messages : 0;
	uint64_t syscalls = atomic_load(&counters->syscalls), ops = atomic_load(&counters->ops);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	munmap(counters, sizeof(*counters));
	out->syscalls_per_op = s <= RR_EPOLL && ops ? (double)syscalls / (double)ops : -1;
	return ret;
}

static int parse_list(const char *text, unsigned *values, unsigned room)
{
	unsigned count = 0;
	char *copy = strdup(text), *save = NULL;

	for (char *item = strtok_r(copy, ",", &save); item && count < room;
	     item = strtok_r(NULL, ",", &save))
		values[count++] = (unsigned)strtoul(item, NULL, 10);
	free(copy);
	return (int)count;
}

int echo_main(const struct bench_options *opt, int argc, char **argv)
{
	unsigned conns[MAX_POINTS] = { 1, 50, 500 }, sizes[MAX_POINTS] = { 64, 512, 16384 };
	int nconns = 3, nsizes = 3;
	double seconds = 1.0, warmup = 0.2;
	bool pin = false;

	if (opt->quick) {
		nconns = parse_list("1,50", conns, MAX_POINTS);
		nsizes = parse_list("64,16384", sizes, MAX_POINTS);
		seconds = 0.3;
		warmup = 0.1;
	}
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--connections") == 0 && i + 1 < argc)
			nconns = parse_list(argv[++i], conns, MAX_POINTS);
		else if (strcmp(argv[i], "--sizes") == 0 && i + 1 < argc)
			nsizes = parse_list(argv[++i], sizes, MAX_POINTS);
		else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc)
			seconds = atof(argv[++i]);
		else if (strcmp(argv[i], "--pin") == 0)
			pin = true;
		else
			return bench_usage();
	}
	for (int i = 0; i < nsizes; i++)
		if (sizes[i] < 1 || sizes[i] > ECHO_BUFFER)
			return bench_usage();

	unsigned reps = opt->reps;
	if (pin)
		pin_to_cpu(0);
	size_t points = (size_t)nconns * (size_t)nsizes;
	struct point_result *results = calloc(points * SERVERS * reps, sizeof(*results));
	if (!results)
		return 1;
#define AT(p, s, r) results[((p) * SERVERS + (s)) * reps + (r)]
	for (unsigned r = 0; r < reps; r++) {
		for (size_t p = 0; p < points; p++) {
			unsigned c = conns[p / (size_t)nsizes], z = sizes[p % (size_t)nsizes];
			for (int s = 0; s < SERVERS; s++) {
				if (!server_available((enum server)s))
					continue;
				bench_progress("echo: repetition %u/%u, %u connections x %u B, %s",
					       r + 1, reps, c, z, server_names[s]);
				int ret = run_point((enum server)s, (int)c, z, warmup, seconds,
						    pin, &AT(p, s, r));
				if (ret < 0) {
					bench_progress_done();
					fprintf(stderr, "ringbench: echo %s at %u x %u B: %s\n",
						server_names[s], c, z, strerror(-ret));
					return 1;
				}
			}
		}
	}
	bench_progress_done();
	if (pin) {
		cpu_set_t all;
		CPU_ZERO(&all);
		for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
			CPU_SET(cpu, &all);
		sched_setaffinity(0, sizeof(all), &all);
	}

	printf("echo: TCP round trips per second on loopback (closed loop, every byte checked),\n"
	       "median of %u interleaved runs of %.1f s after %.1f s warm-up; latency p50/p99 in us\n",
	       reps, seconds, warmup);
	for (int s = LIBURING_REF; s <= LIBUV_REF; s++)
		if (!server_available((enum server)s))
			printf("(%s not found at build time: skipped)\n", server_names[s]);
	printf("%5s %6s  %-15s %11s %8s %8s %9s %10s %10s\n", "conns", "size", "server",
	       "msgs/s", "p50", "p99", "cpu us/msg", "sys/op", "vs uring");
	int failed = 0;
	for (size_t p = 0; p < points; p++) {
		unsigned c = conns[p / (size_t)nsizes], z = sizes[p % (size_t)nsizes];
		double med[SERVERS];
		for (int s = 0; s < SERVERS; s++) {
			double rate[MAX_REPS], p50[MAX_REPS], p99[MAX_REPS], sys[MAX_REPS];
			double cpu[MAX_REPS];
			uint64_t bad = 0;
			for (unsigned r = 0; r < reps; r++) {
				rate[r] = AT(p, s, r).load.msgs_per_s;
				p50[r] = AT(p, s, r).load.p50_us;
				p99[r] = AT(p, s, r).load.p99_us;
				sys[r] = AT(p, s, r).syscalls_per_op;
				cpu[r] = AT(p, s, r).cpu_us_per_msg;
				bad += AT(p, s, r).load.bad_bytes;
			}
			med[s] = bench_median(rate, reps);
			if (!server_available((enum server)s))
				continue;
			double m50 = bench_median(p50, reps), m99 = bench_median(p99, reps);
			double msys = bench_median(sys, reps), mcpu = bench_median(cpu, reps);
			char sysbuf[16] = "-";
			if (msys >= 0)
				snprintf(sysbuf, sizeof(sysbuf), "%.2f", msys);
			printf("%5u %6u  %-15s %11.0f %8.1f %8.1f %10.2f %9s %9.2fx%s\n", c, z,
			       server_names[s], med[s], m50, m99, mcpu, sysbuf,
			       med[s] > 0 ? med[RR_URING] / med[s] : 0.0,
			       bad ? "  BYTES DIFFER" : "");
			failed |= bad != 0;
			char point[48];
			snprintf(point, sizeof(point), "%u conns x %u B", c, z);
			bench_record("echo", server_names[s], point, "msgs/s", med[s], true);
			bench_record("echo", server_names[s], point, "p50 us", m50, false);
			bench_record("echo", server_names[s], point, "p99 us", m99, false);
			bench_record("echo", server_names[s], point, "server CPU us/msg", mcpu, false);
			if (msys >= 0)
				bench_record("echo", server_names[s], point, "syscalls/op", msys, false);
			bench_record("echo", server_names[s], point, "bytes differing",
				     (double)bad, false);
		}
	}
#undef AT
	free(results);
	return failed;
}
