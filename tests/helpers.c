#define _GNU_SOURCE
#include "helpers.h"

#include <arpa/inet.h>
#include "driver/rr_test.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static void skip_if_unavailable(int ret)
{
	if (ret == -ENOSYS || ret == -EPERM)
		cr_skip_test("io_uring is unavailable here (%s)", strerror(-ret));
}

void ring_init_or_skip(struct rr_ring *ring, unsigned entries, unsigned flags)
{
	int ret = rr_ring_init(entries, ring, flags);

	skip_if_unavailable(ret);
	cr_assert_eq(ret, 0, "rr_ring_init(%u, 0x%x): %s", entries, flags,
		     strerror(-ret));
}

void ring_init_params_or_skip(struct rr_ring *ring, unsigned entries,
			      struct io_uring_params *params)
{
	int ret = rr_ring_init_params(entries, ring, params);

	skip_if_unavailable(ret);
	cr_assert_eq(ret, 0, "rr_ring_init_params(%u, 0x%x): %s", entries,
		     params->flags, strerror(-ret));
}

void require_opcode(unsigned opcode, const char *name)
{
	struct rr_probe probe;
	int ret = rr_probe_kernel(&probe);

	skip_if_unavailable(ret);
	cr_assert_eq(ret, 0, "probe: %s", strerror(-ret));
	if (!rr_opcode_supported(&probe, opcode))
		cr_skip_test("the running kernel lacks %s", name);
}

unsigned char pattern_byte(unsigned seed, uint64_t offset)
{
	uint64_t x = (offset + 1) * 0x9E3779B97F4A7C15ull ^ seed;

	return (unsigned char)(x >> 29);
}

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

struct sockaddr_in loopback_addr(uint16_t port)
{
	struct sockaddr_in addr;

	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	addr.sin_port = htons(port);
	return addr;
}

int listen_loopback(uint16_t *port_out)
{
	struct sockaddr_in addr;
	socklen_t len = sizeof(addr);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;

	cr_assert_geq(fd, 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
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
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	cr_assert_geq(fd, 0);
	cr_assert_eq(connect(fd, (struct sockaddr *)&addr, sizeof(addr)), 0,
		     "connect: %s", strerror(errno));
	return fd;
}

void stream_pair(int fds[2])
{
	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
}

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
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

struct io_uring_cqe *wait_cqe_ms(struct rr_ring *ring, unsigned timeout_ms)
{
	struct __kernel_timespec ts = {
		.tv_sec = timeout_ms / 1000,
		.tv_nsec = (long long)(timeout_ms % 1000) * 1000000,
	};
	struct io_uring_cqe *cqe = NULL;
	int ret = rr_wait_cqe_timeout(ring, &cqe, &ts);

	cr_assert_eq(ret, 0, "no CQE within %u ms: %s", timeout_ms,
		     strerror(-ret));
	cr_assert_not_null(cqe);
	return cqe;
}

struct io_uring_sqe *must_get_sqe(struct rr_ring *ring)
{
	struct io_uring_sqe *sqe = rr_get_sqe(ring);

	cr_assert_not_null(sqe, "the SQ is full");
	return sqe;
}

int run_one(struct rr_ring *ring)
{
	cr_assert_eq(rr_submit(ring), 1);
	struct io_uring_cqe *cqe = wait_cqe_ms(ring, 5000);
	int res = cqe->res;
	rr_cqe_seen(ring, cqe);
	return res;
}
