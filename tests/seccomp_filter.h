/* A seccomp filter that makes the io_uring system calls fail with a chosen
 * errno, as Docker's default profile (EPERM) or an old kernel (ENOSYS)
 * would.  It applies to the calling process and its children, for good. */
#ifndef RAWRING_TEST_SECCOMP_FILTER_H
#define RAWRING_TEST_SECCOMP_FILTER_H

/* 0 or -errno. */
int block_io_uring(int errno_value);

#endif
