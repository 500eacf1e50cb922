/*
 * rawring/syscall.h - the three io_uring system calls, issued directly.
 *
 * Each wrapper returns the kernel's result: a non-negative value on success,
 * or a negative errno.  errno is never read or written.
 */
#ifndef RAWRING_SYSCALL_H
#define RAWRING_SYSCALL_H

#include <stddef.h>
#include "abi.h"

#include <sys/syscall.h>

/* The numbers are the same on every architecture with the generic table. */
#ifndef __NR_io_uring_setup
#define __NR_io_uring_setup 425
#endif
#ifndef __NR_io_uring_enter
#define __NR_io_uring_enter 426
#endif
#ifndef __NR_io_uring_register
#define __NR_io_uring_register 427
#endif

#ifdef __cplusplus
extern "C" {
#endif

/*
 * io_uring_setup(2): create a ring of `entries` SQ entries.  `params` is read
 * (flags, sq_thread_cpu, sq_thread_idle, cq_entries, wq_fd) and written back
 * (entries, features, ring offsets).  Returns the ring fd or -errno
 * (-EINVAL bad entries or flags, -EFAULT, -ENOMEM, -EMFILE, -EPERM when
 * io_uring is disabled or blocked, -ENOSYS on kernels without io_uring).
 * Never blocks.
 */
int rr_io_uring_setup(unsigned entries, struct io_uring_params *params);

/*
 * io_uring_enter(2) with an optional signal mask (NULL for none): submit
 * `to_submit` SQEs and, with IORING_ENTER_GETEVENTS, wait until
 * `min_complete` CQEs are ready.  Returns the number of SQEs consumed or
 * -errno (-EINTR, -EAGAIN, -EBUSY, -EBADR, -EBADF, -EFAULT, -EINVAL, ...).
 * Blocks only when GETEVENTS asks for more completions than are ready.
 */
int rr_io_uring_enter(int ring_fd, unsigned to_submit, unsigned min_complete,
		      unsigned flags, const void *sigmask);

/*
 * The extended form: `arg` is passed with its size verbatim.  With
 * IORING_ENTER_EXT_ARG it is a struct io_uring_getevents_arg (signal mask and
 * timeout; a timeout that expires returns -ETIME).
 */
int rr_io_uring_enter2(int ring_fd, unsigned to_submit, unsigned min_complete,
		       unsigned flags, const void *arg, size_t arg_size);

/*
 * io_uring_register(2).  Returns the opcode's result (0 or a count) or -errno.
 * May block while the ring quiesces for some opcodes (file and buffer tables
 * without IORING_FEAT_RSRC_TAGS-era updates).
 */
int rr_io_uring_register(int ring_fd, unsigned opcode, const void *arg,
			 unsigned nr_args);

#ifdef __cplusplus
}
#endif

#endif /* RAWRING_SYSCALL_H */
