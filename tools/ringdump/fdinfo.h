/*
 * The parser for /proc/PID/fdinfo/FD of an io_uring file: what the kernel
 * prints about a ring (heads, tails, masks, the SQEs it has not consumed,
 * the CQEs not yet reaped, the overflow list, the SQPOLL thread), in
 * labelled fields.  Written for any input: unknown, malformed or truncated
 * lines are counted and kept raw, never trusted.
 */
#ifndef RINGDUMP_FDINFO_H
#define RINGDUMP_FDINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The numeric fields, in the order the kernel prints them. */
enum rd_field {
	RD_SQ_MASK, RD_SQ_HEAD, RD_SQ_TAIL, RD_CACHED_SQ_HEAD,
	RD_CQ_MASK, RD_CQ_HEAD, RD_CQ_TAIL, RD_CACHED_CQ_TAIL,
	RD_SQES, RD_CQES,
	RD_SQ_THREAD, RD_SQ_THREAD_CPU, RD_SQ_TOTAL_TIME, RD_SQ_WORK_TIME,
	RD_USER_FILES, RD_USER_BUFS,
	RD_FIELD_COUNT
};

struct rd_field_info {
	const char *key;      /* as the kernel prints it */
	const char *json;     /* the JSON name */
	const char *meaning;  /* for people */
};
extern const struct rd_field_info rd_fields[RD_FIELD_COUNT];

#define RD_LIST_MAX 64  /* entries of each list kept (all are counted) */
#define RD_RAW_MAX 8    /* unrecognised lines kept verbatim */

struct rd_sqe_line {
	unsigned index;
	char opcode[24];
	long long fd;
	unsigned long long flags, off, addr, rw_flags, buf_index, user_data;
};

struct rd_cqe_line {
	unsigned index;
	unsigned long long user_data;
	long long res;
	unsigned long long flags;
	bool big;                         /* CQE32: extra1/extra2 present */
	unsigned long long extra1, extra2;
};

struct rd_overflow_line {
	unsigned long long user_data;
	long long res;
	unsigned long long flags;
};

/* Opcodes the PollList count keeps apart (6.18's are below 64). */
#define RD_POLL_OPCODES 128

struct rd_fdinfo {
	bool is_ring;                     /* any io_uring field was found */
	uint32_t present;                 /* bit per enum rd_field */
	long long value[RD_FIELD_COUNT];
	struct rd_sqe_line sqe[RD_LIST_MAX];
	unsigned sqe_lines;               /* SQE lines seen (sqe[] keeps the first) */
	struct rd_cqe_line cqe[RD_LIST_MAX];
	unsigned cqe_lines;
	struct rd_overflow_line overflow[RD_LIST_MAX];
	unsigned overflow_lines;
	unsigned poll_lines;              /* PollList: ops armed on a poll, waiting */
	unsigned poll_by_opcode[RD_POLL_OPCODES]; /* ... by opcode */
	unsigned poll_other_opcodes;      /* ... with an opcode beyond those */
	char napi[32];
	unsigned unknown_lines;           /* lines not understood */
	char unknown[RD_RAW_MAX][128];
};

/*
 * Parse `len` bytes of fdinfo text.  Always fills *info; info->is_ring
 * says whether io_uring fields were there (the kernel prints none for a
 * ring it could not lock, and none for other files).  Returns 0, or -EINVAL
 * for NULL arguments.
 */
int rd_fdinfo_parse(const char *text, size_t len, struct rd_fdinfo *info);

/* Whether field `f` was present. */
static inline bool rd_has(const struct rd_fdinfo *info, enum rd_field f)
{
	return (info->present >> f) & 1u;
}

#endif
