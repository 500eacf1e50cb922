#define _GNU_SOURCE
#include "platform.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../driver/rr_test.h"


int temp_file(size_t size, unsigned seed, char *path_out, size_t path_len)
{
	/* /var/tmp is disk-backed on Debian, so O_DIRECT opens work there. */
	const char *dir = getenv("RR_TEST_DIR");
	char path[256];

	snprintf(path, sizeof(path), "%s/rawring-test-XXXXXX",
		 dir ? dir : "/var/tmp");
	int fd = mkstemp(path);
	cr_assert_geq(fd, 0, "mkstemp(%s): %s", path, strerror(errno));

	unsigned char chunk[65536];
	for (size_t done = 0; done < size;) {
		size_t n = size - done < sizeof(chunk) ? size - done : sizeof(chunk);
		for (size_t i = 0; i < n; i++)
			chunk[i] = pattern_byte(seed, done + i);
		ssize_t w = pwrite(fd, chunk, n, (off_t)done);
		cr_assert_eq(w, (ssize_t)n, "pwrite: %s", strerror(errno));
		done += n;
	}
	if (path_out)
		snprintf(path_out, path_len, "%s", path);
	else
		unlink(path);
	return fd;
}

void remove_file(const char *path)
{
	unlink(path);
}

void file_seek(int fd, uint64_t offset)
{
	cr_assert_eq(lseek(fd, (off_t)offset, SEEK_SET), (off_t)offset);
}

uint64_t file_position(int fd)
{
	return (uint64_t)lseek(fd, 0, SEEK_CUR);
}

long file_pread(int fd, void *buf, size_t len, uint64_t offset)
{
	return (long)pread(fd, buf, len, (off_t)offset);
}


int tcp_socket(void)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	cr_assert_geq(fd, 0, "socket: %s", strerror(errno));
	return fd;
}

int listen_loopback(uint16_t *port_out)
{
	struct sockaddr_in addr = loopback_addr(0);
	socklen_t len = sizeof(addr);
	int fd = tcp_socket();
	int one = 1;

	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	cr_assert_eq(bind(fd, (struct sockaddr *)&addr, sizeof(addr)), 0,
		     "bind: %s", strerror(errno));
	cr_assert_eq(listen(fd, SOMAXCONN), 0);
	cr_assert_eq(getsockname(fd, (struct sockaddr *)&addr, &len), 0);
	*port_out = ntohs(addr.sin_port);
	return fd;
}

int connect_loopback(uint16_t port)
{
	struct sockaddr_in addr = loopback_addr(port);
	int fd = tcp_socket();

	cr_assert_eq(connect(fd, (struct sockaddr *)&addr, sizeof(addr)), 0,
		     "connect: %s", strerror(errno));
	return fd;
}

int accept_blocking(int listener)
{
	int fd = accept4(listener, NULL, NULL, SOCK_CLOEXEC);

	cr_assert_geq(fd, 0, "accept: %s", strerror(errno));
	return fd;
}

void stream_pair(int fds[2])
{
	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
}

void sock_small_send_buffer(int fd, int bytes)
{
	cr_assert_eq(setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bytes, sizeof(bytes)), 0);
}

void sock_shutdown_write(int fd)
{
	shutdown(fd, SHUT_WR);
}

long sock_send(int fd, const void *buf, size_t len)
{
	return (long)send(fd, buf, len, MSG_NOSIGNAL);
}

long sock_recv(int fd, void *buf, size_t len)
{
	return (long)recv(fd, buf, len, 0);
}

int close_fd(int fd)
{
	return close(fd);
}

int fd_is_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void sleep_ms(unsigned ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int count_open_fds(void)
{
	DIR *dir = opendir("/proc/self/fd");
	int count = 0;

	cr_assert_not_null(dir);
	while (readdir(dir))
		count++;
	closedir(dir);
	return count - 3; /* ".", "..", and the directory's own fd */
}

void thread_start(struct test_thread *thread, void *(*fn)(void *), void *arg)
{
	pthread_t native;

	thread->fn = fn;
	thread->arg = arg;
	cr_assert_eq(pthread_create(&native, NULL, fn, arg), 0);
	thread->native = (uintptr_t)native;
}

void thread_join(struct test_thread *thread)
{
	pthread_join((pthread_t)thread->native, NULL);
}

bool running_under_wine(void)
{
	return false;
}
