/*
 * What the conformance suite needs from the system, written once per
 * platform (posix.c, windows.c) so that the same tests run on every
 * backend: temporary files, loopback sockets, blocking socket I/O, fds,
 * threads, a clock and a sleep.  Failures fail the test (cr_assert).
 */
#ifndef RAWRING_TEST_PLATFORM_H
#define RAWRING_TEST_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rawring.h"

#ifndef _WIN32
#include <netinet/in.h>
#include <sys/stat.h>
#endif
#if defined(__linux__) && !defined(RR_HAVE_LIBC_STATX)
#include <linux/stat.h> /* struct statx: the libc has none (musl before 1.2.5) */
#endif

/* A temporary file on the disk, filled with `size` bytes of a pattern
 * derived from `seed`, open for reading and writing (for overlapped I/O on
 * Windows).  Deleted at once (on Windows: when closed) unless `path_out` is
 * given; then the caller removes it with remove_file. */
rr_fd_t temp_file(size_t size, unsigned seed, char *path_out, size_t path_len);
void remove_file(const char *path);

/* The file position: set it, read it (for ops at offset -1). */
void file_seek(rr_fd_t fd, uint64_t offset);
uint64_t file_position(rr_fd_t fd);

/* pread(2) outside the loop: bytes read or -1. */
long file_pread(rr_fd_t fd, void *buf, size_t len, uint64_t offset);

/* The byte temp_file writes at `offset` for `seed`. */
unsigned char pattern_byte(unsigned seed, uint64_t offset);

/* 127.0.0.1:port as a sockaddr. */
struct sockaddr_in loopback_addr(uint16_t port);

/* A TCP socket, not yet connected (overlapped-capable on Windows). */
rr_fd_t tcp_socket(void);

/* A listening TCP socket on 127.0.0.1 with a system-chosen port. */
rr_fd_t listen_loopback(uint16_t *port_out);

/* A blocking TCP socket connected to 127.0.0.1:port. */
rr_fd_t connect_loopback(uint16_t port);

/* accept(2) on a blocking listener. */
rr_fd_t accept_blocking(rr_fd_t listener);

/* A connected pair of stream sockets (Windows: a loopback TCP pair). */
void stream_pair(rr_fd_t fds[2]);

/* Shrink a socket's send buffer to about `bytes` (SO_SNDBUF), so that a
 * test can fill it with little data. */
void sock_small_send_buffer(rr_fd_t fd, int bytes);

/* Shut down a socket's sending side (shutdown(SHUT_WR), SD_SEND). */
void sock_shutdown_write(rr_fd_t fd);

/* Blocking send/recv outside the loop: bytes moved or -1. */
long sock_send(rr_fd_t fd, const void *buf, size_t len);
long sock_recv(rr_fd_t fd, void *buf, size_t len);

/* Close a socket or a file; 0 or -1. */
int close_fd(rr_fd_t fd);

/* Whether `fd` is still open. */
int fd_is_open(rr_fd_t fd);

/* Open fds (Windows: handles) in this process. */
int count_open_fds(void);

/* A monotonic clock in nanoseconds, and a sleep. */
uint64_t now_ns(void);
void sleep_ms(unsigned ms);

/* Whether this Windows program runs under Wine, whose sockets differ from
 * Windows' in places the tests name (false elsewhere). */
bool running_under_wine(void);

/* A thread running fn(arg); joined with thread_join. */
struct test_thread {
	void *(*fn)(void *);
	void *arg;
	uintptr_t native;
};
void thread_start(struct test_thread *thread, void *(*fn)(void *), void *arg);
void thread_join(struct test_thread *thread);

#endif
