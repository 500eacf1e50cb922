/*
 * rr-soak: a soak test of the proactor loop.
 *
 *   rr-soak [--connections N] [--seconds S] [--max-message BYTES]
 *           [--backend uring|epoll|auto] [--sqpoll] [--group | --bundle]
 *           [--seed N]
 *
 * An echo server (its own loop, on a second thread) and N clients (one
 * loop) exchange messages of random size over loopback for S seconds, each
 * byte checked, with disconnects, cancelled receives and timers mixed in.
 * At the end: no byte lost or corrupted, every connection finished, the
 * process's fd count back where it started, the heap flat after the first
 * second.  Exits 0 when all of that holds, 1 otherwise.  --group: the
 * server receives with multishot receives into one incremental buffer
 * group that all connections share (soak_group.c).  --bundle: it receives
 * into a send group of each connection's own and echoes with send bundles
 * (soak_bundle.c).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "../examples/example_support.h"
#include "soak.h"

#define PROGRAM "rr-soak"
/* Heap growth after warm-up that still counts as flat: the readiness
 * backends' fd table may double once more as fd numbers climb.  Without
 * glibc the heap is the data segment's size (soak_client.c: whole pages,
 * freed memory that stays mapped), which moves by up to half a megabyte
 * with nothing leaked (seen with musl: 0 to 442,368 bytes across runs of
 * the bundle soak, whose glibc count stays at 0): a leak there shows as
 * growth beyond that, run after run. */
#ifdef __GLIBC__
#define HEAP_SLACK (256u * 1024u)
#else
#define HEAP_SLACK (1024u * 1024u)
#endif

static int count_fds(void)
{
	DIR *dir = opendir("/proc/self/fd");
	int count = 0;

	if (!dir)
		return -1;
	while (readdir(dir))
		count++;
	closedir(dir);
	return count;
}

/* Two fds per connection and some spare. */
static void raise_fd_limit(int connections)
{
	struct rlimit lim;

	if (getrlimit(RLIMIT_NOFILE, &lim) == 0 &&
	    lim.rlim_cur < (rlim_t)connections * 4 + 64) {
		lim.rlim_cur = lim.rlim_max;
		setrlimit(RLIMIT_NOFILE, &lim);
	}
}

static void parse(int argc, char **argv, struct soak_config *config)
{
	memset(config, 0, sizeof(*config));
	config->connections = 1000;
	config->seconds = 10;
	config->max_message = SOAK_MAX_MESSAGE;
	config->seed = 1;
	config->options.sqpoll_cpu = -1;
	config->options.backend = RR_BACKEND_URING;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(arg, "--sqpoll") == 0) {
			config->options.sqpoll = true;
			continue;
		}
		if (strcmp(arg, "--group") == 0 || strcmp(arg, "--bundle") == 0) {
			config->echo = arg[2] == 'g' ? SOAK_ECHO_GROUP : SOAK_ECHO_BUNDLE;
			continue;
		}
		if (!value) {
			fprintf(stderr, "usage: " PROGRAM " [--connections N] [--seconds S] "
					"[--max-message BYTES] [--backend NAME] [--sqpoll] "
					"[--group | --bundle] [--seed N]\n");
			exit(2);
		}
		i++;
		if (strcmp(arg, "--connections") == 0)
			config->connections = example_parse_int(PROGRAM, value, 1, SOAK_MAX_CONNS);
		else if (strcmp(arg, "--seconds") == 0)
			config->seconds = example_parse_int(PROGRAM, value, 1, 86400);
		else if (strcmp(arg, "--max-message") == 0)
			config->max_message = (unsigned)example_parse_int(PROGRAM, value, 1,
									   SOAK_MAX_MESSAGE);
		else if (strcmp(arg, "--seed") == 0)
			config->seed = (uint64_t)example_parse_int(PROGRAM, value, 0, 1 << 30);
		else if (strcmp(arg, "--backend") == 0)
			config->options.backend = example_backend(PROGRAM, value);
		else {
			fprintf(stderr, PROGRAM ": unknown option %s\n", arg);
			exit(2);
		}
	}
	/* Room for every connection's receives in flight at once. */
	config->options.entries = 4096;
}

int main(int argc, char **argv)
{
	struct soak_config config;
	struct soak_server server;
	struct soak_totals totals;

	parse(argc, argv, &config);
	raise_fd_limit(config.connections);
	memset(&totals, 0, sizeof(totals));
	int fds_before = count_fds();

	int ret = soak_server_start(&server, &config);
	if (ret < 0) {
		fprintf(stderr, PROGRAM ": server: %s\n", strerror(-ret));
		return 1;
	}
	ret = soak_clients_run(&config, server.port, &totals);
	soak_server_stop(&server);
	int fds_after = count_fds();

	uint64_t growth = totals.heap_peak > totals.heap_warm
				  ? totals.heap_peak - totals.heap_warm : 0;
	printf(PROGRAM ": %s%s%s, %d connections, %.0f s: %llu messages, %llu bytes echoed "
	       "and checked; %llu connects, %llu disconnects, %llu cancels, %llu timers\n",
	       example_backend_label(config.options.backend),
	       config.options.sqpoll ? " (SQPOLL)" : "",
	       config.echo == SOAK_ECHO_GROUP    ? " (a shared incremental group)"
	       : config.echo == SOAK_ECHO_BUNDLE ? " (send bundles)"
						 : "",
	       config.connections,
	       config.seconds, (unsigned long long)totals.messages,
	       (unsigned long long)totals.bytes, (unsigned long long)totals.connects,
	       (unsigned long long)totals.disconnects, (unsigned long long)totals.cancels,
	       (unsigned long long)totals.timers);
	printf(PROGRAM ": corrupted %llu, lost %llu, fds %d -> %d, heap after warm-up "
	       "%llu bytes, grew %llu since, server errors %d, loop errors %d\n",
	       (unsigned long long)totals.corrupted, (unsigned long long)totals.lost,
	       fds_before, fds_after, (unsigned long long)totals.heap_warm,
	       (unsigned long long)growth, server.error, ret);
	bool ok = totals.corrupted == 0 && totals.lost == 0 && fds_after == fds_before &&
		  growth <= HEAP_SLACK && server.error == 0 && ret == 0 && totals.messages > 0;
	printf(PROGRAM ": %s\n", ok ? "PASS" : "FAIL");
	return ok ? 0 : 1;
}
