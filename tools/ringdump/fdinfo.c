/*
 * fdinfo text, one line at a time.  A line is "Key:\tvalue", a list header
 * ("SQEs:\tN", "CQEs:\tN", "CqOverflowList:", "PollList:", "UserFiles:\tN",
 * "UserBufs:\tN") or an indented entry of the list above it.  Numbers are
 * parsed with strtoull/strtoll and checked to the end of their token.
 */
#include "fdinfo.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

const struct rd_field_info rd_fields[RD_FIELD_COUNT] = {
	[RD_SQ_MASK] = { "SqMask", "sq_mask", "SQ ring mask (entries - 1)" },
	[RD_SQ_HEAD] = { "SqHead", "sq_head", "SQ head: next SQE the kernel consumes" },
	[RD_SQ_TAIL] = { "SqTail", "sq_tail", "SQ tail: end of the SQEs the application published" },
	[RD_CACHED_SQ_HEAD] = { "CachedSqHead", "cached_sq_head", "the kernel's private copy of the SQ head" },
	[RD_CQ_MASK] = { "CqMask", "cq_mask", "CQ ring mask (entries - 1)" },
	[RD_CQ_HEAD] = { "CqHead", "cq_head", "CQ head: next CQE the application reaps" },
	[RD_CQ_TAIL] = { "CqTail", "cq_tail", "CQ tail: end of the CQEs the kernel posted" },
	[RD_CACHED_CQ_TAIL] = { "CachedCqTail", "cached_cq_tail", "the kernel's private copy of the CQ tail" },
	[RD_SQES] = { "SQEs", "sqes", "SQEs published and not yet consumed" },
	[RD_CQES] = { "CQEs", "cqes", "CQEs posted and not yet reaped" },
	[RD_SQ_THREAD] = { "SqThread", "sq_thread", "SQPOLL thread's pid (-1: none)" },
	[RD_SQ_THREAD_CPU] = { "SqThreadCpu", "sq_thread_cpu", "CPU the SQPOLL thread last ran on" },
	[RD_SQ_TOTAL_TIME] = { "SqTotalTime", "sq_total_time_us", "SQPOLL thread's total run time (us)" },
	[RD_SQ_WORK_TIME] = { "SqWorkTime", "sq_work_time_us", "SQPOLL thread's time doing work (us)" },
	[RD_USER_FILES] = { "UserFiles", "user_files", "registered file slots" },
	[RD_USER_BUFS] = { "UserBufs", "user_bufs", "registered buffers" },
};

enum section { SEC_NONE, SEC_SQES, SEC_CQES, SEC_OVERFLOW, SEC_POLL, SEC_FILES, SEC_BUFS };

/* Parse a whole token as a number (decimal, or 0x hex). */
static bool parse_ll(const char *s, const char *end, long long *out)
{
	char buf[32];
	size_t n = (size_t)(end - s);
	char *stop;

	if (n == 0 || n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	errno = 0;
	if (buf[0] == '-')
		*out = strtoll(buf, &stop, 10);
	else
		*out = (long long)strtoull(buf, &stop, 0);
	return errno == 0 && *stop == '\0';
}

static bool parse_ull(const char *s, const char *end, unsigned long long *out)
{
	long long v;

	if (!parse_ll(s, end, &v))
		return false;
	*out = (unsigned long long)v;
	return true;
}

/* In "k1:v1, k2:v2 ..." (separator ':' or '='), the value of `key`,
 * as [*start, *end).  Keys match at a word start. */
static bool find_value(const char *line, const char *line_end, const char *key,
		       char sep, const char **start, const char **end)
{
	size_t key_len = strlen(key);

	for (const char *p = line; p + key_len < line_end; p++) {
		if ((p == line || p[-1] == ' ' || p[-1] == ',') &&
		    strncmp(p, key, key_len) == 0 && p[key_len] == sep) {
			const char *v = p + key_len + 1;
			const char *e = v;
			while (e < line_end && *e != ',' && *e != ' ')
				e++;
			*start = v;
			*end = e;
			return true;
		}
	}
	return false;
}

static bool value_ull(const char *line, const char *end, const char *key,
		      char sep, unsigned long long *out)
{
	const char *s, *e;

	return find_value(line, end, key, sep, &s, &e) && parse_ull(s, e, out);
}

static bool value_ll(const char *line, const char *end, const char *key,
		     char sep, long long *out)
{
	const char *s, *e;

	return find_value(line, end, key, sep, &s, &e) && parse_ll(s, e, out);
}

/* "    3: opcode:READ, fd:0, flags:0, off:4096, addr:0x0, ..." */
static bool parse_sqe(const char *line, const char *end, struct rd_sqe_line *sqe)
{
	const char *s, *e;
	char *stop;

	memset(sqe, 0, sizeof(*sqe));
	sqe->index = (unsigned)strtoul(line, &stop, 10);
	if (stop == line || stop >= end || *stop != ':')
		return false;
	if (!find_value(stop + 1, end, "opcode", ':', &s, &e))
		return false;
	size_t n = (size_t)(e - s) < sizeof(sqe->opcode) - 1 ? (size_t)(e - s)
							      : sizeof(sqe->opcode) - 1;
	memcpy(sqe->opcode, s, n);
	if (!value_ll(stop + 1, end, "fd", ':', &sqe->fd) ||
	    !value_ull(stop + 1, end, "user_data", ':', &sqe->user_data))
		return false;
	/* The rest vary by kernel version: zero when absent. */
	value_ull(stop + 1, end, "flags", ':', &sqe->flags);
	value_ull(stop + 1, end, "off", ':', &sqe->off);
	value_ull(stop + 1, end, "addr", ':', &sqe->addr);
	value_ull(stop + 1, end, "rw_flags", ':', &sqe->rw_flags);
	value_ull(stop + 1, end, "buf_index", ':', &sqe->buf_index);
	return true;
}

/* "    0: user_data:100, res:0, flag:0[, extra1:0, extra2:0]" */
static bool parse_cqe(const char *line, const char *end, struct rd_cqe_line *cqe)
{
	char *stop;

	memset(cqe, 0, sizeof(*cqe));
	cqe->index = (unsigned)strtoul(line, &stop, 10);
	if (stop == line || stop >= end || *stop != ':')
		return false;
	if (!value_ull(stop + 1, end, "user_data", ':', &cqe->user_data) ||
	    !value_ll(stop + 1, end, "res", ':', &cqe->res) ||
	    !value_ull(stop + 1, end, "flag", ':', &cqe->flags))
		return false;
	cqe->big = value_ull(stop + 1, end, "extra1", ':', &cqe->extra1) &&
		   value_ull(stop + 1, end, "extra2", ':', &cqe->extra2);
	return true;
}

/* "  user_data=8, res=0, flags=0" */
static bool parse_overflow(const char *line, const char *end,
			   struct rd_overflow_line *o)
{
	memset(o, 0, sizeof(*o));
	return value_ull(line, end, "user_data", '=', &o->user_data) &&
	       value_ll(line, end, "res", '=', &o->res) &&
	       value_ull(line, end, "flags", '=', &o->flags);
}

static void keep_unknown(struct rd_fdinfo *info, const char *line, const char *end)
{
	if (info->unknown_lines < RD_RAW_MAX) {
		char *slot = info->unknown[info->unknown_lines];
		size_t n = (size_t)(end - line) < 127 ? (size_t)(end - line) : 127;
		memcpy(slot, line, n);
		slot[n] = '\0';
	}
	info->unknown_lines++;
}

/* One indented line of the list `section`. */
static bool parse_entry(struct rd_fdinfo *info, enum section section,
			const char *line, const char *end)
{
	while (line < end && isspace((unsigned char)*line))
		line++;
	switch (section) {
	case SEC_SQES: {
		struct rd_sqe_line sqe;
		if (!parse_sqe(line, end, &sqe))
			return false;
		if (info->sqe_lines < RD_LIST_MAX)
			info->sqe[info->sqe_lines] = sqe;
		info->sqe_lines++;
		return true;
	}
	case SEC_CQES: {
		struct rd_cqe_line cqe;
		if (!parse_cqe(line, end, &cqe))
			return false;
		if (info->cqe_lines < RD_LIST_MAX)
			info->cqe[info->cqe_lines] = cqe;
		info->cqe_lines++;
		return true;
	}
	case SEC_OVERFLOW: {
		struct rd_overflow_line o;
		if (!parse_overflow(line, end, &o))
			return false;
		if (info->overflow_lines < RD_LIST_MAX)
			info->overflow[info->overflow_lines] = o;
		info->overflow_lines++;
		return true;
	}
	case SEC_POLL: { /* "op=27, task_works=0" */
		unsigned long long opcode;
		if (!value_ull(line, end, "op", '=', &opcode))
			return false;
		if (opcode < RD_POLL_OPCODES)
			info->poll_by_opcode[opcode]++;
		else
			info->poll_other_opcodes++;
		info->poll_lines++;
		return true;
	}
	case SEC_FILES:
	case SEC_BUFS:
		return true; /* names and addresses: shown raw by nobody yet */
	default:
		return false;
	}
}

static enum section section_of(enum rd_field f)
{
	switch (f) {
	case RD_SQES:
		return SEC_SQES;
	case RD_CQES:
		return SEC_CQES;
	case RD_USER_FILES:
		return SEC_FILES;
	case RD_USER_BUFS:
		return SEC_BUFS;
	default:
		return SEC_NONE;
	}
}

int rd_fdinfo_parse(const char *text, size_t len, struct rd_fdinfo *info)
{
	if (!text || !info)
		return -EINVAL;
	memset(info, 0, sizeof(*info));

	enum section section = SEC_NONE;
	const char *end = text + len;
	for (const char *line = text; line < end;) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		const char *line_end = nl ? nl : end;
		const char *next = nl ? nl + 1 : end;

		if (line == line_end) { /* a blank line (CQE32 rings print one) */
			line = next;
			continue;
		}
		if (isspace((unsigned char)*line)) {
			if (!parse_entry(info, section, line, line_end))
				keep_unknown(info, line, line_end);
			line = next;
			continue;
		}
		const char *colon = memchr(line, ':', (size_t)(line_end - line));
		if (!colon) {
			keep_unknown(info, line, line_end);
			line = next;
			continue;
		}
		size_t key_len = (size_t)(colon - line);
		const char *value = colon + 1;
		while (value < line_end && (*value == '\t' || *value == ' '))
			value++;

		section = SEC_NONE;
		bool known = false;
		for (int f = 0; f < RD_FIELD_COUNT; f++) {
			if (strlen(rd_fields[f].key) != key_len ||
			    strncmp(line, rd_fields[f].key, key_len) != 0)
				continue;
			known = true;
			info->is_ring = true;
			if (parse_ll(value, line_end, &info->value[f])) {
				info->present |= 1u << f;
				section = section_of((enum rd_field)f);
			} else {
				keep_unknown(info, line, line_end);
			}
			break;
		}
		if (!known) {
			if (key_len == 14 && strncmp(line, "CqOverflowList", 14) == 0) {
				section = SEC_OVERFLOW;
				info->is_ring = true;
			} else if (key_len == 8 && strncmp(line, "PollList", 8) == 0) {
				section = SEC_POLL;
				info->is_ring = true;
			} else if (key_len == 4 && strncmp(line, "NAPI", 4) == 0) {
				size_t n = (size_t)(line_end - value);
				if (n >= sizeof(info->napi))
					n = sizeof(info->napi) - 1;
				memcpy(info->napi, value, n);
			} else if (!((key_len == 3 && strncmp(line, "pos", 3) == 0) ||
				     (key_len == 5 && strncmp(line, "flags", 5) == 0) ||
				     (key_len == 6 && strncmp(line, "mnt_id", 6) == 0) ||
				     (key_len == 3 && strncmp(line, "ino", 3) == 0))) {
				keep_unknown(info, line, line_end);
			}
		}
		line = next;
	}
	return 0;
}
