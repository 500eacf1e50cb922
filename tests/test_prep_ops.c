/*
 * The rr_prep_* helpers for the rest of the io_uring ABI, each run against
 * the kernel where the probe says it has the opcode: files, paths, xattrs,
 * direct descriptors, sockets, multishot and bundle receives, zero-copy
 * sends, futexes, waitid, epoll, timeouts and polls updated in flight, fd
 * passing between rings.  What loopback cannot exercise (zero-copy receive,
 * block-device commands, 128-byte ops on kernels without them) is checked
 * against the SQE layout the ABI defines.
 */
#define _GNU_SOURCE
#include "driver/rr_test.h"
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "helpers.h"

TestSuite(prep_ops, .timeout = 30);

/* ---- fixtures ----------------------------------------------------------- */

/* One reaped completion. */
struct done {
	uint64_t user_data;
	int res;
	unsigned flags;
};

/* Wait for `n` CQEs (5 s each at most), copying them out in arrival order. */
static void reap(struct rr_ring *ring, struct done *out, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		struct io_uring_cqe *cqe = wait_cqe_ms(ring, 5000);

		out[i].user_data = cqe->user_data;
		out[i].res = cqe->res;
		out[i].flags = cqe->flags;
		rr_cqe_seen(ring, cqe);
	}
}

/* The reaped completion with `user_data`; fails the test if there is none. */
static const struct done *find_done(const struct done *all, unsigned n,
				    uint64_t user_data)
{
	for (unsigned i = 0; i < n; i++)
		if (all[i].user_data == user_data)
			return &all[i];
	cr_assert_fail("no CQE with user data %llu", (unsigned long long)user_data);
	return NULL;
}

/* Submit the one prepared SQE and wait for its CQE, returning a copy. */
static struct done run_one_done(struct rr_ring *ring)
{
	struct done d;

	cr_assert_eq(rr_submit(ring), 1);
	reap(ring, &d, 1);
	return d;
}

/* A fresh directory under /var/tmp for path operations. */
static void temp_dir(char *path, size_t len)
{
	snprintf(path, len, "/var/tmp/rawring-prep-XXXXXX");
	cr_assert_not_null(mkdtemp(path));
}

/* A file at `path` holding `text`. */
static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0600);

	cr_assert_geq(fd, 0, "open %s: %s", path, strerror(errno));
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

/* A connected TCP pair on loopback: fds[0] the client, fds[1] the server. */
static void tcp_pair(int fds[2])
{
	uint16_t port;
	int listener = listen_loopback(&port);

	fds[0] = connect_loopback(port);
	fds[1] = accept_blocking(listener);
	close(listener);
}

/* A UDP socket bound to 127.0.0.1 on a system-chosen port. */
static int udp_socket(struct sockaddr_in *bound)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	socklen_t len = sizeof(*bound);

	cr_assert_geq(fd, 0);
	*bound = loopback_addr(0);
	cr_assert_eq(bind(fd, (struct sockaddr *)bound, sizeof(*bound)), 0);
	cr_assert_eq(getsockname(fd, (struct sockaddr *)bound, &len), 0);
	return fd;
}

/* A sparse registered-file table of `nr` slots. */
static void sparse_files(struct rr_ring *ring, unsigned nr)
{
	int ret = rr_register_files_sparse(ring, nr);

	cr_assert_eq(ret, 0, "sparse file table: %s", strerror(-ret));
}

/* Whether the running kernel has `opcode`, for a part of a test. */
static bool kernel_has(unsigned opcode)
{
	struct rr_probe probe;

	return rr_probe_kernel(&probe) == 0 && rr_opcode_supported(&probe, opcode);
}

/* A provided-buffer ring of `entries` buffers of `size` bytes from `mem`,
 * ids 0.. in order, all published. */
static void buf_ring_fill(struct rr_ring *ring, struct rr_buf_ring *br,
			  unsigned short group_id, unsigned char *mem,
			  unsigned entries, unsigned size)
{
	int ret = rr_register_buf_ring(ring, br, entries, group_id);

	if (ret == -EINVAL || ret == -EOPNOTSUPP)
		cr_skip_test("no provided buffer rings here (5.19)");
	cr_assert_eq(ret, 0, "buffer ring: %s", strerror(-ret));
	for (unsigned i = 0; i < entries; i++)
		rr_buf_ring_add(br, mem + i * size, size, (unsigned short)i, i);
	rr_buf_ring_advance(br, entries);
}

/* The bytes of an SQE at ABI offset `offset`. */
static uint64_t sqe_u64(const void *sqe, size_t offset)
{
	uint64_t v;

	memcpy(&v, (const unsigned char *)sqe + offset, sizeof(v));
	return v;
}

static uint32_t sqe_u32(const void *sqe, size_t offset)
{
	uint32_t v;

	memcpy(&v, (const unsigned char *)sqe + offset, sizeof(v));
	return v;
}

static uint16_t sqe_u16(const void *sqe, size_t offset)
{
	uint16_t v;

	memcpy(&v, (const unsigned char *)sqe + offset, sizeof(v));
	return v;
}

/* The ABI's byte offsets of the SQE fields the layout tests read
 * (include/uapi/linux/io_uring.h); the union members newer than the host
 * header (cmd_op, level/optname, optlen, zcrx_ifq_idx, optval) share them. */
enum {
	SQE_OPCODE = 0, SQE_FLAGS = 1, SQE_IOPRIO = 2, SQE_FD = 4,
	SQE_OFF = 8,        /* off, addr2, cmd_op + __pad1 */
	SQE_ADDR = 16,      /* addr, splice_off_in, level + optname */
	SQE_LEN = 24,
	SQE_OP_FLAGS = 28,  /* rw_flags and every *_flags */
	SQE_USER_DATA = 32,
	SQE_BUF_INDEX = 40,
	SQE_FILE_INDEX = 44, /* file_index, splice_fd_in, optlen, zcrx_ifq_idx,
			      * addr_len */
	SQE_ADDR3 = 48,     /* addr3, optval, cmd[] */
};

_Static_assert(offsetof(struct io_uring_sqe, off) == SQE_OFF, "off");
_Static_assert(offsetof(struct io_uring_sqe, addr) == SQE_ADDR, "addr");
_Static_assert(offsetof(struct io_uring_sqe, len) == SQE_LEN, "len");
_Static_assert(offsetof(struct io_uring_sqe, rw_flags) == SQE_OP_FLAGS, "rw_flags");
_Static_assert(offsetof(struct io_uring_sqe, buf_index) == SQE_BUF_INDEX, "buf_index");
_Static_assert(offsetof(struct io_uring_sqe, file_index) == SQE_FILE_INDEX, "file_index");
_Static_assert(offsetof(struct io_uring_sqe, addr3) == SQE_ADDR3, "addr3");
_Static_assert(offsetof(struct io_uring_sqe, cmd_op) == SQE_OFF, "cmd_op");

/* ---- every helper writes every byte ------------------------------------ */

static char some_bytes[64];
static struct iovec some_iovecs[2];
static struct msghdr some_msg;
static struct open_how some_how;
static struct epoll_event some_event;
static struct futex_waitv some_waiters[2];
static uint32_t some_futex;
static siginfo_t some_info;
static struct __kernel_timespec some_ts;
static struct sockaddr_in some_addr;
static socklen_t some_addrlen;
static int some_fds[2];

#define PREP_CASE(name, call) \
	static void prep_##name(struct io_uring_sqe *sqe) { call; }

PREP_CASE(readv2, rr_prep_readv2(sqe, 3, some_iovecs, 2, 5, RWF_NOWAIT))
PREP_CASE(writev2, rr_prep_writev2(sqe, 3, some_iovecs, 2, 5, RWF_APPEND))
PREP_CASE(readv_fixed, rr_prep_readv_fixed(sqe, 3, some_iovecs, 2, 5, 0, 1))
PREP_CASE(writev_fixed, rr_prep_writev_fixed(sqe, 3, some_iovecs, 2, 5, 0, 1))
PREP_CASE(read_multishot, rr_prep_read_multishot(sqe, 3, 0, 0, 4))
PREP_CASE(sync_file_range, rr_prep_sync_file_range(sqe, 3, 10, 20, SYNC_FILE_RANGE_WRITE))
PREP_CASE(fadvise, rr_prep_fadvise(sqe, 3, 0, 100, POSIX_FADV_RANDOM))
PREP_CASE(fadvise64, rr_prep_fadvise64(sqe, 3, 0, 100, POSIX_FADV_RANDOM))
PREP_CASE(madvise, rr_prep_madvise(sqe, some_bytes, 64, MADV_NORMAL))
PREP_CASE(madvise64, rr_prep_madvise64(sqe, some_bytes, 64, MADV_NORMAL))
PREP_CASE(ftruncate, rr_prep_ftruncate(sqe, 3, 100))
PREP_CASE(tee, rr_prep_tee(sqe, 3, 4, 100, 0))
PREP_CASE(files_update, rr_prep_files_update(sqe, some_fds, 2, 1))
PREP_CASE(open, rr_prep_open(sqe, "/", O_RDONLY, 0))
PREP_CASE(openat2, rr_prep_openat2(sqe, AT_FDCWD, "/", &some_how))
PREP_CASE(openat_direct, rr_prep_openat_direct(sqe, AT_FDCWD, "/", O_RDONLY, 0, 2))
PREP_CASE(open_direct, rr_prep_open_direct(sqe, "/", O_RDONLY, 0, IORING_FILE_INDEX_ALLOC))
PREP_CASE(openat2_direct, rr_prep_openat2_direct(sqe, AT_FDCWD, "/", &some_how, 2))
PREP_CASE(close_direct, rr_prep_close_direct(sqe, 2))
PREP_CASE(fixed_fd_install, rr_prep_fixed_fd_install(sqe, 2, 0))
PREP_CASE(pipe, rr_prep_pipe(sqe, some_fds, O_CLOEXEC))
PREP_CASE(pipe_direct, rr_prep_pipe_direct(sqe, some_fds, 0, 2))
PREP_CASE(unlink, rr_prep_unlink(sqe, "/x", 0))
PREP_CASE(rename, rr_prep_rename(sqe, "/x", "/y"))
PREP_CASE(mkdir, rr_prep_mkdir(sqe, "/x", 0700))
PREP_CASE(symlinkat, rr_prep_symlinkat(sqe, "t", 3, "l"))
PREP_CASE(symlink, rr_prep_symlink(sqe, "t", "l"))
PREP_CASE(linkat, rr_prep_linkat(sqe, 3, "a", 4, "b", 0))
PREP_CASE(link, rr_prep_link(sqe, "a", "b", 0))
PREP_CASE(fsetxattr, rr_prep_fsetxattr(sqe, 3, "user.a", "v", 0, 1))
PREP_CASE(setxattr, rr_prep_setxattr(sqe, "user.a", "v", "/x", 0, 1))
PREP_CASE(fgetxattr, rr_prep_fgetxattr(sqe, 3, "user.a", some_bytes, 64))
PREP_CASE(getxattr, rr_prep_getxattr(sqe, "user.a", some_bytes, "/x", 64))
PREP_CASE(bind, rr_prep_bind(sqe, 3, (struct sockaddr *)&some_addr, sizeof(some_addr)))
PREP_CASE(listen, rr_prep_listen(sqe, 3, 8))
PREP_CASE(accept_direct, rr_prep_accept_direct(sqe, 3, NULL, NULL, 0, 2))
PREP_CASE(multishot_accept_direct, rr_prep_multishot_accept_direct(sqe, 3, NULL, NULL, 0))
PREP_CASE(socket_direct, rr_prep_socket_direct(sqe, AF_INET, SOCK_STREAM, 0, 2, 0))
PREP_CASE(socket_direct_alloc, rr_prep_socket_direct_alloc(sqe, AF_INET, SOCK_STREAM, 0, 0))
PREP_CASE(sendto, rr_prep_sendto(sqe, 3, some_bytes, 8, 0,
				 (struct sockaddr *)&some_addr, sizeof(some_addr)))
PREP_CASE(send_bundle, rr_prep_send_bundle(sqe, 3, 0, 0))
PREP_CASE(recv_bundle, rr_prep_recv_bundle(sqe, 3, 4, 0))
PREP_CASE(send_zc_fixed, rr_prep_send_zc_fixed(sqe, 3, some_bytes, 8, 0, 0, 1))
PREP_CASE(sendmsg_zc, rr_prep_sendmsg_zc(sqe, 3, &some_msg, 0))
PREP_CASE(sendmsg_zc_fixed, rr_prep_sendmsg_zc_fixed(sqe, 3, &some_msg, 0, 1))
PREP_CASE(recvmsg_multishot, rr_prep_recvmsg_multishot(sqe, 3, &some_msg, 0))
PREP_CASE(recv_zc, rr_prep_recv_zc(sqe, 3, 0, IORING_RECV_MULTISHOT, 1))
PREP_CASE(uring_cmd, rr_prep_uring_cmd(sqe, RR_SOCKET_URING_OP_SIOCINQ, 3))
PREP_CASE(cmd_sock, rr_prep_cmd_sock(sqe, RR_SOCKET_URING_OP_GETSOCKOPT, 3, SOL_SOCKET,
				     SO_TYPE, some_bytes, 4))
PREP_CASE(cmd_getsockname, rr_prep_cmd_getsockname(sqe, 3, (struct sockaddr *)&some_addr,
						   &some_addrlen, 1))
PREP_CASE(cmd_discard, rr_prep_cmd_discard(sqe, 3, 4096, 8192))
PREP_CASE(cmd_zone_reset_all, rr_prep_cmd_zone_reset_all(sqe, 3))
PREP_CASE(poll_update, rr_prep_poll_update(sqe, 1, 2, POLLIN, IORING_POLL_UPDATE_EVENTS))
PREP_CASE(epoll_ctl, rr_prep_epoll_ctl(sqe, 3, 4, EPOLL_CTL_ADD, &some_event))
PREP_CASE(epoll_wait, rr_prep_epoll_wait(sqe, 3, &some_event, 1, 0))
PREP_CASE(waitid, rr_prep_waitid(sqe, P_PID, 1, &some_info, WEXITED, 0))
PREP_CASE(futex_wait, rr_prep_futex_wait(sqe, &some_futex, 0, FUTEX_BITSET_MATCH_ANY,
					 FUTEX2_SIZE_U32, 0))
PREP_CASE(futex_wake, rr_prep_futex_wake(sqe, &some_futex, 1, FUTEX_BITSET_MATCH_ANY,
					 FUTEX2_SIZE_U32, 0))
PREP_CASE(futex_waitv, rr_prep_futex_waitv(sqe, some_waiters, 2, 0))
PREP_CASE(provide_buffers, rr_prep_provide_buffers(sqe, some_bytes, 8, 8, 3, 0))
PREP_CASE(remove_buffers, rr_prep_remove_buffers(sqe, 8, 3))
PREP_CASE(timeout_update, rr_prep_timeout_update(sqe, &some_ts, 1, 0))
PREP_CASE(link_timeout_update, rr_prep_link_timeout_update(sqe, &some_ts, 1, 0))
PREP_CASE(cancel_op, rr_prep_cancel_op(sqe, IORING_OP_READ, 0))
PREP_CASE(msg_ring_cqe_flags, rr_prep_msg_ring_cqe_flags(sqe, 3, 1, 2, 0, 4))
PREP_CASE(msg_ring_fd, rr_prep_msg_ring_fd(sqe, 3, 0, 1, 2, 0))
PREP_CASE(msg_ring_fd_alloc, rr_prep_msg_ring_fd_alloc(sqe, 3, 0, 2, 0))
PREP_CASE(nop128, rr_prep_nop128(sqe))
PREP_CASE(uring_cmd128, rr_prep_uring_cmd128(sqe, RR_SOCKET_URING_OP_SIOCINQ, 3))

struct prep_case {
	const char *name;
	void (*prep)(struct io_uring_sqe *sqe);
	size_t sqe_bytes;
};

#define CASE(name) { #name, prep_##name, sizeof(struct io_uring_sqe) }
#define CASE128(name) { #name, prep_##name, 2 * sizeof(struct io_uring_sqe) }

static const struct prep_case prep_cases[] = {
	CASE(readv2), CASE(writev2), CASE(readv_fixed), CASE(writev_fixed),
	CASE(read_multishot), CASE(sync_file_range), CASE(fadvise),
	CASE(fadvise64), CASE(madvise), CASE(madvise64), CASE(ftruncate),
	CASE(tee), CASE(files_update), CASE(open), CASE(openat2),
	CASE(openat_direct), CASE(open_direct), CASE(openat2_direct),
	CASE(close_direct), CASE(fixed_fd_install), CASE(pipe),
	CASE(pipe_direct), CASE(unlink), CASE(rename), CASE(mkdir),
	CASE(symlinkat), CASE(symlink), CASE(linkat), CASE(link),
	CASE(fsetxattr), CASE(setxattr), CASE(fgetxattr), CASE(getxattr),
	CASE(bind), CASE(listen), CASE(accept_direct),
	CASE(multishot_accept_direct), CASE(socket_direct),
	CASE(socket_direct_alloc), CASE(sendto), CASE(send_bundle),
	CASE(recv_bundle), CASE(send_zc_fixed), CASE(sendmsg_zc),
	CASE(sendmsg_zc_fixed), CASE(recvmsg_multishot), CASE(recv_zc),
	CASE(uring_cmd), CASE(cmd_sock), CASE(cmd_getsockname),
	CASE(cmd_discard), CASE(cmd_zone_reset_all), CASE(poll_update),
	CASE(epoll_ctl), CASE(epoll_wait), CASE(waitid), CASE(futex_wait),
	CASE(futex_wake), CASE(futex_waitv), CASE(provide_buffers),
	CASE(remove_buffers), CASE(timeout_update), CASE(link_timeout_update),
	CASE(cancel_op), CASE(msg_ring_cqe_flags), CASE(msg_ring_fd),
	CASE(msg_ring_fd_alloc), CASE128(nop128), CASE128(uring_cmd128),
};

Test(prep_ops, every_new_helper_writes_every_byte_of_its_sqe)
{
	for (size_t i = 0; i < sizeof(prep_cases) / sizeof(prep_cases[0]); i++) {
		const struct prep_case *c = &prep_cases[i];
		struct io_uring_sqe from_zero[2], from_garbage[2];

		memset(from_zero, 0, sizeof(from_zero));
		memset(from_garbage, 0xa5, sizeof(from_garbage));
		c->prep(from_zero);
		c->prep(from_garbage);
		cr_assert_eq(memcmp(from_zero, from_garbage, c->sqe_bytes), 0,
			     "rr_prep_%s leaves bytes of a recycled SQE stale", c->name);
	}
}

/* ---- the SQE layouts the ABI defines ------------------------------------ */

Test(prep_ops, direct_descriptors_name_slot_plus_one_or_alloc)
{
	struct io_uring_sqe sqe;

	rr_prep_openat_direct(&sqe, AT_FDCWD, "/", O_RDONLY, 0, 5);
	cr_assert_eq(sqe_u32(&sqe, SQE_FILE_INDEX), 6u, "slot 5 is stored as 6");
	rr_prep_openat_direct(&sqe, AT_FDCWD, "/", O_RDONLY, 0, IORING_FILE_INDEX_ALLOC);
	cr_assert_eq(sqe_u32(&sqe, SQE_FILE_INDEX), IORING_FILE_INDEX_ALLOC);
	rr_prep_close_direct(&sqe, 5);
	cr_assert_eq(sqe.fd, 0, "a direct close names no fd");
	cr_assert_eq(sqe_u32(&sqe, SQE_FILE_INDEX), 6u);
	rr_prep_multishot_accept_direct(&sqe, 3, NULL, NULL, 0);
	cr_assert_eq(sqe_u32(&sqe, SQE_FILE_INDEX), IORING_FILE_INDEX_ALLOC);
	cr_assert_eq(sqe_u16(&sqe, SQE_IOPRIO), IORING_ACCEPT_MULTISHOT);
	rr_prep_fixed_fd_install(&sqe, 7, IORING_FIXED_FD_NO_CLOEXEC);
	cr_assert_eq(sqe.flags, IOSQE_FIXED_FILE);
	cr_assert_eq(sqe_u32(&sqe, SQE_OP_FLAGS), IORING_FIXED_FD_NO_CLOEXEC);
}

/* Socket commands put level/optname over addr, optlen over file_index and
 * optval over addr3; checked here and run against the kernel below. */
Test(prep_ops, socket_commands_lay_out_their_arguments)
{
	struct io_uring_sqe sqe;
	int value;
	struct sockaddr_in sin;
	socklen_t sin_len;

	rr_prep_cmd_sock(&sqe, RR_SOCKET_URING_OP_SETSOCKOPT, 9, SOL_SOCKET,
			 SO_KEEPALIVE, &value, sizeof(value));
	cr_assert_eq(sqe.opcode, IORING_OP_URING_CMD);
	cr_assert_eq(sqe.fd, 9);
	cr_assert_eq(sqe_u32(&sqe, SQE_OFF), (uint32_t)RR_SOCKET_URING_OP_SETSOCKOPT, "cmd_op");
	cr_assert_eq(sqe_u32(&sqe, SQE_OFF + 4), 0u, "__pad1");
	cr_assert_eq(sqe_u32(&sqe, SQE_ADDR), (uint32_t)SOL_SOCKET, "level");
	cr_assert_eq(sqe_u32(&sqe, SQE_ADDR + 4), (uint32_t)SO_KEEPALIVE, "optname");
	cr_assert_eq(sqe_u32(&sqe, SQE_FILE_INDEX), (uint32_t)sizeof(value), "optlen");
	cr_assert_eq(sqe_u64(&sqe, SQE_ADDR3), (uint64_t)(uintptr_t)&value, "optval");

	rr_prep_cmd_getsockname(&sqe, 9, (struct sockaddr *)&sin, &sin_len, 1);
	cr_assert_eq(sqe_u32(&sqe, SQE_OFF), (uint32_t)RR_SOCKET_URING_OP_GETSOCKNAME);
	cr_assert_eq(sqe_u64(&sqe, SQE_ADDR), (uint64_t)(uintptr_t)&sin);
	cr_assert_eq(sqe_u64(&sqe, SQE_ADDR3), (uint64_t)(uintptr_t)&sin_len);
	cr_assert_eq(sqe_u32(&sqe, SQE_FILE_INDEX), 1u, "peer");
}

/*
 * Layout only: a block-device discard or zone reset needs a (zoned) block
 * device to act on, zero-copy receive a NIC with header split and a
 * registered interface queue, and NOP128/URING_CMD128 a kernel newer than
 * the one these tests were written on (they run below where the probe has
 * them).
 */
Test(prep_ops, device_commands_zero_copy_receive_and_128_byte_ops_layout)
{
	struct io_uring_sqe sqe[2];

	rr_prep_cmd_discard(sqe, 5, 4096, 1 << 20);
	cr_assert_eq(sqe->opcode, IORING_OP_URING_CMD);
	cr_assert_eq(sqe_u32(sqe, SQE_OFF), 0x1200u, "BLOCK_URING_CMD_DISCARD is _IO(0x12, 0)");
	cr_assert_eq(sqe_u64(sqe, SQE_ADDR), 4096u, "start");
	cr_assert_eq(sqe_u64(sqe, SQE_ADDR3), (uint64_t)1 << 20, "length");
	rr_prep_cmd_zone_reset_all(sqe, 5);
	cr_assert_eq(sqe_u32(sqe, SQE_OFF), 0x1201u, "_IO(0x12, 1)");
	cr_assert_eq(sqe_u64(sqe, SQE_ADDR), 0u);

	rr_prep_recv_zc(sqe, 6, 1000, IORING_RECV_MULTISHOT, 2);
	cr_assert_eq(sqe->opcode, 58);
	cr_assert_eq(sqe->fd, 6);
	cr_assert_eq(sqe_u32(sqe, SQE_LEN), 1000u);
	cr_assert_eq(sqe_u16(sqe, SQE_IOPRIO), IORING_RECV_MULTISHOT);
	cr_assert_eq(sqe_u32(sqe, SQE_FILE_INDEX), 2u, "zcrx_ifq_idx");
	cr_assert_eq(sqe_u64(sqe, SQE_ADDR) | sqe_u64(sqe, SQE_OFF) | sqe_u64(sqe, SQE_ADDR3),
		     0u, "addr, addr2 and addr3 must be 0");
	cr_assert_eq(sqe_u32(sqe, SQE_OP_FLAGS), 0u, "msg_flags must be 0");

	struct io_uring_sqe expect[2];
	int no_fd = -1;
	memset(expect, 0, sizeof(expect));
	((unsigned char *)expect)[SQE_OPCODE] = 63;
	memcpy((unsigned char *)expect + SQE_FD, &no_fd, sizeof(no_fd));
	memset(sqe, 0xff, sizeof(sqe));
	rr_prep_nop128(sqe);
	cr_assert_eq(memcmp(sqe, expect, sizeof(sqe)), 0,
		     "a NOP128: opcode 63, fd -1, the other 126 bytes zero");
	memset(sqe, 0xff, sizeof(sqe));
	rr_prep_uring_cmd128(sqe, 0x1234, 7);
	cr_assert_eq(sqe->opcode, 64);
	cr_assert_eq(sqe_u32(sqe, SQE_OFF), 0x1234u);
	for (size_t i = SQE_ADDR3; i < sizeof(sqe); i++)
		cr_assert_eq(((unsigned char *)sqe)[i], 0, "command byte %zu", i);
}

Test(prep_ops, waits_and_messages_lay_out_their_arguments)
{
	struct io_uring_sqe sqe;
	siginfo_t info;
	uint32_t word;
	struct __kernel_timespec ts;

	rr_prep_waitid(&sqe, P_PID, 1234, &info, WEXITED, 0);
	cr_assert_eq(sqe.opcode, 50);
	cr_assert_eq(sqe.fd, 1234, "id");
	cr_assert_eq(sqe_u32(&sqe, SQE_LEN), (uint32_t)P_PID, "idtype");
	cr_assert_eq(sqe_u64(&sqe, SQE_OFF), (uint64_t)(uintptr_t)&info, "infop in addr2");
	cr_assert_eq(sqe_u32(&sqe, SQE_FILE_INDEX), (uint32_t)WEXITED, "options");

	rr_prep_futex_wait(&sqe, &word, 5, 0xff, FUTEX2_SIZE_U32 | FUTEX2_PRIVATE, 0);
	cr_assert_eq(sqe.opcode, 51);
	cr_assert_eq(sqe.fd, FUTEX2_SIZE_U32 | FUTEX2_PRIVATE, "futex2 flags in fd");
	cr_assert_eq(sqe_u64(&sqe, SQE_ADDR), (uint64_t)(uintptr_t)&word);
	cr_assert_eq(sqe_u64(&sqe, SQE_OFF), 5u, "value in addr2");
	cr_assert_eq(sqe_u64(&sqe, SQE_ADDR3), 0xffu, "mask in addr3");

	rr_prep_msg_ring_fd(&sqe, 8, 3, 4, 0xabc, IORING_MSG_RING_CQE_SKIP);
	cr_assert_eq(sqe_u64(&sqe, SQE_ADDR), (uint64_t)IORING_MSG_SEND_FD);
	cr_assert_eq(sqe_u64(&sqe, SQE_ADDR3), 3u, "source slot");
	cr_assert_eq(sqe_u32(&sqe, SQE_FILE_INDEX), 5u, "target slot + 1");
	cr_assert_eq(sqe_u64(&sqe, SQE_OFF), 0xabcu, "target user data");
	cr_assert_eq(sqe_u32(&sqe, SQE_OP_FLAGS), IORING_MSG_RING_CQE_SKIP);

	rr_prep_poll_update(&sqe, 11, 22, POLLOUT, IORING_POLL_UPDATE_EVENTS);
	cr_assert_eq(sqe.opcode, IORING_OP_POLL_REMOVE);
	cr_assert_eq(sqe_u64(&sqe, SQE_ADDR), 11u);
	cr_assert_eq(sqe_u64(&sqe, SQE_OFF), 22u);
	cr_assert_eq(sqe_u32(&sqe, SQE_LEN), IORING_POLL_UPDATE_EVENTS);

	rr_prep_timeout_update(&sqe, &ts, 33, IORING_TIMEOUT_ABS);
	cr_assert_eq(sqe_u64(&sqe, SQE_OFF), (uint64_t)(uintptr_t)&ts);
	cr_assert_eq(sqe_u32(&sqe, SQE_OP_FLAGS), IORING_TIMEOUT_ABS | IORING_TIMEOUT_UPDATE);
	rr_prep_link_timeout_update(&sqe, &ts, 33, 0);
	cr_assert_eq(sqe_u32(&sqe, SQE_OP_FLAGS),
		     IORING_TIMEOUT_UPDATE | IORING_LINK_TIMEOUT_UPDATE,
		     "the kernel treats LINK_TIMEOUT_UPDATE alone as a removal");

	rr_prep_sendto(&sqe, 3, "x", 1, 0, (struct sockaddr *)&some_addr, sizeof(some_addr));
	cr_assert_eq(sqe_u64(&sqe, SQE_OFF), (uint64_t)(uintptr_t)&some_addr, "addr2");
	cr_assert_eq((size_t)sqe_u16(&sqe, SQE_FILE_INDEX), sizeof(some_addr), "addr_len");
}

/* ---- files -------------------------------------------------------------- */

Test(prep_ops, sync_file_range_and_fadvise)
{
	struct rr_ring ring;

	ring_init_or_skip(&ring, 4, 0);
	int fd = temp_file(65536, 3, NULL, 0);

	rr_prep_sync_file_range(must_get_sqe(&ring), fd, 4096, 0,
				SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
					SYNC_FILE_RANGE_WAIT_AFTER);
	cr_assert_eq(run_one(&ring), 0);
	rr_prep_sync_file_range(must_get_sqe(&ring), fd, 0, 0, 0x100);
	cr_assert_eq(run_one(&ring), -EINVAL, "the flags reach the kernel");

	rr_prep_fadvise(must_get_sqe(&ring), fd, 0, 65536, POSIX_FADV_DONTNEED);
	cr_assert_eq(run_one(&ring), 0);
	rr_prep_fadvise(must_get_sqe(&ring), fd, 0, 4096, 12345);
	cr_assert_eq(run_one(&ring), -EINVAL, "the advice reaches the kernel");
	rr_prep_fadvise64(must_get_sqe(&ring), fd, 0, (int64_t)1 << 33, POSIX_FADV_WILLNEED);
	cr_assert_eq(run_one(&ring), 0, "a length beyond 32 bits");

	close(fd);
	rr_ring_exit(&ring);
}

Test(prep_ops, ftruncate_changes_the_size)
{
	struct rr_ring ring;
	struct stat st;

	require_opcode(RR_IORING_OP_FTRUNCATE, "IORING_OP_FTRUNCATE");
	ring_init_or_skip(&ring, 4, 0);
	int fd = temp_file(1000, 2, NULL, 0);
	rr_prep_ftruncate(must_get_sqe(&ring), fd, 10);
	cr_assert_eq(run_one(&ring), 0);
	cr_assert_eq(fstat(fd, &st), 0);
	cr_assert_eq(st.st_size, 10);
	rr_prep_ftruncate(must_get_sqe(&ring), fd, (int64_t)1 << 32);
	cr_assert_eq(run_one(&ring), 0);
	cr_assert_eq(fstat(fd, &st), 0);
	cr_assert_eq(st.st_size, (off_t)1 << 32, "a 64-bit length");
	rr_prep_ftruncate(must_get_sqe(&ring), fd, -1);
	cr_assert_eq(run_one(&ring), -EINVAL);
	close(fd);
	rr_ring_exit(&ring);
}

Test(prep_ops, madvise_dontneed_zeroes_anonymous_pages)
{
	struct rr_ring ring;
	long page = sysconf(_SC_PAGESIZE);

	ring_init_or_skip(&ring, 4, 0);
	unsigned char *mem = mmap(NULL, (size_t)page * 2, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert_neq(mem, MAP_FAILED);

	memset(mem, 0x5a, (size_t)page * 2);
	rr_prep_madvise(must_get_sqe(&ring), mem, (uint32_t)page * 2, MADV_DONTNEED);
	cr_assert_eq(run_one(&ring), 0);
	cr_assert_eq(mem[0], 0, "the pages were dropped");
	cr_assert_eq(mem[page], 0);

	memset(mem, 0x5a, (size_t)page * 2);
	rr_prep_madvise64(must_get_sqe(&ring), mem, page, MADV_DONTNEED);
	cr_assert_eq(run_one(&ring), 0);
	cr_assert_eq(mem[0], 0, "the first page was dropped");
	cr_assert_eq(mem[page], 0x5a, "the second was not: the length came through");

	rr_prep_madvise(must_get_sqe(&ring), mem, (uint32_t)page, 12345);
	cr_assert_eq(run_one(&ring), -EINVAL);
	munmap(mem, (size_t)page * 2);
	rr_ring_exit(&ring);
}

Test(prep_ops, tee_duplicates_without_consuming)
{
	struct rr_ring ring;
	int a[2], b[2];
	char buf[16];

	require_opcode(IORING_OP_TEE, "IORING_OP_TEE");
	ring_init_or_skip(&ring, 4, 0);
	cr_assert_eq(pipe2(a, O_CLOEXEC), 0);
	cr_assert_eq(pipe2(b, O_CLOEXEC), 0);
	cr_assert_eq(write(a[1], "teedata", 7), 7);

	rr_prep_tee(must_get_sqe(&ring), a[0], b[1], 7, 0);
	cr_assert_eq(run_one(&ring), 7);
	cr_assert_eq(read(b[0], buf, sizeof(buf)), 7);
	cr_assert_eq(memcmp(buf, "teedata", 7), 0);
	cr_assert_eq(read(a[0], buf, sizeof(buf)), 7, "the source still holds it");
	cr_assert_eq(memcmp(buf, "teedata", 7), 0);
	for (int i = 0; i < 2; i++) {
		close(a[i]);
		close(b[i]);
	}
	rr_ring_exit(&ring);
}

Test(prep_ops, readv2_and_writev2_pass_rwf_flags)
{
	struct rr_ring ring;
	char tail[3] = { 'x', 'y', 'z' }, in[16], check[3];
	struct iovec out_iov = { tail, 3 }, in_iov = { in, sizeof(in) };
	struct stat st;

	ring_init_or_skip(&ring, 4, 0);
	int fd = temp_file(10, 4, NULL, 0);
	rr_prep_writev2(must_get_sqe(&ring), fd, &out_iov, 1, 0, RWF_APPEND);
	cr_assert_eq(run_one(&ring), 3);
	cr_assert_eq(fstat(fd, &st), 0);
	cr_assert_eq(st.st_size, 13, "RWF_APPEND wrote at the end, not at 0");
	cr_assert_eq(file_pread(fd, check, 3, 10), 3);
	cr_assert_eq(memcmp(check, "xyz", 3), 0);
	cr_assert_eq(file_pread(fd, check, 1, 0), 1);
	cr_assert_eq((unsigned char)check[0], pattern_byte(4, 0));

	rr_prep_readv2(must_get_sqe(&ring), fd, &in_iov, 1, 0, RWF_NOWAIT);
	cr_assert_eq(run_one(&ring), 13, "cached data reads without blocking");
	rr_prep_readv2(must_get_sqe(&ring), fd, &in_iov, 1, 0, 0x40000000);
	cr_assert_eq(run_one(&ring), -EOPNOTSUPP, "unknown RWF flags reach the kernel");
	close(fd);
	rr_ring_exit(&ring);
}

Test(prep_ops, readv_fixed_and_writev_fixed_use_a_registered_buffer)
{
	struct rr_ring ring;
	static unsigned char region[8192] __attribute__((aligned(4096)));
	struct iovec whole = { region, sizeof(region) };
	char check[16], outside[8];

	require_opcode(RR_IORING_OP_READV_FIXED, "IORING_OP_READV_FIXED");
	require_opcode(RR_IORING_OP_WRITEV_FIXED, "IORING_OP_WRITEV_FIXED");
	ring_init_or_skip(&ring, 4, 0);
	cr_assert_eq(rr_register_buffers(&ring, &whole, 1), 0);
	int fd = temp_file(0, 0, NULL, 0);

	memcpy(region, "hello", 5);
	memcpy(region + 100, "world", 5);
	struct iovec out[2] = { { region, 5 }, { region + 100, 5 } };
	rr_prep_writev_fixed(must_get_sqe(&ring), fd, out, 2, 0, 0, 0);
	cr_assert_eq(run_one(&ring), 10);
	cr_assert_eq(file_pread(fd, check, 10, 0), 10);
	cr_assert_eq(memcmp(check, "helloworld", 10), 0);

	struct iovec in[2] = { { region + 4096, 4 }, { region + 5000, 6 } };
	rr_prep_readv_fixed(must_get_sqe(&ring), fd, in, 2, 0, 0, 0);
	cr_assert_eq(run_one(&ring), 10);
	cr_assert_eq(memcmp(region + 4096, "hell", 4), 0);
	cr_assert_eq(memcmp(region + 5000, "oworld", 6), 0);

	struct iovec stray = { outside, sizeof(outside) };
	rr_prep_readv_fixed(must_get_sqe(&ring), fd, &stray, 1, 0, 0, 0);
	cr_assert_eq(run_one(&ring), -EFAULT, "an iovec outside the buffer");
	close(fd);
	rr_ring_exit(&ring);
}

Test(prep_ops, read_multishot_gives_a_cqe_per_buffer)
{
	struct rr_ring ring;
	struct rr_buf_ring br;
	static unsigned char bufs[4][4];
	int p[2];
	struct done d[3];

	require_opcode(RR_IORING_OP_READ_MULTISHOT, "IORING_OP_READ_MULTISHOT");
	ring_init_or_skip(&ring, 8, 0);
	buf_ring_fill(&ring, &br, 4, &bufs[0][0], 4, 4);
	cr_assert_eq(pipe2(p, O_CLOEXEC), 0);
	cr_assert_eq(write(p[1], "aaaabbbbcccc", 12), 12);

	struct io_uring_sqe *sqe = must_get_sqe(&ring);
	rr_prep_read_multishot(sqe, p[0], 0, 0, 4);
	rr_sqe_set_data64(sqe, 1);
	cr_assert_eq(rr_submit(&ring), 1);
	reap(&ring, d, 3);
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(d[i].res, 4, "CQE %d: %d", i, d[i].res);
		cr_assert(d[i].flags & IORING_CQE_F_MORE, "still armed");
		cr_assert(d[i].flags & IORING_CQE_F_BUFFER);
		unsigned id = d[i].flags >> IORING_CQE_BUFFER_SHIFT;
		cr_assert_lt(id, 4u);
		cr_assert_eq(bufs[id][0], (unsigned char)('a' + i), "chunk %d in buffer %u", i, id);
	}
	cr_assert_eq(rr_cq_ready(&ring), 0u, "nothing more until more data");

	cr_assert_eq(write(p[1], "dddd", 4), 4);
	reap(&ring, d, 1);
	cr_assert_eq(d[0].res, 4);
	cr_assert(d[0].flags & IORING_CQE_F_MORE);
	cr_assert_eq(write(p[1], "eeee", 4), 4);
	reap(&ring, d, 1);
	cr_assert_eq(d[0].res, -ENOBUFS, "every buffer is out");
	cr_assert(!(d[0].flags & IORING_CQE_F_MORE), "which ends the read");

	rr_unregister_buf_ring(&ring, &br);
	close(p[0]);
	close(p[1]);
	rr_ring_exit(&ring);
}

Test(prep_ops, files_update_fills_slots_and_allocates)
{
	struct rr_ring ring;
	int p[2];
	char buf[8];

	ring_init_or_skip(&ring, 4, 0);
	sparse_files(&ring, 4);
	cr_assert_eq(pipe2(p, O_CLOEXEC), 0);

	int fds[1] = { p[1] };
	rr_prep_files_update(must_get_sqe(&ring), fds, 1, 2);
	cr_assert_eq(run_one(&ring), 1, "one slot updated");
	struct io_uring_sqe *sqe = must_get_sqe(&ring);
	rr_prep_write(sqe, 2, "slot", 4, 0);
	rr_sqe_fixed_file(sqe);
	cr_assert_eq(run_one(&ring), 4);
	cr_assert_eq(read(p[0], buf, sizeof(buf)), 4);
	cr_assert_eq(memcmp(buf, "slot", 4), 0);

	int more[1] = { p[1] };
	rr_prep_files_update(must_get_sqe(&ring), more, 1, (int)IORING_FILE_INDEX_ALLOC);
	cr_assert_eq(run_one(&ring), 1);
	cr_assert(more[0] >= 0 && more[0] < 4 && more[0] != 2,
		  "the allocated slot is written back: %d", more[0]);
	close(p[0]);
	close(p[1]);
	rr_ring_exit(&ring);
}

/* ---- opening, closing, direct descriptors ------------------------------- */

/* Read through registered-file slot `slot` at offset 0. */
static int read_slot(struct rr_ring *ring, int slot, char *buf, unsigned len)
{
	struct io_uring_sqe *sqe = must_get_sqe(ring);

	rr_prep_read(sqe, slot, buf, len, 0);
	rr_sqe_fixed_file(sqe);
	return run_one(ring);
}

Test(prep_ops, openat2_and_the_direct_opens_and_close)
{
	struct rr_ring ring;
	char dir[128], file[192], link_path[192], buf[16];
	struct open_how how;

	require_opcode(IORING_OP_OPENAT2, "IORING_OP_OPENAT2");
	ring_init_or_skip(&ring, 4, 0);
	sparse_files(&ring, 8);
	temp_dir(dir, sizeof(dir));
	snprintf(file, sizeof(file), "%s/f", dir);
	snprintf(link_path, sizeof(link_path), "%s/l", dir);
	write_file(file, "openat2");
	cr_assert_eq(symlink(file, link_path), 0);

	memset(&how, 0, sizeof(how));
	how.flags = O_RDONLY | O_CLOEXEC;
	how.resolve = RESOLVE_NO_SYMLINKS;
	rr_prep_openat2(must_get_sqe(&ring), AT_FDCWD, file, &how);
	int fd = run_one(&ring);
	cr_assert_geq(fd, 0, "openat2: %s", strerror(-fd));
	cr_assert_eq(read(fd, buf, sizeof(buf)), 7);
	close(fd);
	rr_prep_openat2(must_get_sqe(&ring), AT_FDCWD, link_path, &how);
	cr_assert_eq(run_one(&ring), -ELOOP, "open_how.resolve reached the kernel");

	how.flags = O_RDONLY; /* a direct descriptor takes no O_CLOEXEC */
	rr_prep_openat2_direct(must_get_sqe(&ring), AT_FDCWD, file, &how, 1);
	cr_assert_eq(run_one(&ring), 0);
	cr_assert_eq(read_slot(&ring, 1, buf, sizeof(buf)), 7);
	cr_assert_eq(memcmp(buf, "openat2", 7), 0);

	rr_prep_openat_direct(must_get_sqe(&ring), AT_FDCWD, file, O_RDONLY, 0,
			      IORING_FILE_INDEX_ALLOC);
	int slot = run_one(&ring);
	cr_assert(slot >= 0 && slot < 8 && slot != 1, "allocated slot %d", slot);
	cr_assert_eq(read_slot(&ring, slot, buf, sizeof(buf)), 7);

	rr_prep_open_direct(must_get_sqe(&ring), file, O_RDONLY, 0, 5);
	cr_assert_eq(run_one(&ring), 0);
	cr_assert_eq(read_slot(&ring, 5, buf, sizeof(buf)), 7);
	rr_prep_open_direct(must_get_sqe(&ring), file, O_RDONLY | O_CLOEXEC, 0, 6);
	cr_assert_eq(run_one(&ring), -EINVAL, "O_CLOEXEC makes no sense for a slot");

	rr_prep_open(must_get_sqe(&ring), file, O_RDONLY | O_CLOEXEC, 0);
	fd = run_one(&ring);
	cr_assert_geq(fd, 0);
	close(fd);

	rr_prep_close_direct(must_get_sqe(&ring), 1);
	cr_assert_eq(run_one(&ring), 0);
	cr_assert_eq(read_slot(&ring, 1, buf, sizeof(buf)), -EBADF, "the slot is empty");
	rr_prep_close_direct(must_get_sqe(&ring), 1);
	cr_assert_lt(run_one(&ring), 0, "closing an empty slot fails");

	unlink(link_path);
	unlink(file);
	rmdir(dir);
	rr_ring_exit(&ring);
}

Test(prep_ops, fixed_fd_install_turns_a_slot_into_an_fd)
{
	struct rr_ring ring;
	int p[2];
	char buf[4];

	require_opcode(RR_IORING_OP_FIXED_FD_INSTALL, "IORING_OP_FIXED_FD_INSTALL");
	ring_init_or_skip(&ring, 4, 0);
	cr_assert_eq(pipe2(p, O_CLOEXEC), 0);
	cr_assert_eq(rr_register_files(&ring, &p[1], 1), 0);

	rr_prep_fixed_fd_install(must_get_sqe(&ring), 0, 0);
	int fd = run_one(&ring);
	cr_assert_geq(fd, 0, "install: %s", strerror(-fd));
	cr_assert_neq(fd, p[1]);
	cr_assert(fcntl(fd, F_GETFD) & FD_CLOEXEC, "O_CLOEXEC by default");
	cr_assert_eq(write(fd, "i", 1), 1, "the new fd is the pipe");
	cr_assert_eq(read(p[0], buf, 1), 1);
	cr_assert_eq(buf[0], 'i');

	rr_prep_fixed_fd_install(must_get_sqe(&ring), 0, IORING_FIXED_FD_NO_CLOEXEC);
	int fd2 = run_one(&ring);
	cr_assert_geq(fd2, 0);
	cr_assert(!(fcntl(fd2, F_GETFD) & FD_CLOEXEC));

	rr_prep_fixed_fd_install(must_get_sqe(&ring), 3, 0);
	cr_assert_lt(run_one(&ring), 0, "no such slot");
	close(fd);
	close(fd2);
	close(p[0]);
	close(p[1]);
	rr_ring_exit(&ring);
}

Test(prep_ops, pipe_and_pipe_direct)
{
	struct rr_ring ring;
	int fds[2] = { -1, -1 }, slots[2] = { -1, -1 }, fixed[2] = { -1, -1 };
	char buf[8];

	require_opcode(RR_IORING_OP_PIPE, "IORING_OP_PIPE");
	ring_init_or_skip(&ring, 4, 0);
	rr_prep_pipe(must_get_sqe(&ring), fds, O_CLOEXEC);
	cr_assert_eq(run_one(&ring), 0);
	cr_assert(fds[0] >= 0 && fds[1] >= 0);
	cr_assert(fcntl(fds[0], F_GETFD) & FD_CLOEXEC);
	cr_assert_eq(write(fds[1], "pipe", 4), 4);
	cr_assert_eq(read(fds[0], buf, sizeof(buf)), 4);
	cr_assert_eq(memcmp(buf, "pipe", 4), 0);
	rr_prep_pipe(must_get_sqe(&ring), fds, 0x40000000);
	cr_assert_eq(run_one(&ring), -EINVAL, "the flags reach the kernel");

	sparse_files(&ring, 8);
	rr_prep_pipe_direct(must_get_sqe(&ring), slots, 0, IORING_FILE_INDEX_ALLOC);
	cr_assert_eq(run_one(&ring), 0);
	cr_assert(slots[0] >= 0 && slots[0] < 8 && slots[1] >= 0 && slots[1] < 8 &&
		  slots[0] != slots[1], "slots %d and %d", slots[0], slots[1]);
	struct io_uring_sqe *sqe = must_get_sqe(&ring);
	rr_prep_write(sqe, slots[1], "slot", 4, 0);
	rr_sqe_fixed_file(sqe);
	cr_assert_eq(run_one(&ring), 4);
	cr_assert_eq(read_slot(&ring, slots[0], buf, sizeof(buf)), 4);
	cr_assert_eq(memcmp(buf, "slot", 4), 0);

	rr_prep_pipe_direct(must_get_sqe(&ring), fixed, 0, 4);
	cr_assert_eq(run_one(&ring), 0);
	cr_assert(fixed[0] == 4 && fixed[1] == 5, "slots %d and %d", fixed[0], fixed[1]);
	close(fds[0]);
	close(fds[1]);
	rr_ring_exit(&ring);
}

/* ---- paths and extended attributes -------------------------------------- */

Test(prep_ops, links_and_the_cwd_relative_path_helpers)
{
	struct rr_ring ring;
	char dir[128], file[192], sl2[192], hard2[192], sub[192], moved[192], target[16];
	struct stat orig, st;

	require_opcode(IORING_OP_SYMLINKAT, "IORING_OP_SYMLINKAT");
	require_opcode(IORING_OP_LINKAT, "IORING_OP_LINKAT");
	ring_init_or_skip(&ring, 4, 0);
	temp_dir(dir, sizeof(dir));
	int dirfd = open(dir, O_DIRECTORY | O_CLOEXEC);
	cr_assert_geq(dirfd, 0);
	snprintf(file, sizeof(file), "%s/f", dir);
	snprintf(sl2, sizeof(sl2), "%s/sl2", dir);
	snprintf(hard2, sizeof(hard2), "%s/hard2", dir);
	snprintf(sub, sizeof(sub), "%s/sub", dir);
	snprintf(moved, sizeof(moved), "%s/sub/moved", dir);
	write_file(file, "x");
	cr_assert_eq(stat(file, &orig), 0);

	rr_prep_symlinkat(must_get_sqe(&ring), "f", dirfd, "sl");
	cr_assert_eq(run_one(&ring), 0);
	ssize_t n = readlinkat(dirfd, "sl", target, sizeof(target));
	cr_assert_eq(n, 1);
	cr_assert_eq(target[0], 'f');

	rr_prep_linkat(must_get_sqe(&ring), dirfd, "f", dirfd, "hard", 0);
	cr_assert_eq(run_one(&ring), 0);
	cr_assert_eq(fstatat(dirfd, "hard", &st, 0), 0);
	cr_assert_eq(st.st_ino, orig.st_ino, "a hard link to the same inode");
	cr_assert_eq(st.st_nlink, 2u);
	rr_prep_linkat(must_get_sqe(&ring), dirfd, "f", dirfd, "hard", 0);
	cr_assert_eq(run_one(&ring), -EEXIST);

	rr_prep_symlink(must_get_sqe(&ring), file, sl2);
	cr_assert_eq(run_one(&ring), 0);
	cr_assert_eq(lstat(sl2, &st), 0);
	cr_assert(S_ISLNK(st.st_mode));
	rr_prep_link(must_get_sqe(&ring), sl2, hard2, AT_SYMLINK_FOLLOW);
	cr_assert_eq(run_one(&ring), 0);
	cr_assert_eq(lstat(hard2, &st), 0);
	cr_assert_eq(st.st_ino, orig.st_ino, "AT_SYMLINK_FOLLOW reached the kernel");

	rr_prep_mkdir(must_get_sqe(&ring), sub, 0700);
	cr_assert_eq(run_one(&ring), 0);
	rr_prep_rename(must_get_sqe(&ring), hard2, moved);
	cr_assert_eq(run_one(&ring), 0);
	cr_assert_eq(stat(moved, &st), 0);
	rr_prep_unlink(must_get_sqe(&ring), moved, 0);
	cr_assert_eq(run_one(&ring), 0);
	rr_prep_unlink(must_get_sqe(&ring), sub, AT_REMOVEDIR);
	cr_assert_eq(run_one(&ring), 0);
	cr_assert_neq(stat(sub, &st), 0);

	unlinkat(dirfd, "sl", 0);
	unlinkat(dirfd, "hard", 0);
	unlink(sl2);
	unlink(file);
	close(dirfd);
	rmdir(dir);
	rr_ring_exit(&ring);
}

Test(prep_ops, xattrs_by_fd_and_by_path)
{
	struct rr_ring ring;
	char path[256], buf[64];

	require_opcode(IORING_OP_FSETXATTR, "IORING_OP_FSETXATTR");
	require_opcode(IORING_OP_GETXATTR, "IORING_OP_GETXATTR");
	ring_init_or_skip(&ring, 4, 0);
	int fd = temp_file(16, 1, path, sizeof(path));

	rr_prep_fsetxattr(must_get_sqe(&ring), fd, "user.rawring", "value1", 0, 6);
	int res = run_one(&ring);
	if (res == -EOPNOTSUPP) {
		remove_file(path);
		cr_skip_test("the filesystem of /var/tmp has no user xattrs");
	}
	cr_assert_eq(res, 0, "fsetxattr: %s", strerror(-res));
	cr_assert_eq(getxattr(path, "user.rawring", buf, sizeof(buf)), 6);
	cr_assert_eq(memcmp(buf, "value1", 6), 0);

	memset(buf, 0, sizeof(buf));
	rr_prep_fgetxattr(must_get_sqe(&ring), fd, "user.rawring", buf, sizeof(buf));
	cr_assert_eq(run_one(&ring), 6);
	cr_assert_eq(memcmp(buf, "value1", 6), 0);
	rr_prep_fgetxattr(must_get_sqe(&ring), fd, "user.rawring", NULL, 0);
	cr_assert_eq(run_one(&ring), 6, "a zero length asks for the size");

	rr_prep_setxattr(must_get_sqe(&ring), "user.second", "v2", path, XATTR_CREATE, 2);
	cr_assert_eq(run_one(&ring), 0);
	rr_prep_setxattr(must_get_sqe(&ring), "user.second", "v3", path, XATTR_CREATE, 2);
	cr_assert_eq(run_one(&ring), -EEXIST, "XATTR_CREATE reached the kernel");
	memset(buf, 0, sizeof(buf));
	rr_prep_getxattr(must_get_sqe(&ring), "user.second", buf, path, sizeof(buf));
	cr_assert_eq(run_one(&ring), 2);
	cr_assert_eq(memcmp(buf, "v2", 2), 0);
	rr_prep_getxattr(must_get_sqe(&ring), "user.none", buf, path, sizeof(buf));
	cr_assert_eq(run_one(&ring), -ENODATA);

	close(fd);
	remove_file(path);
	rr_ring_exit(&ring);
}

/* ---- sockets ------------------------------------------------------------ */

Test(prep_ops, bind_and_listen_then_a_client_connects)
{
	struct rr_ring ring;
	struct sockaddr_in addr = loopback_addr(0);
	socklen_t len = sizeof(addr);
	char byte;

	require_opcode(RR_IORING_OP_BIND, "IORING_OP_BIND");
	require_opcode(RR_IORING_OP_LISTEN, "IORING_OP_LISTEN");
	ring_init_or_skip(&ring, 4, 0);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	cr_assert_geq(fd, 0);

	rr_prep_bind(must_get_sqe(&ring), fd, (struct sockaddr *)&addr, sizeof(addr));
	cr_assert_eq(run_one(&ring), 0);
	cr_assert_eq(getsockname(fd, (struct sockaddr *)&addr, &len), 0);
	cr_assert_neq(addr.sin_port, 0, "bound to a port");
	rr_prep_bind(must_get_sqe(&ring), fd, (struct sockaddr *)&addr, sizeof(addr));
	cr_assert_eq(run_one(&ring), -EINVAL, "bound already");

	rr_prep_listen(must_get_sqe(&ring), fd, 8);
	cr_assert_eq(run_one(&ring), 0);
	int client = connect_loopback(ntohs(addr.sin_port));
	rr_prep_accept(must_get_sqe(&ring), fd, NULL, NULL, SOCK_CLOEXEC);
	int server = run_one(&ring);
	cr_assert_geq(server, 0);
	cr_assert_eq(sock_send(client, "b", 1), 1);
	cr_assert_eq(sock_recv(server, &byte, 1), 1);
	cr_assert_eq(byte, 'b');
	close(server);
	close(client);
	close(fd);
	rr_ring_exit(&ring);
}

Test(prep_ops, accept_direct_multishot_accept_direct_and_socket_direct)
{
	struct rr_ring ring;
	uint16_t port;
	char buf[4];
	struct done d[3];

	require_opcode(IORING_OP_SOCKET, "IORING_OP_SOCKET");
	ring_init_or_skip(&ring, 8, 0);
	sparse_files(&ring, 16);
	int listener = listen_loopback(&port);
	struct sockaddr_in addr = loopback_addr(port);

	int c1 = connect_loopback(port);
	rr_prep_accept_direct(must_get_sqe(&ring), listener, NULL, NULL, 0, 2);
	cr_assert_eq(run_one(&ring), 0);
	cr_assert_eq(sock_send(c1, "d", 1), 1);
	struct io_uring_sqe *sqe = must_get_sqe(&ring);
	rr_prep_recv(sqe, 2, buf, sizeof(buf), 0);
	rr_sqe_fixed_file(sqe);
	cr_assert_eq(run_one(&ring), 1, "the connection is in slot 2");
	cr_assert_eq(buf[0], 'd');

	int c2 = connect_loopback(port);
	rr_prep_accept_direct(must_get_sqe(&ring), listener, NULL, NULL, 0,
			      IORING_FILE_INDEX_ALLOC);
	int slot = run_one(&ring);
	cr_assert(slot >= 0 && slot != 2, "allocated slot %d", slot);

	int c3 = connect_loopback(port), c4 = connect_loopback(port);
	sqe = must_get_sqe(&ring);
	rr_prep_multishot_accept_direct(sqe, listener, NULL, NULL, 0);
	rr_sqe_set_data64(sqe, 9);
	cr_assert_eq(rr_submit(&ring), 1);
	reap(&ring, d, 2);
	for (int i = 0; i < 2; i++) {
		cr_assert_eq(d[i].user_data, 9u);
		cr_assert(d[i].flags & IORING_CQE_F_MORE);
		cr_assert(d[i].res >= 0 && d[i].res != 2 && d[i].res != slot,
			  "connection %d in slot %d", i, d[i].res);
	}
	cr_assert_neq(d[0].res, d[1].res);
	rr_prep_cancel64(must_get_sqe(&ring), 9, 0);
	cr_assert_eq(rr_submit(&ring), 1);
	reap(&ring, d, 2);
	cr_assert_eq(find_done(d, 2, 9)->res, -ECANCELED);

	rr_prep_socket_direct(must_get_sqe(&ring), AF_INET, SOCK_STREAM, 0, 12, 0);
	cr_assert_eq(run_one(&ring), 0);
	sqe = must_get_sqe(&ring);
	rr_prep_connect(sqe, 12, (struct sockaddr *)&addr, sizeof(addr));
	rr_sqe_fixed_file(sqe);
	cr_assert_eq(run_one(&ring), 0, "the socket in slot 12 connects");
	rr_prep_socket_direct_alloc(must_get_sqe(&ring), AF_INET, SOCK_STREAM, 0, 0);
	int alloc = run_one(&ring);
	cr_assert(alloc >= 0 && alloc < 16 && alloc != 12, "allocated slot %d", alloc);

	close(c1);
	close(c2);
	close(c3);
	close(c4);
	close(listener);
	rr_ring_exit(&ring);
}

Test(prep_ops, sendto_and_send_zc_with_an_address_over_udp)
{
	struct rr_ring ring;
	struct sockaddr_in to;
	char buf[16];

	ring_init_or_skip(&ring, 4, 0);
	int rx = udp_socket(&to);
	int tx = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	cr_assert_geq(tx, 0);

	rr_prep_sendto(must_get_sqe(&ring), tx, "dgram", 5, 0, (struct sockaddr *)&to,
		       sizeof(to));
	int res = run_one(&ring);
	if (res == -EDESTADDRREQ)
		cr_skip_test("the kernel's IORING_OP_SEND takes no destination address");
	cr_assert_eq(res, 5);
	cr_assert_eq(recv(rx, buf, sizeof(buf), MSG_DONTWAIT), 5);
	cr_assert_eq(memcmp(buf, "dgram", 5), 0);

	if (kernel_has(IORING_OP_SEND_ZC)) {
		struct io_uring_sqe *sqe = must_get_sqe(&ring);
		struct done d[2];

		rr_prep_send_zc(sqe, tx, "zc-udp", 6, 0, 0);
		rr_prep_send_set_addr(sqe, (struct sockaddr *)&to, sizeof(to));
		cr_assert_eq(rr_submit(&ring), 1);
		reap(&ring, d, 2);
		cr_assert_eq(d[0].res, 6);
		cr_assert(d[0].flags & IORING_CQE_F_MORE);
		cr_assert(d[1].flags & IORING_CQE_F_NOTIF);
		cr_assert_eq(recv(rx, buf, sizeof(buf), MSG_DONTWAIT), 6);
		cr_assert_eq(memcmp(buf, "zc-udp", 6), 0);
	}
	close(tx);
	close(rx);
	rr_ring_exit(&ring);
}

Test(prep_ops, send_and_recv_bundles_span_several_buffers)
{
	struct rr_ring ring;
	struct rr_buf_ring out_ring, in_ring;
	static unsigned char out_bufs[4][4], in_bufs[4][4];
	int fds[2];
	char buf[16];

	ring_init_or_skip(&ring, 4, 0);
	if (!(ring.features & IORING_FEAT_RECVSEND_BUNDLE))
		cr_skip_test("the kernel has no send/recv bundles (6.10)");
	tcp_pair(fds);

	memcpy(out_bufs, "abcdefghijkl", 12);
	int ret = rr_register_buf_ring(&ring, &out_ring, 4, 5);
	cr_assert_eq(ret, 0, "buffer ring: %s", strerror(-ret));
	for (unsigned i = 0; i < 3; i++)
		rr_buf_ring_add(&out_ring, out_bufs[i], 4, (unsigned short)i, i);
	rr_buf_ring_advance(&out_ring, 3);
	struct io_uring_sqe *sqe = must_get_sqe(&ring);
	rr_prep_send_bundle(sqe, fds[0], 0, 0);
	rr_sqe_buffer_select(sqe, 5);
	struct done d = run_one_done(&ring);
	cr_assert_eq(d.res, 12, "three buffers in one send: %d", d.res);
	cr_assert(d.flags & IORING_CQE_F_BUFFER);
	cr_assert_eq(d.flags >> IORING_CQE_BUFFER_SHIFT, 0u, "starting at buffer 0");
	cr_assert_eq(recv(fds[1], buf, 12, MSG_WAITALL), 12);
	cr_assert_eq(memcmp(buf, "abcdefghijkl", 12), 0);

	buf_ring_fill(&ring, &in_ring, 6, &in_bufs[0][0], 4, 4);
	cr_assert_eq(sock_send(fds[0], "0123456789", 10), 10);
	struct pollfd pfd = { .fd = fds[1], .events = POLLIN };
	cr_assert_eq(poll(&pfd, 1, 5000), 1);
	rr_prep_recv_bundle(must_get_sqe(&ring), fds[1], 6, 0);
	d = run_one_done(&ring);
	cr_assert_eq(d.res, 10, "one receive over three buffers: %d", d.res);
	cr_assert(d.flags & IORING_CQE_F_BUFFER);
	unsigned first = d.flags >> IORING_CQE_BUFFER_SHIFT;
	cr_assert_eq(first, 0u);
	cr_assert_eq(memcmp(in_bufs[0], "0123", 4), 0);
	cr_assert_eq(memcmp(in_bufs[1], "4567", 4), 0);
	cr_assert_eq(memcmp(in_bufs[2], "89", 2), 0);

	rr_unregister_buf_ring(&ring, &in_ring);
	rr_unregister_buf_ring(&ring, &out_ring);
	close(fds[0]);
	close(fds[1]);
	rr_ring_exit(&ring);
}

/* Expect a zero-copy send's two CQEs: the result, then the notification. */
static void expect_zc_pair(struct rr_ring *ring, int expected)
{
	struct done d[2];

	cr_assert_eq(rr_submit(ring), 1);
	reap(ring, d, 2);
	cr_assert_eq(d[0].res, expected, "result %d", d[0].res);
	cr_assert(d[0].flags & IORING_CQE_F_MORE, "a notification follows");
	cr_assert(d[1].flags & IORING_CQE_F_NOTIF);
	cr_assert(!(d[1].flags & IORING_CQE_F_MORE), "and ends it");
}

Test(prep_ops, zero_copy_sends_from_registered_buffers_and_msghdrs)
{
	struct rr_ring ring;
	static unsigned char region[4096] __attribute__((aligned(4096)));
	struct iovec whole = { region, sizeof(region) };
	int fds[2];
	char buf[32];

	require_opcode(IORING_OP_SEND_ZC, "IORING_OP_SEND_ZC");
	require_opcode(IORING_OP_SENDMSG_ZC, "IORING_OP_SENDMSG_ZC");
	ring_init_or_skip(&ring, 4, 0);
	cr_assert_eq(rr_register_buffers(&ring, &whole, 1), 0);
	tcp_pair(fds);

	memcpy(region, "fixed", 5);
	rr_prep_send_zc_fixed(must_get_sqe(&ring), fds[0], region, 5, 0, 0, 0);
	expect_zc_pair(&ring, 5);
	cr_assert_eq(recv(fds[1], buf, 5, MSG_WAITALL), 5);
	cr_assert_eq(memcmp(buf, "fixed", 5), 0);

	char a[4] = { 'z', 'e', 'r', 'o' }, b[4] = { 'c', 'o', 'p', 'y' };
	struct iovec iov[2] = { { a, 4 }, { b, 4 } };
	struct msghdr msg;
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = iov;
	msg.msg_iovlen = 2;
	rr_prep_sendmsg_zc(must_get_sqe(&ring), fds[0], &msg, 0);
	expect_zc_pair(&ring, 8);
	cr_assert_eq(recv(fds[1], buf, 8, MSG_WAITALL), 8);
	cr_assert_eq(memcmp(buf, "zerocopy", 8), 0);

	memcpy(region + 100, "vec", 3);
	memcpy(region + 200, "tored", 5);
	struct iovec fixed_iov[2] = { { region + 100, 3 }, { region + 200, 5 } };
	msg.msg_iov = fixed_iov;
	rr_prep_sendmsg_zc_fixed(must_get_sqe(&ring), fds[0], &msg, 0, 0);
	expect_zc_pair(&ring, 8);
	cr_assert_eq(recv(fds[1], buf, 8, MSG_WAITALL), 8);
	cr_assert_eq(memcmp(buf, "vectored", 8), 0);

	close(fds[0]);
	close(fds[1]);
	rr_ring_exit(&ring);
}

Test(prep_ops, recvmsg_multishot_buffers_parse_into_name_cmsg_and_payload)
{
	struct rr_ring ring;
	struct rr_buf_ring br;
	static unsigned char bufs[4][256];
	struct sockaddr_in rx_addr, tx_addr;
	struct msghdr msg;
	struct done d[2];
	int one = 1;
	static const char *const payloads[2] = { "one", "three" };

	ring_init_or_skip(&ring, 8, 0);
	buf_ring_fill(&ring, &br, 3, &bufs[0][0], 4, sizeof(bufs[0]));
	int rx = udp_socket(&rx_addr);
	int tx = udp_socket(&tx_addr);
	cr_assert_eq(setsockopt(rx, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)), 0);

	memset(&msg, 0, sizeof(msg));
	msg.msg_namelen = sizeof(struct sockaddr_in);
	msg.msg_controllen = CMSG_SPACE(sizeof(struct in_pktinfo));
	struct io_uring_sqe *sqe = must_get_sqe(&ring);
	rr_prep_recvmsg_multishot(sqe, rx, &msg, 0);
	rr_sqe_buffer_select(sqe, 3);
	rr_sqe_set_data64(sqe, 11);
	cr_assert_eq(rr_submit(&ring), 1);

	for (int i = 0; i < 2; i++)
		cr_assert_eq(sendto(tx, payloads[i], strlen(payloads[i]), 0,
				    (struct sockaddr *)&rx_addr, sizeof(rx_addr)),
			     (ssize_t)strlen(payloads[i]));
	reap(&ring, d, 2);
	for (int i = 0; i < 2; i++) {
		cr_assert_gt(d[i].res, 0, "recvmsg: %d", d[i].res);
		cr_assert(d[i].flags & IORING_CQE_F_MORE);
		cr_assert(d[i].flags & IORING_CQE_F_BUFFER);
		unsigned char *buf = bufs[d[i].flags >> IORING_CQE_BUFFER_SHIFT];
		struct io_uring_recvmsg_out *out = rr_recvmsg_validate(buf, d[i].res, &msg);
		cr_assert_not_null(out);

		struct sockaddr_in *from = rr_recvmsg_name(out);
		cr_assert_eq(out->namelen, sizeof(struct sockaddr_in));
		cr_assert_eq(from->sin_port, tx_addr.sin_port, "the sender's address");

		size_t len = strlen(payloads[i]);
		cr_assert_eq(rr_recvmsg_payload_length(out, d[i].res, &msg), len);
		cr_assert_eq(out->payloadlen, len);
		cr_assert_eq(memcmp(rr_recvmsg_payload(out, &msg), payloads[i], len), 0);

		struct cmsghdr *cmsg = rr_recvmsg_cmsg_firsthdr(out, &msg);
		cr_assert_not_null(cmsg, "IP_PKTINFO was asked for");
		cr_assert_eq(cmsg->cmsg_level, IPPROTO_IP);
		cr_assert_eq(cmsg->cmsg_type, IP_PKTINFO);
		const struct in_pktinfo *info = (const struct in_pktinfo *)CMSG_DATA(cmsg);
		cr_assert_eq(info->ipi_addr.s_addr, rx_addr.sin_addr.s_addr);
		cr_assert_null(rr_recvmsg_cmsg_nexthdr(out, &msg, cmsg), "only one");

		cr_assert_null(rr_recvmsg_validate(buf, (int)sizeof(*out) + 4, &msg),
			       "too short for the name and control space");
		cr_assert_null(rr_recvmsg_validate(buf, -1, &msg));
	}

	rr_prep_cancel64(must_get_sqe(&ring), 11, 0);
	cr_assert_eq(rr_submit(&ring), 1);
	reap(&ring, d, 2);
	cr_assert_eq(find_done(d, 2, 11)->res, -ECANCELED);
	rr_unregister_buf_ring(&ring, &br);
	close(rx);
	close(tx);
	rr_ring_exit(&ring);
}

/* The parsing helpers on a buffer laid out by hand: two control messages in
 * room for three, then one whose length overruns the control data. */
Test(prep_ops, recvmsg_cmsg_walk_stops_at_the_control_space)
{
	union {
		unsigned char bytes[512];
		struct io_uring_recvmsg_out out;
	} buf;
	struct msghdr msg;
	size_t space = CMSG_SPACE(sizeof(int));

	memset(&buf, 0, sizeof(buf));
	memset(&msg, 0, sizeof(msg));
	msg.msg_namelen = 16;
	msg.msg_controllen = 3 * space;
	buf.out.namelen = 16;
	buf.out.controllen = (uint32_t)(2 * space);
	buf.out.payloadlen = 5;
	unsigned char *control = buf.bytes + sizeof(buf.out) + 16;
	for (int i = 0; i < 2; i++) {
		struct cmsghdr hdr;
		memset(&hdr, 0, sizeof(hdr));
		hdr.cmsg_len = CMSG_LEN(sizeof(int));
		hdr.cmsg_level = SOL_SOCKET;
		hdr.cmsg_type = 100 + i;
		memcpy(control + (size_t)i * space, &hdr, sizeof(hdr));
	}
	unsigned char *payload = control + 3 * space;
	memcpy(payload, "hello", 5);
	int used = (int)(payload + 5 - buf.bytes);

	struct io_uring_recvmsg_out *out = rr_recvmsg_validate(buf.bytes, used, &msg);
	cr_assert_eq((void *)out, (void *)buf.bytes);
	cr_assert_eq(rr_recvmsg_name(out), buf.bytes + sizeof(buf.out));
	struct cmsghdr *first = rr_recvmsg_cmsg_firsthdr(out, &msg);
	cr_assert_eq((void *)first, (void *)control);
	cr_assert_eq(first->cmsg_type, 100);
	struct cmsghdr *second = rr_recvmsg_cmsg_nexthdr(out, &msg, first);
	cr_assert_not_null(second);
	cr_assert_eq(second->cmsg_type, 101);
	cr_assert_null(rr_recvmsg_cmsg_nexthdr(out, &msg, second),
		       "nothing more within out->controllen");
	struct cmsghdr oversized;
	memcpy(&oversized, control + space, sizeof(oversized));
	oversized.cmsg_len = 4 * space;
	memcpy(control + space, &oversized, sizeof(oversized));
	cr_assert_null(rr_recvmsg_cmsg_nexthdr(out, &msg, first),
		       "a message running past the control data is not handed out");
	oversized.cmsg_len = 0;
	oversized.cmsg_len--; /* the largest its type holds (size_t, or musl's socklen_t) */
	memcpy(control + space, &oversized, sizeof(oversized));
	cr_assert_null(rr_recvmsg_cmsg_nexthdr(out, &msg, first), "nor one whose length wraps");
	memcpy(control, &oversized, sizeof(oversized));
	cr_assert_null(rr_recvmsg_cmsg_nexthdr(out, &msg, first),
		       "a wrapping length never leads back to the same message");
	cr_assert_eq(rr_recvmsg_payload(out, &msg), payload);
	cr_assert_eq(rr_recvmsg_payload_length(out, used, &msg), 5u);
	cr_assert_eq(rr_recvmsg_payload_length(out, used - 5, &msg), 0u);

	buf.out.controllen = 0;
	cr_assert_null(rr_recvmsg_cmsg_firsthdr(out, &msg), "no control data");
	cr_assert_null(rr_recvmsg_validate(buf.bytes, (int)(sizeof(buf.out) + 16), &msg));
}

Test(prep_ops, socket_commands_query_and_set_options)
{
	struct rr_ring ring;
	int fds[2], value = 0, one = 1;
	socklen_t len = sizeof(value);

	require_opcode(IORING_OP_URING_CMD, "IORING_OP_URING_CMD");
	ring_init_or_skip(&ring, 4, 0);
	tcp_pair(fds);
	cr_assert_eq(sock_send(fds[0], "12345", 5), 5);
	struct pollfd pfd = { .fd = fds[1], .events = POLLIN };
	cr_assert_eq(poll(&pfd, 1, 5000), 1);

	rr_prep_cmd_sock(must_get_sqe(&ring), RR_SOCKET_URING_OP_SIOCINQ, fds[1], 0, 0,
			 NULL, 0);
	int res = run_one(&ring);
	if (res == -EOPNOTSUPP || res == -ENOTTY)
		cr_skip_test("the kernel has no socket commands (SOCKET_URING_OP_*)");
	cr_assert_eq(res, 5, "SIOCINQ: %d", res);
	rr_prep_cmd_sock(must_get_sqe(&ring), RR_SOCKET_URING_OP_SIOCOUTQ, fds[0], 0, 0,
			 NULL, 0);
	res = run_one(&ring);
	cr_assert(res >= 0 && res <= 5, "SIOCOUTQ: %d", res);

	rr_prep_cmd_sock(must_get_sqe(&ring), RR_SOCKET_URING_OP_GETSOCKOPT, fds[1],
			 SOL_SOCKET, SO_TYPE, &value, sizeof(value));
	cr_assert_eq(run_one(&ring), (int)sizeof(value), "the option's length");
	cr_assert_eq(value, SOCK_STREAM);

	rr_prep_cmd_sock(must_get_sqe(&ring), RR_SOCKET_URING_OP_SETSOCKOPT, fds[1],
			 SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	cr_assert_eq(run_one(&ring), 0);
	value = 0;
	cr_assert_eq(getsockopt(fds[1], SOL_SOCKET, SO_KEEPALIVE, &value, &len), 0);
	cr_assert_eq(value, 1, "the option was set");

	close(fds[0]);
	close(fds[1]);
	rr_ring_exit(&ring);
}

Test(prep_ops, getsockname_command_names_both_ends)
{
	struct rr_ring ring;
	int fds[2];
	struct sockaddr_in name, expect;
	socklen_t name_len = sizeof(name), expect_len = sizeof(expect);

	require_opcode(IORING_OP_URING_CMD, "IORING_OP_URING_CMD");
	ring_init_or_skip(&ring, 4, 0);
	tcp_pair(fds);
	rr_prep_cmd_getsockname(must_get_sqe(&ring), fds[0], (struct sockaddr *)&name,
				&name_len, 0);
	int res = run_one(&ring);
	if (res == -EOPNOTSUPP || res == -EINVAL || res == -ENOTTY)
		cr_skip_test("the kernel lacks SOCKET_URING_OP_GETSOCKNAME (%s)",
			     strerror(-res));
	cr_assert_eq(res, 0);
	cr_assert_eq(getsockname(fds[0], (struct sockaddr *)&expect, &expect_len), 0);
	cr_assert_eq(name_len, expect_len);
	cr_assert_eq(name.sin_port, expect.sin_port);

	name_len = sizeof(name);
	rr_prep_cmd_getsockname(must_get_sqe(&ring), fds[0], (struct sockaddr *)&name,
				&name_len, 1);
	cr_assert_eq(run_one(&ring), 0);
	cr_assert_eq(getpeername(fds[0], (struct sockaddr *)&expect, &expect_len), 0);
	cr_assert_eq(name.sin_port, expect.sin_port, "the peer's name");
	close(fds[0]);
	close(fds[1]);
	rr_ring_exit(&ring);
}

/* Zero-copy receive needs a registered interface queue on a NIC with header
 * split; without one the kernel refuses the SQE at preparation. */
Test(prep_ops, recv_zc_without_an_interface_queue_is_refused)
{
	struct rr_ring ring;
	int fds[2];

	require_opcode(RR_IORING_OP_RECV_ZC, "IORING_OP_RECV_ZC");
	ring_init_or_skip(&ring, 4, 0);
	tcp_pair(fds);
	rr_prep_recv_zc(must_get_sqe(&ring), fds[1], 0, IORING_RECV_MULTISHOT, 0);
	cr_assert_eq(run_one(&ring), -EINVAL, "no queue 0 is registered");
	close(fds[0]);
	close(fds[1]);
	rr_ring_exit(&ring);
}

/* On a kernel with the 128-byte opcodes, on a ring of 128-byte SQEs. */
Test(prep_ops, nop128_and_uring_cmd128_on_a_sqe128_ring)
{
	struct rr_ring ring;
	int fds[2];

	require_opcode(RR_IORING_OP_NOP128, "IORING_OP_NOP128");
	ring_init_or_skip(&ring, 4, IORING_SETUP_SQE128);
	rr_prep_nop128(must_get_sqe(&ring));
	cr_assert_eq(run_one(&ring), 0);

	require_opcode(RR_IORING_OP_URING_CMD128, "IORING_OP_URING_CMD128");
	tcp_pair(fds);
	cr_assert_eq(sock_send(fds[0], "abc", 3), 3);
	struct pollfd pfd = { .fd = fds[1], .events = POLLIN };
	cr_assert_eq(poll(&pfd, 1, 5000), 1);
	rr_prep_uring_cmd128(must_get_sqe(&ring), RR_SOCKET_URING_OP_SIOCINQ, fds[1]);
	cr_assert_eq(run_one(&ring), 3);
	close(fds[0]);
	close(fds[1]);
	rr_ring_exit(&ring);
}

/* ---- readiness, waiting ------------------------------------------------- */

Test(prep_ops, poll_update_changes_mask_and_user_data)
{
	struct rr_ring ring;
	int fds[2];
	struct done d[2];

	ring_init_or_skip(&ring, 4, 0);
	stream_pair(fds);
	struct io_uring_sqe *sqe = must_get_sqe(&ring);
	rr_prep_poll_add(sqe, fds[0], POLLIN); /* nothing to read: stays armed */
	rr_sqe_set_data64(sqe, 1);
	cr_assert_eq(rr_submit(&ring), 1);

	sqe = must_get_sqe(&ring);
	rr_prep_poll_update(sqe, 1, 2, POLLOUT,
			    IORING_POLL_UPDATE_EVENTS | IORING_POLL_UPDATE_USER_DATA);
	rr_sqe_set_data64(sqe, 9);
	cr_assert_eq(rr_submit(&ring), 1);
	reap(&ring, d, 2);
	cr_assert_eq(find_done(d, 2, 9)->res, 0, "the update itself");
	const struct done *poll = find_done(d, 2, 2);
	cr_assert(poll->res & POLLOUT, "fired for the new mask, under the new user data");

	rr_prep_poll_update(must_get_sqe(&ring), 77, 0, POLLIN, IORING_POLL_UPDATE_EVENTS);
	cr_assert_eq(run_one(&ring), -ENOENT, "no such poll");
	rr_prep_poll_update(must_get_sqe(&ring), 77, 78, POLLIN, IORING_POLL_UPDATE_EVENTS);
	cr_assert_eq(run_one(&ring), -EINVAL,
		     "a new user data without IORING_POLL_UPDATE_USER_DATA");
	close(fds[0]);
	close(fds[1]);
	rr_ring_exit(&ring);
}

Test(prep_ops, epoll_ctl_adds_an_fd_and_epoll_wait_reports_it)
{
	struct rr_ring ring;
	int p[2];
	char buf[4];
	struct epoll_event ev, events[4];

	require_opcode(IORING_OP_EPOLL_CTL, "IORING_OP_EPOLL_CTL");
	require_opcode(RR_IORING_OP_EPOLL_WAIT, "IORING_OP_EPOLL_WAIT");
	ring_init_or_skip(&ring, 4, 0);
	int ep = epoll_create1(EPOLL_CLOEXEC);
	cr_assert_geq(ep, 0);
	cr_assert_eq(pipe2(p, O_CLOEXEC), 0);

	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.u64 = 77;
	rr_prep_epoll_ctl(must_get_sqe(&ring), ep, p[0], EPOLL_CTL_ADD, &ev);
	cr_assert_eq(run_one(&ring), 0);
	rr_prep_epoll_ctl(must_get_sqe(&ring), ep, p[0], EPOLL_CTL_ADD, &ev);
	cr_assert_eq(run_one(&ring), -EEXIST, "added already");

	cr_assert_eq(write(p[1], "e", 1), 1);
	memset(events, 0, sizeof(events));
	rr_prep_epoll_wait(must_get_sqe(&ring), ep, events, 4, 0);
	cr_assert_eq(run_one(&ring), 1);
	cr_assert_eq(events[0].data.u64, 77u);
	cr_assert(events[0].events & EPOLLIN);

	cr_assert_eq(read(p[0], buf, sizeof(buf)), 1);
	memset(events, 0, sizeof(events));
	struct io_uring_sqe *sqe = must_get_sqe(&ring);
	rr_prep_epoll_wait(sqe, ep, events, 4, 0);
	rr_sqe_set_data64(sqe, 5);
	cr_assert_eq(rr_submit(&ring), 1);
	sleep_ms(20);
	cr_assert_eq(rr_cq_ready(&ring), 0u, "nothing ready: the wait is pending");
	cr_assert_eq(write(p[1], "f", 1), 1);
	struct done d;
	reap(&ring, &d, 1);
	cr_assert_eq(d.user_data, 5u);
	cr_assert_eq(d.res, 1, "woken by the write");
	cr_assert_eq(events[0].data.u64, 77u);

	rr_prep_epoll_ctl(must_get_sqe(&ring), ep, p[0], EPOLL_CTL_DEL, NULL);
	cr_assert_eq(run_one(&ring), 0);
	cr_assert_eq(epoll_wait(ep, events, 4, 0), 0, "removed: the pipe is no longer watched");
	close(p[0]);
	close(p[1]);
	close(ep);
	rr_ring_exit(&ring);
}

Test(prep_ops, waitid_reaps_a_forked_child)
{
	struct rr_ring ring;
	siginfo_t info;

	require_opcode(RR_IORING_OP_WAITID, "IORING_OP_WAITID");
	ring_init_or_skip(&ring, 4, 0);
	pid_t child = fork();
	cr_assert_geq(child, 0);
	if (child == 0)
		_exit(7);

	memset(&info, 0, sizeof(info));
	rr_prep_waitid(must_get_sqe(&ring), P_PID, (id_t)child, &info, WEXITED, 0);
	cr_assert_eq(run_one(&ring), 0);
	cr_assert_eq(info.si_pid, child);
	cr_assert_eq(info.si_code, CLD_EXITED);
	cr_assert_eq(info.si_status, 7);
	rr_prep_waitid(must_get_sqe(&ring), P_PID, (id_t)child, &info, WEXITED, 0);
	cr_assert_eq(run_one(&ring), -ECHILD, "reaped already");
	rr_ring_exit(&ring);
}

#define FUTEX32_PRIVATE (FUTEX2_SIZE_U32 | FUTEX2_PRIVATE)

Test(prep_ops, futex_wake_wakes_a_futex_wait)
{
	struct rr_ring ring;
	static uint32_t word;
	struct done d[2];

	require_opcode(RR_IORING_OP_FUTEX_WAIT, "IORING_OP_FUTEX_WAIT");
	require_opcode(RR_IORING_OP_FUTEX_WAKE, "IORING_OP_FUTEX_WAKE");
	ring_init_or_skip(&ring, 4, 0);
	word = 0;
	struct io_uring_sqe *sqe = must_get_sqe(&ring);
	rr_prep_futex_wait(sqe, &word, 0, FUTEX_BITSET_MATCH_ANY, FUTEX32_PRIVATE, 0);
	rr_sqe_set_data64(sqe, 1);
	cr_assert_eq(rr_submit(&ring), 1);
	sleep_ms(20);
	cr_assert_eq(rr_cq_ready(&ring), 0u, "the wait sleeps");

	sqe = must_get_sqe(&ring);
	rr_prep_futex_wake(sqe, &word, 1, FUTEX_BITSET_MATCH_ANY, FUTEX32_PRIVATE, 0);
	rr_sqe_set_data64(sqe, 2);
	cr_assert_eq(rr_submit(&ring), 1);
	reap(&ring, d, 2);
	cr_assert_eq(find_done(d, 2, 2)->res, 1, "one waiter woken");
	cr_assert_eq(find_done(d, 2, 1)->res, 0, "the wait completes");

	rr_prep_futex_wait(must_get_sqe(&ring), &word, 5, FUTEX_BITSET_MATCH_ANY,
			   FUTEX32_PRIVATE, 0);
	cr_assert_eq(run_one(&ring), -EAGAIN, "the value differs: no sleep");
	rr_prep_futex_wake(must_get_sqe(&ring), &word, 1, FUTEX_BITSET_MATCH_ANY,
			   FUTEX32_PRIVATE, 0);
	cr_assert_eq(run_one(&ring), 0, "nobody to wake");
	rr_ring_exit(&ring);
}

Test(prep_ops, futex_waitv_names_the_futex_that_woke_it)
{
	struct rr_ring ring;
	static uint32_t words[2];
	struct futex_waitv waiters[2];
	struct done d[2];

	require_opcode(RR_IORING_OP_FUTEX_WAITV, "IORING_OP_FUTEX_WAITV");
	require_opcode(RR_IORING_OP_FUTEX_WAKE, "IORING_OP_FUTEX_WAKE");
	ring_init_or_skip(&ring, 4, 0);
	memset(waiters, 0, sizeof(waiters));
	for (int i = 0; i < 2; i++) {
		words[i] = 0;
		waiters[i].val = 0;
		waiters[i].uaddr = (uint64_t)(uintptr_t)&words[i];
		waiters[i].flags = FUTEX32_PRIVATE;
	}
	struct io_uring_sqe *sqe = must_get_sqe(&ring);
	rr_prep_futex_waitv(sqe, waiters, 2, 0);
	rr_sqe_set_data64(sqe, 1);
	cr_assert_eq(rr_submit(&ring), 1);
	sleep_ms(20);
	cr_assert_eq(rr_cq_ready(&ring), 0u);

	sqe = must_get_sqe(&ring);
	rr_prep_futex_wake(sqe, &words[1], 1, FUTEX_BITSET_MATCH_ANY, FUTEX32_PRIVATE, 0);
	rr_sqe_set_data64(sqe, 2);
	cr_assert_eq(rr_submit(&ring), 1);
	reap(&ring, d, 2);
	cr_assert_eq(find_done(d, 2, 2)->res, 1);
	cr_assert_eq(find_done(d, 2, 1)->res, 1, "woken through the second futex");
	rr_ring_exit(&ring);
}

/* ---- provided buffers, the classic kind --------------------------------- */

Test(prep_ops, provide_buffers_feeds_a_receive_and_remove_takes_the_rest)
{
	struct rr_ring ring;
	static char pool[4][8];
	int fds[2];

	require_opcode(IORING_OP_PROVIDE_BUFFERS, "IORING_OP_PROVIDE_BUFFERS");
	ring_init_or_skip(&ring, 4, 0);
	rr_prep_provide_buffers(must_get_sqe(&ring), pool, 8, 4, 7, 10);
	int res = run_one(&ring);
	cr_assert_geq(res, 0, "provide: %s", strerror(-res));

	stream_pair(fds);
	cr_assert_eq(sock_send(fds[0], "legacy", 6), 6);
	struct io_uring_sqe *sqe = must_get_sqe(&ring);
	rr_prep_recv(sqe, fds[1], NULL, 8, 0);
	rr_sqe_buffer_select(sqe, 7);
	struct done d = run_one_done(&ring);
	cr_assert_eq(d.res, 6);
	cr_assert(d.flags & IORING_CQE_F_BUFFER);
	unsigned id = d.flags >> IORING_CQE_BUFFER_SHIFT;
	cr_assert(id >= 10 && id < 14, "buffer id %u from the ids given", id);
	cr_assert_eq(memcmp(pool[id - 10], "legacy", 6), 0);

	rr_prep_remove_buffers(must_get_sqe(&ring), 8, 7);
	cr_assert_eq(run_one(&ring), 3, "the three unused ones");
	rr_prep_remove_buffers(must_get_sqe(&ring), 1, 7);
	cr_assert_eq(run_one(&ring), 0, "none left");
	rr_prep_remove_buffers(must_get_sqe(&ring), 1, 8);
	cr_assert_eq(run_one(&ring), -ENOENT, "no such group");
	close(fds[0]);
	close(fds[1]);
	rr_ring_exit(&ring);
}

/* ---- timeouts and cancellation ------------------------------------------ */

Test(prep_ops, timeout_update_rearms_an_armed_timeout)
{
	struct rr_ring ring;
	struct __kernel_timespec long_ts = { .tv_sec = 30 }, short_ts = { .tv_nsec = 10000000 };
	struct done d[2];

	ring_init_or_skip(&ring, 4, 0);
	uint64_t start = now_ns();
	struct io_uring_sqe *sqe = must_get_sqe(&ring);
	rr_prep_timeout(sqe, &long_ts, 0, 0);
	rr_sqe_set_data64(sqe, 1);
	cr_assert_eq(rr_submit(&ring), 1);

	sqe = must_get_sqe(&ring);
	rr_prep_timeout_update(sqe, &short_ts, 1, 0);
	rr_sqe_set_data64(sqe, 2);
	cr_assert_eq(rr_submit(&ring), 1);
	reap(&ring, d, 2);
	cr_assert_eq(find_done(d, 2, 2)->res, 0);
	cr_assert_eq(find_done(d, 2, 1)->res, -ETIME);
	cr_assert_lt(now_ns() - start, 5000000000ull, "fired at the new 10 ms, not 30 s");

	rr_prep_timeout_update(must_get_sqe(&ring), &short_ts, 99, 0);
	cr_assert_eq(run_one(&ring), -ENOENT);
	rr_ring_exit(&ring);
}

Test(prep_ops, link_timeout_update_rearms_a_linked_timeout)
{
	struct rr_ring ring;
	struct __kernel_timespec long_ts = { .tv_sec = 30 }, short_ts = { .tv_nsec = 10000000 };
	int p[2];
	char buf[4];
	struct done d[3];

	ring_init_or_skip(&ring, 4, 0);
	cr_assert_eq(pipe2(p, O_CLOEXEC), 0);
	uint64_t start = now_ns();
	struct io_uring_sqe *sqe = must_get_sqe(&ring);
	rr_prep_read(sqe, p[0], buf, sizeof(buf), 0); /* an empty pipe: waits */
	rr_sqe_link(sqe);
	rr_sqe_set_data64(sqe, 1);
	sqe = must_get_sqe(&ring);
	rr_prep_link_timeout(sqe, &long_ts, 0);
	rr_sqe_set_data64(sqe, 2);
	cr_assert_eq(rr_submit(&ring), 2);

	sqe = must_get_sqe(&ring);
	rr_prep_link_timeout_update(sqe, &short_ts, 2, 0);
	rr_sqe_set_data64(sqe, 3);
	cr_assert_eq(rr_submit(&ring), 1);
	reap(&ring, d, 3);
	cr_assert_eq(find_done(d, 3, 3)->res, 0);
	cr_assert_eq(find_done(d, 3, 1)->res, -ECANCELED, "the read was cut short");
	cr_assert_eq(find_done(d, 3, 2)->res, -ETIME);
	cr_assert_lt(now_ns() - start, 5000000000ull);
	close(p[0]);
	close(p[1]);
	rr_ring_exit(&ring);
}

Test(prep_ops, cancel_by_opcode_and_by_fixed_fd)
{
	struct rr_ring ring;
	int a[2], b[2];
	char buf[4];
	struct done d[2];

	ring_init_or_skip(&ring, 8, 0);
	cr_assert_eq(pipe2(a, O_CLOEXEC), 0);
	cr_assert_eq(pipe2(b, O_CLOEXEC), 0);
	cr_assert_eq(rr_register_files(&ring, &b[0], 1), 0);

	struct io_uring_sqe *sqe = must_get_sqe(&ring);
	rr_prep_poll_add(sqe, a[0], POLLIN);
	rr_sqe_set_data64(sqe, 1);
	sqe = must_get_sqe(&ring);
	rr_prep_read(sqe, 0, buf, sizeof(buf), 0);
	rr_sqe_fixed_file(sqe);
	rr_sqe_set_data64(sqe, 2);
	cr_assert_eq(rr_submit(&ring), 2);

	sqe = must_get_sqe(&ring);
	rr_prep_cancel_op(sqe, IORING_OP_POLL_ADD, 0);
	rr_sqe_set_data64(sqe, 3);
	cr_assert_eq(rr_submit(&ring), 1);
	reap(&ring, d, 2);
	int res = find_done(d, 2, 3)->res;
	if (res == -EINVAL)
		cr_skip_test("the kernel has no IORING_ASYNC_CANCEL_OP (6.6)");
	cr_assert_eq(res, 0);
	cr_assert_eq(find_done(d, 2, 1)->res, -ECANCELED, "the poll, not the read");
	cr_assert_eq(rr_cq_ready(&ring), 0u, "the read still waits");

	sqe = must_get_sqe(&ring);
	rr_prep_cancel_fd(sqe, 0, IORING_ASYNC_CANCEL_FD_FIXED);
	rr_sqe_set_data64(sqe, 4);
	cr_assert_eq(rr_submit(&ring), 1);
	reap(&ring, d, 2);
	cr_assert_eq(find_done(d, 2, 4)->res, 0);
	cr_assert_eq(find_done(d, 2, 2)->res, -ECANCELED, "the read on slot 0");

	rr_prep_cancel_op(must_get_sqe(&ring), IORING_OP_POLL_ADD, 0);
	cr_assert_eq(run_one(&ring), -ENOENT);
	for (int i = 0; i < 2; i++) {
		close(a[i]);
		close(b[i]);
	}
	rr_ring_exit(&ring);
}

/* ---- between rings ------------------------------------------------------ */

Test(prep_ops, msg_ring_passes_registered_files_between_rings)
{
	struct rr_ring src, dst;
	int p[2];
	char buf[8];
	struct done d;

	require_opcode(IORING_OP_MSG_RING, "IORING_OP_MSG_RING");
	ring_init_or_skip(&src, 4, 0);
	ring_init_or_skip(&dst, 4, 0);
	cr_assert_eq(pipe2(p, O_CLOEXEC), 0);
	cr_assert_eq(rr_register_files(&src, &p[1], 1), 0);
	sparse_files(&dst, 4);

	rr_prep_msg_ring_fd(must_get_sqe(&src), dst.ring_fd, 0, 2, 0xfd, 0);
	int res = run_one(&src);
	if (res == -EINVAL)
		cr_skip_test("the kernel cannot pass files by MSG_RING (6.0)");
	cr_assert_eq(res, 0, "send fd: %s", strerror(-res));
	reap(&dst, &d, 1);
	cr_assert_eq(d.user_data, 0xfdu);
	cr_assert_eq(d.res, 0);
	struct io_uring_sqe *sqe = must_get_sqe(&dst);
	rr_prep_write(sqe, 2, "passed", 6, 0);
	rr_sqe_fixed_file(sqe);
	cr_assert_eq(run_one(&dst), 6, "slot 2 of the target is the pipe");
	cr_assert_eq(read(p[0], buf, sizeof(buf)), 6);
	cr_assert_eq(memcmp(buf, "passed", 6), 0);

	rr_prep_msg_ring_fd_alloc(must_get_sqe(&src), dst.ring_fd, 0, 0xfe, 0);
	int slot = run_one(&src);
	cr_assert(slot >= 0 && slot < 4 && slot != 2, "allocated slot %d", slot);
	reap(&dst, &d, 1);
	cr_assert_eq(d.user_data, 0xfeu);
	cr_assert_eq(d.res, slot, "the target learns the slot too");

	rr_prep_msg_ring_fd(must_get_sqe(&src), dst.ring_fd, 0, 3, 0xff,
			    IORING_MSG_RING_CQE_SKIP);
	cr_assert_eq(run_one(&src), 0);
	sleep_ms(10);
	cr_assert_eq(rr_cq_ready(&dst), 0u, "IORING_MSG_RING_CQE_SKIP: no target CQE");
	sqe = must_get_sqe(&dst);
	rr_prep_write(sqe, 3, "x", 1, 0);
	rr_sqe_fixed_file(sqe);
	cr_assert_eq(run_one(&dst), 1, "but the file arrived");

	close(p[0]);
	close(p[1]);
	rr_ring_exit(&dst);
	rr_ring_exit(&src);
}

Test(prep_ops, msg_ring_cqe_flags_sets_the_target_cqe_flags)
{
	struct rr_ring a, b;
	struct done d;

	require_opcode(IORING_OP_MSG_RING, "IORING_OP_MSG_RING");
	ring_init_or_skip(&a, 4, 0);
	ring_init_or_skip(&b, 4, 0);
	rr_prep_msg_ring_cqe_flags(must_get_sqe(&a), b.ring_fd, 42, 0xc0ffee, 0,
				   0x12340000u);
	int res = run_one(&a);
	if (res == -EINVAL)
		cr_skip_test("the kernel lacks IORING_MSG_RING_FLAGS_PASS (6.3)");
	cr_assert_eq(res, 0);
	reap(&b, &d, 1);
	cr_assert_eq(d.user_data, 0xc0ffeeu);
	cr_assert_eq(d.res, 42);
	cr_assert_eq(d.flags, 0x12340000u);
	rr_ring_exit(&b);
	rr_ring_exit(&a);
}
