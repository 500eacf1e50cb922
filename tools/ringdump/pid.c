/*
 * A live process's rings.  /proc/PID/fd names each io_uring as
 * "anon_inode:[io_uring]"; /proc/PID/fdinfo/FD carries the kernel's view
 * (which it omits while the ring is busy).  For a view that needs no lock,
 * the ring fd is duplicated into this process with pidfd_getfd(2) and the
 * rings are mapped read-only, at the offsets a ring of the same sizes has
 * on this kernel (the layout of struct io_rings depends only on the sizes).
 */
#define _GNU_SOURCE
#include "pid.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "live_layout.h"
#include "names.h"
#include "rawring.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

int rd_pid_rings(pid_t pid, int *fds, int max)
{
	char path[64], target[64];
	int count = 0;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	DIR *dir = opendir(path);
	if (!dir)
		return errno == ENOENT ? -ESRCH : -errno;
	struct dirent *entry;
	while ((entry = readdir(dir))) {
		char link[384];
		if (entry->d_name[0] == '.')
			continue;
		snprintf(link, sizeof(link), "%s/%s", path, entry->d_name);
		ssize_t n = readlink(link, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = '\0';
		if (strcmp(target, "anon_inode:[io_uring]") == 0 && count < max)
			fds[count++] = atoi(entry->d_name);
	}
	closedir(dir);
	return count;
}

int rd_pid_fdinfo(pid_t pid, int fd, struct rd_fdinfo *info, char *raw,
		  size_t raw_size)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", (int)pid, fd);
	int file = open(path, O_RDONLY | O_CLOEXEC);
	if (file < 0)
		return -errno;
	size_t len = 0;
	ssize_t n;
	while (len + 1 < raw_size && (n = read(file, raw + len, raw_size - 1 - len)) > 0)
		len += (size_t)n;
	close(file);
	raw[len] = '\0';
	return rd_fdinfo_parse(raw, len, info);
}

static unsigned word_at(const void *base, unsigned offset)
{
	return rr_load_acquire((const unsigned *)((const char *)base + offset));
}

void rd_live_release(struct rd_live *live)
{
	free(live->pending);
	free(live->unreaped);
	live->pending = NULL;
	live->unreaped = NULL;
}

int rd_live_snapshot(pid_t pid, int fd, const struct rd_fdinfo *info,
		     struct rd_live *live, unsigned list_max)
{
	memset(live, 0, sizeof(*live));
	if (!rd_has(info, RD_SQ_MASK) || !rd_has(info, RD_CQ_MASK))
		return -EINVAL;
	live->sq_entries = (unsigned)info->value[RD_SQ_MASK] + 1;
	live->cq_entries = (unsigned)info->value[RD_CQ_MASK] + 1;

	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0)
		return -errno;
	int ring_fd = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	int err = errno;
	close(pidfd);
	if (ring_fd < 0)
		return -err;

	/* The sizes and the SQ array, from the pages of the ring's regions
	 * (live_layout.h); what cannot be told is decoded as the default. */
	struct rd_ring_layout layout;
	int ret = rd_ring_layout_detect(ring_fd, live->sq_entries, live->cq_entries, info,
					&layout);
	if (ret < 0) {
		close(ring_fd);
		return ret;
	}
	live->sq_array = layout.sq_array;
	live->has_sq_array = layout.sq_array != 0;
	live->sqe_size = layout.sqe_size;
	live->cqe_size = layout.cqe_size;
	size_t sqe_stride = layout.sqe_size ? layout.sqe_size : 64;
	size_t cqe_stride = layout.cqe_size ? layout.cqe_size : 16;
	size_t size = layout.rings_bytes, sqes_size = layout.sqes_bytes;
	const struct io_sqring_offsets *sq_off = &layout.sq_off;
	const struct io_cqring_offsets *cq_off = &layout.cq_off;
	void *rings = mmap(NULL, size, PROT_READ, MAP_SHARED, ring_fd, IORING_OFF_SQ_RING);
	void *sqes = rings == MAP_FAILED ? MAP_FAILED
		     : mmap(NULL, sqes_size, PROT_READ, MAP_SHARED, ring_fd, IORING_OFF_SQES);
	err = errno;
	close(ring_fd);
	if (rings == MAP_FAILED || sqes == MAP_FAILED) {
		if (rings != MAP_FAILED)
			munmap(rings, size);
		return -err;
	}
	if (sq_off->dropped + 4 > size || cq_off->overflow + 4 > size) {
		munmap(sqes, sqes_size);
		munmap(rings, size);
		return -EINVAL; /* not a layout this kernel makes */
	}

	/* Acquire loads: the tails are published by store-release on the
	 * other side; a snapshot of a running process may still move. */
	live->sq_head = word_at(rings, sq_off->head);
	live->sq_tail = word_at(rings, sq_off->tail);
	live->sq_flags = word_at(rings, sq_off->flags);
	live->sq_dropped = word_at(rings, sq_off->dropped);
	live->cq_head = word_at(rings, cq_off->head);
	live->cq_tail = word_at(rings, cq_off->tail);
	live->cq_overflow = word_at(rings, cq_off->overflow);

	/* The lists: at most list_max entries, and never more than a ring
	 * holds (a torn read of a running ring may say otherwise). */
	unsigned sq_room = live->sq_entries < list_max ? live->sq_entries : list_max;
	unsigned cq_room = live->cq_entries < list_max ? live->cq_entries : list_max;
	live->pending = calloc(sq_room ? sq_room : 1, sizeof(*live->pending));
	live->unreaped = calloc(cq_room ? cq_room : 1, sizeof(*live->unreaped));
	if (!live->pending || !live->unreaped) {
		rd_live_release(live);
		munmap(sqes, sqes_size);
		munmap(rings, size);
		return -ENOMEM;
	}

	/* Every read below stays inside the pages the regions have: a guess
	 * past them would fault. */
	unsigned sq_mask = live->sq_entries - 1, cq_mask = live->cq_entries - 1;
	live->pending_count = live->sq_tail - live->sq_head;
	for (unsigned i = 0; i < live->pending_count && i < sq_room; i++) {
		unsigned pos = (live->sq_head + i) & sq_mask;
		size_t array_at = sq_off->array + pos * 4u;
		if (live->has_sq_array && array_at + 4 > size)
			break;
		unsigned slot = live->has_sq_array ? word_at(rings, (unsigned)array_at) & sq_mask
						   : pos;
		if ((slot + 1) * sqe_stride > sqes_size)
			break;
		const struct io_uring_sqe *sqe =
			(const struct io_uring_sqe *)((const char *)sqes + slot * sqe_stride);
		struct rd_live_sqe *out = &live->pending[live->listed_sqes++];
		out->slot = slot;
		out->opcode = sqe->opcode;
		out->flags = sqe->flags;
		out->fd = sqe->fd;
		out->off = sqe->off;
		out->addr = sqe->addr;
		out->len = sqe->len;
		out->user_data = sqe->user_data;
	}
	/* In a CQE_MIXED ring (6.18) a 32-byte CQE takes two slots
	 * (IORING_CQE_F_32) and padding slots say IORING_CQE_F_SKIP: the
	 * walk steps by slots and lists CQEs. */
	unsigned slots = live->cq_tail - live->cq_head;
	live->unreaped_count = 0;
	for (unsigned s = 0; s < slots && s < live->cq_entries; s++) {
		size_t at = cq_off->cqes + ((live->cq_head + s) & cq_mask) * cqe_stride;
		if (at + sizeof(struct io_uring_cqe) > size)
			break;
		const struct io_uring_cqe *cqe =
			(const struct io_uring_cqe *)((const char *)rings + at);
		if (cqe->flags & IORING_CQE_F_SKIP)
			continue;
		if (live->listed_cqes < cq_room) {
			struct rd_live_cqe *c = &live->unreaped[live->listed_cqes++];
			c->slot = (live->cq_head + s) & cq_mask;
			c->user_data = cqe->user_data;
			c->res = cqe->res;
			c->flags = cqe->flags;
		}
		live->unreaped_count++;
		if (cqe->flags & IORING_CQE_F_32 && cqe_stride == 16)
			s++; /* its second half */
	}
	munmap(sqes, sqes_size);
	munmap(rings, size);
	return 0;
}

/* What fdinfo's PollList shows of the ops the kernel took and has not
 * completed: those armed on a poll, waiting for their fd (an idle
 * server's receives and its accept), by opcode; and what no view shows. */
static void print_waiting(struct rd_out *out, const struct rd_fdinfo *info)
{
	rd_out_uint(out, "poll_lines", "ops waiting on a poll", info->poll_lines,
		    "consumed from the SQ, not completed");
	rd_out_begin_array(out, "waiting_ops",
			   "Waiting in the kernel (PollList: ops armed on a poll, by opcode)");
	for (unsigned op = 0; op < RD_POLL_OPCODES; op++) {
		if (!info->poll_by_opcode[op])
			continue;
		const char *name = rd_opcode_name(op);
		char unnamed[16];
		snprintf(unnamed, sizeof(unnamed), "op %u", op);
		rd_out_begin_item(out);
		if (out->json) {
			rd_out_str(out, "opcode", "opcode", name ? name : unnamed, NULL);
			rd_out_uint(out, "count", "count", info->poll_by_opcode[op], NULL);
		} else {
			rd_out_uint(out, "count", name ? name : unnamed, info->poll_by_opcode[op],
				    NULL);
		}
		rd_out_end(out);
	}
	rd_out_end_array(out);
	if (info->poll_other_opcodes)
		rd_out_uint(out, "waiting_other_opcodes", "other opcodes",
			    info->poll_other_opcodes, "opcodes ringdump does not know");
	if (!out->json)
		rd_out_str(out, "not_visible", "not visible", "ops with a worker (io-wq: "
			   "blocking file I/O), timeouts, and ops the kernel holds without a "
			   "poll; a multishot op posts a CQE a result, so SQ head minus CQ "
			   "tail counts no ops", NULL);
}

static void print_fdinfo(struct rd_out *out, const struct rd_fdinfo *info,
			 const char *raw)
{
	rd_out_begin(out, "fdinfo", "fdinfo (the kernel's view)");
	rd_out_bool(out, "has_ring_fields", "io_uring fields", info->is_ring,
		    info->is_ring ? NULL : "none: the ring was busy, or fdinfo changed");
	for (int f = 0; f < RD_FIELD_COUNT; f++)
		if (rd_has(info, (enum rd_field)f))
			rd_out_int(out, rd_fields[f].json, rd_fields[f].key, info->value[f],
				   rd_fields[f].meaning);
	rd_out_uint(out, "sqe_lines", "SQE lines", info->sqe_lines, NULL);
	rd_out_uint(out, "cqe_lines", "CQE lines", info->cqe_lines, NULL);
	rd_out_uint(out, "overflow_lines", "overflow backlog", info->overflow_lines,
		    "CQEs the kernel holds until the CQ has room");
	print_waiting(out, info);
	if (info->unknown_lines || !info->is_ring)
		rd_out_str(out, "raw", "raw fdinfo", raw, "shown as is");
	rd_out_end(out);
}

/* The layout read from the ring's pages: said as "cannot be told" where
 * two layouts need the same pages, with how it was decoded then. */
static void print_sizes(struct rd_out *out, const struct rd_live *live)
{
	static const char *const untold = "cannot be told (the same pages either way)";

	if (live->sqe_size)
		rd_out_uint(out, "sqe_size", "SQE size", live->sqe_size, "bytes");
	else
		rd_out_str(out, "sqe_size", "SQE size", untold, "decoded as 64 bytes");
	if (live->cqe_size)
		rd_out_uint(out, "cqe_size", "CQE size", live->cqe_size, "bytes");
	else
		rd_out_str(out, "cqe_size", "CQE size", untold, "decoded as 16 bytes");
	rd_out_str(out, "sq_array", "SQ index array",
		   live->sq_array == 1 ? "yes" : live->sq_array == 0 ? "no" : untold,
		   live->sq_array < 0 ? "decoded as with one" : NULL);
}

static void print_live(struct rd_out *out, const struct rd_live *live,
		       unsigned long long after_fdinfo_us)
{
	char flags[96];

	rd_out_begin(out, "live", "Ring memory (pidfd_getfd + read-only mmap, no lock)");
	rd_out_uint(out, "read_after_fdinfo_us", "read after fdinfo", after_fdinfo_us,
		    "us: two reads of a running ring, so their counts may differ");
	rd_out_uint(out, "sq_entries", "SQ entries", live->sq_entries, NULL);
	rd_out_uint(out, "sq_head", "SQ head", live->sq_head, NULL);
	rd_out_uint(out, "sq_tail", "SQ tail", live->sq_tail, NULL);
	snprintf(flags, sizeof(flags), "%s%s%s%s",
		 live->sq_flags & IORING_SQ_NEED_WAKEUP ? "NEED_WAKEUP " : "",
		 live->sq_flags & IORING_SQ_CQ_OVERFLOW ? "CQ_OVERFLOW " : "",
		 live->sq_flags & IORING_SQ_TASKRUN ? "TASKRUN " : "",
		 live->sq_flags ? "" : "none");
	rd_out_hex(out, "sq_flags", "SQ flags", live->sq_flags, flags);
	rd_out_uint(out, "sq_dropped", "SQ dropped", live->sq_dropped, NULL);
	print_sizes(out, live);
	rd_out_uint(out, "cq_entries", "CQ entries", live->cq_entries, NULL);
	rd_out_uint(out, "cq_head", "CQ head", live->cq_head, NULL);
	rd_out_uint(out, "cq_tail", "CQ tail", live->cq_tail, NULL);
	rd_out_uint(out, "cq_overflow", "CQ overflow", live->cq_overflow, "CQEs dropped");
	rd_out_begin_array(out, "pending_sqes", "Pending SQEs (published, not consumed)");
	for (unsigned i = 0; i < live->listed_sqes; i++) {
		const struct rd_live_sqe *s = &live->pending[i];
		const char *name = rd_opcode_name(s->opcode);
		char text[160];
		rd_out_begin_item(out);
		if (out->json) {
			rd_out_uint(out, "slot", "slot", s->slot, NULL);
			rd_out_str(out, "opcode", "opcode", name ? name : "?", NULL);
			rd_out_int(out, "fd", "fd", s->fd, NULL);
			rd_out_uint(out, "off", "off", s->off, NULL);
			rd_out_hex(out, "addr", "addr", s->addr, NULL);
			rd_out_uint(out, "len", "len", s->len, NULL);
			rd_out_uint(out, "user_data", "user_data", s->user_data, NULL);
			/* (JavaScript's numbers lose a pointer's low bits) */
			rd_out_hex(out, "user_data_hex", "user_data", s->user_data, NULL);
		} else {
			snprintf(text, sizeof(text), "%s fd %d off %llu addr 0x%llx len %u",
				 name ? name : "?", s->fd, s->off, s->addr, s->len);
			char label[32];
			snprintf(label, sizeof(label), "slot %u", s->slot);
			char note[48];
			/* Hex: user_data is usually a pointer (--json keeps the
			 * number in decimal). */
			snprintf(note, sizeof(note), "user_data 0x%llx", s->user_data);
			rd_out_str(out, "sqe", label, text, note);
		}
		rd_out_end(out);
	}
	rd_out_end_array(out);
	if (live->pending_count > live->listed_sqes) /* say what was cut */
		rd_out_uint(out, "pending_sqes_not_shown", "pending SQEs not shown",
			    live->pending_count - live->listed_sqes, "ringdump lists the first "
			    RD_LIVE_MAX_TEXT "; --all lists every one");
	rd_out_begin_array(out, "unreaped_cqes", "Unreaped CQEs");
	for (unsigned i = 0; i < live->listed_cqes; i++) {
		const struct rd_live_cqe *c = &live->unreaped[i];
		rd_out_begin_item(out);
		if (out->json) {
			rd_out_uint(out, "user_data", "user_data", c->user_data, NULL);
			rd_out_hex(out, "user_data_hex", "user_data", c->user_data, NULL);
			rd_out_uint(out, "slot", "slot", c->slot, NULL);
			rd_out_int(out, "res", "res", c->res, NULL);
			rd_out_hex(out, "flags", "flags", c->flags, NULL);
		} else {
			char label[32], text[64];
			snprintf(label, sizeof(label), "CQ %u", c->slot);
			snprintf(text, sizeof(text), "res %d flags 0x%x", c->res, c->flags);
			char note[48];
			snprintf(note, sizeof(note), "user_data 0x%llx", c->user_data);
			rd_out_str(out, "cqe", label, text, note);
		}
		rd_out_end(out);
	}
	rd_out_end_array(out);
	if (live->unreaped_count > live->listed_cqes)
		rd_out_uint(out, "unreaped_cqes_not_shown", "unreaped CQEs not shown",
			    live->unreaped_count - live->listed_cqes, "ringdump lists the first "
			    RD_LIVE_MAX_TEXT "; --all lists every one");
	rd_out_end(out);
}

static uint64_t monotonic_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static const char *live_error(int err)
{
	switch (-err) {
	case ENOSYS:
		return "the kernel has no pidfd_getfd (5.6)";
	case EPERM:
	case EACCES:
		return "not permitted: needs ptrace rights over the process "
		       "(CAP_SYS_PTRACE, or the same user under ptrace_scope 0)";
	default:
		return strerror(-err);
	}
}

void rd_pid_describe(struct rd_out *out, pid_t pid, const int *fds, int count,
		     bool live, unsigned list_max)
{
	static char raw[65536];

	rd_out_begin_array(out, "rings", NULL);
	for (int i = 0; i < count; i++) {
		struct rd_fdinfo info;
		char heading[64];
		snprintf(heading, sizeof(heading), "io_uring on fd %d", fds[i]);
		rd_out_begin_item(out);
		if (!out->json)
			fprintf(out->file, "\n%s\n", heading);
		rd_out_int(out, "fd", "fd", fds[i], NULL);
		uint64_t fdinfo_read = monotonic_us();
		int ret = rd_pid_fdinfo(pid, fds[i], &info, raw, sizeof(raw));
		if (ret < 0) {
			rd_out_str(out, "fdinfo_error", "fdinfo", strerror(-ret), NULL);
		} else {
			print_fdinfo(out, &info, raw);
			if (live) {
				struct rd_live snapshot;
				ret = rd_live_snapshot(pid, fds[i], &info, &snapshot, list_max);
				if (ret < 0)
					rd_out_str(out, "live_error", "live view",
						   live_error(ret), NULL);
				else
					print_live(out, &snapshot,
						   (unsigned long long)(monotonic_us() - fdinfo_read));
				rd_live_release(&snapshot);
			}
		}
		rd_out_end(out);
	}
	rd_out_end_array(out);
}

const char *rd_pid_rings_error(int err)
{
	switch (-err) {
	case ESRCH:
		return "no such process";
	case ENOENT:
		return "the process has no io_uring instances";
	default:
		return "cannot read /proc/PID/fd (needs the same user or CAP_SYS_PTRACE)";
	}
}

int rd_pid_run(struct rd_out *out, pid_t pid, bool live, unsigned list_max)
{
	int fds[64];
	int count = rd_pid_rings(pid, fds, 64);

	if (count == 0)
		count = -ENOENT;
	if (count < 0) {
		fprintf(stderr, "ringdump: process %d: %s", (int)pid, rd_pid_rings_error(count));
		if (count != -ESRCH && count != -ENOENT)
			fprintf(stderr, ": %s", strerror(-count));
		fputc('\n', stderr);
		return count;
	}
	rd_out_uint(out, "pid", "process", (unsigned long long)pid, NULL);
	rd_pid_describe(out, pid, fds, count, live, list_max);
	return 0;
}
