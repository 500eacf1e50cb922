/* `ringdump pid PID`: every io_uring of a live process, from fdinfo and,
 * with ptrace rights, from the ring memory itself. */
#ifndef RINGDUMP_PID_H
#define RINGDUMP_PID_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "fdinfo.h"
#include "output.h"

#define RD_LIVE_MAX 64  /* pending SQEs / unreaped CQEs listed by default */
#define RD_LIVE_MAX_TEXT "64"
#define RD_LIVE_ALL UINT_MAX  /* --all: every one */

struct rd_live_sqe {
	unsigned slot;                 /* index into the SQE array */
	unsigned char opcode;
	unsigned char flags;
	int fd;
	unsigned long long off, addr, user_data;
	unsigned len;
};

struct rd_live_cqe {
	unsigned slot;                 /* its CQ slot */
	unsigned long long user_data;
	int res;
	unsigned flags;
};

/* A lock-free snapshot of a foreign ring's shared memory. */
struct rd_live {
	unsigned sq_entries, cq_entries;
	unsigned sq_head, sq_tail, sq_flags, sq_dropped;
	unsigned cq_head, cq_tail, cq_overflow;
	bool has_sq_array;             /* as decoded (assumed where not told) */
	int sq_array;                  /* 1, 0, -1: cannot be told */
	unsigned sqe_size, cqe_size;   /* 0: cannot be told (decoded as 64, 16) */
	unsigned pending_count;        /* sq_tail - sq_head */
	struct rd_live_sqe *pending;   /* the first `listed_sqes` of them */
	unsigned listed_sqes;
	unsigned unreaped_count;       /* CQEs between head and tail (a CQE_MIXED
					  ring's skips not counted) */
	struct rd_live_cqe *unreaped;  /* the first `listed_cqes` of them */
	unsigned listed_cqes;
};

/* The fds of `pid` that are io_uring instances; the count or -errno
 * (-ESRCH no such process, -EACCES not permitted). */
int rd_pid_rings(pid_t pid, int *fds, int max);

/* Read and parse /proc/PID/fdinfo/FD.  Keeps the raw text in `raw` (NUL
 * terminated, truncated to raw_size).  0 or -errno. */
int rd_pid_fdinfo(pid_t pid, int fd, struct rd_fdinfo *info, char *raw,
		  size_t raw_size);

/*
 * Duplicate the ring fd with pidfd_getfd (needs ptrace rights over `pid`),
 * map its rings read-only, and take a snapshot.  `info` supplies the
 * ring sizes (SqMask, CqMask).  Lists at most `list_max` pending SQEs
 * and unreaped CQEs (RD_LIVE_MAX, or RD_LIVE_ALL).  0 or -errno: -ENOSYS (kernel without
 * pidfd_getfd, before 5.6), -EPERM (no ptrace rights), -EINVAL (sizes
 * unknown or the mapping did not fit).
 */
int rd_live_snapshot(pid_t pid, int fd, const struct rd_fdinfo *info,
		     struct rd_live *live, unsigned list_max);

/* Free what a successful rd_live_snapshot allocated. */
void rd_live_release(struct rd_live *live);

/* `ringdump pid PID --svg FILE` (pid_svg.c): each ring of `pid` drawn as
 * two circles of slots from a live snapshot, head and tail as hands, the
 * pending SQEs and unreaped CQEs listed.  0 or -errno (-EPERM: some ring
 * needed ptrace rights; the picture says which). */
int rd_pid_svg(pid_t pid, FILE *out);

/* The rings of `pid` (its fds[count], from rd_pid_rings): each one's
 * fdinfo and, with `live`, its memory view, as the "rings" array. */
void rd_pid_describe(struct rd_out *out, pid_t pid, const int *fds, int count,
		     bool live, unsigned list_max);

/* What rd_pid_rings's error (or -ENOENT: no ring) means, for people. */
const char *rd_pid_rings_error(int err);

/* `ringdump pid`: print everything; `live` asks for the memory view, which
 * lists at most `list_max` pending SQEs and unreaped CQEs (RD_LIVE_MAX,
 * or RD_LIVE_ALL for --all).  0, or -errno with a message on stderr. */
int rd_pid_run(struct rd_out *out, pid_t pid, bool live, unsigned list_max);

#endif
