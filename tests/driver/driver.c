/*
 * The project's own test driver (see rr_test.h): runs the registered tests
 * in name order, each in a child process of its own with its time limit
 * (so a crash or a hang fails that test only), and ends with Criterion's
 * closing line, which scripts/test.sh reads for either driver.
 *
 *   rawring-loop-tests-driver [--filter SUITE/NAME-GLOB] [--jobs N] [--list]
 *
 * --jobs is accepted for Criterion's command line and ignored: tests run
 * one at a time.  The child is a fork on POSIX systems; on Windows, which
 * has none, the driver starts itself again with --run SUITE/NAME.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _WIN32
#include <windows.h>
#else
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

#include "rr_test.h"

#define DEFAULT_TIMEOUT_S 60.0
#define EXIT_PASS 0
#define EXIT_FAIL 1
#define EXIT_SKIP 77

static struct rr_test *tests;
static struct rr_test_suite *suites;

void rr_test_register(struct rr_test *test)
{
	test->next = tests;
	tests = test;
}

void rr_test_register_suite(struct rr_test_suite *suite)
{
	suite->next = suites;
	suites = suite;
}

void rr_test_fail(const char *file, int line, const char *expr, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "[----] %s:%d: Assertion failed: %s\n", file, line, expr);
	if (fmt && *fmt) {
		fputs("[----]   ", stderr);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
	fflush(stderr);
	_exit(EXIT_FAIL);
}

void rr_test_skip(const char *fmt, ...)
{
	va_list ap;

	fputs("[SKIP] ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
	_exit(EXIT_SKIP);
}

static double timeout_of(const struct rr_test *test)
{
	if (test->timeout > 0)
		return test->timeout;
	for (const struct rr_test_suite *s = suites; s; s = s->next)
		if (strcmp(s->name, test->suite) == 0 && s->timeout > 0)
			return s->timeout;
	return DEFAULT_TIMEOUT_S;
}

static int by_name(const void *a, const void *b)
{
	const struct rr_test *x = *(const struct rr_test *const *)a;
	const struct rr_test *y = *(const struct rr_test *const *)b;
	int c = strcmp(x->suite, y->suite);

	return c ? c : strcmp(x->name, y->name);
}

enum outcome { PASSED, FAILED, CRASHED, SKIPPED };

static enum outcome outcome_of_exit(int code)
{
	return code == EXIT_PASS ? PASSED : code == EXIT_SKIP ? SKIPPED : FAILED;
}

/* `*` and `?` wildcards, as the filter's glob (fnmatch without flags). */
static bool glob_match(const char *pattern, const char *text)
{
	if (*pattern == '\0')
		return *text == '\0';
	if (*pattern == '*')
		return glob_match(pattern + 1, text) || (*text && glob_match(pattern, text + 1));
	if (*text && (*pattern == '?' || *pattern == *text))
		return glob_match(pattern + 1, text + 1);
	return false;
}

#ifdef _WIN32
static const char *self_path;

/* STATUS_DLL_INIT_FAILED: the process never reached main (seen once in
 * several CI runs, under Wine on a loaded machine): the test did not run. */
#define NEVER_STARTED 0xC0000142u

/* Run one test in a new process of this program under its time limit;
 * its exit code. */
static DWORD run_process(const struct rr_test *test)
{
	char command[1024];
	STARTUPINFOA startup;
	PROCESS_INFORMATION process;
	DWORD code;

	snprintf(command, sizeof(command), "\"%s\" --run %s/%s", self_path,
		 test->suite, test->name);
	memset(&startup, 0, sizeof(startup));
	startup.cb = sizeof(startup);
	fflush(NULL);
	if (!CreateProcessA(NULL, command, NULL, NULL, TRUE, 0, NULL, NULL,
			    &startup, &process))
		return NEVER_STARTED;
	DWORD limit_ms = (DWORD)(timeout_of(test) * 1000.0);
	if (WaitForSingleObject(process.hProcess, limit_ms) == WAIT_TIMEOUT) {
		TerminateProcess(process.hProcess, 124);
		WaitForSingleObject(process.hProcess, INFINITE);
		fprintf(stderr, "[----] %s::%s: timed out\n", test->suite, test->name);
		code = 124;
	} else if (!GetExitCodeProcess(process.hProcess, &code)) {
		code = 1;
	}
	CloseHandle(process.hThread);
	CloseHandle(process.hProcess);
	return code;
}

static enum outcome run_one(const struct rr_test *test)
{
	DWORD code = run_process(test);

	/* A process that never started says nothing of the test: start it
	 * again, twice at most, saying so. */
	for (int again = 0; code == NEVER_STARTED && again < 2; again++) {
		fprintf(stderr, "[----] %s::%s: the process did not start (0x%lx); again\n",
			test->suite, test->name, (unsigned long)code);
		code = run_process(test);
	}
	if (code == 124)
		return CRASHED;
	/* An exception (an access violation, an abort) ends the process with
	 * a code of 3 or an NTSTATUS such as 0xC0000005. */
	if (code == 3 || code >= 0xC0000000u) {
		fprintf(stderr, "[----] %s::%s: exited with 0x%lx\n", test->suite,
			test->name, (unsigned long)code);
		return CRASHED;
	}
	return outcome_of_exit((int)code);
}
#else
/* Run one test in a child process under its time limit. */
static enum outcome run_one(const struct rr_test *test)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return CRASHED;
	if (pid == 0) {
		/* Die with the test if the time runs out (SIGALRM). */
		alarm((unsigned)(timeout_of(test) + 0.999));
		test->body();
		fflush(NULL);
		_exit(EXIT_PASS);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status))
		return outcome_of_exit(WEXITSTATUS(status));
	if (WIFSIGNALED(status)) {
		int sig = WTERMSIG(status);
		fprintf(stderr, "[----] %s::%s: %s\n", test->suite, test->name,
			sig == SIGALRM ? "timed out" : strsignal(sig));
	}
	return CRASHED;
}
#endif

/* --run SUITE/NAME: run that one test in this process (the child side). */
static int run_here(struct rr_test **order, size_t count, const char *full_name)
{
	for (size_t i = 0; i < count; i++) {
		char full[256];
		snprintf(full, sizeof(full), "%s/%s", order[i]->suite, order[i]->name);
		if (strcmp(full, full_name) == 0) {
			order[i]->body();
			fflush(NULL);
			return EXIT_PASS;
		}
	}
	fprintf(stderr, "no test %s\n", full_name);
	return 2;
}

int main(int argc, char **argv)
{
	const char *filter = NULL, *run = NULL;
	bool list = false;

#ifdef _WIN32
	static char self[MAX_PATH];
	if (GetModuleFileNameA(NULL, self, sizeof(self)) == 0)
		return 2;
	self_path = self;
#endif
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--filter") == 0 && i + 1 < argc)
			filter = argv[++i];
		else if (strncmp(argv[i], "--filter=", 9) == 0)
			filter = argv[i] + 9;
		else if (strcmp(argv[i], "--jobs") == 0 && i + 1 < argc)
			i++;
		else if (strcmp(argv[i], "--list") == 0)
			list = true;
		else if (strcmp(argv[i], "--run") == 0 && i + 1 < argc)
			run = argv[++i];
		else if (strncmp(argv[i], "--jobs=", 7) != 0) {
			fprintf(stderr, "usage: %s [--filter SUITE/NAME-GLOB] [--list] [--run SUITE/NAME]\n", argv[0]);
			return 2;
		}
	}

	size_t count = 0;
	for (struct rr_test *t = tests; t; t = t->next)
		count++;
	struct rr_test **order = calloc(count ? count : 1, sizeof(*order));
	if (!order)
		return 2;
	count = 0;
	for (struct rr_test *t = tests; t; t = t->next)
		order[count++] = t;
	qsort(order, count, sizeof(*order), by_name);
	if (run)
		return run_here(order, count, run);

	unsigned tested = 0, passing = 0, failing = 0, crashing = 0;
	for (size_t i = 0; i < count; i++) {
		char full[256];
		snprintf(full, sizeof(full), "%s/%s", order[i]->suite, order[i]->name);
		if (filter && !glob_match(filter, full))
			continue;
		if (list) {
			printf("%s\n", full);
			continue;
		}
		enum outcome outcome = run_one(order[i]);
		static const char *const label[] = { "PASS", "FAIL", "FAIL", "SKIP" };
		fprintf(stderr, "[%s] %s::%s%s\n", label[outcome], order[i]->suite,
			order[i]->name, outcome == CRASHED ? ": CRASH!" : "");
		if (outcome == SKIPPED)
			continue;
		tested++;
		passing += outcome == PASSED;
		failing += outcome == FAILED;
		crashing += outcome == CRASHED;
	}
	free(order);
	if (!list)
		fprintf(stderr, "[====] Synthesis: Tested: %u | Passing: %u | Failing: %u | Crashing: %u \n",
			tested, passing, failing, crashing);
	return failing || crashing ? 1 : 0;
}
