/*
 * rr-soak: many loopback connections echoing checksummed messages for a
 * set time, with disconnects, cancels and timers mixed in (see soak.c).
 */
#ifndef RAWRING_SOAK_H
#define RAWRING_SOAK_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "rawring.h"

#define SOAK_MAX_CONNS 4096
#define SOAK_MAX_MESSAGE 16384

/* How the server echoes: a receive then a send per message, a shared
 * incremental group (--group), or send bundles (--bundle). */
enum soak_echo { SOAK_ECHO_PLAIN, SOAK_ECHO_GROUP, SOAK_ECHO_BUNDLE };

struct soak_config {
	int connections;
	double seconds;
	unsigned max_message;    /* message sizes are 1..max_message */
	uint64_t seed;
	enum soak_echo echo;     /* how the server echoes */
	struct rr_loop_options options;
};

struct soak_totals {
	uint64_t messages, bytes;      /* echoed and verified */
	uint64_t corrupted;            /* wrong bytes, short or failed transfers */
	uint64_t lost;                 /* connections still waiting at the end */
	uint64_t connects, disconnects;
	uint64_t cancels, timers;      /* cancellations and timers seen through */
	uint64_t heap_warm, heap_peak; /* heap bytes after warm-up, and the most since */
};

/* The server: its own loop on its own thread, echoing until stopped. */
struct soak_server {
	struct rr_loop loop;
	int listener;
	uint16_t port;
	atomic_bool stop;
	struct rr_async stop_async;
	int error;                     /* a scheduling or loop error, -errno */
};

int soak_server_start(struct soak_server *server, const struct soak_config *config);
/* Keep the first real error (-errno; -ESHUTDOWN, the loop's deinit, is not one). */
void soak_server_error(struct soak_server *server, int err);
/* Stop the server's loop, close every connection, join its thread. */
void soak_server_stop(struct soak_server *server);

/* The server's --group echo (soak_group.c): set up `slots` connections
 * and the group on server->loop (0 or -errno); take an accepted fd (false:
 * no slot free); free what the start allocated, after the loop's deinit. */
int soak_group_start(struct soak_server *server, int slots);
bool soak_group_accept(struct soak_server *server, int fd);
void soak_group_stop(void);

/* The server's --bundle echo (soak_bundle.c), in the same three calls. */
int soak_bundle_start(struct soak_server *server, int slots);
bool soak_bundle_accept(struct soak_server *server, int fd);
void soak_bundle_stop(void);

/* The clients: run on the calling thread until the time is up and every
 * connection has finished its last round trip (or the grace ran out). */
int soak_clients_run(const struct soak_config *config, uint16_t port,
		     struct soak_totals *totals);

/* A byte of message `seq` of connection `conn` at `offset`. */
static inline unsigned char soak_byte(unsigned conn, uint64_t seq, unsigned offset)
{
	uint64_t x = ((uint64_t)conn << 40 ^ seq << 16 ^ offset) * 0x9E3779B97F4A7C15ull;

	return (unsigned char)(x >> 56);
}

#endif
