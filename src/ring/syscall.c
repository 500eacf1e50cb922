/*
 * The io_uring system calls without libc's syscall(2): on x86-64 and aarch64
 * the instruction is issued inline so that the result comes back as the raw
 * kernel value (-errno on failure) and errno is never touched.  Elsewhere
 * syscall(2) is used and its errno converted back.
 */
#define _GNU_SOURCE
#include "rawring/syscall.h"
#include "syscall_inline.h"

int rr_io_uring_setup(unsigned entries, struct io_uring_params *params)
{
	int fault = RR_FAULT_RAW(RR_FAULT_IO_URING_SETUP);

	if (fault)
		return fault;
	return (int)raw_syscall6(__NR_io_uring_setup, (long)entries,
				 (long)params, 0, 0, 0, 0);
}

int rr_io_uring_enter2(int ring_fd, unsigned to_submit, unsigned min_complete,
		       unsigned flags, const void *arg, size_t arg_size)
{
	return rr__sys_enter(ring_fd, to_submit, min_complete, flags, arg, arg_size);
}

int rr_io_uring_enter(int ring_fd, unsigned to_submit, unsigned min_complete,
		      unsigned flags, const void *sigmask)
{
	return rr_io_uring_enter2(ring_fd, to_submit, min_complete, flags,
				  sigmask, KERNEL_SIGSET_SIZE);
}

int rr_io_uring_register(int ring_fd, unsigned opcode, const void *arg,
			 unsigned nr_args)
{
	int fault = RR_FAULT_RAW(RR_FAULT_IO_URING_REGISTER);

	if (fault)
		return fault;
	return (int)raw_syscall6(__NR_io_uring_register, ring_fd, (long)opcode,
				 (long)arg, (long)nr_args, 0, 0);
}
