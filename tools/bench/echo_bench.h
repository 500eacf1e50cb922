/*
 * The echo workload: TCP ping-pong on loopback.  Each server runs in a
 * child process of its own and echoes every byte back on every connection
 * until it is killed; the load generator (echo_load.c) runs in the parent.
 * Every server sets TCP_NODELAY on the connections it accepts, as any
 * request/response server does (an echo in pieces would otherwise meet
 * Nagle's algorithm and delayed ACKs).
 */
#ifndef RAWRING_BENCH_ECHO_H
#define RAWRING_BENCH_ECHO_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The largest message the grid uses; servers read up to this at once. */
#define ECHO_BUFFER 16384

/* What a rawring server reports to the parent while it runs (shared
 * memory): its loop's system calls and completed ops so far. */
struct echo_counters {
	_Atomic uint64_t syscalls;
	_Atomic uint64_t ops;
};

/* Each serves `listener` (a listening TCP socket) until killed, and returns
 * only on a setup error (a negative errno). */
struct rr_loop_options;
/* `options`: the backend and its modes (entries are the server's own). */
int echo_serve_rawring(int listener, const struct rr_loop_options *options,
		       struct echo_counters *counters);
int echo_serve_epoll(int listener);
int echo_serve_liburing(int listener);   /* -ENOSYS when not built with it */
int echo_serve_libuv(int listener);      /* -ENOSYS when not built with it */
bool echo_liburing_available(void);
bool echo_libuv_available(void);

/* Set TCP_NODELAY on an accepted connection. */
void echo_nodelay(int fd);

/* A listening socket on 127.0.0.1 with a kernel-chosen port: the fd (and
 * *port) or -errno. */
int echo_listen(uint16_t *port);

struct echo_result {
	double msgs_per_s;
	double p50_us, p99_us;
	uint64_t messages;       /* round trips completed in the window */
	uint64_t all_messages;   /* round trips completed, warm-up included */
	uint64_t bad_bytes;      /* echoed bytes that differed: must be 0 */
};

/* Closed-loop load: `connections` connections to 127.0.0.1:port, each with
 * one `size`-byte message in flight at a time, every echoed byte checked;
 * `warmup_s` unmeasured, then `seconds` measured.  0 or -errno. */
int echo_load(uint16_t port, int connections, size_t size, double warmup_s,
	      double seconds, struct echo_result *result);

#endif
