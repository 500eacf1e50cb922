/*
 * ringdump: see inside an io_uring.
 *
 *   ringdump layout [--entries N] [--cq-entries N] [--flags SQPOLL,IOPOLL,...] [--json]
 *   ringdump probe [--json]
 *   ringdump trace [--link | --overflow | --sqpoll] [--json | --html FILE]
 *   ringdump pid PID [--fdinfo-only] [--all] [--json | --svg FILE]
 *   ringdump watch PID [--interval MS] [--count N] [--json]
 *   ringdump top [--interval MS] [--count N] [--json]
 *   ringdump serve [PID...] [--port N]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "layout.h"
#include "names.h"
#include "output.h"
#include "pid.h"
#include "probe.h"
#include "serve.h"
#include "top.h"
#include "trace.h"
#include "rawring.h"

static void usage(void)
{
	fprintf(stderr,
		"usage: ringdump layout [--entries N] [--cq-entries N] [--flags A,B,...] [--json | --svg FILE]\n"
		"       ringdump probe [--json]\n"
		"       ringdump trace [--link | --overflow | --sqpoll] [--json | --html FILE]\n"
		"       ringdump pid PID [--fdinfo-only] [--all] [--json | --svg FILE]\n"
		"       ringdump watch PID [--interval MS] [--count N] [--json]\n"
		"       ringdump top [--interval MS] [--count N] [--json]\n"
		"       ringdump serve [PID...] [--port N]   (a live page on 127.0.0.1, default port "
		RD_SERVE_PORT_TEXT "; 0: any free port)\n"
		"flags: setup flag names without IORING_SETUP_ (SQPOLL, IOPOLL, CQSIZE,\n"
		"       NO_SQARRAY, SQE128, CQE32, DEFER_TASKRUN, SINGLE_ISSUER, ...)\n"
		"top:   " RD_TOP_LEGEND);
	exit(2);
}

static unsigned long number(const char *text, unsigned long max)
{
	char *end;
	unsigned long value = strtoul(text, &end, 10);

	if (!*text || *end || value > max) {
		fprintf(stderr, "ringdump: '%s' is not a number up to %lu\n", text, max);
		exit(2);
	}
	return value;
}

/* "SQPOLL,CQE32" to setup flag bits, or exit(2) naming the unknown one. */
static unsigned parse_flags(const char *list)
{
	unsigned flags = 0;
	char copy[512];

	snprintf(copy, sizeof(copy), "%s", list);
	for (char *name = strtok(copy, ","); name; name = strtok(NULL, ",")) {
		if (strncasecmp(name, "IORING_SETUP_", 13) == 0)
			name += 13;
		bool found = false;
		for (unsigned i = 0; i < rd_setup_flag_count; i++) {
			if (strcasecmp(name, rd_setup_flags[i].name) == 0) {
				flags |= 1u << rd_setup_flags[i].value;
				found = true;
			}
		}
		if (!found) {
			fprintf(stderr, "ringdump: unknown setup flag '%s'\n", name);
			exit(2);
		}
	}
	return flags;
}

static int cmd_layout(int argc, char **argv, bool json)
{
	struct io_uring_params params;
	unsigned entries = 8;
	const char *svg_path = NULL;
	struct rr_ring ring;
	struct rd_out out;

	memset(&params, 0, sizeof(params));
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--entries") == 0 && i + 1 < argc)
			entries = (unsigned)number(argv[++i], 1u << 20);
		else if (strcmp(argv[i], "--cq-entries") == 0 && i + 1 < argc) {
			params.cq_entries = (unsigned)number(argv[++i], 1u << 21);
			params.flags |= IORING_SETUP_CQSIZE;
		} else if (strcmp(argv[i], "--flags") == 0 && i + 1 < argc)
			params.flags |= parse_flags(argv[++i]);
		else if (strcmp(argv[i], "--svg") == 0 && i + 1 < argc)
			svg_path = argv[++i];
		else
			usage();
	}
	if (params.flags & IORING_SETUP_SQPOLL)
		params.sq_thread_idle = 1000;
	int ret = rr_ring_init_params(entries, &ring, &params);
	if (ret < 0) {
		fprintf(stderr, "ringdump: io_uring_setup(%u entries, flags 0x%x): %s%s\n",
			entries, params.flags, strerror(-ret),
			ret == -EINVAL ? " (a flag this kernel does not know, or a bad combination)" : "");
		return 1;
	}
	if (svg_path) { /* the picture instead of the text */
		FILE *svg = fopen(svg_path, "w");
		if (!svg) {
			fprintf(stderr, "ringdump: cannot write %s: %s\n", svg_path, strerror(errno));
			rr_ring_exit(&ring);
			return 1;
		}
		ret = rd_layout_svg(&ring, svg);
		if (fclose(svg) != 0 && ret == 0)
			ret = -errno;
		rr_ring_exit(&ring);
		if (ret < 0)
			fprintf(stderr, "ringdump: writing %s: %s\n", svg_path, strerror(-ret));
		return ret < 0 ? 1 : 0;
	}
	rd_out_init(&out, stdout, json);
	rd_layout_describe(&ring, &out);
	rd_out_finish(&out);
	rr_ring_exit(&ring);
	return 0;
}

static int cmd_probe(int argc, bool json)
{
	struct rd_out out;

	if (argc)
		usage();
	rd_out_init(&out, stdout, json);
	int ret = rd_probe_run(&out);
	rd_out_finish(&out);
	if (ret < 0) {
		fprintf(stderr, "ringdump: io_uring is unavailable here: %s\n", strerror(-ret));
		return 1;
	}
	return 0;
}

static int cmd_trace(int argc, char **argv, bool json)
{
	enum rd_trace_kind kind = RD_TRACE_SIMPLE;
	const char *walk = "one NOP", *html_path = NULL;
	struct rd_out out;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--link") == 0) {
			kind = RD_TRACE_LINK;
			walk = "a failing read linked to a NOP";
		} else if (strcmp(argv[i], "--overflow") == 0) {
			kind = RD_TRACE_OVERFLOW;
			walk = "more completions than the CQ holds";
		} else if (strcmp(argv[i], "--sqpoll") == 0) {
			kind = RD_TRACE_SQPOLL;
			walk = "waking an idle SQPOLL thread";
		} else if (strcmp(argv[i], "--html") == 0 && i + 1 < argc) {
			html_path = argv[++i];
		} else {
			usage();
		}
	}
	if (html_path) { /* the page instead of the text */
		static struct rd_trace_record record;
		FILE *quiet = fopen("/dev/null", "w");
		FILE *page = quiet ? fopen(html_path, "w") : NULL;
		if (!page) {
			fprintf(stderr, "ringdump: cannot write %s: %s\n", html_path, strerror(errno));
			if (quiet)
				fclose(quiet);
			return 1;
		}
		rd_out_init(&out, quiet, false);
		int ret = rd_trace_run(&out, kind, &record);
		fclose(quiet);
		if (ret < 0) {
			fprintf(stderr, "ringdump: cannot set up a ring: %s\n", strerror(-ret));
			fclose(page);
			return 1;
		}
		ret = rd_trace_html(&record, walk, page);
		if (fclose(page) != 0 && ret == 0)
			ret = -errno;
		if (ret < 0)
			fprintf(stderr, "ringdump: trace --html: %s\n", strerror(-ret));
		return ret < 0 ? 1 : 0;
	}
	rd_out_init(&out, stdout, json);
	int ret = rd_trace_run(&out, kind, NULL);
	rd_out_finish(&out);
	if (ret < 0) {
		fprintf(stderr, "ringdump: cannot set up a ring: %s\n", strerror(-ret));
		return 1;
	}
	return 0;
}

static int cmd_pid(int argc, char **argv, bool json)
{
	bool live = true;
	unsigned list_max = RD_LIVE_MAX;
	const char *svg_path = NULL;
	long pid = -1;
	struct rd_out out;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--fdinfo-only") == 0)
			live = false;
		else if (strcmp(argv[i], "--all") == 0)
			list_max = RD_LIVE_ALL;
		else if (strcmp(argv[i], "--svg") == 0 && i + 1 < argc)
			svg_path = argv[++i];
		else if (pid < 0)
			pid = (long)number(argv[i], 1u << 30);
		else
			usage();
	}
	if (pid < 0)
		usage();
	if (svg_path) { /* the picture instead of the text */
		FILE *svg = fopen(svg_path, "w");
		if (!svg) {
			fprintf(stderr, "ringdump: cannot write %s: %s\n", svg_path, strerror(errno));
			return 1;
		}
		int ret = rd_pid_svg((pid_t)pid, svg);
		if (fclose(svg) != 0 && ret == 0)
			ret = -errno;
		if (ret < 0)
			fprintf(stderr, "ringdump: pid %ld --svg: %s\n", pid, strerror(-ret));
		return ret < 0 ? 1 : 0;
	}
	rd_out_init(&out, stdout, json);
	int ret = rd_pid_run(&out, (pid_t)pid, live, list_max);
	rd_out_finish(&out);
	return ret < 0 ? 1 : 0;
}

/* watch (a PID required) and top (every process). */
static int cmd_top(int argc, char **argv, bool json, bool need_pid)
{
	unsigned interval_ms = 1000, count = 0;
	long pid = 0;
	struct rd_out out;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--interval") == 0 && i + 1 < argc)
			interval_ms = (unsigned)number(argv[++i], 3600000);
		else if (strcmp(argv[i], "--count") == 0 && i + 1 < argc)
			count = (unsigned)number(argv[++i], 1000000);
		else if (need_pid && pid == 0)
			pid = (long)number(argv[i], 1u << 30);
		else
			usage();
	}
	if ((need_pid && pid <= 0) || interval_ms == 0)
		usage();
	if (need_pid) {
		int fds[1];
		int rings = rd_pid_rings((pid_t)pid, fds, 1);
		if (rings == -ESRCH) {
			fprintf(stderr, "ringdump: no such process: %ld\n", pid);
			return 1;
		}
		if (rings == 0) {
			fprintf(stderr, "ringdump: process %ld has no io_uring instances\n", pid);
			return 1;
		}
	}
	rd_out_init(&out, stdout, json);
	int ret = rd_top_run(&out, (pid_t)pid, interval_ms, count);
	rd_out_finish(&out);
	if (ret < 0) {
		fprintf(stderr, "ringdump: %s\n", strerror(-ret));
		return 1;
	}
	return 0;
}

/* serve: the given processes (none: every one with a ring). */
static int cmd_serve(int argc, char **argv, bool json)
{
	static struct rd_serve_scope scope;
	unsigned port = RD_SERVE_PORT;

	if (json)
		usage();
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--port") == 0 && i + 1 < argc)
			port = (unsigned)number(argv[++i], 65535);
		else if (scope.count < RD_SERVE_MAX_PIDS && argv[i][0] != '-')
			scope.pids[scope.count++] = (pid_t)number(argv[i], 1u << 30);
		else
			usage();
	}
	for (int i = 0; i < scope.count; i++) {
		int fds[1];
		int rings = rd_pid_rings(scope.pids[i], fds, 1);
		if (rings <= 0) { /* said now, not only on the page */
			fprintf(stderr, "ringdump: process %d: %s\n", (int)scope.pids[i],
				rd_pid_rings_error(rings ? rings : -ENOENT));
			return 1;
		}
	}
	return rd_serve_run(&scope, port, stdout) < 0 ? 1 : 0;
}

int main(int argc, char **argv)
{
	bool json = false;
	int kept = 1;

	/* --json may stand anywhere. */
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = true;
		else
			argv[kept++] = argv[i];
	}
	argc = kept;
	if (argc < 2)
		usage();
	if (strcmp(argv[1], "layout") == 0)
		return cmd_layout(argc - 2, argv + 2, json);
	if (strcmp(argv[1], "probe") == 0)
		return cmd_probe(argc - 2, json);
	if (strcmp(argv[1], "watch") == 0)
		return cmd_top(argc - 2, argv + 2, json, true);
	if (strcmp(argv[1], "top") == 0)
		return cmd_top(argc - 2, argv + 2, json, false);
	if (strcmp(argv[1], "trace") == 0)
		return cmd_trace(argc - 2, argv + 2, json);
	if (strcmp(argv[1], "pid") == 0)
		return cmd_pid(argc - 2, argv + 2, json);
	if (strcmp(argv[1], "serve") == 0)
		return cmd_serve(argc - 2, argv + 2, json);
	usage();
}
