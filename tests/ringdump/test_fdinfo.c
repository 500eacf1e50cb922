/* The fdinfo parser against outputs recorded from a 6.18 kernel
 * (tests/ringdump/fixtures/), and against broken input. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fdinfo.h"

TestSuite(fdinfo, .timeout = 30);

static struct rd_fdinfo parse_fixture(const char *name)
{
	char path[512];
	static char text[65536];
	struct rd_fdinfo info;

	snprintf(path, sizeof(path), "%s/%s.txt", RINGDUMP_FIXTURES, name);
	FILE *f = fopen(path, "r");
	cr_assert_not_null(f, "fixture %s", path);
	size_t len = fread(text, 1, sizeof(text), f);
	fclose(f);
	cr_assert_eq(rd_fdinfo_parse(text, len, &info), 0);
	return info;
}

Test(fdinfo, plain_ring_with_pending_sqes_and_unreaped_cqes)
{
	struct rd_fdinfo info = parse_fixture("plain");

	cr_assert(info.is_ring);
	cr_assert_eq(info.value[RD_SQ_MASK], 7);
	cr_assert_eq(info.value[RD_SQ_HEAD], 3);
	cr_assert_eq(info.value[RD_SQ_TAIL], 5);
	cr_assert_eq(info.value[RD_CQ_MASK], 15);
	cr_assert_eq(info.value[RD_CQ_TAIL], 3);
	cr_assert_eq(info.value[RD_SQES], 2);
	cr_assert_eq(info.sqe_lines, 2u);
	cr_assert_str_eq(info.sqe[0].opcode, "READ");
	cr_assert_eq(info.sqe[0].index, 3u);
	cr_assert_eq(info.sqe[0].off, 4096u);
	cr_assert_eq(info.sqe[1].user_data, 201u);
	cr_assert_eq(info.cqe_lines, 3u);
	cr_assert_eq(info.cqe[2].user_data, 102u);
	cr_assert_eq(info.value[RD_SQ_THREAD], -1);
	cr_assert_str_eq(info.napi, "disabled");
	cr_assert_eq(info.unknown_lines, 0u);
}

Test(fdinfo, overflowed_ring_lists_its_backlog)
{
	struct rd_fdinfo info = parse_fixture("overflow");

	cr_assert_eq(info.value[RD_CQ_TAIL] - info.value[RD_CQ_HEAD], 8);
	cr_assert_eq(info.cqe_lines, 8u);
	cr_assert_eq(info.overflow_lines, 12u);
	cr_assert_eq(info.overflow[0].user_data, 8u);
	cr_assert_eq(info.overflow[11].user_data, 19u);
	cr_assert_eq(info.unknown_lines, 0u);
}

Test(fdinfo, sqpoll_ring_names_its_thread)
{
	struct rd_fdinfo info = parse_fixture("sqpoll");

	cr_assert(rd_has(&info, RD_SQ_THREAD));
	cr_assert_gt(info.value[RD_SQ_THREAD], 0);
	cr_assert_geq(info.value[RD_SQ_THREAD_CPU], 0);
	cr_assert_gt(info.value[RD_SQ_TOTAL_TIME], 0);
}

Test(fdinfo, no_sqarray_and_cqe32_rings)
{
	struct rd_fdinfo plain = parse_fixture("no_sqarray");
	struct rd_fdinfo big = parse_fixture("cqe32");

	cr_assert(plain.is_ring);
	cr_assert_eq(plain.cqe[0].user_data, 9u);
	cr_assert_not(plain.cqe[0].big);
	cr_assert(big.cqe[0].big, "CQE32 lines carry extra1/extra2");
	cr_assert_eq(big.cqe[0].user_data, 11u);
	cr_assert_eq(big.unknown_lines, 0u, "the blank line after CQE32 entries is fine");
}

Test(fdinfo, a_busy_ring_prints_no_ring_fields)
{
	struct rd_fdinfo info = parse_fixture("busy");

	cr_assert_not(info.is_ring);
	cr_assert_eq(info.present, 0u);
}

Test(fdinfo, truncated_and_malformed_input_is_counted_not_trusted)
{
	struct rd_fdinfo cut = parse_fixture("truncated");
	struct rd_fdinfo bad = parse_fixture("malformed");

	cr_assert(cut.is_ring);
	cr_assert_eq(cut.cqe_lines, 2u, "the list is cut short");
	cr_assert_not(rd_has(&cut, RD_SQ_THREAD));

	cr_assert(bad.is_ring);
	cr_assert_not(rd_has(&bad, RD_SQ_MASK), "'zz' is not a number");
	cr_assert(rd_has(&bad, RD_SQ_HEAD));
	cr_assert_eq(bad.value[RD_SQ_HEAD], -5);
	cr_assert_eq(bad.cqe_lines, 0u);
	cr_assert_geq(bad.unknown_lines, 4u);
	cr_assert_str_eq(bad.unknown[0], "SqMask:\tzz");
}

Test(fdinfo, arbitrary_bytes_never_crash)
{
	struct rd_fdinfo info;
	static char junk[4096];
	unsigned seed = 1;

	for (int round = 0; round < 2000; round++) {
		size_t len = (size_t)(seed % sizeof(junk));
		for (size_t i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			/* Mostly fdinfo's own alphabet, so the paths are reached. */
			static const char alphabet[] = "SqCQEs:\t\n 0123456789x-user_data:res,=flag";
			junk[i] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
		}
		cr_assert_eq(rd_fdinfo_parse(junk, len, &info), 0);
	}
	cr_assert_eq(rd_fdinfo_parse(NULL, 0, &info), -EINVAL);
	cr_assert_eq(rd_fdinfo_parse("", 0, NULL), -EINVAL);
}

/* PollList: one line per op armed on a poll, waiting for its fd (recorded
 * from an idle rr-echo with three connections on 6.18). */
Test(fdinfo, the_poll_list_is_counted_by_opcode)
{
	static const char text[] =
		"SqMask:\t0xff\nSqHead:\t10\nSqTail:\t10\nCachedSqHead:\t10\n"
		"PollList:\n"
		"  op=27, task_works=0\n  op=27, task_works=0\n  op=13, task_works=0\n"
		"  op=22, task_works=0\n  op=27, task_works=1\n"
		"  op=notanumber, task_works=0\n"
		"  op=999, task_works=0\n"
		"CqOverflowList:\n";
	struct rd_fdinfo info;

	cr_assert_eq(rd_fdinfo_parse(text, sizeof(text) - 1, &info), 0);
	cr_assert_eq(info.poll_lines, 6u, "the malformed line is not counted");
	cr_assert_eq(info.poll_by_opcode[27], 3u);
	cr_assert_eq(info.poll_by_opcode[13], 1u);
	cr_assert_eq(info.poll_by_opcode[22], 1u);
	cr_assert_eq(info.poll_other_opcodes, 1u, "op=999 is counted apart");
	cr_assert_eq(info.unknown_lines, 1u, "the malformed line is kept raw");
}
