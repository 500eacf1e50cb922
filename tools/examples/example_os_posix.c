/* The examples' system calls outside the loop, on POSIX systems. */
#define _GNU_SOURCE
#include "example_support.h"

#ifndef SYS_close_range
#define SYS_close_range 436
#endif

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int example_listen(uint16_t port, uint16_t *bound_port)
{
	struct sockaddr_in addr = example_loopback(port);
	socklen_t len = sizeof(addr);
	int one = 1;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    listen(fd, 4096) < 0 ||
	    getsockname(fd, (struct sockaddr *)&addr, &len) < 0) {
		int err = -errno;
		close(fd);
		return err;
	}
	*bound_port = ntohs(addr.sin_port);
	return fd;
}

int example_connect(uint16_t port)
{
	struct sockaddr_in addr = example_loopback(port);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		int err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

long example_send(int fd, const void *buf, size_t len)
{
	ssize_t n;

	while ((n = send(fd, buf, len, MSG_NOSIGNAL)) < 0 && errno == EINTR)
		;
	return (long)n;
}

long example_recv(int fd, void *buf, size_t len)
{
	ssize_t n;

	while ((n = recv(fd, buf, len, 0)) < 0 && errno == EINTR)
		;
	return (long)n;
}

int example_open_read(const char *path, uint64_t *size)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		int err = -errno;
		close(fd);
		return err;
	}
	*size = (uint64_t)st.st_size;
	return fd;
}

int example_open_write(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	return fd < 0 ? -errno : fd;
}

int example_close(int fd)
{
	return close(fd) < 0 ? -errno : 0;
}

int demo_client_start(struct demo_client *client, uint16_t port, int connections,
		      int messages, size_t size)
{
	*client = (struct demo_client){ .port = port, .connections = connections,
					.messages = messages, .size = size };
	fflush(stdout);
	pid_t child = fork();
	if (child < 0)
		return -errno;
	if (child == 0) {
		/* The client needs none of the server's fds (its ring, its
		 * listener): drop them, so tools like ringdump see one ring. */
		syscall(SYS_close_range, 3u, ~0u, 0u);
		_exit(demo_client_run(client));
	}
	client->handle = child;
	return 0;
}

bool demo_client_done(struct demo_client *client)
{
	int status;

	if (waitpid((pid_t)client->handle, &status, WNOHANG) != (pid_t)client->handle)
		return false;
	client->status = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
	return true;
}
