/*
 * The walk: count a scenario's library calls, then fail each in turn with
 * each errno, and check what the caller saw and what was left behind.
 */
#define _GNU_SOURCE
#include "walk.h"

#include <errno.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../helpers.h"

#if defined(__SANITIZE_ADDRESS__)
#define WALK_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WALK_ASAN 1
#endif
#endif
#ifdef WALK_ASAN
/* The sanitizer runtime's count (its header is not installed with gcc). */
size_t __sanitizer_get_current_allocated_bytes(void);
#endif

#define SCENARIO_DEADLINE_NS (5ull * 1000000000u)

static const int injected_errnos[] = {
	ENOMEM, EPERM, ENOSYS, EINTR, EAGAIN, EBUSY, EBADR, EOWNERDEAD,
};

/* ---- the hook ------------------------------------------------------------ */

struct injector {
	bool counting;          /* calls are counted (not during health checks) */
	unsigned calls;
	unsigned fail_at;       /* index of the call to fail; UINT_MAX: none */
	int err;
	bool landed;
	enum rr_fault_site landed_site;
};

static int inject(enum rr_fault_site site, void *context)
{
	struct injector *in = context;

	if (!in->counting)
		return 0;
	if (in->calls++ != in->fail_at)
		return 0;
	in->landed = true;
	in->landed_site = site;
	return -in->err;
}

/* ---- what a run leaves behind --------------------------------------------- */

struct snapshot {
	int fds;
	int ring_maps;
	size_t heap;
};

static int count_ring_maps(void)
{
	FILE *maps = fopen("/proc/self/maps", "re");
	char line[512];
	int count = 0;

	if (!maps)
		return -1;
	while (fgets(line, sizeof(line), maps))
		if (strstr(line, "io_uring"))
			count++;
	fclose(maps);
	return count;
}

static size_t heap_in_use(void)
{
#ifdef WALK_ASAN
	return __sanitizer_get_current_allocated_bytes();
#else
	/* Exact only with glibc's thread cache off (meson runs the walks with
	 * GLIBC_TUNABLES=glibc.malloc.tcache_count=0): mallinfo2 counts a
	 * freed block that went to the cache as still in use. */
	struct mallinfo2 info = mallinfo2();

	return info.uordblks + info.hblkhd; /* small blocks and mmapped ones */
#endif
}

static struct snapshot take_snapshot(void)
{
	struct snapshot s;

	s.fds = count_open_fds();
	s.ring_maps = count_ring_maps();
	s.heap = heap_in_use();
	return s;
}

/* ---- scenario helpers ------------------------------------------------------ */

void sc_error(struct scenario *sc, int err)
{
	if (err < 0 && !sc->first_error)
		sc->first_error = err;
}

static void tracked_cb(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct tracked_op *t = op->context;

	(void)loop;
	t->callbacks++;
	t->result = result;
	if (t->handler)
		t->handler(t->sc, t->index, result);
}

struct rr_op *sc_op(struct scenario *sc, int index, tracked_handler *handler)
{
	struct tracked_op *t = &sc->ops[index];

	t->sc = sc;
	t->index = index;
	t->handler = handler;
	rr_op_init(&t->op, tracked_cb, t);
	return &t->op;
}

bool sc_scheduled(struct scenario *sc, int index, int ret)
{
	if (ret < 0) {
		sc_error(sc, ret);
		return false;
	}
	sc->ops[index].schedulings++;
	return true;
}

void sc_cancel_all(struct scenario *sc)
{
	sc->aborted = true;
	for (int i = 0; i < SCENARIO_MAX_OPS; i++) {
		struct tracked_op *t = &sc->ops[i];
		if (t->schedulings > t->callbacks)
			rr_cancel(&sc->loop, &t->op); /* -ENOENT if just done */
	}
}

void sc_drive(struct scenario *sc, const bool *done)
{
	uint64_t give_up = rr_now_ns() + SCENARIO_DEADLINE_NS;

	while (!*done && rr_loop_pending(&sc->loop)) {
		if (rr_now_ns() >= give_up) {
			sc->hung = true;
			return;
		}
		int ret = rr_loop_run_for_ns(&sc->loop, 20 * 1000000u);
		if (ret < 0)
			sc_error(sc, ret);
	}
}

/* ---- the health check -------------------------------------------------------- */

struct health {
	int results[3];
	int done;
};

static void health_cb(struct rr_loop *loop, struct rr_op *op, int result)
{
	struct health *h = op->context;

	(void)loop;
	h->results[h->done++ % 3] = result;
}

/* A NOP, a socket round trip and a timer on `loop`, with no fault. */
static bool loop_still_works(struct rr_loop *loop)
{
	struct health h = { { -1, -1, -1 }, 0 };
	struct rr_op nop, recv_op, timer;
	int pair[2];
	char byte = 'x', got = 0;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0)
		return false;
	rr_op_init(&nop, health_cb, &h);
	rr_op_init(&recv_op, health_cb, &h);
	rr_op_init(&timer, health_cb, &h);
	bool ok = rr_nop(loop, &nop) == 0 &&
		  rr_recv(loop, &recv_op, pair[0], &got, 1, 0) == 0 &&
		  rr_timeout(loop, &timer, 1000000u, 0) == 0 &&
		  write(pair[1], &byte, 1) == 1;
	uint64_t give_up = rr_now_ns() + 2000000000u;
	while (ok && h.done < 3 && rr_now_ns() < give_up)
		rr_loop_run_for_ns(loop, 20 * 1000000u);
	close(pair[0]);
	close(pair[1]);
	if (h.done < 3) /* let deinit collect what is left */
		return false;
	/* The three results in any order: 0 (NOP), 1 (recv), -ETIME. */
	int sum_ok = 0;
	for (int i = 0; i < 3; i++)
		sum_ok += h.results[i] == 0 || h.results[i] == 1 || h.results[i] == -ETIME;
	return ok && sum_ok == 3 && got == 'x';
}

/* ---- one run ------------------------------------------------------------------ */

struct run_result {
	struct scenario sc;
	bool loop_works;
	int bad_callbacks;
};

static void run_scenario(scenario_fn *fn, const struct rr_loop_options *options,
			 struct injector *in, struct run_result *res)
{
	struct scenario *sc = &res->sc;

	memset(res, 0, sizeof(*res));
	sc->options = *options;
	in->counting = true;
	int ret = rr_loop_init(&sc->loop, &sc->options);
	if (ret < 0) {
		sc_error(sc, ret);
	} else {
		sc->loop_ready = true;
		fn(sc);
		in->counting = false;
		res->loop_works = loop_still_works(&sc->loop);
		in->counting = true;
		rr_loop_deinit(&sc->loop);
	}
	in->counting = false;
	for (int i = 0; i < SCENARIO_MAX_OPS; i++)
		if (sc->ops[i].callbacks != sc->ops[i].schedulings)
			res->bad_callbacks++;
}

static void violation(struct walk_report *report, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void violation(struct walk_report *report, const char *fmt, ...)
{
	va_list ap;

	if (getenv("WALK_VERBOSE")) {
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
	if (report->violations++)
		return;
	va_start(ap, fmt);
	vsnprintf(report->first_violation, sizeof(report->first_violation), fmt, ap);
	va_end(ap);
}

/* Check one faulted run against the rules in walk.h. */
static void check_run(struct walk_report *report, const struct injector *in,
		      const struct run_result *res, const struct snapshot *before)
{
	const struct scenario *sc = &res->sc;
	const char *site = in->landed ? rr_fault_site_name(in->landed_site) : "(none)";
	struct snapshot after = take_snapshot();

	if (sc->hung)
		violation(report, "call %u (%s) -%s: ops still in flight after 5 s",
			  in->fail_at, site, strerrorname_np(in->err));
	if (res->bad_callbacks)
		violation(report, "call %u (%s) -%s: %d ops did not get exactly one callback",
			  in->fail_at, site, strerrorname_np(in->err), res->bad_callbacks);
	/* An allocation can only fail one way, whatever errno was asked for. */
	int expected = in->landed && in->landed_site == RR_FAULT_ALLOC ? -ENOMEM : -in->err;
	if (!sc->completed && sc->first_error != expected)
		violation(report, "call %u (%s) -%s: work left undone, first error seen %d",
			  in->fail_at, site, strerrorname_np(in->err), sc->first_error);
	if (sc->loop_ready && !res->loop_works)
		violation(report, "call %u (%s) -%s: the loop no longer works",
			  in->fail_at, site, strerrorname_np(in->err));
	if (after.fds != before->fds || after.ring_maps != before->ring_maps ||
	    after.heap != before->heap)
		violation(report,
			  "call %u (%s) -%s: leaked: fds %d->%d, ring maps %d->%d, heap %zu->%zu",
			  in->fail_at, site, strerrorname_np(in->err), before->fds,
			  after.fds, before->ring_maps, after.ring_maps, before->heap,
			  after.heap);
}

void walk(scenario_fn *fn, const struct rr_loop_options *options,
	  struct walk_report *report)
{
	static struct run_result res; /* big: kept off the stack */
	struct injector in = { .fail_at = UINT32_MAX };

	memset(report, 0, sizeof(*report));
	rr_fault_set_hook(inject, &in);

	/* Warm-up, then the clean run that counts the calls. */
	run_scenario(fn, options, &in, &res);
	in.calls = 0;
	run_scenario(fn, options, &in, &res);
	report->calls = in.calls;
	if (!res.sc.completed)
		violation(report, "the clean run failed (first error %d)", res.sc.first_error);

	for (unsigned at = 0; at < report->calls; at++) {
		for (size_t e = 0; e < sizeof(injected_errnos) / sizeof(injected_errnos[0]); e++) {
			struct snapshot before = take_snapshot();
			in.calls = 0;
			in.fail_at = at;
			in.err = injected_errnos[e];
			in.landed = false;
			run_scenario(fn, options, &in, &res);
			report->runs++;
			if (in.landed)
				report->landed[in.landed_site]++;
			check_run(report, &in, &res, &before);
		}
	}
	rr_fault_set_hook(NULL, NULL);
}

void walk_sites(const struct walk_report *report, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int s = 0; s < RR_FAULT_SITE_COUNT && used < len; s++) {
		if (!report->landed[s])
			continue;
		int n = snprintf(buf + used, len - used, "%s%s x%u", used ? ", " : "",
				 rr_fault_site_name((enum rr_fault_site)s),
				 report->landed[s]);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}
