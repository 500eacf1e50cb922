/*
 * ringbench timers: one million one-shot timers, deadlines spread at random
 * over one second, armed at once and left to fire: the CPU time (user +
 * system) from the first arm to the last callback, rawring's loop against
 * libuv.  Both get the same deadlines; rawring's are nanoseconds, libuv's
 * are whole milliseconds (its resolution).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>

#include "bench_stats.h"
#include "rawring.h"
#include "ringbench.h"

#ifdef HAVE_LIBUV
#include <uv.h>
#endif

/* The deadline of timer i, in ns within [0, spread). */
static uint64_t deadline_ns(uint32_t i, uint64_t spread)
{
	uint64_t x = (uint64_t)i * 0x9E3779B97F4A7C15ull;

	x ^= x >> 29;
	return x % spread;
}

struct fired { uint32_t count; };

static void on_rr_timer(struct rr_loop *loop, struct rr_op *op, int result)
{
	(void)loop;
	(void)result;
	((struct fired *)op->context)->count++;
}

/* CPU ns for `n` timers on rawring, or a negative errno. */
static double timers_rawring(uint32_t n, uint64_t spread)
{
	struct rr_op *ops = calloc(n, sizeof(*ops));
	struct fired fired = { 0 };
	struct rr_loop loop;

	if (!ops)
		return -1;
	int ret = rr_loop_init(&loop, NULL);
	if (ret < 0) {
		free(ops);
		return ret;
	}
	uint64_t cpu = bench_cpu_ns();
	for (uint32_t i = 0; i < n; i++) {
		rr_op_init(&ops[i], on_rr_timer, &fired);
		rr_timeout(&loop, &ops[i], deadline_ns(i, spread), 0);
	}
	rr_loop_run(&loop, RR_RUN_UNTIL_DONE);
	cpu = bench_cpu_ns() - cpu;
	rr_loop_deinit(&loop);
	free(ops);
	return fired.count == n ? (double)cpu : -1;
}

#ifdef HAVE_LIBUV
static void on_uv_timer(uv_timer_t *timer)
{
	((struct fired *)timer->data)->count++;
}

static double timers_libuv(uint32_t n, uint64_t spread)
{
	uv_timer_t *timers = calloc(n, sizeof(*timers));
	struct fired fired = { 0 };
	uv_loop_t loop;

	if (!timers || uv_loop_init(&loop) < 0) {
		free(timers);
		return -1;
	}
	uint64_t cpu = bench_cpu_ns();
	for (uint32_t i = 0; i < n; i++) {
		uv_timer_init(&loop, &timers[i]);
		timers[i].data = &fired;
		uv_timer_start(&timers[i], on_uv_timer, deadline_ns(i, spread) / 1000000u, 0);
	}
	uv_run(&loop, UV_RUN_DEFAULT);
	cpu = bench_cpu_ns() - cpu;
	for (uint32_t i = 0; i < n; i++)
		uv_close((uv_handle_t *)&timers[i], NULL);
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
	free(timers);
	return fired.count == n ? (double)cpu : -1;
}
#endif

int timers_main(const struct bench_options *opt, int argc, char **argv)
{
	uint32_t n = opt->quick ? 100000 : 1000000;
	uint64_t spread = opt->quick ? 200000000u : 1000000000u;
	double rr[MAX_REPS], uv[MAX_REPS];
	bool have_libuv = false;

	(void)argc;
	(void)argv;
#ifdef HAVE_LIBUV
	have_libuv = true;
#endif
	for (unsigned r = 0; r < opt->reps; r++) {
		bench_progress("timers: repetition %u/%u", r + 1, opt->reps);
		rr[r] = timers_rawring(n, spread);
		uv[r] = 0;
#ifdef HAVE_LIBUV
		uv[r] = timers_libuv(n, spread);
#endif
		if (rr[r] < 0 || uv[r] < 0) {
			bench_progress_done();
			fprintf(stderr, "ringbench: timers: a run failed or lost a timer\n");
			return 1;
		}
	}
	bench_progress_done();
	double mrr = bench_median(rr, opt->reps) / 1e6, muv = bench_median(uv, opt->reps) / 1e6;
	char point[48];
	snprintf(point, sizeof(point), "%u timers over %.1f s", n, (double)spread / 1e9);
	printf("timers: CPU time to arm and fire %u one-shot timers spread over %.1f s,\n"
	       "median of %u interleaved runs (less is better)\n", n, (double)spread / 1e9,
	       opt->reps);
	printf("%-10s %12s\n", "", "CPU ms");
	printf("%-10s %12.1f\n", "rawring", mrr);
	bench_record("timers", "rawring", point, "CPU ms", mrr, true);
	if (have_libuv) {
		printf("%-10s %12.1f   (rawring/libuv %.2fx)\n", "libuv", muv, mrr / muv);
		bench_record("timers", "libuv", point, "CPU ms", muv, true);
	} else {
		printf("(libuv not found at build time: skipped)\n");
	}
	printf("\n");
	return 0;
}
