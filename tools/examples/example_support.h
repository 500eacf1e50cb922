/*
 * What the example programs share: a loopback listener, number parsing,
 * and the --demo client that drives an echo server and checks every byte.
 */
#ifndef RAWRING_EXAMPLE_SUPPORT_H
#define RAWRING_EXAMPLE_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "rawring.h"

/* A listening TCP socket on 127.0.0.1:port (0: the kernel picks); the fd
 * or -errno.  *bound_port receives the port. */
int example_listen(uint16_t port, uint16_t *bound_port);

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
int example_serve(const char *program, int port, struct rr_loop *loop,
		  const struct rr_loop_options *options, uint16_t *bound_port);

/* `text` as an integer in [min, max], or exit(2) with a message naming
 * `program`. */
int example_parse_int(const char *program, const char *text, int min, int max);

/*
 * Fork a client process that opens `connections` connections to
 * 127.0.0.1:port, sends `messages` rounds of `size`-byte messages on each,
 * checks every echoed byte, prints a summary line, and exits 0 on success.
 * Returns the child's pid or -errno.
 */
pid_t demo_client_start(uint16_t port, int connections, int messages,
			size_t size);

/* The exit status of a finished demo client (waitpid status). */
int demo_client_status(int wait_status);

#endif
