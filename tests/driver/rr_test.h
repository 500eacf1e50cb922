/*
 * One body of tests, two drivers.  The suites are written with Criterion's
 * macros (Test, TestSuite, cr_assert_*, cr_skip_test).  Built normally they
 * run under Criterion; built with -DRR_OWN_DRIVER the same macros come from
 * here and driver.c runs them, where Criterion cannot: ThreadSanitizer
 * builds, and later targets without Criterion.
 *
 * The own driver takes the subset of Criterion the suites use: .timeout
 * on Test and TestSuite, and the assertions below; messages are optional
 * printf formats.  A failed assertion or a skip ends the test at once.
 */
#ifndef RAWRING_TEST_DRIVER_H
#define RAWRING_TEST_DRIVER_H

#ifndef RR_OWN_DRIVER

#include <criterion/criterion.h>

#else

/* What criterion.h brings with it, and the suites rely on. */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rr_test {
	const char *suite;
	const char *name;
	void (*body)(void);
	double timeout;       /* seconds; 0: the suite's, else the driver's */
	int unused;
	struct rr_test *next;
};

struct rr_test_suite {
	const char *name;
	double timeout;
	int unused;
	struct rr_test_suite *next;
};

void rr_test_register(struct rr_test *test);
void rr_test_register_suite(struct rr_test_suite *suite);

/* End the running test: failed (with the message) or skipped. */
_Noreturn void rr_test_fail(const char *file, int line, const char *expr,
			    const char *fmt, ...);
_Noreturn void rr_test_skip(const char *fmt, ...);

#define RR_TEST_CONCAT_(a, b) a##b
#define RR_TEST_CONCAT(a, b) RR_TEST_CONCAT_(a, b)

/* `.unused = 0` gives the variadic part at least one argument when the
 * caller passes no options (C11 requires one). */
#define Test(...) RR_TEST_(__VA_ARGS__, .unused = 0)
#define RR_TEST_(suite_id, test_id, ...)                                       \
	static void suite_id##_##test_id##_body(void);                         \
	static struct rr_test suite_id##_##test_id##_desc = {                  \
		.suite = #suite_id, .name = #test_id,                          \
		.body = suite_id##_##test_id##_body, __VA_ARGS__               \
	};                                                                     \
	__attribute__((constructor)) static void                               \
	suite_id##_##test_id##_register(void)                                  \
	{                                                                      \
		rr_test_register(&suite_id##_##test_id##_desc);                \
	}                                                                      \
	static void suite_id##_##test_id##_body(void)

/* Ends in a declaration, so that the `;` after TestSuite(...) is needed. */
#define TestSuite(...) RR_TEST_SUITE_(__VA_ARGS__, .unused = 0)
#define RR_TEST_SUITE_(suite_id, ...)                                          \
	static struct rr_test_suite suite_id##_suite_desc;                     \
	__attribute__((constructor)) static void suite_id##_suite_register(void) \
	{                                                                      \
		rr_test_register_suite(&suite_id##_suite_desc);                \
	}                                                                      \
	static struct rr_test_suite suite_id##_suite_desc = {                  \
		.name = #suite_id, __VA_ARGS__                                 \
	}

/* The message arguments are optional: a "" is appended so that there is
 * always a format. */
#define RR_CHECK_(cond, expr, ...)                                             \
	do {                                                                   \
		if (!(cond))                                                   \
			rr_test_fail(__FILE__, __LINE__, expr, __VA_ARGS__);   \
	} while (0)

#define cr_assert(...) RR_ASSERT1_(__VA_ARGS__, "")
#define RR_ASSERT1_(a, ...) RR_CHECK_((a), #a, __VA_ARGS__)
#define cr_assert_not(...) RR_ASSERT_NOT_(__VA_ARGS__, "")
#define RR_ASSERT_NOT_(a, ...) RR_CHECK_(!(a), "!(" #a ")", __VA_ARGS__)
#define cr_assert_null(...) RR_ASSERT_NULL_(__VA_ARGS__, "")
#define RR_ASSERT_NULL_(a, ...) RR_CHECK_((a) == NULL, #a " == NULL", __VA_ARGS__)
#define cr_assert_not_null(...) RR_ASSERT_NOT_NULL_(__VA_ARGS__, "")
#define RR_ASSERT_NOT_NULL_(a, ...) RR_CHECK_((a) != NULL, #a " != NULL", __VA_ARGS__)

#define RR_ASSERT_CMP_(op, a, b, ...) RR_CHECK_((a) op (b), #a " " #op " " #b, __VA_ARGS__)
#define cr_assert_eq(...) RR_ASSERT_EQ_(__VA_ARGS__, "")
#define RR_ASSERT_EQ_(a, b, ...) RR_ASSERT_CMP_(==, a, b, __VA_ARGS__)
#define cr_assert_neq(...) RR_ASSERT_NEQ_(__VA_ARGS__, "")
#define RR_ASSERT_NEQ_(a, b, ...) RR_ASSERT_CMP_(!=, a, b, __VA_ARGS__)
#define cr_assert_lt(...) RR_ASSERT_LT_(__VA_ARGS__, "")
#define RR_ASSERT_LT_(a, b, ...) RR_ASSERT_CMP_(<, a, b, __VA_ARGS__)
#define cr_assert_leq(...) RR_ASSERT_LEQ_(__VA_ARGS__, "")
#define RR_ASSERT_LEQ_(a, b, ...) RR_ASSERT_CMP_(<=, a, b, __VA_ARGS__)
#define cr_assert_gt(...) RR_ASSERT_GT_(__VA_ARGS__, "")
#define RR_ASSERT_GT_(a, b, ...) RR_ASSERT_CMP_(>, a, b, __VA_ARGS__)
#define cr_assert_geq(...) RR_ASSERT_GEQ_(__VA_ARGS__, "")
#define RR_ASSERT_GEQ_(a, b, ...) RR_ASSERT_CMP_(>=, a, b, __VA_ARGS__)
#define cr_assert_str_eq(...) RR_ASSERT_STR_EQ_(__VA_ARGS__, "")
#define RR_ASSERT_STR_EQ_(a, b, ...)                                           \
	RR_CHECK_(strcmp((a), (b)) == 0, #a " equals " #b, __VA_ARGS__)
#define cr_assert_fail(...) rr_test_fail(__FILE__, __LINE__, "failed", "" __VA_ARGS__)

#define cr_skip_test(...) rr_test_skip("" __VA_ARGS__)

#endif /* RR_OWN_DRIVER */

#endif /* RAWRING_TEST_DRIVER_H */
