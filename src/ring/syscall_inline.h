/*
 * The raw system-call instruction, inline, for the ring layer's hot paths
 * (submit and wait) and for the exported wrappers in syscall.c.  Returns the
 * kernel's value: -errno on failure; errno is never touched (except by the
 * syscall(2) fallback, whose errno is converted back).
 */
#ifndef RAWRING_RING_SYSCALL_INLINE_H
#define RAWRING_RING_SYSCALL_INLINE_H

#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../common/fault.h"
#include "rawring/syscall.h"

/* The system call numbers: rawring/syscall.h. */

/* The kernel's sigset is _NSIG bits, not glibc's 1024-bit sigset_t. */
#define KERNEL_SIGSET_SIZE (_NSIG / 8)

#if defined(__x86_64__)

static inline long raw_syscall6(long nr, long a1, long a2, long a3, long a4,
				long a5, long a6)
{
	long ret;
	register long r10 __asm__("r10") = a4;
	register long r8 __asm__("r8") = a5;
	register long r9 __asm__("r9") = a6;

	/* The syscall instruction clobbers rcx (return address) and r11 (rflags). */
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8),
			   "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

#elif defined(__aarch64__)

static inline long raw_syscall6(long nr, long a1, long a2, long a3, long a4,
				long a5, long a6)
{
	register long x8 __asm__("x8") = nr;
	register long x0 __asm__("x0") = a1;
	register long x1 __asm__("x1") = a2;
	register long x2 __asm__("x2") = a3;
	register long x3 __asm__("x3") = a4;
	register long x4 __asm__("x4") = a5;
	register long x5 __asm__("x5") = a6;

	__asm__ volatile("svc #0"
			 : "+r"(x0)
			 : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
			 : "memory");
	return x0;
}

#else

static inline long raw_syscall6(long nr, long a1, long a2, long a3, long a4,
				long a5, long a6)
{
	long ret = syscall(nr, a1, a2, a3, a4, a5, a6);

	return ret < 0 ? -errno : ret;
}

#endif

static inline int rr__sys_enter(int ring_fd, unsigned to_submit,
				unsigned min_complete, unsigned flags,
				const void *arg, size_t arg_size)
{
	int fault = RR_FAULT_RAW(RR_FAULT_IO_URING_ENTER);

	if (fault)
		return fault;
	return (int)raw_syscall6(__NR_io_uring_enter, ring_fd, (long)to_submit,
				 (long)min_complete, (long)flags, (long)arg,
				 (long)arg_size);
}

#endif
