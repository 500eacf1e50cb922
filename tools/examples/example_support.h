/*
 * What the example programs share: a loopback listener, number parsing,
 * and the --demo client that drives an echo server and checks every byte.
 * The few calls that differ between POSIX systems and Windows (sockets and
 * files outside the loop, the demo client's process or thread) are in
 * example_os_posix.c and example_os_windows.c.
 */
#ifndef RAWRING_EXAMPLE_SUPPORT_H
#define RAWRING_EXAMPLE_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rawring.h"

#ifndef _WIN32
#include <netinet/in.h>
#endif

/* 127.0.0.1:port as a sockaddr. */
struct sockaddr_in example_loopback(uint16_t port);

/* A listening TCP socket on 127.0.0.1:port (0: the kernel picks); the fd
 * or -errno.  *bound_port receives the port. */
rr_fd_t example_listen(uint16_t port, uint16_t *bound_port);

/* A blocking TCP socket connected to 127.0.0.1:port, or -errno. */
rr_fd_t example_connect(uint16_t port);

/* Blocking send/recv outside the loop: bytes moved, 0 at EOF, or -1. */
long example_send(rr_fd_t fd, const void *buf, size_t len);
long example_recv(rr_fd_t fd, void *buf, size_t len);

/* A file opened for the loop (for overlapped I/O on Windows): to read,
 * with its size in *size; or created/truncated to write.  fd or -errno. */
rr_fd_t example_open_read(const char *path, uint64_t *size);
rr_fd_t example_open_write(const char *path);

/* Close a socket or a file: 0 or -errno. */
int example_close(rr_fd_t fd);

/* The backend named on a command line (auto, uring, epoll, kqueue), or
 * exit(2); and the name back. */
enum rr_backend_kind example_backend(const char *program, const char *name);
const char *example_backend_label(enum rr_backend_kind kind);

/*
 * The options every server example shares: PORT (the first bare word),
 * --sqpoll and --backend NAME.  Consumes argv[*i] (and its value, moving *i)
 * and returns true when it is one of them.
 */
bool example_server_option(const char *program, int argc, char **argv, int *i,
			   struct rr_loop_options *options, int *port);

/*
 * Listen on 127.0.0.1:port and start `loop` with `options`, or exit(1) with
 * a message naming `program`.  Prints the "listening" line (with the backend
 * the loop runs on) and returns the listening fd.
 */
rr_fd_t example_serve(const char *program, int port, struct rr_loop *loop,
		      const struct rr_loop_options *options, uint16_t *bound_port);

/* `text` as an integer in [min, max], or exit(2) with a message naming
 * `program`. */
int example_parse_int(const char *program, const char *text, int min, int max);

/*
 * The demo client: `connections` connections to 127.0.0.1:port, `messages`
 * rounds of `size`-byte messages on each, every echoed byte checked, a
 * summary line printed.  It runs beside the server (a child process on
 * POSIX systems, a thread on Windows).
 */
struct demo_client {
	intptr_t handle;   /* the pid, or the thread's handle */
	uint16_t port;
	int connections, messages;
	size_t size;
	int status;        /* once finished: 0 when every byte came back */
};

/* Start it: 0 or -errno. */
int demo_client_start(struct demo_client *client, uint16_t port, int connections,
		      int messages, size_t size);

/* Whether it has finished (then client->status is set); does not wait. */
bool demo_client_done(struct demo_client *client);

/* The client's work, for the two files above: its exit status. */
int demo_client_run(const struct demo_client *client);

#endif
