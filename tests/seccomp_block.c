/*
 * rr-seccomp-block: run a command with the io_uring system calls blocked.
 *
 *   rr-seccomp-block EPERM|ENOSYS COMMAND [ARG...]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "seccomp_filter.h"

int main(int argc, char **argv)
{
	if (argc < 3 || (strcmp(argv[1], "EPERM") && strcmp(argv[1], "ENOSYS"))) {
		fprintf(stderr, "usage: rr-seccomp-block EPERM|ENOSYS COMMAND [ARG...]\n");
		return 2;
	}
	int ret = block_io_uring(strcmp(argv[1], "EPERM") == 0 ? EPERM : ENOSYS);
	if (ret < 0) {
		fprintf(stderr, "rr-seccomp-block: %s\n", strerror(-ret));
		return 1;
	}
	execvp(argv[2], argv + 2);
	fprintf(stderr, "rr-seccomp-block: %s: %s\n", argv[2], strerror(errno));
	return 127;
}
